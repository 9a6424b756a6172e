"""The words people read, in their language (issue #27, first step): the catalogues Babel keeps,
Welsh plural forms, dates and numbers in the language's own way, and English unchanged."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from helpers import ROOT
from sprx_cli.aggregate.counts import tally
from sprx_cli.core.messages import Messages, UnknownLanguage, catalogue_path, languages, messages


def test_every_catalogue_has_every_message_translated():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from messages import template
    finally:
        sys.path.pop(0)
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in template() if m.id}
    assert wanted, "no message found in the code"
    assert languages()[0] == "en" and "cy" in languages()
    for code in languages()[1:]:
        from babel.messages.pofile import read_po

        with catalogue_path(code).open("rb") as f:
            have = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f, locale=code) if m.id}
        assert wanted - have == set(), (code, "run python scripts/messages.py")
        assert messages(code).untranslated == (), (code, "translate these in its .po file")


def test_the_script_leaves_an_up_to_date_catalogue_as_it_is():
    files = [ROOT / "sprx_cli/locale/sprx.pot", catalogue_path("cy")]
    before = [p.read_bytes() for p in files]
    r = subprocess.run([sys.executable, "scripts/messages.py"], cwd=ROOT, capture_output=True, text=True)
    after = [p.read_bytes() for p in files]
    for p, b in zip(files, before):
        p.write_bytes(b)
    assert r.returncode == 0, r.stderr
    assert after == before, "the catalogues were out of date: run python scripts/messages.py and commit them"


def test_welsh_has_its_six_plural_forms():
    from babel import Locale

    cy = messages("cy")
    forms = {Locale.parse("cy").plural_form(n): tally(n, words=cy) for n in (0, 1, 2, 3, 6, 7)}
    assert forms == {"zero": "0 cynllun ar agor nawr", "one": "1 cynllun ar agor nawr",
                     "two": "2 gynllun ar agor nawr", "few": "3 chynllun ar agor nawr",
                     "many": "6 chynllun ar agor nawr", "other": "7 cynllun ar agor nawr"}
    assert tally(1234, 2, " yn 27 o 33 ardal", words=cy) == "1,234 cynllun ar agor nawr yn 27 o 33 ardal, 2 ar saib"


def test_english_is_as_it_was():
    assert tally(55, 3, " in 27 of 33 areas") == "55 schemes open now in 27 of 33 areas, 3 paused"
    assert tally(1) == "1 scheme open now" and tally(5000, 1) == "5,000 schemes open now, 1 paused"
    assert tally(2, statuses=("active", "paused")) == "2 schemes (active, paused)"
    en = messages()
    assert en.date(date(2026, 12, 1)) == "1 December 2026" and en.number(100000) == "100,000"
    assert en.direction == "ltr"


def test_dates_numbers_and_direction_in_the_languages_own_way():
    import gettext

    cy = messages("cy")
    assert cy.date(date(2026, 12, 1)) == "1 Rhagfyr 2026" and cy.number(100000) == "100,000"
    assert cy.direction == "ltr"
    assert Messages("ur", gettext.NullTranslations()).direction == "rtl"
    assert Messages("ar", gettext.NullTranslations()).direction == "rtl"


def test_a_language_without_a_catalogue_is_said():
    with pytest.raises(UnknownLanguage) as e:
        messages("zz")
    assert "no words for the language 'zz'" in str(e.value) and "cy" in e.value.hint


def test_a_messages_forms_by_plural_category_for_the_page():
    from sprx_cli.aggregate.counts import TALLY

    assert messages().forms(*TALLY["open_now"]) == {"one": "{n} scheme open now", "other": "{n} schemes open now"}
    assert messages("cy").forms(*TALLY["open_now"]) == {
        "zero": "{n} cynllun ar agor nawr", "one": "{n} cynllun ar agor nawr", "two": "{n} gynllun ar agor nawr",
        "few": "{n} chynllun ar agor nawr", "many": "{n} chynllun ar agor nawr", "other": "{n} cynllun ar agor nawr"}


def test_where_the_schemes_are_in_one_message_with_two_numbers():
    from sprx_cli.aggregate.counts import in_areas

    assert in_areas(27, 33) == " in 27 of 33 areas" and in_areas(1, 1) == " in 1 of 1 area"
    assert in_areas(1500, 2000, messages("cy")) == " mewn 1,500 o 2,000 ardal"
