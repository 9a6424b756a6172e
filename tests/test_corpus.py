"""The corpus of broken and hostile inputs, each with its expected outcome.

Every case runs `sprx validate --format json` and must end with the expected exit status and
problem codes, located, and never a traceback. Inputs that are accepted are then built into a
map, a table and an export, and their text must come out unchanged. The inputs live in
tests/corpus/ (and, where a fixture already existed, tests/fixtures/); the two 50 MB inputs are
made at test time."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from helpers import CORPUS as C
from helpers import page_data, registry_files

F = "tests/fixtures/"
MINI = registry_files("mini")
LONDON = registry_files("london")


@dataclass(frozen=True)
class Case:
    path: str
    option: str = "--schemes"
    exit: int = 1
    codes: tuple[str, ...] = ()  # every one must be reported; with exit 0, no error may be
    schemes: int | None = None  # how many schemes validate must count
    base: str = "mini"

    def args(self, path: str | None = None) -> list[str]:
        files = dict(MINI if self.base == "mini" else LONDON)
        files[self.option] = path or self.path
        return [a for kv in files.items() for a in kv]


CASES = [
    # YAML syntax and structure
    Case(F + "schemes/syntax.yaml", codes=("yaml-syntax",), base="london"),
    Case(F + "schemes/tabs.yaml", codes=("yaml-syntax",), base="london"),
    Case(C + "whitespace-only.yaml", codes=("yaml-syntax",)),  # a tab among blank lines
    Case(C + "trailing-garbage.yaml", codes=("yaml-syntax",)),
    Case(C + "multi-document.yaml", codes=("yaml-syntax",)),
    Case(F + "schemes/duplicate-key.yaml", codes=("yaml-duplicate-key",), base="london"),
    Case(F + "schemes/empty.yaml", codes=("registry-empty",), base="london"),
    # 5,000 nested lists: libyaml 0.2.6 refuses them itself, older ones read them; sprx says the same either way
    Case(C + "deep-nesting.yaml", codes=("yaml-too-deep",)),
    Case(C + "complex-key.yaml", codes=("unknown-field",)),
    # anchors, aliases and tags: nothing is constructed
    Case(F + "schemes/alias-bomb.yaml", codes=("yaml-alias-bomb",), base="london"),
    Case(C + "merge-key.yaml", codes=("yaml-tag",)),
    Case(F + "schemes/python-tag.yaml", codes=("yaml-tag",), base="london"),
    Case(C + "python-name-tag.yaml", codes=("yaml-tag",)),
    Case(C + "set-tag.yaml", codes=("yaml-tag",)),
    Case(C + "binary-tag.yaml", exit=0, schemes=1),  # !!binary kept as the text written, never decoded
    Case(C + "vocabulary-tag.yaml", option="--vocabulary", codes=("yaml-tag",)),
    # bytes and encodings
    Case(C + "binary-garbage.yaml", codes=("encoding-error",)),
    Case(C + "binary-garbage.csv", codes=("encoding-error",)),
    Case(C + "nul-byte.yaml", codes=("encoding-error",)),
    Case(C + "nul-byte.csv", codes=("encoding-error",)),
    Case(C + "utf16.yaml", codes=("encoding-error",)),
    Case(F + "schemes/cp1252.csv", codes=("encoding-error",), base="london"),
    Case(C + "cp1252-areas.csv", option="--areas", codes=("encoding-error",)),
    Case(F + "schemes/bom-crlf.yaml", exit=0, base="london"),
    Case(C + "bom-crlf.csv", exit=0, schemes=1),
    Case(C + "empty.csv", codes=("registry-empty",)),
    Case(C + "header-only.csv", exit=0, schemes=0),
    # text of every kind, accepted and carried through unchanged
    Case(C + "long-strings.yaml", exit=0, schemes=1),  # a 100,000-character name, a 1 MB description
    Case(C + "long-cell.csv", exit=0, schemes=1),  # a 300,000-character CSV cell
    Case(C + "welsh-irish.yaml", exit=0, schemes=2),
    Case(C + "rtl-emoji.yaml", exit=0, schemes=2),  # Arabic, Hebrew, bidi overrides, emoji sequences
    Case(C + "multiline-html.yaml", exit=0, schemes=1),  # HTML, script and Jinja in a block scalar
    Case(C + "numeric-values.yaml", exit=0, schemes=1),  # id: 123 stays the text "123"
    Case(F + "hostile/schemes.yaml", exit=0, base="hostile"),  # HTML and JavaScript in every text field
    Case(C + "zero-width-id.yaml", codes=("invalid-id",)),
    Case(C + "homoglyph-borough.yaml", codes=("unknown-borough",)),  # a Cyrillic 'о' in Northtown
    # control characters (#37 row 10): a vertical tab broke the XLSX and the Atom feed, ESC and OSC
    # sequences reached the keeper's terminal; in YAML only an escape writes one, in CSV anything
    Case(C + "control-escape.yaml", codes=("control-character",)),
    Case(C + "control.csv", codes=("control-character",)),
    Case(C + "control-areas.csv", option="--areas", codes=("control-character",)),
    Case(C + "c1-raw.yaml", codes=("yaml-syntax",)),  # a raw C1 control: YAML refuses it, located
    # links
    Case(C + "javascript-url.yaml", codes=("invalid-website",)),
    Case(C + "javascript-url-disguised.yaml", codes=("invalid-website",)),
    Case(C + "data-url.yaml", codes=("invalid-website",)),
    Case(C + "unclosed-ipv6-url.yaml", codes=("invalid-website",)),  # found by the fuzz run: urlsplit raised
    Case(C + "vbscript-email.yaml", codes=("invalid-email",)),
    # spreadsheet formulas: accepted as text, neutralised on export (tests/test_tables.py)
    Case(C + "formulas.csv", exit=0, schemes=1),
    Case(F + "schemes/formulas.yaml", exit=0, base="london"),
    # coordinates
    Case(C + "lat-lon-swapped.yaml", exit=0, codes=("location-outside-boroughs",), schemes=1),
    Case(F + "schemes/coordinate-placeholder.yaml", codes=("coordinate-placeholder",), base="london"),
    Case(C + "zero-zero.csv", codes=("coordinate-placeholder",)),
    Case(F + "schemes/coordinate-nan.yaml", codes=("coordinate-invalid",), base="london"),
    Case(C + "nan-csv.csv", codes=("coordinate-invalid",)),
    Case(C + "infinity.yaml", codes=("coordinate-invalid",)),
    Case(C + "huge-number.yaml", codes=("coordinate-invalid",)),  # 1e400 overflows to infinity
    # boundaries and areas
    Case(F + "boundaries/projected-no-crs.geojson", option="--boundaries", codes=("boundaries-no-crs",)),
    Case(F + "boundaries/invalid-geometry.geojson", option="--boundaries", exit=0,
         codes=("boundaries-invalid-geometry",)),
    Case(F + "boundaries/empty-geometry.geojson", option="--boundaries", codes=("boundaries-empty-geometry",)),
    Case(C + "empty-collection.geojson", option="--boundaries", codes=("boundaries-empty",)),
    Case(C + "garbage-boundaries.geojson", option="--boundaries", codes=("boundaries-unreadable",)),
    Case(F + "boundaries/duplicate-code.geojson", option="--boundaries", codes=("boundaries-duplicate-code",)),
    Case(F + "areas/duplicate-code.csv", option="--areas", codes=("areas-duplicate-code",)),
    Case(F + "areas/missing-column.csv", option="--areas", codes=("areas-missing-column",)),
]

HOSTILE = registry_files("hostile")


def _args(case: Case, path: str | None = None) -> list[str]:
    if case.base == "hostile":
        return [a for kv in HOSTILE.items() for a in kv]
    return case.args(path)


def _check(sprx, case: Case, path: str | None = None) -> dict:
    result = sprx("validate", *_args(case, path), "--format", "json")
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert result.exit_code == case.exit, result.output[:2000]
    report = json.loads(result.stdout)
    codes = {p["code"] for p in report["problems"]}
    assert set(case.codes) <= codes, codes
    if case.exit == 0:
        assert report["errors"] == 0
    for p in report["problems"]:  # located: the file, and a line or row wherever there is one
        assert p["file"] and p["message"] and p["hint"]
        if p["file"].endswith((".yaml", ".csv")) and p["code"] not in ("encoding-error",):
            assert p["line"] or p["row"], p
    if case.schemes is not None:
        assert report["stats"]["schemes"] == case.schemes
    return report


def test_the_corpus_is_big_enough():
    assert len({c.path for c in CASES}) >= 40
    assert all(Path(c.path).is_file() for c in CASES)
    listed = {Path(c.path).name for c in CASES if c.path.startswith(C)}
    assert listed == {p.name for p in Path(C).iterdir()}, "every file in tests/corpus/ has a case"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.path.split("/", 1)[1])
def test_corpus_case(sprx, case):
    _check(sprx, case)


def _texts_in(path: str) -> set[str]:
    """Every name and description as the registry file holds it (stripped, as sprx keeps them)."""
    raw = Path(path).read_text(encoding="utf-8-sig")
    if path.endswith(".csv"):
        csv.field_size_limit(max(csv.field_size_limit(), len(raw)))  # long-cell.csv has a 300 KB cell
        rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    else:
        rows = yaml.load(raw, Loader=yaml.BaseLoader)["schemes"]  # every scalar as text, tags ignored
    return {str(r[f]).strip() for r in rows for f in ("name", "description") if r.get(f)}


ACCEPTED_TEXT = [c for c in CASES if c.exit == 0 and c.path.startswith(C) and c.option == "--schemes"]


@pytest.mark.parametrize("case", ACCEPTED_TEXT, ids=lambda c: Path(c.path).name)
def test_accepted_text_reaches_map_table_and_export_unchanged(sprx, tmp_path, case):
    page = tmp_path / "map.html"
    result = sprx("map", "build", *_args(case), "--offline", "--tiles", "none", "-o", page)
    assert result.exit_code == 0, result.output
    data = page_data(page.read_text(encoding="utf-8"))
    expected = _texts_in(case.path)
    assert expected <= set(data["strings"])
    export = sprx("export", "schemes", *_args(case), "--format", "json")
    assert export.exit_code == 0
    exported = {s.get(f) for s in json.loads(export.stdout)["schemes"] for f in ("name", "description")}
    assert expected <= exported
    table = sprx("table", *_args(case), "--format", "json")
    counts = {r["code"]: r["schemes"] for r in json.loads(table.stdout)["rows"]}
    assert sum(data["areas"]["count"]) == sum(counts.values())


@pytest.mark.parametrize("kind", ["garbage", "one-huge-value"])
def test_fifty_megabyte_inputs(sprx, tmp_path, kind):
    """50 MB of binary garbage is refused at its first bad byte; a 50 MB description is read."""
    path = tmp_path / "big.yaml"
    if kind == "garbage":
        path.write_bytes(b"schemes:\n" + bytes(range(128, 256)) * (50 * 2**20 // 128))
        _check(sprx, Case(str(path), codes=("encoding-error",)))
    else:
        path.write_text("schemes:\n  - id: big\n    name: Big\n    boroughs: [Northtown]\n"
                        "    website: https://example.org/\n    last_verified: 2026-06-01\n"
                        f"    description: \"{'x' * (50 * 2**20)}\"\n", encoding="utf-8")
        _check(sprx, Case(str(path), exit=0, schemes=1))
