"""`sprx serve` (issue #26): the Open Referral UK API, checked as the ORUK validator checks it (its
own sequence of calls, each body against the HSDS 3.0 UK-profile shapes of hsds_schema.py), its
filters against answers worked out here from the registry, its refusals, a publish in the middle of
hundreds of requests and a bounded load. Servers listen on 127.0.0.1, on a free port, and are
stopped by the test."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import jsonschema
import pytest

from helpers import ROOT, TODAY, keyword_labels, sources, wait_until
from hsds_schema import api_schema

uvicorn = pytest.importorskip("uvicorn")


@contextmanager
def serving(site: Path):
    """The API of `site` on a free loopback port, in a thread: yields the base URL; stopped after."""
    from sprx_cli.serve.app import make_app

    server = uvicorn.Server(uvicorn.Config(make_app(site), host="127.0.0.1", port=0, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started or not thread.is_alive(), "the server to start")
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def sprx_serving(site: Path, *options: str):
    """`sprx serve --site SITE --port 0 OPTIONS` in its own process: yields (base URL, process, the line
    it printed); stopped with SIGTERM after."""
    proc = subprocess.Popen([sys.executable, "-m", "sprx_cli", "serve", "--site", str(site), "--port", "0", *options],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        line = proc.stdout.readline()
        assert line.startswith(f"Serving {site} at http://127.0.0.1:"), (line, proc.poll())
        yield line.split(" at ")[1].split("/ ;")[0], proc, line
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(30)


def workers_of(proc: subprocess.Popen) -> list[int]:
    """The worker processes uvicorn's supervisor `proc` has started (Linux's /proc)."""
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    return [int(pid) for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]


def get(url: str) -> tuple[int, dict, bytes]:
    """(status, headers, body) of GET url, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def publish(registry_sources, site: Path) -> None:
    from sprx_cli.site.publish import PublishOptions, publish as run

    run(registry_sources, site, PublishOptions())


@pytest.fixture(scope="module")
def london(tmp_path_factory):
    """The bundled London registry, published, and its API: (base URL of the API, site, registry)."""
    import os

    from sprx_cli.registry.validate import validate

    os.environ["SPRX_TODAY"] = TODAY
    os.chdir(ROOT)
    site = tmp_path_factory.mktemp("serve") / "public"
    publish(sources("london"), site)
    _, registry = validate(sources("london"))
    with serving(site) as base:
        yield base + "/oruk", site, registry


def checked(url: str) -> dict:
    """GET url: 200, JSON, open to every origin, and of the shape the UK profile gives that path."""
    status, headers, body = get(url)
    assert status == 200, (url, body[:300])
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert headers["access-control-allow-origin"] == "*"
    doc = json.loads(body)
    jsonschema.validate(doc, api_schema(url.split("/oruk", 1)[1]))
    assert not list(nulls(doc)), (url, list(nulls(doc))[:3])  # an empty optional field is left out
    return doc


def nulls(doc, where: str = ""):
    """Where a document holds null (or an empty list, in a service's parts)."""
    if doc is None:
        yield where
    elif isinstance(doc, dict):
        for k, v in doc.items():
            if v == [] and k != "contents":
                yield f"{where}/{k}"
            yield from nulls(v, f"{where}/{k}")
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from nulls(v, f"{where}/{i}")


