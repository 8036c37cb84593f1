"""The JSON Lines reader: one post per line, bad lines reported and skipped."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from ingest_accounting import unaccounted

from provenance.config import AuditConfig
from provenance.ingest import _unique, detect_format, read_corpus
from provenance.ingest.jsonl import looks_like_jsonl
from provenance.models import Corpus, Post, SourceRef

POSTS = Path(__file__).parent / "fixtures" / "ingest" / "jsonl" / "posts.jsonl"


def test_good_lines_become_posts_with_their_fields() -> None:
    """Lines 1, 3 and 7 give posts with id, title, date, url, tags and paragraphs at their JSON line."""
    corpus = read_corpus([POSTS])
    assert [(p.id, p.title, p.date, p.source.line_start) for p in corpus.posts] == [
        ("first", "First post", dt.date(2017, 7, 14), 1),
        ("second", "Second post", dt.date(2017, 7, 15), 3),
        ("first-2", "First again", None, 7),
    ]
    first = corpus.posts[0]
    assert [(p.index, p.line, p.text) for p in first.paragraphs] == [
        (0, 1, "Opening paragraph."),
        (1, 1, "Second paragraph, wrapped on two lines."),
    ]
    assert (first.url, first.tags, first.format) == ("https://example.org/first", ("isis",), "jsonl")


def test_outlet_author_and_source_date_form_a_citation_with_line_zero() -> None:
    """``outlet``/``author``/``source_date`` become the citation; an author list keeps every name."""
    first, second, _ = read_corpus([POSTS]).posts
    assert first.citation is not None
    assert (first.citation.outlet, first.citation.author, first.citation.date, first.citation.line) == (
        "Long War Journal",
        "Bill Roggio",
        dt.date(2017, 7, 13),
        0,
    )
    assert second.citation is not None and second.citation.authors == ("Jane Doe", "John Roe")


def test_bad_lines_are_reported_with_line_and_reason_and_the_rest_kept() -> None:
    """Invalid JSON, a non-object and a missing text each give a file:line warning and an unparsed line."""
    corpus = read_corpus([POSTS])
    messages = [str(w) for w in corpus.warnings]
    assert f"{POSTS}:4: invalid JSON (Expecting ',' delimiter at column 65); line skipped" in messages
    assert f"{POSTS}:5: a JSON list, not an object; line skipped" in messages
    assert f"{POSTS}:6: no 'text' field; line skipped" in messages
    assert [u.line for u in corpus.unparsed] == [4, 5, 6]


def test_duplicated_id_is_renamed_with_a_warning_naming_both_places() -> None:
    """The second post with id "first" becomes "first-2", and the warning names the first one's line."""
    corpus = read_corpus([POSTS])
    assert f"{POSTS}:7: post id 'first' already used at {POSTS}:1; renamed 'first-2'" in map(
        str, corpus.warnings
    )


def test_ids_repeated_and_taken_by_renames_get_the_first_free_suffix(tmp_path: Path) -> None:
    """A renamed id skips suffixes real posts hold, and a real id a rename took is renamed in turn."""
    dump = tmp_path / "ids.jsonl"
    ids = ["x", "x", "x-3", "x", "x", "x-2"]
    dump.write_text(
        "".join(json.dumps({"id": i, "title": "t", "text": f"text {n}"}) + "\n" for n, i in enumerate(ids)),
        encoding="utf-8",
    )
    assert [post.id for post in read_corpus([dump]).posts] == ["x", "x-2", "x-3", "x-4", "x-5", "x-2-2"]


class _CountingLookups(dict[str, str]):
    lookups = 0

    def __contains__(self, key: object) -> bool:
        self.lookups += 1
        return super().__contains__(key)


def test_many_posts_of_one_id_are_renamed_in_linear_lookups() -> None:
    """The k-th repeat of an id does not try the k-1 suffixes taken before it (quadratic before)."""
    seen = _CountingLookups()
    next_suffix: dict[str, int] = {}
    corpus = Corpus()
    template = Post(
        id="x", title="t", date=None, source=SourceRef("dump.jsonl", 1, 1), citation=None, paragraphs=()
    )
    renamed = [_unique(template, seen, next_suffix, corpus).id for _ in range(2000)]
    assert renamed[:3] == ["x", "x-2", "x-3"] and len(set(renamed)) == 2000
    assert seen.lookups <= 3 * 2000


def test_invalid_date_and_unknown_fields_are_warned_about() -> None:
    """A date that names no day keeps the post undated; unknown fields are listed once per file."""
    messages = [str(w) for w in read_corpus([POSTS]).warnings]
    assert f"{POSTS}:7: invalid date '2017-02-30'; post kept undated" in messages
    assert f"{POSTS}: ignored unknown fields: mood" in messages


