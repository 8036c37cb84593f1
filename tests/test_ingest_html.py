"""Saved web pages: one post per file, main text found by trafilatura."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from provenance.ingest import read_corpus

PAGE = Path(__file__).parent / "fixtures" / "ingest" / "folder" / "page.html"


def test_page_gives_title_date_and_main_paragraphs_only() -> None:
    """Navigation, sidebar and footer are left out; the three article paragraphs remain, in order."""
    (post,) = read_corpus([PAGE]).posts
    assert (post.id, post.title, post.date, post.format) == (
        "page",
        "A saved web page",
        dt.date(2017, 7, 16),
        "html",
    )
    texts = [p.text for p in post.paragraphs]
    assert len(texts) == 3
    assert texts[0].startswith("The first paragraph of the article")
    assert texts[2].endswith("the situation is serious and getting worse.")
    assert not any("Home" in t or "Copyright" in t or "Recent posts" in t for t in texts)


def test_paragraph_lines_point_at_their_source_elements() -> None:
    """Each paragraph's line is the line of its ``<p>`` in the file; the title line is the ``<title>``."""
    (post,) = read_corpus([PAGE]).posts
    lines = PAGE.read_text(encoding="utf-8").split("\n")
    for paragraph in post.paragraphs:
        assert paragraph.text.split()[0] in lines[paragraph.line - 1]
    assert "<title>" in lines[post.title_line - 1]


def test_page_without_main_text_is_kept_empty_with_a_warning(tmp_path: Path) -> None:
    """A page that is all navigation gives a post with no paragraphs and a warning naming the file."""
    page = tmp_path / "menu.html"
    page.write_text(
        "<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a></nav></body></html>"
    )
    corpus = read_corpus([page])
    assert [(p.title, p.paragraphs) for p in corpus.posts] == [("Menu", ())]
    assert any("no main text found" in w.message for w in corpus.warnings)
