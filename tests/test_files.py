"""Atomic writes (one file, or a set of files replaced together) and what goes in tables."""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from credits_analysis._files import writable_folder, write_all_atomically, write_atomically
from credits_analysis._tables import table_bytes


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


def test_a_folder_where_a_file_goes_is_found_before_anything_is_written(tmp_path: Path) -> None:
    (tmp_path / "cast.csv").write_bytes(b"old cast")
    (tmp_path / "crew.csv").mkdir()
    files = {tmp_path / name: b"new" for name in ("cast.csv", "crew.csv", "seasons.csv")}
    with pytest.raises(IsADirectoryError, match=r"crew.csv is a folder where a file should go"):
        write_all_atomically(files)
    assert (tmp_path / "cast.csv").read_bytes() == b"old cast"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cast.csv", "crew.csv"]


def test_a_file_where_a_folder_goes_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    (tmp_path / "cast.csv").write_bytes(b"old cast")
    (tmp_path / "notes").write_bytes(b"a file")
    files = {tmp_path / "cast.csv": b"new", tmp_path / "notes" / "deeper" / "crew.csv": b"new"}
    with pytest.raises(NotADirectoryError) as raised:
        write_all_atomically(files)
    assert str(raised.value) == (
        f"{tmp_path / 'notes'} is a file, so {tmp_path / 'notes' / 'deeper' / 'crew.csv'} "
        "cannot be written; no file was written"
    )
    assert (tmp_path / "cast.csv").read_bytes() == b"old cast"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cast.csv", "notes"]


def test_a_rename_failing_partway_says_what_was_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = os.replace

    def fail_on_crew(src: Path, dst: Path) -> None:
        if Path(dst).name == "crew.csv":
            raise PermissionError(13, "Permission denied", str(src))
        real_replace(src, dst)

    monkeypatch.setattr("os.replace", fail_on_crew)
    files = {tmp_path / name: b"new" for name in ("cast.csv", "crew.csv", "seasons.csv")}
    with pytest.raises(OSError) as raised:
        write_all_atomically(files)
    assert str(raised.value) == (
        f"could not replace {tmp_path / 'crew.csv'}: permission denied; cast.csv replaced, "
        "crew.csv, seasons.csv left as they were"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cast.csv"]  # no temporary file left


def test_a_write_error_names_the_file_not_its_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", full)
    with pytest.raises(OSError) as raised:
        write_all_atomically({tmp_path / "cast.csv": b"x"})
    assert str(raised.value) == (
        f"could not write {tmp_path / 'cast.csv'}: no space left on device; no file was replaced"
    )
    assert list(tmp_path.iterdir()) == []


def test_writable_folder_creates_the_folder_and_leaves_nothing_in_it(tmp_path: Path) -> None:
    writable_folder(tmp_path / "a" / "b")
    assert list((tmp_path / "a" / "b").iterdir()) == []


@pytest.mark.parametrize(
    ("make", "message"),
    [
        ("file", r"^{folder} cannot be a folder; give a folder for the output$"),
        ("parent-file", r"^{folder} cannot be a folder \({parent} is a file\)"),
    ],
)
def test_writable_folder_says_why_not_in_words(tmp_path: Path, make: str, message: str) -> None:
    parent = tmp_path / "p"
    folder = parent / "out" if make == "parent-file" else tmp_path / "out"
    (parent if make == "parent-file" else folder).write_text("a file")
    pattern = message.format(folder=re.escape(str(folder)), parent=re.escape(str(parent)))
    with pytest.raises(NotADirectoryError, match=pattern):
        writable_folder(folder)


def test_writable_folder_refuses_a_file_system_that_takes_no_files() -> None:
    with pytest.raises(OSError, match=r"^cannot write files in /proc/x: [a-z]") as raised:
        writable_folder(Path("/proc/x"))
    assert "Errno" not in str(raised.value) and ".tmp" not in str(raised.value)


# --- table contents ---------------------------------------------------------------------------


def text_frame(names: list[str | None], counts: list[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": pd.array(names, dtype="string"),
            "change": pd.array(counts, dtype="Int64"),
            "score": [-1.5] * len(counts),
        }
    )


def test_csv_quotes_formulas_in_text_but_never_touches_numbers() -> None:
    frame = text_frame(["=1+1", " -2", "a-b", None, "@x", "Nu\0l"], [-1, -2, 3, 4, 5, 6])
    rows = list(csv.reader(io.StringIO(table_bytes(frame, "csv").decode(), newline="")))
    assert rows[0] == ["name", "change", "score"]
    assert [r[0] for r in rows[1:]] == ["'=1+1", "' -2", "a-b", "", "'@x", "Nul"]
    assert [r[1] for r in rows[1:]] == ["-1", "-2", "3", "4", "5", "6"]
    assert {r[2] for r in rows[1:]} == {"-1.5"}


def test_csv_raw_keeps_formulas_and_excel_adds_a_byte_order_mark() -> None:
    frame = text_frame(["=1+1", "Loïc"], [1, 2])
    raw = table_bytes(frame, "csv", raw=True)
    assert raw == "name,change,score\r\n=1+1,1,-1.5\r\nLoïc,2,-1.5\r\n".encode()
    assert table_bytes(frame, "csv", raw=True, excel=True) == b"\xef\xbb\xbf" + raw


def test_parquet_keeps_the_values_and_dtypes_as_they_are() -> None:
    frame = text_frame(["=1+1", None], [-1, 2])
    back = pd.read_parquet(io.BytesIO(table_bytes(frame, "parquet")))
    pd.testing.assert_frame_equal(back, frame)
