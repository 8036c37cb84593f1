"""Opening an input file safely: what it is, how it is encoded, and its lines as a stream.

Every reader starts here, so that the bad-input cases are handled once, the
same way for every format: a broken symbolic link, a file that cannot be
opened, an empty file or a binary one becomes a :class:`SkippedFile` with a
reason instead of an exception; a file that is not UTF-8 is decoded with the
encoding that fits (see :func:`choose_encoding`: the charset a web page
declares, cp1252, or the one charset-normalizer detects), or as UTF-8 with
its few stray bytes replaced, and a warning says which; UTF-16 without
a byte-order mark is recognised by its NUL bytes, and a few stray NULs in a
text file are removed with a warning instead of making it "binary"; a line longer
than :data:`MAX_LINE_CHARS` is never held whole in memory (see
:class:`LongLine`).

Nothing here reads a whole file into memory: the encoding check and the line
stream both go through the file in fixed-size chunks.
"""

from __future__ import annotations

import codecs
import functools
import io
import itertools
import math
import os
import re
import shlex
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

from provenance.models import ClassifiedLine, InputWarning, Post, SkippedFile, UnparsedLine

#: What a reader yields while it streams through one file.
Event = Post | ClassifiedLine | UnparsedLine | InputWarning | SkippedFile

#: Longest line kept as text. A real paragraph is far shorter (a million
#: characters is a 150,000-word paragraph); longer lines are minified data,
#: base64 or a broken export, and are reported instead of loaded.
MAX_LINE_CHARS = 1_000_000
#: How much of an over-long line is kept in the report, so it can be recognised.
LONG_LINE_PREVIEW = 200
#: How much of a file's start is looked at to detect its format and whether it is binary.
HEAD_BYTES = 65_536
_CHUNK_BYTES = 1 << 20

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class LongLine(str):
    """The first :data:`LONG_LINE_PREVIEW` characters of a line too long to keep.

    It is a ``str`` so that readers taking ``Iterable[str]`` still work;
    ``length`` is the full length of the line in characters. Readers report
    such a line as unparsed, with a warning, and never parse it.
    """

    length: int

    def __new__(cls, preview: str, length: int) -> LongLine:
        line = super().__new__(cls, preview)
        line.length = length
        return line


def long_line_events(path: str, number: int, line: LongLine) -> tuple[UnparsedLine, InputWarning]:
    """What every reader reports for an over-long line: the line as unparsed, and why."""
    return (
        UnparsedLine(path, number, f"{line}…"),
        InputWarning(
            path,
            number,
            f"line of {line.length:,} characters is longer than the {MAX_LINE_CHARS:,} limit; "
            f"not parsed, its first {len(line)} characters kept in unparsed",
        ),
    )


@dataclass(slots=True)
class SourceFile:
    """An input file that passed the checks, with what was learnt about it.

    ``head`` is the decoded start of the file (for format detection);
    ``encoding`` is None until :meth:`check_encoding` ran; ``warnings`` holds
    what the checks repaired (an encoding other than UTF-8).
    """

    path: Path
    name: str
    head_bytes: bytes
    head: str
    bom_encoding: str | None
    encoding: str | None = None
    warnings: list[InputWarning] = field(default_factory=list)

    def check_encoding(self, declared: tuple[str, str] | None = None) -> SkippedFile | None:
        """Decide the encoding, reading the file once in chunks; a SkippedFile if it is not text.

        A file with a byte-order mark is what the mark says. Otherwise the
        file is streamed through a UTF-8 decoder that counts what does not
        decode, and the decision (see :func:`choose_encoding`) keeps all the
        text that decodes: a UTF-8 file with a few stray bytes stays UTF-8,
        each stray byte shown as U+FFFD; a file in a legacy code page is
        read in the one that fits, the charset a web page declares
        (``declared``: its label and codec) first. Every decision but plain
        UTF-8 is a warning naming the line of the first byte concerned.
        """
        if self.bom_encoding is not None and self.bom_encoding != "utf-8-sig":
            self.encoding = self.bom_encoding
            return None
        scan = scan_utf8(self.path)
        if scan.nuls:
            self.warnings.append(
                InputWarning(
                    self.name,
                    scan.nul_line,
                    f"{scan.nuls:,} NUL byte{'s' if scan.nuls != 1 else ''} in a text file "
                    f"(the first on this line); removed, the text around kept",
                )
            )
        if scan.invalid == 0 or self.bom_encoding is not None:
            self.encoding = self.bom_encoding or "utf-8"
            return None
        choice = choose_encoding(scan, self.head_bytes, declared)
        if choice is None:
            return SkippedFile(
                self.name,
                f"not text: not UTF-8 (invalid byte at line {scan.lines[0]}) and no encoding fits",
            )
        self.encoding, message = choice
        self.warnings.append(InputWarning(self.name, scan.lines[0], message))
        return None

    def lines(self) -> Iterator[str]:
        """The file's physical lines without line breaks, streamed.

        Line breaks are ``\\n``, ``\\r\\n`` or a lone ``\\r`` (what editors
        count), so line numbers match what a user sees. A line longer than
        :data:`MAX_LINE_CHARS` comes as a :class:`LongLine` and the rest of it
        is read past in chunks, never held.
        """
        encoding = self.encoding or "utf-8"
        with open(
            self.path, encoding=encoding, errors="replace", newline=None, opener=_nonblocking
        ) as handle:
            for line in iter_lines(handle):
                if isinstance(line, LongLine):
                    yield line
                    continue
                # A stray NUL (warned about by check_encoding) is no character of the text; nor is a
                # byte-order mark opening a line (two files joined into one, or a doubled mark): it
                # stayed in the next title ("\ufeffSecond title") or kept a header line from being read.
                if "\0" in line:
                    line = line.replace("\0", "")
                yield line.lstrip("\ufeff") if line.startswith("\ufeff") else line

    def read_text(self) -> str:
        """The whole decoded file, for one-post formats whose post is the whole file."""
        with open(
            self.path, encoding=self.encoding or "utf-8", errors="replace", newline=None, opener=_nonblocking
        ) as handle:
            return handle.read().replace("\0", "")


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def physical_lines(text: str) -> list[str]:
    """The lines of decoded text as the readers count them: broken at ``\\n``, ``\\r\\n`` or a lone ``\\r``.

    Not ``str.splitlines``, which also breaks at a form feed, U+0085, U+2028
    and other characters a line of text may hold (``json.dumps`` with
    ``ensure_ascii=False`` writes U+2028 as it is, inside a string).
    """
    return _LINE_BREAK.split(text)


