"""Safe YAML loading with positions."""

from __future__ import annotations

import time

from sprx_cli.core.yamlload import YList, YMap, load_yaml


def test_positions_are_one_based():
    doc, problems = load_yaml("schemes:\n  - id: a\n    boroughs: [Camden, Islington]\n", "f.yaml")
    assert problems == []
    scheme = doc["schemes"][0]
    assert isinstance(scheme, YMap) and isinstance(scheme["boroughs"], YList)
    assert scheme.pos["id"] == (2, 9)
    assert scheme["boroughs"].pos == [(3, 16), (3, 24)]


def test_scalars_stay_text():
    doc, _ = load_yaml("a: yes\nb: 2024\nc: 02079460001\nd: 1.50\ne: 2026-01-01\nf: ~\ng:\n", "f.yaml")
    assert doc == {"a": "yes", "b": "2024", "c": "02079460001", "d": "1.50", "e": "2026-01-01",
                   "f": None, "g": None}


def test_nested_duplicate_keys_are_reported():
    doc, problems = load_yaml("a:\n  b: 1\n  b: 2\n", "f.yaml")
    assert [p.code for p in problems] == ["yaml-duplicate-key"]
    assert (problems[0].loc.line, problems[0].loc.column) == (3, 3)
    assert doc == {"a": {"b": "1"}}  # the first one is kept and the second reported


def test_merge_keys_are_refused():
    _, problems = load_yaml("base: &b {x: 1}\nother:\n  <<: *b\n", "f.yaml")
    assert [p.code for p in problems] == ["yaml-tag"]


def test_object_tags_never_construct(tmp_path):
    marker = tmp_path / "pwned"
    text = f"a: !!python/object/apply:os.system ['touch {marker}']\nb: !!python/name:os.system\n"
    _, problems = load_yaml(text, "f.yaml")
    assert [p.code for p in problems] == ["yaml-tag", "yaml-tag"]
    assert not marker.exists()


def test_custom_tag_refused():
    _, problems = load_yaml("a: !secret value\n", "f.yaml")
    assert problems[0].code == "yaml-tag" and problems[0].value == "!secret"


def test_billion_laughs_is_bounded_and_fast():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for n in "bcdefghijklmnop":
        lines.append(f"{n}: &{n} [" + ",".join(["*" + prev] * 10) + "]")
        prev = n
    start = time.perf_counter()
    doc, problems = load_yaml("\n".join(lines), "bomb.yaml")
    assert time.perf_counter() - start < 5  # a bound on the work, not a speed target
    assert doc is None and [p.code for p in problems] == ["yaml-alias-bomb"]


def test_small_aliases_are_fine():
    doc, problems = load_yaml("a: &x [1, 2]\nb: *x\n", "f.yaml")
    assert problems == [] and doc == {"a": ["1", "2"], "b": ["1", "2"]}


def test_two_documents_are_a_syntax_error():
    doc, problems = load_yaml("a: 1\n---\nb: 2\n", "f.yaml")
    assert doc is None and problems[0].code == "yaml-syntax"


def test_empty_document():
    assert load_yaml("", "f.yaml") == (None, [])
    assert load_yaml("# only a comment\n", "f.yaml") == (None, [])


def test_deep_nesting_is_refused_the_same_way_whatever_the_parser_allows():
    """sprx's promise, not libyaml's: nesting beyond MAX_DEPTH is `yaml-too-deep` on its line, whether
    the parser reads it (old libyaml, nesting within any limit) or refuses it itself (libyaml 0.2.6
    stops at 1,000 levels with a scanner error of its own)."""
    from sprx_cli.core.yamlload import MAX_DEPTH

    cases = {
        "flow, within every parser's limit": "a: " + "[" * 60 + "]" * 60 + "\n",
        "flow, beyond libyaml 0.2.6's limit": "a: " + "[" * 5000 + "]" * 5000 + "\n",
        "block": "a:\n" + "".join(" " * (2 * i + 2) + "-\n" for i in range(60)) + " " * 124 + "x\n",
    }
    for name, text in cases.items():
        doc, problems = load_yaml("schemes:\n  - id: x\n    " + text.replace("\n", "\n    ").rstrip() + "\n", "f.yaml")
        assert doc is None and [p.code for p in problems] == ["yaml-too-deep"], name
        assert problems[0].loc.line >= 3 and problems[0].loc.column is not None, name
        assert f"more than {MAX_DEPTH} levels" in problems[0].message
    quoted = 'schemes:\n  - id: x\n    name: "' + "[" * 5000 + '"\n    # ' + "{" * 5000 + "\n"
    doc, problems = load_yaml(quoted, "f.yaml")
    assert problems == [] and doc["schemes"][0]["name"] == "[" * 5000
