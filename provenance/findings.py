"""Claims against evidence: what each post says about its text that the dump contradicts.

A post claims things about its text: the outlet, author and date its
citation line names, the outlets its credit lines and attributions name, the
articles its editor's notes point to. The earlier stages found what the dump
shows: which post's text came first (``reuse.sources`` with ``decided_by``),
what each copy changed (``pairs[].edits``) and whom it credits
(``reuse.credit``). A finding is a place where the two disagree, with the
evidence a reader needs to check it and a severity that says how much it
matters:

``misattribution``
    a post credits outlet A while the text it borrows first appears in the dump
    under outlet B, which it does not credit (high when that text is most of
    the post, medium otherwise, low when the direction is only guessed);
``date_inversion``
    a source dated after its copy (the direction came from a credit or a
    declaration, and the dates say the opposite), or two posts claiming the
    same article (outlet and title) under two dates where the one claiming the
    later date carries text the other printed earlier (medium);
``same_claim_different_text``
    two posts citing the same outlet, title and date whose shared text differs
    beyond formatting: high with substantive edits (numbers, dates, names,
    negation, hedges, quotes), medium with only dropped, added or reworded text;
``substantive_edit_without_notice``
    a copy that credits its source but changes numbers, dates, names,
    negation, hedges or quotes in the credited text, with no editor's note or
    "updated"/"corrected" notice (high);
``dangling_reference``
    an editor's note that points to an article ("please see ...") the dump
    does not hold (low: the dump is incomplete, or the note is stale);
``self_plagiarism`` / ``syndication``
    the same author's text under two outlets: ``syndication`` (low) when the
    later one credits the first outlet, ``self_plagiarism`` (medium) when it
    does not; told apart from an ordinary uncredited copy by the shared author.
``disguised_copy``
    a post that carries another post's text with words disguised: letters
    swapped for look-alikes of another script ("Rеuters" with a Cyrillic е), or
    characters no reader sees put into them (a zero-width space), where the
    other post's words have none. The post claims, by its characters, that the
    text is not the other's: a reader sees the same words, while search engines
    and plagiarism checkers that compare characters see other ones. The
    duplicate stage reads through both (``disguise`` edits); this names the
    post that hides. High with look-alike letters, or characters no reader sees
    in two words or more; medium with one such word (a stray character a
    copy-and-paste can carry); low with soft hyphens only where a hyphenation
    library could put them (some sites do, for line breaks), two letters or
    more on either side. Who copied whom does not enter: the text that hides
    is the one disguised, whichever came first.
``disguised_text``
    a post whose words disguise themselves where the dump holds no plain
    version of them, the common case when the text was copied from a site
    outside the dump: Latin words with a look-alike letter of another script,
    or with a character no reader sees between two letters
    (:func:`provenance.invisible.disguised_words`). Medium with three such
    words or more; low with one or two (a writer's keyboard left on Cyrillic
    for a letter, a stray character).

Formatting-only differences (case, punctuation, quote style, whitespace)
never make a finding. Findings are sorted by severity, then by the posts'
input order, so the same dump gives the same list.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from provenance.bidi import isolated_bidi
from provenance.config import AuditConfig
from provenance.dedup.order import GUESSES
from provenance.graph.nodes import title_key
from provenance.graph.notes import parse_note
from provenance.invisible import (
    SOFT_HYPHEN,
    disguised_words,
    hidden_characters,
    misplaced_soft_hyphen,
    visible,
)
from provenance.models import (
    Credit,
    DedupResult,
    Edit,
    Edits,
    Finding,
    FindingEvidence,
    Pair,
    ParagraphRef,
    Post,
    PostReuse,
    Severity,
)
from provenance.reuse_credit import CopiedParagraphs, OutletNames

__all__ = ["SEVERITIES", "find_findings"]

SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low")

#: Words in a copy that tell the reader its text was changed on purpose.
_NOTICE = re.compile(
    r"\b(?:updated?|correct(?:ed|ion)|editor[’']?s\s+note|edited|amended|clarification)\b", re.IGNORECASE
)
#: Directions the dates decided: a source ordered by them is never dated after its copy, though its date as
#: written may be the next day's (01:00 in Tokyo, +09:00, is 20:00 of the day before in New York, -04:00).
_BY_DATES = frozenset({"citation_date", "post_date", "post_time"})
#: A paragraph this short left out of one version is not "different text" (captions, bylines).
_MIN_UNMATCHED_WORDS = 5


def _authors(post: Post) -> set[str]:
    if post.citation is None:
        return set()
    return {" ".join(a.casefold().split()) for a in post.citation.authors}


def _first_date(post: Post) -> object:
    if post.citation and post.citation.date:
        return post.citation.date
    return post.date


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _named(value: object) -> str:
    """A post id, outlet or author from the dump as a summary names it: set apart from the summary's words.

    An override left open in an outlet's name ran on through the rest of the
    summary, its own words and dates drawn backwards; a Hebrew or Arabic name
    took the comma and date after it into its right-to-left run.
    """
    return isolated_bidi(str(value))


def _quoted(text: str) -> str:
    return f"“{_named(' '.join(text.split()))}”" if text.strip() else "(nothing)"


def _edit_text(edit: Edit) -> str:
    return f"{edit.kind}: {_quoted(edit.a_text)} -> {_quoted(edit.b_text)}"


def _paragraph_line(post: Post, index: int) -> int | None:
    if 0 <= index < len(post.paragraphs):
        return post.paragraphs[index].line
    return None


def _copy_side(pair: Pair) -> ParagraphRef | None:
    """The paragraph of the pair that copies the other; None when nothing decided which."""
    return pair.b if pair.source == "a" else pair.a if pair.source == "b" else None


def _copy_side_edits(pair: Pair, copy_post: str) -> Sequence[Edit]:
    """The pair's edits when they read from the other post to ``copy_post`` (else none: the other changed)."""
    copy_side = _copy_side(pair)
    return pair.edits if copy_side is not None and copy_side.post == copy_post else ()


