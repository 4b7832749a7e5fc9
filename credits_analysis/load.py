"""The one-line entry point: every season of a series as tidy tables.

Each response is looked up, in order, in the user cache (while fresh), on TMDB (when a token is
set and offline mode is off; the response is stored in the cache as received), then in the data
bundled with the package (the synthetic demo series and a few real single-season samples).
"""

from __future__ import annotations

import contextlib
import logging
import operator
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pandas as pd

from credits_analysis import tidy
from credits_analysis._resources import data_dir
from credits_analysis.cache import (
    CacheEntry,
    RawCache,
    details_path,
    season_credits_path,
    ttl_for_series,
)
from credits_analysis.config import Settings
from credits_analysis.demo import DEMO_SERIES, SYNTHETIC_KEY
from credits_analysis.errors import (
    AuthError,
    ConfigError,
    CreditsAnalysisError,
    NetworkError,
    NotFoundError,
    OfflineMissError,
    PartialLoadWarning,
    PayloadError,
    RateLimitedError,
    ServerError,
    StaleDataWarning,
    TMDBError,
)
from credits_analysis.schema import STRING
from credits_analysis.tmdb import AsyncTMDBClient, RetryPolicy, TMDBResponse, run_sync

__all__ = ["SeriesCredits", "load_series"]

logger = logging.getLogger(__name__)

#: Real recorded payloads reachable offline, by (API path, language); see data/samples/README.md.
#: The recording libraries request TMDB's default language, en-US; when they were fetched is not
#: recorded, so their ``fetched_at`` is NaT.
_SAMPLE_ENTRIES: Mapping[tuple[str, str], str] = {
    (details_path(1399), "en-US"): "tv-1399",
    (season_credits_path(1399, 1), "en-US"): "tv-1399-season-1-aggregate_credits",
    (details_path(1396), "en-US"): "tv-1396",
    (season_credits_path(1396, 1), "en-US"): "tv-1396-season-1-aggregate_credits",
}
# Failures after which an expired cache entry is better than nothing.
_TRANSIENT = (NetworkError, ServerError, RateLimitedError)


@dataclass(eq=False, repr=False)
class SeriesCredits:
    """Every loaded season of a series, as tidy tables, with the raw payloads they came from.

    Attributes
    ----------
    series_id : int
        The TMDB series id.
    name : str | None
        The series name from its details.
    language : str
        The ``language`` the payloads were requested in.
    details : dict
        The raw ``/tv/{series_id}`` payload.
    seasons : pandas.DataFrame
        One row per loaded season (see :func:`credits_analysis.tidy.seasons`), with the
        ``language``, ``fetched_at`` (NaT when unknown) and ``source`` (``network``, ``cache``
        or ``bundled``) of that season's credits.
    cast, crew : pandas.DataFrame
        The loaded seasons' :func:`~credits_analysis.tidy.cast_roles` and
        :func:`~credits_analysis.tidy.crew_jobs`, concatenated; empty with every column when no
        season loaded.
    payloads : dict[int, dict]
        Season number to its raw aggregate-credits payload.
    failures : dict[int, Exception]
        Season number to the error that kept it out (empty when everything loaded).
    is_synthetic : bool
        True for generated data (the bundled demo series), never for TMDB's.
    """

    series_id: int
    name: str | None
    language: str
    details: dict[str, Any]
    seasons: pd.DataFrame
    cast: pd.DataFrame
    crew: pd.DataFrame
    payloads: dict[int, dict[str, Any]] = field(default_factory=dict)
    failures: dict[int, Exception] = field(default_factory=dict)
    is_synthetic: bool = False

    def __repr__(self) -> str:
        sources = self.seasons["source"].value_counts(dropna=False).to_dict()
        failed = {n: type(exc).__name__ for n, exc in self.failures.items()}
        return (
            f"SeriesCredits(series_id={self.series_id}, name={self.name!r}, "
            f"language={self.language!r}, seasons={list(self.payloads)}, "
            f"cast={len(self.cast)} rows, crew={len(self.crew)} rows, sources={sources}, "
            f"failures={failed}, is_synthetic={self.is_synthetic})"
        )


