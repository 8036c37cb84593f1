"""Geometry of the two drawings, computed at build time so the report needs no script to show them.

The share chart and the provenance graph are inline SVG laid out here, in
Python: coordinates are rounded to one decimal so the same document gives the
same bytes, and every label is handed to the template as plain text (escaped
there).

The graph is laid out in layers, not by a force simulation: sources in the
first column, the posts that copy them in the next ones, the outlets they cite
in a last column of their own. A spring layout of a few hundred nodes took
most of the report's build time, overlapped its labels, and needed a fixed
seed and sorted input to give the same picture twice; a layered layout is
linear in what it draws, reads left to right in the direction text travelled,
and gives every label a row of its own, so no two labels overlap by
construction. Label boxes are estimated from the text's length and the font
size (an over-estimate, checked against the browser's own text boxes in the
tests), and long labels are cut with an ellipsis, the full text kept in a
tooltip.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from provenance.report.anchors import outlet_anchor

FONT_PX = 12.0  # text size of both drawings, in SVG units; the SVG is never scaled down
ELLIPSIS = "…"

# Advance widths in ems, rounded up from DejaVu Sans (the widest of the usual sans
# fonts): an estimate that errs on the wide side leaves a little air, never an overlap.
_NARROW = frozenset("iljtfrI!.,:;'|()[]{} ")
_WIDE = frozenset("mwMW@%")


@lru_cache(maxsize=8192)
def _ems(char: str) -> float:
    """The advance of one character in ems (cached: titles repeat the same few hundred characters)."""
    if char in _NARROW:
        return 0.4
    if char in _WIDE:
        return 1.0
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.05
    if char.isupper():
        return 0.78
    if char.isascii():
        return 0.66
    return 0.8  # other scripts: Cyrillic, Greek, Arabic, Hebrew, …


def text_width(text: str, size: float = FONT_PX) -> float:
    """An upper estimate of the width of ``text`` set at ``size`` px in the report's sans font."""
    return sum(map(_ems, text)) * size


def _plain(text: str) -> str:
    """One line of text without controls: a bidi override in a title must not reorder a drawing's labels."""
    if text.isprintable():  # no control, format or separator character but the space: the usual case
        return " ".join(text.split())
    cleaned = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    cleaned = "".join(c for c in cleaned if unicodedata.category(c) != "Cf")
    return " ".join(cleaned.split())


def fit(text: str, budget: float, size: float = FONT_PX) -> str:
    """``text`` on one line, cut with an ellipsis so that its estimated width is at most ``budget``."""
    text = _plain(text)
    if text_width(text, size) <= budget:
        return text
    room = budget - text_width(ELLIPSIS, size)
    kept: list[str] = []
    used = 0.0
    for char in text:
        used += _ems(char) * size
        if used > room:
            break
        kept.append(char)
    return "".join(kept).rstrip() + ELLIPSIS


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


# --------------------------------------------------------------------------
# copied share per post
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BarValue:
    """One of a row's three numbers: its bar and the figure printed in its own headed column."""

    kind: Literal["borrowed", "given", "inside"]
    share: float
    width: float  # bar length in px; a share above zero is never drawn thinner than MIN_BAR
    y: float  # top of the bar
    text: str  # the figure as printed, "–" for none
    x: float  # right edge of the printed figure (text-anchor end)


@dataclass(frozen=True, slots=True)
class BarRow:
    """One post in the chart: its label and the three bars with their figures."""

    post_id: str
    label: str  # cut to fit the label column; ``title`` holds the whole
    title: str
    href: str | None
    y: float  # top of the row
    text_y: float  # baseline of the label
    borrowed: float  # share of the post's words taken from earlier posts
    given: float  # share of its words in paragraphs repeated in later posts
    inside: float  # share of its words in paragraphs repeated inside the post
    values: tuple[BarValue, BarValue, BarValue]


@dataclass(frozen=True, slots=True)
class ChartHeading:
    """A column heading of the chart, one or two lines, centred or right-aligned on ``x``."""

    x: float
    lines: tuple[str, ...]
    anchor: Literal["middle", "end", "start"]
    css: str


