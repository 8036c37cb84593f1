"""Saved web pages: every paragraph of the main text kept, repeats included; the rest of the text noted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from provenance.ingest import read_corpus
from provenance.ingest.htmlpage import MAX_ATTRIBUTES, iter_html, without_crowded_attributes
from provenance.models import Corpus, InputWarning, Post, UnparsedLine

PAGE = Path(__file__).parent / "fixtures" / "ingest" / "folder" / "page.html"
LONG_A = "This is a long paragraph of the article that is certainly over fifty characters."
LONG_B = "And this is another paragraph, different from the first one, also long enough."
SHARE = "Share this article with your friends on Facebook, Twitter and by email today."


def article(*blocks: str) -> str:
    """A page whose article holds ``blocks`` (HTML), one a line from line 6."""
    return (
        "<!DOCTYPE html>\n<html>\n<head><title>A page</title></head>\n<body>\n<article>\n"
        + "\n".join(blocks)
        + "\n</article>\n</body>\n</html>\n"
    )


def post_of(page: str) -> Post:
    return next(e for e in iter_html("page.html", page, "page") if isinstance(e, Post))


def lines_and_texts(post: Post) -> list[tuple[int, str]]:
    return [(p.line, p.text) for p in post.paragraphs]


def test_adjacent_identical_paragraphs_are_all_kept() -> None:
    """A A A B gives four paragraphs, each on its own line, where trafilatura alone gives A B."""
    post = post_of(article(*(f"<p>{text}</p>" for text in (LONG_A, LONG_A, LONG_A, LONG_B))))
    assert lines_and_texts(post) == [(6, LONG_A), (7, LONG_A), (8, LONG_A), (9, LONG_B)]


def test_share_this_after_each_paragraph_gives_every_one_on_its_own_line() -> None:
    """A share line after each of 20 paragraphs gives 40 paragraphs, each with the line it stands on."""
    paragraphs = [
        f"Paragraph number {n} of the article says something specific about topic {n}." for n in range(20)
    ]
    post = post_of(article(*(f"<p>{text}</p>\n<p>{SHARE}</p>" for text in paragraphs)))
    expected = [
        (6 + 2 * n + k, text) for n, text in enumerate(paragraphs) for k, text in ((0, text), (1, SHARE))
    ]
    assert lines_and_texts(post) == expected


def test_a_repeat_in_the_next_quote_is_kept() -> None:
    """The same quotation in two blockquotes in a row is kept twice, each with its line."""
    quote = f"<blockquote><p>{LONG_A}</p></blockquote>"
    post = post_of(article(f"<p>{LONG_B}</p>", quote, quote, f"<p>{LONG_B}</p>"))
    assert lines_and_texts(post) == [(6, LONG_B), (7, LONG_A), (8, LONG_A), (9, LONG_B)]


@pytest.mark.parametrize(
    "sidebar",
    [
        f'<div class="sidebar"><div class="widget"><p>{LONG_A}</p></div></div>',
        f"<aside><p>{LONG_B}</p></aside>",
    ],
)
def test_a_repeat_in_a_sidebar_stays_out_of_the_main_text(sidebar: str) -> None:
    """A paragraph that a sidebar beside the article repeats is a note there, not a paragraph."""
    post = post_of(article(f"<p>{LONG_A}</p>", f"<p>{LONG_B}</p>").replace("</body>", f"{sidebar}\n</body>"))
    assert lines_and_texts(post) == [(6, LONG_A), (7, LONG_B)]
    repeated = LONG_A if "widget" in sidebar else LONG_B
    assert [(n.line, n.role, n.text) for n in post.notes] == [(9, "boilerplate", repeated)]


def test_text_outside_the_main_text_is_kept_as_boilerplate_notes() -> None:
    """Navigation, sidebar and footer text of a page are notes with their lines; the h1 title is not."""
    (post,) = read_corpus([PAGE]).posts
    assert [(n.line, n.role, n.text) for n in post.notes] == [
        (8, "boilerplate", "Home"),
        (8, "boilerplate", "About us"),
        (8, "boilerplate", "Contact"),
        (9, "boilerplate", "Recent posts"),
        (9, "boilerplate", "Something else entirely"),
        (16, "boilerplate", "Copyright 2017 Example Blog. Share on Facebook. Share on Twitter."),
    ]
    assert (post.source.line_start, post.source.line_end) == (4, 16)


def test_a_page_nested_too_deep_says_where_reading_stopped() -> None:
    """A page nested 5,000 deep, where the HTML parser stops, gives a warning with the line, not silence."""
    page = (
        "<html><head><title>Deep</title></head><body>\n"
        + "<div>" * 5000
        + "<p>Deep text.</p>"
        + "</div>" * 5000
        + "\n</body></html>"
    )
    warnings = [e for e in iter_html("deep.html", page, "deep") if isinstance(e, InputWarning)]
    assert any(w.line == 2 and "HTML parsing stopped here" in w.message for w in warnings)


_sentences = st.sampled_from(
    [
        LONG_A,
        LONG_B,
        SHARE,
        "Short line.",
        "Home",
        "A third paragraph with its own words, long enough to be kept as content of the page.",
    ]
)
_block = st.tuples(
    st.sampled_from(["p", "div", "li", "h2", "blockquote", "nav", "footer", "aside"]), _sentences
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_block, min_size=1, max_size=25))
def test_every_line_of_page_text_is_a_paragraph_the_title_or_a_note(blocks: list[tuple[str, str]]) -> None:
    """Whatever blocks a page has, each line holding text is claimed by a paragraph, the title or a note."""
    page = article(*(f"<{tag}>{text}</{tag}>" for tag, text in blocks))
    post = post_of(page)
    claimed = {post.title_line} | {n.line for n in post.notes}
    for paragraph in post.paragraphs:
        claimed.update(range(paragraph.line, paragraph.line_end + 1))
    text_lines = {6 + n for n, (_, text) in enumerate(blocks) if text.casefold() != post.title.casefold()}
    assert text_lines <= claimed


def font_soup(markers: int) -> str:
    """An old page of ``<font>`` tags never closed, one paragraph a line, each ending ``<br><br>``.

    libxml2 nests each unclosed ``<font>`` in the one before, so the page is ``markers`` levels deep.
    """
    paragraphs = "".join(
        f'<font size="2">Paragraph number {n} tells of the harbour master who said ships would wait '
        f"outside the breakwater until swell dropped, marker{n}.<br><br>\n"
        for n in range(markers)
    )
    return f"<html><head><title>Font soup</title></head><body>{paragraphs}</body></html>"


def deep_divs(depth: int, markers: int) -> str:
    """A page ``depth`` ``<div>`` deep on its line 2, then a paragraph holding a marker on each line after."""
    inner = "".join(f"<p>Deep paragraph with marker{n}.</p>\n" for n in range(markers))
    return (
        "<html><head><title>Deep</title></head><body>\n"
        + "<div>" * depth
        + "\n"
        + inner
        + "</div>" * depth
        + "\n</body></html>"
    )


def texts_of(tmp_path: Path, name: str, page: str) -> tuple[str, str, Corpus]:
    """The post's text (paragraphs, notes) and the unparsed lines' text of ``page`` saved as ``name``."""
    (tmp_path / name).write_text(page, encoding="utf-8")
    corpus = read_corpus([tmp_path / name])
    (post,) = corpus.posts
    kept = "\n".join([p.text for p in post.paragraphs] + [n.text for n in post.notes])
    return kept, "\n".join(u.text for u in corpus.unparsed), corpus


def test_a_font_soup_page_400_deep_is_read_whole(tmp_path: Path) -> None:
    """Unclosed <font> tags nested 400 deep (over libxml2's default 256) lose no text and stop no parse."""
    kept, unparsed, corpus = texts_of(tmp_path, "fontsoup.html", font_soup(400))
    assert [m for n in range(400) if (m := f"marker{n}.") not in kept] == []
    assert unparsed == ""
    assert not [w for w in corpus.warnings if "stopped" in w.message]


@pytest.mark.parametrize("markers", [3, 400])
def test_a_font_soup_page_gives_a_paragraph_per_double_break(tmp_path: Path, markers: int) -> None:
    """Text between <br><br> in unclosed <font> tags, 3 or 400 deep, is one paragraph each, on its line."""
    _, _, corpus = texts_of(tmp_path, "fontsoup.html", font_soup(markers))
    (post,) = corpus.posts
    assert [(p.line, p.text.rsplit(" ", 1)[-1]) for p in post.paragraphs] == [
        (n + 1, f"marker{n}.") for n in range(markers)
    ]
    assert post.notes == ()


def test_the_lines_after_where_parsing_stopped_are_unparsed(tmp_path: Path) -> None:
    """A page 10,000 deep, past libxml2's limit even with huge_tree: the lines after the stop are unparsed."""
    _, unparsed, corpus = texts_of(tmp_path, "deep.html", deep_divs(10_000, 5))
    assert [u.line for u in corpus.unparsed] == [2, 3, 4, 5, 6, 7, 8, 9]
    assert all(f"marker{n}." in unparsed for n in range(5))
    (stop,) = [w for w in corpus.warnings if "HTML parsing stopped here" in w.message]
    assert stop.line == 2 and "8 non-blank lines listed as unparsed" in stop.message


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([5, 300, 2_040, 2_100]), st.integers(1, 3))
def test_every_marker_of_a_deep_page_is_read_or_unparsed(depth: int, markers: int) -> None:
    """However deep, each marker is in the post's text or in an unparsed line, never lost."""
    page = deep_divs(depth, markers)
    events = list(iter_html("deep.html", page, "deep"))
    (post,) = [e for e in events if isinstance(e, Post)]
    unparsed = [e for e in events if isinstance(e, UnparsedLine)]
    kept = "\n".join([p.text for p in post.paragraphs] + [n.text for n in post.notes])
    for n in range(markers):
        assert f"marker{n}." in kept or any(f"marker{n}." in u.text for u in unparsed)
    assert bool(unparsed) == (depth >= 2_048 - 3)


