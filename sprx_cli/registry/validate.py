"""`validate`: read every registry file, check it, and say what is wrong and where."""

from __future__ import annotations

from datetime import date
from itertools import chain
from operator import attrgetter
from pathlib import Path

from ..core.areas import Areas, load_areas, normalise_names
from ..core.model import STALE_MONTHS, Registry, Scheme, Sources, months_before, no_cyclic_gc, today
from ..core.problems import Loc, Problem, Report
from .read import RawRecord, load_registry
from .check import check_registry
from ..core.vocabulary import load_vocabulary

__all__ = ["validate", "Sources", "Registry", "today", "months_before", "no_cyclic_gc"]


def validate(sources: Sources, *, on: date | None = None, stale_after_months: int = STALE_MONTHS,
             encoding: str | None = None, check_boundaries: bool = True) -> tuple[Report, Registry]:
    """Check all four files; return the report and what could be loaded."""
    with no_cyclic_gc():
        return _validate(sources, on, stale_after_months, encoding, check_boundaries)


class InvalidRegistry(Exception):
    """The registry has errors (or, with strict, warnings): nothing may be built from it."""

    def __init__(self, report: Report, strict: bool = False):
        super().__init__("the registry has warnings and --strict is set" if report.valid and strict
                         else "the registry is invalid")
        self.report = report
        self.strict = strict


def load_valid(sources: Sources, *, strict: bool = False, stale_after_months: int = STALE_MONTHS,
               encoding: str | None = None) -> tuple[Report, Registry]:
    """Validate and return the report and registry; InvalidRegistry when it does not pass."""
    report, registry = validate(sources, stale_after_months=stale_after_months, encoding=encoding)
    if not report.passes(strict):
        raise InvalidRegistry(report, strict)
    return report, registry


def _validate(sources: Sources, on: date | None, stale_after_months: int, encoding: str | None,
              check_boundaries: bool) -> tuple[Report, Registry]:
    on = on or today()
    report = Report()
    reg = Registry(sources, stale_after_months=stale_after_months)
    reg.areas, problems = load_areas(Path(sources.boroughs), sources.boroughs)
    report.extend(problems)
    reg.vocabulary, problems = load_vocabulary(Path(sources.vocabulary), sources.vocabulary)
    report.extend(problems)
    if check_boundaries and reg.areas.areas:
        from ..geo.boundaries import load_boundaries
        reg.boundaries, problems = load_boundaries(Path(sources.boundaries), sources.boundaries, reg.areas,
                                                   sources.code_field, sources.name_field, sources.crs)
        report.extend(problems)
    raw, problems = load_registry(Path(sources.schemes), sources.schemes, encoding)
    report.extend(problems)
    reg.schemes, problems, index = check_registry(raw, reg.areas, reg.vocabulary, on)
    report.extend(problems)

    def by_id(sid: str) -> RawRecord:
        return raw.record(index[sid])

    report.extend(place_by_postcode(reg, by_id))
    if reg.boundaries is not None:
        report.extend(check_locations(reg.schemes, reg.boundaries, reg.areas, by_id))
    report.extend(check_upkeep(reg.schemes, by_id, on, stale_after_months))
    order = {f: i for i, f in enumerate((sources.boroughs, sources.vocabulary, sources.boundaries,
                                         sources.schemes))}
    report.problems.sort(key=lambda p: (order.get(p.loc.file, 9), p.loc.row or p.loc.line or 0,
                                        p.loc.column or 0))
    served = {c for s in reg.schemes if s.status != "closed" for c in s.boroughs}
    report.stats = {
        "schemes": len(reg.schemes),
        "records": len(raw),
        "areas": len(reg.areas.areas),
        "areas_with_schemes": len(served),
        "data_date": reg.data_date.isoformat() if reg.data_date else None,
    }
    return report, reg


