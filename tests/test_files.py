"""Atomic writes: one file, or a set of files replaced together."""

from __future__ import annotations

from pathlib import Path

import pytest

from credits_analysis._files import write_all_atomically, write_atomically


def test_write_atomically_creates_folders_and_replaces(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b.html"
    write_atomically(path, b"one")
    write_atomically(path, b"two", durable=False)
    assert path.read_bytes() == b"two"
    assert [p.name for p in path.parent.iterdir()] == ["b.html"]


def test_write_all_atomically_writes_every_file(tmp_path: Path) -> None:
    files = {tmp_path / "cast.csv": b"c", tmp_path / "deep" / "crew.csv": b"w"}
    write_all_atomically(files)
    assert {path: path.read_bytes() for path in files} == files


def test_a_file_that_cannot_be_written_leaves_every_file_as_it_was(tmp_path: Path) -> None:
    first = tmp_path / "cast.csv"
    first.write_bytes(b"old")
    (tmp_path / "not-a-folder").write_text("a file where a folder should be")
    with pytest.raises(OSError):
        write_all_atomically({first: b"new", tmp_path / "not-a-folder" / "crew.csv": b"new"})
    assert first.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cast.csv", "not-a-folder"]


def test_an_interrupted_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def die(src: object, dst: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("os.replace", die)
    with pytest.raises(KeyboardInterrupt):
        write_all_atomically({tmp_path / "a": b"1", tmp_path / "b": b"2"})
    assert list(tmp_path.iterdir()) == []