_LINES = [
    "The harbour master said the ships would wait outside the breakwater until the swell dropped.",
    "Nobody on the quay believed him, and the fishing boats went out at dawn regardless.",
    "By noon the wind had turned and the first of them came back with its nets torn.",
    "Short line.",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Found by hypothesis: trafilatura makes the cell's lines <p> elements with nothing between them.
@example(lines=[_LINES[0]] * 3, breaks=["<br>"] * 8, frame="<td>{}</td>")
@given(
    st.lists(st.sampled_from(_LINES), min_size=1, max_size=8),
    st.lists(
        st.sampled_from(["<br>", "<br><br>", "<br>\n<br>", "<br/> <!-- gap --> <br/>"]),
        min_size=8,
        max_size=8,
    ),
    st.sampled_from(['<div class="post">{}</div>', '<div class="post"><p>{}</p></div>', "<td>{}</td>"]),
)
def test_an_old_blog_layout_gives_paragraphs_split_at_double_breaks(
    lines: list[str], breaks: list[str], frame: str
) -> None:
    """Text separated by <br><br> is a paragraph each; text separated by one <br> stays one paragraph."""
    body = "".join(
        text + "\n" + (brk if n + 1 < len(lines) else "")
        for n, (text, brk) in enumerate(zip(lines, breaks, strict=False))
    )
    if frame == "<td>{}</td>":
        frame = "<table><tr><td>{}</td></tr></table>"
    post = post_of(article(frame.format(body)))
    expected: list[list[str]] = [[]]
    for n, text in enumerate(lines):
        expected[-1].append(text)
        if n + 1 < len(lines) and breaks[n] != "<br>":
            expected.append([])
    kept = [p.text for p in post.paragraphs] + [note.text for note in post.notes]
    assert " ".join(kept) == " ".join(lines)
    assert [p.text for p in post.paragraphs] == [" ".join(group) for group in expected]


@pytest.mark.parametrize("line_break", ["<br>", "<br/>", "<br />", "<BR>"])
def test_a_single_line_break_parts_the_words_on_either_side(tmp_path: Path, line_break: str) -> None:
    """ "tomorrow.<br>Local" is two words, as a browser shows them; it was read as one ("tomorrow.Local")."""
    first = "The harbour master said the ships would wait outside the breakwater until tomorrow."
    second = "Local schools will reopen on Monday after the heating system was repaired by engineers."
    page = tmp_path / "page.html"
    page.write_text(
        "<!doctype html><html><head><title>Harbour news</title></head><body><article><h1>Harbour news</h1>"
        f"<p>{first}{line_break}{second}</p><p>A line{line_break}break inside a sentence about the storm "
        "season and the boats that wait for it to pass.</p></article></body></html>",
        encoding="utf-8",
    )
    (post,) = read_corpus([page]).posts
    texts = [paragraph.text for paragraph in post.paragraphs]
    assert f"{first} {second}" in texts
    assert any(text.startswith("A line break inside a sentence") for text in texts), texts


def _crowded(paragraphs: int, tag: str = "b") -> str:
    """Paragraphs of eight words, every other one inside ``tag``."""
    return article(
        *(
            "<p>"
            + " ".join(
                f"plain{n}x{k} <{tag} href='https://example.org/p{n}x{k}'>marked{n}x{k}</{tag}>"
                for k in range(4)
            )
            + "</p>"
            for n in range(paragraphs)
        )
    )


def _pages_given_to_trafilatura(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """What each call of trafilatura.bare_extraction is given from now on (it still extracts)."""
    import trafilatura

    given: list[object] = []
    extract = trafilatura.bare_extraction

    def spy(page: object, **options: object) -> object:
        given.append(page)
        return extract(page, **options)

    monkeypatch.setattr(trafilatura, "bare_extraction", spy)
    return given


def test_a_page_crowded_with_formatting_reaches_trafilatura_without_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Over the limit, the formatting tags are unwrapped before extraction (their text kept)."""

    import provenance.ingest.htmlpage as htmlpage

    monkeypatch.setattr(htmlpage, "_UNWRAP_FORMATTING_OVER", 30)
    given = _pages_given_to_trafilatura(monkeypatch)
    post = post_of(_crowded(10))  # 40 <b> inside <p>
    assert isinstance(given[0], str) and "<b>" not in given[0] and "marked9x3" in given[0]
    assert [p.text.split()[1] for p in post.paragraphs] == [f"marked{n}x0" for n in range(10)]
    # Under the limit the page goes as it is, but for its end tags (text after them is body text).
    given.clear()
    page = _crowded(3)
    post_of(page)
    assert given == [page.replace("</body>", "").replace("</html>", "")]


def test_a_page_still_crowded_without_formatting_keeps_every_block_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Links are not unwrapped (credits need them): over the second limit extraction is not run at all."""
    import trafilatura

    import provenance.ingest.htmlpage as htmlpage

    monkeypatch.setattr(htmlpage, "_UNWRAP_FORMATTING_OVER", 5)
    monkeypatch.setattr(htmlpage, "_EXTRACTION_MAX", 30)

    def refuse(page: object, **options: object) -> object:
        raise AssertionError("trafilatura was given a page over the limit")

    monkeypatch.setattr(trafilatura, "bare_extraction", refuse)
    page = _crowded(10, "a").replace(
        "<head>", '<head><meta property="article:published_time" content="2017-07-14">'
    )
    events = list(iter_html("page.html", page, "page"))
    post = next(e for e in events if isinstance(e, Post))
    assert len(post.paragraphs) == 10 and all("marked" in p.text for p in post.paragraphs)
    assert (post.title, str(post.date)) == (
        "A page",
        "2017-07-14",
    )  # trafilatura's metadata reader still runs
    assert len(post.links) == 40
    assert any(
        isinstance(e, InputWarning) and "every text block is kept as a paragraph" in e.message for e in events
    )


def test_a_quotation_broken_by_a_line_break_is_a_paragraph_of_the_main_text() -> None:
    """trafilatura gives it as <quote>text<lb/>text</quote>; its text is main text, not a boilerplate note."""
    quoted = ["We will wait outside the breakwater until the swell drops.", "Nobody goes out before noon."]
    post = post_of(
        article(
            "<p>The harbour master spoke to reporters on the quay on Monday morning before the storm.</p>",
            f"<blockquote>{quoted[0]}<br>{quoted[1]}</blockquote>",
            "<p>The council voted to close the old library and move its books to the civic centre.</p>",
        )
    )
    assert [p.text for p in post.paragraphs][1] == " ".join(quoted)
    assert not post.notes


def test_text_after_the_end_of_the_document_is_read_as_body_text() -> None:
    """Text after </html> (a host's addition, a second page saved into the file) is read, on its own line.

    Browsers read it into the body; libxml2 dropped it, in no list.
    """
    second = (
        "<html><head><title>Another page</title></head><body><article>"
        f"<p>{LONG_B}</p></article></body></html>"
    )
    post = post_of(article(f"<p>{LONG_A}</p>") + f"{second}\n<p>{SHARE}</p>\n")
    kept = lines_and_texts(post) + [(n.line, n.text) for n in post.notes]
    assert sorted(kept) == [(6, LONG_A), (10, LONG_B), (11, SHARE)]


def crowded_start_tag(tag: str, count: int, per_line: int = 100) -> str:
    """A start tag of ``count`` attributes of distinct names, ``per_line`` to a line."""
    names = [f"data-a{n}='v'" for n in range(count)]
    return f"<{tag} " + "\n".join(" ".join(names[n : n + per_line]) for n in range(0, count, per_line)) + ">"


def test_an_element_with_too_many_attributes_loses_them_and_keeps_its_text_and_lines() -> None:
    """Over MAX_ATTRIBUTES attributes (libxml2 parses them in quadratic time), they go, with a warning.

    200,000 attributes in a 2.3 MB page took over 15 minutes; the line breaks between them stay, so
    the paragraph after the element keeps its line.
    """
    crowded = crowded_start_tag("p", MAX_ATTRIBUTES + 1)  # 11 lines
    events = list(iter_html("page.html", article(f"{crowded}{LONG_A}</p>", f"<p>{LONG_B}</p>"), "page"))
    post = next(e for e in events if isinstance(e, Post))
    assert lines_and_texts(post) == [(16, LONG_A), (17, LONG_B)]
    (warning,) = [e for e in events if isinstance(e, InputWarning)]
    assert warning.line == 6 and "1 element with over 1,000 attributes" in warning.message


def test_an_element_at_the_attribute_limit_keeps_its_attributes() -> None:
    """MAX_ATTRIBUTES attributes are read as they are, a link's href included."""
    markup = crowded_start_tag("a", MAX_ATTRIBUTES - 1).replace("<a ", "<a href='https://example.org/x' ")
    assert without_crowded_attributes(markup) == (markup, [])
    assert without_crowded_attributes(markup.replace("<a ", "<a b ")) == ("<a" + "\n" * 9 + ">", [0])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet="ab <>'\"=\n", max_size=30),
            st.integers(MAX_ATTRIBUTES - 2, MAX_ATTRIBUTES + 2).map(lambda n: crowded_start_tag("p", n, 37)),
        ),
        max_size=6,
    )
)
def test_dropping_crowded_attributes_keeps_every_line_break(pieces: list[str]) -> None:
    """Whatever the markup, the line breaks stay (every later line keeps its number) and nothing grows."""
    markup = "".join(pieces)
    kept, crowded = without_crowded_attributes(markup)
    assert kept.count("\n") == markup.count("\n") and len(kept) <= len(markup)
    assert all(kept[at] == "<" for at in crowded)


