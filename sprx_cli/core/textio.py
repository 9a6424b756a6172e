"""Reading registry text the way people save it, and writing files atomically."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .problems import Loc, Problem

BOM = b"\xef\xbb\xbf"
# Characters no text of a registry may hold: C0 controls but tab, line feed and carriage return (ESC
# among them: terminal escape sequences), DEL, C1 controls but NEL (a line break to YAML), halves of
# a surrogate pair, and the two noncharacters. None can be written to XML (the Atom feed, XLSX) or
# shown; some move a terminal's cursor or retitle its window.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_KEEP = bytes(range(0x20, 0x7F)) + b"\t\n\r" + bytes(range(0x80, 0x100))
_C1_OR_NONCHARACTER = re.compile(rb"\xc2[\x80-\x84\x86-\x9f]|\xef\xbf[\xbe\xbf]")


def has_control(text: str) -> bool:
    """Whether `text` holds a CONTROL character: whole files at the speed of a copy (the regex over
    tens of megabytes is five times slower)."""
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:  # (a lone half of a surrogate pair)
        return True
    return bool(raw.translate(None, _KEEP)) or (not text.isascii() and _C1_OR_NONCHARACTER.search(raw) is not None)


def control_said(text: str) -> str:
    """The first CONTROL character of `text` as a message names it: 'U+000B'."""
    m = CONTROL.search(text)
    return f"U+{ord(m.group()):04X}" if m else ""


def control_problem(value: str, loc: Loc, field: str | None = None) -> Problem:
    """A value holding a CONTROL character, where it is."""
    return Problem("control-character", f"{'the value' if field is None else repr(field)} holds the control "
                   f"character {control_said(value)}, which shows as nothing", loc, field=field, value=shown(value))


def shown(text: str) -> str:
    """`text` safe to print to a terminal: each CONTROL character written as its escape (\\x1b)."""
    if not CONTROL.search(text):
        return text
    return CONTROL.sub(lambda m: repr(m.group())[1:-1] if ord(m.group()) < 0xD800 else f"\\u{ord(m.group()):04x}", text)


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
