"""Starting a registry: `sprx init`, `sprx areas init`, and `sprx demo generate` for test data."""

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..core.model import DEFAULT_TITLE
from .app import app, areas_app, demo_app
from .common import (BoundaryArgs, OutputOpt, TextOrJson, boundary_options, emit, fail, guard, print_report,
                     refuse_overwrite, settings, usage_error)


@areas_app.command("init")
@boundary_options
def areas_init(
    geo: BoundaryArgs,
    boundaries: Path = typer.Argument(..., metavar="BOUNDARIES", help="A boundary file geopandas reads."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE",
                                          help="Write the area registry here (atomically) instead of standard output."),
) -> None:
    """Write an area registry (code,name,aliases,sub_region) matching a boundary file.

    Example: sprx areas init lad-2024.gpkg --code-field LAD24CD --name-field LAD24NM -o data/areas.csv
    """
    with guard():
        from ..upkeep.scaffold import ScaffoldError, areas_csv, non_gss, read_areas_from_boundaries

        if not boundaries.is_file():
            usage_error(f"BOUNDARIES: '{boundaries}' does not exist")
        refuse_overwrite(output, (boundaries,))
        try:
            pairs = read_areas_from_boundaries(boundaries, geo.code_field or "code", geo.name_field or "name")
        except ScaffoldError as exc:
            fail(f"sprx areas init: {exc}")
        bad = non_gss(pairs)
        if bad:
            typer.echo(f"Warning: {len(bad):,} code(s) are not GSS codes (e.g. {bad[0]}); sprx validate will "
                       "reject them", err=True)
        emit(areas_csv(pairs).encode("utf-8"), output, f"{len(pairs):,} areas")


@app.command("init")
@boundary_options
def init(
    geo: BoundaryArgs,
    folder: Path = typer.Argument(..., metavar="DIR", help="The folder for the new registry (created if needed)."),
    boundaries: Optional[Path] = typer.Option(None, "--boundaries", metavar="FILE",
                                              help="Boundaries of the areas; copied in, and the area registry made from them."),
    title: str = typer.Option(DEFAULT_TITLE, "--title", help="Title of the map."),
) -> None:
    """Start a new registry: sprx.toml, an empty schemes.yaml, the vocabulary, and the areas.

    Example: sprx init kent --boundaries kent-districts.gpkg --code-field LAD24CD --name-field LAD24NM
    """
    with guard():
        from ..upkeep.scaffold import ScaffoldError, init_registry

        if boundaries is not None and not boundaries.is_file():
            usage_error(f"--boundaries: '{boundaries}' does not exist")
        try:
            written = init_registry(folder, title, boundaries, geo.code_field or "code", geo.name_field or "name",
                                    geo.crs)
        except ScaffoldError as exc:
            fail(f"sprx init: {exc}")
        for path in written:
            typer.echo(f"wrote {path}")
        if boundaries is None:
            typer.echo(f"Next: put the boundaries in {folder}/data/boundaries.geojson and run "
                       "'sprx areas init' to make data/areas.csv.")
        typer.echo(f"Then: cd {folder} && sprx validate && sprx map build")


class DemoFormat(str, Enum):
    """The registry format demo data is written in."""
    yaml = "yaml"
    csv = "csv"


@demo_app.command("generate")
@boundary_options
def demo_generate(
    geo: BoundaryArgs,
    n: int = typer.Option(..., "--schemes", min=1, metavar="N", help="How many schemes."),
    areas: Path = typer.Option(..., "--areas", metavar="BOUNDARIES", help="Boundaries to place them in."),
    vocabulary: Optional[str] = typer.Option(None, "--vocabulary", metavar="PATH", show_default=False,
                                             help="Controlled vocabulary (YAML).  [default: data/vocabulary.yaml]"),
    fmt: DemoFormat = typer.Option(DemoFormat.yaml, "--format", help="yaml or csv (CSV keeps one location per scheme)."),
    seed: int = typer.Option(1, "--seed", help="Same seed, same registry."),
    output: Optional[Path] = OutputOpt,
) -> None:
    """Write a valid synthetic registry of N schemes placed inside the given areas.

    Areas are referred to by code, so pair it with an area registry from 'sprx areas init'.

    Example: sprx demo generate --schemes 10000 --areas data/london-boroughs.geojson --format csv -o demo.csv
    """
    with guard():
        from ..upkeep.demo import demo_registry
        from ..geo.boundaries import BoundaryReadError
        from ..core.problems import Report
        from ..core.vocabulary import load_vocabulary

        if not areas.is_file():
            usage_error(f"--areas: '{areas}' does not exist")
        vocab_path = settings().get(vocabulary, "vocabulary")
        refuse_overwrite(output, (areas, vocab_path))
        vocab, problems = load_vocabulary(Path(vocab_path), vocab_path)
        if problems:
            print_report(Report(problems), TextOrJson.text, {}, "", err=True)
            raise typer.Exit(1)
        try:
            text = demo_registry(n, areas, vocab, geo.code_field or "code", geo.name_field or "name", geo.crs,
                                 seed, fmt.value)
        except BoundaryReadError as exc:
            message = str(exc)
            if message.startswith("--"):
                usage_error(message)
            fail(f"sprx demo generate: cannot read {areas}: {message}")
        emit(text.encode("utf-8"), output, f"{n:,} schemes")
