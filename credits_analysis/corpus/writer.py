"""Writing a corpus: crash-safe commits of batches of series, clean-up, and compaction.

A commit writes each table's rows of the batch, one file per partition, under temporary names
(``.part-….parquet.tmp``, which every reader skips), renames them into place, then writes the
batch's manifest file the same way. The manifest's rename is the commit: before it, the new
data files belong to no committed batch and no view reads them; after it, the whole batch is
visible at once. Whatever a killed process leaves (temporary files, data files of a batch never
committed, files whose every series a later batch replaced) is deleted by :meth:`recover` at
the start of the next build. Compaction rewrites each partition holding more than one file
into one file per table under a new batch, committed the same way, then deletes what it
replaced.

Only one process writes at a time: the build holds the corpus lock (see
:mod:`credits_analysis.corpus.build`).
"""

from __future__ import annotations

import os
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from credits_analysis._files import TEMPORARY_SUFFIX, write_atomically
from credits_analysis.corpus.layout import (
    BUCKETS,
    MANIFEST_SCHEMA,
    PARTITION_KEY,
    SCHEMAS,
    TABLES,
    DataFile,
    data_files,
    manifest_dir,
    part_name,
    table_dir,
)
from credits_analysis.corpus.manifest import Committed, read_committed
from credits_analysis.corpus.rows import batch_rows
from credits_analysis.records import SeriesOutcome

__all__ = ["CorpusWriter"]

# zstd with dictionaries: person names, departments and jobs repeat across rows and series.
_COMPRESSION = "zstd"


