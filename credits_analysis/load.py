"""The one-line entry point: every season of a series as tidy tables.

The bundled synthetic demo series (:data:`~credits_analysis._bundled.DEMO_SERIES_IDS`) come from
the data bundled with the package alone: they are not on TMDB and are never cached.

Any other response is looked up, in order, in the user cache (while fresh), on TMDB (when a token
is set and offline mode is off; the response is stored in the cache as received), then in the
bundled data (a few real single-season samples). When TMDB fails, an expired cache entry stands
in for a transient failure (timeouts, 5xx, 429) and bundled data for any failure, each with a
:class:`~credits_analysis.errors.StaleDataWarning` saying why; once the details failed, the
seasons are not asked for.

Bundled entries are served in the language asked for when bundled in it, else in their own (the
demo series exist in ``en-US`` only); ``SeriesCredits.seasons["language"]`` records which.
"""

from __future__ import annotations

import contextlib
import functools
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
from credits_analysis._bundled import DEMO_LANGUAGE, DEMO_SERIES_IDS, SYNTHETIC_KEY
from credits_analysis._resources import data_dir
from credits_analysis.cache import (
    CacheEntry,
    RawCache,
    details_path,
    season_credits_path,
    ttl_for_series,
)
from credits_analysis.config import Settings
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
from credits_analysis.schema import CAST_COLUMNS, CREW_COLUMNS, SEASON_COLUMNS, empty_frame
from credits_analysis.tmdb import AsyncTMDBClient, RetryPolicy, TMDBResponse, run_sync

__all__ = ["SeriesCredits", "load_series"]

logger = logging.getLogger(__name__)

#: Real recorded payloads reachable offline, by API path; see data/samples/README.md. When they
#: were fetched is not recorded, so their ``fetched_at`` is NaT.
_SAMPLES: Mapping[str, str] = {
    details_path(1399): "tv-1399",
    season_credits_path(1399, 1): "tv-1399-season-1-aggregate_credits",
    details_path(1396): "tv-1396",
    season_credits_path(1396, 1): "tv-1396-season-1-aggregate_credits",
}
#: The recording libraries request TMDB's default language.
_SAMPLES_LANGUAGE = "en-US"
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
        The language the details were served in: the one asked for, unless bundled data in
        another language stood in (the demo series exist in ``en-US`` only).
    details : dict | None
        The raw ``/tv/{series_id}`` payload; None only in the ``.partial`` of an error raised
        because the details failed.
    seasons : pandas.DataFrame
        One row per loaded season (see :func:`credits_analysis.tidy.seasons`), with the
        ``language`` it was served in, the ``fetched_at`` (NaT when unknown) and the ``source``
        (``network``, ``cache``, ``bundled`` for the real samples shipped with the package, or
        ``synthetic`` for the generated demo series) of that season's credits.
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
    details: dict[str, Any] | None
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
        demo series, 9000001 and 9000002, are served from the bundled data, with or without a
        token.
    seasons
        None for every season the details list (Specials, season 0, only with
        ``include_specials``), a season number, or several. Numbers are those of the details'
        ``seasons[]``, gaps and all, never a range.
    language
        TMDB ``language`` parameter; default ``settings.language`` (``en-US`` unless
        ``CREDITS_ANALYSIS_LANGUAGE`` says otherwise). Part of the cache key. Bundled data
        not stored in it is served in its own language (see ``SeriesCredits.language``).
    include_specials
        With ``seasons=None``, include season 0.
    offline
        Never touch the network; default ``settings.offline`` (``CREDITS_ANALYSIS_OFFLINE``).
    refresh
        Fetch from TMDB even when the cache holds a fresh copy (needs a token and the network;
        never possible for the demo series).
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
    AuthError
        The token was rejected, for the details or any season that no bundled data replaces.
    TMDBError, PayloadError
        The details failed, or every requested season failed (the first season's error).
    ConfigError
        The token is missing or a v3 API key when a fetch was needed, or ``refresh`` cannot
        fetch; raised as soon as that is known, without ``.partial``.
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
    they did, else None, and the failures).

    A cache entry past its time-to-live (short for series in production, long for ended ones;
    see :func:`credits_analysis.cache.ttl_for_series`) is still used, with a
    :class:`StaleDataWarning`, when fetching is not allowed or TMDB keeps failing. Bundled data
    stands in, with the same warning, for whatever TMDB failed to serve.
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
    stand_ins = gathered.stand_ins()
    if stand_ins:
        warnings.warn(_stand_in_message(stand_ins), StaleDataWarning, stacklevel=2)
    return _assemble(gathered, settings)


