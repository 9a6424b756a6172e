"""What an importer gives back: registry records as a keeper would write them, and a note for every
value it changed or left out."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core.errors import SprxError


@dataclass
class Note:
    """Something the importer changed or left out, where it was, and why."""

    where: str  # file and JSON pointer, or file and row
    what: str
    why: str


@dataclass
class Imported:
    """Registry records made from a feed, and every note about what was changed or left out."""

    records: list[dict] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


class ImportFailed(SprxError):
    """Nothing could be imported: the input cannot be read, or holds nothing to import."""
