"""The words people read, in the language of the page: gettext catalogues managed with Babel.

English is the source language: a message is written once, in English, where it is used (marked
with `gettext`/`ngettext` of a Messages), and each other language has a catalogue,
`sprx_cli/locale/<language>/LC_MESSAGES/sprx.po`, made and kept up to date by
`python scripts/messages.py` (extract, update). A catalogue is read as it is (compiled in memory
when first needed), so correcting a translation is editing its `.po` file. Plural forms follow the
catalogue's own rule (Welsh has six: zero, one, two, few, many, other); dates and numbers are
written in the language's own way from Babel's CLDR data.

The page's script writes its own words the same way (`t("...")`, `tn("...", "...", n)` in
render/static/*.js); the page's data carries their translations (Messages.script_words).
"""

from __future__ import annotations

from dataclasses import dataclass
import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

from .errors import SprxError

if TYPE_CHECKING:  # (gettext and importlib.resources are imported when a language is first asked for:
    import gettext  # this module is on `sprx --help`'s path for N_)

SOURCE_LANGUAGE = "en"
DOMAIN = "sprx"


SCRIPTS = "sprx_cli/render/static/"  # where the page's script is: its messages travel in the page's data


def N_(message: str) -> str:
    """Mark a message where it is declared but not yet said (a constant): scripts/messages.py finds
    it, and Messages.gettext says it where it is used."""
    return message


def plural_message(singular: str, plural: str) -> tuple[str, str]:
    """Declare a message with plural forms where it is not used at once (scripts/messages.py finds
    it): the pair, to give to Messages.ngettext or Messages.forms later."""
    return singular, plural


class UnknownLanguage(SprxError):
    """No catalogue for this language."""