def _disguises(edits: Sequence[Edit]) -> Sequence[Edit]:
    """The ``disguise`` edits (packed edits are looked through by their kinds' codes, without records)."""
    if isinstance(edits, Edits):
        return edits.of_kind("disguise")
    return [edit for edit in edits if edit.kind == "disguise"]


def _unseen(word: str, other: str) -> list[tuple[str, str | None]]:
    """What ``word`` hides that ``other`` (the same word, as the other post writes it) does not."""
    hidden = hidden_characters(word)
    if not hidden:
        return []
    theirs = Counter(hidden_characters(other))
    extra = []
    for found in hidden:
        if theirs[found] > 0:
            theirs[found] -= 1
        else:
            extra.append(found)
    return extra


def _what_hides(hidden: Sequence[tuple[str, str | None]]) -> str:
    """What disguised words hide, in words: the look-alike letters, then the characters no reader sees."""
    alike = list(dict.fromkeys((char, latin) for char, latin in hidden if latin is not None))
    unseen = list(dict.fromkeys(char for char, latin in hidden if latin is None))
    what = []
    if alike:
        shown = ", ".join(_hidden_label(char, latin) for char, latin in alike[:3])
        more = ", …" if len(alike) > 3 else ""
        what.append(f"letters swapped for look-alikes of another script ({shown}{more})")
    if unseen:
        shown = ", ".join(_hidden_label(char, None) for char in unseen[:3])
        more = ", …" if len(unseen) > 3 else ""
        what.append(f"characters no reader sees put into them ({shown}{more})")
    return " and ".join(what)


#: Disguised words a post holds, with no plain version in the dump, from which its disguise is no slip: one
#: or two can be a writer's keyboard layout left on Cyrillic for a letter ("Mоscow") or a stray character.
_MANY_DISGUISED_WORDS = 3


def _hidden_label(char: str, latin: str | None) -> str:
    """A hidden character as a finding names it: "Cyrillic е (U+0435) for e", "zero width space (U+200B)"."""
    code = f"U+{ord(char):04X}"
    if latin is None:
        return f"{unicodedata.name(char, code).lower()} ({code})"
    script = unicodedata.name(char, "").split(" ")[0].capitalize() or "Another script's"
    return f"{script} {char} ({code}) for {latin}"


