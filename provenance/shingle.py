"""Normalised words and hashed word shingles: the pure text functions under dedup.

Two copies of a paragraph differ in ways a reader does not see as a change:
typographic quotes, dashes, case, compatibility characters (ligatures,
full-width letters) and editorial brackets ("[I]t" for "It"). Everything here
folds those away, so dedup compares words, not bytes.

Words keep their character offsets into the *original* text (:class:`Token`),
because the report highlights shared spans in ``Paragraph.text`` itself.

Hashes are 64-bit and stable across processes and runs (blake2b for words,
a fixed multiply-xor mix for shingles): Python's ``hash()`` is salted per
process and must never reach a result that crosses processes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from hashlib import blake2b
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

__all__ = [
    "Token",
    "normalise",
    "shingle_hashes",
    "shingles",
    "tokens",
    "word_hash",
    "word_hashes",
    "words",
]

HashArray = npt.NDArray[np.uint64]

# Quotes and dashes fold to their ASCII forms so "don’t" = "don't" and
# "so‑called" (non-breaking hyphen) = "so-called".
_FOLD = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u02bc": "'", "\u00b4": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-", "\ufe58": "-", "\ufe63": "-", "\uff0d": "-",
    }
)  # fmt: skip

# A raw word: letters/digits plus the apostrophes and editorial brackets that
# live inside words ("don’t", "[I]t"). Hyphens and dashes separate words, so
# "so-called" and "so called" shingle alike.
_RAW_WORD = re.compile(r"[\w\[\]'\u2018\u2019\u201b\u02bc\u00b4`\u0300-\u036f]+")
# Inside a normalised raw word, what is left after dropping brackets and
# apostrophes at the edges; NFKC can split a character into word and non-word
# parts (e.g. "½" -> "1⁄2"), hence a split rather than a single match.
_WORD_PART = re.compile(r"[\w\u0300-\u036f]+(?:'[\w\u0300-\u036f]+)*")
# "[I]t", "[t]he": brackets an editor put round letters inside a word.
_BRACKETED_LETTERS = re.compile(r"\[(\w+)\](?=\w)|(?<=\w)\[(\w+)\]")
_SPACE = re.compile(r"\s+")


class Token(NamedTuple):
    """A normalised word and the half-open span of the original text it came from."""

    word: str
    start: int
    end: int


def _unicode_fold(text: str) -> str:
    # casefold can leave a string that is no longer NFKC ("ǰ" -> "ǰ"), so NFKC
    # runs again after it; both are needed for idempotence.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold()).translate(_FOLD)


def normalise(text: str) -> str:
    """Fold text to the form duplicates are compared in.

    Unicode NFKC, case folded, typographic quotes and dashes folded to ASCII,
    editorial brackets round letters unwrapped ("[I]t" -> "it"), whitespace
    runs collapsed to one space and trimmed. Punctuation is kept; the word
    sequence of the result is the same as that of the input (see :func:`words`).
    """
    folded = _unicode_fold(text)
    while True:  # "[a][b]c" needs two rounds; loop to a fixed point
        unwrapped = _BRACKETED_LETTERS.sub(lambda m: m.group(1) or m.group(2), folded)
        if unwrapped == folded:
            break
        folded = unwrapped
    return _SPACE.sub(" ", folded).strip()


@lru_cache(maxsize=1 << 18)
def _raw_to_words(raw: str) -> tuple[str, ...]:
    # Brackets are dropped, not split on: "[I]t" is one word "it".
    folded = _unicode_fold(raw).replace("[", "").replace("]", "")
    return tuple(_WORD_PART.findall(folded))


def tokens(text: str) -> list[Token]:
    """The normalised words of ``text`` with their spans in ``text`` itself.

    ``text[t.start:t.end]`` is the raw word ``t.word`` was normalised from (a
    raw word that normalises to several words gives each of them its span).
    """
    result: list[Token] = []
    for match in _RAW_WORD.finditer(text):
        for word in _raw_to_words(match.group()):
            result.append(Token(word, match.start(), match.end()))
    return result


def words(text: str) -> list[str]:
    """The normalised words of ``text``, without offsets (the fast path)."""
    out: list[str] = []
    for raw in _RAW_WORD.findall(text):
        out.extend(_raw_to_words(raw))
    return out


@lru_cache(maxsize=1 << 20)
def word_hash(word: str) -> int:
    """A stable unsigned 64-bit hash of one normalised word."""
    return int.from_bytes(blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


@lru_cache(maxsize=1 << 18)
def _raw_hashes(raw: str) -> tuple[int, ...]:
    return tuple(word_hash(w) for w in _raw_to_words(raw))


def word_hashes(text: str) -> HashArray:
    """The stable 64-bit hashes of the normalised words of ``text``, in order.

    Equal to ``[word_hash(w) for w in words(text)]``; cached per raw word so a
    large dump pays for each distinct spelling once.
    """
    out: list[int] = []
    for raw in _RAW_WORD.findall(text):
        out.extend(_raw_hashes(raw))
    return np.array(out, dtype=np.uint64)


_MIX_PRIME = np.uint64(0x100000001B3)  # FNV-1a 64-bit prime
_SPLITMIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_SPLITMIX_2 = np.uint64(0x94D049BB133111EB)


def _finalise(h: HashArray) -> HashArray:
    # splitmix64's finaliser: spreads the FNV mix over all 64 bits.
    h = h ^ (h >> np.uint64(30))
    h = h * _SPLITMIX_1
    h = h ^ (h >> np.uint64(27))
    h = h * _SPLITMIX_2
    return h ^ (h >> np.uint64(31))


def shingle_hashes(
    hashes: HashArray, lengths: npt.NDArray[np.int64], k: int
) -> tuple[HashArray, npt.NDArray[np.int64]]:
    """Hashed word k-grams of many paragraphs at once.

    ``hashes`` is the concatenation of the paragraphs' word hashes and
    ``lengths`` their word counts. Returns ``(shingle_hashes, owner)`` with
    ``owner[i]`` the index of the paragraph shingle ``i`` belongs to, in
    paragraph then position order. A paragraph shorter than ``k`` words (but
    not empty) is one shingle of all its words, so that short paragraphs can
    still be compared; an empty one has none. Shingles never cross paragraphs.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    hashes = np.asarray(hashes, dtype=np.uint64)
    if hashes.shape[0] != total:
        raise ValueError("hashes and lengths disagree")
    starts = np.zeros(len(lengths), dtype=np.int64)
    if len(lengths) > 1:
        np.cumsum(lengths[:-1], out=starts[1:])
    # Each paragraph of n >= k words has n-k+1 shingles; one of 1..k-1 words has one.
    counts = np.where(lengths >= k, lengths - k + 1, np.minimum(lengths, 1))
    owner = np.repeat(np.arange(len(lengths), dtype=np.int64), counts)
    first = np.zeros(len(counts), dtype=np.int64)
    if len(counts) > 1:
        np.cumsum(counts[:-1], out=first[1:])
    position = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(first, counts)
    begin = np.repeat(starts, counts) + position
    width = np.minimum(np.repeat(lengths, counts), k)
    padded = np.concatenate([hashes, np.zeros(k, dtype=np.uint64)])
    h = np.full(begin.shape[0], 0xCBF29CE484222325, dtype=np.uint64)
    for i in range(k):
        word = np.where(width > i, padded[begin + i], np.uint64(0))
        mixed = (h ^ word) * _MIX_PRIME
        h = np.where(width > i, mixed, h)
    # The width goes into the hash: a short paragraph's one shingle is a different
    # kind of thing from a k-gram and should not collide with one by construction.
    h = (h ^ width.astype(np.uint64)) * _MIX_PRIME
    return _finalise(h), owner


def shingles(word_list: Sequence[str] | HashArray, k: int) -> HashArray:
    """The distinct hashed word k-grams of one paragraph, sorted.

    Accepts normalised words or their hashes (:func:`word_hashes`).
    """
    if len(word_list) and isinstance(word_list[0], str):
        hashes = np.array([word_hash(str(w)) for w in word_list], dtype=np.uint64)
    else:
        hashes = np.asarray(word_list, dtype=np.uint64)
    result, _ = shingle_hashes(hashes, np.array([hashes.shape[0]], dtype=np.int64), k)
    return np.unique(result)
