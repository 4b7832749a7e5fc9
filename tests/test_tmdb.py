"""The HTTP client against the fake TMDB: auth, errors, retries, concurrency, sync face."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import gzip
import json
import logging
import signal
import socket
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest

from credits_analysis import tmdb as tmdb_module
from credits_analysis._sync import run_sync
from credits_analysis.config import Settings
from credits_analysis.errors import (
    AuthError,
    BadResponseError,
    ClientRequestError,
    ConfigError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    TMDBError,
)
from credits_analysis.tmdb import (
    AsyncTMDBClient,
    RetryPolicy,
    TMDBClient,
    TMDBResponse,
    _retry_after_seconds,
)
from tests.fake_tmdb import (
    FAST_RETRY,
    HTML,
    HTML_503,
    TOKEN,
    FakeTMDB,
    Fault,
    fake_settings,
)

SEASON_1 = "tv/1399/season/1/aggregate_credits"


def get(fake: FakeTMDB, api_path: str, **settings: Any) -> TMDBResponse:
    """One GET through the in-process transport, with millisecond backoff."""
    client = TMDBClient(fake_settings(**settings), transport=fake.transport(), retry=FAST_RETRY)
    return client.get(api_path)


def test_get_returns_the_body_as_received_and_parsed(fake_tmdb: FakeTMDB) -> None:
    response = get(fake_tmdb, "tv/1399")
    expected = (fake_tmdb.respond("/3/tv/1399", "", f"Bearer {TOKEN}")).body
    assert response.body == expected
    assert response.payload == json.loads(expected)
    assert (response.status, response.api_path, response.language) == (200, "tv/1399", "en-US")
    assert response.url == "https://api.themoviedb.org/3/tv/1399?language=en-US"
    assert response.fetched_at.tzinfo is not None


def test_token_goes_in_the_header_never_in_the_url(fake_tmdb: FakeTMDB) -> None:
    seen: list[httpx.Request] = []
    inner = fake_tmdb.transport()

    async def spy(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return await inner.handle_async_request(request)

    client = TMDBClient(fake_settings(), transport=httpx.MockTransport(spy))
    client.get("tv/1399")
    (request,) = seen
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in str(request.url)
    assert "api_key" not in str(request.url)


def test_language_parameter_defaults_to_settings_and_can_be_given(fake_tmdb: FakeTMDB) -> None:
    client = TMDBClient(fake_settings(language="pt-BR"), transport=fake_tmdb.transport())
    client.get("tv/1399")
    client.get("tv/1399", language="fr-FR")
    assert [r.language for r in fake_tmdb.requests] == ["pt-BR", "fr-FR"]


@pytest.mark.parametrize(
    ("token", "needle"),
    [
        (None, "TMDB_API_TOKEN"),
        ("0123456789abcdef0123456789ABCDEF", "Read Access Token"),
        (TOKEN.replace(".", ".\u00e9", 1), "non-ASCII"),  # httpx would quote it in an error
    ],
)
def test_missing_token_or_v3_key_fails_before_any_request(
    fake_tmdb: FakeTMDB, token: str | None, needle: str
) -> None:
    settings = dataclasses.replace(fake_settings(), token=token)
    with pytest.raises(ConfigError, match=needle):
        TMDBClient(settings, transport=fake_tmdb.transport())
    with pytest.raises(ConfigError, match=needle):
        AsyncTMDBClient(settings)
    assert fake_tmdb.count() == 0


def test_rejected_token_is_an_auth_error_and_is_not_retried(fake_tmdb: FakeTMDB) -> None:
    with pytest.raises(AuthError, match="Read Access Token") as caught:
        get(fake_tmdb, "tv/1399", token="eyJ-not-the-right-token")
    assert (caught.value.status, caught.value.tmdb_code) == (401, 7)
    assert "Invalid API key" in str(caught.value)
    assert fake_tmdb.count() == 1


def test_not_found_is_not_retried_and_says_what_to_check(fake_tmdb: FakeTMDB) -> None:
    with pytest.raises(NotFoundError, match="series id") as caught:
        get(fake_tmdb, "tv/1399/season/2/aggregate_credits")
    assert (caught.value.status, caught.value.tmdb_code) == (404, 34)
    assert caught.value.url.endswith("/tv/1399/season/2/aggregate_credits?language=en-US")
    assert fake_tmdb.count() == 1


@pytest.mark.parametrize("status", [400, 403, 422])
def test_other_client_errors_are_never_retried(fake_tmdb: FakeTMDB, status: int) -> None:
    fake_tmdb.inject("tv/1399", Fault(status))
    with pytest.raises(ClientRequestError, match="retrying cannot help") as caught:
        get(fake_tmdb, "tv/1399")
    assert caught.value.status == status
    assert fake_tmdb.count() == 1


def test_redirect_is_reported_not_followed(fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.inject("tv/1399", Fault(301, body=b"", headers={"Location": "https://x.test/3/tv/1"}))
    with pytest.raises(ClientRequestError, match="TMDB_API_BASE_URL"):
        get(fake_tmdb, "tv/1399")
    assert fake_tmdb.count() == 1


@pytest.mark.parametrize(
    "fault",
    [
        Fault(429, times=2),
        Fault(500, times=2),
        Fault(503, body=HTML_503, headers=HTML, times=2),
        Fault(disconnect=True, times=2),
    ],
    ids=["429", "500", "503-html", "disconnect"],
)
def test_transient_failures_are_retried_until_success(fake_tmdb: FakeTMDB, fault: Fault) -> None:
    fake_tmdb.inject("tv/1399", fault)
    response = get(fake_tmdb, "tv/1399", max_retries=2)
    assert response.payload["id"] == 1399
    assert fake_tmdb.count() == 3


@pytest.mark.parametrize(
    ("fault", "error", "needle"),
    [
        (Fault(429), RateLimitedError, "CREDITS_ANALYSIS_RATE_LIMIT"),
        (Fault(500), ServerError, "TMDB's side"),
        (Fault(503, body=HTML_503, headers=HTML), ServerError, "HTTP 503"),
        (Fault(disconnect=True), NetworkError, "RemoteProtocolError"),
    ],
    ids=["429", "500", "503-html", "disconnect"],
)
def test_retries_end_with_a_typed_error_naming_the_attempts(
    fake_tmdb: FakeTMDB, fault: Fault, error: type[TMDBError], needle: str
) -> None:
    fake_tmdb.inject("tv/1399", fault)
    with pytest.raises(error, match=needle) as caught:
        get(fake_tmdb, "tv/1399", max_retries=3)
    assert "after 4 attempts" in str(caught.value)
    assert fake_tmdb.count() == 4


def test_tmdb_error_body_is_parsed_into_the_error(fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.inject("tv/1399", Fault(429))
    with pytest.raises(RateLimitedError) as caught:
        get(fake_tmdb, "tv/1399", max_retries=0)
    assert (caught.value.status, caught.value.tmdb_code) == (429, 25)
    assert "over the allowed limit" in str(caught.value)


def test_retry_after_is_honoured(fake_tmdb: FakeTMDB, caplog: pytest.LogCaptureFixture) -> None:
    # A huge backoff that only Retry-After can override keeps this fast only if it is honoured.
    slow_backoff = RetryPolicy(backoff_base=60.0, backoff_max=60.0)
    past = format_datetime(datetime.now(UTC) - timedelta(minutes=1), usegmt=True)
    fake_tmdb.inject("tv/1399", Fault(429, headers={"Retry-After": "0"}, times=1))
    fake_tmdb.inject("tv/1399", Fault(503, headers={"Retry-After": past}, times=1))
    caplog.set_level(logging.INFO, logger="credits_analysis.tmdb")
    client = TMDBClient(fake_settings(), transport=fake_tmdb.transport(), retry=slow_backoff)
    assert client.get("tv/1399").payload["id"] == 1399
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 2
    assert all(m.endswith("retrying in 0.00 s (Retry-After)") for m in retries)


def test_retry_after_longer_than_allowed_fails_at_once(fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.inject("tv/1399", Fault(429, headers={"Retry-After": "3600"}))
    with pytest.raises(RateLimitedError, match="asked to wait 3600 s") as caught:
        get(fake_tmdb, "tv/1399", max_retries=5)
    assert "after 1 attempt" in str(caught.value)
    assert fake_tmdb.count() == 1


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("Wed, 01 Jan 2025 00:00:30 GMT", 30.0),
        ("Tue, 31 Dec 2024 23:59:00 GMT", 0.0),
        ("-5", 0.0),
        ("soon", None),
        ("nan", None),
        (None, None),
    ],
)
def test_retry_after_header_parsing(value: str | None, seconds: float | None) -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert _retry_after_seconds(value, now=now) == seconds


@pytest.mark.parametrize(
    ("fault", "needle", "requests"),
    [
        (Fault(200, body=HTML_503, headers=HTML), "not JSON", 2),
        (Fault(truncate=True), "not JSON", 2),
        (Fault(200, body=b""), "empty body", 2),
        (Fault(200, body=b"[1, 2]"), "JSON list, not an object", 1),
        (Fault(200, body=b"[" * 100_000 + b"]" * 100_000), "nested too deeply", 1),
    ],
    ids=["html", "truncated", "empty", "list", "deeply-nested"],
)
def test_bad_2xx_bodies_are_bad_responses_retried_once_if_they_do_not_parse(
    fake_tmdb: FakeTMDB, fault: Fault, needle: str, requests: int
) -> None:
    fake_tmdb.inject("tv/1399", fault)
    with pytest.raises(BadResponseError, match=needle) as caught:
        get(fake_tmdb, "tv/1399", max_retries=5)
    assert "TMDB_API_BASE_URL" in str(caught.value) and "bug" not in str(caught.value)
    assert fake_tmdb.count() == requests


def test_one_off_truncated_answer_is_retried(fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.inject(SEASON_1, Fault(truncate=True, times=1))
    assert len(get(fake_tmdb, SEASON_1).payload["cast"]) > 0
    assert fake_tmdb.count() == 2


def test_no_retry_of_a_bad_body_when_retries_are_off(fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.inject(SEASON_1, Fault(truncate=True, times=1))
    with pytest.raises(BadResponseError, match="not JSON"):
        get(fake_tmdb, SEASON_1, max_retries=0)
    assert fake_tmdb.count() == 1


def test_echoed_token_is_scrubbed_from_messages(fake_tmdb: FakeTMDB) -> None:
    echo = f"<html>Authorization: Bearer {TOKEN}</html>".encode()
    fake_tmdb.inject("tv/1399", Fault(200, body=echo, headers=HTML))
    fake_tmdb.inject(
        "tv/1396",
        Fault(503, body=json.dumps({"status_code": 9, "status_message": TOKEN}).encode()),
    )
    for path, error in [("tv/1399", BadResponseError), ("tv/1396", ServerError)]:
        with pytest.raises(error) as caught:
            get(fake_tmdb, path, max_retries=0)
        # Not even a piece: a message cut to a snippet before scrubbing would leak a prefix.
        assert TOKEN[:12] not in str(caught.value)
        assert TOKEN[:12] not in repr(caught.value)
        assert "<token>" in str(caught.value)


def test_get_many_reports_each_path_and_stops_no_other(fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.inject("tv/1399/season/2", Fault(404))
    paths = [SEASON_1, "tv/1399/season/2/aggregate_credits", "tv/1396"]
    seen: list[str] = []

    async def go() -> dict[str, TMDBResponse | TMDBError]:
        async with AsyncTMDBClient(fake_settings(), transport=fake_tmdb.transport()) as client:
            return await client.get_many(paths, on_result=lambda path, _: seen.append(path))

    results = asyncio.run(go())
    assert list(results) == paths
    assert isinstance(results[paths[1]], NotFoundError)
    assert all(isinstance(results[p], TMDBResponse) for p in (paths[0], paths[2]))
    assert sorted(seen) == sorted(paths)


#: A body announced as gzip that is not: httpx raises DecodingError while reading it.
BROKEN_GZIP = Fault(200, body=b"not gzip at all", headers={"Content-Encoding": "gzip"})


def get_many(
    transport: httpx.AsyncBaseTransport,
    paths: list[str],
    settings: Settings | None = None,
    **options: Any,
) -> dict[str, TMDBResponse | TMDBError]:
    """AsyncTMDBClient.get_many through ``transport``, with millisecond backoff."""

    async def go() -> dict[str, TMDBResponse | TMDBError]:
        async with AsyncTMDBClient(
            settings or fake_settings(), transport=transport, retry=FAST_RETRY
        ) as client:
            return await client.get_many(paths, **options)

    return asyncio.run(go())


def test_undecodable_body_is_a_bad_response_of_its_path_only(fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.inject(SEASON_1, BROKEN_GZIP)
    results = get_many(fake_tmdb.transport(), [SEASON_1, "tv/1399", "tv/1396"])
    error = results[SEASON_1]
    assert isinstance(error, BadResponseError)
    assert "cannot be decoded" in str(error) and "TMDB_API_BASE_URL" in str(error)
    assert isinstance(error.__cause__, httpx.DecodingError)
    assert all(isinstance(results[p], TMDBResponse) for p in ("tv/1399", "tv/1396"))
    assert fake_tmdb.count(SEASON_1) == 1  # the same bytes would come back: not retried


def test_unexpected_exception_fails_its_path_only(fake_tmdb: FakeTMDB) -> None:
    inner = fake_tmdb.transport()

    async def buggy(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/tv/1396"):
            raise ZeroDivisionError("a bug in a transport")
        return await inner.handle_async_request(request)

    results = get_many(httpx.MockTransport(buggy), [SEASON_1, "tv/1396", "tv/1399"])
    error = results["tv/1396"]
    assert type(error) is TMDBError
    assert isinstance(error.__cause__, ZeroDivisionError)
    assert "a bug in a transport" in str(error) and error.url is not None
    assert all(isinstance(results[p], TMDBResponse) for p in (SEASON_1, "tv/1399"))


def test_exception_in_on_result_fails_its_path_only(fake_tmdb: FakeTMDB) -> None:
    seen: list[str] = []

    def on_result(path: str, result: TMDBResponse | TMDBError) -> None:
        seen.append(path)
        if path == "tv/1396":
            raise OSError("disk full")

    results = get_many(fake_tmdb.transport(), [SEASON_1, "tv/1396", "tv/1399"], on_result=on_result)
    error = results["tv/1396"]
    assert type(error) is TMDBError and isinstance(error.__cause__, OSError)
    assert all(isinstance(results[p], TMDBResponse) for p in (SEASON_1, "tv/1399"))
    assert sorted(seen) == sorted(results)


def test_async_client_must_be_entered(fake_tmdb: FakeTMDB) -> None:
    client = AsyncTMDBClient(fake_settings(), transport=fake_tmdb.transport())
    with pytest.raises(RuntimeError, match="async with"):
        asyncio.run(client.get("tv/1399"))


@pytest.mark.parametrize("max_connections", [1, 3])
def test_in_flight_requests_never_exceed_max_connections(
    fake_tmdb_url: str,
    fake_tmdb: FakeTMDB,
    monkeypatch: pytest.MonkeyPatch,
    max_connections: int,
) -> None:
    details, _ = fake_tmdb.add_generated(77, seasons=12, specials=False)
    paths = [f"tv/77/season/{s['season_number']}/aggregate_credits" for s in details["seasons"]]
    # Like a barrier: the first answers wait until max_connections requests are in flight at
    # once (or 10 s have passed), so the overlap does not depend on how busy the machine is.
    # Every later request is then free to pile up if the client let more through.
    answer = fake_tmdb.respond
    deadline = time.monotonic() + 10

    def respond_once_full(*args: Any) -> Any:
        while fake_tmdb.max_in_flight < max_connections and time.monotonic() < deadline:
            time.sleep(0.001)
        return answer(*args)

    monkeypatch.setattr(fake_tmdb, "respond", respond_once_full)
    settings = fake_settings(fake_tmdb_url, max_connections=max_connections)
    results = TMDBClient(settings).get_many(paths)
    assert all(isinstance(r, TMDBResponse) for r in results.values())
    assert fake_tmdb.max_in_flight == max_connections


def test_slow_response_times_out_and_is_retried_then_fails(
    fake_tmdb_url: str, fake_tmdb: FakeTMDB
) -> None:
    fake_tmdb.inject("tv/1399", Fault(delay=0.5))
    settings = fake_settings(fake_tmdb_url, timeout=0.05, max_retries=1)
    with pytest.raises(NetworkError, match="CREDITS_ANALYSIS_TIMEOUT") as caught:
        TMDBClient(settings, retry=FAST_RETRY).get("tv/1399")
    assert "after 2 attempts" in str(caught.value)
    assert fake_tmdb.count() == 2


def test_slow_response_within_the_timeout_succeeds(fake_tmdb_url: str, fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.inject("tv/1399", Fault(delay=0.05))
    settings = fake_settings(fake_tmdb_url, timeout=2.0)
    assert TMDBClient(settings).get("tv/1399").payload["id"] == 1399


def test_truncated_connection_on_a_real_socket_is_retried(
    fake_tmdb_url: str, fake_tmdb: FakeTMDB
) -> None:
    fake_tmdb.inject(SEASON_1, Fault(disconnect=True, times=1))
    settings = fake_settings(fake_tmdb_url)
    response = TMDBClient(settings, retry=FAST_RETRY).get(SEASON_1)
    assert len(response.payload["cast"]) > 0
    assert fake_tmdb.count() == 2


def test_connection_refused_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago, with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = fake_settings(f"http://127.0.0.1:{port}/3", max_retries=1)
    with pytest.raises(NetworkError, match="check your connection") as caught:
        TMDBClient(settings, retry=FAST_RETRY).get("tv/1399")
    assert "ConnectError" in str(caught.value)


def test_sync_face_runs_in_the_calling_thread_without_a_loop(fake_tmdb: FakeTMDB) -> None:
    threads = ThreadSpy(fake_tmdb)
    TMDBClient(fake_settings(), transport=threads.transport).get("tv/1399")
    assert threads.names == [threading.current_thread().name]


def test_sync_face_works_inside_a_running_event_loop(fake_tmdb: FakeTMDB) -> None:
    # A Jupyter kernel runs cells inside an event loop; asyncio.run would fail there.
    threads = ThreadSpy(fake_tmdb)

    async def notebook_cell() -> TMDBResponse:
        return TMDBClient(fake_settings(), transport=threads.transport).get("tv/1399")

    assert asyncio.run(notebook_cell()).payload["id"] == 1399
    assert threads.names == ["credits-analysis-fetch"]


def test_errors_cross_back_from_the_worker_thread(fake_tmdb: FakeTMDB) -> None:
    async def notebook_cell() -> TMDBResponse:
        return TMDBClient(fake_settings(), transport=fake_tmdb.transport()).get("tv/1/season/99")

    with pytest.raises(NotFoundError):
        asyncio.run(notebook_cell())


def blocked_in_run_sync(thread_id: int) -> bool:
    """Whether that thread is waiting for run_sync's worker thread (where an interrupt lands)."""
    frame = sys._current_frames().get(thread_id)
    while frame is not None and frame.f_back is not None:
        if (frame.f_code.co_name, frame.f_back.f_code.co_name) == ("join", "_run_in_worker_thread"):
            return True
        frame = frame.f_back
    return False


