"""Reader for WordPress export files (WXR: RSS 2.0 with the ``wp:`` export namespace).

Each ``<item>`` that is a published post becomes a :class:`Post` (pages too
with ``AuditConfig.include_pages``); everything else — drafts, future,
private and pending posts, attachments, navigation menu items, pages — is
left out and counted, in one warning per file such as "skipped 70
nav_menu_items, 37 attachments, 21 pages, 1 draft, 1 future".

Password-protected posts are imported, with a warning: the export holds
their full text, and the point of the audit is what the owner's site
published, behind a password or not.

Streaming, one item at a time: the file is decoded (its BOM, else UTF-16
known by its NUL bytes, else the encoding its XML declaration names), cut
into items by a scanner that only
looks at item tags, CDATA sections and comments (:class:`_Scanner`), and each
item is parsed on its own by lxml, so memory follows the largest item, not
the export. One bad item spoils itself only, and every repair is a warning
naming the line and the item's title:

- a character XML does not allow (a vertical tab pasted from Word) becomes a
  space, and bytes that are not in the file's encoding become U+FFFD;
- an item that is not well-formed (a bare ``&``, a tag left open, a missing
  ``</item>``) is read by lxml's recovering parser, alone;
- a CDATA section left open is closed before its element's end tag, so the
  items after it stay items; a bare ``]]>`` inside a post's text (which
  ends a CDATA section) is read as text when the parse fails on it;
- whitespace or a BOM before ``<?xml`` is ignored;
- an entity reference (``&x;``, declared in the DTD or not) is kept as its
  literal text; none is ever expanded, from inside the file or out;
- a value that cannot be read (a date in the year 99999) leaves its field
  empty; a file cut off keeps every complete item, and the cut one when its
  text was whole.

The rest of the document (the channel and its metadata, items replaced by
their line breaks) goes through lxml's streaming parser, which names a break
between items or a file cut short.

Namespaces are matched by what they are, not by one literal URI: exports
declare ``http://wordpress.org/export/1.2/`` or, like the theme unit test
data, ``https://…``, and older ones 1.0 or 1.1.

``content:encoded`` is split the way WordPress's ``wpautop`` displays it:
a blank line, two ``<br>`` in a row, or a block-level tag (``<p>``, ``<h2>``, ``<li>``,
``<blockquote>``…) ends a paragraph; each block's text comes from lxml's HTML
parser (entities decoded, inline tags dropped). Shortcodes are removed:
``[caption]`` keeps its caption text as an ``image`` note, ``[code]`` and
``[sourcecode]`` keep their content, and media shortcodes (``[gallery]``,
``[embed]``, ``[audio]``, ``[video]``…) are dropped and counted. Every
paragraph's ``line`` is its real line in the XML file (the line of
``<content:encoded>`` plus the line breaks before the paragraph). Each
paragraph's ``<a href>`` links are kept (``Post.links``, see
:mod:`provenance.ingest.links`), a caption's with paragraph -1.
"""

from __future__ import annotations

import bisect
import codecs
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

from lxml import etree
from lxml import html as lxml_html

from provenance.ingest.archive import slugify
from provenance.ingest.dates import impossible_time, parse_any_date, parse_any_offset, parse_any_time
from provenance.ingest.htmlpage import MAX_ATTRIBUTES, without_crowded_attributes
from provenance.ingest.links import LinkCollector, anchors_of
from provenance.ingest.source import Event, _declared_encoding
from provenance.models import ClassifiedLine, InputWarning, Paragraph, Post, SourceRef

__all__ = ["WxrCounts", "html_paragraphs", "iter_wxr", "looks_like_wxr"]

_WXR_NAMESPACE = re.compile(r"wordpress\.(?:org|com)/export/\d+(?:\.\d+)*/?$")

