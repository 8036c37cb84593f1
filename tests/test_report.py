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

import provenance.report
from provenance.errors import ReportError
from provenance.report import ReportLimits, build_context, render
from provenance.report.anchors import escape_id, paragraph_anchor, post_anchor
from provenance.report.textdiff import side_by_side

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]
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
    """The overview repeats the summary: 7 posts, 1 that borrows, 106 paragraphs, 16 pairs, 14 clusters."""
    assert figure(seed_html, "posts") == "7"
    assert figure(seed_html, "derived") == "1"
    assert figure(seed_html, "paragraphs") == "106"
    assert figure(seed_html, "pairs") == "16"
    assert figure(seed_html, "clusters") == "14"
    assert figure(seed_html, "outlets") == "9"
    assert figure(seed_html, "copied_share_inside") == "13.5%"
    assert figure(seed_html, "copied_share_across") == "11.3%"
    # Paragraph repeats, not borrowing (that is "posts borrow text"): the label says "repeated".
    label = re.search(r'data-figure="copied_share_across">\s*<dt>([^<]*)</dt>', seed_html)
    assert label and label.group(1) == "of text repeated across posts"
    assert "in paragraphs repeated in later posts" in seed_html and "copied into later" not in seed_html


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
    for n in range(1669):  # 1,669 more two-paragraph clusters of exact copies: 1,680 exact in all
        many["pairs"].append(
            {
                "a": {"post": ISIS, "paragraph": 1000 + n},
                "b": {"post": US, "paragraph": 1000 + n},
                "kind": "exact",
                "jaccard": 1.0,
                "containment": 1.0,
                "cluster": f"x{n}",
            }
        )
    assert '<span class="n">(1,680)</span>' in render(
        many, ReportLimits(max_pairs=5000, max_clusters=5000, max_pairs_per_cluster=5000)
    )


def test_filter_counts_say_how_many_of_each_kind_are_inlined_when_copies_are_left_out(
    seed_doc: dict[str, Any],
) -> None:
    """The filters act on the inlined copies: with 5 of 15 inlined, each count reads "(inlined of all)"."""
    html = render(seed_doc, ReportLimits(max_pairs=5))
    kinds = re.findall(r'<li class="pair"[^>]*data-kind="(\w+)"', html)
    scopes = re.findall(r'<li class="pair"[^>]*data-scope="(\w+)"', html)
    assert len(kinds) == len(scopes) == 5
    assert f'exact <span class="n">({kinds.count("exact")} of 11)</span>' in html
    assert f'inside one post <span class="n">({scopes.count("inside")} of 5)</span>' in html
    assert f'across posts <span class="n">({scopes.count("cross")} of 10)</span>' in html
    assert 'partial <span class="n">(0)</span>' in html  # none in the audit: nothing left out
    full = render(seed_doc)
    assert 'exact <span class="n">(11)</span>' in full and 'across posts <span class="n">(10)</span>' in full


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


def credited(doc: dict[str, Any], credited: bool, how: str = "credit_line") -> dict[str, Any]:
    """The seed's copy with the audit's credit decision on its one source (``posts[].reuse.credit``)."""
    doc = copy.deepcopy(doc)
    reuse = next(p for p in doc["posts"] if p["id"] == US)["reuse"]
    share = reuse["share"]
    reuse["sources"][0]["decided_by"] = "citation_date"  # as the audit decides the seed's order
    reuse["credit"] = {
        "credited_share": share if credited else 0.0,
        "uncredited_share": 0.0 if credited else share,
        "by": [
            {
                "source": ISIS,
                "outlet": "DEBKAfile" if credited else None,
                "how": how if credited else "none",
                "evidence_line": 112 if credited else None,
                "evidence": "Source: DEBKAfile" if credited else None,
                "credited": credited,
                "share": share,
            }
        ],
    }
    return doc


def test_credit_is_read_from_the_audit_never_decided_in_the_view(seed_doc: dict[str, Any]) -> None:
    """Without reuse.credit the report says "credit not assessed", even where both posts cite one outlet."""
    (card,) = build_context(seed_doc).copied_posts
    assert card.reuse is not None and card.reuse.sources[0].credit.status == "unassessed"
    (row,) = build_context(seed_doc).copies
    assert row.credit_status == "unassessed" and row.credit_label == "credit not assessed"
    assert row.uncredited_share is None
    (row,) = copies_rows(render(seed_doc))
    assert "credit not assessed" in row and 'data-credit="-1"' in row and "credit-bar" not in row


def test_credited_and_uncredited_reuse_are_worded_and_coloured_apart(seed_doc: dict[str, Any]) -> None:
    """A credit line is named with its line and text, in green; no credit in red; the bar splits the share."""
    (row,) = build_context(credited(seed_doc, True)).copies
    assert row.credit_status == "credited" and row.credited_share == pytest.approx(0.6965)
    assert str(row.sources[0].credit.text) == "credits DEBKAfile by a credit line (line 112)"
    assert row.sources[0].credit.evidence == "Source: DEBKAfile"
    html = render(credited(seed_doc, True))
    html_row = copies_rows(html)[0]
    assert '<span class="credit credited">credited</span>' in html_row
    assert (
        '<li class="credit-text credited">credits <bdi>DEBKAfile</bdi> by a credit line (line 112)</li>'
        in html_row
    )
    card = html.split(f'<article class="card" id="{post_anchor(US)}">')[1].split("</article>")[0]
    assert "by a credit line (line 112): “<bdi>Source: DEBKAfile</bdi>”" in card
    assert '<rect class="credited" x="0" y="0" width="69.65"' in html_row
    assert '<rect class="uncredited" x="69.65" y="0" width="0.00"' in html_row
    html_row = copies_rows(render(credited(seed_doc, False)))[0]
    assert '<span class="credit uncredited">not credited</span>' in html_row
    assert "no credit line" not in html_row  # the badge says it once: no "not credited · no credit line"
    assert 'data-credit="0.6965"' in html_row
    assert '<rect class="uncredited" x="0.00" y="0" width="69.65"' in html_row


def test_partly_credited_copy_and_uncredited_first_sorting(seed_doc: dict[str, Any]) -> None:
    """Both shares above zero read "partly credited"; data-credit sorts the most uncredited first."""
    doc = credited(seed_doc, True)
    reuse = next(p for p in doc["posts"] if p["id"] == US)["reuse"]
    reuse["credit"]["credited_share"], reuse["credit"]["uncredited_share"] = 0.2, 0.4965
    (row,) = build_context(doc).copies
    assert row.credit_status == "partly" and row.credit_label == "partly credited"
    html_row = copies_rows(render(doc))[0]
    assert "(49.6% not)" in html_row and 'data-credit="0.4965"' in html_row


def test_clusters_across_posts_come_first_then_by_shared_words(seed_doc: dict[str, Any]) -> None:
    """Clusters spanning posts lead; within each group the cluster repeating the most words comes first."""
    clusters = build_context(seed_doc).duplicates.clusters
    keys = [(c.scope == "inside", -c.shared_words) for c in clusters]
    assert keys == sorted(keys)
    assert clusters[0].scope == "cross" and clusters[-1].scope == "inside"
    assert clusters[0].size == 3


