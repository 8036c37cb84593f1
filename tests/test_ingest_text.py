"""Plain-text and Markdown files holding one post each, and folders of mixed formats."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from ingest_accounting import unaccounted

from provenance.ingest import read_corpus

FOLDER = Path(__file__).parent / "fixtures" / "ingest" / "folder"
PLAIN = FOLDER / "notes" / "plain-note.txt"
MARKDOWN = FOLDER / "notes" / "deeper" / "markdown-post.md"
FRONT_MATTER = FOLDER / "notes" / "deeper" / "front-matter.md"


def test_folder_is_read_recursively_each_file_by_its_own_format() -> None:
    """The fixture folder gives an archive, an HTML page, a plain text and two Markdown posts."""
    corpus = read_corpus([FOLDER])
    assert {Path(path).name: fmt for path, fmt in corpus.formats.items()} == {
        "archive-page.txt": "archive",
        "page.html": "html",
        "plain-note.txt": "text",
        "markdown-post.md": "text",
        "front-matter.md": "text",
    }
    # A folder's own files first, then its subfolders, each in sorted order.
    assert [Path(p).relative_to(FOLDER).as_posix() for p in corpus.files] == [
        "archive-page.txt",
        "page.html",
        "notes/plain-note.txt",
        "notes/deeper/front-matter.md",
        "notes/deeper/markdown-post.md",
    ]
    assert len(corpus.posts) == 4 + 1 + 1 + 2


def test_plain_text_post_takes_its_first_line_as_title_and_blocks_as_paragraphs() -> None:
    """A paragraph wrapped over two lines is one paragraph spanning both lines, its text joined."""
    (post,) = read_corpus([PLAIN]).posts
    assert (post.id, post.title, post.title_line, post.date, post.format) == (
        "plain-note",
        "A plain note without any archive structure",
        1,
        None,
        "text",
    )
    assert [(p.line, p.line_end, p.text) for p in post.paragraphs] == [
        (3, 4, "It has a first paragraph that runs over two lines of the file."),
        (6, 6, "And a second paragraph."),
    ]


def test_markdown_heading_title_date_and_image_note() -> None:
    """ "# Title" gives the title, a lone date line the date, and a Markdown image becomes a note."""
    (post,) = read_corpus([MARKDOWN]).posts
    assert (post.title, post.date, post.date_line) == ("The markdown post", dt.date(2017, 7, 4), 3)
    assert [(n.line, n.role) for n in post.notes] == [(7, "image")]
    assert [p.line for p in post.paragraphs] == [5, 9, 11]


def test_front_matter_gives_title_date_tags_and_url() -> None:
    """YAML front matter supplies the metadata; its other lines are header/separator notes."""
    (post,) = read_corpus([FRONT_MATTER]).posts
    assert (post.title, post.title_line, post.date, post.date_line) == (
        "Front matter post",
        2,
        dt.date(2017, 7, 20),
        3,
    )
    assert (post.tags, post.url) == (("isis", "mosul"), "https://example.org/front")
    assert [p.text for p in post.paragraphs] == ["Body paragraph of the front matter post."]


def test_every_line_of_text_files_is_accounted_for() -> None:
    """Every non-blank line of each text and archive file in the folder lands in exactly one place."""
    corpus = read_corpus([FOLDER])
    for path, fmt in corpus.formats.items():
        if fmt in ("text", "archive"):
            assert unaccounted(corpus, path) == {}, path


def test_same_archive_twice_gets_renamed_ids() -> None:
    """Reading the archive fixture beside its copy renames the copy's post ids with warnings."""
    archive = FOLDER.parent / "archive" / "category-archive.txt"
    corpus = read_corpus([archive, FOLDER / "archive-page.txt"])
    ids = [p.id for p in corpus.posts]
    assert len(ids) == len(set(ids)) == 8
    assert "attacks-spread-to-the-coast-2" in ids
    assert sum("already used at" in w.message for w in corpus.warnings) == 4


@pytest.mark.parametrize(
    "date",
    ["2016-02-30", "2016-13-45", "2016-02-30 10:00:00", "2016-02-30T10:00:00Z"],
)
def test_an_impossible_front_matter_date_leaves_the_post_undated_not_lost(tmp_path: Path, date: str) -> None:
    """PyYAML reads these as timestamps and cannot make them: the post stays, undated, with a warning."""
    path = tmp_path / "post.md"
    path.write_text(
        f"---\ntitle: Schools reopen\ndate: {date}\ntags: [{date}]\n---\n"
        "Local schools will reopen on Monday after the heating system was repaired over the weekend.\n",
        encoding="utf-8",
    )
    corpus = read_corpus([tmp_path])
    (post,) = corpus.posts
    assert post.title == "Schools reopen" and post.date is None
    assert [p.text for p in post.paragraphs] == [
        "Local schools will reopen on Monday after the heating system was repaired over the weekend."
    ]
    assert any(w.line == 3 and "invalid date" in w.message for w in corpus.warnings), corpus.warnings
    assert unaccounted(corpus, path) == {}
