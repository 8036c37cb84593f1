"""`provenance audit --db` on a generated dump: a cold audit, a re-run on the unchanged dump, and +1% posts.

Each row is the whole command, in a fresh process, timed from start to exit:

1. ``audit`` without a store (the baseline);
2. ``audit --no-json``: the run kept in ``OUT/audit.sqlite`` instead of
   audit.json, what an input of over 100 MB gets by default;
3. ``audit --db`` into a new store (cold);
4. ``audit --db`` again on the unchanged dump into the same ``--out``: the
   store sees the same files, parameters and versions, and the audit is not
   run (``docs/store.md``);
5. the same into another ``--out``: audited again, reports nothing new;
6. ``audit --db --sketches`` into another new store: row 3 and a MinHash sketch of each paragraph text;
7. ``audit --db`` after a file of about 1% more posts (another generator seed) joins the dump;
8. ``audit --db --sketches`` on that dump into the store of row 6: only the new texts are sketched;
9. ``search`` of the store of row 8 with an article of eight paragraphs, five of them stored ones with a
   word changed, and with a text of 2,000 such paragraphs: each is found without auditing again;
10. ``runs --db --keep 1``: the two older runs dropped and the file compacted.

Apart from row 4, every run reads the whole dump again: the store makes the
*comparison* incremental, not the audit (``docs/store.md``), so rows 5 and 7
are expected near row 3. Prints one table with the ratios to the cold run and the store's size.

    python benchmarks/bench_store.py --paragraphs 10000
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate
from bench_dedup import ensure_dump

OUT = Path(__file__).resolve().parent / "out"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str]) -> tuple[float, float, str]:
    """Run ``provenance ARGS``: its wall time, its CPU time (with its workers') and what it printed.

    CPU time is given beside wall time because on a shared machine the wall
    time of one run moves with the other users' load; the CPU time much less.
    """
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(["provenance", *args], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"provenance {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds, _children_cpu() - cpu, done.stdout + done.stderr


def _sketches_said(printed: str) -> str:
    """What the run log said of the sketches (``store: sketches: ...``)."""
    said = [
        line.split("store: sketches: ", 1)[1] for line in printed.splitlines() if "store: sketches: " in line
    ]
    assert said, printed[-2000:]
    return said[-1]


def _search_texts(store: Path, work: Path) -> list[tuple[str, Path, int]]:
    """Texts to search the store with: stored paragraphs (of 40 words or more) with their middle word
    changed, and new paragraphs of made-up words; with the number of changed ones."""
    import random
    import sqlite3

    with sqlite3.connect(store) as conn:
        stored = [
            text
            for (text,) in conn.execute(
                "SELECT DISTINCT text FROM paragraphs WHERE length(text) > 300 "
                "ORDER BY content_hash LIMIT 20000"
            )
        ]
    rng = random.Random(7)

    def changed(text: str) -> str:
        words = text.split()
        words[len(words) // 2] = "zebra"
        return " ".join(words)

    new = [" ".join(f"word{rng.randrange(10**6)}" for _ in range(50)) + "." for _ in range(3)]
    texts = []
    for name, paragraphs, count in (
        (
            "an article of 8 paragraphs, 5 stored ones changed",
            [changed(t) for t in rng.sample(stored, 5)] + new,
            5,
        ),
        ("2,000 stored paragraphs changed", [changed(t) for t in rng.sample(stored, 2_000)], 2_000),
    ):
        path = work / f"search-{count}.txt"
        path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
        texts.append((name, path, count))
    return texts


def since(out: Path) -> dict[str, object]:
    doc = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    found: dict[str, object] = doc.get("since_last_run", {})
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--paragraphs", type=int, default=10_000, help="paragraphs of the dump (default 10000)"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if shutil.which("provenance") is None:
        raise SystemExit("the provenance command is not installed (pip install -e .)")

    source = ensure_dump(OUT, args.paragraphs, args.seed)
    meta = json.loads((source / "meta.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        work = Path(tmp)
        dump = work / "dump"
        dump.mkdir()
        shutil.copyfile(source / "dump.txt", dump / "dump.txt")
        extra = work / "extra"
        extra_meta = generate.write_dump(extra, max(1, args.paragraphs // 100), args.seed + 1000)
        store = work / "audit.sqlite"
        rows: list[tuple[str, float, float, str]] = []

        seconds, cpu, _ = timed(["audit", str(dump), "--out", str(work / "plain")])
        rows.append(("audit, no store", seconds, cpu, ""))
        # What an input of over 100 MB gets by default: the run in OUT/audit.sqlite, no audit.json.
        seconds, cpu, printed = timed(["audit", str(dump), "--out", str(work / "nojson"), "--no-json"])
        assert "audit.json not written" in printed, printed[-2000:]
        rows.append(("audit --no-json, the store instead of audit.json", seconds, cpu, "no audit.json"))
        seconds, cpu, _ = timed(["audit", str(dump), "--out", str(work / "out"), "--db", str(store)])
        rows.append(("audit --db, new store (cold)", seconds, cpu, "first run"))
        seconds, cpu, printed = timed(["audit", str(dump), "--out", str(work / "out"), "--db", str(store)])
        assert "nothing changed since run 1" in printed, printed[-2000:]
        rows.append(("audit --db, unchanged dump, same --out", seconds, cpu, "not audited again"))
        seconds, cpu, printed = timed(["audit", str(dump), "--out", str(work / "out2"), "--db", str(store)])
        assert "nothing new since run 1" in printed, printed[-2000:]
        rows.append(("audit --db, unchanged dump, another --out", seconds, cpu, "nothing new"))
        sketched = work / "sketched.sqlite"
        seconds, cpu, printed = timed(
            ["audit", str(dump), "--out", str(work / "sk"), "--db", str(sketched), "--sketches"]
        )
        rows.append(("audit --db --sketches, new store (cold)", seconds, cpu, _sketches_said(printed)))
        shutil.copyfile(extra / "dump.txt", dump / "extra.txt")
        seconds, cpu, _ = timed(["audit", str(dump), "--out", str(work / "out"), "--db", str(store)])
        found = since(work / "out")
        new_posts = found.get("new_posts") or []
        new_pairs = found.get("new_pairs") or []
        rows.append(
            (
                f"audit --db, +{extra_meta['posts']} posts",
                seconds,
                cpu,
                f"{len(new_posts)} new posts, {len(new_pairs)} new pairs",  # type: ignore[arg-type]
            )
        )
        seconds, cpu, printed = timed(
            ["audit", str(dump), "--out", str(work / "sk"), "--db", str(sketched), "--sketches"]
        )
        rows.append(
            (f"audit --db --sketches, +{extra_meta['posts']} posts", seconds, cpu, _sketches_said(printed))
        )
        for name, text, changed in _search_texts(sketched, work):
            seconds, cpu, printed = timed(["search", str(text), "--db", str(sketched)])
            said = printed.strip().splitlines()[-1]
            assert said.startswith(f"{changed:,} paragraphs of "), printed[-2000:]
            rows.append((f"search, {name}", seconds, cpu, said.replace(str(text), text.name)))
        size = store.stat().st_size + sum(p.stat().st_size for p in work.glob("audit.sqlite-*"))
        sketched_size = sketched.stat().st_size + sum(
            p.stat().st_size for p in work.glob("sketched.sqlite-*")
        )
        # Dropping the two older runs and compacting the file: what keeps a weekly store from growing.
        seconds, cpu, printed = timed(["runs", "--db", str(store), "--keep", "1"])
        assert "dropped runs 1, 2, kept run 3" in printed, printed[-2000:]
        kept = store.stat().st_size + sum(p.stat().st_size for p in work.glob("audit.sqlite-*"))
        rows.append(
            (
                "runs --db --keep 1 (drop 2 of 3 runs, compact)",
                seconds,
                cpu,
                f"{size / 1e6:.1f} -> {kept / 1e6:.1f} MB",
            )
        )

    cold, cold_cpu = rows[2][1], rows[2][2]
    print(
        f"dump: {meta['posts']:,} posts, {meta['paragraphs']:,} paragraphs (seed {args.seed}); "
        f"extra: {extra_meta['posts']} posts, {extra_meta['paragraphs']} paragraphs (seed {args.seed + 1000})"
    )
    print("| run | wall s | / cold | CPU s | / cold | what it reported |\n|---|---:|---:|---:|---:|---|")
    for name, seconds, cpu, said in rows:
        print(
            f"| {name} | {seconds:.1f} | {seconds / cold:.2f} | {cpu:.1f} | {cpu / cold_cpu:.2f} | {said} |"
        )
    print(f"store after its three runs: {size / 1e6:.1f} MB; after --keep 1: {kept / 1e6:.1f} MB")
    print(f"store with sketches after its two runs: {sketched_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
