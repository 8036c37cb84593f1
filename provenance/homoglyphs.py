"""Letters of another script put into a Latin word for their look, read as the Latin letters they imitate.

A copy can swap some Latin letters for Cyrillic or Greek ones that look the
same ("Тhе" with a Cyrillic Т and е): a reader sees the same words, a tool
that compares characters sees other words, and the copy shared none with its
source. Unicode lists such look-alikes in its confusables (UTS #39,
confusables.txt, as the ``confusable_homoglyphs`` package ships it). A letter
of a script other than Latin that one ASCII letter of its case is confusable
with is read as that letter (:func:`fold_homoglyphs`), but only inside a word
that also holds an ASCII letter: the swap leaves some Latin letters, and a
word wholly in Cyrillic, Greek or Armenian is left as written, so that text in
those scripts compares as before (the table would fold Greek σ and ο alike).
A word whose every letter was swapped is not caught.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from importlib import resources

__all__ = ["fold_homoglyphs", "homoglyph_table"]

# A run of word characters, and an ASCII letter in it.
_WORD = re.compile(r"\w+")
_ASCII_LETTER = re.compile("[A-Za-z]")


@functools.cache
def homoglyph_table() -> dict[int, str]:
    """Letter of another script -> the one ASCII letter of its case it is confusable with (read once)."""
    text = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text(encoding="utf-8")
    table: dict[int, str] = {}
    for char, alikes in json.loads(text).items():
        if len(char) != 1 or not char.isalpha() or char.isascii():
            continue
        case = unicodedata.category(char)
        if case not in ("Ll", "Lu") or unicodedata.name(char, "LATIN").startswith("LATIN"):
            continue
        if unicodedata.normalize("NFKC", char) != char:
            continue  # NFKC reads it already (fullwidth and mathematical letters)
        letters = {
            alike["c"]
            for alike in alikes
            if len(alike["c"]) == 1
            and alike["c"].isascii()
            and alike["c"].isalpha()
            and unicodedata.category(alike["c"]) == case
        }
        if len(letters) == 1:
            table[ord(char)] = letters.pop()
    return table


def fold_homoglyphs(text: str) -> str:
    """``text`` with each word that holds an ASCII letter read with its look-alike letters as ASCII ones."""
    if text.isascii():
        return text
    return _WORD.sub(_folded_word, text)


def _folded_word(found: re.Match[str]) -> str:
    word = found.group()
    if word.isascii() or _ASCII_LETTER.search(word) is None:
        return word
    return word.translate(homoglyph_table())
