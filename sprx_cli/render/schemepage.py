"""A page of its own for every scheme (the published site's `schemes/<id>.html`), in the site's
languages: what its card says, printable, readable without JavaScript, with schema.org JSON-LD for
search engines; and the site's sitemap.xml and robots.txt.

Every registry text is escaped (html.escape); links are made only from checked web and e-mail
addresses; the JSON-LD block is made safe inside <script> as the map page's data is.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from xml.sax.saxutils import escape as xml_escape

from ..core.messages import Messages
from ..core.model import Registry, Scheme, hours_for_people, translated
from ..core.words import is_email
from .formats import SCHEME_PAGES


_STYLE = ("body{font:17px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:0 auto;"
          "max-width:760px;padding:16px;color:#1a1a1a}a{color:#0b57a4}dt{font-weight:bold;margin-top:8px}"
          "dd{margin:0}.sprx-closed{border:3px solid #8e0f45;padding:8px 12px;color:#8e0f45;font-weight:bold}"
          "nav a{display:inline-block;min-height:24px;line-height:24px}"
          "@media print{nav,.sprx-suggest{display:none}body{font-size:12pt}}")


def scheme_page_name(scheme_id: str) -> str:
    """A scheme's page, from its language's map page ('schemes/camden-walks.html'): ids are slugs."""
    return f"{SCHEME_PAGES}/{scheme_id}.html"


def _http(url: str | None) -> str | None:
    return url if url and url.lower().startswith(("https://", "http://")) else None


def _ages(s: Scheme, m: Messages) -> str | None:
    e = s.eligibility
    if e is None or (e.min_age is None and e.max_age is None):
        return None
    lo, hi = e.min_age, e.max_age
    said = (m.gettext("Age {age}").format(age=lo) if lo == hi else
            m.gettext("Ages {low}–{high}").format(low=lo, high=hi)) if lo is not None and hi is not None else (
        m.gettext("Aged {age} and over").format(age=lo) if lo is not None else
        m.gettext("Aged up to {age}").format(age=hi))
    return m.gettext("Children: {ages}, with a parent or carer").format(ages=said) if e.for_children else said


def scheme_page(registry: Registry, s: Scheme, m: Messages, site_title: str, page_url: str | None = None,
                feedback: str | None = None, alternates: tuple[tuple[str, str], ...] = ()) -> str:
    """One scheme's page in `m`'s language. `page_url`: its address on the web (public_url), for the
    JSON-LD and the canonical link; `alternates`: (language, address) of the page in each language."""
    from .mappage import alternate_links, language_switch

    e, lang, vocab = html.escape, m.language, registry.vocabulary
    text = (lambda f: getattr(s, f)) if lang == "en" else (
        lambda f: (translated(s.translations, lang, f) if s.translations else None) or getattr(s, f))
    eligibility = (translated(s.translations, lang, "eligibility") if s.translations and lang != "en" else None) \
        or (s.eligibility.description if s.eligibility else None)

    def labels(list_name: str, keys: Iterable[str]) -> str | None:
        terms = vocab.terms(list_name)
        out = [(terms[k].label_in(lang) or terms[k].label) if k in terms else k for k in keys]
        return ", ".join(out) or None

    areas = registry.areas.by_code
    form, web, refer_email = _http(s.referral_url), _http(s.website), s.referral_email
    form_word, suggest_word = e(m.gettext("Referral form")), e(m.gettext("Suggest a change"))
    closed_word, paused_word = e(m.gettext("This scheme has closed.")), e(m.gettext("This scheme is paused for now."))
    provider = text("provider")
    run_by = e(m.gettext("Run by {provider}").format(provider=provider)) if provider else ""
    rows: list[tuple[str, str | None]] = [
        (m.gettext("Categories"), e(labels("categories", s.categories) or "")),
        (m.gettext("For"), e(labels("target_groups", s.target_groups) or "")),
        (m.gettext("Who can join"), e("; ".join(x for x in (_ages(s, m), eligibility) if x))),
        (m.gettext("Cost"), e(": ".join(x for x in ((labels("costs", [s.cost]) if s.cost else None),
                                                      text("cost_description")) if x))),
        (m.gettext("How"), e(labels("delivery", s.delivery) or "")),
        (m.gettext("Languages"), e(", ".join(m.language_name(c) for c in s.languages))),
        (m.gettext("Access"), e(labels("accessibility", s.accessibility) or "")),
        (m.gettext("When"), e(" · ".join(x for x in (hours_for_people(s.hours, m.day_names()), text("hours_note"))
                                          if x))),
        (m.gettext("Who can refer"), e(labels("referral_routes", s.referral_routes) or "")),
        (m.gettext("How to refer"), " ".join(x for x in (
            e(text("how_to_refer") or ""),
            (f'<a href="{e(form)}">{form_word}</a>' if form else ""),
            (f'<a href="mailto:{e(refer_email)}">{e(refer_email)}</a>' if refer_email and is_email(refer_email)
             else "")) if x)),
        (m.gettext("Website"), f'<a href="{e(web)}">{e(web)}</a>' if web else ""),
        (m.gettext("Email"), f'<a href="mailto:{e(s.email)}">{e(s.email)}</a>' if s.email and is_email(s.email)
         else ""),
        (m.gettext("Phone"), _phone(s.phone)),
        (m.gettext("Where"), "<br>".join(e(", ".join(x for x in (
            (translated(loc.translations, lang, "name") if loc.translations and lang != "en" else None) or loc.name,
            loc.address, loc.postcode) if x)) for loc in s.locations)),
        (m.gettext("Areas"), e(", ".join(areas[c].name if c in areas else c for c in s.boroughs))),
        (m.gettext("Charity number"), e(s.charity_number or "")),
        (m.gettext("Last checked"), e(m.gettext("Checked {date}").format(date=m.date(s.last_verified))
                                      if s.last_verified else m.gettext("Never checked"))),
    ]
    status = ""
    if s.status == "closed":
        status = f'<p class="sprx-closed" role="status">{closed_word}</p>'
    elif s.status == "paused":
        status = f'<p class="sprx-closed" role="status">{paused_word}</p>'
    name = text("name")
    suggest = ""
    if feedback and is_email(feedback):
        from urllib.parse import quote

        subject = m.gettext("Suggested change: {id}").format(id=s.id)
        suggest = (f'<p class="sprx-suggest"><a href="mailto:{e(feedback)}?subject={e(quote(subject))}">'
                   f'{suggest_word}</a></p>')
    listed = "".join(f"<dt>{e(label)}</dt><dd>{value}</dd>" for label, value in rows if value)
    to_map = e(m.gettext("Back to the map and finder"))
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="{m.direction}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(name)} — {e(site_title)}</title>"
        + (f'<link rel="canonical" href="{e(page_url)}">' if page_url else "")
        + (f'<meta name="description" content="{e(text("description") or name)}">')
        + ('<meta name="robots" content="noindex">' if s.status == "closed" else "")
        + alternate_links(alternates)
        + f"<style>{_STYLE}</style>"
        + f'<script type="application/ld+json">{_json_ld(registry, s, name, text, page_url)}</script>'
        + "</head><body>"
        f'<nav><a href="../map.html">← {to_map}</a>{language_switch(lang, alternates)}</nav>'
        f"<main><h1>{e(name)}</h1>{status}"
        + (f"<p>{run_by}</p>" if provider else "")
        + (f"<p>{e(text('description'))}</p>" if text("description") else "")
        + f"<dl>{listed}</dl>{suggest}</main>"
        f"<footer><p>{e(site_title)}</p></footer></body></html>\n")


def _phone(phone: str | None) -> str:
    if not phone:
        return ""
    digits = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    shown = html.escape(phone)
    return f'<a href="tel:{html.escape(digits)}">{shown}</a>' if len(digits) >= 3 else shown


def _json_ld(registry: Registry, s: Scheme, name: str, text, page_url: str | None) -> str:
    """The scheme as schema.org's Service, safe inside <script>."""
    from .mappage import _script_safe

    areas = registry.areas.by_code
    doc: dict = {"@context": "https://schema.org", "@type": "Service", "name": name,
                 "identifier": s.id,
                 "areaServed": [{"@type": "AdministrativeArea", "name": areas[c].name if c in areas else c}
                                for c in s.boroughs]}
    if text("description"):
        doc["description"] = text("description")
    if page_url:
        doc["url"] = page_url
    if s.categories:
        doc["serviceType"] = [registry.vocabulary.label("categories", k) for k in s.categories]
    if s.provider:
        doc["provider"] = {"@type": "Organization", "name": text("provider")}
    channel: dict = {}
    if (w := _http(s.website)):
        channel["serviceUrl"] = w
    if s.phone:
        channel["servicePhone"] = {"@type": "ContactPoint", "telephone": s.phone}
    places = [{"@type": "Place", **({"name": loc.name} if loc.name else {}),
               **({"address": {"@type": "PostalAddress", **({"streetAddress": loc.address} if loc.address else {}),
                               **({"postalCode": loc.postcode} if loc.postcode else {})}}
                  if loc.address or loc.postcode else {}),
               **({"geo": {"@type": "GeoCoordinates", "latitude": loc.lat, "longitude": loc.lon}}
                  if loc.has_point else {})} for loc in s.locations]
    if places:
        channel["serviceLocation"] = places
    if channel:
        doc["availableChannel"] = {"@type": "ServiceChannel", **channel}
    return _script_safe(json.dumps(doc, ensure_ascii=False, separators=(",", ":")))


def sitemap(addresses: Iterable[tuple[str, tuple[tuple[str, str], ...]]]) -> bytes:
    """sitemap.xml: each page's address, with its other languages' (hreflang) where it has them."""
    rows = []
    for loc, others in addresses:
        links = "".join(f'<xhtml:link rel="alternate" hreflang="{xml_escape(code)}" href="{xml_escape(href)}"/>'
                        for code, href in others)
        rows.append(f"<url><loc>{xml_escape(loc)}</loc>{links}</url>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
            + "\n".join(rows) + "\n</urlset>\n").encode("utf-8")


def robots(sitemap_url: str | None) -> bytes:
    """robots.txt: everything may be read; where the sitemap is, when the site knows its address."""
    return ("User-agent: *\nAllow: /\n" + (f"Sitemap: {sitemap_url}\n" if sitemap_url else "")).encode("utf-8")
