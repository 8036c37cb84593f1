"""Credit lines whose name is a known outlet's followed by more words ("Source: Reuters Graphics desk").

Each case is a post's text as a reader of the dump would see it, read by
:func:`provenance.credits.extract_credits` with the built-in outlet table.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance import credits
from provenance.attribution import OPENING_WORDS, extract_mentions
from provenance.credits import extract_credits
from provenance.models import ClassifiedLine, Link, Post
from provenance.outlets import EDITION_WORDS, OUTLET_WORDS, OutletInfo, builtin_aliases, outlet_key
from tests.test_findings import THIRD, audit_records, kinds, record
from tests.test_links import how, post_with


def news_outlet_names() -> list[tuple[str, OutletInfo]]:
    """Each name of each news outlet of the table, as a credit line or a title may write it: capitalised,
    no brackets, no dots, and an ordinary word the table takes only after "the" (``needs_the``) with it.

    Names with lower-case words ("The Mail on Sunday", "The Globe and Mail", "PA news agency") are in.
    """
    return [
        (name, info)
        for name, info in builtin_aliases().gazetteer()
        if info.kind == "news outlet"
        and name[:1].isupper()
        and not re.search(r"[():]", name)
        and not (info.needs_the and len(outlet_key(name).split()) == 1 and not name.startswith("The "))
        and "." not in name
    ]


# -- a known outlet's name opening a longer run -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A cue before a run that starts with a known outlet's name and goes on with words of none.
        ("Courtesy of The Associated Press Photo Gallery", [("Associated Press", "courtesy")]),
        ("Source: Reuters Graphics desk", [("Reuters", "source")]),
        ("Source: The Times of India Photo Gallery", [("The Times of India", "source")]),
        ("Via The Guardian Photos by staff", [("The Guardian", "via")]),
        ("Reprinted from Bloomberg Opinion Desk.", [("Bloomberg", "reprinted")]),
        # The longest known name wins: a real outlet whose name begins with another's.
        ("Source: The Times of India", [("The Times of India", "source")]),
        ("Source: The New York Times", [("The New York Times", "source")]),
        # Words of another outlet's name, or an outlet word, or "of X" after it: a name of its own.
        ("Source: The Times of Malta", [("The Times of Malta", "source")]),
        ("Source: The Times Herald", [("The Times Herald", "source")]),
        ("Source: The Times Union", [("The Times Union", "source")]),
        ("Source: Reuters Institute", [("Reuters Institute", "source")]),
        ("Courtesy of Associated Press Television", [("Associated Press", "courtesy")]),
        # An ordinary word the table takes only after "the" opens no longer name.
        ("Source: Express Scripts", [("Express Scripts", "source")]),
        ("Source: Sun Microsystems", [("Sun Microsystems", "source")]),
    ],
)
def test_a_known_outlet_opening_a_run_after_a_cue_is_the_credit(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert how("Body.", text) == expected


_CUES = [
    "Read more at",
    "Read the full article at",
    "Continue reading on",
    "( with",
    "Additional reporting by",
    "Originally published in",
    "First appeared on",
    "Reprinted with kind permission from",
    "Cross posted from",
    "Courtesy of",
    "Hat tip to",
    "Source :",
    "Via",
    "Written by",
    "Copyright © 2016",
]
_SPACES = [" ", "  ", "\n", "\t", "\u00a0", " \n ", "\r\n"]


@given(st.sampled_from(_CUES), st.lists(st.sampled_from(_SPACES), min_size=6, max_size=6))
def test_the_credit_line_prefilter_passes_every_text_the_cue_pattern_finds(
    cue: str, spaces: list[str]
) -> None:
    """The cheap test before the cue pattern never turns a cue away, whatever the white space between
    its words ("Read", a line break, "more at Reuters"; "( with Reuters)"; "Read  the full article at"
    credited nothing)."""
    words = cue.split(" ")
    text = "".join(word + space for word, space in zip(words, spaces, strict=False)) + "Reuters"
    if credits._CREDIT_CUE.search(text) is not None:
        assert credits._may_hold_a_credit_line(text.casefold())


@pytest.mark.parametrize(
    "line",
    ["Read\nmore at Reuters.", "( with Reuters)", "Read  the full article at Reuters", "Via\u00a0Reuters"],
)
def test_a_cue_spaced_otherwise_still_credits(line: str) -> None:
    credited = extract_credits(post_with("The storm hit the coast on Tuesday.", line), builtin_aliases())
    assert [c.outlet for c in credited] == ["Reuters"]


# -- a known name holding lower-case words ("The Mail on Sunday", "The Globe and Mail") -----------


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        # The run of capitalised words stops at "on" and "and"; the table's longer name is taken whole.
        (("Source: The Mail on Sunday",), [("The Mail on Sunday", "source")]),
        (("Read more at The Mail on Sunday",), [("The Mail on Sunday", "read more")]),
        (("Source: Mail on Sunday",), [("The Mail on Sunday", "source")]),
        (("Via the Mail on Sunday",), [("The Mail on Sunday", "via")]),
        (("Source: The Globe and Mail",), [("The Globe and Mail", "source")]),
        (("Source: the Globe and Mail",), [("The Globe and Mail", "source")]),
        (("Courtesy of The Globe and Mail",), [("The Globe and Mail", "courtesy")]),
        (("Copyright 2020 The Globe and Mail",), [("The Globe and Mail", "copyright")]),
        (("Source: The Globe and Mail Graphics desk",), [("The Globe and Mail", "source")]),
        (("Source: The Globe and Mail and Reuters",), [("The Globe and Mail", "source")]),
        (("Via The Mail on Sunday and Reuters",), [("The Mail on Sunday", "via")]),
        (("From The Globe and Mail:", "The talks failed."), [("The Globe and Mail", "lead-in")]),
        (("The Globe and Mail contributed to this report.",), [("The Globe and Mail", "contributed")]),
        (
            ("Reuters and The Globe and Mail contributed to this report.",),
            [("Reuters", "contributed"), ("The Globe and Mail", "contributed")],
        ),
        (("The talks failed. (With The Globe and Mail)",), [("The Globe and Mail", "contributed")]),
        (
            ("The talks failed. (With Reuters and The Globe and Mail)",),
            [("Reuters", "contributed"), ("The Globe and Mail", "contributed")],
        ),
        # No known name goes on past the run: it still ends before "and" and "on", as before.
        (("Source: Reuters and AP",), [("Reuters", "source")]),
        (("Via Reuters and AP",), [("Reuters", "via")]),
        (("Source: The Gazette and Herald",), [("The Gazette", "source")]),
        (("Source: The Mail",), [("Daily Mail", "source")]),
        (("Source: The Times",), [("The Times", "source")]),
        (("Source: PA news agency",), [("Press Association", "source")]),
    ],
)
def test_a_known_name_with_lower_case_words_after_a_cue_is_taken_whole(
    paragraphs: tuple[str, ...], expected: list[tuple[str, str]]
) -> None:
    """ "Source: The Mail on Sunday" credited the Daily Mail ("The Mail"), "Source: The Globe and Mail" an
    outlet named "The Globe", and "Courtesy of The Globe and Mail" nobody: the run of capitalised words
    after the cue ended before "on" and "and". The longest name of the table written there wins."""
    assert how(*paragraphs) == expected


def test_after_a_weak_cue_an_ordinary_word_opens_no_outlets_name() -> None:
    """ "H/T Sun Microsystems" thanks a company: "Sun" is the Sun only after "the" (``needs_the``)."""
    assert how("Body.", "H/T Sun Microsystems") == []
    assert how("Body.", "Via Star Wars fans") == []
    # The weak cue's own case (a <br> joined away) still credits the outlet its run starts with.
    assert how("Body.", "Via Reuters Photos by staff") == [("Reuters", "via")]


_KNOWN_WORDS = builtin_aliases().words_of_names()
_TAIL_WORD = st.from_regex(r"[A-Z][a-z]{2,8}", fullmatch=True).filter(
    lambda w: w.casefold() not in _KNOWN_WORDS | OUTLET_WORDS | EDITION_WORDS | OPENING_WORDS
)


@given(
    st.sampled_from([(n, i) for n, i in news_outlet_names() if len(n.split()) <= 5]),
    st.lists(_TAIL_WORD, min_size=1, max_size=3),
    st.sampled_from(["Source: ", "Courtesy of ", "Reprinted from "]),
)
def test_a_known_outlet_followed_by_words_of_no_outlet_is_credited(
    named: tuple[str, OutletInfo], tail: list[str], cue: str
) -> None:
    name, info = named
    credits = extract_credits(post_with("Body.", f"{cue}{name} {' '.join(tail)}"), builtin_aliases())
    assert [(c.outlet, c.surface) for c in credits] == [(info.name, name)]


# -- "The Times": a full name of the table, not a short form ------------------------------------


def test_the_times_alone_is_the_london_paper_and_a_short_form_alone_no_outlet_of_the_table() -> None:
    """ "The Times" is the London paper's own name in the table (``needs_the``, alias "The Times of
    London"); "the Times" stands for The New York Times or the Los Angeles Times only as their short form,
    after their full name in the same post (``short``), as "the Post" does for three Posts. With no such
    name before it a credit line reads the table as the mention stage does: "Source: The Times" is the
    London paper, and "Source: The Post", a short form of no outlet named, is no outlet of the table."""
    assert how("Body.", "Source: The Times") == [("The Times", "source")]
    assert how("Body.", "Source: the Times") == [("The Times", "source")]
    assert how("Body.", "Source: The Times of London") == [("The Times", "source")]
    (post,) = extract_credits(post_with("Body.", "Source: The Post"), builtin_aliases())
    assert (post.outlet, builtin_aliases().lookup(post.outlet)) == ("The Post", None)


# -- a short form after its outlet's full name earlier in the post ------------------------------

NYT_REPORTED = "The New York Times reported on Monday that the talks had failed."


def credited(post: Post) -> list[tuple[str, str]]:
    return [(c.outlet, c.how) for c in extract_credits(post, builtin_aliases())]


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        ((NYT_REPORTED, "Source: The Times"), [("The New York Times", "source")]),
        ((NYT_REPORTED, "Source: the Times"), [("The New York Times", "source")]),
        ((NYT_REPORTED + " Source: The Times.",), [("The New York Times", "source")]),
        (("A story in the Los Angeles Times on the fires.", "Via The Times"), [("Los Angeles Times", "via")]),
        (("The Washington Post said so.", "Source: The Post"), [("The Washington Post", "source")]),
        (("The Washington Post said so.", "Via the Post"), [("The Washington Post", "via")]),
        (("The Jerusalem Post said so.", "Courtesy of The Post"), [("The Jerusalem Post", "courtesy")]),
        (
            ("The Wall Street Journal said so.", "Reprinted from The Journal"),
            [("The Wall Street Journal", "reprinted")],
        ),
        (("The FBI said so.", "Source: the Bureau"), [("Federal Bureau of Investigation", "source")]),
        ((NYT_REPORTED, "From The Times:", "The talks failed."), [("The New York Times", "lead-in")]),
        ((NYT_REPORTED, "The Times contributed to this report."), [("The New York Times", "contributed")]),
        ((NYT_REPORTED, "— The Times"), [("The New York Times", "dateline")]),
        ((NYT_REPORTED, "Source: The Times Graphics Desk"), [("The New York Times", "source")]),
    ],
)
def test_a_short_form_after_its_outlets_full_name_credits_that_outlet(
    paragraphs: tuple[str, ...], expected: list[tuple[str, str]]
) -> None:
    """ "The New York Times reported … Source: The Times" credits The New York Times, as the mention stage
    reads "the Times" after that name; before, it credited The Times (London), and a copy of the New York
    Times' text so credited was called a misattribution. "The Post" credited an outlet of no table entry."""
    assert credited(post_with(*paragraphs)) == expected


