"""The drawings as Chromium draws them: no two text boxes meet, text readable on a phone, the toggle works.

The layout estimates label widths; these tests read the boxes the browser
actually gives every SVG ``<text>`` (``getBBox()``) on the seed and on the
real corpora in ../shared (skipped when that folder is absent), at 390 px and
1400 px wide, in both views of the graph. Debian's chromium only, never a
downloaded browser.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from provenance.report import render

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPORA = {
    "cc-labs": SHARED / "corpora" / "wxr" / "cc-labs-blog.xml",
    "clough": SHARED / "corpora" / "clough-short-answers" / "corpus-20090418",
}
WIDTHS = (390, 1400)

# Every pair of <text> boxes in one SVG that meet (by more than half a pixel), with their texts.
OVERLAPS = """(svg) => {
  const boxes = Array.from(svg.querySelectorAll("text")).map((t) => {
    const b = t.getBBox();
    return {text: t.textContent, x: b.x, y: b.y, r: b.x + b.width, b: b.y + b.height};
  }).filter((b) => b.r > b.x);
  const found = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], c = boxes[j];
      if (a.x < c.r - 0.5 && c.x < a.r - 0.5 && a.y < c.b - 0.5 && c.y < a.b - 0.5) {
        found.push([a.text, c.text]);
      }
    }
  }
  return {count: boxes.length, overlaps: found.slice(0, 10)};
}"""

# The smallest text on screen, in CSS px: font size times the SVG's scale.
SMALLEST_TEXT = """(svg) => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = Array.from(svg.querySelectorAll("text")).map(
    (t) => parseFloat(getComputedStyle(t).fontSize) * scale);
  return Math.min(...sizes);
}"""


def _audit_doc(path: Path) -> dict[str, Any]:
    from provenance.audit import audit
    from provenance.config import AuditConfig
    from provenance.export import audit_to_dict, materialized

    return json.loads(json.dumps(materialized(audit_to_dict(audit([path], AuditConfig(jobs=1))))))


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """The report of a named dump, written once per module: the seed's fixture, or a real corpus."""
    folder = tmp_path_factory.mktemp("drawings")
    written: dict[str, Path] = {}

    def report(name: str) -> Path:
        if name not in written:
            if name == "seed":
                doc = json.loads((FIXTURES / "audit-seed-shaped.json").read_text(encoding="utf-8"))
            else:
                if not CORPORA[name].exists():
                    pytest.skip(f"shared corpus not found at {CORPORA[name]}")
                doc = _audit_doc(CORPORA[name])
            path = folder / f"{name}.html"
            path.write_text(render(doc), encoding="utf-8")
            written[name] = path
        return written[name]

    return report


def _open(browser: Any, path: Path, width: int, javascript: bool = True) -> Any:
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(path.as_uri())
    return context, page


def _check_visible_drawings(page: Any, width: int) -> list[str]:
    """Problems of the drawings on screen: texts that meet, text under 11 px, a box wider than the page."""
    problems = []
    svgs = page.locator("svg.share-chart, svg.graph")
    checked = 0
    for index in range(svgs.count()):
        svg = svgs.nth(index)
        if not svg.is_visible():
            continue
        checked += 1
        name = svg.get_attribute("aria-labelledby")
        result = svg.evaluate(OVERLAPS)
        if result["overlaps"]:
            problems.append(f"{name} at {width}px: {result['overlaps']}")
        smallest = svg.evaluate(SMALLEST_TEXT)
        if smallest < 11:
            problems.append(f"{name} at {width}px: text of {smallest:.1f}px")
        right = svg.evaluate("(svg) => svg.closest('.drawing-box').getBoundingClientRect().right")
        if right > width:
            problems.append(f"{name} at {width}px: its box ends at {right:.0f}px")
    assert checked, "no drawing on screen"
    return problems


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["seed", "cc-labs", "clough"])
def test_no_two_texts_of_a_drawing_meet_and_none_is_under_11px(
    browser: Any, reports: Callable[[str], Path], name: str, width: int
) -> None:
    """Chart and graph, both views of the graph: every text box apart, at least 11 px, inside the page."""
    context, page = _open(browser, reports(name), width)
    try:
        problems = _check_visible_drawings(page, width)
        toggle = page.locator("#graph-show-mentions")
        if toggle.count():
            toggle.check()
            assert page.locator(".graph-box.graph-mentions").is_visible()
            assert not page.locator(".graph-box.graph-plain").is_visible()
            problems += _check_visible_drawings(page, width)
        assert not problems, problems
    finally:
        context.close()


def test_mentions_are_hidden_until_the_box_is_ticked_even_without_javascript(
    browser: Any, reports: Callable[[str], Path]
) -> None:
    """On the seed: no dashed edge on screen at first; ticking the box shows them, with script off."""
    context, page = _open(browser, reports("seed"), 1400, javascript=False)
    try:
        shown = "(e) => getComputedStyle(e.closest('.graph-box')).display !== 'none'"
        dashed = page.locator("path.edge.mentions")
        assert dashed.count() > 0
        assert not any(dashed.nth(i).evaluate(shown) for i in range(dashed.count()))
        assert page.locator("path.edge.reprints").first.evaluate(shown)
        page.locator("label[for='graph-show-mentions']").click()
        assert all(dashed.nth(i).evaluate(shown) for i in range(dashed.count()))
        assert page.locator("path.edge.reprints").last.evaluate(shown)
        assert not page.locator("path.edge.reprints").first.evaluate(shown)
    finally:
        context.close()


def test_the_derived_posts_of_the_real_blog_are_drawn(browser: Any, reports: Callable[[str], Path]) -> None:
    """cc-labs has two partly derived posts and no reprint: both are drawn, orange, with their sources."""
    context, page = _open(browser, reports("cc-labs"), 1400)
    try:
        partial = page.locator(".graph-box.graph-plain .node.post.partially")
        assert partial.count() == 2
        assert page.locator(".graph-box.graph-plain path.edge.borrows").count() == 3
        colour = partial.first.locator("circle").evaluate("(c) => getComputedStyle(c).fill")
        assert colour == "rgb(232, 137, 28)"
    finally:
        context.close()
