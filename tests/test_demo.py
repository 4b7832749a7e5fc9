"""The synthetic series generator, the bundled demo store and its calibration on real samples."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from credits_analysis import demo, samples, tidy
from credits_analysis._resources import data_dir
from credits_analysis.cache import RawCache
from credits_analysis.corpus.meta import FORMAT, meta_path
from credits_analysis.demo.__main__ import main
from credits_analysis.demo.corpus import demo_corpus, demo_corpus_catalogue
from credits_analysis.endpoints import details_path, season_path
from credits_analysis.errors import ConfigError
from credits_analysis.load import load_series
from credits_analysis.schema import CAST_COLUMNS, CREW_COLUMNS, SEASON_COLUMNS
from tests.fake_tmdb import FakeTMDB, fake_settings

DEMO_DIR = data_dir() / "demo"
BRIGID, COAST = 9000001, 9000002


def _generated(series_id: int, **kwargs: Any) -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    return demo.generate_series(series_id, **{**demo.DEMO_SERIES.get(series_id, {}), **kwargs})


@pytest.fixture(scope="module")
def brigid() -> tuple[dict[str, Any], dict[int, dict[str, Any]]]:
    return _generated(BRIGID)


@pytest.fixture(scope="module")
def brigid_frames(
    brigid: tuple[dict[str, Any], dict[int, dict[str, Any]]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    _, payloads = brigid
    return (
        tidy.cast_roles_by_season(payloads, series_id=BRIGID),
        tidy.crew_jobs_by_season(payloads, series_id=BRIGID),
    )


# --- the same invariants for real and generated season payloads ---


def _real_seasons() -> list[tuple[str, dict[str, Any], int]]:
    """The real single-season samples with their season's episode count from TMDB's own data."""
    halo = samples.load("tv-52814-season-1-with-appends")
    found = [("tv-52814 season 1", halo, len(halo["episodes"]))]
    for series_id in (1396, 1399):
        details = samples.load(f"tv-{series_id}")
        episodes = next(s["episode_count"] for s in details["seasons"] if s["season_number"] == 1)
        payload = samples.load(f"tv-{series_id}-season-1-aggregate_credits")
        found.append((f"tv-{series_id} season 1", payload, episodes))
    return found


def _generated_seasons() -> list[tuple[str, dict[str, Any], int]]:
    found = []
    for series_id, kwargs in ((BRIGID, {}), (COAST, {}), (4242, {"seed": 3, "seasons": 3})):
        details, payloads = _generated(series_id, **kwargs)
        episodes = {s["season_number"]: s["episode_count"] for s in details["seasons"]}
        found += [(f"{series_id} season {n}", p, episodes[n]) for n, p in payloads.items()]
    return found


@pytest.mark.parametrize(
    ("payload", "episodes"),
    [pytest.param(p, e, id=name) for name, p, e in _real_seasons() + _generated_seasons()],
)
def test_season_payloads_satisfy_the_invariants_of_real_ones(
    payload: dict[str, Any], episodes: int
) -> None:
    credits = payload.get("aggregate_credits", payload)
    cast = tidy.cast_roles(payload, series_id=1, season_number=1)
    crew = tidy.crew_jobs(payload, series_id=1, season_number=1)
    assert dict(cast.dtypes) == dict(CAST_COLUMNS)
    assert dict(crew.dtypes) == dict(CREW_COLUMNS)
    assert len(cast) == sum(len(p["roles"]) for p in credits["cast"])
    assert len(crew) == sum(len(p["jobs"]) for p in credits["crew"])
    assert cast["credit_id"].is_unique and crew["credit_id"].is_unique
    assert len(credits["cast"]) == cast["person_id"].nunique()
    assert len(credits["crew"]) == len(crew.drop_duplicates(["person_id", "department"]))
    # total_episode_count is TMDB's sum over the person's roles (jobs in the department).
    for frame, key in ((cast, ["person_id"]), (crew, ["person_id", "department"])):
        sums = frame.groupby(key)["episode_count"].sum()
        totals = frame.groupby(key)["total_episode_count"].first()
        pd.testing.assert_series_equal(sums, totals, check_names=False)
    for frame in (cast, crew):
        assert frame["episode_count"].between(1, episodes).all()


def test_details_have_tmdb_shape_and_say_synthetic(
    brigid: tuple[dict[str, Any], dict[int, dict[str, Any]]],
) -> None:
    details, payloads = brigid
    real = [samples.load(name) for name in ("tv-1396", "tv-1399", "tv-2")]
    common = set.intersection(*(set(d) for d in real))
    every = set.union(*(set(d) for d in real))
    assert common <= set(details) <= every | {demo.SYNTHETIC_KEY}
    assert list(details["seasons"][0]) == list(real[0]["seasons"][0])
    assert details[demo.SYNTHETIC_KEY] is True
    assert "synthetic" in details["name"]
    listed = {s["season_number"]: s for s in details["seasons"]}
    assert sorted(listed) == sorted(payloads)
    assert all(payloads[n]["id"] == s["id"] for n, s in listed.items())
    regular = [s for n, s in listed.items() if n > 0]
    assert details["number_of_seasons"] == len(regular)
    assert details["number_of_episodes"] == sum(s["episode_count"] for s in regular)
    frame = tidy.seasons(details, language="en-US", source="bundled")
    assert dict(frame.dtypes) == dict(SEASON_COLUMNS)
    assert frame["season_number"].tolist() == sorted(listed)


def test_person_and_item_keys_are_tmdbs(
    brigid: tuple[dict[str, Any], dict[int, dict[str, Any]]],
) -> None:
    real = samples.load("tv-1399-season-1-aggregate_credits")
    real_details = samples.load("tv-52814-season-1-with-appends")
    _, payloads = brigid
    shown = [k for k in real_details if k in payloads[1]]  # the sample appends more
    assert list(payloads[1]) == shown == [*shown[:-1], "aggregate_credits"]
    real_episode, episode = real_details["episodes"][0], payloads[1]["episodes"][0]
    assert set(episode) - set(real_episode) == {"episode_type"}  # newer than the recording
    assert list(episode["crew"][0]) == list(real_episode["crew"][0])
    assert list(episode["guest_stars"][0]) == list(real_episode["guest_stars"][0])
    season = payloads[1]["aggregate_credits"]
    assert list(season) == [k for k in real if k != "id"]  # appended, it has no id
    assert list(season["cast"][0]) == list(real["cast"][0])
    assert list(season["crew"][0]) == list(real["crew"][0])
    assert list(season["cast"][0]["roles"][0]) == list(real["cast"][0]["roles"][0])
    assert list(season["crew"][0]["jobs"][0]) == list(real["crew"][0]["jobs"][0])


# --- what the charts rely on ---


def test_person_level_fields_are_the_same_in_every_season(
    brigid_frames: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    people = pd.concat(brigid_frames)
    fields = [
        "name",
        "original_name",
        "gender",
        "popularity",
        "profile_path",
        "known_for_department",
    ]
    varying = people.groupby("person_id")[fields].nunique(dropna=False)
    assert (varying <= 1).all().all()
    assert people.groupby("person_id")["season_number"].nunique().max() > 1


def test_a_role_keeps_its_credit_id_across_seasons(
    brigid_frames: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    cast, _ = brigid_frames
    roles = cast.drop_duplicates(["person_id", "character", "credit_id"])
    assert not roles.duplicated(["person_id", "character"]).any()
    assert not roles["credit_id"].duplicated().any()
    assert cast["credit_id"].duplicated().any()  # the same credit in several seasons


def test_regulars_stay_leave_and_join(
    brigid: tuple[dict[str, Any], dict[int, dict[str, Any]]],
    brigid_frames: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    details, _ = brigid
    cast, _ = brigid_frames
    length = {s["season_number"]: s["episode_count"] for s in details["seasons"]}
    aired = sorted(n for n, e in length.items() if n > 0 and e > 0)
    full = cast[cast["episode_count"] == cast["season_number"].map(length)]
    regulars = {n: set(full.loc[full["season_number"] == n, "person_id"]) for n in aired}
    assert all(len(regulars[n]) >= 5 for n in aired)
    assert set.intersection(*regulars.values())  # leads in every season
    pairs = list(itertools.pairwise(aired))
    assert any(regulars[a] - regulars[b] for a, b in pairs)  # someone leaves
    assert any(regulars[b] - regulars[a] for a, b in pairs)  # someone joins


def test_recurring_cast_spans_seasons_and_guests_churn(
    brigid_frames: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    cast, _ = brigid_frames
    cast = cast[cast["season_number"] > 0]
    per_season = cast.groupby(["person_id", "season_number"])["total_episode_count"].first()
    seasons_of = per_season.groupby("person_id").size()
    recurring = per_season[per_season.between(3, 7)].groupby("person_id").size()
    assert (recurring >= 2).any()
    guests = per_season[per_season <= 2].index.get_level_values("person_id").unique()
    assert (seasons_of[guests] == 1).mean() > 0.7


def test_crew_rotates_and_producers_stay(
    brigid: tuple[dict[str, Any], dict[int, dict[str, Any]]],
    brigid_frames: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    details, _ = brigid
    _, crew = brigid_frames
    length = {s["season_number"]: s["episode_count"] for s in details["seasons"]}
    crew = crew[crew["season_number"] > 0]
    directing = crew[crew["job"] == "Director"]
    directed = directing.groupby("season_number")["episode_count"].sum()
    assert (directed >= directed.index.map(length)).all()  # every episode has a director
    directors = directing.groupby("season_number")["person_id"].agg(frozenset)
    assert directors.nunique() == len(directors)  # a different set each season
    producers = crew[crew["job"] == "Executive Producer"]
    assert (producers["episode_count"] == producers["season_number"].map(length)).all()
    entries = crew.groupby(["season_number", "person_id"])["department"].nunique()
    assert (entries > 1).any()  # one person in two departments
    jobs = crew.groupby(["season_number", "person_id", "department"]).size()
    assert (jobs > 1).any()  # several jobs in one entry


def test_guest_directors_direct_in_several_series_under_one_id_and_name() -> None:
    catalogue = demo_corpus_catalogue(40)
    guests = {p.id: p for a in catalogue.values() for p in a["guest_directors"]}
    credited: dict[int, set[int]] = {}
    for series_id, arguments in catalogue.items():
        _, payloads = demo.generate_series(series_id, **arguments)
        crew = tidy.crew_jobs_by_season(payloads, series_id=series_id)
        cast = tidy.cast_roles_by_season(payloads, series_id=series_id)
        guest_rows = crew[crew["person_id"].isin(list(guests))]
        assert set(guest_rows["job"]) <= {"Director"}
        for person_id, name in zip(guest_rows["person_id"], guest_rows["name"], strict=True):
            assert name == guests[person_id].name
            credited.setdefault(person_id, set()).add(series_id)
        # The series' own people never take the name of one of its guests.
        own = pd.concat([cast, crew])
        own = own[~own["person_id"].isin(list(guests))]
        assert not set(own["name"]) & {p.name for p in arguments["guest_directors"]}
        directed = crew[crew["job"] == "Director"].groupby("season_number")["episode_count"]
        length = {n: len(p["episodes"]) for n, p in payloads.items()}
        assert all(total >= length[n] for n, total in directed.sum().items())
    assert max(map(len, credited.values())) >= 3  # some guests work across several series


def test_people_in_several_roles_both_cast_and_crew_and_empty_characters(
    brigid_frames: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    cast, crew = brigid_frames
    assert (cast.groupby(["season_number", "person_id"]).size() > 1).any()
    both = cast[["season_number", "person_id"]].merge(crew[["season_number", "person_id"]])
    assert not both.empty
    assert cast["character"].isna().any()
    assert cast["character"].notna().mean() > 0.95


def test_names_are_diverse_and_some_are_in_native_script(
    brigid_frames: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    people = pd.concat(brigid_frames).drop_duplicates("person_id")
    assert people["name"].is_unique
    assert (~people["name"].map(str.isascii)).mean() > 0.1  # accented and other scripts
    native = people[people["name"] != people["original_name"]]
    assert not native.empty
    assert not native["original_name"].map(str.isascii).any()


def test_popularity_is_heavy_tailed_and_not_set_sits_with_guests(
    brigid_frames: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    cast, _ = brigid_frames
    people = cast.drop_duplicates("person_id")
    popularity = people["popularity"]
    assert popularity.min() > 0
    assert popularity.quantile(0.99) > 10 * popularity.median()
    top = people["order"] < 20
    assert (people.loc[top, "gender"] == "not set").mean() < (
        people.loc[~top, "gender"] == "not set"
    ).mean()


def test_specials_and_the_announced_season(
    brigid: tuple[dict[str, Any], dict[int, dict[str, Any]]],
) -> None:
    details, payloads = brigid
    listed = {s["season_number"]: s for s in details["seasons"]}
    specials = tidy.cast_roles(payloads[0], series_id=BRIGID, season_number=0)
    assert listed[0]["name"] == "Specials" and listed[0]["episode_count"] > 0
    assert (specials["character"] == "Self").any()
    announced = max(listed)
    assert listed[announced]["episode_count"] == 0 and listed[announced]["air_date"] is None
    assert payloads[announced]["id"] == listed[announced]["id"]
    assert payloads[announced]["episodes"] == [] and payloads[announced]["air_date"] is None
    assert payloads[announced]["aggregate_credits"] == {"cast": [], "crew": []}
    empty = tidy.cast_roles(payloads[announced], series_id=BRIGID, season_number=announced)
    assert empty.empty and dict(empty.dtypes) == dict(CAST_COLUMNS)
    assert details["status"] == "Returning Series" and details["in_production"] is True
    _, coast = _generated(COAST)
    assert 0 not in coast and max(coast) == 3


# --- determinism, arguments, scale ---


def test_generation_is_deterministic_for_its_arguments() -> None:
    first = demo.generate_series(77, seasons=3, seed=5)
    assert first == demo.generate_series(77, seasons=3, seed=5)
    assert first != demo.generate_series(77, seasons=3, seed=6)
    ids = {
        series_id: {
            p["id"]
            for s in demo.generate_series(series_id, seasons=2)[1].values()
            for p in s["aggregate_credits"]["cast"] + s["aggregate_credits"]["crew"]
        }
        for series_id in (77, 78)
    }
    assert not ids[77] & ids[78]
    assert all(i // 1_000_000 == 77 for i in ids[77])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"seasons": 0},
        {"seasons": 2, "episodes_per_season": (10,)},
        {"episodes_per_season": 0},
        {"theme": "western"},
        {"regulars": 0},
    ],
)
def test_impossible_arguments_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        demo.generate_series(5, **kwargs)


@pytest.mark.parametrize("series_id", [0, -3, 10**12])
def test_series_ids_out_of_range_are_refused(series_id: int) -> None:
    with pytest.raises(ValueError, match="series_id"):
        demo.generate_series(series_id)


def test_scale_preset_has_tens_of_thousands_of_roles() -> None:
    details, payloads = demo.generate_series(31, **demo.SCALE_PRESET)
    roles = sum(len(p["roles"]) for s in payloads.values() for p in s["aggregate_credits"]["cast"])
    assert roles >= 50_000
    assert details["number_of_seasons"] == demo.SCALE_PRESET["seasons"] == 40
    assert "synthetic" in details["name"]
    last = tidy.cast_roles(payloads[40], series_id=31, season_number=40)
    assert last["person_id"].nunique() > 1_000


def test_large_payload_has_the_roles_asked_for() -> None:
    payload = demo.large_credits_payload(5_000, seed=1)
    cast = tidy.cast_roles(payload, series_id=9_999, season_number=None)
    assert 5_000 <= len(cast) < 5_010
    assert len({p["id"] for p in payload["cast"]}) == len(payload["cast"])
    assert not tidy.crew_jobs(payload, series_id=9_999, season_number=None).empty
    assert payload == demo.large_credits_payload(5_000, seed=1)


def test_whole_run_credits_sum_the_seasons(
    brigid: tuple[dict[str, Any], dict[int, dict[str, Any]]],
    brigid_frames: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    _, payloads = brigid
    cast, crew = brigid_frames
    run = demo.whole_run_credits(payloads.values())
    run_cast = tidy.cast_roles(run, series_id=BRIGID, season_number=None)
    run_crew = tidy.crew_jobs(run, series_id=BRIGID, season_number=None)
    for whole, seasons in ((run_cast, cast), (run_crew, crew)):
        expected = seasons.groupby("credit_id")["episode_count"].sum().sort_index()
        got = whole.set_index("credit_id")["episode_count"].sort_index()
        pd.testing.assert_series_equal(got, expected, check_names=False, check_dtype=False)
    assert run_cast["person_id"].nunique() == len(run["cast"])


# --- calibration ---


@pytest.mark.parametrize(
    ("series_id", "kwargs"),
    [(BRIGID, {}), (COAST, {}), (4242, {}), (4242, {"seed": 1}), (4243, {"seasons": 5})],
)
def test_generated_figures_are_within_tolerance_of_the_real_samples(
    series_id: int, kwargs: dict[str, Any]
) -> None:
    _, payloads = _generated(series_id, **kwargs)
    table = demo.calibration_table(payloads)
    assert set(table.index) == set(demo.TOLERANCES)
    assert table[["real", "generated"]].notna().all().all()
    outside = table[~table["within"]]
    assert outside.empty, f"outside tolerance:\n{outside}"


def test_calibration_figures_are_computed_from_the_frames() -> None:
    payload = samples.load("tv-1399-season-1-aggregate_credits")
    cast = tidy.cast_roles(payload, series_id=1399, season_number=1)
    crew = tidy.crew_jobs(payload, series_id=1399, season_number=1)
    figures = demo.calibration_figures(cast, crew)
    assert figures["guest_share"] == pytest.approx(cast["episode_count"].le(2).mean())
    people = cast["person_id"].nunique()
    assert figures["roles_per_cast_person"] == pytest.approx(len(cast) / people)
    assert figures["cast_people_per_episode"] == pytest.approx(people / 10)
    # Two seasons of one payload pool to the same figures.
    doubled = demo.calibration_figures(
        pd.concat([cast, cast.assign(season_number=2)]),
        pd.concat([crew, crew.assign(season_number=2)]),
    )
    pd.testing.assert_series_equal(doubled, figures)


def test_readme_shows_the_current_calibration_table() -> None:
    readme = (DEMO_DIR / "README.md").read_text(encoding="utf-8")
    assert demo.calibration_markdown(demo.calibration_table()) in readme
    assert "synthetic" in readme.lower()


# --- the bundled store ---


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "README.md"
    }


def test_bundled_store_is_what_the_generator_writes(tmp_path: Path) -> None:
    written = demo.write_demo_data(tmp_path)
    rebuilt, bundled = _files(tmp_path), _files(DEMO_DIR)
    rebuild = "rebuild with: python -m credits_analysis.demo --write data/demo"
    assert rebuilt.keys() == bundled.keys(), rebuild
    changed = [name for name in rebuilt if rebuilt[name] != bundled[name]]
    assert not changed, f"{changed[:3]} differ; {rebuild}"
    assert len(written) == len(rebuilt) // 2  # a payload and its sidecar per entry


def test_bundled_store_reads_as_cache_entries_and_is_small() -> None:
    store = RawCache(DEMO_DIR, read_only=True)
    for series_id, preset in demo.DEMO_SERIES.items():
        details_entry = store.read(details_path(series_id), demo.DEMO_LANGUAGE)
        assert details_entry is not None
        details = details_entry.payload()
        assert details[demo.SYNTHETIC_KEY] is True and details["name"] == preset["name"]
        for season in details["seasons"]:
            entry = store.read(season_path(series_id, season["season_number"]), "en-US")
            assert entry is not None and entry.fetched_at == demo.DEMO_FETCHED_AT
            assert entry.url.startswith("https://api.themoviedb.org/3/tv/")
            assert "api_key" not in entry.url
            assert entry.url.endswith("append_to_response=aggregate_credits")
            assert entry.payload()["id"] == season["id"]
    assert store.size_bytes() < 2_000_000  # well under the 5 MB budget for git


def test_the_demo_module_rebuilds_and_prints_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--write", str(tmp_path / "demo"), "--calibration"]) == 0
    out = capsys.readouterr().out
    assert "wrote 15 entries" in out and "| guest_share |" in out
    assert json.loads((tmp_path / "demo/tv/9000001.en-US.json").read_bytes())["id"] == BRIGID
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == 2


# --- through load_series ---


def test_bundled_demo_loads_offline_labelled_synthetic() -> None:
    series = load_series(BRIGID, offline=True, include_specials=True)
    assert series.is_synthetic and "synthetic" in series.name
    assert set(series.seasons["source"]) == {"synthetic"}
    assert series.seasons["season_number"].tolist() == list(range(10))
    assert not series.failures
    assert series.cast.loc[series.cast["season_number"] == 9].empty
    assert series.cast["season_number"].nunique() == 9


def test_a_generated_series_is_fetched_over_http_from_the_fake_tmdb(
    fake_tmdb: FakeTMDB, fake_tmdb_url: str
) -> None:
    series_id = 4242
    details, payloads = demo.generate_series(series_id)
    series = load_series(series_id, settings=fake_settings(fake_tmdb_url), progress=False)
    assert series.is_synthetic
    assert set(series.seasons["source"]) == {"network"}
    assert fake_tmdb.count(f"tv/{series_id}/season/*") == details["number_of_seasons"]
    expected = pd.concat(
        [tidy.cast_roles(payloads[n], series_id=series_id, season_number=n) for n in range(1, 9)],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(series.cast.reset_index(drop=True), expected)
    again = load_series(series_id, settings=fake_settings(fake_tmdb_url), progress=False)
    assert set(again.seasons["source"]) == {"cache"}
    assert fake_tmdb.count(f"tv/{series_id}/season/*") == details["number_of_seasons"]


def test_a_fresh_demo_corpus_is_reused_and_a_damaged_record_is_an_error(tmp_path: Path) -> None:
    target = demo_corpus(tmp_path / "demo", size=3)
    record = meta_path(target)
    written = record.stat().st_mtime_ns
    assert demo_corpus(target, size=3) == target
    assert record.stat().st_mtime_ns == written  # not rebuilt
    record.write_text(json.dumps({"format": FORMAT}))
    with pytest.raises(ConfigError, match="is damaged"):
        demo_corpus(target, size=3)
