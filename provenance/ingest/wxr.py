"""Reader for WordPress export files (WXR: RSS 2.0 with the ``wp:`` export namespace).

Each ``<item>`` that is a published post becomes a :class:`Post` (pages too
with ``AuditConfig.include_pages``); everything else — drafts, future,
private and pending posts, attachments, navigation menu items, pages — is
left out and counted, in one warning per file such as "skipped 70
nav_menu_items, 37 attachments, 21 pages, 1 draft, 1 future".

Password-protected posts are imported, with a warning: the export holds
their full text, and the point of the audit is what the owner's site
published, behind a password or not.

Streaming: the file goes through ``lxml.etree.iterparse`` and every item
(and every other child of ``<channel>``) is cleared as soon as it has been
read, so memory follows the largest item, not the export. A file that is cut
off or broken keeps the items read before the break, with a warning naming
the line.

Namespaces are matched by what they are, not by one literal URI: exports
declare ``http://wordpress.org/export/1.2/`` or, like the theme unit test
data, ``https://…``, and older ones 1.0 or 1.1.

``content:encoded`` is split the way WordPress's ``wpautop`` displays it:
a blank line or a block-level tag (``<p>``, ``<h2>``, ``<li>``,
``<blockquote>``…) ends a paragraph; each block's text comes from lxml's HTML
parser (entities decoded, inline tags dropped). Shortcodes are removed:
``[caption]`` keeps its caption text as an ``image`` note, ``[code]`` and
``[sourcecode]`` keep their content, and media shortcodes (``[gallery]``,
``[embed]``, ``[audio]``, ``[video]``…) are dropped and counted. Every
paragraph's ``line`` is its real line in the XML file (the line of
``<content:encoded>`` plus the line breaks before the paragraph).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

from provenance.ingest.archive import slugify
from provenance.ingest.dates import parse_any_date
from provenance.ingest.source import Event
from provenance.models import ClassifiedLine, InputWarning, Paragraph, Post, SourceRef

__all__ = ["WxrCounts", "html_paragraphs", "iter_wxr", "looks_like_wxr"]

_WXR_NAMESPACE = re.compile(r"wordpress\.(?:org|com)/export/\d+(?:\.\d+)*/?$")

# Enclosing shortcodes whose content is text to keep (code listings).
_KEEP_CONTENT = ("code", "sourcecode", "source")
# Shortcodes that stand for media: removed entirely, content and all.
_MEDIA = (
    "gallery",
    "embed",
    "audio",
    "video",
    "playlist",
    "youtube",
    "vimeo",
    "soundcloud",
    "googlemaps",
    "slideshow",
    "videopress",
    "wpvideo",
    "tweet",
    "instagram",
)
_CAPTION = ("caption", "wp_caption")
_SHORTCODE = re.compile(
    r"\[(?P<name>" + "|".join(_CAPTION + _KEEP_CONTENT + _MEDIA) + r")(?=[\s\]/])(?P<attrs>[^\]]*)\]"
    r"(?:(?P<content>.*?)\[/(?P=name)\])?",
    re.DOTALL | re.IGNORECASE,
)
_CAPTION_ATTR = re.compile(r"""caption\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_BLOCK_TAGS = (
    "p|div|h[1-6]|ul|ol|li|dl|dt|dd|blockquote|pre|table|thead|tbody|tfoot|tr|td|th|caption|hr|"
    "figure|figcaption|section|article|aside|header|footer|nav|address|details|summary|center|form"
)
# Where a paragraph ends: a blank line, a block-level tag, an HTML comment
# (WordPress's <!--more--> and block-editor markers), or a script/style element.
_BOUNDARY = re.compile(
    r"\n[ \t\r\f\v]*\n"
    r"|<!--.*?-->"
    r"|<(?P<raw>script|style)\b.*?</(?P=raw)\s*>"
    rf"|</?(?:{_BLOCK_TAGS})\b[^>]*>",
    re.DOTALL | re.IGNORECASE,
)


@dataclass(slots=True)
class WxrCounts:
    """What one export held: posts imported, items left out by kind, shortcodes removed."""

    imported: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    shortcodes: Counter[str] = field(default_factory=Counter)
    comments: int = 0


