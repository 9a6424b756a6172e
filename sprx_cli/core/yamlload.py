"""Safe YAML loading that remembers where every value came from.

PyYAML's loaders lose line numbers, silently keep the last of two duplicate keys and (unsafe
ones) build Python objects. Here the document is only *parsed* (libyaml's C parser when
present) and its events turned into plain values by hand: mappings become `YMap`, sequences `YList`,
scalars their text (or None for an empty/null value). Nothing but text is ever constructed, so
`!!python/...` tags cannot run code, and alias expansion is bounded. The values are built
straight from the parser's events (no node graph), which keeps big registries fast and small.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from .problems import Loc, Problem
from .textio import CONTROL, control_problem

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_STD = "tag:yaml.org,2002:"
_PLAIN_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp", "binary")}
_NULL = _STD + "null"
MAX_ALIAS_EXPANSION = 100_000  # extra nodes that aliases may add beyond the document itself
# Lists and mappings inside each other: a registry needs eight levels (the document, `schemes`, a
# scheme, its `locations`, a place, its `hours`, an opening, its `days`). Deeper is refused here,
# while the events stream in, so that the outcome is sprx's whatever the parser's own limit is.
MAX_DEPTH = 50


class YMap(dict):
    """A mapping with the position of each key's value: `pos[key] = (line, column)`, and where each value is
    in the text, `spans[key] = (start, end)` (character offsets, the value's own characters only)."""

    __slots__ = ("line", "column", "pos", "spans")
    line: int
    column: int
    pos: dict[Any, tuple[int, int]]
    spans: dict[Any, tuple[int, int]]


class YList(list):
    """A sequence with the position of each item: `pos[i] = (line, column)`."""

    __slots__ = ("line", "column", "pos")
    line: int
    column: int
    pos: list[tuple[int, int]]


_TAB_HINT = "YAML indentation must use spaces, not tabs: replace the tab with spaces"
_HINTS = [
    ("mapping values are not allowed", "a value containing ': ' needs quotes, or the line is indented wrongly"),
    ("could not find expected ':'",
     "each field needs 'name: value'; check the indentation of this line and the one before"),
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


_NULLS = {"", "~", "null", "Null", "NULL"}
_OK_TAGS = _PLAIN_TAGS | {_STD + "seq", _STD + "map"}
_NOKEY = object()


class _Frame:
    __slots__ = ("value", "line", "column", "size", "key", "key_loc", "first", "skip", "anchor", "start", "last",
                 "flow")

    def __init__(self, value, line, column, anchor, start, flow):
        self.value, self.line, self.column, self.anchor = value, line, column, anchor
        self.size, self.key, self.key_loc, self.first, self.skip = 1, _NOKEY, None, {}, False
        self.start, self.last, self.flow = start, start, flow


def _build(events, display: str, problems: list[Problem]) -> tuple[Any, bool]:
    """Turn parser events into YMap/YList/str/None with positions. Returns (value, aborted).

    Working from events (not PyYAML's node graph) keeps memory and time down on big files. An
    alias is the anchored object itself, not a copy; what it *would* expand to is counted, and a
    document whose aliases expand past MAX_ALIAS_EXPANSION is refused (billion laughs)."""
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, int]] = {}
    expanded = 0
    root: Any = None
    documents = 0

    def bad_tag(tag: str, line: int, column: int) -> None:
        tag = tag.replace(_STD, "!!")
        problems.append(Problem("yaml-tag", f"YAML tag {tag} is not allowed in registries", Loc(display, line, column),
                                value=tag, hint="remove the tag: registries hold plain text, lists and mappings only"))

    def add(value: Any, line: int, column: int, size: int, start: int, end: int) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        top = stack[-1]
        top.last = max(top.last, end)
        if isinstance(top.value, YList):
            top.value.append(value)
            top.value.pos.append((line, column))
            top.size += size
            return
        if top.key is _NOKEY:  # this value is a key
            if not isinstance(value, str):
                value = "" if value is None else repr(value)
            top.key, top.key_loc = value, (line, column)
            return
        key, (kline, kcol) = top.key, top.key_loc
        top.key = _NOKEY
        if top.skip:
            top.skip = False
            return
        if key in top.value:
            problems.append(Problem(
                "yaml-duplicate-key",
                f"'{key}' appears twice in the same mapping (first on line {top.first[key]}); "
                "YAML would silently keep only the last one",
                Loc(display, kline, kcol), field=key, value=key,
                hint=f"remove one of the two '{key}' lines, or merge their values"))
            return
        top.first[key] = kline
        top.value[key] = value
        top.value.pos[key] = (line, column)
        top.value.spans[key] = (start, end)
        top.size += size

    for ev in events:
        kind = type(ev)
        if kind is yaml.ScalarEvent:
            mark = ev.start_mark
            line, column = mark.line + 1, mark.column + 1
            tag = ev.tag
            plain = ev.implicit[0]
            if tag is not None and tag not in _PLAIN_TAGS and tag != "!":
                bad_tag(tag, line, column)
                value = None
            elif (plain and tag is None and ev.value in _NULLS) or tag == _NULL:
                value = None
            else:
                value = ev.value
                if ev.style == '"' and CONTROL.search(value):  # (only an escape can write one: "\x0b")
                    key = stack[-1].key if stack and isinstance(stack[-1].value, YMap) else None  # (the field's)
                    field = key if type(key) is str else None
                    problems.append(control_problem(value, Loc(display, line, column), field))
            if plain and tag is None and ev.value == "<<" and stack and not isinstance(stack[-1].value, YList) \
                    and stack[-1].key is _NOKEY:
                problems.append(Problem("yaml-tag", "YAML merge keys ('<<') are not supported in registries",
                                        Loc(display, line, column), value="<<", hint="write the fields out in full"))
                stack[-1].skip = True
            if ev.anchor:
                anchors[ev.anchor] = (value, 1)
            add(value, line, column, 1, mark.index, ev.end_mark.index)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            mark = ev.start_mark
            line, column = mark.line + 1, mark.column + 1
            if ev.tag is not None and ev.tag not in _OK_TAGS and ev.tag != "!":
                bad_tag(ev.tag, line, column)
            if len(stack) >= MAX_DEPTH:
                problems.append(_too_deep_problem(display, line, column))
                return None, True
            container: YMap | YList
            if kind is yaml.MappingStartEvent:
                container = YMap()
                container.pos, container.spans = {}, {}
            else:
                container = YList()
                container.pos = []
            container.line, container.column = line, column
            stack.append(_Frame(container, line, column, ev.anchor, mark.index, bool(ev.flow_style)))
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            frame = stack.pop()
            if frame.anchor:
                anchors[frame.anchor] = (frame.value, frame.size)
            # a flow collection ends at its bracket; a block one with its last value (its end event is
            # already at the next line's first token)
            end = ev.end_mark.index if frame.flow else frame.last
            add(frame.value, frame.line, frame.column, frame.size, frame.start, end)
        elif kind is yaml.AliasEvent:
            mark = ev.start_mark
            value, size = anchors.get(ev.anchor, (None, 1))
            expanded += size
            if expanded > MAX_ALIAS_EXPANSION:
                problems.append(Problem(
                    "yaml-alias-bomb", "YAML aliases ('*name') expand to too much data; refusing to load it",
                    Loc(display, mark.line + 1, mark.column + 1),
                    hint="registries need no anchors or aliases: write the values out"))
                return None, True
            add(value, mark.line + 1, mark.column + 1, size, mark.index, ev.end_mark.index)
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                mark = ev.start_mark
                problems.append(Problem(
                    "yaml-syntax", "YAML syntax error: the file holds more than one YAML document",
                    Loc(display, mark.line + 1, mark.column + 1),
                    hint="a registry is one YAML document: remove the extra '---' line"))
                return None, True
    return root, False


