"""What a run holds in folders it shares with other runs, and the clearing of what killed runs left there.

An audit stages its outputs as hidden files beside them in ``--out``
(:func:`provenance.export.staged`) and spills keys into folders in TMPDIR
(:mod:`provenance.dedup.buckets`). A run killed with SIGKILL (by a user, the
out-of-memory killer, a lost machine) removes neither: 28-168 MB of staged
files and 38-94 MB per key folder were left at a time. So every run clears
what earlier runs left, and must never take what a live run is using.

Each such file or folder therefore has an owner record: the owner's pid in
its name (``.<target>.<pid>.<random>.tmp``, ``provenance-keys-<pid>-<random>``)
and an exclusive ``flock`` that the owner holds as long as it lives, on the
staged file itself or on a ``.owner`` file in the key folder. The kernel
drops a flock when its holder dies, however it died, and a flock cannot be
fooled by a pid used again by another process. An entry is cleared when its
lock is free and its owner is gone (or, with no owner record, as files of
older versions have, when nothing touched it for :data:`STALE_SECONDS`).

The output folder itself is locked too (:func:`output_lock`), so that two
audits into one folder never interleave their five outputs.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from provenance.errors import ProvenanceError, ReportError

try:
    import fcntl
except ImportError:  # not POSIX: no locks, and nothing is cleared that has no pid
    fcntl = None  # type: ignore[assignment]

#: The lock file an audit holds in its output folder (hidden: never read as input).
LOCK_FILE = ".provenance.lock"
#: Where temporary key folders are made (in TMPDIR) and how their names begin.
KEY_FOLDER_PREFIX = "provenance-keys-"
#: The file inside a key folder whose flock says the folder is in use.
OWNER_FILE = ".owner"
#: An entry whose lock is free but whose owner may be alive (a pid used again,
#: or a run that is just making it), or which has no owner record at all
#: (left by an older version, which held no lock), is cleared only when
#: nothing touched it for this long. A live run writes its files far more
#: often than this; the longest audits measured take minutes.
STALE_SECONDS = 3600.0

# mkstemp and mkdtemp end names with 8 of these characters.
_RANDOM = r"[a-z0-9_]{8}"
_KEY_FOLDER = re.compile(re.escape(KEY_FOLDER_PREFIX) + r"(?:(\d+)-)?" + _RANDOM)
# Flock is not supported here (some network file systems): run unlocked.
_NO_LOCKS = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EINVAL}


class FolderInUse(ProvenanceError):
    """Another run holds the lock of the output folder."""


def _lock(fd: int, exclusive: bool = True) -> bool:
    """Take a flock on ``fd`` without waiting: False if another open file holds a conflicting one.

    Where the file system has no locks, say it is free: the owner could not
    lock it either, and the pid and age rules still hold.
    """
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as exc:
        if exc.errno in _NO_LOCKS:
            return True
        raise
    return True


# ---------------------------------------------------------------------------
# The output folder's lock


# Folders this process holds, by (device, inode, thread): the descriptor and
# how many nested blocks hold it. A second flock by the same process on a new
# descriptor would conflict with the first, so nested holders share one.
_held: dict[tuple[int, int, int], list[int]] = {}


def _forget_held_in_child() -> None:
    """A forked process does not hold its parent's output folder: the lock goes when the parent goes.

    Workers inherit the descriptor, and while any of them lived (a moment,
    :func:`provenance.workers._tie_to_parent`) a killed run's folder stayed
    locked under a pid that no longer exists.
    """
    for fd, _ in _held.values():
        with contextlib.suppress(OSError):
            os.close(fd)
    _held.clear()


os.register_at_fork(after_in_child=_forget_held_in_child)


@contextlib.contextmanager
def output_lock(folder: Path) -> Iterator[None]:
    """Hold ``folder``'s lock: raises :class:`FolderInUse` at once if another run holds it.

    Refusing is better than waiting: a second audit into the same folder is
    usually a mistake (the same command twice, a default ``--out``), and
    one that waited silently for minutes would look hung and then throw
    the first run's outputs away. Nested blocks of one thread share the lock.
    The folder is made if missing. The lock file is removed when the lock is let go; one left by a killed
    run is harmless, since the kernel let its lock go with the run.
    A folder made here and left empty (the run failed) is removed again.
    """
    made = _make_folders(folder)
    try:
        try:
            info = folder.stat()
        except OSError as exc:
            raise ReportError(f"cannot write outputs to {folder}: {exc.strerror or exc}") from exc
        key = (info.st_dev, info.st_ino, threading.get_ident())
        if key in _held:
            _held[key][1] += 1
            try:
                yield
            finally:
                _held[key][1] -= 1
            return
        fd = _acquire(folder)
        _held[key] = [fd, 1]
        try:
            yield
        finally:
            del _held[key]
            _release(folder / LOCK_FILE, fd)
    finally:
        for path in reversed(made):
            try:
                path.rmdir()
            except OSError:
                break  # not empty: the run wrote something there


def _make_folders(folder: Path) -> list[Path]:
    """Make ``folder`` and its missing parents; the ones made, outermost first."""
    missing = [path for path in (folder, *folder.parents) if not path.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot write outputs to {folder}: {exc.strerror or exc}") from exc
    return list(reversed(missing))


def _acquire(folder: Path) -> int:
    """Open and lock ``folder``'s lock file, writing this process's pid into it; the descriptor."""
    path = folder / LOCK_FILE
    for _ in range(10):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except OSError as exc:
            raise ReportError(f"cannot write outputs to {folder}: {exc.strerror or exc}") from exc
        try:
            if not _lock(fd):
                holder = _holder(fd)
                by = f" (pid {holder})" if holder else ""
                raise FolderInUse(
                    f"{folder} is in use by another provenance run{by}: "
                    "wait for it to finish, or write to another folder"
                )
            # The holder before us removes the file as it lets go: if we locked
            # that removed file, the lock guards nothing, so open the new one.
            if _same_file(fd, path):
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    raise FolderInUse(f"{folder} is in use by other provenance runs starting and ending: try again")


def _same_file(fd: int, path: Path) -> bool:
    try:
        named = path.stat()
    except FileNotFoundError:
        return False
    opened = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


def _holder(fd: int) -> int | None:
    """The pid the lock's holder wrote into it (None if it has not written it yet)."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _release(path: Path, fd: int) -> None:
    with contextlib.suppress(OSError):
        if _same_file(fd, path):
            path.unlink()
    os.close(fd)  # lets the lock go (forked workers closed their copies: _forget_held_in_child)


