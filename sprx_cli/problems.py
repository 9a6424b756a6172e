"""Problems found in registry files, and the report that collects them.

Validation never raises for bad data: every check appends a `Problem` with a stable code, a
location (file and line:column for YAML, row for CSV), the bad value, what is wrong and how to
fix it. The CLI decides how to show them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Loc:
    """Where something is: a file and either a line (and column) or a spreadsheet row."""

    file: str
    line: int | None = None
    column: int | None = None
    row: int | None = None

    def __str__(self) -> str:
        if self.row is not None:
            return f"{self.file} row {self.row}"
        if self.line is not None and self.column is not None:
            return f"{self.file}:{self.line}:{self.column}"
        if self.line is not None:
            return f"{self.file}:{self.line}"
        return self.file


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    loc: Loc
    severity: Severity = "error"
    field: str | None = None
    value: Any = None
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("loc")
        d = {"code": self.code, "severity": self.severity, **asdict(self.loc),
             "location": str(self.loc), **{k: d[k] for k in ("field", "value", "message", "hint")}}
        if d["value"] is not None and not isinstance(d["value"], (str, int, float, bool)):
            d["value"] = str(d["value"])
        return d


@dataclass
class Report:
    """Everything validation found, in the order the files were read."""

    problems: list[Problem] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    def add(self, code: str, message: str, loc: Loc, *, severity: Severity = "error",
            field: str | None = None, value: Any = None, hint: str | None = None) -> None:
        self.problems.append(Problem(code, message, loc, severity, field, value, hint))

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "stats": self.stats,
            "problems": [p.to_dict() for p in self.problems],
        }
