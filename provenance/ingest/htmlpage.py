"""Reader for a saved web page (``.html``/``.htm``): one post per file.

The main text is found by trafilatura (navigation, sidebars, share buttons,
footers and comments removed by its content-extraction heuristics, not by
patterns of ours). Each element of its output body — a paragraph, a heading,
a list item, a quote, a table row — is one :class:`Paragraph`.

Repeats are kept. trafilatura drops an element that repeats the one before
it when longer than 50 characters (``MIN_DUPLICATE_LENGTH``, a constant
with no option to change it), so "A A A B" would give "A B" and the repeats
an audit looks for would be missed. The page is also parsed with
``lxml.html`` and cut into its text blocks in reading order (a block-level
element's own text, inline markup included); the extracted paragraphs are
matched to blocks in order, and a block between two matched ones (or right
after the last) whose text is that of an extracted paragraph, in an element
holding a matched block or one level inside it (the next ``<blockquote>``,
not a sidebar), is the repeat trafilatura dropped and is put back in its
place.

Old pages separate paragraphs by a blank line (``<br><br>``) rather than
``<p>``: a double ``<br>`` ends a text block as a new ``<p>`` would, and an
extracted paragraph that is the text of consecutive blocks so separated is
split into them (trafilatura keeps it whole). A single ``<br>`` does not.

Nothing of the page's text is lost silently: every other text block
(navigation, sidebars, footers, share buttons) is kept as a ``boilerplate``
note of the post with its line, and the report lists them as lines kept but
not audited. A tag left open by a missing quote or ``>`` holds the text after
it as attributes, for an HTML parser as for a browser: each line of it is
listed as unparsed, or, when no ``>`` ever ends it, it is read as text (see
:func:`_swallowing_tags`).

The title is the page's ``<title>`` as trafilatura cleans it (site name cut
off), else the first ``<h1>``, else the file name. The date comes only from
the page's metadata (``<meta>``/``<time>``/JSON-LD, via htmldate without its
"extensive" guessing, which picks up copyright years).

Lines: each paragraph has the line of its block (a paragraph that joins
several blocks spans them); one found in no block (text trafilatura
rebuilt) gets the line of ``<body>``.

Links: every ``<a href>`` of the page is kept with the block its text is in
(``Post.links``, see :mod:`provenance.ingest.links`): the paragraph's index
when that block is main text, -1 when it is a note (navigation, a sidebar)
or holds no text.
"""

from __future__ import annotations

import bisect
import codecs
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from provenance.ingest.dates import parse_any_date
from provenance.ingest.links import AnchorText, LinkCollector, OpenAnchors
from provenance.ingest.source import Event
from provenance.models import ClassifiedLine, InputWarning, Paragraph, Post, SourceRef, UnparsedLine

__all__ = ["MAX_ATTRIBUTES", "declared_charset", "iter_html", "looks_like_html", "without_crowded_attributes"]

# A comment ends at its first "-->": a lazy ".*?" could also run on past it to a later one, and then
# a start of k comments and no doctype was tried in 2^k ways (24 comments took 11 s, 40 would take days).
_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--(?:(?!-->).)*-->\s*)*<!doctype\s+html|^\s*<html\b", re.I | re.S
)
_PREFIX_CHARS = 60
# Characters of a line the parser did not read that are kept in unparsed.
_PREVIEW = 1000
# A shorter text ("Source", "Share") is in too many places to tell where a paragraph is by it.
_MIN_FUZZY_CHARS = 12
# How many blocks ahead of the last match a paragraph that is not a block's exact text is looked for.
_LOOKAHEAD_BLOCKS = 100
# Elements of trafilatura's output that hold other blocks rather than text.
_CONTAINERS = frozenset({"list", "table", "quote", "div"})
# Inline tags that only style their text, which trafilatura strips from a page (its MANUALLY_STRIPPED).
_PRESENTATIONAL = (
    "font",
    "big",
    "small",
    "nobr",
    "abbr",
    "acronym",
    "bdi",
    "bdo",
    "cite",
    "dfn",
    "ins",
    "mark",
)
# Elements whose text is not page text.
_NOT_TEXT = frozenset({"script", "style", "template", "head", "title", "meta", "link", "svg", "math"})
# Elements that flow inside a block of text; every other element starts a block of its own.
_INLINE = frozenset(
    lxml_html.defs.phrase_tags | lxml_html.defs.font_style_tags | lxml_html.defs.special_inline_tags
) | frozenset(
    {"mark", "time", "data", "bdi", "wbr", "label", "output", "ruby", "rt", "rp", "picture", "source"}
)
# Elements of trafilatura's output that flow inside a paragraph (lb is its <br>, hi its <b>, ref its <a>).
_EXTRACTED_INLINE = _INLINE | frozenset({"lb", "hi", "ref", "del", "graphic"})


def looks_like_html(head: str) -> bool:
    """True when a file starts like an HTML document."""
    return _HTML_START.match(head) is not None


