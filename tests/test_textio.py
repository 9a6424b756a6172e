"""Reading text the way people save it; atomic writes."""

from __future__ import annotations

import os

import pytest

from sprx_cli.core.textio import SourceError, atomic_write_text, read_text


def test_bom_is_stripped(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_bytes(b"\xef\xbb\xbfschemes:\r\n")
    assert read_text(f, "a.yaml") == "schemes:\r\n"


def test_cp1252_is_located(tmp_path):
    f = tmp_path / "a.csv"
    f.write_bytes(b"id,name\r\nx,ok\r\ny,Caf\xe9\r\n")
    with pytest.raises(SourceError) as exc:
        read_text(f, "a.csv")
    p = exc.value.problem
    assert p.code == "encoding-error" and p.loc.line == 3
    assert "--encoding cp1252" in p.hint
    assert read_text(f, "a.csv", encoding="cp1252").endswith("Café\r\n")


def test_binary_garbage(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(SourceError) as exc:
        read_text(f, "a.yaml")
    assert exc.value.problem.code == "encoding-error" and "not a text file" in exc.value.problem.message


def test_unknown_encoding(tmp_path):
    f = tmp_path / "a.csv"
    f.write_bytes(b"id\n")
    with pytest.raises(SourceError) as exc:
        read_text(f, "a.csv", encoding="klingon")
    assert exc.value.problem.code == "encoding-error"


def test_missing_and_unreadable(tmp_path):
    with pytest.raises(SourceError) as exc:
        read_text(tmp_path / "nope.yaml", "nope.yaml")
    assert exc.value.problem.code == "file-not-found"
    with pytest.raises(SourceError) as exc:
        read_text(tmp_path, "a folder")  # reading a directory fails like an unreadable file
    assert exc.value.problem.code == "file-unreadable"


def test_atomic_write_replaces_whole_file(tmp_path):
    f = tmp_path / "out" / "a.txt"
    atomic_write_text(f, "old")
    atomic_write_text(f, "new")
    assert f.read_text() == "new"
    assert os.listdir(f.parent) == ["a.txt"]  # no temporary files left behind


def test_atomic_write_failure_keeps_old_file(tmp_path, monkeypatch):
    f = tmp_path / "a.txt"
    atomic_write_text(f, "old")

    def fail(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        atomic_write_text(f, "new")
    assert f.read_text() == "old"
    assert os.listdir(tmp_path) == ["a.txt"]
