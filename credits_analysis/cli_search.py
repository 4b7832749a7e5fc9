"""The ``search`` and ``discover`` subcommands, and series given by name wherever an id is asked.

``fetch``, ``tables`` and ``report`` read their series with :func:`series_reference` (an id, a
slug or an address is read at once; anything else must be a name that can be sent) and turn it
into an id with :func:`resolve_argument`, which says on stderr, in one line, what a name
resolved to, or lists the candidates when it names several series.
"""

from __future__ import annotations

import argparse

import pandas as pd

from credits_analysis._terminal import say
from credits_analysis.config import Settings
from credits_analysis.errors import AmbiguousSeriesError, InvalidQueryError
from credits_analysis.resolve import parse_reference, reference_example, resolve_series
from credits_analysis.search import SORT_KEYS, discover_series, search_series

__all__ = ["REFERENCE_HELP", "add_discover", "add_search", "resolve_argument", "series_reference"]

_FORMATS = ("table", "csv", "json")
#: Help text of a series argument.
REFERENCE_HELP = (
    "TMDB id (1399), slug (1399-game-of-thrones), themoviedb.org address, or name in quotes "
    '("Game of Thrones": searched, cached for a day)'
)


def series_reference(text: str) -> int | str:
    """An argparse type: the id of an id, slug or address, else the name, checked to be sendable.

    Raises
    ------
    argparse.ArgumentTypeError
        Empty, too long, control characters, an id that is not positive, an address of
        something else than a series (nothing is requested).
    """
    try:
        parsed = parse_reference(text)
    except InvalidQueryError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text.strip(" ") if parsed is None else parsed[0]


def resolve_argument(
    reference: int | str,
    settings: Settings,
    *,
    command: str,
    language: str | None = None,
    offline: bool | None = None,
) -> int:
    """The series id ``reference`` means; a name's resolution is said on stderr in one line.

    Raises
    ------
    InvalidQueryError
        The name matches several series: they are listed on stderr first (up to ten, with id,
        year and country), and the message says how to pick one with ``command``.
    SeriesNotFoundError, OfflineMissError, TMDBError
        As :func:`credits_analysis.resolve.resolve_series` raises them.
    """
    try:
        resolved = resolve_series(reference, language=language, offline=offline, settings=settings)
    except AmbiguousSeriesError as exc:
        shown = exc.candidates
        total = f"{exc.total}{' or more' if exc.more else ''}"
        first_few = f"; the first {len(shown)}" if exc.total > len(shown) else ""
        say(f'"{exc.query}" matches {total} series{first_few}:', err=True)
        say(_table(shown, indent="  "), err=True, limit=None)
        first = shown.iloc[0]
        raise InvalidQueryError(
            f'"{exc.query}" names several series: pick one by its TMDB id or slug, e.g. '
            f"credits-analysis {command} {first['series_id']} (or "
            f"{reference_example(first)})"
        ) from exc
    if resolved.name is not None:
        say(resolved.message(), err=True)
    return resolved.series_id


def add_search(subparsers: argparse._SubParsersAction) -> None:
    """Register ``credits-analysis search QUERY``."""
    command = subparsers.add_parser(
        "search",
        help="find series by name: id, name, first aired year, countries, popularity",
        description="Search TMDB for series by name (GET /search/tv; cached for a day) and "
        "print one row per series in TMDB's order. Give the id (or the name, when it is unique) "
        "to fetch, tables or report.",
    )
    command.add_argument("query", nargs="+", metavar="QUERY", help="words of the name")
    command.add_argument("--year", metavar="YYYY", help="first aired that year")
    _output_options(command, default_limit=20)
    command.set_defaults(handler=_search)


def add_discover(subparsers: argparse._SubParsersAction) -> None:
    """Register ``credits-analysis discover``."""
    command = subparsers.add_parser(
        "discover",
        help="list series by network, first air date, country, language or genre",
        description="List series matching every filter (GET /discover/tv; cached for a day). "
        "TMDB serves at most 10,000 results per query: for more, split the date range.",
    )
    command.add_argument(
        "--network",
        action="append",
        metavar="ID",
        help="TMDB network id (49 is HBO: themoviedb.org/network/49); repeat for any of several",
    )
    command.add_argument("--from", dest="first_air_date_from", metavar="YYYY-MM-DD")
    command.add_argument("--to", dest="first_air_date_to", metavar="YYYY-MM-DD")
    command.add_argument("--country", metavar="CC", help="origin country, e.g. GB")
    command.add_argument("--original-language", metavar="LL", help="e.g. ko")
    command.add_argument(
        "--genre",
        action="append",
        metavar="ID|NAME",
        help="TMDB genre id (18) or name (Drama); repeat: all",
    )
    command.add_argument(
        "--sort",
        default="popularity.desc",
        metavar="KEY.asc|desc",
        help=f"order: {', '.join(SORT_KEYS)} (default popularity.desc)",
    )
    _output_options(command, default_limit=100)
    command.set_defaults(handler=_discover)


def _output_options(command: argparse.ArgumentParser, *, default_limit: int) -> None:
    command.add_argument(
        "--limit",
        type=_whole_number,
        default=default_limit,
        metavar="N",
        help=f"at most N series, 1 to 10000 (default {default_limit})",
    )
    command.add_argument(
        "--format",
        choices=_FORMATS,
        default="table",
        help="table (id, year, countries, popularity, name) or every column as csv or json",
    )
    command.add_argument("--language", help="TMDB language of names, e.g. fr-FR (default en-US)")
    command.add_argument("--offline", action="store_true", default=None, help="cached results only")


def _search(args: argparse.Namespace, settings: Settings) -> int:
    found = search_series(
        " ".join(args.query),
        first_air_date_year=args.year,
        language=args.language,
        limit=args.limit,
        offline=args.offline,
        settings=settings,
    )
    return _print(found, args.format)


def _discover(args: argparse.Namespace, settings: Settings) -> int:
    found = discover_series(
        networks=args.network,
        first_air_date_from=args.first_air_date_from,
        first_air_date_to=args.first_air_date_to,
        origin_country=args.country,
        original_language=args.original_language,
        genres=args.genre,
        sort_by=args.sort,
        limit=args.limit,
        language=args.language,
        offline=args.offline,
        settings=settings,
    )
    return _print(found, args.format)


def _print(found: pd.DataFrame, file_format: str) -> int:
    if found.empty:
        say("no series found", err=True)
    if file_format == "table":
        if not found.empty:
            say(_table(found), limit=None)
        return 0
    dated = found.assign(first_air_date=found["first_air_date"].dt.strftime("%Y-%m-%d"))
    if file_format == "csv":
        print(dated.to_csv(index=False), end="")
    else:
        print(dated.to_json(orient="records", force_ascii=False, indent=1))
    return 0


def _table(found: pd.DataFrame, *, indent: str = "") -> str:
    """Id, year, countries, popularity and name, one aligned line per series."""
    rows = [("id", "year", "countries", "popularity", "name")] + [
        (
            str(row.series_id),
            "" if pd.isna(row.first_air_date) else str(row.first_air_date.year),
            "" if pd.isna(row.origin_country) else row.origin_country,
            "" if pd.isna(row.popularity) else f"{row.popularity:.1f}",
            "" if pd.isna(row.name) else row.name,
        )
        for row in found.itertuples(index=False)
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        indent
        + "  ".join(
            [
                row[0].rjust(widths[0]),
                row[1].ljust(widths[1]),
                row[2].ljust(widths[2]),
                row[3].rjust(widths[3]),
                row[4],
            ]
        )
        for row in rows
    )


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a whole number, not {text!r}") from None
