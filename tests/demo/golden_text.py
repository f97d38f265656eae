"""Normalised text of a page or a workbook, for the golden files of tests/demo/golden/.

``page_text(markup)``: what a reader sees of an HTML page, one line per block element, without
the contents of ``script``, ``style`` and ``template`` and without the admin's sidebar (the
models of the installation, not the demo's data), whitespace collapsed. Table cells are
joined by `` | ``; a form control shows its value in brackets (``[texte]``, ``[x]`` / ``[ ]``
for a checkbox, the chosen option of a select), hidden inputs (the CSRF token, the ids of
formsets) are left out; a link is followed by its target, ``→ /strategies/#/axes/#/``, with
every database id replaced by ``#``. The footer's ``État au …``, which the ``{% now %}`` tag
writes from the real clock, becomes ``État au <date du jour>``.

``workbook_text(content)``: per sheet, one line ``Feuille!A1<TAB>valeur`` per non-empty cell
(dates in ISO form, numbers to ten decimals at most, line breaks shown as ``\\n``), then the
texts of the sheet's charts (titles, axes and series references).
"""

from __future__ import annotations

import datetime
import html
import io
import posixpath
import re
import zipfile
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import openpyxl

#: Elements that start and end a line.
BLOCK_TAGS = """
address article aside blockquote body br caption dd details dialog div dl dt fieldset figcaption
figure footer form h1 h2 h3 h4 h5 h6 head header hr html legend li main nav ol p pre section
summary table tbody tfoot thead title tr ul
"""
BLOCKS = frozenset(BLOCK_TAGS.split())
CELLS = frozenset({"td", "th"})
#: Elements whose contents a reader never sees.
INVISIBLE = frozenset({"script", "style", "template"})
#: Elements left out by id: the admin's sidebar lists the installation's models, not the demo.
LEFT_OUT_IDS = frozenset({"nav-sidebar"})
#: Query parameters whose numbers are not ids: page numbers and the admin's sort order.
NOT_IDS = frozenset({"page", "p", "o"})
#: The admin's date hierarchy (``?end_date__year=2026``).
DATE_PARTS = ("__year", "__month", "__day")
DIGITS = re.compile(r"\d+")
REAL_CLOCK_FOOTER = re.compile(r"État au \d\d\.\d\d\.\d{4}")


def normalise_url(url: str) -> str:
    """``url`` with the database ids (numbers in the path, the query and the fragment) as ``#``."""
    parts = urlsplit(url)
    path = "/".join("#" if segment.isdigit() else segment for segment in parts.path.split("/"))
    query = urlencode(
        [
            (key, value if key in NOT_IDS or key.endswith(DATE_PARTS) else DIGITS.sub("#", value))
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
        ],
        safe="#",
    )
    return urlunsplit((parts.scheme, parts.netloc, path, query, DIGITS.sub("#", parts.fragment)))


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line: list[str] = []
        #: The element being left out and how deep the same tag nests in it.
        self.left_out: tuple[str, int] | None = None
        self.links: list[str | None] = []
        #: The options of the select being read: (text, selected).
        self.options: list[tuple[str, bool]] | None = None
        self.multiple = False
        self.textarea: list[str] | None = None

    def flush(self) -> None:
        text = " ".join("".join(self.line).split())
        if text:
            self.lines.append(text)
        self.line = []

    def control(self, value: str) -> None:
        self.line.append(f" [{' '.join(value.split())}] ")

    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if self.left_out:
            left_out, depth = self.left_out
            if tag == left_out:
                self.left_out = (tag, depth + 1)
            return
        if tag in INVISIBLE or attributes.get("id") in LEFT_OUT_IDS:
            self.left_out = (tag, 1)
            return
        if tag in BLOCKS:
            self.flush()
        elif tag in CELLS and "".join(self.line).strip():
            self.line.append(" | ")
        if tag == "a":
            self.links.append(attributes.get("href"))
        elif tag == "input":
            self.input(attributes)
        elif tag == "select":
            self.options, self.multiple = [], "multiple" in attributes
        elif tag == "option" and self.options is not None:
            self.options.append(("", "selected" in attributes))
        elif tag == "textarea":
            self.textarea = []

    def input(self, attributes: dict[str, str]) -> None:
        kind = attributes.get("type", "text").lower()
        value = attributes.get("value", "")
        if kind == "hidden":
            return
        if kind in ("checkbox", "radio"):
            self.line.append(" [x] " if "checked" in attributes else " [ ] ")
        elif kind in ("password", "file"):
            self.control("")
        elif "RawIdAdminField" in attributes.get("class", ""):
            self.control(DIGITS.sub("#", value))  # the admin's raw id widgets hold ids
        else:
            self.control(value)

    def handle_endtag(self, tag: str) -> None:
        if self.left_out:
            left_out, depth = self.left_out
            if tag == left_out:
                self.left_out = (tag, depth - 1) if depth > 1 else None
            return
        if tag == "a" and self.links:
            href = self.links.pop()
            if href and not href.startswith("javascript:"):
                self.line.append(f" → {normalise_url(href)} ")
        elif tag == "select" and self.options is not None:
            chosen = [text for text, selected in self.options if selected]
            if not chosen and self.options and not self.multiple:
                chosen = [self.options[0][0]]
            self.options = None
            self.control(" ; ".join(chosen))
        elif tag == "textarea" and self.textarea is not None:
            text, self.textarea = "".join(self.textarea), None
            self.control(text)
        if tag in BLOCKS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.left_out:
            return
        if self.options is not None:
            if self.options:
                text, selected = self.options[-1]
                self.options[-1] = (text + data, selected)
        elif self.textarea is not None:
            self.textarea.append(data)
        else:
            self.line.append(data)