# <meta charset="x">, or <meta http-equiv="Content-Type" content="text/html; charset=x"> in any order.
# A tag ends at the next "<" too: run on to the next ">", each "<meta" of a start of 13,000 with no ">"
# read to the end of it (5 s for each such 64 KB page, the time growing with the square of the start).
_META_CHARSET = re.compile(rb"""<meta\b[^<>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
# What browsers decode a label as (the WHATWG Encoding Standard), where it is wider than the Python codec of
# that name: Latin-1 and ASCII are read as windows-1252, GB2312 and GBK as GB18030, Shift_JIS as cp932 ...
_WEB_CODECS = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "tis-620": "cp874",
    "windows-874": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "x-euc-jp": "euc_jp",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
}


def declared_charset(head: bytes) -> tuple[str, str] | None:
    """The charset a page's start declares in a ``<meta>``: the label as written and the codec it reads as.

    None when the page declares none, one Python does not know, or a Unicode
    one (a page declaring UTF-8 is read by the usual rules, and a ``<meta>``
    declaring UTF-16 means UTF-8, as browsers read it).
    """
    match = _META_CHARSET.search(head)
    if match is None:
        return None
    label = match.group(1).decode("ascii").lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        name = label
    codec = _WEB_CODECS.get(name, name)
    try:
        codecs.lookup(codec)
    except LookupError:
        return None
    return None if codec.startswith("utf") else (label, codec)


def _norm(text: str) -> str:
    return " ".join(text.split())


@dataclass(slots=True)
class _Block:
    """A run of the page's text: a block-level element's own text, inline markup included."""

    text: str
    line: int
    line_end: int
    parent: etree._Element  # the block-level element the text belongs to
    links: list[AnchorText]
    after_break: bool = False  # follows the block before it across a double <br> in the same element


class _Run:
    """The text of the block being read, piece by piece, with the lines of its first and last characters."""

    def __init__(self, parent: etree._Element) -> None:
        self.parent = parent
        self.pieces: list[str] = []
        self.line = 0
        self.line_end = 0
        self.links: list[AnchorText] = []  # anchors whose text starts in this run
        self.after_break = False  # started at a double <br>, right after a run of text

    def add(self, text: str | None, line: int) -> int:
        """Add a piece read at ``line``; returns the line after it."""
        if not text:
            return line
        if text.strip():
            if not self.line:
                self.line = line + text.count("\n", 0, len(text) - len(text.lstrip()))
            self.line_end = line + text.count("\n", 0, len(text.rstrip()))
            self.pieces.append(text)
        elif self.pieces:
            self.pieces.append(text)
        return line + text.count("\n")

    def block(self) -> _Block | None:
        text = _norm("".join(self.pieces))
        if not text:
            return None
        return _Block(text, self.line, self.line_end, self.parent, self.links, self.after_break)


def _walk(root: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    """``("start", element)`` and ``("end", element)`` in document order, comments included.

    Iterative, so a page nested thousands deep cannot exhaust the stack;
    the content of elements that hold no page text is not entered.
    """
    stack = [(root, iter(root))]
    yield "start", root
    while stack:
        element, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            yield "end", element
            continue
        yield "start", child
        tag = child.tag if isinstance(child.tag, str) else ""
        stack.append((child, iter(()) if tag.lower() in _NOT_TEXT else iter(child)))


@dataclass(slots=True)
class _Page:
    """The page's text blocks in reading order, the line of ``<body>``, and links in no block."""

    blocks: list[_Block]
    body_line: int
    loose_links: list[AnchorText]  # anchors in a run without text (an image link alone)


def _text_blocks(root: etree._Element) -> _Page:
    """The page's text blocks in reading order, each with the anchors whose text starts in it."""
    body = root.find(".//body")
    start = body if body is not None else root
    body_line = start.sourceline or 1
    page = _Page([], body_line, [])
    parents = [start]  # the block-level elements open around the current run
    run = _Run(start)
    line = body_line
    anchors = OpenAnchors()
    unplaced: list[AnchorText] = []  # opened, no text read since: placed in the run their text starts in
    after_br = False  # a <br> was the last thing read (but blank text): a second one ends the run

    def next_run(run: _Run, parent: etree._Element) -> _Run:
        block = run.block()
        if block is not None:
            page.blocks.append(block)
        else:
            page.loose_links.extend(run.links)
        return _Run(parent)

    def read(text: str | None, line: int) -> int:
        nonlocal after_br
        if text and text.strip():
            after_br = False
            if unplaced:
                run.links.extend(unplaced)
                unplaced.clear()
        anchors.feed(text)
        return run.add(text, line)

    for event, element in _walk(start):
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        is_block = bool(tag) and tag not in _NOT_TEXT and tag not in _INLINE and element is not start
        if event == "start":
            line = element.sourceline or line
            if tag == "br" and after_br:
                # A blank line of an old page (<br><br>) ends a paragraph, as a new <p> would.
                joined = run.after_break or bool(run.pieces)
                run = next_run(run, parents[-1])
                run.after_break = joined
            after_br = tag == "br" or (not tag and after_br)  # a comment between the two is no text
            if tag == "br":
                line = read(" ", line)  # a line break parts the words on either side
            if is_block:
                run = next_run(run, element)
                parents.append(element)
            if tag == "a" and element.get("href") is not None:
                unplaced.append(anchors.open(element, element.get("href", ""), line))
            if element is start or (tag and tag not in _NOT_TEXT):
                # A comment's or a script's own text is no page text; its tail is.
                line = read(element.text, line)
            continue
        if element is start:
            continue
        closed = anchors.close(element) if tag == "a" else None
        if closed is not None and closed in unplaced:
            # An anchor without text of its own (an image link) stays in the run it closes in.
            unplaced.remove(closed)
            run.links.append(closed)
        if is_block:
            parents.pop()
            # The text after a nested block belongs to the block around it.
            run = next_run(run, parents[-1])
        line = read(element.tail, line)
    run.links.extend(unplaced)
    next_run(run, start)
    return page


def _text_of(element: etree._Element) -> str:
    """An element's text, with a space at a line break and around every element that is not inline.

    ``itertext`` joins the text on both sides of a break and of two blocks:
    "tomorrow.<br>Local" became "tomorrow.Local", one word to the duplicate
    stage, and so did the ``<p>`` trafilatura makes of a table cell's lines.
    """
    parts: list[str] = []
    for event, node in etree.iterwalk(element, events=("start", "end")):
        parted = node is not element and isinstance(node.tag, str) and node.tag not in _EXTRACTED_INLINE
        if event == "start":
            if node.tag in ("lb", "br") or parted:
                parts.append(" ")
            if isinstance(node.tag, str):
                parts.append(node.text or "")
        elif node is not element:
            parts.append(" " if parted else "")
            parts.append(node.tail or "")
    return "".join(parts)


def _extracted_blocks(body: etree._Element, *, root: bool = True) -> Iterator[str]:
    """Texts of trafilatura's output body, one per paragraph-like element, in order.

    Text directly inside a container (a quotation's own text, broken by
    ``<lb>``, trafilatura's ``<br>``; a list's text before its items) is a
    paragraph of its own between the container's block children, and so is
    the text of an inline element trafilatura's fallback gives in place of
    its body (the ``<font>`` of an old page).
    """
    loose = not root or body.tag in _EXTRACTED_INLINE
    pieces: list[str] = [body.text or ""] if loose else []
    for element in body:
        if not isinstance(element.tag, str):
            pieces.append(element.tail or "" if loose else "")
            continue
        if loose and element.tag in _EXTRACTED_INLINE:
            pieces.append(_text_of(element))
            pieces.append(element.tail or "")
            continue
        text = _norm("".join(pieces))
        if text:
            yield text
        pieces.clear()
        if element.tag in _CONTAINERS and len(element):
            yield from _extracted_blocks(element, root=False)
        else:
            text = _norm(_text_of(element))
            if text:
                yield text
        if loose:
            pieces.append(element.tail or "")
        elif element.tag in _CONTAINERS and len(element) and element.tail and element.tail.strip():
            yield _norm(element.tail)
    text = _norm("".join(pieces))
    if text:
        yield text


class _BreakGroups:
    """Splits an extracted paragraph at the page's double ``<br>``: old pages' paragraphs.

    trafilatura keeps text separated by ``<br><br>`` as one paragraph
    (within a ``<p>`` it even makes the two breaks one). Where a paragraph's
    text is exactly that of consecutive blocks of the page joined by double
    breaks, it is those blocks' paragraphs.
    """

    _START = 16  # characters of a block's key it is looked up by

    def __init__(self, blocks: list[_Block]) -> None:
        self.blocks = blocks
        self.keys = [_key(block.text) for block in blocks]
        self.starts: dict[str, list[int]] = {}
        for number, block in enumerate(blocks):
            joined = block.after_break or (number + 1 < len(blocks) and blocks[number + 1].after_break)
            if joined:
                self.starts.setdefault(self.keys[number][: self._START], []).append(number)
        self.lengths = sorted({len(start) for start in self.starts}, reverse=True)
        self.cursor = 0

    def split(self, text: str) -> list[str]:
        if not self.starts:
            return [text]
        key = _key(text)
        candidates = sorted(
            {number for length in self.lengths for number in self.starts.get(key[:length], ())}
        )
        # The blocks after the last split first: a text the page repeats is split at its next place.
        after = bisect.bisect_left(candidates, self.cursor)
        for first in candidates[after:] + candidates[:after]:
            last = self._span(key, first)
            if last is not None:
                self.cursor = last + 1
                return [block.text for block in self.blocks[first : last + 1]]
        return [text]

    def _span(self, key: str, first: int) -> int | None:
        """The last of the joined blocks from ``first`` whose keys make up ``key``; None if they do not."""
        if not key.startswith(self.keys[first]):
            return None
        at, last = len(self.keys[first]), first
        while at < len(key) and last + 1 < len(self.blocks) and self.blocks[last + 1].after_break:
            if not key.startswith(self.keys[last + 1], at):
                return None
            last += 1
            at += len(self.keys[last])
        return last if at == len(key) and last > first else None


def _key(text: str) -> str:
    """Text without its whitespace: trafilatura adds or drops spaces where inline tags meet."""
    return "".join(text.split())


class _Aligner:
    """Finds trafilatura's paragraphs among the page's text blocks, each after the one before."""

    def __init__(self, blocks: list[_Block]) -> None:
        self.keys = [_key(block.text) for block in blocks]
        self.after_break = [block.after_break for block in blocks]
        self.by_key: dict[str, list[int]] = {}
        for number, key in enumerate(self.keys):
            self.by_key.setdefault(key, []).append(number)
        self.cursor = 0
        self.out_of_order: set[int] = set()

    def match(self, text: str) -> tuple[int, int] | None:
        """The first and last block of ``text``: its own block, else one it starts, else blocks it joins."""
        key = _key(text)
        same = self.by_key.get(key, [])
        after = bisect.bisect_left(same, self.cursor)
        if after < len(same):
            return self._take(same[after], same[after])
        prefix = key[:_PREFIX_CHARS]
        for number in range(self.cursor, min(self.cursor + _LOOKAHEAD_BLOCKS, len(self.keys))):
            block = self.keys[number]
            if len(prefix) >= _MIN_FUZZY_CHARS and prefix in block:
                last = number
                # The blocks after it across double <br> that it holds too (its text not quite theirs).
                while (
                    last + 1 < len(self.keys)
                    and self.after_break[last + 1]
                    and len(self.keys[last + 1]) >= _MIN_FUZZY_CHARS
                    and self.keys[last + 1] in key
                ):
                    last += 1
                return self._take(number, last)
            if len(block) >= _MIN_FUZZY_CHARS and block in key:
                last = number
                while last + 1 < len(self.keys) and self.keys[last + 1] in key:
                    last += 1
                return self._take(number, last)
        # Out of order (a page laid out with CSS): its own block anywhere, for its line only.
        if same:
            self.out_of_order.add(same[0])
            return same[0], same[0]
        return None

    def _take(self, first: int, last: int) -> tuple[int, int]:
        self.cursor = last + 1
        return first, last


def _around(block: _Block) -> tuple[etree._Element | None, etree._Element | None]:
    """The element holding a block, and the one holding that: where a block stands on the page."""
    container = block.parent.getparent()
    return container, container.getparent() if container is not None else None


def _page_text(
    path: str, texts: list[str], page: _Page, title: str
) -> tuple[list[Paragraph], list[ClassifiedLine], LinkCollector]:
    """The paragraphs of the main text, repeats put back, every other text block as a note, and the links.

    A link belongs to the paragraph of the block its text is in, else (a
    note's block, a run without text) to no paragraph (-1).
    """
    blocks, body_line = page.blocks, page.body_line
    groups = _BreakGroups(blocks)
    texts = [piece for text in texts for piece in groups.split(text)]
    aligner = _Aligner(blocks)
    spans = [aligner.match(text) for text in texts]
    used = {number for span in spans if span for number in range(span[0], span[1] + 1)}
    extracted = set(texts)
    # Where the main text stands: a repeat is put back only there (in an element holding a
    # matched block, or one level inside it, like the next <blockquote>), never from a sidebar.
    beside = {_around(blocks[number])[0] for number in used} - {None}
    # Where the next matched paragraph starts, for each paragraph (the end of the page after the last).
    next_first: list[int | None] = [None] * len(spans)
    upcoming: int | None = None
    for number in range(len(spans) - 1, -1, -1):
        next_first[number] = upcoming
        span = spans[number]
        if span is not None:
            upcoming = span[0]

    paragraphs: list[Paragraph] = []
    paragraph_of: dict[int, int] = {}  # block number -> index of the paragraph it is in

    def add(text: str, line: int, line_end: int, first: int, last: int) -> None:
        for number in range(first, last + 1):
            paragraph_of.setdefault(number, len(paragraphs))
        paragraphs.append(
            Paragraph(index=len(paragraphs), line=line, text=text, line_end=max(line, line_end))
        )

    for text, span, stop in zip(texts, spans, next_first, strict=True):
        if span is None:
            add(text, body_line, body_line, 0, -1)
            continue
        add(text, blocks[span[0]].line, blocks[span[1]].line_end, span[0], span[1])
        if span[0] in aligner.out_of_order:
            continue
        # A block up to the next paragraph (or, after the last, right after it) that repeats
        # an extracted text beside the main text is a repeat trafilatura dropped.
        for number in range(span[1] + 1, stop if stop is not None else len(blocks)):
            block = blocks[number]
            if number not in used and block.text in extracted and not beside.isdisjoint(_around(block)):
                used.add(number)
                add(block.text, block.line, block.line_end, number, number)
            elif stop is None:
                break
    folded_title = title.casefold()
    notes = [
        ClassifiedLine(path, block.line, "boilerplate", block.text)
        for number, block in enumerate(blocks)
        if number not in used and block.text.casefold() != folded_title
    ]
    placed = [(paragraph_of.get(n, -1), a) for n, block in enumerate(blocks) for a in block.links]
    placed += [(-1, anchor) for anchor in page.loose_links]
    links = LinkCollector()
    for paragraph, anchor in sorted(placed, key=lambda item: item[1].order):
        links.add(paragraph, anchor.href, anchor.text, anchor.line)
    return paragraphs, notes, links


# The end tags of a document: libxml2 drops everything after ``</html>`` without an error.
_DOCUMENT_END = re.compile(r"</(?:body|html)\s*>", re.I)


def _without_document_end(page: str) -> str:
    """The page without its ``</body>`` and ``</html>`` tags, so that text after them is read as body text.

    Browsers read what follows the end of a document into its body (the HTML
    parsing algorithm's "after body" modes); libxml2 drops it without a word:
    the text a host appends after ``</html>``, or a second page saved into the
    same file, was lost from the audit and from every list. Only the tags go,
    so every line keeps its number.
    """
    return _DOCUMENT_END.sub("", page)


# Elements that libxml2, like a browser, runs to the end of the page when they are never closed.
_SWALLOWING = tuple(
    (f"<{name}>", re.compile(rf"<{name}\b", re.I), re.compile(rf"</{name}\s*>", re.I))
    for name in ("script", "style", "title")
)
_COMMENT_OPEN = re.compile("<!--")
# A script or style element: a "<!--" inside it is text of the script, not a comment.
_RAW_TEXT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)