def catalogue_path(language: str) -> Path:
    """Where a language's catalogue is (whether or not it exists)."""
    from importlib import resources

    return Path(str(resources.files("sprx_cli") / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"))


def languages() -> list[str]:
    """The languages sprx has words for: English, then every catalogue shipped, by code."""
    from importlib import resources

    root = Path(str(resources.files("sprx_cli") / "locale"))
    if not root.is_dir():
        return [SOURCE_LANGUAGE]
    found = sorted(p.name for p in root.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file())
    return [SOURCE_LANGUAGE, *found]


@dataclass(frozen=True)
class Messages:
    """The words of one language, and its way with dates, numbers and direction."""

    language: str
    translations: gettext.NullTranslations
    untranslated: tuple[str, ...] = ()  # the catalogue's messages with no translation (English shows)
    script: tuple = ()  # the page's script's messages: str, or (singular, plural) for one with forms

    def gettext(self, message: str) -> str:
        """`message` in this language."""
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int, **numbers: int) -> str:
        """The form of this message for `n` things, by the language's plural rule; `{n}` (and each
        `{name}` of `numbers`) in it is the number written in the language's own way."""
        text = self.translations.ngettext(singular, plural, n).replace("{n}", self.number(n))
        for name, value in numbers.items():
            text = text.replace("{" + name + "}", self.number(value))
        return text

    def forms(self, singular: str, plural: str) -> dict[str, str]:
        """This message's forms by CLDR plural category ('one', 'two', 'few', ..., 'other'), each with
        `{n}` still in it: what the page's script needs to choose one with Intl.PluralRules."""
        if self.language == SOURCE_LANGUAGE:
            return {"one": singular, "other": plural}
        from babel import Locale

        rule, out = Locale.parse(self.language).plural_form, cast(dict[str, str], {})
        for n in range(1001):  # an example of each category (every CLDR rule has one below 1,000)
            out.setdefault(rule(n), self.translations.ngettext(singular, plural, n))
        return out

    def script_words(self) -> dict:
        """The translations of the page's script's messages, for the page's data (D.words): a text
        for each message, or its forms by CLDR plural category for one with plural forms (keyed by
        its English singular). Nothing for English, which the script has already."""
        if self.language == SOURCE_LANGUAGE:
            return {}
        out: dict = {}
        for m in self.script:
            if isinstance(m, str):
                out[m] = self.gettext(m)
            else:
                out[m[0]] = self.forms(*m)
        return out

    def calendar(self) -> dict:
        """The month names and the order of a date in full, for the page's script (D.calendar):
        browsers lack CLDR's dates for many languages (Chromium has no Welsh ones)."""
        if self.language == SOURCE_LANGUAGE:
            import calendar

            return {"months": [calendar.month_name[i] for i in range(1, 13)], "pattern": "{day} {month} {year}"}
        import re

        from babel.dates import get_date_format, get_month_names

        months = get_month_names("wide", locale=self.language)
        pattern = get_date_format("long", locale=self.language).pattern
        pattern = re.sub(r"M{3,4}|L{3,4}", "{month}", pattern)
        pattern = re.sub(r"(?<![{a-z])d{1,2}(?![a-z}])", "{day}", pattern)
        pattern = re.sub(r"(?<![{a-z])y+(?![a-z}])", "{year}", pattern).replace("'", "")
        return {"months": [months[i] for i in range(1, 13)], "pattern": pattern}

    def day_names(self, width: Literal["abbreviated", "wide"] = "abbreviated") -> list[str]:
        """Monday to Sunday in this language ('Mon' ... 'Sun', 'Llun' ... 'Sul')."""
        if self.language == SOURCE_LANGUAGE:
            import calendar

            return list(calendar.day_abbr if width == "abbreviated" else calendar.day_name)
        from babel.dates import get_day_names

        names = get_day_names(width, locale=self.language)
        return [names[i] for i in range(7)]

    def language_name(self, code: str) -> str:
        """A language's name in this language ('cy' -> 'Welsh', 'Cymraeg' in Welsh); the English
        name (core/languages.py) where CLDR has none."""
        from .languages import language_name

        if self.language == SOURCE_LANGUAGE:
            return language_name(code)
        from babel import Locale

        return Locale.parse(self.language).languages.get(code) or language_name(code)

    def date(self, when: datetime.date) -> str:
        """A date written in full ('1 December 2026', '1 Rhagfyr 2026')."""
        if self.language == SOURCE_LANGUAGE:  # (English needs no Babel: sprx's own words)
            from .words import nice_date

            return nice_date(when)
        from babel.dates import format_date

        return format_date(when, format="long", locale=self.language)

    def data_as_of(self, when: datetime.date | None) -> str:
        """'Data as of 23 November 2026' (the newest last_verified), or that none is recorded."""
        return (self.gettext("Data as of {date}").format(date=self.date(when)) if when
                else self.gettext("No verification dates recorded"))

    def number(self, n: float) -> str:

        """A number with the language's grouping ('100,000')."""
        if self.language == SOURCE_LANGUAGE:
            return f"{n:,}"
        from babel.numbers import format_decimal

        return format_decimal(n, locale=self.language)

    @property
    def direction(self) -> str:
        """'ltr' or 'rtl', for the page's `dir`."""
        if self.language == SOURCE_LANGUAGE:
            return "ltr"
        from babel import Locale

        return Locale.parse(self.language).text_direction


@cache
def messages(language: str = SOURCE_LANGUAGE) -> Messages:
    """The Messages of `language` (an ISO 639 code with a catalogue, or English);
    UnknownLanguage otherwise."""
    import gettext

    if language == SOURCE_LANGUAGE:
        return Messages(language, gettext.NullTranslations())
    path = catalogue_path(language)
    if not path.is_file():
        raise UnknownLanguage(f"sprx has no words for the language {language!r}",
                              f"the languages it has: {', '.join(languages())}; a new one starts as a copy of "
                              "sprx_cli/locale/sprx.pot (see scripts/messages.py)")
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        catalog = read_po(f, locale=language, domain=DOMAIN)
    untranslated = tuple(str(m.id if isinstance(m.id, str) else m.id[0]) for m in catalog
                         if m.id and not (all(m.string) if isinstance(m.string, (list, tuple)) else m.string))
    script = tuple(m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog
                   if m.id and any(place.startswith(SCRIPTS) for place, _ in m.locations))
    import io

    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Messages(language, gettext.GNUTranslations(compiled), untranslated, script)

