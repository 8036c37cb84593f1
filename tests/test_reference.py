"""Known sources (--reference): read like the dump, earlier than all of it, a copy of nothing, read once."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

import provenance
from provenance.cli import cli
from provenance.config import AuditConfig
from provenance.dedup.order import order_evidence
from provenance.ingest import read_corpus

ORIGINAL = (
    "Dynamic programming is a method for solving complex problems by breaking them down into simpler "
    "subproblems, solving each of those subproblems just once and storing their solutions.\n"
    "\n"
    "It is applicable to problems exhibiting the properties of overlapping subproblems and optimal "
    "substructure, and it takes far less time than naive methods that do not take advantage of them.\n"
)
OTHER = "Bayes theorem relates the conditional and marginal probabilities of two random events together.\n"


def _folder(tmp_path: Path) -> Path:
    """An undated folder whose copy sorts before its original, so input order puts the copy first."""
    folder = tmp_path / "dump"
    folder.mkdir()
    (folder / "a_copy.txt").write_text(ORIGINAL, encoding="utf-8")
    (folder / "z_original.txt").write_text(ORIGINAL, encoding="utf-8")
    (folder / "m_other.txt").write_text(OTHER, encoding="utf-8")
    return folder


def _audit(tmp_path: Path, *args: str) -> tuple[dict, str]:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["audit", *args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads((out / "audit.json").read_text(encoding="utf-8")), result.output


def test_reference_overrides_an_input_order_that_put_the_copy_first(tmp_path: Path) -> None:
    """Without --reference the copy is taken for the source (a guess); with it the original is the source."""
    folder = _folder(tmp_path)
    doc, output = _audit(tmp_path, str(folder))
    (reprint,) = doc["reprints"]
    assert (reprint["source"], reprint["copy"], reprint["decided_by"]) == (
        "a_copy",
        "z_original",
        "input_order",
    )
    assert "who copied whom: a guess" in output

    doc, output = _audit(tmp_path, str(folder), "--reference", str(folder / "z_original.txt"))
    (reprint,) = doc["reprints"]
    assert (reprint["source"], reprint["copy"], reprint["decided_by"]) == (
        "z_original",
        "a_copy",
        "reference",
    )
    posts = {post["id"]: post for post in doc["posts"]}
    assert posts["z_original"]["reference"] is True and posts["a_copy"]["reference"] is False
    assert posts["z_original"]["reuse"]["derivation"] == "independent"
    (source,) = posts["a_copy"]["reuse"]["sources"]
    assert (source["post"], source["decided_by"]) == ("z_original", "reference")
    assert posts["a_copy"]["reuse"]["derivation"] == "wholly"
    assert "who copied whom: 1 known source (--reference) comes first" in output


def test_a_file_in_the_dump_and_named_as_reference_is_read_once_as_a_reference(tmp_path: Path) -> None:
    """The original beside the copies in the folder is read once, first, as a reference, and not skipped."""
    folder = _folder(tmp_path)
    doc, _ = _audit(tmp_path, str(folder), "--reference", str(folder / "z_original.txt"))
    assert sorted(post["id"] for post in doc["posts"]) == ["a_copy", "m_other", "z_original"]
    assert doc["skipped"] == [] and not [w for w in doc["warnings"] if "already used" in w["message"]]
    files = [(Path(f["path"]).name, f["reference"]) for f in doc["inputs"]["files"]]
    assert files == [("z_original.txt", True), ("a_copy.txt", False), ("m_other.txt", False)]
    assert doc["params"]["references"] == [str(folder / "z_original.txt")]


def test_a_reference_folder_inside_the_dump_is_read_once_as_references(tmp_path: Path) -> None:
    """A folder of originals under the dump folder is read as references, the rest of the dump as posts."""
    folder = tmp_path / "dump"
    (folder / "originals").mkdir(parents=True)
    (folder / "originals" / "orig_task.txt").write_text(ORIGINAL, encoding="utf-8")
    (folder / "answer.txt").write_text(ORIGINAL, encoding="utf-8")
    corpus = read_corpus([folder], AuditConfig(references=(str(folder / "originals"),)))
    assert [(post.id, post.reference) for post in corpus.posts] == [("orig_task", True), ("answer", False)]
    assert corpus.skipped == []
    assert corpus.references == [str(folder / "originals" / "orig_task.txt")]


def test_two_references_are_never_ordered(tmp_path: Path) -> None:
    """Two known sources sharing text: neither is a copy of the other; their reprint edge stays undecided."""
    folder = _folder(tmp_path)
    doc, _ = _audit(
        tmp_path,
        str(folder),
        "--reference",
        str(folder / "a_copy.txt"),
        "--reference",
        str(folder / "z_original.txt"),
    )
    assert [reprint["decided_by"] for reprint in doc["reprints"]] == ["undecided"]
    posts = {post["id"]: post for post in doc["posts"]}
    assert (
        posts["a_copy"]["reuse"]["derivation"] == posts["z_original"]["reuse"]["derivation"] == "independent"
    )


def test_library_takes_references_as_a_config_field(tmp_path: Path) -> None:
    """provenance.audit with AuditConfig(references=...) marks the posts; a lone path is one reference."""
    folder = _folder(tmp_path)
    config = AuditConfig(references=folder / "z_original.txt")  # type: ignore[arg-type]
    assert config.references == (str(folder / "z_original.txt"),)
    result = provenance.audit([folder], config)
    assert [post.id for post in result.posts if post.reference] == ["z_original"]
    assert [(r.source, r.decided_by) for r in result.reprints] == [("z_original", "reference")]


def test_a_missing_reference_is_listed_as_skipped(tmp_path: Path) -> None:
    """A --reference path that does not exist is reported like a dump path, and --strict fails on it."""
    folder = _folder(tmp_path)
    doc, _ = _audit(tmp_path, str(folder), "--reference", str(tmp_path / "nowhere.txt"))
    assert doc["skipped"] == [{"path": str(tmp_path / "nowhere.txt"), "reason": "no such file or directory"}]
    result = CliRunner().invoke(
        cli,
        [
            "audit",
            str(folder),
            "--reference",
            str(tmp_path / "nowhere.txt"),
            "--strict",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 1 and "nowhere.txt" in result.output


def test_summary_says_what_direction_rests_on(tmp_path: Path, repo_root: Path) -> None:
    """summary.order_evidence: dates on the seed, a guess in an undated folder, references where declared."""
    doc, _ = _audit(tmp_path, str(repo_root / "seeds"))
    assert doc["summary"]["order_evidence"] == "dates: every post is dated"
    folder = _folder(tmp_path)
    doc, _ = _audit(tmp_path, str(folder))
    assert doc["summary"]["order_evidence"].startswith("a guess: no post is dated and no known source")
    doc, _ = _audit(tmp_path, str(folder), "--reference", str(folder / "z_original.txt"))
    assert doc["summary"]["order_evidence"] == (
        "1 known source (--reference) comes first; between the other posts, all undated, "
        "direction comes from containment or input order (a guess)"
    )


def test_order_evidence_counts_undated_posts_among_dated_ones(repo_root: Path, tmp_path: Path) -> None:
    """A dump partly dated says how many posts are ordered by a guess."""
    undated = tmp_path / "note.txt"
    undated.write_text(OTHER, encoding="utf-8")
    posts = read_corpus([repo_root / "seeds", undated]).posts
    assert order_evidence(posts) == (
        "dates where both posts have one; for the undated post direction comes from containment "
        "or input order (a guess)"
    )


def test_report_shows_what_direction_rests_on_and_the_known_sources(tmp_path: Path) -> None:
    """The overview says 'guessed' or not, with the summary's sentence; a known source's card says so."""
    folder = _folder(tmp_path)
    _audit(tmp_path, str(folder), "--reference", str(folder / "z_original.txt"))
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    figure = html[html.index('<div class="figure" data-figure="order_evidence"') :]
    assert '<dd class="value">partly guessed</dd>' in figure[:300]
    assert "1 known source (--reference) comes first" in figure[:600]
    assert html.count('<p class="reference">Known source (declared with --reference)') == 1
    _audit(tmp_path, str(folder))
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    figure = html[html.index('<div class="figure" data-figure="order_evidence"') :]
    assert '<dd class="value">guessed</dd>' in figure[:300]
    assert 'class="reference"' not in html
