"""The audit store (``--db audit.sqlite``): every run kept in SQLite, compared with the run before.

``provenance audit DUMP --db audit.sqlite`` records the run's posts,
paragraphs, pairs, clusters, verdicts, reprints, outlets, findings and graph
edges, with a run log (input files and their SHA-256, parameters, versions,
times), and reports what changed since the store's previous run
(``since_last_run``). ``docs/store.md`` documents the tables and views.

How a run uses it (:class:`RunStore`):

1. :meth:`RunStore.open` begins the run's one transaction (the store's lock,
   see :mod:`provenance.store.db`), creates or checks the tables, and checks
   the parameters that change results against the store's: a mismatch is
   refused with a hint to ``--rebuild``, never mixed.
2. The audit runs.
3. :meth:`RunStore.record` inserts the run's rows and compares them with the
   previous run (:mod:`provenance.store.diff`).
4. The outputs are written, then :meth:`RunStore.finish` completes the run
   row and commits. A run that stops anywhere before leaves the store as it was.

A run whose input files, parameters and versions all equal the previous
run's, into an output folder that still holds that run's outputs, is not
audited again (:meth:`RunStore.unchanged_run`). Otherwise every input file is
read again: the comparison is incremental, the audit is not
(``docs/store.md`` says why).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from provenance.errors import StoreError
from provenance.store.db import (
    connect_for_run,
    connect_to_read,
    create_indexes,
    describe,
    prepare,
    to_wal,
    translated,
)
from provenance.store.diff import diff_runs, format_diff, is_empty, run_files
from provenance.store.paths import absolute, clean
from provenance.store.read import check_run, last_runs, run_document, run_ids
from provenance.store.runs import Dropped, RunRow, drop_runs, list_runs
from provenance.store.schema import SCHEMA_VERSION
from provenance.store.write import TABLE_KEYS, Progress, checkpoint, dumps, file_digest, write_rows
from provenance.workers import collector_paused

__all__ = [
    "SCHEMA_VERSION",
    "Dropped",
    "RunRow",
    "RunStore",
    "drop_runs",
    "format_diff",
    "is_empty",
    "result_params",
    "stored_diff",
    "stored_document",
    "stored_runs",
]

#: AuditConfig fields that change how fast, never what, an audit finds; left out of the check.
#: (Both engines give the same results: tests/test_spark.py.)
NOT_RESULTS = frozenset({"jobs", "strict", "engine", "spark_master", "spark_staging"})


def result_params(config: Any) -> dict[str, Any]:
    """The parameters that change results, as JSON values (tuples as lists), from an AuditConfig."""
    params = {k: v for k, v in config.as_dict().items() if k not in NOT_RESULTS}
    loaded: dict[str, Any] = json.loads(json.dumps(params, default=str))
    return loaded


def _default_params() -> dict[str, Any]:
    """:func:`result_params` of the default AuditConfig."""
    from provenance.config import AuditConfig

    return result_params(AuditConfig())


#: Parameters that name files: the same file named another way (``refs``, ``/home/me/refs``) is one.
PATH_PARAMS = ("references", "aliases")


def _named_from(params: dict[str, Any], paths: dict[str, Any], cwd: str | None) -> dict[str, Any]:
    """``params`` with the paths of :data:`PATH_PARAMS` taken from ``paths``, made absolute from ``cwd``.

    A run given ``--reference refs`` in one folder and ``--reference
    /home/me/refs`` (or ``../refs``) elsewhere reads the same files: the
    parameters are the same. Without ``cwd`` (no run, or one recorded before
    it was kept) the paths are compared as given.
    """
    if cwd is None:
        return params
    named = dict(params)
    for key in PATH_PARAMS:
        value = paths.get(key)
        if isinstance(value, str):
            named[key] = absolute(cwd, value)
        elif isinstance(value, list):
            named[key] = [absolute(cwd, item) if isinstance(item, str) else item for item in value]
    return named


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class RunStore:
    """One run's hold on a store: its open transaction, the previous run, the run log."""

    def __init__(
        self, path: Path, conn: sqlite3.Connection, params: dict[str, Any], *, sketches: bool = False
    ) -> None:
        self.path = path
        self.conn = conn
        self.params = params
        #: Whether this run keeps a MinHash sketch of each paragraph text (:meth:`_keep_sketches`).
        self.sketches = sketches
        self.started_at = _now()
        # Where the run was started: its input paths, as given, are relative to it (store.diff.run_files).
        self.cwd = os.getcwd()
        self.run: int | None = None
        self.previous: int | None = None
        # A new store's secondary indexes are made after its first run's rows (db.prepare).
        self._indexes_pending = False
        self.since_last_run: dict[str, Any] | None = None
        #: What the run did with the store, in order; kept in ``runs.log_json`` and printed by the CLI.
        self.log: list[str] = []
        self._rest: dict[str, Any] = {}
        #: The audit.json document :meth:`record` stored the run from.
        self.document: Any = None
        self._order: list[str] = []
        #: Each input file's state before the audit read it (:meth:`note_inputs`), by path as given.
        self._before: dict[str, tuple[int, int, int] | None] | None = None

    @classmethod
    @contextlib.contextmanager
    def open(
        cls, path: str | os.PathLike[str], config: Any, *, rebuild: bool = False, sketches: bool = False
    ) -> Iterator[RunStore]:
        """Lock the store at ``path`` for one run and check it; roll back unless :meth:`finish` committed.

        With ``sketches`` the run keeps a MinHash sketch of each paragraph text
        the store does not hold one of yet (``audit --sketches``).

        Raises :class:`StoreError` when the store is in use, damaged, of
        another schema version, or of other parameters (unless ``rebuild``,
        which drops its runs, in this same transaction).
        """
        where = Path(path)
        conn = connect_for_run(where)
        store = cls(where, conn, result_params(config), sketches=sketches)
        try:
            with translated(where):
                conn.execute("BEGIN IMMEDIATE")
                prepared = prepare(conn, where, rebuild)
                store._indexes_pending = prepared.created
                store._check_params(prepared.created, rebuild)
                if prepared.migrated_from is not None:
                    store.log.append(
                        f"store {where} migrated from schema version {prepared.migrated_from} to "
                        f"{SCHEMA_VERSION} (its earlier runs keep what they recorded; docs/store.md)"
                    )
                runs = run_ids(conn)
                store.previous = runs[-1] if runs else None
            checkpoint("begin")
            yield store
        finally:
            with contextlib.suppress(sqlite3.Error):
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            conn.close()

    def _check_params(self, created: bool, rebuild: bool) -> None:
        if created:
            # The files named as absolute paths: compared with a later run's even when no run is left to
            # say where this one was started (every run dropped with ``provenance runs --drop``).
            params = _named_from(self.params, self.params, self.cwd)
            self.conn.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [("params", dumps(params)), ("created_at", self.started_at)],
            )
            self.log.append(
                f"{'rebuilt' if rebuild else 'new'} store {self.path} (schema version {SCHEMA_VERSION})"
            )
            return
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'params'").fetchone()
        stored = _named_from(json.loads(row[0]) if row else {}, *self._last_run_paths())
        now = _named_from(self.params, self.params, self.cwd)
        if row:
            # A parameter added since the store was made: its runs had what is now its default (the
            # constant it was before it became a parameter).
            for key, value in _default_params().items():
                stored.setdefault(key, value)
        differ = [
            f"{key} {json.dumps(stored.get(key))} in the store, {json.dumps(now.get(key))} now"
            for key in sorted(set(stored) | set(now))
            if stored.get(key) != now.get(key)
        ]
        if differ:
            raise StoreError(
                f"{self.path}: the store was audited with other parameters ({'; '.join(differ)}); "
                "its runs cannot be compared with this one. Audit with --rebuild to start the store "
                "afresh with these parameters, or give another --db"
            )

    def _last_run_paths(self) -> tuple[dict[str, Any], str | None]:
        """The last run's parameters and the folder it was started in (its paths are relative to it)."""
        row = self.conn.execute(
            "SELECT params_json, json_extract(document_json, '$.cwd') FROM runs "
            "WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is None or not isinstance(row[1], str):
            return {}, None
        return json.loads(row[0] or "{}"), row[1]

    def unchanged_run(
        self,
        paths: Sequence[str | os.PathLike[str]],
        config: Any,
        exclude_dirs: Sequence[str | os.PathLike[str]],
        out_dir: Path,
        with_json: bool = True,
    ) -> int | None:
        """The previous run, when auditing ``paths`` again would repeat it exactly; else None.

        The audit is deterministic: the same files (path, order, reference or
        not, SHA-256), the same parameters (checked by :meth:`open`), the
        same provenance code (``tool.code_sha256``) and datasketch version
        give the same results. When ``out_dir`` also holds that run's outputs
        (each of the size and modification time recorded by :meth:`finish`),
        with audit.json among them or not as ``with_json`` asks, there is
        nothing to redo. The files are listed as the audit lists them
        (``ingest.input_files``); one the last run skipped for its contents
        (empty, binary, of no known format) is checked again the way ingest
        checks it (``ingest.open_readable``) and matches if it is still
        skipped, for the same reason. Never with ``config.strict`` (the last
        run may have had warnings it allowed) or ``config.aliases`` (the
        file's contents are not kept in the store).
        """
        if self.previous is None or config.strict or config.aliases is not None:
            return None
        from importlib.metadata import version as installed

        from provenance import __version__
        from provenance.export import code_sha256
        from provenance.ingest import input_files, open_readable
        from provenance.models import Corpus, SkippedFile

        walked = Corpus()
        inputs = input_files(paths, config, walked, exclude_dirs=exclude_dirs)
        with translated(self.path):
            row = self.conn.execute(
                "SELECT tool_version, datasketch_version, "
                "json_extract(document_json, '$.rest.generated_at'), "
                "json_extract(document_json, '$.rest.skipped'), "
                "json_extract(document_json, '$.rest.tool.code_sha256'), "
                "json_extract(document_json, '$.outputs'), json_extract(document_json, '$.sketches') "
                "FROM runs WHERE id = ?",
                (self.previous,),
            ).fetchone()
            tool, datasketch, generated_at, stored_skipped, code, outputs, sketched = row
            if self.sketches and not sketched:
                return None  # sketches asked for, and the last run kept none: audit again, keeping them
            if tool != __version__ or datasketch != installed("datasketch") or code != code_sha256():
                return None  # other code: its results may differ
            if not generated_at:
                return None
            files = self.conn.execute(
                "SELECT path, reference, sha256 FROM files WHERE run = ? ORDER BY ord", (self.previous,)
            ).fetchall()
            read = {path for path, _, _ in files}
            # Each input by the name the store holds (clean): one that is not UTF-8 is kept with U+FFFD.
            named = {clean(str(p)): str(p) for p, _ in inputs}
            if len(named) < len(inputs) or [(path, bool(reference)) for path, reference, _ in files] != [
                (clean(str(p)), r) for p, r in inputs if clean(str(p)) in read
            ]:
                return None  # not the same files (or two names the store cannot tell apart)
            recorded = json.loads(outputs or "null")
            if recorded and ("audit.json" in recorded) != with_json:
                return None  # audit.json asked for and not written, or the other way round
            if not _holds_outputs_of(out_dir, generated_at, recorded):
                return None
            stored_skips = {(s.get("path"), s.get("reason")) for s in json.loads(stored_skipped or "[]")}
            skips = {(clean(s.path), s.reason) for s in walked.skipped}
            for path, _ in inputs:
                if clean(str(path)) not in read:
                    found = open_readable(path, config)
                    skipped = isinstance(found, SkippedFile) and (clean(found.path), found.reason)
                    if not skipped or skipped not in stored_skips:
                        return None  # read now, or skipped for another reason: the audit would differ
                    skips.add(skipped)
            if skips != stored_skips:
                return None
            if any(file_digest(named[path])[0] != digest for path, _, digest in files):
                return None
            # Nothing is read from the tables a full run would rewrite: a page damaged there would go
            # unseen by this run and the next ones like it. SQLite's own check reads every page once.
            problems = [row[0] for row in self.conn.execute("PRAGMA quick_check(5)")]
            if problems != ["ok"]:
                raise StoreError(
                    describe(self.path, sqlite3.DatabaseError("malformed: " + "; ".join(problems)))
                )
            return self.previous

    def note_inputs(
        self,
        paths: Sequence[str | os.PathLike[str]],
        config: Any,
        exclude_dirs: Sequence[str | os.PathLike[str]],
    ) -> None:
        """Note each input file's size and times before the audit reads it (a walk, nothing opened).

        A file's SHA-256 is taken once the audit is done (:meth:`record`): a
        file written meanwhile (a dump still being exported, a sync) would be
        kept with the SHA-256 of text the run never read, and the next run,
        finding that SHA-256, would not audit it. A file whose size or times
        differ from these is kept without one.
        """
        from provenance.ingest import input_files
        from provenance.models import Corpus

        self._before = {
            str(path): _file_state(path)
            for path, _ in input_files(paths, config, Corpus(), exclude_dirs=exclude_dirs)
        }

    def record(self, audit: Any, progress: Progress | None = None) -> dict[str, Any]:
        """Insert the run's rows (uncommitted) and return what changed since the previous run.

        ``progress`` hears ``("store", tables written, tables)``.

        The cyclic collector is paused meanwhile: the rows are tuples and
        dicts made by the million, and the full collections they triggered
        walked the whole audit again and again and found nothing (0.8 of
        6.6 s at 100,000 paragraphs, a ``gc.callbacks`` timer; see
        :func:`provenance.workers.collector_paused`).
        """
        with collector_paused():
            return self._record(audit, progress)

    def _record(self, audit: Any, progress: Progress | None) -> dict[str, Any]:
        from provenance.export import audit_to_dict

        started = time.perf_counter()
        doc = audit_to_dict(audit)
        tool = doc["tool"]
        with translated(self.path):
            run = self.run = self._next_run_id()
            self.conn.execute(
                "INSERT INTO runs (id, started_at, tool_version, datasketch_version, minhash_scheme, "
                "params_json, document_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    run,
                    self.started_at,
                    tool["version"],
                    tool["datasketch"],
                    tool["minhash_scheme"],
                    dumps(doc["params"]),
                    dumps({"cwd": self.cwd}),
                ),
            )
            self._files(audit)
            write_rows(self.conn, run, doc, audit.graph.elements(), progress, self.cwd)
            if self.sketches:
                self._keep_sketches(run, audit.config, progress)
            if self._indexes_pending:
                create_indexes(self.conn)
                self._indexes_pending = False
                checkpoint("indexes")
            self.since_last_run = diff_runs(self.conn, self.previous, run)
        # Recorded with the stages' times (audit.json, the report), as the report's own time is.
        audit.timings["store"] = round(time.perf_counter() - started, 3)
        self._order = [key for key in doc if key not in ("since_last_run",)]
        self._rest = {key: value for key, value in doc.items() if key not in TABLE_KEYS}
        # The outputs are written from the same document (export.write_outputs), not built again.
        self.document = doc
        return self.since_last_run

    def _keep_sketches(self, run: int, config: Any, progress: Progress | None) -> None:
        """Sketch the run's paragraph texts the store holds no sketch of (:mod:`provenance.sketch`).

        A text is sketched once, whichever runs hold it: a second run on a dump
        with new posts sketches only their new texts. The parameters that make
        a sketch (``shingle_size``, ``num_perm``, ``seed``) are the store's,
        checked by :meth:`open`; what else does (datasketch's version, the hash
        scheme, the byte order) is kept in ``meta`` under ``sketches``, and when
        it differs from this run's the sketches are all made again, never mixed.
        ``progress`` hears ``("store: sketches", texts sketched, None)``.
        """
        from provenance.sketch import made_with, sketch_rows

        made_by = dumps(made_with())
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'sketches'").fetchone()
        if row is not None and row[0] != made_by:
            dropped = self.conn.execute("DELETE FROM sketches").rowcount
            self.log.append(
                f"sketches: {dropped:,} made by {row[0]} dropped and made again by {made_by} (never mixed)"
            )
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('sketches', ?)", (made_by,))
        held = self.conn.execute(
            "SELECT COUNT(*) FROM sketches WHERE content_hash IN "
            "(SELECT content_hash FROM paragraphs WHERE run = ?)",
            (run,),
        ).fetchone()[0]
        # One row per text (GROUP BY): a text inserted meanwhile is never met again by the open cursor.
        missing = self.conn.execute(
            "SELECT content_hash, MIN(text) FROM paragraphs p WHERE run = ? AND NOT EXISTS "
            "(SELECT 1 FROM sketches s WHERE s.content_hash = p.content_hash) GROUP BY content_hash",
            (run,),
        )
        made = wordless = 0
        for batch in sketch_rows(missing, config):
            rows = [(key, run, blob) for key, blob in batch if blob is not None]
            self.conn.executemany("INSERT OR IGNORE INTO sketches VALUES (?, ?, ?)", rows)
            made += len(rows)
            wordless += len(batch) - len(rows)
            if progress:
                progress("store: sketches", made, None)
        self.log.append(
            f"sketches: {made:,} paragraph texts sketched, {held:,} kept from earlier runs"
            + (f", {wordless:,} with no word (no sketch)" if wordless else "")
        )
        checkpoint("sketches")

    def _next_run_id(self) -> int:
        """An id no run of this store ever had, and kept as the store's ``last_run``.

        SQLite gives a new row the highest id plus one: after ``provenance
        runs --drop`` of the last run, the next run would take its id, and the
        outputs, reports and diffs that name the dropped run would name another.
        """
        row = self.conn.execute(
            "SELECT MAX(COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'last_run'), 0), "
            "COALESCE((SELECT MAX(id) FROM runs), 0))"
        ).fetchone()
        run = int(row[0]) + 1
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('last_run', ?)", (str(run),))
        return run

    def _files(self, audit: Any) -> None:
        corpus = audit.corpus
        references = set(corpus.references)
        before = run_files(self.conn, self.previous)
        rows = []
        unchanged = []
        written = []
        here = {path: absolute(self.cwd, path) for path in corpus.files}
        for ord_, path in enumerate(corpus.files):
            digest, size = file_digest(path)
            if digest is not None and self._before is not None:
                state = self._before.get(path)
                if state is None or state != _file_state(path):
                    # Written while the audit read it: the SHA-256 is not that of the text read.
                    digest = None
                    written.append(path)
            if here[path] not in before:
                status = "new"
            elif digest is not None and before[here[path]][1] == digest:
                status = "unchanged"
                unchanged.append(path)
            else:
                status = "changed"
            rows.append(
                (
                    self.run,
                    ord_,
                    clean(path),
                    corpus.formats.get(path),
                    int(path in references),
                    digest,
                    size,
                    status,
                )
            )
        self.conn.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        if self.previous is not None:
            counts = {s: sum(1 for r in rows if r[7] == s) for s in ("unchanged", "changed", "new")}
            self.log.append(
                f"files against run {self.previous}: {counts['unchanged']} unchanged "
                "(same SHA-256, read again), "
                f"{counts['changed']} changed, {counts['new']} new, "
                f"{len(before.keys() - set(here.values()))} no longer in the input"
            )
            self.log += [f"unchanged since run {self.previous}: {path}" for path in unchanged]
        self.log += [
            f"changed while this run read it: {path} (kept without its SHA-256: the next run audits it again)"
            for path in written
        ]

    def finish(self, audit: Any, written: Mapping[str, Path] | None = None) -> int:
        """Complete the run row (final timings, since_last_run, log) and commit; returns the run's id.

        ``written`` names the output files the run wrote: their sizes and
        modification times are kept, so a later run can tell whether its
        output folder still holds exactly them (:meth:`unchanged_run`).
        """
        if self.run is None:
            raise RuntimeError("finish() before record()")
        from provenance.export import materialized

        rest = materialized(self._rest)
        rest["timings"] = {k: round(v, 3) for k, v in audit.timings.items()}
        order = list(self._order)
        if getattr(audit, "since_last_run", None) is not None:
            rest["since_last_run"] = audit.since_last_run
            order.append("since_last_run")
        self.log.append(f"run {self.run} recorded in {self.path}")
        with translated(self.path):
            self.conn.execute(
                "UPDATE runs SET finished_at = ?, document_json = ?, log_json = ?, since_last_run_json = ? "
                "WHERE id = ?",
                (
                    _now(),
                    dumps(
                        {
                            "order": order,
                            "rest": rest,
                            "outputs": _stat_outputs(written or {}),
                            "cwd": self.cwd,
                            "sketches": self.sketches,
                        }
                    ),
                    dumps(self.log),
                    None if self.since_last_run is None else dumps(self.since_last_run),
                    self.run,
                ),
            )
            checkpoint("runs")
            self.conn.execute("COMMIT")
        to_wal(self.conn)  # a new store's first run was written through a rollback journal
        checkpoint("commit")
        return self.run


