"""The ``credits-analysis`` command.

Each subcommand is one ``_add_<name>(subparsers)`` function that declares its arguments and sets
``handler``; :data:`_COMMANDS` lists them, so adding a subcommand is one function and one entry.
Handlers take the parsed arguments and the settings and return the exit status.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from credits_analysis._files import writable_folder, write_all_atomically
from credits_analysis._tables import CSV_FORMULA_PREFIX, table_bytes
from credits_analysis._terminal import printable, say
from credits_analysis._version import __version__
from credits_analysis.cache import RawCache
from credits_analysis.cli_search import (
    REFERENCE_HELP,
    add_discover,
    add_search,
    resolve_argument,
    series_reference,
)
from credits_analysis.config import DEFAULT_BASE_URL, Settings
from credits_analysis.corpus.cli import add_corpus
from credits_analysis.errors import (
    ConfigError,
    CreditsAnalysisError,
    NotFoundError,
    PartialLoadWarning,
)
from credits_analysis.lab import add_lab_command
from credits_analysis.load import SeriesCredits, load_series
from credits_analysis.schema import MAX_SEASONS
from credits_analysis.wording import failures_by_reason, seasons_phrase

__all__ = ["build_parser", "main"]

# 1 is what Python exits with on an uncaught exception, so it means a bug here too.
EXIT_OK, EXIT_BUG, EXIT_ERROR, EXIT_PARTIAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

_EPILOG = """\
environment:
  TMDB_API_TOKEN               your TMDB "API Read Access Token": the long value starting
                               'eyJ' under themoviedb.org > Settings > API. Not the 32-character
                               v3 "API key". Without a token only cached and bundled data are
                               used (bundled demo series: 9000001 and 9000002); corpus build
                               needs one unless offline, corpus refresh always.
  TMDB_API_BASE_URL            default {base_url}; a proxy or local mirror works
  CREDITS_ANALYSIS_OFFLINE     1 = never touch the network, like --offline; a missing entry
                               fails with the list of what is missing
  CREDITS_ANALYSIS_CACHE_DIR   where raw responses are cached ({cache_dir})
  CREDITS_ANALYSIS_LANGUAGE, CREDITS_ANALYSIS_RATE_LIMIT (requests/s), _MAX_CONNECTIONS,
  _TIMEOUT (s), _MAX_RETRIES, _REQUEST_DEADLINE (s), _MAX_RETRY_TIME (s), _MAX_RESPONSE_MB,
  _TTL_ONGOING_HOURS, _TTL_ENDED_DAYS: see credits_analysis.config

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
    except NotFoundError as exc:
        return _fail(_series_not_found(exc) or exc)
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


def season_numbers(text: str) -> list[int]:
    """An argparse type: season numbers as ``3``, ``1-3`` or ``1,2,5`` (or a mix: ``0,2-4``)."""
    numbers: list[int] = []
    for part in text.split(","):
        match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
        if match is None:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a season list: give numbers of 0 or more (0 is Specials), "
                "ranges like 1-3, or both separated by commas, like 1,2,5 or 0,2-4"
            )
        first, last = int(match[1]), int(match[2] or match[1])
        if last < first or last - first >= MAX_SEASONS:
            raise argparse.ArgumentTypeError(
                f"{part.strip()!r} is not a range of seasons: the first number comes first, "
                f"and a range spans at most {MAX_SEASONS} seasons"
            )
        numbers.extend(range(first, last + 1))
    return numbers


class _SeasonList(argparse.Action):
    """Collects every ``--seasons`` value (each a list) into one list, each number once."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        given = getattr(namespace, self.dest) or []
        numbers = [n for value in values for n in value]
        setattr(namespace, self.dest, list(dict.fromkeys([*given, *numbers])))


def selection_options() -> argparse.ArgumentParser:
    """Parent parser of which seasons to load and how, shared by every loading subcommand."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--seasons",
        type=season_numbers,
        action=_SeasonList,
        nargs="+",
        metavar="N",
        help="season numbers: 3, 1-3, 1,2,5 or several (default: every season the series lists)",
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
        type=series_reference,
        metavar="SERIES",
        help=REFERENCE_HELP,
    )
    options.add_argument(
        "--refresh", action="store_true", help="fetch again even what the cache holds fresh"
    )
    return options