def _never_closed(page: str) -> tuple[str, list[tuple[int, str]]]:
    """The page with each comment, script, style or title opener never closed read as text; where each was.

    A ``<!--`` with no ``-->`` after it is a comment running to the end of
    the page, and so is a ``<script>`` with no ``</script>``: the rest of the
    article after a stray opener was lost, in no list (after a ``<title>``,
    it was all the title, and the post had no paragraph). Such an opener
    (every one after the last closer of its kind; a ``<!--`` only outside
    scripts and styles) has its ``<`` escaped, so that it and what follows it
    are read as text, as in a WordPress body (:mod:`provenance.ingest.wxr`).
    Returns the page and ``(line, what)`` of the first such opener of each
    kind; no line break moves.
    """
    found: list[tuple[int, str]] = []
    for what, opener, closer in _SWALLOWING:
        after = max((match.end() for match in closer.finditer(page)), default=0)
        unclosed = [match.start() for match in opener.finditer(page, after)]
        if unclosed:
            found.append((page.count("\n", 0, unclosed[0]) + 1, what))
            page = _escaped(page, unclosed)
    last_close = page.rfind("-->")
    after = last_close + 3 if last_close >= 0 else 0
    raw = [match.span() for match in _RAW_TEXT.finditer(page)]
    unclosed = [
        match.start() for match in _COMMENT_OPEN.finditer(page, after) if not _inside(match.start(), raw)
    ]
    if unclosed:
        found.append((page.count("\n", 0, unclosed[0]) + 1, "comment"))
        page = _escaped(page, unclosed)
    return page, found


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``offset`` lies in one of ``spans`` (sorted, not overlapping)."""
    at = bisect.bisect_right(spans, (offset, sys.maxsize)) - 1
    return at >= 0 and spans[at][0] <= offset < spans[at][1]


def _escaped(page: str, offsets: list[int]) -> str:
    """``page`` with the ``<`` at each of ``offsets`` (in order) written ``&lt;``."""
    pieces, position = [], 0
    for offset in offsets:
        pieces += [page[position:offset], "&lt;"]
        position = offset + 1
    return "".join(pieces) + page[position:]


# Markup as the HTML tokenizer reads it (the WHATWG rules, which libxml2 follows from 2.14): a tag's name
# runs to a space, "/" or ">"; an attribute's name to a space, "/", ">" or "=", a "<" included (a tag
# left open runs into the next one); a quoted value to its closing quote, wherever that is; the tag to
# the first ">" outside quotes. Possessive throughout, so a tag never closed is passed over in one scan.
_SPACE = "\t\n\f\r "
_ATTRIBUTES = (
    rf"(?:[{_SPACE}/]++|(?:=[^{_SPACE}/>=]*+|[^{_SPACE}/>=]++)"
    rf"""(?:[{_SPACE}]*+=[{_SPACE}]*+(?:"[^"]*+"?|'[^']*+'?|[^{_SPACE}>]*+))?)*+"""
)
_MARKUP = re.compile(rf"<(?:!--.*?-->|[!?][^>]*+>?|(/?)([A-Za-z][^{_SPACE}/>]*+)({_ATTRIBUTES})(>?))", re.S)
_ONE_ATTRIBUTE = re.compile(
    rf"(=?[^{_SPACE}/>=]*+)"
    rf"""(?:[{_SPACE}]*+=[{_SPACE}]*+("[^"]*+"?|'[^']*+'?|[^{_SPACE}>]*+))?"""
)
# A quoted value holding the end of its tag and the markup or the lines after it: its closing quote was
# missing. A one-line value with a ">" ("Home > News") is a tooltip as written.
_TAG_END_IN_VALUE = re.compile(r"""^["'][^<>]*+>(?:[^<]*+(?:<(?![A-Za-z/!])[^<]*+)*+<[A-Za-z/!]|[^\n]*+\n)""")
# Elements whose content is text up to their end tag (script, style and title never closed are read as text).
_RAW_TEXT_ELEMENTS = frozenset(
    {"script", "style", "title", "textarea", "iframe", "xmp", "noembed", "noframes"}
)
_RAW_TEXT_END = {name: re.compile(rf"</{name}[{_SPACE}/>]", re.I) for name in _RAW_TEXT_ELEMENTS}
# Attributes written without a value in real pages; other bare words in a tag are text it swallowed.
_BARE_ATTRIBUTES = frozenset(lxml_html.defs.safe_attrs) | frozenset(
    {
        "allowfullscreen",
        "allowtransparency",
        "amp",
        "async",
        "autocomplete",
        "autofocus",
        "autoplay",
        "capture",
        "checked",
        "compact",
        "contenteditable",
        "controls",
        "crossorigin",
        "declare",
        "default",
        "defer",
        "disabled",
        "download",
        "draggable",
        "formnovalidate",
        "frameborder",
        "hidden",
        "inert",
        "integrity",
        "ismap",
        "itemprop",
        "itemscope",
        "loop",
        "mozallowfullscreen",
        "msallowfullscreen",
        "multiple",
        "muted",
        "nohref",
        "nomodule",
        "noresize",
        "noshade",
        "novalidate",
        "nowrap",
        "open",
        "playsinline",
        "popover",
        "readonly",
        "required",
        "reversed",
        "scrolling",
        "seamless",
        "selected",
        "shadowrootmode",
        "sortable",
        "spellcheck",
        "translate",
        "truespeed",
        "typemustmatch",
        "webkitallowfullscreen",
    }
)
# Characters of an attribute name that only a template or framework writes (v-if, :class, @click, [prop]).
_FRAMEWORK_NAME = re.compile(r"[-:@#\[\]()*_$]")
#: Tags never closed that are read again from the next character on; past them, the rest of the page is text.
_MAX_NEVER_CLOSED = 10
_TAG_OPENER = re.compile(r"<(?=/?[A-Za-z])")


