"""What a copy changed: the differences between two aligned texts, as edits a reader can scan.

Finding a copy is where other tools stop; a fact-checker's next question is
what the copy changed. :func:`edits` aligns a source text and its copy word
by word (the alignment the duplicate stage uses, on normalised words) and
classifies every difference, keeping both spans:

substantive (listed first)
    ``number`` (figures, amounts: "1,112" -> "1,212"; a code with a digit,
    "BBC1", only against another; the same figure written otherwise,
    "thirty-five" -> "35", is a spelling; a currency sign for another,
    "$2.5m" -> "£2.5m", is a number), ``date`` (days, months, weekdays:
    "Thursday" -> "Friday"), ``name`` (one capitalised name of a person,
    place or outlet for another: a name on one side only, "TV" ->
    "television", and a possessive, "Harris" -> "Harris's", are wording),
    ``negation`` (a statement turned round: "not", "never", "no longer"
    added or removed about the same words, or a negative prefix: "able" ->
    "unable"; "will not" -> "won't" is none), ``hedge`` ("reportedly", "allegedly", "according to",
    "it is impossible to verify" added or removed), ``quote`` (words changed
    inside quotation marks)
structural
    ``sentence_dropped`` / ``sentence_added`` (a whole sentence only in the
    source / only in the copy), ``lead_in_cut`` / ``lead_in_added`` (words
    before the shared text that end without a full stop: "Still, even taking
    into account these caveats, it ..."), ``reordered`` (a sentence moved),
    ``wording`` (words replaced, none of the above)
editorial
    ``bracket`` ("[I]t" for "It", "[sic]"), ``ellipsis`` ("..." marking a
    cut), ``spelling`` (one word for a near-identical one: "honour" ->
    "honor", "Zoë" -> "Zoe"; a figure written otherwise: "2.5 million" ->
    "2.5m")
formatting
    ``case``, ``punctuation`` (also between a word's letters: "U.S." ->
    "US", "sit-com" -> "sitcom"), ``quote_style`` (straight for curly),
    ``whitespace``, and ``disguise`` (letters swapped for look-alikes of
    another script, or characters no reader sees put into a word: nothing a
    reader sees changes, but a tool comparing characters no longer finds the
    copy; :mod:`provenance.homoglyphs`, :mod:`provenance.invisible`)

Words are compared as the duplicate stage compares them (case, quotes and
brackets folded), so formatting differences are found inside the shared runs
and in the gaps between their words, and the classification of a changed run
reads the words of both sides. A substantive kind is a local change: a
figure, name or negation in a run of at most four words a side, a figure or
a day replaced by another in a clause of at most twelve, a caveat of at most
twelve words; a longer run is a passage rewritten, added or cut (``wording``,
a sentence, a lead-in), whatever figures and capitals it holds. It is rules
over words, not understanding: "rose" -> "fell" is ``wording``; a reader
judges whether it matters.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from bisect import bisect_right
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from operator import itemgetter

import numpy as np
import numpy.typing as npt
from rapidfuzz.distance import Levenshtein

from provenance.config import AuditConfig
from provenance.figures import figure_values
from provenance.homoglyphs import as_latin, homoglyph_table
from provenance.invisible import IGNORABLE_CHARACTERS, may_hide
from provenance.lcs import opcodes
from provenance.models import GROUPS, KINDS, Boilerplate, Edit, EditKind, Edits, Pair, Post, PostReuse
from provenance.quotes import quoted_spans
from provenance.shingle import FUNCTION_WORDS, _raw_to_words, shingle_hashes, tokens, word_spans

__all__ = [
    "GROUPS",
    "KINDS",
    "Edit",
    "SharedPassages",
    "describe_changes",
    "describe_edit",
    "edits",
    "edits_many",
    "passage_edits",
    "substantive_changes",
    "with_changes",
]


#: Each edit kind as :func:`describe_changes` counts it (singular, plural); editorial and formatting kinds are
#: summed under their group, except a disguise, which a reader should not have to look for.
_CHANGE_WORDS: dict[str, tuple[str, str]] = {
    "number": ("number", "numbers"),
    "date": ("date", "dates"),
    "name": ("name", "names"),
    "negation": ("negation", "negations"),
    "hedge": ("hedge", "hedges"),
    "quote": ("quotation", "quotations"),
    "sentence_dropped": ("sentence dropped", "sentences dropped"),
    "sentence_added": ("sentence added", "sentences added"),
    "lead_in_cut": ("lead-in cut", "lead-ins cut"),
    "lead_in_added": ("lead-in added", "lead-ins added"),
    "reordered": ("sentence moved", "sentences moved"),
    "wording": ("rewording", "rewordings"),
    "disguise": ("disguised word", "disguised words"),
}


def _counted(count: int, words: tuple[str, str]) -> str:
    return f"{count:,} {words[0] if count == 1 else words[1]}"


def describe_changes(changes: Mapping[str, object]) -> tuple[str, str]:
    """A source's ``changes`` (edit kind -> count, audit.json's ``sources[].changes``) in words: the
    substantive part ("1 number, 2 names") and the rest ("2 rewordings, 20 formatting edits"), as the
    report's copies table and ``provenance sources`` say them.

    Substantive and structural kinds by name, editorial and formatting ones
    counted by group; both empty when nothing changed ("no edit found": the
    paragraphs carried, or the passages shared, differ in nothing the edits
    read).
    """
    substance: list[str] = []
    rest: list[str] = []
    grouped: dict[str, int] = {}
    for kind, count in _recorded(changes):
        group = GROUPS[kind]
        if kind in _CHANGE_WORDS:
            (substance if group == "substantive" else rest).append(_counted(count, _CHANGE_WORDS[kind]))
        else:
            grouped[group] = grouped.get(group, 0) + count
    rest += [_counted(count, (f"{group} edit", f"{group} edits")) for group, count in grouped.items()]
    return ", ".join(substance), ", ".join(rest)


def substantive_changes(changes: Mapping[str, object]) -> int:
    """How many substantive edits (figures, dates, names, negations, hedges, quotations) a source's
    ``changes`` count: what the report's copies table sorts "What it changed" by."""
    return sum(count for kind, count in _recorded(changes) if GROUPS[kind] == "substantive")


def _recorded(changes: Mapping[str, object]) -> Iterator[tuple[EditKind, int]]:
    """The kinds and counts of a document's ``changes``, in :data:`KINDS` order; a count that is no
    positive integer (a hand-edited document) left out."""
    for kind in KINDS:
        count = changes.get(kind)
        if isinstance(count, int) and not isinstance(count, bool) and count > 0:
            yield kind, count


def _in_kind_order(counted: Counter[str]) -> tuple[tuple[EditKind, int], ...]:
    """Edit counts in :data:`KINDS` order, kinds with none left out (a source's ``changes``)."""
    return tuple((kind, counted[kind]) for kind in KINDS if counted[kind])


