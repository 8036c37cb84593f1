"""The findings listed at the top of the report (audit.json ``findings``), most severe first."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from provenance.report.context.common import (
    ParagraphLink,
    PostRef,
    ReportLimits,
    _float,
    _list,
    _Posts,
    _text,
)


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


SEVERITIES = ("high", "medium", "low")


def _findings(doc: Mapping[str, Any], posts: _Posts, limits: ReportLimits) -> FindingsView:
    """The audit's findings, most severe first (input order within a severity), evidence linked."""
    if doc.get("findings") is None:
        return FindingsView(False, (), 0, ())
    # One pass that keeps only the shown findings' places, then those read again: a fresh audit's
    # findings are made as they are read, and the generated 100,000-paragraph dump's, all held at
    # once, were 10 MB of the report's build.
    source = _list(doc, "findings")
    rank = {severity: n for n, severity in enumerate(SEVERITIES)}
    counts: Counter[str] = Counter()

    def places() -> Iterator[tuple[int, int]]:
        for position, finding in enumerate(source):
            if isinstance(finding, Mapping):
                severity = _text(finding.get("severity"))
                counts[severity] += 1
                yield rank.get(severity, 3), position

    shown = heapq.nsmallest(limits.max_findings, places())
    items = []
    for _, position in shown:
        finding = source[position]
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
    total = sum(counts.values())
    return FindingsView(True, tuple(items), total, tuple((s, counts[s]) for s in SEVERITIES if counts[s]))