@dataclass(frozen=True, slots=True)
class BarChart:
    width: int
    height: int
    label_width: int  # the label column; labels end 8 px before it
    plot_x: int
    plot_width: int
    row_height: int
    top: int  # y of the first row (below the headings)
    axis_y: float  # baseline of the tick labels
    rows: tuple[BarRow, ...]
    ticks: tuple[tuple[float, str], ...]  # (x, label)
    headings: tuple[ChartHeading, ...]
    axis_max: float  # the share at the right end of the axis
    posts_total: int
    note: str | None


_BAR_KINDS: tuple[tuple[Literal["borrowed", "given", "inside"], str, str], ...] = (
    ("borrowed", "from", "earlier"),
    ("given", "into", "later"),
    ("inside", "inside", "the post"),
)
MIN_BAR = 2.0  # px: a 0.4% share is still a visible mark
_AXIS_STEPS = (0.05, 0.1, 0.2, 0.25, 0.5, 1.0)


def _axis_max(largest: float) -> float:
    """The smallest round share at or above ``largest``: small shares get the width of the plot."""
    for step in _AXIS_STEPS:
        if largest <= step + 1e-9:
            return step
    return 1.0


def _percent(share: float) -> str:
    if share <= 0:
        return "–"
    value = share * 100
    if value < 0.05:
        return "<0.1%"  # not "0.0%" for words that were copied
    return f"{value:.1f}%" if value < 99.95 else "100%"


def draw_share_chart(
    posts: list[tuple[str, str, float, float, float, str | None]], posts_total: int
) -> BarChart:
    """Bars of copied share per post, one row per entry of ``posts``, in the order given.

    ``posts`` holds ``(id, title, borrowed, given, inside, href)`` (the three
    shares as documented on :class:`BarRow`), already chosen and ranked;
    ``posts_total`` is the number of posts in the dump, for the note.

    Each number has a headed column of its own, so a row reads "from earlier
    69.8%" rather than three bare figures; the axis ends at the smallest round
    share above the largest bar, so a blog whose biggest share is 11% gets a
    0-20% axis and bars that can be seen.
    """
    label_width, plot_width, number_width, row_height = 220, 300, 68, 34
    top = 40  # two heading lines
    # Label, figures, bars: on a phone the chart scrolls sideways, and the figures come first.
    numbers_x = label_width
    plot_x = numbers_x + 3 * number_width + 16
    largest = max((max(b, g, i) for _, _, b, g, i, _ in posts), default=0.0)
    axis = _axis_max(largest)

    def bar(share: float) -> float:
        share = min(max(share, 0.0), axis)
        return round(max(plot_width * share / axis, MIN_BAR if share > 0 else 0.0), 1)

    rows = []
    for row, (post_id, title, borrowed, given, inside, href) in enumerate(posts):
        y = float(top + row * row_height)
        values = (
            _value(0, "borrowed", borrowed, bar(borrowed), y, numbers_x + number_width - 6),
            _value(1, "given", given, bar(given), y, numbers_x + 2 * number_width - 6),
            _value(2, "inside", inside, bar(inside), y, numbers_x + 3 * number_width - 6),
        )
        rows.append(
            BarRow(
                post_id=post_id,
                label=fit(title, label_width - 16),
                title=_plain(title),
                href=href,
                y=y,
                text_y=round(y + 21, 1),
                borrowed=borrowed,
                given=given,
                inside=inside,
                values=values,
            )
        )
    steps = 4 if axis in (0.2, 1.0) else 5 if axis in (0.05, 0.25, 0.5) else 2
    ticks = tuple(
        (round(plot_x + plot_width * step / steps, 1), _tick(axis * step / steps))
        for step in range(steps + 1)
    )
    headings = (
        ChartHeading(plot_x + plot_width / 2, ("share of the post’s words",), "middle", "plot"),
        *(
            ChartHeading(float(numbers_x + number_width * (n + 1) - 6), (first, second), "end", kind)
            for n, (kind, first, second) in enumerate(_BAR_KINDS)
        ),
    )
    note = None
    if posts_total > len(posts):
        note = f"The {len(posts):,} posts of {posts_total:,} with the largest shares."
    height = top + len(rows) * row_height + 26
    return BarChart(
        width=plot_x + plot_width + 18,
        height=height,
        label_width=label_width,
        plot_x=plot_x,
        plot_width=plot_width,
        row_height=row_height,
        top=top,
        axis_y=float(height - 8),
        rows=tuple(rows),
        ticks=ticks,
        headings=headings,
        axis_max=axis,
        posts_total=posts_total,
        note=note,
    )


