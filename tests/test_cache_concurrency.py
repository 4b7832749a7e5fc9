"""Many processes refreshing one cache at once, against a fake whose answers differ every time.

Each writer's entry must be whole: a payload never stands beside another writer's sidecar. The
default run has a bounded version (six processes, one 40-season series); the long one runs with
``-m stress`` (``make bench``).
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import pytest

from credits_analysis.cache import RawCache
from credits_analysis.endpoints import details_path, season_path
from credits_analysis.load import load_series
from tests.fake_tmdb import FakeTMDB, Reply, fake_settings
from tests.test_cli import subprocess_env

SERIES = 4040
SEASONS = 40


def serve_different_bodies(
    fake: FakeTMDB, monkeypatch: pytest.MonkeyPatch
) -> dict[str, set[bytes]]:
    """Make every 200 of ``fake`` unique (a counter in the JSON); return what was sent per path."""
    answer, counter, lock = fake.respond, itertools.count(), threading.Lock()
    sent: dict[str, set[bytes]] = defaultdict(set)

    def respond(path: str, query: str, authorization: str | None) -> Reply:
        reply = answer(path, query, authorization)
        if reply.status != 200:
            return reply
        body = reply.body.rstrip()[:-1] + b', "answer": %d}' % next(counter)
        with lock:
            sent[path.removeprefix("/3/")].add(body)
        return Reply(reply.status, body, reply.headers, reply.delay)

    monkeypatch.setattr(fake, "respond", respond)
    return sent


def refresh_in_parallel(base_url: str, series: list[int], processes: int) -> None:
    """``fetch --refresh`` in ``processes`` processes at once, taking turns over ``series``.

    All must exit 0.
    """
    argv = [sys.executable, "-m", "credits_analysis.cli", "fetch", "--refresh"]
    running = [
        subprocess.Popen(
            [*argv, str(series[i % len(series)])],
            env=subprocess_env(base_url, CREDITS_ANALYSIS_MAX_RETRIES="2"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(processes)
    ]
    failures = []
    for process in running:
        try:
            _, err = process.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate()
        if process.returncode != 0:
            failures.append((process.returncode, err[-2000:]))
    assert not failures, failures


def check_every_entry(cache_dir: Path, sent: dict[str, set[bytes]], series: list[int]) -> int:
    """Each expected entry is whole and holds a body that was sent for it; returns how many."""
    store = RawCache(cache_dir)
    paths = [details_path(s) for s in series] + [
        season_path(s, n) for s in series for n in range(1, SEASONS + 1)
    ]
    broken = []
    for path in paths:
        entry = store.read(path, "en-US")
        if entry is None or entry.path.read_bytes() not in sent[path]:
            broken.append(path)
    assert broken == [], f"{len(broken)} of {len(paths)} entries torn or missing"
    assert list(store.leftovers()) == []
    return len(paths)


def assert_loads_offline(cache_dir: Path, series: list[int]) -> None:
    settings = fake_settings(cache_dir=cache_dir, offline=True)
    for series_id in series:
        loaded = load_series(series_id, settings=settings, progress=False)
        assert not loaded.failures
        assert loaded.seasons["season_number"].tolist() == list(range(1, SEASONS + 1))
        assert set(loaded.seasons["source"]) == {"cache"}


def test_six_processes_refreshing_one_series_leave_every_entry_whole(
    fake_tmdb_url: str, fake_tmdb: FakeTMDB, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_tmdb.add_generated(SERIES, seasons=SEASONS, specials=False, episodes_per_season=2)
    sent = serve_different_bodies(fake_tmdb, monkeypatch)
    started = time.monotonic()
    refresh_in_parallel(fake_tmdb_url, [SERIES], processes=6)
    entries = check_every_entry(cache_dir, sent, [SERIES])
    print(f"\n6 processes x {entries} entries in {time.monotonic() - started:.1f} s, 0 torn")
    assert fake_tmdb.count() == 6 * entries  # every process wrote every entry
    assert_loads_offline(cache_dir, [SERIES])


@pytest.mark.stress
def test_many_processes_refreshing_two_series_in_rounds(
    fake_tmdb_url: str,
    fake_tmdb: FakeTMDB,
    cache_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    if "stress" not in (request.config.option.markexpr or ""):
        pytest.skip("the long version: run with -m stress (make bench)")
    series = [SERIES, SERIES + 1]
    for series_id in series:
        fake_tmdb.add_generated(series_id, seasons=SEASONS, specials=False, episodes_per_season=2)
    sent = serve_different_bodies(fake_tmdb, monkeypatch)
    for round_number in range(3):
        started = time.monotonic()
        refresh_in_parallel(fake_tmdb_url, series, processes=12)
        entries = check_every_entry(cache_dir, sent, series)
        took = time.monotonic() - started
        print(
            f"\nround {round_number + 1}: 12 processes x {entries} entries in {took:.1f} s, 0 torn"
        )
    assert_loads_offline(cache_dir, series)
