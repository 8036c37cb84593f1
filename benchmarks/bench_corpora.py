"""`provenance audit` on every real corpus in ../shared/corpora, as a user runs it: time and peak memory.

Each corpus is audited the way a user has it (a folder as it is, each WordPress
export file) by the installed command in a fresh process
(:func:`bench_audit.run_audit`). With ``--check`` the script exits 1 when a
corpus takes longer than ``--max-seconds`` or more memory (peak PSS of the
process tree) than ``--max-mb``: ``.ci/run`` calls it so that a change that
blows up on real data cannot land. The limits are some ten times what the
corpora take today (3-6 s and 100-140 MB each, at the commit that added this
script), loose enough for a noisy machine and tight enough for a blow-up.

    python benchmarks/bench_corpora.py            # table
    python benchmarks/bench_corpora.py --check    # table, exit 1 over a limit
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from bench_audit import run_audit

SHARED = Path(__file__).resolve().parents[2] / "shared"


def corpora(shared: Path) -> list[Path]:
    """What a user would point the command at: each corpus folder, and each export file of ``wxr/``."""
    root = shared / "corpora"
    found: list[Path] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if folder.name == "wxr":
            found += sorted(folder.glob("*.xml"))
        else:
            found.append(folder)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared data folder")
    parser.add_argument("--check", action="store_true", help="exit 1 when a corpus passes a limit")
    parser.add_argument("--max-seconds", type=float, default=60.0)
    parser.add_argument("--max-mb", type=float, default=1500.0)
    args = parser.parse_args(argv)
    if not (args.shared / "corpora").is_dir():
        print(f"skipped: no corpora folder in {args.shared}")
        return 0
    if shutil.which("provenance") is None:
        raise SystemExit("the provenance command is not installed (pip install -e .)")
    over: list[str] = []
    print("| corpus | wall s | peak PSS MB | report.html MB | audit.json MB |")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="bench-corpora-") as tmp:
        for corpus in corpora(args.shared):
            name = corpus.relative_to(args.shared / "corpora")
            result = run_audit(corpus, Path(tmp) / str(name).replace("/", "-"))
            wall, pss = float(result["wall"]), int(result["peak_pss"])  # type: ignore[call-overload]
            files = result["files"]
            assert isinstance(files, dict)
            print(
                f"| {name} | {wall:.1f} | {pss / 1e6:,.0f} | {files.get('report.html', 0) / 1e6:,.1f} "
                f"| {files.get('audit.json', 0) / 1e6:,.1f} |",
                flush=True,
            )
            if wall > args.max_seconds:
                over.append(f"{name}: {wall:.1f} s > {args.max_seconds:.0f} s")
            if pss / 1e6 > args.max_mb:
                over.append(f"{name}: peak PSS {pss / 1e6:,.0f} MB > {args.max_mb:,.0f} MB")
    if over:
        print("over the limits:\n- " + "\n- ".join(over))
    return 1 if over and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
