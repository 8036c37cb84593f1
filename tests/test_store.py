"""The audit store (``--db``): round trip, incremental diffs, parameters, lock, kill -9, damaged files."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from provenance.cli import cli
from provenance.store import stored_document, write
from provenance.store.schema import DDL, INDEXES, SCHEMA_VERSION, TABLES, VIEW_DDL, VIEWS

ROOT = Path(__file__).resolve().parents[1]

SOURCE = (
    "The ministry said on Monday that 12 soldiers were killed in the attack on the northern base, "
    "and that reinforcements had been sent from the capital overnight to secure the road."
)
SECOND = (
    "Officials in the province described the situation as calm but tense, with markets closed and "
    "checkpoints set up on every road leading into the town centre."
)
OTHER = (
    "A separate report on the harvest found that wheat yields fell sharply this year across the "
    "southern plains because the spring rains came late and the summer was unusually hot."
)
LATER = (
    "Residents who fled the fighting last week began returning to their homes on Thursday, according "
    "to aid workers who counted several hundred families crossing the river bridge before noon."
)
UNDATED = (
    "The harbour authority said the new breakwater would be finished by the end of the decade, and that "
    "the fishing fleet would be moved to the old quay while the work went on through the winter."
)


def _post(pid: str, date: str, *paragraphs: str, outlet: str | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": pid,
        "title": f"Post {pid}",
        "date": date,
        "text": "\n\n".join(paragraphs),
    }
    if outlet:
        record["outlet"] = outlet
    return record


def _write(path: Path, posts: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(p) + "\n" for p in posts), encoding="utf-8")


def _dump(folder: Path) -> Path:
    """A folder of two JSON Lines files: an original, a copy of it, an unrelated post, and a later post."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(
        folder / "posts.jsonl",
        [
            _post("orig", "2017-07-01", SOURCE, SECOND, outlet="Daily Wire Service"),
            _post("copy", "2017-07-03", SOURCE, OTHER),
            _post("other", "2017-07-04", OTHER.replace("wheat", "barley")),
        ],
    )
    _write(folder / "more.jsonl", [_post("later", "2017-07-05", LATER)])
    return folder


def _audit(tmp_path: Path, dump: Path | str, *extra: str) -> Result:
    return CliRunner().invoke(
        cli, ["audit", str(dump), "--out", str(tmp_path / "out"), "--db", str(tmp_path / "a.sqlite"), *extra]
    )


def _ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


def _refused(result: Result, *words: str) -> str:
    """A clean failure: exit status 1, a one-line click message containing ``words``, no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, result.output
    return result.output


def _runs(db: Path) -> list[tuple[int, str | None]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, finished_at FROM runs ORDER BY id").fetchall()


def _since(tmp_path: Path) -> dict[str, Any]:
    doc = json.loads((tmp_path / "out" / "audit.json").read_text(encoding="utf-8"))
    since: dict[str, Any] = doc["since_last_run"]
    return since


# ----------------------------------------------------------------------------------------------------------
# round trip


def _report_from_json(tmp_path: Path) -> str:
    target = tmp_path / "from-json.html"
    _ok(CliRunner().invoke(cli, ["report", str(tmp_path / "out" / "audit.json"), "--out", str(target)]))
    return target.read_text(encoding="utf-8")


def _report_from_store(tmp_path: Path, *run: str) -> str:
    target = tmp_path / "from-store.html"
    _ok(CliRunner().invoke(cli, ["report", "--db", str(tmp_path / "a.sqlite"), *run, "--out", str(target)]))
    return target.read_text(encoding="utf-8")


@pytest.mark.parametrize("chunk_rows", [5_000, 3])
def test_the_seed_round_trips_through_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk_rows: int
) -> None:
    """The store gives back audit.json's document, also when its rows are inserted a few at a time."""
    import provenance.store.write

    monkeypatch.setattr(provenance.store.write, "CHUNK_ROWS", chunk_rows)
    _ok(_audit(tmp_path, ROOT / "seeds"))
    saved = json.loads((tmp_path / "out" / "audit.json").read_text(encoding="utf-8"))
    run, doc = stored_document(tmp_path / "a.sqlite")
    assert run == 1
    assert doc == saved
    assert list(doc) == list(saved)
    assert (
        doc["findings"] and doc["reprints"] and doc["pairs"]
    )  # the seed has all three: nothing trivially equal
    assert _report_from_store(tmp_path) == _report_from_json(tmp_path)


