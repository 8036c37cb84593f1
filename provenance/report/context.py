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
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from provenance.errors import ReportError
from provenance.report.anchors import cluster_anchor, outlet_anchor, paragraph_anchor, post_anchor
from provenance.report.drawing import BarChart, GraphDrawing, draw_graph, draw_share_chart
from provenance.report.textdiff import Run, side_by_side

Provenance = Literal["original", "inside", "from-earlier", "into-later"]
KINDS: tuple[str, ...] = ("exact", "near", "contained", "partial")
LARGE_REPORT = 400  # cards + clusters above which off-screen layout is deferred
SHORT_WORDS = 5  # a cluster whose paragraphs are all shorter is folded away as trivial

PROVENANCE_LABELS: dict[str, str] = {
    "original": "original",
    "inside": "repeated inside this post",
    "from-earlier": "copied from an earlier post",
    "into-later": "copied into a later post",
}


@dataclass(frozen=True, slots=True)
class Phrase:
    """The report's words with text from the dump in between: ``Phrase("credits {}", (outlet,))``.

    The template isolates each value (``isolate`` in render.py puts it in a
    ``<bdi>``), so that a right-to-left override or a right-to-left name in
    the dump cannot reorder the words around it; ``str()`` is the plain text.
    """

    pattern: str  # one "{}" per value
    values: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.pattern.format(*self.values)


@dataclass(frozen=True, slots=True)
class ReportLimits:
    """How much is inlined, so that a 100k-post dump stays a file a browser opens in seconds.

    What is cut is always counted and pointed to (``pairs.csv``, ``audit.json``,
    the GEXF export), never silently dropped.
    """

    max_cards: int = 3000  # post cards with full text; beyond it, posts involved in reuse first
    # Characters of paragraph text over all cards: the page weighs about 2.5 times its text once
    # paragraphs carry their counterpart links, so this keeps the posts section near 10 MB.
    max_card_text: int = 4_000_000
    max_clusters: int = 2000  # duplicate clusters inlined, largest and widest first
    max_pairs: int = 5000  # pairs inlined over all clusters
    max_pairs_per_cluster: int = 30  # a boilerplate-like cluster would otherwise fill the page
    # Counterparts listed under one paragraph: near versions of one line by the thousand
    # gave each paragraph dozens, and the report took twice the time of finding them.
    max_counterparts: int = 8
    max_chart_rows: int = 40  # bars in the copied-share chart
    max_graph_nodes: int = 160  # nodes in the drawn graph; largest components first
    max_outlets: int = 300
    max_mentions_per_outlet: int = 12
    max_posts_per_outlet: int = (
        25  # citing / mentioning posts listed per outlet (a wire service has thousands)
    )
    max_health_rows: int = 500  # unparsed lines, warnings, skipped files each
    max_copies: int = 2000  # rows of the copies table, most borrowed first
    max_sources_per_copy: int = 5  # sources named in one row; the rest are counted
    max_aligned_per_copy: int = 40  # aligned paragraph pairs under one row
    max_findings: int = 200  # findings listed at the top; the rest are counted
    max_evidence_per_finding: int = 8


# --------------------------------------------------------------------------
# records handed to the templates
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostRef:
    """A post named in passing; ``href`` is None when its card is not in the file."""

    id: str
    title: str
    date: str | None
    href: str | None


@dataclass(frozen=True, slots=True)
class ParagraphLink:
    """A paragraph named in passing (``¶n`` of a post), linked when its card is in the file."""

    post: PostRef
    index: int
    href: str | None

    @property
    def label(self) -> str:
        return f"¶{self.index}"


@dataclass(frozen=True, slots=True)
class Counterpart:
    """Another paragraph that repeats this one, and how (shown under a coloured paragraph)."""

    relation: str  # "repeated in this post", "copied from", "copied into", "also in"
    target: ParagraphLink
    kind: str
    jaccard: float
    containment: float


@dataclass(frozen=True, slots=True)
class ParagraphView:
    index: int
    line: int
    text: str
    anchor: str
    provenance: Provenance
    counterparts: tuple[Counterpart, ...]
    more_counterparts: int = 0  # left out of ``counterparts`` (ReportLimits.max_counterparts)

    @property
    def provenance_label(self) -> str:
        return PROVENANCE_LABELS[self.provenance]


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


@dataclass(frozen=True, slots=True)
class ReuseSourceView:
    post: PostRef
    share: float
    credit: Credit


@dataclass(frozen=True, slots=True)
class ReuseView:
    share: float
    derivation: str
    sources: tuple[ReuseSourceView, ...]
    credited_share: float | None = None  # None: the audit did not assess credit
    uncredited_share: float | None = None
    verdict_label: str = ""  # the derivation in words, with its cut-off ("mostly borrowed (≥50%)")


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
    provenance_counts: tuple[tuple[str, int], ...]  # (provenance, paragraphs), non-zero only
    reference: bool = False  # a known source the user declared (--reference)

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


@dataclass(frozen=True, slots=True)
class Figure:
    """One overview number; ``key`` names it for tests and for ``data-figure``."""

    key: str
    label: str
    value: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class PairSide:
    paragraph: ParagraphLink
    runs: tuple[Run, ...]


@dataclass(frozen=True, slots=True)
class MemberView:
    """One copy in a cluster: a paragraph repeating the earliest witness, its words marked against it.

    ``kind``, the measures and ``similarity`` are those of the verified pair
    that ties this paragraph to the witness (``compared_with`` None) or, when
    the audit paired it with another member only, to that member. The
    filter slider compares against ``similarity``: Jaccard for exact and near
    pairs, containment for contained and partial ones.
    """

    kind: str
    jaccard: float
    containment: float
    similarity: float
    scope: Literal["inside", "cross"]  # inside the witness's post, or in another post
    outlets: tuple[str, ...]  # casefolded outlet names of both posts' citations, for the filter
    paragraph: ParagraphLink
    runs: tuple[Run, ...]
    compared_with: ParagraphLink | None


