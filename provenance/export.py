"""Machine-readable outputs: audit.json, the CSV tables, GraphML and GEXF, and the report file.

``audit_to_dict`` is the single definition of the audit.json document
(``docs/audit-json.md``); the HTML report is rendered from that document too,
so ``provenance report audit.json`` shows exactly what the audit found. The CSV
tables (``pairs.csv``, ``posts.csv``, ``reprints.csv``) are read from that
document as well: they copy the audit's decisions (which side is the source,
how the direction was decided) and never make one of their own.

Writes are atomic as a set: every output is first written to a temporary file
beside its target, and only when all of them are complete are they moved into
place with ``os.replace``. An interrupted run leaves the previous outputs intact;
a killed one leaves its temporary files, which the next run clears
(:mod:`provenance.ownership`). The audit's outputs are written under the output
folder's lock, so two audits into one folder never mix their files.
"""

from __future__ import annotations

import array
import codecs
import contextlib
import csv
import datetime as dt
import functools
import hashlib
import io
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO, cast

from provenance.errors import ReportError
from provenance.interrupts import deferred, raise_if_swallowed
from provenance.models import (
    GROUPS,
    Alignment,
    Audit,
    Cluster,
    Edit,
    Edits,
    Finding,
    Outlet,
    Pair,
    ParagraphRef,
    Post,
    PostReuse,
    ReuseCredit,
    Segment,
)
from provenance.ownership import clear_staged, output_lock, owned_temp_file
from provenance.schema import (
    SCHEMA_VERSION,
    AuditDoc,
    ClusterDoc,
    EditDoc,
    FindingDoc,
    FindingsBySeverityDoc,
    GraphSummaryDoc,
    OutletDoc,
    PairDoc,
    PairsByKindDoc,
    PostDoc,
    RefDoc,
    ReuseCreditDoc,
    ReuseDoc,
    ReuseSourceDoc,
    schema_major,
    sources_main_first,
)
from provenance.workers import ForkedCall, collector_paused, release_free_memory

Progress = Callable[[str, int, int | None], None]

__all__ = [
    "GEXF_MAX_NODES",
    "JSON_MAX_INPUT_BYTES",
    "OUTPUT_FILES",
    "OUTPUT_STORE",
    "Items",
    "SpreadsheetSafeWriter",
    "audit_to_dict",
    "load_audit_json",
    "materialized",
    "open_output",
    "pairs_csv",
    "posts_csv",
    "refuse_outputs_replacing",
    "refuse_replacing",
    "reprints_csv",
    "spreadsheet_cell",
    "write_atomically",
    "write_output_text",
    "write_outputs",
    "write_pairs_csv",
    "write_posts_csv",
    "write_reprints_csv",
]

#: Above this many graph nodes graph.gexf is not written with the audit: a
#: second file of the whole graph beside graph.graphml (90 MB beside 69 MB
#: for the generated 100,000-paragraph dump) would add its writing to the
#: command's time, in this process at that size (see
#: :data:`PARALLEL_GRAPH_MAX_ELEMENTS`). ``provenance graph
#: --format gexf`` writes it on request, streamed as GraphML is.
GEXF_MAX_NODES = 200_000

#: Between these numbers of graph nodes plus edges, the graph files are
#: written by a forked process beside the other outputs. Below the first,
#: forking costs more than it saves. Above the second, the memory it costs
#: outweighs the time: the forked writer walks every node and edge, and each
#: page it touches becomes its own copy (``bench_audit.py``: at 100,000
#: paragraphs, 173,000 elements, 34.6 -> 24.9 s for 238 MB more; at a
#: million, at ``62c9f96``, 591.8 s and 3,934 MB forked against 641.0 s
#: and 2,624 MB not: over issue 20's 3 GB).
PARALLEL_GRAPH_MIN_ELEMENTS = 20_000
PARALLEL_GRAPH_MAX_ELEMENTS = 400_000

#: Inputs larger than this (in bytes, the files an audit reads) are kept in a
#: store instead of audit.json, unless asked otherwise (``provenance audit
#: --json/--no-json``). audit.json is about three times its input (1.2 GB for
#: the generated million-paragraph dump of 419 MB): past a few hundred
#: megabytes no reader loads it whole, while the store answers queries
#: (``docs/store.md``) and ``provenance report --db`` renders from it.
JSON_MAX_INPUT_BYTES = 100 * 1024 * 1024

#: The store an audit keeps in its output folder when it writes no audit.json.
OUTPUT_STORE = "audit.sqlite"

#: The files an audit writes into its output folder.
OUTPUT_FILES = (
    "report.html",
    "audit.json",
    "pairs.csv",
    "posts.csv",
    "reprints.csv",
    "graph.graphml",
    "graph.gexf",
)

PAIR_CSV_COLUMNS = (
    "a_post",
    "a_paragraph",
    "a_line",
    "b_post",
    "b_paragraph",
    "b_line",
    "kind",
    "jaccard",
    "containment",
    "partial_containment",
    "inside_post",
    "cluster",
    "source",
    "decided_by",
    "a_title",
    "a_date",
    "b_title",
    "b_date",
    "a_text",
    "b_text",
)

POST_CSV_COLUMNS = (
    "id",
    "title",
    "date",
    "cited_date",
    "outlet",
    "author",
    "words",
    "borrowed_share",
    "quoted_share",
    "verdict",
    "main_source",
    "main_source_title",
    "main_source_date",
    "decided_by",
    "other_sources",
    "credited_share",
    "uncredited_share",
    "credited_how",
    "reference",
    "path",
    "line",
    "main_source_changes",
)

REPRINT_CSV_COLUMNS = (
    "source",
    "source_title",
    "source_date",
    "copy",
    "copy_title",
    "copy_date",
    "shared_paragraphs",
    "share_of_source",
    "decided_by",
)

