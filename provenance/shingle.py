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
from collections.abc import Sequence
from functools import lru_cache
from hashlib import blake2b
from itertools import accumulate
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from provenance.homoglyphs import as_latin, fold_homoglyphs
from provenance.invisible import IGNORABLE, IGNORABLE_CHARACTERS
from provenance.nfkc import nfkc

__all__ = [
    "FUNCTION_WORDS",
    "Token",
    "many_word_hashes",
    "normalise",
    "shingle_hashes",
    "shingle_values",
    "shingles",
    "shingles_per_paragraph",
    "tokens",
    "word_hash",
    "word_hashes",
    "word_spans",
    "words",
]

HashArray = npt.NDArray[np.uint64]

#: English function words, as :func:`normalise` writes them: a span of them alone ("on the west side of
#: the" has two other words) is a phrase any two reports share, not evidence of copying
#: (:mod:`provenance.dedup.passages`); what is left of a changed run without them says whether it
#: rewrote the words or only turned them round (:mod:`provenance.edits`).
FUNCTION_WORDS = frozenset(
    {
        "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
        "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
        "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few",
        "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
        "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its",
        "itself", "just", "me", "more", "most", "my", "myself", "new", "no", "nor", "not", "now",
        "of", "off", "on", "once", "one", "only", "or", "other", "our", "ours", "ourselves", "out",
        "over", "own", "said", "same", "says", "she", "should", "so", "some", "such", "than",
        "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they",
        "this", "those", "through", "to", "too", "two", "under", "until", "up", "very", "was", "we",
        "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
        "would", "you", "your", "yours", "yourself", "yourselves",
    }
)  # fmt: skip

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
# live inside words ("don’t", "[I]t"), and the characters no reader sees
# (provenance.invisible), dropped from its normalised form: splitting words at
# them, a copy with a zero-width space between every two letters shared no
# word with its source. Hyphens and dashes separate words, so "so-called" and
# "so called" shingle alike.
_RAW_WORD = re.compile(f"[\\w\\[\\]'\u2018\u2019\u201b\u02bc\u00b4`\u0300-\u036f{IGNORABLE}]+")
# Inside a normalised raw word, what is left after dropping brackets and
# apostrophes at the edges; NFKC can split a character into word and non-word
# parts (e.g. "½" -> "1⁄2"), hence a split rather than a single match.
_WORD_PART = re.compile(r"[\w\u0300-\u036f]+(?:'[\w\u0300-\u036f]+)*")
# "[I]t", "[t]he": brackets an editor put round letters inside a word.
_BRACKETED_LETTERS = re.compile(r"\[(\w+)\](?=\w)|(?<=\w)\[(\w+)\]")
_SPACE = re.compile(r"\s+")
_RAW_WORD_SPLIT = re.compile(f"({_RAW_WORD.pattern})")


class Token(NamedTuple):
    """A normalised word and the half-open span of the original text it came from."""

    word: str
    start: int
    end: int


def _unicode_fold(text: str) -> str:
    # casefold can leave a string that is no longer NFKC ("ǰ" -> "ǰ"), so NFKC
    # runs again after it; both are needed for idempotence. The ignorable
    # characters go first, so that a letter and the mark a zero-width space
    # kept from it compose, and again after (the joiner nfkc may put in a
    # hostile run of marks). Look-alike letters in a Latin word are read as
    # Latin before case is folded: the Cyrillic Т has a Latin look-alike, its
    # small т none.
    visible = fold_homoglyphs(nfkc(IGNORABLE_CHARACTERS.sub("", text)))
    return IGNORABLE_CHARACTERS.sub("", nfkc(visible.casefold())).translate(_FOLD)


def normalise(text: str) -> str:
    """Fold text to the form duplicates are compared in.

    Unicode NFKC, case folded, typographic quotes and dashes folded to ASCII,
    editorial brackets round letters unwrapped ("[I]t" -> "it"), whitespace
    runs collapsed to one space and trimmed. Punctuation is kept; the word
    sequence of the result is the same as that of the input (see :func:`words`).
    """
    folded = _unicode_fold(as_latin(text))
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
    for match in _RAW_WORD.finditer(as_latin(text)):
        for word in _raw_to_words(match.group()):
            result.append(Token(word, match.start(), match.end()))
    return result