def _value(
    n: int, kind: Literal["borrowed", "given", "inside"], share: float, width: float, top: float, x: float
) -> BarValue:
    return BarValue(kind, share, width, round(top + 5 + 8 * n, 1), _percent(share), float(x))


def _tick(share: float) -> str:
    value = share * 100
    return f"{value:.0f}%" if abs(value - round(value)) < 1e-6 else f"{value:.1f}%"


# --------------------------------------------------------------------------
# the reprint and citation graph
# --------------------------------------------------------------------------

EdgeKind = Literal["reprints", "borrows", "cites", "mentions"]
_REUSE: frozenset[str] = frozenset(("reprints", "borrows"))
_VERB = {
    "reprints": "is reprinted by",
    "borrows": "is partly copied into",
    "cites": "cites",
    "mentions": "names in its text",
}

ROW_PX = 22.0  # one node and its label per row: more than a 12 px line's box (about 15 px)
COLUMN_GAP = 64.0  # room for the edges between two columns
LABEL_PX = 240.0  # widest label before it is cut
PAD = 12.0
MAX_WIDTH = 1160.0  # components are shelved in rows up to this width


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
    label_x: float
    label_width: float  # estimated, for the layout and the tests


@dataclass(frozen=True, slots=True)
class GraphEdge:
    kind: EdgeKind
    x1: float
    y1: float
    x2: float
    y2: float
    title: str
    path: str  # SVG path data: a curve from the source's label end to the target's rim


@dataclass(frozen=True, slots=True)
class GraphDrawing:
    """One view of the graph: with the outlets named in the text, or (the default) without."""

    width: int
    height: int
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    nodes_total: int  # nodes linked to anything in this view
    components_total: int
    components_drawn: int
    note: str | None
    derived_total: int = 0  # posts wholly or partially derived from an earlier post
    derived_drawn: int = 0
    id: str = "graph-plain"  # prefix of the ids inside the SVG (two views share one page)
    mentions: GraphDrawing | None = None  # the view with "names in text" edges, when it differs


@dataclass
class _Links:
    """Every relation of the document, keyed by node (``p:`` post, ``o:`` outlet)."""

    kinds: dict[tuple[str, str], EdgeKind]  # the one line drawn for a pair of nodes: its strongest relation
    share: dict[tuple[str, str], float]  # borrowed share of the copy, per reuse edge
    derivation: dict[str, str]
    borrowed: dict[str, float]  # each post's reuse.share
    cited: dict[str, int]  # posts citing each outlet


def _links(doc: Mapping[str, Any], canonical: Mapping[str, str]) -> _Links:
    kinds: dict[tuple[str, str], EdgeKind] = {}
    share: dict[tuple[str, str], float] = {}
    derivation: dict[str, str] = {}
    borrowed: dict[str, float] = {}
    cited: dict[str, int] = {}

    def outlet_key(name: str) -> str:
        return "o:" + canonical.get(name.casefold(), name)

    def link(source: str, target: str, kind: EdgeKind) -> None:
        # The strongest relation only (a post that cites an outlet names it too), not a set of them:
        # a set for each citation took 216 bytes a post.
        if source != target:
            held = kinds.get((source, target))
            if held is None or _STRENGTH[kind] < _STRENGTH[held]:
                kinds[(source, target)] = kind

    posts = [p for p in doc.get("posts") or [] if _mapping(p) and "id" in p]
    for post in posts:
        key = "p:" + str(post["id"])
        reuse = post.get("reuse")
        derivation[key] = str(reuse.get("derivation") or "independent") if _mapping(reuse) else "independent"
        borrowed[key] = _number(reuse.get("share")) if _mapping(reuse) else 0.0
    for post in posts:
        key = "p:" + str(post["id"])
        citation = post.get("citation")
        if _mapping(citation) and citation.get("outlet"):
            outlet = outlet_key(str(citation["outlet"]))
            if kinds.get((key, outlet)) != "cites":
                cited[outlet] = cited.get(outlet, 0) + 1
            link(key, outlet, "cites")
        reuse = post.get("reuse")
        if derivation[key] in ("wholly", "partially") and _mapping(reuse):
            for source in reuse.get("sources") or []:
                if _mapping(source) and "p:" + str(source.get("post")) in derivation:
                    edge = ("p:" + str(source.get("post")), key)
                    link(*edge, "borrows")
                    share[edge] = _number(source.get("share"))
    for outlet in doc.get("outlets") or []:
        if _mapping(outlet):
            for post_id in outlet.get("mentioned_by") or []:
                if "p:" + str(post_id) in derivation:
                    link("p:" + str(post_id), outlet_key(str(outlet.get("name"))), "mentions")
    for reprint in doc.get("reprints") or []:
        if _mapping(reprint):
            source, copy = "p:" + str(reprint.get("source")), "p:" + str(reprint.get("copy"))
            if source in derivation and copy in derivation:
                link(source, copy, "reprints")
    return _Links(kinds, share, derivation, borrowed, cited)


