"""Every rule lives in one place: the problem-code catalogue, the field table and the page's data
contract, and the README tables made from them."""

from __future__ import annotations

import ast
import json
import re
from datetime import date

import pytest

from helpers import ROOT
from sprx_cli.core import problems
from sprx_cli.registry import fields
from sprx_cli.render import pagedata
from sprx_cli.core.model import Location, Scheme

PACKAGE = ROOT / "sprx_cli"


# --- problem codes -----------------------------------------------------------------------------

def _codes_in_source() -> set[str]:
    """Every problem code the package's source writes: the first argument of Problem(...),
    Fault(...) and Report.add(...) when it is a string literal."""
    used = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name in ("Problem", "Fault", "add") and isinstance(node.args[0].value, str):
                    used.add(node.args[0].value)
    return used


def test_every_code_used_is_declared():
    used = _codes_in_source()
    assert used, "the scan found no codes"
    assert used - set(problems.CODES) == set()


def test_an_undeclared_code_cannot_be_made():
    from sprx_cli.core.problems import Loc, Problem

    with pytest.raises(ValueError, match="not in the catalogue"):
        Problem("no-such-code", "x", Loc("f"))
    with pytest.raises(ValueError, match="declared as warning"):
        Problem("stale-entry", "x", Loc("f"), "error")
    assert Problem("stale-entry", "x", Loc("f")).severity == "warning"
    assert Problem("invalid-email", "x", Loc("f")).hint == problems.CODES["invalid-email"].fix


def _produced_by_fixtures() -> set[str]:
    """The codes the library reports for the broken fixtures of test_validate_codes.py, and for
    a missing and an unreadable file."""
    from test_validate_codes import CASES

    from sprx_cli.core.model import Sources
    from sprx_cli.registry.validate import validate

    def sources(args: list[str]) -> Sources:
        opts = dict(zip(args[::2], args[1::2]))
        return Sources(opts.get("--schemes", "schemes.yaml"), opts.get("--areas", "data/areas.csv"),
                       opts.get("--boundaries", "data/london-boroughs.geojson"),
                       opts.get("--vocabulary", "data/vocabulary.yaml"),
                       postcodes=opts.get("--postcodes", "data/london-postcodes.csv.gz"), places=opts.get("--places"))

    codes = set()
    from sprx_cli.aggregate.metrics import population_need

    for args, *_ in CASES:
        opts = dict(zip(args[::2], args[1::2]))
        report, _ = validate(sources(args), population_need=population_need(opts.get("--metric", "count")),
                             languages=(opts["--language"],) if "--language" in opts else ())
        codes |= {p.code for p in report.problems}
    from sprx_cli.core.settings import Settings

    codes |= {p.code for p in Settings(ROOT / "tests/fixtures/settings/untranslated-title").problems(("cy", "en"))}
    for missing in ("nowhere.yaml", "tests"):  # no such file; a folder cannot be read as a file
        report, _ = validate(sources(["--schemes", missing]))
        codes |= {p.code for p in report.problems}
    return codes


def test_every_declared_code_is_produced_by_a_fixture():
    assert set(problems.CODES) - _produced_by_fixtures() == set()


# --- the field table -----------------------------------------------------------------------------

def test_model_follows_the_field_table():
    assert Scheme._fields == fields.SCHEME_FIELDS
    # and what sprx adds: whether the point was placed at its postcode's centre
    assert Location._fields == (*fields.LOCATION_FIELDS, "coordinates_from")
    assert fields.REQUIRED_FIELDS == ("id", "name", "boroughs")
    assert set(fields.CSV_COLUMNS) == ({f.csv for f in fields.FIELDS if f.csv} | set(fields.CSV_LOCATION_COLUMNS)
                                       | set(fields.CSV_PART_COLUMNS))
    assert len(fields.CSV_COLUMNS) == len(set(fields.CSV_COLUMNS))
    from sprx_cli.core.vocabulary import LISTS, OPTIONAL_LISTS

    assert all(f.vocabulary in LISTS + OPTIONAL_LISTS for f in fields.FIELDS if f.vocabulary)


