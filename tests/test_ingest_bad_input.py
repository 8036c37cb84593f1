"""Bad input: every case gives a message naming the file (and line) and the rest is still read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from provenance.ingest import read_corpus
from provenance.ingest.source import MAX_LINE_CHARS

ARCHIVE = "Title\n\nJuly 14, 2017\n\nA paragraph about the café.\n"


def _good(tmp_path: Path) -> Path:
    good = tmp_path / "good.txt"
    good.write_text(ARCHIVE, encoding="utf-8")
    return good


def test_empty_and_blank_files_are_skipped(tmp_path: Path) -> None:
    """A zero-byte file and a file of blank lines are skipped with "empty file" reasons."""
    (tmp_path / "a-empty.txt").write_bytes(b"")
    (tmp_path / "b-blank.txt").write_bytes(b"\n  \r\n\t\n")
    _good(tmp_path)
    corpus = read_corpus([tmp_path])
    assert [(Path(s.path).name, s.reason) for s in corpus.skipped] == [
        ("a-empty.txt", "empty file"),
        ("b-blank.txt", "empty file (only blank lines)"),
    ]
    assert [p.id for p in corpus.posts] == ["title"]


def test_binary_file_is_skipped_with_the_offset_of_its_nul_byte(tmp_path: Path) -> None:
    """A file with a NUL byte in its first 64 KB is skipped as binary."""
    (tmp_path / "image.txt").write_bytes(b"GIF89a\x01\x00\x00\xff")
    corpus = read_corpus([tmp_path / "image.txt"])
    assert [s.reason for s in corpus.skipped] == ["binary file (NUL byte at offset 7)"]


def test_unreadable_file_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that cannot be opened is skipped as "unreadable: Permission denied" and the others are read."""
    _good(tmp_path)
    locked = tmp_path / "locked.txt"
    locked.write_text(ARCHIVE, encoding="utf-8")
    real_open = open

    def refusing_open(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == str(locked):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", refusing_open)
    corpus = read_corpus([tmp_path])
    assert [(s.path, s.reason) for s in corpus.skipped] == [(str(locked), "unreadable: Permission denied")]
    assert len(corpus.posts) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file_by_permissions(tmp_path: Path) -> None:
    """A file with mode 000 is skipped as unreadable."""
    locked = tmp_path / "locked.txt"
    locked.write_text(ARCHIVE, encoding="utf-8")
    locked.chmod(0)
    assert [s.reason for s in read_corpus([locked]).skipped] == ["unreadable: Permission denied"]


def test_broken_symlinks_and_missing_paths_are_skipped(tmp_path: Path) -> None:
    """A dangling link named directly or met in a folder, and a path that does not exist, are skipped."""
    folder = tmp_path / "dump"
    folder.mkdir()
    _good(folder)
    (folder / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    corpus = read_corpus([folder, tmp_path / "no-such-file.txt"])
    reasons = {Path(s.path).name: s.reason for s in corpus.skipped}
    assert reasons == {
        "dangling.txt": f"broken symbolic link to {str(tmp_path / 'gone.txt')!r}",
        "no-such-file.txt": "no such file or directory",
    }
    assert len(corpus.posts) == 1


def test_file_not_in_utf8_is_decoded_and_the_encoding_named(tmp_path: Path) -> None:
    """A Windows-1252 archive is read as cp1252 (charset-normalizer guessed cp1257), named in a warning."""
    legacy = tmp_path / "legacy.txt"
    text = ARCHIVE + "\n" + "Another paragraph with an accent: déjà vu, naïve résumé, façade.\n" * 20
    legacy.write_bytes(text.encode("cp1252"))
    corpus = read_corpus([legacy])
    assert corpus.encodings[str(legacy)] == "cp1252"
    (warning,) = corpus.warnings
    assert (warning.path, warning.line) == (str(legacy), 5)
    assert warning.message == (
        "not UTF-8 (byte 0xe9 on this line); decoded as cp1252 (its bytes 0x80-0xFF are "
        "Western European letters and punctuation)"
    )
    assert corpus.posts[0].paragraphs[0].text == "A paragraph about the café."
    assert corpus.posts[0].paragraphs[1].text.endswith("déjà vu, naïve résumé, façade.")


def test_utf16_with_bom_is_read_as_text(tmp_path: Path) -> None:
    """A UTF-16 file (NUL bytes, but a byte-order mark) is text, not binary."""
    wide = tmp_path / "wide.txt"
    wide.write_bytes(ARCHIVE.encode("utf-16"))
    corpus = read_corpus([wide])
    assert corpus.skipped == [] and corpus.encodings[str(wide)] == "utf-16"
    assert corpus.posts[0].paragraphs[0].text == "A paragraph about the café."


@pytest.mark.parametrize("suffix", [".txt", ".jsonl"])
def test_over_long_line_is_reported_not_loaded(tmp_path: Path, suffix: str) -> None:
    """A line over the length limit is an unparsed preview with a warning; the lines around it still parse."""
    dump = tmp_path / f"long{suffix}"
    long_line = "x" * (MAX_LINE_CHARS + 123)
    if suffix == ".txt":
        dump.write_text(ARCHIVE + "\n" + long_line + "\n\nAfter the long line.\n", encoding="utf-8")
        long_number = 7
    else:
        good = '{"id": "a", "title": "A", "date": "2017-07-14", "text": "Short."}'
        dump.write_text(good + "\n" + long_line + "\n" + good.replace('"a"', '"b"') + "\n", encoding="utf-8")
        long_number = 2
    corpus = read_corpus([dump])
    (unparsed,) = corpus.unparsed
    assert (unparsed.line, len(unparsed.text)) == (long_number, 201)
    (warning,) = [w for w in corpus.warnings if "limit" in w.message]
    assert str(warning) == (
        f"{dump}:{long_number}: line of {MAX_LINE_CHARS + 123:,} characters is longer than the "
        f"{MAX_LINE_CHARS:,} limit; not parsed, its first 200 characters kept in unparsed"
    )
    texts = [p.text for post in corpus.posts for p in post.paragraphs]
    assert texts == (
        ["A paragraph about the café.", "After the long line."] if suffix == ".txt" else ["Short."] * 2
    )


def test_unrecognised_file_is_skipped_with_a_hint(tmp_path: Path) -> None:
    """A text file of unknown kind is skipped; the reason names its extension and --input-format."""
    (tmp_path / "table.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (reason,) = [s.reason for s in read_corpus([tmp_path]).skipped]
    assert reason == (
        "unrecognised format (extension '.csv'); "
        "use --input-format to read it as one of archive, jsonl, text, html, wxr"
    )


def test_truncated_xml_with_no_complete_item_warns_and_gives_no_post(tmp_path: Path) -> None:
    """An export cut in its header gives no post, a warning with the line, and a "no posts found" warning."""
    cut = tmp_path / "cut.xml"
    cut.write_text('<?xml version="1.0"?>\n<rss xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n<ti')
    corpus = read_corpus([cut])
    assert corpus.posts == []
    assert [w.line for w in corpus.warnings if "XML broken" in w.message] == [4]
    assert f"{cut}: no posts found (read as wxr)" in map(str, corpus.warnings)


def test_nothing_raises_for_a_folder_of_every_bad_case(tmp_path: Path) -> None:
    """A folder mixing every bad case still yields the one good post and a reason for each bad file."""
    _good(tmp_path)
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "binary.html").write_bytes(b"\x00\x01\x02")
    (tmp_path / "broken.xml").write_text("<rss wordpress.org/export/1.2/><channel><item><title>x")
    (tmp_path / "bad.jsonl").write_text("{not json}\n")
    (tmp_path / "link.txt").symlink_to(tmp_path / "missing")
    corpus = read_corpus([tmp_path])
    assert [p.id for p in corpus.posts] == ["title"]
    assert {Path(s.path).name for s in corpus.skipped} == {"empty.md", "binary.html", "link.txt"}
    assert {Path(w.path).name for w in corpus.warnings} >= {"broken.xml", "bad.jsonl"}


def test_a_lone_path_string_is_one_path_not_its_characters(tmp_path: Path) -> None:
    """read_corpus("dump.txt") reads that file, rather than treating each character as a path."""
    from provenance.ingest import read_corpus

    dump = tmp_path / "dump.txt"
    dump.write_text("A title\n\nJuly 14, 2017\n\nSome words of the post.\n", encoding="utf-8")
    corpus = read_corpus(str(dump))
    assert [p.title for p in corpus.posts] == ["A title"]
    assert corpus.skipped == []


def test_archives_and_compressed_files_are_named_with_the_command_that_unpacks_them(tmp_path: Path) -> None:
    """A dump sent as a zip, a .tar.gz or a gzipped export is skipped saying what it is and how to unpack
    it, not as a "binary file (NUL byte at offset 5)"; a text that only begins like one is read."""
    import bz2
    import gzip
    import io
    import lzma
    import tarfile
    import zipfile

    text = b"Title\n\nA paragraph of the post.\n"
    with zipfile.ZipFile(tmp_path / "dump.zip", "w") as archive:
        archive.writestr("post.txt", text)
    with tarfile.open(tmp_path / "dump.tar.gz", "w:gz") as archive:
        info = tarfile.TarInfo("post.txt")
        info.size = len(text)
        archive.addfile(info, io.BytesIO(text))
    with tarfile.open(tmp_path / "plain.tar", "w") as archive:
        archive.addfile(info, io.BytesIO(text))
    (tmp_path / "export.xml.gz").write_bytes(gzip.compress(text))
    (tmp_path / "notes.txt.bz2").write_bytes(bz2.compress(text))
    (tmp_path / "notes.txt.xz").write_bytes(lzma.compress(text))
    (tmp_path / "pk.txt").write_bytes(b"PK is read as a post\n\nIt begins like a zip, and is text.\n")
    corpus = read_corpus([tmp_path])
    reasons = {Path(s.path).name: s.reason for s in corpus.skipped}
    unpack = "archives and compressed files are not read; unpack it and audit what it holds: "
    assert reasons == {
        "dump.zip": f"a zip archive: {unpack}unzip {tmp_path / 'dump.zip'} -d FOLDER",
        "dump.tar.gz": f"a gzip-compressed file: {unpack}tar -xzf {tmp_path / 'dump.tar.gz'}",
        "plain.tar": f"a tar archive: {unpack}tar -xf {tmp_path / 'plain.tar'}",
        "export.xml.gz": f"a gzip-compressed file: {unpack}gunzip -k {tmp_path / 'export.xml.gz'}",
        "notes.txt.bz2": f"a bzip2-compressed file: {unpack}bunzip2 -k {tmp_path / 'notes.txt.bz2'}",
        "notes.txt.xz": f"an xz-compressed file: {unpack}unxz -k {tmp_path / 'notes.txt.xz'}",
    }
    assert [p.title for p in corpus.posts] == ["PK is read as a post"]


def test_a_path_with_spaces_is_quoted_in_the_unpack_command(tmp_path: Path) -> None:
    """The command is one a user can paste: a name with spaces is quoted as a shell reads it."""
    import zipfile

    path = tmp_path / "my dump.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("post.txt", "Title\n\nText.\n")
    (skipped,) = read_corpus([path]).skipped
    assert skipped.reason.endswith(f"unzip '{path}' -d FOLDER")


def test_a_word_document_is_named_as_one_with_how_to_make_it_readable(tmp_path: Path) -> None:
    """A .docx is a zip of XML: unpacking it gives no post, so the reason says to save it as text or HTML."""
    import zipfile

    with zipfile.ZipFile(tmp_path / "Interview notes.DOCX", "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    (skipped,) = read_corpus([tmp_path]).skipped
    assert skipped.reason == (
        "a docx document (a zip archive of XML): not read; "
        "save it as plain text or as a web page (HTML) to audit it"
    )


def test_a_pdf_is_named_as_one_with_how_to_extract_its_text(tmp_path: Path) -> None:
    """A PDF (its binary marker line after the header) is named, with the command that extracts its text."""
    (tmp_path / "leak.pdf").write_bytes(
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nstream\n\x00\x01"
    )
    (skipped,) = read_corpus([tmp_path]).skipped
    assert (
        skipped.reason
        == f"a PDF document: not read; extract its text and audit that: pdftotext {tmp_path / 'leak.pdf'}"
    )


def test_a_pdf_whose_start_is_all_text_is_still_a_pdf(tmp_path: Path) -> None:
    """Without its binary marker line a PDF's head is ASCII: still skipped as a PDF, not read as posts."""
    (tmp_path / "plain.pdf").write_bytes(
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" * 3
    )
    corpus = read_corpus([tmp_path])
    assert [s.reason.split(":")[0] for s in corpus.skipped] == ["a PDF document"] and not corpus.posts
