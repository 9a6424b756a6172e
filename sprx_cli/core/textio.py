"""Reading registry text the way people save it, and writing files atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from collections.abc import Sequence

from .problems import Loc, Problem

BOM = b"\xef\xbb\xbf"


class SourceError(Exception):
    """A file could not be read as text; carries the problem to report."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def read_text(path: Path, display: str, encoding: str | None = None, other_encodings: bool = True) -> str:
    """Read `path` as text: UTF-8 with or without BOM unless `encoding` says otherwise.

    Line ends are left alone (both parsers accept CRLF). A file that is not valid UTF-8 raises
    `SourceError` naming the line, with a hint for the common case of a Windows-1252 file saved
    by Excel (`other_encodings`: whether the reader can be told another encoding, or the file must be
    saved again as UTF-8).
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(Problem("file-not-found", f"{display} does not exist", Loc(display))) from None
    except OSError as exc:
        raise SourceError(Problem("file-unreadable", f"cannot read {display}: {exc.strerror}",
                                  Loc(display))) from None
    if encoding:
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except (UnicodeDecodeError, LookupError) as exc:
            line = data[: getattr(exc, "start", 0)].count(b"\n") + 1
            raise SourceError(Problem(
                "encoding-error", f"{display} cannot be read as {encoding}: {exc}",
                Loc(display, line=line), value=encoding,
                hint="check --encoding (utf-8 and cp1252 are the usual ones)")) from None
    if data.startswith(BOM):
        data = data[len(BOM):]
    if b"\x00" in data[:8192]:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise SourceError(Problem(
            "encoding-error", f"{display} is not a text file (it contains NUL bytes)",
            Loc(display, line=line),
            hint="a registry must be saved as plain text (YAML or CSV, UTF-8), not as a "
                 "spreadsheet or word-processor file"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad = data[exc.start: exc.start + 1]
        try:
            bad_char = bad.decode("cp1252")
            looks_cp1252 = True
        except UnicodeDecodeError:
            bad_char, looks_cp1252 = repr(bad), False
        hint = ("it looks like Windows-1252, as Excel saves 'CSV' files: save it again as 'CSV UTF-8'"
                + (", or run with --encoding cp1252" if other_encodings else "")) if looks_cp1252 else \
               "save the file again as UTF-8"
        raise SourceError(Problem(
            "encoding-error",
            f"{display} is not valid UTF-8: byte 0x{bad.hex()} ({bad_char!r}) on line {line}",
            Loc(display, line=line), value=f"0x{bad.hex()}", hint=hint)) from None


def atomic_write_bytes(path: Path, data: bytes | Sequence[bytes]) -> None:
    """Write `data` (or these pieces of it, one after another: a large file need not be copied into one
    first) to `path` so readers see either the old file or the whole new one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            if isinstance(data, (bytes, bytearray, memoryview)):
                f.write(data)
            else:
                f.writelines(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def same_file(a: Path | str, b: Path | str) -> bool:
    """Whether two paths name one file, through symbolic or hard links (or would, for one not made yet)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()


def atomic_write_text(path: Path, text: str) -> None:
    """Write text as UTF-8, atomically (see atomic_write_bytes)."""
    atomic_write_bytes(path, text.encode("utf-8"))