THIRD = "A third paragraph with its own words, long enough to be kept as content of the page."


@pytest.mark.parametrize(
    ("opener", "what"),
    [("<!-- a stray opener", "comment"), ("<script>var shown = 1;", "<script>"), ("<style>p {}", "<style>")],
)
def test_a_comment_script_or_style_never_closed_does_not_swallow_the_rest(opener: str, what: str) -> None:
    """libxml2 ran it to the end of the page: the paragraphs after it were lost, in no list."""
    events = list(iter_html("page.html", article(f"<p>{LONG_A}</p>", opener, f"<p>{LONG_B}</p>"), "page"))
    post = next(e for e in events if isinstance(e, Post))
    assert lines_and_texts(post)[0] == (6, LONG_A) and (8, LONG_B) in lines_and_texts(post)
    assert [(n.line, n.text) for n in post.notes] == [(7, opener)]
    (warning,) = [e for e in events if isinstance(e, InputWarning)]
    assert warning.line == 7 and warning.message.startswith(f"a {what} opened on this line is never closed")


def test_a_title_never_closed_leaves_the_body_to_the_paragraphs() -> None:
    """Read as a title, the whole page was the post's title and it had no paragraph."""
    page = f"<html><head><title>A page\n</head><body>\n<p>{LONG_A}</p>\n<p>{LONG_B}</p>\n</body></html>\n"
    events = list(iter_html("page.html", page, "page"))
    post = next(e for e in events if isinstance(e, Post))
    assert lines_and_texts(post) == [(3, LONG_A), (4, LONG_B)]
    assert any(isinstance(e, InputWarning) and e.line == 1 and "<title> opened" in e.message for e in events)


