"""The copies table, the report's first answer: one row per post that borrows, how sure, credited or not."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from provenance.edits import describe_changes, substantive_changes
from provenance.report.anchors import post_anchor
from provenance.report.context.common import (
    Direction,
    PairSide,
    PostRef,
    ReportLimits,
    _float,
    _list,
    _mirrored,
    _PairRecord,
    _Posts,
    _text,
    direction,
    verdict_label,
)
from provenance.report.context.posts import Credit, _credit_block, _source_credit
from provenance.report.textdiff import side_by_side
from provenance.schema import sources_main_first


@dataclass(frozen=True, slots=True)
class CopySource:
    """One source of a borrowing post, as a row of the copies table names it.

    What the copy changed in the paragraphs it carries from this source, from
    the audit's ``changes`` in words: ``changed_substance`` ("1 number, 2
    names", on the report's first lines too) and ``changed_otherwise`` ("2
    rewordings, 20 formatting edits"); ``changes_recorded`` is False for a
    document before 1.7, which has none, and ``changes_read`` False where the
    audit did not read them (its alignment budget spent, audit.json's null).
    """

    post: PostRef
    share: float
    quoted_share: float
    direction: Direction
    credit: Credit
    changes_recorded: bool = False
    changed_substance: str = ""
    changed_otherwise: str = ""
    changes_read: bool = True
    substantive_changes: int = 0  # how many substantive edits the changes hold, which the column sorts by


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
    credit_status: str  # credited, own_site, partly, uncredited, unassessed (reuse.credit absent)
    credit_label: str
    # Credit is judged for the order the audit took; where that order is a guess, a missing credit
    # holds only if this post is the copy, and the cell says so instead of accusing on a convention.
    credit_if_copy: bool
    credited_share: float | None  # shares of the post's words; None when the audit did not assess credit
    uncredited_share: float | None
    aligned: tuple[AlignedPair, ...]
    aligned_total: int
    # The audit found this post's words disguised (a high or medium ``disguised_copy`` or ``disguised_text``
    # finding names it first): they hide look-alike letters or characters no reader sees from tools.
    disguised: bool = False

    @property
    def substantive_changes(self) -> int:
        """The substantive edits (figures, dates, names...) the copy made over all its sources: a
        fact-checker sorts the copies table by it to find the copies that changed the facts."""
        return sum(source.substantive_changes for source in self.sources)

    @property
    def main_direction(self) -> Direction:
        """How the order of this post and its main source was decided: what a line naming that source says."""
        return self.sources[0].direction if self.sources else self.direction


_FIRMNESS = {"decided": 0, "guessed": 1, "undecided": 2}


def _disguised_posts(doc: Mapping[str, Any], wanted: set[str]) -> set[str]:
    """The posts of ``wanted`` a high or medium ``disguised_copy`` or ``disguised_text`` finding names first:
    the audit's call."""
    found = set()
    for finding in _list(doc, "findings"):
        if (
            isinstance(finding, Mapping)
            and finding.get("kind") in ("disguised_copy", "disguised_text")
            and finding.get("severity") in ("high", "medium")
        ):
            named = finding.get("posts")
            if isinstance(named, list) and named and named[0] in wanted:
                found.add(named[0])
    return found


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
        for raw in posts.paragraphs(post_id):
            if isinstance(raw, Mapping):
                texts[(post_id, int(_float(raw.get("index"))))] = _text(raw.get("text"))

    disguised = _disguised_posts(doc, wanted)
    rows: list[CopyRow] = []
    aligned_room = limits.max_aligned
    for post_id, brief in derived[: limits.max_copies]:
        # The summary holds a copy's share, verdict and sources' shares; a row shows its credit too.
        whole = posts.whole(post_id).get("reuse")
        reuse = whole if isinstance(whole, Mapping) else brief
        credit = _credit_block(reuse)
        raw_sources = sources_main_first(s for s in reuse.get("sources") or [] if isinstance(s, Mapping))
        sources = []
        for raw in raw_sources:
            source_id = _text(raw.get("post"))
            recorded = raw.get("changes")
            substance, otherwise = describe_changes(recorded) if isinstance(recorded, Mapping) else ("", "")
            sources.append(
                CopySource(
                    posts.ref(source_id),
                    _float(raw.get("share")),
                    _float(raw.get("quoted_share")),
                    direction(_text(raw.get("decided_by"))),
                    _source_credit(credit, source_id),
                    "changes" in raw,
                    substance,
                    otherwise,
                    isinstance(recorded, Mapping),
                    substantive_changes(recorded) if isinstance(recorded, Mapping) else 0,
                )
            )
        source_ids = {s.post.id for s in sources}
        aligned = []
        for pair in across.get(post_id, []):
            here, there = (pair.a, pair.b) if pair.a[0] == post_id else (pair.b, pair.a)
            if there[0] not in source_ids:
                continue  # copied *into* a later post: not this row's borrowing
            runs_a, runs_b = side_by_side(
                texts.get(pair.a, ""), texts.get(pair.b, ""), pair.alignment(), pair.kind
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
        if status == "credited" and _own_site_only(credit):
            status = "own_site"
        weakest = max(
            (s.direction for s in sources), key=lambda d: _FIRMNESS[d.firmness], default=direction("")
        )
        derivation = _text(reuse.get("derivation"))
        main = sources[0].direction if sources else weakest
        credit_if_copy = main.firmness != "decided" and status in ("uncredited", "partly")
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
                credit_label=CREDIT_WORDS.get(status, status)
                + (", if it is the copy" if credit_if_copy else ""),
                credit_if_copy=credit_if_copy,
                credited_share=credited,
                uncredited_share=uncredited,
                aligned=tuple(a for _, a in aligned[: min(limits.max_aligned_per_copy, aligned_room)]),
                aligned_total=len(aligned),
                disguised=post_id in disguised,
            )
        )
        aligned_room -= len(rows[-1].aligned)
    note = None
    if len(derived) > len(rows):
        note = f"The {len(rows):,} most borrowed of {len(derived):,} derived posts; all are in audit.json."
    return rows, note


def _own_site_only(credit: Mapping[str, Any] | None) -> bool:
    """Whether the audit found every borrowed word to be the site's own earlier text (``how: same_site``).

    A blog repeating its own post owes nobody a credit: "credited" in the
    lead read as if it named a source it had not.
    """
    entries = [e for e in (credit or {}).get("by") or [] if isinstance(e, Mapping)]
    return bool(entries) and all(e.get("how") == "same_site" for e in entries)


CREDIT_WORDS = {
    "credited": "credited",
    "own_site": "its own site's text",
    "partly": "partly credited",
    "uncredited": "not credited",
    "unassessed": "credit not assessed",
}
