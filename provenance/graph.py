"""The provenance graph: who cites whom, who reprints whom, and which copy is the source.

:func:`build_graph` turns posts and their duplicate pairs into a
``networkx.MultiDiGraph``. Node ids are ``post:<id>``, ``outlet:<canonical>``,
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

No file I/O here: :func:`for_export` gives a GraphML/GEXF-safe copy and
:func:`to_node_link` a JSON-ready dict; :mod:`provenance.export` writes them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from provenance.attribution import mentions_of_posts
from provenance.config import AuditConfig
from provenance.credits import credits_of_posts
from provenance.dedup.order import Chronology, chronological_key
from provenance.errors import ProvenanceError
from provenance.models import (
    Credit,
    DedupResult,
    GraphResult,
    Mention,
    Outlet,
    ParagraphRef,
    Post,
    Reprint,
)
from provenance.outlets import OutletAliases, builtin_aliases, outlet_key

__all__ = [
    "REPRINT_KINDS",
    "ChainStep",
    "ProvenanceChain",
    "build_graph",
    "find_post",
    "for_export",
    "format_chain",
    "provenance_chain",
    "to_node_link",
]

# Pair kinds strong enough to say a paragraph was carried over; a ``partial``
# pair shares phrases, not the paragraph.
REPRINT_KINDS = frozenset({"exact", "near", "contained"})

_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)

#: Steps of :func:`build_graph` after the attributions are read, as its progress counts them:
#: posts and outlets, reprints, self-repeats, clusters, notes and the summary.
LINKING_STEPS = 5


def post_node(post_id: str) -> str:
    return f"post:{post_id}"


def para_node(ref: ParagraphRef) -> str:
    return f"para:{ref.post}#{ref.paragraph}"


def _iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


# --------------------------------------------------------------------------
# outlets
# --------------------------------------------------------------------------


class _OutletRegistry:
    """Merges outlet names to one node per outlet, and remembers how each was written.

    Known names merge through the alias list; unknown ones merge when their
    :func:`outlet_key` agrees, under the spelling seen most often (citations
    first, then alphabetical) so the node name does not depend on input order.
    """

    def __init__(self, aliases: OutletAliases) -> None:
        self.aliases = aliases
        self.forms: dict[str, Counter[str]] = defaultdict(Counter)  # key -> cleaned spellings
        self.cited_forms: dict[str, Counter[str]] = defaultdict(Counter)
        self.surfaces: dict[str, set[str]] = defaultdict(set)  # key -> spellings as written
        # Posts per outlet, first seen first: dicts are ordered sets (a list
        # scan for "seen already?" made this quadratic, 8 s at a million paragraphs).
        self.cited_by: dict[str, dict[str, None]] = defaultdict(dict)
        self.mentioned_by: dict[str, dict[str, None]] = defaultdict(dict)
        self.credited_by: dict[str, dict[str, None]] = defaultdict(dict)

    def key(self, name: str) -> str:
        return outlet_key(self.aliases.canonical(name))

    def add(
        self,
        written: str,
        *,
        post: str,
        cited: bool = False,
        canonical: str | None = None,
        credited: bool = False,
    ) -> str:
        """Record that ``post`` cites, credits or (else) mentions ``written``; ``canonical`` when resolved."""
        canonical = canonical or self.aliases.canonical(written)
        key = outlet_key(canonical)
        self.forms[key][canonical] += 1
        if cited:
            self.cited_forms[key][canonical] += 1
        if written.strip():
            self.surfaces[key].add(" ".join(written.split()))
        by = self.cited_by if cited else self.credited_by if credited else self.mentioned_by
        by[key].setdefault(post)
        return key

    def name(self, key: str) -> str:
        counts = self.cited_forms.get(key) or self.forms[key]
        return min(counts, key=lambda form: (-counts[form], form))

    def outlets(self) -> list[Outlet]:
        result = []
        for key in self.forms:
            name = self.name(key)
            result.append(
                Outlet(
                    name=name,
                    aliases=tuple(
                        sorted(
                            s
                            for s in self.surfaces[key]
                            if _LEADING_THE.sub("", s) != _LEADING_THE.sub("", name)
                        )
                    ),
                    cited_by=tuple(self.cited_by.get(key, ())),
                    mentioned_by=tuple(self.mentioned_by.get(key, ())),
                    kind=self.aliases.kind(name),
                    credited_by=tuple(self.credited_by.get(key, ())),
                    source="known" if self.aliases.known(name) else "found",
                )
            )
        return sorted(result, key=lambda o: (o.name.casefold(), o.name))


# --------------------------------------------------------------------------
# reprints
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Carried:
    """Which paragraphs of two posts are carried by the other (from pairs of REPRINT_KINDS)."""

    first: frozenset[int]
    second: frozenset[int]


def _carried_paragraphs(dedup: DedupResult) -> dict[tuple[str, str], _Carried]:
    """Paragraphs of each two posts carried by the other, a post's repeats of a carried text included.

    Only a text's first occurrence in a post is paired across posts (its
    later occurrences there are exact pairs to it, see
    :func:`provenance.dedup.verify.exact_groups`), so those repeats are
    added back: an archive post's excerpt and the same words in its full
    text are both carried.
    """
    repeats: dict[ParagraphRef, list[int]] = defaultdict(list)
    for pair in dedup.pairs:
        if pair.inside_post and pair.kind == "exact":
            first, later = sorted((pair.a, pair.b))
            repeats[first].append(later.paragraph)
    carried: dict[tuple[str, str], tuple[set[int], set[int]]] = {}
    for pair in dedup.pairs:
        if pair.inside_post or pair.kind not in REPRINT_KINDS:
            continue
        first, second = sorted((pair.a, pair.b))
        sides = carried.setdefault((first.post, second.post), (set(), set()))
        sides[0].add(first.paragraph)
        sides[0].update(repeats.get(first, ()))
        sides[1].add(second.paragraph)
        sides[1].update(repeats.get(second, ()))
    return {posts: _Carried(frozenset(a), frozenset(b)) for posts, (a, b) in carried.items()}


def _words(post: Post) -> int:
    return sum(len(p.text.split()) for p in post.paragraphs)


def _direction(
    x: Post,
    y: Post,
    carried_x: frozenset[int],
    carried_y: frozenset[int],
    order: Mapping[str, int],
    chronology: Chronology,
) -> tuple[Post, Post, str]:
    """(source, copy, evidence): by the chronology's evidence (:mod:`provenance.dedup.order`).

    Contemporaries stay ``undecided`` (in input order). Where neither post is
    dated, the source is guessed: the one wholly inside the other
    (``containment``), else the first in input order.
    """
    x_first, evidence = chronology.decide_one(order[x.id], order[y.id])
    if evidence == "input_order":
        x_whole = len(carried_x) == len(x.paragraphs)
        y_whole = len(carried_y) == len(y.paragraphs)
        # The copy holds all of the source and more: the source is the one wholly inside the other.
        if x_whole and not y_whole:
            return x, y, "containment"
        if y_whole and not x_whole:
            return y, x, "containment"
        if x_whole and y_whole and _words(x) != _words(y):
            return (x, y, "containment") if _words(x) < _words(y) else (y, x, "containment")
    return (x, y, evidence) if x_first else (y, x, evidence)


def _introducing_mention(copy: Post, carried: frozenset[int], mentions: Sequence[Mention]) -> Mention | None:
    """An attribution ending in ":" before a carried paragraph ("DEBKAfile reported Thursday, Nov. 3:")."""
    for mention in mentions:
        if mention.paragraph < 0 or mention.paragraph + 1 not in carried:
            continue
        if copy.paragraphs[mention.paragraph].text.rstrip().endswith(":"):
            return mention
    return None


def _find_reprints(
    posts: Sequence[Post],
    dedup: DedupResult,
    config: AuditConfig,
    mentions_by_post: Mapping[str, Sequence[Mention]],
    chronology: Chronology,
) -> list[tuple[Reprint, Mention | None, tuple[int, ...]]]:
    by_id = {post.id: post for post in posts}
    order = {post.id: i for i, post in enumerate(posts)}
    found = []
    for (first_id, second_id), carried in sorted(_carried_paragraphs(dedup).items()):
        if first_id not in by_id or second_id not in by_id:
            continue
        first, second = by_id[first_id], by_id[second_id]
        source, copy, decided_by = _direction(first, second, carried.first, carried.second, order, chronology)
        in_source, in_copy = (
            (carried.first, carried.second) if source is first else (carried.second, carried.first)
        )
        share = len(in_source) / len(source.paragraphs) if source.paragraphs else 0.0
        introduced = _introducing_mention(copy, in_copy, mentions_by_post.get(copy.id, ()))
        if share >= config.reprint_share or introduced is not None:
            reprint = Reprint(
                source=source.id,
                copy=copy.id,
                shared_paragraphs=len(in_source),
                share_of_source=round(share, 4),
                decided_by=decided_by,
            )
            found.append((reprint, introduced, tuple(sorted(in_source))))
    found.sort(key=lambda item: (order[item[0].source], order[item[0].copy]))
    return found


# --------------------------------------------------------------------------
# clusters and editor notes
# --------------------------------------------------------------------------


_SEE = re.compile(
    r"\(?\s*(?:but\s+)?(?:please\s+)?see(?:\s+also)?\s*[,:]?\s*(?P<title>.+?)"
    r"\s*(?:[—–-]+\s*(?P<sign>[A-Z]{1,4}))?\s*\)?\s*$",
    re.IGNORECASE,
)


def _title_key(title: str) -> str:
    text = unicodedata.normalize("NFKC", title).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def _parse_note(text: str) -> tuple[str, str]:
    """(title pointed to, signature) of an editor note such as "(But please see, A title. — DM)"."""
    match = _SEE.match(text.strip())
    if match is None or "see" not in text.casefold():
        sign = re.search(r"[—–]\s*([A-Z]{1,4})\s*[)\]]?\s*$", text)
        return "", sign.group(1) if sign else ""
    return match.group("title").strip(" ,.;"), match.group("sign") or ""


# --------------------------------------------------------------------------
# the graph
# --------------------------------------------------------------------------


def build_graph(
    posts: Sequence[Post],
    dedup: DedupResult,
    config: AuditConfig,
    aliases: OutletAliases | None = None,
    progress: Callable[[str, int, int | None], None] | None = None,
    mentions_per_post: Sequence[Sequence[Mention]] | None = None,
    chronology: Chronology | None = None,
    credits_per_post: Sequence[Sequence[Credit]] | None = None,
) -> GraphResult:
    """The provenance graph of ``posts`` from their duplicate pairs, citations, attributions and credits.

    ``mentions_per_post`` and ``credits_per_post`` are the attributions and
    credits of each post (in the order of ``posts``) from the attribution
    stage, read here when not given;
    ``chronology`` the evidence of order the duplicate stage used, made from
    the posts alone when not given. ``progress(stage, done, total)`` hears the
    steps of linking (:data:`LINKING_STEPS`): at a million paragraphs the
    stage runs for most of a minute.
    """
    aliases = aliases or builtin_aliases()
    graph = nx.MultiDiGraph()
    by_id = {post.id: post for post in posts}
    registry = _OutletRegistry(aliases)

    def linked(step: int) -> None:
        if progress:
            progress("graph: linking", step, LINKING_STEPS)

    vouched: frozenset[str] = frozenset()
    if credits_per_post is None:
        credits_per_post, vouched = credits_of_posts(posts, aliases)
    if mentions_per_post is None:
        mentions_per_post = mentions_of_posts(posts, aliases, config.workers, vouched=vouched)
    credits = [credit for found in credits_per_post for credit in found]
    chronology = chronology or Chronology.of(posts)
    mentions: list[Mention] = []
    mentions_by_post: dict[str, list[Mention]] = {}
    for post, found in zip(posts, mentions_per_post, strict=True):
        mentions_by_post[post.id] = list(found)
        mentions.extend(found)

    # Names first, so every outlet node carries its final name and aliases.
    for post in posts:
        if post.citation and post.citation.outlet:
            registry.add(post.citation.outlet, post=post.id, cited=True)
    for mention in mentions:
        registry.add(mention.surface, post=mention.post, canonical=mention.outlet)
    for credit in credits:
        # A link's words ("this report") are a spelling of the outlet only when they name it.
        names_it = registry.key(credit.surface) == registry.key(credit.outlet)
        registry.add(
            credit.surface if names_it else "", post=credit.post, canonical=credit.outlet, credited=True
        )
    outlets = registry.outlets()
    outlet_by_key = {registry.key(o.name): o for o in outlets}
    linked(0)

    def outlet_node(name: str) -> str:
        return f"outlet:{outlet_by_key[registry.key(name)].name}"

    for post in posts:
        reuse = dedup.reuse.get(post.id)
        graph.add_node(
            post_node(post.id),
            type="post",
            label=post.title,
            post_id=post.id,
            title=post.title,
            date=_iso(post.date),
            path=post.source.path,
            line_start=post.source.line_start,
            line_end=post.source.line_end,
            paragraphs=len(post.paragraphs),
            copied_share=round(reuse.share, 4) if reuse else 0.0,
            derivation=reuse.derivation if reuse else "independent",
            url=post.url,
        )
    for outlet in outlets:
        graph.add_node(
            f"outlet:{outlet.name}",
            type="outlet",
            label=outlet.name,
            name=outlet.name,
            kind=outlet.kind,
            aliases=list(outlet.aliases),
            cited_by=len(outlet.cited_by),
            mentioned_by=len(outlet.mentioned_by),
            credited_by=len(outlet.credited_by),
            source=outlet.source,
        )

    for post in posts:
        citation = post.citation
        if citation is None:
            continue
        if citation.outlet:
            graph.add_edge(
                post_node(post.id),
                outlet_node(citation.outlet),
                type="cites",
                original_title=citation.title,
                original_date=_iso(citation.date),
                line=citation.line,
                written=citation.outlet,
            )
        authors = citation.authors or ((citation.author,) if citation.author else ())
        for author in authors:
            node = f"author:{author}"
            graph.add_node(node, type="author", label=author, name=author)
            graph.add_edge(post_node(post.id), node, type="by", line=citation.line)

    for mention in mentions:
        graph.add_edge(
            post_node(mention.post),
            outlet_node(mention.outlet),
            type="mentions",
            surface=mention.surface,
            sentence=mention.sentence,
            line=mention.line,
            paragraph=mention.paragraph,
            cue=mention.cue,
        )

    for credit in credits:
        graph.add_edge(
            post_node(credit.post),
            outlet_node(credit.outlet),
            type="credits",
            how=credit.how,
            surface=credit.surface,
            evidence=credit.evidence,
            line=credit.line,
            paragraph=credit.paragraph,
            url=credit.url,
        )

    linked(1)
    reprints = []
    for reprint, introduced, source_paragraphs in _find_reprints(
        posts, dedup, config, mentions_by_post, chronology
    ):
        reprints.append(reprint)
        graph.add_edge(
            post_node(reprint.copy),
            post_node(reprint.source),
            type="reprints",
            decided_by=reprint.decided_by,
            shared_paragraphs=reprint.shared_paragraphs,
            share_of_source=reprint.share_of_source,
            source_paragraphs=list(source_paragraphs),
            introduced_by=introduced.sentence if introduced else None,
            introduced_line=introduced.line if introduced else 0,
        )

    linked(2)
    inside: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for pair in dedup.pairs:
        if pair.inside_post and pair.a.post in by_id:
            low, high = sorted((pair.a.paragraph, pair.b.paragraph))
            inside[pair.a.post].append((low, high))
    for post in posts:
        repeats = sorted(inside.get(post.id, ()))
        if repeats:
            graph.add_edge(
                post_node(post.id),
                post_node(post.id),
                type="self_repeats",
                pairs=len(repeats),
                paragraph_pairs=[list(r) for r in repeats],
            )

    linked(3)
    when = chronological_key(posts)
    for cluster in sorted(dedup.clusters, key=lambda c: c.id):
        members = [m for m in cluster.members if m.post in by_id]
        if not members:
            continue
        earliest = min(members, key=lambda m: (when[m.post], m.paragraph))
        cluster_node = f"cluster:{cluster.id}"
        graph.add_node(
            cluster_node,
            type="cluster",
            label=f"cluster {cluster.id}",
            size=len(members),
            posts=len({m.post for m in members}),
            kinds=list(cluster.kinds),
            earliest=para_node(earliest),
            witness_decided_by=cluster.witness_decided_by or None,
        )
        for member in sorted(members):
            paragraph = by_id[member.post].paragraphs[member.paragraph]
            graph.add_node(
                para_node(member),
                type="paragraph",
                label=f"{by_id[member.post].title} ¶{member.paragraph}",
                post_id=member.post,
                index=member.paragraph,
                line=paragraph.line,
                text=paragraph.text,
            )
            graph.add_edge(para_node(member), cluster_node, type="member_of")
        for member in sorted(members):
            if member != earliest:
                graph.add_edge(
                    para_node(member),
                    para_node(earliest),
                    type="copy_of",
                    inside_post=member.post == earliest.post,
                )

    linked(4)
    titles = {_title_key(post.title): post.id for post in posts}
    for post in posts:
        for note in post.notes:
            if note.role != "editor_note":
                continue
            pointed, sign = _parse_note(note.text)
            target = titles.get(_title_key(pointed)) if pointed else None
            node = f"note:{post.id}#{note.line}"
            graph.add_node(
                node,
                type="note",
                label=note.text,
                text=note.text,
                line=note.line,
                refers_to=pointed or None,
                refers_to_post=target,
                in_dump=target is not None,
                signed=sign or None,
            )
            graph.add_edge(post_node(post.id), node, type="has_note", line=note.line)
            if target is not None:
                graph.add_edge(node, post_node(target), type="refers_to")

    mentions.sort(key=lambda m: (m.post, m.line, m.paragraph, m.outlet, m.surface, m.cue))
    summary = _summary(graph, posts, outlets, reprints, dedup)
    linked(LINKING_STEPS)
    return GraphResult(
        graph=graph, reprints=reprints, outlets=outlets, mentions=mentions, summary=summary, credits=credits
    )


def _summary(
    graph: nx.MultiDiGraph,
    posts: Sequence[Post],
    outlets: Sequence[Outlet],
    reprints: Sequence[Reprint],
    dedup: DedupResult,
) -> dict[str, object]:
    """The ``graph`` block of audit.json."""
    cited = [o for o in outlets if o.cited_by]
    order = {post.id: i for i, post in enumerate(posts)}
    shares = sorted(
        (
            (round(dedup.reuse[p.id].share, 4) if p.id in dedup.reuse else 0.0, order[p.id], p.id)
            for p in posts
        ),
        key=lambda item: (-item[0], item[1]),
    )
    return {
        "outlets_by_citing_posts": [
            {"outlet": o.name, "posts": len(o.cited_by)}
            for o in sorted(cited, key=lambda o: (-len(o.cited_by), o.name.casefold()))
        ],
        "posts_by_copied_share": [{"post": post_id, "share": share} for share, _, post_id in shares],
        "reprint_edges": len(reprints),
        "nodes": graph.number_of_nodes(),
        # One pass over the adjacency: networkx's number_of_edges sums in- and
        # out-degrees node by node, twice the walk (3 s at a million paragraphs).
        "edges": sum(len(keys) for _, neighbours in graph.adjacency() for keys in neighbours.values()),
    }


# --------------------------------------------------------------------------
# export
# --------------------------------------------------------------------------


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


def for_export(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``g`` whose attributes GraphML and GEXF can hold and give back unchanged.

    None becomes "" and lists become JSON text; each attribute name keeps one
    type across all nodes (or edges). Characters XML cannot hold become
    U+FFFD in text and node ids (:data:`_NOT_XML`). GEXF reserves an edge's ``type`` for its
    direction and ``id``/``label`` for itself, so each edge's type is written
    as ``kind`` and as its ``label``.
    """
    seen_nodes, seen_edges = _AttributeTypes(), _AttributeTypes()
    for _, data in g.nodes(data=True):
        seen_nodes.see(data)
    for _, _, data in g.edges(data=True):
        seen_edges.see(data, _EDGE_RENAMES)
    node_types = seen_nodes.types()
    edge_types = seen_edges.types()

    def edge_attributes(data: Mapping[str, Any]) -> dict[str, Any]:
        attributes = {}
        for k, value in data.items():
            k = _EDGE_RENAMES.get(k, k)
            attributes[k] = _to_scalar(value, edge_types[k])
        attributes["label"] = attributes.get("kind", "")
        return attributes

    # Built with add_*_from: add_node and add_edge one by one took 5 s at a million paragraphs.
    out = nx.MultiDiGraph()
    out.add_nodes_from(
        (_xml_text(node), {key: _to_scalar(value, node_types[key]) for key, value in data.items()})
        for node, data in g.nodes(data=True)
    )
    out.add_edges_from(
        (_xml_text(u), _xml_text(v), key, edge_attributes(data))
        for u, v, key, data in g.edges(keys=True, data=True)
    )
    return out


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