def _too_deep_problem(display: str, line: int, column: int) -> Problem:
    return Problem("yaml-too-deep", f"lists or mappings are nested more than {MAX_DEPTH} levels deep",
                   Loc(display, line, column))


def _too_deep(text: str) -> tuple[int, int] | None:
    """Where flow brackets ('[', '{') first open more than MAX_DEPTH deep, outside quoted text and
    comments (line and column), or None. Asked only of a file the parser refused."""
    depth, line, start, quote, prev = 0, 1, 0, None, ""  # prev: the line's last sign outside quotes
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line, start, prev = line + 1, i + 1, ""
        elif quote is not None:
            if c == "\\" and quote == '"' or c == quote and quote == "'" and text[i + 1:i + 2] == "'":
                i += 1
            elif c == quote:
                quote, prev = None, c
        elif c == "#" and (i == start or text[i - 1] in " \t"):
            end = text.find("\n", i)
            i = n if end == -1 else end
            continue
        elif c not in " \t\r":
            if c in "[{" and (depth or prev in ("", ":", "-", "?")):  # in flow, or where a value starts
                depth += 1
                if depth > MAX_DEPTH:
                    return line, i - start + 1
            elif c in "]}" and depth:
                depth -= 1
            elif c in "\"'" and prev in ("", ":", "-", "?", "[", "{", ","):
                quote = c
            prev = c
        i += 1
    return None