# Enclosing shortcodes whose content is text to keep (code listings).
_KEEP_CONTENT = ("code", "sourcecode", "source")
# Shortcodes that stand for media: removed entirely, content and all.
_MEDIA = (
    "gallery",
    "embed",
    "audio",
    "video",
    "playlist",
    "youtube",
    "vimeo",
    "soundcloud",
    "googlemaps",
    "slideshow",
    "videopress",
    "wpvideo",
    "tweet",
    "instagram",
)
_CAPTION = ("caption", "wp_caption")
_SHORTCODE_NAMES = "|".join(_CAPTION + _KEEP_CONTENT + _MEDIA)
# Attributes are bounded so that each "[gallery" never closed costs a bounded look-ahead,
# not a scan to the end of the post (which made 20,000 of them take minutes).
_SHORTCODE_OPEN = re.compile(
    rf"\[(?P<name>{_SHORTCODE_NAMES})(?=[\s\]/])(?P<attrs>[^\]]{{0,10000}})\]", re.IGNORECASE
)
_SHORTCODE_CLOSE = re.compile(rf"\[/(?P<name>{_SHORTCODE_NAMES})\]", re.IGNORECASE)
_CAPTION_ATTR = re.compile(r"""caption\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_BLOCK_TAGS = (
    "p|div|h[1-6]|ul|ol|li|dl|dt|dd|blockquote|pre|table|thead|tbody|tfoot|tr|td|th|caption|hr|"
    "figure|figcaption|section|article|aside|header|footer|nav|address|details|summary|center|form"
)
# Where a paragraph ends: a blank line, two line breaks in a row (wpautop reads
# "<br />\s*<br />" as a blank line), a block-level tag, an HTML comment
# (WordPress's <!--more--> and block-editor markers), or a script/style element.
# A comment or script only ends a paragraph when it is closed; its end is looked
# for by _boundaries, once, not by a lazy ".*?" that rescans the post per opener.
_BOUNDARY = re.compile(
    rf"\n[ \t\r\f\v]*\n|<br\b[^<>]{{0,200}}>\s*<br\b[^<>]{{0,200}}>|<!--|<(?P<raw>script|style)\b|"
    rf"</?(?:{_BLOCK_TAGS})\b[^>]{{0,10000}}>",
    re.IGNORECASE,
)
_RAW_START = re.compile(r"<(?:script|style)\b", re.IGNORECASE)
_RAW_END = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in ("script", "style")}


@dataclass(slots=True)
class WxrCounts:
    """What one export held: posts imported, items left out by kind, shortcodes removed."""

    imported: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    shortcodes: Counter[str] = field(default_factory=Counter)
    comments: int = 0


def looks_like_wxr(head: str) -> bool:
    """True for an RSS document that declares a WordPress export namespace."""
    return "<rss" in head and re.search(r"wordpress\.(?:org|com)/export/", head) is not None


def _mask(text: str, start: int, end: int) -> str:
    """Blank out ``text[start:end]`` but keep its line breaks, so later offsets and lines stay true."""
    return text[:start] + _blank(text[start:end]) + text[end:]


def _blank(text: str) -> str:
    return "\n".join(" " * len(line) for line in text.split("\n"))


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with every one of ``spans`` (in order, not overlapping) blanked, in one pass."""
    pieces, previous = [], 0
    for start, end in spans:
        pieces += [text[previous:start], _blank(text[start:end])]
        previous = end
    pieces.append(text[previous:])
    return "".join(pieces)


@dataclass(frozen=True, slots=True)
class BodyLink:
    """A link of a post body: its address, its text, and its line counted from its paragraph's first (0)."""

    href: str
    text: str
    line_offset: int


# Where a start tag, closing tag or comment begins: one after a fragment's last ">" is never ended (looked
# for from there only, so that many of them cost one scan).
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


def _read_fragment(fragment: str) -> tuple[str, list[BodyLink]]:
    """The text of an HTML fragment, and its links (lines counted from the fragment's first text)."""
    if "<" not in fragment and "&" not in fragment:
        return " ".join(fragment.split()), []
    # Only here, after the body is cut into paragraphs: the line breaks kept in their place are
    # blank lines, which would cut a paragraph inside the tag.
    fragment = without_crowded_attributes(fragment)[0]
    unclosed = _TAG_START.search(fragment, fragment.rfind(">") + 1)
    if unclosed is not None:
        # "<xx yy and more words" with no ">" after it is a tag to the parser, its words attributes:
        # the paragraph was read as empty and its words were in no post and no list. Kept as text.
        # Every "<" from there on: none of them is ended either.
        fragment = fragment[: unclosed.start()] + fragment[unclosed.start() :].replace("<", "&lt;")
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return " ".join(fragment.split()), []
    for line_break in root.iter("br"):
        # "tomorrow.<br>Local" is two words: text_content() would join them into one.
        line_break.tail = " " + (line_break.tail or "")
    text = " ".join(root.text_content().split())
    if "<a" not in fragment and "<A" not in fragment:
        return text, []
    leading_breaks = fragment.count("\n", 0, len(fragment) - len(fragment.lstrip()))
    links = [
        BodyLink(anchor.href, anchor.text, max(0, anchor.line - 1 - leading_breaks))
        for anchor in anchors_of(root)
    ]
    return text, links


def _text_of(fragment: str) -> str:
    return _read_fragment(fragment)[0]


def html_paragraphs(
    content: str, shortcodes: Counter[str]
) -> tuple[list[tuple[int, int, str, list[BodyLink]]], list[tuple[int, str, list[BodyLink]]]]:
    """Paragraphs ``(start, end, text, links)`` and caption notes ``(start, text, links)`` of a post body.

    ``start``/``end`` are character offsets of the paragraph's source in ``content``.

    Removed shortcodes are counted in ``shortcodes`` by name.
    """
    captions: list[tuple[int, str, list[BodyLink]]] = []
    spans: list[tuple[int, int]] = []
    # Where each shortcode's closing tags are; an opening tag encloses up to the first after it.
    closers: dict[str, list[tuple[int, int]]] = {}
    for closer in _SHORTCODE_CLOSE.finditer(content):
        closers.setdefault(closer["name"].lower(), []).append(closer.span())
    position = 0
    while (match := _SHORTCODE_OPEN.search(content, position)) is not None:
        name = match["name"].lower()
        found = closers.get(name, [])
        after = bisect.bisect_left(found, (match.end(), 0))
        close = found[after] if after < len(found) else None
        end = close[1] if close is not None else match.end()
        position = end
        if name in _KEEP_CONTENT and close is not None:
            spans += [(match.start(), match.end()), close]
            continue
        if name in _CAPTION:
            attr = _CAPTION_ATTR.search(match["attrs"])
            inner = content[match.end() : close[0]] if close is not None else ""
            inner_text, inner_links = _read_fragment(inner)
            caption = attr[1] or attr[2] if attr else inner_text
            if caption and caption.strip():
                captions.append((match.start(), " ".join(caption.split()), inner_links))
        shortcodes[name] += 1
        spans.append((match.start(), end))
    content = _masked(content, spans)
    paragraphs: list[tuple[int, int, str, list[BodyLink]]] = []
    position = 0
    for boundary in [*_boundaries(content), None]:
        end = boundary[0] if boundary is not None else len(content)
        segment = content[position:end]
        if segment.strip():
            text, links = _read_fragment(segment)
            if text:
                start = position + len(segment) - len(segment.lstrip())
                paragraphs.append((start, position + len(segment.rstrip()), text, links))
        if boundary is not None:
            position = boundary[1]
    return paragraphs, captions


def _boundaries(content: str) -> Iterator[tuple[int, int]]:
    """Spans of :data:`_BOUNDARY` in ``content``, a comment or script/style running to its end.

    An opener that is never closed is no boundary (it stays in the text), and
    once an end was not found after some offset it is not looked for again.
    """
    if "<!--" not in content and _RAW_START.search(content) is None:
        yield from (match.span() for match in _BOUNDARY.finditer(content))
        return
    absent: dict[str, int] = {}
    position = 0
    while (match := _BOUNDARY.search(content, position)) is not None:
        start, end = match.span()
        closer = "-->" if match[0] == "<!--" else (match["raw"] or "").lower()
        if closer:
            found = None
            if absent.get(closer, len(content) + 1) > end:
                if closer == "-->":
                    at = content.find("-->", end)
                    found = at + 3 if at >= 0 else None
                else:
                    raw_end = _RAW_END[closer].search(content, end)
                    found = raw_end.end() if raw_end else None
                if found is None:
                    absent[closer] = end
            if found is None:
                position = start + 1
                continue
            end = found
        yield start, end
        position = end


# --------------------------------------------------------------------------
# Reading the file: encoding, characters XML forbids, the start of the file
# --------------------------------------------------------------------------

#: Characters decoded at a time; a longer item is read in growing steps.
_CHUNK_CHARS = 1 << 20
# Longer than any token the scanner looks for, so a token cut by a chunk boundary is still found.
_OVERLAP = 80
_UNDECODABLE = "provenance-wxr-undecodable"
# A decoder never produces a lone surrogate, so one marks the bytes that did not decode.
_UNDECODABLE_MARK = "\udcff"


def _mark_undecodable(error: UnicodeError) -> tuple[str, int]:
    if isinstance(error, UnicodeDecodeError):
        return _UNDECODABLE_MARK, error.end
    raise error


codecs.register_error(_UNDECODABLE, _mark_undecodable)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED_ENCODING = re.compile(
    rb"""\A\s*<\?xml\s[^>]{0,500}?\bencoding\s*=\s*["']([A-Za-z][\w.:-]{0,60})["']"""
)
_LEADING = re.compile(r"[\s\ufeff]*")
_DECLARATION = re.compile(r"<\?xml\s[^>]{0,2000}\?>")
# What XML 1.0 does not allow in a document (C0 controls but tab and line breaks, U+FFFE,
# U+FFFF), and the marks left where bytes did not decode.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_XML_SAFE_BYTES = bytes(b for b in range(256) if b >= 0x20 or b in (0x09, 0x0A, 0x0D))
_SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")
# How many places a warning about replaced characters names before it only counts.
_SHOWN_PLACES = 10


def _encoding(head: bytes) -> tuple[str, str | None]:
    """The codec to read an export with (its BOM, else its XML declaration, else UTF-8), and any problem.

    UTF-16 without a BOM is known by its NUL bytes, as for every other format
    (:func:`provenance.ingest.source._declared_encoding`): read as UTF-8, every
    other byte a NUL, the export gave no post.
    """
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, None
    bomless = _declared_encoding(head)
    if bomless is not None:
        return bomless, None
    declared = _DECLARED_ENCODING.match(head)
    if declared is None:
        return "utf-8", None
    name = declared[1].decode("ascii")
    try:
        codec = codecs.lookup(name)
    except LookupError:
        return "utf-8", f"unknown encoding {name!r} in the XML declaration; read as UTF-8"
    if codec.name.startswith(("utf-16", "utf-32")):
        # Such a file without a BOM would have NUL bytes in its head; this one has an ASCII head.
        return "utf-8", f"declares {name!r} but is written in an ASCII-compatible encoding; read as UTF-8"
    return codec.name, None


def _clean_head(text: str) -> tuple[str, str | None]:
    """The file's first chunk with its XML declaration blanked out, and a note on what stood before it.

    The reader hands lxml UTF-8 text it decoded itself, so the declaration
    (which names the file's own encoding) must not reach the parser; blanking
    it also makes whitespace or a byte order mark before it harmless, where
    libxml2 rejects the whole file ("XML declaration allowed only at the
    start"). Blanking keeps every line break, so lines stay the file's.
    """
    junk = _LEADING.match(text)
    end = junk.end() if junk else 0
    declaration = _DECLARATION.match(text, end)
    if declaration is not None:
        text = _mask(text, declaration.start(), declaration.end())
    if not end or (declaration is None and "\ufeff" not in text[:end]):
        return text, None
    leading = text[:end]
    blank_lines = leading.count("\n")
    parts = ["a byte order mark"] if "\ufeff" in leading else []
    if blank_lines:
        parts.append(f"{blank_lines} blank line{'s' if blank_lines != 1 else ''}")
    elif leading.replace("\ufeff", ""):
        parts.append("spaces")
    where = "'<?xml'" if declaration is not None else "the first tag"
    note = f"{' and '.join(parts)} before {where}, which XML does not allow; ignored"
    return leading.replace("\ufeff", " ") + text[end:], note


@dataclass(slots=True)
class _Replaced:
    """Characters replaced in one stretch of the file: how many, and where the first ones were."""

    count: int = 0
    places: list[str] = field(default_factory=list)

    def add(self, place: str) -> None:
        self.count += 1
        if len(self.places) < _SHOWN_PLACES:
            self.places.append(place)

    def shown(self) -> str:
        more = self.count - len(self.places)
        return ", ".join(self.places) + (f" and {more:,} more" if more else "")


def _sanitize(text: str, first_line: int) -> tuple[bytes, _Replaced, _Replaced]:
    """``text`` as UTF-8 with what XML forbids replaced, one character for one so lines stay true.

    A control character becomes a space (Word pastes a vertical tab for a
    line break; any control character stands between words, never inside
    one); bytes that did not decode become U+FFFD. Returns the bytes, and the
    control characters and undecodable bytes replaced.
    """
    illegal, undecodable = _Replaced(), _Replaced()
    data = text.encode("utf-8", "surrogatepass")
    # bytes.translate finds a control character at memory speed, where a regex
    # over the text reads a few dozen MB/s; the rest only exist outside ASCII.
    if not data.translate(None, _XML_SAFE_BYTES) and (
        text.isascii()
        or (b"\xef\xbf\xbe" not in data and b"\xef\xbf\xbf" not in data and not _SURROGATE.search(data))
    ):
        return data, illegal, undecodable
    line, position = first_line, 0

    def replace(match: re.Match[str]) -> str:
        nonlocal line, position
        line += text.count("\n", position, match.start())
        position = match.start()
        char = match[0]
        if char == _UNDECODABLE_MARK:
            undecodable.add(f"line {line}")
            return "\ufffd"
        illegal.add(f"U+{ord(char):04X} at line {line}")
        return " "

    return _NOT_XML.sub(replace, text).encode("utf-8"), illegal, undecodable


# --------------------------------------------------------------------------
# Cutting the text into items, without parsing it
# --------------------------------------------------------------------------

SegmentEnd = Literal["closed", "unclosed", "eof"]


@dataclass(slots=True)
class _Segment:
    """An ``<item>`` of the export, or a stretch between items, as text.

    ``end`` says how an item ended: at its ``</item>`` (closed), where the
    next ``<item>`` starts (unclosed), or at the end of the file (eof).
    ``cdata_closed`` holds the lines where the scanner closed a CDATA section
    left open.
    """

    kind: Literal["item", "other"]
    text: str
    line: int
    end: SegmentEnd
    cdata_closed: list[int]

    @property
    def last_line(self) -> int:
        return self.line + self.text.count("\n")


_OUTSIDE = re.compile(r"<!\[CDATA\[|<!--|<!DOCTYPE\b|<item(?=[\s>/])")
_INSIDE = re.compile(r"<!\[CDATA\[|<!--|</item\s{0,64}>|<item(?=[\s>/])")
_OPENER = re.compile(r"<([A-Za-z_][\w.:-]*)(?:\s[^<>]*)?>\s*\Z")
_DOCTYPE_PART = re.compile(r"\[|>")
_SUBSET_END = re.compile(r"\]\s*>")


class _Scanner:
    """Cuts an export's text into items and the stretches between them.

    Only what decides where an item ends is looked at: CDATA sections,
    comments, the DOCTYPE and the item tags. Each item can then be parsed on
    its own, so one that is not well-formed spoils itself only, where one
    parse of the whole file stops at the first error (and lxml's iterparse
    drops the items it had read ahead, too).

    A CDATA section left open is closed where its element's end tag stands
    (a ``<content:encoded><![CDATA[`` followed by ``</content:encoded>``)
    when it would otherwise run past the end of its item: to the end of the
    file, or to the ``]]>`` of a later item, which would make every item in
    between part of this one's text.

    Offsets are absolute (from the start of the text); the buffer drops what
    no segment needs any more, so memory follows the longest segment.
    """

    def __init__(self, read: Callable[[int], str], head: str) -> None:
        self._read = read
        self._buffer = head
        self._origin = 0  # absolute offset of _buffer[0]
        self._keep = 0  # first absolute offset still needed
        self._eof = not head
        self._line = 1
        self._line_offset = 0  # absolute offset where _line starts counting
        self._closed_at: list[int] = []  # where the current segment gets a "]]>"
        # A literal searched to the end of the file once is not there after that offset.
        self._absent: dict[str, int] = {}

    @property
    def _end(self) -> int:
        return self._origin + len(self._buffer)

    def _more(self) -> bool:
        if self._eof:
            return False
        kept = self._end - self._keep
        chunk = self._read(max(_CHUNK_CHARS, kept))
        if not chunk:
            self._eof = True
            return False
        self._buffer = self._buffer[self._keep - self._origin :] + chunk
        self._origin = self._keep
        return True

    def _search(self, pattern: re.Pattern[str], start: int) -> tuple[int, int, str] | None:
        while True:
            match = pattern.search(self._buffer, start - self._origin)
            if match is not None:
                return self._origin + match.start(), self._origin + match.end(), match[0]
            searched = self._end
            if not self._more():
                return None
            start = max(start, searched - _OVERLAP)

    def _find(self, literal: str, start: int, stop: int | None = None) -> int:
        """Offset of ``literal`` from ``start`` (before ``stop``, else reading on as needed), or -1."""
        if stop is not None:
            found = self._buffer.find(literal, start - self._origin, stop - self._origin)
            return found + self._origin if found >= 0 else -1
        if self._absent.get(literal, self._end + 1) <= start:
            return -1
        while True:
            found = self._buffer.find(literal, start - self._origin)
            if found >= 0:
                return found + self._origin
            searched = self._end
            if not self._more():
                self._absent[literal] = start
                return -1
            start = max(start, searched - len(literal) + 1)

    def _line_at(self, offset: int) -> int:
        self._line += self._buffer.count("\n", self._line_offset - self._origin, offset - self._origin)
        self._line_offset = offset
        return self._line

    def _segment(self, kind: Literal["item", "other"], start: int, end: int, how: SegmentEnd) -> _Segment:
        line = self._line_at(start)
        pieces, previous, closed_lines = [], start, []
        for offset in self._closed_at:
            pieces += [self._buffer[previous - self._origin : offset - self._origin], "]]>"]
            closed_lines.append(self._line_at(offset))
            previous = offset
        pieces.append(self._buffer[previous - self._origin : end - self._origin])
        self._line_at(end)
        self._keep = end
        self._closed_at = []
        return _Segment(kind, "".join(pieces), line, how, closed_lines)

    def segments(self) -> Iterator[_Segment]:
        """The stretches of the text in order: ``other`` (header, between items, trailer) and ``item``."""
        start = position = 0
        while True:
            token = self._search(_OUTSIDE, position)
            if token is None:
                yield self._segment("other", start, self._end, "eof")
                return
            at, after, text = token
            if text == "<![CDATA[":
                position = self._skip_cdata(at, after, start)
            elif text == "<!--":
                end = self._find("-->", after)
                position = end + 3 if end >= 0 else after
            elif text.startswith("<!DOCTYPE"):
                position = self._skip_doctype(after)
            else:
                if at > start or start == 0:
                    yield self._segment("other", start, at, "closed")
                item = self._item(at)
                yield item
                start = position = self._keep

    def _item(self, at: int) -> _Segment:
        tag_end = self._find(">", at + 5)
        if tag_end < 0:
            return self._segment("item", at, self._end, "eof")
        if self._buffer[tag_end - 1 - self._origin] == "/":
            return self._segment("item", at, tag_end + 1, "closed")
        position = tag_end + 1
        while True:
            token = self._search(_INSIDE, position)
            if token is None:
                return self._segment("item", at, self._end, "eof")
            start, after, text = token
            if text == "<![CDATA[":
                position = self._skip_cdata(start, after, at)
            elif text == "<!--":
                end = self._find("-->", after)
                position = end + 3 if end >= 0 else after
            elif text.startswith("</item"):
                return self._segment("item", at, after, "closed")
            else:
                return self._segment("item", at, start, "unclosed")

    def _opener(self, segment_start: int, at: int) -> str | None:
        """The name of the element whose start tag stands right before offset ``at``."""
        low = max(segment_start, at - 512, self._origin) - self._origin
        lt = self._buffer.rfind("<", low, at - self._origin)
        if lt < 0:
            return None
        match = _OPENER.match(self._buffer, lt, at - self._origin)
        return match[1] if match else None

    def _skip_cdata(self, at: int, after: int, segment_start: int) -> int:
        """Where scanning goes on after the CDATA section starting at ``at``."""
        end = self._find("]]>", after)
        name = self._opener(segment_start, at)
        closer = f"</{name}>" if name else None
        if end >= 0:
            if closer is not None:
                close = self._find(closer, after, end)
                if close >= 0 and (
                    self._find("</item>", close, end) >= 0 or self._find("<item>", close, end) >= 0
                ):
                    self._closed_at.append(close)
                    return close
            return end + 3
        for marker in (closer, "</item>"):
            if marker is not None and (close := self._find(marker, after)) >= 0:
                self._closed_at.append(close)
                return close
        return self._end

    def _skip_doctype(self, after: int) -> int:
        token = self._search(_DOCTYPE_PART, after)
        if token is None:
            return self._end
        if token[2] == ">":
            return token[1]
        end = self._search(_SUBSET_END, token[1])
        return end[1] if end is not None else self._end


# --------------------------------------------------------------------------
# Parsing: one item at a time, strictly, then with lxml's recovering parser
# --------------------------------------------------------------------------

_PARSER_OPTIONS: dict[str, bool] = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": True,
    "remove_comments": True,
    "remove_pis": True,
}
_DEFAULT_WRAPPER = (
    '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
)
_RSS_TAG = re.compile(r"<rss\b[^<>]*>")
_CHANNEL_TAG = re.compile(r"<channel\b[^<>]*>")
_ENTITY_ERRORS = frozenset({"ERR_UNDECLARED_ENTITY", "WAR_UNDECLARED_ENTITY"})
_LIBXML_LINE = re.compile(r"\bline (\d+)")
_TITLE_TEXT = re.compile(r"<title>\s*(?:<!\[CDATA\[)?(.{0,200}?)(?:\]\]>)?\s*</title>", re.DOTALL)
_MAX_TITLE_SHOWN = 80


