"""Hostile and messy dumps at ingest: one bad value, file or link spoils only itself; every skip is listed."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_accounting import physical_lines, unaccounted

from provenance.export import OUTPUT_FILES
from provenance.ingest import MAX_POST_ID_CHARS, MAX_TITLE_CHARS, OUTPUT_FOLDER, file_event, read_corpus
from provenance.ingest.dates import (
    TRAILING_DATE,
    date_from_match,
    parse_any_date,
    parse_any_offset,
    parse_any_time,
    parse_date,
)
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
    """Every date parser returns a date or None for any string; none raises (the time and offset parsers
    neither)."""
    parse_any_date(text)
    parse_any_time(text)
    parse_any_offset(text)
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


def test_a_field_given_twice_is_warned_about() -> None:
    """``{"text": "A", "text": "B"}`` was post "B", and "A" was in no list, without a word.

    Other JSON readers keep the first value: a dump could show one text to the tool that made it and
    another to the audit. The last value is still read, as Python reads it, and a warning names the
    fields given more than once (those the audit reads: a repeated unknown field loses nothing).
    """
    text = "\n".join(
        [
            '{"id": "a", "title": "T", "text": "Hidden text.", "text": "Shown text.", "x": 1, "x": 2}',
            '{"id": "b", "title": "T", "title": "U", "text": "B.", "text": "C.", "text": "D."}',
            _line("c", extra='{"a": 1, "a": 2}'),
        ]
    )
    corpus = _jsonl_corpus(text)
    assert [(p.title, [q.text for q in p.paragraphs]) for p in corpus.posts] == [
        ("T", ["Shown text."]),
        ("U", ["D."]),
        ("T c", ["Text of c."]),
    ]
    assert [str(w) for w in corpus.warnings if "given" in w.message] == [
        "dump.jsonl:1: field 'text' given 2 times; only the last value read",
        "dump.jsonl:2: fields 'title' (2 times), 'text' (3 times) given more than once; "
        "only the last value of each read",
    ]
    assert unaccounted(corpus, "dump.jsonl", text) == {}


@pytest.mark.parametrize("number", ["1e999", "-1e400", "9" * 400 + ".5"])
def test_a_number_beyond_a_floats_range_is_a_value_of_the_wrong_kind_not_the_text_inf(number: str) -> None:
    """Python's json reads 1e999 as infinity: as an id it made a post "inf", as an outlet "inf". It is
    dropped with a warning, as NaN is."""
    text = "\n".join(
        [_line("a", outlet=number), f'{{"id": {number}, "title": "Second", "text": "More words."}}']
    )
    corpus = _jsonl_corpus(text)
    assert [p.id for p in corpus.posts] == ["a", "second"]
    assert corpus.posts[0].citation is None
    messages = list(map(str, corpus.warnings))
    shown = number if len(number) <= 20 else number[:20] + "…"
    for line, key in ((1, "outlet"), (2, "id")):
        assert (
            f"dump.jsonl:{line}: field {key!r} is {shown} (a number beyond a float's range), "
            "expected a string; field dropped" in messages
        )
    assert unaccounted(corpus, "dump.jsonl", text) == {}


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_non_finite_number_is_a_value_of_the_wrong_kind_not_the_text_nan(constant: str) -> None:
    """Python's json reads NaN and Infinity; in a text field they are dropped with a warning, not "nan"."""
    text = "\n".join(
        [_line("a", outlet=constant, url=constant, tags=f'[{constant}, "kept"]'), _line("b", text=constant)]
    )
    corpus = _jsonl_corpus(text)
    (post,) = corpus.posts
    assert post.citation is None and post.url is None and post.tags == ("kept",)
    messages = list(map(str, corpus.warnings))
    for key in ("outlet", "url"):
        assert (
            f"dump.jsonl:1: field {key!r} is {constant} (not a JSON number), expected a string; field dropped"
            in (messages)
        )
    assert (
        f"dump.jsonl:1: field 'tags': 1 item(s) not a string ({constant} (not a JSON number)) dropped"
        in messages
    )
    assert unaccounted(corpus, "dump.jsonl", text) == {}


