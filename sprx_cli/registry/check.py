"""Checking raw registry records into `Scheme`s: a fast column lane, and a per-record checker
that words every problem. Both apply the field table (fields.py): no rule is written here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ..core.areas import Areas
from ..core.model import Location, Scheme
from ..core.problems import Problem, short
from ..core.vocabulary import Vocabulary
from .fields import (ALIASES, CSV_FIELDS, CSV_LOCATION_COLUMNS, CSV_PART_COLUMNS, FIELDS, LOCATION_FIELDS_TABLE,
                     PLACE_TRANSLATED, SCHEME_FIELDS, TRANSLATED, Context, Fault, Field, Finding, as_text, evaluate,
                     evaluate_eligibility, evaluate_locations, evaluate_translations, finish, from_csv, incomplete,
                     placeholder, translation_column)
from .read import CsvTable, RawRecord, RawRegistry, unknown_field_problem

_SCHEME_KEYS = frozenset(SCHEME_FIELDS) | frozenset(ALIASES)
_ALIAS_KEYS = frozenset(ALIASES)
_BAD = object()  # the column lane's verdict on a value it leaves to the per-record checker
_FLAT_PLACE = frozenset(CSV_LOCATION_COLUMNS.values())  # a place's fields of text alone (a CSV row's)


def _memo_key(raw: Any):
    """A hashable key for a raw value of text, a list of text or a list of mappings (hours), else _BAD
    (judged on its own)."""
    if raw is None or type(raw) is str:
        return raw
    if isinstance(raw, list):
        if all(type(v) is str for v in raw):
            return tuple(raw)
        if all(type(v) is dict for v in raw):
            return ("mappings", repr(raw))  # (the repr of plain data tells values apart)
    return _BAD


class RecordChecker:
    """Checks one record field by field and words each problem at its line (YAML) or row (CSV)."""

    def __init__(self, rec: RawRecord, areas: Areas, vocab: Vocabulary, today: date,
                 problems: list[Problem], memo: dict | None = None):
        self.rec, self.ctx = rec, Context(areas, vocab, today)
        # Registries repeat the same few area lists, category lists and dates: a value that
        # checked clean once is clean every time, so its result is remembered for this run.
        self.memo = memo if memo is not None else {}
        self.problems = problems
        label = rec.data.get("id") if isinstance(rec.data.get("id"), str) else None
        self.who = f"scheme '{label}'" if label else f"scheme {rec.index + 1}"

    def run(self) -> Scheme | None:
        """The record's Scheme, or None after reporting its problems."""
        d = self.rec.data
        ok = True
        for key in d:
            if key not in _SCHEME_KEYS:
                ok = False
                self.problems.append(unknown_field_problem(key, SCHEME_FIELDS, self.rec.at(key)))
        for alias, name in ALIASES.items():
            if alias in d and name in d:
                ok = False
                self.problems.append(Problem("alias-conflict", f"{self.who}: both '{name}' and '{alias}' are given",
                                             self.rec.at(alias), field=alias, value=alias,
                                             hint=f"'{alias}' is another name for '{name}': keep one of the two"))
        values = []
        for f in FIELDS:
            raw = d.get(f.name)
            if raw is None and f.aliases:
                raw = next((d[a] for a in f.aliases if a in d), None)
            value, findings = self._evaluate(f, raw)
            for x in findings:
                ok = self._report(f, x) and ok
            values.append(value)
        return Scheme._make(values) if ok else None

    def _evaluate(self, f: Field, raw: Any):
        if not f.repeated:
            return evaluate(f, raw, self.ctx)
        key = _memo_key(raw)
        if key is not _BAD and (hit := self.memo.get((f.name, key))) is not None:
            return hit, []
        value, findings = evaluate(f, raw, self.ctx)
        if key is not _BAD and not findings:
            self.memo[(f.name, key)] = value
        return value, findings

    def _report(self, f: Field, x: Finding) -> bool:
        """Add the problem; False when it is an error."""
        fault = x.fault
        where = f.name if f.name in self.rec.data or any(a in self.rec.data for a in f.aliases) else None
        if x.sub is not None and fault.code == "unknown-field":  # a key of a location or mapping
            p = Problem(fault.code, fault.message, self.rec.at(f.name, x.item, x.sub), field=x.sub, value=x.sub,
                        hint=fault.hint)
        else:
            name = f.name if x.sub is None else f"{f.name}.{x.sub}"
            p = Problem(fault.code, f"{self.who}: {fault.message}", self.rec.at(where, x.item, x.sub), None, name,
                        short(fault.value) if fault.value is not None else None, fault.hint)
        self.problems.append(p)
        return p.severity != "error"


