"""Ingest: turn any dump into :class:`~provenance.models.Post` records.

This is the one place that knows where text came from. Each input format has
a reader module that yields posts (and classified lines, unparsed lines and
warnings) as a stream; :func:`read_corpus` walks the paths, detects each
file's format, and collects everything into a :class:`~provenance.models.Corpus`
so that no input line is lost.

Formats (``Post.format`` and ``Corpus.formats`` use these names):

``archive``
    plain-text blog archive, the seed's format (:mod:`.archive`)
``jsonl``
    JSON Lines, one post per line (:mod:`.jsonl`)
``text``
    one post per ``.txt``/``.md`` file (:mod:`.text`)
``html``
    one post per saved web page (:mod:`.htmlpage`)
``wxr``
    WordPress export (:mod:`.wxr`)

Detection, per file, unless ``AuditConfig.format`` forces one reader for
all: ``.jsonl``/``.ndjson`` are JSON Lines; a document declaring ``<rss`` and
a WordPress export namespace is WXR; ``.html``/``.htm``/``.xhtml`` (or a
file starting with ``<!DOCTYPE html``/``<html``) is a web page; ``.md`` is
one post per file; any other text file with the archive's title/date
structure is an archive; one whose first line is a JSON object is JSON Lines;
other ``.txt``/``.text`` files are one post each. Anything else is skipped with the reason.

Bad input never raises out of :func:`read_corpus`: an unusable file lands in
``corpus.skipped`` with a reason, a repaired or doubtful one in
``corpus.warnings`` with ``file:line``. Whether an empty corpus is an error
is the caller's decision (``provenance.audit`` raises ``InputError``).

Streaming: the readers are generators that hold one post at a time;
:func:`iter_posts` hands posts on without keeping them, so memory follows the
largest post. ``benchmarks/bench_ingest.py`` measures it::

    python benchmarks/bench_ingest.py            # 1 GB per format, peak RSS table
    python benchmarks/bench_ingest.py --size 50M # quicker
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from provenance.config import AuditConfig
from provenance.ingest.archive import iter_archive, looks_like_archive, parse_citation, slugify
from provenance.ingest.htmlpage import declared_charset, iter_html, looks_like_html
from provenance.ingest.jsonl import iter_jsonl, looks_like_jsonl
from provenance.ingest.mojibake import repair_post
from provenance.ingest.source import Event, SourceFile, open_source
from provenance.ingest.text import iter_text
from provenance.ingest.walk import OUTPUT_FOLDER, iter_inputs
from provenance.ingest.walk import iter_files as walk_files
from provenance.ingest.wxr import iter_wxr, looks_like_wxr
from provenance.models import ClassifiedLine, Corpus, InputWarning, Post, SkippedFile, UnparsedLine

__all__ = [
    "FORMATS",
    "MAX_POST_ID_CHARS",
    "MAX_TITLE_CHARS",
    "OUTPUT_FOLDER",
    "detect_format",
    "file_event",
    "file_post_ids",
    "input_files",
    "iter_archive",
    "iter_files",
    "iter_posts",
    "open_readable",
    "parse_citation",
    "read_corpus",
    "slugify",
    "sniff_readable",
]

Progress = Callable[[str, int, int | None], None]
#: Files or folders to read: several, or one given alone.
Paths = Sequence[str | os.PathLike[str]] | str | os.PathLike[str]

FORMATS = ("archive", "jsonl", "text", "html", "wxr")

_JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson", ".jsonlines"})
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown"})
_TEXT_SUFFIXES = frozenset({".txt", ".text"}) | _MARKDOWN_SUFFIXES


def iter_files(
    paths: Paths,
    corpus: Corpus,
    *,
    follow_links: bool = False,
    exclude: Sequence[str] = (),
    exclude_dirs: Sequence[str | os.PathLike[str]] = (),
) -> Iterator[Path]:
    """Every regular file under ``paths``, folders walked recursively in sorted order.

    Everything else met on the way (a path that does not exist, a FIFO, a
    socket or a device, a symbolic link not followed, an unreadable folder,
    a file under ``exclude_dirs`` or matching an ``exclude`` glob, a file
    reached twice) is listed in ``corpus.skipped`` with the reason rather
    than raised, so one bad path does not stop the audit of the rest. Hidden
    files and folders (starting with ".") inside a folder are left out. The
    rules, links included, are in :mod:`provenance.ingest.walk`.
    """
    if isinstance(paths, (str, os.PathLike)):
        # A lone path is a Sequence[str] too: walking its characters would read "/" and the disk.
        paths = [paths]
    yield from walk_files(
        paths, corpus, follow_links=follow_links, exclude=exclude, exclude_dirs=exclude_dirs
    )


def detect_format(path: Path, head: str) -> str | None:
    """The reader for a file, from its name and first few kilobytes; None if unknown."""
    suffix = path.suffix.lower()
    if suffix in _JSONL_SUFFIXES:
        return "jsonl"
    if looks_like_wxr(head.lstrip(" \t\r\n\ufeff")[:8192]):
        return "wxr"
    if suffix in _HTML_SUFFIXES or looks_like_html(head):
        return "html"
    if suffix in _MARKDOWN_SUFFIXES:
        return "text"
    if looks_like_archive(head):
        return "archive"
    if looks_like_jsonl(head):
        return "jsonl"
    if suffix in _TEXT_SUFFIXES:
        return "text"
    return None


def file_post_ids(paths: Sequence[Path]) -> dict[Path, str]:
    """The id of the post of each file that holds one post (text, Markdown, a web page).

    The file's name without its extension, its case kept (``g0pA_taska``);
    where two files of the input share that name, the shortest tail of their
    paths that tells them apart (``answers/g0pA_taska``, ``orig/g0pA_taska``),
    and the extension too where only it differs (``note.txt``, ``note.md``).
    An id depends only on the set of files read, never on their order, so a
    file keeps its id from one run to the next.
    """
    tails = {path: [*path.parts[:-1], path.stem] for path in paths}
    ids: dict[Path, str] = {}
    for with_suffix in (False, True):
        pending = [path for path in paths if path not in ids]
        if with_suffix:
            tails = {path: list(path.parts) for path in pending}
        depth = 1
        while pending and depth <= max(len(tail) for tail in tails.values()):
            candidates = {path: "/".join(tails[path][-depth:]) for path in tails}
            counts = Counter(candidates.values())
            for path in pending:
                if counts[candidates[path]] == 1:
                    ids[path] = candidates[path]
            pending = [path for path in pending if path not in ids]
            depth += 1
    for path in paths:
        # Two names for one file cannot both be read; the id is then the path as named.
        ids.setdefault(path, path.as_posix())
    return ids


def _events(source: SourceFile, fmt: str, config: AuditConfig, post_id: str) -> Iterator[Event]:
    name = source.name
    if fmt == "wxr":
        yield from iter_wxr(name, include_pages=config.include_pages)
    elif fmt == "archive":
        yield from iter_archive(name, source.lines())
    elif fmt == "jsonl":
        yield from iter_jsonl(name, source.lines())
    elif fmt == "text":
        yield from iter_text(name, source.lines(), post_id, source.path.stem)
    elif fmt == "html":
        yield from iter_html(name, source.read_text(), post_id)
    else:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def file_event(event: Event, corpus: Corpus) -> Post | None:
    """File a reader's event in ``corpus``: every event but a post goes to its list; a post is returned."""
    if isinstance(event, Post):
        return event
    if isinstance(event, ClassifiedLine):
        corpus.classified.append(event)
    elif isinstance(event, UnparsedLine):
        corpus.unparsed.append(event)
    elif isinstance(event, SkippedFile):
        corpus.skipped.append(event)
    else:
        corpus.warnings.append(event)
    return None


