"""HTTP client for the TMDB endpoints the package reads: an async core and a blocking face.

:class:`AsyncTMDBClient` sends ``GET {base_url}/{api_path}?language=...`` with the token in the
``Authorization`` header (never in the URL), at most ``settings.max_connections`` requests in
flight, at most ``settings.requests_per_second`` started per second, and retries 429, 5xx,
timeouts and connection errors with exponential backoff and full jitter (or the server's
``Retry-After``). Other 4xx are never retried; a 2xx whose body does not parse is retried once
(a proxy's hiccup), one that parses to something else never. Every failure is a typed
:class:`credits_analysis.errors.TMDBError` whose message says what to do next.

Nothing waits without bound. Each attempt must be over within ``settings.request_deadline``
(a server trickling a byte a second, headers included), each path within
``settings.max_retry_time`` of its first attempt (attempts and waits together), and a body is
read only up to ``settings.max_response_mb`` once decompressed (a gzip bomb, an endless stream).
Waits of :data:`ANNOUNCED_WAIT` seconds or more are logged as warnings (which the command line
shows) and passed to ``on_wait`` (for a progress bar); Ctrl-C ends them at once.

:class:`TMDBClient` runs the async core from blocking code, including inside a running event loop
(a Jupyter kernel), through :func:`credits_analysis._sync.run_sync`.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import random
import ssl
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

import httpx
from aiolimiter import AsyncLimiter

from credits_analysis._scrub import SecretScrubber
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
#: Called by :meth:`AsyncTMDBClient.get_many` before a long wait: ``(api_path, seconds, why)``.
WaitCallback = Callable[[str, float, str], None]

#: Seconds: a wait this long or longer before a retry is logged as a warning, not as info.
ANNOUNCED_WAIT = 2.0
_USER_AGENT = "credits-analysis (python-httpx)"
_SNIPPET = 60
# An error body is read only for TMDB's message: never more than this.
_ERROR_BODY_MAX = 64 * 1024
# Characters of a server's own message quoted in an error.
_MESSAGE_MAX = 300


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
        past_deadline: bool = False,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.tmdb_code = tmdb_code
        self.retry_after = retry_after
        self.timed_out = timed_out
        self.past_deadline = past_deadline

    def final(
        self, *, url: str, attempts: int, settings: Settings, out_of_time: str = ""
    ) -> TMDBError:
        """The error to raise once no retry is left; ``out_of_time`` says if the budget ended it."""
        tried = f"after {attempts} attempt{'s' if attempts != 1 else ''}{out_of_time}"
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
        if self.past_deadline:
            hint = (
                "the server is sending too slowly; raise CREDITS_ANALYSIS_REQUEST_DEADLINE (now "
                f"{settings.request_deadline:g} s) on a slow connection"
            )
        elif self.timed_out:
            hint = (
                f"raise CREDITS_ANALYSIS_TIMEOUT (now {settings.timeout:g} s) on a slow connection"
            )
        else:
            hint = "check your connection and TMDB_API_BASE_URL"
        return NetworkError(
            f"could not get {url} ({self.detail}) {tried}: {hint}, or set "
            "CREDITS_ANALYSIS_OFFLINE=1 to work from the cache alone.",
            **where,
        )


class _BadBody(Exception):
    """A 2xx body that did not parse: retried once, then ``error`` is raised."""

    def __init__(self, error: BadResponseError) -> None:
        super().__init__(str(error))
        self.error = error


class _Budget:
    """When one path's time runs out (event loop clock); set by its first attempt."""

    ends_at: float | None = None


