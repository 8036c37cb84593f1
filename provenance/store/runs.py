"""The runs a store holds: listed, and the old ones dropped so that the file stops growing.

Every run is kept whole (posts, paragraphs, pairs, ...: about 17 MB per
10,000 paragraphs), so a store audited every week grows by a whole audit each
week. ``provenance runs --db FILE`` lists the runs; ``--keep N`` and
``--drop RUN`` remove runs, then compact the file:

- The rows go in one transaction taken as a run takes it (``BEGIN
  IMMEDIATE``, the store's lock): an audit writing the store refuses to start
  meanwhile, and a drop refuses to start while an audit writes. Killed before
  its commit, a drop leaves every run in place.
- Compacting is SQLite's ``VACUUM`` after the commit, which rewrites the file
  without the freed pages (it needs free disk space of about the store's new
  size). When it cannot run (the disk is full, a reader holds the file), the
  runs are dropped all the same and the file keeps its size until the next
  drop or ``sqlite3 FILE VACUUM``; the message says so.

Later runs compare with the last run that is left: a dropped run's diff stays
in the runs after it as it was written (``since_last_run_json``).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from provenance.errors import StoreError
from provenance.store.db import check_version, connect_for_run, connect_to_read, describe, table_names
from provenance.store.read import held_runs, run_ids
from provenance.store.schema import TABLES

__all__ = ["Dropped", "RunRow", "drop_runs", "list_runs", "runs_named"]

#: Figures of a run's summary shown by ``provenance runs``, in order.
SUMMARY_FIGURES = ("posts", "paragraphs", "pairs", "reprints", "findings")


@dataclass(frozen=True, slots=True)
class RunRow:
    """One complete run as ``provenance runs`` lists it."""

    id: int
    started_at: str
    finished_at: str
    tool_version: str
    files: int
    figures: dict[str, int]  # SUMMARY_FIGURES from the run's audit.json summary

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "tool_version": self.tool_version,
            "files": self.files,
            **self.figures,
        }


@dataclass(slots=True)
class Dropped:
    """What :func:`drop_runs` did: the runs dropped and kept, and the file's size before and after."""

    dropped: list[int] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)
    size_before: int = 0
    size_after: int = 0  # after compacting; the file's size alone when it was not compacted
    not_compacted: str | None = None  # why the file is not compacted yet, when it is not
    #: A Ctrl-C or SIGTERM that stopped the compacting, the runs already dropped: the caller says what
    #: was done, then raises it (a bare "stopped before the end" would read as nothing dropped).
    stopped: KeyboardInterrupt | None = None


def runs_named(ids: Collection[int]) -> str:
    """``run 3`` or ``runs 1, 2``."""
    return f"run{'s' if len(ids) > 1 else ''} {', '.join(map(str, ids))}"


def _store_size(path: Path) -> int:
    """The bytes the store takes on disk: the file and the ``-wal`` file beside it."""
    total = 0
    for name in (path, path.with_name(path.name + "-wal")):
        with contextlib.suppress(OSError):
            total += os.stat(name).st_size
    return total


@contextlib.contextmanager
def _nothing_dropped_on_error(path: Path) -> Iterator[None]:
    """SQLite's errors before the commit as one line that says the store is as it was."""
    try:
        yield
    except sqlite3.Error as exc:
        if "full" in str(exc).lower():
            raise StoreError(f"{path}: no space left to drop runs ({exc}); nothing was dropped") from exc
        raise StoreError(f"{describe(path, exc)}; nothing was dropped") from exc


def list_runs(conn: sqlite3.Connection) -> list[RunRow]:
    """The store's complete runs, oldest first, each with its input files and its summary's figures."""
    files = dict(conn.execute("SELECT run, count(*) FROM files GROUP BY run").fetchall())
    rows = []
    for run, started, finished, tool, summary in conn.execute(
        "SELECT id, started_at, finished_at, tool_version, "
        "json_extract(document_json, '$.rest.summary') FROM runs "
        "WHERE finished_at IS NOT NULL ORDER BY id"
    ):
        found = json.loads(summary) if summary else {}
        figures = {name: int(found.get(name) or 0) for name in SUMMARY_FIGURES}
        rows.append(RunRow(run, started, finished, tool, int(files.get(run, 0)), figures))
    return rows


