"""What changed between two runs of a store: files, posts, pairs, reprints and findings.

Posts are matched by id and compared by content hash (their paragraphs'
texts); a changed post comes with the word-level edits from the old text to
the new (:func:`provenance.edits.edits`). A pair is named by both posts and
both paragraphs' content hashes, in either order (which is a follows the
input's order), so a paragraph moved within its post (an earlier paragraph
inserted) or posts reordered do not make its pairs new; a finding by its
kind, severity and posts (its summary's figures may move with other posts);
a reprint by its source and copy (an undecided one, or one whose order is only the input's,
by its two posts). Pairs
and findings are counted, not only named: where one name holds several (a
text three times in a post, two notes of a post pointing to missing
articles), each is matched once, and one more or one fewer is a change.

The same object is audit.json's ``since_last_run`` and what ``provenance
diff`` prints (:func:`format_diff`).
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from provenance.dedup.order import EVIDENCE, INPUT_ORDER
from provenance.edits import describe_edit
from provenance.export import UNDECIDED
from provenance.store.paths import absolute

__all__ = ["diff_runs", "format_diff", "is_empty"]

#: Lists of the diff that say something new (``files`` only tells what was read again).
CHANGES = (
    "new_posts",
    "removed_posts",
    "changed_posts",
    "retitled_or_redated_posts",
    "new_pairs",
    "removed_pairs",
    "new_reprints",
    "new_findings",
    "resolved_findings",
)
#: Items of each list printed by :func:`format_diff`; the rest are counted.
SHOWN = 20

#: What names a pair or a finding across runs (:func:`_pairs`, :func:`_findings`).
Key = tuple[str, ...]


class _PostRow(NamedTuple):
    """What the comparison reads of a post: its title, text's hash and moment (:func:`_when`)."""

    title: str
    digest: str
    when: str | None


def _posts(conn: sqlite3.Connection, run: int) -> dict[str, _PostRow]:
    return {
        pid: _PostRow(title, digest, _when(date, time, offset))
        for pid, title, digest, date, time, offset in conn.execute(
            "SELECT id, title, content_hash, date, time, json_extract(extra_json, '$.utc_offset') "
            "FROM posts WHERE run = ?",
            (run,),
        )
    }


def _when(date: str | None, time: str | None, offset: str | None) -> str | None:
    """``2017-07-03``, ``2017-07-03 09:00:00`` or ``2017-07-03 09:00:00+05:30``; None when undated.

    The offset is part of the moment: the same time at another offset can
    turn which of two posts came first.
    """
    if date is None:
        return None
    return f"{date} {time}{offset or ''}" if time else date


def _text(conn: sqlite3.Connection, run: int, post: str) -> str:
    rows = conn.execute("SELECT text FROM paragraphs WHERE run = ? AND post = ? ORDER BY idx", (run, post))
    return "\n\n".join(row[0] for row in rows)


def _pairs(
    conn: sqlite3.Connection, run: int, names: Mapping[str, str] = {}
) -> list[tuple[Key, dict[str, Any]]]:
    """A run's pairs, each with its key (both sides and kind); ``names``: a post's id in the other run."""
    found: list[tuple[Key, dict[str, Any]]] = []
    for a_post, a_par, a_hash, b_post, b_par, b_hash, kind in conn.execute(
        "SELECT p.a_post, p.a_paragraph, a.content_hash, p.b_post, p.b_paragraph, b.content_hash, p.kind "
        "FROM pairs p "
        "JOIN paragraphs a ON a.run = p.run AND a.post = p.a_post AND a.idx = p.a_paragraph "
        "JOIN paragraphs b ON b.run = p.run AND b.post = p.b_post AND b.idx = p.b_paragraph "
        "WHERE p.run = ? ORDER BY p.ord",
        (run,),
    ):
        # Which side is a follows the input's order, not the text: posts only reordered keep their pairs.
        sides = sorted([(names.get(a_post, a_post), a_hash), (names.get(b_post, b_post), b_hash)])
        pair = {
            "a": {"post": a_post, "paragraph": a_par},
            "b": {"post": b_post, "paragraph": b_par},
            "kind": kind,
        }
        found.append(((*sides[0], *sides[1], kind), pair))
    return found


def _paragraphs(pair: Mapping[str, Any]) -> tuple[int, ...]:
    """Where a pair's two paragraphs are in their posts: what tells apart pairs of one key."""
    return tuple(sorted((pair["a"]["paragraph"], pair["b"]["paragraph"])))


