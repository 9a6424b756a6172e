"""sprx benchmark: end-to-end commands at 1k, 10k and 100k schemes, against naive folium and
GeoDataFrame.explore() on the same data, and the map's time to first render in Chromium.

Run from the repository root:   pip install -e ".[bench]" && python bench/run.py   (about ten minutes on 2 cores)
                                python bench/run.py --quick    (1k and 10k only)
Writes docs/benchmarks.md and bench/results.json. Wall times are runs of whole processes (`sprx ...`
as a user would type it; sprx's `validate` and `map build` the median of three, the comparisons one
run each); peak RSS is the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Issue #16's targets (100,000 schemes, CSV registry, 2 cores) and the 1,000,000-scheme memory cap.
TARGETS = {"naive_ratio": 25.0, "explore_ratio": 4.0, "map_rss_mb": 1024, "html_mb": 10.0, "validate_100k_s": 1.5,
           "yaml_100k_s": 10.0, "help_s": 0.3, "postcodes_load_s": 0.2, "areas_ms": 1000, "markers_ms": 2500,
           "filter_ms": 300, "million_rss_mb": 4096, "import_100k_s": 15.0, "keyword_ms": 50,
           "api_ms": 100, "api_ready_s": 10.0}
# Issue #38's targets for the finder at 100,000 schemes (CSV, 2 cores)
PUBLISH_TARGETS = {"publish_ratio": 8.0, "rss_mb": 1536, "republish_ratio": 3.0, "added_share": 0.25,  # issue #39
                   "million_s": 600, "million_rss_mb": 12288}
FINDER_TARGETS = {"markers_ms": 1000, "keyword_ms": 50, "filter_ms": 100}

POSTCODES = r'''
import time
t = time.perf_counter()
from pathlib import Path
from sprx_cli.geo.postcodes import load_postcodes
table = load_postcodes(Path("data/london-postcodes.csv.gz"))
assert table.find(["NW1 4NX"]) == [(51.5295, -0.15291)]
print(round(time.perf_counter() - t, 3))
'''

# Where a 100k CSV `map build` spends its time, stage by stage, in one process (argv: registry, boundaries)
STAGES = r'''
import json, sys, time
start = time.perf_counter()
import sprx_cli.geo.boundaries as geography, sprx_cli.render.mapdata as mapdata, sprx_cli.render.mappage as mapping
import sprx_cli.registry.validate as validate
from sprx_cli.core.model import Sources
spent = {"import sprx, numpy, shapely": time.perf_counter() - start}
def timed(module, name, label):
    real = getattr(module, name)
    def run(*args, **kwargs):
        t = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0) + time.perf_counter() - t
    setattr(module, name, run)
for module, name, label in [(geography, "load_boundaries", "read the boundaries (json, shapely)"),
                            (validate, "load_registry", "read the registry (pyarrow, to Python text)"),
                            (validate, "check_registry", "check every field, build the schemes"),
                            (validate, "check_locations", "points in their areas"),
                            (validate, "check_upkeep", "upkeep and duplicate checks"),
                            (mapdata, "postcode_areas", "postcode sectors for the finder"),
                            (mapping, "map_data", "the page's data (columns, strings)"),
                            (mapping, "_json", "encode it (orjson)"),
                            (mapping, "_data_block", "compress it (gzip, base64)")]:
    timed(module, name, label)
t = time.perf_counter()
mapping._import_folium()
spent["import folium (without pandas), branca, jinja2"] = time.perf_counter() - t
sources = Sources(schemes=sys.argv[1], areas="data/areas.csv", boundaries=sys.argv[2],
                  vocabulary="data/vocabulary.yaml", postcodes="data/london-postcodes.csv.gz")
t = time.perf_counter()
_, registry = validate.validate(sources)
t1 = time.perf_counter()
mapping.render_map(registry, mapping.MapOptions(offline=True, tiles="none"))
t2 = time.perf_counter()
spent["map_data"] = spent["the page's data (columns, strings)"]
spent["the page's data (columns, strings)"] -= spent["postcode sectors for the finder"]
spent["compress it (gzip, base64)"] -= spent["encode it (orjson)"]
checks = ["read the boundaries (json, shapely)", "read the registry (pyarrow, to Python text)",
          "check every field, build the schemes", "points in their areas", "upkeep and duplicate checks"]
spent["validate, the rest"] = (t1 - t) - sum(spent[k] for k in checks)
spent["render, the rest (folium, the table of areas)"] = (t2 - t1) - spent.pop("map_data") - spent[
    "compress it (gzip, base64)"] - spent["encode it (orjson)"]
print(json.dumps({k: round(v, 3) for k, v in spent.items()}))
'''

NAIVE = r'''
import sys, folium, pandas as pd, geopandas as gpd
df = pd.read_csv(sys.argv[1])
areas = gpd.read_file(sys.argv[2])
m = folium.Map(location=[51.5, -0.1], zoom_start=10)
counts = df.assign(code=df["boroughs"].str.split(";")).explode("code").groupby("code").size()
areas["schemes"] = areas["code"].map(counts).fillna(0)
folium.Choropleth(areas, data=areas, columns=["code", "schemes"], key_on="feature.properties.code").add_to(m)
for r in df.dropna(subset=["lat"]).itertuples():
    html = f"<b>{r.name}</b><br>{r.provider}<br>{r.description}<br>{r.categories}<br>{r.website}"
    folium.Marker([r.lat, r.lon], popup=folium.Popup(html)).add_to(m)
m.save(sys.argv[3])
'''

EXPLORE = r'''
import sys, pandas as pd, geopandas as gpd
df = pd.read_csv(sys.argv[1]).dropna(subset=["lat"])
gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=4326)
m = gdf.explore(column="status", tooltip=["name", "provider"], popup=["name", "provider", "description",
                "categories", "website"])
m.save(sys.argv[3])
'''


def machine() -> dict:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import pandas
    import yaml
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem, 1), "python": platform.python_version(),
            "platform": platform.platform(), "pandas": pandas.__version__,
            "libyaml": bool(getattr(yaml, "__with_libyaml__", False)), "date": time.strftime("%Y-%m-%d")}


def run(cmd: list[str], cwd: Path = ROOT, repeat: int = 1) -> dict:
    """Run a command (`repeat` times: the median wall, for the machine's minute-to-minute drift);
    wall seconds and peak RSS (MiB) of the process."""
    if repeat > 1:
        runs = sorted((run(cmd, cwd) for _ in range(repeat)), key=lambda r: r["wall_s"])
        return {"wall_s": runs[len(runs) // 2]["wall_s"], "rss_mb": max(r["rss_mb"] for r in runs),
                "runs": [r["wall_s"] for r in runs]}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code not in (0,):
        raise SystemExit(f"{' '.join(cmd)} failed ({code}): {err[-500:]}")
    return {"wall_s": round(wall, 2), "rss_mb": round(usage.ru_maxrss / 1024, 0)}


def first_render(page_path: Path) -> dict:
    from sprx_cli.dev.browser import open_page

    with open_page(page_path.resolve().as_uri()) as (page, log):
        page.wait_for_function("window.sprxTimings && window.sprxTimings.markersLoaded", timeout=300_000)
        t = page.evaluate("window.sprxTimings")
        nav = page.evaluate("performance.timing.responseEnd - performance.timing.navigationStart")
        # the finder: tick the first category, then untick it; list, counts and shading update at
        # once, the markers in chunks after (median of the two changes, each way)
        changes = []
        for _ in range(2):
            for _ in range(2):
                page.wait_for_function("sprxMap.finder && window.sprxTimings.markersShown", timeout=300_000)
                sync = page.evaluate("(() => { const t = performance.now(); document.querySelector('#sprx-f-c-0')"
                                     ".click(); window.__t = t; return performance.now() - t; })()")
                page.wait_for_function("window.sprxTimings.markersShown", timeout=300_000)
                drawn = page.evaluate("window.sprxTimings.markersShown - window.__t")
                changes.append((sync, max(sync, drawn)))
        changes.sort()
        # panning and zooming: a move redraws the places on screen (median of four moves)
        moves = []
        for step in ("zoomIn", "panBy", "zoomOut", "panBy"):
            page.evaluate("window.sprxTimings.markersShown = 0")
            took = page.evaluate("(() => { const t = performance.now(); const m = sprxMap.map; "
                                 f"if ('{step}' === 'panBy') m.panBy([200, 120], {{animate: false}}); "
                                 f"else m.{step}(1, {{animate: false}}); return t; }})()")
            page.wait_for_function("window.sprxTimings.markersShown > 0", timeout=300_000)
            moves.append(page.evaluate("window.sprxTimings.markersShown") - took)
        moves.sort()
        typed = keyword_timing(page)
        return {**typed, "areas_drawn_ms": round(t["areasPainted"]),  # painted, from the page's first block
                "controls_ms": round(t.get("firstPaint", t["built"])),  # search and finder, after the data
                "move_ms": round((moves[1] + moves[2]) / 2),
                "all_markers_clustered_ms": round(t["markersLoaded"]),
                "data_parsed_ms": round(t["dataParsed"]), "file_loaded_ms": nav,
                "filter_change_ms": round(changes[len(changes) // 2][0]),
                "filter_markers_ms": round(sorted(c[1] for c in changes)[len(changes) // 2]),
                "console_errors": len(log.console_errors)}


KEYSTROKES = ["w", "wa", "wal", "walk", "walki", "walk ", "walk c", "walk ca"]


def keyword_timing(page) -> dict:
    """The finder's Keywords field typed into, a keystroke at a time: the time from the keystroke to
    the list, its count and the headline updated (the option counts and markers follow when typing
    pauses). The first focus makes the schemes' folded texts, as a person's would."""
    page.focus("#sprx-keywords")
    page.wait_for_timeout(200)
    times = []
    for text in KEYSTROKES:
        times.append(page.evaluate("text => { const box = document.querySelector('#sprx-keywords'); box.value = text;"
                                   " const t = performance.now(); box.dispatchEvent(new Event('input'));"
                                   " return performance.now() - t; }", text))
    page.wait_for_timeout(600)
    page.fill("#sprx-keywords", "")
    times.sort()
    return {"keyword_ms": round(times[len(times) // 2]), "keyword_max_ms": round(times[-1])}


def million(sprx: list[str], tmp: Path, boundaries: Path) -> dict:
    """1,000,000 schemes (CSV): validate and map build, their time and peak memory, and the page in Chromium."""
    src, page = tmp / "1000000.csv", tmp / "csv_1000000.html"
    run(sprx + ["demo", "generate", "--schemes", "1000000", "--boundaries", str(boundaries), "--format", "csv",
                "--seed", "1", "-o", str(src)])
    r = {"file_mb": round(os.path.getsize(src) / 2**20, 1), "validate": run(sprx + ["validate", "--schemes", str(src)]),
         "map": run(sprx + ["map", "build", "--schemes", str(src), "--offline", "--tiles", "none", "--quiet",
                            "--output", str(page)])}
    r["html_mb"] = round(page.stat().st_size / 2**20, 2)
    r["browser"] = first_render(page)
    return r


def million_publish(sprx: list[str], tmp: Path, n: int = 1_000_000) -> dict:
    """`sprx publish` of an n-scheme CSV registry: wall time, peak RSS and the version's disk."""
    src, site = tmp / f"publish_{n}.csv", tmp / f"publish_site_{n}"
    run(sprx + ["demo", "generate", "--schemes", str(n), "--boundaries", str(ROOT / "data" / "london-boroughs.geojson"),
                "--format", "csv", "--seed", "1", "-o", str(src)])
    r = {"schemes": n, "publish": run(sprx + ["publish", "--site", str(site), "--schemes", str(src), "--quiet"])}
    r["version_mb"] = round(disk_bytes(site.with_name(site.name + ".sprx")) / 2**20)
    return r


def page_100k(tmp: Path) -> Path:
    """The 100,000-scheme CSV registry's map page, built in `tmp`."""
    sprx = [sys.executable, "-m", "sprx_cli"]
    src, page_path = tmp / "100000.csv", tmp / "csv_100000.html"
    run(sprx + ["demo", "generate", "--schemes", "100000", "--boundaries", str(ROOT / "data" / "london-boroughs.geojson"),
                "--format", "csv", "--seed", "100000", "-o", str(src)])
    run(sprx + ["map", "build", "--schemes", str(src), "--offline", "--tiles", "none", "--quiet", "--output",
                str(page_path)])
    return page_path


def keywords_only(tmp: Path) -> dict:
    """The 100,000-scheme CSV registry's page again, for the keyword timing alone."""
    from sprx_cli.dev.browser import open_page

    page_path = page_100k(tmp)
    with open_page(page_path.resolve().as_uri()) as (page, log):
        page.wait_for_function("window.sprxTimings && window.sprxTimings.markersLoaded", timeout=300_000)
        page.wait_for_function("sprxMap.finder", timeout=300_000)
        return keyword_timing(page)


def disk_bytes(folder: Path) -> int:
    """The bytes a folder takes on disk, a file linked from several places counted once (as `du`)."""
    seen, total = set(), 0
    for path in folder.rglob("*"):
        st = path.lstat()
        if path.is_file() and not path.is_symlink() and (st.st_dev, st.st_ino) not in seen:
            seen.add((st.st_dev, st.st_ino))
            total += st.st_blocks * 512
    return total


def publish_bench(tmp: Path, n: int = 100_000) -> dict:
    """`sprx publish` of an n-scheme CSV registry beside `map build` of it, in one sitting: the first
    publish, a republish after 1% of the schemes changed, each one's peak RSS, and the disk the first
    version takes and the second adds (files it shares with the first counted once)."""
    import csv
    import io

    sprx = [sys.executable, "-m", "sprx_cli"]
    src, site = tmp / f"publish_{n}.csv", tmp / f"publish_site_{n}"
    run(sprx + ["demo", "generate", "--schemes", str(n), "--boundaries", str(ROOT / "data" / "london-boroughs.geojson"),
                "--format", "csv", "--seed", str(n), "-o", str(src)])
    r: dict = {"schemes": n, "map": run(sprx + ["map", "build", "--schemes", str(src), "--offline", "--tiles", "none",
                                                "--quiet", "--output", str(tmp / "publish_map.html")], repeat=3)}
    r["publish"] = run(sprx + ["publish", "--site", str(site), "--schemes", str(src), "--quiet"])
    state = site.with_name(site.name + ".sprx")
    first = disk_bytes(state)
    live = site.resolve()
    r["files"] = sum(1 for p in live.rglob("*") if p.is_file())
    r["largest_public_mb"] = round(max(p.stat().st_size for p in live.rglob("*") if p.is_file()) / 2**20, 1)
    r["manifest_kb"] = round((live / "manifest.json").stat().st_size / 1024, 1)
    rows = list(csv.reader(io.StringIO(src.read_text(encoding="utf-8"))))
    column = rows[0].index("description")
    for i in range(1, len(rows), 100):  # 1% of the schemes, their description changed
        rows[i][column] = (rows[i][column] or "") + " (changed)"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    src.write_text(out.getvalue(), encoding="utf-8")
    r["republish"] = run(sprx + ["publish", "--site", str(site), "--schemes", str(src), "--quiet"])
    r["first_version_mb"] = round(first / 2**20)
    r["second_adds_mb"] = round((disk_bytes(state) - first) / 2**20)
    mapped = r["map"]["wall_s"]
    r["publish_ratio"] = round(r["publish"]["wall_s"] / mapped, 1)
    r["republish_ratio"] = round(r["republish"]["wall_s"] / mapped, 1)
    return r


def finder_bench(tmp: Path, runs: int = 3) -> dict:
    """The 100,000-scheme CSV registry's page, opened `runs` times in one sitting: every marker ready,
    a keystroke in Keywords and a filter change (each run's medians; the median run reported)."""
    page_path = page_100k(tmp)
    seen = [first_render(page_path) for _ in range(runs)]
    keys = ("all_markers_clustered_ms", "keyword_ms", "keyword_max_ms", "filter_change_ms", "filter_markers_ms",
            "move_ms")
    return {"schemes": 100_000, "runs": runs, **{k: sorted(s[k] for s in seen)[runs // 2] for k in keys},
            "each": [{k: s[k] for k in keys} for s in seen]}


def keeper_sheet(n: int, path: Path) -> dict:
    """A keeper's spreadsheet of `n` rows, as council lists come (issue #23): a title line above the
    header, their own headings, real London postcodes (data/london-postcodes.csv.gz) written every which
    way, the area named (its postcode's), misspelt (1 row in 50) or left empty (1 in 4), a phone and an
    email on two lines of one cell, opening times in words, and chains whose branches share a name.
    Some postcodes in the table lie just outside London: those rows are held back, as they should be."""
    import csv
    import gzip
    import random

    from sprx_cli.core.model import Sources
    from sprx_cli.geo.boundaries import areas_containing
    from sprx_cli.registry.validate import registry_tables

    rnd = random.Random(n)
    with gzip.open(ROOT / "data" / "london-postcodes.csv.gz", "rt", encoding="utf-8") as f:
        table = [(r["pcd"], float(r["lat"]), float(r["lon"])) for r in csv.DictReader(f)]
    picked = [rnd.choice(table) for _ in range(n)]
    reg = registry_tables(Sources(areas=str(ROOT / "data" / "areas.csv"),
                                  boundaries=str(ROOT / "data" / "london-boroughs.geojson")))
    inside = areas_containing(reg.boundaries, [p[1] for p in picked], [p[2] for p in picked])
    names = {a.code: a.name for a in reg.areas.areas}
    times = ["Wednesday 10am - 4pm", "Tuesday - Friday 12noon - 2pm", "Thursday 1.30 - 3.30pm", "Mon, Wed & Fri 9-5",
             "By appointment", "Saturdays 10 till 12 (term time only)", "Mondays 10-12", "Weekdays 9am-5pm", ""]
    chains = ["Trussell Trust", "Community Pantry", "Age UK Lunch Club", "Men's Shed", "Walk and Talk"]
    with path.open("w", encoding="utf-8", newline="") as out:
        w = csv.writer(out)
        w.writerows([["Directory of local support (bench)"], [],
                     ["Service", "Organisation", "Area name", "Post code", "Contact", "Opening Times", "Who for",
                      "Cost", "Description", ""]])
        for i, ((pc, _, _), codes) in enumerate(zip(picked, inside)):
            area = names[codes[0]] if codes and i % 4 else ""
            area = area[:-2] + area[-1] + area[-2] if i % 50 == 1 and len(area) > 4 else area
            w.writerow([rnd.choice(chains) if i % 3 == 0 else f"Wellbeing Group {i} (bench)",
                        "Example Partnership (bench)", area, pc.lower().replace(" ", "") if i % 7 == 0 else pc,
                        f"020 7946 0{i % 1000:03d}\nb{i}@example.org", rnd.choice(times),
                        "Adults 18+" if i % 5 == 0 else "", "Free" if i % 2 else "",
                        "Weekly group sessions for anyone who wants company, a cup of tea and a chat; no need to "
                        "book, just come along.", ""])
    return {"file_mb": round(path.stat().st_size / 2**20, 1)}


def import_bench(sprx: list[str], tmp: Path, n: int, repeat: int = 3) -> dict:
    """`sprx import table` of a keeper's spreadsheet of n rows into a new registry folder's empty
    registry (made by `sprx init` each time): the median of `repeat` runs."""
    sheet = tmp / f"sheet_{n}.csv"
    r = keeper_sheet(n, sheet)
    runs = []
    for k in range(repeat):
        folder = tmp / f"folder_{n}_{k}"
        run(sprx + ["init", str(folder), "--boundaries", str(ROOT / "data" / "london-boroughs.geojson"),
                    "--postcodes", str(ROOT / "data" / "london-postcodes.csv.gz")])
        runs.append(run(sprx + ["import", "table", str(sheet), "--quiet"], cwd=folder))
    runs.sort(key=lambda x: x["wall_s"])
    r.update(wall_s=runs[len(runs) // 2]["wall_s"], rss_mb=max(x["rss_mb"] for x in runs),
             runs=[x["wall_s"] for x in runs])
    return r


def api_bench(sprx: list[str], tmp: Path, n: int = 100_000, repeat: int = 40) -> dict:
    """`sprx serve` over a published n-scheme registry (with the London postcode table): how long the
    publish takes (its API store included), how soon the server answers, and each kind of request's
    median and 95th-percentile time, asked one after another from this process over loopback."""
    import urllib.request

    src, site = tmp / f"api_{n}.csv", tmp / f"api_site_{n}"
    run(sprx + ["demo", "generate", "--schemes", str(n), "--boundaries", str(ROOT / "data" / "london-boroughs.geojson"),
                "--format", "csv", "--seed", str(n), "-o", str(src)])
    r = {"schemes": n, "publish": run(sprx + ["publish", "--site", str(site), "--schemes", str(src), "--postcodes",
                                              str(ROOT / "data" / "london-postcodes.csv.gz"), "--quiet"])}
    from sprx_cli.site.versions import live_version, store_of

    r["store_mb"] = round(store_of(live_version(site), "api.sqlite").stat().st_size / 2**20, 1)
    start = time.perf_counter()
    proc = subprocess.Popen(sprx + ["serve", "--site", str(site), "--port", "0"], stdout=subprocess.PIPE,
                            text=True, cwd=ROOT)
    try:
        base = proc.stdout.readline().split(" at ")[1].split("/ ;")[0] + "/oruk"

        def get(path: str) -> bytes:
            with urllib.request.urlopen(base + path, timeout=30) as resp:
                return resp.read()

        get("/")
        r["ready_s"] = round(time.perf_counter() - start, 2)
        first = json.loads(get("/services?per_page=5"))
        pages = first["total_pages"]
        name_words = first["contents"][0]["name"].split()
        term = first["contents"][0]["attributes"][0]["taxonomy_term_id"]
        ids = [c["id"] for c in first["contents"]]
        places = json.loads(get("/service_at_locations?per_page=5"))["contents"]
        kinds = {"root": "/", "first page": "/services", "middle page": f"/services?page={max(1, pages * 5 // 100)}",
                 "last page": f"/services?page={pages * 5 // 50}", "a service by id": f"/services/{ids[1]}",
                 "search, one word": f"/services?search={urllib.request.quote(name_words[0])}",
                 "search, two words": "/services?search=" + urllib.request.quote(" ".join(name_words[:2])),
                 "a category and a day": f"/services?taxonomy_term_id={term}&day=WE&start_time=09:00",
                 "modified after a date": "/services?modified_after=2026-06-01&page=3",
                 "places within 2 km of a postcode": "/service_at_locations?postcode=SE1%207PB&proximity=2000",
                 "places nearest a postcode, page 20": "/service_at_locations?postcode=SE1%207PB&page=20",
                 "places nearest a postcode, with a search": "/service_at_locations?postcode=SE1%207PB&search="
                                                             + urllib.request.quote(name_words[0]),
                 "a place by id": f"/service_at_locations/{places[0]['id']}",
                 "taxonomy terms": "/taxonomy_terms"}
        times: dict[str, list[float]] = {k: [] for k in kinds}
        for _ in range(repeat):
            for kind, path in kinds.items():
                t0 = time.perf_counter()
                get(path)
                times[kind].append((time.perf_counter() - t0) * 1000)
    finally:
        proc.terminate()
        proc.wait(30)

    def pct(values: list[float], q: float) -> float:
        values = sorted(values)
        return round(values[min(len(values) - 1, int(q * len(values)))], 1)

    every = [x for v in times.values() for x in v]
    r["requests"] = {k: {"median_ms": pct(v, 0.5), "p95_ms": pct(v, 0.95)} for k, v in times.items()}
    r["median_ms"], r["p95_ms"], r["count"] = pct(every, 0.5), pct(every, 0.95), len(every)
    return r


def serve_bench(tmp: Path, n: int = 100_000, seconds: float = 15.0) -> dict:
    """`sprx serve` with 1 and 4 workers over a published n-scheme registry: a loopback load of 16
    keep-alive connections for `seconds` each (bench/load.py), then the 4 workers under the same load
    while `sprx publish` switches the site to a registry with 1% of its schemes changed and one more."""
    import csv
    import io

    from load import VERSION_PATH, load, mix

    sprx = [sys.executable, "-m", "sprx_cli"]
    src, site = tmp / f"serve_{n}.csv", tmp / f"serve_site_{n}"
    postcodes = ["--postcodes", str(ROOT / "data" / "london-postcodes.csv.gz")]
    run(sprx + ["demo", "generate", "--schemes", str(n), "--boundaries", str(ROOT / "data" / "london-boroughs.geojson"),
                "--format", "csv", "--seed", str(n), "-o", str(src)])
    run(sprx + ["publish", "--site", str(site), "--schemes", str(src), *postcodes, "--quiet"])
    r: dict = {"schemes": n, "cores": os.cpu_count()}

    def serving(workers: int, work) -> dict:
        proc = subprocess.Popen(sprx + ["serve", "--site", str(site), "--port", "0", "--workers", str(workers)],
                                stdout=subprocess.PIPE, text=True, cwd=ROOT)
        try:
            base = proc.stdout.readline().split(" at ")[1].split("/ ;")[0]
            paths = mix(base)
            load(base, paths, lambda: time.sleep(2))  # (every worker started and warm)
            return work(base, paths)
        finally:
            proc.terminate()
            proc.wait(60)

    for workers in (1, 4):
        r[f"workers_{workers}"] = serving(workers, lambda base, paths: load(base, paths, lambda: time.sleep(seconds)))
        print("serve", workers, json.dumps(r[f"workers_{workers}"]), flush=True)
    rows = list(csv.reader(io.StringIO(src.read_text(encoding="utf-8"))))
    column = rows[0].index("description")
    for i in range(1, len(rows), 100):
        rows[i][column] = (rows[i][column] or "") + " (changed)"
    extra = list(rows[1])
    extra[rows[0].index("id")] = "one-more-scheme"
    rows.append(extra)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    src.write_text(out.getvalue(), encoding="utf-8")

    def during_publish(base: str, paths: list[str]) -> dict:
        def until() -> None:
            time.sleep(1)
            r["switch_publish"] = run(sprx + ["publish", "--site", str(site), "--schemes", str(src), *postcodes,
                                              "--quiet"])
            time.sleep(2)  # (answers from the new version too)
        return load(base, paths, until)

    r["switch"] = serving(4, during_publish)
    r["switch"]["version_path"] = VERSION_PATH
    r["speedup"] = round(r["workers_4"]["per_second"] / max(1, r["workers_1"]["per_second"]), 2)
    return r


def welsh_bench(tmp: Path, n: int = 100_000) -> dict:
    """The 100,000-scheme registry's page in Welsh, half its schemes with a Welsh name and description
    (the rest shown in English, marked): `map build --language cy` and the page in Chromium."""
    import csv

    sprx = [sys.executable, "-m", "sprx_cli"]
    src, welsh, page = tmp / f"{n}.csv", tmp / f"{n}_cy.csv", tmp / f"cy_{n}.html"
    run(sprx + ["demo", "generate", "--schemes", str(n), "--boundaries", str(ROOT / "data" / "london-boroughs.geojson"),
                "--format", "csv", "--seed", str(n), "-o", str(src)])
    with src.open(encoding="utf-8", newline="") as f, welsh.open("w", encoding="utf-8", newline="") as out:
        rows = csv.reader(f)
        writer = csv.writer(out)
        header = next(rows)
        writer.writerow([*header, "name_cy", "description_cy"])
        name, description = header.index("name"), header.index("description")
        for k, row in enumerate(rows):
            writer.writerow([*row, *((f"Cynllun {row[name]}", f"Disgrifiad: {row[description]}") if k % 2 == 0
                                     else ("", ""))])
    r = {"schemes": n, "translated": n // 2 + n % 2,
         "map": run(sprx + ["map", "build", "--schemes", str(welsh), "--language", "cy", "--offline", "--tiles",
                            "none", "--quiet", "--output", str(page)], repeat=3)}
    r["html_mb"] = round(page.stat().st_size / 2**20, 2)
    r["browser"] = first_render(page)
    return r


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="1k and 10k only")
    parser.add_argument("--million", action="store_true",
                        help="also 1,000,000 schemes: validate, map build and the page in Chromium (about 15 minutes)")
    parser.add_argument("--only", choices=["import", "keywords", "api", "welsh", "finder", "publish", "serve",
                                            "million-publish"],
                        help="measure this part again and keep the other figures of bench/results.json")
    args = parser.parse_args()
    cli = [sys.executable, "-m", "sprx_cli"]
    parts = {"api": ("api", lambda tmp: api_bench(cli, tmp)), "publish": ("publish", publish_bench),
             "million-publish": ("million_publish", lambda tmp: million_publish(cli, tmp)),
             "serve": ("serve", serve_bench), "finder": ("finder", finder_bench), "welsh": ("welsh", welsh_bench)}
    if args.only:
        results = json.loads((ROOT / "bench" / "results.json").read_text())
        with tempfile.TemporaryDirectory() as tmp:
            if args.only == "import":
                for n in (10_000, 100_000):
                    results["import"][str(n)] = import_bench([sys.executable, "-m", "sprx_cli"], Path(tmp), n)
                    print("import", n, json.dumps(results["import"][str(n)]), flush=True)
            elif args.only in parts:
                key, measure = parts[args.only]
                results[key] = measure(Path(tmp))
                print(args.only, json.dumps(results[key]), flush=True)
            else:
                results["runs"]["csv_100000"]["browser"].update(keywords_only(Path(tmp)))
                print("keywords", json.dumps(results["runs"]["csv_100000"]["browser"]), flush=True)
        results.setdefault("again", {})[args.only] = machine()
        (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
        (ROOT / "docs" / "benchmarks.md").write_text(report(results))
        print("wrote docs/benchmarks.md and bench/results.json")
        return
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    sprx = [sys.executable, "-m", "sprx_cli"]
    boundaries = ROOT / "data" / "london-boroughs.geojson"
    results: dict = {"machine": machine(), "sizes": sizes, "runs": {}}
    helps = sorted(run(sprx + ["--help"])["wall_s"] for _ in range(5))
    results["help_s"] = helps[2]
    # the London postcode table, read as a registry with a postcode reads it (numpy import included)
    loads = sorted(float(subprocess.run([sys.executable, "-c", POSTCODES], cwd=ROOT, check=True, capture_output=True,
                                        text=True).stdout) for _ in range(5))
    results["postcodes_load_s"] = loads[2]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        from sprx_cli.upkeep.demo import generate, to_csv, to_yaml
        from sprx_cli.core.model import Sources
        from sprx_cli.registry.validate import validate

        _, reg = validate(Sources(areas="data/areas.csv", boundaries=str(boundaries)))
        names = {a.code: a.name for a in reg.areas.areas}
        for n in sizes:
            records = generate(n, reg.boundaries, names, reg.vocabulary, seed=n)
            (tmp / f"{n}.csv").write_text(to_csv(records), encoding="utf-8")
            (tmp / f"{n}.yaml").write_text(to_yaml(records), encoding="utf-8")
            del records
            for fmt in ("csv", "yaml"):
                src = str(tmp / f"{n}.{fmt}")
                key = f"{fmt}_{n}"
                page = tmp / f"{key}.html"
                r = {"file_mb": round(os.path.getsize(src) / 2**20, 1),
                     "validate": run(sprx + ["validate", "--schemes", src], repeat=3),
                     "table": run(sprx + ["table", "--schemes", src, "--format", "csv"]),
                     "map": run(sprx + ["map", "build", "--schemes", src, "--offline", "--tiles", "none",
                                        "--quiet", "--output", str(page)], repeat=3)}
                r["html_mb"] = round(page.stat().st_size / 2**20, 2)
                if fmt == "csv" and n >= 10_000:
                    r["browser"] = first_render(page)
                if fmt == "csv" and n == 100_000:
                    results["stages"] = json.loads(subprocess.run(
                        [sys.executable, "-c", STAGES, src, str(boundaries)], cwd=ROOT, check=True,
                        capture_output=True, text=True).stdout)
                if fmt == "csv":
                    naive_out, explore_out = tmp / f"naive_{n}.html", tmp / f"explore_{n}.html"
                    for name, script, out in (("naive", NAIVE, naive_out), ("explore", EXPLORE, explore_out)):
                        r[name] = run([sys.executable, "-c", script, src, str(boundaries), str(out)])
                        r[name]["html_mb"] = round(out.stat().st_size / 2**20, 2)
                        out.unlink()
                page.unlink()
                results["runs"][key] = r
                print(key, json.dumps(r), flush=True)
        results["import"] = {}
        for n in ([10_000] if args.quick else [10_000, 100_000]):
            results["import"][str(n)] = import_bench(sprx, tmp, n)
            print("import", n, json.dumps(results["import"][str(n)]), flush=True)
        if not args.quick:
            results["api"] = api_bench(sprx, tmp)
            print("api", json.dumps(results["api"]), flush=True)
            results["welsh"] = welsh_bench(tmp)
            print("welsh", json.dumps(results["welsh"]), flush=True)
            results["publish"] = publish_bench(tmp)
            print("publish", json.dumps(results["publish"]), flush=True)
            results["finder"] = finder_bench(tmp)
            print("finder", json.dumps(results["finder"]), flush=True)
            results["serve"] = serve_bench(tmp)
            print("serve", json.dumps(results["serve"]), flush=True)
        if args.million:
            results["million"] = million(sprx, tmp, boundaries)
            print("million", json.dumps(results["million"]), flush=True)
            results["million_publish"] = million_publish(sprx, tmp)
            print("million-publish", json.dumps(results["million_publish"]), flush=True)
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (ROOT / "docs" / "benchmarks.md").write_text(report(results))
    print("wrote docs/benchmarks.md and bench/results.json")


def row(name, value, target, unit, ok) -> str:
    """A line of a targets table."""
    return f"| {name} | {value}{unit} | {target}{unit} | {'met' if ok else 'missed'} |"


def report(res: dict) -> str:
    m = res["machine"]
    runs = res["runs"]
    lines = [
        "# Benchmarks",
        "",
        "Made by `python bench/run.py` (see its docstring); raw figures in `bench/results.json`.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; Python {m['python']}, pandas "
        f"{m['pandas']}, libyaml {'yes' if m['libyaml'] else 'no'}; {m['platform']}; run on {m['date']}.",
        "",
        "Registries are synthetic (`sprx demo generate`) over the 33 London areas: about 85% of schemes have",
        "one location, 10% two (CSV keeps the first), 8% serve several areas. Each figure is one run of the",
        "whole command as a user types it, including Python start-up and validation (sprx's `validate` and",
        "`map build`: the median of three runs; the others one run each).",
        "",
        "## sprx, end to end",
        "",
        "| schemes | format | file MB | `validate` s | `table` s | `map build` s | map peak RSS MB | HTML MB |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, r in runs.items():
        fmt, n = key.split("_")
        lines.append(f"| {int(n):,} | {fmt} | {r['file_mb']} | {r['validate']['wall_s']} | {r['table']['wall_s']} | "
                     f"{r['map']['wall_s']} | {r['map']['rss_mb']:.0f} | {r['html_mb']} |")
    lines += ["", f"`sprx --help`: {res['help_s']} s (median of 5). Reading the London postcode table "
              f"(`data/london-postcodes.csv.gz`, 342,726 postcodes), as `validate` does when a registry has a "
              f"postcode: {res.get('postcodes_load_s', 'not measured')} s (median of 5, numpy import included).", "",
              "## Against naive folium and `GeoDataFrame.explore()`", "",
              "Same CSV registry, each end to end from the file. Naive: one `folium.Marker` with a `folium.Popup` "
              "per location plus a `folium.Choropleth`. explore(): one GeoDataFrame of locations with tooltip "
              "and popup columns. Neither validates.", "",
              "| schemes | sprx s | naive s | explore() s | naive ÷ sprx | explore ÷ sprx | sprx MB | naive MB | explore MB |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for key, r in runs.items():
        if "naive" not in r:
            continue
        n = int(key.split("_")[1])
        s, nv, ex = r["map"]["wall_s"], r["naive"]["wall_s"], r["explore"]["wall_s"]
        lines.append(f"| {n:,} | {s} | {nv} | {ex} | {nv / s:.1f}× | {ex / s:.1f}× | {r['html_mb']} | "
                     f"{r['naive']['html_mb']} | {r['explore']['html_mb']} |")
    lines += ["", "## In the browser", "",
              "Headless Chromium (Debian's package), the offline map from the CSV registry opened from disk, "
              "milliseconds after navigation start.", "",
              "| schemes | file loaded | areas drawn | data parsed | search and finder ready | all markers clustered | filter change: list, counts, shading | filter change: markers redrawn |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for key, r in runs.items():
        if "browser" in r:
            b = r["browser"]
            lines.append(f"| {int(key.split('_')[1]):,} | {b['file_loaded_ms']} | {b['areas_drawn_ms']} | "
                         f"{b['data_parsed_ms']} | {b['controls_ms']} | {b['all_markers_clustered_ms']} | "
                         f"{b.get('filter_change_ms', '')} | {b.get('filter_markers_ms', '')} |")
    big = runs.get("csv_100000")
    ybig = runs.get("yaml_100000")
    if big:
        t = TARGETS
        b = big.get("browser", {})

        naive = big["naive"]["wall_s"] / big["map"]["wall_s"]
        explore = big["explore"]["wall_s"] / big["map"]["wall_s"]
        lines += ["", "## Targets (issue #16: 100,000 schemes, CSV, 2 cores, side by side in one run)", "",
                  "| what | measured | target | |", "| --- | ---: | ---: | --- |",
                  row("`map build` faster than naive folium", f"{naive:.1f}", t["naive_ratio"], "×",
                      naive >= t["naive_ratio"]),
                  row("`map build` faster than `GeoDataFrame.explore()`", f"{explore:.1f}", t["explore_ratio"], "×",
                      explore >= t["explore_ratio"]),
                  row("`map build` peak RSS", int(big["map"]["rss_mb"]), t["map_rss_mb"], " MB",
                      big["map"]["rss_mb"] <= t["map_rss_mb"]),
                  row("HTML size", big["html_mb"], t["html_mb"], " MB", big["html_mb"] <= t["html_mb"]),
                  row("`validate` wall", big["validate"]["wall_s"], t["validate_100k_s"], " s",
                      big["validate"]["wall_s"] <= t["validate_100k_s"])]
        if ybig:
            lines.append(row("YAML registry, `map build` end to end", ybig["map"]["wall_s"], t["yaml_100k_s"], " s",
                             ybig["map"]["wall_s"] <= t["yaml_100k_s"]))
        if b:
            lines += [row("Chromium: areas drawn", b["areas_drawn_ms"], t["areas_ms"], " ms",
                          b["areas_drawn_ms"] <= t["areas_ms"]),
                      row("Chromium: every marker or cluster ready", b["all_markers_clustered_ms"], t["markers_ms"],
                          " ms", b["all_markers_clustered_ms"] <= t["markers_ms"]),
                      row("finder: filter change, list, counts, shading and markers", b["filter_markers_ms"],
                          t["filter_ms"], " ms", b["filter_markers_ms"] <= t["filter_ms"])]
            if "keyword_ms" in b:
                lines.append(row("finder: a keystroke in Keywords, the list, its count and the headline "
                                 f"(slowest of {len(KEYSTROKES)}: {b['keyword_max_ms']} ms)", b["keyword_ms"],
                                 t["keyword_ms"], " ms", b["keyword_ms"] <= t["keyword_ms"]))
            if "move_ms" in b:
                lines.append(f"| pan or zoom: places on screen redrawn | {b['move_ms']} ms | (smooth) | |")
        lines.append(row("`sprx --help`", res["help_s"], t["help_s"], " s", res["help_s"] <= t["help_s"]))
        if "postcodes_load_s" in res:
            lines.append(row("London postcode table read", res["postcodes_load_s"], t["postcodes_load_s"], " s",
                             res["postcodes_load_s"] <= t["postcodes_load_s"]))
    imp = res.get("import")
    if imp:
        lines += ["", "## `sprx import table`", "",
                  "A keeper's spreadsheet (`keeper_sheet` in bench/run.py: title lines, their own headings, postcodes "
                  "written every which way, misspelt or missing areas, two-line contact cells, opening times in "
                  "words, chains), imported into the empty registry of a folder made by `sprx init`, with the "
                  "London postcode table; the median of three runs" + (
                      f" (measured again on {res['again']['import']['date']}, `bench/run.py --only import`)"
                      if res.get("again", {}).get("import") else "") + ".", "",
                  "| rows | file MB | wall s | runs | peak RSS MB |", "| ---: | ---: | ---: | --- | ---: |"]
        lines += [f"| {int(n):,} | {r['file_mb']} | {r['wall_s']} | {', '.join(map(str, r['runs']))} | "
                  f"{r['rss_mb']:.0f} |" for n, r in imp.items()]
        if "100000" in imp:
            w = imp["100000"]["wall_s"]
            lines += ["", "| what | measured | target | |", "| --- | ---: | ---: | --- |",
                      f"| 100,000 rows into an empty registry | {w} s | {TARGETS['import_100k_s']} s | "
                      f"{'met' if w <= TARGETS['import_100k_s'] else 'missed'} |"]
        lines += [""] + IMPORT_WHERE
    api = res.get("api")
    if api:
        lines += ["", "## `sprx serve`: the Open Referral UK API", "",
                  f"A {api['schemes']:,}-scheme registry (`sprx demo generate`) with the London postcode table, published "
                  f"by `sprx publish` in {api['publish']['wall_s']} s (its API store, `api.sqlite`, "
                  f"{api['store_mb']} MB, included), then `sprx serve --site`; each kind of request asked "
                  f"{api['count'] // len(api['requests'])} times in turn by one client over loopback" + (
                      f" (measured on {res['again']['api']['date']}, `bench/run.py --only api`)"
                      if res.get("again", {}).get("api") else "") + ".", "",
                  "| request | median ms | 95th percentile ms |", "| --- | ---: | ---: |"]
        lines += [f"| {k} | {v['median_ms']} | {v['p95_ms']} |" for k, v in api["requests"].items()]
        lines += ["", "| what | measured | target | |", "| --- | ---: | ---: | --- |",
                  row(f"every request: median (95th percentile {api['p95_ms']} ms)", api["median_ms"], TARGETS["api_ms"],
                      " ms", api["median_ms"] <= TARGETS["api_ms"]),
                  row("`sprx serve --site`: started to first answer", api["ready_s"], TARGETS["api_ready_s"], " s",
                      api["ready_s"] <= TARGETS["api_ready_s"])]
    cy = res.get("welsh")
    if cy:
        b = cy["browser"]
        lines += ["", "## The page in Welsh", "",
                  f"The {cy['schemes']:,}-scheme CSV registry with a Welsh name and description for "
                  f"{cy['translated']:,} of its schemes (`name_cy`, `description_cy`; the rest shown in English, "
                  "marked `lang=\"en\"`), `map build --language cy`, then the page in Chromium" + (
                      f" (measured on {res['again']['welsh']['date']}, `bench/run.py --only welsh`)"
                      if res.get("again", {}).get("welsh") else "") + ".", "",
                  "| what | measured | target | |", "| --- | ---: | ---: | --- |",
                  f"| `map build --language cy` wall (median of {len(cy['map']['runs'])}) | {cy['map']['wall_s']} s | | |",
                  row("HTML size", cy["html_mb"], TARGETS["html_mb"], " MB", cy["html_mb"] <= TARGETS["html_mb"]),
                  row("Chromium: areas drawn", b["areas_drawn_ms"], TARGETS["areas_ms"], " ms",
                      b["areas_drawn_ms"] <= TARGETS["areas_ms"]),
                  row("Chromium: every marker or cluster ready", b["all_markers_clustered_ms"], TARGETS["markers_ms"],
                      " ms", b["all_markers_clustered_ms"] <= TARGETS["markers_ms"]),
                  row("finder: filter change, list, counts, shading and markers", b["filter_markers_ms"],
                      TARGETS["filter_ms"], " ms", b["filter_markers_ms"] <= TARGETS["filter_ms"]),
                  row("finder: a keystroke in Keywords (Welsh and English text searched)", b["keyword_ms"],
                      TARGETS["keyword_ms"], " ms", b["keyword_ms"] <= TARGETS["keyword_ms"])]
    pb = res.get("publish")
    if pb:
        lines += ["", "## `sprx publish` at 100,000 schemes (issue #39)", "",
                  f"The {pb['schemes']:,}-scheme CSV registry, `map build` (median of {len(pb['map']['runs'])}: "
                  f"{pb['map']['wall_s']} s) and `publish` side by side in one sitting" + (
                      f", measured on {res['again']['publish']['date']} (`bench/run.py --only publish`)"
                      if res.get("again", {}).get("publish") else "") + ". The republish follows a change to 1% of "
                  f"the schemes (their descriptions). A version has {pb['files']:,} files, the largest "
                  f"{pb['largest_public_mb']} MB (the API's store is beside the versions, not in the public site); "
                  f"its manifest is {pb['manifest_kb']} KB.", "",
                  "| what | measured | target | |", "| --- | ---: | ---: | --- |",
                  row(f"publish: {pb['publish']['wall_s']} s, × map build", pb["publish_ratio"], PUBLISH_TARGETS["publish_ratio"],
                      "×", pb["publish_ratio"] <= PUBLISH_TARGETS["publish_ratio"]),
                  row("publish: peak RSS", pb["publish"]["rss_mb"], PUBLISH_TARGETS["rss_mb"], " MB",
                      pb["publish"]["rss_mb"] <= PUBLISH_TARGETS["rss_mb"]),
                  row(f"republish after 1% changed: {pb['republish']['wall_s']} s, × map build", pb["republish_ratio"],
                      PUBLISH_TARGETS["republish_ratio"], "×", pb["republish_ratio"] <= PUBLISH_TARGETS["republish_ratio"]),
                  row(f"disk the second version adds (the first takes {pb['first_version_mb']} MB)",
                      pb["second_adds_mb"], round(pb["first_version_mb"] * PUBLISH_TARGETS["added_share"]), " MB",
                      pb["second_adds_mb"] <= pb["first_version_mb"] * PUBLISH_TARGETS["added_share"])]
        mp = res.get("million_publish")
        if mp:
            again = res.get("again", {}).get("million-publish")
            lines += ["", f"`sprx publish` of {mp['schemes']:,} schemes (CSV, `bench/run.py --only million-publish`"
                      + (f", measured on {again['date']}" if again else "") + f"); the version takes "
                      f"{mp['version_mb']:,} MB on disk.", "",
                      "| what | measured | target | |", "| --- | ---: | ---: | --- |",
                      row("publish 1,000,000: wall", mp["publish"]["wall_s"], PUBLISH_TARGETS["million_s"], " s",
                          mp["publish"]["wall_s"] <= PUBLISH_TARGETS["million_s"]),
                      row("publish 1,000,000: peak RSS", mp["publish"]["rss_mb"], PUBLISH_TARGETS["million_rss_mb"],
                          " MB", mp["publish"]["rss_mb"] <= PUBLISH_TARGETS["million_rss_mb"])]
    sv = res.get("serve")
    if sv:
        sw = sv["switch"]
        lines += ["", "## `sprx serve --workers` under load (issue #39)", "",
                  f"A published {sv['schemes']:,}-scheme registry (with the London postcode table) served on "
                  f"loopback; {sv['workers_1']['connections']} keep-alive connections from 2 client processes on "
                  f"the same {sv['cores']} cores ask a mix of API requests (pages, an id, searches, places near a "
                  "postcode, a filter, taxonomy terms; `bench/load.py`) as fast as they are answered" + (
                      f", measured on {res['again']['serve']['date']} (`bench/run.py --only serve`)"
                      if res.get("again", {}).get("serve") else "") + ".", "",
                  "| workers | requests | per second | p50 ms | p95 ms | failures |",
                  "| ---: | ---: | ---: | ---: | ---: | ---: |"]
        for label, key in (("1", "workers_1"), ("4", "workers_4"), ("4, while `sprx publish` switches versions",
                                                                    "switch")):
            w = sv[key]
            lines.append(f"| {label} | {w['requests']:,} | {w['per_second']:,} | {w['p50_ms']} | {w['p95_ms']} | "
                         f"{w['failures']} |")
        old_new = " and ".join(f"{int(v):,} from the version with {int(k):,} services" for k, v in
                               sw["versions"].items())
        lines += ["", f"4 workers answer {sv['speedup']}× the requests per second of 1 (the client processes "
                  f"share the cores). The switch: the publish took {sv['switch_publish']['wall_s']} s beside the "
                  f"load; of the `{sw['version_path']}` answers, {old_new}; {sw['failures']} failed."]
    fb = res.get("finder")
    if fb:
        lines += ["", "## The finder at 100,000 schemes (issue #38)", "",
                  f"The 100,000-scheme CSV registry's page opened {fb['runs']} times in one sitting in Chromium, "
                  "the median of the runs (each run's own figure a median: of 8 keystrokes, of 4 filter changes)" + (
                      f", measured on {res['again']['finder']['date']} (`bench/run.py --only finder`)"
                      if res.get("again", {}).get("finder") else "") + ". Each run: "
                  + "; ".join(f"markers {e['all_markers_clustered_ms']}, keystroke {e['keyword_ms']}, filter "
                              f"{e['filter_markers_ms']} ms" for e in fb["each"]) + ".", "",
                  "| what | measured | target | |", "| --- | ---: | ---: | --- |",
                  row("Chromium: every marker or cluster ready", fb["all_markers_clustered_ms"],
                      FINDER_TARGETS["markers_ms"], " ms", fb["all_markers_clustered_ms"] <= FINDER_TARGETS["markers_ms"]),
                  row(f"a keystroke in Keywords: the list, its count and the headline (slowest of 8: "
                      f"{fb['keyword_max_ms']} ms)", fb["keyword_ms"], FINDER_TARGETS["keyword_ms"], " ms",
                      fb["keyword_ms"] <= FINDER_TARGETS["keyword_ms"]),
                  row(f"a filter change: list, counts, shading and markers redrawn (list, counts and shading alone: "
                      f"{fb['filter_change_ms']} ms)", fb["filter_markers_ms"], FINDER_TARGETS["filter_ms"], " ms",
                      fb["filter_markers_ms"] <= FINDER_TARGETS["filter_ms"])]
    mil = res.get("million")
    if mil:
        mb = mil.get("browser", {})
        lines += ["", "## 1,000,000 schemes", "",
                  f"A {mil['file_mb']} MB CSV registry (`sprx demo generate --schemes 1000000`), on the same machine.", "",
                  "| step | wall s | peak RSS MB | |", "| --- | ---: | ---: | --- |",
                  f"| `validate` | {mil['validate']['wall_s']} | {mil['validate']['rss_mb']:.0f} | "
                  f"{'within' if mil['validate']['rss_mb'] <= TARGETS['million_rss_mb'] else 'over'} 4 GB |",
                  f"| `map build` ({mil['html_mb']} MB page) | {mil['map']['wall_s']} | {mil['map']['rss_mb']:.0f} | "
                  f"{'within' if mil['map']['rss_mb'] <= TARGETS['million_rss_mb'] else 'over'} 4 GB |", ""]
        if mb:
            lines += ["In Chromium (milliseconds after navigation): "
                      f"areas drawn {mb['areas_drawn_ms']}, data parsed {mb['data_parsed_ms']}, search and finder "
                      f"ready {mb['controls_ms']}, every marker or "
                      f"cluster ready {mb['all_markers_clustered_ms']}; a filter change {mb['filter_markers_ms']}; "
                      f"a pan or zoom redraws the places on screen in {mb.get('move_ms', '?')}."]
    if res.get("stages"):
        st = res["stages"]
        lines += ["", "## Where a 100,000-scheme CSV `map build` spends its time", "",
                  "Stage by stage in one process (`STAGES` in bench/run.py), after Python itself has started "
                  f"(`sprx --help`: {res['help_s']} s, typer and rich included):", "",
                  "| stage | s |", "| --- | ---: |"]
        lines += [f"| {k} | {v} |" for k, v in st.items()]
        lines.append(f"| **total** | **{round(sum(st.values()), 2)}** |")
    lines += ["", "## Where the time goes", ""] + WHERE
    return "\n".join(lines) + "\n"


# Where an import's time goes (measured stage by stage on the 2-core machine, 2026-12-01, 100,000 rows):
IMPORT_WHERE = [
    "Where the time goes, 100,000 rows (one run timed stage by stage; this machine's runs vary by a fifth,",
    "at times a quarter, from one minute to the next): start-up with the areas, boundaries and postcode",
    "table 1.0 s; reading the CSV and finding its header 0.85 s; then each row's own steps on both cores,",
    "the rows cut in parts, each round half the size of the one before, that each core takes as it comes",
    "free (its cells read column by column, its place found, its values read, validate's checks on it, its",
    "YAML entry and its import memory written; the other core's results read between this one's parts)",
    "about 9.4 s; the ids given in order, with the notes, 0.75 s; what the cores made taken up 0.35 s; the",
    "registry written 0.3 s; the import's memory (`.schemes.yaml.imports.json`) 0.4 s. Side by side, in",
    "minutes when the code before this round of work (5ba04d3) took 15.5-17.7 s, this took 13.0-13.9 s.",
    "What is left is Python touching each row's dozen values a few times, on each core.",
]


# What the profiles say (docs/benchmarks.md): kept here so that a rerun keeps the explanation.
WHERE = [
    "A CSV registry is read by pyarrow's compiled reader (the csv module only for files it would word a",
    "problem in), boundaries by json and shapely (geopandas only for other formats, the PNG and area",
    "exports), and each rule runs once per distinct value of a column. Points are placed in areas with",
    "each area's prepared shape over arrays. The page's data is built over whole columns and encoded by",
    "orjson; the large page's data travels gzip+base64 (no escaping needed), after a small first block",
    "with the areas and their legend, which the page draws before it reads the rest. folium is imported",
    "without pandas. A plain YAML registry is read by rapidyaml (C++), positions found later for the",
    "schemes that need one; other YAML (anchors, tags, block scalars, lone CRs, ...) still goes through",
    "libyaml's events.",
    "",
    "**The misses, and why.** The stage table above is the measured cause. What is left is Python",
    "touching each of 100,000 records a few times, each pass at 50 to 150 ns an item on this machine:",
    "",
    "- `validate` (1.5 s asked): about 0.35 s goes before the registry is opened: Python with typer and",
    "  rich (0.09 s), typer's coercion of the options through pydantic (about 0.12 s: typer 0.29 does that",
    "  for every command with options), numpy, shapely and pyarrow. Reading takes about 0.5 s (pyarrow's",
    "  parse 0.15 s, turning 1.8 million cells into Python text 0.15 s, the checks that send an unusual",
    "  file to the csv module 0.06 s); the field rules about 0.5 s, since they run once per distinct",
    "  value and ids, names, web addresses, emails, phones and coordinates are distinct in every record;",
    "  the point test 0.15 s; the upkeep and duplicate checks 0.3 s (folding 100,000 names among them).",
    "  Reaching 1.5 s would mean keeping the columns in Arrow and the rules as Arrow expressions, i.e. a",
    "  second copy of every rule beside the field table, which this project keeps in one place.",
    "- `map build` against naive folium (25× asked): naive folium takes 65 to 80 s on this machine, so 25×",
    "  is 2.6 to 3.2 s for validate and page together. The page adds about 1 s of its own: transposing",
    "  100,000 schemes and places into the page's columns, and storing 1.7 million text references once",
    "  each (0.4 s, 290,000 of them distinct; storing unique fields such as names and web addresses in",
    "  place would save about 0.2 s, measured, at the cost of a second way for the page to read text).",
    "  Then folium, branca and jinja2 (0.25 s), the postcode sectors (0.15 s), encoding and gzip (0.2 s).",
    "- YAML end to end (10 s asked) was met narrowly on 2026-11-24 (8.97 s). The run of 2026-12-01 found",
    "  the whole machine slower (`sprx --help` 0.21 s against 0.10 s, the postcode table 0.21 s against",
    "  0.11 s); `validate` of a 100,000-scheme YAML registry, alternating the code before and after that",
    "  day's work three times each, differed by less than the runs themselves (9 to 14 s both).",
    "  Reading takes about 3 s: rapidyaml's parse and JSON",
    "  1.3 s, reading that JSON back (every number as written, duplicate keys looked for) 1.2 s, the",
    "  checks that send anything unusual to the exact loader 0.7 s; checking takes about 1.9 s, four",
    "  times a CSV's (places and eligibility are mappings, and lists are lists, not one cell each).",
    "",
    "At 1,000,000 schemes both commands finish within 4 GB (the registry's text, its cells as Python",
    "strings and the schemes are all in memory at once). In Chromium the page (about 57 MB) shows its",
    "areas, shaded, with their legend within a second; the schemes follow after about 5 s, nearly all",
    "of it inflating and parsing 280 MB of JSON. After that the map stays usable: only what is on",
    "screen becomes markers, so a pan or zoom redraws in tens of milliseconds and a filter change takes",
    "under a second. A national site could serve each area's schemes separately; the one-file page was",
    "kept because it works offline from `file://`.",
]


if __name__ == "__main__":
    main()

