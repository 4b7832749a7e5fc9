"""The tidy parsers on every real sample and on hand-written awkward payloads."""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd
import pytest

from credits_analysis import samples, tidy
from credits_analysis.errors import DataQualityWarning, PayloadError
from credits_analysis.schema import CAST_COLUMNS, CREW_COLUMNS, MAX_SEASONS, SEASON_COLUMNS

CREDITS_SAMPLES = [
    "seed-season-aggregate_credits",
    "tv-1396-season-1-aggregate_credits",
    "tv-1399-season-1-aggregate_credits",
    "tv-1399-aggregate_credits",
    "tv-52814-season-1-with-appends",
    "tv-96677-aggregate_credits",
]
DETAILS_SAMPLES = ["tv-1396", "tv-1399", "tv-2"]


def credits_body(payload: dict[str, Any]) -> dict[str, Any]:
    return payload.get("aggregate_credits", payload)


def assert_schema(frame: pd.DataFrame, columns: Any) -> None:
    assert list(frame.columns) == list(columns)
    for name, dtype in columns.items():
        assert frame[name].dtype == dtype, f"{name}: {frame[name].dtype} != {dtype}"


def cast_person(**overrides: Any) -> dict[str, Any]:
    person = {
        "adult": False,
        "gender": 1,
        "id": 101,
        "known_for_department": "Acting",
        "name": "Ada Example",
        "original_name": "Ada Example",
        "popularity": 3.5,
        "profile_path": "/ada.jpg",
        "roles": [{"credit_id": "c101", "character": "Nurse", "episode_count": 4}],
        "total_episode_count": 4,
        "order": 0,
    }
    person.update(overrides)
    return person


def crew_person(**overrides: Any) -> dict[str, Any]:
    person = {
        "adult": False,
        "gender": 2,
        "id": 201,
        "known_for_department": "Directing",
        "name": "Bo Example",
        "original_name": "Bo Example",
        "popularity": 1.25,
        "profile_path": None,
        "jobs": [{"credit_id": "j201", "job": "Director", "episode_count": 2}],
        "department": "Directing",
        "total_episode_count": 2,
    }
    person.update(overrides)
    return person


def credits_shaped_person() -> dict[str, Any]:
    """A cast item of /tv/{id}/credits: a top-level character and no roles list."""
    person = cast_person(character="Nurse", credit_id="c101")
    del person["roles"]
    return person


def payload(cast: list[Any] | None = None, crew: list[Any] | None = None) -> dict[str, Any]:
    return {"id": 555, "cast": cast or [], "crew": crew or []}


@pytest.mark.parametrize("name", CREDITS_SAMPLES)
def test_cast_has_one_row_per_role_with_contract_dtypes(name: str) -> None:
    raw = samples.load(name)
    people = credits_body(raw)["cast"]
    frame = tidy.cast_roles(raw, series_id=7, season_number=1)

    assert len(frame) == sum(len(p["roles"]) for p in people)
    assert_schema(frame, CAST_COLUMNS)
    assert frame["credit_id"].tolist() == [r["credit_id"] for p in people for r in p["roles"]]
    assert not frame.duplicated(["person_id", "credit_id"]).any()
    assert (frame["series_id"] == 7).all()
    assert (frame["season_number"] == 1).all()


@pytest.mark.parametrize("name", CREDITS_SAMPLES)
def test_cast_total_episode_count_is_the_sum_over_roles(name: str) -> None:
    frame = tidy.cast_roles(samples.load(name), series_id=7, season_number=1)
    per_person = frame.groupby("person_id").agg(
        summed=("episode_count", "sum"), total=("total_episode_count", "first")
    )
    pd.testing.assert_series_equal(per_person["summed"], per_person["total"], check_names=False)


@pytest.mark.parametrize("name", CREDITS_SAMPLES)
def test_crew_has_one_row_per_job_and_sums_per_department(name: str) -> None:
    raw = samples.load(name)
    people = credits_body(raw)["crew"]
    frame = tidy.crew_jobs(raw, series_id=7, season_number=1)

    assert len(frame) == sum(len(p["jobs"]) for p in people)
    assert_schema(frame, CREW_COLUMNS)
    assert frame["department"].tolist() == [p["department"] for p in people for _ in p["jobs"]]
    per_entry = frame.groupby(["person_id", "department"]).agg(
        summed=("episode_count", "sum"), total=("total_episode_count", "first")
    )
    pd.testing.assert_series_equal(per_entry["summed"], per_entry["total"], check_names=False)


