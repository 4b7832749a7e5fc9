"""Figure contents of the chart builders: traces, colours, category order, titles, sizes."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from credits_analysis import analysis, charts, samples, tidy
from credits_analysis.schema import CAST_COLUMNS, CREW_COLUMNS, GENDER_CATEGORIES, empty_frame
from tests.credit_frames import Credit, cast_frame, crew_frame, demo_frames

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
    assert fig.layout.title.subtitle.text == charts.POPULARITY_CAVEAT
    assert "fetch time" in fig.layout.title.text
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
    assert fig.layout.title.subtitle.text == (
        f"{charts.POPULARITY_CAVEAT}<br>A popularity of 0, which a log axis cannot show, "
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
    assert linear.layout.title.subtitle.text == charts.POPULARITY_CAVEAT

    nobody = cast_frame({1: [Credit(1, 1, popularity=0.0), Credit(2, 1, popularity=0.0)]})
    assert charts.popularity_box(nobody).layout.yaxis.type == "linear"


def test_empty_popularity_figure_keeps_the_caveat() -> None:
    fig = charts.popularity_box(empty_frame(CAST_COLUMNS))
    assert fig.layout.title.subtitle.text == charts.POPULARITY_CAVEAT


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
    assert text[0, 0].tolist() == ["Ann", "", "10 of 10 episodes (100%)"]
    assert text[0, 1].tolist() == [
        "Ann / Ann's double", " (13 role credits: the roles may share episodes)",
        "8 of 8 episodes (100%)",
    ]  # fmt: skip
    assert "%{customdata[2]}<br>%{customdata[0]}%{customdata[1]}" in heat.hovertemplate
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