def load_from_args(args: argparse.Namespace, settings: Settings) -> SeriesCredits:
    """:func:`load_series` with the arguments of :func:`series_options`."""
    return load_series(
        resolve_argument(
            args.series_id,
            settings,
            command=args.command,
            language=args.language,
            offline=args.offline,
        ),
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
    say(_title(series) + (" [synthetic]" if series.is_synthetic else ""))
    cast = series.cast.groupby("season_number").size()
    crew = series.crew.groupby("season_number").size()
    for row in series.seasons.itertuples(index=False):
        n = row.season_number
        say(f"season {n}: {cast.get(n, 0)} cast roles, {crew.get(n, 0)} crew jobs ({row.source})")
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
    command.add_argument(
        "--excel-csv",
        action="store_true",
        help="start CSV files with a UTF-8 byte order mark, so that Excel reads accents right",
    )
    command.add_argument(
        "--raw-csv",
        action="store_true",
        help="keep CSV text exactly as TMDB sent it; by default a text cell a spreadsheet "
        f"would run as a formula (starting with = + - @) gets a {CSV_FORMULA_PREFIX} in front",
    )
    command.set_defaults(handler=_tables)


def _tables(args: argparse.Namespace, settings: Settings) -> int:
    writable_folder(args.out)  # before fetching: a bad --out fails at once
    series = load_from_args(args, settings)
    frames: dict[Path, pd.DataFrame] = {
        args.out / f"{name}.{args.format}": getattr(series, name)
        for name in ("cast", "crew", "seasons")
    }
    failures = args.out / f"failures.{args.format}"
    if series.failures:
        frames[failures] = _failures_table(series)
    # All are rendered, then written together: a failure leaves the old set whole, never a
    # new cast.csv next to an old crew.csv.
    write_all_atomically(
        {
            path: table_bytes(frame, args.format, raw=args.raw_csv, excel=args.excel_csv)
            for path, frame in frames.items()
        }
    )
    for path, frame in frames.items():
        say(f"{path}: {len(frame)} rows")
    if not series.failures and failures.is_file():
        failures.unlink()  # from an earlier run: it would describe seasons that now loaded
        say(f"{failures}: removed, every season loaded this time")
    return _report_failures(series)


def _failures_table(series: SeriesCredits) -> pd.DataFrame:
    """One row per season that failed: its number, the reason in words, the error and message."""
    reasons = {n: reason for reason, ns in failures_by_reason(series.failures).items() for n in ns}
    return pd.DataFrame(
        {
            "series_id": pd.array([series.series_id] * len(series.failures), dtype="int64"),
            "season_number": pd.array(list(series.failures), dtype="int64"),
            "reason": pd.array([reasons[n] for n in series.failures], dtype="string"),
            "error": pd.array([type(e).__name__ for e in series.failures.values()], dtype="string"),
            "message": pd.array(
                [_cli_words(_one_line(e)) for e in series.failures.values()], dtype="string"
            ),
        }
    )


def _add_cache(subparsers: argparse._SubParsersAction) -> None:
    command = subparsers.add_parser(
        "cache",
        help="show (info) or delete (clear) cached responses",
        description="Show (info) or delete (clear) cached responses. PATTERN is a glob on the "
        "API path, optionally with the language: 'tv/1399*', 'tv/1399/season/*', '*.fr-FR'.",
    )
    command.add_argument("action", choices=("info", "clear"))
    command.add_argument(
        "pattern",
        nargs="?",
        metavar="PATTERN",
        help="which entries: a series id (1399: its details and seasons) or a glob (default: "
        "all; clear needs --all for that)",
    )
    command.add_argument(
        "--all", action="store_true", help="with clear and no PATTERN: delete every entry"
    )
    command.set_defaults(handler=_cache)


def _cache(args: argparse.Namespace, settings: Settings) -> int:
    cache = RawCache(settings.cache_dir)
    patterns = _cache_patterns(args.pattern)
    if args.action == "clear":
        if args.pattern is None and not (args.all or _confirmed(cache.root)):
            raise ConfigError(
                f"cache clear with no PATTERN deletes every cached response in {cache.root}: "
                "add --all to do that, or give a series id or a glob like 'tv/1399/season/*'"
            )
        removed = sum(cache.clear(pattern) for pattern in patterns)
        say(f"removed {removed} entr{'y' if removed == 1 else 'ies'} from {cache.root}")
        return EXIT_OK
    # Only what is printed: the entries themselves would hold every payload at once.
    listed = [
        (entry.api_path, entry.language, entry.fetched_at, entry.status)
        for pattern in patterns
        for entry in cache.entries(pattern)
    ]
    say(
        f"{cache.root}: {len(listed)} entries matching {args.pattern or '*'!r}, "
        f"{cache.size_bytes() / 1e6:.1f} MB in all"
    )
    leftovers, unreadable = map(len, cache.leftovers_and_unreadable())
    if leftovers:
        say(
            f"{leftovers} file{'s' if leftovers != 1 else ''} of interrupted writes or damaged "
            "entries, never read; `credits-analysis cache clear --all` deletes them"
        )
    if unreadable:
        say(
            f"{unreadable} file{'s' if unreadable != 1 else ''} that cannot be read (check their "
            "permissions and owner), neither used nor deleted"
        )
    now = datetime.now(UTC)
    for api_path, language, fetched_at, status in listed:
        age = (now - fetched_at).total_seconds() / 86400
        # A future date (a clock set wrong) makes the entry stale, never fresh forever.
        when = f"{age:.1f} days ago" if age >= 0 else "in the future: treated as stale"
        say(
            f"{api_path} {language}  fetched {fetched_at:%Y-%m-%d %H:%M} UTC "
            f"({when})  HTTP {status}"
        )
    return EXIT_OK


def _cache_patterns(pattern: str | None) -> list[str]:
    """The globs of a PATTERN: a bare series id means its details and its seasons."""
    if pattern is None:
        return ["*"]
    if pattern.isdecimal():
        return [f"tv/{int(pattern)}", f"tv/{int(pattern)}/*"]
    return [pattern]


def _confirmed(root: Path) -> bool:
    """Ask on the terminal whether to delete every entry; False when no one can answer."""
    if not sys.stdin.isatty():
        return False
    try:
        answer = input(f"Delete every cached response in {printable(root)}? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _add_report(subparsers: argparse._SubParsersAction) -> None:
    command = subparsers.add_parser(
        "report",
        parents=[selection_options()],
        help="write an offline HTML report of one series, several, or a corpus",
        description="Run the explorer notebook (one SERIES), the comparison notebook (two to "
        "four) or the corpus explorer (--corpus DIR) and export it as one self-contained HTML "
        "file that opens offline.",
    )
    command.add_argument(
        "series_ids",
        type=series_reference,
        nargs="*",
        metavar="SERIES",
        help="one series, or two to four to compare: " + REFERENCE_HELP,
    )
    command.add_argument(
        "--corpus",
        type=Path,
        metavar="DIR",
        help="report on the corpus in DIR (see `credits-analysis corpus build`) instead",
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
    command.add_argument(
        "--images",
        type=Path,
        metavar="DIR",
        help="also write every chart to DIR as PNG and SVG (needs Chromium or Chrome: on PATH, "
        "or BROWSER_PATH)",
    )
    command.set_defaults(handler=_report)


def _report(args: argparse.Namespace, settings: Settings) -> int:
    if (args.corpus is None) == (not args.series_ids):
        raise ConfigError("give one to four SERIES, or --corpus DIR (not both)")
    # Imported here: nbconvert and papermill would slow every other subcommand's start.
    from credits_analysis.report import build_corpus_report, build_report

    if args.images is not None:
        from credits_analysis.images import check_output

        browser = check_output(args.images)  # before the notebook runs, which takes a while
    with _kernel_traceback():
        if args.corpus is not None:
            built = build_corpus_report(
                args.corpus,
                args.out,
                settings=settings,
                show_code=args.show_code,
                progress=sys.stderr.isatty(),
            )
        else:
            built = build_report(
                [
                    resolve_argument(
                        r, settings, command="report", language=args.language, offline=args.offline
                    )
                    for r in args.series_ids
                ],
                args.out,
                seasons=args.seasons,
                language=args.language,
                include_specials=args.include_specials,
                show_code=args.show_code,
                offline=args.offline,
                settings=settings,
                progress=sys.stderr.isatty(),
            )
    say(built.path)
    if args.images is not None:
        from credits_analysis.images import report_figures, write_images

        written = write_images(report_figures(built.notebook), args.images, browser=browser)
        say(f"{args.images}: {len(written)} images")
    named = len(built.series) > 1
    return max((_report_failures(s, named=named) for s in built.series), default=EXIT_OK)


def _add_demo(subparsers: argparse._SubParsersAction) -> None:
    command = subparsers.add_parser(
        "demo",
        help="write the reports of the bundled (synthetic) demo series, offline",
        description="Write the explorer report of the 8-season demo series, the comparison "
        "of both demo series and the report of a synthetic corpus of 240 generated series "
        "(built in DIR/demo-corpus) to DIR, offline, and print their paths.",
    )
    command.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="output folder (created if needed)"
    )
    command.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from credits_analysis.demo.corpus import demo_corpus
    from credits_analysis.report import build_corpus_report, build_demo_reports

    out = Path(args.out)
    with _kernel_traceback():
        built = build_demo_reports(out)
        for report in built:
            say(report.path)
        # The synthetic corpus is built offline from generated data, like any corpus.
        corpus = demo_corpus(out / "demo-corpus")
        say(build_corpus_report(corpus, out / "demo-corpus.html", settings=settings).path)
    return EXIT_OK


#: Subcommand registrations, in the order ``--help`` lists them.
_COMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    _add_fetch,
    _add_tables,
    _add_cache,
    _add_report,
    _add_demo,
    add_search,
    add_discover,
    add_lab_command,
    add_corpus,
)


def _report_failures(series: SeriesCredits, *, named: bool = False) -> int:
    """One line per reason seasons failed for, with the first season's full message.

    Seasons usually fail together (offline, token rejected): seven copies of one long message
    would bury the next step it gives. ``named`` starts each line with the series, for the
    commands that load several.
    """
    prefix = f"{_title(series)}: " if named else ""
    for reason, numbers in failures_by_reason(series.failures).items():
        first = series.failures[numbers[0]]
        say(
            f"{prefix}{seasons_phrase(numbers, capital=not named)} not loaded: {reason}\n"
            f"  season {numbers[0]}: {type(first).__name__}: {_cli_words(_one_line(first))}",
            err=True,
        )
    return EXIT_PARTIAL if series.failures else EXIT_OK


def _title(series: SeriesCredits) -> str:
    return f"{series.name or 'series'} (tv/{series.series_id}, {series.language})"


def _series_not_found(exc: NotFoundError) -> ConfigError | None:
    """The advice for a series TMDB does not have, instead of the one for a missing season."""
    partial = getattr(exc, "partial", None)
    if partial is None or partial.details is not None:
        return None  # the details loaded: a season is what is missing
    return ConfigError(
        f"TMDB has no TV series with id {partial.series_id} (HTTP 404). The id is the number in "
        "the series' address on themoviedb.org, as 1399 in themoviedb.org/tv/1399-game-of-"
        "thrones; a film's id (themoviedb.org/movie/...) is not a series id."
    )


def _fail(exc: BaseException) -> int:
    say(f"error: {_cli_words(_one_line(exc))}", err=True)
    return EXIT_ERROR


def _crash(exc: Exception, *, verbose: bool) -> int:
    if verbose:
        say("".join(traceback.format_exception(exc)).rstrip("\n"), err=True, limit=None)
    hint = "" if verbose else "; run with -v for the traceback"
    say(
        f"error: unexpected {type(exc).__name__}: {_one_line(exc)} (a bug in credits-analysis"
        f"{hint})",
        err=True,
    )
    return EXIT_BUG


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


#: How the package's messages name what the CLI calls differently (its options).
_PYTHON_TO_CLI = (
    (
        "unset CREDITS_ANALYSIS_OFFLINE or pass offline=False",
        "unset CREDITS_ANALYSIS_OFFLINE and leave out --offline",
    ),
    ("refresh=True", "--refresh"),
    ("offline=True", "--offline"),
    ("offline=False", "no --offline"),
    ("include_specials=True", "--include-specials"),
)


def _cli_words(message: str) -> str:
    """``message`` with the load_series arguments it names replaced by the CLI's options."""
    for python, cli in _PYTHON_TO_CLI:
        message = message.replace(python, cli)
    return message


@contextmanager
def _logging(verbose: bool) -> Iterator[None]:
    """Send the package's log records to stderr for the duration of the command."""
    logger = logging.getLogger("credits_analysis")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_PrintableFormatter("%(levelname)s %(name)s: %(message)s"))
    level = logging.DEBUG if verbose else logging.WARNING
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


class _PrintableFormatter(logging.Formatter):
    """Log records as printable text: a logged URL or server message may hold escapes."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record))


@contextmanager
def _kernel_traceback() -> Iterator[None]:
    """When a notebook cell fails, print the kernel's traceback before the one-line error."""
    from credits_analysis.report import NotebookExecutionError

    try:
        yield
    except NotebookExecutionError as exc:
        say(exc.traceback, err=True, limit=None)
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
        say(f"warning: {_cli_words(' '.join(str(message).split()))}", err=True)

    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.simplefilter("ignore", PartialLoadWarning)
        warnings.showwarning = show
        yield


if __name__ == "__main__":
    sys.exit(main())