@dataclass
class _Disguised:
    """One post's disguised words: where they are, what they hide, and the posts that write them plain."""

    words: dict[tuple[int, int], tuple[str, list[tuple[str, str | None]]]] = field(default_factory=dict)
    other_posts: set[str] = field(default_factory=set)  # the posts whose words these disguise


class _Finder:
    def __init__(
        self,
        posts: Sequence[Post],
        reuse: Mapping[str, PostReuse],
        pairs: Sequence[Pair],
        copied: CopiedParagraphs,
        names: OutletNames,
        config: AuditConfig,
    ) -> None:
        self.posts = posts
        self.by_id = {post.id: post for post in posts}
        self.order = {post.id: i for i, post in enumerate(posts)}
        self.reuse = reuse
        self.copied = copied
        self.names = names
        self.config = config
        # Every post each copy takes paragraphs from, its reuse.sources or not: a wire's second version
        # of one day lends no words when the first is read first, yet the copy may carry its text.
        self.copied_from: dict[str, list[str]] = defaultdict(list)
        for copy_id, source_id in copied:
            self.copied_from[copy_id].append(source_id)
        self.between: dict[tuple[str, str], list[Pair]] = defaultdict(list)
        for pair in pairs:
            if not pair.inside_post:
                a, b = sorted((pair.a.post, pair.b.post))
                self.between[(a, b)].append(pair)

    # -- what posts claim -------------------------------------------------------

    def cited(self, post: Post) -> str | None:
        if post.citation and post.citation.outlet:
            return self.names.key(post.citation.outlet)
        return None

    def claimed_outlets(self, post: Post, credited_by: Mapping[str, set[str]]) -> set[str]:
        keys = set(credited_by.get(post.id, ()))
        cited = self.cited(post)
        if cited:
            keys.add(cited)
        return keys

    def citation_evidence(self, post: Post) -> FindingEvidence:
        citation = post.citation
        text = (citation.raw if citation else "") or f"cites {citation.outlet if citation else '(nothing)'}"
        return FindingEvidence(post.id, None, (citation.line if citation else 0) or None, text)

    # -- the findings -------------------------------------------------------------

    def misattributions(self, credited_by: Mapping[str, set[str]]) -> Iterator[Finding]:
        for copy in self.posts:
            reuse = self.reuse.get(copy.id)
            if reuse is None or reuse.credit is None:
                continue
            claimed = self.claimed_outlets(copy, credited_by)
            if not claimed:
                continue  # an uncredited copy, shown in reuse.credit; it claims nothing false
            decided = {s.post: s for s in reuse.sources}
            # Crediting the outlet of any of its sources is no misattribution of the others' text.
            for entry in reuse.credit.by:
                if entry.how != "none" or entry.outlet is None:
                    continue
                source = self.by_id[entry.source]
                source_reuse = decided.get(entry.source)
                if source_reuse is None or source_reuse.decided_by == "undecided":
                    continue
                if _authors(copy) & _authors(source):
                    continue  # the author's own text under two outlets: self_plagiarism or syndication
                if entry.share >= self.config.wholly:
                    severity: Severity = "high"
                elif entry.share >= self.config.partially:
                    severity = "medium"
                else:
                    severity = "low"
                guessed = source_reuse.decided_by in GUESSES
                if guessed:
                    severity = "low"
                shown = ", ".join(sorted(_named(self.names.name(k)) for k in claimed))
                summary = (
                    f"{_named(copy.id)} names {shown} as its source, but {entry.share:.0%} of its words "
                    f"first appear in the dump under {_named(entry.outlet)} "
                    f"({_named(source.id)}, {_first_date(source) or 'undated'}), "
                    f"which it does not credit"
                    + (f"; which came first is only guessed ({source_reuse.decided_by})" if guessed else "")
                )
                evidence = [self.citation_evidence(copy)] if self.cited(copy) else []
                evidence += self._copied_evidence(copy, source)
                yield Finding("misattribution", severity, (copy.id, source.id), summary, tuple(evidence))

    def _copied_evidence(self, copy: Post, source: Post, limit: int = 3) -> list[FindingEvidence]:
        found = []
        for index, pair in self.copied.get((copy.id, source.id), [])[:limit]:
            side = pair.a if pair.a.post == source.id else pair.b
            text = source.paragraphs[side.paragraph].text if side.paragraph < len(source.paragraphs) else ""
            found.append(
                FindingEvidence(
                    source.id, side.paragraph, _paragraph_line(source, side.paragraph), text[:200]
                )
            )
            found.append(
                FindingEvidence(
                    copy.id, index, _paragraph_line(copy, index), copy.paragraphs[index].text[:200]
                )
            )
        return found

    def date_inversions(self) -> Iterator[Finding]:
        for copy in self.posts:
            reuse = self.reuse.get(copy.id)
            if reuse is None:
                continue
            for source_reuse in reuse.sources:
                if source_reuse.decided_by in _BY_DATES:
                    continue  # the dates put the source first (in UTC where they give a zone)
                source = self.by_id[source_reuse.post]
                source_date, copy_date = _first_date(source), _first_date(copy)
                if source_date is None or copy_date is None:
                    continue
                if source_date > copy_date:  # type: ignore[operator]
                    yield Finding(
                        "date_inversion",
                        "medium",
                        (copy.id, source.id),
                        f"{_named(source.id)} is the source of {_named(copy.id)} "
                        f"by {source_reuse.decided_by}, "
                        f"but is dated {source_date}, after its copy ({copy_date})",
                        (self.citation_evidence(source), self.citation_evidence(copy)),
                    )
        # The same article (outlet and title) claimed under two dates, the later one carrying earlier text.
        for group in self._same_article(with_date=False):
            for first, other in itertools.pairwise(group):
                for earlier, later in ((first, other), (other, first)):
                    when_earlier, when_later = _first_date(earlier), _first_date(later)
                    if when_earlier is None or when_later is None or not when_earlier < when_later:  # type: ignore[operator]
                        continue
                    if (later.id, earlier.id) not in self.copied:
                        continue
                    yield Finding(
                        "date_inversion",
                        "medium",
                        (later.id, earlier.id),
                        f"{_named(later.id)} dates {self._article(later)} {when_later}, "
                        f"but {_named(earlier.id)} carries "
                        f"its text under the same outlet and title on {when_earlier}",
                        (self.citation_evidence(later), self.citation_evidence(earlier)),
                    )

    def _article(self, post: Post) -> str:
        citation = post.citation
        assert citation is not None
        return f"{_named(citation.outlet)}'s {_quoted(citation.title or '')}"

    def _same_article(self, with_date: bool) -> Iterator[list[Post]]:
        groups: dict[tuple[str, str, object], list[Post]] = defaultdict(list)
        for post in self.posts:
            citation = post.citation
            outlet = self.cited(post)
            if citation is None or outlet is None or not citation.title:
                continue
            if with_date and citation.date is None:
                continue
            groups[(outlet, title_key(citation.title), citation.date if with_date else None)].append(post)
        for members in groups.values():
            if len(members) > 1:
                # Earliest first; each compared with the next keeps a large group linear.
                yield sorted(members, key=lambda p: (str(_first_date(p) or ""), self.order[p.id]))

    def same_claims(self) -> Iterator[Finding]:
        for group in self._same_article(with_date=True):
            for first, other in itertools.pairwise(group):
                pairs = self.between.get(tuple(sorted((first.id, other.id))), [])  # type: ignore[arg-type]
                if not pairs:
                    continue  # nothing shared: two articles under one generic title, not two versions
                changed: list[tuple[Post, int, Edit]] = []
                matched: dict[str, set[int]] = {first.id: set(), other.id: set()}
                for pair in pairs:
                    matched[pair.a.post].add(pair.a.paragraph)
                    matched[pair.b.post].add(pair.b.paragraph)
                    copy_ref = _copy_side(pair)
                    if copy_ref is None:
                        continue
                    copy_post = self.by_id[copy_ref.post]
                    changed += [
                        (copy_post, copy_ref.paragraph, e) for e in pair.edits if e.group != "formatting"
                    ]
                unmatched = [
                    (post, p.index)
                    for post in (first, other)
                    for p in post.paragraphs
                    if p.index not in matched[post.id] and len(p.text.split()) >= _MIN_UNMATCHED_WORDS
                ]
                if not changed and not unmatched:
                    continue
                substantive = [c for c in changed if c[2].group == "substantive"]
                severity: Severity = "high" if substantive else "medium"
                shown = (substantive or changed)[:5]
                who = sorted({post.id for post, _, _ in shown} | {post.id for post, _ in unmatched[:1]})
                summary = (
                    f"{_named(first.id)} and {_named(other.id)} both cite {self._article(first)} "
                    f"of {first.citation.date} "  # type: ignore[union-attr]
                    f"but their texts differ: "
                    + (
                        _count(len(substantive), "substantive edit")
                        if substantive
                        else _count(len(changed), "edit")
                    )
                    + (f", {_count(len(unmatched), 'paragraph')} in one only" if unmatched else "")
                    + f" (changed in {', '.join(map(_named, who))})"
                )
                evidence = [self.citation_evidence(first), self.citation_evidence(other)]
                evidence += [
                    FindingEvidence(post.id, index, _paragraph_line(post, index), _edit_text(edit))
                    for post, index, edit in shown
                ]
                evidence += [
                    FindingEvidence(
                        post.id, index, _paragraph_line(post, index), post.paragraphs[index].text[:200]
                    )
                    for post, index in unmatched[:3]
                ]
                yield Finding(
                    "same_claim_different_text", severity, (first.id, other.id), summary, tuple(evidence)
                )

    def has_notice(self, post: Post) -> bool:
        if any(note.role == "editor_note" for note in post.notes):
            return True
        return any(_NOTICE.search(p.text) for p in post.paragraphs)

    def unnoticed_edits(self) -> Iterator[Finding]:
        for copy in self.posts:
            reuse = self.reuse.get(copy.id)
            if reuse is None or reuse.credit is None:
                continue
            # A paragraph that some earlier post carries without a substantive change copies that one
            # faithfully: its differences from another version are not this copy's edits.
            faithful = {
                index
                for source_id in self.copied_from.get(copy.id, ())
                for index, pair in self.copied[(copy.id, source_id)]
                if not any(e.group == "substantive" for e in _copy_side_edits(pair, copy.id))
            }
            for entry in reuse.credit.by:
                if not entry.credited or entry.how in ("quotation", "same_site"):
                    continue  # a site revising its own text owes no notice to itself
                source = self.by_id[entry.source]
                edits = [
                    (index, edit)
                    for index, pair in self.copied.get((copy.id, source.id), [])
                    if index not in faithful
                    for edit in _copy_side_edits(pair, copy.id)
                    if edit.group == "substantive"
                ]
                if not edits or self.has_notice(copy):
                    continue
                kinds = sorted({edit.kind for _, edit in edits})
                # Both under one outlet, the later may be that outlet's own revision (a wire's "sub"
                # version): still unannounced, but not a copy passing off changed words as its source's.
                own = self.cited(copy) is not None and self.cited(copy) == self.cited(source)
                yield Finding(
                    "substantive_edit_without_notice",
                    "medium" if own else "high",
                    (copy.id, source.id),
                    f"{_named(copy.id)} credits its source "
                    f"({entry.how}: {_named(entry.outlet or source.id)}) but changes "
                    f"{', '.join(kinds)} in the credited text ({_count(len(edits), 'edit')}) "
                    "without a notice",
                    tuple(
                        FindingEvidence(copy.id, index, _paragraph_line(copy, index), _edit_text(edit))
                        for index, edit in edits[:5]
                    ),
                )

    def dangling_references(self) -> Iterator[Finding]:
        titles = {title_key(post.title) for post in self.posts}
        titles |= {title_key(p.citation.title) for p in self.posts if p.citation and p.citation.title}
        for post in self.posts:
            for note in post.notes:
                if note.role != "editor_note":
                    continue
                pointed, _sign = parse_note(note.text)
                if not pointed or title_key(pointed) in titles:
                    continue
                yield Finding(
                    "dangling_reference",
                    "low",
                    (post.id,),
                    f"{_named(post.id)} has an editor's note pointing to {_quoted(pointed)}, "
                    "which is not in the dump",
                    (FindingEvidence(post.id, None, note.line, note.text),),
                )

    def shared_authors(self) -> Iterator[Finding]:
        for copy in self.posts:
            reuse = self.reuse.get(copy.id)
            if reuse is None or reuse.credit is None or copy.citation is None:
                continue
            copy_authors = _authors(copy)
            copy_outlet = self.cited(copy)
            if not copy_authors or copy_outlet is None:
                continue
            credited = {e.source for e in reuse.credit.by if e.credited and e.how != "quotation"}
            for source_reuse in reuse.sources:
                source = self.by_id[source_reuse.post]
                if source.citation is None:
                    continue
                source_outlet = self.cited(source)
                shared = copy_authors & _authors(source)
                if not shared or source_outlet is None or source_outlet == copy_outlet:
                    continue
                author = next(a for a in copy.citation.authors if " ".join(a.casefold().split()) in shared)
                outlets = (
                    f"{_named(source.citation.outlet)} ({_named(source.id)}) "
                    f"and {_named(copy.citation.outlet)} ({_named(copy.id)})"
                )
                if source.id in credited:
                    yield Finding(
                        "syndication",
                        "low",
                        (copy.id, source.id),
                        f"{_named(author)}'s text under {outlets}; "
                        "the later one credits the first: syndication",
                        (self.citation_evidence(source), self.citation_evidence(copy)),
                    )
                else:
                    yield Finding(
                        "self_plagiarism",
                        "medium",
                        (copy.id, source.id),
                        f"{_named(author)}'s text under {outlets}; the later one does not credit the first",
                        (self.citation_evidence(source), self.citation_evidence(copy)),
                    )

    def disguised_copies(self) -> Iterator[Finding]:
        disguised: dict[str, _Disguised] = defaultdict(_Disguised)
        for pairs in self.between.values():
            for pair in pairs:
                for edit in _disguises(pair.edits):
                    sides = (
                        (pair.a, pair.b, edit.a_start, edit.a_text, edit.b_text),
                        (pair.b, pair.a, edit.b_start, edit.b_text, edit.a_text),
                    )
                    for here, there, start, word, other in sides:
                        hidden = _unseen(word, other)
                        if hidden:
                            found = disguised[here.post]
                            found.words.setdefault((here.paragraph, start), (word, hidden))
                            found.other_posts.add(there.post)
        for post_id in sorted(disguised, key=self.order.__getitem__):
            found = disguised[post_id]
            # The posts that hide nothing in these words, or where every one hides something, all of them.
            plain = {other for other in found.other_posts if other not in disguised}
            others = sorted(plain or found.other_posts, key=self.order.__getitem__)
            yield self._disguised_copy(post_id, found, others)

    def _disguised_copy(self, post_id: str, found: _Disguised, others: list[str]) -> Finding:
        places = sorted(found.words)
        hidden = [each for place in places for each in found.words[place][1]]
        unseen_words = sum(
            1
            for word, each in found.words.values()
            if any(latin is None and char != SOFT_HYPHEN for char, latin in each)
            or ((SOFT_HYPHEN, None) in each and misplaced_soft_hyphen(word))
        )
        alike = any(latin is not None for _, latin in hidden)
        severity: Severity = "high" if alike or unseen_words > 1 else "medium" if unseen_words else "low"
        named = ", ".join(_named(other) for other in others[:3])
        if len(others) > 3:
            named += f" and {_count(len(others) - 3, 'more post')}"
        summary = (
            f"{_named(post_id)} carries the text of {named} with {_count(len(places), 'word')} disguised in "
            f"{_count(len({paragraph for paragraph, _ in places}), 'paragraph')}: {_what_hides(hidden)}; a "
            "reader sees the same words, tools that compare characters (search engines, plagiarism checkers) "
            "do not"
        )
        words = [(paragraph, *found.words[(paragraph, start)]) for paragraph, start in places]
        evidence = self._disguise_evidence(post_id, words)
        # The posts the summary names: a text carried by hundreds is not listed whole in every finding.
        return Finding("disguised_copy", severity, (post_id, *others[:3]), summary, evidence)

    def _disguise_evidence(
        self, post_id: str, words: Sequence[tuple[int, str, Sequence[tuple[str, str | None]]]], limit: int = 5
    ) -> tuple[FindingEvidence, ...]:
        """The first disguised words as a reader sees them, each with what it hides."""
        post = self.by_id[post_id]
        evidence = []
        for paragraph, word, each in words[:limit]:
            counted = Counter(each)
            labels = "; ".join(
                _hidden_label(char, latin)
                + (f" ×{counted[(char, latin)]}" if counted[(char, latin)] > 1 else "")
                for char, latin in counted
            )
            text = f"{_quoted(visible(word))}: {labels}"
            evidence.append(FindingEvidence(post_id, paragraph, _paragraph_line(post, paragraph), text))
        return tuple(evidence)

    def disguised_texts(self, named: set[str]) -> Iterator[Finding]:
        """Posts not in ``named`` whose words disguise themselves with no plain version in the dump to
        compare them with (:func:`~provenance.invisible.disguised_words`): the copy of a text from
        elsewhere, hidden from the search that would find that text."""
        for post in self.posts:
            if post.id in named:
                continue
            words = [
                (paragraph.index, paragraph.text[start:end], hidden)
                for paragraph in post.paragraphs
                if not paragraph.text.isascii()
                for start, end, hidden in disguised_words(paragraph.text)
            ]
            if not words:
                continue
            hidden = [each for _, _, found in words for each in found]
            paragraphs = len({paragraph for paragraph, _, _ in words})
            summary = (
                f"{_named(post.id)} has {_count(len(words), 'word')} disguised in "
                f"{_count(paragraphs, 'paragraph')}: {_what_hides(hidden)}; "
                "a reader sees ordinary words, tools that compare characters (search engines, plagiarism "
                "checkers) do not, and the dump holds no plain version to compare them with: the text may be "
                "copied from elsewhere"
            )
            severity: Severity = "medium" if len(words) >= _MANY_DISGUISED_WORDS else "low"
            evidence = self._disguise_evidence(post.id, words)
            yield Finding("disguised_text", severity, (post.id,), summary, evidence)


