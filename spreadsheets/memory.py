"""The garbage collector kept off the objects alive when an import starts (``heap_frozen``)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def heap_frozen() -> Iterator[None]:
    """The objects alive when an import starts (the application, the rows read) left out of the
    garbage collector's passes until it ends (``gc.freeze``): its full passes would otherwise go
    through them again and again while 100,000 rows are imported. Objects made during the import
    are collected as usual."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
