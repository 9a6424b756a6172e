"""The model every stage shares: what a scheme is, and what a registry is made of.

Loading and checking produce these objects; aggregation, rendering and exports only read them.
Nothing here imports a heavy library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from .dates import months_before

if TYPE_CHECKING:
    from .areas import Areas
    from .vocabulary import Vocabulary

STATUSES = ("active", "paused", "closed")
DEFAULT_STATUS = "active"
STALE_MONTHS = 12  # an entry not verified for this long is stale (the stale-after setting of a run overrides it)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# --- schemes ------------------------------------------------------------------------------------

class Hours(NamedTuple):
    """When a scheme or place is open: days, and opening and closing times (HH:MM, 24-hour)."""

    days: tuple[str, ...]
    opens: str
    closes: str


def hours_text(hours: tuple[Hours, ...]) -> str | None:
    """Hours as a registry's CSV writes them: 'mon,wed 10:00-12:00; fri 14:00-16:00'."""
    return "; ".join(f"{','.join(h.days)} {h.opens}-{h.closes}" for h in hours) or None


def hours_for_people(hours: tuple[Hours, ...], day_names: list[str] | None = None) -> str | None:
    """Hours for a card: 'Mon, Wed 10:00–12:00; Fri 14:00–16:00' (`day_names`: Monday to Sunday in
    the page's language, Messages.day_names)."""
    name = (lambda d: d.title()) if day_names is None else (lambda d: day_names[DAYS.index(d)])
    return "; ".join(f"{', '.join(name(d) for d in h.days)} {h.opens}–{h.closes}" for h in hours) or None


class Location(NamedTuple):
    """A place where a scheme runs; coordinates are WGS84 degrees, both or neither."""

    name: str | None = None
    address: str | None = None
    postcode: str | None = None
    lat: float | None = None
    lon: float | None = None
    accessibility: tuple[str, ...] = ()  # the place's own access features
    hours: tuple[Hours, ...] = ()  # the place's own opening hours
    translations: tuple = ()  # its name in other languages (Translations)
    coordinates_from: str | None = None  # "postcode": placed at its postcode's centre by sprx

    @property
    def has_point(self) -> bool:
        """Whether the place has coordinates."""
        return self.lat is not None and self.lon is not None

    @property
    def point_source(self) -> str | None:
        """Where the coordinates came from: "registry" (typed), "postcode" (its centre), or None."""
        return self.coordinates_from or ("registry" if self.has_point else None)


class Eligibility(NamedTuple):
    """Who a scheme is for by age (whole years, both ends included), and in words."""

    min_age: int | None = None
    max_age: int | None = None
    description: str | None = None
    ages_of: str | None = None  # "child": the ages are a child's, who comes with a parent or carer (AGES_OF)

    @property
    def for_children(self) -> bool:
        """Whether the ages are a child's (parents and carers of under-fives): the adult with them attends too."""
        return self.ages_of == "child"


AGES_OF = ("person", "child")  # whose ages `min_age` and `max_age` are: the person who attends (default), a child's
ADULT = 16  # from this age a person may come as the parent or carer of a child a scheme's ages are for


# Named tuples rather than frozen dataclasses: a national registry makes 100,000 of each, and a
# frozen dataclass takes about ten times as long to build (it sets each field through a call).
# The field order is the field table's (registry/fields.py; a test holds the two equal).
class Scheme(NamedTuple):
    """One checked scheme: every value normalised, areas as codes."""

    id: str
    name: str
    boroughs: tuple[str, ...]  # area codes, resolved from whatever the registry wrote
    provider: str | None = None
    description: str | None = None
    categories: tuple[str, ...] = ()
    referral_routes: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    eligibility: Eligibility | None = None
    cost: str | None = None  # a key of the vocabulary's costs
    cost_description: str | None = None
    delivery: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # ISO 639 codes
    accessibility: tuple[str, ...] = ()
    hours: tuple[Hours, ...] = ()
    hours_note: str | None = None
    how_to_refer: str | None = None
    referral_url: str | None = None
    referral_email: str | None = None
    locations: tuple[Location, ...] = ()
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    charity_number: str | None = None
    status: str = DEFAULT_STATUS
    last_verified: date | None = None
    oruk_id: str | None = None
    translations: tuple = ()  # its text in other languages (Translations)


