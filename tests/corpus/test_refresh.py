"""corpus.refresh (time-to-live, failures, /tv/changes), corpus.status and the six-month limit."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from credits_analysis import corpus
from credits_analysis.corpus import metrics
from credits_analysis.corpus.build import UNAVAILABLE_IN_A_ROW
from credits_analysis.corpus.changes import changed_series, windows
from credits_analysis.corpus.meta import read_meta, write_meta
from credits_analysis.corpus.query import bucket_views
from credits_analysis.errors import AuthError, ConfigError, NetworkError
from tests.corpus.buckets import assert_buckets_hold_the_cast
from tests.corpus.served import build, refresh, serve, settings
from tests.fake_tmdb import FakeTMDB, Fault

IDS = list(range(6001, 6021))


def rows(root: Path, sql: str, now: datetime | None = None) -> list[tuple]:
    with corpus.open(root, now=now) as connection:
        return connection.sql(sql).fetchall()


@pytest.fixture
def built(fake_tmdb: FakeTMDB, tmp_path: Path, cache_dir: Path) -> Path:
    serve(fake_tmdb, IDS)
    fake_tmdb.inject("tv/6002", Fault(404, times=1))
    root = tmp_path / "corpus"
    build(fake_tmdb, root, IDS, cache_dir, batch_size=7)
    fake_tmdb.requests.clear()
    return root


def test_refresh_fetches_the_failed_and_the_changed_series_only(
    fake_tmdb: FakeTMDB, built: Path, cache_dir: Path
) -> None:
    old_cast = dict(rows(built, 'SELECT series_id, count(*) FROM "cast" GROUP BY ALL'))
    changed = serve(fake_tmdb, [6003, 6005], seed=1, seasons=3)  # new payloads on TMDB
    today = datetime.now(UTC).date()
    fake_tmdb.add_change(6003, today)
    fake_tmdb.add_change(99999, today)  # not in the corpus: ignored
    result = refresh(fake_tmdb, built, cache_dir)
    # 6002 failed at build time and 6003 changed; 6005 changed but TMDB did not list it.
    assert sorted(result.loaded) == [6002, 6003] and result.skipped == 18
    assert fake_tmdb.count("tv/changes") == 1  # one 14-day window, one page
    assert fake_tmdb.count("tv/6002*") == 3 and fake_tmdb.count("tv/6003*") == 4
    assert fake_tmdb.count() == 1 + 3 + 4
    cast = dict(rows(built, 'SELECT series_id, count(*) FROM "cast" GROUP BY ALL'))
    assert cast[6003] == changed.cast_rows([6003]) != old_cast[6003]
    assert cast[6005] == old_cast[6005]
    assert rows(built, "SELECT count(*), count(DISTINCT series_id) FROM series") == [(20, 20)]
    assert rows(built, "SELECT number_of_seasons FROM series WHERE series_id = 6003") == [(3,)]
    assert rows(built, "SELECT count(*) FROM failures") == [(0,)]
    with corpus.open(built) as connection:
        assert_buckets_hold_the_cast(connection)


def test_refresh_fetches_again_what_is_past_its_time_to_live(
    fake_tmdb: FakeTMDB, built: Path, cache_dir: Path
) -> None:
    later = datetime.now(UTC) + timedelta(days=31)  # past the 30 days of an ended series
    assert corpus.status(built, settings=settings(cache_dir), now=later).stale == 19
    result = refresh(fake_tmdb, built, cache_dir, changes=False, now=later)
    assert len(result.loaded) == 20
    assert fake_tmdb.count() == 60 and fake_tmdb.count("tv/changes") == 0
    assert corpus.status(built, settings=settings(cache_dir)).stale == 0
    # Refreshed rows replace the old ones; compaction leaves one file a partition.
    assert rows(built, "SELECT count(*), count(DISTINCT series_id) FROM series") == [(20, 20)]
    assert all(len(list(p.iterdir())) == 1 for p in (built / "cast").iterdir())


def cast_by_series(root: Path) -> dict[int, int]:
    return dict(rows(root, 'SELECT series_id, count(*) FROM "cast" GROUP BY ALL'))


def test_refresh_keeps_the_rows_of_series_it_cannot_fetch_again_and_fetches_them_next(
    fake_tmdb: FakeTMDB, built: Path, cache_dir: Path
) -> None:
    before = cast_by_series(built)
    fake_tmdb.inject("tv/6005*", Fault(disconnect=True))  # the whole series, out of reach
    fake_tmdb.inject("tv/6007/season/2*", Fault(503))  # one season, out of reach
    fake_tmdb.inject("tv/6009/season/1*", Fault(404))  # every season fails, a 404 first
    fake_tmdb.inject("tv/6009/season/2*", Fault(503))
    fake_tmdb.inject("tv/6011*", Fault(404))  # a mistyped address looks like this too
    later = datetime.now(UTC) + timedelta(days=31)  # every series is due
    result = refresh(fake_tmdb, built, cache_dir, changes=False, now=later)
    kept = {6005, 6007, 6009, 6011}
    assert set(result.kept) == kept and len(result.loaded) == 16 and result.failed == ()
    assert {"NetworkError", "ServerError", "NotFoundError"} <= set(result.kept_errors)
    after = cast_by_series(built)
    assert 6002 not in before and after.pop(6002) > 0  # the failed series, fetched again
    assert after == before  # nothing lost, 6007's season 2 and 6009's seasons included
    assert rows(built, "SELECT series_id FROM failures") == []
    assert set(read_meta(built).waiting) == kept
    status = corpus.status(built, settings=settings(cache_dir))
    assert (status.done, status.failed, status.waiting) == (20, 0, 4)
    # TMDB serves them again: the next refresh fetches them first, though none is past its
    # time-to-live and /tv/changes is not asked.
    fake_tmdb.clear_faults()
    fake_tmdb.requests.clear()
    again = refresh(fake_tmdb, built, cache_dir, changes=False)
    assert set(again.loaded) == kept and again.kept == () and fake_tmdb.count() == 4 * 3
    assert read_meta(built).waiting == ()
    assert corpus.status(built, settings=settings(cache_dir)).waiting == 0


def test_a_series_past_the_six_month_limit_is_not_kept_when_tmdb_no_longer_has_it(
    fake_tmdb: FakeTMDB, built: Path, cache_dir: Path
) -> None:
    fake_tmdb.inject("tv/6005*", Fault(404))
    gone = datetime.now(UTC) + timedelta(days=190)  # every row is hidden by then
    result = refresh(fake_tmdb, built, cache_dir, changes=False, now=gone)
    assert result.kept == () and result.failed == (6005,)
    assert read_meta(built).waiting == ()


def test_a_series_with_no_rows_takes_what_a_refresh_brings(
    fake_tmdb: FakeTMDB, built: Path, cache_dir: Path
) -> None:
    fake_tmdb.inject("tv/6002/season/2*", Fault(503))  # 6002 failed as a whole in the build
    result = refresh(fake_tmdb, built, cache_dir, changes=False)
    assert result.loaded == (6002,) and result.partial == 1 and result.kept == ()
    assert cast_by_series(built)[6002] > 0
    assert rows(built, "SELECT series_id, season_number FROM failures") == [(6002, 2)]


def test_only_a_refresh_that_asks_tmdb_for_changes_moves_the_changes_checkpoint(
    fake_tmdb: FakeTMDB, built: Path, cache_dir: Path
) -> None:
    # The corpus as if built ten days ago, and 6003 changed on TMDB five days ago.
    now = datetime.now(UTC)
    ten_days = now - timedelta(days=10)
    write_meta(built, replace(read_meta(built), last_build=ten_days, changes_checked=ten_days))
    fake_tmdb.add_change(6003, (now - timedelta(days=5)).date())
    # Neither a build of new series nor a refresh that does not ask /tv/changes moves it.
    serve(fake_tmdb, [6201])
    build(fake_tmdb, built, [6201], cache_dir)
    assert read_meta(built).changes_checked == ten_days
    assert read_meta(built).last_build > ten_days
    refresh(fake_tmdb, built, cache_dir, changes=False)
    assert read_meta(built).changes_checked == ten_days
    # So the next refresh that asks finds 6003's change, and moves the checkpoint.
    fake_tmdb.requests.clear()
    result = refresh(fake_tmdb, built, cache_dir, now=now)
    assert result.loaded == (6003,)
    assert read_meta(built).changes_checked == now


def test_a_refresh_without_tmdb_stops_and_every_series_keeps_its_rows(
    fake_tmdb: FakeTMDB, built: Path, cache_dir: Path
) -> None:
    before = cast_by_series(built)
    fake_tmdb.inject("tv/*", Fault(disconnect=True))
    later = datetime.now(UTC) + timedelta(days=31)
    assert len(IDS) == UNAVAILABLE_IN_A_ROW  # every series is due, and every one fails
    with pytest.raises(NetworkError, match="the refresh stopped") as raised:
        refresh(fake_tmdb, built, cache_dir, changes=False, now=later)
    assert "run corpus refresh again" in str(raised.value)
    assert cast_by_series(built) == before
    assert rows(built, "SELECT series_id FROM failures") == [(6002,)]


def test_changes_are_asked_14_days_at_a_time_and_every_page_is_read(
    fake_tmdb: FakeTMDB, cache_dir: Path
) -> None:
    start = date(2026, 1, 1)
    for i in range(250):
        fake_tmdb.add_change(20000 + i, start + timedelta(days=i % 30))
    found = changed_series(
        start, start + timedelta(days=29), settings(cache_dir), transport=fake_tmdb.transport()
    )
    assert found == set(range(20000, 20250))
    # 30 days: windows of 14, 14 and 2 days; 117, 117 and 16 ids at 100 a page.
    assert fake_tmdb.count("tv/changes") == 2 + 2 + 1
    assert list(windows(start, start + timedelta(days=29))) == [
        (start, date(2026, 1, 14)),
        (date(2026, 1, 15), date(2026, 1, 28)),
        (date(2026, 1, 29), date(2026, 1, 30)),
    ]


def test_refresh_refuses_offline_without_a_token_and_on_a_damaged_file(
    fake_tmdb: FakeTMDB, built: Path, cache_dir: Path
) -> None:
    offline = settings(cache_dir, offline=True)
    with pytest.raises(ConfigError, match="offline mode is on"):
        corpus.refresh(built, settings=offline, transport=fake_tmdb.transport(), progress=False)
    with pytest.raises(ConfigError, match="no TMDB token"):
        corpus.refresh(
            built, settings=settings(cache_dir, token=None), transport=fake_tmdb.transport()
        )
    assert fake_tmdb.count() == 0
    part = next(built.glob("cast/series_bucket=*/part-*.parquet"))
    with part.open("r+b") as file:
        file.truncate(part.stat().st_size // 2)
    with pytest.raises(ConfigError, match=f"{part.name} is damaged"):
        refresh(fake_tmdb, built, cache_dir, changes=False)
    assert fake_tmdb.count() == 0


def test_a_rejected_token_stops_the_changes_query(fake_tmdb: FakeTMDB, cache_dir: Path) -> None:
    wrong = settings(cache_dir, token="eyJwrong.token.value")
    with pytest.raises(AuthError):
        changed_series(date(2026, 1, 1), date(2026, 1, 2), wrong, transport=fake_tmdb.transport())
    assert fake_tmdb.count() == 1


def test_status_counts_and_the_six_month_limit_hides_old_series(
    built: Path, cache_dir: Path
) -> None:
    status = corpus.status(built, settings=settings(cache_dir))
    assert (status.done, status.failed, status.stale, status.expired) == (19, 1, 0, 0)
    assert status.rows["series"] == 19 and status.rows["failures"] == 1
    assert status.rows["seasons"] == 38 and status.rows["cast"] > 0
    assert status.bytes_on_disk == sum(p.stat().st_size for p in built.rglob("*") if p.is_file())
    assert status.oldest_fetch is not None and status.language == "en-US"
    soon = datetime.now(UTC) + timedelta(days=160)
    assert corpus.status(built, settings=settings(cache_dir), now=soon).expiring == 20
    gone = datetime.now(UTC) + timedelta(days=183)
    expired = corpus.status(built, settings=settings(cache_dir), now=gone)
    assert expired.expired == 20 and expired.rows == {t: 0 for t in expired.rows}
    assert rows(built, 'SELECT count(*) FROM "cast"', now=gone) == [(0,)]
    with corpus.open(built, now=gone) as connection:
        assert bucket_views(connection, "cast") == {}
        assert metrics.cast_churn(connection).empty


def test_refresh_fetches_again_a_series_whose_season_failed(
    fake_tmdb: FakeTMDB, tmp_path: Path, cache_dir: Path
) -> None:
    ids = [6101, 6102]
    served = serve(fake_tmdb, ids)
    fake_tmdb.inject("tv/6101/season/2", Fault(500, times=3))  # every try of the build
    root = tmp_path / "corpus"
    assert build(fake_tmdb, root, ids, cache_dir).partial == 1
    status = corpus.status(root, settings=settings(cache_dir))
    assert (status.done, status.partial, status.failed, status.stale) == (2, 1, 0, 0)
    assert rows(root, "SELECT series_id, season_number FROM failures") == [(6101, 2)]
    fake_tmdb.requests.clear()

    again = refresh(fake_tmdb, root, cache_dir, changes=False)

    assert list(again.loaded) == [6101] and again.partial == 0 and again.skipped == 1
    assert fake_tmdb.count("tv/6101*") == fake_tmdb.count() == 3
    assert rows(root, "SELECT count(*) FROM failures") == [(0,)]
    cast = dict(rows(root, 'SELECT series_id, count(*) FROM "cast" GROUP BY ALL'))
    assert cast == {6101: served.cast_rows([6101]), 6102: served.cast_rows([6102])}
    assert corpus.status(root, settings=settings(cache_dir)).partial == 0
    fake_tmdb.requests.clear()
    assert not refresh(fake_tmdb, root, cache_dir, changes=False).loaded
    assert fake_tmdb.count() == 0