def word_spans(text: str) -> tuple[list[int], list[int], list[int]]:
    """Word hashes and spans of ``text``: :func:`tokens` as three parallel lists, the fast path.

    ``(hashes, starts, ends)`` with ``hashes[i] == word_hash(tokens(text)[i].word)``
    and the same spans as :func:`tokens`; alignment needs only equality of
    words and where they are, and a hash is a cached dict lookup per raw word.
    """
    # Splitting on the raw-word pattern alternates gaps and raw words; running
    # sums of the piece lengths are the offsets, all without a Python loop.
    pieces = _RAW_WORD_SPLIT.split(as_latin(text))
    raws = pieces[1::2]
    found = list(map(_raw_hashes.__getitem__, raws))
    offsets = list(accumulate(map(len, pieces)))
    if not found or set(map(type, found)) == {int}:
        # One normalised word per raw word (nearly always): word i is piece 2i + 1.
        return found, offsets[0::2][: len(raws)], offsets[1::2]  # type: ignore[return-value]
    hashes: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, value in enumerate(found):
        group = (value,) if isinstance(value, int) else value
        hashes.extend(group)
        starts.extend([offsets[2 * i]] * len(group))
        ends.extend([offsets[2 * i + 1]] * len(group))
    return hashes, starts, ends


def word_extent(text: str) -> tuple[int, int] | None:
    """Where the words of ``text`` begin and end: the first start and last end of :func:`word_spans`.

    None when the text has no word. What aligning a text with itself needs,
    without building the per-word lists.
    """
    pieces = _RAW_WORD_SPLIT.split(as_latin(text))
    if len(pieces) < 3:
        return None
    if _raw_hashes[pieces[1]] == () or _raw_hashes[pieces[-2]] == ():
        # A raw word at either end that normalises to nothing: the slow path.
        _, starts, ends = word_spans(text)
        return (starts[0], ends[-1]) if starts else None
    return len(pieces[0]), len(text) - len(pieces[-1])


def words(text: str) -> list[str]:
    """The normalised words of ``text``, without offsets (the fast path)."""
    out: list[str] = []
    for raw in _RAW_WORD.findall(as_latin(text)):
        out.extend(_raw_to_words(raw))
    return out


