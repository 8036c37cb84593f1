"""The graph's paragraph layer: cluster and paragraph nodes, made when they are read.

Every paragraph in a duplicate cluster is a node of the provenance graph,
``member_of`` its cluster and ``copy_of`` the cluster's earliest witness. At a
million paragraphs that is some 640,000 nodes and 720,000 edges, and held in
networkx, with an attribute dict and adjacency dicts per node, it took about
0.9 GB beside the audit (RSS of the pickled audit of ``generate.py
--paragraphs 1000000`` with and without them), for files that read it once.
So the layer is not held: :class:`ClusterLayer` makes its nodes and edges
from the posts and clusters the audit already holds, each time it is walked,
and :class:`GraphElements` walks it together with the networkx graph of
posts, outlets, authors and notes, in the order one graph of both would have.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from typing import Any

import networkx as nx

from provenance.dedup.order import chronological_key
from provenance.graph.nodes import para_node
from provenance.models import Cluster, ParagraphRef, Post

Node = tuple[str, dict[str, Any]]
Edge = tuple[str, str, int, dict[str, Any]]


class ClusterLayer:
    """Cluster and paragraph nodes with their ``member_of`` and ``copy_of`` edges, made on each walk.

    Only members whose post is among ``posts`` are nodes, and a cluster with
    none is left out. Its ``earliest`` is the member of the chronologically
    earliest post (:func:`~provenance.dedup.order.chronological_key`), as
    post reuse and reprints decide it.
    """

    def __init__(self, posts: Sequence[Post], clusters: Sequence[Cluster]) -> None:
        self._posts = posts
        self._clusters = clusters
        self._counts: tuple[int, int] | None = None

    def _walk(self) -> Iterator[tuple[Cluster, list[ParagraphRef], ParagraphRef]]:
        """Each cluster with a member in the dump, its members sorted and its earliest witness, by id."""
        known = {post.id for post in self._posts}
        when = chronological_key(self._posts)
        for cluster in sorted(self._clusters, key=lambda c: c.id):
            members = sorted(m for m in cluster.members if m.post in known)
            if members:
                yield cluster, members, min(members, key=lambda m: (when[m.post], m.paragraph))

    def nodes(self) -> Iterator[Node]:
        by_id = {post.id: post for post in self._posts}
        for cluster, members, earliest in self._walk():
            yield (
                f"cluster:{cluster.id}",
                {
                    "type": "cluster",
                    "label": f"cluster {cluster.id}",
                    "size": len(members),
                    "posts": len({m.post for m in members}),
                    "kinds": list(cluster.kinds),
                    "earliest": para_node(earliest),
                    "witness_decided_by": cluster.witness_decided_by or None,
                },
            )
            for member in members:
                post = by_id[member.post]
                paragraph = post.paragraphs[member.paragraph]
                yield (
                    para_node(member),
                    {
                        "type": "paragraph",
                        "label": f"{post.title} ¶{member.paragraph}",
                        "post_id": member.post,
                        "index": member.paragraph,
                        "line": paragraph.line,
                        "text": paragraph.text,
                    },
                )

    def edges(self) -> Iterator[Edge]:
        """Edges grouped by their source paragraph, in node order, as networkx walks a graph's edges."""
        for cluster, members, earliest in self._walk():
            cluster_node = f"cluster:{cluster.id}"
            for member in members:
                yield para_node(member), cluster_node, 0, {"type": "member_of"}
                if member != earliest:
                    yield (
                        para_node(member),
                        para_node(earliest),
                        0,
                        {"type": "copy_of", "inside_post": member.post == earliest.post},
                    )

    def counts(self) -> tuple[int, int]:
        """Nodes and edges of the layer."""
        if self._counts is None:
            nodes = edges = 0
            for _, members, _ in self._walk():
                nodes += 1 + len(members)
                edges += 2 * len(members) - 1
            self._counts = (nodes, edges)
        return self._counts

    def __contains__(self, node: object) -> bool:
        """Whether ``node`` is one of the layer's: a walk, for a few lookups (nothing is kept)."""
        return (
            isinstance(node, str)
            and node.startswith(("cluster:", "para:"))
            and any(found == node for found, _ in self.nodes())
        )


class GraphElements:
    """The whole provenance graph, walked: ``graph``'s nodes and edges with the layer's among them.

    The order is that of one networkx graph built in the graph stage's order
    (posts, outlets and authors, then each cluster and its paragraphs, then
    editor notes), so GraphML and the store's ``graph_edges`` list the
    elements as they did when the layer was part of the graph. It reads as
    much of a networkx graph as the writers use: ``nodes(data=True)``,
    ``edges(keys=..., data=...)``, ``number_of_nodes``, ``number_of_edges``,
    iteration and ``in``.
    """

    def __init__(self, graph: nx.MultiDiGraph, layer: ClusterLayer | None) -> None:
        self.graph = graph
        self.layer = layer

    def _split(self) -> tuple[list[str], list[str]]:
        before: list[str] = []
        notes: list[str] = []
        for node, kind in self.graph.nodes(data="type"):
            (notes if kind == "note" else before).append(node)
        return before, notes

    def nodes(self, data: bool = True) -> Iterator[Any]:
        before, notes = self._split()
        nodes = self.graph.nodes
        for node in before:
            yield (node, nodes[node]) if data else node
        if self.layer is not None:
            for node, attributes in self.layer.nodes():
                yield (node, attributes) if data else node
        for node in notes:
            yield (node, nodes[node]) if data else node

    def edges(self, keys: bool = False, data: bool = False) -> Iterator[tuple[Any, ...]]:
        before, notes = self._split()
        parts: list[Iterable[Edge]] = [self.graph.edges(before, keys=True, data=True)]
        if self.layer is not None:
            parts.append(self.layer.edges())
        parts.append(self.graph.edges(notes, keys=True, data=True))
        for u, v, key, attributes in chain.from_iterable(parts):
            yield (u, v, *((key,) if keys else ()), *((attributes,) if data else ()))

    def number_of_nodes(self) -> int:
        return self.graph.number_of_nodes() + (self.layer.counts()[0] if self.layer is not None else 0)

    def number_of_edges(self) -> int:
        # One pass over the adjacency: networkx's number_of_edges sums in- and
        # out-degrees node by node, twice the walk (3 s at a million paragraphs).
        own = sum(len(keys) for _, neighbours in self.graph.adjacency() for keys in neighbours.values())
        return own + (self.layer.counts()[1] if self.layer is not None else 0)

    def __iter__(self) -> Iterator[str]:
        return iter(self.nodes(data=False))

    def __contains__(self, node: object) -> bool:
        return node in self.graph or (self.layer is not None and node in self.layer)

    def is_directed(self) -> bool:
        return True

    def is_multigraph(self) -> bool:
        return True

    def to_networkx(self) -> nx.MultiDiGraph:
        """One networkx graph of every node and edge: for a small graph, or a caller that needs one."""
        whole = nx.MultiDiGraph()
        whole.add_nodes_from(self.nodes(data=True))
        whole.add_edges_from(self.edges(keys=True, data=True))
        return whole
