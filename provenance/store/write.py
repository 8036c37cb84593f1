"""One run's rows: the audit.json document and the graph's edges, written into the store's tables.

The rows are made from :func:`provenance.export.audit_to_dict`, the single
definition of what an audit found, so the store and audit.json can never
disagree; :mod:`provenance.store.read` puts the same document back together.
Texts go in as audit.json writes them: a lone surrogate (which SQLite, like
UTF-8, cannot hold) becomes U+FFFD.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from provenance.store.paths import absolute, clean
from provenance.store.schema import TABLES

__all__ = [
    "POST_COLUMNS",
    "TABLE_KEYS",
    "clean",
    "content_hash",
    "file_digest",
    "post_hash",
    "write_rows",
]

#: Top-level keys of the document held in tables of their own; the others are kept in ``runs.document_json``.
TABLE_KEYS = frozenset({"posts", "pairs", "clusters", "reprints", "outlets", "findings"})
#: Keys of a post held in columns (or tables); the others go to ``posts.extra_json``.
POST_COLUMNS = frozenset(
    {"id", "title", "date", "time", "reference", "source", "url", "format", "paragraphs", "reuse"}
)
#: Keys of an outlet held in columns; the others go to ``outlets.extra_json``.
OUTLET_COLUMNS = frozenset({"name", "kind", "source", "reuse"})

#: Told each point a run reaches inside its transaction: ``begin``, each
#: table's name once its rows are in, ``runs`` (the run row completed, just
#: before COMMIT) and ``commit``. Empty in use; tests/test_store.py adds one
#: that stops the process at a point, to kill it there.
CHECKPOINT_LISTENERS: list[Callable[[str], None]] = []


def _opt(text: object) -> str | None:
    return None if text is None else clean(str(text))


# One encoder for every column: json.dumps with options builds a new one per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)


def dumps(value: Any) -> str:
    """JSON for a ``*_json`` column: compact, UTF-8 kept, surrogates replaced, anything odd as text."""
    return clean(_ENCODER.encode(value))


def content_hash(text: str) -> str:
    """SHA-256 of a text's UTF-8 bytes, in hex: ``sha256(paragraphs.text)`` can be checked by anyone."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def post_hash(texts: Iterable[str]) -> str:
    """A post's content hash: of its paragraphs' texts joined by a blank line (title and date left out)."""
    return content_hash("\n\n".join(texts))


def file_digest(path: str) -> tuple[str | None, int | None]:
    """SHA-256 and size of an input file; (None, None) when it is not a regular file any more."""
    try:
        digest = hashlib.sha256()
        size = 0
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    except OSError:
        return None, None
    return digest.hexdigest(), size


def checkpoint(point: str) -> None:
    """Tell :data:`CHECKPOINT_LISTENERS` that the run reached ``point``."""
    for listener in CHECKPOINT_LISTENERS:
        listener(point)


Progress = Callable[[str, int, int | None], None]

#: Rows inserted per ``executemany``: a run's rows are never all held at once
#: (a million paragraphs make some two million pairs, each with its alignment).
CHUNK_ROWS = 5_000
#: Tables a run's rows fill one after another: every table but meta, runs, files and sketches.
_STORED_TABLES = len(TABLES) - 4


class _Inserter:
    """Rows of one run, inserted ``CHUNK_ROWS`` at a time, table by table.

    :meth:`add` buffers a row (without the run's id, which the statement
    holds); :meth:`done` inserts what a table has left and tells
    ``progress``, in the order the tables are finished.
    """

    def __init__(self, conn: sqlite3.Connection, run: int, progress: Progress | None) -> None:
        self._conn = conn
        self._run = int(run)
        self._progress = progress
        self._rows: defaultdict[str, list[tuple[object, ...]]] = defaultdict(list)
        self._done = 0

    def add(self, table: str, row: tuple[object, ...]) -> None:
        rows = self._rows[table]
        rows.append(row)
        if len(rows) >= CHUNK_ROWS:
            self._flush(table)

    def _flush(self, table: str) -> None:
        rows = self._rows[table]
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            self._conn.executemany(f"INSERT INTO {table} VALUES ({self._run}, {marks})", rows)
            rows.clear()

    def start(self) -> None:
        """Tell ``progress`` that the store's rows are begun (a log dates the stage from here)."""
        if self._progress:
            self._progress("store", 0, _STORED_TABLES)

    def done(self, *tables: str) -> None:
        for table in tables:
            self._flush(table)
            self._done += 1
            if self._progress:
                self._progress("store", self._done, _STORED_TABLES)
            checkpoint(table)


def write_rows(
    conn: sqlite3.Connection,
    run: int,
    doc: Mapping[str, Any],
    graph: Any,
    progress: Progress | None = None,
    cwd: str | None = None,
) -> None:
    """Insert every row of one run (``doc`` is its audit.json document, ``graph`` its networkx graph).

    The document's lists are read item by item (:class:`provenance.export.Items`)
    and their rows inserted in chunks, so the store is written in bounded memory.
    ``cwd``, the folder the run was started in, makes each post's file absolute
    (``posts.source_file``); without it the path is kept as given.
    """
    rows = _Inserter(conn, run, progress)
    rows.start()
    _posts(rows, doc["posts"], cwd)
    _pairs(rows, doc["pairs"])
    _clusters(rows, doc["clusters"])
    for i, r in enumerate(doc["reprints"]):
        rows.add(
            "reprints",
            (
                i,
                clean(r["source"]),
                clean(r["copy"]),
                r["shared_paragraphs"],
                r["share_of_source"],
                r["decided_by"],
            ),
        )
    rows.done("reprints")
    _outlets(rows, doc["outlets"])
    _findings(rows, doc["findings"])
    _edges(rows, graph)


