"""What an importer gives back: registry records as a keeper would write them, the rows it held back
with their reason, and a note for every value it changed or left out, of a kind that says how
much it matters (notes are shown to people grouped by kind, what needs a decision first)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..core.errors import SprxError


class Kind(NamedTuple):
    """A kind of note: how a group of them is titled (one, many), and whether a person must decide something."""

    one: str
    many: str
    decide: bool = False


# Every kind of note an importer makes, declared once (a group reads "12 <many>: rows 4, 9, ...").
KINDS: dict[str, Kind] = {
    "held-back": Kind("row held back (in the held-back file, with the reason)",
                      "rows held back (in the held-back file, with the reason)", True),
    "service-left-out": Kind("service left out", "services left out", True),
    "left-out": Kind("value left out of what was added (a spreadsheet's is in the held-back file too)",
                     "values left out of what was added (a spreadsheet's are in the held-back file too)", True),
    "conflict": Kind("value the registry has otherwise: kept as the registry has it (--update takes the "
                     "spreadsheet's)", "values the registry has otherwise: kept as the registry has them (--update "
                     "takes the spreadsheet's)", True),
    "area-spelling": Kind("area spelt otherwise, read as the one area it is closest to",
                          "areas spelt otherwise, read as the one area each is closest to", True),
    "duplicate-id": Kind("id shared by several services in the feed", "ids shared by several services in the feed",
                         True),
    "cannot-edit": Kind("change to make by hand (the registry writes that value over several lines, with comments)",
                        "changes to make by hand (the registry writes those values over several lines, with "
                        "comments)", True),
    "area-from-place": Kind("area taken from where the row's place is (its postcode or coordinates)",
                            "areas taken from where the rows' places are (their postcodes or coordinates)"),
    "hours-text": Kind("opening time kept as the hours note (not weekly days and times)",
                       "opening times kept as the hours note (not weekly days and times)"),
    "hours-partly": Kind("opening time read, its words kept as the hours note too",
                         "opening times read, their words kept as the hours note too"),
    "empty": Kind("cell such as 'NA' or 'not known' read as empty", "cells such as 'NA' or 'not known' read as empty"),
    "web": Kind("web address given its https://", "web addresses given their https://"),
    "date": Kind("date written day/month/year read as such", "dates written day/month/year read as such"),
    "term": Kind("label read as the vocabulary's key", "labels read as the vocabulary's keys"),
    "contact": Kind("contact cell split into email, phone and website", "contact cells split into email, phone and "
                    "website"),
    "postcode": Kind("postcode written another way, made standard", "postcodes written another way, made standard"),
    "id": Kind("id tidied", "ids tidied"),
    "control": Kind("value with control characters taken out (invisible: they garble text and break the feeds)",
                    "values with control characters taken out (invisible: they garble text and break the feeds)",
                    True),
    "cost": Kind("cost kept in words", "costs kept in words"),
    "file": Kind("note about the file as a whole", "notes about the file as a whole", True),
    "other": Kind("other change", "other changes"),
}


class Note(NamedTuple):
    """Something the importer changed or left out, where it was (file and row, or JSON pointer), and why.
    (A named tuple: an import makes one or two a row, and they come back from other processes.)"""

    where: str
    what: str
    why: str
    kind: str = "other"
    row: int | None = None  # the spreadsheet row (or the feed's service number) it is about


@dataclass
class Held:
    """A row held back: the input's own cells, its row number and why (or, for a row that was added,
    the values left out of it)."""

    row: int
    cells: dict[str, Any]
    reason: str
    added: bool = False  # added to the registry without the values the reason names


@dataclass
class Imported:
    """Registry records made from an input, where each came from, what was held back, and every note."""

    records: list[dict] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)
    rows: int = 0  # how many rows (or services) came in
    columns: list[str] = field(default_factory=list)  # the input's own columns, for the held-back file
    cells: dict[int, dict[str, Any]] = field(default_factory=dict)  # each row's own cells, by row
    finished: list = field(default_factory=list)  # what the importer's `finish` made of each record
    renamed: list[int] = field(default_factory=list)  # the records whose id changed after `finish` saw them


class ImportFailed(SprxError):
    """Nothing could be imported: the input cannot be read, or holds nothing to import."""


class Group(NamedTuple):
    """Notes of one kind: their title, how many, the rows they are about, and the notes."""

    kind: str
    decide: bool
    notes: list[Note]

    @property
    def title(self) -> str:
        """'12 opening times kept as the hours note ...' (its count and kind, singular for one)."""
        kind = KINDS[self.kind]
        return f"{len(self.notes):,} {kind.one if len(self.notes) == 1 else kind.many}"

    @property
    def rows(self) -> list[int]:
        """The rows the notes are about, in order, each once."""
        return sorted({n.row for n in self.notes if n.row is not None})


def grouped(notes: list[Note]) -> list[Group]:
    """The notes by kind: those that need a decision first, then the others, each in the catalogue's order."""
    by_kind: dict[str, list[Note]] = {}
    for n in notes:
        by_kind.setdefault(n.kind if n.kind in KINDS else "other", []).append(n)
    order = sorted(by_kind, key=lambda k: (not KINDS[k].decide, list(KINDS).index(k)))
    return [Group(k, KINDS[k].decide, by_kind[k]) for k in order]


def rows_text(rows: list[int], shown: int = 10) -> str:
    """'rows 4, 9, 12' or 'rows 4, 9, ... (and 160 more)'."""
    if not rows:
        return ""
    head = ", ".join(map(str, rows[:shown]))
    more = f", ... (and {len(rows) - shown:,} more)" if len(rows) > shown else ""
    return f"row{'s' if len(rows) > 1 else ''} {head}{more}"


CONTROL_WHY = "they are invisible, garble the text and break the feeds"


def without_controls(record: dict[str, Any]) -> list[str]:
    """Take every CONTROL character (core.textio) out of the record's text, in place (an invisible
    character, or half of a surrogate pair from a feed's JSON); the fields that held one."""
    from ..core.textio import CONTROL

    def clean(value: Any) -> Any:
        if type(value) is str:
            return CONTROL.sub("", value)
        if type(value) is list:
            return [clean(v) for v in value]
        if type(value) is dict:
            return {k: clean(v) for k, v in value.items()}
        return value

    changed = []
    for name, value in record.items():
        if not name.startswith("_") and (cleaned := clean(value)) != value:
            record[name] = cleaned
            changed.append(name)
    return changed
