"""The two drawings computed in Python: layered graph layout, node choice under the cap, labels, share chart.

Label boxes here are the layout's own estimates; tests/test_drawing_browser.py
checks the same property against the boxes the browser actually draws.
"""

from __future__ import annotations

import json
import random
import re
import time
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.report import ReportLimits, build_context, render
from provenance.report.drawing import (
    FONT_PX,
    LABEL_PX,
    MIN_BAR,
    GraphDrawing,
    GraphNode,
    _drawn_edges,
    draw_graph,
    draw_share_chart,
    fit,
    text_width,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
US = "us-on-alert-for-terror-strikes-around-elections"
ISIS = "isis-chief-looses-suicide-bombers-at-w-cities"


def load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"audit-{name}.json").read_text(encoding="utf-8"))


def post(
    post_id: str,
    *,
    outlet: str | None = None,
    derivation: str = "independent",
    sources: tuple[str, ...] = (),
    title: str | None = None,
) -> dict[str, Any]:
    return {
        "id": post_id,
        "title": title if title is not None else f"Post {post_id}",
        "citation": {"outlet": outlet} if outlet else None,
        "paragraphs": [],
        "reuse": {
            "share": 0.4 if sources else 0.0,
            "derivation": derivation,
            "sources": [{"post": s, "share": 0.4 / len(sources)} for s in sources],
        },
    }


def doc_of(
    posts: list[dict[str, Any]], reprints: tuple[tuple[str, str], ...] = (), **extra: Any
) -> dict[str, Any]:
    outlets: dict[str, list[str]] = {}
    for p in posts:
        if p["citation"]:
            outlets.setdefault(p["citation"]["outlet"], []).append(p["id"])
    return {
        "posts": posts,
        "pairs": [],
        "reprints": [
            {"source": s, "copy": c, "shared_paragraphs": 1, "share_of_source": 1.0} for s, c in reprints
        ],
        "outlets": extra.pop("outlets", None)
        or [
            {"name": name, "aliases": [], "cited_by": ids, "mentioned_by": []}
            for name, ids in outlets.items()
        ],
        **extra,
    }


def graph_of(doc: dict[str, Any], max_nodes: int = 160) -> GraphDrawing:
    return build_context(doc, ReportLimits(max_graph_nodes=max_nodes)).graph


def label_box(node: GraphNode) -> tuple[float, float, float, float]:
    """The estimated box of a node's label: (left, top, right, bottom)."""
    return (
        node.label_x,
        node.y + 4 - FONT_PX,
        node.label_x + text_width(node.label),
        node.y + 4 + FONT_PX * 0.3,
    )


def overlapping(drawing: GraphDrawing) -> list[tuple[str, str]]:
    boxes = [(n.key, label_box(n)) for n in drawing.nodes]
    return [
        (a, b)
        for (a, (l1, t1, r1, b1)), (b, (l2, t2, r2, b2)) in combinations(boxes, 2)
        if l1 < r2 and l2 < r1 and t1 < b2 and t2 < b1
    ]


def assert_inside(drawing: GraphDrawing) -> None:
    """Every node, label and edge point lies inside the SVG's box (an edge that loops back included)."""
    for node in drawing.nodes:
        assert node.x - node.r >= 0 and node.label_x + node.label_width <= drawing.width
        assert node.y - node.r >= 0 and node.y + node.r <= drawing.height
    for edge in drawing.edges:
        numbers = [float(n) for n in re.findall(r"-?[0-9.]+", edge.path)]
        xs, ys = numbers[0::2], numbers[1::2]
        assert min(xs) >= 0 and max(xs) <= drawing.width, edge
        assert min(ys) >= 0 and max(ys) <= drawing.height, edge


def column_of(drawing: GraphDrawing) -> dict[str, float]:
    return {n.key: n.x for n in drawing.nodes}


# --------------------------------------------------------------------------
# layout
# --------------------------------------------------------------------------


