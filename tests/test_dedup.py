"""The duplicate stage: pairs, kinds, spans, clusters, boilerplate and post-level reuse (provenance.dedup)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from records import post

from provenance.config import AuditConfig
from provenance.dedup import chronological_key, find_duplicates
from provenance.dedup import flat as dedup_flat
from provenance.ingest import read_corpus
from provenance.models import DedupResult, Pair, Post
from provenance.shingle import shingles, tokens

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "islamic-state-whats-next.txt"
CASES = json.loads((ROOT / "tests" / "cases" / "dedup-cases.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed() -> tuple[list[Post], DedupResult]:
    posts = read_corpus([SEED], AuditConfig()).posts
    return posts, find_duplicates(posts, AuditConfig())


def line_pairs(posts: list[Post], result: DedupResult) -> dict[tuple[int, int], str]:
    by_id = {p.id: p for p in posts}

    def line(ref: object) -> int:
        return by_id[ref.post].paragraphs[ref.paragraph].line  # type: ignore[attr-defined]

    return {(line(p.a), line(p.b)): p.kind for p in result.pairs}


def test_seed_gives_exactly_the_expected_pairs(seed: tuple[list[Post], DedupResult]) -> None:
    """The seed has 12 exact pairs, the edited excerpt as near, three contained excerpts, and nothing else."""
    posts, result = seed
    expected = {(9, 35): "exact", (11, 37): "exact", (13, 43): "near", (77, 101): "contained"}
    expected |= {(117 + 2 * i, 149 + 2 * i): "exact" for i in range(10)}
    expected |= {(145, 133): "contained", (145, 165): "contained"}
    assert line_pairs(posts, result) == expected


def test_seed_reuse_names_the_reprint_and_leaves_the_rest_independent(
    seed: tuple[list[Post], DedupResult],
) -> None:
    """ "US on alert…" derives from "ISIS chief looses…" alone; the other five posts are independent."""
    posts, result = seed
    assert set(result.reuse) == {p.id for p in posts}
    copy = next(p.id for p in posts if p.title.startswith("US on alert"))
    source = next(p.id for p in posts if p.title.startswith("ISIS chief looses"))
    assert result.reuse[copy].derivation in ("wholly", "partially")
    assert [s.post for s in result.reuse[copy].sources] == [source]
    others = [p.id for p in posts if p.id != copy]
    assert {result.reuse[p].derivation for p in others} == {"independent"}


def test_seed_clusters_start_at_the_earliest_witness(seed: tuple[list[Post], DedupResult]) -> None:
    """The "Our sources foresee…" cluster holds three paragraphs and starts in the Nov 3 post."""
    posts, result = seed
    source = next(p.id for p in posts if p.title.startswith("ISIS chief looses"))
    biggest = max(result.clusters, key=lambda c: len(c.members))
    assert len(biggest.members) == 3
    assert biggest.earliest.post == source
    assert biggest.kinds == ("contained", "exact")


def shared_from_spans(pair: Pair, text_a: str, text_b: str, k: int) -> int:
    """Distinct k-shingles of ``a`` that lie inside its equal spans, recomputed from the words."""
    words_a = tokens(text_a)
    inside: set[int] = set()
    for span in pair.spans:
        run = [t.word for t in words_a if span.a_start <= t.start and t.end <= span.a_end]
        if len(run) >= k or len(run) == len(words_a):
            inside.update(shingles(run, k).tolist())
        # both sides of an equal span carry the same words
        run_b = [t.word for t in tokens(text_b) if span.b_start <= t.start and t.end <= span.b_end]
        assert run == run_b
    return len(inside)


def test_seed_spans_give_back_the_stated_containment(seed: tuple[list[Post], DedupResult]) -> None:
    """For every seed pair, the shingles inside the equal spans recompute the pair's stated containment."""
    posts, result = seed
    by_id = {p.id: p for p in posts}
    k = AuditConfig().shingle_size
    for pair in result.pairs:
        text_a = by_id[pair.a.post].paragraphs[pair.a.paragraph].text
        text_b = by_id[pair.b.post].paragraphs[pair.b.paragraph].text
        smaller = min(len(shingles([t.word for t in tokens(x)], k)) for x in (text_a, text_b))
        assert shared_from_spans(pair, text_a, text_b, k) / smaller == pytest.approx(pair.containment)
        for segment in pair.alignment:
            assert 0 <= segment.a_start <= segment.a_end <= len(text_a)
            assert 0 <= segment.b_start <= segment.b_end <= len(text_b)


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_labelled_case(case: dict[str, str | None]) -> None:
    """Each labelled regression case in tests/cases/dedup-cases.json gives its expected kind (or no pair)."""
    result = find_duplicates([post("a", str(case["a"])), post("b", str(case["b"]))], AuditConfig())
    assert [p.kind for p in result.pairs] == ([case["expected"]] if case["expected"] else [])
    for pair in result.pairs:
        assert pair.spans, "every pair highlights shared words"


