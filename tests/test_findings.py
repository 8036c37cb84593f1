"""Credit for reused text and claims against evidence: one hand-made dump per case, and a near miss for each.

Each dump is JSON Lines as a user would hand it in; the audit runs end to end
(``provenance.audit``) and the test reads the records it returns, so the
credit and the findings are checked where every output takes them from.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

import provenance
from provenance.cli import cli
from provenance.config import AuditConfig
from provenance.models import Audit, Finding
from tests.test_verdicts import prose

SOURCE = prose(11, 72)
SECOND = prose(12, 60)
THIRD = prose(13, 60)


def write_dump(tmp_path: Path, records: list[dict[str, Any]]) -> Path:
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return dump


def audit_records(tmp_path: Path, records: list[dict[str, Any]], config: AuditConfig | None = None) -> Audit:
    return provenance.audit([write_dump(tmp_path, records)], config)


def record(post_id: str, date: str, text: str, **fields: Any) -> dict[str, Any]:
    return {"id": post_id, "title": post_id.title(), "date": date, "text": text, **fields}


def misattributed() -> list[dict[str, Any]]:
    """A wire text, and a blog that prints it next day under another outlet's name."""
    return [
        record("wire", "2020-03-01", SOURCE, outlet="Reuters"),
        record("blog", "2020-03-02", SOURCE, outlet="Associated Press"),
    ]


def kinds(result: Audit) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(f.kind, f.severity, f.posts) for f in result.findings]


def only(result: Audit, kind: str) -> Finding:
    found = [f for f in result.findings if f.kind == kind]
    assert len(found) == 1, kinds(result)
    return found[0]


# -- credit for reused text -----------------------------------------------------------


def test_a_copy_citing_its_sources_outlet_is_credited_by_its_citation(tmp_path: Path) -> None:
    result = audit_records(
        tmp_path,
        [
            record("wire", "2020-03-01", SOURCE, outlet="Reuters"),
            record("blog", "2020-03-02", SOURCE, outlet="Reuters", source_title="Wire"),
        ],
    )
    reuse = result.dedup.reuse["blog"]
    assert reuse.credit is not None
    (entry,) = reuse.credit.by
    assert (entry.source, entry.how, entry.credited, entry.outlet) == ("wire", "citation", True, "Reuters")
    assert reuse.credit.credited_share == reuse.share + reuse.quoted_share
    assert reuse.credit.uncredited_share == 0
    (reuters,) = [o for o in result.outlets if o.name == "Reuters"]
    assert reuters.reuse is not None
    assert (reuters.reuse.copies, reuters.reuse.credited_share) == (1, 1.0)
    assert reuters.reuse.words == len(SOURCE.split())
    assert result.findings == []


def test_an_attribution_line_just_before_the_copied_text_credits_it(tmp_path: Path) -> None:
    copy = "Reuters reported on Monday that the council met.\n\n" + SOURCE
    result = audit_records(
        tmp_path,
        [record("wire", "2020-03-01", SOURCE, outlet="Reuters"), record("blog", "2020-03-02", copy)],
    )
    credit = result.dedup.reuse["blog"].credit
    assert credit is not None
    assert [(e.how, e.credited, e.evidence_line) for e in credit.by] == [
        ("attribution_line", True, 2)
    ]  # its JSON line
    assert "Reuters reported" in (credit.by[0].evidence or "")


def test_a_via_line_credits_and_a_copy_with_no_credit_is_uncredited(tmp_path: Path) -> None:
    result = audit_records(
        tmp_path,
        [
            record("wire", "2020-03-01", SOURCE, outlet="Reuters"),
            record("via", "2020-03-02", SOURCE + "\n\nVia Reuters"),
            record("bare", "2020-03-03", SOURCE + "\n\n" + SECOND),
        ],
    )
    via = result.dedup.reuse["via"].credit
    bare = result.dedup.reuse["bare"].credit
    assert via is not None and bare is not None
    assert [(e.source, e.how) for e in via.by] == [("wire", "credit_line")]
    first = bare.by[0]
    assert (first.source, first.how, first.credited, first.outlet) == ("wire", "none", False, "Reuters")
    assert bare.credited_share == 0
    assert bare.uncredited_share == result.dedup.reuse["bare"].share
    # An uncredited copy claims nothing false: it is no finding, only an uncredited share.
    assert result.findings == []


