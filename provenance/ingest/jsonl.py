"""Reader for JSON Lines dumps (``.jsonl``, ``.ndjson``): one post per line.

Each line is an object with ``id``, ``title``, ``date`` (a day, or an ISO or
RFC 822 date and time, whose time of day orders two posts of one day) and ``text``
(paragraphs separated by blank lines), and optionally ``outlet``, ``author``
(a string or a list of strings), ``source_title``, ``source_date`` (the
original the post re-publishes, kept as its :class:`Citation` with ``line``
0: it did not come from a line of its own), ``url``, ``categories`` and
``tags`` (lists of strings). Other fields are ignored, with one warning per
file naming them.

A bad line (not JSON, not an object, no usable ``text``: none, or a value
that is not a string) is reported with its line number and what was wrong,
kept in ``unparsed``, and the rest of the file is read. A number where any
other text is expected (``"title": 2017``) is read as its text, as the line
writes it, with a warning; a value of another kind is dropped, with a warning.
A post's ``source`` and every paragraph's ``line`` are the JSON line, since a
JSON line has no finer place to point to. A field given twice in one line is
read at its last value, with a warning (:class:`_Object`).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from provenance.ingest.archive import slugify
from provenance.ingest.dates import impossible_time, parse_any_date, parse_any_offset, parse_any_time
from provenance.ingest.source import Event, LongLine, long_line_events, physical_lines
from provenance.models import Citation, InputWarning, Paragraph, Post, SourceRef, UnparsedLine

__all__ = ["KNOWN_FIELDS", "iter_jsonl", "looks_like_jsonl", "split_paragraphs"]

KNOWN_FIELDS = frozenset(
    [
        "id",
        "title",
        "date",
        "text",
        "outlet",
        "author",
        "authors",
        "source_title",
        "source_date",
        "url",
        "categories",
        "tags",
    ]
)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")
_PREVIEW = 1000  # characters of a bad line kept in unparsed


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a text field: blocks separated by blank lines, inner whitespace collapsed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [" ".join(block.split()) for block in _PARAGRAPH_BREAK.split(text) if block.strip()]


def looks_like_jsonl(head: str) -> bool:
    """True when the first non-blank line of a file is a JSON object."""
    for line in physical_lines(head):
        if line.strip():
            stripped = line.strip()
            if not stripped.startswith("{"):
                return False
            try:
                return isinstance(json.loads(stripped), dict)
            except ValueError:
                # The head may cut a long first line; an object start is enough.
                return len(line) > 1000
    return False


class _BadLine(ValueError):
    """A JSON line that cannot be a post; the message says why."""


class _LongNumber:
    """An integer too long for Python to convert (``sys.get_int_max_str_digits``), kept as its digits.

    ``json.loads`` raises ValueError on such a number wherever it stands, which
    would spoil the whole line; parsed as this instead, it spoils only its field.
    """

    __slots__ = ("digits",)

    def __init__(self, digits: str) -> None:
        self.digits = digits


class _NotANumber:
    """``NaN``, ``Infinity`` or ``-Infinity``: Python's json reads them (JSON has no such values).

    Kept as what they are so that a field holding one is dropped with a
    warning, as any value of the wrong kind is, instead of becoming the text
    "nan" or "inf" (an outlet named "inf", a url "nan").
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class _OutOfRange:
    """A number beyond a float's range (``1e999``): Python's json reads it as infinity.

    Kept as what it is, as :class:`_NotANumber` is, so that a field holding
    one is dropped with a warning instead of becoming the text "inf" (a post
    id "inf").
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class _WrittenFloat(float):
    """A JSON number with a fraction or an exponent, with the text the line writes it as.

    A number where a string is expected is read as that text: the title
    ``1e3`` is "1e3", and ``2017.10`` is "2017.10", not "1000.0" and "2017.1".
    """

    written: str


def _parse_float(text: str) -> float | _OutOfRange:
    value = _WrittenFloat(text)
    if math.isinf(value):
        return _OutOfRange(text)
    value.written = text
    return value


class _Object(dict[str, Any]):
    """A JSON object, with the names it gives more than once (``repeated``, each with how many times).

    ``json.loads`` keeps the last value of a repeated name without a word, and other JSON readers
    keep the first: ``{"text": "A", "text": "B"}`` is post "B" here and post "A" to the tool that
    made the dump, and "A" was in no list. The repeats of a field read here are warned about.
    """

    __slots__ = ("repeated",)

    repeated: dict[str, int]


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    values = _Object(pairs)
    values.repeated = {}
    if len(values) < len(pairs):
        values.repeated = {key: count for key, count in Counter(key for key, _ in pairs).items() if count > 1}
    return values


def _parse_int(digits: str) -> int | _LongNumber:
    try:
        return int(digits)
    except ValueError:
        return _LongNumber(digits)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
#: Unknown field names listed by name in the file's warning; the rest are counted.
_UNKNOWN_SHOWN = 20


def _kind(value: object) -> str:
    """What a JSON value is, for a warning."""
    if isinstance(value, _LongNumber):
        return f"a number of {len(value.digits):,} digits"
    if isinstance(value, _NotANumber):
        return f"{value.name} (not a JSON number)"
    if isinstance(value, _OutOfRange):
        shown = value.text if len(value.text) <= 20 else value.text[:20] + "…"
        return f"{shown} (a number beyond a float's range)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    return "a number"


def _valid_text(value: str) -> str:
    """``value`` with every lone surrogate (a JSON escape like \\ud800 that is no character) as U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", value)


