"""`publish`: build the whole static site and switch it in atomically.

Layout. `--site public` makes `public` a symbolic link to one complete version:

    public -> public.sprx/versions/20261123T020000123456Z-3f2a9c1b
    public.sprx/lock                  held (flock) while a publish or rollback runs
    public.sprx/versions/<version>/   complete sites, newest last; --keep N previous are kept

A publish validates, builds a new version in `versions/.tmp-<version>` beside the others, fsyncs
it, renames it into place, then swaps the link with one rename. A failure or a kill at any moment
leaves the link pointing at the previous complete version; leftovers are removed by the next
run. The lock is an flock on an open file, so the kernel drops it when a run dies: a killed run
never blocks the next one.
"""

from __future__ import annotations

import fcntl
import hashlib
import html
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from .. import __version__
from ..aggregate.counts import area_counts
from ..render.mappage import MapOptions, map_data, page_header, table_html
from ..core.model import DEFAULT_TITLE, NO_ATTRIBUTION, STALE_MONTHS, STATUSES, Filters, data_date

Log = Callable[..., None]  # log(event, level="info", **fields)

EXIT_BUSY = 3
FEED = "oruk"  # the Open Referral UK feed's folder in the site
SITE_FILES = ("index.html", "map.html", "map.png", "counts.csv", "counts.json", "counts.xlsx",
              "schemes.csv", "schemes.geojson", "schemes.json", "areas.geojson", "changes.json", "changes.atom")


class PublishError(Exception):
    """Publishing failed; the live site was not touched."""


class PublishBusy(PublishError):
    """Another publish or rollback holds the lock."""


@dataclass(frozen=True)
class PublishOptions:
    """How to publish: the map's options, versions to keep, strictness."""
    title: str = DEFAULT_TITLE
    tiles: str = "none"
    attribution: str = NO_ATTRIBUTION
    attribution_short: str | None = None
    feedback_email: str | None = None
    keep: int = 3
    if_changed: bool = False
    strict: bool = False
    stale_after_months: int = STALE_MONTHS
    encoding: str | None = None


@dataclass
class PublishResult:
    """What a publish or rollback did."""
    status: str  # "published" | "unchanged" | "rolled-back"
    site: Path
    version: str | None = None
    counts: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, Any] | None = None
    report: Any = None  # the validation report (warnings)


def state_dir(site: Path) -> Path:
    """Where a site's versions and lock live: DIR.sprx beside DIR."""
    return site.with_name(site.name + ".sprx")


def _pause(stage: str) -> None:
    """Test hook: with SPRX_TEST_PAUSE_AT=stage, stop here until SPRX_TEST_RESUME_FILE exists
    (or for ever), so that tests can kill or race a publish at a known point."""
    if os.environ.get("SPRX_TEST_PAUSE_AT") != stage:
        return
    print(f"SPRX-PAUSED {stage}", file=sys.stderr, flush=True)
    resume = os.environ.get("SPRX_TEST_RESUME_FILE")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if resume and os.path.exists(resume):
            return
        time.sleep(0.05)


class _Lock:
    def __init__(self, path: Path):
        self.path = path
        self.fd: int | None = None

    def __enter__(self) -> "_Lock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(self.fd, 200, 0).decode("utf-8", "replace").strip()
            os.close(self.fd)
            self.fd = None
            raise PublishBusy(f"another sprx publish is running on this site ({holder or 'pid unknown'}); "
                              "it was left to finish") from None
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"pid {os.getpid()}\n".encode(), 0)
        return self

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing drops the flock


