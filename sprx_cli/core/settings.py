"""Project settings: `sprx.toml`, or `[tool.sprx]` in `pyproject.toml`, in the registry folder.

So that `sprx map build` in a registry folder just works. Each setting is declared once here with
its default and its help (the README's table of settings is made from them); the command line
overrides the settings file, which overrides the defaults. Paths in a settings file are relative to
the folder it is in.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NamedTuple

from .errors import UsageError
from .messages import N_
from .model import Sources

DEFAULT_TITLE = N_("Social prescribing schemes")  # (said in each page's language when no title is set)
DEFAULT_TILES = "OpenStreetMap.Mapnik"
NO_ATTRIBUTION = N_("Boundaries: source not stated (set 'attribution' in sprx.toml)")
SETTINGS_FILES = ("sprx.toml", "pyproject.toml")


class Setting(NamedTuple):
    """One project setting: its name, default, whether it is a path, and what it means."""

    name: str
    default: Any
    help: str
    path: bool = False
    default_text: str | None = None  # the README's "default", where the value alone would not say it
    kind: str = "text"  # what a settings file may give: "text", "per-language" (text, or a table of text
    # by language code), "list" (a list of text, or one text) or "url" (a web address, http(s)://)

    def problem(self, value: Any, written: str | None = None) -> str | None:
        """What is wrong with `value` for this setting in a settings file (as TOML gave it, under the
        name `written`: the setting's, or an alias), or None."""
        def text(v: Any) -> bool:
            return isinstance(v, str)
        name = written or self.name
        texts = [value] if text(value) else list(value.values()) if isinstance(value, dict) else \
            value if isinstance(value, list) else []
        for v in texts:
            if text(v) and (broken := not_one_line(v)):
                return f"{name} must be one line of text: it holds {broken}"
        if text(value) and self.kind == "url" and not value.startswith(("https://", "http://")):
            return f"{name} must be a web address starting https:// (e.g. {name} = \"https://example.org/directory/\")"
        if text(value):
            return None
        if self.kind == "per-language" and isinstance(value, dict) and value and all(
                text(v) and v.strip() for v in value.values()):
            return None
        if self.kind == "list" and isinstance(value, list) and value and all(map(text, value)):
            return None
        example = {"per-language": f'{name} = "...", or one per language: {name} = {{cy = "...", en = "..."}}',
                   "list": f'{name} = ["cy", "en"]'}.get(self.kind, f'{name} = "..."')
        wanted = {"per-language": "text, or a table of text per language", "list": "a list of text"}.get(
            self.kind, "text, in quotes")
        bad = next(((k, v) for k, v in value.items() if not (text(v) and v.strip())), None) \
            if isinstance(value, dict) else None
        given = f"{name}.{bad[0]} = {_toml_said(bad[1])}" if bad else _toml_said(value)
        return f"{name} must be {wanted} (e.g. {example}), not {given}"


def page_address(public_url: str | None, page: str) -> str | None:
    """A page's address under the `public_url` setting ('https://example.org/d' and 'map.html':
    'https://example.org/d/map.html'), or None without one."""
    from urllib.parse import urljoin

    return urljoin(public_url if public_url.endswith("/") else public_url + "/", page) if public_url else None


def not_one_line(text: str) -> str | None:
    """The line break or control character in a setting's text, named ('a line break', 'U+000B')."""
    from .textio import control_said, has_control

    if "\n" in text or "\r" in text:
        return "a line break"
    return f"the control character {control_said(text)}" if has_control(text) else None


def _toml_said(value: Any) -> str:
    """A settings value as the keeper wrote it, short."""
    kind = {bool: "true or false", int: "a number", float: "a number", list: "a list", dict: "a table"}.get(
        type(value), type(value).__name__)
    if isinstance(value, (dict, list)) and not value:
        return f"an empty {kind[2:]}"
    if isinstance(value, str):
        return "empty text"
    if isinstance(value, (bool, int, float)):
        return f"{kind} ({str(value).lower() if isinstance(value, bool) else value})"
    return kind


SETTINGS: tuple[Setting, ...] = (
    Setting("schemes", "schemes.yaml", "the scheme registry (.yaml or .csv)", path=True),
    Setting("areas", "data/areas.csv", "the area registry (CSV)", path=True),
    Setting("boundaries", "data/boundaries.geojson", "the areas' boundaries: any file geopandas reads, any CRS",
            path=True),
    Setting("vocabulary", "data/vocabulary.yaml", "the controlled vocabulary (YAML)", path=True),
    Setting("code_field", "code", "the boundaries' attribute holding the area code"),
    Setting("name_field", None, "the boundaries' attribute holding the area name", default_text="`name`"),
    Setting("crs", None, "the boundaries' coordinate reference system when the file does not say (e.g. "
            "`EPSG:27700`)", default_text="what the file says (WGS84 for GeoJSON/TopoJSON in degrees)"),
    Setting("postcodes", None, "postcode centres for locations given by postcode alone: an NSPL or ONSPD CSV "
            "(`pcds`, `lat`, `long`; `.gz` allowed) or `postcode,lat,lon`", path=True, default_text="none"),
    Setting("places", None, "place names the finder's search knows (\"Peckham\"): a CSV `name,lat,lon`, or "
            "`name,postcode` with a postcode table; credit its source in `attribution`", path=True,
            default_text="none"),
    Setting("title", DEFAULT_TITLE, "the title of the map, the PNG and the site; for a site in several languages, "
            "one per language: `title = {cy = \"Cynlluniau ...\", en = \"Schemes ...\"}`", kind="per-language"),
    Setting("output", "maps/map.html", "where `map build` writes the page", path=True),
    Setting("image", "maps/map.png", "where `map image` writes the PNG", path=True),
    Setting("metric", "count", "how `map build`, `map image` and `publish` shade the areas: `count`, `per-100k` "
            "residents or `need` beside provision (both need a population per area: `validate` warns of a missing "
            "one)"),
    Setting("languages", ["en"], "the languages of the map, the PNG and the site, the first the default: e.g. "
            "`[\"cy\", \"en\"]` publishes the Welsh site at the top and the English one in `en/`, each page "
            "linking to the other; `map build` and `map image` take the first unless given `--language`",
            default_text="`[\"en\"]`", kind="list"),
    Setting("tiles", DEFAULT_TILES,
 "background tiles: an xyzservices provider name, or `none`"),
    Setting("attribution", NO_ATTRIBUTION, "the boundaries' source and licence, in the page footer, the PNG "
            "and the site index", default_text="a reminder to set it", kind="per-language"),
    Setting("attribution_short", None, "the same, shorter, for the map's attribution control (both may be given "
            "per language, as `title`)",
            default_text="`attribution`", kind="per-language"),
    Setting("public_url", None, "where the site (or the map page's folder) is published, e.g. "
            "`https://example.org/directory/`: the print sheet and the shortlist's e-mail link to the map there, "
            "never to a file on this computer", default_text="none", kind="url"),
    Setting("feedback_email", None, "where people send suggested changes: a \"Suggest a change\" email link on "
            "every map card and beside every scheme in the table of areas (map page and site index), subject "
            "naming the scheme id, body with its current details; also on the print sheet and in `sprx review`'s "
            "draft emails", default_text="none"),
)
BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}
DEFAULTS: dict[str, Any] = {s.name: s.default for s in SETTINGS}
ALIASES = {"boroughs": "areas"}  # the London name for areas
SOURCE_FILES = ("schemes", "areas", "boundaries", "vocabulary")  # a registry's files, which must exist

