"""The house rules a newcomer can rely on: thin CLI modules, renderers that read the model and not
validation, and a docstring on every public function and class."""

from __future__ import annotations

import ast

import pytest

from conftest import ROOT

PACKAGE = ROOT / "sprx_cli"


def test_no_cli_module_over_450_lines():
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in (PACKAGE / "cli").glob("*.py")}
    assert max(sizes.values()) <= 450, sizes


@pytest.mark.parametrize("module", ["render/mappage", "render/tables", "render/exports", "render/image", "aggregate/counts", "site/publish"])
def test_renderers_do_not_import_validation(module):
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    at_top = {n.module for n in tree.body if isinstance(n, ast.ImportFrom)}
    assert not at_top & {"validate", "schemes", "registry"}
    anywhere = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    if module != "site/publish":  # publish validates before it builds, inside publish()
        assert "validate" not in anywhere


def test_public_functions_and_classes_have_docstrings():
    missing = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                if not ast.get_docstring(node):
                    missing.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert missing == []
