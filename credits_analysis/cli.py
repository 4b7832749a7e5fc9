"""The ``credits-analysis`` command.

Each subcommand is one ``_add_<name>(subparsers)`` function that declares its arguments and sets
``handler``; :data:`_COMMANDS` lists them, so adding a subcommand is one function and one entry.
Handlers take the parsed arguments and the settings and return the exit status.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from credits_analysis import __version__
from credits_analysis._files import write_all_atomically
from credits_analysis.cache import RawCache
from credits_analysis.config import DEFAULT_BASE_URL, Settings
from credits_analysis.corpus.cli import add_corpus
from credits_analysis.errors import ConfigError, CreditsAnalysisError, PartialLoadWarning
from credits_analysis.load import SeriesCredits, load_series
from credits_analysis.wording import failures_by_reason, seasons_phrase

__all__ = ["build_parser", "main"]

# 1 is what Python exits with on an uncaught exception, so it means a bug here too.
EXIT_OK, EXIT_BUG, EXIT_ERROR, EXIT_PARTIAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

_EPILOG = """\
environment:
  TMDB_API_TOKEN               your TMDB "API Read Access Token": the long value starting
                               'eyJ' under themoviedb.org > Settings > API. Not the 32-character
                               v3 "API key". Without a token only cached and bundled data are
                               used (bundled demo series: 9000001 and 9000002).
  TMDB_API_BASE_URL            default {base_url}; a proxy or local mirror works
  CREDITS_ANALYSIS_OFFLINE     1 = never touch the network, like --offline; a missing entry
                               fails with the list of what is missing
  CREDITS_ANALYSIS_CACHE_DIR   where raw responses are cached ({cache_dir})
  CREDITS_ANALYSIS_LANGUAGE, CREDITS_ANALYSIS_RATE_LIMIT (requests/s), _MAX_CONNECTIONS,
  _TIMEOUT (s), _MAX_RETRIES, _TTL_ONGOING_HOURS, _TTL_ENDED_DAYS: see credits_analysis.config

exit status: 0 ok, 1 unexpected error (a bug: -v shows the traceback), 2 error,
3 some seasons failed (the others were loaded and cached), 130 interrupted.

This product uses the TMDB API but is not endorsed or certified by TMDB.
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with _logging(args.verbose), _warnings_as_lines():
            settings = Settings.from_env()
            return args.handler(args, settings)
    except CreditsAnalysisError as exc:
        return _fail(exc)
    except BrokenPipeError:
        # The reader closed the pipe (`credits-analysis cache info | head`): stop quietly, as
        # Unix tools do, and keep Python from complaining again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:  # an unwritable --out, a full disk: the environment, not a bug
        return _fail(exc)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        return _crash(exc, verbose=args.verbose)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one subparser per entry of :data:`_COMMANDS`."""
    try:
        cache_dir = f"now {Settings.from_env().cache_dir}"
    except ConfigError as exc:
        cache_dir = f"cannot be read now: {exc}"
    parser = argparse.ArgumentParser(
        prog="credits-analysis",
        description="Season-by-season cast and crew of TV series from TMDB aggregate credits.",
        epilog=_EPILOG.format(base_url=DEFAULT_BASE_URL, cache_dir=cache_dir),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log requests and cache hits to stderr"
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in _COMMANDS:
        add(subparsers)
    return parser


def series_id(text: str) -> int:
    """An argparse type: a TMDB series id, a positive whole number."""
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"a TMDB series id is a positive number, not {text}")
    return value


def selection_options() -> argparse.ArgumentParser:
    """Parent parser of which seasons to load and how, shared by every loading subcommand."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--seasons",
        type=int,
        nargs="+",
        metavar="N",
        help="season numbers (default: every season the series lists)",
    )
    options.add_argument("--language", help="TMDB language, e.g. fr-FR (default en-US)")
    options.add_argument(
        "--include-specials",
        action="store_true",
        help="with no --seasons, include season 0 (Specials)",
    )
    options.add_argument(
        "--offline",
        action="store_true",
        default=None,
        help="never touch the network (cache and bundled data only)",
    )
    return options


def series_options() -> argparse.ArgumentParser:
    """Parent parser of the arguments of :func:`load_series`, shared by subcommands."""
    options = argparse.ArgumentParser(add_help=False, parents=[selection_options()])
    options.add_argument(
        "series_id",
        type=series_id,
        metavar="SERIES_ID",
        help="TMDB series id, e.g. 1399 (themoviedb.org/tv/1399)",
    )
    options.add_argument(
        "--refresh", action="store_true", help="fetch again even what the cache holds fresh"
    )
    return options


