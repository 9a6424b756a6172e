"""`validate`: read every registry file, check it, and say what is wrong and where."""

from __future__ import annotations

from collections import Counter

from datetime import date
from pathlib import Path

from ..core.areas import Areas, load_areas
from ..core.dates import today
from ..core.model import STALE_MONTHS, Registry, Scheme, Sources
from ..core.problems import Loc, Problem, Report
from ..core.speed import no_cyclic_gc
from ..core.vocabulary import load_vocabulary
from .check import check_registry
from .currency import check_upkeep
from .places import check_locations, place_by_postcode, read_gazetteer
from .read import RawRecord, load_registry


class InvalidRegistry(Exception):
    """The registry has errors (or, with strict, warnings): nothing may be built from it."""

    def __init__(self, report: Report, strict: bool = False):
        super().__init__("the registry has warnings, and warnings count as failures (strict)"
                         if report.valid and strict else "the registry is invalid")
        self.report = report
        self.strict = strict


def validate(sources: Sources, *, on: date | None = None, stale_after_months: int = STALE_MONTHS,
             encoding: str | None = None, check_boundaries: bool = True,
             population_need: str | None = None, languages: tuple[str, ...] = (),
             also: tuple[Problem, ...] = ()) -> tuple[Report, Registry]:
    """Check every file of the registry; return the report and what could be loaded (`also`: problems
    found elsewhere, as the settings' (core.settings.Settings.problems), reported with these).
    `population_need`: why every area needs a population (aggregate.metrics.population_need of the
    map's metric), when it does: an area without one is warned. `languages`: the languages the site
    publishes in; a scheme without its name or description in one of them (besides English) is warned."""
    with no_cyclic_gc():
        report, registry = _validate(sources, on, stale_after_months, encoding, check_boundaries, population_need,
                                     languages)
        report.extend(list(also))
        return report, registry


def load_valid(sources: Sources, *, strict: bool = False, stale_after_months: int = STALE_MONTHS,
               encoding: str | None = None, population_need: str | None = None,
               languages: tuple[str, ...] = (), also: tuple[Problem, ...] = ()) -> tuple[Report, Registry]:
    """Validate and return the report and registry; InvalidRegistry when it does not pass."""
    report, registry = validate(sources, stale_after_months=stale_after_months, encoding=encoding,
                                population_need=population_need, languages=languages, also=also)
    if not report.passes(strict):
        raise InvalidRegistry(report, strict)
    return report, registry


def load_tables(sources: Sources, check_boundaries: bool = True,
                stale_after_months: int = STALE_MONTHS) -> tuple[Registry, list[Problem]]:
    """The registry's areas, vocabulary and boundaries, without its schemes, and their problems."""
    problems: list[Problem] = []
    reg = Registry(sources, stale_after_months=stale_after_months)
    reg.areas, found = load_areas(Path(sources.areas), sources.areas)
    problems += found
    reg.vocabulary, found = load_vocabulary(Path(sources.vocabulary), sources.vocabulary)
    problems += found
    if check_boundaries and reg.areas.areas:
        from ..geo.boundaries import load_boundaries

        reg.boundaries, found = load_boundaries(Path(sources.boundaries), sources.boundaries, reg.areas,
                                                sources.code_field, sources.name_field, sources.crs)
        problems += found
    return reg, problems


def registry_tables(sources: Sources) -> Registry:
    """The tables an import or a new scheme is checked against; InvalidRegistry when they have errors."""
    reg, problems = load_tables(sources)
    report = Report(problems)
    if not report.valid:
        raise InvalidRegistry(report)
    return reg


def missing_populations(areas: Areas, need: str | None) -> list[Problem]:
    """A warning for each area without a population when the map needs one (`need` says why), saying
    where ONS's figure is to be had (or why it is not)."""
    if need is None:
        return []
    from ..geo.need import POPULATION_SOURCE, populations, why_no_population

    table, problems = populations(), []
    for a in areas.areas:
        if a.population:
            continue
        figure = table.get(a.code)
        hint = (f"{POPULATION_SOURCE} gives {figure:,}: run 'sprx areas fill' to type it in" if figure else
                f"type its population, with its source ({POPULATION_SOURCE} has none: {why_no_population(a.code)})")
        problems.append(Problem("areas-missing-population",
                                f"{a.name} ({a.code}) has no population, and {need}", Loc(areas.source, row=a.row),
                                field="population", hint=hint))
    return problems


# What a page in another language must have of a scheme's text (validate warns of the rest).
TRANSLATION_NEEDED = ("name", "description")


def missing_translations(schemes: list[Scheme], languages: tuple[str, ...], where) -> list[Problem]:
    """A warning for each scheme without its name or description (where it has one) in each of
    `languages` but English; located at its `translations` (else its name): `where(id, field)`."""
    from ..core.languages import language_name

    wanted = {code: language_name(code) for code in dict.fromkeys(languages) if code != "en"}
    problems = []
    for s in schemes if wanted else ():
        have = dict(s.translations)
        for code, language in wanted.items():
            given = {name for name, _ in have.get(code, ())}
            lacking = [f for f in TRANSLATION_NEEDED if f not in given and getattr(s, f)]
            if lacking:
                problems.append(Problem(
                    "missing-translation", f"scheme '{s.id}' has no {language} ({code}) {' or '.join(lacking)}, "
                    f"and the site publishes in {language}", where(s.id, "translations" if have else "name"),
                    field="translations", value=code))
    return problems


def _validate(sources: Sources, on: date | None, stale_after_months: int, encoding: str | None,
              check_boundaries: bool, population_need: str | None = None,
              languages: tuple[str, ...] = ()) -> tuple[Report, Registry]:
    on = on or today()
    reg, problems = load_tables(sources, check_boundaries, stale_after_months)
    report = Report(problems + missing_populations(reg.areas, population_need))
    raw, problems = load_registry(Path(sources.schemes), sources.schemes, encoding)
    report.extend(problems)
    reg.schemes, problems, index = check_registry(raw, reg.areas, reg.vocabulary, on)
    report.extend(problems)

    def by_id(sid: str) -> RawRecord:
        return raw.record(index[sid])

    report.extend(place_by_postcode(reg, by_id))
    report.extend(read_gazetteer(reg))
    if reg.boundaries is not None:
        report.extend(check_locations(reg.schemes, reg.boundaries, reg.areas, by_id))
    report.extend(check_upkeep(reg.schemes, by_id, on, stale_after_months))
    report.extend(missing_translations(reg.schemes, languages, lambda sid, field: raw.at(index[sid], field)))
    order = {f: i for i, f in enumerate((sources.areas, sources.vocabulary, sources.boundaries, sources.schemes))}
    report.problems.sort(key=lambda p: (order.get(p.loc.file, 9), p.loc.row or p.loc.line or 0,
                                        p.loc.column or 0))
    served = {c for s in reg.schemes if s.status == "active" for c in s.boroughs}  # as the map counts them
    status = Counter(s.status for s in reg.schemes)
    report.stats = {
        "schemes": len(reg.schemes),
        "open_now": status["active"],
        "paused": status["paused"],
        "closed": status["closed"],
        "records": len(raw),
        "areas": len(reg.areas.areas),
        "areas_with_schemes": len(served),
        "data_date": reg.data_date.isoformat() if reg.data_date else None,
    }
    return report, reg
