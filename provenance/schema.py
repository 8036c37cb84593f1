"""The audit.json document as typed definitions: one place that says what every record holds.

:func:`provenance.export.audit_to_dict` builds an :class:`AuditDoc`, and the
type checker holds it to these definitions: a field written but not declared,
or declared but not written, is an error. Adding a field to audit.json is
therefore one change here (and the line in ``export.py`` that fills it), and
every reader typed against these definitions sees it. ``docs/audit-json.md``
says what each field means; ``tests/test_export_schema.py`` checks that the
seed's document declares every key it holds.

The definitions describe what provenance writes. A document read from disk
may come from an older version (``schema_version`` below, or none before it
existed): readers still guard what they read.
"""

# No ``from __future__ import annotations``: Python 3.11's TypedDict reads NotRequired
# only from evaluated annotations, and the key test reads __optional_keys__.
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, NotRequired, TypedDict, TypeVar

from provenance.models import (
    CreditHow,
    CreditWay,
    Derivation,
    EditKind,
    FindingKind,
    OutletSource,
    PairKind,
    Severity,
)

__all__ = [
    "SCHEMA_VERSION",
    "AuditDoc",
    "BoilerplateDoc",
    "ClusterDoc",
    "CreditDoc",
    "FindingDoc",
    "PairDoc",
    "PostDoc",
    "ReprintDoc",
    "ReuseDoc",
    "schema_major",
    "sources_main_first",
]

#: The version of the audit.json document, ``"MAJOR.MINOR"``. MINOR goes up when
#: a field is added (or a field gains a new value, such as a new ``kind``):
#: a reader of an older MINOR ignores what it does not know. MAJOR goes up when
#: a field is removed or renamed or changes its type or meaning; a reader refuses
#: a MAJOR above its own. A document without the field predates it and reads as 1.0.
SCHEMA_VERSION = "1.8"


def schema_major(version: object) -> int | None:
    """The MAJOR of a document's ``schema_version`` (1 when it has none), or None when it is not a version.

    An integer is taken as a MAJOR with MINOR 0, so a reader accepts either form.
    """
    if version is None:
        return 1
    if isinstance(version, bool):
        return None
    if isinstance(version, int):
        return version if version >= 0 else None
    if isinstance(version, str):
        major, _, minor = version.partition(".")
        if major.isdigit() and (not minor or minor.isdigit()):
            return int(major)
    return None


class ToolDoc(TypedDict):
    name: str
    version: str
    datasketch: str
    minhash_scheme: str
    #: SHA-256 of the installed package's own files: two audits with the same one ran the same code.
    code_sha256: NotRequired[str]


class InputFileDoc(TypedDict):
    path: str
    format: str | None
    reference: bool


class InputsDoc(TypedDict):
    files: list[InputFileDoc]
    encodings: dict[str, str]


class PairsByKindDoc(TypedDict):
    exact: int
    near: int
    contained: int
    partial: int


class FindingsBySeverityDoc(TypedDict):
    high: int
    medium: int
    low: int


class SummaryDoc(TypedDict):
    posts: int
    paragraphs: int
    words: int
    pairs: int
    pairs_by_kind: PairsByKindDoc
    pairs_inside_posts: int
    pairs_across_posts: int
    clusters: int
    reprints: int
    outlets: int
    mentions: int
    credits: int
    links: int
    boilerplate: int
    copied_share_inside: float
    copied_share_across: float
    unparsed: int
    skipped: int
    warnings: int
    order_evidence: str
    findings: int
    findings_by_severity: FindingsBySeverityDoc


class RefDoc(TypedDict):
    """A paragraph: its post's id and its 0-based index there."""

    post: str
    paragraph: int


class SourceFileDoc(TypedDict):
    path: str
    line_start: int
    line_end: int


class CitationDoc(TypedDict):
    title: str | None
    outlet: str | None
    author: str | None
    authors: list[str]
    date: str | None
    line: int | None


class ParagraphDoc(TypedDict):
    index: int
    line: int
    line_end: int
    text: str


class NoteDoc(TypedDict):
    line: int
    role: str
    text: str


class LinkDoc(TypedDict):
    paragraph: int
    url: str
    domain: str
    text: str
    line: int


class ReuseSourceDoc(TypedDict):
    post: str
    share: float
    quoted_share: float
    decided_by: str
    # What the borrowing post changed in the paragraphs it carries from this source (or inside the passages
    # the two share, where they share no paragraph): edit kind -> count, substantive kinds first, kinds it
    # never changed left out (since 1.7; absent from older documents); None where not read (since 1.8).
    changes: NotRequired[dict[str, int] | None]


_Source = TypeVar("_Source", bound=Mapping[str, Any])


def sources_main_first(sources: Iterable[_Source]) -> list[_Source]:
    """A post's ``reuse.sources`` with the one it borrows most words from first.

    The document lists them earliest witness first, which is the order of the
    evidence; a reader asks first what the post was copied *from*, so the
    report's copies table and posts.csv's ``main_source`` rank them by
    ``share``, then ``quoted_share``, keeping the earliest witness first on a
    tie. A value that is not a number (a hand-edited document) counts as 0.
    """

    def weight(source: _Source) -> tuple[float, float]:
        return (-_number(source.get("share")), -_number(source.get("quoted_share")))

    return sorted(sources, key=weight)


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return 0.0
    return float(value)


class CreditByDoc(TypedDict):
    """One source of a post's borrowed words, and whether the post credits it."""

    source: str
    outlet: str | None
    how: CreditWay
    credited: bool
    share: float
    evidence_line: int | None
    evidence: str | None


