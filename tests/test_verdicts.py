"""Verdicts that hold on real news: reporting the same event is not copying (a hand-made dump per cause)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import provenance
from provenance.dedup.order import EVIDENCE, Chronology
from provenance.export import audit_to_dict
from provenance.models import Audit
from tests.records import post

_VOCABULARY = [f"{a}{b}{c}" for a in "bdfgklmnprstvz" for b in "aeiou" for c in ("", "n", "r", "s", "l")]


def prose(seed: int, words: int) -> str:
    """Sentences of made-up words that no other seed shares by chance."""
    rng = random.Random(seed)
    chosen = [
        f"{rng.choice(_VOCABULARY)}{seed}" if i % 3 == 0 else rng.choice(_VOCABULARY) for i in range(words)
    ]
    sentences = [" ".join(chosen[i : i + 12]).capitalize() + "." for i in range(0, words, 12)]
    return " ".join(sentences)


def audit_records(tmp_path: Path, records: list[dict[str, Any]]) -> Audit:
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return provenance.audit([dump])


def reuse(result: Audit, post_id: str) -> Any:
    return result.dedup.reuse[post_id]


WIRE = prose(1, 60)
STORY = prose(2, 48)


def test_two_papers_of_one_morning_borrow_the_wire_copy_not_each_other(tmp_path: Path) -> None:
    """Two same-day articles sharing the wire's paragraph are credited to the wire, neither to the other."""
    result = audit_records(
        tmp_path,
        [
            {
                "id": "wire",
                "title": "Wire",
                "date": "2000-01-07",
                "outlet": "Press Association",
                "text": WIRE,
            },
            {
                "id": "sun",
                "title": "Sun",
                "date": "2000-01-08",
                "outlet": "The Sun",
                "text": f"{WIRE}\n\n{prose(3, 30)}",
            },
            {
                "id": "star",
                "title": "Star",
                "date": "2000-01-08",
                "outlet": "Daily Star",
                "text": f"{prose(4, 30)}\n\n{WIRE}",
            },
        ],
    )
    for paper in ("sun", "star"):
        sources = reuse(result, paper).sources
        assert [(s.post, s.decided_by) for s in sources] == [("wire", "post_date")], paper
        assert reuse(result, paper).derivation != "independent"
    assert reuse(result, "wire").sources == ()
    # The paragraph is one cluster, and its witness is the wire copy, earlier by date.
    (cluster,) = [c for c in result.dedup.clusters if len({m.post for m in c.members}) == 3]
    assert cluster.earliest.post == "wire" and cluster.witness_decided_by == "post_date"


def test_contemporaries_with_nothing_earlier_share_but_borrow_nothing(tmp_path: Path) -> None:
    """Two same-day posts sharing a paragraph, with no earlier witness: shared, undecided, not borrowed."""
    result = audit_records(
        tmp_path,
        [
            {
                "id": "mail",
                "title": "Mail",
                "date": "2000-01-08",
                "outlet": "Daily Mail",
                "text": f"{STORY}\n\n{prose(5, 40)}",
            },
            {
                "id": "times",
                "title": "Times",
                "date": "2000-01-08",
                "outlet": "The Times",
                "text": f"{prose(6, 40)}\n\n{STORY}",
            },
        ],
    )
    assert [p.kind for p in result.pairs] == ["exact"]
    for paper in ("mail", "times"):
        assert reuse(result, paper).share == 0.0 and reuse(result, paper).derivation == "independent"
    (cluster,) = result.dedup.clusters
    assert cluster.witness_decided_by == "undecided"
    # The graph still links them, and says that nothing decides which came first.
    (reprint,) = result.reprints
    assert reprint.decided_by == "undecided"


def test_a_credit_line_orders_two_posts_of_one_day(tmp_path: Path) -> None:
    """On one day, the post that names the other's outlet ("... reported:") is the copy."""
    result = audit_records(
        tmp_path,
        [
            {
                "id": "blog",
                "title": "Blog",
                "date": "2016-11-03",
                "outlet": "Some Blog",
                "text": f"DEBKAfile reported Thursday:\n\n{STORY}",
            },
            {
                "id": "debka",
                "title": "Debka",
                "date": "2016-11-03",
                "outlet": "DEBKAfile",
                "text": f"{STORY}\n\n{prose(7, 30)}",
            },
        ],
    )
    assert [(s.post, s.decided_by) for s in reuse(result, "blog").sources] == [("debka", "credit")]
    assert reuse(result, "debka").sources == ()


