"""Every problem code sprx validate can report, each shown by a real broken file.

Each case names the files to check, the code expected, where it must be reported, and the exit
status. The located line printed for it is asserted exactly as a user sees it when piped.
"""

from __future__ import annotations

import json

import pytest

from sprx_cli.core.problems import Loc

from helpers import MINI
from helpers import SCHEMES as S

PLACES = "tests/fixtures/places/messy.csv"  # a place-name table with every kind of bad row


def with_option(option: str, path: str) -> list[str]:
    args = list(MINI)
    args[args.index(option) + 1] = path
    return args


# (arguments, code, severity, location as printed, a fragment of the message or hint)
CASES = [
    # scheme registry, YAML
    (["--schemes", S + "syntax.yaml"], "yaml-syntax", "error", S + "syntax.yaml:5:1", "quote or bracket is not closed"),
    (["--schemes", S + "tabs.yaml"], "yaml-syntax", "error", S + "tabs.yaml:3:1", "spaces, not tabs"),
    (["--schemes", S + "duplicate-key.yaml"], "yaml-duplicate-key", "error", S + "duplicate-key.yaml:5:5",
     "'name' appears twice in the same mapping (first on line 3)"),
    (["--schemes", S + "python-tag.yaml"], "yaml-tag", "error", S + "python-tag.yaml:3:11",
     "!!python/object/apply:os.system is not allowed"),
    (["--schemes", S + "alias-bomb.yaml"], "yaml-alias-bomb", "error", S + "alias-bomb.yaml:6:8", "too much data"),
    (["--schemes", S + "too-deep.yaml"], "yaml-too-deep", "error", S + "too-deep.yaml:7:101",
     "nested more than 50 levels deep"),
    (["--schemes", S + "empty.yaml"], "registry-empty", "error", S + "empty.yaml:1:1", "is empty"),
    (["--schemes", S + "no-schemes-key.yaml"], "registry-shape", "error", S + "no-schemes-key.yaml:1:1",
     "top-level 'schemes:' list"),
    (["--schemes", S + "wrong-type.yaml"], "wrong-type", "error", S + "wrong-type.yaml:4:7",
     "'name' should be text, not a mapping"),
    (["--schemes", S + "missing-field.yaml"], "missing-field", "error", S + "missing-field.yaml:2:5",
     "required field 'name' is missing"),
    (["--schemes", S + "unknown-field.yaml"], "unknown-field", "error", S + "unknown-field.yaml:5:14",
     "did you mean 'website'?"),
    (["--schemes", S + "duplicate-id.yaml"], "duplicate-id", "error", S + "duplicate-id.yaml:6:9",
     "id 'camden-walks' is used twice (first at line 2)"),
    (["--schemes", S + "invalid-id.yaml"], "invalid-id", "error", S + "invalid-id.yaml:2:9", "e.g. 'camden-walks'"),
    (["--schemes", S + "unknown-borough.yaml"], "unknown-borough", "error", S + "unknown-borough.yaml:6:9",
     "did you mean 'Islington'?"),
    (["--schemes", S + "unknown-term.yaml"], "unknown-term", "error", S + "unknown-term.yaml:5:37",
     "'walking' is not a key in the categories list"),
    (["--schemes", S + "unknown-term.yaml"], "unknown-term", "error", S + "unknown-term.yaml:6:23",
     "did you mean 'gp'?"),
    (["--schemes", S + "coordinate-incomplete.yaml"], "coordinate-incomplete", "error",
     S + "coordinate-incomplete.yaml:7:14", "has lat but no lon"),
    (["--schemes", S + "coordinate-invalid.yaml"], "coordinate-invalid", "error",
     S + "coordinate-invalid.yaml:7:14", "is not a number"),
    (["--schemes", S + "coordinate-nan.yaml"], "coordinate-invalid", "error", S + "coordinate-nan.yaml:6:50",
     "lon 'nan' is not a finite number"),
    (["--schemes", S + "coordinate-out-of-range.yaml"], "coordinate-out-of-range", "error",
     S + "coordinate-out-of-range.yaml:7:14", "lat 515.39 is outside -90..90"),
    (["--schemes", S + "coordinate-placeholder.yaml"], "coordinate-placeholder", "error",
     S + "coordinate-placeholder.yaml:7:14", "placeholder"),
    (["--schemes", S + "invalid-postcode.yaml"], "invalid-postcode", "error", S + "invalid-postcode.yaml:7:19",
     "'NW1 ABC' is not a UK postcode"),
    (["--schemes", S + "invalid-website.yaml"], "invalid-website", "error", S + "invalid-website.yaml:5:14",
     "'javascript:alert(1)' is not an http(s) address"),
    (["--schemes", S + "invalid-email.yaml"], "invalid-email", "error", S + "invalid-email.yaml:5:12",
     "'walks at example.org' is not an email address"),
    (["--schemes", S + "invalid-date.yaml"], "invalid-date", "error", S + "invalid-date.yaml:6:20",
     "'31/03/2026' is not a date in YYYY-MM-DD form"),
    (["--schemes", S + "future-date.yaml"], "future-date", "error", S + "future-date.yaml:6:20", "in the future"),
    (["--schemes", S + "invalid-status.yaml"], "invalid-status", "error", S + "invalid-status.yaml:5:13",
     "did you mean 'closed'?"),
    (["--schemes", S + "eligibility.yaml"], "age-range", "error", S + "eligibility.yaml:5:28",
     "min_age 70 is above max_age 18"),
    (["--schemes", S + "eligibility.yaml"], "invalid-age", "error", S + "eligibility.yaml:12:16",
     "min_age '7.5' is not a whole number of years"),
    (["--schemes", S + "eligibility.yaml"], "invalid-ages-of", "error", S + "eligibility.yaml:26:40",
     "ages_of 'kids' is not one of person, child"),
    (["--schemes", S + "eligibility.yaml"], "unknown-field", "error", S + "eligibility.yaml:14:13",
     "unknown field 'when'"),
    (["--schemes", S + "eligibility.yaml"], "alias-conflict", "error", S + "eligibility.yaml:20:12",
     "both 'boroughs' and 'areas' are given"),
    (["--schemes", S + "eligibility.csv"], "age-range", "error", S + "eligibility.csv row 3",
     "min_age 65 is above max_age 50"),
    (["--schemes", S + "eligibility.csv"], "invalid-age", "error", S + "eligibility.csv row 4",
     "max_age 'twelve' is not a whole number of years"),
    (["--schemes", S + "invalid-hours.yaml"], "invalid-hours", "error", S + "invalid-hours.yaml:7:9",
     "'funday' is not a day of the week"),
    (["--schemes", S + "invalid-hours.yaml"], "invalid-hours", "error", S + "invalid-hours.yaml:8:9",
     "opens at 14:00 but closes at 13:00"),
    (["--schemes", S + "invalid-hours.csv"], "invalid-hours", "error", S + "invalid-hours.csv row 3",
     "opens '25:00' is not a 24-hour time"),
    (["--schemes", S + "location-extras.yaml"], "unknown-term", "error", S + "location-extras.yaml:8:24",
     "'lift' is not a key in the accessibility list"),
    (["--schemes", S + "location-extras.yaml"], "invalid-hours", "error", S + "location-extras.yaml:9:16",
     "opens at 10:00 but closes at 09:00"),
    (["--schemes", S + "alias-conflict.csv"], "alias-conflict", "error", S + "alias-conflict.csv row 1",
     "columns 'boroughs' and 'areas' are the same field"),
    (["--schemes", S + "unknown-language.yaml"], "unknown-language", "error", S + "unknown-language.yaml:5:21",
     "did you mean 'bn' (Bengali)?"),
    (["--schemes", S + "unknown-language.yaml"], "unknown-language", "error", S + "unknown-language.yaml:5:30",
     "'xx' is not an ISO 639 language code"),
    (["--schemes", S + "unknown-language.csv"], "unknown-language", "error", S + "unknown-language.csv row 3",
     "did you mean 'so' (Somali)?"),
    (["--schemes", S + "invalid-charity-number.yaml"], "invalid-charity-number", "error",
     S + "invalid-charity-number.yaml:5:21", "'12345' is not a register number"),
    (["--schemes", S + "invalid-charity-number.csv"], "invalid-charity-number", "error",
     S + "invalid-charity-number.csv row 3", "'CH 123' is not a register number"),
    (["--schemes", S + "invalid-oruk-id.yaml"], "invalid-oruk-id", "error",
     S + "invalid-oruk-id.yaml:5:14", "oruk_id '../../../escaped' cannot be a service's id in the feed"),
    (["--schemes", S + "invalid-oruk-id.csv"], "invalid-oruk-id", "error",
     S + "invalid-oruk-id.csv row 3", "oruk_id 'a b/c' cannot be"),
    (["--schemes", S + "new-fields.yaml"], "unknown-term", "error", S + "new-fields.yaml:5:11",
     "'cheap' is not a key in the costs list"),
    (["--schemes", S + "new-fields.yaml"], "unknown-term", "error", S + "new-fields.yaml:6:27",
     "'video' is not a key in the delivery list"),
    (["--schemes", S + "new-fields.yaml"], "unknown-term", "error", S + "new-fields.yaml:7:32",
     "'ramp' is not a key in the accessibility list"),
    (["--schemes", S + "new-fields.yaml"], "invalid-website", "error", S + "new-fields.yaml:8:19",
     "referral_url 'www.example.org/refer' is not an http(s) address"),
    (["--schemes", S + "new-fields.yaml"], "invalid-email", "error", S + "new-fields.yaml:9:21",
     "referral_email 'refer at example.org' is not an email address"),
    (["--schemes", S + "translations.yaml"], "unknown-field", "error", S + "translations.yaml:8:11",
     "translations.cy: unknown field 'descripton' (fix: did you mean 'description'?)"),
    (["--schemes", S + "translations.yaml"], "translation-of-source", "error", S + "translations.yaml:14:11",
     "scheme 'islington-art': 'translations' has English ('en'), the language of the registry's own text"),
    (["--schemes", S + "translations.yaml"], "unknown-language", "error", S + "translations.yaml:15:14",
     "'Welsh' is not an ISO 639 language code (fix: did you mean 'cy' (Welsh)?)"),
    (["--schemes", S + "translations.yaml"], "wrong-type", "error", S + "translations.yaml:22:11",
     "'translations.cy' should be a mapping of name, provider, description"),
    (["--schemes", S + "translations.csv"], "unknown-language", "error", S + "translations.csv row 3",
     "scheme 'islington-art': 'zz' is not an ISO 639 language code"),
    # scheme registry, CSV
    (["--schemes", S + "cp1252.csv"], "encoding-error", "error", S + "cp1252.csv:2", "--encoding cp1252"),
    (["--schemes", S + "csv-syntax.csv"], "csv-syntax", "error", S + "csv-syntax.csv row 2", "must be doubled"),
    (["--schemes", S + "control-character.yaml"], "control-character", "error", S + "control-character.yaml:3:11",
     "'name' holds the control character U+000B"),
    (["--schemes", S + "too-wide.csv"], "csv-too-wide", "error", S + "too-wide.csv row 1",
     "has 1,001 columns (at most 1,000)"),  # (100,000 columns took 88 s)
    (["--schemes", S + "csv-extra-cells.csv"], "csv-extra-cells", "error", S + "csv-extra-cells.csv row 3",
     "row 3 has 5 cells but the header names 4 columns"),
    (["--schemes", S + "csv-duplicate-column.csv"], "csv-duplicate-column", "error",
     S + "csv-duplicate-column.csv row 1", "column 'name' appears twice in the header"),
    (["--schemes", S + "csv-missing-column.csv"], "missing-column", "error", S + "csv-missing-column.csv row 1",
     "has no column 'name'"),
    (["--schemes", S + "csv-errors.csv"], "unknown-borough", "error", S + "csv-errors.csv row 3",
     "did you mean 'Islington'?"),
    # warnings
    (["--schemes", S + "duplicate-value.yaml"], "duplicate-value", "warning", S + "duplicate-value.yaml:4:24",
     "is listed twice"),
    (["--schemes", S + "location-outside.yaml"], "location-outside-boroughs", "warning",
     S + "location-outside.yaml:9:14", "lat and lon look swapped: lat 51.539, lon -0.1426 would place it in Camden"),
    (["--schemes", S + "location-outside.yaml"], "location-outside-boroughs", "warning",
     S + "location-outside.yaml:12:14", "it falls in Islington"),
    (["--schemes", S + "postcodes.yaml"], "postcode-unknown", "warning", S + "postcodes.yaml:11:19",
     "did you mean SW1A 1AA, SW1A 1AB or SW1A 1AG?"),
    (["--schemes", S + "postcodes.csv"], "postcode-unknown", "warning", S + "postcodes.csv row 3",
     "NW1 4ZZ, which is not in the postcode table"),
    (["--schemes", S + "postcodes.yaml"], "postcode-far", "warning", S + "postcodes.yaml:14:14",
     "4.4 km from the centre of its postcode SW1A 1AA (51.50101, -0.14156) (fix: the postcode is likelier wrong"),
    (["--schemes", S + "postcodes.csv"], "postcode-far", "warning", S + "postcodes.csv row 4",
     "lat and lon look swapped"),
    (["--schemes", S + "postcodes.yaml"], "location-outside-boroughs", "warning", S + "postcodes.yaml:17:19",
     "(postcode SE1 7PB, placed at 51.5025, -0.11938) is not in Camden (fix: its postcode is in Lambeth"),
    ([*MINI, "--places", PLACES], "place-name-invalid", "warning", PLACES + " row 5",
     "lat 'north' is not a latitude in degrees, so the place is left out of the finder's search"),
    ([*MINI, "--places", PLACES], "place-name-invalid", "warning", PLACES + " row 9",
     "postcode ZZ9 9ZZ is not in the postcode table"),
    (["--schemes", S + "upkeep.yaml"], "stale-entry", "warning", S + "upkeep.yaml:7:20", "more than 12 months ago"),
    (["--schemes", S + "upkeep.yaml"], "possible-duplicate", "warning", S + "upkeep.yaml:9:11",
     "same name and provider as 'camden-walks'"),
    (["--schemes", S + "duplicate-charity.yaml"], "possible-duplicate", "warning", S + "duplicate-charity.yaml:10:11",
     "same name and charity number as 'camden-walks'"),
    (["--schemes", S + "missing-translation.yaml", "--language", "cy"], "missing-translation", "warning",
     S + "missing-translation.yaml:10:11", "scheme 'islington-art' has no Welsh (cy) name, and the site publishes "
     "in Welsh (fix: add it under 'translations'"),
    (["--schemes", S + "upkeep.yaml"], "not-verified", "warning",
 S + "upkeep.yaml:14:9", "no last_verified date"),
    (["--schemes", S + "upkeep.yaml"], "no-contact", "warning", S + "upkeep.yaml:14:9", "no website, email or phone"),
    # area registry
    (with_option("--areas", "tests/fixtures/areas/missing-column.csv"), "areas-missing-column", "error",
     "tests/fixtures/areas/missing-column.csv row 1", "has no column 'name'"),
    (with_option("--areas", "tests/fixtures/areas/invalid-code.csv"), "areas-invalid-code", "error",
     "tests/fixtures/areas/invalid-code.csv row 2", "'E9000901' is not a GSS code"),
    (with_option("--areas", "tests/fixtures/areas/duplicate-code.csv"), "areas-duplicate-code", "error",
     "tests/fixtures/areas/duplicate-code.csv row 4", "appears twice (first in row 2)"),
    (with_option("--areas", "tests/fixtures/areas/missing-name.csv"), "areas-missing-name", "error",
     "tests/fixtures/areas/missing-name.csv row 3", "E09000902 has no name"),
    (with_option("--areas", "tests/fixtures/areas/invalid-population.csv"), "areas-invalid-population", "error",
     "tests/fixtures/areas/invalid-population.csv row 2", "'about 100k'"),
    ([*with_option("--areas", "tests/fixtures/areas/no-population.csv"), "--metric", "per-100k"],
     "areas-missing-population", "warning", "tests/fixtures/areas/no-population.csv row 4",
     "Eastmoor (E09000903) has no population, and the map's metric is per-100k: shading per 100,000 residents "
     "needs a population for every area (fix: type its population, with its source (ONS mid-2022 has none: a "
     "district code the ONS mid-2022 table does not have (another vintage of districts?)))"),
    (with_option("--areas", "tests/fixtures/areas/ambiguous-name.csv"), "areas-ambiguous-name", "error",
     "tests/fixtures/areas/ambiguous-name.csv row 3", "'Town' names both E09000901 (row 2) and E09000902"),
    (with_option("--areas", "tests/fixtures/areas/empty.csv"), "areas-empty", "error",
     "tests/fixtures/areas/empty.csv", "lists no areas"),
    # vocabulary
    (with_option("--schemes", "tests/fixtures/mini/schemes.yaml")
     + ["--vocabulary", "tests/fixtures/vocabulary/invalid.yaml"],
     "vocabulary-invalid", "error", "tests/fixtures/vocabulary/invalid.yaml:2:5", "'orange'"),
    (MINI + ["--vocabulary", "tests/fixtures/vocabulary/invalid.yaml"],
     "vocabulary-invalid", "error", "tests/fixtures/vocabulary/invalid.yaml:4:5", "'physical-activity' appears twice"),
    (MINI + ["--vocabulary", "tests/fixtures/vocabulary/invalid.yaml"],
     "vocabulary-invalid", "error", "tests/fixtures/vocabulary/invalid.yaml:6:5",
     "label_zz of 'cafe' is not a label in a language (fix: write it as label_ and an ISO 639 code"),
    (MINI + ["--vocabulary", "tests/fixtures/vocabulary/invalid.yaml"],
     "vocabulary-invalid", "error", "tests/fixtures/vocabulary/invalid.yaml:7:5",
     "synonyms of 'tea' is not a list of words people use (fix: write it as synonyms: [exercise, sport]"),
    # boundaries
    (with_option("--boundaries", "tests/fixtures/boundaries/not-geojson.geojson"), "boundaries-unreadable", "error",
     "tests/fixtures/boundaries/not-geojson.geojson", "cannot read boundaries"),
    (with_option("--boundaries", "tests/fixtures/boundaries/projected-no-crs.geojson"), "boundaries-no-crs", "error",
     "tests/fixtures/boundaries/projected-no-crs.geojson", "EPSG:27700"),
    (with_option("--boundaries", "tests/corpus/empty-collection.geojson"), "boundaries-empty", "error",
     "tests/corpus/empty-collection.geojson", "holds no features"),
    (with_option("--boundaries", "tests/fixtures/boundaries/other-field-names.geojson"), "boundaries-missing-field",
     "error", "tests/fixtures/boundaries/other-field-names.geojson", "LAD24CD, LAD24NM"),
    (with_option("--boundaries", "tests/fixtures/boundaries/duplicate-code.geojson"), "boundaries-duplicate-code",
     "error", "tests/fixtures/boundaries/duplicate-code.geojson", "feature 4 (E09000901) repeats an area code"),
    (with_option("--boundaries", "tests/fixtures/boundaries/empty-geometry.geojson"), "boundaries-empty-geometry",
     "error", "tests/fixtures/boundaries/empty-geometry.geojson", "feature 3 (E09000903) has no geometry"),
    (with_option("--boundaries", "tests/fixtures/boundaries/missing-area.geojson"), "boundaries-missing-area",
     "error", "tests/fixtures/boundaries/missing-area.geojson", "no boundary for E09000903 (Eastmoor)"),
    (with_option("--boundaries", "tests/fixtures/boundaries/unknown-area.geojson"), "boundaries-unknown-area",
     "error", "tests/fixtures/boundaries/unknown-area.geojson", "E09000999"),
    (with_option("--boundaries", "tests/fixtures/boundaries/invalid-geometry.geojson"),
     "boundaries-invalid-geometry", "warning", "tests/fixtures/boundaries/invalid-geometry.geojson",
     "repaired in memory"),
]


