"""Credits: where a post says which outlet its text came from, by a link or a credit line.

Two kinds of evidence, both in the post's own text:

- **a link** in a paragraph to the site of an outlet of the table
  (``theguardian.com``, or a host under it such as ``edition.cnn.com``)
  credits that outlet (``how="link"``);
- **a credit line**: "via X", "Source: X", "H/T X" / "hat tip to X",
  "Originally published at X" / "This article first appeared in X" ("originally
  published"), "First published by X" ("first published"), "Reprinted from X" /
  "Republished with permission of X" ("reprinted"), "Cross-posted from X"
  ("cross-posted"), "Courtesy of X" ("courtesy") and "Copyright 2021 X" / "© X"
  ("copyright"), in any case;
- **what news sites print under a story taken from another**: "Reuters
  contributed to this report", "Additional reporting by X", "(With inputs
  from X)" ("contributed"), "Read more at X", "Read the full article at X"
  ("read more") and "This story was produced by X" ("produced by");
- **a lead-in**: a line opening with "From X:" or "Excerpt from X:" before the
  text it introduces ("From Reuters:"), when X is an outlet ("lead-in");
- **a wire's dateline**: "WASHINGTON (AP) —", "(Reuters) -", or "(AFP)" on a
  line of its own, and its sign-off, "— Reuters" on a line of its own
  ("dateline");
- **the post's title**: "AP: Storm hits the coast", "REUTERS - ...",
  "Storm hits the coast (Reuters)" or "Storm hits the coast | Reuters", how
  many blogs credit a wire ("title").

A title credits only a news outlet of the table, and only in a credit's place:
the whole of what opens the title before a colon or a dash ("AP:", "Reuters
-"), with the label an outlet gives its own story ("AP Exclusive:"), the
whole of a bracket closing it ("(Reuters)"), or the whole of its last segment
after " | ", where a page's title ends with its site's name. A title that names
an outlet anywhere else ("Reuters reporter jailed", "Why the AP changed its
style guide") is about the outlet, not a credit of it; a one-word name the
table takes only after "the" counts only with it ("Guardian: a poem" is no
credit, "The Guardian: ..." is).

A copyright line, a dateline, a sign-off or "(With X)" credits only an outlet
of the table: a site's footer holds its own copyright ("© 2021 The Daily
Blog"), which says nothing of where its text came from, and "(with John)" is
company, not a source.

A credit line is only a credit where a credit stands. The short cues ("via",
"source", "h/t") must open a line, a sentence or a bracket ("(via Boing
Boing)", "— via Reuters"): "them from the level script via the API function"
or "served via HTTPS" credit nobody. The longer phrases may follow "This
article (was)" but are held to the same places.

X is the name or link that follows the cue: a link starting there names its
outlet by its domain (the table's outlet), else by its text; otherwise a
domain or web address written out ("Source: www.bbc.co.uk/news"), else a run
of capitalised words. The run ends before a lower-case word ("Source: Reuters
and AP" credits Reuters) unless a name of the table goes on over it: "Source:
The Mail on Sunday" is The Mail on Sunday, not the Daily Mail ("The Mail"),
and "Courtesy of The Globe and Mail" The Globe and Mail, as is each of the
contributors in "Reuters and The Globe and Mail contributed to this report".
A name in the table is that outlet. Any other name is
an outlet **found** in the text: after the unambiguous cues ("Source:",
"originally published", "reprinted"…) whatever name follows; after "via",
"h/t", "courtesy of", "read more at", "contributed" and "produced by", which
credit people as often as outlets ("H/T John"), only a name that
looks like an outlet's (:func:`provenance.outlets.looks_like_outlet_name`), is
linked to its own site ("via <a href=boingboing.net>Boing Boing</a>"), or is
vouched for elsewhere in the corpus. A name that starts with a name of the
table (the longest) and goes on with words of no outlet's name is the table's
outlet: "Source: Reuters Graphics desk" credits Reuters, "Courtesy of The
Associated Press Photo Gallery" the Associated Press, while "The Times
Herald" and "The Times of Malta" stay outlets of their own.

A short form the table declares ("the Times", "the Post", "the Journal":
``short``) is read as the mention stage reads it: after the full name (or
another alias) of an outlet it stands for earlier in the post, in its title
or in the paragraphs and editor notes before the credit, it is that outlet,
the one named last when several were ("The New York Times reported … Source:
The Times" credits The New York Times), the outlet whose own name the short
form is among them ("The Times of London" named after The New York Times makes
"The Times" the London paper again). With no such name before it, "The
Times" is the table's own The Times (London) and "The Post" an outlet found
in the text; a credit opening the title has nothing before it.

Only a post's paragraphs and editor notes are read, and a note the page
reader set aside (navigation, a footer) when the whole note is a credit line
("Via BBC News" under the article); image captions and photo credits credit
a picture, not the text. One credit per outlet and kind per post, the first.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from provenance.attribution import (
    JOINERS,
    NAME_RUN,
    OPENING_WORDS,
    PARALLEL_MIN_POSTS,
    PostScanner,
    evidence,
    mention_texts,
    split_sentences,
)
from provenance.invisible import visible_post
from provenance.models import Credit, CreditHow, Link, Post
from provenance.outlets import (
    OUTLET_WORDS,
    OutletAliases,
    OutletInfo,
    clean_outlet_name,
    domain_of,
    looks_like_outlet_name,
    outlet_key,
    outlet_key_words,
)
from provenance.workers import each_in_forked_chunks

__all__ = ["credits_of_posts", "extract_credits", "vouched_names"]

# "This article was" before "originally published", "first appeared", "reprinted".
_ARTICLE = re.compile(
    r"(?:this|the)\s+(?:article|post|story|piece|column|essay|interview|report|text|item)\s+"
    r"(?:was\s+|is\s+|has\s+been\s+)?$",
    re.IGNORECASE,
)
_CREDIT_CUE = re.compile(
    r"(?<![\w/])(?:"
    r"(?P<via>via)\b\s*:?"
    r"|(?P<source>sources?)\s*(?::|[-–—](?=\s))"
    r"|(?P<hat_tip>h/t\b|h\.t\.|hat[\s-]?tip(?:\s+to\b)?|hattip\b)\s*:?"
    r"|(?P<originally>originally)\s+(?:published|posted|appeared|ran|printed)\s+(?:at|in|on|by)\b"
    r"|(?P<first>first)\s+(?:published|posted|appeared|ran|printed)\s+(?:at|in|on|by)\b"
    r"|(?P<reprinted>reprinted|republished|reproduced)\s+"
    r"(?:from|by|in|with\s+(?:the\s+)?(?:kind\s+)?permission\s+(?:from|of))\b"
    r"|(?P<cross>cross-?posted)\s+(?:from|at|on)\b"
    r"|(?P<courtesy>courtesy)\s+of\b"
    r"|(?P<contributed>additional\s+reporting\s+by|\(\s*with(?:\s+(?:additional\s+)?inputs?\s+from)?)\b"
    r"|(?P<read_more>read\s+more|continue\s+reading"
    r"|read\s+the\s+(?:full|original|whole|rest\s+of\s+the)\s+(?:article|story|post|piece|report))"
    r"(?:\s+(?:at|on|in)\b|\s*:)"
    r"|(?P<produced>produced|written|reported)\s+by\b"
    r"|(?P<copyright>copyright\b|©)(?:\s*(?:©|\(c\)))?(?:\s*\d{4}(?:\s*[-–]\s*\d{4})?)?,?"
    r")",
    re.IGNORECASE,
)
# A wire's dateline: "WASHINGTON (AP) —", "BEIRUT, Lebanon (Reuters) -", "(CNN) —" opening a paragraph,
# or "(AP)" as a line of its own.
_DATELINE = re.compile(
    r"^[ \t]*(?:[A-Z][A-Z.'’-]+(?:[ \t]+[A-Z][A-Z.'’-]+)*(?:,[ \t]*[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*)*)?"
    r"[ \t]*)?\((?P<name>[^()\n]{1,40})\)(?:[ \t]*[-–—]|[ \t]*$)",
    re.MULTILINE,
)
# A wire's sign-off on a line of its own at a story's end: "— Reuters", "-- AP". The spaces after the
# name are taken whole (``*+``): tried at every split between the two runs, a line of spaces cost the
# square of its length.
_SIGN_OFF = re.compile(
    r"^[ \t]*(?:[-–—]{1,2})[ \t]*(?P<name>[A-Z][^\n]{0,39}?)[ \t]*+\.?[ \t]*$", re.MULTILINE
)
# What may follow a name that fills its line or sentence: "Read more: The Hill."
_NAME_ENDS = re.compile(r"[ \t]*(?:[.!]?[ \t]*(?:\n|$)|[.!][ \t])")
# A line opening with a dash: next to a sign-off's line, they are the items of a list.
_LIST_DASH = re.compile(r"[ \t]*[-–—]")
# The contributors before "contributed": "Reuters and AFP", "Reuters, AFP and AP".
_CONTRIBUTORS = re.compile(r"[ \t]*,[ \t]*(?:and[ \t]+)?|[ \t]+and[ \t]+")
# "Associated Press writer John Smith contributed": the outlet, then its staff member.
_STAFF = re.compile(
    r"[ \t]+(?:staff[ \t]+)?(?:staff|writers?|reporters?|correspondents?|journalists?|photographers?)\b",
    re.IGNORECASE,
)
# Sentence ends a name before "contributed" cannot cross.
_ENDS = (". ", "! ", "? ")
# "Reuters contributed to this report", "Reuters contributed reporting": the name comes before the cue,
# and must fill its sentence's start. Tried only where a run of spaces starts: from every space of a
# run, each try ran to its end.
_CONTRIBUTED_AFTER = re.compile(
    r"(?<![ \t])[ \t]+contributed[ \t]+"
    r"(?:reporting\b|to[ \t]+this[ \t]+(?:report|story|article|piece)\b)",
    re.IGNORECASE,
)
# Pieces of every cue above: a text with none of them (casefolded) holds no credit line. Substring
# tests, far cheaper than the regex or a split into words.
_CUE_PIECES = (
    "via",
    "source",
    "h/t",
    "h.t.",
    "tip",
    "originally",
    "first",
    "reprint",
    "republish",
    "reproduc",
    "cross",
    "courtesy",
    "copyright",
    "©",
    "reporting by",
    "(with",
    "read more",
    "reading",
    "read the",
    "produced",
    "written",
    "reported",
)
_HOW: dict[str, CreditHow] = {
    "via": "via",
    "source": "source",
    "hat_tip": "hat tip",
    "originally": "originally published",
    "first": "first published",
    "reprinted": "reprinted",
    "cross": "cross-posted",
    "courtesy": "courtesy",
    "copyright": "copyright",
    "contributed": "contributed",
    "read_more": "read more",
    "produced": "produced by",
}
# A lead-in: "From Reuters:", "Excerpts from The Guardian —" opening a line, before the text it brings in.
# Only the name may stand between "from" and the colon or dash, and only a name shown to be an
# outlet's counts ("From John:" opens a letter): see _Reader.read_lead_ins.
_LEAD_IN = re.compile(
    r"^[ \t]*(?:[*•·>|\[(-][ \t]*)?(?:(?:an?[ \t]+)?(?:excerpts?|extracts?)[ \t]+)?from[ \t]+(?=\S)",
    re.IGNORECASE | re.MULTILINE,
)
_LEAD_IN_END = re.compile(r"[ \t]*(?::|[—–]|-(?=[ \t]))")
# The longest name a lead-in may hold.
_LEAD_IN_NAME = 80
# A title's credit: the whole of what opens it before a colon or a dash ("AP: Storm hits the coast",
# "Reuters - ..."), or the whole of a bracket closing it ("Storm hits the coast (Reuters)"). The name is
# the shortest run before the first colon or dash: "AP-NORC poll: ..." holds a hyphen, not a dash.
_TITLE_OPENING = re.compile(
    rf"[ \t]*(?P<name>[^\s:][^:\n]{{0,{_LEAD_IN_NAME - 1}}}?)[ \t]*(?::|[—–]|-(?=[ \t]))[ \t]*(?=\S)"
)
_TITLE_CLOSING = re.compile(rf"\S[ \t]*\((?P<name>[^()\n]{{1,{_LEAD_IN_NAME}}})\)[ \t]*[.!]?[ \t]*$")
# Or the whole of the last segment after " | ", where a page's title ends with its site's name ("Storm hits
# the coast | Reuters").
_TITLE_LAST_SEGMENT = re.compile(rf"\S[ \t]+\|[ \t]+(?P<name>[^|\s][^|\n]{{0,{_LEAD_IN_NAME - 1}}})$")
# "AP Exclusive: ...": the label an outlet gives its own story, before its title's colon or dash.
_EXCLUSIVE = re.compile(r"[ \t]+exclusive$", re.IGNORECASE)
# Cues that credit people as often as outlets: the name after them must show it is an outlet's.
_WEAK = frozenset({"via", "hat tip", "courtesy", "contributed", "read more", "produced by"})
# Cues that count only after "This story was" ("produced by" alone is any film's or album's credit).
_AFTER_ARTICLE_ONLY = frozenset({"produced"})
# Cues that credit an outlet of the table only: a site's footer holds its own copyright ("© 2021 The
# Daily Blog"), which says nothing of where the text came from; a wire's copyright or dateline does.
_KNOWN_ONLY = frozenset({"copyright", "dateline"})
# Up to four lower-case words after a cue ("h/t reuters", "via the bbc"), looked up in the outlet table.
_LOWER_CASE_NAME = re.compile(r"(?:the\s+)?([a-z][\w&.'’-]*(?:\s+[a-z][\w&.'’-]*){0,3})")
# A lower-case word after a run of capitalised words: where a name of the table may go on ("The Mail on").
_LOWER_CASE_NEXT = re.compile(r"\s+[a-z]")
# Capitalised words right after a name of the table read over lower-case words ("... Graphics desk").
_MORE_OF_THE_RUN = re.compile(rf"\s+(?:{NAME_RUN.pattern})")
# What may stand right before a credit line's cue: nothing, a bullet, an opening bracket, a dash.
_OPENS = "([{*•·|—–-_\"“‘'"
_SPACE_BEFORE_NAME = re.compile(r"[\s:–—-]*")
_SPACES = re.compile(r"\s*")
_THE = re.compile(r"the\s", re.IGNORECASE)
_WEB_ADDRESS = re.compile(r"(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)+[^\s,;)\]]*", re.IGNORECASE)
# Characters of a link's text it is looked up by.
_LINK_KEY = 8
# Second-level labels under a country's domain: "co" in bbc.co.uk is not the site's name.
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "or", "ne", "go", "edu"})


def _squashed(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.casefold())


def site_labels(domain: str) -> list[str]:
    """The labels of a host that can be a site's name: "blog.mozilla.org" -> ["blog", "mozilla"]."""
    labels = domain.casefold().split(".")[:-1]
    if len(labels) > 1 and labels[-1] in _SECOND_LEVEL:
        labels = labels[:-1]
    return [label for label in labels if len(label) >= 3]


