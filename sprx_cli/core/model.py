"""The model every stage shares: what a registry is made of, what a scheme is, and sprx's defaults.

Loading and checking produce these objects; aggregation, rendering and exports only read them.
Nothing here imports a heavy library.
"""

from __future__ import annotations

import calendar
import gc
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import geopandas as gpd

    from .areas import Areas
    from .vocabulary import Vocabulary

# --- defaults ------------------------------------------------------------------------------------

STATUSES = ("active", "paused", "closed")
DEFAULT_STATUS = "active"
DEFAULT_TITLE = "Social prescribing schemes"
DEFAULT_TILES = "OpenStreetMap.Mapnik"
NO_ATTRIBUTION = "Boundaries: source not stated (set 'attribution' in sprx.toml)"
STALE_MONTHS = 12  # an entry not verified for this long is stale (--stale-after overrides it)

# Project settings (sprx.toml / [tool.sprx]) and their defaults; paths are relative to the folder.
SETTINGS: dict[str, object] = {
    "schemes": "schemes.yaml",
    "areas": "data/areas.csv",
    "boundaries": "data/boundaries.geojson",
    "vocabulary": "data/vocabulary.yaml",
    "code_field": "code",
    "name_field": None,
    "crs": None,
    "postcodes": None,
    "title": DEFAULT_TITLE,
    "output": "maps/map.html",
    "image": "maps/map.png",
    "tiles": DEFAULT_TILES,
    "attribution": NO_ATTRIBUTION,
    "attribution_short": None,
    "feedback_email": None,
}
PATH_SETTINGS = ("schemes", "areas", "boundaries", "vocabulary", "postcodes", "output", "image")


def today() -> date:
    """Today, or SPRX_TODAY (YYYY-MM-DD) for reproducible runs and tests."""
    forced = os.environ.get("SPRX_TODAY")
    return date.fromisoformat(forced) if forced else date.today()


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the last day of a shorter month)."""
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    m += 1
    return date(y, m, min(day.day, calendar.monthrange(y, m)[1]))


# --- schemes ------------------------------------------------------------------------------------

class Location(NamedTuple):
    """A place where a scheme runs; coordinates are WGS84 degrees, both or neither."""

    name: str | None = None
    address: str | None = None
    postcode: str | None = None
    lat: float | None = None
    lon: float | None = None
    accessibility: tuple[str, ...] = ()  # the place's own access features
    hours: tuple["Hours", ...] = ()  # the place's own opening hours
    coordinates_from: str | None = None  # "postcode": placed at its postcode's centre by sprx

    @property
    def has_point(self) -> bool:
        """Whether the place has coordinates."""
        return self.lat is not None and self.lon is not None

    @property
    def point_source(self) -> str | None:
        """Where the coordinates came from: "registry" (typed), "postcode" (its centre), or None."""
        return self.coordinates_from or ("registry" if self.has_point else None)


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Hours(NamedTuple):
    """When a scheme or place is open: days, and opening and closing times (HH:MM, 24-hour)."""

    days: tuple[str, ...]
    opens: str
    closes: str


def hours_text(hours: tuple[Hours, ...]) -> str | None:
    """Hours as a registry's CSV writes them: 'mon,wed 10:00-12:00; fri 14:00-16:00'."""
    return "; ".join(f"{','.join(h.days)} {h.opens}-{h.closes}" for h in hours) or None


def hours_for_people(hours: tuple[Hours, ...]) -> str | None:
    """Hours for a card: 'Mon, Wed 10:00–12:00; Fri 14:00–16:00'."""
    return "; ".join(f"{', '.join(d.title() for d in h.days)} {h.opens}–{h.closes}" for h in hours) or None


class Eligibility(NamedTuple):
    """Who a scheme is for by age (whole years, both ends included), and in words."""

    min_age: int | None = None
    max_age: int | None = None
    description: str | None = None


# Named tuples rather than frozen dataclasses: a national registry makes 100,000 of each, and a
# frozen dataclass takes about ten times as long to build (it sets each field through a call).
# The field order is the field table's (fields.SCHEME_FIELDS; a test holds the two equal).
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


def data_date(schemes: list[Scheme]) -> date | None:
    """The newest last_verified date: what the data speaks for (never the wall clock)."""
    dates = [s.last_verified for s in schemes if s.last_verified]
    return max(dates) if dates else None


# --- areas --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Area:
    """One area of the area registry (a borough, district or any area with a GSS code)."""

    code: str
    name: str
    aliases: tuple[str, ...] = ()
    sub_region: str | None = None
    population: int | None = None