def _file_state(path: str | os.PathLike[str]) -> tuple[int, int, int] | None:
    """A file's size, modification and change times (a write changes them); None when it cannot be read."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


def _stat_outputs(written: Mapping[str, Path]) -> dict[str, list[int]]:
    """Each output file's ``[size, mtime_ns]``, by name."""
    found = {}
    for name, path in written.items():
        stat = os.stat(path)
        found[name] = [stat.st_size, stat.st_mtime_ns]
    return found


def _holds_outputs_of(out_dir: Path, generated_at: str, outputs: dict[str, list[int]] | None) -> bool:
    """Whether ``out_dir`` holds every output of the run made at ``generated_at``, and only those.

    A run recorded with its outputs (``outputs``: name -> ``[size,
    mtime_ns]``) matches when every one is there unchanged and no other
    output is: the test make and rsync use. A run recorded before outputs
    were kept matches when audit.json's head names its ``generated_at``.
    """
    from provenance.export import OUTPUT_FILES

    if outputs:
        for name in OUTPUT_FILES:
            try:
                stat = os.stat(out_dir / name)
            except OSError:
                if name in outputs:
                    return False
                continue
            if outputs.get(name) != [stat.st_size, stat.st_mtime_ns]:
                return False
        return True
    if not all((out_dir / name).is_file() for name in OUTPUT_FILES if name != "graph.gexf"):
        return False
    try:
        with open(out_dir / "audit.json", "rb") as handle:
            head = handle.read(4096).decode("utf-8", errors="replace")
    except OSError:
        return False
    found = re.search(r'"generated_at":\s*("[^"]*")', head)
    return found is not None and json.loads(found.group(1)) == generated_at