class ColumnLane:
    """Builds the `Scheme`s of the records the per-record checker would accept without a word.

    A large registry is mostly clean, and a clean record needs no positions, hints or
    suggestions, so this lane works column by column and judges each distinct value of a column
    once, with the field table's own `evaluate`/`finish`. At the first finding in a value its
    record is marked, and `RecordChecker` finds and words every problem in it. The lane may therefore
    only ever accept less than the checker, and builds the identical `Scheme`
    (tests/test_fast_lane.py).
    """

    def __init__(self, areas: Areas, vocab: Vocabulary, today: date):
        self.ctx = Context(areas, vocab, today)

    def run(self, raw: RawRegistry) -> tuple[list[Scheme | None], list[str | None]]:
        """A scheme per record (None: needs the checker) and each record's id text."""
        n = len(raw)
        bad: set[int] = set()
        table = raw.table
        if table is None:
            # an unknown field, or one written under another name: the checker words it
            yaml_columns, bad_rows = _yaml_columns(
                [r.data for r in raw.records],
                lambda keys: not _SCHEME_KEYS.issuperset(keys) or not _ALIAS_KEYS.isdisjoint(keys), _SCHEME_KEYS)
            bad.update(bad_rows)
        columns = []
        ids: list = []
        for f in FIELDS:
            if f.kind == "locations":
                column = (self._csv_locations(table, n) if table is not None else
                          self._yaml_locations(yaml_columns.get("locations") or [None] * n))
            elif f.kind == "mapping":
                column = (self._csv_mapping(f, table, n) if table is not None else
                          list(map(self._mapping, yaml_columns.get(f.name) or [None] * n)))
            elif f.kind == "translations" and table is not None:
                column = self._csv_translations(table, n, place=False)
            elif f.kind == "text":
                cells = (table.column(f.csv) if table is not None else yaml_columns.get(f.name) or [None] * n)
                texts = self._texts(cells, n, table is not None)
                if f.name == "id":
                    ids = texts if texts is not None else [None] * n
                column = self._judge_texts(f, texts, n)
            else:
                cells = table.column(f.csv) if table is not None else yaml_columns.get(f.name) or [None] * n
                column = self._judge_raw(f, cells, n, table is not None)
            if _BAD in column:
                bad.update(k for k, v in enumerate(column) if v is _BAD)
            columns.append(column)
        new = tuple.__new__  # what Scheme._make calls, without the Python-level call per record
        rows = zip(*columns)
        schemes: list[Scheme | None] = ([new(Scheme, values) for values in rows] if not bad else
                                        [None if k in bad else new(Scheme, values) for k, values in enumerate(rows)])
        return schemes, [v if type(v) is str else None for v in ids]

    @staticmethod
    def _texts(cells, n: int, csv: bool) -> list | None:
        """Each value as `as_text` makes it, with _BAD for a value that is not text; None for a
        CSV column the file does not have."""
        if cells is None:
            return None
        if csv:  # CSV cells are always text: as_text's first case, inline for speed
            return [v or None for v in map(str.strip, cells)]
        return [v.strip() or None if type(v) is str else (None if v is None else _text_or_bad(v)) for v in cells]

    def _judge_texts(self, f: Field, texts: list | None, n: int) -> list:
        """A text field: the rule once per distinct text; a missing value judged once by `finish`."""
        ctx = self.ctx
        none_value, findings = finish(f, None, ctx)
        none_verdict = _BAD if findings else none_value
        if texts is None or texts.count(None) == n:  # nobody wrote this field
            return [none_verdict] * n
        if f.rule is None:  # finish() keeps any text as it is
            return texts if none_verdict is None else [none_verdict if t is None else t for t in texts]
        rule = f.rule
        if not f.repeated:  # mostly distinct values (ids, addresses): no point remembering verdicts
            values = [none_verdict if t is None else _BAD if t is _BAD else rule(t, ctx) for t in texts]
            if Fault in set(map(type, values)):
                values = [_BAD if type(v) is Fault else v for v in values]
            return values
        verdicts = {None: none_verdict, _BAD: _BAD}
        for text in set(texts):
            if text not in verdicts:
                value = rule(text, ctx)
                verdicts[text] = _BAD if type(value) is Fault else value
        return list(map(verdicts.__getitem__, texts))

    def _judge_raw(self, f: Field, cells, n: int, csv: bool) -> list:
        """A list (or hours) field: each distinct raw value (a CSV cell, or YAML text or list of text)
        judged once; other YAML values (lists of mappings) one by one."""
        ctx = self.ctx
        if cells is None or (not csv and cells.count(None) == n):  # nobody wrote this field
            value, findings = evaluate(f, None, ctx)
            return [_BAD if findings else value] * n
        keys = list(cells) if csv else [_memo_key(v) for v in cells]
        verdicts = {}
        distinct = set(keys)
        first = {} if csv else dict(zip(reversed(keys), reversed(cells)))  # a key's raw value (its first)
        for key in distinct:
            if key is _BAD:
                continue
            raw = from_csv(f, key) if csv else first[key]
            value, findings = evaluate(f, raw, ctx)
            verdicts[key] = _BAD if findings else value
        if _BAD not in distinct:
            return list(map(verdicts.__getitem__, keys))
        out = []
        for key, raw in zip(keys, cells):
            if key is _BAD:
                value, findings = evaluate(f, raw, ctx)
                out.append(_BAD if findings else value)
            else:
                out.append(verdicts[key])
        return out

    def _csv_locations(self, table: CsvTable, n: int) -> list:
        """CSV locations column by column (`_places`), with their names in other languages."""
        out = self._places({name: self._texts(table.column(c), n, True) for c, name in CSV_LOCATION_COLUMNS.items()},
                           n)
        names = self._csv_translations(table, n, place=True)
        for k, t in enumerate(names):
            if t == ():
                continue
            if t is _BAD or out[k] == ():  # (a place's name in Welsh with no place: the checker says so)
                out[k] = _BAD
            elif out[k] is not _BAD:
                out[k] = (out[k][0]._replace(translations=t),)
        return out

    def _yaml_locations(self, column: list) -> list:
        """YAML locations: those that are one place of text alone (as an importer writes them) column
        by column (`_places`), the others one by one."""
        out: list = []
        simple: list[int] = []
        for k, raw in enumerate(column):
            if (type(raw) is list and len(raw) == 1 and type(place := raw[0]) is dict and place.keys() <= _FLAT_PLACE
                    and all(type(v) is str for v in place.values()) and any(map(str.strip, place.values()))):
                simple.append(k)
                out.append(None)
            else:
                out.append(self._locations(raw))
        if simple:
            texts = {name: [v.strip() or None if (v := column[k][0].get(name)) is not None else None for k in simple]
                     for name in _FLAT_PLACE}
            for k, value in zip(simple, self._places(texts, len(simple))):
                out[k] = value
        return out

    def _places(self, given: Mapping[str, list | None], n: int) -> list:
        """Places from their fields' stripped texts (None for a field nobody wrote): each field's rule
        once per distinct text, then the coordinate pair rules place by place; () where no field of
        a place is written."""
        judged = {f.name: self._judge_texts(f, given[f.name], n) for f in LOCATION_FIELDS_TABLE if f.csv}
        texts = {name: [None] * n if t is None else t for name, t in given.items()}
        out: list = []
        append = out.append
        for name, address, postcode, lat_t, lon_t, lat, lon in zip(
                judged["name"], judged["address"], judged["postcode"], texts["lat"], texts["lon"],
                judged["lat"], judged["lon"]):
            if lat_t is None and lon_t is None:
                if name is None and address is None and postcode is None:
                    append(())
                    continue
            elif incomplete(lat_t, lon_t) or lat is _BAD or lon is _BAD or placeholder(lat, lon):
                append(_BAD)
                continue
            append(_BAD if postcode is _BAD else (Location(name, address, postcode, lat, lon),))
        return out

    def _csv_translations(self, table: CsvTable, n: int, place: bool) -> list:
        """The translation columns ('name_cy', ...; a place's: 'location_name_cy') row by row where any is
        filled in: () for a file without them."""
        found = [(c, t) for c in table.columns if c is not None and c not in CSV_FIELDS
                 and c not in CSV_LOCATION_COLUMNS and c not in CSV_PART_COLUMNS
                 and (t := translation_column(c)) is not None and t[0] == place]
        if not found:
            return [()] * n
        cells = [(name, code, texts) for c, (_, name, code) in found
                 if (texts := self._texts(table.column(c), n, True)) is not None]
        names = PLACE_TRANSLATED if place else TRANSLATED
        out: list = []
        for k in range(n):
            raw: dict = {}
            for name, code, texts in cells:
                if texts[k] is not None:
                    raw.setdefault(code, {})[name] = texts[k]
            if not raw:
                out.append(())
                continue
            value, findings = evaluate_translations(raw, names, self.ctx)
            out.append(_BAD if findings else value)
        return out

    def _csv_mapping(self, f: Field, table: CsvTable, n: int) -> list:
        """A mapping field from its parts' columns, judged row by row where any is filled in."""
        if all(table.column(p.csv) is None for p in f.parts):  # no column of it in this file
            return [None] * n
        cells = [(p.name, texts) for p in f.parts if (texts := self._texts(table.column(p.csv), n, True)) is not None]
        out = []
        for k in range(n):
            item = {name: texts[k] for name, texts in cells if texts[k] is not None}
            out.append(self._mapping(item) if item else None)
        return out

    def _mapping(self, raw: Any):
        if raw is None:
            return None
        value, findings = evaluate_eligibility(raw, self.ctx)
        return _BAD if findings else value

    def _locations(self, raw: Any):
        if raw is None:
            return ()
        value, findings = evaluate_locations(raw, self.ctx)
        return _BAD if findings else value


