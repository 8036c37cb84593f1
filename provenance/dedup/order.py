"""What "earlier" means everywhere: in the duplicate stage, the graph and the report.

Two posts that share text are ordered only by evidence (``docs/verdicts.md``):

1. a **reference**: a text the user declared a known source (``--reference``)
   comes before every text of the dump, and two references are never ordered;
2. a strictly earlier **date**: the citation's original date where the post
   has one (an archive re-publishes articles days or years after they ran),
   else the post's own date; ``citation_date`` when both posts' dates are
   citation dates, else ``post_date``; where those are the same day, the
   posts' own dates (``post_date``);
3. on the same day, an earlier **time** of day where both posts have one
   (a post's own date and time are taken in UTC where the input gives its
   offset, so posts of two time zones are ordered by instant);
4. on the same day, an explicit **credit**: one post names the other's outlet
   (in its citation or an attribution line) and not the reverse.

Two posts of the same day with none of these are *contemporaries*: the words
they share are shared, never borrowed from each other (``undecided``). Where a
post has no date at all there is no evidence either way, and the order is a
*guess*: by input order when neither is dated (``input_order``), the dated one
first otherwise (``undated``); audit.json and the report say so.

:func:`chronological_key` is the total order all of this is consistent with
(references, then by day, time and input order, undated last): clusters pick
their earliest witness by it, and post reuse credits a borrowed word to the
lowest-ranked of the posts that are earlier *by evidence*.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from provenance.models import Post

__all__ = [
    "EVIDENCE",
    "GUESSES",
    "ChronologicalKey",
    "Chronology",
    "chronological_key",
    "chronological_ranks",
    "order_evidence",
]

ChronologicalKey = tuple[int, int, int, int, int]
_UNDATED = (1, 0, 0)
# A post without a date of its own sorts after dated posts citing the same day.
_NO_POST_DATE = dt.date.max.toordinal()
_NO_TIME = 86_400

#: Evidence of direction by code, the strongest kinds first (a code is an int8 in the arrays).
EVIDENCE: tuple[str, ...] = (
    "undecided",
    "reference",
    "citation_date",
    "post_date",
    "post_time",
    "credit",
    "undated",
    "input_order",
)
UNDECIDED, REFERENCE, CITATION_DATE, POST_DATE, POST_TIME, CREDIT, UNDATED, INPUT_ORDER = range(len(EVIDENCE))
#: Directions that rest on no evidence, only on a convention, and are shown as guesses.
GUESSES = frozenset({"undated", "input_order", "containment"})

IntArray = npt.NDArray[np.int64]


def _own_moment(post: Post) -> tuple[dt.date | None, dt.time | None]:
    """The post's own date and time of day, in UTC where the input gives its offset from UTC.

    Times as written order the posts of one zone; across zones only the
    instants do: a wire filed at 09:00 in London (+00:00) is earlier than a
    blog at 08:00 in New York (-04:00), and a Tokyo paper's 01:00 (+09:00) is
    earlier than New York's 20:00 of the day before.
    """
    if post.date is None or post.time is None or post.utc_offset is None:
        return post.date, post.time
    try:
        instant = dt.datetime.combine(post.date, post.time) - post.utc_offset
    except OverflowError:  # a date at the calendar's edge: kept as written
        return post.date, post.time
    return instant.date(), instant.time()


def _seconds(post: Post) -> int:
    """The post's time of day in seconds, :data:`_NO_TIME` when unknown or when a citation dates its text."""
    _, time = _own_moment(post)
    if time is None or (post.citation is not None and post.citation.date is not None):
        return _NO_TIME
    return time.hour * 3600 + time.minute * 60 + time.second


def chronological_key(posts: Sequence[Post]) -> dict[str, ChronologicalKey]:
    """Sort key of each post id for "earlier": references first, then when its text first appeared.

    A post's text dates from its citation's original date when the citation
    has one, else from the post's own date; the time of day, then the post
    date, then input order break ties, and undated posts come after every
    dated one. Clusters' earliest witnesses, post reuse and the graph all use
    this one rule, so a text's earliest witness is the same wherever it is shown.
    """
    keys: dict[str, ChronologicalKey] = {}
    for index, post in enumerate(posts):
        reference = 0 if post.reference else 1
        cited = post.citation.date if post.citation is not None else None
        own, _ = _own_moment(post)
        first = cited or own
        if first is None:
            keys[post.id] = (reference, *_UNDATED, index)
        else:
            posted = own.toordinal() if own is not None else _NO_POST_DATE
            keys[post.id] = (reference, 0, first.toordinal() * _NO_TIME + _seconds(post), posted, index)
    return keys


