"""Hostile text in the report, checked where it matters: laid out by Debian's chromium through Playwright.

Never downloads a browser: the tests skip when /usr/bin/chromium is absent
(CI installs it with apt-get).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hostile_docs import RLO, UNBALANCED_BIDI, seed_shaped, with_bidi_overrides, with_outlet_renamed

from provenance.report import render

pytestmark = pytest.mark.browser

US = "us-on-alert-for-terror-strikes-around-elections"  # the seed's copy of an earlier post

#: Each sentence of the report's own words that holds a title, id or outlet name from the
#: dump, and some of its words in reading order, before and after the dump's text.
SENTENCES = (
    ("p.reprint", ("Reprint", "of", "shared", "paragraphs", "source", "direction", "decided")),
    ("p.reprint", ("Reprinted", "by", "shared", "paragraphs", "this", "post")),
    ("#posts .citation", ("Credits", "by", "originally")),
    ("#posts .counterparts li", ("copied", "from", "Jaccard", "containment")),
    (".copies .credit-text", ("credits", "by", "a", "credit", "line")),
    ("#posts .reuse", ("credits", "by", "a", "credit", "line")),
    ("#findings .evidence li", ("of", "line")),
    (".boilerplate li", ("in", "posts", "paragraphs")),
)

# Each word's box, found in the report's own text (outside every <bdi>) in the order given, in the
# first element matching the selector that has them all (else the longest run found, for the message).
_WORD_BOXES = """
([selector, words]) => {
  function boxesIn(element) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    const boxes = [];
    let node;
    let next = 0;
    while ((node = walker.nextNode()) && next < words.length) {
      if (node.parentElement.closest("bdi")) { continue; }
      let from = 0;
      while (next < words.length) {
        const at = node.data.indexOf(words[next], from);
        if (at < 0) { break; }
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + words[next].length);
        const box = range.getBoundingClientRect();
        boxes.push([words[next], box.left, box.top]);
        from = at + words[next].length;
        next += 1;
      }
    }
    return boxes;
  }
  let best = [];
  for (const element of document.querySelectorAll(selector)) {
    element.scrollIntoView();
    const boxes = boxesIn(element);
    if (boxes.length === words.length) { return boxes; }
    if (boxes.length > best.length) { best = boxes; }
  }
  return best;
}
"""


class Watched:
    """A page with what it requested, logged as an error and opened as a dialog."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.url = path.as_uri()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", self._dialog)
        self.page.goto(self.url)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def assert_quiet(self) -> None:
        """Nothing loaded but the page, nothing logged as an error, no dialog."""
        assert self.requests == [self.url]
        assert self.errors == []
        assert self.dialogs == []


@pytest.fixture
def watch(browser: Any) -> Iterator[Any]:
    opened: list[Watched] = []

    def open_(path: Path) -> Watched:
        opened.append(Watched(browser, path))
        return opened[-1]

    yield open_
    for watched in opened:
        watched.context.close()


def _reading_order(boxes: list[list[Any]]) -> tuple[int, list[str]]:
    """How many neighbouring words share a line, and those drawn right to left of each other."""
    same_line = 0
    reversed_pairs = []
    for (word_a, left_a, top_a), (word_b, left_b, top_b) in itertools.pairwise(boxes):
        if abs(top_a - top_b) < 3:
            same_line += 1
            if left_b <= left_a:
                reversed_pairs.append(f"{word_a} / {word_b}")
    return same_line, reversed_pairs


