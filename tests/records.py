"""Hand-built records for stage tests that do not go through ingest."""

from __future__ import annotations

import datetime as dt

from provenance.models import Paragraph, Post, SourceRef


def post(post_id: str, *texts: str, date: dt.date | None = None) -> Post:
    """A post whose paragraphs are ``texts``, the first on line 1, with no citation."""
    return Post(
        id=post_id,
        title=post_id,
        date=date,
        source=SourceRef("test", 1, 1),
        citation=None,
        paragraphs=tuple(Paragraph(i, i + 1, t) for i, t in enumerate(texts)),
    )