def load_series(
    series_id: int,
    seasons: int | Iterable[int] | None = None,
    *,
    language: str | None = None,
    include_specials: bool = False,
    offline: bool | None = None,
    refresh: bool = False,
    settings: Settings | None = None,
    progress: bool | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    retry: RetryPolicy | None = None,
) -> SeriesCredits:
    """Load a series' details and the aggregate credits of its seasons as tidy tables.

    Works in scripts and in notebooks (inside a running event loop) alike.

    Parameters
    ----------
    series_id
        TMDB series id (the number in ``themoviedb.org/tv/1399-...``). The bundled synthetic
        demo series are 9000001 and 9000002.
    seasons
        None for every season the details list (Specials, season 0, only with
        ``include_specials``), a season number, or several. Numbers are those of the details'
        ``seasons[]``, gaps and all, never a range.
    language
        TMDB ``language`` parameter; default ``settings.language`` (``en-US`` unless
        ``CREDITS_ANALYSIS_LANGUAGE`` says otherwise). Part of the cache key.
    include_specials
        With ``seasons=None``, include season 0.
    offline
        Never touch the network; default ``settings.offline`` (``CREDITS_ANALYSIS_OFFLINE``).
    refresh
        Fetch from TMDB even when the cache holds a fresh copy (needs a token and the network).
    settings
        Default :meth:`Settings.from_env`; ``language`` and ``offline`` override it.
    progress
        Show a progress bar: None shows one when two or more seasons come from the network.
    transport, retry
        Passed to :class:`~credits_analysis.tmdb.AsyncTMDBClient` (an httpx transport for
        tests or proxies; backoff timings).

    Returns
    -------
    SeriesCredits
        ``.seasons``, ``.cast``, ``.crew`` (columns in :mod:`credits_analysis.tidy`), the raw
        ``.details`` and ``.payloads``, and ``.failures``.

    Raises
    ------
    OfflineMissError
        The details, or every requested season, are neither cached nor bundled and fetching is
        not allowed (offline, or no token: the message says to set ``TMDB_API_TOKEN``);
        ``.missing`` lists the API paths.
    NotFoundError
        No such series, or no requested season is listed in its details.
    AuthError, ConfigError
        The token was rejected, or is missing or a v3 API key when a fetch was needed.
    TMDBError, PayloadError
        The details failed, or every requested season failed (the first season's error).
    TypeError, ValueError
        ``seasons`` is not an int or a collection of non-negative ints.

    Notes
    -----
    **Partial failure loses nothing.** When some seasons fail (404, retries exhausted, a payload
    that does not parse, a season not listed in the details, a season neither cached nor
    bundled offline) and others load, the loaded ones are returned (and stay cached), one
    :class:`~credits_analysis.errors.PartialLoadWarning` names the failed seasons, and
    ``SeriesCredits.failures`` maps each to its exception. When the details fail, every
    requested season fails, or the token is rejected, the error is raised instead; it then
    carries ``.partial``, a :class:`SeriesCredits` with whatever did load (the details, if
    they did, and the failures).

    A cache entry past its time-to-live (short for series in production, long for ended ones;
    see :func:`credits_analysis.cache.ttl_for_series`) is still used, with a
    :class:`StaleDataWarning`, when fetching is not allowed or TMDB keeps failing.
    """
    settings = (settings or Settings.from_env()).with_overrides(language=language, offline=offline)
    wanted = _season_numbers(seasons)
    loader = _Loader(
        int(series_id),
        settings,
        refresh=refresh,
        progress=progress,
        transport=transport,
        retry=retry,
    )
    gathered = run_sync(loader.gather(wanted, include_specials=include_specials))
    # Parsing and warnings happen here, in the caller's thread (run_sync may have used a worker
    # thread), so notebooks show the warnings with the cell and the caller's filters apply.
    if loader.stale:
        warnings.warn(_stale_message(loader.stale), StaleDataWarning, stacklevel=2)
    return _assemble(gathered, settings)


# Internal records carry whole payloads: no repr, since asyncio.run formats the repr of the
# coroutine's result when it restores its SIGINT handler (CPython 3.11), which took longer than
# parsing the payloads.
@dataclass(frozen=True, repr=False)
class _Found:
    """A payload and where it came from."""

    payload: dict[str, Any]
    source: str
    fetched_at: datetime | None


@dataclass(frozen=True, repr=False)
class _Gathered:
    series_id: int
    details: _Found
    numbers: list[int]
    seasons: dict[int, _Found | CreditsAnalysisError]


@dataclass(frozen=True)
class _Stale:
    entry: CacheEntry
    ttl: timedelta
    reason: str


