"""Shared timing helper for the benchmarks: best-of-N wall time, which is the least noisy figure."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest


def best_time(function: Callable[[], object], *, repeat: int = 5) -> float:
    """Return the fastest of ``repeat`` wall-clock timings of ``function()``, in seconds."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return min(timings)


def benchmarks_selected(request: pytest.FixtureRequest) -> bool:
    """Whether this run selected the benchmarks (``make bench``: ``-m "benchmark or stress"``).

    Time bounds are asserted only then: ``make test`` runs the benchmarks too, for their
    answers, on a machine whose load can push any timing past its bound.
    """
    return "benchmark" in (request.config.getoption("markexpr") or "")
