"""Domain errors. The CLI turns each into a one-line message, never a traceback."""


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
