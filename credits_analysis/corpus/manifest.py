"""What a corpus has committed: the manifest, read into one row per series.

A batch is committed once its manifest file is renamed into ``_manifest/``; its data files are
renamed into place before that. A series' rows are those of the latest batch that lists it,
so a refreshed series replaces its older rows the moment its new batch commits, and a data
file of a batch the manifest does not list (a build killed between the two renames) is never
read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from credits_analysis.corpus.layout import (
    MANIFEST_SCHEMA,
    DataFile,
    batch_of,
    bucket_of,
    manifest_dir,
)
from credits_analysis.errors import ConfigError

__all__ = ["Committed", "read_committed"]


@dataclass(frozen=True)
class Committed:
    """The manifest, resolved.

    Attributes
    ----------
    series : pyarrow.Table
        One row per series (columns of :data:`~credits_analysis.corpus.layout.MANIFEST_SCHEMA`):
        its latest batch.
    listed : Mapping[tuple[int, int], frozenset[int]]
        ``(batch, partition)`` to the series that batch committed in that partition.
    live : Mapping[tuple[int, int], frozenset[int]]
        The same, keeping only series whose latest batch it is.
    files : tuple[pathlib.Path, ...]
        The manifest files read.
    """

    series: pa.Table
    listed: Mapping[tuple[int, int], frozenset[int]]
    live: Mapping[tuple[int, int], frozenset[int]]
    files: tuple[Path, ...]

    @property
    def latest_batch(self) -> int:
        return max((batch for batch, _ in self.listed), default=0)

    def live_in(self, file: DataFile) -> frozenset[int]:
        """The series of ``file`` (its batch, its partition) whose rows are the current ones."""
        return self.live.get((file.batch, file.bucket), frozenset())

    def visibility(self, file: DataFile) -> str:
        """``all`` rows of the file are current, ``none``, or ``some``."""
        live = self.live_in(file)
        if not live:
            return "none"
        return "all" if live == self.listed[(file.batch, file.bucket)] else "some"


def read_committed(root: Path) -> Committed:
    """Read every manifest file of the corpus at ``root`` (none yet: an empty manifest).

    Raises
    ------
    ConfigError
        A manifest file cannot be read.
    """
    files = tuple(sorted(p for p in manifest_dir(root).glob("part-*.parquet") if batch_of(p)))
    tables = []
    for path in files:
        try:
            tables.append(pq.read_table(path, schema=MANIFEST_SCHEMA))
        except (pa.ArrowException, OSError) as exc:
            # Commits only ever rename complete files into place: this was changed from outside.
            raise ConfigError(
                f"{path} is damaged ({exc}); the corpus cannot say which series it holds. "
                "Build it again in a new folder: series still in the raw cache need no request"
            ) from None
    rows = pa.concat_tables(tables) if tables else MANIFEST_SCHEMA.empty_table()
    latest = _latest_rows(rows)
    return Committed(latest, _by_partition(rows), _by_partition(latest), files)


def _latest_rows(rows: pa.Table) -> pa.Table:
    """The latest row of each series: sorted by batch descending, each series' first row."""
    ordered = rows.sort_by([("series_id", "ascending"), ("batch", "descending")])
    if not len(ordered):
        return ordered
    ids = ordered["series_id"]
    first = pc.not_equal(ids.slice(1), ids.slice(0, len(ids) - 1))
    return ordered.filter(pa.concat_arrays([pa.array([True]), first.combine_chunks()]))


def _by_partition(rows: pa.Table) -> dict[tuple[int, int], frozenset[int]]:
    """``(batch, partition)`` to the series ``rows`` list there."""
    grouped: dict[tuple[int, int], set[int]] = {}
    for series_id, batch in zip(
        rows["series_id"].to_pylist(), rows["batch"].to_pylist(), strict=True
    ):
        grouped.setdefault((batch, bucket_of(series_id)), set()).add(series_id)
    return {key: frozenset(series) for key, series in grouped.items()}
