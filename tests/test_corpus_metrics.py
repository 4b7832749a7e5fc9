"""Corpus metrics against hand-worked answers on the hand-made corpus of tests/hand_corpus.py."""

from __future__ import annotations

import math
from collections.abc import Iterator
from itertools import pairwise

import duckdb
import numpy as np
import pandas as pd
import pytest

from credits_analysis.corpus import metrics
from credits_analysis.corpus.layout import BUCKETS
from credits_analysis.corpus.query import BUCKET_SCHEMA, bucket_views
from tests.hand_corpus import ALPHA, connect, connect_frames


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = connect()
    yield connection
    connection.close()


def _row(frame: pd.DataFrame, measure: str, **keys: object) -> pd.Series:
    mask = frame["measure"] == measure
    for key, value in keys.items():
        mask &= frame[key] == value
    (index,) = frame.index[mask]
    return frame.loc[index]


def _counts(row: pd.Series) -> tuple[int, int, int, int]:
    return (int(row["female"]), int(row["male"]), int(row["non_binary"]), int(row["not_set"]))


def test_directing_by_year_counts_co_directed_episodes_for_each_director(con) -> None:
    table = metrics.representation(con, "directing", min_series=2)
    assert table["year"].tolist() == [2019, 2019, 2020, 2020, 2021, 2021]
    episodes = _row(table, "episodes", year=2019)
    # 6 + 8 + 2 by women, 4 + 8 by men: Beta's eight co-directed episodes count for both.
    assert _counts(episodes) == (16, 12, 0, 0)
    assert episodes["total"] == 28 and episodes["known"] == 28
    assert episodes["share_female_known"] == pytest.approx(16 / 28)
    assert episodes["series"] == 2 and not episodes["small_sample"]
    # 101 directed in Alpha and in Beta: one person in 2019.
    assert _counts(_row(table, "people", year=2019)) == (2, 2, 0, 0)


def test_a_year_without_directors_is_shown_with_no_share(con) -> None:
    table = metrics.representation(con, "directing", min_series=2)
    row = _row(table, "episodes", year=2020)
    assert row["total"] == 0 and row["series"] == 1
    assert math.isnan(row["share_female_known"]) and math.isnan(row["share_female"])
    assert row["small_sample"]


def test_an_all_not_set_year_has_no_known_share_but_a_full_not_set_share(con) -> None:
    row = _row(metrics.representation(con, "directing"), "episodes", year=2021)
    assert _counts(row) == (0, 0, 0, 4)
    assert math.isnan(row["share_female_known"])
    assert row["share_female"] == 0.0 and row["share_not_set"] == 1.0


def test_specials_and_undated_seasons_are_in_no_year(con) -> None:
    table = metrics.representation(con, "directing")
    # Delta's undated season would add 10 by a woman; Alpha's Specials 5 by a man.
    assert int(table.loc[table["measure"] == "episodes", "total"].sum()) == 28 + 0 + 4


def test_writing_counts_a_writers_most_credited_job(con) -> None:
    table = metrics.representation(con, "writing")
    row = _row(table, "episodes", year=2019)
    assert _counts(row) == (10, 0, 0, 3)
    assert row["share_female_known"] == 1.0
    assert row["share_female"] == pytest.approx(10 / 13)
    assert row["share_not_set"] == pytest.approx(3 / 13)
    assert _counts(_row(table, "episodes", year=2020)) == (10, 0, 0, 0)


def test_regular_cast_are_credited_on_at_least_half_the_season(con) -> None:
    regular = metrics.representation(con, "regular cast")
    # 2019: 301 F, 302 M, 305 M (5 of 10), 311 not set (8 of 8); not 304 (4 of 10) nor 303.
    assert _counts(_row(regular, "people", year=2019)) == (1, 2, 0, 1)
    assert _row(regular, "people", year=2019)["share_female_known"] == pytest.approx(1 / 3)
    assert _counts(_row(regular, "people", year=2020)) == (1, 1, 0, 0)
    everyone = metrics.representation(con, "all cast")
    assert _counts(_row(everyone, "people", year=2019)) == (2, 2, 0, 2)
    # Most credited role per person-season: 305 counts 5, not 5 + 3.
    assert _counts(_row(everyone, "episodes", year=2019)) == (14, 15, 0, 9)


