"""Property tests: generated archives, text files and JSON Lines parse without raising, losing no line."""

from __future__ import annotations

import json
from collections.abc import Iterable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_accounting import physical_lines, unaccounted

from provenance.ingest import file_event
from provenance.ingest.archive import iter_archive
from provenance.ingest.jsonl import iter_jsonl
from provenance.ingest.source import Event
from provenance.ingest.text import iter_text
from provenance.models import Corpus

PATH = "generated.txt"

_words = st.text(alphabet=st.sampled_from("abcXYZ éü’—,.:;-()[]*#!_0123456789"), min_size=1, max_size=40)
_line = st.one_of(
    _words,
    st.sampled_from(
        [
            "July 14, 2017",
            "Jul 14, 2017",
            "14 July 2017",
            "2017-07-14",
            "February 30, 2017",
            "Friday, July 14, 2017",
            "***********************************",
            "baghdadi_call480-1",
            "Photo Credit: JP.com graphic",
            "(But please see, the report — DM)",
            "[Editor’s Note: below is the testimony.]",
            "Posted tagged ‘Islamic State – what’s next’",
            "Category Archives: News",
            "A Title, Long War Journal, July 13, 2017",
            "Title, with comma, Front Page MagazineJoseph Klein, June 29, 2017",
            "Some title, An Outlet, Jane Doe and John Roe, 2017-07-13",
            "\u00a0",
            "   ",
            "",
            "# A heading",
            "---",
            "title: x",
            "![img](a.png)",
        ]
    ),
    st.text(min_size=1, max_size=30),
)
_document = st.tuples(st.lists(_line, max_size=40), st.sampled_from(["\n", "\r\n", "\r"]))


def _corpus(events: Iterable[Event]) -> Corpus:
    corpus = Corpus()
    for event in events:
        post = file_event(event, corpus)
        if post is not None:
            corpus.posts.append(post)
    return corpus


def _join(document: tuple[list[str], str]) -> str:
    lines, newline = document
    # A lone "\r" line break cannot be told apart from a "\r" inside a line.
    return newline.join(line.replace("\r", " ").replace("\n", " ") for line in lines)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_document)
def test_generated_archives_never_raise_and_lose_no_line(document: tuple[list[str], str]) -> None:
    """Any mix of archive-like lines, with any line ending, parses and places every non-blank line once."""
    text = _join(document)
    corpus = _corpus(iter_archive(PATH, physical_lines(text)))
    assert unaccounted(corpus, PATH, text) == {}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_document)
def test_generated_text_files_never_raise_and_lose_no_line(document: tuple[list[str], str]) -> None:
    """Any mix of lines read as one text/Markdown post places every non-blank line exactly once."""
    text = _join(document)
    corpus = _corpus(iter_text(PATH, physical_lines(text), "generated"))
    assert len(corpus.posts) == 1
    assert unaccounted(corpus, PATH, text) == {}


_json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=4,
)
_post_record = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.text(max_size=10), st.integers(), _json_value),
        "title": st.one_of(st.text(max_size=20), _json_value),
        "date": st.one_of(
            st.sampled_from(["2017-07-14", "July 14, 2017", "2017-02-30", "soon", ""]), _json_value
        ),
        "text": st.one_of(st.text(max_size=80), st.lists(st.text(max_size=20), max_size=3).map("\n\n".join)),
        "outlet": st.one_of(st.text(max_size=10), _json_value),
        "author": st.one_of(st.text(max_size=10), st.lists(st.text(max_size=10), max_size=3), _json_value),
        "source_date": st.one_of(st.sampled_from(["2017-07-13", "nope"]), _json_value),
        "tags": st.one_of(st.lists(st.text(max_size=8), max_size=3), _json_value),
    },
)
_jsonl_line = st.one_of(
    _post_record.map(json.dumps),
    _json_value.map(json.dumps),
    st.text(max_size=40).map(lambda s: s.replace("\n", " ").replace("\r", " ")),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_jsonl_line, max_size=12))
def test_generated_jsonl_never_raises_and_lose_no_line(lines: list[str]) -> None:
    """Post objects, other JSON and garbage give one post or one unparsed line per non-blank line."""
    text = "\n".join(lines)
    corpus = _corpus(iter_jsonl(PATH, physical_lines(text)))
    assert unaccounted(corpus, PATH, text) == {}
    for post in corpus.posts:
        assert all(p.line == post.source.line_start for p in post.paragraphs)