def input_files(
    paths: Sequence[str | os.PathLike[str]],
    config: AuditConfig,
    corpus: Corpus,
    *,
    exclude_dirs: Sequence[str | os.PathLike[str]] = (),
) -> list[tuple[Path, bool]]:
    """Every file an audit of ``paths`` reads, as ``(path, is_reference)``, in reading order.

    Names only (nothing is opened); what the walk leaves out goes to
    ``corpus.skipped``. The audit and the store's check for an unchanged dump
    (:meth:`provenance.store.RunStore.unchanged_run`) list the files alike.
    """
    return list(
        iter_inputs(
            paths,
            corpus,
            references=config.references,
            follow_links=config.follow_links,
            exclude=config.exclude,
            exclude_dirs=exclude_dirs,
        )
    )


def sniff_readable(path: Path, config: AuditConfig) -> tuple[SourceFile, str] | SkippedFile:
    """:func:`open_readable`'s decision from the file's first bytes alone (its encoding not yet checked).

    Cheap (one block read): the command uses it to weigh the input it will
    read before reading it, leaving out binary, empty and unknown files.
    """
    opened = open_source(path)
    if isinstance(opened, SkippedFile):
        return opened
    fmt = config.format or detect_format(path, opened.head)
    if fmt is None:
        return SkippedFile(
            opened.name,
            f"unrecognised format (extension {path.suffix or 'none'!r}); "
            f"use --input-format to read it as one of {', '.join(FORMATS)}",
        )
    return opened, fmt