#: pairs.csv's ``source`` where the audit decided no direction (``pairs[].source`` is null).
UNDECIDED = "undecided"


#: The codec error handler of every text output: a lone surrogate (from a
#: ``"\\ud800"`` escape in JSON, or an undecodable byte of a file name, which
#: Python holds as a surrogate escape) cannot be encoded in UTF-8 and would
#: end the write in a UnicodeEncodeError; it is written as U+FFFD instead.
#: UTF-8 can encode every other code point, so nothing else is touched.
SURROGATES_REPLACED = "provenance.surrogates-replaced"


def _replace_surrogates(error: UnicodeError) -> tuple[bytes, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    # Bytes, not "\ufffd": the UTF-8 encoder takes only ASCII text from a handler.
    return "\ufffd".encode() * (error.end - error.start), error.end


codecs.register_error(SURROGATES_REPLACED, _replace_surrogates)


def open_output(path: str | os.PathLike[str]) -> TextIO:
    """A text output opened for writing: UTF-8, lone surrogates written as U+FFFD, newlines as given.

    Every text file the project writes goes through here (or :func:`write_output_text`),
    so that no value from the dump can make a writer fail half-way.
    """
    return open(path, "w", encoding="utf-8", errors=SURROGATES_REPLACED, newline="")


def write_output_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` as :func:`open_output` does."""
    with open_output(path) as handle:
        handle.write(text)


@functools.cache
def code_sha256() -> str:
    """SHA-256 of the installed package's files (code, templates, data), in a fixed order.

    The version number changes with a release, not with every change of
    the code an editable install runs; this does. The store compares it
    before it skips an audit (:meth:`provenance.store.RunStore.unchanged_run`).
    """
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def _r(value: float) -> float:
    return round(float(value), 4)


def _iso(value: object) -> str | None:
    return value.isoformat() if value is not None else None  # type: ignore[attr-defined]


def _offset(offset: dt.timedelta | None) -> str | None:
    """An offset from UTC as ISO 8601 writes it: ``+05:30``, ``-04:00`` (``+05:30:15`` with seconds)."""
    if offset is None:
        return None
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")


def _ref(ref: ParagraphRef) -> RefDoc:
    return {"post": ref.post, "paragraph": ref.paragraph}


def _post_dict(post: Post, reuse: ReuseDoc | None) -> PostDoc:
    citation = post.citation
    return {
        "id": post.id,
        "title": post.title,
        "date": _iso(post.date),
        "time": _iso(post.time),
        "utc_offset": _offset(post.utc_offset),
        "reference": post.reference,
        "source": {
            "path": post.source.path,
            "line_start": post.source.line_start,
            "line_end": post.source.line_end,
        },
        "citation": None
        if citation is None
        else {
            "title": citation.title,
            "outlet": citation.outlet,
            "author": citation.author,
            "authors": list(citation.authors),
            "date": _iso(citation.date),
            "line": citation.line,
        },
        "paragraphs": [
            {"index": p.index, "line": p.line, "line_end": p.line_end, "text": p.text}
            for p in post.paragraphs
        ],
        "notes": [{"line": n.line, "role": n.role, "text": n.text} for n in post.notes],
        "links": [
            {"paragraph": k.paragraph, "url": k.url, "domain": k.domain, "text": k.text, "line": k.line}
            for k in post.links
        ],
        "url": post.url,
        "categories": list(post.categories),
        "tags": list(post.tags),
        "format": post.format,
        "reuse": reuse,
    }


def _word_count(text: str) -> int:
    return len(text.split())


def _copied_shares(audit: Audit) -> tuple[int, float, float]:
    """Total body words, and the shares in paragraphs repeated inside / across posts."""
    # Per post, each paired paragraph's flags (1: paired inside its post, 2: across posts): a
    # ParagraphRef made and hashed per paragraph of the dump was half of this at a million paragraphs.
    paired: dict[str, dict[int, int]] = {}
    for pair in audit.pairs:
        flag = 1 if pair.inside_post else 2
        for ref in (pair.a, pair.b):
            of_post = paired.setdefault(ref.post, {})
            of_post[ref.paragraph] = of_post.get(ref.paragraph, 0) | flag
    total = inside_words = across_words = 0
    for post in audit.posts:
        flags = paired.get(post.id)
        for paragraph in post.paragraphs:
            words = _word_count(paragraph.text)
            total += words
            if flags and (flag := flags.get(paragraph.index, 0)):
                inside_words += words if flag & 1 else 0
                across_words += words if flag & 2 else 0
    if total == 0:
        return 0, 0.0, 0.0
    return total, inside_words / total, across_words / total


class Items(Sequence[Any]):
    """A top-level list of the audit.json document, each item made when it is read.

    At a million paragraphs the document held as dicts and lists was gigabytes
    beside the audit it describes (``bench_audit.py``), and each output walks
    it once, in order: audit.json, the CSV tables, the store and the report
    read their items one at a time, and each item is dropped once written.
    Reading an item twice makes it twice (equal both times). It compares equal
    to the list of its items, so a document read back from audit.json equals
    the one written.
    """

    __slots__ = ("_brief", "_make", "_source")

    def __init__(
        self, source: Sequence[Any], make: Callable[[Any], Any], brief: Callable[[Any], Any] | None = None
    ) -> None:
        self._source = source
        self._make = make
        self._brief = brief

    def briefs(self) -> Iterator[Any]:
        """Each item with only its small fields (``brief``; whole without one), for a reader of every item.

        The report reads every pair's posts, kind and measures, and shows the
        alignment of a few: made whole, each pair's alignment and edits were
        made and dropped again (some thirty objects a pair), and the freed
        objects' pages stayed with the process among those it kept.
        """
        return map(self._brief or self._make, self._source)

    def __len__(self) -> int:
        return len(self._source)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self._make(item) for item in self._source[index]]
        return self._make(self._source[index])

    def __iter__(self) -> Iterator[Any]:
        return map(self._make, self._source)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Items, list)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # like list: equal to a list, so not hashable

    def __repr__(self) -> str:
        return f"Items({len(self)} items)"


def materialized(doc: Mapping[str, Any]) -> dict[str, Any]:
    """``doc`` with every :class:`Items` made into a list: for ``json.dumps`` and anything that keeps it."""
    return {key: list(value) if isinstance(value, Items) else value for key, value in doc.items()}


def audit_to_dict(audit: Audit) -> AuditDoc:
    """The audit.json document (see ``docs/audit-json.md``; its types in :mod:`provenance.schema`)."""
    from importlib.metadata import version

    from provenance.config import AuditConfig
    from provenance.dedup.order import order_evidence

    config = audit.config
    params = config.as_dict() if isinstance(config, AuditConfig) else dict(vars(config))
    cluster_of: dict[ParagraphRef, int] = {}
    for cluster in audit.dedup.clusters:
        for member in cluster.members:
            cluster_of[member] = cluster.id
    words, inside_share, across_share = _copied_shares(audit)
    kinds = PairsByKindDoc(exact=0, near=0, contained=0, partial=0)
    for pair in audit.pairs:
        kinds[pair.kind] += 1
    inside_pairs = sum(1 for p in audit.pairs if p.inside_post)
    corpus = audit.corpus
    references = set(corpus.references)
    severities = FindingsBySeverityDoc(high=0, medium=0, low=0)
    for finding in audit.findings:
        severities[finding.severity] += 1
    doc: AuditDoc = {
        "tool": {
            "name": "provenance",
            "version": audit.version,
            # The installed version, read without importing datasketch (and scipy with it).
            "datasketch": str(audit.dedup.stats.get("datasketch") or version("datasketch")),
            "minhash_scheme": str(audit.dedup.stats.get("minhash_scheme", "affine32")),
            "code_sha256": code_sha256(),
        },
        "schema_version": SCHEMA_VERSION,
        "generated_at": audit.generated_at,
        "params": params,
        "inputs": {
            "files": [
                {"path": f, "format": corpus.formats.get(f), "reference": f in references}
                for f in corpus.files
            ],
            "encodings": dict(sorted(corpus.encodings.items())),
        },
        "summary": {
            "posts": len(audit.posts),
            "paragraphs": sum(len(p.paragraphs) for p in audit.posts),
            "words": words,
            "pairs": len(audit.pairs),
            "pairs_by_kind": kinds,
            "pairs_inside_posts": inside_pairs,
            "pairs_across_posts": len(audit.pairs) - inside_pairs,
            "clusters": len(audit.dedup.clusters),
            "reprints": len(audit.reprints),
            "outlets": len(audit.outlets),
            "mentions": len(audit.graph.mentions),
            "credits": len(audit.graph.credits),
            "links": sum(len(p.links) for p in audit.posts),
            "boilerplate": len(audit.dedup.boilerplate),
            "copied_share_inside": _r(inside_share),
            "copied_share_across": _r(across_share),
            "unparsed": len(corpus.unparsed),
            "skipped": len(corpus.skipped),
            "warnings": len(corpus.warnings),
            "order_evidence": order_evidence(audit.posts),
            "findings": len(audit.findings),
            "findings_by_severity": severities,
        },
        "findings": Items(audit.findings, _finding_dict),
        "posts": Items(audit.posts, lambda p: _post_dict(p, _reuse_of(audit, p.id))),
        "pairs": Items(
            audit.pairs, lambda p: _pair_dict(p, cluster_of), lambda p: _pair_brief(p, cluster_of)
        ),
        "clusters": Items(audit.dedup.clusters, _cluster_dict),
        "boilerplate": Items(
            audit.dedup.boilerplate,
            lambda b: {"text": b.text, "posts": b.posts, "members": [_ref(m) for m in b.members]},
        ),
        "reprints": Items(
            audit.reprints,
            lambda r: {
                "source": r.source,
                "copy": r.copy,
                "shared_paragraphs": r.shared_paragraphs,
                "share_of_source": _r(r.share_of_source),
                "decided_by": r.decided_by,
            },
        ),
        "outlets": Items(audit.outlets, _outlet_dict),
        "mentions": Items(
            audit.graph.mentions,
            lambda m: {
                "post": m.post,
                "outlet": m.outlet,
                "surface": m.surface,
                "sentence": m.sentence,
                "line": m.line,
                "paragraph": m.paragraph,
                "cue": m.cue,
            },
        ),
        "credits": Items(
            audit.graph.credits,
            lambda c: {
                "post": c.post,
                "outlet": c.outlet,
                "surface": c.surface,
                "how": c.how,
                "evidence": c.evidence,
                "line": c.line,
                "paragraph": c.paragraph,
                "url": c.url,
            },
        ),
        "graph": cast(GraphSummaryDoc, _jsonable(audit.graph.summary)),
        "unparsed": Items(corpus.unparsed, lambda u: {"path": u.path, "line": u.line, "text": u.text}),
        "classified": Items(
            corpus.classified, lambda c: {"path": c.path, "line": c.line, "role": c.role, "text": c.text}
        ),
        "skipped": [{"path": s.path, "reason": s.reason} for s in corpus.skipped],
        "warnings": Items(corpus.warnings, lambda w: {"path": w.path, "line": w.line, "message": w.message}),
        "timings": {k: round(v, 3) for k, v in audit.timings.items()},
    }
    if audit.since_last_run is not None:  # the --db store's comparison (provenance.store)
        doc["since_last_run"] = audit.since_last_run
    return doc


def _reuse_of(audit: Audit, post_id: str) -> ReuseDoc | None:
    reuse = audit.dedup.reuse.get(post_id)
    return _reuse_dict(reuse) if reuse is not None else None


def _finding_dict(f: Finding) -> FindingDoc:
    return {
        "kind": f.kind,
        "severity": f.severity,
        "posts": list(f.posts),
        "summary": f.summary,
        "evidence": [
            {"post": e.post, "paragraph": e.paragraph, "line": e.line, "text": e.text} for e in f.evidence
        ],
    }


def _cluster_dict(c: Cluster) -> ClusterDoc:
    return {
        "id": c.id,
        "members": [_ref(m) for m in c.members],
        "earliest": _ref(c.earliest),
        "kinds": list(c.kinds),
        "posts": sorted({m.post for m in c.members}),
        "witness_decided_by": c.witness_decided_by or None,
        "edits": [{"member": _ref(member), "edits": _edit_dicts(changes)} for member, changes in c.edits],
    }


def _outlet_dict(o: Outlet) -> OutletDoc:
    return {
        "name": o.name,
        "aliases": list(o.aliases),
        "kind": o.kind,
        "cited_by": list(o.cited_by),
        "mentioned_by": list(o.mentioned_by),
        "credited_by": list(o.credited_by),
        "source": o.source,
        "reuse": (
            {
                "copies": o.reuse.copies,
                "words": o.reuse.words,
                "credited_words": o.reuse.credited_words,
                "credited_share": o.reuse.credited_share,
            }
            if o.reuse is not None
            else None
        ),
    }


def _reuse_dict(reuse: PostReuse) -> ReuseDoc:
    doc = ReuseDoc(
        share=_r(reuse.share),
        quoted_share=_r(reuse.quoted_share),
        derivation=reuse.derivation,
        sources=[
            ReuseSourceDoc(
                post=s.post,
                share=_r(s.share),
                quoted_share=_r(s.quoted_share),
                decided_by=s.decided_by,
                changes=None if s.changes is None else dict(s.changes),
            )
            for s in reuse.sources
        ],
    )
    if reuse.credit is not None:
        doc["credit"] = _credit_dict(reuse.credit)
    return doc


def _credit_dict(credit: ReuseCredit) -> ReuseCreditDoc:
    return {
        "credited_share": _r(credit.credited_share),
        "uncredited_share": _r(credit.uncredited_share),
        "by": [
            {
                "source": e.source,
                "outlet": e.outlet,
                "how": e.how,
                "credited": e.credited,
                "share": _r(e.share),
                "evidence_line": e.evidence_line,
                "evidence": e.evidence,
            }
            for e in credit.by
        ],
    }


def _pair_dict(pair: Pair, cluster_of: Mapping[ParagraphRef, int]) -> PairDoc:
    doc = _pair_brief(pair, cluster_of)
    source = doc.pop("source")  # after the alignment, in the order audit.json has always had
    decided_by = doc.pop("decided_by")
    doc["alignment"] = _alignment_lists(pair.alignment)
    doc["source"] = source
    doc["decided_by"] = decided_by
    doc["edits"] = _edit_dicts(pair.edits)
    return cast(PairDoc, doc)


def _pair_brief(pair: Pair, cluster_of: Mapping[ParagraphRef, int]) -> dict[str, Any]:
    """A pair's :func:`_pair_dict` without its alignment and edits (:meth:`Items.briefs`)."""
    return {
        "a": _ref(pair.a),
        "b": _ref(pair.b),
        "kind": pair.kind,
        "jaccard": _r(pair.jaccard),
        "containment": _r(pair.containment),
        "partial_containment": None if pair.partial_containment is None else _r(pair.partial_containment),
        "inside_post": pair.inside_post,
        "cluster": cluster_of.get(pair.a),
        "source": pair.source,
        "decided_by": pair.decided_by,
    }


def _alignment_lists(alignment: Sequence[Segment]) -> list[list[Any]]:
    """An alignment as audit.json writes it; a packed one is read from its array (see :func:`_edit_dicts`)."""
    fields = (
        alignment.fields()
        if isinstance(alignment, Alignment)
        else ((s.op, s.a_start, s.a_end, s.b_start, s.b_end) for s in alignment)
    )
    return [list(row) for row in fields]


def _edit_dicts(edits: Sequence[Edit]) -> list[EditDoc]:
    """Edits as audit.json writes them; packed ones are read from their arrays without making records.

    Each writer walks every pair. On the 100,000-paragraph dump, building the
    document and walking its pairs' and clusters' edits took 1.24-1.33 s
    when each record was made, against 0.80-0.85 s so (a scratch script,
    five rounds each).
    """
    fields = (
        edits.fields()
        if isinstance(edits, Edits)
        else ((e.kind, e.a_start, e.a_end, e.b_start, e.b_end, e.a_text, e.b_text) for e in edits)
    )
    return [
        {
            "kind": kind,
            "group": GROUPS[kind],
            "a": [a_start, a_end],
            "b": [b_start, b_end],
            "a_text": a_text,
            "b_text": b_text,
        }
        for kind, a_start, a_end, b_start, b_end, a_text, b_text in fields
    ]


def _jsonable(value: Any) -> Any:
    """Summary values as JSON types (tuples to lists, dates to ISO strings)."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=json.dumps) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, float):
        return _r(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


#: What a spreadsheet reads as the start of a formula (OWASP's CSV injection
#: list: = + - @ tab and carriage return), and the quote that neutralises it;
#: a text that already begins with a quote gets one more, so that dropping the
#: first quote of any text cell that has one always gives the text back.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


def spreadsheet_cell(value: object) -> object:
    """A CSV cell no spreadsheet runs as a formula: text starting with = + - @ tab CR (or ') gets a leading '.

    Numbers (and booleans, and empty cells) stay as they are, so a negative
    number is still a number; only text is neutralised.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


class SpreadsheetSafeWriter:
    """``csv.writer`` with every cell through :func:`spreadsheet_cell`: the writer of every CSV output."""

    def __init__(self, handle: TextIO) -> None:
        self._handle = handle
        # csv quotes a cell holding a character of the line terminator: with "\r\n" a carriage
        # return inside a text is quoted too (with "\n" alone it was not, and broke the row for
        # every reader). Each row is formatted here and ends in "\n" as before.
        self._row = io.StringIO()
        self._writer = csv.writer(self._row, lineterminator="\r\n")

    def writerow(self, row: Iterable[object]) -> None:
        self._row.seek(0)
        self._row.truncate()
        self._writer.writerow([spreadsheet_cell(cell) for cell in row])
        self._handle.write(self._row.getvalue()[:-2] + "\n")


def pairs_csv(doc: AuditDoc) -> str:
    """pairs.csv from an audit.json document: one row per pair with both texts."""
    buffer = io.StringIO()
    write_pairs_csv(doc, buffer)
    return buffer.getvalue()


def posts_csv(doc: AuditDoc) -> str:
    """posts.csv from an audit.json document: one row per post (see :func:`write_posts_csv`)."""
    buffer = io.StringIO()
    write_posts_csv(doc, buffer)
    return buffer.getvalue()


def reprints_csv(doc: AuditDoc) -> str:
    """reprints.csv from an audit.json document: one row per reprint edge."""
    buffer = io.StringIO()
    write_reprints_csv(doc, buffer)
    return buffer.getvalue()


def _titles_and_dates(doc: AuditDoc) -> dict[str, tuple[str | None, str | None]]:
    """Each post's title and date by id: all a table needs of the posts it names (not their text)."""
    return {post["id"]: (post.get("title"), post.get("date")) for post in doc["posts"]}


def _title_and_date(
    posts: Mapping[str, tuple[str | None, str | None]], post_id: str
) -> tuple[str | None, str | None]:
    """A post's title and date, empty for an id the document does not hold (a hand-made or cut document)."""
    return posts.get(post_id, (None, None))


class _ParagraphLines:
    """Each paragraph's line and text by post and index, in flat lists: what pairs.csv's rows show.

    A dict of ``(post, index) -> (line, text)`` took some 280 bytes a
    paragraph, 0.67 GB at 2.4 million paragraphs, the writing stage's peak.
    A post whose indexes are its paragraphs' positions (every post of an
    audit) is one ``(start, count)`` into two lists; any other keeps a dict.
    """

    def __init__(self) -> None:
        self._lines = array.array("q")
        self._texts: list[str] = []
        self._spans: dict[str, tuple[int, int] | dict[int, tuple[int, str]]] = {}

    def add(self, post_id: str, paragraphs: Sequence[Mapping[str, Any]]) -> None:
        if all(p["index"] == position for position, p in enumerate(paragraphs)):
            self._spans[post_id] = (len(self._texts), len(paragraphs))
            for p in paragraphs:
                self._lines.append(p["line"])
                self._texts.append(p["text"])
        else:
            self._spans[post_id] = {p["index"]: (p["line"], p["text"]) for p in paragraphs}

    def get(self, post_id: str, index: int) -> tuple[int, str]:
        """The paragraph's line and text; KeyError for one the document does not hold."""
        span = self._spans[post_id]
        if isinstance(span, dict):
            return span[index]
        start, count = span
        if not 0 <= index < count:
            raise KeyError((post_id, index))
        return self._lines[start + index], self._texts[start + index]


def write_pairs_csv(doc: AuditDoc, handle: TextIO) -> None:
    """:func:`pairs_csv` written row by row to ``handle`` (at a million paragraphs the text is 400 MB).

    ``source`` is the audit's own decision (``pairs[].source``): ``a``, ``b``,
    or ``undecided`` where the audit found nothing that decides; ``decided_by``
    what it rests on (``pairs[].decided_by``: a date, a known source, or a guess
    such as ``input_order``), empty for a document that predates it.
    """
    # One pass over the posts, keeping of each only what a row shows (the texts are shared, not copied).
    posts: dict[str, tuple[str | None, str | None]] = {}
    paragraphs = _ParagraphLines()
    for post in doc["posts"]:
        posts[post["id"]] = (post.get("title"), post.get("date"))
        paragraphs.add(post["id"], post["paragraphs"])
    writer = SpreadsheetSafeWriter(handle)
    writer.writerow(PAIR_CSV_COLUMNS)
    pairs = doc["pairs"]
    for pair in pairs.briefs() if isinstance(pairs, Items) else pairs:
        a_post, b_post = pair["a"]["post"], pair["b"]["post"]
        a = paragraphs.get(a_post, pair["a"]["paragraph"])
        b = paragraphs.get(b_post, pair["b"]["paragraph"])
        source = pair.get("source")
        writer.writerow(
            [
                a_post,
                pair["a"]["paragraph"],
                a[0],
                b_post,
                pair["b"]["paragraph"],
                b[0],
                pair["kind"],
                pair["jaccard"],
                pair["containment"],
                pair.get("partial_containment"),
                pair["inside_post"],
                pair["cluster"],
                source if source in ("a", "b") else UNDECIDED,
                pair.get("decided_by"),
                *_title_and_date(posts, a_post),
                *_title_and_date(posts, b_post),
                a[1],
                b[1],
            ]
        )


def _main_source(sources: Sequence[ReuseSourceDoc]) -> ReuseSourceDoc | None:
    """The source a post borrows most words from (outside quotations, then inside); ties: the earliest."""
    return next(iter(sources_main_first(sources)), None)


def write_posts_csv(doc: AuditDoc, handle: TextIO) -> None:
    """posts.csv: one row per post, in input order, with its verdict, main source and credit.

    Everything comes from the document: ``verdict`` is ``reuse.derivation``,
    ``decided_by`` the main source's evidence of order, and the credit columns
    ``reuse.credit`` (empty where the audit has none: a post that borrows
    nothing): its two shares, and ``credited_how``, how each source is
    credited (``none`` where it is not), named by its outlet or else its id.
    ``main_source_changes`` (last, so that the earlier columns keep their
    places) is what the post changed in the paragraphs it carries from its
    main source, ``kind: count`` pairs (``none``: no edit found; ``not read``:
    past the audit's alignment budget).
    """
    posts = _titles_and_dates(doc)
    writer = SpreadsheetSafeWriter(handle)
    writer.writerow(POST_CSV_COLUMNS)
    for post in doc["posts"]:
        citation = post.get("citation")
        reuse = post.get("reuse")
        sources = (reuse.get("sources") or []) if reuse else []
        credit = reuse.get("credit") if reuse else None
        main = _main_source(sources)
        where = post.get("source")
        row: list[object] = [post["id"], post.get("title"), post.get("date")]
        row += (
            [citation.get("date"), citation.get("outlet"), citation.get("author")] if citation else [None] * 3
        )
        row.append(sum(_word_count(p["text"]) for p in post["paragraphs"]))
        row += (
            [reuse.get("share"), reuse.get("quoted_share"), reuse.get("derivation")] if reuse else [None] * 3
        )
        if main is not None:
            row += [main["post"], *_title_and_date(posts, main["post"]), main.get("decided_by") or None]
        else:
            row += [None] * 4
        row.append("; ".join(s["post"] for s in sources if s is not main) or None)
        if credit:
            how = "; ".join(f"{by.get('outlet') or by['source']}: {by['how']}" for by in credit.get("by", []))
            row += [credit.get("credited_share"), credit.get("uncredited_share"), how or None]
        else:
            row += [None] * 3
        row.append(post.get("reference"))
        row += [where.get("path"), where.get("line_start")] if where else [None, None]
        changes = main.get("changes") if main is not None else None
        if isinstance(changes, Mapping):
            row.append("; ".join(f"{kind}: {count}" for kind, count in changes.items()) or "none")
        else:
            row.append("not read" if main is not None and "changes" in main else None)
        writer.writerow(row)


def write_reprints_csv(doc: AuditDoc, handle: TextIO) -> None:
    """reprints.csv: one row per reprint edge, both posts named, dated and titled, and how it was decided."""
    posts = _titles_and_dates(doc)
    writer = SpreadsheetSafeWriter(handle)
    writer.writerow(REPRINT_CSV_COLUMNS)
    for reprint in doc.get("reprints", []):
        writer.writerow(
            [
                reprint["source"],
                *_title_and_date(posts, reprint["source"]),
                reprint["copy"],
                *_title_and_date(posts, reprint["copy"]),
                reprint["shared_paragraphs"],
                reprint["share_of_source"],
                reprint["decided_by"],
            ]
        )


Writer = Callable[[Path], object]


@contextlib.contextmanager
def staged(
    targets: Sequence[Path], removed: Sequence[Path] = (), then: Callable[[], object] | None = None
) -> Iterator[list[Path]]:
    """A temporary file beside each target, to write in the block; all moved into place when it succeeds.

    If the block fails or is interrupted, the temporary files are removed and
    no target changes. Once they are being moved into place (and ``removed``
    removed, outputs this set no longer has), a stop signal waits until all
    are, and until ``then`` has run: the set is replaced whole, together with
    what ``then`` records of it. Each temporary file is named
    ``.<target>.<pid>.<random>.tmp`` and locked while staged; those a killed
    run left beside the targets are cleared first (:mod:`provenance.ownership`).
    """
    staged_files: list[tuple[Path, Path]] = []
    held: list[int] = []
    try:
        # A stop while a file is made but not yet listed here would leave it behind: the
        # signal waits until every temporary file is listed (then all are removed).
        with deferred():
            for target in targets:
                target.parent.mkdir(parents=True, exist_ok=True)
                clear_staged(target.parent, target.name)
                fd, tmp = owned_temp_file(target.parent, f".{target.name}.", ".tmp")
                held.append(fd)
                staged_files.append((tmp, target))
        yield [tmp for tmp, _ in staged_files]
        raise_if_swallowed()  # a Ctrl-C lost in a library: the outputs stay the previous ones
        with deferred():
            for tmp, target in staged_files:
                os.chmod(tmp, 0o644)
                os.replace(tmp, target)
            for path in removed:
                path.unlink(missing_ok=True)
            if then is not None:
                then()
    except BaseException:
        with deferred():
            for tmp, _ in staged_files:
                tmp.unlink(missing_ok=True)
        raise
    finally:
        for fd in held:
            os.close(fd)


def _same_file(path: str | os.PathLike[str], other: str | os.PathLike[str]) -> bool:
    """Whether the two names are one file: by any link to it, or, not made yet, by the one path."""
    try:
        return os.path.samefile(path, other)
    except OSError:  # one is missing (or cannot be looked at): the same path will be the same file
        try:
            return Path(path).resolve() == Path(other).resolve()
        except (OSError, RuntimeError):  # a symbolic link loop
            return False


def _one_of(target: Path, sources: Iterable[str | os.PathLike[str]]) -> str | os.PathLike[str] | None:
    """The first of ``sources`` that is the file ``target`` names, by any name; None when none is."""
    return next((source for source in sources if _same_file(target, source)), None)


def refuse_replacing(target: Path, sources: Iterable[str | os.PathLike[str]], what: str) -> None:
    """Refuse to write ``target`` when it is one of ``sources``, the files the command reads (by any name).

    An ``--out`` that names the command's own input is a slip of the keyboard
    that would cost the input: ``provenance report audit.json --out
    audit.json`` wrote the page over the audit it was rendered from,
    ``report --db audit.sqlite --out audit.sqlite`` over every run of the
    store, and ``graph dump.txt --out dump.txt`` over the dump, each with
    exit status 0. ``what`` names the source in the message.
    """
    if _one_of(target, [source for source in sources if os.path.exists(source)]) is not None:
        raise ReportError(f"{target}: --out names {what}; writing there would replace it: give another --out")


def refuse_outputs_replacing(
    out_dir: Path, sources: Iterable[str | os.PathLike[str]], store: Path | None
) -> None:
    """Refuse an audit whose outputs in ``out_dir`` would land on a file it reads or on its store.

    ``provenance audit report.html --out .`` read the user's page, then wrote
    the report over it; ``--db out/audit.json`` made the store where
    audit.json then went, the runs left in the ``-wal`` file beside a JSON
    text. Checked before the audit starts, against the files named on the
    command line (``sources``) and the store (``--db``).
    """
    named = [source for source in sources if os.path.isfile(source)]
    for name in OUTPUT_FILES:
        target = out_dir / name
        source = _one_of(target, named)
        if source is not None:
            raise ReportError(
                f"{source}: the audit reads it and would write its {name} over it (--out {out_dir}); "
                "give another --out"
            )
        if store is not None and _same_file(target, store):
            raise ReportError(
                f"{store}: --db names the {name} the audit writes in --out {out_dir}; give another --db"
            )


def write_atomically(targets: Iterable[tuple[Path, Writer]]) -> list[Path]:
    """Write each target through a temporary file beside it, then move all into place (see :func:`staged`).

    An OSError (a missing or read-only folder, a full disk) becomes a
    ReportError naming the targets, so the command line shows one line.

    Takes no folder lock (``provenance report --out``, ``provenance graph
    --out``): one file moved into place is atomic, so however it falls
    between the moves of an audit's set into the same folder, the result is
    one that running the two commands one after the other gives. Only two
    sets replaced at once can mix into what no order gives, and that is what
    :func:`write_outputs` locks against. Its temporary file is locked as
    its own (:func:`staged`), so an audit clearing the folder leaves it be.
    """
    listed = list(targets)
    try:
        with staged([target for target, _ in listed]) as temporary:
            for tmp, (_, write) in zip(temporary, listed, strict=True):
                write(tmp)
    except OSError as exc:
        names = ", ".join(str(target) for target, _ in listed)
        raise ReportError(f"cannot write {names}: {exc.strerror or exc}") from exc
    return [target for target, _ in listed]


def _write_json(doc: AuditDoc, handle: TextIO) -> None:
    """audit.json: the top-level fields one by one, each list with one item per line.

    ``json.dump`` always takes the pure-Python encoder, and with ``indent``
    it writes a line per value: at a million paragraphs that was minutes for
    a gigabyte. Each item of a top-level list (a post, a pair) goes through
    ``json.dumps`` instead, whose C encoder writes it compactly on one line;
    the file stays one JSON document and reads back the same.
    """
    handle.write("{")
    for number, (key, value) in enumerate(doc.items()):
        handle.write(",\n" if number else "\n")
        handle.write(f"{json.dumps(key, ensure_ascii=False)}: ")
        if isinstance(value, Items) and not value:
            handle.write("[]")
        elif isinstance(value, (list, Items)) and value:
            handle.write("[\n")
            last = len(value) - 1
            for index, item in enumerate(value):
                handle.write(json.dumps(item, ensure_ascii=False))
                handle.write(",\n" if index < last else "\n")
            handle.write("]")
        else:
            handle.write(json.dumps(value, ensure_ascii=False))
    handle.write("\n}\n")


def write_outputs(
    audit: Audit,
    out_dir: str | os.PathLike[str],
    progress: Progress | None = None,
    *,
    with_json: bool = True,
    then: Callable[[dict[str, Path]], object] | None = None,
    document: AuditDoc | None = None,
) -> dict[str, Path]:
    """Write every output of ``audit`` into ``out_dir``; returns name -> path.

    ``document`` is :func:`audit_to_dict` of ``audit`` made earlier (by the
    store's recording of the run): it is used instead of being made again,
    with its ``timings`` and ``since_last_run`` brought up to date (its last
    keys, set since).

    ``then`` hears the same name -> path once the outputs are in place, before
    a stop signal that arrived meanwhile takes effect: the store's commit
    (:meth:`~provenance.store.RunStore.finish`), so that a Ctrl-C never
    leaves the new outputs beside a store that lacks their run, the previous
    outputs gone.

    Without ``with_json`` no audit.json is written (and an earlier run's is
    removed with the rest of its set): the caller keeps the run in a store
    (:data:`JSON_MAX_INPUT_BYTES`).

    The graph files take a large part of the writing time (GEXF from
    networkx's writer, GraphML formatted as networkx writes it): with a
    second worker and a graph of a size where it pays (see
    :data:`PARALLEL_GRAPH_MIN_ELEMENTS`), a forked process writes them while
    this one writes the report, audit.json and the CSV tables. ``progress`` hears
    ``("writing", files done, files)``.

    The outputs replace the previous ones as one set (:func:`staged`), under
    the lock of ``out_dir`` (:func:`~provenance.ownership.output_lock`: raises
    :class:`~provenance.ownership.FolderInUse` if another run holds it). A
    graph.gexf of an earlier audit is removed when this one writes none: it
    would not match the other files.
    """
    out = Path(out_dir)
    graph = audit.graph.elements()
    graph_files = [out / "graph.graphml"]
    gexf = out / "graph.gexf"
    if graph.number_of_nodes() <= GEXF_MAX_NODES:
        graph_files.append(gexf)
    text_names = ["report.html", "audit.json", "pairs.csv", "posts.csv", "reprints.csv"]
    if not with_json:
        text_names.remove("audit.json")
    text_files = [out / name for name in text_names]
    removed = [path for path in (gexf, out / "audit.json") if path not in graph_files + text_files]
    total = len(text_files) + len(graph_files)
    written = {path.name: path for path in text_files + graph_files}
    workers = getattr(audit.config, "workers", 1)
    size = graph.number_of_nodes() + graph.number_of_edges()

    def tell(done: int) -> None:
        if progress:
            progress("writing", done, total)

    try:
        with (
            output_lock(out),
            staged(
                text_files + graph_files,
                removed=removed,
                then=None if then is None else functools.partial(then, written),
            ) as temporary,
        ):
            tell(0)
            suffixes = [target.suffix for target in graph_files]
            graph_job = ForkedCall(
                "graph writer",
                _write_graph_files,
                (graph, list(zip(temporary[len(text_files) :], suffixes, strict=True))),
                fork=workers > 1 and PARALLEL_GRAPH_MIN_ELEMENTS <= size <= PARALLEL_GRAPH_MAX_ELEMENTS,
            )
            try:
                staged_as = dict(zip(text_names, temporary, strict=False))
                html, json_file = staged_as["report.html"], staged_as.get("audit.json")
                from provenance.report.render import render_to

                # The document is a tree of dicts and lists: while it is built
                # and written, full collections walked it again and again and
                # found nothing (workers.collector_paused). In one process,
                # networkx's writers then make an exportable copy of the graph,
                # walked the same way as it grew (5 s at 1M); the little cyclic
                # garbage they leave waits for the next collection.
                release_free_memory()  # what recording the run in a store made and dropped
                with collector_paused():
                    doc = audit_to_dict(audit) if document is None else _brought_up_to_date(document, audit)
                    started = time.perf_counter()
                    with open_output(html) as handle:
                        render_to(doc, handle)
                    # The report is built from the document, so its own time goes
                    # into audit.json's timings (not into the page it times).
                    audit.timings["report"] = doc["timings"]["report"] = round(
                        time.perf_counter() - started, 3
                    )
                    tell(1)
                    if json_file is not None:
                        with open_output(json_file) as handle:
                            _write_json(doc, handle)
                        tell(2)
                    for number, (path, write) in enumerate(
                        [
                            (staged_as["pairs.csv"], write_pairs_csv),
                            (staged_as["posts.csv"], write_posts_csv),
                            (staged_as["reprints.csv"], write_reprints_csv),
                        ],
                        start=len(text_files) - 2,
                    ):
                        with open_output(path) as handle:
                            write(doc, handle)
                        tell(number)
                    del doc
                    graph_job()
                tell(total)
            finally:
                graph_job.close()
    except OSError as exc:
        raise ReportError(f"cannot write outputs to {out}: {exc.strerror or exc}") from exc
    return written


def _brought_up_to_date(doc: AuditDoc, audit: Audit) -> AuditDoc:
    """``doc`` (made from ``audit`` before the run was recorded) with the timings and comparison since.

    Everything else in it is made from what no later step changes; ``timings``
    and ``since_last_run`` are the document's last keys, in that order, as
    :func:`audit_to_dict` writes them.
    """
    doc.pop("since_last_run", None)
    doc["timings"] = {k: round(v, 3) for k, v in audit.timings.items()}
    if audit.since_last_run is not None:
        doc["since_last_run"] = audit.since_last_run
    return doc


def _write_graph_files(graph: Any, files: Sequence[tuple[Path, str]]) -> None:
    """GraphML and GEXF files, each given as ``(path, ".graphml" or ".gexf")``.

    Both are written from the graph itself, their safe attributes made as it
    is walked (:func:`provenance.graph.write_graphml`,
    :func:`provenance.graph.write_gexf`); GEXF only for graphs of at most
    :data:`GEXF_MAX_NODES` nodes.
    """
    from provenance.graph import write_gexf, write_graphml

    for path, suffix in files:
        if suffix == ".graphml":
            write_graphml(graph, path)
        else:
            write_gexf(graph, path)


def load_audit_json(path: str | os.PathLike[str]) -> AuditDoc:
    """Read a saved audit.json, with a clear error for anything that is not one.

    A document of a later MAJOR ``schema_version`` than this version writes is
    refused by name: its fields may mean something else, and a report drawn
    from it would be wrong without saying so. Earlier documents are typed as
    the current one; their readers still guard what may be missing.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            doc = json.load(handle)
    except OSError as exc:
        raise ReportError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from exc
    except UnicodeDecodeError as exc:
        if _is_sqlite(path):
            raise ReportError(
                f"{path}: an SQLite file, not an audit.json; to render a run of a store, "
                f"give it with --db: provenance report --db {path}"
            ) from exc
        raise ReportError(f"{path}: not UTF-8 text") from exc
    except RecursionError as exc:
        # json's C decoder recurses once per nested list or object.
        raise ReportError(f"{path}: not an audit.json: lists or objects nested too deeply to read") from exc
    except MemoryError as exc:
        raise ReportError(f"{path}: too large to read into memory") from exc
    if not isinstance(doc, dict) or not {"posts", "pairs", "params"} <= doc.keys():
        raise ReportError(f"{path}: not an audit.json written by provenance (needs posts, pairs, params)")
    version = doc.get("schema_version")
    major = schema_major(version)
    if major is None:
        raise ReportError(f"{path}: not an audit.json this version can read (schema_version {version!r})")
    if major > (ours := schema_major(SCHEMA_VERSION) or 0):
        raise ReportError(
            f"{path}: written by a later provenance (audit.json schema {version}); "
            f"this version reads schema {ours}.x: install the version that wrote it"
        )
    return cast(AuditDoc, doc)


def _is_sqlite(path: str | os.PathLike[str]) -> bool:
    """Whether the file starts with SQLite's header (a store given where an audit.json was expected)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False
