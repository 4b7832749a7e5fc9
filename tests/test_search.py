"""search_series, discover_series and resolve_series against the fake TMDB's catalogue."""

from __future__ import annotations

import json
import re
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import credits_analysis as ca
from credits_analysis import tidy
from credits_analysis._resources import notebooks_dir
from credits_analysis.cache import RawCache
from credits_analysis.config import Settings
from credits_analysis.errors import (
    AmbiguousSeriesError,
    ClientRequestError,
    InvalidQueryError,
    OfflineMissError,
    PayloadError,
    SeriesNotFoundError,
    StaleDataWarning,
)
from credits_analysis.report import EXPLORER_NOTEBOOK, execute_notebook
from credits_analysis.resolve import known_series, name_key, parse_reference, resolve_series
from credits_analysis.schema import SEARCH_COLUMNS
from credits_analysis.search import discover_series, search_series
from credits_analysis.tmdb import TMDBClient
from tests.fake_tmdb import FAST_RETRY, TOKEN, FakeTMDB, fake_settings

LISTED = 5_000_000


@pytest.fixture
def settings(cache_dir: Path) -> Settings:
    return fake_settings(cache_dir=cache_dir)


@pytest.fixture
def no_token(cache_dir: Path) -> Settings:
    return Settings.from_env(cache_dir=cache_dir)


def search(fake: FakeTMDB, settings: Settings, query: str, **kwargs: Any) -> pd.DataFrame:
    return search_series(query, settings=settings, transport=fake.transport(), **kwargs)


def discover(fake: FakeTMDB, settings: Settings, **kwargs: Any) -> pd.DataFrame:
    return discover_series(settings=settings, transport=fake.transport(), **kwargs)


def resolve(fake: FakeTMDB, settings: Settings, reference: Any) -> ca.ResolvedSeries:
    return resolve_series(reference, settings=settings, transport=fake.transport())


# --- the table -------------------------------------------------------------------------------


def test_results_become_one_typed_row_per_series_in_the_order_given() -> None:
    results = [
        {
            "id": 2316,
            "name": "The Office",
            "original_name": "The Office",
            "first_air_date": "2005-03-24",
            "origin_country": ["US", "GB"],
            "original_language": "en",
            "popularity": 200.5,
            "vote_count": 3000,
            "overview": "",
            "genre_ids": [35],
        },
        {"id": 7, "name": "Unaired", "first_air_date": "", "origin_country": []},
        {"id": 2316, "name": "The Office (again, from a later page)"},
    ]
    frame = tidy.series_results(results)
    assert dict(frame.dtypes) == dict(SEARCH_COLUMNS)
    assert frame["series_id"].tolist() == [2316, 7]
    assert frame["name"].tolist() == ["The Office", "Unaired"]
    assert frame.loc[0, "first_air_date"] == pd.Timestamp("2005-03-24")
    assert pd.isna(frame.loc[1, "first_air_date"])
    assert frame.loc[0, "origin_country"] == "US, GB"
    assert pd.isna(frame.loc[1, "origin_country"])
    assert pd.isna(frame.loc[0, "overview"])  # "" is no overview
    assert frame.loc[0, "vote_count"] == 3000 and pd.isna(frame.loc[1, "vote_count"])
    assert np.isnan(frame.loc[1, "popularity"])


def test_no_results_is_an_empty_table_with_every_column() -> None:
    frame = tidy.series_results([])
    assert frame.empty and dict(frame.dtypes) == dict(SEARCH_COLUMNS)


@pytest.mark.parametrize(
    "results",
    [[["not", "an", "object"]], [{"name": "no id"}], [{"id": "1399"}], [{"id": 1, "name": 5}]],
)
def test_results_of_another_shape_are_a_payload_error(results: list[Any]) -> None:
    with pytest.raises(PayloadError):
        tidy.series_results(results)


# --- search ----------------------------------------------------------------------------------


