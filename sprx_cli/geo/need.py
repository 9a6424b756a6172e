"""Need beside provision: each district's residents (ONS mid-2022 population estimates) and its
deprivation (MHCLG English Indices of Deprivation 2025, district summaries), by GSS code.

The figures ship with sprx in geo/reference/ (made from the publishers' files by
scripts/make_reference_tables.py; SOURCES.md there says where from) and are never downloaded.
Both are Open Government Licence v3.0 statistics: cite the publisher wherever a figure shows.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

POPULATION_SOURCE = "ONS mid-2022"  # how a figure's source is named beside it
DEPRIVATION_SOURCE = "English Indices of Deprivation 2025 (MHCLG)"
ATTRIBUTION = ("Population: ONS mid-2022 estimates; deprivation: English Indices of Deprivation 2025 (MHCLG); "
               "Open Government Licence v3.0")
POPULATION_CREDIT = ("Population: Office for National Statistics, mid-2022 population estimates, Open Government "
                     "Licence v3.0", "Population: ONS mid-2022 (OGL v3)")  # (full, short), as Registry.credits
DEPRIVATION_CREDIT = ("Deprivation: Ministry of Housing, Communities and Local Government, English Indices of "
                      "Deprivation 2025, Open Government Licence v3.0", "Deprivation: IMD 2025 (MHCLG, OGL v3)")
DISTRICT_PREFIXES = ("E06", "E07", "E08", "E09", "W06", "S12", "N09")
_NOT_DISTRICTS = {"E05": "a ward", "W05": "a ward", "S13": "a ward", "N08": "a ward", "E01": "a small area (LSOA)",
                  "W01": "a small area (LSOA)", "E02": "a middle-layer area (MSOA)", "E10": "a county",
                  "E11": "a metropolitan county", "E12": "a region", "E92": "a country", "E38": "an NHS sub-ICB area",
                  "E54": "an NHS integrated care board area", "E14": "a parliamentary constituency"}


@dataclass(frozen=True)
class Deprivation:
    """A district's Index of Multiple Deprivation 2025 summary."""

    average_score: float
    rank: int  # rank of average score: 1 = the most deprived of England's 296 districts


def _rows(name: str) -> list[dict]:
    text = (resources.files("sprx_cli.geo") / "reference" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@lru_cache(maxsize=1)
def populations() -> dict[str, int]:
    """Residents by district code (the UK's districts, April 2023 boundaries)."""
    return {r["code"]: int(r["population"]) for r in _rows("population-mid-2022.csv")}


@lru_cache(maxsize=1)
def deprivations() -> dict[str, Deprivation]:
    """IMD 2025 by district code (England's lower-tier districts, 2024 codes)."""
    return {r["code"]: Deprivation(float(r["imd_average_score"]), int(r["imd_rank"]))
            for r in _rows("imd-2025-districts.csv")}


def _kind(code: str) -> str | None:
    """What a code that is not a district names, or None for a district code."""
    if code[:3] in DISTRICT_PREFIXES:
        return None
    return _NOT_DISTRICTS.get(code[:3], "not a local authority district")


def why_no_population(code: str) -> str:
    """Why the table has no population for this code."""
    kind = _kind(code)
    if kind is None:
        return "a district code the ONS mid-2022 table does not have (another vintage of districts?)"
    return f"{kind}, not a district: ONS's table is by district"


def why_no_deprivation(code: str) -> str:
    """Why the table has no deprivation figures for this code."""
    if code[:1] in ("W", "S", "N"):
        return ("the English Indices of Deprivation cover England only (Wales, Scotland and Northern Ireland "
                "publish their own, which are not comparable)")
    kind = _kind(code)
    if kind is None:
        return "a district code the IMD 2025 table does not have (another vintage of districts?)"
    return f"{kind}, not a district: the IMD 2025 summaries are by district"
