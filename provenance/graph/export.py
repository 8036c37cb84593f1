"""The graph as files can hold it: GraphML/GEXF-safe attributes and node-link JSON."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import networkx as nx

from provenance.graph.clusters import GraphElements

# GEXF reserves an edge's ``type`` (see for_export).
_EDGE_RENAMES = {"type": "kind"}


@functools.cache
def _declarable() -> frozenset[type]:
    """The types of value both GraphML and GEXF declare an attribute as (text, numbers, booleans).

    A value of any other type (a date, a Decimal, a path) is written as its
    text: looked up in these writers' tables, it raised KeyError here and
    TypeError in networkx's own writers.
    """
    from networkx.readwrite.gexf import GEXF
    from networkx.readwrite.graphml import GraphML

    gexf, graphml = GEXF(), GraphML()
    gexf.construct_types()
    graphml.construct_types()
    return (frozenset(gexf.xml_type) & frozenset(graphml.xml_type)) - {list, dict}


class _AttributeTypes:
    """The one scalar type each attribute name gets across all nodes (or all edges), found in one pass.

    An attribute holding a list, tuple or dict anywhere, a value of a type
    the files cannot declare (:func:`_declarable`), values of two types, or
    only None, is written as text. Only the types are kept: holding every
    value until the end cost a list per attribute with an entry for every
    node or edge.
    """

    def __init__(self) -> None:
        self._kinds: dict[str, set[type]] = {}
        self._structured: set[str] = set()
        self._declarable = _declarable()

    def see(self, data: Mapping[str, Any], rename: Mapping[str, str] | None = None) -> None:
        for key, value in data.items():
            if rename is not None:
                key = rename.get(key, key)
            kinds = self._kinds.get(key)
            if kinds is None:
                kinds = self._kinds[key] = set()
            if isinstance(value, (list, tuple, dict)) or (
                value is not None and type(value) not in self._declarable
            ):
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
            return _xml_text(_json_text(value))
        return _xml_text(str(value))
    if value is None:
        return kind()  # 0, 0.0 or False: only reached for a key that is never None elsewhere
    return value


def _json_text(value: list[Any] | tuple[Any, ...] | dict[Any, Any]) -> str:
    """A list or mapping as JSON, keys sorted; what JSON cannot hold (a date) as its text."""
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    except TypeError:  # keys of two types (1 and "two") cannot be sorted
        return json.dumps(value, ensure_ascii=False, default=str)


class ExportView:
    """``g`` as :func:`for_export` would copy it, made node by node as networkx's GraphML writer reads it.

    The writer walks the nodes and edges a few times (types, then elements);
    each walk makes the safe attributes afresh instead of holding a second
    graph: at a million paragraphs the copy was about 1.4 GB beside the
    audit (``bench_audit.py``). Only what ``nx.write_graphml`` reads is here:
    ``graph``, ``is_directed``, ``is_multigraph``, ``nodes(data=True)``,
    ``edges(keys=True, data=True)``. The file is the same byte for byte.
    """

    def __init__(self, g: nx.MultiDiGraph | GraphElements) -> None:
        seen_nodes, seen_edges = _AttributeTypes(), _AttributeTypes()
        for _, data in g.nodes(data=True):
            seen_nodes.see(data)
        self._first_edge_keys: list[str] | None = None
        for _, _, data in g.edges(data=True):
            if self._first_edge_keys is None:
                # Once each: "type" and "kind" are one attribute in the copy.
                self._first_edge_keys = list(dict.fromkeys(_EDGE_RENAMES.get(k, k) for k in data))
            seen_edges.see(data, _EDGE_RENAMES)
        self._g = g
        # Two ids that differ only in characters XML cannot hold become one id: the copy merges
        # them into one node, which a walk cannot (write_graphml then copies).
        unwritable = [node for node in g if _NOT_XML.search(node)]
        renamed = {_xml_text(node) for node in unwritable}
        # One more walk, and only where an id was renamed: a layer of the graph made as it is
        # read (GraphElements) answers ``in`` by a walk of its own.
        self.merges_nodes = len(renamed) < len(unwritable) or (
            bool(renamed) and any(node in renamed for node in g)
        )
        self._node_types = seen_nodes.types()
        self._edge_types = seen_edges.types()

    def node_keys(self) -> list[tuple[str, type]]:
        """Each node attribute with the one type its values have here, in the order a walk meets them."""
        return list(self._node_types.items())

    def first_edge_keys(self) -> list[str]:
        """The first edge's attribute names as :meth:`edge_attributes` gives them (``label`` last)."""
        if self._first_edge_keys is None:
            return []
        first = self._first_edge_keys
        return first + ([] if "label" in first else ["label"])

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
        declarable = _declarable()
        for u, v, key, attributes in self._g.edges(keys=True, data=True):
            if type(key) not in declarable:
                key = str(key)  # GEXF gives the key as an attribute (networkx_key): a tuple is its text
            yield _xml_text(u), _xml_text(v), key, self.edge_attributes(attributes)


