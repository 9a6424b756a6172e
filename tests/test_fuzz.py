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
          b"\xef\xbb\xbf", b"\xff", b"\xc3", b";", b'""', b"=cmd()", b"\xe2\x80\xae", b"nan", b"1e999"]
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
