"""`sprx map build` and `sprx map image`."""

from pathlib import Path
from typing import cast

import typer

from .app import map_app
from .common import (ClosedOpt, LanguageOpt, Metric, MetricOpt, QuietOpt, RegistryArgs, StrictOpt, TilesOpt, TitleOpt,
                     check_tiles, fail, guard, in_language, language_of, languages_of, metric_of, refuse_overwrite,
                     registry_options, said, settings)
from .output import progress


def map_options(s, title: str | None, offline: bool, tiles: str, include_closed: bool, metric: str,
                language: str, output: Path | None = None):
    """The library's MapOptions from the command line and the folder's settings `s` (`output`: the
    page's file, published under the public_url setting)."""
    from ..core.settings import page_address
    from ..render.mapdata import MapOptions

    page_url = page_address(s.get(None, "public_url"), output.name) if output else None
    # (title and attribution have defaults: never None)
    return MapOptions(title=cast(str, in_language(s, "title", title, language)), offline=offline, tiles=tiles,
                      include_closed=include_closed,
                      metric=metric, attribution=cast(str, in_language(s, "attribution", None, language)),
                      short_attribution=in_language(s, "attribution_short", None, language),
                      feedback_email=s.get(None, "feedback_email"), page_url=page_url,
                      language=language)


@map_app.command("build")
@registry_options
def map_build(
    reg: RegistryArgs,
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE", show_default=False,
                                       help="Where to write the HTML page.  [default: maps/map.html]"),
    title: str | None = TitleOpt,
    offline: bool = typer.Option(True, "--offline/--cdn", help="--offline (the default): Leaflet inlined from "
                                 "installed packages, so the page loads no script, style or font from anywhere "
                                 "and works without a network; --cdn: Leaflet from a CDN (a smaller file)."),
    tiles: str | None = TilesOpt,
    metric: Metric | None = MetricOpt,
    language: str | None = LanguageOpt,
    include_closed: bool = ClosedOpt,
    strict: bool = StrictOpt,
    quiet: bool = QuietOpt,
) -> None:
    """Validate the registry, then write the map as one HTML page.

    Errors stop the build (exit 1) and nothing is written; warnings are summarised.

    Example: sprx map build --offline --tiles none --output maps/london.html

    Example: sprx map build --language cy --output maps/cy.html
    """
    with guard():
        from ..aggregate.counts import area_counts
        from ..aggregate.metrics import MetricUnavailable
        from ..core.textio import atomic_write_text
        from ..render.assets import AssetsMissing
        from ..render.mappage import render_map

        s = settings()  # read once for the whole command
        sources = reg.sources(s)
        tiles, output = s.get(tiles, "tiles"), Path(s.get(output, "output"))
        shading, language = metric_of(s, metric), language_of(s, language)
        refuse_overwrite(output, sources)
        check_tiles(tiles)
        with progress(quiet) as step:
            registry = reg.load(sources, strict=strict, quiet=quiet, metric=shading, languages=(language,),
                                also=tuple(s.problems(languages_of(s))))
            try:
                page = render_map(registry, map_options(s, title, offline, tiles, include_closed, shading, language,
                                                        output), step)
            except (MetricUnavailable, AssetsMissing) as exc:
                fail(f"Cannot build the map: {said(exc)}")
            atomic_write_text(output, page)
        if not quiet:
            typer.echo(f"Wrote {output} ({len(page.encode()) // 1024:,} KB): {area_counts(registry).headline()}")


@map_app.command("image")
@registry_options
def map_image(
    reg: RegistryArgs,
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE", show_default=False,
                                       help="Where to write the PNG.  [default: maps/map.png]"),
    title: str | None = TitleOpt,
    metric: Metric | None = MetricOpt,
    language: str | None = LanguageOpt,
    dpi: int = typer.Option(150, "--dpi", min=50, max=600, help="Resolution of the PNG."),
    quiet: bool = QuietOpt,
) -> None:
    """Write the choropleth as a PNG with legend and attribution, for reports and newsletters.

    Example: sprx map image --output maps/london.png
    """
    with guard():
        from ..aggregate.metrics import MetricUnavailable
        from ..core.textio import atomic_write_bytes
        from ..render.image import render_png

        s = settings()
        sources = reg.sources(s)
        output = Path(s.get(output, "image"))
        shading, language = metric_of(s, metric), language_of(s, language)
        refuse_overwrite(output, sources)
        with progress(quiet) as step:
            registry = reg.load(sources, quiet=quiet, metric=shading)
            step("drawing")
            try:
                png = render_png(registry, map_options(s, title, False, "none", False, shading, language), dpi=dpi)
            except MetricUnavailable as exc:
                fail(f"Cannot draw the map: {said(exc)}")
            atomic_write_bytes(output, png)
        if not quiet:
            typer.echo(f"Wrote {output} ({len(png) // 1024:,} KB)")