def test_a_full_name_in_the_title_or_an_editors_note_before_the_credit_counts() -> None:
    """The title is read before the text, and an editor's note at a line before the credit's paragraph."""
    titled = replace(post_with("Body.", "Source: The Times"), title="What the New York Times found")
    assert credited(titled) == [("The New York Times", "source")]
    note = ClassifiedLine(
        "dump.html", 5, "editor_note", "Editor's note: this first ran in the Los Angeles Times."
    )
    noted = post_with("Body.", "Source: The Times", notes=(note,))
    assert credited(noted) == [("Los Angeles Times", "source")]


def test_of_two_outlets_sharing_a_short_form_the_one_named_last_before_it_is_credited() -> None:
    """Both the New York Times and the Los Angeles Times are "the Times": the one whose full name came last
    before the credit wins, as "the Times" in a mention does (the mention stage is asked the same)."""
    nyt = "The New York Times reported the vote."
    lat = "The Los Angeles Times reported the fires."
    for first, last, expected in ((nyt, lat, "Los Angeles Times"), (lat, nyt, "The New York Times")):
        post = post_with(first, last, "The Times said more would follow.", "Source: The Times")
        assert credited(post) == [(expected, "source")]
        mentioned = [m.outlet for m in extract_mentions(post, builtin_aliases()) if m.surface == "The Times"]
        assert mentioned == [expected]