def _kind_counts(pairs: Iterable[Pair]) -> tuple[tuple[EditKind, int], ...]:
    """How many edits of each kind ``pairs`` hold, in :data:`KINDS` order, kinds with none left out."""
    counted: Counter[str] = Counter()
    for pair in pairs:
        edits = pair.edits
        if isinstance(edits, Edits):
            counted.update(edits.kinds())
        else:
            counted.update(edit.kind for edit in edits)
    return _in_kind_order(counted)


def _closest(items: Iterable[tuple[int, Pair]]) -> list[Pair]:
    """For each paragraph of the copy, the pair of the fewest edits (the first of those), in its order."""
    closest: dict[int, Pair] = {}
    for index, pair in items:
        kept = closest.get(index)
        if kept is None or len(pair.edits) < len(kept.edits):
            closest[index] = pair
    return list(closest.values())


def with_changes(
    reuse: Mapping[str, PostReuse],
    copied: Mapping[tuple[str, str], Sequence[tuple[int, Pair]]],
    passages: SharedPassages | None = None,
) -> dict[str, PostReuse]:
    """Each borrowing post's ``reuse`` with every source's ``changes``: what the post changed in the
    paragraphs it carries from that source, counted by kind.

    ``copied`` files each decided pair between posts under (copy, source)
    (:func:`provenance.reuse_credit.copied_paragraphs`): its edits read from
    the source to the copy, so each is a change the copy made. A paragraph of
    the copy that pairs with several paragraphs of one source (a source
    repeating its own text, as a post's excerpt repeats its body) counts only
    against the one it differs from least: the seed's copy carries a
    paragraph word for word, and the source's shorter excerpt of it would
    have said the copy added a sentence. A paragraph carried from two sources
    counts against each, since each is a version the reader may hold the copy
    against. The report shows the counts beside each source, so that what a
    copy changed is read off the copies table, not only from its aligned
    paragraphs.

    A source the post shares passages with but no paragraph (a newspaper
    rewriting a wire story around its sentences: half of METER's sources)
    had nothing to count, and "no edit found" said the copy changed nothing.
    With ``passages``, such a source's changes are read inside the passages
    the two posts share (:meth:`SharedPassages.changes`), main sources first,
    and are None for a source over its budget: not read, never "none".
    """
    passage_changes: dict[tuple[str, str], tuple[tuple[EditKind, int], ...] | None] = {}
    if passages is not None:
        unpaired = [
            (post_id, source.post, rank)
            for post_id, found in reuse.items()
            for rank, source in enumerate(sorted(found.sources, key=lambda s: (-s.share, -s.quoted_share)))
            if (post_id, source.post) not in copied
        ]
        # Main sources first: the budget, if a dump exhausts it, leaves the minor ones unread; then by
        # source, so that a long source's copies come together and its index is built once.
        unpaired.sort(key=itemgetter(2, 1))
        for post_id, source_id, _ in unpaired:
            passage_changes[(post_id, source_id)] = passages.changes(post_id, source_id)
    result: dict[str, PostReuse] = {}
    for post_id, found in reuse.items():
        if not found.sources:
            result[post_id] = found
            continue
        sources = tuple(
            dataclasses.replace(
                source,
                changes=passage_changes[(post_id, source.post)]
                if (post_id, source.post) in passage_changes
                else _kind_counts(_closest(copied.get((post_id, source.post), ()))),
            )
            for source in found.sources
        )
        result[post_id] = dataclasses.replace(found, sources=sources)
    return result


def passage_edits(source: str, copy: str, k: int, min_anchors: int, max_gap: int) -> list[Edit]:
    """The edits inside the passages ``source`` and ``copy`` share, not in the text around them.

    The two texts are aligned word for word (as :func:`edits` aligns them); a
    passage is a run of shared words with gaps of at most ``max_gap`` words on
    each side (the words a copy changed inside the passage), whose unbroken
    runs of shared words hold at least ``min_anchors`` shingles of ``k``
    words, as the duplicate stage keeps a chain of anchors
    (:mod:`provenance.dedup.passages`: ``partial_shingle_size``,
    ``min_anchors``, ``fill_gap``). Each passage's span is read with
    :func:`edits`. What lies between passages is the copy's own writing
    or text it left out, so is not read as changes: a 30-word quotation taken
    into a new 800-word article changed what differs inside those 30 words.
    A passage that stops short of its sentence's start or end on either
    side is read to it where that is at most ``max_gap`` words away on both
    sides (:func:`_sentence_edges`): a figure changed as a quoted sentence's
    last word ("had risen to 35." / "to 53.") stands outside the shared words,
    but is a change of the sentence they share.
    Offsets are those of each passage's span, not of the whole texts.
    """
    words_a, words_b = _spans(source), _spans(copy)
    found: list[Edit] = []
    group: list[tuple[str, int, int, int, int]] = []

    def one_sentence(i0: int, i1: int, j0: int, j1: int) -> bool:
        """Whether no word of ``source`` in ``[i0, i1)`` nor of ``copy`` in ``[j0, j1)`` ends a sentence."""
        return not any(_sentence_final(source, words_a, i) for i in range(i0, i1)) and not any(
            _sentence_final(copy, words_b, j) for j in range(j0, j1)
        )

    def read(group: list[tuple[str, int, int, int, int]]) -> None:
        # Shared words too few to hold a shingle at a passage's edge belong to it only in the sentence
        # of its first or last anchor on both sides: the copy's "the" of "into the night." aligned
        # with a sentence's opening "The" is the alignment's chance match, not the passage.
        held = [x for x, op in enumerate(group) if op[0] == "equal" and op[2] - op[1] >= k]
        if not held:
            return
        lo = held[0]
        for x in range(held[0] - 1, -1, -1):  # back over the ops before the first anchor, word by word
            op = group[x]
            if not one_sentence(op[1], op[2], op[3], op[4]):
                break
            if op[0] == "equal":
                lo = x
        hi = held[-1] + 1
        for y in range(held[-1] + 1, len(group)):  # on past the last anchor's last word
            before = group[y - 1]
            whole = y - 1 != held[-1]
            i0, j0 = (before[1], before[3]) if whole else (before[2] - 1, before[4] - 1)
            if not one_sentence(i0, before[2], j0, before[4]):
                break
            if group[y][0] == "equal":
                hi = y + 1
        group = group[lo:hi]
        anchors = sum(max(0, op[2] - op[1] - k + 1) for op in group if op[0] == "equal")
        if anchors < min_anchors:
            return  # too short to be a passage
        first, last = group[0], group[-1]
        (i0, i1), (j0, j1) = _sentence_edges(
            (source, words_a, first[1], last[2]), (copy, words_b, first[3], last[4]), max_gap
        )
        if len(group) < 3 and (i0, i1, j0, j1) == (first[1], last[2], first[3], last[4]):
            return  # one unbroken run with nothing changed inside or at its sentences' edges
        a0, a1 = words_a[i0][1], words_a[i1 - 1][2]
        b0, b1 = words_b[j0][1], words_b[j1 - 1][2]
        found.extend(edits(source[a0:a1], copy[b0:b1]))

    for op in _opcodes([h for h, _, _ in words_a], [h for h, _, _ in words_b]):
        tag, i1, i2, j1, j2 = op
        if tag == "equal" or (group and i2 - i1 <= max_gap and j2 - j1 <= max_gap):
            group.append(op)
            continue
        read(group)
        group = []
    read(group)
    return found


