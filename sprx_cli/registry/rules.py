"""The rules of the field table: each a function of one value and the registry's context.

A rule takes a value (text already stripped) and the registry's context (areas, vocabulary,
today) and returns the normalised value, None for "nothing to keep", or a `Fault` (problem code,
message, and a fix when the catalogue's does not say enough). registry/fields.py declares which
field has which rule.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple, final
from collections.abc import Callable
from urllib.parse import urlsplit

from ..core.languages import language_code, language_name, language_named
from ..core.model import AGES_OF, DAYS, STATUSES, Hours
from ..core.problems import CODES, short
from ..core.words import EMAIL, did_you_mean, is_feed_id, is_slug, slugify

if TYPE_CHECKING:
    from ..core.areas import Areas
    from ..core.vocabulary import Vocabulary

POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNP-Z]? ?[0-9][ABD-HJLNP-UW-Z]{2})$", re.I)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# the fast path; urlsplit decides the rest
WEBSITE = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d+)?(?:[/?#][^\s]*)?$", re.I)
CHARITY = re.compile(r"^(?:\d{6,7}(?:-\d{1,2})?|SC\d{6}|NIC\d{6})$")
# A time of day on the 24-hour clock (9:30, 09:30, 23:59); the JSON Schema takes its pattern from here.
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
HOURS_TEXT = re.compile(r"^\s*(?P<days>[A-Za-z, ]+?)\s+(?P<opens>\S+)\s*-\s*(?P<closes>\S+)\s*$")




class Context(NamedTuple):
    """What rules check values against."""

    areas: Areas
    vocabulary: Vocabulary
    today: date


@final  # (so that `type(x) is Fault`, the fast test, narrows for the type checker)
class Fault(NamedTuple):
    """What is wrong with one value: a catalogued problem code, a message and a fix."""

    code: str
    message: str
    hint: str | None = None  # when None, the catalogue's fix for the code
    value: Any = None  # the value to report, when not the one judged

    @property
    def fix(self) -> str:
        """How to fix it: the fault's own hint, else the catalogue's."""
        return self.hint or CODES[self.code].fix


class Finding(NamedTuple):
    """A fault at a place in a field's value: list item `item`, location field `sub`."""

    fault: Fault
    item: int | None = None
    sub: str | None = None


Rule = Callable[[str, Context], Any]


# --- rules: one value in, the normalised value (or a Fault) out ------------------------------------

def slug(text: str, ctx: Context):
    """An id: lowercase letters, digits and single hyphens."""
    if is_slug(text):
        return text
    suggestion = slugify(text)
    return Fault("invalid-id", f"id {text!r} is not a slug",
                 CODES["invalid-id"].fix + (f", e.g. '{suggestion}'" if suggestion else ""))


def web_address(name: str) -> Rule:
    """An http(s) address with a host."""
    def rule(text: str, ctx: Context):
        if WEBSITE.match(text):
            return text
        try:
            parts = urlsplit(text)
        except ValueError:  # e.g. an unclosed '[' of an IPv6 address
            parts = urlsplit("")
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in text:
            return Fault("invalid-website", f"{name} {text!r} is not an http(s) address")
        return text
    return rule


def email_address(name: str) -> Rule:
    """One email address; a 'mailto:' prefix is dropped."""
    def rule(text: str, ctx: Context):
        address = text.removeprefix("mailto:")
        if EMAIL.match(address):
            return address
        return Fault("invalid-email", f"{name} {text!r} is not an email address")
    return rule


website = web_address("website")
email = email_address("email")


def language(text: str, ctx: Context):
    """An ISO 639 language code (two letters where ISO 639-1 has one, else three: 'bfi' is British
    Sign Language); a language's name gets its code suggested."""
    code = language_code(text)
    if code is not None:
        return code
    named = language_named(text)
    if named is not None:
        hint = f"did you mean '{named}' ({language_name(named)})?"
    else:
        hint = "use ISO 639 codes: en, cy, bn, so, ur, pl, bfi (British Sign Language), ..."
    return Fault("unknown-language", f"{text!r} is not an ISO 639 language code", hint)


