"""The duplicate stage as Spark jobs: ``provenance audit DUMP --engine spark [--spark-master URL]``.

What runs where (``docs/spark.md`` says the same for users):

Distributed, as Spark jobs over a DataFrame of paragraphs ``(g, post, text)``
(``g`` the global paragraph number in input order, ``post`` the post's
position):

1. word hashing (:func:`provenance.shingle.many_word_hashes` in each task);
2. exact groups: paragraphs grouped by their word sequence, each group
   decided by :func:`provenance.dedup.verify.group_links` (boilerplate, or
   the pairs linking its copies);
3. candidates: the inverted index of ``shingle_size`` and
   ``partial_shingle_size`` shingles over the searched paragraphs, with the
   same stock-phrase cap (``stock_phrase_paragraphs``) and the same generous
   bound (:func:`~provenance.dedup.candidates.candidate_mask`), plus the
   same MinHash LSH fallback for the paragraphs the capped index is blind for
   (:func:`~provenance.dedup.candidates.lsh_blind`): signatures made in the
   tasks by :func:`~provenance.dedup.candidates.signatures` (datasketch's
   affine32 arithmetic, same ``num_perm`` and ``seed``), grouped by band
   key as datasketch's ``MinHashLSH`` buckets them, each bucket decided by
   :func:`~provenance.dedup.candidates.bucket_links`;
4. exact verification: each candidate joined with both paragraphs' words,
   shingle sets intersected in the task, kinds decided by
   :func:`~provenance.dedup.verify.pair_kinds`;
5. connected components: Large-Star / Small-Star rounds on DataFrames
   (no graphframes), each component labelled by its smallest paragraph;
6. post-level reuse (:func:`post_borrowing`): each post's stream of
   words, its anchor shingles bucketed by hash, each bucket's anchors, and
   each later post's chains and borrowed spans, by the local engine's own
   functions (:mod:`provenance.dedup.passages`).

On the driver, after the jobs: the pairs, boilerplate groups, component
labels and borrowed word counts are collected (the rest of the pipeline is
local, so they must be); then alignment, edits, cluster records and the
post verdicts run as in the local engine. Alignment and edits need the
paragraphs' texts and word hashes, so the driver also hashes the words itself
(:func:`provenance.dedup.flat.flatten`): with this engine the driver still
holds the corpus, as ingest (local) left it. What the jobs bound is the pair
work (postings, pair counts, verification) and the passage work (anchors,
chains), which is what grows fastest.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from provenance.config import AuditConfig
from provenance.errors import ProvenanceError
from provenance.models import DedupResult, PairKind, Post

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from provenance.dedup.flat import Progress
    from provenance.dedup.order import Chronology
    from provenance.dedup.passages import Borrowed, PassageRules

__all__ = [
    "DEFAULT_MASTER",
    "EngineLinks",
    "SparkJobError",
    "SparkUnavailable",
    "duplicate_links",
    "find_duplicates_spark",
    "local_driver_memory",
    "paragraphs_frame",
    "require_spark",
    "spark_session",
    "staged_paragraphs",
]

DEFAULT_MASTER = "local[*]"
# Rows handed to numpy at once inside a task (bounds a task's temporaries).
_BATCH = 4_096
# Shingle occurrences a task buckets before handing them on (bounds its temporaries).
_SHINGLE_BATCH = 1 << 20
# Rounds of the components algorithm before giving up (it needs O(log² n)).
_MAX_ROUNDS = 64


class SparkUnavailable(ProvenanceError):
    """``--engine spark`` without PySpark or without a Java runtime: what to install."""


class SparkJobError(ProvenanceError):
    """Spark could not start or a job failed (a bad master URL, an executor lost, out of memory)."""


@contextlib.contextmanager
def _spark_errors(master: str) -> Iterator[None]:
    """Spark's and Py4J's exceptions as one line naming the master, instead of a Java stack trace.

    The first line of Spark's message is kept (it names the cause); the full
    trace is in Spark's own log.
    """
    try:
        yield
    except ProvenanceError:
        raise
    except Exception as exc:
        from py4j.protocol import Py4JError
        from pyspark.errors import PySparkException

        if isinstance(exc, ConnectionError):
            raise SparkJobError(
                f"Spark's Java process stopped answering (master {master}); if its messages above say it "
                f"ran out of memory: {_more_memory(master)}"
            ) from exc
        if not isinstance(exc, (Py4JError, PySparkException)):
            raise
        text = str(exc)
        if "OutOfMemoryError" in text:
            raise SparkJobError(f"Spark ran out of memory (master {master}): {_more_memory(master)}") from exc
        first = next((line.strip() for line in text.splitlines() if line.strip()), type(exc).__name__)
        raise SparkJobError(
            f"Spark failed (master {master}): {first[:500]} (Spark's own messages above say more)"
        ) from exc


def _more_memory(master: str) -> str:
    """How to give Spark more memory, for an error: the local JVM's heap, or spark-submit's options."""
    if not master.startswith("local"):
        return "give the driver and the executors more (spark-submit --driver-memory, --executor-memory)"
    heap = _driver_memory_given(os.environ) or local_driver_memory() or "Spark's default heap"
    return (
        f"in local mode every task runs in the driver's JVM, which had {heap}; "
        "give it more with SPARK_DRIVER_MEMORY (for example SPARK_DRIVER_MEMORY=16g)"
    )


def require_spark() -> None:
    """Raise :class:`SparkUnavailable` with the fix when PySpark or Java is missing.

    Checked before any work, so the user learns it in a second and not after
    ingest; Spark itself would fail later with a Java gateway traceback.
    """
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise SparkUnavailable(
            "--engine spark needs PySpark: pip install 'provenance-audit[spark]' "
            "(or pip install 'pyspark>=3.5'), then run again"
        ) from exc
    java_home = os.environ.get("JAVA_HOME")
    java = os.path.join(java_home, "bin", "java") if java_home else shutil.which("java")
    if not java or not os.access(java, os.X_OK):
        where = f"JAVA_HOME={java_home} has no bin/java" if java_home else "no java on PATH"
        raise SparkUnavailable(
            f"--engine spark needs a Java runtime (17 or later) and found none ({where}): "
            "install one (Debian/Ubuntu: apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
        )


def spark_session(master: str = DEFAULT_MASTER) -> tuple[SparkSession, bool]:
    """The Spark session to run on, and whether this call started it (then the caller stops it).

    A session already running (a test's, or the one ``spark-submit`` made
    for this program) is used as it is: under ``spark-submit`` the master
    is the one given there, unless ``--spark-master`` names another.
    """
    require_spark()
    if not (master in ("local", "yarn") or master.startswith(("local[", "spark://", "k8s://"))):
        # Spark's own complaint comes from the Java process, after it has exited, on stderr.
        raise SparkJobError(
            f"--spark-master {master!r} is not a Spark master URL: local, local[N], local[*], "
            "spark://HOST:PORT, yarn or k8s://HOST:PORT"
        )
    from pyspark import SparkConf, SparkContext
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    # Executors' Python must be this one: it has provenance and numpy installed.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    submitted = SparkConf().get("spark.master", None)
    builder = SparkSession.builder.appName("provenance audit")
    if master != DEFAULT_MASTER or not submitted:
        builder = builder.master(master)
    chosen = master if master != DEFAULT_MASTER or not submitted else submitted
    if chosen.startswith("local"):
        # Two shuffle partitions per core here: Spark's default 200 tiny tasks cost more than their work.
        cores = chosen.partition("[")[2].rstrip("]")
        slots = int(cores) if cores.isdigit() else (os.cpu_count() or 2)
        builder = builder.config("spark.sql.shuffle.partitions", str(2 * slots))
        builder = builder.config("spark.ui.enabled", "false")
        memory = local_driver_memory()
        if memory is not None and SparkContext._gateway is None:
            builder = builder.config("spark.driver.memory", memory)
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    started = SparkContext._active_spark_context is None
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark, started


def _driver_memory_given(environ: Mapping[str, str]) -> str | None:
    """The driver memory the user gave Spark through the environment, said as given; None if none."""
    if environ.get("SPARK_DRIVER_MEMORY"):
        return f"SPARK_DRIVER_MEMORY={environ['SPARK_DRIVER_MEMORY']}"
    if "--driver-memory" in environ.get("PYSPARK_SUBMIT_ARGS", ""):
        return "the --driver-memory of PYSPARK_SUBMIT_ARGS"
    return None


def local_driver_memory(environ: Mapping[str, str] | None = None) -> str | None:
    """The JVM heap to start a local Spark with (``spark.driver.memory``), or None to leave Spark's own.

    In local mode the tasks run inside the driver's JVM, whose heap Spark
    sizes at 1 GB: a dump of a million paragraphs (438 MB of text) ran out of
    it in the first job. Half of this machine's memory is given instead: the
    JVM takes up to that much as Spark caches and shuffles (12 GB of 24 at a
    million paragraphs, ``docs/spark.md``), and the other half stays for the
    driver's Python, which holds the corpus. Memory the user gave
    (``SPARK_DRIVER_MEMORY``, or ``--driver-memory`` in ``PYSPARK_SUBMIT_ARGS``)
    is left to Spark.
    """
    if _driver_memory_given(os.environ if environ is None else environ):
        return None
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None  # not a POSIX system: Spark's own default
    return f"{max(1, total // 2**31)}g"


def paragraphs_frame(
    spark: SparkSession, posts: Sequence[Post], slices: int | None = None, staged: str | None = None
) -> DataFrame:
    """The posts' paragraphs as a DataFrame ``(g, post, text)``, ``g`` numbered in input order.

    This is the engine's input. With ``staged`` (a JSON Lines file that
    :func:`staged_paragraphs` wrote), the jobs read the paragraphs from that
    file, split into at least ``slices`` parts; without it they travel inside
    the jobs from the driver (``parallelize``), which holds them all in the
    driver's JVM and sends each task its part. A cluster job can build the
    same three columns from its own Parquet or JSON Lines and call
    :func:`duplicate_links` on them.
    """
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    schema = StructType(
        [
            StructField("g", LongType(), False),
            StructField("post", LongType(), False),
            StructField("text", StringType(), False),
        ]
    )
    slices = slices or max(2, spark.sparkContext.defaultParallelism * 2)
    if staged is not None:
        lines = spark.sparkContext.textFile(staged, slices)
        return spark.createDataFrame(lines.map(_paragraph_row), schema)
    return spark.createDataFrame(spark.sparkContext.parallelize(list(_numbered(posts)), slices), schema)


def _numbered(posts: Sequence[Post]) -> Iterator[tuple[int, int, str]]:
    """Each paragraph as the frame's row ``(g, post, text)``: ``g`` in input order, ``post`` its post's."""
    paragraphs = (
        (index, paragraph.text) for index, post in enumerate(posts) for paragraph in post.paragraphs
    )
    for g, (index, text) in enumerate(paragraphs):
        yield g, index, text


def _paragraph_row(line: str) -> tuple[int, int, str]:
    """A line of the staged paragraphs, ``[g, post, text]``, as the frame's row."""
    g, post, text = json.loads(line)
    return int(g), int(post), str(text)


