"""Characters no reader sees, letters that only look like others, and text as a reader reads it.

Unicode's default ignorable code points (``Default_Ignorable_Code_Point`` in
DerivedCoreProperties.txt): the soft hyphen, zero-width space, non-joiner and
joiner, the bidirectional marks, overrides and isolates, the word joiner,
variation selectors, the byte-order mark and the tag characters. Unicode asks
renderers to draw them as nothing. Put between the letters of a word they
change no word a reader sees, yet every tool that reads the characters sees
other words: a copy with a zero-width space between every two letters shared
no word with its source, and "Reuters" with one after its R named no outlet.
A Cyrillic or Greek letter put into a Latin word for its look ("Rеuters" with
a Cyrillic е) does the same (:mod:`provenance.homoglyphs`). The duplicate
stage compares words without either (:mod:`provenance.shingle`), and the
credit and mention readers read each post as a reader sees it
(:func:`visible_post`).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import TypeVar

from provenance.models import ClassifiedLine, Paragraph, Post

_Texted = TypeVar("_Texted", Paragraph, ClassifiedLine)

__all__ = [
    "ASCII_LETTER",
    "IGNORABLE",
    "IGNORABLE_CHARACTERS",
    "SOFT_HYPHEN",
    "WORD_WITH_IGNORABLES",
    "disguised_words",
    "hidden_characters",
    "may_hide",
    "misplaced_soft_hyphen",
    "visible",
    "visible_post",
]

#: The default ignorable code points, as the body of a regex character class.
IGNORABLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
IGNORABLE_CHARACTERS = re.compile(f"[{IGNORABLE}]+")
#: A word as the look-alike letters' readers split text: word characters, and characters no reader sees,
#: which split no word ("R\u200beuters" is one word).
WORD_WITH_IGNORABLES = re.compile(f"[\\w{IGNORABLE}]+")
#: What makes a word Latin for them: an ASCII letter in it.
ASCII_LETTER = re.compile("[A-Za-z]")


@functools.cache
def _may_hide() -> re.Pattern[str]:
    """A character class that holds every character :func:`visible` reads otherwise, and more.

    The ignorable characters of the Basic Multilingual Plane, the stretches
    of it the look-alike letters lie in, and every character beyond it (an
    emoji too): a superset, so that a text it finds nothing in needs no
    closer look. A few wide ranges let the regex engine test each character
    in one step; the exact class of ignorable characters (with its ranges
    beyond the plane) took four times as long to find nothing in a
    paragraph, and most paragraphs beyond ASCII (a curly quote is enough)
    hold nothing to read otherwise.
    """
    from provenance.homoglyphs import homoglyph_table  # it imports this module

    stretches: list[list[int]] = []
    for code in sorted(code for code in homoglyph_table() if code <= 0xFFFF):
        if stretches and code - stretches[-1][1] <= 0x100:
            stretches[-1][1] = code
        else:
            stretches.append([code, code])
    basic = "".join(part for part in re.findall(r".-.|.", IGNORABLE) if part[-1] <= "\uffff")
    ranges = "".join(f"{chr(first)}-{chr(last)}" for first, last in stretches)
    return re.compile(f"[{basic}{ranges}\U00010000-\U0010ffff]")


def may_hide(text: str) -> bool:
    """Whether ``text`` may hold a character no reader sees or a letter that looks like a Latin one.

    False only when it holds neither (a quick test, true of some texts that
    hold neither): :func:`visible` and the duplicate stage's reading of
    look-alike letters look closer only where it is true.
    """
    return not text.isascii() and _may_hide().search(text) is not None


def visible(text: str) -> str:
    """``text`` as a reader sees it (the same string when that is how it is written).

    Without its default ignorable characters, and with look-alike letters
    read as the Latin ones they imitate, in a word that holds an ASCII letter
    or, in a text that reads as Latin, in any word
    (:func:`~provenance.homoglyphs.fold_homoglyphs`: one letter for one, so
    the text keeps its length where it hides no ignorable character).
    """
    if not may_hide(text):
        return text
    from provenance.homoglyphs import fold_homoglyphs  # it imports this module

    return fold_homoglyphs(IGNORABLE_CHARACTERS.sub("", text), in_latin_text=True)


def hidden_characters(text: str) -> list[tuple[str, str | None]]:
    """What ``text`` holds that a reader does not see as written, in order: each character no reader sees
    (with None), and each letter that looks like a Latin one (with that ASCII letter).

    Every look-alike letter of the table counts, whatever the word around it:
    this is asked of a word already known to read as another word that holds
    the Latin letters (a disguised copy's word beside its source's).
    """
    if not may_hide(text):
        return []
    from provenance.homoglyphs import homoglyph_table  # it imports this module

    table = homoglyph_table()
    found: list[tuple[str, str | None]] = []
    for char in text:
        latin = table.get(ord(char))
        if latin is not None:
            found.append((char, latin))
        elif IGNORABLE_CHARACTERS.fullmatch(char):
            found.append((char, None))
    return found


#: The character a site may put into long words for line breaks.
SOFT_HYPHEN = "\u00ad"
#: A soft hyphen where no hyphenation library would put one: hyphenation leaves two letters or more on
#: either side of a break (TeX's and Hyphenator's ``leftmin`` and ``rightmin``, Hunspell's LEFTHYPHENMIN
#: and RIGHTHYPHENMIN are 2 and more), so one after a word's first letter or before its last breaks no line.
_MISPLACED_SOFT_HYPHEN = re.compile(f"(?<![^\\W\\d_]{{2}}){SOFT_HYPHEN}|{SOFT_HYPHEN}(?![^\\W\\d_]{{2}})")
# A character no reader sees between two letters.
_HIDDEN_BETWEEN_LETTERS = re.compile(f"(?<=[^\\W\\d_])[{IGNORABLE}]+(?=[^\\W\\d_])")


def misplaced_soft_hyphen(word: str) -> bool:
    """Whether ``word`` holds a soft hyphen where no hyphenation library would put one (see above)."""
    return SOFT_HYPHEN in word and _MISPLACED_SOFT_HYPHEN.search(word) is not None


def disguised_words(text: str) -> list[tuple[int, int, list[tuple[str, str | None]]]]:
    """The words of ``text`` that disguise themselves, with no other text to compare them with: (start,
    end, what each hides, as :func:`hidden_characters` says it).

    A word of Latin letters (it holds an ASCII letter) with a letter of another script that looks like
    a Latin one ("Rеuters"), or with a character no reader sees between two of its letters (a soft
    hyphen only where no hyphenation would put it). Nothing else counts: a Greek letter standing alone
    ("α-helix"), a word in another script, a joiner inside a Persian or Hindi word, a site's hyphenation.
    """
    if not may_hide(text):
        return []
    from provenance.homoglyphs import homoglyph_table  # it imports this module

    table = homoglyph_table()
    found = []
    for word in WORD_WITH_IGNORABLES.finditer(text):
        written = word.group()
        if written.isascii() or ASCII_LETTER.search(written) is None:
            continue
        alike = [(char, table[ord(char)]) for char in written if ord(char) in table]
        unseen: list[tuple[str, str | None]] = [
            (char, None)
            for between in _HIDDEN_BETWEEN_LETTERS.findall(written)
            for char in between
            if char != SOFT_HYPHEN or misplaced_soft_hyphen(written)
        ]
        if alike or unseen:
            found.append((word.start(), word.end(), [*alike, *unseen]))
    return found


def visible_post(post: Post) -> Post:
    """``post`` with its title, paragraphs and notes as a reader sees them (itself when it hides nothing).

    Only the texts change: paragraph indexes and lines stay, so what is read
    from the copy (a credit, a mention) names the paragraph and line it is on.
    """
    title = visible(post.title)
    paragraphs = tuple(_visible_text(p) for p in post.paragraphs)
    notes = tuple(_visible_text(n) for n in post.notes)
    if title == post.title and paragraphs == post.paragraphs and notes == post.notes:
        return post
    return dataclasses.replace(post, title=title, paragraphs=paragraphs, notes=notes)


def _visible_text(item: _Texted) -> _Texted:
    text = visible(item.text)
    return item if text == item.text else dataclasses.replace(item, text=text)