def load_from_args(args: argparse.Namespace, settings: Settings) -> SeriesCredits:
    """:func:`load_series` with the arguments of :func:`series_options`."""
    return load_series(
        args.series_id,
        args.seasons,
        language=args.language,
        include_specials=args.include_specials,
        offline=args.offline,
        refresh=args.refresh,
        settings=settings,
    )


def _add_fetch(subparsers: argparse._SubParsersAction) -> None:
    command = subparsers.add_parser(
        "fetch",
        parents=[series_options()],
        help="fetch a series into the cache, one summary line per season",
        description="Fetch a series' details and season credits into the cache (or check that "
        "the cache or the bundled data has them) and print one line per season.",
    )
    command.set_defaults(handler=_fetch)


def _fetch(args: argparse.Namespace, settings: Settings) -> int:
    series = load_from_args(args, settings)
    print(
        f"{series.name} (tv/{series.series_id}, {series.language})"
        + (" [synthetic]" if series.is_synthetic else "")
    )
    cast = series.cast.groupby("season_number").size()
    crew = series.crew.groupby("season_number").size()
    for row in series.seasons.itertuples(index=False):
        n = row.season_number
        print(f"season {n}: {cast.get(n, 0)} cast roles, {crew.get(n, 0)} crew jobs ({row.source})")
    return _report_failures(series)


def _add_tables(subparsers: argparse._SubParsersAction) -> None:
    command = subparsers.add_parser(
        "tables",
        parents=[series_options()],
        help="write the cast, crew and seasons tables of a series",
        description="Load a series (cache, TMDB, bundled data) and write cast, crew and seasons "
        "tables to DIR as cast.csv, crew.csv and seasons.csv (or .parquet).",
    )
    command.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="output folder (created if needed)"
    )
    command.add_argument(
        "--format", choices=("csv", "parquet"), default="csv", help="file format (default csv)"
    )
    command.set_defaults(handler=_tables)


def _tables(args: argparse.Namespace, settings: Settings) -> int:
    args.out.mkdir(parents=True, exist_ok=True)  # before fetching: a bad --out fails fast
    series = load_from_args(args, settings)
    frames: dict[Path, pd.DataFrame] = {
        args.out / f"{name}.{args.format}": getattr(series, name)
        for name in ("cast", "crew", "seasons")
    }
    # All three are rendered, then written together: a failure leaves the old set whole,
    # never a new cast.csv next to an old crew.csv.
    write_all_atomically({path: _table_bytes(frame, args.format) for path, frame in frames.items()})
    for path, frame in frames.items():
        print(f"{path}: {len(frame)} rows")
    return _report_failures(series)


def _table_bytes(frame: pd.DataFrame, file_format: str) -> bytes:
    if file_format == "csv":
        return frame.to_csv(index=False).encode("utf-8")
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def _add_cache(subparsers: argparse._SubParsersAction) -> None:
    command = subparsers.add_parser(
        "cache",
        help="show (info) or delete (clear) cached responses",
        description="Show (info) or delete (clear) cached responses. PATTERN is a glob on the "
        "API path, optionally with the language: 'tv/1399*', 'tv/1399/season/*', '*.fr-FR'.",
    )
    command.add_argument("action", choices=("info", "clear"))
    command.add_argument(
        "pattern", nargs="?", default="*", metavar="PATTERN", help="which entries (default: all)"
    )
    command.set_defaults(handler=_cache)


def _cache(args: argparse.Namespace, settings: Settings) -> int:
    cache = RawCache(settings.cache_dir)
    if args.action == "clear":
        removed = cache.clear(args.pattern)
        print(f"removed {removed} entr{'y' if removed == 1 else 'ies'} from {cache.root}")
        return EXIT_OK
    entries = list(cache.entries(args.pattern))
    print(
        f"{cache.root}: {len(entries)} entries matching {args.pattern!r}, "
        f"{cache.size_bytes() / 1e6:.1f} MB in all"
    )
    leftovers = len(list(cache.leftovers()))
    if leftovers:
        print(
            f"{leftovers} file{'s' if leftovers != 1 else ''} of interrupted writes or damaged "
            "entries, never read; `credits-analysis cache clear` deletes them"
        )
    now = datetime.now(UTC)
    for entry in entries:
        age = entry.age(now).total_seconds() / 86400
        print(
            f"{entry.api_path} {entry.language}  fetched {entry.fetched_at:%Y-%m-%d %H:%M} UTC "
            f"({age:.1f} days ago)  HTTP {entry.status}"
        )
    return EXIT_OK


