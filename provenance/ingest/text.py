"""Reader for a plain-text or Markdown file holding one post (``.txt`` without archive structure, ``.md``).

A title is taken from the file only when the file shows one (:func:`_shown_title`):
a Markdown heading (``# Title``, or a line underlined with ``====``/``----``,
the underline kept as a separator note), or a short first line set apart by
a blank line, with no sentence punctuation at its end and text after it.
Otherwise the title is the file's name and every block is text: a folder of
answers, notes or articles whose first paragraph is the text itself (a
one-paragraph file above all) loses nothing to the title. After a title, a
lone date line is the post's date, and a lone citation line after that
(``Title, Outlet, [Author, ]Date``) its citation, as in the archive format.
Every other block of consecutive non-blank lines is one paragraph (lines
joined by a space) with its real first and last line, or a classified note
when it is one line such as a separator or an image name.

A Markdown front matter block (``---`` … ``---`` at the very top, YAML) gives
``title``, ``date``, ``tags``, ``categories`` and ``url``/``permalink``
instead; its lines are accounted as the title line, the date line or
``header`` notes, so that no line is lost. Front matter comes from outside
and is bounded: more than :data:`MAX_FRONT_MATTER_ALIASES` YAML aliases (an
alias bomb) or nesting deeper than Python's recursion limit refuses the
whole block (its lines kept as unparsed, with a warning; the post is read
from its body), and a value is only taken as text when it is a scalar, cut
to :data:`MAX_TITLE_CHARS` for a title and :data:`MAX_TAGS` tags of
:data:`MAX_TAG_CHARS`, each cut with a warning at the key's line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from provenance.ingest.archive import parse_citation, slugify
from provenance.ingest.classify import classify_line
from provenance.ingest.dates import date_line_problem, is_date_line, parse_any_date, parse_date
from provenance.ingest.source import Event, LongLine, long_line_events
from provenance.models import ClassifiedLine, InputWarning, LineRole, Paragraph, Post, SourceRef, UnparsedLine

__all__ = ["iter_text"]

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_SETEXT = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_FRONT_MATTER_FENCE = re.compile(r"^---\s*$")
_FRONT_MATTER_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
_MAX_FRONT_MATTER_LINES = 200
#: Front matter with more YAML aliases than this is refused (an alias bomb expands to gigabytes).
MAX_FRONT_MATTER_ALIASES = 20
#: Longest front matter title kept, in characters.
MAX_TITLE_CHARS = 1000
#: Most tags (or categories) kept from a front matter, and the longest tag.
MAX_TAGS = 100
MAX_TAG_CHARS = 200
_MAX_FIELD_CHARS = 2000  # a date or a URL
#: Longest first line taken as a title when the file marks none (a heading is taken at any length).
MAX_SHOWN_TITLE_WORDS = 15
MAX_SHOWN_TITLE_CHARS = 120
# Sentence punctuation at a line's end, before any closing quotes or brackets: the line is text.
_SENTENCE_END = re.compile(r"[.!?…,;:][\s\"'”’»)\]]*$")


@dataclass(slots=True)
class _Block:
    """Consecutive non-blank lines: a paragraph to be."""

    first: int
    lines: list[str] = field(default_factory=list)

    @property
    def last(self) -> int:
        return self.first + len(self.lines) - 1


def _blocks(path: str, lines: Iterable[str], events: list[Event]) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    for number, raw in enumerate(lines, start=1):
        if isinstance(raw, LongLine):
            events.extend(long_line_events(path, number, raw))
            current = None
            continue
        if not raw.strip():
            current = None
            continue
        if current is None:
            current = _Block(number)
            blocks.append(current)
        current.lines.append(raw)
    return blocks


@dataclass(slots=True)
class _FrontMatter:
    """A YAML front matter: its values, the line of each top-level key, and all its lines."""

    values: dict[str, Any]
    key_lines: dict[str, int]
    lines: list[tuple[int, str]]


class _Refused(Exception):
    """A front matter not read at all, because reading it could take unbounded time or memory."""


def _load_yaml(text: str) -> Any:
    """``yaml.safe_load`` that refuses more than :data:`MAX_FRONT_MATTER_ALIASES` aliases.

    Aliases are shared references: a 447-byte "billion laughs" front matter
    of nine nested levels is a few nodes for PyYAML, and gigabytes once a
    value is turned into text. A real front matter has no aliases or a few.
    Nesting deeper than Python's recursion limit is refused too.
    """
    import yaml

    class BoundedLoader(yaml.SafeLoader):
        aliases = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                self.aliases += 1
                if self.aliases > MAX_FRONT_MATTER_ALIASES:
                    raise _Refused(f"more than {MAX_FRONT_MATTER_ALIASES} YAML aliases")
            return super().compose_node(parent, index)

        def construct_yaml_timestamp(self, node: Any) -> Any:
            # An impossible date (2016-02-30, 2016-13-45) stays the text it is, and the date reader says
            # it cannot read it, as it does for any other date it cannot read: the post is kept.
            try:
                return super().construct_yaml_timestamp(node)
            except ValueError:
                return self.construct_scalar(node)

    BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp", BoundedLoader.construct_yaml_timestamp)
    loader = BoundedLoader(text)
    try:
        return loader.get_single_data()
    except RecursionError:
        raise _Refused("nested too deeply") from None
    finally:
        loader.dispose()


def _front_matter(path: str, blocks: list[_Block], events: list[Event]) -> _FrontMatter | None:
    """Split a YAML front matter off the first blocks (which are shortened in place).

    A front matter refused by :func:`_load_yaml` is split off too, its lines
    kept as unparsed with a warning, so the post is read from its body.
    """
    if not blocks or blocks[0].first != 1 or not _FRONT_MATTER_FENCE.match(blocks[0].lines[0]):
        return None
    # The front matter may contain blank lines, so it can span several blocks.
    flat = [(block.first + i, text) for block in blocks for i, text in enumerate(block.lines)]
    close = next(
        (
            k
            for k in range(1, min(len(flat), _MAX_FRONT_MATTER_LINES))
            if _FRONT_MATTER_FENCE.match(flat[k][1])
        ),
        None,
    )
    if close is None:
        return None
    import yaml

    body = flat[1:close]
    lines = [flat[0], *body, flat[close]]
    try:
        values = _load_yaml("\n".join(text for _, text in body)) or {}
    except _Refused as exc:
        events.append(
            InputWarning(
                path,
                1,
                f"front matter refused ({exc}); its {len(lines)} lines (1-{flat[close][0]}) kept as "
                "unparsed, the post read without it",
            )
        )
        events.extend(UnparsedLine(path, line, text) for line, text in lines)
        _cut_front_matter(blocks, flat[close][0])
        return None
    except yaml.YAMLError as exc:
        events.append(
            InputWarning(path, 1, f"front matter is not valid YAML ({exc.__class__.__name__}); read as text")
        )
        return None
    if not isinstance(values, dict):
        return None
    key_lines: dict[str, int] = {}
    for line, text in body:
        match = _FRONT_MATTER_KEY.match(text)
        if match and match[1] not in key_lines:
            key_lines[match[1]] = line
    _cut_front_matter(blocks, flat[close][0])
    return _FrontMatter(values, key_lines, lines)


def _cut_front_matter(blocks: list[_Block], last: int) -> None:
    """Drop the lines up to ``last`` (the closing fence) from the blocks; what follows stays."""
    remaining: list[_Block] = []
    for block in blocks:
        if block.last <= last:
            continue
        if block.first <= last:
            block = _Block(last + 1, block.lines[last - block.first + 1 :])
        remaining.append(block)
    blocks[:] = remaining


def iter_text(path: str, lines: Iterable[str], post_id: str, name: str | None = None) -> Iterator[Event]:
    """The one post of a text or Markdown file, with its notes and warnings.

    ``post_id`` is the id to give the post (see :func:`provenance.ingest.file_post_ids`);
    ``name`` the title when the file shows none (default: the file's stem).
    """
    events: list[Event] = []
    blocks = _blocks(path, lines, events)
    yield from events
    events.clear()
    front = _front_matter(path, blocks, events)
    yield from events
    notes: list[ClassifiedLine] = []
    title = date_text = None
    title_line = date_line = 0
    date = None
    url = None
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    if front is not None:
        fields = _FrontFields(path, front)
        if (text := fields.text("title", MAX_TITLE_CHARS)) is not None:
            title, title_line = " ".join(text.split()), front.key_lines.get("title", 0)
        if (text := fields.text("date", _MAX_FIELD_CHARS)) is not None:
            date_text, date_line = text, front.key_lines.get("date", 0)
            date = parse_any_date(date_text)
        url = fields.text("url", _MAX_FIELD_CHARS) or fields.text("permalink", _MAX_FIELD_CHARS) or None
        categories = fields.texts("categories")
        tags = fields.texts("tags")
        yield from fields.warnings
        for line, text in front.lines:
            if line not in (title_line, date_line):
                fm_role: LineRole = "separator" if _FRONT_MATTER_FENCE.match(text) else "header"
                notes.append(ClassifiedLine(path, line, fm_role, text.strip()))
    if title is None and blocks and (shown := _shown_title(blocks)) is not None:
        first = blocks[0]
        title, title_line = shown, first.first
        rest = first.lines[1:]
        if rest and _SETEXT.match(rest[0]):
            notes.append(ClassifiedLine(path, first.first + 1, "separator", rest[0].strip()))
            rest = rest[1:]
            start = first.first + 2
        else:
            start = first.first + 1
        blocks = ([_Block(start, rest)] if rest else []) + blocks[1:]
        if blocks and len(blocks[0].lines) == 1 and is_date_line(blocks[0].lines[0]) and date_text is None:
            date_text, date_line = blocks[0].lines[0], blocks[0].first
            date = parse_date(date_text)
            blocks = blocks[1:]
    if title is None:
        # No title in the file: its name is the title, and the first block stays text.
        title, title_line = name if name is not None else Path(path).stem, 0
    cited = title_line > 0  # a citation line follows a title line, never the first block of text
    if date_text is not None and date is None:
        yield InputWarning(path, date_line, date_line_problem(date_text))
    citation = None
    if cited and blocks and len(blocks[0].lines) == 1:
        citation = parse_citation(blocks[0].lines[0], title, blocks[0].first)
        if citation is not None:
            blocks = blocks[1:]
    paragraphs: list[Paragraph] = []
    for block in blocks:
        role = classify_line(block.lines[0]) if len(block.lines) == 1 else None
        if role is not None:
            notes.append(ClassifiedLine(path, block.first, role, block.lines[0].strip()))
            continue
        text = " ".join(" ".join(line.split()) for line in block.lines)
        paragraphs.append(Paragraph(index=len(paragraphs), line=block.first, text=text, line_end=block.last))
    if not paragraphs:
        yield InputWarning(path, title_line, f"post {title!r} has no paragraphs")
    all_lines = [title_line, date_line, *(n.line for n in notes), *(p.line_end for p in paragraphs)]
    if citation is not None:
        all_lines.append(citation.line)
    first_line = min((n for n in all_lines if n), default=1)
    yield Post(
        id=post_id or slugify(title),
        title=title,
        date=date,
        source=SourceRef(path, first_line, max(all_lines) or first_line),
        citation=citation,
        paragraphs=tuple(paragraphs),
        notes=tuple(sorted(notes, key=lambda note: note.line)),
        title_line=title_line,
        date_line=date_line,
        url=url,
        categories=categories,
        tags=tags,
        format="text",
    )


def _shown_title(blocks: list[_Block]) -> str | None:
    """The title the file shows in its first block, or None when that block is text.

    A Markdown heading (``# Title``, or one line underlined with ``===`` or
    ``---``) is a title. So is a first block of one short line
    (:data:`MAX_SHOWN_TITLE_WORDS` words, :data:`MAX_SHOWN_TITLE_CHARS`
    characters) that text follows, ending without sentence punctuation:
    "Inheritance in object-oriented programming" over an answer is a title,
    "Inheritance is a basic concept." is the answer's first paragraph.
    """
    first = blocks[0]
    line = first.lines[0]
    if _HEADING.match(line):
        heading = _HEADING.sub("", line).strip().rstrip("#")
        return " ".join(heading.split()) or None
    if len(first.lines) >= 2 and _SETEXT.match(first.lines[1]) and not _SETEXT.match(line):
        return " ".join(line.split())
    if len(first.lines) != 1 or len(blocks) < 2:
        return None
    text = " ".join(line.split())
    if (
        not text
        or len(text) > MAX_SHOWN_TITLE_CHARS
        or len(text.split()) > MAX_SHOWN_TITLE_WORDS
        or _SENTENCE_END.search(text)
        or classify_line(text) is not None
    ):
        return None
    return text


def _scalar_text(value: object) -> str | None:
    """A YAML scalar as text (a string, number, boolean or date); None for a list or a mapping."""
    if isinstance(value, str | int | float | dt.date):
        return str(value)
    return None


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


class _FrontFields:
    """Reads front matter values as bounded text, collecting a warning for each value cut or left out.

    No value is turned into text whole unless it is a scalar, and none is
    kept longer than its bound: a title is at most :data:`MAX_TITLE_CHARS`,
    tags and categories at most :data:`MAX_TAGS` of :data:`MAX_TAG_CHARS`.
    """

    def __init__(self, path: str, front: _FrontMatter) -> None:
        self.path = path
        self.front = front
        self.warnings: list[InputWarning] = []

    def warn(self, key: str, message: str) -> None:
        line = self.front.key_lines.get(key, 1)
        self.warnings.append(InputWarning(self.path, line, f"front matter {key!r} {message}"))

    def text(self, key: str, limit: int) -> str | None:
        value = self.front.values.get(key)
        if value is None:
            return None
        text = _scalar_text(value)
        if text is None:
            self.warn(key, f"is {_kind(value)}, not text; not used")
        elif len(text) > limit:
            self.warn(key, f"is {len(text):,} characters long; cut to {limit:,}")
            text = text[:limit]
        return text

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of texts: a list of scalars, one scalar, or a comma-separated string."""
        value = self.front.values.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            items: list[object] = list(value.split(",", MAX_TAGS))
        elif isinstance(value, list):
            items = value
        elif isinstance(value, dict):
            self.warn(key, "is a mapping, not a list of texts; not used")
            return ()
        else:
            items = [value]
        if len(items) > MAX_TAGS:
            self.warn(key, f"has more than {MAX_TAGS} items; kept the first {MAX_TAGS}")
        texts = [_scalar_text(item) for item in items[:MAX_TAGS]]
        if None in texts:
            self.warn(key, f"has {texts.count(None)} items that are not text; left out")
        kept = [text.strip() for text in texts if text is not None and text.strip()]
        if any(len(text) > MAX_TAG_CHARS for text in kept):
            self.warn(key, f"has items longer than {MAX_TAG_CHARS} characters; cut")
        return tuple(text[:MAX_TAG_CHARS] for text in kept)
