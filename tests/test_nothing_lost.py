"""Nothing lost: every command that writes does so atomically, a failure never truncates or
replaces a good output, and sprx never modifies (or writes over) a registry file it reads."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from sprx_cli.core import textio

from helpers import ROOT

REGISTRY_FILES = ("schemes.yaml", "data/areas.csv", "data/london-boroughs.geojson", "data/vocabulary.yaml")


@pytest.fixture
def registry(tmp_path):
    """A copy of the bundled registry, with its files' bytes and times recorded."""
    for name in REGISTRY_FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(name, tmp_path / name)
    return tmp_path


def _state(folder: Path) -> dict:
    return {name: (hashlib.sha256((folder / name).read_bytes()).hexdigest(), (folder / name).stat().st_mtime_ns)
            for name in REGISTRY_FILES}


def _args(folder: Path) -> list[str]:
    return ["--schemes", str(folder / "schemes.yaml"), "--areas", str(folder / "data/areas.csv"),
            "--boundaries", str(folder / "data/london-boroughs.geojson"),
            "--vocabulary", str(folder / "data/vocabulary.yaml")]


def writing_commands(folder: Path, out: Path) -> dict[str, list[str]]:
    """Every command that writes a file, given the registry in `folder` and the output `out`."""
    a = _args(folder)
    return {
        "map build": ["map", "build", *a, "--offline", "-o", str(out)],
        "map image": ["map", "image", *a, "-o", str(out)],
        "table": ["table", *a, "--format", "csv", "-o", str(out)],
        "export schemes": ["export", "schemes", *a, "--format", "xlsx", "-o", str(out)],
        "export areas": ["export", "areas", *a, "--format", "geojson", "-o", str(out)],
        "areas init": ["areas", "init", str(folder / "data/london-boroughs.geojson"), "-o", str(out)],
        "demo generate": ["demo", "generate", "--schemes", "5",
                          "--boundaries", str(folder / "data/london-boroughs.geojson"),
                          "--vocabulary", str(folder / "data/vocabulary.yaml"), "-o", str(out)],
    }


COMMANDS = list(writing_commands(Path("."), Path("x")))


@pytest.mark.parametrize("command", COMMANDS)
def test_commands_never_modify_the_registry(sprx, registry, command):
    before = _state(registry)
    result = sprx(*writing_commands(registry, registry / "out.bin")[command])
    assert result.exit_code == 0, result.output
    assert (registry / "out.bin").stat().st_size > 0
    assert _state(registry) == before
    assert sorted(p.name for p in registry.iterdir()) == ["data", "out.bin", "schemes.yaml"]  # no temp file left


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("target", REGISTRY_FILES)
def test_output_may_not_name_a_registry_file(sprx, registry, command, target):
    """Writing over an input is refused as a usage error, before anything is read or written."""
    args = writing_commands(registry, registry / target)[command]
    reads = {"areas init": ("data/london-boroughs.geojson",),
             "demo generate": ("data/london-boroughs.geojson", "data/vocabulary.yaml")}.get(command, REGISTRY_FILES)
    if target not in reads:
        pytest.skip("this command does not read that file")
    before = _state(registry)
    result = sprx(*args)
    assert result.exit_code == 2, result.output
    assert "which sprx is reading" in result.output
    assert _state(registry) == before


@pytest.mark.parametrize("command", [c for c in COMMANDS if c not in ("areas init", "demo generate")])
def test_invalid_registry_leaves_a_good_output_alone(sprx, registry, command):
    out = registry / "out.bin"
    out.write_bytes(b"the good output from yesterday")
    (registry / "schemes.yaml").write_text("schemes:\n  - id: Bad Id\n    name: x\n    boroughs: [Nowhere]\n",
                                           encoding="utf-8")
    result = sprx(*writing_commands(registry, out)[command])
    assert result.exit_code == 1
    assert out.read_bytes() == b"the good output from yesterday"
    assert sorted(p.name for p in registry.iterdir()) == ["data", "out.bin", "schemes.yaml"]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_failed_write_keeps_the_old_output(sprx, registry, command, monkeypatch):
    """The disk fills up (or anything fails) while writing: the old file stays whole, no temp file stays."""
    out = registry / "out.bin"
    out.write_bytes(b"the good output from yesterday")
    real_fsync = os.fsync

    def failing_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(textio.os, "fsync", failing_fsync)
    result = sprx(*writing_commands(registry, out)[command])
    monkeypatch.setattr(textio.os, "fsync", real_fsync)
    assert result.exit_code == 1
    assert "No space left on device. Nothing was changed" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert out.read_bytes() == b"the good output from yesterday"
    assert sorted(p.name for p in registry.iterdir()) == ["data", "out.bin", "schemes.yaml"]


def test_validate_and_table_to_stdout_write_nothing(sprx, registry):
    before = _state(registry)
    for args in (["validate", *_args(registry)], ["table", *_args(registry)], ["export", "schemes", *_args(registry)]):
        assert sprx(*args).exit_code == 0
    assert _state(registry) == before
    assert sorted(p.name for p in registry.iterdir()) == ["data", "schemes.yaml"]


