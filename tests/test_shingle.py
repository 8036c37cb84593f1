"""Normalised words, their offsets and stable shingle hashes (provenance.shingle)."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import numpy as np
from hypothesis import assume, example, given
from hypothesis import strategies as st

from provenance.homoglyphs import homoglyph_table
from provenance.shingle import (
    many_word_hashes,
    normalise,
    shingle_hashes,
    shingle_values,
    shingles,
    tokens,
    word_hash,
    word_hashes,
    word_spans,
    words,
)

# Text the way dumps spell it: letters (with accents and ligatures), digits,
# typographic quotes and dashes, brackets, punctuation and odd whitespace.
NEWS_ALPHABET = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    + list("éÉüçñßŒœﬁﬂＡｂ½")
    + ["\u2018", "\u2019", "\u201c", "\u201d", "'", '"', "`"]
    + ["-", "\u2010", "\u2011", "\u2013", "\u2014", "\u2212"]
    + list("[]().,;:!?/&%$")
    + [" ", "  ", "\t", "\n", "\u00a0", "\u2009"]
)
news_text = st.lists(NEWS_ALPHABET, max_size=80).map("".join)


def test_normalise_folds_what_readers_do_not_see() -> None:
    """Case, quotes, dashes, NFKC compatibility forms, editorial brackets and spacing are folded."""
    assert normalise("  “[I]t’s  the ﬁnal—so‑called\u00a0WORD” ") == '"it\'s the final-so-called word"'


def test_editorial_brackets_unwrap_only_round_letters_in_a_word() -> None:
    """ "[T]he" loses its brackets, a bracketed aside "[UK.]" keeps them."""
    assert normalise("[T]he report [UK.] said") == "the report [uk.] said"


def test_tokens_point_back_into_the_original_text() -> None:
    """Each token's span is the raw word it came from, even when normalising changed its length."""
    text = "“[I]t is ﬁne,” he said — don’t worry."
    found = tokens(text)
    assert [t.word for t in found] == ["it", "is", "fine", "he", "said", "don't", "worry"]
    assert [text[t.start : t.end] for t in found] == ["[I]t", "is", "ﬁne", "he", "said", "don’t", "worry"]


def test_hyphenated_and_spaced_compounds_give_the_same_words() -> None:
    """ "so-called" and "so called" are the same two words, so copies that differ there still match."""
    assert words("so-called") == words("so called") == ["so", "called"]


def test_word_hash_is_stable_across_processes() -> None:
    """A word's hash is the same in a fresh interpreter (no salted hash() anywhere)."""
    code = (
        "from provenance.shingle import word_hash, shingles;"
        "print(word_hash('caliphate'), shingles(['the', 'so', 'called', 'caliphate'], 3).tolist())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    here = shingles(["the", "so", "called", "caliphate"], 3).tolist()
    assert out.strip() == f"{word_hash('caliphate')} {here}"
    assert word_hash("caliphate") == 12701094720669444249  # pinned: changing it changes every stored result


def test_short_paragraph_is_one_shingle_and_empty_has_none() -> None:
    """A paragraph under k words is one shingle, an empty one none, and no shingle crosses paragraphs."""
    hashes = np.array([word_hash(w) for w in ["a", "b", "c", "d", "e", "f", "g"]], dtype=np.uint64)
    sh, owner = shingle_hashes(hashes, np.array([5, 0, 2], dtype=np.int64), 3)
    assert owner.tolist() == [0, 0, 0, 2]
    assert sh[3] not in set(shingle_hashes(hashes[:5], np.array([5], dtype=np.int64), 2)[0].tolist())


@given(news_text)
def test_normalise_is_idempotent(text: str) -> None:
    """Normalising twice gives the same as normalising once."""
    assert normalise(normalise(text)) == normalise(text)


@given(news_text)
def test_normalised_text_has_the_same_words(text: str) -> None:
    """The word sequence survives normalisation, so normalise and tokens agree on what "identical" means."""
    assert words(normalise(text)) == words(text)


# Characters no reader sees (Unicode's default ignorable code points): soft hyphen, zero-width space,
# non-joiner and joiner, left-to-right mark, right-to-left override, word joiner, variation selector 16,
# byte-order mark, a tag character.
INVISIBLE = [
    "\u00ad",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u202e",
    "\u2060",
    "\ufe0f",
    "\ufeff",
    "\U000e0041",
]


@given(news_text, st.lists(st.tuples(st.integers(0, 80), st.sampled_from(INVISIBLE)), max_size=12))
def test_invisible_characters_anywhere_leave_the_words_unchanged(
    text: str, inserted: list[tuple[int, str]]
) -> None:
    """A copy with zero-width spaces or soft hyphens between its letters shared no word with its source: each
    split the word it stood in. Wherever they stand, the words are those of the text without them."""
    changed = text
    for at, char in sorted(inserted, reverse=True):
        changed = changed[:at] + char + changed[at:]
    assert words(changed) == words(text)
    assert [h for h, _, _ in zip(*word_spans(changed), strict=True)] == word_hashes(text).tolist()
    assert normalise(changed) == normalise(text)


@given(st.text(max_size=60))
def test_token_spans_lie_in_the_text_and_renormalise_to_their_word(text: str) -> None:
    """Every token's span is inside the text, in order, and the raw span normalises to include its word."""
    previous_start = 0
    for token in tokens(text):
        assert 0 <= token.start < token.end <= len(text)
        assert token.start >= previous_start
        previous_start = token.start
        assert token.word in words(text[token.start : token.end])


@given(st.text(max_size=60))
def test_fast_hashes_equal_hashed_words(text: str) -> None:
    """word_hashes (the bulk path) equals hashing the words tokens() gives, one by one."""
    assert word_hashes(text).tolist() == [word_hash(t.word) for t in tokens(text)]


@given(st.lists(st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=12), max_size=6), st.integers(1, 5))
def test_bulk_shingles_equal_per_paragraph_shingles(paragraphs: list[list[str]], k: int) -> None:
    """Shingling many paragraphs at once gives each paragraph exactly its own k-grams."""
    hashes = np.array([word_hash(w) for p in paragraphs for w in p], dtype=np.uint64)
    lengths = np.array([len(p) for p in paragraphs], dtype=np.int64)
    sh, owner = shingle_hashes(hashes, lengths, k)
    for index, paragraph in enumerate(paragraphs):
        mine = sh[owner == index]
        expected = max(len(paragraph) - k + 1, min(len(paragraph), 1))
        assert len(mine) == expected
        assert np.array_equal(np.unique(mine), shingles(paragraph, k))
        # Equal k-grams hash equal, different ones differ.
        if len(paragraph) >= k:
            grams = [tuple(paragraph[i : i + k]) for i in range(expected)]
        else:
            grams = [tuple(paragraph)] if paragraph else []
        assert len(set(grams)) == len(set(mine.tolist()))


