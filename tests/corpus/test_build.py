"""corpus.build against the in-process fake TMDB: hundreds of series, faults, resume, bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from credits_analysis import corpus
from credits_analysis.config import MAX_CACHE_AGE
from credits_analysis.corpus.build import UNAVAILABLE_IN_A_ROW
from credits_analysis.errors import AuthError, ConfigError, NetworkError, ServerError
from credits_analysis.load import load_series
from credits_analysis.schema import (
    CAST_COLUMNS,
    CREW_COLUMNS,
    EPISODE_CREDIT_COLUMNS,
    SEASON_COLUMNS,
)
from tests.corpus.buckets import assert_buckets_hold_the_cast
from tests.corpus.served import build, refresh, serve, settings
from tests.fake_tmdb import TOKEN, FakeTMDB, Fault

IDS = list(range(5001, 5301))
KEYS = ["series_id", "season_number", "person_id", "credit_id"]


def count(root: Path, table: str) -> int:
    with corpus.open(root) as connection:
        return connection.sql(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]


def test_build_of_hundreds_with_faults_counts_every_row_served(
    fake_tmdb: FakeTMDB, tmp_path: Path, cache_dir: Path
) -> None:
    served = serve(fake_tmdb, IDS)
    fake_tmdb.inject("tv/5010", Fault(404))
    fake_tmdb.inject("tv/5020", Fault(truncate=True))
    fake_tmdb.inject("tv/5030/season/2", Fault(500))
    fake_tmdb.inject("tv/5040/season/1", Fault(200, body=b'{"cast": 5}'))
    root = tmp_path / "corpus"

    result = build(fake_tmdb, root, IDS, cache_dir, batch_size=50)

    assert sorted(result.failed) == [5010, 5020]
    assert len(result.loaded) == 298 and result.partial == 2
    # Three requests a series; 5010's details once (404), 5020's twice (a body that does not
    # parse is asked for once more), and 5030's season 2 tried 3 times.
    assert fake_tmdb.count() == result.requests == 297 * 3 + 1 + 2 + (2 + 3)
    assert fake_tmdb.count("tv/5030/season/2") == 3 and fake_tmdb.count("tv/5031*") == 3
    loaded = [i for i in IDS if i not in (5010, 5020)]
    skip = [(5030, 2), (5040, 1)]
    assert count(root, "cast") == served.cast_rows(loaded, skip) > 0
    assert count(root, "crew") == served.crew_rows(loaded, skip) > 0
    assert count(root, "seasons") == 2 * 298 - 2
    assert count(root, "series") == count(root, "creators") == 298
    with corpus.open(root) as connection:
        failures = connection.sql(
            "SELECT series_id, season_number, error FROM failures ORDER BY series_id"
        ).fetchall()
        assert failures == [
            (5010, None, "NotFoundError"),
            (5020, None, "BadResponseError"),
            (5030, 2, "ServerError"),
            (5040, 1, "PayloadError"),
        ]
        duplicates = connection.sql(
            f'SELECT count(*) FROM (SELECT {", ".join(KEYS)} FROM "cast" GROUP BY ALL '
            "HAVING count(*) > 1)"
        ).fetchall()
        assert duplicates == [(0,)]
        fetched = sorted(t for (t,) in connection.sql("SELECT fetched_at FROM series").fetchall())
    # Past the six-month limit of the first half fetched: files now mix shown and hidden series.
    later = fetched[len(fetched) // 2] + MAX_CACHE_AGE
    with corpus.open(root, now=later) as connection:
        shown = {s for (s,) in connection.sql("SELECT series_id FROM series").fetchall()}
        assert 0 < len(shown) < len(fetched)
        assert_buckets_hold_the_cast(connection)
    hidden = set(loaded) - shown
    assert {s % 64 for s in shown} & {s % 64 for s in hidden}


def test_views_have_the_in_memory_columns_and_series_rows_follow_the_details(
    fake_tmdb: FakeTMDB, tmp_path: Path, cache_dir: Path
) -> None:
    served = serve(fake_tmdb, [7001, 7002])
    root = tmp_path / "corpus"
    build(fake_tmdb, root, [7001, 7002], cache_dir)
    with corpus.open(root) as connection:
        for view, columns in [("cast", CAST_COLUMNS), ("crew", CREW_COLUMNS)]:
            assert connection.sql(f'SELECT * FROM "{view}"').columns == list(columns)
        assert connection.sql("SELECT * FROM seasons").columns == list(SEASON_COLUMNS)
        row = connection.sql(
            "SELECT name, first_air_date, number_of_seasons, genres, networks, status "
            "FROM series WHERE series_id = 7001"
        ).fetchall()[0]
        creator = connection.sql(
            "SELECT person_id, gender FROM creators WHERE series_id = 7001"
        ).fetchall()
        years = connection.sql(
            "SELECT season_number, year(air_date) FROM seasons WHERE series_id = 7001 ORDER BY 1"
        ).fetchall()
    details = served.details[7001]
    assert row[0] == details["name"] and str(row[1]) == details["first_air_date"]
    assert row[2] == details["number_of_seasons"] == 2
    assert row[3] == [g["name"] for g in details["genres"]] and row[4] == []
    assert row[5] == "Ended"
    showrunner = details["created_by"][0]
    assert creator == [(showrunner["id"], {1: "female", 2: "male"}[showrunner["gender"]])]
    assert years == [(s["season_number"], int(s["air_date"][:4])) for s in details["seasons"]]


def test_pyarrow_reads_exactly_the_rows_duckdb_shows_in_compacted_sorted_files(
    fake_tmdb: FakeTMDB, tmp_path: Path, cache_dir: Path
) -> None:
    ids = list(range(8001, 8041))
    serve(fake_tmdb, ids)
    root = tmp_path / "corpus"
    build(fake_tmdb, root, ids[:25], cache_dir, batch_size=4)
    build(fake_tmdb, root, ids, cache_dir, batch_size=4)
    for table in ("cast", "crew", "seasons"):
        dataset = ds.dataset(root / table, partitioning="hive").to_table()
        with corpus.open(root) as connection:
            view = connection.sql(f'SELECT * FROM "{table}"').to_arrow_table()
        keys = [k for k in KEYS if k in view.column_names]
        from_disk = dataset.drop_columns(["series_bucket"]).sort_by(
            [(k, "ascending") for k in keys]
        )
        assert from_disk.to_pylist() == view.sort_by([(k, "ascending") for k in keys]).to_pylist()
    # Compacted: one file per partition; rows sorted by series and season within each.
    for bucket in (root / "cast").iterdir():
        files = list(bucket.glob("*.parquet"))
        assert len(files) == 1
        rows = pq.read_table(files[0], columns=["series_id", "season_number"]).to_pylist()
        pairs = [(r["series_id"], r["season_number"]) for r in rows]
        assert pairs == sorted(pairs)
    assert {int(b.name.split("=")[1]) for b in (root / "cast").iterdir()} == {i % 64 for i in ids}
    with corpus.open(root) as connection:
        assert_buckets_hold_the_cast(connection)


def test_a_second_build_requests_nothing_committed(
    fake_tmdb: FakeTMDB, tmp_path: Path, cache_dir: Path
) -> None:
    serve(fake_tmdb, range(9001, 9021))
    fake_tmdb.inject("tv/9005", Fault(404))
    root = tmp_path / "corpus"
    build(fake_tmdb, root, list(range(9001, 9011)), cache_dir)
    rows = count(root, "cast")
    fake_tmdb.requests.clear()
    # Another cache: nothing could come from it; the ten committed (9005 failed) are skipped.
    again = build(
        fake_tmdb, root, list(range(9001, 9021)), cache_dir, settings=settings(tmp_path / "c2")
    )
    assert again.skipped == 10 and sorted(again.loaded) == list(range(9011, 9021))
    committed = range(9001, 9011)
    assert sum(fake_tmdb.count(f"tv/{i}") + fake_tmdb.count(f"tv/{i}/*") for i in committed) == 0
    assert fake_tmdb.count() == 30
    assert count(root, "series") == 19 and count(root, "cast") > rows


def test_rejected_token_stops_the_build_at_once_and_is_never_written(
    fake_tmdb: FakeTMDB, tmp_path: Path, cache_dir: Path
) -> None:
    serve(fake_tmdb, IDS)
    root = tmp_path / "corpus"
    wrong = settings(cache_dir, token="eyJwrong.token.value", max_connections=4)
    with pytest.raises(AuthError) as raised:
        build(fake_tmdb, root, IDS, cache_dir, settings=wrong)
    assert fake_tmdb.count() <= 4
    assert "eyJwrong" not in str(raised.value)
    assert count(root, "series") == 0
    for path in root.rglob("*"):
        if path.is_file():
            assert b"eyJwrong" not in path.read_bytes() and TOKEN.encode() not in path.read_bytes()


@pytest.mark.parametrize(
    ("fault", "error"),
    [(Fault(disconnect=True), NetworkError), (Fault(503), ServerError)],
    ids=["no-connection", "server-errors"],
)
def test_a_build_without_tmdb_stops_after_series_in_a_row_fail_and_loses_nothing(
    fake_tmdb: FakeTMDB, tmp_path: Path, cache_dir: Path, fault: Fault, error: type
) -> None:
    ids = list(range(7401, 7461))
    served = serve(fake_tmdb, ids)
    down = [i for i in ids if i > 7410]
    for i in down:  # TMDB cannot serve these 50
        fake_tmdb.inject(f"tv/{i}*", fault)
    root = tmp_path / "corpus"
    slow = settings(cache_dir, max_connections=2)
    with pytest.raises(error, match=f"{UNAVAILABLE_IN_A_ROW} series in a row") as raised:
        build(fake_tmdb, root, ids, cache_dir, settings=slow, batch_size=7)
    assert "the build stopped" in str(raised.value) and "corpus refresh" in str(raised.value)
    tried = {i for i in down if fake_tmdb.count(f"tv/{i}")}
    assert len(tried) < len(down)  # it stopped: not every series was tried
    with corpus.open(root) as connection:
        failed = {s for (s,) in connection.sql("SELECT series_id FROM failures").fetchall()}
        assert connection.sql("SELECT DISTINCT error FROM failures").fetchall() == [
            (error.__name__,)
        ]
    assert len(failed) >= UNAVAILABLE_IN_A_ROW and failed <= tried
    assert count(root, "series") == 10
    # TMDB is back: the build fetches the series it never finished, refresh the failed ones.
    fake_tmdb.clear_faults()
    again = build(fake_tmdb, root, ids, cache_dir)
    assert set(again.loaded) == set(down) - failed and again.failed == ()
    refresh(fake_tmdb, root, cache_dir, changes=False)
    assert count(root, "series") == 60 and count(root, "failures") == 0
    assert count(root, "cast") == served.cast_rows(ids)


def test_a_build_needs_a_token_unless_offline_and_offline_takes_the_raw_cache(
    fake_tmdb: FakeTMDB, tmp_path: Path, cache_dir: Path
) -> None:
    serve(fake_tmdb, [7151, 7152])
    build(fake_tmdb, tmp_path / "first", [7151], cache_dir)
    fake_tmdb.requests.clear()
    # Without a token, loading would fall back on bundled samples, which are no corpus.
    with pytest.raises(ConfigError, match="no TMDB token"):
        build(
            fake_tmdb,
            tmp_path / "corpus",
            [7151],
            cache_dir,
            settings=settings(cache_dir, token=None),
        )
    assert not (tmp_path / "corpus").exists()
    offline = settings(cache_dir, token=None, offline=True)
    result = build(fake_tmdb, tmp_path / "corpus", [7151, 7152], cache_dir, settings=offline)
    assert result.loaded == (7151,) and result.failed == (7152,)
    assert fake_tmdb.count() == 0
    assert count(tmp_path / "corpus", "cast") == count(tmp_path / "first", "cast") > 0


def test_a_corpus_in_another_language_is_refused(
    fake_tmdb: FakeTMDB, tmp_path: Path, cache_dir: Path
) -> None:
    serve(fake_tmdb, [7101])
    root = tmp_path / "corpus"
    build(fake_tmdb, root, [7101], cache_dir)
    fake_tmdb.requests.clear()
    with pytest.raises(ConfigError, match=r"corpus in en-US.*fr-FR"):
        build(fake_tmdb, root, [7102], cache_dir, language="fr-FR")
    assert fake_tmdb.count() == 0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("x"), "is a file"),
        (lambda p: (p.parent / "file").write_text("x"), "cannot write"),
        (lambda p: (p.mkdir(), (p / "notes.txt").write_text("x")), "neither empty nor a corpus"),
    ],
    ids=["dir-is-a-file", "dir-below-a-file", "dir-not-a-corpus"],
)
def test_bad_folders_are_refused_before_any_request(
    fake_tmdb: FakeTMDB, tmp_path: Path, cache_dir: Path, make, message: str
) -> None:
    root = tmp_path / "corpus"
    make(root)
    target = tmp_path / "file" / "corpus" if message == "cannot write" else root
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(ConfigError, match=message):
        build(fake_tmdb, target, [7201], cache_dir)
    assert fake_tmdb.count() == 0
    assert sorted(tmp_path.rglob("*")) == before  # not even a lock file is left behind


@pytest.mark.skipif(
    sys.platform == "win32" or __import__("os").geteuid() == 0, reason="root writes anywhere"
)
def test_an_unwritable_folder_is_refused(
    fake_tmdb: FakeTMDB, tmp_path: Path, cache_dir: Path
) -> None:
    tmp_path.joinpath("ro").mkdir(mode=0o500)
    with pytest.raises(ConfigError, match="cannot write"):
        build(fake_tmdb, tmp_path / "ro" / "corpus", [7301], cache_dir)


@pytest.mark.parametrize("ids", [[0], [-3], ["12"], [True], [7301, 2**31], [2**63]])
def test_ids_that_are_not_tmdb_ids_are_refused(
    fake_tmdb: FakeTMDB, tmp_path: Path, cache_dir: Path, ids: list
) -> None:
    with pytest.raises(ConfigError, match="whole number from 1 to 2147483647"):
        build(fake_tmdb, tmp_path / "corpus", ids, cache_dir)
    assert not (tmp_path / "corpus").exists() and fake_tmdb.count() == 0


_HOLD_LOCK = """
import sys
from filelock import FileLock
lock = FileLock(sys.argv[1])
lock.acquire()
print("held", flush=True)
sys.stdin.read()
"""


def test_a_second_build_on_the_same_folder_refuses_while_the_first_runs(
    fake_tmdb: FakeTMDB, tmp_path: Path, cache_dir: Path
) -> None:
    serve(fake_tmdb, [7401, 7402])
    root = tmp_path / "corpus"
    build(fake_tmdb, root, [7401], cache_dir)
    before = sorted((p, p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file())
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(root / ".lock")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(ConfigError, match="another build or refresh is writing"):
            build(fake_tmdb, root, [7402], cache_dir)
    finally:
        holder.communicate("", timeout=30)
    assert sorted((p, p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()) == before
    build(fake_tmdb, root, [7402], cache_dir)  # once it is released
    assert count(root, "series") == 2


def test_episodes_and_their_credits_are_corpus_tables_like_in_memory(
    fake_tmdb: FakeTMDB, tmp_path: Path, cache_dir: Path
) -> None:
    served = serve(fake_tmdb, [5401, 5402])
    root = tmp_path / "corpus"
    build(fake_tmdb, root, [5401, 5402], cache_dir)
    loaded = {
        i: load_series(i, settings=settings(cache_dir).with_overrides(offline=True))
        for i in (5401, 5402)
    }
    episodes = sum(
        len(season["episodes"])
        for seasons in served.seasons.values()
        for season in seasons.values()
    )
    assert count(root, "episodes") == episodes == sum(len(s.episodes) for s in loaded.values())
    assert count(root, "episode_credits") == sum(len(s.episode_credits) for s in loaded.values())
    with corpus.open(root) as connection:
        columns = [row[0] for row in connection.sql('DESCRIBE "episode_credits"').fetchall()]
        directed = connection.sql(
            "SELECT count(*) FROM episode_credits WHERE job = 'Director'"
        ).fetchall()[0][0]
    assert columns == list(EPISODE_CREDIT_COLUMNS)
    in_memory = sum(int((s.episode_credits["job"] == "Director").sum()) for s in loaded.values())
    assert directed == in_memory > 0
