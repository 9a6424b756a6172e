"""A scheme's (or a place's) text in other languages: the `translations` field's check (issue #27).

Written `translations: {cy: {name: ..., description: ...}}` in YAML, or as CSV columns `name_cy`,
`location_name_cy` (registry/fields.py names which fields may be translated, and their columns).
"""

from __future__ import annotations

from typing import Any

from .rules import Context, Fault, Finding, as_text, language, unknown_field, wrong_type


_CODES: dict[str, Any] = {}  # a language as written -> its code, or its Fault (the rule needs no context)


def evaluate_translations(raw: Any, names: tuple[str, ...], ctx: Context) -> tuple[tuple, list[Finding]]:
    """Text in other languages from a mapping {language: {field: text}} (Translations: languages by
    code, fields in `names`' order); `sub` of a finding is the language as written."""
    if raw is None:
        return (), []
    if not isinstance(raw, dict):
        example = "{cy: {" + ", ".join(f"{n}: ..." for n in names[:2]) + "}}"
        return (), [Finding(Fault("wrong-type", f"'translations' should be a mapping of language codes, e.g. {example}",
                                  f"write it as 'translations: {example}'", raw))]
    out, findings = {}, []
    for key, texts in raw.items():
        written = str(key)
        code = _CODES.get(written)
        if code is None:  # (a registry names few languages: each is looked up once)
            code = _CODES[written] = language(written.strip(), ctx)
        if type(code) is Fault:
            findings.append(Finding(code._replace(value=written), sub=written))
            continue
        if code == "en":
            findings.append(Finding(Fault("translation-of-source", "'translations' has English ('en'), the language "
                                          "of the registry's own text", value=written), sub=written))
            continue
        if texts is None:
            continue
        if not isinstance(texts, dict):
            findings.append(Finding(Fault("wrong-type", f"'translations.{written}' should be a mapping of "
                                          f"{', '.join(names)}", f"write it as '{written}: {{{names[0]}: ...}}'",
                                          texts), sub=written))
            continue
        given = {}
        for name, text in texts.items():
            if name not in names:
                fault = unknown_field(str(name), names)
                findings.append(Finding(fault._replace(message=f"translations.{written}: {fault.message}"),
                                        sub=written))
                continue
            value = as_text(text)
            if type(value) is Fault:
                findings.append(Finding(wrong_type(value, f"translations.{written}.{name}"), sub=written))
            elif value is not None:
                given[name] = value
        if given:
            out[code] = tuple((n, given[n]) for n in names if n in given)
    return tuple(sorted(out.items())), findings
