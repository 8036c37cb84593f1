"""The plain-text archive reader: the seed's format and its hardened variants."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from ingest_accounting import unaccounted

from provenance.ingest import read_corpus
from provenance.ingest.archive import iter_archive, parse_citation, split_glued_outlet
from provenance.ingest.classify import classify_line
from provenance.ingest.dates import parse_date
from provenance.models import InputWarning, Post

FIXTURES = Path(__file__).parent / "fixtures" / "ingest" / "archive"
CATEGORY_ARCHIVE = FIXTURES / "category-archive.txt"
SEED = Path(__file__).resolve().parents[1] / "seeds" / "islamic-state-whats-next.txt"


def test_category_archive_gives_the_expected_posts() -> None:
    """A category archive yields its four posts with titles, dates, lines and citations as written."""
    corpus = read_corpus([CATEGORY_ARCHIVE])
    got = [(p.id, p.date, p.title_line, p.date_line, len(p.paragraphs)) for p in corpus.posts]
    assert got == [
        ("attacks-spread-to-the-coast", dt.date(2017, 7, 14), 3, 5, 3),
        ("a-post-without-a-citation-line", dt.date(2017, 7, 10), 21, 23, 1),
        ("a-post-with-nothing-in-it", dt.date(2017, 7, 14), 27, 29, 0),
        ("a-post-with-an-impossible-date", None, 31, 33, 1),
    ]
    assert corpus.formats == {str(CATEGORY_ARCHIVE): "archive"}
    assert [(c.path, c.line, c.role) for c in corpus.classified] == [(str(CATEGORY_ARCHIVE), 1, "header")]


def test_citation_with_two_authors_joined_by_and() -> None:
    """ "Jane Doe and John Roe" in a citation line gives two authors, joined by ", " in ``author``."""
    first = read_corpus([CATEGORY_ARCHIVE]).posts[0]
    assert first.citation is not None
    assert (first.citation.outlet, first.citation.authors, first.citation.author) == (
        "The Daily Courier",
        ("Jane Doe", "John Roe"),
        "Jane Doe, John Roe",
    )
    assert (first.citation.date, first.citation.line) == (dt.date(2017, 7, 13), 7)


def test_post_without_citation_line_keeps_its_first_paragraph() -> None:
    """When no citation line follows the date, the citation is None and the first line is a paragraph."""
    post = read_corpus([CATEGORY_ARCHIVE]).posts[1]
    assert post.citation is None
    assert post.paragraphs[0].line == 25


def test_notes_are_classified_not_paragraphs() -> None:
    """Image names, separators and signed editor asides become notes with their roles."""
    post = read_corpus([CATEGORY_ARCHIVE]).posts[0]
    assert [(n.line, n.role) for n in post.notes] == [(11, "image"), (15, "separator"), (19, "editor_note")]


def test_invalid_dates_keep_the_post_undated_with_warnings_naming_the_line() -> None:
    """ "February 30, 2017" keeps its post, undated, and warns at the date line and the citation line."""
    corpus = read_corpus([CATEGORY_ARCHIVE])
    messages = [str(w) for w in corpus.warnings]
    assert f"{CATEGORY_ARCHIVE}:33: invalid date 'February 30, 2017'; post kept undated" in messages
    assert f"{CATEGORY_ARCHIVE}:35: invalid date in citation line; kept without a date" in messages
    assert corpus.posts[3].citation is not None and corpus.posts[3].citation.authors == (
        "Bill Roggio",
        "Thomas Joscelyn",
    )


def test_post_with_no_paragraphs_is_kept_with_a_warning() -> None:
    """A post whose date is followed directly by the next post is kept, empty, with a warning."""
    corpus = read_corpus([CATEGORY_ARCHIVE])
    assert corpus.posts[2].paragraphs == ()
    assert f"{CATEGORY_ARCHIVE}:27: post 'A post with nothing in it' has no paragraphs" in map(
        str, corpus.warnings
    )


def test_every_line_of_the_fixture_is_accounted_for() -> None:
    """Every non-blank line of the category archive lands in exactly one place."""
    assert unaccounted(read_corpus([CATEGORY_ARCHIVE]), CATEGORY_ARCHIVE) == {}


def test_seed_gives_seven_posts_and_loses_nothing() -> None:
    """The seed archive gives its 7 posts with the citations the skeleton issue lists, every line placed."""
    corpus = read_corpus([SEED])
    assert len(corpus.posts) == 7
    cites = {p.citation.outlet: (p.citation.author, p.citation.date) for p in corpus.posts if p.citation}
    assert cites["Israel Hayom"] == ("Dr. Ori Goldberg", dt.date(2016, 11, 2))
    assert cites["Front Page Magazine"] == ("Joseph Klein", dt.date(2017, 6, 29))
    assert cites["Long War Journal"] == (None, dt.date(2017, 7, 13))
    assert unaccounted(corpus, SEED) == {}
    assert corpus.unparsed == [] and corpus.warnings == []


def test_a_byte_order_mark_opening_a_line_is_no_character_of_the_text(tmp_path: Path) -> None:
    """Two archives joined into one file (the second's byte-order mark at its start) or a doubled mark:
    the mark stayed in a title ("\\ufeffISIS will survive...") or kept the header line from being read."""
    text = SEED.read_text(encoding="utf-8")
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("ISIS will survive"))
    joined = tmp_path / "joined.txt"
    joined.write_text(
        "\ufeff\ufeff" + "\n".join([*lines[:at], "\ufeff" + lines[at], *lines[at + 1 :]]), "utf-8"
    )
    corpus = read_corpus([joined])
    assert [p.title for p in corpus.posts] == [p.title for p in read_corpus([SEED]).posts]
    assert not any("\ufeff" in p.title for p in corpus.posts)
    assert corpus.unparsed == [] and corpus.warnings == []


def test_windows_line_endings_give_the_same_posts_and_lines(tmp_path: Path) -> None:
    """The same archive with CRLF line endings gives identical posts, lines and text."""
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(CATEGORY_ARCHIVE.read_bytes().replace(b"\n", b"\r\n"))
    original = read_corpus([CATEGORY_ARCHIVE]).posts
    converted = read_corpus([crlf]).posts
    assert [(p.id, p.paragraphs, [n.line for n in p.notes]) for p in converted] == [
        (p.id, p.paragraphs, [n.line for n in p.notes]) for p in original
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("July 14, 2017", dt.date(2017, 7, 14)),
        ("Jul 14, 2017", dt.date(2017, 7, 14)),
        ("Jul. 14 2017", dt.date(2017, 7, 14)),
        ("14 July 2017", dt.date(2017, 7, 14)),
        ("2017-07-14", dt.date(2017, 7, 14)),
        ("Friday, July 14, 2017", dt.date(2017, 7, 14)),
        ("July 14th, 2017", dt.date(2017, 7, 14)),
        ("February 30, 2017", None),
        ("July 2017", None),
    ],
)
def test_date_line_forms(text: str, expected: dt.date | None) -> None:
    """Each common blog date form parses to its day; impossible or partial dates give None."""
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "header",
    [
        "Posted tagged ‘Islamic State – what’s next’",
        "Category Archives: Terrorism",
        "Author: Jane Doe",
        "Archive for July, 2017",
        "Monthly Archives: July 2017",
        "Posts by Jane Doe",
    ],
)
def test_archive_headers_of_every_kind_are_classified(header: str) -> None:
    """Tag, category, author and date archive headings before the first post are ``header`` lines."""
    events = list(iter_archive("a.txt", [header, "", "Title", "", "July 14, 2017", "", "Body."]))
    assert [(e.line, e.role) for e in events if not isinstance(e, Post)] == [(1, "header")]


def test_citation_without_the_post_title_splits_trailing_authors() -> None:
    """Without the post title to anchor on, trailing person names are authors and the outlet precedes them."""
    citation = parse_citation("Other title, with a comma, Long War Journal, Bill Roggio, 2017-07-13", "X", 4)
    assert citation is not None
    assert (citation.title, citation.outlet, citation.authors) == (
        "Other title, with a comma",
        "Long War Journal",
        ("Bill Roggio",),
    )


@pytest.mark.parametrize(
    "line",
    [
        "Rates rise again, Reuters, Thursday, July 13, 2017",
        "Rates rise again, Reuters, thursday July 13, 2017",
        "Rates rise again, Reuters, Thursday, 13 July 2017",
        # A time of day after the date, or a site's word before it, left the line no citation at all.
        "Rates rise again, Reuters, July 13, 2017 10:45 AM EDT",
        "Rates rise again, Reuters, July 13, 2017, 9.30pm",
        "Rates rise again, Reuters, Updated July 13, 2017",
        "Rates rise again, Reuters, Published on: Thursday, July 13, 2017 at 10:45",
    ],
)
def test_words_around_the_citation_date_are_part_of_the_date_not_the_outlet(line: str) -> None:
    """ "…, Reuters, Thursday, July 13, 2017" cites Reuters on that day; "Thursday" is no outlet, nor
    "Updated", and a time of day after the date is no reason to read no citation."""
    citation = parse_citation(line, "Another title", 4)
    assert citation is not None
    assert (citation.title, citation.outlet, citation.author, citation.date) == (
        "Rates rise again",
        "Reuters",
        None,
        dt.date(2017, 7, 13),
    )


def test_the_post_title_and_a_date_cite_no_outlet() -> None:
    """ "Bombing in Kabul, June 2, 2017" under the post "Bombing in Kabul" dates the title; the title
    is no outlet (it was read as the outlet "Bombing in Kabul", and the post blamed for naming it)."""
    citation = parse_citation("Bombing in Kabul, June 2, 2017", "Bombing in Kabul", 4)
    assert citation is not None
    assert (citation.title, citation.outlet, citation.author, citation.date) == (
        "Bombing in Kabul",
        None,
        None,
        dt.date(2017, 6, 2),
    )
    # Under another title the same short line is an outlet and its date, as before.
    other = parse_citation("Long War Journal, July 13, 2017", "Bombing in Kabul", 4)
    assert other is not None and (other.title, other.outlet) == (None, "Long War Journal")


@pytest.mark.parametrize(
    "title", ["Bombing in Kabul, Afghanistan", "Why Iran, Russia and Syria disagree", "Bombing in Kabul"]
)
def test_the_post_title_with_commas_and_a_date_cite_no_outlet(title: str) -> None:
    """A title holding commas, then a date, is the post's own title too: it was split at its last
    comma, "Afghanistan" and "Russia and Syria disagree" read as the outlet."""
    citation = parse_citation(f"{title}, June 2, 2017", title, 4)
    assert citation is not None
    assert (citation.title, citation.outlet, citation.author, citation.date) == (
        title,
        None,
        None,
        dt.date(2017, 6, 2),
    )
    # With an outlet after the title, the outlet is read as before.
    cited = parse_citation(f"{title}, Long War Journal, June 2, 2017", title, 4)
    assert cited is not None and (cited.title, cited.outlet) == (title, "Long War Journal")


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("13/07/2017", dt.date(2017, 7, 13)),
        ("13.07.2017", dt.date(2017, 7, 13)),
        ("7/13/2017", dt.date(2017, 7, 13)),
        ("2017/07/13", dt.date(2017, 7, 13)),
        ("07/07/2017", dt.date(2017, 7, 7)),
        ("Thursday, 13/07/2017 10:45", dt.date(2017, 7, 13)),
        # Day or month first, either reads: no day is guessed, the citation is kept.
        ("05/06/2017", None),
        ("31/02/2017", None),
    ],
)
def test_a_citation_date_in_numbers_is_read_where_its_numbers_name_one_day(
    written: str, day: dt.date | None
) -> None:
    """ "…, Reuters, 13/07/2017" was no citation at all: the line stayed a paragraph and Reuters uncited."""
    citation = parse_citation(f"Rates rise again, Reuters, {written}", "Another title", 4)
    assert citation is not None
    assert (citation.title, citation.outlet, citation.date) == ("Rates rise again", "Reuters", day)


def test_a_citation_date_that_reads_as_two_days_is_warned_about_by_name() -> None:
    """The warning says why the date was not read, at the citation's line."""
    lines = ["Rates rise again", "", "June 7, 2017", "", "Rates rise again, Reuters, 05/06/2017", "", "Body."]
    events = list(iter_archive("a.txt", lines))
    (post,) = [e for e in events if isinstance(e, Post)]
    assert post.citation is not None and post.citation.outlet == "Reuters" and post.citation.date is None
    warnings = [(e.line, e.message) for e in events if isinstance(e, InputWarning)]
    assert warnings == [
        (5, "date '05/06/2017' in citation line reads as two days (day or month first?); kept without a date")
    ]


def _archive(*posts: tuple[str, str]) -> list[str]:
    lines = ["Posted tagged ‘Numbers’", ""]
    for title, date in posts:
        lines += [title, "", date, "", f"The body of {title}.", ""]
    return lines


@pytest.mark.parametrize(
    ("dates", "read"),
    [
        # WordPress's "d/m/Y": a later 13/06 shows the day comes first, and the posts before it are read so.
        (["05/06/2017", "04/06/2017", "13/06/2017"], [(2017, 6, 5), (2017, 6, 4), (2017, 6, 13)]),
        # "m/d/Y", shown by the first line.
        (["06/13/2017", "06/05/2017", "Friday, 06/04/2017"], [(2017, 6, 13), (2017, 6, 5), (2017, 6, 4)]),
        # Year first and dates in words need no order.
        (["2017/06/05", "June 4, 2017", "07/07/2017"], [(2017, 6, 5), (2017, 6, 4), (2017, 7, 7)]),
    ],
)
def test_date_lines_in_numbers_are_read_as_their_file_writes_them(
    dates: list[str], read: list[tuple[int, int, int]]
) -> None:
    """A blog set to WordPress's "d/m/Y" or "m/d/Y" date format: every post was lost in the one before it
    (no line was a date line); now each is a post, dated as the file's decisive dates say, in file order."""
    events = list(iter_archive("a.txt", _archive(*[(f"Post {i}", d) for i, d in enumerate(dates)])))
    posts = [e for e in events if isinstance(e, Post)]
    assert [p.title for p in posts] == ["Post 0", "Post 1", "Post 2"]
    assert [p.date for p in posts] == [dt.date(*day) for day in read]
    assert not [e for e in events if isinstance(e, InputWarning)]


def test_date_lines_in_numbers_no_line_decides_keep_their_posts_undated_with_a_warning() -> None:
    """Only "05/06/2017" and "04/06/2017": no guess; each post is kept, undated, its line warned about."""
    events = list(iter_archive("a.txt", _archive(("One", "05/06/2017"), ("Two", "04/06/2017"))))
    assert [(p.title, p.date) for p in events if isinstance(p, Post)] == [("One", None), ("Two", None)]
    warnings = [(e.line, e.message) for e in events if isinstance(e, InputWarning)]
    assert warnings == [
        (
            line,
            f"date {date!r} reads as two days (day or month first?) and no date of this file says which; "
            "post kept undated",
        )
        for line, date in ((5, "05/06/2017"), (11, "04/06/2017"))
    ]


def test_an_archive_of_dates_in_numbers_is_read_as_an_archive(tmp_path: Path) -> None:
    """The format is found from its title and date lines, as with dates in words."""
    dump = tmp_path / "archive.txt"
    dump.write_text("\n".join(_archive(("One", "13/06/2017"), ("Two", "14/06/2017"))), encoding="utf-8")
    corpus = read_corpus([dump])
    assert [(p.title, p.date, p.format) for p in corpus.posts] == [
        ("One", dt.date(2017, 6, 13), "archive"),
        ("Two", dt.date(2017, 6, 14), "archive"),
    ]


def test_sun_before_the_citation_date_is_the_outlet() -> None:
    """ "Sun" is a newspaper as often as a weekday: only weekdays written out are read as one."""
    citation = parse_citation("Rates rise again, Sun, July 13, 2017", "Another title", 4)
    assert citation is not None and citation.outlet == "Sun"


def test_glued_outlet_and_author_are_split_only_on_a_person_name() -> None:
    """ "The Jewish PressHana Levi Julian" splits; "DEBKAfile" stays whole."""
    assert split_glued_outlet("The Jewish PressHana Levi Julian") == ("The Jewish Press", "Hana Levi Julian")
    assert split_glued_outlet("DEBKAfile") == ("DEBKAfile", None)


@pytest.mark.parametrize(
    ("line", "role"),
    [
        ("baghdadi_call480-1", "image"),
        ("IMG2041", "image"),
        ("DSC01234", "image"),
        ("photo.jpg", "image"),
        ("MH17", None),
        ("COVID19", None),
        ("G20", None),
        ("F-35", None),
        ("Covid-19", None),
        ("Update", None),
    ],
)
def test_a_lone_token_is_an_image_name_only_when_it_looks_machine_made(line: str, role: str | None) -> None:
    """Short codes news writes as words and headings ("MH17", "G20") are text, not image file names."""
    assert classify_line(line) == role


def test_a_line_separator_before_a_date_does_not_make_a_file_an_archive(tmp_path: Path) -> None:
    """U+2028 breaks no line for the reader, so detection must not see a date line after it (no post read)."""
    note = tmp_path / "note.txt"
    note.write_text("A note about the day\u2028July 14, 2017\n\nThe note itself.\n", encoding="utf-8")
    corpus = read_corpus([note])
    assert corpus.formats == {str(note): "text"}
    assert [p.text for p in corpus.posts[0].paragraphs] == ["The note itself."]


@pytest.mark.parametrize(
    ("line", "title", "outlet", "author"),
    [
        (
            "Why Iran, Russia and Syria disagree, Foreign Policy, July 13, 2017",
            "Why Iran, Russia and Syria disagree",
            "Foreign Policy",
            None,
        ),
        (
            "Why Iran, Russia and Syria disagree, Foreign Policy, Jane Doe, July 13, 2017",
            "Why Iran, Russia and Syria disagree",
            "Foreign Policy",
            "Jane Doe",
        ),
    ],
)
def test_an_outlet_of_the_table_ending_a_citation_is_its_outlet_not_an_author(
    line: str, title: str, outlet: str, author: str | None
) -> None:
    """ "Foreign Policy" reads as two name-like words: taken for an author, half the title was the outlet."""
    citation = parse_citation(line, "A post title of its own", 5)
    assert citation is not None
    assert (citation.title, citation.outlet, citation.author) == (title, outlet, author)
