"""The overview: the figures at the top and the copied-share chart's rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from provenance.report.context.common import (
    KINDS,
    _float,
    _list,
    _percent,
    _Posts,
    _text,
    verdict_label,
)
from provenance.report.context.copies import direction
from provenance.report.context.posts import PROVENANCE_BITS, PostCard
from provenance.schema import sources_main_first


@dataclass(frozen=True, slots=True)
class Figure:
    """One overview number; ``key`` names it for tests and for ``data-figure``.

    ``minor`` figures (counts of the machinery: paragraphs, pairs, clusters,
    outlets) are drawn smaller, so the copies table still starts on the first screen.
    """

    key: str
    label: str
    value: str
    detail: str = ""
    minor: bool = False


def _figures(
    doc: Mapping[str, Any], posts: _Posts, pair_kinds: Mapping[str, int], clusters: int, cards: list[PostCard]
) -> tuple[Figure, ...]:
    """The overview's figures; ``pair_kinds`` counts the pairs of each kind (where the summary does not)."""
    summary = doc.get("summary") if isinstance(doc.get("summary"), Mapping) else {}
    assert isinstance(summary, Mapping)

    def count(key: str, fallback: int) -> int:
        return int(_float(summary[key])) if key in summary else fallback

    by_kind = summary.get("pairs_by_kind") if isinstance(summary.get("pairs_by_kind"), Mapping) else {}
    assert isinstance(by_kind, Mapping)

    def kind_count(kind: str) -> int:
        if kind in by_kind:
            return int(_float(by_kind[kind]))
        return pair_kinds.get(kind, 0)

    paragraphs = posts.paragraph_count
    outlets = len(_list(doc, "outlets"))
    inside = _float(summary.get("copied_share_inside"))
    across = _float(summary.get("copied_share_across"))
    # One count of derived posts, by one rule: the audit's derivation (the copies table's rows).
    # Reprints (whole paragraphs re-published) are another rule; they are named on the posts' cards.
    derivations = Counter(
        _text(p["reuse"].get("derivation")) for p in posts.raw.values() if isinstance(p.get("reuse"), Mapping)
    )
    params = doc.get("params") if isinstance(doc.get("params"), Mapping) else {}
    assert isinstance(params, Mapping)
    derived = derivations["wholly"] + derivations["partially"]
    # A copy whose order with its main source is a guess (undated posts: input order, containment)
    # may be that source's original: the figure says how many of its posts rest on such a guess.
    guessed = sum(
        1
        for p in posts.raw.values()
        if isinstance(p.get("reuse"), Mapping)
        and _text(p["reuse"].get("derivation")) in ("wholly", "partially")
        and _main_order_guessed(p["reuse"])
    )
    evidence = _text(summary.get("order_evidence"))
    # Repeats left out of the pairs (a share line after every paragraph): without this figure a post
    # of a thousand copies of one line showed 0 pairs and 0% repeated, and nothing said why.
    boilerplate = int(_float(summary.get("boilerplate")))
    boilerplate_figure = (
        [
            Figure(
                "boilerplate",
                "boilerplate text" if boilerplate == 1 else "boilerplate texts",
                f"{boilerplate:,}",
                "repeated lines left out of the pairs (see Duplicates)",
                minor=True,
            )
        ]
        if boilerplate
        else []
    )
    return (
        Figure("posts", "posts", f"{count('posts', len(posts.raw)):,}"),
        Figure(
            "derived",
            ("post borrows text" if derived == 1 else "posts borrow text")
            + (", by a guessed order" if guessed and guessed == derived else ""),
            f"{derived:,}",
            f"{derivations['wholly']:,} {verdict_label('wholly', params)} · "
            f"{derivations['partially']:,} {verdict_label('partially', params)}"
            + (f" · {guessed:,} by a guessed order" if 0 < guessed < derived else ""),
        ),
        # Pairs, not borrowing: a template every post shares repeats across posts while no post
        # borrows (the passage rules leave phrases in many posts out), so the word is "repeated".
        Figure(
            "copied_share_across",
            "of text repeated across posts",
            _percent(across),
            "in paragraphs other posts have too; not every repeat is borrowed",
        ),
        Figure("copied_share_inside", "of text repeated inside posts", _percent(inside)),
        *([Figure("order_evidence", "who copied whom", _order_word(evidence), evidence)] if evidence else []),
        Figure("paragraphs", "paragraphs", f"{count('paragraphs', paragraphs):,}", minor=True),
        Figure(
            "pairs",
            "duplicate pairs",
            f"{count('pairs', sum(pair_kinds.values())):,}",
            " · ".join(f"{kind_count(k):,} {k}" for k in KINDS),
            minor=True,
        ),
        Figure("clusters", "duplicate clusters", f"{count('clusters', clusters):,}", minor=True),
        Figure("outlets", "outlets", f"{count('outlets', outlets):,}", minor=True),
        *boilerplate_figure,
    )


def _main_order_guessed(reuse: Mapping[str, Any]) -> bool:
    """Whether the order of a copy and its main source (the copies table's first) is not decided."""
    sources = [s for s in reuse.get("sources") or () if isinstance(s, Mapping)]
    if not sources:
        return False
    return direction(_text(sources_main_first(sources)[0].get("decided_by"))).firmness != "decided"


def _order_word(evidence: str) -> str:
    """A word for the overview on what direction rests on (summary.order_evidence is the sentence)."""
    if evidence.startswith("a guess"):
        return "guessed"
    return "partly guessed" if "(a guess)" in evidence else "by evidence"


def _shares(
    posts: _Posts, post_id: str, provenances: Mapping[tuple[str, int], int]
) -> tuple[float, float, float]:
    """(borrowed, given, inside) shares of a post's words, for the chart.

    Borrowed is the audit's own ``reuse.share`` (word spans shared with
    earlier posts); given and inside count the words of whole paragraphs
    repeated in later posts / repeated inside the post (pairs, not borrowing).
    """
    reuse = posts.raw[post_id].get("reuse")
    borrowed = _float(reuse.get("share")) if isinstance(reuse, Mapping) else 0.0
    words = posts.words(post_id)
    total = sum(words.values())
    if not total:
        return borrowed, 0.0, 0.0
    given = inside = 0
    for index, count in words.items():
        kinds = provenances.get((post_id, index), 0)
        given += count if kinds & PROVENANCE_BITS["into-later"] else 0
        inside += count if kinds & PROVENANCE_BITS["inside"] else 0
    return borrowed, given / total, inside / total
