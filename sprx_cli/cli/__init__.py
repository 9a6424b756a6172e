"""The `sprx` command line: parse options, call the library, print, exit.

One module per command group; `common` holds what they share. Only this package prints or
exits. Heavy libraries are imported inside commands so that `sprx --help` stays instant.
"""

from . import check, interchange, maps, site, start, tabular, upkeep  # noqa: F401  (each registers its commands)
from .app import app, main

__all__ = ["app", "main"]
