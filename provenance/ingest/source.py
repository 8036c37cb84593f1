"""Opening an input file safely: what it is, how it is encoded, and its lines as a stream.

Every reader starts here, so that the bad-input cases are handled once, the
same way for every format: a broken symbolic link, a file that cannot be
opened, an empty file or a binary one becomes a :class:`SkippedFile` with a
reason instead of an exception; a file that is not UTF-8 is decoded with the
encoding charset-normalizer detects, and a warning says which; a line longer
than :data:`MAX_LINE_CHARS` is never held whole in memory (see
:class:`LongLine`).

Nothing here reads a whole file into memory: the encoding check and the line
stream both go through the file in fixed-size chunks.
"""

from __future__ import annotations

import codecs
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

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

    def check_encoding(self) -> SkippedFile | None:
        """Decide the encoding, reading the file once in chunks; a SkippedFile if no text encoding fits."""
        if self.bom_encoding is not None:
            self.encoding = self.bom_encoding
            return None
        bad_offset, bad_line, sample = _first_invalid_utf8(self.path)
        if bad_offset is None:
            self.encoding = "utf-8"
            return None
        from charset_normalizer import from_bytes

        match = from_bytes(self.head_bytes + sample).best()
        if match is None:
            return SkippedFile(
                self.name, f"not text: not UTF-8 (invalid byte at line {bad_line}) and no encoding fits"
            )
        self.encoding = match.encoding
        bad_byte = sample[0] if sample else 0
        self.warnings.append(
            InputWarning(
                self.name,
                bad_line,
                f"not UTF-8 (byte 0x{bad_byte:02x} on this line); decoded as {self.encoding} "
                "(detected by charset-normalizer)",
            )
        )
        return None

    def lines(self) -> Iterator[str]:
        """The file's physical lines without line breaks, streamed.

        Line breaks are ``\\n``, ``\\r\\n`` or a lone ``\\r`` (what editors
        count), so line numbers match what a user sees. A line longer than
        :data:`MAX_LINE_CHARS` comes as a :class:`LongLine` and the rest of it
        is read past in chunks, never held.
        """
        encoding = self.encoding or "utf-8"
        with open(self.path, encoding=encoding, errors="replace", newline=None) as handle:
            yield from iter_lines(handle)

    def read_text(self) -> str:
        """The whole decoded file, for one-post formats whose post is the whole file."""
        with open(self.path, encoding=self.encoding or "utf-8", errors="replace", newline=None) as handle:
            return handle.read()


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


def open_source(path: Path) -> SourceFile | SkippedFile:
    """Check that ``path`` is a readable, non-empty text file and sniff its start.

    Returns a :class:`SkippedFile` with the reason (``broken symbolic link``,
    ``unreadable: …``, ``empty file``, ``binary file …``) instead of raising.
    """
    name = str(path)
    if path.is_symlink() and not path.exists():
        return SkippedFile(name, f"broken symbolic link to {os.readlink(path)!r}")
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        return SkippedFile(name, f"unreadable: {exc.strerror or exc}")
    if not head:
        return SkippedFile(name, "empty file")
    bom_encoding = next((enc for bom, enc in _BOMS if head.startswith(bom)), None)
    if bom_encoding in (None, "utf-8-sig") and b"\0" in head:
        offset = head.index(b"\0")
        return SkippedFile(name, f"binary file (NUL byte at offset {offset})")
    decoder = codecs.getincrementaldecoder(bom_encoding or "utf-8")(errors="replace")
    text = decoder.decode(head, final=False)
    if not text.strip() and len(head) < HEAD_BYTES:
        return SkippedFile(name, "empty file (only blank lines)")
    return SourceFile(path, name, head, text, bom_encoding)


def _first_invalid_utf8(path: Path) -> tuple[int | None, int, bytes]:
    """Offset and 1-based line of the first byte that is not UTF-8, and a sample from there.

    Streams the file through an incremental decoder, so a 1 GB file costs one
    read, not 1 GB of memory.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    newlines = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK_BYTES):
            try:
                decoder.decode(chunk, final=False)
            except UnicodeDecodeError as exc:
                # The decoder may hold up to 3 bytes of the previous chunk, so
                # exc.start can be negative relative to this chunk.
                start = max(exc.start, 0)
                line = newlines + chunk.count(b"\n", 0, start) + 1
                return offset + start, line, chunk[start : start + 65_536]
            offset += len(chunk)
            newlines += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset, newlines + 1, b""
    return None, 0, b""
