"""audit.json against its typed definitions (provenance.schema), and its schema_version.

The seed's document is walked key by key against the TypedDicts: every key a
post, pair, cluster (any record) holds is declared, every required key is
there, and each value has the declared type. A field added to the export
without its definition, or declared and not written, fails here.
"""

from __future__ import annotations

import collections.abc
import json
import re
import types
import typing
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import pytest
from click.testing import CliRunner

from provenance import schema
from provenance.cli import cli
from provenance.errors import ReportError
from provenance.export import load_audit_json
from provenance.saved import is_saved_audit

ROOT = Path(__file__).resolve().parents[1]
COPY = "us-on-alert-for-terror-strikes-around-elections"


@pytest.fixture(scope="module")
def seed_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    result = CliRunner().invoke(cli, ["audit", str(ROOT / "seeds"), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    return out / "audit.json"


def _is_typeddict(tp: object) -> bool:
    return isinstance(tp, type) and typing.is_typeddict(tp)


def mismatches(value: Any, tp: Any, where: str = "$") -> list[str]:
    """Where ``value`` (read from JSON) does not fit the annotation ``tp``; empty when it fits."""
    origin = get_origin(tp)
    if tp is Any:
        return []
    if _is_typeddict(tp):
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, not an object"]
        hints = typing.get_type_hints(tp)
        problems = [f"{where}.{key}: not declared in {tp.__name__}" for key in value.keys() - hints.keys()]
        problems += [f"{where}.{key}: missing" for key in tp.__required_keys__ - value.keys()]
        for key in value.keys() & hints.keys():
            problems += mismatches(value[key], hints[key], f"{where}.{key}")
        return problems
    if origin in (Union, types.UnionType):
        options = [mismatches(value, option, where) for option in get_args(tp)]
        return [] if any(not found for found in options) else min(options, key=len)
    if origin is Literal:
        return [] if value in get_args(tp) else [f"{where}: {value!r} not one of {get_args(tp)}"]
    if origin in (list, collections.abc.Sequence):  # a Sequence of the document reads back as a list
        if not isinstance(value, list):
            return [f"{where}: {type(value).__name__}, not a list"]
        (item,) = get_args(tp)
        return [problem for i, v in enumerate(value) for problem in mismatches(v, item, f"{where}[{i}]")]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, not an object"]
        _, item = get_args(tp)
        return [problem for k, v in value.items() for problem in mismatches(v, item, f"{where}.{k}")]
    if tp is type(None):
        return [] if value is None else [f"{where}: {value!r} is not null"]
    if tp is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return [] if ok else [f"{where}: {value!r} is not a number"]
    if tp is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{where}: {value!r} is not an integer"]
    if tp in (str, bool):
        return [] if isinstance(value, tp) else [f"{where}: {value!r} is not {tp.__name__}"]
    raise AssertionError(f"{where}: the test does not know the annotation {tp!r}")


def test_the_seed_s_audit_json_is_exactly_what_the_typed_definitions_declare(seed_json: Path) -> None:
    """Every key of every record is declared, every required key written, each value of its type."""
    doc = json.loads(seed_json.read_text(encoding="utf-8"))
    assert mismatches(doc, schema.AuditDoc) == []
    # The walk reached the records that matter (a list left empty would check nothing).
    for key in ("posts", "pairs", "clusters", "reprints", "outlets", "mentions"):
        assert doc[key], key
    assert any(post["reuse"]["sources"] for post in doc["posts"])
    assert any(pair["edits"] for pair in doc["pairs"]) or any(c["edits"] for c in doc["clusters"])


def test_credits_of_a_dump_with_a_credit_line_are_as_declared(tmp_path: Path) -> None:
    """The seed credits nobody: a copy ending in "Via Reuters." fills credits[] and outlets[].credited_by."""
    text = "The same two sentences travel from post to post unchanged. Nobody says where they appeared first."
    posts = [
        {"id": "first", "title": "A", "date": "2017-07-14", "text": text, "outlet": "Reuters"},
        {
            "id": "second",
            "title": "B",
            "date": "2017-07-15",
            "text": text + "\n\nVia Reuters.",
            "outlet": "Wire",
        },
    ]
    dump = tmp_path / "posts.jsonl"
    dump.write_text("".join(json.dumps(post) + "\n" for post in posts), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["audit", str(dump), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert [(c["post"], c["outlet"], c["how"]) for c in doc["credits"]] == [("second", "Reuters", "via")]
    assert mismatches(doc, schema.AuditDoc) == []


def test_an_undeclared_or_missing_key_is_found(seed_json: Path) -> None:
    """The check fails on a post with a key no definition declares, and on a pair missing one."""
    doc = json.loads(seed_json.read_text(encoding="utf-8"))
    doc["posts"][2]["shouting"] = True
    del doc["pairs"][0]["source"]
    doc["clusters"][0]["kinds"] = "exact"
    assert sorted(mismatches(doc, schema.AuditDoc)) == [
        "$.clusters[0].kinds: str, not a list",
        "$.pairs[0].source: missing",
        "$.posts[2].shouting: not declared in PostDoc",
    ]


def test_the_seed_s_credit_and_findings_are_checked_too(seed_json: Path) -> None:
    """The copy's reuse.credit and the seed's finding are walked; posts that borrow nothing have no credit."""
    doc = json.loads(seed_json.read_text(encoding="utf-8"))
    assert schema.ReuseDoc.__optional_keys__ == {"credit"}
    credited = [p["id"] for p in doc["posts"] if "credit" in p["reuse"]]
    assert credited == [p["id"] for p in doc["posts"] if p["reuse"]["sources"]] == [COPY]
    assert doc["findings"] and all(f["evidence"] for f in doc["findings"])
    doc["findings"][0]["evidence"][0]["page"] = 1
    doc["posts"][2]["reuse"]["credit"]["by"][0]["how"] = "telepathy"
    assert sorted(mismatches(doc, schema.AuditDoc)) == [
        "$.findings[0].evidence[0].page: not declared in FindingEvidenceDoc",
        "$.posts[2].reuse.credit.by[0].how: 'telepathy' not one of "
        + str(typing.get_args(typing.get_type_hints(schema.CreditByDoc)["how"])),
    ]


def test_schema_version_is_written_second_and_documented(seed_json: Path) -> None:
    """schema_version follows tool (a saved audit is still recognised by its start) and the doc names it."""
    doc = json.loads(seed_json.read_text(encoding="utf-8"))
    assert list(doc)[:2] == ["tool", "schema_version"]
    assert doc["schema_version"] == schema.SCHEMA_VERSION
    assert re.fullmatch(r"\d+\.\d+", schema.SCHEMA_VERSION)
    assert is_saved_audit(seed_json)
    docs = (ROOT / "docs" / "audit-json.md").read_text(encoding="utf-8")
    assert f"`{schema.SCHEMA_VERSION}`" in docs
    for key in typing.get_type_hints(schema.AuditDoc):
        assert f"| `{key}` |" in docs, key


@pytest.mark.parametrize("version", ["1.0", "1.9", 1, None])
def test_a_saved_audit_of_this_major_is_read(seed_json: Path, tmp_path: Path, version: object) -> None:
    """Any MINOR of this MAJOR, an integer MAJOR, and a document from before the field are read."""
    doc = json.loads(seed_json.read_text(encoding="utf-8"))
    if version is None:
        del doc["schema_version"]
    else:
        doc["schema_version"] = version
    path = tmp_path / "audit.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert load_audit_json(path)["posts"] == doc["posts"]


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("2.0", "written by a later provenance (audit.json schema 2.0); this version reads schema 1.x"),
        (3, "written by a later provenance (audit.json schema 3)"),
        ("one", "not an audit.json this version can read (schema_version 'one')"),
        (True, "not an audit.json this version can read (schema_version True)"),
    ],
)
def test_a_later_or_unreadable_schema_version_is_refused_by_name(
    seed_json: Path, tmp_path: Path, version: object, message: str
) -> None:
    """`provenance report` on a document of a later MAJOR says so in one line, not drawing it wrong."""
    doc = json.loads(seed_json.read_text(encoding="utf-8"))
    doc["schema_version"] = version
    path = tmp_path / "audit.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ReportError, match=re.escape(message)):
        load_audit_json(path)
    result = CliRunner().invoke(cli, ["report", str(path), "--out", str(tmp_path / "report.html")])
    assert result.exit_code != 0 and message in result.output
    assert not (tmp_path / "report.html").exists()