def test_closed_comments_scripts_and_styles_are_left_alone() -> None:
    """Only an opener after the last closer of its kind is read as text: a page's comments stay comments."""
    page = article(
        f"<p>{LONG_A}</p>",
        "<!-- a note -->",
        "<script>var a = '<!--';</script>",
        "<style>p {}</style>",
        f"<p>{LONG_B}</p>",
    )
    events = list(iter_html("page.html", page, "page"))
    post = next(e for e in events if isinstance(e, Post))
    assert lines_and_texts(post) == [(6, LONG_A), (10, LONG_B)] and post.notes == ()
    assert not [e for e in events if isinstance(e, InputWarning)]


def test_a_file_starting_with_many_comments_is_detected_at_once(tmp_path: Path) -> None:
    """A file starting with 24 HTML comments took 11 s to detect, every two more four times that.

    The test of "is this a web page" let each comment run on past its "-->" to a later one, and with no
    doctype after them it tried every way of grouping them (60 comments: thousands of years). A comment
    ends at its first "-->": the file is read at once, as what it is.
    """
    comments = "<!-- generated -->" * 60
    (tmp_path / "notes.txt").write_text(f"{comments}\n\n{LONG_A}\n", encoding="utf-8")
    (tmp_path / "page.txt").write_text(comments + article(f"<p>{LONG_A}</p>"), encoding="utf-8")
    corpus = read_corpus([tmp_path])
    assert corpus.formats == {str(tmp_path / "notes.txt"): "text", str(tmp_path / "page.txt"): "html"}
    assert [[p.text for p in post.paragraphs] for post in corpus.posts] == [[comments, LONG_A], [LONG_A]]


