"""The house a newcomer can rely on: stages as subpackages that import only earlier stages, no import
cycle, docs/architecture.md drawn from the tree, a module per command, small modules in both
languages, renderers that read the model and not validation, and a docstring on every public name."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from helpers import ROOT

PACKAGE = ROOT / "sprx_cli"
# The stages, in the order the data flows through them: a module imports only from its own stage
# or an earlier one ("sprx_cli" itself holds only the version).
STAGES = ("core", "geo", "registry", "aggregate", "render", "interchange", "upkeep", "site", "serve", "dev", "cli")
LATER_THAN_ALL = {"upkeep", "site", "dev"}  # beside one another: none imports the others
MAX_LINES = 500  # "about 500": no module of either language is longer


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str) -> set[str]:
    """Every sprx module `name` imports, anywhere in it (inside functions too), as module names."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("sprx_cli"):
                continue
            for alias in node.names:  # `from . import x` may name a module
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("sprx_cli")}
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: imports_of(name) for name in MODULES}


def stage_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None  # (sprx_cli and __main__: none)


def test_the_scan_sees_the_imports():
    assert "sprx_cli.core.model" in GRAPH["sprx_cli.registry.validate"]
    assert "sprx_cli.geo.boundaries" in GRAPH["sprx_cli.registry.validate"]  # imported inside a function
    assert "sprx_cli.cli.validate" in GRAPH["sprx_cli.cli"]  # `from . import validate`


def test_no_import_cycle():
    """Tarjan's strongly connected components: every one must be a single module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in GRAPH:
        if v not in index:
            visit(v)
    assert cycles == []


def test_stages_import_only_earlier_stages():
    wrong = []
    for name, targets in GRAPH.items():
        here = stage_of(name)
        if here is None:
            continue
        for target in targets:
            there = stage_of(target)
            if there is None or there == here:
                continue
            beside = here in LATER_THAN_ALL and there in LATER_THAN_ALL
            if beside or STAGES.index(there) > STAGES.index(here):
                wrong.append(f"{name} imports {target}")
    assert wrong == []


def test_core_imports_nothing_of_a_later_stage():
    assert {t for n, ts in GRAPH.items() if stage_of(n) == "core" for t in ts if stage_of(t) != "core"} == set()


def test_every_stage_is_a_subpackage_and_nothing_else_is_loose():
    top = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert top == set(STAGES)
    assert {p.name for p in PACKAGE.glob("*.py")} == {"__init__.py", "__main__.py"}


def test_architecture_document_matches_the_tree():
    """docs/architecture.md names every module (one line each, with its job), and no other."""
    doc = (ROOT / "docs/architecture.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `(sprx_cli/[\w/-]+\.(?:py|js|css))` \|", doc, re.M))
    files = {str(p.relative_to(ROOT)) for p in PACKAGE.rglob("*") if p.suffix in (".py", ".js", ".css")
             and p.name != "__init__.py" and "__pycache__" not in p.parts}
    assert listed == files, (sorted(files - listed), sorted(listed - files))
    for stage in STAGES:
        assert f"`sprx_cli/{stage}/`" in doc, stage


@pytest.mark.parametrize("path", [p for p in sorted(PACKAGE.rglob("*")) if p.suffix in (".py", ".js")],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_long(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


def test_a_module_per_command_named_after_it():
    """`sprx NAME` is in cli/NAME.py; `sprx GROUP SUB` in cli/GROUP.py (cli/import_.py: `import` is a keyword)."""
    import typer.main

    from sprx_cli.cli import app

    command = typer.main.get_command(app)
    where = {}
    for name, sub in command.commands.items():
        subs = getattr(sub, "commands", None)
        for cmd in (subs.values() if subs else [sub]):
            where[(name, cmd.name)] = cmd.callback.__module__
    assert where, "no commands found"
    for (name, _), module in where.items():
        assert module == f"sprx_cli.cli.{name}{'_' if name == 'import' else ''}", (name, module)


def test_cli_modules_are_thin():
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in (PACKAGE / "cli").glob("*.py")}
    assert max(sizes.values()) <= 450, sizes


@pytest.mark.parametrize("stage", ["render", "aggregate"])
def test_renderers_do_not_import_validation(stage):
    """What draws and counts reads the model (and the field table), never the readers or the checks."""
    for name, targets in GRAPH.items():
        if stage_of(name) == stage:
            assert not {t for t in targets if t.startswith(("sprx_cli.registry.validate", "sprx_cli.registry.check",
                                                            "sprx_cli.registry.read"))}, name


def test_public_functions_and_classes_have_docstrings():
    missing = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if (isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_")
                    and not ast.get_docstring(node)):
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert missing == []


def test_tests_use_helpers_not_conftest():
    """conftest.py holds fixtures; what tests share by name is in helpers.py."""
    for path in (ROOT / "tests").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "conftest", path.name
                if node.module and node.module.startswith("sprx_cli"):
                    private = [a.name for a in node.names if a.name.startswith("_")]
                    assert not private, (path.name, private)