def test_a_dump_with_a_lone_surrogate_round_trips_as_audit_json_writes_it(tmp_path: Path) -> None:
    dump = _dump(tmp_path / "dump")
    with (dump / "posts.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(_post("odd\ud800", "2017-07-06", SOURCE + " \ud800 end")) + "\n")
    _ok(_audit(tmp_path, dump))
    saved = json.loads((tmp_path / "out" / "audit.json").read_text(encoding="utf-8"))
    assert any(p["id"] == "odd\ufffd" for p in saved["posts"])
    assert stored_document(tmp_path / "a.sqlite")[1] == saved
    assert _report_from_store(tmp_path) == _report_from_json(tmp_path)


def test_the_store_holds_rows_users_query(tmp_path: Path) -> None:
    _ok(_audit(tmp_path, _dump(tmp_path / "dump")))
    _refused(
        CliRunner().invoke(cli, ["diff", "--db", str(tmp_path / "a.sqlite")]), "holds 1 run", "needs two"
    )
    with sqlite3.connect(tmp_path / "a.sqlite") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        files = conn.execute("SELECT path, sha256, size, status FROM files ORDER BY ord").fetchall()
        assert [Path(f[0]).name for f in files] == ["more.jsonl", "posts.jsonl"]
        assert all(len(f[1]) == 64 and f[2] > 0 and f[3] == "new" for f in files)
        copies = conn.execute(
            "SELECT copy, source, share > 0, decided_by, credited_share, uncredited_share FROM copies"
        ).fetchall()
        # "other" is a near copy of the copy's second paragraph (one word changed).
        assert sorted(c[:4] for c in copies) == [
            ("copy", "orig", 1, "post_date"),
            ("other", "copy", 1, "post_date"),
        ]
        assert all(c[4] + c[5] > 0 for c in copies)
        text, digest = conn.execute(
            "SELECT text, content_hash FROM paragraphs WHERE post = 'orig' AND idx = 0"
        ).fetchone()
        assert text == SOURCE
        import hashlib

        assert digest == hashlib.sha256(SOURCE.encode()).hexdigest()
        assert conn.execute("SELECT COUNT(*) FROM graph_edges").fetchone()[0] > 0
        params = json.loads(conn.execute("SELECT params_json FROM runs").fetchone()[0])
        assert params["num_perm"] == 128
        tool = conn.execute("SELECT tool_version, datasketch_version, minhash_scheme FROM runs").fetchone()
        assert all(tool)


# ----------------------------------------------------------------------------------------------------------
# incremental


def test_the_document_is_built_once_for_the_store_and_the_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recording the run and writing the outputs read one audit.json document (it took 11 s to build at a
    million paragraphs, twice); audit.json is the one an audit without the store writes, the store's
    timings and comparison included."""
    import provenance.export as export

    dump = _dump(tmp_path / "dump")
    plain = _ok(CliRunner().invoke(cli, ["audit", str(dump), "--out", str(tmp_path / "plain")]))
    built: list[int] = []
    real = export.audit_to_dict

    def counted(audit: Any) -> Any:
        built.append(1)
        return real(audit)

    monkeypatch.setattr(export, "audit_to_dict", counted)
    _ok(_audit(tmp_path, dump))
    assert len(built) == 1
    _ok(_audit(tmp_path, dump, "--rebuild"))
    assert len(built) == 2
    saved = json.loads((tmp_path / "out" / "audit.json").read_text(encoding="utf-8"))
    assert stored_document(tmp_path / "a.sqlite")[1] == saved
    assert list(saved)[-2:] == ["timings", "since_last_run"] and "store" in saved["timings"]
    alone = json.loads((tmp_path / "plain" / "audit.json").read_text(encoding="utf-8"))
    assert plain.exit_code == 0
    for doc in (saved, alone):
        for key in ("generated_at", "timings", "since_last_run"):
            doc.pop(key, None)
        doc["params"].pop("db", None)
    assert saved == alone


def test_a_headline_rewritten_or_a_post_redated_is_news_though_its_text_is_the_same(tmp_path: Path) -> None:
    """A post retitled, or dated otherwise (which can turn who copied whom), with the same text: listed in
    retitled_or_redated_posts, on the terminal and in the report; before, "nothing new" was said."""
    dump = _dump(tmp_path / "dump")
    _ok(_audit(tmp_path, dump))
    copy = _post("copy", "2017-07-03", SOURCE, OTHER)
    copy["title"] = "Post copy, retitled"
    _write(
        dump / "posts.jsonl",
        [
            _post("orig", "2017-07-01", SOURCE, SECOND, outlet="Daily Wire Service"),
            copy,
            _post("other", "2017-06-28", OTHER.replace("wheat", "barley")),
        ],
    )
    second = _ok(_audit(tmp_path, dump))
    since = _since(tmp_path)
    assert since["changed_posts"] == []
    assert since["retitled_or_redated_posts"] == [
        {
            "id": "copy",
            "title": "Post copy, retitled",
            "previous_title": "Post copy",
            "date": "2017-07-03",
            "previous_date": "2017-07-03",
        },
        {
            "id": "other",
            "title": "Post other",
            "previous_title": "Post other",
            "date": "2017-06-28",
            "previous_date": "2017-07-04",
        },
    ]
    assert "nothing new" not in second.output
    assert "posts whose title or date changed: 2" in second.output
    assert "copy: title 'Post copy' -> 'Post copy, retitled'" in second.output
    assert "other: date 2017-07-04 -> 2017-06-28" in second.output
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    since_html = html.split('<section id="since"')[1].split("</section>")[0]
    assert "Title changed:" in since_html and "(was <bdi>Post copy</bdi>)" in since_html
    assert "Date changed:" in since_html and "(2017-07-04 → 2017-06-28)" in since_html

    # The same time at another UTC offset is another moment, which can turn who copied whom.
    timed = _post("other", "2017-06-28T10:00:00+05:30", OTHER.replace("wheat", "barley"))
    _write(
        dump / "posts.jsonl",
        [_post("orig", "2017-07-01", SOURCE, SECOND, outlet="Daily Wire Service"), copy, timed],
    )
    _ok(_audit(tmp_path, dump))
    timed["date"] = "2017-06-28T10:00:00-05:30"
    _write(
        dump / "posts.jsonl",
        [_post("orig", "2017-07-01", SOURCE, SECOND, outlet="Daily Wire Service"), copy, timed],
    )
    fourth = _ok(_audit(tmp_path, dump))
    assert [(p["previous_date"], p["date"]) for p in _since(tmp_path)["retitled_or_redated_posts"]] == [
        ("2017-06-28 10:00:00+05:30", "2017-06-28 10:00:00-05:30")
    ]
    assert "other: date 2017-06-28 10:00:00+05:30 -> 2017-06-28 10:00:00-05:30" in fourth.output


def test_a_second_run_names_new_removed_and_changed_posts_and_nothing_on_an_unchanged_dump(
    tmp_path: Path,
) -> None:
    dump = _dump(tmp_path / "dump")
    first = _ok(_audit(tmp_path, dump))
    assert "the store's first run" in first.output
    assert _since(tmp_path) == {"run": 1, "previous_run": None}

    # Edit a number in the original, drop the unrelated post, add a post that copies the later one.
    _write(
        dump / "posts.jsonl",
        [
            _post(
                "orig",
                "2017-07-01",
                SOURCE.replace("12 soldiers", "13 soldiers"),
                SECOND,
                outlet="Daily Wire Service",
            ),
            _post("copy", "2017-07-03", SOURCE, OTHER),
            _post("fresh", "2017-07-09", LATER, SECOND),
        ],
    )
    second = _ok(_audit(tmp_path, dump))
    since = _since(tmp_path)
    saved = json.loads((tmp_path / "out" / "audit.json").read_text(encoding="utf-8"))
    assert stored_document(tmp_path / "a.sqlite") == (2, saved)
    assert since["run"] == 2 and since["previous_run"] == 1
    assert [p["id"] for p in since["new_posts"]] == ["fresh"]
    assert [p["id"] for p in since["removed_posts"]] == ["other"]
    [changed] = since["changed_posts"]
    assert changed["id"] == "orig"
    assert {"kind": "number", "group": "substantive", "a_text": "12", "b_text": "13"} in changed["edits"]
    new_pairs = {(p["a"]["post"], p["b"]["post"]) for p in since["new_pairs"]}
    assert ("later", "fresh") in new_pairs and ("orig", "fresh") in new_pairs
    assert [Path(p).name for p in since["files"]["unchanged"]] == ["more.jsonl"]
    assert [Path(p).name for p in since["files"]["changed"]] == ["posts.jsonl"]
    assert "unchanged since run 1:" in second.output and "more.jsonl" in second.output
    assert "new posts: 1" in second.output and "fresh (Post fresh)" in second.output
    assert "removed posts: 1" in second.output and "posts whose text changed: 1" in second.output
    assert "number: '12' -> '13'" in second.output

    # provenance diff prints the same, from the store alone.
    printed = _ok(CliRunner().invoke(cli, ["diff", "--db", str(tmp_path / "a.sqlite")])).output
    assert "fresh (Post fresh)" in printed and "number: '12' -> '13'" in printed
    as_json = json.loads(
        _ok(CliRunner().invoke(cli, ["diff", "--db", str(tmp_path / "a.sqlite"), "--json"])).output
    )
    assert as_json == since

    # The same files again into the same --out: not audited again, the store and the outputs unchanged.
    before = {name: (tmp_path / "out" / name).read_bytes() for name in ("audit.json", "report.html")}
    unchanged = _ok(_audit(tmp_path, dump))
    assert "nothing changed since run 2" in unchanged.output and "not audited again" in unchanged.output
    assert len(_runs(tmp_path / "a.sqlite")) == 2
    assert {name: (tmp_path / "out" / name).read_bytes() for name in before} == before

    # Into another --out, the unchanged dump is audited and recorded: nothing new.
    third = _ok(
        CliRunner().invoke(
            cli, ["audit", str(dump), "--out", str(tmp_path / "out3"), "--db", str(tmp_path / "a.sqlite")]
        )
    )
    assert "nothing new since run 2" in third.output
    since = json.loads((tmp_path / "out3" / "audit.json").read_text(encoding="utf-8"))["since_last_run"]
    for key in ("new_posts", "removed_posts", "changed_posts", "new_pairs", "removed_pairs", "new_findings"):
        assert since[key] == [], key
    assert len(since["files"]["unchanged"]) == 2

    # An input file deleted between runs: its posts are removed, the file is named.
    (dump / "more.jsonl").unlink()
    _ok(_audit(tmp_path, dump))
    since = _since(tmp_path)
    assert [Path(p).name for p in since["files"]["removed"]] == ["more.jsonl"]
    assert [p["id"] for p in since["removed_posts"]] == ["later"]

    # Any two runs, and the report of an older run.
    between = json.loads(
        _ok(CliRunner().invoke(cli, ["diff", "--db", str(tmp_path / "a.sqlite"), "1", "3", "--json"])).output
    )
    assert [p["id"] for p in between["new_posts"]] == ["fresh"]
    assert "Post other" in _report_from_store(tmp_path, "--run", "1")
    assert "Post other" not in _report_from_store(tmp_path)
    _refused(
        CliRunner().invoke(cli, ["report", "--db", str(tmp_path / "a.sqlite"), "--run", "9"]),
        "no run 9",
        "1 to 4",
    )


def test_posts_only_reordered_change_no_pair_and_no_reprint(tmp_path: Path) -> None:
    """A pair's a and b, an undecided reprint's two sides and a reprint whose order is guessed from the
    input's order follow that order: not a change."""
    dump = tmp_path / "dump"
    dump.mkdir()
    posts = [
        _post("orig", "2017-07-01", SOURCE, SECOND),
        _post("copy", "2017-07-03", SOURCE, OTHER),
        _post("twin", "2017-07-01", SECOND, LATER),  # the same day as orig: which came first is undecided
        # Neither dated: which is the copy is guessed from the input's order, and flips with it.
        _post("undated-a", "", UNDATED),
        _post("undated-b", "", UNDATED, "Source: the newsletter of the harbour authority."),
    ]
    _write(dump / "posts.jsonl", posts)
    _ok(_audit(tmp_path, dump))
    reprints = json.loads((tmp_path / "out" / "audit.json").read_text(encoding="utf-8"))["reprints"]
    assert {(r["source"], r["copy"], r["decided_by"]) for r in reprints} >= {
        ("undated-a", "undated-b", "input_order")
    }
    _write(dump / "posts.jsonl", posts[::-1])
    second = _ok(_audit(tmp_path, dump))
    since = _since(tmp_path)
    assert [Path(p).name for p in since["files"]["changed"]] == ["posts.jsonl"]
    for key in ("new_pairs", "removed_pairs", "new_reprints"):
        assert since[key] == [], key
    assert "nothing new since run 1" in second.output


def test_a_second_finding_or_pair_of_the_same_posts_is_news(tmp_path: Path) -> None:
    """A post given a second note pointing to a missing article, or a text repeated once more in a post:
    a new finding, new pairs. Named like the ones before (kind, severity, posts; posts and texts), they
    were taken for them: "nothing new since run 1", and the article arriving later resolved nothing.
    Each finding and pair is matched once."""
    dump = tmp_path / "dump"
    dump.mkdir()

    def archive(notes: list[str], missing: bool = False, repeats: int = 2) -> None:
        said = "".join(f"(But please see, {title}. — DM)\n\n" for title in notes)
        text = f"{SOURCE}\n\n{said}" + f"{OTHER}\n\n{LATER}\n\n" * repeats
        extra = f"A missing article\n\nMarch 3, 2020\n\n{SECOND}\n\n" if missing else ""
        (dump / "archive.txt").write_text(
            f"Posts Tagged ‘test’\n\nFirst post\n\nMarch 1, 2020\n\n{text}{extra}", encoding="utf-8"
        )

    def summaries(key: str) -> list[str]:
        return [f["summary"] for f in _since(tmp_path)[key]]

    archive(["A missing article"])
    _ok(_audit(tmp_path, dump))
    archive(["A missing article", "Another absent piece"])
    second = _ok(_audit(tmp_path, dump))
    assert "nothing new" not in second.output
    assert summaries("new_findings") == [
        "first-post has an editor's note pointing to “Another absent piece”, which is not in the dump"
    ]
    assert summaries("resolved_findings") == []
    assert "new findings: 1" in second.output

    archive(["A missing article", "Another absent piece"], missing=True)
    _ok(_audit(tmp_path, dump))
    assert summaries("resolved_findings") == [
        "first-post has an editor's note pointing to “A missing article”, which is not in the dump"
    ]
    assert summaries("new_findings") == []

    # The same two texts a third time in the post: two pairs more, each with the first occurrence.
    archive(["A missing article", "Another absent piece"], missing=True, repeats=3)
    _ok(_audit(tmp_path, dump))
    since = _since(tmp_path)
    assert sorted((p["a"]["paragraph"], p["b"]["paragraph"]) for p in since["new_pairs"]) == [(1, 5), (2, 6)]
    assert since["removed_pairs"] == []
    archive(["A missing article", "Another absent piece"], missing=True, repeats=2)
    _ok(_audit(tmp_path, dump))
    assert len(_since(tmp_path)["removed_pairs"]) == 2


def test_a_file_whose_post_id_changes_keeps_its_post(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A text file's id is its name, made longer when another file of that name appears (``dump/note``,
    ``sub/note``) or shorter when the dump is named ``.``: the same file's post is renamed, not new."""
    dump = tmp_path / "dump"
    (dump / "sub").mkdir(parents=True)
    (dump / "note.txt").write_text(f"Residents return\n\n{LATER}\n", encoding="utf-8")
    (dump / "attack.txt").write_text(f"Attack\n\n{SOURCE}\n\n{SECOND}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _ok(_audit(tmp_path, "dump"))
    (dump / "sub" / "note.txt").write_text(f"Harvest\n\n{OTHER}\n", encoding="utf-8")
    (dump / "note.txt").write_text(f"Residents return\n\n{LATER} Updated.\n", encoding="utf-8")
    second = _ok(_audit(tmp_path, "dump"))
    since = _since(tmp_path)
    assert [p["id"] for p in since["new_posts"]] == ["sub/note"]
    assert since["removed_posts"] == []
    assert [(p["id"], p["previous_id"]) for p in since["renamed_posts"]] == [("dump/note", "note")]
    [changed] = since["changed_posts"]
    assert changed["id"] == "dump/note" and changed["previous_id"] == "note" and changed["edits"]
    assert since["new_pairs"] == since["removed_pairs"] == []
    assert "dump/note (Residents return), was note" in second.output
    # The store's view says the same as the diff: one post new, one renamed whose text changed.
    assert _post_changes(tmp_path) == [
        ("dump/note", "changed", "note"),
        ("dump/note", "renamed", "note"),
        ("sub/note", "new", None),
    ]

    # The same dump, named `.` from inside it: each id as short as tells the files apart; nothing new.
    monkeypatch.chdir(dump)
    third = _ok(_audit(tmp_path, "."))
    since = _since(tmp_path)
    assert [(p["id"], p["previous_id"]) for p in since["renamed_posts"]] == [("note", "dump/note")]
    assert "nothing new since run 2" in third.output
    assert _post_changes(tmp_path) == [("note", "renamed", "dump/note")]


def _post_changes(tmp_path: Path) -> list[tuple[str, str, str | None]]:
    with sqlite3.connect(tmp_path / "a.sqlite") as conn:
        return sorted(conn.execute("SELECT post, change, previous_id FROM post_changes").fetchall())


def test_the_post_changes_view_answers_from_the_last_two_runs(tmp_path: Path) -> None:
    dump = _dump(tmp_path / "dump")
    _ok(_audit(tmp_path, dump))
    _write(
        dump / "more.jsonl",
        [_post("later", "2017-07-05", LATER + " Updated."), _post("new", "2017-07-06", OTHER)],
    )
    _ok(_audit(tmp_path, dump))
    assert _post_changes(tmp_path) == [("later", "changed", None), ("new", "new", None)]


# ----------------------------------------------------------------------------------------------------------
# parameters, lock, damage


def _indexes(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return sorted(conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))


def test_a_new_store_s_indexes_are_made_after_its_first_run_s_rows(tmp_path: Path) -> None:
    """A new or rebuilt store gets its secondary indexes once the first run's rows are in: all of them,
    as the schema writes them, and SQLite's own check finds every index entry matching its row."""
    dump = _dump(tmp_path / "dump")
    made: list[str] = []
    write.CHECKPOINT_LISTENERS.append(made.append)
    try:
        _ok(_audit(tmp_path, dump))
        assert made.index("graph_edges") < made.index("indexes") < made.index("commit")
        made.clear()
        _write(dump / "more.jsonl", [_post("later", "2017-07-05", LATER)])
        _ok(_audit(tmp_path, dump))
        assert "indexes" not in made  # a store with runs keeps its indexes
        _ok(_audit(tmp_path, dump, "--threshold", "0.6", "--rebuild"))
        assert "indexes" in made
    finally:
        write.CHECKPOINT_LISTENERS.remove(made.append)
    db = tmp_path / "a.sqlite"
    assert _indexes(db) == sorted((statement,) for statement in INDEXES)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        plan = " ".join(
            str(row)
            for row in conn.execute("EXPLAIN QUERY PLAN SELECT * FROM paragraphs WHERE content_hash = 'x'")
        )
    assert "paragraphs_hash" in plan


def test_other_parameters_are_refused_and_rebuild_starts_afresh(tmp_path: Path) -> None:
    dump = _dump(tmp_path / "dump")
    _ok(_audit(tmp_path, dump))
    message = _refused(
        _audit(tmp_path, dump, "--threshold", "0.6"), "a.sqlite", "threshold 0.5", "0.6", "--rebuild"
    )
    assert "\n" not in message.strip().removeprefix("Error: ")
    assert len(_runs(tmp_path / "a.sqlite")) == 1
    # Workers change speed only: accepted.
    _ok(_audit(tmp_path, dump, "--jobs", "1"))
    _ok(_audit(tmp_path, dump, "--threshold", "0.6", "--rebuild"))
    assert [run for run, _ in _runs(tmp_path / "a.sqlite")] == [1]
    _ok(_audit(tmp_path, dump, "--threshold", "0.6"))
    usage = CliRunner().invoke(cli, ["audit", str(dump), "--out", str(tmp_path / "o2"), "--rebuild"])
    assert usage.exit_code == 2 and "it needs --db" in usage.output


def test_a_second_run_on_a_store_in_use_is_refused(tmp_path: Path) -> None:
    dump = _dump(tmp_path / "dump")
    _ok(_audit(tmp_path, dump))
    holder = sqlite3.connect(tmp_path / "a.sqlite", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # what a running audit holds from its start to its commit
        out = _refused(
            CliRunner().invoke(
                cli, ["audit", str(dump), "--out", str(tmp_path / "o2"), "--db", str(tmp_path / "a.sqlite")]
            ),
            "a.sqlite",
            "in use by another provenance run",
        )
        assert "--db" in out
        # Readers are not locked out meanwhile (WAL).
        _ok(
            CliRunner().invoke(
                cli, ["report", "--db", str(tmp_path / "a.sqlite"), "--out", str(tmp_path / "r.html")]
            )
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert len(_runs(tmp_path / "a.sqlite")) == 1
    _ok(_audit(tmp_path, dump))


def test_a_running_audit_holds_the_lock_from_its_start(tmp_path: Path) -> None:
    """A real second process: the first is paused inside its transaction, the second is refused at once."""
    dump = _dump(tmp_path / "dump")
    first = _start_paused(tmp_path, dump, "begin")
    try:
        second = subprocess.run(
            [
                sys.executable,
                "-m",
                "provenance",
                "audit",
                str(dump),
                "--out",
                str(tmp_path / "o2"),
                "--db",
                str(tmp_path / "a.sqlite"),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        _kill(first)
    assert second.returncode == 1
    assert "in use by another provenance run" in second.stderr and "Traceback" not in second.stderr


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"this is not a database at all, just some bytes" * 100, ("not a readable SQLite store", "damaged")),
        (b"SQLite format 3\x00" + b"\xff" * 4000, ("not a readable SQLite store",)),
    ],
    ids=["garbage", "damaged-header"],
)
def test_a_damaged_store_is_refused_with_its_name(
    tmp_path: Path, content: bytes, words: tuple[str, ...]
) -> None:
    dump = _dump(tmp_path / "dump")
    (tmp_path / "a.sqlite").write_bytes(content)
    _refused(_audit(tmp_path, dump), "a.sqlite", *words)
    _refused(CliRunner().invoke(cli, ["report", "--db", str(tmp_path / "a.sqlite")]), "a.sqlite", *words)
    _refused(CliRunner().invoke(cli, ["diff", "--db", str(tmp_path / "a.sqlite")]), "a.sqlite", *words)
    assert (tmp_path / "a.sqlite").read_bytes() == content


def test_a_store_damaged_inside_is_refused_with_its_name(tmp_path: Path) -> None:
    """A page of the paragraphs table overwritten: SQLite finds it malformed when it reads or writes there."""
    dump = _dump(tmp_path / "dump")
    _ok(_audit(tmp_path, dump))
    db = tmp_path / "a.sqlite"
    with sqlite3.connect(db) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'paragraphs'").fetchone()[0]
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0  # all in the main file
    with db.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\x0d" + b"\xee" * (page_size - 1))
    _refused(CliRunner().invoke(cli, ["report", "--db", str(db)]), "a.sqlite", "not a readable SQLite store")
    _refused(_audit(tmp_path, dump), "a.sqlite", "not a readable SQLite store")


def test_reading_a_store_leaves_no_wal_or_shm_file_beside_it(tmp_path: Path) -> None:
    """``report --db`` and ``diff`` tidy up as a run does; reading cannot change a row."""
    dump = _dump(tmp_path / "dump")
    _ok(_audit(tmp_path, dump))
    _write(dump / "more.jsonl", [_post("later", "2017-07-05", LATER), _post("last", "2017-07-06", SECOND)])
    _ok(_audit(tmp_path, dump))
    db = tmp_path / "a.sqlite"
    before = db.read_bytes()
    _report_from_store(tmp_path)
    _ok(CliRunner().invoke(cli, ["diff", "--db", str(db)]))
    assert sorted(p.name for p in tmp_path.glob("a.sqlite*")) == ["a.sqlite"]
    assert db.read_bytes() == before
    from provenance.store.db import connect_to_read

    conn = connect_to_read(db)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("DELETE FROM runs")
    conn.close()


def test_a_store_in_a_folder_named_in_no_utf_8_is_read(tmp_path: Path) -> None:
    """A store under a name with a byte that is not UTF-8 (caf\\xe9) is read as it was written.

    The audit wrote it, and runs, diff and report --db each stopped on a UnicodeEncodeError traceback
    while quoting the path for SQLite.
    """
    folder = tmp_path / os.fsdecode(b"caf\xe9")
    dump = _dump(tmp_path / "dump")
    _ok(_audit(folder, dump))
    db = folder / "a.sqlite"
    assert json.loads(_ok(CliRunner().invoke(cli, ["runs", "--db", str(db), "--json"])).output)[0]["id"] == 1
    _ok(CliRunner().invoke(cli, ["diff", "--db", str(db), "1", "1"]))
    assert "later" in _report_from_store(folder)


def test_a_file_named_in_no_utf_8_is_stored_and_found_unchanged_or_changed(tmp_path: Path) -> None:
    """A dump file named with a byte that is not UTF-8 (p\\xe9.jsonl) is kept as p\ufffd.jsonl.

    Recording its run stopped on a UnicodeEncodeError traceback (SQLite cannot hold the lone surrogate
    Python reads the byte as). Run again unchanged, it is not audited again; changed, it is "changed".
    """
    dump = _dump(tmp_path / "dump")
    odd = dump / os.fsdecode(b"p\xe9.jsonl")
    _write(odd, [_post("odd", "2017-07-06", SECOND)])
    _ok(_audit(tmp_path, dump))
    with sqlite3.connect(tmp_path / "a.sqlite") as conn:
        assert ("p\ufffd.jsonl",) in {(Path(p).name,) for (p,) in conn.execute("SELECT path FROM files")}
        assert (
            conn.execute("SELECT source_file FROM posts WHERE id = 'odd'")
            .fetchone()[0]
            .endswith("p\ufffd.jsonl")
        )
    assert "nothing changed since run 1" in _ok(_audit(tmp_path, dump)).output
    _write(odd, [_post("odd", "2017-07-06", SECOND + " Updated.")])
    _ok(_audit(tmp_path, dump))
    since = _since(tmp_path)
    assert [Path(f).name for f in since["files"]["changed"]] == ["p\ufffd.jsonl"]
    assert not since["files"]["new"] and not since["files"]["removed"]


def test_a_run_started_in_a_folder_named_in_no_utf_8_is_stored_and_compared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The working folder (caf\\xe9) makes each post's file absolute: recording stopped on a traceback,
    and the folder kept with U+FFFD made the next run call every file new and removed."""
    here = tmp_path / os.fsdecode(b"caf\xe9")
    dump = _dump(here / "dump")
    monkeypatch.chdir(here)
    audit = ["audit", "dump", "--out", "out", "--db", "a.sqlite"]
    _ok(CliRunner().invoke(cli, audit))
    assert "nothing changed since run 1" in _ok(CliRunner().invoke(cli, audit)).output
    _write(dump / "more.jsonl", [_post("later", "2017-07-05", LATER), _post("new", "2017-07-08", SOURCE)])
    _ok(CliRunner().invoke(cli, audit))
    since = json.loads((here / "out" / "audit.json").read_text(encoding="utf-8"))["since_last_run"]
    assert [Path(f).name for f in since["files"]["changed"]] == ["more.jsonl"]
    assert not since["files"]["new"] and not since["files"]["removed"]
    assert [p["id"] for p in since["new_posts"]] == ["new"]


def test_a_store_that_cannot_be_written_is_still_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store on a read-only disk or in another user's folder is opened read-only (it may leave -shm)."""
    _ok(_audit(tmp_path, _dump(tmp_path / "dump")))
    access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: mode != os.W_OK and access(path, mode, **kw))
    html = _report_from_store(tmp_path)
    assert "later" in html


def test_a_store_of_another_version_or_another_database_is_refused(tmp_path: Path) -> None:
    dump = _dump(tmp_path / "dump")
    _ok(_audit(tmp_path, dump))
    with sqlite3.connect(tmp_path / "a.sqlite") as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    _refused(
        _audit(tmp_path, dump),
        "a.sqlite",
        f"schema version {SCHEMA_VERSION + 1} (written by a later provenance",
        "--rebuild",
    )
    _refused(
        CliRunner().invoke(cli, ["diff", "--db", str(tmp_path / "a.sqlite")]),
        f"schema version {SCHEMA_VERSION + 1}",
    )
    _ok(_audit(tmp_path, dump, "--rebuild"))
    assert len(_runs(tmp_path / "a.sqlite")) == 1

    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (x TEXT)")
    for args in (["--db", str(other)], ["--db", str(other), "--rebuild"]):
        _refused(
            CliRunner().invoke(cli, ["audit", str(dump), "--out", str(tmp_path / "o"), *args]),
            "other.sqlite",
            "not a provenance store",
        )
    with sqlite3.connect(other) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("notes",)]
    _refused(
        CliRunner().invoke(cli, ["report", "--db", str(tmp_path / "none.sqlite")]),
        "none.sqlite",
        "no store there",
    )


def test_a_full_disk_leaves_the_previous_run_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's max_page_count makes the store full as a full disk does: SQLITE_FULL on the next write."""
    import provenance.store as store_module

    dump = _dump(tmp_path / "dump")
    _ok(_audit(tmp_path, dump))
    before = stored_document(tmp_path / "a.sqlite")
    connect = store_module.connect_for_run

    def full(path: Path) -> sqlite3.Connection:
        conn = connect(path)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(store_module, "connect_for_run", full)
    _write(dump / "more.jsonl", [_post("later", "2017-07-05", LATER), _post("x", "2017-07-07", OTHER * 20)])
    _refused(_audit(tmp_path, dump), "a.sqlite", "no space left", "holds the runs it held before")
    monkeypatch.undo()
    assert stored_document(tmp_path / "a.sqlite") == before
    assert len(_runs(tmp_path / "a.sqlite")) == 1


# ----------------------------------------------------------------------------------------------------------
# kill -9


# The command, in a process that stops at one checkpoint of the store's run (argv[1]) and waits to be killed.
_PAUSED_AUDIT = """
import sys, time
from provenance.store import write

stop_at = sys.argv[1]

def pause(point):
    if point == stop_at:
        sys.stderr.write(f"store: paused after {point}\\n")
        sys.stderr.flush()
        time.sleep(600)

write.CHECKPOINT_LISTENERS.append(pause)
from provenance.cli import main
sys.argv = ["provenance", *sys.argv[2:]]
main()
"""


def _start_paused(tmp_path: Path, dump: Path, table: str) -> subprocess.Popen[str]:
    """An audit in a process of its own, stopped inside its transaction right after writing ``table``."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _PAUSED_AUDIT,
            table,
            "audit",
            str(dump),
            "--out",
            str(tmp_path / "out"),
            "--db",
            str(tmp_path / "a.sqlite"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith(f"store: paused after {table}"):
            return process
    process.wait()
    process.stderr.close()
    raise AssertionError(f"the audit ended (status {process.returncode}) without pausing after {table}")


def _kill(process: subprocess.Popen[str]) -> None:
    """kill -9, then reap the process and close its pipe."""
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    if process.stderr is not None:
        process.stderr.close()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("table", "complete"),
    [
        ("begin", False),  # locked, nothing written yet (the audit runs after this point)
        ("posts", False),
        ("pairs", False),
        ("findings", False),
        ("graph_edges", False),
        ("runs", False),  # every row in, the run row completed: the moment before COMMIT
        ("commit", True),  # just after COMMIT, before the command ends
    ],
)
def test_a_run_killed_at_any_point_leaves_the_store_as_before_or_complete(
    tmp_path: Path, table: str, complete: bool
) -> None:
    dump = _dump(tmp_path / "dump")
    _ok(_audit(tmp_path, dump))
    before = stored_document(tmp_path / "a.sqlite")
    _write(dump / "more.jsonl", [_post("later", "2017-07-05", LATER), _post("new", "2017-07-08", SOURCE)])
    process = _start_paused(tmp_path, dump, table)
    _kill(process)
    with sqlite3.connect(tmp_path / "a.sqlite") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    if complete:
        run, doc = stored_document(tmp_path / "a.sqlite")
        assert run == 2 and [p["id"] for p in doc["since_last_run"]["new_posts"]] == ["new"]
        return
    assert stored_document(tmp_path / "a.sqlite") == before
    assert len(_runs(tmp_path / "a.sqlite")) == 1
    # The next run goes through, and compares with the last complete run.
    _ok(_audit(tmp_path, dump))
    assert [p["id"] for p in _since(tmp_path)["new_posts"]] == ["new"]
    assert [run for run, _ in _runs(tmp_path / "a.sqlite")] == [1, 2]


def test_ctrl_c_while_the_store_commits_leaves_the_outputs_and_the_store_of_one_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Ctrl-C once the outputs are in place waits for the store's commit: both hold the new run.

    It rolled the run back after the outputs had replaced the previous ones: the folder held a run
    the store did not, and the previous outputs were gone.
    """
    dump = _dump(tmp_path / "dump")
    _ok(_audit(tmp_path, dump))
    _write(dump / "more.jsonl", [_post("later", "2017-07-05", LATER), _post("new", "2017-07-08", SOURCE)])

    def ctrl_c(point: str) -> None:
        if point == "runs":  # the run row completed, the moment before COMMIT
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(write, "CHECKPOINT_LISTENERS", [ctrl_c])
    result = _audit(tmp_path, dump)
    assert result.exit_code == 130, result.output
    run, stored = stored_document(tmp_path / "a.sqlite")
    written = json.loads((tmp_path / "out" / "audit.json").read_text(encoding="utf-8"))
    assert run == 2
    assert written["generated_at"] == stored["generated_at"]
    assert [p["id"] for p in written["since_last_run"]["new_posts"]] == ["new"]


@pytest.mark.slow
@pytest.mark.parametrize("point", ["pairs", "indexes"])
def test_a_first_run_killed_leaves_no_store_to_read(tmp_path: Path, point: str) -> None:
    """Killed while its rows go in, or once the indexes a new store makes after them are made."""
    dump = _dump(tmp_path / "dump")
    process = _start_paused(tmp_path, dump, point)
    _kill(process)
    _refused(
        CliRunner().invoke(cli, ["report", "--db", str(tmp_path / "a.sqlite")]),
        "a.sqlite",
        "empty SQLite file",
    )
    _ok(_audit(tmp_path, dump))
    assert len(_runs(tmp_path / "a.sqlite")) == 1


def test_a_new_store_s_first_run_is_written_through_a_rollback_journal_and_later_ones_through_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new store's pages are all new: a rollback journal writes each once, where WAL wrote each twice (to
    the -wal file, then home). Once its first run is in, the store is in WAL mode for its readers."""
    dump = _dump(tmp_path / "dump")
    db = tmp_path / "a.sqlite"
    wal_while_writing: list[bool] = []
    monkeypatch.setattr(
        write,
        "CHECKPOINT_LISTENERS",
        [
            lambda point: (
                wal_while_writing.append(db.with_name("a.sqlite-wal").exists()) if point == "runs" else None
            )
        ],
    )
    _ok(_audit(tmp_path, dump))
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    _write(dump / "more.jsonl", [_post("later", "2017-07-05", LATER), _post("new", "2017-07-08", SOURCE)])
    _ok(_audit(tmp_path, dump))
    assert wal_while_writing == [False, True]
    assert not db.with_name("a.sqlite-journal").exists()
    assert [run for run, _ in _runs(db)] == [1, 2]


@pytest.mark.slow
def test_a_first_run_killed_after_its_pages_reached_the_file_leaves_no_store_to_read(tmp_path: Path) -> None:
    """The rollback journal a new store's first run leaves is rolled back by the next reader: an empty file,
    as a killed run in WAL mode left it."""
    dump = tmp_path / "dump"
    dump.mkdir()
    words = ["wheat", "barley", "maize", "rye", "oats", "millet", "sorghum", "rice", "quinoa", "spelt"]
    _write(
        dump / "posts.jsonl",
        [
            _post(f"p{i}", "2017-07-01", " ".join(f"{words[(i * 7 + j) % 10]}{i}x{j}" for j in range(120)))
            for i in range(2_000)
        ],
    )
    process = _start_paused(tmp_path, dump, "graph_edges")
    db = tmp_path / "a.sqlite"
    assert db.stat().st_size > 2**20 and db.with_name("a.sqlite-journal").exists()  # pages spilled home
    _kill(process)
    _refused(CliRunner().invoke(cli, ["report", "--db", str(db)]), "a.sqlite", "empty SQLite file")
    assert db.stat().st_size == 0
    _ok(_audit(tmp_path, dump))
    assert len(_runs(db)) == 1


def test_the_three_queries_of_the_docs_run_and_answer(tmp_path: Path) -> None:
    """docs/store.md's journalist queries, run as written (without the shell) on a store of two runs."""
    import re

    dump = _dump(tmp_path / "dump")
    _ok(_audit(tmp_path, dump))
    _write(dump / "more.jsonl", [_post("later", "2017-07-05", LATER), _post("new", "2017-07-06", SECOND)])
    _ok(_audit(tmp_path, dump))
    text = (ROOT / "docs" / "store.md").read_text(encoding="utf-8")
    queries = re.findall(r'```sql\nsqlite3 -header -column audit\.sqlite "(.*?)"\n```', text, re.DOTALL)
    assert len(queries) == 3
    with sqlite3.connect(tmp_path / "a.sqlite") as conn:
        answers = [conn.execute(query).fetchall() for query in queries]
    uncredited, changes, _findings = answers
    assert uncredited and uncredited[0][1] >= 1
    assert changes == [("new", "new", "Post new")]


