"""Credit for reused text: which of a post's borrowed words credit where they came from, and how.

Finding a copy is half the answer; a fact-checker's next question is whether
the copy says where its text came from. This stage answers it once, in the
audit, so the report, the CSV tables, the findings and ``provenance sources``
all read the same decision.

For a post ``C`` that borrows from an earlier post ``S`` (``posts[].reuse.sources``),
``S``'s outlets are the outlet its citation line names and the outlets its
own credit lines and links credit (a repost credits the original). ``C``
credits ``S``, in this order of strength:

``citation``
    ``C``'s citation line names one of ``S``'s outlets;
``same_site``
    ``C`` and ``S`` are pages of one site (a blog repeating its own text): nothing to credit;
``link``
    ``C`` links to ``S``'s address, or to one of ``S``'s outlets' sites;
``credit_line``
    a "via X", "Source: X", "H/T X", "Originally published at X" line names one;
``title``
    ``C``'s title credits one: "AP: Storm hits the coast", "Storm hits the
    coast (Reuters)" (see :meth:`provenance.credits._Reader.read_title`);
``attribution_line``
    ``C`` names one in its text in the copied paragraphs or in the
    :data:`ATTRIBUTION_REACH` paragraphs before the first of them
    ("DEBKAfile reported Thursday, Nov. 3:");
``mention``
    ``C`` names one elsewhere in its text: credit, but far from the words.

Otherwise the prose borrowed from ``S`` is absorbed without credit
(``how: none``), and the borrowed words inside quotation marks count as
credited by the quotation (``how: quotation``): a quotation tells the reader
the words are someone else's even when it does not say who printed them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from provenance.models import (
    Credit,
    CreditWay,
    DedupResult,
    Link,
    Mention,
    Outlet,
    OutletReuse,
    Pair,
    Post,
    PostReuse,
    ReuseCredit,
    SourceCredit,
)
from provenance.outlets import OutletAliases, outlet_key

#: How many paragraphs before the first copied one an outlet's name still credits the copied text.
ATTRIBUTION_REACH = 2

__all__ = ["ATTRIBUTION_REACH", "CopiedParagraphs", "OutletNames", "copied_paragraphs", "credit_reuse"]


class OutletNames:
    """Outlet names compared by key, and shown by the name the graph gave the outlet."""

    def __init__(self, aliases: OutletAliases, outlets: Sequence[Outlet]) -> None:
        self.aliases = aliases
        # Names repeat (100,000 posts citing one wire): each is folded once.
        self.keys: dict[str, str] = {}
        self.outlets = outlets
        self._shown: dict[str, str] | None = None

    def key(self, name: str) -> str:
        key = self.keys.get(name)
        if key is None:
            key = self.keys[name] = outlet_key(self.aliases.canonical(name))
        return key

    def name(self, key: str) -> str:
        if self._shown is None:
            # Built on the first name shown: a dump where nothing is borrowed never folds every outlet.
            self._shown = {}
            for outlet in self.outlets:
                self._shown.setdefault(self.key(outlet.name), outlet.name)
                for alias in outlet.aliases:
                    self._shown.setdefault(self.key(alias), outlet.name)
        return self._shown.get(key, key)


#: (copy post, source post) -> the copy's paragraphs that carry the source's text, with their pairs.
CopiedParagraphs = dict[tuple[str, str], list[tuple[int, Pair]]]


def copied_paragraphs(pairs: Iterable[Pair]) -> CopiedParagraphs:
    """Each decided cross-post pair filed under (copy, source), the copy's paragraph first."""
    found: CopiedParagraphs = defaultdict(list)
    for pair in pairs:
        if pair.inside_post or pair.source is None:
            continue
        source, copy = (pair.a, pair.b) if pair.source == "a" else (pair.b, pair.a)
        found[(copy.post, source.post)].append((copy.paragraph, pair))
    for items in found.values():
        items.sort(key=lambda item: item[0])
    return found


