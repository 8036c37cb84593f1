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
is never changed. ftfy's own badness check runs first and decides nothing
needs doing for ASCII text and for text without the character sequences
mojibake leaves, which is almost all of a dump.

Each repaired field (title, paragraph, note, citation field, tag) is a
warning naming its file and line and showing the first change, cut to
:data:`SHOWN_CHARS` characters on each side.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from difflib import SequenceMatcher
from typing import Any, TypeVar

from ftfy import TextFixerConfig, fix_text
from ftfy.badness import is_bad

from provenance.models import InputWarning, Post

__all__ = ["FIXER_CONFIG", "SHOWN_CHARS", "first_repair", "repair_post", "repaired"]

_Record = TypeVar("_Record")

#: ftfy with every fix off but the repair of mojibake.
FIXER_CONFIG = TextFixerConfig(
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


def repaired(text: str) -> str:
    """``text`` with its mojibake undone; the same object when there is none (almost always)."""
    if text.isascii() or not is_bad(text):
        return text
    fixed = fix_text(text, FIXER_CONFIG)
    return fixed if fixed != text else text


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
