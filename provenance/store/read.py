"""A stored run put back together as its audit.json document, for the report and for ``provenance diff``.

:func:`run_document` is the inverse of :func:`provenance.store.write.write_rows`:
the document it returns equals the audit.json the run wrote (read back with
``json.load``), so ``provenance report --db`` renders the same page as
``provenance report audit.json``.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from provenance.errors import StoreError
from provenance.store.db import has_column

__all__ = ["last_runs", "run_document", "run_ids"]


def run_ids(conn: sqlite3.Connection) -> list[int]:
    """Every complete run's id, oldest first."""
    return [row[0] for row in conn.execute("SELECT id FROM runs WHERE finished_at IS NOT NULL ORDER BY id")]


def last_runs(conn: sqlite3.Connection, count: int) -> list[int]:
    """The ids of the last ``count`` runs, oldest first."""
    return run_ids(conn)[-count:]


def held_runs(runs: Sequence[int]) -> str:
    """The runs a store holds, in words: ``run 2``, ``runs 2, 4``, ``runs 1 to 9`` (none missing between)."""
    if not runs:
        return "no run"
    if len(runs) == 1:
        return f"run {runs[0]}"
    if len(runs) >= 3 and runs[-1] - runs[0] == len(runs) - 1:
        return f"runs {runs[0]} to {runs[-1]}"
    if len(runs) <= 10:
        return f"runs {', '.join(map(str, runs))}"
    return f"{len(runs)} runs from {runs[0]} to {runs[-1]}"


def check_run(conn: sqlite3.Connection, path: object, run: int) -> None:
    """Refuse a run id the store does not hold, naming the ones it does."""
    runs = run_ids(conn)
    if run not in runs:
        raise StoreError(f"{path}: no run {run} in the store (it holds {held_runs(runs)})")


def run_document(conn: sqlite3.Connection, run: int) -> dict[str, Any]:
    """The audit.json document of ``run``, keys in the order the run wrote them."""
    row = conn.execute("SELECT document_json FROM runs WHERE id = ?", (run,)).fetchone()
    if row is None:
        raise KeyError(run)
    stored = json.loads(row[0])
    tables = {
        "posts": _posts(conn, run),
        "pairs": _pairs(conn, run),
        "clusters": _clusters(conn, run),
        "reprints": _reprints(conn, run),
        "outlets": _outlets(conn, run),
        "findings": _findings(conn, run),
    }
    rest = stored["rest"]
    return {key: tables[key] if key in tables else rest[key] for key in stored["order"]}


def _ref(post: str, paragraph: int) -> dict[str, Any]:
    return {"post": post, "paragraph": paragraph}


def _posts(conn: sqlite3.Connection, run: int) -> list[dict[str, Any]]:
    paragraphs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for post, idx, line, line_end, text in conn.execute(
        "SELECT post, idx, line, line_end, text FROM paragraphs WHERE run = ? ORDER BY post, idx", (run,)
    ):
        paragraphs[post].append({"index": idx, "line": line, "line_end": line_end, "text": text})
    sources: dict[str, list[dict[str, Any]]] = defaultdict(list)
    # A store of schema version 3 or before has no changes_json; a run before it has NULL there.
    changes_column = "changes_json" if has_column(conn, "reuse_sources", "changes_json") else "NULL"
    for post, source, share, quoted, decided, changes in conn.execute(
        f"SELECT post, source, share, quoted_share, decided_by, {changes_column} FROM reuse_sources "
        "WHERE run = ? ORDER BY post, ord",
        (run,),
    ):
        kept: dict[str, Any] = {"post": source, "share": share, "quoted_share": quoted, "decided_by": decided}
        if changes is not None:
            kept["changes"] = json.loads(changes)
        sources[post].append(kept)
    credits: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for post, source, outlet, how, credited, share, line, evidence in conn.execute(
        "SELECT post, source, outlet, how, credited, share, evidence_line, evidence FROM reuse_credits "
        "WHERE run = ? ORDER BY post, ord",
        (run,),
    ):
        credits[post].append(
            {
                "source": source,
                "outlet": outlet,
                "how": how,
                "credited": bool(credited),
                "share": share,
                "evidence_line": line,
                "evidence": evidence,
            }
        )
    reuse: dict[str, dict[str, Any]] = {}
    for post, share, quoted, derivation, credited, uncredited in conn.execute(
        "SELECT post, share, quoted_share, derivation, credited_share, uncredited_share "
        "FROM reuse WHERE run = ?",
        (run,),
    ):
        entry: dict[str, Any] = {
            "share": share,
            "quoted_share": quoted,
            "derivation": derivation,
            "sources": sources.get(post, []),
        }
        if credited is not None:
            entry["credit"] = {
                "credited_share": credited,
                "uncredited_share": uncredited,
                "by": credits.get(post, []),
            }
        reuse[post] = entry
    posts = []
    for pid, title, date, time, reference, path, start, end, url, fmt, extra in conn.execute(
        "SELECT id, title, date, time, reference, source_path, line_start, line_end, url, format, extra_json "
        "FROM posts WHERE run = ? ORDER BY ord",
        (run,),
    ):
        record: dict[str, Any] = {
            "id": pid,
            "title": title,
            "date": date,
            "time": time,
            "reference": bool(reference),
            "source": {"path": path, "line_start": start, "line_end": end},
        }
        record.update(json.loads(extra))
        record["paragraphs"] = paragraphs.get(pid, [])
        record["url"] = url
        record["format"] = fmt
        record["reuse"] = reuse.get(pid)
        posts.append(record)
    return posts