def test_sources_are_left_of_their_copies_and_outlets_come_last() -> None:
    """A chain a -> b -> c (a reprint, then a partial copy) reads left to right; their outlet is last."""
    doc = doc_of(
        [
            post("a", outlet="Wire"),
            post("b", outlet="Wire", derivation="wholly", sources=("a",)),
            post("c", outlet="Wire", derivation="partially", sources=("b",)),
        ],
        reprints=(("a", "b"),),
    )
    graph = graph_of(doc)
    x = column_of(graph)
    assert x["p:a"] < x["p:b"] < x["p:c"] < x["o:Wire"]
    assert {(e.kind, e.title.split("”")[0]) for e in graph.edges if e.kind != "cites"} == {
        ("reprints", "“Post a"),
        ("borrows", "“Post b"),
    }
    assert not overlapping(graph)


def test_partially_derived_posts_and_their_sources_are_drawn_in_their_colour() -> None:
    """A blog without citations: its two partial copies and their three sources are the whole drawing."""
    doc = doc_of(
        [
            post("s1"),
            post("s2"),
            post("s3"),
            post("c1", derivation="partially", sources=("s1",)),
            post("c2", derivation="partially", sources=("s2", "s3")),
            post("alone"),
        ]
    )
    graph = graph_of(doc)
    css = {n.key: n.css for n in graph.nodes}
    assert css == {
        "p:s1": "post independent",
        "p:s2": "post independent",
        "p:s3": "post independent",
        "p:c1": "post partially",
        "p:c2": "post partially",
    }
    assert sorted((e.kind, e.title) for e in graph.edges) == [
        ("borrows", "“Post s1” is partly copied into (40% of the copy’s words) “Post c1”"),
        ("borrows", "“Post s2” is partly copied into (20% of the copy’s words) “Post c2”"),
        ("borrows", "“Post s3” is partly copied into (20% of the copy’s words) “Post c2”"),
    ]
    assert graph.derived_total == graph.derived_drawn == 2
    assert graph.note is None


def test_the_largest_copy_chain_is_drawn_first() -> None:
    """Parts are shelved copy chains first: the three-post chain sits above and left of a lone citation."""
    doc = doc_of(
        [
            post("lone", outlet="Daily"),
            post("a"),
            post("b", derivation="wholly", sources=("a",)),
            post("c", derivation="wholly", sources=("a",)),
        ]
    )
    graph = graph_of(doc)
    nodes = {n.key: n for n in graph.nodes}
    assert nodes["p:a"].y <= nodes["p:lone"].y
    assert nodes["p:a"].x < nodes["p:lone"].x or nodes["p:a"].y < nodes["p:lone"].y


def test_edges_are_only_drawn_between_drawn_nodes() -> None:
    """Every edge starts and ends at a drawn node, and the tooltips name those two nodes."""
    graph = graph_of(load("seed-shaped"), max_nodes=6)
    for view in (graph, graph.mentions):
        assert view is not None
        names = {n.title for n in view.nodes}
        for edge in view.edges:
            assert any(
                edge.title.startswith(f"“{name[:20]}") or edge.title.startswith(name) for name in names
            )
        assert len(view.nodes) <= 6


def test_mentions_are_a_second_view_and_off_by_default() -> None:
    """The default view has no "names in text" edge; the second one has them; the page has the toggle."""
    doc = load("seed-shaped")
    graph = graph_of(doc)
    assert graph.mentions is not None
    assert "mentions" not in {e.kind for e in graph.edges}
    assert "mentions" in {e.kind for e in graph.mentions.edges}
    html = render(doc)
    assert '<input type="checkbox" id="graph-show-mentions" class="graph-toggle">' in html
    assert ".graph-toggle:not(:checked) ~ .graph-box.graph-mentions { display: none; }" in html
    # Two SVGs, each with its own ids.
    assert (
        html.count('id="arrow-graph-plain-reprints"') == html.count('id="arrow-graph-mentions-reprints"') == 1
    )


def test_no_toggle_without_mentions() -> None:
    doc = doc_of([post("a", outlet="Wire"), post("b", derivation="wholly", sources=("a",))])
    assert graph_of(doc).mentions is None
    assert "graph-toggle" not in render(doc).split("<style>")[0] + render(doc).split("</style>")[1]


def test_seed_labels_do_not_overlap_and_long_titles_keep_their_tooltip() -> None:
    graph = graph_of(load("seed-shaped"))
    assert graph.mentions is not None
    for view in (graph, graph.mentions):
        assert not overlapping(view)
        for node in view.nodes:
            assert text_width(node.label) <= LABEL_PX
            if node.label != node.title:
                assert node.label.endswith("…") and node.title.startswith(node.label[:-1])
    us = next(n for n in graph.nodes if n.key == f"p:{US}")
    assert us.title == "US on alert for terror strikes around elections" and us.label.endswith("…")


