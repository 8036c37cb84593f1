"""Render-level tests of the HTML report: content, escaping, anchors, determinism, size limits."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance.errors import ReportError
from provenance.report import ReportLimits, build_context, render
from provenance.report.anchors import escape_id, paragraph_anchor, post_anchor
from provenance.report.textdiff import side_by_side

FIXTURES = Path(__file__).resolve().parent / "fixtures"
US = "us-on-alert-for-terror-strikes-around-elections"
ISIS = "isis-chief-looses-suicide-bombers-at-w-cities"
DIASPORA = "the-terrorist-diaspora-after-the-fall-of-the-caliphate"
HAYOM = "isis-will-survive-mosul-and-raqqa"


def load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"audit-{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_doc() -> dict[str, Any]:
    return load("seed-shaped")


@pytest.fixture(scope="module")
def seed_html(seed_doc: dict[str, Any]) -> str:
    return render(seed_doc)


@pytest.fixture(scope="module")
def hostile_html() -> str:
    return render(load("hostile"))


class Page(HTMLParser):
    """The parts of a rendered page the tests look at: elements with their attributes, and inline blocks."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.blocks: dict[str, list[str]] = {"script": [], "style": []}
        self._open: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag in self.blocks:
            self._open = tag
            self.blocks[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self.blocks[self._open][-1] += data

    def ids(self) -> list[str]:
        return [a["id"] for _, a in self.elements if a.get("id")]  # type: ignore[misc]

    def hrefs(self) -> list[str]:
        return [a["href"] for _, a in self.elements if a.get("href")]  # type: ignore[misc]

    def with_attr(self, tag: str, name: str, value: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.elements if t == tag and a.get(name) == value]


def figure(html: str, key: str) -> str:
    match = re.search(rf'data-figure="{key}">\s*<dt>[^<]*</dt>\s*<dd class="value">([^<]*)</dd>', html)
    assert match, key
    return match.group(1)


# --------------------------------------------------------------------------
# what the reader sees
# --------------------------------------------------------------------------


def test_overview_shows_the_documents_figures(seed_html: str) -> None:
    """The overview repeats the summary: 7 posts, 106 paragraphs, 16 pairs, 14 clusters, 1 reprint."""
    assert figure(seed_html, "posts") == "7"
    assert figure(seed_html, "paragraphs") == "106"
    assert figure(seed_html, "pairs") == "16"
    assert figure(seed_html, "clusters") == "14"
    assert figure(seed_html, "reprints") == "1"
    assert figure(seed_html, "outlets") == "9"
    assert figure(seed_html, "copied_share_inside") == "13.5%"
    assert figure(seed_html, "copied_share_across") == "11.3%"


def test_pair_kinds_are_counted_from_the_summary_with_thousands_separators(seed_doc: dict[str, Any]) -> None:
    """The kinds under the pair figure come from the summary (all pairs, not only those inlined)."""
    assert "12 exact · 1 near · 3 contained · 0 partial" in render(seed_doc, ReportLimits(max_pairs=3))
    doc = copy.deepcopy(seed_doc)
    doc["summary"]["pairs_by_kind"] = {"exact": 487774, "near": 95312, "contained": 139742, "partial": 246078}
    assert "487,774 exact · 95,312 near · 139,742 contained · 246,078 partial" in render(doc)
    del doc["summary"]["pairs_by_kind"]
    assert "12 exact · 1 near · 3 contained · 0 partial" in render(doc)


def test_counts_across_the_page_carry_thousands_separators(seed_doc: dict[str, Any]) -> None:
    """Counts in the health section and the duplicates filters read like the figures: 10,658, not 10658."""
    doc = copy.deepcopy(seed_doc)
    doc["warnings"] = [{"path": "dump.txt", "line": n, "message": "renamed"} for n in range(10658)]
    html = render(doc)
    assert re.search(r'data-figure="warnings"><dt>warnings</dt><dd class="value">10,658<', html)
    assert "(10,658, first " in html
    many = copy.deepcopy(seed_doc)
    many["pairs"] = many["pairs"] * 140  # 2,240 pairs, 1,680 of them exact
    assert '<span class="n">(1,680)</span>' in render(
        many, ReportLimits(max_pairs=5000, max_pairs_per_cluster=5000)
    )


def test_filter_counts_say_how_many_of_each_kind_are_inlined_when_pairs_are_left_out(
    seed_doc: dict[str, Any],
) -> None:
    """The filters act on the inlined pairs: with 5 of 16 inlined, each count reads "(inlined of all)"."""
    html = render(seed_doc, ReportLimits(max_pairs=5))
    kinds = re.findall(r'<div class="pair"[^>]*data-kind="(\w+)"', html)
    scopes = re.findall(r'<div class="pair"[^>]*data-scope="(\w+)"', html)
    assert len(kinds) == len(scopes) == 5
    assert f'exact <span class="n">({kinds.count("exact")} of 12)</span>' in html
    assert f'inside one post <span class="n">({scopes.count("inside")} of 5)</span>' in html
    assert f'across posts <span class="n">({scopes.count("cross")} of 11)</span>' in html
    assert 'partial <span class="n">(0)</span>' in html  # none in the audit: nothing left out
    full = render(seed_doc)
    assert 'exact <span class="n">(12)</span>' in full and 'across posts <span class="n">(11)</span>' in full


def test_paragraphs_are_coloured_by_provenance(seed_doc: dict[str, Any]) -> None:
    """A copied paragraph is from-earlier in the copy, into-later in the source, inside when repeated."""
    cards = {card.id: card for card in build_context(seed_doc).cards}
    assert cards[US].paragraphs[3].provenance == "from-earlier"
    assert cards[ISIS].paragraphs[1].provenance == "into-later"
    assert cards[DIASPORA].paragraphs[0].provenance == "inside"
    assert {p.provenance for p in cards[HAYOM].paragraphs} == {"original"}


def test_a_coloured_paragraph_links_to_its_counterpart(seed_html: str) -> None:
    """The copy's paragraph 3 links to the source's paragraph 1, and the source links back."""
    copy_para = seed_html.split(f'id="{paragraph_anchor(US, 3)}"')[1].split('<div class="para')[0]
    assert f'href="#{paragraph_anchor(ISIS, 1)}"' in copy_para
    source_para = seed_html.split(f'id="{paragraph_anchor(ISIS, 1)}"')[1].split('<div class="para')[0]
    assert f'href="#{paragraph_anchor(US, 3)}"' in source_para


def test_reprint_is_linked_both_ways(seed_html: str) -> None:
    """The copy's card says 'Reprint of' the source and the source's card says 'Reprinted by' the copy."""
    copy_card = seed_html.split(f'<article class="card" id="{post_anchor(US)}"')[1].split("</article>")[0]
    source_card = seed_html.split(f'<article class="card" id="{post_anchor(ISIS)}"')[1].split("</article>")[0]
    assert re.search(rf'Reprint of <a href="#{post_anchor(ISIS)}">', copy_card)
    assert re.search(rf'Reprinted by <a href="#{post_anchor(US)}">', source_card)


def test_credit_says_whether_the_copy_cites_its_sources_outlet(seed_doc: dict[str, Any]) -> None:
    """A copy citing the source's outlet is credited; citing another outlet is uncredited."""
    context = build_context(seed_doc)
    (copied,) = context.copied_posts
    assert copied.id == US
    assert copied.reuse is not None
    assert copied.reuse.sources[0].credit.status == "credited"
    hostile = build_context(load("hostile"))
    (copied,) = hostile.copied_posts
    assert copied.reuse is not None
    assert copied.reuse.sources[0].credit.status == "uncredited"


def test_credit_by_mention_only_is_reported_as_mentioned(seed_doc: dict[str, Any]) -> None:
    """A copy that names the source's outlet in its text but cites another outlet is 'mentioned'."""
    doc = copy.deepcopy(seed_doc)
    post = next(p for p in doc["posts"] if p["id"] == US)
    post["citation"]["outlet"] = "Some Blog"
    (copied,) = build_context(doc).copied_posts
    assert copied.reuse is not None
    assert copied.reuse.sources[0].credit.status == "mentioned"


def test_clusters_are_sorted_by_size_then_spread(seed_doc: dict[str, Any]) -> None:
    """The three-paragraph cluster comes first; the rest follow by size, then by posts spanned."""
    clusters = build_context(seed_doc).duplicates.clusters
    keys = [(-c.size, -c.spread) for c in clusters]
    assert keys == sorted(keys)
    assert clusters[0].size == 3


def test_side_by_side_marks_edits_of_the_near_pair(seed_html: str) -> None:
    """The edited excerpt shows shared words highlighted and its '[I]t' edit marked as a change."""
    near = seed_html.split('data-kind="near"')[1].split('<div class="pair"')[0]
    assert '<span class="same">' in near
    assert '<span class="changed">[I]t</span>' in near


def test_outlets_are_ranked_with_their_evidence(seed_html: str) -> None:
    """DEBKAfile, cited by two posts, heads the sources table and shows its evidence sentence."""
    outlets = seed_html.split('<table class="outlets">')[1]
    first_row = outlets.split("<tr id=")[1]
    assert first_row.startswith('"outlet-debkafile"')
    assert "Debkafile reports that Russia" in first_row


def test_graph_draws_the_reprint(seed_doc: dict[str, Any]) -> None:
    """The graph has one reprint edge and a node for every post and outlet linked to anything.

    CNN is only named in the text: it is drawn in the view with mentions, not in the default one.
    """
    graph = build_context(seed_doc).graph
    assert [e.kind for e in graph.edges].count("reprints") == 1
    assert {n.key for n in graph.nodes} >= {f"p:{US}", f"p:{ISIS}", "o:DEBKAfile"}
    assert "o:CNN" not in {n.key for n in graph.nodes}
    assert graph.mentions is not None
    assert {n.key for n in graph.mentions.nodes} >= {f"p:{US}", f"p:{ISIS}", "o:DEBKAfile", "o:CNN"}
    assert graph.note is None


def test_large_graph_draws_largest_components_with_a_note(seed_doc: dict[str, Any]) -> None:
    """With room for 6 nodes the copy chain and its outlet come first; the note points to the GEXF export."""
    graph = build_context(seed_doc, ReportLimits(max_graph_nodes=6)).graph
    assert 1 <= graph.components_drawn < graph.components_total
    assert len(graph.nodes) <= 6
    assert {n.key for n in graph.nodes} >= {f"p:{US}", f"p:{ISIS}", "o:DEBKAfile"}
    assert graph.note is not None and "GEXF" in graph.note


def test_input_health_lists_problems_and_parameters(hostile_html: str) -> None:
    """Skipped files, unparsed lines, warnings and every parameter appear in the health section."""
    health = hostile_html.split('<section id="health"')[1]
    assert "dumps/evil.txt:23" in health
    assert "binary file" in health
    assert "num_perm" in health and "128" in health
    assert figure(health, "unparsed") == "1"


# --------------------------------------------------------------------------
# untrusted text stays text
# --------------------------------------------------------------------------


def test_hostile_text_is_escaped(hostile_html: str) -> None:
    """Injected tags and template syntax come out literally: no extra element, no '49'."""
    page = Page(hostile_html)
    assert [t for t, _ in page.elements].count("script") == 1
    assert not [t for t, _ in page.elements if t in ("img", "iframe", "object", "embed", "b", "i", "noticed")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_html
    assert "&lt;img src=x onerror=alert(1)&gt;" in hostile_html
    assert "{{ 7*7 }}" in hostile_html
    assert ">49<" not in hostile_html and " 49 " not in hostile_html


def test_no_event_handler_or_script_url_reaches_an_attribute(hostile_html: str) -> None:
    """No attribute is an on* handler, and no link points to javascript: or data:."""
    page = Page(hostile_html)
    for _, attrs in page.elements:
        assert not [name for name in attrs if name.startswith("on")]
    for href in page.hrefs():
        assert not href.strip().lower().startswith(("javascript:", "data:", "vbscript:"))
    assert "https://example.org/post?a=1&b=<2>" in [h for h in page.hrefs()]


def test_csp_allows_only_the_inline_script_and_style(seed_html: str) -> None:
    """The CSP meta tag forbids everything by default and names the hashes of the page's own blocks."""
    page = Page(seed_html)
    (meta,) = page.with_attr("meta", "http-equiv", "Content-Security-Policy")
    policy = meta["content"] or ""
    assert "default-src 'none'" in policy
    for kind, directive in (("script", "script-src"), ("style", "style-src")):
        (block,) = page.blocks[kind]
        digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in policy
    assert "unsafe-inline" not in policy


def test_page_loads_nothing(seed_html: str) -> None:
    """No element fetches a resource: no src, no stylesheet link, no CSS url() except SVG markers."""
    page = Page(seed_html)
    assert not [a for _, a in page.elements if "src" in a]
    assert not [t for t, _ in page.elements if t in ("link", "img", "iframe", "object", "embed")]
    urls = re.findall(r"url\(([^)]*)\)", seed_html)
    assert urls and all(u.startswith("#arrow-") for u in urls)
    assert "@import" not in seed_html


# --------------------------------------------------------------------------
# anchors
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["seed-shaped", "hostile"])
def test_ids_are_unique_and_every_internal_link_lands(name: str) -> None:
    """Every id is unique, and every '#…' link points to an id on the page."""
    page = Page(render(load(name)))
    ids = page.ids()
    assert len(ids) == len(set(ids))
    targets = {h[1:] for h in page.hrefs() if h.startswith("#")}
    assert targets <= set(ids)


def test_links_to_posts_without_a_card_are_plain_text(seed_doc: dict[str, Any]) -> None:
    """With room for two cards, no link points to a post or paragraph that is not on the page."""
    page = Page(render(seed_doc, ReportLimits(max_cards=2)))
    cards = [a for t, a in page.elements if t == "article"]
    assert len(cards) == 2
    targets = {h[1:] for h in page.hrefs() if h.startswith("#")}
    assert targets <= set(page.ids())


def test_documented_anchor_form_for_ordinary_ids() -> None:
    """An ordinary slug keeps the documented form post-<id> and p-<id>-<n>."""
    assert post_anchor(US) == f"post-{US}"
    assert paragraph_anchor(US, 3) == f"p-{US}-3"


@given(st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=20))
def test_escaped_ids_are_safe_and_never_collide(first: str, second: str) -> None:
    """Escaped ids use only URL-fragment-safe characters, and different ids never escape alike."""
    assert re.fullmatch(r"[A-Za-z0-9._-]+", escape_id(first))
    if first != second:
        assert escape_id(first) != escape_id(second)


