"""NFKC made stream-safe first (provenance.nfkc): the same normal form for real text, linear time for any."""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from provenance.cli import cli
from provenance.nfkc import CGJ, MAX_NON_STARTERS, _joined, _long_run, nfkc, stream_safe

_MARKS = "\u0301\u0316\u0323\u0308\u05b4\u0651"  # acute, grave below, dot below, diaeresis, hiriq, shadda


def _longest_run(text: str) -> int:
    longest = run = 0
    for char in text:
        run = run + 1 if unicodedata.combining(char) else 0
        longest = max(longest, run)
    return longest


@given(st.text())
def test_text_without_a_long_run_of_marks_has_its_own_nfkc(text: str) -> None:
    if _longest_run(text) <= MAX_NON_STARTERS:
        assert stream_safe(text) == text
        assert nfkc(text) == unicodedata.normalize("NFKC", text)


@given(st.text(alphabet=st.sampled_from(["a", "b", " ", "é", *_MARKS]), max_size=400))
def test_stream_safe_text_keeps_every_character_in_runs_of_at_most_30_marks(text: str) -> None:
    """A joiner after every 30th mark of a longer run, nothing else added or taken, and a second pass
    changes nothing."""
    safe = stream_safe(text)
    assert _longest_run(safe) <= MAX_NON_STARTERS
    assert safe.replace(CGJ, "") == text
    assert stream_safe(safe) == safe
    assert _longest_run(nfkc(text)) <= MAX_NON_STARTERS + 2  # a mark may decompose into two


@given(
    st.text(alphabet=st.sampled_from(["a", " ", "é", "ж", "中", "\u02ff", "\u0300", *_MARKS]), max_size=400)
)
def test_the_quick_look_for_a_long_run_skips_only_text_without_one(text: str) -> None:
    """stream_safe looks for 31 characters from U+0300 up before it looks for 31 non-starters: the same
    answer as the look for non-starters alone, on text of marks, letters and CJK around U+0300."""
    assert stream_safe(text) == _long_run().sub(_joined, text)


def test_no_non_starter_lies_below_u0300() -> None:
    """stream_safe's quick look skips text without 31 characters in a row from U+0300 up."""
    assert min(code for code in range(0x20000) if unicodedata.combining(chr(code))) == 0x300


def test_every_non_starter_is_below_the_range_scanned() -> None:
    """provenance.nfkc reads the non-starters below U+20000 only: none lies above in this Python."""
    assert not [code for code in range(0x20000, sys.maxunicode + 1) if unicodedata.combining(chr(code))]


def test_the_audit_never_normalises_a_run_of_more_than_30_marks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Normalisation sorts a run of marks by insertion, in time growing with its square: 80,000 marks
    under one letter took 20 s to audit. No text reaches unicodedata.normalize with such a run, and the
    post keeps its text as written."""
    seen: list[int] = []
    normalize = unicodedata.normalize

    def checked(form: str, text: str) -> str:
        seen.append(_longest_run(text))
        return normalize(form, text)

    monkeypatch.setattr(unicodedata, "normalize", checked)
    zalgo = "a" + "\u0301\u0316" * 2_000
    (tmp_path / "post.txt").write_text(
        f"The Zalgo Times: a headline{zalgo}\n\nThe word {zalgo} ends here, Reuters said.\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["audit", str(tmp_path / "post.txt"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert seen and max(seen) <= MAX_NON_STARTERS
    document = json.loads((tmp_path / "out" / "audit.json").read_text(encoding="utf-8"))
    (post,) = document["posts"]
    assert [zalgo in paragraph["text"] for paragraph in post["paragraphs"]] == [True, True]
