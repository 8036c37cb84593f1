"""Saved web pages: every paragraph of the main text kept, repeats included; the rest of the text noted."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provenance.ingest import read_corpus
from provenance.ingest.htmlpage import iter_html
from provenance.models import InputWarning, Post

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
