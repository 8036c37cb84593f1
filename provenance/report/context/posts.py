"""The Posts section: one card per post, paragraphs coloured by provenance, credit in words."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from provenance.report.anchors import outlet_anchor, paragraph_anchor, post_anchor
from provenance.report.context.common import (
    Direction,
    ParagraphLink,
    PathNames,
    Phrase,
    PostRef,
    ReportLimits,
    _float,
    _list,
    _opt_text,
    _PairRecord,
    _Posts,
    _safe_url,
    _text,
    direction,
    verdict_label,
)
from provenance.schema import sources_main_first

Provenance = Literal["original", "inside", "from-earlier", "into-later"]
Firmness = Literal["decided", "guessed", "undecided"]


PROVENANCE_LABELS: dict[str, str] = {
    "original": "original",
    "inside": "repeated inside this post",
    "from-earlier": "copied from an earlier post",
    "into-later": "copied into a later post",
}

#: A paragraph's provenance across posts where the audit decided no order (``pairs[].decided_by`` a
#: guess, or undecided): the card says the text is shared and that the direction is not known.
UNFIRM_LABELS: dict[tuple[str, Firmness], str] = {
    ("from-earlier", "guessed"): "shared with another post: the copy, if the order guessed holds",
    ("into-later", "guessed"): "shared with another post: the source, if the order guessed holds",
    ("from-earlier", "undecided"): "shared with another post: which came first is undecided",
    ("into-later", "undecided"): "shared with another post: which came first is undecided",
}

#: The same, as the short counts under a card's title ("3 from earlier").
_COUNT_WORDS: dict[str, str] = {
    "inside": "inside",
    "from-earlier": "from earlier",
    "into-later": "into later",
}
_UNFIRM_COUNT_WORDS: dict[Firmness, str] = {"guessed": "order guessed", "undecided": "order undecided"}


@dataclass(frozen=True, slots=True)
class Counterpart:
    """Another paragraph that repeats this one, and how (shown under a coloured paragraph)."""

    relation: str  # "repeated in this post", "copied from", "copied into", "shared with"
    target: ParagraphLink
    kind: str
    jaccard: float
    containment: float
    partial_containment: float | None = None  # on the partial shingles (pairs[].partial_containment)
    # How the order across posts was decided (pairs[].decided_by); None inside a post, and for a
    # pair of a document before 1.5, which records none and reads as it always did.
    direction: Direction | None = None

    @property
    def firmness(self) -> Firmness:
        return self.direction.firmness if self.direction is not None else "decided"


@dataclass(frozen=True, slots=True)
class ParagraphView:
    index: int
    line: int
    text: str
    anchor: str
    provenance: Provenance
    counterparts: tuple[Counterpart, ...]
    more_counterparts: int = 0  # left out of ``counterparts`` (ReportLimits.max_counterparts)
    # The firmest order among the pairs that give the provenance: a paragraph is "copied from an
    # earlier post" only where the audit decided that order, not where it guessed it.
    firmness: Firmness = "decided"

    @property
    def provenance_label(self) -> str:
        return UNFIRM_LABELS.get((self.provenance, self.firmness), PROVENANCE_LABELS[self.provenance])

    @property
    def css(self) -> str:
        """The paragraph's classes: its provenance, and ``unfirm`` where its order is a guess or undecided."""
        return f"{self.provenance} unfirm" if self.firmness != "decided" else self.provenance

    @property
    def count_words(self) -> str:
        """The provenance in the card's counts: "from earlier", or "from earlier, order guessed"."""
        words = _COUNT_WORDS.get(self.provenance, self.provenance)
        unfirm = (
            _UNFIRM_COUNT_WORDS.get(self.firmness)
            if self.provenance in ("from-earlier", "into-later")
            else None
        )
        return f"{words}, {unfirm}" if unfirm else words


@dataclass(frozen=True, slots=True)
class CitationView:
    title: str | None
    outlet: str | None
    outlet_href: str | None
    author: str | None
    date: str | None


