"""What every command shares: the registry and boundary options (declared once, added to a
command by a decorator, as sqlite-utils does), output helpers, and the one-line error guard.

Only the CLI prints or exits. This module imports no heavy library.
"""

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import typer

from ..aggregate.metrics import METRICS
from ..core.model import STALE_MONTHS, STATUSES
from ..core.settings import DEFAULT_TILES, DEFAULT_TITLE
from .output import TextOrJson, print_report

_state = {"debug": False}

# The option that sets what a library error's `subject` names (a setting, a filter, an import's
# column): the library speaks of settings and filters, the command line of options.
OPTIONS = {"schemes": "--schemes", "areas": "--areas", "boundaries": "--boundaries", "vocabulary": "--vocabulary",
           "postcodes": "--postcodes", "places": "--places", "code_field": "--code-field",
           "name_field": "--name-field", "crs": "--crs",
           "tiles": "--tiles", "metric": "--metric", "status": "--status", "category": "--category",
           "referral_route": "--referral-route", "area": "--borough", "column": "--column", "encoding": "--encoding"}
# The option that overrides each setting (the README's table of settings is made from this and the settings).
SETTING_OPTIONS = {**{k: v for k, v in OPTIONS.items() if k in ("schemes", "areas", "boundaries", "vocabulary",
                                                                "postcodes", "places", "code_field", "name_field",
                                                                "crs", "tiles", "metric")},
                   "title": "--title", "output": "--output` of `map build", "image": "--output` of `map image"}


def choices(name: str, values) -> type[Enum]:
    """An option's choices, made from the library's own list of them (each declared once there)."""
    return Enum(name, {value.replace("-", "_"): value for value in values}, type=str)  # type: ignore[return-value]


if TYPE_CHECKING:  # (made at run time from the library's lists of them: to mypy, Enums)
    Status: TypeAlias = Enum
    Metric: TypeAlias = Enum
else:
    Status, Metric = choices("Status", STATUSES), choices("Metric", METRICS)  # a scheme status; what shading shows


def metric_of(s, given: "Metric | None") -> str:
    """The metric in force: the option, else the folder's `metric` setting (one of METRICS), else count."""
    if given is not None:
        return given.value
    value = s.get(None, "metric")
    if value not in METRICS:
        usage_error(f"{s.path}: metric {value!r} is not one of {', '.join(METRICS)}")
    return value


def languages_of(s) -> tuple[str, ...]:
    """The folder's `languages` setting, each checked to have words (else a usage error naming the file)."""
    from ..core.messages import UnknownLanguage, messages

    value = s.get(None, "languages")  # (a list of text, or one text: checked when the settings were read)
    if isinstance(value, str):
        value = [value]
    for code in value:
        try:
            messages(code)
        except UnknownLanguage as exc:
            usage_error(f"{s.path}: {exc.message}; {exc.hint}")
    return tuple(dict.fromkeys(value))


def language_of(s, given: str | None) -> str:
    """The language of one page: the option, else the first of the `languages` setting."""
    from ..core.messages import UnknownLanguage, messages

    if given is None:
        return languages_of(s)[0]
    try:
        messages(given)
    except UnknownLanguage as exc:
        usage_error(f"--language: {exc.message}; {exc.hint}")
    return given


PER_LANGUAGE = ("title", "attribution", "attribution_short")  # settings that may be given per language


def in_language(s, key: str, given: str | None, language: str) -> str | None:
    """A text setting (PER_LANGUAGE) for a page in `language`: the option, else the setting (text, or a
    table of one per language: the language's, else the English one, else the first), else its default."""
    if given is not None:
        from ..core.textio import control_said, has_control

        if has_control(given):  # (a line break is the option's own business: the page shows it as a space)
            usage_error(f"--{key.replace('_', '-')} holds the control character {control_said(given)}, which "
                        "shows as nothing: take it out")
        return given
    value = s.get(None, key)
    if key == "title" and value == DEFAULT_TITLE and "title" not in s.values:  # (sprx's own: in the page's words)
        from ..core.messages import messages

        return messages(language).gettext(DEFAULT_TITLE)
    if isinstance(value, dict):  # (its kind checked when the settings were read: core.settings.Setting.problem)
        return value.get(language) or value.get("en") or next(iter(value.values()))
    return value


