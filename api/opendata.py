"""A public strategy's open data: one tidy CSV table per level of its cascade, its indicators and
their values in long format, a data dictionary, the same as one zip, and their DCAT-AP
description (``api/dcat.py``).

The CSV files are UTF-8 with a byte-order mark (a spreadsheet opens them with their accents), a
comma between fields, a dot before decimals and ISO 8601 dates. They hold what the public cockpit
shows and nothing more: no budget, funding, comment nor person. Each file and the zip are streamed
as they are written (``StreamingHttpResponse``), the rows read from the database in chunks, so a
strategy of 10,000 projects and 100,000 values is served in constant memory.
"""

from __future__ import annotations

import csv
import datetime
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from indicators.models import Indicator, IndicatorValue, Status
from projects.models import Mark, Project
from strategies.levels import LevelName
from strategies.models import Axis, Domain, Licence, Measure, Strategy

from . import dcat
from .conditional import conditional
from .rows import PROJECT_VALUES, evaluated_indicators

BOM = "\ufeff"
#: Rows read from the database at a time, and bytes gathered before a chunk is sent.
CHUNK_ROWS = 2000
CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # integer, decimal, text, date, boolean
    description: str


def own_id(name: str, level: LevelName) -> Column:
    """The stable id of the table's own rows, named by the strategy's level (« projet »)."""
    return Column(
        name, "integer", gettext("identifiant stable (%(level)s)") % {"level": level.singular}
    )


def ref_id(name: str, level: LevelName) -> Column:
    """The id of the row of another level a row belongs to."""
    return Column(name, "integer", gettext("identifiant (%(level)s)") % {"level": level.singular})


def level_number(name: str, level: LevelName) -> Column:
    return Column(name, "integer", gettext("numéro (%(level)s)") % {"level": level.singular})


def level_code(name: str, level: LevelName) -> Column:
    return Column(name, "text", gettext("code (%(level)s)") % {"level": level.singular})


@dataclass(frozen=True)
class Table:
    name: str
    description: Callable[[Strategy], str]
    columns: Callable[[Strategy], list[Column]]
    rows: Callable[[Strategy], Iterable[list]]
    used: Callable[[Strategy], bool] = lambda strategy: True


