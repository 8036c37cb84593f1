"""Reprints: which post carries another's paragraphs, and which of the two is the source."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from provenance.config import AuditConfig
from provenance.dedup.order import GUESSES, Chronology
from provenance.models import DedupResult, Mention, ParagraphRef, Post, Reprint

# Pair kinds strong enough to say a paragraph was carried over; a ``partial``
# pair shares phrases, not the paragraph.
REPRINT_KINDS = frozenset({"exact", "near", "contained"})


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


def _reuse_direction(x: Post, y: Post, dedup: DedupResult) -> tuple[Post, Post, str] | None:
    """(source, copy, evidence) as post reuse decided it, when one of the two lists the other as a source."""
    for source, copy in ((x, y), (y, x)):
        reuse = dedup.reuse.get(copy.id)
        for listed in reuse.sources if reuse is not None else ():
            if listed.post == source.id:
                return source, copy, listed.decided_by or "input_order"
    return None


def _introducing_mention(copy: Post, carried: frozenset[int], mentions: Sequence[Mention]) -> Mention | None:
    """An attribution ending in ":" before a carried paragraph ("DEBKAfile reported Thursday, Nov. 3:")."""
    for mention in mentions:
        if mention.paragraph < 0 or mention.paragraph + 1 not in carried:
            continue
        if copy.paragraphs[mention.paragraph].text.rstrip().endswith(":"):
            return mention
    return None


def find_reprints(
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
        if decided_by in GUESSES:
            # A guess must not contradict the one post reuse took: one direction per two posts.
            taken = _reuse_direction(first, second, dedup)
            if taken is not None:
                source, copy, decided_by = taken
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
