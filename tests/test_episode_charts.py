"""Episode charts: what each figure draws from the hand-made season, escaping, the date axis."""

from __future__ import annotations

import warnings
from typing import Any

import pandas as pd
import pytest

from credits_analysis import episode_charts, episode_tidy, episodes, tidy
from credits_analysis.schema import GENDER_CATEGORIES
from tests import episode_payloads as hand


def frames(payload: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found, credits = episode_tidy.episode_tables({1: payload}, series_id=hand.SERIES)
    return found, credits, tidy.crew_jobs(payload, series_id=hand.SERIES, season_number=1)


@pytest.fixture
def season() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return frames(hand.season())


def test_strip_has_a_marker_per_person_and_episode_coloured_by_gender(season: Any) -> None:
    found, credits, _ = season
    fig = episode_charts.makers_strip(episodes.episode_makers(found, credits))
    by_gender = {trace.name: trace for trace in fig.data}
    assert list(by_gender) == ["female", "male", "not set"]
    assert list(by_gender["female"].x) == [1, 2]  # Ann directed 1 and co-directed 2
    assert list(by_gender["male"].x) == [2, 3]
    assert list(by_gender["not set"].x) == [1, 2]  # Wil wrote 1 and 2
    # Co-directors of episode 2 are stacked, not drawn over each other.
    assert by_gender["female"].y[1] != by_gender["male"].y[0]
    assert by_gender["male"].customdata[0][2] == 2  # "credited with 2 in all"
    assert list(fig.layout.xaxis.ticktext) == ["S1"]


def test_data_text_is_escaped_before_plotly_sees_it() -> None:
    payload = hand.season()
    payload["episodes"][0]["crew"][0]["name"] = "<b>Ann</b>"
    payload["episodes"][0]["name"] = "<script>x</script>"
    found, credits, _ = frames(payload)
    fig = episode_charts.makers_strip(
        episodes.episode_makers(found, credits), series_name="<i>Show</i>"
    )
    female = next(t for t in fig.data if t.name == "female")
    assert female.customdata[0][0] == "&lt;b&gt;Ann&lt;/b&gt;"
    assert "&lt;script&gt;" in female.customdata[0][1] and "<script>" not in fig.to_json()
    assert fig.layout.title.text.startswith("&lt;i&gt;Show&lt;/i&gt;: ")


def test_air_date_axis_splits_a_season_across_the_new_year(season: Any) -> None:
    found, credits, _ = season
    fig = episode_charts.makers_strip(episodes.episode_makers(found, credits), by="air_date")
    male = next(t for t in fig.data if t.name == "male")
    years = [pd.Timestamp(x).year for x in male.x]
    assert years == [2023, 2024]  # episode 2 on 31 December, episode 3 on 7 January
    assert fig.layout.xaxis.type == "date"


def test_air_date_axis_counts_the_undated_episodes_it_leaves_out() -> None:
    payload = hand.season()
    payload["episodes"][2]["air_date"] = None
    found, credits, _ = frames(payload)
    fig = episode_charts.makers_strip(episodes.episode_makers(found, credits), by="air_date")
    assert fig.layout.title.subtitle.text.replace("<br>", " ") == (
        "1 episode with no air date not shown."
    )
    # Ann on 1 and 2, Cal on 2 (his episode 3 is left out), Wil on 1 and 2.
    assert [len(t.x) for t in fig.data] == [2, 1, 2]
    with pytest.raises(ValueError, match="by must be"):
        episode_charts.makers_strip(episodes.episode_makers(found, credits), by="season")


def test_guest_timeline_shows_the_guests_who_came_back(season: Any) -> None:
    found, credits, _ = season
    fig = episode_charts.guest_timeline(episodes.guest_appearances(found, credits))
    assert [t.name for t in fig.data] == ["female"]
    assert list(fig.data[0].x) == [1, 3] and list(fig.data[0].y) == ["Gia Guest"] * 2
    assert list(fig.data[0].customdata[1][2:]) == [2, 2]  # "episode 2 of 2"
    with pytest.raises(ValueError, match="top"):
        episode_charts.guest_timeline(episodes.guest_appearances(found, credits), top=0)


def test_women_bars_show_the_count_beside_the_estimate(season: Any) -> None:
    found, credits, crew = season
    share = episodes.women_directing_share(found, credits, crew)
    fig = episode_charts.women_directing_bars(share, series_name="Hand Made")
    assert [t.name for t in fig.data] == ["counted per episode", "aggregate estimate"]
    assert list(fig.data[0].y) == [0.5] and list(fig.data[1].y) == pytest.approx([0.4])
    # (subtitles wrap onto lines that fit a phone)
    assert fig.layout.title.subtitle.text.replace("<br>", " ") == (
        "Whole run: 50% of 4 director credits (aggregate estimate 40%). As the DGA counts, a "
        "co-directed episode credits each of its directors."
    )


def test_no_episodes_draw_an_empty_figure_that_says_so() -> None:
    found, credits = episode_tidy.episode_tables({}, series_id=1)
    crew = tidy.crew_jobs({"cast": [], "crew": []}, series_id=1, season_number=1)
    for fig in (
        episode_charts.makers_strip(episodes.episode_makers(found, credits)),
        episode_charts.guest_timeline(episodes.guest_appearances(found, credits)),
        episode_charts.women_directing_bars(episodes.women_directing_share(found, credits, crew)),
    ):
        assert fig.data == ()
        assert fig.layout.annotations[0].text == "No credits to show"


def test_guest_rows_follow_guest_returns_named_as_on_their_first_episode() -> None:
    # Ann #1 is on three episodes; #2 has no name on their first episode; Ann #3 came back later.
    guests = [(1, "Ann", 1), (1, "Ann", 2), (1, "Ann", 3), (2, None, 1), (2, "Bo", 4)]
    guests += [(3, "Ann", 2), (3, "Ann", 5), (4, "Cy", 6)]
    frame = pd.DataFrame(guests, columns=["person_id", "name", "position"])
    frame = frame.sort_values(["position", "person_id"], kind="stable").reset_index(drop=True)
    by_person = frame.groupby("person_id")
    appearances = frame.assign(
        name=frame["name"].astype("string"),
        gender=pd.Categorical(["female"] * len(frame), categories=GENDER_CATEGORIES),
        character=pd.array(["Guest"] * len(frame), dtype="string"),
        season_number=1,
        episode_number=frame["position"].astype("Int64"),
        air_date=pd.NaT,
        appearance=by_person.cumcount() + 1,
        appearances=by_person["position"].transform("size"),
        gap=pd.array([pd.NA] * len(frame), dtype="Int64"),
    )
    fig = episode_charts.guest_timeline(appearances)
    rows = list(fig.layout.yaxis.categoryarray[::-1])
    assert rows == ["Ann (#1)", "person 2", "Ann (#3)"]
    ranked = episodes.guest_returns(appearances)["person_id"].tolist()
    assert ranked == [1, 2, 3]
    assert fig.layout.height == 400