_CDATA_OPEN = re.compile(rb"<([A-Za-z_][\w.:-]*)(?:\s[^<>]*)?>\s*<!\[CDATA\[")
_CDATA_CLOSE = re.compile(rb"\]\]>\s*</([A-Za-z_][\w.:-]*)\s*>")
_CDATA_END = b"]]>"
_CDATA_SPLIT = b"]]]]><![CDATA[>"


def _stray_cdata_ends(text: bytes) -> tuple[bytes, list[int]]:
    """``text`` with each ``]]>`` inside a CDATA section written as an export writes it, and where they stood.

    A CDATA section cannot hold ``]]>``: WordPress writes one in a post's text
    as ``]]]]><![CDATA[>`` (two sections). An export made another way can
    leave it bare (``a[b[0]]>`` in a code sample), which ends the section early
    and leaves the rest of the text as markup the parser cannot read: the
    recovering parser drops it. A ``]]>`` is taken as stray when its section is
    the one field's text (``<content:encoded><![CDATA[``) and the last
    ``]]>`` before that element's end tag is still to come; one followed by
    ``<![CDATA[`` is a section split and left alone. Offsets are of ``text``.
    """
    closers: dict[bytes, list[tuple[int, int]]] = {}
    for close in _CDATA_CLOSE.finditer(text):
        closers.setdefault(close[1], []).append((close.start(), close.end()))
    stray: list[int] = []
    done = 0
    for match in _CDATA_OPEN.finditer(text):
        start = match.end()
        found = closers.get(match[1], [])
        index = bisect.bisect_left(found, (start, 0))
        if match.start() < done or index == len(found):
            continue
        end, done = found[index]
        at = text.find(_CDATA_END, start, end)
        while at >= 0:
            if not text.startswith(b"<![CDATA[", at + 3):
                stray.append(at)
            at = text.find(_CDATA_END, at + 3, end)
    return (_rejoin(text, stray) if stray else text), stray


