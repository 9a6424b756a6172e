"""What changed since the previous publication: changes.json, the Atom feed, and the index's list."""

from __future__ import annotations

import hashlib
import html
import json
from pathlib import Path

from ..core.messages import Messages, messages


def _previous(previous: Path, name: str, key: str) -> dict | None:
    """The previous version's `name` as a document with a list under `key`, or None where it is
    missing, cut short or not what sprx wrote (someone's hand, a full disk)."""
    try:
        doc = json.loads((previous / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get(key), list):
        return None
    if not all(isinstance(item, dict) for item in doc[key]):
        return None
    return doc


_CHANGES_KEYS = ("schemes_added", "schemes_removed", "schemes_changed", "areas_changed")


def changes_since(previous: Path | None, schemes_doc: dict, counts_doc: dict, inputs_same: bool) -> dict:
    """What changed since the previous publish. When the inputs are the same as the live site's,
    the live changes.json stands (nothing new happened), so unchanged input gives identical files.
    A previous version whose files cannot be read is not compared with: the result says
    `previous_unreadable` (and lists no change) rather than failing every later publish."""
    if previous is not None and inputs_same:
        standing = _previous(previous, "changes.json", "schemes_added")
        if standing is not None and all(isinstance(standing.get(k), list) for k in _CHANGES_KEYS):
            return standing
    nothing: dict = {"first_publish": previous is None, "previous_data_date": None, "schemes_added": [],
               "schemes_removed": [], "schemes_changed": [], "areas_changed": []}
    if previous is None:
        return nothing
    before_doc = _previous(previous, "schemes.json", "schemes")
    old_counts_doc = _previous(previous, "counts.json", "rows")
    if before_doc is None or old_counts_doc is None:
        return {**nothing, "previous_unreadable": True}
    try:
        before = {s["id"]: s for s in before_doc["schemes"]}
        old_counts = {r["code"]: r for r in old_counts_doc["rows"]}
    except (KeyError, TypeError):
        return {**nothing, "previous_unreadable": True}
    after = {s["id"]: s for s in schemes_doc["schemes"]}
    changed = []
    for sid in sorted(set(before) & set(after)):
        fields = sorted(k for k in set(before[sid]) | set(after[sid]) if before[sid].get(k) != after[sid].get(k))
        if fields:
            changed.append({"id": sid, "name": after[sid]["name"], "fields": fields})
    areas = []
    for r in counts_doc["rows"]:
        was = old_counts.get(r["code"], {}).get("schemes", 0)
        if was != r["schemes"]:
            areas.append({"code": r["code"], "name": r["name"], "before": was, "after": r["schemes"]})
    return {
        "first_publish": False,
        "previous_data_date": old_counts_doc.get("data_date"),
        "schemes_added": [{"id": i, "name": after[i]["name"]} for i in sorted(set(after) - set(before))],
        "schemes_removed": [{"id": i, "name": str(before[i].get("name", i))} for i in sorted(set(before) - set(after))],
        "schemes_changed": changed,
        "areas_changed": areas,
    }


ATOM_ENTRIES = 100  # the feed keeps the newest entries, across publications


def _atom_entries(ch: dict, data_date: str | None) -> list[dict]:
    """This publication's feed entries: a scheme added, closed, removed or changed."""
    day = data_date or "1970-01-01"
    out = []
    for s in ch.get("schemes_added", []):
        out.append(("added", s["id"], f"Added: {s['name']}", f"{s['name']} ({s['id']}) is new in the directory."))
    for s in ch.get("schemes_changed", []):
        kind = "changed"
        out.append((kind, s["id"], f"Changed: {s['name']}",
                    f"{s['name']} ({s['id']}): {', '.join(s['fields'])} changed."))
    for s in ch.get("schemes_removed", []):
        out.append(("removed", s["id"], f"Removed: {s['name']}", f"{s['name']} ({s['id']}) is no longer listed."))
    entries = []
    for kind, sid, title, text in out:
        digest = hashlib.sha256(f"{day}|{kind}|{sid}|{text}".encode()).hexdigest()[:12]
        entries.append({"id": f"urn:sprx:change:{day}:{kind}:{sid}:{digest}", "title": title,
                        "updated": f"{day}T00:00:00Z", "content": text})
    return entries


def atom_feed(title: str, ch: dict, data_date: str | None, previous: Path | None) -> bytes:
    """changes.atom (RFC 4287): this publication's entries, then the earlier ones, newest first, at most
    ATOM_ENTRIES. The same history gives the same bytes: every date is a data date, never the clock."""
    import xml.etree.ElementTree as ET
    from xml.sax.saxutils import escape

    ns = "{http://www.w3.org/2005/Atom}"
    entries = _atom_entries(ch, data_date)
    seen = {e["id"] for e in entries}
    if previous is not None and (previous / "changes.atom").is_file():
        try:
            root = ET.fromstring((previous / "changes.atom").read_bytes())
        except ET.ParseError:
            root = None
        for node in (root.findall(f"{ns}entry") if root is not None else []):
            item = {k: (node.findtext(f"{ns}{k}") or "") for k in ("id", "title", "updated", "content")}
            if item["id"] not in seen:
                seen.add(item["id"])
                entries.append(item)
    entries = entries[:ATOM_ENTRIES]
    # the newest change, else the data's date; with neither, no <updated> rather than a made-up one
    updated = entries[0]["updated"] if entries else (f"{data_date}T00:00:00Z" if data_date else None)
    e = escape
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
             f"<id>urn:sprx:changes:{e(hashlib.sha256(title.encode()).hexdigest()[:16])}</id>",
             f"<title>{e(title)}: changes</title>", *([f"<updated>{e(updated)}</updated>"] if updated else []),
             f"<author><name>{e(title)}</name></author>",
             '<link rel="alternate" type="text/html" href="index.html"/>',
             '<link rel="self" type="application/atom+xml" href="changes.atom"/>']
    for item in entries:
        parts.append(f"<entry><id>{e(item['id'])}</id><title>{e(item['title'])}</title>"
                     f"<updated>{e(item['updated'])}</updated>"
                     '<link rel="alternate" type="text/html" href="index.html"/>'
                     f"<content type=\"text\">{e(item['content'])}</content></entry>")
    parts.append("</feed>\n")
    return "\n".join(parts).encode("utf-8")


