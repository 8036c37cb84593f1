"""Decoding input files: keep every character that decodes, lose only the bytes that do not."""

from __future__ import annotations

import codecs
import json
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provenance.cli import cli
from provenance.ingest.source import (
    _OTHER_SCRIPTS,
    HEAD_BYTES,
    SourceFile,
    _head_and_sample,
    open_source,
    scan_utf8,
)
from provenance.models import Corpus, Post


def _decode(data: bytes) -> tuple[str, SourceFile]:
    """The text the readers see for a file holding ``data``, and the opened file (with its warnings)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dump.txt"
        path.write_bytes(data)
        source = open_source(path)
        assert isinstance(source, SourceFile), source
        assert source.check_encoding() is None
        return source.read_text(), source


def _segments(text: str, corrupted: set[int]) -> list[tuple[str, int]]:
    """``text`` as runs of intact characters, each with the number of corrupted-character bytes before it."""
    segments: list[tuple[str, int]] = []
    run, gap, offset = "", 0, 0
    for char in text:
        size = len(char.encode("utf-8"))
        if corrupted & set(range(offset, offset + size)):
            if run:
                segments.append((run, gap))
                run, gap = "", 0
            gap += size
        else:
            run += char
        offset += size
    segments.append((run, gap))
    return segments


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\ufeff"), min_size=1
).filter(str.strip)  # a blank file is skipped as empty


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_text, st.data())
def test_utf8_with_corrupted_bytes_loses_only_the_corrupted_characters(
    text: str, data: st.DataObject
) -> None:
    """UTF-8 text with k bytes set to stray values reads back with only the k characters hit changed."""
    raw = bytearray(text.encode("utf-8"))
    extra = len(raw) - len(text)
    # "UTF-8 apart from a few bytes": at least four bytes of valid multi-byte characters per stray byte.
    k = data.draw(st.integers(0, min(3, extra // 4)), label="k")
    positions = data.draw(st.lists(st.integers(0, len(raw) - 1), min_size=k, max_size=k, unique=True))
    for position in positions:
        raw[position] = data.draw(st.integers(0x80, 0xFF), label="stray byte")
    decoded, source = _decode(bytes(raw))
    try:
        bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        assert source.encoding == "utf-8" and len(source.warnings) == 1
    at = 0
    for run, gap in _segments(text, set(positions)):
        found = decoded.find(run, at)
        assert found != -1 and found - at <= gap, (run, decoded[at:])
        at = found + len(run)


def test_a_stray_byte_in_a_large_utf8_file_keeps_every_post(tmp_path: Path) -> None:
    """A 300 KB UTF-8 JSON Lines file with one 0xE9 keeps all its posts and warns with the line."""
    from provenance.ingest import read_corpus

    lines = [f'{{"id": "p{n}", "title": "Café n°{n}", "text": "Crème brûlée, line {n}. ' + "x" * 250 + '"}'
             for n in range(1, 1101)]  # fmt: skip
    data = "\n".join(lines).encode("utf-8")
    at = data.index(b"line 700.")
    dump = tmp_path / "dump.jsonl"
    dump.write_bytes(data[:at] + b"\xe9" + data[at:])
    assert dump.stat().st_size > 300_000
    corpus = read_corpus([dump])
    assert len(corpus.posts) == 1100 and not corpus.skipped and not corpus.unparsed
    assert corpus.encodings[str(dump)] == "utf-8"
    assert [str(w) for w in corpus.warnings] == [
        f"{dump}:700: not valid UTF-8: 1 invalid byte on line 700; read as UTF-8, each replaced by U+FFFD"
    ]
    post = corpus.posts[699]
    assert (post.title, post.paragraphs[0].text[:24]) == ("Café n°700", "Crème brûlée, \ufffdline 700.")


def test_the_warning_names_the_first_lines_and_counts_the_rest(tmp_path: Path) -> None:
    """Stray bytes on eight lines (any line ending): the first five lines are named, the rest counted."""
    body = ["Café crème, déjà vu, à côté, garçon, élève, naïve, Noël, œuvre."] * 30
    for number in (2, 4, 7, 9, 11, 20, 25, 30):
        body[number - 1] += "\udce9"  # a stray 0xE9 once encoded with surrogateescape
    for newline in ("\n", "\r\n", "\r"):
        path = tmp_path / "dump.txt"
        path.write_bytes(newline.join(body).encode("utf-8", "surrogateescape"))
        scan = scan_utf8(path)
        assert (scan.invalid, scan.lines, scan.later) == (8, [2, 4, 7, 9, 11], 3)


def test_ascii_with_one_latin1_byte_reads_the_letter(tmp_path: Path) -> None:
    """An ASCII file with one Latin-1 "é" (no UTF-8 anywhere) is read as cp1252: the letter is kept."""
    decoded, source = _decode(b"A title\n\nThe caf\xe9 on the corner.\n")
    assert (source.encoding, decoded) == ("cp1252", "A title\n\nThe café on the corner.\n")


def test_latin1_french_is_read_as_cp1252_not_a_baltic_page() -> None:
    """French in Latin-1/cp1252 that charset-normalizer alone reads as cp1257 ("trčs") is read as cp1252."""
    text = "Il était très naïve, à côté du château. Voilà où ça mène: déjà vu, garçon, élève.\n" * 3
    decoded, source = _decode(text.encode("cp1252"))
    assert (source.encoding, decoded) == ("cp1252", text)
    (warning,) = source.warnings
    assert "decoded as cp1252 (its bytes 0x80-0xFF are Western European letters and punctuation" in str(
        warning
    )


def test_cp1252_quotes_in_english_are_read_as_quotes() -> None:
    """English with cp1252 curly quotes, dashes and an ellipsis (as in the Clough corpus) keeps them."""
    text = "He called it \u201cTransport\u201d \u2014 it\u2019s the \u2018layer\u2019 below\u2026\n" * 2
    decoded, source = _decode(text.encode("cp1252"))
    assert (source.encoding, decoded) == ("cp1252", text)


def test_central_european_text_keeps_its_own_code_page() -> None:
    """Czech in cp1250 (š, ž, ř: no Western text in cp1252 has Š/š) is not forced into cp1252."""
    text = (
        "Vláda ve středu oznámila dlouho očekávaná opatření. Podle ministra bude reforma předložena "
        "sněmovně ještě před koncem léta. Konečné rozhodnutí padne na podzim, řekl mluvčí úřadu.\n"
    )
    decoded, source = _decode(text.encode("cp1250"))
    assert (source.encoding, decoded) == ("cp1250", text)


# --------------------------------------------------------------------------
# Double-byte code pages: Japanese and Chinese files in Shift_JIS, EUC-JP and GBK

_JAPANESE = (
    "港湾局長は、明日うねりが収まるまで船は防波堤の外で待機すると述べた。",
    "地元の学校は、週末に技術者が暖房システムを修理した後、月曜日に再開する。",
    "市長は記者会見で、来年度の予算案に新しい図書館の建設費を盛り込むと発表した。",
    "気象庁によると、台風は今夜から明日の朝にかけて九州の南を通過する見込みだ。",
)
_CHINESE = (
    "港务局长说，船只将在防波堤外等候，直到明天海浪平息。",
    "当地学校将在周末技术人员修好供暖系统后于周一重新开放。",
    "市长在记者会上宣布，明年的预算将包括建设一座新图书馆的费用。",
)
# The repro of the bug: each file, a title and a paragraph, was read as UTF-8 with 40-95 bytes lost.
_LEGACY_FILES = {
    "jpsjis.txt": ("shift_jis", "今日のニュース", _JAPANESE[0] + _JAPANESE[1]),
    "jpeuc.txt": ("euc_jp", "今日のニュース", _JAPANESE[0] + _JAPANESE[1]),
    "cngbk.txt": ("gbk", "今日新闻", _CHINESE[0] + _CHINESE[1]),
}
# The codecs that read each code page: charset-normalizer names the superset it detects.
_SUPERSETS = {
    "shift_jis": {"shift_jis", "cp932", "shift_jis_2004", "shift_jisx0213"},
    "euc_jp": {"euc_jp", "euc_jis_2004", "euc_jisx0213"},
    "gbk": {"gbk", "gb18030"},
}


@pytest.mark.parametrize("name", sorted(_LEGACY_FILES))
def test_japanese_and_chinese_files_are_read_in_their_own_code_page(name: str) -> None:
    """Shift_JIS, EUC-JP and GBK text read back exactly, the warning naming the code page it was read in.

    Their bytes form many valid UTF-8 sequences by chance (one for every two
    to four invalid bytes), which once passed for "UTF-8 with stray bytes".
    """
    codec, title, paragraph = _LEGACY_FILES[name]
    text = f"{title}\n\n{paragraph}\n"
    decoded, source = _decode(text.encode(codec))
    assert decoded == text
    assert source.encoding in _SUPERSETS[codec]
    (warning,) = source.warnings
    assert f"decoded as {source.encoding}, a guess by charset-normalizer" in str(warning)


def test_the_audit_reads_japanese_and_chinese_files_whole(tmp_path: Path) -> None:
    """``provenance audit`` on the three files: posts of the exact text, warnings naming the code page."""
    folder = tmp_path / "dump"
    folder.mkdir()
    for name, (codec, title, paragraph) in _LEGACY_FILES.items():
        (folder / name).write_bytes(f"{title}\n\n{paragraph}\n".encode(codec))
    result = CliRunner().invoke(cli, ["audit", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "U+FFFD" not in result.output
    doc = json.loads((tmp_path / "out" / "audit.json").read_text(encoding="utf-8"))
    posts = {Path(post["source"]["path"]).name: post for post in doc["posts"]}
    warnings = {Path(w["path"]).name: w["message"] for w in doc["warnings"]}
    for name, (codec, title, paragraph) in _LEGACY_FILES.items():
        post = posts[name]
        assert (post["title"], [p["text"] for p in post["paragraphs"]]) == (title, [paragraph])
        encoding = warnings[name].split("decoded as ", 1)[1].split()[0].rstrip(",")
        assert encoding in _SUPERSETS[codec], warnings[name]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([("shift_jis", _JAPANESE), ("euc_jp", _JAPANESE), ("gbk", _CHINESE)]),
    st.data(),
)
def test_any_news_text_in_a_double_byte_code_page_reads_back(
    language: tuple[str, tuple[str, ...]], data: st.DataObject
) -> None:
    """Two or more different Japanese or Chinese sentences, in paragraphs, an ASCII title or not, read back.

    (One sentence is too little for charset-normalizer: it reads the first,
    alone or repeated, in EUC-JP as Korean, cp949, in which it decodes
    without an error too.)
    """
    codec, sentences = language
    drawn = data.draw(st.lists(st.sampled_from(sentences), min_size=2, unique=True), label="sentences")
    breaks = data.draw(st.lists(st.sampled_from(["", "\n\n"]), min_size=len(drawn), max_size=len(drawn)))
    title = data.draw(st.sampled_from(["", "Press release\n\n", "2017-07-14\n"]), label="title")
    text = title + "".join(sentence + gap for sentence, gap in zip(drawn, breaks, strict=True)).strip() + "\n"
    decoded, source = _decode(text.encode(codec))
    assert decoded == text and source.encoding in _SUPERSETS[codec]


@pytest.mark.parametrize("strays", [1, 3, 40, 400])
def test_utf8_with_stray_cp1252_bytes_stays_utf8(strays: int) -> None:
    """UTF-8 text with cp1252 words pasted in (more than a few stray bytes) is still read as UTF-8.

    charset-normalizer reads such a file as a single-byte code page (mac_iceland), in which it
    decodes without an error; most of its bytes 0x80-0xFF form UTF-8 characters, so it stays UTF-8.
    """
    sentence = "He said it was \u201cthe best\u201d \u2014 and it\u2019s true, caf\u00e9 and all. "
    raw = b"".join(sentence.encode("utf-8") + b"don\x92t " for _ in range(strays))
    decoded, source = _decode(raw)
    assert source.encoding == "utf-8"
    assert decoded == (sentence + "don\ufffdt ") * strays
    (warning,) = source.warnings
    assert f"not valid UTF-8: {strays} invalid byte" in str(warning)


_PAGE = (
    "<!DOCTYPE html>\n<html><head>{meta}<title>{title}</title></head>\n"
    "<body><article><h1>{title}</h1>\n<p>{paragraph}</p>\n</article></body></html>\n"
)


def _read_page(tmp_path: Path, meta: str, title: str, paragraph: str, codec: str) -> tuple[Corpus, Post]:
    from provenance.ingest import read_corpus

    page = tmp_path / "page.html"
    page.write_bytes(_PAGE.format(meta=meta, title=title, paragraph=paragraph).encode(codec))
    corpus = read_corpus([page])
    (post,) = corpus.posts
    return corpus, post


@pytest.mark.parametrize(
    ("meta", "codec", "title", "paragraph"),
    [
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">',
            "shift_jis",
            "今日のニュース",
            _JAPANESE[0] + _JAPANESE[1],
        ),
        ('<meta charset="EUC-JP">', "euc_jp", "今日のニュース", "テレビのニュース"),
        ('<meta charset="gb2312">', "gb2312", "今日新闻", _CHINESE[0]),
    ],
)
def test_a_web_page_is_read_in_the_charset_it_declares(
    tmp_path: Path, meta: str, codec: str, title: str, paragraph: str
) -> None:
    """A page whose bytes decode in the charset its <meta> declares is read in it, the warning saying so.

    The EUC-JP page has fewer invalid bytes (19) than bytes of valid UTF-8
    characters formed by chance (25): only its declaration tells it from
    UTF-8 with stray bytes.
    """
    corpus, post = _read_page(tmp_path, meta, title, paragraph, codec)
    assert (post.title, [p.text for p in post.paragraphs]) == (title, [paragraph])
    (warning,) = corpus.warnings
    label = meta.split("charset=")[1].strip("\"'>").lower()
    assert f"(the page declares charset={label})" in str(warning)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<meta charset="Shift_JIS">', ("shift_jis", "cp932")),
        (b"<META CONTENT='text/html; charset=euc-jp' HTTP-EQUIV='Content-Type'>", ("euc-jp", "euc_jp")),
        (
            b'<meta http-equiv="Content-Type" content="text/html;charset=ISO-8859-1" />',
            ("iso-8859-1", "cp1252"),
        ),
        (b"<meta charset=koi8-r>", ("koi8-r", "koi8-r")),
        (b'<meta charset="utf-8">', None),
        (b'<meta charset="x-no-such-charset">', None),
        (b'<meta name="description" content="A page">', None),
    ],
)
def test_the_declared_charset_is_read_as_browsers_read_it(
    head: bytes, expected: tuple[str, str] | None
) -> None:
    """Either form of <meta>, any case and order; Latin-1 and Shift_JIS are the wider Windows code pages."""
    from provenance.ingest.htmlpage import declared_charset

    assert declared_charset(b"<!DOCTYPE html>\n<html><head>" + head + b"<title>T</title>") == expected


def test_a_meta_tag_without_its_end_is_read_to_the_next_tag_only() -> None:
    """A page starting with "<meta" 13,000 times and no ">" took 5 s to look for its charset, per page.

    Each "<meta" was read on to the end of the page's start (the time growing with the square of its
    length: a megabyte of them, 20 minutes). A tag ends at the next "<": the charset a later tag
    declares is still found.
    """
    from provenance.ingest.htmlpage import declared_charset

    assert declared_charset(b"<meta" * 200_000) is None
    assert declared_charset(b"<meta" * 200_000 + b"<meta charset=koi8-r>") == ("koi8-r", "koi8-r")


def test_a_declared_charset_the_bytes_do_not_decode_in_does_not_win(tmp_path: Path) -> None:
    """A cp1252 page that declares Shift_JIS (wrongly: "é " is no Shift_JIS character) is read as cp1252."""
    text = "Il était très naïve, à côté du château. Voilà où ça mène: déjà vu."
    corpus, post = _read_page(tmp_path, '<meta charset="shift_jis">', "Un café", text, "cp1252")
    assert (post.title, [p.text for p in post.paragraphs]) == ("Un café", [text])
    assert corpus.encodings[post.source.path] == "cp1252"


def test_a_utf8_page_with_a_stray_byte_that_declares_latin1_keeps_its_letters(tmp_path: Path) -> None:
    """UTF-8 mislabelled ISO-8859-1, with one stray cp1252 quote: read as cp1252, the mojibake repaired."""
    text = "Le caf\u00e9 \u00e9tait ferm\u00e9 ce jour-l\u00e0 pour travaux, et la cr\u00e8me aussi."
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    page = tmp_path / "page.html"
    data = _PAGE.format(meta=meta, title="Un caf\u00e9", paragraph=text).encode("utf-8")
    page.write_bytes(data.replace(b"pour travaux", b"\x92pour travaux\x92"))
    from provenance.ingest import read_corpus

    corpus = read_corpus([page])
    (post,) = corpus.posts
    assert corpus.encodings[str(page)] == "cp1252"
    expected = text.replace("pour travaux", "\u2019pour travaux\u2019")
    assert (post.title, [p.text for p in post.paragraphs]) == ("Un caf\u00e9", [expected])
    assert any("repaired mojibake" in str(warning) for warning in corpus.warnings)


def test_a_valid_utf8_page_stays_utf8_whatever_it_declares(tmp_path: Path) -> None:
    """A page in valid UTF-8 that declares Shift_JIS is read as UTF-8, with no warning."""
    corpus, post = _read_page(tmp_path, '<meta charset="shift_jis">', "今日のニュース", _JAPANESE[0], "utf-8")
    assert (post.title, [p.text for p in post.paragraphs]) == ("今日のニュース", [_JAPANESE[0]])
    assert corpus.encodings[post.source.path] == "utf-8" and not corpus.warnings


# --------------------------------------------------------------------------
# NUL bytes: UTF-16 without a byte-order mark, stray NULs in text, binary files


_PROSE = "The minister said on Tuesday that the ceasefire would hold.\n\nA second paragraph, café and all.\n"


def test_utf16_without_a_byte_order_mark_is_read_with_a_warning() -> None:
    """Some Windows exports write UTF-16 without a mark: every other byte of Latin text is NUL."""
    for codec, words in (("utf-16-le", "little-endian"), ("utf-16-be", "big-endian")):
        text, source = _decode(_PROSE.encode(codec))
        assert text == _PROSE
        (warning,) = source.warnings
        assert warning.line == 1 and f"read as UTF-16 {words}" in warning.message


_NON_LATIN = {
    "Cyrillic": "Министр заявил во вторник, что перемирие сохранится — «надолго».\n\nВторой абзац.\n",
    "Greek": "Ο υπουργός δήλωσε την Τρίτη ότι η εκεχειρία θα διατηρηθεί.\n",
    "Hebrew": "השר אמר ביום שלישי כי הפסקת האש תחזיק מעמד.\n",
    "Arabic": "قال الوزير يوم الثلاثاء إن وقف إطلاق النار سيصمد، وفق ما نقلته وكالة رويترز.\n",
    "Hindi": "मंत्री ने मंगलवार को कहा कि युद्धविराम जारी रहेगा।\n",
}


def test_utf16_without_a_mark_is_read_in_other_alphabetic_scripts() -> None:
    """Cyrillic, Greek, Hebrew, Arabic and Devanagari in UTF-16 without a mark are read, not skipped.

    Their letters' high bytes are 0x03-0x09, not NUL: only spaces and ASCII punctuation put NULs there.
    """
    for script, prose in _NON_LATIN.items():
        for codec, words in (("utf-16-le", "little-endian"), ("utf-16-be", "big-endian")):
            text, source = _decode((prose * 20).encode(codec))
            assert text == prose * 20, (script, codec)
            (warning,) = source.warnings
            assert f"read as UTF-16 {words}" in warning.message, (script, codec)


@given(
    words=st.lists(
        st.tuples(
            st.text(st.characters(min_codepoint=0x0410, max_codepoint=0x044F), min_size=1, max_size=12),
            st.sampled_from([" ", ", ", ". ", " — ", "\n", "\n\n", " 2016 ", " «", "» ", ": "]),
        ),
        min_size=5,
        max_size=60,
    ),
    codec=st.sampled_from(["utf-16-le", "utf-16-be"]),
)
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
def test_any_cyrillic_text_in_utf16_without_a_mark_reads_back(
    words: list[tuple[str, str]], codec: str
) -> None:
    """Whatever the words, digits and punctuation between them, the text decodes to itself."""
    text = "".join(word + gap for word, gap in words)
    decoded, source = _decode(text.encode(codec))
    assert decoded == text
    assert any("read as UTF-16" in w.message for w in source.warnings)


@given(
    # A NUL goes after each cut; a cut at the very end would put none there.
    cuts=st.lists(st.integers(min_value=0, max_value=len(_PROSE) - 1), min_size=1, max_size=3),
    padding=st.integers(min_value=0, max_value=3),
)
@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
def test_stray_nuls_in_text_are_removed_with_a_warning_naming_the_first_line(
    cuts: list[int], padding: int
) -> None:
    """A few NULs make no text file "binary" wherever they sit: in its first 64 KB or after it."""
    prose = _PROSE * (padding * 400 + 1)  # up to about 110 KB, so some NULs fall past the sniffed start
    scale = len(prose) // len(_PROSE)
    positions = sorted({cut * scale for cut in cuts})
    data = b"".join(
        prose[start:end].encode("utf-8") + (b"\0" if end != len(prose) else b"")
        for start, end in zip([0, *positions], [*positions, len(prose)], strict=True)
    )
    text, source = _decode(data)
    assert text == prose
    nuls = data.count(0)
    first = data.index(0)
    (warning,) = [w for w in source.warnings if "NUL" in w.message]
    assert warning.line == data[:first].count(b"\n") + 1
    assert warning.message.startswith(f"{nuls} NUL byte{'s' if nuls != 1 else ''} in a text file")


def test_binary_files_are_still_skipped(tmp_path: Path) -> None:
    """Images, random bytes and control bytes with a NUL are binary, whatever the few NULs."""
    import random

    rng = random.Random(7)
    cases = {
        "tiny.txt": b"\x00\x01\x02",
        "image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(5000)),
        "random.txt": bytes(rng.randrange(256) for _ in range(70_000)),
        "many-nuls.txt": (b"word \x00" * 200),
        "controls.txt": b"abc\x00" + bytes(range(1, 32)) * 10,
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        skipped = open_source(path)
        assert not isinstance(skipped, SourceFile), name
        assert skipped.reason.startswith("binary file (NUL byte at offset"), (name, skipped.reason)


_RUSSIAN = (
    "Мы пошли в кино.",
    "Да.",
    "Привет, мир.",
    "Это тест.",
    "Министр заявил во вторник, что план будет выполнен.",
    "По словам агентства, в результате взрыва погибли трое.",
    "Ещё одна встреча прошла в столице без участия оппозиции.",
    "Reuters сообщает, что переговоры продолжатся в среду.",
    "Власти города объявили о закрытии школ на неделю.",
)


_GUESS = "(its bytes 0x80-0xFF form words of Cyrillic letters, as often as in Russian prose in it), a guess"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["koi8_r", "cp1251"]), st.data())
def test_russian_text_in_koi8_r_or_windows_1251_reads_back_unless_taken_for_another_script(
    codec: str, data: st.DataObject
) -> None:
    """One sentence or more of Russian, an ASCII title or not, in KOI8-R or Windows-1251, reads back in its
    own code page, the warning saying it is a guess; or, where charset-normalizer reads it as Greek,
    Hebrew, Arabic or Thai (their words are bytes 0x80-0xFF alone too, and unigram counts cannot tell a
    short text in one from Russian), as it reads it, its guess named."""
    drawn = data.draw(st.lists(st.sampled_from(_RUSSIAN), min_size=1, max_size=4), label="sentences")
    title = data.draw(st.sampled_from(["", "Press release\n\n", "2017-07-14\n"]), label="title")
    quoted = codec == "cp1251" and data.draw(st.booleans(), label="quoted")
    body = " ".join(f"«{s}» — сказал он." if quoted else s for s in drawn)
    text = title + body + "\n"
    decoded, source = _decode(text.encode(codec))
    (warning,) = source.warnings
    if _GUESS in str(warning):
        assert (decoded, source.encoding) == (text, codec)
    else:
        assert codecs.lookup(source.encoding).name in _OTHER_SCRIPTS, source.encoding
        assert "a guess by charset-normalizer" in str(warning)


@pytest.mark.parametrize("codec", ["koi8_r", "cp1251"])
@pytest.mark.parametrize(
    "text", ["Мы пошли в кино.\n", "Да.\n", "Это тест.\n", "Привет, мир.\n", "Всё хорошо, он ушёл домой.\n"]
)
def test_a_short_russian_text_reads_back(codec: str, text: str) -> None:
    """Read as cp1252 ("üÔÏ ÔÅÓÔ" for "Это тест"), cp932, UTF-16 or UTF-8 with every letter replaced
    before (charset-normalizer's best match for so few bytes); "ё", a byte below 0xC0 in either code
    page, is part of its word."""
    decoded, source = _decode(text.encode(codec))
    assert (decoded, source.encoding) == (text, codec)
    (warning,) = source.warnings
    assert _GUESS in str(warning)


@pytest.mark.parametrize("codec", ["koi8_r", "cp1251"])
@pytest.mark.parametrize(
    "text",
    ["«Да.» — сказал он. «Да.» — сказал он.\n", "Press release\n\nДа.\n", "Press release\n\nЭто тест.\n"],
)
def test_russian_under_an_english_title_or_said_twice_reads_back(codec: str, text: str) -> None:
    """Words of ASCII letters alone say nothing of the code page: an English title over one Russian word was
    read as cp1252 ("Äà"). And the detector sees each byte once: it was given the file's start and the
    sample from its first invalid byte, the same text twice where that byte lies in the start, and read
    the quoted "Да." said twice as Thai (a failing case hypothesis found)."""
    if codec == "koi8_r" and "«" in text:
        text = text.replace("«", '"').replace("»", '"').replace("—", "-")  # KOI8-R writes neither
    decoded, source = _decode(text.encode(codec))
    assert (decoded, source.encoding) == (text, codec)


@pytest.mark.parametrize(
    "text",
    [
        "Це тест.\n",  # Ukrainian with і alone: 0xB3, Ё in KOI8-R, was read as KOI8-R
        "Міністр заявив у вівторок, що план буде виконано.\n",
        "Їжак їсть яблуко. Українська мова є державною.\n",
        "Ґанок старої хати.\n",
        "Њена ћерка живи у Београду. Ђак је љут.\n",  # Serbian: read as ptcp154 by charset-normalizer
        "Беларуская мова ўжываецца.\n",
    ],
)
def test_ukrainian_serbian_and_belarusian_in_windows_1251_read_back(text: str) -> None:
    """Windows-1251 writes their own letters at 0x80-0xBF (і ї є ґ ў ђ ј љ њ ћ џ): words of such letters are
    Cyrillic words too, and those bytes are letters of that code page, not signs the text cannot hold."""
    decoded, source = _decode(text.encode("cp1251"))
    assert (decoded, source.encoding) == (text, "cp1251")
    (warning,) = source.warnings
    assert _GUESS in str(warning)


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Καλημέρα κόσμε.\n", "cp1253"),
        ("Η κυβέρνηση ανακοίνωσε νέα μέτρα.\n", "cp1253"),
        ("مرحبا بالعالم.\n", "cp1256"),
        ("أعلنت الحكومة عن إجراءات جديدة.\n", "cp1256"),
    ],
)
def test_greek_or_arabic_words_are_not_read_as_western_letters(text: str, codec: str) -> None:
    """Each byte of these reads in cp1252 as an accented letter, and they were read so ("Êáëçìİñá"); but
    no Western European word is made of such letters alone, so the text is left to charset-normalizer,
    which tells these scripts."""
    decoded, source = _decode(text.encode(codec))
    assert (decoded, source.encoding) == (text, codec)


@pytest.mark.parametrize(
    "text",
    [
        # Read as KOI8-R or Windows-1251 by charset-normalizer before the rule (a scratch draw of sentences).
        "Πολλοί τουρίστες επισκέφθηκαν τα νησιά φέτος το καλοκαίρι. "
        "Οι αγρότες διαμαρτύρονται για το κόστος της ενέργειας.\n",
        "Η εταιρεία ανακοίνωσε κέρδη ρεκόρ για το τελευταίο τρίμηνο. "
        "Η ομάδα κέρδισε τον αγώνα με δύο γκολ στο δεύτερο ημίχρονο.\n",
        "Οι εργαζόμενοι κήρυξαν απεργία διαρκείας από τη Δευτέρα. "
        "Το μουσείο δέχθηκε πάνω από ένα εκατομμύριο επισκέπτες.\n",
        "Ο δήμαρχος της Αθήνας ζήτησε περισσότερα χρήματα για τα σχολεία. "
        "Το μουσείο δέχθηκε πάνω από ένα εκατομμύριο επισκέπτες.\n",
    ],
)
def test_greek_in_windows_1253_reads_back_though_the_detector_takes_it_for_russian(text: str) -> None:
    """Its small letters are KOI8-R's Cyrillic capitals and Windows-1251's small letters. Greek words (Greek
    letters, cased as Greek is, the final sigma only at the end) that read as Russian with capitals inside
    words are read as Greek."""
    decoded, source = _decode(text.encode("cp1253"))
    assert (decoded, source.encoding) == (text, "cp1253")
    (warning,) = source.warnings
    assert "words of Greek letters, final sigma only at a word's end" in str(warning)


@pytest.mark.parametrize(
    "text",
    [
        "Η Άννα είπε ότι θα έρθει αύριο.\n",
        "Άρης. Άλλη μια μέρα.\n",
        "Ο δήμαρχος της Αθήνας ζήτησε χρήματα για τα σχολεία.\n",
    ],
)
def test_greek_in_iso_8859_7_reads_back(text: str) -> None:
    """ISO-8859-7 writes Greek's letters where Windows-1253 does but for Ά, at 0xB6, Windows-1253's ¶:
    "Η ¶ννα" was read. A word that starts with that byte says ISO-8859-7; without one, both read the same."""
    decoded, source = _decode(text.encode("iso8859_7"))
    assert decoded == text
    if "Ά" in text:
        assert source.encoding == "iso8859-7"


_NON_LATIN_LETTERS = {
    "cp1253": "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώ",
    "cp1255": "אבגדהוזחטיכלמנסעפצקרשת",
    "cp1256": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "cp1251": "абвгдежзийклмнопрстуфхцчшщъыьэюя",
}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(_NON_LATIN_LETTERS)), st.data())
def test_words_of_another_alphabet_are_never_read_as_cp1252(codec: str, data: st.DataObject) -> None:
    """However few and whatever English words stand beside them, words of Greek, Hebrew, Arabic or Russian
    letters in their single-byte code page are not read as cp1252: no Western European word is a run of
    accented letters alone."""
    letters = _NON_LATIN_LETTERS[codec]
    words = data.draw(
        st.lists(st.text(letters, min_size=2, max_size=9), min_size=1, max_size=6), label="words"
    )
    english = data.draw(st.lists(st.sampled_from(["Press", "release", "Reuters", "said", "the"]), max_size=4))
    text = " ".join(english) + "\n" + " ".join(words) + ".\n"
    _, source = _decode(text.encode(codec))
    assert source.encoding != "cp1252"


@pytest.mark.parametrize(
    "text",
    [
        "Il était très naïve, à côté du château. Voilà où ça mène: déjà vu.\n",
        "Öl und Äpfel über die Brücke, sagte die Ärztin in Köln.\n",
        "À bientôt, ô été!\n",
    ],
)
def test_western_text_with_accented_words_stays_cp1252(text: str) -> None:
    """Western European words hold ASCII letters beside their accented ones ("été", "Äpfel"): text in
    cp1252 is never taken for Russian in KOI8-R or Windows-1251."""
    decoded, source = _decode(text.encode("cp1252"))
    assert (source.encoding, decoded) == ("cp1252", text)


@pytest.mark.parametrize("codec", ["koi8_r", "cp1251"])
@pytest.mark.parametrize(
    "text",
    ["США\n", "ДА\n", "ЭТО ТЕСТ\n", "МИНИСТР ЗАЯВИЛ\n", "мы пошли в кино\n", "всё хорошо\n", "ВСЁ ХОРОШО\n"],
)
def test_russian_in_capitals_or_lower_case_alone_reads_back(codec: str, text: str) -> None:
    """Letters in one case only read back too: the code page is told by how often each letter comes, case
    aside, not by which of its halves holds the lower case."""
    decoded, source = _decode(text.encode(codec))
    assert (decoded, source.encoding) == (text, codec)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 200_000), st.data())
def test_the_detector_sees_each_byte_once(size: int, data: st.DataObject) -> None:
    """What charset-normalizer is given is the file's start and then its sample from the first invalid
    byte, that byte among them; where that byte lies in the start, the two overlap and the bytes given are
    the file's own first bytes, none twice."""
    at = data.draw(st.integers(0, size - 1), label="invalid byte at")
    raw = bytearray(b"abcdefghij klmnopqrst\n" * (size // 22 + 1))[:size]
    raw[at] = 0xFF
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dump.txt"
        path.write_bytes(raw)
        head = bytes(raw[:HEAD_BYTES])
        seen = _head_and_sample(head, scan_utf8(path))
    if at < len(head):
        assert seen == raw[: len(seen)]
    else:
        assert seen[: len(head)] == head and bytes(raw[at : at + 1]) in seen[len(head) :]
        assert raw.find(seen[len(head) :], len(head)) == at - min(3, at - len(head))


_HEBREW = (
    "השר אמר ביום שלישי כי התוכנית תתקדם.",
    "שלום עולם.",
    "תודה רבה.",
    "הממשלה הודיעה על צעדים חדשים.",
    "בתי הספר ייסגרו לשבוע.",
    "ראש הממשלה נפגש אתמול עם שר החוץ האמריקני בירושלים.",
    "לפי הדיווח, שלושה בני אדם נהרגו בפיצוץ.",
    "המשטרה פתחה בחקירה.",
    "הכתב שלנו מדווח מהשטח.",
    "הצבא הודיע כי הכוחות יישארו באזור עד סוף השבוע.",
)


@pytest.mark.parametrize("text", [*_HEBREW, f"{_HEBREW[1]} {_HEBREW[2]}", f"Reuters\n\n{_HEBREW[7]}"])
def test_a_short_hebrew_text_in_windows_1255_reads_back(text: str) -> None:
    """Its letters are bytes 0xE0-0xFA, capitals in KOI8-R and small letters in Windows-1251, and
    charset-normalizer read a short text as one of those as often as not ("שלום עולם." as "ЫЛЕМ РЕЛМ"):
    final forms only at a word's end and Hebrew's letter frequencies tell it."""
    decoded, source = _decode(f"{text}\n".encode("cp1255"))
    assert (decoded, source.encoding) == (f"{text}\n", "cp1255")
    (warning,) = source.warnings
    assert "decoded as cp1255 (its bytes 0x80-0xFF form words of Hebrew letters" in str(warning)


@pytest.mark.parametrize(
    "text", ["МОСКВА\n", "ТАК\n", "ДА\n", "РОССИЯ И ЕВРОПА\n", "ОН СКАЗАЛ, ЧТО ТАК И БУДЕТ\n"]
)
def test_russian_capitals_in_koi8_r_are_not_taken_for_hebrew(text: str) -> None:
    """KOI8-R's capitals are Windows-1255's Hebrew letters: a final form inside a word (О, Н, С, К are
    ן, ם, ף, ך there), Russian's letter frequencies, or two letters alone keep them Russian."""
    decoded, source = _decode(text.encode("koi8_r"))
    assert (decoded, source.encoding) == (text, "koi8_r")


@pytest.mark.parametrize(
    "text",
    ["Привет, мир. Привет, мир. Привет, мир.\n", "Нет. Привет, мир. Спасибо.\n", "Привет, мир. Нет.\n"],
)
def test_russian_in_koi8_r_that_charset_normalizer_takes_for_hebrew_reads_back(text: str) -> None:
    """A word starting with a byte 0xC0-0xDF (a small letter in KOI8-R, a vowel point in Windows-1255,
    which follows a letter) is no Hebrew word: charset-normalizer's Windows-1255 is not taken."""
    decoded, source = _decode(text.encode("koi8_r"))
    assert (decoded, source.encoding) == (text, "koi8_r")
