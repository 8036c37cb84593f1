"""Characters no reader sees (provenance.invisible): text and posts without them."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st
from records import post

from provenance.homoglyphs import fold_homoglyphs
from provenance.invisible import IGNORABLE_CHARACTERS, visible, visible_post
from tests.test_shingle import INVISIBLE

# Letters, spaces and punctuation, with characters no reader sees among them.
_TEXT = st.text(st.sampled_from([*"ab c.,'é", *INVISIBLE]))
# Latin letters with Cyrillic and Greek ones that look like them, and letters that do not.
_LOOK_ALIKES = st.text(st.sampled_from([*"aeoprcT xM.", *"аеорсТхМ", *"οΤΜ", *"жщλ", *INVISIBLE]))


@given(_TEXT)
def test_visible_text_is_the_text_less_its_ignorable_characters(text: str) -> None:
    shown = visible(text)
    assert IGNORABLE_CHARACTERS.search(shown) is None
    assert shown == "".join(char for char in text if IGNORABLE_CHARACTERS.fullmatch(char) is None)


@given(_LOOK_ALIKES | st.text())
def test_visible_text_checks_first_only_what_the_whole_reading_would_find(text: str) -> None:
    """The quick test of whether a text hides anything never passes over one that does."""
    assert visible(text) == fold_homoglyphs(IGNORABLE_CHARACTERS.sub("", text), in_latin_text=True)


def test_look_alike_letters_in_a_latin_word_are_read_as_latin_and_other_words_as_written() -> None:
    assert visible("Sоurce: Rеuters") == "Source: Reuters"  # Cyrillic о and е
    assert visible("АР: Storm hits the coast") == "AP: Storm hits the coast"  # Cyrillic А and Р
    assert visible("ΑΡ: Storm hits the coast") == "AP: Storm hits the coast"  # Greek Α and Ρ
    assert visible("Москва сообщает, AP") == "Москва сообщает, AP"
    assert visible("Сор ΑΡ") == "Сор ΑΡ"  # no Latin word: as written


def test_every_ignorable_character_is_a_format_character_a_mark_a_filler_or_unassigned() -> None:
    """The set is Unicode's default ignorables: format characters (Cf), variation selectors and the grapheme
    joiner (Mn), the Hangul fillers (Lo) and code points kept for them (Cn): never a visible letter."""
    categories = {
        unicodedata.category(chr(code))
        for code in range(0x110000)
        if IGNORABLE_CHARACTERS.fullmatch(chr(code)) is not None
    }
    assert categories <= {"Cf", "Mn", "Lo", "Cn"}
    assert visible("\u3164\u115f\u1160\uffa0") == ""  # the Lo ones: the Hangul fillers alone


def test_a_post_that_hides_nothing_is_the_same_object() -> None:
    """Most posts: nothing is copied."""
    plain = post("p", "The ministry said on Monday.", "Καλημέρα κόσμε.", "Сообщает ТАСС.")
    assert visible_post(plain) is plain


def test_a_post_that_hides_characters_keeps_its_paragraph_numbers_and_lines() -> None:
    hidden = post("p", "Plain text.", "Re\u200buters re\u00adported.")
    shown = visible_post(hidden)
    assert [p.text for p in shown.paragraphs] == ["Plain text.", "Reuters reported."]
    assert [(p.index, p.line) for p in shown.paragraphs] == [(p.index, p.line) for p in hidden.paragraphs]
    assert shown.paragraphs[0] is hidden.paragraphs[0]


@given(_LOOK_ALIKES | st.text())
def test_disguised_words_are_latin_words_hiding_something_and_their_spans_are_the_texts(text: str) -> None:
    """Every word found holds an ASCII letter and hides a look-alike letter or a character no reader sees;
    a text without either finds none; spans are words of the text, in order and apart."""
    from provenance.invisible import disguised_words, hidden_characters

    found = disguised_words(text)
    if visible(text) == text:
        assert found == []
    last = 0
    for start, end, hidden in found:
        word = text[start:end]
        assert start >= last and any("a" <= c.lower() <= "z" for c in word)
        assert hidden and set(hidden) <= set(hidden_characters(word))
        last = end


def test_disguised_words_leave_other_scripts_lone_greek_letters_and_hyphenation_alone() -> None:
    from provenance.invisible import disguised_words

    assert [h for _, _, h in disguised_words("Sоurce: Rеuters")] == [[("о", "o")], [("е", "e")]]
    assert disguised_words("R\u200beuters") == [(0, 8, [("\u200b", None)])]
    assert disguised_words("Reuters\u200b said") == []  # after the word, not inside it
    assert disguised_words("Москва сообщает") == []
    assert disguised_words("the α-helix in μm") == []
    assert (
        disguised_words("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645") == []
    )  # a Persian word's joiner
    assert disguised_words("min\u00adis\u00adtry") == []  # where hyphenation breaks a line
    assert disguised_words("m\u00adinistry")[0][2] == [("\u00ad", None)]  # after the first letter: none would
