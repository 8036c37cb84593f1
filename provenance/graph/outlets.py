"""Outlet nodes: one per outlet, whatever the spellings it is cited, mentioned and credited by."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from provenance.models import Outlet
from provenance.outlets import OutletAliases, outlet_key

_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)


class OutletRegistry:
    """Merges outlet names to one node per outlet, and remembers how each was written.

    Known names merge through the alias list; unknown ones merge when their
    :func:`outlet_key` agrees, under the spelling seen most often (citations
    first, then alphabetical) so the node name does not depend on input order.
    """

    def __init__(self, aliases: OutletAliases) -> None:
        self.aliases = aliases
        self.forms: dict[str, Counter[str]] = defaultdict(Counter)  # key -> cleaned spellings
        self.cited_forms: dict[str, Counter[str]] = defaultdict(Counter)
        self.surfaces: dict[str, set[str]] = defaultdict(set)  # key -> spellings as written
        # Posts per outlet, first seen first: dicts are ordered sets (a list
        # scan for "seen already?" made this quadratic, 8 s at a million paragraphs).
        self.cited_by: dict[str, dict[str, None]] = defaultdict(dict)
        self.mentioned_by: dict[str, dict[str, None]] = defaultdict(dict)
        self.credited_by: dict[str, dict[str, None]] = defaultdict(dict)

    def key(self, name: str) -> str:
        return outlet_key(self.aliases.canonical(name))

    def add(
        self,
        written: str,
        *,
        post: str,
        cited: bool = False,
        canonical: str | None = None,
        credited: bool = False,
    ) -> str:
        """Record that ``post`` cites, credits or (else) mentions ``written``; ``canonical`` when resolved."""
        canonical = canonical or self.aliases.canonical(written)
        key = outlet_key(canonical)
        self.forms[key][canonical] += 1
        if cited:
            self.cited_forms[key][canonical] += 1
        if written.strip():
            self.surfaces[key].add(" ".join(written.split()))
        by = self.cited_by if cited else self.credited_by if credited else self.mentioned_by
        by[key].setdefault(post)
        return key

    def name(self, key: str) -> str:
        counts = self.cited_forms.get(key) or self.forms[key]
        return min(counts, key=lambda form: (-counts[form], form))

    def outlets(self) -> list[Outlet]:
        result = []
        for key in self.forms:
            name = self.name(key)
            result.append(
                Outlet(
                    name=name,
                    aliases=tuple(
                        sorted(
                            s
                            for s in self.surfaces[key]
                            if _LEADING_THE.sub("", s) != _LEADING_THE.sub("", name)
                        )
                    ),
                    cited_by=tuple(self.cited_by.get(key, ())),
                    mentioned_by=tuple(self.mentioned_by.get(key, ())),
                    kind=self.aliases.kind(name),
                    credited_by=tuple(self.credited_by.get(key, ())),
                    source="known" if self.aliases.known(name) else "found",
                )
            )
        return sorted(result, key=lambda o: (o.name.casefold(), o.name))
