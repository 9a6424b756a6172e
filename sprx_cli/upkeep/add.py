"""Adding a scheme: a new entry made from a keeper's answers, each checked by the field table's rule
as it is given, appended to the registry with every byte already in the file kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from ..core.dates import today
from ..core.errors import UsageError
from ..core.model import Registry, Sources
from ..core.words import either, id_from_name, is_slug, unique_id
from ..registry.fields import BY_NAME, LOCATION_BY_NAME, REQUIRED_FIELDS, evaluate
from ..registry.read import load_registry
from ..registry.rules import Context


class Question(NamedTuple):
    """One thing asked of a keeper adding a scheme: the field it fills and how it is asked."""

    field: str
    text: str
    many: bool = False  # a comma-separated list


# What is asked, in order. `postcode` is the new scheme's place.
QUESTIONS: tuple[Question, ...] = (
    Question("name", "Name of the scheme"),
    Question("boroughs", "Areas it serves (names or codes, comma-separated)", many=True),
    Question("provider", "Organisation that runs it"),
    Question("description", "What it offers, in a sentence"),
    Question("categories", "Categories (comma-separated keys)", many=True),
    Question("website", "Website (https://...)"),
    Question("email", "Email"),
    Question("phone", "Phone"),
    Question("how_to_refer", "How to refer someone"),
    Question("postcode", "Postcode of where it runs"),
)
NEEDED = tuple(q.field for q in QUESTIONS if q.field in REQUIRED_FIELDS)  # asked again until answered
SHOWN_AREAS = 12  # area names shown with the question (a national registry has hundreds)


class NewScheme:
    """The checks and the writing of one new scheme, against a registry's tables."""

    def __init__(self, sources: Sources, tables: Registry):
        self.sources = sources
        self.tables = tables
        self.ctx = Context(tables.areas, tables.vocabulary, today())
        self._postcodes = None

    def ask(self, question: Question) -> str:
        """The question, with the choices where there is a list to choose from."""
        if question.field == "categories":
            return f"{question.text} [{', '.join(self.tables.vocabulary.categories)}]"
        if question.field == "boroughs":
            names = [a.name for a in self.tables.areas.areas]
            more = ", ..." if len(names) > SHOWN_AREAS else ""
            return f"{question.text} [{', '.join(names[:SHOWN_AREAS])}{more}]"
        return question.text

    def check(self, question: Question, text: str | None) -> tuple[Any, str | None]:
        """An answer as it is written into the registry (None: nothing given), or what is wrong with it."""
        if not text:
            return None, None
        spec = LOCATION_BY_NAME["postcode"] if question.field == "postcode" else BY_NAME[question.field]
        raw = [p.strip() for p in text.split(",") if p.strip()] if question.many else text
        value, findings = evaluate(spec, raw, self.ctx)
        if findings:
            fault = findings[0].fault
            return None, f"{fault.message} ({fault.fix})"
        if question.field == "boroughs":  # written by name, however they were typed
            return [self.ctx.areas.by_code[code].name for code in value], None
        if question.field == "postcode" and self.sources.postcodes:  # a real postcode, from the postcode table
            table = self.postcode_table()
            if table.find([value])[0] is None:
                close = table.suggest(value)
                return None, (f"postcode {value} is not in the postcode table"
                              + (f" (did you mean {either(close)}?)" if close else ""))
        return raw, None

    def postcode_table(self):
        """The registry's postcode table, read when first needed."""
        if self._postcodes is None:
            from ..geo.postcodes import load_postcodes

            self._postcodes = load_postcodes(Path(self.sources.postcodes))
        return self._postcodes

    def record(self, answers: dict[str, Any], sid: str | None = None) -> dict:
        """The new entry from checked answers: its id (`sid`, else one made from the name that no scheme
        has yet), its place, and today as its last_verified. UsageError names what is missing or taken."""
        if any(answers.get(f) is None for f in NEEDED):
            raise UsageError(None, "a scheme needs a name and at least one area", "give both")
        if sid is not None and not is_slug(sid):
            raise UsageError("id", f"{sid!r} is not an id: lowercase letters, digits and single hyphens")
        taken = self.ids()
        if sid is not None and sid in taken:
            raise UsageError("id", f"{sid!r} is used already")
        record: dict[str, Any] = {"id": sid or unique_id(id_from_name(answers["name"]), taken)}
        record.update((k, v) for k, v in answers.items() if v is not None and k != "postcode")
        if answers.get("postcode") is not None:
            record["locations"] = [{"postcode": answers["postcode"]}]
        record["last_verified"] = self.ctx.today.isoformat()
        return record

    def ids(self) -> set[str]:
        """The ids the registry has already."""
        existing, _ = load_registry(Path(self.sources.schemes), self.sources.schemes)
        return {str(existing.record(k).data.get("id")) for k in range(len(existing))}

    def append(self, record: dict) -> str:
        """Append the entry to the registry (EditError when it cannot be); the text appended."""
        from ..interchange.edit import append_scheme

        return append_scheme(Path(self.sources.schemes), record, self.sources)
