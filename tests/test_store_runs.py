"""``provenance runs``: the runs a store holds, listed, and old ones dropped and the file compacted."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from test_store import _ok, _refused

from provenance.cli import cli
from provenance.store import drop_runs, stored_document, stored_runs
from provenance.store.schema import TABLES

TEXT = (
    "The ministry said on Monday that 12 soldiers were killed in the attack on the northern base, "
    "and that reinforcements had been sent from the capital overnight to secure the road."
)
OTHER = (
    "A separate report on the harvest found that wheat yields fell sharply this year across the "
    "southern plains because the spring rains came late and the summer was unusually hot."
)


def _post(pid: str, date: str, *paragraphs: str) -> dict[str, Any]:
    return {"id": pid, "title": f"Post {pid}", "date": date, "text": "\n\n".join(paragraphs)}


def _write(path: Path, posts: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(p) + "\n" for p in posts), encoding="utf-8")


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """Three runs: two posts; a third post added (a copy); its copy edited. Run 3 has 3 posts."""
    dump = tmp_path / "dump.jsonl"
    db = tmp_path / "a.sqlite"
    posts = [
        _post("orig", "2017-07-01", TEXT, OTHER),
        _post("other", "2017-07-02", OTHER.replace("wheat", "rye")),
    ]
    for extra in (
        [],
        [_post("copy", "2017-07-03", TEXT)],
        [_post("copy", "2017-07-03", TEXT.replace("12", "14"))],
    ):
        _write(dump, posts + extra)
        _ok(_invoke("audit", str(dump), "--out", str(tmp_path / "out"), "--db", str(db)))
    return db


def _rows_of_runs(db: Path) -> dict[str, set[int]]:
    """The runs each table holds rows of."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        found = {"runs": {row[0] for row in conn.execute("SELECT id FROM runs")}}
        for table in TABLES:
            if table not in ("meta", "runs"):
                found[table] = {row[0] for row in conn.execute(f"SELECT DISTINCT run FROM {table}")}
    return found


def test_the_runs_are_listed_with_their_figures(store: Path) -> None:
    listed = _ok(_invoke("runs", "--db", str(store))).output.splitlines()
    assert listed[0].split()[:4] == ["run", "started", "(UTC)", "files"]
    assert [line.split()[0] for line in listed[1:]] == ["1", "2", "3"]
    rows = json.loads(_ok(_invoke("runs", "--db", str(store), "--json")).output)
    assert [(r["id"], r["files"], r["posts"]) for r in rows] == [(1, 1, 2), (2, 1, 3), (3, 1, 3)]
    assert rows[0]["pairs"] < rows[1]["pairs"] and all(r["finished_at"] for r in rows)


def test_keep_drops_the_older_runs_from_every_table_and_compacts_the_file(
    store: Path, tmp_path: Path
) -> None:
    last = stored_document(store)
    before = os.stat(store).st_size
    out = _ok(_invoke("runs", "--db", str(store), "--keep", "1")).output
    assert "dropped runs 1, 2, kept run 3" in out and "MB before" in out and "MB now" in out
    held = _rows_of_runs(store)
    assert held["runs"] == held["posts"] == held["pairs"] == {3} and all(h <= {3} for h in held.values())
    # Compacted: no free page is left in the file, and it is smaller (on a store this small, most of the
    # file is the first page of each table and index, which every store has).
    assert os.stat(store).st_size < before
    with contextlib.closing(sqlite3.connect(store)) as conn:
        assert conn.execute("PRAGMA freelist_count").fetchone() == (0,)
    assert not Path(f"{store}-wal").exists()
    assert stored_document(store) == last  # the run left is untouched (its id and document)
    # Reading, reporting and the next audit go on from the run left.
    _ok(_invoke("report", "--db", str(store), "--out", str(tmp_path / "r.html")))
    _refused(_invoke("diff", "--db", str(store)), "holds 1 run")
    _write(tmp_path / "dump.jsonl", [_post("orig", "2017-07-01", TEXT, OTHER)])
    _ok(_invoke("audit", str(tmp_path / "dump.jsonl"), "--out", str(tmp_path / "o2"), "--db", str(store)))
    since = json.loads((tmp_path / "o2" / "audit.json").read_text(encoding="utf-8"))["since_last_run"]
    assert since["previous_run"] == 3 and {p["id"] for p in since["removed_posts"]} == {"other", "copy"}
    # Nothing to drop: said, and nothing changes.
    assert (
        "nothing to drop (runs 3, 4 kept)" in _ok(_invoke("runs", "--db", str(store), "--keep", "2")).output
    )