def _mapping(value: object) -> bool:
    """``isinstance(value, Mapping)``, with the common case first: the ABC check is slow at 100k posts."""
    return isinstance(value, (dict, Mapping))  # dict first: checked in order


def _number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0


#: Relations from the strongest: the one a pair of nodes is drawn with.
_STRENGTH: dict[EdgeKind, int] = {"reprints": 0, "borrows": 1, "cites": 2, "mentions": 3}


def _components(nodes: Iterable[str], adjacency: Mapping[str, list[str]]) -> list[list[str]]:
    """Connected components, each sorted, of the graph given by ``adjacency`` (iterative: no recursion)."""
    seen: set[str] = set()
    found = []
    for start in nodes:
        if start in seen:
            continue
        seen.add(start)
        stack, members = [start], [start]
        while stack:
            for other in adjacency.get(stack.pop(), ()):
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
                    members.append(other)
        found.append(sorted(members))
    return found


def _select(
    edges: Mapping[tuple[str, str], EdgeKind],
    derivation: Mapping[str, str],
    borrowed: Mapping[str, float],
    max_nodes: int,
) -> tuple[list[str], int, int, int, dict[str, list[str]]]:
    """The nodes to draw, the totals for the note and the view's neighbour lists.

    Returns (chosen, nodes linked, components, components drawn, adjacency).

    Reuse first: the reprint and copy chains, the largest first, then the
    outlets those posts cite or name, then the other connected parts, largest
    first, while they fit. A part bigger than the room left is cut to the
    nodes nearest its best-linked node; the walk stops as soon as the room is
    full, so a wire service cited by 5,000 posts costs the cap, not 5,000.
    """
    adjacency: dict[str, list[str]] = {}
    reuse_adjacency: dict[str, list[str]] = {}
    sources_of: dict[str, list[str]] = {}
    # In the document's order: only membership is read from these lists, or (walk) they are sorted.
    for (source, target), kind in edges.items():
        adjacency.setdefault(source, []).append(target)
        adjacency.setdefault(target, []).append(source)
        if kind in _REUSE:
            reuse_adjacency.setdefault(source, []).append(target)
            reuse_adjacency.setdefault(target, []).append(source)
            sources_of.setdefault(target, []).append(source)
    linked = sorted(adjacency)
    components = _components(linked, adjacency)
    chosen: list[str] = []
    taken: set[str] = set()

    def take(nodes: Iterable[str]) -> None:
        for node in nodes:
            if node not in taken and len(chosen) < max_nodes:
                taken.add(node)
                chosen.append(node)

    def walk(starts: list[str], graph: Mapping[str, list[str]]) -> None:
        """Breadth first from ``starts`` until the room is full (neighbours in sorted order)."""
        queue = list(starts)
        take(queue)
        head = 0
        while head < len(queue) and len(chosen) < max_nodes:
            for other in sorted(graph.get(queue[head], ())):
                if len(chosen) >= max_nodes:
                    break
                if other not in taken:
                    take([other])
                    queue.append(other)
            head += 1

    chains = sorted(_components(sorted(reuse_adjacency), reuse_adjacency), key=lambda c: (-len(c), c[0]))
    for chain in chains:
        if len(chosen) >= max_nodes:
            break
        if len(chosen) + len(chain) <= max_nodes:
            take(chain)
            continue
        # Too big for the room left (a generated dump of 1,700 posts made one chain of 1,100):
        # each copy with all its sources, whole copies first, then the most borrowed.
        copies = sorted(
            (n for n in chain if derivation.get(n) in ("wholly", "partially")),
            key=lambda n: (derivation.get(n) != "wholly", -borrowed.get(n, 0.0), n),
        )
        for copy in copies:
            needed = [n for n in [*sources_of.get(copy, []), copy] if n not in taken]
            if len(chosen) + len(needed) <= max_nodes:
                take(needed)
    # The outlets of the chosen posts: looked up from the posts' side (a post has few links).
    votes: dict[str, int] = {}
    for node in list(chosen):
        for other in adjacency.get(node, ()):
            if other.startswith("o:"):
                votes[other] = votes.get(other, 0) + 1
    take(sorted(votes, key=lambda o: (-votes[o], o)))

    drawn_parts = 0
    for component in sorted(components, key=lambda c: (-len(c), c[0])):
        missing = [n for n in component if n not in taken]
        if len(missing) < len(component):
            drawn_parts += 1
            if missing and len(chosen) + len(missing) <= max_nodes:
                take(missing)
            continue
        if len(chosen) + len(component) <= max_nodes:
            take(component)
            drawn_parts += 1
        elif not chosen:
            hub = min(component, key=lambda n: (-len(adjacency[n]), n))
            walk([hub], adjacency)
            drawn_parts += 1
            break
        else:
            break
    return chosen, len(linked), len(components), drawn_parts, adjacency