def _file_of(files: dict[str, str], path: str, cwd: str | None) -> str:
    """A post's file by absolute path, as ``provenance diff`` names it (:func:`absolute`)."""
    found = files.get(path)
    if found is None:
        found = files[path] = absolute(cwd, path) if cwd else path
    return found


def _posts(rows: _Inserter, posts: Iterable[Mapping[str, Any]], cwd: str | None) -> None:
    files: dict[str, str] = {}  # one absolute path per file, not per post
    for ord_, post in enumerate(posts):
        pid = clean(post["id"])
        texts = [clean(p["text"]) for p in post["paragraphs"]]
        for p, text in zip(post["paragraphs"], texts, strict=True):
            rows.add("paragraphs", (pid, p["index"], p["line"], p["line_end"], text, content_hash(text)))
        citation = post.get("citation") or {}
        source = post["source"]
        rows.add(
            "posts",
            (
                pid,
                ord_,
                clean(post["title"]),
                post.get("date"),
                post.get("time"),
                _opt(citation.get("outlet")),
                int(bool(post.get("reference"))),
                clean(source["path"]),
                source["line_start"],
                source["line_end"],
                _opt(post.get("url")),
                post.get("format"),
                sum(len(text.split()) for text in texts),
                post_hash(texts),
                dumps({k: v for k, v in post.items() if k not in POST_COLUMNS}),
                _file_of(files, clean(source["path"]), cwd),
            ),
        )
        reuse = post.get("reuse")
        if reuse is None:
            continue
        credit = reuse.get("credit")
        rows.add(
            "reuse",
            (
                pid,
                reuse["share"],
                reuse["quoted_share"],
                reuse["derivation"],
                None if credit is None else credit["credited_share"],
                None if credit is None else credit["uncredited_share"],
            ),
        )
        for i, s in enumerate(reuse["sources"]):
            # JSON null (not read, past the budget) is kept as the text "null"; NULL is a run before it.
            changes = dumps(s["changes"]) if "changes" in s else None
            rows.add(
                "reuse_sources",
                (
                    pid,
                    i,
                    clean(s["post"]),
                    s["share"],
                    s["quoted_share"],
                    s["decided_by"],
                    changes,
                ),
            )
        for i, e in enumerate((credit or {}).get("by", [])):
            rows.add(
                "reuse_credits",
                (
                    pid,
                    i,
                    clean(e["source"]),
                    _opt(e["outlet"]),
                    e["how"],
                    int(bool(e["credited"])),
                    e["share"],
                    e["evidence_line"],
                    _opt(e["evidence"]),
                ),
            )
    rows.done("posts", "paragraphs", "reuse", "reuse_sources", "reuse_credits")


def _pairs(rows: _Inserter, pairs: Iterable[Mapping[str, Any]]) -> None:
    for i, p in enumerate(pairs):
        rows.add(
            "pairs",
            (
                i,
                clean(p["a"]["post"]),
                p["a"]["paragraph"],
                clean(p["b"]["post"]),
                p["b"]["paragraph"],
                p["kind"],
                p["jaccard"],
                p["containment"],
                int(bool(p["inside_post"])),
                p["cluster"],
                p["source"],
                dumps(p["alignment"]),
                dumps(p["edits"]),
                p.get("partial_containment"),
                p.get("decided_by"),
            ),
        )
    rows.done("pairs")


def _clusters(rows: _Inserter, clusters: Iterable[Mapping[str, Any]]) -> None:
    for i, c in enumerate(clusters):
        rows.add(
            "clusters",
            (
                c["id"],
                i,
                clean(c["earliest"]["post"]),
                c["earliest"]["paragraph"],
                dumps(c["kinds"]),
                c["witness_decided_by"],
                dumps(c["edits"]),
            ),
        )
        for j, m in enumerate(c["members"]):
            rows.add("cluster_members", (c["id"], j, clean(m["post"]), m["paragraph"]))
    rows.done("clusters", "cluster_members")


def _outlets(rows: _Inserter, outlets: Iterable[Mapping[str, Any]]) -> None:
    for i, o in enumerate(outlets):
        reuse = o.get("reuse") or {}
        rows.add(
            "outlets",
            (
                i,
                clean(o["name"]),
                o["kind"],
                o["source"],
                reuse.get("copies"),
                reuse.get("words"),
                reuse.get("credited_words"),
                reuse.get("credited_share"),
                dumps({k: v for k, v in o.items() if k not in OUTLET_COLUMNS}),
            ),
        )
    rows.done("outlets")


def _findings(rows: _Inserter, findings: Iterable[Mapping[str, Any]]) -> None:
    for i, f in enumerate(findings):
        rows.add(
            "findings",
            (i, f["kind"], f["severity"], clean(f["summary"]), dumps(f["posts"]), dumps(f["evidence"])),
        )
        for post in dict.fromkeys(clean(p) for p in f["posts"]):
            rows.add("finding_posts", (i, post))
    rows.done("findings", "finding_posts")


def _edges(rows: _Inserter, graph: Any) -> None:
    if graph is not None:
        for source, target, data in graph.edges(data=True):
            kind = data.get("type")
            attrs = {k: v for k, v in data.items() if k != "type"}
            rows.add("graph_edges", (clean(str(source)), clean(str(target)), _opt(kind), dumps(attrs)))
    rows.done("graph_edges")