class _Loader:
    """Finds each payload in the cache, on TMDB or in the bundled data (see the module doc)."""

    def __init__(
        self,
        series_id: int,
        settings: Settings,
        *,
        refresh: bool,
        progress: bool | None,
        transport: httpx.AsyncBaseTransport | None,
        retry: RetryPolicy | None,
    ) -> None:
        self.series_id = series_id
        self.settings = settings
        self.language = settings.language
        self.cache = RawCache(settings.cache_dir)
        self.bundled = RawCache(data_dir() / "demo", read_only=True)
        self.refresh = refresh
        self.progress = progress
        self.transport = transport
        self.retry = retry
        self.can_fetch = bool(settings.token) and not settings.offline
        self.stale: list[_Stale] = []
        if refresh and not self.can_fetch:
            raise ConfigError(
                "refresh=True needs to fetch from TMDB, but "
                + ("offline mode is on" if settings.offline else "no TMDB_API_TOKEN is set")
            )
        self._client: AsyncTMDBClient | None = None
        self._stack: contextlib.AsyncExitStack | None = None

    async def gather(self, wanted: list[int] | None, *, include_specials: bool) -> _Gathered:
        async with contextlib.AsyncExitStack() as stack:
            self._stack = stack
            path = details_path(self.series_id)
            found = (await self._resolve([path], lambda entry: _own_ttl(entry, self.settings)))[
                path
            ]
            if isinstance(found, CreditsAnalysisError):
                raise found
            details = _checked_details(found.payload, self.series_id)
            listed = [s["season_number"] for s in details["seasons"]]
            if wanted is None:
                numbers = [n for n in listed if n != 0 or include_specials]
            else:
                numbers = [n for n in listed if n in wanted]
                numbers += [n for n in wanted if n not in listed]
            seasons: dict[int, _Found | CreditsAnalysisError] = {
                n: NotFoundError(
                    f"season {n} is not listed in the details of series {self.series_id} "
                    f"({details.get('name')!r}); its seasons are {listed}."
                )
                for n in numbers
                if n not in listed
            }
            paths = {season_credits_path(self.series_id, n): n for n in numbers if n not in seasons}
            ttl = ttl_for_series(details, self.settings)
            # A series known only to the bundled data is not on TMDB: do not ask for its seasons.
            by_path = await self._resolve(
                list(paths), lambda entry: ttl, network=found.source != "bundled"
            )
            seasons.update({paths[path]: result for path, result in by_path.items()})
        return _Gathered(self.series_id, found, numbers, seasons)

    async def _resolve(
        self,
        paths: list[str],
        ttl_of: Callable[[CacheEntry], timedelta],
        *,
        network: bool = True,
    ) -> dict[str, _Found | CreditsAnalysisError]:
        results: dict[str, _Found | CreditsAnalysisError] = {}
        expired: dict[str, _Stale] = {}
        to_fetch: list[str] = []
        for path in paths:
            entry = None if self.refresh else self.cache.read(path, self.language)
            if entry is not None:
                ttl = ttl_of(entry)
                if entry.is_fresh(ttl):
                    logger.debug("cache hit %s (%s)", path, self.language)
                    results[path] = _from_entry(entry, "cache")
                    continue
                reason = (
                    "offline mode is on" if self.settings.offline else "no TMDB_API_TOKEN is set"
                )
                expired[path] = _Stale(entry, ttl, reason)
            if self.can_fetch and network:
                to_fetch.append(path)
            elif path in expired:
                self.stale.append(expired[path])
                results[path] = _from_entry(expired[path].entry, "cache")
            else:
                results[path] = self._bundled(path) or self._miss(path)
        fetched = await self._fetch(to_fetch) if to_fetch else {}
        for path, result in fetched.items():
            if isinstance(result, TMDBResponse):
                results[path] = _Found(result.payload, "network", result.fetched_at)
            elif isinstance(result, _TRANSIENT) and path in expired:
                stale = expired[path]
                self.stale.append(_Stale(stale.entry, stale.ttl, f"TMDB failed: {result}"))
                results[path] = _from_entry(stale.entry, "cache")
            elif isinstance(result, NotFoundError):
                results[path] = self._bundled(path) or result
            else:
                results[path] = result
        return {path: results[path] for path in paths}

    async def _fetch(self, paths: list[str]) -> dict[str, TMDBResponse | TMDBError]:
        assert self._stack is not None, "only called within gather()"
        if self._client is None:
            self._client = await self._stack.enter_async_context(
                AsyncTMDBClient(self.settings, transport=self.transport, retry=self.retry)
            )
        show = self.progress if self.progress is not None else len(paths) > 1
        bar = None
        if show:
            # Imported here: in a kernel without ipywidgets tqdm.auto warns on import, which
            # loads that never touch the network should not trigger.
            from tqdm.auto import tqdm

            bar = self._stack.enter_context(
                tqdm(total=len(paths), desc=f"TMDB series {self.series_id}", unit="request")
            )

        def on_result(path: str, result: TMDBResponse | TMDBError) -> None:
            # Stored as each response arrives: a process killed mid-fetch keeps what it got.
            if isinstance(result, TMDBResponse):
                self._store(result)
            if bar is not None:
                bar.update()

        return await self._client.get_many(paths, language=self.language, on_result=on_result)

    def _store(self, response: TMDBResponse) -> None:
        try:
            self.cache.write(
                response.api_path,
                response.language,
                response.body,
                url=response.url,
                status=response.status,
                fetched_at=response.fetched_at,
            )
        except OSError as exc:
            # The data is in hand; an unwritable cache costs a re-fetch next time, not this load.
            logger.warning("could not cache %s in %s: %s", response.api_path, self.cache.root, exc)

    def _bundled(self, path: str) -> _Found | None:
        entry = self.bundled.read(path, self.language)
        if entry is not None:
            return _from_entry(entry, "bundled")
        sample = _SAMPLE_ENTRIES.get((path, self.language))
        if sample is None:
            return None
        from credits_analysis import samples

        return _Found(samples.load(sample), "bundled", None)

    def _miss(self, path: str) -> OfflineMissError:
        return OfflineMissError(_miss_message([path], self.settings), missing=[path])


