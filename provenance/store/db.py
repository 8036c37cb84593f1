"""Opening a store: the connection, its settings, the lock, and SQLite's errors as one-line messages.

A run writes the store in one transaction that it begins with ``BEGIN
IMMEDIATE`` before the audit starts and commits when every row is in. That
transaction is the lock: a second run meets it within :data:`LOCK_TIMEOUT`
seconds and is refused before its minutes of work, and a run killed at any
moment never commits, so the store stays as the last complete run left it.
In WAL mode readers (``provenance diff``, ``sqlite3``, Datasette) go on
reading the last committed runs meanwhile; a new store's first run is
written through a rollback journal instead (:func:`connect_for_run`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from provenance.errors import StoreError
from provenance.store.schema import DDL, INDEXES, MIGRATIONS, SCHEMA_VERSION, TABLES, VIEWS

#: Seconds a run waits for another run's lock before it is refused.
LOCK_TIMEOUT = 0.5


def describe(path: str | os.PathLike[str], exc: sqlite3.Error) -> str:
    """What went wrong with the store at ``path``, said so that the reader knows what to do."""
    text = str(exc)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return (
            f"{path}: the store is in use by another provenance run (it holds the store's lock); "
            "wait for it to finish, or give another --db"
        )
    if "full" in lowered:
        return (
            f"{path}: no space left to write the store ({text}); the run was not recorded and the "
            "store holds the runs it held before; free some space and run again"
        )
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return (
            f"{path}: not a readable SQLite store ({text}): the file is damaged or is not a store; "
            "move it aside and run again to start a new store there"
        )
    if "readonly" in lowered or "read-only" in lowered:
        return f"{path}: the store cannot be written ({text})"
    if "unable to open" in lowered:
        return f"{path}: cannot open the store ({text})"
    return f"{path}: store error: {text}"


@contextlib.contextmanager
def translated(path: str | os.PathLike[str]) -> Iterator[None]:
    """Turn any SQLite error inside the block into a :class:`StoreError` naming ``path``."""
    try:
        yield
    except sqlite3.Error as exc:
        raise StoreError(describe(path, exc)) from exc


def connect_for_run(path: Path) -> sqlite3.Connection:
    """A connection to write one run: full sync, autocommit off under our own BEGIN; WAL, but for a new store.

    A new store (no file yet, or an empty one) is written through a rollback
    journal, switched to WAL once its first run is in (:func:`to_wal`). Its
    pages are all new, and a rollback journal keeps only what a transaction
    overwrites, so each page is written once, where WAL writes it to the
    ``-wal`` file and copies it home at the checkpoint: at a million
    paragraphs the store's 1.7 GB were written twice. A run killed meanwhile
    leaves a journal that the next connection rolls back, to an empty file:
    as WAL leaves it. Until then a reader finds the store locked, and it holds
    no run to read.
    """
    if path.is_dir():
        raise StoreError(f"{path}: a folder, not a store file; give a file name such as audit.sqlite")
    if path.parent and not path.parent.is_dir():
        raise StoreError(f"{path}: the folder {path.parent} does not exist")
    wanted = "delete" if is_new_store(path) else "wal"
    conn = sqlite3.connect(path, timeout=LOCK_TIMEOUT, isolation_level=None)
    try:
        with translated(path):
            mode = conn.execute(f"PRAGMA journal_mode={wanted}").fetchone()[0]
            if str(mode).lower() != wanted:
                raise StoreError(
                    f"{path}: cannot switch the store to {wanted.upper()} mode (it stays {mode})"
                )
            # A run's commit reaches the disk before the command says it is done.
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
    except BaseException:
        conn.close()
        raise
    return conn


def is_new_store(path: Path) -> bool:
    """Whether ``path`` holds no store yet: no file, or an empty one.

    A first run killed in WAL mode left an empty file; one killed here leaves
    its pages and a journal, which the next connection rolls back to an empty
    file: that run is written in WAL mode, correct but not faster.
    """
    try:
        return path.stat().st_size == 0
    except FileNotFoundError:
        return True


def to_wal(conn: sqlite3.Connection) -> None:
    """Switch a store written through a rollback journal (a new one, :func:`connect_for_run`) to WAL.

    Outside a transaction, once its first run is committed. Should another
    connection hold it meanwhile, the store stays as it is, whole, and the
    next run switches it: this saves no data, only the readers' concurrency.
    """
    with contextlib.suppress(sqlite3.Error):
        conn.execute("PRAGMA journal_mode=WAL")


def connect_to_read(path: Path) -> sqlite3.Connection:
    """A read-only connection to an existing store, checked to be one of this version."""
    if not path.is_file():
        raise StoreError(f"{path}: no store there (write one with `provenance audit DUMP --db {path}`)")
    conn = _open_to_read(path)
    try:
        with translated(path):
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = table_names(conn)
        check_version(path, version, tables)
        if "runs" not in tables:
            raise StoreError(f"{path}: the store holds no run yet")
    except BaseException:
        conn.close()
        raise
    return conn


def _open_to_read(path: Path) -> sqlite3.Connection:
    """A connection that cannot write rows, and that tidies up after itself where it may.

    Reading a WAL store makes SQLite create ``-wal`` and ``-shm`` files beside
    it, and only a connection allowed to write may remove them when it closes
    last: with ``mode=ro`` every ``provenance report --db`` or ``diff`` left
    them behind. So a store the user may write is opened read-write with
    ``query_only`` on (SQLite refuses any change), and only a store in a
    read-only file or folder with ``mode=ro``, which leaves the two files.
    """
    # The path's bytes, as the file system holds them: a name that is not UTF-8 (caf\xe9.sqlite) is
    # quoted byte for byte, where quoting its str failed on the surrogate standing for the byte.
    uri = f"file:{quote(os.fsencode(path.resolve()))}"
    if os.access(path, os.W_OK) and os.access(path.resolve().parent, os.W_OK):
        conn = sqlite3.connect(f"{uri}?mode=rw", uri=True, timeout=5.0)
        try:
            with translated(path):
                conn.execute("PRAGMA query_only=ON")
        except BaseException:
            conn.close()
            raise
        return conn
    return sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=5.0)


def table_names(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}


def check_version(path: Path, version: int, tables: set[str]) -> None:
    """Refuse a store of another layout, and an SQLite file that is not a store at all.

    A store of an earlier version that :data:`MIGRATIONS` brings to this one
    is accepted: it is read as it is (its readers ask for the columns it has,
    :func:`has_column`) and migrated by the next audit that writes it.
    """
    if (version == SCHEMA_VERSION or version in MIGRATIONS) and {"meta", "runs"} <= tables:
        return
    if not tables:
        raise StoreError(f"{path}: an empty SQLite file, not a store (no run written to it yet)")
    if version == 0 or "meta" not in tables:
        raise StoreError(
            f"{path}: an SQLite database that is not a provenance store (tables: "
            f"{', '.join(sorted(tables)[:5])}); give another --db"
        )
    later = (
        " (written by a later provenance: upgrade provenance to read it)" if version > SCHEMA_VERSION else ""
    )
    raise StoreError(
        f"{path}: a store of schema version {version}{later}, and this provenance reads and writes "
        f"version {SCHEMA_VERSION}; audit with --rebuild to start the store afresh (its runs are "
        "dropped), or give another --db"
    )


def has_column(conn: sqlite3.Connection, table: str, column: str) -> bool:
    """Whether ``table`` has ``column``: a store of an earlier version lacks the columns added since."""
    return any(row[1] == column for row in conn.execute(f"PRAGMA table_info({table})"))


class Prepared(NamedTuple):
    """What :func:`prepare` found: a store made now, or the version an older one was migrated from."""

    created: bool
    migrated_from: int | None = None


def prepare(conn: sqlite3.Connection, path: Path, rebuild: bool) -> Prepared:
    """Inside the run's transaction: create the tables of a new store, drop and recreate them, or migrate.

    Says whether the store is new (no earlier run to compare with), and
    which version a store of an earlier layout was migrated from
    (:data:`MIGRATIONS`, in this transaction too: a run that fails or is
    stopped leaves the store at its old version). A new
    store's secondary indexes are not made here: :func:`create_indexes` makes
    them once its first run's rows are in, one sort each instead of a
    B-tree insert at a random place per row (a million paragraphs' rows went
    in 56 s instead of 68-71 s, indexes included: a scratch script on a
    pickled audit, the two ways alternately). DDL is
    transactional in SQLite: a ``--rebuild`` killed before its commit leaves
    the old store as it was, indexes included.
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = table_names(conn)
    if tables and rebuild:
        if version == 0 or "meta" not in tables:
            check_version(path, version, tables)  # not a store: never dropped, even with --rebuild
        for view in VIEWS:
            conn.execute(f"DROP VIEW IF EXISTS {view}")
        for table in reversed(TABLES):
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        tables = set()
    if tables:
        check_version(path, version, tables)
        if version == SCHEMA_VERSION:
            return Prepared(created=False)
        for step in range(version, SCHEMA_VERSION):
            for statement in MIGRATIONS[step]:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        return Prepared(created=False, migrated_from=version)
    # executescript would commit the open transaction first: one statement at a time instead.
    for statement in DDL.split(";\n"):
        if statement.strip() and statement.strip() not in INDEXES:
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return Prepared(created=True)


def create_indexes(conn: sqlite3.Connection) -> None:
    """The secondary indexes a new store's :func:`prepare` left out, made inside the run's transaction."""
    for statement in INDEXES:
        conn.execute(statement)
