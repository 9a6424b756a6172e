"""A fuzz run over the loaders, bounded in time (SPRX_FUZZ_SECONDS, default 20; .ci/run sets it).

Hypothesis mutates the corpus and fixture files (flipping, inserting, deleting and splicing bytes,
and inserting YAML and CSV syntax) and feeds them to every loader. A loader may only return data
and located problems: any exception is a failure, and hypothesis shrinks it to a small input.
About 40 examples a second are planned, and once the time is spent the rest return at once.
"""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sprx_cli.core.areas import load_areas
from sprx_cli.registry.read import load_registry
from sprx_cli.registry.check import check_registry
from sprx_cli.core.vocabulary import load_vocabulary
from sprx_cli.core.yamlload import load_yaml

SECONDS = float(os.environ.get("SPRX_FUZZ_SECONDS", "20"))
SEEDS = sorted(p for folder in ("tests/corpus", "tests/fixtures/schemes", "tests/fixtures/areas",
                                "tests/fixtures/vocabulary", "tests/fixtures/mini")
               for p in Path(folder).iterdir() if p.suffix in (".yaml", ".csv") and p.stat().st_size < 100_000)
TOKENS = [b"\n", b"\r\n", b"\t", b" ", b":", b": ", b"- ", b"[", b"]", b"{", b"}", b",", b'"', b"'", b"&a ", b"*a",
          b"!!python/object:os.system", b"<<: ", b"---\n", b"...\n", b"? ", b"|", b">", b"#", b"%YAML 1.1\n", b"\x00",
          b"\xef\xbb\xbf", b"\xff", b"\xc3", b";", b'""', b"=cmd()", b"\xe2\x80\xae", b"nan", b"1e999",
          b'"\\x0b"', b'"\\e[2J"', b"\x1b", b"\xc2\x9b", b"[" * 50]
AREAS, _ = load_areas(Path("tests/fixtures/mini/boroughs.csv"), "mini")
VOCAB, _ = load_vocabulary(Path("data/vocabulary.yaml"), "v")
DEADLINE = [0.0]


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    seed = draw(st.sampled_from(SEEDS))
    data = bytearray(seed.read_bytes())
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "token", "splice"]))
        at = draw(st.integers(0, len(data)))
        if op == "flip" and data:
            data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        elif op == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        else:
            other = draw(st.sampled_from(SEEDS)).read_bytes()
            start = draw(st.integers(0, len(other)))
            data[at:at] = other[start:start + draw(st.integers(1, 200))]
    return seed.suffix, bytes(data)


@settings(max_examples=max(50, int(SECONDS * 40)), deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(mutated())
def test_loaders_never_raise(tmp_path_factory, sample):
    if not DEADLINE[0]:
        DEADLINE[0] = time.monotonic() + SECONDS
    if time.monotonic() > DEADLINE[0]:
        return
    suffix, data = sample
    path = tmp_path_factory.getbasetemp() / f"fuzz{suffix}"
    path.write_bytes(data)
    raw, problems = load_registry(path, "fuzz" + suffix)
    schemes, more, _ = check_registry(raw, AREAS, VOCAB, date(2026, 11, 23))
    for p in problems + more:
        assert p.loc.file and p.message
    load_areas(path, "areas.csv")
    load_vocabulary(path, "vocabulary.yaml")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    load_yaml(text, "fuzz.yaml")


def test_deeply_nested_hours_are_reported_not_raised(tmp_path):
    """Found by this fuzz run: a deeply nested value under `hours` was repr()'d whole (RecursionError)."""
    deep = "[" * 5000 + "]" * 5000
    for value in (deep, f"[{{days: [mon], opens: {deep}, closes: '10:00'}}]",
                  f"[{{name: x, hours: {deep}}}]"):
        for field in ("hours", "locations"):
            path = tmp_path / "deep.yaml"
            path.write_text(f"schemes:\n  - id: a\n    name: A\n    boroughs: [Northtown]\n    {field}: {value}\n",
                            encoding="utf-8")
            raw, problems = load_registry(path, "deep.yaml")
            _, more, _ = check_registry(raw, AREAS, VOCAB, date(2026, 11, 23))
            assert problems + more and all(len(p.message) < 300 for p in problems + more)


# --- registries grown from their structure (#37: byte mutations never made these) ---------------------

# text as people paste it: control characters among the rest (no surrogate: a file cannot hold one)
PASTED = st.text(st.one_of(st.characters(codec="utf-8", exclude_categories=("Cs",)),
                           st.sampled_from(list("\x0b\x1b\x07\x7f\x9b\x00\ufffe\t\n[]{}:#-'\""))), max_size=12)
RUNS = st.builds(lambda c, n: c * n, st.sampled_from(["[", "]", "{", "[]", "- ", ": "]), st.integers(1, 300))


@st.composite
def grown_registry(draw) -> tuple[str, str, list[str]]:
    """(suffix, text, every text value written): schemes with fields of the table, keys of their own
    and values of pasted text, runs of brackets and lists, as YAML or CSV."""
    from sprx_cli.registry.fields import CSV_COLUMNS, SCHEME_FIELDS

    schemes, values = [], []
    for i in range(draw(st.integers(1, 25))):
        scheme = {"id": f"s{i}", "name": draw(PASTED) or "x", "boroughs": ["Northtown"]}
        for key in draw(st.lists(st.sampled_from([*SCHEME_FIELDS, f"own{i}", f"other{i}"]), max_size=4)):
            scheme[key] = draw(st.one_of(PASTED, RUNS, st.lists(PASTED, max_size=3)))
        schemes.append(scheme)
        values += [v for v in scheme.values() if isinstance(v, str)]
        values += [x for v in scheme.values() if isinstance(v, list) for x in v]
    if draw(st.booleans()):
        return ".yaml", yaml.safe_dump({"schemes": schemes}, allow_unicode=True), values
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for s in schemes:
        w.writerow([";".join(v) if isinstance(v := s.get(c, ""), list) else str(v) for c in CSV_COLUMNS])
    return ".csv", buf.getvalue(), [str(s.get(c, "")) for s in schemes for c in CSV_COLUMNS]


@settings(max_examples=max(50, int(SECONDS * 10)), deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(grown_registry())
def test_grown_registries_are_read_or_located_and_every_control_character_is_said(tmp_path_factory, sample):
    from sprx_cli.core.textio import CONTROL

    suffix, text, values = sample
    path = tmp_path_factory.getbasetemp() / f"grown{suffix}"
    path.write_text(text, encoding="utf-8")
    raw, problems = load_registry(path, "grown" + suffix)
    _, more, _ = check_registry(raw, AREAS, VOCAB, date(2026, 11, 23))
    found = problems + more
    assert all(p.loc.file and p.message for p in found)
    held = [v for v in values if CONTROL.search(v)]
    if held and not any(p.code in ("yaml-syntax", "encoding-error") for p in found):  # (said for the whole file)
        assert any(p.code == "control-character" and p.severity == "error" for p in found), held