def _dated(post: Post) -> bool:
    return post.date is not None or (post.citation is not None and post.citation.date is not None)


def order_evidence(posts: Sequence[Post]) -> str:
    """One line on what the direction of reuse (who copied whom) rests on in this dump, for the summary.

    Read from the posts alone: known sources (``--reference``) and dates are
    evidence; where posts are undated and no source was declared, which of
    two posts came first is a guess from containment or input order, and the
    line says so. (A folder of files has no dates: file modification times
    are not evidence and are never used.)
    """
    references = sum(post.reference for post in posts)
    others = len(posts) - references
    undated = sum(1 for post in posts if not post.reference and not _dated(post))
    declared = (
        f"{references} known source{'s' if references != 1 else ''} (--reference) "
        f"come{'s' if references == 1 else ''} first"
    )
    if others == 0:
        return f"{declared}; no other post to order"
    if undated == 0:
        rest = "every other post is dated" if references else "dates: every post is dated"
        return f"{declared}; {rest}" if references else rest
    guess = "comes from containment or input order (a guess)"
    if undated == others:
        if references:
            return f"{declared}; between the other posts, all undated, direction {guess}"
        return (
            "a guess: no post is dated and no known source was declared (--reference), so direction "
            "comes from containment or input order"
        )
    which = "the undated post" if undated == 1 else f"the {undated:,} undated posts"
    partly = f"dates where both posts have one; for {which} direction {guess}"
    return f"{declared}; {partly}" if references else partly


def chronological_ranks(posts: Sequence[Post], order: Mapping[str, ChronologicalKey]) -> IntArray:
    """Each post's position when ``posts`` are sorted by ``order``: 0 is the earliest, and no two are equal.

    Post reuse and clusters compare posts by these integers instead of by
    their key tuples, which numpy cannot sort.
    """
    rank = np.empty(len(posts), dtype=np.int64)
    rank[sorted(range(len(posts)), key=lambda p: order[posts[p].id])] = np.arange(len(posts))
    return rank


