"""The records handed from one pipeline stage to the next.

Every stage is a function from the records of the previous stage to its own,
so a stage can be rewritten without reading the others. The records are plain
frozen, slotted dataclasses: cheap at a million paragraphs, hashable, and easy
to turn into JSON (see :mod:`provenance.export`).

Identifiers: a post id is a string unique in the corpus; a paragraph is named
by ``ParagraphRef(post, index)`` where ``index`` is its 0-based position in
``Post.paragraphs``. Lines are 1-based physical lines of the input file.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, overload

# --------------------------------------------------------------------------
# ingest -> everything else
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a record came from, so the report can point a reader back to it.

    ``line_start``/``line_end`` are 1-based and inclusive. For JSON Lines the
    line is the JSON line; for WXR it is the line of the ``<item>`` element.
    """

    path: str
    line_start: int
    line_end: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of a post's body text, in reading order.

    ``index`` is the 0-based position in the post; ``line`` the first input
    line of the paragraph and ``line_end`` its last (equal for one-line
    paragraphs, as in the plain-text archive).
    """

    index: int
    line: int
    text: str
    line_end: int = 0

    def __post_init__(self) -> None:
        if self.line_end == 0:
            object.__setattr__(self, "line_end", self.line)


@dataclass(frozen=True, slots=True)
class Citation:
    """The credit line a re-publishing post gives for its original.

    In the plain-text archive: ``Title, Outlet, [Author, ]Month D, YYYY``.
    ``author`` is all authors joined with ", " (None when there is none);
    ``authors`` keeps them apart. ``line`` is 0 when the citation did not come
    from a line of its own (JSON fields, WXR metadata).
    """

    title: str | None
    outlet: str | None
    author: str | None
    date: dt.date | None
    line: int = 0
    authors: tuple[str, ...] = ()
    raw: str = ""


LineRole = Literal[
    "header",  # archive header, e.g. "Posted tagged ‘…’"
    "separator",  # a line of asterisks between excerpt and full text
    "image",  # an image file name left where an image was
    "photo_credit",  # "…Photo Credit: JP.com graphic"
    "editor_note",  # "(But please see, … — DM)", "[Editor’s Note: …]"
    "boilerplate",  # share buttons and the like recognised by the reader
    "title",  # the rest of a title too long to be one (provenance.ingest.MAX_TITLE_CHARS)
]


@dataclass(frozen=True, slots=True)
class ClassifiedLine:
    """A non-blank input line that is neither metadata nor body text.

    It is kept, with its role, so that no input line is ever silently lost.
    """

    path: str
    line: int
    role: LineRole
    text: str


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink of a post: where it points and the words it is on.

    ``paragraph`` is the index of the paragraph holding it, -1 for a link
    outside the paragraphs (a caption, a page's navigation); ``line`` the
    input line of that paragraph or note. Only ``http``/``https`` links are
    kept; ``domain`` is the host lower-cased, without a leading ``www.``.
    """

    paragraph: int
    url: str
    domain: str
    text: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class Post:
    """One post of the dump with its text split into paragraphs.

    ``title_line``/``date_line`` are the input lines the title and date came
    from (0 when they did not come from a line of their own). ``notes`` holds
    the classified non-content lines inside the post (editor notes, image
    names, separators). ``format`` names the reader that produced the post.
    ``time`` is the time of day of ``date`` where the input gives one (as
    written), ``utc_offset`` the offset from UTC the input gives with it (the
    two name an instant, which orders posts across time zones), and
    ``reference`` marks a text the user declared a known source
    (``--reference``): it is earlier than every other text and a copy of none.
    ``links`` are the post's hyperlinks in reading order (HTML and WordPress
    input only; at most :data:`provenance.ingest.links.MAX_LINKS_PER_POST`).
    """

    id: str
    title: str
    date: dt.date | None
    source: SourceRef
    citation: Citation | None
    paragraphs: tuple[Paragraph, ...]
    notes: tuple[ClassifiedLine, ...] = ()
    title_line: int = 0
    date_line: int = 0
    url: str | None = None
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    format: str = "archive"
    time: dt.time | None = None
    reference: bool = False
    links: tuple[Link, ...] = ()
    utc_offset: dt.timedelta | None = None