@dataclass(frozen=True, slots=True)
class Credit:
    """Whether a copy credits one of its sources, as the audit decided (``posts[].reuse.credit``).

    ``status`` is ``credited``, ``uncredited`` or ``unassessed`` (the audit
    holds no credit decision for this source: an older audit.json). The view
    never decides credit itself; it only puts the audit's decision in words.
    """

    status: Literal["credited", "uncredited", "unassessed"]
    text: Phrase
    line: int | None = None  # the line of the copy's dump that carries the credit, when one does
    evidence: str | None = None  # that line's text: quoted on the post's card, left out of the table


@dataclass(frozen=True, slots=True)
class ReuseSourceView:
    post: PostRef
    share: float
    credit: Credit
    direction: Direction  # how the order of the post and this source was decided (decided_by)


@dataclass(frozen=True, slots=True)
class ReuseView:
    share: float
    derivation: str
    sources: tuple[ReuseSourceView, ...]
    credited_share: float | None = None  # None: the audit did not assess credit
    uncredited_share: float | None = None
    verdict_label: str = ""  # the derivation in words, with its cut-off ("mostly borrowed (≥50%)")

    @property
    def order_guessed(self) -> bool:
        """No source is earlier by evidence: the card says the post shares text, not that it is later."""
        return bool(self.sources) and all(s.direction.firmness != "decided" for s in self.sources)


@dataclass(frozen=True, slots=True)
class ReprintLink:
    post: PostRef
    shared_paragraphs: int
    share_of_source: float
    decided_by: str


@dataclass(frozen=True, slots=True)
class NoteLine:
    line: int
    role: str
    text: str


@dataclass(frozen=True, slots=True)
class PostCard:
    """One post as the reader sees it: metadata, credit, reprints and coloured paragraphs."""

    id: str
    anchor: str
    title: str
    date: str | None
    source: str  # "path:start–end"
    url: str | None  # only http(s) URLs become links
    url_text: str | None
    citation: CitationView | None
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    paragraphs: tuple[ParagraphView, ...]
    notes: tuple[NoteLine, ...]
    reuse: ReuseView | None
    reprint_of: tuple[ReprintLink, ...]
    reprinted_by: tuple[ReprintLink, ...]
    # (classes, words, paragraphs), non-zero: ("from-earlier unfirm", "from earlier, order guessed", 3)
    provenance_counts: tuple[tuple[str, str, int], ...]
    reference: bool = False  # a known source the user declared (--reference)
    hidden_paragraphs: int = 0  # paragraphs past ReportLimits.max_card_paragraphs, in audit.json

    @property
    def involved(self) -> bool:
        """Whether the post takes part in any reuse; the others are folded to one line each."""
        return bool(
            (self.reuse and self.reuse.share > 0)
            or self.reprint_of
            or self.reprinted_by
            or any(p.provenance != "original" for p in self.paragraphs)
        )

    @property
    def blocks(self) -> tuple[tuple[bool, tuple[ParagraphView, ...]], ...]:
        """The paragraphs in runs, ``(folded, paragraphs)``: original runs are folded in a post with reuse.

        In a post without reuse nothing is folded here (the whole post is).
        """
        if not self.involved:
            return ((False, self.paragraphs),) if self.paragraphs else ()
        runs: list[tuple[bool, list[ParagraphView]]] = []
        for para in self.paragraphs:
            folded = para.provenance == "original"
            if runs and runs[-1][0] == folded:
                runs[-1][1].append(para)
            else:
                runs.append((folded, [para]))
        return tuple((folded, tuple(paras)) for folded, paras in runs)


#: A paragraph's provenances as the bits of one int (``_counterparts``).
PROVENANCE_BITS: dict[Provenance, int] = {"from-earlier": 1, "into-later": 2, "inside": 4}