def _id(case):
    return f"{case[1]}@{case[3].split('/')[-1]}"


@pytest.mark.parametrize("args,code,severity,where,fragment", CASES, ids=[_id(c) for c in CASES])
def test_problem_is_reported_located(sprx, args, code, severity, where, fragment):
    result = sprx("validate", *args)
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith(f"{where}: {severity} [{code}] ")]
    assert lines, result.stdout
    assert any(fragment in ln for ln in lines), lines
    assert "Traceback" not in result.output
    has_errors = any(" error [" in ln for ln in result.stdout.splitlines())
    assert result.exit_code == (1 if has_errors else 0)


def test_every_code_has_a_case():
    """The codes documented in the README are exactly the ones these cases exercise."""
    from pathlib import Path
    import re

    readme = Path("README.md").read_text(encoding="utf-8")
    section = readme.split("#### Problem codes")[1].split("\n## ")[0]
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \|", section, re.M))
    # (and the settings file's, in a folder of its own: test_languages.py::test_a_title_without_welsh_...)
    tested = {c[1] for c in CASES} | {"file-not-found", "file-unreadable", "untranslated-title"}
    assert documented == tested


def test_json_report_shape(sprx):
    result = sprx("validate", "--schemes", S + "unknown-borough.yaml", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False and report["errors"] == 1 and report["warnings"] == 0
    assert report["problems"] == [{
        "code": "unknown-borough", "severity": "error", "file": S + "unknown-borough.yaml",
        "line": 6, "column": 9, "row": None, "location": S + "unknown-borough.yaml:6:9",
        "field": "boroughs", "value": "Islingtn",
        "message": "scheme 'camden-walks': unknown borough 'Islingtn'", "hint": "did you mean 'Islington'?"}]
    assert report["files"]["schemes"] == S + "unknown-borough.yaml"


def test_exact_text_output(sprx):
    result = sprx("validate", "--schemes", S + "invalid-status.yaml")
    assert result.exit_code == 1
    assert result.stdout == (
        f"{S}invalid-status.yaml:5:13: error [invalid-status] scheme 'camden-walks': status 'closd' is not one "
        "of active, paused, closed (fix: did you mean 'closed'?)\n"
        "Invalid: 1 error, 0 warnings. Fix the errors above and run again.\n")


def test_loc_formats():
    assert str(Loc("a.yaml", 3, 7)) == "a.yaml:3:7"
    assert str(Loc("a.csv", row=4)) == "a.csv row 4"
    assert str(Loc("a.csv", line=2)) == "a.csv:2"
    assert str(Loc("b.geojson")) == "b.geojson"
