"""WordPress exports that are broken, hostile or odd: every good item is kept, every repair is said."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provenance.ingest import read_corpus
from provenance.ingest.htmlpage import MAX_ATTRIBUTES
from provenance.ingest.wxr import _stray_cdata_ends, iter_wxr
from provenance.models import Corpus, InputWarning, Post

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
    "<channel>\n"
    "<title>Blog</title>\n"
)
TAIL = "</channel>\n</rss>\n"
ITEM_LINES = 13  # lines of one item() below
FIRST_ITEM_LINE = HEAD.count("\n") + 1


def body(n: int) -> str:
    return f"Paragraph one of post {n}.\n\nParagraph two of post {n}."


def item(
    n: int,
    content: str | None = None,
    *,
    title: str | None = None,
    pub_date: str = "Fri, 14 Jul 2017 10:00:00 +0000",
    post_date: str = "2017-07-14 10:00:00",
    cdata: bool = True,
) -> str:
    """One published post of 13 lines; ``content`` and the other values go in as given (no escaping)."""
    text = body(n) if content is None else content
    encoded = f"<![CDATA[{text}]]>" if cdata else text
    return (
        "<item>\n"
        f"<title>{f'Post {n}' if title is None else title}</title>\n"
        f"<link>https://example.org/p{n}</link>\n"
        f"<pubDate>{pub_date}</pubDate>\n"
        f"<content:encoded>{encoded}</content:encoded>\n"
        f"<wp:post_id>{n}</wp:post_id>\n"
        f"<wp:post_date>{post_date}</wp:post_date>\n"
        f"<wp:post_name>post-{n}</wp:post_name>\n"
        "<wp:status>publish</wp:status>\n"
        "<wp:post_type>post</wp:post_type>\n"
        "</item>\n"
    )


def export(count: int, special: dict[int, str] | None = None, *, cdata: bool = True) -> str:
    """An export of ``count`` items, item ``n`` replaced by ``special[n]`` where given."""
    special = special or {}
    return HEAD + "".join(special.get(n, item(n, cdata=cdata)) for n in range(count)) + TAIL


def item_line(n: int) -> int:
    return FIRST_ITEM_LINE + n * ITEM_LINES


def write(tmp_path: Path, text: str | bytes, name: str = "export.xml") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def read(path: Path) -> Corpus:
    return read_corpus([path])


def ids(corpus: Corpus) -> list[str]:
    return [post.id for post in corpus.posts]


def expected_ids(count: int) -> list[str]:
    return [f"post-{n}" for n in range(count)]


def texts(post: Post) -> list[str]:
    return [paragraph.text for paragraph in post.paragraphs]


def warnings_about(corpus: Corpus, words: str) -> list[InputWarning]:
    return [w for w in corpus.warnings if words in w.message]


# --------------------------------------------------------------------------
# 1. One bad item spoils itself only
# --------------------------------------------------------------------------


@pytest.mark.parametrize("char", ["\x0b", "\x01", "\x1f", "\x0c"])
def test_a_control_character_in_item_1500_of_2000_loses_no_item(tmp_path: Path, char: str) -> None:
    """All 2,000 items are kept around an XML-illegal character; it becomes a space, said with its line."""
    bad = item(1500, f"Para with {char}bad char.\n\nSecond para.")
    path = write(tmp_path, export(2000, {1500: bad}))
    corpus = read(path)
    assert ids(corpus) == expected_ids(2000)
    assert texts(corpus.posts[1500]) == ["Para with bad char.", "Second para."]
    assert [p.line for p in corpus.posts[1500].paragraphs] == [item_line(1500) + 4, item_line(1500) + 6]
    (warning,) = warnings_about(corpus, "XML does not allow")
    assert str(warning) == (
        f"{path}:{item_line(1500)}: replaced 1 character that XML does not allow with a space "
        f"(U+{ord(char):04X} at line {item_line(1500) + 4}) in item 'Post 1500'"
    )


def test_bytes_that_are_not_utf8_are_replaced_and_every_item_kept(tmp_path: Path) -> None:
    """A Latin-1 byte in a UTF-8 export becomes U+FFFD in its item, with a warning; no item is lost."""
    data = export(2000, {1500: item(1500, "Caf\u00e9 ouvert.\n\nSecond para.")}).encode("utf-8")
    path = write(tmp_path, data.replace("Caf\u00e9".encode(), b"Caf\xe9"))
    corpus = read(path)
    assert ids(corpus) == expected_ids(2000)
    assert texts(corpus.posts[1500]) == ["Caf\ufffd ouvert.", "Second para."]
    (warning,) = warnings_about(corpus, "not utf-8")
    assert warning.line == item_line(1500)
    assert f"(line {item_line(1500) + 4}) in item 'Post 1500'" in warning.message


@pytest.mark.parametrize(
    ("broken", "title"),
    [
        (item(1500, title="Post & 1500"), "Post 1500"),
        (item(1500, title="Post <b>1500"), "Post 1500"),
        (item(1500, title="Post 1500</b>"), "Post 1500"),
        (
            item(1500, "Text with &nbsp; and\n\nSecond para.", cdata=False).replace("&nbsp;", "<br"),
            "Post 1500",
        ),
    ],
    ids=["bare ampersand", "tag left open", "stray end tag", "broken tag in body"],
)
def test_a_malformed_item_is_repaired_on_its_own(tmp_path: Path, broken: str, title: str) -> None:
    """A malformed item is read alone by lxml's recovering parser: it keeps its fields, the others theirs."""
    path = write(tmp_path, export(2000, {1500: broken}))
    corpus = read(path)
    assert ids(corpus) == expected_ids(2000)
    post = corpus.posts[1500]
    assert (post.title, post.date, post.url) == (title, dt.date(2017, 7, 14), "https://example.org/p1500")
    if "Second" in broken:
        assert " ".join(texts(post)).endswith("Second para.")
    else:
        assert texts(post) == texts_of(1500)
    (warning,) = warnings_about(corpus, "not well-formed XML")
    assert warning.path == str(path)
    assert item_line(1500) <= warning.line < item_line(1501)
    assert warning.message.startswith(f"item {title!r} (line {item_line(1500)}) is not well-formed XML (")
    assert warning.message.endswith("; kept as lxml's recovering parser read it")