def _yaml_columns(datas: list[dict], is_bad, fields: frozenset[str]) -> tuple[dict[str, list], list[int]]:
    """Each of the `fields`' values across the records (None where a record lacks the field), and the
    records whose keys `is_bad`. Records are grouped by their keys, so that each group's values
    are gathered and transposed at C speed. (Only the fields: a registry of 20,000 schemes each with
    a key of its own would otherwise make 20,000 columns of 20,000 values.)"""
    from itertools import chain
    from operator import itemgetter

    n = len(datas)
    keysets = list(map(tuple, datas))
    groups: dict[tuple, list[int]] = {}
    if len(set(keysets)) == 1:
        groups[keysets[0]] = list(range(n))
    else:
        for k, keys in enumerate(keysets):
            groups.setdefault(keys, []).append(k)
    bad = sorted(chain.from_iterable(idx for keys, idx in groups.items() if is_bad(keys)))
    names = list(dict.fromkeys(name for keys in groups for name in keys if name in fields))
    columns: dict[str, list] = {name: [] for name in names}
    for keys, idx in groups.items():
        group = datas if len(groups) == 1 else [datas[k] for k in idx]
        keys = tuple(name for name in keys if name in fields)
        if len(keys) == 1:
            columns[keys[0]].extend(d[keys[0]] for d in group)
        elif keys:
            for name, values in zip(keys, zip(*map(itemgetter(*keys), group))):
                columns[name].extend(values)
        for name in names:
            if name not in keys:
                columns[name].extend([None] * len(idx))
    if len(groups) > 1:
        order = list(chain.from_iterable(groups.values()))
        back = itemgetter(*sorted(range(n), key=order.__getitem__))
        columns = {name: list(back(values)) for name, values in columns.items()}
    return columns, bad


