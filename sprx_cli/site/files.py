"""A version's files, written once: a file whose bytes the previous version already has is a hard
link to that version's copy, never written again, so a republish after a small change writes little
and adds little to the disk.

Each version's index (path, size, SHA-256 of every file) is kept beside the versions, out of the
public site (`DIR.sprx/index/<version>.tsv`); the public manifest lists groups of files, one checksum
each (`group_digest`). New files are written without a sync each and made durable together, with one
`syncfs` of the filesystem (one `fsync` per file where the system has no `syncfs`), before the
version is renamed into place.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

INDEX = "index"  # DIR.sprx/index/<version>.tsv


@dataclass(frozen=True)
class Entry:
    """One file of a version: its size and SHA-256."""

    size: int
    sha256: str


def index_path(state: Path, version: str) -> Path:
    """Where the index of `version` is kept."""
    return state / INDEX / f"{version}.tsv"


def sharing(out: Path, state: Path, previous: Path | None) -> VersionFiles:
    """The files of a new version in `out`, to share unchanged ones with `previous` (the live version)."""
    if previous is None:
        return VersionFiles(out)
    try:
        indexed_ns = index_path(state, previous.name).stat().st_mtime_ns
    except OSError:
        return VersionFiles(out)
    return VersionFiles(out, previous, read_index(state, previous.name), indexed_ns)


def read_index(state: Path, version: str) -> dict[str, Entry]:
    """A version's files by path ({} for a version without an index, such as one an older sprx made)."""
    try:
        text = index_path(state, version).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    out = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[1].isdigit():
            out[parts[0]] = Entry(int(parts[1]), parts[2])
    return out


def group_of(path: str) -> str:
    """The group a file is checksummed in by the manifest: its folder's path to two levels
    ("oruk/services", "schemes", "en/schemes"), or the file itself at the top."""
    parts = path.split("/")
    return "/".join(parts[:-1][:2]) + "/" if len(parts) > 1 else path


def group_digest(entries: list[tuple[str, Entry]]) -> str:
    """One checksum for a group of files: SHA-256 over each file's path and SHA-256, in path order."""
    h = hashlib.sha256()
    for path, entry in sorted(entries):
        h.update(f"{path}\t{entry.sha256}\n".encode())
    return h.hexdigest()


@dataclass
class VersionFiles:
    """The files of a version being built in `out`, sharing unchanged ones with `previous` (a version
    folder and its index)."""

    out: Path
    previous: Path | None = None
    previous_index: dict[str, Entry] = field(default_factory=dict)
    indexed_ns: int = 0  # when the previous index was written: a file changed since is not trusted
    entries: dict[str, Entry] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    linked: int = 0
    _folders: set[str] = field(default_factory=set)

    def put(self, name: str, data: bytes) -> None:
        """The file `name` with these bytes: linked to the previous version's copy when it is the same."""
        parts = name.split("/")
        if name.startswith("/") or "" in parts or ".." in parts or "." in parts:  # (stays inside the version)
            raise ValueError(f"not a file name inside the site: {name[:80]!r}")
        entry = Entry(len(data), hashlib.sha256(data).hexdigest())
        path = f"{self.out}/{name}"  # (strings, not Paths: a national site has hundreds of thousands)
        folder = path.rpartition("/")[0]
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        self.entries[name] = entry
        if self.previous is not None and self.previous_index.get(name) == entry:
            old_path = f"{self.previous}/{name}"
            try:
                old = os.stat(old_path)
                if old.st_size == entry.size and old.st_mtime_ns <= self.indexed_ns:
                    os.link(old_path, path)
                    self.linked += 1
                    return
            except OSError:  # (gone, another filesystem, too many links: write it)
                pass
        with open(path, "wb") as f:
            f.write(data)
        self.written.append(path)

    def make_durable(self) -> None:
        """Every new file and folder on disk before the version is renamed into place."""
        if not _syncfs(self.out):
            for path in self.written:
                fsync_path(path)
        for folder in sorted(self._folders | {str(self.out)}, key=lambda p: p.count("/"), reverse=True):
            fsync_path(folder)

    def index_text(self) -> str:
        """The index, a line per file: path, size, SHA-256."""
        return "".join(f"{name}\t{e.size}\t{e.sha256}\n" for name, e in sorted(self.entries.items()))


def fsync_path(path: Path | str) -> None:
    """Make a file's bytes, or a folder's entries (new names, renames), durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _syncfs(path: Path) -> bool:
    """Flush the filesystem holding `path` (Linux's syncfs); False where the system has none."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        syncfs = libc.syncfs
    except (OSError, AttributeError):
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        if syncfs(fd) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err))
    finally:
        os.close(fd)
    return True