def _counterparts(
    posts: _Posts, pairs: list[_PairRecord], earliest: dict[str, tuple[str, int]]
) -> tuple[dict[tuple[str, int], list[tuple[Provenance, Counterpart]]], dict[tuple[str, int], int]]:
    """For every paragraph in a pair, the provenances its pairs imply here; and its counterparts on a card.

    Which side of a pair across posts is the copy is the audit's decision
    (``pairs[].source``, with what it rests on in ``decided_by``); only where
    the audit decided none (posts of one day) does the view fall back to
    the cluster's earliest witness, then the posts' dates and input order,
    and the counterpart says the order is undecided. A document before 1.5
    records no ``decided_by``: its pairs are read that way and shown as
    they always were. The counterparts (the
    links a card lists) are made for the paragraphs of posts that get a
    card (``posts.rendered``) only: at a million pairs, two for each pair
    were most of the report stage's memory. The provenances of a paragraph
    are bits (:data:`PROVENANCE_BITS`), not a set.
    """
    found: dict[tuple[str, int], list[tuple[Provenance, Counterpart]]] = defaultdict(list)
    kinds: dict[tuple[str, int], int] = defaultdict(int)
    rendered = posts.rendered
    directions: dict[str, Direction] = {}
    for pair in pairs:
        for here_is_a, here, there in ((True, pair.a, pair.b), (False, pair.b, pair.a)):
            way: Direction | None = None
            if here[0] == there[0]:
                provenance: Provenance = "inside"
                relation = "repeated in this post"
            else:
                if pair.side is not None and pair.decided_by:
                    this_first = pair.side == ("a" if here_is_a else "b")
                    decided_by = pair.decided_by
                else:
                    witness = earliest.get(pair.cluster)
                    if witness is not None and witness[0] == here[0]:
                        this_first = True
                    elif witness is not None and witness[0] == there[0]:
                        this_first = False
                    else:
                        this_first = posts.sort_key(here[0]) < posts.sort_key(there[0])
                    decided_by = "undecided" if pair.decided_by else ""
                # A document before 1.5 does not say what its pairs' order rests on: read as it was.
                if decided_by:
                    if decided_by not in directions:
                        directions[decided_by] = direction(decided_by)
                    way = directions[decided_by]
                provenance = "into-later" if this_first else "from-earlier"
                if way is not None and way.firmness != "decided":
                    relation = "shared with"
                else:
                    relation = "copied into" if this_first else "copied from"
            kinds[here] |= PROVENANCE_BITS[provenance]
            if here[0] in rendered:
                target = posts.paragraph(*there)
                found[here].append(
                    (
                        provenance,
                        Counterpart(
                            relation,
                            target,
                            pair.kind,
                            pair.jaccard,
                            pair.containment,
                            pair.partial_containment,
                            way,
                        ),
                    )
                )
    return found, kinds


_PRECEDENCE: dict[Provenance, int] = {"from-earlier": 0, "into-later": 1, "inside": 2, "original": 3}
_FIRMNESS_ORDER: dict[Firmness, int] = {"decided": 0, "guessed": 1, "undecided": 2}
#: The order of a card's counts, as the legend lists the provenances.
_COUNT_ORDER: dict[str, int] = {key: n for n, key in enumerate(PROVENANCE_LABELS)}


# reuse.credit.by[].how in words: the kind of credit the copy gives its source.
CREDIT_HOW: dict[str, str] = {
    "citation": "a citation line",
    "attribution_line": "an attribution line",
    "link": "a link",
    "credit_line": "a credit line",
    "title": "its title",
    "mention": "naming it in its text",
    "quotation": "quotation marks and attribution",
    "none": "no credit line",
}


def _source_credit(credit: Mapping[str, Any] | None, source_id: str) -> Credit:
    """The audit's credit decision for one source of a copy, in words (never decided here)."""
    if credit is None:
        return Credit("unassessed", Phrase("credit not assessed"))
    entries = [
        e for e in credit.get("by") or [] if isinstance(e, Mapping) and _text(e.get("source")) == source_id
    ]
    if not entries:
        return Credit("unassessed", Phrase("credit not assessed for this source"))
    given = [e for e in entries if e.get("credited") is True]
    entry = given[0] if given else entries[0]
    how = _text(entry.get("how"))
    how_words = CREDIT_HOW.get(how, how.replace("_", " ") or "no credit line")
    outlet = _opt_text(entry.get("outlet"))
    line_value = entry.get("evidence_line")
    line = int(_float(line_value)) if line_value is not None else None
    evidence = _opt_text(entry.get("evidence"))
    where = f" (line {line})" if line is not None else ""
    if how == "same_site":
        return Credit("credited", Phrase("its own site's earlier text: nothing to credit"), line, evidence)
    if not given:
        if outlet:
            return Credit("uncredited", Phrase("no credit to {}", (outlet,)), line)
        return Credit("uncredited", Phrase("no credit line"), line)
    if outlet:
        return Credit("credited", Phrase(f"credits {{}} by {how_words}{where}", (outlet,)), line, evidence)
    return Credit("credited", Phrase(f"credited by {how_words}{where}"), line, evidence)


