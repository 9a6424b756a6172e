"""Problems found in registry files, and the report that collects them.

Validation never raises for bad data: every check appends a `Problem` with a stable code, a
location (file and line:column for YAML, row for CSV), the bad value, what is wrong and how to
fix it. The CLI decides how to show them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from .limits import MAX_COLUMNS

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Code:
    """A problem code: its severity, a one-line title (the README's table) and the usual fix."""

    code: str
    severity: Severity
    title: str
    fix: str


# Every problem sprx reports, declared once. A Problem with a code not listed here cannot be made;
# tests/test_catalogue.py fails on a code no fixture produces, and holds the README table equal.
CATALOGUE: tuple[Code, ...] = (
    Code('file-not-found', 'error',
         'a file does not exist (on the command line this is a usage error, exit 2)',
         'check the path, or pass the right file with the option'),
    Code('file-unreadable', 'error',
         'a file exists but cannot be read',
         "check the file's permissions"),
    Code('encoding-error', 'error',
         'not UTF-8 (the line is named; Windows-1252 gets a hint and `--encoding cp1252`), or not text at all',
         'save the file as UTF-8, or name its encoding with --encoding'),
    Code('yaml-syntax', 'error',
         'YAML that cannot be parsed: bad indentation, tabs, unclosed quotes',
         'check the indentation (spaces, not tabs) and that every quote and bracket is closed'),
    Code('yaml-duplicate-key', 'error',
         'the same field twice in one mapping (YAML would silently keep the last)',
         'keep one of the two lines'),
    Code('yaml-tag', 'error',
         'a YAML tag such as `!!python/object`, or a merge key `<<`: registries hold plain data only',
         'remove the tag: write plain values'),
    Code('yaml-alias-bomb', 'error',
         'anchors and aliases that expand to too much data',
         'write the values out instead of repeating anchors'),
    Code('control-character', 'error',
         'a control character in a value: invisible, it garbles the text, breaks the feeds and the XLSX '
         '(and some move a terminal\'s cursor)',
         'delete it: retype the value, or paste it as plain text; a line break in YAML is a new line or \\n'),
    Code('yaml-too-deep', 'error',
         'lists or mappings nested inside each other more than 50 levels deep (a registry needs eight)',
         'write each value as text, a list or a mapping of the fields in the README; nothing nests deeper'),
    Code('registry-empty', 'error',
         'the registry file is empty',
         "a registry starts with 'schemes:' followed by one '- id: ...' entry per scheme"),
    Code('registry-shape', 'error',
         'no top-level `schemes:` list',
         "start the file with 'schemes:' and list each scheme under it as '- id: ...'"),
    Code('csv-syntax', 'error',
         'CSV quoting that cannot be parsed',
         'check the quotes on that row: a quote inside a value must be doubled ("")'),
    Code('csv-too-wide', 'error',
         f'a CSV registry with more than {MAX_COLUMNS:,} columns (a registry has tens: its fields and their '
         'translations)',
         'keep the registry\'s own columns (sprx export schemes --format csv writes them) and leave the rest out'),
    Code('csv-extra-cells', 'error',
         'a CSV row with more cells than the header (usually an unquoted comma)',
         'a value containing a comma must be in double quotes'),
    Code('csv-duplicate-column', 'error',
         'a CSV header naming the same column twice (the first is used)',
         'remove or rename the second column of that name'),
    Code('missing-column', 'error',
         'a CSV registry without an `id`, `name` or `boroughs` column',
         'the first row must name the columns, at least id,name,boroughs'),
    Code('wrong-type', 'error',
         'a mapping or list where text was expected, or the reverse',
         "write text on one line as 'field: value', and lists as '[first, second]'"),
    Code('missing-field', 'error',
         '`id`, `name` or `boroughs` missing or empty',
         'add the field with a value'),
    Code('unknown-field', 'error',
         'a field sprx does not know (with a did-you-mean)',
         'check the spelling against the field table in the README'),
    Code('duplicate-id', 'error',
         'two schemes with the same `id`',
         'every scheme needs its own id: change one of them'),
    Code('invalid-id', 'error',
         'an `id` that is not a lowercase slug',
         'use lowercase letters, digits and single hyphens'),
    Code('unknown-borough', 'error',
         'a borough that is not a name, alias or code in the area registry (with a did-you-mean)',
         'use a name, alias or GSS code from the area registry'),
    Code('unknown-term', 'error',
         'a category, referral route or target group not in the vocabulary (with a did-you-mean)',
         'use a key from the vocabulary'),
    Code('coordinate-incomplete', 'error',
         '`lat` without `lon` or the reverse',
         'give both lat and lon, or neither'),
    Code('coordinate-invalid', 'error',
         'a coordinate that is not a number, or NaN or infinite',
         'write decimal degrees, e.g. lat: 51.5074, lon: -0.1278'),
    Code('coordinate-out-of-range', 'error',
         'latitude beyond ±90 or longitude beyond ±180',
         'latitude is between -90 and 90, longitude between -180 and 180 degrees'),
    Code('coordinate-placeholder', 'error',
         '`lat: 0, lon: 0`, a placeholder rather than a place',
         'give the real coordinates, or remove lat and lon'),
    Code('invalid-postcode', 'error',
         'not a UK postcode',
         'write a full postcode such as SW1A 1AA'),
    Code('invalid-website', 'error',
         'not an `http://` or `https://` address',
         'write the full address, e.g. https://example.org/'),
    Code('invalid-email', 'error',
         'not an email address',
         'write one address like name@example.org'),
    Code('invalid-date', 'error',
         '`last_verified` not in `YYYY-MM-DD` form',
         'write dates as year-month-day, e.g. 2025-03-31'),
    Code('future-date', 'error',
         '`last_verified` after today',
         'write the date the entry was last checked (today or earlier)'),
    Code('invalid-age', 'error',
         '`min_age` or `max_age` that is not a whole number of years from 0 to 120',
         'write ages in whole years, e.g. 18'),
    Code('invalid-ages-of', 'error',
         '`ages_of` that is not `person` or `child`',
         "write 'ages_of: child' when the ages are a child's (parents and carers come with them), else leave it out"),
    Code('age-range', 'error',
         '`min_age` above `max_age`',
         'swap them: min_age is the youngest age the scheme takes'),
    Code('alias-conflict', 'error',
         'a field given under both its names (`boroughs` and `areas`)',
         'keep one of the two'),
    Code('invalid-hours', 'error',
         'hours that are not days of the week with a 24-hour opening time before the closing time',
         "write hours as 'mon,wed 10:00-12:00; fri 14:00-16:00' or a list of {days, opens, closes}"),
    Code('unknown-language', 'error',
         'a language that is not an ISO 639 code (a language name gets its code suggested)',
         'use ISO 639 codes such as en, cy, bn, so, ur, pl, bfi'),
    Code('invalid-charity-number', 'error',
         'not an England and Wales, Scottish (`SC`) or Northern Irish (`NIC`) charity number',
         'write the number as the charity register shows it'),
    Code('invalid-oruk-id', 'error',
         '`oruk_id` with a character a feed\'s file name or address cannot hold (`/`, a space, a leading `.`)',
         'use letters, digits and - _ . ~ : only (at most 200), as the feed it came from wrote it; or leave '
         'oruk_id out and sprx gives the service an id of its own'),
    Code('invalid-status', 'error',
         '`status` other than `active`, `paused`, `closed`',
         'use one of active, paused, closed'),
    Code('areas-missing-column', 'error',
         'the area registry lacks `code` or `name`',
         'the first row must name the columns: code,name,aliases,sub_region'),
    Code('areas-invalid-code', 'error',
         'an area code that is not a GSS code (a capital letter and 8 digits)',
         'GSS codes are a capital letter and 8 digits, e.g. E09000007'),
    Code('areas-duplicate-code', 'error',
         'an area listed twice',
         'each area must appear once: remove one row'),
    Code('areas-missing-name', 'error',
         'an area without a name',
         "give the area's official name"),
    Code('areas-invalid-population', 'error',
         'a population that is not a whole number',
         'write the population as digits, or leave it empty'),
    Code('untranslated-title', 'warning',
         "a `title` setting without a title in one of the site's languages (the `languages` setting)",
         'give one per language: title = {cy = "...", en = "..."}'),
    Code('missing-translation', 'warning',
         "a scheme without its name or description in a language the site publishes in (the `languages` "
         "setting); the page shows the English, marked as English",
         "add it under 'translations', e.g. 'translations: {cy: {name: ..., description: ...}}' (CSV: name_cy, "
         "description_cy)"),
    Code('translation-of-source', 'error',
         "a translation into English, the language the registry's own text is in",
         "write the English in the field itself; 'translations' holds other languages (cy, pl, ur, ...)"),
    Code('areas-missing-population', 'warning',

         "an area without a population when the map's metric (`per-100k`, `need`) needs one",
         "type its population, with its source, or run 'sprx areas fill' to take ONS mid-2022's for a district code"),
    Code('areas-ambiguous-name', 'error',
         'one name or alias given to two areas',
         'a name or alias may belong to one area only: remove it from one row'),
    Code('areas-empty', 'error',
         'the area registry lists no areas',
         'add one row per area: code,name,aliases,sub_region'),
    Code('vocabulary-invalid', 'error',
         'the vocabulary file is malformed (missing list, bad key, duplicate key, bad colour)',
         'write each list as \'- {key: some-key, label: "Some label"}\' entries'),
    Code('boundaries-unreadable', 'error',
         'the boundary file cannot be read',
         'give a GeoJSON, TopoJSON, GeoPackage or Shapefile of the areas'),
    Code('boundaries-no-crs', 'error',
         'the boundary file has no coordinate reference system, or claims degrees but is not',
         'save the file with its CRS, or name it with --crs (e.g. EPSG:27700)'),
    Code('boundaries-empty', 'error',
         'the boundary file holds no features',
         'export the boundary file again with every area in it'),
    Code('boundaries-missing-field', 'error',
         'the boundary file has no `code` attribute',
         'name the attribute holding the area code with --code-field'),
    Code('boundaries-duplicate-code', 'error',
         'two boundary features with the same code',
         'each area must have one feature'),
    Code('boundaries-empty-geometry', 'error',
         'a boundary feature with no polygon',
         'area boundaries must be polygons'),
    Code('boundaries-missing-area', 'error',
         'an area in the area registry with no boundary',
         'the boundaries must cover every area in the registry'),
    Code('boundaries-unknown-area', 'error',
         'a boundary for an area the area registry does not list',
         'add the area to the area registry, or remove it from the boundaries'),
    Code('boundaries-invalid-geometry', 'warning',
         'a self-intersecting boundary; repaired in memory',
         "repair the file (e.g. QGIS 'Fix geometries') so every tool reads it the same"),
    Code('duplicate-value', 'warning',
         'the same borough listed twice for one scheme',
         'remove the repeated value'),
    Code('location-outside-boroughs', 'warning',
         'a location outside every borough its scheme serves (says where it falls, and whether swapping lat and lon '
         'fixes it)',
         "check the coordinates (decimal degrees, lat then lon) and the scheme's areas"),
    Code('postcode-unknown', 'warning',
         'a postcode the postcode table does not have (suggests one a character away); a location with no '
         'coordinates stays off the map',
         'check the postcode on a letter or royalmail.com, or give lat and lon'),
    Code('place-name-invalid', 'warning',
         "a row of the place-name table (the `places` setting) with no name, a latitude or longitude that is not a "
         "number of degrees, or a postcode the postcode table lacks: the place is left out of the finder's search",
         'give the row a name and lat and lon in degrees (e.g. 51.47403,-0.06969), or a postcode'),
    Code('postcode-far', 'warning',
         "typed `lat`/`lon` more than 1 km from the centre of the location's postcode (says how far, and which is "
         "likelier wrong)",
         'check the postcode and the coordinates; remove lat and lon to place it at the postcode'),
    Code('stale-entry', 'warning',
         '`last_verified` older than `--stale-after` months',
         'check the entry with the provider and update last_verified'),
    Code('not-verified', 'warning',
         'no `last_verified` date',
         "check the entry with the provider and add 'last_verified: YYYY-MM-DD'"),
    Code('no-contact', 'warning',
         'no website, email or phone',
         'add at least one way for a referrer to get in touch'),
    Code('possible-duplicate', 'warning',
         'two schemes with the same name and provider (ignoring case and punctuation)',
         'if they are the same scheme, merge them into one entry listing all its areas'),
)
CODES: dict[str, Code] = {c.code: c for c in CATALOGUE}


def short(value: Any, limit: int = 60) -> str:
    """A value as a problem shows it: text as it is, anything else as a brief repr; cut to `limit`."""
    s = value if isinstance(value, str) else brief(value, limit)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def brief(value: Any, limit: int, depth: int = 0) -> str:
    """repr() of a value as the user wrote it, cut short: never deeper than a few levels (a
    hostile file can nest lists thousands deep, and repr would exhaust Python's stack)."""
    if isinstance(value, list):
        if depth >= 4:
            return "[…]"
        items, size = [], 0
        for v in value:
            items.append(brief(v, limit, depth + 1))
            size += len(items[-1]) + 2
            if size > limit:
                items.append("…")
                break
        return "[" + ", ".join(items) + "]"
    if isinstance(value, dict):
        if depth >= 4:
            return "{…}"
        items, size = [], 0
        for k, v in value.items():
            items.append(f"{k!r}: {brief(v, limit, depth + 1)}")
            size += len(items[-1]) + 2
            if size > limit:
                items.append("…")
                break
        return "{" + ", ".join(items) + "}"
    return repr(value)


@dataclass(frozen=True)
class Loc:
    """Where something is: a file and either a line (and column) or a spreadsheet row."""

    file: str
    line: int | None = None
    column: int | None = None
    row: int | None = None

    def __str__(self) -> str:
        if self.row is not None:
            return f"{self.file} row {self.row}"
        if self.line is not None and self.column is not None:
            return f"{self.file}:{self.line}:{self.column}"
        if self.line is not None:
            return f"{self.file}:{self.line}"
        return self.file


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) at one place. Severity and, when none is given, the
    hint come from the code's entry in the catalogue."""

    code: str
    message: str
    loc: Loc
    severity: Severity | None = None
    field: str | None = None
    value: Any = None
    hint: str | None = None

    def __post_init__(self) -> None:
        entry = CODES.get(self.code)
        if entry is None:
            raise ValueError(f"problem code {self.code!r} is not in the catalogue (problems.CATALOGUE)")
        if self.severity is None:
            object.__setattr__(self, "severity", entry.severity)
        elif self.severity != entry.severity:
            raise ValueError(f"{self.code} is declared as {entry.severity}, not {self.severity}")
        if self.hint is None:
            object.__setattr__(self, "hint", entry.fix)

    def to_dict(self) -> dict[str, Any]:
        """The problem as `--format json` prints it."""
        d = asdict(self)
        d.pop("loc")
        d = {"code": self.code, "severity": self.severity, **asdict(self.loc),
             "location": str(self.loc), **{k: d[k] for k in ("field", "value", "message", "hint")}}
        if d["value"] is not None and not isinstance(d["value"], (str, int, float, bool)):
            d["value"] = str(d["value"])
        return d