def test_a_wire_dateline_a_copyright_a_courtesy_line_or_a_lead_in_credits_the_wire(tmp_path: Path) -> None:
    """ "WASHINGTON (AP) —", "Copyright 2020 The Associated Press", "Courtesy of the AP", "From The
    Associated Press:" before the text, "The Associated Press contributed to this report" and a sign-off
    "— AP" credit it."""
    result = audit_records(
        tmp_path,
        [
            record("wire", "2020-03-01", SOURCE, outlet="Associated Press"),
            record("dateline", "2020-03-02", "WASHINGTON (AP) — " + SOURCE),
            record(
                "copyright",
                "2020-03-02",
                SOURCE + "\n\nCopyright 2020 The Associated Press. All rights reserved.",
            ),
            record("courtesy", "2020-03-02", SOURCE + "\n\nCourtesy of the Associated Press"),
            record("lead-in", "2020-03-02", "From The Associated Press:\n\n" + SOURCE),
            record(
                "contributed", "2020-03-02", SOURCE + "\n\nThe Associated Press contributed to this report."
            ),
            record("sign-off", "2020-03-02", SOURCE + "\n\n— AP"),
        ],
    )
    for copy in ("dateline", "copyright", "courtesy", "lead-in", "contributed", "sign-off"):
        credit = result.dedup.reuse[copy].credit
        assert credit is not None
        assert [(e.source, e.outlet, e.how) for e in credit.by] == [
            ("wire", "Associated Press", "credit_line")
        ]
        assert credit.uncredited_share == 0


def test_borrowed_words_inside_quotation_marks_count_as_credited_by_the_quotation(tmp_path: Path) -> None:
    quote = prose(13, 30)
    source = f'The minister said: "{quote}" ' + SOURCE
    copy = f'A spokesman told us: "{quote}"\n\n' + prose(14, 80)
    result = audit_records(
        tmp_path,
        [record("wire", "2020-03-01", source, outlet="Reuters"), record("blog", "2020-03-02", copy)],
    )
    reuse = result.dedup.reuse.get("blog")
    assert reuse is not None and reuse.credit is not None, "the shared quotation is borrowed text"
    assert reuse.quoted_share > 0
    quoted = [e for e in reuse.credit.by if e.how == "quotation"]
    assert quoted and all(e.credited for e in quoted)
    assert reuse.credit.credited_share >= reuse.quoted_share


# -- findings ---------------------------------------------------------------------------


def test_misattribution_credits_one_outlet_for_text_first_printed_by_another(tmp_path: Path) -> None:
    result = audit_records(tmp_path, misattributed())
    finding = only(result, "misattribution")
    assert (finding.severity, finding.posts) == ("high", ("blog", "wire"))
    assert "Associated Press" in finding.summary and "Reuters" in finding.summary
    assert {e.post for e in finding.evidence} == {"blog", "wire"}


def test_near_miss_a_copy_that_credits_the_first_outlet_is_no_misattribution(tmp_path: Path) -> None:
    result = audit_records(
        tmp_path,
        [
            record("wire", "2020-03-01", SOURCE, outlet="Reuters"),
            record("blog", "2020-03-02", SOURCE, outlet="Associated Press"),
            record("fair", "2020-03-03", SOURCE + "\n\nVia Reuters", outlet="Associated Press"),
        ],
    )
    assert [f.posts for f in result.findings if f.kind == "misattribution"] == [("blog", "wire")]


def test_near_miss_a_copy_crediting_a_service_of_its_outlet_is_no_misattribution(tmp_path: Path) -> None:
    """ "BBC World Service", "AP News", "NYTimes": the BBC, the Associated Press, the New York Times."""
    result = audit_records(
        tmp_path,
        [
            record("bbc", "2020-03-01", SOURCE, outlet="BBC"),
            record("cited", "2020-03-02", SOURCE, outlet="BBC World Service"),
            record("credited", "2020-03-03", SOURCE + "\n\nSource: BBC News Online"),
            record("wire", "2020-03-01", SECOND, outlet="Associated Press"),
            record("ap", "2020-03-02", SECOND + "\n\nSource: AP News"),
            record("nyt", "2020-03-04", THIRD, outlet="The New York Times"),
            record("site-name", "2020-03-05", THIRD + "\n\nSource: NYTimes"),
        ],
    )
    assert kinds(result) == []
    credited = result.dedup.reuse["credited"].credit
    assert credited is not None
    assert [(e.source, e.outlet, e.how) for e in credited.by] == [("bbc", "BBC", "credit_line")]


