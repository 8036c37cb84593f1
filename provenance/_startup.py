"""The ``provenance`` command's first line: a stop signal while it starts ends it with its one line.

Imported first by the package, before anything that takes time to import
(only modules Python has loaded when it starts, and :mod:`signal`): the
rest of the handling of stop signals is in :mod:`provenance.interrupts`,
whose imports took the 4 ms in which a Ctrl-C still printed a traceback.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from types import FrameType

TYPE_CHECKING = False  # typing itself takes 3 ms to import, the time this module is here to save
if TYPE_CHECKING:
    from provenance.interrupts import Handler


def abort_message(signum: int) -> str:
    """The one line a command stopped by ``signum`` ends with."""
    return f"Aborted ({signal.Signals(signum).name}): stopped before the end; no half-written output is left"


# The handlers guard_startup replaced, while its guard is in place.
_before_startup: dict[int, Handler] = {}


def guard_startup() -> None:
    """In the ``provenance`` command, a stop signal ends it at once with its one line until it takes over.

    Python raises KeyboardInterrupt for a Ctrl-C, and one that came while
    the command's modules were imported (its first 0.1 s) or its options
    parsed printed a traceback, or ended the run with status 1 and click's
    "Aborted!"; a SIGTERM then killed it without a word. Nothing is made
    before a command takes over (:func:`provenance.interrupts.stop_signals_raise`
    ends this guard), so nothing needs cleaning up: the line is written and
    the process ends with status 128 + the signal. Only in the command (its
    script, or ``python -m provenance``), not when the package is imported as
    a library; a signal before the package's first line (Python starting,
    its ``site`` module) is Python's to handle.
    """
    if _before_startup or not _runs_the_command():
        return
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            _before_startup[signum] = signal.signal(signum, _abort_at_startup)
    except ValueError:  # not in the main thread (the package imported by a thread): nothing is set
        end_startup()


def end_startup() -> None:
    """The handlers :func:`guard_startup` replaced, back (a no-op when it is not in place)."""
    while _before_startup:
        signum, handler = _before_startup.popitem()
        signal.signal(signum, signal.SIG_DFL if handler is None else handler)


def _abort_at_startup(signum: int, frame: FrameType | None) -> None:
    with contextlib.suppress(OSError):  # no stderr to write to: the status still says it
        os.write(2, f"{abort_message(signum)}\n".encode())
    os._exit(128 + signum)


def _runs_the_command() -> bool:
    """Whether this process is the ``provenance`` command: its script, or ``python -m provenance``."""
    argv = getattr(sys, "argv", None) or [""]
    if os.path.basename(argv[0]) in ("provenance", "provenance.exe"):
        return True
    if argv[0] != "-m":  # what it is while ``python -m`` imports the package of the module it runs
        return False
    options = iter(getattr(sys, "orig_argv", [])[1:])
    for option in options:
        if option.startswith("-m"):
            return (option[2:] or next(options, "")) == "provenance"
    return False