class ConfigError(UsageError):
    """The settings file cannot be read or has unknown settings."""

    def __init__(self, message: str):
        super().__init__(None, message)


class SourceMissing(UsageError):
    """A registry file named by a setting (or the option that overrides it) is not there; `subject`
    is the setting."""

    def __init__(self, setting: str, path: str, problem: str, hint: str | None = None):
        super().__init__(setting, f"'{path}' {problem}", hint)
        self.path = path
        self.missing = problem == "does not exist"


def find_config(folder: Path) -> tuple[dict[str, Any], Path | None]:
    """The settings in `folder` (sprx.toml first, then pyproject.toml's [tool.sprx]), or {}."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    for name in SETTINGS_FILES:
        path = folder / name
        if not path.is_file():
            continue
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read {path}: {exc}") from None
        table = doc if name == "sprx.toml" else doc.get("tool", {}).get("sprx")
        if table is None:
            continue
        unknown = sorted(set(table) - set(DEFAULTS) - set(ALIASES))
        if unknown:
            raise ConfigError(f"{path}: unknown setting(s) {', '.join(unknown)}; the settings are "
                              f"{', '.join(DEFAULTS)}")
        for key, value in table.items():
            said = BY_NAME[ALIASES.get(key, key)].problem(value, key)
            if said:
                raise ConfigError(f"{path}: {said}")
        settings = dict(table)
        for alias, key in ALIASES.items():
            if alias in settings:
                settings.setdefault(key, settings.pop(alias))
        for key in (s.name for s in SETTINGS if s.path):
            if key in settings:
                p = Path(str(settings[key]))
                settings[key] = str(p if p.is_absolute() or folder == Path(".") else folder / p)
        return settings, path
    return {}, None


class Settings:
    """The settings in force in a folder: `get(given, key)` resolves one."""

    def __init__(self, folder: Path = Path(".")):
        self.values, self.path = find_config(folder)

    def get(self, given: Any, key: str) -> Any:
        """What the command line gave (when not None), else the settings file's value, else the default."""
        if given is not None:
            return given
        return self.values.get(key, DEFAULTS[key])

    def problems(self, languages: tuple[str, ...]) -> list:
        """Warnings about the settings for a site in `languages`: a `title` set without one of them
        (its pages' title, heading and print heading would stay in the language given)."""
        from .problems import Loc, Problem

        value = self.values.get("title")
        if value is None or self.path is None:
            return []
        lacking = [code for code in languages if code != "en" and not (isinstance(value, dict) and value.get(code))]
        return [Problem("untranslated-title", f"the title has no {code} text, so the {code} pages' title, heading "
                        "and print heading stay as given", Loc(str(self.path)), "warning", "title", None)
                for code in lacking]

    def sources(self, schemes: str | None = None, areas: str | None = None, boundaries: str | None = None,
                vocabulary: str | None = None, code_field: str | None = None, name_field: str | None = None,
                crs: str | None = None, postcodes: str | None = None, places: str | None = None, *,
                need_schemes: bool = True) -> Sources:
        """The registry's files and boundary options; SourceMissing names the setting of a file that
        does not exist or is a folder."""
        given = {"schemes": schemes, "areas": areas, "boundaries": boundaries, "vocabulary": vocabulary}
        paths = {key: self.get(given[key], key) for key in SOURCE_FILES}
        for key, value in paths.items():
            if key == "schemes" and not need_schemes:
                continue
            if not Path(value).exists():
                raise SourceMissing(key, value, "does not exist")
            if Path(value).is_dir():
                raise SourceMissing(key, value, "is a folder, not a file")
        table = self.get(postcodes, "postcodes")
        if table is not None and not Path(table).is_file():
            raise SourceMissing("postcodes", table, "is not a file",
                                "give an NSPL or ONSPD CSV, or postcode,lat,lon")
        gazetteer = self.get(places, "places")
        if gazetteer is not None and not Path(gazetteer).is_file():
            raise SourceMissing("places", gazetteer, "is not a file", "give a CSV with name,lat,lon or name,postcode")
        return Sources(**paths, code_field=self.get(code_field, "code_field"),
                       name_field=self.get(name_field, "name_field"), crs=self.get(crs, "crs"), postcodes=table,
                       places=gazetteer)


def readme_table(options: dict[str, str]) -> str:
    """The README's table of settings, from the declarations and the command line's option for each."""
    lines = ["| setting | default | meaning | option |", "| --- | --- | --- | --- |"]
    for s in SETTINGS:
        names = " (or ".join(f"`{n}`" for n in (s.name, *[a for a, k in ALIASES.items() if k == s.name]))
        names += ")" if "(or" in names else ""
        default = s.default_text or f"`{s.default}`"
        option = f"`{options[s.name]}`" if s.name in options else ""
        lines.append(f"| {names} | {default} | {s.help} | {option} |")
    return "\n".join(lines) + "\n"