def iter_lines(handle: io.TextIOBase, max_chars: int = MAX_LINE_CHARS) -> Iterator[str]:
    """Lines of a text stream opened with universal newlines, over-long ones as :class:`LongLine`."""
    while True:
        line = handle.readline(max_chars + 1)
        if not line:
            return
        if line.endswith("\n"):
            yield line[:-1]
            continue
        if len(line) <= max_chars:
            yield line  # the last line, without a line break
            continue
        length = len(line)
        while True:
            rest = handle.readline(_CHUNK_BYTES)
            if not rest:
                break
            if rest.endswith("\n"):
                length += len(rest) - 1
                break
            length += len(rest)
        yield LongLine(line[:LONG_LINE_PREVIEW], length)


class _Packed(NamedTuple):
    """A kind of file a dump is often sent as, by its signature: what it is and how to get at its text.

    ``command`` unpacks or extracts it (``{}`` the file), ``tar_command`` does
    when its name says it is a compressed tar; ``holds`` is what the file is
    read for: ``files`` (an archive: unpack it), ``documents`` (a zip that an
    office document's name makes one: save it as text), ``text`` (a PDF:
    extract its text) or ``nothing`` (an empty zip).
    """

    magic: bytes
    what: str
    command: str
    tar_command: str = ""
    holds: Literal["files", "documents", "text", "nothing"] = "files"


