"""Generate realistic dumps with known reuse, for measuring the duplicate stage.

A benchmark is only as honest as its data: uniform random words share no
5-word shingles at all, so any method looks fast and precise on them. The text
here is drawn from a Zipfian vocabulary (real words from the seed archive at the
head, pronounceable made-up words in the long tail) with stock phrases and
per-story names mixed in, so unrelated paragraphs share common shingles as news
prose does. Into that prose the generator plants the kinds of reuse that real
re-publishing produces, and records each planted pair in ``truth.jsonl``:

==============  ===================================================================
kind            what was planted (``a`` is the source, ``b`` the copy)
==============  ===================================================================
exact           a paragraph copied verbatim into a later post
near            a copy with a word edit every ``every`` words, case and punctuation
                changes and "[I]t"-style brackets (``edit`` says which)
excerpt         a whole short paragraph quoted inside a longer new paragraph
merge           two consecutive paragraphs joined into one (two pairs, one per source)
split           one paragraph cut into two at a sentence boundary (two pairs)
lift            one sentence lifted into a new paragraph of other text
reprint         a whole post re-published after an attribution line
                ("DEBKAfile reported Thursday, Nov. 3:"); one pair per paragraph
lede            an excerpt paragraph repeated in the same post's full text
boilerplate     a sign-off line repeated across many posts (one record per occurrence,
                ``a`` the occurrence, ``b`` null, ``edit.text`` the line)
independent     a post on the same story as an earlier one in its own words (shares
                names and stock phrases, no text); a post-level negative, ``paragraph`` null
==============  ===================================================================

Positions are ``{"post": ordinal, "paragraph": index}``: the post's 0-based
position in the dump and the paragraph's 0-based index in reading order
(excerpt paragraphs first, then the full text), as the archive reader numbers
them. Every record also carries ``a_text``/``b_text`` hashes
(:func:`text_key`) so a reader that numbers paragraphs differently can still
be matched.

Usage::

    python benchmarks/generate.py --paragraphs 10000 --seed 1 --out benchmarks/out/10k

writes ``DIR/dump.txt`` (the archive), ``DIR/truth.jsonl`` and ``DIR/meta.json``.
Generation streams: memory is bounded by the pool of recent posts copies are
drawn from, not by the size of the dump.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import sys
import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

# Bumped whenever the output for a given seed changes, so cached dumps are remade.
VERSION = 3
SEED_ARCHIVE = Path(__file__).resolve().parents[1] / "seeds" / "islamic-state-whats-next.txt"

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
MONTH_ABBR = (
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
OUTLETS = (
    "DEBKAfile", "Long War Journal", "Israel Hayom", "Front Page Magazine", "Reuters",
    "Associated Press", "Jerusalem Post", "Times of Israel", "Al Arabiya", "The Daily Beast",
    "Investigative Project on Terrorism", "Gatestone Institute", "Middle East Eye", "Haaretz",
    "The Washington Post", "Fox News", "BBC News", "Al-Monitor", "Arutz Sheva", "Breitbart",
)  # fmt: skip
AUTHORS = (
    "Thomas Joscelyn", "Joseph Klein", "Ori Goldberg", "John Rossomando", "Hana Levi Julian",
    "Bill Roggio", "Caleb Weiss", "Daniel Greenfield", "Raymond Ibrahim", "Lela Gilbert",
)  # fmt: skip
# Sign-offs that real blogs append to many posts; none of them is a share
# button or photo credit, which the archive reader classifies away.
BOILERPLATE = (
    "Sign up for our daily newsletter to get the latest analysis delivered to your inbox every morning.",
    "This article may be republished with attribution under the terms of our syndication policy.",
    "The views expressed by contributors are their own and do not necessarily reflect those of this site.",
    "If you value our independent reporting, please consider supporting us with a small monthly donation.",
    "Comments are moderated and may take some time to appear after you submit them below.",
    "Follow our coverage of the region on the main page for updates as the story develops.",
)
_BOILERPLATE_SET = frozenset(BOILERPLATE)
# Shares of paragraphs planted as a copy of an earlier one, by kind.
PLANT_RATES = {"exact": 0.015, "near": 0.04, "excerpt": 0.015, "merge": 0.01, "split": 0.01, "lift": 0.02}
REPRINT_POST_RATE = 0.04
INDEPENDENT_POST_RATE = 0.04
EXCERPT_POST_RATE = 0.6
BOILERPLATE_POST_RATE = 0.15
POOL_POSTS = 2000
VOCABULARY_SIZE = 40_000
ZIPF_EXPONENT = 1.05
STOCK_PHRASE_RATE = 0.25  # per sentence

_WORD = re.compile(r"[^\W\d_]+(?:[’'][^\W\d_]+)?")
_NORMALISE = re.compile(r"[^\w\s]+")


def text_key(text: str) -> str:
    """A short stable key of a paragraph's text, whitespace-insensitive."""
    return hashlib.blake2b(" ".join(text.split()).encode(), digest_size=8).hexdigest()