def test_same_person_in_two_departments_keeps_both() -> None:
    raw = samples.load("seed-season-aggregate_credits")
    frame = tidy.crew_jobs(raw, series_id=1, season_number=1)
    departments = frame.groupby("person_id")["department"].nunique()
    twice = departments[departments > 1]
    assert len(twice) == 1
    person = frame[frame["person_id"] == twice.index[0]]
    assert set(person["department"]) == {p["department"] for p in raw["crew"]}


def test_person_with_several_roles_gives_several_rows() -> None:
    raw = samples.load("tv-1399-aggregate_credits")
    most = max(raw["cast"], key=lambda p: len(p["roles"]))
    frame = tidy.cast_roles(raw, series_id=1399, season_number=None)
    rows = frame[frame["person_id"] == most["id"]]
    assert len(most["roles"]) >= 5
    assert rows["character"].tolist() == [r["character"] or pd.NA for r in most["roles"]]
    assert rows["name"].nunique() == 1


def test_whole_run_payload_has_missing_season_number() -> None:
    frame = tidy.cast_roles(
        samples.load("tv-96677-aggregate_credits"), series_id=96677, season_number=None
    )
    assert frame["season_number"].dtype == "Int64"
    assert frame["season_number"].isna().all()


def test_appended_aggregate_credits_parse_like_the_plain_payload() -> None:
    raw = samples.load("tv-52814-season-1-with-appends")
    assert "id" not in raw["aggregate_credits"]
    pd.testing.assert_frame_equal(
        tidy.cast_roles(raw, series_id=52814, season_number=1),
        tidy.cast_roles(raw["aggregate_credits"], series_id=52814, season_number=1),
    )
    crew = tidy.crew_jobs(raw, series_id=52814, season_number=1)
    assert len(crew) == sum(len(p["jobs"]) for p in raw["aggregate_credits"]["crew"])


def test_gender_codes_map_to_labels() -> None:
    people = [
        cast_person(id=i, gender=i, roles=[{"credit_id": f"c{i}", "episode_count": 1}])
        for i in range(4)
    ]
    frame = tidy.cast_roles(payload(people), series_id=1, season_number=2)
    assert frame["gender"].tolist() == ["not set", "female", "male", "non-binary"]
    assert list(frame["gender"].cat.categories) == ["female", "male", "non-binary", "not set"]


def test_real_non_binary_person_is_labelled() -> None:
    frame = tidy.cast_roles(
        samples.load("tv-52814-season-1-with-appends"), series_id=52814, season_number=1
    )
    assert (frame["gender"] == "non-binary").sum() == 1


@pytest.mark.parametrize("code", [7, None, -1, "2"])
def test_unknown_or_null_gender_is_not_set_with_a_warning(code: Any) -> None:
    people = [
        cast_person(id=1, gender=2),
        cast_person(id=2, gender=code, roles=[{"credit_id": "x", "episode_count": 1}]),
    ]
    with pytest.warns(DataQualityWarning, match="1 cast people have a gender code outside"):
        frame = tidy.cast_roles(payload(people), series_id=1, season_number=1)
    assert frame["gender"].tolist() == ["male", "not set"]


def test_empty_character_and_null_profile_path_are_missing() -> None:
    person = cast_person(
        profile_path=None,
        roles=[
            {"credit_id": "a", "character": "", "episode_count": 1},
            {"credit_id": "b", "character": "Porter", "episode_count": 2},
            {"credit_id": "c", "episode_count": 1},
        ],
        total_episode_count=4,
    )
    frame = tidy.cast_roles(payload([person]), series_id=1, season_number=1)
    assert frame["character"].isna().tolist() == [True, False, True]
    assert frame["profile_path"].isna().all()
    assert frame["episode_count"].tolist() == [1, 2, 1]