def test_date_inversion_a_declared_source_dated_after_its_copy(tmp_path: Path) -> None:
    reference = tmp_path / "known.jsonl"
    reference.write_text(json.dumps(record("press-release", "2020-03-09", SOURCE)) + "\n", encoding="utf-8")
    result = audit_records(
        tmp_path,
        [record("blog", "2020-03-02", SOURCE + "\n\n" + SECOND)],
        AuditConfig(references=(str(reference),)),
    )
    finding = only(result, "date_inversion")
    assert finding.posts == ("blog", "press-release")
    assert "2020-03-09" in finding.summary and "2020-03-02" in finding.summary


def test_date_inversion_one_article_claimed_under_a_later_date_than_a_copy_printed_it(tmp_path: Path) -> None:
    article = {"outlet": "Reuters", "source_title": "Council meets"}
    result = audit_records(
        tmp_path,
        [
            record("early", "2020-03-01", SOURCE, source_date="2020-03-01", **article),
            record("late", "2020-03-05", SOURCE, source_date="2020-03-04", **article),
        ],
    )
    finding = only(result, "date_inversion")
    assert finding.posts == ("late", "early")


def test_near_miss_two_articles_of_one_outlet_under_different_titles_are_no_date_inversion(
    tmp_path: Path,
) -> None:
    """The seed's case: an outlet's later article quoting its earlier one."""
    result = audit_records(
        tmp_path,
        [
            record("early", "2020-03-01", SOURCE, outlet="Reuters", source_title="Council meets"),
            record("late", "2020-03-05", SOURCE, outlet="Reuters", source_title="Council meets again"),
        ],
    )
    assert result.findings == []


def _numbered(count: str, day: str) -> str:
    return f"Officials counted {count} ballots on {day} in the northern district. " + SOURCE


def test_same_claim_different_text_with_a_changed_number(tmp_path: Path) -> None:
    article = {"outlet": "Reuters", "source_title": "Council meets", "source_date": "2020-03-01"}
    result = audit_records(
        tmp_path,
        [
            record("first", "2020-03-01", _numbered("1,112", "Thursday"), **article),
            record("second", "2020-03-02", _numbered("1,212", "Thursday"), **article),
        ],
    )
    finding = only(result, "same_claim_different_text")
    assert (finding.severity, finding.posts) == ("high", ("first", "second"))
    assert any(e.text == "number: “1,112” -> “1,212”" and e.post == "second" for e in finding.evidence)
    # The changed number is named once, by this finding, not again as an unnoticed edit.
    assert [f.kind for f in result.findings] == ["same_claim_different_text"]


def test_near_miss_same_claim_with_only_formatting_changed_is_no_finding(tmp_path: Path) -> None:
    article = {"outlet": "Reuters", "source_title": "Council meets", "source_date": "2020-03-01"}
    result = audit_records(
        tmp_path,
        [
            record("first", "2020-03-01", _numbered("1,112", "Thursday"), **article),
            record("second", "2020-03-02", _numbered("1,112", "Thursday").upper(), **article),
        ],
    )
    assert result.findings == []


def test_substantive_edit_without_notice_in_credited_text(tmp_path: Path) -> None:
    source = "The minister said the plant is not safe to reopen this year. " + SOURCE
    changed = "The minister said the plant is safe to reopen this year. " + SOURCE
    result = audit_records(
        tmp_path,
        [
            record("wire", "2020-03-01", source, outlet="Reuters"),
            record("blog", "2020-03-02", changed + "\n\nVia Reuters"),
        ],
    )
    finding = only(result, "substantive_edit_without_notice")
    assert (finding.severity, finding.posts) == ("high", ("blog", "wire"))
    assert "negation" in finding.summary
    assert any("not" in e.text for e in finding.evidence)


