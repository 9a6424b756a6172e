"""The fixtures: every test runs at the repository root as on TODAY; `sprx` runs the command line in
process; `load` validates a fixture registry. Shared names and helpers are in helpers.py."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from helpers import ROOT, TODAY, sources


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SPRX_TODAY", TODAY)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


@pytest.fixture
def sprx():
    """Invoke `sprx ARGS...` in-process; returns click's Result (stdout, stderr, exit_code)."""
    from sprx_cli.cli import app

    runner = CliRunner()

    def run(*args: str, **kwargs):
        return runner.invoke(app, [str(a) for a in args], **kwargs)

    return run


@pytest.fixture
def load(monkeypatch):
    """load(name) -> (report, registry) of a fixture registry, validated as on TODAY."""
    from sprx_cli.registry.validate import validate

    monkeypatch.chdir(ROOT)

    def run(name: str, **kwargs):
        return validate(sources(name), **kwargs)

    return run
