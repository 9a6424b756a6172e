"""`sprx schema`: the JSON Schema editors check a YAML registry with. Every registry the checker
accepts passes it; the structural mistakes it can express fail it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from helpers import ROOT, SCHEMES, registry_args, sources
from sprx_cli.core.areas import load_areas
from sprx_cli.interchange.schema import registry_schema, write_schema
from sprx_cli.registry.validate import validate
from sprx_cli.core.vocabulary import load_vocabulary


def _schema(name: str = "london") -> dict:
    src = sources(name)
    areas, _ = load_areas(Path(src.areas), src.areas)
    vocab, _ = load_vocabulary(Path(src.vocabulary), src.vocabulary)
    return registry_schema(areas, vocab)


@pytest.fixture(scope="module")
def london():
    schema = _schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _as_editors_read(path: Path):
    """The registry as plain data; every scalar as text, which is what sprx reads too."""
    return yaml.load(path.read_text(encoding="utf-8-sig"), Loader=yaml.BaseLoader)


def _accepted_yaml() -> list[Path]:
    """Every YAML registry in the repository that the checker accepts against the London files."""
    from sprx_cli.core.model import Sources

    out = []
    for path in sorted([ROOT / "schemes.yaml", *(ROOT / SCHEMES).glob("*.yaml"),
                        *(ROOT / "tests/corpus").glob("*.yaml")]):
        report, _ = validate(Sources(str(path), "data/areas.csv", "data/london-boroughs.geojson",
                                     "data/vocabulary.yaml"), check_boundaries=False)
        if report.valid:
            out.append(path)
    return out


def test_every_registry_the_checker_accepts_passes(london):
    accepted = _accepted_yaml()
    assert ROOT / "schemes.yaml" in accepted and len(accepted) >= 5
    for path in accepted:
        errors = [e.message for e in london.iter_errors(_as_editors_read(path))]
        assert errors == [], (path.name, errors[:3])
    for name in ("mini", "counts", "hostile"):  # the fixture registries, against their own areas
        report, _ = validate(sources(name))
        assert report.valid
        errors = [e.message for e in jsonschema.Draft202012Validator(_schema(name)).iter_errors(
            _as_editors_read(ROOT / sources(name).schemes))]
        assert errors == [], (name, errors[:3])


def test_generated_registry_passes(sprx, tmp_path, london):
    out = tmp_path / "demo.yaml"
    made = sprx("demo", "generate", "--schemes", 200, "--boundaries", "data/london-boroughs.geojson", "-o", out)
    assert made.exit_code == 0
    assert list(london.iter_errors(_as_editors_read(out))) == []


SPELLINGS = ["Camden", "camden", "LB Camden", "London Borough of Camden", "E09000007", "e09000007",
             "Kensington & Chelsea", "Royal Borough of Kensington and Chelsea", "Hammersmith & Fulham", "LBHF"]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_the_area_registry_accepts(london, spelling):
    assert list(london.iter_errors({"schemes": [{"id": "a", "name": "b", "boroughs": [spelling]}]})) == []
    assert list(london.iter_errors({"schemes": [{"id": "a", "name": "b", "areas": spelling}]})) == []


BASE = {"id": "camden-walks", "name": "Camden Walks", "boroughs": ["Camden"]}


@pytest.mark.parametrize("change,where", [
    ({"boroughs": ["Islingtn"]}, "boroughs"),
    ({"webiste": "https://example.org"}, "webiste"),
    ({"name": {"a": "b"}}, "name"),
    ({"categories": ["walking"]}, "categories"),
    ({"cost": "cheap"}, "cost"),
    ({"status": "open"}, "status"),
    ({"last_verified": "31/03/2026"}, "last_verified"),
    ({"website": "javascript:alert(1)"}, "website"),
    ({"eligibility": {"age": 5}}, "eligibility"),
    ({"hours": [{"days": ["mon"], "opens": "25:00", "closes": "26:00"}]}, "hours"),
    ({"locations": [{"name": "x", "floor": "2"}]}, "locations"),
    ({"translations": {"cy": {"nmae": "Teithiau"}}}, "translations"),
    ({"translations": {"cy": "Teithiau"}}, "translations"),
    ({"translations": {"Welsh language": {"name": "Teithiau"}}}, "translations"),
    ({"locations": [{"name": "x", "translations": {"cy": {"address": "y"}}}]}, "locations"),
    ({"boroughs": None, "areas": None}, "id"),  # neither name for the areas
    ({"areas": ["Camden"]}, "areas"),  # both names
])
def test_structural_mistakes_fail(london, change, where):
    scheme = {**copy.deepcopy(BASE), **change}
    if change.get("boroughs", 1) is None:
        scheme.pop("boroughs"), scheme.pop("areas")
    errors = list(london.iter_errors({"schemes": [scheme]}))
    assert errors, change
    assert list(london.iter_errors({"schemes": [BASE]})) == []


def test_cli_writes_the_library_schema(sprx, tmp_path):
    result = sprx("schema", *registry_args("london"))
    assert result.exit_code == 0
    assert result.stdout == write_schema(_schema())
    out = tmp_path / "s.json"
    result = sprx("schema", *registry_args("london"), "--output", out)
    assert result.exit_code == 0 and result.stderr == f"Wrote {out} (JSON Schema)\n"
    assert json.loads(out.read_text(encoding="utf-8"))["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_cli_refuses_a_broken_area_registry(sprx):
    result = sprx("schema", "--areas", "tests/fixtures/areas/invalid-code.csv")
    assert result.exit_code == 1 and "[areas-invalid-code]" in result.stderr


def test_init_writes_the_schema_and_points_the_registry_at_it(sprx, tmp_path):
    from helpers import ENGLAND

    folder = tmp_path / "reg"
    result = sprx("init", folder, "--boundaries", ENGLAND, "--code-field", "LAD24CD", "--name-field", "LAD24NM")
    assert result.exit_code == 0, result.output
    first = (folder / "schemes.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=schemes.schema.json"
    schema = json.loads((folder / "schemes.schema.json").read_text(encoding="utf-8"))
    v = jsonschema.Draft202012Validator(schema)
    assert list(v.iter_errors({"schemes": [{"id": "a", "name": "b", "areas": ["Ashvale"]}]})) == []
    assert list(v.iter_errors({"schemes": [{"id": "a", "name": "b", "areas": ["Camden"]}]}))


def test_bundled_schema_is_current(sprx):
    """schemes.schema.json beside the example registry is what `sprx schema` makes now (run
    `sprx schema -o schemes.schema.json` after changing the areas, the vocabulary or the fields)."""
    result = sprx("schema")
    assert result.exit_code == 0
    assert (ROOT / "schemes.schema.json").read_text(encoding="utf-8") == result.stdout
    head = (ROOT / "schemes.yaml").read_text(encoding="utf-8").splitlines()[:2]
    assert head[1] == "# yaml-language-server: $schema=schemes.schema.json"  # any comment line works