def find_findings(
    posts: Sequence[Post],
    dedup: DedupResult,
    copied: CopiedParagraphs,
    names: OutletNames,
    credits: Sequence[Credit],
    config: AuditConfig,
) -> list[Finding]:
    """Every finding of the dump, most severe first (see the module doc for the kinds and severities).

    ``dedup.reuse`` must carry each post's ``credit``; ``credits`` are the
    credit lines and links of the graph stage, read for the posts that borrow.
    """
    finder = _Finder(posts, dedup.reuse, dedup.pairs, copied, names, config)
    credited_by: dict[str, set[str]] = {}
    for credit in credits:
        reuse = dedup.reuse.get(credit.post)
        if reuse is not None and reuse.credit is not None:
            credited_by.setdefault(credit.post, set()).add(names.key(credit.outlet))
    same_claims = list(finder.same_claims())
    disguised = list(finder.disguised_copies())
    versions = {frozenset(f.posts) for f in same_claims}
    found = [
        *finder.misattributions(credited_by),
        *finder.date_inversions(),
        *same_claims,
        # Two versions of one claimed article already name their changed words once.
        *(f for f in finder.unnoticed_edits() if frozenset(f.posts) not in versions),
        *finder.dangling_references(),
        *finder.shared_authors(),
        *disguised,
        *finder.disguised_texts({f.posts[0] for f in disguised}),
    ]
    rank = {severity: i for i, severity in enumerate(SEVERITIES)}
    return sorted(
        found,
        key=lambda f: (rank[f.severity], min(finder.order.get(p, 0) for p in f.posts), f.kind, f.summary),
    )