def _miss_message(paths: list[str], settings: Settings) -> str:
    where = (
        f"{', '.join(paths)} ({settings.language}) {'is' if len(paths) == 1 else 'are'} neither "
        f"in the cache ({settings.cache_dir}) nor bundled"
    )
    demo = " and ".join(str(i) for i in DEMO_SERIES)
    if settings.offline:
        return (
            f"offline mode is on and {where}. Turn it off (unset CREDITS_ANALYSIS_OFFLINE or pass "
            f"offline=False) with TMDB_API_TOKEN set to fetch once; the bundled demo series "
            f"{demo} work offline."
        )
    return (
        f"no TMDB_API_TOKEN is set and {where}. Set TMDB_API_TOKEN to your TMDB API Read Access "
        f"Token (themoviedb.org > Settings > API) to fetch, or load a bundled demo series: {demo}."
    )


def _from_entry(entry: CacheEntry, source: str) -> _Found | CreditsAnalysisError:
    try:
        payload = entry.payload()
    except PayloadError as exc:
        return exc
    if not isinstance(payload, dict):
        return PayloadError(f"{entry.path} holds a JSON {type(payload).__name__}, not an object")
    return _Found(payload, source, entry.fetched_at)


def _own_ttl(entry: CacheEntry, settings: Settings) -> timedelta:
    """Time-to-live of a cached details payload, which says itself whether the series is running."""
    try:
        payload = entry.payload()
    except PayloadError:
        return timedelta(0)
    return ttl_for_series(payload if isinstance(payload, dict) else {}, settings)


def _checked_details(details: dict[str, Any], series_id: int) -> dict[str, Any]:
    tidy.seasons(details)  # raises PayloadError naming what is wrong
    if details["id"] != series_id:
        raise PayloadError(
            f"the details served for series {series_id} are those of series {details['id']}"
        )
    return details


def _season_numbers(seasons: int | Iterable[int] | None) -> list[int] | None:
    if seasons is None:
        return None
    if isinstance(seasons, bool | str | bytes):
        raise TypeError(f"seasons must be None, an int or ints, got {seasons!r}")
    try:
        numbers = [operator.index(seasons)]  # type: ignore[arg-type]
    except TypeError:
        try:
            numbers = [operator.index(n) for n in seasons]  # type: ignore[union-attr]
        except TypeError:
            raise TypeError(f"seasons must be None, an int or ints, got {seasons!r}") from None
    if not numbers or min(numbers) < 0:
        raise ValueError(f"seasons must be non-negative season numbers, got {seasons!r}")
    return list(dict.fromkeys(numbers))