@dataclass(slots=True)
class _SwallowingTags:
    """What :func:`_swallowing_tags` found: tags run to the end of the page, and tags holding text."""

    never_closed: list[tuple[int, str]]  # (line, "<name>") of each tag read as text instead
    holding_text: list[UnparsedLine]  # each line of a tag holding text, with the tag's text on it
    first: tuple[int, str] | None = None  # (line, "<name>") of the first tag holding text
    tags: int = 0  # how many tags hold text
    rest_as_text: bool = False  # so many were never closed that the page after the last is all read as text


def _holds_text(attributes: str) -> bool:
    """Whether a tag's attributes are text an HTML parser swallowed: a quote or a ">" was missing."""
    bare = 0
    for match in _ONE_ATTRIBUTE.finditer(attributes):
        name, value = match[1], match[2]
        if not name:
            continue
        if "<" in name or (value is not None and _TAG_END_IN_VALUE.match(value)):
            return True
        if value is None and name.lower() not in _BARE_ATTRIBUTES and not _FRAMEWORK_NAME.search(name):
            bare += 1
            if bare >= 2:
                return True
    return False


def _swallowing_warnings(path: str, found: _SwallowingTags) -> Iterator[InputWarning]:
    """A warning for the tags :func:`_swallowing_tags` read as text, and one for those holding text."""
    if found.never_closed:
        line, tag = found.never_closed[0]
        more = len(found.never_closed) - 1
        yield InputWarning(
            path,
            line,
            f'a {tag} tag opened on this line is never closed (a quote or a ">" missing), so it would run '
            "to the end of the page; read as text instead, with the text after it"
            + (f" ({more:,} more such tag{'s' if more > 1 else ''} after it" if more else "")
            + (
                "; past the last, the rest of the page is all read as text)"
                if found.rest_as_text
                else ")"
                if more
                else ""
            ),
        )
    if found.first is not None:
        line, tag = found.first
        held = len(found.holding_text)
        if found.tags == 1:
            what = f"a {tag} tag on this line holds"
            where = "its line" if held == 1 else f"its {held:,} lines"
        else:
            what = f"{found.tags:,} tags (the first a {tag} on this line) hold"
            where = "their line" if held == 1 else f"their {held:,} lines"
        yield InputWarning(
            path,
            line,
            f"{what} text that HTML parsers, as browsers do, read as the tag's attributes (a quote or a "
            f'">" missing); not audited, {where} listed as unparsed',
        )


