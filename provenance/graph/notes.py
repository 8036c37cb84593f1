"""Editor notes: what a note points to ("(But please see, A title. — DM)"), and whether the dump holds it."""

from __future__ import annotations

import re

_SEE = re.compile(
    r"\(?\s*(?:but\s+)?(?:please\s+)?see(?:\s+also)?\s*[,:]?\s*(?P<title>.+?)"
    r"\s*(?:[—–-]+\s*(?P<sign>[A-Z]{1,4}))?\s*\)?\s*$",
    re.IGNORECASE,
)


def parse_note(text: str) -> tuple[str, str]:
    """(title pointed to, signature) of an editor note such as "(But please see, A title. — DM)"."""
    match = _SEE.match(text.strip())
    if match is None or "see" not in text.casefold():
        sign = re.search(r"[—–]\s*([A-Z]{1,4})\s*[)\]]?\s*$", text)
        return "", sign.group(1) if sign else ""
    return match.group("title").strip(" ,.;"), match.group("sign") or ""
