"""``credits-analysis corpus build|sql|status|refresh``: the corpus from the command line."""

from __future__ import annotations

import argparse
import io
import math
import re
import shlex
import sys
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from credits_analysis._files import write_atomically
from credits_analysis._tables import table_bytes
from credits_analysis._terminal import say
from credits_analysis.config import MAX_CACHE_AGE, Settings
from credits_analysis.corpus import query
from credits_analysis.corpus.build import BuildResult, build
from credits_analysis.corpus.ids import ID_RANGE, read_ids, unique_ids
from credits_analysis.corpus.manifest import read_committed
from credits_analysis.corpus.refresh import refresh
from credits_analysis.corpus.status import EXPIRY_WARNING, status
from credits_analysis.errors import ConfigError

__all__ = ["add_corpus"]

#: TMDB's documented ceiling is about 40 requests a second per address.
MAX_RATE = 40.0
#: Rows ``--format table`` prints on the terminal before pointing at csv/json/parquet.
TABLE_ROWS = 1000
#: The ``--format`` an ``--out`` file's suffix means, when ``--format`` is not given.
_FORMAT_OF_SUFFIX = {".csv": "csv", ".json": "json", ".jsonl": "json", ".parquet": "parquet"}
# DuckDB types that csv and the printed table show as JSON text.
_NESTED = frozenset({"list", "array", "struct", "map", "union"})
# DuckDB's times without a zone.
_TIMES = frozenset({"timestamp", "timestamp_s", "timestamp_ms", "timestamp_ns"})
# DuckDB's parser error for `FROM cast`: the view's name is a keyword unless quoted.
_UNQUOTED_CAST = re.compile(r'syntax error at or near "cast"', re.IGNORECASE)
#: ``--discover`` keys and the :func:`credits_analysis.search.discover_series` argument each sets.
_DISCOVER_KEYS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "network": ("networks", lambda v: [int(x) for x in v.split("|")]),
    "genre": ("genres", lambda v: [int(x) for x in v.split("|")]),
    "country": ("origin_country", str),
    "language": ("original_language", str),
    "from": ("first_air_date_from", str),
    "to": ("first_air_date_to", str),
    "sort": ("sort_by", str),
}


def add_corpus(subparsers: argparse._SubParsersAction) -> None:
    """Register ``corpus`` and its four actions."""
    command = subparsers.add_parser(
        "corpus",
        help="fetch many series into a Parquet corpus and query it with SQL",
        description="A corpus of many series in DIR: hive-partitioned Parquet tables cast, "
        "crew, seasons, episodes, episode_credits, series, creators and failures, queried with "
        "DuckDB. Build your own: TMDB's terms allow caching for six months and no "
        "redistribution.",
    )
    actions = command.add_subparsers(dest="action", required=True, metavar="ACTION")

    fetching = argparse.ArgumentParser(add_help=False)
    fetching.add_argument("dir", type=Path, metavar="DIR", help="the corpus folder")
    fetching.add_argument("--language", help="TMDB language (default en-US); fixed per corpus")
    fetching.add_argument(
        "--rate",
        type=_rate,
        help=f"requests per second for all series (default 20, max {MAX_RATE:g})",
    )
    fetching.add_argument("--connections", type=_positive_int, help="connections (default 8)")
    fetching.add_argument(
        "--batch-size",
        type=_positive_int,
        default=200,
        help="commit every N finished series (default 200; also every 30 s)",
    )
    fetching.add_argument("--no-progress", action="store_true", help="no progress bar")

    builder = actions.add_parser(
        "build",
        parents=[fetching],
        help="fetch series into DIR (resumes: committed series are skipped)",
        description="Fetch series into the corpus DIR. Killed and started again, it goes on "
        "where it stopped. Exit 3 when some series or seasons failed (see the failures view).",
    )
    source = builder.add_mutually_exclusive_group(required=True)
    source.add_argument("--ids", type=_series_id, nargs="+", metavar="ID", help="TMDB series ids")
    source.add_argument(
        "--ids-file",
        type=Path,
        metavar="FILE",
        help="one id per line (# comments), or a TMDB daily export tv_series_ids_*.json.gz",
    )
    source.add_argument(
        "--discover",
        metavar="QUERY",
        help="TMDB discover filters as key=value words: network=213 genre=18|80 country=US "
        "language=en from=2015-01-01 to=2019-12-31 sort=popularity.desc",
    )
    builder.add_argument(
        "--min-popularity", type=float, help="with an export file, skip less popular series"
    )
    builder.add_argument(
        "--limit", type=_positive_int, default=100, help="with --discover: how many (default 100)"
    )
    builder.set_defaults(handler=_build)

    refresher = actions.add_parser(
        "refresh",
        parents=[fetching],
        help="fetch again what is past its time-to-live or changed on TMDB",
        description="Fetch again the series the last refresh could not (they kept their "
        "rows), those past their time-to-live, those that failed, and those TMDB's /tv/changes "
        "lists since the last refresh. Needs TMDB_API_TOKEN and offline mode off; --language, "
        "if given, must be the corpus's.",
    )
    refresher.add_argument(
        "--no-changes", action="store_true", help="do not ask TMDB's /tv/changes"
    )
    refresher.set_defaults(handler=_refresh)

    sql = actions.add_parser(
        "sql",
        help="run a read-only SQL query on the corpus",
        description="Run one SELECT on the views cast, crew, seasons, series, creators, "
        'failures, episodes and episode_credits (DuckDB SQL; write "cast" in quotes: CAST '
        "is a keyword), or on buckets.cast_0 to buckets.cast_63, the cast split by series "
        "bucket. Writes are refused.",
    )
    sql.add_argument("dir", type=Path, metavar="DIR", help="the corpus folder")
    sql.add_argument("sql", metavar="SQL", help="""e.g. 'SELECT count(*) FROM "cast"'""")
    sql.add_argument(
        "--format",
        choices=("table", "csv", "json", "parquet"),
        help="table (the default), csv, json (one object per line) or parquet; with --out, "
        f"the default is the file's suffix ({', '.join(_FORMAT_OF_SUFFIX)})",
    )
    sql.add_argument("--out", type=Path, metavar="FILE", help="write there (needed for parquet)")
    sql.set_defaults(handler=_sql)

    state = actions.add_parser(
        "status",
        help="what the corpus holds and what is due",
        description="Series done, failed and past their time-to-live, rows per view, bytes on "
        "disk and the oldest fetch; warns as series near TMDB's six-month limit.",
    )
    state.add_argument("dir", type=Path, metavar="DIR", help="the corpus folder")
    state.set_defaults(handler=_status)