def texts_of(n: int) -> list[str]:
    return [f"Paragraph one of post {n}.", f"Paragraph two of post {n}."]


def test_an_item_without_its_end_tag_ends_where_the_next_begins(tmp_path: Path) -> None:
    """An item whose ``</item>`` is missing is read up to the next ``<item>``, which is read as itself."""
    path = write(tmp_path, export(2000, {1500: item(1500).replace("</item>\n", "")}))
    corpus = read(path)
    assert ids(corpus) == expected_ids(2000)
    assert texts(corpus.posts[1500]) == texts_of(1500)
    assert texts(corpus.posts[1501]) == texts_of(1501)
    (warning,) = warnings_about(corpus, "has no </item>")
    assert str(warning) == (
        f"{path}:{item_line(1500)}: item 'Post 1500' (line {item_line(1500)}) has no </item> before the "
        f"next <item> at line {item_line(1501) - 1}; read up to there"
    )


@pytest.mark.parametrize("later_cdata", [True, False], ids=["closed by a later item", "never closed"])
def test_a_cdata_section_left_open_swallows_no_item(tmp_path: Path, later_cdata: bool) -> None:
    """A ``<![CDATA[`` without ``]]>`` is closed before its ``</content:encoded>``: later items stay items."""
    broken = item(1500).replace("]]></content:encoded>", "</content:encoded>")
    path = write(tmp_path, export(2000, {1500: broken}, cdata=later_cdata))
    corpus = read(path)
    assert ids(corpus) == expected_ids(2000)
    assert texts(corpus.posts[1500]) == texts_of(1500)
    assert texts(corpus.posts[1501]) == texts_of(1501)
    (warning,) = warnings_about(corpus, "CDATA section left open")
    assert warning.line == item_line(1500) + 6
    assert f"in item 'Post 1500' (line {item_line(1500)})" in warning.message


