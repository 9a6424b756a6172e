"""The values people write in a spreadsheet's cells, read where their meaning is clear (for
`sheets.Cleaner`, which gives this half `note`, `leave_out`, `vocab` and the caches): 'NA' is empty,
`www.example.org` is a web address, 01/06/2026 is 2026-06-01, a "Contact" cell gives its email, phone
and website, "Wednesday 10am - 4pm" is weekly hours (hours.py), "Adults 18+" gives an age, "Free" a cost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from ..core.languages import language_named
from .headers import fold
from .tabular import cell_text

EMPTY = {"na", "n a", "n/a", "not known", "unknown", "none", "-", "--", "tbc", "tba", "not applicable", "nil", "?"}
_EMPTY_LONGEST = max(map(len, EMPTY)) + 2
# What may fold to one of those: no digit, and the first letter n, u or t (fold is the slow part)
_MAYBE_EMPTY = re.compile(r"[^A-Za-z0-9]*[NnUuTt][^0-9]*\Z")
EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# (spaces within a number, never a line break: a cell's lines are never glued together)
PHONE = re.compile(r"(?<![\d])(?:\+44[ \t\xa0]?\(?0?\)?[ \t\xa0]?|\(?0)\d[\d \t\xa0()-]{7,13}\d(?![\d])")
_BARE_WEB = re.compile(r"^www\.|^[a-z0-9-]+(\.[a-z0-9-]+)+(/\S*)?$", re.I)
_GLUED_PHONE = re.compile(r"^(?:\+44|0)\d{9,10}(?=[A-Za-z])")
URL = re.compile(r"(?:https?://|www\.)[^\s,;<>\"']+", re.I)
UK_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
# Ages in words: "18+", "over 50s", "under 25", "aged 16 to 25", "11-18 year olds" (a bare "7-11" is not
# taken: it may be school years)
AGES = [(re.compile(r"\b(\d{1,3})\s*(?:\+|plus\b|and over\b|or over\b|and older\b|years and over\b)"), "min"),
        (re.compile(r"\bover(?: the age of)?\s*(\d{1,3})s?\b"), "min"),
        (re.compile(r"\bunder\s*(\d{1,3})s?\b"), "under"),
        (re.compile(r"\bage[sd]?\s*(\d{1,3})\s*(?:-|to|\u2013)\s*(\d{1,3})\b"), "range"),
        (re.compile(r"\b(\d{1,3})\s*(?:-|to|\u2013)\s*(\d{1,3})\s*(?:years?|yrs?|year olds?)\b"), "range")]


class ValueReader:
    """The value half of a Cleaner: each kind of value read from its text, with its notes."""

    # what the Cleaner gives this half (declared for the type checker; set or defined there)
    vocab: Any
    out: Any
    left: list[str]
    _seen_values: dict[tuple, tuple]
    note: Callable[..., None]
    leave_out: Callable[..., None]

    def _same(self, read, text: str | None, row: int, column: str | None, *more):
        """`read(*more, text, row, column)` for a value that depends on its text alone: read once per text
        (a list repeats its costs, times and categories), its notes said again for each row that has it.
        Rows with the same text share the value's lists (nothing changes them; the YAML writer writes no
        aliases)."""
        if not text:
            return read(*more, text, row, column)
        key = (read.__name__, more, column, text)
        hit = self._seen_values.get(key)
        if hit is None:
            notes, left = len(self.out.notes), len(self.left)
            value = read(*more, text, row, column)
            said = [n[1:4] for n in self.out.notes[notes:]]  # (what, why, kind: see Cleaner.note)
            self._seen_values[key] = (value, said, self.left[left:])
            return value
        value, said, left = hit
        for what, why, kind in said:
            self.note(row, column, what, why, kind)
        self.left.extend(left)
        return value

    def _terms(self, list_name: str, text: str | None, row: int, column: str | None) -> list[str]:
        if not text:
            return []
        terms = self.vocab.terms(list_name)
        by_label = {fold(t.label): k for k, t in terms.items()} | {fold(k): k for k in terms}
        out = []
        for part in (p.strip() for p in re.split(r"[;,\n]", text) if p.strip()):
            key = by_label.get(fold(part))
            if key is None:
                self.leave_out(row, column, part, f"not a key or label of {list_name} in the vocabulary")
            elif key not in out:
                if key != part:
                    self.note(row, column, f"{part!r} read as {key!r}", f"its key in {list_name}", "term")
                out.append(key)
        return out

    def _eligibility(self, get: dict, row: int) -> dict:
        elig = {"min_age": get.get("min_age"), "max_age": get.get("max_age"), "description": get.get("eligibility")}
        text = (elig["description"] or "").lower().strip()
        if text and elig["min_age"] is None and elig["max_age"] is None:
            for pattern, kind in AGES:
                m = pattern.search(text)
                if m is None:
                    continue
                a = int(m.group(1))
                low, high = (a, int(m.group(2))) if kind == "range" else (None, a - 1) if kind == "under" else (a, None)
                if all(v is None or 0 <= v <= 120 for v in (low, high)) and (
                        low is None or high is None or low <= high):
                    elig["min_age"] = None if low is None else str(low)
                    elig["max_age"] = None if high is None else str(high)
                break
        return {k: v for k, v in elig.items() if v is not None}

    def _cost(self, text: str | None, row: int, column: str | None) -> dict[str, str | None]:
        if not text:
            return {"cost": None, "cost_description": None}
        costs = self.vocab.costs
        key = {fold(t.label): k for k, t in costs.items()}.get(fold(text)) or (fold(text) if fold(text) in costs
                                                                              else None)
        if key is None and re.fullmatch(r"(?:£\s?)?0(?:\.00)?|no charge|free of charge", text.strip().lower()) \
                and "free" in costs:
            key = "free"
        if key:
            return {"cost": key, "cost_description": None}
        self.note(row, column, f"{text!r} kept in words", "not one of the vocabulary's costs", "cost")
        return {"cost": None, "cost_description": text}

    def _languages(self, text: str | None, row: int, column: str | None) -> list[str]:
        if not text:
            return []
        out = []
        for part in (p.strip() for p in re.split(r"[;,/\n]| and ", text) if p.strip()):
            code = language_named(part)
            if code is None:
                self.leave_out(row, column, part, "not a language name or ISO 639 code")
            elif code not in out:
                out.append(code)
        return out

    def _hours(self, text: str | None, row: int, column: str | None) -> tuple[list[dict], str | None]:
        if not text:
            return [], None
        from ..registry.rules import Fault, opening
        from .hours import read

        reading = read(text.replace("\n", "; "))
        hours = [{"days": list(o.days), "opens": o.opens, "closes": o.closes} for o in reading.openings]
        if any(type(opening(h["days"], h["opens"], h["closes"])) is Fault for h in hours):
            hours = []
        if hours and reading.complete:
            return hours, None
        if hours:
            self.note(row, column, f"{text!r} read as hours, and kept as the hours note",
                      "it says more than days and times", "hours-partly")
            return hours, text
        self.note(row, column, f"{text!r} kept as the hours note", "not weekly days and times", "hours-text")
        return [], text

    def _web(self, text: str | None, row: int, column: str | None) -> str | None:
        if not text:
            return None
        if _BARE_WEB.match(text):
            fixed = "https://" + text
            self.note(row, column, f"{text!r} read as {fixed!r}", "a web address needs https://", "web")
            return fixed
        return text

    def _first(self, pattern: re.Pattern, text: str | None, row: int, column: str | None, what: str) -> str | None:
        """The first of what a cell holds (the others left out); the text as it is when it holds none."""
        if not text:
            return None
        found = [m.group(0).strip() for m in pattern.finditer(text)]  # (no pattern spans a line break)
        for extra in found[1:]:
            self.leave_out(row, column, extra, f"a scheme has one {what}")
        return found[0] if found else text.replace("\n", " ")

    def _contact(self, rec: dict, text: str, row: int, column: str) -> None:
        """A 'Contact' cell: every email, phone number and web address in it, line by line (never glued
        across a line break); the first of each kind where the row has none yet."""
        found = contact_lines(text)
        found, rest = contact_search(text) if found is None else (found, "")
        read = []
        for target, value in found:
            value = value.strip().rstrip(".")
            if target == "email":
                value = _unglued(value)
            if rec.get(target) is None:
                rec[target] = self._web(value, row, column) if target == "website" else value
                read.append(f"{target} {value!r}")
            elif rec[target] != value:
                self.leave_out(row, column, value, f"a scheme has one {target}")
        if read:
            self.note(row, column, "read as " + ", ".join(read), "the contact cell holds them", "contact")
        left = " ".join(rest.split()).strip(" ,;/-")
        if left:
            self.leave_out(row, column, left, "not an email address, phone number or web address")

    def _date(self, text: str | None, row: int, column: str | None) -> str | None:
        if not text:
            return None
        m = UK_DATE.match(text)
        if m:
            day, month, year = (int(x) for x in m.groups())
            try:
                fixed = date(year, month, day).isoformat()
            except ValueError:
                return text
            self.note(row, column, f"{text!r} read as {fixed}", "a date written day/month/year, as in the UK", "date")
            return fixed
        return text[:10] if re.match(r"^\d{4}-\d{2}-\d{2}[T ]", text) else text


def cleaned(value: Any) -> str | None:
    """A cell as text, with 'NA', 'not known' and the like read as empty."""
    text = cell_text(value)
    if text is None or len(text) <= _EMPTY_LONGEST and (text.lower() in EMPTY or _MAYBE_EMPTY.match(text)
                                                        and fold(text) in EMPTY):
        return None
    return text


_CONTACT_KINDS = (("email", EMAIL), ("website", URL), ("phone", PHONE))  # (searched for in this order)


def contact_search(text: str) -> tuple[list[tuple[str, str]], str]:
    """Every email address, web address and phone number in a cell, (kind, text) in that order of kinds
    (what one kind took is not searched for the next), and what is left of the cell."""
    found, rest = [], text
    for kind, pattern in _CONTACT_KINDS:
        if kind == "email" and "@" not in rest or kind == "website" and "." not in rest:
            continue
        matched = False
        for m in pattern.finditer(rest):  # (no pattern spans a line break)
            matched = True
            found.append((kind, m.group(0)))
        if matched:
            rest = pattern.sub(" ", rest)
    return found, rest


def contact_lines(text: str) -> list[tuple[str, str]] | None:
    """The usual contact cell, each line one email address, web address or phone number and nothing
    else: (kind, text) as the search of the whole cell finds them (emails, then web addresses, then
    phone numbers, each in the cell's order: contact_search), line by line at half its cost; None for
    any other cell."""
    found: dict[str, list[str]] = {"email": [], "website": [], "phone": []}
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if "@" in line:
            kind, m = "email", EMAIL.match(line)
        elif line[0] in "wWhH" and "." in line:  # (the whole search looks for a web address only after a dot)
            kind, m = "website", URL.match(line)
        else:
            kind, m = "phone", PHONE.match(line)
        if m is None or m.end() != len(line):
            return None
        found[kind].append(line)
    return [(kind, value) for kind, values in found.items() for value in values]


def _unglued(address: str) -> str:
    """An email address without a phone number glued to its front ('07516161655reach@...' -> 'reach@...')."""
    m = _GLUED_PHONE.match(address)
    return address[m.end():] if m else address
