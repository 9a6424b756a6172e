"""`sprx verify`: last_verified set in place; every other byte of the file stays as it was."""

from __future__ import annotations

import subprocess
import sys

import pytest

YAML = (b"\xef\xbb\xbfschemes:\r\n"
        b"  # a comment the keepers wrote\r\n"
        b"  - id: a-one\r\n"
        b"    name: \"A: one\"   # keep this\r\n"
        b"    boroughs: [Camden, Islington]\r\n"
        b"    last_verified: '2025-01-01'  # checked by Sam\r\n"
        b"  - {id: b-two, name: B, boroughs: [Camden], last_verified: 2025-02-02}\r\n"
        b"  - id: c-three\r\n"
        b"    name: C\r\n"
        b"    boroughs: Camden\r\n"
        b"    locations:\r\n"
        b"      - name: x\r\n"
        b"\r\n"
        b"    # trailing comment\r\n")
CSV = (b"id,name,boroughs,last_verified,description\r\n"
       b"a-one,\"A, one\",Camden,2025-01-01,\"two\r\nlines\"\r\n"
       b"b-two,B,Camden,,x\r\n")


def lines(data: bytes) -> list[bytes]:
    return data.split(b"\r\n")


def test_yaml_only_the_dates_change(sprx, tmp_path):
    path = tmp_path / "schemes.yaml"
    path.write_bytes(YAML)
    result = sprx("verify", "a-one", "b-two", "c-three", "--schemes", path, "--date", "2026-11-20")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"{path}: last_verified 2026-11-20 for 3 of 3 schemes\n"
    before, after = lines(YAML), lines(path.read_bytes())
    assert after[5] == b"    last_verified: '2026-11-20'  # checked by Sam"  # its quotes and comment kept
    assert after[6] == b"  - {id: b-two, name: B, boroughs: [Camden], last_verified: 2026-11-20}"
    assert after[12] == b"    last_verified: 2026-11-20"  # added at the end of the entry, before the blank line
    assert after[:5] == before[:5] and after[7:12] == before[7:12] and after[13:] == before[12:]
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") and b"\n" not in path.read_bytes().replace(b"\r\n", b"")
    assert sprx("validate", "--schemes", path).exit_code == 0


def test_csv_only_the_cells_change(sprx, tmp_path):
    path = tmp_path / "schemes.csv"
    path.write_bytes(CSV)
    assert sprx("verify", "b-two", "a-one", "--schemes", path).exit_code == 0  # today: SPRX_TODAY
    assert path.read_bytes() == CSV.replace(b"2025-01-01", b"2026-11-23").replace(b"Camden,,x", b"Camden,2026-11-23,x")


def test_already_verified_changes_nothing(sprx, tmp_path):
    path = tmp_path / "schemes.yaml"
    path.write_bytes(YAML)
    sprx("verify", "a-one", "--schemes", path, "--date", "2025-01-01")
    assert path.read_bytes() == YAML


@pytest.mark.parametrize("args,code,message", [
    (["a-on"], 1, "sprx verify: no scheme has the id 'a-on'; did you mean 'a-one'? Nothing was written.\n"),
    (["a-one", "--date", "2027-01-01"], 2, "--date: 2027-01-01 is in the future"),
    (["a-one", "--date", "1/2/2026"], 2, "is not a date in YYYY-MM-DD form"),
])
def test_refusals_leave_the_file_alone(sprx, tmp_path, args, code, message):
    path = tmp_path / "schemes.yaml"
    path.write_bytes(YAML)
    result = sprx("verify", *args, "--schemes", path)
    assert result.exit_code == code and message in result.stderr
    assert path.read_bytes() == YAML and sorted(p.name for p in tmp_path.iterdir()) == ["schemes.yaml"]


def test_two_verify_runs_at_once_both_count(tmp_path):
    path = tmp_path / "schemes.yaml"
    path.write_bytes(YAML)
    runs = [subprocess.Popen([sys.executable, "-m", "sprx_cli", "verify", sid, "--schemes", str(path),
                              "--date", "2026-11-2" + str(i), "--quiet"]) for i, sid in enumerate(("a-one", "c-three"))]
    assert [r.wait(timeout=60) for r in runs] == [0, 0]
    text = path.read_bytes()
    assert b"last_verified: '2026-11-20'" in text and b"    last_verified: 2026-11-21\r\n" in text
