"""The Spark engine gives the local engine's answers: pairs, clusters, boilerplate and post verdicts.

Spark runs in ``local[2]`` (a Java runtime and PySpark are needed; the tests
skip without them). One session serves the module: starting one costs more
than most of the runs. The messages for a missing PySpark or Java are
tested without Spark.
"""

from __future__ import annotations

import builtins
import dataclasses
import datetime as dt
import importlib.util
import itertools
import json
import random
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from provenance.audit import audit
from provenance.cli import cli
from provenance.config import AuditConfig
from provenance.dedup import find_duplicates
from provenance.engines import spark as engine
from provenance.models import Audit, DedupResult, Post

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generate
import records

ROOT = Path(__file__).resolve().parents[1]
HAS_SPARK = importlib.util.find_spec("pyspark") is not None and shutil.which("java") is not None
needs_spark = pytest.mark.skipif(not HAS_SPARK, reason="needs PySpark and a Java runtime")


@pytest.fixture(scope="module")
def spark() -> Any:
    """One local[2] session for the module; the engine uses a running session and leaves it running."""
    session, started = engine.spark_session("local[2]")
    yield session
    if started:
        session.stop()


def pair_rows(result: DedupResult) -> list[tuple[Any, ...]]:
    return [(p.a, p.b, p.kind, p.jaccard, p.containment) for p in result.pairs]


def assert_same(local: DedupResult, spark: DedupResult) -> None:
    assert pair_rows(spark) == pair_rows(local)
    # Alignments and edits are made on the driver from the same pairs: equal too.
    assert spark.pairs == local.pairs
    assert spark.clusters == local.clusters
    assert spark.boilerplate == local.boilerplate
    assert spark.reuse == local.reuse


@needs_spark
@pytest.mark.slow
def test_seed_audit_json_is_the_same_with_either_engine(spark: Any, tmp_path: Path) -> None:
    """The whole command: audit.json differs only in params.engine, timings and the generation time."""
    runner = CliRunner()
    docs = {}
    staging = tmp_path / "staging"
    for name in ("local", "spark"):
        out = tmp_path / name
        result = runner.invoke(
            cli,
            [
                "audit",
                str(ROOT / "seeds"),
                *("--engine", name, "--spark-master", "local[2]", "--spark-staging", str(staging)),
                *("--out", str(out)),
            ],
        )
        assert result.exit_code == 0, result.output
        docs[name] = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    local, distributed = docs["local"], docs["spark"]
    assert (local["params"]["engine"], distributed["params"]["engine"]) == ("local", "spark")
    assert distributed["params"]["spark_master"] == "local[2]"
    # The paragraphs went through the staging folder named, which the run left empty.
    assert distributed["params"]["spark_staging"] == str(staging) and list(staging.iterdir()) == []
    assert local["summary"]["pairs"] > 10 and local["summary"]["clusters"] > 5
    for doc in (local, distributed):
        for varying in ("generated_at", "timings", "params"):
            doc.pop(varying)
    assert distributed == local


def compare_audits(local: Audit, distributed: Audit) -> None:
    assert_same(local.dedup, distributed.dedup)
    verdicts = {post: (r.derivation, r.share) for post, r in local.dedup.reuse.items()}
    assert verdicts == {post: (r.derivation, r.share) for post, r in distributed.dedup.reuse.items()}
    assert distributed.findings == local.findings
    assert distributed.reprints == local.reprints


@needs_spark
@pytest.mark.slow
def test_generated_ten_thousand_paragraphs_same_answers(spark: Any, tmp_path: Path) -> None:
    generate.write_dump(tmp_path / "dump", 10_000, seed=1)
    dump = tmp_path / "dump" / "dump.txt"
    local = audit(dump, AuditConfig())
    distributed = audit(dump, AuditConfig(engine="spark"))
    assert distributed.dedup.stats["engine"] == "spark" and "engine" not in local.dedup.stats
    kinds = {p.kind for p in local.dedup.pairs}
    # The dump plants every kind, and boilerplate: all of them are compared.
    assert kinds == {"exact", "near", "contained", "partial"}, kinds
    assert local.dedup.boilerplate and len(local.dedup.pairs) > 2_000
    compare_audits(local, distributed)


