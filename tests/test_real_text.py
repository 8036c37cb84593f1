"""Folders of plain text as users have them: nothing is lost, titles and ids come from what the files show."""

from __future__ import annotations

import json
import string
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.cli import cli
from provenance.ingest import file_post_ids, read_corpus

WRAPPED = (
    "Inheritance is a basic concept of Object-Oriented Programming where\n"
    "the basic idea is to create new classes that add extra detail to\n"
    "existing classes.\n"
)
ONE_LINE = (
    "PageRank is a link analysis algorithm used by the Google Internet search engine that assigns a "
    "numerical weighting to each element of a hyperlinked set of documents.\n"
)
# Windows-1252 bytes: curly quotes (0x93 0x94), an apostrophe (0x92) and an en dash (0x96).
CP1252 = (
    b"\x93Transport\x94 is what the answer\x92s first word was \x96 and it stays one word.\r\n"
    b"\r\n"
    b"A second paragraph of the same answer.\r\n"
)
SHORT_SENTENCE_FIRST = "Dynamic programming is useful.\n\nIt splits a problem into smaller ones.\n"
README = "# Answers of the class\n\nThe files below are the answers each student gave.\n"


def _clough_like(folder: Path) -> Path:
    """A folder laid out like the Clough corpus: answers that start with their text, and a README."""
    folder.mkdir()
    (folder / "g0pA_taska.txt").write_text(WRAPPED, encoding="utf-8")
    (folder / "g0pB_taskb.txt").write_text(ONE_LINE, encoding="utf-8")
    (folder / "g1pA_taskc.txt").write_bytes(CP1252)
    (folder / "g1pB_taskd.txt").write_text(SHORT_SENTENCE_FIRST, encoding="utf-8")
    (folder / "orig_taska.txt").write_text(WRAPPED + "\n" + ONE_LINE, encoding="utf-8")
    (folder / "README.md").write_text(README, encoding="utf-8")
    return folder


def _words(data: bytes) -> Counter[str]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    return Counter(text.split())


