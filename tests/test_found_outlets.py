"""Outlets nobody listed: names the table does not know, found from the cue and their capitalisation."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.attribution import _candidates, _holds_vouched_name, extract_mentions, split_sentences
from provenance.cli import cli
from provenance.config import AuditConfig
from provenance.credits import credits_of_posts
from provenance.dedup import find_duplicates
from provenance.graph import build_graph
from provenance.models import Link, Paragraph, Post, SourceRef
from provenance.outlets import (
    builtin_aliases,
    clean_outlet_name,
    guess_kind,
    looks_like_outlet_name,
    outlet_key,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_mentions


def post_of(*paragraphs: str, post_id: str = "p", links: tuple[Link, ...] = ()) -> Post:
    return Post(
        id=post_id,
        title="A post",
        date=None,
        source=SourceRef("dump.txt", 1, 1),
        citation=None,
        paragraphs=tuple(Paragraph(i, 10 + i, text) for i, text in enumerate(paragraphs)),
        links=links,
    )


def found(text: str, vouched: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    return [(m.outlet, m.cue) for m in extract_mentions(post_of(text), builtin_aliases(), vouched)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The mayor resigned, according to the Daily Bugle.", [("Daily Bugle", "according to")]),
        ("Yesterday the Daily Bugle reported a fire.", [("Daily Bugle", "reported")]),
        ("It rained, the Gotham Gazette said on Monday.", [("Gotham Gazette", "said")]),
        ("The actor told the Metro Evening News that he was done.", [("Metro Evening News", "told")]),
        ("A spokesman for the Ministry of Magic said it was over.", [("Ministry of Magic", "spokesman for")]),
        ("A Buckingham Palace spokesman said nothing.", [("Buckingham Palace", "said")]),
        ("Sources told the Sunday Courier that it was true.", [("Sunday Courier", "told")]),
        ("The figures, according to The Harbour Times, are new.", [("The Harbour Times", "according to")]),
        ("Smith of the Daily Planet said it was over.", [("Daily Planet", "said")]),
        ("Data published by the Pew Research Center show it.", [("Pew Research Center", "published by")]),
        ("The data, Linux.com reported, are old.", [("Linux.com", "reported")]),
    ],
)
def test_an_unknown_outlet_beside_a_cue_is_found(text: str, expected: list[tuple[str, str]]) -> None:
    """A capitalised name with an outlet word (or a domain) bound to a reporting cue is an outlet."""
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "John Smith said the mayor resigned.",
        "Kate Moss told friends she was leaving.",
        "Madonna said the tour was over.",
        "Capital Radio DJ Chris Tarrant said it was fun.",
        "Prime Minister Tony Blair said the talks went well.",
        "Police said the fire was arson.",
        "An MP said so in the House.",
        "ISIS vowed to fight on.",
        "The figures, according to The Conversation, are new.",
        "The Police said it was arson.",
        "Sun Microsystems announced Java.",
        "The Daily Bugle building burned down on Monday.",
        "He works at the Daily Bugle.",
        "The Harbour Gazette, which the crews said was empty, burned down.",
    ],
)
def test_people_generic_words_and_names_without_a_cue_are_not_outlets(text: str) -> None:
    """A person after "said", a title and its person, a lone institution word, no cue of its own: nothing."""
    assert found(text) == []


def test_names_the_corpus_vouches_for_are_outlets() -> None:
    """ "Mozilla announced" counts once a link with the text "Mozilla" points to mozilla.org."""
    assert found("Mozilla announced the new browser.") == []
    linked = post_of(
        "Get it from Mozilla.", links=(Link(0, "https://www.mozilla.org/", "mozilla.org", "Mozilla", 10),)
    )
    _, vouched = credits_of_posts([linked], builtin_aliases())
    assert "mozilla" in vouched
    assert found("Mozilla announced the new browser.", vouched) == [("Mozilla", "announced")]


def test_a_credit_line_vouches_for_its_name() -> None:
    """A name credited by "Source:" is an outlet in another post's "X said" too."""
    source = post_of("Body.", "Source: Harbour Watcher", post_id="a")
    _, vouched = credits_of_posts([source], builtin_aliases())
    assert found("Harbour Watcher said the ships left.", vouched) == [("Harbour Watcher", "said")]


def test_a_vouched_name_is_looked_for_as_its_words_in_a_row() -> None:
    """A vouched name sends a paragraph to the search for unlisted outlets only when its words are there
    in a row: its "of" and "the" alone would send nearly every paragraph."""
    names = ("Office of the Director of National Intelligence", "U.S. News")
    vouched = frozenset(outlet_key(name) for name in names)
    assert not _holds_vouched_name("The head of the agency said the office was closed.", vouched)
    assert not _holds_vouched_name("Intelligence officers said the Director of Office left.", vouched)
    for text in (
        "The Office of the Director of National Intelligence said so.",
        "the office of the director of national intelligence’s report said so",
        "U.S. News reported it.",
        "Figures from US News show it.",
    ):
        assert _holds_vouched_name(text, vouched), text
    assert found("The Office of the Director of National Intelligence said so.", vouched) == [
        ("Office of the Director of National Intelligence", "said")
    ]