def test_interrupt_inside_a_running_loop_cancels_the_work(fake_tmdb: FakeTMDB) -> None:
    started, cancelled = threading.Event(), threading.Event()

    async def endless() -> None:
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    def interrupt(main: int) -> None:
        # Only once the work runs and the main thread waits for it, however slow the machine.
        started.wait(10)
        deadline = time.monotonic() + 10
        while not blocked_in_run_sync(main) and time.monotonic() < deadline:
            time.sleep(0.005)
        signal.pthread_kill(main, signal.SIGINT)

    async def notebook_cell() -> None:
        # What the kernel does on "interrupt": SIGINT to the main thread, blocked in run_sync.
        main = threading.main_thread().ident
        assert main is not None
        threading.Thread(target=interrupt, args=(main,), daemon=True).start()
        run_sync(endless())

    # A bare loop, as in ipykernel; asyncio.run would install its own SIGINT handler.
    loop = asyncio.new_event_loop()
    try:
        with pytest.raises(KeyboardInterrupt):
            loop.run_until_complete(notebook_cell())
    finally:
        loop.close()
    assert cancelled.wait(5)


def test_repr_shows_no_token(fake_tmdb: FakeTMDB) -> None:
    settings = fake_settings()
    for client in (TMDBClient(settings), AsyncTMDBClient(settings)):
        assert TOKEN not in repr(client)
        assert "api.themoviedb.org" in repr(client)


