"""Opening times as people write them in spreadsheets, read into sprx's weekly hours.

"Wednesday 10am - 4pm", "Tuesday - Friday 12noon - 2pm", "Mon, Wed & Fri 9-5", "Thursday 1.30 -
3.30pm" (the meridiem carried back), "Weekdays 9am-5pm; Sat 10-1", "Mondays 10-12 and 2-4": day
names and abbreviations, plurals, ranges and lists of days, several sessions in a cell. What is not
a weekly time ("first Monday of the month", "by appointment", a time with no end) is not read:
`read` gives no hours and the cell stays as the hours note. A cell read with words left over
("term time only") gives its hours and keeps its text as the note too. Never a wrong time: a cell
is read only when every day and time in it is understood.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

DAY_NAMES = {
    "mon": ("mon", "monday", "mondays", "mons"),
    "tue": ("tue", "tues", "tuesday", "tuesdays"),
    "wed": ("wed", "weds", "wednesday", "wednesdays"),
    "thu": ("thu", "thur", "thurs", "thursday", "thursdays"),
    "fri": ("fri", "friday", "fridays"),
    "sat": ("sat", "saturday", "saturdays"),
    "sun": ("sun", "sunday", "sundays"),
}
WEEK = tuple(DAY_NAMES)
DAY_OF = {word: key for key, words in DAY_NAMES.items() for word in words}
GROUPS = {"weekdays": WEEK[:5], "weekday": WEEK[:5], "weekends": WEEK[5:], "weekend": WEEK[5:],
          "daily": WEEK, "everyday": WEEK}
# Not weekly, or not times at all: such a cell is kept as text only.
NOT_WEEKLY = re.compile(
    r"\b(?:1st|2nd|3rd|4th|5th|first|second|third|fourth|fifth|last|alternate|alternating|fortnightly|"
    r"fortnight|monthly|month|every other|biweekly|bi-weekly|once a|twice a|appointment|appointments|"
    r"request|varies|vary|various|variable|tbc|tba|ring|call|contact|closed|except|excluding|not on|"
    r"odd|even|week [0-9]|weeks)\b")
# Words that say nothing more than the days and times do
FILLER = {"from", "to", "until", "till", "til", "between", "and", "open", "opens", "opening", "every", "each", "on",
          "at", "hrs", "hours", "session", "sessions", "the", "s", "am", "pm", "in", "day", "days", "times",
          "time", "is", "are", "we", "re", "our"}
_TOKEN = re.compile(r"(?P<time>\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?)|(?P<word>[a-z]+)|(?P<dash>-)|(?P<sep>[,;/\n+])")


class Opening(NamedTuple):
    """One weekly opening: its days (mon..sun) and times (HH:MM, 24-hour)."""

    days: tuple[str, ...]
    opens: str
    closes: str


class Reading(NamedTuple):
    """What a cell says: its openings (none when it could not be read), and whether words were left over."""

    openings: tuple[Opening, ...]
    complete: bool  # every word of the cell was understood (else it is kept as the note too)


def _normalise(text: str) -> str:
    t = " " + text.lower() + " "
    t = re.sub(r"[\u2010-\u2015\u2212~]", "-", t)  # every dash is a dash
    t = re.sub(r"\ba\.?m\.?(?![a-z])", "am", t)
    t = re.sub(r"\bp\.?m\.?(?![a-z])", "pm", t)
    t = re.sub(r"\b(?:12\s*)?(?:noon|midday|mid-day)\b", "12pm", t)
    t = re.sub(r"\b(?:12\s*)?midnight\b", "12am", t)
    t = re.sub(r"\bevery\s+day\b|\b7 days(?: a week)?\b|\bseven days(?: a week)?\b|\ball week\b", " daily ", t)
    t = re.sub(r"\b(?:mon|monday)\s*-\s*(?:sun|sunday)\b", " daily ", t)
    t = re.sub(r"\s*\b(?:to|till|until|til|thru|through)\s+(?=\d|(?:mon|tue|wed|thu|fri|sat|sun))", " - ", t)
    t = t.replace("&", ",").replace(" and ", " , ")
    return t


class _Time(NamedTuple):
    hour: int
    minute: int
    meridiem: str | None


def _time(token: str) -> _Time | None:
    m = re.fullmatch(r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?", token.strip())
    if not m:
        return None
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if hour > 23 or minute > 59 or (m.group(3) and not 1 <= hour <= 12):
        return None
    return _Time(hour, minute, m.group(3))


def _clock(t: _Time, meridiem: str | None) -> int:
    """Minutes after midnight, reading the time with `meridiem` (None: as written, on a 24-hour clock)."""
    hour = t.hour
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    return hour * 60 + t.minute


def _range(start: _Time, end: _Time) -> tuple[int, int] | None:
    """A session's opening and closing, in minutes; the meridiem carried from one end to the other."""
    if start.meridiem and end.meridiem:
        a, b = _clock(start, start.meridiem), _clock(end, end.meridiem)
    elif end.meridiem:  # "1.30 - 3.30pm", "11 - 1pm", "10-12pm"
        b = _clock(end, end.meridiem)
        same = _clock(start, end.meridiem)
        a = same if same < b else _clock(start, "am")
    elif start.meridiem:  # "10am - 4"
        a = _clock(start, start.meridiem)
        b = _clock(end, None)
        if b <= a and end.hour < 12:
            b += 12 * 60
    else:  # "9-5", "10-12", "2-4" (an afternoon: no session runs from 2 in the morning)
        a, b = _clock(start, None), _clock(end, None)
        if start.hour <= 7 and end.hour <= 7 and start.hour >= 1 and end.hour > start.hour:
            a, b = a + 12 * 60, b + 12 * 60
        elif b <= a and end.hour < 12:
            b += 12 * 60
    if not 0 <= a < b < 24 * 60:
        return None
    return a, b


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@lru_cache(maxsize=4096)  # a list repeats the same few ways of writing its times
def read(text: str | None) -> Reading:
    """The weekly openings a cell of opening times says (see the module's docstring)."""
    if not text or not text.strip():
        return Reading((), True)
    t = _normalise(text)
    if NOT_WEEKLY.search(t):
        return Reading((), False)
    tokens = [(m.lastgroup, m.group(m.lastgroup)) for m in _TOKEN.finditer(t)]  # type: ignore[arg-type]  # (a match has its group)
    groups: list[tuple[list[str], list[tuple[int, int]]]] = []
    days: list[str] = []  # the group of days being read
    ranges: list[tuple[int, int]] = []  # its sessions
    pending: list[tuple[int, int]] = []  # sessions written before any day ("10am-2pm Mondays")
    times_first = False
    complete = True
    i = 0
    while i < len(tokens):
        kind, value = tokens[i]
        if kind == "word" and (value in DAY_OF or value in GROUPS):
            nxt = tokens[i + 1:i + 3]
            if (value in DAY_OF and len(nxt) == 2 and nxt[0][0] == "dash" and nxt[1][0] == "word"
                    and nxt[1][1] in DAY_OF):  # "tuesday - friday"
                a, b = WEEK.index(DAY_OF[value]), WEEK.index(DAY_OF[nxt[1][1]])
                if b < a:
                    return Reading((), False)
                these, i = WEEK[a:b + 1], i + 3
            else:
                these, i = GROUPS.get(value) or (DAY_OF[value],), i + 1
            if ranges and not times_first:  # "mon 10-12, wed 2-4": a new group of days
                groups.append((days, ranges))
                days, ranges = [], []
            days += these
            if pending:
                ranges, pending, times_first = pending, [], True
            continue
        if kind == "time":
            nxt = tokens[i + 1:i + 3]
            if not (len(nxt) == 2 and nxt[0][0] == "dash" and nxt[1][0] == "time"):
                return Reading((), False)  # a time with no end ("from 10am")
            start, end = _time(value), _time(nxt[1][1])
            session = _range(start, end) if start and end else None
            if session is None or (days and times_first):  # (times on both sides of the days: unclear)
                return Reading((), False)
            (ranges if days else pending).append(session)
            i += 3
            continue
        if kind == "dash":
            return Reading((), False)  # a dash between things that are not days or times
        if kind == "word" and value not in FILLER:
            complete = False
        i += 1
    if pending:
        return Reading((), False)  # times for no day
    if days and ranges:
        groups.append((days, ranges))
    elif days:
        if not groups:
            return Reading((), False)  # days with no times
        complete = False  # the last days have no times of their own
    openings = tuple(Opening(tuple(d for d in WEEK if d in set(group)), _hhmm(a), _hhmm(b))
                     for group, sessions in groups for a, b in sessions)
    return Reading(openings, complete and bool(openings))
