"""The library API and the exports: audit.json shape, CSV, graph files, atomic and deterministic writes."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import networkx as nx
import pytest

import provenance
import provenance.graph
from provenance import export
from provenance.config import AuditConfig
from provenance.errors import InputError
from provenance.models import Audit

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "islamic-state-whats-next.txt"


@pytest.fixture(scope="module")
def seed_audit() -> Audit:
    return provenance.audit(SEED)


def test_audit_json_has_the_documented_fields(seed_audit: Audit) -> None:
    """Every post, pair, reprint and outlet has the fields docs/audit-json.md promises."""
    doc = export.audit_to_dict(seed_audit)
    post = doc["posts"][0]
    assert set(post) >= {"id", "title", "date", "source", "citation", "paragraphs", "reuse"}
    assert set(post["source"]) == {"path", "line_start", "line_end"}
    assert set(post["citation"]) >= {"outlet", "author", "date"}
    assert set(post["paragraphs"][0]) >= {"index", "line", "text"}
    pair = doc["pairs"][0]
    assert set(pair) >= {"a", "b", "kind", "jaccard", "containment", "alignment"}
    assert set(pair["a"]) == {"post", "paragraph"}
    assert set(doc["reprints"][0]) >= {"source", "copy", "shared_paragraphs", "share_of_source", "decided_by"}
    assert set(doc["outlets"][0]) >= {"name", "aliases", "cited_by", "mentioned_by"}
    assert doc["params"]["threshold"] == 0.5 and doc["params"]["num_perm"] == 128
    assert doc["unparsed"] == [] and doc["skipped"] == []
    json.dumps(export.materialized(doc))  # serialisable once its items are made


def test_summary_counts_match_the_lists(seed_audit: Audit) -> None:
    """The summary block agrees with the lists it summarises."""
    doc = export.audit_to_dict(seed_audit)
    summary = doc["summary"]
    assert summary["posts"] == len(doc["posts"]) == 7
    assert summary["pairs"] == len(doc["pairs"]) == sum(summary["pairs_by_kind"].values())
    assert summary["pairs_inside_posts"] + summary["pairs_across_posts"] == summary["pairs"]
    assert 0 < summary["copied_share_inside"] < 1
    assert 0 < summary["copied_share_across"] < 1


def test_contained_pairs_name_the_shorter_paragraph_first(seed_audit: Audit) -> None:
    """For `contained` pairs, `a` is the shorter paragraph, as the schema says."""
    texts = {(p.id, q.index): q.text for p in seed_audit.posts for q in p.paragraphs}
    contained = [p for p in seed_audit.pairs if p.kind == "contained"]
    assert contained
    for pair in contained:
        a, b = texts[(pair.a.post, pair.a.paragraph)], texts[(pair.b.post, pair.b.paragraph)]
        assert len(a.split()) * 1.5 <= len(b.split())


def test_outputs_are_all_written_and_readable(seed_audit: Audit, tmp_path: Path) -> None:
    """write_outputs writes the report, JSON, CSV and both graph formats, each readable by its tool."""
    written = export.write_outputs(seed_audit, tmp_path)
    assert sorted(written) == sorted(export.OUTPUT_FILES)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "pairs.csv").read_text(encoding="utf-8"))))
    assert len(rows) == len(seed_audit.pairs)
    assert {r["kind"] for r in rows} == {"exact", "near", "contained"}
    assert nx.read_graphml(tmp_path / "graph.graphml").number_of_nodes() > 0
    assert nx.read_gexf(tmp_path / "graph.gexf").number_of_nodes() > 0
    assert "<html" in (tmp_path / "report.html").read_text(encoding="utf-8").lower()


def test_audit_json_reads_back_as_the_document_one_item_per_line(seed_audit: Audit, tmp_path: Path) -> None:
    """audit.json is written field by field (C encoder per item): it loads back equal to the document,
    with each post and each pair on a line of its own, so a reader can also grep it."""
    export.write_outputs(seed_audit, tmp_path)
    text = (tmp_path / "audit.json").read_text(encoding="utf-8")
    doc = export.audit_to_dict(seed_audit)
    assert json.loads(text) == json.loads(json.dumps(export.materialized(doc)))
    lines = text.splitlines()
    for post in doc["posts"]:
        assert (
            json.dumps(post, ensure_ascii=False) + "," in lines
            or json.dumps(post, ensure_ascii=False) in lines
        )
    assert sum(1 for line in lines if line.startswith('{"a": {"post": ')) == len(doc["pairs"])
    # Empty lists and other values stay on their key's line.
    assert '"unparsed": []' in text


def test_interrupted_write_leaves_previous_outputs_intact(
    seed_audit: Audit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If writing any output fails, every previous output stays as it was and no temp file is left."""
    export.write_outputs(seed_audit, tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def broken_graphml(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # as if the user pressed Ctrl-C mid-write

    monkeypatch.setattr(provenance.graph, "write_graphml", broken_graphml)
    with pytest.raises(KeyboardInterrupt):
        export.write_outputs(seed_audit, tmp_path)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before


def test_graph_files_from_a_forked_writer_are_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With two workers, a forked process writes the graph files: byte for byte what one process writes."""
    two = provenance.audit(SEED, AuditConfig(jobs=2))
    forks: list[bool] = []
    real = export.ForkedCall.__init__

    def recording(self: export.ForkedCall[None], *args: object, **kwargs: object) -> None:
        real(self, *args, **kwargs)  # type: ignore[arg-type]
        forks.append(self.forked)

    monkeypatch.setattr(export.ForkedCall, "__init__", recording)
    monkeypatch.setattr(export, "PARALLEL_GRAPH_MIN_ELEMENTS", 0)
    progress: list[tuple[str, int, int | None]] = []
    export.write_outputs(two, tmp_path / "forked", progress=lambda *step: progress.append(step))
    monkeypatch.setattr(export, "PARALLEL_GRAPH_MIN_ELEMENTS", 10**9)
    export.write_outputs(two, tmp_path / "serial")
    # Above the largest size, memory outweighs time: no fork either.
    monkeypatch.setattr(export, "PARALLEL_GRAPH_MIN_ELEMENTS", 0)
    monkeypatch.setattr(export, "PARALLEL_GRAPH_MAX_ELEMENTS", 10)
    export.write_outputs(two, tmp_path / "large")
    assert forks == [True, False, False]
    assert_same_outputs(tmp_path / "forked", tmp_path / "serial")
    files = len(export.OUTPUT_FILES)
    assert progress[0] == ("writing", 0, files) and progress[-1] == ("writing", files, files)


def test_a_failing_forked_graph_writer_leaves_previous_outputs_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error in the forked graph writer reaches the caller; every previous output stays as it was."""
    two = provenance.audit(SEED, AuditConfig(jobs=2))
    export.write_outputs(two, tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def broken_gexf(*args: object, **kwargs: object) -> None:
        raise ValueError("gexf writer failed")

    monkeypatch.setattr(export, "PARALLEL_GRAPH_MIN_ELEMENTS", 0)
    monkeypatch.setattr(provenance.graph, "write_gexf", broken_gexf)
    with pytest.raises(ValueError, match="gexf writer failed"):
        export.write_outputs(two, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def assert_same_outputs(first: Path, second: Path) -> None:
    """Every output file the same, byte for byte, but audit.json's timings (the report's build time
    is recorded as it is measured, so it differs from run to run)."""
    for name in export.OUTPUT_FILES:
        if name == "audit.json":
            one, two = (json.loads((folder / name).read_text("utf-8")) for folder in (first, second))
            assert one.pop("timings").keys() == two.pop("timings").keys()
            assert one == two
            continue
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_same_input_gives_the_same_outputs(seed_audit: Audit, tmp_path: Path) -> None:
    """Two audits of the seed write identical files, apart from the generation time and timings."""
    again = provenance.audit(SEED)
    again.generated_at = seed_audit.generated_at
    again.timings = seed_audit.timings
    first, second = tmp_path / "1", tmp_path / "2"
    export.write_outputs(seed_audit, first)
    export.write_outputs(again, second)
    assert_same_outputs(first, second)


def test_nothing_readable_raises_input_error(tmp_path: Path) -> None:
    """A dump with no posts at all is an InputError naming the file, not an empty report."""
    (tmp_path / "notes.txt").write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(InputError, match=r"notes\.txt"):
        provenance.audit([tmp_path])


def test_strict_fails_on_warnings(tmp_path: Path) -> None:
    """--strict (config.strict) turns an invalid date warning into an InputError naming file:line."""
    dump = tmp_path / "dump.txt"
    dump.write_text("A title\n\nFebruary 30, 2017\n\nSome text of the post.\n", encoding="utf-8")
    relaxed = provenance.audit(dump)
    assert relaxed.posts[0].date is None
    with pytest.raises(InputError, match=re.escape(f"{dump}:3")):
        provenance.audit(dump, AuditConfig(strict=True))


def test_a_fresh_document_writes_the_same_json_as_its_materialized_copy(seed_audit: Audit) -> None:
    """Its long lists are made as they are read (export.Items), and written the same as lists."""
    doc = export.audit_to_dict(seed_audit)
    assert isinstance(doc["posts"], export.Items) and isinstance(doc["pairs"], export.Items)
    copy = export.materialized(doc)
    assert all(not isinstance(value, export.Items) for value in copy.values())
    written = []

    class Sink:
        def write(self, text: str) -> None:
            written.append(text)

    export._write_json(doc, Sink())  # type: ignore[arg-type]
    assert json.loads("".join(written)) == json.loads(json.dumps(copy))
    assert copy == doc


def _comparable(audit: Audit) -> dict[str, object]:
    doc = export.materialized(export.audit_to_dict(audit))
    for key in ("timings", "generated_at"):
        doc.pop(key, None)
    doc["params"].pop("jobs")
    return doc


def test_an_audit_with_reserved_workers_gives_the_one_process_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hashing, alignment and edits in the workers forked before ingest: the same audit as one process."""
    import importlib

    from provenance import edits, workers
    from provenance.dedup import flat

    align = importlib.import_module("provenance.dedup.align")

    audit_module = importlib.import_module("provenance.audit")
    serial = _comparable(provenance.audit(SEED, AuditConfig(jobs=1)))
    monkeypatch.setattr(audit_module, "RESERVED_WORKERS_MIN_INPUT_BYTES", 1)
    monkeypatch.setattr(flat, "PARALLEL_MIN_PARAGRAPHS", 1)
    monkeypatch.setattr(flat, "CHUNK", 7)
    monkeypatch.setattr(align, "PARALLEL_MIN_PAIRS", 1)
    monkeypatch.setattr(align, "ALIGN_CHUNK", 3)
    monkeypatch.setattr(edits, "PARALLEL_MIN_JOBS", 1)
    monkeypatch.setattr(edits, "EDITS_CHUNK", 3)
    served: list[int] = []
    real_map = workers.ProcessPoolExecutor.map

    def counted_map(self: workers.ProcessPoolExecutor, *args: object, **kwargs: object) -> object:
        reserved = workers._reserved
        served.append(int(reserved is not None and reserved[1] is self))
        return real_map(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(workers.ProcessPoolExecutor, "map", counted_map)
    reserved = provenance.audit(SEED, AuditConfig(jobs=2))
    assert reserved.dedup.stats["workers"] == 2
    # Hashing, alignment, the pairs' edits and the clusters' edits: each from the reserved pool.
    assert len(served) >= 4 and all(served), served
    assert _comparable(reserved) == serial
    assert workers._reserved is None


def test_the_input_size_estimate_stops_as_soon_as_it_knows(tmp_path: Path) -> None:
    """Files and folders are summed until the limit; a folder of very many entries counts as large."""
    import importlib

    audit_module = importlib.import_module("provenance.audit")
    (tmp_path / "a.txt").write_bytes(b"x" * 600)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_bytes(b"x" * 600)
    assert audit_module._input_at_least([tmp_path], 1200)
    assert not audit_module._input_at_least([tmp_path], 1201)
    assert audit_module._input_at_least([tmp_path / "a.txt", tmp_path / "sub"], 1200)
    assert not audit_module._input_at_least([tmp_path / "missing"], 1)
    assert audit_module._reserved_worker_count([tmp_path], AuditConfig(jobs=2)) == 0
    many = tmp_path / "many"
    many.mkdir()
    for i in range(audit_module._SIZE_ESTIMATE_ENTRIES + 1):
        (many / f"{i}.txt").touch()
    assert audit_module._input_at_least([many], 10**12)
    assert audit_module._reserved_worker_count([many], AuditConfig(jobs=2)) == 2
    assert audit_module._reserved_worker_count([many], AuditConfig(jobs=1)) == 0
