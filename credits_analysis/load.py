"""The one-line entry point: every season of a series, or of many series, as tidy tables.

Loading is plan -> gather -> parse -> assemble: the series details say which seasons to load
(the plan), :mod:`credits_analysis.sources` finds each payload in the cache, on TMDB or in the
data bundled with the package (the gathering, with the provenance of each), the payloads become
tidy tables in one pass (the parsing), and :class:`SeriesCredits` holds the result (the
assembly). :func:`load_series` does it for one series; :func:`iter_series` streams many series
through one client and one cache, and is the same path.

The bundled synthetic demo series (:data:`~credits_analysis._bundled.DEMO_SERIES_IDS`) come from
the data bundled with the package alone: they are not on TMDB and are never cached. Once the
details failed, the seasons are not asked for.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import operator
import warnings
from collections.abc import AsyncIterator, Callable, Generator, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
import pandas as pd

from credits_analysis import episode_tidy, tidy
from credits_analysis._bundled import SYNTHETIC_KEY
from credits_analysis._gc import paused_gc
from credits_analysis._sync import iterate_sync, run_sync
from credits_analysis.config import Settings
from credits_analysis.endpoints import details_path, season_path
from credits_analysis.errors import (
    AuthError,
    ConfigError,
    CreditsAnalysisError,
    OfflineMissError,
    PartialLoadWarning,
    PayloadError,
    StaleDataWarning,
)
from credits_analysis.plan import Plan, listed_seasons, season_numbers, season_plan, whole_number
from credits_analysis.records import SeriesCredits, SeriesOutcome
from credits_analysis.resolve import resolve_series
from credits_analysis.schema import CAST_COLUMNS, CREW_COLUMNS, SEASON_COLUMNS, empty_frame
from credits_analysis.sources import (
    Blocked,
    Found,
    Ledger,
    Payload,
    Sources,
    miss_message,
    stand_in_message,
    ttl_for_series,
)
from credits_analysis.tmdb import RetryPolicy

__all__ = ["SeriesCredits", "SeriesOutcome", "iter_series", "load_series"]

logger = logging.getLogger(__name__)

#: Series in flight per allowed connection, by default: each series waits for its details before
#: asking for its seasons, so a few more series than connections keep every connection busy.
_SERIES_PER_CONNECTION = 2
_NO_MORE = object()


def load_series(
    series_id: int | str,
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
        TMDB series id (the number in ``themoviedb.org/tv/1399-...``), or its slug
        (``"1399-game-of-thrones"``), address or name (``"Game of Thrones"``): see
        :func:`credits_analysis.resolve.resolve_series`. The bundled synthetic demo series,
        9000001 and 9000002, are served from the bundled data, with or without a token.
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
        ``.seasons``, ``.cast``, ``.crew`` (columns in :mod:`credits_analysis.tidy`),
        ``.episodes`` and ``.episode_credits`` (:mod:`credits_analysis.episode_tidy`), the raw
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
    InvalidQueryError, AmbiguousSeriesError, SeriesNotFoundError
        ``series_id`` cannot be read, or names no single series (see
        :func:`~credits_analysis.resolve.resolve_series`).

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
    see :func:`credits_analysis.sources.ttl_for_series`) is still used, with a
    :class:`StaleDataWarning`, when fetching is not allowed or TMDB keeps failing. Bundled data
    stands in, with the same warning, for whatever TMDB failed to serve.
    """
    settings = (settings or Settings.from_env()).with_overrides(language=language, offline=offline)
    plan = Plan(season_numbers(seasons), include_specials)
    series_id = resolve_series(
        series_id, settings=settings, transport=transport, retry=retry
    ).series_id

    async def gather() -> _Gathered:
        async with Sources(settings, refresh=refresh, transport=transport, retry=retry) as found:
            return await _gather(found, series_id, plan, progress=progress)

    # Parsing happens here, in the caller's thread (run_sync may have used a worker thread), and
    # the warnings are given here, so notebooks show them with the cell and the caller's
    # filters apply.
    outcome = _finish(run_sync(gather()), settings)
    for caught in outcome.warnings:
        warnings.warn(caught.message, caught.category, stacklevel=2)
    if outcome.error is not None:
        raise outcome.error
    assert outcome.credits is not None
    return outcome.credits


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
) -> Generator[SeriesOutcome, None, None]:
    """Load many series, yielding each one's :class:`SeriesOutcome` as soon as it is done.

    The same path as :func:`load_series`, with one TMDB client (one rate limit, one connection
    cap) and one cache for the whole stream. Works in scripts and in notebooks alike: the
    fetching runs in a worker thread, ahead of the consumer by at most ``max_in_flight`` series
    in flight and as many finished ones waiting, so memory does not grow with the number of
    ids and a slow consumer holds the fetching back. Leaving the loop early (``break``, an
    exception, an interrupt) cancels the series in flight and closes the client at once.

    Parameters
    ----------
    series_ids
        TMDB series ids, read as the stream needs them (a generator of millions is fine; it is
        read in the worker thread).
    seasons, language, include_specials, offline, refresh, settings, transport, retry
        As for :func:`load_series`, for every series.
    progress
        Show a progress bar counting the series done (None: no bar, since a stream is usually
        long-running and logged otherwise).
    max_in_flight
        Series loading at once; default twice ``settings.max_connections``.

    Yields
    ------
    SeriesOutcome
        One per id, in completion order (not the order of ``series_ids``). A series that
        failed as a whole has ``credits=None`` and the ``error`` :func:`load_series` would
        have raised; its warnings are in ``warnings``, never emitted.

    Raises
    ------
    AuthError
        TMDB rejected the token: every further request would fail, so the stream stops.
    ConfigError
        A fetch was needed and the token is a v3 API key, or ``refresh`` cannot fetch.
    TypeError, ValueError
        ``seasons`` or ``max_in_flight`` is invalid (at once), or an id is not an integer
        (when the stream reaches it).
    """
    settings = (settings or Settings.from_env()).with_overrides(language=language, offline=offline)
    plan = Plan(season_numbers(seasons), include_specials)
    limit = _SERIES_PER_CONNECTION * settings.max_connections
    if max_in_flight is not None:
        limit = operator.index(max_in_flight)
        if limit < 1:
            raise ValueError(f"max_in_flight must be at least 1, got {max_in_flight!r}")

    def open_stream() -> AsyncIterator[_Gathered]:
        return _gather_many(
            series_ids,
            settings,
            plan,
            refresh=refresh,
            transport=transport,
            retry=retry,
            limit=limit,
        )

    return _outcomes(open_stream, settings, limit=limit, progress=bool(progress))


