"""gunicorn configuration of ``loadtest/rss.py`` (``-c loadtest/rss_gunicorn.py``): nothing
changes unless ``RSS_TRACEMALLOC`` names a folder. Then a request for ``/rss-snapshot/warm``
starts tracing the worker's allocations (``tracemalloc``, one frame: only from then on, so that
the warm-up runs at full speed) and writes a snapshot to ``<folder>/warm.snapshot``, and
``/rss-snapshot/end`` writes ``<folder>/end.snapshot``, before Django answers either (a 404):
rss.py compares the two.
"""

import os
import tracemalloc

FOLDER = os.environ.get("RSS_TRACEMALLOC", "")


def pre_request(worker, req):
    if FOLDER and req.path.startswith("/rss-snapshot/"):
        name = req.path.rstrip("/").rsplit("/", 1)[-1]
        if not tracemalloc.is_tracing():
            tracemalloc.start(1)
        tracemalloc.take_snapshot().dump(os.path.join(FOLDER, f"{name}.snapshot"))
