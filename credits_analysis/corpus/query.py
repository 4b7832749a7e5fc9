"""Querying a corpus with DuckDB: read-only views over the committed Parquet files.

:func:`open` reads the manifest and defines one view per table over exactly the files of
committed batches, keeping only each series' latest rows, and only series fetched within
TMDB's six-month limit. The views live in a throw-away database opened read-only, and file
access is limited to the corpus's own data files, so ``CREATE``, ``INSERT``, ``COPY ... TO``
and reading other files are refused.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from credits_analysis.config import MAX_CACHE_AGE
from credits_analysis.corpus.layout import (
    PARTITION_KEY,
    SCHEMAS,
    TABLES,
    DataFile,
    batch_of,
    data_files,
)
from credits_analysis.corpus.manifest import Committed, read_committed
from credits_analysis.corpus.meta import require_meta
from credits_analysis.errors import ConfigError, CorpusChangedError

__all__ = [
    "BUCKET_SCHEMA",
    "READ_ONLY_STATEMENTS",
    "bucket_views",
    "changed_since_open",
    "check_read_only",
    "damaged_file",
    "open",
    "shown_series",
]

#: Statement types ``corpus sql`` runs; anything else is refused before it runs (EXPLAIN too:
#: EXPLAIN ANALYZE runs the statement it explains).
READ_ONLY_STATEMENTS = frozenset({"SELECT"})
#: Schema of the per-bucket views: ``buckets.cast_7`` holds the rows of ``cast`` whose series
#: fall in bucket 7 (``series_id % 64``), so a query can work bucket by bucket.
BUCKET_SCHEMA = "buckets"
# Data files to read, each with the series to keep of it (None: all of them); by table.
_Entries = list[tuple[DataFile, frozenset[int] | None]]
_Files = dict[str, _Entries]
#: Tables that also get per-bucket views: the ones per-series metrics aggregate.
_BUCKETED = ("cast",)


def open(path: Path | str, *, now: datetime | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only DuckDB connection with the views of the corpus at ``path``.

    Parameters
    ----------
    path
        A corpus folder (see :func:`credits_analysis.corpus.build`).
    now
        The time the six-month limit is counted from (default: now).

    Returns
    -------
    duckdb.DuckDBPyConnection
        The corpus as it is now: a later build or refresh replaces files its views read, after
        which its queries fail (the :mod:`~credits_analysis.corpus.metrics` functions raise
        :class:`~credits_analysis.errors.CorpusChangedError`): open the corpus again then.
        Views ``cast``, ``crew``, ``seasons`` (the columns of the in-memory tables of
        :mod:`credits_analysis.schema`), ``series``, ``creators`` and ``failures`` (see
        :data:`~credits_analysis.corpus.layout.SCHEMAS`); and in schema ``buckets``, the
        rows of ``cast`` split by series bucket (``buckets.cast_0`` to ``buckets.cast_63``,
        those with rows; see :func:`bucket_views`).

    Raises
    ------
    ConfigError
        ``path`` is not a corpus.
    """
    root = Path(path).expanduser().absolute()
    require_meta(root)
    return _connect(root, read_committed(root), now or datetime.now(UTC))


def _connect(root: Path, committed: Committed, now: datetime) -> duckdb.DuckDBPyConnection:
    """:func:`open` of the corpus at ``root``, whose manifest the caller read as ``committed``."""
    shown = shown_series(committed, now)
    files: _Files = {t: [] for t in TABLES}
    for file in data_files(root):
        live = committed.live_in(file) & shown
        if live:
            everything = live == committed.listed[(file.batch, file.bucket)]
            files[file.table].append((file, None if everything else live))
    scratch = Path(tempfile.mkdtemp(prefix="credits-analysis-corpus-"))
    try:
        database = scratch / "views.duckdb"
        with duckdb.connect(database) as setup:
            _define_views(setup, files)
        connection = duckdb.connect(database, read_only=True)
    except duckdb.Error as exc:
        unreadable = ConfigError(f"cannot read the corpus at {root}: {exc}")
        raise damaged_file(root, committed) or unreadable from None
    finally:
        # The open connection keeps the file readable; nothing is left behind on disk.
        shutil.rmtree(scratch, ignore_errors=True)
    readable = [str(f.path) for entries in files.values() for f, _ in entries]
    connection.execute(f"SET allowed_paths = [{', '.join(_literal(p) for p in readable)}]")
    connection.execute("SET enable_external_access = false")
    # Times as stored (fetched_at is UTC), whatever the machine's zone: the same query gives
    # the same text on every machine.
    connection.execute("SET TimeZone = 'UTC'")
    connection.execute("SET lock_configuration = true")
    return connection


def _define_views(setup: duckdb.DuckDBPyConnection, files: _Files) -> None:
    """Create the views of every table, and of its buckets, over ``files``."""
    # One transaction: each statement on its own would be a commit written to disk.
    setup.execute("BEGIN TRANSACTION")
    for table in TABLES:
        if files[table]:
            view = _view_sql(table, files[table])
            setup.execute(f"CREATE VIEW {_quote(table)} AS {view}")
        else:
            # No rows yet: an empty table with the columns and types of the Parquet.
            empty = SCHEMAS[table].empty_table()  # noqa: F841 - read by name by DuckDB
            setup.execute(f"CREATE TABLE {_quote(table)} AS SELECT * FROM empty")
    setup.execute(f"CREATE SCHEMA {BUCKET_SCHEMA}")
    for table in _BUCKETED:
        by_bucket: dict[int, _Entries] = {}
        for entry in files[table]:
            by_bucket.setdefault(entry[0].bucket, []).append(entry)
        for bucket, entries in sorted(by_bucket.items()):
            name = f"{BUCKET_SCHEMA}.{_quote(f'{table}_{bucket}')}"
            setup.execute(f"CREATE VIEW {name} AS {_view_sql(table, entries)}")
    setup.execute("COMMIT")


