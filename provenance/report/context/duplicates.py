"""The Duplicates section: each cluster once, as its earliest witness and its copies."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from provenance.report.anchors import cluster_anchor
from provenance.report.context.common import (
    KINDS,
    SHORT_WORDS,
    PairSide,
    ParagraphLink,
    ReportLimits,
    _float,
    _mirrored,
    _PairRecord,
    _Posts,
    _similarity,
    _text,
)
from provenance.report.textdiff import Run, side_by_side


@dataclass(frozen=True, slots=True)
class MemberView:
    """One copy in a cluster: a paragraph repeating the earliest witness, its words marked against it.

    ``kind``, the measures and ``similarity`` are those of the verified pair
    that ties this paragraph to the witness (``compared_with`` None) or, when
    the audit paired it with another member only, to that member. The
    filter slider compares against ``similarity``: Jaccard for exact and near
    pairs, containment for contained ones, and for partial ones containment
    on the partial shingles, the measure they were kept on.
    """

    kind: str
    jaccard: float
    containment: float
    similarity: float
    scope: Literal["inside", "cross"]  # inside the witness's post, or in another post
    outlets: tuple[str, ...]  # casefolded outlet names of both posts' citations, for the filter
    paragraph: ParagraphLink
    runs: tuple[Run, ...]
    compared_with: ParagraphLink | None
    partial_containment: float | None = None  # on the partial shingles (pairs[].partial_containment)


@dataclass(frozen=True, slots=True)
class ClusterView:
    """A cluster shown once: its earliest witness and each copy of it (not one card per pair)."""

    id: str
    anchor: str
    size: int  # member paragraphs
    spread: int  # distinct posts
    scope: Literal["inside", "cross"]  # all in one post, or across posts
    shared_words: int  # words of the copies: what the ordering ranks by
    short: bool  # every member under SHORT_WORDS words: folded at the end
    kinds: tuple[str, ...]
    earliest: ParagraphLink
    witness_text: str
    members: tuple[MemberView, ...]
    members_total: int  # copies in the cluster, inlined or not


@dataclass(frozen=True, slots=True)
class DuplicatesView:
    clusters: tuple[ClusterView, ...]  # across posts first, then by shared words; short ones excluded
    short_clusters: tuple[ClusterView, ...]  # clusters of paragraphs under SHORT_WORDS words
    clusters_total: int
    copies_total: int
    copies_shown: int
    pairs_total: int
    # The filters act on the inlined copies: each count is (inlined, in the whole audit),
    # every kind in KINDS order, then the copies inside one post and across posts.
    kind_counts: tuple[tuple[str, int, int], ...]
    inside_count: tuple[int, int]
    cross_count: tuple[int, int]
    outlet_options: tuple[tuple[str, str], ...]  # (value, label)
    note: str | None  # set when clusters or copies were left out


@dataclass(frozen=True, slots=True)
class BoilerplateView:
    text: str
    posts: int
    members: int


#: A cluster as its section shows it: the witness, and each other member with the pair tying it closest.
_Plan = tuple[tuple[str, int], list[tuple[tuple[str, int], _PairRecord]]]


def _duplicates(
    posts: _Posts,
    pairs: list[_PairRecord],
    earliest: Mapping[str, tuple[str, int]],
    limits: ReportLimits,
) -> DuplicatesView:
    """Each cluster once, as its earliest witness and its copies; across posts first, then by shared words.

    ``earliest`` is each cluster's witness as the audit declared it. Every
    cluster is ranked by the words of its paragraphs, but only the clusters
    shown need their text: word counts are kept for the paragraphs in pairs,
    and texts are read post by post for the shown clusters alone. At a million
    paragraphs, holding every text and every cluster's record took this section
    463 MB above its start, against 76 MB so, and the whole command's peak fell
    from 4.8 to 4.1 GB (``bench_audit.py``, side by side; benchmarks/README.md).
    """
    in_pairs = {side for pair in pairs for side in (pair.a, pair.b)}
    word_counts: dict[tuple[str, int], int] = {}
    for post_id in {post for post, _ in in_pairs}:
        for raw in posts.paragraphs(post_id):
            if isinstance(raw, Mapping):
                ref = (post_id, int(_float(raw.get("index"))))
                if ref in in_pairs:
                    word_counts[ref] = len(_text(raw.get("text")).split())
    del in_pairs
    texts_of_post: dict[str, dict[int, str]] = {}

    def text(ref: tuple[str, int]) -> str:
        texts = texts_of_post.get(ref[0])
        if texts is None:
            texts = texts_of_post[ref[0]] = {
                int(_float(raw.get("index"))): _text(raw.get("text"))
                for raw in posts.paragraphs(ref[0])
                if isinstance(raw, Mapping)
            }
        return texts.get(ref[1], "")

    by_cluster: dict[str, list[_PairRecord]] = defaultdict(list)
    for pair in pairs:
        by_cluster[pair.cluster].append(pair)

    def words(ref: tuple[str, int]) -> int:
        return word_counts.get(ref, 0)

    def plan(cluster_id: str) -> _Plan:
        """The cluster's witness and, for each other member, the pair that ties it closest to the
        witness (breadth first over the cluster's pairs): the direct pair where the audit verified one."""
        cluster_pairs = by_cluster[cluster_id]
        refs = {ref for pair in cluster_pairs for ref in (pair.a, pair.b)}
        witness = earliest.get(cluster_id)
        if witness not in refs:
            witness = min(refs, key=lambda r: (posts.sort_key(r[0]), r[1]))
        assert witness is not None
        touching: dict[tuple[str, int], list[_PairRecord]] = defaultdict(list)
        for pair in sorted(cluster_pairs, key=lambda p: (p.a, p.b, p.kind)):
            touching[pair.a].append(pair)
            touching[pair.b].append(pair)
        reached = {witness}
        frontier = [witness]
        links: list[tuple[tuple[str, int], _PairRecord]] = []
        while frontier:
            following = []
            for ref in frontier:
                for pair in touching[ref]:
                    other = pair.b if pair.a == ref else pair.a
                    if other not in reached:
                        reached.add(other)
                        following.append(other)
                        links.append((other, pair))
            frontier = following
        links.sort(key=lambda link: (posts.sort_key(link[0][0]), link[0][1]))
        return witness, links

    def scope_of(planned: _Plan) -> Literal["inside", "cross"]:
        witness, links = planned
        return "cross" if any(ref[0] != witness[0] for ref, _ in links) else "inside"

    def shared(planned: _Plan) -> int:
        return sum(words(ref) for ref, _ in planned[1])

    def is_short(planned: _Plan) -> bool:
        witness, links = planned
        return all(words(ref) < SHORT_WORDS for ref in [witness, *(r for r, _ in links)])

    # Every cluster is planned once to rank it and count its copies, and only the shown ones are
    # planned again: every cluster's plan held at once was a record per paragraph in a pair.
    ranks: dict[str, tuple[bool, bool, int, int, str]] = {}
    everywhere: Counter[str] = Counter()
    copies_total = 0
    for cluster_id in by_cluster:
        planned = plan(cluster_id)
        witness, links = planned
        for ref, pair in links:
            everywhere[pair.kind] += 1
            everywhere["inside" if ref[0] == witness[0] else "cross"] += 1
        copies_total += len(links)
        ranks[cluster_id] = (
            is_short(planned),
            scope_of(planned) == "inside",
            -shared(planned),
            -len(links),
            cluster_id.zfill(12),
        )
    cluster_ids = sorted(ranks, key=ranks.__getitem__)
    del ranks
    views: list[ClusterView] = []
    shown = 0
    shown_outlets: dict[str, str] = {}  # casefolded -> as first written, of the copies shown

    def outlets_of(*post_ids: str) -> list[str]:
        found = [o for o in map(posts.outlet_of, post_ids) if o]
        for outlet in found:
            shown_outlets.setdefault(outlet.casefold(), outlet)
        return found

    for cluster_id in cluster_ids[: limits.max_clusters]:
        if shown >= limits.max_pairs:
            break
        planned = plan(cluster_id)
        witness, links = planned
        room = min(limits.max_pairs_per_cluster, limits.max_pairs - shown)
        members: list[MemberView] = []
        for ref, pair in links[:room]:
            other = pair.b if pair.a == ref else pair.a
            runs_a, runs_b = side_by_side(text(pair.a), text(pair.b), pair.alignment(), pair.kind)
            # The member is read against the other paragraph: words only in the member are "inserted".
            runs = runs_b if pair.b == ref else _mirrored(PairSide(posts.paragraph(*ref), runs_a)).runs
            members.append(
                MemberView(
                    kind=pair.kind,
                    jaccard=pair.jaccard,
                    containment=pair.containment,
                    similarity=_similarity(pair),
                    scope="inside" if ref[0] == witness[0] else "cross",
                    outlets=tuple(sorted({o.casefold() for o in outlets_of(witness[0], ref[0])})),
                    paragraph=posts.paragraph(*ref),
                    runs=runs,
                    compared_with=None if other == witness else posts.paragraph(*other),
                    partial_containment=pair.partial_containment,
                )
            )
        shown += len(members)
        all_refs = [witness, *(r for r, _ in links)]
        views.append(
            ClusterView(
                id=cluster_id,
                anchor=cluster_anchor(cluster_id),
                size=len(all_refs),
                spread=len({post for post, _ in all_refs}),
                scope=scope_of(planned),
                shared_words=shared(planned),
                short=is_short(planned),
                kinds=tuple(k for k in KINDS if any(p.kind == k for p in by_cluster[cluster_id])),
                earliest=posts.paragraph(*witness),
                witness_text=text(witness),
                members=tuple(members),
                members_total=len(links),
            )
        )

    note = None
    if len(views) < len(cluster_ids) or shown < copies_total:
        note = (
            f"Showing {shown:,} of {copies_total:,} copies in {len(views):,} of {len(cluster_ids):,} "
            f"clusters (across posts first, then by shared words). Every pair is listed in pairs.csv."
        )
    inlined = Counter(key for cluster in views for m in cluster.members for key in (m.kind, m.scope))
    # The filter offers the outlets of the copies shown, each once: one that only pairs left out of the
    # page cite would select nothing.
    outlet_names = sorted(shown_outlets.values(), key=str.casefold)
    return DuplicatesView(
        clusters=tuple(v for v in views if not v.short),
        short_clusters=tuple(v for v in views if v.short),
        clusters_total=len(cluster_ids),
        copies_total=copies_total,
        copies_shown=shown,
        pairs_total=len(pairs),
        kind_counts=tuple((k, inlined[k], everywhere[k]) for k in KINDS),
        inside_count=(inlined["inside"], everywhere["inside"]),
        cross_count=(inlined["cross"], everywhere["cross"]),
        outlet_options=tuple((name.casefold(), name) for name in outlet_names),
        note=note,
    )