def _rejoin(text: bytes, stray: list[int]) -> bytes:
    pieces: list[bytes] = []
    previous = 0
    for at in stray:
        pieces += [text[previous:at], _CDATA_SPLIT]
        previous = at + 3
    pieces.append(text[previous:])
    return b"".join(pieces)


def _wrapper(header: str) -> bytes:
    """The ``<rss><channel>`` start tags of the export, on one line, to parse an item inside.

    They carry the namespace declarations. The DOCTYPE is left out on
    purpose: an item is parsed without any entity declaration, so no
    entity can be expanded, from inside the file or out.
    """
    rss, channel = _RSS_TAG.search(header), _CHANNEL_TAG.search(header)
    if rss is None or channel is None or rss[0].endswith("/>") or channel[0].endswith("/>"):
        return _DEFAULT_WRAPPER.encode("utf-8")
    return (" ".join(rss[0].split()) + " ".join(channel[0].split())).encode("utf-8")


def _clip(text: str, limit: int = _MAX_TITLE_SHOWN) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass(slots=True)
class _Parsed:
    """An item as lxml read it, with what it had to repair (``(line, message)``, lines of the file)."""

    item: etree._Element | None
    errors: list[tuple[int, str]]
    entities: list[tuple[int, str]]
    recovered: bool