# ---------------------------------------------------------------------------
# Owned temporary files and folders


def owned_temp_file(folder: Path, prefix: str, suffix: str) -> tuple[int, Path]:
    """A new empty file ``<prefix><pid>.<random><suffix>`` in ``folder``, and a descriptor holding its lock.

    Keep the descriptor open while the file is in use: closing it lets the
    lock go, and the file may then be cleared as left by a killed run.
    Writers may open the file again by name: the lock is on the file.
    """
    fd, name = tempfile.mkstemp(prefix=f"{prefix}{os.getpid()}.", suffix=suffix, dir=folder)
    try:
        _lock(fd)
    except BaseException:
        os.close(fd)
        os.unlink(name)
        raise
    return fd, Path(name)


class OwnedFolder:
    """A new temporary folder ``provenance-keys-<pid>-<random>`` in TMPDIR, locked while this object lives.

    Like :class:`tempfile.TemporaryDirectory`: :meth:`cleanup` (or garbage
    collection) removes it. A process forked meanwhile shares the lock
    while it lives; only the process that made the folder removes it.
    """

    def __init__(self) -> None:
        # A stop signal (Ctrl-C, a forked worker's SIGTERM) that came between making the folder and
        # handing it to its finalizer would leave it behind: it waits until the finalizer holds it.
        with _stop_signals_deferred():
            self.name = tempfile.mkdtemp(prefix=f"{KEY_FOLDER_PREFIX}{os.getpid()}-")
            try:
                fd = os.open(os.path.join(self.name, OWNER_FILE), os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
                _lock(fd)
            except BaseException:
                shutil.rmtree(self.name, ignore_errors=True)
                raise
            self._finalizer = weakref.finalize(self, _remove_owned_folder, self.name, fd, os.getpid())

    def cleanup(self) -> None:
        """Remove the folder and everything in it."""
        self._finalizer()


@contextlib.contextmanager
def _stop_signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM held back (not lost) in this thread until the block ends, where the platform can.

    A signal that comes after the folder is made and before it has its
    finalizer leaves the folder behind (the next run clears such folders; this
    one should not leave it). A test that stops a forked process a moment after
    its folder appears failed once, under load, in a way that moment explains.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _remove_owned_folder(name: str, fd: int, owner: int) -> None:
    try:
        if os.getpid() == owner:
            try:
                shutil.rmtree(name, ignore_errors=True)
            except BaseException:
                # A stop signal raised its exception in the middle of the removal
                # (a forked worker's SIGTERM, Ctrl-C): this finalizer runs only
                # once, so finish the removal before the exception goes on.
                shutil.rmtree(name, ignore_errors=True)
                raise
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------
# Clearing what killed runs left


@dataclass
class Cleared:
    """What :func:`clear_leftovers` removed."""

    files: int = 0
    file_bytes: int = 0
    folders: int = 0
    folder_bytes: int = 0

    def __bool__(self) -> bool:
        return bool(self.files or self.folders)

    def message(self, out: Path) -> str:
        """One line saying what was removed, and where."""
        parts = []
        if self.files:
            noun = "file" if self.files == 1 else "files"
            parts.append(f"{self.files} staged output {noun} in {out} ({_size(self.file_bytes)})")
        if self.folders:
            noun = "folder" if self.folders == 1 else "folders"
            parts.append(
                f"{self.folders} temporary key {noun} in {tempfile.gettempdir()} ({_size(self.folder_bytes)})"
            )
        return "removed what interrupted runs left: " + ", ".join(parts)


def _size(count: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"


def clear_leftovers(out: Path | None, names: Iterable[str]) -> Cleared:
    """Remove what killed runs left: staged ``names`` in ``out`` and key folders in TMPDIR.

    Only this user's entries whose owner is gone (module doc). Entries that
    cannot be read or removed are left as they are: clearing never stops a run.
    """
    cleared = Cleared()
    if out is not None:
        for name in names:
            clear_staged(out, name, cleared)
    _clear_key_folders(Path(tempfile.gettempdir()), cleared)
    return cleared


def clear_staged(folder: Path, name: str, cleared: Cleared | None = None) -> None:
    """Remove the staged files of target ``name`` in ``folder`` that no live run holds."""
    pattern = re.compile(re.escape(f".{name}.") + r"(?:(\d+)\.)?" + _RANDOM + re.escape(".tmp"))
    now = time.time()
    for path, pid in _matching(folder, pattern):
        info = _own_entry(path, stat.S_ISREG)
        if info is None or not _abandoned(path, pid, info.st_mtime, now):
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            if cleared is not None:
                cleared.files += 1
                cleared.file_bytes += info.st_size


def _clear_key_folders(folder: Path, cleared: Cleared) -> None:
    now = time.time()
    for path, pid in _matching(folder, _KEY_FOLDER):
        info = _own_entry(path, stat.S_ISDIR)
        if info is None:
            continue
        size, touched = _contents(path, info.st_mtime)
        if not _abandoned(path / OWNER_FILE, pid, touched, now):
            continue
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            cleared.folders += 1
            cleared.folder_bytes += size


def _matching(folder: Path, pattern: re.Pattern[str]) -> Iterator[tuple[Path, int | None]]:
    """Entries of ``folder`` whose whole name matches ``pattern``, with the pid its group 1 records."""
    try:
        with os.scandir(folder) as entries:
            names = [entry.name for entry in entries]
    except OSError:
        return
    for name in names:
        match = pattern.fullmatch(name)
        if match:
            pid = int(match.group(1)) if match.group(1) else None
            yield folder / name, pid if pid else None


def _own_entry(path: Path, is_kind: Callable[[int], bool]) -> os.stat_result | None:
    """``path``'s status if it is of the kind wanted (not a link) and this user's, else None."""
    try:
        info = path.lstat()
    except OSError:
        return None
    if not is_kind(info.st_mode):
        return None
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return None
    return info


def _contents(folder: Path, mtime: float) -> tuple[int, float]:
    """Bytes in ``folder`` and when it or anything in it was last changed."""
    size, touched = 0, mtime
    for root, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                info = os.lstat(os.path.join(root, name))
                size += info.st_size
                touched = max(touched, info.st_mtime)
    return size, touched


def _abandoned(lockable: Path, pid: int | None, touched: float, now: float) -> bool:
    """Whether no live run holds an entry: its lock is free, and its owner is gone or it is stale."""
    if _locked(lockable):
        return False
    if pid is not None and not _running(pid):
        return True
    return now - touched > STALE_SECONDS


def _locked(path: Path) -> bool:
    """Whether a live process holds ``path``'s flock (False if there is no such file)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: keep it
    try:
        return not _lock(fd, exclusive=False)
    except OSError:
        return True
    finally:
        os.close(fd)


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists and has not ended (a zombie, not yet reaped, has)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except OSError:
        return True
    if sys.platform.startswith("linux"):
        try:
            state = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            return False
        # "pid (command) state ...": the command may hold spaces and parentheses.
        return state.rpartition(")")[2].split()[:1] not in (["Z"], ["X"])
    return True
