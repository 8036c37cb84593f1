"""Reader for plain-text blog archives, the format of the sample dump.

A WordPress tag/category archive saved as text looks like::

    Posted tagged ‘Islamic State – what’s next’
    Title
    July 14, 2017
    Title, Outlet, [Author, ]July 13, 2017        <- the citation line (optional)
    excerpt paragraph(s)
    ***********************************            <- separator
    full text, which repeats the excerpt

with blank lines between all lines. A post starts wherever a line is followed
(after blank lines) by a line holding only a date; everything up to the next
such start belongs to the post. The reader streams: it holds one post at a
time, so memory follows the largest post, not the dump.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from provenance.ingest.classify import classify_line, is_archive_header
from provenance.ingest.dates import (
    TRAILING_DATE,
    TRAILING_NUMERIC_DATE,
    date_from_match,
    date_line_problem,
    day_first_shown,
    is_date_line,
    numeric_date,
    parse_date,
)
from provenance.ingest.source import Event, LongLine, long_line_events, physical_lines
from provenance.models import (
    Citation,
    ClassifiedLine,
    InputWarning,
    LineRole,
    Paragraph,
    Post,
    SourceRef,
    UnparsedLine,
)
from provenance.outlets import builtin_aliases

__all__ = ["Event", "iter_archive", "looks_like_archive", "parse_citation", "slugify", "split_glued_outlet"]

# No-break and other odd spaces appear after commas where a link was lost.
_ODD_SPACES = re.compile(r"[\u00a0\u2000-\u200b\u202f\u205f\u3000]")
# "MagazineJoseph Klein": a lower-case letter glued to the capital of a name.
_GLUED = re.compile(r"(?<=[a-z]{3})(?=[A-Z][a-z])")
_NAME_WORD = re.compile(r"^(?:[A-Z][a-z'’\-]+|[A-Z]\.|Dr\.|Mr\.|Ms\.|Mrs\.|Prof\.|de|van|von|al|bin)$")
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|\band\b|&)\s*")
_BY = re.compile(r"^by\s+", re.IGNORECASE)
# Quotes and dashes differ between a post's title and the same title in its citation line.
_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_MAX_CITATION_LENGTH = 400
_MAX_TITLE_LENGTH = 300


# Words that make a capitalised phrase an outlet rather than a person.
_OUTLET_WORDS = frozenset(
    [
        "news",
        "journal",
        "times",
        "post",
        "magazine",
        "press",
        "daily",
        "weekly",
        "review",
        "report",
        "herald",
        "tribune",
        "network",
        "media",
        "online",
        "today",
        "gazette",
        "observer",
        "monitor",
        "telegraph",
        "guardian",
        "independent",
        "standard",
        "chronicle",
        "institute",
        "center",
        "centre",
        "agency",
        "radio",
        "tv",
        "television",
        "channel",
        "blog",
        "world",
        "international",
    ]
)


def looks_like_person(text: str) -> bool:
    """True for "Joseph Klein", "Dr. Ori Goldberg", "Hana Levi Julian": 2 to 5 name-like words.

    A phrase with an outlet word ("Long War Journal", "Washington Post") is not a person.
    """
    words = text.split()
    return (
        2 <= len(words) <= 5
        and all(_NAME_WORD.match(w) for w in words)
        and words[-1][0].isupper()
        and not any(w.casefold().strip(".") in _OUTLET_WORDS for w in words)
    )


def split_glued_outlet(text: str) -> tuple[str, str | None]:
    """Split "Front Page MagazineJoseph Klein" into outlet and author where a link was lost.

    Only a split whose right side reads as a person's name is taken, so
    "HuffPost" or "DEBKAfile" stay whole.
    """
    for match in reversed(list(_GLUED.finditer(text))):
        outlet, author = text[: match.start()].strip(), text[match.start() :].strip()
        if outlet and looks_like_person(author):
            return outlet, author
    return text, None


def _normalise_spaces(text: str) -> str:
    return re.sub(r"\s+", " ", _ODD_SPACES.sub(" ", text)).strip()


def _authors_of(segment: str) -> list[str]:
    """The names in one author segment: "Jane Doe and John Roe", "By Jane Doe & John Roe"."""
    return [_BY.sub("", name).strip() for name in _AUTHOR_SPLIT.split(segment) if name.strip()]


def _is_author_segment(segment: str) -> bool:
    """Whether a citation's segment names its authors: people's names, and no outlet of the built-in table.

    "Foreign Policy" and "Al Monitor" read as two name-like words; taken for
    an author, they left the title's second half to be the outlet ("Why
    Iran, Russia and Syria disagree, Foreign Policy, July 13, 2017" cited
    "Russia and Syria disagree").
    """
    if builtin_aliases().known(segment):
        return False
    names = _authors_of(segment)
    return bool(names) and all(looks_like_person(name) for name in names)


def parse_citation(text: str, post_title: str, line: int) -> Citation | None:
    """Parse ``Title, Outlet, [Author, ]Date``; None if the line is not a citation.

    Titles contain commas, so the post's own title is stripped from the front
    when it is there; otherwise the title is everything before the outlet.
    """
    clean = _normalise_spaces(text)
    if len(clean) > _MAX_CITATION_LENGTH:
        return None
    date_match = TRAILING_DATE.search(clean)
    if date_match:
        date = date_from_match(date_match)
    else:
        date_match = TRAILING_NUMERIC_DATE.search(clean)
        if not date_match:
            return None
        date, _ = numeric_date(date_match)
    head = clean[: date_match.start()].strip()
    title_norm = _normalise_spaces(post_title)
    cited_title: str | None
    # The post's own title and a date ("Bombing in Kabul, Afghanistan, June 2, 2017") cite the title's
    # date and no outlet: the title, commas and all, is no outlet's name.
    whole = head.rstrip(" ,")
    if whole and _folded(whole) == _folded(title_norm):
        return Citation(title=whole, outlet=None, author=None, date=date, line=line, raw=text)
    if _folded(head).startswith(_folded(title_norm) + ","):
        cited_title = head[: len(title_norm)]
        rest = [s.strip() for s in head[len(title_norm) + 1 :].split(",") if s.strip()]
    else:
        segments = [s.strip() for s in head.split(",") if s.strip()]
        if len(segments) < 2:
            # "Outlet, Date" alone is still a citation, but only when the line
            # is short: a paragraph ending in ", July 4, 2017" is not one.
            if len(segments) == 1 and len(segments[0].split()) <= 6:
                return _citation(None, segments, date, line, text)
            return None
        # Without the post title to anchor on, the title ends before the
        # outlet, which is followed by zero or more author segments (names
        # that read as people); at least one segment is left for the title.
        authors = 0
        while len(segments) - authors >= 3 and _is_author_segment(segments[-1 - authors]):
            authors += 1
        tail = authors + 1
        cited_title = ", ".join(segments[:-tail])
        rest = segments[-tail:]
    if not rest:
        return None
    return _citation(cited_title, rest, date, line, text)


def _undated_citation(raw: str) -> str:
    """Why a citation line's date was not read: no such day, or numbers that name two days."""
    numeric = TRAILING_NUMERIC_DATE.search(_normalise_spaces(raw))
    if numeric is not None and numeric_date(numeric)[1]:
        written = numeric.group().lstrip(", ").strip()
        return (
            f"date {written!r} in citation line reads as two days (day or month first?); kept without a date"
        )
    return "invalid date in citation line; kept without a date"


