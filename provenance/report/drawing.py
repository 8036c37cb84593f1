"""Geometry of the two drawings, computed at build time so the report needs no script to show them.

The share chart and the provenance graph are inline SVG laid out here, in
Python: coordinates are rounded to one decimal so the same document gives the
same bytes, and every label is handed to the template as plain text (escaped
there). The graph is laid out with networkx's spring layout under a fixed
seed on a graph built in sorted order, which makes it reproducible.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx

from provenance.report.anchors import outlet_anchor


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------
# copied share per post
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BarRow:
    """One post in the chart: its label and the two bar lengths in pixels."""

    post_id: str
    label: str
    title: str
    href: str | None
    y: float
    borrowed: float  # share of the post's words taken from earlier posts
    given: float  # share of its words in paragraphs copied into later posts
    inside: float  # share of its words in paragraphs repeated inside the post
    borrowed_width: float
    given_width: float
    inside_width: float


@dataclass(frozen=True, slots=True)
class BarChart:
    width: int
    height: int
    label_width: int
    plot_width: int
    row_height: int
    rows: tuple[BarRow, ...]
    ticks: tuple[tuple[float, str], ...]  # (x, label)
    posts_total: int
    note: str | None


def draw_share_chart(
    posts: list[tuple[str, str, float, float, float, str | None]], posts_total: int
) -> BarChart:
    """Bars of copied share per post, one row per entry of ``posts``, in the order given.

    ``posts`` holds ``(id, title, borrowed, given, inside, href)`` (the three
    shares as documented on :class:`BarRow`), already chosen and ranked;
    ``posts_total`` is the number of posts in the dump, for the note.
    """
    label_width, plot_width, row_height = 300, 420, 30
    chosen = posts
    rows = tuple(
        BarRow(
            post_id=post_id,
            label=_short(title, 44),
            title=title,
            href=href,
            y=float(20 + row * row_height),
            borrowed=borrowed,
            given=given,
            inside=inside,
            borrowed_width=_bar(plot_width, borrowed),
            given_width=_bar(plot_width, given),
            inside_width=_bar(plot_width, inside),
        )
        for row, (post_id, title, borrowed, given, inside, href) in enumerate(chosen)
    )
    ticks = tuple((round(label_width + plot_width * step / 4, 1), f"{25 * step}%") for step in range(5))
    note = None
    if posts_total > len(chosen):
        note = f"The {len(chosen):,} most copied of {posts_total:,} posts."
    return BarChart(
        width=label_width + plot_width + 180,
        height=20 + len(rows) * row_height + 24,
        label_width=label_width,
        plot_width=plot_width,
        row_height=row_height,
        rows=rows,
        ticks=ticks,
        posts_total=posts_total,
        note=note,
    )


def _bar(plot_width: int, share: float) -> float:
    return round(plot_width * min(max(share, 0.0), 1.0), 1)


# --------------------------------------------------------------------------
# the reprint and citation graph
# --------------------------------------------------------------------------

EdgeKind = Literal["cites", "mentions", "reprints"]


@dataclass(frozen=True, slots=True)
class GraphNode:
    key: str
    kind: Literal["post", "outlet"]
    label: str
    title: str  # full text for the tooltip
    href: str | None
    x: float
    y: float
    r: float
    css: str  # "post wholly", "outlet", …
    label_anchor: Literal["start", "end"]


@dataclass(frozen=True, slots=True)
class GraphEdge:
    kind: EdgeKind
    x1: float
    y1: float
    x2: float
    y2: float
    title: str


@dataclass(frozen=True, slots=True)
class GraphDrawing:
    width: int
    height: int
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    nodes_total: int  # in the whole graph
    components_total: int
    components_drawn: int
    note: str | None


def _graph(
    doc: Mapping[str, Any], canonical: Mapping[str, str]
) -> tuple[nx.Graph, dict[tuple[str, str], set[EdgeKind]], dict[str, str]]:
    """The undirected graph to lay out, the kinds of each directed edge, and each post's derivation."""
    graph: nx.Graph = nx.Graph()
    kinds: dict[tuple[str, str], set[EdgeKind]] = {}
    derivation: dict[str, str] = {}

    def outlet_key(name: str) -> str:
        return "o:" + canonical.get(name.casefold(), name)

    def link(source: str, target: str, kind: EdgeKind) -> None:
        if source != target:
            kinds.setdefault((source, target), set()).add(kind)

    for post in doc.get("posts") or []:
        if not isinstance(post, Mapping) or "id" not in post:
            continue
        key = "p:" + str(post["id"])
        reuse = post.get("reuse")
        derivation[key] = (
            str(reuse.get("derivation") or "independent") if isinstance(reuse, Mapping) else "independent"
        )
        citation = post.get("citation")
        if isinstance(citation, Mapping) and citation.get("outlet"):
            link(key, outlet_key(str(citation["outlet"])), "cites")
    for outlet in doc.get("outlets") or []:
        if isinstance(outlet, Mapping):
            for post_id in outlet.get("mentioned_by") or []:
                link("p:" + str(post_id), outlet_key(str(outlet.get("name"))), "mentions")
    for reprint in doc.get("reprints") or []:
        if isinstance(reprint, Mapping):
            link("p:" + str(reprint.get("source")), "p:" + str(reprint.get("copy")), "reprints")
    # Sorted insertion makes the layout independent of dict order upstream.
    graph.add_nodes_from(sorted(derivation))
    graph.add_edges_from(sorted(kinds))
    return graph, kinds, derivation