@contextlib.contextmanager
def staged_paragraphs(
    spark: SparkSession, posts: Sequence[Post], staging: str | None
) -> Iterator[str | None]:
    """The paragraphs written as JSON Lines where the jobs can read them: the file's URL, or None.

    The folder is ``staging`` (``--spark-staging``: a folder the driver and
    every executor see at the same path), or, when the master is local, a
    temporary folder of the driver's; on a cluster without ``staging`` there
    is none, and the paragraphs travel inside the jobs. A line is
    ``[g, post, text]`` with every character beyond ASCII escaped, so the
    file reads back to the same text whatever its characters and whatever
    encoding a node assumes. (In the frame, as in one made by ``parallelize``,
    a lone surrogate is U+FFFD: Spark's rows pass through its JVM as UTF-8.)
    The folder made for the run is removed when the block ends, however it
    ends.
    """
    if staging is None and not (spark.sparkContext.master or "").startswith("local"):
        yield None
        return
    import tempfile
    from pathlib import Path

    try:
        if staging is not None:
            Path(staging).mkdir(parents=True, exist_ok=True)
        folder = tempfile.mkdtemp(prefix="provenance-paragraphs-", dir=staging)
    except OSError as exc:
        where = f"--spark-staging {staging}" if staging is not None else tempfile.gettempdir()
        raise SparkJobError(
            f"{where}: cannot make a folder there for Spark's input: {exc.strerror or exc}"
        ) from exc
    try:
        path = Path(folder) / "paragraphs.jsonl"
        encoder = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))
        try:
            with path.open("w", encoding="ascii", newline="\n") as handle:
                for row in _numbered(posts):
                    handle.write(encoder.encode(row))
                    handle.write("\n")
        except OSError as exc:
            raise SparkJobError(
                f"{path}: cannot write the paragraphs for Spark: {exc.strerror or exc}"
            ) from exc
        yield path.resolve().as_uri()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(slots=True)