class _ExportReader:
    """Reads one export: segments from the scanner, items parsed one by one, the rest checked as XML."""

    def __init__(self, path: str, include_pages: bool, counts: WxrCounts, encoding: str) -> None:
        self.path = path
        self.include_pages = include_pages
        self.counts = counts
        self.encoding = encoding
        self._strict = etree.XMLParser(**_PARSER_OPTIONS)
        self._lenient = etree.XMLParser(recover=True, **_PARSER_OPTIONS)
        # The document without its items (each replaced by its line breaks), parsed
        # as a stream: it finds a break outside the items, or a file cut short.
        self._outline: etree.XMLPullParser | None = etree.XMLPullParser(events=("end",), **_PARSER_OPTIONS)
        self._wrapper: bytes | None = None

    def read(self, read: Callable[[int], str]) -> Iterator[Event]:
        head, note = _clean_head(read(_CHUNK_CHARS))
        if note is not None:
            yield InputWarning(self.path, 1, note)
        cut: _Segment | None = None
        for segment in _Scanner(read, head).segments():
            if segment.kind == "other":
                if self._wrapper is None:
                    self._wrapper = _wrapper(segment.text)
                yield from self._other(segment)
                continue
            if self._wrapper is None:
                self._wrapper = _DEFAULT_WRAPPER.encode("utf-8")
            yield from self._outline_feed(b"\n" * segment.text.count("\n"))
            if segment.end == "eof":
                cut = segment
            else:
                yield from self._item(segment)
        yield from self._finish(cut)

    # -- outside the items -------------------------------------------------

    def _other(self, segment: _Segment) -> Iterator[Event]:
        data, illegal, undecodable = _sanitize(segment.text, segment.line)
        yield from self._replaced(segment, illegal, undecodable, "outside any item")
        for line in segment.cdata_closed:
            yield InputWarning(
                self.path, line, "CDATA section left open outside any item; closed it before this end tag"
            )
        yield from self._outline_feed(data)

    def _outline_feed(self, data: bytes) -> Iterator[Event]:
        if self._outline is None or not data:
            return
        try:
            self._outline.feed(data)
        except etree.XMLSyntaxError as exc:
            self._outline = None
            yield InputWarning(
                self.path,
                exc.lineno or 0,
                f"XML broken here ({exc.msg}), outside any item; the items after it are still read",
            )
            return
        for _, element in self._outline.read_events():
            parent = element.getparent()
            if parent is not None and etree.QName(parent).localname == "channel":
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del parent[0]

    def _finish(self, cut: _Segment | None) -> Iterator[Event]:
        before = self.counts.imported
        kept: list[Event] = []
        what = ""
        if cut is not None:
            kept, what = self._cut_item(cut)
        if self._outline is not None:
            outline, self._outline = self._outline, None
            try:
                outline.close()
            except etree.XMLSyntaxError as exc:
                yield InputWarning(
                    self.path,
                    exc.lineno or 0,
                    f"XML broken or cut off here ({exc.msg}); kept the {before} posts read before it{what}",
                )
                what = ""
        if what:
            assert cut is not None
            yield InputWarning(self.path, cut.last_line, f"the file ends inside an item{what}")
        yield from kept

    def _cut_item(self, cut: _Segment) -> tuple[list[Event], str]:
        """The events of an item cut off by the end of the file, and how the warning describes it.

        Its post is kept only when its ``wp:status`` and ``wp:post_type`` were
        read: they follow the text in every export, so the text is whole
        (the file was cut in the comments or post meta that come last).
        Without them a draft could pass for a published post.
        """
        parsed = self._parse(_sanitize(cut.text, cut.line)[0], cut, strict=False)
        title = self._title(parsed.item, cut.text)
        fields = {_kind_and_name(child) for child in parsed.item} if parsed.item is not None else set()
        if {("wp", "status"), ("wp", "post_type")} <= fields:
            assert parsed.item is not None
            events = self._post_events(cut, parsed, title)
            return events, (
                f"; the item starting at line {cut.line} is cut off after its text, which is kept "
                f"(title {title!r})"
            )
        return [], (
            f"; the item starting at line {cut.line} is cut off and left out "
            f"(title {title!r}, lines {cut.line}-{cut.last_line})"
        )

    def _replaced(
        self, segment: _Segment, illegal: _Replaced, undecodable: _Replaced, where: str
    ) -> Iterator[Event]:
        if illegal.count:
            yield InputWarning(
                self.path,
                segment.line,
                f"replaced {illegal.count:,} character{'s' if illegal.count != 1 else ''} that XML does not "
                f"allow with a space ({illegal.shown()}) {where}",
            )
        if undecodable.count:
            yield InputWarning(
                self.path,
                segment.line,
                f"replaced {undecodable.count:,} byte sequence{'s' if undecodable.count != 1 else ''} that "
                f"{'is' if undecodable.count == 1 else 'are'} not {self.encoding} with U+FFFD "
                f"({undecodable.shown()}) {where}",
            )

    # -- items -------------------------------------------------------------

    def _title(self, item: etree._Element | None, text: str) -> str:
        # A recovered item may have its title nested or beside it; the parse holds this item only.
        element = next(item.getroottree().getroot().iter("title"), None) if item is not None else None
        if element is not None:
            return _clip(_own_text(element)) or "(no title)"
        match = _TITLE_TEXT.search(text, 0, 65_536)
        return _clip(match[1]) if match and match[1].strip() else "(no title)"

    def _parse(self, text: bytes, segment: _Segment, strict: bool = True) -> _Parsed:
        assert self._wrapper is not None
        data = self._wrapper + text + b"</channel></rss>"
        offset = segment.line - 1
        root: etree._Element | None = None
        errors: list[tuple[int, str]] = []
        entities: list[tuple[int, str]] = []
        recovered = False
        if strict:
            try:
                root = etree.fromstring(data, self._strict)
            except etree.XMLSyntaxError:
                root = None
        if root is None:
            try:
                root = etree.fromstring(data, self._lenient)
            except etree.XMLSyntaxError:
                root = None
            for error in self._lenient.error_log:
                line = (error.line or 1) + offset
                if error.type_name in _ENTITY_ERRORS:
                    continue
                message = _LIBXML_LINE.sub(lambda m: f"line {int(m[1]) + offset}", error.message.strip())
                errors.append((line, message))
            recovered = True
        item = next(root.iter("{*}item"), None) if root is not None else None
        if item is not None and recovered:
            # Only the recovering parser keeps an entity reference (the strict one stops at it).
            entities = [
                ((entity.sourceline or 1) + offset, entity.name) for entity in item.iter(etree.Entity)
            ]
        return _Parsed(item, errors, entities, recovered)

    def _item(self, segment: _Segment) -> Iterator[Event]:
        data, illegal, undecodable = _sanitize(segment.text, segment.line)
        parsed = self._parse(data, segment)
        stray: list[int] = []
        if parsed.recovered:
            repaired, stray = _stray_cdata_ends(data)
            if stray:
                parsed = self._parse(repaired, segment)
        if not (illegal.count or undecodable.count or segment.cdata_closed or parsed.recovered or stray):
            # The common case, an item read as it stands: no warning, so no title to find.
            yield from self._post_events(segment, parsed, "")
            return
        title = self._title(parsed.item, segment.text)
        where = f"in item {title!r}"
        yield from self._replaced(segment, illegal, undecodable, where)
        if stray:
            lines, line, counted = [], segment.line, 0
            for at in stray[:6]:  # the first few, counted once over the text
                line, counted = line + data.count(b"\n", counted, at), at
                lines.append(line)
            yield InputWarning(
                self.path,
                lines[0],
                f"{len(stray):,} ']]>' inside a CDATA section {where} at line{'s' if len(stray) > 1 else ''} "
                f"{', '.join(map(str, lines[:5]))}{', …' if len(lines) > 5 else ''} read as text, "
                "as an export writes it (']]]]><![CDATA[>'): a bare one ends the section and loses the text "
                "after it",
            )
        for line in segment.cdata_closed:
            yield InputWarning(
                self.path,
                line,
                f"CDATA section left open {where} (line {segment.line}); closed it before this end tag, "
                "so the items after it are read as items",
            )
        if parsed.item is None:
            first = f" ({parsed.errors[0][1]} at line {parsed.errors[0][0]})" if parsed.errors else ""
            yield InputWarning(
                self.path,
                segment.line,
                f"item {title!r} could not be read as XML{first}; lines {segment.line}-{segment.last_line} "
                "left out",
            )
            return
        yield from self._post_events(segment, parsed, title)

    def _post_events(self, segment: _Segment, parsed: _Parsed, title: str) -> list[Event]:
        """The warnings about how an item was read, then the item's own events; a failure spoils it alone.

        ``title`` is for the warnings; it may be empty when ``parsed`` was read as it stands.
        """
        assert parsed.item is not None
        events: list[Event] = []
        shown = (
            title or self._title(parsed.item, "") if segment.end != "closed" or parsed.recovered else title
        )
        where = f"item {shown!r} (line {segment.line})"
        if segment.end == "unclosed":
            events.append(
                InputWarning(
                    self.path,
                    segment.line,
                    f"{where} has no </item> before the next <item> at line {segment.last_line}; "
                    "read up to there",
                )
            )
        elif parsed.errors and segment.end != "eof":
            (line, message), more = parsed.errors[0], len(parsed.errors) - 1
            events.append(
                InputWarning(
                    self.path,
                    line,
                    f"{where} is not well-formed XML ({message}"
                    f"{f'; and {more} more error' + ('s' if more != 1 else '') if more else ''}); "
                    "kept as lxml's recovering parser read it",
                )
            )
        if parsed.entities:
            names = _Replaced()
            for name in dict.fromkeys(f"&{name};" for _, name in parsed.entities):
                names.add(name)
            shown = names.shown()
            events.append(
                InputWarning(
                    self.path,
                    parsed.entities[0][0],
                    f"entity reference{'s' if len(parsed.entities) != 1 else ''} {shown} in {where} "
                    "kept as literal text (entities are never expanded)",
                )
            )
        try:
            events += _item(
                self.path,
                parsed.item,
                self.include_pages,
                self.counts,
                segment.line - 1,
                parsed.item.getroottree().getroot() if parsed.recovered else None,
            )
        except Exception as exc:  # a value nobody foresaw must spoil its own item only
            where = f"item {title or self._title(parsed.item, '')!r} (line {segment.line})"
            events.append(
                InputWarning(
                    self.path,
                    segment.line,
                    f"{where} could not be read ({exc.__class__.__name__}: {_clip(str(exc), 200)}); "
                    f"lines {segment.line}-{segment.last_line} left out",
                )
            )
        return events


