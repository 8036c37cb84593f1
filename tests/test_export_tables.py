"""The spreadsheet tables: posts.csv, reprints.csv and pairs.csv's titles, dates and source side.

Each table is read back with the csv module from an audit of the seed run
through the command line, and compared with the audit.json the same run
wrote: the tables copy the audit's decisions, they never make their own.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from provenance import export
from provenance.cli import cli

ROOT = Path(__file__).resolve().parents[1]
COPY = "us-on-alert-for-terror-strikes-around-elections"
SOURCE = "isis-chief-looses-suicide-bombers-at-w-cities"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def seed_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    result = CliRunner().invoke(cli, ["audit", str(ROOT / "seeds"), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    return out


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_doc(out: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    return doc


def test_posts_csv_has_a_row_per_post_and_names_the_copy_s_main_source(seed_out: Path) -> None:
    """Seven posts in input order; the seed's copy is wholly borrowed from the DEBKAfile post a day older."""
    doc = read_doc(seed_out)
    rows = read_rows(seed_out / "posts.csv")
    assert list(rows[0]) == list(export.POST_CSV_COLUMNS)
    assert [r["id"] for r in rows] == [p["id"] for p in doc["posts"]]
    copy = next(r for r in rows if r["id"] == COPY)
    assert copy["main_source"] == SOURCE
    assert copy["main_source_title"] == "ISIS chief looses suicide bombers at W. cities"
    assert copy["main_source_date"] == "2016-11-03"
    assert copy["date"] == "2016-11-04"
    assert copy["outlet"] == "DEBKAfile"
    assert copy["verdict"] == "wholly"
    assert copy["decided_by"] == "citation_date"
    assert float(copy["borrowed_share"]) == doc["posts"][2]["reuse"]["share"] > 0.5
    assert float(copy["quoted_share"]) == doc["posts"][2]["reuse"]["quoted_share"]
    credit = doc["posts"][2]["reuse"]["credit"]
    assert float(copy["credited_share"]) == credit["credited_share"] > 0
    assert float(copy["uncredited_share"]) == credit["uncredited_share"]
    assert copy["credited_how"] == "DEBKAfile: citation"
    assert copy["main_source_changes"] == "none"  # word for word (tests/test_seed.py)
    assert list(export.POST_CSV_COLUMNS)[-1] == "main_source_changes"  # added last: no column moved
    for row in rows:
        post = next(p for p in doc["posts"] if p["id"] == row["id"])
        assert int(row["words"]) == sum(len(p["text"].split()) for p in post["paragraphs"]) > 0
        assert row["title"] == post["title"]
        if row["id"] != COPY:
            assert row["verdict"] == "independent"
            assert row["main_source"] == row["main_source_date"] == row["decided_by"] == ""
            # Nothing borrowed, no reuse.credit: empty cells, never a made-up 0.
            assert row["credited_share"] == row["uncredited_share"] == row["credited_how"] == ""
            assert row["main_source_changes"] == ""


def test_reprints_csv_names_both_posts_their_dates_and_how_it_was_decided(seed_out: Path) -> None:
    """One reprint edge on the seed, as audit.json has it."""
    doc = read_doc(seed_out)
    rows = read_rows(seed_out / "reprints.csv")
    assert list(rows[0]) == list(export.REPRINT_CSV_COLUMNS)
    assert len(rows) == len(doc["reprints"]) == 1
    (row,) = rows
    assert (row["source"], row["copy"]) == (SOURCE, COPY)
    assert (row["source_date"], row["copy_date"]) == ("2016-11-03", "2016-11-04")
    assert row["copy_title"] == "US on alert for terror strikes around elections"
    assert row["decided_by"] == doc["reprints"][0]["decided_by"] == "citation_date"
    assert int(row["shared_paragraphs"]) == doc["reprints"][0]["shared_paragraphs"]


def test_pairs_csv_says_which_side_is_the_source_as_audit_json_does(seed_out: Path) -> None:
    """``source`` is pairs[].source (null as ``undecided``); across posts the source is never the copy."""
    doc = read_doc(seed_out)
    rows = read_rows(seed_out / "pairs.csv")
    assert list(rows[0]) == list(export.PAIR_CSV_COLUMNS)
    assert len(rows) == len(doc["pairs"])
    titles = {p["id"]: (p["title"], p["date"]) for p in doc["posts"]}
    across = 0
    for row, pair in zip(rows, doc["pairs"], strict=True):
        assert row["source"] == (pair["source"] or "undecided")
        assert row["decided_by"] == pair["decided_by"]
        assert row["partial_containment"] == "" and pair["partial_containment"] is None  # no partial pair
        assert (row["a_title"], row["a_date"]) == titles[row["a_post"]]
        assert (row["b_title"], row["b_date"]) == titles[row["b_post"]]
        if row["inside_post"] == "False":
            across += 1
            assert row[f"{row['source']}_post"] == SOURCE
            assert row["decided_by"] == "citation_date"  # the seed's posts credit dated articles
        else:
            assert row["decided_by"] == "longer_paragraph"
    assert across == 11