@pytest.mark.parametrize("title", ["Post 1500", "Post & 1500"], ids=["only the ]]>", "and a bare &"])
def test_a_bare_cdata_end_inside_a_body_loses_no_text(tmp_path: Path, title: str) -> None:
    """A ``]]>`` written bare in a post's text (``a[b[0]]>``) is text: the paragraphs after it are kept.

    Before, the section ended there and the recovering parser dropped the rest of the text, in no list.
    """
    content = "The array a[b[0]]> is indexed twice.\n\nSecond para ]]> with another.\n\nThird para."
    path = write(tmp_path, export(2000, {1500: item(1500, content, title=title)}))
    corpus = read(path)
    assert ids(corpus) == expected_ids(2000)
    assert texts(corpus.posts[1500]) == [
        "The array a[b[0]]> is indexed twice.",
        "Second para ]]> with another.",
        "Third para.",
    ]
    assert texts(corpus.posts[1501]) == texts_of(1501)
    (warning,) = warnings_about(corpus, "inside a CDATA section")
    first = item_line(1500) + 4
    assert str(warning).startswith(
        f"{path}:{first}: 2 ']]>' inside a CDATA section in item 'Post 1500' at lines {first}, {first + 2} "
        "read as text"
    )


def test_thousands_of_bare_cdata_ends_are_read_in_one_pass(tmp_path: Path) -> None:
    """Every paragraph of a body with 3,000 bare ``]]>`` is kept; the warning names the first five lines."""
    content = "\n\n".join(f"Para {n} ]]> here." for n in range(3000))
    path = write(tmp_path, export(3, {1: item(1, content)}))
    corpus = read(path)
    assert texts(corpus.posts[1]) == [f"Para {n} ]]> here." for n in range(3000)]
    first = item_line(1) + 4
    (warning,) = warnings_about(corpus, "inside a CDATA section")
    shown = ", ".join(str(first + 2 * n) for n in range(5))
    assert (
        f"3,000 ']]>' inside a CDATA section in item 'Post 1' at lines {shown}, … read as text"
        in warning.message
    )


def test_a_cdata_section_split_as_wordpress_writes_it_is_read_as_one_text(tmp_path: Path) -> None:
    """WordPress's own ``]]]]><![CDATA[>`` is two sections of one text: read as ``]]>``, with no warning."""
    content = "The array a[b[0]]]]><![CDATA[> is indexed.\n\nSecond para."
    path = write(tmp_path, export(3, {1: item(1, content)}))
    corpus = read(path)
    assert texts(corpus.posts[1]) == ["The array a[b[0]]> is indexed.", "Second para."]
    assert not corpus.warnings


def test_stray_cdata_ends_leave_section_splits_and_other_fields_alone() -> None:
    """Only a ``]]>`` before the last one of its field's section is rewritten; offsets name where it stood."""
    text = (
        b"<title><![CDATA[a ]]> b]]></title>\n"
        b"<content:encoded><![CDATA[x]]]]><![CDATA[>y]]></content:encoded>"
        b"<excerpt:encoded><![CDATA[]]></excerpt:encoded>"
    )
    repaired, stray = _stray_cdata_ends(text)
    assert stray == [text.index(b"]]>")]
    assert repaired == text.replace(b"a ]]> b", b"a ]]]]><![CDATA[> b")
    assert _stray_cdata_ends(b"<content:encoded><![CDATA[ never closed ]]> here") == (
        b"<content:encoded><![CDATA[ never closed ]]> here",
        [],
    )