def for_export(g: nx.MultiDiGraph | GraphElements) -> nx.MultiDiGraph:
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


# What lxml (under networkx's GraphML writer) escapes, in text and in attribute values.
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
)
_TEXT_SPECIAL = re.compile("[&<>\r]")
_ATTRIBUTE_SPECIAL = re.compile('[&<>"\t\n\r]')
_GRAPHML_START = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)
# Elements written between two writes to the file (_Batched).
_BATCH = 2_000


class _Batched:
    """Text for a file, written a batch of elements at a time: one write per :data:`_BATCH` elements
    instead of one per line, and never the whole file held."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.pending: list[str] = []
        self.elements = 0

    def add(self, *texts: str) -> None:
        self.pending.extend(texts)

    def element(self, empty: str, start: str, lines: list[str], end: str) -> None:
        """One element: ``empty`` when it has no ``lines``, else ``start``, the lines and ``end``."""
        if lines:
            self.pending.append(start)
            self.pending.extend(lines)
            self.pending.append(end)
        else:
            self.pending.append(empty)
        self.elements += 1
        if self.elements % _BATCH == 0:
            self.flush()

    def flush(self) -> None:
        self.handle.write("".join(self.pending))
        self.pending.clear()


def _xml_content(text: str) -> str:
    return text.translate(_TEXT_ESCAPES) if _TEXT_SPECIAL.search(text) else text


def _xml_attribute(text: str) -> str:
    return text.translate(_ATTRIBUTE_ESCAPES) if _ATTRIBUTE_SPECIAL.search(text) else text


def _graphml_type(kind: type) -> str:
    """networkx's GraphML type name of a Python type ("string", "long", "double", "boolean")."""
    from networkx.readwrite.graphml import GraphML

    names = GraphML()
    names.construct_types()
    return str(names.xml_type[kind])


def write_graphml(g: nx.MultiDiGraph | GraphElements, path: Any) -> None:
    """GraphML of ``g`` with the attributes of :func:`for_export`, written without copying the graph.

    The bytes are those ``nx.write_graphml(for_export(g), path)`` writes
    (tests/test_graph.py compares them, on the seed, on hand-made graphs and
    on generated ones), but each element is formatted as text here instead of
    being built as an lxml element with an element per attribute: on the
    100,000-paragraph dump's graph networkx's writer took 5.6 s and this one
    2.1 s (a scratch script timing both in one process; the whole command at
    a million paragraphs is in ``benchmarks/README.md``). The keys are declared
    from the types the :class:`ExportView` found in one pass, with the ids
    and in the order networkx's own walks give them. Where two node ids
    become one in XML, networkx writes the merged copy.
    """
    view = ExportView(g)
    if view.merges_nodes:
        nx.write_graphml(for_export(g), path)
        return
    keys: list[tuple[str, str, str, str]] = []  # (id, scope, name, type)
    node_ids: dict[str, str] = {}
    edge_ids: dict[str, str] = {}
    for scope, declared, ids in (("node", view.node_keys(), node_ids), ("edge", view.edge_keys(), edge_ids)):
        for name, kind in declared:
            ids[name] = key_id = f"d{len(keys)}"
            keys.append((key_id, scope, name, _graphml_type(kind)))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(_GRAPHML_START)
        for key_id, scope, name, kind_name in reversed(keys):  # networkx inserts each new key first
            handle.write(
                f'<key id="{key_id}" for="{scope}" attr.name="{_xml_attribute(name)}" '
                f'attr.type="{kind_name}"/>\n'
            )
        handle.write('<graph edgedefault="directed">')
        batch = _Batched(handle)

        def element(tag: str, opening: str, attributes: Mapping[str, Any], ids: Mapping[str, str]) -> None:
            data = [f'  <data key="{ids[k]}">{_xml_content(str(v))}</data>\n' for k, v in attributes.items()]
            batch.element(f"<{tag} {opening}/>\n", f"<{tag} {opening}>\n", data, f"</{tag}>\n")

        for node, attributes in view.nodes():
            element("node", f'id="{_xml_attribute(node)}"', attributes, node_ids)
        for u, v, key, attributes in view.edges():
            ends = (
                f'source="{_xml_attribute(u)}" target="{_xml_attribute(v)}" id="{_xml_attribute(str(key))}"'
            )
            element("edge", ends, attributes, edge_ids)
        batch.flush()
        handle.write("</graph></graphml>")