def charity_number(text: str, ctx: Context):
    """A charity register number: England and Wales (6 or 7 digits, '-N' for a linked charity),
    Scotland (SC and 6 digits) or Northern Ireland (NIC and 6 digits)."""
    compact = "".join(text.split()).upper()
    if CHARITY.match(compact):
        return compact
    return Fault("invalid-charity-number", f"charity number {text!r} is not a register number",
                 "write the number as the register shows it: 1234567 (England and Wales), SC012345 (Scotland) "
                 "or NIC100001 (Northern Ireland)")


def feed_id(text: str, ctx: Context):
    """A service's id in an Open Referral feed (core/words.FEED_ID): it becomes a file's name."""
    if is_feed_id(text):
        return text
    return Fault("invalid-oruk-id", f"oruk_id {text[:80]!r} cannot be a service's id in the feed")


def status(text: str, ctx: Context):
    """One of the statuses, in any case."""
    value = text.lower()
    if value in STATUSES:
        return value
    guess = did_you_mean(value, STATUSES)
    return Fault("invalid-status", f"status {text!r} is not one of {', '.join(STATUSES)}",
                 f"did you mean '{guess}'?" if guess else f"use one of {', '.join(STATUSES)}")


def past_date(name: str) -> Rule:
    """A YYYY-MM-DD date not after today."""
    def rule(text: str, ctx: Context):
        try:
            if not ISO_DATE.match(text):
                raise ValueError
            value = date.fromisoformat(text)
        except ValueError:
            return Fault("invalid-date", f"{name} {text!r} is not a date in YYYY-MM-DD form")
        if value > ctx.today:
            return Fault("future-date", f"{name} {text} is in the future")
        return value
    return rule


def area(text: str, ctx: Context):
    """An area by name, alias or GSS code, as its code."""
    code = ctx.areas.resolve(text)
    if code is not None:
        return code
    if not ctx.areas.areas:
        return None  # the area registry itself is broken; reported there
    guess = ctx.areas.suggest(text)
    return Fault("unknown-borough", f"unknown borough {text!r}",
                 f"did you mean '{guess}'?" if guess else f"use a name, alias or GSS code from {ctx.areas.source}")


def term(list_name: str) -> Rule:
    """A key of one of the vocabulary's lists."""
    def rule(text: str, ctx: Context):
        terms = ctx.vocabulary.terms(list_name)
        if text in terms:
            return text
        if not terms:
            return None  # the vocabulary itself is broken; reported there
        by_label = {t.label.casefold(): t.key for t in terms.values()}
        guess = by_label.get(text.casefold()) or did_you_mean(text.lower().replace(" ", "-"), list(terms))
        return Fault("unknown-term", f"{text!r} is not a key in the {list_name.replace('_', ' ')} list",
                     f"did you mean '{guess}'?" if guess else
                     f"use one of: {', '.join(terms)} (see {ctx.vocabulary.source})")
    return rule


def age(name: str) -> Rule:
    """A whole number of years from 0 to 120."""
    def rule(text: str, ctx: Context):
        if text.isascii() and text.isdigit() and len(text) <= 3 and int(text) <= 120:
            return int(text)
        said = repr(text) if len(text) <= 40 else f"{text[:20]!r}... ({len(text):,} characters)"
        return Fault("invalid-age", f"{name} {said} is not a whole number of years from 0 to 120",
                     "write the age in whole years, e.g. 18, or leave it out")
    return rule


def ages_of(text: str, ctx: Context):
    """Whose ages min_age and max_age are: `person` (who attends) or `child` (a child's, with a parent or carer)."""
    value = text.strip().lower()
    if value in AGES_OF:
        return value
    return Fault("invalid-ages-of", f"ages_of {text!r} is not one of {', '.join(AGES_OF)}")


def age_order(min_age: int | None, max_age: int | None) -> Fault | None:
    """The youngest age is not above the oldest."""
    if min_age is not None and max_age is not None and min_age > max_age:
        return Fault("age-range", f"min_age {min_age} is above max_age {max_age}", value=f"{min_age} > {max_age}")
    return None


