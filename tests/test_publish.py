"""sprx publish: repeated, concurrent, interrupted and failing publishes.

Publishes run in this process (`run`), as the command line runs them; the ones to interrupt or race
are real processes killed with SIGKILL at known points (the publish code stops at a named stage
when SPRX_TEST_PAUSE_AT says so). After each, the site must be the previous complete site or the
new complete site, checked file by file against its manifest.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sprx_cli.site.publish import EXIT_BUSY, live_version, verify_site

from helpers import COUNTS, ROOT, TODAY


@dataclass
class Ran:
    """How a `sprx publish` ended: its exit code and what it wrote to each stream."""
    returncode: int
    stdout: str
    stderr: str


def sprx_publish(*args) -> Ran:
    """`sprx publish ARGS` in this process; an exception the command line did not turn into a
    message is raised here."""
    from sprx_cli.cli import app

    r = CliRunner().invoke(app, ["publish", *map(str, args)])
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return Ran(r.exit_code, r.stdout, r.stderr)


def run(site, *args, registry=COUNTS) -> Ran:
    return sprx_publish("--site", site, "--tiles", "none", *registry, *args)


def start_paused(site, stage, *args, registry=COUNTS, resume=None):
    """Start a publish process that stops at `stage`; return the process once it is there."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPRX_TEST_")}
    env.update({"SPRX_TODAY": TODAY, "SPRX_TEST_PAUSE_AT": stage})
    if resume:
        env["SPRX_TEST_RESUME_FILE"] = str(resume)
    proc = subprocess.Popen([sys.executable, "-m", "sprx_cli", "publish", "--site", str(site), "--tiles", "none",
                             *registry, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 60
    line = ""
    while time.monotonic() < deadline:
        line = proc.stderr.readline()  # (blocks until the process says where it is, or ends)
        if line.startswith("SPRX-PAUSED"):
            return proc
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError(f"publish did not reach {stage}: {line!r} {proc.stdout.read() if proc.stdout else ''}")


def snapshot(site: Path) -> dict[str, bytes]:
    live = live_version(site)
    return {str(p.relative_to(live)): p.read_bytes() for p in sorted(live.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path):
    return tmp_path / "public"


@pytest.fixture(scope="module")
def first_publish(tmp_path_factory):
    """The counts registry published once for the module: a site and its folder of versions."""
    folder = tmp_path_factory.mktemp("first")
    with pytest.MonkeyPatch.context() as mp:  # (as the autouse fixture sets it for each test)
        mp.chdir(ROOT)
        mp.setenv("SPRX_TODAY", TODAY)
        r = run(folder / "public")
    assert r.returncode == 0, r.stderr
    return folder


@pytest.fixture
def published(site, first_publish):
    """A site as its first publish left it (a copy of the module's, the same bytes)."""
    shutil.copytree(first_publish / "public.sprx", site.parent / "public.sprx", symlinks=True)
    os.symlink(os.readlink(first_publish / "public"), site)  # (relative: into the copy)
    return site


def test_first_publish_builds_a_complete_site(published):
    site = published
    assert site.is_symlink() and verify_site(site) == []
    names = sorted(p.name for p in site.iterdir())
    assert names == sorted(["index.html", "map.html", "map.png", "counts.csv", "counts.json", "counts.xlsx",
                            "schemes.csv", "schemes.geojson", "schemes.json", "areas.geojson", "changes.json",
                            "manifest.json", "oruk", "changes.atom", "schemes", "robots.txt"])
    assert sorted(p.name for p in (site / "schemes").iterdir()) == sorted(
        f"{s['id']}.html" for s in json.loads((site / "schemes.json").read_text())["schemes"])
    feed = sorted(str(p.relative_to(site / "oruk")) for p in (site / "oruk").rglob("*.json"))
    assert [f for f in feed if "/" not in f] == ["index.json", "organizations.json", "services.json", "taxonomies.json",
                                                 "taxonomy_terms.json"]
    assert len([f for f in feed if f.startswith("services/")]) == 5  # a file per scheme, any status
    assert json.loads((site / "oruk/services.json").read_text())["total_items"] == 5
    manifest = json.loads((site / "manifest.json").read_text())
    assert manifest["counts"] == {"schemes": 3, "areas": 3, "areas_with_schemes": 2, "areas_without_schemes": 1}
    assert set(manifest["inputs"]) == {"schemes", "areas", "boundaries", "vocabulary", "postcodes", "places"}  # all
    assert all(len(v["sha256"]) == 64 for v in manifest["inputs"].values())
    assert manifest["sprx_version"] and manifest["data_date"] == "2026-06-01"
    index = (site / "index.html").read_text()
    for link in ("map.html", "map.png", "counts.csv", "counts.xlsx", "schemes.geojson", "areas.geojson",
                 "manifest.json", "changes.json", "oruk/services.json"):
        assert f'href="{link}"' in index
    assert "3 schemes open now in 2 of 3 areas" in index and "Data as of 1 June 2026" in index
    assert 'id="sprx-table"' in index and "first publication" in index
    html = (site / "map.html").read_text()
    assert "<script src=" not in html  # the offline map
    assert json.loads((site / "changes.json").read_text())["first_publish"] is True


def test_republish_unchanged_is_byte_identical(published):
    before = snapshot(published)
    first = live_version(published)
    r = run(published)
    assert r.returncode == 0, r.stderr
    assert live_version(published) != first  # a new version...
    assert snapshot(published) == before  # ...with the same bytes


def test_if_changed_does_nothing_when_inputs_match(published, tmp_path):
    first = live_version(published)
    r = run(published, "--if-changed")
    assert r.returncode == 0 and r.stdout.startswith("Unchanged:")
    assert live_version(published) == first
    assert len(list((tmp_path / "public.sprx" / "versions").iterdir())) == 1


def test_if_changed_sees_the_postcode_table(site, tmp_path):
    """Every input a site is built from counts, the postcode table too: a new table, a new site."""
    table = tmp_path / "postcodes.csv"
    table.write_text("postcode,lat,lon\nNW1 4NX,51.5295,-0.15291\n")
    registry = [*COUNTS, "--postcodes", str(table)]
    assert run(site, registry=registry).returncode == 0
    first = live_version(site)
    r = run(site, "--if-changed", registry=registry)
    assert r.returncode == 0 and r.stdout.startswith("Unchanged:") and live_version(site) == first
    table.write_text("postcode,lat,lon\nNW1 4NX,51.5296,-0.15291\n")  # one centre moved
    r = run(site, "--if-changed", registry=registry)
    assert r.returncode == 0 and r.stdout.startswith("Published"), r.stdout + r.stderr
    assert live_version(site) != first
    manifest = json.loads((site / "manifest.json").read_text())
    assert manifest["inputs"]["postcodes"]["path"] == str(table)


def copy_registry(tmp_path):
    d = tmp_path / "reg"
    shutil.copytree(ROOT / "tests/fixtures/counts", d)
    return d, ["--schemes", str(d / "schemes.yaml"), "--areas", str(d / "boroughs.csv"),
               "--boundaries", str(d / "boundaries.geojson")]


def test_changes_since_previous_publish(site, tmp_path):
    d, reg = copy_registry(tmp_path)
    assert run(site, registry=reg).returncode == 0
    text = (d / "schemes.yaml").read_text()
    text = text.replace("name: North Peer Group", "name: North Peer Support Group")  # changed
    text = text.replace("  - id: south-plain\n", "  - id: south-plain-advice\n")  # removed + added
    text = text.replace("    boroughs: [Northtown, Southvale]\n", "    boroughs: [Northtown]\n")
    (d / "schemes.yaml").write_text(text)
    r = run(site, "--if-changed", registry=reg)
    assert r.returncode == 0 and r.stdout.startswith("Published")
    changes = json.loads((site / "changes.json").read_text())
    assert changes["first_publish"] is False and changes["previous_data_date"] == "2026-06-01"
    assert changes["schemes_added"] == [{"id": "south-plain-advice", "name": "South Plain Advice"}]
    assert changes["schemes_removed"] == [{"id": "south-plain", "name": "South Plain Advice"}]
    assert {c["id"]: c["fields"] for c in changes["schemes_changed"]} == {
        "both-areas": ["borough_codes", "boroughs"], "north-peer": ["name"]}
    assert changes["areas_changed"] == [{"code": "E09000902", "name": "Southvale", "before": 2, "after": 1}]
    index = (site / "index.html").read_text()
    assert "Schemes added" in index and "South Plain Advice" in index and "Southvale: 2 → 1" in index
    # the Atom feed (RFC 4287): the required elements, an entry per added, removed or changed scheme
    import xml.etree.ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring((site / "changes.atom").read_bytes())
    assert feed.tag == f"{atom}feed" and all(feed.findtext(f"{atom}{k}") for k in ("id", "title", "updated"))
    assert feed.find(f"{atom}author/{atom}name") is not None
    entries = feed.findall(f"{atom}entry")
    assert sorted(e.findtext(f"{atom}title") for e in entries) == [
        "Added: South Plain Advice", "Changed: Both Areas Walk", "Changed: North Peer Support Group",
        "Removed: South Plain Advice"]
    assert all(e.findtext(f"{atom}id").startswith("urn:sprx:change:") and e.findtext(f"{atom}updated")
               for e in entries)
    assert 'rel="alternate" type="application/atom+xml" href="changes.atom"' in index
    # publishing the same again keeps the record of the last change, so the files stay identical
    before = snapshot(site)
    assert run(site, registry=reg).returncode == 0
    assert snapshot(site) == before
    # a later change adds its entries above the earlier ones, which the feed keeps
    (d / "schemes.yaml").write_text(text.replace("name: North Peer Support Group", "name: North Peers"))
    assert run(site, registry=reg).returncode == 0
    titles = [e.findtext(f"{atom}title") for e in ET.fromstring((site / "changes.atom").read_bytes())
              .findall(f"{atom}entry")]
    assert titles[0] == "Changed: North Peers" and len(titles) == 5


def test_broken_registry_leaves_site_untouched(published):
    before, live = snapshot(published), live_version(published)
    r = run(published, registry=["--schemes", "tests/fixtures/schemes/unknown-borough.yaml"])
    assert r.returncode == 1
    assert "tests/fixtures/schemes/unknown-borough.yaml:6:9: error [unknown-borough]" in r.stderr
    assert "was not touched" in r.stderr
    assert live_version(published) == live and snapshot(published) == before


def test_strict_fails_on_warnings(published):
    live = live_version(published)
    r = run(published, "--strict", registry=["--schemes", "tests/fixtures/schemes/upkeep.yaml"])
    assert r.returncode == 1 and live_version(published) == live


def test_json_logs(published):
    r = run(published, "--log-format", "json")
    events = [json.loads(line) for line in r.stdout.splitlines()]
    assert [e["event"] for e in events] == ["validated", "published"]
    done = events[-1]
    assert done["level"] == "info" and done["schemes"] == 3 and done["duration_s"] > 0
    assert done["site"] == str(published) and done["version"] == live_version(published).name
    r = run(published, "--log-format", "json", registry=["--schemes", "tests/fixtures/schemes/syntax.yaml"])
    last = json.loads(r.stdout.splitlines()[-1])
    assert r.returncode == 1 and last["event"] == "invalid" and last["level"] == "error"
    assert last["problems"][0]["code"] == "yaml-syntax" and last["problems"][0]["line"] == 5


def test_rollback(published):
    first = live_version(published)
    d = snapshot(published)
    assert run(published).returncode == 0
    second = live_version(published)
    r = sprx_publish("--site", published, "--rollback")
    assert r.returncode == 0 and r.stdout.startswith(f"Rolled back {published} to version {first.name}")
    assert live_version(published) == first and snapshot(published) == d and second.exists()
    r = sprx_publish("--site", published, "--rollback")
    assert r.returncode == 1 and "no earlier version" in r.stderr


def test_keep_prunes_old_versions(published, tmp_path):
    for _ in range(3):
        assert run(published, "--keep", "1").returncode == 0
    versions = sorted(p.name for p in (tmp_path / "public.sprx" / "versions").iterdir())
    assert len(versions) == 2 and versions[-1] == live_version(published).name


def test_refuses_a_real_directory(tmp_path):
    site = tmp_path / "public"
    site.mkdir()
    (site / "index.html").write_text("someone's site")
    r = run(site)
    assert r.returncode == 1 and "is not a site published by sprx" in r.stderr
    assert (site / "index.html").read_text() == "someone's site"


@pytest.mark.processes
@pytest.mark.parametrize("stage", ["locked", "built-map", "writing-files", "store-built", "before-rename",
                                   "before-flip"])
def test_sigkill_before_the_switch_keeps_the_old_site(published, tmp_path, stage):
    d, reg = copy_registry(tmp_path)
    (d / "schemes.yaml").write_text((d / "schemes.yaml").read_text().replace("North Peer Group", "Renamed"))
    before, live = snapshot(published), live_version(published)
    proc = start_paused(published, stage, registry=reg)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert live_version(published) == live and snapshot(published) == before and verify_site(published) == []
    # the next night runs normally and clears what the killed run left
    r = run(published, registry=reg)
    assert r.returncode == 0, r.stderr
    assert verify_site(published) == [] and "Renamed" in (published / "schemes.json").read_text()
    assert not list((tmp_path / "public.sprx" / "versions").glob(".tmp-*"))
    _only_whole_versions(tmp_path / "public.sprx")


def _only_whole_versions(state: Path) -> None:
    """Each version has its store and index beside it, and nothing else is there."""
    names = sorted(p.name for p in (state / "versions").iterdir())
    assert sorted(p.name for p in (state / "stores").iterdir()) == [f"{n}.sqlite" for n in names]
    assert sorted(p.name for p in (state / "index").iterdir()) == [f"{n}.tsv" for n in names]


def test_a_republish_shares_every_unchanged_file_with_the_previous_version(site, tmp_path):
    """#39: unchanged files are hard links to the previous version's, never written again; what
    changed is written anew; the store lives beside the versions, not in the public site."""
    d, reg = copy_registry(tmp_path)
    assert run(site, registry=reg).returncode == 0
    first = live_version(site)
    (d / "schemes.yaml").write_text((d / "schemes.yaml").read_text().replace("North Peer Group", "Renamed"))
    r = run(site, registry=reg)
    assert r.returncode == 0 and verify_site(site) == []
    second = live_version(site)
    files = sorted(str(p.relative_to(second)) for p in second.rglob("*") if p.is_file())
    shared = [f for f in files if (first / f).exists() and (first / f).stat().st_ino == (second / f).stat().st_ino]
    fresh = sorted(set(files) - set(shared))
    changed = [s["id"] for s in json.loads((second / "schemes.json").read_text())["schemes"] if s["name"] == "Renamed"]
    assert f"schemes/{changed[0]}.html" in fresh and f"schemes/{changed[0]}.html" not in shared
    assert not any(f.startswith("schemes/") and changed[0] not in f for f in fresh)  # (the others' pages: shared)
    assert sum(1 for f in fresh if f.startswith("oruk/services/")) == 1
    assert len(shared) > len(fresh) and "manifest.json" in fresh
    assert f"Published {site} (version {second.name}): 3 schemes in 2 of 3 areas; {len(fresh) - 1} files written, " \
           f"{len(shared)} unchanged and shared with the previous version;" in r.stdout
    assert not (second / "api.sqlite").exists()
    assert (tmp_path / "public.sprx" / "stores" / f"{second.name}.sqlite").is_file()
    _only_whole_versions(tmp_path / "public.sprx")
    manifest = json.loads((second / "manifest.json").read_text())
    groups = {f["group"]: f for f in manifest["files"] if "group" in f}
    assert groups["oruk/services/"]["files"] == 5 and groups["schemes/"]["files"] == 5  # (a checksum per group)
    # a file changed in place after its version was published is not trusted: written again
    (second / "counts.csv").write_bytes((second / "counts.csv").read_bytes().replace(b",", b";"))
    assert run(site, "--title", "Another title", registry=reg).returncode == 0
    third = live_version(site)
    assert (third / "counts.csv").stat().st_ino != (second / "counts.csv").stat().st_ino
    assert b";" not in (third / "counts.csv").read_bytes() and verify_site(site) == []
    # pruning takes a version's store and index with it
    assert run(site, "--title", "A fourth", "--keep", "0", registry=reg).returncode == 0
    _only_whole_versions(tmp_path / "public.sprx")
    assert len(list((tmp_path / "public.sprx" / "versions").iterdir())) == 1


@pytest.mark.processes
def test_sigkill_after_the_switch_leaves_the_new_site(published, tmp_path):
    d, reg = copy_registry(tmp_path)
    (d / "schemes.yaml").write_text((d / "schemes.yaml").read_text().replace("North Peer Group", "Renamed"))
    proc = start_paused(published, "after-flip", registry=reg)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert verify_site(published) == [] and "Renamed" in (published / "schemes.json").read_text()


@pytest.mark.processes
def test_sigkill_during_first_publish_leaves_no_site(site):
    proc = start_paused(site, "writing-files")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert not site.exists() and not site.is_symlink()
    assert run(site).returncode == 0 and verify_site(site) == []


@pytest.mark.processes
def test_two_publishes_at_once(published, tmp_path):
    resume = tmp_path / "resume"
    first = start_paused(published, "locked", resume=resume)
    try:
        r = run(published)
        assert r.returncode == EXIT_BUSY == 3
        assert "another sprx publish is running on this site" in r.stderr and "left to finish" in r.stderr
        r = run(published, "--log-format", "json")
        assert r.returncode == 3 and json.loads(r.stdout.splitlines()[-1])["event"] == "busy"
    finally:
        resume.write_text("go")
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert verify_site(published) == []


@pytest.mark.processes
def test_stale_lock_from_killed_run_does_not_block(published):
    proc = start_paused(published, "locked")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    r = run(published)
    assert r.returncode == 0, r.stderr


@pytest.mark.processes
def test_killed_publishes_do_not_pile_up(published, tmp_path):
    """Twelve kills in a row left eight half-built versions until a run completed (#37 row 19): each
    run clears what the one before it left, as it starts."""
    leftovers = []
    for _ in range(3):
        proc = start_paused(published, "writing-files")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        leftovers.append(len(list((tmp_path / "public.sprx" / "versions").glob(".tmp-*"))))
    assert leftovers == [1, 1, 1] and verify_site(published) == []


@pytest.mark.parametrize("made", ["dangling", "folder", "loop"])
def test_a_link_sprx_did_not_make_is_left_alone(tmp_path, made):
    """--site re-pointed a symlink the user made, even a dangling one; a loop was an internal error
    (#37 row 15): sprx only re-points a link into its own versions folder."""
    site = tmp_path / "public"
    target = {"dangling": "elsewhere/nothing", "folder": str(tmp_path / "mine"), "loop": "public"}[made]
    (tmp_path / "mine").mkdir()
    os.symlink(target, site)
    r = run(site)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"{site} is a link that sprx did not make (it points at {target})" in r.stderr
    assert "remove the link, or publish to another folder (--site)" in r.stderr
    assert os.readlink(site) == target and not (tmp_path / "public.sprx").exists()
    assert not any((tmp_path / "mine").iterdir())


@pytest.mark.parametrize("given", [".", "..", "sub/.."])
def test_the_current_folder_is_not_a_site(tmp_path, monkeypatch, given):
    """`--site .` was an internal error (#37 row 18); an empty current folder would have been removed."""
    (tmp_path / "sub").mkdir()
    work = tmp_path / "sub"
    monkeypatch.chdir(work)
    reg = [x if x.startswith("--") else str(ROOT / x) for x in COUNTS]
    r = run(given, registry=reg)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"{given} is the folder you are in, or holds it" in r.stderr and "--site public" in r.stderr
    assert work.is_dir() and sorted(p.name for p in tmp_path.iterdir()) == ["sub"]


@pytest.mark.parametrize("name", ["schemes.json", "counts.json"])
def test_a_cut_short_live_file_does_not_block_the_next_publish(published, tmp_path, name):
    """A truncated live schemes.json blocked every later publish with a JSONDecodeError (#37 row 15):
    the next publish says it could not compare, lists no change, and the one after compares again."""
    d, reg = copy_registry(tmp_path)
    live = live_version(published)
    (live / name).chmod(0o644)
    (live / name).write_text((live / name).read_text()[:40])
    (d / "schemes.yaml").write_text((d / "schemes.yaml").read_text().replace("North Peer Group", "Renamed"))
    r = run(published, registry=reg)
    assert r.returncode == 0 and "Traceback" not in r.stderr
    assert f"Warning: the previous version {live} could not be read" in r.stderr
    changes = json.loads((published / "changes.json").read_text())
    assert changes["previous_unreadable"] is True and changes["first_publish"] is False
    assert changes["schemes_changed"] == [] and verify_site(published) == []
    assert "The previous publication could not be read" in (published / "index.html").read_text()
    (d / "schemes.yaml").write_text((d / "schemes.yaml").read_text().replace("Renamed", "Renamed again"))
    assert run(published, registry=reg).returncode == 0
    changes = json.loads((published / "changes.json").read_text())
    assert "previous_unreadable" not in changes and [c["id"] for c in changes["schemes_changed"]] == ["north-peer"]


def test_a_cut_short_changes_file_is_made_again(published):
    """Unchanged inputs keep the live changes.json, unless it cannot be read."""
    live = live_version(published)
    (live / "changes.json").chmod(0o644)
    (live / "changes.json").write_text('{"first_publish": tr')
    r = run(published)
    assert r.returncode == 0 and "Traceback" not in r.stderr and verify_site(published) == []
    assert json.loads((published / "changes.json").read_text())["schemes_changed"] == []


@pytest.mark.processes
def test_a_full_disk_while_the_api_store_is_built_is_said(tmp_path):
    """A full disk while the API store was built was an internal error (#37 row 18). The disk is
    filled for real here by a file-size limit on the process (RLIMIT_FSIZE, 4 MB): every site file
    of the London registry fits under it, its API store does not."""
    import resource

    site = tmp_path / "public"
    assert sprx_publish("--site", site, "--tiles", "none", "--quiet").returncode == 0
    before, live = snapshot(site), live_version(site)
    store = tmp_path / "public.sprx" / "stores" / f"{live.name}.sqlite"
    assert store.stat().st_size > 4 << 20 > max(p.stat().st_size for p in live.rglob("*"))

    def filled() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # (a write past the limit fails, as on a full disk)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4 << 20, 4 << 20))

    env = {**os.environ, "SPRX_TODAY": TODAY}
    r = subprocess.run([sys.executable, "-m", "sprx_cli", "publish", "--site", str(site), "--tiles", "none",
                        "--title", "Another title"], cwd=ROOT, env=env, preexec_fn=filled, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 1 and "internal error" not in r.stderr and "Traceback" not in r.stderr
    assert f"Not published: could not write the new version in {tmp_path / 'public.sprx' / 'versions'}: " in r.stderr
    assert f"the site {site} was not touched; make room on that disk (or lift its limit) and publish again" in r.stderr
    assert live_version(site) == live and snapshot(site) == before and verify_site(site) == []
    assert not list((tmp_path / "public.sprx" / "versions").glob(".tmp-*"))


def test_the_public_url_is_where_the_pages_link_to(tmp_path, monkeypatch):
    """The print sheet showed a file:// address (#38 item 5): with `public_url`, each language's map
    links to its own published address; the setting is part of what --if-changed compares."""
    from helpers import page_data, registry_files

    files = registry_files("counts")
    (tmp_path / "sprx.toml").write_text("".join(f'{k[2:]} = "{ROOT / v}"\n' for k, v in files.items())
                                        + 'public_url = "https://example.org/directory"\n'
                                        + 'languages = ["cy", "en"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert sprx_publish("--site", "public", "--tiles", "none").returncode == 0
    site = tmp_path / "public"
    assert page_data((site / "map.html").read_text())["pageUrl"] == "https://example.org/directory/map.html"
    assert page_data((site / "en/map.html").read_text())["pageUrl"] == "https://example.org/directory/en/map.html"
    assert json.loads((site / "manifest.json").read_text())["options"]["public_url"] == "https://example.org/directory"
    (tmp_path / "sprx.toml").write_text((tmp_path / "sprx.toml").read_text().replace("/directory", "/d2"))
    r = sprx_publish("--site", "public", "--tiles", "none", "--if-changed")
    assert r.returncode == 0 and r.stdout.startswith("Published")


def test_a_file_name_outside_the_version_is_refused(tmp_path):
    from sprx_cli.site.files import VersionFiles

    out = VersionFiles(tmp_path / "v")
    for name in ("../escaped.json", "oruk/services/../../x.json", "/etc/x", "a//b"):
        with pytest.raises(ValueError):
            out.put(name, b"{}")
    assert not any(tmp_path.rglob("*.json")) and not (tmp_path / "x.json").exists()
