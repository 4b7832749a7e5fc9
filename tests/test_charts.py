"""Figure contents of the chart builders: traces, colours, category order, titles, sizes."""

from __future__ import annotations

import math
from collections.abc import Callable
from types import SimpleNamespace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from credits_analysis import SeriesCredits, analysis, charts, samples, tidy
from credits_analysis.schema import CAST_COLUMNS, CREW_COLUMNS, GENDER_CATEGORIES, empty_frame
from tests.credit_frames import Credit, cast_frame, crew_frame, demo_frames, load_demo_series

SERIES = "St. Brigid's"
Builder = Callable[..., go.Figure]

# Each builder with the frame it draws ("cast" or "crew") and whether it takes include_specials.
BUILDERS: list[tuple[str, Builder, str, bool]] = [
    ("episode_heatmap", charts.episode_heatmap, "cast", True),
    ("episode_distribution", charts.episode_distribution, "cast", True),
    ("gender_bars", charts.gender_bars, "cast", True),
    ("gender_bars_crew_episodes", lambda f, **k: charts.gender_bars(f, weight="episodes", **k),
     "crew", True),
    ("gender_bars_by_department", lambda f, **k: charts.gender_bars(f, by_department=True, **k),
     "crew", True),
    ("popularity_box", charts.popularity_box, "cast", True),
    ("continuity_bars", charts.continuity_bars, "cast", False),
    ("regulars_timeline", charts.regulars_timeline, "cast", True),
    ("crew_heatmap", charts.crew_heatmap, "crew", True),
]  # fmt: skip
BUILDER_IDS = [name for name, *_ in BUILDERS]


@pytest.fixture(scope="module")
def demo() -> dict[str, pd.DataFrame]:
    _, cast, crew = demo_frames()
    return {"cast": cast, "crew": crew}


