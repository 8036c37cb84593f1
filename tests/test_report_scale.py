"""The report stays bounded whatever the shape of the audit: drawing caps, lists cut with a count."""

from __future__ import annotations

from typing import Any

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


def test_the_pair_records_are_let_go_before_the_graph_is_drawn(monkeypatch: Any) -> None:
    """Laying out the graph beside a record per pair was the report build's peak at 2.4M paragraphs."""
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
    alive: list[int] = []
    draw = context.draw_graph

    def counting(*args: Any, **kwargs: Any) -> Any:
        gc.collect()
        alive.append(sum(isinstance(o, _PairRecord) for o in gc.get_objects()))
        return draw(*args, **kwargs)

    monkeypatch.setattr(context, "draw_graph", counting)
    built = build_context(doc)
    assert alive == [0]
    assert built.figures and built.duplicates.clusters_total == 20


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