def cell(value) -> str:
    """A value as the CSV writes it: ISO dates, dot decimals without trailing zeros, booleans
    as true/false, nothing for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def level(strategy: Strategy, kind: str) -> str:
    return strategy.levels.name(kind).plural


# --- The tables ----------------------------------------------------------------------------------


def axis_columns(strategy: Strategy) -> list[Column]:
    axis = strategy.levels.axis.singular
    return [
        Column("axis_id", "integer", gettext("identifiant stable (%(level)s)") % {"level": axis}),
        Column("number", "integer", gettext("numéro")),
        Column("title", "text", gettext("titre")),
        Column("strategic_objective", "text", gettext("objectif stratégique")),
    ]


def axis_rows(strategy: Strategy) -> Iterator[list]:
    yield from (
        Axis.objects.filter(strategy=strategy)
        .order_by("number")
        .values_list("pk", "number", "title", "strategic_objective")
    )


def domain_columns(strategy: Strategy) -> list[Column]:
    levels = strategy.levels
    return [
        own_id("domain_id", levels.domain),
        ref_id("axis_id", levels.axis),
        level_number("axis_number", levels.axis),
        Column("title", "text", gettext("titre")),
        Column("order", "integer", gettext("ordre")),
    ]


def domain_rows(strategy: Strategy) -> Iterator[list]:
    yield from (
        Domain.objects.filter(axis__strategy=strategy)
        .order_by("axis__number", "order", "title", "pk")
        .values_list("pk", "axis_id", "axis__number", "title", "order")
    )


def measure_columns(strategy: Strategy) -> list[Column]:
    levels = strategy.levels
    return [
        own_id("measure_id", levels.measure),
        Column("code", "text", gettext("code, unique dans la stratégie")),
        ref_id("axis_id", levels.axis),
        level_number("axis_number", levels.axis),
        ref_id("domain_id", levels.domain),
        Column("title", "text", gettext("titre")),
        Column("objective_code", "text", gettext("code de l'objectif opérationnel")),
        Column("operational_objective", "text", gettext("objectif opérationnel")),
        Column("outputs", "text", gettext("réalisations attendues")),
    ]


def measure_rows(strategy: Strategy) -> Iterator[list]:
    yield from (
        Measure.objects.for_strategy(strategy)
        .values_list(
            "pk",
            "code",
            "axis_id",
            "axis__number",
            "domain_id",
            "title",
            "objective_code",
            "operational_objective",
            "outputs",
        )
        .iterator(chunk_size=CHUNK_ROWS)
    )


def project_columns(strategy: Strategy) -> list[Column]:
    levels = strategy.levels
    statuses = ", ".join(f"{s.value} ({s.label})" for s in Project.Status)
    marks = ", ".join(f"{m.value} ({m.label})" for m in Mark)
    return [
        own_id("project_id", levels.project),
        Column("code", "text", gettext("code, unique dans la stratégie")),
        Column("title", "text", gettext("titre")),
        ref_id("axis_id", levels.axis),
        level_number("axis_number", levels.axis),
        ref_id("measure_id", levels.measure),
        level_code("measure_code", levels.measure),
        Column("priority", "integer", gettext("priorité : 1 haute, 2 moyenne, 3 basse")),
        Column("status", "text", gettext("statut : %(values)s") % {"values": statuses}),
        Column("status_label", "text", gettext("statut en mots")),
        Column("mark", "text", gettext("état du jour : %(values)s") % {"values": marks}),
        Column("mark_label", "text", gettext("état en mots")),
        Column("late", "boolean", gettext("en retard à la date du fichier")),
        Column("after_horizon", "boolean", gettext("se termine après l'horizon de la stratégie")),
        Column("start_date", "date", gettext("début (AAAA-MM-JJ)")),
        Column("end_date", "date", gettext("fin (AAAA-MM-JJ)")),
        Column("progress", "integer", gettext("avancement, en pour cent")),
        Column("communes", "text", gettext("communes concernées, séparées par « ; »")),
    ]


def project_rows(strategy: Strategy) -> Iterator[list]:
    communes = defaultdict(list)
    through = Project.communes.through.objects.filter(project__strategy=strategy)
    for project_id, name in through.order_by("commune__name").values_list(
        "project_id", "commune__name"
    ):
        communes[project_id].append(name)
    statuses = {status.value: status.text for status in Project.Status}
    marks = {mark.value: mark.text for mark in Mark}
    found = (
        Project.objects.for_strategy(strategy)
        .with_mark()
        .values_list(*PROJECT_VALUES)  # the public fields, as the API's project rows read them
    )
    for row in found.iterator(chunk_size=CHUNK_ROWS):
        (
            pk,
            code,
            title,
            axis,
            number,
            measure,
            measure_code,
            priority,
            status,
            mark,
            late,
            after,
            start,
            end,
            progress,
        ) = row
        yield [
            pk,
            code,
            title,
            axis,
            number,
            measure,
            measure_code,
            priority,
            status,
            statuses[status],
            mark,
            marks[mark],
            bool(late),
            bool(after),
            start,
            end,
            progress,
            "; ".join(communes.get(pk, ())),
        ]


def indicator_columns(strategy: Strategy) -> list[Column]:
    levels = strategy.levels
    statuses = ", ".join(f"{s.value} ({s.label})" for s in Status)
    return [
        Column("indicator_id", "integer", gettext("identifiant stable de l'indicateur")),
        Column("code", "text", gettext("code, unique dans la stratégie")),
        Column("name", "text", gettext("nom")),
        Column("unit", "text", gettext("unité")),
        Column("level", "text", gettext("niveau : strategic (axe) ou operational (mesure)")),
        ref_id("axis_id", levels.axis),
        ref_id("measure_id", levels.measure),
        level_code("measure_code", levels.measure),
        Column("direction", "text", gettext("sens : increase, decrease ou range")),
        Column("frequency", "text", gettext("fréquence de mise à jour")),
        Column("baseline_value", "decimal", gettext("état actuel (valeur de départ)")),
        Column("baseline_date", "date", gettext("date de l'état actuel")),
        Column("target_value", "decimal", gettext("état visé")),
        Column("target_date", "date", gettext("échéance")),
        Column("range_min", "decimal", gettext("fourchette : minimum")),
        Column("range_max", "decimal", gettext("fourchette : maximum")),
        Column("source", "text", gettext("source")),
        Column("latest_value", "decimal", gettext("dernière valeur mesurée")),
        Column("latest_value_date", "date", gettext("date de la dernière valeur")),
        Column(
            "attainment",
            "decimal",
            gettext("atteinte : part du chemin de l'état actuel à l'état visé, en pour cent"),
        ),
        Column("status", "text", gettext("statut : %(values)s") % {"values": statuses}),
        Column("status_label", "text", gettext("statut en mots")),
        Column("data_age_days", "integer", gettext("âge de la dernière valeur, en jours")),
        Column("stale", "boolean", gettext("valeur à actualiser")),
    ]


def indicator_rows(strategy: Strategy) -> Iterator[list]:
    on = timezone.localdate()
    found = Indicator.objects.for_strategy(strategy)
    for indicator, evaluation in evaluated_indicators(strategy, on, found):
        value_date = evaluation.value_date
        yield [
            indicator.pk,
            indicator.code,
            indicator.name,
            indicator.unit,
            indicator.level,
            indicator.axis_id or (indicator.measure.axis_id if indicator.measure_id else None),
            indicator.measure_id,
            indicator.measure.code if indicator.measure_id else None,
            indicator.direction,
            indicator.frequency,
            indicator.baseline_value,
            indicator.baseline_date,
            indicator.target_value,
            indicator.target_date,
            indicator.range_min,
            indicator.range_max,
            indicator.source,
            evaluation.value,
            value_date,
            evaluation.attainment,
            evaluation.status.value,
            evaluation.status.text,
            None if value_date is None else (on - value_date).days,
            evaluation.stale,
        ]


def value_columns(strategy: Strategy) -> list[Column]:
    return [
        Column("indicator_id", "integer", gettext("identifiant de l'indicateur")),
        Column("indicator_code", "text", gettext("code de l'indicateur")),
        Column("date", "date", gettext("date de la mesure (AAAA-MM-JJ)")),
        Column("value", "decimal", gettext("valeur mesurée")),
        Column("unit", "text", gettext("unité")),
        Column("source", "text", gettext("source")),
    ]


def value_rows(strategy: Strategy) -> Iterator[list]:
    found = (
        IndicatorValue.objects.filter(indicator__strategy=strategy)
        .order_by("indicator_id", "date")
        .values_list(
            "indicator_id", "indicator__code", "date", "value", "indicator__unit", "source"
        )
    )
    yield from found.iterator(chunk_size=CHUNK_ROWS)


def dictionary_columns(strategy: Strategy) -> list[Column]:
    return [
        Column("table", "text", gettext("fichier (sans .csv)")),
        Column("column", "text", gettext("colonne")),
        Column("type", "text", gettext("type : integer, decimal, text, date ou boolean")),
        Column("description", "text", gettext("description")),
    ]


def dictionary_rows(strategy: Strategy) -> Iterator[list]:
    for table in tables_of(strategy):
        if table.name == "dictionary":
            continue
        yield [table.name, "", "", table.description(strategy)]
        for column in table.columns(strategy):
            yield [table.name, column.name, column.kind, column.description]


TABLE_LIST = (
    Table("axes", lambda s: level(s, "axis"), axis_columns, axis_rows),
    Table(
        "domains",
        lambda s: level(s, "domain"),
        domain_columns,
        domain_rows,
        lambda s: s.uses_domains,
    ),
    Table(
        "measures",
        lambda s: level(s, "measure"),
        measure_columns,
        measure_rows,
        lambda s: s.uses_measures,
    ),
    Table("projects", lambda s: level(s, "project"), project_columns, project_rows),
    Table(
        "indicators",
        lambda s: gettext("indicateurs, évalués à la date du fichier"),
        indicator_columns,
        indicator_rows,
    ),
    Table(
        "indicator_values",
        lambda s: gettext("valeurs mesurées des indicateurs, une ligne par valeur"),
        value_columns,
        value_rows,
    ),
    Table(
        "dictionary",
        lambda s: gettext("dictionnaire des données"),
        dictionary_columns,
        dictionary_rows,
    ),
)
TABLES = {table.name: table for table in TABLE_LIST}


def tables_of(strategy: Strategy) -> list[Table]:
    return [table for table in TABLE_LIST if table.used(strategy)]


# --- Writing -------------------------------------------------------------------------------------


class _Line:
    """A file-like object that hands back what the CSV writer writes."""

    def write(self, text: str) -> str:
        return text


def csv_chunks(strategy: Strategy, table: Table, bom: bool = True) -> Iterator[bytes]:
    """The table as CSV, in chunks of about ``CHUNK_BYTES``."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    parts = [BOM] if bom else []
    size = 0
    parts.append(writer.writerow([column.name for column in table.columns(strategy)]))
    for row in table.rows(strategy):
        line = writer.writerow([cell(value) for value in row])
        parts.append(line)
        size += len(line)
        if size >= CHUNK_BYTES:
            yield "".join(parts).encode()
            parts, size = [], 0
    if parts:
        yield "".join(parts).encode()


