"""Project settings: `sprx.toml`, or `[tool.sprx]` in `pyproject.toml`, in the registry folder.

So that `sprx map build` in a registry folder just works. Command-line options override the
settings, which override sprx's defaults (model.SETTINGS). Paths in a settings file are relative
to the folder it is in.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .model import PATH_SETTINGS, SETTINGS, Sources

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULTS = SETTINGS  # the settings and their defaults, declared in the model
PATH_KEYS = PATH_SETTINGS


class ConfigError(Exception):
    """The settings file cannot be read or has unknown settings."""


class SourceMissing(ConfigError):
    """A registry file named by an option or a setting does not exist (a usage error)."""


def find_config(folder: Path) -> tuple[dict[str, Any], Path | None]:
    """The settings in `folder` (sprx.toml first, then pyproject.toml's [tool.sprx]), or {}."""
    for name in ("sprx.toml", "pyproject.toml"):
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
        unknown = sorted(set(table) - set(DEFAULTS) - {"boroughs"})
        if unknown:
            raise ConfigError(f"{path}: unknown setting(s) {', '.join(unknown)}; the settings are "
                              f"{', '.join(DEFAULTS)}")
        settings = dict(table)
        if "boroughs" in settings:  # the London name for areas
            settings.setdefault("areas", settings.pop("boroughs"))
        for key in PATH_KEYS:
            if key in settings:
                p = Path(str(settings[key]))
                settings[key] = str(p if p.is_absolute() or folder == Path(".") else folder / p)
        return settings, path
    return {}, None


def setting(cli_value: Any, key: str, config: dict[str, Any]) -> Any:
    """The command line wins, then the settings file, then sprx's default."""
    if cli_value is not None:
        return cli_value
    return config.get(key, DEFAULTS[key])


class Settings:
    """The settings in force in a folder: `get(cli_value, key)` resolves one."""

    def __init__(self, folder: Path = Path(".")):
        self.values, self.path = find_config(folder)

    def get(self, cli_value: Any, key: str) -> Any:
        """The command line's value, else the settings file's, else the default."""
        return setting(cli_value, key, self.values)

    def sources(self, schemes: str | None = None, areas: str | None = None, boundaries: str | None = None,
                vocabulary: str | None = None, code_field: str | None = None, name_field: str | None = None,
                crs: str | None = None, postcodes: str | None = None, *, need_schemes: bool = True) -> Sources:
        """The registry's files and boundary options; SourceMissing names the option of a file that
        does not exist or is a folder."""
        paths = {"--schemes": self.get(schemes, "schemes"), "--boroughs": self.get(areas, "areas"),
                 "--boundaries": self.get(boundaries, "boundaries"), "--vocabulary": self.get(vocabulary, "vocabulary")}
        for option, value in paths.items():
            if option == "--schemes" and not need_schemes:
                continue
            if not Path(value).exists():
                raise SourceMissing(f"{option}: '{value}' does not exist (run sprx in the registry folder, "
                                    f"or pass {option} PATH)")
            if Path(value).is_dir():
                raise SourceMissing(f"{option}: '{value}' is a folder, not a file")
        table = self.get(postcodes, "postcodes")
        if table is not None and not Path(table).is_file():
            raise SourceMissing(f"--postcodes: '{table}' is not a file (give an NSPL or ONSPD CSV, or "
                                "postcode,lat,lon)")
        return Sources(*paths.values(), code_field=self.get(code_field, "code_field"),
                       name_field=self.get(name_field, "name_field"), crs=self.get(crs, "crs"), postcodes=table)
