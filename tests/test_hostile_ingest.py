"""Hostile and messy dumps at ingest: one bad value, file or link spoils only itself; every skip is listed."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_accounting import physical_lines, unaccounted

from provenance.ingest import file_event, read_corpus
from provenance.ingest.dates import TRAILING_DATE, date_from_match, parse_any_date, parse_date
from provenance.ingest.jsonl import KNOWN_FIELDS, iter_jsonl
from provenance.models import Corpus

ABSURD_RFC822 = "Mon, 01 Jan 2017 00:00:00 +99999999999999"
HUGE_INT = "1" * 5000


def _jsonl_corpus(text: str, path: str = "dump.jsonl") -> Corpus:
    corpus = Corpus()
    for event in iter_jsonl(path, physical_lines(text)):
        post = file_event(event, corpus)
        if post is not None:
            corpus.posts.append(post)
    return corpus


# --------------------------------------------------------------------------
# dates: total parsers
# --------------------------------------------------------------------------


def test_absurd_rfc822_dates_give_none() -> None:
    """An RFC 822 date with an offset or year no datetime can hold is None, not OverflowError."""
    assert parse_any_date(ABSURD_RFC822) is None
    assert parse_any_date("Mon, 01 Jan 99999999999 00:00:00 +0000") is None
    assert parse_any_date("Fri, 14 Jul 2017 09:00:00 +0000") == parse_any_date("2017-07-14")


def test_month_names_matched_by_case_folding_are_read() -> None:
    """A month the case-insensitive pattern accepts ("ſep" with a long s) gives its date, not KeyError."""
    assert parse_date("1 ſep 2017") == parse_date("1 Sep 2017")
    assert parse_any_date("ſeptember 1, 2017") == parse_any_date("2017-09-01")


_date_fragment = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "Mon, ", "14 ", "Jul ", "July ", "ſep", "2017", " 09:00:00 ", "+0000", "+99999999999999",
            "-9999", "GMT", ", ", "-", "T", "٣", "99999999999999999999", HUGE_INT, "0000-00-00",
        ]
    ),
)  # fmt: skip


_number = st.one_of(st.integers(min_value=-(10**20), max_value=10**20).map(str), st.just(HUGE_INT))
_month = st.one_of(
    st.sampled_from(["Jan", "jul", "ſep", "ſeptember", "May.", "İan", "mar"]), st.text(max_size=5)
)
_rfc822_shaped = st.builds(
    lambda day, month, year, offset: f"Mon, {day} {month} {year} 09:00:00 {offset}",
    _number,
    _month,
    _number,
    st.one_of(_number.map(lambda n: "+" + n.lstrip("-")), st.sampled_from(["GMT", "EST", "-0000", ""])),
)
_blog_shaped = st.builds(
    lambda month, day, year: f"{month} {day}, {year}", _month, st.integers(0, 99), st.integers(0, 9999)
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), st.lists(_date_fragment, max_size=8).map("".join), _rfc822_shaped, _blog_shaped))
def test_date_parsers_are_total(text: str) -> None:
    """Every date parser returns a date or None for any string; none raises."""
    parse_any_date(text)
    parse_date(text)
    for match in TRAILING_DATE.finditer(text):
        date_from_match(match)


# --------------------------------------------------------------------------
# JSON Lines: one bad value spoils its record only
# --------------------------------------------------------------------------


def _line(post_id: str, **fields: str) -> str:
    """A JSON line whose extra fields are raw JSON text (so that they can hold what json.dumps cannot)."""
    extra = "".join(f', "{key}": {value}' for key, value in fields.items())
    return f'{{"id": "{post_id}", "title": "T {post_id}", "text": "Text of {post_id}."{extra}}}'


def test_huge_integer_spoils_only_its_field_and_the_file_goes_on() -> None:
    """A 5,000-digit integer drops its known field with a warning; in any field, the later posts stay."""
    text = "\n".join(
        [_line("a"), _line("b", extra=HUGE_INT), _line("c", outlet=HUGE_INT), _line("d")]
    )  # fmt: skip
    corpus = _jsonl_corpus(text)
    assert [p.id for p in corpus.posts] == ["a", "b", "c", "d"]
    assert corpus.posts[2].citation is None
    assert (
        "dump.jsonl:3: field 'outlet' is a number of 5,000 digits, expected a string; field dropped"
        in map(str, corpus.warnings)
    )
    assert unaccounted(corpus, "dump.jsonl", text) == {}


def test_absurd_date_keeps_the_post_undated_and_the_rest_of_the_file() -> None:
    """An absurd RFC 822 offset in ``date`` or ``source_date`` warns; the post and those after it stay."""
    text = "\n".join(
        [
            _line("a", date=json.dumps(ABSURD_RFC822)),
            _line("b", source_date=json.dumps(ABSURD_RFC822)),
            _line("c"),
        ]
    )
    corpus = _jsonl_corpus(text)
    assert [(p.id, p.date) for p in corpus.posts] == [("a", None), ("b", None), ("c", None)]
    messages = list(map(str, corpus.warnings))
    assert f"dump.jsonl:1: invalid date {ABSURD_RFC822!r}; post kept undated" in messages
    assert f"dump.jsonl:2: invalid source_date {ABSURD_RFC822!r}; citation kept undated" in messages


def test_optional_field_of_the_wrong_type_keeps_the_post() -> None:
    """``tags`` as an object is dropped with a warning, a number ``title`` is read as text; the post stays."""
    text = _line("a", tags='{"x": 1}', categories='["news", 7, [1], true]').replace('"T a"', "2017")
    (post,) = _jsonl_corpus(text).posts
    assert (post.title, post.tags, post.categories) == ("2017", (), ("news", "7"))
    messages = set(map(str, _jsonl_corpus(text).warnings))
    assert messages == {
        "dump.jsonl:1: field 'tags' is an object, expected a string or a list of strings; field dropped",
        "dump.jsonl:1: field 'categories': 2 item(s) not a string (a boolean, a list) dropped",
    }


def test_lone_surrogate_becomes_a_replacement_character_with_a_warning() -> None:
    """``"\\ud800"`` in a JSON string is stored as U+FFFD, so the text is valid; a warning names the field."""
    text = _line("a", outlet='"Agence \\ud800"').replace("Text of a.", "Caf\\udce9 text.")
    corpus = _jsonl_corpus(text)
    (post,) = corpus.posts
    assert post.paragraphs[0].text == "Caf\ufffd text."
    assert post.citation is not None and post.citation.outlet == "Agence \ufffd"
    assert (
        "dump.jsonl:1: field 'outlet': 1 lone surrogate escape(s) (no character) replaced by U+FFFD"
        in map(str, corpus.warnings)
    )
    for value in (post.id, post.title, post.paragraphs[0].text, post.citation.outlet):
        value.encode("utf-8")


_raw_scalar = st.one_of(
    st.sampled_from(
        [
            "null", "true", "false", HUGE_INT, "-" + "7" * 4400, "1e999", "-0", "NaN", "Infinity",
            '"\\ud800"', '"a\\udfffb"', json.dumps(ABSURD_RFC822), '"Fri, 14 Jul 99999 09:00:00 +0000"',
            '"2017-07-14"', '""', '"  "',
        ]
    ),
    st.integers().map(str),
    st.floats().map(json.dumps),
    st.text(max_size=20).map(json.dumps),
)  # fmt: skip
_raw_value = st.recursive(
    _raw_scalar,
    lambda children: (
        st.lists(children, max_size=3).map(lambda items: "[" + ",".join(items) + "]")
        | st.dictionaries(st.text(max_size=5).map(json.dumps), children, max_size=3).map(
            lambda pairs: "{" + ",".join(f"{key}:{value}" for key, value in pairs.items()) + "}"
        )
    ),
    max_leaves=4,
)
_text_value = st.one_of(
    st.text(max_size=60).map(lambda text: (True, json.dumps(text))),
    _raw_value.map(lambda raw: (raw.startswith('"'), raw)),
)
_record = st.tuples(
    st.dictionaries(st.sampled_from([*sorted(KNOWN_FIELDS - {"text"}), "other"]), _raw_value, max_size=6),
    _text_value,
)


def _record_line(record: tuple[dict[str, str], tuple[bool, str]]) -> str:
    fields, (_, text) = record
    return "{" + ",".join([*(f'"{key}":{value}' for key, value in fields.items()), f'"text":{text}']) + "}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_record, min_size=1, max_size=4))
def test_any_json_value_in_any_field_spoils_nothing_else(
    records: list[tuple[dict[str, str], tuple[bool, str]]],
) -> None:
    """Any JSON value in any field: no exception, each line a post or unparsed, string text always a post."""
    text = "\n".join(_record_line(record) for record in records)
    corpus = _jsonl_corpus(text)
    assert unaccounted(corpus, "dump.jsonl", text) == {}
    with_text = [number for number, (_, (is_string, _)) in enumerate(records, start=1) if is_string]
    assert [post.source.line_start for post in corpus.posts] == with_text
    for post in corpus.posts:
        strings = [post.id, post.title, post.url or "", *post.tags, *post.categories]
        strings += [paragraph.text for paragraph in post.paragraphs]
        if post.citation is not None:
            strings += [post.citation.outlet or "", post.citation.title or "", *post.citation.authors]
        for value in strings:
            value.encode("utf-8")  # no lone surrogate left
    for warning in corpus.warnings:
        warning.message.encode("utf-8")
        assert 0 <= warning.line <= len(records)


def test_huge_integer_in_a_file_read_through_read_corpus_keeps_every_post(tmp_path: Path) -> None:
    """Through read_corpus, a huge integer on line 2 no longer stops the file: all four posts are read."""
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join([_line("a"), _line("b", n=HUGE_INT), _line("c"), _line("d")]) + "\n")
    corpus = read_corpus([dump])
    assert [p.id for p in corpus.posts] == ["a", "b", "c", "d"]
    assert not [w for w in corpus.warnings if "stopped" in w.message]


# --------------------------------------------------------------------------
# Plain text and Markdown
# --------------------------------------------------------------------------


def test_whitespace_only_file_larger_than_the_head_is_skipped_as_empty(tmp_path: Path) -> None:
    """A 200 KB file of blank lines is skipped as empty like a small one, not read as a post with no text."""
    blank = tmp_path / "blank.txt"
    blank.write_bytes(b" \t\n\r\n" * 40_000)
    corpus = read_corpus([blank])
    assert corpus.posts == [] and corpus.warnings == []
    assert [(s.path, s.reason) for s in corpus.skipped] == [(str(blank), "empty file (only blank lines)")]