def _folded(text: str) -> str:
    return text.translate(_FOLD).casefold()


def _citation(title: str | None, rest: list[str], date: object, line: int, raw: str) -> Citation:
    outlet, glued_author = split_glued_outlet(rest[0])
    authors: list[str] = [glued_author] if glued_author else []
    for segment in rest[1:]:
        authors.extend(_authors_of(segment))
    return Citation(
        title=title or None,
        outlet=outlet or None,
        author=", ".join(authors) or None,
        date=date,  # type: ignore[arg-type]
        line=line,
        authors=tuple(authors),
        raw=raw,
    )


@dataclass(slots=True)
class _PostBuilder:
    """The post being read: its lines until the next post starts."""

    title: str
    title_line: int
    date_text: str
    date_line: int
    body: list[tuple[int, str]] = field(default_factory=list)


def _finish(path: str, builder: _PostBuilder, day_first: bool | None = None) -> Iterator[Event]:
    date = parse_date(builder.date_text, day_first)
    if date is None:
        yield InputWarning(path, builder.date_line, date_line_problem(builder.date_text, day_first))
    citation = None
    body = builder.body
    if body:
        citation = parse_citation(body[0][1], builder.title, body[0][0])
        if citation is not None:
            body = body[1:]
            if citation.date is None:
                yield InputWarning(path, citation.line, _undated_citation(citation.raw))
    paragraphs: list[Paragraph] = []
    notes: list[ClassifiedLine] = []
    for line, text in body:
        role = _body_line_role(text)
        if role is None:
            paragraphs.append(Paragraph(index=len(paragraphs), line=line, text=text.strip()))
        else:
            notes.append(ClassifiedLine(path, line, role, text.strip()))
    if not paragraphs:
        yield InputWarning(path, builder.title_line, f"post {builder.title!r} has no paragraphs")
    last_line = max([builder.date_line, *(line for line, _ in builder.body)])
    yield Post(
        id=slugify(builder.title),
        title=_normalise_spaces(builder.title),
        date=date,
        source=SourceRef(path, builder.title_line, last_line),
        citation=citation,
        paragraphs=tuple(paragraphs),
        notes=tuple(notes),
        title_line=builder.title_line,
        date_line=builder.date_line,
        format="archive",
    )


