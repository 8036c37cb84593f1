"""`provenance audit` end to end on a dump: time per stage, peak memory and temporary disk.

Runs the installed command as a user would, in a fresh process with its own
TMPDIR, and samples every 200 ms from ``/proc``: the proportional set size of
the process tree (forked workers' shared pages counted once) and its resident
size, and the bytes under TMPDIR (the dedup stage's spilled keys). Stage times
come from the ``timings`` that audit.json records. The command writes a line
to stderr as each stage ends (its progress, off a terminal); the peak PSS of
each stage is the highest sample between that line and the one before it,
so the table says where the peak came. The CPU time is the user and system
seconds of the command and every process it forked and waited for; divided by
the wall time, it says how many of the machine's cores the command kept busy
on average. Prints a table.

    python benchmarks/bench_audit.py benchmarks/out/1000000-seed1/dump.txt
    python benchmarks/bench_audit.py --paragraphs 100000     # generate the dump first
    python benchmarks/bench_audit.py DUMP --command OLD/.venv/bin/provenance --command provenance

With ``--command`` (repeatable) each given ``provenance`` executable (say, the
install of an earlier commit in its own venv) audits the dump in turn, one
after the other in the same run, and the table gets a column for each. Words
after the executable are added to its ``audit`` arguments::

    python benchmarks/bench_audit.py DUMP --command "provenance --json" --command provenance

Each audit writes into a folder emptied first, so no store of an earlier
benchmark finds the dump unchanged.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import resource
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_dedup import ProcessMemory, ensure_dump, mb, tree_memory, tree_rss

OUT = Path(__file__).resolve().parent / "out"


def folder_bytes(folder: Path) -> int:
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):  # removed between listing and measuring
                total += os.path.getsize(os.path.join(root, name))
    return total


def recorded_timings(out: Path) -> dict[str, float]:
    """The ``timings`` the audit recorded: read from the end of audit.json (the file can be a gigabyte), or
    from the folder's store when no audit.json was written (a large input)."""
    audit_json = out / "audit.json"
    if not audit_json.exists():
        return recorded_in_store(out, "timings")
    with audit_json.open("rb") as handle:
        handle.seek(max(0, audit_json.stat().st_size - 4096))
        tail = handle.read().decode("utf-8", errors="replace")
    found = re.search(r'"timings":\s*(\{[^}]*\})', tail)
    return json.loads(found.group(1)) if found else {}


def recorded_summary(out: Path) -> dict[str, Any]:
    """The ``summary`` the audit recorded: read from the head of audit.json, where it comes before the
    lists, or from the folder's store when no audit.json was written."""
    audit_json = out / "audit.json"
    if not audit_json.exists():
        return recorded_in_store(out, "summary")
    with audit_json.open("rb") as handle:
        head = handle.read(1 << 20).decode("utf-8", errors="replace")
    at = head.find('"summary":')
    try:
        summary, _ = json.JSONDecoder().raw_decode(head, head.index("{", at))
    except ValueError:  # not in the first megabyte (a long list of input files before it): read it all
        summary = json.loads(audit_json.read_text(encoding="utf-8"))["summary"]
    return dict(summary)


def recorded_in_store(out: Path, section: str) -> dict[str, Any]:
    """A top-level section of the last run's document in ``out/audit.sqlite`` (``{}`` when absent).

    Opened read-write with ``query_only``, as provenance reads a store: a ``mode=ro`` reader
    cannot remove the ``-wal`` and ``-shm`` files it makes beside the store.
    """
    with contextlib.closing(sqlite3.connect(f"file:{out / 'audit.sqlite'}?mode=rw", uri=True)) as conn:
        conn.execute("PRAGMA query_only=ON")
        row = conn.execute(
            "SELECT json_extract(document_json, ?) FROM runs ORDER BY id DESC LIMIT 1", (f"$.rest.{section}",)
        ).fetchone()
    return json.loads(row[0]) if row and row[0] else {}