def looks_like_wxr(head: str) -> bool:
    """True for an RSS document that declares a WordPress export namespace."""
    return "<rss" in head and re.search(r"wordpress\.(?:org|com)/export/", head) is not None


def _mask(text: str, start: int, end: int) -> str:
    """Blank out ``text[start:end]`` but keep its line breaks, so later offsets and lines stay true."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def _text_of(fragment: str) -> str:
    if "<" not in fragment and "&" not in fragment:
        return " ".join(fragment.split())
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return " ".join(fragment.split())
    return " ".join(root.text_content().split())


def html_paragraphs(
    content: str, shortcodes: Counter[str]
) -> tuple[list[tuple[int, int, str]], list[tuple[int, str]]]:
    """Paragraphs ``(start, end, text)`` and caption notes ``(start, text)`` of a post body.

    ``start``/``end`` are character offsets of the paragraph's source in ``content``.

    Removed shortcodes are counted in ``shortcodes`` by name.
    """
    captions: list[tuple[int, str]] = []
    for match in list(_SHORTCODE.finditer(content)):
        name = match["name"].lower()
        if name in _KEEP_CONTENT and match["content"] is not None:
            content_start, content_end = match.start("content"), match.end("content")
            content = _mask(content, match.start(), content_start)
            content = _mask(content, content_end, match.end())
            continue
        if name in _CAPTION:
            attr = _CAPTION_ATTR.search(match["attrs"])
            caption = attr[1] or attr[2] if attr else _text_of(match["content"] or "")
            if caption and caption.strip():
                captions.append((match.start(), " ".join(caption.split())))
        shortcodes[name] += 1
        content = _mask(content, match.start(), match.end())
    paragraphs: list[tuple[int, int, str]] = []
    position = 0
    for boundary in [*_BOUNDARY.finditer(content), None]:
        end = boundary.start() if boundary is not None else len(content)
        segment = content[position:end]
        if segment.strip():
            text = _text_of(segment)
            if text:
                start = position + len(segment) - len(segment.lstrip())
                paragraphs.append((start, position + len(segment.rstrip()), text))
        if boundary is not None:
            position = boundary.end()
    return paragraphs, captions


def _kind(element: etree._Element) -> str:
    """``wp``, ``excerpt``, ``content``, ``dc`` or ``""`` for an element, whatever URI the export used."""
    namespace = etree.QName(element).namespace or ""
    if not namespace:
        return ""
    if "/excerpt/" in namespace:
        return "excerpt"
    if _WXR_NAMESPACE.search(namespace):
        return "wp"
    if "purl.org/rss/1.0/modules/content" in namespace:
        return "content"
    if "purl.org/dc/" in namespace:
        return "dc"
    return element.prefix or namespace


def _last_line(element: etree._Element) -> int:
    last = element.sourceline or 0
    for child in element.iter():
        if child.sourceline:
            last = max(last, child.sourceline + (child.text or "").count("\n"))
    return last


def _plural(count: int, name: str) -> str:
    if count == 1 or name in ("future",):
        return f"{count} {name}"
    return f"{count} {name}s"


def iter_wxr(
    path: str,
    include_pages: bool = False,
    counts: WxrCounts | None = None,
) -> Iterator[Event]:
    """Stream the published posts of a WordPress export, with notes and warnings.

    ``counts``, when given, is filled with what was imported and left out.
    """
    counts = counts if counts is not None else WxrCounts()
    open_item_line = 0
    try:
        context = etree.iterparse(
            path,
            events=("start", "end"),
            huge_tree=True,
            resolve_entities=False,
            no_network=True,
            remove_comments=True,
        )
        for event, element in context:
            if event == "start":
                if element.tag == "item":
                    open_item_line = element.sourceline or 0
                continue
            if element.tag == "item":
                yield from _item(path, element, include_pages, counts)
                open_item_line = 0
                element.clear(keep_tail=False)
                parent = element.getparent()
                # Drop the cleared siblings too, or the <channel> keeps a
                # husk per item and memory grows with the export.
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
            elif (parent := element.getparent()) is not None and parent.tag == "channel":
                element.clear(keep_tail=False)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        lost = (
            f"; the item starting at line {open_item_line} is cut off and left out" if open_item_line else ""
        )
        yield InputWarning(
            path,
            line,
            f"XML broken or cut off here ({exc.msg}); kept the {counts.imported} posts read before it{lost}",
        )
    except OSError as exc:
        yield InputWarning(
            path, 0, f"could not read the whole file ({exc}); kept the {counts.imported} posts read"
        )
    parts = [_plural(n, name) for name, n in sorted(counts.skipped.items(), key=lambda kv: (-kv[1], kv[0]))]
    if parts:
        yield InputWarning(
            path,
            0,
            f"skipped {', '.join(parts)} (only published posts"
            f"{' and pages' if include_pages else ''} are imported)",
        )
    if counts.shortcodes:
        removed = ", ".join(f"{n} [{name}]" for name, n in sorted(counts.shortcodes.items()))
        yield InputWarning(path, 0, f"removed shortcodes: {removed} (caption text kept as notes)")


def _item(path: str, item: etree._Element, include_pages: bool, counts: WxrCounts) -> Iterator[Event]:
    fields: dict[tuple[str, str], etree._Element] = {}
    categories: list[str] = []
    tags: list[str] = []
    for child in item:
        if not isinstance(child.tag, str):
            continue
        kind, local = _kind(child), etree.QName(child).localname
        if kind == "" and local == "category":
            name = " ".join((child.text or "").split())
            domain = child.get("domain", "category")
            if name and domain == "category" and name not in categories:
                categories.append(name)
            elif name and domain == "post_tag" and name not in tags:
                tags.append(name)
        elif kind == "wp" and local == "comment":
            counts.comments += 1
        else:
            fields.setdefault((kind, local), child)

    def value(kind: str, local: str) -> str:
        element = fields.get((kind, local))
        return (element.text or "").strip() if element is not None else ""

    post_type = value("wp", "post_type") or "post"
    status = value("wp", "status") or "publish"
    item_line = item.sourceline or 0
    if post_type not in ("post", "page") or (post_type == "page" and not include_pages):
        counts.skipped[post_type] += 1
        return
    if status != "publish":
        counts.skipped[status if post_type == "post" else f"{status} {post_type}"] += 1
        return
    wp_id = value("wp", "post_id")
    title = " ".join(value("", "title").split())
    post_id = value("wp", "post_name") or (slugify(title) if title else "") or f"post-{wp_id or item_line}"
    if not title:
        title = f"(untitled {post_id})"
        yield InputWarning(path, item_line, f"post has no title; called it {title!r}")
    title_element = fields.get(("", "title"))
    date_element = fields.get(("wp", "post_date"))
    date = parse_any_date(value("wp", "post_date"))
    if date is None:
        date_element = fields.get(("", "pubDate"))
        date = parse_any_date(value("", "pubDate"))
        if date is None:
            shown = value("wp", "post_date") or value("", "pubDate")
            yield InputWarning(path, item_line, f"invalid or missing date {shown!r}; post kept undated")
    if value("wp", "post_password"):
        yield InputWarning(path, item_line, f"post {post_id!r} is password-protected; imported all the same")
    content_element = fields.get(("content", "encoded"))
    content = content_element.text or "" if content_element is not None else ""
    base_line = content_element.sourceline or item_line if content_element is not None else item_line
    found, captions = html_paragraphs(content, counts.shortcodes)
    paragraphs: list[Paragraph] = []
    # Offsets grow through the body, so line breaks are counted incrementally.
    position, breaks = 0, 0
    for start, end, text in found:
        breaks += content.count("\n", position, start)
        line = base_line + breaks
        breaks += content.count("\n", start, end)
        position = end
        paragraphs.append(Paragraph(index=len(paragraphs), line=line, text=text, line_end=base_line + breaks))
    notes = tuple(
        ClassifiedLine(path, base_line + content.count("\n", 0, offset), "image", text)
        for offset, text in captions
    )
    if not paragraphs:
        yield InputWarning(path, item_line, f"post {post_id!r} has no paragraphs")
    counts.imported += 1
    yield Post(
        id=post_id,
        title=title,
        date=date,
        source=SourceRef(path, item_line, _last_line(item)),
        citation=None,
        paragraphs=tuple(paragraphs),
        notes=notes,
        title_line=(title_element.sourceline or 0) if title_element is not None else 0,
        date_line=(date_element.sourceline or 0) if date_element is not None else 0,
        url=value("", "link") or None,
        categories=tuple(categories),
        tags=tuple(tags),
        format="wxr",
    )
