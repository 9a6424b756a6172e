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
# `sprx serve`'s web framework and server: the serve extra, imported only where serving is done
SERVE_ONLY = {"starlette", "uvicorn"}


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
    missing = {DISTRIBUTION.get(n, n) for n in _imports() - TEST_ONLY - SERVE_ONLY} - declared
    assert missing == set()
    assert test_extra >= TEST_ONLY and "sprx[serve]" in project["optional-dependencies"]["test"]
    serve_extra = {re.split(r"[<>=;\[ ]", d)[0].lower() for d in project["optional-dependencies"]["serve"]}
    assert serve_extra >= SERVE_ONLY and not SERVE_ONLY & declared


def test_the_server_libraries_are_imported_only_to_serve():
    """The CLI stays light: starlette and uvicorn only in sprx_cli/serve/ and inside `sprx serve`."""
    where = set()
    for path in (ROOT / "sprx_cli").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if any(f"import {n}" in text or f"from {n}" in text for n in SERVE_ONLY):
            where.add(str(path.relative_to(ROOT)))
    assert where == {"sprx_cli/serve/app.py", "sprx_cli/serve/asgi.py", "sprx_cli/serve/connections.py",
                     "sprx_cli/cli/serve.py"}
    cli = ast.parse((ROOT / "sprx_cli/cli/serve.py").read_text(encoding="utf-8"))
    top = {a.name for node in cli.body if isinstance(node, ast.Import) for a in node.names}
    assert not top & SERVE_ONLY  # imported inside the command only


def test_every_subpackage_is_shipped():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    packages = {str(p.parent.relative_to(ROOT)).replace("/", ".") for p in (ROOT / "sprx_cli").rglob("__init__.py")}
    assert packages == set(config["packages"])
