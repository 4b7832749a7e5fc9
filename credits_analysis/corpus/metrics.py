"""Representation and churn across a corpus, aggregated in DuckDB.

Every function takes a DuckDB connection that has the corpus views (``cast``, ``crew``,
``seasons``, ``series``, ``creators``; see :func:`credits_analysis.corpus.open`) and returns a
small pandas frame of aggregates: no row per person ever leaves the database. The churn
functions also use the per-bucket views of ``cast`` when the connection has them (those of
:func:`credits_analysis.corpus.open` do), which gives the same answer faster.

How things are counted (the report says the same under each chart):

- **Year** is the calendar year of a season's ``air_date`` (its first episode). Seasons without
  an air date, and Specials (season 0), are left out of every by-year figure.
- **Directing** is the Directing department's ``Director`` job. A person-season's *episodes* are
  that job's ``episode_count``: a co-directed episode counts once for each of its directors, as
  TMDB and the DGA both count it.
- **Writing** is every job of the Writing department (Writer, Teleplay, Story, Novel, ...). A
  person-season's *episodes* are their most credited writing job, so a writer credited for
  teleplay and story on the same episodes counts them once (a lower bound).
- **Cast**: a person-season's episodes are their most credited role. *Regular cast* are those
  credited on at least half of the season's episodes (TMDB's ``episode_count`` of the season).
- **People** count each person once per group (a director of two series in one year is one
  person that year); **episodes** add up person-season episodes.
- **Creators** come from the series details' ``created_by``, by the year the series first aired.
- Shares are given over known genders (female, male, non-binary) *and* over everyone, with the
  "not set" share beside them; every row keeps its denominators, and groups with fewer than
  ``min_series`` series are flagged ``small_sample``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Literal

import duckdb
import pandas as pd

from credits_analysis.corpus.layout import BUCKETS
from credits_analysis.corpus.query import bucket_views, changed_since_open
from credits_analysis.wording import year_span

__all__ = [
    "MIN_SERIES",
    "PERIOD_YEARS",
    "REGULAR_SHARE",
    "cast_churn",
    "churn_by_group",
    "churn_by_series",
    "creator_share",
    "dated_years",
    "episode_directing",
    "overview",
    "people_across_series",
    "representation",
    "top_networks",
]

#: Groups (years, networks) with fewer series than this are flagged ``small_sample``.
MIN_SERIES = 5
#: Cast credited on at least this share of a season's episodes are its regular cast.
REGULAR_SHARE = 0.5

Role = Literal["directing", "writing", "regular cast", "all cast"]
Grouping = Literal["year", "period", "network", "country"]
_ROLES: tuple[str, ...] = ("directing", "writing", "regular cast", "all cast")
_GROUPINGS: tuple[str, ...] = ("year", "period", "network", "country")
#: Years per ``period`` group: 1995-1999, 2000-2004, ...
PERIOD_YEARS = 5

# Person-season credits of each role: one row per (series, season, person) with their episodes.
_ROLE_CREDITS = {
    "directing": """
        SELECT series_id, season_number, person_id, any_value(gender) AS gender,
               max(episode_count) AS episodes
        FROM crew WHERE department = 'Directing' AND job = 'Director'
        GROUP BY series_id, season_number, person_id""",
    "writing": """
        SELECT series_id, season_number, person_id, any_value(gender) AS gender,
               max(episode_count) AS episodes
        FROM crew WHERE department = 'Writing'
        GROUP BY series_id, season_number, person_id""",
    "all cast": """
        SELECT series_id, season_number, person_id, any_value(gender) AS gender,
               max(episode_count) AS episodes
        FROM "cast" GROUP BY series_id, season_number, person_id""",
}
_ROLE_CREDITS["regular cast"] = f"""
    SELECT c.* FROM ({_ROLE_CREDITS["all cast"]}) AS c
    JOIN seasons AS s USING (series_id, season_number)
    WHERE s.episode_count > 0 AND c.episodes >= {REGULAR_SHARE} * s.episode_count"""

# Seasons that count towards by-year figures, with their year.
_DATED_SEASONS = """
    SELECT series_id, season_number, CAST(year(air_date) AS INTEGER) AS year
    FROM seasons WHERE air_date IS NOT NULL AND season_number > 0"""

# A series' networks and countries, one row each. TMDB can list two networks of one name
# (under two ids): a series counts once for each name.
_LISTED = {
    "network": "unnest(list_distinct(networks)) AS network",
    "country": "unnest(list_distinct(origin_country)) AS country",
}
# The group keys a season belongs to: networks and countries are lists on the series.
_KEYS = {
    "year": ("s.year", ""),
    "period": (f"s.year - s.year % {PERIOD_YEARS} AS period", ""),
    "network": (
        "n.network",
        f"JOIN (SELECT series_id, {_LISTED['network']} FROM series) AS n USING (series_id)",
    ),
    "country": (
        "k.country",
        f"JOIN (SELECT series_id, {_LISTED['country']} FROM series) AS k USING (series_id)",
    ),
}

_GENDER_COUNTS = """
    count(*) FILTER (gender = 'female') AS female,
    count(*) FILTER (gender = 'male') AS male,
    count(*) FILTER (gender = 'non-binary') AS non_binary,
    count(*) FILTER (gender = 'not set' OR gender IS NULL) AS not_set"""
_GENDER_SUMS = """
    coalesce(sum(episodes) FILTER (gender = 'female'), 0) AS female,
    coalesce(sum(episodes) FILTER (gender = 'male'), 0) AS male,
    coalesce(sum(episodes) FILTER (gender = 'non-binary'), 0) AS non_binary,
    coalesce(sum(episodes) FILTER (gender = 'not set' OR gender IS NULL), 0) AS not_set"""

# The counts of a LEFT JOIN, where a group with no credits has NULL for each.
_GENDER_OR_ZERO = """
    coalesce(female, 0) AS female, coalesce(male, 0) AS male,
    coalesce(non_binary, 0) AS non_binary, coalesce(not_set, 0) AS not_set"""

_COUNT_COLUMNS = ["female", "male", "non_binary", "not_set"]


def representation(
    con: duckdb.DuckDBPyConnection,
    role: Role,
    *,
    by: Sequence[Grouping] = ("year",),
    networks: Sequence[str] | None = None,
    min_series: int = MIN_SERIES,
) -> pd.DataFrame:
    """Gender shares of one role, by year, network and/or country of origin.

    Parameters
    ----------
    con
        A connection with the corpus views.
    role
        ``"directing"``, ``"writing"``, ``"regular cast"`` or ``"all cast"`` (see the module
        notes for how each is counted).
    by
        Group keys, in order: any of ``"year"``, ``"period"`` (the first year of
        :data:`PERIOD_YEARS`-year spans: 2000 for 2000-2004), ``"network"``, ``"country"``. A
        series on two networks counts in both.
    networks
        Keep only these networks (with ``"network"`` in ``by``), e.g. :func:`top_networks`; a
        string is one network.
    min_series
        Groups with fewer series are flagged ``small_sample``.

    Returns
    -------
    pandas.DataFrame
        One row per group and measure, sorted by the group keys then measure:

        ==================  =======  =========================================================
        year / period /     Int64 /  the group keys asked for in ``by``; every dated year of the
        network / country   string   corpus appears, even with no credit of this role
        measure             string   ``episodes`` (person-season episodes added up) or
                                     ``people`` (each person once per group)
        series              int64    series with a dated season in the group
        female, male,       int64    the measure for each gender
        non_binary, not_set
        total               int64    the four added up: the denominator of ``share_female``
        known               int64    female + male + non-binary: the denominator of
                                     ``share_female_known``
        share_female_known  float64  female / known; NaN when ``known`` is 0
        share_female        float64  female / total (over everyone); NaN when ``total`` is 0
        share_not_set       float64  not_set / total; NaN when ``total`` is 0
        small_sample        bool     fewer than ``min_series`` series in the group
        ==================  =======  =========================================================
    """
    if role not in _ROLES:
        raise ValueError(f"role must be one of {', '.join(_ROLES)}; got {role!r}")
    keys = _checked_keys(by)
    key_sql, joins = _keyed(keys)
    names = ", ".join(keys)
    network_filter = ""
    parameters: list[object] = []
    if networks is not None:
        if "network" not in keys:
            raise ValueError('networks= needs "network" in by=')
        network_filter = "WHERE n.network IN (SELECT unnest(?))"
        parameters.append([networks] if isinstance(networks, str) else list(networks))
    sql = f"""
        WITH dated AS ({_DATED_SEASONS}),
        keyed AS (
            SELECT {key_sql}, s.series_id, s.season_number
            FROM dated AS s {joins} {network_filter}
        ),
        groups AS (SELECT {names}, count(DISTINCT series_id) AS series FROM keyed GROUP BY ALL),
        credits AS (
            SELECT k.{names.replace(", ", ", k.")}, c.person_id, c.gender, c.episodes
            FROM keyed AS k JOIN ({_ROLE_CREDITS[role]}) AS c USING (series_id, season_number)
        ),
        episodes AS (
            SELECT {names}, 'episodes' AS measure, {_GENDER_SUMS} FROM credits GROUP BY ALL
        ),
        people AS (
            SELECT {names}, 'people' AS measure, {_GENDER_COUNTS}
            FROM (
                SELECT {names}, person_id, any_value(gender) AS gender
                FROM credits GROUP BY ALL
            ) GROUP BY ALL
        ),
        measures AS (SELECT * FROM episodes UNION ALL BY NAME SELECT * FROM people)
        SELECT g.{names.replace(", ", ", g.")}, m.measure, g.series, {_GENDER_OR_ZERO}
        FROM groups AS g
        CROSS JOIN (VALUES ('episodes'), ('people')) AS m(measure)
        LEFT JOIN measures USING ({names}, measure)
        ORDER BY {names}, measure
    """
    frame = _frame(con, sql, parameters)
    return _with_shares(frame, keys, min_series)


def creator_share(
    con: duckdb.DuckDBPyConnection,
    *,
    by: Sequence[Grouping] = ("year",),
    min_series: int = MIN_SERIES,
) -> pd.DataFrame:
    """Gender shares of series creators (``created_by``), by the year a series first aired.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`representation`, with ``measure`` always ``"creators"`` (each
        person once per group) and ``series`` counting the series that first aired in the
        group, with or without a creator listed.
    """
    keys = _checked_keys(by)
    spine = {
        "year": "CAST(year(first_air_date) AS INTEGER) AS year",
        "period": f"CAST(year(first_air_date) AS INTEGER) // {PERIOD_YEARS} * {PERIOD_YEARS} "
        "AS period",
        **_LISTED,
    }
    names = ", ".join(keys)
    # unnest() of two lists in one SELECT zips them; each list gets its own subquery instead.
    keyed = "SELECT series_id FROM series WHERE first_air_date IS NOT NULL"
    for key in keys:
        keyed = (
            f"SELECT * FROM ({keyed}) JOIN "
            f"(SELECT series_id, {spine[key]} FROM series WHERE first_air_date IS NOT NULL) "
            "USING (series_id)"
        )
    sql = f"""
        WITH keyed AS ({keyed}),
        groups AS (SELECT {names}, count(DISTINCT series_id) AS series FROM keyed GROUP BY ALL),
        people AS (
            SELECT {names}, {_GENDER_COUNTS}
            FROM (
                SELECT {names}, c.person_id, any_value(c.gender) AS gender
                FROM keyed JOIN creators AS c USING (series_id) GROUP BY ALL
            ) GROUP BY ALL
        )
        SELECT g.{names.replace(", ", ", g.")}, 'creators' AS measure, g.series, {_GENDER_OR_ZERO}
        FROM groups AS g LEFT JOIN people USING ({names})
        ORDER BY {names}
    """
    return _with_shares(_frame(con, sql), keys, min_series)


def episode_directing(
    con: duckdb.DuckDBPyConnection, *, min_series: int = MIN_SERIES
) -> pd.DataFrame:
    """Gender shares of directing counted episode by episode, by the year each episode aired.

    From the corpus's ``episodes`` and ``episode_credits`` (series fetched since seasons carry
    their episodes): each Director credit of an episode counts once, so a co-directed episode
    counts for each of its directors, as the DGA counts. Unlike :func:`representation`, a
    season that straddles two years splits between them. Episodes without an air date and
    Specials are in no year.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`representation` by ``year``, with ``measure`` always
        ``"episode credits"``; ``series`` counts the series with a dated episode that year.
    """
    sql = f"""
        WITH dated AS (
            SELECT series_id, season_number, episode_number,
                   CAST(year(air_date) AS INTEGER) AS year
            FROM episodes WHERE air_date IS NOT NULL AND season_number > 0
        ),
        groups AS (SELECT year, count(DISTINCT series_id) AS series FROM dated GROUP BY year),
        credits AS (
            SELECT d.year, c.gender
            FROM episode_credits AS c
            JOIN dated AS d USING (series_id, season_number, episode_number)
            WHERE c.department = 'Directing' AND c.job = 'Director'
        ),
        counted AS (SELECT year, {_GENDER_COUNTS} FROM credits GROUP BY year)
        SELECT g.year, 'episode credits' AS measure, g.series, {_GENDER_OR_ZERO}
        FROM groups AS g LEFT JOIN counted USING (year)
        ORDER BY g.year
    """
    return _with_shares(_frame(con, sql), ["year"], min_series)


def top_networks(con: duckdb.DuckDBPyConnection, n: int = 6) -> pd.DataFrame:
    """The ``n`` networks with the most series in the corpus.

    Returns
    -------
    pandas.DataFrame
        ``network`` (string) and ``series`` (int64), most series first (ties by name).
    """
    frame = _frame(
        con,
        f"""
        SELECT network, count(DISTINCT series_id) AS series
        FROM (SELECT series_id, {_LISTED["network"]} FROM series)
        GROUP BY network ORDER BY series DESC, network LIMIT ?
        """,
        [n],
    )
    return frame.astype({"network": "string", "series": "int64"})


# Cast churn in two aggregations instead of a join of every credit with the next season's.
# Each series' credited seasons (Specials aside) are numbered 0, 1, 2, ... in order, so "the
# next credited season" is always the next position, whatever gaps the season numbers have.
# Every person of a series then gets one bitmask of the positions they are credited in and one
# of those they are regular in; people with the same masks are counted together, and a season
# pair's regulars and returners are read off the masks. Positions come in chunks of
# _CHUNK (a 64-bit mask holds one chunk plus the next chunk's first position, so the last
# position of a chunk still sees its next season), which keeps any number of seasons exact.
#
# The masks group every cast credit by (series, person): about 12 million groups on 20 million
# rows. DuckDB splits a grouping into as many partitions as it has threads, so on two cores each
# half is a hash table far bigger than the CPU caches. A series' rows all lie in one bucket of
# the layout, so the masks are grouped bucket by bucket instead, one UNION ALL branch per view
# of query.bucket_views, each joined with its own bucket's slots only: every hash table then
# fits the caches. On 20 million cast rows the grouping takes less than half the CPU time, and
# the whole churn by network 2.3 s instead of 2.7 (see tests/benchmarks/test_bench_corpus.py).
_CHUNK = 63
_CREDITED_AND_SLOTS = f"""
    WITH credited AS (
        SELECT series_id, season_number,
               row_number() OVER (PARTITION BY series_id ORDER BY season_number) - 1 AS position,
               lead(season_number) OVER (PARTITION BY series_id ORDER BY season_number)
                   AS next_season
        FROM (SELECT DISTINCT series_id, season_number FROM "cast" WHERE season_number > 0)
    ),
    slots AS (
        SELECT k.series_id, k.series_id % {BUCKETS} AS bucket, k.season_number, k.next_season,
               k.position // {_CHUNK} AS chunk, k.position % {_CHUNK} AS bit,
               CASE WHEN s.episode_count > 0
                    THEN CAST({REGULAR_SHARE} * s.episode_count AS DOUBLE) END AS regular_from
        FROM credited AS k LEFT JOIN seasons AS s USING (series_id, season_number)
        UNION ALL
        -- A chunk's first position is also the previous chunk's bit {_CHUNK}, never regular.
        SELECT series_id, series_id % {BUCKETS}, season_number, NULL, position // {_CHUNK} - 1,
               {_CHUNK}, NULL
        FROM credited WHERE position % {_CHUNK} = 0 AND position > 0
    )"""
# One (series, person, chunk) row of masks, from the cast rows of ``{cast}``.
_MASKS = """
    SELECT c.series_id, k.chunk,
           bit_or(1::UBIGINT << k.bit::UBIGINT) AS credited,
           bit_or(1::UBIGINT << k.bit::UBIGINT) FILTER (c.episode_count >= k.regular_from)
               AS regular
    FROM {cast} AS c JOIN slots AS k USING (series_id, season_number) {where}
    GROUP BY c.series_id, c.person_id, k.chunk"""
_SHAPES_AND_PAIRS = """
    shapes AS (
        SELECT series_id, chunk, credited, regular, count(*) AS people
        FROM masks WHERE regular IS NOT NULL GROUP BY ALL
    ),
    pairs AS (
        SELECT k.series_id, k.season_number, k.next_season, sum(h.people) AS regulars,
               coalesce(sum(h.people) FILTER ((h.credited >> (k.bit + 1)::UBIGINT) & 1 = 1), 0)
                   AS "returning"
        FROM slots AS k
        JOIN shapes AS h
            ON h.series_id = k.series_id AND h.chunk = k.chunk
            AND (h.regular >> k.bit::UBIGINT) & 1 = 1
        WHERE k.next_season IS NOT NULL
        GROUP BY ALL
    )"""


@contextmanager
def _pairs(con: duckdb.DuckDBPyConnection, pairs: pd.DataFrame | None) -> Iterator[str]:
    """The CTEs up to ``pairs``: worked out, or read from ``pairs`` (a :func:`cast_churn`)."""
    if pairs is None:
        yield _regulars_and_next(con)
        return
    name = f"_cast_churn_{id(pairs)}"
    con.register(name, pairs)
    try:
        yield f"WITH pairs AS (SELECT * FROM {name})"
    finally:
        con.unregister(name)


def _regulars_and_next(con: duckdb.DuckDBPyConnection) -> str:
    """The CTEs up to ``pairs``: each season pair's regulars and how many of them return."""
    buckets = bucket_views(con, "cast")
    branches = [
        _MASKS.format(cast=view, where=f"WHERE k.bucket = {bucket}")
        for bucket, view in buckets.items()
    ] or [_MASKS.format(cast='"cast"', where="")]
    masks = " UNION ALL ".join(f"({branch})" for branch in branches)
    return f"{_CREDITED_AND_SLOTS}, masks AS ({masks}), {_SHAPES_AND_PAIRS}"