# Words as names write them: dots, "&", a possessive, a hyphen, an apostrophe, NFKC forms, a bracket.
_NAME_PARTS = st.sampled_from(
    [
        "The",
        "the",
        "of",
        "Office",
        "AT&T",
        "U.S.",
        "News’s",
        "Al-Jazeera",
        "O'Brien",
        "ﬁle",
        "Ｗire",
        "(London)",
    ]
)
_GLUE = st.sampled_from([" ", "  ", ", ", ". ", " said ", " reported ", "\n", " according to "])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_NAME_PARTS, _GLUE), min_size=1, max_size=14))
def test_no_name_the_search_would_take_as_vouched_is_missed(parts: list[tuple[str, str]]) -> None:
    """No false no: every name the search for unlisted outlets reads in a text, vouched for, is seen
    by the cheap test, however the text writes it (dots, "&", possessives, hyphens, NFKC forms)."""
    text = "".join(word + glue for word, glue in parts)
    for start, end in split_sentences(text):
        for candidate in _candidates(text[start:end]):
            key = outlet_key(clean_outlet_name(candidate.name))
            if key:
                assert _holds_vouched_name(text, frozenset({key})), (text, candidate.name, key)


def test_known_outlets_still_come_from_the_table() -> None:
    """A known outlet is found under its canonical name, whatever the spelling, and no found one beside it."""
    assert found("WaPo reported it first.") == [("The Washington Post", "reported")]
    assert found("He told the Mirror that it was over.") == [("Daily Mirror", "told")]
    assert found("The Sun reported it.") == [("The Sun", "reported")]


def test_the_outlet_rule_and_the_kind_guess() -> None:
    """Outlet words or a domain make an outlet; a person's name or a lone generic word do not."""
    assert looks_like_outlet_name("Daily Bugle") and looks_like_outlet_name("linux.com")
    assert not looks_like_outlet_name("John Smith") and not looks_like_outlet_name("Police")
    assert not looks_like_outlet_name("EFF")
    # A place named after a paper is a place: "Times Square reported", "From Tribune Tower:".
    assert not any(map(looks_like_outlet_name, ["Times Square", "Tribune Tower", "Fleet Street"]))
    assert looks_like_outlet_name("Wall Street Journal") and looks_like_outlet_name("Park Avenue Magazine")
    assert guess_kind("Ministry of Magic") == "government body"
    assert guess_kind("Free Software Foundation") == "organisation"
    assert guess_kind("Daily Bugle") == "news outlet"


def test_found_and_known_outlets_are_marked_and_variants_merge() -> None:
    """ "the Daily Bugle" and "Daily Bugle" are one found outlet; the Post and WaPo one known outlet."""
    posts = [
        post_of("The mayor resigned, according to the Daily Bugle.", post_id="a"),
        post_of("Daily Bugle reported a fire. The Washington Post reported it too.", post_id="b"),
        post_of("WaPo said so, according to Washington Post editors.", post_id="c"),
    ]
    config = AuditConfig()
    result = build_graph(posts, find_duplicates(posts, config), config)
    outlets = {o.name: o for o in result.outlets}
    assert set(outlets) == {"Daily Bugle", "The Washington Post"}
    assert (outlets["Daily Bugle"].source, outlets["Daily Bugle"].mentioned_by) == ("found", ("a", "b"))
    assert (outlets["The Washington Post"].source, outlets["The Washington Post"].mentioned_by) == (
        "known",
        ("b", "c"),
    )
    node = result.graph.nodes["outlet:Daily Bugle"]
    assert (node["source"], node["kind"]) == ("found", "news outlet")


def test_audit_json_marks_found_outlets(tmp_path: Path) -> None:
    """Through the command line: outlets[].source is "found" for the Daily Bugle, "known" for Reuters."""
    dump = tmp_path / "dump.jsonl"
    rows = [
        {
            "id": "a",
            "title": "Fire",
            "date": "2024-01-02",
            "text": "The mayor resigned, according to the Daily Bugle.",
        },
        {
            "id": "b",
            "title": "Fire 2",
            "date": "2024-01-03",
            "text": "John Smith said Reuters reported the fire.",
        },
    ]
    dump.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["audit", str(dump), "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert {o["name"]: o["source"] for o in doc["outlets"]} == {"Daily Bugle": "found", "Reuters": "known"}


# --------------------------------------------------------------------------
# the mention benchmark's scoring
# --------------------------------------------------------------------------


def test_the_benchmark_scores_a_tiny_hand_made_case() -> None:
    """Two labels, three finds: one hit by an alias, one false hit, one miss; precision and recall 1/2."""
    labels = [
        bench_mentions.Label("post-1", "The Washington Post", ("WaPo",)),
        bench_mentions.Label("post-2", "Gotham Gazette", ()),
    ]
    found_pairs = {("post-1", "Washington Post"), ("post-1", "Daily Planet"), ("post-3", "Reuters")}
    score = bench_mentions.score(labels, found_pairs, {"post-1", "post-2"}, builtin_aliases())
    assert (score.hits, score.labels, score.found) == (1, 2, 2)
    assert (score.precision, score.recall) == (0.5, 0.5)
    assert score.misses == [("post-2", "Gotham Gazette")]
    assert score.false_hits == [("post-1", "Daily Planet")]


def test_the_sample_is_the_one_its_rule_chooses(shared: Path) -> None:
    """The labelled posts are exactly those the stated seeded rule picks from the two corpora."""
    sample = bench_mentions.load_sample()
    chosen = bench_mentions.choose(shared)
    assert {name: [p.id for p in posts] for name, posts in sample.items()} == chosen
