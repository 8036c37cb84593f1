"""Reader for JSON Lines dumps (``.jsonl``, ``.ndjson``): one post per line.

Each line is an object with ``id``, ``title``, ``date`` and ``text``
(paragraphs separated by blank lines), and optionally ``outlet``, ``author``
(a string or a list of strings), ``source_title``, ``source_date`` (the
original the post re-publishes, kept as its :class:`Citation` with ``line``
0: it did not come from a line of its own), ``url``, ``categories`` and
``tags`` (lists of strings). Other fields are ignored, with one warning per
file naming them.

A bad line (not JSON, not an object, no usable ``text``) is reported with
its line number and what was wrong, kept in ``unparsed``, and the rest of the
file is read. A post's ``source`` and every paragraph's ``line`` are the JSON
line, since a JSON line has no finer place to point to.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from provenance.ingest.archive import slugify
from provenance.ingest.dates import parse_any_date
from provenance.ingest.source import Event, LongLine, long_line_events
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
    for line in head.splitlines():
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


def _string(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise _BadLine(f"field {key!r} is {type(value).__name__}, expected a string")


def _strings(record: dict[str, Any], key: str) -> tuple[str, ...]:
    value = record.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(item.strip() for item in value if item.strip())
    raise _BadLine(f"field {key!r} must be a string or a list of strings")


def _post(path: str, number: int, record: dict[str, Any], warnings: list[InputWarning]) -> Post:
    text = record.get("text")
    if not isinstance(text, str):
        raise _BadLine(
            "no 'text' field" if text is None else f"field 'text' is {type(text).__name__}, expected a string"
        )
    title = _string(record, "title")
    title = " ".join(title.split()) if title else None
    post_id = _string(record, "id")
    if title is None:
        title = post_id or f"line {number}"
        warnings.append(InputWarning(path, number, f"no title; used {title!r}"))
    if post_id is None:
        post_id = slugify(title)
        warnings.append(InputWarning(path, number, f"no id; used {post_id!r}"))
    date = None
    date_text = _string(record, "date")
    if date_text is not None:
        date = parse_any_date(date_text)
        if date is None:
            warnings.append(InputWarning(path, number, f"invalid date {date_text!r}; post kept undated"))
    citation = _citation(path, number, record, warnings)
    paragraphs = tuple(
        Paragraph(index=i, line=number, text=paragraph) for i, paragraph in enumerate(split_paragraphs(text))
    )
    if not paragraphs:
        warnings.append(InputWarning(path, number, f"post {post_id!r} has no paragraphs"))
    return Post(
        id=post_id,
        title=title,
        date=date,
        source=SourceRef(path, number, number),
        citation=citation,
        paragraphs=paragraphs,
        url=_string(record, "url"),
        categories=_strings(record, "categories"),
        tags=_strings(record, "tags"),
        format="jsonl",
    )


def _citation(
    path: str, number: int, record: dict[str, Any], warnings: list[InputWarning]
) -> Citation | None:
    outlet = _string(record, "outlet")
    authors = _strings(record, "authors") or _strings(record, "author")
    source_title = _string(record, "source_title")
    source_date_text = _string(record, "source_date")
    if not (outlet or authors or source_title or source_date_text):
        return None
    source_date = None
    if source_date_text is not None:
        source_date = parse_any_date(source_date_text)
        if source_date is None:
            warnings.append(
                InputWarning(path, number, f"invalid source_date {source_date_text!r}; citation kept undated")
            )
    return Citation(
        title=source_title,
        outlet=outlet,
        author=", ".join(authors) or None,
        date=source_date,
        line=0,
        authors=authors,
    )


def iter_jsonl(path: str, lines: Iterable[str]) -> Iterator[Event]:
    """Stream posts, unparsed lines and warnings from a JSON Lines file, one line at a time."""
    unknown: set[str] = set()
    for number, raw in enumerate(lines, start=1):
        if isinstance(raw, LongLine):
            yield from long_line_events(path, number, raw)
            continue
        stripped = raw.strip()
        if not stripped:
            continue
        warnings: list[InputWarning] = []
        try:
            try:
                record = json.loads(stripped)
            except json.JSONDecodeError as exc:
                raise _BadLine(f"invalid JSON ({exc.msg} at column {exc.colno})") from None
            if not isinstance(record, dict):
                raise _BadLine(f"a JSON {type(record).__name__}, not an object")
            post = _post(path, number, record, warnings)
        except _BadLine as exc:
            yield UnparsedLine(
                path, number, stripped if len(stripped) <= _PREVIEW else stripped[:_PREVIEW] + "…"
            )
            yield InputWarning(path, number, f"{exc}; line skipped")
            continue
        except RecursionError:
            yield UnparsedLine(path, number, stripped[:_PREVIEW] + "…")
            yield InputWarning(path, number, "JSON nested too deeply; line skipped")
            continue
        unknown.update(key for key in record if key not in KNOWN_FIELDS)
        yield from warnings
        yield post
    if unknown:
        yield InputWarning(path, 0, f"ignored unknown fields: {', '.join(sorted(unknown))}")
