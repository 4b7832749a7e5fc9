"""The bundled demo store: ``data/demo/`` written as cache entries, byte for byte reproducible."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from credits_analysis._bundled import DEMO_LANGUAGE
from credits_analysis.cache import CacheEntry, RawCache
from credits_analysis.demo.generator import DEMO_SERIES, generate_series
from credits_analysis.endpoints import details_path, request_params, season_path

__all__ = ["DEMO_FETCHED_AT", "DEMO_LANGUAGE", "write_demo_data", "write_generated"]

#: ``fetched_at`` of the bundled entries, fixed so that rebuilding gives identical bytes.
DEMO_FETCHED_AT = datetime(2025, 1, 1, tzinfo=UTC)
# The URL TMDB would have been asked. Recorded for the sidecar's shape; never requested.
_TMDB_URL = "https://api.themoviedb.org/3/{path}?{query}"


def write_demo_data(root: Path | str) -> list[CacheEntry]:
    """(Re)build the demo store in ``root`` with every series of ``DEMO_SERIES``.

    Entries are written with :meth:`credits_analysis.cache.RawCache.write`, so they are stored
    exactly like cache entries, under :data:`DEMO_LANGUAGE`, with ``fetched_at`` fixed at
    :data:`DEMO_FETCHED_AT`. Entries already in ``root`` are removed first; other files (the
    README) are left alone.

    Returns
    -------
    list[CacheEntry]
        The entries written: for each series its details, then its seasons in order.
    """
    store = RawCache(root)
    store.clear()
    written = []
    for series_id, preset in DEMO_SERIES.items():
        details, payloads = generate_series(series_id, **preset)
        written += write_generated(store, details, payloads, fetched_at=DEMO_FETCHED_AT)
    return written


def write_generated(
    store: RawCache,
    details: dict[str, Any],
    payloads: dict[int, dict[str, Any]],
    *,
    fetched_at: datetime,
) -> list[CacheEntry]:
    """Store a generated series (see :func:`generate_series`) as cache entries in ``store``.

    Returns
    -------
    list[CacheEntry]
        The entries written: the details, then the seasons in order.
    """
    series_id = details["id"]
    written = [_write(store, details_path(series_id), details, fetched_at)]
    for number, payload in payloads.items():
        written.append(_write(store, season_path(series_id, number), payload, fetched_at))
    return written


def _write(store: RawCache, api_path: str, payload: Any, fetched_at: datetime) -> CacheEntry:
    # Compact UTF-8, as TMDB sends its bodies.
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    query = urlencode({"language": DEMO_LANGUAGE, **request_params(api_path)})
    url = _TMDB_URL.format(path=api_path, query=query)
    return store.write(api_path, DEMO_LANGUAGE, body, url=url, fetched_at=fetched_at)
