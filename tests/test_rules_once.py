"""Each rule has one definition, called from everywhere else, and the library speaks in its own words:
no message is keyed by a command-line option (the command line names the option), and no fix the
catalogue already has is typed again where a problem is made."""

from __future__ import annotations

import ast
import re

import pytest

from helpers import ROOT

PACKAGE = ROOT / "sprx_cli"
LIBRARY = [p for p in sorted(PACKAGE.rglob("*.py")) if "cli" not in p.relative_to(PACKAGE).parts]
SOURCE = {p: p.read_text(encoding="utf-8") for p in sorted(PACKAGE.rglob("*.py"))}


def _where(text: str) -> list[str]:
    return [str(p.relative_to(ROOT)) for p, s in SOURCE.items() if text in s]


def _strings(node) -> list[str]:
    """The literal text of a string or f-string node."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)]
    if isinstance(node, ast.BinOp):
        return _strings(node.left) + _strings(node.right)
    return []


@pytest.mark.parametrize("name,pattern", [
    ("slug", r"[a-z0-9]+(?:-[a-z0-9]+)*"),
    ("email", r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"),
    ("time of day", r"([01]?\d|2[0-3]):"),
    ("ISO date", r"\d{4}-\d{2}-\d{2}$"),
])
def test_a_pattern_is_written_once(name, pattern):
    assert len(_where(pattern)) == 1, (name, _where(pattern))


def test_the_json_schema_takes_its_patterns_from_the_rules():
    from sprx_cli.core.words import EMAIL, SLUG
    from sprx_cli.interchange.schema import PATTERNS
    from sprx_cli.registry.rules import ISO_DATE

    for pattern, key in ((SLUG, "id"), (EMAIL, "email"), (ISO_DATE, "last_verified")):
        assert pattern.pattern[1:-1] in PATTERNS[key]


def test_the_language_lookup_is_in_one_module():
    assert _where("import pycountry") == ["sprx_cli/core/languages.py"]


def test_ids_are_allocated_in_one_place():
    """An id made unique (name-2, name-3, ...) and an id made from a name: once each."""
    assert _where('f"{base}-{n}"') == ["sprx_cli/core/words.py"]
    assert len(_where("def id_from_name(")) == 1 and len(_where("def slugify(")) == 1
    from sprx_cli.core.words import id_from_name, slugify, unique_id

    assert slugify("Men's Shed!") == "mens-shed" and id_from_name("   ") == "scheme"
    assert unique_id("walks", {"walks", "walks-2"}) == "walks-3" and unique_id("walks", set()) == "walks"


def test_required_fields_and_csv_parts_are_the_field_tables():
    required = ("id", "name", "boroughs")
    for path in LIBRARY:
        for node in ast.walk(ast.parse(SOURCE[path])):
            if isinstance(node, ast.Tuple) and all(isinstance(e, ast.Constant) for e in node.elts):
                assert tuple(e.value for e in node.elts) != required, path
    assert _where("(f.name, p.name) for f in FIELDS") == ["sprx_cli/registry/fields.py"]


def test_the_metric_choice_is_declared_once():
    from sprx_cli.aggregate.metrics import METRICS
    from sprx_cli.cli.common import Metric

    assert [m.value for m in Metric] == list(METRICS)
    assert set(_where('"per-100k"')) <= {"sprx_cli/aggregate/metrics.py", "sprx_cli/aggregate/counts.py"}


def test_the_inputs_a_site_depends_on_are_the_registrys_files(tmp_path):
    from sprx_cli.core.model import Sources
    from sprx_cli.site.publish import input_checksums

    for name in ("s.yaml", "a.csv", "b.geojson", "v.yaml", "p.csv"):
        (tmp_path / name).write_text(name)
    sources = Sources(*(str(tmp_path / n) for n in ("s.yaml", "a.csv", "b.geojson", "v.yaml")),
                      postcodes=str(tmp_path / "p.csv"))
    assert set(input_checksums(sources)) == set(sources.files) == {"schemes", "areas", "boundaries", "vocabulary",
                                                                     "postcodes"}


def test_no_fix_is_typed_again_where_a_problem_is_made():
    """Problem, Fault and Report.add take the fix from the catalogue when none is given."""
    from sprx_cli.core.problems import CODES

    again = []
    for path in LIBRARY:
        for node in ast.walk(ast.parse(SOURCE[path])):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in ("Problem", "Fault", "add") or node.args[0].value not in CODES:
                continue
            fix = CODES[node.args[0].value].fix
            hints = [k.value for k in node.keywords if k.arg == "hint"] + node.args[{"Problem": 6, "Fault": 2,
                                                                                     "add": 4}[name]:][:1]
            if any(fix in _strings(h) for h in hints):
                again.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.args[0].value}")
    assert again == []


FLAG = re.compile(r"(?:^|[\s(])--[a-z][a-z-]+")


def test_the_library_names_no_option_in_a_message():
    """A library error's or problem's message says what is wrong in the library's words; only a hint
    (what would help) may name the option that does."""
    keyed = []
    for path in LIBRARY:
        for node in ast.walk(ast.parse(SOURCE[path])):
            message = None
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                call = node.exc
                message = call.args[1] if getattr(call.func, "id", "") in ("UsageError", "FilterError",
                                                                             "BoundarySettingError") else call.args[0]
            elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                    "Problem", "Fault") and len(node.args) > 1:
                message = node.args[1]
            for text in _strings(message) if message is not None else ():
                if FLAG.search(text):
                    keyed.append(f"{path.relative_to(ROOT)}:{node.lineno} {text[:60]!r}")
    assert keyed == []


def test_the_command_line_decides_usage_errors_by_type():
    """A usage error is a UsageError (exit 2, the option named by the command line), never a message
    that happens to start with '--'."""
    for path, text in SOURCE.items():
        assert 'startswith("--")' not in text, path


@pytest.mark.parametrize("args,expected", [
    (["table", "--borough", "Camdn"], "Usage error: --borough: unknown area 'Camdn'; did you mean 'Camden'?\n"),
    (["table", "--status", "open"], None),  # click refuses it first: not one of the choices
    (["table", "--category", "walking"], "Usage error: --category: unknown key 'walking'"),
    (["map", "build", "--tiles", "Nowhere.Tiles", "-o", "/tmp/x.html"], "Usage error: --tiles: unknown tile provider"),
    (["validate", "--postcodes", "nowhere.csv"], "Usage error: --postcodes: 'nowhere.csv' is not a file (give an NSPL"),
    (["validate", "--areas", "nowhere.csv"], "Usage error: --areas: 'nowhere.csv' does not exist (run sprx in the "
                                             "registry folder, or pass --areas PATH)\n"),
])
def test_the_command_line_names_the_option(sprx, args, expected):
    result = sprx(*args)
    assert result.exit_code == 2 and "Traceback" not in result.output
    if expected:
        assert result.stderr.splitlines(keepends=True)[-1].startswith(expected), result.stderr


def test_a_new_scheme_is_checked_in_the_library(tmp_path):
    """sprx add's rules: each answer by the field table, the id from the name and unique, a place by postcode."""
    from dataclasses import replace

    from sprx_cli.core.errors import UsageError
    from sprx_cli.registry.validate import registry_tables
    from sprx_cli.upkeep.add import QUESTIONS, NewScheme

    from helpers import sources

    path = tmp_path / "schemes.yaml"
    path.write_text("schemes:\n  - id: camden-chess\n    name: Camden Chess\n    boroughs: [Camden]\n")
    src = replace(sources("london"), schemes=str(path))
    new = NewScheme(src, registry_tables(src))
    q = {question.field: question for question in QUESTIONS}
    assert new.check(q["boroughs"], "camden, E09000019") == (["Camden", "Islington"], None)
    value, problem = new.check(q["email"], "chess at example.org")
    assert value is None and "is not an email address" in problem and "name@example.org" in problem  # the fix
    assert new.check(q["postcode"], "NW1 7BY") == ("NW1 7BY", None)
    assert "not in the postcode table" in new.check(q["postcode"], "NW1 7ZZ")[1]
    record = new.record({"name": "Camden Chess", "boroughs": ["Camden"], "postcode": "NW1 7BY"})
    assert record["id"] == "camden-chess-2" and record["locations"] == [{"postcode": "NW1 7BY"}]
    with pytest.raises(UsageError, match="is used already") as raised:
        new.record({"name": "X", "boroughs": ["Camden"]}, "camden-chess")
    assert raised.value.subject == "id"
    with pytest.raises(UsageError, match="needs a name and at least one area"):
        new.record({"name": "X", "boroughs": None})