def test_a_start_tag_of_one_long_word_never_ended_is_passed_over_in_one_scan(tmp_path: Path) -> None:
    """A "<" before 80,000 letters with no ">" after them (an inline image's data cut off) took 30 s.

    Looking for elements crowded with attributes tried every split of the word into a tag name and its
    attributes, in time growing with the square of its length (160,000 letters: 136 s; this page's
    300,000: some 8 minutes). The word is the tag name, whole, and the page is read at once.
    """
    blob = "<" + "x" * 300_000
    markup = article(f"<p>{LONG_A}</p>", f"<p>{LONG_B}</p>", blob)
    assert without_crowded_attributes(markup) == (markup, [])
    (tmp_path / "page.html").write_text(markup, encoding="utf-8")
    (post,) = read_corpus([tmp_path]).posts
    assert lines_and_texts(post)[:2] == [(6, LONG_A), (7, LONG_B)]


def unparsed_of(events: list[object]) -> list[tuple[int, str]]:
    return [(e.line, e.text) for e in events if isinstance(e, UnparsedLine)]


def warnings_of(events: list[object]) -> list[tuple[int, str]]:
    return [(e.line, e.message) for e in events if isinstance(e, InputWarning)]


def test_words_a_tag_left_open_reads_as_its_attributes_are_listed_as_unparsed() -> None:
    """A ">" left out: HTML parsers, as browsers, read "and more words" as the <a>'s attributes, and the
    words were in no paragraph and no list. Its line is now unparsed, with the tag's text, and a warning."""
    broken = '<p>First words <a href="x" and more words here</p><p>Later words.</p>'
    events = list(iter_html("page.html", article(f"<p>{LONG_A}</p>", broken, f"<p>{LONG_B}</p>"), "page"))
    post = next(e for e in events if isinstance(e, Post))
    assert LONG_A in [p.text for p in post.paragraphs]
    assert "Later words." in " ".join(p.text for p in post.paragraphs)
    assert unparsed_of(events) == [(7, '<a href="x" and more words here</p>')]
    assert warnings_of(events) == [
        (
            7,
            "a <a> tag on this line holds text that HTML parsers, as browsers do, read as the tag's "
            'attributes (a quote or a ">" missing); not audited, its line listed as unparsed',
        )
    ]


