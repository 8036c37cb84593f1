"""Whatever the dump holds, every output is written, every printed line is safe, every error is one line.

Lone surrogates, terminal escapes, rich markup, bidirectional overrides,
spreadsheet formulas, unwritable paths, deep JSON and a full TMPDIR, each
made by the test and driven through the command line where a user meets it.
"""

from __future__ import annotations

import csv
import errno
import importlib
import io
import json
import os
import re
import shutil
import unicodedata
from pathlib import Path, PosixPath
from typing import Any

import lxml.html
import pytest
from click.testing import CliRunner, Result
from hostile_docs import RLO, seed_shaped, with_bidi_overrides, with_outlet_renamed
from hypothesis import given
from hypothesis import strategies as st

from provenance.bidi import closed_bidi
from provenance.cli import cli, printable
from provenance.errors import ReportError, TemporaryFilesError
from provenance.export import OUTPUT_FILES, pairs_csv, spreadsheet_cell
from provenance.report import render

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "islamic-state-whats-next.txt"
SHARED_TEXT = (
    "The same two sentences travel from one post to the next without a word changed. "
    "Nobody credits where they first appeared, which is what this audit is for."
)
OUTPUTS = OUTPUT_FILES


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write_jsonl(path: Path, posts: list[dict[str, Any]]) -> Path:
    """A JSON Lines dump; ``json.dumps`` writes a lone surrogate as its ``\\ud800`` escape, as a dump may."""
    path.write_text("".join(json.dumps(post) + "\n" for post in posts), encoding="ascii")
    return path


def two_posts(first: dict[str, Any], second: dict[str, Any]) -> list[dict[str, Any]]:
    """Two posts sharing their text (a pair and a reprint), with ``first`` and ``second`` merged in."""
    base = {"title": "A post", "text": SHARED_TEXT, "outlet": "Wire"}
    return [
        {**base, "id": "first", "date": "2017-07-14", **first},
        {**base, "id": "second", "date": "2017-07-15", **second},
    ]


def audit(runner: CliRunner, dump: Path, out: Path, *extra: str) -> Result:
    return runner.invoke(cli, ["audit", str(dump), "--out", str(out), *extra])