def test_a_full_name_only_after_the_credit_or_none_leaves_the_times_the_london_paper() -> None:
    """A short form stands only for an outlet named before it: a full name after the credit line, or none,
    leaves "The Times" the table's own The Times (London), and a title's credit has no text before it."""
    assert credited(post_with("Source: The Times", NYT_REPORTED)) == [("The Times", "source")]
    assert credited(post_with("Source: The Times. " + NYT_REPORTED)) == [("The Times", "source")]
    title_credit = replace(post_with(NYT_REPORTED), title="The Times: the talks failed")
    assert credited(title_credit) == [("The Times", "title")]


def test_the_times_of_london_named_last_before_the_short_form_is_what_it_stands_for() -> None:
    """ "The Times of London" after "The New York Times" makes the London paper the one "the Times" names
    next, in a credit line and in a mention alike, as a later Los Angeles Times does; before, "Source: The
    Times" still credited The New York Times, the last of the outlets declaring the short form."""
    london = "The Times of London reported the same."
    assert credited(post_with(NYT_REPORTED, london, "Source: The Times")) == [("The Times", "source")]
    assert credited(post_with(london, NYT_REPORTED, "Source: The Times")) == [
        ("The New York Times", "source")
    ]
    post = post_with(NYT_REPORTED, london, "The Times said more would follow.")
    mentioned = [m.outlet for m in extract_mentions(post, builtin_aliases()) if m.surface == "The Times"]
    assert mentioned == ["The Times"]


