"""Fast checks of the benchmark generator and the exact all-pairs reference, on tiny dumps."""

from __future__ import annotations

import itertools
import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import bench_dedup  # noqa: E402
import exact_pairs as ex  # noqa: E402
import generate  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from provenance.cli import cli  # noqa: E402
from provenance.config import AuditConfig  # noqa: E402
from provenance.ingest import read_corpus  # noqa: E402
from provenance.shingle import shingles, words  # noqa: E402

PAIR_KINDS = bench_dedup.TRUTH_PAIR_KINDS


@pytest.fixture(scope="module")
def small() -> tuple[list, list]:
    return generate.generate_posts(1500, seed=3)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dump")
    generate.write_dump(out, 1500, seed=3)
    return out


def _texts(posts: list) -> list[str]:
    return [p.text for post in posts for p in post.paragraphs]


def _global(posts: list) -> list[int]:
    first, total = [], 0
    for post in posts:
        first.append(total)
        total += len(post.paragraphs)
    return first


def test_generator_writes_exactly_the_requested_paragraphs(small: tuple[list, list]) -> None:
    """The dump holds exactly as many paragraphs as asked for."""
    posts, _ = small
    assert sum(len(p.paragraphs) for p in posts) == 1500


def test_generator_is_deterministic_per_seed() -> None:
    """The same seed gives the same text and truth; another seed gives other text."""
    posts_a, truth_a = generate.generate_posts(400, seed=7)
    posts_b, truth_b = generate.generate_posts(400, seed=7)
    posts_c, _ = generate.generate_posts(400, seed=8)
    assert _texts(posts_a) == _texts(posts_b) and truth_a == truth_b
    assert _texts(posts_a) != _texts(posts_c)


def test_generator_plants_every_kind(small: tuple[list, list]) -> None:
    """A small dump already holds every planted kind, boilerplate and post-level ones included."""
    _, truth = small
    kinds = {r["kind"] for r in truth}
    assert set(PAIR_KINDS) | {"boilerplate", "independent", "reprint_post"} <= kinds


def test_archive_round_trips_through_the_reader(small: tuple[list, list], written: Path) -> None:
    """The written archive reads back to the same posts, titles, dates, citations and paragraphs."""
    posts, _ = small
    corpus = read_corpus([written / "dump.txt"], AuditConfig())
    assert not corpus.unparsed
    assert [p.title for p in corpus.posts] == [p.title for p in posts]
    assert [p.date for p in corpus.posts] == [p.date for p in posts]
    assert [p.citation.outlet if p.citation else None for p in corpus.posts] == [
        p.citation.outlet for p in posts
    ]
    assert [[(q.line, q.text) for q in p.paragraphs] for p in corpus.posts] == [
        [(q.line, q.text) for q in p.paragraphs] for p in posts
    ]


def test_truth_positions_name_the_text_they_were_planted_on(small: tuple[list, list], written: Path) -> None:
    """Every truth record's positions point at paragraphs with the recorded text key, in the read dump."""
    _posts, truth = small
    assert generate.read_truth(written / "truth.jsonl") == truth
    corpus_posts = read_corpus([written / "dump.txt"], AuditConfig()).posts
    for record in truth:
        for end in ("a", "b"):
            where = record[end]
            if where and where["paragraph"] is not None:
                text = corpus_posts[where["post"]].paragraphs[where["paragraph"]].text
                assert generate.text_key(text) == record[f"{end}_text"]


def test_copies_point_back_to_earlier_posts(small: tuple[list, list]) -> None:
    """A planted copy's source is an earlier post (or the same post, for a repeated lede)."""
    _, truth = small
    for record in truth:
        if record["b"] is not None:
            assert record["a"]["post"] <= record["b"]["post"]


def test_cosmetic_edits_leave_the_normalised_words_unchanged() -> None:
    """Case, punctuation and "[I]t" brackets alone do not change the words the tool compares."""
    prose = generate.Prose(np.random.default_rng(5))
    for _ in range(50):
        text = prose.paragraph(["Abu Karim"])
        copy, edit = generate.near_copy(text, prose, every=10**9)
        assert edit["ops"] == {}
        assert words(copy) == words(text)