def test_search_returns_matches_in_tmdb_order(fake_tmdb: FakeTMDB, settings: Settings) -> None:
    found = search(fake_tmdb, settings, "the office")
    assert found["series_id"].tolist() == [2316, 2996]  # the fake orders by popularity
    assert found["origin_country"].tolist() == ["US", "GB"]
    assert [d.year for d in found["first_air_date"]] == [2005, 2001]
    (request,) = fake_tmdb.requests
    assert request.api_path == "search/tv" and request.language == "en-US"
    assert request.params["query"] == "the office" and request.params["page"] == "1"


def test_search_by_year_and_in_another_language(fake_tmdb: FakeTMDB, settings: Settings) -> None:
    found = search(fake_tmdb, settings, "The Office", first_air_date_year=2001, language="fr-FR")
    assert found["series_id"].tolist() == [2996]
    (request,) = fake_tmdb.requests
    assert request.params["first_air_date_year"] == "2001" and request.language == "fr-FR"


def test_pages_are_requested_only_as_far_as_the_limit_needs(
    fake_tmdb: FakeTMDB, settings: Settings
) -> None:
    fake_tmdb.add_listed(45, name="Mystery Show", network=999, start_id=LISTED)
    found = search(fake_tmdb, settings, "mystery show", limit=30)
    assert found["series_id"].tolist() == list(range(LISTED, LISTED + 30))
    assert sorted(r.params["page"] for r in fake_tmdb.requests) == ["1", "2"]
    everything = search(fake_tmdb, settings, "mystery show", limit=100)
    assert everything["series_id"].tolist() == list(range(LISTED, LISTED + 45))
    # Pages 1 and 2 came from the cache; only the third was asked for.
    assert sorted(r.params["page"] for r in fake_tmdb.requests) == ["1", "2", "3"]


def test_a_search_is_not_repeated_within_a_day(
    fake_tmdb: FakeTMDB, settings: Settings, cache_dir: Path
) -> None:
    first = search(fake_tmdb, settings, "the wire")
    again = search(fake_tmdb, settings, "the wire")
    pd.testing.assert_frame_equal(first, again)
    assert fake_tmdb.count("search/tv") == 1
    # The same entry, fetched 25 hours ago: asked again.
    cache = RawCache(cache_dir)
    (entry,) = cache.entries("search/*")
    cache.write(
        entry.api_path,
        entry.language,
        entry.path.read_bytes(),
        url=entry.url,
        fetched_at=datetime.now(UTC) - timedelta(hours=25),
    )
    search(fake_tmdb, settings, "the wire")
    assert fake_tmdb.count("search/tv") == 2


def test_refresh_asks_again(fake_tmdb: FakeTMDB, settings: Settings) -> None:
    search(fake_tmdb, settings, "dark")
    search(fake_tmdb, settings, "dark", refresh=True)
    assert fake_tmdb.count("search/tv") == 2


def test_cached_search_paths_are_readable_and_stay_in_the_cache(
    fake_tmdb: FakeTMDB, settings: Settings, cache_dir: Path
) -> None:
    search(fake_tmdb, settings, "The Office", first_air_date_year=2001)
    search(fake_tmdb, settings, "../../../etc/passwd")
    search(fake_tmdb, settings, "Élite")
    search(fake_tmdb, settings, "elite")
    paths = sorted(e.api_path for e in RawCache(cache_dir).entries("search/*"))
    assert len(paths) == 4  # "Élite" and "elite" are different queries, so different entries
    patterns = [
        r"search/tv/elite-[0-9a-f]{10}_p1",
        r"search/tv/elite-[0-9a-f]{10}_p1",
        r"search/tv/etc-passwd-[0-9a-f]{10}_p1",
        r"search/tv/the-office_y2001-[0-9a-f]{10}_p1",
    ]
    assert all(re.fullmatch(p, path) for p, path in zip(patterns, paths, strict=True)), paths
    files = [p for p in cache_dir.rglob("*") if p.is_file()]
    assert all(p.resolve().is_relative_to(cache_dir.resolve()) for p in files)
    assert all(TOKEN not in p.read_text() and TOKEN not in str(p) for p in files)


