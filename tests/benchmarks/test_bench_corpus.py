"""The corpus: fetch throughput, memory, query speed against pandas, and bytes per cast row.

Full size (500 and 5,000 series fetched, 20 million cast rows queried) under ``make bench``
(``-m benchmark``) or with ``CREDITS_ANALYSIS_BENCH_FULL=1``; scaled down in the default test
run, where the figures are printed and only the bounds that hold at any size are asserted.

- Fetch: ``corpus.build`` of small generated series (1 + 4 requests each) from the 127.0.0.1
  fake with 100 ms latency, 40 requests/s and 20 connections, against the floor that the rate
  limit sets (requests / rate), each request made exactly once.
- Memory: the peak RSS of a build of 10x the series, in fresh subprocesses, fed over HTTP by
  the fake in this process (so its payloads do not count).
- Query: a corpus generated straight into the layout with DuckDB (never committed), queried
  through ``corpus.open`` against pandas reading the same Parquet (only the columns needed)
  and grouping; both give the same answer.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from credits_analysis import corpus
from credits_analysis.corpus import metrics
from credits_analysis.corpus.layout import BUCKETS, SCHEMAS, manifest_dir, part_name
from credits_analysis.corpus.meta import CorpusMeta, write_meta
from tests.benchmarks.timing import benchmarks_selected, best_time
from tests.corpus.served import serve
from tests.fake_tmdb import TOKEN, FakeTMDB, fake_settings

# Read at import: conftest's per-test environment drops every CREDITS_ANALYSIS_ variable.
_FULL_ASKED = os.environ.get("CREDITS_ANALYSIS_BENCH_FULL") == "1"


def full_size(request: pytest.FixtureRequest) -> bool:
    return _FULL_ASKED or benchmarks_selected(request)


def bytes_per_row(folder: Path, rows: int) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*.parquet")) / max(rows, 1)


@pytest.mark.benchmark
def test_fetch_throughput_holds_the_rate_limit(
    fake_tmdb: FakeTMDB, fake_tmdb_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    series = 500 if full_size(request) else 40
    ids = list(range(40001, 40001 + series))
    served = serve(fake_tmdb, ids, seasons=4)
    fake_tmdb.latency = 0.1
    rate, connections = 40.0, 20
    settings = fake_settings(
        fake_tmdb_url,
        cache_dir=tmp_path / "cache",
        requests_per_second=rate,
        max_connections=connections,
        timeout=30.0,
    )
    root = tmp_path / "corpus"
    start = time.perf_counter()
    result = corpus.build(root, ids, settings=settings, progress=False)
    wall = time.perf_counter() - start
    requests = series * 5
    floor = requests / rate
    paths = [r.api_path for r in fake_tmdb.requests]
    with corpus.open(root) as connection:
        cast_rows = connection.sql('SELECT count(*) FROM "cast"').fetchall()[0][0]
    print(
        f"\ncorpus.build of {series} series = {requests} requests, 100 ms latency, "
        f"{rate:g}/s, {connections} connections"
        f"\n  wall {wall:6.2f} s   rate-limit floor {floor:6.2f} s   {wall / floor:.3f}x the floor"
        f"   {len(paths) / wall:.1f} requests/s   at most {fake_tmdb.max_in_flight} in flight"
        f"\n  {cast_rows} cast rows, {bytes_per_row(root / 'cast', cast_rows):.1f} bytes a row "
        "on disk"
    )
    assert len(result.loaded) == series and cast_rows == served.cast_rows(ids)
    assert len(paths) == len(set(paths)) == requests == result.requests
    assert fake_tmdb.max_in_flight <= connections
    assert wall >= 0.95 * (requests - rate) / rate  # the limiter holds (after its first burst)
    assert wall <= (1.11 if full_size(request) else 1.6) * floor


_MEASURE_BUILD = """
import resource, sys
from pathlib import Path
from credits_analysis import corpus
from credits_analysis.config import Settings
root, first, count, batch = Path(sys.argv[1]), *map(int, sys.argv[2:5])
settings = Settings.from_env(requests_per_second=1000.0, timeout=60.0)
result = corpus.build(
    root, range(first, first + count), settings=settings, progress=False, batch_size=batch
)
assert len(result.loaded) == count, result
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


