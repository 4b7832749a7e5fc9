"""HTTP client for the TMDB endpoints the package reads: an async core and a blocking face.

:class:`AsyncTMDBClient` sends ``GET {base_url}/{api_path}?language=...`` with the token in the
``Authorization`` header (never in the URL), at most ``settings.max_connections`` requests in
flight, at most ``settings.requests_per_second`` started per second, and retries 429, 5xx,
timeouts and connection errors with exponential backoff and full jitter (or the server's
``Retry-After``). Other 4xx are never retried. Every failure is a typed
:class:`credits_analysis.errors.TMDBError` whose message says what to do next.

:class:`TMDBClient` runs the async core from blocking code, including inside a running event loop
(a Jupyter kernel), through :func:`credits_analysis._sync.run_sync`.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import ssl
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

import httpx
from aiolimiter import AsyncLimiter
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_random_exponential

from credits_analysis._sync import run_sync
from credits_analysis.config import Settings
from credits_analysis.endpoints import redact_url, request_params
from credits_analysis.errors import (
    AuthError,
    BadResponseError,
    ClientRequestError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    TMDBError,
)

__all__ = ["AsyncTMDBClient", "RetryPolicy", "TMDBClient", "TMDBResponse"]

logger = logging.getLogger(__name__)

#: Called by :meth:`AsyncTMDBClient.get_many` as each request completes.
ResultCallback = Callable[[str, "TMDBResponse | TMDBError"], None]

_USER_AGENT = "credits-analysis (python-httpx)"
_SNIPPET = 60


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How long to wait between attempts; how many attempts is ``settings.max_retries`` + 1.

    Attributes
    ----------
    backoff_base : float
        Seconds: attempt *n* waits a random time in ``[0, backoff_base * 2**(n-1)]`` ("full
        jitter"), so clients hitting the same limit do not retry in lockstep.
    backoff_max : float
        Seconds: upper bound of that window.
    retry_after_max : float
        Seconds: the longest ``Retry-After`` honoured; a longer one fails at once with
        :class:`RateLimitedError` rather than blocking the caller for minutes.
    """

    backoff_base: float = 0.5
    backoff_max: float = 30.0
    retry_after_max: float = 120.0


@dataclass(frozen=True)
class TMDBResponse:
    """A successful response whose body is a JSON object.

    Attributes
    ----------
    api_path : str
        ``tv/1399/season/1/aggregate_credits`` and the like.
    language : str
        The ``language`` parameter sent.
    url : str
        The request URL, without credentials.
    status : int
        The HTTP status (2xx).
    body : bytes
        The body exactly as received (what the cache stores).
    payload : dict
        The parsed body.
    fetched_at : datetime.datetime
        When the response arrived (UTC).
    """

    api_path: str
    language: str
    url: str
    status: int
    body: bytes = field(repr=False)
    payload: dict[str, Any] = field(repr=False)
    fetched_at: datetime


class _Transient(Exception):
    """A failure worth retrying (429, 5xx, timeout, connection); converted once retries end."""

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        tmdb_code: int | None = None,
        retry_after: float | None = None,
        timed_out: bool = False,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.tmdb_code = tmdb_code
        self.retry_after = retry_after
        self.timed_out = timed_out

    def final(self, *, url: str, attempts: int, settings: Settings) -> TMDBError:
        tried = f"after {attempts} attempt{'s' if attempts != 1 else ''}"
        where = dict(url=url, status=self.status, tmdb_code=self.tmdb_code)
        if self.status == 429:
            wait = (
                f"; TMDB asked to wait {self.retry_after:.0f} s"
                if self.retry_after is not None
                else ""
            )
            return RateLimitedError(
                f"TMDB is rate limiting requests to {url} ({self.detail}) {tried}{wait}. "
                f"Try again later, or lower CREDITS_ANALYSIS_RATE_LIMIT (now "
                f"{settings.requests_per_second:g}/s) or CREDITS_ANALYSIS_MAX_CONNECTIONS "
                f"(now {settings.max_connections}).",
                **where,
            )
        if self.status is not None:
            return ServerError(
                f"TMDB failed to answer {url} ({self.detail}) {tried}. This is on TMDB's side: "
                "try again later; cached seasons are unaffected.",
                **where,
            )
        hint = (
            f"raise CREDITS_ANALYSIS_TIMEOUT (now {settings.timeout:g} s) on a slow connection"
            if self.timed_out
            else "check your connection and TMDB_API_BASE_URL"
        )
        return NetworkError(
            f"could not get {url} ({self.detail}) {tried}: {hint}, or set "
            "CREDITS_ANALYSIS_OFFLINE=1 to work from the cache alone.",
            **where,
        )