def test_offline_a_cached_search_is_used_and_an_old_one_warned_about(
    fake_tmdb: FakeTMDB, settings: Settings, no_token: Settings, cache_dir: Path
) -> None:
    online = search(fake_tmdb, settings, "shameless")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        offline = search(fake_tmdb, settings, "shameless", offline=True)
    pd.testing.assert_frame_equal(online, offline)
    cache = RawCache(cache_dir)
    (entry,) = cache.entries("search/*")
    old = datetime.now(UTC) - timedelta(days=3)
    cache.write(entry.api_path, entry.language, entry.path.read_bytes(), url="u", fetched_at=old)
    with pytest.warns(StaleDataWarning, match="search response"):
        stale = search(fake_tmdb, no_token, "shameless")
    assert stale["series_id"].tolist() == [34307, 1906]
    assert fake_tmdb.count() == 1


@pytest.mark.parametrize("offline", [True, False])
def test_an_uncached_search_without_a_token_or_offline_says_a_token_is_needed(
    fake_tmdb: FakeTMDB, settings: Settings, no_token: Settings, offline: bool
) -> None:
    with pytest.raises(OfflineMissError, match="TMDB_API_TOKEN") as raised:
        search(fake_tmdb, settings if offline else no_token, "the wire", offline=offline or None)
    assert raised.value.missing[0].startswith("search/tv/the-wire-")
    assert fake_tmdb.count() == 0


# --- discover --------------------------------------------------------------------------------


def test_discover_by_network_date_range_and_order(fake_tmdb: FakeTMDB, settings: Settings) -> None:
    assert discover(fake_tmdb, settings, networks=49)["series_id"].tolist() == [1399, 1438]
    netflix_or_hbo = discover(
        fake_tmdb,
        settings,
        networks=[213, 49],
        first_air_date_from="2010-01-01",
        first_air_date_to=pd.Timestamp("2018-12-31").date(),
        sort_by="first_air_date.asc",
    )
    # HBO or Netflix, first aired 2010-2018 (not The Wire, 2002), oldest first.
    assert netflix_or_hbo["series_id"].tolist() == [1399, 66732, 71446, 70523, 76669]
    request = fake_tmdb.requests[-1]
    assert request.params["with_networks"] == "213|49"
    assert request.params["first_air_date.gte"] == "2010-01-01"
    assert request.params["first_air_date.lte"] == "2018-12-31"


def test_discover_by_country_language_and_genres(fake_tmdb: FakeTMDB, settings: Settings) -> None:
    spanish = discover(fake_tmdb, settings, origin_country="es", original_language="ES")
    assert spanish["series_id"].tolist() == [76669, 71446]
    crime_dramas = discover(fake_tmdb, settings, genres=[80, 18])
    assert crime_dramas["series_id"].tolist() == [1396, 71446, 1438]
    assert fake_tmdb.requests[0].params["with_origin_country"] == "ES"
    assert fake_tmdb.requests[0].params["with_original_language"] == "es"
    assert fake_tmdb.requests[1].params["with_genres"] == "80,18"


def test_genres_by_name_are_looked_up_once(fake_tmdb: FakeTMDB, settings: Settings) -> None:
    by_name = discover(fake_tmdb, settings, genres=["crime", "DRAMA"])
    assert by_name["series_id"].tolist() == [1396, 71446, 1438]
    assert fake_tmdb.requests[-1].params["with_genres"] == "80,18"
    mixed = discover(fake_tmdb, settings, genres=["Sci-Fi & Fantasy", 18])
    assert mixed["series_id"].tolist() == [1399]
    assert fake_tmdb.count("genre/tv/list") == 1  # cached for a day like searches
    with pytest.raises(InvalidQueryError, match=r"no TV genre is named 'Thriller'.*Crime, "):
        discover(fake_tmdb, settings, genres="Thriller")


def test_discover_past_10000_results_says_to_split_the_date_range(
    fake_tmdb: FakeTMDB, settings: Settings
) -> None:
    with pytest.raises(InvalidQueryError, match="split the date range"):
        discover(fake_tmdb, settings, networks=49, limit=10_001)
    assert fake_tmdb.count() == 0