def test_contained_pair_puts_the_shorter_paragraph_first() -> None:
    """For a contained pair, ``a`` is the excerpt even when the longer paragraph comes first in input."""
    case = next(c for c in CASES if c["label"] == "excerpt-in-longer-paragraph")
    result = find_duplicates([post("long", case["b"]), post("short", case["a"])], AuditConfig())
    assert [(p.a.post, p.b.post, p.kind) for p in result.pairs] == [("short", "long", "contained")]


def test_boilerplate_is_reported_once_and_never_paired() -> None:
    """A sign-off in 20 posts is one boilerplate entry with 20 members, and makes no pairs."""
    sign_off = "Share this article on Facebook and Twitter, and subscribe to our newsletter."
    posts = [post(f"p{i:02}", " ".join(f"topic{i}word{j}" for j in range(12)), sign_off) for i in range(20)]
    result = find_duplicates(posts, AuditConfig())
    assert result.pairs == []
    assert [(b.posts, len(b.members)) for b in result.boilerplate] == [(20, 20)]
    assert result.boilerplate[0].text == sign_off


def test_chronological_key_puts_undated_posts_last_and_ties_in_input_order() -> None:
    """Posts without citations sort by date, undated ones after all of them, equal dates by input position."""
    posts = [
        post("undated"),
        post("late", date=dt.date(2017, 1, 2)),
        post("early-b", date=dt.date(2016, 1, 1)),
        post("early-a", date=dt.date(2016, 1, 1)),
    ]
    key = chronological_key(posts)
    assert sorted(key, key=key.__getitem__) == ["early-b", "early-a", "late", "undated"]


def test_the_cited_original_date_decides_earlier_everywhere() -> None:
    """A post re-publishing an older article is the earlier witness in clusters, reuse and the graph alike."""
    from dataclasses import replace

    from provenance.graph import build_graph
    from provenance.models import Citation

    text = CASES[3]["a"]
    # Posted later, but its citation dates the article a year before the other post.
    old_article = replace(
        post("old-article", text, date=dt.date(2020, 6, 1)),
        citation=Citation("An old story", "Outlet", None, dt.date(2019, 6, 1)),
    )
    posted_first = post(
        "posted-first", text, "A closing remark of our own, nothing like the above.", date=dt.date(2020, 1, 1)
    )
    posts = [posted_first, old_article]
    key = chronological_key(posts)
    assert key["old-article"] < key["posted-first"]
    # Equal citation dates fall back on the post date, then input order; undated posts come last.
    same_day = [replace(p, citation=Citation(None, None, None, dt.date(2019, 6, 1))) for p in posts]
    same_key = chronological_key(same_day)
    assert same_key["posted-first"] < same_key["old-article"]
    result = find_duplicates(posts, AuditConfig())
    (cluster,) = result.clusters
    assert cluster.earliest.post == "old-article"
    assert result.reuse["old-article"].derivation == "independent"
    assert [s.post for s in result.reuse["posted-first"].sources] == ["old-article"]
    graph = build_graph(posts, result, AuditConfig()).full_graph()
    assert graph.nodes[f"cluster:{cluster.id}"]["earliest"].startswith("para:old-article#")


def test_reuse_credits_the_earlier_post_not_the_later() -> None:
    """When two posts share a passage, the later one borrows from the earlier and not the other way round."""
    text = CASES[3]["a"]
    later = post(
        "later",
        text,
        "A closing remark of our own, quite unrelated to the copied material above.",
        date=dt.date(2020, 5, 2),
    )
    earlier = post("earlier", text, date=dt.date(2020, 5, 1))
    result = find_duplicates([later, earlier], AuditConfig())
    assert result.reuse["earlier"].derivation == "independent"
    assert [s.post for s in result.reuse["later"].sources] == ["earlier"]
    assert result.reuse["later"].share == pytest.approx(len(tokens(text)) / (len(tokens(text)) + 13))


def test_same_event_in_own_words_is_independent() -> None:
    """Posts on one event sharing names, a date and a short quote come out independent."""
    cases = {c["label"]: c for c in CASES}
    first = post(
        "first",
        cases["same-event-own-words"]["a"],
        cases["short-shared-quote"]["a"],
        cases["stock-phrase"]["a"],
        date=dt.date(2017, 6, 28),
    )
    second = post(
        "second",
        cases["same-event-own-words"]["b"],
        cases["short-shared-quote"]["b"],
        cases["stock-phrase"]["b"],
        date=dt.date(2017, 6, 29),
    )
    result = find_duplicates([first, second], AuditConfig())
    assert {r.derivation for r in result.reuse.values()} == {"independent"}


