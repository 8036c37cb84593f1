"""Outlet names: canonical forms, the built-in gazetteer and user alias files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance.errors import InputError
from provenance.outlets import (
    _LEADING_THE,
    builtin_aliases,
    clean_outlet_name,
    holds_word_run,
    load_aliases,
    name_alternation,
    outlet_key,
    outlet_key_words,
    word_run_index,
)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Debkafile", "DEBKAfile"),
        ("DEBKAfile", "DEBKAfile"),
        ("DEBKAfile’s", "DEBKAfile"),
        ("debka.com", "DEBKAfile"),
        ("The (London) Telegraph", "The Telegraph"),
        ("Telegraph", "The Telegraph"),
        ("ODNI", "Office of the Director of National Intelligence"),
        (
            "the Office of the Director of National Intelligence (ODNI)",
            "Office of the Director of National Intelligence",
        ),
        ("Washington Post", "The Washington Post"),
        ("the washington post.", "The Washington Post"),
        ("Europol", "EUROPOL"),
        ("U.S. State Department", "Department of State"),
        ("Fars News Agency", "FARS"),
    ],
)
def test_known_names_resolve_to_one_canonical_name(written: str, canonical: str) -> None:
    """Case, "The", punctuation, a parenthesised place, a possessive and abbreviations fold away."""
    assert builtin_aliases().canonical(written) == canonical


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("BBC World Service", "BBC"),
        ("BBC News Online", "BBC"),
        ("AP News", "Associated Press"),
        ("Reuters News Agency", "Reuters"),
        ("New York Times Magazine", "The New York Times"),
        ("Al Jazeera English", "Al Jazeera"),
        ("Daily Mail Online", "Daily Mail"),
    ],
)
def test_a_service_or_edition_of_a_known_outlet_is_that_outlet(written: str, canonical: str) -> None:
    """A known name followed only by words naming a service or edition is the outlet, not a new one."""
    assert builtin_aliases().canonical(written) == canonical


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("NYTimes", "The New York Times"),
        ("WashingtonPost", "The Washington Post"),
        ("TheGuardian", "The Guardian"),
        ("FoxNews", "Fox News"),
        ("DailyMail", "Daily Mail"),
    ],
)
def test_a_site_s_name_written_as_one_word_is_its_outlet(written: str, canonical: str) -> None:
    """ "Source: NYTimes" names nytimes.com: the site's name with a capital inside, its ".com" left out."""
    assert builtin_aliases().canonical(written) == canonical


@pytest.mark.parametrize("written", ["nytimes", "McDonald", "iPhone", "Time Out"])
def test_a_word_that_only_spells_a_site_s_name_is_no_outlet(written: str) -> None:
    """No capital inside (an ordinary word could be a site's name too), or not a site of the table."""
    assert not builtin_aliases().known(written)


@pytest.mark.parametrize(
    "written", ["Sun News", "Express Tribune", "Times News", "Sky News Australia", "BBC Worldwide Sales"]
)
def test_an_ordinary_word_or_a_place_after_a_name_makes_another_outlet(written: str) -> None:
    """ "Sun" and "Express" are ordinary words before another name; a place or a trade is not an edition."""
    aliases = builtin_aliases()
    assert not aliases.known(written)
    assert aliases.canonical(written) == written


def test_unknown_names_are_cleaned_not_invented() -> None:
    """An outlet not in the list keeps its own spelling, minus the parenthesised place and spacing."""
    aliases = builtin_aliases()
    assert aliases.canonical("The (Local)  Gazette’s") == "The Gazette"
    assert not aliases.known("The Gazette")
    assert aliases.kind("The Gazette") == "news outlet"


def test_outlet_key_merges_spellings_that_differ_only_in_form() -> None:
    """Two spellings of one unknown outlet share a key; different outlets do not."""
    assert outlet_key("The Daily Blog") == outlet_key("daily blog") == outlet_key("Daily-Blog")
    assert outlet_key("U.S. News") == outlet_key("US News")
    assert outlet_key("Daily Blog") != outlet_key("Daily Blogger")
    assert clean_outlet_name("The (London) Telegraph") == "The Telegraph"