# Internal records carry whole payloads: no repr, since asyncio.run formats the repr of the
# coroutine's result when it restores its SIGINT handler (CPython 3.11), which took longer than
# parsing the payloads.
@dataclass(frozen=True, repr=False)
class _Found:
    """A payload, where it came from, and the TMDB failure it stands in for, if any."""

    api_path: str
    payload: dict[str, Any]
    source: str
    fetched_at: datetime | None
    language: str
    instead_of: TMDBError | None = None


@dataclass(frozen=True, repr=False)
class _Gathered:
    series_id: int
    details: _Found | CreditsAnalysisError
    numbers: list[int]
    seasons: dict[int, _Found | CreditsAnalysisError]
    #: Why the seasons were not fetched, when they were not.
    blocked: _Blocked | None
    #: :func:`tidy.seasons` of the details, parsed once, when they were checked.
    listed: pd.DataFrame

    def stand_ins(self) -> list[_Found]:
        """The bundled payloads served in place of what TMDB failed to serve."""
        found = [self.details, *self.seasons.values()]
        return [f for f in found if isinstance(f, _Found) and f.instead_of is not None]


@dataclass(frozen=True)
class _Stale:
    entry: CacheEntry
    ttl: timedelta
    reason: str


@dataclass(frozen=True)
class _Blocked:
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
        if self.cause is None:
            return OfflineMissError(_miss_message([path], settings, self), missing=[path])
        error = type(self.cause)(
            f"{path} was not requested, since {self.reason}",
            status=self.cause.status,
            tmdb_code=self.cause.tmdb_code,
        )
        error.__cause__ = self.cause
        return error


