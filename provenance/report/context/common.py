"""Shared by every section: the document readers, post lookups, pairs, limits and path naming."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from provenance.errors import ReportError
from provenance.report.anchors import paragraph_anchor, post_anchor
from provenance.report.textdiff import Run

KINDS: tuple[str, ...] = ("exact", "near", "contained", "partial")


LARGE_REPORT = 400  # cards + clusters above which off-screen layout is deferred


SHORT_WORDS = 5  # a cluster whose paragraphs are all shorter is folded away as trivial


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

    # The four caps below were chosen together by load time (bench_report.py, 100,000 posts): 3,000
    # cards, 2,000 clusters, 5,000 pairs and 1,000 copy rows made 13.3 MB loading in 2.4-2.8 s;
    # these make 8.3 MB loading in 1.6-1.7 s. What is cut is counted, and is in the CSVs and audit.json.
    max_cards: int = 2000  # post cards with full text; beyond it, posts involved in reuse first
    # Characters over all cards, each paragraph counted with its markup and its counterpart links
    # (posts.py _choose_cards). The estimate runs about 1.4 times low on real text: 7 million keeps
    # the posts section near 10 MB (the generated 100,000-paragraph dump's report: 22 MB in all).
    max_card_text: int = 7_000_000
    # Paragraphs shown in one card: one post of 100,000 share lines made a 51 MB page. Reused
    # paragraphs are kept first; the card counts the rest, which audit.json holds.
    max_card_paragraphs: int = 1000
    max_clusters: int = 1000  # duplicate clusters inlined, largest and widest first
    max_pairs: int = 2500  # pairs inlined over all clusters
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
    max_copies: int = 500  # rows of the copies table (about 2 kB each), most borrowed first
    max_sources_per_copy: int = 5  # sources named in one row; the rest are counted
    max_aligned_per_copy: int = 40  # aligned paragraph pairs under one row
    # Aligned pairs over all rows: each carries two paragraphs' text, and 2,000 rows of 40 would
    # double a big report's weight. Rows past it still name their sources; their posts' cards and
    # the Duplicates section hold the text.
    max_aligned: int = 1000
    max_findings: int = 200  # findings listed at the top; the rest are counted
    max_evidence_per_finding: int = 8


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
class PairSide:
    paragraph: ParagraphLink
    runs: tuple[Run, ...]


def _list(doc: Mapping[str, Any], key: str) -> Sequence[Any]:
    """``doc[key]``: a list read from audit.json, or the audit's own items made as they are read."""
    value = doc.get(key)
    if value is None:
        return []
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
        raise ReportError(f"audit.json: {key!r} must be a list, got {type(value).__name__}")
    return value


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _opt_text(value: object) -> str | None:
    return None if value in (None, "") else str(value)


def _float(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):  # an integer too large for a float: not finite either
        return 0.0
    return number if math.isfinite(number) else 0.0


def _ref(value: object) -> tuple[str, int] | None:
    if isinstance(value, Mapping) and "post" in value and "paragraph" in value:
        try:
            return str(value["post"]), int(value["paragraph"])
        except (TypeError, ValueError, OverflowError):  # int() of an infinite float overflows
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


#: The fields of a post every section of the report reads (the rest are read for its card only).
_SUMMARY_KEYS = ("id", "title", "date", "time", "citation", "reuse", "reference")

#: What every section reads of a derived post's reuse, and of each of its sources (the graph's edges).
_REUSE_KEYS = ("share", "derivation")  # and a derived post's sources, each as _SOURCE_KEYS
_SOURCE_KEYS = ("post", "share", "decided_by")


class _Frozen(Mapping[str, Any]):
    """A read-only mapping held as two tuples: the keys (one tuple shared by every mapping with the same
    keys) and the values.

    A post's summary is one of these, with its citation and reuse too: on
    the generated 100,000-paragraph dump (tracemalloc), the summaries took
    14.8 MB as dicts, a third of the report build's peak, and 7.2 MB so.
    """

    __slots__ = ("_keys", "_values")
    _shared_keys: ClassVar[dict[tuple[str, ...], tuple[str, ...]]] = {}

    def __init__(self, items: Mapping[str, Any]) -> None:
        keys = tuple(items)
        self._keys = self._shared_keys.setdefault(keys, keys)
        self._values = tuple(items.values())

    def __getitem__(self, key: str) -> Any:
        try:
            return self._values[self._keys.index(key)]
        except ValueError:
            raise KeyError(key) from None

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return f"_Frozen({dict(self)!r})"


def _source_summary(source: Any) -> Any:
    return _Frozen({key: source.get(key) for key in _SOURCE_KEYS}) if isinstance(source, Mapping) else source


