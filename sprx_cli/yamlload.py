"""Safe YAML loading that remembers where every value came from.

PyYAML's loaders lose line numbers, silently keep the last of two duplicate keys and (unsafe
ones) build Python objects. Here the document is only *composed* into nodes (libyaml's C parser
when present) and turned into plain values by hand: mappings become `YMap`, sequences `YList`,
scalars their text (or None for an empty/null value). Nothing but text is ever constructed, so
`!!python/...` tags cannot run code, and alias expansion is bounded.
"""

from __future__ import annotations

from typing import Any

import yaml

from .problems import Loc, Problem

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_STD = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp", "binary")}
_NULL = _STD + "null"
MAX_ALIAS_EXPANSION = 100_000  # extra nodes that aliases may add beyond the document itself


class YMap(dict):
    """A mapping with the position of each key's value: `pos[key] = (line, column)`."""

    __slots__ = ("line", "column", "pos")


class YList(list):
    """A sequence with the position of each item: `pos[i] = (line, column)`."""

    __slots__ = ("line", "column", "pos")


_TAB_HINT = "YAML indentation must use spaces, not tabs: replace the tab with spaces"
_HINTS = [
    ("mapping values are not allowed", "a value containing ': ' needs quotes, or the line is indented wrongly"),
    ("could not find expected ':'", "each field needs 'name: value'; check the indentation of this line and the one before"),
    ("did not find expected key", "check the indentation: fields of one scheme must line up"),
    ("found undefined alias", "'*' starts an alias in YAML: put the value in quotes"),
    ("found character '@'", "a value starting with '@' or '`' must be in quotes"),
    ("found character '`'", "a value starting with '@' or '`' must be in quotes"),
    ("found unexpected end of stream", "a quote or bracket is not closed"),
    ("did not find expected node content", "a value is missing or a line is indented wrongly"),
]


def _hint_for(message: str) -> str:
    for needle, hint in _HINTS:
        if needle in message:
            return hint
    return "check the line (and the one before it) for indentation, quotes and colons"


class _Builder:
    def __init__(self, display: str):
        self.display = display
        self.problems: list[Problem] = []
        self.visits = 0
        self.budget = MAX_ALIAS_EXPANSION
        self.seen: set[int] = set()
        self.aborted = False

    def loc(self, node: yaml.Node) -> Loc:
        return Loc(self.display, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node) -> Any:
        if self.aborted:
            return None
        key = id(node)
        if key in self.seen:  # reached again through an alias
            self.budget -= 1
            if self.budget < 0:
                self.aborted = True
                self.problems.append(Problem(
                    "yaml-alias-bomb",
                    "YAML aliases ('*name') expand to too much data; refusing to load it",
                    self.loc(node),
                    hint="registries need no anchors or aliases: write the values out"))
                return None
        else:
            self.seen.add(key)
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            if tag not in _PLAIN_TAGS:
                return self._bad_tag(node)
            if tag == _NULL:
                return None
            return node.value
        if isinstance(node, yaml.SequenceNode):
            if tag != _STD + "seq":
                return self._bad_tag(node)
            out = YList(self.build(item) for item in node.value)
            out.line, out.column = node.start_mark.line + 1, node.start_mark.column + 1
            out.pos = [(i.start_mark.line + 1, i.start_mark.column + 1) for i in node.value]
            return out
        if tag != _STD + "map":
            return self._bad_tag(node)
        out = YMap()
        out.line, out.column = node.start_mark.line + 1, node.start_mark.column + 1
        out.pos = {}
        first_seen: dict[Any, int] = {}
        for knode, vnode in node.value:
            if self.aborted:
                break
            if knode.tag == _STD + "merge":
                self.problems.append(Problem(
                    "yaml-tag", "YAML merge keys ('<<') are not supported in registries",
                    self.loc(knode), value="<<", hint="write the fields out in full"))
                continue
            k = self.build(knode)
            if not isinstance(k, str):
                k = str(k) if not isinstance(k, (YMap, YList)) else repr(k)
            if k in out:
                self.problems.append(Problem(
                    "yaml-duplicate-key",
                    f"'{k}' appears twice in the same mapping (first on line {first_seen[k]}); "
                    "YAML would silently keep only the last one",
                    self.loc(knode), field=k, value=k,
                    hint=f"remove one of the two '{k}' lines, or merge their values"))
                continue
            first_seen[k] = knode.start_mark.line + 1
            out[k] = self.build(vnode)
            out.pos[k] = (vnode.start_mark.line + 1, vnode.start_mark.column + 1)
        return out

    def _bad_tag(self, node: yaml.Node) -> None:
        tag = node.tag.replace(_STD, "!!")
        self.problems.append(Problem(
            "yaml-tag", f"YAML tag {tag} is not allowed in registries", self.loc(node), value=tag,
            hint="remove the tag: registries hold plain text, lists and mappings only"))
        return None


def load_yaml(text: str, display: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document from `text`. Returns (value, problems); value is None on failure."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{problem} ({exc.context}"
            if exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
                problem += f" on line {exc.context_mark.line + 1}"
            problem += ")"
        loc = Loc(display, mark.line + 1, mark.column + 1) if mark else Loc(display)
        hint = _hint_for(problem)
        lines = text.splitlines()
        if mark and any("\t" in lines[i] for i in range(max(0, mark.line - 1), min(len(lines), mark.line + 1))):
            hint = _TAB_HINT
        return None, [Problem("yaml-syntax", f"YAML syntax error: {problem}", loc, hint=hint)]
    except yaml.YAMLError as exc:  # e.g. "expected a single document"
        return None, [Problem("yaml-syntax", f"YAML syntax error: {exc}", Loc(display),
                              hint="a registry is one YAML document: remove extra '---' lines")]
    if node is None:
        return None, []
    builder = _Builder(display)
    value = builder.build(node)
    return (None if builder.aborted else value), builder.problems
