"""A published site's versions: the lock, the link that is flipped, pruning, and checking the live one.

A site `public` is a symbolic link to one complete version:

    public -> public.sprx/versions/20261123T020000123456Z-3f2a9c1b
    public.sprx/lock                  held (flock) while a publish or rollback runs
    public.sprx/versions/<version>/   complete sites, newest last; the `keep` newest earlier ones stay
    public.sprx/readers/<version>     held shared (flock) by a server while it reads that version
    public.sprx/stores/<version>.sqlite   the API's store of each version (not a download of the site)
    public.sprx/index/<version>.tsv   each version's files and checksums (site/files.py: unchanged
                                      files are hard links to the previous version's)

The locks are flocks on open files, so the kernel drops them when a process dies: a killed run never
blocks the next one, and a version a server is reading is never deleted under it (prune leaves it
for a later publish).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path
from collections.abc import Callable

from ..core.errors import SprxError
from .files import Entry, fsync_path, group_digest, group_of, index_path

Log = Callable[..., None]  # log(event, level="info", **fields)


STORES = "stores"


def store_path(state: Path, version: str) -> Path:
    """Where the API store of `version` is kept: DIR.sprx/stores/<version>.sqlite."""
    return state / STORES / f"{version}.sqlite"


def store_of(folder: Path, name: str) -> Path:
    """The API store of a version folder: beside the versions (store_path), or `name` inside the
    folder (a version an older sprx published, or a folder of its own)."""
    beside = store_path(folder.parent.parent, folder.name)
    return beside if folder.parent.name == "versions" and beside.is_file() else folder / name


class PublishError(SprxError):
    """Publishing failed; the live site was not touched."""


class PublishBusy(PublishError):
    """Another publish or rollback holds the lock."""


def state_dir(site: Path) -> Path:
    """Where a site's versions and lock live: DIR.sprx beside DIR."""
    return site.with_name(site.name + ".sprx")


class SiteLock:
    """An exclusive flock on the site's lock file, held while a publish or rollback runs."""

    def __init__(self, path: Path):
        self.path = path
        self.fd: int | None = None

    def __enter__(self) -> SiteLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(self.fd, 200, 0).decode("utf-8", "replace").strip()
            os.close(self.fd)
            self.fd = None
            raise PublishBusy(f"another sprx publish is running on this site ({holder or 'pid unknown'}); "
                              "it was left to finish") from None
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"pid {os.getpid()}\n".encode(), 0)
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing drops the flock


def sha256_file(path: Path) -> str:
    """A file's SHA-256, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def named_version(site: Path) -> Path | None:
    """The version folder the site link names, when it is a link sprx made: one straight into the
    site's own `versions` folder. Read, not resolved, so a loop or a link elsewhere is simply not one."""
    try:
        target = os.readlink(site)
    except (OSError, ValueError):
        return None
    if not site.name or site.name in (".", ".."):
        return None
    named = Path(os.path.normpath(os.path.join(os.path.abspath(site.parent), target)))
    home = Path(os.path.abspath(state_dir(site) / "versions"))
    return named if named.parent == home and not named.name.startswith(".") else None


def live_version(site: Path) -> Path | None:
    """The version directory the site link points at, if the site is one sprx published."""
    named = named_version(Path(site))
    return named if named is not None and named.is_dir() else None