_Run = tuple[str, list[tuple[int, int, int]], int, int]  # text, its word spans, first word, past the last


def _sentence_edges(a: _Run, b: _Run, max_gap: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """The word ranges of two sides of a passage, each side widened to its sentences' start and end
    where both sides' are at most ``max_gap`` words away (the start and the end decided apart)."""
    back_a, back_b = _on_both_sides(
        _words_to_start(t, words, first, max_gap) for t, words, first, _ in (a, b)
    )
    ahead_a, ahead_b = _on_both_sides(_words_to_end(t, words, last, max_gap) for t, words, _, last in (a, b))
    return (a[2] - back_a, a[3] + ahead_a), (b[2] - back_b, b[3] + ahead_b)


def _on_both_sides(counts: Iterable[int | None]) -> tuple[int, int]:
    """Two sides' word counts to a sentence's edge, or none on either where one side's is too far (None)."""
    first, second = counts
    return (first, second) if first is not None and second is not None else (0, 0)


def _sentence_final(text: str, words: list[tuple[int, int, int]], i: int) -> bool:
    """Whether word ``i`` ends a sentence: a full stop, "!" or "?" after it, a line break, the text's end."""
    end = words[i][2]
    after = words[i + 1][1] if i + 1 < len(words) else len(text)
    return i + 1 == len(words) or "\n" in text[end:after] or _ends_sentence(text, _extend(text, end))


def _words_to_start(text: str, words: list[tuple[int, int, int]], first: int, limit: int) -> int | None:
    """How many words before word ``first`` belong to its sentence; None when more than ``limit``."""
    for n in range(limit + 1):
        if first - n == 0 or _sentence_final(text, words, first - n - 1):
            return n
    return None


def _words_to_end(text: str, words: list[tuple[int, int, int]], last: int, limit: int) -> int | None:
    """How many words from word ``last`` on end the sentence of the word before it; None past ``limit``."""
    for n in range(limit + 1):
        if last + n == len(words) or _sentence_final(text, words, last + n - 1):
            return n
    return None


class SharedPassages:
    """What a copy changed inside the passages it shares with a source it shares no paragraph with.

    Each post is read as the duplicate stage reads it for passages: its
    paragraphs in order, boilerplate left out, joined by blank lines (so a
    copy that merges two paragraphs shows a ``whitespace`` edit).

    Aligning two whole posts costs their length, and one long post (a report,
    a long article) can share passages with thousands of short ones. Where
    one text is much longer than the other (``config.changes_window_ratio``
    and ``changes_window_slack``), only the windows of the longer around the
    ``k``-word shingles the shorter shares with it are aligned, from an index
    of its shingles built once and kept for the next copies of it
    (:data:`CACHED_WORDS`). What is read is still budgeted, so that time
    stays bounded by the dump's size on any input: at most
    ``config.changes_budget`` times the dump's characters, plus
    ``changes_budget_base``; past the budget a source's changes are None
    (not read). A blog's round-up post sharing passages with fifty earlier
    posts aligns itself fifty times; a dump needs hundreds of such posts per
    post to reach the default budget.
    """

    def __init__(
        self, posts: Sequence[Post], boilerplate: Iterable[Boilerplate], config: AuditConfig
    ) -> None:
        self._posts = {post.id: post for post in posts}
        self._boilerplate: dict[str, set[int]] = {}
        for text in boilerplate:
            for member in text.members:
                self._boilerplate.setdefault(member.post, set()).add(member.paragraph)
        self._indexes: OrderedDict[str, _Indexed] = OrderedDict()
        self._indexed_words = 0
        self.budget = config.changes_budget_base + config.changes_budget * sum(
            len(paragraph.text) for post in posts for paragraph in post.paragraphs
        )
        self.window_ratio, self.window_slack = config.changes_window_ratio, config.changes_window_slack
        self.k, self.min_anchors, self.max_gap = (
            config.partial_shingle_size,
            config.min_anchors,
            config.fill_gap,
        )
        self.unread = 0

    def text(self, post_id: str) -> str:
        held = self._indexes.get(post_id)
        if held is not None:
            return held.text
        skip = self._boilerplate.get(post_id, ())
        return "\n\n".join(p.text for p in self._posts[post_id].paragraphs if p.index not in skip)

    def changes(self, copy_id: str, source_id: str) -> tuple[tuple[EditKind, int], ...] | None:
        """The copy's edits inside the passages it shares with the source, by kind; None past the budget."""
        copy, source = self.text(copy_id), self.text(source_id)
        if len(source) > self.window_ratio * len(copy) + self.window_slack:
            source, cost = self._windows(source_id, source, copy)
        elif len(copy) > self.window_ratio * len(source) + self.window_slack:
            copy, cost = self._windows(copy_id, copy, source)
        else:
            cost = len(copy) + len(source)
        if cost > self.budget:
            self.unread += 1
            return None
        self.budget -= cost
        found = passage_edits(source, copy, self.k, self.min_anchors, self.max_gap)
        return _in_kind_order(Counter(edit.kind for edit in found))

    def _windows(self, long_id: str, long: str, short: str) -> tuple[str, int]:
        """The parts of ``long`` around the shingles it shares with ``short``, and what reading them costs.

        A window reaches the shorter text's length past its first and last
        shared shingle (a passage is never longer than the text that carries
        it, give or take its gaps); windows are taken most shared shingles
        first until they hold ``window_ratio`` times the shorter text's words.
        """
        k = self.k
        cost = len(short)
        held = self._indexes.get(long_id)
        if held is None:
            held = _Indexed.of(long, k)
            self._indexes[long_id] = held
            self._indexed_words += len(held.starts)
            while len(self._indexes) > 1 and self._indexed_words > CACHED_WORDS:
                _, dropped = self._indexes.popitem(last=False)
                self._indexed_words -= len(dropped.starts)
            cost += len(long)
        else:
            self._indexes.move_to_end(long_id)
        short_hashes = np.array(word_spans(short)[0], dtype=np.uint64)
        reach = len(short_hashes)
        places, shingle = held.places(shingle_hashes(short_hashes, np.array([reach], dtype=np.int64), k)[0])
        # Hits closer than the shorter text's length are one cluster, scored by how many of the
        # shorter text's shingles it holds: a stock phrase the long text repeats every few words
        # makes a long cluster of many hits but of one or two shingles.
        clusters: list[tuple[int, int, set[int]]] = []
        for at, which in zip(places.tolist(), shingle.tolist(), strict=True):
            if clusters and at - clusters[-1][1] <= reach:
                clusters[-1] = (clusters[-1][0], at, clusters[-1][2] | {which})
            else:
                clusters.append((at, at, {which}))
        room = self.window_ratio * reach
        chosen: list[tuple[int, int]] = []
        for first, last, _ in sorted(clusters, key=lambda c: -len(c[2])):
            if room <= 0:
                break
            low, high = max(0, first - reach), min(len(held.starts), last + k + reach)
            chosen.append((low, high))
            room -= high - low
        merged: list[list[int]] = []
        for low, high in sorted(chosen):
            if merged and low <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], high)
            else:
                merged.append([low, high])
        piece = "\n\n".join(long[int(held.starts[low]) : int(held.ends[high - 1])] for low, high in merged)
        return piece, cost + len(piece)