def postcode(text: str, ctx: Context):
    """A UK postcode, written the standard way (SW1A 1AA)."""
    if not POSTCODE.match(text):
        return Fault("invalid-postcode", f"postcode {text!r} is not a UK postcode")
    compact = text.replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}"


def degrees(name: str, limit: int, hint: str) -> Rule:
    """A coordinate in decimal degrees within ±limit (a typographic minus is read as '-')."""
    def rule(text: str, ctx: Context):
        try:
            v = float(text.replace("\u2212", "-"))
        except ValueError:
            return Fault("coordinate-invalid", f"{name} {text!r} is not a number")
        if not math.isfinite(v):
            return Fault("coordinate-invalid", f"{name} {text!r} is not a finite number")
        if abs(v) > limit:
            return Fault("coordinate-out-of-range", f"{name} {v:g} is outside -{limit}..{limit}", hint)
        return v
    return rule



def _time(text: str) -> str | None:
    """'9:30' -> '09:30'; None when not a 24-hour time."""
    m = TIME.match(text.strip())
    return f"{int(m.group(1)):02d}:{m.group(2)}" if m else None


def quoted(value: Any) -> str:
    """A value in a message: repr for text, a brief form for anything else (never a deep repr)."""
    return repr(value) if isinstance(value, str) else short(value)


def opening(days: Any, opens: Any, closes: Any) -> Hours | Fault:
    """One opening: days of the week (mon..sun), and a 24-hour opening time before the closing time."""
    if isinstance(days, str):
        days = [d for d in re.split(r"[,\s]+", days) if d]
    if not isinstance(days, list) or not days or not all(isinstance(d, str) for d in days):
        return Fault("invalid-hours", "hours need days, e.g. days: [mon, wed]",
                     "write the days as mon, tue, wed, thu, fri, sat, sun", days)
    keys = [d.strip().lower()[:3] for d in days]
    bad = [d for d, k in zip(days, keys) if k not in DAYS or d.strip().lower() not in (k, _DAY_NAMES[k])]
    if bad:
        return Fault("invalid-hours", f"{bad[0]!r} is not a day of the week",
                     "write the days as mon, tue, wed, thu, fri, sat, sun", bad[0])
    start, end = (_time(t) if isinstance(t, str) else None for t in (opens, closes))
    if start is None or end is None:
        which, raw = ("opens", opens) if start is None else ("closes", closes)
        return Fault("invalid-hours", f"{which} {quoted(raw)} is not a 24-hour time",
                     "write times as HH:MM, e.g. 09:30", raw)
    if start >= end:
        return Fault("invalid-hours", f"opens at {start} but closes at {end}",
                     "the opening time comes before the closing time (24-hour clock)", f"{start}-{end}")
    return Hours(tuple(dict.fromkeys(keys)), start, end)


_DAY_NAMES = {"mon": "monday", "tue": "tuesday", "wed": "wednesday", "thu": "thursday", "fri": "friday",
              "sat": "saturday", "sun": "sunday"}



def unknown_field(name: str, choices) -> Fault:
    """A field sprx does not know, with a did-you-mean."""
    guess = did_you_mean(name, choices)
    return Fault("unknown-field", f"unknown field '{name}'",
                 f"did you mean '{guess}'?" if guess else f"the fields are: {', '.join(choices)}", name)


def as_text(value: Any) -> str | None | Fault:
    """A raw value as text (stripped; blank is None), or a wrong-type Fault for a list or mapping."""
    if type(value) is str:
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        kind = "a list" if isinstance(value, list) else "a mapping"
        return Fault("wrong-type", f"should be text, not {kind}",
                     "write it on one line as 'field: value' (quote it if it contains ': ')", value)
    return str(value).strip() or None


def wrong_type(fault: Fault, name: str) -> Fault:
    """A wrong-type fault naming the field ('name' should be text, not a list)."""
    return fault._replace(message=f"'{name}' {fault.message}")