def open_readable(path: Path, config: AuditConfig) -> tuple[SourceFile, str] | SkippedFile:
    """``path`` opened with the format it is read as, or the :class:`SkippedFile` saying why it is not read.

    The one decision of whether a file is read (not a text, empty, of no
    known format, in no encoding that fits), made from its contents alone:
    ingest takes it for every file, and the store repeats it for the files
    its last run skipped (:meth:`provenance.store.RunStore.unchanged_run`).
    """
    sniffed = sniff_readable(path, config)
    if isinstance(sniffed, SkippedFile):
        return sniffed
    opened, fmt = sniffed
    if fmt != "wxr":
        # XML declares its own encoding and lxml decodes it; a web page's <meta> charset counts too.
        declared = declared_charset(opened.head_bytes) if fmt == "html" else None
        problem = opened.check_encoding(declared)
        if problem is not None:
            return problem
    return opened, fmt


def iter_posts(
    paths: Paths,
    config: AuditConfig | None = None,
    corpus: Corpus | None = None,
    *,
    exclude_dirs: Sequence[str | os.PathLike[str]] = (),
) -> Iterator[Post]:
    """Stream every post of ``paths``, filling ``corpus`` with all but the posts.

    Classified and unparsed lines, warnings, skipped files, files, formats and
    encodings go into ``corpus`` as they are met; posts are yielded, not kept,
    so a caller that does not keep them reads any size of dump in the memory
    of its largest post. Post ids are made unique across the stream: a
    repeated id gets a ``-2``, ``-3``… suffix and a warning naming both places.

    Files under ``exclude_dirs`` (the audit's own output folder) are never
    read, only listed in ``corpus.skipped``; ``config.follow_links`` and
    ``config.exclude`` choose the other files (:func:`iter_files`).
    """
    config = config or AuditConfig()
    corpus = corpus if corpus is not None else Corpus()
    if config.format is not None and config.format not in FORMATS:
        raise ValueError(f"unknown format {config.format!r}; expected one of {', '.join(FORMATS)}")
    seen_ids: dict[str, str] = {}
    next_suffix: dict[str, int] = {}
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    # The walk is listed first (names only), so that each file's post id can be made from all the names.
    files = input_files(paths, config, corpus, exclude_dirs=exclude_dirs)
    post_ids = file_post_ids([path for path, _ in files])
    for path, reference in files:
        found = open_readable(path, config)
        if isinstance(found, SkippedFile):
            corpus.skipped.append(found)
            continue
        opened, fmt = found
        if fmt != "wxr":
            corpus.encodings[opened.name] = opened.encoding or "utf-8"
        corpus.warnings.extend(opened.warnings)
        corpus.files.append(opened.name)
        corpus.formats[opened.name] = fmt
        if reference:
            corpus.references.append(opened.name)
        posts_before = len(seen_ids)
        last_line = 0
        try:
            for event in _events(opened, fmt, config, post_ids[path]):
                last_line = max(last_line, _last_line(event))
                post = file_event(event, corpus)
                if post is not None:
                    if reference:
                        post = dataclasses.replace(post, reference=True)
                    if config.repair_mojibake:
                        post = repair_post(post, corpus.warnings)
                    yield _unique(
                        _short_id(_short_title(post, corpus), corpus), seen_ids, next_suffix, corpus
                    )
        except Exception as exc:
            # A file that changes or vanishes while read, or a reader bug on
            # input nobody foresaw (a MemoryError or RecursionError included):
            # report what was lost and go on with the other files.
            corpus.warnings.append(_stopped_early(opened.name, exc, last_line, len(seen_ids) - posts_before))
        else:
            if len(seen_ids) == posts_before:
                corpus.warnings.append(InputWarning(opened.name, 0, f"no posts found (read as {fmt})"))


