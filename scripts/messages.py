"""Keep sprx's message catalogues up to date (Babel): one command after words change in the code.

    python scripts/messages.py              # extract every message into sprx_cli/locale/sprx.pot,
                                            # then update each language's .po from it
    python scripts/messages.py --new ur     # start a language: sprx_cli/locale/ur/LC_MESSAGES/sprx.po

Messages are the first argument of a `gettext(...)` or `N_(...)` call and the first two of an
`ngettext(...)` or `plural_message(...)` call in sprx_cli/'s Python, and of `t(...)` and the first two
of `tn(...)` in the page's script (sprx_cli/render/static/*.js). A translator edits the .po file
(any PO editor, or a text editor); sprx reads it
as it is, with nothing to compile. A message not yet translated shows in English, and
tests/test_messages.py fails until every catalogue has them all.
"""

from __future__ import annotations

import argparse
import io
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "sprx_cli" / "locale"
KEYWORDS = {"gettext": None, "ngettext": (1, 2), "plural_message": (1, 2), "N_": None}
SCRIPT_KEYWORDS = {"t": None, "tn": (1, 2), "tNodes": None}  # the page's script's (render/static/words.js)
CREATED = datetime(2026, 12, 1, tzinfo=timezone.utc)  # fixed, so that a run with no new words changes no byte


def template() -> Catalog:
    """Every message in the package's Python, with where it is used."""
    catalog = Catalog(project="sprx", domain="sprx", charset="utf-8", creation_date=CREATED)
    for method, keywords in (("python", KEYWORDS), ("javascript", SCRIPT_KEYWORDS)):
        pattern = "**.py" if method == "python" else "render/static/**.js"
        for filename, lineno, message, comments, context in extract_from_dir(
                ROOT / "sprx_cli", method_map=[(pattern, method)], keywords=keywords, comment_tags=("TRANSLATORS:",)):
            catalog.add(message, locations=[(f"sprx_cli/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def written(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=False, sort_output=True, include_lineno=False)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--new", metavar="LANGUAGE", help="start a catalogue for this ISO 639 language code")
    args = parser.parse_args()
    pot = template()
    (LOCALE / "sprx.pot").write_bytes(written(pot))
    codes = sorted(p.name for p in LOCALE.iterdir() if (p / "LC_MESSAGES" / "sprx.po").is_file())
    if args.new:
        codes = sorted({*codes, args.new})
    for code in codes:
        path = LOCALE / code / "LC_MESSAGES" / "sprx.po"
        if path.is_file():
            with path.open("rb") as f:
                catalog = read_po(f, locale=code, domain="sprx")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=code, domain="sprx", project="sprx", charset="utf-8",
                              language_team=f"{code} <translations: see the README>",
                              last_translator="a first draft: to be reviewed by a fluent speaker")
        catalog.update(pot, no_fuzzy_matching=True)
        catalog.fuzzy = False
        catalog.obsolete.clear()
        path.write_bytes(written(catalog))
        missing = [m.id for m in catalog if m.id and not (all(m.string) if isinstance(m.id, tuple) else m.string)]
        print(f"{path.relative_to(ROOT)}: {sum(1 for m in catalog if m.id)} messages, {len(missing)} to translate")


if __name__ == "__main__":
    main()