def load_yaml(text: str, display: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document from `text`. Returns (value, problems); value is None on failure."""
    problems: list[Problem] = []
    try:
        value, aborted = _build(yaml.parse(text, Loader=_Loader), display, problems)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        deep = _too_deep(text)
        if deep is not None:  # a parser may refuse deep nesting itself before sprx sees it (libyaml 0.2.6)
            return None, [_too_deep_problem(display, *deep)]
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
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow; it has a position, not a mark
        pos = max(0, min(exc.position, len(text)))
        line = text.count("\n", 0, pos) + 1
        column = pos - (text.rfind("\n", 0, pos) + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return None, [Problem(
            "yaml-syntax", f"YAML syntax error: the control character U+{ord(char):04X} is not allowed in YAML",
            Loc(display, line, column), value=repr(char),
            hint="delete that character (most editors do not show it), or save the file again as plain UTF-8 text")]
    except yaml.YAMLError as exc:
        return None, [Problem("yaml-syntax", f"YAML syntax error: {exc}", Loc(display),
                              hint="check the file's structure: indentation, quotes and colons")]
    return (None if aborted else value), problems


# ---- the compiled lane: rapidyaml for plain registries ---------------------------------------
#
# Reading a 100,000-scheme registry event by event takes libyaml's Python bindings most of ten
# seconds. rapidyaml parses it in C++ and writes JSON, which the json module reads back with every
# number kept as the text written. It is taken only for documents made of plain mappings, lists
# and scalars, where both readers give the same values: anything else (tags, anchors, aliases,
# block scalars, directives, '~' or 'Null', booleans in lists, duplicate keys, tabs, lone CRs, backslashes,
# control characters, a reserved '@' or '`' at the start of a value, a syntax error) goes to the
# exact loader above, which words the problem. Positions are found later, only for records that
# need one (tests/test_compiled_readers.py holds the two readers to the same values).

_INDICATORS = "!&*|>%~?@`]},:"
_INDICATOR_BYTES = {c.encode() for c in _INDICATORS}
_PRINTABLE = bytes(range(0x20, 0x7F)) + b"\r\n" + bytes(range(0x80, 0x100))
# a flow list or mapping over several lines: a line whose last '[' (or '{') is not closed on it (the
# opening bracket left out of what follows it, so that no search scans the same text twice)
_FLOW_OVER_LINES = [re.compile(rb"\[[^\[\]\n]*\n"), re.compile(rb"\{[^{}\n]*\n")]
# numbers rapidyaml's JSON writes otherwise: '.5' and '-.5' (as 0.5), '5.' (as 5.0)
_DOT_NUMBER = [re.compile(rb"\.(?=[0-9])(?<=[ \[{,:]\.)"), re.compile(rb"\.(?=[0-9])(?<=[ \[{,:][-+]\.)"),
               re.compile(rb"\.(?<=[0-9]\.)(?=[ ]*(?:[\n,\]}#]|$))")]
_AFTER_SPACE = {c: re.compile(re.escape(c).encode() + rb"(?<=[ \[{,\n:?\-]" + re.escape(c).encode() + rb")")
                for c in _INDICATORS}
# values rapidyaml's JSON gives otherwise than the exact loader: '~' and 'Null' (None to the exact
# loader), and what it writes for nan and inf (the exact loader keeps the text as written)
_TEXT_NULLS = {"~", "Null", "NULL"}
_SPECIAL_FLOATS = {".nan", ".inf", "-.inf", "+.inf"}


def _odd_text(v: str) -> bool:
    return v in _TEXT_NULLS or (v[:1] in ".-+" and v.lower() in _SPECIAL_FLOATS)


class _Decline(Exception):
    """The compiled lane leaves this document to the exact loader."""


def _plain_only(raw: bytes) -> bool:
    """Whether the text has none of the YAML syntax the compiled lane leaves to the exact loader."""
    if (b"\t" in raw or b"\\" in raw or b"<<" in raw or raw.count(b"\r") != raw.count(b"\r\n")
            or raw.startswith((b"%", b"---"))
            or b"\n---" in raw or b"\n..." in raw or b"\xef\xbb\xbf" in raw or b"\xef\xbf\xbe" in raw
            or b"\xef\xbf\xbf" in raw or re.search(rb"\xc2[\x80-\x9f]", raw)
            or raw.translate(None, _PRINTABLE)  # (a control character, which YAML refuses)
            or any(pattern.search(raw) for pattern in _DOT_NUMBER)
            or any(pattern.search(raw) for pattern in _FLOW_OVER_LINES) or raw.lstrip(b" ")[:1] in _INDICATOR_BYTES):
        return False
    for c in _INDICATORS:
        if c.encode() not in raw:
            continue
        for m in _AFTER_SPACE[c].finditer(raw):  # an indicator after a space or a flow sign
            if raw[m.start() - 1:m.start() + 1] in (b"[]", b"{}"):  # an empty flow list or mapping
                continue
            j = m.start() - 1
            while j >= 0 and raw[j] == 32:
                j -= 1
            if j < 0 or raw[j] in b"\n:[{,?-":  # at the start of a value: YAML syntax
                line = raw[raw.rfind(b"\n", 0, m.start()) + 1:m.start()]
                if not line.lstrip(b" ").startswith(b"#"):  # (a comment line may say anything)
                    return False
    return True


def _plain_value(pairs: list) -> dict:
    """A mapping from rapidyaml's JSON, as the exact loader makes it, or _Decline."""
    d = dict(pairs)
    if len(d) != len(pairs):  # a duplicate key: the exact loader words it
        raise _Decline
    for v in d.values():
        if type(v) is str:
            if _odd_text(v):
                raise _Decline
        elif type(v) is list:
            for item in v:
                if type(item) is bool or type(item) is list or (type(item) is str and _odd_text(item)):
                    raise _Decline
    for key, v in d.items():
        if type(v) is bool:  # lower-case true or false, written plain: text to the exact loader too
            d[key] = "true" if v else "false"
    return d


def load_plain(text: str) -> Any | None:
    """The document as plain dicts, lists, text and None, read by rapidyaml; None when the exact
    loader must read it (see above)."""
    raw = text.encode("utf-8")
    if not _plain_only(raw):
        return None
    try:
        import ryml
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    import json
    import os

    # rapidyaml reports a parse error on standard error as well as raising it: keep the terminal clean
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            try:
                tree = ryml.parse_in_arena(raw)
                out = ryml.emit_json_malloc(tree, tree.root_id())
            except Exception:  # rapidyaml's parse errors: the exact loader words them
                return None
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)
    del tree
    if not isinstance(out, str):  # an empty document
        return None
    try:
        return json.loads(out, parse_float=str, parse_int=str, object_pairs_hook=_plain_value)
    except (_Decline, ValueError, RecursionError):
        return None