def assert_one_line_error(result: Result, *expected: str) -> None:
    """Exit 1 through click's own error path: one 'Error:' line, no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    for part in expected:
        assert part in lines[0], result.output


def strict_utf8(path: Path) -> str:
    return path.read_bytes().decode("utf-8")  # raises on anything that is not valid UTF-8


# --------------------------------------------------------------------------
# lone surrogates
# --------------------------------------------------------------------------


def test_a_lone_surrogate_in_a_dump_is_written_as_u_fffd_in_every_output(
    runner: CliRunner, tmp_path: Path
) -> None:
    """A "\\ud800" escape in a JSON Lines title and text: all five outputs are valid UTF-8 with U+FFFD."""
    dump = write_jsonl(
        tmp_path / "posts.jsonl",
        two_posts({"title": "Broken \ud800 title"}, {"text": SHARED_TEXT + " \udc80"}),
    )
    result = audit(runner, dump, tmp_path / "out")
    assert result.exit_code == 0, result.output
    for name in OUTPUTS:
        text = strict_utf8(tmp_path / "out" / name)
        assert "\ufffd" in text, name
    doc = json.loads(strict_utf8(tmp_path / "out" / "audit.json"))
    assert doc["posts"][0]["title"] == "Broken \ufffd title"


def test_a_file_name_with_undecodable_bytes_is_audited_and_named_by_its_bytes(
    runner: CliRunner, tmp_path: Path
) -> None:
    """File names that are not UTF-8: the outputs are valid UTF-8 (U+FFFD) and the terminal shows the byte."""
    dump = tmp_path / "dump"
    dump.mkdir()
    shutil.copy(SEED, dump / os.fsdecode(b"caf\xe9.txt"))
    (dump / os.fsdecode(b"empty\xff.txt")).write_bytes(b"")
    result = audit(runner, dump, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "empty\\xff.txt: empty file" in result.output
    for name in OUTPUTS:
        strict_utf8(tmp_path / "out" / name)
    doc = json.loads(strict_utf8(tmp_path / "out" / "audit.json"))
    assert any(f["path"].endswith("caf\ufffd.txt") for f in doc["inputs"]["files"])


def test_report_graph_json_and_sources_survive_lone_surrogates(runner: CliRunner, tmp_path: Path) -> None:
    """`report` on an audit.json with "\\ud800" escapes, `graph --format json` and `sources` all succeed."""
    dump = write_jsonl(tmp_path / "posts.jsonl", two_posts({"title": "Lone \ud800 here"}, {}))
    saved = tmp_path / "audit.json"
    doc = seed_shaped()
    doc["posts"][0]["title"] = "Lone \ud800 here"
    saved.write_text(json.dumps(doc), encoding="ascii")

    report = runner.invoke(cli, ["report", str(saved), "--out", str(tmp_path / "r.html")])
    assert report.exit_code == 0, report.output
    assert "Lone \ufffd here" in strict_utf8(tmp_path / "r.html")

    graph = runner.invoke(cli, ["graph", str(dump), "--format", "json", "--out", str(tmp_path / "g.json")])
    assert graph.exit_code == 0, graph.output
    assert "Lone \ufffd here" in strict_utf8(tmp_path / "g.json")

    sources = runner.invoke(cli, ["sources", "first", str(dump)])
    assert sources.exit_code == 0, sources.output
    assert "Lone \ufffd here" in sources.output


# --------------------------------------------------------------------------
# the terminal
# --------------------------------------------------------------------------


def test_rich_markup_in_post_ids_is_printed_as_text(runner: CliRunner, tmp_path: Path) -> None:
    """Ids `copy[/]` and `[link=...]x[/link]` print as written in the reprint line: no MarkupError or link."""
    link = "[link=http://evil.example]x[/link]"
    dump = write_jsonl(tmp_path / "posts.jsonl", two_posts({"id": "copy[/]"}, {"id": link}))
    result = audit(runner, dump, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert f"reprint: {link} copies copy[/]" in result.output


def test_control_characters_from_the_dump_never_reach_the_terminal(runner: CliRunner, tmp_path: Path) -> None:
    """ESC, BEL and U+202E in file names, ids and titles are shown escaped by audit, sources and errors."""
    dump = tmp_path / "dump"
    dump.mkdir()
    write_jsonl(
        dump / "posts.jsonl",
        two_posts({"id": "a\x1b]8;;http:evil\x07b", "title": f"{RLO}sdrawkcab"}, {"id": "c\x1b[2Jd"}),
    )
    (dump / "e\x1b[2Jmpty.txt").write_bytes(b"")
    result = audit(runner, dump, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "e\\x1b[2Jmpty.txt: empty file" in result.output
    assert "reprint: c\\x1b[2Jd copies a\\x1b]8;;http:evil\\x07b" in result.output

    sources = runner.invoke(cli, ["sources", "sdrawkcab", str(dump)])
    assert sources.exit_code == 0, sources.output
    assert "\\u202esdrawkcab" in sources.output

    missing = runner.invoke(cli, ["report", str(tmp_path / "no\x1b[2Jsuch.json")])
    assert_one_line_error(missing, "no\\x1b[2Jsuch.json")
    aliases = runner.invoke(cli, ["audit", str(dump), "--aliases", str(tmp_path / "x\x1b[2J.yaml")])
    assert aliases.exit_code == 2 and "x\\x1b[2J.yaml' does not exist" in aliases.output  # click's own

    for output in (result.output, sources.output, missing.output, aliases.output):
        assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", output)


def test_a_right_to_left_outlet_in_a_finding_prints_as_written_on_the_terminal(
    runner: CliRunner, tmp_path: Path
) -> None:
    """The isolates that set a Hebrew name apart in the report are not printed as escapes around it."""
    dump = write_jsonl(
        tmp_path / "posts.jsonl", two_posts({"outlet": "Reuters"}, {"outlet": "\u05e9\u05dc\u05d5\u05dd"})
    )
    result = audit(runner, dump, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "high misattribution: second names \u05e9\u05dc\u05d5\u05dd as its source" in result.output
    assert "\\u2068" not in result.output and "\u2068" not in result.output


_FORBIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


@given(st.text())
def test_printable_leaves_nothing_that_acts_on_a_terminal(text: str) -> None:
    """printable() leaves no control, bidi control, separator or surrogate, and encodes as UTF-8."""
    shown = printable(text)
    assert not _FORBIDDEN.search(shown)
    shown.encode("utf-8")


@given(
    st.text(
        st.characters(
            blacklist_categories=("Cc", "Cs", "Cf", "Zl", "Zp"), blacklist_characters="\ufffe\uffff"
        )
    )
)
def test_printable_keeps_printable_text_as_it_is(text: str) -> None:
    """Text without control or format characters is printed unchanged."""
    assert printable(text) == text


def test_printable_shows_what_it_escapes() -> None:
    """ESC, BEL, newline and U+202E show as escapes, an undecodable file-name byte as its value."""
    assert printable("a\x1b[2J\x07\n\u202e") == "a\\x1b[2J\\x07\\x0a\\u202e"
    assert printable(os.fsdecode(b"caf\xe9")) == "caf\\xe9"
    assert printable("\ud800") == "\ufffd"
    # Characters that print as nothing: two ids differing by them printed the same.
    assert printable("zw\u200bspace") == "zw\\u200bspace"
    assert (
        printable("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645")
        == "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    )
    assert printable("\ufeffbom\ufffe\u2060") == "\\ufeffbom\\ufffe\\u2060"
    assert unicodedata.category(printable("\x85")[0]) != "Cc"


# --------------------------------------------------------------------------
# one-line errors
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def saved_audit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("saved") / "audit.json"
    path.write_text(json.dumps(seed_shaped()), encoding="utf-8")
    return path


def test_report_to_an_unwritable_path_is_one_line(
    runner: CliRunner, tmp_path: Path, saved_audit: Path
) -> None:
    """`report --out` under a path that cannot be a folder: one line naming the target."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = runner.invoke(cli, ["report", str(saved_audit), "--out", str(blocker / "x.html")])
    assert_one_line_error(result, f"cannot write {blocker / 'x.html'}")