def test_an_impossible_time_of_day_keeps_the_date_and_says_the_time_was_dropped() -> None:
    text = "\n".join([_line("a", date='"2016-01-06T25:61:61Z"'), _line("b", date='"2016-01-06T23:59:59Z"')])
    corpus = _jsonl_corpus(text)
    assert [(p.date, p.time) for p in corpus.posts] == [
        (dt.date(2016, 1, 6), None),
        (dt.date(2016, 1, 6), dt.time(23, 59, 59)),
    ]
    assert list(map(str, corpus.warnings)) == [
        "dump.jsonl:1: impossible time of day in date '2016-01-06T25:61:61Z'; the date kept, the time dropped"
    ]


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
    """``tags`` as an object is dropped, a number ``title`` read as text, each with a warning; post kept."""
    text = _line("a", tags='{"x": 1}', categories='["news", 7, [1], true]').replace('"T a"', "2017")
    (post,) = _jsonl_corpus(text).posts
    assert (post.title, post.tags, post.categories) == ("2017", (), ("news", "7"))
    messages = set(map(str, _jsonl_corpus(text).warnings))
    assert messages == {
        "dump.jsonl:1: field 'title' is a number, expected a string; read as the text '2017'",
        "dump.jsonl:1: field 'tags' is an object, expected a string or a list of strings; field dropped",
        "dump.jsonl:1: field 'categories': 2 item(s) not a string (a boolean, a list) dropped",
        "dump.jsonl:1: field 'categories': 1 item(s) a number (7), read as text",
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


def test_an_over_long_post_id_is_cut_and_ids_cut_alike_are_told_apart(tmp_path: Path) -> None:
    """An id is repeated in every output wherever its post is: 300,000 characters made 1.8 GB of 9 MB."""
    long_id = "x" * 5000
    dump = tmp_path / "dump.jsonl"
    records = [{"id": long_id + tail, "title": "t", "text": f"Text {tail}."} for tail in ("a", "b")]
    dump.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    corpus = read_corpus([dump])
    cut = long_id[:MAX_POST_ID_CHARS]
    assert [p.id for p in corpus.posts] == [cut, f"{cut}-2"]
    assert [str(w) for w in corpus.warnings][:2] == [
        f"{dump}:1: post id of 5,001 characters cut to its first {MAX_POST_ID_CHARS}",
        f"{dump}:2: post id of 5,001 characters cut to its first {MAX_POST_ID_CHARS}",
    ]


def test_an_over_long_title_is_cut_and_its_rest_kept_as_a_note(tmp_path: Path) -> None:
    """A title is repeated beside every pair of its post: 300,000 characters made a 331 MB report of 9 MB.

    Cut at MAX_TITLE_CHARS, with the words after the cut in a ``title`` note at the title's line.
    """
    title = "T " + "y" * 5000
    dump = tmp_path / "dump.jsonl"
    records = [{"id": "a", "title": title, "text": "Text."}, {"id": "b", "title": "Short", "text": "More."}]
    dump.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    corpus = read_corpus([dump])
    long, short = corpus.posts
    assert long.title == title[:MAX_TITLE_CHARS] + "…" and short.title == "Short" and not short.notes
    (rest,) = long.notes
    assert (rest.role, rest.line, rest.text) == ("title", 1, title[MAX_TITLE_CHARS:])
    assert long.title[:-1] + rest.text == title  # nothing lost
    assert [str(w) for w in corpus.warnings] == [
        f"{dump}:1: title of 5,002 characters cut to its first {MAX_TITLE_CHARS:,}; the rest kept as a note "
        "of the post"
    ]


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


# --------------------------------------------------------------------------
# Folders: only regular files are opened, every other entry is listed
# --------------------------------------------------------------------------

ARCHIVE = "Title {name}\n\nJuly 14, 2017\n\nA paragraph of {name}.\n"


def _write(path: Path, name: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ARCHIVE.format(name=name or path.stem), encoding="utf-8")
    return path


def _read_in_thread(paths: list[Path], **options: object) -> Corpus:
    """read_corpus in a thread: a reader blocked on a FIFO fails the test instead of hanging it.

    The FIFO's writing end is opened afterwards, so a blocked reader (the old
    code) is released and the thread ends either way.
    """
    import threading

    from provenance.config import AuditConfig

    result: list[Corpus] = []
    thread = threading.Thread(
        target=lambda: result.append(read_corpus(paths, AuditConfig(**options))),  # type: ignore[arg-type]
        daemon=True,
    )
    thread.start()
    thread.join(timeout=30)
    blocked = thread.is_alive()
    if blocked:
        for fifo in [p for path in paths for p in ([path] if path.is_file() else path.rglob("*"))]:
            if fifo.is_fifo():
                with open(fifo, "wb"):
                    pass
        thread.join()
    assert not blocked, "reading blocked on a FIFO"
    return result[0]


def test_fifo_in_a_folder_or_named_is_never_opened(tmp_path: Path) -> None:
    """A FIFO (in the folder or named directly) is listed as not a regular file; the audit does not block."""
    dump = tmp_path / "dump"
    _write(dump / "a.txt")
    os.mkfifo(dump / "pipe.txt")
    os.mkfifo(tmp_path / "named.jsonl")
    corpus = _read_in_thread([dump, tmp_path / "named.jsonl"])
    assert [p.id for p in corpus.posts] == ["title-a"]
    assert [(Path(s.path).name, s.reason) for s in corpus.skipped] == [
        ("pipe.txt", "not a regular file (FIFO); not opened for reading"),
        ("named.jsonl", "not a regular file (FIFO); not opened for reading"),
    ]


def test_socket_in_a_folder_is_listed_not_opened(tmp_path: Path) -> None:
    """A Unix socket in a dump folder is listed as not a regular file."""
    import socket

    dump = tmp_path / "dump"
    _write(dump / "a.txt")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(dump / "sock.txt"))
        corpus = read_corpus([dump])
    assert [(Path(s.path).name, s.reason) for s in corpus.skipped] == [
        ("sock.txt", "not a regular file (socket); not opened for reading")
    ]


