"""provenance: audit a dump of posts for where its text came from and what it repeats.

Library API::

    import provenance
    result = provenance.audit(["seeds/"], provenance.AuditConfig(threshold=0.6))
    result.pairs, result.reprints, result.outlets

The pipeline is ingest -> shingle -> dedup -> graph -> export/report, each a
module of its own; :func:`provenance.audit.audit` is the one orchestrator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from provenance.config import AuditConfig
from provenance.errors import InputError, ProvenanceError, ReportError
from provenance.models import Audit

__version__ = "0.1.0"
__all__ = ["Audit", "AuditConfig", "InputError", "ProvenanceError", "ReportError", "__version__", "audit"]

if TYPE_CHECKING:
    from provenance.audit import audit


def __getattr__(name: str) -> Any:
    # Imported lazily so that `import provenance.models` (and the CLI's --help)
    # does not pay for networkx, datasketch and lxml.
    if name == "audit":
        from provenance.audit import audit

        return audit
    raise AttributeError(f"module 'provenance' has no attribute {name!r}")