def place_by_postcode(reg: Registry, by_id) -> list[Problem]:
    """Place each location that has a postcode and no coordinates at the postcode's centre, and
    warn about postcodes the table lacks and typed coordinates far from their postcode.

    The postcode table is read only when some location has a postcode."""
    from ..geo.postcodes import ATTRIBUTION, FAR_METRES, SHORT_ATTRIBUTION, PostcodeTableError, distance_m, load_postcodes

    every = list(chain.from_iterable(map(attrgetter("locations"), reg.schemes)))
    if list(map(attrgetter("postcode"), every)).count(None) == len(every):  # the usual case, at C speed
        return []
    where = [(si, li, loc) for si, s in enumerate(reg.schemes) for li, loc in enumerate(s.locations) if loc.postcode]
    path = reg.sources.postcodes
    if path is None:
        return [Problem("postcode-unknown", f"scheme '{reg.schemes[si].id}': location {li + 1} has postcode "
                        f"{loc.postcode} but no postcode table is set, so it cannot be placed",
                        by_id(reg.schemes[si].id).at("locations", li, "postcode"), "warning", "locations.postcode",
                        loc.postcode, "give lat and lon, or set 'postcodes' in sprx.toml (or --postcodes FILE) "
                        "to an NSPL or ONSPD CSV")
                for si, li, loc in where if not loc.has_point]
    try:
        table = load_postcodes(Path(path))
    except PostcodeTableError as exc:
        return [Problem("file-unreadable", str(exc), Loc(path), "error", None, None,
                        "give an NSPL or ONSPD CSV (pcds, lat, long) or a CSV with postcode,lat,lon")]
    centres = table.find([loc.postcode for _, _, loc in where])
    problems: list[Problem] = []
    far: list[tuple[int, int, "object", tuple[float, float], float]] = []
    placed: dict[int, dict[int, object]] = {}
    for (si, li, loc), centre in zip(where, centres):
        scheme = reg.schemes[si]
        if centre is None:
            close = table.suggest(loc.postcode)
            hint = (f"did you mean {' or '.join([', '.join(close[:-1]), close[-1]] if len(close) > 1 else close)}?"
                    if close else
                    "check the postcode on a letter or royalmail.com, or give lat and lon")
            stays = "" if loc.has_point else "; the location is left off the map"
            problems.append(Problem(
                "postcode-unknown", f"scheme '{scheme.id}': location {li + 1} has postcode {loc.postcode}, which "
                f"is not in the postcode table ({Path(path).name}){stays}",
                by_id(scheme.id).at("locations", li, "postcode"), "warning", "locations.postcode", loc.postcode, hint))
        elif not loc.has_point:
            placed.setdefault(si, {})[li] = loc._replace(lat=centre[0], lon=centre[1], coordinates_from="postcode")
        else:
            metres = distance_m(loc.lat, loc.lon, *centre)
            if metres > FAR_METRES:
                far.append((si, li, loc, centre, metres))
    for si, changed in placed.items():
        s = reg.schemes[si]
        reg.schemes[si] = s._replace(locations=tuple(changed.get(i, x) for i, x in enumerate(s.locations)))
    if placed:
        reg.credits.append((ATTRIBUTION, SHORT_ATTRIBUTION))
    problems += [_far(reg, by_id, *item) for item in far]
    return problems


def _far(reg: Registry, by_id, si: int, li: int, loc, centre: tuple[float, float], metres: float) -> Problem:
    """postcode-far, saying which of the two is likelier wrong."""
    from ..geo.postcodes import FAR_METRES, distance_m

    scheme = reg.schemes[si]
    if distance_m(loc.lon, loc.lat, *centre) <= FAR_METRES:
        hint = f"lat and lon look swapped: the postcode's centre is at {centre[0]}, {centre[1]}"
    elif reg.boundaries is not None:
        from ..geo.boundaries import areas_containing

        typed_in, centre_in = (bool(set(found) & set(scheme.boroughs)) for found in
                               areas_containing(reg.boundaries, [loc.lat, centre[0]], [loc.lon, centre[1]]))
        if typed_in and not centre_in:
            hint = "the postcode is likelier wrong: the coordinates are in the scheme's areas and its centre is not"
        elif centre_in and not typed_in:
            hint = ("the coordinates are likelier wrong: the postcode is in the scheme's areas and they are not; "
                    "remove lat and lon to place it at the postcode")
        else:
            hint = "check both; remove lat and lon to place it at the postcode"
    else:
        hint = "check both; remove lat and lon to place it at the postcode"
    distance = f"{metres / 1000:.1f} km"
    return Problem("postcode-far", f"scheme '{scheme.id}': location {li + 1} ({loc.lat}, {loc.lon}) is {distance} "
                   f"from the centre of its postcode {loc.postcode} ({centre[0]}, {centre[1]})",
                   by_id(scheme.id).at("locations", li, "lat"), "warning", "locations.lat",
                   f"{loc.lat}, {loc.lon}", hint)


