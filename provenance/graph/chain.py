"""Provenance chains: where one post's text came from and where it went."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from provenance.errors import ProvenanceError
from provenance.graph.nodes import iso, post_node, title_key
from provenance.models import GraphResult, Post, Reprint


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
    wanted = title_key(query)
    for test in (lambda key: key == wanted, lambda key: key.startswith(wanted), lambda key: wanted in key):
        hits = [post for post in posts if wanted and test(title_key(post.title))]
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
        return ChainStep(p.id, p.title, iso(p.date), cited_outlet(p), depth, via)

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