def _drawn_edges(
    chosen: list[str], edges: Mapping[tuple[str, str], EdgeKind], adjacency_of: Callable[[str], list[str]]
) -> list[tuple[str, str]]:
    """The edges between chosen nodes, without walking the whole neighbourhood of a hub.

    A node with more neighbours than there are chosen nodes is not walked: its
    edges are found from the other end, or (between two such hubs) looked up
    pair by pair, which is at most the cap squared.
    """
    inside = set(chosen)
    bound = len(chosen)
    found: set[tuple[str, str]] = set()
    hubs = []
    for node in chosen:
        neighbours = adjacency_of(node)
        if len(neighbours) > bound:
            hubs.append(node)
            continue
        for other in neighbours:
            if other in inside:
                for pair in ((node, other), (other, node)):
                    if pair in edges:
                        found.add(pair)
    for a in hubs:
        for b in hubs:
            if (a, b) in edges:
                found.add((a, b))
    return sorted(found)


def draw_graph(
    doc: Mapping[str, Any],
    title_of: Callable[[str], str],
    canonical: Mapping[str, str],
    href_of: Callable[[str], str | None],
    max_nodes: int,
) -> GraphDrawing:
    """Lay out posts and outlets linked by reprints, partial copies, citations, and mentions in a second view.

    Posts linked to nothing are left out (they would only add dots). At most
    ``max_nodes`` nodes are drawn per view, copy chains first, and the note
    says what was left out. The returned drawing is the default view, without
    the outlets a post only names in its text; ``mentions`` holds the view
    with them when there are any.
    """
    links = _links(doc, canonical)
    plain = {edge: kind for edge, kind in links.kinds.items() if kind != "mentions"}
    derived_total = sum(1 for d in links.derivation.values() if d in ("wholly", "partially"))

    def view(edges: Mapping[tuple[str, str], EdgeKind], view_id: str) -> GraphDrawing:
        return _draw_view(edges, links, title_of, href_of, max_nodes, derived_total, view_id)

    drawing = view(plain, "graph-plain")
    if len(plain) < len(links.kinds):
        with_mentions = view(links.kinds, "graph-mentions")
        drawing = _replace_mentions(drawing, with_mentions)
    return drawing


def _replace_mentions(drawing: GraphDrawing, mentions: GraphDrawing) -> GraphDrawing:
    return GraphDrawing(
        drawing.width,
        drawing.height,
        drawing.nodes,
        drawing.edges,
        drawing.nodes_total,
        drawing.components_total,
        drawing.components_drawn,
        drawing.note,
        drawing.derived_total,
        drawing.derived_drawn,
        drawing.id,
        mentions,
    )


