"""Running the async core from blocking code: scripts, and notebooks whose event loop is running.

:func:`run_sync` runs one coroutine to completion; :func:`iterate_sync` consumes an async
iterator item by item. Inside a running event loop (a Jupyter kernel) ``asyncio.run`` raises
and waiting on that loop would deadlock, so the work runs on a fresh loop in a worker thread
while the caller blocks; an interrupt (Ctrl-C, the notebook's stop button) cancels it there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any, TypeVar

__all__ = ["iterate_sync", "run_sync"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

_THREAD_NAME = "credits-analysis-fetch"
#: Seconds to wait for a worker thread to start, or to finish once cancelled. Cancelled work
#: ends at its next await, so this is only ever reached by a bug; the thread is a daemon.
_THREAD_WAIT = 30.0


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to completion from blocking code and return its result.

    Without a running event loop this is ``asyncio.run``, in the calling thread. Inside one, the
    coroutine runs on a fresh loop in a worker thread while the caller blocks.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        in_loop = False
    else:
        in_loop = True
    return _run_in_worker_thread(coroutine) if in_loop else asyncio.run(coroutine)


def _run_in_worker_thread(coroutine: Coroutine[Any, Any, T]) -> T:
    box: dict[str, Any] = {}
    loop_ready = threading.Event()

    def work() -> None:
        with asyncio.Runner() as runner:
            box["loop"] = runner.get_loop()
            loop_ready.set()
            try:
                box["value"] = runner.run(coroutine)
            except BaseException as exc:  # re-raised in the caller's thread
                box["error"] = exc

    worker = threading.Thread(target=work, name=_THREAD_NAME, daemon=True)
    worker.start()
    try:
        worker.join()
    except BaseException:
        loop_ready.wait(_THREAD_WAIT)
        with contextlib.suppress(RuntimeError, KeyError):  # the loop already finished
            box["loop"].call_soon_threadsafe(_cancel_all, box["loop"])
        worker.join(_THREAD_WAIT)
        raise
    if "error" in box:
        raise box["error"]
    return box["value"]


def _cancel_all(loop: asyncio.AbstractEventLoop) -> None:
    for task in asyncio.all_tasks(loop):
        task.cancel()


def iterate_sync(open_stream: Callable[[], AsyncIterator[T]], *, buffer: int) -> Iterator[T]:
    """Yield the items of the async iterator ``open_stream()`` to blocking code, as they come.

    The iterator runs on its own event loop in a worker thread (in a script and in a notebook
    alike), at most ``buffer`` items ahead of the consumer: a slow consumer holds the producer
    back instead of letting items pile up. An exception of the iterator is raised here. Closing
    this generator early (``break``, an exception or an interrupt in the consumer) cancels the
    iterator, runs its clean-up and waits for the thread to end.
    """
    ready = threading.Event()
    box: dict[str, Any] = {}

    async def pump() -> None:
        queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue(max(1, buffer))
        stop = asyncio.Event()
        box.update(
            loop=asyncio.get_running_loop(), queue=queue, stop=stop, task=asyncio.current_task()
        )
        ready.set()
        try:
            async with contextlib.aclosing(open_stream()) as stream:  # type: ignore[type-var]
                async for item in stream:
                    await queue.put(("item", item))
            await queue.put(("end", None))
        except Exception as exc:  # raised in the consumer's thread
            await queue.put(("error", exc))
        # The loop must outlive the consumer's last get(); it says when it is done.
        await stop.wait()

    def work() -> None:
        with asyncio.Runner() as runner, contextlib.suppress(asyncio.CancelledError):
            runner.run(pump())

    worker = threading.Thread(target=work, name=_THREAD_NAME, daemon=True)
    worker.start()
    try:
        if not ready.wait(_THREAD_WAIT):
            raise RuntimeError("the credits-analysis worker thread did not start")
        while True:
            kind, value = _next_item(box["loop"], box["queue"], worker)
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        if "loop" in box:
            with contextlib.suppress(RuntimeError):  # the loop already closed
                box["loop"].call_soon_threadsafe(_stop, box["task"], box["stop"])
        worker.join(_THREAD_WAIT)
        if worker.is_alive():
            logger.warning("the credits-analysis worker thread did not end after cancellation")


def _next_item(
    loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[tuple[str, Any]], worker: threading.Thread
) -> tuple[str, Any]:
    """The next item the pump queued; waits as long as the worker thread lives, and no longer."""
    pending = asyncio.run_coroutine_threadsafe(queue.get(), loop)
    while True:
        try:
            return pending.result(timeout=1.0)
        except TimeoutError:
            if not worker.is_alive():
                raise RuntimeError(
                    "the credits-analysis worker thread ended unexpectedly"
                ) from None


def _stop(task: asyncio.Task[None], stop: asyncio.Event) -> None:
    """End the pump: cancel the iterator if it still runs, else let the loop close."""
    stop.set()
    task.cancel()
