"""Which files of the named paths are read, and why each of the others is not.

A dump comes from outside: its folders may hold FIFOs or devices (opening
one blocks forever), symbolic links to anywhere on the disk (``/etc/passwd``
read in as a post), links that loop, folders the user cannot read, and, when
``--out`` lies inside it, the audit's own earlier reports. :func:`iter_files`
yields only regular files and lists every other entry it meets in
``corpus.skipped`` with the reason, so that nothing is left out silently and
``--strict`` fails on it:

- Paths named by the user are read even when they are symbolic links.
- Inside a named folder, a symbolic link (to a file or a folder) is not
  followed unless ``follow_links``; a link whose target lies inside the
  named inputs is never followed, its target being read at its own path.
- With ``follow_links``, every real file and folder is read once (by device
  and inode), so a link back up the tree cannot loop and a file reached
  twice is read once; the second path is listed as the same file.
- Files under an ``exclude_dirs`` folder (the audit's own output folder) or
  matching an ``exclude`` glob are listed, never opened. A glob is matched,
  case-sensitively, against the path relative to the named folder (``*``
  also crosses ``/``) and against the file or folder name.
- Hidden files and folders (names starting with ``.``) inside a named folder
  are left out without being listed: version-control and editor folders,
  not part of the dump.
- Known sources (``--reference``) are walked first by the same rules; a
  file of the dump that was read as a reference (a folder holding the
  originals beside the copies) is passed over without being listed, since
  it is read, once, as a reference.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from provenance.ingest.source import file_kind
from provenance.models import Corpus, SkippedFile

__all__ = ["OUTPUT_FOLDER", "iter_files", "iter_inputs"]

#: The reason given for every file under an ``exclude_dirs`` path (the output folder, the store).
OUTPUT_FOLDER = "the audit's own output (--out folder or --db store)"

_FileId = tuple[int, int]


class _Descend(NamedTuple):
    """A folder to walk next (:meth:`_Walker.folder`), with its named root and why it is skipped, if it is."""

    folder: Path
    root: Path
    info: os.stat_result
    reason: str | None
    real: Path  # the folder's real path (links resolved)


def iter_files(
    paths: Sequence[str | os.PathLike[str]],
    corpus: Corpus,
    *,
    follow_links: bool = False,
    exclude: Sequence[str] = (),
    exclude_dirs: Sequence[str | os.PathLike[str]] = (),
) -> Iterator[Path]:
    """Every regular file to read under ``paths`` in sorted order; every other entry in ``corpus.skipped``."""
    for path, _ in iter_inputs(
        paths, corpus, follow_links=follow_links, exclude=exclude, exclude_dirs=exclude_dirs
    ):
        yield path


def iter_inputs(
    paths: Sequence[str | os.PathLike[str]],
    corpus: Corpus,
    *,
    references: Sequence[str | os.PathLike[str]] = (),
    follow_links: bool = False,
    exclude: Sequence[str] = (),
    exclude_dirs: Sequence[str | os.PathLike[str]] = (),
) -> Iterator[tuple[Path, bool]]:
    """Every file to read as ``(path, is_reference)``: the files of ``references``, then those of ``paths``.

    A file reached both ways is read once, as a reference, and not listed as skipped.
    """
    reference_roots = [Path(p) for p in references]
    walker = _Walker(
        [*reference_roots, *(Path(p) for p in paths)], corpus, follow_links, exclude, exclude_dirs
    )
    for path in reference_roots:
        yield from ((found, True) for found in walker.named(path))
    walker.references_done()
    for path in walker.roots[len(reference_roots) :]:
        yield from ((found, False) for found in walker.named(path))


class _Walker:
    """One walk over the named paths, remembering what was read so that nothing is read twice."""

    def __init__(
        self,
        roots: list[Path],
        corpus: Corpus,
        follow_links: bool,
        exclude: Sequence[str],
        exclude_dirs: Sequence[str | os.PathLike[str]],
    ) -> None:
        self.roots = roots
        self.skipped = corpus.skipped
        self.follow_links = follow_links
        self.patterns = [pattern.rstrip("/") or pattern for pattern in exclude]
        self.excluded_dirs = [_real(Path(folder)) for folder in exclude_dirs]
        # Files among them (the --db store and SQLite's files beside it, which may not exist yet):
        # looked up by name first, so a folder of 100,000 files resolves no path it need not.
        self.excluded_files = {real.name: real for real in self.excluded_dirs if not real.is_dir()}
        self.real_roots = [(_real(root), root) for root in roots if root.exists()]
        self.files: dict[_FileId, str] = {}
        self.folders: dict[_FileId, str] = {}
        # Files and folders read as references: met again in the dump, they are passed over unlisted.
        self.reference_files: set[_FileId] = set()
        self.reference_folders: set[_FileId] = set()

    def references_done(self) -> None:
        """Everything walked so far was a reference; what follows is the dump."""
        self.reference_files = set(self.files)
        self.reference_folders = set(self.folders)

    def skip(self, path: Path | str, reason: str) -> None:
        self.skipped.append(SkippedFile(str(path), reason))

    def named(self, path: Path) -> Iterator[Path]:
        """A path the user named: read even when it is a symbolic link."""
        try:
            info = path.stat()
        except FileNotFoundError:
            if path.is_symlink():
                self.skip(path, f"broken symbolic link to {os.readlink(path)!r}")
            else:
                self.skip(path, "no such file or directory")
            return
        except OSError as exc:
            self.skip(path, f"unreadable: {exc.strerror or exc}")
            return
        if stat.S_ISDIR(info.st_mode):
            yield from self.folder(path, path, info, self.output_reason(path))
        elif (pattern := self.excluded_by(path.name, path.name)) is not None:
            self.skip(path, f"excluded by --exclude {pattern!r}")
        else:
            yield from self.file(path, info)

    def output_reason(self, path: Path, real: Path | None = None) -> str | None:
        """OUTPUT_FOLDER when ``path`` (real path ``real``, when known) lies in a folder never to be read."""
        if not self.excluded_dirs:
            return None
        real = _real(path) if real is None else real
        return OUTPUT_FOLDER if any(real.is_relative_to(folder) for folder in self.excluded_dirs) else None

    def excluded_by(self, relative: str, name: str) -> str | None:
        """The first ``--exclude`` glob that matches the relative path or the name, if any."""
        for pattern in self.patterns:
            if fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(name, pattern):
                return pattern
        return None

    def file(self, path: Path, info: os.stat_result) -> Iterator[Path]:
        """A file met by any route: read if it is a regular file not read before."""
        if not stat.S_ISREG(info.st_mode):
            self.skip(path, f"not a regular file ({file_kind(info.st_mode)}); not opened for reading")
            return
        key = (info.st_dev, info.st_ino)
        if key in self.reference_files:
            return
        if key in self.files:
            self.skip(path, f"the same file as {self.files[key]}, read there")
            return
        self.files[key] = str(path)
        yield path

    def folder(self, folder: Path, root: Path, info: os.stat_result, reason: str | None) -> Iterator[Path]:
        """The files of ``folder`` and its sub-folders; with ``reason``, each listed as skipped instead.

        Depth first, in the order a recursive walk gives, with a stack of the
        folders open: one Python frame per level of nesting overflowed the
        interpreter's recursion limit at about 480 levels (a RecursionError
        traceback on a dump of folders nested 1,000 deep).
        """
        open_folders = [self._entries(_Descend(folder, root, info, reason, _real(folder)))]
        while open_folders:
            found = next(open_folders[-1], None)
            if found is None:
                open_folders.pop()
            elif isinstance(found, _Descend):
                open_folders.append(self._entries(found))
            else:
                yield found

    def _entries(self, descend: _Descend) -> Iterator[Path | _Descend]:
        """What one folder holds: its files to read, and each sub-folder to walk next, in walk order."""
        folder, root, info, reason, real = descend
        key = (info.st_dev, info.st_ino)
        if key in self.reference_folders:
            return
        if key in self.folders:
            self.skip(folder, f"folder already read as {self.folders[key]}")
            return
        self.folders[key] = str(folder)
        try:
            with os.scandir(folder) as scan:
                entries = sorted((e for e in scan if not e.name.startswith(".")), key=lambda e: e.name)
        except OSError as exc:
            self.skip(folder, f"unreadable folder: {exc.strerror or exc}")
            return
        # Files first, then sub-folders, each in name order (the order os.walk gave).
        subfolders = [entry for entry in entries if _is_dir(entry)]
        for entry in [entry for entry in entries if not _is_dir(entry)] + subfolders:
            yield from self.entry(entry, root, reason, real)

    def entry(
        self, entry: os.DirEntry[str], root: Path, reason: str | None, folder_real: Path
    ) -> Iterator[Path | _Descend]:
        """One entry of a folder; ``reason``, when given, is why everything in the folder is skipped.

        ``folder_real`` is the folder's real path: an entry that is no link is
        that and its name. Resolving each folder's path again (a system call
        per part) was quadratic in the depth of nesting: 26 of the 33 s of a
        dump of 1,000 folders nested in each other.
        """
        path = Path(entry.path)
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError as exc:
            self.skip(path, f"unreadable: {exc.strerror or exc}")
            return
        is_folder = stat.S_ISDIR(info.st_mode)
        if reason is None:
            pattern = self.excluded_by(path.relative_to(root).as_posix(), entry.name)
            if pattern is not None:
                reason = f"excluded by --exclude {pattern!r}"
            elif is_folder:
                reason = self.output_reason(path, folder_real / entry.name)
            elif entry.name in self.excluded_files and _real(path) == self.excluded_files[entry.name]:
                reason = OUTPUT_FOLDER
        if entry.is_symlink() and reason is None:
            yield from self.link(path, root)
        elif is_folder:
            yield _Descend(path, root, info, reason, folder_real / entry.name)
        elif reason is not None:
            self.skip(path, reason)
        else:
            yield from self.file(path, info)

    def link(self, path: Path, root: Path) -> Iterator[Path | _Descend]:
        """A symbolic link met inside a named folder: followed only with ``follow_links`` and to outside."""
        target = os.readlink(path)
        try:
            real = Path(os.path.realpath(path, strict=True))
            info = path.stat()
        except OSError:
            self.skip(path, f"broken symbolic link to {target!r}")
            return
        kind = "folder" if stat.S_ISDIR(info.st_mode) else "file"
        own_path = self.read_at(real)
        if own_path is not None:
            self.skip(
                path, f"symbolic link to {kind} {target!r}, not followed: read at its own path {own_path}"
            )
        elif not self.follow_links:
            self.skip(
                path,
                f"symbolic link to {kind} {str(real)!r} outside the named inputs; "
                "not followed (--follow-links reads it)",
            )
        elif kind == "folder":
            yield _Descend(path, root, info, self.output_reason(real, real), real)
        else:
            yield from self.file(path, info)

    def read_at(self, real: Path) -> Path | None:
        """The path at which the walk reads ``real`` without following links, or None if it does not."""
        for real_root, root in self.real_roots:
            if real == real_root:
                return root
            if not real.is_relative_to(real_root) or not real_root.is_dir():
                continue
            relative = real.relative_to(real_root)
            hidden = any(part.startswith(".") for part in relative.parts)
            if hidden or self.output_reason(real) or self.excluded_by(relative.as_posix(), real.name):
                continue
            return root / relative
        return None


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """Whether the entry is a folder or a link to one (as os.walk sorts them); False when unknown."""
    try:
        return entry.is_dir()
    except OSError:
        return False
