"""A static PNG choropleth for reports and newsletters, with the same classes as the HTML map."""

from __future__ import annotations

import io

from ..aggregate.counts import area_counts
from ..aggregate.metrics import metric_credits
from ..aggregate.need import NEED_UNCLASSED
from ..core.messages import messages
from ..core.model import Registry, data_date
from .mapdata import MapOptions
from .style import BORDER, ZERO_HATCH, ZERO_LABEL, band_index, shading


def render_png(registry: Registry, opts: MapOptions = MapOptions(), dpi: int = 150) -> bytes:
    """Render the choropleth as PNG bytes (deterministic: no timestamps in the file)."""
    counts, words = area_counts(registry), messages(opts.language)
    shade = shading(counts, opts.metric, words)  # MetricUnavailable before matplotlib is imported
    values, classes, label = shade.values, shade.bands, shade.label
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    gdf = registry.boundaries.frame()
    value_of = dict(zip(counts.codes, values))
    gdf["band"] = [band_index(value_of[c], classes) for c in gdf["code"]]
    gdf = gdf.to_crs(3857)  # web mercator, as the HTML map

    # (text.parse_math off: registry text is text, never mathtext: 'US$ 5 and CA$ 10' as written)
    with plt.rc_context({"hatch.color": ZERO_HATCH, "hatch.linewidth": 1.2, "font.size": 9,
                         "svg.hashsalt": "sprx", "text.parse_math": False}):
        fig, ax = plt.subplots(figsize=(8, 7.2), dpi=dpi)
        zero = gdf[gdf["band"] < 0]
        some = gdf[gdf["band"] >= 0]
        if len(some):
            some.plot(ax=ax, color=[classes[b].colour for b in some["band"]], edgecolor=BORDER, linewidth=0.6)
        if len(zero):
            zero.plot(ax=ax, facecolor="white", edgecolor=ZERO_HATCH, hatch="////", linewidth=1.0,
                      linestyle="--")
        ax.set_axis_off()
        need = opts.metric == "need"
        handles = [Patch(facecolor="white", edgecolor=ZERO_HATCH, hatch="////",
                         label=(f"{words.gettext(NEED_UNCLASSED)} ({len(zero)})" if need
                                else f"0 — {words.gettext(ZERO_LABEL)} ({len(zero)})"))]
        handles += [Patch(facecolor=b.colour, edgecolor=BORDER, label=b.label) for b in classes]
        ax.legend(handles=handles, title=label, loc="lower right", frameon=True, fontsize=6 if need else 8,
                  title_fontsize=7 if need else 8, ncol=2 if need else 1)
        fig.suptitle(opts.title, fontsize=13, fontweight="bold", x=0.02, ha="left")
        ax.set_title(f"{counts.headline(words)} · {words.data_as_of(data_date(registry.schemes))}",
                     fontsize=9, loc="left")
        credits = registry.attribution(opts.attribution, more=metric_credits(opts.metric, registry.areas), words=words)
        fig.text(0.02, 0.015, credits, fontsize=5.5, color="#444444", wrap=True)
        fig.subplots_adjust(left=0.02, right=0.98, top=0.9, bottom=0.05)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", metadata={"Software": None})
        plt.close(fig)
    return buf.getvalue()
