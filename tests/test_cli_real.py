"""The command line as a new user meets it: no path, option names, saved audits, a real folder of answers."""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from provenance.cli import cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize("command", [["audit"], ["graph"], ["sources", "some-post"]])
def test_no_path_outside_a_checkout_says_how_to_name_a_dump(
    runner: CliRunner, command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run where there is no seeds/ folder, a command without a path says what to type, not 'no posts'."""
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, command)
    assert result.exit_code == 2
    assert "name the dump to audit" in result.output
    assert "provenance audit my-blog-export.xml" in result.output and "seeds/" in result.output
    assert "Traceback" not in result.output and "no posts could be read" not in result.output


def test_no_path_in_a_checkout_audits_the_sample(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where seeds/ exists (a checkout), the command without a path audits it as before."""
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["audit", "--out", "out"])
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "out" / "audit.json").read_text(encoding="utf-8"))
    assert {Path(f["path"]).parent.name for f in doc["inputs"]["files"]} == {"seeds"}
    assert doc["summary"]["posts"] > 0


def test_input_format_is_one_option_name_on_every_command(runner: CliRunner, tmp_path: Path) -> None:
    """--input-format picks the reader everywhere; audit keeps --format as alias; graph --format is output."""
    path = tmp_path / "one.txt"
    shutil.copy(ROOT / "seeds" / "islamic-state-whats-next.txt", path)
    for flag in ("--input-format", "--format"):
        out = tmp_path / flag.strip("-")
        result = runner.invoke(cli, ["audit", str(path), flag, "text", "--out", str(out)])
        assert result.exit_code == 0, result.output
        doc = json.loads((out / "audit.json").read_text(encoding="utf-8"))
        assert doc["summary"]["posts"] == 1 and doc["params"]["format"] == "text"
    graph = tmp_path / "graph.json"
    result = runner.invoke(
        cli, ["graph", str(path), "--input-format", "text", "--format", "json", "--out", str(graph)]
    )
    assert result.exit_code == 0, result.output
    nodes = json.loads(graph.read_text(encoding="utf-8"))["nodes"]
    assert sum(node.get("type") == "post" for node in nodes) == 1
    result = runner.invoke(cli, ["sources", "one", str(path), "--input-format", "text"])
    assert result.exit_code == 0, result.output
    assert "THIS POST: " in result.output and "(undated) [one]" in result.output
    result = runner.invoke(cli, ["sources", "one", str(path), "--format", "text"])
    assert result.exit_code == 2 and "No such option '--format'" in result.output
    help_text = runner.invoke(cli, ["audit", "--help"]).output
    assert "--input-format, --format" in help_text and "(--format is an alias)" in help_text


