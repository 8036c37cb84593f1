"""Unicode NFKC in time linear in the text, whatever the text: the Stream-Safe Text Format first.

Normalisation puts each run of combining marks (non-starters: a canonical
combining class other than 0) in canonical order, and Python's
``unicodedata.normalize`` sorts a run by insertion: time grows with the
square of the run. A hostile dump of one letter under 80,000 marks
(320 KB of "Zalgo" text) took 20 s to audit, a megabyte of it would take
minutes and ten megabytes hours. Unicode's answer (UAX #15, section 13, the
Stream-Safe Text Format) is to let no run exceed 30 non-starters: a
COMBINING GRAPHEME JOINER (U+034F, a starter that no normalisation removes)
goes after every 30th. Real text never has such a run (the longest
canonical decompositions hold a handful), so its normal form is unchanged;
a hostile one is cut into runs of 30, each ordered on its own.
"""

from __future__ import annotations

import functools
import re
import unicodedata

#: The longest run of non-starters the Stream-Safe Text Format allows.
MAX_NON_STARTERS = 30
#: COMBINING GRAPHEME JOINER: what the Stream-Safe Text Format puts after every 30th non-starter in a run.
CGJ = "\u034f"
# Every non-starter of this Python's Unicode lies below U+20000 (the last is U+1E94A in Unicode 14).
_SCANNED = 0x20000
# More than 30 characters in a row from U+0300 up, where the first non-starter lies: what a long run of
# non-starters needs. Most text has none (words of Cyrillic, Greek or Hebrew are shorter), and this one
# range is looked for ten times faster than the class of every non-starter: at a million paragraphs the
# class alone took 13 s of the audit's CPU.
_MAY_HOLD_A_LONG_RUN = re.compile(f"[^\\x00-\\u02ff]{{{MAX_NON_STARTERS + 1},}}")


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)`` of ``text`` made stream-safe (module doc)."""
    return unicodedata.normalize("NFKC", stream_safe(text))


def stream_safe(text: str) -> str:
    """``text`` with :data:`CGJ` after every :data:`MAX_NON_STARTERS`-th non-starter of a longer run.

    The same string when it has no such run, which is all real text.
    """
    if text.isascii() or _MAY_HOLD_A_LONG_RUN.search(text) is None:
        return text
    return _long_run().sub(_joined, text)


def _joined(found: re.Match[str]) -> str:
    run = found.group()
    return CGJ.join(run[start : start + MAX_NON_STARTERS] for start in range(0, len(run), MAX_NON_STARTERS))


@functools.cache
def _long_run() -> re.Pattern[str]:
    """A run of more than :data:`MAX_NON_STARTERS` non-starters (read from ``unicodedata`` once, 7 ms)."""
    spans: list[tuple[int, int]] = []
    for code in range(_SCANNED):
        if unicodedata.combining(chr(code)):
            if spans and spans[-1][1] == code - 1:
                spans[-1] = (spans[-1][0], code)
            else:
                spans.append((code, code))
    members = "".join(
        re.escape(chr(first)) if first == last else f"{re.escape(chr(first))}-{re.escape(chr(last))}"
        for first, last in spans
    )
    return re.compile(f"[{members}]{{{MAX_NON_STARTERS + 1},}}")