def _blocked_by_settings(series_id: int, settings: Settings) -> _Blocked | None:
    demo = " and ".join(str(i) for i in DEMO_SERIES_IDS)
    if series_id in DEMO_SERIES_IDS:
        return _Blocked(
            f"series {series_id} is a bundled synthetic demo series, not on TMDB",
            "The package's bundled data is incomplete: reinstall credits-analysis.",
        )
    if settings.offline:
        return _Blocked(
            "offline mode is on",
            "Turn it off (unset CREDITS_ANALYSIS_OFFLINE or pass offline=False) with "
            f"TMDB_API_TOKEN set to fetch once; the bundled demo series {demo} work offline.",
        )
    if not settings.token:
        return _Blocked(
            "no TMDB_API_TOKEN is set",
            "Set TMDB_API_TOKEN to your TMDB API Read Access Token (themoviedb.org > Settings > "
            f"API) to fetch, or load a bundled demo series: {demo}.",
        )
    return None


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
        # The demo series are synthetic: never on TMDB, so never fetched nor cached.
        self.reads_cache = not (refresh or series_id in DEMO_SERIES_IDS)
        #: Why nothing is fetched in this load; None when fetching is allowed.
        self.blocked = _blocked_by_settings(series_id, settings)
        self.stale: list[_Stale] = []
        if refresh and self.blocked is not None:
            raise ConfigError(f"refresh=True needs to fetch from TMDB, but {self.blocked.reason}")
        self._client: AsyncTMDBClient | None = None
        self._stack: contextlib.AsyncExitStack | None = None

    async def gather(self, wanted: list[int] | None, *, include_specials: bool) -> _Gathered:
        async with contextlib.AsyncExitStack() as stack:
            self._stack = stack
            checked = await self._details()
            if isinstance(checked, CreditsAnalysisError):
                no_seasons = empty_frame(SEASON_COLUMNS)
                return _Gathered(self.series_id, checked, [], {}, self.blocked, no_seasons)
            details, listed = checked
            numbers, seasons = _season_plan(details.payload, wanted, include_specials)
            paths = {season_credits_path(self.series_id, n): n for n in numbers if n not in seasons}
            ttl = ttl_for_series(details.payload, self.settings)
            blocked = self._blocked_after(details)
            by_path = await self._resolve(list(paths), lambda entry: ttl, blocked)
        seasons.update({paths[path]: result for path, result in by_path.items()})
        return _Gathered(self.series_id, details, numbers, seasons, blocked, listed)

    async def _details(self) -> tuple[_Found, pd.DataFrame] | CreditsAnalysisError:
        """The series details and their seasons table, or why they cannot be had."""
        path = details_path(self.series_id)
        ttl_of = functools.partial(_own_ttl, settings=self.settings)
        found = (await self._resolve([path], ttl_of, self.blocked))[path]
        if not isinstance(found, _Found):
            return found
        try:
            return found, _listed_seasons(found.payload, self.series_id)
        except PayloadError as exc:
            return exc

    def _blocked_after(self, details: _Found) -> _Blocked | None:
        """Why the seasons are not fetched, given how the details were found."""
        if details.instead_of is not None:
            # Asking again would fail again (or retry for as long): no season is requested.
            return _Blocked(
                f"TMDB failed for the series details: {details.instead_of}",
                cause=details.instead_of,
            )
        return self.blocked

    async def _resolve(
        self,
        paths: list[str],
        ttl_of: Callable[[CacheEntry], timedelta],
        blocked: _Blocked | None,
    ) -> dict[str, _Found | CreditsAnalysisError]:
        results: dict[str, _Found | CreditsAnalysisError] = {}
        expired: dict[str, tuple[CacheEntry, timedelta]] = {}
        to_fetch: list[str] = []
        for path in paths:
            entry = self.cache.read(path, self.language) if self.reads_cache else None
            if entry is not None:
                ttl = ttl_of(entry)
                if entry.is_fresh(ttl):
                    logger.debug("cache hit %s (%s)", path, self.language)
                    results[path] = _from_entry(entry, "cache")
                    continue
                expired[path] = (entry, ttl)
            if blocked is None:
                to_fetch.append(path)
            elif path in expired:
                results[path] = self._stale(*expired[path], blocked.reason)
            else:
                results[path] = self._bundled(path, blocked.cause) or blocked.missing(
                    path, self.settings
                )
        fetched = await self._fetch(to_fetch) if to_fetch else {}
        for path, result in fetched.items():
            if isinstance(result, TMDBResponse):
                results[path] = _Found(
                    path, result.payload, "network", result.fetched_at, result.language
                )
            else:
                results[path] = self._instead(path, result, expired.get(path))
        return {path: results[path] for path in paths}

    def _instead(
        self, path: str, error: TMDBError, expired: tuple[CacheEntry, timedelta] | None
    ) -> _Found | CreditsAnalysisError:
        """What stands in for TMDB's answer to ``path`` when fetching it failed with ``error``."""
        if isinstance(error, _TRANSIENT) and expired is not None:
            return self._stale(*expired, f"TMDB failed: {error}")
        return self._bundled(path, error) or error

    def _stale(
        self, entry: CacheEntry, ttl: timedelta, reason: str
    ) -> _Found | CreditsAnalysisError:
        self.stale.append(_Stale(entry, ttl, reason))
        return _from_entry(entry, "cache")

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
                bar.set_postfix_str("", refresh=False)
                bar.update()

        def on_wait(path: str, seconds: float, why: str) -> None:
            # A bar standing still for minutes looks hung; say what it waits for.
            if bar is not None:
                bar.set_postfix_str(f"waiting {seconds:.0f} s to retry ({why.split(',')[0]})")

        return await self._client.get_many(
            paths, language=self.language, on_result=on_result, on_wait=on_wait
        )

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

    def _bundled(
        self, path: str, instead_of: TMDBError | None = None
    ) -> _Found | CreditsAnalysisError | None:
        """The bundled payload of ``path``: in the language asked for if bundled so, else its own.

        ``instead_of`` is the TMDB failure it stands in for, if any.
        """
        for language in dict.fromkeys((self.language, DEMO_LANGUAGE)):
            entry = self.bundled.read(path, language)
            if entry is not None:
                return _from_entry(entry, "bundled", instead_of)
        sample = _SAMPLES.get(path)
        if sample is None:
            return None
        from credits_analysis import samples

        payload = samples.load(sample)
        return _Found(path, payload, "bundled", None, _SAMPLES_LANGUAGE, instead_of)


