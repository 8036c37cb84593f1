"""provenance.workers: the frozen heap that forked workers and object-heavy stages share."""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.process
import os
import shutil
import signal
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from provenance import ownership, workers
from provenance.workers import ForkedCall, collector_paused, frozen_heap, release_free_memory


def test_nested_frozen_heaps_hand_objects_back_only_when_the_outermost_ends() -> None:
    """An inner block (a step forking its workers inside a larger block) must not thaw the outer one."""
    assert gc.get_freeze_count() == 0
    kept = [object() for _ in range(10)]
    with frozen_heap():
        outer = gc.get_freeze_count()
        assert outer >= len(kept)
        with frozen_heap():
            assert gc.get_freeze_count() >= outer
        assert gc.get_freeze_count() >= outer, "the inner block thawed the outer one"
    assert gc.get_freeze_count() == 0
    del kept


def test_a_frozen_heap_is_thawed_after_an_error() -> None:
    """An exception inside the block still hands the objects back to the collector."""
    try:
        with frozen_heap(), frozen_heap():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert gc.get_freeze_count() == 0


def test_a_paused_collector_is_switched_back_on_by_the_outermost_block_only() -> None:
    """Nested pauses keep the collector off until the outermost ends, and leave it off if it was off."""
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled(), "the inner block switched the collector on"
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled(), "a collector the caller had switched off was switched on"
    finally:
        gc.enable()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def _report_collector(conn: Connection) -> None:
    conn.send(gc.isenabled())
    conn.close()


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_a_process_forked_while_the_collector_is_paused_starts_with_it_on() -> None:
    """Workers forked inside a paused stage collect their own garbage as usual."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    with collector_paused():
        child = context.Process(target=_report_collector, args=(send,))
        child.start()
        send.close()
        assert receive.recv() is True
        child.join()
        assert not gc.isenabled()


def _pid_and_square(x: int) -> tuple[int, int]:
    import os

    return os.getpid(), x * x


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


@pytest.mark.skipif(workers._malloc_trim is None, reason="no glibc malloc_trim here")
def test_free_memory_in_the_middle_of_the_c_heap_goes_back_to_the_system() -> None:
    """Texts freed between others that stay keep their pages until release_free_memory returns them.

    Strings of over 512 bytes come from the C heap; one in 32 kept alive pins
    the heap's top, so free() alone gives nothing back.
    """
    texts = ["x" * 2000 + str(i) for i in range(100_000)]  # about 200 MB
    kept = texts[::32]
    del texts
    before = _rss_mb()
    release_free_memory()
    after = _rss_mb()
    assert before - after > 100, (before, after)
    del kept  # alive until here, pinning the heap


def test_a_forked_call_asked_twice_gives_its_one_result_both_times() -> None:
    """The duplicate stage waits for the post-reuse process before aligning, then asks for its result."""
    import os

    job = ForkedCall("square", _pid_and_square, (7,), fork=True)
    try:
        assert job.forked
        first = job()
        assert first[1] == 49 and first[0] != os.getpid()  # computed in the forked process
        assert job() == first  # the same result, not a second run
    finally:
        job.close()


def _hold_a_folder_and_wait(seconds: float) -> int:
    from provenance.ownership import OwnedFolder

    folder = OwnedFolder()  # closed by no finally block: only freeing it removes the folder
    time.sleep(seconds)
    return len(folder.name)


def test_a_stopped_forked_call_removes_a_folder_only_a_local_variable_held(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Stopped mid-call, the process frees the call's frames before it exits, so their folders go too.

    The error's traceback and the frame holding it form a cycle that only the
    collector frees; without a collection the folder outlived the process.
    """
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    job = ForkedCall("hold", _hold_a_folder_and_wait, (60.0,), fork=True)
    try:
        deadline = time.monotonic() + 30
        while not list(tmp_path.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert list(tmp_path.iterdir()), "the forked process made no folder"
    finally:
        job.close()
    assert list(tmp_path.iterdir()) == []


def test_a_folder_removal_interrupted_by_a_stop_signal_is_finished(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A stop signal's exception in the middle of the removal: the rest is removed, then it goes on."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    folder = ownership.OwnedFolder()
    for i in range(3):
        (Path(folder.name) / f"bucket-{i}.bin").write_bytes(b"x")
    real_rmtree = shutil.rmtree
    calls = []

    def interrupted_rmtree(path: str, ignore_errors: bool = False) -> None:
        calls.append(path)
        if len(calls) == 1:
            next(Path(path).glob("bucket-*")).unlink()  # part of the work, then the signal
            raise KeyboardInterrupt
        real_rmtree(path, ignore_errors=ignore_errors)

    monkeypatch.setattr(ownership.shutil, "rmtree", interrupted_rmtree)
    with pytest.raises(KeyboardInterrupt):
        folder.cleanup()
    assert len(calls) == 2
    assert list(tmp_path.iterdir()) == []


def test_a_stop_signal_while_a_folder_is_made_waits_until_the_folder_is_owned(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """SIGTERM between making the folder and handing it to its finalizer: the folder is still removed."""

    class Stopped(Exception):
        pass

    def stop(signum: int, frame: object) -> None:
        raise Stopped

    real_mkdtemp = tempfile.mkdtemp

    def mkdtemp_then_signal(*args: object, **kwargs: object) -> str:
        name = real_mkdtemp(*args, **kwargs)  # type: ignore[call-overload]
        os.kill(os.getpid(), signal.SIGTERM)  # handled at once, unless held back
        return str(name)

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(ownership.tempfile, "mkdtemp", mkdtemp_then_signal)
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        with pytest.raises(Stopped):
            ownership.OwnedFolder()
    finally:
        signal.signal(signal.SIGTERM, previous)
    gc.collect()  # the half-made object is held by the exception's frames until collected
    assert list(tmp_path.iterdir()) == []


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def test_a_stop_signal_during_the_fork_stops_the_forked_process_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGTERM just after the fork, before the call is handed back: the process is stopped, not orphaned.

    Raised inside ``start()``, the signal left a process no caller held: it went on writing a graph
    file the interrupted audit had already cleared, a temporary file left beside its outputs.
    """

    class Stopped(Exception):
        pass

    def stop(signum: int, frame: object) -> None:
        raise Stopped

    started: list[int] = []
    real_start = multiprocessing.process.BaseProcess.start

    def start_then_signal(self: multiprocessing.process.BaseProcess) -> None:
        real_start(self)
        started.append(self.pid or 0)
        os.kill(os.getpid(), signal.SIGTERM)  # handled at once, unless held back

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", start_then_signal)
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        with pytest.raises(Stopped):
            ForkedCall("sleep", _sleep, (60.0,), fork=True)
    finally:
        signal.signal(signal.SIGTERM, previous)
    (pid,) = started
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: stopped and waited for, not left running


# Set after the reserved workers are forked: they must not see it.
_set_late: str | None = None


def _late_value_and_pid(_: object) -> tuple[str | None, int]:
    return _set_late, os.getpid()


def test_reserved_workers_are_forked_before_what_the_block_makes_and_serve_every_task_pool() -> None:
    """Forked on entry, the workers share none of the dump read later; each step's task pool is that pool."""
    global _set_late
    with workers.reserved_workers(2):
        _set_late = "read after the workers were forked"
        try:
            with workers.task_pool(2) as first, workers.task_pool(1) as second:
                assert first is second
                seen = list(first.map(_late_value_and_pid, range(8)))
        finally:
            _set_late = None
        children = {p.pid for p in multiprocessing.active_children()}
    assert {value for value, _ in seen} == {None}
    pids = {pid for _, pid in seen}
    assert os.getpid() not in pids and pids <= children
    # The block's end stops them; a task pool outside it forks its own workers.
    assert not pids & {p.pid for p in multiprocessing.active_children()}
    with workers.task_pool(2) as pool:
        assert not {pid for _, pid in pool.map(_late_value_and_pid, range(4))} & pids


def _task_pool_is_reserved(_: object) -> bool:
    with workers.task_pool(2) as pool:
        reserved = workers._reserved
        return reserved is not None and pool is reserved[1]


def test_a_process_forked_inside_the_block_forks_its_own_task_pool() -> None:
    """A forked call inherits the module's pool object, which in a child has no workers behind it."""
    with workers.reserved_workers(2):
        job = ForkedCall("probe", _task_pool_is_reserved, (None,), fork=True)
        try:
            assert job() is False
        finally:
            job.close()


def _die(_: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize("reserved", [False, True])
def test_a_pool_worker_that_dies_is_a_worker_error_that_says_what_to_do(reserved: bool) -> None:
    """The out-of-memory killer's SIGKILL breaks the pool; the user reads why and what to try."""
    with (
        workers.reserved_workers(2 if reserved else 0),
        pytest.raises(workers.WorkerError, match="ran out of memory; --jobs 1"),
        workers.task_pool(2) as pool,
    ):
        list(pool.map(_die, range(2)))
    assert not multiprocessing.active_children()


def test_reserved_workers_are_stopped_when_the_block_fails() -> None:
    with pytest.raises(ValueError, match="stage failed"), workers.reserved_workers(2):
        assert len(multiprocessing.active_children()) == 2
        raise ValueError("stage failed")
    assert not multiprocessing.active_children()


def test_one_reserved_worker_or_none_forks_nothing() -> None:
    for count in (0, 1):
        with workers.reserved_workers(count):
            assert workers._reserved is None
            assert not multiprocessing.active_children()
