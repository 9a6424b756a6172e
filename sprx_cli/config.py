"""Project settings: `sprx.toml`, or `[tool.sprx]` in `pyproject.toml`, in the registry folder.

So that `sprx map build` in a registry folder just works. Command-line options override it.
Paths in it are relative to the folder it is in.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULTS: dict[str, Any] = {
    "schemes": "schemes.yaml",
    "areas": "data/areas.csv",
    "boundaries": "data/boundaries.geojson",
    "vocabulary": "data/vocabulary.yaml",
    "code_field": "code",
    "title": "Social prescribing schemes",
    "output": "maps/map.html",
    "image": "maps/map.png",
    "tiles": "OpenStreetMap.Mapnik",
    "attribution": "Boundaries: source not stated (set 'attribution' in sprx.toml)",
    "attribution_short": None,
}
PATH_KEYS = ("schemes", "areas", "boundaries", "vocabulary", "output", "image")


class ConfigError(Exception):
    """The settings file cannot be read or has unknown settings."""


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