def _outcomes(
    open_stream: Callable[[], AsyncIterator[_Gathered]],
    settings: Settings,
    *,
    limit: int,
    progress: bool,
) -> Generator[SeriesOutcome, None, None]:
    """Parse each gathered series in the consumer's thread, as the stream delivers it."""
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(desc="series", unit="series")
    try:
        with contextlib.closing(iterate_sync(open_stream, buffer=limit)) as stream:
            for gathered in stream:
                outcome = _finish(gathered, settings)
                if isinstance(outcome.error, AuthError):
                    raise outcome.error
                if bar is not None:
                    bar.update()
                yield outcome
    finally:
        if bar is not None:
            bar.close()


# Internal records carry whole payloads: no repr (see sources.Payload).
@dataclass(frozen=True, repr=False)
class _Gathered:
    series_id: int
    details: Found
    numbers: list[int]
    seasons: dict[int, Found]
    #: Why the seasons were not fetched, when they were not.
    blocked: Blocked | None
    #: :func:`tidy.seasons` of the details, parsed once, when they were checked (None when
    #: the details failed, or the series crashed: nothing reads it then).
    listed: pd.DataFrame | None
    ledger: Ledger = field(default_factory=Ledger)
    #: An unforeseen failure of this series alone (a bug), reported as its outcome.
    crash: Exception | None = None


