"""Interrupted and concurrent runs: SIGTERM, kill -9, what they leave behind, and two audits into one folder.

Most tests run an audit in a subprocess (the harness below) on a small
generated dump, with thresholds lowered so that it forks its workers and
spills keys to TMPDIR as a large dump does, and stop it at a chosen point:
it writes a file into a "ready" folder there and sleeps until signalled.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from provenance import export, ownership
from provenance.cli import cli
from provenance.export import OUTPUT_FILES
from provenance.interrupts import Interrupted, deferred, stop_signals_raise

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generate

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")

# The audit command, with the sizes above which it spills keys to TMPDIR lowered
# (and with FORCE_FORKS those above which it forks workers), and a pause at
# PAUSE: "dedup" (in each process, after its first keys went to a temporary
# folder: the parent and the forked post-reuse process), "hashing" (in each
# hashing pool worker: with FORCE_FORKS, the workers forked before ingest) or
# "writing" (outputs staged, the report about to be rendered). NO_PRCTL takes
# the portable way of tying workers to their parent.
HARNESS = textwrap.dedent(
    """
    import importlib, os, sys, time
    from pathlib import Path

    import provenance.dedup as dedup
    import provenance.dedup.buckets as buckets
    import provenance.dedup.flat as flat
    import provenance.export as export
    report_render = importlib.import_module("provenance.report.render")
    import provenance.workers as workers

    if os.environ.get("FORCE_FORKS"):
        importlib.import_module("provenance.audit").RESERVED_WORKERS_MIN_INPUT_BYTES = 0
        dedup.PARALLEL_REUSE_MIN_PARAGRAPHS = 1
        flat.PARALLEL_MIN_PARAGRAPHS = 1
        flat.CHUNK = 200
        export.PARALLEL_GRAPH_MIN_ELEMENTS = 0
        buckets.SPILL_BYTES = 0
    else:
        buckets.SPILL_BYTES = 1 << 20
    buckets.IN_MEMORY_BYTES = 0
    if os.environ.get("NO_PRCTL"):
        workers._prctl = None
    where = os.environ.get("PAUSE", "")
    paused = set()

    def pause(point):
        if os.getpid() in paused:
            return
        paused.add(os.getpid())
        Path(os.environ["READY"], f"{point}-{os.getpid()}").write_text("")
        time.sleep(300)

    if where == "dedup":
        spill = buckets.ColumnBuckets._write

        def _write(self):
            spill(self)
            pause("dedup")

        buckets.ColumnBuckets._write = _write
    elif where == "hashing":
        hashes = flat.many_word_hashes

        def many_word_hashes(texts):
            pause("hashing")
            return hashes(texts)

        flat.many_word_hashes = many_word_hashes
    elif where == "writing":
        render_to = report_render.render_to

        def paused_render_to(doc, handle):
            pause("writing")
            return render_to(doc, handle)

        report_render.render_to = paused_render_to

    from provenance.cli import main

    sys.argv = ["provenance", *sys.argv[1:]]
    main()
    """
)


class Run:
    """One audit in a subprocess, with its own TMPDIR (``tmp``) and ``ready`` folder."""

    def __init__(
        self, base: Path, dump: Path, out: Path, pause: str = "", force_forks: bool = True, **env: str
    ) -> None:
        self.tmp = base / "tmp"
        self.ready = base / "ready"
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.ready.mkdir(parents=True, exist_ok=True)
        # Files, not pipes: workers left running would hold a pipe open, and reading it would hang.
        self.stderr = base / "stderr.txt"
        with (base / "stdout.txt").open("wb") as stdout, self.stderr.open("wb") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-c", HARNESS, "audit", str(dump), "--out", str(out), "--jobs", "2"],
                env={
                    **os.environ,
                    "TMPDIR": str(self.tmp),
                    "READY": str(self.ready),
                    "PAUSE": pause,
                    "FORCE_FORKS": "1" if force_forks else "",
                    **env,
                },
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,  # its own process group, as a command started from a shell
            )
        self.seen: set[tuple[int, str]] = set()

    def wait_paused(self, processes: int = 1) -> list[int]:
        """Wait until ``processes`` processes have paused; their pids."""
        _wait_until(lambda: len(list(self.ready.iterdir())) >= processes or self.process.poll() is not None)
        if self.process.poll() is not None:
            pytest.fail(f"the audit ended before pausing:\n{self.stderr.read_text(encoding='utf-8')}")
        return [int(path.name.rpartition("-")[2]) for path in self.ready.iterdir()]

    def stop(self, signum: int, group: bool = False) -> tuple[int, str]:
        """Send ``signum`` (with ``group``, to the process group, as Ctrl-C does); the status and stderr."""
        self.workers()
        if group:
            os.killpg(self.process.pid, signum)
        else:
            self.process.send_signal(signum)
        self.process.wait(timeout=120)
        return self.process.returncode, self.stderr.read_text(encoding="utf-8")

    def kill(self) -> None:
        """kill -9, and reap it."""
        self.workers()
        self.process.kill()
        self.process.wait()

    def workers(self) -> set[int]:
        """The processes below the audit now (remembered, so that a failed test can end them)."""
        found = _descendants(self.process.pid)
        self.seen.update((pid, _started(pid)) for pid in found)
        return found

    def end_what_is_left(self) -> None:
        """Kill the audit and every worker seen, if still there (only after a failure should any be)."""
        if self.process.poll() is None:
            self.workers()
            self.kill()
        for pid, started in self.seen:
            if _alive(pid) and _started(pid) == started:
                os.kill(pid, signal.SIGKILL)

    def key_folders(self) -> list[Path]:
        return sorted(self.tmp.glob("provenance-keys-*"))


def _wait_until(condition: Callable[[], bool], timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _descendants(root: int) -> set[int]:
    """Every process below ``root``, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _started(pid: int) -> str:
    """When ``pid`` started (field 22 of its stat), so that a pid used again is not taken for it."""
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split() or [""] * 20)[19]
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie nobody reaped has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _staged(out: Path) -> list[Path]:
    return sorted(out.glob(".*.tmp"))


