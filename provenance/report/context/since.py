"""What changed since the store's previous run (audit.json ``since_last_run``, only with ``--db``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from provenance.edits import describe_edit
from provenance.report.context.common import PostRef, _list, _Posts, _text

#: Items listed per kind of change; the rest are counted (every one is in audit.json and the store).
MAX_SINCE_ITEMS = 50


@dataclass(frozen=True, slots=True)
class ChangedPost:
    post: PostRef
    edits: tuple[str, ...]  # "number: “12” → “13”", the substantive ones first as the audit lists them


@dataclass(frozen=True, slots=True)
class SinceView:
    """The store's comparison of this run with the one before, as counts and short lists."""

    run: int
    previous_run: int
    previous_finished_at: str
    files: tuple[tuple[str, int], ...]  # (changed/new/removed/unchanged, count)
    new_posts: tuple[PostRef, ...]
    removed_posts: tuple[str, ...]  # titles: the posts are not in this run's report
    # A text or HTML file's post whose id alone changed (another file of its name appeared): no news, but
    # the post is found under its new id. (post, its id in the previous run)
    renamed_posts: tuple[tuple[PostRef, str], ...]
    changed_posts: tuple[ChangedPost, ...]
    # A post whose title or date changed: (post, its previous title or None if unchanged, its previous
    # date or None if unchanged, its date now); a missing date is "".
    relabelled_posts: tuple[tuple[PostRef, str | None, str | None, str], ...]
    new_pairs: int
    removed_pairs: int
    new_reprints: int
    new_findings: tuple[str, ...]
    resolved_findings: tuple[str, ...]
    more: int  # items left out of the lists above

    @property
    def nothing_new(self) -> bool:
        return not (
            self.new_posts
            or self.removed_posts
            or self.changed_posts
            or self.relabelled_posts
            or self.new_pairs
            or self.removed_pairs
            or self.new_reprints
            or self.new_findings
            or self.resolved_findings
        )


def _curly(text: str) -> str:
    return f"“{text}”"


def _finding_line(finding: Mapping[str, Any]) -> str:
    kind = _text(finding.get("kind")).replace("_", " ")
    return f"{_text(finding.get('severity'))} {kind}: {_text(finding.get('summary'))}"


def _relabelled(post: Mapping[str, Any], posts: _Posts) -> tuple[PostRef, str | None, str | None, str]:
    title, title_was = _text(post.get("title")), _text(post.get("previous_title"))
    date, date_was = _text(post.get("date")), _text(post.get("previous_date"))
    return (
        posts.ref(_text(post.get("id"))),
        None if title == title_was else title_was,
        None if date == date_was else date_was,
        date,
    )


def _since(doc: Mapping[str, Any], posts: _Posts) -> SinceView | None:
    since = doc.get("since_last_run")
    if not isinstance(since, Mapping) or since.get("previous_run") is None:
        return None
    more = 0

    def first(key: str) -> list[Mapping[str, Any]]:
        nonlocal more
        items = [i for i in _list(since, key) if isinstance(i, Mapping)]
        more += max(0, len(items) - MAX_SINCE_ITEMS)
        return items[:MAX_SINCE_ITEMS]

    files = since.get("files") if isinstance(since.get("files"), Mapping) else {}
    assert isinstance(files, Mapping)
    return SinceView(
        run=int(since.get("run") or 0),
        previous_run=int(since.get("previous_run") or 0),
        previous_finished_at=_text(since.get("previous_run_finished_at")),
        files=tuple(
            (kind, len(files.get(kind) or [])) for kind in ("changed", "new", "removed", "unchanged")
        ),
        new_posts=tuple(posts.ref(_text(p.get("id"))) for p in first("new_posts")),
        removed_posts=tuple(_text(p.get("title")) or _text(p.get("id")) for p in first("removed_posts")),
        renamed_posts=tuple(
            (posts.ref(_text(p.get("id"))), _text(p.get("previous_id"))) for p in first("renamed_posts")
        ),
        changed_posts=tuple(
            ChangedPost(
                posts.ref(_text(p.get("id"))),
                tuple(
                    describe_edit(
                        _text(e.get("kind")), _text(e.get("a_text")), _text(e.get("b_text")), _curly, "→"
                    )
                    for e in (p.get("edits") or [])[:5]
                    if isinstance(e, Mapping)
                ),
            )
            for p in first("changed_posts")
        ),
        relabelled_posts=tuple(_relabelled(p, posts) for p in first("retitled_or_redated_posts")),
        new_pairs=len(_list(since, "new_pairs")),
        removed_pairs=len(_list(since, "removed_pairs")),
        new_reprints=len(_list(since, "new_reprints")),
        new_findings=tuple(_finding_line(f) for f in first("new_findings")),
        resolved_findings=tuple(_finding_line(f) for f in first("resolved_findings")),
        more=more,
    )
