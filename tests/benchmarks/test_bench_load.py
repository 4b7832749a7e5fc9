"""Warm ``load_series`` of the 40-season scale preset against the I/O floor, in the same run.

The floor is what no warm load can avoid: reading every cached file (payloads and sidecars) and
parsing its JSON. A warm load adds checking each payload against its sidecar, converting the
payloads to tables and building the result. Both are timed best-of-N from a collected heap, as
wall time and as this process's CPU time (steadier on a shared machine); the figures are
printed. The assertion is a bound that holds under load, above the figures printed.

Against the previous loading path (before issue 9: the details read three times and parsed
twice, everything parsed with the cyclic collector running, about 300 collections per load),
this benchmark run on the old and the new code in the same session gave (CPU, best of 7):
old 0.78-0.82 s, new 0.57-0.61 s; wall time varied too much with the machine's load to compare.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from credits_analysis import demo
from credits_analysis._gc import paused_gc
from credits_analysis.cache import RawCache
from credits_analysis.config import Settings
from credits_analysis.load import SeriesCredits, load_series
from tests.fake_tmdb import store_series

SCALE_ID = 9_100_040
REPEAT = 7


def best(function: Callable[[], object]) -> tuple[float, float]:
    """Fastest wall time and fastest CPU time of ``REPEAT`` calls, in seconds."""
    walls, cpus = [], []
    for _ in range(REPEAT):
        gc.collect()  # every run starts from a collected heap, not from the previous run's
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def read_and_parse(files: list[Path]) -> list[object]:
    # With the collector paused, as the load parses: what the collector costs depends on
    # everything else the process holds, which would make the floor move between runs.
    with paused_gc():
        return [json.loads(file.read_bytes()) for file in files]


@pytest.mark.benchmark
def test_warm_load_of_the_scale_preset_against_the_io_floor(cache_dir: Path) -> None:
    details, payloads = demo.generate_series(SCALE_ID, **demo.SCALE_PRESET)
    store_series(RawCache(cache_dir), details, payloads, url="generated")
    files = sorted(cache_dir.rglob("*.json"))
    size = sum(file.stat().st_size for file in files)
    settings = Settings.from_env(offline=True)

    loaded: list[SeriesCredits] = []

    def warm_load() -> None:
        loaded.clear()  # each run frees the previous result, as a notebook re-running a cell
        loaded.append(load_series(SCALE_ID, settings=settings))

    warm_load()  # imports, and the operating system's file cache
    floor_wall, floor_cpu = best(lambda: read_and_parse(files))
    load_wall, load_cpu = best(warm_load)

    series = loaded[-1]
    print(
        f"\nwarm load_series, scale preset: {len(series.payloads)} seasons, "
        f"{len(series.cast):,} cast roles, {len(files)} files, {size / 1e6:.1f} MB; best of "
        f"{REPEAT}"
        f"\n  I/O floor (read + json.loads)   wall {floor_wall:6.3f} s   cpu {floor_cpu:6.3f} s"
        f"\n  warm load_series                wall {load_wall:6.3f} s   cpu {load_cpu:6.3f} s"
        f"\n  load / floor                    wall {load_wall / floor_wall:6.2f} x   "
        f"cpu {load_cpu / floor_cpu:6.2f} x"
    )
    assert set(series.seasons["source"]) == {"cache"} and len(series.payloads) == 40
    assert load_cpu <= 4.0 * floor_cpu
