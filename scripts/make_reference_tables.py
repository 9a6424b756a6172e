"""Derive sprx's two reference tables (sprx_cli/geo/reference/) from the shared statistics.

    python scripts/make_reference_tables.py [SHARED_DATA_DIR]   (default ../shared/data)

It also fills the `population` column of the bundled London area registry (data/areas.csv) from
the population table (a figure already typed there is kept, and said).

- population-mid-2022.csv: `code,name,population` for every local authority district of the UK
  (E06, E07, E08, E09, W06, S12, N09 codes), from ONS mid-2022 population estimates.
- imd-2025-districts.csv: `code,name,imd_average_score,imd_rank` (rank of average score, 1 = most
  deprived of England's 296 lower-tier districts) and the other File 10 measures, from MHCLG's
  English Indices of Deprivation 2025.

Both are Open Government Licence v3.0 statistics; SOURCES.md beside them says where from. The
script checks what it reads (every district once, figures whole and positive, ranks 1..296) and
writes the same bytes for the same input.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "sprx_cli" / "geo" / "reference"
DISTRICT_PREFIXES = ("E06", "E07", "E08", "E09", "W06", "S12", "N09")
IMD_COLUMNS = [("imd_average_score", "imd_average_score"), ("imd_rank", "imd_rank_of_average_score"),
               ("imd_average_rank", "imd_average_rank"), ("imd_rank_of_average_rank", "imd_rank_of_average_rank"),
               ("imd_proportion_most_deprived_10pct", "imd_proportion_most_deprived_10pct"),
               ("imd_extent", "imd_extent"), ("imd_local_concentration", "imd_local_concentration")]


def _rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def population(shared: Path) -> list[list[str]]:
    out, seen = [], set()
    for row in _rows(shared / "ons-population-mid-2022-local-authorities.csv"):
        code = row["Code"].strip()
        if not code.startswith(DISTRICT_PREFIXES):
            continue
        if code in seen:
            raise SystemExit(f"{code} twice in the population file")
        seen.add(code)
        people = int(row["Population"])
        if people <= 0:
            raise SystemExit(f"{code}: population {people}")
        out.append([code, row["Name"].strip(), str(people)])
    return sorted(out)


def deprivation(shared: Path) -> list[list[str]]:
    out = []
    for row in _rows(shared / "english-indices-of-deprivation-2025-local-authority-districts.csv"):
        out.append([row["lad24cd"].strip(), row["la_name"].strip()] + [row[src].strip() for _, src in IMD_COLUMNS])
    ranks = sorted(int(r[3]) for r in out)
    if len(out) != 296 or ranks != list(range(1, 297)):
        raise SystemExit(f"expected England's 296 districts ranked 1..296, found {len(out)}")
    return sorted(out)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def fill_areas(path: Path, people: dict[str, int]) -> None:
    """The area registry's population column from the table, a typed figure kept."""
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    columns = list(rows[0].keys()) + ([] if "population" in rows[0] else ["population"])
    for row in rows:
        typed = (row.get("population") or "").strip()
        if typed and people.get(row["code"]) and int(typed) != people[row["code"]]:
            print(f"{row['code']} {row['name']}: population {typed} kept (the table has {people[row['code']]})")
        row["population"] = typed or str(people.get(row["code"], ""))
    buf = io.StringIO()
    w = csv.DictWriter(buf, columns, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    OUT.mkdir(parents=True, exist_ok=True)
    pop = population(shared)
    imd = deprivation(shared)
    _write(OUT / "population-mid-2022.csv", ["code", "name", "population"], pop)
    _write(OUT / "imd-2025-districts.csv", ["code", "name"] + [name for name, _ in IMD_COLUMNS], imd)
    print(f"wrote {len(pop)} districts' population and {len(imd)} districts' IMD 2025 measures to {OUT}")
    fill_areas(ROOT / "data" / "areas.csv", {code: int(n) for code, _, n in pop})


if __name__ == "__main__":
    main()