class ReuseCreditDoc(TypedDict):
    """How much of a post's borrowed text is credited to where it came from."""

    credited_share: float
    uncredited_share: float
    by: list[CreditByDoc]


class ReuseDoc(TypedDict):
    share: float
    quoted_share: float
    derivation: Derivation
    sources: list[ReuseSourceDoc]
    # Written for borrowing posts only.
    credit: NotRequired[ReuseCreditDoc]


class PostDoc(TypedDict):
    id: str
    title: str
    date: str | None
    time: str | None
    utc_offset: NotRequired[str | None]
    reference: bool
    source: SourceFileDoc
    citation: CitationDoc | None
    paragraphs: list[ParagraphDoc]
    notes: list[NoteDoc]
    links: list[LinkDoc]
    url: str | None
    categories: list[str]
    tags: list[str]
    format: str
    reuse: ReuseDoc | None


class EditDoc(TypedDict):
    kind: EditKind
    group: str
    a: list[int]
    b: list[int]
    a_text: str
    b_text: str


class PairDoc(TypedDict):
    a: RefDoc
    b: RefDoc
    kind: PairKind
    jaccard: float
    containment: float
    #: A partial pair's containment on ``partial_shingle_size``-word shingles, null for other kinds
    #: (1.4 and earlier: absent).
    partial_containment: NotRequired[float | None]
    inside_post: bool
    cluster: int | None
    #: ``[op, a_start, a_end, b_start, b_end]`` per segment.
    alignment: list[list[str | int]]
    source: Literal["a", "b"] | None
    #: What ``source`` rests on (1.4 and earlier: absent).
    decided_by: NotRequired[str | None]
    edits: list[EditDoc]


class MemberEditsDoc(TypedDict):
    member: RefDoc
    edits: list[EditDoc]


class ClusterDoc(TypedDict):
    id: int
    members: list[RefDoc]
    earliest: RefDoc
    kinds: list[str]
    posts: list[str]
    witness_decided_by: str | None
    edits: list[MemberEditsDoc]


class BoilerplateDoc(TypedDict):
    text: str
    posts: int
    members: list[RefDoc]


class ReprintDoc(TypedDict):
    source: str
    copy: str
    shared_paragraphs: int
    share_of_source: float
    decided_by: str


class OutletReuseDoc(TypedDict):
    """How much text of an outlet reappears in other posts, and how much of it credits the outlet."""

    copies: int
    words: int
    credited_words: int
    credited_share: float


class OutletDoc(TypedDict):
    name: str
    aliases: list[str]
    kind: str
    cited_by: list[str]
    mentioned_by: list[str]
    credited_by: list[str]
    source: OutletSource
    reuse: OutletReuseDoc | None


class MentionDoc(TypedDict):
    post: str
    outlet: str
    surface: str
    sentence: str
    line: int
    paragraph: int
    cue: str


class CreditDoc(TypedDict):
    post: str
    outlet: str
    surface: str
    how: CreditHow
    evidence: str
    line: int
    paragraph: int
    url: str | None


class OutletCountDoc(TypedDict):
    outlet: str
    posts: int


class PostShareDoc(TypedDict):
    post: str
    share: float


class GraphSummaryDoc(TypedDict):
    outlets_by_citing_posts: list[OutletCountDoc]
    posts_by_copied_share: list[PostShareDoc]
    reprint_edges: int
    nodes: int
    edges: int


class UnparsedDoc(TypedDict):
    path: str
    line: int
    text: str


class ClassifiedDoc(TypedDict):
    path: str
    line: int
    role: str
    text: str


class SkippedDoc(TypedDict):
    path: str
    reason: str


class WarningDoc(TypedDict):
    path: str
    line: int
    message: str


class FindingEvidenceDoc(TypedDict):
    post: str
    paragraph: int | None
    line: int | None
    text: str


class FindingDoc(TypedDict):
    """A claim a post makes that the dump contradicts, with the paragraphs that show it."""

    kind: FindingKind
    severity: Severity
    posts: list[str]
    summary: str
    evidence: list[FindingEvidenceDoc]


class AuditDoc(TypedDict):
    """The whole audit.json document; its required fields are written in this order.

    The long lists are ``Sequence``: :func:`~provenance.export.audit_to_dict`
    makes their items as they are read (:class:`~provenance.export.Items`),
    and ``json.load`` gives lists.
    """

    tool: ToolDoc
    schema_version: str
    generated_at: str
    #: Every parameter of :class:`~provenance.config.AuditConfig` (its own single definition).
    params: dict[str, Any]
    inputs: InputsDoc
    summary: SummaryDoc
    findings: Sequence[FindingDoc]
    posts: Sequence[PostDoc]
    pairs: Sequence[PairDoc]
    clusters: Sequence[ClusterDoc]
    boilerplate: Sequence[BoilerplateDoc]
    reprints: Sequence[ReprintDoc]
    outlets: Sequence[OutletDoc]
    mentions: Sequence[MentionDoc]
    credits: Sequence[CreditDoc]
    graph: GraphSummaryDoc
    unparsed: Sequence[UnparsedDoc]
    classified: Sequence[ClassifiedDoc]
    skipped: list[SkippedDoc]
    warnings: Sequence[WarningDoc]
    timings: dict[str, float]
    #: Only with ``--db``: what changed since the store's previous run (:mod:`provenance.store.diff`).
    since_last_run: NotRequired[dict[str, Any]]