def test_graph_to_an_unwritable_path_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    """`graph --out` under a path that cannot be a folder: one line naming the target."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = runner.invoke(cli, ["graph", str(SEED), "--out", str(blocker / "g.graphml")])
    assert_one_line_error(result, f"cannot write {blocker / 'g.graphml'}")


def test_an_out_naming_the_command_s_own_input_is_refused_and_the_input_kept(
    runner: CliRunner, tmp_path: Path, saved_audit: Path
) -> None:
    """--out naming the audit.json, the store or the dump the command reads: one line, the input unchanged.

    Each was overwritten with exit status 0: the saved audit and the store with the page, the dump with
    the graph.
    """
    saved = tmp_path / "audit.json"
    shutil.copy(saved_audit, saved)
    before = saved.read_bytes()
    result = runner.invoke(cli, ["report", str(saved), "--out", str(saved)])
    assert_one_line_error(result, str(saved), "--out names the audit.json it is rendered from")
    assert saved.read_bytes() == before

    db = tmp_path / "audit.sqlite"
    made = runner.invoke(cli, ["audit", str(SEED), "--out", str(tmp_path / "out"), "--db", str(db)])
    assert made.exit_code == 0, made.output
    stored = db.read_bytes()
    link = tmp_path / "link.sqlite"
    link.symlink_to(db)
    result = runner.invoke(cli, ["report", "--db", str(db), "--out", str(link)])
    assert_one_line_error(result, str(link), "--out names the store it is rendered from")
    assert db.read_bytes() == stored

    dump = tmp_path / "dump.txt"
    shutil.copy(SEED, dump)
    result = runner.invoke(cli, ["graph", str(dump), "--out", str(dump)])
    assert_one_line_error(result, str(dump), "--out names a file this audit reads")
    assert dump.read_bytes() == SEED.read_bytes()


def test_an_audit_whose_outputs_would_replace_its_input_or_its_store_is_refused(
    runner: CliRunner, tmp_path: Path
) -> None:
    """A dump named report.html audited into its own folder, a --db named as an output: refused up front.

    The page was read and then replaced by the report (exit 0); the store was made where audit.json
    then went, its runs left in the -wal file beside a JSON text.
    """
    page = tmp_path / "report.html"
    page.write_text(
        f"<html><head><title>Mine</title></head><body><article><h1>Mine</h1><p>{SHARED_TEXT}</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    before = page.read_bytes()
    result = runner.invoke(cli, ["audit", str(page), "--out", str(tmp_path)])
    assert_one_line_error(result, str(page), "would write its report.html over it")
    assert page.read_bytes() == before
    assert not (tmp_path / "audit.json").exists()

    out = tmp_path / "out"
    result = audit(runner, SEED, out, "--db", str(out / "audit.json"))
    assert_one_line_error(result, str(out / "audit.json"), "--db names the audit.json")
    assert not out.exists()


def test_report_on_deeply_nested_json_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    """100,000 nested lists stop json's decoder by recursion: one line naming the file."""
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = runner.invoke(cli, ["report", str(deep), "--out", str(tmp_path / "r.html")])
    assert_one_line_error(result, f"{deep}: ", "nested too deeply")


