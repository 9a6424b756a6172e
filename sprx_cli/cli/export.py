"""`sprx export`: the schemes and the areas with their counts (for QGIS, spreadsheets and pandas), and the
registry as an Open Referral UK feed."""

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

import typer

from ..render.formats import AREA_FORMATS, SCHEME_FORMATS
from .app import export_app
from .common import (BoroughFilterOpt, CategoryOpt, ClosedOpt, OutputOpt, QuietOpt, RegistryArgs, RouteOpt, Status,
                     StatusOpt, choices, filters, guard, needs_output, refuse_overwrite, registry_options, usage_error)
from .output import emit

if TYPE_CHECKING:  # (made at run time from the library's lists of them: to mypy, Enums)
    SchemeFormat: TypeAlias = Enum
    AreaFormat: TypeAlias = Enum
else:
    SchemeFormat = choices("SchemeFormat", SCHEME_FORMATS)
    AreaFormat = choices("AreaFormat", AREA_FORMATS)


def _export(function: str, reg: RegistryArgs, fmt: str, output: Path | None, quiet: bool, *selection) -> None:
    """Validate, select, and write one of the library's exports."""
    with guard():
        from ..render import exports

        needs_output(fmt, output)
        sources = reg.sources()
        refuse_overwrite(output, sources)
        registry = reg.load(sources, quiet=quiet)
        emit(getattr(exports, function)(registry, fmt, filters(registry, *selection)), output, fmt, quiet)


@export_app.command("schemes")
@registry_options
def export_schemes(
    reg: RegistryArgs,
    fmt: SchemeFormat = typer.Option(SchemeFormat("csv"), "--format", help="csv, json, geojson (one point per "
                                     "location) or xlsx."),
    status: list[Status] = StatusOpt,
    category: list[str] = CategoryOpt,
    borough: list[str] = BoroughFilterOpt,
    referral_route: list[str] = RouteOpt,
    include_closed: bool = ClosedOpt,
    output: Path | None = OutputOpt,
    quiet: bool = QuietOpt,
) -> None:
    """Export the selected schemes: one row per scheme, or one GeoJSON point per location.

    Example: sprx export schemes --format geojson --output schemes.geojson
    """
    _export("export_schemes", reg, fmt.value, output, quiet, status, category, borough, referral_route,
            include_closed)


@export_app.command("areas")
@registry_options
def export_areas(
    reg: RegistryArgs,
    fmt: AreaFormat = typer.Option(AreaFormat("geojson"), "--format", help="geojson or gpkg (GeoPackage)."),
    status: list[Status] = StatusOpt,
    category: list[str] = CategoryOpt,
    referral_route: list[str] = RouteOpt,
    include_closed: bool = ClosedOpt,
    output: Path | None = OutputOpt,
    quiet: bool = QuietOpt,
) -> None:
    """Export the area boundaries with the table's counts attached, ready for a choropleth elsewhere.

    Example: sprx export areas --format gpkg --output areas.gpkg
    """
    _export("export_areas", reg, fmt.value, output, quiet, status, category, [], referral_route, include_closed)


@export_app.command("oruk")
@registry_options
def export_oruk(
    reg: RegistryArgs,
    output: Path = typer.Option(..., "--output", "-o", metavar="DIR", help="The feed's folder (made if missing)."),
    page_size: int = typer.Option(100, "--page-size", min=1, help="Services per page of services.json."),
    quiet: bool = QuietOpt,
) -> None:
    """Write the registry as a static Open Referral UK (HSDS 3.0) feed that other directories can read:
    index.json, services.json (paged), services/{id}.json, organizations.json, taxonomy_terms.json.

    Example: sprx export oruk --output site/oruk
    """
    with guard():
        from ..core.textio import atomic_write_bytes
        from ..interchange.oruk_export import export_feed

        sources = reg.sources()
        if output.exists() and not output.is_dir():
            usage_error(f"--output: '{output}' is a file; give a folder")
        registry = reg.load(sources, quiet=quiet)
        files = export_feed(registry, page_size)
        for name, data in files.items():
            target = output / name
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(target, data)
        if not quiet:
            typer.echo(f"Wrote {output} ({len(registry.schemes):,} services, {len(files):,} files)", err=True)