def test_word_edits_touch_about_one_word_in_every(small: tuple[list, list]) -> None:
    """A near copy with an edit every k words makes about len/k word edits."""
    prose = generate.Prose(np.random.default_rng(6))
    text = " ".join(prose.sentence([], length=25) for _ in range(4))
    _, edit = generate.near_copy(text, prose, every=5)
    assert abs(sum(edit["ops"].values()) - len(text.split()) / 5) <= 1


def _brute_force(texts: list[str], k: int) -> dict[tuple[int, int], tuple[float, float]]:
    sets = [set(shingles(words(t), k).tolist()) if words(t) else set() for t in texts]
    out = {}
    for i, j in itertools.combinations(range(len(texts)), 2):
        shared = len(sets[i] & sets[j])
        if shared:
            out[(i, j)] = (shared / len(sets[i] | sets[j]), shared / min(len(sets[i]), len(sets[j])))
    return out


@pytest.mark.parametrize("k", [3, 5])
def test_exact_pairs_equal_brute_force_set_comparison(small: tuple[list, list], k: int) -> None:
    """The inverted index finds the same pairs and similarities as comparing every pair's shingle sets."""
    texts = _texts(small[0])[:300]
    hashes, lengths = ex.paragraph_word_hashes(texts)
    found = ex.exact_pairs(ex.shingle_sets(hashes, lengths, k), min_similarity=1e-9).as_dict()
    expected = _brute_force(texts, k)
    assert found.keys() == expected.keys()
    for pair, (jaccard, containment) in expected.items():
        assert found[pair] == pytest.approx((jaccard, containment))


def test_exact_reference_finds_every_verbatim_planted_pair(small: tuple[list, list]) -> None:
    """Planted verbatim reuse (exact, lede, reprint, split, merge, whole excerpt) has containment 1 there."""
    posts, truth = small
    texts = _texts(posts)
    first = _global(posts)
    post_of = np.repeat(np.arange(len(posts)), [len(p.paragraphs) for p in posts])
    hashes, lengths = ex.paragraph_word_hashes(texts)
    boiler = ex.boilerplate_mask(hashes, lengths, post_of, 20)
    found = ex.exact_pairs(ex.shingle_sets(hashes, lengths, 5), exclude=boiler).as_dict()
    checked = 0
    for record in truth:
        verbatim = (
            record["kind"] in ("exact", "reprint", "split", "merge")
            or (record["kind"] == "lede" and not record["edit"]["bracket"])
            or (record["kind"] == "excerpt" and record["edit"]["whole"])
        )
        if not verbatim:
            continue
        a = first[record["a"]["post"]] + record["a"]["paragraph"]
        b = first[record["b"]["post"]] + record["b"]["paragraph"]
        if boiler[a] or boiler[b]:
            continue
        assert found[(min(a, b), max(a, b))][1] == pytest.approx(1.0), record
        checked += 1
    assert checked > 100


def test_boilerplate_mask_counts_posts_not_occurrences() -> None:
    """Text in N distinct posts is boilerplate at N, not at N-1, and repeats inside one post do not count."""
    texts = ["Sign up for our newsletter today please."] * 4 + ["A different paragraph of plain prose here."]
    post_of = np.array([0, 1, 2, 2, 3])
    hashes, lengths = ex.paragraph_word_hashes(texts)
    assert ex.boilerplate_mask(hashes, lengths, post_of, 3).tolist() == [True, True, True, True, False]
    assert not ex.boilerplate_mask(hashes, lengths, post_of, 4).any()


def test_boilerplate_mask_counts_repeats_inside_one_post_against_their_own_limit() -> None:
    """A text repeated R times in one post is boilerplate at a repeats limit of R, not R+1, like the tool."""
    texts = ["Share this article on Facebook now."] * 3 + ["A different paragraph of plain prose here."]
    post_of = np.array([0, 0, 0, 1])
    hashes, lengths = ex.paragraph_word_hashes(texts)
    assert ex.boilerplate_mask(hashes, lengths, post_of, 20, 3).tolist() == [True, True, True, False]
    assert not ex.boilerplate_mask(hashes, lengths, post_of, 20, 4).any()