def _findings(
    conn: sqlite3.Connection, run: int, names: Mapping[str, str] = {}
) -> list[tuple[Key, dict[str, Any]]]:
    """A run's findings, each with its key (kind, severity, posts); ``names``: as for :func:`_pairs`."""
    found: list[tuple[Key, dict[str, Any]]] = []
    for kind, severity, posts, summary in conn.execute(
        "SELECT kind, severity, posts_json, summary FROM findings WHERE run = ? ORDER BY ord", (run,)
    ):
        listed = json.loads(posts)
        finding = {"kind": kind, "severity": severity, "posts": listed, "summary": summary}
        found.append(((kind, severity, *(names.get(post, post) for post in listed)), finding))
    return found


def _summary(finding: Mapping[str, Any]) -> str:
    return str(finding["summary"])


def _unmatched(
    ours: Sequence[tuple[Key, dict[str, Any]]],
    theirs: Sequence[tuple[Key, dict[str, Any]]],
    close: Callable[[Mapping[str, Any]], object],
) -> list[dict[str, Any]]:
    """The items of ``ours`` that no item of ``theirs`` matches, in ``ours``' order.

    Items match by key, each at most once: a key can name several items of
    one run (two editor's notes of a post pointing to articles the dump
    lacks, a text repeated three times in a post), and a third one added, or
    one of two gone, is a change. Among the items of one key, those of the
    same ``close`` value are matched first, then the others in order.
    """
    left: defaultdict[Key, list[object]] = defaultdict(list)
    for key, item in theirs:
        left[key].append(close(item))
    inexact = []
    for key, item in ours:
        pool, value = left[key], close(item)
        if value in pool:
            pool.remove(value)
        else:
            inexact.append((key, item))
    found = []
    for key, item in inexact:
        if left[key]:
            left[key].pop(0)
        else:
            found.append(item)
    return found


def _reprints(
    conn: sqlite3.Connection, run: int, names: Mapping[str, str] = {}
) -> dict[tuple[str, ...], dict[str, Any]]:
    """A run's reprints by source and copy; an undecided one, or one ordered by the input's order, by its
    two posts in either order (and how it was ordered).

    Which post of such a reprint is named the source follows the input's
    order: posts only reordered make no new reprint. Once decided by
    evidence, it is new (the direction is news). ``names`` gives a post's id in the other run.
    """
    return {
        _reprint_key(names.get(source, source), names.get(copy, copy), decided): {
            "source": source,
            "copy": copy,
            "decided_by": decided,
        }
        for source, copy, decided in conn.execute(
            "SELECT source, copy, decided_by FROM reprints WHERE run = ? ORDER BY ord", (run,)
        )
    }


#: How a reprint is ordered where the order is no finding but the input's order: the two
#: sides then swap when only the input is reordered, which is no news.
_ORDER_FREE = frozenset({UNDECIDED, EVIDENCE[INPUT_ORDER]})


def _reprint_key(source: str, copy: str, decided: str) -> tuple[str, ...]:
    return (decided, *sorted((source, copy))) if decided in _ORDER_FREE else (source, copy)


def _cwd(conn: sqlite3.Connection, run: int) -> str | None:
    """The folder ``run`` was started in; None for a run recorded before it was kept."""
    row = conn.execute(
        "SELECT json_extract(document_json, '$.cwd') FROM runs WHERE id = ?", (run,)
    ).fetchone()
    return row[0] if row is not None and isinstance(row[0], str) else None


#: Formats whose post's id is made from its file's path (``provenance.ingest.file_post_ids``).
_NAMED_BY_PATH = ("text", "html")


def _renamed(
    conn: sqlite3.Connection, old: int, new: int, old_posts: Mapping[str, Any], new_posts: Mapping[str, Any]
) -> dict[str, str]:
    """Old id -> new id of each post of a text or HTML file whose id alone changed between the runs.

    Such a post's id is the shortest tail of its file's path that tells it
    from the other files of its name: it grows when a file of the same name
    appears (``note`` becomes ``dump/note``), and follows how the dump was
    named (``audit .`` or ``audit dump``). Its file, by absolute path, says
    it is the same post: neither removed nor new.
    """

    def gone(run: int, others: Mapping[str, Any]) -> dict[str, list[str]]:
        cwd = _cwd(conn, run)
        found: dict[str, list[str]] = {}
        marks = ", ".join("?" * len(_NAMED_BY_PATH))
        for pid, path in conn.execute(
            f"SELECT id, source_path FROM posts WHERE run = ? AND format IN ({marks})", (run, *_NAMED_BY_PATH)
        ):
            if pid not in others:
                found.setdefault(absolute(cwd, path) if cwd else path, []).append(pid)
        return found

    before, after = gone(old, new_posts), gone(new, old_posts)
    return {
        ids[0]: after[path][0]
        for path, ids in before.items()
        if len(ids) == 1 and len(after.get(path, ())) == 1
    }