def _draw_view(
    edges: Mapping[tuple[str, str], EdgeKind],
    links: _Links,
    title_of: Callable[[str], str],
    href_of: Callable[[str], str | None],
    max_nodes: int,
    derived_total: int,
    view_id: str,
) -> GraphDrawing:
    chosen, linked, components_total, components_drawn, adjacency = _select(
        edges, links.derivation, links.borrowed, max_nodes
    )
    drawn = _drawn_edges(chosen, edges, lambda n: adjacency.get(n, []))

    nodes: dict[str, _Node] = {}
    for key in chosen:
        name = key[2:]
        if key.startswith("p:"):
            title = _plain(title_of(name))
            css = f"post {links.derivation.get(key, 'independent')}"
            nodes[key] = _Node(key, "post", fit(title, LABEL_PX), title, href_of(name), 6.0, css)
        else:
            radius = round(min(9.0, 4.5 + math.sqrt(links.cited.get(key, 0))), 1)
            nodes[key] = _Node(
                key, "outlet", fit(name, LABEL_PX), _plain(name), f"#{outlet_anchor(name)}", radius, "outlet"
            )
    boxes = _layout(nodes, drawn, edges)
    width, height = _shelve(boxes)

    out_nodes = []
    for key in sorted(nodes):
        node = nodes[key]
        out_nodes.append(
            GraphNode(
                key,
                node.kind,
                node.label,
                node.title,
                node.href,
                round(node.x, 1),
                round(node.y, 1),
                node.r,
                node.css,
                "start",
                round(node.x + node.r + 4, 1),
                round(node.label_width, 1),
            )
        )
    out_edges = []
    for source, target in drawn:
        kind = edges[(source, target)]
        a, b = nodes[source], nodes[target]
        path, (x1, y1, x2, y2) = _route(a, b)
        verb = _VERB[kind]
        if kind == "borrows":
            share = links.share.get((source, target), 0.0)
            verb = f"is partly copied into ({share * 100:.0f}% of the copy’s words)"
        out_edges.append(
            GraphEdge(
                kind,
                round(x1, 1),
                round(y1, 1),
                round(x2, 1),
                round(y2, 1),
                f"{_label(source, title_of)} {verb} {_label(target, title_of)}",
                path,
            )
        )

    derived_drawn = sum(1 for n in nodes.values() if n.css in ("post wholly", "post partially"))
    notes = []
    if len(chosen) < linked:
        notes.append(
            f"Only {len(chosen):,} of {linked:,} nodes are drawn ({components_drawn:,} of "
            f"{components_total:,} connected parts, copy chains first). The whole graph is in the "
            f"GEXF/GraphML export next to this report."
        )
    if derived_drawn < derived_total:
        notes.append(f"{derived_drawn:,} of the {derived_total:,} posts copied from earlier posts are drawn.")
    return GraphDrawing(
        width,
        height,
        tuple(out_nodes),
        tuple(out_edges),
        linked,
        components_total,
        components_drawn,
        " ".join(notes) or None,
        derived_total,
        derived_drawn,
        view_id,
    )


@dataclass
class _Node:
    key: str
    kind: Literal["post", "outlet"]
    label: str
    title: str
    href: str | None
    r: float
    css: str
    x: float = 0.0
    y: float = 0.0
    column: int = 0  # in its part
    column_start: float = 0.0  # left edge of its column (moved with the part)
    column_end: float = 0.0  # right edge of the widest label in its column

    label_width: float = 0.0  # estimated once: the layout asks for it again and again

    def __post_init__(self) -> None:
        self.label_width = text_width(self.label)

    @property
    def label_end(self) -> float:
        return self.x + self.r + 4 + self.label_width


