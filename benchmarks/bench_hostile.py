"""`provenance audit` on dumps shaped to make it blow up: time, peak memory and output sizes by size.

Each case is a family of dumps that grow ten times from one size to the next,
audited end to end by the installed command in a fresh process
(:func:`bench_audit.run_audit`: peak PSS of the process tree, stage times
from audit.json). The table says, for each step of ten, how much more time
and memory the whole command took, and checks the targets:

- the report stage (``timings.report``) never takes more than the dedup stage,
  beyond a fixed :data:`REPORT_FIXED_SECONDS` (compiling the templates and
  importing the layout's libraries, which a tiny dump's dedup never reaches);
- ten times the input costs at most about ten times the time and memory
  (the checks allow 15x: one machine's noise, and fixed costs such as
  imports that make small runs relatively slow, not a growth of their own);
- a post of 100,000 identical paragraphs stays under 1 GB.

Cases (``--cases``):

``one-outlet``  N posts with text of their own, every one citing one wire
                service (N = 2k, 30k, 100k): a blog that re-posts one agency
``repeats``     one post with a share line after each of its k paragraphs
                (k = 1k, 10k, 100k)
``near-lines``  k versions of one attribution line differing in one word,
                ten to a post (k = 1k, 10k, 100k)
``credit-lines`` one WordPress post whose one paragraph holds k linked credit
                lines and k attributions to outlets nobody listed, no sentence
                end among them (k = 1k, 10k, 100k)
``long-paragraphs`` two posts of one paragraph each, near copies (one word in 80
                replaced), of k words hard-wrapped at 12 a line with no blank line
                (k = 10k, 40k, 160k: four times from one size to the next)
``crowded-html`` one web page of k/8 paragraphs, each of 8 words in bold between
                8 plain ones (k = 2k, 16k, 128k formatting elements: eight times from
                one size to the next)
``outlet-sentences`` one plain-text post whose one paragraph holds k short sentences,
                ten to a line, each crediting a known outlet ("Source: The Globe and Mail.")
                (k = 2k, 20k, 200k)
``open-links``  one web page of k paragraphs, each with a link whose quote is never
                closed on its line, so the paragraphs nest (k = 2k, 20k, 200k)
``plain-paragraphs`` one web page of k plain paragraphs, each of its own words
                (k = 5k, 50k, 500k): trafilatura's extraction grows with the square
                of a page's elements (80 s at 200,000 before the element limit)
``combining-marks`` two posts sharing a paragraph whose one word carries k combining
                marks ("Zalgo" text; k = 4k, 40k, 400k, the last a line of 0.8 MB):
                Unicode normalisation sorts a run of marks in time growing with its
                square (20 s at 80,000 marks before ``provenance.nfkc``)
``generated``   the generated 100,000-paragraph dump (``generate.py``)

    python benchmarks/bench_hostile.py                      # every case, every size
    python benchmarks/bench_hostile.py --cases repeats --quick   # the two smaller sizes
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from bench_audit import run_audit
from bench_dedup import ensure_dump

OUT = Path(__file__).resolve().parent / "out" / "hostile"

#: Ratios of cost per ten times the input above which a step fails the linear target.
MAX_GROWTH = 15.0
#: What building any report costs whatever its size (templates, imports): seen 1.3 s on the seed.
REPORT_FIXED_SECONDS = 2.0
#: The memory target for one post of 100,000 identical paragraphs.
REPEATS_MAX_BYTES = 1 << 30

_FUNCTION_WORDS = "the of and to in a is that for on was with said"
_SYLLABLES = ("ka", "lo", "mi", "nu", "pe", "ro", "su", "ti", "va", "ze", "bo", "de")


def _words(rng: random.Random, count: int) -> str:
    return " ".join("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(count))


def write_one_outlet(path: Path, posts: int) -> None:
    """JSON Lines: ``posts`` posts of two paragraphs of their own words, all citing Reuters."""
    rng = random.Random(posts)
    with path.open("w", encoding="utf-8") as out:
        for i in range(posts):
            record = {
                "id": f"post-{i}",
                "title": f"Post {i}: {_words(rng, 5)}",
                "date": f"2020-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "outlet": "Reuters",
                "text": f"{_words(rng, 40)}.\n\n{_words(rng, 40)}.",
            }
            out.write(json.dumps(record) + "\n")


def write_repeats(path: Path, paragraphs: int) -> None:
    """One plain-text post: a paragraph of its own, then the same share line, ``paragraphs`` times."""
    rng = random.Random(paragraphs)
    with path.open("w", encoding="utf-8") as out:
        out.write("Share this everywhere\n\n")
        for _ in range(paragraphs):
            out.write(f"{_words(rng, 12)}.\n\nShare this article on Facebook now.\n\n")


def write_near_lines(path: Path, lines: int) -> None:
    """JSON Lines: ``lines`` versions of one attribution line differing in one word, ten to a post."""
    with path.open("w", encoding="utf-8") as out:
        for first in range(0, lines, 10):
            text = "\n\n".join(
                f"The Investigative Project on Terrorism reported on day{i}:"
                for i in range(first, min(first + 10, lines))
            )
            out.write(
                json.dumps({"id": f"p{first}", "title": f"Post {first}", "date": "2020-01-01", "text": text})
            )
            out.write("\n")


def write_credit_lines(path: Path, names: int) -> None:
    """A WordPress export of one post: one paragraph, no sentence end, of ``names`` credit lines and
    attributions to outlets nobody listed ("(via Alpha7 News), the Harbour7 Times said, ..."), and
    as many links to outlets' sites."""
    body = ", ".join(
        f'(via <a href="https://www.bbc.co.uk/{i}">Alpha{i} News</a>), the Harbour{i} Times said'
        for i in range(names)
    )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n<title>Blog</title>\n<item>\n'
        "<title>Credits</title>\n"
        f"<content:encoded><![CDATA[{body}]]></content:encoded>\n"
        "<wp:post_date>2020-01-01 10:00:00</wp:post_date>\n<wp:post_name>credits</wp:post_name>\n"
        "<wp:status>publish</wp:status>\n<wp:post_type>post</wp:post_type>\n</item>\n</channel>\n</rss>\n",
        encoding="utf-8",
    )


