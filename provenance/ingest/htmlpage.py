"""Reader for a saved web page (``.html``/``.htm``): one post per file.

The main text is found by trafilatura (navigation, sidebars, share buttons,
footers and comments removed by its content-extraction heuristics, not by
patterns of ours). Each element of its output body — a paragraph, a heading,
a list item, a quote, a table row — is one :class:`Paragraph`.

The title is the page's ``<title>`` as trafilatura cleans it (site name cut
off), else the first ``<h1>``, else the file name. The date comes only from
the page's metadata (``<meta>``/``<time>``/JSON-LD, via htmldate without its
"extensive" guessing, which picks up copyright years).

Line numbers are best effort: the page is also parsed with ``lxml.html``,
whose elements know their ``sourceline``, and each extracted paragraph gets
the line of the deepest source element whose whitespace-normalised text
equals it (or, failing that, starts with its first 60 characters, or
contains it); a paragraph found nowhere (text that trafilatura joined from
several elements) gets the line of ``<body>``. ``line_end`` is then the last
line of that element.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree
from lxml import html as lxml_html

from provenance.ingest.dates import parse_any_date
from provenance.ingest.source import Event
from provenance.models import InputWarning, Paragraph, Post, SourceRef

__all__ = ["iter_html", "looks_like_html"]

_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<!doctype\s+html|^\s*<html\b", re.I | re.S
)
_PREFIX_CHARS = 60
# Elements of trafilatura's output that hold other blocks rather than text.
_CONTAINERS = frozenset({"list", "table", "quote", "div"})


def looks_like_html(head: str) -> bool:
    """True when a file starts like an HTML document."""
    return _HTML_START.match(head) is not None


def _norm(text: str) -> str:
    return " ".join(text.split())


class _LineIndex:
    """Source lines of a page's elements, looked up by their text."""

    def __init__(self, root: etree._Element) -> None:
        self.by_text: dict[str, tuple[int, int]] = {}
        self.blocks: list[tuple[str, int, int]] = []
        body = root.find(".//body")
        self.body_line = (body.sourceline if body is not None else root.sourceline) or 1
        for element in root.iter():
            if not isinstance(element.tag, str) or element.sourceline is None:
                continue
            if element.tag in ("script", "style", "head", "title", "meta"):
                continue
            text = _norm(element.text_content())
            if not text:
                continue
            span = (element.sourceline, _last_line(element))
            # Deeper elements come later in iter(); the deepest with this text wins.
            self.by_text[text] = span
            self.blocks.append((text, *span))

    def lines_of(self, text: str) -> tuple[int, int]:
        if text in self.by_text:
            return self.by_text[text]
        prefix = text[:_PREFIX_CHARS]
        best: tuple[int, int] | None = None
        for block_text, first, last in self.blocks:
            if block_text.startswith(prefix) or prefix in block_text:
                best = (first, last)  # keep going: a deeper element may match too
        return best or (self.body_line, self.body_line)


def _last_line(element: etree._Element) -> int:
    last = element.sourceline or 0
    for child in element.iter():
        if isinstance(child.tag, str) and child.sourceline:
            last = max(last, child.sourceline + (child.text or "").count("\n"))
    return last


def _extracted_blocks(body: etree._Element) -> Iterator[str]:
    """Texts of trafilatura's output body, one per paragraph-like element, in order."""
    for element in body:
        if not isinstance(element.tag, str):
            continue
        if element.tag in _CONTAINERS and len(element):
            yield from _extracted_blocks(element)
            if element.tail and element.tail.strip():
                yield _norm(element.tail)
            continue
        text = _norm("".join(element.itertext()))
        if text:
            yield text


def iter_html(path: str, page: str, post_id: str) -> Iterator[Event]:
    """The one post of an HTML page, with warnings; ``post_id`` is its id (the file stem)."""
    import trafilatura

    try:
        document = trafilatura.bare_extraction(
            page,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # trafilatura raises many kinds on odd pages; none may stop the audit
        yield InputWarning(path, 0, f"HTML extraction failed ({exc.__class__.__name__}: {exc}); no post read")
        return
    try:
        root = lxml_html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        root = None
    index = _LineIndex(root) if root is not None else None
    body = getattr(document, "body", None) if document is not None else None
    texts = list(_extracted_blocks(body)) if body is not None else []

    title = _norm(getattr(document, "title", None) or "") if document is not None else ""
    title_line = 0
    if root is not None:
        for tag in ("title", "h1"):
            element = root.find(f".//{tag}")
            if element is not None and _norm(element.text_content()):
                title = title or _norm(element.text_content())
                title_line = element.sourceline or 0
                break
    if not title:
        title = post_id
        yield InputWarning(path, 0, f"page has no <title> or <h1>; called it {title!r}")
    # A heading that repeats the title is the title, not a paragraph.
    if texts and _norm(texts[0]).casefold() == title.casefold():
        texts = texts[1:]

    paragraphs: list[Paragraph] = []
    for text in texts:
        first, last = index.lines_of(text) if index is not None else (1, 1)
        paragraphs.append(Paragraph(index=len(paragraphs), line=first, text=text, line_end=max(first, last)))
    if not paragraphs:
        yield InputWarning(
            path, title_line, f"no main text found in the page; post {post_id!r} has no paragraphs"
        )

    date_text = getattr(document, "date", None) if document is not None else None
    date = parse_any_date(date_text) if date_text else None
    lines = (
        [p.line for p in paragraphs] + [p.line_end for p in paragraphs] + ([title_line] if title_line else [])
    )
    yield Post(
        id=post_id,
        title=title,
        date=date,
        source=SourceRef(path, min(lines, default=1), max(lines, default=1)),
        citation=None,
        paragraphs=tuple(paragraphs),
        title_line=title_line,
        url=(getattr(document, "url", None) or None) if document is not None else None,
        categories=tuple(_split(getattr(document, "categories", None))),
        tags=tuple(_split(getattr(document, "tags", None))),
        format="html",
    )


def _split(value: object) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple):
        return [str(part).strip() for part in value if str(part).strip()]
    return []