def _miss_message(paths: list[str], settings: Settings, blocked: _Blocked) -> str:
    where = (
        f"{', '.join(paths)} ({settings.language}) {'is' if len(paths) == 1 else 'are'} neither "
        f"in the cache ({settings.cache_dir}) nor bundled"
    )
    return f"{blocked.reason} and {where}. {blocked.advice}"


def _from_entry(
    entry: CacheEntry, source: str, instead_of: TMDBError | None = None
) -> _Found | CreditsAnalysisError:
    try:
        payload = entry.payload()
    except PayloadError as exc:
        return exc
    if not isinstance(payload, dict):
        return PayloadError(f"{entry.path} holds a JSON {type(payload).__name__}, not an object")
    return _Found(entry.api_path, payload, source, entry.fetched_at, entry.language, instead_of)


def _own_ttl(entry: CacheEntry, settings: Settings) -> timedelta:
    """Time-to-live of a cached details payload, which says itself whether the series is running."""
    try:
        payload = entry.payload()
    except PayloadError:
        return timedelta(0)
    return ttl_for_series(payload if isinstance(payload, dict) else {}, settings)


def _listed_seasons(details: dict[str, Any], series_id: int) -> pd.DataFrame:
    """:func:`tidy.seasons` of the details, which also checks their shape, and their series."""
    listed = tidy.seasons(details)  # raises PayloadError naming what is wrong
    if details["id"] != series_id:
        raise PayloadError(
            f"the details served for series {series_id} are those of series {details['id']}"
        )
    return listed


def _season_plan(
    details: dict[str, Any], wanted: list[int] | None, include_specials: bool
) -> tuple[list[int], dict[int, _Found | CreditsAnalysisError]]:
    """The season numbers to load, and a NotFoundError for each one the details do not list."""
    listed = [s["season_number"] for s in details["seasons"]]
    if wanted is None:
        numbers = [n for n in listed if n != 0 or include_specials]
    else:
        numbers = [n for n in listed if n in wanted]
        numbers += [n for n in wanted if n not in listed]
    unlisted: dict[int, _Found | CreditsAnalysisError] = {
        n: NotFoundError(
            f"season {n} is not listed in the details of series {details['id']} "
            f"({details.get('name')!r}); its seasons are {listed}."
        )
        for n in numbers
        if n not in listed
    }
    return numbers, unlisted


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
    found = gathered.details
    if isinstance(found, CreditsAnalysisError):
        found.partial = _nothing_loaded(gathered.series_id, settings)  # type: ignore[attr-defined]
        raise found
    details = found.payload
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
    result = SeriesCredits(
        series_id=gathered.series_id,
        name=details.get("name"),
        language=found.language,
        details=details,
        seasons=_season_table(gathered.listed, details, loaded),
        cast=cast,
        crew=crew,
        payloads={n: found.payload for n, found in loaded.items()},
        failures=failures,
        is_synthetic=details.get(SYNTHETIC_KEY) is True,
    )
    auth = next((e for e in failures.values() if isinstance(e, AuthError)), None)
    if auth is not None or (gathered.numbers and not loaded):
        raise _fatal(auth, result, settings, gathered.blocked)
    if failures:
        warnings.warn(_partial_message(result), PartialLoadWarning, stacklevel=3)
    return result