def test_docs_name_every_table_and_view_and_column(tmp_path: Path) -> None:
    """docs/store.md's table lists each table of the schema, and each column it names exists there."""
    import re

    from provenance.store.schema import TABLES, VIEWS

    text = (ROOT / "docs" / "store.md").read_text(encoding="utf-8")
    _ok(_audit(tmp_path, _dump(tmp_path / "dump")))
    with sqlite3.connect(tmp_path / "a.sqlite") as conn:
        columns = {
            name: {row[1] for row in conn.execute(f"PRAGMA table_info({name})")} for name in TABLES + VIEWS
        }
    documented: set[str] = set()
    for row in re.findall(r"^\| (`[a-z_]+`(?:, `[a-z_]+`)*) \| [^|]+ \| (.+) \|$", text, re.MULTILINE):
        tables = re.findall(r"`([a-z_]+)`", row[0])
        documented.update(tables)
        named = set(re.findall(r"`([a-z_]+)`", re.sub(r"\([^)]*\)", "", row[1])))
        held = set().union(*(columns[t] for t in tables))
        assert named <= held, (tables, named - held)
    assert documented == set(TABLES)
    for view in VIEWS:
        assert f"- `{view}`:" in text, view


def test_a_store_inside_the_audited_folder_is_never_read_as_input(tmp_path: Path) -> None:
    """--db dump/audit.sqlite: the store and SQLite's files beside it are the audit's own output."""
    from provenance.ingest import OUTPUT_FOLDER

    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "posts.jsonl").write_text(
        json.dumps({"id": "a", "title": "A", "date": "2020-01-01", "text": "Some words of a post here."})
        + "\n",
        encoding="utf-8",
    )
    db = dump / "audit.sqlite"
    for _ in range(2):
        run = CliRunner().invoke(
            cli, ["audit", str(dump), "--out", str(tmp_path / "out"), "--db", str(db), "--strict"]
        )
        assert run.exit_code == 0, run.output
    doc = json.loads((tmp_path / "out" / "audit.json").read_text(encoding="utf-8"))
    assert [p["id"] for p in doc["posts"]] == ["a"]
    assert {s["reason"] for s in doc["skipped"]} <= {OUTPUT_FOLDER}
    assert any(s["path"].endswith("audit.sqlite") for s in doc["skipped"])