def sha256_file(path: Path) -> str:
    """A file's SHA-256, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def input_checksums(sources) -> dict[str, str]:
    """SHA-256 of each input file by role, for --if-changed and the manifest."""
    return {role: sha256_file(Path(p)) for role, p in
            (("schemes", sources.schemes), ("boroughs", sources.boroughs),
             ("boundaries", sources.boundaries), ("vocabulary", sources.vocabulary))}


def live_version(site: Path) -> Path | None:
    """The version directory the site link points at, if the site exists."""
    if site.is_symlink():
        target = (site.parent / os.readlink(site)).resolve()
        return target if target.is_dir() else None
    return None


def read_manifest(site: Path) -> dict | None:
    """The live site's manifest.json, or None."""
    live = live_version(site)
    if live is None or not (live / "manifest.json").is_file():
        return None
    try:
        return json.loads((live / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def verify_site(site: Path) -> list[str]:
    """Problems with the live site: missing link, manifest, files, or checksums that differ."""
    live = live_version(site)
    if live is None:
        return [f"{site} is not a published site"]
    manifest = read_manifest(site)
    if manifest is None:
        return [f"{site}: manifest.json is missing or unreadable"]
    problems = []
    listed = {f["path"] for f in manifest["files"]}
    present = {str(p.relative_to(live)) for p in live.rglob("*") if p.is_file()} - {"manifest.json"}
    for extra in sorted(present - listed):
        problems.append(f"{extra}: not in the manifest")
    for f in manifest["files"]:
        path = live / f["path"]
        if not path.is_file():
            problems.append(f"{f['path']}: missing")
        elif path.stat().st_size != f["size"] or sha256_file(path) != f["sha256"]:
            problems.append(f"{f['path']}: does not match the manifest")
    return problems


def _version_name(digest: str) -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ") + "-" + digest[:8]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _check_site_path(site: Path) -> None:
    if site.is_symlink():
        return
    if site.exists():
        if site.is_dir() and not any(site.iterdir()):
            site.rmdir()  # an empty folder made by hand: take its place
            return
        raise PublishError(f"{site} exists and is not a site published by sprx; sprx publishes {site} as a "
                           f"link to complete versions kept in {state_dir(site)}: move it away or choose "
                           "another --site")


def _changes(previous: Path | None, schemes_doc: dict, counts_doc: dict, inputs_same: bool) -> dict:
    """What changed since the previous publish. When the inputs are the same as the live site's,
    the live changes.json stands (nothing new happened), so unchanged input gives identical files."""
    if previous is not None and inputs_same and (previous / "changes.json").is_file():
        return json.loads((previous / "changes.json").read_text(encoding="utf-8"))
    if previous is None or not (previous / "schemes.json").is_file():
        return {"first_publish": True, "previous_data_date": None, "schemes_added": [], "schemes_removed": [],
                "schemes_changed": [], "areas_changed": []}
    before = {s["id"]: s for s in json.loads((previous / "schemes.json").read_text(encoding="utf-8"))["schemes"]}
    after = {s["id"]: s for s in schemes_doc["schemes"]}
    old_counts_doc = json.loads((previous / "counts.json").read_text(encoding="utf-8"))
    old_counts = {r["code"]: r for r in old_counts_doc["rows"]}
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
        "schemes_removed": [{"id": i, "name": before[i]["name"]} for i in sorted(set(before) - set(after))],
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
        out.append((kind, s["id"], f"Changed: {s['name']}", f"{s['name']} ({s['id']}): {', '.join(s['fields'])} changed."))
    for s in ch.get("schemes_removed", []):
        out.append(("removed", s["id"], f"Removed: {s['name']}", f"{s['name']} ({s['id']}) is no longer listed."))
    entries = []
    for kind, sid, title, text in out:
        digest = hashlib.sha256(f"{day}|{kind}|{sid}|{text}".encode()).hexdigest()[:12]
        entries.append({"id": f"urn:sprx:change:{day}:{kind}:{sid}:{digest}", "title": title, "updated": f"{day}T00:00:00Z",
                        "content": text})
    return entries


def _atom(title: str, ch: dict, data_date: str | None, previous: Path | None) -> bytes:
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
    updated = entries[0]["updated"] if entries else f"{data_date or '1970-01-01'}T00:00:00Z"
    e = escape
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
             f"<id>urn:sprx:changes:{e(hashlib.sha256(title.encode()).hexdigest()[:16])}</id>",
             f"<title>{e(title)}: changes</title>", f"<updated>{e(updated)}</updated>",
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


def _changes_html(ch: dict) -> str:
    e = html.escape
    if ch.get("first_publish"):
        return "<p>This is the first publication of this site.</p>"
    parts = []
    for key, title in (("schemes_added", "Schemes added"), ("schemes_removed", "Schemes removed")):
        if ch[key]:
            items = "".join(f"<li>{e(s['name'])} <code>{e(s['id'])}</code></li>" for s in ch[key])
            parts.append(f"<h3>{title}</h3><ul>{items}</ul>")
    if ch["schemes_changed"]:
        items = "".join(f"<li>{e(s['name'])}: {e(', '.join(s['fields']))}</li>" for s in ch["schemes_changed"])
        parts.append(f"<h3>Schemes changed</h3><ul>{items}</ul>")
    if ch["areas_changed"]:
        items = "".join(f"<li>{e(a['name'])}: {a['before']} → {a['after']}</li>" for a in ch["areas_changed"])
        parts.append(f"<h3>Areas whose count changed</h3><ul>{items}</ul>")
    since = ch.get("previous_data_date")
    lead = f"<p>Since the previous publication (data as of {e(since)}):</p>" if since else ""
    return lead + ("".join(parts) or "<p>No changes.</p>")


def _index_html(title: str, data: dict, counts, newest, changes: dict, attribution: str) -> str:
    """The site's front page: the map's header, the downloads, the changes and the table."""
    e = html.escape
    links = [("map.html", "Interactive map"), ("map.png", "Map as an image (PNG)"),
             ("counts.csv", "Counts per area (CSV)"), ("counts.xlsx", "Counts per area (Excel)"),
             ("counts.json", "Counts per area (JSON)"), ("schemes.csv", "Active schemes (CSV)"),
             ("schemes.geojson", "Active scheme locations (GeoJSON, for QGIS)"),
             ("schemes.json", "All schemes, every status (JSON)"),
             ("areas.geojson", "Areas with counts (GeoJSON)"),
             (f"{FEED}/services.json", "Open Referral UK feed (HSDS 3.0): services, for other directories"),
             ("changes.json", "Changes since the previous publication (JSON)"),
             ("changes.atom", "Changes, as a feed to subscribe to (Atom)"),
             ("manifest.json", "Manifest: versions and checksums (JSON)")]
    items = "".join(f'<li><a href="{href}">{e(text)}</a></li>' for href, text in links)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title>"
        '<link rel="alternate" type="application/atom+xml" href="changes.atom" title="Changes">'
        "<style>"
        "body{font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:0 auto;"
        "max-width:1100px;padding:16px;color:#1a1a1a}table{border-collapse:collapse;width:100%}"
        "th,td{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}"
        "td.sprx-num{text-align:right}tr.sprx-zero-row th,tr.sprx-zero-row td{background:#fce4ec}"
        ".sprx-gaps{color:#8e0f45}.sprx-headline{font-weight:bold}.sprx-skip{position:absolute;left:-9999px}</style></head><body>"
        f"<header>{page_header(title, counts, newest)}</header>"
        f"<main><nav><h2>Downloads</h2><ul>{items}</ul></nav>"
        f'<section id="changes"><h2>Changes</h2>{_changes_html(changes)}</section>'
        f"{table_html(data, counts)}</main>"
        f"<footer><p>{e(attribution.rstrip('.'))}. Made with sprx {e(__version__)}.</p></footer></body></html>\n")


def build_site(registry, sources, opts: PublishOptions, out: Path, previous: Path | None,
               inputs: dict[str, str], inputs_same: bool, log: Log) -> dict:
    """Write every site file into `out` (an empty folder); return the manifest."""
    from ..render.exports import export_areas, export_schemes
    from ..render.image import render_png
    from ..render.mappage import render_map
    from ..interchange.oruk import export_feed
    from ..render.tables import build_table, write_table

    map_opts = MapOptions(title=opts.title, offline=True, tiles=opts.tiles, attribution=opts.attribution,
                          short_attribution=opts.attribution_short, feedback_email=opts.feedback_email)
    counts = area_counts(registry)
    everything = Filters(statuses=STATUSES)
    files: dict[str, bytes] = {}
    files["map.html"] = render_map(registry, map_opts).encode("utf-8")
    _pause("built-map")
    files["map.png"] = render_png(registry, map_opts)
    t = build_table(registry, "area")
    files["counts.csv"] = write_table(t, "csv")
    files["counts.json"] = write_table(t, "json")
    files["counts.xlsx"] = write_table(t, "xlsx")
    files["schemes.csv"] = export_schemes(registry, "csv")
    files["schemes.geojson"] = export_schemes(registry, "geojson")
    files["schemes.json"] = export_schemes(registry, "json", everything)
    files["areas.geojson"] = export_areas(registry, "geojson")
    changes = _changes(previous, json.loads(files["schemes.json"]), json.loads(files["counts.json"]), inputs_same)
    files["changes.json"] = (json.dumps(changes, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    newest = data_date(registry.schemes)
    files["changes.atom"] = _atom(opts.title, changes, newest.isoformat() if newest else None, previous)
    data, _ = map_data(registry, map_opts)
    files["index.html"] = _index_html(opts.title, data, counts, data_date(registry.schemes), changes,
                                      registry.attribution(opts.attribution)).encode("utf-8")
    feed = {f"{FEED}/{name}": data for name, data in export_feed(registry).items()}
    for i, name in enumerate(SITE_FILES):
        _write(out / name, files[name])
        if i == 2:
            _pause("writing-files")
    folders = sorted({(out / name).parent for name in feed})
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    for name, data in feed.items():
        _write(out / name, data)
    for folder in reversed(folders):
        _fsync_dir(folder)
    files.update(feed)
    manifest = {
        "sprx_version": __version__,
        "inputs": {role: {"path": getattr(sources, role), "sha256": digest} for role, digest in inputs.items()},
        "options": {"title": opts.title, "tiles": opts.tiles, "attribution": opts.attribution},
        "data_date": (d.isoformat() if (d := data_date(registry.schemes)) else None),
        "counts": {"schemes": counts.total_schemes, "areas": len(counts.codes),
                   "areas_with_schemes": counts.areas_with_schemes,
                   "areas_without_schemes": len(counts.codes) - counts.areas_with_schemes},
        "files": [{"path": name, "size": len(files[name]), "sha256": hashlib.sha256(files[name]).hexdigest()}
                  for name in (*SITE_FILES, *feed)],
    }
    _write(out / "manifest.json", (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    _fsync_dir(out)
    return {**manifest, "changes": changes}


def _versions(state: Path) -> list[Path]:
    root = state / "versions"
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")) if root.is_dir() else []


def _flip(site: Path, target: Path) -> None:
    """Point the site link at `target` with one atomic rename."""
    tmp = site.with_name(f".{site.name}.link-{os.getpid()}")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(target, site.parent), tmp)
    os.replace(tmp, site)
    _fsync_dir(site.parent)


def _prune(state: Path, live: Path, keep: int, log: Log) -> None:
    root = state / "versions"
    for leftover in sorted(root.glob(".tmp-*")):
        shutil.rmtree(leftover, ignore_errors=True)
        log("removed-leftover", path=str(leftover))
    versions = _versions(state)
    older = [v for v in versions if v.name < live.name]
    for old in older[: max(0, len(older) - keep)]:
        shutil.rmtree(old, ignore_errors=True)
        log("pruned", path=str(old))


def publish(sources, site: Path, opts: PublishOptions = PublishOptions(), log: Log = lambda *a, **k: None
            ) -> PublishResult:
    """Validate, build and switch in a new site version. Raises PublishError (site untouched)."""
    from ..registry.validate import InvalidRegistry, validate

    site = Path(site)
    started = time.monotonic()
    _check_site_path(site)
    state = state_dir(site)
    with _Lock(state / "lock"):
        _pause("locked")
        report, registry = validate(sources, stale_after_months=opts.stale_after_months, encoding=opts.encoding)
        log("validated", level="info" if report.valid else "error", errors=len(report.errors),
            warnings=len(report.warnings), schemes=len(registry.schemes))
        if not report.passes(opts.strict):
            raise InvalidRegistry(report, opts.strict)
        inputs = input_checksums(sources)
        manifest = read_manifest(site)
        live_inputs = {k: v["sha256"] for k, v in (manifest or {}).get("inputs", {}).items()}
        same = (manifest is not None and live_inputs == inputs and manifest.get("sprx_version") == __version__
                and manifest.get("options") == {"title": opts.title, "tiles": opts.tiles,
                                                "attribution": opts.attribution})
        if opts.if_changed and same:
            log("unchanged", site=str(site), version=live_version(site).name,
                duration_s=round(time.monotonic() - started, 3))
            return PublishResult("unchanged", site, live_version(site).name, manifest["counts"], report=report)
        digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
        name = _version_name(digest)
        versions = state / "versions"
        versions.mkdir(parents=True, exist_ok=True)
        tmp = versions / f".tmp-{name}"
        tmp.mkdir()
        try:
            built = build_site(registry, sources, opts, tmp, live_version(site), inputs, same, log)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        final = versions / name
        _pause("before-rename")
        os.rename(tmp, final)
        _fsync_dir(versions)
        _pause("before-flip")
        _flip(site, final)
        _pause("after-flip")
        _prune(state, final, opts.keep, log)
        log("published", site=str(site), version=name, **built["counts"],
            duration_s=round(time.monotonic() - started, 3))
        return PublishResult("published", site, name, built["counts"], built["changes"], report)


def rollback(site: Path, log: Log = lambda *a, **k: None) -> PublishResult:
    """Point the site back at the version before the live one."""
    site = Path(site)
    live = live_version(site)
    if live is None:
        raise PublishError(f"{site} is not a published site: nothing to roll back")
    state = state_dir(site)
    with _Lock(state / "lock"):
        earlier = [v for v in _versions(state) if v.name < live.name]
        if not earlier:
            raise PublishError(f"{site} has no earlier version to roll back to (--keep keeps that many)")
        target = earlier[-1]
        _flip(site, target)
        log("rolled-back", site=str(site), version=target.name, previous=live.name)
        manifest = read_manifest(site) or {}
        return PublishResult("rolled-back", site, target.name, manifest.get("counts", {}))
