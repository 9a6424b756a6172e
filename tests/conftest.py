"""Shared test helpers: run the CLI in-process from the repository root."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path("tests/fixtures")
TODAY = "2026-11-23"  # the bundled data and fixtures are judged as on this day


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