class _Sink:
    """An unseekable file for ``zipfile``: it keeps what is written until it is taken."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts = []
        return data


def licence_text(strategy: Strategy) -> str:
    licence = Licence(strategy.licence)
    return gettext(
        "%(strategy)s – %(territory)s\n\nDonnées publiées sous la licence %(licence)s (%(url)s).\n"
        "Citez la source : %(territory)s.\n"
    ) % {
        "strategy": strategy.title,
        "territory": strategy.territory.name,
        "licence": licence.label,
        "url": licence.url,
    }


def zip_chunks(strategy: Strategy) -> Iterator[bytes]:
    """The zip of every table and the licence, written as it is sent (data descriptors: no
    seeking back)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables_of(strategy):
            with archive.open(f"{table.name}.csv", "w", force_zip64=True) as member:
                for chunk in csv_chunks(strategy, table):
                    member.write(chunk)
                    if data := sink.take():
                        yield data
            yield sink.take()
        archive.writestr("LICENCE.txt", licence_text(strategy))
    yield sink.take()


# --- Views ---------------------------------------------------------------------------------------


def public_strategy(pk: int) -> Strategy:
    return get_object_or_404(Strategy.objects.filter(is_public=True), pk=pk)


def file_stem(strategy: Strategy) -> str:
    return slugify(strategy.short_name or strategy.title)[:40] or f"strategie-{strategy.pk}"


