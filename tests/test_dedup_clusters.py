"""Clusters are the connected components of the pairs, numbered by first member, with the earliest witness."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance.dedup import clusters as clusters_module
from provenance.dedup.clusters import clusters
from provenance.dedup.order import EVIDENCE, Chronology, chronological_key
from provenance.models import Cluster, PairKind, ParagraphRef, Post
from tests.records import post

KINDS: tuple[PairKind, ...] = ("exact", "near", "contained", "partial")


def plain_clusters(
    pairs: list[tuple[int, int, PairKind]], refs: list[ParagraphRef], posts: list[Post]
) -> list[Cluster]:
    """The definition, written out: union-find over refs, members in input order, earliest by date."""
    parent: dict[int, int] = {}

    def root(g: int) -> int:
        while parent.setdefault(g, g) != g:
            g = parent[g]
        return g

    for a, b, _ in pairs:
        parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for g in sorted(parent):
        groups.setdefault(root(g), []).append(g)
    when = chronological_key(posts)
    chronology = Chronology.of(posts)
    index = {p.id: i for i, p in enumerate(posts)}
    found: list[Cluster] = []
    for number, members in enumerate(sorted(groups.values())):
        member_refs = tuple(refs[g] for g in members)
        kinds = sorted({kind for a, _, kind in pairs if root(a) == root(members[0])})
        earliest = min(member_refs, key=lambda r: (when[r.post], r.paragraph))
        # The weakest evidence that the witness's post comes first; undecided beats all.
        evidence = [
            chronology.decide_one(index[earliest.post], index[r.post])[1]
            for r in member_refs
            if r.post != earliest.post
        ]
        weakest = (
            ""
            if not evidence
            else "undecided"
            if "undecided" in evidence
            else max(evidence, key=EVIDENCE.index)
        )
        found.append(
            Cluster(
                id=number,
                members=member_refs,
                earliest=earliest,
                kinds=tuple(kinds),
                witness_decided_by=weakest,
            )
        )
    return found


@st.composite
def corpora(draw: st.DrawFn) -> tuple[list[Post], list[tuple[int, int, PairKind]]]:
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=6))
    days = draw(st.lists(st.none() | st.integers(1, 3), min_size=len(sizes), max_size=len(sizes)))
    posts = [
        post(
            f"p{i}", *(f"text {j}" for j in range(size)), date=None if day is None else dt.date(2020, 1, day)
        )
        for i, (size, day) in enumerate(zip(sizes, days, strict=True))
    ]
    total = sum(sizes)
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, total - 1), st.integers(0, total - 1), st.sampled_from(KINDS)).filter(
                lambda p: p[0] != p[1]
            ),
            max_size=12,
        )
    )
    return posts, pairs


@given(corpora())
def test_clusters_are_the_connected_components(
    corpus: tuple[list[Post], list[tuple[int, int, PairKind]]],
) -> None:
    """Same components, numbering, members, earliest witness and kinds as the written-out definition."""
    posts, pairs = corpus
    refs = [ParagraphRef(p.id, para.index) for p in posts for para in p.paragraphs]
    post_of = np.array([i for i, p in enumerate(posts) for _ in p.paragraphs], dtype=np.int64)
    found = clusters(
        np.array([a for a, _, _ in pairs], dtype=np.int64),
        np.array([b for _, b, _ in pairs], dtype=np.int64),
        [kind for _, _, kind in pairs],
        refs,
        post_of,
        posts,
        Chronology.of(posts),
    )
    assert found == plain_clusters(pairs, refs, posts)


def test_earliest_witness_is_the_oldest_text_not_the_first_in_input() -> None:
    """A later post dated earlier is the witness; an undated post never is while a dated one exists."""
    posts = [
        post("undated", "x"),
        post("new", "x", "y", date=dt.date(2021, 5, 1)),
        post("old", "y", "x", date=dt.date(2019, 5, 1)),
    ]
    refs = [ParagraphRef(p.id, para.index) for p in posts for para in p.paragraphs]
    post_of = np.array([0, 1, 1, 2, 2], dtype=np.int64)
    (cluster,) = clusters(
        np.array([0, 1], dtype=np.int64),
        np.array([4, 4], dtype=np.int64),
        ["exact", "near"],
        refs,
        post_of,
        posts,
        Chronology.of(posts),
    )
    assert cluster.members == (refs[0], refs[1], refs[4])
    assert cluster.earliest == ParagraphRef("old", 1)
    assert cluster.kinds == ("exact", "near")
    # The undated post is after the dated witness only by convention: the weakest evidence is a guess.
    assert cluster.witness_decided_by == "undated"


def test_cluster_numbers_do_not_depend_on_scipys_label_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """scipy happens to number components by first member; clusters are numbered so whatever it does."""
    posts = [post("a", "x", "y", "z", "w"), post("b", "x", "y", "z", "w")]
    refs = [ParagraphRef(p.id, para.index) for p in posts for para in p.paragraphs]
    post_of = np.array([0, 0, 0, 0, 1, 1, 1, 1], dtype=np.int64)
    args = (
        np.array([0, 1, 2, 3], dtype=np.int64),
        np.array([4, 5, 6, 7], dtype=np.int64),
        ["exact", "near", "contained", "partial"],
        refs,
        post_of,
        posts,
        Chronology.of(posts),
    )
    expected = clusters(*args)
    real = clusters_module.connected_components

    def reversed_labels(graph: Any, directed: bool) -> tuple[int, np.ndarray]:
        count, label = real(graph, directed=directed)
        return count, count - 1 - label

    monkeypatch.setattr(clusters_module, "connected_components", reversed_labels)
    assert clusters(*args) == expected
    assert [c.members[0] for c in expected] == [refs[0], refs[1], refs[2], refs[3]]
