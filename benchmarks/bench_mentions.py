"""Outlet mentions and credits against a hand-labelled sample of 40 real posts: precision and recall.

    python benchmarks/bench_mentions.py                  # the table, the misses and the false hits
    python benchmarks/bench_mentions.py --shared PATH    # corpora somewhere else

The sample (``tests/cases/mentions-sample.json``) is 20 posts of the cc-labs
WordPress export and 20 METER showbiz newspaper articles, chosen by a seeded
rule (:func:`choose`, stated in the file) and labelled from reading them before
the extractor ran on them. Each label is an outlet, publication, agency or
organisation the post attributes a claim to or credits.

The extractor runs as a user runs it: ``provenance audit`` on the export file
and on the METER newspaper folder (all 175 articles), each in a fresh process,
and the outlets of ``mentions`` and ``credits`` in its audit.json are read for
the sampled posts (cc-labs by post id, METER by the post's source path).
Scoring is per post and outlet: a label is found when the post mentions or
credits an outlet whose canonical name (the built-in outlet table's) matches the
label's or one of its ``also`` names after ``outlet_key`` folding; a found
outlet with no label in its post is a false hit.

The corpora live in ``../shared`` and are never copied into the project.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from provenance.outlets import OutletAliases, builtin_aliases, outlet_key

SHARED = Path(__file__).resolve().parents[2] / "shared"
SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "cases" / "mentions-sample.json"
WXR = Path("corpora") / "wxr" / "cc-labs-blog.xml"
METER = Path("corpora") / "meter-showbiz" / "newspapers" / "showbiz"
SEED = 16
PER_SOURCE = 20


@dataclass(frozen=True, slots=True)
class Label:
    """One outlet a post credits, by its name and the other names it may be found under."""

    post: str
    outlet: str
    also: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SamplePost:
    id: str
    labels: tuple[Label, ...]


@dataclass(slots=True)
class Score:
    """Precision and recall of found (post, outlet) pairs against the labels."""

    labels: int = 0
    found: int = 0
    hits: int = 0  # labels found
    true_found: int = 0  # found outlets that are labels
    misses: list[tuple[str, str]] = field(default_factory=list)
    false_hits: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true_found / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.labels if self.labels else 1.0

    def __add__(self, other: Score) -> Score:
        return Score(
            self.labels + other.labels,
            self.found + other.found,
            self.hits + other.hits,
            self.true_found + other.true_found,
            self.misses + other.misses,
            self.false_hits + other.false_hits,
        )


def _key(name: str, aliases: OutletAliases) -> str:
    return outlet_key(aliases.canonical(name))


def score(
    labels: Sequence[Label],
    found: Iterable[tuple[str, str]],
    sampled: Collection[str],
    aliases: OutletAliases,
) -> Score:
    """Score ``found`` (post, outlet name) pairs of the ``sampled`` posts against ``labels``."""
    found_keys: dict[tuple[str, str], str] = {}
    for post, name in sorted(found):
        if post in sampled:
            found_keys.setdefault((post, _key(name, aliases)), name)
    label_keys = [(label, {_key(name, aliases) for name in (label.outlet, *label.also)}) for label in labels]
    result = Score(labels=len(labels), found=len(found_keys))
    for label, keys in label_keys:
        if any((label.post, key) in found_keys for key in keys):
            result.hits += 1
        else:
            result.misses.append((label.post, label.outlet))
    for (post, key), name in found_keys.items():
        if any(label.post == post and key in keys for label, keys in label_keys):
            result.true_found += 1
        else:
            result.false_hits.append((post, name))
    return result


def load_sample(path: Path = SAMPLE) -> dict[str, list[SamplePost]]:
    """The sampled posts of each source, with their labels."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    return {
        source["name"]: [
            SamplePost(
                post["id"],
                tuple(
                    Label(post["id"], item["outlet"], tuple(item.get("also", ()))) for item in post["labels"]
                ),
            )
            for post in source["posts"]
        ]
        for source in doc["sources"]
    }


def choose(shared: Path) -> dict[str, list[str]]:
    """The sample's posts by its stated rule: ``random.Random(16).sample`` of each sorted population."""
    from provenance.ingest import read_corpus

    ids = sorted(post.id for post in read_corpus([shared / WXR]).posts)
    root = shared / METER
    paths = sorted(p.relative_to(root).as_posix() for p in root.glob("*/*/*.txt"))
    return {
        "cc-labs": random.Random(SEED).sample(ids, PER_SOURCE),
        "meter-showbiz": random.Random(SEED).sample(paths, PER_SOURCE),
    }