@dataclass(frozen=True, slots=True)
class UnparsedLine:
    """A non-blank input line that no rule could place (reported, never dropped)."""

    path: str
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """An input file (or part of one) that could not be read at all, and why."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class InputWarning:
    """Something the reader repaired or doubted; ``line`` is 0 for a whole file."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass(slots=True)
class Corpus:
    """What ingest hands on: the posts in input order plus the input's health.

    Mutable on purpose: readers append to it while they stream.
    """

    posts: list[Post] = field(default_factory=list)
    classified: list[ClassifiedLine] = field(default_factory=list)  # outside any post
    unparsed: list[UnparsedLine] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # every file read, in order
    formats: dict[str, str] = field(default_factory=dict)  # path -> reader that read it
    encodings: dict[str, str] = field(default_factory=dict)  # path -> encoding used
    references: list[str] = field(default_factory=list)  # files read as known sources (--reference)


# --------------------------------------------------------------------------
# dedup -> graph, export, report
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class ParagraphRef:
    """A paragraph named by its post id and 0-based index in that post."""

    post: str
    paragraph: int


PairKind = Literal["exact", "near", "contained", "partial"]


@dataclass(frozen=True, slots=True)
class Segment:
    """One step of the word alignment between two paragraphs.

    ``op`` is ``equal`` (shared words), ``replace``, ``delete`` (only in a) or
    ``insert`` (only in b). Offsets are character offsets into each
    paragraph's ``text``, half-open, so the report can highlight them.
    """

    op: Literal["equal", "replace", "delete", "insert"]
    a_start: int
    a_end: int
    b_start: int
    b_end: int


_T = TypeVar("_T")


class _Packed(Sequence[_T]):
    """Rows of a code and four character offsets in one machine array: a pair's alignment or edits.

    At a million paragraphs the pairs' alignments and edits, held as tuples of
    small objects with an int object per offset and a string per edited span,
    took some 460 MB of the audit (a scratch script's deep size of the pickled
    audit). Packed, a row is five 8-byte numbers, and its record is made when
    it is read. A packed sequence equals the tuple of its records, and hashes
    as that tuple does.
    """

    __slots__ = ("_rows",)
    _rows: array[int]

    def _item(self, at: int) -> _T:
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self._rows) // 5

    def __iter__(self) -> Iterator[_T]:
        return map(self._item, range(0, len(self._rows), 5))

    @overload
    def __getitem__(self, index: int) -> _T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[_T, ...]: ...
    def __getitem__(self, index: int | slice) -> _T | tuple[_T, ...]:
        if isinstance(index, slice):
            return tuple(self._item(i * 5) for i in range(*index.indices(len(self))))
        count = len(self)
        position = index + count if index < 0 else index
        if not 0 <= position < count:
            raise IndexError(f"{type(self).__name__} index out of range")
        return self._item(position * 5)

    def __bool__(self) -> bool:
        return bool(self._rows)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (_Packed, tuple, list)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"


_OPS: tuple[str, ...] = ("equal", "replace", "delete", "insert")
_OP_CODES = {op: code for code, op in enumerate(_OPS)}


class Alignment(_Packed[Segment]):
    """A pair's word alignment, packed: a sequence of :class:`Segment`."""

    __slots__ = ()

    def __init__(self, segments: Iterable[Segment | tuple[str, int, int, int, int]] = ()) -> None:
        rows: list[int] = []
        for segment in segments:
            if isinstance(segment, Segment):
                segment = (segment.op, segment.a_start, segment.a_end, segment.b_start, segment.b_end)
            op, a_start, a_end, b_start, b_end = segment
            rows += (_OP_CODES[op], a_start, a_end, b_start, b_end)
        self._rows = array("q", rows)  # made whole: an array grown row by row keeps spare room

    def _item(self, at: int) -> Segment:
        rows = self._rows
        op: Any = _OPS[rows[at]]
        return Segment(op, rows[at + 1], rows[at + 2], rows[at + 3], rows[at + 4])

    def fields(self) -> Iterator[tuple[str, int, int, int, int]]:
        """Each segment's op and offsets as a plain tuple: for writers, without making the records."""
        rows = self._rows.tolist()
        for at in range(0, len(rows), 5):
            yield _OPS[rows[at]], rows[at + 1], rows[at + 2], rows[at + 3], rows[at + 4]

    def __reduce__(self) -> tuple[Any, ...]:
        return (_unpickle, (Alignment, self._rows.tobytes()))


