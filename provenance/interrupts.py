"""SIGTERM stops a run the way Ctrl-C does, and steps that must not stop halfway finish first.

Python turns SIGINT (Ctrl-C) into :class:`KeyboardInterrupt`, so every
``finally`` block runs on the way out: staged outputs are removed, temporary
key folders too, and forked workers are stopped. SIGTERM, what ``kill``,
``timeout``, systemd and container runtimes send, killed the process at
once instead and left all of that behind. :func:`stop_signals_raise` makes
both raise :class:`Interrupted` in the main thread, and :func:`deferred`
holds them off while a set of files is being moved into place.

Before a command takes over (:func:`stop_signals_raise`), from the first
line of the package on, :func:`guard_startup` (:mod:`provenance._startup`)
makes either signal end the ``provenance`` command at once with its one
line, and a signal whose exception a library swallowed is raised again
(:func:`raise_if_swallowed`).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

from provenance._startup import abort_message, end_startup, guard_startup

__all__ = [
    "STOP_SIGNALS",
    "Interrupted",
    "abort_message",
    "deferred",
    "end_startup",
    "guard_startup",
    "raise_if_swallowed",
    "stop_signals_raise",
]

#: The signals that ask a run to stop and clean up.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

Handler = Callable[[int, FrameType | None], Any] | int | None


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived; a KeyboardInterrupt, so whatever handles Ctrl-C handles this too."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def exit_status(self) -> int:
        """The shell's convention for a process ended by a signal: 128 + its number (130, 143)."""
        return 128 + self.signum


def _in_main_thread() -> bool:
    # Python runs signal handlers, and lets them be set, in the main thread only.
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def _handling(handler: Handler) -> Iterator[dict[int, Handler]]:
    """``handler`` for every stop signal in the block; yields the handlers it replaced."""
    previous: dict[int, Handler] = {}
    try:
        for signum in STOP_SIGNALS:
            previous[signum] = signal.signal(signum, handler)
        yield previous
    finally:
        for number, replaced in previous.items():
            signal.signal(number, signal.SIG_DFL if replaced is None else replaced)


# The stop signal whose Interrupted was raised since the command took over, if any.
_raised: int | None = None


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    global _raised
    _raised = signum
    raise Interrupted(signum)


def raise_if_swallowed() -> None:
    """Raise again the :class:`Interrupted` of a stop signal that never reached the command.

    The exception of a signal that arrives while an extension module is
    being initialised can be lost in it: lxml.etree's ignores an error of the
    classes it registers with ``collections.abc``, and a Ctrl-C 0.2 s into an
    audit (as it imported lxml) was lost, the run going on to the end with
    status 0. Called where the run goes forward (each step of the progress
    shown, before outputs replace the old ones, at the command's end), in the
    main thread only; there, a stop signal could have raised as well.
    """
    if _raised is not None and _in_main_thread():
        raise Interrupted(_raised)


@contextlib.contextmanager
def stop_signals_raise() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Interrupted` in the block (in the main thread; elsewhere a no-op).

    It ends the startup guard (:func:`guard_startup`); a signal whose
    exception was swallowed in the block is raised at its end.
    """
    if not _in_main_thread():
        yield
        return
    global _raised
    end_startup()
    _raised = None
    with _handling(_raise_interrupted):
        yield
        raise_if_swallowed()


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """A stop signal that arrives in the block takes effect when the block ends, not in its middle.

    For steps that must finish once begun: replacing the five outputs one
    after the other is quick, and stopping after two of them would leave a
    folder that is neither the old audit nor the new one. The signal is then
    handled as it would have been (raised, default action or ignored).
    Outside the main thread this is a no-op: signals are not handled there.
    """
    if not _in_main_thread():
        yield
        return
    pending: list[int] = []
    replaced: dict[int, Handler] = {}
    try:
        with _handling(lambda signum, frame: pending.append(signum)) as previous:
            replaced = previous
            yield
    finally:
        # Also when the block failed: the signal still asked the run to stop.
        if pending:
            _deliver(pending[0], replaced[pending[0]])


def _deliver(signum: int, handler: Handler) -> None:
    """Handle ``signum`` now, as ``handler`` (a callable or SIG_DFL / SIG_IGN) would have."""
    if callable(handler):
        handler(signum, None)
    elif handler != signal.SIG_IGN:
        signal.raise_signal(signum)  # the default action, restored by now