def names_its_site(name: str, domain: str) -> bool:
    """Whether ``name`` is the name of the site at ``domain`` ("Boing Boing" at boingboing.net)."""
    squashed = _squashed(name)
    if len(squashed) < 3:
        return False
    bare = _squashed(re.sub(r"(?i)^the\s+", "", name))
    labels = site_labels(domain)
    return squashed in labels or bare in labels or squashed == _squashed(domain)


def _at_credit_place(text: str, start: int) -> bool:
    """Whether a cue at ``start`` opens a line, a sentence or a bracket."""
    # Looked at backwards from the cue, never by slicing the text before it: a paragraph of
    # 100,000 cues would copy it 100,000 times.
    end = start
    while end > 0 and text[end - 1] in " \t":
        end -= 1
    if end == 0 or text[end - 1] == "\n":
        return True
    last = text[end - 1]
    if last in _OPENS:
        return True
    # After a sentence's end: ". Source: X", "…! (via X)".
    return last in ".!?" and start > end


def _fills_its_line(text: str, at: int, surface: str) -> bool:
    """Whether ``surface``, written at ``text[at:]`` (after a "the" there), ends its line or sentence."""
    found = text.find(surface, at, at + len(surface) + 4)
    return found >= 0 and _NAME_ENDS.match(text, found + len(surface)) is not None


