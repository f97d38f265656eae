"""How an amount reads (``strategies.money.format_money``): rounded to the unit, grouped by
thousands in the reader's language, followed by the territory's currency."""

from decimal import Decimal

import pytest
from django.utils import translation

from strategies.models import Currency
from strategies.money import format_money

NNBSP, NBSP = "\u202f", "\u00a0"


def test_swiss_amount_reads_in_francs_with_narrow_spaces_between_thousands():
    assert format_money(Decimal("1250000.00"), Currency.CHF) == f"1{NNBSP}250{NNBSP}000{NBSP}CHF"


def test_french_amount_reads_in_euros_with_the_symbol_after_the_amount():
    assert format_money(Decimal("1250000.00"), Currency.EUR) == f"1{NNBSP}250{NNBSP}000{NBSP}€"


@pytest.mark.parametrize(
    ("currency", "expected"), [("CHF", f"1,250,000{NBSP}CHF"), ("EUR", f"1,250,000{NBSP}€")]
)
def test_amount_is_grouped_as_the_english_reader_groups_numbers(currency, expected):
    with translation.override("en"):
        assert format_money(Decimal("1250000"), currency) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("-1250000"), f"-1{NNBSP}250{NNBSP}000{NBSP}€"),
        (Decimal("-0.4"), f"0{NBSP}€"),
        (-15, f"-15{NBSP}€"),
    ],
)
def test_negative_amount_keeps_its_sign_but_never_reads_minus_zero(amount, expected):
    assert format_money(amount, Currency.EUR) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("875000.49"), f"875{NNBSP}000{NBSP}CHF"),
        (Decimal("875000.50"), f"875{NNBSP}001{NBSP}CHF"),
        (Decimal("999.5"), f"1{NNBSP}000{NBSP}CHF"),
        (Decimal("-2.5"), f"-3{NBSP}CHF"),
        (15000.5, f"15{NNBSP}001{NBSP}CHF"),
        ("1234.56", f"1{NNBSP}235{NBSP}CHF"),
    ],
)
def test_decimals_are_rounded_half_up_to_the_unit(amount, expected):
    assert format_money(amount, Currency.CHF) == expected


def test_small_amount_has_no_separator():
    assert format_money(Decimal("950"), Currency.CHF) == f"950{NBSP}CHF"
    assert format_money(0, Currency.EUR) == f"0{NBSP}€"


@pytest.mark.parametrize("amount", [None, ""])
def test_unknown_amount_reads_as_a_dash_without_currency(amount):
    assert format_money(amount, Currency.EUR) == "–"


def test_currency_outside_the_choices_is_refused():
    with pytest.raises(ValueError):
        format_money(Decimal(1), "USD")