def test_an_unchanged_dump_is_audited_again_when_anything_that_changes_results_differs(
    tmp_path: Path,
) -> None:
    """Only the same files (by SHA-256) into the last run's outputs skip the audit; all else runs it."""
    dump = _dump(tmp_path / "dump")
    _ok(_audit(tmp_path, dump))
    assert "not audited again" in _ok(_audit(tmp_path, dump)).output
    assert len(_runs(tmp_path / "a.sqlite")) == 1

    # A byte changed, same size and name: audited again.
    text = (dump / "more.jsonl").read_text(encoding="utf-8")
    (dump / "more.jsonl").write_text(text.replace("Post later", "Post Later"), encoding="utf-8")
    assert "not audited again" not in _ok(_audit(tmp_path, dump)).output
    assert len(_runs(tmp_path / "a.sqlite")) == 2

    # An output of the last run missing from --out: audited again.
    (tmp_path / "out" / "pairs.csv").unlink()
    assert "not audited again" not in _ok(_audit(tmp_path, dump)).output
    assert len(_runs(tmp_path / "a.sqlite")) == 3

    # --strict (the last run's warnings were allowed) and --rebuild always audit.
    assert "not audited again" not in _ok(_audit(tmp_path, dump, "--strict")).output
    assert "not audited again" not in _ok(_audit(tmp_path, dump, "--rebuild")).output
    assert len(_runs(tmp_path / "a.sqlite")) == 1  # rebuilt: only its own run

    # Other code (an upgrade, or an edited install under the same version number): audited again.
    import provenance.export

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(provenance.export, "code_sha256", lambda: "0" * 64)
        assert "not audited again" not in _ok(_audit(tmp_path, dump)).output
    assert "not audited again" not in _ok(_audit(tmp_path, dump)).output  # back to this code
    assert "not audited again" in _ok(_audit(tmp_path, dump)).output
    assert len(_runs(tmp_path / "a.sqlite")) == 3

    # A file skipped for its contents (binary) stays skipped: still not audited again. Made readable: audited.
    (dump / "picture.jsonl").write_bytes(bytes(range(256)) * 8)
    first = _ok(_audit(tmp_path, dump))
    assert "not audited again" not in first.output and "picture.jsonl" in first.output  # named as skipped
    assert "not audited again" in _ok(_audit(tmp_path, dump)).output
    _write(dump / "picture.jsonl", [_post("picture", "2017-07-07", OTHER)])
    assert "not audited again" not in _ok(_audit(tmp_path, dump)).output
    (dump / "picture.jsonl").unlink()
    assert "not audited again" not in _ok(_audit(tmp_path, dump)).output
    assert len(_runs(tmp_path / "a.sqlite")) == 6

    # A file added to the folder: audited again.
    _write(dump / "third.jsonl", [_post("third", "2017-07-08", LATER)])
    assert "not audited again" not in _ok(_audit(tmp_path, dump)).output
    assert len(_runs(tmp_path / "a.sqlite")) == 7
    assert "not audited again" in _ok(_audit(tmp_path, dump)).output


