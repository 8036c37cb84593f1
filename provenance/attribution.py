"""In-text attributions: where a post credits a claim to a named outlet.

A mention needs two things in one sentence: a known outlet name (the
gazetteer in :mod:`provenance.outlets`) and a reporting cue bound to it, either
after it ("DEBKAfile reported", "EUROPOL’s review notes", "CNN noted") or
before it ("according to Debkafile", "data published by the Washington Post",
"told The (London) Telegraph", "a warning from the Russian Defense Ministry").
Requiring the cue to sit next to the name, rather than anywhere in the
sentence, is what keeps "warned Raffaello Pantucci, director … at the Royal
United Services Institute" or "court cases tried by EUROPOL member states"
out: there the outlet is not the one speaking.

Short forms ("the Post", "the Bureau") only count once the full name has
appeared earlier in the same post, and stand for the outlet named most
recently. Every mention keeps its sentence and line so a reader can judge it.
"""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from provenance.models import Mention, Post
from provenance.outlets import OutletAliases, OutletInfo, outlet_key
from provenance.workers import forked_pool, gathered

__all__ = ["extract_mentions", "split_sentences"]

# Words whose trailing period does not end a sentence.
_ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "gen",
        "sen",
        "rep",
        "gov",
        "lt",
        "col",
        "capt",
        "sgt",
        "st",
        "jr",
        "sr",
        "no",
        "vs",
        "etc",
        "prof",
        "rev",
        "adm",
        "maj",
        "cpl",
        "pvt",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "inc",
        "corp",
        "ltd",
        "co",
        "dept",
        "mt",
        "ft",
        "approx",
        "e.g",
        "i.e",
    }
)
_INITIALS = re.compile(r"(?:[A-Za-z]\.)*[A-Za-z]")
_OPENERS = "“\"‘'([" + "—–"

_SAYING = (
    r"reported|reports|report|said|says|told|tells|noted|notes|assessed|assesses|wrote|writes|"
    r"published|publishes|stated|states|announced|announces|claimed|claims|warned|warns|promised|"
    r"vowed|revealed|reveals|disclosed|confirmed|confirms|added|explained|observed|cautioned|declared"
)
# The outlet is the speaker: a cue follows its name.
_CUE_AFTER = re.compile(
    r"(?:['’]s(?:\s+[\w-]+){0,4}?\s+sources?)?"  # DEBKAfile’s intelligence and counterterrorism sources
    r"(?:\s*\([^()]{1,40}\))?"  # Office of the Director of National Intelligence (ODNI)
    r"(?:,\s*(?:which|who|that)\b[^;“”\"]{0,140}?,?)?"  # the Port Authority…, which operates …,
    r"(?:\s+(?:has|have|had|also|then|first|later|again|\w+ly)\b)*"
    rf"\s+(?:(?P<verb>{_SAYING})|(?P<issued>issued\s+(?:an?|its|their)\s+(?:[\w-]+\s+){{0,2}}?"
    r"(?:warning|statement|report|assessment|alert)))\b",
    re.IGNORECASE,
)
# The outlet is the source named by a phrase before it.
_CUE_BEFORE = re.compile(
    r"(?:(?P<phrase>according\s+to|told|tells|telling|interview\s+with"
    r"|(?:published|reported|expressed|stated|released|issued|cited|quoted|revealed|noted|disclosed"
    r"|confirmed|announced|written|compiled)\s+by"
    r"|(?:warning|statement|report|data|assessment|review|analysis|study|survey|figures|article|story"
    r"|estimate|announcement)s?\s+(?:from|by)"
    r"|(?:wrote|writes|writing|said|says|reported|published)\s+in)"
    r"|(?P<titled>(?:publication|report|book|magazine|pamphlet|document|manual|e-?book|newsletter)\b"
    r"[^.“”]{0,40}?\b(?:called|titled|entitled|named)),?)\s+$",
    re.IGNORECASE,
)
_SENTENCE_EVENTS = re.compile(r"[“”\"]|(?P<end>[.!?])(?P<closers>[”\"’')\]]*)(?P<space>\s*)")