# What networkx's GEXF writer takes out of a node's or an edge's data for the element itself or for
# what GEXF gives them (ids, parents, spells, visual attributes), or renames (any "key" is declared as
# "networkx_key"): such graphs are written by networkx.
_GEXF_NODE_SPECIAL = frozenset(
    {"id", "pid", "start", "end", "parents", "spells", "slices", "viz", "key", "networkx_key"}
)
_GEXF_EDGE_SPECIAL = frozenset(
    {"id", "weight", "start", "end", "spells", "slices", "viz", "key", "networkx_key"}
)
# What xml.etree (under networkx's GEXF writer) escapes in attribute values, and in text.
_GEXF_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}
)
_GEXF_FLOATS = {"inf": "INF", "nan": "NaN", "-inf": "-INF"}


def _gexf_attribute(text: str) -> str:
    return text.translate(_GEXF_ATTRIBUTE_ESCAPES) if _ATTRIBUTE_SPECIAL.search(text) else text


def _gexf_value(value: Any) -> str:
    """A value as networkx's GEXF writer puts it: ``true``/``false``, ``INF``, ``NaN``, else ``str``.

    Only a Python float is written ``INF``: networkx tests the type itself, and
    writes a numpy float64 (a subclass) as ``inf``.
    """
    if isinstance(value, bool):
        return str(value).lower()
    text = str(value)
    return _GEXF_FLOATS.get(text, text) if type(value) is float else text