class AsyncTMDBClient:
    """Async TMDB client; use as ``async with AsyncTMDBClient(settings) as client: ...``.

    The HTTP connection pool, the rate limiter and the in-flight semaphore are created on entry,
    inside the event loop that uses them.

    A long class on purpose: every request goes through one path that shares the pool, the
    limiter, the token scrubber and the settings (attempt with its deadline and size cap, retry
    loop with its time budget and announced waits, status-to-error mapping). Splitting it would
    thread that state through free functions without making any step testable on its own; each
    step is already tested through the fake TMDB. A candidate for a split: the response reading
    and error mapping into a module of their own.

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
        # A proxy or error page could echo request headers back; never let the token through.
        self._scrub = SecretScrubber(settings.token)
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
            401, 404 and other 4xx (never retried), and redirects (never followed).
        RateLimitedError, ServerError, NetworkError
            429, 5xx, timeouts, attempts past ``settings.request_deadline`` and connection
            failures that outlasted every retry or ``settings.max_retry_time``;
            ``NetworkError`` also, at once, for any other failure httpx reports.
        BadResponseError
            A 2xx whose body is not a JSON object (HTML, truncated, a list, nested too deeply...)
            once retried if it did not parse; a body that cannot be decoded (a broken gzip
            stream) or is larger than ``settings.max_response_mb``, at once.
        """
        return await self._get(api_path, language, params, on_wait=None)

    async def get_many(
        self,
        api_paths: Iterable[str],
        *,
        language: str | None = None,
        on_result: ResultCallback | None = None,
        on_wait: WaitCallback | None = None,
        on_attempt: Callable[[str], None] | None = None,
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
        on_wait
            Called with ``(api_path, seconds, why)`` before each wait of :data:`ANNOUNCED_WAIT`
            seconds or more between attempts, e.g. to say so on a progress bar.
        on_attempt
            Called with ``api_path`` as each attempt is sent (retries too), to count requests.

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
                results[path] = await self._get_or_error(path, language, on_wait, on_attempt)
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

    async def _get_or_error(
        self,
        path: str,
        language: str | None,
        on_wait: WaitCallback | None,
        on_attempt: Callable[[str], None] | None,
    ) -> TMDBResponse | TMDBError:
        try:
            return await self._get(path, language, on_wait=on_wait, on_attempt=on_attempt)
        except TMDBError as exc:
            return exc

    async def _get(
        self,
        api_path: str,
        language: str | None,
        params: Mapping[str, str | int] | None = None,
        *,
        on_wait: WaitCallback | None,
        on_attempt: Callable[[str], None] | None = None,
    ) -> TMDBResponse:
        """:meth:`get`, telling ``on_wait`` about long waits between attempts."""
        if self._http is None:
            raise RuntimeError("use AsyncTMDBClient inside 'async with'")
        path = api_path.strip("/")
        language = language or self.settings.language
        url = self._url(path, language, {**request_params(path), **(params or {})})
        shown = redact_url(url)
        budget = _Budget()
        attempt = 0
        while True:
            attempt += 1
            if on_attempt is not None:
                on_attempt(path)
            try:
                return await self._attempt(url, shown, path, language, budget)
            except (_Transient, _BadBody) as exc:
                failure = exc
            wait = self._wait_before_retry(failure, attempt, shown, budget)
            why = failure.detail if isinstance(failure, _Transient) else "a body that did not parse"
            self._announce_wait(shown, attempt, wait, why, failure)
            if on_wait is not None and wait >= ANNOUNCED_WAIT:
                on_wait(path, wait, why)
            await asyncio.sleep(wait)

    def _wait_before_retry(
        self, failure: _Transient | _BadBody, attempt: int, shown: str, budget: _Budget
    ) -> float:
        """Seconds to wait before the next attempt; raises the final error if there is none."""
        settings = self.settings
        if isinstance(failure, _BadBody):
            if attempt > 1 or settings.max_retries == 0:
                raise failure.error
            wait = self._backoff(attempt)
        else:
            final = functools.partial(failure.final, url=shown, attempts=attempt, settings=settings)
            if attempt > settings.max_retries:
                raise final() from failure.__cause__
            if failure.retry_after is not None:
                if failure.retry_after > self.retry.retry_after_max:
                    # Longer than we are willing to block for: fail now, saying how long TMDB asked.
                    raise final() from failure.__cause__
                wait = failure.retry_after
            else:
                wait = self._backoff(attempt)
        assert budget.ends_at is not None, "set by the first attempt"
        left = budget.ends_at - asyncio.get_running_loop().time()
        if wait > left:
            out_of_time = (
                f", with {max(left, 0):.0f} s left of the {settings.max_retry_time:g} s allowed "
                f"for one request and its retries (CREDITS_ANALYSIS_MAX_RETRY_TIME), too few for "
                f"the {wait:.0f} s wait before the next"
            )
            if isinstance(failure, _BadBody):
                raise failure.error
            raise failure.final(
                url=shown, attempts=attempt, settings=settings, out_of_time=out_of_time
            ) from failure.__cause__
        return wait

    def _backoff(self, attempt: int) -> float:
        """Full jitter: a random time up to ``backoff_base * 2**(attempt-1)``, capped."""
        ceiling = min(self.retry.backoff_max, self.retry.backoff_base * 2 ** (attempt - 1))
        return random.uniform(0.0, ceiling)

    def _announce_wait(
        self, shown: str, attempt: int, wait: float, why: str, failure: Exception
    ) -> None:
        asked = isinstance(failure, _Transient) and failure.retry_after is not None
        if wait < ANNOUNCED_WAIT:
            logger.info(
                "attempt %d for %s failed (%s); retrying in %.2f s%s",
                attempt,
                shown,
                why,
                wait,
                " (Retry-After)" if asked else "",
            )
            return
        until = (datetime.now(UTC) + timedelta(seconds=wait)).strftime("%H:%M:%S UTC")
        logger.warning(
            "%s answered %s; waiting %.0f s%s (until %s) before attempt %d of %d (Ctrl-C stops)",
            shown,
            why,
            wait,
            ", as the server asked" if asked else "",
            until,
            attempt + 1,
            self.settings.max_retries + 1,
        )

    def _url(self, path: str, language: str, params: Mapping[str, str | int] | None = None) -> str:
        query = urlencode({"language": language, **(params or {})})
        return f"{self.settings.base_url}/{path.strip('/')}?{query}"

    async def _attempt(
        self, url: str, shown: str, path: str, language: str, budget: _Budget
    ) -> TMDBResponse:
        assert self._http is not None and self._limiter is not None and self._slots is not None
        async with self._slots:
            await self._limiter.acquire()
            now = asyncio.get_running_loop().time()
            if budget.ends_at is None:
                budget.ends_at = now + self.settings.max_retry_time
            limit = max(0.0, min(self.settings.request_deadline, budget.ends_at - now))
            logger.debug("GET %s", shown)
            try:
                async with asyncio.timeout(limit) as scope:
                    response, body = await self._exchange(url, shown)
            except TimeoutError:
                if not scope.expired():
                    raise
                raise _Transient(
                    f"no complete answer within {limit:.3g} s", past_deadline=True
                ) from None
            except httpx.InvalidURL as exc:
                # httpx parses a redirect's Location even when not following it.
                raise ClientRequestError(
                    f"{shown} redirects to an address that is not a valid URL "
                    f"({self._scrub.snippet(str(exc), _MESSAGE_MAX)}); redirects are never "
                    "followed. Set TMDB_API_BASE_URL to the address that serves the API itself.",
                    url=shown,
                ) from exc
            except httpx.HTTPError as exc:
                raise self._request_failure(exc, shown) from exc
        status = response.status_code
        if 200 <= status < 300:
            return TMDBResponse(
                api_path=path,
                language=language,
                url=shown,
                status=status,
                body=body,
                payload=self._json_object(body, shown, status, _encoding(response)),
                fetched_at=datetime.now(UTC),
            )
        code, said = _tmdb_error(body)
        detail = f"HTTP {status}" + (
            f", TMDB code {code}: {self._scrub.snippet(said, _MESSAGE_MAX)}" if said else ""
        )
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
            location = self._scrub.snippet(response.headers.get("Location", "?"), _MESSAGE_MAX)
            try:
                target = redact_url(location)
            except ValueError:  # "http://[bad": not even a URL
                target = "an address that is not a valid URL"
            raise ClientRequestError(
                f"{shown} redirects to {target} ({detail}); redirects are never "
                "followed. Set TMDB_API_BASE_URL to the address that serves the API itself.",
                **where,
            )
        raise ClientRequestError(
            f"TMDB refused {shown} ({detail}); retrying cannot help. If TMDB_API_BASE_URL "
            "points at a proxy, check it forwards requests unchanged.",
            **where,
        )

    async def _exchange(self, url: str, shown: str) -> tuple[httpx.Response, bytes]:
        """Send the request and read the body, decompressed, up to the size allowed.

        A 2xx body over ``settings.max_response_mb`` fails (at the ``Content-Length`` when one
        announces it, else as soon as the count passes it); an error body is cut at
        :data:`_ERROR_BODY_MAX`, since only TMDB's message is read from it.
        """
        assert self._http is not None
        async with self._http.stream("GET", url) as response:
            ok = 200 <= response.status_code < 300
            limit = int(self.settings.max_response_mb * 1e6) if ok else _ERROR_BODY_MAX
            announced = response.headers.get("Content-Length", "")
            if ok and announced.isdigit() and int(announced) > limit:
                raise self._too_large(shown, response.status_code, f"{int(announced):,} bytes")
            chunks: list[bytes] = []
            size = 0
            # Decompressed chunks: one 64 KiB read of a gzip bomb can still become ~64 MB here,
            # which bounds the memory a hostile server can take.
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    if ok:
                        raise self._too_large(shown, response.status_code, f"over {limit:,} bytes")
                    chunks.append(chunk[: len(chunk) - (size - limit)])
                    break
                chunks.append(chunk)
        return response, b"".join(chunks)

    def _too_large(self, shown: str, status: int, size: str) -> BadResponseError:
        return BadResponseError(
            f"{shown} answered with a body of {size} once decompressed, over the "
            f"{self.settings.max_response_mb:g} MB allowed (CREDITS_ANALYSIS_MAX_RESPONSE_MB). "
            "TMDB's largest answers are a few MB: if TMDB_API_BASE_URL points at a proxy or "
            "mirror, check it; raise the limit only if this answer is genuine.",
            url=shown,
            status=status,
        )

    def _request_failure(self, exc: httpx.HTTPError, shown: str) -> Exception:
        """What an httpx error becomes: a :class:`_Transient` to retry, or a final TMDBError."""
        if isinstance(exc, httpx.TimeoutException):
            return _Transient(
                f"no response within {self.settings.timeout:g} s ({type(exc).__name__})",
                timed_out=True,
            )
        detail = (
            f"{type(exc).__name__}: {self._scrub.snippet(str(exc), _MESSAGE_MAX) or 'no detail'}"
        )
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
            f"{self._scrub.snippet(str(exc), _MESSAGE_MAX)}). This is a bug: the traceback is "
            "in this error's __cause__; please report it.",
            url=shown,
        )
        error.__cause__ = exc
        return error

    def _json_object(
        self, body: bytes, shown: str, status: int, encoding: str | None
    ) -> dict[str, Any]:
        """The parsed body; raises :class:`_BadBody` (retry once) or BadResponseError (never)."""
        retry = False
        try:
            payload = json.loads(body)
        except RecursionError:
            reason = "JSON nested too deeply to be an answer of TMDB's"
        except ValueError as exc:
            retry = True
            if encoding is not None:
                # httpx does not check that a gzip or deflate stream ended, so a cut one
                # decodes to less (often nothing) without an error.
                what = "nothing" if not body.strip() else f"{len(body):,} bytes that are not JSON"
                reason = f"a {encoding} stream that decodes to {what} (damaged or cut short)"
            else:
                reason = "empty body" if not body.strip() else f"not JSON: {exc}"
        else:
            if isinstance(payload, dict):
                return payload
            reason = f"a JSON {type(payload).__name__}, not an object"
        # Scrubbed before being cut (see SecretScrubber.snippet).
        start = self._scrub.snippet(body[:4096].decode("utf-8", "replace"), _SNIPPET)
        error = BadResponseError(
            f"{shown} answered HTTP {status} with {reason} (body starts {start!r}). TMDB "
            "answers JSON objects: if TMDB_API_BASE_URL points at a proxy or mirror, check that "
            "it serves the API (e.g. https://api.themoviedb.org/3).",
            url=shown,
            status=status,
        )
        raise _BadBody(error) if retry else error


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default TLS context, built once per process.

    Loading the CA bundle takes longer than a whole load_series from a warm cache; every client
    would otherwise load it again.
    """
    return httpx.create_ssl_context()


def _encoding(response: httpx.Response) -> str | None:
    """The response's Content-Encoding, None when it is absent or ``identity``."""
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    return None if encoding in ("", "identity") else encoding


def _tmdb_error(body: bytes) -> tuple[int | None, str | None]:
    """TMDB's own ``status_code`` and ``status_message`` from an error body, when it is JSON."""
    try:
        error = json.loads(body)
    except (ValueError, RecursionError):
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