class AsyncTMDBClient:
    """Async TMDB client; use as ``async with AsyncTMDBClient(settings) as client: ...``.

    The HTTP connection pool, the rate limiter and the in-flight semaphore are created on entry,
    inside the event loop that uses them.

    Parameters
    ----------
    settings
        Token, base URL, language, rate limit, connections, timeout and retries.
    transport
        An httpx transport to send requests through instead of the network
        (``httpx.MockTransport`` in tests, or a custom proxy transport).
    retry
        Backoff timings.

    Raises
    ------
    ConfigError
        On construction, if no token is set or it is a v3 API key.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.retry = retry or RetryPolicy()
        self._headers = {
            "Authorization": settings.authorization(),
            "Accept": "application/json",
            "User-Agent": _USER_AGENT,
        }
        self._transport = transport
        self._http: httpx.AsyncClient | None = None
        self._limiter: AsyncLimiter | None = None
        self._slots: asyncio.Semaphore | None = None

    def __repr__(self) -> str:
        s = self.settings
        return (
            f"AsyncTMDBClient(base_url={redact_url(s.base_url)!r}, "
            f"requests_per_second={s.requests_per_second:g}, "
            f"max_connections={s.max_connections})"
        )

    async def __aenter__(self) -> AsyncTMDBClient:
        s = self.settings
        self._http = httpx.AsyncClient(
            headers=self._headers,
            timeout=httpx.Timeout(s.timeout),
            limits=httpx.Limits(
                max_connections=s.max_connections, max_keepalive_connections=s.max_connections
            ),
            transport=self._transport,
            verify=_tls_context(),
            # A redirect would be followed without the token (cross-origin) or hide a wrong
            # base URL; report it instead.
            follow_redirects=False,
        )
        # aiolimiter needs max_rate >= 1 to grant one request; below 1/s stretch the period.
        burst = max(1.0, s.requests_per_second)
        self._limiter = AsyncLimiter(burst, time_period=burst / s.requests_per_second)
        # Bounding in-flight requests here (not only in the pool) keeps queued requests from
        # running into httpx's pool timeout when many are started at once.
        self._slots = asyncio.Semaphore(s.max_connections)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._http is not None:
            await self._http.aclose()
        self._http = self._limiter = self._slots = None

    async def get(
        self,
        api_path: str,
        *,
        language: str | None = None,
        params: Mapping[str, str | int] | None = None,
    ) -> TMDBResponse:
        """GET one API path, retrying transient failures.

        Parameters
        ----------
        api_path
            Relative to the base URL, e.g. ``tv/1399`` or
            ``tv/1399/season/1/aggregate_credits``.
        language
            The ``language`` parameter; default ``settings.language``.
        params
            Further query parameters (``query``, ``page``...), sent after ``language``.

        Raises
        ------
        AuthError, NotFoundError, ClientRequestError
            401, 404 and other 4xx (never retried).
        RateLimitedError, ServerError, NetworkError
            429, 5xx, timeouts and connection failures that outlasted every retry;
            ``NetworkError`` also, at once, for any other failure httpx reports.
        BadResponseError
            A 2xx whose body is not a JSON object (HTML, truncated, a list...), or any body
            that cannot be decoded (a broken gzip stream); never retried.
        """
        if self._http is None:
            raise RuntimeError("use AsyncTMDBClient inside 'async with'")
        path = api_path.strip("/")
        language = language or self.settings.language
        url = self._url(path, language, {**request_params(path), **(params or {})})
        shown = redact_url(url)
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.settings.max_retries + 1),
            wait=self._wait,
            retry=retry_if_exception(self._worth_retrying),
            before_sleep=lambda state: _log_retry(shown, state),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    response = await self._attempt(url, shown, path, language)
        except _Transient as exc:
            raise exc.final(
                url=shown, attempts=attempt.retry_state.attempt_number, settings=self.settings
            ) from exc.__cause__
        return response

    async def get_many(
        self,
        api_paths: Iterable[str],
        *,
        language: str | None = None,
        on_result: ResultCallback | None = None,
    ) -> dict[str, TMDBResponse | TMDBError]:
        """GET several paths concurrently (within the rate limit); one failure stops no other.

        Parameters
        ----------
        api_paths
            The paths, each fetched once.
        language
            As for :meth:`get`.
        on_result
            Called with ``(api_path, response or error)`` as each request completes, e.g. to
            store it or advance a progress bar.

        Returns
        -------
        dict
            Each path to its :class:`TMDBResponse` or its :class:`TMDBError`, in input order.
            Any other exception, raised while fetching a path or by ``on_result`` for it,
            becomes that path's result as a plain :class:`TMDBError` whose ``__cause__`` is the
            exception: one path failing in an unforeseen way never stops the others.
        """
        paths = list(dict.fromkeys(api_paths))
        results: dict[str, TMDBResponse | TMDBError] = {}

        async def one(path: str) -> None:
            try:
                results[path] = await self._get_or_error(path, language)
                if on_result is not None:
                    on_result(path, results[path])
            except Exception as exc:
                results[path] = self._unexpected(path, language, exc)

        # Only cancellation and interrupts get out of one(); the TaskGroup then cancels the other
        # requests rather than leaving them running unobserved.
        async with asyncio.TaskGroup() as group:
            for path in paths:
                group.create_task(one(path))
        return {path: results[path] for path in paths}

    async def _get_or_error(self, path: str, language: str | None) -> TMDBResponse | TMDBError:
        try:
            return await self.get(path, language=language)
        except TMDBError as exc:
            return exc

    def _url(self, path: str, language: str, params: Mapping[str, str | int] | None = None) -> str:
        query = urlencode({"language": language, **(params or {})})
        return f"{self.settings.base_url}/{path.strip('/')}?{query}"

    async def _attempt(self, url: str, shown: str, path: str, language: str) -> TMDBResponse:
        assert self._http is not None and self._limiter is not None and self._slots is not None
        async with self._slots:
            await self._limiter.acquire()
            logger.debug("GET %s", shown)
            try:
                response = await self._http.get(url)
            except httpx.HTTPError as exc:
                raise self._request_failure(exc, shown) from exc
        status = response.status_code
        body = response.content
        if 200 <= status < 300:
            return TMDBResponse(
                api_path=path,
                language=language,
                url=shown,
                status=status,
                body=body,
                payload=self._json_object(body, shown, status),
                fetched_at=datetime.now(UTC),
            )
        code, said = _tmdb_error(body)
        detail = f"HTTP {status}" + (f", TMDB code {code}: {self._scrub(said)}" if said else "")
        where = dict(url=shown, status=status, tmdb_code=code)
        if status == 429 or status >= 500:
            raise _Transient(
                detail,
                status=status,
                tmdb_code=code,
                retry_after=_retry_after_seconds(response.headers.get("Retry-After")),
            )
        if status == 401:
            raise AuthError(
                f"TMDB rejected the token for {shown} ({detail}). Set TMDB_API_TOKEN to your "
                "API Read Access Token (the long value starting 'eyJ' under TMDB settings > "
                "API), not the 32-character v3 API key; check it has not been revoked.",
                **where,
            )
        if status == 404:
            raise NotFoundError(
                f"TMDB has nothing at {shown} ({detail}). Check the series id (the number in "
                "the themoviedb.org/tv/ address) and that the season is listed in the "
                "series' details.",
                **where,
            )
        if 300 <= status < 400:
            target = redact_url(response.headers.get("Location", "?"))
            raise ClientRequestError(
                f"{shown} redirects to {target} ({detail}): set TMDB_API_BASE_URL to the "
                "address that serves the API itself.",
                **where,
            )
        raise ClientRequestError(
            f"TMDB refused {shown} ({detail}); retrying cannot help. If TMDB_API_BASE_URL "
            "points at a proxy, check it forwards requests unchanged.",
            **where,
        )

    def _request_failure(self, exc: httpx.HTTPError, shown: str) -> Exception:
        """What an httpx error becomes: a :class:`_Transient` to retry, or a final TMDBError."""
        if isinstance(exc, httpx.TimeoutException):
            return _Transient(
                f"no response within {self.settings.timeout:g} s ({type(exc).__name__})",
                timed_out=True,
            )
        detail = f"{type(exc).__name__}: {self._scrub(str(exc)) or 'no detail'}"
        if isinstance(exc, httpx.TransportError):  # connection refused, reset, dropped mid-body
            return _Transient(detail)
        if isinstance(exc, httpx.DecodingError):
            # The same bytes would come back: a broken proxy or mirror, not a passing fault.
            return BadResponseError(
                f"{shown} answered with a body that cannot be decoded ({detail}). If "
                "TMDB_API_BASE_URL points at a proxy or mirror, check that it passes responses "
                "through unchanged (Content-Encoding included).",
                url=shown,
            )
        return NetworkError(
            f"could not get {shown} ({detail}); retrying cannot help. Check TMDB_API_BASE_URL "
            "and any proxy settings.",
            url=shown,
        )

    def _unexpected(self, path: str, language: str | None, exc: Exception) -> TMDBError:
        """The :class:`TMDBError` of a :meth:`get_many` path that failed in an unforeseen way."""
        shown = redact_url(self._url(path, language or self.settings.language))
        logger.debug("unexpected failure for %s", shown, exc_info=exc)
        error = TMDBError(
            f"fetching {shown} failed unexpectedly ({type(exc).__name__}: "
            f"{self._scrub(str(exc))}). This is a bug: the traceback is in this error's "
            "__cause__; please report it.",
            url=shown,
        )
        error.__cause__ = exc
        return error

    def _json_object(self, body: bytes, shown: str, status: int) -> dict[str, Any]:
        try:
            payload = json.loads(body)
        except ValueError as exc:
            reason = "empty body" if not body.strip() else f"not JSON: {exc}"
        else:
            if isinstance(payload, dict):
                return payload
            reason = f"a JSON {type(payload).__name__}, not an object"
        # Scrub before cutting, or a token straddling the cut would leak its first half.
        start = self._scrub(body.decode("utf-8", "replace"))[:_SNIPPET]
        raise BadResponseError(
            f"{shown} answered HTTP {status} with {reason} (body starts {start!r}). TMDB "
            "answers JSON objects: if TMDB_API_BASE_URL points at a proxy or mirror, check that "
            "it serves the API (e.g. https://api.themoviedb.org/3).",
            url=shown,
            status=status,
        )

    def _worth_retrying(self, exc: BaseException) -> bool:
        if not isinstance(exc, _Transient):
            return False
        # A wait longer than we are willing to block for fails now, saying how long TMDB asked.
        return exc.retry_after is None or exc.retry_after <= self.retry.retry_after_max

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        if isinstance(exc, _Transient) and exc.retry_after is not None:
            return exc.retry_after
        return wait_random_exponential(
            multiplier=self.retry.backoff_base, max=self.retry.backoff_max
        )(state)

    def _scrub(self, text: str) -> str:
        # A proxy or error page could echo request headers back; never let the token through.
        token = (self.settings.token or "").strip()
        return text.replace(token, "<token>") if token else text


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default TLS context, built once per process.

    Loading the CA bundle takes longer than a whole load_series from a warm cache; every client
    would otherwise load it again.
    """
    return httpx.create_ssl_context()


