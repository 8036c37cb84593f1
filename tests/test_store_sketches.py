"""``audit --sketches``: a MinHash sketch of each paragraph text kept in the store, each sketched once."""

from __future__ import annotations

import json
import random
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result
from datasketch import LeanMinHash, MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance import AuditConfig
from provenance.cli import cli
from provenance.dedup.candidates import fold32
from provenance.shingle import shingles, words
from provenance.sketch import from_bytes, sketch, sketches, to_bytes
from provenance.store.schema import SCHEMA_VERSION, VIEW_DDL

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def _audit(tmp_path: Path, dump: Path, *extra: str, db: str = "a.sqlite") -> Result:
    return CliRunner().invoke(
        cli, ["audit", str(dump), "--out", str(tmp_path / "out"), "--db", str(tmp_path / db), *extra]
    )


def _ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


def _said(result: Result) -> tuple[int, int]:
    """The run log's count of texts sketched and kept from earlier runs."""
    found = re.search(r"sketches: ([\d,]+) paragraph texts sketched, ([\d,]+) kept", result.output)
    assert found, result.output
    return int(found[1].replace(",", "")), int(found[2].replace(",", ""))


def _datasketch_own(text: str, num_perm: int = 128, seed: int = 1, k: int = 5) -> MinHash:
    """The text's MinHash made by datasketch itself from its folded shingles (hashfunc=int: hashes)."""
    made = MinHash(num_perm=num_perm, seed=seed, hashfunc=int, scheme="affine32")
    made.update_batch(fold32(shingles(words(text), k)).tolist())
    return made


def _posts(folder: Path, *texts: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for number, text in enumerate(texts, 1):
        (folder / f"post{number}.txt").write_text(f"Post {number}\n\n{text}\n", encoding="utf-8")
    return folder


A = (
    "The ministry said on Monday that 12 soldiers were killed in the attack on the northern base, and that "
    "reinforcements had been sent from the capital overnight to secure the road."
)
B = (
    "Officials in the province described the situation as calm but tense, with markets closed and "
    "checkpoints set up on every road leading into the town centre."
)
C = (
    "Residents who fled the fighting last week began returning to their homes on Thursday, according to aid "
    "workers who counted several hundred families crossing the river bridge before noon."
)


def test_each_stored_sketch_is_datasketchs_own_minhash_of_its_paragraph(tmp_path: Path) -> None:
    """On the seed: one sketch per distinct paragraph text with a word, each the LeanMinHash datasketch makes
    of that text's 5-word shingles with 128 permutations and seed 1 (the store's parameters)."""
    _ok(_audit(tmp_path, SEEDS, "--sketches"))
    with sqlite3.connect(tmp_path / "a.sqlite") as conn:
        texts = dict(conn.execute("SELECT content_hash, text FROM paragraphs"))
        stored = dict(conn.execute("SELECT content_hash, sketch FROM sketches"))
        runs = {row[0] for row in conn.execute("SELECT run FROM sketches")}
    assert runs == {1}
    worded = {key for key, text in texts.items() if words(text)}
    assert set(stored) == worded and len(worded) > 50
    for key, blob in stored.items():
        read = LeanMinHash.deserialize(blob, byteorder="<")
        assert read.seed == 1 and len(read) == 128
        assert list(read.hashvalues) == list(_datasketch_own(texts[key]).hashvalues), texts[key][:60]


def test_a_second_run_sketches_only_the_new_texts(tmp_path: Path) -> None:
    """Texts are keyed by content hash: a run with one post more sketches its new paragraph alone (the
    repeated one is kept), and a run without --sketches leaves the table as it was."""
    dump = _posts(tmp_path / "dump", A, B)
    assert _said(_ok(_audit(tmp_path, dump, "--sketches"))) == (2, 0)
    _posts(tmp_path / "dump", A, B, f"{A}\n\n{C}")
    assert _said(_ok(_audit(tmp_path, dump, "--sketches"))) == (1, 2)
    with sqlite3.connect(tmp_path / "a.sqlite") as conn:
        assert sorted(conn.execute("SELECT run FROM sketches")) == [(1,), (1,), (2,)]
    (tmp_path / "dump" / "post4.txt").write_text(f"Post 4\n\n{C} And more.\n", encoding="utf-8")
    result = _ok(_audit(tmp_path, dump))
    assert "sketches:" not in result.output
    with sqlite3.connect(tmp_path / "a.sqlite") as conn:
        assert conn.execute("SELECT COUNT(*) FROM sketches").fetchone() == (3,)


def test_sketches_are_asked_of_an_unchanged_dump_whose_last_run_kept_none(tmp_path: Path) -> None:
    """The unchanged dump is not audited again, unless --sketches asks for what its last run did not keep."""
    dump = _posts(tmp_path / "dump", A, B)
    _ok(_audit(tmp_path, dump))
    result = _ok(_audit(tmp_path, dump, "--sketches"))
    assert "nothing changed since run 1" not in result.output
    assert _said(result) == (2, 0)
    assert "nothing changed since run 2" in _ok(_audit(tmp_path, dump, "--sketches")).output


def test_dropping_a_run_drops_the_sketches_no_run_left_holds(tmp_path: Path) -> None:
    dump = _posts(tmp_path / "dump", A, B)
    _ok(_audit(tmp_path, dump, "--sketches"))
    (dump / "post2.txt").unlink()
    _posts(tmp_path / "dump", A)
    (dump / "post3.txt").write_text(f"Post 3\n\n{C}\n", encoding="utf-8")
    _ok(_audit(tmp_path, dump, "--sketches"))
    _ok(CliRunner().invoke(cli, ["runs", "--db", str(tmp_path / "a.sqlite"), "--drop", "1"]))
    with sqlite3.connect(tmp_path / "a.sqlite") as conn:
        kept = {row[0] for row in conn.execute("SELECT content_hash FROM sketches")}
        held = {row[0] for row in conn.execute("SELECT content_hash FROM paragraphs")}
    assert kept == held and len(kept) == 2  # A (sketched by run 1, held by run 2) and C; B gone


def test_sketches_of_another_datasketch_are_made_again_not_mixed(tmp_path: Path) -> None:
    dump = _posts(tmp_path / "dump", A, B)
    _ok(_audit(tmp_path, dump, "--sketches"))
    with sqlite3.connect(tmp_path / "a.sqlite") as conn:
        conn.execute(
            'UPDATE meta SET value = \'{"datasketch":"1.9.0","scheme":"legacy","byte_order":"<"}\' '
            "WHERE key = 'sketches'"
        )
    (dump / "post3.txt").write_text(f"Post 3\n\n{C}\n", encoding="utf-8")
    result = _ok(_audit(tmp_path, dump, "--sketches"))
    assert "sketches: 2 made by" in result.output and "never mixed" in result.output
    assert _said(result) == (3, 0)


def test_sketches_need_a_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["audit", str(SEEDS), "--out", str(tmp_path / "out"), "--sketches"])
    assert (
        result.exit_code == 2 and "--sketches keeps the sketches in a store: it needs --db" in result.output
    )


