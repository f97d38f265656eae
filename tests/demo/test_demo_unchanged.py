"""The demo strategy reads the same as recorded: every page a user reaches (cockpit, axes and
their htmx tables, measures, projects, indicators, calendar, modèle d'efficacité, communes,
workshops, proposals, prioritisation, the public cockpit, the admin of the cascade) and every
sheet of the Excel packs, as normalised text (tests/demo/golden.py), against the golden files
of tests/demo/golden/.

The clock is stopped (``golden.frozen_clock``) for the whole module, the demo's loading
included, so the texts do not depend on the day. After an intended change, record the files
again and review their diff: ``RECORD_GOLDEN=1 .venv/bin/python -m pytest
tests/demo/test_demo_unchanged.py``.
"""

from __future__ import annotations

import os

import pytest

from tests.demo import golden

RECORD = os.environ.get("RECORD_GOLDEN") == "1"
not_recording = pytest.mark.skipif(RECORD, reason="RECORD_GOLDEN=1 writes the golden files")
PACKS = ("strategy", "workshop-3", "workshop-4")
PAGES = [name for name in golden.recorded_names() if not name.startswith(golden.PACK_PREFIX)]


@pytest.fixture(scope="module")
def frozen_clock():
    with golden.frozen_clock():
        yield


@pytest.fixture(scope="module")
def shared_demo(frozen_clock, shared_demo):
    """The demo of tests/conftest.py, loaded with the clock stopped."""
    return shared_demo


@pytest.mark.skipif(not RECORD, reason="RECORD_GOLDEN=1 records the golden files")
def test_record_golden_files(demo, admin_client):
    golden.write_golden(
        golden.collect_pages(demo, admin_client) | golden.collect_packs(demo, admin_client)
    )


@not_recording
def test_the_pages_are_the_recorded_ones(demo):
    pages = set(golden.pages(demo))
    assert (sorted(pages - set(PAGES)), sorted(set(PAGES) - pages)) == ([], []), (
        "pages without a golden file, golden files of no page (RECORD_GOLDEN=1 records them)"
    )
    assert tuple(golden.packs(demo)) == PACKS


@not_recording
@pytest.mark.parametrize("name", PAGES)
def test_page_unchanged(demo, admin_client, name):
    difference = golden.difference(name, golden.read_named_page(admin_client, demo, name))
    if difference:
        pytest.fail(difference, pytrace=False)


@not_recording
@pytest.mark.parametrize("pack", PACKS)
def test_pack_unchanged(demo, admin_client, pack):
    sheets = golden.read_pack(admin_client, golden.packs(demo)[pack])
    texts = {golden.pack_file_name(pack, sheet): text for sheet, text in sheets.items()}
    recorded = set(golden.recorded_names(golden.pack_file_name(pack, "")))
    assert sorted(texts) == sorted(recorded), f"the sheets of the {pack} pack changed"
    differences = [golden.difference(name, text) for name, text in texts.items()]
    if any(differences):
        pytest.fail("\n\n".join(d for d in differences if d), pytrace=False)