class ThreadSpy:
    """The fake's transport, noting the thread each request is sent from."""

    def __init__(self, fake: FakeTMDB) -> None:
        self.names: list[str] = []
        inner = fake.transport()

        async def handle(request: httpx.Request) -> httpx.Response:
            self.names.append(threading.current_thread().name)
            return await inner.handle_async_request(request)

        self.transport = httpx.MockTransport(handle)


# --- hostile servers: size, deadlines, waits ---

#: A small JSON object that a trickling server takes seconds to send.
SMALL = b'{"id": 1399, "name": "Game of Thrones", "seasons": []}'


def zeros_gzip(megabytes: int) -> bytes:
    """A gzip stream that decompresses to ``megabytes`` MB of spaces (a few kB on the wire)."""
    return gzip.compress(b" " * (megabytes * 1_000_000), compresslevel=9)


@pytest.mark.parametrize(
    "fault",
    [
        Fault(200, body=zeros_gzip(3), headers={"Content-Encoding": "gzip"}),
        Fault(200, body=b" " * 1_500_000 + b"{}"),
    ],
    ids=["gzip-bomb", "plain"],
)
def test_body_larger_than_allowed_fails_that_path_and_is_not_retried(
    fake_tmdb: FakeTMDB, fault: Fault
) -> None:
    fake_tmdb.inject(SEASON_1, fault)
    results = get_many(
        fake_tmdb.transport(), [SEASON_1, "tv/1399"], fake_settings(max_response_mb=1)
    )
    error = results[SEASON_1]
    assert isinstance(error, BadResponseError)
    assert "over the 1 MB allowed (CREDITS_ANALYSIS_MAX_RESPONSE_MB)" in str(error)
    assert isinstance(results["tv/1399"], TMDBResponse)
    assert fake_tmdb.count(SEASON_1) == 1


