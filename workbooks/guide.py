"""The « Mode d'emploi » sheet of a strategy workbook, its first: what the workbook is for, the
order of its sheets, how rows are identified and what an import does, then each column of each
sheet (required or not, what it holds, the values accepted), in the strategy's words."""

from __future__ import annotations

from django.utils.translation import gettext as _

from spreadsheets.tables import write_table
from spreadsheets.template import WRAPPED
from spreadsheets.xlsx import PLAIN, TITLE, Book, Column
from strategies.models import Strategy

from .sheets import GUIDE_TITLE, STRATEGY_TITLE, SheetSpec, french_names
from .strategy_sheet import COLUMNS as STRATEGY_COLUMNS
from .strategy_sheet import GENDER, LEVEL, NAME_COLUMNS, USED

WIDTHS = (22, 26, 14, 60, 46)


def instructions(strategy: Strategy, specs: list[SheetSpec]) -> list[str]:
    names = french_names(strategy.levels)
    order = " → ".join([STRATEGY_TITLE, *(spec.title for spec in specs)])
    return [
        _(
            "Ce classeur contient toute la stratégie : ses réglages (feuille « %(settings)s ») "
            "puis une feuille par niveau qu'elle utilise, ses indicateurs et leurs valeurs. "
            "Importez-le depuis la page de la stratégie dans l'administration (« Importer un "
            "classeur »)."
        )
        % {"settings": STRATEGY_TITLE},
        _(
            "Les feuilles sont lues dans cet ordre : %(order)s. Chaque ligne nomme son parent "
            "par son code (ou son numéro), cherché dans la feuille du parent, puis dans la "
            "stratégie : les nouveaux éléments d'un niveau peuvent recevoir leurs enfants dans le "
            "même classeur."
        )
        % {"order": order},
        _(
            "Une ligne est identifiée ainsi : %(axis)s par son numéro, %(domain)s par "
            "%(axis_name)s et titre, %(measure)s, %(project)s et indicateur par leur code, valeur "
            "par indicateur et date. Une ligne qui existe est mise à jour, une nouvelle est "
            "créée ; rien n'est supprimé. Un code figure une seule fois dans sa feuille."
        )
        % {
            "axis": names["axis"].singular,
            "axis_name": names["axis"].singular,
            "domain": names["domain"].singular,
            "measure": names["measure"].singular,
            "project": names["project"].singular,
        },
        _(
            "La feuille « %(settings)s » dit quels niveaux la stratégie utilise et comment elle "
            "les nomme (vide : le nom par défaut). Importée dans une stratégie vide, elle les "
            "règle ; dans une stratégie qui a des données, un changement qui ferait perdre des "
            "éléments est refusé."
        )
        % {"settings": STRATEGY_TITLE},
        _(
            "L'import est tout ou rien : un aperçu montre ce que chaque feuille crée et modifie, "
            "et chaque erreur avec sa feuille, sa ligne et sa colonne ; rien n'est enregistré "
            "avant votre confirmation, ni du tout si une ligne est en erreur."
        ),
        _(
            "Dates au format jj.mm.aaaa ; nombres avec virgule ou point ; plusieurs communes ou "
            "thèmes séparés par « ; ». Les communes sont celles du territoire et les thèmes ceux "
            "de la stratégie : créez-les d'abord dans l'administration. Les listes déroulantes "
            "proposent les valeurs possibles."
        ),
    ]


def strategy_columns() -> list[list[str]]:
    """The lines of the « Stratégie » sheet's columns."""
    helps = {
        LEVEL: (_("oui"), _("Le niveau dont parle la ligne : axes, domaines, mesures, projets.")),
        USED: (
            _("non"),
            _(
                "« oui » ou « non » : une stratégie peut se passer des domaines et des mesures "
                "(ses projets relèvent alors directement des axes) ; les axes et les projets sont "
                "toujours utilisés."
            ),
        ),
        NAME_COLUMNS["singular"]: (
            _("non"),
            _("Le nom du niveau dans la stratégie (« orientation », « action »)."),
        ),
        NAME_COLUMNS["plural"]: (_("non"), _("Son pluriel (donné avec le singulier).")),
        GENDER: (_("non"), _("« f » ou « m », pour accorder les textes (« Aucune action »).")),
        NAME_COLUMNS["singular_en"]: (_("non"), _("Le nom en anglais, pour l'interface anglaise.")),
        NAME_COLUMNS["plural_en"]: (_("non"), _("Son pluriel en anglais.")),
        NAME_COLUMNS["prefix"]: (
            _("non"),
            _("Le début des codes des éléments de ce niveau (m pour m1, a pour a1)."),
        ),
    }
    return [[STRATEGY_TITLE, column, *helps[column], ""] for column in STRATEGY_COLUMNS]


def sheet_columns(strategy: Strategy, spec: SheetSpec) -> list[list[str]]:
    """The lines of a data sheet's columns, from its resource's own explanations."""
    resource = spec.resource_class(strategy=strategy)
    wanted = set(spec.columns)
    return [
        [spec.title, spec.header(column.name), column.required, column.help, column.accepted]
        for column in resource.template_columns()
        if column.name in wanted
    ]


def write_guide(book: Book, strategy: Strategy, specs: list[SheetSpec]) -> None:
    lines = instructions(strategy, specs)
    header_at = len(lines) + 3
    sheet = book.sheet(GUIDE_TITLE, WIDTHS, freeze_row=header_at + 1)
    sheet.put(1, 1, _("Classeur de la stratégie « %(strategy)s »") % {"strategy": strategy}, TITLE)
    for row, line in enumerate(lines, start=2):
        sheet.put(row, 1, line, PLAIN)
    headers = [
        _("Feuille"),
        _("Colonne"),
        _("Obligatoire"),
        _("Ce qu'elle contient"),
        _("Valeurs acceptées"),
    ]
    rows = strategy_columns()
    for spec in specs:
        rows.extend(sheet_columns(strategy, spec))
    write_table(
        sheet,
        [Column(header, width) for header, width in zip(headers, WIDTHS, strict=True)],
        rows,
        header_at=header_at,
        body=WRAPPED,
    )
