"""Text from the dump set apart from the words around it, as the Unicode bidirectional algorithm reads it.

A right-to-left override (U+202E) or isolate (U+2067) opened in a title and
never closed runs on past the title, until the end of the paragraph it is
shown in. Put into a sentence of the tool's own (a finding's summary), it
turns the words after it around: "(evil, 2017-01-03), which it does not
credit" was drawn as "(tiderc ton seod ti hcihw ,(30-10-7102 ,live". An
HTML ``<bdi>`` does not stop it either: chromium closes the ``<bdi>`` with the
isolate the title left open, and the override inside then reverses the
report's words after the ``<bdi>``; a pop-directional-isolate (U+2069) inside
a ``<bdi>`` ends the ``<bdi>``'s isolation early.

Closing them is enough inside a ``<bdi>``, not in plain text: a name drawn
right to left, by an override or simply by being Hebrew or Arabic, still
draws the comma and date after it with it ("(שלום, 2017-01-03)" was drawn
"(2017-01-03 ,שלום)"). In plain text a name is set apart by a first-strong
isolate around it (:func:`isolated_bidi`), as Unicode advises for text of
unknown direction put into a message.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["closed_bidi", "isolated_bidi"]

_EMBEDDINGS = "\u202a\u202b\u202d\u202e"  # LRE, RLE, LRO, RLO: closed by PDF
_ISOLATES = "\u2066\u2067\u2068"  # LRI, RLI, FSI: closed by PDI
_PDF = "\u202c"
_PDI = "\u2069"
_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_FSI = "\u2068"
#: The bidirectional classes of right-to-left letters (Hebrew, Arabic) and Arabic digits.
_RIGHT_TO_LEFT = frozenset({"R", "AL", "AN"})


def closed_bidi(text: str) -> str:
    """``text`` with every embedding, override and isolate it opens closed at its end.

    A closing control that closes nothing opened in ``text`` is dropped (it
    would close one opened around the text); a PDI closes the embeddings
    opened inside its isolate with it, as the Unicode bidirectional algorithm
    does, and they are written out before it. Text without such a control
    (nearly all) is given back as it is.
    """
    if not _CONTROLS.search(text):
        return text
    out: list[str] = []
    opened: list[str] = []
    for char in text:
        if char in _EMBEDDINGS or char in _ISOLATES:
            opened.append(char)
        elif char == _PDF:
            if not opened or opened[-1] not in _EMBEDDINGS:
                continue
            opened.pop()
        elif char == _PDI:
            if not any(c in _ISOLATES for c in opened):
                continue
            while opened[-1] not in _ISOLATES:
                opened.pop()
                out.append(_PDF)
            opened.pop()
        out.append(char)
    out.extend(_PDI if c in _ISOLATES else _PDF for c in reversed(opened))
    return "".join(out)


def isolated_bidi(text: str) -> str:
    """``text`` closed (see closed_bidi), inside FSI ... PDI if it holds a control or right-to-left letter.

    Other text (nearly all) is given back as it is: the marks are invisible,
    but a terminal shows them escaped.
    """
    if text.isascii():
        return text
    closed = closed_bidi(text)
    if _CONTROLS.search(closed) or any(unicodedata.bidirectional(char) in _RIGHT_TO_LEFT for char in closed):
        return _FSI + closed + _PDI
    return closed