def _audit(folder: Path, out: Path, *args: str) -> dict:
    result = CliRunner().invoke(cli, ["audit", str(folder), "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return json.loads((out / "audit.json").read_text(encoding="utf-8"))


def test_clough_like_folder_loses_no_word_and_titles_answers_by_file_name(tmp_path: Path) -> None:
    """Every word of every answer is in its post's paragraphs, titled and named by its file, case kept."""
    folder = _clough_like(tmp_path / "answers")
    doc = _audit(folder, tmp_path / "out")
    posts = {post["id"]: post for post in doc["posts"]}
    answers = ["g0pA_taska", "g0pB_taskb", "g1pA_taskc", "g1pB_taskd", "orig_taska"]
    assert sorted(posts) == sorted([*answers, "README"])
    for name in answers:
        post = posts[name]
        assert post["title"] == name
        body = Counter(w for p in post["paragraphs"] for w in p["text"].split())
        assert body == _words((folder / f"{name}.txt").read_bytes()), name
    assert [p["text"] for p in posts["g0pA_taska"]["paragraphs"]] == [" ".join(WRAPPED.split())]
    assert "“Transport”" in posts["g1pA_taskc"]["paragraphs"][0]["text"]
    readme = posts["README"]
    assert readme["title"] == "Answers of the class"
    assert [p["text"] for p in readme["paragraphs"]] == ["The files below are the answers each student gave."]
    assert not [w for w in doc["warnings"] if "no paragraphs" in w["message"]]


def test_one_paragraph_file_is_kept_whole_as_text() -> None:
    """A file of one paragraph on one line is that paragraph, never a title with no body."""
    (post,) = read_corpus([Path(__file__).parent / "fixtures" / "real-text" / "one-paragraph.txt"]).posts
    assert post.title == "one-paragraph" and post.title_line == 0
    assert len(post.paragraphs) == 1 and post.paragraphs[0].text.startswith("PageRank is a link")


@pytest.mark.parametrize(
    ("text", "title", "first_paragraph"),
    [
        (
            "A plain note without any archive structure\n\nBody text.\n",
            "A plain note without any archive structure",
            "Body text.",
        ),
        ("# Heading of the post\n\nBody text.\n", "Heading of the post", "Body text."),
        ("Underlined title\n================\n\nBody text.\n", "Underlined title", "Body text."),
        ("Dynamic programming is useful.\n\nBody text.\n", "name", "Dynamic programming is useful."),
        ("What is PageRank?\n\nBody text.\n", "name", "What is PageRank?"),
        ("A short line alone\n", "name", "A short line alone"),
        (
            "A first line that wraps\ninto a second one\n\nBody text.\n",
            "name",
            "A first line that wraps into a second one",
        ),
        (" ".join(["word"] * 16) + "\n\nBody text.\n", "name", " ".join(["word"] * 16)),
    ],
    ids=["short-line", "atx", "setext", "sentence", "question", "alone", "wrapped", "long"],
)
def test_title_only_when_the_file_shows_one(
    tmp_path: Path, text: str, title: str, first_paragraph: str
) -> None:
    """A heading or a short unpunctuated line set apart is a title; any other first block is text."""
    path = tmp_path / "name.txt"
    path.write_text(text, encoding="utf-8")
    (post,) = read_corpus([path]).posts
    assert post.title == title
    assert post.paragraphs[0].text == first_paragraph


def test_ids_keep_case_and_use_the_path_tail_when_names_repeat(tmp_path: Path) -> None:
    """Files of the same name in two subfolders get ``folder/name`` ids; a unique name is the id alone."""
    for relative in ("answers/g0pA_taska.txt", "resubmitted/g0pA_taska.txt", "answers/Orig Task A.md"):
        path = tmp_path / "dump" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"Text of {relative} that is a sentence.\n", encoding="utf-8")
    ids = sorted(post.id for post in read_corpus([tmp_path / "dump"]).posts)
    assert ids == ["Orig Task A", "answers/g0pA_taska", "resubmitted/g0pA_taska"]


def test_ids_do_not_depend_on_the_order_the_paths_are_named(tmp_path: Path) -> None:
    """The same files named in another order keep their ids: an id comes from names, not input order."""
    for relative in ("a/note.txt", "b/note.txt", "b/note.md"):
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"Text of {relative} that is a sentence.\n", encoding="utf-8")
    named = [tmp_path / "a", tmp_path / "b"]
    forward = {p.source.path: p.id for p in read_corpus(named).posts}
    backward = {p.source.path: p.id for p in read_corpus(named[::-1]).posts}
    assert forward == backward
    assert sorted(forward.values()) == ["a/note", "note.md", "note.txt"]


_PART = st.text(alphabet=string.ascii_letters + "._-", min_size=1, max_size=4).filter(
    lambda s: s not in (".", "..")
)


@settings(max_examples=200, deadline=None)
@given(
    st.sets(st.lists(_PART, min_size=1, max_size=4).map(lambda parts: Path(*parts)), min_size=1, max_size=12)
)
def test_file_post_ids_are_unique_and_order_free(paths: set[Path]) -> None:
    """Any set of distinct paths gets distinct ids, the same whatever order the paths come in."""
    ordered = sorted(paths)
    ids = file_post_ids(ordered)
    assert len(set(ids.values())) == len(paths)
    assert file_post_ids(ordered[::-1]) == ids


def test_readme_source_and_license_files_are_read_and_exclude_leaves_them_out(tmp_path: Path) -> None:
    """README, SOURCE and LICENSE files are the user's and read; --exclude names what to leave out."""
    folder = _clough_like(tmp_path / "answers")
    (folder / "SOURCE.md").write_text("Where the answers came from, in one sentence.\n", encoding="utf-8")
    doc = _audit(folder, tmp_path / "out")
    assert {"README", "SOURCE"} <= {post["id"] for post in doc["posts"]}
    doc = _audit(folder, tmp_path / "out2", "--exclude", "README.md", "--exclude", "SOURCE.md")
    assert not {"README", "SOURCE"} & {post["id"] for post in doc["posts"]}
    assert sorted(Path(s["path"]).name for s in doc["skipped"]) == ["README.md", "SOURCE.md"]