def iter_wxr(
    path: str,
    include_pages: bool = False,
    counts: WxrCounts | None = None,
) -> Iterator[Event]:
    """Stream the published posts of a WordPress export, with notes and warnings.

    ``counts``, when given, is filled with what was imported and left out.
    """
    counts = counts if counts is not None else WxrCounts()
    try:
        with open(path, "rb") as raw:
            head = raw.read(4096)
        encoding, problem = _encoding(head)
        if problem is not None:
            yield InputWarning(path, 1, problem)
        with open(path, encoding=encoding, errors=_UNDECODABLE, newline=None) as handle:
            yield from _ExportReader(path, include_pages, counts, encoding).read(handle.read)
    except OSError as exc:
        yield InputWarning(
            path, 0, f"could not read the whole file ({exc}); kept the {counts.imported} posts read"
        )
    parts = [_plural(n, name) for name, n in sorted(counts.skipped.items(), key=lambda kv: (-kv[1], kv[0]))]
    if parts:
        yield InputWarning(
            path,
            0,
            f"skipped {', '.join(parts)} (only published posts"
            f"{' and pages' if include_pages else ''} are imported)",
        )
    if counts.shortcodes:
        removed = ", ".join(f"{n} [{name}]" for name, n in sorted(counts.shortcodes.items()))
        yield InputWarning(path, 0, f"removed shortcodes: {removed} (caption text kept as notes)")