def draw_graph(
    doc: Mapping[str, Any],
    title_of: Callable[[str], str],
    canonical: Mapping[str, str],
    href_of: Callable[[str], str | None],
    max_nodes: int,
) -> GraphDrawing:
    """Lay out posts and outlets linked by citations, mentions and reprints.

    Posts linked to nothing are left out (they would only add dots). For a
    large dump the largest connected components are drawn, up to
    ``max_nodes`` nodes, and the note says what was left out.
    """
    graph, kinds, derivation = _graph(doc, canonical)
    components = sorted(
        (sorted(c) for c in nx.connected_components(graph) if len(c) > 1), key=lambda c: (-len(c), c[0])
    )
    chosen: list[str] = []
    chosen_components: list[list[str]] = []
    for component in components:
        if chosen and len(chosen) + len(component) > max_nodes:
            break
        if len(component) > max_nodes:
            # One giant component: keep its best-connected nodes, a readable core.
            component = sorted(sorted(component, key=lambda n: (-graph.degree(n), n))[:max_nodes])
        chosen.extend(component)
        chosen_components.append(component)
    drawn = len(chosen_components)
    width = 1160
    positions, height = _pack(graph, chosen_components, width)
    anchors: dict[str, Literal["start", "end"]] = {}
    cited_count: dict[str, int] = {}
    for (_source, target), edge_kinds in kinds.items():
        if "cites" in edge_kinds:
            cited_count[target] = cited_count.get(target, 0) + 1
    nodes = []
    for node in sorted(positions):
        x, y, anchors[node] = positions[node]
        name = node[2:]
        anchor = anchors[node]
        if node.startswith("p:"):
            title = title_of(name)
            nodes.append(
                GraphNode(
                    node,
                    "post",
                    _short(title, 30),
                    title,
                    href_of(name),
                    x,
                    y,
                    7.0,
                    f"post {derivation.get(node, 'independent')}",
                    anchor,
                )
            )
        else:
            radius = round(6.0 + 2.0 * math.sqrt(cited_count.get(node, 0)), 1)
            nodes.append(
                GraphNode(
                    node,
                    "outlet",
                    _short(name, 30),
                    name,
                    f"#{outlet_anchor(name)}",
                    x,
                    y,
                    radius,
                    "outlet",
                    anchor,
                )
            )
    radius_of = {n.key: n.r for n in nodes}
    centre = {n.key: (n.x, n.y) for n in nodes}
    edges = []
    for (source, target), edge_kinds in sorted(kinds.items()):
        if source not in positions or target not in positions:
            continue
        # A post that cites an outlet usually names it too; one line, the stronger relation.
        kind: EdgeKind = (
            "reprints" if "reprints" in edge_kinds else "cites" if "cites" in edge_kinds else "mentions"
        )
        (x1, y1), (x2, y2) = centre[source], centre[target]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        # Stop the line at the target's rim so the arrowhead stays visible.
        shrink = radius_of[target] + 3
        x2e, y2e = x2 - (x2 - x1) * shrink / length, y2 - (y2 - y1) * shrink / length
        verb = {"reprints": "is reprinted by", "cites": "cites", "mentions": "mentions"}[kind]
        edges.append(
            GraphEdge(
                kind,
                x1,
                y1,
                round(x2e, 1),
                round(y2e, 1),
                f"{_label(source, title_of)} {verb} {_label(target, title_of)}",
            )
        )

    note = None
    left_out = len(components) - drawn
    if left_out > 0 or len(chosen) < sum(len(c) for c in components):
        note = (
            f"Only the {drawn:,} largest connected part(s) of {len(components):,} are drawn "
            f"({len(chosen):,} of {graph.number_of_nodes():,} nodes). The whole graph is in the "
            f"GEXF/GraphML export next to this report."
        )
    return GraphDrawing(
        width, height, tuple(nodes), tuple(edges), graph.number_of_nodes(), len(components), drawn, note
    )