def test_a_store_of_version_2_gains_the_sketches_table(tmp_path: Path) -> None:
    dump = _posts(tmp_path / "dump", A, B)
    _ok(_audit(tmp_path, dump))
    with sqlite3.connect(tmp_path / "a.sqlite") as conn:
        conn.execute("DROP TABLE sketches")
        conn.execute("DROP VIEW copies")
        conn.execute("ALTER TABLE reuse_sources DROP COLUMN changes_json")
        conn.execute(VIEW_DDL["copies"].replace(",\n    s.changes_json AS changes_json", ""))
        conn.execute("PRAGMA user_version = 2")
    (dump / "post3.txt").write_text(f"Post 3\n\n{C}\n", encoding="utf-8")
    result = _ok(_audit(tmp_path, dump, "--sketches"))
    assert f"migrated from schema version 2 to {SCHEMA_VERSION}" in result.output
    assert _said(result) == (3, 0)


def test_sketch_api_reads_and_estimates() -> None:
    """A text with no word has no sketch; bytes read back; near texts estimate near their shingle Jaccard."""
    assert sketch("*** --- ***") is None
    made = sketches([A, "", A.replace("Monday", "Tuesday"), C])
    assert made[1] is None and all(m is not None for m in (made[0], made[2], made[3]))
    first, near, other = made[0], made[2], made[3]
    assert first is not None and near is not None and other is not None
    assert from_bytes(to_bytes(first)) == first
    a, b = (
        set(shingles(words(A), 5).tolist()),
        set(shingles(words(A.replace("Monday", "Tuesday")), 5).tolist()),
    )
    assert abs(first.jaccard(near) - len(a & b) / len(a | b)) < 0.15
    assert first.jaccard(other) < 0.1
    wider = sketch(A, AuditConfig(num_perm=64, seed=7, shingle_size=3))
    assert wider is not None and len(wider) == 64 and wider.seed == 7
    assert list(wider.hashvalues) == list(_datasketch_own(A, 64, 7, 3).hashvalues)


