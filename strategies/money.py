"""Amounts of money as every page, template filter and admin column writes them: rounded to the
unit, grouped by thousands as the reader's language groups every number of the cockpit (French
"1 250 000" with narrow no-break spaces, English "1,250,000"), then a no-break space and the
territory's currency ("1 250 000 CHF", "1 250 000 €").

The spreadsheets write amounts as numbers with the currency in their number format instead
(``spreadsheets.xlsx.money_format``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

from .choices import Currency

#: Between an amount and its currency: a no-break space (``&nbsp;`` in the pages).
NBSP = "\u00a0"
#: What an unknown amount reads.
NO_AMOUNT = "–"


def format_money(amount: Decimal | int | float | str | None, currency: Currency | str) -> str:
    """``amount`` rounded to the unit (half up), with the active language's thousands separator,
    followed by a no-break space and the symbol of ``currency`` (an ISO 4217 code of
    ``Currency``); "–" when the amount is unknown."""
    if amount is None or amount == "":
        return NO_AMOUNT
    units = Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if units == 0:
        units = abs(units)  # -0.4 reads 0, not -0
    number = number_format(units, decimal_pos=0, use_l10n=True, force_grouping=True)
    return f"{number}{NBSP}{Currency(currency).symbol}"
