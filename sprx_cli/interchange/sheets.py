"""Spreadsheets as people keep them: each row made into a registry record, or held back with its reason.

Headers are matched by meaning (headers.py) and cells cleaned only where they have one obvious
meaning: "NA" is empty, `www.example.org` is a web address, 01/06/2026 is 2026-06-01, a "Contact"
cell gives its email, phone and website, "Wednesday 10am - 4pm" is weekly hours (hours.py), a
misspelt area is the one area it is close to, an area the row does not name is the one its
postcode is in. A row that cannot become a scheme (no name, no area) is held back whole; a value
that cannot be kept (a second phone number, a category the vocabulary lacks) is left out of the
row and kept beside it in the held-back file. Every change is a note, of a kind (imported.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from ..core.speed import keep_till_exit, no_cyclic_gc, split_work
from ..core.words import id_from_name, is_slug, normalise_name, slugify, unique_id
from .headers import Mapping, choose_columns, translation_target
from .imported import CONTROL_WHY, Held, Imported, ImportFailed, Note, without_controls
from .sheet_places import Placer
from .sheet_values import EMAIL, PHONE, ValueReader, cleaned
from .tabular import Sheet, cell_text, read_sheet

TEXT_FIELDS = ("provider", "description", "how_to_refer", "charity_number", "status")


class Draft(NamedTuple):
    """A row read on its own: its record (None: held back for `held`), the key that would make it a
    second copy of a row before it, its id before it is made unique, its notes (the first `placed`
    made before its areas were read) and the values left out of it."""

    row: int
    record: dict | None
    key: tuple[str, str] | None
    same: str  # what `key` holds beside the name: "postcode" or "address"
    base: str
    sited: str | None  # its id with its place, for a name that is not the only one of its kind
    notes: list[tuple]  # each as a Note's fields (see Cleaner.note)
    placed: int
    left: list[str]
    held: str | None
    bad_id: str | None = None  # the id it gave, where that is not an id
    done: Any = None  # what the import's `finish` made of the record, where it was drafted


_NOTE = partial(tuple.__new__, Note)  # a plain tuple made a Note without a Python call


class Cleaner(Placer, ValueReader):
    """Turns one spreadsheet's rows into registry records, holding back what cannot be one."""

    def __init__(self, tables, source: str, sheet: Sheet, mapping: Mapping, taken: AbstractSet[str] = frozenset(),
                 names: Counter | None = None, finish=None):
        self.tables = tables
        self.finish = finish
        self.vocab = tables.vocabulary
        self.source = source
        self.sheet = sheet
        self.mapping = mapping
        self.out = Imported(rows=len(sheet.rows), columns=[h for h in sheet.header if h])
        self.ids: set[str] = set(taken)  # the registry's ids and those given so far
        self._tried: dict[str, int] = {}  # see unique_id
        self._at: dict[str | None, str] = {}  # a column's heading as a note says it
        self.names = names or Counter()  # folded names: those that occur twice get their place in their id
        self.seen: dict[tuple[str, str], int] = {}
        self._postcodes = None
        self._seen_values: dict[tuple, tuple] = {}  # see _same
        self._slugs: dict[str, str] = {}  # an area's name -> its slug
        self.col: dict[str, str] = {}  # field -> its column's heading
        self.columns: list[tuple[str, str, int]] = []  # (field, heading, index) of the columns read
        self._centres: dict[str, tuple[float, float] | None] = {}  # postcode (standard form) -> its centre
        self._areas_at: dict[tuple[float, float], tuple[str, ...]] = {}  # a point -> the areas containing it
        self.left: list[str] = []  # values left out of the row being read
        self.bad_postcode: str | None = None  # why the row's postcode could not be kept

    # --- notes ---------------------------------------------------------------------------------

    def note(self, row: int, column: str | None, what: str, why: str, kind: str = "other") -> None:
        at = self._at.get(column)
        if at is None:
            at = self._at[column] = f", column {column!r}" if column else ""
        # (a plain tuple until the rows are settled, when run makes them Notes at once: see run)
        self.out.notes.append((f"{self.source} row {row}{at}", what, why, kind, row))

    def leave_out(self, row: int, column: str | None, value: str, why: str) -> None:
        """A value that cannot be kept in the registry: noted, and kept beside the row in the held-back file."""
        self.left.append(f"{column or 'value'} {value!r} ({why})")
        self.note(row, column, f"{value!r} left out", why, "left-out")

    # --- cells ---------------------------------------------------------------------------------

    def _texts(self, rows: Sequence[tuple[int, list]], columns: list[tuple[str, str, int]], say: bool = True):
        """Each row's number and its cells' text by field (`columns`: field, heading, index), read column
        by column: a column repeats its values, and each distinct one is read once."""
        cols: list[list] = []
        said: dict[int, list[tuple[str, str]]] = {}
        for _, header, i in columns:
            raws = [cells[i] for _, cells in rows]
            try:
                texts = {raw: cleaned(raw) for raw in set(raws)}
                col = list(map(texts.__getitem__, raws))
                empty = {raw for raw, text in texts.items() if text is None and raw is not None and raw != ""}
            except TypeError:  # a cell that cannot be a key
                col = [cleaned(raw) for raw in raws]
                empty = None
            if say and (empty is None or empty):
                for k, (raw, text) in enumerate(zip(raws, col)):
                    if (text is None and (raw in empty if empty is not None else raw is not None and raw != "")
                            and (written := cell_text(raw)) is not None):  # 'NA', 'not known': noted in its row
                        said.setdefault(k, []).append((header, written))
            cols.append(col)
        targets = [t for t, _, _ in columns]
        for k, ((n, _), row_texts) in enumerate(zip(rows, zip(*cols) if cols else [()] * len(rows))):
            for header, written in said.get(k, ()):
                self.note(n, header, f"{written!r} read as empty", "it says the value is not known", "empty")
            yield n, dict(zip(targets, row_texts))

    def run(self) -> Imported:
        """Every row: a record (with where it came from) or a row held back."""
        index = {h: i for i, h in enumerate(self.sheet.header)}
        self.out.cells = OwnCells(self.sheet, index)
        self.columns = [(t, h, index[h]) for t, h in self.mapping.used.items()]
        self.col = dict(self.mapping.used)  # field -> its column's heading
        # the fields the rows give (a contact cell gives a website, an email and a phone)
        self.reading = set(self.col) | ({"website", "email", "phone"} if "contact" in self.col else set())
        self.translated = [(t, found) for t in self.mapping.used if (found := translation_target(t))]
        self.postcodes()  # (read once, before the rows are shared out)
        said = self.out.notes
        parts = split_work(self._drafts, self.sheet.rows)
        self.out.notes = said
        self.names.update(d[2][0] for part in parts for d in part if d[2] is not None)  # (a name's ids need them all)
        for part in parts:
            self._settle(part)
        keep_till_exit(parts, self.out.notes)
        self.out.notes = list(map(_NOTE, self.out.notes))
        return self.out

    # --- a row ---------------------------------------------------------------------------------

    def _drafts(self, rows: Sequence[tuple[int, list]], start: int = 0) -> list[tuple]:
        """Each row read on its own (what needs the rows before it is left to `_settle`), packed."""
        out = []
        ahead = [c for c in self.columns if c[0] in ("postcode", "lat", "lon")]
        self._find_places([values for _, values in self._texts(rows, ahead, say=False)])
        self.out.notes, self.left, self.bad_postcode = [], [], None
        for n, values in self._texts(rows, self.columns):
            out.append(self._draft(n, values))
            self.out.notes, self.left, self.bad_postcode = [], [], None
        if self.finish is None:
            return list(map(tuple, out))
        # (a draft with a record has its key)
        drafted = [(k, d.record, d.key[0]) for k, d in enumerate(out) if d.record is not None and d.key is not None]
        given: set[str] = set()
        tried: dict[str, int] = {}
        names = Counter(name for _, _, name in drafted)
        for k, record, name in drafted:  # ids unique among these records, likely the final ones (_settle gives those)
            d = out[k]
            record["id"] = sid = unique_id(d.sited if d.sited and names[name] > 1 else d.base, given, tried)
            given.add(sid)
        packed = list(map(tuple, out))  # (plain tuples pickle several times faster than named ones)
        for (k, _, _), (record, done) in zip(drafted, self.finish([record for _, record, _ in drafted])):
            fields = packed[k]
            packed[k] = (fields[0], record, *fields[2:-1], done)  # (the record as finish left it; what it made last)
        return packed

    def _draft(self, row: int, get: dict[str, str | None]) -> Draft:
        """One row's record from its text by field, or why it is held back; with its notes."""
        col = self.col
        name = get.get("name")
        if not name:
            return Draft(row, None, None, "", "", None, self.out.notes, 0, [],
                         "it has no name" + (f" (the {col['name']!r} column is empty)" if "name" in col else ""))
        place = self._place(get, col, row)
        key = (normalise_name(name), (place.get("postcode") or place.get("address") or "").lower())
        same = "postcode" if place.get("postcode") else "address"
        placed = len(self.out.notes)
        areas, why = self._areas(get.get("boroughs"), place, row, col.get("boroughs"))
        if not areas:
            return Draft(row, None, key, same, "", None, self.out.notes, placed, [], f"no area: {why}")
        given = get.get("id")
        base, sited = self._id_bases(given, name, areas, place)
        rec: dict[str, Any] = {"name": name, "boroughs": areas, "_row": row, "id": base}
        if given and is_slug(given):
            rec["_id_given"] = given  # (a merge matches it to the scheme of that id)
        has = self.reading  # (a field no column fills is left out at once)
        for text_field in TEXT_FIELDS:
            if text_field in has:
                rec[text_field] = get[text_field]
        for list_field in ("categories", "target_groups"):
            if list_field in has:
                rec[list_field] = self._same(self._terms, get[list_field], row, col[list_field], list_field)
        if "eligibility" in has or "min_age" in has or "max_age" in has:
            rec["eligibility"] = self._eligibility(get, row)
        if "cost" in has:
            rec.update(self._same(self._cost, get["cost"], row, col["cost"]))
        if "languages" in has:
            rec["languages"] = self._same(self._languages, get["languages"], row, col["languages"])
        if "hours" in has:
            rec["hours"], rec["hours_note"] = self._same(self._hours, get["hours"], row, col["hours"])
        if "website" in has:  # (a contact cell's are kept in these fields' places)
            rec["website"] = self._web(get.get("website"), row, col.get("website"))
        if "referral_url" in has:
            rec["referral_url"] = self._web(get["referral_url"], row, col["referral_url"])
        if "email" in has:
            rec["email"] = self._first(EMAIL, get.get("email"), row, col.get("email"), "email address")
        if "referral_email" in has:
            rec["referral_email"] = self._first(EMAIL, get["referral_email"], row, col["referral_email"],
                                                "referral email address")
        if "phone" in has:
            rec["phone"] = self._first(PHONE, get.get("phone"), row, col.get("phone"), "phone number")
        if contact := get.get("contact"):
            self._contact(rec, contact, row, col["contact"])
        if "last_verified" in has:
            rec["last_verified"] = self._same(self._date, get["last_verified"], row, col["last_verified"])
        if self.translated:  # (only a sheet with columns in other languages)
            rec["translations"], place_names = self._translations(get)
            if place and place_names:
                place["translations"] = place_names
        rec["locations"] = [place] if place else []
        record = {k: v for k, v in rec.items() if v}  # (every value is text, a list or a mapping)
        for field in without_controls(record) if self.sheet.has_control else ():
            self.note(row, col.get(field), f"control characters taken out of {field}", CONTROL_WHY, "control")
        return Draft(row, record, key, same, base, sited, self.out.notes, placed, self.left, None,
                     given if given and not is_slug(given) else None)

    def _translations(self, get: dict[str, str | None]) -> tuple[dict, dict]:
        """The row's text in other languages ('Name (Welsh)' and the like: targets 'name_cy'), as a
        scheme's translations and its place's."""
        scheme: dict[str, dict[str, str]] = {}
        place: dict[str, dict[str, str]] = {}
        for target, (name, code) in self.translated:
            text = get.get(target)
            if text:
                if name == "location_name":
                    place.setdefault(code, {})["name"] = text
                else:
                    scheme.setdefault(code, {})[name] = text
        return scheme, place

    def _settle(self, drafts: list[tuple]) -> None:
        """Drafted rows (plain tuples, as `_drafts` gives them), in order: each held back (as the same
        scheme as a row before it, too), or added with an id no scheme before it has."""
        out, seen, names, ids, tried, col = self.out, self.seen, self.names, self.ids, self._tried, self.col
        notes_out, held, records, finished = out.notes, out.held, out.records, out.finished
        finishing = self.finish is not None
        for row, record, key, same, base, sited, notes, placed, left, reason, bad_id, done in drafts:
            if key is not None and key in seen:  # (before its areas: a second copy's are moot)
                notes = notes[:placed]
                reason = f"the same name and {same} as row {seen[key]}: the same scheme twice"
            if reason is not None:
                notes_out += [n for n in notes if n[3] != "left-out"]  # what was noted of its values is moot
                held.append(Held(row, out.cells[row], reason))
                self.note(row, None, "row held back", reason, "held-back")
                continue
            seen[key] = row
            notes_out += notes
            if sited and names[key[0]] > 1:
                base = sited
            if bad_id is not None:
                self.note(row, col.get("id"), f"id {bad_id!r} replaced by {base!r}",
                          "an id is lowercase letters, digits and hyphens", "id")
            sid = unique_id(base, ids, tried)
            if finishing and sid != record["id"]:
                out.renamed.append(len(records))  # (finished under the id its part gave it: see _drafts)
            record["id"] = sid
            ids.add(sid)
            if left:
                held.append(Held(row, out.cells[row], "added without " + "; ".join(left), added=True))
            records.append(record)
            if finishing:
                finished.append(done)

    def _id_bases(self, given: str | None, name: str, areas: list[str], place: dict) -> tuple[str, str | None]:
        """The row's id before it is made unique: the one it gives, else one made from its name; and
        the one with its place, for a name that is not the only one of its kind
        (trussell-trust-bolton-bl3: never a bare counter where a place tells them apart)."""
        if given and is_slug(given):
            return given, None
        base = id_from_name(name)
        outward = (place.get("postcode") or "").split(" ")[0].lower()
        area = self._slugs.get(areas[0]) or self._slugs.setdefault(areas[0], slugify(areas[0]))
        return base, "-".join(p for p in (base, area, outward) if p)