def test_a_quote_left_open_until_a_later_line_lists_each_line_of_the_tag() -> None:
    """A title's quote left open runs to the next quote, two lines on: each line of the tag is unparsed."""
    events = list(
        iter_html(
            "page.html",
            article(
                f'<p>{LONG_A} <span title="x>the span text.</span> More words',
                "on a second line.</p>",
                f'<p>{LONG_B} <a href="y">a link</a></p>',
                f"<p>{THIRD}</p>",
            ),
            "page",
        )
    )
    post = next(e for e in events if isinstance(e, Post))
    assert unparsed_of(events) == [
        (6, '<span title="x>the span text.</span> More words'),
        (7, "on a second line.</p>"),
        (8, f'<p>{LONG_B} <a href="y">'),
    ]
    assert [line for line, _ in warnings_of(events)] == [6]
    assert (9, THIRD) in lines_and_texts(post)


@pytest.mark.parametrize(
    "tag",
    [
        '<img src="a.png" alt="A photo">',
        '<a title="Home > News" href="/news">News</a>',
        '<span data-content="<b>bold</b> text">x</span>',
        '<iframe src="v" allowfullscreen webkitallowfullscreen mozallowfullscreen></iframe>',
        '<div v-if="shown" :class="c" @click="go" hidden>x</div>',
        '<script>if (a<b && c>d) { x = "<p title=\'"; }</script>',
        '<!-- <a href="x" and more words -->',
    ],
)
def test_tags_that_hold_no_text_of_the_page_are_left_alone(tag: str) -> None:
    """Tooltips, data attributes, bare attributes real pages write, scripts and comments: no warning."""
    events = list(iter_html("page.html", article(f"<p>{LONG_A} {tag}</p>", f"<p>{LONG_B}</p>"), "page"))
    assert unparsed_of(events) == [] and warnings_of(events) == []