def test_body_within_the_size_allowed_is_read_whole(fake_tmdb: FakeTMDB) -> None:
    body = json.dumps({"id": 1399, "padding": "x" * 900_000}).encode()
    fake_tmdb.inject(
        "tv/1399", Fault(200, body=gzip.compress(body), headers={"Content-Encoding": "gzip"})
    )
    assert get(fake_tmdb, "tv/1399", max_response_mb=1).body == body


@pytest.mark.parametrize("endless", [True, False], ids=["endless-chunked", "announced-too-big"])
def test_endless_or_announced_too_big_body_on_a_socket_fails_fast(
    fake_tmdb_url: str, fake_tmdb: FakeTMDB, endless: bool
) -> None:
    fault = Fault(endless=True) if endless else Fault(200, body=b" " * 3_000_000 + b"{}")
    fake_tmdb.inject("tv/1399", fault)
    settings = fake_settings(fake_tmdb_url, max_response_mb=2)
    with pytest.raises(BadResponseError, match="over the 2 MB allowed"):
        TMDBClient(settings, retry=FAST_RETRY).get("tv/1399")
    assert fake_tmdb.count() == 1


def test_error_body_is_read_only_as_far_as_its_message(fake_tmdb: FakeTMDB) -> None:
    message = "Service offline. " + "x" * 5_000_000
    body = json.dumps({"status_code": 9, "status_message": message}).encode()
    fake_tmdb.inject("tv/1399", Fault(503, body=body))
    with pytest.raises(ServerError) as caught:
        get(fake_tmdb, "tv/1399", max_retries=0)
    assert len(str(caught.value)) < 1000  # the message did not parse, cut at 64 kB: not quoted
    assert "HTTP 503" in str(caught.value)


