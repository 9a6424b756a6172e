"""`sprx areas init` (an area registry made from a boundary file) and `sprx areas fill` (its populations)."""

from pathlib import Path

import typer

from .app import areas_app
from .common import (BoundaryArgs, boundary_options, fail, guard, refuse_overwrite, said, settings, usage_error,
                     usage_text)
from .output import emit


@areas_app.command("init")
@boundary_options
def areas_init(
    geo: BoundaryArgs,
    boundaries: Path = typer.Argument(..., metavar="BOUNDARIES", help="A boundary file geopandas reads."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE",
                                       help="Write the area registry here (atomically) instead of standard output."),
) -> None:
    """Write an area registry (code,name,aliases,sub_region,population) matching a boundary file, with
    the population (ONS mid-2022, shipped with sprx) of every area whose code is a district code.

    Example: sprx areas init lad-2024.gpkg --code-field LAD24CD --name-field LAD24NM -o data/areas.csv
    """
    with guard():
        from ..geo.boundaries import BoundarySettingError
        from ..upkeep.population import population_said
        from ..upkeep.scaffold import ScaffoldError, areas_csv, non_gss, read_areas_from_boundaries

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


@areas_app.command("fill")
def areas_fill(
    areas: str | None = typer.Option(None, "--areas", "--boroughs", metavar="PATH", show_default=False,
                                     help="The area registry to fill in.  [default: the areas setting, else "
                                          "data/areas.csv]"),
    update: bool = typer.Option(False, "--update", help="Replace a figure typed in the registry by ONS's."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Say what would be filled in; write nothing."),
) -> None:
    """Fill in the population (ONS mid-2022, shipped with sprx) of every area in an existing area
    registry whose code is a district code, where the population cell is empty (the column is added
    when there is none). A figure already typed is kept, and said, unless --update. Every other
    cell, row and line stays as it was.

    Example: sprx areas fill --areas data/areas.csv --dry-run
    """
    with guard():
        from ..core.textio import BOM, SourceError, atomic_write_bytes, read_text
        from ..upkeep.population import AreasUnfillable, fill_populations, fill_said

        path = Path(settings().get(areas, "areas"))
        if not path.is_file():
            usage_error(f"--areas: '{path}' {'is a folder, not a file' if path.is_dir() else 'does not exist'}")
        try:
            text = read_text(path, str(path), other_encodings=False)
            with path.open("rb") as f:
                bom = f.read(len(BOM)) == BOM  # (kept as the file had it)
            done = fill_populations(text, update)
        except SourceError as exc:
            fail(f"sprx areas fill: {exc.problem.loc}: {exc.problem.message}; {exc.problem.hint}")
        except AreasUnfillable as exc:
            fail(f"sprx areas fill: {path}: {said(exc)}")
        for line in fill_said(done, update):
            typer.echo(line, err=True)
        if not done.changed:
            typer.echo(f"{path} is unchanged.", err=True)
        elif dry_run:
            typer.echo(f"--dry-run: {path} was not written.", err=True)
        else:
            data = done.text.encode("utf-8")
            atomic_write_bytes(path, BOM + data if bom else data)
            typer.echo(f"Wrote {path}.", err=True)
