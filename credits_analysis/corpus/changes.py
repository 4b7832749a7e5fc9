"""Which series TMDB says changed: ``GET /3/tv/changes`` over a period, 14 days at a time.

TMDB answers at most 14 days per query, 100 ids a page; the period is cut into windows and
every page of each is followed. The request goes through the settings' base URL with the
Bearer token, through the package's own client (retries, deadlines, size cap and errors as for
every other request).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import httpx

from credits_analysis._sync import run_sync
from credits_analysis.config import Settings
from credits_analysis.tmdb import AsyncTMDBClient, RetryPolicy

__all__ = ["WINDOW", "changed_series", "windows"]

#: The longest period TMDB's changes endpoints answer for at once.
WINDOW = timedelta(days=14)


def windows(start: date, end: date) -> Iterator[tuple[date, date]]:
    """``[start, end]`` cut into consecutive inclusive windows of at most 14 days."""
    while start <= end:
        last = min(end, start + WINDOW - timedelta(days=1))
        yield start, last
        start = last + timedelta(days=1)


def changed_series(
    start: date,
    end: date,
    settings: Settings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    retry: RetryPolicy | None = None,
) -> set[int]:
    """Ids of the series TMDB lists as changed between ``start`` and ``end`` (inclusive).

    Raises
    ------
    AuthError
        The token was rejected.
    TMDBError
        Another failure that outlasted the retries (the URL shown without credentials).
    """
    return run_sync(_changed(start, end, settings, transport, retry))


async def _changed(
    start: date,
    end: date,
    settings: Settings,
    transport: httpx.AsyncBaseTransport | None,
    retry: RetryPolicy | None,
) -> set[int]:
    found: set[int] = set()
    # The package's client: its rate limit, deadlines, size cap, retries and error types.
    async with AsyncTMDBClient(settings, transport=transport, retry=retry) as client:
        for first, last in windows(start, end):
            page = pages = 1
            while page <= pages:
                params = {"start_date": first.isoformat(), "end_date": last.isoformat()}
                response = await client.get("tv/changes", params={**params, "page": page})
                found.update(_ids(response.payload))
                total = response.payload.get("total_pages")
                pages = total if isinstance(total, int) and not isinstance(total, bool) else 1
                page += 1
    return found


def _ids(payload: dict[str, Any]) -> Iterator[int]:
    results = payload.get("results")
    for item in results if isinstance(results, list) else []:
        series_id = item.get("id") if isinstance(item, dict) else None
        if isinstance(series_id, int) and not isinstance(series_id, bool) and series_id > 0:
            yield series_id