def test_by_network_counts_a_series_in_each_of_its_networks(con) -> None:
    table = metrics.representation(con, "directing", by=["network"], min_series=1)
    hbo = _row(table, "episodes", network="HBO")
    netflix = _row(table, "episodes", network="Netflix")
    assert (hbo["series"], _counts(hbo)) == (2, (16, 12, 0, 0))
    assert (netflix["series"], _counts(netflix)) == (2, (10, 8, 0, 4))
    assert _counts(_row(table, "people", network="Netflix")) == (2, 1, 0, 1)
    only = metrics.representation(con, "directing", by=["network", "year"], networks=["Netflix"])
    assert set(only["network"]) == {"Netflix"}
    assert sorted(set(only["year"])) == [2019, 2021]


def test_a_network_or_country_listed_twice_counts_its_series_once(con) -> None:
    """TMDB can list two networks of one name (two ids): the series is still counted once."""
    by = (["network"], ["country"], ["network", "year"])
    before = [metrics.representation(con, "directing", by=keys) for keys in by]
    churn = metrics.churn_by_group(con, by=["network"])
    con.execute(
        "CREATE OR REPLACE VIEW series AS SELECT * REPLACE (list_concat(networks, networks) "
        "AS networks, list_concat(origin_country, origin_country) AS origin_country) "
        "FROM series_frame"
    )
    for keys, expected in zip(by, before, strict=True):
        pd.testing.assert_frame_equal(metrics.representation(con, "directing", by=keys), expected)
    pd.testing.assert_frame_equal(metrics.churn_by_group(con, by=["network"]), churn)
    # One network given as a string is that network, not its letters.
    one = metrics.representation(con, "directing", by=["network"], networks="HBO")
    assert set(one["network"]) == {"HBO"}


def test_by_country(con) -> None:
    table = metrics.representation(con, "directing", by=["country"], min_series=1)
    assert _counts(_row(table, "episodes", country="GB")) == (10, 8, 0, 0)
    assert _counts(_row(table, "episodes", country="US")) == (6, 4, 0, 4)


def test_creators_by_first_air_year(con) -> None:
    table = metrics.creator_share(con)
    assert table["year"].tolist() == [2019, 2021, 2022]
    first = _row(table, "creators", year=2019)
    assert (first["series"], _counts(first)) == (2, (1, 1, 0, 1))
    assert first["share_female_known"] == 0.5
    assert _row(table, "creators", year=2021)["total"] == 0


def test_top_networks_breaks_ties_by_name(con) -> None:
    top = metrics.top_networks(con, 5)
    assert top.to_dict("list") == {"network": ["HBO", "Netflix"], "series": [2, 2]}


def test_cast_churn_per_season_pair(con) -> None:
    pairs = metrics.cast_churn(con)
    # Alpha S1 regulars 301, 302, 305; 301 and 305 are back in S2 (305 no longer regular).
    assert pairs[["series_id", "season_number", "next_season", "regulars", "returning"]].to_dict(
        "records"
    ) == [{"series_id": ALPHA, "season_number": 1, "next_season": 2, "regulars": 3, "returning": 2}]
    by_series = metrics.churn_by_series(con)
    assert by_series["name"].tolist() == ["Alpha"]
    assert by_series.loc[0, "churn"] == pytest.approx(1 / 3)
    assert by_series.loc[0, "genre"] == "Drama"


