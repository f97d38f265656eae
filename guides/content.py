"""The guides' text: one Markdown file per guide and language (``content/<language>/<slug>.md``),
its placeholders filled from the code (rules.py), rendered with Python-Markdown, then sanitised
with nh3 so that only a short list of tags and attributes reaches the page (no script, no style:
the pages run under a strict Content-Security-Policy). The result is kept in this process per
guide, language, file modification time and placeholder values.

Two link forms are rewritten before sanitising: ``guide:<slug>#<anchor>`` (another guide, or a
section of one) and ``pictures/<name>.png`` (a screenshot in the guide's language,
guides/static/guides/pictures/<language>/, made by ``make guide-pictures``: guides/pictures.py)."""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import markdown
import nh3
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation

from . import rules

CONTENT = Path(__file__).resolve().parent / "content"
#: The guides in the order of the index: who reads them first.
GUIDES = ("commission", "secretariat", "porteurs-de-projet", "installation")
LANGUAGES = ("fr", "en")

ALLOWED_TAGS = {
    "h1", "h2", "h3", "h4", "p", "a", "ul", "ol", "li", "strong", "em", "code", "pre",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "img", "figure", "figcaption",
    "br", "hr", "kbd", "dl", "dt", "dd",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"id"},
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "loading", "class"},
    "th": {"scope"},
}
PLACEHOLDER = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")
GUIDE_LINK = re.compile(r'href="guide:([\w-]+)(#[\w-]+)?"')
PICTURE_SRC = re.compile(r'src="pictures/([\w.-]+\.png)"')
PICTURE_TAG = re.compile(r'<img [^>]*src="([^"]*/guides/pictures/[^"]+)"[^>]*>')
HEADING_ID = re.compile(r'<h([1-4])[^>]*\bid="([^"]+)"')


class UnknownPlaceholder(ValueError):
    pass


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    subsections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class Guide:
    slug: str
    language: str
    title: str
    summary: str
    #: The opening paragraph (above the contents), then the rest of the guide.
    intro: str
    html: str
    sections: tuple[Section, ...]
    anchors: frozenset[str]
    #: The static paths of the pictures it shows.
    pictures: tuple[str, ...] = ()


def reader_language(code: str | None = None) -> str:
    """The guides' language for a reader's language code: English or French (the default)."""
    code = code or translation.get_language() or "fr"
    return "en" if code.startswith("en") else "fr"


def source_path(slug: str, language: str) -> Path:
    return CONTENT / language / f"{slug}.md"


def fill(text: str, values: dict[str, str]) -> str:
    """The Markdown with each ``{{ name }}`` replaced by the code's words and figures."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise UnknownPlaceholder(f"{{{{ {name} }}}} is not one of guides.rules.values()")
        return values[name]

    return PLACEHOLDER.sub(value, text)


def _rewrite_links(html: str, language: str) -> str:
    def guide_link(match: re.Match) -> str:
        return f'href="{reverse("guides:guide", args=[match.group(1)])}{match.group(2) or ""}"'

    def picture(match: re.Match) -> str:
        return f'src="{static(picture_path(language, match.group(1)))}" loading="lazy"'

    html = PICTURE_SRC.sub(picture, GUIDE_LINK.sub(guide_link, html))
    # A picture opens at full size when tapped (a phone shows a desktop picture small).
    return PICTURE_TAG.sub(lambda match: f'<a href="{match.group(1)}">{match.group(0)}</a>', html)


def picture_path(language: str, name: str) -> str:
    """A picture's static path: each language has its own screenshots of the pages."""
    return f"guides/pictures/{language}/{name}"


def pictures_in(html: str) -> list[str]:
    """The static paths of the pictures a rendered guide shows."""
    return re.findall(r'src="[^"]*?/(guides/pictures/[^"]+)"', html)


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )


def _plain(html: str) -> str:
    return nh3.clean(html, tags=set()).strip()


def render_text(slug: str, language: str, text: str) -> Guide:
    """One guide's Markdown, filled, rendered and sanitised (the reader's language is active)."""
    md = markdown.Markdown(extensions=["toc", "tables", "attr_list", "fenced_code"])
    html = sanitise(_rewrite_links(md.convert(fill(text, rules.values())), language))
    title = next((t["name"] for t in md.toc_tokens), slug)
    # The page draws the title itself, above the guide's contents.
    html = re.sub(r"<h1[^>]*>.*?</h1>", "", html, count=1, flags=re.S).strip()
    first = re.match(r"<p>(.*?)</p>", html, re.S)
    intro, html = (first.group(0), html[first.end() :].strip()) if first else ("", html)
    sections = tuple(
        Section(
            token["id"],
            _plain(token["name"]),
            tuple(Section(child["id"], _plain(child["name"])) for child in token["children"]),
        )
        for top in md.toc_tokens
        for token in top["children"]
    )
    return Guide(
        slug=slug,
        language=language,
        title=_plain(title),
        summary=_plain(first.group(1)) if first else "",
        intro=intro,
        html=html,
        sections=sections,
        anchors=frozenset(match.group(2) for match in HEADING_ID.finditer(html)),
        pictures=tuple(pictures_in(html)),
    )


_cache: dict[tuple, Guide] = {}
_lock = threading.Lock()


def render(slug: str, language: str) -> Guide:
    """A guide in a language, rendered once per process, file version and rule values."""
    path = source_path(slug, language)
    with translation.override(language):
        values_key = hashlib.sha256(repr(sorted(rules.values().items())).encode()).hexdigest()
        key = (slug, language, path.stat().st_mtime_ns, values_key)
        with _lock:
            guide = _cache.get(key)
        if guide is None:
            guide = render_text(slug, language, path.read_text(encoding="utf-8"))
            with _lock:
                _cache[key] = guide
    return guide


def exists(slug: str, language: str) -> bool:
    return slug in GUIDES and source_path(slug, language).is_file()
