"""Text as the spreadsheets of the secretariat hold it: how headers and names are compared, sizes
and values quoted in messages, and the error of a file that cannot be imported at all."""

from __future__ import annotations

import datetime
import functools
import unicodedata
from typing import Any

from django.utils.formats import date_format

#: Dates are written dd.mm.yyyy; these are accepted too.
DATE_INPUT_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S")
#: Several communes or themes in one cell are separated by a semicolon (a comma or a new line is
#: also accepted).
LIST_SEPARATOR = "; "


class SpreadsheetError(ValueError):
    """A file that cannot be imported at all (not a spreadsheet, too big, wrong headers...), with a
    French message for the secretariat."""


@functools.lru_cache(maxsize=4096)
def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).casefold()
    return "".join(char for char in text if char.isalnum())


@functools.lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """A name as it is matched when not written exactly: no accents, no case, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join(
        "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split()
    )


def normalize(text: Any) -> str:
    """A header or a label as it is compared: no accents, no case, no spaces nor punctuation."""
    return _normalize(str(text))


def file_size(size: int) -> str:
    """A size as people read it: "850 ko", "12,5 Mo"."""
    if size < 1024 * 1024:
        return f"{-(-size // 1024)} ko"
    return f"{size / 1024 / 1024:.1f}".replace(".0", "").replace(".", ",") + " Mo"


def quoted(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date):
        return f"« {date_format(value, 'SHORT_DATE_FORMAT')} »"
    return f"« {value} »"
