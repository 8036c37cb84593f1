"""Domain errors. The CLI turns each into a one-line message, never a traceback."""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator


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


#: What reading a value of a shape no audit writes raises: a number where a list goes, a list where
#: a number goes, an infinity where an integer goes or an integer too large for a float (OverflowError).
_SHAPE_ERRORS = (AttributeError, IndexError, KeyError, OverflowError, TypeError, ValueError)


@contextlib.contextmanager
def read_as_audit(path: str | os.PathLike[str] | None = None) -> Iterator[None]:
    """A document read in the block that is not shaped as provenance writes it: one ReportError.

    An edited or damaged audit.json (or a store's document) is one line
    naming ``path``, where given, rather than a traceback from deep in the
    code that reads it.
    """
    try:
        yield
    except _SHAPE_ERRORS as exc:
        where = f"{path}: " if path is not None else ""
        problem = f"{exc.__class__.__name__}: {exc}"
        raise ReportError(f"{where}not an audit.json this version can read ({problem})") from exc


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