def _swallowing_tags(path: str, page: str) -> tuple[str, _SwallowingTags]:
    """The page with each tag that would run to its end read as text; where tags swallow the page's text.

    A quote left open in a tag (``<a title="x>words</a>``), or a ``>`` left
    out (``<a href="x" more words</p>``), makes an HTML parser, as a
    browser, read the text after it as the tag's attributes, up to the next
    ``>`` outside quotes: those words were in no paragraph and no list. Such
    a tag closed later is kept as the parser reads it, and each line it
    spans is listed as unparsed with the tag's text on it; a tag with no
    such ``>`` after it (the rest of the page lost) has its ``<`` escaped,
    so that it and what follows are read as text, as a comment never
    closed is (:func:`_never_closed`). No line break moves.
    """
    found = _SwallowingTags([], [])
    escaped: list[int] = []
    position = counted = 0
    line = 1  # the line of offset ``counted``
    while True:
        match = _MARKUP.search(page, position)
        if match is None:
            break
        position = match.end()
        name = match[2]
        if name is None:
            continue
        # Counted from the last tag's start, not the page's: 215,000 tags of a 3.5 MB page took 210 s.
        line += page.count("\n", counted, start := match.start())
        counted = start
        if not match[4]:
            escaped.append(start)
            found.never_closed.append((line, f"<{match[1]}{name}>"))
            if len(escaped) == _MAX_NEVER_CLOSED:
                # Read again from each, a page of tags never closed took time growing with its square.
                escaped += [tag.start() for tag in _TAG_OPENER.finditer(page, start + 1)]
                found.rest_as_text = True
                break
            position = start + 1
            continue
        if len(match[3]) > 1 and _holds_text(match[3]):
            found.tags += 1
            found.first = found.first or (line, f"<{match[1]}{name}>")
            for number, text in enumerate(match[0].split("\n"), start=line):
                if not text.strip():
                    continue
                if found.holding_text and found.holding_text[-1].line == number:
                    # Another such tag on the line: one unparsed line holds both.
                    text = f"{found.holding_text.pop().text} … {text}"
                found.holding_text.append(
                    UnparsedLine(path, number, text if len(text) <= _PREVIEW else text[:_PREVIEW] + "…")
                )
        lowered = name.lower()
        if not match[1] and lowered in _RAW_TEXT_ELEMENTS:
            end = _RAW_TEXT_END[lowered].search(page, position)
            if end is None:
                break  # its text runs to the end of the page
            position = end.start()
        elif not match[1] and lowered == "plaintext":
            break
    return (_escaped(page, escaped) if escaped else page), found


