"""Test helper for ingest: check that every non-blank input line lands in exactly one place.

"Places" are a post's title, date or citation line, a paragraph's lines
(``line``..``line_end``), a classified line (a post's notes or
``corpus.classified``), an unparsed line, or — for JSON Lines, where one
line is one post — the post's source line.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from provenance.models import Corpus


def physical_lines(text: str) -> list[str]:
    """Lines as the readers count them: ``\\n``, ``\\r\\n`` and a lone ``\\r`` all end a line."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def placed_lines(corpus: Corpus, path: str) -> Counter[int]:
    """How many places claim each line of ``path``."""
    places: Counter[int] = Counter()
    for post in corpus.posts:
        if post.source.path != path:
            continue
        if post.format == "jsonl":
            places[post.source.line_start] += 1
            continue
        for line in (post.title_line, post.date_line, post.citation.line if post.citation else 0):
            if line:
                places[line] += 1
        for paragraph in post.paragraphs:
            places.update(range(paragraph.line, paragraph.line_end + 1))
        places.update(note.line for note in post.notes)
    places.update(item.line for item in corpus.classified if item.path == path)
    places.update(item.line for item in corpus.unparsed if item.path == path)
    return places


def unaccounted(corpus: Corpus, path: str | Path, text: str | None = None) -> dict[str, list[int]]:
    """Lines of ``path`` that land nowhere, twice, or are blank yet claimed; empty when all is well."""
    path = str(path)
    if text is None:
        text = Path(path).read_text(encoding="utf-8")
    lines = physical_lines(text)
    non_blank = {number for number, line in enumerate(lines, start=1) if line.strip()}
    places = placed_lines(corpus, path)
    problems = {
        "lost": sorted(non_blank - set(places)),
        "twice": sorted(line for line, count in places.items() if count > 1),
        "blank or out of range": sorted(set(places) - non_blank),
    }
    return {kind: lines for kind, lines in problems.items() if lines}
