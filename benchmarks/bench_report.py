"""Size and load time of report.html for a large dump (default 100,000 posts).

Builds a synthetic audit.json document in memory (no pipeline run: this
measures the report alone), renders it, and opens the file in Debian's
chromium from file:// to time the load and one filter keystroke. Prints a
table; the targets from issue 6 are a file under 25 MB that opens within a
few seconds.

    python3 benchmarks/bench_report.py                 # 100k posts
    python3 benchmarks/bench_report.py --posts 20000 --no-browser
    python3 benchmarks/bench_report.py --audit-json OUT/audit.json   # a real audit instead
    python3 benchmarks/bench_report.py --html OUT/report.html        # only open a written report

With ``--audit-json`` the document is a real audit (``provenance audit`` of a
dump made by ``generate.py``, say), which a synthetic document can underestimate:
real dumps have longer posts and more pairs per post.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

from provenance.report import build_context, render_context
from provenance.report.chromium import CHROMIUM, launch

OUT = Path(__file__).resolve().parent / "out"

VOCABULARY = (
    "the state group attack forces city officials said report military government security police "
    "fighters year week president minister border war peace talks region country people according "
    "sources intelligence agency election campaign vote leader party press news analysis"
)
WORDS = VOCABULARY.split()


def paragraph(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def synthetic_doc(posts: int, seed: int = 1) -> dict[str, Any]:
    """A document shaped like the audit of a big blog archive.

    Each post has 3 paragraphs of ~35 words and cites one of 2,000 outlets;
    one post in five copies a paragraph of an earlier post (exact), one in
    ten has an edited copy (near), and every fiftieth reprints a whole post.
    """
    rng = random.Random(seed)
    outlets = [f"Outlet {n}" for n in range(2000)]
    doc_posts: list[dict[str, Any]] = []
    pairs: list[dict[str, Any]] = []
    reprints: list[dict[str, Any]] = []
    cited_by: dict[str, list[str]] = {}
    for n in range(posts):
        post_id = f"post-{n:06d}"
        outlet = outlets[int(rng.paretovariate(1.2)) % len(outlets)]
        cited_by.setdefault(outlet, []).append(post_id)
        texts = [paragraph(rng, rng.randint(25, 45)) for _ in range(3)]
        reuse: dict[str, Any] = {"share": 0.0, "derivation": "independent", "sources": []}
        if n > 10 and n % 5 == 0:
            source = doc_posts[rng.randrange(n)]
            texts[1] = source["paragraphs"][0]["text"]
            pairs.append(
                {
                    "a": {"post": source["id"], "paragraph": 0},
                    "b": {"post": post_id, "paragraph": 1},
                    "kind": "exact",
                    "jaccard": 1.0,
                    "containment": 1.0,
                    "inside_post": False,
                    "cluster": len(pairs),
                    "alignment": [["equal", 0, len(texts[1]), 0, len(texts[1])]],
                }
            )
            reuse = {
                "share": 0.33,
                "derivation": "partially",
                "sources": [{"post": source["id"], "share": 0.33}],
            }
        if n > 10 and n % 10 == 3:
            source = doc_posts[rng.randrange(n)]
            base = source["paragraphs"][2]["text"]
            texts[2] = "Edited: " + base
            pairs.append(
                {
                    "a": {"post": source["id"], "paragraph": 2},
                    "b": {"post": post_id, "paragraph": 2},
                    "kind": "near",
                    "jaccard": 0.9,
                    "containment": 0.95,
                    "inside_post": False,
                    "cluster": len(pairs),
                    "alignment": [["insert", 0, 0, 0, 7], ["equal", 0, len(base), 8, 8 + len(base)]],
                }
            )
        if n > 10 and n % 50 == 7:
            source = doc_posts[rng.randrange(n)]
            texts = [p["text"] for p in source["paragraphs"]]
            reprints.append(
                {
                    "source": source["id"],
                    "copy": post_id,
                    "shared_paragraphs": 3,
                    "share_of_source": 1.0,
                    "decided_by": "post_date",
                }
            )
            reuse = {"share": 1.0, "derivation": "wholly", "sources": [{"post": source["id"], "share": 1.0}]}
        doc_posts.append(
            {
                "id": post_id,
                "title": f"Post {n}: " + paragraph(rng, 6)[:-1],
                "date": f"{2000 + n * 20 // posts:04d}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                "source": {
                    "path": f"dump/{n // 1000:03d}.txt",
                    "line_start": 1 + 20 * (n % 1000),
                    "line_end": 19 + 20 * (n % 1000),
                },
                "citation": {
                    "title": None,
                    "outlet": outlet,
                    "author": None,
                    "authors": [],
                    "date": None,
                    "line": 0,
                },
                "paragraphs": [
                    {"index": i, "line": 3 + 2 * i, "line_end": 3 + 2 * i, "text": t}
                    for i, t in enumerate(texts)
                ],
                "notes": [],
                "url": None,
                "categories": [],
                "tags": [],
                "format": "archive",
                "reuse": reuse,
            }
        )
    clusters = [
        {
            "id": p["cluster"],
            "members": [p["a"], p["b"]],
            "earliest": p["a"],
            "kinds": [p["kind"]],
            "posts": sorted({p["a"]["post"], p["b"]["post"]}),
        }
        for p in pairs
    ]
    return {
        "tool": {"name": "provenance", "version": "bench", "datasketch": "2.0.0", "minhash_scheme": "-"},
        "generated_at": "2025-01-01T00:00:00Z",
        "params": {"threshold": 0.5, "containment": 0.8, "shingle_size": 5, "num_perm": 128, "seed": 1},
        "inputs": {"files": [{"path": "dump/", "format": "archive"}], "encodings": {}},
        "summary": {
            "posts": posts,
            "pairs": len(pairs),
            "clusters": len(clusters),
            "reprints": len(reprints),
            "outlets": len(cited_by),
            "copied_share_inside": 0.0,
            "copied_share_across": 0.2,
        },
        "posts": doc_posts,
        "pairs": pairs,
        "clusters": clusters,
        "reprints": reprints,
        "outlets": [
            {"name": name, "aliases": [], "kind": "news outlet", "cited_by": ids, "mentioned_by": []}
            for name, ids in sorted(cited_by.items())
        ],
        "mentions": [],
        "unparsed": [],
        "classified": [],
        "skipped": [],
        "warnings": [],
    }


def browser_times(path: Path) -> tuple[float, float, int]:
    """Seconds to the load event from file://, milliseconds for one search keystroke, requests made."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        start = time.perf_counter()
        page.goto(path.as_uri(), wait_until="load", timeout=120_000)
        load = time.perf_counter() - start
        filter_ms = page.evaluate(
            """() => { const q = document.querySelector("input[name='q']");
                 const t0 = performance.now(); q.value = 'edited';
                 q.dispatchEvent(new Event('input', {bubbles: true}));
                 return performance.now() - t0; }"""
        )
        browser.close()
    return load, float(filter_ms), len(requests)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--no-browser", action="store_true", help="skip the chromium load measurement")
    parser.add_argument(
        "--audit-json", type=Path, help="render the report of this audit.json instead of a synthetic one"
    )
    parser.add_argument("--html", type=Path, help="only time opening this report.html in chromium")
    args = parser.parse_args()

    if args.html:
        load, filter_ms, requests = browser_times(args.html)
        print(
            f"{args.html}: {args.html.stat().st_size / 1e6:.2f} MB, chromium load from file:// {load:.2f} s, "
        )
        print(f"one search keystroke {filter_ms:.0f} ms, {requests} request(s)")
        return 0

    start = time.perf_counter()
    if args.audit_json:
        from provenance.export import load_audit_json

        doc = load_audit_json(args.audit_json)
        args.posts = len(doc["posts"])
    else:
        doc = synthetic_doc(args.posts)
    built = time.perf_counter() - start

    start = time.perf_counter()
    context = build_context(doc)
    context_s = time.perf_counter() - start
    start = time.perf_counter()
    html = render_context(context)
    render_s = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3  # kilobytes on Linux

    OUT.mkdir(exist_ok=True)
    path = OUT / (
        f"report-{args.audit_json.parent.name}.html" if args.audit_json else f"report-{args.posts}.html"
    )
    path.write_text(html, encoding="utf-8")
    size_mb = path.stat().st_size / 1e6

    rows = [
        ("posts", f"{args.posts:,}"),
        ("pairs in document", f"{len(doc['pairs']):,}"),
        ("post cards inlined", f"{len(context.cards):,}"),
        ("pairs inlined", f"{context.duplicates.pairs_shown:,}"),
        (
            "clusters inlined",
            f"{len(context.duplicates.clusters):,} of {context.duplicates.clusters_total:,}",
        ),
        ("graph nodes drawn", f"{len(context.graph.nodes):,} of {context.graph.nodes_total:,}"),
        ("audit.json read (s)" if args.audit_json else "synthetic doc built (s)", f"{built:.2f}"),
        ("context built (s)", f"{context_s:.2f}"),
        ("templates rendered (s)", f"{render_s:.2f}"),
        ("peak resident memory, document included (MB)", f"{peak_mb:.0f}"),
        ("report.html size (MB)", f"{size_mb:.2f}  (target < 25)"),
    ]
    if not args.no_browser:
        if CHROMIUM.exists():
            load, filter_ms, requests = browser_times(path)
            rows += [
                ("chromium load from file:// (s)", f"{load:.2f}  (target: a few seconds)"),
                ("one search keystroke over inlined pairs (ms)", f"{filter_ms:.0f}"),
                ("requests made (the document itself = 1)", str(requests)),
            ]
        else:
            rows.append(("chromium load", f"skipped: {CHROMIUM} not found"))
    width = max(len(label) for label, _ in rows)
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 30}")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print(f"\nreport written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