async def _gather_many(
    series_ids: Iterable[int],
    settings: Settings,
    plan: Plan,
    *,
    refresh: bool,
    transport: httpx.AsyncBaseTransport | None,
    retry: RetryPolicy | None,
    limit: int,
) -> AsyncIterator[_Gathered]:
    """Gather every series of ``series_ids``, at most ``limit`` at once, in completion order."""
    async with Sources(settings, refresh=refresh, transport=transport, retry=retry) as sources:
        remaining = iter(series_ids)
        exhausted = False
        pending: set[asyncio.Task[_Gathered]] = set()
        # The first series goes alone: a rejected token or a dead server then costs one
        # series' requests, not ``limit`` series' worth.
        started = False
        try:
            while True:
                while not exhausted and len(pending) < (limit if started else 1):
                    series_id = next(remaining, _NO_MORE)
                    if series_id is _NO_MORE:
                        exhausted = True
                    else:
                        checked = whole_number(
                            series_id, f"series ids must be ints, got {series_id!r}"
                        )
                        one = _gather_alone(sources, checked, plan)
                        pending.add(asyncio.create_task(one))
                if not pending:
                    return
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                started = True
                for task in done:
                    gathered = task.result()
                    yield gathered
                    if _rejected(gathered):
                        # The consumer raises the AuthError; nothing more is asked meanwhile.
                        return
        finally:
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)


def _rejected(gathered: _Gathered) -> bool:
    """Whether TMDB rejected the token for any request of this series."""
    found = [gathered.details, *gathered.seasons.values()]
    return any(isinstance(f, AuthError) for f in found)


async def _gather_alone(sources: Sources, series_id: int, plan: Plan) -> _Gathered:
    """:func:`_gather`, with an unforeseen failure kept to this series."""
    try:
        return await _gather(sources, series_id, plan, progress=False)
    except ConfigError:
        raise  # the settings, so every series, are wrong
    except Exception as exc:
        logger.debug("series %s failed unexpectedly", series_id, exc_info=exc)
        return _Gathered(series_id, exc, [], {}, None, None, crash=exc)  # type: ignore[arg-type]


async def _gather(
    sources: Sources, series_id: int, plan: Plan, *, progress: bool | None
) -> _Gathered:
    """The details of ``series_id``, then the seasons they list that ``plan`` asks for."""
    ledger = Ledger()
    blocked = sources.blocked(series_id)
    settings = sources.settings
    path = details_path(series_id)

    def details_ttl(found: Found) -> timedelta:
        # Cached details say themselves whether the series is still running.
        return (
            ttl_for_series(found.payload, settings) if isinstance(found, Payload) else timedelta(0)
        )

    found = await sources.find(
        series_id, [path], ttl_of=details_ttl, blocked=blocked, ledger=ledger, progress=progress
    )
    details = found[path]
    if isinstance(details, Payload):
        try:
            listed = listed_seasons(details.payload, series_id)
        except PayloadError as exc:
            details = exc
    if not isinstance(details, Payload):
        return _Gathered(series_id, details, [], {}, blocked, None, ledger)
    numbers, unlisted = season_plan(details.payload, listed, plan)
    seasons: dict[int, Found] = dict(unlisted)
    paths = {season_path(series_id, n): n for n in numbers if n not in seasons}
    ttl = ttl_for_series(details.payload, settings)
    blocked = Blocked.after(details) or blocked
    by_path = await sources.find(
        series_id,
        list(paths),
        ttl_of=lambda _: ttl,
        blocked=blocked,
        ledger=ledger,
        progress=progress,
    )
    seasons.update({paths[path]: result for path, result in by_path.items()})
    return _Gathered(series_id, details, numbers, seasons, blocked, listed, ledger)