def test_people_across_series(con) -> None:
    top = metrics.people_across_series(con, top=1)
    by_department = {
        row.department: (row.person_id, row.series, row.seasons) for row in top.itertuples()
    }
    assert by_department["Directing"] == (101, 2, 2)
    assert by_department["Writing"] == (201, 1, 2)
    # 301 and 305 each have two seasons of Alpha; the lower id wins the tie.
    assert by_department["Acting"] == (301, 1, 2)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: metrics.representation(c, "producing"), "role must be one of"),
        (lambda c: metrics.representation(c, "directing", by=["decade"]), "by must name"),
        (lambda c: metrics.representation(c, "directing", by=["year", "year"]), "by must name"),
        (lambda c: metrics.representation(c, "directing", networks=["HBO"]), "needs"),
    ],
)
def test_bad_arguments(con, call, message) -> None:
    with pytest.raises(ValueError, match=message):
        call(con)


def test_overview(con) -> None:
    facts = dict(metrics.overview(con).itertuples(index=False))
    assert facts["series"] == "4" and facts["seasons"] == "6"
    assert facts["years (by season air date)"] == "2019-2021"
    assert facts["networks"] == "2"
    # Cast people 301-307 and 311 (8), of whom 303, 307 and 311 are not set.
    assert facts["people in the cast"] == "8"
    assert facts['cast whose gender is "not set"'] == f"{3 / 8:.0%}"


def test_overview_says_one_year_once(con) -> None:
    con.execute(
        "CREATE OR REPLACE VIEW seasons AS SELECT * REPLACE (DATE '2019-09-01' AS air_date) "
        "FROM seasons_frame"
    )
    facts = dict(metrics.overview(con).itertuples(index=False))
    assert facts["years (by season air date)"] == "2019"


def test_directing_episode_by_episode_splits_a_season_across_its_air_years(con) -> None:
    table = metrics.episode_directing(con, min_series=1)
    assert table["year"].tolist() == [2019, 2020]
    # 2019: the co-directed episode 1 counts for 101 and for 102; 2020: episode 2 by 102.
    assert _counts(_row(table, "episode credits", year=2019)) == (1, 1, 0, 0)
    assert _counts(_row(table, "episode credits", year=2020)) == (0, 1, 0, 0)
    assert _row(table, "episode credits", year=2019)["share_female_known"] == 0.5


def test_churn_by_group_of_the_hand_corpus(con) -> None:
    table = metrics.churn_by_group(con, by=["network"], min_series=1)
    # Alpha (HBO) has the one season pair: 3 regulars in S1, 2 of them back in S2.
    assert table["network"].tolist() == ["HBO"]
    row = table.iloc[0]
    assert (row["series"], row["season_pairs"], row["regulars"], row["returning"]) == (1, 1, 3, 2)
    for column in ("churn", "mean", "p25", "median", "p75"):
        assert row[column] == pytest.approx(1 / 3)
    by_year = metrics.churn_by_group(con, by=["year"])
    assert by_year["year"].tolist() == [2019] and bool(by_year.loc[0, "small_sample"])


def _reference_pairs(cast: pd.DataFrame, seasons: pd.DataFrame) -> pd.DataFrame:
    """cast_churn worked out by plain Python: dicts and sets, season pair by season pair."""
    episodes = {
        (s, n): e
        for s, n, e in seasons[["series_id", "season_number", "episode_count"]].itertuples(
            index=False
        )
    }
    credits: dict[int, dict[int, dict[int, int | None]]] = {}
    for s, n, p, e in cast.itertuples(index=False):
        if n <= 0:
            continue
        season = credits.setdefault(s, {}).setdefault(n, {})
        known = season.get(p)
        e = None if pd.isna(e) else int(e)
        season[p] = e if known is None else (known if e is None else max(known, e))
    rows = []
    for s in sorted(credits):
        numbers = sorted(credits[s])
        for now, following in pairwise(numbers):
            total = episodes.get((s, now))
            if total is None or pd.isna(total) or total <= 0:
                continue
            regulars = {p for p, e in credits[s][now].items() if e is not None and e >= 0.5 * total}
            if regulars:
                back = len(regulars & credits[s][following].keys())
                rows.append((s, now, following, len(regulars), back))
    return pd.DataFrame(
        rows, columns=["series_id", "season_number", "next_season", "regulars", "returning"]
    )