# --------------------------------------------------------------------------
# provenance chains
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChainStep:
    """One post in a chain, with the reprint that links it to its neighbour (None for the post itself)."""

    post: str
    title: str
    date: str | None
    outlet: str | None  # the outlet its citation names
    depth: int  # 1 = direct source (or reprint), 2 = source of the source, …
    via: Reprint | None = None


@dataclass(frozen=True, slots=True)
class ProvenanceChain:
    """Where one post's text came from and where it went.

    ``original_outlets`` are the outlets cited by the post and by every post
    it reprints (upstream, transitively); ``sources`` the posts it reprints,
    nearest first; ``reprinted_by`` the posts that reprint it;
    ``credited_outlets`` the outlets the post credits (links, credit lines).
    """

    post: ChainStep
    original_outlets: tuple[str, ...]
    mentioned_outlets: tuple[str, ...]
    sources: tuple[ChainStep, ...]
    reprinted_by: tuple[ChainStep, ...]
    self_repeats: int
    notes: tuple[str, ...]
    credited_outlets: tuple[str, ...] = ()


def find_post(posts: Sequence[Post], query: str) -> Post:
    """The post whose id is ``query``, else the one post whose title starts with (or contains) it."""
    for post in posts:
        if post.id == query:
            return post
    wanted = _title_key(query)
    for test in (lambda key: key == wanted, lambda key: key.startswith(wanted), lambda key: wanted in key):
        hits = [post for post in posts if wanted and test(_title_key(post.title))]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            names = ", ".join(post.id for post in hits)
            raise ProvenanceError(f"{query!r} matches several posts: {names}")
    raise ProvenanceError(f"no post with id or title {query!r}")


