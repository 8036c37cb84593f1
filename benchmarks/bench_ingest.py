"""Ingest streams: peak memory follows the largest post, not the size of the dump.

Generates a dump of each streaming format (plain-text archive, JSON Lines,
WordPress WXR) of the requested size in a temporary folder, then reads each
one in a fresh Python process with :func:`provenance.ingest.iter_posts`
(posts counted, not kept) and prints a table of peak resident memory
(``ru_maxrss``) beside the input size. A process that only imports the
package gives the baseline.

Run::

    python benchmarks/bench_ingest.py                 # 1 GB per format (needs ~3 GB of temp disk)
    python benchmarks/bench_ingest.py --size 100M     # quicker
    python benchmarks/bench_ingest.py --formats wxr --size 500M

The generated files are deleted afterwards unless ``--keep`` is given.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
_WORDS = [
    "the",
    "islamic",
    "state",
    "claimed",
    "operations",
    "in",
    "iraq",
    "and",
    "syria",
    "while",
    "officials",
    "said",
    "that",
    "foreign",
    "fighters",
    "returned",
    "to",
    "europe",
    "according",
    "to",
    "reports",
    "published",
    "by",
    "several",
    "outlets",
    "during",
    "the",
    "summer",
]

_READER = r"""
import json, resource, sys, time
from provenance.config import AuditConfig
from provenance.ingest import iter_posts
from provenance.models import Corpus
started = time.perf_counter()
posts = paragraphs = largest = 0
corpus = Corpus()
if sys.argv[1] != "baseline":
    for post in iter_posts([sys.argv[1]], AuditConfig(), corpus):
        posts += 1
        paragraphs += len(post.paragraphs)
        largest = max(largest, sum(len(p.text) for p in post.paragraphs))
print(json.dumps({
    "posts": posts, "paragraphs": paragraphs, "largest_post_chars": largest,
    "warnings": len(corpus.warnings), "unparsed": len(corpus.unparsed),
    "seconds": time.perf_counter() - started,
    "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
}))
"""


def parse_size(text: str) -> int:
    text = text.strip().upper().removesuffix("B")
    unit = text[-1] if text and text[-1] in _UNITS else ""
    return int(float(text[: len(text) - len(unit)]) * _UNITS[unit])


def _paragraph(n: int, words: int = 60) -> str:
    return " ".join(_WORDS[(n * 7 + i * 3) % len(_WORDS)] for i in range(words)) + f" ({n})."


def _posts(size: int) -> object:
    """(index, title, paragraphs) until about ``size`` bytes of text were produced."""
    written = n = 0
    while written < size:
        paragraphs = [_paragraph(n * 10 + k) for k in range(8)]
        written += sum(len(p) + 2 for p in paragraphs) + 80
        yield n, f"Generated post number {n}", paragraphs
        n += 1


def write_archive(path: Path, size: int) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write("Posted tagged ‘Generated’\n\n")
        for n, title, paragraphs in _posts(size):
            day = n % 28 + 1
            out.write(
                f"{title}\n\nJuly {day}, 2017\n\n{title}, Long War Journal, Bill Roggio, July {day}, 2017\n\n"
            )
            for paragraph in paragraphs:
                out.write(paragraph + "\n\n")
            out.write("***********************************\n\n")


def write_jsonl(path: Path, size: int) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for n, title, paragraphs in _posts(size):
            record = {"id": f"p{n}", "title": title, "date": "2017-07-14", "text": "\n\n".join(paragraphs)}
            out.write(json.dumps(record) + "\n")


def write_wxr(path: Path, size: int) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n<title>Generated</title>\n'
        )
        for n, title, paragraphs in _posts(size):
            body = "\n\n".join(paragraphs[:4]) + "".join(f"<p>{p}</p>\n" for p in paragraphs[4:])
            out.write(
                f"<item>\n<title>{title}</title>\n<content:encoded><![CDATA[{body}]]></content:encoded>\n"
                f"<wp:post_date>2017-07-14 10:00:00</wp:post_date>\n<wp:post_name>p{n}</wp:post_name>\n"
                "<wp:status>publish</wp:status>\n<wp:post_type>post</wp:post_type>\n</item>\n"
            )
        out.write("</channel>\n</rss>\n")


WRITERS = {"archive": (write_archive, ".txt"), "jsonl": (write_jsonl, ".jsonl"), "wxr": (write_wxr, ".xml")}


def measure(target: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", _READER, target], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="1G", help="input size per format, e.g. 1G, 200M (default 1G)")
    parser.add_argument("--formats", default="archive,jsonl,wxr", help="comma-separated formats")
    parser.add_argument("--keep", action="store_true", help="keep the generated inputs and print where")
    args = parser.parse_args()
    size = parse_size(args.size)
    formats = [f for f in args.formats.split(",") if f]
    folder = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    baseline = measure("baseline")
    rows = []
    try:
        for fmt in formats:
            writer, suffix = WRITERS[fmt]
            path = folder / f"dump{suffix}"
            started = time.perf_counter()
            writer(path, size)
            generated = time.perf_counter() - started
            stats = measure(str(path))
            rows.append((fmt, path.stat().st_size, generated, stats))
            if not args.keep:
                path.unlink()
    finally:
        if not args.keep:
            folder.rmdir()
    print(f"baseline (import only): peak RSS {baseline['peak_rss_kb'] / 1024:.0f} MB")
    header = ("format", "input MB", "posts", "paragraphs", "largest post KB", "read s", "MB/s", "peak RSS MB")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for fmt, nbytes, _generated, stats in rows:
        mb = nbytes / (1 << 20)
        print(
            f"| {fmt} | {mb:,.0f} | {stats['posts']:,} | {stats['paragraphs']:,} | "
            f"{stats['largest_post_chars'] / 1024:.1f} | {stats['seconds']:.1f} | "
            f"{mb / stats['seconds']:.1f} | "
            f"{stats['peak_rss_kb'] / 1024:.0f} |"
        )
    if args.keep:
        print(f"inputs kept in {folder}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
