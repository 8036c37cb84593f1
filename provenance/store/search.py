"""Which stored paragraphs a new text repeats: the store's sketches (``audit --sketches``), verified exactly.

A text that arrives after the audit (an article, a draft) is compared with
every paragraph the store holds a sketch of, without auditing again
(``provenance search``). Each paragraph of the text is sketched as the store's
were (:mod:`provenance.sketch`, with the store's ``shingle_size``,
``num_perm`` and ``seed``) and put in datasketch's ``MinHashLSH`` with the
bands and rows of the audit's own LSH (``lsh_recall`` at the store's
``threshold``); the stored sketches are read in batches, each asking that
index which of the text's paragraphs share a band with it, so memory stays
that of the text and a batch, and time grows with the store, however long
the text. A stored paragraph that shares a band is a candidate, and is kept
when its exact similarity on ``shingle_size``-word shingles reaches the
threshold, or the share of the new paragraph's shingles it holds reaches the
store's ``containment`` (a quotation inside a longer stored paragraph is
found when its sketch is near enough to that paragraph's to be a candidate
at all: a sketch estimates the similarity of whole texts, not containment).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from provenance.config import AuditConfig
from provenance.errors import InputError, StoreError
from provenance.models import InputWarning
from provenance.store.db import connect_to_read, translated

#: Stored sketches read from the store at once.
BATCH = 20_000


@dataclass(frozen=True, slots=True)
class StoredMatch:
    """A stored paragraph that a paragraph of the new text repeats, with its exact measures."""

    paragraph: int  # the new text's paragraph, counted from 1
    line: int  # the line it starts on in the new text
    run: int  # the last run that holds the stored paragraph's text
    post: str
    title: str
    stored_paragraph: int  # its index in its post, as the store numbers them
    stored_line: int
    jaccard: float  # on shingle_size-word shingles, exact
    containment: float  # the share of the new paragraph's shingles that the stored one holds
    text: str


def text_paragraphs(text: str) -> list[tuple[int, str]]:
    """The paragraphs of a plain text, each with the line it starts on: runs of lines parted by blank ones."""
    found: list[tuple[int, str]] = []
    lines: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            if not lines:
                start = number
            lines.append(line.strip())
        elif lines:
            found.append((start, " ".join(lines)))
            lines = []
    if lines:
        found.append((start, " ".join(lines)))
    return found


def read_text_file(path: Path) -> tuple[str, list[InputWarning]]:
    """A text file's text, decoded as the audit decodes its inputs, and the warnings that decoding gave.

    Raises :class:`~provenance.errors.InputError` naming the file when it is
    not a readable text file (missing, binary, empty, of no known encoding).
    """
    from provenance.ingest.source import SkippedFile, open_source

    opened = open_source(path)
    if isinstance(opened, SkippedFile):
        raise InputError(f"{opened.path}: {opened.reason}")
    skipped = opened.check_encoding()
    if skipped is not None:
        raise InputError(f"{skipped.path}: {skipped.reason}")
    return opened.read_text(), list(opened.warnings)


def search_store(path: str | Path, text: str) -> list[StoredMatch]:
    """Every stored paragraph that a paragraph of ``text`` repeats, by the store at ``path`` (module doc).

    Raises :class:`StoreError` when the store holds no sketches, or holds
    sketches another datasketch, scheme or byte order made.
    """
    from datasketch import MinHashLSH

    from provenance.dedup.candidates import lsh_params
    from provenance.shingle import shingles, word_hashes
    from provenance.sketch import from_bytes, made_with, sketches

    where = Path(path)
    conn = connect_to_read(where)
    try:
        with translated(where):
            config = _store_config(conn)
            made_by = _meta(conn, "sketches")
            now = made_with()
            held = conn.execute("SELECT COUNT(*) FROM sketches").fetchone()[0] if made_by else 0
            if not held:
                raise StoreError(
                    f"{where}: the store holds no sketches to search; audit with --sketches to keep them "
                    f"(provenance audit DUMP --db {where} --sketches)"
                )
            if json.loads(made_by or "{}") != now:
                raise StoreError(
                    f"{where}: its sketches were made by {made_by}, and this provenance makes them with "
                    f"{json.dumps(now)}; audit with --sketches to make them again"
                )
            paragraphs = text_paragraphs(text)
            made = sketches([body for _, body in paragraphs], config)
            queries = [(i, lean) for i, lean in enumerate(made) if lean is not None]
            if not queries:
                return []
            # The new text's sketches in datasketch's LSH, with the bands and rows of the audit's own LSH;
            # each stored sketch asks it which of them share a band: time grows with the store, whatever
            # the size of the text.
            bands, rows = lsh_params(config.threshold, config.num_perm, config.lsh_recall)
            lsh = MinHashLSH(num_perm=config.num_perm, params=(bands, rows))
            with lsh.insertion_session() as session:
                for query, (_, lean) in enumerate(queries):
                    session.insert(query, lean, check_duplication=False)
            candidates: dict[int, set[str]] = {}
            cursor = conn.execute("SELECT content_hash, sketch FROM sketches")
            while batch := cursor.fetchmany(BATCH):
                for key, blob in batch:
                    for query in lsh.query(from_bytes(blob)):
                        candidates.setdefault(query, set()).add(key)
            k = config.shingle_size
            found: list[StoredMatch] = []
            # A stored text that several of the new paragraphs repeat is read and shingled once.
            holders: dict[str, tuple[Sequence[tuple[int, str, str, int, int, str]], set[int]]] = {}
            for query, held_keys in sorted(candidates.items()):
                at = queries[query][0]
                line, body = paragraphs[at]
                mine = set(shingles(word_hashes(body), k).tolist())
                for key in sorted(held_keys):
                    if key not in holders:
                        rows_of_key = _holders(conn, key)
                        stored = rows_of_key[0][5] if rows_of_key else ""
                        holders[key] = rows_of_key, set(shingles(word_hashes(stored), k).tolist())
                    held_rows, theirs = holders[key]
                    shared = len(mine & theirs)
                    jaccard, containment = shared / len(mine | theirs), shared / len(mine)
                    if jaccard >= config.threshold or containment >= config.containment:
                        found += [
                            StoredMatch(at + 1, line, *row[:5], jaccard, containment, row[5])
                            for row in held_rows
                        ]
            found.sort(key=lambda match: (match.paragraph, -match.jaccard, -match.containment, match.post))
            return found
    finally:
        conn.close()


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _store_config(conn: sqlite3.Connection) -> AuditConfig:
    """The store's parameters that make and compare sketches, as an AuditConfig."""
    params = json.loads(_meta(conn, "params") or "{}")
    fields = ("shingle_size", "num_perm", "seed", "threshold", "containment", "lsh_recall")
    return AuditConfig(**{name: params[name] for name in fields if name in params})


def _holders(conn: sqlite3.Connection, key: str) -> Sequence[tuple[int, str, str, int, int, str]]:
    """The paragraphs holding the text of ``key`` in the last run that holds it: run, post, title, index,
    line, text."""
    rows: Sequence[tuple[int, str, str, int, int, str]] = conn.execute(
        "SELECT p.run, p.post, posts.title, p.idx, p.line, p.text FROM paragraphs p "
        "JOIN posts ON posts.run = p.run AND posts.id = p.post "
        # "+p.run": by the content hash's index; on the primary key's run, SQLite read the run's every row.
        "WHERE p.content_hash = ?1 AND +p.run = (SELECT MAX(run) FROM paragraphs WHERE content_hash = ?1) "
        "ORDER BY p.post, p.idx",
        (key,),
    ).fetchall()
    return rows
