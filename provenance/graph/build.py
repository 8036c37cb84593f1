"""The graph stage: posts, outlets, authors, clusters and notes, linked by what the audit found.

:func:`build_graph` calls one small function per kind of node or edge, in
the order the module doc of :mod:`provenance.graph` lists them; each reads
the records it needs and adds its part to the graph. Cluster and paragraph
nodes are not added: :class:`~provenance.graph.clusters.ClusterLayer` makes
them when the graph is written (they were most of its memory).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import networkx as nx

from provenance.attribution import mentions_of_posts
from provenance.config import AuditConfig
from provenance.credits import credits_of_posts
from provenance.dedup.order import Chronology
from provenance.graph.clusters import ClusterLayer, GraphElements
from provenance.graph.nodes import iso, post_node, title_key
from provenance.graph.notes import parse_note
from provenance.graph.outlets import OutletRegistry
from provenance.graph.reprints import find_reprints
from provenance.models import Credit, DedupResult, GraphResult, Mention, Outlet, Post, Reprint
from provenance.outlets import OutletAliases, builtin_aliases

#: Steps of :func:`build_graph` after the outlets are named, as its progress counts them:
#: posts and outlets, reprints, self-repeats, clusters, notes and the summary.
LINKING_STEPS = 5


@dataclass(slots=True)
class _Outlets:
    """The outlets of the dump, named once, and the node of any spelling of one."""

    registry: OutletRegistry
    outlets: list[Outlet]
    by_key: dict[str, Outlet]

    def node(self, name: str) -> str:
        return f"outlet:{self.by_key[self.registry.key(name)].name}"


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
    stage, read here when not given; ``chronology`` the evidence of order the
    duplicate stage used, made from the posts alone when not given.
    ``progress(stage, done, total)`` hears the steps of linking
    (:data:`LINKING_STEPS`): at a million paragraphs the stage runs for most
    of a minute.
    """
    aliases = aliases or builtin_aliases()

    def linked(step: int) -> None:
        if progress:
            progress("graph: linking", step, LINKING_STEPS)

    vouched: frozenset[str] = frozenset()
    if credits_per_post is None:
        credits_per_post, vouched = credits_of_posts(posts, aliases, config.workers)
    if mentions_per_post is None:
        mentions_per_post = mentions_of_posts(posts, aliases, config.workers, vouched=vouched)
    credits = [credit for found in credits_per_post for credit in found]
    chronology = chronology or Chronology.of(posts)
    mentions_by_post = {post.id: list(found) for post, found in zip(posts, mentions_per_post, strict=True)}
    mentions = [mention for found in mentions_per_post for mention in found]

    graph = nx.MultiDiGraph()
    outlets = _name_outlets(posts, mentions, credits, aliases)
    linked(0)
    _add_posts(graph, posts, dedup)
    _add_outlets(graph, outlets.outlets)
    _add_citations(graph, posts, outlets)
    _add_mentions(graph, mentions, outlets)
    _add_credits(graph, credits, outlets)
    linked(1)
    reprints = _add_reprints(graph, find_reprints(posts, dedup, config, mentions_by_post, chronology))
    linked(2)
    _add_self_repeats(graph, posts, dedup)
    linked(3)
    clusters = ClusterLayer(posts, dedup.clusters)
    linked(4)
    _add_notes(graph, posts)
    mentions.sort(key=lambda m: (m.post, m.line, m.paragraph, m.outlet, m.surface, m.cue))
    summary = _summary(GraphElements(graph, clusters), posts, outlets.outlets, reprints, dedup)
    linked(LINKING_STEPS)
    return GraphResult(
        graph=graph,
        reprints=reprints,
        outlets=outlets.outlets,
        mentions=mentions,
        summary=summary,
        credits=credits,
        clusters=clusters,
    )


def _name_outlets(
    posts: Sequence[Post], mentions: Sequence[Mention], credits: Sequence[Credit], aliases: OutletAliases
) -> _Outlets:
    """Every outlet cited, mentioned or credited, named before any node so each carries its final name."""
    registry = OutletRegistry(aliases)
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
    return _Outlets(registry, outlets, {registry.key(o.name): o for o in outlets})