def _credit_block(reuse: Mapping[str, Any]) -> Mapping[str, Any] | None:
    credit = reuse.get("credit")
    return credit if isinstance(credit, Mapping) else None


#: Characters of markup around one paragraph of a card, and around one link to a counterpart.
_PARAGRAPH_MARKUP = 150
_COUNTERPART_MARKUP = 230


def _choose_cards(
    doc: Mapping[str, Any], posts: _Posts, pairs: list[_PairRecord], limits: ReportLimits
) -> tuple[list[str], str | None]:
    """Which posts get a card; sets ``posts.rendered`` so links know which anchors exist."""
    reprints = [r for r in _list(doc, "reprints") if isinstance(r, Mapping)]
    involved: set[str] = {p for pair in pairs for p in (pair.a[0], pair.b[0])}
    involved |= {str(r.get(k)) for r in reprints for k in ("source", "copy")}
    for post_id, post in posts.raw.items():
        reuse = post.get("reuse")
        if isinstance(reuse, Mapping) and _float(reuse.get("share")) > 0:
            involved.add(post_id)

    ordered = list(posts.raw)
    note = None
    chosen = [p for p in ordered if p in involved] + [p for p in ordered if p not in involved]
    chosen_set: set[str] = set()
    # A card's weight is its text and the markup around each paragraph, links to its counterparts
    # included: 10,000 posts of short lines with near versions each weighed 50 MB by text alone.
    links: Counter[tuple[str, int]] = Counter()
    for pair in pairs:
        links[pair.a] += 1
        links[pair.b] += 1
    text = 0
    for post_id in chosen[: limits.max_cards]:
        text += sum(
            len(_text(p.get("text")))
            + _PARAGRAPH_MARKUP
            + _COUNTERPART_MARKUP
            * min(links[(post_id, int(_float(p.get("index"))))], limits.max_counterparts)
            for p in posts.paragraphs(post_id)[: limits.max_card_paragraphs]
            if isinstance(p, Mapping)
        )
        if chosen_set and text > limits.max_card_text:
            break
        chosen_set.add(post_id)
    if len(chosen_set) < len(ordered):
        ordered = [p for p in ordered if p in chosen_set]
        note = (
            f"{len(ordered):,} of {len(posts.raw):,} posts are shown as cards: posts involved in reuse "
            f"come first, in input order. Every post is in audit.json."
        )
    posts.rendered = set(ordered)

    return ordered, note


