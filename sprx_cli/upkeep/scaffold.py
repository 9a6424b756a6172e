"""Starting a registry for any set of areas: an area registry from boundaries, a new folder."""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path

from ..core.areas import GSS_CODE, REQUIRED_COLUMNS
from ..core.errors import SprxError
from ..core.textio import atomic_write_bytes, atomic_write_text
from .population import population_said

# an area registry's columns, as sprx writes them
AREA_COLUMNS = (*REQUIRED_COLUMNS, "aliases", "sub_region", "population")


class ScaffoldError(SprxError):
    """The boundaries or the folder cannot be used as asked."""


def read_areas_from_boundaries(path: Path, code_field: str, name_field: str):
    """(code, name) pairs from a boundary file, sorted by code; ScaffoldError when unusable
    (BoundarySettingError when an attribute it names is not there)."""
    from ..geo.boundaries import BoundaryReadError, BoundarySettingError, read_area_boundaries

    try:
        gdf = read_area_boundaries(path, code_field, name_field, geometry=False)
    except BoundarySettingError:
        raise
    except BoundaryReadError as exc:
        raise ScaffoldError(f"cannot read {path}: {exc}", exc.hint) from None
    pairs = sorted(zip(gdf["code"], gdf["name"]))
    seen = set()
    for code, _ in pairs:
        if code in seen:
            raise ScaffoldError(f"{path}: area code {code} appears more than once")
        seen.add(code)
    return pairs


def areas_csv(pairs: list[tuple[str, str]]) -> str:
    """An area registry (code,name,aliases,sub_region,population) with one row per pair; the population
    (ONS mid-2022) of every area whose code is a district code in sprx's table."""
    from ..geo.need import populations

    people = populations()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(AREA_COLUMNS)
    for code, name in pairs:
        w.writerow([code, name, "", "", people.get(code, "")])
    return buf.getvalue()


def non_gss(pairs: list[tuple[str, str]]) -> list[str]:
    """The codes that are not GSS codes (sprx validate would reject them)."""
    return [c for c, _ in pairs if not GSS_CODE.match(c)]


SCHEMA_NAME = "schemes.schema.json"  # beside schemes.yaml; editors read it through the first line

SCHEMES_TEMPLATE = f"""\
# yaml-language-server: $schema={SCHEMA_NAME}
# Scheme registry. One entry per scheme under 'schemes:'; see the sprx README for every field.
# Check it with: sprx validate      Build the map with: sprx map build
schemes:
#  - id: example-walk-and-talk
#    name: "Example Walk and Talk"
#    boroughs: [AREA NAME OR CODE]
#    categories: [physical-activity]
#    website: https://example.org/walks
#    last_verified: 2026-01-31
"""


def init_registry(folder: Path, title: str, boundaries: Path | None, code_field: str, name_field: str,
                  crs: str | None = None, postcodes: Path | None = None,
                  notes: list[str] | None = None) -> list[Path]:
    """Create a new registry folder; returns the files written (and adds to `notes` what the keeper
    should know: the populations filled in). `postcodes`: a postcode table the settings name (not
    copied: an NSPL file is a gigabyte), by a path relative to the folder."""
    notes = notes if notes is not None else []
    if (folder / "sprx.toml").exists():
        raise ScaffoldError(f"{folder} already has a sprx.toml: it is a registry already")
    written = []
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    boundaries_name = "data/boundaries.geojson"
    if boundaries is not None:
        pairs = read_areas_from_boundaries(boundaries, code_field, name_field)
        boundaries_name = f"data/boundaries{''.join(boundaries.suffixes) or '.geojson'}"
        target = folder / boundaries_name
        atomic_write_bytes(target, boundaries.read_bytes())
        written.append(target)
        atomic_write_text(data / "areas.csv", areas_csv(pairs))
        written.append(data / "areas.csv")
        notes.append(population_said(pairs))
    vocab = (resources.files("sprx_cli") / "templates" / "vocabulary.yaml").read_bytes()
    atomic_write_bytes(data / "vocabulary.yaml", vocab)
    written.append(data / "vocabulary.yaml")
    if not (folder / "schemes.yaml").exists():
        atomic_write_text(folder / "schemes.yaml", SCHEMES_TEMPLATE)
        written.append(folder / "schemes.yaml")
    atomic_write_text(folder / SCHEMA_NAME, _schema_for(data))
    written.append(folder / SCHEMA_NAME)
    toml_title = _toml(title)
    table = None
    if postcodes is not None:  # relative where it is inside the folder, else where it is
        where, home = Path(postcodes).resolve(), folder.resolve()
        table = _toml(str(where.relative_to(home) if where.is_relative_to(home) else where))
    atomic_write_text(folder / "sprx.toml", (
        "# sprx settings for this registry; command-line options override them.\n"
        f'title = "{toml_title}"\n'
        'schemes = "schemes.yaml"\n'
        'areas = "data/areas.csv"\n'
        f'boundaries = "{boundaries_name}"\n'
        f'code_field = "{code_field}"\n'
        + (f'name_field = "{name_field}"\n' if name_field != "name" else "")
        + (f'crs = "{crs}"\n' if crs else "") +
        'vocabulary = "data/vocabulary.yaml"\n'
        + (f'# Postcode centres, to place locations given by postcode alone:\npostcodes = "{table}"\n' if table else
           '# To place locations given by postcode alone, download the ONS postcode lookup (NSPL or\n'
           '# ONSPD, a CSV with pcds, lat and long columns; .gz is fine) and name it here:\n'
           '# postcodes = "data/NSPL.csv.gz"\n') +
        'output = "maps/map.html"\n'
        'image = "maps/map.png"\n'
        '# The source and licence of the boundaries, shown on every map (e.g. "Contains OS data © Crown\n'
        '# copyright and database right 2024"). Edit this line:\n'
        'attribution = "Boundaries: source not stated yet"\n'))
    written.append(folder / "sprx.toml")
    return written


def _toml(text: str) -> str:
    """Text for inside a TOML basic string."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _schema_for(data: Path) -> str:
    """The JSON Schema of the new registry, from its area registry (if made yet) and vocabulary."""
    from ..core.areas import Areas, load_areas
    from ..interchange.schema import registry_schema, write_schema
    from ..core.vocabulary import load_vocabulary

    areas = load_areas(data / "areas.csv", "areas.csv")[0] if (data / "areas.csv").exists() else Areas()
    vocab, _ = load_vocabulary(data / "vocabulary.yaml", "vocabulary.yaml")
    return write_schema(registry_schema(areas, vocab))
