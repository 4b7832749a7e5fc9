"""Episode by episode: the tables, their bad input, the loading path and the analyses."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from credits_analysis import demo, episode_tidy, episodes, samples
from credits_analysis.cache import RawCache
from credits_analysis.describe import load_note
from credits_analysis.endpoints import (
    details_path,
    request_params,
    season_credits_path,
    season_path,
    superseded_paths,
)
from credits_analysis.errors import DataQualityWarning
from credits_analysis.load import SeriesCredits, load_series
from credits_analysis.schema import EPISODE_COLUMNS, EPISODE_CREDIT_COLUMNS
from tests import episode_payloads as hand
from tests.fake_tmdb import FAST_RETRY, FakeTMDB, Fault, fake_settings


def tables(payloads: dict[int, Any]) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = episode_tidy.episode_tables(payloads, series_id=hand.SERIES)
    return *found, [str(w.message) for w in caught if w.category is DataQualityWarning]


def assert_schema(frame: pd.DataFrame, columns: Any) -> None:
    assert list(frame.columns) == list(columns)
    assert all(frame[name].dtype == dtype for name, dtype in columns.items())


def load(fake: FakeTMDB, series_id: int = hand.SERIES, **options: Any) -> SeriesCredits:
    options.setdefault("progress", False)
    options.setdefault("settings", fake_settings())
    return load_series(series_id, transport=fake.transport(), retry=FAST_RETRY, **options)


# --- the tables, from a hand-made season ---


def test_hand_made_season_gives_one_row_per_episode_and_per_credit() -> None:
    found, credits, warned = tables({1: hand.season()})
    assert warned == []
    assert_schema(found, EPISODE_COLUMNS)
    assert_schema(credits, EPISODE_CREDIT_COLUMNS)
    assert found["episode_number"].tolist() == [1, 2, 3]
    assert found["air_date"].dt.year.tolist() == [2023, 2023, 2024]
    assert found["episode_id"].tolist() == [1001, 1002, 1003]
    # Episode 1: Gia, then Ann and Wil; 2: Ann, Cal, Wil; 3: Gia, then Cal.
    assert list(zip(credits["episode_number"], credits["person_id"], strict=True)) == [
        (1, 4), (1, 1), (1, 3), (2, 1), (2, 2), (2, 3), (3, 4), (3, 2),
    ]  # fmt: skip
    kinds = ["guest", "crew", "crew", "crew", "crew", "crew", "guest", "crew"]
    assert credits["kind"].tolist() == kinds
    guests = credits[credits["kind"] == "guest"]
    assert guests["character"].tolist() == ["Nurse", "Nurse"]
    assert guests["order"].tolist() == [500, 500] and guests["job"].isna().all()
    crew = credits[credits["kind"] == "crew"]
    assert crew["character"].isna().all() and crew["order"].isna().all()
    assert crew["gender"].tolist() == ["female", "not set", "female", "male", "not set", "male"]
    assert 5 not in set(credits["person_id"])  # the regular is credited on the season only


def test_real_season_details_sample_parses_every_credit() -> None:
    raw = samples.load("tv-52814-season-1-with-appends")
    found, credits, warned = tables({1: raw})
    assert warned == []  # a recording from before episode_type: <NA>, not a warning
    assert len(found) == len(raw["episodes"]) == 9
    assert found["episode_type"].isna().all()
    per_episode = [len(e["crew"]) + len(e["guest_stars"]) for e in raw["episodes"]]
    assert credits.groupby("episode_number").size().tolist() == per_episode
    assert (credits["kind"] == "guest").sum() == sum(len(e["guest_stars"]) for e in raw["episodes"])
    assert set(credits["gender"]) == {"female", "male", "not set"}


def test_empty_input_gives_every_column() -> None:
    found, credits, warned = tables({})
    assert found.empty and credits.empty and warned == []
    assert_schema(found, EPISODE_COLUMNS)
    assert_schema(credits, EPISODE_CREDIT_COLUMNS)


# --- bad input: the data kept, a warning naming the place ---


def test_null_air_date_is_kept_as_nat_with_a_warning() -> None:
    payload = hand.season()
    payload["episodes"][1]["air_date"] = None
    payload["episodes"][2]["air_date"] = "soon"
    found, _, warned = tables({1: payload})
    assert found["air_date"].isna().tolist() == [False, True, True]
    assert len(warned) == 2
    assert "series 77 season 1 episode 2 has no air date (None)" in warned[0]
    assert "season 1 episode 3 has no air date ('soon')" in warned[1]


def test_duplicate_episode_numbers_are_both_kept() -> None:
    payload = hand.season()
    payload["episodes"][2]["episode_number"] = 2
    found, credits, warned = tables({1: payload})
    assert found["episode_number"].tolist() == [1, 2, 2]
    assert warned == [
        "series 77 season 1: episode number 2 is listed twice (episodes[1] and episodes[2]); "
        "both are kept"
    ]
    assert len(credits) == 8


def test_episode_with_no_crew_is_kept() -> None:
    payload = hand.season()
    payload["episodes"][2]["crew"] = []
    found, credits, warned = tables({1: payload})
    assert len(found) == 3 and len(credits) == 7
    assert warned == ["series 77 season 1 episode 3 lists no crew; its director and writer are "
                      "unknown"]  # fmt: skip


def test_guest_star_in_the_regular_cast_is_kept_as_a_guest() -> None:
    payload = hand.season()
    payload["episodes"][1]["guest_stars"] = [hand.guest(*hand.REG, "Lead", 0)]
    _, credits, warned = tables({1: payload})
    assert ((credits["person_id"] == 5) & (credits["kind"] == "guest")).sum() == 1
    assert warned == [
        "series 77 season 1 episode 2: guest star 'Reg Regular' (person 5) is also in the "
        "season's regular cast; kept as a guest credit"
    ]


def test_unknown_episode_type_is_kept_as_given() -> None:
    payload = hand.season()
    payload["episodes"][0]["episode_type"] = "special_event"
    payload["episodes"][2]["episode_type"] = "finale"
    found, _, warned = tables({1: payload})
    assert found["episode_type"].tolist() == ["special_event", "standard", "finale"]
    assert len(warned) == 1
    assert warned[0].startswith("series 77 season 1 episode 1 has episode_type 'special_event'")


@pytest.mark.parametrize(("appended", "state"), [(None, "null"), (..., "missing")])
def test_appended_aggregate_missing_or_null_keeps_the_episodes(appended: Any, state: str) -> None:
    payload = hand.season()
    if appended is ...:
        del payload["aggregate_credits"]
    else:
        payload["aggregate_credits"] = appended
    with pytest.warns(DataQualityWarning) as caught:
        part = episode_tidy.aggregate_part(payload, series_id=77, season_number=1)
    assert part == {"cast": [], "crew": []}
    assert str(caught[0].message) == (
        f"series 77 season 1: the appended 'aggregate_credits' is {state}; its episodes are "
        "kept, its cast and crew tables are empty"
    )
    found, credits, _ = tables({1: payload})
    assert len(found) == 3 and len(credits) == 8


def test_a_value_breaking_the_policy_leaves_that_seasons_episodes_out() -> None:
    bad = hand.season(2)
    bad["episodes"][0]["runtime"] = "50 min"
    found, _, warned = tables({1: hand.season(1), 2: bad})
    assert found["season_number"].unique().tolist() == [1]
    assert len(warned) == 1 and warned[0].startswith(
        "series 77 season 2: its episodes are left out"
    )
    assert "episodes[].runtime must be a JSON integer" in warned[0]
    assert "cast and crew are kept" in warned[0]


def test_a_season_left_out_is_told_before_the_warnings_of_the_seasons_kept() -> None:
    kept, bad = hand.season(1), hand.season(2)
    kept["episodes"][0]["air_date"] = None
    bad["episodes"][0]["runtime"] = "50 min"
    bad["episodes"][1]["air_date"] = None  # not told: its season's episodes are left out
    _, _, warned = tables({1: kept, 2: bad})
    assert len(warned) == 2
    assert warned[0].startswith("series 77 season 2: its episodes are left out")
    assert warned[1].startswith("series 77 season 1 episode 1 has no air date")


# --- the loading path ---


def test_each_season_is_one_request_with_the_aggregate_appended(fake_tmdb: FakeTMDB) -> None:
    details, _ = fake_tmdb.add_generated(4242, seasons=3, episodes_per_season=4)
    series = load(fake_tmdb, 4242)
    seasons = [r for r in fake_tmdb.requests if r.api_path != details_path(4242)]
    # As many requests as before episodes: the details, then one per season.
    assert len(fake_tmdb.requests) == 1 + 3
    assert [r.api_path for r in seasons] == [season_path(4242, n) for n in (1, 2, 3)]
    assert all(r.params == {"append_to_response": "aggregate_credits"} for r in seasons)
    assert len(series.episodes) == 12 and series.without_episodes == []
    assert series.episodes_note is None
    assert set(series.cast["season_number"]) == {1, 2, 3}
    assert details["seasons"][1]["air_date"] == f"{series.episodes['air_date'].min():%Y-%m-%d}"


def test_request_params_belong_to_season_paths_only() -> None:
    assert request_params("tv/1/season/2") == {"append_to_response": "aggregate_credits"}
    assert request_params("tv/1") == request_params("tv/1/season/2/aggregate_credits") == {}
    assert superseded_paths("tv/1/season/2") == ["tv/1/season/2/aggregate_credits"]
    assert superseded_paths("tv/1") == []


def test_aggregate_only_cache_entries_still_serve_without_a_refetch(
    fake_tmdb: FakeTMDB, cache_dir: Path
) -> None:
    details, payloads = fake_tmdb.add_generated(4242, seasons=2, episodes_per_season=3)
    cache = RawCache(cache_dir)
    cache.write(details_path(4242), "en-US", json.dumps(details).encode(), url="earlier")
    for n in (1, 2):  # as an earlier version stored them
        body = json.dumps(payloads[n]["aggregate_credits"]).encode()
        cache.write(season_credits_path(4242, n), "en-US", body, url="earlier")
    series = load(fake_tmdb, 4242)
    assert fake_tmdb.requests == []
    assert series.seasons["source"].tolist() == ["cache", "cache"]
    assert len(series.cast) > 0 and series.episodes.empty and series.episode_credits.empty
    assert series.without_episodes == [1, 2]
    assert series.episodes_note is not None
    assert series.episodes_note.startswith("Seasons 1\u20132 came without their episodes: their")
    assert series.episodes_note in str(load_note(series))
    # A refresh fetches the season details, and they are what is read from then on.
    load(fake_tmdb, 4242, refresh=True)
    assert len(load(fake_tmdb, 4242).episodes) == 6


def test_missing_appended_credits_on_the_wire_keep_the_episodes(fake_tmdb: FakeTMDB) -> None:
    fake_tmdb.add_series(hand.details((1, 2)), {1: hand.season(1), 2: hand.season(2)})
    unappended = {k: v for k, v in hand.season(2).items() if k != "aggregate_credits"}
    fake_tmdb.inject(season_path(hand.SERIES, 2), Fault(200, body=json.dumps(unappended).encode()))
    with pytest.warns(DataQualityWarning, match="season 2: the appended 'aggregate_credits' is"):
        series = load(fake_tmdb)
    assert series.failures == {}
    assert set(series.cast["season_number"]) == {1}
    assert series.episodes.groupby("season_number").size().to_dict() == {1: 3, 2: 3}


def test_the_recorded_samples_serve_without_episodes_and_say_so(fake_tmdb: FakeTMDB) -> None:
    series = load(fake_tmdb, 1399, seasons=1, offline=True)
    assert series.seasons["source"].tolist() == ["bundled"]
    assert series.without_episodes == [1] and series.episodes.empty
    assert series.episodes_note is not None and "Season 1 came without its" in series.episodes_note


@pytest.mark.parametrize("series_id", sorted(demo.DEMO_SERIES))
def test_demo_episodes_agree_with_their_aggregate_credits(series_id: int) -> None:
    series = load_series(series_id, include_specials=True, progress=False)
    assert series.without_episodes == []
    listed = series.seasons.set_index("season_number")
    per_season = series.episodes.groupby("season_number")
    assert (per_season.size() == listed["episode_count"].reindex(per_season.size().index)).all()
    # Weekly from each season's premiere.
    for n, group in per_season:
        weeks = (group["air_date"] - listed.loc[n, "air_date"]).dt.days.tolist()
        assert weeks == [7 * k for k in range(len(group))]
    credits = series.episode_credits
    crew = credits[credits["kind"] == "crew"]
    on_episodes = crew.groupby(["season_number", "person_id", "job"]).size()
    aggregate = series.crew.set_index(["season_number", "person_id", "job"])["episode_count"]
    assert set(crew["department"]) == {"Directing", "Writing"}
    assert (on_episodes == aggregate.reindex(on_episodes.index)).all()
    directing = series.crew[series.crew["department"].isin(["Directing", "Writing"])]
    assert len(directing) == len(on_episodes)  # every director and writer is on an episode
    guests = credits[credits["kind"] == "guest"]
    on_episodes = guests.groupby(["season_number", "credit_id"]).size()
    roles = series.cast.set_index(["season_number", "credit_id"])["episode_count"]
    assert (on_episodes == roles.reindex(on_episodes.index)).all()
    assert (on_episodes <= 2).all()
    assert set(series.episodes["episode_type"]) == {"standard", "finale"}


# --- the analyses, hand-worked ---


@pytest.fixture
def hand_series() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from credits_analysis import tidy

    payload = hand.season()
    found, credits, _ = tables({1: payload})
    crew = tidy.crew_jobs(payload, series_id=hand.SERIES, season_number=1)
    return found, credits, crew


def test_makers_say_who_directed_and_wrote_each_episode(hand_series: Any) -> None:
    found, credits, _ = hand_series
    makers = episodes.episode_makers(found, credits)
    directed = makers[makers["role"] == "directed"]
    assert directed[["position", "name", "sharing"]].values.tolist() == [
        [1, "Ann Director", 1],
        [2, "Ann Director", 2],
        [2, "Cal Director", 2],
        [3, "Cal Director", 1],
    ]
    written = makers[makers["role"] == "written"]
    assert written["name"].fillna("-").tolist() == ["Wil Writer", "Wil Writer", "-"]  # nobody on 3
    assert pd.isna(written["person_id"].iloc[2]) and pd.isna(written["sharing"].iloc[2])


def test_women_share_counts_each_codirector_as_the_dga_does(hand_series: Any) -> None:
    found, credits, crew = hand_series
    share = episodes.women_directing_share(found, credits, crew)
    season, total = share.iloc[0], share.iloc[1]
    # Ann on 1 and 2, Cal on 2 and 3: four director credits, two of them a woman's.
    counts = ["episodes", "directed_episodes", "director_credits", "women_credits"]
    assert season[counts].tolist() == [3, 3, 4, 2]
    assert season["women_share"] == 0.5 and season["episodes_with_a_woman"] == 2
    # The aggregate counts say Ann 2, Cal 3: an estimate of 2 / 5.
    assert (season["aggregate_credits"], season["aggregate_women"]) == (5, 2)
    assert season["aggregate_share"] == pytest.approx(0.4)
    assert pd.isna(total["season_number"]) and total["director_credits"] == 4


def test_guest_appearances_show_returns_and_gaps(hand_series: Any) -> None:
    found, credits, _ = hand_series
    seen = episodes.guest_appearances(found, credits)
    assert seen[["position", "name", "appearance", "appearances"]].values.tolist() == [
        [1, "Gia Guest", 1, 2],
        [3, "Gia Guest", 2, 2],
    ]
    assert pd.isna(seen["gap"].iloc[0]) and seen["gap"].iloc[1] == 1  # she missed episode 2
    back = episodes.guest_returns(seen)
    assert back[["person_id", "appearances", "seasons", "longest_gap"]].values.tolist() == [
        [4, 2, 1, 1]
    ]


def test_run_order_spans_seasons_and_leaves_specials_out_unless_asked(hand_series: Any) -> None:
    found, credits, _ = hand_series
    two = pd.concat([found, found.assign(season_number=0), found.assign(season_number=2)])
    more = pd.concat([credits, credits.assign(season_number=2)])
    makers = episodes.episode_makers(two, more)
    assert makers.drop_duplicates("position")["season_number"].tolist() == [1, 1, 1, 2, 2, 2]
    seen = episodes.guest_appearances(two, more)
    assert seen["gap"].tolist()[1:] == [1, 0, 1]  # episode 3 of season 1 to episode 1 of 2
    only = episodes.episode_makers(two, more, seasons=[0])
    assert only["position"].max() == 3 and set(only["season_number"]) == {0}


def test_analyses_of_no_episodes_are_empty() -> None:
    found, credits, _ = tables({})
    assert episodes.episode_makers(found, credits).empty
    assert episodes.guest_returns(episodes.guest_appearances(found, credits)).empty


def test_duplicate_numbers_stay_one_episode_in_the_analyses(hand_series: Any) -> None:
    found, credits, _ = hand_series
    twice = pd.concat([found, found.iloc[[0]]])
    makers = episodes.episode_makers(twice, credits)
    assert makers["position"].max() == 3


def test_demo_share_equals_its_aggregate_estimate() -> None:
    series = load_series(9000001, progress=False)
    share = episodes.women_directing_share(series.episodes, series.episode_credits, series.crew)
    # The generator lays every director on as many episodes as the aggregate counts say.
    assert (share["director_credits"] == share["aggregate_credits"]).all()
    assert share["women_share"].tolist() == pytest.approx(share["aggregate_share"].tolist())