def write_gexf(g: nx.MultiDiGraph | GraphElements, path: Any) -> None:
    """GEXF of ``g`` with the attributes of :func:`for_export`, written as it is walked.

    The bytes are those ``nx.write_gexf(for_export(g), path)`` writes
    (tests/test_graph.py compares them), but networkx builds the whole
    document as a tree of elements before it writes a byte (about 4 GB at a
    million paragraphs) and this writer holds a batch of elements at a time.
    The attributes are declared from the types
    the :class:`ExportView` found in one pass, with the ids and in the order
    networkx gives them as it meets them. Where two node ids become one in
    XML, or an attribute's name is one GEXF gives a meaning of its own
    (``id``, ``weight``, ``start``, ``viz``…), networkx writes the copy.
    """
    import time

    from networkx.readwrite.gexf import GEXF

    view = ExportView(g)
    node_names = {name for name, _ in view.node_keys()}
    edge_names = {name for name, _ in view.edge_keys()}
    # networkx titles an attribute str(name): names that are not text (two of them alike as text share
    # one declaration there) are left to it too.
    texts = all(isinstance(name, str) for name in node_names | edge_names)
    if view.merges_nodes or node_names & _GEXF_NODE_SPECIAL or edge_names & _GEXF_EDGE_SPECIAL or not texts:
        nx.write_gexf(for_export(g), path)
        return
    names = GEXF()
    names.construct_types()
    names.set_version("1.2draft")  # nx.write_gexf's default
    xml_type = names.xml_type
    # Declared as networkx declares them, in the order its walk meets them: the nodes' (but the
    # label, an attribute of the element), then the edges', each edge's multigraph key
    # (networkx_key) coming after the first edge's own.
    node_keys = [(name, kind) for name, kind in view.node_keys() if name != "label"]
    edge_types = dict(view.edge_keys())
    first_edge = [name for name in view.first_edge_keys() if name != "label"]
    edge_order = first_edge + [name for name in edge_types if name not in first_edge and name != "label"]
    edges = view.edges()
    first = next(edges, None)
    declared_edges: list[tuple[str, str]] = []
    if first is not None:
        key_type = xml_type[type(first[2])]
        declared_edges = [(name, xml_type[edge_types[name]]) for name in first_edge]
        declared_edges.append(("networkx_key", key_type))
        declared_edges += [(name, xml_type[edge_types[name]]) for name in edge_order[len(first_edge) :]]
    node_ids = {name: str(number) for number, (name, _) in enumerate(node_keys)}
    edge_ids = {name: str(len(node_keys) + number) for number, (name, _) in enumerate(declared_edges)}

    def declarations(scope: str, declared: list[tuple[str, str]], ids: Mapping[str, str]) -> str:
        lines = [f'    <attributes mode="static" class="{scope}">\n']
        lines += [
            f'      <attribute id="{ids[name]}" title="{_gexf_attribute(name)}" type="{kind}" />\n'
            for name, kind in declared
        ]
        lines.append("    </attributes>\n")
        return "".join(lines)

    # xml.etree writes what UTF-8 cannot hold (a lone surrogate in an attribute's name: ids and values
    # have none left) as a character reference.
    with open(path, "w", encoding="utf-8", errors="xmlcharrefreplace", newline="") as handle:
        handle.write(
            "<?xml version='1.0' encoding='utf-8'?>\n"
            f'<gexf xmlns="{names.NS_GEXF}" xmlns:xsi="{names.NS_XSI}" '
            f'xsi:schemaLocation="{names.SCHEMALOCATION}" version="{names.VERSION}">\n'
            f'  <meta lastmodifieddate="{time.strftime("%Y-%m-%d")}">\n'
            f"    <creator>NetworkX {_gexf_attribute(nx.__version__)}</creator>\n"
            "  </meta>\n"
            '  <graph defaultedgetype="directed" mode="static" name="">\n'
        )
        # networkx puts each class's declarations first in the graph as it meets the class: the edges'
        # come before the nodes'.
        if declared_edges:
            handle.write(declarations("edge", declared_edges, edge_ids))
        if node_keys:
            handle.write(declarations("node", [(n, xml_type[k]) for n, k in node_keys], node_ids))
        batch = _Batched(handle)

        def element(opening: str, attributes: Mapping[str, Any], ids: Mapping[str, str]) -> None:
            values = [
                f'          <attvalue for="{ids[k]}" value="{_gexf_attribute(_gexf_value(v))}" />\n'
                for k, v in attributes.items()
            ]
            end = f"        </attvalues>\n      </{opening.split(' ', 1)[0]}>\n"
            batch.element(f"      <{opening} />\n", f"      <{opening}>\n        <attvalues>\n", values, end)

        nodes = view.nodes()
        node = next(nodes, None)
        if node is None:
            batch.add("    <nodes />\n")
        else:
            batch.add("    <nodes>\n")
            while node is not None:
                node_id, data = node
                label = data.pop("label", node_id)
                element(
                    f'node id="{_gexf_attribute(node_id)}" label="{_gexf_attribute(str(label))}"',
                    data,
                    node_ids,
                )
                node = next(nodes, None)
            batch.add("    </nodes>\n")
        if first is None:
            batch.add("    <edges />\n")
        else:
            batch.add("    <edges>\n")
            number = 0
            edge: tuple[str, str, Any, dict[str, Any]] | None = first
            while edge is not None:
                u, v, key, data = edge
                label = data.pop("label")
                data["networkx_key"] = key
                opening = (
                    f'edge source="{_gexf_attribute(u)}" target="{_gexf_attribute(v)}" id="{number}" '
                    f'label="{_gexf_attribute(str(label))}"'
                )
                element(opening, data, edge_ids)
                number += 1
                edge = next(edges, None)
            batch.add("    </edges>\n")
        batch.add("  </graph>\n</gexf>\n")
        batch.flush()


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
