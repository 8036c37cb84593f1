"""Accuracy and speed/memory of the duplicate stage, side by side, on generated dumps.

For each size the script generates (or reuses) a dump with known truth
(:mod:`generate`), then runs each method in a fresh subprocess so its time and
peak memory are its own:

``floor``       tokenising and shingling alone (``provenance.shingle``: word hashes,
                then 5- and 3-word shingle hashes of every paragraph): what any method pays
``tool``        ``provenance.dedup.find_duplicates(posts, AuditConfig(jobs=J))``
``datasketch``  the pipeline a user would write: one ``MinHash(num_perm=128)`` per
                paragraph updated shingle by shingle (the same 5-word shingles of the
                same normalised words), ``MinHashLSH(threshold=0.5).insert``, then
                ``query`` per paragraph; its candidates are its answer (no verification)
``exact``       exact all-pairs on 5-word shingles by an inverted index (:mod:`exact_pairs`)

Loading the posts (archive reader) is done before the clock starts and is the
same for all methods; the RSS after loading is printed so it can be subtracted.
Peak RSS is taken two ways: the largest single process (``wait4``'s
``ru_maxrss``, which covers a worker pool's biggest member) and the sum over the
process tree sampled every 20 ms from ``/proc``. Both count the pages a forked
process shares with its parent in full (the sum counts them twice), so the
memory the machine really gives the method is also sampled: the tree's
proportional set size (PSS, ``/proc/<pid>/smaps_rollup``), where a shared page
counts once in total.

Accuracy is measured against exact all-pairs (every pair that meets the
tool's thresholds: 5-word Jaccard >= threshold, 5-word containment >=
containment with length ratio >= length_ratio, or 3-word containment >=
partial) and against the generator's planted truth, per similarity band.

Reading the PSS walks the measured process's page tables under its memory
lock and so can slow it (see :data:`PSS_EVERY`): ``--no-pss`` leaves it out
for runs that only measure time, and a run with it measures memory.

Usage::

    python benchmarks/bench_dedup.py --sizes 10000,100000 --jobs 2
    python benchmarks/bench_dedup.py --sizes 1000000 --jobs 2   # datasketch/exact skipped
    python benchmarks/bench_dedup.py --sizes 100000,1000000 --methods floor,tool \
        --no-accuracy --repeat 3 --no-pss   # growth, timed without the PSS probe
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import exact_pairs as ex
import generate

HERE = Path(__file__).resolve().parent
METHODS = ("floor", "tool", "datasketch", "exact")
KIND_CODES = {"exact": 0, "near": 1, "contained": 2, "partial": 3, "candidate": 4}
CODE_KINDS = {v: k for k, v in KIND_CODES.items()}
TRUTH_PAIR_KINDS = ("exact", "near", "excerpt", "merge", "split", "lift", "reprint", "lede")
T = TypeVar("T")


# --------------------------------------------------------------------------
# loading
# --------------------------------------------------------------------------


def load_posts(dump: Path, use_reader: bool) -> list[Any]:
    """The dump's posts: through the archive reader, or regenerated as records from meta.json."""
    if use_reader:
        from provenance.config import AuditConfig
        from provenance.ingest import read_corpus

        return list(read_corpus([dump / "dump.txt"], AuditConfig()).posts)
    meta = json.loads((dump / "meta.json").read_text(encoding="utf-8"))
    posts, _ = generate.generate_posts(meta["requested"], meta["seed"], str(dump / "dump.txt"))
    return posts


