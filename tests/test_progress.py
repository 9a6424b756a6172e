"""Progress for long work (issue #39): on a terminal, `publish` and `import table` show each stage
(and counts where items are counted); under --quiet, --log-format json or when not on a terminal
(cron), nothing extra. Terminals here are real pseudo-terminals."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT, TODAY

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals")
STAGES = [b"validating", b"the map", b"scheme pages", b"the Open Referral feed and API store",
          b"switching the site"]


def in_terminal(*args: str, cwd: Path = ROOT) -> tuple[int, bytes]:
    """Run `sprx ARGS` with a pseudo-terminal for its standard streams: (exit status, all it wrote)."""
    env = {**os.environ, "SPRX_TODAY": TODAY, "TERM": "xterm-256color", "COLUMNS": "160"}
    env.pop("NO_COLOR", None)
    main, other = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "sprx_cli", *args], stdin=other, stdout=other, stderr=other,
                            cwd=cwd, env=env)
    os.close(other)
    out = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # (the other side closed: the process has ended)
            break
        if not chunk:
            break
        out += chunk
    os.close(main)
    return proc.wait(120), out


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """A 2,500-scheme generated registry (CSV): long enough for each stage to be drawn."""
    folder = tmp_path_factory.mktemp("progress")
    src = folder / "schemes.csv"
    subprocess.run([sys.executable, "-m", "sprx_cli", "demo", "generate", "--schemes", "2500", "--boundaries",
                    str(ROOT / "data" / "london-boroughs.geojson"), "--format", "csv", "--seed", "39", "-o",
                    str(src)], check=True, cwd=ROOT, capture_output=True)
    return src


def test_publish_on_a_terminal_shows_its_stages_and_counts(big, tmp_path):
    status, out = in_terminal("publish", "--site", str(tmp_path / "site"), "--schemes", str(big))
    assert status == 0, out[-2000:]
    assert sum(stage in out for stage in STAGES) >= 3, out[:3000]
    assert b" of 2,500" in out or b" of 2,501" in out  # (a count: the services, or the pages)
    assert b"Published " in out and b"Traceback" not in out


@pytest.mark.parametrize("how", [["--quiet"], ["--log-format", "json"]])
def test_publish_quiet_or_logging_json_shows_no_progress_on_a_terminal(big, tmp_path, how):
    status, out = in_terminal("publish", "--site", str(tmp_path / "site"), "--schemes", str(big), *how)
    assert status == 0, out[-2000:]
    assert not [stage for stage in STAGES if stage in out]
    if how == ["--quiet"]:
        assert out == b""
    else:
        assert all(line.startswith(b"{") for line in out.splitlines())  # (nothing but the log's JSON lines)


def test_publish_not_on_a_terminal_shows_no_progress(big, tmp_path):
    done = subprocess.run([sys.executable, "-m", "sprx_cli", "publish", "--site", str(tmp_path / "site"),
                           "--schemes", str(big)], capture_output=True, cwd=ROOT, env={**os.environ,
                                                                                       "SPRX_TODAY": TODAY})
    assert done.returncode == 0
    assert not [stage for stage in STAGES if stage in done.stdout + done.stderr]
    assert b"\x1b[" not in done.stdout + done.stderr  # (no terminal codes in cron's mail)


def test_import_table_on_a_terminal_shows_its_stages(big, tmp_path):
    status, out = in_terminal("import", "table", str(big), "--output", str(tmp_path / "new.yaml"))
    assert status == 0, out[-2000:]
    assert b"reading and cleaning schemes.csv" in out or b"writing 2,500 rows to new.yaml" in out, out[:3000]
    status, quiet = in_terminal("import", "table", str(big), "--output", str(tmp_path / "other.yaml"), "--quiet")
    assert b"reading and cleaning" not in quiet and b"writing 2,500 rows" not in quiet


def test_counts_are_told_every_so_often_and_at_the_end():
    from sprx_cli.core.progress import Tally, counted

    told: list = []
    assert list(counted(range(5), lambda *a: told.append(a), "pages", 5, every=2)) == [0, 1, 2, 3, 4]
    assert told == [("pages", 0, 5), ("pages", 2, 5), ("pages", 4, 5), ("pages", 5, 5)]
    told.clear()
    tally = Tally(lambda *a: told.append(a), "services", None, every=3)
    for _ in range(4):
        tally.add()
    tally.end()
    assert told == [("services", 0, None), ("services", 3, None), ("services", 4, None)]
