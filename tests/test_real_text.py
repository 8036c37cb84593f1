"""Folders of plain text as users have them, and mojibake in the text: nothing is lost or left broken."""

from __future__ import annotations

import json
import string
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from ftfy import TextFixerConfig, fix_text
from ftfy.chardata import CHARMAP_ENCODINGS
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.cli import cli
from provenance.config import AuditConfig
from provenance.ingest import file_post_ids, read_corpus
from provenance.ingest.mojibake import FIXER_CONFIG, NOT_LOOKED_FOR, first_repair, repaired

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


# --- mojibake ----------------------------------------------------------------------------------------

MOJIBAKE_TITLE = "Summer of Code: “Writer Add-in” for everyone"
MOJIBAKE_TEXT = "The student’s project — a “named field” for café owners."


def _mojibake(text: str) -> str:
    """``text`` as it reads after UTF-8 was decoded as Windows-1252 (ftfy's sloppy codec keeps every byte)."""
    import ftfy  # noqa: F401  (registers the sloppy codecs)

    return text.encode("utf-8").decode("sloppy-windows-1252")


def test_mojibake_in_a_text_file_is_repaired_with_a_warning(tmp_path: Path) -> None:
    """Mojibake in a text file's title and paragraph is read repaired, each repair a warning at its line."""
    path = tmp_path / "post.md"
    path.write_text(f"# {_mojibake(MOJIBAKE_TITLE)}\n\n{_mojibake(MOJIBAKE_TEXT)}\n", encoding="utf-8")
    corpus = read_corpus([path])
    (post,) = corpus.posts
    assert (post.title, post.paragraphs[0].text) == (MOJIBAKE_TITLE, MOJIBAKE_TEXT)
    repairs = [(w.line, w.message) for w in corpus.warnings if "mojibake" in w.message]
    assert [line for line, _ in repairs] == [1, 3]
    assert "in the title: 'er of Code: â€œ' -> 'er of Code: “' (and more in the same text)" in repairs[0][1]
    assert repairs[1][1].startswith("repaired mojibake in the paragraph 1: ")


def test_mojibake_in_json_lines_and_a_wordpress_export_is_repaired(tmp_path: Path) -> None:
    """The repair is made where ingest hands posts on, so every reader's posts get it, citations included."""
    jsonl = tmp_path / "posts.jsonl"
    jsonl.write_text(
        json.dumps(
            {
                "id": "p1",
                "title": _mojibake(MOJIBAKE_TITLE),
                "text": _mojibake(MOJIBAKE_TEXT),
                "outlet": _mojibake("Le Monde diplomatique — édition"),
            }
        )
        + "\n",
        encoding="utf-8",
    )
    wxr = tmp_path / "blog.xml"
    wxr.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel>\n'
        f"<item><title>{_mojibake(MOJIBAKE_TITLE)}</title>\n"
        "<wp:post_id>7</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>\n"
        f"<content:encoded><![CDATA[<p>{_mojibake(MOJIBAKE_TEXT)}</p>]]></content:encoded>\n"
        "</item></channel></rss>\n",
        encoding="utf-8",
    )
    corpus = read_corpus([jsonl, wxr])
    assert [post.title for post in corpus.posts] == [MOJIBAKE_TITLE, MOJIBAKE_TITLE]
    assert [post.paragraphs[0].text for post in corpus.posts] == [MOJIBAKE_TEXT, MOJIBAKE_TEXT]
    assert corpus.posts[0].citation is not None
    assert corpus.posts[0].citation.outlet == "Le Monde diplomatique — édition"
    repaired_in = Counter(Path(w.path).name for w in corpus.warnings if "repaired mojibake" in w.message)
    assert repaired_in == {"posts.jsonl": 3, "blog.xml": 2}


def test_no_repair_keeps_mojibake_and_is_recorded(tmp_path: Path) -> None:
    """--no-repair leaves the text as the file has it, warns of nothing, and params record the choice."""
    path = tmp_path / "post.md"
    path.write_text(f"# {_mojibake(MOJIBAKE_TITLE)}\n\n{_mojibake(MOJIBAKE_TEXT)}\n", encoding="utf-8")
    doc = _audit(path, tmp_path / "out", "--no-repair")
    assert doc["params"]["repair_mojibake"] is False
    assert doc["posts"][0]["title"] == _mojibake(MOJIBAKE_TITLE)
    assert not [w for w in doc["warnings"] if "mojibake" in w["message"]]
    doc = _audit(path, tmp_path / "out2")
    assert doc["params"]["repair_mojibake"] is True
    assert doc["posts"][0]["title"] == MOJIBAKE_TITLE