def test_an_export_cut_inside_an_item_keeps_every_complete_item(tmp_path: Path) -> None:
    """Cut inside item 1,500, the export keeps items 0-1,499 and names the item left out and its lines."""
    whole = export(2000)
    path = write(tmp_path, whole[: whole.index("Paragraph two of post 1500.")])
    corpus = read(path)
    assert ids(corpus) == expected_ids(1500)
    (warning,) = warnings_about(corpus, "XML broken or cut off here")
    assert warning.line == item_line(1500) + 6
    assert warning.message.endswith(
        f"; kept the 1500 posts read before it; the item starting at line {item_line(1500)} is cut off and "
        f"left out (title 'Post 1500', lines {item_line(1500)}-{item_line(1500) + 6})"
    )


def test_an_export_cut_after_the_text_of_its_last_item_keeps_that_post(tmp_path: Path) -> None:
    """Cut in the comments that end an item, after its status and type, the item's whole post is kept."""
    last = item(2).replace("</item>\n", "<wp:comment><wp:comment_content>A comm")
    path = write(tmp_path, HEAD + item(0) + item(1) + last)
    corpus = read(path)
    assert ids(corpus) == expected_ids(3)
    assert texts(corpus.posts[2]) == texts_of(2)
    (warning,) = warnings_about(corpus, "XML broken or cut off here")
    assert warning.message.endswith(
        f"; kept the 2 posts read before it; the item starting at line {item_line(2)} is cut off after its "
        "text, which is kept (title 'Post 2')"
    )


# --------------------------------------------------------------------------
# 2. Whitespace or a byte order mark before <?xml
# --------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_an_export_in_utf16_without_a_byte_order_mark_keeps_every_item(tmp_path: Path, codec: str) -> None:
    """Its NUL bytes tell UTF-16 without a BOM, whatever its declaration says (read as UTF-8: no post)."""
    path = write(tmp_path, export(3).replace("<p>", "<p>Café ").encode(codec))
    corpus = read(path)
    assert ids(corpus) == expected_ids(3)
    assert texts(corpus.posts[2]) == texts(read(write(tmp_path, export(3), "utf8.xml")).posts[2])
    assert corpus.encodings == {} and len(warnings_about(corpus, "no byte-order mark")) == 1


@pytest.mark.parametrize(
    ("prefix", "said"),
    [
        ("\n\n", "2 blank lines"),
        ("   ", "spaces"),
        ("\ufeff\n", "1 blank line"),
        ("\n\ufeff", "a byte order mark and 1 blank line"),
    ],
)
def test_whitespace_before_the_xml_declaration_is_read_with_a_warning(
    tmp_path: Path, prefix: str, said: str
) -> None:
    """Blank lines, spaces or a stray BOM before ``<?xml`` no longer reject the export: read, and said."""
    path = write(tmp_path, prefix + export(3))
    corpus = read(path)
    assert corpus.formats == {str(path): "wxr"}
    assert ids(corpus) == expected_ids(3)
    shift = prefix.count("\n")
    assert [p.source.line_start for p in corpus.posts] == [item_line(n) + shift for n in range(3)]
    assert f"{path}:1: {said} before '<?xml', which XML does not allow; ignored" in map(str, corpus.warnings)


def test_an_export_without_a_declaration_may_start_with_blank_lines(tmp_path: Path) -> None:
    """Without ``<?xml`` blank lines before ``<rss`` are valid XML: read with no warning."""
    path = write(tmp_path, "\n\n" + export(3).split("\n", 1)[1])
    corpus = read(path)
    assert ids(corpus) == expected_ids(3)
    assert corpus.warnings == []


# --------------------------------------------------------------------------
# 3. Entities: kept as written, never expanded
# --------------------------------------------------------------------------


def _with_doctype(text: str, declarations: str) -> str:
    return text.replace("<rss version", f"<!DOCTYPE rss [\n{declarations}\n]>\n<rss version", 1)