# --- a registry ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sources:
    """The four files a registry is made of, as the user named them, and how to read the boundaries."""

    schemes: str = "schemes.yaml"
    boroughs: str = "data/areas.csv"
    boundaries: str = "data/boundaries.geojson"
    vocabulary: str = "data/vocabulary.yaml"
    code_field: str = "code"  # the boundaries' attribute holding the area code
    name_field: str | None = None  # the boundaries' attribute holding the area name (messages only)
    crs: str | None = None  # the boundaries' CRS when the file does not say (e.g. EPSG:27700)
    postcodes: str | None = None  # postcode centres (NSPL/ONSPD CSV, or postcode,lat,lon), read when needed

    @property
    def files(self) -> dict[str, str]:
        """Each input file by its role."""
        files = {"schemes": self.schemes, "boroughs": self.boroughs, "boundaries": self.boundaries,
                 "vocabulary": self.vocabulary}
        return files | ({"postcodes": self.postcodes} if self.postcodes else {})


def _areas():
    from .areas import Areas

    return Areas()


def _vocabulary():
    from .vocabulary import Vocabulary

    return Vocabulary()


@dataclass
class Registry:
    """A loaded registry: the schemes that passed their checks and the tables they refer to."""

    sources: Sources
    schemes: list[Scheme] = field(default_factory=list)
    areas: "Areas" = field(default_factory=_areas)
    vocabulary: "Vocabulary" = field(default_factory=_vocabulary)
    boundaries: "gpd.GeoDataFrame | None" = None
    stale_after_months: int = STALE_MONTHS
    credits: list[tuple[str, str]] = field(default_factory=list)  # (full, short) credits of other sources used

    def attribution(self, boundaries: str, short: bool = False) -> str:
        """The boundaries' attribution followed by that of every other source the data used."""
        return ". ".join([boundaries.rstrip(". ")] + [c[1] if short else c[0] for c in self.credits])

    @property
    def data_date(self) -> date | None:
        """The newest last_verified date: the date the data speaks for (never the wall clock)."""
        return data_date(self.schemes)

    @property
    def stale_before(self) -> date | None:
        """Entries last verified before this day are stale (judged from the data date)."""
        newest = self.data_date
        return months_before(newest, self.stale_after_months) if newest else None


# --- which schemes count ------------------------------------------------------------------------

class FilterError(ValueError):
    """A filter names a status, term or area the registry does not have."""


@dataclass(frozen=True)
class Filters:
    """Which schemes count. By default: active schemes of any category, route and area."""

    statuses: tuple[str, ...] = ("active",)
    categories: tuple[str, ...] = ()
    boroughs: tuple[str, ...] = ()  # area codes
    referral_routes: tuple[str, ...] = ()

    def keep(self, s: Scheme) -> bool:
        """Whether the scheme counts under these filters."""
        return (s.status in self.statuses
                and (not self.categories or any(c in self.categories for c in s.categories))
                and (not self.boroughs or any(b in self.boroughs for b in s.boroughs))
                and (not self.referral_routes or any(r in self.referral_routes for r in s.referral_routes)))

    def to_dict(self) -> dict:
        """The filters as exports record them."""
        return {"status": list(self.statuses), "category": list(self.categories),
                "borough": list(self.boroughs), "referral_route": list(self.referral_routes)}

    @classmethod
    def from_names(cls, registry: Registry, statuses=(), categories=(), areas=(), referral_routes=(),
                   include_closed: bool = False) -> "Filters":
        """Filters from what a person typed: vocabulary keys and area names, aliases or codes.

        Raises FilterError (naming the option, with a did-you-mean) for anything unknown."""
        from ..registry.read import did_you_mean

        chosen = list(statuses) or ["active"]
        for s in chosen:
            if s not in STATUSES:
                raise FilterError(f"--status: unknown status {s!r}; the statuses are {', '.join(STATUSES)}")
        if include_closed and "closed" not in chosen:
            chosen.append("closed")
        for option, keys, terms in (("--category", categories, registry.vocabulary.categories),
                                    ("--referral-route", referral_routes, registry.vocabulary.referral_routes)):
            for key in keys:
                if key not in terms:
                    guess = did_you_mean(key, list(terms))
                    raise FilterError(f"{option}: unknown key {key!r}" + (f"; did you mean {guess!r}?" if guess else
                                      f"; the keys are {', '.join(terms)}"))
        codes = []
        for name in areas:
            code = registry.areas.resolve(name)
            if code is None:
                guess = registry.areas.suggest(name)
                raise FilterError(f"--borough: unknown area {name!r}" + (f"; did you mean {guess!r}?" if guess else ""))
            codes.append(code)
        return cls(tuple(chosen), tuple(categories), tuple(codes), tuple(referral_routes))


def people(n: int) -> str:
    """A count for people to read: 5,000 rather than 5000."""
    return f"{n:,}"


def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 scheme', '5,000 schemes'."""
    return f"{people(n)} {word if n == 1 else (words or word + 's')}"


@contextmanager
def no_cyclic_gc():
    """Pause the cyclic garbage collector. Loading or rendering a registry makes millions of small
    acyclic objects, and the collector's repeated passes over them cost a third of the time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