def write_outlet_sentences(path: Path, sentences: int) -> None:
    """One plain-text post: one paragraph of ``sentences`` short sentences, ten to a line, each crediting a
    known outlet ("Source: The Globe and Mail."): the mention step once counted the line breaks before
    each sentence from the paragraph's start, time growing with its square (7 s at 32,000)."""
    line = " ".join(["Source: The Globe and Mail."] * 10)
    with path.open("w", encoding="utf-8") as out:
        out.write("Sources\n\nThe storm hit the coast on Tuesday.\n\n")
        out.writelines(line + "\n" for _ in range(sentences // 10))


def write_long_paragraphs(path: Path, words: int) -> None:
    """JSON Lines: two posts, each one paragraph of ``words`` words in lines of 12 (no blank line), the
    second a copy of the first with one word in 80 replaced: what aligning a pair and reading its edits
    meet at the size of a whole post."""
    rng = random.Random(words)
    vocab = [f"w{i}" for i in range(5000)] + _FUNCTION_WORDS.split()
    base = [rng.choice(vocab) for _ in range(words)]
    copy = list(base)
    for _ in range(words // 80):
        copy[rng.randrange(words)] = rng.choice(vocab)
    with path.open("w", encoding="utf-8") as out:
        for i, text in enumerate((base, copy)):
            body = "\n".join(" ".join(text[at : at + 12]) for at in range(0, words, 12))
            record = {"id": f"post-{i}", "title": f"Post {i}", "date": f"2020-01-0{i + 1}", "text": body}
            out.write(json.dumps(record) + "\n")


def write_crowded_html(path: Path, elements: int) -> None:
    """One web page whose paragraphs hold ``elements`` bold words, eight to a paragraph: formatting that
    trafilatura's extraction once read in time growing with its square (two minutes at 128,000)."""
    rng = random.Random(elements)
    vocab = [f"w{i}" for i in range(5000)]
    paragraphs = (
        "<p>" + " ".join(f"{rng.choice(vocab)} <b>{rng.choice(vocab)}</b>" for _ in range(8)) + "</p>\n"
        for _ in range(elements // 8)
    )
    path.write_text(
        "<!doctype html><html><head><title>A long page</title></head><body><article>\n"
        + "".join(paragraphs)
        + "</article></body></html>\n",
        encoding="utf-8",
    )


def write_open_links(path: Path, lines: int) -> None:
    """One web page of ``lines`` paragraphs, each with a link whose quote is never closed on its line: every
    ``<a>`` stays open, so each later ``<p>`` opens inside it and the paragraphs nest (counting what they
    hold once took time growing with the square of the lines: 10 s at 2,000)."""
    path.write_text(
        "<!doctype html><html><head><title>Links left open</title></head><body><article>\n"
        + "".join(f'<p>Paragraph {i} words <a href="x{i} and more words here</p>\n' for i in range(lines))
        + "</article></body></html>\n",
        encoding="utf-8",
    )


def write_plain_paragraphs(path: Path, paragraphs: int) -> None:
    """One web page of ``paragraphs`` plain paragraphs, each of its own words."""
    path.write_text(
        "<!doctype html><html><head><title>Plain paragraphs</title></head><body><article>\n"
        + "".join(
            f"<p>Paragraph {i} of the story goes on in words{i} of its own.</p>\n" for i in range(paragraphs)
        )
        + "</article></body></html>\n",
        encoding="utf-8",
    )


def write_combining_marks(path: Path, marks: int) -> None:
    """JSON Lines: two posts sharing a paragraph whose one word carries ``marks`` combining marks."""
    word = "a" + "\u0301\u0316" * (marks // 2)
    with path.open("w", encoding="utf-8") as out:
        for number in (1, 2):
            text = f"Post {number} opens on its own words.\n\nThe word {word} ends here, Reuters said."
            out.write(
                json.dumps({"id": f"p{number}", "title": f"Post {number}", "text": text}, ensure_ascii=False)
            )
            out.write("\n")


CASES: dict[str, tuple[tuple[int, ...], Callable[[Path, int], None], str]] = {
    "one-outlet": ((2_000, 30_000, 100_000), write_one_outlet, "posts.jsonl"),
    "repeats": ((1_000, 10_000, 100_000), write_repeats, "post.txt"),
    "near-lines": ((1_000, 10_000, 100_000), write_near_lines, "lines.jsonl"),
    "credit-lines": ((1_000, 10_000, 100_000), write_credit_lines, "export.xml"),
    "outlet-sentences": ((2_000, 20_000, 200_000), write_outlet_sentences, "post.txt"),
    "long-paragraphs": ((10_000, 40_000, 160_000), write_long_paragraphs, "posts.jsonl"),
    "crowded-html": ((2_000, 16_000, 128_000), write_crowded_html, "page.html"),
    "open-links": ((2_000, 20_000, 200_000), write_open_links, "page.html"),
    "plain-paragraphs": ((5_000, 50_000, 500_000), write_plain_paragraphs, "page.html"),
    "combining-marks": ((4_000, 40_000, 400_000), write_combining_marks, "posts.jsonl"),
}


def dump_for(case: str, size: int, out: Path) -> Path:
    """The dump of ``case`` at ``size``, written once and reused."""
    if case == "generated":
        return ensure_dump(out, size, 1) / "dump.txt"
    _, write, name = CASES[case]
    folder = out / f"{case}-{size}"
    dump = folder / name
    if not dump.exists():
        folder.mkdir(parents=True, exist_ok=True)
        write(dump, size)
    return dump


def measure(case: str, size: int, out: Path) -> dict[str, object]:
    dump = dump_for(case, size, out)
    result = run_audit(dump, out / f"audit-{case}-{size}")
    result["input_bytes"] = dump.stat().st_size
    return result


def _growth(before: dict[str, object], after: dict[str, object], key: str) -> float:
    return float(after[key]) / max(float(before[key]), 1e-9)  # type: ignore[arg-type]


def table(case: str, sizes: list[int], results: list[dict[str, object]]) -> tuple[str, list[str]]:
    """The markdown table of one case, and the targets it misses."""
    lines = [
        f"### {case}",
        "",
        "| size | input MB | wall s | ingest s | dedup s | graph s | report s | peak PSS MB "
        "| report.html MB | audit.json MB | time x | memory x |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    misses: list[str] = []
    for index, (size, result) in enumerate(zip(sizes, results, strict=True)):
        timings = result["timings"]
        files = result["files"]
        assert isinstance(timings, dict) and isinstance(files, dict)
        time_x = memory_x = ""
        if index:
            previous = results[index - 1]
            step = size / sizes[index - 1]
            grew_time = _growth(previous, result, "wall") * 10 / step
            grew_memory = _growth(previous, result, "peak_pss") * 10 / step
            time_x, memory_x = f"{grew_time:.1f}", f"{grew_memory:.1f}"
            if grew_time > MAX_GROWTH:
                misses.append(f"{case}: time grew x{grew_time:.1f} per ten times the input at {size:,}")
            if grew_memory > MAX_GROWTH:
                misses.append(f"{case}: memory grew x{grew_memory:.1f} per ten times the input at {size:,}")
        report, dedup = float(timings.get("report", 0.0)), float(timings.get("dedup", 0.0))
        if report > dedup + REPORT_FIXED_SECONDS:
            misses.append(f"{case} at {size:,}: report {report:.1f} s > dedup {dedup:.1f} s")
        if case == "repeats" and size >= 100_000 and int(result["peak_pss"]) > REPEATS_MAX_BYTES:  # type: ignore[call-overload]
            misses.append(f"repeats at {size:,}: peak PSS over 1 GB")
        lines.append(
            f"| {size:,} | {int(result['input_bytes']) / 1e6:,.1f} | {float(result['wall']):.1f} "  # type: ignore[call-overload]
            f"| {timings.get('ingest', 0):.1f} | {dedup:.1f} | {timings.get('graph', 0):.1f} | {report:.1f} "
            f"| {int(result['peak_pss']) / 1e6:,.0f} "  # type: ignore[call-overload]
            f"| {files.get('report.html', 0) / 1e6:,.1f} | {files.get('audit.json', 0) / 1e6:,.1f} "
            f"| {time_x} | {memory_x} |"
        )
    return "\n".join(lines), misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="one-outlet,repeats,near-lines,generated")
    parser.add_argument("--quick", action="store_true", help="only the two smaller sizes of each case")
    parser.add_argument("--out", type=Path, default=OUT, help="where dumps and audit outputs go")
    args = parser.parse_args(argv)
    if shutil.which("provenance") is None:
        raise SystemExit("the provenance command is not installed (pip install -e .)")
    misses: list[str] = []
    print(
        "`time x` and `memory x`: the whole command's wall time and peak PSS against the size before, "
        "scaled to a step of ten times the input.\n"
    )
    for case in args.cases.split(","):
        sizes = [100_000] if case == "generated" else list(CASES[case][0])
        if args.quick:
            sizes = [10_000] if case == "generated" else sizes[:2]
        results = [measure(case, size, args.out) for size in sizes]
        text, missed = table(case, sizes, results)
        print(text + "\n", flush=True)
        misses += missed
    print("Targets: " + ("all met" if not misses else "missed:\n- " + "\n- ".join(misses)))
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