#: Attributes of one element above which they are dropped before any parser reads the markup:
#: libxml2's HTML parser compares each new attribute's name with every one before it, so one
#: element of 20,000 attributes took 0.9 s to parse, of 40,000 3.6 s, and a page is parsed four
#: times (here, by trafilatura, justext and htmldate). A real element has a few dozen.
MAX_ATTRIBUTES = 1_000
# A start tag long enough to hold that many attributes (each at least a letter and a space). Possessive
# (``*+``): backtracking into the name, when no ">" ends the tag, tried every split of a long word after
# a "<" ("<" and 80,000 letters took 30 s, a time growing with the square of the word's length).
_LONG_START_TAG = re.compile(rf"<([A-Za-z][^\s/<>]*+)([^<>]{{{2 * MAX_ATTRIBUTES},}}+)>")
_ATTRIBUTE = re.compile(r"""[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]*))?""")


def without_crowded_attributes(markup: str) -> tuple[str, list[int]]:
    """``markup`` with the attributes of every element holding over :data:`MAX_ATTRIBUTES` dropped.

    Returns the markup and the offsets (in it) of the elements concerned.
    Their line breaks stay, so every line keeps its number; attributes hold
    no text of the page, and such an element is generated junk or an attack.
    """
    crowded: list[int] = []
    pieces: list[str] = []
    position = written = 0  # read up to in ``markup``; characters in ``pieces``
    for match in _LONG_START_TAG.finditer(markup):
        attributes = match[2]
        if sum(1 for _ in _ATTRIBUTE.finditer(attributes)) <= MAX_ATTRIBUTES:
            continue
        before, tag = markup[position : match.start()], f"<{match[1]}{chr(10) * attributes.count(chr(10))}>"
        crowded.append(written + len(before))
        pieces += [before, tag]
        written += len(before) + len(tag)
        position = match.end()
    if not crowded:
        return markup, []
    pieces.append(markup[position:])
    return "".join(pieces), crowded