def _season_table(
    listed: pd.DataFrame, details: dict[str, Any], loaded: Mapping[int, _Found]
) -> pd.DataFrame:
    """The ``listed`` seasons that loaded, each with where its credits came from."""
    table = listed[listed["season_number"].isin(list(loaded))].reset_index(drop=True)
    for column in ("language", "fetched_at", "source"):
        values = [getattr(loaded[n], column) for n in table["season_number"]]
        table[column] = pd.array(values, dtype=SEASON_COLUMNS[column])
    if details.get(SYNTHETIC_KEY) is True:
        # Generated data says so in every table it reaches, not only in the series name.
        table["source"] = table["source"].replace("bundled", "synthetic")
    return table


def _nothing_loaded(series_id: int, settings: Settings) -> SeriesCredits:
    """The ``.partial`` of an error raised because the details failed."""
    return SeriesCredits(
        series_id=series_id,
        name=None,
        language=settings.language,
        details=None,
        seasons=empty_frame(SEASON_COLUMNS),
        cast=empty_frame(CAST_COLUMNS),
        crew=empty_frame(CREW_COLUMNS),
    )


def _fatal(
    auth: AuthError | None, result: SeriesCredits, settings: Settings, blocked: _Blocked | None
) -> Exception:
    failures = result.failures
    error: Exception
    misses = [e for e in failures.values() if isinstance(e, OfflineMissError)]
    if auth is None and blocked is not None and len(misses) == len(failures):
        missing = [path for miss in misses for path in miss.missing]
        error = OfflineMissError(_miss_message(missing, settings, blocked), missing=missing)
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


def _stand_in_message(stand_ins: list[_Found]) -> str:
    paths = ", ".join(f.api_path for f in stand_ins)
    languages = ", ".join(dict.fromkeys(f.language for f in stand_ins))
    causes = "; ".join(
        dict.fromkeys(f"{type(f.instead_of).__name__}: {f.instead_of}" for f in stand_ins)
    )
    return (
        f"using the data bundled with the package ({languages}) for {paths}, since TMDB "
        f"failed: {causes}"
    )


def _parse(
    loaded: Mapping[int, _Found], series_id: int
) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, PayloadError]]:
    """Cast and crew of every loaded season, and the seasons whose payload does not parse.

    The whole series is converted in one pass; only when that fails is each season parsed
    alone, to name the bad ones, and the good ones converted again. Warnings (unknown gender
    codes) are held back until the conversion that is kept, so each is given once, at the
    caller of :func:`load_series`.
    """
    payloads = {n: found.payload for n, found in loaded.items()}
    failed: dict[int, PayloadError] = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            cast, crew = _cast_and_crew(payloads, series_id)
        except PayloadError:
            failed = _unparsed(payloads, series_id)
            caught.clear()
            good = {n: p for n, p in payloads.items() if n not in failed}
            cast, crew = _cast_and_crew(good, series_id)
    for warning in caught:
        # _parse <- _assemble <- load_series <- the caller
        warnings.warn(warning.message, warning.category, stacklevel=4)
    return cast, crew, failed


def _cast_and_crew(
    payloads: Mapping[int, dict[str, Any]], series_id: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (
        tidy.cast_roles_by_season(payloads, series_id=series_id),
        tidy.crew_jobs_by_season(payloads, series_id=series_id),
    )


def _unparsed(payloads: Mapping[int, dict[str, Any]], series_id: int) -> dict[int, PayloadError]:
    """Each season whose payload does not parse on its own, with why."""
    failed: dict[int, PayloadError] = {}
    for n, payload in payloads.items():
        try:
            tidy.cast_roles(payload, series_id=series_id, season_number=n)
            tidy.crew_jobs(payload, series_id=series_id, season_number=n)
        except PayloadError as exc:
            failed[n] = exc
    return failed