def read_corpus(
    paths: Paths,
    config: AuditConfig | None = None,
    progress: Progress | None = None,
    *,
    exclude_dirs: Sequence[str | os.PathLike[str]] = (),
) -> Corpus:
    """Read every post from ``paths`` (files or folders) into one corpus.

    Never raises for bad input (see the module docstring); a ``config.format``
    that names no reader is a programming error and raises ``ValueError``.
    Files under ``exclude_dirs`` are listed as skipped, never read.
    """
    corpus = Corpus()
    for post in iter_posts(paths, config, corpus, exclude_dirs=exclude_dirs):
        corpus.posts.append(post)
        if progress is not None:
            progress("ingest", len(corpus.posts), None)
    return corpus


def _last_line(event: Event) -> int:
    """The last input line an event accounts for (0 for a whole-file event)."""
    if isinstance(event, Post):
        return event.source.line_end
    return getattr(event, "line", 0)


def _stopped_early(path: str, exc: Exception, last_line: int, kept: int) -> InputWarning:
    """The warning for a file whose reader failed: what failed, what was kept, which lines were not read."""
    # A MemoryError or RecursionError says little by itself; name what it means here.
    what = {
        "MemoryError": "out of memory",
        "RecursionError": "input nested too deeply",
    }.get(exc.__class__.__name__, f"{exc.__class__.__name__}: {exc}")
    lost = f"lines {last_line + 1} to the end were not read" if last_line else "no line was read"
    return InputWarning(
        path,
        last_line + 1,
        f"reading stopped early ({what}); {lost}; kept the {kept} posts read before",
    )


#: Longest post id kept. An id is repeated in every pair, cluster, edge and link of its post in every
#: output: 30 JSON Lines posts with ids of 300,000 characters (a 9 MB dump) made 1.8 GB of outputs.
MAX_POST_ID_CHARS = 200


def _short_id(post: Post, corpus: Corpus) -> Post:
    """``post`` with its id cut to :data:`MAX_POST_ID_CHARS` characters, and a warning, when it is longer.

    An id is a name, not text of the dump: nothing is lost, and a cut id
    that meets another is told apart by :func:`_unique`.
    """
    if len(post.id) <= MAX_POST_ID_CHARS:
        return post
    corpus.warnings.append(
        InputWarning(
            post.source.path,
            post.source.line_start,
            f"post id of {len(post.id):,} characters cut to its first {MAX_POST_ID_CHARS}",
        )
    )
    return dataclasses.replace(post, id=post.id[:MAX_POST_ID_CHARS])


#: Longest title kept as the title. A title is repeated beside every pair, edge and row of its post in
#: the outputs: 30 posts with titles of 300,000 characters (a 9 MB dump) made a 331 MB report.html.
MAX_TITLE_CHARS = 1_000


def _short_title(post: Post, corpus: Corpus) -> Post:
    """``post`` with a title over :data:`MAX_TITLE_CHARS` cut there, the rest kept as a ``title`` note.

    Nothing is lost: the note holds the words after the cut, at the title's
    line, and is shown once, on the post's card, where the title was shown
    with every pair.
    """
    if len(post.title) <= MAX_TITLE_CHARS:
        return post
    line = post.title_line or post.source.line_start
    corpus.warnings.append(
        InputWarning(
            post.source.path,
            line,
            f"title of {len(post.title):,} characters cut to its first {MAX_TITLE_CHARS:,}; "
            "the rest kept as a note of the post",
        )
    )
    rest = ClassifiedLine(post.source.path, line, "title", post.title[MAX_TITLE_CHARS:])
    return dataclasses.replace(post, title=post.title[:MAX_TITLE_CHARS] + "…", notes=(rest, *post.notes))


def _unique(post: Post, seen: dict[str, str], next_suffix: dict[str, int], corpus: Corpus) -> Post:
    """``post`` under an id not yet in ``seen`` (the id, or the id with the first free ``-N`` suffix).

    ``next_suffix`` holds, for each repeated id, the suffix to try first:
    counting up from 2 for every repeat is quadratic in the number of
    repeats (20,000 posts of one id made the audit take 35 s instead of 5).
    """
    where = f"{post.source.path}:{post.source.line_start}"
    if post.id not in seen:
        seen[post.id] = where
        return post
    n = next_suffix.get(post.id, 2)
    while f"{post.id}-{n}" in seen:
        n += 1
    next_suffix[post.id] = n + 1
    new_id = f"{post.id}-{n}"
    corpus.warnings.append(
        InputWarning(
            post.source.path,
            post.source.line_start,
            f"post id {post.id!r} already used at {seen[post.id]}; renamed {new_id!r}",
        )
    )
    seen[new_id] = where
    return dataclasses.replace(post, id=new_id)
