"""The graph as files can hold it: GraphML/GEXF-safe attributes and node-link JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import networkx as nx

# GEXF reserves an edge's ``type`` (see for_export).
_EDGE_RENAMES = {"type": "kind"}


class _AttributeTypes:
    """The one scalar type each attribute name gets across all nodes (or all edges), found in one pass.

    An attribute holding a list, tuple or dict anywhere, or values of two
    types, or only None, is written as text. Only the types are kept: holding
    every value until the end cost a list per attribute with an entry for
    every node or edge.
    """

    def __init__(self) -> None:
        self._kinds: dict[str, set[type]] = {}
        self._structured: set[str] = set()

    def see(self, data: Mapping[str, Any], rename: Mapping[str, str] | None = None) -> None:
        for key, value in data.items():
            if rename is not None:
                key = rename.get(key, key)
            kinds = self._kinds.get(key)
            if kinds is None:
                kinds = self._kinds[key] = set()
            if isinstance(value, (list, tuple, dict)):
                self._structured.add(key)
            elif value is not None:
                kinds.add(type(value))

    def types(self) -> dict[str, Any]:
        return {
            key: str if key in self._structured or len(kinds) != 1 else next(iter(kinds))
            for key, kinds in self._kinds.items()
        }


# What XML 1.0 cannot hold, and lxml (under networkx's writers) refuses with a
# ValueError: C0 controls other than tab, newline and return, lone surrogates,
# U+FFFE and U+FFFF. Scraped and word-processor text carries vertical tabs and
# form feeds; in the graph files they become U+FFFD, audit.json keeps them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _to_scalar(value: Any, kind: Any) -> Any:
    if kind is str:
        if value is None:
            return ""
        if isinstance(value, (list, tuple, dict)):
            return _xml_text(json.dumps(value, ensure_ascii=False, sort_keys=True))
        return _xml_text(str(value))
    if value is None:
        return kind()  # 0, 0.0 or False: only reached for a key that is never None elsewhere
    return value


class ExportView:
    """``g`` as :func:`for_export` would copy it, made node by node as networkx's GraphML writer reads it.

    The writer walks the nodes and edges a few times (types, then elements);
    each walk makes the safe attributes afresh instead of holding a second
    graph: at a million paragraphs the copy was about 1.4 GB beside the
    audit (``bench_audit.py``). Only what ``nx.write_graphml`` reads is here:
    ``graph``, ``is_directed``, ``is_multigraph``, ``nodes(data=True)``,
    ``edges(keys=True, data=True)``. The file is the same byte for byte.
    """

    def __init__(self, g: nx.MultiDiGraph) -> None:
        seen_nodes, seen_edges = _AttributeTypes(), _AttributeTypes()
        for _, data in g.nodes(data=True):
            seen_nodes.see(data)
        self._first_edge_keys: list[str] | None = None
        for _, _, data in g.edges(data=True):
            if self._first_edge_keys is None:
                self._first_edge_keys = [_EDGE_RENAMES.get(k, k) for k in data]
            seen_edges.see(data, _EDGE_RENAMES)
        self._g = g
        # Two ids that differ only in characters XML cannot hold become one id: the copy merges
        # them into one node, which a walk cannot (write_graphml then copies).
        renamed = {_xml_text(node) for node in g if _NOT_XML.search(node)}
        self.merges_nodes = len(renamed) < sum(1 for node in g if _NOT_XML.search(node)) or any(
            name in g for name in renamed
        )
        self._node_types = seen_nodes.types()
        self._edge_types = seen_edges.types()

    def node_keys(self) -> list[tuple[str, type]]:
        """Each node attribute with the one type its values have here, in the order a walk meets them."""
        return list(self._node_types.items())

    def edge_keys(self) -> list[tuple[str, type]]:
        """Each edge attribute and its type, in a walk's order (``label`` ends the first edge's keys)."""
        if self._first_edge_keys is None:
            return []
        first = self._first_edge_keys
        order = first + ([] if "label" in first else ["label"])
        order += [k for k in self._edge_types if k not in order]
        label = self._edge_types.get("kind", str)
        return [(k, label if k == "label" else self._edge_types[k]) for k in order]

    @property
    def graph(self) -> dict[str, Any]:
        return {}  # the writer pops "id" from it: a fresh one each time, like the copy's empty one

    def is_directed(self) -> bool:
        return True

    def is_multigraph(self) -> bool:
        return True

    def node_attributes(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return {key: _to_scalar(value, self._node_types[key]) for key, value in data.items()}

    def edge_attributes(self, data: Mapping[str, Any]) -> dict[str, Any]:
        attributes = {}
        for k, value in data.items():
            k = _EDGE_RENAMES.get(k, k)
            attributes[k] = _to_scalar(value, self._edge_types[k])
        attributes["label"] = attributes.get("kind", "")
        return attributes

    def nodes(self, data: bool = True) -> Iterator[tuple[str, dict[str, Any]]]:
        for node, attributes in self._g.nodes(data=True):
            yield _xml_text(node), self.node_attributes(attributes)

    def edges(self, keys: bool = True, data: bool = True) -> Iterator[tuple[str, str, Any, dict[str, Any]]]:
        for u, v, key, attributes in self._g.edges(keys=True, data=True):
            yield _xml_text(u), _xml_text(v), key, self.edge_attributes(attributes)


def for_export(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``g`` whose attributes GraphML and GEXF can hold and give back unchanged.

    None becomes "" and lists become JSON text; each attribute name keeps one
    type across all nodes (or edges). Characters XML cannot hold become
    U+FFFD in text and node ids (:data:`_NOT_XML`). GEXF reserves an edge's ``type`` for its
    direction and ``id``/``label`` for itself, so each edge's type is written
    as ``kind`` and as its ``label``.
    """
    view = ExportView(g)
    # Built with add_*_from: add_node and add_edge one by one took 5 s at a million paragraphs.
    out = nx.MultiDiGraph()
    out.add_nodes_from(view.nodes())
    out.add_edges_from(view.edges())
    return out


