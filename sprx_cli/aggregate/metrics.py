"""What an area's shading shows: the count of schemes serving it, or that count per 100,000 residents."""

from __future__ import annotations

from ..core.errors import SprxError
from ..core.messages import Messages, N_, messages

# Each metric and its legend title. The page, the PNG and the command line's choices come from here.
METRICS: dict[str, str] = {"count": N_("Active schemes per area"),
                           "per-100k": N_("Active schemes per 100,000 residents"),
                           "need": N_(
                               "Need beside provision: deprivation (IMD 2025) and schemes per 100,000 residents")}


# The metrics that need each area's population, and what for (validate warns of a missing one).
NEEDS_POPULATION = {"per-100k": "shading per 100,000 residents needs a population for every area",
                    "need": "need beside provision leaves an area without a population out of its classes"}


def population_need(metric: str) -> str | None:
    """Why the map shaded by `metric` needs every area's population (for validate), or None."""
    return f"the map's metric is {metric}: {NEEDS_POPULATION[metric]}" if metric in NEEDS_POPULATION else None


def population_source(codes: list[str], population: list[int | None], words: Messages | None = None) -> str:
    """Where the areas' populations come from, to say beside a rate: 'ONS mid-2022' when every figure
    typed is the one sprx ships (geo/need.py; an area without one takes ONS's, as need_rows does),
    else the area registry's own (and ONS's where it has none)."""
    from ..geo.need import POPULATION_SOURCE, populations

    table, m = populations(), words or messages()
    typed = [(c, p) for c, p in zip(codes, population) if p]
    if all(table.get(c) == p for c, p in typed):
        return POPULATION_SOURCE
    if len(typed) == len(codes):
        return m.gettext("population from the area registry")
    return m.gettext("population from the area registry, else {source}").format(source=POPULATION_SOURCE)


def figure_sources(areas) -> dict[str, str]:
    """The sources of the need figures beside the counts of `areas` (an Areas), as exports and tables
    name them: population, deprivation."""
    from ..geo.need import DEPRIVATION_SOURCE

    return {"population": population_source([a.code for a in areas.areas], [a.population for a in areas.areas]),
            "deprivation": DEPRIVATION_SOURCE}


def metric_label(metric: str, codes: list[str], population: list[int | None], words: Messages | None = None) -> str:
    """The legend title: 'Active schemes per 100,000 residents (ONS mid-2022)'."""
    m = words or messages()
    if metric in NEEDS_POPULATION:
        return f"{m.gettext(METRICS[metric])} ({population_source(codes, population, m)})"
    return m.gettext(METRICS[metric])


def metric_credits(metric: str, areas) -> tuple:
    """What a view shaded by `metric` must credit beyond the registry's sources: ONS, for a rate per
    resident from the populations sprx ships."""
    from ..geo.need import DEPRIVATION_CREDIT, POPULATION_CREDIT, POPULATION_SOURCE

    codes, people = [a.code for a in areas.areas], [a.population for a in areas.areas]
    if metric in NEEDS_POPULATION and codes and POPULATION_SOURCE in population_source(codes, people):
        return (POPULATION_CREDIT,) + (DEPRIVATION_CREDIT,) * (metric == "need")
    return (DEPRIVATION_CREDIT,) if metric == "need" else ()


def need_credits(areas) -> tuple:
    """What a view carrying need beside provision (the site, the area exports) must credit: ONS when
    a population it shows is ONS's, MHCLG when an area has an IMD 2025 rank."""
    from ..geo.need import DEPRIVATION_CREDIT, POPULATION_CREDIT, deprivations, populations

    ons, dep = populations(), deprivations()
    onss = any(a.code in ons and a.population in (None, ons[a.code]) for a in areas.areas)
    return (POPULATION_CREDIT,) * onss + (DEPRIVATION_CREDIT,) * any(a.code in dep for a in areas.areas)


class MetricUnavailable(SprxError):
    """The registry lacks what a metric needs (a population for every area)."""
