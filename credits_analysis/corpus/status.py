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

__all__ = ["EXPIRY_WARNING", "CorpusStatus", "SeriesTally", "due_series", "series_tally", "status"]

#: How long before TMDB's six-month limit ``status`` starts warning about an entry.
EXPIRY_WARNING = timedelta(days=30)


@dataclass(frozen=True)
class SeriesTally:
    """A corpus's series by state, from its manifest alone: quick at any size.

    Attributes
    ----------
    path : pathlib.Path
    done, partial, failed : int
        Series committed with data; of them, series with seasons that failed (a refresh fetches
        them again); series that failed as a whole.
    expiring : int
        Series within :data:`EXPIRY_WARNING` of the six-month limit.
    expired : int
        Series past the six-month limit: the views no longer show them.
    oldest_fetch : datetime | None
        The oldest response any series was built from.
    """

    path: Path
    done: int
    partial: int
    failed: int
    expiring: int
    expired: int
    oldest_fetch: datetime | None


@dataclass(frozen=True)
class CorpusStatus(SeriesTally):
    """A corpus at a glance: :class:`SeriesTally`, and what reading the files tells.

    Attributes
    ----------
    language : str
    last_build : datetime | None
        When the last finished build or refresh started.
    stale : int
        Series with data past their time-to-live (a refresh fetches them again).
    waiting : int
        Series the last refresh could not fetch again: they kept their rows, and the next
        refresh fetches them first.
    rows : Mapping[str, int]
        Rows each view shows.
    bytes_on_disk : int
        Every file of the corpus.
    """

    language: str
    last_build: datetime | None
    stale: int
    waiting: int
    rows: Mapping[str, int]
    bytes_on_disk: int


def series_tally(path: Path | str, *, now: datetime | None = None) -> SeriesTally:
    """Count the series of the corpus at ``path`` by state (see :class:`SeriesTally`).

    Raises
    ------
    ConfigError
        ``path`` is not a corpus, or its manifest is damaged.
    """
    root = Path(path).expanduser().absolute()
    require_meta(root)
    return _tally(root, read_committed(root), now or datetime.now(UTC))


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
    damaged = query.damaged_file(root, committed)
    if damaged is not None:
        raise damaged
    with query._connect(root, committed, now) as connection:
        try:
            rows = {
                t: connection.sql(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in TABLES
            }
        except duckdb.Error as exc:
            raise ConfigError(str(exc)) from None
    tally = _tally(root, committed, now)
    return CorpusStatus(
        **vars(tally),
        language=meta.language,
        last_build=meta.last_build,
        stale=len(due_series(committed, settings, now, failed=False)),
        waiting=len(meta.waiting),
        rows=rows,
        bytes_on_disk=sum(p.stat().st_size for p in root.rglob("*") if p.is_file()),
    )


def _tally(root: Path, committed: Committed, now: datetime) -> SeriesTally:
    states = committed.series["state"].to_pylist()
    fetched = [f for f in committed.series["fetched_at"].to_pylist() if f is not None]
    ages = [now - f for f in fetched]
    return SeriesTally(
        path=root,
        done=states.count("done") + states.count("partial"),
        partial=states.count("partial"),
        failed=states.count("failed"),
        expiring=sum(MAX_CACHE_AGE - EXPIRY_WARNING <= a < MAX_CACHE_AGE for a in ages),
        expired=sum(a >= MAX_CACHE_AGE for a in ages),
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