def _unpickle(kind: type[_Packed[Any]], rows: bytes, *texts: str) -> _Packed[Any]:
    packed = kind.__new__(kind)
    packed._rows = array("q")
    packed._rows.frombytes(rows)
    for name, text in zip(("_source", "_copy"), texts, strict=False):
        object.__setattr__(packed, name, text)
    return packed


EditKind = Literal[
    "number",
    "date",
    "name",
    "negation",
    "hedge",
    "quote",
    "sentence_dropped",
    "sentence_added",
    "lead_in_cut",
    "lead_in_added",
    "reordered",
    "wording",
    "bracket",
    "ellipsis",
    "spelling",
    "case",
    "punctuation",
    "quote_style",
    "whitespace",
    "disguise",
]
#: Every kind in the order edits are listed: substantive first, formatting last.
KINDS: tuple[EditKind, ...] = EditKind.__args__  # type: ignore[attr-defined]
GROUPS: dict[str, str] = {
    **dict.fromkeys(("number", "date", "name", "negation", "hedge", "quote"), "substantive"),
    **dict.fromkeys(
        ("sentence_dropped", "sentence_added", "lead_in_cut", "lead_in_added", "reordered", "wording"),
        "structural",
    ),
    **dict.fromkeys(("bracket", "ellipsis", "spelling"), "editorial"),
    **dict.fromkeys(("case", "punctuation", "quote_style", "whitespace", "disguise"), "formatting"),
}


@dataclass(frozen=True, slots=True)
class Edit:
    """One difference: its kind, and the half-open character spans and texts of both sides.

    ``a`` is the source's side and ``b`` the copy's; an empty span sits where
    the other side's text would go.
    """

    kind: EditKind
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    a_text: str
    b_text: str

    @property
    def group(self) -> str:
        return GROUPS[self.kind]


_KIND_CODES: dict[str, int] = {kind: code for code, kind in enumerate(KINDS)}


class Edits(_Packed[Edit]):
    """What a copy changed, packed: a sequence of :class:`Edit`.

    An edit's texts are the spans of the two paragraphs' texts
    (``source[a_start:a_end]`` and ``copy[b_start:b_end]``), which the audit
    holds anyway: the packed form keeps the two texts and each edit's kind and
    offsets, and slices the spans when an edit is read.
    """

    __slots__ = ("_copy", "_source")

    def __init__(
        self, rows: Iterable[tuple[str, int, int, int, int]] = (), source: str = "", copy: str = ""
    ) -> None:
        packed: list[int] = []
        for kind, a_start, a_end, b_start, b_end in rows:
            packed += (_KIND_CODES[kind], a_start, a_end, b_start, b_end)
        self._rows = array("q", packed)
        self._source = source
        self._copy = copy

    @classmethod
    def of(cls, edits: Iterable[Edit], source: str, copy: str) -> Edits:
        """``edits`` of ``source`` into ``copy``, packed; raises ValueError if a text is not its span."""
        rows = []
        for e in edits:
            if source[e.a_start : e.a_end] != e.a_text or copy[e.b_start : e.b_end] != e.b_text:
                raise ValueError(f"edit {e!r} does not hold the texts' spans")
            rows.append((e.kind, e.a_start, e.a_end, e.b_start, e.b_end))
        return cls(rows, source, copy)

    def _item(self, at: int) -> Edit:
        rows = self._rows
        a_start, a_end, b_start, b_end = rows[at + 1], rows[at + 2], rows[at + 3], rows[at + 4]
        return Edit(
            KINDS[rows[at]],
            a_start,
            a_end,
            b_start,
            b_end,
            self._source[a_start:a_end],
            self._copy[b_start:b_end],
        )

    def kinds(self) -> Iterator[EditKind]:
        """Each edit's kind, in order, read from the codes without making the records."""
        return map(KINDS.__getitem__, self._rows[0::5])

    def of_kind(self, kind: EditKind) -> list[Edit]:
        """The edits of one kind, in order: a look at the kinds' codes first, records only for those found."""
        rows = self._rows
        code = _KIND_CODES[kind]
        if code not in rows[0::5]:
            return []
        return [self._item(at) for at in range(0, len(rows), 5) if rows[at] == code]

    def fields(self) -> Iterator[tuple[EditKind, int, int, int, int, str, str]]:
        """Each edit's kind, offsets and texts as a plain tuple: for writers, without making the records."""
        rows = self._rows.tolist()
        source, copy = self._source, self._copy
        for at in range(0, len(rows), 5):
            a_start, a_end, b_start, b_end = rows[at + 1], rows[at + 2], rows[at + 3], rows[at + 4]
            yield KINDS[rows[at]], a_start, a_end, b_start, b_end, source[a_start:a_end], copy[b_start:b_end]

    def swapped(self) -> Edits:
        """The same edits read the other way: each side's span and text exchanged."""
        rows = self._rows
        swapped = Edits((), self._copy, self._source)
        swapped._rows = array(
            "q",
            [
                value
                for at in range(0, len(rows), 5)
                for value in (rows[at], rows[at + 3], rows[at + 4], rows[at + 1], rows[at + 2])
            ],
        )
        return swapped

    def __reduce__(self) -> tuple[Any, ...]:
        return (_unpickle, (Edits, self._rows.tobytes(), self._source, self._copy))


