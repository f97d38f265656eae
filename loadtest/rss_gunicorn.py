"""gunicorn configuration of ``loadtest/rss.py`` (``-c loadtest/rss_gunicorn.py``): nothing
changes unless ``RSS_TRACEMALLOC`` names a folder. Then the worker traces its allocations from
its start (``tracemalloc``, 25 frames) and a request for ``/rss-snapshot/<name>`` writes a
snapshot to ``<folder>/<name>.snapshot`` before Django answers it (a 404): rss.py compares the
snapshot after the warm-up with the one after the measured requests.
"""

import os
import tracemalloc

FOLDER = os.environ.get("RSS_TRACEMALLOC", "")


def post_fork(server, worker):
    if FOLDER:
        tracemalloc.start(25)


def pre_request(worker, req):
    if FOLDER and req.path.startswith("/rss-snapshot/"):
        name = req.path.rstrip("/").rsplit("/", 1)[-1]
        tracemalloc.take_snapshot().dump(os.path.join(FOLDER, f"{name}.snapshot"))