def test_a_document_nested_too_deeply_to_render_is_a_report_error() -> None:
    """A parameter nested 5,000 lists deep (built in Python, past json's limit) is a ReportError."""
    nested: list[Any] = []
    for _ in range(5000):
        nested = [nested]
    doc = seed_shaped()
    doc["params"]["deep"] = nested
    with pytest.raises(ReportError, match="too deeply"):
        render(doc)


def _spoil(doc: dict[str, Any], where: str, value: Any) -> dict[str, Any]:
    """``doc`` with the value at ``where`` (keys and list indexes joined by dots) replaced by ``value``."""
    *path, last = [int(part) if part.isdigit() else part for part in where.split(".")]
    holder: Any = doc
    for part in path:
        holder = holder[part]
    holder[last] = value
    return doc


@pytest.mark.parametrize(
    ("where", "value", "page"),
    [
        ("posts.0.notes", 1, False),
        ("outlets.0.cited_by", 1, False),
        ("pairs.0.alignment.0.0", [], False),
        # Read as no number, as a NaN or an infinity is: the page is drawn.
        ("params.wholly", 10**400, True),
        ("pairs.0.a.paragraph", float("inf"), True),
    ],
)
def test_report_on_an_audit_json_with_a_value_of_the_wrong_shape_is_one_line(
    runner: CliRunner, tmp_path: Path, where: str, value: Any, page: bool
) -> None:
    """A number where a list goes, a list where a string goes, a number too large: a page or one line.

    Each ended in a traceback (TypeError, OverflowError) from deep inside the report's build.
    """
    saved = tmp_path / "audit.json"
    saved.write_text(json.dumps(_spoil(seed_shaped(), where, value)), encoding="utf-8")
    result = runner.invoke(cli, ["report", str(saved), "--out", str(tmp_path / "report.html")])
    if page:
        assert result.exit_code == 0, result.output
        assert (tmp_path / "report.html").is_file()
    else:
        assert_one_line_error(result, str(saved), "not an audit.json this version can read")


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("findings", 1),
        ("posts.0.source.line_start", float("inf")),
        ("reprints.0.share_of_source", 10**400),
    ],
)
def test_sources_on_an_audit_json_with_a_value_of_the_wrong_shape_is_one_line(
    runner: CliRunner, tmp_path: Path, where: str, value: Any
) -> None:
    """`sources POST audit.json` on a damaged document: one line naming it.

    Each ended in a traceback (TypeError, OverflowError), the first after the chain was printed.
    """
    saved = tmp_path / "audit.json"
    saved.write_text(json.dumps(_spoil(seed_shaped(), where, value)), encoding="utf-8")
    result = runner.invoke(cli, ["sources", "us-on-alert-for-terror-strikes-around-elections", str(saved)])
    assert_one_line_error(result, str(saved), "not an audit.json this version can read")