@pytest.mark.parametrize("mark", [RLO, UNBALANCED_BIDI], ids=["override", "unbalanced"])
def test_a_right_to_left_override_in_the_dump_leaves_the_reports_sentences_in_order(
    watch: Any, tmp_path: Path, mark: str
) -> None:
    """U+202E before every title, id, outlet and path: the words around them keep left-to-right order.

    With a stray U+2069 before it and an isolate after it left open, the override ran on past each
    ``<bdi>``: "from “title” and 1 more" was drawn as "from “title” erom 1 dna".
    """
    doc = seed_shaped()
    copy = next(post for post in doc["posts"] if post["id"] == US)
    source = copy["reuse"]["sources"][0]["post"]
    copy["reuse"]["credit"] = {  # its credit: "credits X by a credit line (line 9): “...”"
        "credited_share": 0.5,
        "uncredited_share": 0.1965,
        "by": [
            {
                "source": source,
                "outlet": "Long War Journal",
                "how": "credit_line",
                "evidence_line": 9,
                "evidence": mark + "Source: Long War Journal",
                "credited": True,
                "share": 0.6965,
            }
        ],
    }
    doc["findings"] = [
        {
            "kind": "uncredited_copy",
            "severity": "high",
            "posts": [US],
            "summary": mark + "A copy",
            "evidence": [{"post": US, "paragraph": 3, "line": 120, "text": "the words"}],
        }
    ]
    doc["boilerplate"] = [{"text": "Share this article.", "posts": 2, "members": []}]
    path = tmp_path / "bidi.html"
    path.write_text(render(with_bidi_overrides(doc, mark)), encoding="utf-8")
    watched = watch(path)
    drawn_right_to_left = {}
    for selector, words in SENTENCES:
        boxes = watched.page.evaluate(_WORD_BOXES, [selector, list(words)])
        assert [word for word, _, _ in boxes] == list(words), selector
        same_line, reversed_pairs = _reading_order(boxes)
        assert same_line >= 1, f"{selector}: no two words on one line to compare"
        if reversed_pairs:
            drawn_right_to_left[f"{selector} {words[0]}"] = reversed_pairs
    assert drawn_right_to_left == {}
    watched.assert_quiet()


def test_the_outlet_filter_works_on_a_name_with_a_bar(watch: Any, tmp_path: Path) -> None:
    """Filtering on an outlet named `A|B` shows its three copies, as filtering on its plain name did."""
    path = tmp_path / "bar.html"
    path.write_text(
        render(with_outlet_renamed(seed_shaped(), "Long War Journal", "Long|War Journal")), encoding="utf-8"
    )
    watched = watch(path)
    page = watched.page

    def shown() -> int:
        return int(page.locator("#pairs-shown").inner_text().replace(",", ""))

    assert shown() == 15
    page.locator("select[name='outlet']").select_option("long|war journal")
    assert shown() == 3
    page.locator("select[name='outlet']").select_option("")
    assert shown() == 15
    watched.assert_quiet()


@pytest.mark.parametrize("width", [390, 1400])
def test_a_long_outlet_name_leaves_the_page_as_wide_as_the_screen(
    browser: Any, tmp_path: Path, width: int
) -> None:
    """The outlet filter's closed list shrinks to its line: a 77-character name made a 390 px page 702 px."""
    name = "The Very Long Name Of An Outlet That Goes On And On For Quite A While Indeed"
    path = tmp_path / "long-outlet.html"
    path.write_text(render(with_outlet_renamed(seed_shaped(), "Long War Journal", name)), encoding="utf-8")
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(path.as_uri())
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        select = page.locator("select[name='outlet']").bounding_box()
        assert select is not None and select["x"] + select["width"] <= width
    finally:
        context.close()


def test_posts_titled_by_long_urls_leave_a_wide_screen_unscrolled(browser: Any, tmp_path: Path) -> None:
    """Titles of 170 characters without a space break in the outlets table: the 1400 px page was 2,059 px."""
    doc = seed_shaped()
    for number, post in enumerate(doc["posts"]):
        post["title"] = (
            f"https://www.example-news-site.com/2017/01/{number}/the-terrorist-diaspora-after-the-fall"
            "-of-the-caliphate/?utm_source=twitter&utm_medium=social&utm_campaign=share_button_top"
        )
    path = tmp_path / "url-titles.html"
    path.write_text(render(doc), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.goto(path.as_uri())
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 1400
    finally:
        context.close()