def test_long_server_message_is_quoted_cut_short(fake_tmdb: FakeTMDB) -> None:
    message = "Service offline. " + "x" * 20_000
    body = json.dumps({"status_code": 9, "status_message": message}).encode()
    fake_tmdb.inject("tv/1399", Fault(503, body=body))
    with pytest.raises(ServerError, match=r"TMDB code 9: Service offline\. xxx") as caught:
        get(fake_tmdb, "tv/1399", max_retries=0)
    assert len(str(caught.value)) < 1000


@pytest.mark.parametrize("trickled", ["body", "headers"])
def test_trickling_server_is_cut_off_at_the_request_deadline(
    fake_tmdb_url: str, fake_tmdb: FakeTMDB, trickled: str
) -> None:
    # One byte every 0.05 s: no read ever waits the 2 s timeout, yet the answer takes seconds.
    body = SMALL if trickled == "body" else b"{}"
    headers = {} if trickled == "body" else {"X-Padding": "p" * 60}
    fake_tmdb.inject("tv/1399", Fault(200, body=body, headers=headers, trickle=0.05))
    settings = fake_settings(fake_tmdb_url, timeout=2.0, request_deadline=0.5, max_retries=0)
    started = time.monotonic()
    with pytest.raises(NetworkError, match="CREDITS_ANALYSIS_REQUEST_DEADLINE") as caught:
        TMDBClient(settings, retry=FAST_RETRY).get("tv/1399")
    assert "no complete answer within 0.5 s" in str(caught.value)
    assert time.monotonic() - started < 5  # the whole answer would take over 6 s