def test_near_miss_a_noticed_edit_or_a_formatting_change_is_no_finding(tmp_path: Path) -> None:
    source = "The minister said the plant is not safe to reopen this year. " + SOURCE
    changed = "The minister said the plant is safe to reopen this year. " + SOURCE
    restyled = source.replace(".", "!")
    result = audit_records(
        tmp_path,
        [
            record("wire", "2020-03-01", source, outlet="Reuters"),
            record(
                "noticed", "2020-03-02", changed + "\n\nVia Reuters\n\nUpdated: the minister corrected us."
            ),
            record("restyled", "2020-03-03", restyled + "\n\nVia Reuters"),
        ],
    )
    assert [f for f in result.findings if f.kind == "substantive_edit_without_notice"] == []


def test_the_same_author_under_two_outlets_is_self_plagiarism_or_syndication(tmp_path: Path) -> None:
    author = {"author": "Jane Roe"}
    result = audit_records(
        tmp_path,
        [
            record("first", "2020-03-01", SOURCE, outlet="Reuters", **author),
            record("again", "2020-03-02", SOURCE, outlet="The Guardian", **author),
            record("shared", "2020-03-03", SOURCE + "\n\nVia Reuters", outlet="BBC News", **author),
        ],
    )
    plagiarism = only(result, "self_plagiarism")
    syndication = only(result, "syndication")
    assert (plagiarism.severity, plagiarism.posts) == ("medium", ("again", "first"))
    assert (syndication.severity, syndication.posts) == ("low", ("shared", "first"))
    assert "Jane Roe" in plagiarism.summary
    # Neither is called a misattribution: the author's own text is not an uncredited copy.
    assert not [f for f in result.findings if f.kind == "misattribution"]


def test_near_miss_another_author_under_another_outlet_is_a_misattribution_not_self_plagiarism(
    tmp_path: Path,
) -> None:
    result = audit_records(
        tmp_path,
        [
            record("first", "2020-03-01", SOURCE, outlet="Reuters", author="Jane Roe"),
            record("again", "2020-03-02", SOURCE, outlet="The Guardian", author="John Doe"),
        ],
    )
    assert [f.kind for f in result.findings] == ["misattribution"]


def test_dangling_reference_and_its_near_miss(tmp_path: Path) -> None:
    """A note pointing to a title the dump lacks is a finding; one pointing to a post in it is not."""
    archive = tmp_path / "archive.txt"
    archive.write_text(
        "Posts Tagged ‘test’\n\n"
        "First post\n\nMarch 1, 2020\n\n"
        f"{SOURCE}\n\n(But please see, Second post. — DM)\n\n(But please see, A missing article. — DM)\n\n"
        "Second post\n\nMarch 2, 2020\n\n"
        f"{SECOND}\n",
        encoding="utf-8",
    )
    result = provenance.audit([archive])
    notes = [n.text for p in result.posts for n in p.notes if n.role == "editor_note"]
    assert len(notes) == 2, notes
    finding = only(result, "dangling_reference")
    assert finding.severity == "low"
    assert "A missing article" in finding.summary
    assert finding.evidence[0].line is not None


def test_findings_are_in_audit_json_and_the_cli_summary(tmp_path: Path) -> None:
    dump = write_dump(tmp_path, misattributed())
    out = tmp_path / "out"
    run = CliRunner().invoke(cli, ["audit", str(dump), "--out", str(out)])
    assert run.exit_code == 0, run.output
    assert "findings: 1 (1 high)" in run.output
    assert "high misattribution: blog names Associated Press as its source" in run.output
    doc = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert [(f["kind"], f["severity"], f["posts"]) for f in doc["findings"]] == [
        ("misattribution", "high", ["blog", "wire"])
    ]
    assert doc["summary"]["findings_by_severity"] == {"high": 1, "medium": 0, "low": 0}
    (blog,) = [p for p in doc["posts"] if p["id"] == "blog"]
    assert blog["reuse"]["credit"]["uncredited_share"] == blog["reuse"]["share"]
    assert blog["reuse"]["credit"]["by"][0]["how"] == "none"