# --------------------------------------------------------------------------
# One item: its fields, text and post
# --------------------------------------------------------------------------

_PREFIX_KINDS = {"wp": "wp", "content": "content", "excerpt": "excerpt", "dc": "dc"}
_DATE_FIELDS = {"wp:post_date": ("wp", "post_date"), "pubDate": ("", "pubDate")}
# A date is a few dozen characters; a longer value is not parsed at all.
_MAX_DATE_CHARS = 200


def _kind_and_name(element: etree._Element) -> tuple[str, str]:
    """``(kind, local name)``, kind ``wp``, ``excerpt``, ``content``, ``dc`` or ``""`` whatever URI is used.

    An element whose prefix was never declared (read by the recovering
    parser) has the prefix in its name, and is known by that prefix.
    """
    tag = element.tag if isinstance(element.tag, str) else ""
    if not tag.startswith("{"):
        prefix, colon, local = tag.partition(":")
        return (_PREFIX_KINDS.get(prefix, prefix), local) if colon else ("", tag)
    namespace, _, local = tag[1:].partition("}")
    if "/excerpt/" in namespace:
        return "excerpt", local
    if _WXR_NAMESPACE.search(namespace):
        return "wp", local
    if "purl.org/rss/1.0/modules/content" in namespace:
        return "content", local
    if "purl.org/dc/" in namespace:
        return "dc", local
    return element.prefix or namespace, local


def _plain_text(element: etree._Element) -> str:
    """An element's text with entity references kept as written (``&x;``), children's text included.

    Entities are kept as their literal reference rather than expanded: the
    reader never expands one (that is what keeps XML bombs and external
    entities out), and the reference is what the file says, so the audit
    shows it as it stands; an HTML entity such as ``&nbsp;`` in a post body
    is then decoded by the HTML step like any other.
    """
    if len(element) == 0:
        return element.text or ""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child, etree._Entity):
            parts.append(f"&{child.name};")
        elif isinstance(child.tag, str):
            parts.append(_plain_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


# Elements that are fields of an item (RSS's own, and any in the WordPress, content, excerpt or
# Dublin Core namespaces), as opposed to inline markup a recovering parser may leave in a field.
_RSS_FIELDS = frozenset({"title", "link", "pubDate", "guid", "description", "category", "comments", "author"})


def _is_field(element: etree._Element) -> bool:
    kind, local = _kind_and_name(element)
    return kind in ("wp", "content", "excerpt", "dc") or (kind == "" and local in _RSS_FIELDS)


def _own_text(element: etree._Element) -> str:
    """:func:`_plain_text` without the text of fields nested in ``element`` (a recovered item's)."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child, etree._Entity):
            parts.append(f"&{child.name};")
        elif isinstance(child.tag, str) and not _is_field(child):
            parts.append(_own_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _markup(element: etree._Element) -> str:
    """A body's HTML source: its text, with any child element (raw XHTML in the export) as markup."""
    if len(element) == 0:
        return element.text or ""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child, etree._Entity):
            parts.append(f"&{child.name};")
        elif isinstance(child.tag, str):
            parts.append(etree.tostring(child, encoding="unicode", with_tail=False))
        parts.append(child.tail or "")
    return "".join(parts)


def _date(text: str) -> tuple[dt.date | None, dt.time | None, dt.timedelta | None]:
    """The day, time of day and UTC offset of a date field: None for whatever dates.py cannot read
    (it never raises)."""
    if len(text) > _MAX_DATE_CHARS:
        return None, None, None
    day = parse_any_date(text)
    time = parse_any_time(text) if day is not None else None
    return day, time, parse_any_offset(text) if time is not None else None