def publish_options(s, reg, title: str | None = None, tiles: str | None = None, metric: "Metric | None" = None,
                    **more):
    """The library's PublishOptions from the options and the settings `s` (`more`: keep, if_changed, strict)."""
    from ..site.publish import PublishOptions

    languages = languages_of(s)
    given = {"title": title, "attribution": None, "attribution_short": None}
    first: dict[str, Any] = {key: in_language(s, key, given[key], languages[0]) for key in PER_LANGUAGE}
    return PublishOptions(**first, tiles=s.get(tiles, "tiles"),
                          by_language={code: {key: in_language(s, key, given[key], code) for key in PER_LANGUAGE}
                                       for code in languages},
                          feedback_email=s.get(None, "feedback_email"), public_url=s.get(None, "public_url"),
                          metric=metric_of(s, metric),
                          languages=languages, settings_problems=tuple(s.problems(languages)),
                          stale_after_months=reg.stale_after, encoding=reg.encoding, **more)


def usage_error(message: str) -> None:
    """Say what is wrong with the command line and exit 2."""
    from ..core.textio import shown

    typer.echo(shown(f"Usage error: {message}"), err=True)
    raise typer.Exit(2)


def fail(message: str) -> None:
    """Say why nothing could be done and exit 1 (what it quotes of a file shown, never run, by a terminal)."""
    from ..core.textio import shown

    typer.echo(shown(message), err=True)
    raise typer.Exit(1)


def option_of(subject: str | None, options: dict[str, str] | None = None) -> str | None:
    """The command line's option for a library subject (a setting or filter), if it has one."""
    return (options or {}).get(subject) or OPTIONS.get(subject) if subject else None


def said(exc) -> str:
    """A library error as one line: what is wrong, then what would help."""
    return exc.message + (f"; {exc.hint}" if exc.hint else "")


def usage_text(exc, options: dict[str, str] | None = None) -> str:
    """A UsageError as the command line says it: the option at fault first."""
    from ..core.settings import SourceMissing

    option = option_of(exc.subject, options)
    hint = exc.hint
    if hint is None and isinstance(exc, SourceMissing) and exc.missing and option:
        hint = f"run sprx in the registry folder, or pass {option} PATH"
    return (f"{option}: " if option else "") + exc.message + (f" ({hint})" if hint else "")


@contextmanager
def guard(options: dict[str, str] | None = None) -> Iterator[None]:
    """Turn the library's errors into a line and an exit status (2 for a usage error, else 1), and
    an unexpected exception into one line (or a traceback with --debug) and exit 1. `options` names
    a command's own option for a subject where it is not the usual one."""
    from ..core.errors import SprxError, UsageError

    try:
        yield
    except (typer.Exit, typer.Abort, SystemExit, KeyboardInterrupt):
        raise
    except UsageError as exc:
        usage_error(usage_text(exc, options))
    except SprxError as exc:
        fail(f"sprx: {said(exc)}")
    except OSError as exc:  # the disk, not sprx: full, read-only, no permission...
        if _state["debug"]:
            raise
        where = f" {exc.filename}" if exc.filename else ""
        typer.echo(f"sprx: cannot read or write{where}: {exc.strerror or exc}. Nothing was changed: "
                   "any file sprx was writing keeps its previous contents.", err=True)
        raise typer.Exit(1) from None
    except Exception as exc:
        if _state["debug"]:
            raise
        typer.echo(f"sprx: internal error: {type(exc).__name__}: {exc}. "
                   "Run again with 'sprx --debug ...' for details, and report it.", err=True)
        raise typer.Exit(1) from None


def settings():
    """The settings of the registry in the working folder (a usage error if unreadable)."""
    from ..core.settings import Settings

    return Settings(Path("."))


# --- option bundles ----------------------------------------------------------------------------

def _option(*names: str, default=None, show_default: bool = False, **kwargs):
    option = typer.Option(default, *names, show_default=show_default, **kwargs)
    return field(default=default, metadata={"option": option})