@lru_cache(maxsize=1 << 20)
def word_hash(word: str) -> int:
    """A stable unsigned 64-bit hash of one normalised word."""
    return int.from_bytes(blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


class _RawHashCache(dict[str, int | tuple[int, ...]]):
    """Raw word -> the hash of its one normalised word, or a tuple of them when it has none or several.

    A plain dict lookup per raw word instead of normalising and hashing it
    again: vocabularies are Zipfian, so a dump of millions of words has a few
    hundred thousand spellings. A plain int for the common one-word case lets
    :func:`many_word_hashes` skip flattening tuples. Cleared when it grows past
    :data:`_RAW_CACHE_LIMIT` (memory bound on dumps with huge vocabularies).
    """

    def __missing__(self, raw: str) -> int | tuple[int, ...]:
        if len(self) >= _RAW_CACHE_LIMIT:
            self.clear()
        value: int | tuple[int, ...]
        if raw.isascii() and raw.isalnum():
            # Plain ASCII letters and digits: NFKC and the folds leave them alone
            # but for case, and they are one word (the common case, done cheaply).
            value = word_hash(raw.lower())
        else:
            found = tuple(word_hash(w) for w in _raw_to_words(raw))
            value = found[0] if len(found) == 1 else found
        self[raw] = value
        return value


def _flatten_hashes(values: list[int | tuple[int, ...]]) -> list[int]:
    """Cached values of raw words as the flat list of their word hashes."""
    out: list[int] = []
    for value in values:
        if isinstance(value, int):
            out.append(value)
        else:
            out.extend(value)
    return out


_RAW_CACHE_LIMIT = 1 << 21
_raw_hashes = _RawHashCache()


def word_hashes(text: str) -> HashArray:
    """The stable 64-bit hashes of the normalised words of ``text``, in order.

    Equal to ``[word_hash(w) for w in words(text)]``; cached per raw word so a
    large dump pays for each distinct spelling once.
    """
    return many_word_hashes([text])[1]


def many_word_hashes(texts: Sequence[str]) -> tuple[npt.NDArray[np.int64], HashArray]:
    """Word counts and concatenated word hashes of many texts: :func:`word_hashes` in bulk.

    One array built for the whole batch instead of one per text (the per-call
    overhead dominates on short paragraphs).
    """
    lookup = _raw_hashes.__getitem__
    findall = _RAW_WORD.findall
    lengths = np.empty(len(texts), dtype=np.int64)
    values: list[int | tuple[int, ...]] = []
    extend = values.extend
    for i, text in enumerate(texts):
        before = len(values)
        extend(map(lookup, findall(as_latin(text))))
        lengths[i] = len(values) - before
    if set(map(type, values)) <= {int}:
        return lengths, np.array(values, dtype=np.uint64)
    # Some raw word has no or several normalised words (rare): flatten, text by text.
    flat: list[int] = []
    at = 0
    for i, count in enumerate(lengths.tolist()):
        before = len(flat)
        flat.extend(_flatten_hashes(values[at : at + count]))
        lengths[i] = len(flat) - before
        at += count
    return lengths, np.array(flat, dtype=np.uint64)


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
    out, counts = shingle_values(hashes, lengths, k)
    owner = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    return out, owner


def shingle_values(
    hashes: HashArray,
    lengths: npt.NDArray[np.int64],
    k: int,
    keep: npt.NDArray[np.bool_] | None = None,
) -> tuple[HashArray, npt.NDArray[np.int64]]:
    """:func:`shingle_hashes` without the owner array: ``(shingle_hashes, shingles per paragraph)``.

    The per-paragraph counts describe the owners in a fraction of the memory
    (the dedup index at a million paragraphs cannot afford an int64 per shingle).
    With ``keep``, a paragraph where it is False gives no shingles (count 0):
    its words are skipped block by block, so the caller need not copy the
    kept words out first (half a gigabyte at a million paragraphs).
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    lengths = np.asarray(lengths, dtype=np.int64)
    hashes = np.asarray(hashes, dtype=np.uint64)
    if hashes.shape[0] != int(lengths.sum()):
        raise ValueError("hashes and lengths disagree")
    if keep is not None and len(keep) != len(lengths):
        raise ValueError("keep and lengths disagree")
    kept_lengths = lengths if keep is None else np.where(keep, lengths, 0)
    counts = shingles_per_paragraph(lengths, k, keep)
    out = np.empty(int(counts.sum()), dtype=np.uint64)
    # Paragraphs in blocks of about _SHINGLE_BLOCK_WORDS words bound the temporaries.
    word_end = np.cumsum(lengths)
    shingle_end = np.cumsum(counts)
    first = 0
    while first < len(lengths):
        word_base = int(word_end[first - 1]) if first else 0
        last = max(first + 1, int(np.searchsorted(word_end, word_base + _SHINGLE_BLOCK_WORDS, side="right")))
        shingle_base = int(shingle_end[first - 1]) if first else 0
        block = hashes[word_base : int(word_end[last - 1])]
        if keep is not None and not keep[first:last].all():
            block = block[np.repeat(keep[first:last], lengths[first:last])]
        out[shingle_base : int(shingle_end[last - 1])] = _block_shingles(
            block, kept_lengths[first:last], counts[first:last], k
        )
        first = last
    return out, counts


def shingles_per_paragraph(
    lengths: npt.NDArray[np.int64], k: int, keep: npt.NDArray[np.bool_] | None = None
) -> npt.NDArray[np.int64]:
    """How many shingles :func:`shingle_values` gives each paragraph, without making them."""
    lengths = np.asarray(lengths, dtype=np.int64)
    kept_lengths = lengths if keep is None else np.where(keep, lengths, 0)
    # Each paragraph of n >= k words has n-k+1 shingles; one of 1..k-1 words has one.
    return np.where(kept_lengths >= k, kept_lengths - k + 1, np.minimum(kept_lengths, 1))


# Words per block in :func:`shingle_hashes`.
_SHINGLE_BLOCK_WORDS = 1 << 22
_FNV_OFFSET = 0xCBF29CE484222325


def _block_shingles(
    hashes: HashArray, lengths: npt.NDArray[np.int64], counts: npt.NDArray[np.int64], k: int
) -> HashArray:
    total = hashes.shape[0]
    # The k-gram starting at every word position, as if the block were one text:
    # slices, no gathers. Only the positions where a paragraph's shingle starts
    # are kept below, so k-grams that cross a paragraph end are never used.
    h = np.full(total, _FNV_OFFSET, dtype=np.uint64)
    for i in range(min(k, total)):
        h[: total - i] ^= hashes[i:]
        h *= _MIX_PRIME
    # The width goes into the hash: a short paragraph's one shingle is a different
    # kind of thing from a k-gram and should not collide with one by construction.
    h ^= np.uint64(k)
    h *= _MIX_PRIME
    starts = np.zeros(len(lengths), dtype=np.int64)
    if len(lengths) > 1:
        np.cumsum(lengths[:-1], out=starts[1:])
    short = np.flatnonzero((lengths > 0) & (lengths < k))
    if len(short):
        h[starts[short]] = _short_shingles(hashes, starts[short], lengths[short], k)
    position = np.arange(total, dtype=np.int64) - np.repeat(starts, lengths)
    keep = position < np.repeat(counts, lengths)
    return _finalise(h[keep])


def _short_shingles(
    hashes: HashArray, starts: npt.NDArray[np.int64], widths: npt.NDArray[np.int64], k: int
) -> HashArray:
    # The one shingle of each paragraph shorter than k words: all its words.
    h = np.full(len(starts), _FNV_OFFSET, dtype=np.uint64)
    for i in range(k - 1):
        inside = widths > i
        h[inside] = (h[inside] ^ hashes[starts[inside] + i]) * _MIX_PRIME
    return (h ^ widths.astype(np.uint64)) * _MIX_PRIME


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
