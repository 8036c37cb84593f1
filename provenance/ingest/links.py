"""The hyperlinks of HTML and WordPress posts, as :class:`~provenance.models.Link` records.

A link is evidence of where a text came from (a link to an outlet's site
credits that outlet, see :mod:`provenance.credits`), so the readers keep
each paragraph's links. Only absolute ``http``/``https`` links are kept: a
relative link points inside the post's own site, and ``mailto:``,
``javascript:`` or ``#anchor`` links point at no other publication.

A post keeps at most :data:`MAX_LINKS_PER_POST` links, the first ones: a
page of 100,000 links (a link farm, a generated index) would otherwise make
audit.json and the credit stage as large as the links, not the text. The
readers warn when they drop any.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from provenance.models import InputWarning, Link

__all__ = ["MAX_LINKS_PER_POST", "AnchorText", "LinkCollector", "OpenAnchors", "anchors_of", "link_domain"]

#: Links kept per post; the rest are counted in a warning.
MAX_LINKS_PER_POST = 1000
# Link text is a label ("BBC News", "here"); a link wrapped around a whole article is clipped to this.
_MAX_TEXT_CHARS = 300
_URL_NOISE = str.maketrans("", "", "\t\n\r")


def clean_url(href: str) -> str:
    """The address as a browser reads the attribute: no surrounding spaces, no tabs or line breaks inside."""
    return href.strip().translate(_URL_NOISE)


def link_domain(url: str) -> str | None:
    """The host of an absolute http(s) ``url``, lower-cased, without "www." and port; None for any other link.

    "https://WWW.BBC.co.uk:443/news" -> "bbc.co.uk"; "/about", "mailto:x@y.z",
    "//cdn.example.com/x.js" (no scheme) and an unparsable address -> None.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # an unbalanced "[" in the host
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    host = host.rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    return host or None


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_TEXT_CHARS else text[: _MAX_TEXT_CHARS - 1] + "…"


class LinkCollector:
    """The links of one post, in reading order, bounded to :data:`MAX_LINKS_PER_POST`."""

    def __init__(self, limit: int = MAX_LINKS_PER_POST) -> None:
        self.limit = limit
        self.links: list[Link] = []
        self.dropped = 0

    def add(self, paragraph: int, href: str | None, text: str, line: int) -> None:
        """Keep the link when it is an http(s) one and the post has room for it."""
        if not href:
            return
        url = clean_url(href)
        domain = link_domain(url)
        if domain is None:
            return
        if len(self.links) >= self.limit:
            self.dropped += 1
            return
        self.links.append(Link(paragraph=paragraph, url=url, domain=domain, text=_clip(text), line=line))

    def warning(self, path: str, line: int, post_id: str) -> InputWarning | None:
        """The warning that links were dropped, or None."""
        if not self.dropped:
            return None
        return InputWarning(
            path,
            line,
            f"post {post_id!r} has {self.limit + self.dropped} links; kept the first {self.limit}",
        )


class AnchorText:
    """The text of one ``<a href>`` as the page is walked, kept up to the clip length.

    Fed piece by piece by the walker while the anchor is open, so the text of
    anchors nested in one another (a page can nest 256 deep) costs at most the
    clip length each, never the whole page per anchor.
    """

    __slots__ = ("href", "line", "order", "parts", "size")

    def __init__(self, href: str, line: int, order: int) -> None:
        self.href = href
        self.line = line
        self.order = order
        self.parts: list[str] = []
        self.size = 0

    @property
    def full(self) -> bool:
        return self.size >= _MAX_TEXT_CHARS

    def feed(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)

    @property
    def text(self) -> str:
        return _clip("".join(self.parts))


class OpenAnchors:
    """The anchors open at a point of a walk; text read there is fed to those not yet full."""

    def __init__(self) -> None:
        self.stack: list[tuple[object, AnchorText]] = []
        self.hungry: list[AnchorText] = []
        self.count = 0

    def open(self, element: object, href: str, line: int) -> AnchorText:
        anchor = AnchorText(href, line, self.count)
        self.count += 1
        self.stack.append((element, anchor))
        self.hungry.append(anchor)
        return anchor

    def close(self, element: object) -> AnchorText | None:
        """The anchor of ``element`` when it is the innermost open one (else None: not an anchor)."""
        if not self.stack or self.stack[-1][0] is not element:
            return None
        _, anchor = self.stack.pop()
        if anchor in self.hungry:
            self.hungry.remove(anchor)
        return anchor

    def feed(self, text: str | None) -> None:
        if not text or not self.hungry:
            return
        for anchor in self.hungry:
            anchor.feed(text)
        if any(anchor.full for anchor in self.hungry):
            self.hungry = [anchor for anchor in self.hungry if not anchor.full]


def anchors_of(root: object) -> list[AnchorText]:
    """Every ``<a href>`` under ``root`` (an lxml element) in document order, with its text."""
    from lxml import etree

    found: list[AnchorText] = []
    opened = OpenAnchors()
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if event == "start":
            href = element.get("href") if tag == "a" else None
            if href is not None:
                found.append(opened.open(element, href, element.sourceline or 0))
            if tag and tag not in ("script", "style"):
                opened.feed(element.text)
            continue
        opened.close(element)
        if element is not root:
            opened.feed(element.tail)
    return found