@dataclass
class BoundaryArgs:
    """How to read a boundary file: the same three options on every command that reads one."""

    code_field: str | None = _option("--code-field", metavar="FIELD",
                                     help="The boundaries' attribute holding the area code.  [default: code]")
    name_field: str | None = _option("--name-field", metavar="FIELD",
                                     help="The boundaries' attribute holding the area name.  [default: name]")
    crs: str | None = _option("--crs", metavar="CRS",
                              help="The boundaries' CRS when the file does not say (e.g. EPSG:27700). "
                                   "GeoJSON and TopoJSON without one are read as WGS84.")


def _same(name: str):
    """The declaration of a BoundaryArgs option, for a bundle that takes it too."""
    return next(field(default=f.default, metadata=f.metadata) for f in fields(BoundaryArgs) if f.name == name)


_SCHEMES: dict[str, Any] = {"metavar": "PATH", "help": "Scheme registry (.yaml or .csv).  [default: schemes.yaml]"}
SchemesOpt = typer.Option(None, "--schemes", show_default=False, **_SCHEMES)  # alone: for `verify`


@dataclass
class RegistryArgs:
    """The registry's files and how to read them: shared by every command that reads a registry."""

    schemes: str | None = _option("--schemes", **_SCHEMES)
    areas: str | None = _option("--areas", "--boroughs", metavar="PATH",
                                help="Area registry (CSV).  [default: data/areas.csv]")
    boundaries: str | None = _option("--boundaries", metavar="PATH",
                                     help="Area boundaries: any file geopandas reads, any CRS.  "
                                          "[default: data/boundaries.geojson]")
    vocabulary: str | None = _option("--vocabulary", metavar="PATH",
                                     help="Controlled vocabulary (YAML).  [default: data/vocabulary.yaml]")
    code_field: str | None = _same("code_field")
    name_field: str | None = _same("name_field")
    crs: str | None = _same("crs")
    postcodes: str | None = _option("--postcodes", metavar="PATH",
                                    help="Postcode centres for locations given by postcode alone: an NSPL or "
                                         "ONSPD CSV (pcds, lat, long; .gz allowed) or postcode,lat,lon.")
    places: str | None = _option("--places", metavar="PATH",
                                 help="Place names for the finder's search: a CSV name,lat,lon or name,postcode.")
    encoding: str | None = _option("--encoding", metavar="NAME",
                                   help="Read the scheme registry in this encoding (e.g. cp1252).")
    stale_after: int = _option("--stale-after", default=STALE_MONTHS, show_default=True, min=1, metavar="MONTHS",
                               help="Entries verified longer ago than this are stale (warned, flagged on the map).")

    def sources(self, folder_settings=None, need_schemes: bool = True):
        """The files, from the options, the folder's settings and the defaults (usage error if missing)."""
        return (folder_settings or settings()).sources(self.schemes, self.areas, self.boundaries, self.vocabulary,
                                                       self.code_field, self.name_field, self.crs, self.postcodes,
                                                       self.places, need_schemes=need_schemes)

    def load(self, sources, *, strict: bool = False, quiet: bool = False, metric: str = "count",
             languages: tuple[str, ...] = (), also: tuple = ()):
        """Validate (for a map shaded by `metric`, in `languages`); on errors (or warnings with
        `strict`) print them located and exit 1."""
        from ..aggregate.metrics import population_need
        from ..registry.validate import InvalidRegistry, load_valid

        try:
            report, registry = load_valid(sources, strict=strict, stale_after_months=self.stale_after,
                                          encoding=self.encoding, population_need=population_need(metric),
                                          languages=languages, also=also)
        except InvalidRegistry as exc:
            refuse(exc)
        if not quiet and (summary := report.warnings_summary()):
            typer.echo(summary, err=True)
        return registry


def refuse(exc) -> None:
    """An InvalidRegistry: its problems, located, and exit 1 (nothing was written)."""
    print_report(exc.report, TextOrJson.text, {}, "", err=True)
    if exc.report.valid:
        typer.echo("--strict: warnings count as failures.", err=True)
    fail("Nothing was written.")


def tables(sources):
    """The registry's areas, vocabulary and boundaries (for an import or a new scheme); their errors
    printed and exit 1."""
    from ..registry.validate import InvalidRegistry, registry_tables

    try:
        return registry_tables(sources)
    except InvalidRegistry as exc:
        refuse(exc)