def test_a_file_written_while_the_audit_reads_it_is_audited_again_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A post appended to the dump while a run audits it (an export still writing): the run kept the
    SHA-256 of the file as it was after, the next run found that SHA-256 and said "nothing changed since
    run 1 ... not audited again", and the post was never audited. The file is kept without its SHA-256,
    the run says so, and the next run audits it."""
    import importlib

    module = importlib.import_module("provenance.audit")
    dump = _dump(tmp_path / "dump")
    real = module.audit

    def appending(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        with open(dump / "more.jsonl", "a", encoding="utf-8") as handle:
            handle.write(json.dumps(_post("late", "2017-07-06", SECOND)) + "\n")
        return result

    monkeypatch.setattr(module, "audit", appending)
    first = _ok(_audit(tmp_path, dump))
    assert "changed while this run read it" in first.output and "more.jsonl" in first.output
    monkeypatch.setattr(module, "audit", real)
    second = _ok(_audit(tmp_path, dump))
    assert "not audited again" not in second.output
    assert [p["id"] for p in _since(tmp_path)["new_posts"]] == ["late"]
    assert [Path(p).name for p in _since(tmp_path)["files"]["changed"]] == ["more.jsonl"]
    assert "not audited again" in _ok(_audit(tmp_path, dump)).output


# ----------------------------------------------------------------------------------------------------------
# large inputs: the store instead of audit.json


def _audit_into(out: Path, dump: Path, *extra: str) -> Result:
    return CliRunner().invoke(cli, ["audit", str(dump), "--out", str(out), *extra])


def test_a_large_input_is_kept_in_the_folder_store_instead_of_audit_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over JSON_MAX_INPUT_BYTES: no audit.json; the run in OUT/audit.sqlite, which report renders from."""
    import provenance.export

    dump = _dump(tmp_path / "dump")
    size = sum(path.stat().st_size for path in dump.iterdir())
    out = tmp_path / "out"
    small = _ok(_audit_into(out, dump))
    assert (out / "audit.json").is_file() and not (out / "audit.sqlite").exists()
    assert "audit.json not written" not in small.output

    monkeypatch.setattr(provenance.export, "JSON_MAX_INPUT_BYTES", size - 1)
    large = _ok(_audit_into(out, dump))
    assert f"over {(size - 1) / 2**20:,.0f} MB" in large.output
    assert "audit.json not written" in large.output and "report --db" in large.output
    # The earlier run's audit.json went with the rest of its set: it would not match the other files.
    assert not (out / "audit.json").exists()
    assert {p.name for p in out.iterdir()} >= {"report.html", "pairs.csv", "posts.csv", "audit.sqlite"}
    run, doc = stored_document(out / "audit.sqlite")
    assert run == 1 and sorted(p["id"] for p in doc["posts"]) == ["copy", "later", "orig", "other"]
    # The store's own time is recorded with the stages'.
    assert doc["timings"]["store"] > 0 and {"dedup", "report", "total"} <= set(doc["timings"])
    assert any(p["a"]["post"] == "orig" and p["b"]["post"] == "copy" for p in doc["pairs"])
    again = tmp_path / "again.html"
    _ok(CliRunner().invoke(cli, ["report", "--db", str(out / "audit.sqlite"), "--out", str(again)]))
    # The page rendered from the store is the audit's own, but for its generation time.
    assert (
        again.read_text(encoding="utf-8").split("<footer")[0]
        == (out / "report.html").read_text(encoding="utf-8").split("<footer")[0]
    )

    # The same dump again into the same folder: the outputs are the run's, so nothing is redone.
    assert "not audited again" in _ok(_audit_into(out, dump)).output
    # --json asks for audit.json: audited, written, and the folder's store keeps this run too.
    wanted = _ok(_audit_into(out, dump, "--json"))
    assert "audit.json not written" not in wanted.output and (out / "audit.json").is_file()
    assert len(_runs(out / "audit.sqlite")) == 2
    # Below the size again, the folder's store still keeps each run, so it goes on describing the folder.
    monkeypatch.setattr(provenance.export, "JSON_MAX_INPUT_BYTES", 2**40)
    _write(dump / "third.jsonl", [_post("third", "2017-07-08", LATER)])
    _ok(_audit_into(out, dump))
    assert len(_runs(out / "audit.sqlite")) == 3 and (out / "audit.json").is_file()