def test_every_line_is_a_post_or_unparsed() -> None:
    """Each non-blank JSON line is exactly one post or one unparsed line."""
    assert unaccounted(read_corpus([POSTS]), POSTS) == {}


def test_jsonl_content_is_detected_without_the_extension(tmp_path: Path) -> None:
    """A ``.txt`` file whose first line is a JSON object is read as JSON Lines."""
    dump = tmp_path / "dump.txt"
    dump.write_text(POSTS.read_text(encoding="utf-8"), encoding="utf-8")
    assert detect_format(dump, dump.read_text(encoding="utf-8")) == "jsonl"
    assert len(read_corpus([dump]).posts) == 3


def test_a_line_separator_inside_a_string_does_not_hide_json_lines(tmp_path: Path) -> None:
    """``json.dumps(ensure_ascii=False)`` writes U+2028 as it is: the ``.txt`` was read as one text post."""
    dump = tmp_path / "dump.txt"
    records = [{"id": "a", "title": "A", "text": "One\u2028two"}, {"id": "b", "title": "B", "text": "Three"}]
    dump.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    corpus = read_corpus([dump])
    assert corpus.formats == {str(dump): "jsonl"} and [p.id for p in corpus.posts] == ["a", "b"]


@given(st.dictionaries(st.sampled_from(["id", "title", "text", "date"]), st.text(), min_size=1))
def test_any_object_written_by_json_dumps_is_a_json_line(record: dict[str, str]) -> None:
    """Whatever characters its strings hold, a JSON object on the first line makes a file JSON Lines."""
    assert looks_like_jsonl(json.dumps(record, ensure_ascii=False) + "\n{}\n")


def test_format_option_overrides_detection(tmp_path: Path) -> None:
    """``AuditConfig(format="text")`` reads a JSON Lines file as one text post instead."""
    corpus = read_corpus([POSTS], AuditConfig(format="text"))
    assert [(p.format, len(corpus.posts)) for p in corpus.posts] == [("text", 1)]
    assert corpus.formats == {str(POSTS): "text"}


def test_a_number_in_a_text_field_is_read_as_written_with_a_warning(tmp_path: Path) -> None:
    """A number where a string is expected was taken as text without a word, and not as written: the
    title 1e3 became "1000.0". It is now the text of the number as the line writes it, with a warning
    naming file, line and field."""
    dump = tmp_path / "posts.jsonl"
    lines = [
        '{"id": "a", "title": 12, "text": "Words of a."}',
        '{"id": "b", "title": 1e3, "text": "Words of b."}',
        '{"id": 7, "title": 2017.10, "text": "Words of c.", "outlet": -0.50, "tags": ["news", 42]}',
    ]
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = read_corpus([dump])
    assert [(p.id, p.title) for p in corpus.posts] == [("a", "12"), ("b", "1e3"), ("7", "2017.10")]
    third = corpus.posts[2]
    assert third.citation is not None and (third.citation.outlet, third.tags) == ("-0.50", ("news", "42"))
    assert [str(w) for w in corpus.warnings] == [
        f"{dump}:1: field 'title' is a number, expected a string; read as the text '12'",
        f"{dump}:2: field 'title' is a number, expected a string; read as the text '1e3'",
        f"{dump}:3: field 'title' is a number, expected a string; read as the text '2017.10'",
        f"{dump}:3: field 'id' is a number, expected a string; read as the text '7'",
        f"{dump}:3: field 'outlet' is a number, expected a string; read as the text '-0.50'",
        f"{dump}:3: field 'tags': 1 item(s) a number (42), read as text",
    ]


def test_a_text_that_is_a_number_a_list_or_an_object_skips_its_line_with_a_warning(tmp_path: Path) -> None:
    """The post's text must be a string: any other value is no text to audit, and the line is unparsed."""
    dump = tmp_path / "posts.jsonl"
    lines = [
        '{"id": "a", "title": "A", "text": 3.5}',
        '{"id": "b", "title": "B", "text": ["One.", "Two."]}',
        '{"id": "c", "title": "C", "text": {"body": "Words."}}',
        '{"id": "d", "title": "D", "text": "Words of d."}',
    ]
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = read_corpus([dump])
    assert [p.id for p in corpus.posts] == ["d"]
    assert [(u.line, u.text) for u in corpus.unparsed] == [(1, lines[0]), (2, lines[1]), (3, lines[2])]
    assert [str(w) for w in corpus.warnings] == [
        f"{dump}:1: field 'text' is a number, expected a string; line skipped",
        f"{dump}:2: field 'text' is a list, expected a string; line skipped",
        f"{dump}:3: field 'text' is an object, expected a string; line skipped",
    ]