def test_an_internal_entity_keeps_the_text_around_it(tmp_path: Path) -> None:
    """``&x;`` in a body or title stays as literal text, its paragraph whole, with a warning and its line."""
    broken = item(1, "Before &x; after the entity.\n\nNext para.", title="Post &x; 1", cdata=False)
    path = write(tmp_path, _with_doctype(export(3, {1: broken}), '<!ENTITY x "expanded text">'))
    corpus = read(path)
    assert ids(corpus) == expected_ids(3)
    post = corpus.posts[1]
    assert (post.title, texts(post)) == ("Post &x; 1", ["Before &x; after the entity.", "Next para."])
    shift = 3  # the DOCTYPE's lines
    (warning,) = warnings_about(corpus, "entity reference")
    assert str(warning) == (
        f"{path}:{item_line(1) + shift + 1}: entity references &x; in item 'Post &x; 1' "
        f"(line {item_line(1) + shift}) kept as literal text (entities are never expanded)"
    )


def test_an_html_entity_in_a_body_without_cdata_is_decoded_as_html(tmp_path: Path) -> None:
    """``&nbsp;`` (undeclared in XML) in a body keeps the rest of its paragraph; HTML decodes it."""
    broken = item(1, "Before&nbsp;after.\n\nNext para.", cdata=False)
    corpus = read(write(tmp_path, export(3, {1: broken})))
    assert texts(corpus.posts[1]) == ["Before after.", "Next para."]
    assert len(warnings_about(corpus, "kept as literal text")) == 1


def test_external_and_nested_entities_are_never_expanded(tmp_path: Path) -> None:
    """A file entity and a billion-laughs entity stay literal in items and channel; nothing secret is read."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    laughs = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{("&lol%s;" % (n - 1 if n > 1 else "")) * 10}">' for n in range(1, 10)
    )
    declarations = f'<!ENTITY xxe SYSTEM "file://{secret}">\n{laughs}'
    text = _with_doctype(export(3), declarations).replace(
        "<title>Blog</title>", "<title>&xxe; &lol9;</title>"
    )
    broken = item(1, "Secret: &xxe; laughs &lol9; end.", title="&xxe;", cdata=False)
    path = write(tmp_path, text.replace(item(1), broken))
    corpus = read(path)
    assert ids(corpus) == expected_ids(3)
    assert (corpus.posts[1].title, texts(corpus.posts[1])) == ("&xxe;", ["Secret: &xxe; laughs &lol9; end."])
    everything = repr(corpus.posts) + repr(corpus.warnings) + repr(corpus.classified) + repr(corpus.unparsed)
    assert "TOPSECRET" not in everything
    assert "lollol" not in everything


# --------------------------------------------------------------------------
# 4. A bad value spoils its own item only
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pub_date", "post_date", "shown"),
    [
        ("Fri, 14 Jul 99999 10:00:00 +0000", "", "'Fri, 14 Jul 99999 10:00:00 +0000'"),
        ("Fri, 14 Jul 2017 10:00:00 +99999999999999", "", "'Fri, 14 Jul 2017 10:00:00 +99999999999999'"),
        ("", "99999-07-14 10:00:00", "'99999-07-14 10:00:00'"),
        ("9" * 5000, "", "'" + "9" * 100 + "…'"),
        (
            "Fri, 14 Jul 2017 10:00:00 +99999999999999",
            "0000-00-00 00:00:00",
            "(wp:post_date '0000-00-00 00:00:00', pubDate 'Fri, 14 Jul 2017 10:00:00 +99999999999999')",
        ),
    ],
    ids=["year 99999", "offset", "post_date year 99999", "5000 digits", "both"],
)
def test_an_absurd_date_leaves_its_post_undated_and_the_rest_read(
    tmp_path: Path, pub_date: str, post_date: str, shown: str
) -> None:
    """A date no calendar holds keeps its post, undated, with a warning naming the line and the value."""
    path = write(tmp_path, export(2000, {1500: item(1500, pub_date=pub_date, post_date=post_date)}))
    corpus = read(path)
    assert ids(corpus) == expected_ids(2000)
    assert corpus.posts[1500].date is None
    assert {p.date for i, p in enumerate(corpus.posts) if i != 1500} == {dt.date(2017, 7, 14)}
    (warning,) = warnings_about(corpus, "post kept undated")
    line = item_line(1500) + (3 if pub_date else 8)
    assert str(warning) in (
        f"{path}:{line}: invalid or missing date {shown}; post kept undated",
        f"{path}:{line}: invalid dates {shown}; post kept undated",
    )


def test_thousands_of_shortcodes_and_open_comments_in_one_body_are_read(tmp_path: Path) -> None:
    """20,000 media shortcodes and 20,000 open comments in one body leave its text and counts right."""
    content = "Start.\n\n" + "[gallery ids='1'] " * 20_000 + "\n\n" + "<!-- x " * 20_000 + "\n\nEnd."
    counts_path = write(tmp_path, export(3, {1: item(1, content)}))
    corpus = read(counts_path)
    assert ids(corpus) == expected_ids(3)
    assert texts(corpus.posts[1])[0] == "Start."
    assert texts(corpus.posts[1])[-1] == "End."
    assert f"{counts_path}: removed shortcodes: 20000 [gallery] (caption text kept as notes)" in map(
        str, corpus.warnings
    )


def test_an_element_with_too_many_attributes_in_a_body_loses_them_and_keeps_the_text(tmp_path: Path) -> None:
    """A body's element of over MAX_ATTRIBUTES attributes (quadratic in libxml2) is read without them."""
    attributes = "\n".join(" ".join(f"a{n}-{k}='v'" for k in range(100)) for n in range(11))
    content = f"Start.\n\n<span {attributes}>Inside the span.</span>\n\nEnd."
    path = write(tmp_path, export(3, {1: item(1, content)}))
    corpus = read(path)
    assert ids(corpus) == expected_ids(3)
    body_line = item_line(1) + 4
    assert [(p.line, p.line_end, p.text) for p in corpus.posts[1].paragraphs] == [
        (body_line, body_line, "Start."),
        (body_line + 2, body_line + 12, "Inside the span."),
        (body_line + 14, body_line + 14, "End."),
    ]
    (warning,) = warnings_about(corpus, "attributes")
    assert (warning.line, warning.message) == (
        body_line + 2,
        f"1 element of post 'post-1' with over {MAX_ATTRIBUTES:,} attributes (the first on this line); "
        "their attributes dropped, their text kept",
    )


