"""Worker processes: what every stage that forks them shares."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import multiprocessing.process
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

from provenance.errors import WorkerError
from provenance.interrupts import deferred

T = TypeVar("T")


_frozen_depth = 0


def gathered(
    parts: Iterable[list[T]], total: int, progress: Callable[[int, int], None] | None = None
) -> list[T]:
    """The items of ``parts`` (one list per chunk, from a pool or a plain loop) in one list, in order.

    ``progress(done, total)`` hears 0 first, then the items gathered after each chunk.
    """
    found: list[T] = []
    if progress:
        progress(0, total)
    for part in parts:
        found.extend(part)
        if progress:
            progress(len(found), total)
    return found


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Fork worker processes inside this block: they then share the parent's objects instead of copying them.

    A forked process shares the parent's memory until it writes to a page,
    and the garbage collector writes to every object it visits (its
    ``gc`` header): the first full collection in a worker copied the pages
    of every post and paragraph object of the parent, some 0.7 GB per worker
    at a million paragraphs. ``gc.freeze`` moves the objects that exist now
    out of the collector's reach, in the workers forked meanwhile too; they
    are handed back to it when the outermost of nested blocks ends.

    A process forked inside the block is also tied to this one (see
    :func:`_tie_to_parent`): it dies when its parent dies, and leaves
    SIGINT and SIGTERM to its parent.
    """
    global _frozen_depth
    gc.freeze()
    _frozen_depth += 1
    try:
        yield
    finally:
        _frozen_depth -= 1
        if not _frozen_depth:
            gc.unfreeze()


@contextlib.contextmanager
def own_garbage_collected() -> Iterator[None]:
    """Free the cyclic garbage a block leaves, walking only the objects made inside it.

    Jinja leaves a render's variables in reference cycles (its runtime
    ``Context`` objects and the compiled template's closures hold them), so
    what a report was built from outlived the render: 102,365 objects after
    the report of the generated 10,000-paragraph dump, until a full
    collection, which the writing stage, with the collector paused
    (:func:`collector_paused`), does not run. A full
    collection there would walk every post and pair of the audit; inside
    :func:`frozen_heap` it walks only what the block made.
    """
    with frozen_heap():
        try:
            yield
        finally:
            gc.collect()