@pytest.fixture(autouse=True)
def no_show(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a chart builder called show()")

    monkeypatch.setattr(go.Figure, "show", refuse)
    monkeypatch.setattr(pio, "show", refuse)


def unwrapped(text: str) -> str:
    """A title or subtitle as one line: the figures break long lines to fit narrow screens."""
    return text.replace("<br>", " ")


def season_axes(fig: go.Figure) -> list[go.layout.XAxis]:
    return list(fig.select_xaxes())


def gender_traces(fig: go.Figure) -> list[go.Bar | go.Scatter]:
    return [t for t in fig.data if t.name in GENDER_CATEGORIES]


def sample_seasons() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Real seasons: Breaking Bad's season 1 as S1 and Game of Thrones' season 1 as S2 and S0."""
    frames = [
        (samples.load("tv-1396-season-1-aggregate_credits"), 1),
        (samples.load("tv-1399-season-1-aggregate_credits"), 2),
        (samples.load("tv-1399-season-1-aggregate_credits"), 0),
    ]
    cast = pd.concat([tidy.cast_roles(p, series_id=1, season_number=n) for p, n in frames])
    crew = pd.concat([tidy.crew_jobs(p, series_id=1, season_number=n) for p, n in frames])
    return cast.reset_index(drop=True), crew.reset_index(drop=True)


# --- every builder -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "build", "kind", "specials"), BUILDERS, ids=BUILDER_IDS)
def test_builders_title_the_series_and_order_the_season_axis(
    demo: dict[str, pd.DataFrame], name: str, build: Builder, kind: str, specials: bool
) -> None:
    fig = build(demo[kind], series_name=SERIES)
    assert isinstance(fig, go.Figure)
    assert fig.data
    assert fig.layout.title.text.startswith(f"{SERIES}: ")
    seasons = [f"S{n}" for n in range(1, 9)]
    for axis in season_axes(fig):
        assert axis.type == "category"
        assert axis.categoryorder == "array"
        assert list(axis.categoryarray) == seasons
    assert any(axis.title.text == "Season" for axis in season_axes(fig))
    if specials:
        shown = build(demo[kind], include_specials=True)
        assert list(season_axes(shown)[0].categoryarray) == ["Specials", *seasons]


@pytest.mark.parametrize(("name", "build", "kind", "specials"), BUILDERS, ids=BUILDER_IDS)
def test_builders_on_real_sample_seasons(
    name: str, build: Builder, kind: str, specials: bool
) -> None:
    cast, crew = sample_seasons()
    fig = build(cast if kind == "cast" else crew)
    assert list(season_axes(fig)[0].categoryarray) == ["S1", "S2"]
    assert not fig.layout.title.text.startswith(":")


@pytest.mark.parametrize(("name", "build", "kind", "specials"), BUILDERS, ids=BUILDER_IDS)
def test_empty_input_gives_a_titled_figure_that_says_so(
    name: str, build: Builder, kind: str, specials: bool
) -> None:
    frame = empty_frame(CAST_COLUMNS if kind == "cast" else CREW_COLUMNS)
    fig = build(frame, series_name=SERIES)
    assert not fig.data
    assert fig.layout.title.text.startswith(SERIES)
    assert [a.text for a in fig.layout.annotations] == ["No credits to show"]


@pytest.mark.parametrize(("name", "build", "kind", "specials"), BUILDERS, ids=BUILDER_IDS)
def test_figures_of_the_demo_series_stay_small(
    demo: dict[str, pd.DataFrame], name: str, build: Builder, kind: str, specials: bool
) -> None:
    # Aggregated figures: a few traces, never one per person, and a small JSON payload.
    fig = build(demo[kind])
    assert len(fig.data) <= 4 * max(1, demo["crew"]["department"].nunique())
    assert len(fig.to_json()) < 100_000


def test_each_gender_has_one_colour_in_every_figure(demo: dict[str, pd.DataFrame]) -> None:
    figures = [
        charts.gender_bars(demo["cast"]),
        charts.gender_bars(demo["crew"], by_department=True),
        charts.popularity_box(demo["cast"], top=20),
        charts.regulars_timeline(demo["cast"]),
    ]
    seen: dict[str, set[str]] = {g: set() for g in GENDER_CATEGORIES}
    for fig in figures:
        for trace in gender_traces(fig):
            seen[trace.name].add(trace.marker.color)
    assert seen == {g: {charts.GENDER_COLORS[g]} for g in GENDER_CATEGORIES}
    red, green, blue = bytes.fromhex(charts.GENDER_COLORS["not set"].lstrip("#"))
    assert red == green == blue  # "not set" is a neutral grey
    assert len(set(charts.GENDER_COLORS.values())) == len(GENDER_CATEGORIES)
    assert not set(charts.GENDER_COLORS.values()) & set(charts.CONTINUITY_COLORS.values())


# --- gender --------------------------------------------------------------------------------


def test_gender_bars_show_every_category_in_order_with_counts_and_shares() -> None:
    cast = cast_frame(
        {
            1: [
                Credit(1, 6, gender="female"),
                Credit(1, 4, "Twin", gender="female"),
                Credit(2, 2, gender="male"),
            ],
            2: [Credit(3, 1, gender="not set")],
        }
    )
    fig = charts.gender_bars(cast)
    assert [t.name for t in fig.data] == list(GENDER_CATEGORIES)
    assert [t.marker.color for t in fig.data] == [charts.GENDER_COLORS[g] for g in fig_names(fig)]
    assert fig.layout.barmode == "stack"
    bars = {t.name: dict(zip(t.x, t.y, strict=True)) for t in fig.data}
    assert bars["female"] == {"S1": 1, "S2": 0}
    assert bars["not set"] == {"S1": 0, "S2": 1}
    assert bars["non-binary"] == {"S1": 0, "S2": 0}
    shares = {t.name: [c[0] for c in t.customdata] for t in fig.data}
    assert shares["female"] == [0.5, 0.0]
    assert "%{customdata[0]:.1%}" in fig.data[0].hovertemplate
    assert fig.layout.yaxis.title.text == "People"

    episodes = charts.gender_bars(cast, weight="episodes")
    # Person 1's roles of 6 and 4 episodes may overlap: credited on 6, not 10.
    assert {t.name: list(t.y) for t in episodes.data}["female"] == [6, 0]
    assert episodes.layout.yaxis.title.text == "Episodes credited"
    assert "episodes credited" in episodes.layout.title.text


def fig_names(fig: go.Figure) -> list[str]:
    return [t.name for t in fig.data]


def test_gender_bars_by_department_draw_one_panel_per_department() -> None:
    crew = crew_frame(
        {
            1: [
                Credit(7, 4, "Director", department="Directing"),
                Credit(7, 2, "Writer", department="Writing"),
                Credit(8, 3, "Writer", department="Writing", gender="female"),
            ]
        }
    )
    fig = charts.gender_bars(crew, by_department=True)
    assert sorted(a.text for a in fig.layout.annotations) == ["Directing", "Writing"]
    assert len(fig.data) == 2 * len(GENDER_CATEGORIES)
    male = [t for t in fig.data if t.name == "male"]
    assert sorted(int(t.y[0]) for t in male) == [1, 1]  # person 7 once in each department


def test_gender_bars_reject_an_unknown_weight_and_departments_of_cast() -> None:
    cast = cast_frame({1: [Credit(1, 1)]})
    with pytest.raises(ValueError, match="weight"):
        charts.gender_bars(cast, weight="credits")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="department"):
        charts.gender_bars(cast, by_department=True)


# --- popularity ----------------------------------------------------------------------------


def test_popularity_box_carries_the_caveat_the_quartiles_and_the_top_people(
    demo: dict[str, pd.DataFrame],
) -> None:
    fig = charts.popularity_box(demo["cast"], series_name=SERIES, top=3)
    assert unwrapped(fig.layout.title.subtitle.text) == charts.POPULARITY_CAVEAT
    assert "fetch time" in unwrapped(fig.layout.title.text)
    assert "at fetch time" in fig.layout.yaxis.title.text
    assert fig.layout.yaxis.type == "log"

    box = fig.data[0]
    summary = analysis.popularity_summary(demo["cast"])
    assert box.type == "box" and box.name == "All cast"
    np.testing.assert_allclose(box.median, summary["median"])
    np.testing.assert_allclose(box.upperfence, summary["upper_fence"])

    points = gender_traces(fig)
    assert [t.name for t in points] == [g for g in GENDER_CATEGORIES if g in fig_names(fig)]
    per_season = pd.Series([x for t in points for x in t.x]).value_counts()
    assert (per_season == 3).all() and len(per_season) == 8
    top = analysis.top_people(demo["cast"], n=3)
    assert sorted(y for t in points for y in t.y) == sorted(top["popularity"])
    assert sum(len(t.x) for t in points) < len(demo["cast"]) / 10  # not every person

    assert charts.popularity_box(demo["cast"], log_y=False).layout.yaxis.type == "linear"


def test_popularity_log_axis_labels_only_decades(demo: dict[str, pd.DataFrame]) -> None:
    axis = charts.popularity_box(demo["cast"]).layout.yaxis
    assert axis.type == "log" and axis.dtick == 1 and axis.tickformat == "~g"
    assert charts.popularity_box(demo["cast"], log_y=False).layout.yaxis.type == "linear"


def test_popularity_box_draws_a_popularity_of_zero_at_a_stated_floor_of_the_log_axis() -> None:
    values = {1: 0.0, 2: 0.6, 3: 2.0, 4: 5.0, 5: 40.0}
    cast = cast_frame({1: [Credit(p, 1, popularity=v) for p, v in values.items()]})
    # Quartiles 0.6, 2, 5; IQR 4.4, so the whiskers reach 0 and 5 (40 is an outlier). The
    # smallest positive value drawn is 0.6: zero goes to 0.1, the power of ten below it.
    # Five people are below MIN_BOX_PEOPLE: ask for a box of five.
    fig = charts.popularity_box(cast, top=10, min_box_people=5)
    assert fig.layout.yaxis.type == "log"
    box = fig.data[0]
    assert (box.lowerfence[0], box.q1[0], box.median[0], box.q3[0]) == (0.1, 0.6, 2.0, 5.0)
    assert unwrapped(fig.layout.title.subtitle.text) == (
        f"{charts.POPULARITY_CAVEAT} A popularity of 0, which a log axis cannot show, "
        "is drawn at 0.1."
    )
    (point,) = gender_traces(fig)
    assert sorted(point.y) == [0.1, 0.6, 2.0, 5.0, 40.0]
    hover = {row[0]: row[3] for row in point.customdata}
    assert hover["Person 1"] == 0.0  # the hover keeps the true value
    assert "%{customdata[3]:.1f}" in point.hovertemplate
    assert point.legendgrouptitle.text == "Top 5 per season"  # 5 people, not the 10 asked

    linear = charts.popularity_box(cast, log_y=False, min_box_people=5)
    assert linear.data[0].lowerfence[0] == 0.0
    assert unwrapped(linear.layout.title.subtitle.text) == charts.POPULARITY_CAVEAT

    nobody = cast_frame({1: [Credit(1, 1, popularity=0.0), Credit(2, 1, popularity=0.0)]})
    assert charts.popularity_box(nobody).layout.yaxis.type == "linear"


def test_empty_popularity_figure_keeps_the_caveat() -> None:
    fig = charts.popularity_box(empty_frame(CAST_COLUMNS))
    assert unwrapped(fig.layout.title.subtitle.text) == charts.POPULARITY_CAVEAT


# --- episode counts ------------------------------------------------------------------------


def test_episode_heatmap_cells_names_and_characters() -> None:
    cast = cast_frame(
        {
            1: [Credit(1, 10, "Ann", name="Ann Lee"), Credit(2, 4, "Bo", name="Bo Ray")],
            2: [
                Credit(1, 8, "Ann", name="Ann Lee"),
                Credit(1, 5, "Ann's double", name="Ann Lee"),
                Credit(3, 2, "Cy", name="Cy Dee"),
            ],
        }
    )
    fig = charts.episode_heatmap(cast, top=2, series_name=SERIES, color="episodes")
    (heat,) = fig.data
    assert list(heat.y) == ["Ann Lee", "Bo Ray"]
    assert list(heat.x) == ["S1", "S2"]
    assert heat.z[0].tolist() == [10, 8]  # S2: her larger role, not 8 + 5
    assert heat.z[1][0] == 4 and math.isnan(heat.z[1][1])  # not credited: blank, not zero
    text = np.asarray(heat.customdata)
    # Season lengths from the credits: 10 (S1) and 8 (S2), each season's most credited role.
    assert text[0, 0].tolist() == ["Ann", "", 10, "10"]
    assert text[0, 1].tolist() == [
        "Ann / Ann's double", " (13 role credits: the roles may share episodes)",
        8, "8",
    ]  # fmt: skip
    assert heat.hovertemplate.startswith(
        "%{y}<br>%{x}: credited on %{customdata[2]} of %{customdata[3]} episodes<br>"
        "%{customdata[0]}%{customdata[1]}"
    )
    assert fig.layout.yaxis.autorange == "reversed"  # rank 1 on top
    assert fig.layout.title.text == f"{SERIES}: Top 2 cast by episodes credited"
    # Asked for more people than are credited: the title counts those shown.
    assert charts.episode_heatmap(cast, top=5).layout.title.text == (
        "All 3 cast by episodes credited"
    )


def test_season_axis_lists_every_season_of_the_input() -> None:
    # Nobody of the top 1 is in season 2: the column stays, blank, so all figures align.
    cast = cast_frame({1: [Credit(1, 9)], 2: [Credit(2, 1)], 3: [Credit(1, 9)]})
    fig = charts.episode_heatmap(cast, top=1)
    assert list(fig.layout.xaxis.categoryarray) == ["S1", "S2", "S3"]
    assert list(fig.data[0].x) == ["S1", "S2", "S3"]
    assert math.isnan(fig.data[0].z[0][1])
    timeline = charts.regulars_timeline(cast)
    assert list(timeline.layout.xaxis.categoryarray) == ["S1", "S2", "S3"]


def test_episode_heatmap_tells_namesakes_apart() -> None:
    cast = cast_frame({1: [Credit(1, 3, name="Sam Doe"), Credit(2, 2, name="Sam Doe")]})
    assert list(charts.episode_heatmap(cast).data[0].y) == ["Sam Doe (#1)", "Sam Doe (#2)"]


def test_episode_distribution_bands_and_counts() -> None:
    cast = cast_frame(
        {1: [Credit(1, 10), Credit(2, 10), Credit(3, 1), Credit(4, 1), Credit(5, 1)],
         2: [Credit(1, 12), Credit(6, 4)]}
    )  # fmt: skip
    (heat,) = charts.episode_distribution(cast).data
    assert list(heat.y) == ["1", "2", "3\u20134", "5\u20139", "10\u201319"]
    credits = np.asarray(heat.customdata)[:, :, 0]
    assert credits[:, 0].tolist() == [3, 0, 0, 0, 2]
    assert credits[:, 1].tolist() == [0, 0, 1, 0, 1]
    np.testing.assert_allclose(heat.z[0][0], math.log10(3))
    assert math.isnan(heat.z[1][0])  # no credit: blank
    np.testing.assert_allclose(np.asarray(heat.customdata)[:, :, 1].sum(axis=0), [1.0, 1.0])


def test_episode_distribution_of_a_long_soap_stays_a_few_bands(
    demo: dict[str, pd.DataFrame],
) -> None:
    (heat,) = charts.episode_distribution(demo["crew"]).data
    assert len(heat.y) <= 8
    assert np.asarray(heat.customdata)[:, :, 0].sum() == (demo["crew"]["season_number"] > 0).sum()


# --- continuity, regulars, crew -------------------------------------------------------------


def test_continuity_bars_stack_arrivals_up_and_departures_down() -> None:
    cast = cast_frame(
        {1: [Credit(1, 5), Credit(2, 5), Credit(3, 1)], 2: [Credit(1, 5), Credit(4, 1)]}
    )
    fig = charts.continuity_bars(cast, series_name=SERIES)
    assert fig_names(fig) == ["returning", "rejoining", "new", "left"]
    assert [t.marker.color for t in fig.data] == list(charts.CONTINUITY_COLORS.values())
    heights = {t.name: list(t.y) for t in fig.data}
    assert heights == {
        "returning": [0, 1], "rejoining": [0, 0], "new": [3, 1], "left": [0, -2]
    }  # fmt: skip
    assert [c[0] for c in fig.data[3].customdata] == [0, 2]  # hover shows the count
    assert fig.layout.barmode == "relative"


def test_regulars_timeline_lists_people_by_first_regular_season() -> None:
    cast = cast_frame(
        {
            1: [Credit(1, 10, name="Ann", gender="female"), Credit(2, 10, name="Bo")],
            2: [Credit(1, 10, name="Ann", gender="female"), Credit(3, 10, name="Cy")],
            3: [Credit(3, 10, name="Cy"), Credit(4, 1, name="Guest")],
        }
    )
    fig = charts.regulars_timeline(cast)
    # px lists a categorical y axis bottom-up, so the reversed array reads top to bottom.
    assert list(fig.layout.yaxis.categoryarray)[::-1] == ["Ann", "Bo", "Cy"]
    marks = {t.name: sorted(zip(t.y, t.x, strict=True)) for t in fig.data}
    assert marks == {
        "female": [("Ann", "S1"), ("Ann", "S2")],
        "male": [("Bo", "S1"), ("Cy", "S2"), ("Cy", "S3")],
    }
    assert fig_names(charts.regulars_timeline(cast, top=1)) == ["female"]


def test_crew_heatmap_counts_people_per_department_largest_first() -> None:
    crew = crew_frame(
        {
            1: [
                Credit(7, 4, "Director", department="Directing"),
                Credit(7, 2, "Writer", department="Writing"),
                Credit(8, 3, "Writer", department="Writing"),
            ],
            2: [Credit(8, 3, "Writer", department="Writing")],
        }
    )
    (heat,) = charts.crew_heatmap(crew).data
    assert list(heat.y) == ["Writing", "Directing"]
    assert heat.z.tolist() == [[2, 1], [1, 0]]
    assert heat.texttemplate == "%{z}"


def test_season_labels() -> None:
    assert [charts.season_label(n) for n in (0, 1, 12)] == ["Specials", "S1", "S12"]


# --- share colouring, whole-number ticks, denominators, small seasons ------------------------


def seasons_table(lengths: dict[int, int]) -> pd.DataFrame:
    details = {
        "id": 1,
        "seasons": [
            {"season_number": n, "episode_count": e, "id": 10 + n} for n, e in lengths.items()
        ],
    }
    return tidy.seasons(details)


def test_episode_heatmap_colours_by_share_of_the_season_with_counts_in_the_hover() -> None:
    cast = cast_frame(
        {
            1: [Credit(1, 10, "Ann", name="Ann"), Credit(2, 4, "Bo", name="Bo")],
            2: [Credit(1, 8, "Ann", name="Ann")],
        }
    )
    # S1 runs 20 episodes, S2 8: Ann's 10 of 20 is half the season, her 8 of 8 all of it.
    (heat,) = charts.episode_heatmap(cast, seasons=seasons_table({1: 20, 2: 8})).data
    assert heat.z[0].tolist() == [0.5, 1.0]
    assert heat.z[1][0] == pytest.approx(0.2) and math.isnan(heat.z[1][1])
    assert (heat.zmin, heat.zmax, heat.colorbar.tickformat) == (0, 1, ".0%")
    hover = np.asarray(heat.customdata)
    assert hover[0, :, 2:].tolist() == [[10, "20"], [8, "8"]]  # credited on 10 of 20 episodes
    assert hover[1, 0, 2:].tolist() == [4, "20"]
    assert "of %{customdata[3]} episodes (%{z:.0%})" in heat.hovertemplate
    # Without a seasons table, a season lasts as long as its most credited role: 10 and 8.
    (inferred,) = charts.episode_heatmap(cast).data
    assert inferred.z[0].tolist() == [1.0, 1.0] and inferred.z[1][0] == pytest.approx(0.4)
    with pytest.raises(ValueError, match="color"):
        charts.episode_heatmap(cast, color="count")  # type: ignore[arg-type]


@pytest.mark.parametrize(("largest", "step"), [(1, 1), (2, 1), (6, 1), (7, 2), (10, 2), (13, 5)])
def test_count_colour_bars_tick_whole_numbers(largest: int, step: int) -> None:
    cast = cast_frame({1: [Credit(1, largest), Credit(2, 1)]})
    bar = charts.episode_heatmap(cast, color="episodes").data[0].colorbar
    assert (bar.tick0, bar.dtick, bar.tickformat) == (0, step, "d")
    crew = crew_frame({1: [Credit(p, 1, "Writer", department="Writing") for p in range(largest)]})
    bar = charts.crew_heatmap(crew).data[0].colorbar
    assert (bar.dtick, bar.tickformat) == (step, "d")


def gender_cast() -> pd.DataFrame:
    return cast_frame(
        {
            1: [Credit(1, 5, gender="female"), Credit(2, 5, gender="female"), Credit(3, 1)],
            2: [Credit(1, 5, gender="female"), Credit(4, 2, gender="not set")],
        }
    )


def test_share_bars_write_each_season_size_and_hover_the_counts() -> None:
    fig = charts.gender_bars(gender_cast(), share=True)
    bars = {t.name: dict(zip(t.x, t.y, strict=True)) for t in fig.data}
    assert bars["female"] == {"S1": pytest.approx(2 / 3), "S2": 0.5}
    assert bars["male"] == {"S1": pytest.approx(1 / 3), "S2": 0.0}
    assert sorted((a.x, a.text) for a in fig.layout.annotations) == [("S1", "n=3"), ("S2", "n=2")]
    female = fig.data[0]
    assert [list(c) for c in female.customdata] == [[2, 3], [1, 2]]  # "2 of 3"
    assert "(%{customdata[0]} of %{customdata[1]})" in female.hovertemplate
    assert fig.layout.yaxis.tickformat == ".0%"
    assert "n:" in fig.layout.yaxis.title.text
    assert "share of people" in fig.layout.title.text
    # Weighted by episodes: S1 has 5 + 5 + 1 = 11 episodes credited.
    episodes = charts.gender_bars(gender_cast(), share=True, weight="episodes")
    assert sorted(a.text for a in episodes.layout.annotations) == ["n=11", "n=7"]


def test_count_bars_hover_the_season_total() -> None:
    fig = charts.gender_bars(gender_cast())
    female = fig.data[0]
    assert [list(c) for c in female.customdata] == [[pytest.approx(2 / 3), 3], [0.5, 2]]
    assert "%{y} of %{customdata[1]} people" in female.hovertemplate


def test_popularity_of_a_season_under_the_threshold_is_points_not_a_box() -> None:
    assert charts.MIN_BOX_PEOPLE == 8
    big = [Credit(p, 1, popularity=float(p)) for p in range(1, 9)]  # 8 people: a box
    small = [Credit(p, 1, popularity=float(p)) for p in range(11, 18)]  # 7 people: points
    fig = charts.popularity_box(cast_frame({1: big, 2: small}), top=3)
    (box,) = [t for t in fig.data if t.type == "box"]
    assert list(box.x) == ["S1"]
    assert box.median[0] == 4.5  # 1..8
    points = pd.DataFrame(
        [(x, y) for t in gender_traces(fig) for x, y in zip(t.x, t.y, strict=True)],
        columns=["season", "popularity"],
    )
    assert sorted(points.loc[points["season"] == "S1", "popularity"]) == [6.0, 7.0, 8.0]
    assert sorted(points.loc[points["season"] == "S2", "popularity"]) == list(
        map(float, range(11, 18))
    )
    assert "fewer than 8 people have no box" in unwrapped(fig.layout.title.subtitle.text)
    assert gender_traces(fig)[0].legendgrouptitle.text == "Top 3 per season"
    for bad in ({"top": 0}, {"min_box_people": 0}, {"top": True}):
        with pytest.raises(ValueError, match="positive number"):
            charts.popularity_box(cast_frame({1: big}), **bad)
    only_small = charts.popularity_box(cast_frame({2: small}))
    assert [t.type for t in only_small.data] == ["scatter"]
    assert only_small.data[0].legendgrouptitle.text == "Everyone"


def test_popularity_box_ships_quartiles_not_scores(demo: dict[str, pd.DataFrame]) -> None:
    fig = charts.popularity_box(demo["cast"], top=3)
    box = fig.data[0]
    assert box.y is None and box.boxpoints is False
    points = sum(len(t.x) for t in gender_traces(fig))
    assert points == 3 * 8  # the top three of each of the eight seasons, nobody else


# --- titles and axes true to their chart ------------------------------------------------------


def test_axis_titles_name_what_the_chart_counts() -> None:
    cast = cast_frame({1: [Credit(1, 3)]})
    crew = crew_frame({1: [Credit(1, 3, "Writer", department="Writing")]})
    assert charts.episode_distribution(cast).layout.yaxis.title.text == (
        "Episodes credited (per role)"
    )
    assert charts.episode_distribution(crew).layout.yaxis.title.text == (
        "Episodes credited (per job)"
    )
    assert charts.episode_distribution(crew).layout.title.text == "Episodes per crew credit"
    assert charts.gender_bars(crew).layout.title.text.startswith("Crew gender split")


def test_figures_narrow_well_no_fixed_width_legend_below_titles_wrap(
    demo: dict[str, pd.DataFrame],
) -> None:
    name = "A Series With A Rather Long Name (synthetic demo)"
    for name_, build, kind, _ in BUILDERS:
        fig = build(demo[kind], series_name=name)
        layout = fig.layout
        assert layout.width is None and layout.autosize is True, name_
        assert layout.legend.orientation == "h" and layout.legend.yanchor == "bottom", name_
        assert (layout.title.xref, layout.title.x) == ("container", 0), name_
        lines = layout.title.text.split("<br>")
        assert len(lines) >= 2 and all(len(line) <= 50 for line in lines), name_
        subtitle = layout.title.subtitle.text.split("<br>") if layout.title.subtitle.text else []
        assert all(len(line) <= 62 for line in subtitle), name_
        assert layout.margin.t >= 50 + 20 * (len(lines) + len(subtitle)), name_
    wide = charts.gender_bars(demo["crew"], by_department=True, columns=2)
    assert wide.layout.xaxis3.domain[0] == wide.layout.xaxis.domain[0]  # third panel wraps


# --- markup in names is text ----------------------------------------------------------------

LINK = '<a href="https://x">X</a>'
BOLD = "<b>Bold</b>"


def strings(value: object) -> list[str]:
    """Every string in a figure's JSON tree."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, (list, tuple, np.ndarray)):
        return [s for v in value for s in strings(v)]
    return []


def hostile(series_id: int = 1) -> SimpleNamespace:
    """A loaded-series stand-in whose series, people, characters and departments hold markup."""
    cast = cast_frame(
        {
            season: [
                Credit(p, 10, LINK if p == 1 else BOLD, name=LINK if p == 1 else BOLD)
                for p in range(1, 10)
            ]
            for season in (1, 2)
        },
        series_id=series_id,
    )
    crew = crew_frame(
        {season: [Credit(7, 10, BOLD, department=LINK, name=LINK)] for season in (1, 2)},
        series_id=series_id,
    )
    seasons = seasons_table({1: 10, 2: 10}).assign(series_id=series_id)
    return SimpleNamespace(series_id=series_id, name=BOLD, cast=cast, crew=crew, seasons=seasons)


EXTRA_FIGURES: list[tuple[str, Builder, str, bool]] = [
    ("gender_bars_share", lambda f, **k: charts.gender_bars(f, share=True, **k), "cast", True),
    ("people_per_season", charts.people_per_season, "cast", True),
    ("continuity_lines", charts.continuity_lines, "cast", False),
]
ALL_FIGURES = BUILDERS + EXTRA_FIGURES


@pytest.mark.parametrize(
    ("name", "build", "kind", "specials"), ALL_FIGURES, ids=[f[0] for f in ALL_FIGURES]
)
def test_markup_in_data_text_is_escaped_everywhere(
    name: str, build: Builder, kind: str, specials: bool
) -> None:
    one, two = hostile(1), hostile(2)
    if kind == "cast":
        figures = [build(one), build([one, two])]
    else:  # a crew frame, named
        figures = [build(one.crew, series_name=BOLD)]
        if name != "gender_bars_by_department":  # one series only
            both = pd.concat([one.crew, two.crew])
            figures.append(build(both, series_name={1: BOLD, 2: BOLD}))
    for fig in figures:
        found = strings(fig.to_plotly_json())
        assert not [s for s in found if LINK in s or BOLD in s], name
        escaped = [s for s in found if "&lt;b&gt;Bold&lt;/b&gt;" in s or "&lt;a href" in s]
        assert escaped, f"{name}: the names are shown, escaped"


# --- loaded series and several series -------------------------------------------------------


@pytest.fixture(scope="module")
def two_series(tmp_path_factory: pytest.TempPathFactory) -> list[SeriesCredits]:
    return load_demo_series(tmp_path_factory.mktemp("cache"))


def test_a_loaded_series_draws_its_own_table_under_its_own_name(
    two_series: list[SeriesCredits],
) -> None:
    series = two_series[0]
    fig = charts.episode_heatmap(series)
    assert fig.layout.title.text.replace("<br>", " ").startswith(f"{series.name}: ")
    alone = charts.episode_heatmap(series.cast, series_name=series.name, seasons=series.seasons)
    assert fig.to_json() == alone.to_json()
    from_series, from_frame = charts.crew_heatmap(series), charts.crew_heatmap(series.crew)
    assert list(from_series.data[0].y) == list(from_frame.data[0].y)
    crew = charts.gender_bars(series, table="crew")
    assert crew.layout.title.text.replace("<br>", " ").startswith(f"{series.name}: Crew")
    assert charts.gender_bars(series, series_name="Other").layout.title.text.startswith("Other")


@pytest.mark.parametrize(("name", "build", "kind", "specials"), BUILDERS, ids=BUILDER_IDS)
def test_a_chart_of_two_series_draws_both_in_their_own_panels(
    two_series: list[SeriesCredits], name: str, build: Builder, kind: str, specials: bool
) -> None:
    a, b = two_series
    if name == "gender_bars_by_department":
        with pytest.raises(ValueError, match="one series"):
            build([a, b])
        return
    source = [a, b] if kind == "cast" else pd.concat([a.crew, b.crew])
    names = {a.series_id: a.name, b.series_id: b.name}
    fig = build(source) if kind == "cast" else build(source, series_name=names)
    panels = [t.xaxis or "x" for t in fig.data]
    assert set(panels) == {"x", "x2"}
    assert [ann.text for ann in fig.layout.annotations if ann.xref == "paper"][:2] == [
        a.name, b.name
    ]  # fmt: skip
    # Each panel is the one-series figure's traces: the same counts, one series each.
    for axis, series in (("x", a), ("x2", b)):
        one = build(series if kind == "cast" else series.crew)
        mine = [t for t in fig.data if (t.xaxis or "x") == axis]
        assert [t.type for t in mine] == [t.type for t in one.data]
        for drawn, alone in zip(mine, one.data, strict=True):
            assert list(drawn.x) == list(alone.x)
        shown = {label for t in mine for label in t.x}
        assert set(fig.layout["xaxis" + axis[1:]].categoryarray) >= shown
    legend = [t.name for t in fig.data if t.name and t.showlegend is not False]
    assert len(legend) == len(set(legend)), "each category once in the legend"


def test_two_series_heatmaps_share_one_colour_scale(two_series: list[SeriesCredits]) -> None:
    fig = charts.crew_heatmap(two_series)
    first, second = fig.data
    assert (first.zmin, first.zmax) == (second.zmin, second.zmax)
    assert [first.showscale, second.showscale].count(True) == 1


def test_comparison_lines_one_style_per_series_and_identical_lines_named(
    two_series: list[SeriesCredits],
) -> None:
    a, b = two_series
    fig = charts.people_per_season([a, b])
    assert [ann.text for ann in fig.layout.annotations] == ["Cast", "Crew"]
    styles = {(t.name, t.line.color, t.line.dash, t.marker.symbol) for t in fig.data}
    assert len(styles) == 2 and len({s[1:] for s in styles}) == 2
    cast_a = next(t for t in fig.data if t.name == a.name and (t.xaxis or "x") == "x")
    expected = a.cast[a.cast["season_number"] > 0].groupby("season_number")["person_id"].nunique()
    assert list(cast_a.y) == expected.tolist()
    assert list(cast_a.x) == [f"S{n}" for n in expected.index]
    assert fig.layout.title.subtitle.text is None

    twin = SimpleNamespace(**{**vars(a), "series_id": 1, "name": "Twin"})
    twin.cast = a.cast.assign(series_id=1)
    twin.crew = a.crew.assign(series_id=1)
    same = charts.people_per_season([a, twin])
    assert unwrapped(same.layout.title.subtitle.text) == (
        f"{a.name} and Twin are identical in Cast: one line hides the other. "
        f"{a.name} and Twin are identical in Crew: one line hides the other."
    )


def test_continuity_lines_shares_with_their_counts() -> None:
    one = cast_frame(
        {1: [Credit(1, 5), Credit(2, 5), Credit(3, 1)], 2: [Credit(1, 5), Credit(4, 1)]}
    )
    two = cast_frame({1: [Credit(1, 5)], 2: [Credit(1, 5)]}, series_id=2)
    fig = charts.continuity_lines(pd.concat([one, two]), series_name={1: "One", 2: "Two"})
    returning = {
        t.name: (list(t.y), [c[0] for c in t.customdata])
        for t in fig.data
        if (t.xaxis or "x") == "x"
    }
    assert returning == {
        "One": ([pytest.approx(1 / 3, abs=1e-4)], ["1 of 3"]),
        "Two": ([1.0], ["1 of 1"]),
    }
    new = {t.name: list(t.y) for t in fig.data if t.xaxis == "x2"}
    assert new == {"One": [0.5], "Two": [0.0]}
    assert fig.layout.yaxis.tickformat == ".0%"