def _seed_audit(runner: CliRunner, tmp_path: Path) -> tuple[Path, Path]:
    dump = tmp_path / "dump"
    shutil.copytree(ROOT / "seeds", dump)
    out = tmp_path / "out"
    result = runner.invoke(cli, ["audit", str(dump), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return dump, out / "audit.json"


def test_sources_reads_a_saved_audit_json_as_the_audit_prints_it(runner: CliRunner, tmp_path: Path) -> None:
    """`sources POST audit.json` prints, for every post, the chain that re-auditing the dump prints."""
    dump, saved = _seed_audit(runner, tmp_path)
    doc = json.loads(saved.read_text(encoding="utf-8"))
    assert doc["reprints"] and doc["mentions"]
    for post in doc["posts"]:
        from_dump = runner.invoke(cli, ["sources", post["id"], str(dump)])
        from_saved = runner.invoke(cli, ["sources", post["id"], str(saved)])
        assert from_dump.exit_code == from_saved.exit_code == 0, from_saved.output
        assert from_saved.output == from_dump.output
    assert "reprints isis-chief-looses-suicide-bombers-at-w-cities" in from_saved.output or any(
        "reprints" in runner.invoke(cli, ["sources", p["id"], str(saved)]).output for p in doc["posts"]
    )


def test_sources_from_a_saved_audit_does_not_read_the_dump_again(runner: CliRunner, tmp_path: Path) -> None:
    """With the dump gone, the saved audit still answers, by title too."""
    dump, saved = _seed_audit(runner, tmp_path)
    shutil.rmtree(dump)
    result = runner.invoke(cli, ["sources", "US on alert", str(saved)])
    assert result.exit_code == 0, result.output
    assert "THIS POST: US on alert for terror strikes around elections" in result.output
    assert "original outlet(s): DEBKAfile" in result.output


def test_sources_on_a_broken_saved_audit_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    """An audit.json whose posts are not shaped as provenance writes them gives a one-line error naming it."""
    _, saved = _seed_audit(runner, tmp_path)
    doc = json.loads(saved.read_text(encoding="utf-8"))
    doc["posts"][0]["source"] = "nowhere"
    saved.write_text(json.dumps(doc), encoding="utf-8")
    result = runner.invoke(cli, ["sources", "anything", str(saved)])
    assert result.exit_code == 1
    assert f"{saved}: not an audit.json this version can read" in result.output
    assert "Traceback" not in result.output


def test_a_json_dump_that_is_no_audit_is_audited(runner: CliRunner, tmp_path: Path) -> None:
    """A JSON Lines dump named ``.json`` is not taken for a saved audit: `sources` audits it."""
    dump = tmp_path / "posts.json"
    dump.write_text(
        json.dumps({"id": "p1", "title": "First post", "text": "A paragraph of the first post here."}) + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["sources", "p1", str(dump)])
    assert result.exit_code == 0, result.output
    assert "THIS POST: First post (undated) [p1]" in result.output


def test_aliases_help_and_readme_say_the_same_thing(runner: CliRunner) -> None:
    """--aliases adds to the built-in table (an entry naming a built-in outlet takes it over): both say so."""
    help_text = " ".join(runner.invoke(cli, ["audit", "--help"]).output.split())
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    for words in ("added to the built-in list", "takes that outlet"):
        assert words in help_text and words in readme
    assert "overrides the built-in list" not in help_text


# --- the Clough & Stevenson answers, as a user has them -----------------------------------------------


def _decoded(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _f1(truth: list[bool], predicted: list[bool]) -> float:
    tp = sum(t and p for t, p in zip(truth, predicted, strict=True))
    wrong = sum(t != p for t, p in zip(truth, predicted, strict=True))
    return 2 * tp / (2 * tp + wrong)


def test_clough_folder_through_the_cli_loses_nothing_and_finds_the_reuse(
    runner: CliRunner, shared: Path, tmp_path: Path
) -> None:
    """All 100 files become posts with all their words; with the originals as references, reuse F1 >= 0.93."""
    corpus = shared / "corpora" / "clough-short-answers"
    folder = corpus / "corpus-20090418"
    originals = sorted(folder.glob("orig_task*.txt"))
    assert len(originals) == 5
    references = [arg for path in originals for arg in ("--reference", str(path))]
    result = runner.invoke(cli, ["audit", str(folder), *references, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "out" / "audit.json").read_text(encoding="utf-8"))
    posts = {post["id"]: post for post in doc["posts"]}
    files = sorted(folder.glob("*.txt"))
    assert len(files) == len(posts) == 100 and doc["skipped"] == []
    for path in files:
        post = posts[path.stem]
        assert post["title"] == path.stem
        words = Counter(w for p in post["paragraphs"] for w in p["text"].split())
        # The one repair the folder needs: a C1 control where cp1252 has a quote (in g2pA_taske).
        expected = Counter(_decoded(path).translate({0x91: "‘", 0x92: "’"}).split())
        assert words == expected, path.name
    assert {post for post in posts if posts[post]["reference"]} == {path.stem for path in originals}

    with open(corpus / "file_list.csv", newline="", encoding="utf-8") as handle:
        labels = {Path(row["File"]).stem: row for row in csv.DictReader(handle)}
    answers = sorted(labels)
    truth = [labels[a]["Category"] in ("cut", "light", "heavy") for a in answers]
    verdict = [posts[a]["reuse"]["derivation"] != "independent" for a in answers]

    def own_share(answer: str) -> float:
        own = f"orig_task{labels[answer]['Task']}"
        return sum(s["share"] for s in posts[answer]["reuse"]["sources"] if s["post"] == own)

    reused_own_source = [own_share(a) >= doc["params"]["partially"] for a in answers]
    assert _f1(truth, reused_own_source) >= 0.93
    assert _f1(truth, verdict) >= 0.90


def test_sources_from_a_saved_audit_lists_credited_outlets(runner: CliRunner, tmp_path: Path) -> None:
    """A post with a credit line: the saved audit's chain names the outlet it credits, as re-auditing does."""
    dump = tmp_path / "dump.jsonl"
    text = "The storm closed the coast road for a week and cut power to nine villages.\n\nVia BBC News"
    dump.write_text(json.dumps({"id": "storm", "title": "Storm", "date": "2020-01-01", "text": text}) + "\n")
    out = tmp_path / "out"
    assert runner.invoke(cli, ["audit", str(dump), "--out", str(out)]).exit_code == 0
    from_dump = runner.invoke(cli, ["sources", "storm", str(dump)])
    from_saved = runner.invoke(cli, ["sources", "storm", str(out / "audit.json")])
    assert "credits: BBC" in from_dump.output
    assert from_saved.output == from_dump.output
