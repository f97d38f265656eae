"""One commission member alone against the server ``make load`` started: the cockpit of the
300-project strategy asked for ``RUNS`` times in a row, over HTTP on 127.0.0.1, before the crowd
arrives. This is the cockpit's time as gunicorn serves it (the issue's "cockpit at 300 projects"
target), next to the in-process figure of ``make bench``; the CPU reference says how fast the
shared machine ran Python meanwhile.

Usage: ``alone.py BASE_URL STRATEGY_ID`` (``LOAD_PASSWORD``, ``ALONE_RUNS``).
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
from urllib.parse import urlsplit

import requests

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def cpu_reference() -> float:
    """Milliseconds of the benchmark's reference loop (``cockpit.benchmarks.timing``)."""
    start = time.perf_counter()
    sum(number * number for number in range(300_000))
    return (time.perf_counter() - start) * 1000


def main(base: str, strategy: str) -> None:
    if urlsplit(base).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("127.0.0.1 only")
    runs = int(os.environ.get("ALONE_RUNS", "21"))
    session = requests.Session()
    login = session.get(f"{base}/comptes/login/")
    token = CSRF.search(login.text).group(1)
    answer = session.post(
        f"{base}/comptes/login/",
        data={
            "csrfmiddlewaretoken": token,
            "username": "commission",
            "password": os.environ.get("LOAD_PASSWORD", "demo"),
        },
        headers={"Referer": f"{base}/comptes/login/"},
        allow_redirects=False,
    )
    if answer.status_code != 302:
        raise SystemExit(f"login refused ({answer.status_code})")
    url = f"{base}/strategies/{strategy}/"
    for _worker in range(6):  # warm-up: each worker's first requests compile the templates
        session.get(url).raise_for_status()
    durations, references = [], []
    for _run in range(runs):
        references.append(cpu_reference())
        start = time.perf_counter()
        response = session.get(url)
        durations.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    print(
        f"cockpit of {url}, one member alone, {runs} requests: "
        f"median {statistics.median(durations):.0f} ms "
        f"(min {min(durations):.0f}, max {max(durations):.0f}); "
        f"CPU reference median {statistics.median(references):.1f} ms"
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