def test_a_start_tag_of_one_long_word_never_ended_spoils_no_item(tmp_path: Path) -> None:
    """A body holding "<" and 300,000 letters with no ">" (an inline image cut off) took a quarter of an hour.

    The look for elements crowded with attributes tried every split of the word into a tag name and
    attributes, in time growing with the square of its length, twice per item. It is one scan now.
    """
    content = "Start.\n\n<" + "x" * 300_000 + "\n\nEnd."
    corpus = read(write(tmp_path, export(3, {1: item(1, content)})))
    assert ids(corpus) == expected_ids(3)
    assert texts(corpus.posts[1])[0] == "Start."
    assert texts(corpus.posts[2]) == body(2).split("\n\n")


def test_a_tag_never_ended_in_a_paragraph_keeps_its_words(tmp_path: Path) -> None:
    """ "<xx yy zz and more words" with no ">" after it was a tag to the parser, its words attributes: the
    paragraph came out empty, its words in no post and no list. They are kept as the paragraph's text."""
    content = "Start.\n\n<xx yy zz and more words\n\nEnd."
    corpus = read(write(tmp_path, export(3, {1: item(1, content)})))
    assert ids(corpus) == expected_ids(3)
    assert texts(corpus.posts[1]) == ["Start.", "<xx yy zz and more words", "End."]
    many = "Start.\n\n<b>Bold</b> then " + "<a " * 20_000 + "\n\nEnd."
    corpus = read(write(tmp_path, export(3, {1: item(1, many)})))
    assert texts(corpus.posts[1]) == ["Start.", "Bold then " + " ".join(["<a"] * 20_000), "End."]


