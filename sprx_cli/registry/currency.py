"""Warnings that keep a registry current: stale or unverified entries, no contact, possible duplicates."""

from __future__ import annotations

from datetime import date
from operator import attrgetter

from ..core.dates import months_before
from ..core.model import Scheme
from ..core.problems import Problem
from ..core.words import normalise_names


def check_upkeep(schemes: list[Scheme], by_id, on: date, stale_after_months: int) -> list[Problem]:
    """Warnings that keep a registry current: stale or unverified entries, no contact, duplicates.

    `by_id(scheme_id)` gives the record a scheme came from, asked only for schemes with a warning
    (a CSV registry builds records on demand). Each check runs over whole columns; the problems
    come out scheme by scheme, in the order the checks are listed."""
    from collections import Counter

    cutoff = months_before(on, stale_after_months)
    active = [s for s in schemes if s.status != "closed"]
    found: list[tuple[int, int, Problem]] = []  # (scheme, check, problem)
    for k, d in enumerate(map(attrgetter("last_verified"), active)):
        if d is not None and d >= cutoff:
            continue
        s = active[k]
        found.append((k, 0, Problem(
            "not-verified", f"scheme '{s.id}' has no last_verified date", by_id(s.id).at("id"), "warning",
            "last_verified", None)
            if d is None else Problem(
            "stale-entry", f"scheme '{s.id}' was last verified on {d}, more than {stale_after_months} months ago",
            by_id(s.id).at("last_verified"), "warning", "last_verified", d.isoformat())))
    contacts = zip(*(map(attrgetter(f), active) for f in ("website", "email", "phone", "referral_url",
                                                           "referral_email")))
    for k in [k for k, c in enumerate(contacts) if not any(c)]:
        s = active[k]
        found.append((k, 1, Problem(
            "no-contact", f"scheme '{s.id}' has no website, email or phone", by_id(s.id).at("id"), "warning",
            None, None)))
    # the same name from the same provider, or from the same registered charity: only schemes whose
    # name and provider (or name and charity number) occur more than once can be either
    names = normalise_names([s.name for s in active])
    distinct = list({s.provider or "": None for s in active})
    folded = dict(zip(distinct, normalise_names(distinct)))
    by_provider = list(zip(names, (folded[s.provider or ""] for s in active)))
    by_number = [(n, s.charity_number) if s.charity_number else None for n, s in zip(names, active)]
    twice = {key for key, c in Counter(by_provider).items() if c > 1}
    twice_number = {key for key, c in Counter(by_number).items() if c > 1 and key is not None}
    seen: dict[tuple[str, str], Scheme] = {}
    by_charity: dict[tuple[str, str], Scheme] = {}
    for k in [k for k, key in enumerate(by_provider) if key in twice or by_number[k] in twice_number]:
        s, key, number_key = active[k], by_provider[k], by_number[k]
        first, same = seen.get(key), "provider"
        if first is None and number_key is not None:
            first, same = by_charity.get(number_key), "charity number"
        if first is not None:
            found.append((k, 2, Problem(
                "possible-duplicate", f"scheme '{s.id}' has the same name and {same} as '{first.id}'",
                by_id(s.id).at("name"), "warning", "name", s.name,
                "if they are the same scheme, merge them into one entry listing all its boroughs")))
            continue
        seen[key] = s
        if number_key is not None:
            by_charity[number_key] = s
    found.sort(key=lambda f: (f[0], f[1]))
    return [p for _, _, p in found]