@dataclass(frozen=True, slots=True)
class Pair:
    """Two paragraphs that repeat each other, verified exactly.

    ``jaccard`` and ``containment`` are exact values on the shingle sets
    (containment = shared / size of the smaller set). For ``contained`` and
    ``partial`` pairs ``a`` is the shorter paragraph; otherwise ``a`` is the
    one that comes first in input order. ``alignment`` covers both texts.
    """

    a: ParagraphRef
    b: ParagraphRef
    kind: PairKind
    jaccard: float
    containment: float
    alignment: Sequence[Segment] = ()  # an Alignment, as the duplicate stage makes it
    # Which side is the source ("a" or "b"; None when nothing decides), and what
    # the copy changed (:mod:`provenance.edits`): spans on the pair's own a and
    # b, kinds read from the source to the copy.
    source: Literal["a", "b"] | None = None
    edits: Sequence[Edit] = ()  # Edits, as the duplicate stage makes them
    # What ``source`` rests on: across posts the chronology's evidence for the two
    # posts (an ``EVIDENCE`` name of :mod:`provenance.dedup.order`, ``undecided``
    # when ``source`` is None), so that a reader can tell a date from a guess;
    # inside one post ``longer_paragraph``. None before :func:`with_edits` decides.
    decided_by: str | None = None
    # For a ``partial`` pair, its containment on ``partial_shingle_size``-word
    # shingles: the measure it is kept on (its ``containment`` on the longer
    # shingles can be near 0). None for the other kinds, which are not decided
    # on it (and whose paragraphs the partial index may leave out).
    partial_containment: float | None = None

    @property
    def spans(self) -> tuple[Segment, ...]:
        """The shared (``equal``) segments of the alignment."""
        return tuple(s for s in self.alignment if s.op == "equal")

    @property
    def inside_post(self) -> bool:
        return self.a.post == self.b.post


@dataclass(frozen=True, slots=True)
class Cluster:
    """Paragraphs linked by pairs (connected components), with the earliest witness.

    ``witness_decided_by`` is the weakest evidence that the witness's post
    precedes the other members' posts: ``undecided`` when a contemporary holds
    the text too, empty for a cluster inside one post.
    """

    id: int
    members: tuple[ParagraphRef, ...]
    earliest: ParagraphRef
    kinds: tuple[str, ...]  # distinct pair kinds inside the cluster, sorted
    witness_decided_by: str = ""
    # What each member that differs from the earliest witness changed (the witness is the source).
    edits: tuple[tuple[ParagraphRef, Sequence[Edit]], ...] = ()


Derivation = Literal["wholly", "partially", "independent"]


@dataclass(frozen=True, slots=True)
class ReuseSource:
    """An earlier post a post borrows from, how much, and the evidence that it is earlier.

    ``share`` and ``quoted_share`` are fractions of the borrowing post's words
    taken from this post outside and inside quotations; ``decided_by`` names
    the evidence of order (:data:`provenance.dedup.order.EVIDENCE`).
    ``changes`` counts what the borrowing post changed in the paragraphs it
    carries from this one, by edit kind (:mod:`provenance.edits`), in the
    order of :data:`KINDS` (substantive first), kinds it never changed left
    out; set by the audit after the pairs' edits, or where the two posts
    share passages but no paragraph, read inside those passages (empty:
    nothing changed; None: not read, the alignment's budget spent, see
    :class:`provenance.edits.SharedPassages`).
    """

    post: str
    share: float
    quoted_share: float = 0.0
    decided_by: str = ""
    changes: tuple[tuple[EditKind, int], ...] | None = ()