def changes_html(ch: dict, words: Messages | None = None) -> str:
    """The changes as the index page lists them, in `words`' language."""
    e, m = html.escape, words or messages()
    if ch.get("first_publish"):
        return "<p>" + e(m.gettext("This is the first publication of this site.")) + "</p>"
    if ch.get("previous_unreadable"):
        return "<p>" + e(m.gettext("The previous publication could not be read, so what changed since it is "
                                   "not listed.")) + "</p>"
    parts = []
    for key, title in (("schemes_added", m.gettext("Schemes added")),
                       ("schemes_removed", m.gettext("Schemes removed"))):
        if ch[key]:
            items = "".join(f"<li>{e(s['name'])} <code>{e(s['id'])}</code></li>" for s in ch[key])
            parts.append(f"<h3>{e(title)}</h3><ul>{items}</ul>")
    if ch["schemes_changed"]:
        items = "".join(f"<li>{e(s['name'])}: {e(', '.join(s['fields']))}</li>" for s in ch["schemes_changed"])
        parts.append("<h3>" + e(m.gettext("Schemes changed")) + f"</h3><ul>{items}</ul>")
    if ch["areas_changed"]:
        items = "".join(f"<li>{e(a['name'])}: {a['before']} → {a['after']}</li>" for a in ch["areas_changed"])
        parts.append("<h3>" + e(m.gettext("Areas whose count changed")) + f"</h3><ul>{items}</ul>")
    since = ch.get("previous_data_date")
    lead = ("<p>" + e(m.gettext("Since the previous publication (data as of {date}):").format(date=since)) + "</p>"
            if since else "")
    return lead + ("".join(parts) or "<p>" + e(m.gettext("No changes.")) + "</p>")

