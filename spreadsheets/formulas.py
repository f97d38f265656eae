"""Formula cells saved without their computed value: a workbook written by a program that does not
compute formulas (openpyxl writes ``=A1+1`` as ``<c r="B2"><f>A1+1</f><v /></c>``) holds no value
in them, and both readers of ``spreadsheets.reader`` would read them as empty. They are found in
the sheet's XML and put back in their rows as ``FormulaWithoutValue``, which the import reports in
its cell (``spreadsheets.resources``) rather than import an empty value.

A formula saved with its value (as Excel and LibreOffice save them) is read as that value,
an empty text included (``t="str"``)."""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from defusedxml import ElementTree
from openpyxl.utils.cell import coordinate_to_tuple


@dataclass(frozen=True)
class FormulaWithoutValue:
    """A cell that holds a formula (``=A1+1``) saved without its computed value."""

    formula: str

    def __str__(self) -> str:
        return self.formula


#: A formula cell whose value is missing or empty: its attributes, then its formula (empty for the
#: cells of a shared formula, ``<f t="shared" si="0"/>``).
UNCOMPUTED = re.compile(
    rb"<c\b([^>]*)>\s*<f\b[^>]*?(?:/>|>([^<]*)</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>"
)
ATTRIBUTE = re.compile(rb"""\b(r|t)\s*=\s*["']([^"']*)["']""")
#: How much of a chunk is read again with the next one, so that a cell cut in two is found.
OVERLAP = 4096


def uncomputed_cells(xml: bytes) -> Iterator[tuple[str, str]]:
    """The formula cells of a sheet's XML saved without their value, as (reference, formula):
    ``("B2", "=A1+1")``. A cell without a reference cannot be placed: it is left out."""
    for match in UNCOMPUTED.finditer(xml):
        attributes = {
            name.decode(): value.decode() for name, value in ATTRIBUTE.findall(match[1] or b"")
        }
        if attributes.get("t", "n") not in ("n", "") or "r" not in attributes:
            continue  # an empty text is a value (t="str"); nothing else is saved empty
        formula = html.unescape((match[2] or b"").decode("utf-8", "replace"))
        yield attributes["r"], "=" + formula


def may_hold_uncomputed(text: bytes) -> bool:
    """Whether a chunk of a sheet's XML holds a formula cell saved without its value."""
    return b"<f" in text and next(uncomputed_cells(text), None) is not None


def chunk_overlap(text: bytes) -> bytes:
    return text[-OVERLAP:]


def first_worksheet_part(archive: zipfile.ZipFile) -> str | None:
    """The part of the workbook's first worksheet (the sheet both readers read), from the
    workbook's list of sheets and its relations. (Parts that declare a document type were
    refused before.)"""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {relation.get("Id"): relation for relation in relations}
    for sheet in workbook.iter():
        if local_name(sheet.tag) != "sheet":
            continue
        relation_id = next(
            (value for name, value in sheet.attrib.items() if local_name(name) == "id"), None
        )
        relation = targets.get(relation_id)
        if relation is None or not relation.get("Type", "").endswith("/worksheet"):
            continue
        target = relation.get("Target", "")
        if target.startswith("/"):
            return target[1:]
        return posixpath.normpath(posixpath.join("xl", target))
    return None


def local_name(name: str) -> str:
    return name.rpartition("}")[2]


def formulas_without_value(
    archive: zipfile.ZipFile, parts: Iterable[str]
) -> dict[tuple[int, int], FormulaWithoutValue]:
    """The first worksheet's formula cells saved without their value, by (line, column index
    from 0), when it is one of the ``parts`` where some were seen."""
    parts = set(parts)
    if not parts:
        return {}
    first = first_worksheet_part(archive)
    if first not in parts:
        return {}
    cells = {}
    for reference, formula in uncomputed_cells(archive.read(first)):
        line, column = coordinate_to_tuple(reference)
        cells[line, column - 1] = FormulaWithoutValue(formula)
    return cells


def with_formulas(
    rows: Iterable[tuple[int, tuple]], formulas: dict[tuple[int, int], FormulaWithoutValue]
) -> Iterator[tuple[int, tuple]]:
    """The rows read, each formula saved without its value in its cell (the readers read it as
    empty, and leave out the lines and columns that hold nothing else)."""
    by_line: dict[int, dict[int, FormulaWithoutValue]] = defaultdict(dict)
    for (line, column), formula in formulas.items():
        by_line[line][column] = formula
    for line, values in rows:
        for missing in sorted(number for number in by_line if number < line):
            yield missing, placed((), by_line.pop(missing))
        cells = by_line.pop(line, None)
        yield line, placed(values, cells) if cells else values
    for line in sorted(by_line):
        yield line, placed((), by_line[line])


def placed(values: tuple, cells: dict[int, Any]) -> tuple:
    row = list(values) + [None] * (max(cells) + 1 - len(values))
    for column, value in cells.items():
        row[column] = value
    return tuple(row)