@pytest.mark.benchmark
def test_peak_memory_does_not_grow_with_the_number_of_series(
    fake_tmdb: FakeTMDB, fake_tmdb_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    small = 500 if full_size(request) else 30
    large = 10 * small
    # Both builds commit several batches (the default holds 200 series), so the small one
    # measures a build that streams, not one that never fills its first batch.
    batch = 200 if full_size(request) else 10
    serve(fake_tmdb, range(50001, 50001 + small + large), seasons=1)
    env = {**os.environ, "TMDB_API_TOKEN": TOKEN, "TMDB_API_BASE_URL": fake_tmdb_url}

    def peak_kib(name: str, first: int, count: int) -> tuple[int, float]:
        env["CREDITS_ANALYSIS_CACHE_DIR"] = str(tmp_path / f"cache-{name}")
        arguments = map(str, (tmp_path / name, first, count, batch))
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", _MEASURE_BUILD, *arguments],
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        assert done.returncode == 0, done.stderr
        return int(done.stdout.split()[-1]), time.perf_counter() - start

    small_kib, small_s = peak_kib("small", 50001, small)
    large_kib, large_s = peak_kib("large", 50001 + small, large)
    print(
        f"\npeak RSS of corpus.build (subprocess, 2 requests a series)"
        f"\n  {small:5d} series  {small_kib / 1024:7.1f} MiB  {small_s:6.1f} s"
        f"\n  {large:5d} series  {large_kib / 1024:7.1f} MiB  {large_s:6.1f} s"
        f"   {large_kib / small_kib:.3f}x"
    )
    assert large_kib <= 1.2 * small_kib


# Generated columns; any other column of a table is NULL of its type, so the generator follows
# the schemas (a column added to schema.py is there, empty).
_NETWORKS = ["HBO", "BBC One", "Netflix", "ABC", "NBC", "Channel 4", "Canal+", "ZDF"]
_GENDER = (
    "CASE WHEN hash({key}) % 100 < {female} THEN 'female' WHEN hash({key}) % 100 < 90 "
    "THEN 'male' WHEN hash({key}) % 100 < 92 THEN 'non-binary' ELSE 'not set' END"
)
_GENERATED = {
    "cast": {
        "person_id": "person_id",
        "credit_id": "printf('%016x%08x', hash(person_id), person_id % 4294967296)",
        "name": "'Person ' || person_id",
        "original_name": "'Person ' || person_id",
        "character": "'Character ' || (person_id % 5003)",
        "episode_count": "1 + (person_id + season_number) % 10",
        "total_episode_count": "1 + (person_id + season_number) % 10",
        "order": "i",
        "gender": _GENDER.format(key="person_id", female=42),
        "known_for_department": "'Acting'",
        "popularity": "(hash(person_id) % 10000) / 100.0",
        "profile_path": "CASE WHEN person_id % 3 = 0 THEN NULL "
        "ELSE '/p' || person_id || '.jpg' END",
        "adult": "false",
    },
    "crew": {
        "person_id": "person_id",
        "credit_id": "printf('%016x%08x', hash(person_id, i), person_id % 4294967296)",
        "name": "'Person ' || person_id",
        "original_name": "'Person ' || person_id",
        "department": "CASE WHEN i < 2 THEN 'Directing' WHEN i < 6 THEN 'Writing' "
        "ELSE 'Production' END",
        "job": "CASE WHEN i < 2 THEN 'Director' WHEN i < 6 THEN 'Writer' ELSE 'Producer' END",
        "episode_count": "1 + (person_id + season_number) % 5",
        "total_episode_count": "1 + (person_id + season_number) % 5",
        # Women direct more episodes in later years, so the answer has a shape.
        "gender": _GENDER.format(key="person_id", female="(10 + 2 * (series_id % 30))"),
        "known_for_department": "'Crew'",
        "popularity": "(hash(person_id) % 10000) / 100.0",
        "profile_path": "NULL",
        "adult": "false",
    },
}
_TYPES = {
    "string": "VARCHAR",
    "int64": "BIGINT",
    "double": "DOUBLE",
    "bool": "BOOLEAN",
    "timestamp[us]": "TIMESTAMP",
    "timestamp[us, tz=UTC]": "TIMESTAMPTZ",
    "date32[day]": "DATE",
    "list<item: string>": "VARCHAR[]",
}
SEASONS, CAST_PER_SEASON, CREW_PER_SEASON = 5, 40, 12


def _select(table: str, generated: dict[str, str]) -> str:
    columns = [
        f'CAST({generated.get(f.name, "NULL")} AS {_TYPES[str(f.type)]}) AS "{f.name}"'
        for f in SCHEMAS[table]
    ]
    return ", ".join(columns)


def generate_corpus(root: Path, series: int) -> int:
    """Write a corpus of ``series`` series straight into the layout; return its cast rows."""
    now = datetime.now(UTC)
    write_meta(root, CorpusMeta(language="en-US", created_at=now, last_build=now))
    per_bucket = -(-series // BUCKETS)
    networks = "[" + ", ".join(f"'{n}'" for n in _NETWORKS) + "]"
    with duckdb.connect() as db:
        db.execute("SET preserve_insertion_order = false")
        for bucket in range(BUCKETS):
            ids = f"SELECT {bucket} + {BUCKETS} * k AS series_id FROM range({per_bucket}) t(k)"
            seasons = (
                f"SELECT series_id, n AS season_number FROM ({ids}), range(1, {SEASONS + 1}) r(n)"
            )
            # Regulars (10 to 29 a series) stay; guests are new every season.
            cast_people = (
                f"SELECT series_id, season_number, i, series_id * 1000 + CASE WHEN i < 10 + "
                f"series_id % 20 THEN i ELSE 40 + season_number * {CAST_PER_SEASON} + i END "
                f"AS person_id FROM ({seasons}), range({CAST_PER_SEASON}) q(i)"
            )
            crew_people = (
                f"SELECT series_id, season_number, i, series_id * 1000 + 500 + (i + "
                f"season_number * 3) % 30 AS person_id FROM ({seasons}), "
                f"range({CREW_PER_SEASON}) q(i)"
            )
            sources = {
                "cast": (cast_people, _GENERATED["cast"]),
                "crew": (crew_people, _GENERATED["crew"]),
                "seasons": (
                    seasons,
                    {
                        "season_id": "series_id * 100 + season_number",
                        "name": "'Season ' || season_number",
                        "air_date": "make_date(1990 + series_id % 30 + season_number, 9, 1)",
                        "episode_count": "10",
                        "language": "'en-US'",
                        "fetched_at": f"TIMESTAMPTZ '{now.isoformat()}'",
                        "source": "'network'",
                    },
                ),
                "series": (
                    ids,
                    {
                        "name": "'Series ' || series_id",
                        "status": "'Ended'",
                        "in_production": "false",
                        "networks": f"[{networks}[1 + series_id % {len(_NETWORKS)}]]",
                        "genres": "['Drama']",
                        "number_of_seasons": str(SEASONS),
                        "fetched_at": f"TIMESTAMPTZ '{now.isoformat()}'",
                    },
                ),
            }
            for table, (source, generated) in sources.items():
                keys = "series_id, season_number" if table != "series" else "series_id"
                path = root / table / f"series_bucket={bucket}" / part_name(1)
                path.parent.mkdir(parents=True, exist_ok=True)
                generated = {
                    "series_id": "series_id",
                    "season_number": "season_number",
                    **generated,
                }
                db.execute(
                    f"COPY (SELECT {_select(table, generated)} FROM ({source}) ORDER BY {keys}) "
                    f"TO '{path}' (FORMAT parquet, COMPRESSION zstd)"
                )
        manifest_dir(root).mkdir(parents=True, exist_ok=True)
        db.execute(
            f"COPY (SELECT series_id::BIGINT AS series_id, 1::BIGINT AS batch, 'done' AS state, "
            f"TIMESTAMPTZ '{now.isoformat()}' AS fetched_at, 'Ended' AS status, "
            f"false AS in_production FROM (SELECT b + {BUCKETS} * k AS series_id FROM "
            f"range({BUCKETS}) s(b), range({per_bucket}) t(k))) TO "
            f"'{manifest_dir(root) / part_name(1)}' (FORMAT parquet)"
        )
    return BUCKETS * per_bucket * SEASONS * CAST_PER_SEASON


WOMEN_DIRECTING = """
SELECT year(s.air_date) AS year,
       sum(c.episode_count) FILTER (WHERE c.gender = 'female') / sum(c.episode_count) AS share
FROM crew c JOIN seasons s USING (series_id, season_number)
WHERE c.department = 'Directing'
GROUP BY year ORDER BY year
"""


# What WOMEN_DIRECTING reads, with nothing joined or grouped: DuckDB's floor for that query.
WOMEN_DIRECTING_SCANS = """
SELECT (SELECT sum(series_id + season_number + episode_count) + count(gender)
        FROM crew WHERE department = 'Directing'),
       (SELECT sum(series_id + season_number) + count(air_date) FROM seasons)
"""


def pandas_women_directing(root: Path) -> pd.DataFrame:
    crew = pd.read_parquet(
        root / "crew",
        columns=["series_id", "season_number", "department", "gender", "episode_count"],
    )
    seasons = pd.read_parquet(root / "seasons", columns=["series_id", "season_number", "air_date"])
    directing = crew[crew["department"] == "Directing"].merge(
        seasons, on=["series_id", "season_number"]
    )
    directing["year"] = directing["air_date"].dt.year
    directing["women"] = directing["episode_count"].where(directing["gender"] == "female", 0)
    totals = directing.groupby("year")[["women", "episode_count"]].sum()
    return (totals["women"] / totals["episode_count"]).rename("share").reset_index()


def pandas_directing_by_year(root: Path) -> pd.DataFrame:
    """``metrics.representation(con, "directing")`` done the pandas way: the counts of each
    gender, by year, of episodes (person-season episodes added up) and of people."""
    columns = ["series_id", "season_number", "person_id", "department", "job", "gender"]
    crew = pd.read_parquet(root / "crew", columns=[*columns, "episode_count"])
    seasons = pd.read_parquet(root / "seasons", columns=["series_id", "season_number", "air_date"])
    dated = seasons[seasons["air_date"].notna() & (seasons["season_number"] > 0)]
    dated = dated.assign(year=dated["air_date"].dt.year)
    directing = crew[(crew["department"] == "Directing") & (crew["job"] == "Director")]
    keys = ["series_id", "season_number", "person_id"]
    credits = directing.groupby(keys, as_index=False).agg(
        gender=("gender", "first"), episodes=("episode_count", "max")
    )
    credits = credits.merge(dated[["series_id", "season_number", "year"]])
    measures = {
        "episodes": credits.groupby(["year", "gender"])["episodes"].sum(),
        "people": credits.drop_duplicates(["year", "person_id"]).groupby(["year", "gender"]).size(),
    }
    table = pd.concat(measures, names=["measure"]).unstack("gender", fill_value=0)
    table = (
        table.swaplevel()
        .sort_index()
        .rename(columns={"non-binary": "non_binary", "not set": "not_set"})
    )
    table["series"] = dated.groupby("year")["series_id"].nunique()
    return table.reset_index()


def pandas_churn_by_network(root: Path) -> pd.DataFrame:
    """``metrics.churn_by_group(con, by=["network"])`` done the pandas way, step for step."""
    cast = pd.read_parquet(
        root / "cast", columns=["series_id", "season_number", "person_id", "episode_count"]
    )
    keys = ["series_id", "season_number", "person_id"]
    people = cast[cast["season_number"] > 0].groupby(keys, as_index=False)["episode_count"].max()
    credited = people[["series_id", "season_number"]].drop_duplicates()
    credited = credited.sort_values(["series_id", "season_number"])
    credited["next_season"] = credited.groupby("series_id")["season_number"].shift(-1)
    seasons = pd.read_parquet(
        root / "seasons", columns=["series_id", "season_number", "episode_count"]
    ).rename(columns={"episode_count": "season_episodes"})
    people = people.merge(credited, on=["series_id", "season_number"]).merge(
        seasons, on=["series_id", "season_number"], how="left"
    )
    regular = (people["season_episodes"] > 0) & (
        people["episode_count"] >= 0.5 * people["season_episodes"]
    )
    regulars = people[regular.fillna(False) & people["next_season"].notna()]
    later = people[keys].rename(columns={"season_number": "next_season"}).assign(back=1)
    regulars = regulars.merge(
        later.astype({"next_season": regulars["next_season"].dtype}),
        on=["series_id", "next_season", "person_id"],
        how="left",
    )
    pairs = regulars.groupby(["series_id", "season_number"], as_index=False).agg(
        regulars=("person_id", "size"), returning=("back", "count")
    )
    pairs["churn"] = 1 - pairs["returning"] / pairs["regulars"]
    series = pd.read_parquet(root / "series", columns=["series_id", "networks"])
    networks = series.explode("networks").rename(columns={"networks": "network"})
    joined = pairs.merge(networks, on="series_id")
    grouped = joined.groupby("network")
    churn = grouped["churn"]
    table = pd.DataFrame(
        {
            "series": grouped["series_id"].nunique(),
            "season_pairs": grouped.size(),
            "regulars": grouped["regulars"].sum(),
            "returning": grouped["returning"].sum(),
            "mean": churn.mean(),
            "p25": churn.quantile(0.25),
            "median": churn.median(),
            "p75": churn.quantile(0.75),
        }
    )
    table["churn"] = 1 - table["returning"] / table["regulars"]
    return table.reset_index()


@pytest.mark.benchmark
def test_queries_on_millions_of_rows_against_pandas(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    series = 100_000 if full_size(request) else 1_000
    root = tmp_path / "corpus"
    start = time.perf_counter()
    cast_rows = generate_corpus(root, series)
    generated = time.perf_counter() - start
    answers: dict[str, pd.DataFrame] = {}
    start = time.perf_counter()
    connection = corpus.open(root)
    opened = time.perf_counter() - start

    def run(sql: str) -> None:
        answers[sql] = connection.sql(sql).df()

    def churn_by_network() -> None:
        answers["churn"] = metrics.churn_by_group(connection, by=["network"])

    def directing_by_year() -> None:
        answers["directing"] = metrics.representation(connection, "directing", by=["year"])

    with connection:
        duck_women = best_time(lambda: run(WOMEN_DIRECTING), repeat=3)
        women_scans = best_time(lambda: connection.sql(WOMEN_DIRECTING_SCANS).fetchall())
        duck_directing = best_time(directing_by_year, repeat=3)
        duck_churn = best_time(churn_by_network, repeat=3)
    # Best of 3 for pandas too, as for DuckDB (after a first run that gives the answer): the
    # first read of a folder is the slowest.
    pandas_women = pandas_women_directing(root)
    pd_women = best_time(lambda: pandas_women_directing(root), repeat=3)
    pandas_directing = pandas_directing_by_year(root)
    pd_directing = best_time(lambda: pandas_directing_by_year(root), repeat=3)
    start = time.perf_counter()
    pandas_churn = pandas_churn_by_network(root)
    pd_churn = time.perf_counter() - start
    size = bytes_per_row(root / "cast", cast_rows)
    print(
        f"\n{series:,} generated series: {cast_rows:,} cast rows, "
        f"{series * SEASONS * CREW_PER_SEASON:,} crew rows (generated in {generated:.1f} s)"
        f"\n  women's share of directing episodes by air year   DuckDB {duck_women:6.2f} s   "
        f"pandas {pd_women:6.2f} s   {pd_women / duck_women:5.1f}x"
        f"\n    (10x pandas means under {pd_women / 10:.3f} s; only reading the columns the "
        f"query needs takes DuckDB {women_scans:.3f} s, so no plan that reads them can beat "
        f"pandas by more than {pd_women / women_scans:.1f}x here)"
        f"\n  directing by year, episodes and people (metrics)  DuckDB {duck_directing:6.2f} s   "
        f"pandas {pd_directing:6.2f} s   {pd_directing / duck_directing:5.1f}x"
        f"\n  regular cast churn by network (metrics)           DuckDB {duck_churn:6.2f} s   "
        f"pandas {pd_churn:6.2f} s   {pd_churn / duck_churn:5.1f}x"
        f"\n  corpus.open (manifest, views) {opened:.2f} s; cast on disk: {size:.1f} bytes a row"
    )
    women = answers[WOMEN_DIRECTING]
    assert women["year"].tolist() == pandas_women["year"].tolist()
    assert women["share"].round(12).tolist() == pandas_women["share"].round(12).tolist()
    directing = answers["directing"]
    counts = ["year", "measure", "series", "female", "male", "non_binary", "not_set"]
    assert directing[counts].values.tolist() == pandas_directing[counts].values.tolist()
    churn = answers["churn"]
    assert churn["network"].tolist() == pandas_churn["network"].tolist() == sorted(_NETWORKS)
    for column in ("series", "season_pairs", "regulars", "returning"):
        assert churn[column].tolist() == pandas_churn[column].tolist()
    for column in ("churn", "mean", "p25", "median", "p75"):
        assert churn[column].round(12).tolist() == pandas_churn[column].round(12).tolist()
    # The targets are reported, not asserted: both answers above must agree, while the
    # times depend on the machine and its load (the closing notes give the figures).
    for name, duck, pandas in (
        ("women", duck_women, pd_women),
        ("directing", duck_directing, pd_directing),
        ("churn", duck_churn, pd_churn),
    ):
        verdict = "met" if duck < 2.0 and pandas / duck >= 10 else "MISSED"
        print(f"  {name}: target under 2 s and at least 10x pandas: {verdict}")
    if full_size(request):
        assert cast_rows >= 20_000_000
