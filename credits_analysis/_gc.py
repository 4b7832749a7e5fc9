"""Pausing the cyclic garbage collector while large payloads are parsed and converted."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["paused_gc"]


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block, if it runs, and resume it after.

    Parsing a large JSON payload, or building tables from one, allocates millions of dicts and
    lists that form no cycles; every few hundred allocations the collector starts and walks the
    young ones again, which made a warm load of a 40-season series about a third slower.
    Reference counting still frees everything meanwhile; only cycles wait for the block to end.
    Another thread pausing at the same time at worst resumes the collector early.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