def _body_line_role(text: str) -> LineRole | None:
    # An archive header inside a post is where two saved archive pages were
    # joined; it is short and is not a sentence.
    stripped = text.strip()
    if len(stripped) <= 100 and not stripped.endswith(".") and is_archive_header(stripped):
        return "header"
    return classify_line(text)


def slugify(title: str, max_length: int = 60) -> str:
    """A readable, URL-safe post id from a title ("US on alert…" -> "us-on-alert")."""
    slug = re.sub(r"[^\w]+", "-", title.casefold()).strip("-_")
    return slug[:max_length].rstrip("-_") or "post"


def iter_archive(path: str, lines: Iterable[str]) -> Iterator[Event]:
    """Stream posts, classified lines, unparsed lines and warnings from an archive.

    ``lines`` are the file's physical lines without their line breaks, so that
    line numbers match what an editor shows. A :class:`LongLine` (a line
    too long to keep) is reported as unparsed with a warning and otherwise
    ignored, so it can neither start nor end a post.
    """
    current: _PostBuilder | None = None
    # Lines before the first post, held because the last of them may turn out
    # to be the first post's title.
    preamble: list[tuple[int, str]] = []
    # Dates in numbers ("05/06/2017") are read as the file writes them: day or month first, as the first
    # date line whose numbers show it says ("13/07/2017"). Posts from the first one whose date waits on
    # that are held until a line shows it or the file ends, so that the posts still come in file order.
    day_first: bool | None = None
    held_posts: list[_PostBuilder] = []
    waiting = False  # whether a held post's date waits on the order (kept, not searched for: linear)
    for number, raw in enumerate(lines, start=1):
        if isinstance(raw, LongLine):
            yield from long_line_events(path, number, raw)
            continue
        text = raw.rstrip("\r\n")
        if not text.strip():
            continue
        if is_date_line(text):
            held = current.body if current is not None else preamble
            if held and _can_be_title(held[-1][1]):
                title_line, title = held.pop()
                if current is not None:
                    held_posts.append(current)
                    waiting = waiting or _waits_on_order(current.date_text)
                else:
                    yield from _preamble(path, preamble)
                    preamble = []
                if day_first is None:
                    day_first = day_first_shown(text)
                if day_first is not None or not waiting:
                    for builder in held_posts:
                        yield from _finish(path, builder, day_first)
                    held_posts, waiting = [], False
                current = _PostBuilder(title.strip(), title_line, text, number)
                continue
        (current.body if current is not None else preamble).append((number, text))
    if current is not None:
        for builder in [*held_posts, current]:
            yield from _finish(path, builder, day_first)
    else:
        yield from _preamble(path, preamble)


def _waits_on_order(date_text: str) -> bool:
    """Whether a post's date line is in numbers that name two days until the file's order is known."""
    return parse_date(date_text) is None and parse_date(date_text, True) is not None


def _can_be_title(text: str) -> bool:
    return len(text) <= _MAX_TITLE_LENGTH and not is_date_line(text) and classify_line(text) is None


def _preamble(path: str, lines: list[tuple[int, str]]) -> Iterator[Event]:
    for line, text in lines:
        if is_archive_header(text):
            yield ClassifiedLine(path, line, "header", text.strip())
        else:
            yield UnparsedLine(path, line, text)


def looks_like_archive(head: str) -> bool:
    """True when the start of a text file has the archive's title/date structure."""
    lines = [line for line in physical_lines(head) if line.strip()][:40]
    return any(is_date_line(b) and not is_date_line(a) for a, b in itertools.pairwise(lines))
