"""Golden expectations for the sample archive, written from reading seeds/islamic-state-whats-next.txt.

Paragraphs are named by their line in the file, as a reader would point at
them, so the expectations do not depend on how the code numbers paragraphs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import provenance
from provenance.models import Audit

SEED = Path(__file__).resolve().parents[1] / "seeds" / "islamic-state-whats-next.txt"

DIASPORA = "the-terrorist-diaspora-after-the-fall-of-the-caliphate"
RED_LINE = "in-syria-trump-s-red-line-may-be-holding"
US_ON_ALERT = "us-on-alert-for-terror-strikes-around-elections"
ISIS_CHIEF = "isis-chief-looses-suicide-bombers-at-w-cities"
SURVIVE = "isis-will-survive-mosul-and-raqqa"
EUROPE = "europe-braces-for-post-mosul-jihadi-onslaught"
IRAN = "analysis-iran-isis-likely-to-unite-for-wwiii"


@pytest.fixture(scope="module")
def seed_audit() -> Audit:
    return provenance.audit([SEED])


def _line(result: Audit, post_id: str, index: int) -> int:
    post = next(p for p in result.posts if p.id == post_id)
    return post.paragraphs[index].line


def _pairs_by_line(result: Audit, kind: str) -> set[tuple[int, int]]:
    return {
        (_line(result, p.a.post, p.a.paragraph), _line(result, p.b.post, p.b.paragraph))
        for p in result.pairs
        if p.kind == kind
    }


def test_seven_posts_with_titles_and_dates(seed_audit: Audit) -> None:
    """The seed holds seven posts, in file order, with the dates under their titles."""
    got = [(p.id, p.title, p.date) for p in seed_audit.posts]
    assert got == [
        (DIASPORA, "The terrorist diaspora: After the fall of the caliphate", dt.date(2017, 7, 14)),
        (RED_LINE, "In Syria, Trump’s Red Line May be Holding", dt.date(2017, 6, 29)),
        (US_ON_ALERT, "US on alert for terror strikes around elections", dt.date(2016, 11, 4)),
        (ISIS_CHIEF, "ISIS chief looses suicide bombers at W. cities", dt.date(2016, 11, 3)),
        (SURVIVE, "ISIS will survive Mosul and Raqqa", dt.date(2016, 11, 2)),
        (EUROPE, "Europe Braces for Post-Mosul Jihadi Onslaught", dt.date(2016, 10, 19)),
        (IRAN, "Analysis: Iran, ISIS Likely to Unite for WWIII", dt.date(2016, 2, 28)),
    ]


def test_citations_give_outlet_author_and_original_date(seed_audit: Audit) -> None:
    """Each citation line yields outlet, author (split where a lost link glued it on) and original date."""
    got = {
        p.id: (p.citation.outlet, p.citation.author, p.citation.date) if p.citation else None
        for p in seed_audit.posts
    }
    assert got == {
        DIASPORA: ("Long War Journal", None, dt.date(2017, 7, 13)),
        RED_LINE: ("Front Page Magazine", "Joseph Klein", dt.date(2017, 6, 29)),
        US_ON_ALERT: ("DEBKAfile", None, dt.date(2016, 11, 4)),
        ISIS_CHIEF: ("DEBKAfile", None, dt.date(2016, 11, 3)),
        SURVIVE: ("Israel Hayom", "Dr. Ori Goldberg", dt.date(2016, 11, 2)),
        EUROPE: ("Investigative Project on Terrorism", "John Rossomando", dt.date(2016, 10, 18)),
        IRAN: ("The Jewish Press", "Hana Levi Julian", dt.date(2016, 2, 28)),
    }


def test_source_lines_span_each_post(seed_audit: Audit) -> None:
    """Each post points back to the lines it came from, title to last paragraph."""
    spans = [(p.source.line_start, p.source.line_end) for p in seed_audit.posts]
    assert spans == [(3, 69), (71, 101), (103, 135), (137, 167), (169, 187), (189, 217), (219, 271)]
    assert all(p.source.path.endswith("islamic-state-whats-next.txt") for p in seed_audit.posts)


def test_twelve_exact_pairs_two_inside_and_ten_across(seed_audit: Audit) -> None:
    """The diaspora excerpt repeats twice in its body; "US on alert" carries ten of "ISIS chief"."""
    inside = {(9, 35), (11, 37)}
    across = {(117 + 2 * i, 149 + 2 * i) for i in range(10)}
    assert _pairs_by_line(seed_audit, "exact") == inside | across


def test_edited_excerpt_is_a_near_pair(seed_audit: Audit) -> None:
    """ "[I]t is reasonable to conclude…" (excerpt, edited) is a near duplicate of its body paragraph."""
    assert _pairs_by_line(seed_audit, "near") == {(13, 43)}


def test_excerpts_inside_longer_paragraphs_are_contained_pairs(seed_audit: Audit) -> None:
    """The Red Line excerpt and "Our sources foresee…" lie inside longer paragraphs; `a` is the shorter."""
    assert _pairs_by_line(seed_audit, "contained") == {(77, 101), (145, 165), (145, 133)}


def test_no_other_pairs_on_the_seed(seed_audit: Audit) -> None:
    """With default parameters the seed yields exactly the 16 pairs above, no partial ones."""
    assert len(seed_audit.pairs) == 16
    assert _pairs_by_line(seed_audit, "partial") == set()


def test_the_one_reprint_is_us_on_alert_copying_isis_chief(seed_audit: Audit) -> None:
    """ "US on alert" (Nov 4) copies "ISIS chief looses…" (Nov 3), the earlier post and so the source."""
    assert [(r.source, r.copy) for r in seed_audit.reprints] == [(ISIS_CHIEF, US_ON_ALERT)]
    reprint = seed_audit.reprints[0]
    assert reprint.shared_paragraphs >= 10
    assert reprint.decided_by in {"citation_date", "post_date"}


def test_the_copy_changes_nothing_in_the_paragraphs_it_carries(seed_audit: Audit) -> None:
    """Read from the seed: "US on alert" carries ten paragraphs of "ISIS chief" word for word (lines
    117-135 against 149-167). The source's excerpt at line 145 repeats the close of its own paragraph at
    line 165: against the excerpt the copy's line 133 would seem to add sentences, but it carries the
    whole paragraph."""
    (source,) = seed_audit.dedup.reuse[US_ON_ALERT].sources
    assert (source.post, source.changes) == (ISIS_CHIEF, ())


def test_copy_is_derived_and_the_others_are_independent(seed_audit: Audit) -> None:
    """Only "US on alert" borrows from an earlier post; self-repetition does not count as borrowing."""
    reuse = seed_audit.dedup.reuse
    assert reuse[US_ON_ALERT].derivation in {"wholly", "partially"}
    assert [s.post for s in reuse[US_ON_ALERT].sources] == [ISIS_CHIEF]
    for post_id in (DIASPORA, RED_LINE, ISIS_CHIEF, SURVIVE, EUROPE, IRAN):
        # Posts on one topic share names and stock phrases ("in Iraq and Syria"): a
        # sliver of shared words is allowed, a verdict of borrowing is not.
        assert reuse[post_id].derivation == "independent", post_id
        assert reuse[post_id].share < 0.05, post_id


def _outlet(result: Audit, name: str) -> provenance.models.Outlet:
    matches = [o for o in result.outlets if o.name.casefold() == name.casefold()]
    assert len(matches) == 1, [o.name for o in result.outlets]
    return matches[0]


def test_debkafile_is_one_outlet_cited_twice_and_mentioned_by_red_line(seed_audit: Audit) -> None:
    """ "DEBKAfile" and "Debkafile" are one outlet: cited by both DEBKAfile posts, mentioned by Red Line."""
    debka = _outlet(seed_audit, "DEBKAfile")
    assert set(debka.cited_by) == {US_ON_ALERT, ISIS_CHIEF}
    assert RED_LINE in debka.mentioned_by


@pytest.mark.parametrize(
    ("outlet", "post_id"),
    [
        ("The Washington Post", DIASPORA),
        ("CNN", DIASPORA),
        ("EUROPOL", DIASPORA),
        ("FARS", IRAN),
    ],
)
def test_in_text_attributions_are_mentions(seed_audit: Audit, outlet: str, post_id: str) -> None:
    """Attributions in the text ("data published by the Washington Post", "FARS reported") are mentions."""
    found = [
        o
        for o in seed_audit.outlets
        if post_id in o.mentioned_by
        and (
            o.name.casefold().removeprefix("the ") == outlet.casefold().removeprefix("the ")
            or outlet.casefold() in (a.casefold() for a in o.aliases)
        )
    ]
    assert found, (
        f"{outlet} not mentioned by {post_id}: {[(o.name, o.mentioned_by) for o in seed_audit.outlets]}"
    )


def test_every_non_blank_line_is_accounted_for(seed_audit: Audit) -> None:
    """Nothing is lost: each non-blank line is metadata, a paragraph, a classified line, or unparsed."""
    placed: dict[int, str] = {}

    def place(line: int, what: str) -> None:
        assert line not in placed, f"line {line} placed twice: {placed[line]} and {what}"
        placed[line] = what

    for post in seed_audit.posts:
        place(post.title_line, "title")
        place(post.date_line, "date")
        if post.citation:
            place(post.citation.line, "citation")
        for paragraph in post.paragraphs:
            place(paragraph.line, "paragraph")
        for note in post.notes:
            place(note.line, note.role)
    for line in seed_audit.corpus.classified:
        place(line.line, line.role)
    for line in seed_audit.corpus.unparsed:
        place(line.line, "unparsed")
    text_lines = SEED.read_text(encoding="utf-8").split("\n")
    non_blank = {n for n, text in enumerate(text_lines, start=1) if text.strip()}
    assert set(placed) == non_blank
    assert seed_audit.corpus.unparsed == []


def test_non_content_lines_are_classified(seed_audit: Audit) -> None:
    """Header, separators, image names, the photo credit and the "— DM" editor note are not paragraphs."""
    roles = {n.line: n.role for p in seed_audit.posts for n in p.notes}
    roles.update({c.line: c.role for c in seed_audit.corpus.classified})
    assert roles[1] == "header"
    assert roles[15] == roles[79] == roles[147] == "separator"
    assert roles[109] == roles[143] == "image"
    assert roles[225] == "photo_credit"
    assert roles[195] == "editor_note"


def test_the_copy_credits_its_source_by_citing_debkafile(seed_audit: Audit) -> None:
    """Read from the seed: us-on-alert's own citation line (line 107) names DEBKAfile, the outlet its
    source isis-chief cites, so all of its borrowed words are credited, by that line."""
    reuse = seed_audit.dedup.reuse["us-on-alert-for-terror-strikes-around-elections"]
    assert reuse.credit is not None
    assert [(e.source, e.outlet, e.how, e.credited, e.evidence_line) for e in reuse.credit.by] == [
        ("isis-chief-looses-suicide-bombers-at-w-cities", "DEBKAfile", "citation", True, 107)
    ]
    assert reuse.credit.uncredited_share == 0
    for post_id, other in seed_audit.dedup.reuse.items():
        if post_id != "us-on-alert-for-terror-strikes-around-elections":
            assert other.credit is None or not other.credit.by


def test_the_one_finding_is_the_editor_note_pointing_outside_the_dump(seed_audit: Audit) -> None:
    """Read from the seed: line 195's note "(But please see, A 'lasting defeat' of the Islamic State will
    be elusive. — DM)" names an article no post of the archive holds. Nothing else contradicts a claim:
    the one copy cites the outlet of its source, dated the day after it, with no substantive edit."""
    assert [(f.kind, f.severity, f.posts) for f in seed_audit.findings] == [
        ("dangling_reference", "low", ("europe-braces-for-post-mosul-jihadi-onslaught",))
    ]
    (evidence,) = seed_audit.findings[0].evidence
    assert evidence.line == 195
    assert "lasting defeat" in seed_audit.findings[0].summary
