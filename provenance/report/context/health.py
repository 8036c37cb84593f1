"""The Input health section: skipped files, unparsed lines, warnings, inputs and parameters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from provenance.report.context.common import PathNames, ReportLimits, _list, _text


@dataclass(frozen=True, slots=True)
class HealthRow:
    where: str
    text: str


@dataclass(frozen=True, slots=True)
class HealthView:
    skipped: tuple[HealthRow, ...]
    skipped_total: int
    unparsed: tuple[HealthRow, ...]
    unparsed_total: int
    warnings: tuple[HealthRow, ...]
    warnings_total: int
    classified_total: int
    inputs: tuple[tuple[str, str], ...]  # (path, format and encoding)
    params: tuple[tuple[str, str], ...]
    tool: tuple[tuple[str, str], ...]


def _health(doc: Mapping[str, Any], limits: ReportLimits, names: PathNames) -> HealthView:
    def rows(key: str, text_key: str) -> tuple[tuple[HealthRow, ...], int]:
        items = [i for i in _list(doc, key) if isinstance(i, Mapping)]
        out = []
        for item in items[: limits.max_health_rows]:
            line = item.get("line")
            where = names.show(_text(item.get("path"))) + (f":{line}" if line else "")
            out.append(HealthRow(where, _text(item.get(text_key))))
        return tuple(out), len(items)

    skipped, skipped_total = rows("skipped", "reason")
    unparsed, unparsed_total = rows("unparsed", "text")
    warnings, warnings_total = rows("warnings", "message")
    inputs_doc = doc.get("inputs") if isinstance(doc.get("inputs"), Mapping) else {}
    assert isinstance(inputs_doc, Mapping)
    encodings = inputs_doc.get("encodings") if isinstance(inputs_doc.get("encodings"), Mapping) else {}
    assert isinstance(encodings, Mapping)
    inputs = []
    for item in inputs_doc.get("files") or []:
        if isinstance(item, Mapping):
            path = _text(item.get("path"))
            detail = _text(item.get("format")) + (f", {encodings[path]}" if path in encodings else "")
            inputs.append((names.show(path), detail))
    params_doc = doc.get("params") if isinstance(doc.get("params"), Mapping) else {}
    assert isinstance(params_doc, Mapping)
    tool_doc = doc.get("tool") if isinstance(doc.get("tool"), Mapping) else {}
    assert isinstance(tool_doc, Mapping)
    return HealthView(
        skipped=skipped,
        skipped_total=skipped_total,
        unparsed=unparsed,
        unparsed_total=unparsed_total,
        warnings=warnings,
        warnings_total=warnings_total,
        classified_total=len(_list(doc, "classified")),
        inputs=tuple(sorted(inputs)),
        params=tuple(sorted((str(k), _param(v)) for k, v in params_doc.items())),
        tool=tuple(sorted((str(k), _param(v)) for k, v in tool_doc.items())),
    )


def _param(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        return (
            ", ".join(f"{k}={_param(v)}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))) or "—"
        )
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ", ".join(_param(v) for v in value) or "—"
    return str(value)