def run_files(conn: sqlite3.Connection, run: int | None) -> dict[str, tuple[str, str | None]]:
    """A run's input files by absolute path: each file's path as the run was given it, and its SHA-256.

    A path is made absolute from the folder the run was started in (``cwd``
    in ``runs.document_json``), so ``audit dump/`` and ``audit /home/me/dump/``
    name the same file; a run recorded before the folder was kept is taken
    as given.
    """
    if run is None:
        return {}
    cwd = _cwd(conn, run)
    return {
        absolute(cwd, path) if cwd else path: (path, digest)
        for path, digest in conn.execute("SELECT path, sha256 FROM files WHERE run = ?", (run,))
    }


def _finished(conn: sqlite3.Connection, run: int) -> str | None:
    row = conn.execute("SELECT COALESCE(finished_at, started_at) FROM runs WHERE id = ?", (run,)).fetchone()
    return None if row is None else row[0]


def diff_runs(conn: sqlite3.Connection, old: int | None, new: int) -> dict[str, Any]:
    """What run ``new`` has that run ``old`` had not, and the reverse where it matters.

    With ``old`` None (the store's first run) there is nothing to compare
    with: only ``run`` and ``previous_run`` (null) are given.
    """
    result: dict[str, Any] = {"run": new, "previous_run": old}
    if old is None:
        return result
    result["previous_run_finished_at"] = _finished(conn, old)
    old_files, new_files = run_files(conn, old), run_files(conn, new)
    result["files"] = {
        "unchanged": [
            p
            for key, (p, d) in new_files.items()
            if key in old_files and d is not None and old_files[key][1] == d
        ],
        "changed": [
            p
            for key, (p, d) in new_files.items()
            if key in old_files and (d is None or old_files[key][1] != d)
        ],
        "new": [p for key, (p, _) in new_files.items() if key not in old_files],
        "removed": [p for key, (p, _) in old_files.items() if key not in new_files],
    }
    old_posts, new_posts = _posts(conn, old), _posts(conn, new)
    names = _renamed(conn, old, new, old_posts, new_posts)
    previous = {new_id: old_id for old_id, new_id in names.items()}
    result["new_posts"] = [
        {"id": p, "title": row.title}
        for p, row in new_posts.items()
        if p not in old_posts and p not in previous
    ]
    result["removed_posts"] = [
        {"id": p, "title": row.title} for p, row in old_posts.items() if p not in new_posts and p not in names
    ]
    result["renamed_posts"] = [
        {"id": p, "previous_id": previous[p], "title": row.title}
        for p, row in new_posts.items()
        if p in previous
    ]
    changed = []
    # A headline rewritten, or a post dated otherwise (which can turn who copied whom): news, even
    # where the text is the same.
    relabelled = []
    from provenance.edits import edits

    for pid, row in new_posts.items():
        was = previous.get(pid, pid)
        if was not in old_posts:
            continue
        before = old_posts[was]
        if before.digest != row.digest:
            found = edits(_text(conn, old, was), _text(conn, new, pid))
            item: dict[str, Any] = {"id": pid, "title": row.title}
            if was != pid:
                item["previous_id"] = was
            item["edits"] = [
                {"kind": e.kind, "group": e.group, "a_text": e.a_text, "b_text": e.b_text} for e in found
            ]
            changed.append(item)
        if (before.title, before.when) != (row.title, row.when):
            relabelled.append(
                {
                    "id": pid,
                    "title": row.title,
                    "previous_title": before.title,
                    "date": row.when,
                    "previous_date": before.when,
                }
            )
    result["changed_posts"] = changed
    result["retitled_or_redated_posts"] = relabelled
    old_pairs, new_pairs = _pairs(conn, old, names), _pairs(conn, new)
    result["new_pairs"] = _unmatched(new_pairs, old_pairs, _paragraphs)
    result["removed_pairs"] = _unmatched(old_pairs, new_pairs, _paragraphs)
    old_reprints = _reprints(conn, old, names)
    result["new_reprints"] = [r for key, r in _reprints(conn, new).items() if key not in old_reprints]
    old_findings, new_findings = _findings(conn, old, names), _findings(conn, new)
    result["new_findings"] = _unmatched(new_findings, old_findings, _summary)
    result["resolved_findings"] = _unmatched(old_findings, new_findings, _summary)
    return result