def _pack(
    graph: nx.Graph, components: list[list[str]], width: int
) -> tuple[dict[str, tuple[float, float, Literal["start", "end"]]], int]:
    """Lay out each component on its own and shelve the boxes in rows, largest first.

    One spring layout over disconnected parts flings them to the corners and
    crushes each into a knot; a box per component keeps every part readable.
    Labels point into their box (``start`` on its left half, ``end`` on its
    right) so they rarely spill into the next one.
    """
    placed: dict[str, tuple[float, float, Literal["start", "end"]]] = {}
    gap, pad = 12.0, 26.0
    x_cursor, y_cursor, row_height = gap, gap, 0.0
    for component in components:
        n = len(component)
        box_w = min(width - 2 * gap, 230 + 120 * math.sqrt(n))
        box_h = min(880.0, 100 + 80 * math.sqrt(n))
        if x_cursor > gap and x_cursor + box_w > width - gap:
            x_cursor, y_cursor, row_height = gap, y_cursor + row_height + gap, 0.0
        # A graph of its own, built in sorted order: a subgraph view of a small part
        # iterates its nodes from a set, in an order that changes with the hash seed,
        # and the layout (and so the report's bytes) changed from run to run with it.
        # Only the edges between drawn nodes: ``graph.edges(component)`` would bring
        # in every neighbour of a cut component (a wire service cited by 5,000
        # posts drew 2,482 nodes under a cap of 160, and laid them out for minutes).
        sub: nx.Graph = nx.Graph()
        sub.add_nodes_from(component)
        inside = set(component)
        sub.add_edges_from((u, v) for u, v in graph.edges(component) if u in inside and v in inside)
        if n == 2:
            # Two nodes: one above the other, labels side by side, instead of a random diagonal.
            unit = {component[0]: (0.1, 0.0), component[1]: (0.1, 1.0)}
        else:
            # Kamada-Kawai spaces small parts evenly (a post and its source share neighbours and
            # would sit on top of each other under a spring layout); it is deterministic, too.
            layout = (
                nx.kamada_kawai_layout(sub)
                if n <= 100
                else nx.spring_layout(sub, seed=7, k=1.4 / math.sqrt(n), iterations=200)
            )
            xs = [float(p[0]) for p in layout.values()]
            ys = [float(p[1]) for p in layout.values()]
            span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
            unit = {
                node: ((float(p[0]) - min(xs)) / span_x, (float(p[1]) - min(ys)) / span_y)
                for node, p in layout.items()
            }
        for node in sorted(unit):
            u, v = unit[node]
            x = x_cursor + pad + u * (box_w - 2 * pad)
            y = y_cursor + pad + v * (box_h - 2 * pad)
            placed[node] = (round(x, 1), round(y, 1), "start" if u <= 0.5 else "end")
        x_cursor += box_w + gap
        row_height = max(row_height, box_h)
    return placed, math.ceil(y_cursor + row_height + gap)


def _label(node: str, title_of: Callable[[str], str]) -> str:
    return f"“{_short(title_of(node[2:]), 40)}”" if node.startswith("p:") else node[2:]
