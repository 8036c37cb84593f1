"""Outlet names: one canonical name per outlet, however a post writes it.

Posts name the same outlet many ways ("DEBKAfile", "Debkafile", "DEBKAfile’s
sources", "The (London) Telegraph", "ODNI"). The graph needs one node per
outlet, so every name goes through :meth:`OutletAliases.canonical`. Known
outlets come from ``provenance/data/outlets.yaml`` (data, not code) and an
optional user alias file that adds to it; unknown names are only cleaned
(place in parentheses, possessive, spacing), and :func:`outlet_key` lets the
graph merge unknown names that differ only in case, "The" or punctuation.

The table also holds each outlet's web domains, so a link can be read as a
credit: :meth:`OutletAliases.by_domain` maps a link's host, or any host
under it (``edition.cnn.com`` -> ``cnn.com``), to its outlet.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from provenance.errors import InputError
from provenance.nfkc import nfkc

__all__ = [
    "EDITION_WORDS",
    "OUTLET_KINDS",
    "OUTLET_WORDS",
    "OutletAliases",
    "OutletInfo",
    "WordRunIndex",
    "builtin_aliases",
    "clean_outlet_name",
    "guess_kind",
    "holds_word_run",
    "load_aliases",
    "looks_like_domain",
    "looks_like_outlet_name",
    "name_alternation",
    "outlet_key",
    "outlet_key_words",
    "word_run_index",
]

OUTLET_KINDS = ("news outlet", "government body", "organisation", "publication")
DEFAULT_KIND = "news outlet"

_PARENTHESISED = re.compile(r"\s*\([^()]*\)")
_POSSESSIVE = re.compile(r"['’]s?$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_NOT_WORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
# A host name: labels of letters, digits and hyphens, the last one (the top-level domain) letters only.
_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", re.IGNORECASE)
_URL_HOST = re.compile(r"^(?:https?://)?(?:www\.)?(?P<host>[^/\s:?#]+)", re.IGNORECASE)


def looks_like_domain(text: str) -> bool:
    """True for a bare host name such as "bbc.co.uk" or "CNN.com" (not "U.S." or "L.A. Times")."""
    return _DOMAIN.fullmatch(text.strip().rstrip(".")) is not None


def domain_of(text: str) -> str | None:
    """The host of a domain or web address in text ("www.BBC.co.uk/news" -> "bbc.co.uk"), else None."""
    match = _URL_HOST.match(text.strip())
    if match is None:
        return None
    host = match.group("host").rstrip(".").casefold()
    return host if looks_like_domain(host) else None


def clean_outlet_name(name: str) -> str:
    """The name as a reader would print it: NFKC, no parenthesised place, no possessive, single spaces.

    "The (London) Telegraph" -> "The Telegraph"; "DEBKAfile’s" -> "DEBKAfile".
    Case and a leading "The" are kept: they are part of how an outlet is
    written, and only :func:`outlet_key` folds them.
    """
    text = nfkc(name)
    text = _PARENTHESISED.sub("", text)
    text = _SPACES.sub(" ", text).strip(" \t,;:-–—")
    text = _POSSESSIVE.sub("", text) if text.endswith(("’s", "'s")) else text
    return text.strip()


#: A site's name written as one word with a capital inside it ("NYTimes", "HuffPost", "WashingtonPost"):
#: how people credit a site by its address without its ".com". A word with no inner capital ("Time",
#: "Vox") is left to the names and aliases: as a site's name it would also be an ordinary word.
_SITE_NAME = re.compile(r"[A-Za-z][a-z0-9]*[A-Z][A-Za-z0-9]*")


def outlet_key(name: str) -> str:
    """The lookup key of an outlet name: two names with the same key are the same outlet.

    Folds case, a leading "The", punctuation (dots vanish so "U.S." = "US"),
    "&" = "and", a parenthesised place and a trailing possessive.
    """
    text = clean_outlet_name(name).replace("&", " and ").replace(".", "")
    text = _NOT_WORD.sub(" ", text.casefold())
    text = _SPACES.sub(" ", text).strip()
    return _LEADING_THE.sub("", text)


@dataclass(frozen=True, slots=True)
class WordRunIndex:
    """Runs of words (names as words) for :func:`holds_word_run`: the one-word runs, and the longer ones
    by their first two words (and their first words alone, for the common text with none of them)."""

    single: frozenset[str] = frozenset()
    firsts: frozenset[str] = frozenset()
    by_pair: Mapping[tuple[str, str], tuple[tuple[str, ...], ...]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.single or self.by_pair)


def word_run_index(runs: Iterable[tuple[str, ...]]) -> WordRunIndex:
    """The runs of words (names as words) indexed for :func:`holds_word_run`."""
    single: set[str] = set()
    by_pair: dict[tuple[str, str], set[tuple[str, ...]]] = {}
    for run in runs:
        if len(run) == 1:
            single.add(run[0])
        elif run:
            by_pair.setdefault((run[0], run[1]), set()).add(run)
    return WordRunIndex(
        frozenset(single),
        frozenset(first for first, _ in by_pair),
        {pair: tuple(sorted(runs_of)) for pair, runs_of in by_pair.items()},
    )


def holds_word_run(words: Sequence[str], index: WordRunIndex) -> bool:
    """Whether ``words`` hold one of the runs of ``index`` at some position (a cheap "names it" test).

    A one-word run is there when its word is; a longer run is looked for
    only where its first two words stand together. Comparing every run at
    each position of its first word ("state" of "State Department" in every
    "Islamic State") was a fifth of the mention stage on a generated dump.
    """
    if not index.single.isdisjoint(words):
        return True
    firsts = index.firsts
    if firsts.isdisjoint(words):  # most texts: no longer run starts anywhere
        return False
    # Only where a first word stands: the set of every pair of neighbouring words cost half again as
    # much on a generated dump's paragraphs (a scratch timing, the same answers).
    for at in range(len(words) - 1):
        if words[at] in firsts:
            runs = index.by_pair.get((words[at], words[at + 1]), ())
            if any(tuple(words[at : at + len(run)]) == run for run in runs):
                return True
    return False


def outlet_key_words(text: str, casefolded_words: list[str] | None = None) -> list[str]:
    """The words of running ``text`` folded as :func:`outlet_key` folds a name.

    The key of a name written in ``text`` without brackets is a run of these
    words ("the U.S. News & World Report’s editors" holds "us news and world
    report"), so a text without that run cannot hold that name.

    ``casefolded_words``, the runs of word characters of ``text.casefold()``
    when the caller has them, are those words already where the text has
    nothing the key folds otherwise: no "&", no full stop but before a space
    or at the end (none joins two words: "U.S."), and nothing NFKC changes.
    Most paragraphs are such, and the mention stage reads each one.
    """
    normalised = nfkc(text)
    if (
        casefolded_words is not None
        and normalised == text
        and "&" not in text
        and text.count(".") == text.count(". ") + text.endswith(".")
    ):
        return casefolded_words
    text = normalised.replace("&", " and ").replace(".", "")
    return _NOT_WORD.sub(" ", text.casefold()).split()


def name_alternation(names: Sequence[str]) -> str:
    """A case-insensitive regex alternation of ``names`` (words joined by any whitespace), in their order.

    Its matches are those of the plain alternation ``name1|name2|...``, but
    it is tried faster: Python's regex engine enters every branch of an
    alternation in turn at each word start, and with hundreds of outlet names
    that was the mention stage's largest regex cost. Here the names are
    grouped by their first character, each group behind a lookahead for it,
    so a group's names are tried only where one of them can start. Names
    whose first characters match each other ignoring case ("s", "S", "ſ")
    share a group; so at any position at most one group can match, and the
    names of a group keep their order: the first name that matches is the
    one the plain alternation takes.
    """
    branches = [r"\s+".join(re.escape(word) for word in name.split()) for name in names]
    if not all(branches):  # a name of spaces only: no first character to group it by
        return "|".join(branches)
    firsts = [name.split()[0][0] for name in names]
    # Each distinct first character's group: the characters alike ignoring case, joined.
    alike: list[str] = []
    for first in dict.fromkeys(firsts):
        joined = [group for group in alike if any(_alike_ignoring_case(first, c) for c in group)]
        alike = [group for group in alike if group not in joined] + [first + "".join(joined)]
    group_of = {c: group for group in alike for c in group}
    members: dict[str, list[str]] = {}  # group -> its names' branches, in order; groups by first name
    for first, branch in zip(firsts, branches, strict=True):
        members.setdefault(group_of[first], []).append(branch)
    return "|".join(
        f"(?=[{''.join(map(re.escape, group))}])(?:{'|'.join(group_branches)})"
        for group, group_branches in members.items()
    )


def _alike_ignoring_case(one: str, other: str) -> bool:
    """Whether two characters match each other in a case-insensitive regex."""
    return bool(
        re.fullmatch(re.escape(one), other, re.IGNORECASE)
        or re.fullmatch(re.escape(other), one, re.IGNORECASE)
    )


# --------------------------------------------------------------------------
# Names found in the text: is it an outlet's or a person's?
# --------------------------------------------------------------------------

# Words that make a capitalised name an outlet's or an institution's (a person's name has none).
_NEWS_WORDS = frozenset(
    {
        "news",
        "newspaper",
        "times",
        "post",
        "press",
        "agency",
        "radio",
        "tv",
        "television",
        "daily",
        "journal",
        "herald",
        "network",
        "channel",
        "broadcasting",
        "broadcast",
        "broadcaster",
        "gazette",
        "tribune",
        "chronicle",
        "observer",
        "guardian",
        "mail",
        "mirror",
        "express",
        "telegraph",
        "standard",
        "record",
        "review",
        "weekly",
        "monthly",
        "quarterly",
        "magazine",
        "wire",
        "newswire",
        "bulletin",
        "courier",
        "sentinel",
        "examiner",
        "inquirer",
        "dispatch",
        "globe",
        "register",
        "reporter",
        "monitor",
        "echo",
        "argus",
        "advertiser",
        "online",
        "blog",
        "media",
        "publishing",
        "publications",
        "books",
    }
)
_GOVERNMENT_WORDS = frozenset(
    {
        "ministry",
        "department",
        "office",
        "bureau",
        "police",
        "constabulary",
        "army",
        "navy",
        "government",
        "parliament",
        "court",
        "embassy",
        "consulate",
        "commission",
        "council",
        "authority",
        "administration",
        "cabinet",
        "senate",
        "congress",
    }
)
_ORGANISATION_WORDS = frozenset(
    {
        "institute",
        "institution",
        "foundation",
        "association",
        "society",
        "federation",
        "union",
        "league",
        "organisation",
        "organization",
        "corporation",
        "company",
        "group",
        "trust",
        "university",
        "college",
        "centre",
        "center",
        "party",
        "palace",
        "inc",
        "ltd",
        "corp",
        "llc",
        "plc",
        "project",
        "campaign",
        "coalition",
        "alliance",
        "watch",
        "fund",
        "bank",
        "initiative",
        "consortium",
        "forum",
        "lab",
        "labs",
        "laboratory",
        "laboratories",
        "academy",
        "museum",
        "library",
        "records",
        "studios",
        "pictures",
        "productions",
        "entertainment",
        "software",
        "systems",
        "technologies",
        "industries",
        "international",
        "hospital",
        "board",
        "service",
        "services",
    }
)
OUTLET_WORDS = _NEWS_WORDS | _GOVERNMENT_WORDS | _ORGANISATION_WORDS
#: Words that name a service, an edition or a medium of an outlet after its name ("BBC World
#: Service", "AP News", "Al Jazeera English"): with only these after it, a name is that outlet's.
EDITION_WORDS = frozenset(
    {
        "news",
        "online",
        "com",
        "web",
        "website",
        "digital",
        "edition",
        "english",
        "world",
        "international",
        "service",
        "radio",
        "tv",
        "television",
        "channel",
        "network",
        "magazine",
        "newspaper",
        "agency",
        "wire",
        "newswire",
    }
)


def name_words(name: str) -> list[str]:
    """The words of a name, casefolded, "&" and dots inside words (U.S.) kept."""
    return [w.casefold().strip(".") for w in name.split() if w.strip(".")]


def looks_like_outlet_name(name: str) -> bool:
    """Whether a capitalised name found in the text is an outlet's or a body's rather than a person's.

    The rule, for precision over recall: the name holds an outlet or
    institution word (:data:`OUTLET_WORDS`: News, Times, Post, Agency, Radio,
    Ministry, Institute, Foundation…) and is not that word alone ("Police",
    "Government" are generic); or it is written as a web domain ("Linux.com").
    "John Smith", "Madonna", "Sony" and initials ("EFF", "ISIS", "MP") pass
    neither: such a name counts only when the corpus vouches for it elsewhere,
    as a credit or as a link to its own site (see
    :func:`provenance.credits.vouched_names`).
    """
    words = [word for word in name_words(name) if word != "the"]
    if not words:
        return False
    if looks_like_domain(name):
        return True
    if words[-1] in _PLACE_WORDS:
        return False  # "Times Square", "Tribune Tower", "Fleet Street": a place named after a paper
    return len(words) > 1 and any(word in OUTLET_WORDS for word in words)


#: Last words that make a name a place, whatever outlet word it holds.
_PLACE_WORDS = frozenset(
    {
        "square",
        "street",
        "avenue",
        "road",
        "tower",
        "towers",
        "bridge",
        "plaza",
        "station",
        "park",
        "universe",
    }
)


def guess_kind(name: str) -> str:
    """The kind of an outlet found in the text, from its words (news outlet when nothing says otherwise)."""
    words = set(name_words(name))
    if words & _NEWS_WORDS:
        return DEFAULT_KIND
    if words & _GOVERNMENT_WORDS:
        return "government body"
    if words & _ORGANISATION_WORDS:
        return "organisation"
    return DEFAULT_KIND


@dataclass(frozen=True, slots=True)
class OutletInfo:
    """One known outlet: its canonical name, kind, other names, context-bound short forms and web domains.

    ``needs_the``: its one-word names are ordinary words ("Sun", "Mirror") and
    only name the outlet with "the" before them (see :mod:`provenance.attribution`).
    """

    name: str
    kind: str = DEFAULT_KIND
    aliases: tuple[str, ...] = ()
    short: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    needs_the: bool = False

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def all_domains(self) -> tuple[str, ...]:
        """Its domains, and its aliases written as domains ("nytimes.com"), lower-cased, without "www."."""
        found = [d for d in (domain_of(text) for text in (*self.domains, *self.aliases)) if d]
        return tuple(dict.fromkeys(d.removeprefix("www.") for d in found))


@dataclass(slots=True)
class OutletAliases:
    """Canonical outlet names, built from known outlets; later entries override earlier ones.

    Build it with :func:`load_aliases`. ``entries`` are kept in order so the
    gazetteer regex (see :mod:`provenance.attribution`) is deterministic.
    """

    entries: tuple[OutletInfo, ...] = ()
    _by_key: dict[str, OutletInfo] = field(default_factory=dict, init=False, repr=False)
    _by_domain: dict[str, OutletInfo] = field(default_factory=dict, init=False, repr=False)
    # The first label of each domain ("nytimes" of nytimes.com), for a name written as its site's.
    _by_site_name: dict[str, OutletInfo] = field(default_factory=dict, init=False, repr=False)
    # Compiled on first use by name_pattern(): one regex over hundreds of names is worth keeping.
    _pattern: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)
    _name_index: WordRunIndex | None = field(default=None, init=False, repr=False, compare=False)
    _short_forms: dict[str, tuple[OutletInfo, ...]] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _short_words: tuple[str, ...] | None = field(default=None, init=False, repr=False, compare=False)
    _words_of_names: frozenset[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for entry in self.entries:
            for alias in entry.names():
                key = outlet_key(alias)
                if key:
                    self._by_key[key] = entry
            for domain in entry.all_domains():
                self._by_domain[domain] = entry
                self._by_site_name.setdefault(domain.split(".", 1)[0], entry)

    def lookup(self, name: str) -> OutletInfo | None:
        """The known outlet ``name`` stands for (a name, an alias, one of its domains, one of its
        services or editions, or its site's name written as one word), or None."""
        key = outlet_key(name)
        found = self._by_key.get(key)
        if found is None and "." in name:
            domain = domain_of(name)
            found = self.by_domain(domain) if domain else None
        if found is None and _SITE_NAME.fullmatch(name.strip()):
            found = self._by_site_name.get(name.strip().casefold())
        return found if found is not None else self._edition_of(key)

    def _edition_of(self, key: str) -> OutletInfo | None:
        """The known outlet whose name opens ``key`` when every word after it names a service or edition.

        "BBC World Service", "BBC News Online", "New York Times Magazine" and
        "Reuters News Agency" are those outlets: a copy crediting one credits
        the outlet its source cites as "BBC" or "The New York Times", and a post
        citing one cites it. A one-word name that is an ordinary word
        (``needs_the``: "Sun", "Express", "Times") does not open a longer name
        this way: "Sun News" and "Express Tribune" are other outlets.
        """
        words = key.split()
        for size in range(len(words) - 1, 0, -1):
            if not all(word in EDITION_WORDS or word.isdigit() for word in words[size:]):
                break
            found = self._by_key.get(" ".join(words[:size]))
            if found is not None and not (found.needs_the and size == 1):
                return found
        return None

    def by_domain(self, domain: str) -> OutletInfo | None:
        """The outlet whose site ``domain`` is, itself or under one of its domains; None for another site.

        "edition.cnn.com" -> CNN, "news.bbc.co.uk" -> BBC; the longest listed
        domain wins ("abcnews.go.com" is ABC News, not whatever "go.com" is).
        """
        host = domain.casefold().rstrip(".").removeprefix("www.")
        while host:
            found = self._by_domain.get(host)
            if found is not None:
                return found
            _, dot, host = host.partition(".")
            if not dot or "." not in host:  # a top-level domain alone ("uk", "co.uk" stays) is no site
                break
        return None

    def canonical(self, name: str) -> str:
        """The canonical name of the outlet ``name`` stands for; unknown names are only cleaned."""
        info = self.lookup(name)
        return info.name if info else clean_outlet_name(name)

    def kind(self, name: str) -> str:
        """news outlet, government body, organisation or publication (unknown outlets: from their words)."""
        info = self.lookup(name)
        return info.kind if info else guess_kind(name)

    def known(self, name: str) -> bool:
        return self.lookup(name) is not None

    def gazetteer(self) -> list[tuple[str, OutletInfo]]:
        """Every (name or alias, outlet) pair still in force, longest name first, for text search."""
        live = [
            (alias, entry)
            for entry in self.entries
            for alias in entry.names()
            if self._by_key.get(outlet_key(alias)) is entry
        ]
        return sorted(set(live), key=lambda item: (-len(item[0]), item[0], item[1].name))

    def made_ready(self) -> OutletAliases:
        """This table, with every lookup it makes on first use made now; returns itself.

        Called before worker processes are forked to read posts with it: they
        then inherit the compiled pattern and the indexes instead of each
        making its own.
        """
        self.name_pattern()
        self.name_index()
        self.words_of_names()
        self.short_forms()
        self.short_words()
        return self

    def name_pattern(self) -> re.Pattern[str]:
        """A regex finding any known name in running text, longest first, case-insensitive.

        A leading "the" and a parenthesised place after it ("The (London)
        Telegraph") are part of the match; the name itself is group ``name``.
        """
        if self._pattern is None:
            bare_names = {
                _LEADING_THE.sub("", clean_outlet_name(alias)) for alias, _entry in self.gazetteer()
            }
            # Longest first, because the regex takes the first alternative that matches.
            ordered = sorted((b for b in bare_names if b), key=lambda b: (-len(b), b))
            names = name_alternation(ordered)
            self._pattern = re.compile(
                rf"(?<!\w)(?:the\s+(?:\([^()\n]{{1,30}}\)\s+)?)?(?P<name>{names})(?!\w)", re.IGNORECASE
            )
        return self._pattern

    def _name_runs(self) -> Iterator[tuple[str, ...]]:
        """Each known name as its words, casefolded, without a leading "the"."""
        for alias, _entry in self.gazetteer():
            yield tuple(_WORD.findall(_LEADING_THE.sub("", clean_outlet_name(alias)).casefold()))

    def name_index(self) -> WordRunIndex:
        """The word sequences of known names, casefolded, indexed: a cheap test for "names an outlet"."""
        if self._name_index is None:
            self._name_index = word_run_index(self._name_runs())
        return self._name_index

    def words_of_names(self) -> frozenset[str]:
        """Every word of a known name, casefolded ("times", "india", "herald"): what another outlet's
        name may go on with after one of them ("The Times Herald" is no edition of The Times)."""
        if self._words_of_names is None:
            self._words_of_names = frozenset(word for run in self._name_runs() for word in run)
        return self._words_of_names

    def mentions_a_name(self, text: str, words: list[str] | None = None) -> bool:
        """Whether ``text`` contains the words of any known name (case-insensitive, punctuation ignored).

        ``words``: the words of ``text`` casefolded, when the caller has them already.
        """
        return holds_word_run(_WORD.findall(text.casefold()) if words is None else words, self.name_index())

    def short_forms(self) -> dict[str, tuple[OutletInfo, ...]]:
        """Short-form key ("post") -> the outlets it may stand for, in entry order: those declaring it
        (``short``), then the outlet whose own name it is, if another ("times": The New York Times, the Los
        Angeles Times, then The Times of London, named "The Times")."""
        if self._short_forms is not None:
            return self._short_forms
        forms: dict[str, list[OutletInfo]] = {}
        for entry in self.entries:
            if self._by_key.get(outlet_key(entry.name)) is not entry:
                continue
            for short in entry.short:
                forms.setdefault(outlet_key(short), []).append(entry)
        for key, declaring in forms.items():
            own = self._by_key.get(key)
            if own is not None and own not in declaring:
                declaring.append(own)
        self._short_forms = {key: tuple(entries) for key, entries in forms.items()}
        return self._short_forms

    def short_words(self) -> tuple[str, ...]:
        """Every short form as written after "the" ("Post", "Bureau"), sorted: what "the Post" looks for.

        Made once: the mention stage scans each post with it.
        """
        if self._short_words is None:
            words = {_LEADING_THE.sub("", short) for entry in self.entries for short in entry.short}
            self._short_words = tuple(sorted(words))
        return self._short_words

    def overridden_by(self, user: Iterable[OutletInfo]) -> OutletAliases:
        """These aliases with ``user`` entries on top.

        A user entry that claims any name of a built-in outlet takes the whole
        built-in outlet over (its other aliases and short forms now lead to the
        user's name), so overriding one spelling never splits an outlet in two.
        """
        merged: list[OutletInfo] = []
        user_entries = list(user)
        claimed: dict[str, OutletInfo] = {}
        for entry in user_entries:
            for alias in entry.names():
                # The name itself, not an edition of it: "CNN International" in the file is an outlet of
                # its own, which leaves CNN as it is.
                builtin = self._by_key.get(outlet_key(alias))
                domain = domain_of(alias) if builtin is None and "." in alias else None
                if domain is not None:
                    builtin = self.by_domain(domain)
                if builtin is not None:
                    claimed[builtin.name] = entry
            for domain in entry.all_domains():
                builtin = self._by_domain.get(domain)
                if builtin is not None:
                    claimed[builtin.name] = entry
        absorbed: dict[str, list[OutletInfo]] = {}
        for entry in self.entries:
            owner = claimed.get(entry.name)
            if owner is None:
                merged.append(entry)
            else:
                absorbed.setdefault(owner.name, []).append(entry)
        for entry in user_entries:
            taken = absorbed.get(entry.name, [])
            aliases = [a for old in taken for a in old.names()] + list(entry.aliases)
            shorts = [s for old in taken for s in old.short] + list(entry.short)
            domains = [d for old in taken for d in old.domains] + list(entry.domains)
            merged.append(
                OutletInfo(
                    name=entry.name,
                    kind=entry.kind,
                    aliases=tuple(dict.fromkeys(a for a in aliases if a != entry.name)),
                    short=tuple(dict.fromkeys(shorts)),
                    domains=tuple(dict.fromkeys(domains)),
                    needs_the=entry.needs_the or any(old.needs_the for old in taken),
                )
            )
        return OutletAliases(tuple(merged))


def _entry_from_mapping(item: Mapping[str, Any], where: str) -> OutletInfo:
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"outlet entry without a name: {dict(item)!r}", where)
    kind = item.get("kind") or DEFAULT_KIND
    if kind not in OUTLET_KINDS:
        raise InputError(f"outlet {name!r}: kind {kind!r} is not one of {', '.join(OUTLET_KINDS)}", where)
    aliases = item.get("aliases") or []
    short = item.get("short") or []
    domains = item.get("domains") or []
    if isinstance(aliases, str):
        aliases = [aliases]
    if isinstance(short, str):
        short = [short]
    if isinstance(domains, str):
        domains = [domains]
    if not all(isinstance(a, str) for a in [*aliases, *short, *domains]):
        raise InputError(f"outlet {name!r}: aliases, short forms and domains must be strings", where)
    bad = [d for d in domains if domain_of(d) is None]
    if bad:
        raise InputError(f"outlet {name!r}: {bad[0]!r} is not a domain (like bbc.co.uk)", where)
    needs_the = item.get("needs_the", False)
    if not isinstance(needs_the, bool):
        raise InputError(f"outlet {name!r}: needs_the must be true or false", where)
    return OutletInfo(
        name.strip(),
        kind,
        tuple(a.strip() for a in aliases),
        tuple(s.strip() for s in short),
        tuple(d.strip() for d in domains),
        needs_the,
    )


def _entries_from_yaml(data: Any, where: str) -> list[OutletInfo]:
    """Two shapes: ``outlets: [{name, kind, aliases, short, domains, needs_the}]`` or ``alias: canonical``."""
    if isinstance(data, Mapping) and "outlets" in data:
        items = data["outlets"]
        if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
            raise InputError("'outlets' must be a list of {name, kind, aliases, short}", where)
        return [_entry_from_mapping(item, where) for item in items]
    if isinstance(data, list) and all(isinstance(i, Mapping) for i in data):
        return [_entry_from_mapping(item, where) for item in data]
    if isinstance(data, Mapping):
        grouped: dict[str, list[str]] = {}
        for alias, canonical in data.items():
            if not isinstance(alias, str) or not isinstance(canonical, str):
                raise InputError(f"alias mapping must be text -> text, got {alias!r}: {canonical!r}", where)
            grouped.setdefault(canonical.strip(), []).append(alias.strip())
        return [OutletInfo(name, aliases=tuple(aliases)) for name, aliases in grouped.items()]
    raise InputError("alias file must hold 'outlets: [...]' or an 'alias: canonical' mapping", where)


def _entries_from_csv(text: str, where: str) -> list[OutletInfo]:
    """Rows ``alias,canonical[,kind]``; a first row naming those columns is a header."""
    rows = [row for row in csv.reader(text.splitlines()) if any(cell.strip() for cell in row)]
    if rows and [c.strip().casefold() for c in rows[0][:2]] == ["alias", "canonical"]:
        rows = rows[1:]
    grouped: dict[str, tuple[str, list[str]]] = {}
    for number, row in enumerate(rows, start=1):
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise InputError(f"row {number}: expected alias,canonical[,kind], got {row!r}", where)
        alias, canonical = row[0].strip(), row[1].strip()
        kind = row[2].strip() if len(row) > 2 and row[2].strip() else DEFAULT_KIND
        if kind not in OUTLET_KINDS:
            raise InputError(f"row {number}: kind {kind!r} is not one of {', '.join(OUTLET_KINDS)}", where)
        previous_kind, aliases = grouped.setdefault(canonical, (kind, []))
        if kind != DEFAULT_KIND and previous_kind == DEFAULT_KIND:
            grouped[canonical] = (kind, aliases)
        aliases.append(alias)
    return [OutletInfo(name, kind, tuple(aliases)) for name, (kind, aliases) in grouped.items()]


def _yaml_problem(error: yaml.YAMLError) -> str:
    """PyYAML's error in one line ("line 3, column 5: mapping values are not allowed here").

    Its own text spans several lines (the context, the problem, a caret under
    the text), which a terminal shows as one line full of escaped newlines.
    """
    problem = getattr(error, "problem", None)
    mark = getattr(error, "problem_mark", None)
    if problem is None:
        return " ".join(str(error).split())
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return f"{where}{problem}"


def read_alias_file(path: str | Path) -> list[OutletInfo]:
    """The outlet entries of a user alias file, YAML (``.yaml``/``.yml``) or CSV (anything else)."""
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read alias file: {error}", where) from error
    if Path(path).suffix.casefold() in (".yaml", ".yml"):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise InputError(f"alias file is not valid YAML: {_yaml_problem(error)}", where) from error
        except ValueError as error:  # a value PyYAML's resolver takes for a date or time and cannot make one
            raise InputError(
                f"alias file has a value that is not a valid date or number: {error}", where
            ) from error
        return _entries_from_yaml(data or {}, where)
    return _entries_from_csv(text, where)


@cache
def builtin_aliases() -> OutletAliases:
    """The gazetteer shipped in ``provenance/data/outlets.yaml`` (read once per process)."""
    text = resources.files("provenance").joinpath("data/outlets.yaml").read_text(encoding="utf-8")
    return OutletAliases(tuple(_entries_from_yaml(yaml.safe_load(text), "provenance/data/outlets.yaml")))


def load_aliases(path: str | None) -> OutletAliases:
    """The built-in outlet list, overridden by the user alias file at ``path`` when given."""
    builtin = builtin_aliases()
    if path is None:
        return builtin
    return builtin.overridden_by(read_alias_file(path))
