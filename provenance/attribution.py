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
recently; the credit reader asks :class:`PostScanner` what a short form in a
credit line stands for, the same way. A one-word name that is an ordinary word ("Sun", "Mirror",
"Express", marked ``needs_the`` in the table) only counts after "the": "Sun
Microsystems said" and "American Express said" name no newspaper. Every
mention keeps its sentence and line so a reader can judge it.

Outlets nobody listed: a name the table does not know is found from the cue
and its capitalisation. Beside each cue the same grammar binds (except that a
verb must follow such a name directly, not across a relative clause), a run of
capitalised words (joined by "of", "the", "for", "&" and the like; "the"
before it and a possessive after it left out; a person "of the Daily Bugle"
leaves the outlet) is an outlet when it looks like one
(:func:`provenance.outlets.looks_like_outlet_name`: an outlet or institution
word such as News, Times, Agency, Ministry or Institute, or a web domain) or
when the corpus vouches for it (it is credited, or linked to its own site,
somewhere: see :func:`provenance.credits.vouched_names`). "John Smith said",
"Madonna told" or "ISIS vowed" name no outlet. Common words that open a
sentence ("Yesterday", "But") and a title with the person after it ("Capital
Radio DJ Chris Tarrant") are not part of a name.
"""

from __future__ import annotations

import bisect
import copy
import functools
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from provenance.invisible import visible_post
from provenance.models import Credit, Mention, Post
from provenance.outlets import (
    EDITION_WORDS,
    OUTLET_WORDS,
    OutletAliases,
    OutletInfo,
    WordRunIndex,
    clean_outlet_name,
    holds_word_run,
    looks_like_outlet_name,
    outlet_key,
    outlet_key_words,
    word_run_index,
)
from provenance.workers import each_in_forked_chunks

__all__ = [
    "JOINERS",
    "NAME_RUN",
    "OPENING_WORDS",
    "PostScanner",
    "extract_mentions",
    "mention_texts",
    "mentions_of_posts",
    "outlets_named",
    "split_sentences",
]

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
    r"vowed|revealed|reveals|disclosed|confirmed|confirms|added|explained|observed|cautioned|declared|"
    r"insisted|insists|denied|denies|admitted|admits|argued|argues|alleged|alleges"
)
# The outlet is the speaker: a cue follows its name.
_SPEAKER = (
    r"(?:['’]s(?:\s+[\w-]+){0,4}?\s+sources?"  # DEBKAfile’s intelligence and counterterrorism sources
    r"|(?:['’]s)?(?:\s+[\w-]+)?\s+spokes(?:man|woman|person|people|men|women))?"  # a BBC press spokesman said
    r"(?:\s*\([^()]{1,40}\))?"  # Office of the Director of National Intelligence (ODNI)
)
_RELATIVE_CLAUSE = (
    r"(?:,\s*(?:which|who|that)\b[^;“”\"]{0,140}?,?)?"  # the Port Authority…, which operates …,
)
_VERB = (
    r"(?:\s+(?:has|have|had|also|then|first|later|again|\w+ly)\b)*"
    rf"\s+(?:(?P<verb>{_SAYING})|(?P<issued>issued\s+(?:an?|its|their)\s+(?:[\w-]+\s+){{0,2}}?"
    r"(?:warning|statement|report|assessment|alert)))\b"
)
_CUE_AFTER = re.compile(_SPEAKER + _RELATIVE_CLAUSE + _VERB, re.IGNORECASE)
# For a name the table does not know, the verb must follow the name itself: across a relative
# clause ("DiscoverEd, which … will be added") the name is too often not the one speaking.
_CUE_AFTER_CLOSE = re.compile(_SPEAKER + _VERB, re.IGNORECASE)
# Words naming what an outlet is, between a cue and the name: "told music mag NME".
_DESCRIBED_AS = (
    "magazine", "mag", "newspaper", "paper", "tabloid", "daily", "weekly", "website", "site", "broadcaster",
    "channel", "network", "station", "agency", "outlet", "publication", "journal",
)  # fmt: skip
# The outlet is the source named by a phrase before it.
_CUE_BEFORE = re.compile(
    r"(?:(?P<phrase>according\s+to|told|tells|telling|interview\s+with"
    r"|spokes(?:man|woman|person)\s+(?:for|at)"
    r"|(?:published|reported|expressed|stated|released|issued|cited|quoted|revealed|noted|disclosed"
    r"|confirmed|announced|written|compiled)\s+by"
    r"|(?:warning|statement|report|data|assessment|review|analysis|study|survey|figures|article|story"
    r"|estimate|announcement)s?\s+(?:from|by)"
    r"|(?:wrote|writes|writing|said|says|reported|published)\s+in)"
    # "told music mag NME", "according to the newspaper Le Monde": what the outlet is, in small letters.
    rf"(?-i:(?:\s+the)?(?:\s+[a-z][a-z-]*){{0,2}}?\s+(?:{'|'.join(_DESCRIBED_AS)}))?"
    r"|(?P<titled>(?:publication|report|book|magazine|pamphlet|document|manual|e-?book|newsletter)\b"
    r"[^.“”]{0,40}?\b(?:called|titled|entitled|named)),?)\s+$",
    re.IGNORECASE,
)
# The last word of every _CUE_BEFORE phrase, and the word right before a position.
_CUE_BEFORE_ENDS = frozenset(
    {"to", "told", "tells", "telling", "with", "for", "at", "by", "from", "in"}
    | {"called", "titled", "entitled", "named"}
    | set(_DESCRIBED_AS)
)
_LAST_WORD = re.compile(r"(\w+),?\s+$")
_WORDS = re.compile(r"\w+")
_SENTENCE_EVENTS = re.compile(r"[“”\"]|(?P<end>[.!?])(?P<closers>[”\"’')\]]*)(?P<space>\s*)")


# The word right before a one-word outlet name, when it is written like a person's given name or title.
_GIVEN_NAME_BEFORE = re.compile(r"(?<![\w.’'-])([A-Z][a-z]+\.?|[A-Z]\.)\s$")
# Capitalised words that stand before an outlet's name without being a person's: a sentence's first word
# ("By Reuters", "According to"), a day or a month ("On Monday Reuters said").
_NOT_GIVEN_NAMES = frozenset(
    {
        "a", "an", "the", "by", "from", "via", "per", "to", "for", "with", "and", "or", "but", "as", "at",
        "on", "in", "of", "according", "source", "sources", "told", "says", "said", "report", "reports",
        "reported", "courtesy", "copyright", "credit", "photo", "wire", "agency", "news", "also", "then",
        "yet", "while", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december", "today", "yesterday",
    }
)  # fmt: skip


def _names_another(sentence: str, match: re.Match[str], name: str, outlet: OutletInfo) -> bool:
    """Whether an outlet's name found in ``sentence`` is part of another's name, not the outlet's."""
    bare = match.group(0) == name  # no "the" before it
    if outlet.needs_the and bare and " " not in name.strip():
        return True  # "Sun Microsystems", "American Express": the ordinary word, not the paper
    if outlet.needs_the and _opens_a_longer_name(sentence, match.end()):
        return True  # "the Express Scripts spokesman", "the Independent Electoral Commission"
    return bare and _a_persons_surname(sentence, match.start(), name)  # "Michael Bloomberg said"


_NEXT_CAPITALISED = re.compile(r"[ \t]+([A-Z][a-z]+)\b")


def _opens_a_longer_name(sentence: str, end: int) -> bool:
    """Whether a capitalised word follows an ordinary-word outlet name at ``end``: a longer name it opens.

    "The Express Scripts spokesman" and "the Independent Electoral
    Commission" are a company and a commission, not the Express or the
    Independent; a service or edition word after it ("the Guardian Weekly")
    still names the outlet.
    """
    following = _NEXT_CAPITALISED.match(sentence, end)
    return following is not None and following.group(1).casefold() not in EDITION_WORDS


def _a_persons_surname(sentence: str, start: int, name: str) -> bool:
    """Whether a one-word outlet name at ``start`` follows a given name or a title: a person of that name.

    "Michael Bloomberg said", "Mr. Bloomberg announced", "Fiona Hill told",
    "Steve Forbes said" name people, not the outlets; their mentions credited
    copies of Bloomberg's or Forbes's text that named no outlet.
    """
    if " " in name.strip():
        return False
    before = _GIVEN_NAME_BEFORE.search(sentence, max(0, start - 40), start)
    return before is not None and before.group(1).rstrip(".").casefold() not in _NOT_GIVEN_NAMES


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


#: Characters of evidence a mention or credit keeps of a sentence longer than this: the words
#: around the name. Real sentences are shorter; a paragraph with no sentence end (a list of 10,000
#: names joined by commas) would otherwise put itself whole into every one of its mentions.
EVIDENCE_CHARS = 600


def evidence(text: str, start: int, end: int, limit: int = EVIDENCE_CHARS) -> str:
    """``text`` (a sentence) with single spaces; when longer than ``limit``, the part around ``start:end``."""
    if len(text) > limit:
        first = max(0, start - limit // 2)
        last = min(len(text), max(end, first + limit))
        text = ("…" if first else "") + text[first:last] + ("…" if last < len(text) else "")
    return " ".join(text.split())


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


class PostScanner:
    """Finds outlet names sentence by sentence, remembering which outlets the post has named.

    The credit reader (:mod:`provenance.credits`) asks it too what a short form
    in a credit line stands for, after reading the post up to that line.
    """

    def __init__(self, aliases: OutletAliases) -> None:
        self.aliases = aliases
        self.pattern = aliases.name_pattern()
        self.short_forms = aliases.short_forms()
        self.short_pattern = _short_pattern(aliases.short_words())
        self.last_named: dict[str, int] = {}  # outlet name -> order of its latest full-name match
        self.counter = 0

    def resolve_short(self, key: str) -> OutletInfo | None:
        """The outlet the short form of key ``key`` ("times") stands for: of those it may stand for, the
        one whose full name was read last; None when none was read (or ``key`` is no short form).

        The outlet whose own name the short form is ("The Times", the London
        paper) is one of those: "The Times of London" after "The New York
        Times" makes it the one "the Times" names next.
        """
        named = [o for o in self.short_forms.get(key, ()) if o.name in self.last_named]
        return max(named, key=lambda o: self.last_named[o.name]) if named else None

    def read(self, text: str) -> None:
        """Reads ``text`` sentence by sentence as :meth:`names` does, for the full names it holds."""
        if not self.aliases.mentions_a_name(text):
            return  # no full name: nothing to remember
        for start, end in split_sentences(text):
            for _ in self.names(text[start:end]):
                pass

    def copy(self) -> PostScanner:
        """A scanner that has read what this one has, and reads on apart from it."""
        twin = copy.copy(self)
        twin.last_named = dict(self.last_named)
        return twin

    def names(self, sentence: str) -> Iterator[_NameMatch]:
        found: list[_NameMatch] = []
        taken: list[tuple[int, int]] = []
        # The name regex has hundreds of alternatives; the word-sequence test is far cheaper.
        full_names = self.pattern.finditer(sentence) if self.aliases.mentions_a_name(sentence) else ()
        for match in full_names:
            name = match.group("name")
            if name.islower():  # "post", "times", "inspire" as ordinary words
                continue
            outlet = self.resolve_short(outlet_key(match.group(0))) or self.aliases.lookup(name)
            if outlet is None or _names_another(sentence, match, name, outlet):
                continue
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
                resolved = self.resolve_short(outlet_key(item.surface))
                if resolved is None:
                    continue  # "the Post" before any Post was named: ambiguous, skip
                item = _NameMatch(item.start, item.end, resolved, item.surface)
            elif outlet_key(item.surface) not in self.short_forms:
                self.counter += 1
                self.last_named[outlet.name] = self.counter
            yield item


_SHORT_PENDING = OutletInfo("")


def _cue(sentence: str, match: _NameMatch, close: bool = False) -> str | None:
    """The reporting cue bound to the outlet name at ``match``, or None when the outlet is not the source.

    ``close``: a verb after the name must follow it directly, not across a relative clause.
    """
    # The longest cue ("publication … called") spans well under 120 characters; a window keeps the
    # end-anchored search from rescanning long sentences from their start. Every cue before a name
    # ends in one of a few words: without one there, the search (100 µs) is not run.
    last_word = _LAST_WORD.search(sentence, max(0, match.start - 30), match.start)
    if last_word is None or last_word.group(1).casefold() not in _CUE_BEFORE_ENDS:
        before = None
    else:
        before = _CUE_BEFORE.search(sentence, max(0, match.start - 120), match.start)
    if before is not None:
        if before.group("titled"):
            return "publication titled"
        return " ".join(before.group("phrase").casefold().split())
    after = (_CUE_AFTER_CLOSE if close else _CUE_AFTER).match(sentence, match.end)
    if after is not None:
        if after.group("issued"):
            return "issued " + after.group("issued").split()[-1].casefold()
        return after.group("verb").casefold()
    return None


# --------------------------------------------------------------------------
# Outlets nobody listed: capitalised names beside a cue
# --------------------------------------------------------------------------

_CAPITAL = "A-ZÀ-ÖØ-Þ"
_JOINERS = ("of", "the", "for", "&", "de", "du", "des", "del", "della", "di", "la", "le", "al", "el")
#: The small words a run of capitalised words may hold between its words ("Times of India").
JOINERS = frozenset(_JOINERS)
# A run of capitalised words, joined by a few small words; later words may be numbers ("Radio 4").
NAME_RUN = re.compile(
    rf"(?<![\w'’&.-])[{_CAPITAL}][\w'’&.-]*"
    rf"(?:\s+(?:(?:{'|'.join(re.escape(j) for j in _JOINERS)})\s+){{0,3}}"
    rf"(?:[{_CAPITAL}][\w'’&.-]*|\d+(?![\w'’.-]))){{0,9}}"
)
# Capitalised because they open a sentence or a clause, not because they name anything.
OPENING_WORDS = frozenset(
    {
        "the",
        "a",
        "an",
        "but",
        "and",
        "or",
        "nor",
        "so",
        "yet",
        "then",
        "now",
        "yesterday",
        "today",
        "tonight",
        "tomorrow",
        "last",
        "next",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "when",
        "whenever",
        "while",
        "after",
        "before",
        "as",
        "if",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "without",
        "into",
        "onto",
        "meanwhile",
        "however",
        "also",
        "still",
        "even",
        "only",
        "earlier",
        "later",
        "instead",
        "indeed",
        "although",
        "though",
        "because",
        "since",
        "until",
        "once",
        "according",
        "both",
        "some",
        "many",
        "most",
        "all",
        "every",
        "each",
        "no",
        "not",
        "one",
        "two",
        "three",
        "his",
        "her",
        "its",
        "their",
        "our",
        "my",
        "your",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "you",
        "who",
        "whom",
        "whose",
        "what",
        "which",
        "where",
        "why",
        "how",
        "asked",
        "speaking",
        "writing",
    }
)
# A title or role: the words after it name a person ("Capital Radio DJ Chris Tarrant", "Sir Elton John").
_ROLE_WORDS = frozenset(
    {
        "dj",
        "mp",
        "mep",
        "mps",
        "presenter",
        "editor",
        "chairman",
        "chairwoman",
        "chair",
        "minister",
        "secretary",
        "director",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "star",
        "singer",
        "actor",
        "actress",
        "boss",
        "chief",
        "president",
        "prince",
        "princess",
        "king",
        "queen",
        "lord",
        "lady",
        "sir",
        "dame",
        "dr",
        "mr",
        "mrs",
        "ms",
        "miss",
        "judge",
        "officer",
        "inspector",
        "sergeant",
        "detective",
        "superintendent",
        "constable",
        "captain",
        "general",
        "colonel",
        "professor",
        "prof",
        "rev",
        "father",
        "correspondent",
        "columnist",
        "commentator",
        "anchor",
        "host",
        "producer",
        "executive",
        "founder",
        "manager",
        "agent",
        "lawyer",
        "solicitor",
        "barrister",
        "publicist",
        "senator",
        "governor",
        "mayor",
        "councillor",
        "deputy",
        "leader",
        "chancellor",
    }
)
# A word of every cue of _CUE_BEFORE and _CUE_AFTER: a text without any has no attribution. A set,
# not a regex: an alternation of 70 words tried at every position cost 180 µs a paragraph.
_CUE_WORDS = frozenset(_SAYING.split("|")) | frozenset(
    [
        "according",
        "tell",
        "tells",
        "telling",
        "told",
        "interview",
        "interviews",
        "issued",
        "published",
        "released",
        "cited",
        "quoted",
        "written",
        "compiled",
        "expressed",
        "stated",
        "revealed",
        "noted",
        "disclosed",
        "confirmed",
        "announced",
        "wrote",
        "writes",
        "writing",
        "data",
        "figures",
        "warning",
        "warnings",
        "statement",
        "statements",
        "report",
        "reports",
        "assessment",
        "assessments",
        "review",
        "reviews",
        "analysis",
        "analyses",
        "study",
        "studies",
        "survey",
        "surveys",
        "article",
        "articles",
        "story",
        "stories",
        "estimate",
        "estimates",
        "announcement",
        "announcements",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "spokespeople",
        "spokesmen",
        "spokeswomen",
        "sources",
    ]
)


def _has_cue_word(text: str, folded_words: list[str] | None = None) -> bool:
    words = _WORDS.findall(text.casefold()) if folded_words is None else folded_words
    return not _CUE_WORDS.isdisjoint(words)


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A capitalised name in a sentence: its span ("the" before it included) and its text."""

    start: int
    end: int
    name: str


def _bare(word: str) -> str:
    return word.strip(".,;:!?\"“”‘’'()[]").casefold()


def _opens_sentence(sentence: str, position: int) -> bool:
    """Whether only spaces, opening quotes and brackets stand before ``position`` (looked at backwards)."""
    while position > 0 and sentence[position - 1] in " \t\n\"“‘'([—–-":
        position -= 1
    return position == 0


def _candidates(sentence: str) -> Iterator[_Candidate]:
    """Capitalised names of ``sentence`` that could be an outlet's, trimmed as the module says."""
    for match in NAME_RUN.finditer(sentence):
        words = [
            (w.start() + match.start(), w.end() + match.start(), w.group())
            for w in re.finditer(r"\S+", match.group())
        ]
        # Opening words and joiners before the name are no part of it; a capital "The" inside a
        # sentence is ("according to The Conversation").
        while words and (_bare(words[0][2]) in OPENING_WORDS or words[0][2] in JOINERS):
            if words[0][2] == "The" and not _opens_sentence(sentence, words[0][0]):
                break
            words.pop(0)
        # A title ends the name: what follows it is a person.
        for number, (_, _, word) in enumerate(words):
            if _bare(word) in _ROLE_WORDS:
                words = words[:number]
                break
        # A possessive ends the name ("Sky News’s Kay Burley" -> "Sky News").
        for number, (start, end, word) in enumerate(words):
            if word.endswith(("’s", "'s")):
                words = [*words[:number], (start, end - 2, word[:-2])]
                break
        # "Smith of the Daily Bugle": a person of an outlet; the outlet is the name.
        joins = [n for n, (_, _, w) in enumerate(words) if w == "of"]
        if joins and not any(_bare(w) in OUTLET_WORDS for _, _, w in words[: joins[0]]):
            words = words[joins[0] + 1 :]
            while words and words[0][2] in JOINERS:
                words.pop(0)
        while words and words[-1][2] in JOINERS:
            words.pop()
        if not words:
            continue
        start, end = words[0][0], words[-1][1]
        last = words[-1][2]
        if last.endswith(".") and last.count(".") == 1:
            end -= 1
        # "the" right before the name belongs to its span, where the cue grammar expects it.
        the = re.search(r"(?<!\w)the\s+$", sentence[max(0, start - 8) : start], re.IGNORECASE)
        if the is not None:
            start -= len(the.group())
        name = " ".join(sentence[words[0][0] : end].split())
        if name:
            yield _Candidate(start, end, name)


# Outlet words as a name writes them ("News", "NEWS"), and a web domain's dot: a paragraph with
# neither (and no vouched name) names no outlet the table lacks.
_OUTLET_FORMS = frozenset(form for word in OUTLET_WORDS for form in (word.capitalize(), word.upper()))
_DOMAIN_DOT = re.compile(r"\.[a-z]{2,}\b")


@cache
def _vouched_index(vouched: frozenset[str]) -> WordRunIndex:
    """The vouched names (outlet keys) as runs of words, indexed by their first word."""
    return word_run_index(tuple(key.split()) for key in vouched)


def _holds_vouched_name(text: str, vouched: frozenset[str], folded_words: list[str] | None = None) -> bool:
    """Whether ``text`` holds the words of a vouched name in a row, as :func:`outlet_key` folds them.

    Any word of a vouched name was not enough: one credit to the "Office of
    the Director of National Intelligence" made every paragraph with "of" or
    "the" and a cue word look for unlisted outlets, and doubled the mention
    stage's time on a generated dump of a million paragraphs.
    """
    index = _vouched_index(vouched)
    return bool(index) and holds_word_run(outlet_key_words(text, folded_words), index)


def _may_name_an_outlet(text: str, folded_words: list[str], vouched: frozenset[str]) -> bool:
    """Whether ``text`` holds an outlet word, a domain, or a vouched name (cheap, no false no).

    ``folded_words`` are its words casefolded; only a text with an outlet word in any case is
    tokenised again to see it capitalised.
    """
    if not OUTLET_WORDS.isdisjoint(folded_words) and not _OUTLET_FORMS.isdisjoint(_WORDS.findall(text)):
        return True
    if any(dot.start() and text[dot.start() - 1].isalnum() for dot in _DOMAIN_DOT.finditer(text)):
        return True
    return _holds_vouched_name(text, vouched, folded_words)


def _found_outlets(
    sentence: str,
    taken: Sequence[tuple[int, int]],
    aliases: OutletAliases,
    vouched: frozenset[str],
    credited: Collection[str] = (),
) -> Iterator[tuple[str, str, str, int, int]]:
    """(name, surface, cue, start, end) of each outlet the table does not know that ``sentence`` credits.

    Names whose outlet key is in ``credited`` (and those yielded) are not looked at again: one
    mention per outlet per sentence, and a sentence naming one outlet 10,000 times binds one cue.
    """
    seen = set(credited)
    starts = [start for start, _ in taken]  # known names, in order and not overlapping
    for candidate in _candidates(sentence):
        before = bisect.bisect_left(starts, candidate.end) - 1
        if before >= 0 and taken[before][1] > candidate.start:
            continue  # a known name is there: the gazetteer decided
        name = clean_outlet_name(candidate.name)
        if not name:
            continue
        key = outlet_key(name)
        if key in seen or not (looks_like_outlet_name(name) or key in vouched):
            continue
        if aliases.lookup(name) is not None:
            continue
        cue = _cue(sentence, _NameMatch(candidate.start, candidate.end, _SHORT_PENDING, name), close=True)
        if cue is not None:
            seen.add(key)
            yield name, sentence[candidate.start : candidate.end], cue, candidate.start, candidate.end


def mention_texts(post: Post) -> Iterator[tuple[int, int, str]]:
    """(paragraph index or -1, first line, text) of the body paragraphs and editor notes, in reading order:
    what the mention stage reads, and the credit reader reads for the full names before a short form."""
    items = [(p.line, p.index, p.text) for p in post.paragraphs]
    items += [(note.line, -1, note.text) for note in post.notes if note.role == "editor_note"]
    for line, index, text in sorted(items, key=lambda item: (item[0], item[1])):
        yield index, line, text


def extract_mentions(
    post: Post, aliases: OutletAliases, vouched: frozenset[str] = frozenset()
) -> list[Mention]:
    """Every in-text attribution of ``post`` to an outlet, known or found, in reading order.

    One mention per outlet per sentence; each carries the sentence, its line,
    the paragraph index (-1 for an editor note), the name as written and the
    cue. ``vouched`` holds the :func:`~provenance.outlets.outlet_key` of names
    the corpus shows to be outlets (credited or linked to their own site).
    """
    # "R<zero-width space>euters said", "Rеuters said": Reuters, as a reader sees it.
    post = visible_post(post)
    scanner = PostScanner(aliases)
    mentions: list[Mention] = []
    for paragraph, first_line, text in mention_texts(post):
        # Most paragraphs name no known outlet, and many have no cue either: skip those
        # before splitting sentences and running the big regex.
        folded_words = _WORDS.findall(text.casefold())
        known = aliases.mentions_a_name(text, folded_words) or bool(
            scanner.last_named and scanner.short_pattern.search(text)
        )
        unknown = _has_cue_word(text, folded_words) and _may_name_an_outlet(text, folded_words, vouched)
        if not known and not unknown:
            continue
        line, counted = first_line, 0  # line breaks counted up to each sentence, once over the text
        for start, end in split_sentences(text):
            sentence = text[start:end]
            line += text.count("\n", counted, start)
            counted = start
            # (outlet, surface, cue, start, end) of each attribution in the sentence, one per outlet.
            found: dict[str, tuple[str, str, str, int, int]] = {}
            taken: list[tuple[int, int]] = []
            for match in scanner.names(sentence) if known else ():
                taken.append((match.start, match.end))
                key = outlet_key(match.outlet.name)
                cue = None if key in found else _cue(sentence, match)
                if cue is not None:
                    found[key] = (match.outlet.name, match.surface, cue, match.start, match.end)
            if unknown and _has_cue_word(sentence):
                for name, surface, cue, at, until in _found_outlets(sentence, taken, aliases, vouched, found):
                    found.setdefault(outlet_key(name), (name, surface, cue, at, until))
            mentions.extend(
                Mention(
                    post=post.id,
                    outlet=outlet,
                    surface=" ".join(surface.split()),
                    sentence=evidence(sentence, at, until),
                    line=line,
                    paragraph=paragraph,
                    cue=cue,
                )
                for outlet, surface, cue, at, until in found.values()
            )
    return mentions


# Below this many posts, worker processes cost more than they save (for credits too).
PARALLEL_MIN_POSTS = 5_000
# Posts per task sent to a worker.
MENTION_CHUNK = 1_000


def mentions_of_posts(
    posts: Sequence[Post],
    aliases: OutletAliases,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
    vouched: frozenset[str] = frozenset(),
) -> list[list[Mention]]:
    """:func:`extract_mentions` of every post, in order; in ``workers`` processes when there are many posts.

    ``progress(done, total)`` hears the posts read, a chunk at a time;
    ``vouched`` is what the credits show to be outlets (see :func:`extract_mentions`).

    Posts are independent of each other here, and the regular expressions
    are the graph stage's largest cost (some 50 s at a million paragraphs
    on one core). The workers are forked with the posts and the compiled
    pattern already in memory (:func:`~provenance.workers.each_in_forked_chunks`);
    where the platform cannot fork, the posts are read here, one after the other.
    """
    read = functools.partial(extract_mentions, aliases=aliases.made_ready(), vouched=vouched)
    return each_in_forked_chunks(read, posts, workers, MENTION_CHUNK, progress, min_items=PARALLEL_MIN_POSTS)


def _sentence_key(sentence: str) -> str:
    """A sentence as two copies of it compare: its words, case folded (quote marks, spacing aside)."""
    return " ".join(_WORDS.findall(sentence.casefold()))


def outlets_named(
    posts: Sequence[Post],
    mentions: Sequence[Sequence[Mention]],
    aliases: OutletAliases,
    credits: Sequence[Sequence[Credit]] | None = None,
) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Each post's own outlet (its citation's) and the outlets it names or credits, as outlet keys.

    What :class:`~provenance.dedup.order.Chronology` needs to order two posts
    of one day by credit: a post that names another's outlet in an
    attribution line ("DEBKAfile reported Thursday:") or credits it ("Via
    DEBKAfile", a link to debka.com) took its text from it. ``mentions`` and
    ``credits`` hold each post's mentions and credits, in the order of ``posts``.

    A mention in a sentence that a post citing that outlet also holds names it
    in words the two share ("..., Netanyahu told Fox News" in a report and in a
    post citing Fox News that carries it): the sentence came with the text,
    whichever way the text went, so it is no credit of the one by the other.
    """
    own: dict[str, str] = {}
    named: dict[str, set[str]] = {}
    credits = credits if credits is not None else [() for _ in posts]
    keys_of: dict[str, str] = {}  # outlet name -> key: names repeat (100,000 posts citing one wire)

    def key_of(name: str) -> str:
        key = keys_of.get(name)
        if key is None:
            key = keys_of[name] = outlet_key(aliases.canonical(name))
        return key

    # Outlet key -> the sentences of its mentions by posts citing it.
    by_its_own: dict[str, set[str]] = {}
    for post, found in zip(posts, mentions, strict=True):
        if post.citation is not None and post.citation.outlet and found:
            cited = key_of(post.citation.outlet)
            for m in found:
                if key_of(m.outlet) == cited:
                    by_its_own.setdefault(cited, set()).add(_sentence_key(m.sentence))
    for post, found, credited in zip(posts, mentions, credits, strict=True):
        keys = set()
        for m in found:
            key = key_of(m.outlet)
            if key not in by_its_own or _sentence_key(m.sentence) not in by_its_own[key]:
                keys.add(key)
        keys |= {key_of(c.outlet) for c in credited}
        if post.citation is not None and post.citation.outlet:
            own[post.id] = key_of(post.citation.outlet)
            keys.add(own[post.id])
        if keys:
            named[post.id] = keys
    return own, named