class _Lines:
    """The line of each offset of a text, counted forward from the last one asked (cues come in text
    order), so that a text of many credit lines is read once, not once per line."""

    def __init__(self, text: str, first_line: int) -> None:
        self.text = text
        self.counted = 0  # offset up to which line breaks are counted
        self.line = first_line

    def at(self, offset: int) -> int:
        if offset < self.counted:  # asked backwards (a second pattern's matches): take the breaks between off
            self.line -= self.text.count("\n", offset, self.counted)
        else:
            self.line += self.text.count("\n", self.counted, offset)
        self.counted = offset
        return self.line


class _Sentences:
    """The sentences of a text, split once on first use."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[tuple[int, int]] | None = None

    def around(self, offset: int, end: int) -> str:
        """The sentence holding ``offset`` (the whole text when none does), bounded around ``offset:end``."""
        if self.spans is None:
            self.spans = split_sentences(self.text)
        number = bisect.bisect_right(self.spans, (offset, len(self.text) + 1)) - 1
        start, stop = 0, len(self.text)
        if 0 <= number < len(self.spans) and self.spans[number][0] <= offset < self.spans[number][1]:
            start, stop = self.spans[number]
        return evidence(self.text[start:stop], offset - start, max(offset, end) - start)


#: The paragraph number a place in the title has (a note's is -1).
_TITLE = -2


@dataclass(frozen=True, slots=True)
class _Where:
    """Where words of a credit are read: ``text[base:]`` of ``text``, the title, a paragraph or a note
    (``paragraph`` -2, its index or -1) starting at input line ``line``."""

    paragraph: int
    line: int
    text: str
    base: int = 0

    def at(self, offset: int) -> _Where:
        """The place ``offset`` characters further on."""
        return _Where(self.paragraph, self.line, self.text, self.base + offset)


class _NamedBefore:
    """The outlets a post names in full before a place in it, as the mention stage reads them: what a short
    form written there ("the Times", "the Post") stands for.

    The post is read in the mention stage's order (its paragraphs and editor
    notes by line), after its title, by that stage's
    :class:`~provenance.attribution.PostScanner`, and only as far as a credit
    holding a short form asks: most posts credit none, and are not read again.
    Each text is read once up to its start; within a text, the places a
    reading of its credits asks about in order cost one reading of it.
    """

    def __init__(self, post: Post, aliases: OutletAliases) -> None:
        self.post = post
        self.aliases = aliases
        self.short_forms = aliases.short_forms()
        self.empty: PostScanner | None = None  # a scanner that has read nothing
        # (line, index) and text of each text the mention stage reads, in its order.
        self.places: list[tuple[int, int]] = []
        self.texts: list[str] = []
        self.starts: list[PostScanner] = []  # the scanner before each of ``texts``, after the title
        # (place, offset read to, scanner) of the text last read into.
        self.cursor: tuple[tuple[int, int], int, PostScanner] | None = None

    def outlet(self, name: str, where: _Where) -> OutletInfo | None:
        """The outlet ``name``, written where ``where`` points (after a "the" there), stands for as a short
        form of an outlet named in full before it; None when it is no short form or none was named."""
        if not where.text.startswith(("the", "The"), where.base):
            return None  # every short form is written after "the": "Times" alone is none
        if self.empty is None:
            self.empty = PostScanner(self.aliases)
        short = self.empty.short_pattern.match(where.text, where.base)
        if short is None:
            return None
        key = outlet_key(name)
        if key != outlet_key(short.group()) or key not in self.short_forms:
            return None  # "The Times of London", "The Times Herald": the short form opens a longer name
        return self._read_to(where).resolve_short(key)

    def _read_to(self, where: _Where) -> PostScanner:
        """A scanner that has read the post up to ``where``."""
        place, end = (where.line, where.paragraph), where.base
        cursor = self.cursor
        if cursor is not None and cursor[0] == place and cursor[1] <= end:
            scanner, start = cursor[2], cursor[1]
        else:
            scanner, start = self._before(where).copy(), 0
        scanner.read(where.text[start:end])
        self.cursor = (place, end, scanner)
        return scanner

    def _before(self, where: _Where) -> PostScanner:
        """A scanner that has read every text before ``where``'s: the title, and the paragraphs and editor
        notes of earlier lines (for the title, nothing). Not to be read on: it is kept."""
        assert self.empty is not None
        if where.paragraph == _TITLE:
            return self.empty
        if not self.starts:
            for index, line, text in mention_texts(self.post):
                self.places.append((line, index))
                self.texts.append(text)
            first = self.empty.copy()
            first.read(self.post.title)
            self.starts.append(first)
        number = bisect.bisect_left(self.places, (where.line, where.paragraph))
        while len(self.starts) <= number:
            scanner = self.starts[-1].copy()
            scanner.read(self.texts[len(self.starts) - 1])
            self.starts.append(scanner)
        return self.starts[number]


@dataclass(frozen=True, slots=True)
class _Named:
    """What a credit line names: the outlet, how it was written, and the link it was on."""

    outlet: str
    surface: str
    link: Link | None
    known: bool
    evidence: bool  # shows by itself that it is an outlet (known, outlet-like, its own site's link)


class _Reader:
    """Reads one post's credits."""

    def __init__(self, post: Post, aliases: OutletAliases, vouched: frozenset[str]) -> None:
        self.post = post
        self.aliases = aliases
        self.vouched = vouched
        self.credits: list[Credit] = []
        self.seen: set[tuple[str, str]] = set()
        self.used_links: set[int] = set()  # ids of links a credit line took
        self.named_before = _NamedBefore(post, aliases)
        # (paragraph, the first characters of the link's text) -> links: a cue finds the link after it
        # with a few lookups, however many links the paragraph has.
        self.links_at: dict[tuple[int, str], list[Link]] = {}
        for link in post.links:
            if link.text:
                self.links_at.setdefault((link.paragraph, link.text[:_LINK_KEY]), []).append(link)

    def is_new(self, named: _Named, how: CreditHow) -> bool:
        return (outlet_key(named.outlet), how) not in self.seen

    def add(self, named: _Named, how: CreditHow, sentence: str, line: int, paragraph: int) -> None:
        self.seen.add((outlet_key(named.outlet), how))
        self.credits.append(
            Credit(
                post=self.post.id,
                outlet=named.outlet,
                surface=" ".join(named.surface.split()),
                how=how,
                evidence=sentence,
                line=line,
                paragraph=paragraph,
                url=named.link.url if named.link else None,
            )
        )

    def _link_at(self, text: str, at: int, paragraph: int) -> Link | None:
        """The longest link of the paragraph whose text starts at ``text[at:]``."""
        best: Link | None = None
        for size in range(1, _LINK_KEY + 1):
            for link in self.links_at.get((paragraph, text[at : at + size]), ()):
                if text.startswith(link.text, at) and (best is None or len(link.text) > len(best.text)):
                    best = link
        return best

    def _named(self, text: str, at: int, paragraph: int, strong: bool, where: _Where) -> _Named | None:
        """The outlet named at ``text[at:]``, or None when nothing there names one; ``where`` is where
        ``text`` starts in the post."""
        link = self._link_at(text, at, paragraph)
        if link is not None:
            self.used_links.add(id(link))
            info = self.aliases.by_domain(link.domain)
            if info is not None:
                return _Named(info.name, link.text, link, True, True)
            name = self._name(link.text, 0)
            if name is not None:
                own_site = names_its_site(name, link.domain)
                return self._judge(name, link.text, link, strong, own_site, where.at(at))
            # A link on words that are no name ("this comment"): the site is the credit.
            return _Named(link.domain, link.text, link, False, False) if strong else None
        address = _WEB_ADDRESS.match(text, at)
        if address is not None and domain_of(address.group()) is not None:
            domain = domain_of(address.group()) or ""
            info = self.aliases.by_domain(domain)
            if info is not None:
                return _Named(info.name, address.group(), None, True, True)
            return _Named(domain, address.group(), None, False, True)
        name = self._name(text, at)
        if name is None:
            return self._known_in_lower_case(text, at)
        return self._judge(name, name, None, strong, False, where.at(at))

    def _known_in_lower_case(self, text: str, at: int) -> _Named | None:
        """An outlet of the table written in lower case after a cue ("h/t reuters", "via the bbc"), or None.

        Only the table's names are taken so: a lower-case word after "via" is
        most often no name at all ("via email").
        """
        words = _LOWER_CASE_NAME.match(text, at, at + 80)
        if words is None:
            return None
        found = words.group(1).split()
        for size in range(len(found), 0, -1):
            surface = " ".join(found[:size]).rstrip(".,;:")
            info = self.aliases.lookup(surface) if surface else None
            if info is not None and not info.needs_the:
                return _Named(info.name, surface, None, True, True)
        return None

    def _judge(
        self, name: str, surface: str, link: Link | None, strong: bool, own_site: bool, where: _Where
    ) -> _Named | None:
        """The outlet ``name``, written at ``where``, credits, or None. A short form ("the Times") after
        the full name of an outlet it stands for is that outlet, as in a mention."""
        info = self.named_before.outlet(name, where) or self.aliases.lookup(name)
        if info is not None:
            return _Named(info.name, surface, link, True, True)
        cleaned = clean_outlet_name(name)
        shows = own_site or looks_like_outlet_name(cleaned) or outlet_key(cleaned) in self.vouched
        if not strong and not shows:
            return self._known_start(name, link, False, where)
        if not own_site:
            start = self._known_start(name, link, True, where)
            if start is not None:
                return start
        return _Named(cleaned, surface, link, False, shows)

    def _known_start(
        self, name: str, link: Link | None, whole_is_a_name: bool, where: _Where
    ) -> _Named | None:
        """The outlet of the table named by the longest run of ``name``'s first words, or None.

        Ingest joins a paragraph's lines with spaces, so "Via Reuters" over
        "Photos by staff" (a ``<br>`` between them) reads "Via Reuters Photos
        by staff": the run "Reuters Photos" is no outlet, and the copy was
        "not credited". The same happens after a strong cue, or before a word
        that makes the run look like an outlet's name: "Courtesy of The
        Associated Press Photo Gallery" and "Source: Reuters Graphics desk"
        credited outlets named "The Associated Press Photo Gallery" and
        "Reuters Graphics", not the two wires.

        ``whole_is_a_name``: the whole run would be credited as an outlet found
        in the text (a strong cue, an outlet's word in it). Then the known
        start wins only when every word after it is a capitalised word of no
        known outlet's name and no outlet word: "The Times Herald", "Reuters
        Institute" and "The Times of Malta" are outlets of their own that
        begin with another's name. After a weak cue whose run names nothing
        no other reading is left, and the start is taken whatever follows.

        Longest match first: "The Times of India Photo Gallery" is The Times
        of India, never The Times. A one-word name the table takes only after
        "the" (``needs_the``) opens no longer run without it: "Sun
        Microsystems" and "Express Scripts" are companies, not the papers
        (as in :meth:`provenance.outlets.OutletAliases.lookup` of editions).
        """
        words = name.split()
        for size in range(len(words) - 1, 0, -1):
            start = " ".join(words[:size])
            info = self.named_before.outlet(start, where) or self.aliases.lookup(start)
            if info is None:
                continue
            if info.needs_the and len(outlet_key(start).split()) == 1 and words[0].casefold() != "the":
                return None
            if whole_is_a_name and not self._names_nothing_more(words[size:]):
                return None
            return _Named(info.name, start, link, True, True)
        return None

    def _names_nothing_more(self, words: Sequence[str]) -> bool:
        """Whether ``words``, after a known outlet's name, are capitalised words that name no outlet:
        no joiner ("of", "&": "The Times of Malta"), no word of a known name, no outlet word."""
        known = self.aliases.words_of_names()
        for word in words:
            if word.casefold() in JOINERS:
                return False
            folded = outlet_key_words(word)
            if any(part in known or part in OUTLET_WORDS for part in folded):
                return False
        return True

    def _known_end(self, text: str, start: int, end: int) -> int:
        """Where the longest name of the table written at ``text[start:]`` ends, when it goes on past
        ``end`` over lower-case words ("The Mail on Sunday", "The Globe and Mail"); else ``end``."""
        if _LOWER_CASE_NEXT.match(text, end) is None:
            return end  # the name pattern is hundreds of alternatives: tried only where it may go on
        known = self.aliases.name_pattern().match(text, start)
        return known.end() if known is not None and known.end() > end else end

    def _name(self, text: str, at: int) -> str | None:
        """The run of capitalised words at ``text[at:]`` up to its sentence's end, or None; a lower-case
        "the" is left out.

        A run goes on across a period ("The Associated Press. All rights
        reserved."), which ends the name unless it ends initials ("U.S. News").
        It ends before a lower-case word ("Reuters and AP", "The Gazette and
        Herald") unless a name of the table goes on over it: "The Mail on
        Sunday" and "The Globe and Mail" are read whole, with the capitalised
        words right after them ("The Globe and Mail Graphics desk").
        """
        the = re.match(r"the\s+", text[at : at + 10])
        start = at + (the.end() if the else 0)
        match = NAME_RUN.match(text, start)
        if match is None:
            return None
        end = self._known_end(text, start, match.end())
        if end > match.end():
            more = _MORE_OF_THE_RUN.match(text, end)
            end = more.end() if more is not None else end
        run = text[start:end]
        sentence_end = split_sentences(run)[0][1] if ". " in run else len(run)
        if sentence_end < len(run):
            name = run[:sentence_end].removesuffix(".")
        else:
            name = run.rstrip(".") if run.count(".") == 1 else run
        if name.casefold() in OPENING_WORDS or name.casefold() == "the":
            return None
        return name

    def read_lines(self, text: str, paragraph: int, first_line: int, whole_only: bool) -> None:
        """Credit lines in ``text``; with ``whole_only`` only one that opens the text."""
        sentences, lines = _Sentences(text), _Lines(text, first_line)
        where = _Where(paragraph, first_line, text)
        for cue in _CREDIT_CUE.finditer(text):
            if whole_only and text[: cue.start()].strip(_OPENS + " \t"):
                break  # the first cue only: the slice is taken once
            if cue.lastgroup in _AFTER_ARTICLE_ONLY or not _at_credit_place(text, cue.start()):
                article = _ARTICLE.search(text, max(0, cue.start() - 60), cue.start())
                long_cue = cue.lastgroup in ("originally", "first", "reprinted", "produced")
                if not (long_cue and article is not None and _at_credit_place(text, article.start())):
                    continue
            how = _HOW[cue.lastgroup or ""]
            at = _SPACE_BEFORE_NAME.match(text, cue.end()).end()  # type: ignore[union-attr]
            named = self._named(text, at, paragraph, how not in _WEAK, where)
            # "(With X)" closes a wire's story; "(with John)" is a person's company: the table's outlets only.
            known_only = how in _KNOWN_ONLY or text.startswith("(", cue.start())
            if named is None or not self.is_new(named, how) or (known_only and not named.known):
                continue
            # "READ MORE: BBC presenter sacked" is a headline: after the colon, the name is all there is.
            headline = how == "read more" and cue.group().endswith(":") and named.link is None
            if headline and not _fills_its_line(text, at, named.surface):
                continue
            evidence, line = sentences.around(cue.start(), at), lines.at(cue.start())
            self.add(named, how, evidence, line, paragraph)
            if how == "contributed" and known_only:
                # "(With AFP and Reuters)": every outlet of the table the bracket names.
                close = text.find(")", at, at + _LEAD_IN_NAME)
                for offset, part in self._contributor_parts(text[at:close])[1:] if close > 0 else ():
                    part_at = at + offset + len(part) - len(part.lstrip())
                    info = self.named_before.outlet(part.strip(), where.at(part_at)) or self.aliases.lookup(
                        part.strip()
                    )
                    also = None if info is None else _Named(info.name, part.strip(), None, True, True)
                    if also is not None and self.is_new(also, how):
                        self.add(also, how, evidence, line, paragraph)

    def read_lead_ins(self, text: str, paragraph: int, first_line: int, whole_only: bool) -> None:
        """A line opening with "From X:" credits X when X is shown to be an outlet ("From Reuters:").

        The name must fill the words between "from" and the colon or dash, at
        most :data:`_LEAD_IN_NAME` characters: "From Reuters' reporting on
        Kabul:" names no source. With ``whole_only`` the lead-in must be the
        whole text. Each line costs a bounded amount of work, however many
        lines the text has.
        """
        sentences, lines = _Sentences(text), _Lines(text, first_line)
        for lead in _LEAD_IN.finditer(text):
            at = lead.end()
            line_end = text.find("\n", at, at + _LEAD_IN_NAME + 1)
            end = _LEAD_IN_END.search(text, at, at + _LEAD_IN_NAME if line_end < 0 else line_end)
            if whole_only and (lead.start() > 0 or end is None or text[end.end() :].strip()):
                return
            if end is None:
                continue
            written = text[at : end.start()]
            named = self._named(written, 0, paragraph, False, _Where(paragraph, first_line, text, at))
            if named is None or not self.is_new(named, "lead-in"):
                continue
            surface = " ".join(named.surface.split()).casefold()
            bare = " ".join(written.split()).casefold()
            if surface not in (bare, bare.removeprefix("the ")):
                continue
            evidence = sentences.around(lead.start(), end.end())
            self.add(named, "lead-in", evidence, lines.at(lead.start()), paragraph)

    def read_contributed(self, text: str, paragraph: int, first_line: int) -> None:
        """ "Reuters contributed to this report." credits the outlet named before the cue.

        The name must be all of the sentence before "contributed", at most
        :data:`_LEAD_IN_NAME` characters, and shown to be an outlet's: "John
        Smith contributed to this report" credits a person, "Officials said
        Reuters contributed …" nobody.
        """
        sentences, lines = _Sentences(text), _Lines(text, first_line)
        for cue in _CONTRIBUTED_AFTER.finditer(text):
            window = max(0, cue.start() - _LEAD_IN_NAME)
            before = text[window : cue.start()]
            # Where the sentence or line holding the cue starts, inside the window.
            begin = max(before.rfind("\n") + 1, before.rfind("(") + 1)
            for end in _ENDS:
                found = before.rfind(end)
                begin = max(begin, found + len(end) if found >= 0 else 0)
            if begin == 0 and window > 0:
                continue  # a longer run than any name
            start = window + begin
            for named in self._contributors(
                text[start : cue.start()], _Where(paragraph, first_line, text, start)
            ):
                if not self.is_new(named, "contributed"):
                    continue
                evidence = sentences.around(start, cue.end())
                self.add(named, "contributed", evidence, lines.at(start), paragraph)

    def _contributors(self, written: str, where: _Where) -> list[_Named]:
        """The outlets among the contributors named before "contributed" ("Reuters and AFP", "Associated
        Press writer John Smith"): each part must be a name and nothing more, and shown to be an outlet's."""
        found = []
        for at, part in self._contributor_parts(written):
            staff = _STAFF.search(part)
            candidate = (part[: staff.start()] if staff else part).strip()
            name = self._name(candidate, 0)
            if not candidate or name is None or name != candidate.rstrip("."):
                continue
            candidate_at = at + len(part) - len(part.lstrip())
            named = self._judge(name, candidate, None, False, False, where.at(candidate_at))
            if named is not None:
                found.append(named)
        return found

    def _contributor_parts(self, written: str) -> list[tuple[int, str]]:
        """The contributors of a list ("Reuters, AFP and AP"), each with its offset in ``written``: split at
        its commas and "and"s, but for those inside a name of the table ("Reuters and The Globe and Mail"
        is two)."""
        parts = []
        at = 0
        body = written.rstrip()
        while True:
            spaces = _SPACES.match(body, at)
            start = spaces.end() if spaces is not None else at  # always a match: \s* matches nothing too
            split = _CONTRIBUTORS.search(body, start)
            if split is not None:
                known = self.aliases.name_pattern().match(body, start)
                if known is not None and known.end() > split.start():
                    split = _CONTRIBUTORS.search(body, known.end())  # a separator inside a name of the table
            if split is None:
                parts.append((start, body[start:]))
                return parts
            parts.append((start, body[start : split.start()]))
            at = split.end()

    def read_datelines(
        self, text: str, paragraph: int, first_line: int, datelines: bool = True, sign_offs: bool = True
    ) -> None:
        """A wire's dateline ("WASHINGTON (AP) —") or sign-off ("— Reuters"): credits the table's outlet.

        A sign-off is no item of a list ("- Sat\\n- Sun", "- Reuters" among the
        sites one reads), nor a one-word name the table takes only after "the"
        ("- Express" is that word).
        """
        sentences, lines = _Sentences(text), _Lines(text, first_line)
        found = (_DATELINE.finditer(text) if datelines else (), _SIGN_OFF.finditer(text) if sign_offs else ())
        for dateline in itertools.chain(*found):
            name_at = _Where(paragraph, first_line, text, dateline.start("name"))
            name_at = name_at.at(len(dateline.group("name")) - len(dateline.group("name").lstrip()))
            info = self.named_before.outlet(dateline.group("name"), name_at) or self.aliases.lookup(
                dateline.group("name")
            )
            if info is None or info.kind != "news outlet":
                continue
            if dateline.re is _SIGN_OFF and (
                (info.needs_the and len(dateline.group("name").split()) == 1)
                or self._in_a_list(text, dateline.start(), dateline.end(), paragraph)
            ):
                continue
            named = _Named(info.name, dateline.group("name"), None, True, True)
            if self.is_new(named, "dateline"):
                line = lines.at(dateline.start())
                self.add(
                    named, "dateline", sentences.around(dateline.start(), dateline.end()), line, paragraph
                )

    def _in_a_list(self, text: str, start: int, end: int, paragraph: int) -> bool:
        """Whether the line ``text[start:end]`` has a dash-led line right before or after it: in its
        text, or at the text's edge the next line of the paragraph before or after.

        Only the line before is searched back over, so each line is read at
        most twice, however many dash-led lines the text has.
        """
        if start > 0:
            before, at = text, text.rfind("\n", 0, start - 1) + 1
        else:
            before = self._paragraph_text(paragraph, -1)
            at = before.rfind("\n") + 1
        after, after_at = (text, end + 1) if end < len(text) else (self._paragraph_text(paragraph, 1), 0)
        return _LIST_DASH.match(before, at) is not None or _LIST_DASH.match(after, after_at) is not None

    def _paragraph_text(self, paragraph: int, step: int) -> str:
        """The text of the paragraph ``step`` after ``paragraph`` (-1: the one before), or "" for none; a
        note (``paragraph`` -1) has no neighbours."""
        index = paragraph + step
        paragraphs = self.post.paragraphs
        return paragraphs[index].text if paragraph >= 0 and 0 <= index < len(paragraphs) else ""

    def read_title(self) -> None:
        """A news outlet of the table in the title's credit place: "AP: Storm hits the coast", "Storm hits
        the coast (Reuters)", "Storm hits the coast | Reuters".

        Blogs that print a wire's story credit it so, and nowhere else: the
        copy was "not credited". Only the whole of the words before the first
        colon or dash (less an "Exclusive" after the name: "AP Exclusive:"
        is how the wire labels its own story, and a copy keeps the label),
        the whole of a closing bracket, or the whole of the last segment after
        " | " is looked up, and only a news outlet counts: "Reuters reporter
        jailed" and "Pentagon: troops to stay" name an outlet or a body
        without crediting its text, "AP Photos:" and "(AP Photo)" credit a
        picture.
        """
        title = self.post.title
        line = self.post.title_line or self.post.source.line_start
        opening = _TITLE_OPENING.match(title)
        for found in (opening, _TITLE_CLOSING.search(title), _TITLE_LAST_SEGMENT.search(title)):
            if found is None:
                continue
            written = found.group("name").strip()
            if found is opening:
                written = _EXCLUSIVE.sub("", written)
            name_at = _Where(_TITLE, line, title, title.index(written, found.start("name")))
            info = self.named_before.outlet(written, name_at) or self.aliases.lookup(written)
            if info is None or info.kind != "news outlet":
                continue
            if info.needs_the and len(outlet_key(written).split()) == 1 and not _THE.match(written):
                continue  # "Guardian: a poem", "(Express)": the ordinary word, not the paper
            named = _Named(info.name, written, None, True, True)
            if self.is_new(named, "title"):
                self.add(named, "title", evidence(title, found.start("name"), found.end("name")), line, -1)

    def read_links(self) -> None:
        """Links in the paragraphs to a site of the table, not already taken by a credit line."""
        texts = {p.index: p.text for p in self.post.paragraphs}
        for link in self.post.links:
            if link.paragraph < 0 or id(link) in self.used_links:
                continue
            info = self.aliases.by_domain(link.domain)
            if info is None:
                continue
            named = _Named(info.name, link.text or link.domain, link, True, True)
            if not self.is_new(named, "link"):
                continue
            text = texts.get(link.paragraph, "")
            at = text.find(link.text) if link.text else 0
            offset = max(0, at)
            sentence = _Sentences(text).around(offset, offset + len(link.text))
            self.add(named, "link", sentence, link.line, link.paragraph)