#: A stage's line in the command's progress off a terminal: ``STAGE  DONE/TOTAL H:MM:SS`` (cli.StageProgress).
STAGE_LINE = re.compile(r"^(?P<stage>\S.*?)\s+\d+/\d+ \d+:\d\d:\d\d$")


def stage_peaks(samples: list[tuple[float, int]], lines: list[tuple[float, str]]) -> dict[str, int]:
    """The highest sample of each stage, from ``(time, pss)`` samples and ``(time, line)`` stderr lines.

    A stage's line is written when it ends, so its samples are those after the previous stage's
    line and up to its own. A stage seen twice keeps the higher peak; samples after the last
    stage (the summary, the exit) are ``after the stages``.
    """
    return {name: samples[at][1] for name, at in stage_peak_samples(samples, lines).items()}


def stage_peak_samples(samples: list[tuple[float, int]], lines: list[tuple[float, str]]) -> dict[str, int]:
    """:func:`stage_peaks`, as the index of each stage's highest sample (the first of equal ones)."""
    ends = [(at, m["stage"]) for at, line in lines if (m := STAGE_LINE.match(line))]
    peaks: dict[str, int] = {}
    stage = 0
    for index, (at, pss) in enumerate(samples):
        while stage < len(ends) and ends[stage][0] < at:
            stage += 1
        name = ends[stage][1] if stage < len(ends) else "after the stages"
        if name not in peaks or pss > samples[peaks[name]][1]:
            peaks[name] = index
    return peaks


def split_row(parent: int, processes: dict[int, ProcessMemory]) -> str:
    """A sample's processes as ``PSS/private/shared`` MB each, the audited command first, then by pid."""
    order = sorted(processes, key=lambda pid: (pid != parent, pid))
    return " · ".join("/".join(mb(value) for value in processes[pid]) for pid in order)