def _summary(post: Mapping[str, Any]) -> _Frozen:
    """What every section reads of a post: :data:`_SUMMARY_KEYS`, with its citation's outlet alone, and
    its reuse's share, derivation and, for a derived post, each source's post, share and what decided
    the order (the overview counts the copies whose order is a guess).

    A citation's title, author and date, a copy's credits and each source's
    quoted share are shown on the post's card and in the
    copies table only, which read the whole post again (:meth:`_Posts.whole`).
    """
    kept = {key: post[key] for key in _SUMMARY_KEYS if key in post}
    citation = kept.get("citation")
    if isinstance(citation, Mapping):
        kept["citation"] = _Frozen({"outlet": citation.get("outlet")})
    reuse = kept.get("reuse")
    if isinstance(reuse, Mapping):
        brief = {key: reuse.get(key) for key in _REUSE_KEYS}
        if reuse.get("derivation") in ("wholly", "partially") and "sources" in reuse:
            sources = reuse["sources"]
            brief["sources"] = tuple(map(_source_summary, sources)) if isinstance(sources, list) else sources
        kept["reuse"] = _Frozen(brief)
    return _Frozen(kept)


class _Posts:
    """Post lookups shared by every section: titles, order, outlets, which cards exist.

    A title more than one post has (folders of ``story1.txt`` files, reposts that keep the
    headline) names its posts by id as well, so a row never seems to show a post copying itself.

    ``raw`` holds each post's summary (:func:`_summary`) only when the posts
    are made as they are read (a fresh audit's document): every section reads
    it, while a post's paragraphs, place in the input, notes, links and the
    rest of its citation are shown on its card alone, and :meth:`whole` makes
    a card's post again (and the copies table a copy's reuse). A list read
    from audit.json is in memory already and is kept as it is.
    """

    def __init__(self, posts: Sequence[Any]) -> None:
        self.raw: dict[str, Mapping[str, Any]] = {}
        self.order: dict[str, int] = {}
        self.paragraph_count = 0
        self._source = posts
        self._source_kept = isinstance(posts, list)
        self._last: tuple[str, Mapping[str, Any]] | None = None
        title_counts: Counter[str] = Counter()
        for position, post in enumerate(posts):
            if not isinstance(post, Mapping) or "id" not in post:
                raise ReportError(f"audit.json: post {position} has no id")
            post_id = str(post["id"])
            if post_id in self.raw:
                raise ReportError(f"audit.json: post id {post_id!r} appears twice")
            paragraphs = post.get("paragraphs")
            self.paragraph_count += len(paragraphs) if isinstance(paragraphs, list) else 0
            kept = post if self._source_kept else _summary(post)
            self.raw[post_id] = kept
            self.order[post_id] = position
            title_counts[_text(post.get("title")).strip().casefold()] += 1
        self._shared_titles = {title for title, count in title_counts.items() if count > 1}
        self.rendered: set[str] = set()  # set once by _choose_cards, before any ref is made
        self._refs: dict[str, PostRef] = {}
        self.canonical: dict[str, str] = {}  # casefolded alias or name -> canonical outlet name

    def whole(self, post_id: str) -> Mapping[str, Any]:
        """``post_id`` with every field the document gives it (empty for an id it does not hold)."""
        position = self.order.get(post_id)
        if position is None:
            return {}
        if self._source_kept:
            return self.raw[post_id]
        if self._last is None or self._last[0] != post_id:  # a card asks twice: fields, then paragraphs
            self._last = (post_id, self._source[position])
        return self._last[1]

    def paragraphs(self, post_id: str) -> Sequence[Any]:
        """The paragraphs of ``post_id`` as the document gives them (empty for an id it does not hold)."""
        return _list(self.whole(post_id), "paragraphs")

    def title(self, post_id: str) -> str:
        """The post's title as the report shows it: its id too when another post has the same title.

        An id whose last part is the title (a file's path without its suffix, as ``bbc/bbc1com``
        for ``bbc1com``) is shown alone; an untitled post is shown by its id.
        """
        post = self.raw.get(post_id)
        title = _text(post.get("title")) if post else ""
        bare = title.strip()
        if not bare:
            return post_id
        if bare.casefold() not in self._shared_titles:
            return title
        last_part = post_id.replace("\\", "/").rsplit("/", 1)[-1]
        return post_id if last_part.casefold() == bare.casefold() else f"{bare} ({post_id})"

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
        """Words per paragraph index, the unit the copied shares are measured in.

        Not kept: the chart asks once per post with reuse, and keeping every
        answer held 100 MB at 2.4 million paragraphs.
        """
        return {
            int(_float(p.get("index"))): len(_text(p.get("text")).split())
            for p in self.paragraphs(post_id)
            if isinstance(p, Mapping)
        }