def _attachment(response: HttpResponse, name: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def table(request: HttpRequest, pk: int, table: str) -> HttpResponse:
    strategy = public_strategy(pk)
    found = TABLES.get(table)
    if found is None or not found.used(strategy):
        raise Http404

    def build() -> HttpResponse:
        response = StreamingHttpResponse(
            csv_chunks(strategy, found), content_type="text/csv; charset=utf-8"
        )
        return _attachment(response, f"{file_stem(strategy)}_{found.name}.csv")

    return conditional(request, strategy, False, build)


@require_safe
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = public_strategy(pk)

    def build() -> HttpResponse:
        response = StreamingHttpResponse(zip_chunks(strategy), content_type="application/zip")
        return _attachment(response, f"{file_stem(strategy)}_donnees.zip")

    return conditional(request, strategy, False, build)


@require_safe
def dcat_jsonld(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = public_strategy(pk)
    return conditional(
        request,
        strategy,
        False,
        lambda: HttpResponse(
            dcat.describe(request, strategy).serialize(format="json-ld", context=dcat.CONTEXT),
            content_type="application/ld+json; charset=utf-8",
        ),
    )


@require_safe
def dcat_rdf(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = public_strategy(pk)
    return conditional(
        request,
        strategy,
        False,
        lambda: HttpResponse(
            dcat.describe(request, strategy).serialize(format="pretty-xml"),
            content_type="application/rdf+xml; charset=utf-8",
        ),
    )
