"""Real news reuse: the METER showbiz set audited by the installed command, scored against the labels.

    python benchmarks/meter.py                 # convert, audit with `provenance audit`, print the tables
    python benchmarks/meter.py --keep DIR      # keep the JSON Lines dump and the audit outputs in DIR
    python benchmarks/meter.py --features      # the ceiling: features against each article's own wire texts

It audits the texts twice: as one dump, and with the wire texts in a file of
their own declared as known sources (``--reference``).

The METER corpus (``../shared/corpora/meter-showbiz``, read its ``SOURCE.md``)
pairs Press Association (PA) wire texts with the newspaper articles written
from them, each article labelled *wholly*, *partially* or *non*-derived by
journalists. This script writes the dump a user would write from it: one JSON
Lines record per text (``id``, ``title``, ``date``, ``outlet``, ``author``,
``text``), the wire texts dated on the story's day at the time their header
gives and the newspapers the next morning (the folder's date is the story's
day, and the papers printed the next morning), then runs ``provenance audit``
on it in a subprocess, exactly as a user would, and reads the verdicts from
the audit.json it writes (``posts[].reuse``).

Figures (an article's *own wire copy* is any PA text of its own story folder):

- non-derived articles given a verdict other than ``independent`` with their
  own wire copy among ``sources``, as a share of the non-derived;
- balanced accuracy of "derived" (verdict ``wholly`` or ``partially``) against
  the labels, derived (wholly + partially) vs non-derived, and wholly vs
  non-derived (the partially-derived left out);
- among derived articles with any source, how many have their own wire copy
  as their largest source (most words borrowed, quotations included);
- the confusion table of verdict against label.

The corpus is never copied into the project; without ``../shared`` the script
says so and exits 0.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "meter-showbiz"

#: The papers of the corpus by the name in their file names.
PAPERS = {
    "sun": "The Sun",
    "mirror": "Daily Mirror",
    "star": "Daily Star",
    "mail": "Daily Mail",
    "express": "Daily Express",
    "times": "The Times",
    "telegraph": "The Daily Telegraph",
    "guardian": "The Guardian",
    "independent": "The Independent",
}
LABELS = ("wholly", "partially", "non")
VERDICTS = ("wholly", "partially", "independent")

# The wire header's time stamp ("02:49 07/01/00: Page 1 (HHH) SHOWBIZ Depp"); the text starts
# after the rule of dashes under it.
_STAMP = re.compile(r"(\d\d:\d\d) \d\d/\d\d/\d\d")
_BYLINE = re.compile(r"^By (?P<author>[^,]+),")


def story_day(folder: str) -> dt.date:
    """The date of a story folder named DD.MM.YY (the corpus runs from 1999 to 2000)."""
    day, month, year = (int(part) for part in folder.split("."))
    return dt.date(2000 + year if year < 50 else 1900 + year, month, day)


def story_of(relative: str) -> str:
    """``PA/showbiz/07.01.00/depp/depp1.txt`` -> ``07.01.00/depp``: the story a text belongs to."""
    parts = relative.split("/")
    return f"{parts[2]}/{parts[3]}"


def wire_record(path: Path, relative: str) -> dict[str, Any]:
    """A PA text as a user would write it: the headline as title, the byline as author, its paragraphs.

    Paragraphs end with ``<`` in the wire format; the last one is ``end``. Lines
    of the header above the time stamp and the rule under it are the wire's
    envelope, not text.
    """
    lines = path.read_text(encoding="cp1252").splitlines()
    stamp = next((i for i, line in enumerate(lines) if _STAMP.search(line)), -1)
    filed = _STAMP.search(lines[stamp]) if stamp >= 0 else None
    body = "\n".join(lines[stamp + 2 :] if stamp >= 0 else lines)
    chunks = [" ".join(chunk.split()) for chunk in body.split("<")]
    chunks = [chunk for chunk in chunks if chunk and chunk.casefold() != "end"]
    title = None
    author = None
    while chunks and (chunks[0].isupper() or (chunks[0].startswith("(") and chunks[0].endswith(")"))):
        head = chunks.pop(0)
        if head.isupper() and title is None:
            title = head.title()
    if chunks and (byline := _BYLINE.match(chunks[0])):
        author = byline.group("author")
        chunks.pop(0)
    return {
        "id": relative,
        "title": title or path.stem,
        # The time the wire filed it: several versions of one story come out in one day.
        "date": story_day(relative.split("/")[2]).isoformat() + (f"T{filed.group(1)}" if filed else ""),
        "outlet": "Press Association",
        "author": author,
        "text": "\n\n".join(chunks),
    }


def article_record(path: Path, relative: str) -> dict[str, Any]:
    """A newspaper article: its paragraphs (blank-line separated), dated the morning after the story."""
    text = path.read_text(encoding="cp1252")
    paragraphs = [" ".join(block.split()) for block in re.split(r"\n\s*\n", text)]
    paper = PAPERS.get(path.stem.rsplit("_", 1)[-1], path.stem.rsplit("_", 1)[-1])
    return {
        "id": relative,
        "title": f"{paper}: {relative.split('/')[3]} ({path.stem})",
        "date": (story_day(relative.split("/")[2]) + dt.timedelta(days=1)).isoformat(),
        "outlet": paper,
        "text": "\n\n".join(p for p in paragraphs if p),
    }


def records(corpus: Path) -> Iterator[dict[str, Any]]:
    """Every wire text, then every article, in path order."""
    for path in sorted((corpus / "PA").glob("*/*/*/*.txt")):
        yield wire_record(path, path.relative_to(corpus).as_posix())
    for path in sorted((corpus / "newspapers").glob("*/*/*/*.txt")):
        yield article_record(path, path.relative_to(corpus).as_posix())


def write_dump(corpus: Path, target: Path, wire: Path | None = None) -> int:
    """Write every text to ``target``; with ``wire``, the wire texts there and the rest to ``target``."""
    count = 0
    with contextlib.ExitStack() as files:
        out = files.enter_context(target.open("w", encoding="utf-8"))
        wires = files.enter_context(wire.open("w", encoding="utf-8")) if wire is not None else out
        for record in records(corpus):
            to = wires if str(record["id"]).startswith("PA/") else out
            to.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def read_labels(corpus: Path) -> dict[str, str]:
    with (corpus / "labels.csv").open(encoding="utf-8") as handle:
        return {row["article"]: row["derivation"] for row in csv.DictReader(handle)}


def balanced_accuracy(labels: Mapping[str, str], flagged: Mapping[str, bool], positive: set[str]) -> float:
    """Mean of recall on ``positive`` labels and on ``non``, flagging = a verdict other than independent."""
    pos = [a for a, label in labels.items() if label in positive]
    neg = [a for a, label in labels.items() if label == "non"]
    return 0.5 * (sum(flagged[a] for a in pos) / len(pos) + sum(not flagged[a] for a in neg) / len(neg))


def score(doc: Mapping[str, Any], labels: Mapping[str, str]) -> dict[str, Any]:
    """The figures of the module doc from an audit.json document."""
    posts = {post["id"]: post for post in doc["posts"]}
    missing = [a for a in labels if a not in posts]
    if missing:
        raise SystemExit(f"{len(missing)} labelled articles are not posts of the audit, e.g. {missing[0]}")

    def own_wire(article: str, source: str) -> bool:
        return source.startswith("PA/") and story_of(source) == story_of(article)

    confusion: Counter[tuple[str, str]] = Counter()
    flagged: dict[str, bool] = {}
    non_with_wire = with_sources = largest_is_wire = 0
    for article, label in labels.items():
        reuse = posts[article].get("reuse") or {}
        verdict = reuse.get("derivation", "independent")
        sources = reuse.get("sources") or []
        confusion[(label, verdict)] += 1
        flagged[article] = verdict != "independent"
        if label == "non" and flagged[article] and any(own_wire(article, s["post"]) for s in sources):
            non_with_wire += 1
        if label != "non" and sources:
            with_sources += 1
            largest = max(sources, key=lambda s: s["share"] + s.get("quoted_share", 0.0))
            largest_is_wire += own_wire(article, largest["post"])
    nons = sum(1 for label in labels.values() if label == "non")
    return {
        "non_with_wire": non_with_wire / nons,
        "non_with_wire_count": (non_with_wire, nons),
        "derived_vs_non": balanced_accuracy(labels, flagged, {"wholly", "partially"}),
        "wholly_vs_non": balanced_accuracy(labels, flagged, {"wholly"}),
        "largest_is_wire": largest_is_wire / with_sources if with_sources else float("nan"),
        "largest_is_wire_count": (largest_is_wire, with_sources),
        "confusion": confusion,
    }


def audit(dump: Path, out: Path, extra: list[str]) -> dict[str, Any]:
    """Run the installed ``provenance audit`` on ``dump`` and read the audit.json it writes."""
    command = ["provenance", "audit", str(dump), "--out", str(out), *extra]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    with (out / "audit.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def print_tables(title: str, command: str, figures: Mapping[str, Any]) -> None:
    non, nons = figures["non_with_wire_count"]
    largest, with_sources = figures["largest_is_wire_count"]
    print(f"### {title}\n\n`{command}`\n")
    print("| figure | value |\n|---|---:|")
    print(
        f"| non-derived given a verdict with their own wire copy among sources | {non}/{nons} = "
        f"{figures['non_with_wire']:.1%} |"
    )
    print(f"| balanced accuracy, derived vs non-derived | {figures['derived_vs_non']:.3f} |")
    print(f"| balanced accuracy, wholly vs non-derived | {figures['wholly_vs_non']:.3f} |")
    print(
        f"| derived articles whose largest source is their own wire copy | {largest}/{with_sources} = "
        f"{figures['largest_is_wire']:.2f} |\n"
    )
    confusion = figures["confusion"]
    print("| label \\ verdict | " + " | ".join(VERDICTS) + " |")
    print("|---|" + "---:|" * len(VERDICTS))
    for label in LABELS:
        print(f"| {label} | " + " | ".join(str(confusion[(label, v)]) for v in VERDICTS) + " |")
    print()


# --------------------------------------------------------------------------
# --features: how far any overlap separates the labels (the ceiling)
# --------------------------------------------------------------------------


def article_words(text: str) -> tuple[list[str], list[bool]]:
    """The normalised words of a text, and whether each lies inside a quotation, paragraph by paragraph."""
    from provenance.quotes import quoted_words
    from provenance.shingle import words

    found: list[str] = []
    quoted: list[bool] = []
    for paragraph in text.split("\n\n"):
        found += words(paragraph)
        quoted += quoted_words(paragraph)
    return found, quoted


def _covered(words_: list[str], grams: set[tuple[str, ...]], k: int) -> list[bool]:
    cover = [False] * len(words_)
    for i in range(len(words_) - k + 1):
        if tuple(words_[i : i + k]) in grams:
            cover[i : i + k] = [True] * k
    return cover


def _grams(words_: list[str], k: int) -> set[tuple[str, ...]]:
    return {tuple(words_[i : i + k]) for i in range(len(words_) - k + 1)}


def article_features(
    records_: list[dict[str, Any]], labels: Mapping[str, str], doc: Mapping[str, Any]
) -> dict[str, dict[str, float]]:
    """Each labelled article's features against its *own* story's wire texts (which the tool must find).

    Overlap in several forms (shared 3- to 8-word shingles, outside
    quotations, in runs, weighted by rarity, seen from the wire's side, in
    order) and two that are not overlap (length against the wire, quotations
    of its own), plus the tool's own verdict share from ``doc``.
    """
    import math

    text_of = {r["id"]: article_words(r["text"]) for r in records_}
    wires: dict[str, list[str]] = {}
    for r in records_:
        if r["id"].startswith("PA/"):
            wires.setdefault(story_of(r["id"]), []).append(r["id"])
    frequency: Counter[tuple[str, ...]] = Counter()
    for found, _ in text_of.values():
        frequency.update(_grams(found, 3))
    posts = {p["id"]: p for p in doc["posts"]}
    features: dict[str, dict[str, float]] = {}
    for article in labels:
        found, quoted = text_of[article]
        n = max(1, len(found))
        prose = [not q for q in quoted]
        wire_texts = [text_of[w] for w in wires.get(story_of(article), [])]
        values: dict[str, float] = {}
        reuse = posts[article].get("reuse") or {}
        values["tool: verdict share (prose + quoted_weight x quotations)"] = reuse.get(
            "share", 0.0
        ) + 0.25 * reuse.get("quoted_share", 0.0)
        for k in (3, 4, 5, 6, 8):
            grams = set().union(*(_grams(w, k) for w, _ in wire_texts)) if wire_texts else set()
            cover = _covered(found, grams, k)
            values[f"words in shared {k}-word shingles"] = sum(cover) / n
            if k == 3:
                values["words in shared 3-word shingles, outside quotations"] = sum(
                    c and p for c, p in zip(cover, prose, strict=True)
                ) / max(1, sum(prose))
                rarity = [0.0] * len(found)
                for i in range(len(found) - 2):
                    gram = tuple(found[i : i + 3])
                    if gram in grams:
                        weight = math.log(len(records_) / frequency[gram]) / math.log(len(records_))
                        rarity[i : i + 3] = [max(r, weight) for r in rarity[i : i + 3]]
                values["words in shared 3-word shingles, weighted by rarity"] = sum(rarity) / n
                runs = 0
                i = 0
                while i < len(found):
                    j = i
                    while j < len(found) and cover[j] and prose[j]:
                        j += 1
                    runs += (j - i) if j - i >= 6 else 0
                    i = max(j, i + 1)
                values["prose words in shared runs of 6 words or more"] = runs / n
        own = _grams(found, 3)
        values["wire words in 3-word shingles the article shares (best wire text)"] = max(
            (sum(_covered(w, own, 3)) / max(1, len(w)) for w, _ in wire_texts), default=0.0
        )
        longest = max((len(w) for w, _ in wire_texts), default=1)
        values["shorter than the wire (minus words / wire words)"] = -len(found) / max(1, longest)
        grams3 = set().union(*(_grams(w, 3) for w, _ in wire_texts)) if wire_texts else set()
        cover3 = _covered(found, grams3, 3)
        values["no quotations of its own (minus unshared quoted words / words)"] = (
            -sum((not c) and q for c, q in zip(cover3, quoted, strict=True)) / n
        )
        features[article] = values
    return features


def _best_cut(values: list[float], positive: list[bool]) -> tuple[float, float]:
    """The cut-off (flag at or above it) with the best balanced accuracy, and that accuracy."""
    pos = sum(positive) or 1
    neg = (len(positive) - sum(positive)) or 1
    best = (-1.0, 0.0)
    for cut in sorted(set(values)):
        tp = sum(v >= cut and p for v, p in zip(values, positive, strict=True))
        tn = sum(v < cut and not p for v, p in zip(values, positive, strict=True))
        score = 0.5 * (tp / pos + tn / neg)
        if score > best[0] + 1e-12:
            best = (score, cut)
    return best[1], best[0]


def _balanced(values: list[float], positive: list[bool], cut: float) -> float:
    pos = sum(positive) or 1
    neg = (len(positive) - sum(positive)) or 1
    tp = sum(v >= cut and p for v, p in zip(values, positive, strict=True))
    tn = sum(v < cut and not p for v, p in zip(values, positive, strict=True))
    return 0.5 * (tp / pos + tn / neg)


def print_features(features: dict[str, dict[str, float]], labels: Mapping[str, str]) -> None:
    """Each feature's balanced accuracy, tuned in hindsight and cross-validated; the best two-feature rule.

    'best' tunes the cut-off on all labelled articles (optimistic: a ceiling,
    not a score); 'cv' tunes it on the stories of odd-numbered days and scores
    the even ones, and the reverse. The two-feature rule ("x >= a and/or y >=
    b") is tuned on all articles too.
    """

    names = list(next(iter(features.values())))
    days = sorted({story_of(a).split("/")[0] for a in labels})
    half = {day: i % 2 for i, day in enumerate(days)}
    print("'best': cut-off tuned on all 175 articles (optimistic); 'cv': tuned on the stories of every other")
    print("day, scored on the rest, and the reverse. Features are against the article's own wire texts.\n")
    print("| feature | derived vs non: best (cut-off) | cv | wholly vs non: best (cut-off) | cv |")
    print("|---|---|---|---|---|")
    tasks = {"derived": {"wholly", "partially"}, "wholly": {"wholly"}}
    for name in names:
        cells = []
        for positive_labels in tasks.values():
            chosen = [a for a, label in labels.items() if label in positive_labels or label == "non"]
            values = [features[a][name] for a in chosen]
            truth = [labels[a] in positive_labels for a in chosen]
            cut, best = _best_cut(values, truth)
            cv_values: list[float] = []
            cv_truth: list[bool] = []
            cv_flags: list[float] = []
            for fold in (0, 1):
                fit = [a for a in chosen if half[story_of(a).split("/")[0]] == fold]
                test = [a for a in chosen if half[story_of(a).split("/")[0]] != fold]
                fold_cut, _ = _best_cut(
                    [features[a][name] for a in fit], [labels[a] in positive_labels for a in fit]
                )
                cv_values += [features[a][name] for a in test]
                cv_truth += [labels[a] in positive_labels for a in test]
                cv_flags += [fold_cut] * len(test)
            pos = sum(cv_truth) or 1
            neg = (len(cv_truth) - sum(cv_truth)) or 1
            tp = sum(v >= c and t for v, c, t in zip(cv_values, cv_flags, cv_truth, strict=True))
            tn = sum(v < c and not t for v, c, t in zip(cv_values, cv_flags, cv_truth, strict=True))
            cells.append(f"{best:.3f} ({cut:.3f}) | {0.5 * (tp / pos + tn / neg):.3f}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    for task, positive_labels in tasks.items():
        chosen = [a for a, label in labels.items() if label in positive_labels or label == "non"]
        flags = np.array([labels[a] in positive_labels for a in chosen], dtype=bool)
        score, x, a_cut, op, y, b_cut = best_two_feature_rule(
            {name: np.array([features[a][name] for a in chosen]) for name in names}, flags
        )
        print(
            f"best two-feature rule, {task} vs non (tuned on all articles): {score:.3f} "
            f"= '{x}' >= {a_cut:.3f} {op} '{y}' >= {b_cut:.3f}"
        )


def best_two_feature_rule(
    columns: Mapping[str, npt.NDArray[np.float64]], truth: npt.NDArray[np.bool_]
) -> tuple[float, str, float, str, str, float]:
    """The best balanced accuracy of any rule "x >= a and/or y >= b", tuned on all articles (optimistic).

    Returns (balanced accuracy, x, a, "and"/"or", y, b).
    """
    import itertools

    positives, negatives = max(1, int(truth.sum())), max(1, int((~truth).sum()))
    best: tuple[float, str, float, str, str, float] = (-1.0, "", 0.0, "", "", 0.0)
    for x, y in itertools.combinations(sorted(columns), 2):
        vx, vy = columns[x], columns[y]
        cuts_y = np.unique(vy)
        above_y = vy[None, :] >= cuts_y[:, None]  # one row per cut-off of y
        for a in np.unique(vx):
            above_x = vx >= a
            for op, flagged in (("and", above_x & above_y), ("or", above_x | above_y)):
                balanced = 0.5 * (
                    (flagged & truth).sum(axis=1) / positives + (~flagged & ~truth).sum(axis=1) / negatives
                )
                b = int(balanced.argmax())
                if balanced[b] > best[0] + 1e-12:
                    best = (float(balanced[b]), x, float(a), op, y, float(cuts_y[b]))
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--keep", type=Path, help="keep the dump and the audit outputs in this folder")
    parser.add_argument(
        "--features", action="store_true", help="also print the ceiling: features against the own wire texts"
    )
    args = parser.parse_args(argv)
    if not (args.corpus / "labels.csv").is_file():
        print(f"skipped: the METER showbiz set is not at {args.corpus}")
        return 0
    if shutil.which("provenance") is None:
        raise SystemExit("the provenance command is not installed (pip install -e .)")
    labels = read_labels(args.corpus)
    with tempfile.TemporaryDirectory(prefix="meter-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        dump = work / "meter-showbiz.jsonl"
        count = write_dump(args.corpus, dump)
        print(f"{count} texts written to the dump ({len(labels)} labelled articles)\n")
        doc = audit(dump, work / "audit", [])
        print_tables("Audited as one dump", "provenance audit meter-showbiz.jsonl", score(doc, labels))
        # The same texts, the wire copy declared as the known sources (as a newsroom auditing its
        # papers against the agency feed it subscribes to would).
        papers, wire = work / "meter-newspapers.jsonl", work / "meter-wire.jsonl"
        write_dump(args.corpus, papers, wire)
        declared = audit(papers, work / "audit-reference", ["--reference", str(wire)])
        print_tables(
            "The wire texts declared as known sources",
            "provenance audit meter-newspapers.jsonl --reference meter-wire.jsonl",
            score(declared, labels),
        )
        if args.features:
            print_features(article_features(list(records(args.corpus)), labels, doc), labels)
    return 0


if __name__ == "__main__":
    sys.exit(main())
