"""The HTML both the map page and the site's index show: the headline and the table of areas.

Every registry text is escaped (html.escape); links are made only from checked email addresses.
"""

from __future__ import annotations

import html
from datetime import date

from ..aggregate.counts import AreaCounts
from ..core.words import data_as_of, is_email, people, plural
from .style import ZERO_LABEL

TABLE_LIST_LIMIT = 5_000  # above this many schemes the table gives counts, not names


def _suggest(data: dict, si: int) -> str:
    """' · Suggest a change': an email to the feedback address naming the scheme, with its details."""
    to = data.get("feedback")
    if not to or not is_email(to):
        return ""
    from urllib.parse import quote

    sc, strings = data["schemes"], data["strings"]
    details = "\n".join(f"{label}: {strings[sc[key][si]]}" for label, key in (
        ("Name", "name"), ("Provider", "provider"), ("Website", "website"), ("Email", "email"), ("Phone", "phone"))
        if sc[key][si] >= 0)
    href = (f"mailto:{to}?subject={quote('Suggested change: ' + sc['id'][si])}"
            f"&body={quote('What should change?' + chr(10) * 3 + 'As listed now:' + chr(10) + details)}")
    return f' · <a class="sprx-suggest-link" href="{html.escape(href)}">Suggest a change</a>'


def table_html(data: dict, counts: AreaCounts) -> str:
    """The accessible table of areas, their counts and (up to TABLE_LIST_LIMIT) scheme names."""
    e = html.escape
    strings = data["strings"]
    schemes, areas = data["schemes"], data["areas"]
    listing = len(schemes["id"]) <= TABLE_LIST_LIMIT
    rows = []
    order = sorted(range(len(counts.codes)), key=lambda i: counts.names[i].casefold())
    serving: list[list[int]] = [[] for _ in counts.codes]
    for si, where in enumerate(schemes["areas"]):
        for a in where:
            serving[a].append(si)
    need = None
    if data.get("metric") == "need":  # the need map's table: its figures and classes too (aggregate/need.py)
        from ..aggregate.need import need_rows

        need = need_rows(counts)
    for i in order:
        served = serving[i]
        items = []
        for si in served if listing else ():
            status = schemes["status"][si]
            badge = "" if status == "active" else f" ({e(status)})"
            items.append(f"<li>{e(strings[schemes['name'][si]])}{badge}{_suggest(data, si)}</li>")
        n = len(served)
        listed = (f"<ul>{''.join(items)}</ul>" if items else
                  f"{plural(n, 'scheme')} (use the map's search to find one)" if n else f"<em>{e(ZERO_LABEL)}</em>")
        count = areas["count"][i]
        cls = ' class="sprx-zero-row"' if count == 0 else ""
        extra = ""
        if need is not None:
            r = need[i]
            extra = "".join(f'<td class="sprx-num">{"" if v is None else e(str(v))}</td>' for v in (
                r["per_100k"], r["imd_rank"], r["need_third"], r["provision_third"])) + \
                f'<td>{"yes" if r["least_served"] else ""}</td>'
        rows.append(f'<tr{cls}><th scope="row">{e(areas["name"][i])}</th><td>{e(areas["code"][i])}</td>'
                    f'<td class="sprx-num">{people(count)}</td>{extra}<td>{listed}</td></tr>')
    return (
        '<section class="sprx-table" id="sprx-table" aria-labelledby="sprx-table-title">'
        '<h2 id="sprx-table-title">Schemes by area</h2>'
        f"<p>Every area with the number of active schemes serving it ({e(counts.headline())}). "
        "Paused schemes are listed but not counted.</p>"
        '<table><caption class="sprx-skip">Social prescribing schemes by area</caption>'
        '<thead><tr><th scope="col">Area</th><th scope="col">Code</th><th scope="col">Active schemes</th>'
        + ("" if need is None else "".join(f'<th scope="col">{h}</th>' for h in (
            "Per 100,000 residents", "IMD 2025 rank", "Need third", "Provision third", "Least served")))
        + '<th scope="col">Schemes</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        + ("" if listing else f"<p>With {people(len(schemes['id']))} schemes the names are not listed here; "
           "`sprx export schemes` gives them all as CSV.</p>")
        + "</section>")


def page_header(title: str, counts: AreaCounts, newest: date | None) -> str:
    """The title and headline shared by the map page and the published site's index."""
    e = html.escape
    gaps = counts.areas_without_schemes
    return (f"<h1>{e(title)}</h1>"
            f'<p><span class="sprx-headline">{e(counts.headline())}</span>'
            + (f' · <span class="sprx-gaps">{plural(gaps, "area")} with {e(ZERO_LABEL)}</span>' if gaps else "")
            + f" · {e(data_as_of(newest))}</p>")


