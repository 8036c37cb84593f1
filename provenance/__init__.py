"""provenance: audit a dump of posts for where its text came from and what it repeats.

Library API::

    import provenance
    result = provenance.audit(["seeds/"], provenance.AuditConfig(threshold=0.6))
    result.pairs, result.reprints, result.outlets

The pipeline is ingest -> shingle -> dedup -> graph -> export/report, each a
module of its own; :func:`provenance.audit.audit` is the one orchestrator.
"""

from __future__ import annotations

# First: a Ctrl-C while the modules below are imported ends the command with its one line, not a traceback.
from provenance._startup import guard_startup

guard_startup()

# audit() is imported eagerly so that `provenance.audit` is the function, not the
# submodule of the same name; audit.py imports the heavy stages inside the call.
from provenance.audit import audit  # noqa: E402  (after the guard)
from provenance.config import AuditConfig  # noqa: E402  (after the guard)
from provenance.errors import InputError, ProvenanceError, ReportError  # noqa: E402  (after the guard)
from provenance.models import Audit  # noqa: E402  (after the guard)

# The one place the version is written: pyproject.toml reads it from here (setuptools
# dynamic ``attr``, a literal read without importing), and the installed metadata,
# `provenance --version` and audit.json's tool.version all follow.
__version__ = "0.1.0"
__all__ = ["Audit", "AuditConfig", "InputError", "ProvenanceError", "ReportError", "__version__", "audit"]
