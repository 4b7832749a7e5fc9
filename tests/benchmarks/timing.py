"""Shared timing helper for the benchmarks: best-of-N wall time, which is the least noisy figure."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_time(function: Callable[[], object], *, repeat: int = 5) -> float:
    """Return the fastest of ``repeat`` wall-clock timings of ``function()``, in seconds."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return min(timings)