# --------------------------------------------------------------------------
# alignment runs
# --------------------------------------------------------------------------


@given(
    st.text(max_size=40),
    st.text(max_size=40),
    st.lists(
        st.tuples(
            st.sampled_from(["equal", "replace", "delete", "insert", "bogus"]),
            st.integers(-5, 50),
            st.integers(-5, 50),
            st.integers(-5, 50),
            st.integers(-5, 50),
        ),
        max_size=6,
    ),
)
def test_runs_never_lose_or_invent_text(text_a: str, text_b: str, alignment: list[Any]) -> None:
    """Whatever the alignment (even out of range or overlapping), each side's runs spell its text exactly."""
    runs_a, runs_b = side_by_side(text_a, text_b, [list(s) for s in alignment], "near")
    assert "".join(r.text for r in runs_a) == text_a
    assert "".join(r.text for r in runs_b) == text_b


def test_runs_label_each_op_on_its_side() -> None:
    """'replace' is a change on both sides, 'delete' only on a, 'insert' only on b."""
    runs_a, runs_b = side_by_side(
        "one two three",
        "one 2 three four",
        [["equal", 0, 3, 0, 3], ["replace", 4, 7, 4, 5], ["equal", 8, 13, 6, 11], ["insert", 13, 13, 11, 16]],
        "near",
    )
    assert [(r.kind, r.text) for r in runs_a] == [
        ("same", "one"),
        ("plain", " "),
        ("changed", "two"),
        ("plain", " "),
        ("same", "three"),
    ]
    assert [(r.kind, r.text) for r in runs_b] == [
        ("same", "one"),
        ("plain", " "),
        ("changed", "2"),
        ("plain", " "),
        ("same", "three"),
        ("inserted", " four"),
    ]