@dataclass(frozen=True, slots=True)
class Chronology:
    """The evidence of order of every post, as arrays over the posts in input order (see the module doc).

    ``credits`` holds ``post * outlets + outlet`` for every outlet a post names
    (its citation's and its attribution lines'), sorted; ``outlet`` each
    post's own outlet number (its citation's), -1 for none.
    """

    rank: IntArray
    reference: npt.NDArray[np.bool_]
    day: IntArray  # ordinal of the first date, -1 when undated
    cited_day: npt.NDArray[np.bool_]  # the day is the citation's original date
    posted: IntArray  # ordinal of the post's own date, -1 when it has none
    seconds: IntArray  # time of day, -1 when unknown
    outlet: IntArray
    credits: IntArray
    outlets: int

    @classmethod
    def of(
        cls,
        posts: Sequence[Post],
        outlet_of: Mapping[str, str] | None = None,
        named_by: Mapping[str, Collection[str]] | None = None,
    ) -> Chronology:
        """The chronology of ``posts``; ``outlet_of`` (post id -> outlet key) and ``named_by`` (post id ->
        outlet keys it names) give the credits, which the audit reads from citations and attribution lines."""
        n = len(posts)
        rank = chronological_ranks(posts, chronological_key(posts))
        reference = np.array([p.reference for p in posts], dtype=bool)
        day = np.full(n, -1, dtype=np.int64)
        cited_day = np.zeros(n, dtype=bool)
        posted = np.full(n, -1, dtype=np.int64)
        seconds = np.full(n, -1, dtype=np.int64)
        for i, post in enumerate(posts):
            own_date, _ = _own_moment(post)
            if own_date is not None:
                posted[i] = own_date.toordinal()
            cited = post.citation.date if post.citation is not None else None
            first = cited or own_date
            if first is not None:
                day[i] = first.toordinal()
                cited_day[i] = cited is not None
                moment = _seconds(post)
                seconds[i] = -1 if moment == _NO_TIME else moment
        numbers: dict[str, int] = {}
        outlet = np.full(n, -1, dtype=np.int64)
        keys: list[int] = []
        if outlet_of or named_by:
            for i, post in enumerate(posts):
                own = (outlet_of or {}).get(post.id)
                if own:
                    outlet[i] = numbers.setdefault(own, len(numbers))
            for name_set in (named_by or {}).values():
                for name in name_set:
                    numbers.setdefault(name, len(numbers))
            total = max(1, len(numbers))
            for i, post in enumerate(posts):
                named = set((named_by or {}).get(post.id, ()))
                keys.extend(i * total + numbers[name] for name in named)
        total = max(1, len(numbers))
        credits = np.unique(np.array(keys, dtype=np.int64))
        return cls(rank, reference, day, cited_day, posted, seconds, outlet, credits, total)

    def _names(self, post: IntArray, outlet: IntArray) -> npt.NDArray[np.bool_]:
        """Whether each ``post`` names the matching ``outlet`` (False for outlet -1)."""
        wanted = post * self.outlets + outlet
        if not len(self.credits):
            return np.zeros(len(post), dtype=bool)
        at = np.minimum(np.searchsorted(self.credits, wanted), len(self.credits) - 1)
        return (self.credits[at] == wanted) & (outlet >= 0)

    def decide(self, p: IntArray, q: IntArray) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int8]]:
        """For posts ``p[i]`` and ``q[i]`` (indexes into the posts): whether ``p[i]`` is earlier, and why.

        The second array holds codes of :data:`EVIDENCE`; where it is
        ``UNDECIDED`` the first says only which comes first in
        :func:`chronological_key`.
        """
        p = np.asarray(p, dtype=np.int64)
        q = np.asarray(q, dtype=np.int64)
        evidence = np.full(len(p), UNDECIDED, dtype=np.int8)
        p_first = self.rank[p] < self.rank[q]
        ref_p, ref_q = self.reference[p], self.reference[q]
        one_reference = ref_p != ref_q
        evidence[one_reference] = REFERENCE
        neither = ~ref_p & ~ref_q
        day_p, day_q = self.day[p], self.day[q]
        both_dated = neither & (day_p >= 0) & (day_q >= 0)
        other_day = both_dated & (day_p != day_q)
        evidence[other_day] = np.where(self.cited_day[p] & self.cited_day[q], CITATION_DATE, POST_DATE)[
            other_day
        ]
        same_day = both_dated & (day_p == day_q)
        posted_p, posted_q = self.posted[p], self.posted[q]
        reposted = same_day & (posted_p >= 0) & (posted_q >= 0) & (posted_p != posted_q)
        evidence[reposted] = POST_DATE
        p_first = np.where(reposted, posted_p < posted_q, p_first)
        same_day &= ~reposted
        sec_p, sec_q = self.seconds[p], self.seconds[q]
        timed = same_day & (sec_p >= 0) & (sec_q >= 0) & (sec_p != sec_q)
        evidence[timed] = POST_TIME
        untimed = same_day & ~timed
        if untimed.any():
            # Credits are looked up only for the pairs they can decide: a binary search per
            # pair was most of this method in the reuse process.
            out_p, out_q = self.outlet[p], self.outlet[q]
            distinct = np.flatnonzero(untimed & (out_p != out_q))
            q_credits_p = self._names(q[distinct], out_p[distinct])
            p_credits_q = self._names(p[distinct], out_q[distinct])
            one_way = q_credits_p ^ p_credits_q
            evidence[distinct[one_way]] = CREDIT
            p_first[distinct[one_way]] = q_credits_p[one_way]
        undated = neither & ~both_dated
        evidence[undated] = np.where((day_p < 0) & (day_q < 0), INPUT_ORDER, UNDATED)[undated]
        # Dates, times, references and guesses agree with the rank; post dates and credits set p_first.
        return p_first, evidence

    def decide_one(self, p: int, q: int) -> tuple[bool, str]:
        """:meth:`decide` for one pair: (``p`` is the earlier, evidence name)."""
        first, evidence = self.decide(np.array([p]), np.array([q]))
        return bool(first[0]), EVIDENCE[int(evidence[0])]
