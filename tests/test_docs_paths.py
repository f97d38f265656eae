"""Every relative path the README and docs/*.md name exists in a clone of the repository.

A path is a Markdown link that is neither a URL nor an anchor, or a `code span` that reads as a
path inside the repository: it holds a slash, starts with a top-level entry of the repository or
with ``./`` / ``../``, and is not a URL, a route (``/strategies/…``) or an assignment. « … » in a
path stands for any part (``locale/en/…/django.po``). Files made at run time (``backups/``) and
bare file names (``xlsx.py``) are not checked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

REPO = Path(settings.BASE_DIR)
DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
CODE = re.compile(r"`([^`\s]+)`")
TOP_LEVEL = {entry.name for entry in REPO.iterdir()} - {"backups"}


def _link_paths(text: str) -> list[str]:
    return [
        target.split("#", 1)[0]
        for target in LINK.findall(text)
        if not target.startswith(("#", "http://", "https://", "mailto:"))
    ]


def _code_paths(text: str) -> list[str]:
    paths = []
    for span in CODE.findall(text):
        if "/" not in span or "://" in span or "=" in span or span.startswith("/"):
            continue
        first = span.split("/", 1)[0]
        if first in {".", ".."} or first in TOP_LEVEL:
            paths.append(span)
    return paths


def _exists(document: Path, path: str) -> bool:
    """Whether the path names something inside the repository (a sibling folder of the clone does
    not count: another machine has none)."""
    base = REPO if not path.startswith(("./", "../")) else document.parent
    if "…" in path:
        pattern = re.sub(r"[^/]*…[^/]*", "*", path.rstrip("/"))
        found = list(base.glob(pattern))
    else:
        found = [base / path] if (base / path).exists() else []
    return any(target.resolve().is_relative_to(REPO.resolve()) for target in found)


def test_relative_paths_of_readme_and_docs_exist_in_the_repository() -> None:
    missing = []
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        for path in _link_paths(text) + _code_paths(text):
            if not _exists(document, path):
                missing.append(f"{document.relative_to(REPO)}: {path}")
    assert missing == []


@pytest.mark.parametrize(
    ("text", "paths"),
    [
        (
            "see `../shared/seeds/000_…` and [ops](docs/OPERATIONS.md#backups)",
            ["docs/OPERATIONS.md"],
        ),
        ("`/strategies/<id>/` `http://127.0.0.1:8000` `DATABASE_URL=sqlite:////tmp/x`", []),
        ("`strategies/money.py` and `xlsx.py`", ["strategies/money.py"]),
    ],
)
def test_paths_are_found_in_links_and_code_spans(text: str, paths: list[str]) -> None:
    found = _link_paths(text) + _code_paths(text)
    assert [path for path in found if not path.startswith("..")] == paths
    assert ("../shared/seeds/000_…" in found) == ("../shared" in text)
