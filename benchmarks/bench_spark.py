"""`provenance audit` with the local engine against `--engine spark --spark-master local[2]`: time, memory.

Each run is the whole command, as a user would type it, in a fresh process
with its own TMPDIR, sampled every 200 ms from ``/proc`` (the process tree:
with Spark that includes the JVM the command starts and its Python workers).
Both engines' pair counts are printed beside the measures, so a table where
they differ shows it. Needs ``pip install -e '.[spark]'`` and Java 17+.

    python benchmarks/bench_spark.py                      # 10,000 and 100,000 paragraphs
    python benchmarks/bench_spark.py --paragraphs 10000 --timeout 600
    python benchmarks/bench_spark.py --command OLD/.venv/bin/provenance --command provenance

With ``--command`` (repeatable) each given ``provenance`` executable (say,
one installed from another commit's worktree) runs every engine on every
size, one after the other, so two commits are measured side by side in one
run; the table then names the command of each row.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_audit import recorded_summary, recorded_timings
from bench_dedup import ensure_dump, mb, tree_pss, tree_rss

OUT = Path(__file__).resolve().parent / "out"
ENGINES = ("local", "spark")


def run(
    dump: Path, out: Path, engine: str, master: str, timeout: float, executable: str = "provenance"
) -> dict[str, object]:
    """One ``provenance audit`` run, sampled until it exits (or is stopped after ``timeout`` seconds)."""
    dump, out = dump.resolve(), out.resolve()
    command = [*shlex.split(executable), "audit", str(dump), "--out", str(out), "--engine", engine]
    if engine == "spark":
        command += ["--spark-master", master]
    shutil.rmtree(out, ignore_errors=True)  # no store of an earlier run to record into
    with tempfile.TemporaryDirectory(prefix="bench-spark-tmp-") as tmp:
        env = dict(os.environ, TMPDIR=tmp)
        out.parent.mkdir(parents=True, exist_ok=True)
        log = out.with_suffix(".log")
        started = time.perf_counter()
        with log.open("w", encoding="utf-8") as errors:
            # Run from the temporary folder: Spark's Python workers put their working folder first on
            # sys.path, and in a checkout they would import its provenance, not the command's own.
            process = subprocess.Popen(command, env=env, cwd=tmp, stdout=subprocess.DEVNULL, stderr=errors)
            peak_pss = peak_rss = 0
            while process.poll() is None:
                if timeout and time.perf_counter() - started > timeout:
                    process.terminate()
                    process.wait()
                    return {"stopped": f"over {timeout:.0f} s"}
                peak_pss = max(peak_pss, tree_pss(process.pid))
                peak_rss = max(peak_rss, tree_rss(process.pid))
                time.sleep(0.2)
        wall = time.perf_counter() - started
    if process.returncode != 0:
        return {"stopped": f"exit {process.returncode}, see {log}"}
    # Over 100 MB of input the run is in OUT/audit.sqlite instead of audit.json: read from either.
    summary = recorded_summary(out)
    return {
        "wall": wall,
        "peak_pss": peak_pss,
        "peak_rss": peak_rss,
        "dedup": recorded_timings(out).get("dedup", 0.0),
        "pairs": summary["pairs"],
        "clusters": summary["clusters"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--master", default="local[2]", help="Spark master of the spark runs")
    parser.add_argument(
        "--timeout", type=float, default=0, help="stop a run after this many seconds (0: never)"
    )
    parser.add_argument("--out", type=Path, default=OUT, help="where dumps and audit outputs go")
    parser.add_argument(
        "--engines", nargs="+", choices=ENGINES, default=list(ENGINES), help="engines to run (default: both)"
    )
    parser.add_argument(
        "--command",
        action="append",
        help="a provenance executable to run (repeatable: each runs every engine; default: provenance)",
    )
    args = parser.parse_args()
    commands = args.command or ["provenance"]
    for command in commands:
        if shutil.which(shlex.split(command)[0]) is None:
            raise SystemExit(f"{command}: not found (pip install -e '.[spark]' installs provenance)")
    rows = []
    for size in args.paragraphs:
        dump = ensure_dump(args.out, size, args.seed) / "dump.txt"
        for number, command in enumerate(commands):
            for engine in args.engines:
                print(f"{size:,} paragraphs, {engine} engine, {command} ...", file=sys.stderr, flush=True)
                out = args.out / f"audit-spark-bench-{size}-{engine}-{number}"
                result = run(dump, out, engine, args.master, args.timeout, command)
                rows.append((size, engine, command, result))
    print("| paragraphs | engine | wall s | dedup s | peak PSS MB | peak RSS MB | pairs | clusters |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for size, engine, command, r in rows:
        name = engine if engine == "local" else f"spark {args.master}"
        if len(commands) > 1:
            name += f" (`{command}`)"
        if "stopped" in r:
            print(f"| {size:,} | {name} | {r['stopped']} | | | | | |")
            continue
        print(
            f"| {size:,} | {name} | {r['wall']:.1f} | {r['dedup']:.1f} | {mb(int(r['peak_pss']))} "  # type: ignore[call-overload]
            f"| {mb(int(r['peak_rss']))} | {r['pairs']:,} | {r['clusters']:,} |"  # type: ignore[call-overload]
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