def _walk(start: str, links: Mapping[str, list[Reprint]], upstream: bool) -> list[tuple[str, int, Reprint]]:
    """Breadth-first over reprint links, each post once, nearest first."""
    seen = {start}
    frontier = [start]
    found: list[tuple[str, int, Reprint]] = []
    depth = 0
    while frontier:
        depth += 1
        following = []
        for post_id in frontier:
            for reprint in links.get(post_id, []):
                other = reprint.source if upstream else reprint.copy
                if other not in seen:
                    seen.add(other)
                    following.append(other)
                    found.append((other, depth, reprint))
        frontier = following
    return found


def provenance_chain(result: GraphResult, posts: Sequence[Post], post_id: str) -> ProvenanceChain:
    """The chain original outlet(s) -> source post(s) -> this post -> posts that reprint it.

    ``post_id`` may also be a title or the start of one (see :func:`find_post`).
    """
    post = find_post(posts, post_id)
    by_id = {p.id: p for p in posts}
    graph: nx.MultiDiGraph = result.graph

    def cited_outlet(p: Post) -> str | None:
        for _, target, data in graph.out_edges(post_node(p.id), data=True):
            if data.get("type") == "cites":
                return str(graph.nodes[target]["name"])
        return None

    def step(p: Post, depth: int, via: Reprint | None) -> ChainStep:
        return ChainStep(p.id, p.title, _iso(p.date), cited_outlet(p), depth, via)

    by_copy: dict[str, list[Reprint]] = defaultdict(list)
    by_source: dict[str, list[Reprint]] = defaultdict(list)
    for reprint in result.reprints:
        by_copy[reprint.copy].append(reprint)
        by_source[reprint.source].append(reprint)
    sources = tuple(step(by_id[pid], d, r) for pid, d, r in _walk(post.id, by_copy, True) if pid in by_id)
    reprinted_by = tuple(
        step(by_id[pid], d, r) for pid, d, r in _walk(post.id, by_source, False) if pid in by_id
    )
    this = step(post, 0, None)
    originals = [s.outlet for s in (this, *sources) if s.outlet]
    mentioned = sorted({m.outlet for m in result.mentions if m.post == post.id}, key=str.casefold)
    credited = sorted({c.outlet for c in result.credits if c.post == post.id}, key=str.casefold)
    self_repeats = sum(
        int(data.get("pairs", 0))
        for _, _, data in graph.out_edges(post_node(post.id), data=True)
        if data.get("type") == "self_repeats"
    )
    notes = tuple(
        str(graph.nodes[target]["text"])
        for _, target, data in graph.out_edges(post_node(post.id), data=True)
        if data.get("type") == "has_note"
    )
    return ProvenanceChain(
        post=this,
        original_outlets=tuple(dict.fromkeys(originals)),
        mentioned_outlets=tuple(mentioned),
        sources=sources,
        reprinted_by=reprinted_by,
        self_repeats=self_repeats,
        notes=notes,
        credited_outlets=tuple(credited),
    )