def test_an_outlet_named_in_the_shared_text_orders_nothing(tmp_path: Path) -> None:
    """A report quoting an interview ("..., Netanyahu told Fox News") names Fox News in the words it wrote.

    A post of the same day citing Fox News that carries those words names Fox
    News in the same sentence: the sentence came with the text, whichever way
    it went, and is no credit of the one by the other. It ordered the report
    after the post and made it a copy crediting Fox News, while the post that
    printed the report's text under Fox News's name went without a finding.
    """
    told = f"{prose(8, 30)} Netanyahu told Fox News on Sunday, adding that talks would go on."
    carried = f"{STORY}\n\n{told}"
    report = f"{carried}\n\n{prose(9, 40)}"
    result = audit_records(
        tmp_path,
        [
            {"id": "toi", "title": "T", "date": "2024-03-10", "outlet": "Times of Israel", "text": report},
            {"id": "blog", "title": "B", "date": "2024-03-10", "outlet": "Fox News", "text": carried},
        ],
    )
    assert reuse(result, "toi").sources == ()
    assert [(s.post, s.decided_by) for s in reuse(result, "blog").sources] == []
    (reprint,) = result.reprints
    assert reprint.decided_by == "undecided"


QUOTE_1 = "We have never seen anything like this in forty years of running the festival"
QUOTE_2 = "The band will play every song from the first album and then some new ones"


def test_an_independent_report_sharing_quotes_and_names_stays_independent(tmp_path: Path) -> None:
    """A report in its own words that quotes the same two remarks and names as the wire is independent."""
    wire = (
        f"Glastonbury organiser Michael Eavis said the Pyramid Stage crowd broke records. "
        f"``{QUOTE_1},'' Eavis said today.\n\n{prose(8, 30)}\n\n"
        f"Oasis guitarist Noel Gallagher told reporters: ``{QUOTE_2}.''\n\n{prose(9, 30)}"
    )
    paper = (
        f'{prose(10, 30)} Michael Eavis was beaming. "{QUOTE_1}," he said.\n\n{prose(11, 36)}\n\n'
        f'Noel Gallagher promised fans at Glastonbury: "{QUOTE_2}."\n\n{prose(12, 30)}'
    )
    result = audit_records(
        tmp_path,
        [
            {
                "id": "wire",
                "title": "Wire",
                "date": "2000-06-24",
                "outlet": "Press Association",
                "text": wire,
            },
            {"id": "paper", "title": "Paper", "date": "2000-06-25", "outlet": "The Guardian", "text": paper},
        ],
    )
    found = reuse(result, "paper")
    assert found.quoted_share > 0.1  # the two remarks are found, and measured apart
    assert found.share < 0.05 and found.derivation == "independent"


def test_a_stock_phrase_alone_lists_no_source(tmp_path: Path) -> None:
    """A post whose only words in common with an earlier one are a five-word stock phrase borrows nothing."""
    phrase = "on the west side of the"
    result = audit_records(
        tmp_path,
        [
            {
                "id": "a",
                "title": "A",
                "date": "2020-01-01",
                "text": f"{prose(13, 20)} {phrase} {prose(14, 20)}",
            },
            {
                "id": "b",
                "title": "B",
                "date": "2020-01-02",
                "text": f"{prose(15, 20)} {phrase} {prose(16, 20)}",
            },
        ],
    )
    assert reuse(result, "b").sources == () and reuse(result, "b").derivation == "independent"


# --------------------------------------------------------------------------
# the chronology's rules, one by one
# --------------------------------------------------------------------------


def _chronology(
    *posts_: Any, outlets: dict[str, str] | None = None, named: dict[str, set[str]] | None = None
) -> Chronology:
    return Chronology.of(list(posts_), outlets, named)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (dict(date="2020-01-01"), dict(date="2020-01-02"), (True, "post_date")),
        (dict(date="2020-01-02"), dict(date="2020-01-01"), (False, "post_date")),
        (dict(date="2020-01-01"), dict(date="2020-01-01"), (True, "undecided")),
        (dict(date="2020-01-01", time="09:00"), dict(date="2020-01-01", time="08:00"), (False, "post_time")),
        (dict(), dict(), (True, "input_order")),
        (dict(), dict(date="2020-01-01"), (False, "undated")),
        (dict(reference=True), dict(date="1990-01-01"), (True, "reference")),
        (dict(reference=True), dict(reference=True), (True, "undecided")),
    ],
)
def test_chronology_orders_two_posts_by_evidence(
    first: dict[str, Any], second: dict[str, Any], expected: tuple[bool, str]
) -> None:
    """Reference, date, time, and the guesses for undated posts; two of one day are undecided."""
    import dataclasses
    import datetime as dt

    def make(name: str, spec: dict[str, Any]) -> Any:
        made = post(name, "text", date=dt.date.fromisoformat(spec["date"]) if "date" in spec else None)
        when = dt.time.fromisoformat(spec["time"]) if "time" in spec else None
        return dataclasses.replace(made, time=when, reference=spec.get("reference", False))

    chronology = _chronology(make("p", first), make("q", second))
    assert chronology.decide_one(0, 1) == expected
    # The reverse question gets the reverse answer (undecided stays undecided).
    flipped = chronology.decide_one(1, 0)
    assert flipped[1] == expected[1]
    if expected[1] != "undecided":
        assert flipped[0] != expected[0]


