"""What sprx imports is what it declares, and the package ships every module it has."""

from __future__ import annotations

import ast
import re
import sys

from helpers import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# import name -> distribution name, where they differ
DISTRIBUTION = {"yaml": "pyyaml", "ryml": "rapidyaml", "python_calamine": "python-calamine"}
# imported by sprx_cli/browser.py, which only tests, benchmarks and scripts use (the test extra)
TEST_ONLY = {"playwright"}


def _imports() -> set[str]:
    names = set()
    for path in (ROOT / "sprx_cli").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names}


def test_every_library_imported_is_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {re.split(r"[<>=;\[ ]", d)[0].lower() for d in project["dependencies"]}
    test_extra = {re.split(r"[<>=;\[ ]", d)[0].lower() for d in project["optional-dependencies"]["test"]}
    missing = {DISTRIBUTION.get(n, n) for n in _imports() - TEST_ONLY} - declared
    assert missing == set()
    assert TEST_ONLY <= test_extra


def test_every_subpackage_is_shipped():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    packages = {str(p.parent.relative_to(ROOT)).replace("/", ".") for p in (ROOT / "sprx_cli").rglob("__init__.py")}
    assert packages == set(config["packages"])