def test_first_in_post_names_the_first_occurrence_of_a_text_in_its_own_post() -> None:
    """Each paragraph stands for itself unless an earlier paragraph of its post has the same words."""
    texts = ["Same words here.", "Other words.", "same words HERE", "Same words here.", "", ""]
    post_of = np.array([0, 0, 0, 1, 1, 1])
    hashes, lengths = ex.paragraph_word_hashes(texts)
    assert ex.first_in_post(hashes, lengths, post_of).tolist() == [0, 1, 0, 3, 4, 5]


def test_reference_kind_follows_the_tool_thresholds() -> None:
    """The reference classes pairs as the config's thresholds say: contained before near, partial last."""
    cfg = AuditConfig()
    sim = bench_dedup.PairSimilarity
    assert bench_dedup.reference_kind(sim(1.0, 1.0, 1.0, 1.0, 30), cfg, 4) == ("exact", 1.0)
    assert bench_dedup.reference_kind(sim(0.6, 0.9, 2.0, 0.9, 30), cfg, 4) == ("contained", 0.9)
    assert bench_dedup.reference_kind(sim(0.6, 0.7, 1.1, 0.8, 30), cfg, 4) == ("near", 0.6)
    assert bench_dedup.reference_kind(sim(0.1, 0.2, 1.1, 0.4, 5), cfg, 4) == ("partial", 0.4)
    assert bench_dedup.reference_kind(sim(0.1, 0.2, 1.1, 0.4, 3), cfg, 4) is None


def test_datasketch_pipeline_finds_an_exact_copy() -> None:
    """The plain datasketch baseline reports a verbatim copy as a candidate pair."""
    posts, _ = generate.generate_posts(80, seed=2)
    found = bench_dedup.run_datasketch(posts, jobs=1)["pairs"]
    texts = _texts(posts)
    duplicates = {
        (i, j) for i, j in itertools.combinations(range(len(texts)), 2) if words(texts[i]) == words(texts[j])
    }
    assert duplicates and duplicates <= {tuple(p) for p in found.tolist()}