def _parse(page: str, *, huge: bool) -> tuple[etree._Element | None, list[tuple[int, str]]]:
    """The page's tree and where libxml2 stopped reading it (line, message), if it did."""
    parser = lxml_html.HTMLParser(huge_tree=huge)
    try:
        root = lxml_html.document_fromstring(page, parser=parser)
    except (etree.ParserError, ValueError):
        root = None
    return root, [(error.line, error.message) for error in parser.error_log.filter_from_fatals()]


#: Elements inside the page's ``<p>`` elements above which trafilatura's extraction takes time growing
#: with their square (its ``//p//text()`` query, in libxml2): 32,000 took 4-6 s, 128,000 two minutes
#: (`benchmarks/bench_hostile.py --cases crowded-html`). Over the first, the formatting tags are
#: unwrapped before trafilatura reads the page (their text kept, and its own output keeps no
#: formatting); over the second, even then, the page is not given to it at all.
_UNWRAP_FORMATTING_OVER = 5_000
_EXTRACTION_MAX = 20_000
#: Elements of the page besides formatting above which it is not given to trafilatura either: its
#: extraction takes time growing with their square however plain they are (``//p//text()`` again, and
#: the comparison with its fallback extractor): a page of 30,000 plain paragraphs took 2.0 s, 100,000
#: 20.6 s, 200,000 80.6 s (one run of ``trafilatura.bare_extraction`` each;
#: `benchmarks/bench_hostile.py --cases plain-paragraphs`). At this limit it took 5.1 s.
_EXTRACTION_MAX_ELEMENTS = 50_000
# Inline tags that only format their text: unwrapped in a crowded page (``<a>`` and ``<br>`` stay).
_FORMATTING = (
    "b",
    "strong",
    "i",
    "em",
    "u",
    "s",
    "strike",
    "tt",
    "span",
    "sub",
    "sup",
    "q",
    "kbd",
    "samp",
    "var",
    "time",
)
_FORMATTING_OR_PRESENTATIONAL = frozenset({*_FORMATTING, *_PRESENTATIONAL})


def _inside_paragraphs(root: etree._Element) -> int:
    """How many elements the page's ``<p>`` elements hold: each element once for each ``<p>`` around it.

    What trafilatura walks, paragraph by paragraph: paragraphs nest when an
    ``<a>`` is never closed (each ``<p>`` after it opens inside it), and
    then each element counts once per paragraph around it, so such a page
    counts as crowded. Counted in one walk of the tree, keeping how many
    paragraphs are open: counting each paragraph's descendants took time
    growing with the square of the nesting (2,000 lines of ``<a href="x``,
    10 s).
    """
    held = open_paragraphs = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            held += open_paragraphs
            open_paragraphs += element.tag == "p"
        else:
            open_paragraphs -= element.tag == "p"
    return held


def _elements_besides_formatting(root: etree._Element) -> int:
    """How many elements the page has that are not formatting or presentational tags (unwrapped or not)."""
    return sum(1 for element in root.iter() if element.tag not in _FORMATTING_OR_PRESENTATIONAL)


def _extraction_input(page: str, root: etree._Element | None, deep: bool) -> str | etree._Element | None:
    """What trafilatura reads: the page, a tree of it, or None when no extraction would end in time.

    A page nested deeper than trafilatura's parser allows (256 levels) is
    parsed for it with that limit lifted (its own parser options otherwise).
    The presentational tags that make old pages deep (``<font>`` never
    closed) are unwrapped, their text kept: trafilatura strips them itself,
    but its fallback extractor writes out and parses again what it found, at
    the default limit. A page whose paragraphs hold over
    :data:`_UNWRAP_FORMATTING_OVER` elements gets its formatting tags
    unwrapped too; if they still hold over :data:`_EXTRACTION_MAX`, None. A page
    of over :data:`_EXTRACTION_MAX_ELEMENTS` other elements, None too.
    """
    if root is not None and _elements_besides_formatting(root) > _EXTRACTION_MAX_ELEMENTS:
        return None
    crowded = root is not None and _inside_paragraphs(root) > _UNWRAP_FORMATTING_OVER
    if not deep and not crowded:
        return page
    parser = lxml_html.HTMLParser(
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        huge_tree=True,
    )
    try:
        tree = lxml_html.fromstring(page, parser=parser)
    except (etree.ParserError, ValueError):
        return page
    etree.strip_tags(tree, *_PRESENTATIONAL, *(_FORMATTING if crowded else ()))
    if crowded and _inside_paragraphs(tree) > _EXTRACTION_MAX:
        return None
    if not len(tree):
        return page
    # A page that is not deep goes back as text: given this tree, trafilatura took two minutes over
    # 16,000 plain paragraphs it read in a second as text.
    return tree if deep else etree.tostring(tree, encoding="unicode")