@dataclasses.dataclass(frozen=True, slots=True)
class _Indexed:
    """A long text, its words' spans and its ``k``-word shingles sorted, with where each stands.

    Arrays, not a dict of tuples: some 40 bytes a word, where a dict of
    shingle tuples took ten times as much for a long text (:class:`SharedPassages`).
    """

    text: str
    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    keys: npt.NDArray[np.uint64]  # the shingles' hashes, sorted
    at: npt.NDArray[np.int64]  # the word each sorted shingle starts at

    @classmethod
    def of(cls, text: str, k: int) -> _Indexed:
        hashes, starts, ends = word_spans(text)
        shingles = shingle_hashes(
            np.array(hashes, dtype=np.uint64), np.array([len(hashes)], dtype=np.int64), k
        )[0]
        order = np.argsort(shingles, kind="stable")
        return cls(
            text, np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64), shingles[order], order
        )

    def places(self, shingles: npt.NDArray[np.uint64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Where the text has each of ``shingles`` (at most :data:`_PLACES_PER_SHINGLE` places of one:
        a stock phrase anchors a few windows, not all), in text order, with which shingle stands there."""
        low = np.searchsorted(self.keys, shingles, side="left")
        high = np.minimum(np.searchsorted(self.keys, shingles, side="right"), low + _PLACES_PER_SHINGLE)
        counts = high - low
        first = np.repeat(low - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
        places = self.at[first + np.arange(int(counts.sum()))]
        which = np.repeat(np.arange(len(shingles), dtype=np.int64), counts)
        order = np.argsort(places, kind="stable")
        return places[order], which[order]


#: Words of long texts whose shingle indexes are kept for their next copies (a long text's copies
#: come together: main sources first, then by source); at least the last one is kept.
CACHED_WORDS = 4_000_000
#: Places of one shingle a long text's index keeps (a stock phrase anchors a few windows).
_PLACES_PER_SHINGLE = 16


def describe_edit(
    kind: str, a_text: str, b_text: str, show: Callable[[str], str] = repr, arrow: str = "->"
) -> str:
    """One edit in words: ``number: '12' -> '13'``, ``number added: 'since 2015'``, ``wording cut: 'x'``.

    Words only in the copy are *added* and words only in the source *cut*: an
    empty side shown as ``'' -> 'since 2015'`` read as a value changed to
    another. ``show`` quotes a text and ``arrow`` joins the two sides (``repr``
    and ``->`` on a terminal, curly quotes and an arrow in the report).
    """
    label = kind.replace("_", " ")
    if not a_text and b_text:
        return f"{label}: {show(b_text)}" if kind.endswith("_added") else f"{label} added: {show(b_text)}"
    if a_text and not b_text:
        said = kind.endswith(("_dropped", "_cut"))
        return f"{label}: {show(a_text)}" if said else f"{label} cut: {show(a_text)}"
    return f"{label}: {show(a_text)} {arrow} {show(b_text)}"


def _word_set(*lines: str) -> frozenset[str]:
    return frozenset(" ".join(lines).split())


_NEGATIONS = _word_set(
    "not no never none nobody nothing neither nor without cannot can't won't don't doesn't didn't isn't "
    "aren't wasn't weren't hasn't haven't hadn't shouldn't wouldn't couldn't denied denies deny",
)
_HEDGES = re.compile(
    r"\b(?:reportedly|allegedly|apparently|purportedly|supposedly|possibly|probably|may|might|could|"
    r"unconfirmed|unverified|claim(?:s|ed)?|according to|said to|is believed|are believed|"
    r"(?:impossible|not possible|unable) to (?:independently )?(?:verify|confirm)|"
    r"could not be (?:independently )?(?:verified|confirmed)|it is (?:thought|understood|alleged))\b",
    re.IGNORECASE,
)
_MONTHS_AND_DAYS = _word_set(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday "
    "sunday today yesterday tomorrow",
)
#: Abbreviations of months, read as the month.
_MONTH_ABBREVIATIONS = {
    "jan": "january", "feb": "february", "mar": "march", "apr": "april", "jun": "june", "jul": "july",
    "aug": "august", "sep": "september", "sept": "september", "oct": "october", "nov": "november",
    "dec": "december",
}  # fmt: skip
#: Months that are ordinary words too ("may", "march", "mar"): a month only with its capital.
_MONTHS_ONLY_CAPITALISED = frozenset({"may", "march", "mar"})


def _days(text: str, words: list[tuple[str, int, int]], changed: set[str]) -> set[str]:
    """The months and days a changed run names, abbreviations read as the month ("Sept." is
    "september"); "may" and "march" in small letters are the verbs. ``changed``: the run's words."""
    found: set[str] = set()
    if changed.isdisjoint(_MONTHS_AND_DAYS):
        return found
    for word, start, _ in words:
        if word in _MONTHS_AND_DAYS and (word not in _MONTHS_ONLY_CAPITALISED or text[start].isupper()):
            found.add(_MONTH_ABBREVIATIONS.get(word, word))
    return found


_NUMBER_WORDS = _word_set(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred "
    "hundreds thousand thousands million millions billion billions trillion dozen dozens half percent",
)
_DIGIT = re.compile(r"\d")


def _numbers(text: str, words: list[tuple[str, int, int]]) -> set[str]:
    """The words of a changed run that hold a digit or are number words, but "one" after "no": "No one"
    for "Nobody" counts nobody, and changes no figure."""
    found = set()
    for word, start, _ in words:
        if word == "one" and _NO_BEFORE.search(text, max(0, start - 8), start):
            continue
        if _DIGIT.search(word) or word in _NUMBER_WORDS:
            found.add(word)
    return found


_NO_BEFORE = re.compile(r"\bno\s+\Z", re.IGNORECASE)


def _is_figure(word: str) -> bool:
    """Whether a normalised word is a figure ("35", "£2.5m", "1990s", "thousand"), not a code that holds
    a digit after a letter ("bbc1", "g8", "mp3", "covid-19")."""
    return word in _NUMBER_WORDS or (bool(_DIGIT.search(word)) and not word[0].isalpha())


# What may close a sentence after its full stop: quotes and brackets ('."', '.)').
_CLOSING = frozenset("\"'”’)]")
# Opening marks a lead-in may follow at the start of a paragraph.
_OPENING = frozenset(" \t\"'“‘(")
_QUOTE_MARKS = frozenset("\"'“”‘’„«»`")
_ELLIPSIS = re.compile(r"\.\s?\.\s?\.|…")


def _spans(text: str) -> list[tuple[int, int, int]]:
    """Each normalised word of ``text`` as ``(hash, start, end)``: the alignment's fast word list."""
    hashes, starts, ends = word_spans(text)
    return list(zip(hashes, starts, ends, strict=True))


def _named(text: str, run: list[tuple[int, int, int]]) -> list[tuple[str, int, int]]:
    """The words of a changed run, as strings: only runs that differ are read word by word.

    ``text`` as the words were found in (:func:`~provenance.homoglyphs.as_latin`), whose spans are
    the text's own.
    """
    return [(" ".join(_raw_to_words(text[start:end])), start, end) for _, start, end in run]


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``start:end`` (not empty) lies inside one of ``spans``, which are in order and disjoint
    (:func:`~provenance.quotes.quoted_spans`): only the last span starting at or before ``start`` can
    hold it."""
    at = bisect_right(spans, start, key=itemgetter(0)) - 1
    return start < end and at >= 0 and end <= spans[at][1]


# Each paragraph is read once per pair, but a sentence test is made for every
# changed run and every capitalised word in one: they look only at the
# characters next to the position (copying or searching the text before it
# made a 160,000-word paragraph quadratic).


def _visible_end(text: str, end: int) -> int:
    """The length of ``text[:end].rstrip()``."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _ends_sentence(text: str, end: int) -> bool:
    """Whether ``text[:end].rstrip()`` ends a sentence: a full stop, "!" or "?", then any closing
    quotes and brackets, at its end."""
    end = _visible_end(text, end)
    while end > 0 and text[end - 1] in _CLOSING:
        end -= 1
    return end > 0 and text[end - 1] in ".!?"


def _blank_after(text: str, end: int) -> bool:
    """Whether ``text[end:]`` is only whitespace (``end >= len(text.rstrip())``)."""
    while end < len(text) and text[end].isspace():
        end += 1
    return end >= len(text)


def _after_sentence(text: str, start: int) -> bool:
    """Whether ``start`` is where the text begins or a sentence has just ended."""
    return _visible_end(text, start) == 0 or _ends_sentence(text, start)


def _is_sentence(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` runs from a sentence's start to a sentence's end."""
    return _after_sentence(text, start) and (
        _blank_after(text, end) or _ends_sentence(text, _extend(text, end))
    )


def _extend(text: str, end: int) -> int:
    """``end`` moved over the punctuation that closes the last word (".", '"', ")")."""
    while end < len(text) and not text[end].isspace() and not text[end].isalnum():
        end += 1
    return end


# What is neither a letter nor a digit (str.isalnum): stops, hyphens, apostrophes, spaces.
_NOT_ALNUM = re.compile(r"[\W_]+")


def _without_accents(text: str) -> str:
    """``text`` case folded, its letters' accents and diacritics taken off (NFKD, combining marks dropped)."""
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch)
    )


def _opens_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence: first in the text or a line, or after a full stop."""
    return _after_sentence(text, start) or "\n" in text[_visible_end(text, start) : start]


def _all_capitals(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _set_in_capitals(text: str, start: int, end: int) -> bool:
    """Whether the word at ``start:end`` and a word beside it are in capitals: a headline or a lead's
    opening words set in capitals ("GUITARIST BONEHEAD QUITS"), where a capital says nothing of a name."""
    if not _all_capitals(text[start:end]):
        return False
    before = _WORD_BEFORE.search(text, max(0, start - 60), start)
    after = _WORD_AFTER.match(text, end, end + 60)
    return any(found is not None and _all_capitals(found.group(1)) for found in (before, after))


_WORD_BEFORE = re.compile(r"(\S+)\s+\Z")
_WORD_AFTER = re.compile(r"\s+(\S+)")


def _capitalised_names(text: str, words: list[tuple[str, int, int]]) -> set[str]:
    """Words written with a capital that do not open a sentence or a line, are not set in capitals
    with the words beside them and are no function word ("He", "His", "In" after a quotation or a
    dash): names, by their look."""
    names = set()
    for word, start, end in words:
        raw = text[start : start + 1]
        if (
            raw.isupper()
            and word not in FUNCTION_WORDS
            and not _opens_sentence(text, start)
            and not _set_in_capitals(text, start, end)
        ):
            names.add(word)
    return names


#: The most words a side of a changed run may have for the run to be a changed figure, day, name or
#: negation: "1,112" -> "1,212", "Thursday" -> "next Friday", "did not attack" -> "attacked". Beyond it
#: the run is a passage rewritten, added or cut, which holds figures and capitals of its own: on METER's
#: news articles, inserted passages with a year in them were called changed numbers.
_LOCAL_WORDS = 4
#: The most words a side may have for a run to be a clause: where a caveat added or cut ("It is
#: impossible to verify the claim, but") is a hedge, and a figure or a day on both sides a changed one.
_CLAUSE_WORDS = 12


#: How alike two words must be (normalised Levenshtein) to be one word negated and not: "win" / "won",
#: "attack" / "attacked", "appear" / "appears".
_SAME_WORD_SIMILARITY = 0.6


def _besides_negation(words: set[str]) -> set[str]:
    """``words`` without negations ("no longer" among them) and function words ("it's" among them)."""
    rest = {word for word in words - _NEGATIONS - FUNCTION_WORDS if not _function_contraction(word)}
    return rest - {"longer"} if "no" in words else rest


_CONTRACTED = re.compile(r"(\w+)['’](?:s|re|ve|ll|d|m)\Z")


def _function_contraction(word: str) -> bool:
    """Whether ``word`` is a function word contracted with a verb: "it's", "they're", "I'd"."""
    contracted = _CONTRACTED.match(word)
    return contracted is not None and contracted.group(1) in FUNCTION_WORDS


def _negation_carried(
    a: str,
    b: str,
    words_a: list[tuple[str, int, int]],
    words_b: list[tuple[str, int, int]],
    changed: tuple[set[str], set[str]],
) -> bool:
    """Whether a run of function words and a negation faces function words only ("or"), negated by
    a negation before them in their sentence.

    "It's not about poaching stars, it's not about imitating formats" / "It's
    not about poaching stars or imitating formats" (METER): the copy's "or"
    stands for the source's second "it's not about", and its sentence is
    negated as much as the source's. "did not attack" / "attacked" is turned
    round whatever came before it. ``changed``: each side's words as a set.
    """
    changed_a, changed_b = changed
    negated_a, negated_b = not _NEGATIONS.isdisjoint(changed_a), not _NEGATIONS.isdisjoint(changed_b)
    if negated_a == negated_b or _besides_negation(changed_a) or _besides_negation(changed_b):
        return False
    text, words = (b, words_b) if negated_a else (a, words_a)
    return bool(words) and _negated_before(text, words[0][1])


_RAW_WORD = re.compile(r"\S+")
# How far back a sentence's opening is looked for.
_SENTENCE_REACH = 400


def _negated_before(text: str, start: int) -> bool:
    """Whether the sentence of the word at ``start`` holds a negation word before it (its words
    normalised as the changed runs' are: "can’t" is "can't")."""
    negated = False
    for raw in _RAW_WORD.finditer(text, max(0, start - _SENTENCE_REACH), start):
        if _opens_sentence(text, raw.start()):
            negated = False
        negated = negated or not _NEGATIONS.isdisjoint(_raw_to_words(raw.group()))
    return negated


#: Prefixes that negate the word they open, each with the fewest letters the word must keep after it:
#: "unable", "disagree", "illegal", "irregular", "nonexistent"; "in" and "im" open more words that
#: negate nothing ("inform", "income", "impress", "install"), so only a long word counts after them
#: ("inaccurate", "impossible").
_NEGATIVE_PREFIXES = (("un", 4), ("dis", 4), ("il", 4), ("ir", 4), ("non", 4), ("in", 6), ("im", 6))
_PREFIXES = tuple(prefix for prefix, _ in _NEGATIVE_PREFIXES)


def _negated_form_of(word: str, words: set[str]) -> bool:
    """Whether ``word`` is one of ``words`` with a negative prefix ("disagree" of "agree")."""
    for prefix, shortest in _NEGATIVE_PREFIXES:
        stem = word[len(prefix) :].lstrip("-")
        if word.startswith(prefix) and len(stem) >= shortest and stem in words:
            return True
    return False


def _names_changed(names_a: set[str], names_b: set[str]) -> bool:
    """Whether a changed run puts one name for another: names on both sides, not the same ones.

    A name on one side only is a rewrite around it, not another name: "TV"
    for "television", "the corporation's" for "the BBC's", "Lucas" for "He"
    (METER's newspapers, read by hand: most of the name edits of such runs).
    A name and its possessive ("Harris" / "Harris's", "Jones'") are one name.
    """
    if not names_a or not names_b:
        return False
    return {_without_possessive(name) for name in names_a} != {_without_possessive(name) for name in names_b}


#: The possessive ending of an English word: "Harris's", "Harris’s", "Jones'".
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])\Z")


def _without_possessive(word: str) -> str:
    return _POSSESSIVE.sub("", word)


def _turned_round(changed_a: set[str], changed_b: set[str]) -> bool:
    """Whether a changed run turns its statement round: a negation on one side only, about the same words.

    "did not attack" / "attacked", "denied having" / "had", "not" / "": the
    rest of the run, function words aside, is empty on a side or holds a word
    of the other side's (or one spelt alike). A negative prefix negates too:
    "unable" / "able", "illegal" / "legal". "will not" / "won't" and "do not
    agree" / "disagree" are negated on both sides; "no modification" /
    "ancestor classes" and "little" / "no particular" are wording that holds
    a negation word, not a statement turned round.
    """
    negated_a, negated_b = bool(changed_a & _NEGATIONS), bool(changed_b & _NEGATIONS)
    if negated_a and negated_b:
        return False
    may_be_prefixed = any(word.startswith(_PREFIXES) for word in changed_a | changed_b)
    if not negated_a and not negated_b and not may_be_prefixed:
        return False  # most runs: no negation, and no word a prefix could negate
    rest_a, rest_b = _besides_negation(changed_a), _besides_negation(changed_b)
    # "unable" / "able": a word negated by its prefix, the same word plain on the other side.
    prefixed_a = may_be_prefixed and any(_negated_form_of(word, rest_b) for word in rest_a)
    prefixed_b = may_be_prefixed and any(_negated_form_of(word, rest_a) for word in rest_b)
    if negated_a == negated_b:  # neither: turned round by a prefix on one side only
        return prefixed_a != prefixed_b
    if (negated_a and prefixed_b) or (negated_b and prefixed_a):
        return False  # "do not agree" / "disagree": negated on both sides, by a prefix on one
    if not rest_a or not rest_b:
        return True
    return any(
        Levenshtein.normalized_similarity(x, y) >= _SAME_WORD_SIMILARITY for x in rest_a for y in rest_b
    )


def _classify(
    a: str,
    b: str,
    words_a: list[tuple[str, int, int]],
    words_b: list[tuple[str, int, int]],
    quotes: tuple[list[tuple[int, int]], ...],
) -> EditKind:
    """The kind of one changed run (``words_a`` in the source, ``words_b`` in the copy)."""
    changed_a = {w for w, _, _ in words_a}
    changed_b = {w for w, _, _ in words_b}
    changed = (changed_a, changed_b)
    text_a = a[words_a[0][1] : words_a[-1][2]] if words_a else ""
    text_b = b[words_b[0][1] : words_b[-1][2]] if words_b else ""
    if "".join(text_a.split()).casefold() == "".join(text_b.split()).casefold():
        # Words split or joined, nothing else: "2.5million" for "2.5 million" changed no figure.
        return "whitespace"
    if text_a and text_b and _without_accents(text_a) == _without_accents(text_b):
        # "Zoë" for "Zoe", "Jose" for "José": the same name written without its accents.
        return "spelling"
    # A figure, a day, a name or a "not" changed is a local edit; a long run rewritten around one is
    # wording, unless a figure or a day stands on both sides of a clause (one replaced by another in it).
    local = len(words_a) <= _LOCAL_WORDS and len(words_b) <= _LOCAL_WORDS
    if local and text_a and text_b and _NOT_ALNUM.sub("", text_a) == _NOT_ALNUM.sub("", text_b):
        return "punctuation"  # "US" for "U.S.", "reelected" for "re-elected"
    clause = len(words_a) <= _CLAUSE_WORDS and len(words_b) <= _CLAUSE_WORDS
    if (
        local
        and _turned_round(changed_a, changed_b)
        and not _negation_carried(a, b, words_a, words_b, changed)
    ):
        return "negation"
    numbers_a, numbers_b = _numbers(a, words_a), _numbers(b, words_b)
    # A code with a digit in it on one side only ("BBC1" / "it") is a name rewritten, not a figure.
    figures = any(map(_is_figure, numbers_a | numbers_b)) or (numbers_a and numbers_b)
    if numbers_a != numbers_b and figures and (local or (clause and numbers_a and numbers_b)):
        # Read whole: the words split a figure at its separators, and "2.5m" / "2.5 million" share the "2".
        values_a = figure_values(a[slice(*_whole_number(a, words_a[0][1], words_a[-1][2]))])
        if values_a and values_a == figure_values(b[slice(*_whole_number(b, words_b[0][1], words_b[-1][2]))]):
            return "spelling"  # "35" for "thirty-five", "£2.5m" for "2.5 million pounds": the same figures
        return "number"
    days_a, days_b = _days(a, words_a, changed_a), _days(b, words_b, changed_b)
    if days_a and days_a == days_b and len(days_a) == len(changed_a) == len(changed_b):
        return "spelling"  # "September" for "Sept.": the same month written otherwise
    if days_a != days_b and (local or (clause and days_a and days_b)):
        return "date"
    if clause and bool(_HEDGES.search(text_a)) != bool(_HEDGES.search(text_b)):
        return "hedge"
    quotes_a, quotes_b = quotes
    if (words_a and _inside(quotes_a, words_a[0][1], words_a[-1][2])) or (
        words_b and _inside(quotes_b, words_b[0][1], words_b[-1][2])
    ):
        return "quote"
    if local and _names_changed(_capitalised_names(a, words_a), _capitalised_names(b, words_b)):
        return "name"
    if len(words_a) == 1 and len(words_b) == 1 and _without_possessive(text_a) == _without_possessive(text_b):
        return "wording"  # "Harris's" for "Harris": the sentence built otherwise round one name
    if len(words_a) == 1 and len(words_b) == 1 and Levenshtein.normalized_similarity(text_a, text_b) >= 0.7:
        return "spelling"
    return "wording"


def _gap_kind(gap_a: str, gap_b: str) -> EditKind | None:
    """The kind of a difference in the characters between two shared words, None when there is none."""
    if gap_a == gap_b:
        return None
    if " ".join(gap_a.split()) == " ".join(gap_b.split()):
        return "whitespace"
    if bool(_ELLIPSIS.search(gap_a)) != bool(_ELLIPSIS.search(gap_b)):
        return "ellipsis"
    if ("[" in gap_a or "]" in gap_a) != ("[" in gap_b or "]" in gap_b):
        return "bracket"
    currencies_a, currencies_b = _currencies(gap_a), _currencies(gap_b)
    if currencies_a and currencies_b and currencies_a != currencies_b:
        return "number"  # "£2.5m" for "$2.5m": another amount, though the words are the same
    strip_a = "".join(ch for ch in gap_a if ch not in _QUOTE_MARKS)
    strip_b = "".join(ch for ch in gap_b if ch not in _QUOTE_MARKS)
    if (
        strip_a == strip_b
        and {ch for ch in gap_a if ch in _QUOTE_MARKS}
        and {ch for ch in gap_b if ch in _QUOTE_MARKS}
    ):
        return "quote_style"
    return "punctuation"


def _currencies(gap: str) -> set[str]:
    """The currency signs (Unicode's category Sc: "$", "£", "€", "₹") between two words."""
    return {ch for ch in gap if unicodedata.category(ch) == "Sc"}


def _as_seen(raw: str) -> str:
    """A raw word without characters no reader sees and with look-alike letters as the Latin ones."""
    return IGNORABLE_CHARACTERS.sub("", raw).translate(homoglyph_table()) if may_hide(raw) else raw


def _word_kind(raw_a: str, raw_b: str) -> EditKind | None:
    """The kind of a difference between two words equal once normalised, None when they are the same."""
    if raw_a == raw_b:
        return None
    if "[" in raw_a + raw_b:
        return "bracket"
    seen_a, seen_b = _as_seen(raw_a), _as_seen(raw_b)
    if (seen_a != raw_a or seen_b != raw_b) and seen_a.casefold() == seen_b.casefold():
        return "disguise"  # the one to tell: a copy hid itself from tools, whatever else it changed
    if raw_a.casefold() == raw_b.casefold():
        return "case"
    if {ch for ch in raw_a + raw_b if ch in _QUOTE_MARKS}:
        return "quote_style"
    return "case"


#: Characters a number's span is widened by at most on each side (:func:`_whole_number`): a figure is
#: short, and a run of "1,2,3,…" as long as a text must not be walked once per edit in it.
_NUMBER_WIDENING = 40


def _whole_number(text: str, start: int, end: int) -> tuple[int, int]:
    """``text[start:end]`` widened to the whole figure it is part of: digits, and a comma or point between
    two digits ("1,112", "3.5"); an empty span stays as it is (a number only on the other side)."""
    if start == end:
        return start, end
    low, high = max(0, start - _NUMBER_WIDENING), min(len(text), end + _NUMBER_WIDENING)
    while start > low and (
        text[start - 1].isdigit()
        or (text[start - 1] in ",." and start - 2 >= low and text[start - 2].isdigit())
    ):
        start -= 1
    while end < high and (
        text[end].isdigit() or (text[end] in ",." and end + 1 < high and text[end + 1].isdigit())
    ):
        end += 1
    return start, end


def edits(source: str, copy: str) -> tuple[Edit, ...]:
    """Every difference between ``source`` and ``copy``, substantive ones first (then in text order).

    Formatting-only copies give only formatting edits; identical texts none.
    """
    if source == copy:
        return ()
    words_a, words_b = _spans(source), _spans(copy)
    # The words of a changed run are named as they were found (once per text: once per run was quadratic).
    latin_source, latin_copy = as_latin(source), as_latin(copy)
    quotes = (quoted_spans(source), quoted_spans(copy))
    found: list[Edit] = []

    def add(kind: EditKind, a0: int, a1: int, b0: int, b1: int) -> None:
        if kind == "number" or (kind == "spelling" and _DIGIT.search(source[a0:a1] + copy[b0:b1])):
            # The words split a figure at its separators: "1,112" -> "1,212" is that, not "112" -> "212";
            # "2,500,000" -> "2.5 million" (a figure written otherwise) not "500,000" -> "5 million".
            a0, a1 = _whole_number(source, a0, a1)
            b0, b1 = _whole_number(copy, b0, b1)
        last = found[-1] if found else None
        # Touching edits of one kind are one edit ("``...''" -> '"..."' is one quote_style change).
        if last is not None and last.kind == kind and last.a_end >= a0 and last.b_end >= b0:
            a0, b0 = last.a_start, last.b_start
            a1, b1 = max(a1, last.a_end), max(b1, last.b_end)
            found.pop()
        found.append(Edit(kind, a0, a1, b0, b1, source[a0:a1], copy[b0:b1]))

    at_a = at_b = 0  # where the text after the last shared word begins, on each side
    shared_before = False
    for tag, i1, i2, j1, j2 in _opcodes([h for h, _, _ in words_a], [h for h, _, _ in words_b]):
        if tag == "equal":
            first_a, first_b = words_a[i1][1], words_b[j1][1]
            last_a, last_b = words_a[i2 - 1][2], words_b[j2 - 1][2]
            if source[first_a:last_a] == copy[first_b:last_b]:
                # The run reads the same on both sides (the common case): only the gap before it can differ.
                if shared_before and (kind := _gap_kind(source[at_a:first_a], copy[at_b:first_b])):
                    add(kind, at_a, first_a, at_b, first_b)
                at_a, at_b, shared_before = last_a, last_b, True
                continue
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                _, a0, a1 = words_a[i]
                _, b0, b1 = words_b[j]
                if shared_before:
                    kind = _gap_kind(source[at_a:a0], copy[at_b:b0])
                    if kind is not None:
                        add(kind, at_a, a0, at_b, b0)
                kind = _word_kind(source[a0:a1], copy[b0:b1])
                if kind is not None:
                    add(kind, a0, a1, b0, b1)
                at_a, at_b, shared_before = a1, b1, True
            continue
        run_a, run_b = _named(latin_source, words_a[i1:i2]), _named(latin_copy, words_b[j1:j2])
        a0, a1 = (run_a[0][1], _extend(source, run_a[-1][2])) if run_a else (at_a, at_a)
        b0, b1 = (run_b[0][1], _extend(copy, run_b[-1][2])) if run_b else (at_b, at_b)
        if run_a and run_b:
            kind = _classify(source, copy, run_a, run_b, quotes)
        else:
            kind = _one_sided_kind(source if run_a else copy, run_a or run_b, bool(run_a), quotes)
            # A cut the copy marks with an ellipsis where the words were is an editorial cut.
            if run_a and _ELLIPSIS.search(copy[max(0, b0 - 4) : b0 + 4]):
                kind = "ellipsis"
        add(kind, a0, a1, b0, b1)
        # The punctuation around a changed run belongs to it: the next gap is not compared.
        at_a, at_b, shared_before = a1 if run_a else at_a, b1 if run_b else at_b, False
    found = _moved(found)
    group_order = {"substantive": 0, "structural": 1, "editorial": 2, "formatting": 3}
    return tuple(
        sorted(found, key=lambda e: (group_order[e.group], e.a_start, e.b_start, KINDS.index(e.kind)))
    )


def _opcodes(a: list[int], b: list[int]) -> list[tuple[str, int, int, int, int]]:
    """The alignment's opcodes (:func:`provenance.lcs.opcodes`) with a deletion next to an insertion
    made one ``replace`` (as the alignment does)."""
    merged: list[tuple[str, int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in opcodes(a, b):
        if merged and {merged[-1][0], tag} == {"delete", "insert"}:
            _, start_a, _, start_b, _ = merged.pop()
            merged.append(("replace", start_a, i2, start_b, j2))
            continue
        merged.append((tag, i1, i2, j1, j2))
    return merged


def _one_sided_kind(
    text: str, run: list[tuple[str, int, int]], in_source: bool, quotes: tuple[list[tuple[int, int]], ...]
) -> EditKind:
    """The kind of a run of words found only in the source (``in_source``) or only in the copy."""
    start, end = run[0][1], run[-1][2]
    words = {w for w, _, _ in run}
    # A caveat cut or added is substantive, a clause of it too ("It is impossible to verify the
    # claim, but"); a whole sentence or a lead-in is structural even when it holds a "not" or a figure
    # of its own, and so is a longer passage holding a hedge word.
    if len(run) <= _CLAUSE_WORDS and _HEDGES.search(text[start:end]):
        return "hedge"
    if _is_sentence(text, start, end):
        return "sentence_dropped" if in_source else "sentence_added"
    if len(run) <= _LOCAL_WORDS and words & _NEGATIONS and not _besides_negation(words):
        # "not", "did not", a sentence's opening "None of" put in or taken out; "pages with no
        # external" cut is a phrase cut, "Not surprisingly," a lead-in.
        return "negation"
    if _only_opening_before(text, start) and not _ends_sentence(text, _extend(text, end)):
        return "lead_in_cut" if in_source else "lead_in_added"
    if len(run) <= _LOCAL_WORDS and any(_DIGIT.search(w) and _is_figure(w) for w in words):
        return "number"
    if _inside(quotes[0 if in_source else 1], start, end):
        return "quote"
    return "wording"


def _only_opening_before(text: str, start: int) -> bool:
    """Whether ``text[:start]`` holds nothing but spaces, tabs and opening quotes or brackets."""
    while start > 0 and text[start - 1] in _OPENING:
        start -= 1
    return start == 0


def _moved(found: list[Edit]) -> list[Edit]:
    """A sentence dropped in one place and added in another is one ``reordered`` edit."""
    added = [e for e in found if e.kind == "sentence_added"]
    # The added sentences by their words, each list in order: a dropped sentence takes the first
    # one not taken yet (words read once per sentence, not once per pair of sentences).
    by_words: dict[tuple[str, ...], deque[int]] = {}
    for index, new in enumerate(added):
        by_words.setdefault(tuple(t.word for t in tokens(new.b_text)), deque()).append(index)
    kept: list[Edit] = []
    used: set[int] = set()
    for edit in found:
        if edit.kind != "sentence_dropped":
            continue
        same = by_words.get(tuple(t.word for t in tokens(edit.a_text)))
        if same:
            index = same.popleft()
            new = added[index]
            used.add(index)
            kept.append(
                Edit("reordered", edit.a_start, edit.a_end, new.b_start, new.b_end, edit.a_text, new.b_text)
            )
        else:
            kept.append(edit)
    moved_to = {(added[i].b_start, added[i].b_end) for i in used}
    kept += [e for e in found if e.kind not in ("sentence_dropped", "sentence_added")]
    kept += [e for e in added if (e.b_start, e.b_end) not in moved_to]
    return kept


# Below this many distinct text pairs, worker processes cost more than they save.
PARALLEL_MIN_JOBS = 4_000
EDITS_CHUNK = 2_000


_Row = tuple[EditKind, int, int, int, int]


def _edits_chunk(jobs: Sequence[tuple[str, str]]) -> list[list[_Row]]:
    # Kinds and offsets travel back from a worker; the texts are the caller's already.
    return [
        [(e.kind, e.a_start, e.a_end, e.b_start, e.b_end) for e in edits(source, copy)]
        for source, copy in jobs
    ]


def edits_many(
    jobs: Sequence[tuple[str, str]],
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> list[Edits]:
    """:func:`edits` of every ``(source, copy)``, in order, packed (:class:`~provenance.models.Edits`).

    Each distinct pair of texts is read once, and pairs of equal texts share
    one result. Identical texts give no edit and cost nothing; with
    ``workers > 1`` and enough distinct pairs, chunks go to that many
    processes.
    """
    from provenance.workers import gathered, task_pool

    distinct: dict[tuple[str, str], int] = {}
    slot = [distinct.setdefault(job, len(distinct)) if job[0] != job[1] else -1 for job in jobs]
    unique = list(distinct)
    del distinct
    chunks = [unique[i : i + EDITS_CHUNK] for i in range(0, len(unique), EDITS_CHUNK)]
    if workers > 1 and len(unique) >= PARALLEL_MIN_JOBS:
        with task_pool(min(workers, len(chunks))) as pool:
            results = gathered(pool.map(_edits_chunk, chunks), len(unique), progress)
    else:
        results = gathered(map(_edits_chunk, chunks), len(unique), progress)
    packed = [Edits(rows, source, copy) for rows, (source, copy) in zip(results, unique, strict=True)]
    del results
    none = Edits()
    return [packed[s] if s >= 0 else none for s in slot]
