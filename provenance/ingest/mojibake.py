"""Undo mojibake already in a dump's text, for every format in one place.

A dump often holds text that was decoded wrongly before it reached the user:
UTF-8 read as Windows-1252 and saved again ("â€œ" where "“" was meant), in
a WordPress export's titles or a scraped page's paragraphs. The bytes of the
file are then valid and decode as written; only the text is wrong. ftfy
(a maintained library for exactly this) recognises such sequences and
decodes them as they were meant.

Only the repair of mojibake is switched on (:data:`FIXER_CONFIG`): curly
quotes, ligatures, widths, HTML entities, control characters, line breaks and
Unicode normalization are left as the dump has them, so text that is fine
is never changed.

Cost: ftfy's badness check is one large regular expression, about 2 MB/s,
and English text with curly quotes is rarely ASCII. So the text is sieved
first (:func:`_may_hold_mojibake`): UTF-8 read in a single-byte encoding
always shows a character of a lead byte (0xC0-0xF4) followed by one of a
continuation byte (0x80-0xBF, or a space where a no-break space was lost),
or a C1 control. A character class finds the first lead at about 150 MB/s
(English with curly quotes has none), and a pattern of one alternative the
pair at about 50 MB/s; only text that passes both meets ftfy. The sieve covers the
encodings ftfy knows but MacRoman and DOS code page 437, whose lead bytes
are curly quotes, dashes and box drawing: with them every English paragraph
would pass the first sieve. UTF-8 read as MacRoman or cp437 is therefore not
looked for. Text that really is mojibake costs ftfy 1-2 microseconds a
character to repair (a wholly double-encoded 1 GB export would add twenty
to forty minutes); ``--no-repair`` leaves it as it is.

Each repaired field (title, paragraph, note, citation field, tag) is a
warning naming its file and line and showing the first change, cut to
:data:`SHOWN_CHARS` characters on each side.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import re
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher
from typing import Any, TypeVar

from provenance.models import InputWarning, Post

__all__ = ["FIXER_CONFIG", "NOT_LOOKED_FOR", "SHOWN_CHARS", "first_repair", "repair_post", "repaired"]

_Record = TypeVar("_Record")

#: ftfy's options: every fix off but the repair of mojibake (``ftfy.TextFixerConfig`` fields).
FIXER_CONFIG: dict[str, Any] = dict(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=False,
    decode_inconsistent_utf8=True,
    fix_c1_controls=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)
#: Longest piece of text shown before and after a repair in its warning.
SHOWN_CHARS = 40


#: Encodings of ftfy's list that the sieve leaves out (see the module doc).
NOT_LOOKED_FOR = frozenset({"macroman", "cp437"})
# The bytes whose loss to a space restore_byte_a0 undoes (ftfy.chardata.ALTERED_UTF8_RE).
_SPACED_LEADS = (0xC2, 0xC3, 0xC5, 0xCE, 0xD0, 0xD9, 0xE2, 0xE3, 0xF0)
_C1_CONTROLS = "".join(chr(code) for code in range(0x80, 0xA0))


def repaired(text: str) -> str:
    """``text`` with its mojibake undone; the same object when there is none (almost always)."""
    if text.isascii() or not _may_hold_mojibake(text):
        return text
    from ftfy import TextFixerConfig, fix_encoding
    from ftfy.badness import is_bad

    if not is_bad(text):
        return text
    # fix_encoding, not fix_text: with every other fix off they agree, and fix_text confirms each
    # result with one more pass over the text (40% of the time on a paragraph of mojibake).
    fixed = fix_encoding(text, TextFixerConfig(**FIXER_CONFIG))
    return fixed if fixed != text else text


def _may_hold_mojibake(text: str) -> bool:
    """Whether ``text`` has what UTF-8 read as a single-byte encoding leaves: the cheap sieve before ftfy."""
    leads, pairs = _sieves()
    first = leads.search(text)
    return first is not None and pairs.search(text, first.start()) is not None


@functools.cache
def _sieves() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A lead-byte character (or a C1 control) anywhere; then one before a continuation character.

    Built from ftfy's own list of encodings on first use (ftfy is imported
    only when a dump holds text that is not ASCII).
    """
    import ftfy  # noqa: F401  (registers the sloppy-windows codecs the list names)
    from ftfy.chardata import CHARMAP_ENCODINGS

    leads: set[str] = set()
    continuations: set[str] = set()
    spaced: set[str] = set()
    for encoding in CHARMAP_ENCODINGS:
        if encoding in NOT_LOOKED_FOR:
            continue
        leads.update(_decoded(encoding, range(0xC0, 0xF5)))
        continuations.update(_decoded(encoding, range(0x80, 0xC0)))
        spaced.update(_decoded(encoding, _SPACED_LEADS))

    def cls(chars: Iterable[str]) -> str:
        return "[" + "".join(re.escape(char) for char in sorted(chars)) + "]"

    first = cls(leads | set(_C1_CONTROLS))
    # One alternative, not three: Python's re scans a pattern that starts with a class at ~50 MB/s
    # and an alternation of three at ~10 (the lookbehinds look at the character just matched).
    return (
        re.compile(first),
        re.compile(f"{first}(?:(?<={cls(_C1_CONTROLS)})|{cls(continuations)}|(?<={cls(spaced)}) )"),
    )