@dataclass(slots=True)
class _Record:
    """One JSON object being read into a post; the problems of its fields are collected as warnings.

    A field with a value of the wrong kind is dropped with a warning, or,
    a plain number, read as its text as the line writes it, with a warning;
    the post is kept: one bad value spoils its field, not the post, and never
    the rest of the file.
    """

    path: str
    number: int
    values: dict[str, Any]
    warnings: list[InputWarning] = field(default_factory=list)

    def warn(self, message: str) -> None:
        self.warnings.append(InputWarning(self.path, self.number, message))

    def clean(self, key: str, value: str) -> str:
        """The string with lone surrogates replaced, and a warning when there were any."""
        repaired = _valid_text(value)
        if repaired != value:
            count = len(_LONE_SURROGATE.findall(value))
            self.warn(f"field {key!r}: {count} lone surrogate escape(s) (no character) replaced by U+FFFD")
        return repaired

    def scalar_text(self, key: str, value: object) -> str | None:
        """A string as is, a number as the line writes it; None (no warning) for anything else."""
        if isinstance(value, str):
            return self.clean(key, value).strip() or None
        if isinstance(value, _WrittenFloat):
            return value.written
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return None

    def text(self, key: str) -> str | None:
        """An optional text field: a string, or a number as text, with a warning; anything else dropped."""
        value = self.values.get(key)
        if value is None:
            return None
        text = self.scalar_text(key, value)
        if text is None and not isinstance(value, str):
            self.warn(f"field {key!r} is {_kind(value)}, expected a string; field dropped")
        elif text is not None and not isinstance(value, str):
            self.warn(f"field {key!r} is {_kind(value)}, expected a string; read as the text {text!r}")
        return text

    def texts(self, key: str) -> tuple[str, ...]:
        """An optional list of texts (or one text); items that are not text are dropped with a warning."""
        value = self.values.get(key)
        if value is None:
            return ()
        items = value if isinstance(value, list) else [value]
        kept = [(item, self.scalar_text(key, item)) for item in items if item is not None]
        dropped = [item for item, text in kept if text is None and not isinstance(item, str)]
        numbers = [text for item, text in kept if text is not None and not isinstance(item, str)]
        expected = "a string or a list of strings"
        if dropped and not isinstance(value, list):
            self.warn(f"field {key!r} is {_kind(value)}, expected {expected}; field dropped")
        elif dropped:
            kinds = ", ".join(sorted({_kind(item) for item in dropped}))
            self.warn(f"field {key!r}: {len(dropped)} item(s) not a string ({kinds}) dropped")
        if numbers and not isinstance(value, list):
            self.warn(
                f"field {key!r} is {_kind(value)}, expected {expected}; read as the text {numbers[0]!r}"
            )
        elif numbers:
            shown = ", ".join(numbers[:5]) + (", …" if len(numbers) > 5 else "")
            self.warn(f"field {key!r}: {len(numbers)} item(s) a number ({shown}), read as text")
        return tuple(text for _, text in kept if text is not None)