@needs_spark
@pytest.mark.slow
def test_lsh_fallback_and_stock_phrase_cap_same_answers(spark: Any) -> None:
    """A cap of 2 paragraphs hides most shared shingles: the LSH fallback and over-cap counts do the work."""
    posts, _ = generate.generate_posts(1_500, seed=5)
    config = AuditConfig(stock_phrase_paragraphs=2, boilerplate_posts=4, boilerplate_repeats=3, jobs=1)
    local = find_duplicates(posts, config)
    distributed = engine.find_duplicates_spark(posts, config.with_(engine="spark"))
    # Some pairs are found by the LSH alone, and some of its buckets are over the cap.
    assert local.stats["lsh_paragraphs"] > 50 and local.stats["candidates_lsh_only"] > 10
    for key in ("lsh_paragraphs", "lsh_candidates", "candidates", "candidates_lsh_only", "verified", "pairs"):
        assert distributed.stats[key] == local.stats[key], key
    assert_same(local, distributed)


def test_missing_pyspark_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_pyspark(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pyspark" or name.startswith("pyspark."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyspark)
    with pytest.raises(engine.SparkUnavailable, match=r"pip install 'provenance-audit\[spark\]'"):
        engine.require_spark()


def test_missing_java_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    if importlib.util.find_spec("pyspark") is None:
        pytest.skip("the Java check comes after the PySpark one")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(engine.SparkUnavailable, match="needs a Java runtime"):
        engine.require_spark()
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    with pytest.raises(engine.SparkUnavailable, match="has no bin/java"):
        engine.require_spark()


def test_cli_says_what_to_install_before_reading_anything(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    result = CliRunner().invoke(
        cli, ["audit", str(ROOT / "seeds"), "--engine", "spark", "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 1
    assert "--engine spark needs" in result.output
    assert not (tmp_path / "out" / "audit.json").exists()


def test_engine_is_checked_and_recorded() -> None:
    with pytest.raises(ValueError, match="engine must be"):
        AuditConfig(engine="dask")
    params = AuditConfig(engine="spark", spark_master="spark://h:7077").as_dict()
    assert (params["engine"], params["spark_master"]) == ("spark", "spark://h:7077")


def test_spark_options_without_the_spark_engine_are_said_to_do_nothing(tmp_path: Path) -> None:
    """The audit still runs, locally, and says that the Spark options it was given change nothing."""
    runner = CliRunner()
    seed = str(ROOT / "seeds")
    given = runner.invoke(
        cli,
        [
            "audit",
            seed,
            "--spark-master",
            "local[2]",
            "--spark-staging",
            str(tmp_path / "s"),
            "--out",
            str(tmp_path / "a"),
        ],
    )
    assert given.exit_code == 0, given.output
    assert (
        "warning: --spark-master and --spark-staging apply only to --engine spark; this audit runs on this "
        "machine (--engine local)"
    ) in given.output
    assert not (tmp_path / "s").exists()
    one = runner.invoke(
        cli, ["audit", seed, "--spark-staging", str(tmp_path / "s"), "--out", str(tmp_path / "b")]
    )
    assert one.exit_code == 0 and "warning: --spark-staging applies only to --engine spark" in one.output
    plain = runner.invoke(cli, ["audit", seed, "--engine", "local", "--out", str(tmp_path / "c")])
    assert plain.exit_code == 0 and "--engine spark" not in plain.output


@needs_spark
@pytest.mark.slow
def test_spark_components_are_scipy_components(spark: Any) -> None:
    """A long chain (many rounds), a star, a cycle and lone pairs, in scrambled order: scipy's components."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    rng = np.random.default_rng(3)
    chain = rng.permutation(np.arange(1000, 1300))  # 300 nodes linked in a random order
    edges = [(int(a), int(b)) for a, b in itertools.pairwise(chain.tolist())]
    edges += [(5, star) for star in range(6, 40)]
    edges += [(60, 61), (61, 62), (62, 60), (90, 91), (2000, 7)]
    edges = [(min(a, b), max(a, b)) for a, b in edges]
    frame = spark.createDataFrame(edges, "a long, b long")
    got = dict(tuple(row) for row in engine._components(frame).collect())
    nodes = np.array(sorted({n for edge in edges for n in edge}))
    index = {int(n): i for i, n in enumerate(nodes)}
    graph = coo_matrix(
        ([1] * len(edges), ([index[a] for a, _ in edges], [index[b] for _, b in edges])),
        shape=(len(nodes), len(nodes)),
    )
    _, label = connected_components(graph, directed=False)
    # Each component's label is its smallest member.
    smallest = {int(c): int(nodes[label == c].min()) for c in np.unique(label)}
    assert got == {int(n): smallest[int(label[i])] for i, n in enumerate(nodes)}
    assert got[1299] == 1000 and got[2000] == 5 and got[62] == 60


@needs_spark
def test_a_bad_master_is_one_line_not_a_java_trace(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "audit",
            str(ROOT / "seeds"),
            "--engine",
            "spark",
            "--spark-master",
            "nosuch://x",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 1
    assert "'nosuch://x' is not a Spark master URL" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) <= 3


@needs_spark
def test_a_failed_job_is_one_line_naming_the_master() -> None:
    from py4j.protocol import Py4JError

    with (
        pytest.raises(engine.SparkJobError, match=r"^Spark failed \(master spark://h:7077\): boom \(Spark's"),
        engine._spark_errors("spark://h:7077"),
    ):
        raise Py4JError("\nboom\n\tat org.apache.spark.Something(Something.scala:1)")
    with pytest.raises(KeyError), engine._spark_errors("local"):
        raise KeyError("not Spark's: left as it is")


@needs_spark
def test_a_java_process_out_of_memory_says_how_to_give_it_more(monkeypatch: pytest.MonkeyPatch) -> None:
    """An OutOfMemoryError, or a JVM that died of one and refuses the connection, names the fix."""
    from py4j.protocol import Py4JError

    monkeypatch.setenv("SPARK_DRIVER_MEMORY", "480m")
    with (
        pytest.raises(engine.SparkJobError, match=r"ran out of memory.*had SPARK_DRIVER_MEMORY=480m.*=16g"),
        engine._spark_errors("local[2]"),
    ):
        raise Py4JError("Job aborted\njava.lang.OutOfMemoryError: Java heap space\n\tat java.base/...")
    with (
        pytest.raises(engine.SparkJobError, match=r"stopped answering.*SPARK_DRIVER_MEMORY"),
        engine._spark_errors("local[2]"),
    ):
        raise ConnectionRefusedError(111, "Connection refused")


@needs_spark
def test_a_failed_stop_does_not_hide_why_the_job_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A JVM dead of an OutOfMemoryError refuses the session's stop; the error said is the memory's."""
    from py4j.protocol import Py4JError

    class DeadSession:
        class sparkContext:  # named as SparkSession names it
            master = "local[2]"

        def stop(self) -> None:
            raise ConnectionRefusedError(111, "Connection refused")

    def out_of_memory(frame: object, config: AuditConfig, *more: object) -> None:
        raise Py4JError("Job aborted\njava.lang.OutOfMemoryError: Java heap space")

    monkeypatch.setattr(engine, "spark_session", lambda master: (DeadSession(), True))
    monkeypatch.setattr(engine, "paragraphs_frame", lambda spark, posts, staged: None)
    monkeypatch.setattr(engine, "duplicate_links", out_of_memory)
    with pytest.raises(engine.SparkJobError, match="ran out of memory"):
        engine.find_duplicates_spark([], AuditConfig(engine="spark", spark_master="local[2]"))


def test_local_spark_gets_half_of_the_memory_unless_the_user_gave_it_some() -> None:
    """Spark's 1 GB heap ran out in the first job of a million-paragraph dump (docs/spark.md)."""
    import os

    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert engine.local_driver_memory({}) == f"{max(1, total // 2**31)}g"
    assert engine.local_driver_memory({"SPARK_DRIVER_MEMORY": "3g"}) is None
    assert engine.local_driver_memory({"PYSPARK_SUBMIT_ARGS": "--driver-memory 2g pyspark-shell"}) is None


@needs_spark
@pytest.mark.slow
def test_a_dump_with_nothing_to_pair(spark: Any, tmp_path: Path) -> None:
    """No pair, no cluster, a paragraph without words: every Spark step meets empty frames."""
    (tmp_path / "note.txt").write_text(
        "A first paragraph about one thing entirely.\n\n— * —\n\nA second one on another matter.\n",
        encoding="utf-8",
    )
    local = audit(tmp_path, AuditConfig())
    distributed = audit(tmp_path, AuditConfig(engine="spark"))
    assert local.dedup.pairs == [] and local.dedup.clusters == []
    compare_audits(local, distributed)
    assert distributed.dedup.stats["paragraphs"] == local.dedup.stats["paragraphs"] >= 2


ODD_TEXTS = [
    'Plain words, then a quote "said" and a back\\slash.',
    "كتب المراسل أن الاجتماع انتهى دون اتفاق",
    "An emoji 🙂 and a line\u2028separator and a paragraph\u2029separator inside.",
    "A lone surrogate \ud800 in the middle, as a broken decoding leaves one.",
    "",
]


def odd_posts() -> list[Post]:
    posts, _ = generate.generate_posts(40, seed=7)
    first = posts[0]
    paragraphs = [
        dataclasses.replace(first.paragraphs[0], index=i, text=text) for i, text in enumerate(ODD_TEXTS)
    ]
    return [dataclasses.replace(first, paragraphs=paragraphs), *posts[1:]]


@needs_spark
@pytest.mark.slow
def test_the_staged_paragraphs_read_back_as_the_driver_holds_them(spark: Any, tmp_path: Path) -> None:
    """The jobs read the JSON Lines the driver wrote: the same rows as the paragraphs sent inside the
    jobs, odd characters included, in as many parts as asked; the run's folder is gone afterwards."""
    posts = odd_posts()
    sent = sorted(engine.paragraphs_frame(spark, posts, slices=3).collect())
    staging = tmp_path / "shared"
    with engine.staged_paragraphs(spark, posts, str(staging)) as staged:
        assert staged is not None and staged.startswith("file:///")
        folder = next(staging.iterdir())
        assert folder.name.startswith("provenance-paragraphs-")
        # Every character beyond ASCII is escaped: the file reads the same in any encoding.
        assert (folder / "paragraphs.jsonl").read_bytes().isascii()
        frame = engine.paragraphs_frame(spark, posts, slices=3, staged=staged)
        assert frame.rdd.getNumPartitions() >= 3
        read = sorted(frame.collect())
    assert list(staging.iterdir()) == []
    assert [tuple(row) for row in read] == [tuple(row) for row in sent]
    # As the paragraphs sent inside the jobs, a lone surrogate reaches the frame as U+FFFD: Spark's
    # rows pass through its JVM as UTF-8. Neither is part of a word, so the words are the driver's.
    held = [
        (post, re.sub("[\ud800-\udfff]", "\ufffd", p.text))
        for post, item in enumerate(posts)
        for p in item.paragraphs
    ]
    assert "\ufffd" in held[3][1]
    assert [(row[1], row[2]) for row in read] == held
    assert [row[0] for row in read] == list(range(len(held)))


def test_the_staging_folder_goes_even_when_the_jobs_fail(tmp_path: Path) -> None:
    """Written for a cluster (``--spark-staging``) or a local master's temporary folder, never left."""

    class Context:
        master = "spark://head:7077"

    class Session:
        sparkContext = Context()

    posts = odd_posts()
    with pytest.raises(RuntimeError), engine.staged_paragraphs(Session(), posts, str(tmp_path)) as staged:
        assert staged is not None and (tmp_path / next(tmp_path.iterdir()).name / "paragraphs.jsonl").exists()
        raise RuntimeError("a job failed")
    assert list(tmp_path.iterdir()) == []
    # On a cluster with no shared folder named, the paragraphs go inside the jobs: nothing is written.
    with engine.staged_paragraphs(Session(), posts, None) as staged:
        assert staged is None
    # A folder that cannot be made is one line naming it.
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    with (
        pytest.raises(engine.SparkJobError, match=r"--spark-staging .*file"),
        engine.staged_paragraphs(Session(), posts, str(blocked / "sub")),
    ):
        pass


def test_a_store_takes_runs_of_either_engine() -> None:
    """The engine changes how, not what, an audit finds: a store's parameter check ignores it."""
    from provenance.store import result_params

    spark = AuditConfig(engine="spark", spark_master="yarn")
    assert result_params(spark) == result_params(AuditConfig())
    assert result_params(spark.with_(threshold=0.6)) != result_params(AuditConfig())


def reuse_corpus(posts_count: int, seed: int) -> list[Post]:
    """Posts of a 300-word vocabulary: copies, edited copies, quotations shared or not, contemporaries.

    Dates are drawn from eight days, some posts have none, and two are
    references, so every kind of order evidence (and its absence) occurs.
    """
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(300)]

    def sentence() -> str:
        return " ".join(rng.choice(vocabulary) for _ in range(rng.randint(8, 20)))

    made: list[list[str]] = []
    for _ in range(posts_count):
        paragraphs = [sentence() + ". " + sentence() for _ in range(rng.randint(1, 5))]
        if made and rng.random() < 0.6:
            source = rng.choice(made)
            copied = rng.choice(source).split()
            for _ in range(rng.randint(0, 3)):  # an edited copy
                copied[rng.randrange(len(copied))] = rng.choice(vocabulary)
            paragraphs.insert(rng.randrange(len(paragraphs) + 1), " ".join(copied))
        if rng.random() < 0.3:  # a quotation, sometimes of a copied paragraph
            at = rng.randrange(len(paragraphs))
            paragraphs[at] = "He said: “" + paragraphs[at] + "” and left."
        made.append(paragraphs)
    posts = []
    for i, paragraphs in enumerate(made):
        day = rng.choice([None, None, None, *range(8)])
        date = None if day is None else dt.date(2020, 1, 1) + dt.timedelta(days=day)
        post = records.post(f"p{i}", *paragraphs, date=date)
        posts.append(dataclasses.replace(post, reference=i in (3, 7)))
    return posts


@needs_spark
@pytest.mark.slow
def test_post_reuse_in_spark_jobs_equals_the_local_passage_finder(
    spark: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Post-level reuse runs as Spark jobs: the same shares, sources, quotations and evidence as locally.

    The vocabulary is small, so stock phrases hit the cap and posts share
    scattered shingles; tight passage rules make chains break and spans fall
    below their minimum. Shingle buckets are made small, so the anchors come
    from many buckets and each post's anchors from several of them.
    """
    from provenance.dedup import passages

    posts = reuse_corpus(400, seed=11)
    config = AuditConfig(stock_phrase_posts=6, anchor_repeats=2, min_anchors=3, chain_gap=4, jobs=1)
    local = find_duplicates(posts, config)
    monkeypatch.setattr(passages, "SORT_BLOCK", 1 << 9)
    distributed = engine.find_duplicates_spark(posts, config.with_(engine="spark"))
    assert distributed.stats["seconds_reuse"] > 0
    borrowing = [r for r in local.reuse.values() if r.sources]
    assert len(borrowing) > 100 and any(r.quoted_share > 0 for r in borrowing)
    assert {s.decided_by for r in borrowing for s in r.sources} >= {"reference", "post_date", "input_order"}
    assert any(r.derivation == "independent" for r in borrowing)
    assert distributed.reuse == local.reuse


def spark_task_borrowing(posts: list[Post], config: AuditConfig, bits: int) -> dict[str, Any]:
    """The reuse jobs' task functions chained by hand, each shuffle a dict: the verdicts they lead to.

    Runs without Spark, so the default test command checks the tasks'
    arithmetic; the jobs themselves are checked against the local engine
    by the test above.
    """
    from provenance.dedup.flat import flatten
    from provenance.dedup.order import Chronology
    from provenance.dedup.passages import PassageRules, reuse_records

    rules = PassageRules.of(config)
    chronology = Chronology.of(posts)
    boilerplate = {ref for b in find_duplicates(posts, config).boilerplate for ref in b.members}
    flat = flatten(posts, config, None)
    parts: dict[int, list[tuple[int, bytes, bytes]]] = {}
    for g, ref in enumerate(flat.refs):
        if flat.lengths[g] and ref not in boilerplate:
            lo, hi = flat.word_start[g], flat.word_start[g] + flat.lengths[g]
            words, flags = flat.hashes[lo:hi].astype("<u8"), flat.quoted[lo:hi]
            parts.setdefault(int(flat.post_of[g]), []).append((g, words.tobytes(), flags.tobytes()))
    streams = dict(engine._stream(item) for item in reversed(list(parts.items())))
    post_words = np.zeros(len(posts), dtype=np.int64)
    for post, (hashes, _) in streams.items():
        post_words[post] = len(hashes) // 8
    post_start = np.r_[0, np.cumsum(post_words)[:-1]]
    total = int(post_words.sum())
    buckets: dict[int, list[Any]] = {}
    for bucket, arrays in engine._stream_shingles(streams.items(), post_start, rules.k, bits):
        buckets.setdefault(bucket, []).append((bucket, arrays))
    anchors: dict[int, list[bytes]] = {}
    for rows in buckets.values():
        for later, keys in engine._bucket_anchors(rows, post_start, total, chronology, rules, bits):
            anchors.setdefault(later, []).append(keys)
    by_rank = np.argsort(chronology.rank).astype(np.int32)
    taken: dict[int, dict[int, list[int]]] = {}
    for later, keys_parts in anchors.items():
        item = (later, (keys_parts, [streams[later]]))
        rank = chronology.rank
        for kind, key, value in engine._later_credit(item, post_start, total, rank, by_rank, rules):
            if kind == "prose":
                (post, source), counts = key, (value, 0)
            else:
                (post, source), counts = engine._shared_quotes((key, (value, streams[key][1])))
            found = taken.setdefault(post, {}).setdefault(source, [0, 0])
            found[0] += counts[0]
            found[1] += counts[1]
    return reuse_records(posts, post_words, taken, chronology, config)


@pytest.mark.parametrize(("seed", "bits"), [(11, 0), (12, 3), (13, 6)])
def test_the_reuse_tasks_chained_by_hand_equal_the_local_passage_finder(seed: int, bits: int) -> None:
    """Without Spark: the reuse tasks give the local verdicts, in one shingle bucket or in many."""
    posts = reuse_corpus(250, seed=seed)
    config = AuditConfig(stock_phrase_posts=6, anchor_repeats=2, min_anchors=3, chain_gap=4, jobs=1)
    local = find_duplicates(posts, config).reuse
    assert sum(1 for r in local.values() if r.quoted_share > 0) >= 5
    assert spark_task_borrowing(posts, config, bits) == local