def test_the_validators_sequence_of_calls(london):
    """Root; then each list endpoint's first, middle and last page; then ten random ids of each."""
    api, _, _ = london
    root = checked(api + "/")
    assert root["version"] == "3.0" and root["openapi_url"].endswith("uk-profile/main/schema/openapi.json")
    rng = random.Random(26)
    for path in ("services", "taxonomies", "taxonomy_terms", "service_at_locations", "organizations"):
        first = checked(f"{api}/{path}?page=1")
        assert first["total_items"] > 0 and first["first_page"] and first["page_number"] == 1
        pages = first["total_pages"]
        ids = [c["id"] for c in first["contents"]]
        for number in sorted({max(1, pages // 2), pages}):
            doc = checked(f"{api}/{path}?page={number}")
            assert doc["page_number"] == number and doc["last_page"] == (number == pages)
            ids += [c["id"] for c in doc["contents"]]
        for id_ in rng.sample(ids, min(10, len(ids))):
            one = checked(f"{api}/{path}/{id_}")
            assert one["id"] == id_
    everything = checked(f"{api}/services?per_page=1000")
    assert everything["total_items"] == 60 == len({c["id"] for c in everything["contents"]})


def test_the_static_feed_is_the_apis_bodies_byte_for_byte(london):
    api, site, _ = london
    feed = site / "oruk"
    assert get(api + "/")[2] == (feed / "index.json").read_bytes() == get(api)[2]
    assert get(f"{api}/services?page=1&per_page=100")[2] == (feed / "services.json").read_bytes()
    from sprx_cli.interchange.oruk_export import export_feed

    _, _, registry = london
    for name, data in export_feed(registry, page_size=25).items():
        if name.startswith("services/page/"):
            n = name.split("/")[-1].removesuffix(".json")
            assert get(f"{api}/services?page={n}&per_page=25")[2] == data, name
    for doc in json.loads((feed / "services.json").read_bytes())["contents"][:10]:
        assert get(f"{api}/services/{doc['id']}")[2] == (feed / "services" / f"{doc['id']}.json").read_bytes()
    for name, path in (("organizations.json", "organizations"), ("taxonomies.json", "taxonomies"),
                       ("taxonomy_terms.json", "taxonomy_terms")):
        data = (feed / name).read_bytes()
        assert get(f"{api}/{path}?per_page={max(1, json.loads(data)['total_items'])}")[2] == data, name


def ids_of(api: str, query: str, path: str = "services") -> list[str]:
    doc = checked(f"{api}/{path}?per_page=1000&{query}")
    assert doc["total_items"] == len(doc["contents"])
    return [c["id"] for c in doc["contents"]]


def test_the_filters_answer_what_the_registry_says(london):
    from sprx_cli.core.keywords import matches, scheme_texts, words
    from sprx_cli.interchange.hsds import uid
    from sprx_cli.interchange.oruk_export import service_id

    api, _, reg = london
    schemes = sorted(reg.schemes, key=lambda s: s.id)
    said = keyword_labels()
    labels = {"categories": lambda k: said["categories"][k], "groups": lambda k: said["target_groups"][k],
              "areas": lambda c: reg.areas.by_code[c].name}

    def expect(keep) -> list[str]:
        return [service_id(s) for s in schemes if keep(s)]

    for query in ("befriend", "Café", "arts southwark", "walk", "zzzz nothing", "MENTAL well", "walking",
                  "exercise", "lonely", "families", "elderly"):
        assert ids_of(api, "search=" + urllib.request.quote(query)) == expect(
            lambda s, query=query: matches(words(query), scheme_texts(s, labels))), query
    term = uid("term", "categories:befriending")
    assert ids_of(api, f"taxonomy_term_id={term}") == expect(lambda s: "befriending" in s.categories)
    assert ids_of(api, f"taxonomy_id={uid('taxonomy', 'delivery')}") == expect(lambda s: bool(s.delivery))
    assert ids_of(api, "minimum_age=18") == expect(lambda s: s.eligibility and (s.eligibility.min_age or -1) >= 18)
    assert ids_of(api, "maximum_age=25") == expect(
        lambda s: s.eligibility and s.eligibility.max_age is not None and s.eligibility.max_age <= 25)

    def opens(s, day, start):
        hours = [*s.hours, *(h for loc in s.locations for h in loc.hours)]
        return any(day in h.days and h.opens >= start for h in hours)

    assert ids_of(api, "day=WE&start_time=10:00") == expect(lambda s: opens(s, "wed", "10:00"))
    assert ids_of(api, "day=wednesday") == expect(lambda s: opens(s, "wed", "00:00"))
    assert ids_of(api, "modified_after=2026-10-01") == expect(
        lambda s: s.last_verified is not None and s.last_verified.isoformat() >= "2026-10-01")
    assert ids_of(api, "modified_after=2026-10-01T09:30:00Z") == ids_of(api, "modified_after=2026-10-01")
    # filters together narrow together
    both = ids_of(api, f"search=walk&taxonomy_id={uid('taxonomy', 'categories')}")
    assert both == expect(lambda s: matches(["walk"], scheme_texts(s, labels)) and bool(s.categories))


def test_places_by_postcode_nearest_first_within_the_proximity(london):
    from sprx_cli.geo.postcodes import distance_m, load_postcodes

    api, _, reg = london
    centre = load_postcodes(ROOT / "data" / "london-postcodes.csv.gz").find(["SE1 7PB"])[0]
    placed = [(distance_m(*centre, loc.lat, loc.lon), s, loc) for s in reg.schemes for loc in s.locations
              if loc.lat is not None]
    assert placed and all(loc.lat is not None for s in reg.schemes for loc in s.locations if loc.postcode)
    for reach in (3000, 5000):
        doc = checked(f"{api}/service_at_locations?postcode=se17pb&proximity={reach}&per_page=1000")
        near = sorted(d for d, _, _ in placed if d <= reach)
        assert doc["total_items"] == len(near) > 0
        got = [distance_m(*centre, c["location"]["latitude"], c["location"]["longitude"]) for c in doc["contents"]]
        assert got == sorted(got) and max(got) <= reach
    every = checked(f"{api}/service_at_locations?per_page=1000")
    assert every["total_items"] == sum(len(s.locations) for s in reg.schemes)
    # every placed location has its coordinates, in the API and in the feed alike
    assert all("latitude" in c["location"] for c in every["contents"])


@pytest.mark.parametrize("query,status,parameter", [
    ("services?page=0", 400, "page"), ("services?page=abc", 400, "page"), ("services?page=-1", 400, "page"),
    ("services?per_page=10000000", 400, "per_page"), ("services?per_page=0", 400, "per_page"),
    ("services/not-an-id", 404, None), ("service_at_locations/00000000-0000-0000-0000-000000000000", 404, None),
    ("taxonomies/x", 404, None), ("organizations/x", 404, None), ("taxonomy_terms/x", 404, None),
    ("service_at_locations?postcode=ZZ9%209ZZ", 400, "postcode"),
    ("service_at_locations?postcode=hello", 400, "postcode"),
    ("service_at_locations?postcode=SE1%207PB&proximity=-5", 400, "proximity"),
    ("service_at_locations?postcode=SE1%207PB&proximity=far", 400, "proximity"),
    ("service_at_locations?proximity=500", 400, "proximity"),
    ("services?modified_after=last%20tuesday", 400, "modified_after"),
    ("services?modified_after=2026-13-45", 400, "modified_after"),
    ("services?minimum_age=old", 400, "minimum_age"), ("services?maximum_age=nan", 400, "maximum_age"),
    ("services?day=someday", 400, "day"), ("services?start_time=25:00", 400, "start_time"),
    ("services?search=" + "a%20" * 40, 400, "search"),
    ("services?search=" + "x" * 10_000, 414, None), ("nowhere", 404, None),
    # numbers past what SQLite's integers (or Python's reading of digits) can take were a 500 (#37 row 7)
    *((f"{path}?page=99999999999999999999", 400, "page") for path in (
        "services", "organizations", "taxonomies", "taxonomy_terms", "service_at_locations")),
    ("services?minimum_age=1&page=99999999999999999999", 400, "page"),
    ("services?page=" + "9" * 4000, 400, "page"), ("services?per_page=" + "9" * 4000, 400, "per_page"),
    ("services?minimum_age=" + "9" * 4000, 400, "minimum_age"), ("services?page=1e9", 400, "page"),
])
def test_bad_requests_get_a_clear_json_4xx(london, query, status, parameter):
    api, _, _ = london
    got, headers, body = get(f"{api}/{query}")
    assert got == status, body
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert headers["access-control-allow-origin"] == "*"
    doc = json.loads(body)
    assert doc["status"] == status and doc["error"] and doc.get("parameter") == parameter
    assert b"Traceback" not in body


def test_hostile_search_text_comes_back_as_json_never_html(london):
    api, _, _ = london
    for text in ('<script>alert(1)</script>', '"); DROP TABLE service; --', "' OR 1=1 --", "*", "NEAR(a b)",
                 "\u202e\u0000", "%00", '"', "AND OR NOT"):
        status, headers, body = get(f"{api}/services?search={urllib.request.quote(text)}")
        assert status == 200, (text, body)
        assert headers["content-type"] == "application/json; charset=utf-8"
        assert headers["x-content-type-options"] == "nosniff"
        json.loads(body)
    status, _, body = get(f"{api}/services/{urllib.request.quote('<img src=x onerror=alert(1)>')}")
    assert status == 404 and json.loads(body)["error"].startswith("no service has the id")
    base = api.removesuffix("/oruk")
    for url, method in ((f"{api}/services", "POST"), (f"{base}/map.html", "POST"), (f"{base}/", "PUT"),
                        (f"{base}/index.html", "DELETE")):
        # a POST to a page said "the API only answers GET" (#37 row 20): said for the site and the API alike
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(urllib.request.Request(url, method=method, data=b"{}"), timeout=5)
        assert caught.value.code == 405 and caught.value.headers["Allow"] == "GET, HEAD"
        assert json.loads(caught.value.read()) == {
            "status": 405, "error": "this server only reads: the published site and its API answer GET (and HEAD), "
                                    "nothing else"}


def test_the_site_is_served_at_the_root(london):
    api, _, _ = london
    base = api.removesuffix("/oruk")
    status, headers, body = get(base + "/")
    assert status == 200 and headers["content-type"].startswith("text/html") and b"Downloads" in body
    assert get(base + "/map.html")[0] == 200 and get(base + "/oruk/services.json")[0] == 200
    assert get(base + "/../../etc/passwd")[0] == 404
    assert get(base + "/api.sqlite")[0] == 404  # (the API's store is no download)


def test_twenty_clients_fifty_requests_each_no_errors(london):
    api, _, _ = london
    paths = ["/", "/services", "/services?page=2&per_page=10", "/services?search=walk", "/taxonomy_terms",
             "/service_at_locations?postcode=SE1%207PB&proximity=5000", "/organizations"]

    def client(k: int) -> int:
        bad = 0
        for i in range(50):
            status, _, _ = get(api + paths[(k + i) % len(paths)])
            bad += status != 200
        return bad

    with ThreadPoolExecutor(20) as pool:
        assert sum(pool.map(client, range(20))) == 0


@pytest.mark.parametrize("workers", [1, 3])
def test_a_publish_in_the_middle_of_requests_fails_none_and_mixes_no_versions(tmp_path, workers):
    """Hundreds of requests while `sprx publish` switches the site to a registry with one more
    scheme: every answer is whole and from one version (its count and its services agree). With
    `--workers 3`, each worker follows the switch: after it, no answer comes from the old version."""
    from helpers import registry_files
    from sprx_cli.core.model import Sources

    files = registry_files("mini")
    folder = tmp_path / "reg"
    folder.mkdir()
    for name in ("schemes.yaml", "boroughs.csv", "boundaries.geojson"):
        shutil.copy(Path(files["--schemes"]).parent / name, folder / name)
    src = Sources(str(folder / "schemes.yaml"), str(folder / "boroughs.csv"), str(folder / "boundaries.geojson"),
                  files["--vocabulary"])
    site = tmp_path / "public"
    publish(src, site)
    first = json.loads((site / "oruk" / "services.json").read_bytes())
    text = (folder / "schemes.yaml").read_text(encoding="utf-8")
    (folder / "schemes.yaml").write_text(text.rstrip("\n") + "\n  - id: late-arrival\n    name: Late Arrival\n"
                                         "    boroughs: [Northtown]\n    website: https://example.org/late\n",
                                         encoding="utf-8")
    seen: dict[int, set] = {}
    answers = Counter()
    errors = []
    done = threading.Event()
    with serving(site) if workers == 1 else _base(sprx_serving(site, "--workers", str(workers))) as base:
        def hammer():
            while not done.is_set() or answers[first["total_items"] + 1] < 50:
                try:
                    status, _, body = get(base + "/oruk/services?per_page=100")
                except OSError as exc:
                    status, body = None, str(exc).encode()
                if status != 200:
                    errors.append((status, body[:200]))
                else:
                    doc = json.loads(body)
                    answers[doc["total_items"]] += 1
                    seen.setdefault(doc["total_items"], set()).add(tuple(c["id"] for c in doc["contents"]))
                if errors or sum(answers.values()) > 3000:
                    break

        clients = [threading.Thread(target=hammer) for _ in range(4)]
        for w in clients:
            w.start()
        wait_until(lambda: answers[first["total_items"]] > 50 or errors, "50 answers before the publish")
        publish(src, site)
        done.set()
        for w in clients:
            w.join(30)
        after_switch = [json.loads(get(base + "/oruk/services?per_page=1")[2])["total_items"] for _ in range(60)]
    assert errors == []
    assert set(after_switch) == {first["total_items"] + 1}
    before, after = first["total_items"], first["total_items"] + 1
    assert set(seen) == {before, after}
    assert all(len(ids) == total for total, pages in seen.items() for ids in pages)  # none mixed
    assert len(seen[before]) == len(seen[after]) == 1
    assert answers[before] > 50 and answers[after] >= 50  # hundreds of requests, both sides of the switch


@contextmanager
def _base(serving_process):
    with serving_process as (base, _, _):
        yield base


def test_sprx_serve_with_workers_starts_them_answers_and_stops_them_all(london):
    _, site, _ = london
    with sprx_serving(site, "--workers", "2") as (base, proc, line):
        assert line.endswith("/oruk (2 workers; Ctrl+C stops)\n")
        assert json.loads(get(base + "/oruk")[2])["version"] == "3.0"
        wait_until(lambda: len(workers_of(proc)) == 2, "two workers")
        started = workers_of(proc)
        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(lambda _: get(base + "/oruk/services?page=2")[0], range(80))) == {200}
        proc.terminate()
        assert proc.wait(30) == 0
    assert proc.stderr.read() == "Stopped.\n"
    assert not [pid for pid in started if Path(f"/proc/{pid}").exists()]  # none left behind


def test_the_asgi_factory_serves_the_site_its_environment_names(london, monkeypatch):
    from sprx_cli.serve import asgi

    _, site, _ = london
    monkeypatch.delenv(asgi.SITE, raising=False)
    with pytest.raises(asgi.NoSite, match="set SPRX_SITE to the folder of a site made by 'sprx publish'"):
        asgi.create_app()
    monkeypatch.setenv(asgi.SITE, str(site.parent))
    with pytest.raises(asgi.NoSite, match="is not a site made by 'sprx publish'"):
        asgi.create_app()
    monkeypatch.setenv(asgi.SITE, str(site))
    server = uvicorn.Server(uvicorn.Config("sprx_cli.serve.asgi:create_app", factory=True, host="127.0.0.1", port=0,
                                           log_level="warning", lifespan="off", http="sprx_cli.serve.asgi:Protocol"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started or not thread.is_alive(), "the server to start")
    try:
        port = server.servers[0].sockets[0].getsockname()[1]
        assert get(f"http://127.0.0.1:{port}/oruk/services?per_page=100")[2] == (
            site / "oruk" / "services.json").read_bytes()
    finally:
        server.should_exit = True
        thread.join(10)


def test_a_worker_that_cannot_start_says_why_and_stops_its_supervisor(tmp_path):
    """Under uvicorn's own supervisor: it stops (by the timeout) rather than start workers for ever."""
    env = {k: v for k, v in __import__("os").environ.items() if k != "SPRX_SITE"}
    done = subprocess.run([sys.executable, "-m", "uvicorn", "--factory", "sprx_cli.serve.asgi:worker_app",
                           "--workers", "2", "--port", "0", "--log-level", "warning"], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=60)
    assert "sprx serve: set SPRX_SITE to the folder of a site made by 'sprx publish'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_copy_made_as_the_deployment_docs_say_serves_what_the_original_does(london, tmp_path):
    """docs/deployment.md: the versions and stores copied first, the link moved last in one rename."""
    import os

    api, site, _ = london
    mirror = tmp_path / "public"
    state = mirror.with_name("public.sprx")
    state.mkdir()
    for part in ("versions", "stores"):
        shutil.copytree(site.with_name("public.sprx") / part, state / part)
    live = os.readlink(site)
    os.symlink(live, tmp_path / ".public.new")
    os.replace(tmp_path / ".public.new", mirror)
    with serving(mirror) as base:
        for path in ("/", "/services?per_page=100", "/services?search=walk", "/taxonomy_terms",
                     "/service_at_locations?postcode=SE1%207PB&proximity=5000"):
            assert get(base + "/oruk" + path)[2] == get(api + path)[2], path


def test_sprx_serve_prints_the_base_url_and_answers(london, tmp_path):
    _, site, _ = london
    proc = subprocess.Popen([sys.executable, "-m", "sprx_cli", "serve", "--site", str(site), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        line = proc.stdout.readline()
        assert line.startswith(f"Serving {site} at http://127.0.0.1:") and "/oruk (Ctrl+C stops)" in line
        base = line.split(" at ")[1].split("/ ;")[0]
        assert json.loads(get(base + "/oruk")[2])["version"] == "3.0"
    finally:
        proc.terminate()
        proc.wait(10)
    assert proc.returncode == 0 and proc.stderr.read() == "Stopped.\n"


def test_sprx_serve_in_a_registry_folder_publishes_it_to_a_temporary_site(tmp_path):
    from helpers import registry_files

    files = registry_files("mini")
    (tmp_path / "sprx.toml").write_text("".join(f'{k} = "{ROOT / v}"\n' for k, v in (
        ("schemes", files["--schemes"]), ("areas", files["--areas"]), ("boundaries", files["--boundaries"]),
        ("vocabulary", files["--vocabulary"]))), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "sprx_cli", "serve", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=tmp_path, env={**__import__("os").environ,
                                                                                  "SPRX_TODAY": TODAY})
    try:
        line = proc.stdout.readline()
        served = Path(line.split("Serving ")[1].split(" at ")[0])
        assert served.name == "site" and served.parent.name.startswith("sprx-serve-")
        base = line.split(" at ")[1].split("/ ;")[0]
        assert get(base + "/oruk/services?per_page=100")[2] == (served / "oruk" / "services.json").read_bytes()
        assert get(base + "/")[0] == 200
    finally:
        proc.terminate()
        proc.wait(10)
    assert proc.returncode == 0 and not served.parent.exists()  # the temporary site is gone


def test_serve_refuses_what_is_not_a_site_and_says_when_the_extra_is_missing(sprx, tmp_path, monkeypatch):
    result = sprx("serve", "--site", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == f"Usage error: --site: '{tmp_path}' is not a site made by 'sprx publish'\n"
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    result = sprx("serve", "--site", tmp_path)
    assert result.exit_code == 1 and result.stderr == (
        'sprx serve needs a web server that sprx does not install by default: pip install "sprx[serve]"\n')


def test_a_version_being_read_is_never_deleted_under_its_requests(tmp_path):
    """`publish --keep 0` deleted the previous version while requests were reading it: 404s, and
    '200 OK' with an empty body (#37 row 6). Requests for the map page and the API while three
    publishes each delete every earlier version they may: every answer whole, and once the server is
    idle a later publish removes the versions it kept."""
    from sprx_cli.site.publish import PublishOptions
    from sprx_cli.site.publish import publish as run
    from sprx_cli.site.versions import state_dir, versions

    src = sources("mini")
    site = tmp_path / "public"
    run(src, site, PublishOptions(keep=0))
    page = (site / "map.html").read_bytes()
    errors: list = []
    answers = Counter()
    done = threading.Event()
    with serving(site) as base:
        def hammer(path: str):
            while not done.is_set():
                status, _, body = get(base + path)
                if status != 200 or not body or (path == "/map.html" and len(body) != len(page)):
                    errors.append((path, status, len(body)))
                answers[path] += 1

        workers = [threading.Thread(target=hammer, args=(p,)) for p in ("/map.html", "/oruk/services") * 4]
        for w in workers:
            w.start()
        try:
            for _ in range(3):
                seen = sum(answers.values())
                wait_until(lambda seen=seen: sum(answers.values()) > seen + 20 or errors, "requests before the publish")
                run(src, site, PublishOptions(keep=0))
        finally:
            done.set()
            for w in workers:
                w.join(30)
        assert errors == [] and answers["/map.html"] > 20 and answers["/oruk/services"] > 20
        # no request now: the next publish removes every earlier version, those kept while read too
        run(src, site, PublishOptions(keep=0))
        state = state_dir(site)
        assert len(versions(state)) == 1 and list((state / "readers").iterdir()) == []
        assert get(base + "/map.html")[2] == page


def _response(sock) -> bytes:
    """One whole HTTP response read off a socket (its head, then Content-Length bytes of body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length")))
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


def _closed(sock) -> bool:
    """Whether the server closes the connection (within 10 s) without answering anything."""
    try:
        return sock.recv(65536) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


@pytest.mark.processes
def test_slow_clients_are_cut_off_and_connections_capped(london):
    """Half-sent requests held connections for ever, up to the file-descriptor limit, and new clients
    timed out (#37 row 16). A request's head must come within --header-timeout; past
    --max-connections a new connection is answered 503 at once; the log says so once, not each time."""
    import socket

    _, site, _ = london
    proc = subprocess.Popen([sys.executable, "-m", "sprx_cli", "serve", "--site", str(site), "--port", "0",
                             "--max-connections", "4", "--header-timeout", "1"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    opened = []
    try:
        line = proc.stdout.readline()
        port = int(line.split(" at http://127.0.0.1:")[1].split("/")[0])

        def connect():
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            opened.append(sock)
            return sock

        slow = [connect() for _ in range(4)]
        for sock in slow:
            sock.sendall(b"GET /oruk HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # (the blank line never comes)
        busy = [connect() for _ in range(3)]
        for sock in busy:  # past the cap: answered at once, and closed
            answer = sock.recv(65536)
            assert answer.startswith(b"HTTP/1.1 503 ") and b"Retry-After: 5" in answer and _closed(sock)
        assert all(_closed(sock) for sock in slow)  # cut off after a second, not held for ever
        # room again: a whole request is answered, and a connection kept alive after it has the same deadline
        kept = connect()
        kept.sendall(b"GET /oruk HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert _response(kept).startswith(b"HTTP/1.1 200 ")
        kept.sendall(b"GET /oruk HTTP/1.1\r\n")
        assert _closed(kept)
        assert get(f"http://127.0.0.1:{port}/oruk")[0] == 200
    finally:
        for sock in opened:
            sock.close()
        proc.terminate()
        proc.wait(10)
    log = proc.stderr.read()
    assert log.count("sprx serve: in the last minute") == 1  # (the first refusal, at once; then once a minute)
    assert "refused 1 new connection(s) past the cap of 4 open at once (--max-connections)" in log
    assert "Traceback" not in log