def _outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUT_FILES}


@pytest.fixture
def start(tmp_path: Path, dump: Path, out: Path) -> Iterator[Callable[..., Run]]:
    """Start an audit of ``dump`` (or ``of``) into ``out`` (see :class:`Run`); ends what it left running."""
    runs: list[Run] = []

    def started(pause: str = "", of: Path = dump, force_forks: bool = True, **env: str) -> Run:
        runs.append(Run(tmp_path, of, out, pause, force_forks, **env))
        return runs[-1]

    yield started
    for run in runs:
        run.end_what_is_left()


@pytest.fixture(scope="module")
def dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated dump of 600 paragraphs, with reuse of every kind."""
    folder = tmp_path_factory.mktemp("dump")
    generate.write_dump(folder, 600, seed=3)
    return folder / "dump.txt"


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory, dump: Path) -> Path:
    """The outputs of a finished audit of ``dump``, to copy into a test's --out."""
    out = tmp_path_factory.mktemp("previous")
    result = CliRunner().invoke(cli, ["audit", str(dump), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def out(tmp_path: Path, previous: Path) -> Path:
    """An output folder holding the previous audit's outputs."""
    folder = tmp_path / "out"
    folder.mkdir()
    for name in OUTPUT_FILES:
        (folder / name).write_bytes((previous / name).read_bytes())
    return folder


@pytest.fixture
def own_tmpdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This process's TMPDIR, as the subprocess runs see theirs."""
    folder = tmp_path / "tmp"
    folder.mkdir(exist_ok=True)
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


# ---------------------------------------------------------------------------
# SIGTERM is handled like Ctrl-C


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stop_signal_during_dedup_cleans_up_and_exits_with_the_conventional_status(
    start: Callable[..., Run], out: Path, signum: int, status: int
) -> None:
    """SIGTERM, like Ctrl-C, removes the key folders, stops the workers, says one line: 128+signal."""
    before = _outputs(out)
    run = start(pause="dedup")
    run.wait_paused(processes=2)  # the audit and its post-reuse process, each with a key folder
    assert len(run.key_folders()) >= 2
    workers = run.workers()
    assert workers
    code, stderr = run.stop(signum)
    assert code == status, stderr
    assert "Traceback" not in stderr
    name = signal.Signals(signum).name
    assert stderr.strip().splitlines()[-1].startswith(f"Aborted ({name}): "), stderr
    assert run.key_folders() == []
    assert not [pid for pid in workers if _alive(pid)]
    assert _outputs(out) == before
    assert _staged(out) == []
    assert not (out / ownership.LOCK_FILE).exists()


def test_ctrl_c_in_a_terminal_while_pool_workers_run_stops_at_once_without_a_traceback(
    start: Callable[..., Run],
) -> None:
    """SIGINT to the whole process group mid-chunk: the workers are stopped, not waited for; one line, 130."""
    run = start(pause="hashing")
    run.wait_paused(processes=2)  # both hashing workers are in a chunk that would take minutes
    workers = run.workers()
    started = time.monotonic()
    code, stderr = run.stop(signal.SIGINT, group=True)
    assert time.monotonic() - started < 60
    assert code == 130, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].startswith("Aborted (SIGINT): "), stderr
    assert _wait_until(lambda: not [pid for pid in workers if _alive(pid)], timeout=5)


def test_sigterm_while_writing_removes_the_staged_files_and_keeps_the_previous_outputs(
    start: Callable[..., Run], out: Path
) -> None:
    """SIGTERM with all five outputs staged: none replaced, no staged file left."""
    before = _outputs(out)
    run = start(pause="writing")
    run.wait_paused()
    assert len(_staged(out)) == len(OUTPUT_FILES)
    code, stderr = run.stop(signal.SIGTERM)
    assert code == 143, stderr
    assert "Traceback" not in stderr
    assert _outputs(out) == before
    assert _staged(out) == []


@pytest.fixture
def ctrl_c_raises() -> Iterator[None]:
    """SIGINT raises KeyboardInterrupt in this test, as in a terminal, and is put back as it was after.

    A test run started in the background by a shell without job control
    inherits SIGINT ignored, and Python keeps it so: the signal this test
    sends would then be ignored, as the audit rightly does with it too.
    """
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


@pytest.mark.usefixtures("ctrl_c_raises")
def test_a_stop_signal_while_the_outputs_are_replaced_waits_until_all_are(
    tmp_path: Path, previous: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C after the first of five outputs moved into place still gives the whole new set, then stops."""
    targets = [tmp_path / name for name in OUTPUT_FILES]
    for target in targets:
        target.write_text("old", encoding="utf-8")
    real_replace = os.replace
    replaced: list[str] = []

    def replace_then_interrupt(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        real_replace(source, target)
        replaced.append(Path(target).name)
        if len(replaced) == 1:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)  # the handler runs at once, unless the signal is held off

    monkeypatch.setattr(export.os, "replace", replace_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        export.write_atomically([(target, _write_new) for target in targets])
    assert [target.read_text(encoding="utf-8") for target in targets] == ["new"] * len(targets)
    assert sorted(tmp_path.glob(".*.tmp")) == []


def _write_new(path: Path) -> None:
    path.write_text("new", encoding="utf-8")


def test_deferred_signals_take_effect_when_the_block_ends() -> None:
    """Inside deferred() a SIGTERM waits; at the end it is raised as Interrupted with status 143."""
    steps: list[str] = []
    with pytest.raises(Interrupted) as caught, stop_signals_raise():
        with deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.1)
            steps.append("finished")
        steps.append("after")
    assert steps == ["finished"]
    assert caught.value.exit_status == 143


def test_a_stop_while_the_staged_files_are_made_leaves_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM just after one temporary file is made, before it is listed: every one is removed.

    A slow test met it: a run stopped as soon as its first staged file appeared left
    .graph.graphml.<pid>.<random>.tmp, made after the signal landed.
    """
    made = ownership.owned_temp_file

    def made_then_stopped(folder: Path, prefix: str, suffix: str) -> tuple[int, Path]:
        found = made(folder, prefix, suffix)
        if prefix.startswith(".b"):
            os.kill(os.getpid(), signal.SIGTERM)
        return found

    monkeypatch.setattr(export, "owned_temp_file", made_then_stopped)
    targets = [tmp_path / name for name in ("a.txt", "b.txt", "c.txt")]
    with pytest.raises(Interrupted), stop_signals_raise(), export.staged(targets):
        pytest.fail("the block ran: the stop should have ended the staging")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------
# Every run clears what a killed run left


@pytest.mark.parametrize("point", ["dedup", "writing"])
def test_what_a_killed_audit_leaves_is_cleared_by_the_next_run(
    start: Callable[..., Run], dump: Path, out: Path, point: str, own_tmpdir: Path
) -> None:
    """kill -9 leaves key folders or staged files; the next run removes them and says so in one line."""
    before = _outputs(out)
    run = start(pause=point)
    run.wait_paused(processes=2 if point == "dedup" else 1)
    workers = run.workers()
    run.kill()
    # A run started while the killed one's workers still end would leave their folders to the next.
    assert _wait_until(lambda: not [pid for pid in workers if _alive(pid)], timeout=5)
    assert _outputs(out) == before
    left = run.key_folders() if point == "dedup" else _staged(out)
    assert left, "the killed run left nothing to clear"
    assert run.tmp == own_tmpdir
    result = CliRunner().invoke(cli, ["audit", str(dump), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert run.key_folders() == []
    assert _staged(out) == []
    [line] = [line for line in result.stderr.splitlines() if line.startswith("removed what interrupted runs")]
    noun = "temporary key folder" if point == "dedup" else "staged output files"
    assert f"{len(left)} {noun}" in line
    assert re.search(r"\(\d+(\.\d)? (bytes|kB|MB)\)$", line), line


def test_clearing_never_takes_what_a_live_run_holds(own_tmpdir: Path, tmp_path: Path) -> None:
    """Files and folders whose owner lives are kept, however old; once the owner is killed they go."""
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from pathlib import Path
                from provenance import ownership
                fd, path = ownership.owned_temp_file(Path({str(out)!r}), ".audit.json.", ".tmp")
                folder = ownership.OwnedFolder()
                print(path, folder.name, flush=True)
                time.sleep(600)
                """
            ),
        ],
        env={**os.environ, "TMPDIR": str(own_tmpdir)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        staged_name, folder_name = holder.stdout.readline().split()
        staged, folder = Path(staged_name), Path(folder_name)
        a_day_ago = time.time() - 86400
        for path in (staged, folder, folder / ownership.OWNER_FILE):
            os.utime(path, (a_day_ago, a_day_ago))
        assert not ownership.clear_leftovers(out, OUTPUT_FILES)
        assert staged.exists() and folder.exists()
        # This process's own live entries are kept too.
        fd, mine = ownership.owned_temp_file(out, ".pairs.csv.", ".tmp")
        own_folder = ownership.OwnedFolder()
        assert not ownership.clear_leftovers(out, OUTPUT_FILES)
        assert mine.exists() and Path(own_folder.name).exists()
    finally:
        holder.kill()
        holder.communicate()
    cleared = ownership.clear_leftovers(out, OUTPUT_FILES)
    assert (cleared.files, cleared.folders) == (1, 1)
    assert not staged.exists() and not folder.exists()
    assert mine.exists() and Path(own_folder.name).exists()
    os.close(fd)
    own_folder.cleanup()
    assert not Path(own_folder.name).exists()


def test_entries_without_an_owner_are_cleared_only_when_stale(own_tmpdir: Path, tmp_path: Path) -> None:
    """Staged files and key folders of older versions (no pid, no lock) go only after an hour untouched."""
    out = tmp_path / "out"
    out.mkdir()
    fresh_file, stale_file = out / ".report.html.abcd1234.tmp", out / ".report.html.wxyz_987.tmp"
    fresh_folder = own_tmpdir / "provenance-keys-abcd1234"
    stale_folder = own_tmpdir / "provenance-keys-wxyz_987"
    for path in (fresh_file, stale_file):
        path.write_bytes(b"x" * 2000)
    for path in (fresh_folder, stale_folder):
        path.mkdir()
        (path / "bucket-00000.bin").write_bytes(b"x" * 3000)
    stale = time.time() - ownership.STALE_SECONDS - 60
    for path in (stale_file, stale_folder, stale_folder / "bucket-00000.bin"):
        os.utime(path, (stale, stale))
    # Not ours by name: another file's temporary, a user's folder.
    (out / ".notes.txt.abcd1234.tmp").write_bytes(b"keep")
    (own_tmpdir / "provenance-keys-mine").mkdir()
    os.utime(out / ".notes.txt.abcd1234.tmp", (stale, stale))
    cleared = ownership.clear_leftovers(out, OUTPUT_FILES)
    assert (cleared.files, cleared.file_bytes, cleared.folders, cleared.folder_bytes) == (1, 2000, 1, 3000)
    assert fresh_file.exists() and fresh_folder.exists()
    assert not stale_file.exists() and not stale_folder.exists()
    assert (out / ".notes.txt.abcd1234.tmp").exists() and (own_tmpdir / "provenance-keys-mine").exists()
    assert cleared.message(out) == (
        f"removed what interrupted runs left: 1 staged output file in {out} (2.0 kB), "
        f"1 temporary key folder in {own_tmpdir} (3.0 kB)"
    )


# ---------------------------------------------------------------------------
# Workers end with their parent


@pytest.mark.parametrize(
    ("point", "env"),
    [("dedup", {}), ("hashing", {}), ("dedup", {"NO_PRCTL": "1"})],
    ids=["forked-call", "pool", "forked-call-portable"],
)
def test_workers_end_when_their_parent_is_killed(
    start: Callable[..., Run], point: str, env: dict[str, str]
) -> None:
    """kill -9 of the audit: within a few seconds none of its worker processes is left."""
    run = start(pause=point, **env)
    run.wait_paused(processes=2)
    workers = run.workers()
    assert workers
    run.kill()
    assert _wait_until(lambda: not [pid for pid in workers if _alive(pid)], timeout=5), [
        pid for pid in workers if _alive(pid)
    ]


# ---------------------------------------------------------------------------
# One run at a time writes into a folder


def test_a_second_audit_into_the_same_folder_is_refused_at_once(
    start: Callable[..., Run], dump: Path, out: Path
) -> None:
    """While one audit runs into --out, a second is refused with one line naming the folder and the holder."""
    before = _outputs(out)
    run = start(pause="dedup")
    try:
        run.wait_paused(processes=2)
        started = time.monotonic()
        second = CliRunner().invoke(cli, ["audit", str(dump), "--out", str(out)])
        assert time.monotonic() - started < 5  # refused before any work, not after it
        assert second.exit_code == 1
        assert str(out) in second.output and f"pid {run.process.pid}" in second.output
        assert len(second.output.strip().splitlines()) == 1
        assert second.exception is None or isinstance(second.exception, SystemExit)
        assert _outputs(out) == before
    finally:
        run.kill()
    # The kernel let the killed run's lock go: its lock file blocks nothing.
    assert (out / ownership.LOCK_FILE).exists()
    third = CliRunner().invoke(cli, ["audit", str(dump), "--out", str(out)])
    assert third.exit_code == 0, third.output
    assert not (out / ownership.LOCK_FILE).exists()


def test_the_lock_file_is_not_read_as_input(tmp_path: Path) -> None:
    """A lock file a killed run left in a folder that is also audited is not a post."""
    folder = tmp_path / "dump"
    folder.mkdir()
    seed = Path(__file__).resolve().parents[1] / "seeds" / "islamic-state-whats-next.txt"
    (folder / "seed.txt").write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / ownership.LOCK_FILE).write_text("12345\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["audit", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    audited = (tmp_path / "out" / "audit.json").read_text(encoding="utf-8")
    assert ownership.LOCK_FILE not in audited


def test_a_failed_audit_leaves_no_folder_it_made(tmp_path: Path) -> None:
    """--out is made at the start (to be locked); a run that writes nothing leaves nothing there."""
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(cli, ["audit", str(empty), "--out", str(tmp_path / "new" / "out")])
    assert result.exit_code == 1
    assert not (tmp_path / "new").exists()


# ---------------------------------------------------------------------------
# The same on a generated dump large enough that the audit forks its workers by itself


@pytest.fixture(scope="module")
def large_dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated dump of 24,000 paragraphs: the audit forks its hashing pool and post-reuse process."""
    folder = tmp_path_factory.mktemp("large")
    generate.write_dump(folder, 24_000, seed=5)
    return folder / "dump.txt"


@pytest.mark.slow
def test_kill_9_of_a_large_audit_while_it_spills_keys_leaves_nothing_after_the_next_run(
    start: Callable[..., Run], large_dump: Path, dump: Path, out: Path, own_tmpdir: Path
) -> None:
    """kill -9 with key folders and workers present: the workers end, the next run clears the folders."""
    before = _outputs(out)
    run = start(of=large_dump, force_forks=False)
    assert _wait_until(
        lambda: bool(run.key_folders() and run.workers()) or run.process.poll() is not None, timeout=900
    )
    assert run.process.poll() is None, run.stderr.read_text(encoding="utf-8")
    workers = run.workers()
    run.kill()
    assert _wait_until(lambda: not [pid for pid in workers if _alive(pid)], timeout=5)
    assert run.key_folders()
    assert _outputs(out) == before
    result = CliRunner().invoke(cli, ["audit", str(dump), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "removed what interrupted runs left:" in result.stderr
    assert run.key_folders() == []
    assert _staged(out) == []


@pytest.mark.slow
def test_sigterm_while_a_large_audit_writes_keeps_the_previous_outputs_and_leaves_nothing(
    start: Callable[..., Run], large_dump: Path, out: Path
) -> None:
    """SIGTERM with the outputs staged: exit 143, nothing replaced, nothing left, no worker running."""
    before = _outputs(out)
    # The natural point is a race on a loaded machine: a run that ends between the test
    # seeing its staged files and the signal landing is tried again, on fresh outputs.
    for _ in range(3):
        run = start(of=large_dump, force_forks=False)
        process = run.process
        assert _wait_until(lambda: bool(_staged(out)) or process.poll() is not None, timeout=900)  # noqa: B023
        assert process.poll() is None, run.stderr.read_text(encoding="utf-8")
        code, stderr = run.stop(signal.SIGTERM)
        if code != 0:
            break
        before = _outputs(out)
    assert code == 143, stderr
    assert "Traceback" not in stderr
    assert _outputs(out) == before
    assert _staged(out) == []
    assert run.key_folders() == []
    assert not [pid for pid, _ in run.seen if _alive(pid)]


# ---------------------------------------------------------------------------
# Ctrl-C while the command starts

# The command's script, as pip writes it for [project.scripts], sending itself a stop signal at a chosen
# point: as the module STOP_AT starts being imported; "main", just before main() is called; "parsing", as
# click parses the options; "lxml.etree init", inside lxml.etree's initialisation (as it registers its
# classes with collections.abc), where an exception raised by a signal handler is lost.
STOPPING_SCRIPT = textwrap.dedent(
    """
    import abc, os, signal, sys

    point, signum = os.environ["STOP_AT"], int(os.environ["STOP_SIGNAL"])

    def stop():
        os.kill(os.getpid(), signum)

    class StopOnImport:
        def find_spec(self, name, path=None, target=None):
            if point == "lxml.etree init" and name == "lxml.etree":
                register = abc.ABCMeta.register
                def register_and_stop(cls, subclass):
                    abc.ABCMeta.register = register
                    stop()
                    return register(cls, subclass)
                abc.ABCMeta.register = register_and_stop
            elif name == point:
                stop()
            return None

    sys.meta_path.insert(0, StopOnImport())
    from provenance.cli import main
    if point == "parsing":
        import click
        parse = click.Command.parse_args
        def parse_args(self, ctx, args):
            stop()
            return parse(self, ctx, args)
        click.Command.parse_args = parse_args
    if point == "main":
        stop()
    sys.exit(main())
    """
)


@pytest.mark.parametrize(
    ("point", "signum"),
    [
        ("provenance.models", signal.SIGINT),
        ("provenance.cli", signal.SIGINT),
        ("click", signal.SIGINT),
        ("main", signal.SIGINT),
        ("parsing", signal.SIGINT),
        ("lxml.etree init", signal.SIGINT),
        ("provenance.models", signal.SIGTERM),
    ],
)
def test_a_stop_signal_while_the_command_starts_ends_it_with_its_one_line(
    tmp_path: Path, point: str, signum: int
) -> None:
    """A Ctrl-C in an audit's first 0.1 s printed a traceback (status 1 or killed by the signal), one at
    0.2 s, as it imported lxml, was lost (the audit went on to the end, status 0), and a SIGTERM before
    the command began killed it without a word. Each now ends the command with its line and 128 + signal,
    the outputs of no run left behind."""
    script = tmp_path / "provenance"
    script.write_text(STOPPING_SCRIPT, encoding="utf-8")
    (tmp_path / "dump").mkdir()
    (tmp_path / "dump" / "post.txt").write_text("A title\n\nThe text of a post.\n", encoding="utf-8")
    env = {**os.environ, "STOP_AT": point, "STOP_SIGNAL": str(int(signum))}
    done = subprocess.run(
        [sys.executable, str(script), "audit", str(tmp_path / "dump"), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 128 + signum, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        f"Aborted ({signal.Signals(signum).name}): stopped before the end; no half-written output is left"
    )
    assert not (tmp_path / "out" / "audit.json").exists()


def test_importing_the_package_leaves_the_stop_signals_alone(tmp_path: Path) -> None:
    """Outside the command (a library user's script), importing it changes no stop signal's handler: a
    Ctrl-C is Python's KeyboardInterrupt, or ignored where the script was started with it ignored (a job
    in the background of a script, as CI may run the tests)."""
    code = (
        "import signal; before = [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)]; "
        "import provenance; print([signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)] == before)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
