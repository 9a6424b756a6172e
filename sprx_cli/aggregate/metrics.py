"""What an area's shading shows: the count of schemes serving it, or that count per 100,000 residents."""

from __future__ import annotations

from ..core.errors import SprxError

# Each metric and its legend title. The page, the PNG and the command line's choices come from here.
METRICS: dict[str, str] = {"count": "Active schemes per area",
                           "per-100k": "Active schemes per 100,000 residents"}


class MetricUnavailable(SprxError):
    """The registry lacks what a metric needs (a population for every area)."""