def test_drop_names_runs_and_an_unknown_run_drops_nothing(store: Path) -> None:
    _refused(
        _invoke("runs", "--db", str(store), "--drop", "2", "--drop", "9"), "no run 9", "holds runs 1 to 3"
    )
    assert _rows_of_runs(store)["runs"] == {1, 2, 3}
    assert "dropped run 2, kept runs 1, 3" in _ok(_invoke("runs", "--db", str(store), "--drop", "2")).output
    # With run 2 gone the store is not "runs 1 to 3", for this command or report --run.
    _refused(_invoke("runs", "--db", str(store), "--drop", "2"), "no run 2", "(it holds runs 1, 3)")
    _refused(_invoke("report", "--db", str(store), "--run", "2"), "no run 2", "(it holds runs 1, 3)")
    held = _rows_of_runs(store)
    assert held["runs"] == held["posts"] == {1, 3} and all(h <= {1, 3} for h in held.values())
    diff = json.loads(_ok(_invoke("diff", "--db", str(store), "--json")).output)
    assert (diff["previous_run"], diff["run"]) == (1, 3)


def test_a_dropped_last_run_s_id_is_never_given_to_a_later_run(store: Path, tmp_path: Path) -> None:
    """Run 3's outputs say "run 3": once it is dropped, the next run is run 4, not another run 3."""
    assert "dropped run 3" in _ok(_invoke("runs", "--db", str(store), "--drop", "3")).output
    _ok(_invoke("audit", str(tmp_path / "dump.jsonl"), "--out", str(tmp_path / "o2"), "--db", str(store)))
    assert [run.id for run in stored_runs(store)] == [1, 2, 4]
    _refused(_invoke("report", "--db", str(store), "--run", "3"), "no run 3", "(it holds runs 1, 2, 4)")
    diff = json.loads(_ok(_invoke("diff", "--db", str(store), "--json")).output)
    assert (diff["previous_run"], diff["run"]) == (2, 4)