def importing_commands(folder: Path, out: Path) -> dict[str, list[str]]:
    """The commands that make a registry from another directory (their output must be .yaml or .csv)."""
    a = _args(folder)
    return {"import oruk": ["import", "oruk", str(ROOT / "tests/fixtures/oruk/paged.json"), *a, "-o", str(out)],
            "import table": ["import", "table", str(ROOT / "tests/fixtures/sheets/messy.csv"), *a, "-o", str(out)]}


@pytest.mark.parametrize("command", list(importing_commands(Path("."), Path("x"))))
def test_imports_never_touch_what_they_read_and_keep_the_old_output_on_failure(sprx, registry, command,
                                                                               monkeypatch):
    before = _state(registry)
    out = registry / "out.yaml"
    result = sprx(*importing_commands(registry, out)[command])
    assert result.exit_code == 0, result.output
    assert _state(registry) == before and out.stat().st_size > 0
    # over an input: refused before anything is read
    result = sprx(*importing_commands(registry, registry / "data/areas.csv")[command])
    assert result.exit_code == 2 and "which sprx is reading" in result.output
    assert _state(registry) == before
    # the disk fills up while writing: yesterday's output stays whole
    out.write_bytes(b"the good output from yesterday")
    monkeypatch.setattr(textio.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    result = sprx(*importing_commands(registry, out)[command])
    assert result.exit_code == 1 and "No space left on device. Nothing was changed" in result.output
    assert out.read_bytes() == b"the good output from yesterday"
    # what was held back is beside the output, as the input's own rows (import table holds one back)
    held = ["messy.held-back.csv"] if command == "import table" else []
    assert sorted(p.name for p in registry.iterdir()) == sorted(["data", "out.yaml", "schemes.yaml", *held])


def _every_output(folder: Path, out: Path) -> dict[str, list[str]]:
    """Every command and output option that writes a file, with that file `out`."""
    a = _args(folder)
    sheet = str(ROOT / "tests/fixtures/sheets/messy.csv")
    return {**writing_commands(folder, out), **importing_commands(folder, out),
            "schema": ["schema", *a, "-o", str(out)],
            "review": ["review", *a, "-o", str(out)],
            "import table --held-back": ["import", "table", sheet, *a, "--held-back", str(out)],
            "import table -o --held-back": ["import", "table", sheet, *a, "-o", str(folder / "new.yaml"),
                                            "--held-back", str(out)]}


def _link(kind: str, target: Path, link: Path) -> Path:
    os.symlink(target, link) if kind == "symlink" else os.link(target, link)
    return link


@pytest.mark.parametrize("command", list(_every_output(Path("."), Path("x"))))
@pytest.mark.parametrize("target", ["sprx.toml", "pyproject.toml", "symlink", "hard link"])
def test_no_output_names_a_settings_file_or_a_link_to_an_input(sprx, registry, monkeypatch, command, target):
    """The settings just read, and an input reached through a link, are never written over: a usage error
    (exit 2) naming the option, before anything is read or written."""
    monkeypatch.chdir(registry)
    settings = {"sprx.toml": 'title = "Ours"\n', "pyproject.toml": '[project]\nname = "ours"\n'}
    for name, text in settings.items():
        (registry / name).write_text(text, encoding="utf-8")
    linked = "data/london-boroughs.geojson" if command in ("areas init", "demo generate") else "data/areas.csv"
    out = registry / target if target in settings else _link(target, registry / linked, registry / "link.csv")
    before = {**_state(registry), **{n: (registry / n).read_bytes() for n in settings}}
    result = sprx(*_every_output(registry, out)[command])
    option = "--held-back" if "--held-back" in command else "--output"
    assert result.exit_code == 2, result.output
    said = result.stderr.removeprefix(f"Usage error: {option}: '{out}' ")
    # (a registry is .yaml or .csv: an import refuses a .toml output for that first)
    assert said.startswith("is ") and "which sprx is reading" in said or (
        option == "--output" and command.startswith("import") and said == "should end in .yaml or .csv\n"), said
    assert {**_state(registry), **{n: (registry / n).read_bytes() for n in settings}} == before


@pytest.mark.parametrize("target", ["schemes.yaml", "data/areas.csv", "data/vocabulary.yaml",
                                    "data/london-boroughs.geojson", "the sheet", "the import memory", "the output"])
def test_the_held_back_file_is_nothing_the_import_reads_or_writes(sprx, registry, target):
    """`import table --held-back FILE` wrote over any file it was given, even saying 'Nothing was written'."""
    sheet = registry / "in.csv"
    shutil.copy("tests/fixtures/sheets/messy.csv", sheet)
    merge = ["import", "table", str(sheet), *_args(registry)]
    assert sprx(*merge).exit_code == 0  # (so that the registry has an import memory)
    memory = next(p for p in registry.iterdir() if p.name.startswith(".") or "import" in p.name and p != sheet)
    output = registry / "new.yaml"
    held = {"the sheet": sheet, "the import memory": memory, "the output": output}.get(target, registry / target)
    kept = {p: p.read_bytes() for p in registry.rglob("*") if p.is_file()}
    result = sprx(*merge, *(["-o", str(output)] if target == "the output" else []), "--held-back", str(held))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Usage error: --held-back: '{held}' is "), result.stderr
    assert {p: p.read_bytes() for p in registry.rglob("*") if p.is_file()} == kept and not output.exists()