def is_empty(diff: dict[str, Any]) -> bool:
    """Whether the diff names no change at all (an unchanged dump audited again)."""
    return not any(diff.get(key) for key in CHANGES)


def _ref(ref: dict[str, Any]) -> str:
    return f"{ref['post']}#{ref['paragraph']}"


def format_diff(diff: dict[str, Any]) -> list[str]:
    """The diff as lines for the terminal (each list cut at :data:`SHOWN` items, the rest counted)."""
    run, old = diff["run"], diff.get("previous_run")
    if old is None:
        return [f"run {run}: the store's first run; nothing to compare with"]
    lines = [f"run {run} against run {old} (finished {diff.get('previous_run_finished_at')}):"]
    files = diff["files"]
    lines.append(
        "files: "
        + ", ".join(f"{len(files[k])} {k}" for k in ("unchanged", "changed", "new", "removed"))
        + " (every file is read again; unchanged ones have the same SHA-256 as in the run before)"
    )
    for kind in ("changed", "new", "removed"):
        lines += [f"  {kind} file: {path}" for path in files[kind][:SHOWN]]
    # An id alone changed (its file's name met another, or the dump was named otherwise): no news, but
    # the post is found under its new id.
    renamed = diff.get("renamed_posts") or []
    if renamed:
        lines.append(f"posts of the same file under another id: {len(renamed)}")
        lines += [f"  {p['id']} ({p['title']}), was {p['previous_id']}" for p in renamed[:SHOWN]]
        if len(renamed) > SHOWN:
            lines.append(f"  … and {len(renamed) - SHOWN} more")
    if is_empty(diff):
        lines.append(
            f"nothing new since run {old}: same posts, texts, titles, dates, pairs, reprints and findings"
        )
        return lines

    def section(key: str, title: str, show: Any) -> None:
        items = diff[key]
        lines.append(f"{title}: {len(items)}")
        for item in items[:SHOWN]:
            lines.append("  " + show(item))
        if len(items) > SHOWN:
            lines.append(f"  … and {len(items) - SHOWN} more")

    def changed(post: dict[str, Any]) -> str:
        edits = post["edits"]
        shown = "; ".join(describe_edit(e["kind"], e["a_text"], e["b_text"]) for e in edits[:3])
        more = f" (and {len(edits) - 3} more edits)" if len(edits) > 3 else ""
        was = f", was {post['previous_id']}" if "previous_id" in post else ""
        return f"{post['id']} ({post['title']}{was}): {shown or 'whitespace only'}{more}"

    def relabelled(post: dict[str, Any]) -> str:
        said = []
        if post["title"] != post["previous_title"]:
            said.append(f"title {post['previous_title']!r} -> {post['title']!r}")
        if post["date"] != post["previous_date"]:
            said.append(f"date {post['previous_date'] or 'none'} -> {post['date'] or 'none'}")
        return f"{post['id']}: {'; '.join(said)}"

    section("new_posts", "new posts", lambda p: f"{p['id']} ({p['title']})")
    section("removed_posts", "removed posts", lambda p: f"{p['id']} ({p['title']})")
    section("changed_posts", "posts whose text changed", changed)
    section("retitled_or_redated_posts", "posts whose title or date changed", relabelled)
    section("new_pairs", "new pairs", lambda p: f"{_ref(p['a'])} ~ {_ref(p['b'])} ({p['kind']})")
    section("removed_pairs", "pairs gone", lambda p: f"{_ref(p['a'])} ~ {_ref(p['b'])} ({p['kind']})")
    section("new_reprints", "new reprints", lambda r: f"{r['copy']} copies {r['source']} ({r['decided_by']})")
    section("new_findings", "new findings", lambda f: f"{f['severity']} {f['kind']}: {f['summary']}")
    section("resolved_findings", "findings gone", lambda f: f"{f['severity']} {f['kind']}: {f['summary']}")
    return lines