@dataclass(frozen=True, slots=True)
class ClusterView:
    """A cluster shown once: its earliest witness and each copy of it (not one card per pair)."""

    id: str
    anchor: str
    size: int  # member paragraphs
    spread: int  # distinct posts
    scope: Literal["inside", "cross"]  # all in one post, or across posts
    shared_words: int  # words of the copies: what the ordering ranks by
    short: bool  # every member under SHORT_WORDS words: folded at the end
    kinds: tuple[str, ...]
    earliest: ParagraphLink
    witness_text: str
    members: tuple[MemberView, ...]
    members_total: int  # copies in the cluster, inlined or not


@dataclass(frozen=True, slots=True)
class DuplicatesView:
    clusters: tuple[ClusterView, ...]  # across posts first, then by shared words; short ones excluded
    short_clusters: tuple[ClusterView, ...]  # clusters of paragraphs under SHORT_WORDS words
    clusters_total: int
    copies_total: int
    copies_shown: int
    pairs_total: int
    # The filters act on the inlined copies: each count is (inlined, in the whole audit),
    # every kind in KINDS order, then the copies inside one post and across posts.
    kind_counts: tuple[tuple[str, int, int], ...]
    inside_count: tuple[int, int]
    cross_count: tuple[int, int]
    outlet_options: tuple[tuple[str, str], ...]  # (value, label)
    note: str | None  # set when clusters or copies were left out


@dataclass(frozen=True, slots=True)
class MentionView:
    sentence: str
    surface: str
    cue: str
    paragraph: ParagraphLink | None
    post: PostRef


@dataclass(frozen=True, slots=True)
class OutletView:
    name: str
    anchor: str
    kind: str
    aliases: tuple[str, ...]
    cited_by: tuple[PostRef, ...]  # the first ``max_posts_per_outlet``, earliest first
    cited_by_total: int
    mentioned_by: tuple[PostRef, ...]
    mentioned_by_total: int
    mentions: tuple[MentionView, ...]
    mentions_total: int


@dataclass(frozen=True, slots=True)
class BoilerplateView:
    text: str
    posts: int
    members: int


@dataclass(frozen=True, slots=True)
class HealthRow:
    where: str
    text: str


@dataclass(frozen=True, slots=True)
class HealthView:
    skipped: tuple[HealthRow, ...]
    skipped_total: int
    unparsed: tuple[HealthRow, ...]
    unparsed_total: int
    warnings: tuple[HealthRow, ...]
    warnings_total: int
    classified_total: int
    inputs: tuple[tuple[str, str], ...]  # (path, format and encoding)
    params: tuple[tuple[str, str], ...]
    tool: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Direction:
    """How the order of a copy and its source was decided, in words, and how firm that is.

    ``firmness`` is ``decided`` (dates, a known source, a credit line),
    ``guessed`` (a convention: input order, an undated post, containment) or
    ``undecided`` (nothing tells which came first); the template shows the
    last two visibly unlike the first.
    """

    key: str
    label: str
    firmness: Literal["decided", "guessed", "undecided"]


@dataclass(frozen=True, slots=True)
class CopySource:
    """One source of a borrowing post, as a row of the copies table names it."""

    post: PostRef
    share: float
    quoted_share: float
    direction: Direction
    credit: Credit


@dataclass(frozen=True, slots=True)
class AlignedPair:
    """A paragraph of the source beside the copy's paragraph that repeats it, shared words marked."""

    kind: str
    source: PairSide
    copy: PairSide


@dataclass(frozen=True, slots=True)
class CopyRow:
    """One post that borrows: the answer to "is this a copy, of what, how sure" in one table row.

    ``sort`` holds the value each sortable column sorts by (numbers, or text
    for the source column), written into ``data-`` attributes for the script.
    """

    post: PostRef
    anchor: str  # the row's own id, so a finding can link to it
    outlet: str | None
    share: float
    quoted_share: float
    verdict: str  # the audit's derivation key: wholly, partially
    verdict_label: str
    sources: tuple[CopySource, ...]
    more_sources: int
    direction: Direction  # the weakest over the sources: one guess makes the row a guess
    credit_status: str  # credited, partly, uncredited, unassessed (reuse.credit absent)
    credit_label: str
    credited_share: float | None  # shares of the post's words; None when the audit did not assess credit
    uncredited_share: float | None
    aligned: tuple[AlignedPair, ...]
    aligned_total: int


@dataclass(frozen=True, slots=True)
class EvidenceView:
    """One piece of a finding's evidence: where in which post, and the text."""

    post: PostRef
    paragraph: ParagraphLink | None
    line: int | None
    text: str


@dataclass(frozen=True, slots=True)
class FindingView:
    """A finding of the audit (top-level ``findings``), worded for the top of the report."""

    kind: str
    kind_label: str
    severity: str  # high, medium, low
    posts: tuple[PostRef, ...]
    summary: str
    evidence: tuple[EvidenceView, ...]
    more_evidence: int


@dataclass(frozen=True, slots=True)
class FindingsView:
    """``assessed`` is False when the audit.json has no ``findings`` list at all (an older audit)."""

    assessed: bool
    items: tuple[FindingView, ...]
    total: int
    counts: tuple[tuple[str, int], ...]  # (severity, findings), high first, non-zero only


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

    legend: tuple[tuple[str, str], ...] = field(
        default=tuple((key, label) for key, label in PROVENANCE_LABELS.items())
    )


# --------------------------------------------------------------------------
# reading the document
# --------------------------------------------------------------------------


def _list(doc: Mapping[str, Any], key: str) -> list[Any]:
    value = doc.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ReportError(f"audit.json: {key!r} must be a list, got {type(value).__name__}")
    return value


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _opt_text(value: object) -> str | None:
    return None if value in (None, "") else str(value)