def _assemble(gathered: _Gathered, settings: Settings) -> SeriesCredits:
    details = gathered.details.payload
    failures: dict[int, Exception] = {}
    loaded: dict[int, _Found] = {}
    for n in gathered.numbers:
        result = gathered.seasons[n]
        if isinstance(result, Exception):
            failures[n] = result
        else:
            loaded[n] = result
    cast, crew, unparsed = _parse(loaded, gathered.series_id)
    for n, exc in unparsed.items():
        failures[n] = PayloadError(
            f"season {n} ({loaded.pop(n).source}) does not parse: {exc}. Reload it with "
            "refresh=True, or delete it with `credits-analysis cache clear`."
        )
        failures[n].__cause__ = exc
    failures = {n: failures[n] for n in gathered.numbers if n in failures}
    table = tidy.seasons(details, language=settings.language)
    table = table[table["season_number"].isin(list(loaded))].reset_index(drop=True)
    table["fetched_at"] = pd.Series(
        [loaded[n].fetched_at for n in table["season_number"]], dtype="datetime64[us, UTC]"
    )
    table["source"] = pd.array([loaded[n].source for n in table["season_number"]], dtype=STRING)
    result = SeriesCredits(
        series_id=gathered.series_id,
        name=details.get("name"),
        language=settings.language,
        details=details,
        seasons=table,
        cast=cast,
        crew=crew,
        payloads={n: found.payload for n, found in loaded.items()},
        failures=failures,
        is_synthetic=details.get(SYNTHETIC_KEY) is True,
    )
    auth = next((e for e in failures.values() if isinstance(e, AuthError)), None)
    if auth is not None or (gathered.numbers and not loaded):
        raise _fatal(auth, result, settings)
    if failures:
        warnings.warn(_partial_message(result), PartialLoadWarning, stacklevel=3)
    return result


def _fatal(auth: AuthError | None, result: SeriesCredits, settings: Settings) -> Exception:
    failures = result.failures
    error: Exception
    misses = [e for e in failures.values() if isinstance(e, OfflineMissError)]
    if auth is None and len(misses) == len(failures):
        missing = [path for miss in misses for path in miss.missing]
        error = OfflineMissError(_miss_message(missing, settings), missing=missing)
    else:
        error = auth or next(iter(failures.values()))
        error.add_note(
            f"seasons that failed: {_failure_summary(failures)}; loaded: {list(result.payloads)}"
        )
    error.partial = result  # type: ignore[attr-defined]
    return error


def _partial_message(result: SeriesCredits) -> str:
    return (
        f"{len(result.failures)} of {len(result.failures) + len(result.payloads)} seasons of "
        f"series {result.series_id} ({result.name!r}) failed to load: "
        f"{_failure_summary(result.failures)}. The other seasons loaded (see .failures)."
    )


def _failure_summary(failures: Mapping[int, Exception]) -> str:
    return "; ".join(
        f"season {n}: {type(e).__name__}: {str(e).rstrip('.')}" for n, e in failures.items()
    )


def _stale_message(stale: list[_Stale]) -> str:
    now = datetime.now(UTC)
    oldest = max(stale, key=lambda s: s.entry.age(now))
    days = oldest.entry.age(now).total_seconds() / 86400
    return (
        f"using {len(stale)} expired cache entr{'y' if len(stale) == 1 else 'ies'} "
        f"({', '.join(s.entry.api_path for s in stale)}); the oldest was fetched {days:.1f} "
        f"days ago (time-to-live {oldest.ttl.total_seconds() / 86400:g} days) and could not be "
        f"refreshed because {oldest.reason}."
    )


def _parse(
    loaded: Mapping[int, _Found], series_id: int
) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, PayloadError]]:
    """Cast and crew of every loaded season, and the seasons whose payload does not parse.

    The whole series is converted in one pass; only when that fails is each season parsed
    alone, to keep the good ones and name the bad.
    """
    payloads = {n: found.payload for n, found in loaded.items()}
    failed: dict[int, PayloadError] = {}
    try:
        return (
            tidy.cast_roles_by_season(payloads, series_id=series_id),
            tidy.crew_jobs_by_season(payloads, series_id=series_id),
            failed,
        )
    except PayloadError:
        for n, payload in payloads.items():
            try:
                tidy.cast_roles(payload, series_id=series_id, season_number=n)
                tidy.crew_jobs(payload, series_id=series_id, season_number=n)
            except PayloadError as exc:
                failed[n] = exc
    good = {n: p for n, p in payloads.items() if n not in failed}
    return (
        tidy.cast_roles_by_season(good, series_id=series_id),
        tidy.crew_jobs_by_season(good, series_id=series_id),
        failed,
    )