@dataclass(slots=True)
class _Evidence:
    """What each post says about outlets, filed by post and outlet key so each question is one lookup.

    Indexed once: a post with thousands of credit lines or mentions and
    hundreds of sources costs the sum of the two, never their product.
    """

    cited: dict[str, tuple[str, int, str]]  # post -> (outlet key, line, citation text)
    credited: dict[str, dict[str, list[Credit]]]  # post -> outlet key -> its credits, in order
    mentioned: dict[str, dict[str, list[Mention]]]  # post -> outlet key -> its mentions, in order
    linked: dict[str, dict[str, Link]]  # post -> address key -> first link to it


def _url_key(url: str) -> str:
    text = url.strip().casefold().split("#", 1)[0].rstrip("/")
    for prefix in ("https://", "http://"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return text.removeprefix("www.")


def _host(url: str) -> str:
    return _url_key(url).split("/", 1)[0]


def _source_outlets(post: Post, evidence: _Evidence, names: OutletNames) -> list[str]:
    """The outlets ``post``'s text is theirs: cited, credited, and the outlet whose site it was saved from.

    A page saved from reuters.com with no citation line is Reuters' text: without its site, "Via Reuters"
    under a copy of it credited nobody, and a copy naming another outlet was no misattribution.
    """
    keys = []
    if post.id in evidence.cited:
        keys.append(evidence.cited[post.id][0])
    for key in evidence.credited.get(post.id, {}):
        if key not in keys:
            keys.append(key)
    site = names.aliases.by_domain(_host(post.url)) if post.url else None
    if site is not None and names.key(site.name) not in keys:
        keys.append(names.key(site.name))
    return keys


#: The ways a credit (:mod:`provenance.credits`) credits a source, strongest first. A credit line says in
#: words where the text came from; a title's credit is read from the title's shape alone.
_CREDIT_WAYS: tuple[CreditWay, ...] = ("link", "credit_line", "title")


def _way_of(credit: Credit) -> CreditWay:
    """How a credit of the post credits a source: a link, its title, or (every other kind) a credit line."""
    if credit.how == "link":
        return "link"
    return "title" if credit.how == "title" else "credit_line"


def _credit_of(
    copy: Post,
    source: Post,
    evidence: _Evidence,
    names: OutletNames,
    copied: Sequence[int],
) -> tuple[CreditWay, str | None, int | None, str | None]:
    """(how, outlet shown, evidence line, evidence text) of the strongest credit ``copy`` gives ``source``."""
    outlets = _source_outlets(source, evidence, names)
    cited = evidence.cited.get(copy.id)
    if cited and cited[0] in outlets:
        return "citation", names.name(cited[0]), cited[1] or None, cited[2]
    if copy.url and source.url and _host(copy.url) and _host(copy.url) == _host(source.url):
        return "same_site", None, None, f"{_host(copy.url)} repeats its own text"
    link = evidence.linked.get(copy.id, {}).get(_url_key(source.url)) if source.url else None
    if link is not None:
        return "link", None, link.line or None, link.text or link.url
    credits = evidence.credited.get(copy.id, {})
    for way in _CREDIT_WAYS:
        for key in outlets:
            for credit in credits.get(key, ()):
                if _way_of(credit) == way:
                    return way, names.name(key), credit.line or None, credit.evidence
    first = copied[0] if copied else 0
    last = copied[-1] if copied else -1
    mentioned = evidence.mentioned.get(copy.id, {})
    elsewhere: tuple[str, Mention] | None = None
    for key in outlets:
        for mention in mentioned.get(key, ()):
            if first - ATTRIBUTION_REACH <= mention.paragraph <= last:
                return "attribution_line", names.name(key), mention.line, mention.sentence
            if elsewhere is None or mention.line < elsewhere[1].line:
                elsewhere = (key, mention)
    if elsewhere is not None:
        key, mention = elsewhere
        return "mention", names.name(key), mention.line, mention.sentence
    return "none", names.name(outlets[0]) if outlets else None, None, None


def credit_reuse(
    posts: Sequence[Post],
    dedup: DedupResult,
    outlets: Sequence[Outlet],
    mentions: Sequence[Mention],
    credits: Sequence[Credit],
    names: OutletNames,
    copied: CopiedParagraphs | None = None,
) -> tuple[dict[str, PostReuse], list[Outlet]]:
    """Every borrowing post's reuse with its ``credit``, and the outlets with how their text reappears.

    Returns new records (the inputs are frozen): ``reuse`` as in
    ``dedup.reuse`` with ``credit`` set, and ``outlets`` with ``reuse`` set for
    every outlet whose cited posts are borrowed from. ``names`` folds and
    shows outlet names (the findings stage uses the same, with its cache).
    """
    # Only the posts that borrow and their sources are asked about: the rest are not indexed.
    involved = {p for p, r in dedup.reuse.items() if r.sources}
    involved.update(s.post for p in list(involved) for s in dedup.reuse[p].sources)
    by_id = {post.id: post for post in posts if post.id in involved}
    evidence = _Evidence({}, defaultdict(dict), defaultdict(dict), defaultdict(dict))
    for post in by_id.values():
        if post.citation and post.citation.outlet:
            citation = post.citation
            evidence.cited[post.id] = (names.key(citation.outlet or ""), citation.line, citation.raw or "")
        for link in post.links:
            evidence.linked[post.id].setdefault(_url_key(link.url), link)
    for credit in credits:
        if credit.post in involved:
            evidence.credited[credit.post].setdefault(names.key(credit.outlet), []).append(credit)
    for mention in mentions:
        if mention.post in involved:
            evidence.mentioned[mention.post].setdefault(names.key(mention.outlet), []).append(mention)
    copied = copied if copied is not None else copied_paragraphs(dedup.pairs)
    words = {post.id: sum(len(p.text.split()) for p in post.paragraphs) for post in by_id.values()}

    reused: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # outlet key -> [copies, words, credited]
    copies_of: dict[str, set[str]] = defaultdict(set)
    result: dict[str, PostReuse] = {}
    for post_id, reuse in dedup.reuse.items():
        copy = by_id.get(post_id)
        if copy is None or not reuse.sources:
            result[post_id] = reuse
            continue
        by: list[SourceCredit] = []
        credited = uncredited = 0.0
        for source_reuse in reuse.sources:
            source = by_id.get(source_reuse.post)
            if source is None:
                continue
            paragraphs = [index for index, _ in copied.get((post_id, source.id), [])]
            how, shown, line, said = _credit_of(copy, source, evidence, names, paragraphs)
            prose, quoted = source_reuse.share, source_reuse.quoted_share
            if how != "none":
                by.append(SourceCredit(source.id, shown, how, True, prose + quoted, line, said))
                credited += prose + quoted
            else:
                if prose > 0:
                    by.append(SourceCredit(source.id, shown, "none", False, prose, None, None))
                if quoted > 0:
                    by.append(SourceCredit(source.id, shown, "quotation", True, quoted, None, None))
                credited += quoted
                uncredited += prose
            own = evidence.cited.get(source.id)
            if own:
                tally = reused[own[0]]
                taken = round((prose + quoted) * words.get(post_id, 0))
                if post_id not in copies_of[own[0]]:
                    copies_of[own[0]].add(post_id)
                    tally[0] += 1
                tally[1] += taken
                tally[2] += taken if how != "none" else round(quoted * words.get(post_id, 0))
        result[post_id] = replace(reuse, credit=ReuseCredit(credited, uncredited, tuple(by)))

    with_reuse: list[Outlet] = []
    for outlet in outlets:
        # Only an outlet some borrowed-from post cites can have reuse: the others are not folded.
        cited_source = any(post in involved for post in outlet.cited_by)
        found = reused.get(names.key(outlet.name)) if cited_source else None
        if found is None:
            with_reuse.append(outlet)
            continue
        copies, taken, credited_words = found
        with_reuse.append(
            replace(
                outlet,
                reuse=OutletReuse(
                    copies=copies,
                    words=taken,
                    credited_words=credited_words,
                    credited_share=round(credited_words / taken, 4) if taken else 0.0,
                ),
            )
        )
    return result, with_reuse
