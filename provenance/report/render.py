"""Render the report: a Jinja2 environment over the packaged templates, and the CSP that locks it down.

The environment follows datasette's: a real ``Environment`` with a package
loader and ``autoescape=True``, so every value from the audit is escaped by
default and no template can forget to. ``StrictUndefined`` turns a misspelt
field into an error instead of an empty cell.

The page's only script and only stylesheet are inlined from
``templates/report.js`` and ``templates/report.css``; the Content-Security-
Policy names their SHA-256 hashes, so even if some text slipped past the
escaping, a browser would refuse to run any script or load anything but
these two blocks (``default-src 'none'``).
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any, TextIO

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from provenance.bidi import closed_bidi
from provenance.errors import ReportError
from provenance.report.context import Phrase, ReportContext, ReportLimits, build_context
from provenance.workers import own_garbage_collected, release_free_memory

#: A run of this many characters without a space (a URL as a post's title) is longer than the
#: report's narrowest column: it is marked to break anywhere. Only such runs are, as a table
#: gives its columns the width of their longest unbreakable word and would squeeze every name.
_LONG_WORD = re.compile(r"\S{30}")


def isolate(value: object) -> Markup:
    """Text from the dump as an isolated run of the page: ``<bdi>`` around it, escaped inside.

    A right-to-left override (U+202E) in a title, or simply an Arabic title,
    would otherwise reorder the report's words that follow it on the line;
    inside ``<bdi>`` its direction is its own and ends with it. A
    :class:`~provenance.report.context.Phrase` keeps its own words outside
    and isolates each of its values. Bidirectional controls the text leaves
    open are closed inside the ``<bdi>`` (:func:`~provenance.bidi.closed_bidi`):
    chromium let an override and an unclosed isolate in a title turn the
    report's words after the ``<bdi>`` around. Text with a word too long for
    its column is marked ``long-word``, which breaks anywhere.
    """
    if isinstance(value, Phrase):
        pieces = value.pattern.split("{}")
        out = escape(pieces[0])
        for part, piece in zip(value.values, pieces[1:], strict=True):
            out += isolate(part) + escape(piece)
        return out
    if isinstance(value, str) and not isinstance(value, Markup):
        value = closed_bidi(value)
        if _LONG_WORD.search(value):
            return Markup('<bdi class="long-word">{}</bdi>').format(value)
    return Markup("<bdi>{}</bdi>").format(value)


#: Characters HTML does not allow in a page's text: C0 and C1 controls other than tab, line feed, form
#: feed and carriage return. A parser drops NUL ("a\x00b" showed as "ab") and reads the rest as errors.
_NOT_IN_HTML = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def _shown(value: object) -> object:
    """Every value the templates print, with each character HTML does not allow shown as U+FFFD.

    As the graph files show it; Jinja2 calls this before escaping (``finalize``).
    """
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if hasattr(value, "__html__") and not isinstance(value, str):
        value = Markup(value.__html__())
    text = value if isinstance(value, str) else str(value)  # a Phrase prints as its plain text
    if not _NOT_IN_HTML.search(text):
        return value
    shown = _NOT_IN_HTML.sub("\ufffd", text)
    return Markup(shown) if isinstance(text, Markup) else shown


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The report's Jinja2 environment (built once; templates are compiled on first use)."""
    env = Environment(
        loader=PackageLoader("provenance.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_shown,
    )
    env.filters["percent"] = lambda share: f"{float(share) * 100:.1f}%"
    env.filters["measure"] = lambda value: f"{float(value):.2f}"
    env.filters["n"] = lambda count: f"{int(count):,}"  # counts as the overview's figures: 487,774
    env.filters["isolate"] = isolate
    return env


def _asset(name: str) -> str:
    """The raw text of a packaged asset (the inline CSS or JS), read through the loader."""
    env = environment()
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    # The assets go into <style>/<script> verbatim; a closing tag inside would end the block early.
    if "</" in source:
        raise AssertionError(f"{name} must not contain '</'")
    return source


def csp_hash(source: str) -> str:
    """The CSP source expression that allows exactly this inline block."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(script: str, style: str) -> str:
    """Nothing may load; only the report's own script and stylesheet may run."""
    return "; ".join(
        (
            "default-src 'none'",
            f"script-src {csp_hash(script)}",
            f"style-src {csp_hash(style)}",
            "img-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )


def render_context(context: ReportContext) -> str:
    """Render an already built context (tests and benchmarks build one to inspect it)."""
    return "".join(_pieces(context))


def _pieces(context: ReportContext) -> Iterator[str]:
    """The page, piece by piece as the template makes it."""
    script, style = _asset("report.js"), _asset("report.css")
    template = environment().get_template("report.html")
    return template.generate(
        report=context,
        # Package files, never audit data: the only values rendered unescaped.
        script=Markup(script),
        style=Markup(style),
        csp=content_security_policy(script, style),
    )


def render(doc: Mapping[str, Any], limits: ReportLimits | None = None) -> str:
    """Render the whole report from an audit.json document to one self-contained HTML string.

    Raises :class:`~provenance.errors.ReportError` when ``doc`` is not an
    audit document. The same ``doc`` gives the same string; the only line
    that depends on ``doc["generated_at"]`` is the generation-time line.
    """
    page = io.StringIO()
    render_to(doc, page, limits)
    return page.getvalue()


def render_to(doc: Mapping[str, Any], handle: TextIO, limits: ReportLimits | None = None) -> None:
    """:func:`render` written to ``handle`` piece by piece, as the template makes the page.

    The audit writes its report this way: the page is never held whole (a
    string of some 35 MB for an 18 MB page with one curly quote in it), and
    the memory the context's build freed is handed back to the system
    before the page is made (at 2.4 million paragraphs the writing stage was
    the audit's peak).
    """
    try:
        # The context stays in the template's reference cycles once the page
        # is written: collected here, not at the end of the writing stage.
        with own_garbage_collected():
            context = build_context(doc, limits)
            release_free_memory()
            handle.writelines(_pieces(context))
            del context
    except RecursionError as exc:
        # Only a hand-made document nests this deep: values are read with str(), which recurses.
        raise ReportError("the audit document nests lists or objects too deeply to render") from exc