def _build(args: argparse.Namespace, settings: Settings) -> int:
    if args.min_popularity is not None and args.ids_file is None:
        raise ConfigError("--min-popularity goes with --ids-file (a TMDB daily export)")
    if args.ids is not None:
        ids = args.ids
    elif args.ids_file is not None:
        ids = read_ids(args.ids_file, min_popularity=args.min_popularity)
    else:
        ids = _discover(args.discover, args.limit, settings)
    result = build(
        args.dir,
        ids,
        settings=_fetch_settings(args, settings),
        progress=False if args.no_progress else None,
        batch_size=args.batch_size,
    )
    return _summary(result, "already in the corpus")


def _refresh(args: argparse.Namespace, settings: Settings) -> int:
    result = refresh(
        args.dir,
        settings=_fetch_settings(args, settings),
        changes=not args.no_changes,
        progress=False if args.no_progress else None,
        batch_size=args.batch_size,
    )
    return _summary(result, "not due")


def _sql(args: argparse.Namespace, settings: Settings) -> int:
    file_format = _output_format(args.format, args.out)
    if file_format == "parquet" and args.out is None:
        raise ConfigError("--format parquet needs --out FILE")
    if args.out is not None and _inside(args.out, args.dir):
        # Written there, a result would sit among (or over) the corpus's own files.
        raise ConfigError(f"--out {args.out} is inside the corpus folder; write it elsewhere")
    with query.open(args.dir) as connection:
        try:
            query.check_read_only(connection, args.sql)
            result = connection.sql(args.sql)
            if result is None:  # check_read_only lets one SELECT through, which has a result
                raise ConfigError("the query returned no result")
            table = _as_text(result, file_format)
        except duckdb.ParserException as exc:
            hint = (
                '\n(the view is "cast", in double quotes)'
                if _UNQUOTED_CAST.search(str(exc))
                else ""
            )
            raise ConfigError(f"{exc}{hint}") from None
        except duckdb.Error as exc:
            # A refresh that compacted while the query ran, or a file changed from outside.
            root = args.dir.expanduser().absolute()
            known = query.changed_since_open(connection) or query.damaged_file(
                root, read_committed(root)
            )
            raise known or ConfigError(str(exc)) from None
    names = table.column_names
    if file_format in ("json", "parquet") and len(set(names)) < len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise ConfigError(
            f"{file_format} needs a name for each column, and the result has more than one "
            f"column named {', '.join(map(repr, twice))}: name them apart with AS"
        )
    try:
        data = _render(table, file_format, whole=args.out is not None)
    except (ValueError, OverflowError, TypeError, pa.ArrowException) as exc:
        raise ConfigError(
            f"cannot write this result as {file_format} ({exc}); CAST the column concerned "
            "to VARCHAR in the query"
        ) from None
    if args.out is not None:
        write_atomically(args.out, data)
        say(f"{args.out}: {table.num_rows:,} row{'' if table.num_rows == 1 else 's'}", err=True)
    elif file_format == "table":
        # Names come from TMDB: shown on a terminal, never acted on by it.
        say(data.decode("utf-8").rstrip("\n"), limit=None)
    else:
        sys.stdout.write(data.decode("utf-8"))
    return 0


