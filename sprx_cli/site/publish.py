"""`publish`: build the whole static site and switch it in atomically (the layout: versions.py).

A publish validates, builds a new version in `versions/.tmp-<version>` beside the others, fsyncs
it, renames it into place, then swaps the site's link with one rename. A failure or a kill at any
moment leaves the link pointing at the previous complete version; leftovers are removed by the
next run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Iterator

from .. import __version__
from ..aggregate.counts import area_counts
from ..aggregate.filters import Filters
from ..aggregate.metrics import MetricUnavailable, need_credits, population_need
from ..core.messages import messages
from ..core.progress import Step, Tally, counted, no_step
from ..core.model import STALE_MONTHS, STATUSES, Sources, data_date
from ..core.settings import DEFAULT_TITLE, NO_ATTRIBUTION, page_address
from ..render.mapdata import MapOptions, map_data
from .changes import atom_feed, changes_since
from .files import Entry, VersionFiles, group_digest, group_of, index_path, sharing
from .hooks import pause
from .index import FEED, index_html
from .versions import (Log, PublishBusy, PublishError, SiteLock, check_site_path, flip, fsync_dir,
                       live_version,
                       prune, read_manifest, remove_leftovers, sha256_file, state_dir, store_path, verify_site,
                       version_name, versions, write_synced)

__all__ = ["EXIT_BUSY", "PublishBusy", "PublishError", "PublishOptions", "PublishResult", "publish", "rollback",
           "input_checksums", "live_version", "verify_site"]

EXIT_BUSY = 3
SITE_FILES = ("index.html", "map.html", "map.png", "counts.csv", "counts.json", "counts.xlsx",
              "schemes.csv", "schemes.geojson", "schemes.json", "areas.geojson", "changes.json", "changes.atom")


@dataclass(frozen=True)
class PublishOptions:
    """How to publish: the map's options, versions to keep, strictness."""
    title: str = DEFAULT_TITLE
    tiles: str = "none"
    attribution: str = NO_ATTRIBUTION
    attribution_short: str | None = None
    feedback_email: str | None = None
    public_url: str | None = None  # where the site is published: the sheet and the e-mail link to its map
    metric: str = "count"  # how the map and PNG shade the areas (aggregate.metrics.METRICS)
    keep: int = 3
    if_changed: bool = False
    strict: bool = False
    stale_after_months: int = STALE_MONTHS
    encoding: str | None = None
    languages: tuple[str, ...] = ("en",)  # the site's languages, the first at the top (the others in <code>/)
    # language -> the title, attribution and attribution_short of its pages (default: the fields')
    by_language: dict = field(default_factory=dict)
    settings_problems: tuple = ()  # warnings about the settings (core.settings.Settings.problems), reported too

    def in_language(self, language: str, key: str):
        """The title, attribution or attribution_short of the pages in `language`."""
        return self.by_language.get(language, {}).get(key) or getattr(self, key)

    def title_in(self, language: str) -> str:
        """The title of the pages in `language`."""
        return self.in_language(language, "title")

    def manifest_options(self) -> dict:
        """The options a site's files depend on, as its manifest records them (--if-changed compares them)."""
        several = self.languages != ("en",)
        return {"title": self.title, "tiles": self.tiles, "attribution": self.attribution, "metric": self.metric,
                **({"public_url": self.public_url} if self.public_url else {}),
                **({"languages": list(self.languages),
                    "by_language": {c: {k: self.in_language(c, k) for k in ("title", "attribution")}
                                    for c in self.languages}} if several else {})}


@dataclass
class PublishResult:
    """What a publish or rollback did."""
    status: str  # "published" | "unchanged" | "rolled-back"
    site: Path
    version: str | None = None
    counts: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, Any] | None = None
    report: Any = None  # the validation report (warnings)


def input_checksums(sources: Sources) -> dict[str, str]:
    """SHA-256 of every input file by role (Sources.files: the postcode table too), for --if-changed
    and the manifest."""
    return {role: sha256_file(Path(path)) for role, path in sources.files.items()}


