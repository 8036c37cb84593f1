"""The report stays bounded whatever the shape of the audit: drawing caps, lists cut with a count."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from provenance.report.context import ReportLimits, build_context
from provenance.report.render import render_context


def _one_outlet_dump(posts: int) -> dict[str, Any]:
    """An audit.json document of ``posts`` posts with their own text, all citing one wire service."""
    return {
        "params": {},
        "pairs": [],
        "posts": [
            {
                "id": f"p{i}",
                "title": f"Post {i}",
                "date": "2020-01-01",
                "citation": {"outlet": "Reuters", "title": None, "date": None, "author": None},
                "paragraphs": [{"index": 0, "line": 1, "text": f"Text {i} of its own."}],
                "reuse": {"share": 0.0, "derivation": "independent", "sources": []},
            }
            for i in range(posts)
        ],
        "outlets": [{"name": "Reuters", "aliases": [], "cited_by": [f"p{i}" for i in range(posts)]}],
    }


def test_a_star_around_one_outlet_is_drawn_within_the_node_cap() -> None:
    """3,000 posts citing one outlet: at most the cap of nodes is drawn, and the note counts what is drawn."""
    limits = ReportLimits(max_graph_nodes=50)
    drawing = build_context(_one_outlet_dump(3000), limits).graph
    assert 0 < len(drawing.nodes) <= 50
    assert any(node.kind == "outlet" for node in drawing.nodes)
    assert drawing.note is not None and f"{len(drawing.nodes):,} of 3,001 nodes" in drawing.note


def test_a_paragraph_lists_a_bounded_number_of_counterparts_and_counts_the_rest() -> None:
    """A line with 20 near versions lists the cap of them under it, and says how many more there are."""
    paragraphs = [{"index": i, "line": i + 1, "text": f"The agency reported on day{i}:"} for i in range(21)]
    doc = {
        "params": {},
        "posts": [{"id": "p", "title": "P", "paragraphs": paragraphs}],
        "pairs": [
            {
                "a": {"post": "p", "paragraph": 0},
                "b": {"post": "p", "paragraph": i},
                "kind": "near",
                "jaccard": 0.6,
                "containment": 0.75,
                "cluster": 0,
                "alignment": [],
            }
            for i in range(1, 21)
        ],
    }
    (card,) = build_context(doc, ReportLimits(max_counterparts=8)).cards
    first = card.paragraphs[0]
    assert len(first.counterparts) == 8 and first.more_counterparts == 12
    assert [c.target.index for c in first.counterparts] == list(range(1, 9))
    assert card.paragraphs[1].more_counterparts == 0 and len(card.paragraphs[1].counterparts) == 1
    assert "and 12 more" in render_context(build_context(doc, ReportLimits(max_counterparts=8)))


def test_the_pair_records_are_let_go_before_the_cards_and_the_graph(monkeypatch: Any) -> None:
    """Building the cards and laying out the graph beside a record per pair were the report build's peaks
    at 2.4M paragraphs."""
    import gc

    import provenance.report.context as context
    from provenance.report.context.common import _PairRecord

    doc = _one_outlet_dump(40)
    doc["pairs"] = [
        {
            "a": {"post": f"p{i}", "paragraph": 0},
            "b": {"post": f"p{i + 1}", "paragraph": 0},
            "kind": "near",
            "jaccard": 0.6,
            "containment": 0.7,
            "cluster": i,
            "alignment": [],
        }
        for i in range(0, 40, 2)
    ]
    alive: list[tuple[str, int]] = []

    def counting(name: str) -> Any:
        step = getattr(context, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            gc.collect()
            alive.append((name, sum(isinstance(o, _PairRecord) for o in gc.get_objects())))
            return step(*args, **kwargs)

        return counted

    for name in ("_counterparts", "_cards", "draw_graph"):
        monkeypatch.setattr(context, name, counting(name))
    built = build_context(doc)
    assert alive == [("_counterparts", 20), ("_cards", 0), ("draw_graph", 0)]
    assert built.figures and built.duplicates.clusters_total == 20


def test_rendering_leaves_no_cyclic_garbage_behind() -> None:
    """The writing stage runs with the collector paused: what the report was built from must not wait in
    the template's reference cycles for a collection that does not come."""
    import gc
    import io

    from provenance.report.render import render_to

    doc = _one_outlet_dump(40)
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        page = io.StringIO()
        render_to(doc, page)
        left = gc.collect()
    finally:
        if was_enabled:
            gc.enable()
    assert "</html>" in page.getvalue()
    assert left == 0


