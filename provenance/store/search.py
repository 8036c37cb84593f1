"""Which stored paragraphs a new text repeats: the store's sketches (``audit --sketches``), verified exactly.

A text that arrives after the audit (an article, a draft) is compared with
every paragraph the store holds a sketch of, without auditing again
(``provenance search``). Each paragraph of the text is sketched as the store's
were (:mod:`provenance.sketch`, with the store's ``shingle_size``,
``num_perm`` and ``seed``); the stored sketches are read in batches and
matched with the text's on the bands and rows of the audit's own LSH
(``lsh_recall`` at the store's ``threshold``), as datasketch's ``MinHashLSH``
matches them, but a batch at a time as arrays (:func:`sharing_a_band`;
``LeanMinHash`` and ``MinHashLSH.query`` per stored sketch took four times
as long), so memory stays that of the text and a batch, and time grows with
the store, however long
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

import numpy as np

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


#: Formats whose files are read for ``search`` as the audit reads them: their paragraphs are not runs of
#: lines (a web page's markup, a JSON Lines record, a WordPress export's posts).
READ_AS_THE_AUDIT = frozenset({"html", "jsonl", "wxr"})


def read_search_file(path: Path) -> tuple[list[tuple[int, str]], list[str]]:
    """The paragraphs of a file to search with, each with the line it starts on, and what reading it said.

    A web page, a JSON Lines file or a WordPress export (by the audit's own
    detection) is read by the audit's readers: its paragraphs are the ones an
    audit of it would compare, in reading order across its posts, without
    markup, navigation or titles. Any other text (an article saved as text,
    Markdown) is split into runs of lines between blank ones
    (:func:`text_paragraphs`), its first line among them. Raises
    :class:`~provenance.errors.InputError` naming the file when it is not
    readable text, or holds no post.
    """
    from provenance.ingest import detect_format, read_corpus

    text, warnings = read_text_file(path)
    said = [str(warning) for warning in warnings]
    if detect_format(path, text[:65_536]) not in READ_AS_THE_AUDIT:
        return text_paragraphs(text), said
    corpus = read_corpus([path], AuditConfig())
    said = [str(warning) for warning in corpus.warnings]
    if not corpus.posts:
        reasons = "; ".join(skipped.reason for skipped in corpus.skipped) or "no post in it"
        raise InputError(f"{path}: {reasons}")
    return [(paragraph.line, paragraph.text) for post in corpus.posts for paragraph in post.paragraphs], said


def search_store(path: str | Path, text: str | Sequence[tuple[int, str]]) -> list[StoredMatch]:
    """Every stored paragraph that a paragraph of ``text`` repeats, by the store at ``path`` (module doc).

    ``text`` is a plain text, split into runs of lines between blank ones
    (:func:`text_paragraphs`), or its paragraphs already, each with the line
    it starts on (:func:`read_search_file`). Raises :class:`StoreError` when
    the store holds no sketches, or holds sketches another datasketch, scheme
    or byte order made.
    """
    from provenance.dedup.candidates import lsh_params
    from provenance.shingle import shingles, word_hashes
    from provenance.sketch import made_with, sketch_values, sketches

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
            paragraphs = text_paragraphs(text) if isinstance(text, str) else list(text)
            made = sketches([body for _, body in paragraphs], config)
            queries = [(i, lean) for i, lean in enumerate(made) if lean is not None]
            if not queries:
                return []
            # The bands and rows of the audit's own LSH; each batch of stored sketches is matched against
            # the text's band by band as arrays: time grows with the store, whatever the size of the text.
            bands, rows = lsh_params(config.threshold, config.num_perm, config.lsh_recall)
            asked = np.array([lean.hashvalues for _, lean in queries], dtype=np.uint32)
            candidates: dict[int, set[str]] = {}
            cursor = conn.execute("SELECT content_hash, sketch FROM sketches")
            while batch := cursor.fetchmany(BATCH):
                try:
                    stored_values = sketch_values([blob for _, blob in batch], config.num_perm, config.seed)
                except ValueError as exc:
                    raise StoreError(
                        f"{where}: {exc}; audit with --rebuild --sketches to make them again"
                    ) from exc
                for held, query in sharing_a_band(stored_values, asked, bands, rows):
                    candidates.setdefault(query, set()).add(batch[held][0])
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


def sharing_a_band(held: np.ndarray, queries: np.ndarray, bands: int, rows: int) -> list[tuple[int, int]]:
    """``(held row, query row)`` of every two sketches equal on all ``rows`` values of one of ``bands`` bands.

    The candidates datasketch's ``MinHashLSH`` with ``params=(bands, rows)``
    gives when the queries are inserted and each held sketch asks it (band
    ``i`` is values ``i * rows`` to ``(i + 1) * rows``), found as arrays: each
    band's values are folded to one 64-bit key, keys met in both are looked up
    by a binary search, and a pair is kept only where the band's values are
    equal, so a fold's collision adds nothing.
    """
    if not len(held) or not len(queries):
        return []
    held_keys, query_keys = _band_keys(held, bands, rows), _band_keys(queries, bands, rows)
    flat = query_keys.ravel()
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    flat_held = held_keys.ravel()
    at = np.minimum(np.searchsorted(ordered, flat_held), len(ordered) - 1)
    found: set[tuple[int, int]] = set()
    for spot in np.flatnonzero(ordered[at] == flat_held).tolist():
        row, band = divmod(spot, bands)
        span = slice(band * rows, (band + 1) * rows)
        first = int(at[spot])
        while first < len(ordered) and ordered[first] == flat_held[spot]:
            query = int(order[first]) // bands
            if int(order[first]) % bands == band and (queries[query, span] == held[row, span]).all():
                found.add((row, query))
            first += 1
    return sorted(found)


def _band_keys(values: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One 64-bit key per sketch and band (FNV-1a over the band's values, then the band's number mixed in)."""
    banded = values[:, : bands * rows].astype(np.uint64).reshape(len(values), bands, rows)
    keys = np.full((len(values), bands), 0xCBF29CE484222325, dtype=np.uint64)
    for value in range(rows):
        keys = (keys ^ banded[:, :, value]) * np.uint64(0x100000001B3)
    return keys ^ (np.arange(bands, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))


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