def test_a_tag_never_closed_is_read_as_text_with_the_rest_of_the_page() -> None:
    """A quote never closed ran the <b> to the page's end: each paragraph after it was lost, in no list."""
    events = list(
        iter_html(
            "page.html",
            article(
                f"<p>{LONG_A}</p>",
                '<p>Last of all, <b class="z>a quote never closed.</p>',
                f"<p>{LONG_B}</p>",
            ),
            "page",
        )
    )
    post = next(e for e in events if isinstance(e, Post))
    assert lines_and_texts(post) == [
        (6, LONG_A),
        (7, 'Last of all, <b class="z>a quote never closed.'),
        (8, LONG_B),
    ]
    assert warnings_of(events) == [
        (
            7,
            'a <b> tag opened on this line is never closed (a quote or a ">" missing), so it would run to '
            "the end of the page; read as text instead, with the text after it",
        )
    ]


def test_a_page_of_tags_never_closed_is_read_in_one_scan() -> None:
    """Each tag never closed is read again from the character after it, so 20,000 of them took 47 s; after
    ten, the rest of the page is all read as text, at once."""
    page = f"<html><head><title>A page</title></head><body>\n<p>{LONG_A}</p>\n" + "<a b " * 20_000
    events = list(iter_html("page.html", page, "page"))
    post = next(e for e in events if isinstance(e, Post))
    kept = lines_and_texts(post) + [(n.line, n.text) for n in post.notes]
    assert kept == [(2, LONG_A), (3, ("<a b " * 20_000).strip())]
    assert warnings_of(events) == [
        (
            3,
            'a <a> tag opened on this line is never closed (a quote or a ">" missing), so it would run to '
            "the end of the page; read as text instead, with the text after it (9 more such tags after it; "
            "past the last, the rest of the page is all read as text)",
        )
    ]