class EngineLinks:
    """What the Spark jobs give back to the driver: every pair, the components and the boilerplate."""

    paragraphs: int
    exact_a: npt.NDArray[np.int64]
    exact_b: npt.NDArray[np.int64]
    # Verified candidates, sorted by (a, b).
    a: npt.NDArray[np.int64]
    b: npt.NDArray[np.int64]
    kind: list[PairKind]
    jaccard: npt.NDArray[np.float64]
    containment: npt.NDArray[np.float64]
    partial_containment: npt.NDArray[np.float64]
    # Every paragraph of some pair, ascending, and its component label.
    nodes: npt.NDArray[np.int64]
    labels: npt.NDArray[np.int64]
    # Each boilerplate text's paragraphs (ascending) and how many posts hold it.
    boilerplate: list[tuple[list[int], int]]
    stats: dict[str, Any] = field(default_factory=dict)
    # Each post's words that take part in post-level reuse, and what it borrows (post_borrowing).
    post_words: npt.NDArray[np.int64] | None = None
    borrowed: Borrowed | None = None


# --------------------------------------------------------------------------
# Task functions: run inside Spark tasks, one partition at a time.
# --------------------------------------------------------------------------


def _batches(rows: Iterable[Any], size: int = _BATCH) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _hash_words(rows: Iterable[Any], min_quote_words: int) -> Iterator[tuple[int, int, int, bytes, bytes]]:
    """``(g, post, words, word hashes as little-endian uint64 bytes, quotation flag per word as bytes)``.

    The flags are :func:`provenance.quotes.many_quoted_words`'s, as the local
    engine's :func:`~provenance.dedup.flat.hash_words` makes them: post-level
    reuse counts a word borrowed inside a quotation its source quotes too apart.
    """
    from provenance.quotes import many_quoted_words
    from provenance.shingle import many_word_hashes

    for batch in _batches(rows):
        texts = [row[2] for row in batch]
        lengths, hashes = many_word_hashes(texts)
        quoted = many_quoted_words(texts, lengths, min_quote_words)
        hashes = hashes.astype("<u8", copy=False)
        at = 0
        for row, length in zip(batch, lengths.tolist(), strict=True):
            words, flags = hashes[at : at + length], quoted[at : at + length]
            yield row[0], row[1], length, words.tobytes(), flags.tobytes()
            at += length


def _words(data: bytes) -> npt.NDArray[np.uint64]:
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)


def _distinct_shingles(batch: Sequence[bytes], k: int) -> list[npt.NDArray[np.uint64]]:
    """Each paragraph's distinct ``k``-word shingles (sorted), as the local index counts them."""
    from provenance.shingle import shingle_values

    words = [_words(data) for data in batch]
    lengths = np.array([len(w) for w in words], dtype=np.int64)
    hashes = np.concatenate(words) if words else np.zeros(0, dtype=np.uint64)
    values, counts = shingle_values(hashes, lengths, k)
    bounds = np.r_[0, np.cumsum(counts)]
    return [np.unique(values[bounds[i] : bounds[i + 1]]) for i in range(len(batch))]


def _postings(rows: Iterable[tuple[int, bytes]], sizes: Sequence[int]) -> Iterator[tuple[int, int, int]]:
    """``(index, shingle as a signed 64-bit value, g)``: every distinct shingle of every paragraph.

    ``index`` is the position in ``sizes`` of the shingle size: both indexes
    are made in one pass over the paragraphs, and aggregated together.
    """
    for batch in _batches(rows):
        for index, k in enumerate(sizes):
            found = _distinct_shingles([data for _, data in batch], k)
            for (g, _), shingles in zip(batch, found, strict=True):
                for value in shingles.view(np.int64).tolist():
                    yield index, value, g


def _group_links(
    item: tuple[bytes, Iterable[tuple[int, int]]], posts: int, repeats: int, min_words: int
) -> tuple[bool, int, list[int], list[tuple[int, int]], list[int]]:
    """One group of identical paragraphs through :func:`~provenance.dedup.verify.group_links`."""
    from provenance.dedup.verify import group_links

    data, members = item
    ordered = sorted(members)
    links = group_links(
        [g for g, _ in ordered], [p for _, p in ordered], len(data) // 8, posts, repeats, min_words
    )
    return links.boilerplate, links.posts, [g for g, _ in ordered], links.pairs, links.repeats


def _passing(rows: Iterable[Any], config: AuditConfig) -> Iterator[tuple[int, int]]:
    """Pairs ``(index, a, b, count, size_a, size_b, over_a, over_b, words_a, words_b)`` a rule lets through.

    Index 0 (``shingle_size``) takes the near/contained rule, index 1
    (``partial_shingle_size``) the partial one, as the local indexes do.
    """
    from provenance.dedup.candidates import CandidateRule, candidate_mask

    rules = (CandidateRule(config, partial=False), CandidateRule(config, partial=True))
    for batch in _batches(rows):
        for index, rule in enumerate(rules):
            part = [row for row in batch if row[0] == index]
            m = len(part)
            if not m:
                continue
            table = np.array([row[3:] for row in part], dtype=np.int64).reshape(m, 7)
            first, second = np.arange(m, dtype=np.int64), np.arange(m, 2 * m, dtype=np.int64)
            ok = candidate_mask(
                first,
                second,
                table[:, 0].astype(np.int32),
                np.concatenate([table[:, 1], table[:, 2]]),
                np.concatenate([table[:, 3], table[:, 4]]),
                np.concatenate([table[:, 5], table[:, 6]]),
                rule,
            )
            for i in np.flatnonzero(ok).tolist():
                yield part[i][1], part[i][2]


def _blind(rows: Iterable[Any], threshold: float) -> Iterator[int]:
    """Paragraphs ``(g, size, over_cap)`` the capped index may be blind for (:func:`lsh_blind`)."""
    from provenance.dedup.candidates import lsh_blind

    for batch in _batches(rows):
        table = np.array([row[1:3] for row in batch], dtype=np.int64).reshape(len(batch), 2)
        for i in np.flatnonzero(lsh_blind(table[:, 0], table[:, 1], threshold)).tolist():
            yield batch[i][0]