def paragraph_texts(posts: Sequence[Any]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """All paragraph texts in order, each one's post ordinal, and each post's first global index."""
    texts = [p.text for post in posts for p in post.paragraphs]
    counts = np.array([len(post.paragraphs) for post in posts], dtype=np.int64)
    post_of = np.repeat(np.arange(len(posts), dtype=np.int64), counts)
    first = np.zeros(len(posts), dtype=np.int64)
    if len(posts) > 1:
        np.cumsum(counts[:-1], out=first[1:])
    return texts, post_of, first


def rss_now() -> int:
    """This process's resident set size in bytes, from /proc."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


# --------------------------------------------------------------------------
# methods (run inside a worker subprocess)
# --------------------------------------------------------------------------


def run_floor(posts: Sequence[Any], jobs: int) -> dict[str, Any]:
    from provenance.shingle import shingle_hashes, word_hashes

    texts, _, _ = paragraph_texts(posts)
    arrays = [word_hashes(t) for t in texts]
    lengths = np.fromiter((a.shape[0] for a in arrays), dtype=np.int64, count=len(arrays))
    hashes = np.concatenate(arrays)
    five, _ = shingle_hashes(hashes, lengths, 5)
    three, _ = shingle_hashes(hashes, lengths, 3)
    return {"shingles5": int(five.shape[0]), "shingles3": int(three.shape[0])}


def run_tool(posts: Sequence[Any], jobs: int) -> dict[str, Any]:
    from provenance.config import AuditConfig
    from provenance.dedup import find_duplicates

    result = find_duplicates(posts, AuditConfig(jobs=jobs))
    return {"result": result}


def _datasketch_shingles(words: list[str]) -> list[bytes]:
    if len(words) < 5:
        return [" ".join(words).encode()] if words else []
    return [" ".join(words[s : s + 5]).encode() for s in range(len(words) - 4)]


def run_datasketch(posts: Sequence[Any], jobs: int) -> dict[str, Any]:
    from datasketch import MinHash, MinHashLSH

    from provenance.shingle import words

    texts, _, _ = paragraph_texts(posts)
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    signatures: list[MinHash | None] = []
    for index, text in enumerate(texts):
        shingles = _datasketch_shingles(words(text))
        if not shingles:
            signatures.append(None)
            continue
        signature = MinHash(num_perm=128)
        for shingle in shingles:
            signature.update(shingle)
        lsh.insert(index, signature)
        signatures.append(signature)
    found: set[tuple[int, int]] = set()
    for index, signature in enumerate(signatures):
        if signature is None:
            continue
        for other in lsh.query(signature):
            if other != index:
                found.add((min(index, other), max(index, other)))
    pairs = sorted(found)
    return {"pairs": np.array(pairs, dtype=np.int64).reshape(-1, 2)}


def run_exact(posts: Sequence[Any], jobs: int) -> dict[str, Any]:
    texts, post_of, _ = paragraph_texts(posts)
    hashes, lengths = ex.paragraph_word_hashes(texts)
    sets = ex.shingle_sets(hashes, lengths, 5)
    excluded = ex.boilerplate_mask(hashes, lengths, post_of, 20)
    pairs = ex.exact_pairs(sets, min_similarity=0.3, exclude=excluded)
    return {"exact": pairs, "boilerplate": excluded}


RUNNERS = {"floor": run_floor, "tool": run_tool, "datasketch": run_datasketch, "exact": run_exact}


def worker(method: str, dump: Path, jobs: int, result_path: Path, use_reader: bool) -> int:
    """Load the posts, run one method under the clock, and save what it found."""
    import resource

    posts = load_posts(dump, use_reader)
    loaded_rss = rss_now()
    started = time.perf_counter()
    out = RUNNERS[method](posts, jobs)
    seconds = time.perf_counter() - started
    info: dict[str, Any] = {
        "method": method,
        "seconds": seconds,
        "loaded_rss": loaded_rss,
        "self_maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "children_maxrss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
        "paragraphs": sum(len(p.paragraphs) for p in posts),
    }
    arrays: dict[str, np.ndarray] = {}
    if method == "tool":
        _, _, first = paragraph_texts(posts)
        position = {post.id: (n, int(first[n])) for n, post in enumerate(posts)}
        result = out["result"]
        rows = []
        for pair in result.pairs:
            a = int(position[pair.a.post][1]) + pair.a.paragraph
            b = int(position[pair.b.post][1]) + pair.b.paragraph
            rows.append((min(a, b), max(a, b), KIND_CODES[pair.kind], pair.jaccard, pair.containment))
        table = np.array(rows, dtype=np.float64).reshape(-1, 5)
        arrays["pairs"] = table[:, :2].astype(np.int64)
        arrays["kinds"] = table[:, 2].astype(np.int64)
        arrays["jaccard"], arrays["containment"] = table[:, 3], table[:, 4]
        arrays["boilerplate"] = np.array(
            sorted(int(position[m.post][1]) + m.paragraph for b in result.boilerplate for m in b.members),
            dtype=np.int64,
        )
        info["reuse"] = {
            str(position[pid][0]): [r.derivation, [position[s.post][0] for s in r.sources]]
            for pid, r in result.reuse.items()
            if pid in position
        }
        info["stats"] = {
            k: v if isinstance(v, int | float | str) else str(v) for k, v in result.stats.items()
        }
        info["pairs"] = len(result.pairs)
    elif method == "datasketch":
        arrays["pairs"] = out["pairs"]
        info["pairs"] = int(out["pairs"].shape[0])
    elif method == "exact":
        pairs: ex.ExactPairs = out["exact"]
        arrays.update(
            pairs=np.stack([pairs.i, pairs.j], axis=1),
            jaccard=pairs.jaccard,
            containment=pairs.containment,
            ratio=pairs.ratio,
            boilerplate=np.flatnonzero(out["boilerplate"]),
        )
        info["pairs"] = len(pairs)
    else:
        info.update(out)
    np.savez(result_path.with_suffix(".npz"), **arrays)  # type: ignore[arg-type]
    result_path.with_suffix(".json").write_text(json.dumps(info, sort_keys=True), encoding="utf-8")
    return 0


# --------------------------------------------------------------------------
# running workers and measuring them
# --------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found.extend(int(c) for c in handle.read().split())
    except OSError:
        pass
    return found


def tree_pids(pid: int) -> list[int]:
    """``pid`` and all its descendants, now."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(_children(current))
    return sorted(found)


def _tree_each(pid: int, read: Callable[[int], T]) -> dict[int, T]:
    """``read(p)`` of each process ``p`` of the tree of ``pid``, sampled while the tree stayed the same.

    Processes are read one after the other, so a fork or an exit between two
    reads would mix two states: a parent read before it forked counts its
    pages in full, and the child read after shares them, which at a million
    paragraphs added 700 MB of PSS to one sample. Such a sample is taken
    again (and given up, as empty, if the tree keeps changing).
    """
    for _ in range(5):
        pids = tree_pids(pid)
        found: dict[int, T] = {}
        for current in pids:
            with contextlib.suppress(OSError):  # it exited: the check below sees it
                found[current] = read(current)
        if tree_pids(pid) == pids:
            return found
    return {}


def _tree_sum(pid: int, read: Callable[[int], int]) -> int:
    """``read(p)`` summed over the process tree of ``pid`` (:func:`_tree_each`; 0 if it kept changing)."""
    return sum(_tree_each(pid, read).values())


def _rss(pid: int) -> int:
    with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants, now."""
    return _tree_sum(pid, _rss)


# PSS is read every this many samples (20 ms apart) only. Reading
# smaps_rollup walks a process's page tables under its memory-map lock, which
# stalls the process's own mapping and unmapping: every 20 ms it made the
# tool's 100k run 15% slower (8.9 s against 7.7 s, measured twice each way).
# Whether every 240 ms still slows the 1M run is unsettled (one pair of runs:
# 77.6 s with it, 70.5 s without; later rounds within the noise): timing runs
# can leave it out (``--no-pss``).
PSS_EVERY = 12


def _pss(pid: int) -> int:
    return _memory(pid)[0]


def tree_pss(pid: int) -> int:
    """Proportional set size of ``pid`` and its descendants, now (a page k of them share counts 1/k each)."""
    return _tree_sum(pid, _pss)


#: One process's memory in bytes: (PSS, private, shared), from ``smaps_rollup``.
ProcessMemory = tuple[int, int, int]


def _memory(pid: int) -> ProcessMemory:
    """PSS, private (clean and dirty) and shared (clean and dirty) bytes of one process."""
    fields: dict[str, int] = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
        for line in handle:
            name, _, rest = line.partition(":")
            if name in ("Pss", "Private_Clean", "Private_Dirty", "Shared_Clean", "Shared_Dirty"):
                fields[name] = int(rest.split()[0]) * 1024
    private = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    shared = fields.get("Shared_Clean", 0) + fields.get("Shared_Dirty", 0)
    return fields.get("Pss", 0), private, shared


def tree_memory(pid: int) -> dict[int, ProcessMemory]:
    """Each process of ``pid``'s tree and its (PSS, private, shared) bytes (empty if the tree kept changing).

    What a PSS total cannot say: whether a forked worker's share is pages it
    shares with its parent or old copies of pages the parent has rewritten
    since the fork, which only the workers still share (their "shared" is
    then larger than the parent's).
    """
    return _tree_each(pid, _memory)


@dataclass
class Measured:
    method: str
    seconds: float | None = None
    wall: float | None = None
    peak_process: int = 0
    cpu: float = 0.0  # user + system seconds of the worker and its pool, loading included
    peak_tree: int = 0
    peak_pss: int = 0
    loaded_rss: int = 0
    info: dict[str, Any] = field(default_factory=dict)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    skipped: str | None = None
    failed: str | None = None


def measure(
    method: str, dump: Path, jobs: int, work: Path, use_reader: bool, timeout: float = 0, pss: bool = True
) -> Measured:
    """Run ``method`` in a fresh interpreter and sample its memory until it exits.

    With ``timeout`` > 0 the worker's process group is killed after that many
    seconds and the method is reported as timed out. With ``pss`` False the
    tree's PSS is not read (see :data:`PSS_EVERY`): the run is for timing.
    """
    result_path = work / f"result-{method}"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        method,
        "--dump",
        str(dump),
        "--jobs",
        str(jobs),
        "--result",
        str(result_path),
    ] + ([] if use_reader else ["--no-reader"])
    log = result_path.with_suffix(".log")
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as errors:
        # A file, not a pipe: a chatty worker could fill a pipe nobody reads until it exits.
        process = subprocess.Popen(command, stderr=errors, start_new_session=True)
        peak_tree = peak_pss = 0
        timed_out = False
        samples = 0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            peak_tree = max(peak_tree, tree_rss(process.pid))
            if pss and samples % PSS_EVERY == 0:
                peak_pss = max(peak_pss, tree_pss(process.pid))
            samples += 1
            if timeout and not timed_out and time.perf_counter() - started > timeout:
                timed_out = True
                os.killpg(process.pid, signal.SIGKILL)  # its own session: the worker and its pool only
            time.sleep(0.02)
        # Reaped by wait4 above; tell Popen so it does not wait again.
        process.returncode = os.waitstatus_to_exitcode(status)
    stderr = log.read_text(encoding="utf-8")
    measured = Measured(
        method,
        wall=time.perf_counter() - started,
        peak_tree=peak_tree,
        peak_pss=peak_pss,
        peak_process=usage.ru_maxrss * 1024,
        cpu=usage.ru_utime + usage.ru_stime,
    )
    if timed_out:
        measured.skipped = f"timed out after {timeout:.0f} s (killed)"
        return measured
    if process.returncode != 0:
        measured.failed = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {process.returncode}"
        print(stderr, file=sys.stderr)
        return measured
    measured.info = json.loads(result_path.with_suffix(".json").read_text(encoding="utf-8"))
    with np.load(result_path.with_suffix(".npz")) as data:
        measured.arrays = {k: data[k] for k in data.files}
    measured.seconds = measured.info["seconds"]
    measured.loaded_rss = measured.info["loaded_rss"]
    outside = {
        "wall": measured.wall,
        "peak_process": measured.peak_process,
        "peak_tree": measured.peak_tree,
        "peak_pss": measured.peak_pss,
        "cpu": measured.cpu,
    }
    result_path.with_suffix(".measured.json").write_text(json.dumps(outside), encoding="utf-8")
    return measured


def load_measured(method: str, work: Path) -> Measured | None:
    """A method's result saved by an earlier :func:`measure` in ``work``, or None if there is none."""
    result_path = work / f"result-{method}"
    files = [result_path.with_suffix(s) for s in (".json", ".npz", ".measured.json")]
    if not all(f.exists() for f in files):
        return None
    measured = Measured(method, **json.loads(files[2].read_text(encoding="utf-8")))
    measured.info = json.loads(files[0].read_text(encoding="utf-8"))
    with np.load(files[1]) as data:
        measured.arrays = {k: data[k] for k in data.files}
    measured.seconds = measured.info["seconds"]
    measured.loaded_rss = measured.info["loaded_rss"]
    return measured


# --------------------------------------------------------------------------
# accuracy
# --------------------------------------------------------------------------


@dataclass
class Reference:
    """Exact similarities of every pair that matters, and which pairs the tool must report."""

    required: dict[tuple[int, int], tuple[str, float]]  # pair -> (kind by thresholds, similarity)
    sims: dict[tuple[int, int], PairSimilarity]  # every pair looked up
    boilerplate: set[int]


@dataclass(frozen=True, slots=True)
class PairSimilarity:
    """Exact similarities of one pair: 5-word Jaccard/containment, word-count ratio, 3-word containment."""

    j5: float
    c5: float
    ratio: float
    c3: float
    shared3: int


def reference_kind(s: PairSimilarity, cfg: Any, min_shared3: int) -> tuple[str, float] | None:
    """The kind the tool's thresholds give a pair, and the similarity that decides it; None below all.

    Same order as the tool: contained before near, partial last; 1e-9 slack on
    each threshold as the tool allows for float rounding.
    """
    eps = 1e-9
    if s.j5 >= 1.0:
        return "exact", s.j5
    if s.c5 >= cfg.containment - eps and s.ratio >= cfg.length_ratio:
        return "contained", s.c5
    if s.j5 >= cfg.threshold - eps:
        return "near", s.j5
    if s.c3 >= cfg.partial - eps and s.shared3 >= min_shared3:
        return "partial", s.c3
    return None


class Similarities:
    """Exact similarities of any pair, on demand, from the shingle tables of every paragraph."""

    def __init__(self, texts: Sequence[str], post_of: np.ndarray, boilerplate_posts: int) -> None:
        hashes, lengths = ex.paragraph_word_hashes(texts)
        self.lengths = lengths
        self.five = ex.shingle_sets(hashes, lengths, 5)
        self.three = ex.shingle_sets(hashes, lengths, 3)
        self.boilerplate = ex.boilerplate_mask(hashes, lengths, post_of, boilerplate_posts)
        self.stands_for = ex.first_in_post(hashes, lengths, post_of)
        self.post_of = post_of
        self._df: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def stock_phrase_only(self, pairs: Sequence[tuple[int, int]], k: int, cap: int) -> int:
        """How many of ``pairs`` share only k-word shingles found in more than ``cap`` paragraphs."""
        if not pairs:
            return 0
        sets = self.three if k == 3 else self.five
        if k not in self._df:
            active = ~self.boilerplate[sets.owner]
            self._df[k] = np.unique(sets.hashes[active], return_counts=True)
        hashes, counts = self._df[k]
        rows = ex.shingles_by_paragraph(sets, sorted({p for pair in pairs for p in pair}))
        empty = np.empty(0, dtype=np.uint64)
        only = 0
        for a, b in pairs:
            shared = np.intersect1d(rows.get(a, empty), rows.get(b, empty), assume_unique=True)
            only += bool(shared.shape[0]) and bool((counts[np.searchsorted(hashes, shared)] > cap).all())
        return only

    def of(self, pairs: Sequence[tuple[int, int]]) -> dict[tuple[int, int], PairSimilarity]:
        wanted = sorted({p for pair in pairs for p in pair})
        if not wanted:
            return {}
        five = ex.shingles_by_paragraph(self.five, wanted)
        three = ex.shingles_by_paragraph(self.three, wanted)
        empty = np.empty(0, dtype=np.uint64)
        out = {}
        for i, j in pairs:
            j5, c5 = ex.pair_similarity(self.five, five, i, j)
            _, c3 = ex.pair_similarity(self.three, three, i, j)
            shared3 = np.intersect1d(three.get(i, empty), three.get(j, empty), assume_unique=True).shape[0]
            a, b = int(self.lengths[i]), int(self.lengths[j])
            out[(i, j)] = PairSimilarity(j5, c5, max(a, b) / max(1, min(a, b)), c3, int(shared3))
        return out


def build_reference(
    sim: Similarities, exact5: Measured | None, full_three: bool, extra: Sequence[tuple[int, int]], cfg: Any
) -> Reference | None:
    """Required pairs from exact all-pairs (5-word, plus 3-word containment when ``full_three``)."""
    if exact5 is None or exact5.failed or exact5.skipped:
        return None
    boiler = {int(x) for x in exact5.arrays["boilerplate"]}
    candidates = {(int(a), int(b)) for a, b in exact5.arrays["pairs"]}
    if full_three:
        three = ex.exact_pairs(sim.three, min_similarity=cfg.partial, exclude=sim.boilerplate)
        candidates |= {(int(a), int(b)) for a, b in zip(three.i, three.j, strict=True)}
    candidates |= {p for p in extra if p[0] not in boiler and p[1] not in boiler}
    sims = sim.of(sorted(candidates))

    required = {}
    for pair, s in sims.items():
        # A paragraph of a few words makes no pair across posts (the tool's min_pair_words).
        short = min(int(sim.lengths[pair[0]]), int(sim.lengths[pair[1]])) < cfg.min_pair_words
        if short and sim.post_of[pair[0]] != sim.post_of[pair[1]]:
            continue
        kind = reference_kind(s, cfg, cfg.min_partial_shared)
        if kind:
            required[pair] = kind
    return Reference(required, sims, boiler)


def _describe(s: PairSimilarity) -> str:
    return f"J5={s.j5:.3f} C5={s.c5:.3f} C3={s.c3:.3f} shared3={s.shared3} ratio={s.ratio:.2f}"


def recall_table(
    title: str, rows: dict[str, Counter[str]], found: dict[str, Counter[str]], bands: list[str]
) -> str:
    """A markdown table: one row per kind, ``found/total`` per band, and the row's recall."""
    lines = [
        f"**{title}**",
        "",
        "| kind | " + " | ".join(bands) + " | recall |",
        "|---|" + "---|" * (len(bands) + 1),
    ]
    for kind in sorted(rows):
        cells = []
        for band in bands:
            total, hit = rows[kind][band], found[kind][band]
            cells.append(f"{hit}/{total}" if total else "")
        total, hit = sum(rows[kind].values()), sum(found[kind].values())
        lines.append(
            f"| {kind} | " + " | ".join(cells) + f" | {hit / total:.4f} |" if total else f"| {kind} | |"
        )
    return "\n".join(lines)


BAND_LABELS = ["<0.3"] + [ex.band_label(lo, hi) for lo, hi in ex.BANDS]


def accuracy_report(
    size_label: str,
    texts: Sequence[str],
    post_of: np.ndarray,
    first: np.ndarray,
    truth: list[dict[str, Any]],
    results: dict[str, Measured],
    full_three: bool,
    examples: int = 3,
) -> str:
    """Recall and precision tables of the tool (and plain datasketch) for one size, as markdown."""
    from provenance.config import AuditConfig

    cfg = AuditConfig()
    out: list[str] = [
        f"### Accuracy at {size_label} paragraphs",
        "",
        f"Reference thresholds: Jaccard {cfg.threshold}, containment {cfg.containment} with length ratio "
        f"{cfg.length_ratio}, partial {cfg.partial} with at least {cfg.min_partial_shared} shared "
        f"{cfg.partial_shingle_size}-word shingles; stock-phrase cap {cfg.stock_phrase_paragraphs}.",
        "",
    ]
    sim = Similarities(texts, post_of, cfg.boilerplate_posts)

    def where(end: dict[str, Any] | None) -> int | None:
        if not end or end.get("paragraph") is None:
            return None
        return int(first[end["post"]]) + int(end["paragraph"])

    planted: list[tuple[str, tuple[int, int], dict[str, Any]]] = []
    mismatched = on_boilerplate = 0
    for record in truth:
        if record["kind"] not in TRUTH_PAIR_KINDS:
            continue
        a, b = where(record["a"]), where(record["b"])
        if a is None or b is None or a >= len(texts) or b >= len(texts):
            mismatched += 1
            continue
        if generate.text_key(texts[a]) != record["a_text"] or generate.text_key(texts[b]) != record["b_text"]:
            mismatched += 1
            continue
        if sim.boilerplate[a] or sim.boilerplate[b]:
            on_boilerplate += 1  # a reprint carries its source's sign-off: boilerplate, not a pair
            continue
        planted.append((record["kind"], (min(a, b), max(a, b)), record))
    if mismatched:
        out.append(
            f"{mismatched} truth records did not match the read text (reader numbering) and were left out.\n"
        )
    if on_boilerplate:
        out.append(
            f"{on_boilerplate} planted pairs on boilerplate paragraphs are left out of the pair tables.\n"
        )

    measured_tool = results.get("tool")
    tool = measured_tool if measured_tool and not measured_tool.failed and not measured_tool.skipped else None
    if tool is None:
        out.append("The tool was not measured at this size: its recall columns below read 0.\n")
    tool_pairs: dict[tuple[int, int], int] = {}
    if tool:
        for (a, b), kind in zip(tool.arrays["pairs"], tool.arrays["kinds"], strict=True):
            tool_pairs[(int(a), int(b))] = int(kind)
    ds = results.get("datasketch")
    ds_pairs = (
        {(int(a), int(b)) for a, b in ds.arrays["pairs"]} if ds and not ds.failed and not ds.skipped else None
    )
    reference = build_reference(
        sim, results.get("exact"), full_three, [p for _, p, _ in planted] + list(tool_pairs), cfg
    )

    # Against exact all-pairs.
    if reference is not None:
        rows: dict[str, Counter[str]] = defaultdict(Counter)
        hits: dict[str, Counter[str]] = defaultdict(Counter)
        ds_hits: dict[str, Counter[str]] = defaultdict(Counter)
        misses: dict[str, list[tuple[int, int]]] = defaultdict(list)

        def tool_found(pair: tuple[int, int]) -> bool:
            # A text's later occurrences in a post are paired with its first
            # there, and only the first with other texts (exact_groups).
            a, b = (int(sim.stands_for[p]) for p in pair)
            if a == b:
                return all(p == a or (a, p) in tool_pairs for p in pair)
            return pair in tool_pairs or (min(a, b), max(a, b)) in tool_pairs

        for pair, (kind, value) in sorted(reference.required.items()):
            band = ex.band_of(value)
            rows[kind][band] += 1
            rows["all"][band] += 1
            if tool_found(pair):
                hits[kind][band] += 1
                hits["all"][band] += 1
            else:
                misses[kind].append(pair)
            if ds_pairs is not None and pair in ds_pairs:
                ds_hits[kind][band] += 1
                ds_hits["all"][band] += 1
        scope = (
            "5-word all-pairs plus 3-word all-pairs"
            if full_three
            else "5-word all-pairs (3-word containment only for pairs found some other way)"
        )
        out.append(
            recall_table(
                f"Tool recall against exact all-pairs ({scope}); band of the deciding similarity "
                "(J5 for exact/near, C5 for contained, C3 for partial)",
                rows,
                hits,
                BAND_LABELS,
            )
        )
        out.append("")
        if ds_pairs is not None:
            out.append(
                recall_table(
                    "Plain datasketch (MinHashLSH 0.5 candidates) recall on the same pairs",
                    rows,
                    ds_hits,
                    BAND_LABELS,
                )
            )
            out.append("")
        wrong = [p for p in tool_pairs if p not in reference.required]
        precision = 1 - len(wrong) / len(tool_pairs) if tool_pairs else float("nan")
        out.append(
            f"Tool precision against exact all-pairs: {len(tool_pairs) - len(wrong)}/{len(tool_pairs)}"
            f" = {precision:.4f}"
        )
        if tool:
            errors = []
            sims = sim.of(list(tool_pairs))
            for (a, b), jac, con in zip(
                map(tuple, tool.arrays["pairs"]),
                tool.arrays["jaccard"],
                tool.arrays["containment"],
                strict=True,
            ):
                exact = sims[(int(a), int(b))]
                errors.append(max(abs(jac - exact.j5), abs(con - exact.c5)))
            if errors:
                out.append(
                    f"; largest difference between the tool's stated J/C and the exact 5-word values: "
                    f"{max(errors):.4f}"
                )
        if ds_pairs is not None:
            ds_right = sum(1 for p in ds_pairs if p in reference.required)
            out.append(
                f"\nPlain datasketch precision (candidates meeting a threshold): {ds_right}/{len(ds_pairs)}"
                f" = {ds_right / max(1, len(ds_pairs)):.4f}"
            )
        out.append("")
        for kind, missed in sorted(misses.items()):
            stock = sim.stock_phrase_only(missed, 3 if kind == "partial" else 5, cfg.stock_phrase_paragraphs)
            out.append(
                f"- {len(missed)} required {kind} pairs missed; {stock} of them share only shingles found in "
                f"more than {cfg.stock_phrase_paragraphs} paragraphs (the tool's stock-phrase cap)"
            )
            for pair in missed[:examples]:
                out.append(f"  - paragraphs {pair} {_describe(reference.sims[pair])}")
        for pair in wrong[:examples]:
            out.append(
                f"- reported but below every threshold: {pair} kind={CODE_KINDS[tool_pairs[pair]]} "
                f"{_describe(sim.of([pair])[pair])}"
            )
        out.append("")

    # Against the planted truth.
    sims = sim.of(sorted({p for _, p, _ in planted}))
    rows = defaultdict(Counter)
    hits = defaultdict(Counter)
    expected_rows: dict[str, Counter[str]] = defaultdict(Counter)
    expected_hits: dict[str, Counter[str]] = defaultdict(Counter)
    truth_misses: dict[str, list[tuple[tuple[int, int], dict[str, Any]]]] = defaultdict(list)
    for kind, pair, record in planted:
        s = sims[pair]
        band = ex.band_of(max(s.j5, s.c5))
        rows[kind][band] += 1
        found = pair in tool_pairs
        hits[kind][band] += found
        if reference_kind(s, cfg, cfg.min_partial_shared):
            expected_rows[kind][ex.band_of(max(s.j5, s.c5, s.c3))] += 1
            expected_hits[kind][ex.band_of(max(s.j5, s.c5, s.c3))] += found
            if not found:
                truth_misses[kind].append((pair, record))
    out.append(
        recall_table("Tool recall of planted pairs (all), band of max(J5, C5)", rows, hits, BAND_LABELS)
    )
    out.append("")
    out.append(
        recall_table(
            "Tool recall of planted pairs that meet a threshold, band of max(J5, C5, C3)",
            expected_rows,
            expected_hits,
            BAND_LABELS,
        )
    )
    out.append("")
    for kind, planted_missed in sorted(truth_misses.items()):
        for pair, record in planted_missed[:examples]:
            out.append(
                f"- missed planted {kind}: post {record['a']['post']} par {record['a']['paragraph']} -> "
                f"post {record['b']['post']} par {record['b']['paragraph']} (global {pair}) "
                f"{_describe(sims[pair])} edit={json.dumps(record['edit'], sort_keys=True)}"
            )
    # Tool pairs the truth does not explain (not in one planted component).
    parent = list(range(len(texts)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for _, (a, b), _ in planted:
        parent[find(a)] = find(b)
    unexplained = [p for p in tool_pairs if find(p[0]) != find(p[1])]
    if tool_pairs:
        out.append(
            f"\nTool pairs explained by the planted truth (same planted component): "
            f"{len(tool_pairs) - len(unexplained)}/{len(tool_pairs)}"
        )
        for pair in unexplained[:examples]:
            out.append(
                f"- unplanted pair {pair} kind={CODE_KINDS[tool_pairs[pair]]} "
                f"{_describe(sim.of([pair])[pair])}: "
                f"{texts[pair[0]][:70]!r} / {texts[pair[1]][:70]!r}"
            )

    # Post-level truth and boilerplate.
    if tool:
        reuse = tool.info.get("reuse", {})
        post_rows: Counter[str] = Counter()
        post_hits: Counter[str] = Counter()
        for record in truth:
            if record["kind"] == "reprint_post":
                derivation, sources = reuse.get(str(record["b"]["post"]), ["?", []])
                post_rows["reprint post -> wholly"] += 1
                post_hits["reprint post -> wholly"] += derivation == "wholly"
                # The source is not always first: its own borrowed paragraphs
                # have an earlier witness.
                post_rows["reprint post -> its source among sources"] += 1
                post_hits["reprint post -> its source among sources"] += record["a"]["post"] in sources
            elif record["kind"] == "independent":
                post_rows["same story, own words -> independent"] += 1
                derivation, sources = reuse.get(str(record["b"]["post"]), ["?", []])
                post_hits["same story, own words -> independent"] += record["a"]["post"] not in sources
        boiler_truth = [where(r["a"]) for r in truth if r["kind"] == "boilerplate"]
        tool_boiler = {int(x) for x in tool.arrays.get("boilerplate", [])}
        out.append("\n| post-level check | right |\n|---|---|")
        for name in sorted(post_rows):
            out.append(f"| {name} | {post_hits[name]}/{post_rows[name]} |")
        out.append(
            f"| planted boilerplate occurrences reported as boilerplate | "
            f"{sum(1 for x in boiler_truth if x in tool_boiler)}/{len(boiler_truth)} |"
        )
        boiler_set = set(boiler_truth)
        leaked = sum(1 for a, b in tool_pairs if a in boiler_set and b in boiler_set)
        out.append(f"| pairs between two boilerplate occurrences (should be 0) | {leaked} |")
    out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------
# tables
# --------------------------------------------------------------------------


def mb(n: int) -> str:
    return f"{n / 2**20:,.0f}"


def speed_table(size: int, results: dict[str, Measured]) -> str:
    floor = results.get("floor")
    floor_s = floor.seconds if floor and floor.seconds else None
    lines = [
        f"### Speed and memory at {size:,} paragraphs",
        "",
        "| method | seconds | x floor | CPU s (incl. loading) | peak RSS, largest process (MB) "
        "| peak RSS, process tree (MB) | peak PSS, process tree (MB) "
        "| RSS after loading posts (MB) | pairs |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for method in METHODS:
        m = results.get(method)
        if m is None:
            continue
        if m.skipped or m.failed:
            lines.append(f"| {method} | {m.skipped or 'failed: ' + str(m.failed)} | | | | | | | |")
            continue
        ratio = f"{m.seconds / floor_s:.1f}" if floor_s and m.seconds is not None else ""
        pairs = m.info.get("pairs", "")
        lines.append(
            f"| {method} | {m.seconds:.2f} | {ratio} | {m.cpu:.1f} | {mb(m.peak_process)} "
            f"| {mb(m.peak_tree)} | {mb(m.peak_pss) if m.peak_pss else ''} | {mb(m.loaded_rss)} | {pairs} |"
        )
    tool, ds = results.get("tool"), results.get("datasketch")
    if tool and ds and tool.seconds and ds.seconds:
        lines.append(f"\ndatasketch / tool: {ds.seconds / tool.seconds:.1f}x")
    if tool and tool.info.get("stats"):
        stats = ", ".join(f"{k}={v}" for k, v in sorted(tool.info["stats"].items()))
        lines.append(f"\ntool stats: {stats}")
    return "\n".join(lines) + "\n"


def ensure_dump(out: Path, size: int, seed: int) -> Path:
    dump = out / f"{size}-seed{seed}"
    meta_path = dump / "meta.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if (
            meta.get("requested") == size
            and meta.get("seed") == seed
            and meta.get("version") == generate.VERSION
        ):
            return dump
    started = time.perf_counter()
    meta = generate.write_dump(dump, size, seed)
    print(
        f"generated {dump}: {meta['posts']:,} posts, {meta['paragraphs']:,} paragraphs, "
        f"{meta['words']:,} words in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return dump


def growth_report(rounds: list[dict[int, dict[str, Measured]]], sizes: Sequence[int]) -> str:
    """Each round's growth of the tool's and the floor's time between consecutive sizes, and the median.

    Sizes are measured minutes apart, and this machine's speed drifts by
    10-15% from one hour to the next, so one round's ratio can land on
    either side of a target: repeated rounds show the spread.
    """

    def seconds(results: dict[str, Measured], method: str) -> float | None:
        m = results.get(method)
        return m.seconds if m is not None and m.seconds else None

    lines: list[str] = []
    for small, large in itertools.pairwise(sorted(sizes)):
        rows: list[tuple[int, float | None, float | None, float | None, float | None]] = []
        for number, by_size in enumerate(rounds, 1):
            if small in by_size and large in by_size:
                rows.append(
                    (
                        number,
                        seconds(by_size[small], "tool"),
                        seconds(by_size[large], "tool"),
                        seconds(by_size[small], "floor"),
                        seconds(by_size[large], "floor"),
                    )
                )
        tool_growth = [b / a for _, a, b, _, _ in rows if a and b]
        if not tool_growth:
            continue
        lines += [
            f"### Growth from {small:,} to {large:,} paragraphs",
            "",
            f"| round | tool at {small:,} (s) | tool at {large:,} (s) | tool growth | floor growth |",
            "|---:|---:|---:|---:|---:|",
        ]
        for number, a, b, fa, fb in rows:
            growth = f"x{b / a:.2f}" if a and b else ""
            floor = f"x{fb / fa:.2f}" if fa and fb else ""
            lines.append(f"| {number} | {a or 0:.2f} | {b or 0:.2f} | {growth} | {floor} |")
        lines.append(
            f"\ntool growth {small:,} -> {large:,} paragraphs: time x{statistics.median(tool_growth):.2f}"
            + (f" (median of {len(tool_growth)} rounds)" if len(tool_growth) > 1 else "")
        )
    return "\n".join(lines) + "\n" if lines else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="paragraph counts, comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=0, help="worker processes for the tool (0: all cores)")
    parser.add_argument("--methods", default=",".join(METHODS), help=f"subset of {','.join(METHODS)}")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where dumps and results go")
    parser.add_argument(
        "--datasketch-max",
        type=int,
        default=100_000,
        help="skip plain datasketch above this many paragraphs (default 100000)",
    )
    parser.add_argument(
        "--exact-max",
        type=int,
        default=100_000,
        help="skip exact all-pairs above this many paragraphs (default 100000)",
    )
    parser.add_argument(
        "--three-max",
        type=int,
        default=100_000,
        help="run 3-word exact all-pairs for the partial reference up to this size",
    )
    parser.add_argument(
        "--timeout", type=float, default=3600, help="kill a method after this many seconds (default 3600)"
    )
    parser.add_argument(
        "--reuse-results",
        action="store_true",
        help="use a method's saved result from an earlier run in the same --out instead of running it again",
    )
    parser.add_argument("--no-accuracy", action="store_true", help="print speed and memory only")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run every size this many times, in rounds (each round all sizes in order), and print each "
        "round's growth and their median: the machine's speed drifts between minutes",
    )
    parser.add_argument(
        "--no-pss",
        action="store_true",
        help="time without reading the process tree's PSS, which stalls the measured process "
        "(the PSS column stays empty; RSS is still sampled)",
    )
    parser.add_argument(
        "--no-reader", action="store_true", help="build Post records directly instead of reading the archive"
    )
    parser.add_argument("--worker", choices=METHODS, help=argparse.SUPPRESS)
    parser.add_argument("--dump", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker, args.dump, args.jobs, args.result, not args.no_reader)

    sizes = [int(s) for s in args.sizes.split(",") if s]
    methods = [m for m in args.methods.split(",") if m]
    print(
        f"# bench_dedup: sizes {sizes}, jobs {args.jobs or os.cpu_count()}, seed {args.seed}, "
        f"cores {os.cpu_count()}, python {sys.version.split()[0]}\n",
        flush=True,
    )
    rounds: list[dict[int, dict[str, Measured]]] = []
    for round_number in range(1, max(1, args.repeat) + 1):
        if args.repeat > 1:
            print(f"## Round {round_number} of {args.repeat}\n", flush=True)
        by_size: dict[int, dict[str, Measured]] = {}
        for size in sizes:
            dump = ensure_dump(args.out, size, args.seed)
            results: dict[str, Measured] = {}
            for method in methods:
                limit = {"datasketch": args.datasketch_max, "exact": args.exact_max}.get(method)
                if limit is not None and size > limit:
                    results[method] = Measured(method, skipped=f"skipped above {limit:,} paragraphs")
                    continue
                saved = load_measured(method, dump) if args.reuse_results else None
                results[method] = saved or measure(
                    method, dump, args.jobs, dump, not args.no_reader, args.timeout, pss=not args.no_pss
                )
                m = results[method]
                state = (
                    m.failed
                    or m.skipped
                    or f"{m.seconds:.2f} s, peak {mb(max(m.peak_process, m.peak_tree))} MB"
                )
                print(f"  {size:,} {method}: {state}", file=sys.stderr, flush=True)
            by_size[size] = results
            print(speed_table(size, results), flush=True)
            # Accuracy does not change between rounds: measured once, in the last.
            if not args.no_accuracy and round_number == max(1, args.repeat):
                posts = load_posts(dump, not args.no_reader)
                texts, post_of, first = paragraph_texts(posts)
                truth = generate.read_truth(dump / "truth.jsonl")
                print(
                    accuracy_report(
                        f"{size:,}", texts, post_of, first, truth, results, size <= args.three_max
                    ),
                    flush=True,
                )
        rounds.append(by_size)
    print(growth_report(rounds, sizes), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