def test_unreadable_sub_folder_is_listed_and_fails_strict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sub-folder that cannot be listed is in skipped with the reason, so --strict fails on it."""
    import provenance
    from provenance.config import AuditConfig
    from provenance.errors import InputError

    dump = tmp_path / "dump"
    _write(dump / "a.txt")
    _write(dump / "locked" / "b.txt")
    real_scandir = os.scandir

    def refusing_scandir(path: str | os.PathLike[str]) -> object:
        if Path(path) == dump / "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing_scandir)
    corpus = read_corpus([dump])
    assert [(s.path, s.reason) for s in corpus.skipped] == [
        (str(dump / "locked"), "unreadable folder: Permission denied")
    ]
    with pytest.raises(InputError, match="locked: skipped: unreadable folder: Permission denied"):
        provenance.audit([dump], AuditConfig(strict=True, jobs=1))


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists folders whatever their permissions")
def test_unreadable_sub_folder_by_permissions(tmp_path: Path) -> None:
    """A sub-folder with mode 000 is listed as an unreadable folder."""
    dump = tmp_path / "dump"
    _write(dump / "a.txt")
    _write(dump / "locked" / "b.txt")
    (dump / "locked").chmod(0)
    try:
        reasons = [s.reason for s in read_corpus([dump]).skipped]
    finally:
        (dump / "locked").chmod(0o755)
    assert reasons == ["unreadable folder: Permission denied"]


# --------------------------------------------------------------------------
# Symbolic links
# --------------------------------------------------------------------------


def _linked_dump(tmp_path: Path) -> tuple[Path, Path]:
    """A dump with links to a file and a folder outside it, to a file and a folder inside it, and a loop."""
    dump, outside = tmp_path / "dump", tmp_path / "outside"
    _write(dump / "a.txt")
    _write(dump / "sub" / "b.txt")
    _write(outside / "secret.txt")
    _write(outside / "deep" / "d.txt")
    (dump / "secret.txt").symlink_to(outside / "secret.txt")
    (dump / "elsewhere").symlink_to(outside)
    (dump / "again.txt").symlink_to("a.txt")
    (dump / "same-sub").symlink_to("sub")
    (outside / "deep" / "up").symlink_to("..")
    return dump, outside


def test_links_inside_a_folder_are_listed_not_followed(tmp_path: Path) -> None:
    """Without --follow-links no link is followed: each is listed with where it points and how to read it."""
    dump, outside = _linked_dump(tmp_path)
    corpus = read_corpus([dump])
    assert sorted(p.source.path for p in corpus.posts) == [str(dump / "a.txt"), str(dump / "sub" / "b.txt")]
    reasons = {Path(s.path).name: s.reason for s in corpus.skipped}
    assert reasons == {
        "secret.txt": f"symbolic link to file {str(outside / 'secret.txt')!r} outside the named inputs; "
        "not followed (--follow-links reads it)",
        "elsewhere": f"symbolic link to folder {str(outside)!r} outside the named inputs; "
        "not followed (--follow-links reads it)",
        "again.txt": f"symbolic link to file 'a.txt', not followed: read at its own path {dump / 'a.txt'}",
        "same-sub": f"symbolic link to folder 'sub', not followed: read at its own path {dump / 'sub'}",
    }


def test_a_link_to_a_system_file_is_never_read_without_the_flag(tmp_path: Path) -> None:
    """A link to /etc/passwd in a dump folder is listed, not read."""
    dump = tmp_path / "dump"
    _write(dump / "a.txt")
    (dump / "passwd.txt").symlink_to("/etc/passwd")
    corpus = read_corpus([dump])
    assert [p.source.path for p in corpus.posts] == [str(dump / "a.txt")]
    assert str(dump / "passwd.txt") not in corpus.files
    assert [Path(s.path).name for s in corpus.skipped] == ["passwd.txt"]


def test_paths_named_by_the_user_are_read_even_as_links(tmp_path: Path) -> None:
    """A link named on the command line (to a file or a folder) is read."""
    dump, _ = _linked_dump(tmp_path)
    corpus = read_corpus([dump / "secret.txt", dump / "elsewhere"])
    assert [p.source.path for p in corpus.posts] == [
        str(dump / "secret.txt"),
        str(dump / "elsewhere" / "deep" / "d.txt"),
    ]
    # The file reached a second time is read once; the loop inside the named folder is a link like
    # any other: listed, not followed.
    assert [(s.path, s.reason.split(",")[0]) for s in corpus.skipped] == [
        (str(dump / "elsewhere" / "secret.txt"), f"the same file as {dump / 'secret.txt'}"),
        (str(dump / "elsewhere" / "deep" / "up"), "symbolic link to folder '..'"),
    ]


def test_follow_links_reads_each_real_file_once_and_cannot_loop(tmp_path: Path) -> None:
    """With follow_links, links to outside are read, links inside are not read twice, a loop ends."""
    from provenance.config import AuditConfig

    dump, _ = _linked_dump(tmp_path)
    corpus = read_corpus([dump], AuditConfig(follow_links=True))
    assert [p.source.path for p in corpus.posts] == [
        str(dump / "a.txt"),
        str(dump / "secret.txt"),
        str(dump / "elsewhere" / "deep" / "d.txt"),
        str(dump / "sub" / "b.txt"),
    ]
    reasons = {str(Path(s.path).relative_to(dump)): s.reason for s in corpus.skipped}
    assert reasons == {
        "again.txt": f"symbolic link to file 'a.txt', not followed: read at its own path {dump / 'a.txt'}",
        "elsewhere/secret.txt": f"the same file as {dump / 'secret.txt'}, read there",
        "elsewhere/deep/up": f"folder already read as {dump / 'elsewhere'}",
        "same-sub": f"symbolic link to folder 'sub', not followed: read at its own path {dump / 'sub'}",
    }


def test_a_file_named_twice_is_read_once(tmp_path: Path) -> None:
    """A file named directly and inside a named folder gives one post; the second path says why."""
    dump = tmp_path / "dump"
    a = _write(dump / "a.txt")
    corpus = read_corpus([dump, a])
    assert [p.id for p in corpus.posts] == ["title-a"]
    assert [(s.path, s.reason) for s in corpus.skipped] == [(str(a), f"the same file as {a}, read there")]


# --------------------------------------------------------------------------
# The output folder and --exclude
# --------------------------------------------------------------------------

SEED = Path(__file__).resolve().parents[1] / "seeds" / "islamic-state-whats-next.txt"


def test_audit_never_reads_its_own_output_folder(tmp_path: Path) -> None:
    """`audit DUMP --out DUMP/reports` twice: the second run still has the seed's 7 posts, outputs listed."""
    from click.testing import CliRunner

    from provenance.cli import cli

    dump = tmp_path / "seeds"
    dump.mkdir()
    (dump / SEED.name).write_bytes(SEED.read_bytes())
    out = dump / "reports"
    for _ in range(2):
        result = CliRunner().invoke(cli, ["audit", str(dump), "--out", str(out), "--jobs", "1"])
        assert result.exit_code == 0, result.output
    doc = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert doc["summary"]["posts"] == 7
    assert [p["path"] for p in doc["inputs"]["files"]] == [str(dump / SEED.name)]
    assert {(Path(s["path"]).name, s["reason"]) for s in doc["skipped"]} == {
        (name, OUTPUT_FOLDER) for name in OUTPUT_FILES
    }


