"""`sprx areas init`: an area registry made from a boundary file."""

from pathlib import Path
from typing import Optional

import typer

from .app import areas_app
from .common import BoundaryArgs, boundary_options, emit, fail, guard, refuse_overwrite, said, usage_error, usage_text


@areas_app.command("init")
@boundary_options
def areas_init(
    geo: BoundaryArgs,
    boundaries: Path = typer.Argument(..., metavar="BOUNDARIES", help="A boundary file geopandas reads."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE",
                                          help="Write the area registry here (atomically) instead of standard output."),
) -> None:
    """Write an area registry (code,name,aliases,sub_region,population) matching a boundary file, with
    the population (ONS mid-2022, shipped with sprx) of every area whose code is a district code.

    Example: sprx areas init lad-2024.gpkg --code-field LAD24CD --name-field LAD24NM -o data/areas.csv
    """
    with guard():
        from ..geo.boundaries import BoundarySettingError
        from ..upkeep.scaffold import ScaffoldError, areas_csv, non_gss, population_said, read_areas_from_boundaries

        if not boundaries.is_file():
            usage_error(f"BOUNDARIES: '{boundaries}' does not exist")
        refuse_overwrite(output, (boundaries,))
        try:
            pairs = read_areas_from_boundaries(boundaries, geo.code_field or "code", geo.name_field or "name")
        except BoundarySettingError as exc:  # (a failure here, as it always was, not a usage error)
            fail(f"sprx areas init: {usage_text(exc)}")
        except ScaffoldError as exc:
            fail(f"sprx areas init: {said(exc)}")
        bad = non_gss(pairs)
        if bad:
            typer.echo(f"Warning: {len(bad):,} code(s) are not GSS codes (e.g. {bad[0]}); sprx validate will "
                       "reject them", err=True)
        typer.echo(population_said(pairs), err=True)
        emit(areas_csv(pairs).encode("utf-8"), output, f"{len(pairs):,} areas")
