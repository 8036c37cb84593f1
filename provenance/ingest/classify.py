"""Recognise the non-content lines that archives leave between paragraphs.

A line classified here is kept with its role (see ``models.LineRole``) instead
of being treated as body text, so that image names and separators never show
up as "duplicate paragraphs", yet nothing from the input is dropped.
"""

from __future__ import annotations

import re

from provenance.models import LineRole

_SEPARATOR = re.compile(r"^\s*(?:[*\-=_~#•·]\s*){3,}$")
_IMAGE_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|bmp|tiff?)$", re.IGNORECASE)
# A lone token where an image was: "baghdadi_call480-1", "IMG_2041", "photo.jpg".
_IMAGE_NAME = re.compile(r"^[\w.\-]+$")
_PHOTO_CREDIT = re.compile(
    r"(?:photo|image|picture|graphic)\s*(?:credit|courtesy|source)s?\s*:", re.IGNORECASE
)
# "(But please see, … — DM)": a parenthesised aside signed with the editor's initials.
_SIGNED_ASIDE = re.compile(r"^\(.*[—–-]\s*[A-Z][A-Za-z.]{0,5}\s*\)$", re.DOTALL)
_EDITOR_NOTE = re.compile(r"^[\[(]\s*editor[’'`]?s?\s+note\b.*[\])]$", re.IGNORECASE | re.DOTALL)
# The headings WordPress themes print above tag, category, author and date
# archives: "Posted tagged ‘…’", "Category Archives: News", "Author: Jane Doe",
# "Archive for July, 2017", "Posts by Jane Doe", "Monthly Archives: July 2017".
_ARCHIVE_HEADER = re.compile(
    r"^(?:posted\s+(?:tagged|in|by|on|under)\b"
    r"|posts?\s+(?:tagged|by|in|from|filed\s+under)\b"
    r"|(?:tag|category|author|date|day|month|year|monthly|daily|yearly)\s+archives?\b"
    r"|archives?\s+(?:for|of|by)\b"
    r"|browsing\s+(?:tag|category|author)\b"
    r"|(?:tag|category|author|archives?|day|month|year)\s*:)",
    re.IGNORECASE,
)
# A Markdown image left where an image was: "![Baghdadi](baghdadi_call480-1.jpg)".
_MARKDOWN_IMAGE = re.compile(r"^!\[[^\]]*\]\([^)\s]*(?:\s+\"[^\"]*\")?\)$")


def is_separator(text: str) -> bool:
    """A line made only of asterisks (or dashes, equals…): the excerpt/body break."""
    return _SEPARATOR.match(text) is not None


def is_archive_header(text: str) -> bool:
    """The heading a WordPress archive page puts first: "Posted tagged ‘…’", "Category Archives: …"."""
    return len(text) < 300 and _ARCHIVE_HEADER.match(text.strip()) is not None


def classify_line(text: str) -> LineRole | None:
    """The role of a non-content line inside a post, or None for body text."""
    stripped = text.strip()
    if is_separator(stripped):
        return "separator"
    if len(stripped) <= 120 and _PHOTO_CREDIT.search(stripped):
        return "photo_credit"
    if _MARKDOWN_IMAGE.match(stripped):
        return "image"
    if (
        " " not in stripped
        and len(stripped) <= 80
        and _IMAGE_NAME.match(stripped)
        and re.search(r"[^\W\d_]", stripped)
        # A single token is an image name only if it looks machine-made: an
        # extension, an underscore, or a run of three digits or more
        # ("call480-1", "IMG2041", "DSC01234"); a lone word like "Update" is
        # text, and so are the short codes news uses as words and headings:
        # "MH17", "COVID19", "G20", "F-35", "Covid-19".
        and (_IMAGE_EXT.search(stripped) or "_" in stripped or re.search(r"\d{3}", stripped))
    ):
        return "image"
    if len(stripped) <= 600 and (_EDITOR_NOTE.match(stripped) or _SIGNED_ASIDE.match(stripped)):
        return "editor_note"
    return None
