"""provenance.workers: the frozen heap that forked workers and object-heavy stages share."""

from __future__ import annotations

import gc

import pytest

from provenance.workers import freeze_made_so_far, frozen_heap


def test_nested_frozen_heaps_hand_objects_back_only_when_the_outermost_ends() -> None:
    """An inner block (a stage forking its workers inside the duplicate stage) must not thaw the outer one."""
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


def test_objects_made_inside_a_block_can_be_frozen_with_it() -> None:
    """freeze_made_so_far keeps a stage's results frozen until the block ends, and only inside a block."""
    with frozen_heap():
        before = gc.get_freeze_count()
        results = [[i] for i in range(1000)]
        freeze_made_so_far()
        assert gc.get_freeze_count() >= before + len(results)
    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError, match="outside"):
        freeze_made_so_far()