def options(bundle: type, name: str):
    """Give a command the options of `bundle` (a dataclass of declared options) as one argument
    called `name`, so that each option is declared once for every command that takes it."""
    def decorate(fn):
        sig = inspect.signature(fn)
        own = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in sig.parameters.values() if p.name != name]
        added = [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=f.metadata["option"],
                                   annotation=f.type) for f in fields(bundle)]

        @wraps(fn)
        def command(**kwargs):
            values = {f.name: kwargs.pop(f.name) for f in fields(bundle)}
            return fn(**{name: bundle(**values)}, **kwargs)

        command.__signature__ = sig.replace(parameters=[*added, *own])
        command.__annotations__ = {**{f.name: f.type for f in fields(bundle)},
                                   **{k: v for k, v in fn.__annotations__.items() if k != name}}
        return command
    return decorate


registry_options = options(RegistryArgs, "reg")
boundary_options = options(BoundaryArgs, "geo")


# Options that several commands take, declared once.
QuietOpt = typer.Option(False, "--quiet", "-q", help="No progress or summary; errors are still printed.")
StrictOpt = typer.Option(False, "--strict", help="Fail (exit 1) on warnings too.")
TitleOpt = typer.Option(None, "--title", show_default=False,
                        help="Title shown on the map.  [default: from sprx.toml, else 'Social prescribing schemes']")
TilesOpt = typer.Option(None, "--tiles", metavar="PROVIDER", show_default=False,
                        help=f"Background tiles: an xyzservices provider name, or 'none'.  [default: {DEFAULT_TILES}]")
MetricOpt = typer.Option(None, "--metric", show_default=False, help="Shade areas by count, per 100,000 "
                         "residents (per-100k: a population for every area), or by need beside provision (need: the "
                         "3x3 classes of 'sprx table --need').  [default: the metric setting, else count]")
LanguageOpt = typer.Option(None, "--language", metavar="CODE", show_default=False,
                           help="The page's language: an ISO 639 code sprx has words for (en, cy).  "
                                "[default: the first of the languages setting, else en]")
ClosedOpt = typer.Option(False, "--include-closed",
 help="Show closed schemes too (they are never counted).")
OutputOpt = typer.Option(None, "--output", "-o", metavar="FILE",
                         help="Write to FILE (atomically) instead of standard output.")
StatusOpt = typer.Option([], "--status", help="Count schemes with this status (repeatable; default: active).")
CategoryOpt = typer.Option([], "--category", metavar="KEY", help="Only schemes in this category (repeatable).")
BoroughFilterOpt = typer.Option([], "--borough", metavar="AREA",
                                help="Only this area, by name, alias or code (repeatable).")
RouteOpt = typer.Option([], "--referral-route", metavar="KEY",
                        help="Only schemes with this referral route (repeatable).")


def check_tiles(name: str) -> None:
    """A usage error for a tile provider xyzservices does not know."""
    from ..render.mappage import resolve_tiles

    resolve_tiles(name)  # TilesUnknown is a UsageError: guard() says it


def filters(registry, status: list, category: list[str], borough: list[str], route: list[str],
            include_closed: bool):
    """The library's Filters from the command line (FilterError is a usage error, said by guard())."""
    from ..aggregate.filters import Filters

    return Filters.from_names(registry, [s.value for s in status], category, borough, route, include_closed)


def refuse_overwrite(output: Path | None, inputs, option: str = "--output") -> None:
    """sprx never writes over a file it reads, nor over the folder's settings files: an output (named by
    `option`) that is one of them, through any link, is a usage error (exit 2)."""
    from ..core.settings import SETTINGS_FILES
    from ..core.textio import same_file

    if output is None:
        return
    if hasattr(inputs, "files"):
        inputs = tuple(inputs.files.values())
    for path in [*(p for p in inputs if p), *(name for name in SETTINGS_FILES if Path(name).is_file())]:
        if same_file(output, path):
            usage_error(f"{option}: '{output}' is {path}, which sprx is reading; write to another file")


def needs_output(fmt: str, output: Path | None) -> None:
    """Binary formats need a file: a usage error otherwise."""
    from ..render.formats import BINARY

    if fmt in BINARY and output is None:
        usage_error(f"--format {fmt} writes a binary file: give --output FILE")