def _texts(post: Post) -> Iterator[tuple[int, int, str, bool]]:
    """(paragraph or -1, first line, text, whole line only) of what is read for credit lines."""
    for paragraph in post.paragraphs:
        yield paragraph.index, paragraph.line, paragraph.text, False
    for note in post.notes:
        if note.role == "editor_note":
            yield -1, note.line, note.text, False
        elif note.role == "boilerplate":
            yield -1, note.line, note.text, True


# What tells a text whose words may be apart by other than one space ("Read\nmore at", "( with"):
# the cue pieces are written spaced once. White space beyond ASCII is looked for only in a text
# beyond ASCII (curly quotes make a third of real paragraphs so).
_ODD_SPACING = ("  ", "\n", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "( ")
_UNICODE_SPACE = re.compile(r"[^\S\x00-\x7f]")


def _may_hold_a_credit_line(folded: str) -> bool:
    """Whether ``folded`` (a text, casefolded) may hold a credit cue: false only where it holds none."""
    if any(map(folded.__contains__, _CUE_PIECES)):  # no Python frame per piece
        return True
    if not any(map(folded.__contains__, _ODD_SPACING)) and (
        folded.isascii() or _UNICODE_SPACE.search(folded) is None
    ):
        return False
    spaced = " ".join(folded.split()).replace("( ", "(")
    return any(map(spaced.__contains__, _CUE_PIECES))