def test_trickled_answer_within_the_deadline_succeeds(
    fake_tmdb_url: str, fake_tmdb: FakeTMDB
) -> None:
    fake_tmdb.inject("tv/1399", Fault(200, body=b"{}", trickle=0.001))
    settings = fake_settings(fake_tmdb_url, request_deadline=30)
    assert TMDBClient(settings).get("tv/1399").payload == {}


def test_wait_longer_than_the_time_left_fails_at_once_saying_why(fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.inject("tv/1399", Fault(429, headers={"Retry-After": "4"}))
    started = time.monotonic()
    with pytest.raises(RateLimitedError, match="CREDITS_ANALYSIS_MAX_RETRY_TIME") as caught:
        get(fake_tmdb, "tv/1399", max_retries=5, max_retry_time=1.0)
    assert "after 1 attempt" in str(caught.value) and "the 4 s wait" in str(caught.value)
    assert fake_tmdb.count() == 1
    assert time.monotonic() - started < 3


def test_retries_stop_when_the_time_allowed_runs_out(fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.inject("tv/1399", Fault(503, headers={"Retry-After": "0.3"}))
    with pytest.raises(ServerError, match="CREDITS_ANALYSIS_MAX_RETRY_TIME"):
        get(fake_tmdb, "tv/1399", max_retries=50, max_retry_time=1.0)
    assert 2 <= fake_tmdb.count() <= 5  # 0.3 s apart within 1 s; never the 51 attempts


def test_long_wait_is_announced_as_a_warning_and_to_on_wait(
    fake_tmdb: FakeTMDB, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tmdb_module, "ANNOUNCED_WAIT", 0.05)  # so the test waits 0.1 s, not 2
    fake_tmdb.inject("tv/1399", Fault(429, headers={"Retry-After": "0.1"}, times=1))
    waits: list[tuple[str, float, str]] = []
    caplog.set_level(logging.WARNING, logger="credits_analysis.tmdb")
    results = get_many(fake_tmdb.transport(), ["tv/1399"], on_wait=lambda *w: waits.append(w))
    assert isinstance(results["tv/1399"], TMDBResponse)
    assert waits == [("tv/1399", 0.1, "HTTP 429, TMDB code 25: " + ERRORS_429)]
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    message = record.getMessage()
    assert "waiting 0 s, as the server asked (until " in message
    assert "before attempt 2 of 3 (Ctrl-C stops)" in message and "HTTP 429" in message


ERRORS_429 = "Your request count (41) is over the allowed limit of 40."


@pytest.mark.parametrize(
    "location", ["javascript:alert(document.cookie)", "http://[bad", "data:text/html,<b>x</b>"]
)
def test_redirect_to_a_hostile_or_broken_address_is_refused(
    fake_tmdb: FakeTMDB, location: str
) -> None:
    fake_tmdb.inject("tv/1399", Fault(302, body=b"", headers={"Location": location}))
    results = get_many(fake_tmdb.transport(), ["tv/1399"])
    error = results["tv/1399"]
    assert isinstance(error, ClientRequestError), error
    assert "redirects are never followed" in str(error) and "bug" not in str(error)
    assert fake_tmdb.count() == 1


def test_cut_short_gzip_stream_is_called_that_not_an_empty_body(fake_tmdb: FakeTMDB) -> None:
    cut = gzip.compress(SMALL)[:10]  # the gzip header alone
    fake_tmdb.inject("tv/1399", Fault(200, body=cut, headers={"Content-Encoding": "gzip"}))
    with pytest.raises(BadResponseError, match="gzip stream that decodes to nothing") as caught:
        get(fake_tmdb, "tv/1399")
    assert "damaged or cut short" in str(caught.value)
    assert "empty body" not in str(caught.value)


# --- token echoes ---


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    ("echo", "start", "end"),
    [
        (TOKEN[:13], 0, 13),
        (TOKEN[9:30], 0, 21),
        (b64(TOKEN), 0, -4),
        # "Bearer " is 7 bytes: 8 characters of its own, then one group mixing it and the token.
        (b64(f"Bearer {TOKEN}"), 12, -4),
        (b64(f"x:{TOKEN}"), 4, -4),
        (base64.urlsafe_b64encode(TOKEN.encode()).decode(), 0, -4),
        (quote(f"Bearer {TOKEN}", safe=""), 9, None),
        (quote_plus(TOKEN), 0, None),
    ],
    ids=["prefix", "middle", "b64", "b64-bearer", "b64-basic", "b64-urlsafe", "url", "url-plus"],
)
def test_pieces_and_encodings_of_the_token_are_scrubbed(
    fake_tmdb: FakeTMDB, echo: str, start: int, end: int | None
) -> None:
    said = json.dumps({"status_code": 9, "status_message": f"you sent {echo} to us"}).encode()
    fake_tmdb.inject("tv/1399", Fault(503, body=said))
    fake_tmdb.inject("tv/1396", Fault(200, body=f"<p>{echo}</p>".encode(), headers=HTML))
    for path, error in [("tv/1399", ServerError), ("tv/1396", BadResponseError)]:
        with pytest.raises(error) as caught:
            get(fake_tmdb, path, max_retries=0)
        text = str(caught.value)
        assert "<token>" in text
        secret = echo[start:end]  # what carries the token alone (b64: not the padded end)
        for i in range(len(secret) - 7):
            assert secret[i : i + 8] not in text, secret[i : i + 8]


def test_final_network_error_keeps_the_httpx_error_as_its_cause(fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.inject("tv/1399", Fault(disconnect=True))
    with pytest.raises(NetworkError) as caught:
        get(fake_tmdb, "tv/1399", max_retries=1)
    assert isinstance(caught.value.__cause__, httpx.RemoteProtocolError)