def _add_posts(graph: nx.MultiDiGraph, posts: Sequence[Post], dedup: DedupResult) -> None:
    for post in posts:
        reuse = dedup.reuse.get(post.id)
        graph.add_node(
            post_node(post.id),
            type="post",
            label=post.title,
            post_id=post.id,
            title=post.title,
            date=iso(post.date),
            path=post.source.path,
            line_start=post.source.line_start,
            line_end=post.source.line_end,
            paragraphs=len(post.paragraphs),
            copied_share=round(reuse.share, 4) if reuse else 0.0,
            derivation=reuse.derivation if reuse else "independent",
            url=post.url,
        )


def _add_outlets(graph: nx.MultiDiGraph, outlets: Sequence[Outlet]) -> None:
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


def _add_citations(graph: nx.MultiDiGraph, posts: Sequence[Post], outlets: _Outlets) -> None:
    """``cites`` from a post's citation line to its outlet, and ``by`` to each author."""
    for post in posts:
        citation = post.citation
        if citation is None:
            continue
        if citation.outlet:
            graph.add_edge(
                post_node(post.id),
                outlets.node(citation.outlet),
                type="cites",
                original_title=citation.title,
                original_date=iso(citation.date),
                line=citation.line,
                written=citation.outlet,
            )
        authors = citation.authors or ((citation.author,) if citation.author else ())
        for author in authors:
            node = f"author:{author}"
            graph.add_node(node, type="author", label=author, name=author)
            graph.add_edge(post_node(post.id), node, type="by", line=citation.line)


def _add_mentions(graph: nx.MultiDiGraph, mentions: Sequence[Mention], outlets: _Outlets) -> None:
    """``mentions``: one edge per in-text attribution ("according to X", "X reported")."""
    for mention in mentions:
        graph.add_edge(
            post_node(mention.post),
            outlets.node(mention.outlet),
            type="mentions",
            surface=mention.surface,
            sentence=mention.sentence,
            line=mention.line,
            paragraph=mention.paragraph,
            cue=mention.cue,
        )


def _add_credits(graph: nx.MultiDiGraph, credits: Sequence[Credit], outlets: _Outlets) -> None:
    """``credits``: one edge per link to an outlet's site or credit line ("via X", "Source: X")."""
    for credit in credits:
        graph.add_edge(
            post_node(credit.post),
            outlets.node(credit.outlet),
            type="credits",
            how=credit.how,
            surface=credit.surface,
            evidence=credit.evidence,
            line=credit.line,
            paragraph=credit.paragraph,
            url=credit.url,
        )


def _add_reprints(
    graph: nx.MultiDiGraph, found: Sequence[tuple[Reprint, Mention | None, tuple[int, ...]]]
) -> list[Reprint]:
    """``reprints`` from each copy to its source, with the evidence of direction and the introducing line."""
    reprints = []
    for reprint, introduced, source_paragraphs in found:
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
    return reprints


def _add_self_repeats(graph: nx.MultiDiGraph, posts: Sequence[Post], dedup: DedupResult) -> None:
    """``self_repeats``: a post repeating its own paragraphs (an excerpt repeated in the body)."""
    known = {post.id for post in posts}
    inside: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for pair in dedup.pairs:
        if pair.inside_post and pair.a.post in known:
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


def _add_notes(graph: nx.MultiDiGraph, posts: Sequence[Post]) -> None:
    """Editor notes, with ``refers_to`` the post a note points to when the dump holds it."""
    titles = {title_key(post.title): post.id for post in posts}
    for post in posts:
        for note in post.notes:
            if note.role != "editor_note":
                continue
            pointed, sign = parse_note(note.text)
            target = titles.get(title_key(pointed)) if pointed else None
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


def _summary(
    graph: GraphElements,
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
        "edges": graph.number_of_edges(),
    }
