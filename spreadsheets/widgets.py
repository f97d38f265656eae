"""The widgets of the spreadsheet imports: how a cell of the file becomes a model value (and back,
for the exports), with a French message for a cell that cannot be read. Text, dates, numbers, whole
numbers and choices; the lookups of related rows are in ``spreadsheets.lookups``."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from import_export import widgets

from spreadsheets.text import DATE_INPUT_FORMATS, normalize, quoted


class TextWidget(widgets.CharWidget):
    """Text as typed, trimmed; an empty cell is an empty text; a number typed in a text column (a
    code "12") is read as the text "12"."""

    #: Its reading depends on the cell alone (``spreadsheets.cells``).
    cell_only = True

    def __init__(self, **kwargs) -> None:
        super().__init__(allow_blank=True, **kwargs)

    def clean(self, value, row=None, **kwargs) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, datetime.datetime | datetime.date):
            return quoted(value)[2:-2]
        return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()

    def render(self, value, obj=None, **kwargs) -> str:
        return "" if value is None else str(value)

    def describe(self) -> str:
        return gettext("texte libre")


class DateWidget(widgets.Widget):
    """A date: a date cell of the spreadsheet, or text as dd.mm.yyyy or ISO (yyyy-mm-dd)."""

    #: Its reading depends on the cell alone (``spreadsheets.cells``).
    cell_only = True

    def clean(self, value, row=None, **kwargs) -> datetime.date | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str):
            for input_format in DATE_INPUT_FORMATS:
                try:
                    return datetime.datetime.strptime(value.strip(), input_format).date()
                except ValueError:
                    continue
        raise ValueError(
            gettext("%(value)s n'est pas une date (jj.mm.aaaa, par exemple 31.12.2026).")
            % {"value": quoted(value)}
        )

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return "" if value is None else date_format(value, "SHORT_DATE_FORMAT")

    def describe(self) -> str:
        return gettext("date jj.mm.aaaa (ou aaaa-mm-jj)")


class DecimalWidget(widgets.Widget):
    """A number: a number cell, or text with a comma or a point as decimal separator, spaces or
    apostrophes between thousands, and an optional unit (%, CHF, €). ``unknown`` is a text that
    stands for "no value" (the indicators' "?" for an unknown baseline)."""

    #: Its reading depends on the cell alone (``spreadsheets.cells``).
    cell_only = True

    UNITS = ("%", "chf", "fr.", "€", "eur")
    #: "money" for amounts (shown with two decimals in the spreadsheet), else a plain number.
    kind = "number"

    def __init__(self, *, unknown: str | None = None, kind: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.unknown = unknown
        if kind:
            self.kind = kind

    def clean(self, value, row=None, **kwargs) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, bool):
            raise self.error(value)
        if isinstance(value, int):
            return Decimal(value)
        if isinstance(value, float):
            return Decimal(repr(value))
        if isinstance(value, Decimal):
            return value
        text = str(value).strip()
        if not text or (self.unknown is not None and text == self.unknown):
            return None
        return self.parse(text, value)

    def parse(self, text: str, value: Any) -> Decimal:
        cleaned = text.casefold()
        for unit in self.UNITS:
            cleaned = cleaned.removesuffix(unit).strip()
        for separator in (" ", "\u00a0", "\u202f", "'", "’"):
            cleaned = cleaned.replace(separator, "")
        if "," in cleaned and "." in cleaned:
            # 1.234,5 or 1,234.5: the last one is the decimal separator.
            thousands = "." if cleaned.rfind(",") > cleaned.rfind(".") else ","
            cleaned = cleaned.replace(thousands, "")
        if cleaned.count(",") == 1:
            cleaned = cleaned.replace(",", ".")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise self.error(value) from None
        if not number.is_finite():
            raise self.error(value)
        return number

    def error(self, value) -> ValueError:
        message = gettext("%(value)s n'est pas un nombre.") % {"value": quoted(value)}
        if self.unknown:
            message += " " + gettext(
                "Laissez la cellule vide ou écrivez %(unknown)s si la valeur est inconnue."
            ) % {"unknown": quoted(self.unknown)}
        return ValueError(message)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return self.unknown or (None if kwargs.get("force_native_type") else "")
        if kwargs.get("force_native_type"):
            return value
        return f"{value.normalize():f}"

    def describe(self) -> str:
        text = gettext("nombre (virgule ou point décimal)")
        if self.unknown:
            text += " ; " + gettext("%(unknown)s ou vide si inconnu") % {
                "unknown": quoted(self.unknown)
            }
        return text


class IntegerWidget(DecimalWidget):
    """A whole number (a percentage of progress: "45", "45 %")."""

    #: Its reading depends on the cell alone (``spreadsheets.cells``).
    cell_only = True

    def clean(self, value, row=None, **kwargs) -> int | None:
        number = super().clean(value, row, **kwargs)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise ValueError(
                gettext("%(value)s n'est pas un nombre entier.") % {"value": quoted(value)}
            )
        return int(number)

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return "" if value is None else str(value)

    def describe(self) -> str:
        return gettext("nombre entier")


class ChoiceWidget(widgets.Widget):
    """One of a field's choices, read from its French label ("en cours"), its value
    ("in_progress") or, for labels such as "1 – haute" or "stratégique (axe)", their parts ("1",
    "haute", "stratégique"). Written as the label, or as the value when ``as_value`` (priorities
    are the numbers 1 to 3 in the seed's tables).

    An empty cell gives ``empty``: None leaves the row's current value (the model's default on a
    new row) when the field does not save nulls; "" clears an optional choice."""

    #: Its reading depends on the cell alone (``spreadsheets.cells``).
    cell_only = True

    def __init__(
        self,
        choices: Iterable[tuple[Any, Any]],
        *,
        as_value: bool = False,
        empty: Any = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.empty = empty
        choices = list(choices)
        # The file speaks French whatever the interface's language (like its headers); labels in
        # the other languages are understood too.
        with translation.override(settings.LANGUAGE_CODE):
            self.choices = [(value, str(label)) for value, label in choices]
        self.as_value = as_value
        self.index: dict[str, Any] = {}
        for language, _name in [(settings.LANGUAGE_CODE, ""), *settings.LANGUAGES]:
            with translation.override(language):
                for value, label in choices:
                    label = str(label)
                    names = {str(value), label, label.split(" (")[0]}
                    names.update(part for part in label.split(" – ") if part.strip())
                    for name in names:
                        self.index.setdefault(normalize(name), value)

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return self.empty
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        try:
            return self.index[normalize(value)]
        except KeyError:
            raise ValueError(
                gettext("%(value)s n'est pas une valeur possible : %(choices)s.")
                % {"value": quoted(value), "choices": self.describe()}
            ) from None

    def render(self, value, obj=None, **kwargs):
        if value in (None, ""):
            return None if kwargs.get("force_native_type") else ""
        if self.as_value:
            return value
        return dict(self.choices).get(value, value)

    def describe(self) -> str:
        return ", ".join(label for value, label in self.choices if value != "")
