"""Which schemes count: statuses, categories, areas, referral routes."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.errors import UsageError
from ..core.model import STATUSES, Registry, Scheme
from ..core.words import did_you_mean


class FilterError(UsageError):
    """A filter names a status, vocabulary key or area the registry does not have; `subject` is the
    filter ('status', 'category', 'referral_route' or 'area')."""


@dataclass(frozen=True)
class Filters:
    """Which schemes count. By default: active schemes of any category, route and area."""

    statuses: tuple[str, ...] = ("active",)
    categories: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()  # area codes
    referral_routes: tuple[str, ...] = ()

    def keep(self, s: Scheme) -> bool:
        """Whether the scheme counts under these filters."""
        return (s.status in self.statuses
                and (not self.categories or any(c in self.categories for c in s.categories))
                and (not self.areas or any(b in self.areas for b in s.boroughs))
                and (not self.referral_routes or any(r in self.referral_routes for r in s.referral_routes)))

    def to_dict(self) -> dict:
        """The filters as exports record them (keys as they have always been)."""
        return {"status": list(self.statuses), "category": list(self.categories),
                "borough": list(self.areas), "referral_route": list(self.referral_routes)}

    @classmethod
    def from_names(cls, registry: Registry, statuses=(), categories=(), areas=(), referral_routes=(),
                   include_closed: bool = False) -> Filters:
        """Filters from what a person typed: vocabulary keys and area names, aliases or codes.

        Raises FilterError (with a did-you-mean) for anything unknown."""
        chosen = list(statuses) or ["active"]
        for s in chosen:
            if s not in STATUSES:
                raise FilterError("status", f"unknown status {s!r}; the statuses are {', '.join(STATUSES)}")
        if include_closed and "closed" not in chosen:
            chosen.append("closed")
        for subject, keys, terms in (("category", categories, registry.vocabulary.categories),
                                     ("referral_route", referral_routes, registry.vocabulary.referral_routes)):
            for key in keys:
                if key not in terms:
                    guess = did_you_mean(key, list(terms))
                    raise FilterError(subject, f"unknown key {key!r}" + (f"; did you mean {guess!r}?" if guess else
                                      f"; the keys are {', '.join(terms)}"))
        codes = []
        for name in areas:
            code = registry.areas.resolve(name)
            if code is None:
                guess = registry.areas.suggest(name)
                raise FilterError("area", f"unknown area {name!r}" + (f"; did you mean {guess!r}?" if guess else ""))
            codes.append(code)
        return cls(tuple(chosen), tuple(categories), tuple(codes), tuple(referral_routes))
