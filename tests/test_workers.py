"""provenance.workers: the frozen heap that forked workers and object-heavy stages share."""

from __future__ import annotations

import gc
import multiprocessing
from multiprocessing.connection import Connection

import pytest

from provenance.workers import ForkedCall, collector_paused, frozen_heap


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