def test_tmdb_refuses_pages_past_500_and_discover_never_asks_for_one(
    fake_tmdb: FakeTMDB, settings: Settings
) -> None:
    fake_tmdb.add_listed(10_050, name="Bulk", network=777, start_id=LISTED)
    client = TMDBClient(settings, transport=fake_tmdb.transport(), retry=FAST_RETRY)
    with pytest.raises(ClientRequestError) as refused:
        client.get("discover/tv", params={"with_networks": 777, "page": 501})
    assert (refused.value.status, refused.value.tmdb_code) == (400, 22)
    found = discover(fake_tmdb, settings, networks=777, limit=10_000)
    assert len(found) == 10_000 and found["series_id"].is_unique
    pages = sorted(int(r.params["page"]) for r in fake_tmdb.requests[1:])
    assert pages == list(range(1, 501))


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"networks": "HBO"}, "network is given by its TMDB id"),
        ({"networks": [49, 0]}, "network is given by its TMDB id"),
        ({"networks": []}, "no network id"),
        ({"genres": 0}, "genre is given by its TMDB id"),
        ({"genres": ["Drama", "a\tb"]}, "control character"),
        ({"first_air_date_from": "2020-13-01"}, "YYYY-MM-DD"),
        ({"first_air_date_from": "2021-01-01", "first_air_date_to": "2020-01-01"}, "is after"),
        ({"origin_country": "GBR"}, "origin_country"),
        ({"original_language": "english"}, "original_language"),
        ({"sort_by": "rating.desc"}, "sort_by"),
        ({"limit": 0}, "limit"),
        ({"limit": "10"}, "limit"),
    ],
)
def test_bad_discover_filters_are_refused_before_any_request(
    fake_tmdb: FakeTMDB, settings: Settings, kwargs: dict[str, Any], says: str
) -> None:
    with pytest.raises(InvalidQueryError, match=says):
        discover(fake_tmdb, settings, **kwargs)
    assert fake_tmdb.count() == 0


@pytest.mark.parametrize(
    ("query", "year", "says"),
    [
        ("", None, "empty"),
        ("   ", None, "empty"),
        ("x" * 2000, None, "2,000 characters"),
        ("the\nwire", None, "control character"),
        ("\x1b[31mred", None, "control character"),
        (1438, None, "must be text"),
        ("the wire", "20x1", "four digits"),
        ("the wire", 99, "four digits"),
        ("the wire", 1800, "outside"),
        ("the wire", True, "four digits"),
    ],
)
def test_bad_searches_are_refused_before_any_request(
    fake_tmdb: FakeTMDB, settings: Settings, query: Any, year: Any, says: str
) -> None:
    with pytest.raises(InvalidQueryError, match=says):
        search(fake_tmdb, settings, query, first_air_date_year=year)
    assert fake_tmdb.count() == 0


# --- references ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "how"),
    [
        (1399, "id"),
        (np.int64(1399), "id"),
        ("1399", "id"),
        (" 1399 ", "id"),
        ("1399-game-of-thrones", "slug"),
        ("https://www.themoviedb.org/tv/1399-game-of-thrones", "address"),
        ("https://www.themoviedb.org/tv/1399-game-of-thrones/season/2?language=fr-FR", "address"),
        ("http://themoviedb.org/tv/1399", "address"),
        ("www.themoviedb.org/tv/1399-game-of-thrones", "address"),
        ("/tv/1399-game-of-thrones/", "address"),
    ],
)
def test_ids_slugs_and_addresses_are_read_without_a_request(
    fake_tmdb: FakeTMDB, settings: Settings, reference: Any, how: str
) -> None:
    resolved = resolve(fake_tmdb, settings, reference)
    assert (resolved.series_id, resolved.how, resolved.name) == (1399, how, None)
    assert fake_tmdb.count() == 0