def write_graphml(g: nx.MultiDiGraph, path: Any) -> None:
    """GraphML of ``g`` with the attributes of :func:`for_export`, written without copying the graph."""
    from networkx.readwrite.graphml import GraphMLWriterLxml, IncrementalElement

    class KnownKeysWriter(GraphMLWriterLxml):
        """networkx's incremental GraphML writer, declaring the keys from the view's types.

        networkx's own ``add_graph_element`` walks the nodes, then the edges,
        twice each to find each attribute's type and declare its key before
        it walks them again to write them; an :class:`ExportView` makes every
        node's and edge's attributes afresh on each walk. The view knows the
        types (found in one pass when it was made), so this declares the keys
        from them, in the order the walks would meet them, and walks the
        graph once, to write it. The file is the same byte for byte
        (tests/test_graph.py); at 100,000 paragraphs the walks were about a
        quarter of the GraphML's writing time.
        """

        def add_graph_element(self, view: ExportView) -> None:
            for scope, keys in (("node", view.node_keys()), ("edge", view.edge_keys())):
                for name, kind in keys:
                    self.attribute_types[(name, scope)].add(kind)
                    self.get_key(name, self.get_xml_type(kind), scope, None)
            for key in self.xml:
                self._xml.write(key, pretty_print=self._prettyprint)
            elements = IncrementalElement(self._xml, self._prettyprint)
            with self._xml.element("graph", edgedefault="directed"):
                self.add_nodes(view, elements)
                self.add_edges(view, elements)

    view = ExportView(g)
    if view.merges_nodes:
        writer = GraphMLWriterLxml(path, graph=for_export(g))
    else:
        writer = KnownKeysWriter(path, view)
    writer.dump()


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return value


def to_node_link(g: nx.MultiDiGraph) -> dict[str, Any]:
    """``g`` as node-link JSON (``nodes`` and ``edges`` lists, multigraph keys kept) for ``--format json``."""
    data = nx.node_link_data(g, edges="edges")
    for item in (*data["nodes"], *data["edges"]):
        for key, value in item.items():
            item[key] = _jsonable(value)
    return data
