"""The empty import file of a resource (``import_template``): its columns and an example row, a
sheet that explains each column, and, for a chosen scope, the codes and names its columns accept.
Written like the exports (``spreadsheets.xlsx``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from spreadsheets.columns import TemplateColumn
from spreadsheets.formats import export_columns
from spreadsheets.tables import write_table
from spreadsheets.xlsx import LABEL, PLAIN, TITLE, Book, Column, Look

#: The explanation sheet's text, wrapped in its columns.
WRAPPED = Look(border=False)
HELP_WIDTHS = (26, 16, 60, 50)


def import_template(
    resource, reference: dict[str, list[str]] | None = None, reference_title: str = ""
) -> bytes:
    """The template of ``resource`` (a ``SpreadsheetResource``), with the ``reference`` lists
    (column → accepted values) on a third sheet, ``reference_title``, when given."""
    book = Book()
    columns = resource.template_columns()
    data = export_columns([column.name for column in columns], [column.kind for column in columns])
    sheet = book.sheet(
        resource.get_display_name()[:31], [column.width for column in data], freeze_row=2
    )
    write_table(sheet, data, [[column.example for column in columns]], body=PLAIN)
    help_sheet(book, resource, columns)
    if reference:
        reference_sheet(book, reference_title, reference)
    return book.close()


def help_sheet(book: Book, resource, columns: list[TemplateColumn]) -> None:
    lines = resource.template_instructions()
    header_at = len(lines) + 3
    sheet = book.sheet(_("Mode d'emploi"), HELP_WIDTHS, freeze_row=header_at + 1)
    title = _("Importer des %(rows)s") % {"rows": resource.get_display_name().lower()}
    sheet.put(1, 1, title, TITLE)
    for row, line in enumerate(lines, start=2):
        sheet.put(row, 1, line, PLAIN)
    headers = [_("Colonne"), _("Obligatoire"), _("Ce qu'elle contient"), _("Valeurs acceptées")]
    write_table(
        sheet,
        [Column(header, width) for header, width in zip(headers, HELP_WIDTHS, strict=True)],
        [[column.name, column.required, column.help, column.accepted] for column in columns],
        header_at=header_at,
        body=WRAPPED,
    )


def reference_sheet(book: Book, title: str, reference: dict[str, list[str]]) -> None:
    sheet = book.sheet(title[:31], [40] * len(reference), freeze_row=2)
    for column, (header, values) in enumerate(reference.items(), start=1):
        sheet.put(1, column, header, LABEL)
        for row, value in enumerate(values, start=2):
            sheet.put(row, column, value, PLAIN)
