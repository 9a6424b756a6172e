"""`sprx init`: a new registry folder, with settings, an empty registry, the vocabulary and the areas."""

from pathlib import Path

import typer

from ..core.settings import DEFAULT_TITLE
from .app import app
from .common import BoundaryArgs, boundary_options, fail, guard, said, usage_error, usage_text


@app.command("init")
@boundary_options
def init(
    geo: BoundaryArgs,
    folder: Path = typer.Argument(..., metavar="DIR", help="The folder for the new registry (created if needed)."),
    boundaries: Path | None = typer.Option(None, "--boundaries", metavar="FILE",
                                           help="Boundaries of the areas; copied in, and the area registry made "
                                                "from them."),
    title: str = typer.Option(DEFAULT_TITLE, "--title", help="Title of the map."),
    postcodes: Path | None = typer.Option(None, "--postcodes", metavar="FILE",
                                          help="A postcode table (NSPL or ONSPD CSV, .gz allowed) for the "
                                               "postcodes setting: places given by postcode alone are placed."),
) -> None:
    """Start a new registry: sprx.toml, an empty schemes.yaml, the vocabulary, and the areas.

    Example: sprx init kent --boundaries kent-districts.gpkg --code-field LAD24CD --name-field LAD24NM
    """
    with guard():
        from ..geo.boundaries import BoundarySettingError
        from ..upkeep.scaffold import ScaffoldError, init_registry

        if boundaries is not None and not boundaries.is_file():
            usage_error(f"--boundaries: '{boundaries}' does not exist")
        if postcodes is not None and not postcodes.is_file():
            usage_error(f"--postcodes: '{postcodes}' is not a file")
        notes: list[str] = []
        try:
            written = init_registry(folder, title, boundaries, geo.code_field or "code", geo.name_field or "name",
                                    geo.crs, postcodes, notes)
        except BoundarySettingError as exc:
            fail(f"sprx init: {usage_text(exc)}")
        except ScaffoldError as exc:
            fail(f"sprx init: {said(exc)}")
        for path in written:
            typer.echo(f"wrote {path}")
        for note in notes:
            typer.echo(note, err=True)
        if boundaries is None:
            typer.echo(f"Next: put the boundaries in {folder}/data/boundaries.geojson and run "
                       "'sprx areas init' to make data/areas.csv.")
        typer.echo(f"Then: cd {folder} && sprx validate && sprx map build")