@pytest.mark.parametrize(
    ("reference", "says"),
    [
        ("/movie/603", "address of a movie"),
        ("https://www.themoviedb.org/movie/603-the-matrix", "address of a movie"),
        ("https://www.themoviedb.org/person/287-brad-pitt", "address of a person"),
        ("https://www.themoviedb.org/", "address of no series"),
        ("https://www.themoviedb.org/tv/game-of-thrones", "address of no series"),
        ("https://www.imdb.com/title/tt0944947/", "not a themoviedb.org address"),
        ("imdb.com/title/tt0944947", "not a themoviedb.org address"),
        ("0", "positive number"),
        ("-5", "positive number"),
        ("0-pilot", "positive number"),
        ("99999999999", "positive number"),
        (True, "not True"),
        (14.5, "not a float"),
        ("", "empty"),
    ],
)
def test_references_that_cannot_be_read_are_refused_before_any_request(
    fake_tmdb: FakeTMDB, settings: Settings, reference: Any, says: str
) -> None:
    with pytest.raises(InvalidQueryError, match=says):
        resolve(fake_tmdb, settings, reference)
    assert fake_tmdb.count() == 0


def test_name_keys_ignore_case_accents_and_spacing() -> None:
    assert name_key("  Élite ") == name_key("ELITE") == "elite"
    assert name_key("Shōgun") == name_key("shogun")
    assert name_key("Money  Heist") == "money heist"
    assert name_key("The Office") != name_key("Office")


@pytest.mark.parametrize(
    ("name", "series_id", "how"),
    [
        ("the wire", 1438, "name"),
        ("ELITE", 76669, "name"),
        ("shogun", 126308, "name"),
        ("la casa de papel", 71446, "name"),  # the original name
        ("stranger", 66732, "only result"),
    ],
)
def test_a_name_resolves_to_its_exact_match_or_the_only_result(
    fake_tmdb: FakeTMDB, settings: Settings, name: str, series_id: int, how: str
) -> None:
    resolved = resolve(fake_tmdb, settings, name)
    assert (resolved.series_id, resolved.how) == (series_id, how)
    assert fake_tmdb.count("search/tv") == 1


def test_the_resolution_is_said_in_one_line(fake_tmdb: FakeTMDB, settings: Settings) -> None:
    resolved = resolve(fake_tmdb, settings, "the wire")
    assert resolved.message() == '"the wire" -> The Wire (2002, US), TMDB id 1438'


def test_an_exact_match_wins_over_other_results(fake_tmdb: FakeTMDB, settings: Settings) -> None:
    fake_tmdb.add_listed(3, name="Dark", network=1, start_id=LISTED)  # "Dark 1".."Dark 3"
    assert resolve(fake_tmdb, settings, "dark").series_id == 70523


def test_several_exact_matches_are_ambiguous(fake_tmdb: FakeTMDB, settings: Settings) -> None:
    with pytest.raises(AmbiguousSeriesError) as raised:
        resolve(fake_tmdb, settings, "The Office")
    error = raised.value
    assert error.candidates["series_id"].tolist() == [2316, 2996] and error.total == 2
    message = str(error)
    assert "2316 The Office (2005, US); 2996 The Office (2001, GB)" in message
    assert "2316-the-office" in message


def test_many_inexact_matches_list_the_first_ten(fake_tmdb: FakeTMDB, settings: Settings) -> None:
    fake_tmdb.add_listed(15, name="Mystery Show", network=1, start_id=LISTED)
    with pytest.raises(AmbiguousSeriesError) as raised:
        resolve(fake_tmdb, settings, "mystery")
    assert raised.value.candidates["series_id"].tolist() == list(range(LISTED, LISTED + 10))
    assert raised.value.total == 15 and str(raised.value).count("Mystery Show") == 10


def test_a_name_nothing_matches(fake_tmdb: FakeTMDB, settings: Settings) -> None:
    with pytest.raises(SeriesNotFoundError, match='no series named "zzyzx"'):
        resolve(fake_tmdb, settings, "zzyzx")