def _compact(conn: sqlite3.Connection, where: Path) -> str | None:
    """VACUUM the store after its runs were dropped; why the file is not compacted yet, when it is not."""
    try:
        conn.execute("VACUUM")
        # In WAL mode the rewritten pages go to the -wal file first; the checkpoint moves them home
        # and truncates both files, unless a reader still holds an older snapshot.
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    except sqlite3.Error as exc:
        return (
            f"{where}: compacting failed ({exc}); it shrinks at the next drop that has room for a copy "
            f"of it, or with `sqlite3 {where} VACUUM`"
        )
    if busy:
        return (
            f"{where}: another connection is reading the store (a report, Datasette, sqlite3), so "
            f"the compacted file waits in {where.name}-wal; it takes its new size once they close it"
        )
    return None


def drop_runs(
    path: str | os.PathLike[str], *, drop: Collection[int] = (), keep: int | None = None
) -> Dropped:
    """Remove the runs ``drop`` names and all but the last ``keep``, in one transaction, then compact.

    Raises :class:`StoreError` when the store is missing, in use by a run,
    not a store of this version, or holds no run of an id in ``drop``; the
    store is then as it was.
    """
    where = Path(path)
    if not where.is_file():
        raise StoreError(f"{where}: no store there (write one with `provenance audit DUMP --db {where}`)")
    if keep is not None and keep < 1:
        raise StoreError("--keep must leave at least one run (to start a store afresh, audit with --rebuild)")
    result = Dropped(size_before=_store_size(where))
    # Checked to be a store first, read-only: opening it to write would turn an empty file (or any
    # SQLite file) into a WAL database before the check refused it.
    connect_to_read(where).close()
    conn = connect_for_run(where)
    try:
        with _nothing_dropped_on_error(where):
            conn.execute("BEGIN IMMEDIATE")
            check_version(where, conn.execute("PRAGMA user_version").fetchone()[0], table_names(conn))
            runs = run_ids(conn)
            unknown = sorted(set(drop) - set(runs))
            if unknown:
                raise StoreError(
                    f"{where}: no {runs_named(unknown)} in the store (it holds {held_runs(runs)}); "
                    "nothing was dropped"
                )
            chosen = set(drop)
            if keep is not None:
                chosen.update(runs[:-keep])
            result.dropped = [run for run in runs if run in chosen]
            result.kept = [run for run in runs if run not in chosen]
            if not result.dropped:
                conn.execute("ROLLBACK")
                result.size_after = result.size_before
                return result
            marks = ", ".join("?" for _ in result.dropped)
            # Every table but meta holds a run column that leads its primary key: one range per run.
            for table in reversed(TABLES):
                if table in ("meta", "runs", "sketches"):
                    continue
                conn.execute(f"DELETE FROM {table} WHERE run IN ({marks})", result.dropped)
            conn.execute(f"DELETE FROM runs WHERE id IN ({marks})", result.dropped)
            # A sketch is kept while some run left holds its text, whichever run computed it.
            conn.execute(
                "DELETE FROM sketches WHERE NOT EXISTS "
                "(SELECT 1 FROM paragraphs p WHERE p.content_hash = sketches.content_hash)"
            )
            try:
                conn.execute("COMMIT")
            except KeyboardInterrupt as exc:
                if conn.in_transaction:
                    raise  # stopped before the commit: nothing was dropped
                result.stopped = exc  # stopped as the commit returned: the runs are gone
        if result.stopped is None:
            try:
                result.not_compacted = _compact(conn, where)
            except KeyboardInterrupt as exc:
                result.stopped = exc
        if result.stopped is not None:
            result.not_compacted = (
                f"{where}: compacting was stopped; it shrinks at the next drop, or with "
                f"`sqlite3 {where} VACUUM`"
            )
    finally:
        with contextlib.suppress(sqlite3.Error):
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        conn.close()
    result.size_after = _store_size(where)
    return result