def cast_churn(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """How much of each season's regular cast returns the next season, one row per season pair.

    A regular of season *s* (credited on at least half its episodes) *returns* when credited
    in any cast role in the next season of the series that has cast credits (gaps in season
    numbers are skipped over; Specials are left out).

    Returns
    -------
    pandas.DataFrame
        ==============  =======  =====================================================
        series_id       int64    TMDB series id
        season_number   int64    the season *s*
        next_season     int64    the next credited season
        regulars        int64    regular cast of *s*: the denominator
        returning       int64    of them, credited in ``next_season``
        returning_share float64  returning / regulars
        ==============  =======  =====================================================
    """
    frame = _frame(
        con, f"{_regulars_and_next(con)} SELECT * FROM pairs ORDER BY series_id, season_number"
    )
    frame = frame.astype(
        {c: "int64" for c in ("series_id", "season_number", "next_season", "regulars", "returning")}
    )
    frame["returning_share"] = frame["returning"] / frame["regulars"]
    return frame


def churn_by_series(
    con: duckdb.DuckDBPyConnection, *, pairs: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Each series' cast churn: the share of its regular cast that does *not* return, pooled.

    Parameters
    ----------
    con
        A connection with the corpus views.
    pairs
        :func:`cast_churn` of ``con``, when already worked out (the season pairs are the costly
        part: about 2 s on 20 million cast rows).

    Returns
    -------
    pandas.DataFrame
        One row per series with at least one season pair, highest churn first:

        ===============  =======  ====================================================
        series_id        int64    TMDB series id
        name             string   series name
        type             string   TMDB series type (Scripted, Miniseries, ...)
        genre            string   the first genre TMDB lists, <NA> without one
        season_pairs     int64    consecutive credited season pairs
        regulars         int64    regulars over all pairs: the denominator
        returning        int64    of them, credited the next season
        returning_share  float64  returning / regulars
        churn            float64  1 - returning_share
        ===============  =======  ====================================================
    """
    with _pairs(con, pairs) as ctes:
        frame = _frame(
            con,
            f"""{ctes}
            SELECT p.series_id, any_value(s.name) AS name, any_value(s.type) AS type,
                   any_value(s.genres[1]) AS genre, count(*) AS season_pairs,
                   sum(p.regulars) AS regulars, sum(p.returning) AS returning
            FROM pairs AS p LEFT JOIN series AS s USING (series_id)
            GROUP BY p.series_id
            """,
        )
    frame = frame.astype(
        {
            "series_id": "int64",
            "name": "string",
            "type": "string",
            "genre": "string",
            "season_pairs": "int64",
            "regulars": "int64",
            "returning": "int64",
        }
    )
    frame["returning_share"] = frame["returning"] / frame["regulars"]
    frame["churn"] = 1 - frame["returning_share"]
    return frame.sort_values(["churn", "series_id"], ascending=[False, True], ignore_index=True)


def churn_by_group(
    con: duckdb.DuckDBPyConnection,
    *,
    by: Sequence[Grouping] = ("network",),
    min_series: int = MIN_SERIES,
    pairs: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """How much cast churn is usual, by network, country of origin, year or period.

    Each season pair of :func:`cast_churn` has a churn: the share of season *s*'s regular cast
    not credited in the next season. This gives the distribution of that churn over the pairs
    of each group, and the pooled churn (all regulars of the group together).

    Parameters
    ----------
    con
        A connection with the corpus views.
    by
        Group keys, in order, among ``"network"``, ``"country"``, ``"year"`` and ``"period"``
        (the air year of season *s*; pairs whose season *s* has no air date are in no year). A
        series on two networks counts in both.
    min_series
        Groups with fewer series are flagged ``small_sample``.
    pairs
        :func:`cast_churn` of ``con``, when already worked out (as for
        :func:`churn_by_series`).

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted by the group keys:

        =================  =======  ====================================================
        network / country  string   the group keys asked for in ``by``
        / year / period    / Int64
        series             int64    series with a season pair in the group
        season_pairs       int64    season pairs: the count behind the statistics
        regulars           int64    regular cast over all pairs
        returning          int64    of them, credited in the next season
        churn              float64  pooled: 1 - returning / regulars
        mean               float64  mean of the pairs' churn
        p25, median, p75   float64  quartiles of the pairs' churn (linear interpolation)
        small_sample       bool     fewer than ``min_series`` series in the group
        =================  =======  ====================================================
    """
    keys = _checked_keys(by)
    key_sql, joins = _keyed(keys)
    names = ", ".join(keys)
    # Only a by-year grouping needs the seasons' years; pairs without one are in no year.
    dated = (
        f"(SELECT p.*, d.year FROM pairs AS p JOIN ({_DATED_SEASONS}) AS d "
        "USING (series_id, season_number))"
        if {"year", "period"} & set(keys)
        else "pairs"
    )
    with _pairs(con, pairs) as ctes:
        frame = _frame(
            con,
            f"""{ctes},
            keyed AS (
                SELECT {key_sql}, s.series_id, s.regulars, s."returning",
                       1 - s."returning" / s.regulars AS churn
                FROM {dated} AS s {joins}
            )
            SELECT {names}, count(DISTINCT series_id) AS series, count(*) AS season_pairs,
                   sum(regulars) AS regulars, sum("returning") AS "returning",
                   1 - sum("returning") / sum(regulars) AS churn, avg(churn) AS mean,
                   quantile_cont(churn, 0.25) AS p25, quantile_cont(churn, 0.5) AS median,
                   quantile_cont(churn, 0.75) AS p75
            FROM keyed GROUP BY ALL ORDER BY ALL
            """,
        )
    types: dict[str, str] = {
        "series": "int64",
        "season_pairs": "int64",
        "regulars": "int64",
        "returning": "int64",
    }
    for column in ("churn", "mean", "p25", "median", "p75"):
        types[column] = "float64"
    frame = frame.astype(types | _key_types(keys))
    frame["small_sample"] = frame["series"] < min_series
    return frame


def people_across_series(con: duckdb.DuckDBPyConnection, *, top: int = 10) -> pd.DataFrame:
    """The people credited in the most series of the corpus, per department.

    Cast credits count as the department ``Acting``; crew credits in their own department.

    Returns
    -------
    pandas.DataFrame
        The ``top`` people of each department (ties broken by seasons, then person id):

        ==========  =======  =======================================================
        department  string   Acting, or the crew department
        person_id   int64    TMDB person id
        name        string   the name in the most recent fetch
        gender      string   female, male, non-binary or not set
        series      int64    distinct series credited in that department
        seasons     int64    distinct series-seasons credited in that department
        rank        int64    1 = most series
        ==========  =======  =======================================================
    """
    frame = _frame(
        con,
        """
        WITH credits AS (
            SELECT 'Acting' AS department, person_id, name, gender, series_id, season_number,
                   fetched_at
            FROM "cast" JOIN (SELECT series_id, season_number, fetched_at FROM seasons)
                USING (series_id, season_number)
            UNION ALL
            SELECT department, person_id, name, gender, series_id, season_number, fetched_at
            FROM crew JOIN (SELECT series_id, season_number, fetched_at FROM seasons)
                USING (series_id, season_number)
        ),
        ranked AS (
            SELECT department, person_id, arg_max(name, fetched_at) AS name,
                   any_value(CAST(gender AS VARCHAR)) AS gender,
                   count(DISTINCT series_id) AS series,
                   count(DISTINCT (series_id, season_number)) AS seasons,
                   row_number() OVER (
                       PARTITION BY department
                       ORDER BY count(DISTINCT series_id) DESC,
                                count(DISTINCT (series_id, season_number)) DESC, person_id
                   ) AS rank
            FROM credits GROUP BY department, person_id
        )
        SELECT * FROM ranked WHERE rank <= ? ORDER BY department, rank
        """,
        [top],
    )
    return frame.astype(
        {
            "department": "string",
            "person_id": "int64",
            "name": "string",
            "gender": "string",
            "series": "int64",
            "seasons": "int64",
            "rank": "int64",
        }
    )


def _frame(
    con: duckdb.DuckDBPyConnection, sql: str, parameters: Sequence[object] = ()
) -> pd.DataFrame:
    """The result of ``sql`` on ``con``; a connection whose files a build or refresh has
    replaced since it was opened gets :class:`~credits_analysis.errors.CorpusChangedError`."""
    try:
        return con.execute(sql, list(parameters)).df()
    except duckdb.Error as exc:
        changed = changed_since_open(con)
        if changed is None:
            raise
        raise changed from exc


def _checked_keys(by: Sequence[str]) -> list[str]:
    keys = [by] if isinstance(by, str) else list(by)
    unknown = [k for k in keys if k not in _GROUPINGS]
    if not keys or unknown or len(set(keys)) != len(keys):
        raise ValueError(f"by must name distinct keys among {', '.join(_GROUPINGS)}; got {by!r}")
    return keys


def _keyed(keys: list[str]) -> tuple[str, str]:
    """The select list and joins that give a season (aliased ``s``) its group keys."""
    return ", ".join(_KEYS[k][0] for k in keys), " ".join(_KEYS[k][1] for k in keys)


def _key_types(keys: list[str]) -> dict[str, str]:
    return {key: "Int64" if key in ("year", "period") else "string" for key in keys}


def _with_shares(frame: pd.DataFrame, keys: list[str], min_series: int) -> pd.DataFrame:
    counts = frame[_COUNT_COLUMNS].astype("int64")
    frame[_COUNT_COLUMNS] = counts
    frame["total"] = counts.sum(axis=1)
    frame["known"] = frame["total"] - frame["not_set"]
    frame["share_female_known"] = _share(frame["female"], frame["known"])
    frame["share_female"] = _share(frame["female"], frame["total"])
    frame["share_not_set"] = _share(frame["not_set"], frame["total"])
    frame["series"] = frame["series"].astype("int64")
    frame["small_sample"] = frame["series"] < min_series
    return frame.astype({"measure": "string"} | _key_types(keys)).reset_index(drop=True)


def _share(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (part / whole.where(whole > 0)).astype("float64")


def dated_years(con: duckdb.DuckDBPyConnection) -> tuple[int | None, int | None]:
    """The first and last year of the corpus's dated seasons (Specials aside); None, None
    when no season has an air date."""
    years = _frame(con, f"SELECT min(year) AS first, max(year) AS last FROM ({_DATED_SEASONS})")
    first, last = years.iloc[0]
    return (None if pd.isna(first) else int(first)), (None if pd.isna(last) else int(last))


def overview(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """What the corpus holds, one row per fact, for a reader.

    Returns
    -------
    pandas.DataFrame
        ``fact`` (string) and ``value`` (string, numbers formatted with thousands separators):
        series, seasons, years covered by dated seasons, networks, distinct
        people in the cast and in the crew, and the share of each whose gender is not set.
    """
    counts = _frame(
        con,
        f"""
        WITH
        cast_people AS (SELECT person_id, any_value(gender) AS gender FROM "cast" GROUP BY ALL),
        crew_people AS (SELECT person_id, any_value(gender) AS gender FROM crew GROUP BY ALL)
        SELECT
            (SELECT count(*) FROM series) AS series,
            (SELECT count(*) FROM seasons) AS seasons,
            (SELECT count(DISTINCT network) FROM
                (SELECT {_LISTED["network"]} FROM series)) AS networks,
            (SELECT count(*) FROM cast_people) AS cast_people,
            (SELECT avg(CASE WHEN gender = 'not set' OR gender IS NULL THEN 1.0 ELSE 0.0 END)
                FROM cast_people) AS cast_not_set,
            (SELECT count(*) FROM crew_people) AS crew_people,
            (SELECT avg(CASE WHEN gender = 'not set' OR gender IS NULL THEN 1.0 ELSE 0.0 END)
                FROM crew_people) AS crew_not_set
        """,
    )
    # The one row of an aggregate query, each value of its column's type.
    row = next(counts.itertuples(index=False))
    series, seasons, networks, cast, cast_not_set, crew, crew_not_set = row
    first, last = dated_years(con)
    years = year_span(first, last) if first is not None and last is not None else "none dated"
    facts = {
        "series": f"{series:,}",
        "seasons": f"{seasons:,}",
        "years (by season air date)": years,
        "networks": f"{networks:,}",
        "people in the cast": f"{cast:,}",
        'cast whose gender is "not set"': _percent(cast_not_set),
        "people in the crew": f"{crew:,}",
        'crew whose gender is "not set"': _percent(crew_not_set),
    }
    return pd.DataFrame({"fact": list(facts), "value": list(facts.values())}, dtype="string")


def _percent(share: float) -> str:
    return "-" if pd.isna(share) else f"{share:.0%}"