def test_no_json_keeps_the_run_in_the_named_store(tmp_path: Path) -> None:
    """--no-json with --db: the run goes to that store, not the folder; --rebuild works on the folder's."""
    dump = _dump(tmp_path / "dump")
    result = _ok(_audit(tmp_path, dump, "--no-json"))
    assert "audit.json not written (--no-json)" in result.output
    assert not (tmp_path / "out" / "audit.json").exists()
    assert not (tmp_path / "out" / "audit.sqlite").exists()
    assert len(_runs(tmp_path / "a.sqlite")) == 1
    # Without --db, --no-json makes the folder's store, and --rebuild may name it by --out alone.
    out = tmp_path / "elsewhere"
    _ok(_audit_into(out, dump, "--no-json"))
    refused = _refused(
        _audit_into(out, dump, "--threshold", "0.7"), "other parameters", "--rebuild", "another --out"
    )
    assert str(out / "audit.sqlite") in refused
    # A store the user named is not the folder's: no word of another --out.
    named = _refused(_audit(tmp_path, dump, "--threshold", "0.7"), "other parameters", "--rebuild")
    assert "another --out" not in named
    _ok(_audit_into(out, dump, "--threshold", "0.7", "--rebuild"))
    assert len(_runs(out / "audit.sqlite")) == 1