def test_a_store_whose_every_run_is_dropped_takes_the_same_command_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--drop` of every run, then the audit that made them, with `--reference refs` as before: it was
    refused, "other parameters (references ["refs"] in the store, ["/…/refs"] now)", as no run was left
    to say where `refs` was. The store keeps the references as absolute paths: the run is taken."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "refs").mkdir()
    _write(tmp_path / "refs" / "wire.jsonl", [_post("wire", "2017-06-30", TEXT)])
    _write(tmp_path / "dump.jsonl", [_post("orig", "2017-07-01", TEXT, OTHER)])
    command = ("audit", "dump.jsonl", "--reference", "refs", "--out", "o3", "--db", "r.sqlite")
    _ok(_invoke(*command))
    _ok(_invoke("runs", "--db", "r.sqlite", "--drop", "1"))
    assert stored_runs(tmp_path / "r.sqlite") == []
    again = _ok(_invoke(*command))
    assert "the store's first run" in again.output
    assert [run.id for run in stored_runs(tmp_path / "r.sqlite")] == [2]
    _refused(_invoke(*command[:3], "other-refs", *command[4:]), "other parameters", "other-refs")


def test_the_runs_a_store_holds_are_named_without_implying_a_dropped_one() -> None:
    from provenance.store.read import held_runs

    assert held_runs([]) == "no run" and held_runs([2]) == "run 2"
    assert held_runs([2, 3]) == "runs 2, 3" and held_runs([1, 2, 3]) == "runs 1 to 3"
    assert held_runs([1, 3, 4]) == "runs 1, 3, 4"
    assert held_runs([1, *range(3, 14)]) == "12 runs from 1 to 13"


def test_keep_zero_is_a_usage_error_and_keep_must_leave_a_run(store: Path) -> None:
    assert _invoke("runs", "--db", str(store), "--keep", "0").exit_code == 2
    with pytest.raises(Exception, match="at least one run"):
        drop_runs(store, keep=0)


def test_a_drop_is_refused_while_an_audit_holds_the_store(store: Path) -> None:
    holder = sqlite3.connect(store, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # what a running audit holds from its start to its commit
        _refused(_invoke("runs", "--db", str(store), "--keep", "1"), "in use", "nothing was dropped")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _rows_of_runs(store)["runs"] == {1, 2, 3}


def test_a_drop_that_fails_midway_leaves_every_run(store: Path) -> None:
    """An error after some tables' rows are deleted rolls all of them back: no run is left half."""
    with sqlite3.connect(store) as conn:
        conn.execute(
            "CREATE TRIGGER fail BEFORE DELETE ON posts BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
        )
    before = _rows_of_runs(store)
    _refused(_invoke("runs", "--db", str(store), "--keep", "1"), "a.sqlite", "nothing was dropped")
    assert _rows_of_runs(store) == before
    assert stored_document(store, 1)[1]["summary"]["posts"] == 2


def test_a_reader_holding_the_store_delays_the_compaction_and_is_told(store: Path) -> None:
    reader = sqlite3.connect(store, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM posts").fetchone()  # a snapshot, as a Datasette query holds
        result = _ok(_invoke("runs", "--db", str(store), "--keep", "1"))
        assert "dropped runs 1, 2" in result.output and "MB now" not in result.output
        assert "another connection is reading the store" in result.output
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    assert _rows_of_runs(store)["runs"] == {3}


def test_ctrl_c_during_diff_ends_as_every_command_s_does(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Status 130 and the one line that says so, the store closed and tidied; it was click's 'Aborted!', 1.

    (diff alone took no stop signals: SIGTERM ended it at once, leaving -wal and -shm beside the store.)
    """
    import provenance.store

    def interrupted(*args: Any) -> Any:
        signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(provenance.store, "diff_runs", interrupted)
    result = _invoke("diff", "--db", str(store))
    assert result.exit_code == 130, result.output
    assert "Aborted (SIGINT)" in result.output
    assert sorted(p.name for p in store.parent.glob("a.sqlite*")) == ["a.sqlite"]


def test_ctrl_c_while_compacting_says_the_runs_are_dropped(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runs are gone once the drop commits: a Ctrl-C while the file is compacted says so, then 130.

    It printed only "stopped before the end", which reads as nothing dropped.
    """
    import provenance.store.runs as runs_module

    connect = runs_module.connect_for_run

    class InterruptedAtVacuum:
        def __init__(self, path: Path) -> None:
            self.conn = connect(path)

        def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
            if sql == "VACUUM":
                signal.raise_signal(signal.SIGINT)
            return self.conn.execute(sql, *args)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.conn, name)

    monkeypatch.setattr(runs_module, "connect_for_run", InterruptedAtVacuum)
    result = _invoke("runs", "--db", str(store), "--keep", "1")
    assert result.exit_code == 130, result.output
    assert "dropped runs 1, 2, kept run 3" in result.output
    assert "compacting was stopped" in result.output
    assert [row.id for row in stored_runs(store)] == [3]


def test_a_missing_store_or_another_file_is_refused(tmp_path: Path) -> None:
    _refused(_invoke("runs", "--db", str(tmp_path / "none.sqlite"), "--keep", "1"), "no store there")
    _refused(_invoke("runs", "--db", str(tmp_path / "none.sqlite")), "no store there")
    other = tmp_path / "other.sqlite"
    with contextlib.closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE t (x)")
    _refused(_invoke("runs", "--db", str(other), "--keep", "1"), "not a provenance store")
    with contextlib.closing(sqlite3.connect(other)) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("t",)]
    # Refused files are left byte for byte: an empty file became a 4,096-byte WAL database.
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    before = other.read_bytes()
    _refused(_invoke("runs", "--db", str(empty), "--keep", "1"), "not a store")
    _refused(_invoke("runs", "--db", str(other), "--drop", "1"), "not a provenance store")
    assert empty.read_bytes() == b"" and other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.sqlite", "other.sqlite"]


def test_a_store_given_to_report_where_an_audit_json_goes_is_pointed_to_db(
    store: Path, tmp_path: Path
) -> None:
    out = _refused(_invoke("report", str(store), "--out", str(tmp_path / "r.html")), "an SQLite file")
    assert f"provenance report --db {store}" in out
    assert not (tmp_path / "r.html").exists()