def _command() -> list[str]:
    installed = shutil.which("provenance")
    return [installed] if installed else [sys.executable, "-m", "provenance"]


def audit_json(target: Path, out: Path) -> dict[str, object]:
    """``provenance audit TARGET --out OUT`` in a fresh process, and the audit.json it wrote."""
    command = [*_command(), "audit", str(target), "--out", str(out)]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{completed.stdout}\n{completed.stderr}")
    doc: dict[str, object] = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    return doc


def found_outlets(doc: Mapping[str, object], post_of: Mapping[str, str]) -> set[tuple[str, str]]:
    """(sample post id, outlet) of every mention and credit in ``doc`` of a post ``post_of`` maps.

    ``post_of`` maps audit.json post ids to the sample's post ids.
    """
    pairs: set[tuple[str, str]] = set()
    for block in ("mentions", "credits"):
        for item in doc.get(block) or []:  # type: ignore[attr-defined]
            post = post_of.get(item["post"])
            if post is not None:
                pairs.add((post, item["outlet"]))
    return pairs


def meter_posts(doc: Mapping[str, object], sampled: Iterable[str]) -> dict[str, str]:
    """audit.json post id -> sample path, for the sampled METER articles (matched by source path)."""
    wanted = set(sampled)
    mapping: dict[str, str] = {}
    for post in doc["posts"]:  # type: ignore[attr-defined]
        path = Path(post["source"]["path"]).as_posix()
        relative = "/".join(path.split("/")[-3:])
        if relative in wanted:
            mapping[post["id"]] = relative
    return mapping


def _print_score(name: str, result: Score) -> None:
    print(
        f"| {name} | {result.labels} | {result.found} | {result.hits} | "
        f"{result.precision:.3f} | {result.recall:.3f} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared data folder")
    args = parser.parse_args(argv)
    if not (args.shared / WXR).is_file() or not (args.shared / METER).is_dir():
        print(f"skipped: the cc-labs export or the METER folder is not in {args.shared}")
        return 0
    sample = load_sample()
    aliases = builtin_aliases()
    scores: dict[str, Score] = {}
    with tempfile.TemporaryDirectory(prefix="bench-mentions-") as tmp:
        cc_doc = audit_json(args.shared / WXR, Path(tmp) / "cc")
        cc_ids = {post.id for post in sample["cc-labs"]}
        missing = cc_ids - {post["id"] for post in cc_doc["posts"]}  # type: ignore[attr-defined]
        if missing:
            raise SystemExit(f"sampled cc-labs posts not in the audit: {sorted(missing)}")
        found = found_outlets(cc_doc, {post_id: post_id for post_id in cc_ids})
        labels = [label for post in sample["cc-labs"] for label in post.labels]
        scores["cc-labs"] = score(labels, found, cc_ids, aliases)

        meter_doc = audit_json(args.shared / METER, Path(tmp) / "meter")
        meter_paths = [post.id for post in sample["meter-showbiz"]]
        post_of = meter_posts(meter_doc, meter_paths)
        if len(post_of) != len(meter_paths):
            raise SystemExit(
                f"sampled METER articles not in the audit: {set(meter_paths) - set(post_of.values())}"
            )
        found = found_outlets(meter_doc, post_of)
        labels = [label for post in sample["meter-showbiz"] for label in post.labels]
        scores["meter-showbiz"] = score(labels, found, set(meter_paths), aliases)

    print("Outlet mentions and credits of 40 hand-labelled posts, through `provenance audit`\n")
    print("| source | labels | found | labels found | precision | recall |")
    print("|---|---:|---:|---:|---:|---:|")
    total = Score()
    for name, result in scores.items():
        _print_score(name, result)
        total = total + result
    _print_score("overall", total)
    print("\nmisses (labelled, not found):")
    for post, outlet in total.misses or [("-", "none")]:
        print(f"  {post}: {outlet}")
    print("\nfalse hits (found, not labelled):")
    for post, outlet in total.false_hits or [("-", "none")]:
        print(f"  {post}: {outlet}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
