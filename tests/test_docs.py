"""The README's promises: two set-up commands, the one CI runs, and the documented audit.json."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(marker: str) -> str:
    match = re.search(rf"<!-- {marker} -->\n```\n(.*?)\n```\n<!-- /{marker} -->", README, re.DOTALL)
    assert match, f"README has no {marker} block"
    return match.group(1)


def test_readme_has_exactly_two_set_up_commands() -> None:
    """A newcomer copies one command to run the audit on seeds/ and one to run the tests."""
    run, test = _block("run-command"), _block("test-command")
    assert len(run.splitlines()) == len(test.splitlines()) == 1
    assert "pip install ." in run and run.endswith("provenance audit")
    assert "pytest" in test and "[test]" in test
    assert README.count("<!-- run-command -->") == README.count("<!-- test-command -->") == 1


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run reads the test command from the README, so the two cannot drift apart."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- test-command -->" in ci and "README.md" in ci


def test_audit_json_fields_of_the_skeleton_are_documented() -> None:
    """docs/audit-json.md documents every top-level field the issue promised, by name."""
    doc = (ROOT / "docs" / "audit-json.md").read_text(encoding="utf-8")
    for name in ("posts", "pairs", "reprints", "outlets", "unparsed", "params", "skipped", "clusters"):
        assert f"| `{name}` |" in doc, name
