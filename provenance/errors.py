"""Domain errors. The CLI turns each into a one-line message, never a traceback."""

from __future__ import annotations

import errno


class ProvenanceError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(ProvenanceError):
    """Input that cannot be audited at all: nothing readable, or --strict warnings.

    ``path`` and ``line`` name where, when one place is to blame.
    """

    def __init__(self, message: str, path: str | None = None, line: int = 0) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}: " if path and line else (f"{path}: " if path else "")
        super().__init__(f"{where}{message}")


class ReportError(ProvenanceError):
    """A report or export that cannot be written or read back."""


class WorkerError(ProvenanceError, RuntimeError):
    """A worker process ended without sending its result: killed, most often by the out-of-memory killer."""


class TemporaryFilesError(ProvenanceError):
    """Temporary files that cannot be written: a full (or read-only) ``TMPDIR``.

    The duplicate stage of a large dump spills its keys to temporary files;
    the message says where they went and how to send them elsewhere.
    """

    @classmethod
    def writing(cls, folder: str, exc: OSError) -> TemporaryFilesError:
        reason = "no space left" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
        return cls(
            f"cannot write temporary files in {folder} (TMPDIR): {reason}; "
            "set TMPDIR to a folder on a larger disk (TMPDIR=/path/to/folder provenance ...)"
        )


class StoreError(ProvenanceError):
    """An audit store (``--db``) that cannot be used: in use, corrupt, of another version or parameters, full.

    The message names the store's file and what to do; the store itself is
    left as it was (a run is one transaction).
    """
