"""`sprx demo generate`: a valid synthetic registry, for tests and benchmarks."""

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

import typer

from ..core.errors import UsageError
from .app import demo_app
from .common import (BoundaryArgs, OutputOpt, TextOrJson, boundary_options, choices, fail, guard, refuse_overwrite,
                     said, settings, usage_error)
from .output import emit, print_report


if TYPE_CHECKING:  # (made at run time from the library's lists of them: to mypy, Enums)
    DemoFormat: TypeAlias = Enum
else:
    DemoFormat = choices("DemoFormat", ("yaml", "csv"))  # the registry format demo data is written in


@demo_app.command("generate")
@boundary_options
def demo_generate(
    geo: BoundaryArgs,
    n: int = typer.Option(..., "--schemes", min=1, metavar="N", help="How many schemes."),
    boundaries: Path = typer.Option(..., "--boundaries", metavar="FILE", help="Boundaries to place them in."),
    vocabulary: str | None = typer.Option(None, "--vocabulary", metavar="PATH", show_default=False,
                                          help="Controlled vocabulary (YAML).  [default: data/vocabulary.yaml]"),
    fmt: DemoFormat = typer.Option(DemoFormat("yaml"), "--format",
                                   help="yaml or csv (CSV keeps one location per scheme)."),
    seed: int = typer.Option(1, "--seed", help="Same seed, same registry."),
    output: Path | None = OutputOpt,
) -> None:
    """Write a valid synthetic registry of N schemes placed inside the given areas.

    Areas are referred to by code, so pair it with an area registry from 'sprx areas init'.

    Example: sprx demo generate --schemes 10000 --boundaries data/london-boroughs.geojson --format csv -o demo.csv
    """
    with guard():
        from ..core.problems import Report
        from ..core.vocabulary import load_vocabulary
        from ..geo.boundaries import BoundaryReadError
        from ..upkeep.demo import demo_registry

        if not boundaries.is_file():
            usage_error(f"--boundaries: '{boundaries}' does not exist")
        vocab_path = settings().get(vocabulary, "vocabulary")
        refuse_overwrite(output, (boundaries, vocab_path))
        vocab, problems = load_vocabulary(Path(vocab_path), vocab_path)
        if problems:
            print_report(Report(problems), TextOrJson.text, {}, "", err=True)
            raise typer.Exit(1)
        try:
            text = demo_registry(n, boundaries, vocab, geo.code_field or "code", geo.name_field or "name", geo.crs,
                                 seed, fmt.value)
        except BoundaryReadError as exc:
            if isinstance(exc, UsageError):
                raise
            fail(f"sprx demo generate: cannot read {boundaries}: {said(exc)}")
        emit(text.encode("utf-8"), output, f"{n:,} schemes")