def _band_keys(
    rows: Iterable[tuple[int, bytes]], k: int, num_perm: int, seed: int, bands: int, rows_per_band: int
) -> Iterator[tuple[tuple[int, bytes], int]]:
    """``((band, band's hash values as bytes), g)``: equal keys are what share a ``MinHashLSH`` bucket.

    datasketch's LSH keys band ``i`` of a signature by the bytes of its hash
    values ``i * r .. (i + 1) * r``; two paragraphs share that bucket exactly
    when those values are equal, which is what grouping by this key finds.
    """
    from provenance.dedup.candidates import signatures
    from provenance.shingle import shingle_values

    for batch in _batches(rows):
        words = [_words(data) for _, data in batch]
        lengths = np.array([len(w) for w in words], dtype=np.int64)
        values, counts = shingle_values(np.concatenate(words), lengths, k)
        sketch = signatures(values, counts, num_perm, seed)
        for (g, _), row in zip(batch, sketch, strict=True):
            for band in range(bands):
                yield (band, row[band * rows_per_band : (band + 1) * rows_per_band].tobytes()), g


def _bucket(members: Iterable[int], cap: int) -> Iterator[tuple[int, int]]:
    from provenance.dedup.candidates import bucket_links

    return bucket_links(sorted(members), cap)