def page_text(markup: str) -> str:
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    parser.flush()
    text = "\n".join(parser.lines)
    return REAL_CLOCK_FOOTER.sub("État au <date du jour>", text) + "\n"


# --- Workbooks ----------------------------------------------------------------------------------


def cell_text(value) -> str:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.10f}".rstrip("0").rstrip(".")
    return str(value).replace("\r\n", "\n").replace("\n", "\\n")


CHART_TEXT = re.compile(r"<(?:a:t|c:f)>([^<]*)</")


def chart_texts(content: bytes) -> dict[str, list[str]]:
    """Per sheet title, the texts of its charts (titles, axis titles, series references), read
    from the drawing parts that openpyxl does not load."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = set(archive.namelist())

        def rels(part: str) -> list[str]:
            folder, _, name = part.rpartition("/")
            rel_part = f"{folder}/_rels/{name}.rels"
            if rel_part not in names:
                return []
            targets = re.findall(r'Target="([^"]+)"', archive.read(rel_part).decode())
            return [posixpath.normpath(f"{folder}/{target}") for target in targets]

        workbook = archive.read("xl/workbook.xml").decode()
        sheets = re.findall(r'<sheet name="([^"]+)"[^>]*r:id="([^"]+)"', workbook)
        workbook_rels = dict(
            re.findall(
                r'Id="([^"]+)"[^>]*Target="([^"]+)"',
                archive.read("xl/_rels/workbook.xml.rels").decode(),
            )
        )
        texts: dict[str, list[str]] = {}
        for title, rel_id in sheets:
            sheet_part = posixpath.normpath("xl/" + workbook_rels[rel_id].removeprefix("/xl/"))
            for drawing in (p for p in rels(sheet_part) if "drawings/" in p):
                for chart in (p for p in rels(drawing) if "charts/" in p):
                    xml = archive.read(chart).decode()
                    found = [html.unescape(text) for text in CHART_TEXT.findall(xml)]
                    texts.setdefault(html.unescape(title), []).extend(found)
        return texts


def workbook_text(content: bytes) -> dict[str, str]:
    """Per sheet title, its normalised text."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    charts = chart_texts(content)
    sheets = {}
    for sheet in book.worksheets:
        lines = [
            f"{sheet.title}!{cell.coordinate}\t{cell_text(cell.value)}"
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None and cell.value != ""
        ]
        lines += [f"{sheet.title}!graphique\t{text}" for text in charts.get(sheet.title, [])]
        sheets[sheet.title] = "\n".join(lines) + "\n"
    return sheets
