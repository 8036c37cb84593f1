"""The report's graph drawing keeps to its node cap, whatever the shape of the graph."""

from __future__ import annotations

from typing import Any

from provenance.report.context import ReportLimits, build_context


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
