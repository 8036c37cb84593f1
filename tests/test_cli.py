"""The command line, driven in-process with click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from provenance.cli import cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def seed_outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    result = CliRunner().invoke(cli, ["audit", str(ROOT / "seeds"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_audit_defaults_to_seeds_and_reports(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`provenance audit` with no path audits seeds/ and writes into reports/ of the working folder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "dump.txt").write_text(
        (ROOT / "seeds" / "islamic-state-whats-next.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = runner.invoke(cli, ["audit"])
    assert result.exit_code == 0, result.output
    assert "report: reports/report.html" in result.output
    for name in ("report.html", "audit.json", "pairs.csv", "graph.graphml", "graph.gexf"):
        assert (tmp_path / "reports" / name).is_file(), name


def test_a_graph_too_big_for_gexf_gets_graphml_only(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Over GEXF_MAX_NODES the audit says GEXF was not written and removes a stale one; GraphML is there."""
    import provenance.export

    monkeypatch.setattr(provenance.export, "GEXF_MAX_NODES", 5)
    (tmp_path / "graph.gexf").write_text("from an earlier audit", encoding="utf-8")
    result = runner.invoke(cli, ["audit", str(ROOT / "seeds"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "graph.gexf not written: the graph has over 5 nodes" in result.output
    assert not (tmp_path / "graph.gexf").exists()
    assert (tmp_path / "graph.graphml").is_file()


def test_audit_prints_a_summary_table(seed_outputs: Path, runner: CliRunner, tmp_path: Path) -> None:
    """The summary names posts, pairs by kind and the reprint with the rule that decided it."""
    result = runner.invoke(cli, ["audit", str(ROOT / "seeds"), "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert "posts" in result.output and "7" in result.output
    assert "exact" in result.output and "12" in result.output
    assert (
        "reprint: us-on-alert-for-terror-strikes-around-elections copies "
        "isis-chief-looses-suicide-bombers-at-w-cities" in result.output
    )


def test_a_reprint_whose_order_is_a_guess_is_printed_as_shared_text(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Two undated files, one the other's text and more: no line says which copies which as a fact."""
    dump = tmp_path / "dump"
    dump.mkdir()
    text = (
        "The council voted on Tuesday to close the old bridge to lorries after engineers found cracks "
        "in two of its piers, and a temporary crossing will open next spring."
    )
    (dump / "a-letter.txt").write_text(f"A letter\n\n{text}\n", encoding="utf-8")
    (dump / "b-notice.txt").write_text(
        f"A notice\n\n{text}\n\nResidents may write to the council before the end of the month.\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["audit", str(dump), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    reprints = [line for line in result.output.splitlines() if line.startswith("reprint:")]
    assert reprints and all(" copies " not in line for line in reprints), result.output
    assert any("shares text with" in line and "which came first is a guess by " in line for line in reprints)


def test_a_reprint_of_the_same_day_is_printed_as_shared_text(runner: CliRunner, tmp_path: Path) -> None:
    """Two posts of one day, no time or credit: the line says the order is undecided, not who copied."""
    text = (
        "The harbour master said the ships would wait outside the breakwater until the swell dropped "
        "tomorrow. Local schools will reopen on Monday after the heating system was repaired."
    )
    dump = tmp_path / "same-day.jsonl"
    dump.write_text(
        "".join(
            json.dumps({"id": pid, "title": pid.title(), "date": "2017-07-14", "text": text}) + "\n"
            for pid in ("first", "second")
        ),
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["audit", str(dump), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    reprints = [line for line in result.output.splitlines() if line.startswith("reprint:")]
    assert reprints == [
        "reprint: second shares text with first (which came first is undecided: the same day, "
        "no time or credit orders them)"
    ], result.output


@pytest.mark.parametrize("option", ["--threshold", "--containment", "--partial"])
@pytest.mark.parametrize("value", ["nan", "NaN", "-nan"])
def test_a_share_that_is_not_a_number_is_a_usage_error(
    runner: CliRunner, tmp_path: Path, option: str, value: str
) -> None:
    """click's FloatRange lets NaN through; the option refuses it in one line, never a traceback."""
    result = runner.invoke(cli, ["audit", str(ROOT / "seeds"), "--out", str(tmp_path), option, value])
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option}'" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "audit.json").exists()


@pytest.mark.parametrize("where", ["the dump", "its parent"])
def test_an_output_folder_that_is_or_holds_the_dump_leaves_out_only_its_outputs(
    runner: CliRunner, tmp_path: Path, where: str
) -> None:
    """`audit dump --out dump` (twice) or `--out .` above it: the posts are read, the outputs are not."""
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "seed.txt").write_text(
        (ROOT / "seeds" / "islamic-state-whats-next.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    out = dump if where == "the dump" else tmp_path
    for _ in range(2):
        result = runner.invoke(cli, ["audit", str(dump), "--out", str(out)])
        assert result.exit_code == 0, result.output
        doc = json.loads((out / "audit.json").read_text(encoding="utf-8"))
        assert doc["summary"]["posts"] == 7
    skipped = {Path(s["path"]).name for s in doc["skipped"]}
    assert skipped == (
        {"report.html", "audit.json", "pairs.csv", "posts.csv", "reprints.csv", "graph.graphml", "graph.gexf"}
        if where == "the dump"
        else set()
    )


def test_an_output_folder_holding_a_reference_folder_still_reads_it(
    runner: CliRunner, tmp_path: Path
) -> None:
    """`audit ELSEWHERE --reference refs --out .`: the known sources under the output folder are read."""
    refs = tmp_path / "out" / "refs"
    refs.mkdir(parents=True)
    (refs / "seed.txt").write_text(
        (ROOT / "seeds" / "islamic-state-whats-next.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    dump = tmp_path / "dump.txt"
    dump.write_text("A post\n\nThe harbour master said ships would wait until the swell dropped.\n", "utf-8")
    result = runner.invoke(
        cli, ["audit", str(dump), "--reference", str(refs), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "out" / "audit.json").read_text(encoding="utf-8"))
    assert doc["summary"]["posts"] == 8 and doc["skipped"] == []


def test_parameters_reach_the_audit(runner: CliRunner, tmp_path: Path) -> None:
    """--threshold and friends are recorded in audit.json's params."""
    result = runner.invoke(
        cli,
        [
            "audit",
            str(ROOT / "seeds"),
            "--out",
            str(tmp_path),
            "--threshold",
            "0.7",
            "--shingle-size",
            "4",
            "--num-perm",
            "64",
            "--seed",
            "7",
            "--containment",
            "0.9",
        ],
    )
    assert result.exit_code == 0, result.output
    params = json.loads((tmp_path / "audit.json").read_text(encoding="utf-8"))["params"]
    assert (
        params["threshold"],
        params["shingle_size"],
        params["num_perm"],
        params["seed"],
        params["containment"],
    ) == (0.7, 4, 64, 7, 0.9)


def test_out_of_range_threshold_is_a_usage_error(runner: CliRunner) -> None:
    """A threshold above 1 is refused by option parsing, with exit status 2."""
    result = runner.invoke(cli, ["audit", "--threshold", "1.5"])
    assert result.exit_code == 2
    assert "--threshold" in result.output


def test_missing_path_fails_with_a_clear_message(runner: CliRunner, tmp_path: Path) -> None:
    """A path that does not exist gives exit status 1 and names the path, without a traceback."""
    missing = tmp_path / "nope.txt"
    result = runner.invoke(cli, ["audit", str(missing), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert f"{missing}: no such file or directory" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_empty_file_is_reported_and_nothing_audited(runner: CliRunner, tmp_path: Path) -> None:
    """An empty file alone means nothing to audit: exit status 1, the file named."""
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(cli, ["audit", str(empty), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "empty.txt" in result.output and "empty" in result.output


def test_bad_file_beside_good_one_is_skipped_and_audit_goes_on(runner: CliRunner, tmp_path: Path) -> None:
    """A bad file is reported on stderr and in audit.json; the good one is still audited (exit 0)."""
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    result = runner.invoke(
        cli, ["audit", str(tmp_path / "empty.txt"), str(ROOT / "seeds"), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    assert "empty.txt" in result.output
    doc = json.loads((tmp_path / "out" / "audit.json").read_text(encoding="utf-8"))
    assert [s["path"] for s in doc["skipped"]] == [str(tmp_path / "empty.txt")]
    assert len(doc["posts"]) == 7


def test_strict_turns_an_unparsed_line_into_a_failure(runner: CliRunner, tmp_path: Path) -> None:
    """With --strict, a stray line before the first post fails the run, naming file and line."""
    dump = tmp_path / "dump.txt"
    seed = (ROOT / "seeds" / "islamic-state-whats-next.txt").read_text(encoding="utf-8")
    dump.write_text("stray words nobody can place\n\n" + seed, encoding="utf-8")
    relaxed = runner.invoke(cli, ["audit", str(dump), "--out", str(tmp_path / "a")])
    assert relaxed.exit_code == 0
    assert f"first at {dump}:1" in relaxed.output
    strict = runner.invoke(cli, ["audit", str(dump), "--out", str(tmp_path / "b"), "--strict"])
    assert strict.exit_code == 1
    assert f"{dump}:1: unparsed line" in strict.output


def test_report_rerenders_from_saved_audit_json(
    seed_outputs: Path, runner: CliRunner, tmp_path: Path
) -> None:
    """`provenance report audit.json` rebuilds the same HTML without re-auditing."""
    target = tmp_path / "again.html"
    result = runner.invoke(cli, ["report", str(seed_outputs / "audit.json"), "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == (seed_outputs / "report.html").read_text(encoding="utf-8")


def test_report_on_broken_json_names_file_and_line(runner: CliRunner, tmp_path: Path) -> None:
    """A corrupt audit.json gives a one-line error with its path and line."""
    broken = tmp_path / "audit.json"
    broken.write_text('{"posts": [\n  1,\n', encoding="utf-8")
    result = runner.invoke(cli, ["report", str(broken)])
    assert result.exit_code == 1
    assert f"{broken}:3: not valid JSON" in result.output


def test_graph_command_writes_each_format(runner: CliRunner, tmp_path: Path) -> None:
    """`provenance graph --format` writes GraphML, GEXF or node-link JSON that networkx reads back."""
    for fmt in ("graphml", "gexf", "json"):
        target = tmp_path / f"g.{fmt}"
        result = runner.invoke(cli, ["graph", str(ROOT / "seeds"), "--format", fmt, "--out", str(target)])
        assert result.exit_code == 0, result.output
        if fmt == "graphml":
            g = nx.read_graphml(target)
        elif fmt == "gexf":
            g = nx.read_gexf(target)
        else:
            g = nx.node_link_graph(json.loads(target.read_text(encoding="utf-8")), edges="edges")
        assert g.number_of_nodes() > 7


def test_sources_prints_the_chain_of_a_copy(runner: CliRunner) -> None:
    """`provenance sources` shows where a post's text came from: its source post and the outlet."""
    result = runner.invoke(cli, ["sources", "US on alert", str(ROOT / "seeds")])
    assert result.exit_code == 0, result.output
    assert (
        "isis-chief-looses-suicide-bombers-at-w-cities" in result.output
        or "ISIS chief looses" in result.output
    )
    assert "DEBKAfile" in result.output


def test_sources_with_unknown_post_is_an_error(runner: CliRunner) -> None:
    """An unknown post id gives a one-line error, exit status 1."""
    result = runner.invoke(cli, ["sources", "no such post anywhere", str(ROOT / "seeds")])
    assert result.exit_code == 1
    assert "no post with id or title" in result.output


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_and_is_in_the_readme(command: str, runner: CliRunner) -> None:
    """Each command explains itself in --help and is documented in the README."""
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert len(cli.commands[command].help or "") > 20
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"provenance {command}" in readme


def test_progress_bar_appears_only_for_stages_over_a_second() -> None:
    """Quick stages draw nothing; a stage still running after a second gets a bar."""
    from provenance import cli as cli_module

    ticks = iter([0.0, 0.5, 10.0, 10.0])
    progress = cli_module.StageProgress(clock=lambda: next(ticks), log=False)
    progress("ingest", 10, None)  # t=0: starts the clock for ingest
    progress("ingest", 20, None)  # t=0.5: still under a second
    assert not progress._live
    progress("dedup", 1, 100)  # t=10: dedup starts
    assert not progress._live
    progress("ingest", 30, None)  # t=10: ingest has now run ten seconds
    assert progress._live
    progress.close()


def test_a_stage_of_unknown_length_stops_its_clock_when_the_next_begins() -> None:
    """The ingest bar (no total) is finished when dedup starts, so its elapsed time is the ingest's own."""
    from provenance import cli as cli_module

    progress = cli_module.StageProgress(clock=lambda: 5.0, log=False)
    progress._started["ingest"] = 0.0
    progress("ingest", 40, None)
    (ingest,) = progress._progress.tasks
    assert not ingest.finished
    progress("dedup: hashing words", 1, 10)
    assert ingest.finished and ingest.total == 40
    progress.close()


def test_progress_into_a_log_writes_each_stage_as_it_ends(capsys: pytest.CaptureFixture[str]) -> None:
    """Off a terminal, a stage is one line written when the next begins, with its count and time.

    Nothing is held back to the end, so a log of a long run shows how far it got; a stage
    seen again after another (a second wait for the reuse process) gets a line again.
    """
    from provenance import cli as cli_module

    ticks = iter([0.0, 0.5, 2.0, 5.0, 70.0, 75.0, 80.0, 81.0, 3700.0])
    progress = cli_module.StageProgress(clock=lambda: next(ticks), log=True)
    progress("ingest", 10, None)  # t=0
    progress("ingest", 20, None)  # t=0.5: under a second, nothing yet
    progress("ingest", 30, None)  # t=2: over a second: the log starts
    assert capsys.readouterr().err == ""
    progress("dedup: post reuse", 0, 1)  # t=5: ingest ended
    assert capsys.readouterr().err.splitlines() == [f"{'ingest':<24} 30/30 0:00:05"]
    progress("dedup: post reuse", 1, 1)  # t=70
    progress("dedup: aligning pairs", 5, 9)  # t=75
    progress("dedup: post reuse", 0, 1)  # t=80: seen again
    progress("dedup: post reuse", 1, 1)  # t=81
    progress.close()  # t=3700
    assert capsys.readouterr().err.splitlines() == [
        f"{'dedup: post reuse':<24} 1/1 0:01:05 ...",  # over a minute since its start: still running
        f"{'dedup: post reuse':<24} 1/1 0:01:10",
        f"{'dedup: aligning pairs':<24} 5/9 0:00:05",
        f"{'dedup: post reuse':<24} 1/1 1:00:20",
    ]


def test_progress_into_a_log_says_each_minute_where_a_long_stage_stands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A stage running for minutes gets a line a minute, marked "..." so that it reads as not ended."""
    from provenance import cli as cli_module

    ticks = iter([0.0, 2.0, 30.0, 61.0, 62.0, 125.0, 130.0])
    progress = cli_module.StageProgress(clock=lambda: next(ticks), log=True)
    progress("ingest", 1, None)  # t=0
    progress("ingest", 5, None)  # t=2: the log starts
    progress("ingest", 9, None)  # t=30
    progress("ingest", 20, None)  # t=61: under a minute since the log started
    progress("ingest", 21, None)  # t=62: a minute
    progress("ingest", 40, None)  # t=125: a minute since the last line
    progress.close()  # t=130
    assert capsys.readouterr().err.splitlines() == [
        f"{'ingest':<24} 21/? 0:01:02 ...",
        f"{'ingest':<24} 40/? 0:02:05 ...",
        f"{'ingest':<24} 40/40 0:02:10",
    ]


def test_progress_into_a_log_writes_nothing_for_a_quick_run(capsys: pytest.CaptureFixture[str]) -> None:
    """A run whose stages each take under a second leaves the log as quiet as the terminal."""
    from provenance import cli as cli_module

    ticks = iter([0.0, 0.2, 0.4, 0.6])
    progress = cli_module.StageProgress(clock=lambda: next(ticks), log=True)
    progress("ingest", 1, None)
    progress("attribution", 1, 1)
    progress("writing", 7, 7)
    progress.close()
    assert capsys.readouterr().err == ""


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    """`python -m provenance --version` works, as the package's __main__ promises."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "provenance", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "provenance" in done.stdout


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
def test_a_terminal_that_cannot_encode_a_title_gets_escapes_not_a_traceback(
    tmp_path: Path, encoding: str
) -> None:
    """The seed's curly quotes under PYTHONIOENCODING=latin-1 or ascii: printed as escapes, exit 0.

    ``audit`` stopped in its summary, after its outputs were written, with a UnicodeEncodeError
    traceback and exit status 1; ``sources`` in its chain.
    """
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": encoding}
    for args in (
        ["audit", str(ROOT / "seeds"), "--out", str(tmp_path / "out")],
        ["sources", "terrorist diaspora", str(ROOT / "seeds")],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "provenance", *args], capture_output=True, env=env, check=False
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")
        assert b"Traceback" not in done.stderr
    assert (tmp_path / "out" / "report.html").is_file()


def test_a_reader_that_stops_reading_ends_the_command_quietly(tmp_path: Path) -> None:
    """``provenance diff ... | head -1``: status 141 (128 + SIGPIPE) and nothing on stderr, outputs whole.

    ``diff`` and ``runs`` said "Error: Broken pipe" with status 1, and ``audit`` (whose summary rich
    prints) ended with status 1 and no word: an error to ``set -o pipefail`` either way.
    """
    import subprocess
    import sys

    def run_unread(*args: str) -> tuple[int, bytes]:
        """The command with its standard output a pipe whose reading end is closed before it writes."""
        process = subprocess.Popen(
            [sys.executable, "-m", "provenance", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        with process.stderr:
            err = process.stderr.read()
        return process.wait(), err

    db = tmp_path / "audit.sqlite"
    seeds = str(ROOT / "seeds")
    assert run_unread("audit", seeds, "--out", str(tmp_path / "a"), "--db", str(db)) == (141, b"")
    assert (tmp_path / "a" / "report.html").is_file()
    assert run_unread("audit", seeds, "--out", str(tmp_path / "b"), "--db", str(db))[0] == 141
    assert run_unread("diff", "--db", str(db)) == (141, b"")
    assert run_unread("runs", "--db", str(db)) == (141, b"")
    listed = subprocess.run(
        [sys.executable, "-m", "provenance", "runs", "--db", str(db), "--json"],
        capture_output=True,
        check=True,
    )
    assert len(json.loads(listed.stdout)) == 2  # both audits kept their runs


GOOD_JSONL = '{"id": "a", "title": "First", "date": "2017-07-14", "text": "One paragraph of words here."}'


@pytest.mark.parametrize(
    ("name", "content", "exit_code", "expected"),
    [
        ("binary.txt", b"\x00\x01\x02\x03 binary", 1, "binary file (NUL byte at offset 0)"),
        ("blank.txt", b"\n\n   \n", 1, "empty file"),
        ("data.csv", b"a,b\n1,2\n", 1, "unrecognised format (extension '.csv')"),
        (
            "latin1.txt",
            "Un titre\n\nJuly 14, 2017\n\nCaf\u00e9 cr\u00e8me, d\u00e9j\u00e0 vu.\n".encode("cp1252"),
            0,
            "latin1.txt:5: not UTF-8",
        ),
        ("posts.jsonl", (GOOD_JSONL + "\n{broken\n").encode(), 0, "posts.jsonl:2: invalid JSON"),
        (
            "dates.txt",
            b"A title\n\nFebruary 30, 2017\n\nSome words of text.\n",
            0,
            "dates.txt:3: invalid date 'February 30, 2017'; post kept undated",
        ),
        ("dup.jsonl", (GOOD_JSONL + "\n" + GOOD_JSONL + "\n").encode(), 0, "post id 'a' already used at"),
    ],
)
def test_bad_input_gets_a_message_naming_file_and_line(
    runner: CliRunner, tmp_path: Path, name: str, content: bytes, exit_code: int, expected: str
) -> None:
    """Bad input is reported with its file (and line); the exit status says whether anything was read."""
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(cli, ["audit", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == exit_code, result.output
    assert expected in result.output
    assert "Traceback" not in result.output


def test_broken_symlink_is_skipped_with_its_target(runner: CliRunner, tmp_path: Path) -> None:
    """A broken symbolic link inside a folder is named and skipped; the rest of the folder is audited."""
    (tmp_path / "dump").mkdir()
    (tmp_path / "dump" / "seed.txt").write_text(
        (ROOT / "seeds" / "islamic-state-whats-next.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "dump" / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    result = runner.invoke(cli, ["audit", str(tmp_path / "dump"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "gone.txt: broken symbolic link" in result.output


def test_truncated_wordpress_export_keeps_items_before_the_break(runner: CliRunner, tmp_path: Path) -> None:
    """A WXR file cut off mid-item keeps the posts before the break and says where it broke."""
    whole = (ROOT / "tests" / "fixtures" / "ingest" / "wxr" / "small-export.xml").read_text(encoding="utf-8")
    cut = whole[: whole.rindex("<item>") + 40]
    path = tmp_path / "cut.xml"
    path.write_text(cut, encoding="utf-8")
    result = runner.invoke(cli, ["audit", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "XML broken or cut off here" in result.output
    assert f"{path}:" in result.output


def test_format_option_overrides_detection(runner: CliRunner, tmp_path: Path) -> None:
    """--format text reads an archive-shaped file as a single post."""
    path = tmp_path / "one.txt"
    path.write_text(
        (ROOT / "seeds" / "islamic-state-whats-next.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = runner.invoke(cli, ["audit", str(path), "--format", "text", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "out" / "audit.json").read_text(encoding="utf-8"))
    assert len(doc["posts"]) == 1
    assert doc["inputs"]["files"] == [{"path": str(path), "format": "text", "reference": False}]


def test_a_killed_worker_is_a_one_line_error(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A worker killed mid-audit (the out-of-memory killer sends SIGKILL) is a clear error, no traceback."""
    import os
    import signal

    import provenance.dedup

    monkeypatch.setattr(provenance.dedup, "PARALLEL_REUSE_MIN_PARAGRAPHS", 1)

    def killed(*args: object) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(provenance.dedup, "post_reuse", killed)
    result = runner.invoke(cli, ["audit", str(ROOT / "seeds"), "--out", str(tmp_path), "--jobs", "2"])
    assert result.exit_code == 1
    assert "the post-reuse process was killed (SIGKILL)" in result.output
    assert "most likely because the machine ran out of memory" in result.output
    assert "--jobs 1" in result.output
    assert isinstance(result.exception, SystemExit)  # click's clean exit, not an escaped error
    assert list(tmp_path.iterdir()) == []


def test_control_characters_in_copied_text_reach_every_output(runner: CliRunner, tmp_path: Path) -> None:
    """A vertical tab, a form feed and a C0 control in a copied paragraph, and a control in a cited name.

    XML cannot hold them, and lxml under networkx's GraphML writer refused them with a traceback. The
    graph files get U+FFFD in their place, audit.json keeps the text exactly.
    """
    body = (
        "Shared \x0btext\x0c with \x01 controls, long enough to be a paragraph two posts repeat word by word."
    )
    dump = tmp_path / "dump.txt"
    dump.write_text(
        "First post\nNovember 3, 2016\nOriginal, DEBKAfile, Jo\x02Ann Smith, November 3, 2016\n"
        f"{body}\n\nSecond post\nNovember 4, 2016\nOther, DEBKAfile, November 4, 2016\n{body}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = runner.invoke(cli, ["audit", str(dump), "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert [p["paragraphs"][0]["text"] for p in doc["posts"]] == [body, body]
    for name in ("graph.graphml", "graph.gexf"):
        graph = nx.read_graphml(out / name) if name.endswith("graphml") else nx.read_gexf(out / name)
        texts = {d.get("text") for _, d in graph.nodes(data=True) if d.get("type") == "paragraph"}
        assert texts == {body.replace("\x0b", "\ufffd").replace("\x0c", "\ufffd").replace("\x01", "\ufffd")}
        assert any(node.endswith(":Jo\ufffdAnn Smith") for node in graph.nodes)  # a node id too
