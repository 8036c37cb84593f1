"""The template context: everything the report shows, computed from an audit.json document.

The report renders from the *document* (``docs/audit-json.md``), not from the
pipeline's Python objects, so ``provenance report AUDIT_JSON`` can re-render a
saved audit without re-running it. All decisions (which paragraph is copied
from where, whether a copy credits its source, what is cut for size, where a
graph node goes) are made here, in Python, where they can be tested; the
templates only lay the result out. Every value is plain text or numbers:
the templates escape all of it, and nothing here builds HTML. Where the
report's own words surround text from the dump in one value, the value is a
:class:`Phrase`, so that the template can isolate the dump's part.

One module per part of the page, in the order the page shows them:
:mod:`.overview` (figures, chart rows), :mod:`.findings`, :mod:`.copies`
(the first table), :mod:`.posts`, :mod:`.duplicates`, :mod:`.sources`,
:mod:`.health`; :mod:`.common` holds the document readers and post lookups
they share. :func:`build_context` is the one entry point.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from provenance.errors import ReportError, read_as_audit
from provenance.report.context.common import (
    DIRECTIONS,
    KINDS,
    LARGE_REPORT,
    SHORT_WORDS,
    Direction,
    PairSide,
    ParagraphLink,
    PathNames,
    Phrase,
    PostRef,
    ReportLimits,
    _float,
    _list,
    _pairs,
    _path_names,
    _Posts,
    _ref,
    _text,
    direction,
    verdict_label,
)
from provenance.report.context.copies import (
    CREDIT_WORDS,
    AlignedPair,
    CopyRow,
    CopySource,
    _copies,
)
from provenance.report.context.duplicates import (
    BoilerplateView,
    ClusterView,
    DuplicatesView,
    MemberView,
    _duplicates,
)
from provenance.report.context.findings import SEVERITIES, EvidenceView, FindingsView, FindingView, _findings
from provenance.report.context.health import HealthRow, HealthView, _health
from provenance.report.context.overview import Figure, _figures, _shares
from provenance.report.context.posts import (
    CREDIT_HOW,
    PROVENANCE_LABELS,
    CitationView,
    Counterpart,
    Credit,
    NoteLine,
    ParagraphView,
    PostCard,
    Provenance,
    ReprintLink,
    ReuseSourceView,
    ReuseView,
    _cards,
    _choose_cards,
    _counterparts,
)
from provenance.report.context.since import SinceView, _since
from provenance.report.context.sources import MentionView, OutletView, _outlets
from provenance.report.drawing import BarChart, GraphDrawing, draw_graph, draw_share_chart


@dataclass(frozen=True, slots=True)
class ReportContext:
    """Everything ``report.html`` shows, in the order it shows it.

    ``generated_at`` is the only field that differs between two audits of
    the same input with the same parameters; the template prints it on one
    line of its own so two reports can be compared with ``diff``.
    """

    title: Phrase  # "Provenance report: {path}", the dump named as given (PathNames)
    path_note: str | None  # set when audit.json's absolute paths are shown shortened
    tool_name: str
    tool_version: str
    generated_at: str
    figures: tuple[Figure, ...]
    chart: BarChart
    copied_posts: tuple[PostCard, ...]  # posts with borrowed text, for the overview's credit table
    findings: FindingsView
    since: SinceView | None  # only for a run kept in a store (--db) with a run before it
    copies: tuple[CopyRow, ...]  # the first table: one row per borrowing post, most borrowed first
    copies_note: str | None
    cards: tuple[PostCard, ...]
    posts_total: int
    cards_note: str | None
    duplicates: DuplicatesView
    boilerplate: tuple[BoilerplateView, ...]
    outlets: tuple[OutletView, ...]
    outlets_note: str | None
    graph: GraphDrawing
    health: HealthView
    pairs_csv: str = "pairs.csv"

    @property
    def quiet_cards(self) -> tuple[PostCard, ...]:
        """Posts without reuse, each folded to one line (title, date, outlet) at the end of Posts."""
        return tuple(card for card in self.cards if not card.involved)

    @property
    def large(self) -> bool:
        """Big enough that the browser should skip laying out off-screen cards (CSS content-visibility)."""
        return len(self.cards) + len(self.duplicates.clusters) > LARGE_REPORT

    #: Words per partial shingle (params.partial_shingle_size), named by a partial pair's measures.
    partial_words: int = 3
    legend: tuple[tuple[str, str], ...] = field(
        default=tuple((key, label) for key, label in PROVENANCE_LABELS.items())
    )


def build_context(doc: Mapping[str, Any], limits: ReportLimits | None = None) -> ReportContext:
    """Compute everything the report shows from an audit.json document.

    Raises :class:`~provenance.errors.ReportError` when the document is not
    one (not a mapping, a list field that is not a list, a post without id),
    and when a value deeper in it has a shape no audit writes (a number
    where a list goes, an integer too large for a float): an edited or
    damaged audit.json, which ``provenance report`` turns into one line
    naming the file rather than a traceback.
    """
    with read_as_audit():
        return _build_context(doc, limits)


def _build_context(doc: Mapping[str, Any], limits: ReportLimits | None) -> ReportContext:
    if not isinstance(doc, Mapping):
        raise ReportError(f"audit.json must hold a JSON object, got {type(doc).__name__}")
    limits = limits or ReportLimits()
    posts = _Posts(_list(doc, "posts"))
    for outlet in _list(doc, "outlets"):
        if isinstance(outlet, Mapping):
            name = _text(outlet.get("name"))
            for alias in [name, *[_text(a) for a in outlet.get("aliases") or []]]:
                posts.canonical.setdefault(alias.casefold(), name)
    pairs = _pairs(doc)
    earliest: dict[str, tuple[str, int]] = {}
    for cluster in _list(doc, "clusters"):
        if isinstance(cluster, Mapping):
            witness = _ref(cluster.get("earliest"))
            if witness is not None:
                earliest[str(cluster.get("id"))] = witness

    inputs = doc.get("inputs") if isinstance(doc.get("inputs"), Mapping) else {}
    assert isinstance(inputs, Mapping)
    paths = sorted(_text(f.get("path")) for f in inputs.get("files") or [] if isinstance(f, Mapping))
    names, title, path_note = _path_names(paths)
    ordered, cards_note = _choose_cards(doc, posts, pairs, limits)
    # The sections that read every pair first; then the pair records are let
    # go before the cards, sections and drawings that do not read them build
    # their own: at 2.4 million paragraphs the report's build held 1.2 GB at
    # its peak, while the graph was laid out beside every pair record.
    duplicates = _duplicates(posts, pairs, earliest, limits)
    copies, copies_note = _copies(doc, posts, pairs, limits)
    counterparts, provenances = _counterparts(posts, pairs, earliest)
    pair_kinds = Counter(pair.kind for pair in pairs)
    del pairs, earliest
    cards = _cards(
        doc, posts, ordered, counterparts, limits.max_counterparts, names, limits.max_card_paragraphs
    )
    del counterparts
    figures = _figures(doc, posts, pair_kinds, duplicates.clusters_total, cards)
    findings = _findings(doc, posts, limits)
    outlets, outlets_note = _outlets(doc, posts, limits)
    tool = doc.get("tool") if isinstance(doc.get("tool"), Mapping) else {}
    assert isinstance(tool, Mapping)

    # Shares are computed only where there is reuse; the rest of a 100k-post dump is zero.
    with_reuse = {post for post, _ in provenances} | {
        post_id
        for post_id, post in posts.raw.items()
        if isinstance(post.get("reuse"), Mapping) and _float(post["reuse"].get("share")) > 0
    }
    rows = [
        (post_id, *_shares(posts, post_id, provenances)) for post_id in posts.raw if post_id in with_reuse
    ]
    rows.sort(key=lambda row: (-row[1], -row[2], -row[3], posts.order[row[0]]))
    rows = rows[: limits.max_chart_rows]
    for post_id in posts.raw:  # pad with posts without reuse, in input order, so a small dump shows all
        if len(rows) >= limits.max_chart_rows:
            break
        if post_id not in with_reuse:
            rows.append((post_id, 0.0, 0.0, 0.0))
    chart = draw_share_chart(
        [(post_id, posts.title(post_id), b, g, i, posts.ref(post_id).href) for post_id, b, g, i in rows],
        len(posts.raw),
    )
    del provenances, rows
    # The drawing reads the posts' reuse and citations, never their text: the posts as held here.
    graph = draw_graph(
        {**doc, "posts": list(posts.raw.values())},
        posts.title,
        posts.canonical,
        lambda p: posts.ref(p).href,
        limits.max_graph_nodes,
    )
    boilerplate = tuple(
        BoilerplateView(_text(b.get("text")), int(_float(b.get("posts"))), len(b.get("members") or []))
        for b in _list(doc, "boilerplate")
        if isinstance(b, Mapping)
    )
    return ReportContext(
        title=title,
        path_note=path_note,
        tool_name=_text(tool.get("name")) or "provenance",
        tool_version=_text(tool.get("version")) or "unknown",
        generated_at=_text(doc.get("generated_at")) or "unknown",
        figures=figures,
        chart=chart,
        copied_posts=tuple(
            c for c in cards if c.reuse and c.reuse.sources and c.reuse.derivation in ("wholly", "partially")
        ),
        findings=findings,
        since=_since(doc, posts),
        copies=tuple(copies),
        copies_note=copies_note,
        cards=tuple(cards),
        posts_total=len(posts.raw),
        cards_note=cards_note,
        duplicates=duplicates,
        boilerplate=boilerplate,
        outlets=tuple(outlets),
        outlets_note=outlets_note,
        graph=graph,
        health=_health(doc, limits, names),
        partial_words=_partial_words(doc),
    )


def _partial_words(doc: Mapping[str, Any]) -> int:
    """Words per partial shingle as the audit used them (``params.partial_shingle_size``; 3 when absent)."""
    params = doc.get("params")
    value = params.get("partial_shingle_size") if isinstance(params, Mapping) else None
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return int(value)
    return 3


__all__ = [
    "CREDIT_HOW",
    "CREDIT_WORDS",
    "DIRECTIONS",
    "KINDS",
    "LARGE_REPORT",
    "PROVENANCE_LABELS",
    "SEVERITIES",
    "SHORT_WORDS",
    "AlignedPair",
    "BoilerplateView",
    "CitationView",
    "ClusterView",
    "CopyRow",
    "CopySource",
    "Counterpart",
    "Credit",
    "Direction",
    "DuplicatesView",
    "EvidenceView",
    "Figure",
    "FindingView",
    "FindingsView",
    "HealthRow",
    "HealthView",
    "MemberView",
    "MentionView",
    "NoteLine",
    "OutletView",
    "PairSide",
    "ParagraphLink",
    "ParagraphView",
    "PathNames",
    "Phrase",
    "PostCard",
    "PostRef",
    "Provenance",
    "ReportContext",
    "ReportLimits",
    "ReprintLink",
    "ReuseSourceView",
    "ReuseView",
    "build_context",
    "direction",
    "verdict_label",
]