def changed_since_open(connection: duckdb.DuckDBPyConnection) -> CorpusChangedError | None:
    """The error for a connection of :func:`open` whose files a later build or refresh
    replaced (a compaction deletes what it rewrote); None while they are all still there.

    For explaining a DuckDB error: the views name exactly the files of the corpus at the
    time it was opened, and DuckDB opens them at each query.
    """
    try:
        readable = connection.execute("SELECT current_setting('allowed_paths')").fetchall()[0][0]
    except duckdb.Error:  # a closed connection: its own error says so
        return None
    # Only paths shaped as the corpus's data files: a user's own connection may allow others.
    gone = [p for p in map(Path, readable) if _is_data_file(p) and not p.exists()]
    if not gone:
        return None
    return CorpusChangedError(
        f"the corpus changed after this connection was opened: a build or refresh replaced "
        f"{len(gone)} of the files it reads (such as {gone[0]}); open the corpus again"
    )


def damaged_file(root: Path, committed: Committed) -> ConfigError | None:
    """The error naming the first committed data file of the corpus at ``root`` that is not as
    its build wrote it (unreadable, or without its table's columns); None when every file
    looks whole.

    ``committed`` is the manifest as the caller read it. Reads the footer of every file it
    lists (a few hundred, whatever the number of series): for explaining a DuckDB error, for
    ``status`` and before a refresh, not for every query.
    """
    for file in data_files(root):
        if committed.visibility(file) == "none":
            continue  # uncommitted, or replaced: no view reads it
        try:
            names = pq.read_schema(file.path).names
        except FileNotFoundError:
            continue  # replaced by a refresh since the listing
        except (pa.ArrowException, OSError) as exc:
            detail = str(exc)
        else:
            missing = [c for c in SCHEMAS[file.table].names if c not in names]
            if not missing:
                continue
            detail = f"no column {', '.join(missing)}"
        return ConfigError(
            f"{file.path} is damaged ({detail}); it was changed after its build committed it. "
            "Build the corpus again in a new folder: series still in the raw cache need no "
            "request"
        )
    return None


def bucket_views(connection: duckdb.DuckDBPyConnection, table: str) -> dict[int, str]:
    """The per-bucket views of ``table`` that ``connection`` has, by bucket.

    Each view holds whole series (a series' rows all lie in one bucket), and together they
    hold exactly the rows of ``table``. A connection not made by :func:`open` has none.

    Returns
    -------
    dict[int, str]
        Bucket number to the view's quoted, schema-qualified name, in bucket order.
    """
    names = connection.execute(
        "SELECT view_name FROM duckdb_views() WHERE schema_name = ? AND NOT internal",
        [BUCKET_SCHEMA],
    ).fetchall()
    pattern = re.compile(rf"{re.escape(table)}_(\d+)")
    found = {
        int(match[1]): f"{BUCKET_SCHEMA}.{_quote(name)}"
        for (name,) in names
        if (match := pattern.fullmatch(name))
    }
    return dict(sorted(found.items()))


def check_read_only(connection: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse ``sql`` unless it is exactly one statement, and one that only reads.

    One: of several statements DuckDB would return the last result only, and an empty
    string or a lone comment would print nothing as if it had run.

    Raises
    ------
    ConfigError
        No statement, several, or one that writes (or is not a query); DuckDB's parser error
        for invalid SQL is raised as it is.
    """
    statements = connection.extract_statements(sql)
    for statement in statements:
        kind = statement.type.name
        if kind not in READ_ONLY_STATEMENTS:
            raise ConfigError(
                f"the corpus is read-only: {kind} statements are refused (only SELECT queries "
                "run; use --format and --out to save a result)"
            )
    if len(statements) != 1:
        raise ConfigError(
            "give one SQL query: this has "
            + ("none" if not statements else f"{len(statements)} statements")
        )


def _is_data_file(path: Path) -> bool:
    return batch_of(path) is not None and path.parent.name.startswith(f"{PARTITION_KEY}=")


def shown_series(committed: Committed, now: datetime) -> frozenset[int]:
    """Series whose data may still be served: fetched within the six-month limit."""
    series = committed.series
    oldest = now - MAX_CACHE_AGE
    return frozenset(
        s
        for s, fetched in zip(
            series["series_id"].to_pylist(), series["fetched_at"].to_pylist(), strict=True
        )
        if fetched is None or fetched >= oldest
    )


def _view_sql(table: str, files: _Entries) -> str:
    columns = ", ".join(_quote(c) for c in SCHEMAS[table].names)
    whole = [f.path for f, keep in files if keep is None]
    parts = []
    if whole:
        parts.append(f"SELECT {columns} FROM {_read(whole)}")
    for file, keep in files:
        if keep is not None:
            ids = ", ".join(str(s) for s in sorted(keep))
            parts.append(f"SELECT {columns} FROM {_read([file.path])} WHERE series_id IN ({ids})")
    return " UNION ALL ".join(parts)


def _read(paths: Iterable[Path]) -> str:
    listed = ", ".join(_literal(str(p)) for p in sorted(paths))
    return f"read_parquet([{listed}], hive_partitioning = false)"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