def test_the_documented_query_finds_the_stored_paragraph_a_new_article_repeats(tmp_path: Path) -> None:
    """docs/store.md's Python example, run as written next to a store audited with --sketches."""
    text = (ROOT / "docs" / "store.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    dump = _posts(tmp_path / "dump", A, B)
    _ok(
        CliRunner().invoke(
            cli,
            [
                "audit",
                str(dump),
                "--out",
                str(tmp_path / "out"),
                "--db",
                str(tmp_path / "audit.sqlite"),
                "--sketches",
            ],
        )
    )
    (tmp_path / "article.txt").write_text(f"{C}\n\n{A.replace('Monday', 'Tuesday')}\n", encoding="utf-8")
    (tmp_path / "example.py").write_text(example, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "example.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    assert re.fullmatch(r"paragraph 2 ~ post1 paragraph 0: Jaccard about 0\.\d\d", line), line


@pytest.mark.parametrize("text", ["one", "two words", "a b c d", "five words in a row"])
def test_a_text_shorter_than_a_shingle_has_one_shingle_sketch(text: str) -> None:
    """A paragraph of fewer than ``shingle_size`` words is one shingle of all its words, as in the audit."""
    made = sketch(text)
    assert made is not None
    assert list(made.hashvalues) == list(_datasketch_own(text).hashvalues)


# ----------------------------------------------------------------------------------------------------------
# provenance search


def _search(tmp_path: Path, *args: str, stdin: str | None = None, db: str = "a.sqlite") -> Result:
    return CliRunner().invoke(cli, ["search", *args, "--db", str(tmp_path / db)], input=stdin)


def test_search_names_the_stored_paragraph_a_new_text_repeats(tmp_path: Path) -> None:
    """An article of a new paragraph and an edited copy of a stored one: the copy is found, with the post,
    paragraph and line it repeats and its exact measures; the new paragraph is not."""
    dump = _posts(tmp_path / "dump", A, B)
    _ok(_audit(tmp_path, dump, "--sketches"))
    article = tmp_path / "article.txt"
    article.write_text(f"A title line\n\n{C}\n\n{A.replace('Monday', 'Tuesday')}\n", encoding="utf-8")
    result = _ok(_search(tmp_path, str(article)))
    lines = result.output.splitlines()
    assert re.fullmatch(
        r"paragraph 3 \(line 5\) repeats run 1's 'post1' paragraph 0 \(line 3, 'Post 1'\): "
        r"Jaccard 0\.\d\d, \d\d% of it held there",
        lines[0],
    ), lines[0]
    assert lines[1].strip().startswith("The ministry said on Monday")
    assert lines[-1] == f"1 paragraph of {article} repeats stored ones"
    found = json.loads(_ok(_search(tmp_path, str(article), "--json")).output)
    assert [(m["paragraph"], m["post"], m["stored_paragraph"]) for m in found] == [(3, "post1", 0)]
    mine, theirs = (
        set(shingles(words(A.replace("Monday", "Tuesday")), 5).tolist()),
        set(shingles(words(A), 5).tolist()),
    )
    assert found[0]["jaccard"] == pytest.approx(len(mine & theirs) / len(mine | theirs))
    assert found[0]["containment"] == pytest.approx(len(mine & theirs) / len(mine))


def test_search_reads_standard_input_and_finds_every_post_holding_the_text(tmp_path: Path) -> None:
    dump = _posts(tmp_path / "dump", A, f"{B}\n\n{A}")
    _ok(_audit(tmp_path, dump, "--sketches"))
    found = json.loads(_ok(_search(tmp_path, "-", "--json", stdin=f"{A}\n")).output)
    assert sorted((m["post"], m["stored_paragraph"], m["jaccard"]) for m in found) == [
        ("post1", 0, 1.0),
        ("post2", 1, 1.0),
    ]
    assert _ok(_search(tmp_path, "-", stdin=f"{C}\n")).output.endswith(
        "0 paragraphs of - repeat stored ones\n"
    )


def test_search_uses_the_stores_parameters_and_reads_sketches_in_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store audited with 3-word shingles and 64 permutations is searched with them; batches of one
    stored sketch give what one batch gives."""
    from provenance.store import search

    dump = _posts(tmp_path / "dump", A, B, C)
    _ok(_audit(tmp_path, dump, "--sketches", "--shingle-size", "3", "--num-perm", "64"))
    query = f"{B.replace('calm', 'quiet')}\n"
    whole = json.loads(_ok(_search(tmp_path, "-", "--json", stdin=query)).output)
    monkeypatch.setattr(search, "BATCH", 1)
    assert json.loads(_ok(_search(tmp_path, "-", "--json", stdin=query)).output) == whole
    mine, theirs = set(shingles(words(query), 3).tolist()), set(shingles(words(B), 3).tolist())
    assert [m["post"] for m in whole] == ["post2"]
    assert whole[0]["jaccard"] == pytest.approx(len(mine & theirs) / len(mine | theirs))


def test_search_refuses_a_store_without_sketches_or_with_sketches_of_another_datasketch(
    tmp_path: Path,
) -> None:
    dump = _posts(tmp_path / "dump", A, B)
    _ok(_audit(tmp_path, dump))
    result = _search(tmp_path, "-", stdin=f"{A}\n")
    assert result.exit_code == 1 and "holds no sketches to search; audit with --sketches" in result.output
    _ok(_audit(tmp_path, dump, "--sketches"))
    with sqlite3.connect(tmp_path / "a.sqlite") as conn:
        conn.execute("UPDATE meta SET value = '{\"datasketch\":\"1.9.0\"}' WHERE key = 'sketches'")
    result = _search(tmp_path, "-", stdin=f"{A}\n")
    assert result.exit_code == 1 and "audit with --sketches to make them again" in result.output
    assert "Traceback" not in result.output


def test_search_of_a_file_that_is_not_text_says_so(tmp_path: Path) -> None:
    _ok(_audit(tmp_path, _posts(tmp_path / "dump", A), "--sketches"))
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    result = _search(tmp_path, str(binary))
    assert result.exit_code == 1 and str(binary) in result.output and "binary" in result.output


def test_text_paragraphs_are_runs_of_lines_between_blank_ones() -> None:
    from provenance.store.search import text_paragraphs

    assert text_paragraphs("One\ntwo\n\n\n  \nThree\n  four  \n") == [(1, "One two"), (6, "Three four")]
    assert text_paragraphs("") == []


def test_search_of_a_long_text_finds_each_stored_paragraph_it_holds_and_nothing_else(tmp_path: Path) -> None:
    """Forty stored texts of random words, searched with a text of the forty (one word changed in each) and
    forty new ones: every changed one names its own stored paragraph, and no new one names any."""
    import random

    rng = random.Random(5)
    vocabulary = [f"word{i}" for i in range(4_000)]

    def text() -> str:
        return " ".join(rng.choice(vocabulary) for _ in range(40)) + "."

    stored = [text() for _ in range(40)]
    _ok(_audit(tmp_path, _posts(tmp_path / "dump", *stored), "--sketches"))
    changed = [body.replace(body.split()[20], "changed", 1) for body in stored]
    query = "\n\n".join(changed + [text() for _ in range(40)]) + "\n"
    found = json.loads(_ok(_search(tmp_path, "-", "--json", stdin=query)).output)
    assert sorted((m["paragraph"], m["post"]) for m in found) == [(i, f"post{i}") for i in range(1, 41)]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 40),
    st.integers(1, 12),
    st.sampled_from([(4, 2), (3, 3), (5, 1), (2, 5)]),
    st.integers(2, 6),
    st.randoms(use_true_random=False),
)
def test_sharing_a_band_is_what_datasketchs_lsh_gives(
    held_count: int, query_count: int, shape: tuple[int, int], alphabet: int, rng: random.Random
) -> None:
    """The array matcher's pairs are the candidates of datasketch's MinHashLSH with the same bands and rows,
    on sketches drawn from a few values so that bands are often equal (and values past the bands differ)."""
    from datasketch import MinHashLSH

    from provenance.store.search import sharing_a_band

    bands, rows = shape
    num_perm = bands * rows + 2

    def drawn(count: int) -> np.ndarray:
        return np.array(
            [[rng.randrange(alphabet) for _ in range(num_perm)] for _ in range(count)], dtype=np.uint32
        )

    held, queries = drawn(held_count), drawn(query_count)
    lsh = MinHashLSH(num_perm=num_perm, params=(bands, rows))
    for number, values in enumerate(queries):
        lsh.insert(number, LeanMinHash(seed=1, hashvalues=values, scheme="affine32"))
    expected = sorted(
        (row, query)
        for row, values in enumerate(held)
        for query in lsh.query(LeanMinHash(seed=1, hashvalues=values, scheme="affine32"))
    )
    assert sharing_a_band(held, queries, bands, rows) == expected


def test_sketch_values_reads_stored_sketches_and_refuses_others() -> None:
    from provenance.sketch import sketch_values

    made = [m for m in sketches([A, B, C]) if m is not None]
    values = sketch_values([to_bytes(m) for m in made], 128, 1)
    assert values.tolist() == [list(m.hashvalues) for m in made]
    assert sketch_values([], 128, 1).shape == (0, 128)
    for wrong in (to_bytes(made[0])[:-4], to_bytes(made[0]) + b"\0"):
        with pytest.raises(ValueError, match="not 525 bytes long"):
            sketch_values([wrong], 128, 1)
    with pytest.raises(ValueError, match="seed 2"):
        sketch_values([to_bytes(made[0])], 128, 2)
    other = sketch(A, AuditConfig(num_perm=64))
    assert other is not None
    with pytest.raises(ValueError, match="not 525 bytes long"):
        sketch_values([to_bytes(other)], 128, 1)


def test_search_of_a_store_with_a_damaged_sketch_says_so(tmp_path: Path) -> None:
    _ok(_audit(tmp_path, _posts(tmp_path / "dump", A, B), "--sketches"))
    with sqlite3.connect(tmp_path / "a.sqlite") as conn:
        conn.execute("UPDATE sketches SET sketch = substr(sketch, 1, 100)")
    result = _search(tmp_path, "-", stdin=f"{A}\n")
    assert result.exit_code == 1, result.output
    assert (
        "a stored sketch is not 525 bytes long" in result.output and "--rebuild --sketches" in result.output
    )
    assert "Traceback" not in result.output


def test_search_reads_a_saved_web_page_as_the_audit_reads_it(tmp_path: Path) -> None:
    """A web page is searched by its paragraphs, as an audit of it would read them (no markup, no
    navigation), numbered in reading order with the lines they start on: split at blank lines, the page
    was one run of markup that repeated nothing."""
    _ok(_audit(tmp_path, _posts(tmp_path / "dump", A, B), "--sketches"))
    page = tmp_path / "article.html"
    page.write_text(
        "<!doctype html><html><head><title>Article</title></head><body>\n"
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav>\n'
        f"<article><h1>Article</h1>\n<p>{C}</p>\n<p>{B.replace('calm', 'quiet')}</p>\n</article>\n"
        "<footer>Copyright the site</footer></body></html>\n",
        encoding="utf-8",
    )
    found = json.loads(_ok(_search(tmp_path, str(page), "--json")).output)
    assert [(m["paragraph"], m["line"], m["post"]) for m in found] == [(2, 5, "post2")]
    assert "<p>" not in _ok(_search(tmp_path, str(page))).output


def test_search_reads_json_lines_as_the_audit_reads_them(tmp_path: Path) -> None:
    _ok(_audit(tmp_path, _posts(tmp_path / "dump", A, B), "--sketches"))
    records = tmp_path / "posts.jsonl"
    records.write_text(
        json.dumps({"id": "x", "title": "X", "text": C})
        + "\n"
        + json.dumps({"id": "y", "title": "Y", "text": A.replace("Monday", "Tuesday")})
        + "\n",
        encoding="utf-8",
    )
    found = json.loads(_ok(_search(tmp_path, str(records), "--json")).output)
    assert [(m["paragraph"], m["line"], m["post"]) for m in found] == [(2, 2, "post1")]


def test_search_of_a_page_with_no_post_says_so(tmp_path: Path) -> None:
    _ok(_audit(tmp_path, _posts(tmp_path / "dump", A), "--sketches"))
    records = tmp_path / "posts.jsonl"
    records.write_text('{"title": "no text"}\n', encoding="utf-8")
    result = _search(tmp_path, str(records))
    assert result.exit_code == 1 and str(records) in result.output and "Traceback" not in result.output