def _log_retry(shown: str, state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome is not None else None
    wait = state.next_action.sleep if state.next_action is not None else 0.0
    source = " (Retry-After)" if isinstance(exc, _Transient) and exc.retry_after is not None else ""
    logger.info(
        "attempt %d for %s failed (%s); retrying in %.2f s%s",
        state.attempt_number,
        shown,
        exc,
        wait,
        source,
    )


def _tmdb_error(body: bytes) -> tuple[int | None, str | None]:
    """TMDB's own ``status_code`` and ``status_message`` from an error body, when it is JSON."""
    try:
        error = json.loads(body)
    except ValueError:
        return None, None
    if not isinstance(error, dict):
        return None, None
    code = error.get("status_code")
    message = error.get("status_message")
    return (
        code if isinstance(code, int) and not isinstance(code, bool) else None,
        message if isinstance(message, str) else None,
    )


def _retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay seconds or an HTTP date)."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # RFC 9110 dates are GMT
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, seconds) if seconds == seconds else None  # NaN is not a delay


class TMDBClient:
    """Blocking face of :class:`AsyncTMDBClient` for scripts and notebooks.

    Each call opens a connection pool, runs the async core to completion and closes it, in the
    calling thread when no event loop is running, else in a worker thread (see :func:`run_sync`).

    Parameters
    ----------
    settings
        Default: :meth:`Settings.from_env`.
    transport, retry
        As for :class:`AsyncTMDBClient`.

    Raises
    ------
    ConfigError
        If no token is set or it is a v3 API key.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self.settings.authorization()  # fail here, not on the first request
        self._transport = transport
        self._retry = retry

    def __repr__(self) -> str:
        return f"TMDBClient(base_url={redact_url(self.settings.base_url)!r})"

    def get(
        self,
        api_path: str,
        *,
        language: str | None = None,
        params: Mapping[str, str | int] | None = None,
    ) -> TMDBResponse:
        """Blocking :meth:`AsyncTMDBClient.get`."""

        async def go() -> TMDBResponse:
            async with self._async() as client:
                return await client.get(api_path, language=language, params=params)

        return run_sync(go())

    def get_many(
        self, api_paths: Iterable[str], *, language: str | None = None
    ) -> dict[str, TMDBResponse | TMDBError]:
        """Blocking :meth:`AsyncTMDBClient.get_many`."""

        async def go() -> dict[str, TMDBResponse | TMDBError]:
            async with self._async() as client:
                return await client.get_many(api_paths, language=language)

        return run_sync(go())

    def _async(self) -> AsyncTMDBClient:
        return AsyncTMDBClient(self.settings, transport=self._transport, retry=self._retry)
