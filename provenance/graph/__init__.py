"""The provenance graph: who cites whom, who reprints whom, and which copy is the source.

:func:`build_graph` turns posts and their duplicate pairs into a
:class:`~provenance.models.GraphResult`: a ``networkx.MultiDiGraph`` of posts,
outlets, authors and notes, and a :class:`.clusters.ClusterLayer` that makes the
cluster and paragraph nodes and their edges when the graph is written
(``GraphResult.elements()`` walks all of it, ``GraphResult.full_graph()``
builds it as one networkx graph). Node ids are ``post:<id>``, ``outlet:<canonical>``,
``author:<name>``, ``cluster:<n>``, ``para:<post>#<index>`` and
``note:<post>#<line>``; every node has ``type`` and ``label``. Edge types:

- ``cites``      post -> outlet, from the citation line (original title, date, line)
- ``by``         post -> author
- ``mentions``   post -> outlet, one per in-text attribution (sentence, line, cue)
- ``credits``    post -> outlet, one per credit: a link to the outlet's site or a credit
  line ("via X", "Source: X"; how, evidence, line, url)
- ``reprints``   copy post -> source post (decided_by, shared_paragraphs, share_of_source)
- ``self_repeats`` post -> itself, when the post repeats its own paragraphs (an excerpt
  repeated in the body is not a reprint)
- ``copy_of``    later paragraph -> the earliest witness of its duplicate cluster
- ``member_of``  paragraph -> cluster
- ``has_note``   post -> editor note (the note keeps the title it points to)

The stage is one module per part: :mod:`.build` (the orchestration, one
small function per kind of node or edge), :mod:`.outlets` (outlet names),
:mod:`.reprints` (who carries whose paragraphs, and which is the source),
:mod:`.notes` (editor notes), :mod:`.clusters` (the paragraph layer),
:mod:`.chain` (the provenance chain of one post) and :mod:`.export`
(GraphML/GEXF-safe attributes, node-link JSON). No file I/O here:
:mod:`provenance.export` writes the files.
"""

from __future__ import annotations

from provenance.graph.build import LINKING_STEPS, build_graph
from provenance.graph.chain import ChainStep, ProvenanceChain, find_post, format_chain, provenance_chain
from provenance.graph.clusters import ClusterLayer, GraphElements
from provenance.graph.export import for_export, to_node_link, write_gexf, write_graphml
from provenance.graph.nodes import para_node, post_node
from provenance.graph.reprints import REPRINT_KINDS

__all__ = [
    "LINKING_STEPS",
    "REPRINT_KINDS",
    "ChainStep",
    "ClusterLayer",
    "GraphElements",
    "ProvenanceChain",
    "build_graph",
    "find_post",
    "for_export",
    "format_chain",
    "para_node",
    "post_node",
    "provenance_chain",
    "to_node_link",
    "write_gexf",
    "write_graphml",
]