def check_locations(schemes: list[Scheme], boundaries, areas: Areas, by_id) -> list[Problem]:
    """Warn about places that fall outside every borough their scheme serves."""
    import numpy as np

    from ..geo.boundaries import areas_containing, point_area_pairs

    where = [(s, i, loc) for s in schemes for i, loc in enumerate(s.locations) if loc.has_point]
    if not where:
        return []
    lats = [loc.lat for _, _, loc in where]
    lons = [loc.lon for _, _, loc in where]
    # a point is fine when one of the areas it touches is one its scheme serves: (point, area)
    # pairs as numbers, matched over whole arrays
    point_idx, area_idx = point_area_pairs(boundaries, lats, lons)
    position = {code: i for i, code in enumerate(boundaries.codes)}
    width = len(position) + 1  # an area without a boundary matches nothing
    served_pairs = np.fromiter((k * width + position.get(c, width - 1) for k, (s, _, _) in enumerate(where)
                                for c in s.boroughs), dtype=np.int64)
    fine = point_idx[np.isin(point_idx.astype(np.int64) * width + area_idx, served_pairs)]
    outside = np.setdiff1d(np.arange(len(where)), fine).tolist()
    if not outside:
        return []
    problems = []
    inside = dict(zip(outside, areas_containing(boundaries, [lats[k] for k in outside], [lons[k] for k in outside])))
    swapped = areas_containing(boundaries, [lons[k] for k in outside], [lats[k] for k in outside])
    names = areas.by_code
    for k, swap in zip(outside, swapped):
        scheme, i, loc = where[k]
        served = set(scheme.boroughs)
        swap = set(swap)
        listed = ", ".join(names[c].name for c in scheme.boroughs)
        if swap & served:
            hint = (f"lat and lon look swapped: lat {loc.lon}, lon {loc.lat} would place it in "
                    f"{names[sorted(swap & served)[0]].name}")
        elif inside[k]:
            hint = (f"it falls in {', '.join(names[c].name for c in sorted(inside[k]))}: add that borough "
                    "to the scheme, or check the coordinates")
        else:
            hint = "it falls outside every area: check the coordinates (decimal degrees, lat then lon)"
        rec = by_id(scheme.id)
        if loc.coordinates_from == "postcode":
            problems.append(Problem(
                "location-outside-boroughs", f"scheme '{scheme.id}': location {i + 1} (postcode {loc.postcode}, "
                f"placed at {loc.lat}, {loc.lon}) is not in {listed}", rec.at("locations", i, "postcode"), "warning",
                "locations.postcode", loc.postcode,
                (f"its postcode is in {', '.join(names[c].name for c in sorted(inside[k]))}: add that area to the "
                 "scheme, or check the postcode") if inside[k] else "the postcode is outside every area: check it"))
            continue
        problems.append(Problem(
            "location-outside-boroughs",
            f"scheme '{scheme.id}': location {i + 1} ({loc.lat}, {loc.lon}) is not in {listed}",
            rec.at("locations", i, "lat"), "warning", "locations.lat", f"{loc.lat}, {loc.lon}", hint))
    return problems


def check_upkeep(schemes: list[Scheme], by_id, on: date, stale_after_months: int) -> list[Problem]:
    """Warnings that keep a registry current: stale or unverified entries, no contact, duplicates.

    `by_id(scheme_id)` gives the record a scheme came from, asked only for schemes with a warning
    (a CSV registry builds records on demand). Each check runs over whole columns; the problems
    come out scheme by scheme, in the order the checks are listed."""
    from collections import Counter

    cutoff = months_before(on, stale_after_months)
    active = [s for s in schemes if s.status != "closed"]
    found: list[tuple[int, int, Problem]] = []  # (scheme, check, problem)
    for k, d in enumerate(map(attrgetter("last_verified"), active)):
        if d is not None and d >= cutoff:
            continue
        s = active[k]
        found.append((k, 0, Problem(
            "not-verified", f"scheme '{s.id}' has no last_verified date", by_id(s.id).at("id"), "warning",
            "last_verified", None, "check the entry with the provider and add 'last_verified: YYYY-MM-DD'")
            if d is None else Problem(
            "stale-entry", f"scheme '{s.id}' was last verified on {d}, more than {stale_after_months} months ago",
            by_id(s.id).at("last_verified"), "warning", "last_verified", d.isoformat(),
            "check the entry with the provider and update last_verified")))
    contacts = zip(*(map(attrgetter(f), active) for f in ("website", "email", "phone", "referral_url",
                                                           "referral_email")))
    for k in [k for k, c in enumerate(contacts) if not any(c)]:
        s = active[k]
        found.append((k, 1, Problem(
            "no-contact", f"scheme '{s.id}' has no website, email or phone", by_id(s.id).at("id"), "warning",
            None, None, "add at least one way for a referrer to get in touch")))
    # the same name from the same provider, or from the same registered charity: only schemes whose
    # name and provider (or name and charity number) occur more than once can be either
    names = normalise_names([s.name for s in active])
    distinct = list({s.provider or "": None for s in active})
    folded = dict(zip(distinct, normalise_names(distinct)))
    by_provider = list(zip(names, (folded[s.provider or ""] for s in active)))
    by_number = [(n, s.charity_number) if s.charity_number else None for n, s in zip(names, active)]
    twice = {key for key, c in Counter(by_provider).items() if c > 1}
    twice_number = {key for key, c in Counter(by_number).items() if c > 1 and key is not None}
    seen: dict[tuple[str, str], Scheme] = {}
    by_charity: dict[tuple[str, str], Scheme] = {}
    for k in [k for k, key in enumerate(by_provider) if key in twice or by_number[k] in twice_number]:
        s, key, number_key = active[k], by_provider[k], by_number[k]
        first, same = seen.get(key), "provider"
        if first is None and number_key is not None:
            first, same = by_charity.get(number_key), "charity number"
        if first is not None:
            found.append((k, 2, Problem(
                "possible-duplicate", f"scheme '{s.id}' has the same name and {same} as '{first.id}'",
                by_id(s.id).at("name"), "warning", "name", s.name,
                "if they are the same scheme, merge them into one entry listing all its boroughs")))
            continue
        seen[key] = s
        if number_key is not None:
            by_charity[number_key] = s
    found.sort(key=lambda f: (f[0], f[1]))
    return [p for _, _, p in found]
