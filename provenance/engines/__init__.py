"""Engines that run the duplicate stage: ``local`` (in this process, :mod:`provenance.dedup`) or ``spark``.

An engine takes the ingested posts and gives back the same
:class:`~provenance.models.DedupResult`; the stages after it (graph, credit,
findings, report, exports) do not know which one ran.
"""

from __future__ import annotations

ENGINES = ("local", "spark")

__all__ = ["ENGINES"]