# --------------------------------------------------------------------------
# determinism, degradation, limits, errors
# --------------------------------------------------------------------------


def test_same_document_gives_the_same_bytes(seed_doc: dict[str, Any], seed_html: str) -> None:
    """Rendering the same document twice gives the same string."""
    assert render(copy.deepcopy(seed_doc)) == seed_html


def test_same_document_gives_the_same_bytes_in_another_process() -> None:
    """The page does not depend on the hash seed of the process that renders it (the graph's layout did)."""
    import os
    import subprocess
    import sys

    script = (
        "import hashlib, json, sys; from provenance.report import render; "
        "doc = json.load(open(sys.argv[1], encoding='utf-8')); "
        "print(hashlib.sha256(render(doc).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script, str(FIXTURES / "audit-seed-shaped.json")],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("0", "1", "2")
    }
    assert digests == {hashlib.sha256(render(load("seed-shaped")).encode()).hexdigest()}


def test_only_the_generation_line_depends_on_generated_at(seed_doc: dict[str, Any], seed_html: str) -> None:
    """Changing generated_at changes exactly one line, the one that shows it."""
    doc = copy.deepcopy(seed_doc)
    doc["generated_at"] = "2031-12-31T23:59:59Z"
    lines_before, lines_after = seed_html.splitlines(), render(doc).splitlines()
    assert len(lines_before) == len(lines_after)
    changed = [(a, b) for a, b in zip(lines_before, lines_after, strict=True) if a != b]
    assert len(changed) == 1
    assert "2031-12-31T23:59:59Z" in changed[0][1]


