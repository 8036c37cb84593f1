"""Node ids and small text helpers every part of the graph stage shares."""

from __future__ import annotations

import datetime as dt
import re

from provenance.models import ParagraphRef
from provenance.nfkc import nfkc


def post_node(post_id: str) -> str:
    return f"post:{post_id}"


def para_node(ref: ParagraphRef) -> str:
    return f"para:{ref.post}#{ref.paragraph}"


def iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


def title_key(title: str) -> str:
    """A title compared as a reader would: case, accents' forms and punctuation folded."""
    text = nfkc(title).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())
