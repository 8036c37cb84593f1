"""Fragment identifiers for posts, paragraphs and clusters.

A finding is cited by URL (``report.html#p-<id>-<n>``), so an anchor must be
stable across runs, valid in an ``id`` attribute and in a URL fragment without
percent-encoding, and unique. Post ids come from the input and may hold any
character, so they are escaped reversibly: ASCII letters, digits, ``-`` and
``.`` stay as they are (the documented form for ordinary ids such as
``isis-chief-looses-suicide-bombers``), every other character becomes
``_<hex code point>_``. Because ``_`` itself is always escaped, two different
ids never give the same anchor. ``n`` is the paragraph's 0-based ``index``,
the same number ``audit.json`` uses.
"""

from __future__ import annotations

import re
import string

_KEPT = frozenset(string.ascii_letters + string.digits + "-.")
_ALL_KEPT = re.compile(r"[A-Za-z0-9.-]*")


def escape_id(post_id: str) -> str:
    """Escape a post id into characters that are safe in an id and a URL fragment."""
    if _ALL_KEPT.fullmatch(post_id):  # the common case (slugs), checked once instead of per character
        return post_id
    return "".join(ch if ch in _KEPT else f"_{ord(ch):x}_" for ch in post_id)


def post_anchor(post_id: str) -> str:
    """The anchor of a post's card: ``post-<id>``."""
    return f"post-{escape_id(post_id)}"


def paragraph_anchor(post_id: str, index: int) -> str:
    """The anchor of one paragraph: ``p-<id>-<n>`` with ``n`` its 0-based index."""
    return f"p-{escape_id(post_id)}-{index}"


def cluster_anchor(cluster_id: int | str) -> str:
    """The anchor of a duplicate cluster in the duplicates section."""
    return f"cluster-{escape_id(str(cluster_id))}"


def outlet_anchor(name: str) -> str:
    """The anchor of an outlet in the sources section (names are unique once canonical)."""
    return f"outlet-{escape_id(name.casefold())}"