def _float(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def _ref(value: object) -> tuple[str, int] | None:
    if isinstance(value, Mapping) and "post" in value and "paragraph" in value:
        try:
            return str(value["post"]), int(value["paragraph"])
        except (TypeError, ValueError):
            return None
    return None


def _percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def _safe_url(url: str | None) -> str | None:
    """Only web URLs become links: ``javascript:``, ``data:`` and the like stay text."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


@dataclass(frozen=True, slots=True)
class PathNames:
    """How the report names the dump's files: as given on the command line, never the auditor's layout.

    audit.json records each input path as it was given (``provenance audit
    blog/`` gives ``blog/post.txt``). Relative paths are shown as they are.
    Absolute ones would tell whoever receives the report where the auditor
    keeps things, so they are shown from the dump's own folder on
    (``/home/me/cases/blog/post.txt`` -> ``blog/post.txt``) and ``note`` says so.
    """

    strip: str  # the prefix taken off absolute paths ("" when none is)

    def show(self, path: str) -> str:
        if self.strip and path.startswith(self.strip):
            return path[len(self.strip) :] or path
        return path


def _path_names(paths: Sequence[str]) -> tuple[PathNames, Phrase, str | None]:
    """The naming rule, the page's title and, for absolute paths, a note saying they are shortened."""
    absolute = [p for p in paths if _is_absolute(p)]
    strip = ""
    if absolute:
        folder = _parent(absolute[0]) if len(absolute) == 1 else _parent(_common(absolute))
        strip = folder.rstrip("/\\") + _separator(absolute[0]) if folder else ""
    names = PathNames(strip)
    shown = sorted({names.show(p) for p in paths})
    note = None
    if absolute:
        note = (
            "audit.json records absolute paths; they are shown from the dump's folder on, "
            "so the report does not reveal where it was made."
        )
    if not shown:
        return names, Phrase("Provenance report"), note
    if len(shown) == 1:
        return names, Phrase("Provenance report: {}", (shown[0],)), note
    common = _common(shown)
    if common:
        return (
            names,
            Phrase(f"Provenance report: {{}} ({len(shown):,} files)", (common + _separator(common),)),
            note,
        )
    return names, Phrase(f"Provenance report: {len(shown):,} files"), note


def _separator(path: str) -> str:
    return "\\" if "\\" in path and "/" not in path else "/"


def _is_absolute(path: str) -> bool:
    return path.startswith(("/", "\\")) or (len(path) > 2 and path[1] == ":" and path[2] in "/\\")


def _parent(path: str) -> str:
    cut = max(path.rstrip("/\\").rfind("/"), path.rstrip("/\\").rfind("\\"))
    return path[:cut] if cut > 0 else ""


def _common(paths: Sequence[str]) -> str:
    """The longest folder all paths lie in ("" when none): ``a/b/x``, ``a/b/y`` -> ``a/b``."""
    split = [p.replace("\\", "/").split("/") for p in paths]
    common: list[str] = []
    for parts in zip(*(parts[:-1] for parts in split), strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return "/".join(common)


class _Posts:
    """Post lookups shared by every section: titles, order, outlets, which cards exist."""

    def __init__(self, posts: list[Any]) -> None:
        self.raw: dict[str, Mapping[str, Any]] = {}
        self.order: dict[str, int] = {}
        for position, post in enumerate(posts):
            if not isinstance(post, Mapping) or "id" not in post:
                raise ReportError(f"audit.json: post {position} has no id")
            post_id = str(post["id"])
            if post_id in self.raw:
                raise ReportError(f"audit.json: post id {post_id!r} appears twice")
            self.raw[post_id] = post
            self.order[post_id] = position
        self.rendered: set[str] = set()  # set once by _choose_cards, before any ref is made
        self._refs: dict[str, PostRef] = {}
        self.canonical: dict[str, str] = {}  # casefolded alias or name -> canonical outlet name

    def title(self, post_id: str) -> str:
        post = self.raw.get(post_id)
        return _text(post.get("title")) if post else post_id

    def date(self, post_id: str) -> str | None:
        post = self.raw.get(post_id)
        return _opt_text(post.get("date")) if post else None

    def ref(self, post_id: str) -> PostRef:
        # Cached: a post is named many times (pairs, outlets, reprints) and refs are immutable.
        ref = self._refs.get(post_id)
        if ref is None:
            href = f"#{post_anchor(post_id)}" if post_id in self.rendered else None
            ref = self._refs[post_id] = PostRef(post_id, self.title(post_id), self.date(post_id), href)
        return ref

    def paragraph(self, post_id: str, index: int) -> ParagraphLink:
        href = f"#{paragraph_anchor(post_id, index)}" if post_id in self.rendered else None
        return ParagraphLink(self.ref(post_id), index, href)

    def sort_key(self, post_id: str) -> tuple[bool, str, int]:
        """Earlier posts first: dated before undated, then by date, then input order."""
        date = self.date(post_id)
        return (date is None, date or "", self.order.get(post_id, len(self.order)))

    def outlet_of(self, post_id: str) -> str | None:
        post = self.raw.get(post_id)
        citation = post.get("citation") if post else None
        if not isinstance(citation, Mapping):
            return None
        outlet = _opt_text(citation.get("outlet"))
        return self.canonical.get(outlet.casefold(), outlet) if outlet else None

    def words(self, post_id: str) -> dict[int, int]:
        """Words per paragraph index, the unit the copied shares are measured in."""
        post = self.raw.get(post_id) or {}
        return {
            int(_float(p.get("index"))): len(_text(p.get("text")).split())
            for p in post.get("paragraphs") or []
            if isinstance(p, Mapping)
        }


@dataclass(slots=True)
class _PairRecord:
    a: tuple[str, int]
    b: tuple[str, int]
    kind: str
    jaccard: float
    containment: float
    cluster: str
    raw: Mapping[str, Any]


def _pairs(doc: Mapping[str, Any]) -> list[_PairRecord]:
    records: list[_PairRecord] = []
    for raw in _list(doc, "pairs"):
        if not isinstance(raw, Mapping):
            continue
        a, b = _ref(raw.get("a")), _ref(raw.get("b"))
        if a is None or b is None:
            continue
        kind = _text(raw.get("kind")) or "near"
        cluster = raw.get("cluster")
        records.append(
            _PairRecord(
                a,
                b,
                kind,
                _float(raw.get("jaccard")),
                _float(raw.get("containment")),
                "" if cluster is None else str(cluster),
                raw,
            )
        )
    _fill_clusters(records)
    return records


def _fill_clusters(records: list[_PairRecord]) -> None:
    """Give pairs without a ``cluster`` one: connected components of the pairs (union-find)."""
    if all(record.cluster for record in records):
        return
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(node: tuple[str, int]) -> tuple[str, int]:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for record in records:
        if not record.cluster:
            root_a, root_b = find(record.a), find(record.b)
            if root_a != root_b:
                parent[max(root_a, root_b)] = min(root_a, root_b)
    for record in records:
        if not record.cluster:
            root = find(record.a)
            record.cluster = f"{root[0]}:{root[1]}"


# --------------------------------------------------------------------------
# sections
# --------------------------------------------------------------------------


def _counterparts(
    posts: _Posts, pairs: list[_PairRecord], earliest: dict[str, tuple[str, int]]
) -> dict[tuple[str, int], list[tuple[Provenance, Counterpart]]]:
    """For every paragraph in a pair: its counterparts, each with the provenance it implies here."""
    found: dict[tuple[str, int], list[tuple[Provenance, Counterpart]]] = defaultdict(list)
    for pair in pairs:
        for here, there in ((pair.a, pair.b), (pair.b, pair.a)):
            target = posts.paragraph(*there)
            if here[0] == there[0]:
                found[here].append(
                    (
                        "inside",
                        Counterpart(
                            "repeated in this post", target, pair.kind, pair.jaccard, pair.containment
                        ),
                    )
                )
                continue
            witness = earliest.get(pair.cluster)
            if witness is not None and witness[0] == here[0]:
                this_first = True
            elif witness is not None and witness[0] == there[0]:
                this_first = False
            else:
                this_first = posts.sort_key(here[0]) < posts.sort_key(there[0])
            provenance: Provenance = "into-later" if this_first else "from-earlier"
            relation = "copied into" if this_first else "copied from"
            found[here].append(
                (provenance, Counterpart(relation, target, pair.kind, pair.jaccard, pair.containment))
            )
    return found


_PRECEDENCE: dict[Provenance, int] = {"from-earlier": 0, "into-later": 1, "inside": 2, "original": 3}


# reuse.credit.by[].how in words: the kind of credit the copy gives its source.
CREDIT_HOW: dict[str, str] = {
    "citation": "a citation line",
    "attribution_line": "an attribution line",
    "link": "a link",
    "credit_line": "a credit line",
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
    if not given:
        if outlet:
            return Credit("uncredited", Phrase("no credit to {}", (outlet,)), line)
        return Credit("uncredited", Phrase("no credit line"), line)
    if outlet and evidence:
        return Credit(
            "credited", Phrase(f"credits {{}} by {how_words}{where}: “{{}}”", (outlet, evidence)), line
        )
    if outlet:
        return Credit("credited", Phrase(f"credits {{}} by {how_words}{where}", (outlet,)), line)
    if evidence:
        return Credit("credited", Phrase(f"credited by {how_words}{where}: “{{}}”", (evidence,)), line)
    return Credit("credited", Phrase(f"credited by {how_words}{where}"), line)


def _credit_block(reuse: Mapping[str, Any]) -> Mapping[str, Any] | None:
    credit = reuse.get("credit")
    return credit if isinstance(credit, Mapping) else None


SEVERITIES = ("high", "medium", "low")


def _findings(doc: Mapping[str, Any], posts: _Posts, limits: ReportLimits) -> FindingsView:
    """The audit's findings, most severe first (input order within a severity), evidence linked."""
    if not isinstance(doc.get("findings"), list):
        return FindingsView(False, (), 0, ())
    raw = [f for f in _list(doc, "findings") if isinstance(f, Mapping)]
    rank = {severity: n for n, severity in enumerate(SEVERITIES)}
    ordered = sorted(enumerate(raw), key=lambda item: (rank.get(_text(item[1].get("severity")), 3), item[0]))
    items = []
    for _, finding in ordered[: limits.max_findings]:
        evidence = []
        raw_evidence = [e for e in finding.get("evidence") or [] if isinstance(e, Mapping)]
        for item in raw_evidence[: limits.max_evidence_per_finding]:
            post_id = _text(item.get("post"))
            paragraph = item.get("paragraph")
            line = item.get("line")
            evidence.append(
                EvidenceView(
                    posts.ref(post_id),
                    posts.paragraph(post_id, int(_float(paragraph))) if paragraph is not None else None,
                    int(_float(line)) if line is not None else None,
                    _text(item.get("text")),
                )
            )
        kind = _text(finding.get("kind"))
        items.append(
            FindingView(
                kind=kind,
                kind_label=kind.replace("_", " ").replace("-", " ").capitalize() or "Finding",
                severity=_text(finding.get("severity")) or "low",
                posts=tuple(posts.ref(str(p)) for p in finding.get("posts") or []),
                summary=_text(finding.get("summary")),
                evidence=tuple(evidence),
                more_evidence=max(0, len(raw_evidence) - limits.max_evidence_per_finding),
            )
        )
    counts = Counter(_text(f.get("severity")) for f in raw)
    return FindingsView(True, tuple(items), len(raw), tuple((s, counts[s]) for s in SEVERITIES if counts[s]))


# Direction evidence (reuse.sources[].decided_by, provenance.dedup.order.EVIDENCE) in words.
# Guesses rest on a convention, not on evidence; they and "undecided" must never look like a date.
DIRECTIONS: dict[str, tuple[str, Literal["decided", "guessed", "undecided"]]] = {
    "reference": ("known source", "decided"),
    "citation_date": ("by citation dates", "decided"),
    "post_date": ("by post dates", "decided"),
    "post_time": ("by post times", "decided"),
    "credit": ("by a credit line", "decided"),
    "undated": ("guessed: a post is undated", "guessed"),
    "input_order": ("guessed from input order", "guessed"),
    "containment": ("guessed from containment", "guessed"),
    "undecided": ("undecided: same day", "undecided"),
}
_FIRMNESS = {"decided": 0, "guessed": 1, "undecided": 2}


def direction(decided_by: str) -> Direction:
    """The words and firmness for a ``decided_by`` value; an unknown or missing one is not a decision."""
    if decided_by in DIRECTIONS:
        label, firmness = DIRECTIONS[decided_by]
        return Direction(decided_by, label, firmness)
    if not decided_by:
        return Direction("", "not recorded", "undecided")
    return Direction(decided_by, decided_by.replace("_", " "), "undecided")


def verdict_label(derivation: str, params: Mapping[str, Any]) -> str:
    """A derivation named by what it measures, with the audit's cut-offs (params.wholly, partially)."""
    wholly = _float(params.get("wholly")) or 0.5
    partially = _float(params.get("partially")) or 0.1
    if derivation == "wholly":
        return f"mostly borrowed (≥{wholly * 100:g}%)"
    if derivation == "partially":
        return f"partly borrowed (≥{partially * 100:g}%)"
    return f"independent (<{partially * 100:g}%)"


def _copies(
    doc: Mapping[str, Any],
    posts: _Posts,
    pairs: list[_PairRecord],
    limits: ReportLimits,
) -> tuple[list[CopyRow], str | None]:
    """The copies table: every post the audit finds derived, most borrowed first."""
    params = doc.get("params") if isinstance(doc.get("params"), Mapping) else {}
    assert isinstance(params, Mapping)
    derived = []
    for post_id, post in posts.raw.items():
        reuse = post.get("reuse")
        if isinstance(reuse, Mapping) and reuse.get("derivation") in ("wholly", "partially"):
            derived.append((post_id, reuse))
    derived.sort(key=lambda item: (-_float(item[1].get("share")), posts.order[item[0]]))
    wanted = {post_id for post_id, _ in derived[: limits.max_copies]}
    across: dict[str, list[_PairRecord]] = defaultdict(list)
    for pair in pairs:
        if pair.a[0] != pair.b[0]:
            for side in (pair.a[0], pair.b[0]):
                if side in wanted:
                    across[side].append(pair)
    texts: dict[tuple[str, int], str] = {}
    for post_id in {p for pair_list in across.values() for pair in pair_list for p in (pair.a[0], pair.b[0])}:
        for raw in posts.raw[post_id].get("paragraphs") or []:
            if isinstance(raw, Mapping):
                texts[(post_id, int(_float(raw.get("index"))))] = _text(raw.get("text"))

    rows: list[CopyRow] = []
    for post_id, reuse in derived[: limits.max_copies]:
        credit = _credit_block(reuse)
        raw_sources = [s for s in reuse.get("sources") or [] if isinstance(s, Mapping)]
        sources = []
        for raw in raw_sources:
            source_id = _text(raw.get("post"))
            sources.append(
                CopySource(
                    posts.ref(source_id),
                    _float(raw.get("share")),
                    _float(raw.get("quoted_share")),
                    direction(_text(raw.get("decided_by"))),
                    _source_credit(credit, source_id),
                )
            )
        source_ids = {s.post.id for s in sources}
        aligned = []
        for pair in across.get(post_id, []):
            here, there = (pair.a, pair.b) if pair.a[0] == post_id else (pair.b, pair.a)
            if there[0] not in source_ids:
                continue  # copied *into* a later post: not this row's borrowing
            runs_a, runs_b = side_by_side(
                texts.get(pair.a, ""), texts.get(pair.b, ""), pair.raw.get("alignment"), pair.kind
            )
            side_a, side_b = (
                PairSide(posts.paragraph(*pair.a), runs_a),
                PairSide(posts.paragraph(*pair.b), runs_b),
            )
            if pair.a[0] == post_id:  # the source goes on the left: words "only on the left" swap sides
                aligned.append((here[1], AlignedPair(pair.kind, _mirrored(side_b), _mirrored(side_a))))
            else:
                aligned.append((here[1], AlignedPair(pair.kind, side_a, side_b)))
        aligned.sort(
            key=lambda item: (
                item[0],
                posts.sort_key(item[1].source.paragraph.post.id),
                item[1].source.paragraph.index,
                item[1].kind,
            )
        )
        credited = _float(credit.get("credited_share")) if credit is not None else None
        uncredited = _float(credit.get("uncredited_share")) if credit is not None else None
        if credited is None or uncredited is None:
            status = "unassessed"
        elif uncredited > 0 and credited > 0:
            status = "partly"
        else:
            status = "uncredited" if uncredited > 0 or not credited else "credited"
        weakest = max(
            (s.direction for s in sources), key=lambda d: _FIRMNESS[d.firmness], default=direction("")
        )
        derivation = _text(reuse.get("derivation"))
        rows.append(
            CopyRow(
                post=posts.ref(post_id),
                anchor=f"copy-{post_anchor(post_id)}",
                outlet=posts.outlet_of(post_id),
                share=_float(reuse.get("share")),
                quoted_share=_float(reuse.get("quoted_share")),
                verdict=derivation,
                verdict_label=verdict_label(derivation, params),
                sources=tuple(sources[: limits.max_sources_per_copy]),
                more_sources=max(0, len(sources) - limits.max_sources_per_copy),
                direction=weakest,
                credit_status=status,
                credit_label=CREDIT_WORDS.get(status, status),
                credited_share=credited,
                uncredited_share=uncredited,
                aligned=tuple(a for _, a in aligned[: limits.max_aligned_per_copy]),
                aligned_total=len(aligned),
            )
        )
    note = None
    if len(derived) > len(rows):
        note = f"The {len(rows):,} most borrowed of {len(derived):,} derived posts; all are in audit.json."
    return rows, note


CREDIT_WORDS = {
    "credited": "credited",
    "partly": "partly credited",
    "uncredited": "not credited",
    "unassessed": "credit not assessed",
}


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
    text = 0
    for post_id in chosen[: limits.max_cards]:
        text += sum(
            len(_text(p.get("text")))
            for p in _list(posts.raw[post_id], "paragraphs")
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
        post = posts.raw[post_id]
        paragraphs: list[ParagraphView] = []
        counts: dict[str, int] = defaultdict(int)
        for raw in post.get("paragraphs") or []:
            if not isinstance(raw, Mapping):
                continue
            index = int(_float(raw.get("index")))
            found = counterparts.get((post_id, index), [])
            provenance: Provenance = "original"
            if found:
                provenance = min((p for p, _ in found), key=_PRECEDENCE.__getitem__)
            ordered_counterparts = sorted(
                (c for _, c in found),
                key=lambda c: (posts.sort_key(c.target.post.id), c.target.index, c.kind),
            )
            counts[provenance] += 1
            paragraphs.append(
                ParagraphView(
                    index,
                    int(_float(raw.get("line"))),
                    _text(raw.get("text")),
                    paragraph_anchor(post_id, index),
                    provenance,
                    tuple(ordered_counterparts[:max_counterparts]),
                    max(0, len(ordered_counterparts) - max_counterparts),
                )
            )
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
                )
                for s in reuse.get("sources") or []
                if isinstance(s, Mapping)
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
                title=_text(post.get("title")) or post_id,
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
                provenance_counts=tuple((k, counts[k]) for k in PROVENANCE_LABELS if counts.get(k)),
                reference=post.get("reference") is True,
            )
        )
    return cards


_MIRROR: dict[str, Any] = {"deleted": "inserted", "inserted": "deleted"}


def _mirrored(side: PairSide) -> PairSide:
    """A side moved to the other column: words 'only on the left' become 'only on the right'."""
    return PairSide(side.paragraph, tuple(Run(_MIRROR.get(r.kind, r.kind), r.text) for r in side.runs))


def _similarity(pair: _PairRecord) -> float:
    return pair.containment if pair.kind in ("contained", "partial") else pair.jaccard


def _duplicates(
    doc: Mapping[str, Any], posts: _Posts, pairs: list[_PairRecord], limits: ReportLimits
) -> DuplicatesView:
    """Each cluster once, as its earliest witness and its copies; across posts first, then by shared words."""
    texts: dict[tuple[str, int], str] = {}
    for post_id, post in posts.raw.items():
        for raw in post.get("paragraphs") or []:
            if isinstance(raw, Mapping):
                texts[(post_id, int(_float(raw.get("index"))))] = _text(raw.get("text"))

    by_cluster: dict[str, list[_PairRecord]] = defaultdict(list)
    for pair in pairs:
        by_cluster[pair.cluster].append(pair)
    declared = {str(c.get("id")): c for c in _list(doc, "clusters") if isinstance(c, Mapping)}

    def words(ref: tuple[str, int]) -> int:
        return len(texts.get(ref, "").split())

    # The witness of every cluster and, for each other member, the pair that ties it closest to the
    # witness (breadth first over the cluster's pairs): the direct pair where the audit verified one.
    plans: dict[str, tuple[tuple[str, int], list[tuple[tuple[str, int], _PairRecord]]]] = {}
    for cluster_id, cluster_pairs in by_cluster.items():
        refs = {ref for pair in cluster_pairs for ref in (pair.a, pair.b)}
        declared_cluster = declared.get(cluster_id)
        witness = _ref(declared_cluster.get("earliest")) if declared_cluster else None
        if witness not in refs:
            witness = min(refs, key=lambda r: (posts.sort_key(r[0]), r[1]))
        assert witness is not None
        touching: dict[tuple[str, int], list[_PairRecord]] = defaultdict(list)
        for pair in sorted(cluster_pairs, key=lambda p: (p.a, p.b, p.kind)):
            touching[pair.a].append(pair)
            touching[pair.b].append(pair)
        reached = {witness}
        frontier = [witness]
        links: list[tuple[tuple[str, int], _PairRecord]] = []
        while frontier:
            following = []
            for ref in frontier:
                for pair in touching[ref]:
                    other = pair.b if pair.a == ref else pair.a
                    if other not in reached:
                        reached.add(other)
                        following.append(other)
                        links.append((other, pair))
            frontier = following
        links.sort(key=lambda link: (posts.sort_key(link[0][0]), link[0][1]))
        plans[cluster_id] = (witness, links)

    def scope_of(cluster_id: str) -> Literal["inside", "cross"]:
        witness, links = plans[cluster_id]
        return "cross" if any(ref[0] != witness[0] for ref, _ in links) else "inside"

    def shared(cluster_id: str) -> int:
        return sum(words(ref) for ref, _ in plans[cluster_id][1])

    def is_short(cluster_id: str) -> bool:
        witness, links = plans[cluster_id]
        return all(words(ref) < SHORT_WORDS for ref in [witness, *(r for r, _ in links)])

    def order(cluster_id: str) -> tuple[bool, bool, int, int, str]:
        return (
            is_short(cluster_id),
            scope_of(cluster_id) == "inside",
            -shared(cluster_id),
            -len(plans[cluster_id][1]),
            cluster_id.zfill(12),
        )

    cluster_ids = sorted(plans, key=order)
    views: list[ClusterView] = []
    shown = 0
    everywhere: Counter[str] = Counter()
    for cluster_id in cluster_ids:
        witness, links = plans[cluster_id]
        for ref, pair in links:
            everywhere[pair.kind] += 1
            everywhere["inside" if ref[0] == witness[0] else "cross"] += 1
    for cluster_id in cluster_ids[: limits.max_clusters]:
        if shown >= limits.max_pairs:
            break
        witness, links = plans[cluster_id]
        room = min(limits.max_pairs_per_cluster, limits.max_pairs - shown)
        members: list[MemberView] = []
        for ref, pair in links[:room]:
            other = pair.b if pair.a == ref else pair.a
            runs_a, runs_b = side_by_side(
                texts.get(pair.a, ""), texts.get(pair.b, ""), pair.raw.get("alignment"), pair.kind
            )
            # The member is read against the other paragraph: words only in the member are "inserted".
            runs = runs_b if pair.b == ref else _mirrored(PairSide(posts.paragraph(*ref), runs_a)).runs
            members.append(
                MemberView(
                    kind=pair.kind,
                    jaccard=pair.jaccard,
                    containment=pair.containment,
                    similarity=_similarity(pair),
                    scope="inside" if ref[0] == witness[0] else "cross",
                    outlets=tuple(
                        sorted(
                            {
                                o.casefold()
                                for o in (posts.outlet_of(witness[0]), posts.outlet_of(ref[0]))
                                if o
                            }
                        )
                    ),
                    paragraph=posts.paragraph(*ref),
                    runs=runs,
                    compared_with=None if other == witness else posts.paragraph(*other),
                )
            )
        shown += len(members)
        all_refs = [witness, *(r for r, _ in links)]
        views.append(
            ClusterView(
                id=cluster_id,
                anchor=cluster_anchor(cluster_id),
                size=len(all_refs),
                spread=len({post for post, _ in all_refs}),
                scope=scope_of(cluster_id),
                shared_words=shared(cluster_id),
                short=is_short(cluster_id),
                kinds=tuple(k for k in KINDS if any(p.kind == k for p in by_cluster[cluster_id])),
                earliest=posts.paragraph(*witness),
                witness_text=texts.get(witness, ""),
                members=tuple(members),
                members_total=len(links),
            )
        )

    copies_total = sum(len(plans[c][1]) for c in cluster_ids)
    note = None
    if len(views) < len(cluster_ids) or shown < copies_total:
        note = (
            f"Showing {shown:,} of {copies_total:,} copies in {len(views):,} of {len(cluster_ids):,} "
            f"clusters (across posts first, then by shared words). Every pair is listed in pairs.csv."
        )
    inlined = Counter(key for cluster in views for m in cluster.members for key in (m.kind, m.scope))
    outlet_names = sorted(
        {o for pair in pairs for o in (posts.outlet_of(pair.a[0]), posts.outlet_of(pair.b[0])) if o},
        key=str.casefold,
    )
    return DuplicatesView(
        clusters=tuple(v for v in views if not v.short),
        short_clusters=tuple(v for v in views if v.short),
        clusters_total=len(cluster_ids),
        copies_total=copies_total,
        copies_shown=shown,
        pairs_total=len(pairs),
        kind_counts=tuple((k, inlined[k], everywhere[k]) for k in KINDS),
        inside_count=(inlined["inside"], everywhere["inside"]),
        cross_count=(inlined["cross"], everywhere["cross"]),
        outlet_options=tuple((name.casefold(), name) for name in outlet_names),
        note=note,
    )


def _outlets(
    doc: Mapping[str, Any], posts: _Posts, limits: ReportLimits
) -> tuple[list[OutletView], str | None]:
    mentions_by_outlet: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for mention in _list(doc, "mentions"):
        if isinstance(mention, Mapping):
            named = _text(mention.get("outlet"))
            mentions_by_outlet[posts.canonical.get(named.casefold(), named).casefold()].append(mention)
    raw_outlets = [o for o in _list(doc, "outlets") if isinstance(o, Mapping)]
    raw_outlets.sort(
        key=lambda o: (
            -len(o.get("cited_by") or []),
            -len(o.get("mentioned_by") or []),
            _text(o.get("name")).casefold(),
            _text(o.get("name")),
        )
    )

    def ranked_posts(ids: object) -> tuple[PostRef, ...]:
        listed = sorted((str(p) for p in ids or []), key=posts.sort_key)  # type: ignore[attr-defined]
        return tuple(posts.ref(p) for p in listed[: limits.max_posts_per_outlet])

    views: list[OutletView] = []
    for outlet in raw_outlets[: limits.max_outlets]:
        name = _text(outlet.get("name"))
        evidence = sorted(
            mentions_by_outlet.get(name.casefold(), []),
            key=lambda m: (
                posts.sort_key(_text(m.get("post"))),
                int(_float(m.get("line"))),
                _text(m.get("sentence")),
            ),
        )
        mention_views = []
        for mention in evidence[: limits.max_mentions_per_outlet]:
            post_id = _text(mention.get("post"))
            index = int(_float(mention.get("paragraph", -1)))
            mention_views.append(
                MentionView(
                    _text(mention.get("sentence")),
                    _text(mention.get("surface")),
                    _text(mention.get("cue")),
                    posts.paragraph(post_id, index) if index >= 0 else None,
                    posts.ref(post_id),
                )
            )
        views.append(
            OutletView(
                name=name,
                anchor=outlet_anchor(name),
                kind=_text(outlet.get("kind")) or "outlet",
                aliases=tuple(sorted({_text(a) for a in outlet.get("aliases") or []} - {name})),
                cited_by=ranked_posts(outlet.get("cited_by")),
                cited_by_total=len(outlet.get("cited_by") or []),
                mentioned_by=ranked_posts(outlet.get("mentioned_by")),
                mentioned_by_total=len(outlet.get("mentioned_by") or []),
                mentions=tuple(mention_views),
                mentions_total=len(evidence),
            )
        )
    note = None
    if len(views) < len(raw_outlets):
        note = f"The {len(views):,} most cited of {len(raw_outlets):,} outlets; all are in audit.json."
    return views, note


def _health(doc: Mapping[str, Any], limits: ReportLimits, names: PathNames) -> HealthView:
    def rows(key: str, text_key: str) -> tuple[tuple[HealthRow, ...], int]:
        items = [i for i in _list(doc, key) if isinstance(i, Mapping)]
        out = []
        for item in items[: limits.max_health_rows]:
            line = item.get("line")
            where = names.show(_text(item.get("path"))) + (f":{line}" if line else "")
            out.append(HealthRow(where, _text(item.get(text_key))))
        return tuple(out), len(items)

    skipped, skipped_total = rows("skipped", "reason")
    unparsed, unparsed_total = rows("unparsed", "text")
    warnings, warnings_total = rows("warnings", "message")
    inputs_doc = doc.get("inputs") if isinstance(doc.get("inputs"), Mapping) else {}
    assert isinstance(inputs_doc, Mapping)
    encodings = inputs_doc.get("encodings") if isinstance(inputs_doc.get("encodings"), Mapping) else {}
    assert isinstance(encodings, Mapping)
    inputs = []
    for item in inputs_doc.get("files") or []:
        if isinstance(item, Mapping):
            path = _text(item.get("path"))
            detail = _text(item.get("format")) + (f", {encodings[path]}" if path in encodings else "")
            inputs.append((names.show(path), detail))
    params_doc = doc.get("params") if isinstance(doc.get("params"), Mapping) else {}
    assert isinstance(params_doc, Mapping)
    tool_doc = doc.get("tool") if isinstance(doc.get("tool"), Mapping) else {}
    assert isinstance(tool_doc, Mapping)
    return HealthView(
        skipped=skipped,
        skipped_total=skipped_total,
        unparsed=unparsed,
        unparsed_total=unparsed_total,
        warnings=warnings,
        warnings_total=warnings_total,
        classified_total=len(_list(doc, "classified")),
        inputs=tuple(sorted(inputs)),
        params=tuple(sorted((str(k), _param(v)) for k, v in params_doc.items())),
        tool=tuple(sorted((str(k), _param(v)) for k, v in tool_doc.items())),
    )


def _param(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        return (
            ", ".join(f"{k}={_param(v)}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))) or "—"
        )
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ", ".join(_param(v) for v in value) or "—"
    return str(value)


def _figures(
    doc: Mapping[str, Any], posts: _Posts, pairs: list[_PairRecord], clusters: int, cards: list[PostCard]
) -> tuple[Figure, ...]:
    summary = doc.get("summary") if isinstance(doc.get("summary"), Mapping) else {}
    assert isinstance(summary, Mapping)

    def count(key: str, fallback: int) -> int:
        return int(_float(summary[key])) if key in summary else fallback

    by_kind = summary.get("pairs_by_kind") if isinstance(summary.get("pairs_by_kind"), Mapping) else {}
    assert isinstance(by_kind, Mapping)

    def kind_count(kind: str) -> int:
        if kind in by_kind:
            return int(_float(by_kind[kind]))
        return sum(1 for p in pairs if p.kind == kind)

    paragraphs = sum(len(p.get("paragraphs") or []) for p in posts.raw.values())
    outlets = len(_list(doc, "outlets"))
    inside = _float(summary.get("copied_share_inside"))
    across = _float(summary.get("copied_share_across"))
    # One count of derived posts, by one rule: the audit's derivation (the copies table's rows).
    # Reprints (whole paragraphs re-published) are another rule; they are named on the posts' cards.
    derivations = Counter(
        _text(p["reuse"].get("derivation")) for p in posts.raw.values() if isinstance(p.get("reuse"), Mapping)
    )
    params = doc.get("params") if isinstance(doc.get("params"), Mapping) else {}
    assert isinstance(params, Mapping)
    derived = derivations["wholly"] + derivations["partially"]
    evidence = _text(summary.get("order_evidence"))
    return (
        Figure("posts", "posts", f"{count('posts', len(posts.raw)):,}"),
        Figure(
            "derived",
            "post borrows text" if derived == 1 else "posts borrow text",
            f"{derived:,}",
            f"{derivations['wholly']:,} {verdict_label('wholly', params)} · "
            f"{derivations['partially']:,} {verdict_label('partially', params)}",
        ),
        Figure("copied_share_across", "of text copied across posts", _percent(across)),
        Figure("copied_share_inside", "of text repeated inside posts", _percent(inside)),
        *([Figure("order_evidence", "who copied whom", _order_word(evidence), evidence)] if evidence else []),
        Figure("paragraphs", "paragraphs", f"{count('paragraphs', paragraphs):,}"),
        Figure(
            "pairs",
            "duplicate pairs",
            f"{count('pairs', len(pairs)):,}",
            " · ".join(f"{kind_count(k):,} {k}" for k in KINDS),
        ),
        Figure("clusters", "duplicate clusters", f"{count('clusters', clusters):,}"),
        Figure("outlets", "outlets", f"{count('outlets', outlets):,}"),
    )


def _order_word(evidence: str) -> str:
    """A word for the overview on what direction rests on (summary.order_evidence is the sentence)."""
    if evidence.startswith("a guess"):
        return "guessed"
    return "partly guessed" if "(a guess)" in evidence else "by evidence"


def _shares(
    posts: _Posts, post_id: str, counterparts: Mapping[tuple[str, int], list[tuple[Provenance, Counterpart]]]
) -> tuple[float, float, float]:
    """(borrowed, given, inside) shares of a post's words, for the chart.

    Borrowed is the audit's own ``reuse.share`` (word spans shared with
    earlier posts); given and inside count the words of whole paragraphs
    copied into later posts / repeated inside the post.
    """
    reuse = posts.raw[post_id].get("reuse")
    borrowed = _float(reuse.get("share")) if isinstance(reuse, Mapping) else 0.0
    words = posts.words(post_id)
    total = sum(words.values())
    if not total:
        return borrowed, 0.0, 0.0
    given = inside = 0
    for index, count in words.items():
        kinds = {provenance for provenance, _ in counterparts.get((post_id, index), [])}
        given += count if "into-later" in kinds else 0
        inside += count if "inside" in kinds else 0
    return borrowed, given / total, inside / total


def build_context(doc: Mapping[str, Any], limits: ReportLimits | None = None) -> ReportContext:
    """Compute everything the report shows from an audit.json document.

    Raises :class:`~provenance.errors.ReportError` when the document is not
    one (not a mapping, a list field that is not a list, a post without id).
    """
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
    counterparts = _counterparts(posts, pairs, earliest)
    cards = _cards(doc, posts, ordered, counterparts, limits.max_counterparts, names)
    duplicates = _duplicates(doc, posts, pairs, limits)
    copies, copies_note = _copies(doc, posts, pairs, limits)
    findings = _findings(doc, posts, limits)
    outlets, outlets_note = _outlets(doc, posts, limits)
    tool = doc.get("tool") if isinstance(doc.get("tool"), Mapping) else {}
    assert isinstance(tool, Mapping)

    # Shares are computed only where there is reuse; the rest of a 100k-post dump is zero.
    with_reuse = {post for post, _ in counterparts} | {
        post_id
        for post_id, post in posts.raw.items()
        if isinstance(post.get("reuse"), Mapping) and _float(post["reuse"].get("share")) > 0
    }
    rows = [
        (post_id, *_shares(posts, post_id, counterparts)) for post_id in posts.raw if post_id in with_reuse
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
    graph = draw_graph(doc, posts.title, posts.canonical, lambda p: posts.ref(p).href, limits.max_graph_nodes)
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
        figures=_figures(doc, posts, pairs, duplicates.clusters_total, cards),
        chart=chart,
        copied_posts=tuple(
            c for c in cards if c.reuse and c.reuse.sources and c.reuse.derivation in ("wholly", "partially")
        ),
        findings=findings,
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
    )
