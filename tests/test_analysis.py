"""The analyses on hand-made frames with known answers, on real samples and on the demo series."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from credits_analysis import SeriesCredits, analysis, samples, tidy
from credits_analysis.demo import DEMO_SERIES
from credits_analysis.schema import (
    CAST_COLUMNS,
    CREW_COLUMNS,
    GENDER_CATEGORIES,
    GENDER_CODES,
    GENDER_DTYPE,
    empty_frame,
)
from tests.credit_frames import Credit, cast_frame, crew_frame, demo_frames, load_demo_series

SEASON_ANALYSES: list[Callable[[pd.DataFrame], pd.DataFrame]] = [
    analysis.episode_matrix,
    analysis.episodes_per_credit,
    analysis.gender_split,
    analysis.popularity_by_season,
    analysis.popularity_summary,
    analysis.top_people,
    analysis.continuity,
    analysis.regular_spans,
]


def real_season(name: str, season: int = 1) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    raw = samples.load(name)
    return (
        raw,
        tidy.cast_roles(raw, series_id=1, season_number=season),
        tidy.crew_jobs(raw, series_id=1, season_number=season),
    )


def by_season_and_gender(split: pd.DataFrame) -> pd.DataFrame:
    indexed = split.set_index(["season_number", "gender"])
    assert indexed.index.is_unique
    return indexed


# --- gender split --------------------------------------------------------------------------


def test_gender_split_counts_people_once_and_weights_episodes_by_most_credited_role() -> None:
    cast = cast_frame(
        {
            1: [
                Credit(1, 6, "Ann", gender="female"),
                Credit(1, 4, "Ann's twin", gender="female"),
                Credit(2, 2, gender="male"),
                Credit(3, 3, gender="male"),
                Credit(4, 5, gender="not set"),
            ],
            2: [Credit(1, 8, "Ann", gender="female")],
        }
    )
    split = by_season_and_gender(analysis.gender_split(cast))

    assert split.loc[1, "people"].to_dict() == {
        "female": 1, "male": 2, "non-binary": 0, "not set": 1
    }  # fmt: skip
    # Ann's two roles (6 and 4 episodes) may share episodes: she weighs her larger role, 6.
    assert split.loc[1, "episodes"].to_dict() == {
        "female": 6, "male": 5, "non-binary": 0, "not set": 5
    }  # fmt: skip
    assert split.loc[1, "people_share"].tolist() == [0.25, 0.5, 0.0, 0.25]
    assert split.loc[1, "episode_share"].tolist() == [6 / 16, 5 / 16, 0.0, 5 / 16]
    assert split.loc[2, "people"].tolist() == [1, 0, 0, 0]
    assert split.loc[2, "episode_share"].tolist() == [1.0, 0.0, 0.0, 0.0]
    # Over the whole series Ann weighs each season's most credited role: 6 + 8.
    run = analysis.gender_split(cast, by=("series_id",)).set_index("gender")
    assert run.loc["female", "episodes"] == 14


def test_gender_split_keeps_every_category_in_order_with_the_contract_dtype() -> None:
    split = analysis.gender_split(cast_frame({3: [Credit(1, 1, gender="male")]}))
    assert split["gender"].dtype == GENDER_DTYPE
    assert split["gender"].tolist() == list(GENDER_CATEGORIES)
    assert split["people"].tolist() == [0, 1, 0, 0]


def test_crew_person_in_two_departments_counts_once_per_season_and_once_per_department() -> None:
    crew = crew_frame(
        {
            1: [
                Credit(7, 4, "Director", department="Directing"),
                Credit(7, 2, "Writer", department="Writing"),
                Credit(7, 2, "Story", department="Writing"),
                Credit(8, 3, "Writer", department="Writing", gender="female"),
            ]
        }
    )
    season = by_season_and_gender(analysis.gender_split(crew))
    assert season.loc[(1, "male"), "people"] == 1
    assert season.loc[(1, "male"), "episodes"] == 4  # his most credited job of the season
    assert season.loc[(1, "female"), "people"] == 1

    department = analysis.gender_split(crew, by=("season_number", "department")).set_index(
        ["department", "gender"]
    )
    assert department.loc[("Directing", "male"), "people"] == 1
    assert department.loc[("Writing", "male"), "people"] == 1
    assert department.loc[("Writing", "male"), "episodes"] == 2  # Writer 2, Story 2
    assert department.loc[("Writing", "female"), "people_share"] == 0.5
    assert len(department) == 2 * len(GENDER_CATEGORIES)


@pytest.mark.parametrize(
    "name", ["tv-1396-season-1-aggregate_credits", "tv-52814-season-1-with-appends"]
)
def test_gender_split_of_real_seasons_matches_the_raw_payload(name: str) -> None:
    raw, cast, crew = real_season(name)
    body = raw.get("aggregate_credits", raw)
    for frame, section in ((cast, "cast"), (crew, "crew")):
        people = {p["id"]: GENDER_CODES[p["gender"]] for p in body[section]}
        expected = Counter(people.values())
        split = analysis.gender_split(frame)
        assert dict(zip(split["gender"], split["people"], strict=True)) == {
            g: expected.get(g, 0) for g in GENDER_CATEGORIES
        }
        # Each person's most credited role or job, over all their crew departments.
        most: dict[int, int] = {}
        for person in body[section]:
            for credit in person["roles" if section == "cast" else "jobs"]:
                most[person["id"]] = max(most.get(person["id"], 0), credit["episode_count"])
        episodes = Counter()
        for person_id, count in most.items():
            episodes[people[person_id]] += count
        assert split["episodes"].tolist() == [episodes.get(g, 0) for g in GENDER_CATEGORIES]


def test_gender_shares_sum_to_one_per_group_on_the_demo_series() -> None:
    _, cast, crew = demo_frames()
    for frame, by in (
        (cast, ("season_number",)),
        (crew, ("season_number",)),
        (crew, ("season_number", "department")),
    ):
        split = analysis.gender_split(frame, by=by)
        sums = split.groupby(list(by))[["people_share", "episode_share"]].sum()
        np.testing.assert_allclose(sums.to_numpy(), 1.0)
        assert (split.groupby(list(by)).size() == len(GENDER_CATEGORIES)).all()
        # Distinct people, not rows: a person with several roles or jobs counts once.
        regular = frame[frame["season_number"] != 0].astype({"season_number": "int64"})
        pd.testing.assert_series_equal(
            split.groupby(list(by))["people"].sum(),
            regular.groupby(list(by))["person_id"].nunique(),
            check_names=False,
        )


def test_gender_split_rejects_bad_groupings() -> None:
    cast = cast_frame({1: [Credit(1, 1)]})
    with pytest.raises(ValueError, match="no such column"):
        analysis.gender_split(cast, by=("season_number", "department"))
    with pytest.raises(ValueError, match="one or more"):
        analysis.gender_split(cast, by=())


# --- episode counts ------------------------------------------------------------------------


def test_episode_matrix_counts_the_most_credited_role_and_keeps_role_credits() -> None:
    cast = cast_frame(
        {
            1: [Credit(1, 10, "Ann"), Credit(2, 10, "Bea"), Credit(3, 1, "Cy")],
            2: [Credit(1, 8, "Ann"), Credit(1, 9, "Ann's ghost"), Credit(3, 2, "Cy")],
        }
    )
    matrix = analysis.episode_matrix(cast, top=2)

    # Season 2: Ann's roles of 8 and 9 episodes may overlap, so she is credited on 9 (at
    # least), not 17; the 17 role credits stay in episode_credits.
    columns = ["rank", "person_id", "season_number", "episode_count", "episode_credits"]
    assert matrix[columns].values.tolist() == [
        [1, 1, 1, 10, 10],
        [1, 1, 2, 9, 17],
        [2, 2, 1, 10, 10],
    ]
    assert matrix["total_episodes"].tolist() == [19, 19, 10]
    assert matrix["roles"].tolist() == ["Ann", "Ann's ghost / Ann", "Bea"]


def test_episode_matrix_breaks_ties_by_name() -> None:
    cast = cast_frame({1: [Credit(5, 3, name="Zed"), Credit(6, 3, name="Abe")]})
    assert analysis.episode_matrix(cast, top=1)["name"].tolist() == ["Abe"]


@pytest.mark.parametrize("top", [0, -1, 2.5, True])
def test_top_must_be_a_positive_integer(top: object) -> None:
    with pytest.raises(ValueError, match="positive number"):
        analysis.episode_matrix(cast_frame({1: [Credit(1, 1)]}), top=top)  # type: ignore[arg-type]


def test_episode_matrix_of_a_real_season_puts_the_regulars_first() -> None:
    raw, cast, _ = real_season("tv-1399-season-1-aggregate_credits")
    most = max(p["total_episode_count"] for p in raw["cast"])
    matrix = analysis.episode_matrix(cast, top=5)
    assert (matrix["episode_count"] == most).all()
    assert matrix["rank"].tolist() == [1, 2, 3, 4, 5]


def test_nobody_is_credited_on_more_episodes_than_a_real_season_has() -> None:
    # Game of Thrones season 1 has 10 episodes; George R. R. Martin is Co-Executive Producer
    # on 10, Writer on 1 and Novel on 10 of them: 21 role credits, credited on all 10.
    length = next(s for s in samples.load("tv-1399")["seasons"] if s["season_number"] == 1)
    assert length["episode_count"] == 10
    _, cast, crew = real_season("tv-1399-season-1-aggregate_credits")
    for frame in (cast, crew):
        people = analysis.popularity_by_season(frame)
        assert people["episode_count"].max() == 10
    martin = people[people["name"] == "George R. R. Martin"]
    assert martin[["episode_count", "episode_credits"]].values.tolist() == [[10, 21]]


def test_episodes_per_credit_counts_credits_not_people() -> None:
    cast = cast_frame(
        {1: [Credit(1, 10), Credit(2, 10), Credit(3, 1), Credit(3, 1, "Other"), Credit(4, 1)]}
    )
    dist = analysis.episodes_per_credit(cast)
    assert dist[["episode_count", "credits"]].values.tolist() == [[1, 3], [10, 2]]
    assert dist["share"].tolist() == [0.6, 0.4]


def test_episodes_per_credit_shares_sum_to_one_on_the_demo_series() -> None:
    _, cast, crew = demo_frames()
    for frame in (cast, crew):
        dist = analysis.episodes_per_credit(frame)
        np.testing.assert_allclose(dist.groupby("season_number")["share"].sum(), 1.0)
        assert dist["credits"].sum() == (frame["season_number"] != 0).sum()


# --- popularity ----------------------------------------------------------------------------


def popularity_cast() -> pd.DataFrame:
    values = {1: 1.0, 2: 2.0, 3: 3.0, 4: 4.0, 5: 100.0}
    credits = [Credit(p, 1, popularity=v) for p, v in values.items()]
    # A second role must not weigh the person twice in the distribution.
    credits.append(Credit(5, 1, "Second role", popularity=100.0))
    return cast_frame({1: credits, 2: credits[:2]})


def test_popularity_by_season_has_one_row_per_distinct_person() -> None:
    people = analysis.popularity_by_season(popularity_cast())
    assert people.groupby("season_number").size().tolist() == [5, 2]
    assert people.loc[people["season_number"] == 1, "person_id"].tolist() == [5, 4, 3, 2, 1]
    fifth = people[people["person_id"] == 5]
    assert fifth[["episode_count", "episode_credits"]].values.tolist() == [[1, 2]]


def test_popularity_summary_quartiles_and_whiskers() -> None:
    summary = analysis.popularity_summary(popularity_cast()).set_index("season_number")
    first = summary.loc[1]
    values = [1.0, 2.0, 3.0, 4.0, 100.0]
    assert first["people"] == 5
    assert [first["q1"], first["median"], first["q3"]] == list(
        np.quantile(values, [0.25, 0.5, 0.75])
    )
    assert (first["min"], first["max"]) == (1.0, 100.0)
    # q3 + 1.5 IQR = 7: the whisker stops at 4, and 100 is an outlier.
    assert (first["lower_fence"], first["upper_fence"]) == (1.0, 4.0)
    assert summary.loc[2, "people"] == 2


def test_popularity_summary_of_a_real_season_matches_numpy() -> None:
    raw, cast, _ = real_season("tv-1399-season-1-aggregate_credits")
    distinct = list({p["id"]: p["popularity"] for p in raw["cast"]}.values())
    summary = analysis.popularity_summary(cast).iloc[0]
    assert summary["people"] == len(distinct)
    np.testing.assert_allclose(
        summary[["q1", "median", "q3"]].to_numpy(dtype=float),
        np.quantile(distinct, [0.25, 0.5, 0.75]),
    )


def test_top_people_are_the_most_popular_of_each_season() -> None:
    top = analysis.top_people(popularity_cast(), n=2)
    assert top[["season_number", "rank", "person_id"]].values.tolist() == [
        [1, 1, 5],
        [1, 2, 4],
        [2, 1, 2],
        [2, 2, 1],
    ]
    assert top["roles"].iloc[0] == "Role / Second role"


# --- continuity ----------------------------------------------------------------------------


def test_continuity_on_a_handmade_series_with_a_gap_and_specials() -> None:
    a, b, c, d, e, z = 1, 2, 3, 4, 5, 99
    cast = cast_frame(
        {
            0: [Credit(z, 1), Credit(a, 1)],
            1: [Credit(a, 5), Credit(a, 5, "Second role"), Credit(b, 5), Credit(c, 1)],
            2: [Credit(a, 5), Credit(b, 5), Credit(d, 2)],
            4: [Credit(a, 5), Credit(c, 1), Credit(e, 1)],
        }
    )
    table = analysis.continuity(cast)
    columns = ["season_number", "people", "returning", "rejoining", "new", "left"]
    assert table[columns].values.tolist() == [
        [1, 3, 0, 0, 3, 0],
        [2, 3, 2, 0, 1, 1],  # a, b return; d is new; c left
        [4, 3, 1, 1, 1, 2],  # a returns; c rejoins; e is new; b, d left
    ]
    assert table["previous_season"].tolist() == [pd.NA, 1, 2]


def test_continuity_counts_add_up_on_the_demo_series() -> None:
    _, cast, crew = demo_frames()
    for frame in (cast, crew):
        table = analysis.continuity(frame)
        assert (table["people"] == table["returning"] + table["rejoining"] + table["new"]).all()
        previous = table["people"].shift()
        assert (previous.iloc[1:] == (table["returning"] + table["left"]).iloc[1:]).all()
        assert table["new"].sum() == frame.loc[frame["season_number"] > 0, "person_id"].nunique()


def test_continuity_of_a_single_season() -> None:
    table = analysis.continuity(cast_frame({3: [Credit(1, 1), Credit(2, 1)]}))
    assert table.drop(columns="previous_season").values.tolist() == [[3, 2, 0, 0, 2, 0]]


# --- regulars ------------------------------------------------------------------------------


def regulars_cast() -> pd.DataFrame:
    return cast_frame(
        {
            1: [Credit(1, 10, name="Ann"), Credit(2, 5, name="Bea"), Credit(3, 4, name="Cy")],
            2: [Credit(1, 8, name="Ann"), Credit(2, 2, name="Bea"), Credit(3, 8, name="Cy")],
        }
    )


def test_regular_spans_with_season_lengths_inferred_from_the_credits() -> None:
    spans = analysis.regular_spans(regulars_cast(), min_share=0.5)
    assert spans[["name", "season_number", "episode_share"]].values.tolist() == [
        ["Ann", 1, 1.0],
        ["Ann", 2, 1.0],
        ["Bea", 1, 0.5],
        ["Cy", 2, 1.0],
    ]
    assert spans[["first_season", "last_season", "regular_seasons"]].values.tolist() == [
        [1, 2, 2], [1, 2, 2], [1, 1, 1], [2, 2, 1]
    ]  # fmt: skip


def test_regular_spans_with_season_lengths_from_the_seasons_table() -> None:
    details = {
        "id": 1,
        "seasons": [
            {"season_number": 1, "episode_count": 20, "id": 11},
            {"season_number": 2, "episode_count": 8, "id": 12},
        ],
    }
    spans = analysis.regular_spans(regulars_cast(), seasons=tidy.seasons(details))
    assert spans[["name", "season_number", "season_episodes"]].values.tolist() == [
        ["Ann", 1, 20],
        ["Ann", 2, 8],
        ["Cy", 2, 8],
    ]


def test_regular_spans_keeps_the_top_people_by_seasons_as_regular() -> None:
    spans = analysis.regular_spans(regulars_cast(), top=2)
    assert spans["name"].unique().tolist() == ["Ann", "Bea"]  # Bea and Cy tie: earliest first
    assert analysis.regular_spans(regulars_cast(), top=1)["name"].unique().tolist() == ["Ann"]
    with pytest.raises(ValueError, match="positive number"):
        analysis.regular_spans(regulars_cast(), top=0)


def test_two_roles_that_may_share_episodes_do_not_add_up_to_a_regular() -> None:
    # A 6-episode season: Ann is on all 6; Bo has two roles of 3 episodes each, so he is
    # credited on 3 to 6 episodes: certainly half the season, not certainly more.
    cast = cast_frame(
        {1: [Credit(1, 6, name="Ann"), Credit(2, 3, "Doctor", name="Bo"),
             Credit(2, 3, "Doctor's twin", name="Bo")]}
    )  # fmt: skip
    half = analysis.regular_spans(cast, min_share=0.5)
    columns = ["name", "episode_count", "episode_credits", "season_episodes", "episode_share"]
    assert half[columns].values.tolist() == [["Ann", 6, 6, 6, 1.0], ["Bo", 3, 6, 6, 0.5]]
    assert analysis.regular_spans(cast, min_share=0.75)["name"].tolist() == ["Ann"]


@pytest.mark.parametrize("share", [0, -0.1, 1.5])
def test_regular_spans_rejects_a_share_outside_zero_to_one(share: float) -> None:
    with pytest.raises(ValueError, match="min_share"):
        analysis.regular_spans(regulars_cast(), min_share=share)


# --- crew ----------------------------------------------------------------------------------


def test_crew_headcount_counts_people_and_credits_with_zero_rows() -> None:
    crew = crew_frame(
        {
            1: [
                Credit(7, 4, "Director", department="Directing"),
                Credit(7, 1, "Second Unit Director", department="Directing"),
                Credit(7, 2, "Writer", department="Writing"),
                Credit(8, 3, "Writer", department="Writing"),
            ],
            2: [Credit(8, 3, "Writer", department="Writing")],
        }
    )
    head = analysis.crew_headcount(crew)
    assert head.values.tolist() == [
        [1, "Directing", 1, 2],
        [1, "Writing", 2, 2],
        [2, "Directing", 0, 0],
        [2, "Writing", 1, 1],
    ]


# --- every analysis ------------------------------------------------------------------------


@pytest.mark.parametrize("function", SEASON_ANALYSES, ids=lambda f: f.__name__)
def test_empty_input_gives_an_empty_frame_with_typed_columns(
    function: Callable[[pd.DataFrame], pd.DataFrame],
) -> None:
    result = function(empty_frame(CAST_COLUMNS))
    assert result.empty
    assert not any(map(pd.api.types.is_object_dtype, result.dtypes))
    typed = function(cast_frame({1: [Credit(1, 2, gender="female")]}))
    pd.testing.assert_series_equal(result.dtypes, typed.dtypes)


def test_empty_crew_headcount_is_typed() -> None:
    result = analysis.crew_headcount(empty_frame(CREW_COLUMNS))
    assert result.empty
    assert list(result.columns) == ["season_number", "department", "people", "credits"]


@pytest.mark.parametrize("function", SEASON_ANALYSES, ids=lambda f: f.__name__)
def test_specials_only_with_include_specials(
    function: Callable[..., pd.DataFrame],
) -> None:
    cast = cast_frame({0: [Credit(9, 1)], 1: [Credit(1, 3)]})
    assert set(function(cast)["season_number"]) == {1}
    if function is not analysis.continuity:  # Specials never have a "previous season"
        assert set(function(cast, include_specials=True)["season_number"]) == {0, 1}


@pytest.mark.parametrize("function", SEASON_ANALYSES, ids=lambda f: f.__name__)
def test_whole_run_frames_are_refused(function: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    raw = samples.load("tv-96677-aggregate_credits")
    with pytest.raises(ValueError, match="whole-run"):
        function(tidy.cast_roles(raw, series_id=96677, season_number=None))


@pytest.mark.parametrize("function", SEASON_ANALYSES, ids=lambda f: f.__name__)
def test_inputs_are_not_modified(function: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    _, cast, _ = demo_frames()
    before = cast.copy()
    function(cast)
    pd.testing.assert_frame_equal(cast, before)


# --- several series ------------------------------------------------------------------------

ALL_ANALYSES: list[tuple[Callable[..., pd.DataFrame], str, dict[str, object]]] = [
    *((function, "cast", {}) for function in SEASON_ANALYSES),
    (analysis.continuity, "crew", {}),
    (analysis.gender_split, "crew", {"by": ("season_number", "department")}),
    (analysis.gender_split, "cast", {"by": ("series_id",)}),
    (analysis.crew_headcount, "crew", {}),
    (analysis.season_lengths, "cast", {}),
    (analysis.episode_matrix, "cast", {"top": 3, "include_specials": True}),
]


@pytest.fixture(scope="module")
def two_demo_series(tmp_path_factory: pytest.TempPathFactory) -> list[SeriesCredits]:
    return load_demo_series(tmp_path_factory.mktemp("cache"))


@pytest.mark.parametrize(
    ("function", "table", "options"),
    ALL_ANALYSES,
    ids=[f"{f.__name__}-{t}-{'-'.join(o) or 'defaults'}" for f, t, o in ALL_ANALYSES],
)
def test_a_frame_of_two_series_gives_each_series_result_keyed_by_series_id(
    two_demo_series: list[SeriesCredits],
    function: Callable[..., pd.DataFrame],
    table: str,
    options: dict[str, object],
) -> None:
    a, b = (getattr(series, table) for series in two_demo_series)
    both = function(pd.concat([a, b], ignore_index=True), **options)

    expected = []
    for frame in (a, b):
        one = function(frame, **options)
        if "series_id" not in one.columns:
            one.insert(0, "series_id", frame["series_id"].iloc[0])
        expected.append(one)
    pd.testing.assert_frame_equal(both, pd.concat(expected, ignore_index=True))
    assert both["series_id"].unique().tolist() == list(DEMO_SERIES)
    assert len(both) > len(function(a, **options))


def test_gender_split_of_two_series_is_each_series_split(
    two_demo_series: list[SeriesCredits],
) -> None:
    a, b = two_demo_series
    split = analysis.gender_split(pd.concat([a.cast, b.cast]))
    assert list(split.columns[:2]) == ["series_id", "season_number"]
    for series in (a, b):
        mine = split[split["series_id"] == series.series_id].drop(columns="series_id")
        pd.testing.assert_frame_equal(
            mine.reset_index(drop=True), analysis.gender_split(series.cast)
        )
    # Keyword call, and the series order is the frame's, not sorted.
    reversed_order = analysis.gender_split(frame=pd.concat([b.cast, a.cast]))
    assert reversed_order["series_id"].unique().tolist() == [b.series_id, a.series_id]


def test_regular_spans_of_two_series_take_each_series_season_lengths(
    two_demo_series: list[SeriesCredits],
) -> None:
    a, b = two_demo_series
    seasons = pd.concat([a.seasons, b.seasons], ignore_index=True)
    both = analysis.regular_spans(pd.concat([a.cast, b.cast]), seasons=seasons)
    for series in (a, b):
        mine = both[both["series_id"] == series.series_id].drop(columns="series_id")
        pd.testing.assert_frame_equal(
            mine.reset_index(drop=True),
            analysis.regular_spans(series.cast, seasons=series.seasons),
        )


def test_ranks_and_previous_seasons_never_cross_series() -> None:
    # Series 2 starts at season 3: its first season has no previous one, though series 1 has a
    # season 2; each series has its own rank 1.
    one = cast_frame({1: [Credit(1, 5)], 2: [Credit(1, 5), Credit(2, 1)]}, series_id=1)
    two = cast_frame({3: [Credit(1, 9)]}, series_id=2)
    flow = analysis.continuity(pd.concat([one, two]))
    assert flow[["series_id", "season_number", "new"]].values.tolist() == [
        [1, 1, 1], [1, 2, 1], [2, 3, 1]
    ]  # fmt: skip
    assert flow["previous_season"].tolist() == [pd.NA, 1, pd.NA]
    matrix = analysis.episode_matrix(pd.concat([one, two]), top=1)
    assert matrix[["series_id", "rank", "person_id", "total_episodes"]].values.tolist() == [
        [1, 1, 1, 10], [1, 1, 1, 10], [2, 1, 1, 9]
    ]  # fmt: skip


# --- names ---------------------------------------------------------------------------------


def named_cast() -> pd.DataFrame:
    cast = cast_frame(
        {
            1: [
                Credit(1, 8, "Inspector", name="Loïc Lefèvre"),
                Credit(2, 3, "Maid", name="Ada Lovelace", gender="female"),
                Credit(3, 1, "Postman", name="Søren Ørsted"),
            ],
            2: [Credit(1, 6, "Inspector", name="Loïc Lefèvre")],
        }
    )
    # TMDB lists some people under a name other than their original one.
    cast.loc[cast["person_id"] == 2, "original_name"] = "Augusta Ada King"
    return cast


@pytest.mark.parametrize(
    ("query", "people"),
    [
        ("lefevre", [1]),
        ("LEFÈVRE", [1]),
        ("  loic   lef ", [1]),
        ("Lefèvre", [1]),
        ("augusta", [2]),  # only in original_name
        ("soren orsted", [3]),
        ("SØREN", [3]),
        ("e", [1, 2, 3]),
        ("nobody", []),
    ],
)
def test_find_people_ignores_case_accents_and_spaces_in_both_names(
    query: str, people: list[int]
) -> None:
    cast = named_cast()
    found = analysis.find_people(cast, query)
    assert sorted(found["person_id"].unique()) == people
    # Rows of the frame as they are: both of Loïc's seasons, every column.
    assert list(found.columns) == list(cast.columns)
    if people == [1]:
        assert found["season_number"].tolist() == [1, 2]
        assert found["name"].unique().tolist() == ["Loïc Lefèvre"]


def test_find_people_refuses_an_empty_query() -> None:
    with pytest.raises(ValueError, match="letter or digit"):
        analysis.find_people(named_cast(), "  ")


def test_fold_name() -> None:
    assert analysis.fold_name("Loïc  LEFÈVRE") == "loic lefevre"
    assert analysis.fold_name("Straße Łódź Æon") == "strasse lodz aeon"


def test_people_has_one_row_per_person_with_seasons_episodes_roles_and_departments() -> None:
    cast = named_cast()
    crew = crew_frame(
        {
            2: [
                Credit(1, 2, "Director", name="Loïc Lefèvre", department="Directing"),
                Credit(1, 1, "Writer", name="Loïc Lefèvre", department="Writing"),
                Credit(1, 4, "Story", name="Loïc Lefèvre", department="Writing"),
                Credit(7, 6, "Composer", name="Mo Z", department="Sound"),
            ],
            0: [Credit(7, 1, "Composer", name="Mo Z", department="Sound")],
        }
    )
    series = SimpleNamespace(cast=cast, crew=crew)
    table = analysis.people(series).set_index("person_id")

    assert table.index.tolist() == [1, 7, 2, 3]  # most episodes credited first
    loic = table.loc[1]
    assert loic["seasons"] == [1, 2] and loic["season_count"] == 2
    # Season 1: Inspector 8. Season 2: Inspector 6, Story 4, Director 2: his most credited, 6.
    assert loic["episodes"] == 8 + 6
    assert loic["roles"] == "Inspector"
    assert loic["jobs"] == "Story / Director / Writer"
    assert loic["departments"] == "Writing, Directing"
    assert (loic["first_season"], loic["last_season"]) == (1, 2)
    composer = table.loc[7]
    assert composer["seasons"] == [2] and pd.isna(composer["roles"])  # Specials left out
    assert composer["departments"] == "Sound"
    assert table.loc[2, "original_name"] == "Augusta Ada King"
    assert table.loc[2, "gender"] == "female"
    assert pd.isna(table.loc[2, "jobs"])
    assert analysis.people(series, include_specials=True).set_index("person_id").loc[
        7, "seasons"
    ] == [0, 2]
    # A frame alone, and the names search composes with it.
    assert analysis.people(analysis.find_people(cast, "lefevre"))["person_id"].tolist() == [1]


def test_people_of_two_series(two_demo_series: list[SeriesCredits]) -> None:
    a, b = two_demo_series
    table = analysis.people([a, b])
    assert table["series_id"].unique().tolist() == [a.series_id, b.series_id]
    for series in (a, b):
        mine = table[table["series_id"] == series.series_id]
        credited = pd.concat([series.cast, series.crew])
        credited = credited[credited["season_number"] != 0]
        assert sorted(mine["person_id"]) == sorted(credited["person_id"].unique())
    assert table["season_count"].ge(1).all()
    assert (table["season_count"] == table["seasons"].map(len)).all()
    with pytest.raises(ValueError, match="at least one"):
        analysis.people([])
