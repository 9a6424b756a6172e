"""Need beside provision: per area, the schemes, the residents, the rate, the deprivation, and the
areas least served for the need they carry. One rule (NEED_RULE), stated in the README and the
table's help, made here and nowhere else."""

from __future__ import annotations

from typing import Any, cast

from ..core.messages import Messages, N_, messages
from .counts import AreaCounts

NEED_COLUMNS = ("code", "name", "schemes", "population", "per_100k", "imd_average_score", "imd_rank",
                "need_third", "provision_third", "least_served")
NEED_RULE = ("Of the areas with both a population and an IMD 2025 rank: ordered by imd_rank (1 = most deprived; "
             "ties by code), the area at position i of n (from 0) has need_third 1 + floor(3i/n), 1 being the "
             "most deprived third; ordered by per_100k (ties by code), provision_third likewise, 1 being the "
             "least provision; least_served when both are 1. Areas without a figure have empty cells and are "
             "left out of the thirds. Filters narrow the counts first.")


def _third(position: int, n: int) -> int:
    return 1 + (3 * position) // n


def need_rows(counts: AreaCounts) -> list[dict[str, Any]]:
    """A row per area of `counts` (in its order) with NEED_COLUMNS. The population is the area
    registry's, else ONS mid-2022's for a district code; the deprivation is IMD 2025's (England only)."""
    from ..geo.need import deprivations, populations

    dep, ons = deprivations(), populations()
    rows = []
    for code, name, schemes, people in zip(counts.codes, counts.names, counts.counts, counts.population):
        people = people or ons.get(code)
        d = dep.get(code)
        rows.append({"code": code, "name": name, "schemes": schemes, "population": people,
                     "per_100k": round(schemes * 100_000 / people, 1) if people else None,
                     "imd_average_score": d.average_score if d else None, "imd_rank": d.rank if d else None,
                     "need_third": None, "provision_third": None, "least_served": None})
    ranked = [r for r in rows if r["per_100k"] is not None and r["imd_rank"] is not None]
    n = len(ranked)
    for i, r in enumerate(sorted(ranked, key=lambda r: (r["imd_rank"], r["code"]))):
        r["need_third"] = _third(i, n)
    for i, r in enumerate(sorted(ranked, key=lambda r: (r["per_100k"], r["code"]))):
        r["provision_third"] = _third(i, n)
    for r in ranked:
        r["least_served"] = r["need_third"] == 1 and r["provision_third"] == 1
    return rows


def need_gaps(rows: list[dict[str, Any]]) -> dict[str, str]:
    """For each row with an empty figure, why (ONS's and MHCLG's tables by district; IMD: England only)."""
    from ..geo.need import why_no_deprivation, why_no_population

    out = {}
    for r in rows:
        why = []
        if r["population"] is None:
            why.append("no population: " + why_no_population(r["code"]))
        if r["imd_rank"] is None:
            why.append("no IMD 2025 rank: " + why_no_deprivation(r["code"]))
        if why:
            out[r["code"]] = f"{r['name']}: " + "; ".join(why) + " (left out of the thirds)"
    return out


# The map's classes of need beside provision: class 1 + 3(need_third - 1) + (provision_third - 1), so
# 1 is the least served (the most deprived third, the least provision). A 3×3 bivariate scheme
# (Joshua Stevens' pink-blue, readable with the common colour-vision deficiencies): deprivation along
# one hue, shortage of provision along the other, the least served the darkest.
_GRID = [["#e8e8e8", "#ace4e4", "#5ac8c8"], ["#dfb0d6", "#a5add3", "#5698b9"], ["#be64ac", "#8c62aa", "#3b4994"]]
NEED_AXES = {"need": N_("More deprived (IMD 2025)"), "provision": N_("Fewer schemes per 100,000 residents")}
NEED_UNCLASSED = N_("not classed: no population or IMD 2025 rank")


def need_class(need_third: int | None, provision_third: int | None) -> int | None:
    """1..9 (1 = the least served), or None for an area left out of the thirds."""
    if need_third is None or provision_third is None:
        return None
    return 1 + 3 * (need_third - 1) + (provision_third - 1)


def need_classes(words: Messages | None = None) -> list[tuple[int, str, str]]:
    """(class, colour, label) for classes 1..9."""
    m, out = words or messages(), []
    for n in (1, 2, 3):
        for p in (1, 2, 3):
            label = m.gettext("need third {need}, provision third {provision}").format(need=n, provision=p)
            out.append((cast(int, need_class(n, p)), _GRID[3 - n][3 - p],
                        label + (": " + m.gettext("least served") if n == p == 1 else "")))
    return out