def test_a_store_made_before_a_parameter_existed_is_audited_again_with_its_default(tmp_path: Path) -> None:
    """A parameter added to AuditConfig (the budget of reading what a copy changed was a constant) is
    missing from an older store's parameters: its runs had the value that is now the default, so the
    store is no "other parameters" to refuse; a run with another value still is."""
    dump = _dump(tmp_path / "dump")
    _ok(_audit(tmp_path, dump))
    with sqlite3.connect(tmp_path / "a.sqlite") as conn:
        (stored,) = conn.execute("SELECT value FROM meta WHERE key = 'params'").fetchone()
        params = json.loads(stored)
        for key in ("changes_budget", "changes_budget_base", "changes_window_ratio", "changes_window_slack"):
            del params[key]
        conn.execute("UPDATE meta SET value = ? WHERE key = 'params'", (json.dumps(params),))
    _write(dump / "more.jsonl", [_post("later", "2017-07-05", LATER), _post("last", "2017-07-06", SOURCE)])
    _ok(_audit(tmp_path, dump))
    assert len(_runs(tmp_path / "a.sqlite")) == 2
    _refused(_audit(tmp_path, dump, "--threshold", "0.7"), "other parameters", "--rebuild")


def test_the_help_states_the_size_the_code_uses() -> None:
    """The --json help names JSON_MAX_INPUT_BYTES as the code has it."""
    from provenance.export import JSON_MAX_INPUT_BYTES

    help_text = " ".join(CliRunner().invoke(cli, ["audit", "--help"]).output.split())
    assert f"inputs of up to {JSON_MAX_INPUT_BYTES // 2**20} MB" in help_text


def test_warnings_cut_short_on_the_terminal_point_to_where_the_rest_are(tmp_path: Path) -> None:
    """Past the warnings shown, the line names audit.json only when it was written, else the store."""
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "noise.txt").write_text("\n".join(f"\x00junk {i}" for i in range(60)), encoding="utf-8")
    for i in range(30):
        (dump / f"empty-{i}.txt").write_text("", encoding="utf-8")
    _write(dump / "posts.jsonl", [_post("a", "2017-07-01", SOURCE)])
    with_json = _ok(_audit_into(tmp_path / "one", dump))
    assert "more (listed in the report and audit.json)" in with_json.output
    without = _ok(_audit_into(tmp_path / "two", dump, "--no-json"))
    assert "more (listed in the report and the store)" in without.output


def test_only_files_the_audit_reads_weigh_on_the_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A binary file beside the posts (a video) is skipped by the audit, so it makes no store either."""
    import provenance.export

    dump = _dump(tmp_path / "dump")
    text_bytes = sum(path.stat().st_size for path in dump.iterdir())
    monkeypatch.setattr(provenance.export, "JSON_MAX_INPUT_BYTES", text_bytes + 1000)
    (dump / "video.mp4").write_bytes(b"\x00\x01" * 5000)
    result = _ok(_audit_into(tmp_path / "out", dump))
    assert "video.mp4" in result.output  # named as skipped
    assert "audit.json not written" not in result.output
    assert (tmp_path / "out" / "audit.json").is_file() and not (tmp_path / "out" / "audit.sqlite").exists()
    # Text over the size does make one.
    _write(dump / "third.jsonl", [_post(f"p{i}", "2017-07-08", LATER) for i in range(10)])
    assert "audit.json not written" in _ok(_audit_into(tmp_path / "out", dump)).output


def test_a_file_named_another_way_is_the_same_file_to_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`audit dump` from its parent, `audit /abs/dump`, then `audit .` inside it: each file unchanged."""
    dump = _dump(tmp_path / "dump")
    db = tmp_path / "a.sqlite"
    monkeypatch.chdir(tmp_path)
    _ok(CliRunner().invoke(cli, ["audit", "dump", "--out", str(tmp_path / "o1"), "--db", str(db)]))
    _ok(CliRunner().invoke(cli, ["audit", str(dump), "--out", str(tmp_path / "o2"), "--db", str(db)]))
    monkeypatch.chdir(dump)
    _ok(CliRunner().invoke(cli, ["audit", ".", "--out", str(tmp_path / "o3"), "--db", str(db)]))
    for run in (2, 3):
        shown = _ok(CliRunner().invoke(cli, ["diff", "--db", str(db), str(run - 1), str(run), "--json"]))
        files = json.loads(shown.output)["files"]
        assert (len(files["unchanged"]), files["changed"], files["new"], files["removed"]) == (2, [], [], [])
    with contextlib.closing(sqlite3.connect(db)) as conn:
        statuses = conn.execute("SELECT run, status FROM files ORDER BY run, ord").fetchall()
    assert statuses == [(1, "new")] * 2 + [(2, "unchanged")] * 2 + [(3, "unchanged")] * 2