_paused_depth = 0


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a stage that makes many objects and no cyclic garbage.

    Full collections are triggered by the number of objects made, and each
    walks every object not frozen (:func:`frozen_heap`). At a million
    paragraphs, building the pairs, the graph and the audit.json document
    triggered some fifty of them, 25-34 s of an end-to-end audit in scratch
    runs, and each found nothing to free (a ``gc.callbacks`` timer): these
    stages make trees of records, not cycles. Reference counting still frees
    everything as usual. A process forked meanwhile starts with the collector
    on, for its own objects (fork it inside :func:`frozen_heap`, so that
    collecting them does not copy the parent's pages). Nestable; the
    collector is switched back on (if it was on) when the outermost block
    ends.
    """
    global _paused_depth
    was_enabled = gc.isenabled()
    gc.disable()
    _paused_depth += 1
    try:
        yield
    finally:
        _paused_depth -= 1
        if was_enabled:
            gc.enable()


def _collector_on_in_child() -> None:
    global _paused_depth
    if _paused_depth:
        _paused_depth = 0
        gc.enable()


os.register_at_fork(after_in_child=_collector_on_in_child)


def _load_prctl() -> Callable[..., int] | None:
    """libc's ``prctl``, loaded once in the parent (a forked child should not have to load libraries)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return prctl


def _load_malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none (macOS, musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


_malloc_trim = _load_malloc_trim()


def release_free_memory() -> None:
    """Hand the C heap's free pages back to the system, between stages that made and dropped much.

    Paragraph texts and the stages' larger temporary buffers come from the C
    heap, not Python's own arenas. Freed in the middle of the heap, their
    pages stay in the process (its RSS and PSS) until ``malloc_trim`` returns
    them; the next stage then starts from what the audit holds, not from the
    last stage's high-water mark.
    """
    if _malloc_trim is not None:
        _malloc_trim(0)


_prctl = _load_prctl()
_PR_SET_PDEATHSIG = 1
#: How often a child without ``prctl`` looks whether its parent is still there.
PARENT_POLL_SECONDS = 0.5
_forking_pid = os.getpid()


def _note_forking_pid() -> None:
    global _forking_pid
    _forking_pid = os.getpid()


def _tie_to_parent() -> None:
    """In a worker just forked: die with the parent, and leave stopping to the parent.

    A parent killed with SIGKILL (by a user, or by the out-of-memory killer)
    runs no cleanup: its workers, blocked on a pipe or a task queue whose
    other end a sibling still holds, would wait forever with their memory
    (88-132 MB each). On Linux the kernel sends the child SIGKILL when its
    parent dies (``PR_SET_PDEATHSIG``; the "parent" is the forking thread,
    and every worker is forked and waited for by the thread that runs the
    stage). Elsewhere a thread of the child watches for the parent's pid to
    change (the child is then re-parented) and ends the child. A parent
    that died before any of this had started is caught by the same pid test.

    SIGINT is ignored: Ctrl-C reaches the whole process group, and a worker
    interrupted while waiting for work printed a traceback; the parent
    stops its workers itself (:meth:`ForkedCall.close`, the pools' shutdown).
    SIGTERM takes its default action again instead of a handler the parent
    may have installed to clean up (:mod:`provenance.interrupts`).
    """
    if not _frozen_depth:
        return  # not a worker of ours: a library user's own fork is left alone
    parent = _forking_pid
    with contextlib.suppress(ValueError):  # only in the main thread, which the forking thread now is
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if _prctl is not None and _prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0:
        if os.getppid() != parent:
            os._exit(1)
        return
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()


def _exit_when_orphaned(parent: int) -> None:
    """The portable fallback of :func:`_tie_to_parent`: poll the parent's pid."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


os.register_at_fork(before=_note_forking_pid, after_in_child=_tie_to_parent)


@contextlib.contextmanager
def forked_pool(max_workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool of workers forked inside :func:`frozen_heap`: they share our memory and die with us.

    Forked wherever the platform can (the default start method differs
    between platforms and Python versions): a worker started otherwise
    would copy what it needs and not be tied to this process.
    """
    forkable = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork") if forkable else None
    with frozen_heap():
        pool = ProcessPoolExecutor(max_workers=max_workers, mp_context=context)
        try:
            with _death_told():
                yield pool
        except BaseException:
            _stop_workers(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


#: What the workers of :func:`each_in_forked_chunks` read: set just before they are
#: forked, so that they inherit the function and the items instead of receiving
#: them pickled (unpickling the posts and compiling the outlet-name pattern again
#: in each worker took a third of the mention step's time at 100,000 paragraphs).
_chunk_input: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def _apply_to_chunk(first: int, last: int) -> list[Any]:
    assert _chunk_input is not None
    function, items = _chunk_input
    return [function(item) for item in items[first:last]]


def each_in_forked_chunks(
    function: Callable[[Any], T],
    items: Sequence[Any],
    workers: int,
    chunk: int,
    progress: Callable[[int, int], None] | None = None,
    min_items: int = 0,
) -> list[T]:
    """``[function(item) for item in items]``, in ``workers`` forked processes, ``chunk`` items per task.

    For a step whose items are independent of each other and whose results
    are small beside them (the posts of a dump, read for mentions or credits):
    the workers are forked with ``function`` and ``items`` already in memory
    and are sent only the bounds of each chunk. One process does it all where
    ``workers`` is below 2, there are fewer than ``min_items`` items or one
    chunk, or the platform cannot fork.
    ``progress(done, total)`` hears the items done, a chunk at a time.
    """
    global _chunk_input
    starts = list(range(0, len(items), chunk))
    stops = [min(start + chunk, len(items)) for start in starts]
    if (
        workers < 2
        or len(items) < min_items
        or len(starts) < 2
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return gathered(
            ([function(item) for item in items[a:b]] for a, b in zip(starts, stops, strict=True)),
            len(items),
            progress,
        )
    _chunk_input = (function, items)
    try:
        with forked_pool(min(workers, len(starts))) as pool:
            return gathered(pool.map(_apply_to_chunk, starts, stops), len(items), progress)
    finally:
        _chunk_input = None


@contextlib.contextmanager
def _death_told() -> Iterator[None]:
    """A pool worker that died (killed, most often by the out-of-memory killer): a :class:`WorkerError`.

    The pool says only that it is broken; the user is told what most likely
    happened and what to do, as for a forked call (:func:`_ended`).
    """
    try:
        yield
    except BrokenProcessPool as exc:
        raise WorkerError(
            "a worker process died before its task was done, most likely because the machine ran out "
            "of memory; --jobs 1 runs every step one after the other in one process"
        ) from exc


#: The pool of :func:`reserved_workers`, with the pid of the process that forked it.
_reserved: tuple[int, ProcessPoolExecutor] | None = None


@contextlib.contextmanager
def reserved_workers(count: int) -> Iterator[None]:
    """Fork ``count`` workers now, while this process is small, for the later steps whose input is pickled.

    A worker forked late in an audit shares the parent's heap, posts and
    paragraph texts included. The steps that hash words, align pairs and
    read edits pickle their chunks' texts to the workers, and pickling a
    text writes its reference count, so the parent gets its own copy of
    every page it sends while the workers keep the old one: at 2.4 million
    paragraphs some 1.7 GB held by the workers alone while the words were
    hashed, 1.5 GB while pairs were aligned and 1.2 GB while edits were
    read (``benchmarks/bench_audit.py`` prints this split). Workers forked
    before the dump is read share nothing of it. Inside this block,
    :func:`task_pool` hands out this pool instead of forking one.

    The steps that read the parent's arrays in place (the indexes,
    verification, post reuse, mentions) still fork when they start: that is
    how they see those arrays without copying them.
    """
    global _reserved
    if count < 2 or "fork" not in multiprocessing.get_all_start_methods() or _reserved is not None:
        yield
        return
    with frozen_heap():  # the workers are tied to this process (_tie_to_parent)
        pool = ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("fork"))
        try:
            pool.submit(os.getpid).result()  # a forking pool starts all its workers at the first task
        except BaseException:
            _stop_workers(pool)
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    _reserved = (os.getpid(), pool)
    try:
        yield
    except BaseException:
        _stop_workers(pool)
        raise
    finally:
        _reserved = None
        pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def task_pool(max_workers: int) -> Iterator[Executor]:
    """A pool for tasks that receive their whole input pickled: the reserved one, if any, else a forked one.

    The reserved pool (:func:`reserved_workers`) may have more workers than
    ``max_workers``; it is left running when the block ends. A step that
    fails inside the block leaves it to :func:`reserved_workers` to stop them.
    """
    reserved = _reserved
    if reserved is not None and reserved[0] == os.getpid():
        with _death_told():
            yield reserved[1]
        return
    with forked_pool(max_workers) as pool:
        yield pool


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End a pool's workers now, when the stage failed or was interrupted.

    A plain shutdown waits for the chunks that are running, and the workers
    ignore Ctrl-C (:func:`_tie_to_parent`). They hold no temporary files, so
    SIGTERM (its default action in them) loses nothing.
    """
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
        return
    processes: dict[int, multiprocessing.process.BaseProcess] = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(OSError, ValueError):
            process.terminate()


#: How long :meth:`ForkedCall.close` waits for a process it asked to stop before killing it.
STOP_SECONDS = 10.0


def _stop_on_terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _run_in_child(conn: Connection, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """The forked process: compute, send the result (or the error) back, and exit.

    A forked process is handed ``function`` and ``args`` in memory, not
    pickled: it inherits them (arrays included) copy-on-write. When the
    parent stops it (its own steps failed or were interrupted), SIGTERM
    becomes SystemExit, so ``finally`` blocks run and temporary files
    (spilled buckets) are removed.

    Files owned by objects that no ``finally`` block closes (a local
    variable holding an :class:`~provenance.ownership.OwnedFolder` when
    the signal came) are removed when the objects are freed. The error's
    traceback holds the stopped call's frames, and this frame holds the
    error: a reference cycle, which only the garbage collector frees, and a
    forked process exits without a last collection. So this frame lets go
    of the outcome and collects before the process exits.
    """
    signal.signal(signal.SIGTERM, _stop_on_terminate)
    try:
        outcome: tuple[str, Any] = ("ok", function(*args))
    except BaseException as exc:  # handed to the parent, which raises it
        outcome = ("error", exc)
    try:
        conn.send(outcome)
    finally:
        conn.close()
        del outcome
        gc.collect()


def _ended(name: str, exitcode: int | None) -> str:
    """Why a worker's result never came, in words a user can act on."""
    if exitcode is not None and exitcode < 0:
        try:
            signame = signal.Signals(-exitcode).name
        except ValueError:
            signame = f"signal {-exitcode}"
        why = f"the {name} process was killed ({signame})"
        if exitcode == -signal.SIGKILL:
            why += ", most likely because the machine ran out of memory"
    else:
        why = f"the {name} process ended with exit code {exitcode}"
    return f"{why}; --jobs 1 runs every step one after the other in one process"


class ForkedCall(Generic[T]):
    """``function(*args)``, either running in a forked process from now on or computed when asked for.

    Forked when ``fork`` is true and the platform can fork: the work then
    runs beside the caller's own. The process exits as soon as it has sent
    its result, which a thread of the caller receives at once: an idle
    process would keep its memory (some 1.2 GB for the post-reuse step at a
    million paragraphs) through the rest of the stage. An error in the
    process is raised again in the caller; its death is reported as a
    :class:`~provenance.errors.WorkerError` naming ``name``.
    """

    def __init__(self, name: str, function: Callable[..., T], args: tuple[Any, ...], fork: bool) -> None:
        self._name = name
        self._function = function
        self._args = args
        self._process: multiprocessing.process.BaseProcess | None = None
        self._receiver: threading.Thread | None = None
        self._outcome: tuple[str, Any] | None = None
        if fork and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            receive, send = context.Pipe(duplex=False)
            try:
                # A stop signal during the fork waits until the process is known, then stops it
                # here: raised in start(), after the fork, it left a child no caller could close,
                # which went on writing a graph file the interrupted run had already cleared.
                with deferred():
                    with frozen_heap():
                        self._process = context.Process(
                            target=_run_in_child, args=(send, function, args), daemon=True
                        )
                        self._process.start()
                    self._receiver = threading.Thread(target=self._receive, args=(receive,), daemon=True)
                    self._receiver.start()
            except BaseException:
                send.close()  # first: the receiver hears the end of the pipe only once every sender is closed
                self.close()
                raise
            finally:
                send.close()

    def _receive(self, conn: Connection) -> None:
        try:
            self._outcome = conn.recv()
        except (EOFError, OSError):
            self._outcome = None  # the process died without a word: __call__ says so
        finally:
            conn.close()

    @property
    def forked(self) -> bool:
        """Whether the call runs in its own process (so the caller may drop what only it needs)."""
        return self._process is not None

    def __call__(self) -> T:
        """The result: computed now if not forked, else waited for (and the process reaped)."""
        if self._process is None or self._receiver is None:
            return self._function(*self._args)
        self._receiver.join()
        self._process.join()
        if self._outcome is None:
            raise WorkerError(_ended(self._name, self._process.exitcode))
        status, value = self._outcome
        if status == "error":
            raise value
        result: T = value
        return result

    def close(self) -> None:
        """Stop the process, if any (also when the caller's own steps failed or were interrupted).

        SIGTERM lets it remove its temporary files; one busy in a long
        numpy call only sees it when the call returns, so after
        :data:`STOP_SECONDS` it is killed (its files are then cleared by the
        next run, :mod:`provenance.ownership`).
        """
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(STOP_SECONDS)
                if self._process.is_alive():
                    self._process.kill()
            self._process.join()
            if self._receiver is not None:
                self._receiver.join()
            self._process = None