def _add_report(subparsers: argparse._SubParsersAction) -> None:
    command = subparsers.add_parser(
        "report",
        parents=[selection_options()],
        help="write an offline HTML report of one series, or compare several",
        description="Run the explorer notebook (one SERIES_ID) or the comparison notebook "
        "(two to four) and export it as one self-contained HTML file that opens offline.",
    )
    command.add_argument(
        "series_ids",
        type=series_id,
        nargs="+",
        metavar="SERIES_ID",
        help="TMDB series id(s), e.g. 1399; two to four to compare",
    )
    command.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE.html",
        help="the report to write (its folder is created if needed)",
    )
    command.add_argument(
        "--show-code", action="store_true", help="keep the notebook's code cells in the report"
    )
    command.set_defaults(handler=_report)


def _report(args: argparse.Namespace, settings: Settings) -> int:
    # Imported here: nbconvert and papermill would slow every other subcommand's start.
    from credits_analysis.report import build_report

    with _kernel_traceback():
        built = build_report(
            args.series_ids,
            args.out,
            seasons=args.seasons,
            language=args.language,
            include_specials=args.include_specials,
            show_code=args.show_code,
            offline=args.offline,
        )
    print(built.path)
    return max((_report_failures(series) for series in built.series), default=EXIT_OK)


def _add_demo(subparsers: argparse._SubParsersAction) -> None:
    command = subparsers.add_parser(
        "demo",
        help="write the reports of the bundled (synthetic) demo series, offline",
        description="Write the explorer report of the 8-season demo series and the comparison "
        "of both demo series to DIR, from the bundled data only, and print their paths.",
    )
    command.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="output folder (created if needed)"
    )
    command.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from credits_analysis.report import build_demo_reports

    with _kernel_traceback():
        built = build_demo_reports(args.out)
    for report in built:
        print(report.path)
    return EXIT_OK


#: Subcommand registrations, in the order ``--help`` lists them.
_COMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    _add_fetch,
    _add_tables,
    _add_cache,
    _add_report,
    _add_demo,
    add_corpus,
)


def _report_failures(series: SeriesCredits) -> int:
    """One line per reason seasons failed for, with the first season's full message.

    Seasons usually fail together (offline, token rejected): seven copies of one long message
    would bury the next step it gives.
    """
    for reason, numbers in failures_by_reason(series.failures).items():
        first = series.failures[numbers[0]]
        print(
            f"{seasons_phrase(numbers, capital=True)} not loaded: {reason}\n"
            f"  season {numbers[0]}: {type(first).__name__}: {_one_line(first)}",
            file=sys.stderr,
        )
    return EXIT_PARTIAL if series.failures else EXIT_OK


def _fail(exc: BaseException) -> int:
    print(f"error: {_one_line(exc)}", file=sys.stderr)
    return EXIT_ERROR


def _crash(exc: Exception, *, verbose: bool) -> int:
    if verbose:
        traceback.print_exception(exc, file=sys.stderr)
    hint = "" if verbose else "; run with -v for the traceback"
    print(
        f"error: unexpected {type(exc).__name__}: {_one_line(exc)} (a bug in credits-analysis"
        f"{hint})",
        file=sys.stderr,
    )
    return EXIT_BUG


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


@contextmanager
def _logging(verbose: bool) -> Iterator[None]:
    """Send the package's log records to stderr for the duration of the command."""
    logger = logging.getLogger("credits_analysis")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    level = logging.DEBUG if verbose else logging.WARNING
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


@contextmanager
def _kernel_traceback() -> Iterator[None]:
    """When a notebook cell fails, print the kernel's traceback before the one-line error."""
    from credits_analysis.report import NotebookExecutionError

    try:
        yield
    except NotebookExecutionError as exc:
        print(exc.traceback, file=sys.stderr)
        raise


@contextmanager
def _warnings_as_lines() -> Iterator[None]:
    """Print warnings as ``warning: ...`` lines; failed seasons get their own lines instead."""

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: object = None,
        line: str | None = None,
    ) -> None:
        print(f"warning: {' '.join(str(message).split())}", file=sys.stderr)

    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.simplefilter("ignore", PartialLoadWarning)
        warnings.showwarning = show
        yield


if __name__ == "__main__":
    sys.exit(main())
