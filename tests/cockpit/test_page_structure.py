"""Every page of a member and of the public has the same breadcrumbs (one pattern: the list of
strategies, the strategy, the page's parents, the page itself) and headings in order (one h1, no
level skipped)."""

from __future__ import annotations

import itertools
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model

from tests.cockpit.demo_pages import MEMBER_PAGES, PUBLIC_PAGES, STRATEGY_PAGES, page_url
from tests.territories import make_public


class _Outline(HTMLParser):
    """The page's headings, and each breadcrumb nav as its items: (link or None, aria-current)."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.breadcrumbs: list[dict] = []
        self._in_breadcrumbs = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.headings.append(int(tag[1]))
        if tag == "nav" and "breadcrumbs" in (attributes.get("class") or "").split():
            self.breadcrumbs.append(
                {"label": attributes.get("aria-label"), "tags": [], "items": []}
            )
            self._in_breadcrumbs = True
        elif self._in_breadcrumbs:
            crumbs = self.breadcrumbs[-1]
            crumbs["tags"].append(tag)
            if tag in {"a", "span"}:
                crumbs["items"].append((attributes.get("href"), attributes.get("aria-current")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_breadcrumbs = False


def _outline(client, demo, name) -> _Outline:
    if not name.startswith("public"):
        user = "secretariat" if name == "scoring" else "commission"
        client.force_login(get_user_model().objects.get(username=user))
    response = client.get(page_url(demo, name))
    assert response.status_code == 200
    outline = _Outline()
    outline.feed(response.content.decode())
    return outline


@pytest.fixture
def published(demo):
    make_public(demo)
    return demo


@pytest.mark.parametrize("name", MEMBER_PAGES + PUBLIC_PAGES)
def test_every_page_has_one_breadcrumb_trail_ending_on_the_page_itself(client, published, name):
    outline = _outline(client, published, name)

    (crumbs,) = outline.breadcrumbs
    assert crumbs["label"] == "Fil d’Ariane"
    assert crumbs["tags"][0] == "ol" and set(crumbs["tags"]) <= {"ol", "li", "a", "span"}
    *links, last = crumbs["items"]
    assert last == (None, "page")
    assert all(href and current is None for href, current in links)
    public = name.startswith("public")
    parents = [page_url(published, "public_home" if public else "home")]
    if name in STRATEGY_PAGES and "cockpit" not in name:
        parents.append(page_url(published, "public_cockpit" if public else "cockpit"))
    if name not in STRATEGY_PAGES:
        assert links == []
    else:
        assert [href.split("?")[0] for href, _ in links[: len(parents)]] == parents


@pytest.mark.parametrize("name", MEMBER_PAGES + PUBLIC_PAGES)
def test_every_page_has_one_h1_and_skips_no_heading_level(client, published, name):
    headings = _outline(client, published, name).headings

    assert headings[0] == 1 and headings.count(1) == 1
    skipped = [(a, b) for a, b in itertools.pairwise(headings) if b > a + 1]
    assert skipped == []
