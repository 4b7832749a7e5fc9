"""Refreshing a corpus: fetch again what is past its time-to-live or changed on TMDB."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from credits_analysis.config import Settings
from credits_analysis.corpus import query
from credits_analysis.corpus.build import BuildResult, FetchOptions, update, writing
from credits_analysis.corpus.changes import changed_series
from credits_analysis.corpus.status import due_series
from credits_analysis.errors import ConfigError
from credits_analysis.tmdb import RetryPolicy

__all__ = ["refresh"]

# A change recorded just before the last build started may not have been served to it yet.
_OVERLAP = timedelta(days=1)


def refresh(
    path: Path | str,
    *,
    settings: Settings | None = None,
    language: str | None = None,
    changes: bool = True,
    progress: bool | None = None,
    max_in_flight: int | None = None,
    batch_size: int = 200,
    commit_seconds: float = 30.0,
    transport: httpx.AsyncBaseTransport | None = None,
    retry: RetryPolicy | None = None,
    now: datetime | None = None,
) -> BuildResult:
    """Fetch again, bypassing the raw cache, every series of the corpus at ``path`` that is due.

    Due: past its time-to-live, failed as a whole or in part (a season failed), kept by the
    last refresh, or (with ``changes``) listed by TMDB's ``/tv/changes`` since the last
    refresh started (a day earlier, for safety; the first build, before any refresh), 14 days
    a query. Each refetched series replaces its rows at once when its batch commits, unless
    fetching it again fails: then it keeps its rows and waits for the next refresh.

    Parameters
    ----------
    path, settings, language, progress, max_in_flight, batch_size, commit_seconds
        As for :func:`~credits_analysis.corpus.build`.
    changes
        Ask ``/tv/changes``; without, only time-to-live and failures decide.
    transport, retry
        As for :func:`~credits_analysis.load.load_series`; also used for ``/tv/changes``.
    now
        The time the time-to-live is counted to (default: now).

    Returns
    -------
    BuildResult
        ``skipped`` is the number of committed series that were not due; ``kept`` the series
        with rows that could not be fetched again, which keep them and wait for the next
        refresh.

    Raises
    ------
    ConfigError, AuthError
        As for :func:`~credits_analysis.corpus.build`; also when ``path`` is not a corpus
        (nothing is created there), one of its data files is damaged, or offline mode is on.
    NetworkError, ServerError, RateLimitedError
        :data:`~credits_analysis.corpus.build.UNAVAILABLE_IN_A_ROW` series in a row could not
        be fetched: the refresh stops, and those series keep their earlier rows.
    """
    settings = (settings or Settings.from_env()).with_overrides(language=language)
    if settings.offline:
        # Refreshing is fetching again past the raw cache: offline, there is nothing it can do.
        raise ConfigError(
            "corpus refresh fetches from TMDB again, and offline mode is on "
            "(CREDITS_ANALYSIS_OFFLINE); unset it to refresh"
        )
    settings.authorization()  # no token, or one TMDB cannot take: said before any work
    now = now or datetime.now(UTC)
    with writing(Path(path), settings.language, create=False) as (meta, writer, committed):
        damaged = query.damaged_file(writer.root, committed)
        if damaged:
            raise damaged
        known = committed.series["series_id"].to_pylist()
        states = dict(zip(known, committed.series["state"].to_pylist(), strict=True))
        waiting = [s for s in meta.waiting if s in states]
        due = set(due_series(committed, settings, now, failed=True)) | set(waiting)
        changes_asked = changes and bool(known)
        if changes_asked:
            since = meta.changes_since() - _OVERLAP
            changed = changed_series(
                since.date(), now.date(), settings, transport=transport, retry=retry
            )
            due |= changed & states.keys()
        # The series kept last time first: a refresh stopped early has tried them.
        todo = waiting + [s for s in known if s in due.difference(waiting)]
        options = FetchOptions(
            progress, max_in_flight, batch_size, commit_seconds, transport, retry
        )
        # Rows that can still be shown are kept when fetching their series again fails; past
        # the six-month limit they are hidden anyway, and a removed series may then go.
        with_rows = frozenset(
            s for s in query.shown_series(committed, now) if states[s] != "failed"
        )
        result = update(
            writer,
            meta,
            todo,
            settings,
            refresh=True,
            options=options,
            started=now,
            with_rows=with_rows,
            changes_asked=changes_asked,
        )
    return replace(result, skipped=len(known) - len(todo))