def build_site(registry, sources: Sources, opts: PublishOptions, out: VersionFiles, store: Path,
               previous: Path | None, inputs: dict[str, str], inputs_same: bool, log: Log,
               step: Step = no_step) -> dict:
    """Write every site file into `out` (an empty version, sharing unchanged files with the previous
    one) and the API's store to `store`; return the manifest."""
    from ..interchange.oruk_export import Feed, feed_files
    from ..interchange.oruk_store import StoreWriter
    from ..render.exports import export_areas, export_schemes, scheme_records
    from ..render.image import render_png
    from ..render.mappage import render_map
    from ..render.tables import build_table, write_table

    counts = area_counts(registry)
    everything = Filters(statuses=STATUSES)
    files: dict[str, bytes] = {}
    pages = {}
    for i, language in enumerate(opts.languages):  # (each language's map page, made first: the slow part)
        step("the map" if len(opts.languages) == 1 else f"the map ({language})")
        lang_opts = MapOptions(title=opts.title_in(language), offline=True, tiles=opts.tiles,
                               attribution=opts.in_language(language, "attribution"),
                               short_attribution=opts.in_language(language, "attribution_short"),
                               feedback_email=opts.feedback_email, metric=opts.metric, language=language,
                               page_url=page_address(opts.public_url, _page(opts.languages, language, "map.html")),
                               scheme_pages=True,
                               alternates=_alternates(opts.languages, language, "map.html"))
        pages[language] = (lang_opts, map_data(registry, lang_opts))  # (the map page's and the index's)
        files[_page(opts.languages, language, "map.html")] = render_map(
            registry, lang_opts, data=pages[language][1]).encode("utf-8")
        if i == 0:
            pause("built-map")
    step("the image, tables and downloads")
    for language, (lang_opts, _) in pages.items():
        files[_page(opts.languages, language, "map.png")] = render_png(registry, lang_opts)
    t = build_table(registry, "area")
    files["counts.csv"] = write_table(t, "csv")
    files["counts.json"] = write_table(t, "json")
    files["counts.xlsx"] = write_table(t, "xlsx")
    flat = scheme_records(registry)  # (the CSV's and the GeoJSON's)
    files["schemes.csv"] = export_schemes(registry, "csv", records=flat)
    files["schemes.geojson"] = export_schemes(registry, "geojson", records=flat)
    del flat
    files["schemes.json"] = export_schemes(registry, "json", everything)
    files["areas.geojson"] = export_areas(registry, "geojson")
    changes = changes_since(previous, json.loads(files["schemes.json"]), json.loads(files["counts.json"]), inputs_same)
    if changes.get("previous_unreadable"):
        log("previous-unreadable", level="warning", path=str(previous),
            hint="its schemes.json or counts.json is cut short or not as sprx wrote it; this publish lists no "
                 "changes since it")
    files["changes.json"] = (json.dumps(changes, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    newest = data_date(registry.schemes)
    files["changes.atom"] = atom_feed(opts.title, changes, newest.isoformat() if newest else None, previous)
    for language, (_, (data, _)) in pages.items():
        words = messages(language)
        files[_page(opts.languages, language, "index.html")] = index_html(
            opts.title_in(language), data, counts, newest, changes,
            registry.attribution(opts.in_language(language, "attribution"), more=need_credits(registry.areas),
                                 words=words),
            words,
            up="" if language == opts.languages[0] else "../",
            alternates=_alternates(opts.languages, language, "index.html")).encode("utf-8")
    site_files = [name for name in SITE_FILES if name in files] + sorted(set(files) - set(SITE_FILES))
    for i, name in enumerate(site_files):
        out.put(name, files.pop(name))
        if i == 2:
            pause("writing-files")
    scheme_pages = len(opts.languages) * len(registry.schemes) + 1 + bool(opts.public_url)  # (robots, sitemap)
    for name, body in counted(_scheme_pages(registry, opts), step, "scheme pages", scheme_pages):
        out.put(name, body)  # (each written as it is made: never all held at once)
    feed = Feed(registry)
    writer = StoreWriter(registry, store, feed)  # the API's (sprx serve), built once per version, beside the site
    services = Tally(step, "the Open Referral feed and API store", len(feed.schemes))

    def each(scheme, doc) -> None:
        writer.add(scheme, doc)
        services.add()

    try:
        for name, body in feed_files(registry, feed=feed, each=each):  # (one pass: the feed and the store)
            out.put(f"{FEED}/{name}", body)
        services.end()
        writer.finish()
    except BaseException:
        writer.discard()
        raise
    with open(store, "rb") as f:
        os.fsync(f.fileno())
    pause("store-built")
    step("making the new version safe on disk")
    out.make_durable()
    manifest = {
        "sprx_version": __version__,
        "inputs": {role: {"path": sources.files[role], "sha256": digest} for role, digest in inputs.items()},
        "options": opts.manifest_options(),
        "data_date": (d.isoformat() if (d := data_date(registry.schemes)) else None),
        "counts": {"schemes": counts.total_schemes, "areas": len(counts.codes),
                   "areas_with_schemes": counts.areas_with_schemes,
                   "areas_without_schemes": len(counts.codes) - counts.areas_with_schemes},
        "files": manifest_files(out.entries),
        "store": {"size": store.stat().st_size},
    }
    write_synced(out.out / "manifest.json",
                 (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    fsync_dir(out.out)
    return {**manifest, "changes": changes, "index": out.index_text(), "written": len(out.written),
            "shared": out.linked}


def manifest_files(entries: dict[str, Entry]) -> list[dict]:
    """The manifest's list of a version's files: each file at the top with its own checksum, each
    folder's files as a group with one (site/files.group_digest), so the manifest stays small."""
    groups: dict[str, list] = {}
    for name, entry in entries.items():
        groups.setdefault(group_of(name), []).append((name, entry))
    out = []
    for group, members in sorted(groups.items()):
        if group.endswith("/"):
            out.append({"group": group, "files": len(members), "size": sum(e.size for _, e in members),
                        "sha256": group_digest(members)})
        else:
            out.append({"path": group, "size": members[0][1].size, "sha256": members[0][1].sha256})
    return out


def _scheme_pages(registry, opts: PublishOptions) -> Iterator[tuple[str, bytes]]:
    """A page per scheme in each language (closed ones too, saying so: old links still answer), and for
    search engines robots.txt and, where the site knows its address (public_url), sitemap.xml."""
    from ..render.schemepage import robots, scheme_page, scheme_page_name, sitemap

    for language in opts.languages:
        words = messages(language)
        for s in registry.schemes:
            name = scheme_page_name(s.id)
            others = _alternates(opts.languages, language, name)
            yield _page(opts.languages, language, name), scheme_page(
                registry, s, words, opts.title_in(language),
                page_url=page_address(opts.public_url, _page(opts.languages, language, name)),
                feedback=opts.feedback_email,
                # (from the page's folder, schemes/, one more level up)
                alternates=tuple((code, "../" + href) for code, href in others)).encode("utf-8")
    if opts.public_url:
        pages = ["index.html", "map.html"] + [scheme_page_name(s.id) for s in registry.schemes if s.status != "closed"]
        yield "sitemap.xml", sitemap(
            (page_address(opts.public_url, _page(opts.languages, language, name)) or "",
             tuple((code, page_address(opts.public_url, _page(opts.languages, code, name)) or "")
                   for code in opts.languages) if len(opts.languages) > 1 else ())
            for name in pages for language in opts.languages)
    yield "robots.txt", robots(page_address(opts.public_url, "sitemap.xml"))


def _page(languages: tuple[str, ...], language: str, name: str) -> str:
    """Where a page in `language` is in the site: the first language's at the top, the others' in
    a folder of their own ('map.html', 'en/map.html')."""
    return name if language == languages[0] else f"{language}/{name}"


def _alternates(languages: tuple[str, ...], language: str, name: str) -> tuple[tuple[str, str], ...]:
    """(language, address from the page in `language`) of the page `name` in every language."""
    if len(languages) < 2:
        return ()
    up = "" if language == languages[0] else "../"
    return tuple((code, up + _page(languages, code, name)) for code in languages)


def publish(sources: Sources, site: Path, opts: PublishOptions = PublishOptions(), log: Log = lambda *a, **k: None,
            step: Step = no_step) -> PublishResult:
    """Validate, build and switch in a new site version, telling `step` each stage (core/progress.py).
    Raises PublishError (site untouched)."""
    from ..registry.validate import InvalidRegistry, validate

    site = Path(site)
    started = time.monotonic()
    check_site_path(site)
    state = state_dir(site)
    with SiteLock(state / "lock"):
        remove_leftovers(state, log)  # (a killed run's half-built version goes as the next one starts)
        pause("locked")
        step("validating")
        report, registry = validate(sources, stale_after_months=opts.stale_after_months, encoding=opts.encoding,
                                    population_need=population_need(opts.metric), languages=opts.languages,
                                    also=opts.settings_problems)
        log("validated", level="info" if report.valid else "error", errors=len(report.errors),
            warnings=len(report.warnings), schemes=len(registry.schemes))
        if not report.passes(opts.strict):
            raise InvalidRegistry(report, opts.strict)
        inputs = input_checksums(sources)
        manifest = read_manifest(site)
        live_inputs = {k: v["sha256"] for k, v in (manifest or {}).get("inputs", {}).items()}
        same = (manifest is not None and live_inputs == inputs and manifest.get("sprx_version") == __version__
                and manifest.get("options") == opts.manifest_options())
        live = live_version(site)
        if opts.if_changed and same and manifest is not None and live is not None:
            log("unchanged", site=str(site), version=live.name, duration_s=round(time.monotonic() - started, 3))
            return PublishResult("unchanged", site, live.name, manifest["counts"], report=report)
        digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
        name = version_name(digest)
        folder = state / "versions"
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".tmp-{name}"
        tmp.mkdir()
        store = store_path(state, name)
        store.parent.mkdir(exist_ok=True)
        index = index_path(state, name)
        try:
            live = live_version(site)
            built = build_site(registry, sources, opts, sharing(tmp, state, live), store, live, inputs, same, log,
                               step)
            index.parent.mkdir(exist_ok=True)
            write_synced(index, built.pop("index").encode("utf-8"))
            fsync_dir(index.parent)
            fsync_dir(store.parent)
        except MetricUnavailable as exc:
            _discard(tmp, store, index)
            raise PublishError(f"cannot shade the map by {opts.metric}: {exc}", exc.hint) from None
        except (OSError, sqlite3.Error) as exc:  # (the disk, not the data: full, a size limit, read-only)
            _discard(tmp, store, index)
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise PublishError(f"could not write the new version in {folder}: {why}; the site {site} was not "
                               "touched", "make room on that disk (or lift its limit) and publish again") from None
        except BaseException:
            _discard(tmp, store, index)
            raise
        final = folder / name
        step("switching the site to the new version")
        pause("before-rename")
        os.rename(tmp, final)
        fsync_dir(folder)
        pause("before-flip")
        flip(site, final)
        pause("after-flip")
        prune(state, final, opts.keep, log)
        log("published", site=str(site), version=name, **built["counts"], files_written=built["written"],
            files_shared=built["shared"], duration_s=round(time.monotonic() - started, 3))
        return PublishResult("published", site, name, built["counts"], built["changes"], report)


def _discard(tmp: Path, store: Path, index: Path) -> None:
    """What a failed publish had made of its version."""
    shutil.rmtree(tmp, ignore_errors=True)
    for path in (store, index):
        path.unlink(missing_ok=True)


def rollback(site: Path, log: Log = lambda *a, **k: None) -> PublishResult:
    """Point the site back at the version before the live one."""
    site = Path(site)
    live = live_version(site)
    if live is None:
        raise PublishError(f"{site} is not a published site: nothing to roll back")
    state = state_dir(site)
    with SiteLock(state / "lock"):
        earlier = [v for v in versions(state) if v.name < live.name]
        if not earlier:
            raise PublishError(f"{site} has no earlier version to roll back to",
                               "a publish keeps as many earlier versions as --keep says")
        target = earlier[-1]
        flip(site, target)
        log("rolled-back", site=str(site), version=target.name, previous=live.name)
        manifest = read_manifest(site) or {}
        return PublishResult("rolled-back", site, target.name, manifest.get("counts", {}))