@contextlib.contextmanager
def _reading(path: str | os.PathLike[str]) -> Iterator[sqlite3.Connection]:
    where = Path(path)
    conn = connect_to_read(where)
    try:
        with translated(where):
            yield conn
    finally:
        conn.close()


def stored_document(path: str | os.PathLike[str], run: int | None = None) -> tuple[int, dict[str, Any]]:
    """The audit.json document of ``run`` (default: the last) rebuilt from the store, with the run's id."""
    with _reading(path) as conn:
        if run is None:
            runs = last_runs(conn, 1)
            if not runs:
                raise StoreError(f"{path}: the store holds no complete run")
            run = runs[0]
        check_run(conn, path, run)
        return run, run_document(conn, run)


def stored_diff(
    path: str | os.PathLike[str], old: int | None = None, new: int | None = None
) -> dict[str, Any]:
    """What changed from run ``old`` to run ``new`` (default: the last two runs)."""
    with _reading(path) as conn:
        if (old is None) != (new is None):
            raise StoreError("give two runs (RUN_A RUN_B) or none (the last two)")
        if old is None or new is None:
            runs = last_runs(conn, 2)
            if len(runs) < 2:
                raise StoreError(f"{path}: the store holds {len(runs)} run; a diff needs two")
            old, new = runs
        check_run(conn, path, old)
        check_run(conn, path, new)
        return diff_runs(conn, old, new)


def stored_runs(path: str | os.PathLike[str]) -> list[RunRow]:
    """The complete runs of the store at ``path``, oldest first (``provenance runs``)."""
    with _reading(path) as conn:
        return list_runs(conn)