#: The signatures of archives and compressed files a dump is often sent as. A file of these is skipped
#: with what it is said, not as a "binary file (NUL byte at offset 5)" that leaves the user to guess.
#: None of them starts a text, a web page or an export. A PDF is named with the command that extracts
#: its text.
_ARCHIVES: tuple[_Packed, ...] = (
    _Packed(b"PK\x03\x04", "a zip archive", "unzip {} -d FOLDER", holds="documents"),
    _Packed(b"PK\x05\x06", "an empty zip archive", "", holds="nothing"),
    _Packed(b"\x1f\x8b", "a gzip-compressed file", "gunzip -k {}", "tar -xzf {}"),
    _Packed(b"\xfd7zXZ\x00", "an xz-compressed file", "unxz -k {}", "tar -xJf {}"),
    _Packed(b"\x28\xb5\x2f\xfd", "a zstd-compressed file", "unzstd {}", "tar --zstd -xf {}"),
    _Packed(b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", "7z x {}"),
    _Packed(b"Rar!\x1a\x07", "a RAR archive", "unrar x {}"),
    _Packed(b"%PDF-", "a PDF document", "pdftotext {}", holds="text"),
)
_BZIP2 = _Packed(b"BZh", "a bzip2-compressed file", "bunzip2 -k {}", "tar -xjf {}")
_TAR = _Packed(b"ustar", "a tar archive", "tar -xf {}")
_OFFICE_NAMES = re.compile(r"\.(docx|docm|odt|pages|epub|xlsx|ods|pptx|odp)$", re.IGNORECASE)
_TAR_NAMES = re.compile(r"\.(tar\.\w+|tgz|tbz2?|txz|tzst)$", re.IGNORECASE)


def archive_reason(name: str, head: bytes) -> str | None:
    """Why the file ``name`` starting ``head`` is skipped as an archive or compressed file, or None.

    Only a head that cannot be text counts (a NUL byte, or bytes that are not
    UTF-8): a post that happens to begin "BZh" or "PK" is a post. A tar
    archive is told by its ``ustar`` magic at offset 257. A PDF counts even
    when its start is all text: no post begins "%PDF-", and read as text
    its page objects made posts of their own.
    """
    if b"\0" not in head and not head.startswith(b"%PDF-"):
        try:
            head.decode("utf-8")
            return None
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 3:  # a character cut by the head's end: text so far
                return None
    found = next((packed for packed in _ARCHIVES if head.startswith(packed.magic)), None)
    if found is None and re.match(rb"BZh[1-9](1AY&SY|\x17rE8P\x90)", head):
        found = _BZIP2
    if found is None and head[257:262] == _TAR.magic:
        found = _TAR
    if found is None:
        return None
    quoted = shlex.quote(name)
    if found.holds == "text":
        return f"{found.what}: not read; extract its text and audit that: {found.command.format(quoted)}"
    office = _OFFICE_NAMES.search(name)
    if found.holds == "documents" and office:
        return (
            f"a {office.group(1).lower()} document (a zip archive of XML): not read; "
            "save it as plain text or as a web page (HTML) to audit it"
        )
    if found.holds == "nothing":
        return f"{found.what}: it holds no file"
    command = found.tar_command if found.tar_command and _TAR_NAMES.search(name) else found.command
    return (
        f"{found.what}: archives and compressed files are not read; unpack it and audit what it holds: "
        + command.format(quoted)
    )


def open_source(path: Path) -> SourceFile | SkippedFile:
    """Check that ``path`` is a readable, non-empty regular text file and sniff its start.

    Returns a :class:`SkippedFile` with the reason (``broken symbolic link``,
    ``unreadable: …``, ``not a regular file …``, ``empty file``,
    ``binary file …``) instead of raising. The file is opened without
    blocking and checked to be a regular file before it is read, so a FIFO or
    a device put in a file's place is never waited on.
    """
    name = str(path)
    if path.is_symlink() and not path.exists():
        return SkippedFile(name, f"broken symbolic link to {os.readlink(path)!r}")
    try:
        with open(path, "rb", opener=_nonblocking) as handle:
            kind = file_kind(os.fstat(handle.fileno()).st_mode)
            if kind != "regular file":
                return SkippedFile(name, f"not a regular file ({kind}); not opened for reading")
            head = handle.read(HEAD_BYTES)
            declared = _declared_encoding(head)
            decoder = codecs.getincrementaldecoder(declared or "utf-8")(errors="replace")
            text = decoder.decode(head, final=False)
            blank = not text.strip() and (len(head) < HEAD_BYTES or _only_blank_after(handle, decoder))
    except OSError as exc:
        return SkippedFile(name, f"unreadable: {exc.strerror or exc}")
    if not head:
        return SkippedFile(name, "empty file")
    packed = archive_reason(name, head)
    if packed is not None:
        return SkippedFile(name, packed)
    if declared in (None, "utf-8-sig") and b"\0" in head and not _stray_nuls(head):
        offset = head.index(b"\0")
        return SkippedFile(name, f"binary file (NUL byte at offset {offset})")
    if blank:
        return SkippedFile(name, "empty file (only blank lines)")
    source = SourceFile(path, name, head, text.replace("\0", ""), declared)
    if declared in _BOMLESS_UTF16:
        source.warnings.append(
            InputWarning(
                name,
                1,
                f"no byte-order mark, but its start has NUL bytes at one parity only: read as "
                f"{_BOMLESS_UTF16[declared]}",
            )
        )
    return source


_BOMLESS_UTF16 = {"utf-16-le": "UTF-16 little-endian", "utf-16-be": "UTF-16 big-endian"}


def _declared_encoding(head: bytes) -> str | None:
    """The encoding a file's start shows: its byte-order mark, or the NUL bytes of BOM-less UTF-16.

    Text in UTF-16 without a mark (some Windows exports) keeps the high byte
    of each character at one parity. In Latin script that byte is NUL: at
    least half of that parity's bytes are. In the other alphabetic scripts
    below U+2100 (Greek, Cyrillic, Hebrew, Arabic, the Indic scripts, Thai
    ...) it is NUL for each space, digit and ASCII punctuation mark, and
    0x01-0x20 for the letters and the general punctuation: 95% of that
    parity's bytes are at most 0x20. Either way the other parity holds almost
    no NUL, and the start decodes to printable text. Binary data has NULs at
    both parities alike, and ASCII text with NULs put in has letters (over
    0x20) at both, so neither is taken for UTF-16. Text in the scripts above
    (Chinese, Japanese, Korean) without a mark stays unread (binary).
    """
    bom_encoding = next((enc for bom, enc in _BOMS if head.startswith(bom)), None)
    if bom_encoding is not None or len(head) < 4 or b"\0" not in head:
        return bom_encoding
    half = len(head) // 2
    for codec, high, low in (("utf-16-le", head[1::2], head[0::2]), ("utf-16-be", head[0::2], head[1::2])):
        nuls = high.count(0)
        if not nuls or low.count(0) * 50 > half:
            continue
        if nuls * 2 >= half or _small_bytes(high) >= 0.95 * len(high):
            return codec if _reads_as_text(head, codec) else None
    return None


def _small_bytes(data: bytes) -> int:
    """How many of ``data``'s bytes are at most 0x20: the high bytes of characters below U+2100."""
    return len(data) - len(data.translate(None, bytes(range(0x21))))


def _reads_as_text(data: bytes, codec: str) -> bool:
    """Whether ``data`` decodes strictly in ``codec`` (a character cut at the end is fine) to text.

    Text is some characters, 95% of them printable or white space.
    """
    try:
        text = codecs.getincrementaldecoder(codec)(errors="strict").decode(data, final=False)
    except UnicodeDecodeError:
        return False
    printable = sum(1 for char in text if char.isprintable() or char in "\t\n\r\f\v")
    return bool(text) and printable >= 0.95 * len(text)


def _stray_nuls(head: bytes) -> bool:
    """Whether the NUL bytes of a file's start are strays in text rather than the sign of binary data.

    A few NULs (at most one in a thousand bytes, or three) in a start that is
    otherwise valid UTF-8 of printable characters: a text file damaged by a
    tool, or a NUL put there to make the file look binary and unread. Random
    bytes hold about one NUL in 256, are almost never valid UTF-8 and hold
    other control bytes, so binary files are still skipped.
    """
    nuls = head.count(0)
    if nuls > max(3, len(head) // 1000):
        return False
    return _reads_as_text(head.replace(b"\0", b""), "utf-8")


def file_kind(mode: int) -> str:
    """What a file mode says the file is: "regular file", "folder", "FIFO", "socket", "device"…"""
    if stat.S_ISREG(mode):
        return "regular file"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISLNK(mode):
        return "symbolic link"
    return "special file"


def _only_blank_after(handle: io.BufferedReader, decoder: codecs.IncrementalDecoder) -> bool:
    """Whether the rest of a file whose head is blank is blank too.

    A file of blank lines larger than the head would otherwise be read as a
    post with no text. Reads in chunks, and only as far as the first
    non-blank character (for a real file, the head's end).
    """
    while chunk := handle.read(_CHUNK_BYTES):
        if decoder.decode(chunk, final=False).strip():
            return False
    return not decoder.decode(b"", final=True).strip()


@dataclass(slots=True)
class Utf8Scan:
    """What streaming a file through a UTF-8 decoder found.

    ``invalid`` counts the bytes that are no part of a UTF-8 character;
    ``lines`` are the first few distinct lines holding one (1-based, counted
    as the readers count lines) and ``later`` how many invalid bytes lie on
    lines after those. ``extra`` is how many bytes the valid multi-byte
    characters add beyond one per character: text really in UTF-8 has many, a
    legacy code page almost none. ``high`` counts the file's bytes 0x80-0xFF,
    valid or not (see :attr:`multibyte`). ``high_bytes`` are the byte values
    0x80-0xFF met from the first invalid byte on, ``first_byte`` that byte,
    and ``sample`` up to 64 KB from there, for charset detection, starting at
    the file's byte ``sample_start``. ``nuls``
    counts NUL bytes, and ``nul_line`` is the line of the first.
    """

    total: int = 0
    invalid: int = 0
    extra: int = 0
    high: int = 0
    first_byte: int = 0
    lines: list[int] = field(default_factory=list)
    later: int = 0
    high_bytes: set[int] = field(default_factory=set)
    sample: bytes = b""
    sample_start: int = 0
    nuls: int = 0
    nul_line: int = 0

    @property
    def multibyte(self) -> int:
        """How many bytes of the file are parts of valid multi-byte UTF-8 characters.

        Every byte 0x80-0xFF is either that or invalid (ASCII bytes always decode).
        """
        return self.high - self.invalid


#: Lines of invalid bytes named in a warning; the bytes on later lines are counted.
LINES_NAMED = 5
_SAMPLE_BYTES = 65_536
# An undecodable byte, as the surrogateescape error handler writes it.
_STRAY = re.compile("[\udc80-\udcff]")
_ASCII = bytes(range(128))


def scan_utf8(path: Path) -> Utf8Scan:
    """Stream ``path`` through a UTF-8 decoder and count what does not decode; one read, bounded memory."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    scan = Utf8Scan()
    chars = 0
    breaks = 0  # line breaks before the current chunk
    after_cr = False
    found = False
    with open(path, "rb", opener=_nonblocking) as handle:
        while True:
            chunk = handle.read(_CHUNK_BYTES)
            text = decoder.decode(chunk, final=not chunk)
            scan.total += len(chunk)
            chars += len(text)
            if not found and (first := _STRAY.search(text)) is not None:
                found = True
                scan.first_byte = ord(first.group()) - 0xDC00
                # The decoder may hold up to 3 bytes of the previous chunk: start the sample a little early.
                offset = len(text[: first.start()].encode("utf-8", "surrogateescape"))
                scan.sample = chunk[max(offset - 3, 0) : offset + _SAMPLE_BYTES]
                scan.sample_start = scan.total - len(chunk) + max(offset - 3, 0)
            if "\0" in text:
                if not scan.nuls:
                    scan.nul_line = breaks + 1 + _line_breaks(text[: text.index("\0")], after_cr)
                scan.nuls += text.count("\0")
            high = chunk.translate(None, _ASCII)
            scan.high += len(high)
            if found:
                _note_invalid(scan, text, breaks, after_cr)
                scan.high_bytes.update(high)
            if text:
                breaks += _line_breaks(text, after_cr)
                after_cr = text.endswith("\r")
            if not chunk:
                break
    scan.extra = scan.total - chars
    return scan


def _line_breaks(text: str, after_cr: bool) -> int:
    """Line breaks in ``text`` counted as the readers count them (\\n, \\r\\n or a lone \\r).

    ``after_cr``: the text follows a \\r, so a \\n at its start ends no new line.
    """
    count = text.count("\n") + text.count("\r") - text.count("\r\n")
    return count - 1 if after_cr and text.startswith("\n") else count


def _note_invalid(scan: Utf8Scan, text: str, breaks: int, after_cr: bool) -> None:
    """Count the undecodable bytes of one decoded chunk, finding the lines of the first few."""
    start = 0
    if not scan.later:
        position, line = 0, breaks + 1
        for match in _STRAY.finditer(text):
            line += _line_breaks(text[position : match.start()], after_cr and position == 0)
            position = match.start()
            if not scan.lines or line != scan.lines[-1]:
                if len(scan.lines) == LINES_NAMED:
                    start = position
                    break
                scan.lines.append(line)
            scan.invalid += 1
        else:
            return
    # Past the named lines only the number of bytes is wanted: count them without locating each.
    rest = len(_STRAY.findall(text, start))
    scan.invalid += rest
    scan.later += rest


#: What a byte 0x80-0xFF of Western European text is in cp1252: typographic
#: punctuation (0x80-0x9F), common signs, and the letters of the languages
#: cp1252 writes. Left out on purpose, so that text in another code page does
#: not pass for cp1252: what the letters of Central European, Baltic and
#: Turkish text look like when misread as cp1252 (Š š Ž ž, ¥ for Ą, ³ for ł,
#: ¼ ¾ for Ľ ľ, Ð ð for Đ ğ š, Þ þ for Ţ ş ž), and signs prose hardly uses.
_CP1252_WESTERN = frozenset(
    "€‚„…†‡‰‹‘’“”•–—˜™›ˆŒœŸ"
    "\u00a0¡¢£§©ª«\u00ad®°±²´µ·º»½¿"
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝß"
    "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿ"
)
#: At most this many invalid bytes per byte of valid multi-byte characters: "UTF-8 with stray bytes".
#: (A stray byte can make up to four invalid bytes, when it breaks a four-byte character.)
_STRAY_PER_MULTIBYTE = 4
#: At most this many invalid bytes are "a few stray bytes": a file otherwise in UTF-8 is read as UTF-8
#: (with replacement) without asking charset-normalizer, whose guess is unsure on so little; and a file
#: no encoding fits is still read as UTF-8 (with replacement) when no more of its bytes are invalid.
_FEW_INVALID = 16


def choose_encoding(
    scan: Utf8Scan, head: bytes, declared: tuple[str, str] | None = None
) -> tuple[str, str] | None:
    """The encoding of a file that is not valid UTF-8, with the warning that explains it; None if not text.

    ``declared`` is the charset a web page declares (its label as written and
    the codec it names, see :func:`provenance.ingest.htmlpage.declared_charset`).
    The valid multi-byte characters of the file are what speaks for UTF-8 with
    a few stray bytes, and its invalid bytes against it. A stray byte in
    UTF-8 text is a minority among them; a legacy double-byte code page
    (Shift_JIS, EUC-JP, GBK, Big5, EUC-KR) forms valid UTF-8 sequences by
    chance, often, but most of its bytes 0x80-0xFF are invalid (60-65% in
    Japanese and Chinese news text in Shift_JIS, EUC-JP and GBK, 80% in
    Korean and Big5). Decode what decodes, in this order:

    1. the declared charset, when the page decodes in it without an error
       (:func:`_decodes_strictly`): what its author says, and the bytes
       agree. A page that is valid UTF-8 never gets here: it is UTF-8
       whatever it declares. (A UTF-8 page with a stray byte that declares a
       Western code page reads as mojibake, which the mojibake repair undoes
       unless ``--no-repair``.)
    2. UTF-8 with replacement, when the file holds valid multi-byte
       characters, at most :data:`_STRAY_PER_MULTIBYTE` invalid bytes per
       byte they add, and the invalid bytes are few (:data:`_FEW_INVALID`)
       or fewer than the bytes of the valid characters: a UTF-8 file with
       stray bytes loses only those bytes.
    3. Windows-1255, when the words are Hebrew's letters there, final forms
       only at a word's end, as often as in Hebrew prose
       (:func:`_reads_as_hebrew`); else Windows-1253 (or ISO-8859-7), when
       the words are Greek's letters there, cased as Greek words are, the
       final sigma only at a word's end, and read as Russian they put
       capitals inside words (:func:`_greek_code_page`); else KOI8-R or Windows-1251, the code
       pages Russian text was most often written in, when most of the file's words that hold a byte 0xC0-0xFF
       are made of such bytes alone, as Cyrillic words are in both (no
       Western European word is: it holds ASCII letters too;
       :func:`_words_of_high_bytes`), and its
       other bytes 0x80-0xFF are ones that code page writes
       (:func:`_cyrillic_code_page`). Which of the two: the one in which
       the letters come as often as in Russian prose. Ahead of
       cp1252, which reads a short text in either as Western letters
       ("üÔÏ ÔÅÓÔ" for "Это тест"), and of charset-normalizer, which reads
       one KOI8-R sentence as cp932.
    4. cp1252, the legacy code page users have most, when every byte
       0x80-0xFF of the file reads in it as Western European punctuation or
       letters (:data:`_CP1252_WESTERN`) and its words are not those of
       another alphabet, as in rule 3 (a Greek, Hebrew or Arabic word in its
       code page reads as a run of accented letters; it is left to
       charset-normalizer, which tells those scripts). charset-normalizer alone reads short
       Western texts as cp1250, cp1257, cp852 or cp775 ("trčs" for "très",
       "ĹTransportĺ" for "‘Transport’").
    5. the encoding charset-normalizer detects, if it keeps ASCII as ASCII, the
       warning saying it is a guess: a sentence or two is too few bytes to
       tell code pages apart (one KOI8-R sentence reads best as cp932, two in
       Windows-1251 at times as mac_cyrillic), and no option of it helps;
       for a file that rule 2 would read as UTF-8 but for its many invalid
       bytes, only if the file's start and sample decode in it without an
       error (:func:`_decodes_strictly`). A single-byte code page decodes
       almost any bytes: a UTF-8 file with many stray bytes is kept by rule
       2, before any is tried, because most of its bytes 0x80-0xFF form
       UTF-8 characters.
    6. UTF-8 with replacement for the file rule 2 describes; else when only a
       few bytes are invalid (:data:`_FEW_INVALID`, or one in a hundred);
       else None: not text.
    """
    where = f"byte 0x{scan.first_byte:02x} on this line"
    utf8_with_strays = scan.extra > 0 and scan.invalid <= _STRAY_PER_MULTIBYTE * scan.extra
    stray_message = f"not valid UTF-8: {_invalid_bytes(scan)}; read as UTF-8, each replaced by U+FFFD"
    if declared is not None:
        label, codec = declared
        if _keeps_ascii(codec) and _decodes_strictly(codec, head, scan.sample):
            return codec, f"not UTF-8 ({where}); decoded as {codec} (the page declares charset={label})"
    if utf8_with_strays and scan.invalid <= max(_FEW_INVALID, scan.multibyte):
        return "utf-8", stray_message
    seen = _head_and_sample(head, scan)
    detect = functools.cache(functools.partial(_detect, seen))  # one detection, if any
    # The words of bytes 0x80-0xFF alone, if most such words are: what tells Hebrew, Russian and the rest.
    alone = _words_of_high_bytes(seen)
    if _reads_as_hebrew(alone, scan.high_bytes):
        return "cp1255", (
            f"not UTF-8 ({where}); decoded as cp1255 (its bytes 0x80-0xFF form words of Hebrew letters, "
            "final forms only at a word's end), a guess: save the file as UTF-8 to be sure"
        )
    greek = _greek_code_page(alone, scan.high_bytes, seen, detect)
    if greek is not None:
        return greek, (
            f"not UTF-8 ({where}); decoded as {greek} (its bytes 0x80-0xFF form words of Greek letters, "
            "final sigma only at a word's end, which read as Russian with capitals inside words), "
            "a guess: save the file as UTF-8 to be sure"
        )
    cyrillic = _cyrillic_code_page(alone, scan.high_bytes, detect)
    if cyrillic is not None:
        return cyrillic, (
            f"not UTF-8 ({where}); decoded as {cyrillic} (its bytes 0x80-0xFF form words of Cyrillic "
            "letters, as often as in Russian prose in it), a guess: save the file as UTF-8 to be sure"
        )
    if _reads_as_western_cp1252(scan.high_bytes) and not alone:
        return "cp1252", (
            f"not UTF-8 ({where}); decoded as cp1252 "
            "(its bytes 0x80-0xFF are Western European letters and punctuation)"
        )
    detected = detect()
    if detected is not None and (not utf8_with_strays or _decodes_strictly(detected, head, scan.sample)):
        return detected, (
            f"not UTF-8 ({where}); decoded as {detected}, a guess by charset-normalizer "
            "(wrong at times on a short text: save the file as UTF-8 to be sure)"
        )
    if utf8_with_strays:
        return "utf-8", stray_message
    if scan.invalid <= _FEW_INVALID or scan.invalid * 100 <= scan.total:
        return "utf-8", (
            f"not UTF-8 ({where}) and no other encoding fits: {_invalid_bytes(scan)}; "
            "read as UTF-8, each replaced by U+FFFD"
        )
    return None


def _head_and_sample(head: bytes, scan: Utf8Scan) -> bytes:
    """The file's start and its sample, each byte once: where the first invalid byte lies in the start, the
    sample begins inside it, and a detector given both would see that text twice (charset-normalizer reads
    a Russian sentence twice over as Thai where it reads it once as Windows-1251)."""
    return head + scan.sample[max(0, len(head) - scan.sample_start) :]


def _decodes_strictly(encoding: str, head: bytes, sample: bytes) -> bool:
    """Whether a file's start and its sample (from its first invalid UTF-8 byte) decode without an error.

    A character cut at the end is fine. The sample starts up to three bytes
    before a byte that may be the second, third or fourth of a character, so
    it counts as decoding when it does from one of its first four bytes.
    """
    try:
        codecs.getincrementaldecoder(encoding)(errors="strict").decode(head, final=False)
    except UnicodeDecodeError:
        return False
    for start in range(min(4, len(sample)) or 1):
        try:
            codecs.getincrementaldecoder(encoding)(errors="strict").decode(sample[start:], final=False)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _invalid_bytes(scan: Utf8Scan) -> str:
    """ "3 invalid bytes on lines 4, 9" or "12 invalid bytes on lines 1, 2, 3, 4, 5 and 7 on later lines"."""
    count = f"{scan.invalid:,} invalid byte{'s' if scan.invalid != 1 else ''}"
    lines = ", ".join(map(str, scan.lines))
    where = f"line{'s' if len(scan.lines) > 1 else ''} {lines}"
    later = f" and {scan.later:,} on later lines" if scan.later else ""
    return f"{count} on {where}{later}"


def _detect(data: bytes) -> str | None:
    """charset-normalizer's best encoding for ``data``; None if none fits or it does not keep ASCII as is."""
    from charset_normalizer import from_bytes

    match = from_bytes(data).best()
    return match.encoding if match is not None and _keeps_ascii(match.encoding) else None


def _keeps_ascii(encoding: str) -> bool:
    """True for an encoding in which ASCII bytes are the ASCII characters (not UTF-16, not EBCDIC)."""
    try:
        return _ASCII.decode(encoding) == _ASCII.decode("ascii")
    except (LookupError, UnicodeDecodeError):
        return False


#: The letters of the other languages written in Cyrillic that Windows-1251 puts at 0x80-0xBF: Ukrainian
#: і ї є ґ, Belarusian ў, Serbian and Macedonian ђ ј љ њ ћ џ ѓ ќ ѕ, in both cases.
_CP1251_OTHER_LETTERS = "іїєґўђјљњћџѓќѕ"
_CP1251_OTHER_BYTES = frozenset((_CP1251_OTHER_LETTERS + _CP1251_OTHER_LETTERS.upper()).encode("cp1251"))
# A word: a run of ASCII letters and of the bytes of Cyrillic letters in KOI8-R and Windows-1251 (0xC0-0xFF,
# ё and Ё of either, and the other letters of Windows-1251).
_BYTE_WORD = re.compile(
    b"[A-Za-z\xc0-\xff" + re.escape(bytes(sorted({0xA3, 0xB3, 0xA8, 0xB8} | _CP1251_OTHER_BYTES))) + b"]{2,}"
)
_ASCII_LETTER = re.compile(rb"[A-Za-z]")
#: Bytes 0x80-0xBF each code page writes in Cyrillic prose besides its letters 0xC0-0xFF: ё and Ё, no-break
#: space, and in Windows-1251 the other languages' letters and the typographic marks (… – — « » „ “ ” ‘ ’ №).
_CYRILLIC_EXTRA = {
    "koi8_r": frozenset({0xA3, 0xB3, 0x9A}),
    "cp1251": frozenset({0xA8, 0xB8, 0xA0, 0x85, 0x96, 0x97, 0xAB, 0xBB, 0x84, 0x93, 0x94, 0x91, 0x92, 0xB9})
    | _CP1251_OTHER_BYTES,
}


#: How often each letter comes in Russian prose (per cent, lower case): the text reads as Russian in the
#: code page whose letters come as often as Russian's do. KOI8-R orders its letters by the Latin ones they
#: sound like, Windows-1251 by the alphabet, so reading one as the other swaps common letters for rare ones.
_RUSSIAN_LETTERS = "оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё"
_RUSSIAN_PERCENTS = (
    "10.97 8.45 8.01 7.35 6.70 6.26 5.47 4.73 4.54 4.40 3.49 3.21 2.98 2.81 2.62 2.01 1.90 "
    "1.74 1.70 1.65 1.59 1.44 1.21 0.97 0.94 0.73 0.64 0.48 0.36 0.32 0.26 0.04 0.04"
)


def _letter_logs(letters: str, percents: str) -> dict[str, float]:
    """Each letter's share in prose, given in per cent, as its natural log."""
    return {
        letter: math.log(float(percent) / 100)
        for letter, percent in zip(letters, percents.split(), strict=True)
    }


_RUSSIAN_LETTER_LOG = _letter_logs(_RUSSIAN_LETTERS, _RUSSIAN_PERCENTS) | {
    # The other languages' letters, which Russian lacks, as letters of 0.1%, more than ё (which Windows-1251
    # writes where KOI8-R writes Ј): a Ukrainian or Serbian text is read in the code page that makes them
    # letters, not in the one that makes them box-drawing signs.
    letter: math.log(0.001)
    for letter in _CP1251_OTHER_LETTERS
}


#: Single-byte code pages of the other alphabets whose words are bytes 0x80-0xFF alone, as Python names them:
#: a text charset-normalizer reads in one of these is not taken for Russian.
_OTHER_SCRIPT_CODE_PAGES = {
    "Greek": ("cp1253", "iso8859_7", "mac_greek", "cp737", "cp869"),
    "Hebrew": ("cp1255", "iso8859_8", "cp862", "cp424", "cp856"),
    "Arabic": ("cp1256", "iso8859_6", "cp720", "cp864"),
    "Thai": ("cp874", "tis_620", "iso8859_11"),
}
_OTHER_SCRIPTS = frozenset(
    codecs.lookup(name).name for names in _OTHER_SCRIPT_CODE_PAGES.values() for name in names
)
_HEBREW_CODE_PAGES = frozenset(codecs.lookup(name).name for name in _OTHER_SCRIPT_CODE_PAGES["Hebrew"])


#: How often each Hebrew letter comes in news prose (per cent): the Haaretz corpus of 1990-1991 in the Hebrew
#: Wikipedia's table of letter frequencies ("שכיחות אותיות בעברית"). Windows-1255 writes them at 0xE0-0xFA in
#: this order, where KOI8-R writes Cyrillic capitals and Windows-1251 small letters.
_HEBREW_LETTERS = "אבגדהוזחטיךכלםמןנסעףפץצקרשת"
_HEBREW_PERCENTS = (
    "6.25 5.22 1.15 3.16 9.22 10.27 1.11 2.52 0.90 11.22 0.48 2.62 6.74 3.00 4.72 1.48 3.89 1.69 3.04 0.16 "
    "1.50 0.11 1.37 1.85 5.56 5.00 5.65"
)
_HEBREW_LETTER_LOG = _letter_logs(_HEBREW_LETTERS, _HEBREW_PERCENTS)
#: The final forms of kaf, mem, nun, pe and tsadi: written only at a word's end.
_HEBREW_FINALS = frozenset("ךםןףץ")
_HEBREW_BYTES = frozenset(range(0xE0, 0xFB))
#: The fewest letters in which Hebrew is told from Russian.
_HEBREW_MIN_LETTERS = 3


def _reads_as_hebrew(words: list[bytes], high_bytes: set[int]) -> bool:
    """Whether a text is Hebrew in Windows-1255 (:func:`choose_encoding`), told from Russian by its letters.

    ``words`` are its words of bytes 0x80-0xFF alone (:func:`_words_of_high_bytes`),
    all of them Hebrew letters (0xE0-0xFA),
    and every byte 0x80-0xFF decodes in Windows-1255. Those bytes are
    capitals in KOI8-R and small letters in Windows-1251, and
    charset-normalizer reads a short Hebrew text in either as often as not.
    Two things tell them apart: a final form (ך ם ן ף ץ) never stands
    inside a word, where Russian in KOI8-R has its commonest letters at
    those bytes (О Н С К Х) and Windows-1251 its к н п у х; and the
    letters come as often as in Hebrew prose rather than as in Russian
    prose in either code page (:func:`_reads_as_cyrillic`). A Russian text
    in capitals alone ("ТАК") reads better as Russian. Two letters alone
    ("ДА" in KOI8-R, "כן") are too few to tell: they are left to the rules
    after this one, which read them as Russian.
    """
    if not words or any(byte not in _HEBREW_BYTES for word in words for byte in word):
        return False
    if not _code_page_writes("cp1255", high_bytes):
        return False
    decoded = [word.decode("cp1255") for word in words]
    if sum(map(len, decoded)) < _HEBREW_MIN_LETTERS:
        return False
    if any(letter in _HEBREW_FINALS for word in decoded for letter in word[:-1]):
        return False
    hebrew = sum(_HEBREW_LETTER_LOG[letter] for word in decoded for letter in word)
    return hebrew > max(_reads_as_cyrillic(words, codec) for codec in _CYRILLIC_EXTRA)


#: Greek's final sigma: written only at a word's end, where Windows-1251 writes т and KOI8-R Т at its byte.
_GREEK_FINAL_SIGMA = "ς"
#: Ά before a small letter, as ISO-8859-7 writes it: Windows-1253 writes ¶ at 0xB6 (and Ά at 0xA2).
_ISO_GREEK_CAPITAL_ALPHA_TONOS = re.compile(rb"\xb6[\xdc-\xfe]")


def _greek_code_page(
    words: list[bytes], high_bytes: set[int], data: bytes, detect: Callable[[], str | None]
) -> str | None:
    """``"cp1253"`` or ``"iso8859-7"`` when a text (``data``) is Greek in it, else None.

    ``words`` are its words of bytes 0x80-0xFF alone (:func:`_words_of_high_bytes`).
    Windows-1253 puts the small Greek letters where KOI8-R puts Cyrillic
    capitals and Windows-1251 small letters, and charset-normalizer takes
    some short Greek texts for Russian in either (in a scratch draw, 3 of
    200 texts of one to three news sentences, 31-43 of 200 lists of two to
    eight of their words). No table of Greek letter frequencies to cite was
    found, so the shape of the words tells them apart, not their letters:
    in Greek every word is Greek letters, in small letters, capitals or
    capitalised, with the final sigma (ς) only at its end; and the same
    bytes in KOI8-R and in Windows-1251 give a capital after a small letter
    inside some word (the accented ά έ ή ί are small letters in KOI8-R and
    capitals in Windows-1251, the capitals the other way round), which
    Russian in its own code page does not. A Russian text is no such Greek:
    Windows-1251 writes т at ς's byte and я at one Windows-1253 lacks,
    KOI8-R р at one, and a Russian word read in Windows-1253 mixes the cases.

    ISO-8859-7 where its Ά (0xB6) starts a word or charset-normalizer names
    it, and no byte is one of Windows-1253's signs 0x80-0x9F; else
    Windows-1253.
    """
    # 0x81, 0x88, 0x8A, 0x8C-0x90, 0x98, 0x9A, 0x9C-0x9F, 0xAA, 0xD2, 0xFF: no character in Windows-1253.
    if not words or not _code_page_writes("cp1253", high_bytes):
        return None
    for word in (word.decode("cp1253") for word in words):
        if not all("\u0386" <= letter <= "\u03ce" and letter.isalpha() for letter in word):
            return None
        if _GREEK_FINAL_SIGMA in word[:-1]:
            return None
        if not (word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())):
            return None
    if not all(_case_switches(words, codec) for codec in _CYRILLIC_EXTRA):
        return None  # reads as Russian in one of its code pages: the rules after this one weigh it
    if any(byte < 0xA0 for byte in high_bytes):
        return "cp1253"  # its punctuation (… – — “ ”), where ISO-8859-7 has control characters
    if not _code_page_writes("iso8859-7", high_bytes):  # 0xAE, 0xD2, 0xFF: no character in ISO-8859-7
        return "cp1253"
    if _ISO_GREEK_CAPITAL_ALPHA_TONOS.search(data):
        return "iso8859-7"
    detected = detect()  # the two differ at a few signs only: charset-normalizer's word, if it names one
    return "iso8859-7" if detected is not None and codecs.lookup(detected).name == "iso8859-7" else "cp1253"


def _cyrillic_code_page(
    cyrillic: list[bytes], high_bytes: set[int], detect: Callable[[], str | None]
) -> str | None:
    """``"koi8_r"`` or ``"cp1251"`` when a text reads as Russian in it (:func:`choose_encoding`), else None.

    ``cyrillic`` are its words of bytes 0x80-0xFF alone (:func:`_words_of_high_bytes`:
    none unless most words holding a byte 0xC0-0xFF are such), and
    charset-normalizer must not read the text as Greek, Hebrew, Arabic or
    Thai, whose words are such bytes too (it reads those right where it
    fails on a short Russian text: one sentence in KOI8-R as cp932, "Да." as
    UTF-16). Of the two code pages, the one in which the letters come as
    often as in Russian prose, with capitals where prose has them
    (:func:`_reads_as_cyrillic`), and whose other bytes 0x80-0xFF are ones
    it writes in prose.
    """
    others = {byte for byte in high_bytes if byte < 0xC0}
    fitting = [codec for codec, extra in _CYRILLIC_EXTRA.items() if others <= extra]
    if not fitting or not cyrillic:
        return None
    detected = detect()  # charset-normalizer's reading, shared with the rule after this one
    named = None if detected is None else codecs.lookup(detected).name
    if named in _OTHER_SCRIPTS and not (named in _HEBREW_CODE_PAGES and _not_hebrew_words(cyrillic)):
        return None  # Greek, Hebrew, Arabic and Thai words are of such bytes too: the detector tells them
    scores = {codec: _reads_as_cyrillic(cyrillic, codec) for codec in fitting}
    return max(scores, key=lambda codec: scores[codec]) if scores else None


def _not_hebrew_words(words: list[bytes]) -> bool:
    """Whether one of ``words`` starts with a byte 0xC0-0xDF, as no Hebrew word in a Hebrew code page does.

    Windows-1255 and ISO-8859-8 write the letters at 0xE0-0xFA and vowel
    points and marks, which follow a letter, at 0xC0-0xDF (the DOS code pages
    box-drawing signs there). Russian in KOI8-R starts every word in small
    letters with such a byte, and charset-normalizer takes a few short
    sentences of it ("Привет, мир. Нет.") for Windows-1255.
    """
    return any(0xC0 <= word[0] <= 0xDF for word in words)


#: What a small letter followed by a capital in one word costs a reading, in the log-frequency units of
#: :data:`_RUSSIAN_LETTER_LOG`: about as much as two rare letters.
_SMALL_THEN_CAPITAL = -10.0


def _reads_as_cyrillic(words: list[bytes], codec: str) -> float:
    """How well ``words`` read as Cyrillic prose in ``codec``: their letters' log-frequencies in Russian prose
    (case aside), and :data:`_SMALL_THEN_CAPITAL` (negative) for each capital after a small letter in a word.

    KOI8-R puts the small letters where Windows-1251 puts the capitals: read
    in the other code page, "Всё" comes out as "чСЈ". A text in one case only
    ("США", "мы пошли") has no such switch either way, and its letters decide.
    """
    letters = "".join(word.decode(codec, "replace") for word in words).lower()
    return sum(
        _RUSSIAN_LETTER_LOG.get(char, -20.0) for char in letters
    ) + _SMALL_THEN_CAPITAL * _case_switches(words, codec)


def _case_switches(words: list[bytes], codec: str) -> int:
    """How many times a capital follows a small letter inside one of ``words``, read in ``codec``."""
    return sum(
        1
        for word in words
        for before, after in itertools.pairwise(word.decode(codec, "replace"))
        if before.islower() and after.isupper()
    )


def _words_of_high_bytes(data: bytes) -> list[bytes]:
    """The words of ``data`` without an ASCII letter, if most words holding a byte 0x80-0xFF are such.

    A word is a run of two letters or more of :data:`_BYTE_WORD` (ASCII
    letters, bytes 0xC0-0xFF, and the bytes of ё, Ё and the other Cyrillic
    letters Windows-1251 writes below 0xC0). Words of ASCII letters alone
    say nothing of the code page (an English title over a Russian text), so
    only the words holding another byte are weighed. A Western European one
    holds ASCII letters too ("caf\xe9", "\xe9t\xe9"); a Russian, Greek,
    Hebrew or Arabic one in its single-byte code page does not, and reads in
    cp1252 as a run of accented letters ("\xf0\xe5\xf9" for a Hebrew word).
    """
    words = [word for word in _BYTE_WORD.findall(data) if not word.isascii()]
    alone = [word for word in words if _ASCII_LETTER.search(word) is None]
    return alone if 2 * len(alone) >= len(words) else []


def _code_page_writes(codec: str, high_bytes: set[int]) -> bool:
    """Whether every byte of ``high_bytes`` is a character in the single-byte code page ``codec``."""
    try:
        bytes(sorted(high_bytes)).decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _reads_as_western_cp1252(high_bytes: set[int]) -> bool:
    try:
        text = bytes(sorted(high_bytes)).decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D are no character in cp1252
        return False
    return bool(text) and set(text) <= _CP1252_WESTERN


def _nonblocking(path: str, flags: int) -> int:
    """Open without blocking: a FIFO put where a file was must not hang the audit (files ignore the flag)."""
    return os.open(path, flags | os.O_NONBLOCK)