def read_manifest(site: Path) -> dict | None:
    """The live site's manifest.json, or None."""
    live = live_version(site)
    if live is None or not (live / "manifest.json").is_file():
        return None
    try:
        return json.loads((live / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def verify_site(site: Path) -> list[str]:
    """Problems with the live site: missing link, manifest, files, or checksums that differ."""
    live = live_version(site)
    if live is None:
        return [f"{site} is not a published site"]
    manifest = read_manifest(site)
    if manifest is None:
        return [f"{site}: manifest.json is missing or unreadable"]
    problems = []
    present = sorted(str(p.relative_to(live)) for p in live.rglob("*") if p.is_file())
    found: dict[str, list] = {}
    for name in present:
        if name != "manifest.json":
            found.setdefault(group_of(name), []).append(name)
    listed = {f.get("path") or f.get("group") for f in manifest["files"]}
    for extra in sorted(set(found) - listed):
        problems += [f"{name}: not in the manifest" for name in found[extra]]
    for f in manifest["files"]:
        if "group" in f:  # (a folder's files, one checksum: site/files.group_digest)
            names = found.get(f["group"], [])
            entries = [(n, Entry((live / n).stat().st_size, sha256_file(live / n))) for n in names]
            if len(names) != f["files"] or sum(e.size for _, e in entries) != f["size"] \
                    or group_digest(entries) != f["sha256"]:
                problems.append(f"{f['group']}: its {f['files']} files do not match the manifest")
            continue
        path = live / f["path"]
        if not path.is_file():
            problems.append(f"{f['path']}: missing")
        elif path.stat().st_size != f["size"] or sha256_file(path) != f["sha256"]:
            problems.append(f"{f['path']}: does not match the manifest")
    return problems


def version_name(digest: str) -> str:
    """A new version's folder name: the time now (UTC, to the microsecond) and the inputs' digest."""
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ") + "-" + digest[:8]


def fsync_dir(path: Path) -> None:
    """Make a folder's entries (new names, renames) durable."""
    fsync_path(path)


def write_synced(path: Path, data: bytes) -> None:
    """Write a file of a version being built, and sync it to disk."""
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def check_site_path(site: Path) -> None:
    """A site is a link sprx made, or a path free to become one (an empty folder is taken over)."""
    here = Path.cwd()
    if not site.name or site.name in (".", "..") or Path(os.path.abspath(site)) in (here, *here.parents):
        raise PublishError(f"{site} is the folder you are in, or holds it; sprx publishes a site as a link "
                           "that it makes, with its versions beside it",
                           "name a folder to publish to, such as --site public")
    if site.is_symlink():
        if named_version(site) is None:
            try:
                where = os.readlink(site)
            except OSError:
                where = "somewhere sprx cannot read"
            raise PublishError(f"{site} is a link that sprx did not make (it points at {where}); sprx only "
                               f"re-points the links it made, into {state_dir(site) / 'versions'}",
                               "remove the link, or publish to another folder (--site)")
        return
    if site.exists():
        if site.is_dir() and not any(site.iterdir()):
            site.rmdir()  # an empty folder made by hand: take its place
            return
        raise PublishError(f"{site} exists and is not a site published by sprx; sprx publishes {site} as a "
                           f"link to complete versions kept in {state_dir(site)}",
                           "move it away, or publish to another folder (--site)")


def versions(state: Path) -> list[Path]:
    """The site's complete versions, oldest first."""
    root = state / "versions"
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")) if root.is_dir() else []


def flip(site: Path, target: Path) -> None:
    """Point the site link at `target` with one atomic rename."""
    tmp = site.with_name(f".{site.name}.link-{os.getpid()}")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(target, site.parent), tmp)
    os.replace(tmp, site)
    fsync_dir(site.parent)


def remove_leftovers(state: Path, log: Log) -> None:
    """What killed runs left: half-built versions (only while the site's lock is held: no run is
    building one then), and the reader files of versions that are gone."""
    for leftover in sorted((state / "versions").glob(".tmp-*")):
        shutil.rmtree(leftover, ignore_errors=True)
        log("removed-leftover", path=str(leftover))
    for where in (store_path, index_path):  # (a killed run's store and index)
        folder = where(state, "x").parent
        for path in sorted(folder.iterdir()) if folder.is_dir() else ():
            if path.name.startswith(".") or not (state / "versions" / path.name.rsplit(".", 1)[0]).is_dir():
                path.unlink(missing_ok=True)
                log("removed-leftover", path=str(path))
    readers = state / "readers"
    if readers.is_dir():
        for orphan in readers.iterdir():
            if not (state / "versions" / orphan.name).is_dir():
                _delete_unread(state, orphan.name, log, pruned=False)


def prune(state: Path, live: Path, keep: int, log: Log) -> None:
    """Remove leftovers of killed runs, and all but `keep` versions older than the live one, but those a
    server is reading now (a later publish removes them)."""
    remove_leftovers(state, log)
    older = [v for v in versions(state) if v.name < live.name]
    for old in older[: max(0, len(older) - keep)]:
        _delete_unread(state, old.name, log)


def _delete_unread(state: Path, name: str, log: Log, pruned: bool = True) -> None:
    """Delete version `name` (and its reader file) unless a server holds it for reading."""
    readers = state / "readers"
    readers.mkdir(exist_ok=True)
    fd = os.open(readers / name, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log("kept-while-read", path=str(state / "versions" / name))
            return
        if pruned:
            shutil.rmtree(state / "versions" / name, ignore_errors=True)
            store_path(state, name).unlink(missing_ok=True)
            index_path(state, name).unlink(missing_ok=True)
            log("pruned", path=str(state / "versions" / name))
        os.unlink(readers / name)  # (a server waiting on it finds its version gone, and looks again)
    finally:
        os.close(fd)


def hold_live(site: Path) -> tuple[Path, int | None]:
    """The folder of the version live now, held for reading: a shared flock on its reader file, which
    prune will not delete it under (close the descriptor to let go). None for the descriptor where
    `site` is a version's own folder, not a published site, or where its state cannot be written."""
    state = state_dir(site)
    for _ in range(100):  # (each turn, a publish has deleted what the link pointed at meanwhile)
        folder = Path(os.path.realpath(site))
        if folder.parent != (state / "versions").resolve():
            return folder, None
        try:
            (state / "readers").mkdir(exist_ok=True)
            fd = os.open(state / "readers" / folder.name, os.O_RDWR | os.O_CREAT, 0o644)
        except PermissionError:  # (a server that may only read the site: it reads without holding)
            return folder, None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:  # being deleted: the link has moved on
            os.close(fd)
            continue
        if folder.is_dir() and os.path.exists(state / "readers" / folder.name):
            return folder, fd
        os.close(fd)
    raise PublishError(f"{site}: its versions change faster than they can be read")
