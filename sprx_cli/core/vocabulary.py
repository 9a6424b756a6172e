"""Controlled lists (data/vocabulary.yaml): categories, referral routes, target groups, costs, delivery, access."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .languages import language_code
from .words import is_slug  # vocabulary keys are slugs, like scheme ids
from .problems import Loc, Problem
from .textio import SourceError, read_text
from .yamlload import YList, YMap, load_yaml

LISTS = ("categories", "referral_routes", "target_groups")  # every vocabulary has these
# Added later; a vocabulary without one of these gets sprx's own list (templates/vocabulary.yaml)
OPTIONAL_LISTS = ("costs", "delivery", "accessibility")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
LABEL_IN = re.compile(r"^label_(?P<language>[a-z]{2,3})$")  # a label in another language: label_cy
# the words people use for a term, for keywords: synonyms (English), synonyms_cy (Welsh), ...
SYNONYMS_IN = re.compile(r"^synonyms(?:_(?P<language>[a-z]{2,3}))?$")
DEFAULT_COLOUR = "#555555"


@dataclass(frozen=True)
class Term:
    """One entry of a vocabulary list: key, label (and in other languages: label_cy, ...), colour."""
    key: str
    label: str
    colour: str | None = None
    labels: tuple[tuple[str, str], ...] = ()  # (language, label), by language code
    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (language, words people use), by language code

    def label_in(self, language: str) -> str | None:
        """The label in `language` (the English label for English), or None where none is given."""
        return self.label if language == "en" else dict(self.labels).get(language)

    def keyword_text(self) -> str:
        """What keywords find the term by: its label and synonyms in every language (core/keywords.py)."""
        return " ".join([self.label, *(text for _, text in self.labels),
                         *(word for _, words in self.synonyms for word in words)])


@dataclass
class Vocabulary:
    """The controlled lists a registry's list fields take their keys from."""
    categories: dict[str, Term] = field(default_factory=dict)
    referral_routes: dict[str, Term] = field(default_factory=dict)
    target_groups: dict[str, Term] = field(default_factory=dict)
    costs: dict[str, Term] = field(default_factory=dict)
    delivery: dict[str, Term] = field(default_factory=dict)
    accessibility: dict[str, Term] = field(default_factory=dict)
    source: str = "the vocabulary"

    def terms(self, list_name: str) -> dict[str, Term]:
        """One list by name, key to term."""
        return getattr(self, list_name)

    def label(self, list_name: str, key: str) -> str:
        """A key's label (the key itself when unknown)."""
        term = self.terms(list_name).get(key)
        return term.label if term else key

    def colour(self, key: str) -> str:
        """A category's marker colour (a grey when it has none)."""
        term = self.categories.get(key)
        return (term.colour if term and term.colour else DEFAULT_COLOUR)


def load_vocabulary(path: Path, display: str, encoding: str | None = None) -> tuple[Vocabulary, list[Problem]]:
    """Read the vocabulary YAML; every problem is reported, never raised."""
    try:
        text = read_text(path, display, encoding)
    except SourceError as exc:
        return Vocabulary(), [exc.problem]
    doc, problems = load_yaml(text, display)
    vocab = Vocabulary(source=display)
    if problems and doc is None:
        return vocab, problems

    def bad(message: str, line: int | None, col: int | None, hint: str, value=None) -> None:
        problems.append(Problem("vocabulary-invalid", message, Loc(display, line, col),
                                value=value, hint=hint))

    if not isinstance(doc, YMap):
        bad(f"{display} must be a mapping with {', '.join(LISTS)}", 1, 1,
            "start the file with 'categories:' followed by a list of {key, label, colour}")
        return vocab, problems
    for name in LISTS + OPTIONAL_LISTS:
        items = doc.get(name)
        if items is None and name in OPTIONAL_LISTS:
            setattr(vocab, name, dict(_default_terms(name)))
            continue
        if not isinstance(items, YList):
            line, col = doc.pos.get(name, (1, 1))
            bad(f"'{name}' must be a list of {{key, label}} entries", line, col,
                f"add '{name}:' with one '- {{key: ..., label: ...}}' line per entry")
            continue
        terms = vocab.terms(name)
        for item, (line, col) in zip(items, items.pos):
            if not isinstance(item, YMap) or not isinstance(item.get("key"), str) \
                    or not isinstance(item.get("label"), str):
                bad(f"each entry of '{name}' needs a key and a label", line, col,
                    "write entries as {key: some-key, label: \"Some label\"}")
                continue
            key = item["key"]
            if not is_slug(key):
                bad(f"vocabulary key {key!r} is not a lowercase slug", line, col,
                    "use lowercase letters, digits and single hyphens, e.g. peer-support", key)
                continue
            if key in terms:
                bad(f"'{key}' appears twice in '{name}'", line, col, "remove one of the entries", key)
                continue
            colour = item.get("colour")
            if colour is not None and (not isinstance(colour, str) or not COLOUR.match(colour)):
                bad(f"colour {colour!r} of '{key}' is not a #rrggbb colour", line, col,
                    "write colours as # and six hex digits, e.g. \"#1f77b4\" (in quotes)", colour)
                colour = None
            labels = []
            synonyms = []
            for name, text in item.items():
                if (s := SYNONYMS_IN.match(str(name))) is not None:
                    code = language_code(s.group("language") or "en")
                    if code is None or not isinstance(text, YList) or not all(
                            isinstance(w, str) and w.strip() for w in text):
                        bad(f"{name} of '{key}' is not a list of words people use", line, col,
                            "write it as synonyms: [exercise, sport] (synonyms_cy: [...] in Welsh)", text)
                        continue
                    synonyms.append((code, tuple(w.strip() for w in text)))
                    continue
                m = LABEL_IN.match(str(name))
                if m is None:
                    continue
                code = language_code(m.group("language"))
                if not isinstance(text, str) or not text.strip() or code is None:
                    bad(f"{name} of '{key}' is not a label in a language", line, col,
                        "write it as label_ and an ISO 639 code, e.g. label_cy: \"...\" (in quotes)", text)
                    continue
                labels.append((code, text.strip()))
            terms[key] = Term(key, item["label"], colour, tuple(sorted(labels)), tuple(sorted(synonyms)))
    unknown = [k for k in doc if k not in LISTS + OPTIONAL_LISTS]
    for k in unknown:
        line, col = doc.pos[k]
        bad(f"unknown list '{k}' in {display}", line, col, f"the lists are {', '.join(LISTS + OPTIONAL_LISTS)}", k)
    return vocab, problems


_DEFAULTS: dict = {}


def _default_terms(name: str) -> dict[str, Term]:
    """sprx's own list `name`, for a vocabulary written before the list existed."""
    if not _DEFAULTS:
        from importlib import resources

        text = (resources.files("sprx_cli") / "templates" / "vocabulary.yaml").read_text(encoding="utf-8")
        doc, _ = load_yaml(text, "sprx's vocabulary")
        for list_name in OPTIONAL_LISTS:
            _DEFAULTS[list_name] = {t["key"]: Term(t["key"], t["label"], None, tuple(sorted(
                (m.group("language"), text) for name, text in t.items() if (m := LABEL_IN.match(name)))))
                for t in doc[list_name]}
    return _DEFAULTS[name]