def test_worker_processes_give_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hashing in two worker processes gives exactly the pairs and reuse of hashing in one."""
    posts = read_corpus([SEED], AuditConfig()).posts
    serial = find_duplicates(posts, AuditConfig(jobs=1))
    monkeypatch.setattr(dedup_flat, "PARALLEL_MIN_PARAGRAPHS", 1)
    monkeypatch.setattr(dedup_flat, "CHUNK", 10)
    parallel = find_duplicates(posts, AuditConfig(jobs=2))
    assert parallel.stats["workers"] == 2
    assert parallel.pairs == serial.pairs
    assert parallel.reuse == serial.reuse
    assert parallel.clusters == serial.clusters


def test_progress_is_reported_with_totals() -> None:
    """find_duplicates reports its stages through the progress callback, never past their totals."""
    calls: list[tuple[str, int, int | None]] = []
    find_duplicates(
        [post("a", "one two three"), post("b", "one two three")],
        AuditConfig(),
        lambda stage, done, total: calls.append((stage, done, total)),
    )
    assert calls
    assert all(total is None or done <= total for _, done, total in calls)
    # Every stage ends complete, and alignment and the post-reuse wait are reported too
    # (hashing only past one chunk of paragraphs).
    last = {stage: (done, total) for stage, done, total in calls}
    assert {"dedup: indexing shingles", "dedup: aligning pairs", "dedup: post reuse"} <= set(last)
    assert all(done == total for done, total in last.values())


@pytest.mark.parametrize("trim_bytes", [1, 1 << 40])
def test_chunks_joined_with_freed_memory_handed_back_are_their_concatenation(
    monkeypatch: pytest.MonkeyPatch, trim_bytes: int
) -> None:
    """The word hashes' chunks are joined, not held twice, whatever the hand-backs of freed memory."""
    import numpy as np

    monkeypatch.setattr(dedup_flat, "FREEING_TRIM_BYTES", trim_bytes)
    rng = np.random.default_rng(5)
    parts = [rng.integers(0, 2**63, size=int(n), dtype=np.uint64) for n in rng.integers(0, 50, size=30)]
    expected = np.concatenate(parts)
    joined = dedup_flat.concatenate_freeing(parts, np.uint64)
    assert joined.dtype == np.uint64 and np.array_equal(joined, expected)
    assert parts == []
    assert dedup_flat.concatenate_freeing([], bool).dtype == bool


@pytest.mark.parametrize(
    "invisible",
    ["\u200b", "\u00ad", "\u2060", "\u200c", "\u202e\u202c", "\ufe0f"],
    ids=["zero-width space", "soft hyphen", "word joiner", "zero-width non-joiner", "bidi override", "VS16"],
)
def test_a_copy_with_invisible_characters_between_its_letters_is_an_exact_copy(invisible: str) -> None:
    """A hostile copy can put a character no reader sees between every two letters: each split its word, so
    the copy shared no word with its source and no pair was found. The words are compared without them."""
    source = (
        "The ministry said on Monday that twelve soldiers were killed in the attack on the northern base, "
        "and that the attackers had crossed the border during the night before the assault began."
    )
    hidden = "".join(
        char + (invisible if char.isalpha() and following.isalpha() else "")
        for char, following in zip(source, source[1:] + " ", strict=True)
    )
    assert hidden != source and hidden.replace(invisible, "") == source
    posts = [post("source", source), post("copy", hidden)]
    result = find_duplicates(posts, AuditConfig())
    assert [(p.a.post, p.b.post, p.kind) for p in result.pairs] == [("source", "copy", "exact")]


def test_a_copy_with_look_alike_letters_is_an_exact_copy() -> None:
    """Cyrillic а е о р с і and Т М in place of the Latin letters: the copy shared no word with its source."""
    source = (
        "The ministry said on Monday that twelve soldiers were killed in the attack on the northern base, "
        "and that the attackers had crossed the border during the night before the assault began."
    )
    swapped = source.translate(str.maketrans("aeopciTM", "аеорсіТМ"))
    assert swapped != source
    result = find_duplicates([post("source", source), post("copy", swapped)], AuditConfig())
    assert [(p.a.post, p.b.post, p.kind) for p in result.pairs] == [("source", "copy", "exact")]


def test_a_copy_with_every_letter_that_has_a_look_alike_swapped_is_an_exact_copy_and_says_so() -> None:
    """A tool that swaps every letter it can leaves words of none but look-alikes ("а", "іѕ", "һіѕ"),
    which read as written broke most shingles: the copy was a partial one at Jaccard 0.37. Among Latin
    words they are read as Latin, and what the copy changed is said to be a disguise."""
    source = (
        "The ministry said on Tuesday that a convoy of trucks carrying aid had crossed the border near "
        "the town. She said it was a sign of progress, his office added, as the roads reopened."
    )
    swapped = source.translate(str.maketrans("acehijopsxyABCEHIKMOPSTXY", "асеһіјорѕхуАВСЕНІКМОРЅТХУ"))
    assert {"а", "ѕаіd", "һіѕ", "аѕ"} <= set(swapped.replace(",", "").split())
    result = find_duplicates([post("source", source), post("copy", swapped)], AuditConfig())
    assert [(p.a.post, p.b.post, p.kind) for p in result.pairs] == [("source", "copy", "exact")]
    edits = result.pairs[0].edits
    assert edits and {edit.kind for edit in edits} == {"disguise"}