def _finish(gathered: _Gathered, settings: Settings) -> SeriesOutcome:
    """Parse and assemble a gathered series, holding its warnings and error in the outcome."""
    if gathered.crash is not None:
        return SeriesOutcome(gathered.series_id, None, gathered.crash, (), gathered.ledger.requests)
    credits: SeriesCredits | None = None
    error: Exception | None = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for message in (
            gathered.ledger.stale_message(),
            stand_in_message([gathered.details, *gathered.seasons.values()]),
        ):
            if message is not None:
                warnings.warn(message, StaleDataWarning, stacklevel=1)
        try:
            with paused_gc():  # see _gc: converting is building millions of small containers
                credits = _assemble(gathered, settings)
        except CreditsAnalysisError as exc:
            error = exc
    return SeriesOutcome(
        gathered.series_id, credits, error, tuple(caught), gathered.ledger.requests
    )


def _assemble(gathered: _Gathered, settings: Settings) -> SeriesCredits:
    found = gathered.details
    if isinstance(found, CreditsAnalysisError):
        found.partial = _nothing_loaded(gathered.series_id, settings)
        raise found
    details = found.payload
    assert gathered.listed is not None  # parsed whenever the details are a payload
    failures: dict[int, CreditsAnalysisError] = {}
    loaded: dict[int, Payload] = {}
    for n in gathered.numbers:
        result = gathered.seasons[n]
        if isinstance(result, CreditsAnalysisError):
            failures[n] = result
        else:
            loaded[n] = result
    series_id = gathered.series_id
    aggregates = {
        n: episode_tidy.aggregate_part(season.payload, series_id=series_id, season_number=n)
        for n, season in loaded.items()
    }
    cast, crew, unparsed = tidy.credits_by_season(aggregates, series_id=series_id)
    for n, exc in unparsed.items():
        failures[n] = PayloadError(
            f"season {n} ({loaded.pop(n).source}) does not parse: {exc}. Reload it with "
            "refresh=True, or delete it with `credits-analysis cache clear`."
        )
        failures[n].__cause__ = exc
    failures = {n: failures[n] for n in gathered.numbers if n in failures}
    payloads = {n: season.payload for n, season in loaded.items()}
    with_episodes = {n: p for n, p in payloads.items() if episode_tidy.is_season_details(p)}
    episodes, episode_credits = episode_tidy.episode_tables(
        with_episodes, series_id=series_id, cast=cast
    )
    result = SeriesCredits(
        series_id=gathered.series_id,
        name=details.get("name"),
        language=found.language,
        details=details,
        seasons=_season_table(gathered.listed, loaded),
        cast=cast,
        crew=crew,
        payloads=payloads,
        failures=failures,
        is_synthetic=details.get(SYNTHETIC_KEY) is True,
        episodes=episodes,
        episode_credits=episode_credits,
        without_episodes=[n for n in loaded if n not in with_episodes],
    )
    auth = next((e for e in failures.values() if isinstance(e, AuthError)), None)
    if auth is not None or (gathered.numbers and not loaded):
        raise _fatal(auth, result, failures, settings, gathered.blocked)
    if failures:
        warnings.warn(_partial_message(result), PartialLoadWarning, stacklevel=1)
    return result


def _season_table(listed: pd.DataFrame, loaded: Mapping[int, Payload]) -> pd.DataFrame:
    """The ``listed`` seasons that loaded, each with where its credits came from."""
    table = listed[listed["season_number"].isin(list(loaded))].reset_index(drop=True)
    for column in ("language", "fetched_at", "source"):
        values = [getattr(loaded[n], column) for n in table["season_number"]]
        table[column] = pd.array(values, dtype=SEASON_COLUMNS[column])
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
    auth: AuthError | None,
    result: SeriesCredits,
    failures: Mapping[int, CreditsAnalysisError],
    settings: Settings,
    blocked: Blocked | None,
) -> CreditsAnalysisError:
    error: CreditsAnalysisError
    misses = [e for e in failures.values() if isinstance(e, OfflineMissError)]
    if auth is None and blocked is not None and len(misses) == len(failures):
        missing = [path for miss in misses for path in miss.missing]
        error = OfflineMissError(miss_message(missing, settings, blocked), missing=missing)
    else:
        error = auth or next(iter(failures.values()))
        error.add_note(
            f"seasons that failed: {_failure_summary(failures)}; loaded: {list(result.payloads)}"
        )
    error.partial = result
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