@dataclass(slots=True)
class _PairRecord:
    """One pair as the report's sections read it: its paragraphs, kind, measures and cluster.

    Each side is held as its post and paragraph index, and :attr:`a` and
    :attr:`b` make the ``(post, index)`` reference when asked: on the
    generated 100,000-paragraph dump a record took 342 bytes with the two
    tuples and 228 without (tracemalloc), and every record is held while the
    report's sections that read every pair are built (759,146 at 2.4 million
    paragraphs).
    """

    a_post: str
    a_index: int
    b_post: str
    b_index: int
    kind: str
    jaccard: float
    containment: float
    #: Containment on the partial shingles (``pairs[].partial_containment``), None in a 1.4 document.
    partial_containment: float | None
    #: The audit's source side, ``"a"``, ``"b"`` or None (``pairs[].source``), and what it rests on
    #: (``pairs[].decided_by``; empty in a document before 1.5).
    side: str | None
    decided_by: str
    cluster: str
    #: The document's pairs and this one's place there: its alignment is read again when a row shows
    #: it, rather than every pair's held for the few the report shows (a million pairs at 1M paragraphs).
    source: Sequence[Any]
    position: int

    @property
    def a(self) -> tuple[str, int]:
        return self.a_post, self.a_index

    @property
    def b(self) -> tuple[str, int]:
        return self.b_post, self.b_index

    def alignment(self) -> Any:
        raw = self.source[self.position]
        return raw.get("alignment") if isinstance(raw, Mapping) else None


def _pairs(doc: Mapping[str, Any]) -> list[_PairRecord]:
    records: list[_PairRecord] = []
    source = _list(doc, "pairs")
    # A fresh audit's pairs without their alignments (export.Items.briefs): read again for the rows shown.
    briefs = getattr(source, "briefs", None)
    clusters: dict[str, str] = {}  # one string per cluster, not one per pair
    decisions: dict[str, str] = {}  # and per decided_by value
    for position, raw in enumerate(source if briefs is None else briefs()):
        if not isinstance(raw, Mapping):
            continue
        a, b = _ref(raw.get("a")), _ref(raw.get("b"))
        if a is None or b is None:
            continue
        kind = _text(raw.get("kind")) or "near"
        cluster = "" if raw.get("cluster") is None else str(raw.get("cluster"))
        side = raw.get("source")
        partial = raw.get("partial_containment")
        decided_by = _text(raw.get("decided_by"))
        records.append(
            _PairRecord(
                *a,
                *b,
                kind,
                _float(raw.get("jaccard")),
                _float(raw.get("containment")),
                None if partial is None else _float(partial),
                side if side in ("a", "b") else None,
                decisions.setdefault(decided_by, decided_by),
                clusters.setdefault(cluster, cluster),
                source,
                position,
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


def verdict_label(derivation: str, params: Mapping[str, Any]) -> str:
    """A derivation named by what it measures, with the audit's cut-offs (params.wholly, partially)."""
    wholly = _float(params.get("wholly")) or 0.5
    partially = _float(params.get("partially")) or 0.1
    if derivation == "wholly":
        return f"mostly borrowed (≥{wholly * 100:g}%)"
    if derivation == "partially":
        return f"partly borrowed (≥{partially * 100:g}%)"
    return f"independent (<{partially * 100:g}%)"


_MIRROR: dict[str, Any] = {"deleted": "inserted", "inserted": "deleted"}


def _mirrored(side: PairSide) -> PairSide:
    """A side moved to the other column: words 'only on the left' become 'only on the right'."""
    return PairSide(side.paragraph, tuple(Run(_MIRROR.get(r.kind, r.kind), r.text) for r in side.runs))


def _similarity(pair: _PairRecord) -> float:
    """The measure a pair's kind was decided on (a ``partial`` pair's: containment on short shingles)."""
    if pair.kind == "partial" and pair.partial_containment is not None:
        return pair.partial_containment
    return pair.containment if pair.kind in ("contained", "partial") else pair.jaccard


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


def direction(decided_by: str) -> Direction:
    """The words and firmness for a ``decided_by`` value; an unknown or missing one is not a decision."""
    if decided_by in DIRECTIONS:
        label, firmness = DIRECTIONS[decided_by]
        return Direction(decided_by, label, firmness)
    if not decided_by:
        return Direction("", "not recorded", "undecided")
    return Direction(decided_by, decided_by.replace("_", " "), "undecided")