def test_missing_optional_keys_give_missing_values() -> None:
    person = cast_person()
    for key in (
        "known_for_department",
        "adult",
        "original_name",
        "popularity",
        "order",
        "profile_path",
    ):
        del person[key]
    frame = tidy.cast_roles(payload([person]), series_id=1, season_number=1)
    row = frame.iloc[0]
    for key in ("known_for_department", "adult", "original_name", "order", "profile_path"):
        assert pd.isna(row[key]), key
    assert pd.isna(row["popularity"]) and frame["popularity"].dtype == "float64"
    assert row["name"] == "Ada Example"
    assert_schema(frame, CAST_COLUMNS)


def test_unicode_names_survive() -> None:
    names = ["Nguyễn Thị Minh", "王菲", "Zoë Ångström-Łukasz", "Алексей Ж.", "👩‍⚕️ Dr. Emoji"]
    people = [
        cast_person(
            id=i,
            name=n,
            original_name=n,
            roles=[{"credit_id": f"c{i}", "character": n, "episode_count": 1}],
        )
        for i, n in enumerate(names)
    ]
    frame = tidy.cast_roles(payload(people), series_id=1, season_number=1)
    assert frame["name"].tolist() == names
    assert frame["character"].tolist() == names
    accented = tidy.cast_roles(
        samples.load("tv-96677-aggregate_credits"), series_id=1, season_number=None
    )
    assert accented["name"].str.contains("[éèçïô]", regex=True).sum() >= 5


def test_season_zero_is_kept_as_zero() -> None:
    frame = tidy.cast_roles(payload([cast_person()]), series_id=1, season_number=0)
    assert frame["season_number"].tolist() == [0]


@pytest.mark.parametrize(
    "parser,columns", [(tidy.cast_roles, CAST_COLUMNS), (tidy.crew_jobs, CREW_COLUMNS)]
)
def test_empty_credits_give_an_empty_frame_with_the_schema(parser: Any, columns: Any) -> None:
    frame = parser(payload(), series_id=1, season_number=9)
    assert frame.empty
    assert_schema(frame, columns)


def test_person_with_no_roles_gives_no_rows() -> None:
    people = [cast_person(id=1), cast_person(id=2, roles=[], total_episode_count=0)]
    frame = tidy.cast_roles(payload(people), series_id=1, season_number=1)
    assert frame["person_id"].tolist() == [1]


def test_crew_row_values() -> None:
    person = crew_person(
        jobs=[
            {"credit_id": "j1", "job": "Director", "episode_count": 2},
            {"credit_id": "j2", "job": "", "episode_count": 1},
        ],
        total_episode_count=3,
    )
    frame = tidy.crew_jobs(payload(crew=[person]), series_id=4, season_number=3)
    assert frame["job"].tolist()[0] == "Director" and pd.isna(frame["job"].iloc[1])
    assert frame["department"].tolist() == ["Directing", "Directing"]
    assert frame["total_episode_count"].tolist() == [3, 3]
    assert frame["gender"].tolist() == ["male", "male"]
    assert frame["popularity"].tolist() == [1.25, 1.25]