def test_readme_tables_are_generated_from_the_declarations():
    import importlib.util

    spec = importlib.util.spec_from_file_location("update_readme", ROOT / "scripts/update_readme.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert script.update(readme) == readme, "run: python scripts/update_readme.py"
    assert fields.readme_table() in readme and problems.readme_table() in readme


def test_no_regular_expression_is_written_twice():
    patterns = []
    for path in PACKAGE.rglob("*.py"):
        patterns += re.findall(r're\.compile\(\s*(r?"[^"]*"|r?\'[^\']*\')', path.read_text(encoding="utf-8"))
    assert len(patterns) == len(set(patterns))


CTX = fields.Context(None, None, date(2026, 11, 23))  # rules that need no areas or vocabulary


@pytest.mark.parametrize("rule,good,normal,bad,code", [
    (fields.slug, "camden-walks", "camden-walks", "Camden Walks", "invalid-id"),
    (fields.website, "https://example.org/x", "https://example.org/x", "javascript:alert(1)", "invalid-website"),
    (fields.email, "mailto:a@example.org", "a@example.org", "a at example.org", "invalid-email"),
    (fields.status, "Paused", "paused", "open", "invalid-status"),
    (fields.past_date("last_verified"), "2026-11-23", date(2026, 11, 23), "23/11/2026", "invalid-date"),
    (fields.past_date("last_verified"), "2026-01-31", date(2026, 1, 31), "2026-11-24", "future-date"),
    (fields.postcode, "sw1a1aa", "SW1A 1AA", "SW1A", "invalid-postcode"),
    (fields.LAT_FIELD.rule, "\u221251.5", -51.5, "91", "coordinate-out-of-range"),
    (fields.LON_FIELD.rule, "-0.12", -0.12, "nan", "coordinate-invalid"),
])
def test_each_rule_is_a_function_of_one_value(rule, good, normal, bad, code):
    assert rule(good, CTX) == normal
    fault = rule(bad, CTX)
    assert isinstance(fault, fields.Fault) and fault.code == code and fault.code in problems.CODES


def test_evaluate_words_faults_with_where_they_are():
    from sprx_cli.core.vocabulary import load_vocabulary

    vocab, _ = load_vocabulary(ROOT / "data/vocabulary.yaml", "v")
    ctx = CTX._replace(vocabulary=vocab)
    value, findings = fields.evaluate(fields.BY_NAME["categories"], ["arts-creativity", {"a": 1}, "art"], ctx)
    assert value == ("arts-creativity",)
    assert [(x.item, x.fault.code) for x in findings] == [(1, "wrong-type"), (2, "unknown-term")]
    value, findings = fields.evaluate(fields.BY_NAME["locations"], [{"lat": "51.5"}], CTX)
    [x] = findings
    assert (x.item, x.sub, x.fault.code, x.fault.message) == (0, "lat", "coordinate-incomplete",
                                                               "location 1 has lat but no lon")
    value, findings = fields.evaluate(fields.BY_NAME["name"], "  ", CTX)
    assert value is None and findings[0].fault.code == "missing-field"


# --- the page's data ------------------------------------------------------------------------------

def test_page_data_follows_the_contract(load):
    from sprx_cli.render.mapdata import MapOptions, map_data

    _, registry = load("counts")
    data, _ = map_data(registry, MapOptions())
    assert set(data) == set(pagedata.TOP_LEVEL) and set(pagedata.FIRST) < set(pagedata.TOP_LEVEL)
    for name, columns in (("schemes", pagedata.SCHEME_COLUMNS), ("points", pagedata.POINT_COLUMNS),
                          ("areas", pagedata.AREA_COLUMNS)):
        assert list(data[name]) == list(columns)
        assert len({len(v) for v in data[name].values()}) == 1, name  # columns of one length
    assert all(set(c) == set(pagedata.CATEGORY_KEYS) for c in data["categories"])
    assert all(set(b) == set(pagedata.BAND_KEYS) for b in data["bands"])
    json.dumps(data, allow_nan=False)


def _script() -> str:
    from sprx_cli.render.assets import own_script

    return own_script()


def test_map_script_reads_only_named_fields():
    js = _script()
    for alias, columns in (("SC", pagedata.SCHEME_COLUMNS), ("P", pagedata.POINT_COLUMNS),
                           ("A", pagedata.AREA_COLUMNS)):
        read = set(re.findall(rf"\b{alias}\.(\w+)", js)) - {"length"}
        assert read and read <= set(columns), (alias, read - set(columns))
    top = set(re.findall(r"\bD\.(\w+)", js))
    assert top <= set(pagedata.TOP_LEVEL), top - set(pagedata.TOP_LEVEL)
    assert not re.search(r"\b(?:s|area|cat|b)\[\d+\]", js), "read by position"
    assert "window.sprxTimings" in js  # the benchmark reads it


def test_script_modules_are_joined_in_one_function():
    """Every module in render/static is in SCRIPTS (the fixed order), once; no two declare the same
    top-level name (they share one scope); the page's script is them, inside one function."""
    from sprx_cli.render.assets import SCRIPTS

    static = PACKAGE / "render" / "static"
    assert sorted(SCRIPTS) == sorted(p.name for p in static.glob("*.js"))
    names = [n for name in SCRIPTS for n in re.findall(r"^(?:function|var) (\w+)", (static / name).read_text(), re.M)]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    js = _script()
    assert js.startswith("(function () {") and js.rstrip().endswith("})();") and js.count('"use strict"') == 1
    assert set(re.findall(r"\bwindow\.(\w+) =", js)) == {"sprxTimings", "sprxInit", "sprxFinder", "sprxMap"}


def test_the_browser_takes_rules_from_python():
    """The page's script writes no email pattern or list of days of its own: they come in the page's data."""
    from sprx_cli.core.model import DAYS
    from sprx_cli.core.words import EMAIL

    js = _script()
    assert "@" not in "".join(re.findall(r"/\^[^/\n]*\$/", js)), "a pattern of addresses in the script"
    assert '"mon"' not in js and "'mon'" not in js
    assert "D.rules.email" in js and "D.keys.days" in js
    # and what Python sends is what Python checks with, usable as a JavaScript pattern
    assert "\\" + '"' not in EMAIL.pattern and list(DAYS) == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def test_every_field_has_a_place_in_every_export(load):
    import csv
    import io

    from sprx_cli.render.exports import export_schemes

    _, registry = load("counts")
    header = next(csv.reader(io.StringIO(export_schemes(registry, "csv").decode())))
    assert header == fields.flat_columns()
    assert all(f.name in header for f in fields.FIELDS if f.kind not in ("locations", "mapping", "translations"))
    assert all(p.csv in header for f in fields.FIELDS for p in f.parts if f.kind == "mapping")
    nested = json.loads(export_schemes(registry, "json"))["schemes"][0]
    assert set(fields.SCHEME_FIELDS) <= set(nested)
    props = json.loads(export_schemes(registry, "geojson"))["features"][0]["properties"]
    assert set(fields.SCHEME_FIELDS) - {"locations", "translations"} <= set(props)  # (translations: name_cy, ...)


def test_readme_example_registry_is_valid(sprx, tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("a list with one entry per scheme:\n\n```yaml\n")[1].split("```")[0]
    (tmp_path / "example.yaml").write_text(example, encoding="utf-8")
    result = sprx("validate", "--schemes", tmp_path / "example.yaml")
    assert result.exit_code == 0 and result.stdout.endswith("(0 errors, 0 warnings)\n"), result.stdout
    shown = set(re.findall(r"^ +(?:- )?(\w+):", example, re.M))
    # the example shows the rest (oruk_id is written by sprx import oruk, not by hand)
    assert set(fields.SCHEME_FIELDS) - shown <= {"cost_description", "referral_url", "oruk_id"}