def test_sources_prints_the_credit_and_findings_live_and_from_a_saved_audit(tmp_path: Path) -> None:
    dump = write_dump(tmp_path, misattributed())
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["audit", str(dump), "--out", str(out)]).exit_code == 0
    live = CliRunner().invoke(cli, ["sources", "blog", str(dump)])
    saved = CliRunner().invoke(cli, ["sources", "blog", str(out / "audit.json")])
    for run in (live, saved):
        assert run.exit_code == 0, run.output
        assert "credit: 0% of its words borrowed with credit, 100% without" in run.output
        assert "100% from wire (Reuters): no credit" in run.output
        assert "changed from wire: no edit found" in run.output
        assert "findings naming it: 1" in run.output
        assert "high misattribution" in run.output
    assert live.output == saved.output


def test_a_site_repeating_its_own_text_owes_no_credit(tmp_path: Path) -> None:
    """Two posts of one blog (addresses on one host) sharing text: the blog's own words, not borrowing."""
    result = audit_records(
        tmp_path,
        [
            record("first", "2020-03-01", SOURCE, url="https://blog.example.org/2020/03/first/"),
            record("again", "2020-03-02", SOURCE, url="https://www.blog.example.org/2020/03/again/"),
            record("other", "2020-03-03", SOURCE, url="https://another.example.net/copied/"),
        ],
    )
    again = result.dedup.reuse["again"].credit
    other = result.dedup.reuse["other"].credit
    assert again is not None and other is not None
    assert [(e.source, e.how, e.credited) for e in again.by] == [("first", "same_site", True)]
    assert result.findings == []
    assert (other.by[0].source, other.by[0].how, other.by[0].credited) == ("first", "none", False)


def test_a_source_saved_from_an_outlets_site_is_credited_by_naming_that_outlet(tmp_path: Path) -> None:
    """A page saved from reuters.com with no citation line is Reuters' text: "Via Reuters" credits it.

    Its outlets were only those its citation and credit lines name, none here,
    so a copy crediting Reuters by name was "not credited" and no copy could be
    told it credits another outlet than the one whose site printed the text.
    """
    result = audit_records(
        tmp_path,
        [
            record("page", "2020-03-01", SOURCE, url="https://www.reuters.com/world/storm-2020-03-01/"),
            record("via", "2020-03-02", SOURCE + "\n\nVia Reuters"),
            record("bare", "2020-03-03", SOURCE + "\n\n" + SECOND),
            record("other", "2020-03-04", SOURCE + "\n\n" + THIRD, outlet="Associated Press"),
        ],
    )
    via = result.dedup.reuse["via"].credit
    bare = result.dedup.reuse["bare"].credit
    assert via is not None and bare is not None
    assert [(e.source, e.how, e.outlet) for e in via.by] == [("page", "credit_line", "Reuters")]
    assert (bare.by[0].source, bare.by[0].how, bare.by[0].outlet) == ("page", "none", "Reuters")
    finding = only(result, "misattribution")
    assert finding.posts == ("other", "page")
    assert "under Reuters (page, 2020-03-01)" in finding.summary


def test_a_copy_of_a_later_version_of_its_credited_source_changed_nothing(tmp_path: Path) -> None:
    """A wire filed a story twice on one day, the second time with a new number; a blog printed the second.

    The blog's words were credited to the first version (the two are
    contemporaries, and the first is read first), and the "faithful" paragraphs
    were looked for among the blog's sources alone: the number it carries as
    the second version has it was "changed without a notice", a high finding
    against a blog that changed nothing.
    """
    source = "The minister said 1,112 homes were lost to the fire this year. " + SOURCE
    revised = "The minister said 1,212 homes were lost to the fire this year. " + SOURCE
    result = audit_records(
        tmp_path,
        [
            record("wire", "2020-03-01", source, outlet="Reuters"),
            record("revised", "2020-03-01", revised, outlet="Reuters"),
            record("blog", "2020-03-02", revised + "\n\nVia Reuters"),
            record("changed", "2020-03-03", revised.replace("1,212", "1,312") + "\n\nVia Reuters"),
        ],
    )
    assert [s.post for s in result.dedup.reuse["blog"].sources] == ["wire"]
    unnoticed = [f.posts[0] for f in result.findings if f.kind == "substantive_edit_without_notice"]
    # The near miss: a copy that does change the revised number is still found.
    assert "blog" not in unnoticed and "changed" in unnoticed


