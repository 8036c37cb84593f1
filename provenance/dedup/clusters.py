"""Duplicate clusters: connected components of the pairs, each with its earliest witness."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from provenance.dedup.order import chronological_key
from provenance.dedup.verify import ref_key
from provenance.models import Cluster, Pair, ParagraphRef, Post


def clusters(pairs: list[Pair], posts: Sequence[Post]) -> list[Cluster]:
    parent: dict[ParagraphRef, ParagraphRef] = {}

    def find(x: ParagraphRef) -> ParagraphRef:
        root = x
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for pair in pairs:
        ra, rb = find(pair.a), find(pair.b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[ParagraphRef, list[ParagraphRef]] = defaultdict(list)
    kinds: dict[ParagraphRef, set[str]] = defaultdict(set)
    for ref in parent:
        members[find(ref)].append(ref)
    for pair in pairs:
        kinds[find(pair.a)].add(pair.kind)
    key = ref_key(posts)
    when = chronological_key(posts)
    ordered = sorted((sorted(m, key=key) for m in members.values()), key=lambda m: key(m[0]))
    return [
        Cluster(
            id=i,
            members=tuple(m),
            earliest=min(m, key=lambda r: (when[r.post], r.paragraph)),
            kinds=tuple(sorted(kinds[find(m[0])])),
        )
        for i, m in enumerate(ordered)
    ]