def _decoded(encoding: str, codes: Iterable[int]) -> list[str]:
    """The character each byte stands for in ``encoding``, bytes it leaves undefined left out."""
    found = []
    for code in codes:
        with contextlib.suppress(UnicodeDecodeError):
            found.append(bytes([code]).decode(encoding))
    return found


def _may_need_repair(post: Post) -> bool:
    """Whether any text field of ``post`` passes the sieve: one check of all of them joined.

    Fields are joined with a line break, which no mojibake pair contains, so
    two fields never make a pair between them; a post of ASCII text costs
    one ``isascii`` in C.
    """
    citation = post.citation
    cited = (
        ()
        if citation is None
        else (citation.title or "", citation.outlet or "", citation.author or "", *citation.authors)
    )
    text = "\n".join(
        (
            post.title,
            *(p.text for p in post.paragraphs),
            *(n.text for n in post.notes),
            *cited,
            *post.categories,
            *post.tags,
        )
    )
    return not text.isascii() and _may_hold_mojibake(text)


#: Characters of unchanged text shown before a repair, to say where it is.
CONTEXT_CHARS = 12


def _shown(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def first_repair(before: str, after: str) -> tuple[str, str, bool]:
    """The first stretch ftfy changed as (before, after) with the text just before it, and whether more did.

    Only a window after the first differing character is aligned
    (``difflib``), so a long paragraph costs no more than a short one.
    """
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    window = 3 * SHOWN_CHARS
    matcher = SequenceMatcher(
        None, before[start : start + window], after[start : start + window], autojunk=False
    )
    _, a0, a1, b0, b1 = next(op for op in matcher.get_opcodes() if op[0] != "equal")
    context = before[max(0, start - CONTEXT_CHARS) : start + a0]
    more = before[start + a1 :] != after[start + b1 :]
    return context + before[start + a0 : start + a1], context + after[start + b0 : start + b1], more


class _Repairs:
    """Repairs the text fields of one post, collecting a warning for each field changed.

    Every method returns its argument itself when nothing changed, so that a
    post without mojibake (nearly all) is handed on without a copy.
    """

    def __init__(self, post: Post, warnings: list[InputWarning]) -> None:
        self.path = post.source.path
        self.fallback_line = post.source.line_start
        self.warnings = warnings

    def text(self, text: str, what: str, line: int) -> str:
        fixed = repaired(text)
        if fixed is not text:
            before, after, more = first_repair(text, fixed)
            self.warnings.append(
                InputWarning(
                    self.path,
                    line or self.fallback_line,
                    f"repaired mojibake in the {what}: {_shown(before)!r} -> {_shown(after)!r}"
                    + (" (and more in the same text)" if more else ""),
                )
            )
        return fixed

    def optional(self, text: str | None, what: str, line: int) -> str | None:
        return None if text is None else self.text(text, what, line)

    def texts(self, texts: tuple[str, ...], what: str, line: int) -> tuple[str, ...]:
        fixed = tuple(self.text(text, what, line) for text in texts)
        return texts if all(a is b for a, b in zip(fixed, texts, strict=True)) else fixed

    def records(self, records: tuple[_Record, ...], fix: Callable[[_Record], _Record]) -> tuple[_Record, ...]:
        fixed = tuple(fix(record) for record in records)
        return records if all(a is b for a, b in zip(fixed, records, strict=True)) else fixed


def _replaced(record: _Record, **changes: Any) -> _Record:
    """``record`` with the fields that changed (by identity); the record itself when none did."""
    changed = {name: value for name, value in changes.items() if value is not getattr(record, name)}
    return dataclasses.replace(record, **changed) if changed else record  # type: ignore[type-var]


def repair_post(post: Post, warnings: list[InputWarning]) -> Post:
    """``post`` with mojibake undone in its title, paragraphs, notes, citation, tags and categories.

    Returns ``post`` itself when nothing needed repair; each repair appends a
    warning to ``warnings``.
    """
    if not _may_need_repair(post):
        return post
    fix = _Repairs(post, warnings)
    line = post.title_line
    citation = post.citation
    if citation is not None:
        at = citation.line or line
        citation = _replaced(
            citation,
            title=fix.optional(citation.title, "citation's title", at),
            outlet=fix.optional(citation.outlet, "citation's outlet", at),
            author=fix.optional(citation.author, "citation's author", at),
            authors=fix.texts(citation.authors, "citation's authors", at),
            # The line as written, which the fields above come from: repaired with them, warned there.
            raw=repaired(citation.raw),
        )
    return _replaced(
        post,
        title=fix.text(post.title, "title", line),
        paragraphs=fix.records(
            post.paragraphs,
            lambda p: _replaced(p, text=fix.text(p.text, f"paragraph {p.index + 1}", p.line)),
        ),
        notes=fix.records(
            post.notes, lambda n: _replaced(n, text=fix.text(n.text, f"{n.role} note", n.line))
        ),
        citation=citation,
        categories=fix.texts(post.categories, "categories", line),
        tags=fix.texts(post.tags, "tags", line),
    )