def _status(args: argparse.Namespace, settings: Settings) -> int:
    s = status(args.dir, settings=settings)
    built = f"{s.last_build:%Y-%m-%d %H:%M} UTC" if s.last_build else "never finished"
    say(f"{s.path} ({s.language}), last build {built}")
    waiting = f", {s.waiting} waiting to be fetched again" if s.waiting else ""
    say(
        f"series: {s.done} done ({s.partial} with failed seasons), {s.failed} failed, "
        f"{s.stale} past their time-to-live{waiting}"
    )
    width = max(map(len, s.rows), default=0)
    for table, rows in s.rows.items():
        say(f"  {table:<{width}} {rows:>12,} rows")
    size = s.bytes_on_disk
    say(f"on disk: {size / 1e6:,.1f} MB" if size >= 1_000_000 else f"on disk: {size / 1e3:.1f} kB")
    if s.oldest_fetch is not None:
        age = (datetime.now(UTC) - s.oldest_fetch).days
        say(f"oldest fetch: {s.oldest_fetch:%Y-%m-%d} ({age} days ago)")
    if s.expired:
        say(
            f"warning: {s.expired} series were fetched more than {MAX_CACHE_AGE.days} days ago "
            "(TMDB's six-month limit) and are no longer shown; run `corpus refresh`",
            err=True,
        )
    if s.expiring:
        say(
            f"warning: {s.expiring} series reach TMDB's six-month limit within "
            f"{EXPIRY_WARNING.days} days; run `corpus refresh` to keep them",
            err=True,
        )
    return 0


def _summary(result: BuildResult, skipped: str) -> int:
    from credits_analysis.cli import EXIT_OK, EXIT_PARTIAL

    kept = f", {len(result.kept)} kept as they were" if result.kept else ""
    say(
        f"{result.path}: {len(result.loaded)} series loaded"
        f" ({result.partial} with failed seasons), {len(result.failed)} failed{kept}, "
        f"{result.skipped} {skipped}; {result.requests:,} request"
        f"{'' if result.requests == 1 else 's'} in {result.seconds:.1f} s"
    )
    if result.kept:
        errors = Counter(result.kept_errors)
        say(
            f"{len(result.kept)} series could not be fetched again "
            f"({', '.join(f'{n} {e}' for e, n in errors.most_common())}): they keep their "
            "earlier rows, and the next corpus refresh fetches them first",
            err=True,
        )
    if result.failed or result.partial:
        say(
            "some series or seasons failed: see `credits-analysis corpus sql "
            f"{shlex.quote(str(result.path))} 'SELECT * FROM failures'`",
            err=True,
        )
    return EXIT_PARTIAL if result.failed or result.partial or result.kept else EXIT_OK


def _fetch_settings(args: argparse.Namespace, settings: Settings) -> Settings:
    return settings.with_overrides(
        language=args.language, requests_per_second=args.rate, max_connections=args.connections
    )


def _discover(text: str, limit: int, settings: Settings) -> list[int]:
    filters: dict[str, Any] = {}
    for word in text.replace(",", " ").split():
        key, _, value = word.partition("=")
        if key not in _DISCOVER_KEYS or not value:
            raise ConfigError(
                f"--discover takes key=value words with keys {', '.join(_DISCOVER_KEYS)}; "
                f"got {word!r}"
            )
        name, parse = _DISCOVER_KEYS[key]
        try:
            filters[name] = parse(value)
        except ValueError:
            raise ConfigError(f"--discover {key}= takes TMDB ids, got {value!r}") from None
    if not filters:
        # An empty --discover (an unset shell variable) would build TMDB's most popular series.
        raise ConfigError(
            "--discover needs at least one key=value word, e.g. network=213 or sort=popularity.desc"
        )
    # Imported here: a build from ids never needs it.
    from credits_analysis.search import discover_series

    found = discover_series(**filters, limit=limit, settings=settings)
    return [int(i) for i in found["series_id"]]