CreditWay = Literal[
    "citation",
    "same_site",
    "link",
    "credit_line",
    "title",
    "attribution_line",
    "mention",
    "quotation",
    "none",
]


@dataclass(frozen=True, slots=True)
class SourceCredit:
    """How a post credits one source it borrows from (:mod:`provenance.reuse_credit`).

    ``share`` is the fraction of the borrowing post's words this entry covers;
    ``credited`` is False only for ``how == "none"`` (absorbed without credit).
    ``outlet`` names the source's outlet the credit (or its absence) is about;
    ``evidence_line`` and ``evidence`` the line that gives the credit.
    """

    source: str
    outlet: str | None
    how: CreditWay
    credited: bool
    share: float
    evidence_line: int | None = None
    evidence: str | None = None


@dataclass(frozen=True, slots=True)
class ReuseCredit:
    """A borrowing post's words split into credited and uncredited, with each credit's evidence."""

    credited_share: float
    uncredited_share: float
    by: tuple[SourceCredit, ...] = ()


@dataclass(frozen=True, slots=True)
class PostReuse:
    """How much of a post is borrowed from earlier posts (self-repetition excluded).

    ``share`` counts the borrowed words outside quotations and
    ``quoted_share`` those inside, both as fractions of the post's words; the
    verdict rests mostly on the first.
    """

    share: float
    derivation: Derivation
    sources: tuple[ReuseSource, ...] = ()  # earliest witness first
    quoted_share: float = 0.0
    credit: ReuseCredit | None = None  # set by the credit stage when the post borrows


@dataclass(frozen=True, slots=True)
class Boilerplate:
    """Text repeated across many posts, reported once instead of as many pairs."""

    text: str
    posts: int
    members: tuple[ParagraphRef, ...]


@dataclass(slots=True)
class DedupResult:
    pairs: list[Pair] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    reuse: dict[str, PostReuse] = field(default_factory=dict)
    boilerplate: list[Boilerplate] = field(default_factory=list)
    stats: dict[str, float | str] = field(default_factory=dict)  # counts, seconds, datasketch version…


# --------------------------------------------------------------------------
# graph -> export, report
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mention:
    """An in-text attribution of a claim to an outlet, with its evidence."""

    post: str
    outlet: str  # canonical outlet name
    surface: str  # the name as written in the text
    sentence: str
    line: int
    paragraph: int  # index in the post, -1 when not in a paragraph
    cue: str  # the verb or phrase: "according to", "reported", …


CreditHow = Literal[
    "link",  # a link to the outlet's site
    "via",  # "via X"
    "source",  # "Source: X"
    "hat tip",  # "H/T X", "hat tip to X"
    "originally published",  # "Originally published at X", "This article first appeared in X"
    "first published",  # "First published by X"
    "reprinted",  # "Reprinted from X", "Republished with permission of X"
    "cross-posted",  # "Cross-posted from X"
    "courtesy",  # "Courtesy of X"
    "copyright",  # "Copyright 2021 X", "© X" (an outlet of the table)
    "dateline",  # "WASHINGTON (AP) —", "(Reuters) -" (an outlet of the table)
    "lead-in",  # "From Reuters:" opening a line
    "contributed",  # "Reuters contributed to this report", "Additional reporting by X", "(With AFP)"
    "read more",  # "Read more at X", "Read the full article at X"
    "produced by",  # "This story was produced by X"
    "title",  # "AP: Storm hits the coast", "... (Reuters)", "... | Reuters" (a news outlet of the table)
]


@dataclass(frozen=True, slots=True)
class Credit:
    """A post crediting an outlet as where its text came from: a link to its site or a credit line.

    ``outlet`` is the canonical name, ``surface`` the name as written (the
    link's text, or the domain when the link has no name), ``how`` the kind
    of credit, ``evidence`` the credit line or the sentence holding the link,
    ``url`` the link's address when there is one. ``paragraph`` is -1 outside
    the paragraphs (a caption, a note).
    """

    post: str
    outlet: str
    surface: str
    how: CreditHow
    evidence: str
    line: int
    paragraph: int
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Reprint:
    """``copy`` carries text of ``source``; ``decided_by`` says which evidence chose the direction."""

    source: str
    copy: str
    shared_paragraphs: int
    share_of_source: float
    decided_by: str = "post_date"  # citation_date | post_date | containment | input_order