_field_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_field_text, pub_date=_field_text, post_date=_field_text, category=_field_text, text=_field_text)
def test_any_escaped_field_value_keeps_every_item(
    tmp_path_factory: pytest.TempPathFactory,
    title: str,
    pub_date: str,
    post_date: str,
    category: str,
    text: str,
) -> None:
    """Whatever text (control characters included) stands in a field, the item and its neighbours are read."""
    middle = item(
        1,
        escape(text),
        title=escape(title),
        pub_date=escape(pub_date),
        post_date=escape(post_date),
        cdata=False,
    ).replace("</item>", f"<category>{escape(category)}</category></item>")
    path = write(tmp_path_factory.mktemp("wxr"), export(3, {1: middle}))
    events = list(iter_wxr(str(path)))
    posts = [e for e in events if isinstance(e, Post)]
    assert [p.id for p in posts] == expected_ids(3)
    assert (texts(posts[0]), texts(posts[2])) == (texts_of(0), texts_of(2))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    raw=st.lists(
        st.sampled_from(["]]>", "<", "&", "</item>", "<item>", "<![CDATA[", "]]", "x\n"]) | _field_text
    )
)
def test_raw_markup_in_a_body_spoils_at_most_its_item(
    tmp_path_factory: pytest.TempPathFactory, raw: list[str]
) -> None:
    """Unescaped markup inside one body never raises and never loses the items before and after it."""
    content = "".join(raw)
    path = write(tmp_path_factory.mktemp("wxr"), export(3, {1: item(1, content)}))
    posts = [e for e in iter_wxr(str(path)) if isinstance(e, Post)]
    assert posts[0].id == "post-0" and texts(posts[0]) == texts_of(0)
    assert posts[-1].id == "post-2" and texts(posts[-1]) == texts_of(2)


def test_the_reader_keeps_the_file_s_own_lines_after_repairs(tmp_path: Path) -> None:
    """After repaired items and a leading blank line, every paragraph's line is still its line in the file."""
    path = write(tmp_path, "\n" + export(50, {10: item(10, title="A & B"), 20: item(20, "x\x0by")}))
    corpus = read(path)
    assert ids(corpus) == expected_ids(50)
    lines = path.read_text(encoding="utf-8").split("\n")
    for post in corpus.posts:
        for paragraph in post.paragraphs:
            assert (
                re.sub(r"<!\[CDATA\[|\]\]>|<[^>]+>", "", lines[paragraph.line - 1])
                .strip()
                .startswith(paragraph.text.split()[0])
            )


def test_an_export_after_ten_thousand_blank_lines_is_still_detected(tmp_path: Path) -> None:
    """Format detection looks past leading blank lines: 10,000 of them (20 KB) still read as an export."""
    path = write(tmp_path, "\n" * 10_000 + export(2))
    corpus = read(path)
    assert corpus.formats == {str(path): "wxr"} and ids(corpus) == expected_ids(2)


def test_a_post_keeps_the_time_of_day_of_its_date(tmp_path: Path) -> None:
    """wp:post_date's time of day is the post's time (two posts of one day are ordered by it)."""
    special = {1: item(1, post_date="2017-07-14 18:45:10")}
    corpus = read(write(tmp_path, export(2, special)))
    assert [(p.date, p.time) for p in corpus.posts] == [
        (dt.date(2017, 7, 14), dt.time(10, 0)),
        (dt.date(2017, 7, 14), dt.time(18, 45, 10)),
    ]


def test_an_impossible_time_of_day_keeps_the_date_and_says_the_time_was_dropped(tmp_path: Path) -> None:
    """The time orders two posts of one day; dropping one that names no real time is said, not silent."""
    odd = item(1, pub_date="", post_date="2017-07-14 25:61:00")
    corpus = read(write(tmp_path, export(3, {1: odd})))
    post = corpus.posts[1]
    assert (post.date, post.time) == (dt.date(2017, 7, 14), None)
    assert [(w.line, w.message) for w in warnings_about(corpus, "impossible time")] == [
        (
            item_line(1) + 8,
            "impossible time of day in date '2017-07-14 25:61:00'; the date kept, the time dropped",
        )
    ]
    assert corpus.posts[2].time == dt.time(10, 0)