# --------------------------------------------------------------------------
# prose
# --------------------------------------------------------------------------


def _seed_words() -> tuple[list[str], list[str]]:
    """Words of the seed archive by falling frequency, and its recurring 3-to-5-word phrases."""
    text = SEED_ARCHIVE.read_text(encoding="utf-8") if SEED_ARCHIVE.exists() else ""
    words = [w for w in _WORD.findall(text) if len(w) > 1 or w in ("a", "I")]
    counts = Counter(w.lower() for w in words)
    # Each word keeps its commonest spelling, so names stay capitalised.
    spellings: dict[str, Counter[str]] = {}
    for w in words:
        spellings.setdefault(w.lower(), Counter())[w] += 1
    ranked = [
        spellings[w].most_common(1)[0][0] for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    phrases: Counter[str] = Counter()
    for n in (3, 4, 5):
        for i in range(len(words) - n + 1):
            gram = words[i : i + n]
            # A stock phrase carries a content word, like "the Islamic State",
            # not a run of function words that Zipf sampling makes anyway.
            if any(w[0].isupper() for w in gram[1:]) or counts[gram[-1].lower()] <= 3:
                phrases[" ".join(gram)] += 1
    stock = sorted(p for p, c in phrases.items() if c >= 3)
    return ranked, stock


_ONSETS = (
    "b",
    "br",
    "c",
    "ch",
    "cl",
    "d",
    "dr",
    "f",
    "fl",
    "g",
    "gr",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "pl",
    "pr",
    "r",
    "s",
    "sh",
    "st",
    "t",
    "tr",
    "v",
    "w",
    "z",
)
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "io", "ou")
_CODAS = ("", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ck", "ng")


def _made_up_words(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` pronounceable words of one to three syllables (most are short, as in English)."""
    # Drawn in bulk: forty thousand words one rng call at a time take seconds.
    syllables = 1 + (rng.random(n) > 0.45) + (rng.random(n) > 0.9)
    parts = rng.integers(0, 1 << 30, size=(n, 3, 3))
    out = []
    for count, row in zip(syllables.tolist(), parts.tolist(), strict=True):
        out.append(
            "".join(
                _ONSETS[o % len(_ONSETS)] + _VOWELS[v % len(_VOWELS)] + _CODAS[c % len(_CODAS)]
                for o, v, c in row[:count]
            )
        )
    return out


class Prose:
    """Seeded sentences with a Zipfian vocabulary, stock phrases and story names.

    Words are drawn in large numpy batches: a million paragraphs is about sixty
    million words, too many to draw one ``random.choice`` at a time.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        seed_ranked, self.stock = _seed_words()
        vocabulary = list(seed_ranked)
        seen = set(vocabulary)
        while len(vocabulary) < VOCABULARY_SIZE:
            for word in _made_up_words(rng, VOCABULARY_SIZE - len(vocabulary)):
                if word not in seen:
                    seen.add(word)
                    vocabulary.append(word)
        self.vocabulary = np.array(vocabulary, dtype=object)
        weights = 1.0 / np.arange(1, len(vocabulary) + 1) ** ZIPF_EXPONENT
        self.cumulative = np.cumsum(weights / weights.sum())
        self._buffer = np.empty(0, dtype=np.int64)
        self._position = 0
        self.names = [self._name() for _ in range(400)]

    def _name(self) -> str:
        return " ".join(w.capitalize() for w in _made_up_words(self.rng, int(self.rng.integers(1, 3))))

    def _words(self, n: int) -> list[str]:
        if self._position + n > len(self._buffer):
            draws = self.rng.random(max(1 << 20, n))
            self._buffer = np.minimum(np.searchsorted(self.cumulative, draws), len(self.cumulative) - 1)
            self._position = 0
        chosen = self.vocabulary[self._buffer[self._position : self._position + n]]
        self._position += n
        return list(chosen)

    def sentence(self, names: list[str], length: int | None = None) -> str:
        rng = self.rng
        n = length or int(rng.integers(8, 29))
        words = self._words(n)
        if self.stock and rng.random() < STOCK_PHRASE_RATE:
            words.insert(int(rng.integers(0, n)), self.stock[int(rng.integers(len(self.stock)))])
        if names and rng.random() < 0.5:
            words.insert(int(rng.integers(0, n)), names[int(rng.integers(len(names)))])
        if n > 12 and rng.random() < 0.5:
            comma = int(rng.integers(3, n - 3))
            words[comma] += ","
        first = words[0]
        words[0] = first[:1].upper() + first[1:]
        end = "." if rng.random() < 0.93 else ("?" if rng.random() < 0.5 else "!")
        return " ".join(words) + end

    def paragraph(self, names: list[str], sentences: int | None = None) -> str:
        n = sentences or int(self.rng.integers(2, 6))
        return " ".join(self.sentence(names) for _ in range(n))

    def title(self, names: list[str]) -> str:
        words = self._words(int(self.rng.integers(4, 9)))
        if names:
            words.insert(int(self.rng.integers(0, len(words))), names[0])
        return " ".join(w[:1].upper() + w[1:] for w in words)

    def story_names(self) -> list[str]:
        picks = self.rng.choice(len(self.names), size=3, replace=False)
        return [self.names[int(i)] for i in picks]


# --------------------------------------------------------------------------
# edits
# --------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z\[])")


def sentences_of(text: str) -> list[str]:
    """The sentences of a generated paragraph (they always end in . ? or !)."""
    return [s for s in _SENTENCE_END.split(text) if s]


def near_copy(text: str, prose: Prose, every: int) -> tuple[str, dict[str, Any]]:
    """A rewrite with one word edit every ``every`` words, plus cosmetic changes.

    The cosmetic changes (case, punctuation, "[I]t" brackets) should not lower
    the similarity a tool measures at all; the word edits must.
    """
    rng = prose.rng
    words = text.split()
    out: list[str] = []
    ops: Counter[str] = Counter()
    next_edit = int(rng.integers(1, every + 1))
    for i, word in enumerate(words):
        if i + 1 != next_edit:
            out.append(word)
            continue
        next_edit += every
        op = ("substitute", "delete", "insert")[int(rng.integers(3))]
        ops[op] += 1
        trail = word[-1] if word[-1] in ".,?!" else ""
        if op == "substitute":
            out.append(prose._words(1)[0] + trail)
        elif op == "insert":
            out.extend((word, prose._words(1)[0]))
        elif trail:  # a deleted sentence end keeps its full stop
            out[-1:] = [out[-1].rstrip(",") + trail] if out else []
    edit: dict[str, Any] = {"every": every, "ops": dict(sorted(ops.items()))}
    roll = rng.random(3)
    if roll[0] < 0.4:
        edit["case"] = True
        out = [w.upper() if rng.random() < 0.1 else (w.lower() if rng.random() < 0.2 else w) for w in out]
    if roll[1] < 0.4:
        edit["punctuation"] = True
        out = [w.rstrip(",") if w.endswith(",") else (w + "," if rng.random() < 0.05 else w) for w in out]
        out = [w.replace("’", "'") for w in out]
    if roll[2] < 0.3 and out:
        edit["bracket"] = True
        first = out[0]
        out[0] = f"[{first[0].upper()}]{first[1:]}" if first[:1].isalpha() else first
    return " ".join(out), edit


def _attribution_line(outlet: str, date: dt.date) -> str:
    return f"{outlet} reported {WEEKDAYS[date.weekday()]}, {MONTH_ABBR[date.month - 1]} {date.day}:"


def format_date(date: dt.date) -> str:
    return f"{MONTHS[date.month - 1]} {date.day}, {date.year}"


# --------------------------------------------------------------------------
# posts
# --------------------------------------------------------------------------


@dataclass(slots=True)
class PlannedPost:
    """A generated post before it is written: what the archive will hold, in order."""

    ordinal: int
    title: str
    date: dt.date
    outlet: str
    author: str | None
    cited: dt.date
    excerpt: list[str]
    body: list[str]
    names: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        """Paragraphs in reading order, as the archive reader numbers them."""
        return self.excerpt + self.body

    def lines(self) -> list[str]:
        """The post's non-blank archive lines (the writer puts a blank line between them)."""
        citation = ", ".join(
            [self.title, self.outlet, *([self.author] if self.author else []), format_date(self.cited)]
        )
        out = [self.title, format_date(self.date), citation, *self.excerpt]
        if self.excerpt:
            out.append("*" * int(20 + self.ordinal % 16))
        out.extend(self.body)
        return out


def _position(post: int, paragraph: int | None) -> dict[str, int | None]:
    return {"post": post, "paragraph": paragraph}


@dataclass(slots=True)
class Generator:
    """Streams planned posts and their truth records until ``paragraphs`` are written."""

    paragraphs: int
    seed: int
    prose: Prose = field(init=False)
    rng: np.random.Generator = field(init=False)
    pool: deque[PlannedPost] = field(init=False)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)
        self.prose = Prose(self.rng)
        self.pool = deque(maxlen=POOL_POSTS)

    def __iter__(self) -> Iterator[tuple[PlannedPost, list[dict[str, Any]]]]:
        written = 0
        ordinal = 0
        date = dt.date(2014, 1, 1)
        while written < self.paragraphs:
            if self.rng.random() < 0.3:
                date += dt.timedelta(days=1)
            post, truth = self._post(ordinal, date, self.paragraphs - written)
            written += len(post.paragraphs)
            self.pool.append(post)
            yield post, truth
            ordinal += 1

    # -- one post ----------------------------------------------------------

    def _post(self, ordinal: int, date: dt.date, budget: int) -> tuple[PlannedPost, list[dict[str, Any]]]:
        rng = self.rng
        roll = rng.random()
        if self.pool and roll < REPRINT_POST_RATE:
            post, truth = self._reprint(ordinal, date, budget)
        elif self.pool and roll < REPRINT_POST_RATE + INDEPENDENT_POST_RATE:
            source = self.pool[int(rng.integers(len(self.pool)))]
            post, truth = self._original(ordinal, date, budget, names=source.names)
            truth.append(
                {
                    "kind": "independent",
                    "a": _position(source.ordinal, None),
                    "b": _position(ordinal, None),
                    "edit": {"shared_names": source.names},
                }
            )
        else:
            post, truth = self._original(ordinal, date, budget, names=self.prose.story_names())
        self._excerpt_and_boilerplate(post, truth, budget)
        for record in truth:
            record["a_text"] = self._key(record["a"], post)
            record["b_text"] = self._key(record["b"], post) if record["b"] else None
        return post, truth

    def _key(self, where: dict[str, int | None], current: PlannedPost) -> str | None:
        if where["paragraph"] is None:
            return None
        post = current if where["post"] == current.ordinal else self._find(int(where["post"] or 0))
        return text_key(post.paragraphs[int(where["paragraph"])])

    def _find(self, ordinal: int) -> PlannedPost:
        # The pool holds consecutive ordinals, so the offset finds the post directly.
        first = self.pool[0].ordinal
        return self.pool[ordinal - first]

    def _meta(self, ordinal: int, date: dt.date, names: list[str]) -> PlannedPost:
        rng = self.rng
        title = self.prose.title(names)
        outlet = OUTLETS[int(rng.integers(len(OUTLETS)))]
        author = AUTHORS[int(rng.integers(len(AUTHORS)))] if rng.random() < 0.6 else None
        cited = date - dt.timedelta(days=int(rng.integers(0, 3)))
        return PlannedPost(ordinal, title, date, outlet, author, cited, [], [], names)

    def _source_paragraph(self) -> tuple[PlannedPost, int]:
        # Boilerplate is never the source of a planted copy: the tool reports it
        # once as boilerplate, so a pair planted on it could not be found.
        rng = self.rng
        while True:
            post = self.pool[int(rng.integers(len(self.pool)))]
            index = int(rng.integers(len(post.paragraphs)))
            if post.paragraphs[index] not in _BOILERPLATE_SET:
                return post, index

    def _original(
        self, ordinal: int, date: dt.date, budget: int, names: list[str]
    ) -> tuple[PlannedPost, list[dict[str, Any]]]:
        rng = self.rng
        post = self._meta(ordinal, date, names)
        truth: list[dict[str, Any]] = []
        target = min(budget, int(rng.integers(3, 13)))
        kinds = list(PLANT_RATES)
        rates = np.array([PLANT_RATES[k] for k in kinds])
        while len(post.body) < target:
            roll = rng.random()
            cumulative = np.cumsum(rates)
            chosen = (
                kinds[int(np.searchsorted(cumulative, roll))] if roll < cumulative[-1] and self.pool else None
            )
            here = len(post.body)  # body index; shifted past the excerpt at the end
            if chosen is None:
                post.body.append(self.prose.paragraph(names))
                continue
            source, index = self._source_paragraph()
            text = source.paragraphs[index]
            src = _position(source.ordinal, index)
            if chosen == "exact":
                post.body.append(text)
                truth.append({"kind": "exact", "a": src, "b": _position(ordinal, here), "edit": {}})
            elif chosen == "near":
                every = int(rng.choice([3, 4, 5, 6, 8, 10, 12, 15, 20, 30]))
                copy, edit = near_copy(text, self.prose, every)
                post.body.append(copy)
                truth.append({"kind": "near", "a": src, "b": _position(ordinal, here), "edit": edit})
            elif chosen == "excerpt":
                quoted = text if len(text.split()) <= 70 else " ".join(sentences_of(text)[:2])
                before = self.prose.paragraph(names, int(rng.integers(1, 3)))
                after = self.prose.paragraph(names, int(rng.integers(1, 3)))
                post.body.append(f"{before} {quoted} {after}")
                edit = {"quoted_words": len(quoted.split()), "whole": quoted == text}
                truth.append({"kind": "excerpt", "a": src, "b": _position(ordinal, here), "edit": edit})
            elif chosen == "merge":
                if index + 1 >= len(source.paragraphs) or source.paragraphs[index + 1] in _BOILERPLATE_SET:
                    index -= 1
                if index < 0:
                    post.body.append(self.prose.paragraph(names))
                    continue
                first, second = source.paragraphs[index], source.paragraphs[index + 1]
                post.body.append(f"{first} {second}")
                for offset in (0, 1):
                    truth.append(
                        {
                            "kind": "merge",
                            "a": _position(source.ordinal, index + offset),
                            "b": _position(ordinal, here),
                            "edit": {"part": offset},
                        }
                    )
            elif chosen == "split":
                parts = sentences_of(text)
                if len(parts) < 2:
                    post.body.append(text)
                    truth.append({"kind": "exact", "a": src, "b": _position(ordinal, here), "edit": {}})
                    continue
                cut = int(rng.integers(1, len(parts)))
                post.body.extend((" ".join(parts[:cut]), " ".join(parts[cut:])))
                for offset in (0, 1):
                    truth.append(
                        {
                            "kind": "split",
                            "a": src,
                            "b": _position(ordinal, here + offset),
                            "edit": {"part": offset, "sentences": [cut, len(parts) - cut]},
                        }
                    )
            else:  # lift: the longest sentence, as a copier picks the quotable one
                lifted = max(sentences_of(text), key=len)
                context = [self.prose.sentence(names) for _ in range(int(rng.integers(1, 4)))]
                context.insert(int(rng.integers(0, len(context) + 1)), lifted)
                post.body.append(" ".join(context))
                edit = {"lifted_words": len(lifted.split())}
                truth.append({"kind": "lift", "a": src, "b": _position(ordinal, here), "edit": edit})
        return post, truth

    def _reprint(self, ordinal: int, date: dt.date, budget: int) -> tuple[PlannedPost, list[dict[str, Any]]]:
        rng = self.rng
        source = self.pool[int(rng.integers(len(self.pool)))]
        post = self._meta(ordinal, date, source.names)
        post.title, post.outlet, post.cited = source.title, source.outlet, source.date
        post.body.append(_attribution_line(source.outlet, source.date))
        truth: list[dict[str, Any]] = [
            {
                "kind": "reprint_post",
                "a": _position(source.ordinal, None),
                "b": _position(ordinal, None),
                "edit": {"attribution": post.body[0]},
            }
        ]
        # A reprint carries the source's full text, not its excerpt again.
        start = len(source.excerpt)
        for index in range(start, len(source.paragraphs)):
            if len(post.body) >= budget:
                break
            truth.append(
                {
                    "kind": "reprint",
                    "a": _position(source.ordinal, index),
                    "b": _position(ordinal, len(post.body)),
                    "edit": {},
                }
            )
            post.body.append(source.paragraphs[index])
        return post, truth

    def _excerpt_and_boilerplate(self, post: PlannedPost, truth: list[dict[str, Any]], budget: int) -> None:
        rng = self.rng
        room = budget - len(post.body)
        # The excerpt repeats the opening, never a sign-off line.
        content = sum(1 for p in post.body if p not in _BOILERPLATE_SET)
        if post.body and room > 1 and rng.random() < BOILERPLATE_POST_RATE:
            text = BOILERPLATE[int(rng.integers(len(BOILERPLATE)))]
            truth.append(
                {
                    "kind": "boilerplate",
                    "a": _position(post.ordinal, len(post.body)),
                    "b": None,
                    "edit": {"text": text},
                }
            )
            post.body.append(text)
            room -= 1
        ledes = min(int(rng.integers(1, 4)), content, room)
        if ledes > 0 and rng.random() < EXCERPT_POST_RATE:
            # The archive shows the first paragraphs again above the separator,
            # sometimes with the bracketed capital a quoting editor adds.
            post.excerpt = [
                (f"[{p[0]}]{p[1:]}" if rng.random() < 0.1 and p[:1].isalpha() else p)
                for p in post.body[:ledes]
            ]
        shift = len(post.excerpt)
        for record in truth:
            for end in ("a", "b"):
                where = record[end]
                if where and where["post"] == post.ordinal and where["paragraph"] is not None:
                    where["paragraph"] += shift
        for index in range(shift):
            truth.append(
                {
                    "kind": "lede",
                    "a": _position(post.ordinal, index),
                    "b": _position(post.ordinal, shift + index),
                    "edit": {"bracket": post.excerpt[index] != post.body[index]},
                }
            )


# --------------------------------------------------------------------------
# outputs
# --------------------------------------------------------------------------


def archive_header(seed: int) -> str:
    return f"Posted tagged ‘Synthetic benchmark dump {seed}’"


def generate_posts(
    paragraphs: int, seed: int, path: str = "dump.txt"
) -> tuple[list[Any], list[dict[str, Any]]]:
    """Posts as :class:`provenance.models.Post` records plus the truth, without a file.

    The records carry the line numbers :func:`write_dump` would give them under
    ``path``, so a benchmark can skip the archive reader and still agree with it.
    """
    from provenance.models import Citation, Paragraph, Post, SourceRef

    posts: list[Post] = []
    truth: list[dict[str, Any]] = []
    line = 3  # header, blank line, then the first post's title
    for planned, records in Generator(paragraphs, seed):
        lines = planned.lines()
        first = line
        numbers = [first + 2 * i for i in range(len(lines))]
        excerpt_lines = numbers[3 : 3 + len(planned.excerpt)]
        body_start = 3 + len(planned.excerpt) + (1 if planned.excerpt else 0)
        body_lines = numbers[body_start:]
        paragraph_lines = excerpt_lines + body_lines
        paras = tuple(
            Paragraph(index=i, line=n, text=t)
            for i, (n, t) in enumerate(zip(paragraph_lines, planned.paragraphs, strict=True))
        )
        citation = Citation(
            title=planned.title,
            outlet=planned.outlet,
            author=planned.author,
            date=planned.cited,
            line=numbers[2],
            authors=(planned.author,) if planned.author else (),
            raw=lines[2],
        )
        posts.append(
            Post(
                id=f"post-{planned.ordinal:07d}",
                title=planned.title,
                date=planned.date,
                source=SourceRef(path, first, numbers[-1]),
                citation=citation,
                paragraphs=paras,
                title_line=numbers[0],
                date_line=numbers[1],
            )
        )
        truth.extend(records)
        line = numbers[-1] + 2
    return posts, truth


def write_dump(out: Path, paragraphs: int, seed: int) -> dict[str, Any]:
    """Write ``dump.txt``, ``truth.jsonl`` and ``meta.json`` under ``out``; return the meta."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    kinds: Counter[str] = Counter()
    posts = written = words = 0
    # Written under temporary names and renamed when complete, meta.json last,
    # so a concurrent or interrupted run never leaves a half dump that looks whole.
    suffix = f".tmp-{os.getpid()}"
    dump_tmp, truth_tmp, meta_tmp = (
        out / f"{name}{suffix}" for name in ("dump.txt", "truth.jsonl", "meta.json")
    )
    (out / "meta.json").unlink(missing_ok=True)
    with (
        dump_tmp.open("w", encoding="utf-8") as dump,
        truth_tmp.open("w", encoding="utf-8") as truth_file,
    ):
        dump.write(archive_header(seed) + "\n")
        for planned, records in Generator(paragraphs, seed):
            dump.write("".join(f"\n{line}\n" for line in planned.lines()))
            for record in records:
                kinds[record["kind"]] += 1
                truth_file.write(json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n")
            posts += 1
            written += len(planned.paragraphs)
            words += sum(len(p.split()) for p in planned.paragraphs)
    meta = {
        "version": VERSION,
        "requested": paragraphs,
        "paragraphs": written,
        "posts": posts,
        "words": words,
        "seed": seed,
        "truth": dict(sorted(kinds.items())),
        "seconds": round(time.perf_counter() - started, 2),
    }
    os.replace(dump_tmp, out / "dump.txt")
    os.replace(truth_tmp, out / "truth.jsonl")
    meta_tmp.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(meta_tmp, out / "meta.json")
    return meta


def read_truth(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paragraphs", type=int, default=10_000, help="paragraphs to write (default 10000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, required=True, help="folder for dump.txt, truth.jsonl, meta.json")
    args = parser.parse_args(argv)
    meta = write_dump(args.out, args.paragraphs, args.seed)
    print(json.dumps(meta, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