# -- disguised copies -------------------------------------------------------------------


def _in_every_word(text: str, hidden: str) -> str:
    """``hidden`` between every two letters of each word (a hostile copy's tool)."""
    return " ".join(hidden.join(word) if word.isalpha() else word for word in text.split(" "))


def test_a_copy_disguised_with_look_alike_letters_is_a_high_finding_naming_the_letters(
    tmp_path: Path,
) -> None:
    """The duplicate stage sees through a copy's Cyrillic letters (an exact copy), but a reader of the report
    saw "100% shared" and not that the copy hid itself from the tools that compare characters."""
    swapped = SOURCE.translate(str.maketrans("aeo", "аео"))  # Cyrillic а, е, о
    result = audit_records(
        tmp_path,
        [record("wire", "2020-03-01", SOURCE, outlet="Reuters"), record("blog", "2020-03-02", swapped)],
    )
    finding = only(result, "disguised_copy")
    assert (finding.severity, finding.posts) == ("high", ("blog", "wire"))
    assert "blog carries the text of wire with" in finding.summary
    assert "Cyrillic е (U+0435) for e" in finding.summary
    assert "letters swapped for look-alikes" in finding.summary
    assert 0 < len(finding.evidence) <= 5
    assert {e.post for e in finding.evidence} == {"blog"}
    assert all(e.paragraph == 0 and e.line is not None for e in finding.evidence)
    assert any("Cyrillic" in e.text for e in finding.evidence)


def test_characters_no_reader_sees_make_a_finding_by_how_many_words_hide_them(tmp_path: Path) -> None:
    """Every word: high. One word: medium (a stray character a copy-and-paste can carry)."""
    one_word = SOURCE.split(" ")
    one_word[3] = "\u200b".join(one_word[3])
    result = audit_records(
        tmp_path,
        [
            record("wire", "2020-03-01", SOURCE),
            record("every", "2020-03-02", _in_every_word(SOURCE, "\u200b")),
            record("one", "2020-03-03", " ".join(one_word)),
        ],
    )
    found = {f.posts[0]: f for f in result.findings if f.kind == "disguised_copy"}
    assert sorted(found) == ["every", "one"], kinds(result)
    assert found["every"].severity == "high"
    assert found["one"].severity == "medium"
    assert "zero width space (U+200B)" in found["every"].summary
    assert "1 word disguised in 1 paragraph" in found["one"].summary
    # Each names the post that writes the words plainly, not the other disguised copy.
    assert found["every"].posts == ("every", "wire") and found["one"].posts == ("one", "wire")


def test_soft_hyphens_where_hyphenation_puts_them_are_low_and_between_every_letter_high(
    tmp_path: Path,
) -> None:
    """A site may hyphenate long words with soft hyphens (two letters or more each side of a break): a low
    finding. One after a word's first letter breaks no line any hyphenation library would."""
    text = (
        "The ministry announced yesterday that seventeen international observers had travelled to the "
        "disputed northern province, where government soldiers and independent militias exchanged artillery "
        "fire throughout the weekend, according to humanitarian organisations working near the frontline."
    )
    hyphenated = " ".join(
        f"{word[:3]}\u00ad{word[3:]}" if len(word) >= 8 else word for word in text.split(" ")
    )
    assert hyphenated.count("\u00ad") >= 10
    result = audit_records(
        tmp_path,
        [
            record("wire", "2020-03-01", text),
            record("hyphenated", "2020-03-02", hyphenated),
            record("every", "2020-03-03", _in_every_word(text, "\u00ad")),
        ],
    )
    found = {f.posts[0]: f.severity for f in result.findings if f.kind == "disguised_copy"}
    assert found == {"hyphenated": "low", "every": "high"}, kinds(result)