def _awkward_corpus(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cast and seasons with what real series have: gaps in season numbers, seasons numbered
    by year, 140 credited seasons (more than one 63-season chunk), Specials, people in two
    roles, unknown episode counts, seasons missing from the seasons table or with 0 episodes."""
    rng = np.random.default_rng(seed)
    cast, seasons = [], []
    shapes = {
        1: list(range(1, 141)),  # a long-running soap
        2: [1, 2, 5, 6, 9],  # gaps
        3: [0, 1, 2, 3],  # Specials
        4: list(range(1990, 2021)),  # seasons named by year
        5: sorted(rng.choice(np.arange(1, 400), size=90, replace=False).tolist()),
        6: [1],  # a single season: no pair
        7: list(range(60, 70)),  # numbers past 63, but only ten seasons
        8: list(range(1, 131, 2)),  # 65 seasons, every other number
    }
    for series, numbers in shapes.items():
        regulars = list(range(series * 1000, series * 1000 + 8))
        for number in numbers:
            total = int(rng.integers(1, 13))
            roll = rng.random()
            if roll < 0.9:
                seasons.append((series, number, total))
            elif roll < 0.95:
                seasons.append((series, number, 0))
            # else: no seasons row at all
            people = [p for p in regulars if rng.random() < 0.8]
            people += rng.integers(series * 1000 + 100, series * 1000 + 160, size=6).tolist()
            for person in people:
                count = None if rng.random() < 0.05 else int(rng.integers(1, total + 1))
                cast.append((series, number, person, count))
                if rng.random() < 0.1:  # a second role
                    cast.append((series, number, person, int(rng.integers(1, total + 1))))
    return (
        pd.DataFrame(
            cast, columns=["series_id", "season_number", "person_id", "episode_count"]
        ).astype({"episode_count": "Int64"}),
        pd.DataFrame(seasons, columns=["series_id", "season_number", "episode_count"]),
    )


@pytest.mark.parametrize("by_bucket", [False, True], ids=["whole cast", "bucket by bucket"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cast_churn_matches_a_plain_count_on_awkward_series(seed: int, by_bucket: bool) -> None:
    cast, seasons = _awkward_corpus(seed)
    with connect_frames({"cast": cast, "seasons": seasons}) as connection:
        if by_bucket:
            # The per-bucket views corpus.open makes; series 1 to 8 fall in buckets 1 to 8.
            connection.execute(f"CREATE SCHEMA {BUCKET_SCHEMA}")
            for bucket in range(1, 9):
                connection.execute(
                    f'CREATE VIEW {BUCKET_SCHEMA}."cast_{bucket}" AS SELECT * FROM cast_frame '
                    f"WHERE series_id % {BUCKETS} = {bucket}"
                )
            assert list(bucket_views(connection, "cast")) == list(range(1, 9))
        pairs = metrics.cast_churn(connection).drop(columns="returning_share")
    expected = _reference_pairs(cast, seasons)
    assert len(expected) > 250 and set(expected["series_id"]) >= {1, 4, 5, 8}
    pd.testing.assert_frame_equal(pairs, expected, check_dtype=False)


def test_churn_tables_can_share_the_season_pairs_worked_out_once(con) -> None:
    pairs = metrics.cast_churn(con)
    pd.testing.assert_frame_equal(
        metrics.churn_by_series(con, pairs=pairs), metrics.churn_by_series(con)
    )
    for by in (["network"], ["year"]):
        pd.testing.assert_frame_equal(
            metrics.churn_by_group(con, by=by, pairs=pairs), metrics.churn_by_group(con, by=by)
        )
    # The frame is read under a name of its own, gone afterwards.
    names = con.sql("SELECT name FROM (SHOW ALL TABLES)").fetchall()
    assert names and not any("cast_churn" in name for (name,) in names)