def _cards(
    doc: Mapping[str, Any],
    posts: _Posts,
    ordered: list[str],
    counterparts: dict[tuple[str, int], list[tuple[Provenance, Counterpart]]],
    max_counterparts: int,
    names: PathNames,
    max_paragraphs: int = 1000,
) -> list[PostCard]:
    params = doc.get("params") if isinstance(doc.get("params"), Mapping) else {}
    assert isinstance(params, Mapping)
    reprints = [r for r in _list(doc, "reprints") if isinstance(r, Mapping)]
    reprint_of: dict[str, list[ReprintLink]] = defaultdict(list)
    reprinted_by: dict[str, list[ReprintLink]] = defaultdict(list)
    for reprint in reprints:
        source, copy = _text(reprint.get("source")), _text(reprint.get("copy"))
        shared = int(_float(reprint.get("shared_paragraphs")))
        share = _float(reprint.get("share_of_source"))
        decided = _text(reprint.get("decided_by"))
        reprint_of[copy].append(ReprintLink(posts.ref(source), shared, share, decided))
        reprinted_by[source].append(ReprintLink(posts.ref(copy), shared, share, decided))

    cards: list[PostCard] = []
    for post_id in ordered:
        post = posts.whole(post_id)
        paragraphs: list[ParagraphView] = []
        counts: dict[tuple[Provenance, str, str], int] = defaultdict(int)
        for raw in posts.paragraphs(post_id):
            if not isinstance(raw, Mapping):
                continue
            index = int(_float(raw.get("index")))
            found = counterparts.get((post_id, index), [])
            provenance: Provenance = "original"
            firmness: Firmness = "decided"
            if found:
                provenance = min((p for p, _ in found), key=_PRECEDENCE.__getitem__)
                firmness = min(
                    (c.firmness for p, c in found if p == provenance), key=_FIRMNESS_ORDER.__getitem__
                )
            ordered_counterparts = sorted(
                (c for _, c in found),
                key=lambda c: (posts.sort_key(c.target.post.id), c.target.index, c.kind),
            )
            view = ParagraphView(
                index,
                int(_float(raw.get("line"))),
                _text(raw.get("text")),
                paragraph_anchor(post_id, index),
                provenance,
                tuple(ordered_counterparts[:max_counterparts]),
                max(0, len(ordered_counterparts) - max_counterparts),
                firmness,
            )
            counts[(provenance, view.css, view.count_words)] += 1
            paragraphs.append(view)
        hidden = max(0, len(paragraphs) - max_paragraphs)
        if hidden:
            # One post of 100,000 share lines would weigh 50 MB: the reused paragraphs stay first,
            # then the post's opening ones, in reading order; the rest are counted.
            reused = [p for p in paragraphs if p.provenance != "original"][:max_paragraphs]
            room = max_paragraphs - len(reused)
            kept = {p.index for p in reused} | {
                p.index for p in [p for p in paragraphs if p.provenance == "original"][:room]
            }
            paragraphs = [p for p in paragraphs if p.index in kept]
        citation = post.get("citation")
        citation_view = None
        if isinstance(citation, Mapping):
            cited = posts.outlet_of(post_id)
            citation_view = CitationView(
                _opt_text(citation.get("title")),
                cited,
                f"#{outlet_anchor(cited)}" if cited else None,
                _opt_text(citation.get("author")),
                _opt_text(citation.get("date")),
            )
        reuse = post.get("reuse")
        reuse_view = None
        if isinstance(reuse, Mapping):
            credit = _credit_block(reuse)
            sources = tuple(
                ReuseSourceView(
                    posts.ref(str(s.get("post"))),
                    _float(s.get("share")),
                    _source_credit(credit, str(s.get("post"))),
                    direction(_text(s.get("decided_by"))),
                )
                for s in sources_main_first(s for s in reuse.get("sources") or [] if isinstance(s, Mapping))
            )
            reuse_view = ReuseView(
                _float(reuse.get("share")),
                _text(reuse.get("derivation")) or "independent",
                sources,
                _float(credit.get("credited_share")) if credit is not None else None,
                _float(credit.get("uncredited_share")) if credit is not None else None,
                verdict_label(_text(reuse.get("derivation")) or "independent", params),
            )
        origin = post.get("source") if isinstance(post.get("source"), Mapping) else {}
        assert isinstance(origin, Mapping)
        start, end = origin.get("line_start"), origin.get("line_end")
        where = names.show(_text(origin.get("path")))
        if start:
            where += f":{start}" + (f"–{end}" if end and end != start else "")
        url = _opt_text(post.get("url"))
        notes = tuple(
            NoteLine(int(_float(n.get("line"))), _text(n.get("role")), _text(n.get("text")))
            for n in post.get("notes") or []
            if isinstance(n, Mapping)
        )
        cards.append(
            PostCard(
                id=post_id,
                anchor=post_anchor(post_id),
                title=posts.title(post_id),
                date=_opt_text(post.get("date")),
                source=where,
                url=_safe_url(url),
                url_text=url,
                citation=citation_view,
                categories=tuple(_text(c) for c in post.get("categories") or []),
                tags=tuple(_text(t) for t in post.get("tags") or []),
                paragraphs=tuple(paragraphs),
                notes=notes,
                reuse=reuse_view,
                reprint_of=tuple(reprint_of.get(post_id, [])),
                reprinted_by=tuple(reprinted_by.get(post_id, [])),
                provenance_counts=tuple(
                    (css, words, count)
                    for (kind, css, words), count in sorted(
                        counts.items(), key=lambda item: _COUNT_ORDER[item[0][0]]
                    )
                    if kind != "original"
                ),
                reference=post.get("reference") is True,
                hidden_paragraphs=hidden,
            )
        )
    return cards