def _verify(rows: Iterable[Any], config: AuditConfig) -> Iterator[tuple[int, int, str, float, float, float]]:
    """Candidates ``(a, b, post_a, post_b, words a, words b)`` verified exactly (:func:`pair_kinds`)."""
    from provenance.dedup.verify import pair_kinds

    for batch in _batches(rows):
        m = len(batch)
        found: dict[int, list[npt.NDArray[np.uint64]]] = {}
        for k in (config.shingle_size, config.partial_shingle_size):
            if k in found:
                continue
            # Both sides at once: a's sets, then b's.
            found[k] = _distinct_shingles([row[4] for row in batch] + [row[5] for row in batch], k)
        counts: dict[int, tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]] = {}
        for k, sets in found.items():
            shared = np.array(
                [len(np.intersect1d(sets[i], sets[m + i], assume_unique=True)) for i in range(m)],
                dtype=np.int64,
            )
            sizes = np.array([len(s) for s in sets], dtype=np.int64)
            counts[k] = (shared, sizes[:m], sizes[m:])
        shared_k, size_a, size_b = counts[config.shingle_size]
        shared_p, size_p_a, size_p_b = counts[config.partial_shingle_size]
        words = np.array([(len(row[4]) // 8, len(row[5]) // 8) for row in batch], dtype=np.int64)
        same_post = np.array([row[2] == row[3] for row in batch], dtype=bool)
        keep, kinds, jaccard, containment, containment_p = pair_kinds(
            shared_k,
            shared_p,
            size_a,
            size_b,
            size_p_a,
            size_p_b,
            words[:, 0],
            words[:, 1],
            same_post,
            config,
        )
        for i, kind in zip(keep.tolist(), kinds, strict=True):
            yield (
                batch[i][0],
                batch[i][1],
                kind,
                float(jaccard[i]),
                float(containment[i]),
                float(containment_p[i]),
            )


# --------------------------------------------------------------------------
# The jobs
# --------------------------------------------------------------------------


def duplicate_links(
    paragraphs: DataFrame, config: AuditConfig, chronology: Chronology | None = None, post_count: int = 0
) -> EngineLinks:
    """Every pair, component and boilerplate group of ``paragraphs`` ``(g, post, text)``, as Spark jobs.

    With the ``chronology`` of the ``post_count`` posts, also what each post
    borrows (:func:`post_borrowing`). Nothing here collects the paragraphs
    or their shingles to the driver; the results (pairs, labels of the
    paragraphs in pairs, boilerplate members, borrowed word counts) are
    collected at the end, because the stages after this one are local.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    from provenance.dedup import Laps
    from provenance.dedup.candidates import LshResult, datasketch_stats, lsh_params

    spark = paragraphs.sparkSession
    stats: dict[str, Any] = {"engine": "spark"}
    lap = Laps(stats)

    keep = StorageLevel.MEMORY_AND_DISK
    held: list[DataFrame] = []  # cached frames, freed at the end
    min_quote_words = config.min_quote_words
    words = (
        paragraphs.select("g", "post", "text")
        .rdd.mapPartitions(lambda rows: _hash_words(rows, min_quote_words))
        .toDF("g long, post long, words long, hashes binary, quoted binary")
        .persist(keep)
    )
    held.append(words)
    totals = words.agg(F.count("*").alias("n"), F.sum("words").alias("w")).first()
    n = int(totals["n"]) if totals else 0
    stats["paragraphs"] = n
    stats["words"] = int(totals["w"] or 0) if totals else 0
    lap("hashing")

    # Exact groups: identical word sequences, grouped by the words themselves.
    posts_cap, repeats_cap, min_words = (
        config.boilerplate_posts,
        config.boilerplate_repeats,
        config.min_pair_words,
    )
    linked = (
        words.where("words > 0")
        .select("hashes", "g", "post")
        .rdd.map(lambda row: (bytes(row[0]), (row[1], row[2])))
        .groupByKey()
        .filter(lambda item: len(item[1]) >= 2)  # type: ignore[arg-type]
        .map(lambda item: _group_links(item, posts_cap, repeats_cap, min_words))
        .persist(keep)
    )
    boilerplate = linked.filter(lambda links: links[0]).map(lambda links: (links[2], links[1])).collect()
    exact, exact_count = _materialise(linked.flatMap(lambda links: links[3]).toDF("a long, b long"), held)
    left_out = linked.flatMap(lambda links: links[2] if links[0] else links[4])
    stats["boilerplate"] = len(boilerplate)
    lap("exact")

    # The searched paragraphs: with words, not boilerplate, not a later repeat inside a post.
    searched, _ = _materialise(
        words.where("words > 0")
        .join(left_out.map(lambda g: (g,)).toDF("g long"), "g", "left_anti")
        .select("g", "hashes"),
        held,
    )
    cap = config.stock_phrase_paragraphs
    index_stats, index_pairs = _index(searched, (config.shingle_size, config.partial_shingle_size), cap, held)
    from_index, _ = _materialise(_rule(index_pairs, index_stats, words, config).distinct(), held)
    lap("index")

    bands, rows_per_band = lsh_params(config.threshold, config.num_perm, config.lsh_recall)
    threshold = config.threshold
    blind = (
        index_stats.where("index = 0")
        .select("g", "size", "over")
        .rdd.mapPartitions(lambda rows: _blind(rows, threshold))
        .map(lambda g: (g,))
        .toDF("g long")
    )
    k, num_perm, seed = config.shingle_size, config.num_perm, config.seed
    blind_words, lsh_paragraphs = _materialise(searched.join(blind, "g").select("g", "hashes"), held)
    lsh = _empty_pairs(spark)
    if lsh_paragraphs >= 2:
        lsh = (
            blind_words.rdd.map(lambda row: (row[0], bytes(row[1])))
            .mapPartitions(lambda rows: _band_keys(rows, k, num_perm, seed, bands, rows_per_band))
            .groupByKey()
            .flatMap(lambda item: _bucket(item[1], cap))
            .toDF("a long, b long")
            .distinct()
        )
    lsh, lsh_count = _materialise(lsh, held)
    lap("lsh")

    candidates, verified_count = _materialise(
        from_index.union(lsh).distinct().join(exact, ["a", "b"], "left_anti"), held
    )
    stats["candidates"] = verified_count + exact_count
    stats["candidates_lsh_only"] = (
        lsh.join(from_index, ["a", "b"], "left_anti").join(exact, ["a", "b"], "left_anti").count()
    )
    stats["verified"] = verified_count
    sides = words.select("g", "post", "hashes")
    joined = (
        candidates.join(sides.withColumnsRenamed({"g": "a", "post": "pa", "hashes": "ha"}), "a")
        .join(sides.withColumnsRenamed({"g": "b", "post": "pb", "hashes": "hb"}), "b")
        .select("a", "b", "pa", "pb", "ha", "hb")
    )
    verified = (
        joined.rdd.map(lambda r: (r[0], r[1], r[2], r[3], bytes(r[4]), bytes(r[5])))
        .mapPartitions(lambda rows: _verify(rows, config))
        .toDF("a long, b long, kind string, jaccard double, containment double, partial_containment double")
        .persist(keep)
    )
    held.append(verified)
    found = sorted(tuple(row) for row in verified.collect())
    exact_rows = sorted(tuple(row) for row in exact.collect())
    stats["pairs"] = len(found) + len(exact_rows)
    lap("verify")

    edges = exact.union(verified.select("a", "b"))
    labelled = sorted(tuple(row) for row in _components(edges).collect())
    lap("clusters")

    post_words: npt.NDArray[np.int64] | None = None
    borrowed: Borrowed | None = None
    if chronology is not None:
        members = linked.filter(lambda links: links[0]).flatMap(lambda links: links[2]).map(lambda g: (g,))
        post_words, borrowed = post_borrowing(
            words, spark.createDataFrame(members, "g long"), post_count, chronology, config
        )
        lap("reuse")

    empty = np.zeros(0, dtype=np.int64)
    stats.update(datasketch_stats(LshResult(empty, lsh_paragraphs, bands, rows_per_band), config))
    stats["lsh_candidates"] = lsh_count
    for frame in held:
        frame.unpersist()
    linked.unpersist()
    stats["seconds_engine"] = round(sum(v for key, v in stats.items() if key.startswith("seconds_")), 4)

    def column(values: Iterable[Any], dtype: Any) -> Any:
        return np.fromiter(values, dtype=dtype)

    return EngineLinks(
        paragraphs=n,
        exact_a=column((a for a, _ in exact_rows), np.int64),
        exact_b=column((b for _, b in exact_rows), np.int64),
        a=column((row[0] for row in found), np.int64),
        b=column((row[1] for row in found), np.int64),
        kind=[row[2] for row in found],
        jaccard=column((row[3] for row in found), np.float64),
        containment=column((row[4] for row in found), np.float64),
        partial_containment=column((row[5] for row in found), np.float64),
        nodes=column((node for node, _ in labelled), np.int64),
        labels=column((label for _, label in labelled), np.int64),
        boilerplate=[(sorted(members), posts) for members, posts in boilerplate],
        stats=stats,
        post_words=post_words,
        borrowed=borrowed,
    )


def _materialise(frame: DataFrame, held: list[DataFrame]) -> tuple[DataFrame, int]:
    """``frame`` cached and computed now, and its row count; added to ``held`` to be freed later.

    Computed at once on purpose: a cached frame read by several branches of
    one later query is otherwise computed by each branch that runs before
    the cache is filled (Spark runs independent stages concurrently), and
    the frames here come out of Python tasks, the costly part.
    """
    from pyspark import StorageLevel

    frame = frame.persist(StorageLevel.MEMORY_AND_DISK)
    held.append(frame)
    return frame, frame.count()


def _empty_pairs(spark: SparkSession) -> DataFrame:
    return spark.createDataFrame([], "a long, b long")


def _index(
    searched: DataFrame, sizes: tuple[int, int], cap: int, held: list[DataFrame]
) -> tuple[DataFrame, DataFrame]:
    """The capped inverted indexes of both shingle sizes: per-paragraph stats and per-pair shared counts.

    ``stats``: ``(index, g, size, over)``, a paragraph's distinct shingles
    and how many are in more than ``cap`` paragraphs (stock phrases, left
    out of the postings). ``pairs``: ``(index, a, b, count)`` for every pair
    (a < b) sharing an indexed shingle, ``count`` how many. ``index`` is the
    position of the shingle size in ``sizes``: the two indexes are one set of
    joins and aggregations in the JVM, keyed by it.
    """
    from pyspark.sql import functions as F

    # Made once: the aggregations below read it several times, some at once.
    postings, _ = _materialise(
        searched.rdd.map(lambda row: (row[0], bytes(row[1])))
        .mapPartitions(lambda rows: _postings(rows, sizes))
        .toDF("index int, sh long, g long"),
        held,
    )
    frequency = postings.groupBy("index", "sh").agg(F.count("*").alias("df"))
    tagged = postings.join(frequency, ["index", "sh"])
    stats = tagged.groupBy("index", "g").agg(
        F.count("*").alias("size"), F.sum(F.when(F.col("df") > cap, 1).otherwise(0)).alias("over")
    )
    indexed = tagged.where((F.col("df") >= 2) & (F.col("df") <= cap)).select("index", "sh", "g")
    same = (
        (F.col("x.index") == F.col("y.index"))
        & (F.col("x.sh") == F.col("y.sh"))
        & (F.col("x.g") < F.col("y.g"))
    )
    pairs = (
        indexed.alias("x")
        .join(indexed.alias("y"), same)
        .groupBy(F.col("x.index").alias("index"), F.col("x.g").alias("a"), F.col("y.g").alias("b"))
        .agg(F.count("*").alias("count"))
    )
    stats, _ = _materialise(stats, held)
    return stats, pairs


def _rule(pairs: DataFrame, stats: DataFrame, words: DataFrame, config: AuditConfig) -> DataFrame:
    """Pairs ``(a, b)`` :func:`~provenance.dedup.candidates.candidate_mask` lets through in their index."""
    side = stats.join(words.select("g", "words"), "g")
    joined = (
        pairs.join(
            side.withColumnsRenamed({"g": "a", "size": "sa", "over": "oa", "words": "wa"}), ["index", "a"]
        )
        .join(side.withColumnsRenamed({"g": "b", "size": "sb", "over": "ob", "words": "wb"}), ["index", "b"])
        .select("index", "a", "b", "count", "sa", "sb", "oa", "ob", "wa", "wb")
    )
    return joined.rdd.mapPartitions(lambda rows: _passing(rows, config)).toDF("a long, b long")


def _components(edges: DataFrame) -> DataFrame:
    """``(node, label)``: each paragraph of ``edges`` ``(a, b)`` and the smallest paragraph of its component.

    The Large-Star / Small-Star algorithm (Kiveris et al., "Connected
    Components in MapReduce and Beyond", 2014), as DataFrame joins and
    aggregations: each round links every node to the smallest node of a
    neighbourhood, which keeps the components and ends with each one a star
    around its smallest member, in O(log² n) rounds. (Plain min-label
    propagation takes as many rounds as a component is long: a chain of 300
    paragraphs did not settle in 64.) Each round is checkpointed locally so
    the plan does not grow with the rounds.
    """
    from pyspark.sql import functions as F

    current = (
        edges.where(F.col("a") != F.col("b"))
        .select(F.least("a", "b").alias("a"), F.greatest("a", "b").alias("b"))
        .distinct()
        .localCheckpoint()
    )
    for _ in range(_MAX_ROUNDS):
        following = _small_star(_large_star(current)).localCheckpoint()
        # One job: an edge in only one of the two rounds is a change.
        changed = (
            following.withColumn("new", F.lit(True))
            .join(current.withColumn("old", F.lit(True)), ["a", "b"], "full_outer")
            .where(F.col("new").isNull() | F.col("old").isNull())
            .limit(1)
            .count()
        )
        current = following
        if not changed:
            break
    else:
        raise RuntimeError(f"connected components did not settle in {_MAX_ROUNDS} rounds")
    # A star around each component's smallest member: a leaf's label is its centre, a centre its own.
    centres = current.select(F.col("a").alias("node"), F.col("a").alias("label"))
    leaves = current.select(F.col("b").alias("node"), F.col("a").alias("label"))
    return centres.union(leaves).groupBy("node").agg(F.min("label").alias("label"))


def _large_star(edges: DataFrame) -> DataFrame:
    """Every node links its larger neighbours to the smallest of itself and its neighbours."""
    from pyspark.sql import functions as F

    both = edges.select(F.col("a").alias("u"), F.col("b").alias("v")).union(
        edges.select(F.col("b").alias("u"), F.col("a").alias("v"))
    )
    smallest = both.groupBy("u").agg(F.least(F.min("v"), F.col("u")).alias("m"))
    return (
        both.where(F.col("v") > F.col("u"))
        .join(smallest, "u")
        .select(F.col("m").alias("a"), F.col("v").alias("b"))
        .distinct()
    )


def _small_star(edges: DataFrame) -> DataFrame:
    """Every node links itself and its smaller neighbours to the smallest of them."""
    from pyspark.sql import functions as F

    smallest = edges.groupBy(F.col("b").alias("u")).agg(F.min("a").alias("m"))
    linked = edges.join(smallest, edges.b == smallest.u)
    others = linked.where(F.col("a") != F.col("m")).select(F.col("m").alias("a"), F.col("a").alias("b"))
    selves = smallest.select(F.col("m").alias("a"), F.col("u").alias("b"))
    return others.union(selves).distinct()


# --------------------------------------------------------------------------
# Post-level reuse (provenance.dedup.passages) as Spark jobs
# --------------------------------------------------------------------------


def _stream(item: tuple[int, Iterable[tuple[int, bytes, bytes]]]) -> tuple[int, tuple[bytes, bytes]]:
    """A post's stream: its paragraphs' word hashes and quotation flags, joined in reading order."""
    post, paragraphs = item
    ordered = sorted(paragraphs)
    return post, (b"".join(p[1] for p in ordered), b"".join(p[2] for p in ordered))


def _stream_shingles(
    streams: Iterable[tuple[int, tuple[bytes, bytes]]], post_start: npt.NDArray[np.int64], k: int, bits: int
) -> Iterator[tuple[int, tuple[bytes, bytes]]]:
    """``(bucket, (shingle hashes, stream word indexes))``: every full ``k``-word shingle of some posts.

    Bucketed by the top ``bits`` bits of the hash, as the local engine's
    :func:`~provenance.dedup.passages._shingles` blocks them, so that every
    occurrence of a shingle meets the others in one bucket. Word indexes are
    the local engine's: stream-wide, posts in input order. Posts are
    bucketed about :data:`_SHINGLE_BATCH` shingles at a time.
    """
    from provenance.shingle import shingle_hashes

    shingle_parts: list[npt.NDArray[np.uint64]] = []
    at_parts: list[npt.NDArray[np.int64]] = []
    held = 0
    for post, (hashes, _) in streams:
        words = _words(hashes)
        if len(words) < k:
            continue  # no full shingle
        shingles, _ = shingle_hashes(words, np.array([len(words)], dtype=np.int64), k)
        shingle_parts.append(shingles)
        at_parts.append(int(post_start[post]) + np.arange(len(shingles), dtype=np.int64))
        held += len(shingles)
        if held >= _SHINGLE_BATCH:
            yield from _bucket_rows(shingle_parts, at_parts, bits)
            shingle_parts, at_parts, held = [], [], 0
    if shingle_parts:
        yield from _bucket_rows(shingle_parts, at_parts, bits)


def _bucket_rows(
    shingle_parts: list[npt.NDArray[np.uint64]], at_parts: list[npt.NDArray[np.int64]], bits: int
) -> Iterator[tuple[int, tuple[bytes, bytes]]]:
    """The shingles and word indexes of some posts, one row per bucket (top ``bits`` bits of the hash)."""
    shingles = np.concatenate(shingle_parts)
    at = np.concatenate(at_parts)
    bucket = (shingles >> np.uint64(64 - bits)).astype(np.int64) if bits else np.zeros(len(at), np.int64)
    order = np.argsort(bucket, kind="stable")
    shingles, at, bucket = shingles[order], at[order], bucket[order]
    starts = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
    for first, stop in zip(starts.tolist(), np.r_[starts[1:], len(bucket)].tolist(), strict=True):
        part_shingles = shingles[first:stop].astype("<u8", copy=False)
        part_at = at[first:stop].astype("<i8", copy=False)
        yield int(bucket[first]), (part_shingles.tobytes(), part_at.tobytes())


def _bucket_anchors(
    parts: Iterable[tuple[int, tuple[bytes, bytes]]],
    post_start: npt.NDArray[np.int64],
    total: int,
    chronology: Chronology,
    rules: PassageRules,
    bits: int,
) -> Iterator[tuple[int, bytes]]:
    """``(later post, anchor keys)``: the anchors of one partition's buckets of shingle occurrences.

    Each bucket holds every occurrence of its shingles, so
    :func:`~provenance.dedup.passages.block_anchors` (the local engine's
    function) finds its anchors exactly as the local engine does, with word
    indexes in ascending order as it expects.
    """
    from provenance.dedup.passages import PostOfWord, block_anchors

    post_of = PostOfWord(post_start, total)
    buckets: dict[int, list[tuple[bytes, bytes]]] = {}
    for b, arrays in parts:
        buckets.setdefault(b, []).append(arrays)
    for chunks in buckets.values():
        shingles = np.concatenate([np.frombuffer(c[0], dtype="<u8") for c in chunks]).astype(np.uint64)
        at = np.concatenate([np.frombuffer(c[1], dtype="<i8") for c in chunks]).astype(np.int64)
        order = np.argsort(at, kind="stable")
        keys, later = block_anchors(shingles[order], at[order], post_of, chronology, total, rules, bits)
        del shingles, at, order
        if not len(keys):
            continue
        by_post = np.argsort(later, kind="stable")
        keys, later = keys[by_post], later[by_post]
        starts = np.flatnonzero(np.r_[True, later[1:] != later[:-1]])
        for first, stop in zip(starts.tolist(), np.r_[starts[1:], len(later)].tolist(), strict=True):
            yield int(later[first]), keys[first:stop].astype("<i8", copy=False).tobytes()


def _later_credit(
    item: tuple[int, tuple[Iterable[bytes], Iterable[tuple[bytes, bytes]]]],
    post_start: npt.NDArray[np.int64],
    total: int,
    rank: npt.NDArray[np.int64],
    by_rank: npt.NDArray[np.int32],
    rules: PassageRules,
) -> Iterator[tuple[str, Any, Any]]:
    """What one later post borrows, from its anchors and its stream (:func:`passages.span_credit`).

    Yields ``("prose", (post, source), words)`` for borrowed words outside
    quotations, which count as prose whatever the source does; and
    ``("quoted", source, (post, word indexes in the source))`` for borrowed
    words inside a quotation here, which count as a shared quotation only
    where the source quotes them too: its flags are joined next.
    """
    from provenance.dedup.passages import content_words, span_credit

    post, (anchor_parts, stream) = item
    keys_parts = [np.frombuffer(part, dtype="<i8") for part in anchor_parts]
    streams = list(stream)
    if not keys_parts or not streams:
        return
    hashes, quoted_bytes = streams[0]
    keys = np.concatenate(keys_parts).astype(np.int64)
    words = _words(hashes)
    lo = int(post_start[post])
    found = span_credit(keys, post_start, total, rules, content_words(words), lo, rank, by_rank)
    if found is None:
        return
    credit, source_word = found
    quoted = np.frombuffer(quoted_bytes, dtype=bool)
    borrowed = credit >= 0
    prose = borrowed & ~quoted
    sources, counts = np.unique(credit[prose], return_counts=True)
    for source, count in zip(sources.tolist(), counts.tolist(), strict=True):
        yield "prose", (post, source), count
    inside = np.flatnonzero(borrowed & quoted)
    if len(inside):
        source_of = credit[inside].astype(np.int64)
        where = source_word[inside] - post_start[source_of]
        for source in np.unique(source_of).tolist():
            positions = where[source_of == source].astype("<i8", copy=False)
            yield "quoted", source, (post, positions.tobytes())


def _shared_quotes(
    item: tuple[int, tuple[tuple[int, bytes], bytes]],
) -> tuple[tuple[int, int], tuple[int, int]]:
    """``((post, source), (prose words, shared quotation words))`` for words quoted in ``post``."""
    source, ((post, positions), quoted) = item
    flags = np.frombuffer(quoted, dtype=bool)[np.frombuffer(positions, dtype="<i8")]
    shared = int(np.count_nonzero(flags))
    return (post, source), (len(flags) - shared, shared)


def post_borrowing(
    words: DataFrame,
    left_out: DataFrame,
    post_count: int,
    chronology: Chronology,
    config: AuditConfig,
) -> tuple[npt.NDArray[np.int64], Borrowed]:
    """Each post's words and what it borrows, as Spark jobs: :mod:`provenance.dedup.passages` distributed.

    ``words`` is the hashed paragraphs ``(g, post, words, hashes, quoted)``,
    ``left_out`` the paragraphs ``(g)`` that take no part (boilerplate).
    Returns the words per post that take part and ``{post: {source: [prose,
    in shared quotations]}}``, which is what
    :func:`~provenance.dedup.passages.reuse_records` makes the verdicts of:
    the same numbers as the local engine's :func:`~provenance.dedup.passages.borrowed_words`.

    The steps are the local engine's, by post instead of by block: each
    post's stream is made in a task; its shingles are bucketed by the top
    bits of their hash, and each bucket's anchors found by the local
    function; the anchors are grouped by their later post, whose spans are
    chained and credited by the local function; the quotation flags of the
    sources are joined for the words borrowed inside a quotation. Only the
    posts' word counts (one number per post) and the borrowed counts are
    collected; the driver broadcasts the chronology and the posts' first
    word indexes (arrays of one number per post).
    """
    from pyspark import StorageLevel

    from provenance.dedup.passages import SORT_BLOCK, PassageRules

    rules = PassageRules.of(config)
    streams = (
        words.where("words > 0")
        .join(left_out, "g", "left_anti")
        .select("g", "post", "hashes", "quoted")
        .rdd.map(lambda row: (row[1], (row[0], bytes(row[2]), bytes(row[3]))))
        .groupByKey()
        .map(_stream)
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    try:
        post_words = np.zeros(post_count, dtype=np.int64)
        for post, length in streams.map(lambda item: (item[0], len(item[1][0]) // 8)).collect():
            post_words[post] = length
        total = int(post_words.sum())
        if post_count < 2 or total == 0:
            return post_words, {}
        if total >= 2**31:
            # The anchor keys pack two word indexes into 64 bits (passages._anchor_keys), as locally.
            raise SparkJobError(f"post-level reuse handles at most 2**31 words; this dump has {total:,}")
        post_start = np.zeros(post_count, dtype=np.int64)
        np.cumsum(post_words[:-1], out=post_start[1:])
        shingle_total = int(np.maximum(post_words - rules.k + 1, 0).sum())
        bits = (max(1, -(-shingle_total // SORT_BLOCK)) - 1).bit_length()
        sc = words.sparkSession.sparkContext
        shared = sc.broadcast((post_start, chronology, np.argsort(chronology.rank).astype(np.int32)))
        k = rules.k

        def shingles(rows: Iterable[Any]) -> Iterator[tuple[int, tuple[bytes, bytes]]]:
            return _stream_shingles(rows, shared.value[0], k, bits)

        def anchors(rows: Iterable[tuple[int, tuple[bytes, bytes]]]) -> Iterator[tuple[int, bytes]]:
            start, known, _ = shared.value
            return _bucket_anchors(rows, start, total, known, rules, bits)

        def credit(item: Any) -> Iterator[tuple[str, Any, Any]]:
            start, known, by_rank = shared.value
            return _later_credit(item, start, total, known.rank, by_rank, rules)

        partitions = 1 << bits  # about one bucket of SORT_BLOCK occurrences each
        later = (
            streams.mapPartitions(shingles)
            .partitionBy(partitions, lambda b: b)  # type: ignore[arg-type]
            .mapPartitions(anchors)
        )
        credited = later.cogroup(streams).filter(lambda item: len(item[1][0]) > 0).flatMap(credit)
        credited = credited.persist(StorageLevel.MEMORY_AND_DISK)
        prose = credited.filter(lambda row: row[0] == "prose").map(lambda row: (row[1], (row[2], 0)))
        quoted_flags = streams.mapValues(lambda stream: stream[1])
        quotes = (
            credited.filter(lambda row: row[0] == "quoted")
            .map(lambda row: (row[1], row[2]))
            .join(quoted_flags)
            .map(_shared_quotes)
        )
        counted = prose.union(quotes).reduceByKey(lambda x, y: (x[0] + y[0], x[1] + y[1])).collect()
        credited.unpersist()
        shared.unpersist()
    finally:
        streams.unpersist()
    taken: Borrowed = {}
    for (post, source), (in_prose, in_quotes) in sorted(counted):
        taken.setdefault(post, {})[source] = [in_prose, in_quotes]
    return post_words, taken


# --------------------------------------------------------------------------
# The engine: Spark jobs, then the local steps on the driver
# --------------------------------------------------------------------------


def find_duplicates_spark(
    posts: Sequence[Post],
    config: AuditConfig,
    progress: Progress | None = None,
    chronology: Chronology | None = None,
) -> DedupResult:
    """:func:`provenance.dedup.find_duplicates` with its pair work as Spark jobs (see the module doc).

    Gives the same pairs, clusters, boilerplate and post reuse as the local
    engine (``tests/test_spark.py``). Uses a running Spark session when there
    is one; otherwise starts one on ``config.spark_master`` and stops it at
    the end.
    """
    from provenance.dedup import (
        cluster_edits,
        make_pairs,
        with_edits,
    )
    from provenance.dedup.clusters import clusters as make_clusters
    from provenance.dedup.flat import flatten, sorted_unique
    from provenance.dedup.order import Chronology, chronological_key
    from provenance.dedup.passages import reuse_records, words_taking_part
    from provenance.dedup.verify import Verified, boilerplate_record, ref_key, sort_boilerplate
    from provenance.workers import collector_paused

    chronology = chronology or Chronology.of(posts)
    if progress:
        progress("dedup: spark jobs", 0, 2)
    with _spark_errors(config.spark_master):
        spark, started = spark_session(config.spark_master)
        try:
            with staged_paragraphs(spark, posts, config.spark_staging) as staged:
                frame = paragraphs_frame(spark, posts, staged=staged)
                links = duplicate_links(frame, config, chronology, len(posts))
            stats = dict(links.stats)
            stats["spark_master"] = spark.sparkContext.master
        except BaseException:
            if started:
                # A JVM that died (out of memory) refuses the stop: that must not hide why it died.
                with contextlib.suppress(Exception):
                    spark.stop()
            raise
        if started:
            spark.stop()
    if progress:
        progress("dedup: spark jobs", 1, 2)

    with collector_paused():
        clock = time.perf_counter()
        # Alignment and edits are local: they read the texts and word hashes.
        flat = flatten(posts, config, progress)
        n = len(flat.refs)
        order = chronological_key(posts)
        by_input = ref_key(posts)
        boilerplate = [
            boilerplate_record(members, count, flat, order, by_input) for members, count in links.boilerplate
        ]
        sort_boilerplate(boilerplate)
        active = flat.lengths > 0
        for members, _ in links.boilerplate:
            active[members] = False
        exact_keys = sorted_unique(links.exact_a * n + links.exact_b)
        nodes = sorted_unique(np.concatenate([links.exact_a, links.exact_b, links.a, links.b]))
        if not np.array_equal(nodes, links.nodes):
            raise RuntimeError("the Spark components do not cover the paragraphs of the pairs")
        verified = Verified(
            links.a, links.b, links.kind, links.jaccard, links.containment, links.partial_containment
        )
        pairs = make_pairs(exact_keys, verified, flat, posts, config.workers)
        pairs = with_edits(pairs, flat, chronology, config.workers)
        kinds: list[PairKind] = ["exact"] * len(exact_keys)
        clusters = make_clusters(
            np.concatenate([exact_keys // n, links.a]),
            np.concatenate([exact_keys % n, links.b]),
            kinds + links.kind,
            flat.refs,
            flat.post_of,
            posts,
            chronology,
            labels=links.labels,
        )
        clusters = cluster_edits(clusters, pairs, flat, config.workers)
        stats["seconds_driver_pairs"] = round(time.perf_counter() - clock, 4)
        # The words per post the jobs counted must be the driver's: the same paragraphs take part.
        expected = words_taking_part(flat, active, len(posts))
        counted = links.post_words
        if counted is None or links.borrowed is None or not np.array_equal(counted, expected):
            raise RuntimeError("the Spark jobs counted other words per post than the driver's posts hold")
        clock = time.perf_counter()
        reuse = reuse_records(posts, counted, links.borrowed, chronology, config)
        stats["seconds_driver_reuse"] = round(time.perf_counter() - clock, 4)
    if progress:
        progress("dedup: spark jobs", 2, 2)
    stats["seconds_total"] = round(
        sum(v for k, v in stats.items() if k.startswith("seconds_") and k != "seconds_engine"), 4
    )
    return DedupResult(pairs=pairs, clusters=clusters, reuse=reuse, boilerplate=boilerplate, stats=stats)