def _route(a: _Node, b: _Node) -> tuple[str, tuple[float, float, float, float]]:
    """The path of an edge: along its own row to its column's end, then bends in the gaps between columns.

    An edge to the next column is one curve across the gap. One that skips
    columns bends to the line halfway between two rows and runs along it
    (rows are shared by every column, so that line meets no label), then bends
    to its target in the last gap. An edge back to an earlier column or within
    one (copies that contradict each other, as the reprint and partial-copy
    directions of a corpus decided by containment can) runs back the same way
    and ends at the right end of its target's label.
    """
    reach = COLUMN_GAP - 8
    x1, y1, y2 = a.label_end + 3, a.y, b.y
    start = a.column_end + 4  # in the gap after the source's column
    steps = [f"M{x1:.1f},{y1:.1f}", f"L{start:.1f},{y1:.1f}"]
    if b.column == a.column + 1:
        stop, x2 = b.column_start - 4, b.x - b.r - 3
        middle = (start + stop) / 2
        steps.append(f"C{middle:.1f},{y1:.1f} {middle:.1f},{y2:.1f} {stop:.1f},{y2:.1f}")
    else:
        lane = y1 + ROW_PX / 2 if y2 >= y1 else y1 - ROW_PX / 2
        if b.column > a.column:
            stop, x2 = b.column_start - 4, b.x - b.r - 3  # from the gap before the target's column
            far = stop - reach
        else:
            stop, x2 = b.column_end + 4, b.label_end + 3  # from the gap after it, leftwards
            far = stop + reach
        bend, unbend = start + reach / 2, (stop + far) / 2
        steps.append(f"C{bend:.1f},{y1:.1f} {bend:.1f},{lane:.1f} {start + reach:.1f},{lane:.1f}")
        steps.append(f"L{far:.1f},{lane:.1f}")
        steps.append(f"C{unbend:.1f},{lane:.1f} {unbend:.1f},{y2:.1f} {stop:.1f},{y2:.1f}")
    steps.append(f"L{x2:.1f},{y2:.1f}")
    return "".join(steps), (x1, y1, x2, y2)


@dataclass
class _Box:
    """One connected part, laid out on its own with its top left corner at (0, 0)."""

    nodes: list[_Node]
    width: float
    height: float
    weight: tuple[int, int, str]  # sort key: copies first, then size


def _layout(
    nodes: Mapping[str, _Node], drawn: list[tuple[str, str]], edges: Mapping[tuple[str, str], EdgeKind]
) -> list[_Box]:
    """A layered layout of each connected part of the drawn graph."""
    adjacency: dict[str, list[str]] = {key: [] for key in nodes}
    for source, target in drawn:
        adjacency[source].append(target)
        adjacency[target].append(source)
    boxes = []
    for component in _components(sorted(nodes), adjacency):
        part = set(component)
        inner = [(s, t) for s, t in drawn if s in part]
        boxes.append(_layout_part([nodes[k] for k in component], inner, edges, adjacency))
    return boxes


def _layers(posts: list[str], reuse: list[tuple[str, str]]) -> dict[str, int]:
    """Column of each post: 0 for a post copying nothing, else one more than its latest source.

    Longest path by Kahn's algorithm; posts left on a cycle (only a hand-made
    document has one) go one column after their placed sources.
    """
    incoming: dict[str, int] = dict.fromkeys(posts, 0)
    outgoing: dict[str, list[str]] = {p: [] for p in posts}
    for source, target in reuse:
        outgoing[source].append(target)
        incoming[target] += 1
    layer = dict.fromkeys(posts, 0)
    ready = [p for p in posts if incoming[p] == 0]
    done: set[str] = set()
    while ready:
        node = ready.pop()
        done.add(node)
        for target in outgoing[node]:
            layer[target] = max(layer[target], layer[node] + 1)
            incoming[target] -= 1
            if incoming[target] == 0:
                ready.append(target)
    for node in posts:  # on a cycle
        if node not in done:
            done.add(node)
            for target in outgoing[node]:
                if target not in done:
                    layer[target] = max(layer[target], layer[node] + 1)
    return layer