@cache
def _short_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """ "the Post", "the Bureau": a capitalised short-form word after "the"."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))
    return re.compile(rf"(?<!\w)[Tt]he\s+(?:{alternatives or '(?!)'})(?!\w)")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Half-open character spans of the sentences of ``text``.

    A sentence ends at ., ! or ? (plus closing quotes) followed by a space
    and a capital or an opening quote, except after abbreviations and
    initials ("Nov.", "Gen.", "U.S.") and inside a quotation: a quoted passage
    of several sentences stays in the sentence that credits it ("“… . …,”
    EUROPOL reported").
    """
    spans: list[tuple[int, int]] = []
    start = 0
    curly = 0
    straight = False
    # Only quotes and sentence-final marks (with their closers and the following space) matter.
    for token in _SENTENCE_EVENTS.finditer(text):
        mark = token.group()
        if mark == "“":
            curly += 1
        elif mark == "”":
            curly = max(0, curly - 1)
        elif mark == '"':
            straight = not straight
        else:
            closers = token.group("closers")
            curly = max(0, curly - closers.count("”"))
            straight ^= closers.count('"') % 2 == 1
            end = token.end("closers")
            following = token.end()
            boundary = (
                token.group("space")
                and following < len(text)
                and (text[following].isupper() or text[following] in _OPENERS)
                and not curly
                and not straight
                and not (token.group("end") == "." and _is_abbreviation(text, token.start()))
            )
            if boundary:
                spans.append((start, end))
                start = following
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def _is_abbreviation(text: str, period: int) -> bool:
    word_start = period
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:period]
    return word.casefold() in _ABBREVIATIONS or bool(_INITIALS.fullmatch(word))


@dataclass(frozen=True, slots=True)
class _NameMatch:
    start: int
    end: int
    outlet: OutletInfo
    surface: str


class _PostScanner:
    """Finds outlet names sentence by sentence, remembering which outlets the post has named."""

    def __init__(self, aliases: OutletAliases) -> None:
        self.aliases = aliases
        self.pattern = aliases.name_pattern()
        self.short_forms = aliases.short_forms()
        words = {re.sub(r"(?i)^the\s+", "", short) for entry in aliases.entries for short in entry.short}
        self.short_pattern = _short_pattern(tuple(sorted(words)))
        self.last_named: dict[str, int] = {}  # outlet name -> order of its latest full-name match
        self.counter = 0

    def _resolve_short(self, key: str) -> OutletInfo | None:
        named = [o for o in self.short_forms.get(key, ()) if o.name in self.last_named]
        return max(named, key=lambda o: self.last_named[o.name]) if named else None

    def names(self, sentence: str) -> Iterator[_NameMatch]:
        found: list[_NameMatch] = []
        taken: list[tuple[int, int]] = []
        # The name regex has hundreds of alternatives; the word-sequence test is far cheaper.
        full_names = self.pattern.finditer(sentence) if self.aliases.mentions_a_name(sentence) else ()
        for match in full_names:
            name = match.group("name")
            if name.islower():  # "post", "times", "inspire" as ordinary words
                continue
            outlet = self._resolve_short(outlet_key(match.group(0))) or self.aliases.lookup(name)
            if outlet is not None:
                found.append(_NameMatch(match.start(), match.end(), outlet, match.group(0)))
                taken.append(match.span())
        for match in self.short_pattern.finditer(sentence):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            key = outlet_key(match.group(0))
            if key in self.short_forms:
                found.append(_NameMatch(match.start(), match.end(), _SHORT_PENDING, match.group(0)))
        for item in sorted(found, key=lambda m: m.start):
            outlet = item.outlet
            if outlet is _SHORT_PENDING:
                resolved = self._resolve_short(outlet_key(item.surface))
                if resolved is None:
                    continue  # "the Post" before any Post was named: ambiguous, skip
                item = _NameMatch(item.start, item.end, resolved, item.surface)
            elif outlet_key(item.surface) not in self.short_forms:
                self.counter += 1
                self.last_named[outlet.name] = self.counter
            yield item


_SHORT_PENDING = OutletInfo("")


def _cue(sentence: str, match: _NameMatch) -> str | None:
    """The reporting cue bound to the outlet name at ``match``, or None when the outlet is not the source."""
    # The longest cue ("publication … called") spans well under 120 characters; a window keeps the
    # end-anchored search from rescanning long sentences from their start.
    before = _CUE_BEFORE.search(sentence, max(0, match.start - 120), match.start)
    if before is not None:
        if before.group("titled"):
            return "publication titled"
        return " ".join(before.group("phrase").casefold().split())
    after = _CUE_AFTER.match(sentence, match.end)
    if after is not None:
        if after.group("issued"):
            return "issued " + after.group("issued").split()[-1].casefold()
        return after.group("verb").casefold()
    return None


