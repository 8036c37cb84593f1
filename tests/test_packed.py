"""A pair's alignment and edits are held packed (models.Alignment, models.Edits) and read as records."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

import provenance.edits as edits_module
from provenance.edits import edits, edits_many
from provenance.models import Alignment, Edit, Edits, Segment

_OFFSET = st.integers(min_value=0, max_value=2**40)
_SEGMENT = st.builds(
    Segment, st.sampled_from(["equal", "replace", "delete", "insert"]), _OFFSET, _OFFSET, _OFFSET, _OFFSET
)


@given(st.lists(_SEGMENT, max_size=12))
def test_an_alignment_reads_back_the_segments_it_was_given(segments: list[Segment]) -> None:
    alignment = Alignment(segments)
    as_tuple = tuple(segments)
    assert tuple(alignment) == as_tuple and list(alignment) == segments
    assert alignment == as_tuple and as_tuple == alignment and alignment == segments
    assert hash(alignment) == hash(as_tuple)
    assert len(alignment) == len(segments) and bool(alignment) == bool(segments)
    assert alignment[1:3] == as_tuple[1:3] and alignment[::-1] == as_tuple[::-1]
    for index in range(-len(segments), len(segments)):
        assert alignment[index] == segments[index]
    assert pickle.loads(pickle.dumps(alignment)) == alignment
    assert Alignment((s.op, s.a_start, s.a_end, s.b_start, s.b_end) for s in segments) == alignment


def test_reading_past_the_end_raises_index_error() -> None:
    alignment = Alignment([Segment("equal", 0, 3, 0, 3)])
    with pytest.raises(IndexError):
        alignment[1]
    with pytest.raises(IndexError):
        alignment[-2]
    assert Alignment() != [Segment("equal", 0, 3, 0, 3)] and Alignment() == ()


@given(st.text(max_size=80), st.text(max_size=80))
def test_packed_edits_equal_the_edits_read_directly(source: str, copy: str) -> None:
    """The spans' texts come back as slices of the texts the packed edits keep, both ways round."""
    found = edits(source, copy)
    packed = Edits.of(found, source, copy)
    assert packed == found and tuple(packed) == found and hash(packed) == hash(found)
    assert pickle.loads(pickle.dumps(packed)) == found
    assert packed.swapped() == tuple(
        Edit(e.kind, e.b_start, e.b_end, e.a_start, e.a_end, e.b_text, e.a_text) for e in found
    )
    assert packed.swapped().swapped() == found


def test_edits_whose_texts_are_not_their_spans_are_refused() -> None:
    with pytest.raises(ValueError, match="spans"):
        Edits.of([Edit("number", 0, 1, 0, 1, "1", "9")], "2 apples", "9 apples")


@pytest.mark.parametrize("workers", [1, 2])
def test_edits_many_equals_edits_job_by_job(monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    """In order, repeated jobs and identical texts included, in worker processes or not."""
    texts = [
        "The ministry said forty people were hurt on Monday.",
        "The ministry said fifty people were hurt on Tuesday, reportedly.",
        "Officials said nothing.",
        "",
    ]
    jobs = [(a, b) for a in texts for b in texts] * 2
    monkeypatch.setattr(edits_module, "PARALLEL_MIN_JOBS", 1)
    monkeypatch.setattr(edits_module, "EDITS_CHUNK", 3)
    found = edits_many(jobs, workers)
    assert found == [edits(a, b) for a, b in jobs]
    assert all(isinstance(f, Edits) for f in found)


def test_the_duplicate_stage_keeps_alignments_and_edits_packed() -> None:
    """On the seed each pair holds packed records, and its edits are those read from source to copy."""
    import provenance
    from tests.conftest import SEED

    result = provenance.audit([SEED])
    text = {(p.id, q.index): q.text for p in result.corpus.posts for q in p.paragraphs}
    assert result.pairs and any(pair.edits for pair in result.pairs)
    for pair in result.pairs:
        assert isinstance(pair.alignment, Alignment) and isinstance(pair.edits, Edits)
        a, b = text[(pair.a.post, pair.a.paragraph)], text[(pair.b.post, pair.b.paragraph)]
        if pair.source == "b":
            assert tuple(pair.edits) == tuple(
                Edit(e.kind, e.b_start, e.b_end, e.a_start, e.a_end, e.b_text, e.a_text) for e in edits(b, a)
            )
        else:
            assert tuple(pair.edits) == edits(a, b)
    assert any(cluster.edits for cluster in result.dedup.clusters)
    for cluster in result.dedup.clusters:
        for _, changes in cluster.edits:
            assert isinstance(changes, Edits) and changes


def test_audit_json_writes_packed_and_plain_records_alike() -> None:
    """The document's pairs and clusters are the same whether the records are packed or plain tuples."""
    from dataclasses import replace

    import provenance
    from provenance.export import audit_to_dict
    from tests.conftest import SEED

    result = provenance.audit([SEED])
    packed = audit_to_dict(result)
    packed_pairs, packed_clusters = list(packed["pairs"]), list(packed["clusters"])
    assert any(pair["edits"] for pair in packed_pairs) and any(c["edits"] for c in packed_clusters)
    result.dedup.pairs[:] = [
        replace(pair, alignment=tuple(pair.alignment), edits=tuple(pair.edits)) for pair in result.dedup.pairs
    ]
    result.dedup.clusters[:] = [
        replace(c, edits=tuple((member, tuple(edits)) for member, edits in c.edits))
        for c in result.dedup.clusters
    ]
    assert not any(isinstance(pair.edits, Edits) for pair in result.pairs)
    plain = audit_to_dict(result)
    assert list(plain["pairs"]) == packed_pairs and list(plain["clusters"]) == packed_clusters
