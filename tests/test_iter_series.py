"""iter_series: many series on the loading path of load_series, one client, streaming."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from credits_analysis import tmdb
from credits_analysis.errors import (
    AuthError,
    ConfigError,
    NotFoundError,
    PartialLoadWarning,
    ServerError,
)
from credits_analysis.load import SeriesOutcome, iter_series, load_series
from tests.fake_tmdb import FAST_RETRY, FakeTMDB, Fault, fake_settings

WORKER = "credits-analysis-fetch"


def stream(fake: FakeTMDB | None, ids: Any, **options: Any) -> Iterator[SeriesOutcome]:
    """iter_series through the fake's in-process transport."""
    options.setdefault("settings", fake_settings())
    if fake is not None:
        options.setdefault("transport", fake.transport())
    return iter_series(ids, retry=FAST_RETRY, **options)


def workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == WORKER]


@pytest.fixture
def clients(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many AsyncTMDBClient were opened and closed."""
    counts = {"opened": 0, "closed": 0}
    enter, leave = tmdb.AsyncTMDBClient.__aenter__, tmdb.AsyncTMDBClient.__aexit__

    async def opened(self: tmdb.AsyncTMDBClient) -> tmdb.AsyncTMDBClient:
        counts["opened"] += 1
        return await enter(self)

    async def closed(self: tmdb.AsyncTMDBClient, *exc: Any) -> None:
        counts["closed"] += 1
        await leave(self, *exc)

    monkeypatch.setattr(tmdb.AsyncTMDBClient, "__aenter__", opened)
    monkeypatch.setattr(tmdb.AsyncTMDBClient, "__aexit__", closed)
    return counts


def test_every_series_is_yielded_once_through_one_client_and_its_connection_cap(
    fake_tmdb: FakeTMDB, clients: dict[str, int]
) -> None:
    ids = list(range(501, 507))
    for series_id in ids:
        fake_tmdb.add_generated(series_id, seasons=3, episodes_per_season=2)
    fake_tmdb.latency = 0.01
    settings = fake_settings(max_connections=2)
    outcomes = list(stream(fake_tmdb, ids, settings=settings, max_in_flight=4))
    assert sorted(o.series_id for o in outcomes) == ids
    for outcome in outcomes:
        assert outcome.error is None and outcome.warnings == ()
        assert outcome.credits is not None and outcome.credits.series_id == outcome.series_id
        assert list(outcome.credits.payloads) == [1, 2, 3]
        assert outcome.requests == 4  # details and three seasons
    assert fake_tmdb.count() == 4 * len(ids)
    assert clients == {"opened": 1, "closed": 1}  # one rate limiter, one connection pool
    assert fake_tmdb.max_in_flight <= 2
    assert workers() == []


def test_outcome_equals_what_load_series_gives(fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.add_generated(601, seasons=2)
    (outcome,) = stream(fake_tmdb, [601])
    again = load_series(601, settings=fake_settings(), transport=fake_tmdb.transport())
    assert outcome.credits is not None
    assert outcome.credits.cast.equals(again.cast) and outcome.credits.crew.equals(again.crew)
    assert outcome.credits.seasons.drop(columns="source").equals(
        again.seasons.drop(columns="source")
    )
    assert set(again.seasons["source"]) == {"cache"}


def test_cached_series_make_no_request_and_the_demo_series_need_no_token(
    fake_tmdb: FakeTMDB, clients: dict[str, int]
) -> None:
    list(stream(fake_tmdb, [701]))
    fake_tmdb.requests.clear()
    outcomes = {o.series_id: o for o in stream(fake_tmdb, [701, 9000001])}
    assert {n: o.requests for n, o in outcomes.items()} == {701: 0, 9000001: 0}
    assert fake_tmdb.count() == 0
    assert clients["opened"] == 1  # the first stream only: a warm one builds no client
    demo = outcomes[9000001].credits
    assert demo is not None and demo.is_synthetic


def test_failure_of_one_series_is_its_outcome_and_the_others_go_on(fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.inject("tv/802", Fault(404))
    fake_tmdb.inject("tv/803/season/2", Fault(500))
    with warnings.catch_warnings(record=True) as emitted:
        warnings.simplefilter("always")
        outcomes = {o.series_id: o for o in stream(fake_tmdb, [801, 802, 803], seasons=[1, 2])}
    assert emitted == []  # held in the outcomes, never emitted
    assert outcomes[801].error is None and outcomes[801].warnings == ()
    failed = outcomes[802]
    assert failed.credits is None and isinstance(failed.error, NotFoundError)
    assert failed.error.partial is not None and failed.error.partial.details is None
    assert failed.requests == 1  # its seasons were not asked for
    partial = outcomes[803]
    assert partial.credits is not None and list(partial.credits.payloads) == [1]
    assert isinstance(partial.credits.failures[2], ServerError)
    assert [w.category for w in partial.warnings] == [PartialLoadWarning]
    assert "season 2: ServerError" in str(partial.warnings[0].message)


def test_rejected_token_stops_the_stream_at_once(fake_tmdb: FakeTMDB) -> None:
    revoked = fake_settings(token="eyJ-revoked")
    outcomes = stream(fake_tmdb, itertools.count(900), settings=revoked, max_in_flight=3)
    with pytest.raises(AuthError, match="TMDB rejected the token"):
        next(outcomes)
    assert fake_tmdb.count() <= 3 * 2  # the series in flight and those waiting, no more
    assert workers() == []


def test_v3_key_is_a_config_error_once_a_fetch_is_needed(fake_tmdb: FakeTMDB) -> None:
    list(stream(fake_tmdb, [950]))
    v3 = fake_settings(token="0123456789abcdef0123456789abcdef")
    outcomes = stream(fake_tmdb, [950, 951], settings=v3, max_in_flight=1)
    first = next(outcomes)
    assert first.series_id == 950 and first.requests == 0
    with pytest.raises(ConfigError, match="Read Access Token"):
        next(outcomes)
    assert workers() == []


@pytest.mark.parametrize(
    ("options", "error"),
    [({"max_in_flight": 0}, ValueError), ({"seasons": "1"}, TypeError)],
)
def test_bad_arguments_fail_before_anything_runs(
    fake_tmdb: FakeTMDB, options: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        stream(fake_tmdb, [1], **options)
    assert fake_tmdb.count() == 0 and workers() == []


def test_an_id_that_is_not_an_integer_fails_when_reached(fake_tmdb: FakeTMDB) -> None:
    with pytest.raises(TypeError, match="series ids must be ints"):
        list(stream(fake_tmdb, ["1399"]))
    assert workers() == []


def test_the_stream_is_bounded_and_a_slow_consumer_holds_it_back(fake_tmdb: FakeTMDB) -> None:
    pulled: list[int] = []

    def ids() -> Iterator[int]:
        for series_id in itertools.count(1000):
            pulled.append(series_id)
            yield series_id

    outcomes = stream(fake_tmdb, ids(), max_in_flight=2, seasons=1)
    taken = [next(outcomes) for _ in range(3)]
    time.sleep(0.5)  # a consumer busy elsewhere; an unbounded producer would run on
    # Consumed, plus at most 2 in flight, 2 waiting in the queue, 1 being queued and the rest
    # of a batch that finished together.
    assert len(pulled) <= len(taken) + 2 + 2 + 1 + 2
    outcomes.close()
    assert workers() == []


def test_closing_early_cancels_the_series_in_flight_and_closes_the_client(
    fake_tmdb: FakeTMDB, clients: dict[str, int]
) -> None:
    inner = fake_tmdb.transport()
    cancelled: list[str] = []

    async def handle(request: httpx.Request) -> httpx.Response:
        if not request.url.path.startswith("/3/tv/1100"):
            try:
                await asyncio.sleep(60)  # the other series never answer
            except asyncio.CancelledError:
                cancelled.append(request.url.path)
                raise
        return await inner.handle_async_request(request)

    outcomes = stream(
        None, [1100, 1101, 1102], transport=httpx.MockTransport(handle), max_in_flight=3
    )
    assert next(outcomes).series_id == 1100
    outcomes.close()
    assert sorted(cancelled) == ["/3/tv/1101", "/3/tv/1102"]
    assert clients == {"opened": 1, "closed": 1}
    assert workers() == []


def test_breaking_out_of_a_for_loop_leaks_no_thread(fake_tmdb: FakeTMDB) -> None:
    for outcome in stream(fake_tmdb, itertools.count(1200), max_in_flight=2, seasons=1):
        assert outcome.error is None
        break
    assert workers() == []


def test_works_inside_a_running_event_loop(fake_tmdb: FakeTMDB, cache_dir: Path) -> None:
    threads: list[str] = []
    inner = fake_tmdb.transport()

    async def handle(request: httpx.Request) -> httpx.Response:
        threads.append(threading.current_thread().name)
        return await inner.handle_async_request(request)

    async def notebook_cell() -> list[SeriesOutcome]:
        return list(stream(None, [1301, 1302], transport=httpx.MockTransport(handle), seasons=1))

    outcomes = asyncio.run(notebook_cell())
    assert sorted(o.series_id for o in outcomes) == [1301, 1302]
    assert all(o.credits is not None for o in outcomes)
    assert set(threads) == {WORKER}
    assert workers() == []
