"""Colours and classes shared by the HTML map and the PNG, so both say the same thing."""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from ..aggregate.metrics import metric_label
from ..core.messages import Messages, N_

if TYPE_CHECKING:
    from ..aggregate.counts import AreaCounts

# Sequential purples for counts (ColorBrewer-style ramp, light to dark); zero is not on it.
RAMP = ["#dadaeb", "#bcbddc", "#9e9ac8", "#756bb1", "#54278f"]
ZERO_FILL = "#ffffff"
ZERO_HATCH = "#c2185b"  # a gap should stand out: magenta hatching on white
ZERO_LABEL = N_("no schemes recorded")
BORDER = "#444444"


@dataclass(frozen=True)
class Band:
    """One class of the shading: its range, colour and legend label."""
    low: float
    high: float
    colour: str
    label: str


def _fmt(v: float, integer: bool) -> str:
    return f"{int(v)}" if integer else f"{v:.1f}"


def bands(values: Sequence[float | None], integer: bool = True, max_classes: int = len(RAMP)) -> list[Band]:
    """Classes for the positive values: one per value when there are few, else quantiles."""
    positive = sorted(v for v in values if v and v > 0)
    if not positive:
        return []
    distinct = sorted(set(positive))
    if len(distinct) <= max_classes:
        edges = [(v, v) for v in distinct]
    else:
        n = len(positive)
        cuts = []
        for k in range(1, max_classes):
            cuts.append(positive[min(n - 1, (k * n) // max_classes)])
        uppers = sorted({c for c in cuts if c < distinct[-1]}) + [distinct[-1]]
        edges, low = [], distinct[0]
        for up in uppers:
            edges.append((low, up))
            low = up + 1 if integer else up
        edges = [(lo, hi) for lo, hi in edges if lo <= hi]
    ramp = RAMP[len(RAMP) - len(edges):]  # few classes take the darker end of the ramp
    out = []
    for (lo, hi), colour in zip(edges, ramp):
        label = _fmt(lo, integer) if lo == hi else f"{_fmt(lo, integer)}–{_fmt(hi, integer)}"
        out.append(Band(lo, hi, colour, label))
    return out


def band_index(value: float | None, classes: list[Band]) -> int:
    """Index of the class `value` falls in; -1 for zero or no value."""
    if not value or value <= 0:
        return -1
    for i, b in enumerate(classes):
        if value <= b.high:
            return i
    return len(classes) - 1


class Shading(NamedTuple):
    """What the areas are shaded by: each area's value, the classes, and the legend's title."""

    metric: str
    values: list
    bands: list[Band]
    label: str


def shading(counts: AreaCounts, metric: str = "count", words: Messages | None = None) -> Shading:
    """The shading of the areas under `metric` (aggregate.metrics.METRICS), the same for the page and the PNG.
    Raises MetricUnavailable when the registry lacks what the metric needs."""
    if metric == "need":
        from ..aggregate.need import need_class, need_classes, need_rows

        values = [need_class(r["need_third"], r["provision_third"]) for r in need_rows(counts)]
        return Shading(metric, values, [Band(k, k, colour, label) for k, colour, label in need_classes(words)],
                       metric_label(metric, counts.codes, counts.population, words))
    values = counts.values(metric)
    return Shading(metric, values, bands(values, integer=metric == "count"),
                   metric_label(metric, counts.codes, counts.population, words))

