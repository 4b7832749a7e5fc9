"""Where everything of a corpus lives on disk, and the Parquet schema of each table.

::

    DIR/corpus.json                                  language, format, builds, waiting (JSON)
    DIR/.lock                                        held by the one build or refresh at work
    DIR/{table}/series_bucket={b}/part-{batch}.parquet   data, b = series_id % 64
    DIR/_manifest/part-{batch}.parquet               which series each batch committed

Partitioning on ``series_id % 64`` keeps the folder count fixed (64 per table) whatever the
number of series, spreads series evenly, and sends a series' rows to one folder, so a refresh
or a compaction rewrites few files. Names starting with ``.`` or ``_`` (temporary files, the
manifest) are skipped by pyarrow, Spark and Polars dataset readers, so a table
folder reads as a plain hive-partitioned dataset.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import pyarrow as pa

from credits_analysis.schema import (
    CAST_COLUMNS,
    CREW_COLUMNS,
    EPISODE_COLUMNS,
    EPISODE_CREDIT_COLUMNS,
    SEASON_COLUMNS,
    empty_frame,
)

__all__ = [
    "BUCKETS",
    "DATA_TABLES",
    "MANIFEST_SCHEMA",
    "PARTITION_KEY",
    "SCHEMAS",
    "TABLES",
    "DataFile",
    "batch_of",
    "bucket_of",
    "data_files",
    "manifest_dir",
    "part_name",
    "table_dir",
]

BUCKETS = 64
PARTITION_KEY = "series_bucket"
_PART = re.compile(r"part-(?P<batch>\d+)\.parquet")


def _from_pandas(columns: Mapping[str, object]) -> pa.Schema:
    """The Parquet schema of an in-memory table: categoricals stored as their labels, and
    text as ``string`` (pandas' strings map to ``large_string``, which not every engine that
    reads the files takes)."""
    schema = pa.Schema.from_pandas(empty_frame(columns), preserve_index=False)
    fields = []
    for f in schema:
        kind = f.type.value_type if pa.types.is_dictionary(f.type) else f.type
        fields.append(pa.field(f.name, pa.string() if pa.types.is_large_string(kind) else kind))
    return pa.schema(fields)


_UTC = pa.timestamp("us", tz="UTC")

#: Parquet schema of every table, in view column order.
SCHEMAS: Mapping[str, pa.Schema] = MappingProxyType(
    {
        "cast": _from_pandas(CAST_COLUMNS),
        "crew": _from_pandas(CREW_COLUMNS),
        "seasons": _from_pandas(SEASON_COLUMNS),
        "episodes": _from_pandas(EPISODE_COLUMNS),
        "episode_credits": _from_pandas(EPISODE_CREDIT_COLUMNS),
        "series": pa.schema(
            [
                ("series_id", pa.int64()),
                ("name", pa.string()),
                ("original_name", pa.string()),
                ("first_air_date", pa.date32()),
                ("last_air_date", pa.date32()),
                ("status", pa.string()),
                ("type", pa.string()),
                ("in_production", pa.bool_()),
                ("original_language", pa.string()),
                ("origin_country", pa.list_(pa.string())),
                ("networks", pa.list_(pa.string())),
                ("genres", pa.list_(pa.string())),
                ("number_of_seasons", pa.int64()),
                ("number_of_episodes", pa.int64()),
                ("popularity", pa.float64()),
                ("fetched_at", _UTC),
            ]
        ),
        "creators": pa.schema(
            [
                ("series_id", pa.int64()),
                ("person_id", pa.int64()),
                ("name", pa.string()),
                ("gender", pa.string()),
            ]
        ),
        "failures": pa.schema(
            [
                ("series_id", pa.int64()),
                ("season_number", pa.int64()),  # null: the series failed as a whole
                ("error", pa.string()),
                ("reason", pa.string()),
                ("failed_at", _UTC),
            ]
        ),
    }
)
TABLES: tuple[str, ...] = tuple(SCHEMAS)
#: The tables of person-role rows, sorted by series and season within each file.
DATA_TABLES: tuple[str, ...] = ("cast", "crew", "seasons", "episodes", "episode_credits")

#: One row per series a batch committed; a series' rows are those of its latest batch.
MANIFEST_SCHEMA = pa.schema(
    [
        ("series_id", pa.int64()),
        ("batch", pa.int64()),
        ("state", pa.string()),  # "done", "partial" (some seasons failed) or "failed"
        ("fetched_at", _UTC),  # the oldest response it was built from
        ("status", pa.string()),  # TMDB status and in_production: the series' time-to-live
        ("in_production", pa.bool_()),
    ]
)


def bucket_of(series_id: int) -> int:
    """The partition a series' rows go to."""
    return series_id % BUCKETS


def table_dir(root: Path, table: str) -> Path:
    return root / table


def manifest_dir(root: Path) -> Path:
    return root / "_manifest"


def part_name(batch: int) -> str:
    return f"part-{batch:08d}.parquet"


@dataclass(frozen=True)
class DataFile:
    """A committed-looking data file: its table, partition and batch."""

    path: Path
    table: str
    bucket: int
    batch: int


def data_files(root: Path) -> Iterator[DataFile]:
    """Every finished (renamed) data file of every table, in no particular order."""
    for table in TABLES:
        for path in table_dir(root, table).glob(f"{PARTITION_KEY}=*/part-*.parquet"):
            match = _PART.fullmatch(path.name)
            key = path.parent.name.partition("=")[2]
            if match and key.isdigit():
                yield DataFile(path, table, int(key), int(match["batch"]))


def batch_of(path: Path) -> int | None:
    """The batch of a ``part-{batch}.parquet`` name, else None."""
    match = _PART.fullmatch(path.name)
    return int(match["batch"]) if match else None
