"""Where each payload comes from: the cache, TMDB, the data bundled with the package, or stale.

For each API path, in order:

1. the user cache, while the entry is fresh (its time-to-live is :func:`ttl_for_series`);
2. TMDB, when fetching is allowed (a token, offline mode off, not a synthetic demo series);
   each response is stored in the cache as it arrives;
3. when TMDB failed, or fetching is not allowed: an expired cache entry (for a transient failure
   or a block, recorded as :class:`Stale`), else the data bundled with the package (recorded as
   the failure it stands in for), else the failure itself.

Data bundled with the package is of two kinds, told apart by :attr:`Payload.source`:
``bundled`` for the few real recorded samples, ``synthetic`` for the generated demo series.
Bundled entries are served in the language asked for when stored in it, else in their own.

What every lookup returns is one :class:`Payload` (parsed once, with its provenance) or the
:class:`~credits_analysis.errors.CreditsAnalysisError` that kept it out. One :class:`Sources`
serves any number of series: one client (one rate limiter, one connection cap), one cache.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

import httpx

from credits_analysis._bundled import DEMO_LANGUAGE, DEMO_SERIES_IDS
from credits_analysis._gc import paused_gc
from credits_analysis._resources import data_dir
from credits_analysis.cache import CacheEntry, RawCache
from credits_analysis.config import Settings
from credits_analysis.endpoints import details_path, season_credits_path, superseded_paths
from credits_analysis.errors import (
    ConfigError,
    CreditsAnalysisError,
    NetworkError,
    OfflineMissError,
    PayloadError,
    RateLimitedError,
    ServerError,
    TMDBError,
)
from credits_analysis.tmdb import AsyncTMDBClient, RetryPolicy, TMDBResponse

__all__ = [
    "RECORDED_SAMPLES",
    "Blocked",
    "Bundled",
    "Found",
    "Ledger",
    "Payload",
    "Sources",
    "Stale",
    "blocked_by_settings",
    "miss_message",
    "stand_in_message",
    "ttl_for_series",
]

logger = logging.getLogger(__name__)

#: Real recorded payloads reachable offline, by API path; see data/samples/README.md. When they
#: were fetched is not recorded, so their ``fetched_at`` is None.
RECORDED_SAMPLES: Mapping[str, str] = {
    details_path(1399): "tv-1399",
    season_credits_path(1399, 1): "tv-1399-season-1-aggregate_credits",
    details_path(1396): "tv-1396",
    season_credits_path(1396, 1): "tv-1396-season-1-aggregate_credits",
}
#: The recording libraries request TMDB's default language.
_SAMPLES_LANGUAGE = "en-US"
# Failures after which an expired cache entry is better than nothing.
_TRANSIENT = (NetworkError, ServerError, RateLimitedError)
_OVER_STATUSES = {"Ended", "Canceled"}


def ttl_for_series(details: Mapping[str, Any], settings: Settings) -> timedelta:
    """How long entries of this series stay fresh: long once it is over, short until then.

    Over means a ``status`` of Ended or Canceled with ``in_production`` false; anything else (in
    production, returning, planned, or a status missing or unknown) may still change. Settings
    refuse a time-to-live over six months, and :meth:`CacheEntry.is_fresh` caps any at that.
    """
    status = details.get("status")
    # A status that is not text (a list, from a broken payload) is unknown, not a crash.
    over = isinstance(status, str) and status in _OVER_STATUSES
    over = over and details.get("in_production") is False
    return settings.ttl_ended if over else settings.ttl_ongoing


# Payloads are whole responses: no repr, since asyncio.run formats the repr of the coroutine's
# result when it restores its SIGINT handler (CPython 3.11), which took longer than parsing them.
@dataclass(frozen=True, repr=False)
class Payload:
    """A parsed payload and where it came from.

    Attributes
    ----------
    api_path : str
        Where the payload was found: ``tv/1399``, ``tv/1399/season/1`` (season details with
        the aggregate credits appended) or, from a cache filled by an earlier version or a
        recorded sample, ``tv/1399/season/1/aggregate_credits`` (aggregate credits alone).
    payload : dict
        The parsed JSON object.
    source : str
        ``network``, ``cache``, ``bundled`` (a real sample shipped with the package) or
        ``synthetic`` (generated demo data shipped with the package).
    fetched_at : datetime.datetime | None
        When TMDB served it (UTC); None when unknown (the bundled samples).
    language : str
        The language it was served in.
    instead_of : TMDBError | None
        The TMDB failure bundled data stands in for, if any.
    """

    api_path: str
    payload: dict[str, Any]
    source: str
    fetched_at: datetime | None
    language: str
    instead_of: TMDBError | None = None


#: What a lookup gives: the payload, or the error that kept it out.
Found = Payload | CreditsAnalysisError


@dataclass(frozen=True)
class Stale:
    """An expired cache entry used because it could not be refreshed."""

    api_path: str
    fetched_at: datetime
    ttl: timedelta
    reason: str


@dataclass
class Ledger:
    """What the lookups of one series went through, for its warnings and its outcome.

    Attributes
    ----------
    stale : list[Stale]
        Expired cache entries used.
    requests : int
        Requests sent to TMDB: every attempt, retries included.
    """

    stale: list[Stale] = field(default_factory=list)
    requests: int = 0

    def stale_message(self) -> str | None:
        """The :class:`StaleDataWarning` text for the expired entries used; None if none."""
        if not self.stale:
            return None
        now = datetime.now(UTC)
        oldest = max(self.stale, key=lambda s: now - s.fetched_at)
        days = (now - oldest.fetched_at).total_seconds() / 86400
        count = len(self.stale)
        return (
            f"using {count} expired cache entr{'y' if count == 1 else 'ies'} "
            f"({', '.join(s.api_path for s in self.stale)}); the oldest was fetched "
            f"{days:.1f} days ago (time-to-live {oldest.ttl.total_seconds() / 86400:g} days) "
            f"and could not be refreshed because {oldest.reason}."
        )


def stand_in_message(found: Iterable[Found]) -> str | None:
    """The :class:`StaleDataWarning` text for bundled data standing in for TMDB; None if none."""
    stand_ins = [f for f in found if isinstance(f, Payload) and f.instead_of is not None]
    if not stand_ins:
        return None
    paths = ", ".join(f.api_path for f in stand_ins)
    languages = ", ".join(dict.fromkeys(f.language for f in stand_ins))
    causes = "; ".join(
        dict.fromkeys(f"{type(f.instead_of).__name__}: {f.instead_of}" for f in stand_ins)
    )
    return (
        f"using the data bundled with the package ({languages}) for {paths}, since TMDB "
        f"failed: {causes}"
    )


@dataclass(frozen=True)
class Blocked:
    """Why some paths are not fetched, and what one found nowhere else fails with.

    Attributes
    ----------
    reason
        Completes "could not be refreshed because ..." (``offline mode is on``).
    advice
        What to do about a path found nowhere, for its :class:`OfflineMissError`.
    cause
        The TMDB failure that stopped the fetching, if that is the reason: a path found
        nowhere then fails like it (an :class:`AuthError` stays one).
    """

    reason: str
    advice: str = ""
    cause: TMDBError | None = None

    def missing(self, path: str, settings: Settings) -> CreditsAnalysisError:
        """The error of ``path``, found nowhere while fetching is blocked."""
        if self.cause is None:
            return OfflineMissError(miss_message([path], settings, self), missing=[path])
        error = type(self.cause)(
            f"{path} was not requested, since {self.reason}",
            status=self.cause.status,
            tmdb_code=self.cause.tmdb_code,
        )
        error.__cause__ = self.cause
        return error

    @classmethod
    def after(cls, details: Payload) -> Blocked | None:
        """Why the seasons are not fetched when the details were bundled data standing in."""
        if details.instead_of is None:
            return None
        # Asking again would fail again (or retry for as long): no season is requested.
        return cls(
            f"TMDB failed for the series details: {details.instead_of}",
            cause=details.instead_of,
        )


def miss_message(paths: list[str], settings: Settings, blocked: Blocked) -> str:
    """Message of an :class:`OfflineMissError` for ``paths``."""
    where = (
        f"{', '.join(paths)} ({settings.language}) {'is' if len(paths) == 1 else 'are'} neither "
        f"in the cache ({settings.cache_dir}) nor bundled"
    )
    return f"{blocked.reason} and {where}. {blocked.advice}"


def blocked_by_settings(series_id: int, settings: Settings) -> Blocked | None:
    """Why nothing of ``series_id`` is fetched with these settings; None if fetching is allowed."""
    demo = " and ".join(str(i) for i in DEMO_SERIES_IDS)
    if series_id in DEMO_SERIES_IDS:
        return Blocked(
            f"series {series_id} is a bundled synthetic demo series, not on TMDB",
            "The package's bundled data is incomplete: reinstall credits-analysis.",
        )
    reason = settings.fetch_blocked()
    if reason is None:
        return None
    if settings.offline:
        advice = (
            "Turn it off (unset CREDITS_ANALYSIS_OFFLINE or pass offline=False) with "
            f"TMDB_API_TOKEN set to fetch once; the bundled demo series {demo} work offline."
        )
    else:
        advice = (
            "Set TMDB_API_TOKEN to your TMDB API Read Access Token (themoviedb.org > Settings > "
            f"API) to fetch, or load a bundled demo series: {demo}."
        )
    return Blocked(reason, advice)


class Bundled:
    """The data bundled with the package: generated demo series and a few real samples.

    Parameters
    ----------
    language
        The language asked for; entries not stored in it are served in their own.
    """

    def __init__(self, language: str) -> None:
        self.language = language
        self.demo_store = RawCache(data_dir() / "demo", read_only=True)

    def find(self, path: str, instead_of: TMDBError | None = None) -> Found | None:
        """The bundled payload of ``path``, in the language asked for if stored so, else its own.

        ``instead_of`` is the TMDB failure it stands in for, if any. None if nothing of
        ``path`` is bundled. Bundled data of a superseded path (a season's aggregate credits
        alone, as the recorded samples are) stands in for ``path``, as its
        :attr:`Payload.api_path` says.
        """
        candidates = (path, *superseded_paths(path))
        for candidate in candidates:
            for language in dict.fromkeys((self.language, DEMO_LANGUAGE)):
                entry = self.demo_store.read(candidate, language)
                if entry is not None:
                    return _from_entry(entry, "synthetic", instead_of)
        for candidate in candidates:
            sample = RECORDED_SAMPLES.get(candidate)
            if sample is not None:
                from credits_analysis import samples

                payload = samples.load(sample)
                return Payload(candidate, payload, "bundled", None, _SAMPLES_LANGUAGE, instead_of)
        return None


class Sources:
    """The cache, one TMDB client and the bundled data, shared by every series looked up.

    Use as ``async with Sources(settings) as sources: ...``; the client is opened on the first
    fetch (a load served from the cache never builds one) and closed on exit.

    Longer than most classes here because it is the one place where the order of sources, the
    time-to-live, stale stand-ins and the storing of responses meet; the bundled data is already
    its own :class:`Bundled`.

    Parameters
    ----------
    settings
        Cache folder, language, token and the client's limits.
    refresh
        Never use a cache entry, fresh or not.
    transport, retry
        Passed to :class:`~credits_analysis.tmdb.AsyncTMDBClient`.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        refresh: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.language = settings.language
        self.refresh = refresh
        self.cache = RawCache(settings.cache_dir)
        self.bundled = Bundled(settings.language)
        self._transport = transport
        self._retry = retry
        self._client: AsyncTMDBClient | None = None
        self._opening = asyncio.Lock()

    async def __aenter__(self) -> Sources:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.__aexit__(exc_type, exc, tb)

    def blocked(self, series_id: int) -> Blocked | None:
        """Why nothing of ``series_id`` is fetched; raises if ``refresh`` then cannot be honoured.

        Raises
        ------
        ConfigError
            ``refresh`` was asked for and fetching is not allowed.
        """
        blocked = blocked_by_settings(series_id, self.settings)
        if self.refresh and blocked is not None:
            raise ConfigError(f"refresh=True needs to fetch from TMDB, but {blocked.reason}")
        return blocked

    async def find(
        self,
        series_id: int,
        paths: list[str],
        *,
        ttl_of: Callable[[Found], timedelta],
        blocked: Blocked | None,
        ledger: Ledger,
        progress: bool | None = None,
    ) -> dict[str, Found]:
        """Each of ``paths`` from the first source that has it (see the module doc), in order.

        Parameters
        ----------
        series_id
            The series the paths belong to (the synthetic demo series never use the cache).
        paths
            API paths, each looked up once.
        ttl_of
            Time-to-live of a cached entry, given what it parsed to.
        blocked
            Why these paths are not fetched; None when fetching is allowed.
        ledger
            Notes the expired entries used and the requests made.
        progress
            Show a progress bar of the fetches; None shows one for two or more.

        Raises
        ------
        ConfigError
            A fetch was needed and the token is a v3 API key.
        """
        reads_cache = not (self.refresh or series_id in DEMO_SERIES_IDS)
        results: dict[str, Found] = {}
        expired: dict[str, tuple[CacheEntry, Found, timedelta]] = {}
        to_fetch: list[str] = []
        # Parsing the cached payloads builds millions of small containers (see _gc); the
        # collector resumes before any network wait.
        with paused_gc():
            for path in paths:
                entry = self._cached(path) if reads_cache else None
                if entry is not None:
                    cached = _from_entry(entry, "cache")
                    ttl = ttl_of(cached)
                    if entry.is_fresh(ttl):
                        logger.debug("cache hit %s (%s)", path, self.language)
                        results[path] = cached
                        continue
                    expired[path] = (entry, cached, ttl)
                if blocked is None:
                    to_fetch.append(path)
                elif path in expired:
                    results[path] = _stale(ledger, *expired[path], blocked.reason)
                else:
                    results[path] = self.bundled.find(path, blocked.cause) or blocked.missing(
                        path, self.settings
                    )
        if to_fetch:
            fetched = await self._fetch(series_id, to_fetch, ledger, progress)
            for path, response in fetched.items():
                if isinstance(response, TMDBResponse):
                    results[path] = Payload(
                        path, response.payload, "network", response.fetched_at, response.language
                    )
                elif isinstance(response, _TRANSIENT) and path in expired:
                    results[path] = _stale(ledger, *expired[path], f"TMDB failed: {response}")
                else:
                    results[path] = self.bundled.find(path, response) or response
        return {path: results[path] for path in paths}

    def _cached(self, path: str) -> CacheEntry | None:
        """The cache entry of ``path``, else of the first superseded path that has one."""
        for candidate in (path, *superseded_paths(path)):
            entry = self.cache.read(candidate, self.language)
            if entry is not None:
                return entry
        return None

    async def _fetch(
        self, series_id: int, paths: list[str], ledger: Ledger, progress: bool | None
    ) -> dict[str, TMDBResponse | TMDBError]:
        client = await self._open_client()
        bar = None
        if progress if progress is not None else len(paths) > 1:
            # Imported here: in a kernel without ipywidgets tqdm.auto warns on import, which
            # loads that never touch the network should not trigger.
            from tqdm.auto import tqdm

            bar = tqdm(total=len(paths), desc=f"TMDB series {series_id}", unit="request")

        def on_result(path: str, result: TMDBResponse | TMDBError) -> None:
            # Stored as each response arrives: a process killed mid-fetch keeps what it got.
            if isinstance(result, TMDBResponse):
                self.cache.keep(result)
            if bar is not None:
                bar.set_postfix_str("", refresh=False)
                bar.update()

        def on_attempt(path: str) -> None:
            ledger.requests += 1

        def on_wait(path: str, seconds: float, why: str) -> None:
            # A bar standing still for minutes looks hung; say what it waits for.
            if bar is not None:
                bar.set_postfix_str(f"waiting {seconds:.0f} s to retry ({why.split(',')[0]})")

        try:
            return await client.get_many(
                paths,
                language=self.language,
                on_result=on_result,
                on_wait=on_wait,
                on_attempt=on_attempt,
            )
        finally:
            if bar is not None:
                bar.close()

    async def _open_client(self) -> AsyncTMDBClient:
        async with self._opening:
            if self._client is None:
                client = AsyncTMDBClient(
                    self.settings, transport=self._transport, retry=self._retry
                )
                self._client = await client.__aenter__()
            return self._client


def _stale(ledger: Ledger, entry: CacheEntry, cached: Found, ttl: timedelta, reason: str) -> Found:
    ledger.stale.append(Stale(entry.api_path, entry.fetched_at, ttl, reason))
    return cached


def _from_entry(entry: CacheEntry, source: str, instead_of: TMDBError | None = None) -> Found:
    """The entry's payload, parsed once; a :class:`PayloadError` if it is not a JSON object."""
    try:
        payload = entry.payload()
    except PayloadError as exc:
        return exc
    if not isinstance(payload, dict):
        return PayloadError(f"{entry.path} holds a JSON {type(payload).__name__}, not an object")
    return Payload(entry.api_path, payload, source, entry.fetched_at, entry.language, instead_of)