def _describe(step: ChainStep) -> str:
    date = step.date or "undated"
    outlet = f", citing {step.outlet}" if step.outlet else ""
    return f"{step.title} ({date}{outlet}) [{step.post}]"


def _evidence(reprint: Reprint) -> str:
    return (
        f"{reprint.shared_paragraphs} paragraph(s), {reprint.share_of_source:.0%} of the source; "
        f"direction by {reprint.decided_by.replace('_', ' ')}"
    )


def format_chain(chain: ProvenanceChain) -> str:
    """The chain as indented plain text for the terminal, upstream at the top."""
    lines = []
    originals = ", ".join(chain.original_outlets) or "none cited"
    lines.append(f"original outlet(s): {originals}")
    upstream = sorted(chain.sources, key=lambda s: -s.depth)
    indent = "  "
    for source in upstream:
        lines.append(f"{indent}<- source: {_describe(source)}")
        indent += "  "
    lines.append(f"{indent}THIS POST: {_describe(chain.post)}")
    direct = [s for s in chain.sources if s.depth == 1 and s.via]
    for source in direct:
        assert source.via is not None
        lines.append(f"{indent}   reprints {source.post}: {_evidence(source.via)}")
    if chain.self_repeats:
        lines.append(f"{indent}   repeats its own paragraphs: {chain.self_repeats} pair(s)")
    for note in chain.notes:
        lines.append(f"{indent}   editor note: {note}")
    if chain.mentioned_outlets:
        lines.append(f"{indent}   mentions: {', '.join(chain.mentioned_outlets)}")
    if chain.credited_outlets:
        lines.append(f"{indent}   credits: {', '.join(chain.credited_outlets)}")
    if not chain.reprinted_by:
        lines.append(f"{indent}-> reprinted by: no post in the dump")
    for copy in chain.reprinted_by:
        evidence = f" ({_evidence(copy.via)})" if copy.via else ""
        lines.append(f"{indent}{'  ' * copy.depth}-> reprinted by: {_describe(copy)}{evidence}")
    return "\n".join(lines)