def _undated(given: dict[str, etree._Element]) -> str:
    """The warning for a post whose date fields (``given``, by name, when not empty) give no date."""
    if len(given) < 2:
        shown = next((_clip(_plain_text(element), 100) for element in given.values()), "")
        return f"invalid or missing date {shown!r}; post kept undated"
    values = ", ".join(f"{name} {_clip(_plain_text(element), 100)!r}" for name, element in given.items())
    return f"invalid dates ({values}); post kept undated"


def _last_line(element: etree._Element) -> int:
    last = element.sourceline or 0
    for child in element.iter():
        if child.sourceline:
            last = max(last, child.sourceline + (child.text or "").count("\n"))
    return last


def _plural(count: int, name: str) -> str:
    if count == 1 or name in ("future",):
        return f"{count} {name}"
    return f"{count} {name}s"


def _item(
    path: str,
    item: etree._Element,
    include_pages: bool,
    counts: WxrCounts,
    offset: int = 0,
    recovered: etree._Element | None = None,
) -> Iterator[Event]:
    """The post of one item (or nothing, counted, for what is not imported); lines are ``offset`` on.

    An item read by lxml's recovering parser may have its fields nested in
    one another (``<title>A <b>B</title>`` leaves the ``<b>`` open, and every
    later field inside it) or after it (``<title>A</b></title>`` closes the
    item at ``</title>``); ``recovered`` is then the root of that parse,
    which holds this one item only, and its fields are looked for anywhere
    in it, a field's text leaving out the fields nested in it.
    """

    def line_of(element: etree._Element | None) -> int:
        return element.sourceline + offset if element is not None and element.sourceline else 0

    fields: dict[tuple[str, str], etree._Element] = {}
    categories: dict[str, None] = {}
    tags: dict[str, None] = {}
    children = recovered.iterdescendants() if recovered is not None else iter(item)
    own_text = _own_text if recovered is not None else _plain_text
    for child in children:
        if not isinstance(child.tag, str):
            continue
        key = _kind_and_name(child)
        if key == ("", "category"):
            name = " ".join(own_text(child).split())
            domain = child.get("domain", "category")
            if name and domain == "category":
                categories[name] = None
            elif name and domain == "post_tag":
                tags[name] = None
        elif key == ("wp", "comment"):
            counts.comments += 1
        else:
            fields.setdefault(key, child)

    def value(kind: str, local: str) -> str:
        element = fields.get((kind, local))
        return own_text(element).strip() if element is not None else ""

    post_type = value("wp", "post_type") or "post"
    status = value("wp", "status") or "publish"
    item_line = line_of(item)
    if post_type not in ("post", "page") or (post_type == "page" and not include_pages):
        counts.skipped[_clip(post_type, 40)] += 1
        return
    if status != "publish":
        counts.skipped[_clip(status if post_type == "post" else f"{status} {post_type}", 40)] += 1
        return
    wp_id = value("wp", "post_id")
    title = " ".join(value("", "title").split())
    post_id = value("wp", "post_name") or (slugify(title) if title else "") or f"post-{wp_id or item_line}"
    if not title:
        title = f"(untitled {post_id})"
        yield InputWarning(path, item_line, f"post has no title; called it {title!r}")
    title_element = fields.get(("", "title"))
    date, time, utc_offset, date_element = None, None, None, None
    for key in _DATE_FIELDS.values():
        element = fields.get(key)
        if element is not None:
            date, time, utc_offset = _date(own_text(element))
            if date is not None:
                date_element = element
                if time is None and impossible_time(own_text(element)):
                    yield InputWarning(
                        path,
                        line_of(element) or item_line,
                        f"impossible time of day in date {own_text(element).strip()!r}; "
                        "the date kept, the time dropped",
                    )
                break
    if date is None:
        given = {name: fields[key] for name, key in _DATE_FIELDS.items() if value(*key)}
        date_element = next(reversed(given.values()), None)
        yield InputWarning(path, line_of(date_element) or item_line, _undated(given))
    if value("wp", "post_password"):
        yield InputWarning(path, item_line, f"post {post_id!r} is password-protected; imported all the same")
    content_element = fields.get(("content", "encoded"))
    content = _markup(content_element) if content_element is not None else ""
    base_line = line_of(content_element) or item_line
    # Each paragraph's fragment drops them when it is read (_read_fragment); here they are only found.
    crowded = without_crowded_attributes(content)[1]
    if crowded:
        yield InputWarning(
            path,
            base_line + content.count("\n", 0, crowded[0]),
            f"{len(crowded):,} element{'s' if len(crowded) > 1 else ''} of post {post_id!r} with over "
            f"{MAX_ATTRIBUTES:,} attributes (the first on this line); their attributes dropped, "
            "their text kept",
        )
    found, captions = html_paragraphs(content, counts.shortcodes)
    paragraphs: list[Paragraph] = []
    placed: list[tuple[int, int, int, BodyLink]] = []  # (offset, paragraph, line, link) in reading order
    # Offsets grow through the body, so line breaks are counted incrementally.
    position, breaks = 0, 0
    for start, end, text, body_links in found:
        breaks += content.count("\n", position, start)
        line = base_line + breaks
        breaks += content.count("\n", start, end)
        position = end
        placed += [(start, len(paragraphs), line + link.line_offset, link) for link in body_links]
        paragraphs.append(Paragraph(index=len(paragraphs), line=line, text=text, line_end=base_line + breaks))
    notes = []
    for at, text, caption_links in captions:
        line = base_line + content.count("\n", 0, at)
        notes.append(ClassifiedLine(path, line, "image", text))
        placed += [(at, -1, line, link) for link in caption_links]
    links = LinkCollector()
    for _at, paragraph, line, link in sorted(placed, key=lambda item: item[0]):
        links.add(paragraph, link.href, link.text, line)
    too_many = links.warning(path, item_line, post_id)
    if too_many is not None:
        yield too_many
    if not paragraphs:
        yield InputWarning(path, item_line, f"post {post_id!r} has no paragraphs")
    counts.imported += 1
    yield Post(
        id=post_id,
        title=title,
        date=date,
        source=SourceRef(path, item_line, _last_line(item if recovered is None else recovered) + offset),
        citation=None,
        paragraphs=tuple(paragraphs),
        notes=tuple(notes),
        title_line=line_of(title_element),
        date_line=line_of(date_element),
        time=time,
        utc_offset=utc_offset,
        url=value("", "link") or None,
        categories=tuple(categories),
        tags=tuple(tags),
        format="wxr",
        links=tuple(links.links),
    )