def _layout_part(
    members: list[_Node],
    inner: list[tuple[str, str]],
    edges: Mapping[tuple[str, str], EdgeKind],
    adjacency: Mapping[str, list[str]],
) -> _Box:
    posts = [n.key for n in members if n.kind == "post"]
    reuse = [(s, t) for s, t in inner if edges[(s, t)] in _REUSE]
    layer = _layers(posts, reuse)
    last = max(layer.values(), default=-1)
    for node in members:
        if node.kind == "outlet":
            layer[node.key] = last + 1
    columns: list[list[str]] = [[] for _ in range(max(layer.values()) + 1)]
    for node in members:  # members are sorted by key: the first order of every column
        columns[layer[node.key]].append(node.key)
    columns = [c for c in columns if c]
    _order(columns, adjacency)
    by_key = {n.key: n for n in members}

    # x: each column as wide as its widest node and label, then the gap for the edges.
    x = PAD
    for c, column in enumerate(columns):
        radius = max(by_key[k].r for k in column)
        end = x + 2 * radius + 4 + max(by_key[k].label_width for k in column)
        for key in column:
            node = by_key[key]
            node.x, node.column, node.column_start, node.column_end = x + radius, c, x, end
        x = end + COLUMN_GAP
    # An edge back to an earlier column (or within one) loops through the gap after its source's
    # column: after the last column that gap is the box's, too.
    backwards = any(layer[t] <= layer[s] for s, t in inner)
    width = x + PAD if backwards else x - COLUMN_GAP + PAD

    # y: on a grid of rows. The tallest column fills its rows; every other column sits near the
    # mean row of its placed neighbours. Rows are shared by all columns, so the line halfway
    # between two rows crosses no label anywhere: edges that skip a column run along it.
    tallest = max(range(len(columns)), key=lambda c: (len(columns[c]), -c))
    rows = len(columns[tallest])
    placed: dict[str, int] = {key: row for row, key in enumerate(columns[tallest])}
    for c in [*range(tallest + 1, len(columns)), *range(tallest - 1, -1, -1)]:
        column = columns[c]
        wanted = []
        for row, key in enumerate(column):
            near = [placed[o] for o in adjacency[key] if o in placed]
            wanted.append(round(sum(near) / len(near)) if near else row)
        for key, slot in zip(column, _spread(wanted, rows), strict=True):
            placed[key] = slot
    for key, slot in placed.items():
        by_key[key].y = PAD + ROW_PX / 2 + slot * ROW_PX
    copies = sum(1 for n in members if n.css in ("post wholly", "post partially"))
    return _Box(
        list(by_key.values()),
        width,
        rows * ROW_PX + 2 * PAD,
        (-copies, -len(members), members[0].key),
    )


def _order(columns: list[list[str]], adjacency: Mapping[str, list[str]]) -> None:
    """Reorder each column by the mean row of its neighbours in the column before, then after (two sweeps).

    The barycentre heuristic: it keeps a copy level with its source and the
    posts of one outlet together, which is most of what crossing edges cost.
    """
    count = len(columns)
    for _ in range(2):
        downward = [(c, c - 1) for c in range(1, count)]
        upward = [(c, c + 1) for c in range(count - 2, -1, -1)]
        for c, side in downward + upward:
            row_of = {key: row for row, key in enumerate(columns[side])}
            keyed = []
            for row, key in enumerate(columns[c]):
                near = [row_of[o] for o in adjacency[key] if o in row_of]
                keyed.append((sum(near) / len(near) if near else float(row), row, key))
            columns[c][:] = [key for _, _, key in sorted(keyed)]


def _spread(wanted: list[int], rows: int) -> list[int]:
    """Rows as near ``wanted`` as one node per row allows, kept in order within ``range(rows)``."""
    slots: list[int] = []
    for slot in wanted:
        slots.append(max(slot, slots[-1] + 1) if slots else max(slot, 0))
    limit = rows - 1
    for i in range(len(slots) - 1, -1, -1):
        slots[i] = min(slots[i], limit)
        limit = slots[i] - 1
    return slots


def _shelve(boxes: list[_Box]) -> tuple[int, int]:
    """Place the boxes in rows, copy chains and bigger parts first; move their nodes; return the size."""
    gap = 10.0
    width = max([MAX_WIDTH, *(b.width for b in boxes)])
    x_cursor, y_cursor, row_height, used = 0.0, 0.0, 0.0, 0.0
    for box in sorted(boxes, key=lambda b: b.weight):
        if x_cursor > 0 and x_cursor + box.width > width:
            x_cursor, y_cursor, row_height = 0.0, y_cursor + row_height + gap, 0.0
        used = max(used, x_cursor + box.width)
        for node in box.nodes:
            node.x += x_cursor
            node.y += y_cursor
            node.column_start += x_cursor
            node.column_end += x_cursor
        x_cursor += box.width + gap
        row_height = max(row_height, box.height)
    return math.ceil(used), math.ceil(y_cursor + row_height)


def _label(node: str, title_of: Callable[[str], str]) -> str:
    return f"“{_short(_plain(title_of(node[2:])), 40)}”" if node.startswith("p:") else _plain(node[2:])
