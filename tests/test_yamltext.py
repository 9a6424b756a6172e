"""The registry's YAML writer: whatever text a spreadsheet holds, what it writes reads back as the same
records, by PyYAML and by both of sprx's own readers; and ordinary records look as PyYAML writes them."""

from __future__ import annotations

import random

import yaml

from helpers import ROOT
from sprx_cli.core.yamlload import YList, load_plain, load_yaml
from sprx_cli.interchange.merge import plain
from sprx_cli.interchange.writer import as_written, registry_yaml
from sprx_cli.interchange.yamltext import scalar

AWKWARD = ["yes", "No", "on", "~", "null", "", " ", "10:00", "1:30:00", "0x1F", "1e3", "007", "+44 20 7946 0000",
           "2026-01-01", "- dash", "? what", ": colon", "a: b", "a #b", "a#b", "#hash", "'quoted'", '"double"',
           "it's", "[x]", "{y}", "a, b", "trailing ", " leading", "tab\there", "line\nbreak", "crlf\r\nend",
           "caf\u00e9", "\u00a0nbsp", "nbsp\u00a0inside", "emoji \U0001f600", "bell\x07", "nel\x85", "ls\u2028ps",
           "bom\ufeff", "back\\slash", "<<", "=", "!tag", "&anchor", "*alias", "|pipe", ">fold", "%pct", "@at",
           "`tick", "ends:", "https://example.org/a?b=c#d", "£5 a session", "12noon - 2pm", ".5", "-.inf", ".NaN",
           "Y", "n", "NULL", "True", "1_000", "0o17", "0b101", "190:20:30", "\u0000nul", "\x1b[31mred"]


def _read_three_ways(text: str) -> list:
    by_pyyaml = yaml.safe_load(text)["schemes"]
    doc, problems = load_yaml(text, "x.yaml")
    exact = plain(doc["schemes"]) if isinstance(doc["schemes"], YList) else None
    fast = load_plain(text)
    return [by_pyyaml, exact, fast["schemes"] if fast is not None else by_pyyaml]


def test_awkward_text_reads_back_as_written():
    for text in AWKWARD:
        if "\x00" in text:  # YAML cannot hold NUL even escaped for every reader; a registry refuses it anyway
            continue
        record = {"id": "x", "name": text or "n", "boroughs": [text or "b", "Camden"], "description": text,
                  "eligibility": {"description": text}, "locations": [{"address": text}],
                  "hours": [{"days": ["mon"], "opens": "10:00", "closes": "12:00"}]}
        written = as_written(record)
        got = _read_three_ways(registry_yaml([record]))
        for reader, schemes in zip(("PyYAML", "the exact loader", "the plain lane"), got):
            assert schemes == [written], (reader, text, scalar(text))


def test_random_text_reads_back_as_written():
    rnd = random.Random(23)
    pool = "ab Z09:#-'\"\\,[]{}&*!|>%@`?\t\n\r\u00e9\u00a0\u2028\x85\ufeff\U0001f600.+~="
    records = []
    for k in range(400):
        words = ["".join(rnd.choice(pool) for _ in range(rnd.randint(1, 12))) for _ in range(3)]
        records.append({"id": f"r{k}", "name": words[0], "boroughs": [words[1]], "provider": words[2],
                        "locations": [{"name": words[1], "postcode": words[2]}]})
    text = registry_yaml(records)
    for schemes in _read_three_ways(text):
        assert schemes == [as_written(r) for r in records]


def test_ordinary_records_look_as_pyyaml_writes_them():
    """The bundled registry's schemes, written again: line for line what PyYAML's emitter writes (but for
    a long line, which PyYAML folds and this keeps whole)."""
    schemes = load_plain((ROOT / "schemes.yaml").read_text(encoding="utf-8"))["schemes"]  # as text, dates too
    same = 0
    for s in schemes:
        item = as_written(s)
        ours = registry_yaml([s])
        theirs = "schemes:\n" + "".join(
            "  " + x if x.strip() else x for x in yaml.safe_dump([item], sort_keys=False, allow_unicode=True,
                                                                width=10**6, default_flow_style=None
                                                                ).splitlines(keepends=True))
        if "\n\n" in theirs:  # PyYAML writes a line break as a blank line in quotes; this writes "\n"
            continue
        assert ours == theirs, s["id"]
        same += 1
    assert same >= len(schemes) - 5