def _post(record: _Record) -> Post:
    path, number = record.path, record.number
    text = record.values.get("text")
    if not isinstance(text, str):
        problem = "no 'text' field" if text is None else f"field 'text' is {_kind(text)}, expected a string"
        raise _BadLine(problem)
    text = record.clean("text", text)
    title = record.text("title")
    title = " ".join(title.split()) if title else None
    post_id = record.text("id")
    if title is None:
        title = post_id or f"line {number}"
        record.warn(f"no title; used {title!r}")
    if post_id is None:
        post_id = slugify(title)
        record.warn(f"no id; used {post_id!r}")
    date = None
    time = None
    offset = None
    date_text = record.text("date")
    if date_text is not None:
        date = parse_any_date(date_text)
        if date is None:
            record.warn(f"invalid date {date_text!r}; post kept undated")
        else:
            time = parse_any_time(date_text)
            if time is None and impossible_time(date_text):
                record.warn(f"impossible time of day in date {date_text!r}; the date kept, the time dropped")
            offset = parse_any_offset(date_text) if time is not None else None
    citation = _citation(record)
    paragraphs = tuple(
        Paragraph(index=i, line=number, text=paragraph) for i, paragraph in enumerate(split_paragraphs(text))
    )
    if not paragraphs:
        record.warn(f"post {post_id!r} has no paragraphs")
    return Post(
        id=post_id,
        title=title,
        date=date,
        source=SourceRef(path, number, number),
        citation=citation,
        paragraphs=paragraphs,
        url=record.text("url"),
        categories=record.texts("categories"),
        tags=record.texts("tags"),
        format="jsonl",
        time=time,
        utc_offset=offset,
    )


def _citation(record: _Record) -> Citation | None:
    outlet = record.text("outlet")
    authors = record.texts("authors") or record.texts("author")
    source_title = record.text("source_title")
    source_date_text = record.text("source_date")
    if not (outlet or authors or source_title or source_date_text):
        return None
    source_date = None
    if source_date_text is not None:
        source_date = parse_any_date(source_date_text)
        if source_date is None:
            record.warn(f"invalid source_date {source_date_text!r}; citation kept undated")
    return Citation(
        title=source_title,
        outlet=outlet,
        author=", ".join(authors) or None,
        date=source_date,
        line=0,
        authors=authors,
    )


def _preview(line: str) -> str:
    return line if len(line) <= _PREVIEW else line[:_PREVIEW] + "…"


def _read_line(path: str, number: int, line: str) -> tuple[_Record, Post]:
    """The post of one JSON line; raises _BadLine (or anything unforeseen) when the line is no post."""
    try:
        values = json.loads(
            line,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_NotANumber,
            object_pairs_hook=_object,
        )
    except json.JSONDecodeError as exc:
        raise _BadLine(f"invalid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise _BadLine("JSON nested too deeply") from None
    if not isinstance(values, dict):
        raise _BadLine(f"a JSON {type(values).__name__}, not an object")
    record = _Record(path, number, values)
    repeated = values.repeated if isinstance(values, _Object) else {}
    known = [(key, count) for key, count in repeated.items() if key in KNOWN_FIELDS]
    if len(known) == 1:
        record.warn(f"field {known[0][0]!r} given {known[0][1]} times; only the last value read")
    elif known:
        fields = ", ".join(f"{key!r} ({count} times)" for key, count in known)
        record.warn(f"fields {fields} given more than once; only the last value of each read")
    return record, _post(record)


def _unknown_fields_warning(path: str, unknown: set[str]) -> InputWarning:
    names = sorted(unknown)
    shown = ", ".join(_valid_text(name) for name in names[:_UNKNOWN_SHOWN])
    more = f" and {len(names) - _UNKNOWN_SHOWN:,} more" if len(names) > _UNKNOWN_SHOWN else ""
    return InputWarning(path, 0, f"ignored unknown fields: {shown}{more}")


def iter_jsonl(path: str, lines: Iterable[str]) -> Iterator[Event]:
    """Stream posts, unparsed lines and warnings from a JSON Lines file, one line at a time.

    Each line is read on its own: whatever goes wrong inside one line (bad
    JSON, a value Python cannot hold, a reader bug on input nobody foresaw)
    makes that line unparsed with a warning naming file:line, and the next
    line is read.
    """
    unknown: set[str] = set()
    for number, raw in enumerate(lines, start=1):
        if isinstance(raw, LongLine):
            yield from long_line_events(path, number, raw)
            continue
        stripped = raw.strip()
        if not stripped:
            continue
        try:
            record, post = _read_line(path, number, stripped)
        except _BadLine as exc:
            yield UnparsedLine(path, number, _preview(stripped))
            yield InputWarning(path, number, f"{exc}; line skipped")
            continue
        except Exception as exc:
            # A value or a reader bug nobody foresaw: it spoils this line only.
            yield UnparsedLine(path, number, _preview(stripped))
            reason = _valid_text(f"{exc.__class__.__name__}: {exc}")[:_PREVIEW]
            yield InputWarning(path, number, f"line could not be read ({reason}); line skipped")
            continue
        unknown.update(key for key in record.values if key not in KNOWN_FIELDS)
        yield from record.warnings
        yield post
    if unknown:
        yield _unknown_fields_warning(path, unknown)
