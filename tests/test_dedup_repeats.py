"""Repeated text stays linear: a text repeated k times is one cluster, never k(k-1)/2 pairs."""

from __future__ import annotations

import datetime as dt
import random

from records import post

from provenance.config import AuditConfig
from provenance.dedup import find_duplicates
from provenance.graph import build_graph
from provenance.models import ParagraphRef

SHARE = "Share this article on Facebook now."
_WORDS = [f"{stem}{n}" for stem in ("ka", "lo", "mi", "nu", "pe", "ro", "su", "ti") for n in range(60)]
random.Random(5).shuffle(_WORDS)
#: Forty paragraphs of twelve words, no word shared between any two.
PROSE = [" ".join(_WORDS[12 * i : 12 * i + 12]) + "." for i in range(40)]
QUOTE = "The minister said the talks in Geneva would resume on Monday after a pause of two weeks."


def test_a_line_repeated_past_the_limit_in_one_post_is_boilerplate_and_never_paired() -> None:
    """A share line after each of 1,000 paragraphs is reported once as boilerplate: no pair, no cluster."""
    texts: list[str] = []
    for i in range(1000):
        texts += [f"Unique paragraph number {i} with words of its own {i * 7} and more {i * 13}.", SHARE]
    result = find_duplicates([post("blog", *texts)], AuditConfig(jobs=1))
    assert result.pairs == [] and result.clusters == []
    (boilerplate,) = result.boilerplate
    assert boilerplate.text == SHARE and boilerplate.posts == 1 and len(boilerplate.members) == 1000
    assert result.reuse["blog"].share == 0.0


def test_repeats_below_the_limit_link_each_copy_once() -> None:
    """A text 5 times in one post and twice in two others: 4 + 1 + 1 pairs inside posts, 3 across."""
    first = post(
        "first", *PROSE[:3], QUOTE, PROSE[3], QUOTE, QUOTE, PROSE[4], QUOTE, QUOTE, date=dt.date(2020, 1, 1)
    )
    second = post("second", QUOTE, PROSE[10], QUOTE, date=dt.date(2020, 1, 2))
    third = post("third", PROSE[20], QUOTE, QUOTE, date=dt.date(2020, 1, 3))
    result = find_duplicates([first, second, third], AuditConfig(jobs=1))
    found = {(p.a, p.b) for p in result.pairs}
    r = ParagraphRef
    assert found == {
        (r("first", 3), r("first", 5)),
        (r("first", 3), r("first", 6)),
        (r("first", 3), r("first", 8)),
        (r("first", 3), r("first", 9)),
        (r("second", 0), r("second", 2)),
        (r("third", 1), r("third", 2)),
        (r("first", 3), r("second", 0)),
        (r("first", 3), r("third", 1)),
        (r("second", 0), r("third", 1)),
    }
    assert all(p.kind == "exact" for p in result.pairs)
    (cluster,) = result.clusters
    assert len(cluster.members) == 9 and cluster.earliest == r("first", 3)


def test_a_repeated_paragraph_counts_as_carried_for_reprints() -> None:
    """An archive post's excerpt and its full text both count as carried by the post that reprints it."""
    source = post("source", PROSE[0], PROSE[1], PROSE[0], PROSE[1], date=dt.date(2020, 1, 1))
    copy = post("copy", PROSE[0], PROSE[1], PROSE[30], date=dt.date(2020, 1, 2))
    config = AuditConfig(jobs=1)
    dedup = find_duplicates([source, copy], config)
    assert len([p for p in dedup.pairs if not p.inside_post]) == 2
    (reprint,) = build_graph([source, copy], dedup, config).reprints
    assert (reprint.source, reprint.copy) == ("source", "copy")
    assert reprint.shared_paragraphs == 4 and reprint.share_of_source == 1.0


def test_near_copies_of_one_line_by_the_thousand_give_linearly_many_pairs() -> None:
    """1,500 versions of an attribution line differing in one word: one cluster, linearly many pairs."""
    lines = [f"The Investigative Project on Terrorism reported on day{i}:" for i in range(1500)]
    result = find_duplicates(
        [post(f"p{i // 10}", *lines[i : i + 10]) for i in range(0, 1500, 10)], AuditConfig(jobs=1)
    )
    assert {p.kind for p in result.pairs} == {"near"}
    assert len(result.pairs) < 20 * len(lines)  # all pairs would be 1,124,250
    assert len(result.clusters) == 1 and len(result.clusters[0].members) == 1500
