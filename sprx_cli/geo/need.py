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

from ..core.messages import Messages, N_, messages

POPULATION_SOURCE = "ONS mid-2022"  # how a figure's source is named beside it
DEPRIVATION_SOURCE = "English Indices of Deprivation 2025 (MHCLG)"
ATTRIBUTION = ("Population: ONS mid-2022 estimates; deprivation: English Indices of Deprivation 2025 (MHCLG); "
               "Open Government Licence v3.0")
POPULATION_CREDIT = (N_("Population: Office for National Statistics, mid-2022 population estimates, Open Government "
                        "Licence v3.0"), N_("Population: ONS mid-2022 (OGL v3)"))  # (full, short), as Registry.credits
DEPRIVATION_CREDIT = (N_("Deprivation: Ministry of Housing, Communities and Local Government, English Indices of "
                         "Deprivation 2025, Open Government Licence v3.0"), N_("Deprivation: IMD 2025 (MHCLG, OGL v3)"))
DISTRICT_PREFIXES = ("E06", "E07", "E08", "E09", "W06", "S12", "N09")
_WARD = N_("a ward")
_NOT_DISTRICTS = {"E05": _WARD, "W05": _WARD, "S13": _WARD, "N08": _WARD, "E01": N_("a small area (LSOA)"),
                  "W01": N_("a small area (LSOA)"), "E02": N_("a middle-layer area (MSOA)"), "E10": N_("a county"),
                  "E11": N_("a metropolitan county"), "E12": N_("a region"), "E92": N_("a country"),
                  "E38": N_("an NHS sub-ICB area"), "E54": N_("an NHS integrated care board area"),
                  "E14": N_("a parliamentary constituency")}


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
    return _NOT_DISTRICTS.get(code[:3], N_("not a local authority district"))


def why_no_population(code: str) -> str:
    """Why the table has no population for this code."""
    kind = _kind(code)
    if kind is None:
        return "a district code the ONS mid-2022 table does not have (another vintage of districts?)"
    return f"{kind}, not a district: ONS's table is by district"


def why_no_deprivation(code: str, words: Messages | None = None) -> str:
    """Why the table has no deprivation figures for this code (in `words`' language)."""
    m = words or messages()
    if code[:1] in ("W", "S", "N"):
        return m.gettext("the English Indices of Deprivation cover England only (Wales, Scotland and Northern "
                         "Ireland publish their own, which are not comparable)")
    kind = _kind(code)
    if kind is None:
        return m.gettext("a district code the IMD 2025 table does not have (another vintage of districts?)")
    return m.gettext("{kind}, not a district: the IMD 2025 summaries are by district").format(kind=m.gettext(kind))