def test_a_full_name_that_is_no_short_form_or_a_link_to_its_site_keeps_its_outlet() -> None:
    """ "The Times of London" is the London paper's alias, and a link decides by its site: neither is a short
    form, so a New York Times named before them changes nothing."""
    assert credited(post_with(NYT_REPORTED, "Source: The Times of London")) == [("The Times", "source")]
    link = Link(1, "https://www.thetimes.co.uk/article/x", "thetimes.co.uk", "The Times", 11)
    assert credited(post_with(NYT_REPORTED, "Source: The Times", links=(link,))) == [("The Times", "source")]


def test_a_copy_of_a_new_york_times_article_crediting_the_times_after_its_name_is_no_misattribution(
    tmp_path: Path,
) -> None:
    """End to end: a blog that names The New York Times and credits "Source: The Times" under a copy of its
    article credits the source's outlet; read as The Times (London) it was a high misattribution."""
    result = audit_records(
        tmp_path,
        [
            record("nyt", "2020-03-01", THIRD, outlet="The New York Times"),
            record("blog", "2020-03-02", NYT_REPORTED + "\n\n" + THIRD + "\n\nSource: The Times"),
        ],
    )
    assert [(c.post, c.outlet) for c in result.graph.credits if c.post == "blog"] == [
        ("blog", "The New York Times")
    ]
    assert kinds(result) == []


def test_a_short_form_closing_the_title_or_in_a_with_bracket_after_the_full_name_credits_that_outlet() -> (
    None
):
    """The title's words before its closing bracket come before the credit in it; the outlets of "(With the
    Times and Reuters)" are read each where it is written. Before, both read "The Times" as The Times
    (London)."""
    titled = replace(post_with("Body."), title="New York Times reporter on the talks (The Times)")
    assert credited(titled) == [("The New York Times", "title")]
    with_bracket = post_with(NYT_REPORTED, "The talks failed. (With Reuters and the Times)")
    assert credited(with_bracket) == [("Reuters", "contributed"), ("The New York Times", "contributed")]


#: Characters no reader sees, put between letters: a zero-width space, a soft hyphen, a word joiner, and a
#: right-to-left override closed at once.
INVISIBLES = ["\u200b", "\u00ad", "\u2060", "\u202e\u202c"]


def _hidden(text: str, invisible: str = "\u200b") -> str:
    """``text`` with ``invisible`` between every two letters of a word."""
    return re.sub(r"(?<=\w)(?=\w)", invisible, text)


def _swapped(text: str) -> str:
    """``text`` with Cyrillic look-alikes for its a, e, o, p, A and P ("AP" becomes the Cyrillic "АР")."""
    return text.translate(str.maketrans("aeopAP", "аеорАР"))


@pytest.mark.parametrize(
    "disguise",
    [*(functools.partial(_hidden, invisible=invisible) for invisible in INVISIBLES), _swapped],
    ids=[*(f"U+{ord(invisible[0]):04X}" for invisible in INVISIBLES), "look-alikes"],
)
def test_a_credit_and_a_mention_disguised_are_read_as_a_reader_sees_them(
    disguise: Callable[[str], str],
) -> None:
    """A copy that hides characters between its letters or swaps them for look-alikes (so that it is not
    found) hid its credit from the tool too, and was called uncredited though a reader sees "Source:
    Reuters". The credit and mention readers read the text as a reader sees it; lines and paragraph
    numbers are those of the post. A text wholly in Cyrillic is read as written."""
    post = replace(
        post_with(
            disguise("The ministry said twelve soldiers were killed, Reuters reported."),
            disguise("Source: Reuters"),
            "Источник: ТАСС",
        ),
        title=disguise("AP: Storm hits the coast"),
    )
    credited = [
        (c.outlet, c.how, c.evidence, c.line, c.paragraph) for c in extract_credits(post, builtin_aliases())
    ]
    assert credited == [
        ("Associated Press", "title", "AP: Storm hits the coast", 1, -1),
        ("Reuters", "source", "Source: Reuters", 11, 1),
    ]
    assert [(m.outlet, m.cue, m.line, m.paragraph) for m in extract_mentions(post, builtin_aliases())] == [
        ("Reuters", "reported", 10, 0)
    ]