def extract_credits(
    post: Post, aliases: OutletAliases, vouched: frozenset[str] = frozenset()
) -> list[Credit]:
    """The outlets ``post`` credits, by its title, credit lines and links, in reading order of their kind.

    Read as a reader sees it (:func:`~provenance.invisible.visible_post`): "Reuters" with a zero-width
    space inside, or with a Cyrillic е for its e, is a credit of Reuters.
    """
    post = visible_post(post)
    reader = _Reader(post, aliases, vouched)
    reader.read_title()
    for paragraph, line, text, whole_only in _texts(post):
        folded = text.casefold()
        if _may_hold_a_credit_line(folded) and _CREDIT_CUE.search(text) is not None:
            reader.read_lines(text, paragraph, line, whole_only)
        # Anchored tries first: most paragraphs are one line, and a search tries every position.
        if _LEAD_IN.match(text) is not None or ("\n" in text and _LEAD_IN.search(text) is not None):
            reader.read_lead_ins(text, paragraph, line, whole_only)
        if "contributed" in folded:
            reader.read_contributed(text, paragraph, line)
        dateline = "(" in text
        sign_off = _SIGN_OFF.match(text) is not None or ("\n" in text and _SIGN_OFF.search(text) is not None)
        if dateline or sign_off:
            reader.read_datelines(text, paragraph, line, dateline, sign_off)
    reader.read_links()
    return reader.credits


