"""Where a registry's places are: placed at their postcode's centre, and checked against the areas
their scheme serves (postcode-unknown, postcode-far, location-outside-boroughs)."""

from __future__ import annotations

from itertools import chain
from operator import attrgetter
from pathlib import Path

from ..core.areas import Areas
from ..core.model import Location, Registry, Scheme
from ..core.problems import Loc, Problem
from ..core.words import either


def place_by_postcode(reg: Registry, by_id) -> list[Problem]:
    """Place each location that has a postcode and no coordinates at the postcode's centre, and
    warn about postcodes the table lacks and typed coordinates far from their postcode.

    The postcode table is read only when some location has a postcode."""
    from ..geo.postcodes import (ATTRIBUTION, FAR_METRES, SHORT_ATTRIBUTION, PostcodeTableError, distance_m,
                                 load_postcodes)

    every = list(chain.from_iterable(map(attrgetter("locations"), reg.schemes)))
    if list(map(attrgetter("postcode"), every)).count(None) == len(every):  # the usual case, at C speed
        return []
    where = [(si, li, loc) for si, s in enumerate(reg.schemes) for li, loc in enumerate(s.locations) if loc.postcode]
    postcodes: list[str] = [loc.postcode for _, _, loc in where]  # type: ignore[misc]  # (each has one)
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
    centres = table.find(postcodes)
    problems: list[Problem] = []
    far: list[tuple[int, int, object, tuple[float, float], float]] = []
    placed: dict[int, dict[int, Location]] = {}
    for (si, li, loc), postcode, centre in zip(where, postcodes, centres):
        scheme = reg.schemes[si]
        if centre is None:
            close = table.suggest(postcode)
            hint = (f"did you mean {either(close)}?"
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
            metres = distance_m(loc.lat, loc.lon, *centre)  # type: ignore[arg-type]  # (has_point)
            if metres > FAR_METRES:
                far.append((si, li, loc, centre, metres))
    for si, changed in placed.items():
        s = reg.schemes[si]
        reg.schemes[si] = s._replace(locations=tuple(changed.get(i, x) for i, x in enumerate(s.locations)))
    if placed:
        reg.credits.append((ATTRIBUTION, SHORT_ATTRIBUTION))
    problems += [_far(reg, by_id, *item) for item in far]
    return problems


def read_gazetteer(reg: Registry) -> list[Problem]:
    """Read the place-name table (the `places` setting) into `reg.places`, placing rows given by
    postcode; place-name-invalid for each row left out."""
    path = reg.sources.places
    if not path:
        return []
    from ..core.textio import SourceError, read_text
    from ..geo.gazetteer import GazetteerError, load_gazetteer
    from ..geo.postcodes import PostcodeTable

    try:
        text = read_text(Path(path), path, other_encodings=False)
        table: list[PostcodeTable | None] = [None]

        def centre(postcode: str) -> tuple[float, float] | None:
            from ..geo.postcodes import PostcodeTableError, load_postcodes

            if table[0] is None and reg.sources.postcodes:
                try:
                    table[0] = load_postcodes(Path(reg.sources.postcodes))
                except PostcodeTableError:
                    return None
            return table[0].find([postcode])[0] if table[0] is not None else None

        reg.places, bad = load_gazetteer(text, centre)
    except SourceError as exc:
        return [exc.problem]
    except GazetteerError as exc:
        return [Problem("file-unreadable", f"{path} is not a place-name table: {exc.message}", Loc(path), "error",
                        "places", None, exc.hint)]
    return [Problem("place-name-invalid", f"{b.why}, so the place is left out of the finder's search",
                    Loc(path, row=b.line), "warning", f"places.{b.column}", b.value or None)
            for b in bad]


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
    lats: list[float] = [loc.lat for _, _, loc in where]  # type: ignore[misc]  # (has_point)
    lons: list[float] = [loc.lon for _, _, loc in where]  # type: ignore[misc]
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
    for k, swapped_in in zip(outside, swapped):
        scheme, i, loc = where[k]
        served = set(scheme.boroughs)
        swap = set(swapped_in)
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
