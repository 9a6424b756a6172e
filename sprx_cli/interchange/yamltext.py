"""Registry records as YAML text, written directly (PyYAML's emitter takes about a millisecond a
scheme, too slow for a 100,000-row spreadsheet).

Records hold only text, lists and mappings, so the layout is PyYAML's `default_flow_style=None`
(a list or mapping of text alone on one line in brackets, others as blocks) and each scalar is
written plain where YAML reads it back as the same text, else single-quoted, else (line breaks,
characters YAML cannot print) double-quoted with escapes. Lines are never folded. What this writes
reads back as the records (tests/test_yamltext.py holds it to that on messy text).
"""

from __future__ import annotations

import re
from typing import Any

# A scalar that starts with one of these, or holds ': ' or ' #', or ends in ':', is not plain text
_INDICATOR_START = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_ONLY = re.compile(r"[,\[\]{}:?#]")  # (inside brackets PyYAML also stops at ':', '?' and '#')
# What YAML cannot print as it is (in a double-quoted scalar it is escaped)
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
_ESCAPES = {"\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f", "\r": "\\r",
            "\x1b": "\\e", '"': '\\"', "\\": "\\\\", "\x85": "\\N", "\xa0": "\\_", "\u2028": "\\L",
            "\u2029": "\\P"}
# Text that starts with a letter and holds none of YAML's indicators nor any odd character reads back as
# itself in both block and flow context, unless it is one of YAML 1.1's words for true, false and null.
_SURELY_PLAIN = re.compile("[A-Za-z(\u00a3][^\x00-\x1f\x7f-\x9f:#,\\[\\]{}?\\\\\u00a0\u2028\u2029\ufeff\ufffe\uffff"
                           "\ud800-\udfff]*(?<! )\\Z")
_WORDS = {w for base in ("yes", "no", "true", "false", "on", "off", "null") for w in (base, base.title(), base.upper())}
_resolver = None
_plain_seen: dict[str, bool] = {}
_KEYS: dict[Any, str] = {}  # a mapping's keys (field names) as written
_SEEN: dict[tuple, str] = {}  # lists of text as written
_BLOCKS: dict[tuple, str] = {}  # see record_yaml's `repeated`
_FLOW_KEYS: dict[Any, str] = {}  # a mapping's keys as written in brackets
_TEXTS: dict[str, str] = {}  # text as written after a key (outside brackets)


def _reads_as_text(value: str) -> bool:
    """Whether YAML 1.1 reads `value`, written plain, as text (not a number, date, bool or null)."""
    global _resolver
    if value in _plain_seen:
        return _plain_seen[value]
    if _resolver is None:
        import yaml

        _resolver = (yaml.resolver.Resolver(), yaml.ScalarNode)
    resolver, node = _resolver
    ok = resolver.resolve(node, value, (True, False)) == "tag:yaml.org,2002:str"
    if len(_plain_seen) < 100_000:
        _plain_seen[value] = ok
    return ok


def scalar(value: Any, flow: bool = False) -> str:
    """One value as a YAML scalar: plain where that reads back as the same text."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if _SURELY_PLAIN.match(text) and text not in _WORDS:  # most text: a name, an address, a sentence
        return text
    if not text:
        return "''"
    if "\n" in text or "\r" in text or _UNPRINTABLE.search(text) or "\x85" in text:
        return _double(text)
    if (text[0] not in _INDICATOR_START and text[0] != " " and text[-1] not in " :" and "\t" not in text
            and ": " not in text and " #" not in text and not (flow and _FLOW_ONLY.search(text))
            and "\xa0" not in text and _reads_as_text(text)):
        return text
    return "'" + text.replace("'", "''") + "'"


def _double(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _UNPRINTABLE.match(ch):
            code = ord(ch)
            out.append(f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (list, dict, tuple))


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        keys, plain, words = _FLOW_KEYS, _SURELY_PLAIN.match, _WORDS
        return "{" + ", ".join([f"{keys.get(k) or keys.setdefault(k, scalar(k, True))}: "
                                f"{v if type(v) is str and plain(v) and v not in words else scalar(v, True)}"
                                for k, v in value.items()]) + "}"
    return "[" + ", ".join(scalar(v, True) for v in value) + "]"


def _value(value: Any, indent: int, out: list[str]) -> str:
    """The text after 'key:' (the key at `indent`) for `value`; a nested block's lines go to `out`."""
    if isinstance(value, (list, tuple, dict)):
        if not value:
            return " {}" if isinstance(value, dict) else " []"
        items = value.values() if isinstance(value, dict) else value
        if all(map(_is_scalar, items)):
            return " " + _flow(value)
        _block(value, indent + 2 if isinstance(value, dict) else indent, out)  # a list under its key, as PyYAML
        return ""
    return " " + scalar(value)


