"""The audit.json document's long lists are made item by item as they are read (export.Items)."""

from __future__ import annotations

import operator

import pytest

from provenance.export import Items


def test_items_make_each_item_when_read_and_compare_as_the_list() -> None:
    made: list[int] = []

    def make(n: int) -> dict[str, int]:
        made.append(n)
        return {"n": n}

    items = Items([1, 2, 3], make)
    assert made == []  # nothing is made up front
    assert len(items) == 3 and bool(items)
    assert items[1] == {"n": 2} and made == [2]
    assert items[-1] == {"n": 3}
    assert items[0:2] == [{"n": 1}, {"n": 2}]
    assert items == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert operator.eq([{"n": 1}, {"n": 2}, {"n": 3}], items)  # from the list's side too
    assert items != [{"n": 1}, {"n": 2}]
    assert not Items([], make) and Items([], make) == []
    with pytest.raises(TypeError):
        hash(items)