def test_a_cluster_is_shown_once_as_its_witness_and_its_copies(seed_doc: dict[str, Any]) -> None:
    """The three-paragraph cluster is one witness and two copies, not three pair cards."""
    (cluster,) = [c for c in build_context(seed_doc).duplicates.clusters if c.size == 3]
    assert (cluster.earliest.post.id, cluster.earliest.index) == (ISIS, 0)
    assert [(m.paragraph.post.id, m.paragraph.index) for m in cluster.members] == [(ISIS, 9), (US, 11)]
    assert cluster.members_total == 2
    html = render(seed_doc)
    block = html.split(f'id="{cluster.anchor}"')[1].split("</section>")[0]
    assert block.count("Earliest witness") == 1 and block.count('<li class="pair"') == 2


def test_clusters_of_trivially_short_paragraphs_are_folded_with_a_count(seed_doc: dict[str, Any]) -> None:
    """A cluster of one-word paragraphs goes into a closed details at the end, counted in its summary."""
    doc = copy.deepcopy(seed_doc)
    diaspora = next(p for p in doc["posts"] if p["id"] == DIASPORA)
    diaspora["paragraphs"] += [
        {"index": 90, "line": 900, "text": "XMP"},
        {"index": 91, "line": 901, "text": "XMP"},
    ]
    doc["pairs"].append(
        {
            "a": {"post": DIASPORA, "paragraph": 90},
            "b": {"post": DIASPORA, "paragraph": 91},
            "kind": "exact",
            "jaccard": 1.0,
            "containment": 1.0,
            "cluster": "99",
        }
    )
    duplicates = build_context(doc).duplicates
    assert [c.id for c in duplicates.short_clusters] == ["99"]
    assert "99" not in [c.id for c in duplicates.clusters]
    html = render(doc)
    folded = html.split('<details class="short-clusters">')[1].split("</details>")[0]
    assert "1 cluster of paragraphs under 5 words" in folded and 'id="cluster-99"' in folded


def test_a_copy_marks_the_edits_of_the_near_pair(seed_html: str) -> None:
    """The edited excerpt's copy shows shared words highlighted and the words for '[I]t' as a change."""
    near = seed_html.split('data-kind="near"')[1].split("</li>")[0]
    assert '<span class="same">' in near
    assert '<span class="changed">Still, even taking into account these caveats, it</span>' in near


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
    assert seed_html.count('<li class="pair"') == 15
    assert (
        'Showing <span id="pairs-shown">15</span> copies in <span id="clusters-shown">14</span>' in seed_html
    )


def test_limits_cut_duplicates_and_point_to_pairs_csv(seed_doc: dict[str, Any]) -> None:
    """With room for 3 copies the page inlines 3 and says where the other 12 are."""
    html = render(seed_doc, ReportLimits(max_pairs=3))
    assert html.count('<li class="pair"') == 3
    assert "Showing 3 of 15 copies" in html
    assert '<a href="pairs.csv">' in html


def test_the_outlet_filter_offers_only_outlets_of_copies_shown(seed_doc: dict[str, Any]) -> None:
    """Each outlet the filter offers selects a copy on the page: with room for one copy, the outlets of
    the pairs left out (in pairs.csv only) are not offered; with room for all, every outlet is."""
    for limits in (ReportLimits(max_pairs=1), ReportLimits()):
        duplicates = build_context(seed_doc, limits).duplicates
        tagged = {
            o for c in duplicates.clusters + duplicates.short_clusters for m in c.members for o in m.outlets
        }
        assert {value for value, _ in duplicates.outlet_options} == tagged
    one, every = (
        len(build_context(seed_doc, limits).duplicates.outlet_options)
        for limits in (ReportLimits(max_pairs=1), ReportLimits())
    )
    assert one < every


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


def test_the_witness_is_the_earliest_paragraph_of_its_cluster(seed_doc: dict[str, Any]) -> None:
    """Every copy is dated no earlier than its cluster's witness: the source leads, the copies follow."""
    context = build_context(seed_doc)
    dates = {card.id: card.date or "" for card in context.cards}
    for cluster in context.duplicates.clusters:
        for member in cluster.members:
            assert dates[member.paragraph.post.id] >= dates[cluster.earliest.post.id]
    cross = [m for c in context.duplicates.clusters for m in c.members if m.scope == "cross"]
    assert cross and all(m.paragraph.post.id == US for m in cross)


def test_card_text_budget_bounds_the_posts_section() -> None:
    """Past the text budget, posts stop getting cards (at least one always does) and the page says so."""
    from provenance.report import ReportLimits

    doc = json.loads((FIXTURES / "audit-seed-shaped.json").read_text(encoding="utf-8"))
    html = render(doc, ReportLimits(max_card_text=1))
    assert "1 of 7 posts are shown as cards" in html
    assert html.count('<article class="card') == 1
    assert render(doc).count('<article class="card') == 7


# --------------------------------------------------------------------------
# the copies table: the first screen's answer
# --------------------------------------------------------------------------


def two_copies(seed_doc: dict[str, Any]) -> dict[str, Any]:
    """The seed with a second, guessed copy: the diaspora post partly borrows from Israel Hayom's."""
    doc = copy.deepcopy(seed_doc)
    posts = {p["id"]: p for p in doc["posts"]}
    posts[US]["reuse"]["sources"][0]["decided_by"] = "citation_date"
    posts[US]["reuse"]["quoted_share"] = 0.0556
    posts[DIASPORA]["reuse"] = {
        "share": 0.21,
        "quoted_share": 0.0,
        "derivation": "partially",
        "sources": [{"post": HAYOM, "share": 0.21, "quoted_share": 0.0, "decided_by": "input_order"}],
    }
    return doc


def copies_rows(html: str) -> list[str]:
    return re.findall(r'<tbody class="copy" id="[^"]*"[^>]*>.*?</tbody>', html, flags=re.S)


def test_copies_table_names_each_copy_its_source_verdict_and_how_sure(seed_doc: dict[str, Any]) -> None:
    """One row per borrowing post, most borrowed first: share, verdict, dated source, direction, quotes."""
    doc = two_copies(seed_doc)
    context = build_context(doc)
    assert [row.post.id for row in context.copies] == [US, DIASPORA]
    first, second = context.copies
    assert first.sources[0].post.id == ISIS and first.sources[0].post.date == "2016-11-03"
    assert first.direction.firmness == "decided" and first.direction.label == "by citation dates"
    assert second.direction.firmness == "guessed" and "input order" in second.direction.label
    rows = copies_rows(render(doc))
    assert len(rows) == 2
    assert "69.7%" in rows[0] and "5.6%" in rows[0]  # borrowed and quoted shares
    assert f'href="#{post_anchor(ISIS)}"' in rows[0] and "2016-11-03" in rows[0]
    assert '<span class="direction decided">by citation dates</span>' in rows[0]
    assert '<span class="direction guessed">guessed from input order</span>' in rows[1]


def lead(html: str) -> str:
    found = re.search(r'<div class="lead".*?</div>', html, flags=re.S)
    return found.group(0) if found else ""


