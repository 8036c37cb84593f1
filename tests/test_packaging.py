"""Packaging: one version everywhere, the dependency ranges the code needs, extras by purpose, py.typed.

The quick tests read pyproject.toml and the installed metadata; the slow one
builds the wheel as a release would (an isolated ``python -m build``) from a
copy of the sources and looks inside it.
"""

from __future__ import annotations

import email
import importlib.metadata
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import provenance
from provenance.cli import cli

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
DISTRIBUTION = PYPROJECT["project"]["name"]


def test_the_version_is_written_once_and_read_everywhere() -> None:
    """pyproject takes the version from provenance.__version__; metadata and --version agree with it."""
    assert "version" not in PYPROJECT["project"]
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "provenance.__version__"}
    assert importlib.metadata.version(DISTRIBUTION) == provenance.__version__
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"provenance, version {provenance.__version__}\n"


def test_datasketch_is_held_to_the_major_the_code_calls() -> None:
    """dedup passes MinHash(scheme=...), which 1.x rejects: >=2,<3, and the installed one is 2.x."""
    (spec,) = [d for d in PYPROJECT["project"]["dependencies"] if d.startswith("datasketch")]
    assert spec.replace(" ", "") == "datasketch>=2,<3"
    assert importlib.metadata.version("datasketch").split(".")[0] == "2"


def test_extras_are_split_by_purpose_and_test_has_what_the_readme_command_runs() -> None:
    """test: pytest and the tests' own imports; lint: ruff and mypy (CI installs it); spark: pyspark."""
    extras = {name: " ".join(reqs) for name, reqs in PYPROJECT["project"]["optional-dependencies"].items()}
    assert set(extras) == {"test", "lint", "spark"}
    for needed in ("pytest", "hypothesis", "playwright", "build"):
        assert needed in extras["test"], needed
    assert "ruff" not in extras["test"] and "mypy" not in extras["test"]
    assert "ruff" in extras["lint"] and "mypy" in extras["lint"]
    assert "pyspark" in extras["spark"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -e '.[test]' && python -m pytest" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.index("pip install -q -e '.[lint]'") < ci.index("ruff check") < ci.index("mypy")


def test_py_typed_is_in_the_package_data() -> None:
    """PEP 561: the marker sits in the package and package-data ships it."""
    assert (ROOT / "provenance" / "py.typed").is_file()
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"]["provenance"]


@pytest.mark.slow
def test_the_built_wheel_carries_py_typed_the_version_and_the_ranges(tmp_path: Path) -> None:
    """`python -m build --wheel` on a copy of the sources: py.typed, schema.py, and metadata as declared."""
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy(ROOT / "pyproject.toml", source)
    shutil.copy(ROOT / "README.md", source)
    shutil.copytree(ROOT / "provenance", source / "provenance", ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    assert "deprecated" not in built.stdout + built.stderr
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    assert wheel.name == f"provenance_audit-{provenance.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = email.message_from_bytes(
            archive.read(f"provenance_audit-{provenance.__version__}.dist-info/METADATA")
        )
    assert {"provenance/py.typed", "provenance/schema.py", "provenance/__init__.py"} <= names
    assert any(name.startswith("provenance/report/templates/") for name in names)
    assert metadata["Version"] == provenance.__version__
    assert metadata["License-Expression"] == "MIT"
    requires = metadata.get_all("Requires-Dist") or []
    assert "datasketch<3,>=2" in requires
    assert set(metadata.get_all("Provides-Extra") or []) == {"test", "lint", "spark"}
    assert 'pyspark>=3.5; extra == "spark"' in requires