# --- offline ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "series_id"),
    [
        ("St. Brigid's", 9000001),  # the demo's name without its "(synthetic demo)"
        ("st. brigid's (synthetic demo)", 9000001),
        ("The Quiet Coast", 9000002),
        ("game of thrones", 1399),  # a recorded sample
        ("BREAKING BAD", 1396),
    ],
)
def test_bundled_series_resolve_by_name_without_a_token(
    fake_tmdb: FakeTMDB, no_token: Settings, name: str, series_id: int
) -> None:
    assert resolve(fake_tmdb, no_token, name).series_id == series_id
    assert fake_tmdb.count() == 0


def test_cached_series_resolve_by_name_offline(
    fake_tmdb: FakeTMDB, settings: Settings, no_token: Settings, cache_dir: Path
) -> None:
    details = {"id": 1438, "name": "The Wire", "first_air_date": "2002-06-02", "seasons": []}
    RawCache(cache_dir).write("tv/1438", "de-DE", json.dumps(details).encode(), url="u")
    resolved = resolve_series("the wire", offline=True, settings=settings)
    assert (resolved.series_id, resolved.name, resolved.year) == (1438, "The Wire", 2002)
    assert resolve(fake_tmdb, no_token, "The Wire").series_id == 1438
    assert 1438 in known_series(no_token)["series_id"].tolist()
    assert fake_tmdb.count() == 0


def test_offline_other_names_say_a_token_is_needed(fake_tmdb: FakeTMDB, no_token: Settings) -> None:
    with pytest.raises(OfflineMissError, match="needs TMDB_API_TOKEN") as raised:
        resolve(fake_tmdb, no_token, "the wire")
    assert "9000001 St. Brigid's" in str(raised.value)  # what does resolve offline
    assert fake_tmdb.count() == 0


def test_two_cached_series_of_one_name_are_ambiguous_offline(
    no_token: Settings, cache_dir: Path
) -> None:
    cache = RawCache(cache_dir)
    for series_id, year in ((2316, 2005), (2996, 2001)):
        details = {"id": series_id, "name": "The Office", "first_air_date": f"{year}-03-01"}
        cache.write(f"tv/{series_id}", "en-US", json.dumps(details).encode(), url="u")
    with pytest.raises(AmbiguousSeriesError) as raised:
        resolve_series("the office", settings=no_token)
    assert sorted(raised.value.candidates["series_id"]) == [2316, 2996]


# --- loading by name -------------------------------------------------------------------------


def test_load_series_takes_a_name_a_slug_or_an_address(
    fake_tmdb: FakeTMDB, settings: Settings
) -> None:
    by_name = ca.load_series(
        "the wire", seasons=1, settings=settings, transport=fake_tmdb.transport()
    )
    assert by_name.series_id == 1438 and fake_tmdb.count("search/tv") == 1
    by_slug = ca.load_series(
        "https://www.themoviedb.org/tv/1399-game-of-thrones",
        seasons=1,
        settings=settings,
        transport=fake_tmdb.transport(),
    )
    assert by_slug.series_id == 1399 and by_slug.name == "Game of Thrones"
    assert fake_tmdb.count("search/tv") == 1


def test_load_series_by_a_demo_name_offline() -> None:
    series = ca.load_series("St. Brigid's", seasons=[1, 2])
    assert series.series_id == 9000001 and series.is_synthetic


def test_public_names() -> None:
    assert ca.search_series is search_series and ca.discover_series is discover_series
    assert ca.resolve_series is resolve_series and parse_reference("1399") == (1399, "id")


@pytest.mark.notebook
def test_the_explorer_notebook_takes_a_series_name() -> None:
    notebook = execute_notebook(
        notebooks_dir() / EXPLORER_NOTEBOOK, {"series_id": "The Quiet Coast", "seasons": [1]}
    )
    said = " ".join(
        output["data"]["text/plain"]
        for cell in notebook.cells
        if cell.get("id") == "load"
        for output in cell.outputs
        if "data" in output
    )
    assert "The Quiet Coast (synthetic limited series) (TMDB id 9000002)" in said