def test_the_overview_leads_with_the_copies_as_the_table_ranks_and_judges_them(
    seed_doc: dict[str, Any],
) -> None:
    """Under the headline figures: each copy (the first three), its main source, credit and direction."""
    doc = two_copies(seed_doc)
    html = render(doc)
    shown = lead(html)
    assert html.index('class="lead"') < html.index('class="figures minor"') < html.index('id="copies"')
    items = re.findall(r"<li>.*?</li>", shown, flags=re.S)
    assert len(items) == 2 and "The copies:" in shown and "Every copy" not in shown
    first, second = items
    assert f'href="#copy-{post_anchor(US)}"' in first and "69.7%" in first
    assert "from <bdi>ISIS chief looses suicide bombers at W. cities</bdi>" in first
    assert '<span class="direction decided">by citation dates</span>' in first
    assert '<span class="credit' in first
    # A guessed order: the two share text, the order is a guess, and the credit (judged for that order)
    # is left to the table.
    assert f'href="#copy-{post_anchor(DIASPORA)}"' in second and "21.0%" in second
    assert '</a> shares <span class="num">21.0%</span> with <bdi>' in second
    assert 'which came first: <span class="direction guessed">guessed from input order</span>' in second
    assert '<span class="credit' not in second and " from <bdi>" not in second
    # One copy; more than three; none.
    one = copy.deepcopy(doc)
    next(p for p in one["posts"] if p["id"] == DIASPORA).pop("reuse")
    assert "The copy:" in lead(render(one))
    many = copy.deepcopy(doc)
    for post in many["posts"]:
        if post["id"] not in (US, DIASPORA, HAYOM, ISIS):
            post["reuse"] = copy.deepcopy(next(p for p in many["posts"] if p["id"] == DIASPORA)["reuse"])
    shown = lead(render(many))
    assert "Most borrowed:" in shown and len(re.findall(r"<li>", shown)) == 3
    assert '<a href="#copies">Every copy' in shown
    # Every order shown a guess: the title says the lines are text in common, not borrowing.
    for post in many["posts"]:
        for source in (post.get("reuse") or {}).get("sources") or []:
            source["decided_by"] = "input_order"
    shown = lead(render(many))
    assert "Sharing the most (which came first is a guess):" in shown and "borrowed" not in shown
    assert len(re.findall(r"</a> shares ", shown)) == 3 and '<span class="credit' not in shown
    one = two_copies(seed_doc)
    for post in one["posts"]:
        if post["id"] != DIASPORA:
            post.pop("reuse", None)
    assert "The shared text (which came first is a guess):" in lead(render(one))
    for post in many["posts"]:
        post.pop("reuse", None)
    assert lead(render(many)) == "" and 'class="lead"' not in render(many)


def test_the_lead_cuts_a_long_title_that_the_table_keeps_whole(seed_doc: dict[str, Any]) -> None:
    """A title of 1,000 characters filled a phone's first screen: the lead shows 120 and "…", the
    copies table the whole title."""
    doc = two_copies(seed_doc)
    long_title = "Word " * 200
    for post in doc["posts"]:
        if post["id"] in (US, ISIS):
            post["title"] = long_title + post["id"]
    html = render(doc)
    first = re.findall(r"<li>.*?</li>", lead(html), flags=re.S)[0]
    titles = re.findall(r"<bdi>(.*?)</bdi>", first, flags=re.S)
    assert [len(t) for t in titles[:2]] == [120, 120] and all(t.endswith("…") for t in titles[:2])
    assert html.count(long_title + US) >= 1  # whole in the table


def test_the_lead_says_how_its_main_source_was_ordered_not_the_rows_weakest(seed_doc: dict[str, Any]) -> None:
    """Dated after its main source, guessed after a minor one: the lead's line is about the main source."""
    doc = two_copies(seed_doc)
    us = next(p for p in doc["posts"] if p["id"] == US)
    minor = {"post": HAYOM, "share": 0.01, "quoted_share": 0.0, "decided_by": "input_order"}
    us["reuse"]["sources"].append(minor)
    row = build_context(doc).copies[0]
    assert row.direction.firmness == "guessed" and row.main_direction.label == "by citation dates"
    first = re.findall(r"<li>.*?</li>", lead(render(doc)), flags=re.S)[0]
    assert "from <bdi>ISIS chief looses suicide bombers at W. cities</bdi> and 1 more" in first
    assert '<span class="direction decided">by citation dates</span>' in first and "shares" not in first
    assert '<span class="direction guessed">' in copies_rows(render(doc))[0]  # the table keeps the weakest