# A scheme's (or a place's) text in other languages: ((language, ((field, text), ...)), ...), the
# languages by code, the fields in the field table's order; English is the registry's own text.
Translations = tuple


def translated(translations: Translations, language: str, field: str) -> str | None:
    """The text of `field` in `language` from `translations`, or None where none is given."""
    for code, texts in translations:
        if code == language:
            for name, text in texts:
                if name == field:
                    return text
    return None


def data_date(schemes: list[Scheme]) -> date | None:
    """The newest last_verified date: what the data speaks for (never the wall clock)."""
    dates = [s.last_verified for s in schemes if s.last_verified]
    return max(dates) if dates else None


# --- a registry ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sources:
    """The files a registry is made of, as the user named them, and how to read the boundaries."""

    schemes: str = "schemes.yaml"
    areas: str = "data/areas.csv"
    boundaries: str = "data/boundaries.geojson"
    vocabulary: str = "data/vocabulary.yaml"
    code_field: str = "code"  # the boundaries' attribute holding the area code
    name_field: str | None = None  # the boundaries' attribute holding the area name (messages only)
    crs: str | None = None  # the boundaries' CRS when the file does not say (e.g. EPSG:27700)
    postcodes: str | None = None  # postcode centres (NSPL/ONSPD CSV, or postcode,lat,lon), read when needed
    places: str | None = None  # place names and centres for the finder's search (geo/gazetteer.py)

    @property
    def files(self) -> dict[str, str]:
        """Each input file by its role: everything a registry's outputs depend on."""
        files = {"schemes": self.schemes, "areas": self.areas, "boundaries": self.boundaries,
                 "vocabulary": self.vocabulary}
        return files | {key: value for key in ("postcodes", "places") if (value := getattr(self, key))}


# (imported when a Registry is made: `sprx --help` needs neither the area registry's nor the YAML reader)
def _areas() -> Areas:
    from .areas import Areas

    return Areas()


def _vocabulary() -> Vocabulary:
    from .vocabulary import Vocabulary

    return Vocabulary()


@dataclass
class Registry:
    """A loaded registry: the schemes that passed their checks and the tables they refer to."""

    sources: Sources
    schemes: list[Scheme] = field(default_factory=list)
    areas: Areas = field(default_factory=_areas)
    vocabulary: Vocabulary = field(default_factory=_vocabulary)
    boundaries: Any = None  # the areas' shapes (geo.boundaries.Boundaries) once read
    stale_after_months: int = STALE_MONTHS
    credits: list[tuple[str, str]] = field(default_factory=list)  # (full, short) credits of other sources used
    places: dict[str, tuple[float, float]] | None = None  # the gazetteer's places by name, once read

    def attribution(self, boundaries: str, short: bool = False, more: tuple = (), words=None) -> str:
        """The boundaries' attribution followed by that of every other source the data used (`more`:
        (full, short) credits of what a view adds, such as the population of a rate), sprx's own words
        in the language of `words` (a core.messages.Messages; English without)."""
        say = words.gettext if words is not None else str
        credits = [say(c[1] if short else c[0]) for c in [*self.credits, *more]]
        return ". ".join([say(boundaries).rstrip(". "), *credits])

    @property
    def data_date(self) -> date | None:
        """The newest last_verified date: the date the data speaks for (never the wall clock)."""
        return data_date(self.schemes)

    @property
    def stale_before(self) -> date | None:
        """Entries last verified before this day are stale (judged from the data date)."""
        newest = self.data_date
        return months_before(newest, self.stale_after_months) if newest else None
