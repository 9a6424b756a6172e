"""The page's script modules (render/static/*.js, joined in assets.SCRIPTS' order into one function)
declare in their first comment what they need from the others and what they give them (#38 item 11):
`needs: a, b` and `gives: c, d`. The test works both out from the code and holds the declarations to
them; a module that needs nothing is pure, and loads alone on a blank page."""

from __future__ import annotations

import re

import pytest

from helpers import ROOT
from sprx_cli.render.assets import SCRIPTS

STATIC = ROOT / "sprx_cli/render/static"
NAME = r"[A-Za-z_$][\w$]*"


def _code(text: str) -> str:
    """The module without its comments, strings and regular expressions (so their words are not names)."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"(?<![:\\])//[^\n]*", " ", text)
    text = re.sub(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', '""', text)
    return re.sub(r"/(?![*/])(?:\\.|\[[^\]\n]*\]|[^/\\\n\[])+/[gimsuy]*(?=\s*[.,;)\]])", "/x/", text)


def _given(code: str) -> set[str]:
    return set(re.findall(rf"^function\s+({NAME})", code, re.M)) | set(re.findall(rf"^var\s+({NAME})", code, re.M))


def _locals(code: str) -> set[str]:
    """Names a module declares inside its functions (variables and parameters): its own, not another's."""
    inner = set(re.findall(rf"^[ \t]+var\s+({NAME})", code, re.M))
    inner |= set(re.findall(rf"(?:var|let|const)\s+{NAME}\s*=[^;]*?,\s*({NAME})\s*=", code))
    for params in re.findall(r"function\s*\w*\s*\(([^)]*)\)", code):
        inner |= {p.strip() for p in params.split(",") if p.strip()}
    inner |= set(re.findall(rf"\bfor\s*\(\s*(?:var|let)\s+({NAME})", code))
    return inner


def contracts() -> dict[str, tuple[list[str], list[str]]]:
    """Each module's (needs, gives), worked out from the code."""
    codes = {name: _code((STATIC / name).read_text(encoding="utf-8")) for name in SCRIPTS}
    gives = {name: _given(code) for name, code in codes.items()}
    everyone = {g for given in gives.values() for g in given}
    out = {}
    for name, code in codes.items():
        used = set(re.findall(rf"(?<![.\w$])({NAME})(?!\s*:)", code))  # (not an object's key)
        needs = (used & everyone) - gives[name] - _locals(code)
        out[name] = (sorted(needs), sorted(gives[name]))
    return out


def declared(name: str) -> tuple[list[str], list[str]]:
    head = (STATIC / name).read_text(encoding="utf-8").split("*/", 1)[0]
    said = {}
    for key in ("needs", "gives"):
        m = re.search(rf"^ \* {key}:(.*(?:\n \*   .*)*)", head, re.M)
        assert m, f"{name} does not say what it {key[:-1]}s (' * {key}: ...' in its first comment)"
        words = re.sub(r"\n \*", " ", m.group(1)).replace("(nothing)", "")
        said[key] = sorted(w for w in re.split(r"[,\s]+", words) if w)
    return said["needs"], said["gives"]


@pytest.mark.parametrize("name", SCRIPTS)
def test_each_module_says_what_it_needs_and_gives(name):
    assert declared(name) == contracts()[name]


def test_every_need_is_given_once():
    given: dict[str, str] = {}
    for name, (_, gives) in contracts().items():
        for g in gives:
            assert g not in given, f"{g} is given by {given[g]} and {name}"
            given[g] = name
    for name, (needs, _) in contracts().items():
        assert set(needs) <= set(given), name


def test_the_pure_modules_load_alone_on_a_blank_page(chromium):
    pure = [name for name, (needs, _) in contracts().items() if not needs]
    assert {"util.js", "keywords.js", "qrcode.js"} <= set(pure)
    for name in pure:
        with chromium.page("about:blank", map_page=False) as (page, log):
            page.add_script_tag(content=(STATIC / name).read_text(encoding="utf-8"))
            for g in contracts()[name][1]:
                assert page.evaluate(f"typeof {g}") != "undefined", (name, g)
            assert log.console_errors == [], name