class _FullDisk(PosixPath):
    """A path whose files cannot be opened for writing: the disk is full."""

    def open(self, mode: str = "r", *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if "a" in mode or "w" in mode:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return super().open(mode, *args, **kwargs)


def test_a_full_tmpdir_during_dedup_names_tmpdir(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC while the duplicate stage spills keys: one line naming TMPDIR and how to move it."""
    from provenance.dedup import buckets

    monkeypatch.setattr(buckets, "SPILL_BYTES", 0)  # spill from the first key on
    monkeypatch.setattr(buckets, "Path", _FullDisk)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)  # read TMPDIR again
    result = audit(runner, SEED, tmp_path / "out", "--jobs", "1")
    assert_one_line_error(result, f"temporary files in {tmp_path} (TMPDIR): no space left", "set TMPDIR")
    assert not (tmp_path / "out" / "report.html").exists()


def test_the_tmpdir_error_crosses_a_process_boundary() -> None:
    """The error is rebuilt from its message alone, as a forked worker hands it back (pickle)."""
    import pickle

    error = TemporaryFilesError.writing("/big", OSError(errno.ENOSPC, "No space left on device"))
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is TemporaryFilesError and str(again) == str(error)


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (
            PermissionError(errno.EACCES, "Permission denied", "dump/x\x1b.txt"),
            "dump/x\\x1b.txt: Permission denied",
        ),
        (OSError(errno.ENOSPC, "No space left on device", "out"), "out: no space left on the device"),
        (MemoryError(), "out of memory"),
    ],
)
def test_an_os_or_memory_error_no_stage_caught_is_one_line(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, raised: BaseException, expected: str
) -> None:
    """An OSError or MemoryError out of the audit becomes one printable line, not a traceback."""

    def failing(*args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.setattr(importlib.import_module("provenance.audit"), "audit", failing)
    assert_one_line_error(runner.invoke(cli, ["audit", str(SEED)]), expected)


# --------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def test_pairs_csv_neutralises_formula_cells_from_the_dump(runner: CliRunner, tmp_path: Path) -> None:
    """Post ids and texts starting with = + - @ get a leading ' in pairs.csv; numbers stay numbers."""
    text = '=HYPERLINK("http://evil.example","click") ' + SHARED_TEXT
    dump = write_jsonl(
        tmp_path / "posts.jsonl", two_posts({"id": "@SUM(1)", "text": text}, {"id": "-2+3", "text": text})
    )
    result = audit(runner, dump, tmp_path / "out")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(strict_utf8(tmp_path / "out" / "pairs.csv"))))
    assert rows, "no pair written"
    for row in rows:
        assert {row["a_post"], row["b_post"]} == {"'@SUM(1)", "'-2+3"}
        assert row["a_text"] == row["b_text"] == "'" + text
        assert float(row["jaccard"]) == 1.0 and int(row["a_line"]) >= 1
        assert not any(cell.startswith(_TRIGGERS) for cell in row.values())


def test_every_text_column_of_pairs_csv_is_neutralised() -> None:
    """Tab, carriage return and each formula start in any text column; the numbers are written as numbers."""
    doc = {
        "posts": [
            {"id": "\tid", "paragraphs": [{"index": 0, "line": 3, "text": "\rcarriage"}]},
            {"id": "+id", "paragraphs": [{"index": 0, "line": 9, "text": "'quoted"}]},
        ],
        "pairs": [
            {
                "a": {"post": "\tid", "paragraph": 0},
                "b": {"post": "+id", "paragraph": 0},
                "kind": "=kind",
                "jaccard": -0.5,
                "containment": 1.0,
                "inside_post": False,
                "cluster": None,
                "decided_by": "=decided",
            }
        ],
    }
    _, row = list(csv.reader(io.StringIO(pairs_csv(doc))))
    assert row == [
        "'\tid",
        "0",
        "3",
        "'+id",
        "0",
        "9",
        "'=kind",
        "-0.5",
        "1.0",
        "",
        "False",
        "",
        "undecided",
        "'=decided",
        "",
        "",
        "",
        "",
        "'\rcarriage",
        "''quoted",
    ]


@given(st.text())
def test_a_neutralised_cell_never_starts_a_formula_and_gives_its_text_back(text: str) -> None:
    """No text cell starts a formula; dropping one leading ' (when there is one) gives the text back."""
    cell = spreadsheet_cell(text)
    assert isinstance(cell, str)
    assert not cell.startswith(_TRIGGERS)
    assert (cell[1:] if cell.startswith("'") else cell) == text


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans(), st.none()))
def test_numbers_are_not_neutralised(value: object) -> None:
    """Numbers, booleans and empty cells stay what they are, negative numbers included."""
    assert spreadsheet_cell(value) is value


# --------------------------------------------------------------------------
# the report's HTML
# --------------------------------------------------------------------------


def _isolated(element: Any) -> bool:
    """Inside a <bdi>, a dir="auto" block, or an element whose text stands alone (title, option, SVG)."""
    for node in (element, *element.iterancestors()):
        if node.tag in ("bdi", "title", "option", "svg") or node.get("dir") == "auto":
            return True
    return False


def test_every_text_from_the_dump_is_isolated_in_the_report() -> None:
    """With U+202E before every title, id, name, path and text, each one sits in an isolating element."""
    html = render(with_bidi_overrides(seed_shaped()))
    tree = lxml.html.fromstring(html)
    checked = 0
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.text and RLO in element.text:
            checked += 1
            assert _isolated(element), lxml.html.tostring(element)[:300]
        if element.tail and RLO in element.tail:
            checked += 1
            parent = element.getparent()
            assert _isolated(parent), lxml.html.tostring(parent)[:300]
    assert checked > 100