def test_a_reference_named_another_way_is_the_same_parameter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--reference refs` from the dump's parent, then `--reference /abs/refs`, or `..` from inside: one
    folder, so the same parameters; another folder of references is refused as other parameters."""
    dump = _dump(tmp_path / "dump")
    refs = tmp_path / "refs"
    refs.mkdir()
    _write(refs / "wire.jsonl", [_post("wire", "2017-06-30", SOURCE)])
    db = tmp_path / "a.sqlite"

    def audit(*args: str) -> Result:
        return CliRunner().invoke(cli, ["audit", *args, "--out", str(tmp_path / "out"), "--db", str(db)])

    monkeypatch.chdir(tmp_path)
    _ok(audit("dump", "--reference", "refs"))
    second = _ok(audit(str(dump), "--reference", str(refs)))
    assert "nothing new since run 1" in second.output
    monkeypatch.chdir(dump)
    _ok(audit(".", "--reference", "../refs"))
    assert len(_runs(db)) == 3
    (tmp_path / "refs2").mkdir()
    _refused(audit(".", "--reference", "../refs2"), "other parameters", "references", "refs2")


#: The ``pair_texts`` view of a store of schema version 1, before pairs recorded what their source rests on.
_PAIR_TEXTS_V1 = """CREATE VIEW pair_texts AS
SELECT
    p.run, p.a_post, p.a_paragraph, a.line AS a_line, p.b_post, p.b_paragraph, b.line AS b_line,
    p.kind, p.jaccard, p.containment, p.inside_post, p.cluster, a.text AS a_text, b.text AS b_text
FROM pairs p
JOIN paragraphs a ON a.run = p.run AND a.post = p.a_post AND a.idx = p.a_paragraph
JOIN paragraphs b ON b.run = p.run AND b.post = p.b_post AND b.idx = p.b_paragraph"""


#: Its ``post_changes`` view, which matched posts by id alone.
_POST_CHANGES_V1 = """CREATE VIEW post_changes AS
WITH last AS (SELECT MAX(id) AS id FROM runs),
     prev AS (SELECT MAX(id) AS id FROM runs WHERE id < (SELECT id FROM last))
SELECT n.id AS post, n.title AS title, 'new' AS change
FROM posts n WHERE n.run = (SELECT id FROM last)
  AND NOT EXISTS (SELECT 1 FROM posts o WHERE o.run = (SELECT id FROM prev) AND o.id = n.id)
UNION ALL
SELECT o.id, o.title, 'removed'
FROM posts o WHERE o.run = (SELECT id FROM prev)
  AND NOT EXISTS (SELECT 1 FROM posts n WHERE n.run = (SELECT id FROM last) AND n.id = o.id)
UNION ALL
SELECT n.id, n.title, 'changed'
FROM posts n JOIN posts o ON o.id = n.id AND o.run = (SELECT id FROM prev)
WHERE n.run = (SELECT id FROM last) AND n.content_hash <> o.content_hash"""


# The copies view as schema version 3 made it: without changes_json.
_COPIES_V3 = VIEW_DDL["copies"].replace(",\n    s.changes_json AS changes_json", "")


def _as_version_1(db: Path) -> None:
    """The store laid out as provenance wrote schema version 1 (no pairs.partial_containment, decided_by,
    posts.source_file; post_changes by id alone)."""
    with sqlite3.connect(db) as conn:
        conn.execute("DROP VIEW pair_texts")
        conn.execute("DROP VIEW post_changes")
        conn.execute("ALTER TABLE pairs DROP COLUMN partial_containment")
        conn.execute("ALTER TABLE pairs DROP COLUMN decided_by")
        conn.execute("ALTER TABLE posts DROP COLUMN source_file")
        conn.execute(_PAIR_TEXTS_V1)
        conn.execute(_POST_CHANGES_V1)
        conn.execute("DROP TABLE sketches")
        conn.execute("DROP VIEW copies")
        conn.execute("ALTER TABLE reuse_sources DROP COLUMN changes_json")
        conn.execute(_COPIES_V3)
        conn.execute("PRAGMA user_version = 1")


def _columns_of(conn: sqlite3.Connection, name: str) -> list[tuple[str, str]]:
    return [(row[1], row[2]) for row in conn.execute(f"PRAGMA table_info({name})")]


def test_a_store_of_version_3_gains_what_each_copy_changed(tmp_path: Path) -> None:
    """reuse_sources.changes_json is added by the next audit; the run before it reads back without
    ``changes`` (as its audit.json had none), the new run with them."""
    dump = _dump(tmp_path / "dump")
    db = tmp_path / "a.sqlite"
    _ok(_audit(tmp_path, dump))
    with sqlite3.connect(db) as conn:
        conn.execute("DROP VIEW copies")
        conn.execute("ALTER TABLE reuse_sources DROP COLUMN changes_json")
        conn.execute(_COPIES_V3)
        conn.execute("PRAGMA user_version = 3")
    assert "later" in _report_from_store(tmp_path)
    _write(dump / "more.jsonl", [_post("later", "2017-07-05", LATER), _post("copy2", "2017-07-06", SOURCE)])
    result = _ok(_audit(tmp_path, dump))
    assert f"migrated from schema version 3 to {SCHEMA_VERSION}" in result.output
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT run, post, changes_json FROM reuse_sources ORDER BY run, post").fetchall()
    assert {changes for run, _, changes in rows if run == 1} == {None}
    assert [(post, changes) for run, post, changes in rows if run == 2] == [
        ("copy", "{}"),
        ("copy2", "{}"),
        ("other", '{"wording":1}'),  # "wheat" for "barley"
    ]
    with sqlite3.connect(db) as conn:
        view = conn.execute("SELECT run, copy, changes_json FROM copies WHERE copy = 'other'").fetchall()
        migrated = {name: _columns_of(conn, name) for name in (*TABLES, *VIEWS)}
    assert view == [(1, "other", None), (2, "other", '{"wording":1}')]
    new = sqlite3.connect(":memory:")
    new.executescript(DDL)
    assert migrated == {name: _columns_of(new, name) for name in (*TABLES, *VIEWS)}  # as a new store's
    _, first = stored_document(db, 1)
    _, second = stored_document(db, 2)
    assert all("changes" not in s for p in first["posts"] for s in (p.get("reuse") or {}).get("sources", []))
    changed = [s["changes"] for p in second["posts"] for s in (p.get("reuse") or {}).get("sources", [])]
    assert sorted(changed, key=len) == [{}, {}, {"wording": 1}]


def _pair_columns(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[1] for row in conn.execute("PRAGMA table_info(pairs)")]


def test_a_store_of_version_1_is_read_as_it_is_and_migrated_by_the_next_audit(tmp_path: Path) -> None:
    """Reading leaves it at version 1; an audit refused on its parameters leaves it at version 1 too (the
    migration is in the run's transaction); the next audit migrates it, and its first run keeps NULL."""
    dump = _dump(tmp_path / "dump")
    db = tmp_path / "a.sqlite"
    _ok(_audit(tmp_path, dump))
    _as_version_1(db)
    assert "later" in _report_from_store(tmp_path)
    _ok(CliRunner().invoke(cli, ["diff", "--db", str(db), "1", "1"]))
    _refused(_audit(tmp_path, dump, "--threshold", "0.7"), "other parameters")
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "decided_by" not in _pair_columns(db)

    _write(dump / "more.jsonl", [_post("later", "2017-07-05", LATER), _post("copy2", "2017-07-06", SOURCE)])
    result = _ok(_audit(tmp_path, dump))
    assert f"migrated from schema version 1 to {SCHEMA_VERSION}" in result.output
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        rows = conn.execute(
            "SELECT run, decided_by, partial_containment FROM pairs WHERE NOT inside_post"
        ).fetchall()
        view = conn.execute("SELECT decided_by FROM pair_texts WHERE run = 2").fetchall()
    assert {(run, decided) for run, decided, _ in rows if run == 1} == {(1, None)}
    assert {decided for run, decided, _ in rows if run == 2} == {"post_date"}
    assert {partial for run, _, partial in rows if run == 2} == {None}  # no partial pair in this dump
    assert {row[0] for row in view} == {"post_date"}
    assert "copy2" in _since(tmp_path)["new_posts"][0]["id"]
    assert _post_changes(tmp_path) == [("copy2", "new", None)]
    # Both runs read back: the first without the fields it never recorded, as its audit.json had them.
    assert "later" in _report_from_store(tmp_path, "--run", "1")
    assert "copy2" in _report_from_store(tmp_path, "--run", "2")


def test_changes_not_read_past_the_budget_are_kept_as_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """audit.json's null ``changes`` (past the alignment budget) is the text "null" in the store, read
    back as null: the report, posts.csv and ``provenance sources`` say "not read", never "no edit found"
    and never "not recorded" (a run from before the field)."""
    import csv

    from provenance import edits
    from tests.test_edits import _ARTICLE, _WIRE

    # No budget (changes_budget, a parameter with no option of its own): nothing is read.
    made = edits.SharedPassages.__init__

    def without_budget(self: edits.SharedPassages, *args: object, **kwargs: object) -> None:
        made(self, *args, **kwargs)  # type: ignore[arg-type]
        self.budget = 0

    monkeypatch.setattr(edits.SharedPassages, "__init__", without_budget)
    dump = tmp_path / "dump"
    dump.mkdir()
    _write(dump / "posts.jsonl", [_post("wire", "2020-03-01", _WIRE), _post("paper", "2020-03-02", _ARTICLE)])
    _ok(_audit(tmp_path, dump))
    doc = json.loads((tmp_path / "out" / "audit.json").read_text(encoding="utf-8"))
    (paper,) = [p for p in doc["posts"] if p["id"] == "paper"]
    assert paper["reuse"]["sources"] == [dict(paper["reuse"]["sources"][0], post="wire", changes=None)]
    with sqlite3.connect(tmp_path / "a.sqlite") as conn:
        assert conn.execute("SELECT changes_json FROM reuse_sources WHERE post = 'paper'").fetchall() == [
            ("null",)
        ]
    _, stored = stored_document(tmp_path / "a.sqlite", 1)
    (paper,) = [p for p in stored["posts"] if p["id"] == "paper"]
    assert paper["reuse"]["sources"][0]["changes"] is None
    for html in (
        (tmp_path / "out" / "report.html").read_text(encoding="utf-8"),
        _report_from_store(tmp_path),
    ):
        assert '<li class="changes">not read</li>' in html
    with (tmp_path / "out" / "posts.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert rows["paper"]["main_source_changes"] == "not read"
    said = _ok(CliRunner().invoke(cli, ["sources", "paper", str(tmp_path / "out" / "audit.json")]))
    assert "changed from wire: not read" in said.output