def test_bench_prints_speed_table_for_floor_and_exact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A tiny run of the harness measures each method in a subprocess and prints its row."""
    assert (
        bench_dedup.main(
            [
                "--sizes",
                "300",
                "--methods",
                "floor,exact",
                "--out",
                str(tmp_path),
                "--jobs",
                "1",
                "--no-accuracy",
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "| floor |" in printed and "| exact |" in printed and "failed" not in printed


def test_repeated_rounds_print_each_rounds_growth_and_the_median(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--repeat runs every size once per round and reports the growth of each round and their median."""
    assert (
        bench_dedup.main(
            [
                *("--sizes", "200,400", "--methods", "floor,tool", "--out", str(tmp_path)),
                *("--jobs", "1", "--no-accuracy", "--repeat", "2"),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "## Round 1 of 2" in printed and "## Round 2 of 2" in printed
    rows = [line for line in printed.splitlines() if line.startswith(("| 1 |", "| 2 |"))]
    assert len(rows) == 2
    growth = [float(row.split("|")[4].strip().lstrip("x")) for row in rows]
    assert "tool growth 200 -> 400 paragraphs: time x" in printed
    median = float(printed.split("tool growth 200 -> 400 paragraphs: time x")[1].split()[0])
    assert median == pytest.approx(sum(growth) / 2, abs=0.011)


def test_growth_report_skips_rounds_without_a_time() -> None:
    """A round where a size failed shows an empty growth and is left out of the median."""
    fast = {
        "tool": bench_dedup.Measured("tool", seconds=2.0),
        "floor": bench_dedup.Measured("floor", seconds=1.0),
    }
    slow = {
        "tool": bench_dedup.Measured("tool", seconds=22.0),
        "floor": bench_dedup.Measured("floor", seconds=10.0),
    }
    failed = {"tool": bench_dedup.Measured("tool", failed="killed")}
    report = bench_dedup.growth_report([{1: fast, 10: slow}, {1: fast, 10: failed}], [1, 10])
    assert "| 1 | 2.00 | 22.00 | x11.00 | x10.00 |" in report
    assert "| 2 | 2.00 | 0.00 |  |  |" in report
    assert report.rstrip().endswith("time x11.00")


def test_a_method_past_its_timeout_is_killed_and_reported(tmp_path: Path) -> None:
    """A worker that runs past --timeout is killed and reported as timed out, not as a result."""
    dump = bench_dedup.ensure_dump(tmp_path, 300, 1)
    measured = bench_dedup.measure("datasketch", dump, 1, dump, True, timeout=0.05)
    assert measured.skipped is not None and "timed out" in measured.skipped
    assert measured.seconds is None


def test_counting_in_small_blocks_gives_the_same_pairs(small: tuple[list, list]) -> None:
    """Counting shared shingles block by block (bounded memory) finds the same pairs as in one block."""
    hashes, lengths = ex.paragraph_word_hashes(_texts(small[0]))
    sets = ex.shingle_sets(hashes, lengths, 3)
    whole = ex.exact_pairs(sets, 0.1, block_emitted=10**12)
    blocked = ex.exact_pairs(sets, 0.1, block_emitted=500)
    assert len(whole) > 100
    assert whole.as_dict() == blocked.as_dict()
    assert np.array_equal(whole.shared, blocked.shared)


def test_bench_audit_measures_the_seed_end_to_end(tmp_path: Path) -> None:
    """bench_audit runs the installed command on the seed and reads back its stage times and files."""
    import shutil

    import bench_audit

    if shutil.which("provenance") is None:
        pytest.skip("the provenance command is not installed")
    seed = Path(__file__).resolve().parents[1] / "seeds" / "islamic-state-whats-next.txt"
    result = bench_audit.run_audit(seed, tmp_path / "audit-seed")
    assert set(result["timings"]) >= {"ingest", "dedup", "graph", "total"}
    assert {"report.html", "audit.json", "pairs.csv", "graph.graphml"} <= set(result["files"])
    assert result["left_in_tmp"] == []
    assert result["peak_rss"] > 0
    assert result["peak_pss"] == max(result["stage_peaks"].values())
    # Arguments after the executable go to the audit; without audit.json the times come from the store.
    stored = bench_audit.run_audit(seed, tmp_path / "audit-seed", "provenance --no-json")
    assert "audit.json" not in stored["files"] and "audit.sqlite" in stored["files"]
    assert set(stored["timings"]) >= {"ingest", "dedup", "graph", "total"}


def test_bench_audit_puts_each_sample_in_the_stage_whose_line_came_next(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A stage's peak is the highest sample between the line before it and its own: the lines the
    command writes off a terminal (StageProgress) are the ones bench_audit reads."""
    import bench_audit

    from provenance.cli import StageProgress

    ticks = iter([0.0, 2.0, 3.0, 9.0, 9.5])
    progress = StageProgress(clock=lambda: next(ticks), log=True)
    progress("ingest", 5, None)
    progress("ingest", 9, None)
    progress("dedup: verifying", 0, 1)
    progress("store", 0, 13)
    progress.close()
    written = capsys.readouterr().err.splitlines()
    assert [bench_audit.STAGE_LINE.match(line)["stage"] for line in written] == [  # type: ignore[index]
        "ingest",
        "dedup: verifying",
        "store",
    ]
    running = f"{'dedup: verifying':<24} 0/1 0:01:00 ..."  # a stage still running: not its end
    lines = [
        (3.0, written[0]),
        (4.0, "warning: not a stage"),
        (5.0, running),
        (9.0, written[1]),
        (9.5, written[2]),
    ]
    samples = [(0.2, 100), (2.9, 300), (3.0, 250), (3.2, 200), (8.0, 900), (9.4, 400), (9.8, 50)]
    assert bench_audit.stage_peaks(samples, lines) == {
        "ingest": 300,
        "dedup: verifying": 900,
        "store": 400,
        "after the stages": 50,
    }


def test_the_recorded_summary_reads_the_same_from_audit_json_and_the_store(tmp_path: Path) -> None:
    """bench_spark reads pairs and clusters from the head of audit.json, or from the store of a large dump."""
    import bench_audit

    seed = Path(__file__).resolve().parents[1] / "seeds"
    runner = CliRunner()
    with_json = runner.invoke(cli, ["audit", str(seed), "--out", str(tmp_path / "j")])
    in_store = runner.invoke(cli, ["audit", str(seed), "--out", str(tmp_path / "s"), "--no-json"])
    assert with_json.exit_code == 0 and in_store.exit_code == 0, with_json.output + in_store.output
    whole = json.loads((tmp_path / "j" / "audit.json").read_text(encoding="utf-8"))["summary"]
    assert whole["pairs"] > 0
    assert bench_audit.recorded_summary(tmp_path / "j") == whole
    assert bench_audit.recorded_summary(tmp_path / "s") == whole


def test_timing_runs_leave_the_pss_probe_out(tmp_path: Path) -> None:
    """With pss=False the tree's PSS is never read (it stalls the measured process); RSS still is."""
    dump = bench_dedup.ensure_dump(tmp_path, 300, 1)
    timed = bench_dedup.measure("floor", dump, 1, dump, True, pss=False)
    probed = bench_dedup.measure("floor", dump, 1, dump, True)
    assert timed.seconds is not None and timed.peak_tree > 0 and timed.peak_pss == 0
    assert probed.seconds is not None and probed.peak_pss > 0


def test_a_memory_sample_taken_while_the_tree_forked_is_taken_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sample during which a process forked (or exited) mixes two states: it is read again."""
    trees = iter([[1], [1, 2], [1, 2], [1, 2]])
    monkeypatch.setattr(bench_dedup, "tree_pids", lambda pid: next(trees))
    sizes = {1: 100, 2: 30}
    assert bench_dedup._tree_sum(1, sizes.__getitem__) == 130
    # A tree that never holds still gives no sample rather than a wrong one.
    moving = itertools.count()
    monkeypatch.setattr(bench_dedup, "tree_pids", lambda pid: [next(moving)])
    assert bench_dedup._tree_sum(1, lambda pid: 10) == 0


def test_tree_pids_lists_a_process_and_its_children() -> None:
    """The sampled tree holds the process itself and a child it started."""
    import subprocess

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        assert {os.getpid(), child.pid} <= set(bench_dedup.tree_pids(os.getpid()))
        assert bench_dedup.tree_rss(os.getpid()) > 0 and bench_dedup.tree_pss(os.getpid()) > 0
    finally:
        child.kill()
        child.wait()


# clough.py's ceiling features (``--features``): checked on small texts, the corpus is not needed.
import clough  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_WORD_LISTS = st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=14)


def _longest_increasing_chain(answer: list[str], source: list[str], k: int) -> int:
    """The longest chain by brute-force dynamic programming over every pair of matches."""
    matches = [
        (i, j)
        for i in range(len(answer) - k + 1)
        for j in range(len(source) - k + 1)
        if answer[i : i + k] == source[j : j + k]
    ]
    best = [1] * len(matches)
    for m, (i, j) in enumerate(matches):
        for n, (i0, j0) in enumerate(matches[:m]):
            if i0 < i and j0 < j:
                best[m] = max(best[m], best[n] + 1)
    return max(best, default=0)


@settings(max_examples=300, deadline=None)
@given(_WORD_LISTS, _WORD_LISTS, st.integers(1, 3))
def test_ordered_chain_is_a_longest_chain_of_shared_shingles_in_order(
    answer: list[str], source: list[str], k: int
) -> None:
    """Every link is a shared shingle, both positions strictly increase, and no longer chain exists."""
    chain = clough.ordered_chain(answer, source, k)
    assert all(answer[i : i + k] == source[j : j + k] for i, j in chain)
    assert all(i0 < i and j0 < j for (i0, j0), (i, j) in itertools.pairwise(chain))
    assert len(chain) == _longest_increasing_chain(answer, source, k)
    assert clough.ordered_coverage(answer, source, k) <= clough.coverage(answer, source, k)


def test_ordered_coverage_counts_a_paraphrase_in_order_but_not_the_same_phrases_shuffled() -> None:
    """Shared phrases in the source's order are a chain; the same phrases in another order are mostly not."""
    phrases = [f"p{n} q{n} r{n}".split() for n in range(6)]
    source = [w for n, phrase in enumerate(phrases) for w in [*phrase, f"s{n}", f"t{n}"]]
    in_order = [w for n, phrase in enumerate(phrases) for w in [*phrase, f"x{n}"]]
    shuffled = [w for n, phrase in enumerate(phrases[::-1]) for w in [*phrase, f"x{n}"]]
    assert clough.coverage(in_order, source, 3) == clough.coverage(shuffled, source, 3) == 18 / 24
    assert clough.ordered_coverage(in_order, source) == 18 / 24
    assert clough.ordered_coverage(shuffled, source) == 3 / 24


def test_containment_and_coverage_on_a_written_out_example() -> None:
    """Containment counts distinct shingles; coverage counts the words inside shared runs."""
    source = ["the", "cat", "sat", "on", "the", "mat"]
    answer = ["the", "cat", "sat", "by", "the", "mat"]
    assert clough.containment(answer, source, 2) == 3 / 5  # the cat, cat sat, the mat
    assert clough.coverage(answer, source, 2) == 5 / 6  # all but "by"
    assert clough.coverage(answer, source, 3) == 3 / 6


def test_two_feature_rule_finds_an_or_that_neither_feature_alone_reaches() -> None:
    """Positives high on x or high on y: one rule on both separates them, each feature alone does not."""
    x = [0.9, 0.1, 0.1, 0.5, 0.2]
    y = [0.1, 0.9, 0.2, 0.1, 0.5]
    truth = [True, True, False, False, False]
    f1, *rule = clough.best_two_feature_rule({"x": x, "y": y}, truth)
    assert f1 == 1.0
    assert rule == ["x", 0.9, "or", "y", 0.9]


def test_bench_corpora_audits_each_folder_and_each_export_file(tmp_path: Path) -> None:
    """A corpus is a folder as the user has it, except wxr/, whose export files are audited one by one."""
    import bench_corpora

    for folder in ("corpora/clough", "corpora/meter", "corpora/wxr"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "corpora/wxr/a.xml").write_text("<rss/>")
    (tmp_path / "corpora/wxr/SOURCE.md").write_text("about")
    found = [p.relative_to(tmp_path / "corpora").as_posix() for p in bench_corpora.corpora(tmp_path)]
    assert found == ["clough", "meter", "wxr/a.xml"]


def test_hostile_dumps_grow_by_the_size_asked_for(tmp_path: Path) -> None:
    """bench_hostile's writers make the posts and paragraphs asked for, as the reader counts them."""
    import bench_hostile

    counts = {}
    cases = (
        ("one-outlet", 30),
        ("repeats", 40),
        ("near-lines", 25),
        ("long-paragraphs", 200),
        ("crowded-html", 80),
        ("outlet-sentences", 50),
    )
    for case, size in cases:
        corpus = read_corpus([bench_hostile.dump_for(case, size, tmp_path)], AuditConfig())
        assert not corpus.warnings and not corpus.unparsed
        counts[case] = (len(corpus.posts), sum(len(p.paragraphs) for p in corpus.posts))
    assert counts == {
        "one-outlet": (30, 60),
        "repeats": (1, 80),
        "near-lines": (3, 25),
        "long-paragraphs": (2, 2),
        "crowded-html": (1, 10),
        "outlet-sentences": (1, 2),
    }


def test_bench_report_prints_its_table_on_a_small_synthetic_document() -> None:
    """The report benchmark reads the report's view model: a renamed field must fail here, not at 100k."""
    import subprocess
    import sys

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_report.py"
    done = subprocess.run(
        [sys.executable, str(script), "--posts", "60", "--no-browser"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "report.html size (MB)" in done.stdout and "copies inlined" in done.stdout


def test_bench_audit_splits_each_stage_peak_by_process() -> None:
    """The split is taken at each stage's highest sample, the audited command first, then by pid."""
    import bench_audit
    import bench_dedup

    lines = [(3.0, f"{'ingest':<24} 9/9 0:00:03"), (9.0, f"{'dedup: verifying':<24} 1/1 0:00:06")]
    samples = [(1.0, 300), (2.0, 500), (4.0, 700), (5.0, 700), (8.0, 600)]
    assert bench_audit.stage_peak_samples(samples, lines) == {"ingest": 1, "dedup: verifying": 2}
    mib = 2**20
    processes = {9: (100 * mib, 40 * mib, 60 * mib), 5: (300 * mib, 280 * mib, 20 * mib), 7: (1, 0, 1)}
    assert bench_audit.split_row(7, processes) == "0/0/0 · 300/280/20 · 100/40/60"
    # This process's own tree: PSS within what it holds, private and shared adding up to its RSS or less.
    if not Path("/proc/self/smaps_rollup").exists():
        pytest.skip("no /proc smaps_rollup here")
    own = bench_dedup.tree_memory(os.getpid())
    pss, private, shared = own[os.getpid()]
    assert 0 < private <= pss <= private + shared
