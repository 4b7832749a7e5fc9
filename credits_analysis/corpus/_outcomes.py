# STAND-IN: replaced by credits_analysis.load.iter_series at merge
"""A stand-in for ``credits_analysis.load.iter_series`` (being built on another branch).

Same signature and contract: outcomes in completion order, at most ``max_in_flight`` series
loading at once, :class:`AuthError` / :class:`ConfigError` raised from the iterator at once,
any other failure of one series yielded as an outcome. It runs :func:`load_series` in a small
thread pool; one rate limit is shared by every series through a paced transport wrapper, and
the connections are split between the workers so their sum stays within
``settings.max_connections``.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
import time
import warnings
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

import httpx

from credits_analysis.config import Settings
from credits_analysis.errors import (
    AuthError,
    ConfigError,
    DataQualityWarning,
    PartialLoadWarning,
    StaleDataWarning,
)
from credits_analysis.load import SeriesCredits, load_series
from credits_analysis.tmdb import RetryPolicy

__all__ = ["SeriesOutcome", "iter_series"]

# load_series uses its own limiter per call; this one, far above any real limit, disables it.
_UNLIMITED_RATE = 1e9
_RECORDED = (PartialLoadWarning, StaleDataWarning, DataQualityWarning)


@dataclass(frozen=True, repr=False)
class SeriesOutcome:
    """What loading one series gave."""

    series_id: int
    credits: SeriesCredits | None
    error: Exception | None
    warnings: tuple[warnings.WarningMessage, ...]
    requests: int


class _Pacer:
    """One start-time schedule shared by every thread and event loop: ``rate`` starts a second."""

    def __init__(self, rate: float) -> None:
        self._interval = 1.0 / rate
        self._next = time.monotonic()
        self._lock = threading.Lock()

    def delay(self) -> float:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self._interval
        return start - now


class _Metered(httpx.AsyncBaseTransport):
    """Paces and counts the requests of one series."""

    def __init__(self, inner: httpx.AsyncBaseTransport, pacer: _Pacer, *, owned: bool) -> None:
        self.inner = inner
        self.pacer = pacer
        self.owned = owned
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(self.pacer.delay())
        self.requests += 1
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        if self.owned:
            await self.inner.aclose()


class _WarningSink:
    """Routes warnings raised in a worker thread to that thread's list, others to the original."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._original = warnings.showwarning

    def collect(self) -> list[warnings.WarningMessage]:
        self._local.caught = []
        return self._local.caught

    def show(self, message, category, filename, lineno, file=None, line=None) -> None:  # type: ignore[no-untyped-def]
        caught = getattr(self._local, "caught", None)
        if caught is None:
            self._original(message, category, filename, lineno, file, line)
        else:
            caught.append(warnings.WarningMessage(message, category, filename, lineno, file, line))


def iter_series(
    series_ids: Iterable[int],
    *,
    seasons: int | Iterable[int] | None = None,
    language: str | None = None,
    include_specials: bool = False,
    offline: bool | None = None,
    refresh: bool = False,
    settings: Settings | None = None,
    progress: bool | None = None,
    max_in_flight: int | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    retry: RetryPolicy | None = None,
) -> Iterator[SeriesOutcome]:
    """Load many series; yield one :class:`SeriesOutcome` each, as each finishes.

    Raises
    ------
    AuthError, ConfigError
        From the iterator, as soon as a series fails with one (the others are abandoned).
    """
    settings = (settings or Settings.from_env()).with_overrides(language=language, offline=offline)
    workers = max(1, max_in_flight or settings.max_connections)
    per_series = settings.with_overrides(
        requests_per_second=_UNLIMITED_RATE,
        max_connections=max(1, settings.max_connections // workers),
    )
    pacer = _Pacer(settings.requests_per_second)
    sink = _WarningSink()
    # Building an SSL context costs ~0.2 s of CPU: one for every series' transport.
    tls = ssl.create_default_context()

    def one(series_id: int) -> SeriesOutcome:
        owned = transport is None
        inner = transport or httpx.AsyncHTTPTransport(
            verify=tls, limits=httpx.Limits(max_connections=per_series.max_connections)
        )
        metered = _Metered(inner, pacer, owned=owned)
        caught = sink.collect()
        credits: SeriesCredits | None = None
        error: Exception | None = None
        try:
            credits = load_series(
                series_id,
                seasons,
                include_specials=include_specials,
                refresh=refresh,
                settings=per_series,
                progress=False,
                transport=metered,
                retry=retry,
            )
        except (AuthError, ConfigError):
            raise
        except Exception as exc:
            error = exc
        return SeriesOutcome(series_id, credits, error, tuple(caught), metered.requests)

    with warnings.catch_warnings(), ThreadPoolExecutor(workers, "corpus-load") as pool:
        for category in _RECORDED:
            warnings.simplefilter("always", category)
        warnings.showwarning = sink.show
        pending: set[Future[SeriesOutcome]] = set()
        ids = iter(series_ids)
        try:
            while True:
                for series_id in ids:
                    pending.add(pool.submit(one, int(series_id)))
                    if len(pending) >= workers:
                        break
                if not pending:
                    return
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        finally:
            for future in pending:
                future.cancel()