def test_folders_nested_600_deep_are_walked_without_a_recursion_error(tmp_path: Path) -> None:
    """A file in each of 600 folders nested in each other: all read, in walk order, outputs left out.

    One Python frame per level overflowed the recursion limit at about 480 levels: a traceback.
    """
    from click.testing import CliRunner

    from provenance.cli import cli

    folder = dump = tmp_path / "d"
    for level in range(600):
        folder = folder / "a"
        folder.mkdir(parents=True)
        (folder / "x.txt").write_text(f"Body {level} of the text.\n", encoding="utf-8")
    out = dump / "a" / "reports"  # inside the walk: its files are listed, never read
    for _ in range(2):
        result = CliRunner().invoke(cli, ["audit", str(dump), "--out", str(out), "--jobs", "1"])
        assert result.exit_code == 0, result.output
    doc = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert [
        Path(f["path"]).parent.relative_to(dump).parts.count("a") for f in doc["inputs"]["files"]
    ] == list(range(1, 601))
    assert {s["reason"] for s in doc["skipped"]} == {OUTPUT_FOLDER} and len(doc["skipped"]) == len(
        OUTPUT_FILES
    )


def test_exclude_dirs_of_the_library_api(tmp_path: Path) -> None:
    """provenance.audit(..., exclude_dirs=[...]) lists the files under those folders as skipped."""
    import provenance
    from provenance.config import AuditConfig

    dump = tmp_path / "dump"
    _write(dump / "a.txt")
    _write(dump / "old" / "b.txt")
    result = provenance.audit([dump], AuditConfig(jobs=1), exclude_dirs=[dump / "old"])
    assert [p.id for p in result.posts] == ["title-a"]
    assert [(s.path, s.reason) for s in result.corpus.skipped] == [
        (str(dump / "old" / "b.txt"), OUTPUT_FOLDER)
    ]