def test_the_library_repairs_by_default_and_not_when_asked() -> None:
    """AuditConfig.repair_mojibake is the switch the CLI flag sets."""
    path = Path(__file__).parent / "fixtures" / "real-text" / "mojibake.txt"
    assert read_corpus([path]).posts[0].paragraphs[0].text == MOJIBAKE_TEXT
    kept = read_corpus([path], AuditConfig(repair_mojibake=False)).posts[0].paragraphs[0].text
    assert kept == _mojibake(MOJIBAKE_TEXT)


FINE_TEXTS = [
    "“Curly quotes” and ‘single ones’ stay curly.",
    "Naïve café owners in São Paulo, Zürich and Kraków.",
    "Ligatures ﬁ and ﬂ, fullwidth ＡＢＣ, and e\u0301 decomposed stay as written.",
    "An en dash – an em dash — and an ellipsis… stay.",
    "Prices: 5 €, 3 £, 100 ¥; 20 °C; ½ cup; © 2016 ™.",
    "Ελληνικά, русский, עברית, العربية, 日本語, 한국어.",
    "HTML &amp; entities and <tags> are text here.",
    "A tab\tand a vertical\x0btab stay.",
    "SÃO PAULO and JOÃO in capitals stay.",
]


@pytest.mark.parametrize("text", FINE_TEXTS)
def test_text_without_mojibake_is_never_changed(text: str) -> None:
    """Only mojibake is repaired: quotes, ligatures, widths, entities, controls and normalization stay."""
    assert repaired(text) is text


def test_c1_controls_from_windows_1252_bytes_are_repaired() -> None:
    """A C1 control where Windows-1252 has a quote (0x91 read as Latin-1) becomes that quote, as in Clough."""
    assert repaired("it is solved. \x91Greedy\x92 algorithms") == "it is solved. ‘Greedy’ algorithms"


# Real words of Western European languages, and the punctuation around them.
_WORD_TEXT = (
    "the café naïve façade déjà vu Zürich Köln straße Kraków São Paulo João coração niño señor año "
    "garçon cœur œuvre Ærø fjørd smörgåsbord crème brûlée über Ångström résumé élève à où être "
    "Málaga Bogotá Perú Bjørn Søren Dvořák Łódź Gdańsk"
)
_WORDS = _WORD_TEXT.split()
_PUNCTUATION = ["", ",", ".", ";", ":", "!", "?", "…", " –", " —"]
_QUOTES = [("", ""), ("“", "”"), ("‘", "’"), ('"', '"'), ("«", "»")]


@st.composite
def _western_text(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=12))
    marks = [draw(st.sampled_from(_PUNCTUATION)) for _ in words]
    left, right = draw(st.sampled_from(_QUOTES))
    return left + " ".join(w + m for w, m in zip(words, marks, strict=True)) + right


@settings(max_examples=300, deadline=None)
@given(_western_text())
def test_mojibake_of_western_text_is_undone_and_the_text_itself_kept(text: str) -> None:
    """For text of real Western European words, the repair leaves the text alone and undoes its mojibake."""
    assert repaired(text) == text
    if not text.isascii():
        assert repaired(_mojibake(text)) == text


_ANY_WORD_TEXT = (
    _WORD_TEXT + " Привет мир Ελληνικά İstanbul ağaç Lietuvių ščū voilà “quoted” ‘single’ – — … € £ ½"
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(_ANY_WORD_TEXT.split()), min_size=1, max_size=8),
    st.sampled_from(sorted(set(CHARMAP_ENCODINGS) - NOT_LOOKED_FOR)),
)
def test_the_cheap_sieve_never_hides_a_repair_ftfy_would_make(words: list[str], encoding: str) -> None:
    """For UTF-8 read in any encoding the sieve looks for, the result is ftfy's own, sieve or no sieve."""
    try:
        broken = " ".join(words).encode("utf-8").decode(encoding)
    except UnicodeDecodeError:
        return
    assert repaired(broken) == fix_text(broken, TextFixerConfig(**FIXER_CONFIG))


def test_repair_warning_shows_the_first_change_bounded() -> None:
    """The warning shows the first stretch changed with a little text before it, never the whole paragraph."""
    long = "x" * 5000 + _mojibake("“") + "y" * 5000 + _mojibake("”")
    before, after, more = first_repair(long, repaired(long))
    assert (before, after, more) == ("xxxxxxxxxxxxâ€œ", "xxxxxxxxxxxx“", True)
