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
A word whose every letter was swapped ("сору" with Cyrillic с, о, р and у) is
read as Latin where the text around it reads as Latin (:func:`as_latin`):
the duplicate stage reads each text so before it splits its words, and the
credit and mention readers read posts so.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from importlib import resources

from provenance.invisible import ASCII_LETTER as _ASCII_LETTER
from provenance.invisible import IGNORABLE_CHARACTERS, may_hide
from provenance.invisible import WORD_WITH_IGNORABLES as _WORD
from provenance.nfkc import nfkc

__all__ = ["as_latin", "fold_homoglyphs", "homoglyph_table"]

# A word as the look-alike letters' context counts it: with its apostrophes and brackets.
_COUNTED_WORD = re.compile("[\\w\\[\\]'\u2018\u2019\u201b\u02bc\u00b4`]+")
# A letter (a word character that is no digit and no underscore), and one beyond ASCII.
_LETTER = re.compile(r"[^\W\d_]")
_OTHER_LETTER = re.compile(r"[^\W\d_a-zA-Z]")


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


def as_latin(text: str) -> str:
    """``text`` with look-alike letters read as Latin where it reads as Latin, one letter for one.

    :func:`fold_homoglyphs` with ``in_latin_text``, after a quick test that
    passes over most texts (:func:`~provenance.invisible.may_hide`). The
    text keeps its length, so every span found in the result is one of
    ``text``.
    """
    return fold_homoglyphs(text, in_latin_text=True) if may_hide(text) else text


def fold_homoglyphs(text: str, *, in_latin_text: bool = False) -> str:
    """``text`` with each word that holds an ASCII letter read with its look-alike letters as ASCII ones.

    With ``in_latin_text``, when the words holding an ASCII letter outnumber
    the words of letters of other scripts, a word made only of look-alike
    letters is read as Latin too: "АР: Storm hits the coast" is "AP: ...",
    while "Москва сообщает" (and a Latin name in it) reads as written.
    """
    if text.isascii():
        return text
    if in_latin_text and _reads_as_latin(text):
        return _WORD.sub(_folded_word_among_latin, text)
    return _WORD.sub(_folded_word, text)


def _reads_as_latin(text: str) -> bool:
    """Whether more words of ``text`` hold an ASCII letter than hold letters and no ASCII letter.

    Counted on the text as the duplicate stage compares it (NFKC, case folded, no ignorable
    characters; an apostrophe or an editor's bracket inside a word splits none), so that a
    normalised text is read as its original was: "ＡＢＣ" counts as Latin either way.
    """
    words = _COUNTED_WORD.findall(nfkc(IGNORABLE_CHARACTERS.sub("", text)).casefold())
    latin = sum(1 for word in words if _ASCII_LETTER.search(word))
    return latin > sum(1 for word in words if _ASCII_LETTER.search(word) is None and _LETTER.search(word))


def _folded_word(found: re.Match[str]) -> str:
    word = found.group()
    if word.isascii() or _ASCII_LETTER.search(word) is None:
        return word
    return word.translate(homoglyph_table())


def _folded_word_among_latin(found: re.Match[str]) -> str:
    word = found.group()
    if word.isascii():
        return word
    folded = word.translate(homoglyph_table())
    if _ASCII_LETTER.search(word) is not None or _OTHER_LETTER.search(folded) is None:
        return folded  # a Latin word, or one whose every letter looks like a Latin one
    return word
