"""The HTML report: one self-contained page a journalist can read, rendered from an audit.json document.

``render(doc)`` takes the document that ``provenance audit`` writes
(``docs/audit-json.md``) rather than the pipeline's objects, so a saved audit
can be re-rendered (``provenance report AUDIT_JSON``) without re-auditing.
The result is a string, or with ``render_to(doc, handle)`` pieces written to
a file as they are made; writing it atomically is the caller's business.

Layout: :mod:`~provenance.report.context` decides what is shown (a documented
:class:`ReportContext`), :mod:`~provenance.report.drawing` lays out the SVG
chart and graph, :mod:`~provenance.report.render` runs the packaged Jinja2
templates (``templates/``) with autoescaping and a hash-based CSP.
"""

from __future__ import annotations

from provenance.report.context import ReportContext, ReportLimits, build_context
from provenance.report.render import render, render_context, render_to

__all__ = ["ReportContext", "ReportLimits", "build_context", "render", "render_context", "render_to"]