def hostile_doc() -> dict[str, Any]:
    """A hand-made document whose every text starts a formula, with a reuse.credit and a tie of sources."""
    post = {
        "id": "=copy",
        "title": "+title",
        "date": "2020-01-02",
        "citation": {"outlet": "@Outlet", "author": "-Author", "date": "2020-01-01"},
        "paragraphs": [{"index": 0, "line": 3, "text": "=SUM(A1) two words"}],
        "source": {"path": "=path", "line_start": 1, "line_end": 4},
        "reference": False,
        "reuse": {
            "share": 0.5,
            "quoted_share": 0.0,
            "derivation": "wholly",
            "sources": [
                {"post": "-first", "share": 0.25, "quoted_share": 0.0, "decided_by": "post_date"},
                {"post": "@second", "share": 0.25, "quoted_share": 0.0, "decided_by": "input_order"},
            ],
            "credit": {
                "credited_share": 0.1,
                "uncredited_share": 0.4,
                "by": [
                    {"source": "-first", "outlet": "=Wire", "how": "link"},
                    {"source": "@second", "outlet": None, "how": "none"},
                ],
            },
        },
    }
    others = [
        {"id": "-first", "title": "\tfirst", "date": "2019-12-31", "paragraphs": [], "reuse": None},
        {"id": "@second", "title": "\rsecond", "date": None, "paragraphs": []},
    ]
    return {
        "posts": [post, *others],
        "pairs": [],
        "reprints": [
            {
                "source": "-first",
                "copy": "=copy",
                "shared_paragraphs": 1,
                "share_of_source": 1.0,
                "decided_by": "=post_date",
            }
        ],
    }


def test_posts_and_reprints_csv_neutralise_formula_cells() -> None:
    """No text cell of either table starts a formula; numbers stay numbers; reuse.credit is written."""
    doc = hostile_doc()
    rows = list(csv.DictReader(io.StringIO(export.posts_csv(doc))))
    rows += list(csv.DictReader(io.StringIO(export.reprints_csv(doc))))
    for row in rows:
        assert not any(cell.startswith(FORMULA_STARTS) for cell in row.values()), row
    copy = rows[0]
    assert (copy["id"], copy["title"], copy["outlet"], copy["author"]) == (
        "'=copy",
        "'+title",
        "'@Outlet",
        "'-Author",
    )
    assert (copy["credited_share"], copy["uncredited_share"]) == ("0.1", "0.4")
    assert copy["credited_how"] == "'=Wire: link; @second: none"
    assert copy["words"] == "3"
    # Equal shares: the main source is the earliest witness (listed first), the other is listed after.
    assert (copy["main_source"], copy["main_source_title"], copy["main_source_date"]) == (
        "'-first",
        "'\tfirst",
        "2019-12-31",
    )
    assert copy["decided_by"] == "post_date"
    assert copy["other_sources"] == "'@second"
    # A post without reuse (null or absent) has an empty verdict, not a guessed one.
    assert rows[1]["verdict"] == rows[2]["verdict"] == ""
    reprint = rows[3]
    assert (reprint["source"], reprint["source_title"], reprint["copy"]) == ("'-first", "'\tfirst", "'=copy")
    assert reprint["decided_by"] == "'=post_date"
    assert reprint["shared_paragraphs"] == "1" and reprint["share_of_source"] == "1.0"


def test_the_main_source_is_the_one_borrowed_from_most() -> None:
    """A later witness with the larger share is the main source; the earliest is then among the others."""
    doc = hostile_doc()
    doc["posts"][0]["reuse"]["sources"][1]["share"] = 0.4
    (row, *_) = csv.DictReader(io.StringIO(export.posts_csv(doc)))
    assert (row["main_source"], row["decided_by"], row["other_sources"]) == (
        "'@second",
        "input_order",
        "'-first",
    )


def test_posts_csv_says_what_the_copy_changed_in_its_main_source_s_text() -> None:
    doc = hostile_doc()
    sources = doc["posts"][0]["reuse"]["sources"]
    sources[1]["share"] = 0.4
    sources[0]["changes"] = {"name": 5}
    sources[1]["changes"] = {"number": 2, "wording": 1}
    (row, *_) = csv.DictReader(io.StringIO(export.posts_csv(doc)))
    assert (row["main_source"], row["main_source_changes"]) == ("'@second", "number: 2; wording: 1")


def test_a_failed_table_leaves_every_previous_output_in_place(
    seed_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """reprints.csv fails half-way: no output of the earlier audit changes and no temporary file is left."""
    out = tmp_path / "out"
    out.mkdir()
    for name in export.OUTPUT_FILES:
        (out / name).write_bytes((seed_out / name).read_bytes())
    before = {name: (out / name).read_bytes() for name in export.OUTPUT_FILES}

    def failing(doc: object, handle: io.TextIOBase) -> None:
        handle.write("source,copy\n")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "write_reprints_csv", failing)
    result = CliRunner().invoke(cli, ["audit", str(ROOT / "seeds"), "--out", str(out), "--jobs", "1"])
    assert result.exit_code != 0
    assert "No space left on device" in result.output
    assert {name: (out / name).read_bytes() for name in export.OUTPUT_FILES} == before
    assert sorted(p.name for p in out.iterdir()) == sorted(export.OUTPUT_FILES)


def test_pairs_csv_finds_paragraphs_by_position_or_by_their_own_index() -> None:
    """An audit's posts number their paragraphs by position; a hand-made document may not."""
    from provenance.export import _ParagraphLines

    lines = _ParagraphLines()
    lines.add("p", [{"index": 0, "line": 3, "text": "one"}, {"index": 1, "line": 5, "text": "two"}])
    lines.add("q", [{"index": 4, "line": 9, "text": "four"}])
    assert lines.get("p", 1) == (5, "two") and lines.get("q", 4) == (9, "four")
    for post, index in (("p", 2), ("p", -1), ("q", 0), ("r", 0)):
        with pytest.raises(KeyError):
            lines.get(post, index)