def test_kinds_come_from_the_data_file() -> None:
    """The gazetteer tells government bodies and publications from news outlets."""
    aliases = builtin_aliases()
    assert aliases.kind("EUROPOL") == "government body"
    assert aliases.kind("Black Flags From the Islamic State") == "publication"
    assert aliases.kind("Royal United Services Institute") == "organisation"
    assert aliases.kind("CNN") == "news outlet"


def test_every_builtin_name_maps_back_to_its_own_entry() -> None:
    """No alias in the shipped list is claimed by two outlets (a later entry would silently win)."""
    aliases = builtin_aliases()
    clashes = [
        (alias, entry.name, aliases.canonical(alias))
        for entry in aliases.entries
        for alias in entry.names()
        if aliases.canonical(alias) != entry.name
    ]
    assert clashes == []


def test_name_pattern_finds_names_with_the_and_a_place() -> None:
    """The gazetteer regex takes "The (London) Telegraph" whole and prefers the longest name."""
    pattern = builtin_aliases().name_pattern()
    found = [m.group(0) for m in pattern.finditer("He told The (London) Telegraph and The Times of Israel.")]
    assert found == ["The (London) Telegraph", "The Times of Israel"]


def _plain_and_grouped(names: list[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The name regex as a plain alternation of ``names`` and as :func:`name_alternation` makes it."""
    plain = "|".join(r"\s+".join(re.escape(word) for word in name.split()) for name in names)
    wrap = r"(?<!\w)(?:the\s+(?:\([^()\n]{{1,30}}\)\s+)?)?(?P<name>{})(?!\w)"
    return (
        re.compile(wrap.format(plain), re.IGNORECASE),
        re.compile(wrap.format(name_alternation(names)), re.IGNORECASE),
    )


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int, int, int]]:
    return [(*m.span(), *m.span("name")) for m in pattern.finditer(text)]


# Letters that match others ignoring case ("ſ" is "s", "K" is "k", "İ" and "ı" are "i"), and
# characters the regex escapes.
_TRICKY = "sSſkKKiIİıaAbB.( )-\n"


@given(
    st.lists(
        st.text(_TRICKY, min_size=1, max_size=6).filter(str.strip), min_size=1, max_size=12, unique=True
    ),
    st.lists(st.text(_TRICKY, max_size=30), min_size=1, max_size=8),
)
def test_name_alternation_matches_what_the_plain_alternation_matches(
    names: list[str], texts: list[str]
) -> None:
    """Grouped by first character, the names match where and as the plain alternation matches them."""
    names.sort(key=lambda name: (-len(name), name))
    plain, grouped = _plain_and_grouped(names)
    for text in [*texts, " ".join(names), " the ".join(n.upper() for n in names)]:
        assert _spans(grouped, text) == _spans(plain, text)


def test_the_gazetteer_regex_matches_what_the_plain_alternation_matches() -> None:
    """The built-in names, written as they are, in capitals, in small letters and run together."""
    aliases = builtin_aliases()
    names = sorted(
        {_LEADING_THE.sub("", clean_outlet_name(alias)) for alias, _ in aliases.gazetteer()} - {""},
        key=lambda name: (-len(name), name),
    )
    plain, _ = _plain_and_grouped(names)
    assert aliases.name_pattern().pattern == _plain_and_grouped(names)[1].pattern
    for text in (
        " said ".join(names),
        "; according to the ".join(name.upper() for name in names),
        " told THE (London)  ".join(name.casefold() for name in names),
        "".join(names),
    ):
        assert _spans(aliases.name_pattern(), text) == _spans(plain, text)


@given(
    st.lists(st.lists(st.sampled_from("abcd"), min_size=1, max_size=3).map(tuple), max_size=6),
    st.lists(st.sampled_from("abcde"), max_size=20),
)
def test_holds_word_run_finds_a_run_wherever_it_stands(runs: list[tuple[str, ...]], words: list[str]) -> None:
    """Whether some run stands at some position of the words, as a comparison at every position says."""
    expected = any(tuple(words[i : i + len(run)]) == run for i in range(len(words)) for run in runs)
    assert holds_word_run(words, word_run_index(runs)) == expected


_KEY_PIECES = [*"ab .&,-\n", "U.S.", "3.5", "ﬁ", "Ａ", "İ", "ß", "’", "e\u0301", "…", ". "]


@given(st.lists(st.sampled_from(_KEY_PIECES), max_size=12).map("".join) | st.text(max_size=30))
def test_outlet_key_words_from_the_callers_casefolded_words_are_the_folded_ones(text: str) -> None:
    """The mention stage hands over each paragraph's casefolded words: used only where they are the
    key's words (no "&", no full stop joining words, nothing NFKC changes), the answer is the same."""
    assert outlet_key_words(text, re.findall(r"\w+", text.casefold())) == outlet_key_words(text)


def test_outlet_key_words_fold_what_casefolded_words_do_not() -> None:
    for text in ("the U.S. News & World Report", "a 3.5 rise", "the ﬁnal ＢＢＣ report", "end.Next"):
        assert outlet_key_words(text, re.findall(r"\w+", text.casefold())) == outlet_key_words(text)
    assert outlet_key_words("the U.S. News & World Report") == ["the", "us", "news", "and", "world", "report"]


def test_yaml_alias_file_overrides_the_builtin_outlet_whole(tmp_path: Path) -> None:
    """A user entry claiming one spelling of a built-in outlet takes all its spellings over."""
    path = tmp_path / "aliases.yaml"
    path.write_text(
        "outlets:\n  - name: DEBKA File\n    kind: publication\n    aliases: [Debkafile]\n"
        "  - name: My Gazette\n    aliases: [The Gazette]\n",
        encoding="utf-8",
    )
    aliases = load_aliases(str(path))
    assert aliases.canonical("DEBKAfile") == "DEBKA File"
    assert aliases.canonical("debka.com") == "DEBKA File"
    assert aliases.kind("DEBKAfile") == "publication"
    assert aliases.canonical("the Gazette") == "My Gazette"
    assert aliases.canonical("CNN") == "CNN"
    assert builtin_aliases().canonical("Debkafile") == "DEBKAfile"


def test_yaml_plain_mapping_is_accepted(tmp_path: Path) -> None:
    """A YAML file may be a bare ``alias: canonical`` mapping."""
    path = tmp_path / "aliases.yml"
    path.write_text(
        "LWJ: The Long War Journal\nFDD Long War Journal: The Long War Journal\n", encoding="utf-8"
    )
    aliases = load_aliases(str(path))
    assert aliases.canonical("Long War Journal") == "The Long War Journal"
    assert aliases.canonical("FDD Long War Journal") == "The Long War Journal"


def test_csv_alias_file_with_header_and_kind(tmp_path: Path) -> None:
    """A CSV file gives alias,canonical[,kind] rows; a header row is skipped."""
    path = tmp_path / "aliases.csv"
    path.write_text(
        "alias,canonical,kind\nJP,The Jewish Press,\nMoD,Ministry of Defence,government body\n",
        encoding="utf-8",
    )
    aliases = load_aliases(str(path))
    assert aliases.canonical("JP") == "The Jewish Press"
    assert aliases.canonical("Jewish Press") == "The Jewish Press"
    assert aliases.canonical("MoD") == "Ministry of Defence"
    assert aliases.kind("MoD") == "government body"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.csv", "only-one-column\n", "expected alias,canonical"),
        ("bad.yaml", "outlets:\n  - aliases: [X]\n", "without a name"),
        ("bad.yaml", "outlets:\n  - name: X\n    kind: blog\n", "kind 'blog'"),
        ("bad.yaml", "outlets: [unclosed\n", "not valid YAML"),
        (
            "bad.yaml",
            "outlets:\n  - name: X\n   bad: [\n",
            r"not valid YAML: line 3, column 4: expected <block end>",
        ),
        ("dates.yaml", "x: 2016-13-45\n", "not a valid date or number"),
        ("dates.yaml", "outlets:\n  - name: X\n    aliases: [2016-02-30]\n", "not a valid date or number"),
        ("bad.csv", "X,Y,blog\n", "kind 'blog'"),
    ],
)
def test_bad_alias_files_fail_with_the_path(tmp_path: Path, name: str, content: str, message: str) -> None:
    """A malformed alias file is an InputError naming the file and the problem."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        load_aliases(str(path))
    assert caught.value.path == str(path)
    assert "\n" not in str(caught.value)  # one line on the terminal


def test_missing_alias_file_is_an_input_error(tmp_path: Path) -> None:
    """A path that does not exist is reported, not ignored."""
    with pytest.raises(InputError, match="cannot read alias file"):
        load_aliases(str(tmp_path / "nope.yaml"))
