"""Which series TMDB says changed: ``GET /3/tv/changes`` over a period, 14 days at a time.

TMDB answers at most 14 days per query, 100 ids a page; the period is cut into windows and
every page of each is followed. The request goes through the settings' base URL with the
Bearer token; 429, 5xx and connection failures are retried with the client's backoff.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import httpx

from credits_analysis.cache import redact_url
from credits_analysis.config import Settings
from credits_analysis.errors import AuthError, BadResponseError, NetworkError, TMDBError
from credits_analysis.tmdb import RetryPolicy, run_sync

__all__ = ["WINDOW", "changed_series", "windows"]

#: The longest period TMDB's changes endpoints answer for at once.
WINDOW = timedelta(days=14)
_RETRIED = {429, 500, 502, 503, 504}


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
    return run_sync(_changed(start, end, settings, transport, retry or RetryPolicy()))


async def _changed(
    start: date,
    end: date,
    settings: Settings,
    transport: httpx.AsyncBaseTransport | None,
    retry: RetryPolicy,
) -> set[int]:
    found: set[int] = set()
    async with httpx.AsyncClient(
        headers={"Authorization": settings.authorization(), "Accept": "application/json"},
        timeout=httpx.Timeout(settings.timeout),
        transport=transport,
        follow_redirects=False,
    ) as client:
        for first, last in windows(start, end):
            page = pages = 1
            while page <= pages:
                params = {"start_date": first.isoformat(), "end_date": last.isoformat()}
                payload = await _get(client, settings, retry, {**params, "page": str(page)})
                found.update(_ids(payload))
                pages = payload.get("total_pages") if isinstance(payload, dict) else 1
                pages = pages if isinstance(pages, int) else 1
                page += 1
    return found


async def _get(
    client: httpx.AsyncClient, settings: Settings, retry: RetryPolicy, params: dict[str, str]
) -> dict[str, Any]:
    url = f"{settings.base_url}/tv/changes"
    shown = redact_url(str(httpx.URL(url, params=params)))
    for attempt in range(settings.max_retries + 1):
        last = attempt == settings.max_retries
        try:
            response = await client.get(url, params=params)
        except httpx.TransportError as exc:
            if last:
                raise NetworkError(
                    f"could not get {shown}: {type(exc).__name__}", url=shown
                ) from None
            await asyncio.sleep(_backoff(retry, attempt))
            continue
        if response.status_code == 401:
            raise AuthError(
                f"TMDB rejected the token for {shown} (HTTP 401)", url=shown, status=401
            )
        if response.status_code in _RETRIED and not last:
            await asyncio.sleep(_backoff(retry, attempt))
            continue
        if response.status_code != 200:
            raise TMDBError(
                f"{shown} answered HTTP {response.status_code}",
                url=shown,
                status=response.status_code,
            )
        try:
            payload = json.loads(response.content)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise BadResponseError(f"{shown} did not answer a JSON object", url=shown)
        return payload
    raise AssertionError("unreachable: the last attempt returns or raises")


def _backoff(retry: RetryPolicy, attempt: int) -> float:
    return random.uniform(0, min(retry.backoff_max, retry.backoff_base * 2**attempt))


def _ids(payload: dict[str, Any]) -> Iterator[int]:
    results = payload.get("results")
    for item in results if isinstance(results, list) else []:
        series_id = item.get("id") if isinstance(item, dict) else None
        if isinstance(series_id, int) and not isinstance(series_id, bool) and series_id > 0:
            yield series_id
