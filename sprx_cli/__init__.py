"""sprx: keep registries of social-prescribing schemes and render maps and tables from them."""

__version__ = "0.1.0"
