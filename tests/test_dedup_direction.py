"""What a pair's source side rests on (``Pair.decided_by``), and the containment a partial pair is kept on.

A reader of a pair must tell a copy dated after its source from one only
guessed to come later (undated posts, input order): the report words the two
differently, and so the audit records, for each pair, what decided it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from records import post

from provenance.config import AuditConfig
from provenance.dedup import find_duplicates
from provenance.dedup.order import GUESSES
from provenance.shingle import shingles, tokens

CASES = {
    c["label"]: c
    for c in json.loads((Path(__file__).parent / "cases" / "dedup-cases.json").read_text(encoding="utf-8"))
}
TEXT = CASES["light-edit"]["a"]
EDITED = CASES["light-edit"]["b"]
OWN = "A closing remark of our own, quite unrelated to the copied material above and below."


def test_dated_posts_name_the_earlier_as_source_by_post_date() -> None:
    later = post("later", EDITED, OWN, date=dt.date(2020, 5, 2))
    earlier = post("earlier", TEXT, date=dt.date(2020, 5, 1))
    (pair,) = find_duplicates([later, earlier], AuditConfig()).pairs
    source = pair.a if pair.source == "a" else pair.b
    assert (source.post, pair.decided_by) == ("earlier", "post_date")


def test_posts_of_one_day_leave_the_source_undecided() -> None:
    day = dt.date(2020, 5, 1)
    (pair,) = find_duplicates([post("x", TEXT, date=day), post("y", EDITED, date=day)], AuditConfig()).pairs
    assert (pair.source, pair.decided_by) == (None, "undecided")


def test_undated_posts_name_a_source_only_by_a_guess() -> None:
    (pair,) = find_duplicates([post("x", TEXT), post("y", EDITED)], AuditConfig()).pairs
    assert pair.source in ("a", "b")
    assert pair.decided_by in GUESSES


def test_a_pair_inside_one_post_takes_the_longer_paragraph_as_source() -> None:
    excerpt = CASES["excerpt-in-longer-paragraph"]
    (pair,) = find_duplicates([post("one", excerpt["b"], OWN, excerpt["a"])], AuditConfig()).pairs
    longer = pair.a if pair.source == "a" else pair.b
    assert (longer.paragraph, pair.decided_by) == (0, "longer_paragraph")


def _containment(text_a: str, text_b: str, k: int) -> float:
    a = set(shingles([t.word for t in tokens(text_a)], k).tolist())
    b = set(shingles([t.word for t in tokens(text_b)], k).tolist())
    return len(a & b) / min(len(a), len(b))


def test_a_partial_pair_records_the_containment_it_was_kept_on() -> None:
    """Its containment on longer shingles is below the cut-off; the one on partial shingles is above it."""
    case = CASES["sentence-lift"]
    config = AuditConfig()
    (pair,) = find_duplicates([post("a", case["a"]), post("b", case["b"])], config).pairs
    assert pair.kind == "partial"
    expected = _containment(case["a"], case["b"], config.partial_shingle_size)
    assert pair.partial_containment == pytest.approx(expected)
    assert pair.partial_containment >= config.partial
    assert pair.containment == pytest.approx(_containment(case["a"], case["b"], config.shingle_size))
    assert pair.partial_containment != pytest.approx(pair.containment)


def test_only_a_partial_pair_records_a_partial_containment() -> None:
    """The other kinds are not decided on it, and the partial index may leave their paragraphs out."""
    (pair,) = find_duplicates([post("a", TEXT), post("b", EDITED)], AuditConfig()).pairs
    assert (pair.kind, pair.partial_containment) == ("near", None)
