"""A saved audit.json read back into the records the provenance chain is drawn from.

``provenance sources POST reports/audit.json`` answers from the document a
finished audit wrote instead of auditing the dump again: the posts, the
reprints, the outlets each post cites, the attributions, the repeats inside
each post and the editor notes are all in it (``docs/audit-json.md``).
:func:`chain_inputs` rebuilds from them the part of the graph that
:func:`provenance.graph.provenance_chain` reads, so the chain printed from a
saved audit is the chain printed by re-auditing.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from provenance.errors import read_as_audit
from provenance.models import Credit, GraphResult, Mention, Post, Reprint, SourceRef
from provenance.schema import AuditDoc

__all__ = ["chain_inputs", "is_saved_audit"]

# How every audit.json provenance writes begins (``export._write_json``, or the same document re-indented).
_AUDIT_JSON_START = re.compile(r'\A\ufeff?\s*\{\s*"tool"\s*:\s*\{\s*"name"\s*:\s*"provenance"')
_SNIFF_BYTES = 4096


def is_saved_audit(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a file that starts as an audit.json written by provenance does.

    Only the first few kilobytes are read: a dump named in its place (a
    JSON Lines file, an archive, a folder) is never taken for one.
    """
    try:
        if not os.path.isfile(path):
            return False
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return False
    return _AUDIT_JSON_START.match(head.decode("utf-8", errors="replace")) is not None


def chain_inputs(doc: AuditDoc, path: str | os.PathLike[str]) -> tuple[list[Post], GraphResult]:
    """The posts and the graph records of a saved audit, as :func:`provenance_chain` takes them.

    A document that is not shaped as provenance writes it raises a
    :class:`ReportError` naming ``path``.
    """
    with read_as_audit(path):
        return _posts(doc), _graph_result(doc)


def _date(value: object) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else None


def _posts(doc: AuditDoc) -> list[Post]:
    """Each post with what a chain shows of it: id, title, date, where it is; its text is not needed."""
    return [
        Post(
            id=str(post["id"]),
            title=str(post["title"]),
            date=_date(post.get("date")),
            source=SourceRef(
                str(post["source"]["path"]),
                int(post["source"]["line_start"]),
                int(post["source"]["line_end"]),
            ),
            citation=None,
            paragraphs=(),
            format=str(post.get("format", "")),
            reference=bool(post.get("reference", False)),
        )
        for post in doc["posts"]
    ]


def _graph_result(doc: AuditDoc) -> GraphResult:
    """The edges a chain follows (cites, self_repeats, has_note), the reprints, mentions and credits."""
    import networkx as nx

    from provenance.graph import post_node

    graph = nx.MultiDiGraph()
    for post in doc["posts"]:
        graph.add_node(post_node(str(post["id"])), type="post")
    for outlet in doc.get("outlets", []):
        node = f"outlet:{outlet['name']}"
        graph.add_node(node, type="outlet", name=str(outlet["name"]))
        for post_id in outlet.get("cited_by", []):
            graph.add_edge(post_node(str(post_id)), node, type="cites")
    inside = Counter(str(pair["a"]["post"]) for pair in doc["pairs"] if pair.get("inside_post") is True)
    for post_id, pairs in inside.items():
        graph.add_edge(post_node(post_id), post_node(post_id), type="self_repeats", pairs=pairs)
    for post in doc["posts"]:
        for note in post.get("notes", []):
            if note.get("role") == "editor_note":
                node = f"note:{post['id']}#{note['line']}"
                graph.add_node(node, type="note", text=str(note["text"]))
                graph.add_edge(post_node(str(post["id"])), node, type="has_note")
    reprints = [
        Reprint(
            source=str(r["source"]),
            copy=str(r["copy"]),
            shared_paragraphs=int(r["shared_paragraphs"]),
            share_of_source=float(r["share_of_source"]),
            decided_by=str(r["decided_by"]),
        )
        for r in doc.get("reprints", [])
    ]
    mentions = [
        Mention(
            post=str(m["post"]),
            outlet=str(m["outlet"]),
            surface=str(m["surface"]),
            sentence=str(m["sentence"]),
            line=int(m["line"]),
            paragraph=int(m["paragraph"]),
            cue=str(m["cue"]),
        )
        for m in doc.get("mentions", [])
    ]
    credits = [
        Credit(
            post=str(c["post"]),
            outlet=str(c["outlet"]),
            surface=str(c.get("surface", "")),
            how=c["how"],
            evidence=str(c.get("evidence", "")),
            line=int(c.get("line", 0)),
            paragraph=int(c.get("paragraph", -1)),
            url=c.get("url"),
        )
        for c in doc.get("credits", [])
    ]
    return GraphResult(graph=graph, reprints=reprints, mentions=mentions, credits=credits)


def credit_and_findings(
    doc: Mapping[str, Any], post_id: str, path: str | os.PathLike[str] = "audit.json"
) -> list[str]:
    """What ``provenance sources`` adds under the chain: the post's credit and the findings naming it.

    Read from the audit.json document (a saved one at ``path``, or the one
    just made), so both ways print the same decision the audit took. A saved
    one not shaped as provenance writes it raises a :class:`ReportError`
    naming ``path``.
    """
    with read_as_audit(path):
        return _credit_and_findings(doc, post_id)


def _credit_and_findings(doc: Mapping[str, Any], post_id: str) -> list[str]:
    lines: list[str] = []
    for post in doc.get("posts") or []:
        if not isinstance(post, Mapping) or post.get("id") != post_id:
            continue
        reuse = post.get("reuse")
        credit = reuse.get("credit") if isinstance(reuse, Mapping) else None
        if isinstance(credit, Mapping):
            lines.append(
                f"credit: {float(credit.get('credited_share') or 0):.0%} of its words borrowed with credit, "
                f"{float(credit.get('uncredited_share') or 0):.0%} without"
            )
            for entry in credit.get("by") or []:
                if not isinstance(entry, Mapping):
                    continue
                how = "no credit" if entry.get("how") == "none" else f"credited by {entry.get('how')}"
                where = f", line {entry['evidence_line']}" if entry.get("evidence_line") else ""
                outlet = f" ({entry['outlet']})" if entry.get("outlet") else ""
                lines.append(
                    f"  {float(entry.get('share') or 0):.0%} from {entry.get('source')}{outlet}: {how}{where}"
                )
        from provenance.edits import describe_changes  # as the report's copies table says them

        for source in reuse.get("sources") or [] if isinstance(reuse, Mapping) else []:
            changes = source.get("changes") if isinstance(source, Mapping) else None
            if isinstance(changes, Mapping):
                said = ", ".join(part for part in describe_changes(changes) if part) or "no edit found"
                lines.append(f"changed from {source.get('post')}: {said}")
            elif isinstance(source, Mapping) and "changes" in source:
                lines.append(
                    f"changed from {source.get('post')}: not read (the audit's alignment budget was spent)"
                )
    found = [
        f for f in doc.get("findings") or [] if isinstance(f, Mapping) and post_id in (f.get("posts") or [])
    ]
    lines.append(f"findings naming it: {len(found)}" if found else "findings naming it: none")
    for finding in found:
        lines.append(f"  {finding.get('severity')} {finding.get('kind')}: {finding.get('summary')}")
    return lines
