"""The Excel pack writes amounts as numbers whose format carries the territory's currency as
text ('#,##0 "EUR"'): the separators are the reader's, as Excel shows them in their locale."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from spreadsheets.tables import Table
from spreadsheets.xlsx import Book, Column, money_format
from strategies.models import Currency, Membership, Strategy
from tests.currencies import strategy_in
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def pack_of(client, strategy: Strategy) -> openpyxl.Workbook:
    membership = MembershipFactory(territory=strategy.territory, role=Membership.Role.VIEWER)
    client.force_login(membership.user)
    response = client.get(reverse("cockpit:pack", args=[strategy.pk]))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def cell_below(ws, header: str, key):
    """The cell of column ``header`` in the row (below the header) that holds ``key``."""
    head = next(cell for row in ws.iter_rows() for cell in row if cell.value == header)
    row = next(
        row
        for row in range(head.row + 1, ws.max_row + 1)
        if key in [cell.value for cell in ws[row]]
    )
    return ws.cell(row=row, column=head.column)


def test_pack_of_a_french_territory_formats_amounts_in_euros(client):
    strategy = strategy_in(Currency.EUR, "Communauté de communes du Haut-Jura")

    pack = pack_of(client, strategy)

    planned = cell_below(pack["Projets"], "Budget prévu", "p1")
    assert planned.value == 1250000
    assert planned.number_format == '#,##0 "EUR"'
    assert cell_below(pack["Projets"], "Budget dépensé", "p1").number_format == '#,##0 "EUR"'
    funded = cell_below(pack["Projets"], "Total des financements", "p1")
    assert (funded.value, funded.number_format) == (875000, '#,##0 "EUR"')
    axis = str(strategy.axes.get())
    assert cell_below(pack["Synthèse"], "Budget prévu", axis).number_format == '#,##0 "EUR"'
    ranked = cell_below(pack["Priorisation"], "Budget prévu", "p1")
    assert (ranked.value, ranked.number_format) == (1250000, '#,##0 "EUR"')
    assert not any(
        "CHF" in cell.number_format
        for ws in pack.worksheets
        for row in ws.iter_rows()
        for cell in row
    )


def test_pack_of_a_swiss_territory_keeps_its_francs(client):
    strategy = strategy_in(Currency.CHF, "Association de communes de Crans-Montana")

    pack = pack_of(client, strategy)

    planned = cell_below(pack["Projets"], "Budget prévu", "p1")
    assert (planned.value, planned.number_format) == (1250000, '#,##0 "CHF"')


def test_money_column_of_a_book_without_currency_holds_plain_whole_numbers():
    book = Book()
    table = Table(book.sheet("Montants", [16]), [Column("Montant", 16, "money")])
    table.add([Decimal("1250000")])

    ws = openpyxl.load_workbook(io.BytesIO(book.close()))["Montants"]

    assert (ws["A2"].value, ws["A2"].number_format) == (1250000, "#,##0")
    assert money_format("EUR") == '#,##0 "EUR"'
