"""Building a corpus: many series fetched politely into the Parquet dataset, resumably.

Series are loaded through the same path as :func:`~credits_analysis.load.load_series` (raw
cache, one rate limit for all, bounded in flight) and committed in batches as they finish:
every ``batch_size`` series or ``commit_seconds``, whichever comes first, so a killed build
loses at most the series loaded since the last commit, which the raw cache then serves
without a request. A new build skips every series already committed (loaded or failed; a
refresh retries failed ones), and compacts the dataset when it is done.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
from filelock import FileLock, Timeout

from credits_analysis.config import Settings
from credits_analysis.corpus.ids import unique_ids
from credits_analysis.corpus.manifest import Committed, read_committed
from credits_analysis.corpus.meta import CorpusMeta, read_meta, require_meta, write_meta
from credits_analysis.corpus.writer import CorpusWriter
from credits_analysis.errors import (
    ConfigError,
    NetworkError,
    RateLimitedError,
    ServerError,
    TMDBError,
)
from credits_analysis.load import SeriesOutcome, iter_series
from credits_analysis.tmdb import RetryPolicy

__all__ = ["UNAVAILABLE_IN_A_ROW", "BuildResult", "build"]

logger = logging.getLogger(__name__)

#: Series failing in a row for want of TMDB (no connection, or server errors or rate limiting
#: after every retry) that stop a build: without a network, each of 230,000 series would be
#: retried.
UNAVAILABLE_IN_A_ROW = 20
# Failures that say nothing of the series itself: TMDB was out of reach at the time.
_UNAVAILABLE = (NetworkError, ServerError, RateLimitedError)


@dataclass(frozen=True)
class BuildResult:
    """What a build or refresh did.

    Attributes
    ----------
    path : pathlib.Path
        The corpus folder.
    loaded, failed : tuple[int, ...]
        Series committed with data, and series that failed as a whole, in this run.
    kept : tuple[int, ...]
        Refresh only: series with rows that could not be fetched again (the whole series
        failed, or a season for want of TMDB: no connection, server errors, rate limiting);
        they keep their earlier rows, and the next refresh fetches them first.
    kept_errors : tuple[str, ...]
        The error of each of ``kept``, by class name (``NotFoundError``, ``NetworkError``...).
    skipped : int
        Series asked for that were already committed.
    partial : int
        Loaded series with some seasons failed (recorded in ``failures``).
    requests : int
        Network requests made.
    seconds : float
        Wall time of the fetching.
    """

    path: Path
    loaded: tuple[int, ...]
    failed: tuple[int, ...]
    skipped: int
    partial: int
    requests: int
    seconds: float
    kept: tuple[int, ...] = ()
    kept_errors: tuple[str, ...] = ()


def build(
    path: Path | str,
    series_ids: Iterable[int],
    *,
    settings: Settings | None = None,
    language: str | None = None,
    progress: bool | None = None,
    max_in_flight: int | None = None,
    batch_size: int = 200,
    commit_seconds: float = 30.0,
    transport: httpx.AsyncBaseTransport | None = None,
    retry: RetryPolicy | None = None,
) -> BuildResult:
    """Fetch ``series_ids`` into the corpus at ``path`` (created if needed), skipping done ones.

    Parameters
    ----------
    path
        The corpus folder: new, empty, or a corpus built in the same language.
    series_ids
        Positive TMDB series ids; repeats are fetched once.
    settings
        Default :meth:`Settings.from_env`: token, rate limit (``requests_per_second``, shared
        by all series), connections, cache.
    language
        Overrides ``settings.language``; must be the corpus's language.
    progress
        A progress bar (series done, requests/s, ETA) on stderr; default when it is a tty.
    max_in_flight
        Series loading at once (default ``settings.max_connections``).
    batch_size, commit_seconds
        Commit after this many finished series, or this long since the last commit.
    transport, retry
        As for :func:`~credits_analysis.load.load_series`.

    Returns
    -------
    BuildResult

    Raises
    ------
    ConfigError
        ``path`` is a file, not writable, a corpus in another language, or being built by
        another process; an id is not a positive number; no token (or a token TMDB cannot
        take) and offline mode is off. Offline, a build takes series from the raw cache (and
        the package's few bundled real samples, marked ``source = 'bundled'`` in ``seasons``).
    AuthError
        TMDB rejected the token: the build stops at once (what finished is committed).
    NetworkError, ServerError, RateLimitedError
        :data:`UNAVAILABLE_IN_A_ROW` series in a row could not reach TMDB, or got its server
        errors or rate limiting after every retry: the build stops (what finished is
        committed; they are recorded as failed, and a later refresh fetches them).
    """
    settings = (settings or Settings.from_env()).with_overrides(language=language)
    ids = unique_ids(series_ids)
    if not settings.offline:
        # Without a token, loading falls back on bundled samples: not what a corpus is of.
        settings.authorization()
    with writing(Path(path), settings.language, create=True) as (meta, writer, committed):
        done = set(committed.series["series_id"].to_pylist())
        todo = [i for i in ids if i not in done]
        options = FetchOptions(
            progress, max_in_flight, batch_size, commit_seconds, transport, retry
        )
        result = update(writer, meta, todo, settings, refresh=False, options=options)
    return replace(result, skipped=len(ids) - len(todo))


@dataclass(frozen=True)
class FetchOptions:
    """How a build or refresh fetches and commits (see :func:`build` for each)."""

    progress: bool | None
    max_in_flight: int | None
    batch_size: int
    commit_seconds: float
    transport: httpx.AsyncBaseTransport | None
    retry: RetryPolicy | None


def update(
    writer: CorpusWriter,
    meta: CorpusMeta,
    series_ids: list[int],
    settings: Settings,
    *,
    refresh: bool,
    options: FetchOptions,
    started: datetime | None = None,
    with_rows: frozenset[int] = frozenset(),
    changes_asked: bool = False,
) -> BuildResult:
    """Fetch and commit ``series_ids``, compact, and record the build as started at ``started``.

    What finished is committed whatever happens; the build is recorded only once it is done.
    A refresh leaves the series it kept waiting for the next, and one that asked
    ``/tv/changes`` (``changes_asked``) moves that checkpoint to ``started``; a build leaves
    both (its series are new, the others unchanged).

    ``with_rows`` (refresh only) are the series whose rows are kept when fetching them again
    fails.
    """
    started = started or datetime.now(UTC)
    result = fetch_into(
        writer, series_ids, settings, refresh=refresh, with_rows=with_rows, options=options
    )
    writer.compact()
    checked = started if changes_asked else meta.changes_since()
    waiting = result.kept if refresh else meta.waiting
    write_meta(
        writer.root,
        replace(meta, last_build=started, changes_checked=checked, waiting=waiting),
    )
    return result


@contextlib.contextmanager
def writing(
    path: Path, language: str, *, create: bool
) -> Iterator[tuple[CorpusMeta, CorpusWriter, Committed]]:
    """Hold the corpus lock on ``path`` and yield it ready to write, cleaned of leftovers.

    Yields the corpus record, a writer (``writer.root`` is the corpus folder) and the manifest
    as committed, read once for the writer, the clean-up and the caller. With ``create``, a
    missing or empty folder becomes a new corpus; without, it is an error.

    Raises
    ------
    ConfigError
        ``path`` is a file or cannot be written, is not a corpus (without ``create``), another
        process holds the lock, or the corpus was built in another language than ``language``.
    """
    root = path.expanduser().absolute()
    if root.exists() and not root.is_dir():
        raise ConfigError(f"{root} is a file, not a corpus folder")
    if not create:
        require_meta(root)  # before anything is made there: a mistyped path stays missing
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock_path = root / ".lock"
        lock = FileLock(lock_path, timeout=0)
        lock.acquire()
    except Timeout:
        raise ConfigError(
            f"another build or refresh is writing {root} right now (it holds {root / '.lock'}); "
            "wait for it to finish"
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot write the corpus folder {root}: {exc.strerror or exc}") from None
    try:
        meta = read_meta(root) if create else require_meta(root)
        if meta is None:
            if any(p.name != lock_path.name for p in root.iterdir()):
                # The lock file is the only trace this refusal would leave in the user's folder.
                lock_path.unlink(missing_ok=True)
                raise ConfigError(
                    f"{root} is neither empty nor a corpus (no corpus.json); choose a new folder"
                )
            meta = CorpusMeta(language=language, created_at=datetime.now(UTC))
            write_meta(root, meta)
        elif meta.language != language:
            raise ConfigError(
                f"{root} is a corpus in {meta.language}; it cannot take series in {language} "
                f"(use --language {meta.language}, or another folder)"
            )
        committed = read_committed(root)
        writer = CorpusWriter(root, committed)
        writer.initialise()
        removed = writer.recover(committed)
        if removed:
            logger.info("removed %d leftover files of an interrupted build in %s", removed, root)
        yield meta, writer, committed
    finally:
        lock.release()


def fetch_into(
    writer: CorpusWriter,
    series_ids: list[int],
    settings: Settings,
    *,
    refresh: bool,
    options: FetchOptions,
    with_rows: frozenset[int] = frozenset(),
) -> BuildResult:
    """Load ``series_ids`` and commit them in batches; what finished is committed on any exit.

    A refreshed series of ``with_rows`` that fails as a whole, or loses a season for want of
    TMDB, is not committed: its earlier rows stay (a 404 of a whole series may be a mistyped
    address as well as a series TMDB removed, and the six-month limit hides it in time).
    """
    if options.batch_size < 1 or not options.commit_seconds > 0:
        raise ConfigError("batch_size must be >= 1 and commit_seconds > 0")
    show = sys.stderr.isatty() if options.progress is None else options.progress
    loaded: list[int] = []
    failed: list[int] = []
    kept: list[int] = []
    kept_errors: list[str] = []
    partial = requests = 0
    buffer: list[SeriesOutcome] = []
    unavailable = 0  # series in a row that failed for want of TMDB
    start = last_commit = time.monotonic()

    def commit() -> None:
        nonlocal last_commit
        if buffer:
            writer.commit(buffer, now=datetime.now(UTC))
            buffer.clear()
        last_commit = time.monotonic()

    from tqdm.auto import tqdm

    with tqdm(
        total=len(series_ids), unit="series", desc="corpus", disable=not show, file=sys.stderr
    ) as bar:
        outcomes = iter_series(
            series_ids,
            settings=settings,
            refresh=refresh,
            progress=False,
            max_in_flight=options.max_in_flight,
            transport=options.transport,
            retry=options.retry,
        )
        try:
            for outcome in outcomes:
                requests += outcome.requests
                keeping = _why_kept(outcome) if outcome.series_id in with_rows else None
                if keeping is not None:
                    kept.append(outcome.series_id)
                    kept_errors.append(type(keeping).__name__)
                else:
                    buffer.append(outcome)
                    if outcome.credits is None:
                        failed.append(outcome.series_id)
                    else:
                        loaded.append(outcome.series_id)
                        partial += bool(outcome.credits.failures)
                for caught in outcome.warnings:
                    logger.debug("series %d: %s", outcome.series_id, caught.message)
                due = time.monotonic() - last_commit >= options.commit_seconds
                if len(buffer) >= options.batch_size or due:
                    commit()
                bar.set_postfix_str(
                    f"{requests / max(time.monotonic() - start, 1e-9):.1f} requests/s", False
                )
                bar.update()
                error = outcome.error if outcome.credits is None else None
                if not isinstance(error, _UNAVAILABLE):
                    unavailable = 0
                else:
                    unavailable += 1
                    if unavailable >= UNAVAILABLE_IN_A_ROW:
                        raise _stopped(error, refresh=refresh)
        finally:
            try:
                outcomes.close()  # cancels the series still loading
            finally:
                commit()
    return BuildResult(
        path=writer.root,
        loaded=tuple(loaded),
        failed=tuple(failed),
        skipped=0,
        partial=partial,
        requests=requests,
        seconds=time.monotonic() - start,
        kept=tuple(kept),
        kept_errors=tuple(kept_errors),
    )


def _why_kept(outcome: SeriesOutcome) -> Exception | None:
    """Why a refreshed series with rows keeps them rather than ``outcome``: the error of the
    whole series (whatever it is), or the first of its seasons TMDB could not serve; None
    when ``outcome`` replaces its rows."""
    if outcome.credits is None:
        return outcome.error
    return next((e for e in outcome.credits.failures.values() if isinstance(e, _UNAVAILABLE)), None)


def _stopped(last: TMDBError, *, refresh: bool) -> TMDBError:
    """The error that stops a build or refresh after ``last``, the last of the series in a row
    that TMDB could not serve."""
    then = (
        "The series not fetched keep their earlier rows: run corpus refresh again once TMDB "
        "can be reached."
        if refresh
        else "What finished is committed, and the failed series are in the failures view: once "
        "TMDB can be reached, run the build again for the series not yet fetched, and corpus "
        "refresh for the failed ones."
    )
    return type(last)(
        f"{UNAVAILABLE_IN_A_ROW} series in a row could not be fetched from TMDB "
        f"({type(last).__name__} for {last.url}), so the "
        f"{'refresh' if refresh else 'build'} stopped instead of trying every other series. "
        f"{then}"
    )