@pytest.mark.parametrize(
    "bad,message",
    [
        ([], "must be a JSON object, got list"),
        ({"id": 1, "cast": {"a": 1}, "crew": []}, "'cast' list, but it is a dict"),
        ({"id": 1, "crew": []}, "'cast' list, but it is missing"),
        (
            payload([cast_person(roles=[{"credit_id": "x"}])]),
            r"cast\[0\] \(person id 101\) roles\[0\] has no 'episode_count'",
        ),
        (payload([cast_person(roles=[{"episode_count": 1}])]), "has no 'credit_id'"),
        (payload([{"name": "No Id", "roles": []}]), r"cast\[0\] has no 'id'"),
        (payload(["just a string"]), r"cast\[0\] must be an object"),
        (payload([credits_shaped_person()]), "looks like /credits, not /aggregate_credits"),
        (payload([cast_person(roles=None)]), r"cast\[0\] \(person id 101\) needs a 'roles' list$"),
        (
            payload([cast_person(roles=[{"credit_id": "x", "episode_count": "ten"}])]),
            r"cast\[\]\.roles\[\]\.episode_count must be a JSON integer from 0 to "
            r"9223372036854775807 or null; found 'ten'",
        ),
    ],
)
def test_malformed_payloads_raise_a_clear_error(bad: Any, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        tidy.cast_roles(bad, series_id=1, season_number=1)


def test_malformed_crew_names_the_job() -> None:
    bad = payload(crew=[crew_person(jobs=[{"credit_id": "j"}])])
    with pytest.raises(
        PayloadError, match=r"crew\[0\] \(person id 201\) jobs\[0\] has no 'episode_count'"
    ):
        tidy.crew_jobs(bad, series_id=1, season_number=1)


def test_parsers_do_not_modify_the_payload() -> None:
    raw = samples.load("tv-1396-season-1-aggregate_credits")
    before = copy.deepcopy(raw)
    tidy.cast_roles(raw, series_id=1396, season_number=1)
    tidy.crew_jobs(raw, series_id=1396, season_number=1)
    assert raw == before


@pytest.mark.parametrize("name", DETAILS_SAMPLES)
def test_seasons_lists_every_season_with_contract_dtypes(name: str) -> None:
    raw = samples.load(name)
    frame = tidy.seasons(raw, language="en-US", source="bundled")
    assert_schema(frame, SEASON_COLUMNS)
    assert frame["season_number"].tolist() == [s["season_number"] for s in raw["seasons"]]
    assert frame["episode_count"].tolist() == [s["episode_count"] for s in raw["seasons"]]
    assert (frame["series_id"] == raw["id"]).all()
    assert (frame["series_name"] == raw["name"]).all()
    assert (frame["language"] == "en-US").all() and (frame["source"] == "bundled").all()
    assert frame["fetched_at"].isna().all()


def test_seasons_include_specials_and_parse_dates() -> None:
    frame = tidy.seasons(samples.load("tv-1399"), fetched_at=pd.Timestamp("2026-01-02 03:04:05"))
    specials = frame[frame["season_number"] == 0].iloc[0]
    assert specials["name"] == "Specials" and specials["episode_count"] == 272
    season1 = frame[frame["season_number"] == 1].iloc[0]
    assert season1["air_date"] == pd.Timestamp("2011-04-17")
    assert (frame["fetched_at"] == pd.Timestamp("2026-01-02 03:04:05", tz="UTC")).all()


def test_seasons_with_unannounced_dates_and_gaps() -> None:
    details = {
        "id": 9,
        "seasons": [
            {
                "season_number": 1,
                "id": 91,
                "name": "Season 1",
                "air_date": "2020-01-01",
                "episode_count": 6,
            },
            {
                "season_number": 3,
                "id": 93,
                "name": "Season 3",
                "air_date": None,
                "episode_count": 0,
            },
            {"season_number": 4, "id": 94, "name": "Season 4", "air_date": "", "episode_count": 0},
        ],
    }
    frame = tidy.seasons(details)
    assert frame["series_name"].isna().all()  # no name in these details
    assert frame["season_number"].tolist() == [1, 3, 4]
    assert frame["air_date"].isna().tolist() == [False, True, True]


def test_seasons_of_a_series_with_no_seasons_is_empty_with_schema() -> None:
    assert_schema(tidy.seasons({"id": 1, "seasons": []}), SEASON_COLUMNS)


@pytest.mark.parametrize(
    "bad,message",
    [
        ("tv", "must be a JSON object"),
        ({"id": 1}, "'seasons' list"),
        ({"id": True, "seasons": []}, "need an integer 'id'"),
        ({"id": 2**63, "seasons": []}, "need an integer 'id'"),
    ],
)
def test_malformed_details_raise(bad: Any, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        tidy.seasons(bad)


@pytest.mark.parametrize(
    "parser,by_season",
    [(tidy.cast_roles, tidy.cast_roles_by_season), (tidy.crew_jobs, tidy.crew_jobs_by_season)],
)
def test_by_season_equals_concatenated_seasons(parser: Any, by_season: Any) -> None:
    payloads = {
        0: samples.load("seed-season-aggregate_credits"),
        1: samples.load("tv-1399-season-1-aggregate_credits"),
        2: payload(),
        3: samples.load("tv-52814-season-1-with-appends"),
    }
    combined = by_season(payloads, series_id=5)
    one_by_one = pd.concat(
        [parser(p, series_id=5, season_number=n) for n, p in payloads.items() if n != 2],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(combined, one_by_one)
    assert combined["season_number"].unique().tolist() == [0, 1, 3]


def test_by_season_of_nothing_is_empty_with_schema() -> None:
    assert_schema(tidy.cast_roles_by_season({}, series_id=1), CAST_COLUMNS)
    assert_schema(tidy.crew_jobs_by_season({1: payload()}, series_id=1), CREW_COLUMNS)


def test_by_season_errors_name_the_season() -> None:
    good = samples.load("seed-season-aggregate_credits")
    bad = payload([cast_person(roles=[{"credit_id": "x"}])])
    with pytest.raises(PayloadError, match=r"season 4 cast\[0\] .* has no 'episode_count'"):
        tidy.cast_roles_by_season({1: good, 4: bad}, series_id=1)
    with pytest.raises(PayloadError, match=r"season 2: aggregate credits need a 'crew' list"):
        tidy.crew_jobs_by_season({1: good, 2: {"id": 1, "cast": []}}, series_id=1)


# The coercion policy (tidy's module docstring): JSON types as they are, never converted.
REFUSED = [
    ("id", "123", r"cast\[\]\.id must be a JSON integer from 0 to \d+; found '123'"),
    ("id", 1.5, r"cast\[\]\.id must be a JSON integer .*; found 1\.5"),
    ("id", True, r"cast\[\]\.id .*; found True"),
    ("id", None, r"cast\[\]\.id must be a JSON integer from 0 to \d+; found None"),
    ("id", 2**63, r"cast\[\]\.id .*; found 9223372036854775808"),
    ("id", -1, r"cast\[\]\.id .*; found -1"),
    ("total_episode_count", "10", r"total_episode_count .* or null; found '10'"),
    ("total_episode_count", -5, r"total_episode_count .* or null; found -5"),
    ("order", 2**64, r"cast\[\]\.order .*; found 18446744073709551616"),
    ("name", 42, r"cast\[\]\.name must be a JSON string or null; found 42"),
    ("name", ["Ada"], r"cast\[\]\.name must be a JSON string or null; found \['Ada'\]"),
    ("original_name", {"a": 1}, r"original_name must be a JSON string or null"),
    ("popularity", float("nan"), r"popularity must be a finite JSON number .*; found nan"),
    ("popularity", float("inf"), r"popularity must be a finite JSON number .*; found inf"),
    ("popularity", "high", r"popularity .*; found 'high'"),
    ("popularity", -0.5, r"popularity .*at least 0 or null; found -0\.5"),
    ("popularity", 10**400, r"popularity .*; found 1000000000"),
    ("adult", 1, r"cast\[\]\.adult must be true or false or null; found 1"),
]


@pytest.mark.parametrize(("field", "value", "message"), REFUSED, ids=[r[2][:30] for r in REFUSED])
def test_person_values_that_break_the_policy_are_refused(
    field: str, value: Any, message: str
) -> None:
    bad = payload([cast_person(id=7), cast_person(**{field: value})])
    with pytest.raises(PayloadError, match=message):
        tidy.cast_roles(bad, series_id=1, season_number=1)


@pytest.mark.parametrize(
    ("role", "message"),
    [
        (
            {"credit_id": "c", "episode_count": 2**63},
            r"episode_count .*; found 9223372036854775808",
        ),
        ({"credit_id": "c", "episode_count": -5}, r"episode_count .*; found -5"),
        ({"credit_id": "c", "episode_count": True}, r"episode_count .*; found True"),
        ({"credit_id": "c", "episode_count": 2.5}, r"episode_count .*; found 2\.5"),
        ({"credit_id": 5, "episode_count": 1}, r"credit_id must be a JSON string; found 5"),
        ({"credit_id": "c", "episode_count": 1, "character": 3}, r"character must be a JSON"),
    ],
)
def test_role_values_that_break_the_policy_are_refused(role: dict[str, Any], message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        tidy.cast_roles(payload([cast_person(roles=[role])]), series_id=1, season_number=1)


def test_values_within_the_policy_are_kept_exactly() -> None:
    person = cast_person(
        id=2**63 - 1, popularity=7, total_episode_count=0, order=None, adult=None, name=None
    )
    person["roles"] = [{"credit_id": "c", "episode_count": 0, "character": ""}]
    row = tidy.cast_roles(payload([person]), series_id=1, season_number=1).iloc[0]
    assert row["person_id"] == 2**63 - 1
    assert row["popularity"] == 7.0 and row["episode_count"] == 0
    assert pd.isna(row["order"]) and pd.isna(row["adult"]) and pd.isna(row["name"])
    assert pd.isna(row["character"])


def test_a_boolean_gender_is_not_a_code() -> None:
    with pytest.warns(DataQualityWarning, match=r"outside TMDB's 0-3 \(True\)"):
        frame = tidy.cast_roles(payload([cast_person(gender=True)]), series_id=1, season_number=1)
    assert frame["gender"].tolist() == ["not set"]


def test_a_lone_surrogate_is_replaced_with_a_warning() -> None:
    people = [cast_person(name="Ada \ud800 Example"), cast_person(id=5, original_name="\udfff")]
    with pytest.warns(DataQualityWarning) as warned:
        frame = tidy.cast_roles(payload(people), series_id=1, season_number=1)
    assert [str(w.message) for w in warned] == [
        f"1 cast[].{field} value held a lone UTF-16 surrogate (not text); replaced by U+FFFD"
        for field in ("name", "original_name")
    ]
    assert frame["name"].tolist() == ["Ada \ufffd Example", "Ada Example"]
    assert frame["original_name"].tolist() == ["Ada Example", "\ufffd"]
    frame.to_csv().encode("utf-8")  # every value is text a file can hold


def test_a_listed_season_that_breaks_the_policy_is_left_out_with_a_warning() -> None:
    details = {
        "id": 9,
        "seasons": [
            {"season_number": 1, "episode_count": 6},
            {"season_number": 2**63, "episode_count": 6},
            {"season_number": True},
            "season 4",
            {"name": "no number"},
            {"season_number": 5, "episode_count": -1},
            {"season_number": 6, "name": "Season \ud800 6"},
            {"season_number": 7, "id": 12.0},
        ],
    }
    with pytest.warns(DataQualityWarning) as warned:
        frame = tidy.seasons(details)
    assert frame["season_number"].tolist() == [1, 6]
    assert frame["name"].tolist()[1] == "Season \ufffd 6"
    messages = [str(w.message) for w in warned]
    assert sum("left out" in m for m in messages) == 6
    assert any("seasons[1] left out: 'season_number' must be a JSON integer" in m for m in messages)
    assert any("seasons[3] left out: is a str, not an object" in m for m in messages)
    assert any("seasons[5] left out: 'episode_count' " in m and "found -1" in m for m in messages)


def test_a_lone_surrogate_in_a_season_name_is_reported_once() -> None:
    details = {"id": 9, "seasons": [{"season_number": 1, "name": "Season \ud800 1"}]}
    with pytest.warns(DataQualityWarning) as warned:
        frame = tidy.seasons(details)
    assert [str(w.message) for w in warned] == [
        "1 seasons[].name value held a lone UTF-16 surrogate (not text); replaced by U+FFFD"
    ]
    assert frame["name"].tolist() == ["Season \ufffd 1"]


def test_a_repeated_season_number_is_kept_once_with_a_warning() -> None:
    details = {
        "id": 9,
        "seasons": [
            {"season_number": 1, "name": "Season 1", "episode_count": 6},
            {"season_number": 1, "name": "Season 1 again", "episode_count": 8},
            {"season_number": 2, "name": "Season 2"},
        ],
    }
    with pytest.warns(DataQualityWarning, match=r"seasons\[1\] left out: repeats season 1"):
        frame = tidy.seasons(details)
    assert frame["name"].tolist() == ["Season 1", "Season 2"]
    assert frame["episode_count"].tolist() == [6, pd.NA]


def test_a_status_that_is_not_text_is_ignored_with_a_warning() -> None:
    details = {"id": 9, "status": ["Ended"], "seasons": [{"season_number": 1}]}
    with pytest.warns(DataQualityWarning, match="'status' is a list, not a string; ignored"):
        assert tidy.seasons(details)["season_number"].tolist() == [1]


def test_an_implausible_number_of_seasons_is_refused() -> None:
    listed = [{"season_number": n} for n in range(MAX_SEASONS + 1)]
    with pytest.raises(PayloadError, match=f"list {MAX_SEASONS + 1} seasons, more than the 200"):
        tidy.seasons({"id": 9, "seasons": listed})
    assert len(tidy.seasons({"id": 9, "seasons": listed[:MAX_SEASONS]})) == MAX_SEASONS