@dataclass
class Report:
    """Everything validation found, in the order the files were read."""

    problems: list[Problem] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    def add(self, code: str, message: str, loc: Loc, *, field: str | None = None, value: Any = None,
            hint: str | None = None) -> None:
        """Add a problem; its severity comes from the catalogue."""
        self.problems.append(Problem(code, message, loc, None, field, value, hint))

    def extend(self, problems: list[Problem]) -> None:
        """Add problems found elsewhere."""
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        """The problems that make the registry invalid."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems worth a look that do not."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def valid(self) -> bool:
        """No errors (warnings allowed)."""
        return not self.errors

    def passes(self, strict: bool = False) -> bool:
        """Valid, and with `strict` free of warnings too: the one rule every command applies."""
        return self.valid and not (strict and self.warnings)

    def warning_counts(self) -> dict[str, int]:
        """How many warnings of each code, codes in order: the one-line summary commands print."""
        counts: dict[str, int] = {}
        for p in self.warnings:
            counts[p.code] = counts.get(p.code, 0) + 1
        return dict(sorted(counts.items()))

    def warnings_summary(self) -> str | None:
        """'Warnings: 3 stale-entry, 1 no-contact (...)': what building commands print instead of a list."""
        counts = self.warning_counts()
        if not counts:
            return None
        return ("Warnings: " + ", ".join(f"{n:,} {code}" for code, n in counts.items())
                + " (run 'sprx validate' for details)")

    def to_dict(self) -> dict[str, Any]:
        """The report as `sprx validate --format json` prints it (less the files)."""
        return {
            "valid": self.valid,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "stats": self.stats,
            "problems": [p.to_dict() for p in self.problems],
        }


def readme_table() -> str:
    """The README's table of problem codes, made from the catalogue."""
    lines = ["| code | severity | what it means |", "| --- | --- | --- |"]
    lines += [f"| `{c.code}` | {c.severity} | {c.title} |" for c in CATALOGUE]
    return "\n".join(lines) + "\n"
