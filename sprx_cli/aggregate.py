"""The one aggregation behind the map, the tables and the exports: which schemes count, and
how many serve each area. Everything that shows a number gets it from here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from .registry import Scheme

if TYPE_CHECKING:
    import pandas as pd

    from .validate import Registry


@dataclass(frozen=True)
class Filters:
    """Which schemes count. By default: active schemes of any category, route and area."""

    statuses: tuple[str, ...] = ("active",)
    categories: tuple[str, ...] = ()
    boroughs: tuple[str, ...] = ()  # area codes
    referral_routes: tuple[str, ...] = ()

    def keep(self, s: Scheme) -> bool:
        return (s.status in self.statuses
                and (not self.categories or any(c in self.categories for c in s.categories))
                and (not self.boroughs or any(b in self.boroughs for b in s.boroughs))
                and (not self.referral_routes or any(r in self.referral_routes for r in s.referral_routes)))

    def to_dict(self) -> dict:
        return {"status": list(self.statuses), "category": list(self.categories),
                "borough": list(self.boroughs), "referral_route": list(self.referral_routes)}


def select(schemes: list[Scheme], filters: Filters = Filters()) -> list[Scheme]:
    return [s for s in schemes if filters.keep(s)]


@dataclass
class AreaCounts:
    """Counts of the selected schemes per area, zeros included, in area-registry order."""

    codes: list[str]
    names: list[str]
    counts: list[int]
    by_category: dict[str, list[int]]  # category key -> count per area (a scheme counts in each of its categories)
    population: list[int | None]
    schemes: list[Scheme] = field(default_factory=list)  # the schemes counted

    @property
    def total_schemes(self) -> int:
        return len(self.schemes)

    @property
    def areas_with_schemes(self) -> int:
        return sum(1 for c in self.counts if c)

    @property
    def per_100k(self) -> list[float | None]:
        return [round(c * 100_000 / p, 2) if p else None for c, p in zip(self.counts, self.population)]

    def headline(self) -> str:
        n = self.total_schemes
        return (f"{n} scheme{'s' * (n != 1)} in {self.areas_with_schemes} of {len(self.codes)} areas")

    def to_frame(self) -> "pd.DataFrame":
        import pandas as pd

        df = pd.DataFrame({"code": self.codes, "name": self.names, "schemes": self.counts})
        for key, values in self.by_category.items():
            df[key] = values
        if all(p for p in self.population):
            df["per_100k"] = self.per_100k
        return df


def area_counts(registry: "Registry", filters: Filters = Filters()) -> AreaCounts:
    areas = registry.areas.areas
    index = {a.code: i for i, a in enumerate(areas)}
    cats = list(registry.vocabulary.categories)
    counts = [0] * len(areas)
    by_cat = {k: [0] * len(areas) for k in cats}
    chosen = select(registry.schemes, filters)
    for s in chosen:
        for code in s.boroughs:
            i = index[code]
            counts[i] += 1
            for c in s.categories:
                by_cat[c][i] += 1
    return AreaCounts([a.code for a in areas], [a.name for a in areas], counts, by_cat,
                      [a.population for a in areas], chosen)


def data_date(schemes: list[Scheme]) -> date | None:
    """The newest last_verified date: what the data speaks for (never the wall clock)."""
    dates = [s.last_verified for s in schemes if s.last_verified]
    return max(dates) if dates else None
