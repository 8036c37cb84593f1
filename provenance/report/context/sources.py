"""The Sources section: outlets ranked by the posts that cite or name them, with evidence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from provenance.report.anchors import outlet_anchor
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
class MentionView:
    sentence: str
    surface: str
    cue: str
    paragraph: ParagraphLink | None
    post: PostRef


@dataclass(frozen=True, slots=True)
class OutletView:
    name: str
    anchor: str
    kind: str
    aliases: tuple[str, ...]
    cited_by: tuple[PostRef, ...]  # the first ``max_posts_per_outlet``, earliest first
    cited_by_total: int
    mentioned_by: tuple[PostRef, ...]
    mentioned_by_total: int
    mentions: tuple[MentionView, ...]
    mentions_total: int


def _outlets(
    doc: Mapping[str, Any], posts: _Posts, limits: ReportLimits
) -> tuple[list[OutletView], str | None]:
    mentions_by_outlet: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for mention in _list(doc, "mentions"):
        if isinstance(mention, Mapping):
            named = _text(mention.get("outlet"))
            mentions_by_outlet[posts.canonical.get(named.casefold(), named).casefold()].append(mention)
    raw_outlets = [o for o in _list(doc, "outlets") if isinstance(o, Mapping)]
    raw_outlets.sort(
        key=lambda o: (
            -len(o.get("cited_by") or []),
            -len(o.get("mentioned_by") or []),
            _text(o.get("name")).casefold(),
            _text(o.get("name")),
        )
    )

    def ranked_posts(ids: object) -> tuple[PostRef, ...]:
        listed = sorted((str(p) for p in ids or []), key=posts.sort_key)  # type: ignore[attr-defined]
        return tuple(posts.ref(p) for p in listed[: limits.max_posts_per_outlet])

    views: list[OutletView] = []
    for outlet in raw_outlets[: limits.max_outlets]:
        name = _text(outlet.get("name"))
        evidence = sorted(
            mentions_by_outlet.get(name.casefold(), []),
            key=lambda m: (
                posts.sort_key(_text(m.get("post"))),
                int(_float(m.get("line"))),
                _text(m.get("sentence")),
            ),
        )
        mention_views = []
        for mention in evidence[: limits.max_mentions_per_outlet]:
            post_id = _text(mention.get("post"))
            index = int(_float(mention.get("paragraph", -1)))
            mention_views.append(
                MentionView(
                    _text(mention.get("sentence")),
                    _text(mention.get("surface")),
                    _text(mention.get("cue")),
                    posts.paragraph(post_id, index) if index >= 0 else None,
                    posts.ref(post_id),
                )
            )
        views.append(
            OutletView(
                name=name,
                anchor=outlet_anchor(name),
                kind=_text(outlet.get("kind")) or "outlet",
                aliases=tuple(sorted({_text(a) for a in outlet.get("aliases") or []} - {name})),
                cited_by=ranked_posts(outlet.get("cited_by")),
                cited_by_total=len(outlet.get("cited_by") or []),
                mentioned_by=ranked_posts(outlet.get("mentioned_by")),
                mentioned_by_total=len(outlet.get("mentioned_by") or []),
                mentions=tuple(mention_views),
                mentions_total=len(evidence),
            )
        )
    note = None
    if len(views) < len(raw_outlets):
        note = f"The {len(views):,} most cited of {len(raw_outlets):,} outlets; all are in audit.json."
    return views, note