def test_chronology_credit_needs_one_side_naming_the_other() -> None:
    """On one day, a post naming the other's outlet is later; both naming each other is undecided."""
    import datetime as dt

    day = dt.date(2020, 1, 1)
    posts_ = [post("p", "text", date=day), post("q", "text", date=day)]
    outlets = {"p": "alpha", "q": "beta"}
    assert _chronology(*posts_, outlets=outlets, named={"q": {"alpha"}}).decide_one(0, 1) == (True, "credit")
    assert _chronology(*posts_, outlets=outlets, named={"p": {"beta"}}).decide_one(0, 1) == (False, "credit")
    both = _chronology(*posts_, outlets=outlets, named={"p": {"beta"}, "q": {"alpha"}})
    assert both.decide_one(0, 1)[1] == "undecided"
    # Naming one's own outlet (both cite the same one) orders nothing.
    same = _chronology(*posts_, outlets={"p": "alpha", "q": "alpha"}, named={"q": {"alpha"}})
    assert same.decide_one(0, 1)[1] == "undecided"


def test_chronology_decides_a_batch_as_it_decides_each_pair() -> None:
    """Credits decide same-day pairs of distinct outlets in a batch mixed with pairs decided otherwise,
    each as asked alone: the credit look-up, made for those pairs only, lands on the right ones."""
    import dataclasses
    import datetime as dt

    rng = random.Random(5)
    made = []
    for i in range(16):
        date = None if i % 7 == 0 else dt.date(2020, 1, 1 + rng.randrange(2))
        made.append(
            dataclasses.replace(post(f"p{i}", "text", date=date), time=dt.time(3) if i == 5 else None)
        )
    outlets = {f"p{i}": f"o{i % 5}" for i in range(16) if i % 6}
    named = {f"p{i}": {f"o{(i + 1) % 5}", f"o{(i + 3) % 5}"} for i in range(0, 16, 3)}
    chronology = _chronology(*made, outlets=outlets, named=named)
    pairs = [(a, b) for a in range(16) for b in range(16) if a != b]
    first, evidence = chronology.decide(np.array([a for a, _ in pairs]), np.array([b for _, b in pairs]))
    alone = [chronology.decide_one(a, b) for a, b in pairs]
    assert [(bool(f), EVIDENCE[int(e)]) for f, e in zip(first, evidence, strict=True)] == alone
    credited = [(a, b, f) for (a, b), (f, name) in zip(pairs, alone, strict=True) if name == "credit"]
    assert len(credited) >= 4
    # The earlier of a credited pair is the one whose outlet the other names.
    assert all(f == (outlets.get(f"p{a}") in named.get(f"p{b}", ())) for a, b, f in credited)


def test_chronology_is_antisymmetric_and_agrees_with_the_rank() -> None:
    """Asked both ways, a pair gets the same evidence and opposite answers; dates agree with the rank."""
    import dataclasses
    import datetime as dt

    rng = random.Random(3)
    made = []
    for i in range(14):
        date = None if i % 5 == 0 else dt.date(2020, 1, 1 + rng.randrange(3))
        item = post(f"p{i}", "text", date=date)
        made.append(
            dataclasses.replace(item, reference=i == 7, time=dt.time(rng.randrange(3)) if i % 2 else None)
        )
    chronology = _chronology(
        *made, outlets={f"p{i}": f"o{i % 4}" for i in range(14)}, named={"p3": {"o1", "o2"}}
    )
    pairs = [(a, b) for a in range(14) for b in range(14) if a != b]
    p, q = np.array([a for a, _ in pairs]), np.array([b for _, b in pairs])
    first, evidence = chronology.decide(p, q)
    back, back_evidence = chronology.decide(q, p)
    assert (evidence == back_evidence).all()
    decided = evidence != 0
    assert (first[decided] != back[decided]).all()
    by_rank = np.isin(
        evidence, [EVIDENCE.index(e) for e in ("reference", "citation_date", "undated", "input_order")]
    )
    assert (first[by_rank] == (chronology.rank[p] < chronology.rank[q])[by_rank]).all()
    assert set(evidence.tolist()) >= {
        EVIDENCE.index(e) for e in ("undecided", "post_date", "reference", "undated")
    }


