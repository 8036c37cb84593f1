"""Hostile audit documents and dumps shared by the output tests and the browser tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: RIGHT-TO-LEFT OVERRIDE: what follows it is drawn right to left until a PDF or the paragraph's end.
RLO = "\u202e"
#: A pop-directional-isolate that closes nothing, then an override and an isolate never closed:
#: in a ``<bdi>`` the first ends its isolation early, the last two outlive it.
UNBALANCED_BIDI = "\u2069\u202e\u2067"

#: The fields of an audit document whose strings come from the dump (ids are found by value).
DUMP_TEXT_KEYS = frozenset(
    {
        "title",
        "outlet",
        "author",
        "authors",
        "path",
        "text",
        "message",
        "reason",
        "sentence",
        "surface",
        "name",
        "aliases",
        "url",
        "tags",
        "categories",
        "cue",
    }
)


def seed_shaped() -> dict[str, Any]:
    """The seed-shaped audit document of the report tests: 7 posts, 16 pairs, a reprint, 9 outlets."""
    doc: dict[str, Any] = json.loads((FIXTURES / "audit-seed-shaped.json").read_text(encoding="utf-8"))
    return doc


def with_bidi_overrides(doc: dict[str, Any], mark: str = RLO) -> dict[str, Any]:
    """``doc`` with ``mark`` (an unclosed U+202E) at the start of every string from the dump, ids included.

    Every id is changed the same way wherever it appears, so the document
    still holds together.
    """
    ids = {post["id"] for post in doc["posts"]}

    def walk(value: Any, key: str | None) -> Any:
        if isinstance(value, dict):
            # The tool's own name and the parameters are not the dump's.
            return {k: v if k in ("tool", "params") else walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if isinstance(value, str) and (value in ids or key in DUMP_TEXT_KEYS):
            return mark + value
        return value

    spoiled: dict[str, Any] = walk(doc, None)
    return spoiled


def with_outlet_renamed(doc: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """``doc`` with the outlet ``old`` called ``new`` everywhere it is named."""

    def walk(value: Any, key: str | None) -> Any:
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if key in ("outlet", "name") and value == old:
            return new
        return value

    renamed: dict[str, Any] = walk(doc, None)
    return renamed