OutletSource = Literal["known", "found"]


@dataclass(frozen=True, slots=True)
class OutletReuse:
    """How much text of an outlet (the posts that cite it) reappears in other posts, and how much credits it.

    ``copies`` counts the posts that borrow it; ``words`` the words they
    borrow, ``credited_words`` those of them that credit it.
    """

    copies: int
    words: int
    credited_words: int
    credited_share: float


@dataclass(frozen=True, slots=True)
class Outlet:
    """One outlet of the graph and the posts that cite, mention or credit it.

    ``source`` is ``known`` for an outlet of the outlet table (built in or
    ``--aliases``) and ``found`` for one recognised from the text alone.
    """

    name: str
    aliases: tuple[str, ...]
    cited_by: tuple[str, ...]
    mentioned_by: tuple[str, ...]
    kind: str = "news outlet"
    credited_by: tuple[str, ...] = ()
    source: OutletSource = "known"
    reuse: OutletReuse | None = None


FindingKind = Literal[
    "misattribution",
    "date_inversion",
    "same_claim_different_text",
    "substantive_edit_without_notice",
    "dangling_reference",
    "self_plagiarism",
    "syndication",
    "disguised_copy",
    "disguised_text",
]
Severity = Literal["high", "medium", "low"]


@dataclass(frozen=True, slots=True)
class FindingEvidence:
    """One piece of evidence of a finding: a post and where in it (paragraph, line: None for the post)."""

    post: str
    paragraph: int | None
    line: int | None
    text: str


@dataclass(frozen=True, slots=True)
class Finding:
    """A claim a post makes that the dump contradicts (:mod:`provenance.findings`), with its evidence."""

    kind: FindingKind
    severity: Severity
    posts: tuple[str, ...]
    summary: str
    evidence: tuple[FindingEvidence, ...] = ()


@dataclass(slots=True)
class GraphResult:
    """The provenance graph and what the graph stage decided.

    ``graph`` is a ``networkx.MultiDiGraph`` of posts, outlets, authors and
    editor notes (typed loosely so models needs no networkx import).
    ``clusters`` (a :class:`provenance.graph.clusters.ClusterLayer`) makes the
    cluster and paragraph nodes when they are read instead of holding them:
    :meth:`elements` walks the whole graph, :meth:`full_graph` builds it as one
    networkx graph.
    """

    graph: Any
    reprints: list[Reprint] = field(default_factory=list)
    outlets: list[Outlet] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    summary: dict[str, object] = field(default_factory=dict)
    credits: list[Credit] = field(default_factory=list)
    clusters: Any = None

    def elements(self) -> Any:
        """Every node and edge, the cluster layer's among the graph's (a ``GraphElements``)."""
        from provenance.graph.clusters import GraphElements

        return GraphElements(self.graph, self.clusters)

    def full_graph(self) -> Any:
        """The whole graph as one ``networkx.MultiDiGraph``, cluster and paragraph nodes included."""
        return self.elements().to_networkx()


# --------------------------------------------------------------------------
# audit: everything together, for export and report
# --------------------------------------------------------------------------


@dataclass(slots=True)
class Audit:
    """The result of one audit: the input, what repeats, and where it came from.

    ``config`` is an :class:`provenance.config.AuditConfig` (typed loosely to
    keep this module free of imports). ``timings`` holds seconds per stage.
    """

    config: object
    corpus: Corpus
    dedup: DedupResult
    graph: GraphResult
    version: str
    generated_at: str
    timings: dict[str, float] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # What changed since the store's previous run (``--db``; :mod:`provenance.store.diff`), else None.
    since_last_run: dict[str, Any] | None = None

    @property
    def posts(self) -> list[Post]:
        return self.corpus.posts

    @property
    def pairs(self) -> list[Pair]:
        return self.dedup.pairs

    @property
    def reprints(self) -> list[Reprint]:
        return self.graph.reprints

    @property
    def outlets(self) -> list[Outlet]:
        return self.graph.outlets