def _block(value: Any, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for k, v in value.items():
            key = _KEYS.get(k) or _KEYS.setdefault(k, scalar(k))
            if type(v) is str:  # the usual value, written at once
                out.append(f"{pad}{key}: {scalar(v)}\n")
                continue
            nested: list[str] = []
            out.append(f"{pad}{key}:{_value(v, indent, nested)}\n")
            out.extend(nested)
        return
    for item in value:
        if isinstance(item, dict) and item and not all(map(_is_scalar, item.values())):
            inner: list[str] = []
            _block(item, indent + 2, inner)
            inner[0] = pad + "- " + inner[0][indent + 2:]
            out.extend(inner)
        elif isinstance(item, (list, tuple)) and not all(map(_is_scalar, item)):
            raise TypeError("a list of lists is not a registry's shape")
        elif isinstance(item, (list, tuple, dict)):
            out.append(f"{pad}-{_value(item, indent, [])}\n")
        else:
            out.append(f"{pad}- {scalar(item)}\n")


def records_yaml(records: list[dict[str, Any]], indent: int = 2) -> list[str]:
    """Each record as a YAML list item ('- key: value' lines), indented by `indent`."""
    return [record_yaml(r, indent) for r in records]


def record_yaml(record: dict[str, Any], indent: int = 2, repeated: frozenset[str] = frozenset()) -> str:
    """One record as a YAML list item. Written field by field for the registry's shapes (text, lists
    of text, mappings of text, lists of mappings); anything else by the general writer. `repeated`:
    fields whose values repeat from record to record (hours, ages): each distinct value written once."""
    plain, words, blocks, texts = _SURELY_PLAIN.match, _WORDS, _BLOCKS, _TEXTS
    pad = " " * (indent + 2)
    out: list[str] = []
    for k, v in record.items():
        lead = pad if out else " " * indent + "- "
        if type(v) is str:
            text = texts.get(v)  # (providers, descriptions, costs: a registry repeats its text too)
            if text is None:
                text = v if plain(v) and v not in words else scalar(v)
                if len(texts) < 100_000:
                    texts[v] = text
            out.append(f"{lead}{k}: {text}\n")
        elif k in repeated and out and (type(v) is not list or v and type(v[0]) is dict):  # (not lists of text:
            key = (k, indent, repr(v))  # _field keeps those) the repr of plain data tells values apart
            text = blocks.get(key)
            if text is None:
                text = _field(k, v, lead, pad, indent)
                if len(blocks) < 50_000:
                    blocks[key] = text
            out.append(text)
        elif type(v) is list and len(v) == 1 and type(place := v[0]) is dict and place and all(
                type(x) is str for x in place.values()):  # (a scheme's one place, as an import writes it)
            out.append(f"{lead}{k}:\n{pad}- {_flow(place)}\n")
        else:
            out.append(_field(k, v, lead, pad, indent))
    if not out:
        return " " * indent + "- {}\n"
    return "".join(out)


def _field(k: str, v: Any, lead: str, pad: str, indent: int) -> str:
    """A field of a record (`lead` before its key) that is not text."""
    t, seen, out = type(v), _SEEN, []
    if t is list and v and all(type(x) is str for x in v):
        key = tuple(v)  # areas, categories, days: a registry repeats the same few lists
        flow = seen.get(key)
        if flow is None:
            flow = f"[{', '.join([scalar(x, True) for x in v])}]"
            if len(seen) < 50_000:
                seen[key] = flow
        out.append(f"{lead}{k}: {flow}\n")
    elif t is list and v and all(type(x) is dict and x for x in v):
        out.append(f"{lead}{k}:\n")
        for item in v:
            if all(type(x) is str for x in item.values()):
                out.append(f"{pad}- {_flow(item)}\n")
            else:
                inner: list[str] = []
                _block(item, indent + 4, inner)
                inner[0] = f"{pad}- " + inner[0][indent + 4:]
                out.extend(inner)
    else:
        nested: list[str] = []
        out.append(f"{lead}{scalar(k)}:{_value(v, indent + 2, nested)}\n")
        out.extend(nested)
    return "".join(out)