def _children_cpu() -> float:
    """User and system CPU seconds of this process's waited-for children and their waited-for descendants.

    The command's forked workers and reuse process are waited for by it, so
    their CPU is in its own count once it exits.
    """
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_audit(dump: Path, out: Path, command: str = "provenance") -> dict[str, object]:
    """Run ``COMMAND audit dump --out out [ARGS]`` (``command`` is the executable and ARGS) into an emptied
    ``out``, and sample it until it exits."""
    executable, *extra = shlex.split(command)
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="bench-audit-tmp-") as tmp:
        env = dict(os.environ, TMPDIR=tmp)
        log = out.with_suffix(".log")
        out.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        samples: list[tuple[float, int]] = []
        splits: list[dict[int, ProcessMemory]] = []
        lines: list[tuple[float, str]] = []
        cpu_before = _children_cpu()
        with log.open("w", encoding="utf-8") as errors, log.open(encoding="utf-8") as reading:
            process = subprocess.Popen(
                [executable, "audit", str(dump), "--out", str(out), *extra],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
            peak_rss = peak_tmp = 0
            pending = ""
            while True:
                running = process.poll() is None
                now = time.perf_counter() - started
                pending += reading.read()
                *complete, pending = pending.split("\n")
                lines += [(now, line) for line in complete]
                if not running:
                    break
                split = tree_memory(process.pid)
                samples.append((now, sum(memory[0] for memory in split.values())))
                splits.append(split)
                peak_rss = max(peak_rss, tree_rss(process.pid))
                peak_tmp = max(peak_tmp, folder_bytes(Path(tmp)))
                time.sleep(0.2)
        wall = time.perf_counter() - started
        cpu = _children_cpu() - cpu_before
        left = sorted(os.listdir(tmp))
    if process.returncode != 0:
        raise SystemExit(f"{command} audit failed (exit {process.returncode}); see {log}")
    return {
        "wall": wall,
        "cpu": cpu,
        "peak_pss": max((pss for _, pss in samples), default=0),
        "stage_peaks": stage_peaks(samples, lines),
        "stage_splits": {
            name: split_row(process.pid, splits[at])
            for name, at in stage_peak_samples(samples, lines).items()
        },
        "peak_rss": peak_rss,
        "peak_tmp": peak_tmp,
        "left_in_tmp": left,
        "timings": recorded_timings(out),
        "files": {p.name: p.stat().st_size for p in sorted(out.iterdir()) if p.is_file()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dump", nargs="?", type=Path, help="the dump to audit")
    parser.add_argument("--paragraphs", type=int, help="generate a dump of this many paragraphs instead")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=OUT, help="where dumps and audit outputs go")
    parser.add_argument(
        "--command",
        action="append",
        help="a provenance executable to run, with any audit arguments after it "
        "(repeatable: one column each; default: provenance)",
    )
    args = parser.parse_args()
    if args.dump is None and args.paragraphs is None:
        parser.error("give a dump or --paragraphs")
    dump = args.dump or ensure_dump(args.out, args.paragraphs, args.seed) / "dump.txt"
    commands = args.command or ["provenance"]
    for command in commands:
        if shutil.which(shlex.split(command)[0]) is None:
            raise SystemExit(f"{command}: not found (pip install -e . installs provenance)")
    results = [
        run_audit(dump, args.out / f"audit-{dump.parent.name}-{number}", command)
        for number, command in enumerate(commands)
    ]
    stages = list(dict.fromkeys(stage for r in results for stage in r["timings"]))  # type: ignore[attr-defined]
    names = list(dict.fromkeys(name for r in results for name in r["files"]))  # type: ignore[attr-defined]
    peaked = list(dict.fromkeys(name for r in results for name in r["stage_peaks"]))  # type: ignore[attr-defined]

    def each(value: Callable[[dict[str, Any]], str]) -> list[str]:
        return [value(r) for r in results]

    rows: list[tuple[str, list[str]]] = [
        ("wall time, command to exit (s)", each(lambda r: f"{r['wall']:.1f}")),
        ("CPU time, process tree (s, user + system)", each(lambda r: f"{r['cpu']:.1f}")),
        ("  cores busy on average (CPU s / wall s)", each(lambda r: f"{r['cpu'] / r['wall']:.2f}")),
        *(
            (
                f"  {stage} (s, as the audit recorded)",
                each(lambda r, s=stage: f"{r['timings'][s]:.1f}" if s in r["timings"] else "-"),
            )
            for stage in stages
        ),
        ("peak PSS, process tree (MB)", each(lambda r: mb(int(r["peak_pss"])))),
        *(
            (
                f"  during {name}",
                each(lambda r, n=name: mb(r["stage_peaks"][n]) if n in r["stage_peaks"] else "-"),
            )
            for name in peaked
        ),
        ("peak RSS, process tree (MB)", each(lambda r: mb(int(r["peak_rss"])))),
        ("peak temporary files (MB)", each(lambda r: mb(int(r["peak_tmp"])))),
        ("temporary files left", each(lambda r: str(len(r["left_in_tmp"])))),
        *(
            (
                f"  {name} (MB)",
                each(lambda r, n=name: f"{r['files'][n] / 1e6:,.1f}" if n in r["files"] else "-"),
            )
            for name in names
        ),
    ]
    print(f"dump: {dump} ({dump.stat().st_size / 1e6:,.0f} MB)")
    width = max(len(label) for label, _ in rows)
    print(f"| {'measure':<{width}} | " + " | ".join(commands) + " |")
    print(f"|{'-' * (width + 2)}|" + "---:|" * len(commands))
    for label, values in rows:
        print(f"| {label:<{width}} | " + " | ".join(values) + " |")
    for command, result in zip(commands, results, strict=True):
        print()
        print(f"Each stage's peak by process, `{command}`: MB of PSS/private/shared, the command first.")
        print("| stage | processes |")
        print("|---|---|")
        for name, row in result["stage_splits"].items():  # type: ignore[attr-defined]
            print(f"| {name} | {row} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