def test_list_order_in_the_document_does_not_change_the_page(
    seed_doc: dict[str, Any], seed_html: str
) -> None:
    """Reversing pairs, clusters, outlets and mentions gives the same page: the report sorts for itself."""
    doc = copy.deepcopy(seed_doc)
    for key in ("pairs", "clusters", "outlets", "mentions"):
        doc[key].reverse()
    assert render(doc) == seed_html


def test_page_is_complete_without_javascript(seed_html: str) -> None:
    """Only the filter form starts hidden; every pair and cluster is in the markup, counts included."""
    page = Page(seed_html)
    hidden = [(t, a.get("id")) for t, a in page.elements if "hidden" in a]
    assert hidden == [("form", "dup-filters")]
    assert seed_html.count('<div class="pair"') == 16
    assert (
        'Showing <span id="pairs-shown">16</span> pairs in <span id="clusters-shown">14</span>' in seed_html
    )


def test_limits_cut_duplicates_and_point_to_pairs_csv(seed_doc: dict[str, Any]) -> None:
    """With room for 3 pairs the page inlines 3 and says where the other 13 are."""
    html = render(seed_doc, ReportLimits(max_pairs=3))
    assert html.count('<div class="pair"') == 3
    assert "Showing 3 of 16 pairs" in html
    assert '<a href="pairs.csv">' in html