def _texts(post: Post) -> Iterator[tuple[int, int, str]]:
    """(paragraph index or -1, first line, text) of the body paragraphs and editor notes, in reading order."""
    items = [(p.line, p.index, p.text) for p in post.paragraphs]
    items += [(note.line, -1, note.text) for note in post.notes if note.role == "editor_note"]
    for line, index, text in sorted(items, key=lambda item: (item[0], item[1])):
        yield index, line, text


def extract_mentions(post: Post, aliases: OutletAliases) -> list[Mention]:
    """Every in-text attribution of ``post`` to a known outlet, in reading order.

    One mention per outlet per sentence; each carries the sentence, its line,
    the paragraph index (-1 for an editor note), the name as written and the cue.
    """
    scanner = _PostScanner(aliases)
    mentions: list[Mention] = []
    for paragraph, first_line, text in _texts(post):
        # Most paragraphs name no outlet: skip them before splitting sentences and running the big regex.
        if not aliases.mentions_a_name(text) and not (
            scanner.last_named and scanner.short_pattern.search(text)
        ):
            continue
        for start, end in split_sentences(text):
            sentence = text[start:end]
            line = first_line + text.count("\n", 0, start)
            credited: set[str] = set()
            for match in scanner.names(sentence):
                if match.outlet.name in credited:
                    continue
                cue = _cue(sentence, match)
                if cue is None:
                    continue
                credited.add(match.outlet.name)
                mentions.append(
                    Mention(
                        post=post.id,
                        outlet=match.outlet.name,
                        surface=" ".join(match.surface.split()),
                        sentence=" ".join(sentence.split()),
                        line=line,
                        paragraph=paragraph,
                        cue=cue,
                    )
                )
    return mentions


# Below this many posts, worker processes cost more than they save.
PARALLEL_MIN_POSTS = 5_000
# Posts per task sent to a worker.
MENTION_CHUNK = 1_000
# What the mention workers read: set just before they are forked, so they
# inherit the posts and the compiled outlet-name pattern instead of receiving
# them pickled (unpickling the posts and compiling the pattern again in each
# worker took a third of the stage's time at 100,000 paragraphs).
_worker_input: tuple[Sequence[Post], OutletAliases] | None = None


def _chunk_mentions(first: int, last: int) -> list[list[Mention]]:
    assert _worker_input is not None
    posts, aliases = _worker_input
    return [extract_mentions(post, aliases) for post in posts[first:last]]


def mentions_of_posts(
    posts: Sequence[Post],
    aliases: OutletAliases,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> list[list[Mention]]:
    """:func:`extract_mentions` of every post, in order; in ``workers`` processes when there are many posts.

    ``progress(done, total)`` hears the posts read, a chunk at a time.

    Posts are independent of each other here, and the regular expressions
    are the graph stage's largest cost (some 50 s at a million paragraphs
    on one core). The workers are forked with the posts and the compiled
    pattern already in memory; where the platform cannot fork, the posts
    are read here, one after the other.
    """
    global _worker_input
    starts = list(range(0, len(posts), MENTION_CHUNK))
    stops = [min(start + MENTION_CHUNK, len(posts)) for start in starts]
    forkable = "fork" in multiprocessing.get_all_start_methods()
    if workers < 2 or len(posts) < PARALLEL_MIN_POSTS or not forkable:
        chunks = zip(starts, stops, strict=True)
        return gathered(
            ([extract_mentions(p, aliases) for p in posts[a:b]] for a, b in chunks), len(posts), progress
        )
    aliases.name_pattern()  # compiled once, here, and inherited by the workers
    _worker_input = (posts, aliases)
    try:
        with forked_pool(min(workers, len(starts))) as pool:
            return gathered(pool.map(_chunk_mentions, starts, stops), len(posts), progress)
    finally:
        _worker_input = None


def outlets_named(
    posts: Sequence[Post], mentions: Sequence[Sequence[Mention]], aliases: OutletAliases
) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Each post's own outlet (its citation's) and the outlets it names, as outlet keys.

    What :class:`~provenance.dedup.order.Chronology` needs to order two posts
    of one day by credit: a post that names another's outlet in an
    attribution line ("DEBKAfile reported Thursday:") took its text from it.
    ``mentions`` holds each post's mentions, in the order of ``posts``.
    """
    own: dict[str, str] = {}
    named: dict[str, set[str]] = {}
    for post, found in zip(posts, mentions, strict=True):
        keys = {outlet_key(aliases.canonical(m.outlet)) for m in found}
        if post.citation is not None and post.citation.outlet:
            own[post.id] = outlet_key(aliases.canonical(post.citation.outlet))
            keys.add(own[post.id])
        if keys:
            named[post.id] = keys
    return own, named