class CorpusWriter:
    """Commits batches to the corpus at ``root`` (the caller holds the corpus lock)."""

    def __init__(self, root: Path, committed: Committed) -> None:
        """A writer of the corpus at ``root``, whose manifest the caller read as ``committed``."""
        self.root = root
        # Past every file on disk too: a batch number of uncommitted leftovers is never reused.
        on_disk = max((f.batch for f in data_files(root)), default=0)
        self._next_batch = max(committed.latest_batch, on_disk) + 1

    def initialise(self) -> None:
        """Create the table and manifest folders (idempotent)."""
        for table in TABLES:
            table_dir(self.root, table).mkdir(parents=True, exist_ok=True)
        manifest_dir(self.root).mkdir(parents=True, exist_ok=True)

    def commit(self, outcomes: Sequence[SeriesOutcome], *, now: datetime) -> int:
        """Write and commit one batch of finished series; return its number."""
        batch = self._take_batch()
        tables, manifest = batch_rows(outcomes, batch=batch, now=now)
        for table, rows in tables.items():
            self._write_partitions(table, rows, batch)
        _commit_manifest(manifest, manifest_dir(self.root) / part_name(batch))
        return batch

    def recover(self, committed: Committed | None = None) -> int:
        """Delete temporary files and data files no view reads; return how many.

        ``committed`` is the manifest as the caller has just read it (else it is read here);
        no file it is read from is deleted here, so it reads the same before and after.
        """
        removed = 0
        leftovers = [
            *self.root.glob(f".*{TEMPORARY_SUFFIX}"),  # corpus.json's
            *manifest_dir(self.root).glob(f".*{TEMPORARY_SUFFIX}"),
            *(p for t in TABLES for p in table_dir(self.root, t).rglob(f".*{TEMPORARY_SUFFIX}")),
        ]
        for path in leftovers:
            path.unlink(missing_ok=True)
            removed += 1
        if committed is None:
            committed = read_committed(self.root)
        for file in data_files(self.root):
            if committed.visibility(file) == "none":
                file.path.unlink(missing_ok=True)
                removed += 1
        return removed

    def compact(self) -> int:
        """Merge each partition with several files (or replaced rows) into one file per table.

        Returns the number of partitions rewritten.
        """
        committed = read_committed(self.root)
        by_bucket: dict[int, list[DataFile]] = defaultdict(list)
        for file in data_files(self.root):
            if committed.visibility(file) != "none":
                by_bucket[file.bucket].append(file)
        untidy = sorted(
            bucket
            for bucket, files in by_bucket.items()
            if any(committed.visibility(f) == "some" for f in files)
            or any(n > 1 for n in _files_per_table(files).values())
        )
        if not untidy:
            self._compact_manifest(committed, {}, committed.latest_batch)
            self.recover()  # files whose every series a later batch replaced
            return 0
        batch = self._take_batch()
        moved: dict[int, int] = {}
        for bucket in untidy:
            files = by_bucket[bucket]
            for table in TABLES:
                parts = [_live_rows(f, committed) for f in files if f.table == table]
                if parts:
                    rows = pa.concat_tables(parts)
                    self._write_partitions(table, rows, batch)
            current = committed.series.filter(
                pc.equal(pc.bit_wise_and(committed.series["series_id"], BUCKETS - 1), bucket)
            )
            moved.update(dict.fromkeys(current["series_id"].to_pylist(), batch))
        self._compact_manifest(committed, moved, batch)
        self.recover()
        return len(untidy)

    def _compact_manifest(self, committed: Committed, moved: dict[int, int], batch: int) -> None:
        """One manifest file of the current rows (``moved`` series now in ``batch``)."""
        if len(committed.files) <= 1 and not moved:
            return
        series = committed.series
        batches = [
            moved.get(s, b)
            for s, b in zip(
                series["series_id"].to_pylist(), series["batch"].to_pylist(), strict=True
            )
        ]
        rows = series.set_column(
            series.schema.get_field_index("batch"), "batch", pa.array(batches, pa.int64())
        )
        path = manifest_dir(self.root) / part_name(batch)
        _commit_manifest(rows.cast(MANIFEST_SCHEMA), path)
        for old in committed.files:
            if old != path:
                old.unlink(missing_ok=True)

    def _write_partitions(self, table: str, rows: pa.Table, batch: int) -> None:
        """Write ``rows`` as one file per partition: hidden temporary names, then renamed.

        pyarrow's dataset writer writes every partition in one call, into the partition
        folders themselves (made once), so a commit costs no folder creation or removal.
        """
        if not len(rows):
            return
        # Sorted here, once, for commits and compaction alike.
        keys = [k for k in ("series_id", "season_number") if k in rows.column_names]
        rows = rows.sort_by([(k, "ascending") for k in keys])
        buckets = pc.bit_wise_and(rows["series_id"], BUCKETS - 1)  # series_id % 64, ids > 0
        written: list[str] = []
        hidden = f".{part_name(batch)}.{uuid.uuid4().hex}-{{i}}{TEMPORARY_SUFFIX}"
        try:
            ds.write_dataset(
                rows.append_column(PARTITION_KEY, buckets),
                table_dir(self.root, table),
                format="parquet",
                partitioning=ds.partitioning(
                    pa.schema([(PARTITION_KEY, pa.int64())]), flavor="hive"
                ),
                basename_template=hidden,
                file_options=ds.ParquetFileFormat().make_write_options(compression=_COMPRESSION),
                preserve_order=True,
                existing_data_behavior="overwrite_or_ignore",
                file_visitor=lambda file: written.append(file.path),
            )
            for path in map(Path, written):
                os.replace(path, path.with_name(part_name(batch)))
        except BaseException:
            for path in written:
                Path(path).unlink(missing_ok=True)
            raise

    def _take_batch(self) -> int:
        batch = self._next_batch
        self._next_batch += 1
        return batch


def _files_per_table(files: list[DataFile]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for file in files:
        counts[file.table] += 1
    return counts


def _live_rows(file: DataFile, committed: Committed) -> pa.Table:
    rows = pq.read_table(file.path, schema=SCHEMAS[file.table])
    if committed.visibility(file) == "all":
        return rows
    live = pa.array(sorted(committed.live_in(file)), pa.int64())
    return rows.filter(pc.is_in(rows["series_id"], value_set=live))


def _commit_manifest(rows: pa.Table, path: Path) -> None:
    """Make every data file written so far durable, then the manifest that commits them.

    One ``sync`` for the hundreds of small files of a batch costs what one ``fsync`` does;
    only then may the manifest name them, or a power cut could commit files still in memory.
    """
    os.sync()
    buffer = pa.BufferOutputStream()
    pq.write_table(rows, buffer, compression=_COMPRESSION)
    write_atomically(path, buffer.getvalue().to_pybytes(), durable=True)