def _unread_lines(path: str, page: str, line: int) -> Iterator[UnparsedLine]:
    """The page's non-blank lines from ``line`` on (where parsing stopped; that line only partly read)."""
    lines = page.split("\n")
    for number in range(max(line, 1), len(lines) + 1):
        text = lines[number - 1]
        if text.strip():
            yield UnparsedLine(path, number, text if len(text) <= _PREVIEW else text[:_PREVIEW] + "…")


def iter_html(path: str, page: str, post_id: str) -> Iterator[Event]:
    """The one post of an HTML page, with warnings; ``post_id`` is its id (the file stem).

    A page nested deeper than libxml2's default limit of 256 levels (old
    "font soup" pages whose tags are never closed) is parsed again with
    ``huge_tree``, which lifts the limit to 2,048 levels. Where parsing still
    stops, a warning names the line, and every non-blank line from there on
    is listed as unparsed.
    """
    import trafilatura

    readable, unclosed = _never_closed(_without_document_end(page))
    for line, what in unclosed:
        yield InputWarning(
            path,
            line,
            f"a {what} opened on this line is never closed, so it would run to the end of the page; "
            "read as text instead, with the text after it",
        )
    readable, swallowing = _swallowing_tags(path, readable)
    yield from sorted(_swallowing_warnings(path, swallowing), key=lambda warning: warning.line)
    yield from swallowing.holding_text
    readable, many_attributes = without_crowded_attributes(readable)
    if many_attributes:
        yield InputWarning(
            path,
            readable.count("\n", 0, many_attributes[0]) + 1,
            f"{len(many_attributes):,} element{'s' if len(many_attributes) > 1 else ''} with over "
            f"{MAX_ATTRIBUTES:,} attributes (the first on this line); their attributes dropped, "
            "their text kept",
        )
    root, stops = _parse(readable, huge=False)
    deep = bool(stops)
    if deep:
        # Only the limits on depth and sizes are lifted: the HTML parser expands
        # no declared entity and loads nothing, huge_tree or not.
        root, stops = _parse(readable, huge=True)
    extraction_input = _extraction_input(readable, root, deep)
    crowded = extraction_input is None
    dates = {"extensive_search": False, "original_date": True}
    document: Any
    try:
        if crowded:
            # Its title, date, url, categories and tags still come from trafilatura's metadata reader.
            from trafilatura.metadata import extract_metadata

            document = extract_metadata(readable, date_config=dates)
        else:
            document = trafilatura.bare_extraction(
                extraction_input,
                with_metadata=True,
                include_comments=False,
                include_tables=True,
                date_extraction_params=dates,
            )
    except Exception as exc:  # trafilatura raises many kinds on odd pages; none may stop the audit
        yield InputWarning(path, 0, f"HTML extraction failed ({exc.__class__.__name__}: {exc}); no post read")
        return
    for line, message in stops[:1]:
        # libxml2 stops at a fatal error (a page nested over 2,048 deep): what follows is not read.
        unread = list(_unread_lines(path, page, line))
        yield InputWarning(
            path,
            line,
            f"HTML parsing stopped here ({message}); the page's text from this line on is not read, "
            f"its {len(unread):,} non-blank lines listed as unparsed",
        )
        yield from unread
    page_text = _text_blocks(root) if root is not None else _Page([], 1, [])
    body = getattr(document, "body", None) if document is not None and not crowded else None
    texts = list(_extracted_blocks(body)) if body is not None else []
    if crowded:
        # Bounded time over telling the main text from the rest: every block is a paragraph.
        texts = [block.text for block in page_text.blocks]
        yield InputWarning(
            path,
            0,
            f"the page holds over {_EXTRACTION_MAX_ELEMENTS:,} elements besides formatting, or its "
            f"paragraphs over {_EXTRACTION_MAX:,}, more than its main text can be told from navigation and "
            "footers in bounded time; every text block is kept as a paragraph",
        )

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

    paragraphs, notes, links = _page_text(path, texts, page_text, title)
    too_many = links.warning(path, 0, post_id)
    if too_many is not None:
        yield too_many
    if not paragraphs:
        yield InputWarning(
            path, title_line, f"no main text found in the page; post {post_id!r} has no paragraphs"
        )

    date_text = getattr(document, "date", None) if document is not None else None
    date = parse_any_date(date_text) if date_text else None
    lines = [p.line for p in paragraphs] + [p.line_end for p in paragraphs] + [n.line for n in notes]
    lines += [title_line] if title_line else []
    yield Post(
        id=post_id,
        title=title,
        date=date,
        source=SourceRef(path, min(lines, default=1), max(lines, default=1)),
        citation=None,
        paragraphs=tuple(paragraphs),
        notes=tuple(notes),
        title_line=title_line,
        url=(getattr(document, "url", None) or None) if document is not None else None,
        categories=tuple(_split(getattr(document, "categories", None))),
        tags=tuple(_split(getattr(document, "tags", None))),
        format="html",
        links=tuple(links.links),
    )


def _split(value: object) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple):
        return [str(part).strip() for part in value if str(part).strip()]
    return []