def test_near_miss_a_clean_copy_of_a_disguised_text_names_the_text_that_hides(tmp_path: Path) -> None:
    """The finding is about the text that hides, whichever came first: a clean later copy is not blamed."""
    swapped = SOURCE.translate(str.maketrans("aeo", "аео"))
    result = audit_records(
        tmp_path,
        [record("first", "2020-03-01", swapped), record("later", "2020-03-02", SOURCE)],
    )
    assert only(result, "disguised_copy").posts == ("first", "later")


def test_near_miss_case_changes_are_no_disguise_and_alike_disguises_are_disguised_texts(
    tmp_path: Path,
) -> None:
    """A copy in capitals hides nothing. Two posts disguised alike differ in no character: no copy to hold
    them against, but each post's words disguise themselves (Latin words with Cyrillic letters)."""
    upper = audit_records(
        tmp_path, [record("wire", "2020-03-01", SOURCE), record("upper", "2020-03-02", SOURCE.upper())]
    )
    assert upper.pairs and upper.findings == []
    swapped = SOURCE.translate(str.maketrans("aeo", "аео"))
    alike = audit_records(
        tmp_path, [record("one", "2020-03-01", swapped + " " + SECOND), record("two", "2020-03-04", swapped)]
    )
    assert alike.pairs
    assert kinds(alike) == [("disguised_text", "medium", ("one",)), ("disguised_text", "medium", ("two",))]
    assert "the dump holds no plain version" in alike.findings[0].summary


def test_a_post_disguised_with_no_plain_version_in_the_dump_is_a_disguised_text(tmp_path: Path) -> None:
    """The common case: the text's source is a news site, not in the dump. Latin words with look-alike or
    hidden characters inside them still tell; a slip or two is low, a Greek letter alone nothing."""
    texts = [
        "The ministry announced yesterday that seventeen international observers had travelled to the "
        "disputed northern province, where government soldiers exchanged artillery fire with militias.",
        "Negotiators from both delegations resumed their discussions behind closed doors on Wednesday "
        "afternoon, according to diplomats familiar with the confidential proposals under consideration.",
        "Researchers measured the protein structures with unprecedented resolution and published their "
        "findings alongside detailed descriptions of the experimental apparatus and laboratory procedures.",
        "Volunteers distributed emergency supplies throughout neighbourhoods devastated by the flooding, "
        "while municipal engineers inspected damaged bridges and reinforced embankments along the river.",
    ]
    words = texts[0].split(" ")
    slip = " ".join("Mоscow" if i == 3 else w for i, w in enumerate(words))  # a Cyrillic о, once
    hidden = " ".join("\u200b".join(w) if i % 2 else w for i, w in enumerate(texts[1].split(" ")))
    greek = texts[2] + " The α-helix and the β-sheet, in μm, cost 5 €."
    hyphenated = " ".join(f"{w[:3]}\u00ad{w[3:]}" if len(w) >= 8 else w for w in texts[3].split(" "))
    assert hyphenated.count("\u00ad") >= 8
    result = audit_records(
        tmp_path,
        [
            record("slip", "2020-03-01", slip),
            record("hidden", "2020-03-02", hidden),
            record("greek", "2020-03-03", greek),
            record("hyphenated", "2020-03-04", hyphenated),
            record("persian", "2020-03-05", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 " + SECOND),
        ],
    )
    assert result.pairs == []
    found = {f.posts[0]: f for f in result.findings if f.kind == "disguised_text"}
    assert sorted(found) == ["hidden", "slip"], kinds(result)
    assert found["slip"].severity == "low" and "Cyrillic о (U+043E) for o" in found["slip"].summary
    assert found["hidden"].severity == "medium" and "zero width space" in found["hidden"].summary
    assert found["slip"].evidence[0].text.startswith("“Moscow”")


def test_a_disguised_copy_of_a_text_many_posts_carry_names_three_of_them(tmp_path: Path) -> None:
    swapped = SOURCE.translate(str.maketrans("aeo", "аео"))
    plain = [record(f"plain{n}", f"2020-03-0{n + 1}", SOURCE) for n in range(5)]
    result = audit_records(tmp_path, [*plain, record("blog", "2020-03-09", swapped)])
    finding = only(result, "disguised_copy")
    assert finding.posts == ("blog", "plain0", "plain1", "plain2")
    assert "carries the text of plain0, plain1, plain2 and 2 more posts with" in finding.summary