def test_a_line_of_a_few_words_makes_no_pair_across_posts(tmp_path: Path) -> None:
    """ "Cheers" and "Hello all," closing two posts pair with nothing; a four-word line and its repeat do."""
    result = audit_records(
        tmp_path,
        [
            {
                "id": "a",
                "title": "A",
                "date": "2020-01-01",
                "text": f"Hello all,\n\n{prose(17, 30)}\n\nCheers",
            },
            {
                "id": "b",
                "title": "B",
                "date": "2020-01-02",
                "text": f"Hello all,\n\n{prose(18, 30)}\n\nCheers",
            },
            {"id": "c", "title": "C", "date": "2020-01-03", "text": f"{prose(19, 30)}\n\nCheers\n\nCheers"},
            {
                "id": "d",
                "title": "D",
                "date": "2020-01-04",
                "text": f"Exempi released version two\n\n{prose(20, 9)}",
            },
            {
                "id": "e",
                "title": "E",
                "date": "2020-01-05",
                "text": f"{prose(21, 9)}\n\nExempi released version two",
            },
        ],
    )
    pairs = {(p.a.post, p.b.post, p.kind) for p in result.pairs}
    assert pairs == {("c", "c", "exact"), ("d", "e", "exact")}


def test_the_time_of_day_orders_two_wire_texts_of_one_day(tmp_path: Path) -> None:
    """JSON Lines date-times: the 02:49 text is the source of the 13:22 one, and audit.json keeps the time."""
    result = audit_records(
        tmp_path,
        [
            {
                "id": "late",
                "title": "Late",
                "date": "2000-01-07T13:22",
                "text": f"{STORY}\n\n{prose(22, 30)}",
            },
            {"id": "early", "title": "Early", "date": "2000-01-07 02:49:00", "text": STORY},
        ],
    )
    assert [(s.post, s.decided_by) for s in reuse(result, "late").sources] == [("early", "post_time")]
    times = {p.id: p.time.isoformat() if p.time else None for p in result.posts}
    assert times == {"late": "13:22:00", "early": "02:49:00"}


def test_date_times_of_two_time_zones_are_ordered_by_instant(tmp_path: Path) -> None:
    """09:00 in London is before 08:00 in New York, and 01:00 in Tokyo before 20:00 of the day before
    in New York: each is the other's source, with its time and date kept as written and no date inversion."""
    result = audit_records(
        tmp_path,
        [
            {"id": "london", "title": "London", "date": "2021-07-04T09:00:00Z", "text": STORY},
            {"id": "new-york", "title": "New York", "date": "2021-07-04T08:00:00-04:00", "text": STORY},
            {"id": "tokyo", "title": "Tokyo", "date": "2021-07-05T01:00:00+09:00", "text": WIRE},
            {"id": "evening", "title": "Evening", "date": "Sun, 04 Jul 2021 20:00:00 -0400", "text": WIRE},
        ],
    )
    assert [(s.post, s.decided_by) for s in reuse(result, "new-york").sources] == [("london", "post_time")]
    assert [(s.post, s.decided_by) for s in reuse(result, "evening").sources] == [("tokyo", "post_date")]
    assert reuse(result, "london").sources == () and reuse(result, "tokyo").sources == ()
    shown = {p.id: (str(p.date), p.time.isoformat() if p.time else None) for p in result.posts}
    assert shown["new-york"] == ("2021-07-04", "08:00:00")
    assert shown["tokyo"] == ("2021-07-05", "01:00:00")
    assert result.findings == []
    # audit.json keeps each offset beside the time as written, so that a reader can see the order's reason.
    offsets = {p["id"]: (p["time"], p["utc_offset"]) for p in audit_to_dict(result)["posts"]}
    assert offsets == {
        "london": ("09:00:00", "+00:00"),
        "new-york": ("08:00:00", "-04:00"),
        "tokyo": ("01:00:00", "+09:00"),
        "evening": ("20:00:00", "-04:00"),
    }
