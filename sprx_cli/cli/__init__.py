"""The `sprx` command line: parse options, call the library, print, exit.

One module per command group; `common` holds what they share. Only this package prints or
exits. Heavy libraries are imported inside commands so that `sprx --help` stays instant.
"""

# each module registers its commands
from . import add, areas, demo, export, import_, init, map, publish, review, schema, serve, table, validate, verify  # noqa: F401
from .app import app, main

__all__ = ["app", "main"]