_marker_lines = st.lists(
    st.sampled_from(
        [
            "<p>{0} {1} {2}.</p>",
            '<p>{0} <a href="x" {1} {2}</p>',
            '<p>{0} <span title="x>{1}</span> {2}</p>',
            "<p>{0} <b class='y>{1}.</b> {2}</p>",
            '<p>{0}" {1}">{2}</p>',
            "<div>{0} <i {1} {2}>more</i></div>",
            "<p>{0} <em\n{1}\n{2}</p>",
        ]
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_marker_lines)
def test_every_word_of_a_page_with_tags_left_open_is_read_or_unparsed(lines: list[str]) -> None:
    """Whatever quotes and ">" are missing, each word is in a paragraph, a note, the title or unparsed."""
    markers = [f"marker{n}x" for n in range(3 * len(lines))]
    body = [line.format(*markers[3 * n : 3 * n + 3]) for n, line in enumerate(lines)]
    events = list(iter_html("page.html", article(*body), "page"))
    post = next(e for e in events if isinstance(e, Post))
    kept = " ".join(
        [post.title, *(p.text for p in post.paragraphs), *(n.text for n in post.notes)]
        + [text for _, text in unparsed_of(events)]
    )
    assert [marker for marker in markers if marker not in kept] == []


def _tree(shape: list[Any]) -> Any:
    """An element tree of ``shape``: a list of (tag, children) pairs under a <body>, nested as drawn."""
    from lxml import etree

    def build(parent: Any, nodes: list[Any]) -> None:
        for tag, children in nodes:
            build(etree.SubElement(parent, tag), children)

    root = etree.Element("body")
    build(root, shape)
    return root


_SHAPES = st.recursive(
    st.just([]),
    lambda children: st.lists(st.tuples(st.sampled_from(["p", "a", "b", "div"]), children), max_size=4),
    max_leaves=40,
)


@settings(max_examples=200, deadline=None)
@given(_SHAPES)
def test_elements_inside_paragraphs_are_counted_once_per_paragraph_around_them(shape: list[Any]) -> None:
    """The walk gives what counting each <p>'s descendants gives (on nested paragraphs too), in one pass."""
    from provenance.ingest.htmlpage import _inside_paragraphs

    root = _tree(shape)
    assert _inside_paragraphs(root) == sum(1 for p in root.iter("p") for _ in p.iterdescendants())


def test_paragraphs_nested_by_links_never_closed_are_counted_in_one_walk() -> None:
    """An <a> never closed makes each later <p> open inside it: 2,000 such lines nest paragraphs 2,000 deep,
    which counting each paragraph's descendants walked about two million times (10 s of a 12 s audit)."""
    from lxml import etree

    from provenance.ingest import htmlpage

    root = _tree([])
    parent = root
    for _ in range(2_000):
        paragraph = etree.SubElement(parent, "p")
        parent = etree.SubElement(paragraph, "a")
    walked = 0
    real_iterwalk = etree.iterwalk

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal walked
        for item in real_iterwalk(*args, **kwargs):
            walked += 1
            yield item

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(htmlpage.etree, "iterwalk", counting)
        assert htmlpage._inside_paragraphs(root) == sum(range(1, 2_000)) * 2 + 1_999 + 1
    assert walked == 2 * (4_000 + 1)  # a start and an end for each element and the body


def test_a_page_of_many_plain_elements_keeps_every_block_without_trafilatura(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """trafilatura's extraction grows with the square of a page's elements, formatting or not (100,000
    plain paragraphs took 20.6 s, 200,000 80.6 s): over the limit it is not run, every block is kept, and
    the warning says so. Under it, the page goes to trafilatura as before."""

    import provenance.ingest.htmlpage as htmlpage

    monkeypatch.setattr(htmlpage, "_EXTRACTION_MAX_ELEMENTS", 40)
    called = _pages_given_to_trafilatura(monkeypatch)
    paragraphs = [f"<p>Paragraph {n} of the story, Reuters said on Monday.</p>" for n in range(60)]
    events = list(iter_html("page.html", article(*paragraphs), "page"))
    post = next(e for e in events if isinstance(e, Post))
    assert not called
    assert [p.text for p in post.paragraphs] == [
        f"Paragraph {n} of the story, Reuters said on Monday." for n in range(60)
    ]
    assert any(
        isinstance(e, InputWarning) and "the page holds over 40 elements besides formatting" in e.message
        for e in events
    )
    post = post_of(article(*paragraphs[:20]))
    assert called and len(post.paragraphs) == 20