def vouched_names(posts: Sequence[Post]) -> frozenset[str]:
    """Outlet keys of names the corpus shows to be a site's: a link's text naming the site it points to.

    "<a href=https://mozilla.org>Mozilla</a>" vouches that "Mozilla" is an
    outlet, so "Mozilla announced" elsewhere is a mention of it.
    """
    keys: set[str] = set()
    for post in posts:
        for link in post.links:
            if link.text and names_its_site(link.text, link.domain):
                keys.add(outlet_key(link.text))
    return frozenset(keys)


# Posts per task sent to a worker.
CREDIT_CHUNK = 1_000


def credits_of_posts(
    posts: Sequence[Post],
    aliases: OutletAliases,
    workers: int = 1,
) -> tuple[list[list[Credit]], frozenset[str]]:
    """:func:`extract_credits` of every post, in order, and every name vouched for as an outlet's.

    The vouched names are those of :func:`vouched_names` and the names of the
    outlets credited anywhere: what the mentions stage may take as outlets
    though the table does not list them.

    Each post's credits depend on it alone (and on the names vouched for by
    links anywhere, found first), so with ``workers`` above 1 and many posts
    they are read in forked processes, as the mentions are (1.9 s of one core
    at 100,000 generated paragraphs otherwise).
    """
    linked = vouched_names(posts)
    read = functools.partial(extract_credits, aliases=aliases.made_ready(), vouched=linked)
    credits = each_in_forked_chunks(read, posts, workers, CREDIT_CHUNK, min_items=PARALLEL_MIN_POSTS)
    credited = {outlet_key(c.outlet) for found in credits for c in found}
    return credits, linked | credited