def test_control_characters_from_the_dump_are_shown_as_u_fffd_in_the_report() -> None:
    """NUL, BEL, ESC and C1 controls before every title, id, name, path and text: none reaches the page.

    They were written as they were: HTML allows none of them, and a parser drops NUL ("a\\x00b" showed "ab").
    """
    html = render(with_bidi_overrides(seed_shaped(), "\x00\x07\x1b\x85"))
    assert not re.search("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]", html)
    assert html.count("\ufffd" * 4) > 100


_OPENS = {"\u202a": "\u202c", "\u202b": "\u202c", "\u202d": "\u202c", "\u202e": "\u202c"} | dict.fromkeys(
    "\u2066\u2067\u2068", "\u2069"
)


@given(st.text(st.sampled_from("a \u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")))
def test_closed_bidi_closes_what_the_text_opens_and_nothing_else(text: str) -> None:
    """Each closing control closes the last one opened, none is left open, the rest of the text is kept."""
    closed = closed_bidi(text)
    opened: list[str] = []
    for char in closed:
        if char in _OPENS:
            opened.append(char)
        elif char in ("\u202c", "\u2069"):
            assert opened and _OPENS[opened.pop()] == char, repr(closed)
    assert opened == [], repr(closed)
    closers = str.maketrans("", "", "\u202c\u2069")
    assert closed.translate(closers) == text.translate(closers)
    balanced = "\u2067a\u202eb\u202cc\u2069"
    assert closed_bidi(balanced) == balanced


@pytest.mark.parametrize(
    ("outlet", "shown"),
    [
        (RLO + "Evil\u2067", "\u2068\u202eEvil\u2067\u2069\u202c\u2069"),
        ("\u05e9\u05dc\u05d5\u05dd", "\u2068\u05e9\u05dc\u05d5\u05dd\u2069"),
        ("Wire", "Wire"),
    ],
    ids=["override", "hebrew", "plain"],
)
def test_a_name_drawn_right_to_left_is_set_apart_in_a_finding_s_summary(
    runner: CliRunner, tmp_path: Path, outlet: str, shown: str
) -> None:
    """Outlets and ids drawn right to left sit in an isolate, their controls closed; plain names as they are.

    An override left open ran on to the end of the summary, so the report drew "(first, 2017-07-14),
    which it does not credit" backwards; a Hebrew name drew the comma and the date after it into its
    right-to-left run: "(2017-07-14 ,first)".
    """
    dump = write_jsonl(
        tmp_path / "posts.jsonl",
        two_posts({"id": "first\u2069" + RLO, "outlet": outlet}, {"outlet": "Other"}),
    )
    result = audit(runner, dump, tmp_path / "out")
    assert result.exit_code == 0, result.output
    [finding] = json.loads(strict_utf8(tmp_path / "out" / "audit.json"))["findings"]
    assert finding["summary"] == (
        "second names Other as its source, but 100% of its words first appear in the dump under "
        f"{shown} (\u2068first{RLO}\u202c\u2069, 2017-07-14), which it does not credit"
    )


def test_outlet_filter_values_keep_any_name() -> None:
    """An outlet named with | and a quote is one value of the filter, as its option says."""
    name = "A|B 'quoted'"
    html = render(with_outlet_renamed(seed_shaped(), "Long War Journal", name))
    tree = lxml.html.fromstring(html)
    assert name.casefold() in tree.xpath("//select[@name='outlet']/option/@value")
    tagged = [json.loads(pair.get("data-outlets")) for pair in tree.find_class("pair")]
    assert sum(name.casefold() in outlets for outlets in tagged) == 3


def test_a_line_repeated_a_thousand_times_is_named_on_the_overview(tmp_path: Path) -> None:
    """One post of a thousand copies of a share line: 0 pairs, so the overview says where the repeats went."""
    dump = tmp_path / "dump.txt"
    dump.write_text(
        "A post of one line\nDecember 1, 2016\n\n" + "Share this story on your page.\n\n" * 1000,
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["audit", str(dump), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    page = lxml.html.fromstring((tmp_path / "out" / "report.html").read_text(encoding="utf-8"))
    [figure] = page.xpath('//div[@data-figure="boilerplate"]')
    assert figure.xpath("string(dt)") == "boilerplate text"
    assert figure.xpath('string(dd[@class="value"])') == "1"
    assert "left out of the pairs" in figure.xpath('string(dd[@class="detail"])')
    [item] = page.xpath('//ul[@class="boilerplate"]/li')
    assert "in 1 post (1,000 paragraphs)" in item.text_content()
