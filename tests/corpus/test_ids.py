"""Ids files: plain lists and TMDB daily exports, and what is wrong with them."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from credits_analysis.corpus.ids import read_ids
from credits_analysis.errors import ConfigError


def export(path: Path, entries: list[dict]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for entry in entries:
            handle.write(json.dumps(entry) + "\n")
    return path


def test_a_plain_list_skips_blank_lines_comments_and_repeats(tmp_path: Path) -> None:
    path = tmp_path / "ids.txt"
    path.write_text("# shows to fetch\n1399\n\n  1396  # Breaking Bad\n1399\n\t\n42\n")
    assert read_ids(path) == [1399, 1396, 42]


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("-5", "'-5'"),
        ("0", "'0'"),
        ("abc", "'abc'"),
        ("12x", "'12x'"),
        ("²", "'²'"),
        ("9223372036854775808", "'9223372036854775808'"),
    ],
)
def test_a_plain_list_names_the_bad_line(tmp_path: Path, line: str, shown: str) -> None:
    path = tmp_path / "ids.txt"
    path.write_text(f"1399\n\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=f"line 3: {shown} is not a TMDB series id"):
        read_ids(path)


def test_a_daily_export_is_read_by_content_with_a_popularity_cut(tmp_path: Path) -> None:
    path = export(
        tmp_path / "tv_series_ids_11_30_2026.json.gz",
        [
            {"id": 5, "original_name": "La Job", "popularity": 6.301},
            {"id": 6, "original_name": "Tiny", "popularity": 0.6},
            {"id": 5, "original_name": "La Job", "popularity": 6.301},
            {"id": 7, "original_name": "No popularity"},
        ],
    )
    assert read_ids(path) == [5, 6, 7]
    assert read_ids(path, min_popularity=1.0) == [5]
    renamed = path.rename(tmp_path / "export.bin")
    assert read_ids(renamed, min_popularity=0.5) == [5, 6]


def test_a_truncated_export_is_an_error_not_a_shorter_list(tmp_path: Path) -> None:
    path = export(tmp_path / "full.json.gz", [{"id": i, "popularity": 1.0} for i in range(1, 5000)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ConfigError, match=r"truncated or corrupt.*download the export again"):
        read_ids(path)


@pytest.mark.parametrize(
    "line", ['{"id": -1}', '{"id": "12"}', '{"id": 2147483648}', "[1, 2]", "not json"]
)
def test_an_export_line_without_a_positive_id_is_named(tmp_path: Path, line: str) -> None:
    path = tmp_path / "export.json.gz"
    with gzip.open(path, "wt") as handle:
        handle.write('{"id": 1}\n' + line + "\n")
    with pytest.raises(ConfigError, match="line 2"):
        read_ids(path)


def test_a_list_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ids.txt"
    path.write_text("1399\n1396\n", encoding="utf-8-sig")
    assert read_ids(path) == [1399, 1396]


def test_a_file_without_ids_is_an_error_not_an_empty_build(tmp_path: Path) -> None:
    path = tmp_path / "ids.txt"
    path.write_text("# nothing yet\n\n")
    with pytest.raises(ConfigError, match=r"lists no series id$"):
        read_ids(path)
    exported = export(tmp_path / "export.json.gz", [{"id": 5, "popularity": 0.2}])
    with pytest.raises(ConfigError, match="lists no series id with popularity 1 or more"):
        read_ids(exported, min_popularity=1.0)
    assert read_ids(exported) == [5]


def test_min_popularity_needs_an_export_and_a_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "ids.txt"
    path.write_text("1\n")
    with pytest.raises(ConfigError, match="needs a TMDB daily export"):
        read_ids(path, min_popularity=2.0)
    with pytest.raises(ConfigError, match="cannot read the ids file"):
        read_ids(tmp_path / "missing.txt")
