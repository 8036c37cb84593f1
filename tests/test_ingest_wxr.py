"""WordPress exports: published posts only, streamed, namespaces matched by what they are."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from provenance.config import AuditConfig
from provenance.ingest import read_corpus
from provenance.ingest.wxr import WxrCounts, html_paragraphs, iter_wxr
from provenance.models import Post

SMALL = Path(__file__).parent / "fixtures" / "ingest" / "wxr" / "small-export.xml"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REAL_EXPORTS = SHARED / "corpora" / "wxr"
needs_shared = pytest.mark.skipif(
    not REAL_EXPORTS.is_dir(), reason=f"shared corpora not found at {REAL_EXPORTS}"
)


def test_published_posts_only_with_their_metadata() -> None:
    """The fixture's four published posts are read with ids, dates, urls, categories and tags."""
    corpus = read_corpus([SMALL])
    assert [(p.id, p.date, p.format) for p in corpus.posts] == [
        ("autop-and-shortcodes", dt.date(2017, 7, 14), "wxr"),
        ("pubdate-only", dt.date(2017, 7, 15), "wxr"),
        ("protected", dt.date(2017, 7, 16), "wxr"),
        ("last-post", dt.date(2017, 7, 18), "wxr"),
    ]
    first = corpus.posts[0]
    assert (first.url, first.categories, first.tags) == (
        "https://example.org/autop",
        ("News",),
        ("ISIS", "Mosul"),
    )
    assert (first.source.line_start, first.title_line, first.date_line) == (12, 13, 28)


def test_content_is_split_like_wpautop_with_real_lines() -> None:
    """Blank lines and block tags end paragraphs; inline tags and entities resolve; lines are the file's."""
    post = read_corpus([SMALL]).posts[0]
    assert [(p.line, p.line_end, p.text) for p in post.paragraphs] == [
        (17, 17, "First paragraph, separated by a blank line & no tags."),
        (19, 20, "Second paragraph with a link and a line break inside it."),
        (22, 22, "A paragraph in p tags."),
        (22, 22, "First item"),
        (22, 22, "Second item"),
        (25, 25, "[I]t is reasonable to keep square brackets that are not shortcodes."),
    ]


def test_caption_text_is_a_note_and_shortcodes_are_counted() -> None:
    """``[caption]`` keeps its caption as an image note; ``[gallery]`` is removed; both are counted."""
    counts = WxrCounts()
    events = list(iter_wxr(str(SMALL), counts=counts))
    post = next(e for e in events if isinstance(e, Post))
    assert [(n.line, n.role, n.text) for n in post.notes] == [(21, "image", "Mosul, after the battle")]
    assert dict(counts.shortcodes) == {"caption": 1, "gallery": 1}
    assert counts.comments == 1


def test_left_out_items_are_counted_in_one_warning() -> None:
    """Drafts, future posts, pages, attachments and menu items are skipped and counted per kind."""
    messages = [str(w) for w in read_corpus([SMALL]).warnings]
    assert (
        f"{SMALL}: skipped 1 attachment, 1 draft, 1 future, 1 nav_menu_item, 1 page "
        "(only published posts are imported)"
    ) in messages


def test_pages_are_imported_with_include_pages() -> None:
    """``include_pages`` adds the published page and no longer counts it as skipped."""
    corpus = read_corpus([SMALL], AuditConfig(include_pages=True))
    assert "about" in [p.id for p in corpus.posts]
    assert not any("1 page" in w.message for w in corpus.warnings)


def test_password_protected_post_is_imported_with_a_warning() -> None:
    """The password-protected post is kept (its text is in the export) and the warning says so."""
    corpus = read_corpus([SMALL])
    assert "protected" in [p.id for p in corpus.posts]
    assert f"{SMALL}:49: post 'protected' is password-protected; imported all the same" in map(
        str, corpus.warnings
    )


def test_truncated_export_keeps_the_items_before_the_break(tmp_path: Path) -> None:
    """An export cut inside its third item keeps the first two posts and warns with the line of the break."""
    data = SMALL.read_text(encoding="utf-8")
    cut = tmp_path / "cut.xml"
    cut.write_text(data[: data.index("Text behind a password.")], encoding="utf-8")
    corpus = read_corpus([cut])
    assert [p.id for p in corpus.posts] == ["autop-and-shortcodes", "pubdate-only"]
    (broken,) = [w for w in corpus.warnings if "XML broken or cut off" in w.message]
    assert broken.line == 51
    assert (
        "kept the 2 posts read before it; the item starting at line 49 is cut off and left out"
        in broken.message
    )


@needs_shared
def test_cc_labs_blog_imports_all_219_published_posts() -> None:
    """cc-labs-blog.xml gives its 219 published posts once each and counts its 5 pages as skipped."""
    path = REAL_EXPORTS / "cc-labs-blog.xml"
    counts = WxrCounts()
    posts = [e for e in iter_wxr(str(path), counts=counts) if isinstance(e, Post)]
    assert len(posts) == len({p.id for p in posts}) == 219
    assert dict(counts.skipped) == {"page": 5}
    assert sum(len(p.paragraphs) for p in posts) > 1000


@needs_shared
def test_theme_unit_test_imports_56_posts_despite_its_https_namespace() -> None:
    """theme-unit-test.xml (wp namespace over https) gives 56 posts and counts every item left out."""
    path = REAL_EXPORTS / "theme-unit-test.xml"
    counts = WxrCounts()
    posts = [e for e in iter_wxr(str(path), counts=counts) if isinstance(e, Post)]
    assert len(posts) == len({p.id for p in posts}) == 56
    assert dict(counts.skipped) == {
        "nav_menu_item": 70,
        "attachment": 37,
        "page": 21,
        "draft": 1,
        "future": 1,
    }


@pytest.mark.parametrize(
    ("content", "texts"),
    [
        ("<p>tomorrow.<br>Local schools</p>", ["tomorrow. Local schools"]),
        ("tomorrow.<br />Local schools\n\nNext line<BR>here", ["tomorrow. Local schools", "Next line here"]),
        ("<p>a <br/> b</p>", ["a b"]),
        # Two in a row are a blank line to wpautop, which WordPress displays with: a new paragraph.
        ("First para.<br />\n<br />Second para.", ["First para.", "Second para."]),
        ("<p>One.<br><BR >Two.<br/>  <br/>Three.</p>", ["One.", "Two.", "Three."]),
        ("a<brx><br>b", ["a b"]),
    ],
)
def test_a_line_break_in_a_post_body_parts_the_words_on_either_side(content: str, texts: list[str]) -> None:
    """WordPress bodies break lines with <br>: words on either side stay two; two in a row end a paragraph."""
    found, _ = html_paragraphs(content, Counter())
    assert [text for _, _, text, _ in found] == texts