def test_same_document_in_another_order_gives_the_same_drawing() -> None:
    doc = load("seed-shaped")
    shuffled = dict(doc)
    rng = random.Random(3)
    for field in ("posts", "outlets", "reprints"):
        items = list(doc[field])
        rng.shuffle(items)
        shuffled[field] = items
    assert graph_of(shuffled) == graph_of(doc)


@st.composite
def random_docs(draw: st.DrawFn) -> dict[str, Any]:
    """Posts citing a few outlets, some copying earlier posts (wholly or partly), some reprint cycles."""
    count = draw(st.integers(1, 40))
    titles = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)
    posts = []
    for n in range(count):
        sources = tuple(sorted(set(draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=3))))) if n else ()
        derivation = draw(st.sampled_from(["wholly", "partially"])) if sources else "independent"
        outlet = draw(
            st.sampled_from([None, "Wire", "Daily", "A very long outlet name of the kind RSS feeds carry"])
        )
        posts.append(
            post(
                f"p{n}",
                outlet=outlet,
                derivation=derivation,
                sources=tuple(f"p{s}" for s in sources),
                title=draw(titles),
            )
        )
    reprints = tuple(
        (f"p{a}", f"p{b}")
        for a, b in draw(
            st.lists(st.tuples(st.integers(0, count - 1), st.integers(0, count - 1)), max_size=4)
        )
    )
    return doc_of(posts, reprints)


@settings(max_examples=60, deadline=None)
@given(random_docs(), st.integers(2, 60))
def test_no_labels_overlap_and_the_cap_holds_on_any_graph(doc: dict[str, Any], cap: int) -> None:
    """Whatever the titles, chains, cycles and cap: no two label boxes meet, and at most ``cap`` nodes."""
    graph = graph_of(doc, cap)
    assert len(graph.nodes) <= cap
    assert not overlapping(graph)
    assert_inside(graph)
    keys = {n.key for n in graph.nodes}
    derived = {f"p:{p['id']}" for p in doc["posts"] if p["reuse"]["derivation"] != "independent"}
    if graph.nodes_total <= cap:
        assert derived <= keys  # with room for everything, every copy is drawn
        for p in doc["posts"]:
            for source in p["reuse"]["sources"]:
                assert f"p:{source['post']}" in keys


def test_a_hubs_neighbours_are_never_walked_when_drawing_edges() -> None:
    """_drawn_edges reads the neighbour list of no node that has more neighbours than nodes are drawn."""
    hub = "o:Wire"
    posts = [f"p:{n}" for n in range(5000)]
    edges = {(p, hub): "cites" for p in posts}
    adjacency = {hub: posts, **{p: [hub] for p in posts}}
    read: list[str] = []

    def adjacency_of(node: str) -> list[str]:
        read.append(node)
        return adjacency[node]

    chosen = [hub, *posts[:40]]
    found = _drawn_edges(chosen, edges, adjacency_of)  # type: ignore[arg-type]
    assert found == sorted((p, hub) for p in posts[:40])
    # The hub's list is asked for (to learn its length) but its 5,000 entries are not walked.
    assert read.count(hub) == 1


def test_a_wire_service_cited_by_100k_posts_is_drawn_quickly_within_the_cap() -> None:
    """Choosing and laying out the drawing costs the cap, not the degree of the hub."""
    doc = doc_of(
        [post(f"p{n}", outlet="Reuters") for n in range(100_000)]
        + [post("copy", outlet="Reuters", derivation="wholly", sources=("p7",))]
    )
    started = time.perf_counter()
    graph = draw_graph(doc, lambda p: f"Post {p}", {}, lambda p: None, 160)
    elapsed = time.perf_counter() - started
    assert len(graph.nodes) <= 160
    assert {"p:p7", "p:copy", "o:Reuters"} <= {n.key for n in graph.nodes}
    # The copy chain and its outlet; the other 99,999 citations of the wire service are left to the export.
    assert graph.note is not None and "Only 3 of 100,002 nodes" in graph.note
    # About 1 s on an idle core, 8 s with the machine's two cores shared four ways: the bound only
    # catches work that grows with the square of the hub's degree (minutes at this size).
    assert elapsed < 30, elapsed