def uncredited_diaspora(seed_doc: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """:func:`two_copies`, the second copy judged not to credit its source: the document and that post."""
    doc = two_copies(seed_doc)
    diaspora = next(p for p in doc["posts"] if p["id"] == DIASPORA)
    diaspora["reuse"]["credit"] = {
        "credited_share": 0.0,
        "uncredited_share": 0.21,
        "by": [{"source": HAYOM, "outlet": None, "how": "none", "credited": False, "share": 0.21}],
    }
    return doc, diaspora


def test_a_missing_credit_on_a_guessed_order_holds_only_if_the_post_is_the_copy(
    seed_doc: dict[str, Any],
) -> None:
    """Credit is judged for the order the audit took: on a guess, "not credited" is said as conditional.

    The headline figure says how many borrowing posts rest on a guessed order, and that all do.
    """
    doc, diaspora = uncredited_diaspora(seed_doc)
    context = build_context(doc)
    decided, guessed = context.copies
    assert not decided.credit_if_copy and "if it is the copy" not in decided.credit_label
    assert guessed.credit_if_copy and guessed.credit_status == "uncredited"
    assert guessed.credit_label == "not credited, if it is the copy"
    html = render(doc)
    rows = copies_rows(html)
    assert '<span class="credit uncredited if-copy">not credited, if it is the copy</span>' in rows[1]
    assert 'class="credit-bar if-copy"' in rows[1] and "if-copy" not in rows[0]
    assert "One row’s order is a guess" in html
    derived = next(f for f in context.figures if f.key == "derived")
    assert derived.label == "posts borrow text" and derived.detail.endswith(" · 1 by a guessed order")
    # Every copy on a guessed order: the figure's label says so, and the table's note says every row.
    us = next(p for p in doc["posts"] if p["id"] == US)
    us["reuse"]["sources"][0]["decided_by"] = "containment"
    derived = next(f for f in build_context(doc).figures if f.key == "derived")
    assert derived.label == "posts borrow text, by a guessed order" and "guessed" not in derived.detail
    assert "Every row’s order is a guess" in render(doc)
    # No guess, no note.
    for source in diaspora["reuse"]["sources"] + us["reuse"]["sources"]:
        source["decided_by"] = "post_date"
    html = render(doc)
    assert "order is a guess" not in html and ' if-copy"' not in html


def card_reuse(html: str, post_id: str) -> str:
    card = re.search(
        rf'<article class="card[^"]*" id="{post_anchor(post_id)}">.*?</article>', html, flags=re.S
    )
    assert card is not None
    found = re.search(r'<p class="reuse">.*?</p>', card.group(0), flags=re.S)
    assert found is not None
    return found.group(0)


def test_a_posts_card_names_a_guessed_order_as_the_table_does(seed_doc: dict[str, Any]) -> None:
    """On its card a post whose sources' order is a guess shares text with other posts, not earlier ones,
    with each guess named and a missing credit said as conditional; a dated order keeps "earlier posts"."""
    doc, _ = uncredited_diaspora(seed_doc)
    card = next(c for c in build_context(doc).cards if c.id == DIASPORA)
    assert card.reuse is not None and card.reuse.sources[0].direction.firmness == "guessed"
    html = render(doc)
    guessed = card_reuse(html, DIASPORA)
    assert "earlier posts" not in guessed
    assert "of its words are shared with other posts; which came first is a guess:" in guessed
    assert '<span class="direction guessed">guessed from input order</span>' in guessed
    assert "no credit line, if it is the copy" in guessed
    decided = card_reuse(html, US)
    assert "of its words are in earlier posts:" in decided
    assert "direction" not in decided and "if it is the copy" not in decided


def test_posts_sharing_a_title_are_named_by_their_ids_too(seed_doc: dict[str, Any]) -> None:
    """A copy and its source with one headline never read as a post copying itself."""
    doc = copy.deepcopy(seed_doc)
    posts = {p["id"]: p for p in doc["posts"]}
    posts[US]["title"] = posts[ISIS]["title"] = "Same headline"
    context = build_context(doc)
    (row,) = context.copies
    assert row.post.title == f"Same headline ({US})"
    assert row.sources[0].post.title == f"Same headline ({ISIS})"
    cards = {card.id: card for card in context.cards}
    assert cards[US].title == f"Same headline ({US})"
    assert cards[DIASPORA].title == posts[DIASPORA]["title"]
    html = render(doc)
    assert f"Same headline ({ISIS})" in copies_rows(html)[0]


def test_a_shared_title_that_is_the_ids_last_part_shows_the_id_alone() -> None:
    """Files ``bbc/bbc1com.txt`` and ``bbcstreet/bbc1com.txt`` are named by their ids, not twice over."""
    doc = {
        "posts": [
            {"id": "bbc/bbc1com", "title": "bbc1com", "paragraphs": []},
            {"id": "bbcstreet/bbc1com", "title": "BBC1COM ", "paragraphs": []},
            {"id": "p7", "title": " bbc1com", "paragraphs": []},
            {"id": "bbc/bbc1nl", "title": "bbc1nl", "paragraphs": []},
            {"id": "untitled", "title": "", "paragraphs": []},
        ]
    }
    titles = {card.id: card.title for card in build_context(doc).cards}
    assert titles == {
        "bbc/bbc1com": "bbc/bbc1com",
        "bbcstreet/bbc1com": "bbcstreet/bbc1com",
        "p7": "bbc1com (p7)",
        "bbc/bbc1nl": "bbc1nl",
        "untitled": "untitled",
    }


def test_a_copy_names_the_source_it_borrows_most_from_first(seed_doc: dict[str, Any]) -> None:
    """The document lists sources earliest first; the row and the card lead with the main one."""
    doc = copy.deepcopy(seed_doc)
    us = next(p for p in doc["posts"] if p["id"] == US)
    main = us["reuse"]["sources"][0]
    crumbs = [{"post": HAYOM, "share": 0.01, "quoted_share": 0.0, "decided_by": "input_order"}]
    crumbs.append({"post": DIASPORA, "share": 0.01, "quoted_share": 0.02, "decided_by": "input_order"})
    us["reuse"]["sources"] = [*crumbs, main]
    context = build_context(doc, ReportLimits(max_sources_per_copy=1))
    (row,) = context.copies
    assert [s.post.id for s in row.sources] == [ISIS] and row.more_sources == 2
    card = next(c for c in context.cards if c.id == US)
    assert card.reuse is not None
    assert [s.post.id for s in card.reuse.sources] == [ISIS, DIASPORA, HAYOM]  # ties: more quoted first


def test_a_missing_or_undecided_direction_is_never_shown_as_decided(seed_doc: dict[str, Any]) -> None:
    """An old audit without decided_by says "not recorded"; "undecided" is marked like a guess."""
    (row,) = build_context(seed_doc).copies
    assert row.direction.firmness == "undecided" and row.direction.label == "not recorded"
    doc = two_copies(seed_doc)
    next(p for p in doc["posts"] if p["id"] == US)["reuse"]["sources"][0]["decided_by"] = "undecided"
    html = render(doc)
    assert '<span class="direction undecided">undecided: same day</span>' in copies_rows(html)[0]


def test_each_copy_row_expands_to_its_aligned_paragraphs(seed_doc: dict[str, Any]) -> None:
    """The row's details hold the source paragraph beside the copy's, shared words marked, source left."""
    (row,) = build_context(seed_doc).copies
    assert row.aligned_total == len(row.aligned) > 0
    for pair in row.aligned:
        assert pair.source.paragraph.post.id == ISIS
        assert pair.copy.paragraph.post.id == US
    assert [p.copy.paragraph.index for p in row.aligned] == sorted(
        p.copy.paragraph.index for p in row.aligned
    )
    (html_row,) = copies_rows(render(seed_doc))
    details = html_row.split('<details class="aligned">')[1]
    assert f"{row.aligned_total} paragraphs beside their source" in details
    assert details.count('<div class="sides aligned-pair">') == row.aligned_total
    assert '<span class="same">' in details


def test_copies_table_is_sortable_by_data_attributes_and_plain_without_script(
    seed_doc: dict[str, Any],
) -> None:
    """Each sortable heading has its data- attribute on every row group; the markup is a plain table."""
    html = render(two_copies(seed_doc))
    keys = re.findall(r'<th scope="col" data-sort="(\w+)"', html)
    assert keys == ["title", "share", "verdict", "source", "direction", "credit", "changed", "quoted"]
    for row in copies_rows(html):
        for key in keys:
            assert f' data-{key}="' in row.split(">")[0]
    assert "<button" not in html.split('<table class="copies')[1].split("</table>")[0]


def test_aligned_paragraphs_have_a_budget_over_all_rows(seed_doc: dict[str, Any]) -> None:
    """Past max_aligned no more paragraph text is inlined under the rows; the row says where the rest is."""
    (row,) = build_context(seed_doc, ReportLimits(max_aligned=4)).copies
    assert len(row.aligned) == 4 and row.aligned_total == 11
    (html_row,) = copies_rows(render(seed_doc, ReportLimits(max_aligned=4)))
    assert html_row.count('<div class="sides aligned-pair">') == 4
    assert "7 more not shown here: the post’s card marks every copied paragraph" in html_row
    (html_row,) = copies_rows(render(seed_doc, ReportLimits(max_aligned=0)))
    assert "<details" not in html_row
    assert "11 paragraphs shared with the source, not inlined in a report this size" in html_row


def test_copies_table_is_cut_with_a_note(seed_doc: dict[str, Any]) -> None:
    """Past max_copies the most borrowed rows stay and a note says how many derived posts there are."""
    context = build_context(two_copies(seed_doc), ReportLimits(max_copies=1))
    assert [row.post.id for row in context.copies] == [US]
    assert context.copies_note == "The 1 most borrowed of 2 derived posts; all are in audit.json."


# --------------------------------------------------------------------------
# findings at the top
# --------------------------------------------------------------------------


def with_findings(doc: dict[str, Any], findings: list[dict[str, Any]]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    doc["findings"] = findings
    return doc


FINDINGS = [
    {
        "kind": "stock_phrase",
        "severity": "low",
        "posts": [DIASPORA],
        "summary": "A phrase repeats inside one post.",
        "evidence": [{"post": DIASPORA, "paragraph": 0, "line": 9, "text": "repeated"}],
    },
    {
        "kind": "uncredited_copy",
        "severity": "high",
        "posts": [US, ISIS],
        "summary": "US on alert copies 64% of ISIS chief without credit.",
        "evidence": [
            {"post": US, "paragraph": 3, "line": 120, "text": "the same words"},
            {"post": ISIS, "paragraph": None, "line": None, "text": "<script>alert(1)</script>"},
        ],
    },
]


def test_findings_come_first_most_severe_first_with_linked_evidence(seed_doc: dict[str, Any]) -> None:
    """Findings sit between the figures and the copies table, high first, evidence linked to paragraphs."""
    html = render(with_findings(seed_doc, FINDINGS))
    assert html.index('data-figure="posts"') < html.index('id="findings"') < html.index('id="copies"')
    block = html.split('id="findings"')[1].split("</section>")[0]
    assert "(1 high · 1 low)" in block
    assert block.index("Uncredited copy") < block.index("Stock phrase")
    assert '<span class="severity high">high</span>' in block
    assert f'href="#{paragraph_anchor(US, 3)}"' in block and "line 120" in block
    assert f'href="#{post_anchor(ISIS)}"' in block
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in block and "<script>" not in block


def test_empty_findings_say_no_findings_and_absent_ones_say_not_listed(seed_doc: dict[str, Any]) -> None:
    """An empty list is an answer ("No findings"); a missing list is an older audit, said as such."""
    block = render(with_findings(seed_doc, [])).split('id="findings"')[1].split("</section>")[0]
    assert "No findings." in block
    context = build_context(seed_doc)
    assert not context.findings.assessed
    assert "lists no findings (an older audit)" in render(seed_doc)


def test_findings_are_cut_with_a_note(seed_doc: dict[str, Any]) -> None:
    doc = with_findings(seed_doc, FINDINGS * 3)
    context = build_context(doc, ReportLimits(max_findings=2))
    assert [f.severity for f in context.findings.items] == ["high", "high"]
    assert "The 2 most severe of 6 findings" in render(doc, ReportLimits(max_findings=2))


# --------------------------------------------------------------------------
# folding what is not the answer
# --------------------------------------------------------------------------


def test_posts_without_reuse_fold_to_one_line_each(seed_doc: dict[str, Any], seed_html: str) -> None:
    """The three posts with no reuse are closed details whose summary is title, date and outlet."""
    context = build_context(seed_doc)
    assert [c.id for c in context.quiet_cards] == [
        HAYOM,
        "europe-braces-for-post-mosul-jihadi-onslaught",
        "analysis-iran-isis-likely-to-unite-for-wwiii",
    ]
    card = seed_html.split(f'<article class="card quiet" id="{post_anchor(HAYOM)}">')[1].split("</article>")[
        0
    ]
    summary = card.split("<summary>")[1].split("</summary>")[0]
    assert summary == (
        '<span class="quiet-title"><bdi>ISIS will survive Mosul and Raqqa</bdi></span>'
        " · <time>2016-11-02</time>"
        ' · <span class="outlet-name"><bdi>Israel Hayom</bdi></span>'
    )
    assert card.startswith('\n<details class="quiet-post">') and f'id="{paragraph_anchor(HAYOM, 0)}"' in card


def test_original_paragraphs_fold_between_the_reused_ones(seed_doc: dict[str, Any], seed_html: str) -> None:
    """In the copy, runs of original paragraphs are folded and counted; the copied ones stay open."""
    (card,) = [c for c in build_context(seed_doc).cards if c.id == US]
    for folded, paras in card.blocks:
        assert all((p.provenance == "original") == folded for p in paras)
    assert [p for _, paras in card.blocks for p in paras] == list(card.paragraphs)
    first_folded = next(paras for folded, paras in card.blocks if folded)
    html = seed_html.split(f'<article class="card" id="{post_anchor(US)}">')[1].split("</article>")[0]
    count = len(first_folded)
    label = f"¶{first_folded[0].index}" + (f"–¶{first_folded[-1].index}" if count > 1 else "")
    plural = "s" if count != 1 else ""
    assert f'<details class="fold"><summary>{count} original paragraph{plural} ({label})</summary>' in html


# --------------------------------------------------------------------------
# words that mean what they say
# --------------------------------------------------------------------------


def test_verdicts_are_named_by_what_they_measure_with_the_audits_cut_offs(seed_doc: dict[str, Any]) -> None:
    """'wholly' reads "mostly borrowed (≥50%)" with the audit's params; no "WHOLLY" or "UNKNOWN" anywhere."""
    doc = copy.deepcopy(seed_doc)
    doc["params"]["wholly"], doc["params"]["partially"] = 0.5, 0.1
    next(p for p in doc["posts"] if p["id"] == US)["reuse"]["derivation"] = "wholly"
    (row,) = build_context(doc).copies
    assert row.verdict_label == "mostly borrowed (≥50%)"
    html = render(doc)
    assert '<span class="derivation wholly">mostly borrowed (≥50%)</span>' in html
    assert "1 mostly borrowed (≥50%) · 0 partly borrowed (≥10%)" in html
    # The seed-shaped fixture's own cut-offs (0.8, 0.2) are the ones shown for it.
    assert build_context(seed_doc).copies[0].verdict_label == "partly borrowed (≥20%)"
    for word in ("WHOLLY", "PARTIALLY", "UNKNOWN", "partially derived"):
        assert word not in html
    # The graph's legend (drawn by drawing.py's owner) still says "wholly derived"; only there.
    assert html.count("wholly derived") <= 1


def test_one_count_of_derived_posts_and_no_reprints_figure_beside_it(seed_doc: dict[str, Any]) -> None:
    """The overview counts derived posts by the audit's derivation only, the copies table's rule."""
    doc = two_copies(seed_doc)
    html = render(doc)
    assert figure(html, "derived") == str(len(build_context(doc).copies)) == "2"
    assert 'data-figure="reprints"' not in html


@pytest.mark.parametrize(
    ("paths", "title", "shown", "noted"),
    [
        (["seeds/a.txt"], "seeds/a.txt", ["seeds/a.txt"], False),
        (["blog/x/a.txt", "blog/y/b.txt"], "blog/ (2 files)", ["blog/x/a.txt", "blog/y/b.txt"], False),
        (["/home/me/cases/export.xml"], "export.xml", ["export.xml"], True),
        (
            ["/home/me/cases/blog/a.txt", "/home/me/cases/blog/b.txt"],
            "blog/ (2 files)",
            ["blog/a.txt", "blog/b.txt"],
            True,
        ),
    ],
)
def test_the_header_names_the_dump_as_given_and_never_the_auditors_folders(
    seed_doc: dict[str, Any], paths: list[str], title: str, shown: list[str], noted: bool
) -> None:
    """Relative paths stay as given; absolute ones lose the folders above the dump everywhere, with a note."""
    doc = copy.deepcopy(seed_doc)
    doc["inputs"] = {"files": [{"path": p, "format": "text"} for p in paths], "encodings": {}}
    for post in doc["posts"]:
        post["source"]["path"] = paths[0]
    doc["warnings"] = [{"path": paths[-1], "line": 3, "message": "odd line"}]
    context = build_context(doc)
    assert str(context.title) == f"Provenance report: {title}"
    assert [path for path, _ in context.health.inputs] == shown
    assert context.cards[0].source.startswith(shown[0] + ":")
    assert context.health.warnings[0].where == f"{shown[-1]}:3"
    assert (context.path_note is not None) == noted
    html = render(doc)
    assert ("/home/me" in html) is False


# --------------------------------------------------------------------------
# the README's picture
# --------------------------------------------------------------------------


def _make_screenshot() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_screenshot", ROOT / "docs" / "make_screenshot.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_report_png_is_made_from_the_current_templates() -> None:
    """docs/report.png.sha256 must match the templates the first screen is drawn from.

    When this fails, the picture in the README is older than the page it shows:
    run ``python docs/make_screenshot.py`` and commit docs/report.png with its .sha256.
    """
    shots = _make_screenshot()
    recorded = (ROOT / "docs" / "report.png.sha256").read_text(encoding="utf-8").split()[0]
    assert recorded == shots.templates_digest(), (
        "docs/report.png is stale: run python docs/make_screenshot.py"
    )
    assert (ROOT / "docs" / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_digest_changes_with_any_template_the_first_screen_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Editing the stylesheet (or any shown file) changes the digest, so a stale picture is caught."""
    shots = _make_screenshot()
    before = shots.templates_digest()
    copied = tmp_path / "templates"
    import shutil

    shutil.copytree(shots.TEMPLATES, copied)
    monkeypatch.setattr(shots, "TEMPLATES", copied)
    assert shots.templates_digest() == before
    with (copied / "report.css").open("a", encoding="utf-8") as css:
        css.write("\n.x { color: red; }\n")
    assert shots.templates_digest() != before


def test_a_site_repeating_its_own_text_is_worded_as_nothing_to_credit(seed_doc: dict[str, Any]) -> None:
    """The audit's "same_site" credit reads as the site's own text, not as a credit line it gave.

    The badge too, in the table and in the lead: "credited" there read as if the blog named a source.
    """
    doc = credited(seed_doc, True, how="same_site")
    (row,) = build_context(doc).copies
    assert str(row.sources[0].credit.text) == "its own site's earlier text: nothing to credit"
    assert row.credit_status == "own_site" and row.credit_label == "its own site's text"
    html = render(doc)
    assert '<span class="credit own_site">its own site&#39;s text</span>' in copies_rows(html)[0]
    lead = html.split('<div class="lead"')[1].split("</div>")[0]
    assert "its own site" in lead and ">credited<" not in lead
    # One source credited by a line besides the site's own text: a credit given, worded so.
    reuse = next(p for p in doc["posts"] if p["id"] == US)["reuse"]
    reuse["credit"]["by"].append({**reuse["credit"]["by"][0], "how": "credit_line", "source": "other"})
    assert build_context(doc).copies[0].credit_status == "credited"


def test_a_post_of_very_many_paragraphs_shows_its_reused_ones_and_counts_the_rest(
    seed_doc: dict[str, Any],
) -> None:
    """One post of 100,000 share lines made a 51 MB page: a card shows at most max_card_paragraphs,
    the reused ones first, and says how many more audit.json holds."""
    doc = copy.deepcopy(seed_doc)
    post = next(p for p in doc["posts"] if p["id"] == US)
    extra = [
        {"index": 100 + i, "line": 1000 + i, "line_end": 1000 + i, "text": f"Share this {i}."}
        for i in range(50)
    ]
    post["paragraphs"] = post["paragraphs"] + extra
    limits = ReportLimits(max_card_paragraphs=20)
    card = next(c for c in build_context(doc, limits).cards if c.id == US)
    assert len(card.paragraphs) == 20
    assert card.hidden_paragraphs == len(post["paragraphs"]) - 20
    whole = next(c for c in build_context(seed_doc).cards if c.id == US)
    reused = {p.index for p in whole.paragraphs if p.provenance != "original"}
    assert reused and reused <= {p.index for p in card.paragraphs}
    html = render(doc, limits)
    assert f"{card.hidden_paragraphs:,} more paragraphs of this post are not shown here" in html


def test_card_budget_counts_each_paragraphs_markup_and_counterpart_links() -> None:
    """10,000 posts of short lines with near versions weighed 50 MB though their text was small:
    a budget that covers the text and the paragraphs' own markup, but not their links, cuts cards."""
    from provenance.report import ReportLimits
    from provenance.report.context.posts import _PARAGRAPH_MARKUP

    doc = json.loads((FIXTURES / "audit-seed-shaped.json").read_text(encoding="utf-8"))
    without_links = sum(
        len(p["text"]) + _PARAGRAPH_MARKUP for post in doc["posts"] for p in post["paragraphs"]
    )
    assert render(doc, ReportLimits(max_card_text=without_links * 10)).count('<article class="card') == 7
    assert render(doc, ReportLimits(max_card_text=without_links)).count('<article class="card') < 7


def test_since_the_last_audit_section_lists_what_the_store_found_changed(seed_doc: dict[str, Any]) -> None:
    """With --db, audit.json's since_last_run becomes a short section under the figures."""
    doc = copy.deepcopy(seed_doc)
    assert "Since the last audit" not in render(doc)
    doc["since_last_run"] = {"run": 1, "previous_run": None}
    assert "Since the last audit" not in render(doc)  # a store's first run: nothing to compare
    doc["since_last_run"] = {
        "run": 3,
        "previous_run": 2,
        "previous_run_finished_at": "2026-12-01T10:00:00+00:00",
        "files": {"unchanged": ["a.txt"], "changed": ["b.txt"], "new": [], "removed": []},
        "new_posts": [{"id": US, "title": "US on alert"}],
        "removed_posts": [{"id": "gone", "title": "A post <b>gone</b>"}],
        "changed_posts": [
            {
                "id": ISIS,
                "title": "ISIS",
                "edits": [
                    {"kind": "number", "a_text": "12", "b_text": "13"},
                    {"kind": "number", "a_text": "", "b_text": "fast since 2015."},
                ],
            }
        ],
        "new_pairs": [{"a": {}, "b": {}, "kind": "exact"}],
        "removed_pairs": [],
        "new_reprints": [],
        "new_findings": [
            {"kind": "misattribution", "severity": "high", "posts": [US], "summary": "it credits X"}
        ],
        "resolved_findings": [],
    }
    html = render(doc)
    section = html.split('<section id="since"')[1].split("</section>")[0]
    assert "run 3 against run 2" in section
    assert "1 changed · 0 new · 0 removed · 1 unchanged" in section
    assert f'href="#{post_anchor(US)}"' in section
    assert "A post &lt;b&gt;gone&lt;/b&gt;" in section
    assert "number: “12” → “13”" in section
    assert "number added: “fast since 2015.”" in section and "“” →" not in section
    assert "1 new duplicate pair, 0 gone" in section
    assert "New finding: <bdi>high misattribution: it credits X</bdi>" in section
    doc["since_last_run"] = {
        **doc["since_last_run"],
        "new_posts": [],
        "removed_posts": [],
        "changed_posts": [],
    }
    doc["since_last_run"].update(new_pairs=[], new_findings=[])
    assert "Nothing new since run 2" in render(doc)
    # A text file's post whose id alone changed: named with its old id, and still nothing new.
    doc["since_last_run"]["renamed_posts"] = [{"id": ISIS, "previous_id": "old/isis", "title": "ISIS"}]
    section = render(doc).split('<section id="since"')[1].split("</section>")[0]
    assert "1 post of the same file under another id" in section and "(was <bdi>old/isis</bdi>)" in section
    assert f'href="#{post_anchor(ISIS)}"' in section and "Nothing new since run 2" in section


def test_a_fresh_audit_s_report_equals_the_report_of_its_saved_audit_json(tmp_path: Path) -> None:
    """Made as read, the report's posts keep a few fields and cards make their posts again; nothing is lost.

    The document of a fresh audit gives its posts one by one, and the report
    keeps only the fields every section reads; the audit.json written from
    it is a list the report keeps whole. Both pages are the same, cards
    (paragraphs, place in the input, notes, categories) included.
    """
    import provenance
    from provenance.export import audit_to_dict, load_audit_json, write_outputs

    result = provenance.audit([str(ROOT / "seeds")])
    write_outputs(result, tmp_path)
    fresh = render(audit_to_dict(result))
    saved = render(load_audit_json(tmp_path / "audit.json"))
    assert fresh == saved
    europe = "europe-braces-for-post-mosul-jihadi-onslaught"
    card = fresh[fresh.index(f'id="{post_anchor(europe)}"') :]
    card = card[: card.index("</article>")]
    assert "elusive. — DM)" in card and "islamic-state-whats-next.txt:189–217" in card
    assert "European leaders fear onslaught of jihadists" in card


def test_a_fresh_audit_s_cards_show_what_its_summaries_leave_out(tmp_path: Path) -> None:
    """The report keeps a citation's outlet and a post not derived's share and derivation alone for the
    sections; a card still shows the citation's title and author and that post's source, as the saved
    audit.json's page does."""
    import provenance
    from provenance.export import audit_to_dict, load_audit_json, write_outputs
    from provenance.report.context.common import _Posts

    def prose(seed: int, words: int) -> str:
        vocabulary = [f"w{seed}x{i}" for i in range(words)]
        return " ".join(vocabulary) + "."

    shared = (
        "The ministry said on Monday that forty two people had been hurt in the blast near the old market "
        "square, and that the police had closed every road into the town before the evening prayers."
    )
    rows = [
        {"id": "wire", "title": "Wire copy", "date": "2020-01-01", "text": shared + "\n\n" + prose(1, 60)},
        {
            "id": "blog",
            "title": "Blog post",
            "date": "2020-01-02",
            "outlet": "Daily Planet",
            "author": "Lois Lane",
            "source_title": "Blast near the market",
            "text": "\n\n".join([prose(2, 120), shared, prose(3, 200)]),
        },
    ]
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    result = provenance.audit([dump])
    reuse = result.dedup.reuse["blog"]
    assert reuse.derivation == "independent" and [s.post for s in reuse.sources] == ["wire"]
    out = tmp_path / "out"
    write_outputs(result, out)
    doc = audit_to_dict(result)
    summaries = _Posts(doc["posts"]).raw
    assert summaries["blog"]["citation"] == {"outlet": "Daily Planet"}
    assert set(summaries["blog"]["reuse"]) == {"share", "derivation"}
    fresh = render(doc)
    assert fresh == render(load_audit_json(out / "audit.json"))
    card = fresh[fresh.index(f'id="{post_anchor("blog")}"') :]
    card = card[: card.index("</article>")]
    assert "Blast near the market" in card and "Lois Lane" in card and "Wire copy" in card


def test_the_report_written_piece_by_piece_is_the_rendered_page(tmp_path: Path) -> None:
    """The audit writes its report with render_to: the whole page, lone surrogates as U+FFFD."""
    import provenance
    from provenance import export
    from provenance.report import build_context, render_context, render_to

    doc = export.audit_to_dict(provenance.audit(ROOT / "seeds"))
    doc["posts"] = list(doc["posts"])
    doc["posts"][0]["title"] = "A lone surrogate \udc80 in a title"
    path = tmp_path / "report.html"
    with export.open_output(path) as handle:
        render_to(doc, handle)
    # render() writes through render_to too: the page is compared with the context rendered whole.
    page = render_context(build_context(doc))
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert path.read_text(encoding="utf-8") == page.replace("\udc80", "\ufffd")


def test_muted_text_reads_on_every_background_of_the_report() -> None:
    """Line numbers and scores are muted text on the tinted paragraphs: at least WCAG's 4.5:1 on each
    background the stylesheet defines (it was 4.49:1 on a copied paragraph's pink, 4.01:1 on a deletion's)."""
    css = (Path(provenance.report.__file__).parent / "templates" / "report.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b", css.split("}")[0]))

    def luminance(colour: str) -> float:
        digits = colour[1:] if len(colour) == 7 else "".join(c * 2 for c in colour[1:])
        channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    muted = luminance(colours["muted"])
    backgrounds = [
        name for name in colours if name not in ("ink", "muted", "line") and not name.endswith("-edge")
    ]
    assert {"paper", "wash", "from-earlier", "del", "ins", "same", "changed"} <= set(backgrounds)
    for name in backgrounds:
        ratio = (luminance(colours[name]) + 0.05) / (muted + 0.05)
        assert ratio >= 4.5, (name, round(ratio, 2))


def decided_pairs(seed_doc: dict[str, Any], decided_by: str, side_of_isis: bool = True) -> dict[str, Any]:
    """The seed's pairs between US and ISIS with the audit's source side and what it rests on (1.5).

    ``side_of_isis``: ISIS (the earlier post by its date) is the source; else US, the later one.
    """
    doc = copy.deepcopy(seed_doc)
    for pair in doc["pairs"]:
        posts = {pair["a"]["post"], pair["b"]["post"]}
        if posts == {US, ISIS}:
            wanted = ISIS if side_of_isis else US
            pair["source"] = (
                None if decided_by == "undecided" else ("a" if pair["a"]["post"] == wanted else "b")
            )
            pair["decided_by"] = decided_by
    return doc


def paragraph_html(html: str, post_id: str, index: int) -> str:
    found = re.search(
        rf'<div class="para [^"]*" id="{paragraph_anchor(post_id, index)}">.*?</div>', html, flags=re.S
    )
    assert found is not None
    return found.group(0)


def test_a_paragraph_is_copied_from_an_earlier_post_only_where_the_audit_decided_the_order(
    seed_doc: dict[str, Any],
) -> None:
    """A date says "copied from"; a guessed order says the text is shared and names the guess."""
    dated = paragraph_html(render(decided_pairs(seed_doc, "citation_date")), US, 3)
    assert 'class="para from-earlier"' in dated
    assert "copied from an earlier post" in dated and "<li>copied from " in dated
    assert "guess" not in dated
    guessed_html = render(decided_pairs(seed_doc, "input_order"))
    guessed = paragraph_html(guessed_html, US, 3)
    assert 'class="para from-earlier unfirm"' in guessed
    assert "copied from an earlier post" not in guessed and "copied from " not in guessed
    assert "shared with another post: the copy, if the order guessed holds" in guessed
    assert '<li>shared with <a class="counterpart"' in guessed
    assert '<span class="direction guessed">guessed from input order</span>' in guessed
    card = re.search(
        rf'<article class="card" id="{post_anchor(US)}">.*?<p class="counts">(.*?)</p>', guessed_html, re.S
    )
    assert card is not None and "from earlier, order guessed" in card.group(1)
    source = paragraph_html(guessed_html, ISIS, 1)
    assert "shared with another post: the source, if the order guessed holds" in source


def test_posts_of_one_day_share_a_paragraph_with_the_order_undecided(seed_doc: dict[str, Any]) -> None:
    html = render(decided_pairs(seed_doc, "undecided"))
    copy_side = paragraph_html(html, US, 3)
    assert "shared with another post: which came first is undecided" in copy_side
    assert '<span class="direction undecided">undecided: same day</span>' in copy_side


def test_the_card_follows_the_audits_source_side_not_the_dates(seed_doc: dict[str, Any]) -> None:
    """A declared known source (--reference) can make the later-dated post the source: the card says so."""
    html = render(decided_pairs(seed_doc, "reference", side_of_isis=False))
    assert "copied into a later post" in paragraph_html(html, US, 3)
    assert "copied from an earlier post" in paragraph_html(html, ISIS, 1)


def test_a_document_before_1_5_reads_its_pairs_as_it_always_did(seed_doc: dict[str, Any]) -> None:
    """No decided_by: the order comes from the cluster's witness and the dates, stated as before."""
    assert all("decided_by" not in pair for pair in seed_doc["pairs"])
    us = paragraph_html(render(seed_doc), US, 3)
    assert 'class="para from-earlier"' in us and "copied from an earlier post" in us


def test_a_partial_pair_shows_the_containment_it_was_kept_on(seed_doc: dict[str, Any]) -> None:
    """Its containment on the longer shingles can be near 0; the report names the short-shingle one too,
    and the duplicates filter compares against it."""
    doc = copy.deepcopy(seed_doc)
    doc["params"]["partial_shingle_size"] = 3
    pair = next(p for p in doc["pairs"] if {p["a"]["post"], p["b"]["post"]} == {US, ISIS})
    pair.update(kind="partial", jaccard=0.0, containment=0.08, partial_containment=0.42)
    html = render(doc)
    assert "Jaccard 0.00 · containment 0.08 · 3-word containment 0.42" in html
    assert 'data-kind="partial"' in html and 'data-sim="0.4200"' in html


def test_the_duplicates_section_reconciles_its_copies_with_the_overviews_pairs(
    seed_doc: dict[str, Any], seed_html: str
) -> None:
    """The seed's excerpt ISIS ¶0 is paired with two paragraphs of one cluster: 16 pairs, 15 copies, and
    the section says why its counts are not the overview's; where every pair is one copy it says nothing."""
    note = re.search(r'<p class="hint" id="dup-reconcile">(.*?)</p>', seed_html, re.S)
    assert note is not None
    assert "The overview counts 16 duplicate pairs; here each of the 15 copies is shown once" in note.group(1)
    doc = copy.deepcopy(seed_doc)
    doc["pairs"] = [p for p in doc["pairs"] if not (p["kind"] == "contained" and p["inside_post"])]
    context = build_context(doc)
    assert context.duplicates.pairs_total == context.duplicates.copies_total == 14
    assert 'id="dup-reconcile"' not in render(doc)


def test_the_copies_hint_calls_no_post_earlier_when_every_order_is_a_guess(seed_doc: dict[str, Any]) -> None:
    """METER without dates: every row's order is a guess, so the hint above the table does not say the
    posts borrow "from an earlier post"; with a dated row it does."""
    hint = re.compile(r'<section id="copies".*?<p class="hint">(.*?)</p>', re.S)

    def decided_by(evidence: str) -> str:
        doc = copy.deepcopy(seed_doc)
        for post in doc["posts"]:
            for source in (post.get("reuse") or {}).get("sources") or []:
                source["decided_by"] = evidence
        found = hint.search(render(doc))
        assert found is not None
        return found.group(1)

    assert "borrows text from an earlier post" in decided_by("citation_date")
    guessed = decided_by("input_order")
    assert "shares text with other posts and is guessed to be the copy" in guessed
    assert "earlier" not in guessed


def test_a_disguised_copy_is_marked_in_the_lead_and_its_row_from_the_audits_finding(tmp_path: Path) -> None:
    """A copy whose words hide look-alike letters was "100% shared" on the first screen and nothing more:
    the audit's disguised_copy finding now marks its line of the lead and its row, and the source's not."""
    import provenance
    from provenance import export
    from tests.test_verdicts import prose

    text = prose(11, 72)
    dump = tmp_path / "dump.jsonl"
    records = [
        {"id": "wire", "title": "Wire", "date": "2020-03-01", "text": text},
        {
            "id": "blog",
            "title": "Blog",
            "date": "2020-03-02",
            "text": text.translate(str.maketrans("ae", "ае")),
        },
        {"id": "plain", "title": "Plain", "date": "2020-03-03", "text": text + " " + prose(12, 30)},
    ]
    dump.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    doc = export.materialized(export.audit_to_dict(provenance.audit([dump])))
    assert [(f["kind"], f["posts"][0]) for f in doc["findings"]] == [("disguised_copy", "blog")]
    rows = {row.post.id: row for row in build_context(doc).copies}
    assert rows["blog"].disguised and not rows["plain"].disguised
    html = render(doc)
    lead = re.search(r'<div class="lead".*?</div>', html, flags=re.S)
    assert lead is not None
    lead_lines = re.findall(
        r'<li><a class="lead-post" href="#copy-post-(\w+)">(.*?)</li>', lead.group(), re.S
    )
    assert {post: 'class="disguised"' in line for post, line in lead_lines} == {"blog": True, "plain": False}
    marked = [row for row in copies_rows(html) if 'class="disguised"' in row]
    assert len(marked) == 1 and 'id="copy-post-blog"' in marked[0]


def test_what_a_copy_changed_is_in_its_row_and_the_substance_in_the_first_lines(tmp_path: Path) -> None:
    """The audit's sources[].changes in words: the copies table's "What it changed" cell for each source,
    and a changed number on the report's first lines, where a reader asks what the copy did."""
    import provenance
    from provenance import export

    first = (
        "The ministry said on Monday that 12 soldiers were killed in the attack on the northern base, and "
        "that the attackers had crossed the border during the night before the assault began near the bridge."
    )
    second = (
        "Officials in the capital have not said how many civilians were wounded, and aid groups have asked "
        "for access to the area, where the roads remain closed and the power has been cut since Sunday."
    )
    dump = tmp_path / "dump.jsonl"
    records = [
        {"id": "wire", "title": "Wire", "date": "2020-03-01", "text": f"{first}\n\n{second}"},
        {
            "id": "blog",
            "title": "Blog",
            "date": "2020-03-02",
            "text": f"{first.replace('12', '15')}\n\n{second}",
        },
        {"id": "same", "title": "Same", "date": "2020-03-03", "text": f"{first}\n\n{second}"},
    ]
    dump.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    doc = export.materialized(export.audit_to_dict(provenance.audit([dump])))
    rows = {row.post.id: row for row in build_context(doc).copies}
    assert [(s.post.id, s.changed_substance, s.changed_otherwise) for s in rows["blog"].sources] == [
        ("wire", "1 number", "")
    ]
    same = rows["same"].sources[0]
    assert (same.changes_recorded, same.changed_substance, same.changed_otherwise) == (True, "", "")
    html = render(doc)
    lead = re.search(r'<div class="lead".*?</div>', html, flags=re.S)
    assert lead is not None and '<span class="changes substantive">changed 1 number</span>' in lead.group()
    (blog_row,) = [row for row in copies_rows(html) if 'id="copy-post-blog"' in row]
    assert '<li class="changes"><strong class="substantive">1 number</strong></li>' in blog_row
    (same_row,) = [row for row in copies_rows(html) if 'id="copy-post-same"' in row]
    assert '<li class="changes">no edit found</li>' in same_row
    # Where which came first is a guess, the first lines say what differs, not who changed it.
    guessed = copy.deepcopy(doc)
    for post in guessed["posts"]:
        for source in (post.get("reuse") or {}).get("sources", []):
            source["decided_by"] = "input_order"
    lead = re.search(r'<div class="lead".*?</div>', render(guessed), flags=re.S)
    assert lead is not None and "changed 1 number" not in lead.group()
    assert 'they differ in <span class="changes substantive">1 number</span>' in lead.group()
    # A document from before sources[].changes says so instead of "no edit found".
    for post in doc["posts"]:
        for source in (post.get("reuse") or {}).get("sources", []):
            source.pop("changes", None)
    older = {row.post.id: row for row in build_context(doc).copies}
    assert not older["blog"].sources[0].changes_recorded
    assert '<li class="changes">not recorded</li>' in render(doc)