def _output_format(given: str | None, out: Path | None) -> str:
    """``--format`` as given, else what the ``--out`` file's suffix says; table on the terminal.

    Raises
    ------
    ConfigError
        ``--format`` and the suffix disagree (``--format csv --out result.parquet``), or the
        suffix names no format and ``--format`` is not given (``--out result.tsv``, or
        ``--out result``).
    """
    suffix = out.suffix.lower() if out is not None else ""
    implied = _FORMAT_OF_SUFFIX.get(suffix)
    if out is not None and given is None and implied is None:
        named = f"{suffix} names no format" if suffix else "a name without a suffix names no format"
        raise ConfigError(
            f"--out {out}: {named} ({', '.join(_FORMAT_OF_SUFFIX)} do); "
            "say which with --format table|csv|json|parquet"
        )
    if given is not None and implied is not None and given != implied:
        raise ConfigError(
            f"--format {given} writes {given}, but --out {out} says {implied}; "
            "make them agree (or leave --format out)"
        )
    return given or implied or "table"


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is in ``folder`` once ``~``, ``..`` and links are resolved."""
    return path.expanduser().resolve().is_relative_to(folder.expanduser().resolve())


def _as_text(result: duckdb.DuckDBPyRelation, file_format: str) -> pa.Table:
    """``result`` as an Arrow table, with the columns that ``file_format`` cannot hold as they
    are turned to text, in DuckDB:

    - INTERVAL ('2 months 3 days'): neither Parquet nor pandas' CSV and JSON writers take it;
    - ENUM, but in parquet: pandas sees no text in Arrow's dictionaries (CSV would not quote
      a formula);
    - lists, structs and maps, in csv and table, as JSON (``["Crime","Drama"]``), where
      pandas would print an array's repr;
    - dates and times, in json, as ``2012-09-16`` and ``2026-12-01T01:42:05.461006Z`` (times
      of :func:`query.open` are in UTC): pandas would give a date a midnight and cut times to
      milliseconds.

    Columns are named by position (``#2``): a result may have two columns of one name, or
    names that differ in case only, which SQL would not tell apart.
    """
    conversions = {"interval": "CAST({} AS VARCHAR)"}
    if file_format != "parquet":
        conversions["enum"] = "CAST({} AS VARCHAR)"
    if file_format in ("csv", "table"):
        conversions |= dict.fromkeys(_NESTED, "CAST(to_json({}) AS VARCHAR)")
    if file_format == "json":
        conversions["date"] = "CAST({} AS VARCHAR)"
        conversions |= dict.fromkeys(_TIMES, "strftime({}, '%Y-%m-%dT%H:%M:%S.%f')")
        conversions["timestamp with time zone"] = "strftime({}, '%Y-%m-%dT%H:%M:%S.%fZ')"
    names, kinds = result.columns, [t.id for t in result.dtypes]
    if not conversions.keys() & set(kinds):
        return result.to_arrow_table()
    columns = [conversions.get(kind, "{}").format(f"#{n}") for n, kind in enumerate(kinds, start=1)]
    return result.project(", ".join(columns)).to_arrow_table().rename_columns(names)


def _render(table: pa.Table, file_format: str, *, whole: bool) -> bytes:
    """``table`` written as ``file_format``; a table on the terminal (not ``whole``) shows its
    first :data:`TABLE_ROWS` rows."""
    if file_format == "parquet":
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        return buffer.getvalue()
    # Arrow-backed columns: an integer column with a NULL stays integers (not 2.0).
    frame = table.to_pandas(types_mapper=pd.ArrowDtype)
    if file_format == "csv":
        # Query results carry TMDB's text: quoted against spreadsheet formulas like `tables`.
        return table_bytes(frame, "csv")
    if file_format == "json":
        return (frame.to_json(orient="records", date_format="iso", lines=True) or "").encode()
    shown = (frame if whole else frame.head(TABLE_ROWS)).to_string(index=False)
    more = 0 if whole else len(frame) - TABLE_ROWS
    note = f"\n({more} more rows: use --format csv, json or parquet)" if more > 0 else ""
    return f"{shown}{note}\n".encode()


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value <= MAX_RATE:
        raise argparse.ArgumentTypeError(
            f"the rate is between 0 and {MAX_RATE:g} requests/s (TMDB's limit), not {text}"
        )
    return value


def _series_id(text: str) -> int:
    try:
        (value,) = unique_ids([int(text)])
    except (ValueError, ConfigError):
        raise argparse.ArgumentTypeError(f"a TMDB series id is {ID_RANGE}, not {text}") from None
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"a positive whole number, not {text}")
    return value
