"""Credits read from a post's title: "AP: Storm hits the coast", "Storm hits the coast (Reuters)".

Each case is a post as a reader of the dump would see it; the audit cases run
end to end (``provenance.audit``) so the credit is checked where every output
takes it from.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance.credits import extract_credits
from provenance.models import Paragraph, Post, SourceRef
from provenance.outlets import OutletInfo, builtin_aliases
from tests.test_credits import news_outlet_names
from tests.test_findings import SECOND, SOURCE, audit_records, record

BODY = "The storm cut power to thousands of homes along the shore on Tuesday."


def titled(title: str, *paragraphs: str) -> Post:
    return Post(
        id="p",
        title=title,
        date=None,
        source=SourceRef("dump.html", 3, 9),
        citation=None,
        paragraphs=tuple(Paragraph(i, 10 + i, text) for i, text in enumerate(paragraphs or (BODY,))),
        title_line=4,
    )


def title_credits(title: str) -> list[tuple[str, str, str]]:
    return [(c.outlet, c.how, c.surface) for c in extract_credits(titled(title), builtin_aliases())]


# -- a credit in the title ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "outlet", "surface"),
    [
        ("AP: Storm hits the coast", "Associated Press", "AP"),
        ("REUTERS: Storm hits the coast", "Reuters", "REUTERS"),
        ("Reuters - Storm hits the coast", "Reuters", "Reuters"),
        ("BBC News — Storm hits the coast", "BBC", "BBC News"),
        ("Storm hits the coast (AP)", "Associated Press", "AP"),
        ("Storm hits the coast (Reuters)", "Reuters", "Reuters"),
        ("Storm hits the coast (The Associated Press).", "Associated Press", "The Associated Press"),
        ("The Guardian: Storm hits the coast", "The Guardian", "The Guardian"),
        ("  AFP : Storm hits the coast", "Agence France-Presse", "AFP"),
        # The whole of the last segment after " | ", as a site's page title ends with its name.
        ("Storm hits the coast | Reuters", "Reuters", "Reuters"),
        ("Storm hits the coast | World news | The Guardian", "The Guardian", "The Guardian"),
        ("Storm hits the coast | The Globe and Mail", "The Globe and Mail", "The Globe and Mail"),
        # "AP Exclusive:" is how a wire labels its own story, and a copy keeps the label.
        ("AP Exclusive: Storm hits the coast", "Associated Press", "AP"),
        ("REUTERS EXCLUSIVE - Storm hits the coast", "Reuters", "REUTERS"),
        ("The Guardian exclusive: Storm hits the coast", "The Guardian", "The Guardian"),
    ],
)
def test_a_known_outlet_in_a_titles_credit_place_is_the_posts_credit(
    title: str, outlet: str, surface: str
) -> None:
    """ "AP: Storm hits the coast" and "Storm hits the coast (Reuters)" are how blogs credit a wire."""
    (credit,) = extract_credits(titled(title), builtin_aliases())
    assert (credit.outlet, credit.how, credit.surface) == (outlet, "title", surface)
    assert (credit.line, credit.paragraph, credit.url) == (4, -1, None)  # the title's line, no paragraph
    assert credit.evidence == " ".join(title.split())


@pytest.mark.parametrize(
    "title",
    [
        # Titles that name an outlet without crediting it.
        "Reuters reporter jailed",
        "Why the AP changed its style guide",
        "Storm hits the coast, Reuters says",
        "Storm (Reuters) hits the coast",
        "AP style: why the Oxford comma goes",
        "AP-NORC poll: trust in news falls",
        "Reuters/Ipsos poll: most back the plan",
        # An ordinary word the table takes only after "the", and bodies that are no news outlet.
        "Guardian: a poem",
        "Express: five ways to cook rice",
        "Economist: rates will rise",
        "Hill: the vote is close",
        "Pentagon: troops to stay",
        "FBI: arrests made",
        # No outlet, or nothing after the credit place.
        "Analysis: Iran, ISIS Likely to Unite for WWIII",
        "The terrorist diaspora: After the fall of the caliphate",
        "Storm hits the coast (Video)",
        "Storm hits the coast (AP Photo)",
        "Storm hits the coast | The Daily Blog",
        "Storm hits the coast | AP Photo",
        "Storm hits the coast | Guardian",
        "Reuters | Storm hits the coast",
        "Exclusive: Storm hits the coast",
        "Guardian Exclusive: a poem",
        "Pentagon exclusive: troops to stay",
        "AP Photos: Storm hits the coast",
        "Reuters:",
        "(Reuters)",
        "",
    ],
)
def test_a_title_that_only_names_an_outlet_credits_nobody(title: str) -> None:
    assert title_credits(title) == []


def test_the_title_credit_comes_first_and_apart_from_the_texts_credits() -> None:
    """The title is read before the text; a credit line naming the same outlet is a credit of its own kind."""
    post = titled("Storm hits the coast (Reuters)", BODY, "Via Reuters")
    found = [(c.outlet, c.how) for c in extract_credits(post, builtin_aliases())]
    assert found == [("Reuters", "title"), ("Reuters", "via")]


def test_a_post_without_a_title_line_gives_its_first_line() -> None:
    post = replace(titled("AP: Storm hits the coast"), title_line=0)
    (credit,) = extract_credits(post, builtin_aliases())
    assert credit.line == 3


_HEADLINE = st.lists(st.from_regex(r"[a-z]{1,9}", fullmatch=True), min_size=1, max_size=8).map(
    lambda words: " ".join(words).capitalize()
)


@given(st.sampled_from(news_outlet_names()), _HEADLINE, st.sampled_from([": ", " - ", " — ", " – "]))
def test_any_news_outlet_before_a_colon_or_a_dash_credits_it(
    named: tuple[str, OutletInfo], headline: str, separator: str
) -> None:
    name, info = named
    assert title_credits(f"{name}{separator}{headline}") == [(info.name, "title", name)]
    assert title_credits(f"{headline} ({name})") == [(info.name, "title", name)]


@given(st.sampled_from(news_outlet_names()), _HEADLINE, _HEADLINE)
def test_an_outlet_named_inside_a_title_without_a_credit_place_credits_nobody(
    named: tuple[str, OutletInfo], before: str, after: str
) -> None:
    name, _info = named
    assert title_credits(f"{before} {name} {after.lower()}") == []
    assert title_credits(f"{name} {after.lower()}") == []


def test_a_copy_crediting_its_source_in_its_title_is_credited_by_the_title(tmp_path: Path) -> None:
    """A copy titled "... (Reuters)" credits the Reuters text it carries; one that names Reuters without
    crediting it in its title does not."""
    result = audit_records(
        tmp_path,
        [
            record("wire", "2020-03-01", SOURCE, outlet="Reuters"),
            record("blog", "2020-03-02", SOURCE, title="Storm hits the coast (Reuters)"),
            record("news", "2020-03-02", SOURCE + "\n\n" + SECOND, title="Reuters reporter jailed"),
        ],
    )
    credited = result.dedup.reuse["blog"].credit
    assert credited is not None
    assert [(e.source, e.outlet, e.how, e.credited, e.evidence_line, e.evidence) for e in credited.by] == [
        ("wire", "Reuters", "title", True, 2, "Storm hits the coast (Reuters)")
    ]
    assert credited.uncredited_share == 0
    uncredited = result.dedup.reuse["news"].credit
    assert uncredited is not None
    assert [(e.source, e.how) for e in uncredited.by] == [("wire", "none")]
    assert [(c.post, c.outlet, c.how) for c in result.graph.credits] == [("blog", "Reuters", "title")]


def test_a_credit_line_is_the_stronger_credit_than_the_title(tmp_path: Path) -> None:
    result = audit_records(
        tmp_path,
        [
            record("wire", "2020-03-01", SOURCE, outlet="Reuters"),
            record("blog", "2020-03-02", SOURCE + "\n\nVia Reuters", title="Reuters: Storm hits the coast"),
        ],
    )
    credit = result.dedup.reuse["blog"].credit
    assert credit is not None
    assert [e.how for e in credit.by] == ["credit_line"]
