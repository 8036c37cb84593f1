"""Ingest: turn any dump into :class:`~provenance.models.Post` records.

This is the one place that knows where text came from. Each input format has
a reader module that yields posts (and classified lines, unparsed lines and
warnings) as a stream; :func:`read_corpus` walks the paths, detects each
file's format, and collects everything into a :class:`~provenance.models.Corpus`
so that no input line is lost.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from provenance.config import AuditConfig
from provenance.ingest.archive import iter_archive, looks_like_archive
from provenance.models import ClassifiedLine, Corpus, InputWarning, Post, SkippedFile, UnparsedLine

__all__ = ["FORMATS", "detect_format", "iter_files", "read_corpus"]

Progress = Callable[[str, int, int | None], None]

FORMATS = ("archive",)


def iter_files(paths: Sequence[str | os.PathLike[str]], corpus: Corpus) -> Iterator[Path]:
    """Every file named by ``paths``, folders walked recursively in sorted order.

    Paths that do not exist are recorded in ``corpus.skipped`` rather than
    raised, so one bad path does not stop the audit of the rest.
    """
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        elif path.is_file():
            yield path
        elif path.is_symlink():
            corpus.skipped.append(SkippedFile(str(path), "broken symbolic link"))
        else:
            corpus.skipped.append(SkippedFile(str(path), "no such file or directory"))


def detect_format(path: Path, head: str) -> str | None:
    """The reader for a file, from its name and first few kilobytes; None if unknown."""
    if looks_like_archive(head):
        return "archive"
    return None


def read_corpus(
    paths: Sequence[str | os.PathLike[str]],
    config: AuditConfig | None = None,
    progress: Progress | None = None,
) -> Corpus:
    """Read every post from ``paths`` (files or folders) into one corpus.

    Post ids are made unique across the corpus: a repeated id gets a ``-2``,
    ``-3``… suffix and a warning naming both places.
    """
    config = config or AuditConfig()
    corpus = Corpus()
    seen_ids: dict[str, str] = {}
    for path in iter_files(paths, corpus):
        name = str(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            corpus.skipped.append(SkippedFile(name, f"unreadable: {exc.strerror or exc}"))
            continue
        if not raw.strip():
            corpus.skipped.append(SkippedFile(name, "empty file"))
            continue
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            corpus.skipped.append(SkippedFile(name, f"not UTF-8 (byte {exc.start})"))
            continue
        corpus.encodings[name] = "utf-8"
        fmt = config.format or detect_format(path, text[:8192])
        if fmt != "archive":
            corpus.skipped.append(SkippedFile(name, "unrecognised format"))
            continue
        corpus.files.append(name)
        for event in iter_archive(name, text.split("\n")):
            if isinstance(event, Post):
                corpus.posts.append(_unique(event, seen_ids, corpus))
                if progress is not None:
                    progress("ingest", len(corpus.posts), None)
            elif isinstance(event, ClassifiedLine):
                corpus.classified.append(event)
            elif isinstance(event, UnparsedLine):
                corpus.unparsed.append(event)
            else:
                corpus.warnings.append(event)
    return corpus


def _unique(post: Post, seen: dict[str, str], corpus: Corpus) -> Post:
    where = f"{post.source.path}:{post.source.line_start}"
    if post.id not in seen:
        seen[post.id] = where
        return post
    n = 2
    while f"{post.id}-{n}" in seen:
        n += 1
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