def _pairs(conn: sqlite3.Connection, run: int) -> list[dict[str, Any]]:
    """A run's pairs as audit.json has them; a store of schema version 1 has no ``partial_containment``
    or ``decided_by``, and its pairs are read without them, as an audit.json of 1.4 has them."""
    added = ", partial_containment, decided_by" if has_column(conn, "pairs", "decided_by") else ""
    pairs = []
    for row in conn.execute(
        "SELECT a_post, a_paragraph, b_post, b_paragraph, kind, jaccard, containment, inside_post, "
        f"cluster, source, alignment_json, edits_json{added} FROM pairs WHERE run = ? ORDER BY ord",
        (run,),
    ):
        (
            a_post,
            a_par,
            b_post,
            b_par,
            kind,
            jaccard,
            containment,
            inside,
            cluster,
            source,
            alignment,
            edits,
        ) = row[:12]
        pair: dict[str, Any] = {
            "a": _ref(a_post, a_par),
            "b": _ref(b_post, b_par),
            "kind": kind,
            "jaccard": jaccard,
            "containment": containment,
        }
        # A row a version 1 store recorded has no decided_by (every pair since has one): read without both.
        recorded = bool(added) and row[13] is not None
        if recorded:
            pair["partial_containment"] = row[12]
        pair |= {"inside_post": bool(inside), "cluster": cluster, "alignment": json.loads(alignment)}
        pair["source"] = source
        if recorded:
            pair["decided_by"] = row[13]
        pair["edits"] = json.loads(edits)
        pairs.append(pair)
    return pairs


def _clusters(conn: sqlite3.Connection, run: int) -> list[dict[str, Any]]:
    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for cluster, post, paragraph in conn.execute(
        "SELECT cluster, post, paragraph FROM cluster_members WHERE run = ? ORDER BY cluster, ord", (run,)
    ):
        members[cluster].append(_ref(post, paragraph))
    clusters = []
    for cid, post, paragraph, kinds, decided, edits in conn.execute(
        "SELECT id, earliest_post, earliest_paragraph, kinds_json, witness_decided_by, edits_json "
        "FROM clusters WHERE run = ? ORDER BY ord",
        (run,),
    ):
        listed = members.get(cid, [])
        clusters.append(
            {
                "id": cid,
                "members": listed,
                "earliest": _ref(post, paragraph),
                "kinds": json.loads(kinds),
                "posts": sorted({m["post"] for m in listed}),
                "witness_decided_by": decided,
                "edits": json.loads(edits),
            }
        )
    return clusters


def _reprints(conn: sqlite3.Connection, run: int) -> list[dict[str, Any]]:
    return [
        {
            "source": source,
            "copy": copy,
            "shared_paragraphs": shared,
            "share_of_source": share,
            "decided_by": decided,
        }
        for source, copy, shared, share, decided in conn.execute(
            "SELECT source, copy, shared_paragraphs, share_of_source, decided_by FROM reprints "
            "WHERE run = ? ORDER BY ord",
            (run,),
        )
    ]


def _outlets(conn: sqlite3.Connection, run: int) -> list[dict[str, Any]]:
    outlets = []
    for name, kind, source, copies, words, credited_words, credited_share, extra in conn.execute(
        "SELECT name, kind, source, reuse_copies, reuse_words, reuse_credited_words, reuse_credited_share, "
        "extra_json FROM outlets WHERE run = ? ORDER BY ord",
        (run,),
    ):
        outlet: dict[str, Any] = {"name": name, "kind": kind, "source": source}
        outlet.update(json.loads(extra))
        outlet["reuse"] = (
            None
            if copies is None
            else {
                "copies": copies,
                "words": words,
                "credited_words": credited_words,
                "credited_share": credited_share,
            }
        )
        outlets.append(outlet)
    return outlets


def _findings(conn: sqlite3.Connection, run: int) -> list[dict[str, Any]]:
    return [
        {
            "kind": kind,
            "severity": severity,
            "posts": json.loads(posts),
            "summary": summary,
            "evidence": json.loads(evidence),
        }
        for kind, severity, posts, summary, evidence in conn.execute(
            "SELECT kind, severity, posts_json, summary, evidence_json FROM findings "
            "WHERE run = ? ORDER BY ord",
            (run,),
        )
    ]