def _text_or_bad(value: Any):
    text = as_text(value)
    return text if type(text) is str or text is None else _BAD


def check_registry(raw: RawRegistry, areas: Areas, vocab: Vocabulary,
                   today: date) -> tuple[list[Scheme], list[Problem], dict[str, int]]:
    """Check every record; return the schemes that passed, every problem found, and for each
    scheme id the index of the record that made the scheme (to cite it in later warnings)."""
    problems: list[Problem] = []
    schemes: list[Scheme] = []
    first_seen: dict[str, int] = {}
    memo: dict = {}
    fast, ids = ColumnLane(areas, vocab, today).run(raw)
    for k, scheme in enumerate(fast):
        if scheme is None:
            scheme = RecordChecker(raw.record(k), areas, vocab, today, problems, memo).run()
        sid = ids[k]
        if sid is not None:
            if sid in first_seen:
                where = raw.record(first_seen[sid]).at("id")
                where_text = f"row {where.row}" if where.row is not None else f"line {where.line}"
                problems.append(Problem(
                    "duplicate-id", f"id '{sid}' is used twice (first at {where_text})", raw.record(k).at("id"),
                    field="id", value=sid))
                continue
            first_seen[sid] = k
        if scheme is not None:
            schemes.append(scheme)
    return schemes, problems, first_seen
