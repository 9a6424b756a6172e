"""The one aggregation behind the map, the tables and the exports: which schemes count, and
how many serve each area. Everything that shows a number gets it from here."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..core.messages import Messages, messages, plural_message
from ..core.model import Registry, Scheme
from .filters import Filters
from .metrics import MetricUnavailable

if TYPE_CHECKING:
    import pandas as pd

# The tally's words (the page's script gets their forms by these names: D.messages).
TALLY = {"open_now": plural_message("{n} scheme open now", "{n} schemes open now"),
         "paused": plural_message(", {n} paused", ", {n} paused"),
         "schemes": plural_message("{n} scheme", "{n} schemes"),
         "in_areas": plural_message(" in {served} of {n} area", " in {served} of {n} areas"),
         "gaps": plural_message("{n} area with no schemes recorded", "{n} areas with no schemes recorded")}


def in_areas(served: int, areas: int, words: Messages | None = None) -> str:
    """' in 27 of 33 areas': where the tally's schemes are (tally's `where`)."""
    return (words or messages()).ngettext(*TALLY["in_areas"], areas, served=served)


def tally(counted: int, paused: int = 0, where: str = "", statuses: tuple[str, ...] = ("active",),
          words: Messages | None = None) -> str:
    """How sprx says how many schemes there are, everywhere (headline, finder, validate): '55 schemes
    open now in 27 of 33 areas, 3 paused'. Open now: active; paused ones are listed, not counted;
    closed ones never counted. `words`: the language (core/messages.py; English by default).
    (static/finder.js words the finder's headline the same way.)"""
    m = words or messages()
    if tuple(statuses) == ("active",):
        return (m.ngettext(*TALLY["open_now"], counted) + where
                + (m.ngettext(*TALLY["paused"], paused) if paused else ""))
    return m.ngettext(*TALLY["schemes"], counted) + f" ({', '.join(statuses)}){where}"


def select(schemes: list[Scheme], filters: Filters = Filters()) -> list[Scheme]:
    """The schemes the filters keep, in registry order."""
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
    paused: int = 0  # paused schemes the other filters keep, when paused ones are not counted
    statuses: tuple[str, ...] = ("active",)

    @property
    def total_schemes(self) -> int:
        """Schemes counted (each once, whatever its number of areas)."""
        return len(self.schemes)

    @property
    def areas_with_schemes(self) -> int:
        """Areas served by at least one counted scheme."""
        return sum(1 for c in self.counts if c)

    @property
    def areas_without_schemes(self) -> int:
        """Areas with no counted scheme: the gaps."""
        return len(self.codes) - self.areas_with_schemes

    @property
    def per_100k(self) -> list[float | None]:
        """Counts per 100,000 residents (None where the population is unknown)."""
        return [round(c * 100_000 / p, 2) if p else None for c, p in zip(self.counts, self.population)]

    def values(self, metric: str) -> list:
        """What the shading of each area shows under `metric` (a key of metrics.METRICS)."""
        if metric == "per-100k":
            if not (self.population and all(self.population)):
                raise MetricUnavailable("shading per 100,000 residents needs a population for every area in the "
                                        "area registry", "add a population column to the area registry, with "
                                        "its source")
            return self.per_100k
        return self.counts

    def headline(self, words: Messages | None = None) -> str:
        """'5,000 schemes open now in 27 of 33 areas, 3 paused' (see `tally`), in `words`' language."""
        return tally(self.total_schemes, self.paused, in_areas(self.areas_with_schemes, len(self.codes), words),
                     self.statuses, words)

    def gaps(self, words: Messages | None = None) -> str:
        """'6 areas with no schemes recorded'."""
        return (words or messages()).ngettext(*TALLY["gaps"], self.areas_without_schemes)

    def to_frame(self) -> pd.DataFrame:
        """The counts as a pandas DataFrame, one row per area."""
        import pandas as pd

        df = pd.DataFrame({"code": self.codes, "name": self.names, "schemes": self.counts})
        for key, values in self.by_category.items():
            df[key] = values
        if all(p for p in self.population):
            df["per_100k"] = self.per_100k
        return df


def area_counts(registry: Registry, filters: Filters = Filters()) -> AreaCounts:
    """Counts per area (and per area and category) of the schemes the filters keep."""
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
    paused = (0 if "paused" in filters.statuses
              else len(select(registry.schemes, replace(filters, statuses=("paused",)))))
    return AreaCounts([a.code for a in areas], [a.name for a in areas], counts, by_cat,
                      [a.population for a in areas], chosen, paused, tuple(filters.statuses))
