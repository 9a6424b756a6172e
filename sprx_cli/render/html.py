"""The HTML both the map page and the site's index show: the headline and the table of areas.

Every registry text is escaped (html.escape); links are made only from checked email addresses.
The words are the page's language's (`words`, core/messages.py).
"""

from __future__ import annotations

import html
from datetime import date

from ..aggregate.counts import AreaCounts
from ..core.messages import Messages, messages
from ..core.words import is_email
from .style import ZERO_LABEL

TABLE_LIST_LIMIT = 5_000  # above this many schemes the table gives counts, not names


def _suggest(data: dict, si: int, m: Messages) -> str:
    """' · Suggest a change': an email to the feedback address naming the scheme, with its details."""
    to = data.get("feedback")
    if not to or not is_email(to):
        return ""
    from urllib.parse import quote

    sc, strings = data["schemes"], data["strings"]
    details = "\n".join(f"{label}: {strings[sc[key][si]]}" for label, key in (
        (m.gettext("Name"), "name"), (m.gettext("Provider"), "provider"), (m.gettext("Website"), "website"),
        (m.gettext("Email"), "email"), (m.gettext("Phone"), "phone"))
        if sc[key][si] >= 0)
    subject = m.gettext("Suggested change: {id}").format(id=sc["id"][si])
    body = m.gettext("What should change?") + "\n" * 3 + m.gettext("As listed now:") + "\n" + details
    href = f"mailto:{to}?subject={quote(subject)}&body={quote(body)}"
    text = html.escape(m.gettext("Suggest a change"))
    return f' · <a class="sprx-suggest-link" href="{html.escape(href)}">{text}</a>'


def table_html(data: dict, counts: AreaCounts, words: Messages | None = None) -> str:
    """The accessible table of areas, their counts and (up to TABLE_LIST_LIMIT) scheme names."""
    e, m = html.escape, words or messages()
    strings = data["strings"]
    schemes, areas = data["schemes"], data["areas"]
    listing = len(schemes["id"]) <= TABLE_LIST_LIMIT
    rows = []
    order = sorted(range(len(counts.codes)), key=lambda i: areas["name"][i].casefold())  # (as the page names them)
    serving: list[list[int]] = [[] for _ in counts.codes]
    for si, where in enumerate(schemes["areas"]):
        for a in where:
            serving[a].append(si)
    need = None
    if data.get("metric") == "need":  # the need map's table: its figures and classes too (aggregate/need.py)
        from ..aggregate.need import need_rows

        need = need_rows(counts)
    status_word = {"paused": m.gettext("paused"), "closed": m.gettext("closed")}
    english, name_bit = schemes["english"], 1 << data["translated"].index("name")  # (shown in English, untranslated)
    yes = e(m.gettext("yes"))
    for i in order:
        served = serving[i]
        items = []
        for si in served if listing else ():
            status = schemes["status"][si]
            badge = "" if status == "active" else f" ({e(status_word.get(status, status))})"
            name = e(strings[schemes["name"][si]])
            name = f'<span lang="en">{name}</span>' if english[si] & name_bit else name
            items.append(f'<li data-si="{si}">{name}{badge}{_suggest(data, si, m)}</li>')
        n = len(served)
        listed = (f"<ul>{''.join(items)}</ul>" if items else
                  e(m.ngettext("{n} scheme (use the map's search to find one)",
                               "{n} schemes (use the map's search to find one)", n)) if n
                  else f"<em>{e(m.gettext(ZERO_LABEL))}</em>")
        count = areas["count"][i]
        cls = ' class="sprx-zero-row"' if count == 0 else ""
        extra = ""
        if need is not None:
            r = need[i]
            extra = "".join(f'<td class="sprx-num">{"" if v is None else e(str(v))}</td>' for v in (
                r["per_100k"], r["imd_rank"], r["need_third"], r["provision_third"])) + \
                f'<td>{yes if r["least_served"] else ""}</td>'
        # (data-a, data-si and sprx-area-count: the map page's script follows its finder's filters here)
        rows.append(f'<tr{cls} data-a="{i}"><th scope="row">{e(areas["name"][i])}</th><td>{e(areas["code"][i])}</td>'
                    f'<td class="sprx-num sprx-area-count">{m.number(count)}</td>{extra}<td>{listed}</td></tr>')
    heads = [m.gettext("Area"), m.gettext("Code"), m.gettext("Active schemes")] + ([] if need is None else [
        m.gettext("Per 100,000 residents"), m.gettext("IMD 2025 rank"), m.gettext("Need third"),
        m.gettext("Provision third"), m.gettext("Least served")]) + [m.gettext("Schemes")]
    heading, caption = e(m.gettext("Schemes by area")), e(m.gettext("Social prescribing schemes by area"))
    lead = (m.gettext("Every area with the number of active schemes serving it ({headline}).").format(
        headline=counts.headline(m)) + " " + m.gettext("Paused schemes are listed but not counted."))
    return (
        '<section class="sprx-table" id="sprx-table" aria-labelledby="sprx-table-title">'
        f'<h2 id="sprx-table-title">{heading}</h2>'
        f"<p>{e(lead)}</p>"
        f'<table><caption class="sprx-skip">{caption}</caption>'

        "<thead><tr>" + "".join(f'<th scope="col">{e(h)}</th>' for h in heads) + "</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        + ("" if listing else "<p>" + e(m.gettext("With {n} schemes the names are not listed here; "
                                                  "`sprx export schemes` gives them all as CSV.").format(
                                                      n=m.number(len(schemes["id"])))) + "</p>")
        + "</section>")


def page_header(title: str, counts: AreaCounts, newest: date | None, words: Messages | None = None) -> str:
    """The title and headline shared by the map page and the published site's index."""
    e, m = html.escape, words or messages()
    return (f"<h1>{e(title)}</h1>"
            f'<p><span class="sprx-headline">{e(counts.headline(m))}</span>'
            + (f' · <span class="sprx-gaps">{e(counts.gaps(m))}</span>' if counts.areas_without_schemes else "")
            + f" · {e(m.data_as_of(newest))}</p>")