def test_pairs_without_clusters_are_grouped_by_connected_component(seed_doc: dict[str, Any]) -> None:
    """Without cluster ids pairs are still grouped: the three 'Our sources foresee' paragraphs form one."""
    doc = copy.deepcopy(seed_doc)
    doc.pop("clusters")
    for pair in doc["pairs"]:
        pair.pop("cluster")
    duplicates = build_context(doc).duplicates
    assert duplicates.clusters_total == 14
    assert duplicates.clusters[0].size == 3


@pytest.mark.parametrize(
    "doc", [[], {"posts": {}}, {"posts": [{"title": "no id"}]}, {"posts": [{"id": "a"}, {"id": "a"}]}]
)
def test_a_document_that_is_not_an_audit_raises_report_error(doc: Any) -> None:
    """A list, a posts field that is not a list, a post without id or a repeated id is a ReportError."""
    with pytest.raises(ReportError):
        render(doc)


def test_minimal_document_renders() -> None:
    """A document with no posts renders a page that says there is nothing to show."""
    html = render({"posts": [], "generated_at": "x"})
    assert "No duplicate paragraphs were found." in html
    assert figure(html, "posts") == "0"


def test_the_earlier_paragraph_of_a_pair_is_on_the_left(seed_doc: dict[str, Any]) -> None:
    """In the side-by-side view the source post's paragraph is on the left, the copy's on the right."""
    clusters = build_context(seed_doc).duplicates.clusters
    cross = [p for c in clusters for p in c.pairs if p.scope == "cross"]
    assert cross
    for pair in cross:
        assert pair.a.paragraph.post.id == ISIS
        assert pair.b.paragraph.post.id == US


def test_card_text_budget_bounds_the_posts_section() -> None:
    """Past the text budget, posts stop getting cards (at least one always does) and the page says so."""
    from provenance.report import ReportLimits

    doc = json.loads((FIXTURES / "audit-seed-shaped.json").read_text(encoding="utf-8"))
    html = render(doc, ReportLimits(max_card_text=1))
    assert "1 of 7 posts are shown as cards" in html
    assert html.count('<article class="card"') == 1
    assert render(doc).count('<article class="card"') == 7