def test_exclude_globs_leave_out_files_and_folders_and_say_so(tmp_path: Path) -> None:
    """--exclude (repeatable) matches names and paths below the named folder; each file left out is listed."""
    from click.testing import CliRunner

    from provenance.cli import cli

    dump = tmp_path / "dump"
    _write(dump / "a.txt")
    _write(dump / "README.txt")
    _write(dump / "drafts" / "d1.txt")
    _write(dump / "drafts" / "deeper" / "d2.txt")
    _write(dump / "sub" / "SOURCE.txt")
    _write(dump / "sub" / "b.txt")
    out = tmp_path / "out"
    args = ["audit", str(dump), "--out", str(out), "--jobs", "1"]
    args += ["--exclude", "README*", "--exclude", "drafts", "--exclude", "sub/SOURCE.txt"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert [p["id"] for p in doc["posts"]] == ["title-a", "title-b"]
    assert [(str(Path(s["path"]).relative_to(dump)), s["reason"]) for s in doc["skipped"]] == [
        ("README.txt", "excluded by --exclude 'README*'"),
        ("drafts/d1.txt", "excluded by --exclude 'drafts'"),
        ("drafts/deeper/d2.txt", "excluded by --exclude 'drafts'"),
        ("sub/SOURCE.txt", "excluded by --exclude 'sub/SOURCE.txt'"),
    ]
    assert (doc["params"]["exclude"], doc["params"]["follow_links"]) == (
        ["README*", "drafts", "sub/SOURCE.txt"],
        False,
    )


def test_follow_links_is_an_option_of_every_auditing_command(tmp_path: Path) -> None:
    """`--follow-links` reads a linked file in audit, graph and sources, and is recorded in params."""
    from click.testing import CliRunner

    from provenance.cli import cli

    dump, outside = tmp_path / "dump", tmp_path / "outside"
    dump.mkdir()
    (dump / SEED.name).write_bytes(SEED.read_bytes())
    _write(outside / "linked.txt", "linked")
    (dump / "linked.txt").symlink_to(outside / "linked.txt")
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(cli, ["audit", str(dump), "--out", str(out), "--jobs", "1", "--follow-links"])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert (doc["summary"]["posts"], doc["params"]["follow_links"]) == (8, True)
    graph = runner.invoke(
        cli, ["graph", str(dump), "--follow-links", "--format", "json", "--out", str(tmp_path / "g.json")]
    )
    assert graph.exit_code == 0, graph.output
    assert "title-linked" in (tmp_path / "g.json").read_text(encoding="utf-8")
    sources = runner.invoke(cli, ["sources", "title-linked", str(dump), "--follow-links", "--exclude", "x"])
    assert sources.exit_code == 0, sources.output


# --------------------------------------------------------------------------
# A reader that fails inside one file
# --------------------------------------------------------------------------


def test_a_reader_failure_says_which_lines_were_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A MemoryError after the first post names the lines from the next one to the end, and the posts kept."""
    import provenance.ingest
    from provenance.ingest.archive import iter_archive

    def failing_archive(path: str, lines: object) -> object:
        for event in iter_archive(path, lines):  # type: ignore[arg-type]
            yield event
            if getattr(event, "id", None) == "title-a":
                raise MemoryError

    monkeypatch.setattr(provenance.ingest, "iter_archive", failing_archive)
    dump = tmp_path / "dump.txt"
    dump.write_text(ARCHIVE.format(name="a") + "\n" + ARCHIVE.format(name="b"), encoding="utf-8")
    corpus = read_corpus([dump])
    assert [p.id for p in corpus.posts] == ["title-a"]
    assert [str(w) for w in corpus.warnings] == [
        f"{dump}:6: reading stopped early (out of memory); lines 6 to the end were not read; "
        "kept the 1 posts read before"
    ]


# --------------------------------------------------------------------------
# Markdown front matter: bounded
# --------------------------------------------------------------------------


def _alias_bomb(levels: int) -> str:
    """A "billion laughs" YAML: each level a list of nine aliases to the level below."""
    names = [f"l{n}" for n in range(levels + 1)]
    lines = [f'{names[0]}: &{names[0]} ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for below, name in itertools.pairwise(names):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{below}"] * 9) + "]")
    lines.append(f"title: *{names[-1]}")
    lines.append(f"tags: *{names[-1]}")
    return "\n".join(lines)


def test_yaml_alias_bomb_in_front_matter_is_refused_and_the_post_read(tmp_path: Path) -> None:
    """Front matter with more aliases than the limit is refused with a warning; its lines are unparsed,
    the post is read from its body, and no line is lost."""
    bomb = _alias_bomb(5)  # 9**5 "lol"s once a title is made of it; 9 levels are 5.5 GB
    page = tmp_path / "bomb.md"
    text = f"---\n{bomb}\n---\n\n# The real title\n\nThe body paragraph.\n"
    page.write_text(text, encoding="utf-8")
    corpus = read_corpus([page])
    (post,) = corpus.posts
    assert (post.title, [p.text for p in post.paragraphs]) == ("The real title", ["The body paragraph."])
    assert [str(w) for w in corpus.warnings] == [
        f"{page}:1: front matter refused (more than 20 YAML aliases); its 10 lines (1-10) kept as unparsed, "
        "the post read without it"
    ]
    assert [u.line for u in corpus.unparsed] == list(range(1, 11))
    assert unaccounted(corpus, page, text) == {}


def test_a_nine_level_alias_bomb_is_refused_before_any_expansion() -> None:
    """The loader stops at the 21st alias of a 9-level bomb (which would take 5.5 GB as text)."""
    from provenance.ingest.text import _load_yaml, _Refused

    with pytest.raises(_Refused, match="more than 20 YAML aliases"):
        _load_yaml(_alias_bomb(9))


def test_front_matter_nested_too_deeply_is_refused_not_a_traceback(tmp_path: Path) -> None:
    """A title nested 5,000 lists deep (RecursionError in PyYAML) refuses the front matter; the post stays."""
    page = tmp_path / "deep.md"
    text = "---\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\n\n# Heading\n\nBody text.\n"
    page.write_text(text, encoding="utf-8")
    corpus = read_corpus([page])
    assert [(p.title, p.paragraphs[0].text) for p in corpus.posts] == [("Heading", "Body text.")]
    assert [w.message.split(";")[0] for w in corpus.warnings] == ["front matter refused (nested too deeply)"]
    assert unaccounted(corpus, page, text) == {}


def test_front_matter_values_are_bounded(tmp_path: Path) -> None:
    """A 5,000-character title is cut to 1,000, 500 tags to 100, and list items that are not text left out."""
    tags = ", ".join(f"tag{n}" for n in range(500))
    page = tmp_path / "long.md"
    front = f"title: {'T' * 5000}\ntags: [{tags}]\ncategories: [news, [nested, list], {{a: 1}}]"
    page.write_text(f"---\n{front}\n---\n\nBody.\n", encoding="utf-8")
    corpus = read_corpus([page])
    (post,) = corpus.posts
    assert (len(post.title), len(post.tags), post.categories) == (1000, 100, ("news",))
    assert [str(w) for w in corpus.warnings] == [
        f"{page}:2: front matter 'title' is 5,000 characters long; cut to 1,000",
        f"{page}:4: front matter 'categories' has 2 items that are not text; left out",
        f"{page}:3: front matter 'tags' has more than 100 items; kept the first 100",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2000-01-07T02:49", "02:49:00"),
        ("1999-08-12 13:22:05+01:00", "13:22:05"),
        ("Fri, 14 Jul 2017 09:30:00 +0000", "09:30:00"),
        ("2000-01-07", None),
        ("July 14, 2017", None),
        ("2000-01-07T25:61", None),
    ],
)
def test_the_time_of_day_of_a_metadata_date(text: str, expected: str | None) -> None:
    """ISO and RFC 822 date-times give their time of day as written; a day alone or absurd time, none."""
    found = parse_any_time(text)
    assert (found.isoformat() if found else None) == expected


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("1999-08-12 13:22:05+01:00", 60),
        ("2021-07-04T08:00:00-04:00", -240),
        ("2021-07-05T01:00:00.250+0930", 570),
        ("2016-01-06T23:59:59Z", 0),
        ("Fri, 14 Jul 2017 09:30:00 -0500", -300),
        ("Fri, 14 Jul 2017 09:30:00 -0000", None),
        ("2000-01-07T02:49", None),
        ("2000-01-07", None),
        ("2000-01-07T02:49+25:00", None),
        ("July 14, 2017", None),
    ],
)
def test_the_utc_offset_of_a_metadata_date(text: str, minutes: int | None) -> None:
    """An ISO offset or Z, or RFC 822's zone, is read; none, "-0000" (zone unknown) or a day or more, None."""
    found = parse_any_offset(text)
    assert (found.total_seconds() / 60 if found is not None else None) == minutes