def import_sheet(path: Path, tables, given: dict[str, str], encoding: str | None = None,
                 taken: AbstractSet[str] = frozenset(), names: Counter | None = None,
                 finish=None) -> tuple[Imported, Mapping, Sheet]:
    """Records from a spreadsheet, what was held back, the notes, the column mapping used and the sheet.
    `taken`: ids the registry has already; `names`: its folded names (a name it has already counts).
    `finish(records)`: the last steps of each record, done where it was drafted (on its core): for each,
    the record it leaves and what else it made of it (in `imported.finished`, beside `imported.records`).
    The ids it sees are unique among its records but not yet the final ones."""
    with no_cyclic_gc():
        return _import_sheet(path, tables, given, encoding, taken, names, finish)


def _import_sheet(path: Path, tables, given: dict[str, str], encoding: str | None, taken: AbstractSet[str],
                  names: Counter | None, finish) -> tuple[Imported, Mapping, Sheet]:
    sheet = read_sheet(path, encoding)
    mapping = choose_columns(sheet.header, given)
    named_by = None
    if "name" not in mapping.used and "provider" in mapping.used:  # a list of organisations: each is the scheme
        named_by = mapping.used.pop("provider")
        mapping.used = {"name": named_by, **mapping.used}
    if "name" not in mapping.used:
        raise ImportFailed(f"{path}: no column is the scheme's name (the columns are "
                           f"{', '.join(h for h in sheet.header if h)})", "name it with --column name=HEADER")
    cleaner = Cleaner(tables, str(path), sheet, mapping, taken, Counter(names or {}), finish)
    if named_by is not None:
        cleaner.note(sheet.header_row, named_by, f"{named_by!r} read as the schemes' names",
                     "no column names the schemes, and this one names who runs each", "file")
    if sheet.title_rows:
        cleaner.note(sheet.title_rows[0], None, f"row{'s' if len(sheet.title_rows) > 1 else ''} "
                     f"{', '.join(map(str, sheet.title_rows))} above the header left out",
                     f"the header is row {sheet.header_row}", "file")
    if sheet.encoding and sheet.first_odd_character:
        r, c, char = sheet.first_odd_character
        heading = sheet.header[c - 1] if 0 < c <= len(sheet.header) else f"column {c}"
        cleaner.note(r, heading, f"read as {'Windows-1252' if sheet.encoding == 'cp1252' else 'Latin-1'}",
                     f"the file is not UTF-8 (its first such character is {char!r}, row {r}, column {heading!r});"
                     " save it as CSV UTF-8, or name its encoding with --encoding", "file")
    return cleaner.run(), mapping, sheet





class OwnCells:
    """Each row's own cells by heading, as the input has them (for the held-back file), made when asked."""

    def __init__(self, sheet: Sheet, index: dict[str, int]):
        self.index = [(h, i) for h, i in index.items() if h]
        self.rows = dict(sheet.rows)

    def __getitem__(self, row: int) -> dict[str, Any]:
        cells = self.rows[row]
        return {h: cells[i] if isinstance(cells[i], str) else cell_text(cells[i]) for h, i in self.index}

    def get(self, row: int, default: Any = None) -> Any:
        return self[row] if row in self.rows else default
