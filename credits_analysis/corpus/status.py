"""What a corpus holds: series done, failed and due for a refresh, rows, bytes, oldest fetch."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from credits_analysis.config import MAX_CACHE_AGE, Settings
from credits_analysis.corpus import query
from credits_analysis.corpus.layout import TABLES
from credits_analysis.corpus.manifest import Committed, read_committed
from credits_analysis.corpus.meta import require_meta
from credits_analysis.errors import ConfigError
from credits_analysis.sources import ttl_for_series

__all__ = ["EXPIRY_WARNING", "CorpusStatus", "due_series", "status"]

#: How long before TMDB's six-month limit ``status`` starts warning about an entry.
EXPIRY_WARNING = timedelta(days=30)


@dataclass(frozen=True)
class CorpusStatus:
    """A corpus at a glance.

    Attributes
    ----------
    path : pathlib.Path
    language : str
    last_build : datetime | None
        When the last finished build or refresh started.
    done, partial, failed : int
        Series committed with data; of them, series with seasons that failed (a refresh fetches
        them again); series that failed as a whole.
    stale : int
        Series with data past their time-to-live (a refresh fetches them again).
    expiring : int
        Series within :data:`EXPIRY_WARNING` of the six-month limit.
    expired : int
        Series past the six-month limit: the views no longer show them.
    rows : Mapping[str, int]
        Rows each view shows.
    bytes_on_disk : int
        Every file of the corpus.
    oldest_fetch : datetime | None
        The oldest response any series was built from.
    """

    path: Path
    language: str
    last_build: datetime | None
    done: int
    partial: int
    failed: int
    stale: int
    expiring: int
    expired: int
    rows: Mapping[str, int]
    bytes_on_disk: int
    oldest_fetch: datetime | None


def status(
    path: Path | str, *, settings: Settings | None = None, now: datetime | None = None
) -> CorpusStatus:
    """Count what the corpus at ``path`` holds (see :class:`CorpusStatus`).

    Raises
    ------
    ConfigError
        ``path`` is not a corpus, or a file of it is damaged.
    """
    settings = settings or Settings.from_env()
    now = now or datetime.now(UTC)
    root = Path(path).expanduser().absolute()
    meta = require_meta(root)
    committed = read_committed(root)
    # A look at every file's footer: status is where a damaged corpus should first show.
    damaged = query.damaged_file(root)
    if damaged is not None:
        raise damaged
    states = committed.series["state"].to_pylist()
    fetched = [f for f in committed.series["fetched_at"].to_pylist() if f is not None]
    ages = [now - f for f in fetched]
    with query._connect(root, committed, now) as connection:
        try:
            rows = {
                t: connection.sql(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in TABLES
            }
        except duckdb.Error as exc:
            raise query.damaged_file(root) or ConfigError(str(exc)) from None
    return CorpusStatus(
        path=root,
        language=meta.language,
        last_build=meta.last_build,
        done=states.count("done") + states.count("partial"),
        partial=states.count("partial"),
        failed=states.count("failed"),
        stale=len(due_series(committed, settings, now, failed=False)),
        expiring=sum(MAX_CACHE_AGE - EXPIRY_WARNING <= a < MAX_CACHE_AGE for a in ages),
        expired=sum(a >= MAX_CACHE_AGE for a in ages),
        rows=rows,
        bytes_on_disk=sum(p.stat().st_size for p in root.rglob("*") if p.is_file()),
        oldest_fetch=min(fetched, default=None),
    )


def due_series(
    committed: Committed, settings: Settings, now: datetime, *, failed: bool
) -> list[int]:
    """Series past their time-to-live (see :func:`~credits_analysis.cache.ttl_for_series`),
    and, with ``failed``, every series that failed as a whole or in part (a season)."""
    due = []
    series = committed.series.to_pylist()
    for row in series:
        if row["state"] == "failed" or (failed and row["state"] == "partial"):
            retry = failed
        else:
            fetched = row["fetched_at"]
            retry = fetched is None or now - fetched >= ttl_for_series(row, settings)
        if retry:
            due.append(row["series_id"])
    return due
