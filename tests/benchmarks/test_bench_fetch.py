"""``load_series`` of a 20-season series from the local fake TMDB, 100 ms latency per request.

All in the same run, end to end (fetch, store, parse), each into an empty cache:

- sequential baseline: the same client with one connection;
- concurrent with the defaults (8 connections, 20 requests/s), and with 20 connections (TMDB's
  per-address connection allowance);
- a 10 requests/s limit, to show the limiter holds;
- then the same series again from the warm cache.

The details come first (their ``seasons[]`` says what to fetch), so 8 connections need
1 + ceil(20/8) = 4 round trips against the baseline's 21: at most 5.25x, before the fixed costs
(client start-up, parsing) that both runs share. The figures are printed; the assertions are
bounds that hold under load, not the targets.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest

from credits_analysis.load import SeriesCredits, load_series
from tests.benchmarks.timing import best_time
from tests.fake_tmdb import FakeTMDB, fake_settings

SERIES = 6020
SEASONS = 20
LATENCY = 0.1
REQUESTS = SEASONS + 1


def timed_load(
    fake: FakeTMDB, base_url: str, cache_dir: Path, *, rate: float, connections: int
) -> float:
    fake.requests.clear()
    fake.max_in_flight = 0
    settings = fake_settings(
        base_url,
        cache_dir=cache_dir,
        timeout=10.0,
        requests_per_second=rate,
        max_connections=connections,
    )
    start = time.perf_counter()
    series = load_series(SERIES, settings=settings, progress=False)
    elapsed = time.perf_counter() - start
    assert len(series.payloads) == SEASONS and set(series.seasons["source"]) == {"network"}
    assert fake.count() == REQUESTS and fake.max_in_flight <= connections
    return elapsed


@pytest.mark.benchmark
def test_concurrent_fetch_against_sequential_and_warm_cache(
    fake_tmdb: FakeTMDB, fake_tmdb_url: str, tmp_path: Path
) -> None:
    fake_tmdb.add_generated(SERIES, seasons=SEASONS, specials=False)
    fake_tmdb.latency = LATENCY

    def run(name: str, *, rate: float = 20.0, connections: int = 8) -> float:
        return timed_load(
            fake_tmdb, fake_tmdb_url, tmp_path / name, rate=rate, connections=connections
        )

    sequential = run("sequential", connections=1)
    default = run("default")
    wide = run("wide", connections=20)
    limited = run("limited", rate=10.0)

    warm_series: list[SeriesCredits] = []
    warm_settings = fake_settings(fake_tmdb_url, cache_dir=tmp_path / "default")
    fake_tmdb.requests.clear()
    warm = best_time(lambda: warm_series.append(load_series(SERIES, settings=warm_settings)))
    warm_requests = fake_tmdb.count()

    floor = REQUESTS / 20.0
    ceiling = REQUESTS / (1 + math.ceil(SEASONS / 8))
    # aiolimiter lets a burst of `rate` requests through at once, then `rate` per second.
    limited_floor, limited_bound = REQUESTS / 10.0, (REQUESTS - 10.0) / 10.0
    print(
        f"\nload_series, {SEASONS} seasons = {REQUESTS} requests, {LATENCY * 1e3:.0f} ms each"
        f"\n  sequential, 1 connection     {sequential:5.2f} s"
        f"\n  defaults, 8 connections      {default:5.2f} s  {sequential / default:4.1f}x "
        f"(round-trip ceiling {ceiling:.2f}x); {default / floor:.2f}x the rate-limit floor "
        f"{REQUESTS}/20 = {floor:.2f} s"
        f"\n  20 connections               {wide:5.2f} s  {sequential / wide:4.1f}x; "
        f"{wide / floor:.2f}x the floor"
        f"\n  10 requests/s                {limited:5.2f} s  floor {limited_floor:.2f} s, "
        f"{limited_bound:.2f} s after the burst"
        f"\n  warm cache                   {warm * 1e3:5.0f} ms, {warm_requests} requests"
    )
    # Concurrency must show (sequential would be 1.0x), with room for a loaded machine: with
    # eight engineers on the 2 cores, the 20-connection run once fell just short of 3.0x.
    assert sequential / default >= 2.0
    assert sequential / wide >= 2.0
    assert default <= 1.5 * floor and wide <= 1.5 * floor
    assert limited_bound <= limited <= 1.5 * limited_floor  # the limiter holds, and no more
    assert warm_requests == 0 and set(warm_series[-1].seasons["source"]) == {"cache"}
    assert warm < 1.0
