"""Python 3.11 slows a page down by up to 2.7 times when its calls keep crossing the edge of a
frame-stack chunk (CPython gh-142183; see ``cockpit/_framestack.c`` and docs/BENCHMARKS.md).
``keep_frame_chunks()`` installs the small C module that keeps freed chunks for reuse; the
cockpit's AppConfig calls it in every process (gunicorn workers, ``manage.py``, tests).

``COCKPIT_KEEP_FRAME_CHUNKS=0`` leaves the interpreter as it is (to measure the difference).
"""

from __future__ import annotations

import logging
import os

logger = logging.getLogger(__name__)


def keep_frame_chunks() -> bool:
    """Install the chunk keeper unless disabled; True when it is active in this process."""
    if os.environ.get("COCKPIT_KEEP_FRAME_CHUNKS", "1") == "0":
        return False
    try:
        from cockpit import _framestack
    except ImportError:  # not built: `make install` (pip install -e .) compiles it
        logger.warning(
            "cockpit._framestack is not built: pages may be slower at some stack depths "
            "(Python 3.11, gh-142183); run `make install`."
        )
        return False
    _framestack.install()
    return True


def frame_chunks_kept() -> bool:
    """Whether freed frame-stack chunks are kept in this process."""
    try:
        from cockpit import _framestack
    except ImportError:
        return False
    return _framestack.installed()