def test_a_fresh_audits_report_makes_whole_only_the_pairs_it_shows(monkeypatch: Any, tmp_path: Any) -> None:
    """Each pair's alignment and edits are made for the rows shown, not for every pair the report reads."""
    import sys
    from pathlib import Path

    import provenance
    from provenance import export
    from provenance.config import AuditConfig
    from provenance.report.context import ReportLimits, build_context

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import generate

    generate.write_dump(tmp_path, 600, seed=3)
    audit = provenance.audit(tmp_path / "dump.txt", AuditConfig(jobs=1))
    pairs = len(audit.pairs)
    made: list[int] = []
    whole = export._pair_dict

    def counted(*args: Any) -> Any:
        made.append(1)
        return whole(*args)

    monkeypatch.setattr(export, "_pair_dict", counted)
    limits = ReportLimits(max_pairs=5, max_cards=3)
    fresh = build_context(export.audit_to_dict(audit), limits)
    assert pairs > 50 and 0 < len(made) < pairs // 2
    # The same report as from the document's lists read back.
    read_back = build_context(export.materialized(export.audit_to_dict(audit)), limits)
    assert fresh.duplicates == read_back.duplicates and fresh.figures == read_back.figures
    # Everything else too: the copies' credits and sources' directions, which a fresh audit's post
    # summaries leave out (the copies table reads the post again), the graph and the findings.
    assert len(fresh.copies) > 3 and any(row.credit_status != "unassessed" for row in fresh.copies)
    assert fresh == read_back


def test_a_post_summary_reads_as_the_mapping_it_was_made_from() -> None:
    """Summaries are tuples behind a read-only mapping (half the memory of dicts): they read the same."""
    from provenance.report.context.common import _Frozen, _summary

    post = {
        "id": "copy",
        "title": "A copy",
        "date": None,
        "paragraphs": [{"index": 0, "text": "words"}],
        "citation": {"outlet": "Reuters", "title": "Original", "author": "A. Writer"},
        "reuse": {
            "share": 0.8,
            "quoted_share": 0.1,
            "derivation": "wholly",
            "sources": [{"post": "first", "share": 0.8, "quoted_share": 0.1, "decided_by": "post_date"}],
            "credit": {"credited_share": 0.0, "uncredited_share": 0.8, "by": []},
        },
    }
    summary = _summary(post)
    assert isinstance(summary, Mapping) and list(summary) == ["id", "title", "date", "citation", "reuse"]
    assert summary["id"] == "copy" and summary.get("date") is None
    assert summary.get("time", "absent") == "absent"
    assert "paragraphs" not in summary and "date" in summary and len(summary) == 5
    with pytest.raises(KeyError):
        summary["paragraphs"]
    assert dict(summary["citation"]) == {"outlet": "Reuters"}
    reuse = summary["reuse"]
    assert dict(reuse) == {"share": 0.8, "derivation": "wholly", "sources": reuse["sources"]}
    assert [dict(source) for source in reuse["sources"]] == [
        {"post": "first", "share": 0.8, "decided_by": "post_date"}
    ]
    alone = {"share": 0.0, "derivation": "independent", "sources": []}
    independent = _summary({"id": "other", "reuse": alone})
    assert dict(independent["reuse"]) == {"share": 0.0, "derivation": "independent"}
    # One keys tuple for every summary with the same fields.
    assert _Frozen({"a": 1, "b": 2})._keys is _Frozen({"a": 3, "b": 4})._keys
