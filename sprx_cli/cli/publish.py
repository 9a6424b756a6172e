"""`sprx publish`: the whole static site, switched in atomically, for people and for cron."""

import json
from enum import Enum
from pathlib import Path

import typer

from .app import app
from .common import (Metric, MetricOpt, QuietOpt, RegistryArgs, StrictOpt, TextOrJson, TilesOpt, TitleOpt, check_tiles,
                     guard, publish_options, registry_options, said, settings)
from .output import print_report, progress


class LogFormat(str, Enum):
    """Publish logs for people or for machines."""
    text = "text"
    json = "json"


def _logger(fmt: LogFormat, quiet: bool):
    """log(event, level=..., **fields): one JSON object per line, or a line for people."""
    def log(event: str, level: str = "info", **fields) -> None:
        if fmt is LogFormat.json:
            typer.echo(json.dumps({"event": event, "level": level, **fields}, ensure_ascii=False, default=str))
            return
        if quiet and level == "info":
            return
        if event == "published":
            typer.echo(f"Published {fields['site']} (version {fields['version']}): {fields['schemes']:,} schemes in "
                       f"{fields['areas_with_schemes']:,} of {fields['areas']:,} areas; "
                       f"{fields['files_written']:,} files written, {fields['files_shared']:,} unchanged and shared "
                       f"with the previous version; {fields['duration_s']} s")
        elif event == "unchanged":
            typer.echo(f"Unchanged: the inputs match the live site {fields['site']} (version {fields['version']}); "
                       "nothing was done")
        elif event == "rolled-back":
            typer.echo(f"Rolled back {fields['site']} to version {fields['version']} (was {fields['previous']})")
        elif event == "previous-unreadable":
            typer.echo(f"Warning: the previous version {fields['path']} could not be read ({fields['hint']})",
                       err=True)
        elif event in ("pruned", "removed-leftover", "validated", "busy", "failed", "invalid"):
            # (the last three are explained in full by the caller)
            return
        else:
            typer.echo(f"{event}: {fields}", err=level != "info")
    return log


@app.command()
@registry_options
def publish(
    reg: RegistryArgs,
    site: Path = typer.Option(..., "--site", metavar="DIR", help="The site to publish: DIR becomes a link to "
                              "the newest complete version, kept in DIR.sprx/."),
    title: str | None = TitleOpt,
    tiles: str | None = TilesOpt,
    metric: Metric | None = MetricOpt,
    keep: int = typer.Option(3, "--keep", min=0, help="How many previous versions to keep for --rollback."),
    if_changed: bool = typer.Option(False, "--if-changed", help="Do nothing (exit 0) when the inputs match "
                                    "the live site's manifest."),
    strict: bool = StrictOpt,
    rollback: bool = typer.Option(False, "--rollback", help="Point the site back at the previous version."),
    log_format: LogFormat = typer.Option(LogFormat.text, "--log-format", help="text for people, or json: one "
                                         "object per line for cron mail and CI logs."),
    quiet: bool = QuietOpt,
) -> None:
    """Validate, then build the whole static site and switch it in atomically.

    The site has index.html, the offline map, the PNG, tables, exports, manifest.json and
    changes.json. A failure or a kill at any point leaves the previous site complete.
    Exit status: 0 published or unchanged, 1 invalid registry or failed build (site untouched),
    2 usage error, 3 another publish is running.

    Example: sprx publish --site public --if-changed --log-format json
    """
    from ..registry.validate import InvalidRegistry
    from ..site.publish import EXIT_BUSY, PublishBusy, PublishError
    from ..site.publish import publish as run_publish
    from ..site.publish import rollback as run_rollback

    log = _logger(log_format, quiet)
    with guard():
        try:
            if rollback:
                run_rollback(site, log)
                return
            s = settings()
            tiles = s.get(tiles, "tiles")
            check_tiles(tiles)
            sources = reg.sources(s)
            opts = publish_options(s, reg, title, tiles, metric, keep=keep, if_changed=if_changed, strict=strict)
            with progress(quiet or log_format is LogFormat.json, "starting") as step:
                result = run_publish(sources, site, opts, log, step)
            summary = result.report.warnings_summary() if result.report is not None else None
            if summary and log_format is LogFormat.text and not quiet:
                typer.echo(summary, err=True)
        except PublishBusy as exc:
            log("busy", level="error", site=str(site), message=str(exc))
            if log_format is LogFormat.text:
                typer.echo(f"sprx publish: {exc}", err=True)
            raise typer.Exit(EXIT_BUSY) from None
        except InvalidRegistry as exc:
            if log_format is LogFormat.json:
                log("invalid", level="error", site=str(site), strict=exc.strict,
                    problems=[p.to_dict() for p in exc.report.problems if p.severity == "error" or exc.strict])
            else:
                print_report(exc.report, TextOrJson.text, {}, "", err=True)
                typer.echo(f"Not published: {exc}. The site {site} was not touched.", err=True)
            raise typer.Exit(1) from None
        except PublishError as exc:
            log("failed", level="error", site=str(site), message=said(exc))
            if log_format is LogFormat.text:
                typer.echo(f"Not published: {said(exc)}", err=True)
            raise typer.Exit(1) from None