_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_MASK = (1 << 64) - 1


def reference_shingle(word_hashes_of_gram: list[int]) -> int:
    """The documented shingle hash, one Python int at a time: FNV-1a mix, width, splitmix64 finaliser."""
    h = _FNV_OFFSET
    for w in word_hashes_of_gram:
        h = ((h ^ w) * _FNV_PRIME) & _MASK
    h = ((h ^ len(word_hashes_of_gram)) * _FNV_PRIME) & _MASK
    h ^= h >> 30
    h = (h * 0xBF58476D1CE4E5B9) & _MASK
    h ^= h >> 27
    h = (h * 0x94D049BB133111EB) & _MASK
    return h ^ (h >> 31)


@given(st.lists(st.integers(0, 9), max_size=12), st.integers(1, 5), st.integers(1, 12))
def test_shingle_hashes_keep_their_values_across_blocks(lengths: list[int], k: int, block: int) -> None:
    """Blocked, sliced shingling gives every paragraph the documented hash of each of its k-grams."""
    from unittest import mock

    import provenance.shingle as shingle_module

    rng = np.random.default_rng(len(lengths) * 31 + k)
    hashes = rng.integers(0, 2**63, sum(lengths), dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    with mock.patch.object(shingle_module, "_SHINGLE_BLOCK_WORDS", block):
        sh, owner = shingle_hashes(hashes, np.array(lengths, dtype=np.int64), k)
    expected: list[int] = []
    expected_owner: list[int] = []
    start = 0
    for index, length in enumerate(lengths):
        words_of = [int(h) for h in hashes[start : start + length]]
        if length >= k:
            grams = [words_of[i : i + k] for i in range(length - k + 1)]
        else:
            grams = [words_of] if length else []
        expected += [reference_shingle(g) for g in grams]
        expected_owner += [index] * len(grams)
        start += length
    assert sh.tolist() == expected
    assert owner.tolist() == expected_owner


@given(
    st.lists(st.tuples(st.integers(0, 9), st.booleans()), max_size=12), st.integers(1, 5), st.integers(1, 12)
)
def test_shingles_of_kept_paragraphs_skip_the_others(
    paragraphs: list[tuple[int, bool]], k: int, block: int
) -> None:
    """shingle_values with ``keep`` equals shingling only the kept paragraphs' words, others counting 0."""
    from unittest import mock

    import provenance.shingle as shingle_module

    lengths = np.array([length for length, _ in paragraphs], dtype=np.int64)
    keep = np.array([kept for _, kept in paragraphs], dtype=bool)
    rng = np.random.default_rng(len(paragraphs) * 17 + k)
    hashes = rng.integers(0, 2**63, int(lengths.sum()), dtype=np.uint64)
    with mock.patch.object(shingle_module, "_SHINGLE_BLOCK_WORDS", block):
        sh, counts = shingle_values(hashes, lengths, k, keep=keep)
    expected_sh, expected_counts = shingle_values(
        hashes[np.repeat(keep, lengths)], np.where(keep, lengths, 0), k
    )
    assert sh.tolist() == expected_sh.tolist()
    assert counts.tolist() == expected_counts.tolist()
    assert not counts[~keep].any()


@given(news_text)
def test_word_spans_equal_tokens(text: str) -> None:
    """word_spans gives the hashes and spans of tokens(), word for word."""
    hashes, starts, ends = word_spans(text)
    found = tokens(text)
    assert hashes == [word_hash(t.word) for t in found]
    assert starts == [t.start for t in found]
    assert ends == [t.end for t in found]


@given(st.lists(news_text, max_size=5))
# Raw words that normalise to several words ("½" -> "1⁄2") or to none ("'", "[]").
@example(["a \u00bd b", "' [] c", "d"])
@example(["plain words only", "and more"])
def test_bulk_word_hashes_equal_per_text_word_hashes(texts: list[str]) -> None:
    """many_word_hashes gives each text's word count and the concatenation of their words' hashes."""
    lengths, hashes = many_word_hashes(texts)
    per_text = [[word_hash(t.word) for t in tokens(text)] for text in texts]
    assert lengths.tolist() == [len(h) for h in per_text]
    assert hashes.tolist() == [h for words_of_text in per_text for h in words_of_text]


@given(st.text(alphabet="abcXYZ019 \u00e9", max_size=40))
def test_plain_ascii_words_hash_as_their_full_normalisation(text: str) -> None:
    """The cheap path for plain ASCII words gives the hash of the fully normalised word."""
    assert word_hashes(text).tolist() == [word_hash(w) for w in words(text)]


# Latin letters and the Cyrillic and Greek letters that look like them ("а" for "a", "Т" for "T").
_LOOK_ALIKES = {
    "a": "а",
    "c": "с",
    "e": "е",
    "o": "о",
    "p": "р",
    "x": "х",
    "y": "у",
    "i": "і",
    "T": "Т",
    "M": "М",
}


@given(
    st.lists(st.text("aceopxyiTMbdfgh", min_size=1, max_size=8), min_size=1, max_size=8),
    st.data(),
)
def test_look_alike_letters_in_a_latin_word_leave_its_words_unchanged(
    plain: list[str], data: st.DataObject
) -> None:
    """A copy that swaps some Latin letters for Cyrillic or Greek look-alikes ("Тhе") shared no word with
    its source. A word that keeps one ASCII letter at least is read with the look-alikes as Latin letters."""
    swapped = []
    for word in plain:
        kept = data.draw(st.integers(0, len(word) - 1), label="letter kept")
        swapped.append(
            "".join(
                _LOOK_ALIKES.get(char, char) if at != kept and data.draw(st.booleans()) else char
                for at, char in enumerate(word)
            )
        )
    assert words(" ".join(swapped)) == words(" ".join(plain))


@given(st.lists(st.text("aceopxyiTMbdfgh", min_size=1, max_size=8), min_size=1, max_size=12))
def test_words_wholly_of_look_alike_letters_among_latin_words_read_as_latin(plain: list[str]) -> None:
    """A tool that swaps every letter it can leaves words of none but look-alikes ("сору"): where the
    words that keep an ASCII letter outnumber them, they are read as Latin too, with the same spans."""
    swapped = [word.translate(str.maketrans(_LOOK_ALIKES)) for word in plain]
    assume(
        sum(word.isascii() is False and not any(c.isascii() for c in word) for word in swapped) * 2
        < len(swapped)
    )
    text, copy = " ".join(plain), " ".join(swapped)
    assert words(copy) == words(text)
    assert word_spans(copy) == word_spans(text)
    assert [(t.word, t.start, t.end) for t in tokens(copy)] == [
        (t.word, t.start, t.end) for t in tokens(text)
    ]
    assert many_word_hashes([copy, text])[1].tolist() == word_hashes(text).tolist() * 2
    assert normalise(copy) == normalise(text)


@given(
    st.text("абвгдежзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯαβγδεζηθικλμνξοπρστυφχψω ., ")
)
def test_words_wholly_in_cyrillic_or_greek_are_read_as_written(text: str) -> None:
    """Only a word that holds an ASCII letter is folded: Russian and Greek text compares as before (the
    table would read Greek σ and ο alike)."""
    assert words(text) == [w for w in normalise_plainly(text).split() if w]


def normalise_plainly(text: str) -> str:
    """NFKC and case folding alone, and the punctuation of these alphabets as spaces."""
    return unicodedata.normalize("NFKC", text).casefold().replace(".", " ").replace(",", " ")


def test_the_look_alike_table_reads_letters_of_other_scripts_as_ascii_letters_of_their_case() -> None:
    table = homoglyph_table()
    assert {chr(code): table[code] for code in map(ord, "аеорсхуТМαο")} == dict(
        zip("аеорсхуТМαο", "aeopcxyTMao", strict=True)
    )
    for code, letter in table.items():
        char = chr(code)
        assert not unicodedata.name(char).startswith("LATIN") and letter.isascii()
        assert unicodedata.category(char) == unicodedata.category(letter)