def test_fit_cuts_by_width_and_strips_controls() -> None:
    assert fit("Short", 200) == "Short"
    long = "W" * 80
    cut = fit(long, 200)
    assert cut.endswith("…") and text_width(cut) <= 200
    assert fit("a\u202eb\nc", 200) == "ab c"  # an override cannot reorder a drawing's label
    assert text_width("中文") > text_width("ab")


# --------------------------------------------------------------------------
# share chart
# --------------------------------------------------------------------------


def test_each_figure_has_a_headed_column_and_small_shares_get_a_scaled_axis() -> None:
    """Largest share 11%: the axis ends at 20%, a 0.04% share is still a visible bar with its figure."""
    chart = draw_share_chart(
        [("a", "A post", 0.11, 0.0, 0.0004, None), ("b", "B post", 0.02, 0.05, 0.0, "#b")],
        2,
    )
    assert chart.axis_max == 0.2 and chart.ticks[-1][1] == "20%"
    assert [h.lines for h in chart.headings[1:]] == [
        ("from", "earlier"),
        ("into", "later"),
        ("inside", "the post"),
    ]
    a = chart.rows[0].values
    assert [v.text for v in a] == ["11.0%", "–", "<0.1%"]
    assert a[0].width == pytest.approx(chart.plot_width * 0.11 / 0.2, abs=0.1)
    assert a[2].width == MIN_BAR and a[1].width == 0
    # Figures are right-aligned on their heading.
    assert [v.x for v in a] == [h.x for h in chart.headings[1:]]


def test_chart_labels_fit_their_column_and_keep_the_whole_title() -> None:
    title = (
        "An extremely long title that would run off the left edge of the chart if it were drawn whole " * 2
    )
    chart = draw_share_chart([("a", title, 1.0, 0.0, 0.0, None)], 1)
    row = chart.rows[0]
    assert text_width(row.label) <= chart.label_width - 8 and row.label.endswith("…")
    assert row.title == " ".join(title.split())
    assert chart.axis_max == 1.0
    html_row = render(doc_of([post("a", title=title)])).split('class="share-chart"')[1]
    assert "<title>An extremely long title" in html_row


def test_a_copy_chain_bigger_than_the_cap_is_drawn_as_copies_with_their_sources() -> None:
    """One chain of 300 copies (each of the one before): whole copies first, each drawn with its source."""
    posts = [post("p0")]
    for n in range(1, 301):
        posts.append(post(f"p{n}", derivation="wholly" if n % 3 else "partially", sources=(f"p{n - 1}",)))
    graph = graph_of(doc_of(posts), max_nodes=40)
    keys = {n.key for n in graph.nodes}
    css = {n.key: n.css for n in graph.nodes}
    assert len(keys) == 40
    whole = [k for k in keys if css[k] == "post wholly"]
    assert len(whole) >= 13  # 40 nodes: at worst a copy and its source each
    for key in whole:  # every whole copy drawn has its source drawn (that source may be a copy too)
        assert f"p:p{int(key[3:]) - 1}" in keys
    assert {edge.kind for edge in graph.edges} == {"borrows"}
    assert graph.note is not None and f"{graph.derived_drawn} of the 300 posts copied" in graph.note


def test_copies_that_contradict_each_other_loop_back_between_the_rows() -> None:
    """A reprint a -> b and a partial copy b -> a (as containment can decide): both drawn, inside the box."""
    doc = doc_of(
        [post("a", derivation="partially", sources=("b",)), post("b", derivation="wholly", sources=("a",))],
        reprints=(("a", "b"),),
    )
    graph = graph_of(doc)
    assert sorted(e.kind for e in graph.edges) == ["borrows", "reprints"]
    assert not overlapping(graph)
    assert_inside(graph)
    back = next(e for e in graph.edges if e.x2 < e.x1)
    label_end = {n.key: n.label_x + n.label_width for n in graph.nodes}
    assert any(abs(back.x2 - (end + 3)) < 0.2 for end in label_end.values())  # at its target's label end
