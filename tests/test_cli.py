"""The command line as users meet it: help, exit codes, output forms, failure modes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sprx_cli import cli

from helpers import SCHEMES as S


def _commands():
    import typer.main

    group = typer.main.get_command(cli.app)
    out = []

    def walk(cmd, path):
        for name, sub in getattr(cmd, "commands", {}).items():
            if getattr(sub, "commands", None):
                walk(sub, path + [name])
            else:
                out.append(path + [name])
    walk(group, [])
    return out


def test_commands_have_help(sprx):
    commands = _commands()
    assert ["validate"] in commands
    for command in commands:
        result = sprx(*command, "--help")
        assert result.exit_code == 0, command
        assert "Example:" in result.stdout, command


def test_top_level_help_and_version(sprx):
    result = sprx("--help")
    assert result.exit_code == 0
    assert "validate" in result.stdout and "Example:" in result.stdout
    result = sprx("--version")
    assert result.exit_code == 0 and result.stdout.startswith("sprx ")


def test_bundled_registry_is_valid(sprx):
    result = sprx("validate")
    assert result.exit_code == 0, result.stdout
    last = result.stdout.splitlines()[-1]
    assert last.startswith("Valid: schemes.yaml: 55 schemes open now in 27 of 33 areas, 3 paused")


def test_bundled_registry_json(sprx):
    result = sprx("validate", "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["valid"] is True and report["errors"] == 0
    assert report["stats"] == {"schemes": 60, "open_now": 55, "paused": 3, "closed": 2, "records": 60, "areas": 33,
                               "areas_with_schemes": 27,
                               "data_date": report["stats"]["data_date"]}
    assert report["stats"]["data_date"] <= "2026-11-23"


def test_valid_csv_registry(sprx):
    result = sprx("validate", "--schemes", S + "valid.csv")
    assert result.exit_code == 0, result.stdout
    assert result.stdout == (f"Valid: {S}valid.csv: 1 scheme open now in 1 of 33 areas, 1 paused "
                             "(0 errors, 0 warnings)\n")


def test_bom_and_crlf_are_read(sprx):
    result = sprx("validate", "--schemes", S + "bom-crlf.yaml")
    assert result.exit_code == 0, result.stdout


def test_cp1252_with_encoding_option(sprx):
    result = sprx("validate", "--schemes", S + "cp1252.csv", "--encoding", "cp1252")
    assert result.exit_code == 0, result.stdout
    assert "encoding-error" not in result.stdout


def test_strict_fails_on_warnings(sprx):
    assert sprx("validate", "--schemes", S + "upkeep.yaml").exit_code == 0
    result = sprx("validate", "--schemes", S + "upkeep.yaml", "--strict")
    assert result.exit_code == 1
    assert "--strict: warnings count as failures." in result.stdout


def test_stale_after_option(sprx):
    result = sprx("validate", "--schemes", S + "upkeep.yaml", "--stale-after", "60")
    assert "stale-entry" not in result.stdout


@pytest.mark.parametrize("args", [
    ["validate", "--nope"],
    ["validate", "--format", "xml"],
    ["validate", "--stale-after", "0"],
    ["no-such-command"],
])
def test_usage_errors_exit_2(sprx, args):
    assert sprx(*args).exit_code == 2


def test_missing_file_is_a_usage_error(sprx):
    result = sprx("validate", "--schemes", "nowhere.yaml")
    assert result.exit_code == 2
    assert result.stderr == ("Usage error: --schemes: 'nowhere.yaml' does not exist (run sprx in the registry "
                             "folder, or pass --schemes PATH)\n")


def test_folder_is_a_usage_error(sprx):
    result = sprx("validate", "--areas", "data")
    assert result.exit_code == 2
    assert "is a folder" in result.stderr


def test_internal_error_is_one_line(sprx, monkeypatch):
    import sprx_cli.registry.validate as v

    def boom(*a, **k):
        raise RuntimeError("something broke")

    monkeypatch.setattr(v, "validate", boom)
    result = sprx("validate")
    assert result.exit_code == 1
    assert result.stderr == ("sprx: internal error: RuntimeError: something broke. "
                             "Run again with 'sprx --debug ...' for details, and report it.\n")
    assert "Traceback" not in result.output
    result = sprx("--debug", "validate")
    assert isinstance(result.exception, RuntimeError)


def test_piped_output_is_plain(sprx):
    result = sprx("validate", "--schemes", S + "unknown-borough.yaml")
    assert "\x1b[" not in result.stdout and "│" not in result.stdout


def test_terminal_output_is_a_table(sprx, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    result = sprx("validate", "--schemes", S + "unknown-borough.yaml")
    assert result.exit_code == 1
    assert "┃" in result.stdout or "│" in result.stdout
    assert "unknown-borough" in result.stdout and "Islington" in result.stdout


def test_hostile_text_is_not_rich_markup(sprx, tmp_path):
    """Registry text that looks like rich markup is printed literally, not interpreted."""
    f = tmp_path / "s.yaml"
    f.write_text("schemes:\n  - id: x\n    name: x\n    boroughs: ['[bold red]Camdn[/]']\n", encoding="utf-8")
    result = sprx("validate", "--schemes", f)
    assert "unknown borough '[bold red]Camdn[/]'" in result.stdout


def test_console_script_runs():
    out = subprocess.run([sys.executable, "-m", "sprx_cli", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("sprx ")


@pytest.mark.parametrize("args, code, stream, text", [
    (["validate"], 0, "stdout", "Valid: schemes.yaml: 55 schemes open now"),
    (["validate", "--schemes", "tests/fixtures/schemes/syntax.yaml"], 1, "stdout", "yaml-syntax"),
    (["no-such-command"], 2, "stderr", "No such command"),
])
def test_process_exit_status_and_output(args, code, stream, text):
    """main() leaves with os._exit (no slow teardown): the status and every line still arrive."""
    out = subprocess.run([sys.executable, "-m", "sprx_cli", *args], capture_output=True, text=True)
    assert out.returncode == code
    assert text in getattr(out, stream)


def test_help_does_not_import_heavy_libraries():
    code = ("import sys\nfrom sprx_cli.cli import app\ntry:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('pandas', 'geopandas', 'folium', 'shapely') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_validate_does_not_import_folium():
    code = ("import sys\nfrom sprx_cli.cli import app\ntry:\n    app(['validate'])\nexcept SystemExit:\n    pass\n"
            "print('folium' in sys.modules, 'branca' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False False"
