"""Bad values in TMDB payloads, end to end: one bad value costs its own season at most.

Each case serves a generated 4-season series from the fake TMDB with one value broken, loads it
twice (from TMDB, then from the cache it was stored in) through load_series and through the CLI,
and checks that the other seasons are kept and nothing crashes.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from credits_analysis.cli import EXIT_OK, EXIT_PARTIAL, main
from credits_analysis.errors import DataQualityWarning, PartialLoadWarning, PayloadError
from credits_analysis.load import SeriesCredits, load_series
from credits_analysis.schema import MAX_SEASONS
from tests.fake_tmdb import FAST_RETRY, TOKEN, FakeTMDB, fake_settings

SERIES = 6161
Payloads = dict[int, dict[str, Any]]
Breaker = Callable[[dict[str, Any], Payloads], None]


def surrogate_in_a_name(details: dict[str, Any], payloads: Payloads) -> None:
    payloads[2]["aggregate_credits"]["cast"][0]["name"] = "Ada \ud800"
    payloads[3]["aggregate_credits"]["crew"][0]["original_name"] = "\udfff"


def episode_count_beyond_int64(details: dict[str, Any], payloads: Payloads) -> None:
    payloads[2]["aggregate_credits"]["cast"][0]["roles"][0]["episode_count"] = 2**64


def person_id_beyond_int64(details: dict[str, Any], payloads: Payloads) -> None:
    payloads[2]["aggregate_credits"]["crew"][0]["id"] = -(2**63) - 1


def order_beyond_int64(details: dict[str, Any], payloads: Payloads) -> None:
    payloads[2]["aggregate_credits"]["cast"][0]["order"] = 10**30


def season_number_beyond_int64(details: dict[str, Any], payloads: Payloads) -> None:
    details["seasons"][2]["season_number"] = 2**63  # was season 3


def status_is_a_list(details: dict[str, Any], payloads: Payloads) -> None:
    details["status"] = ["Ended"]


def season_listed_twice(details: dict[str, Any], payloads: Payloads) -> None:
    details["seasons"].insert(2, dict(details["seasons"][1], name="Season 2 again"))


#: breaker, the seasons that load, the seasons that fail, the warning given.
CASES: dict[str, tuple[Breaker, list[int], list[int], str | None]] = {
    "surrogate": (surrogate_in_a_name, [1, 2, 3, 4], [], "lone UTF-16 surrogate"),
    "episode-count": (episode_count_beyond_int64, [1, 3, 4], [2], None),
    "person-id": (person_id_beyond_int64, [1, 3, 4], [2], None),
    "order": (order_beyond_int64, [1, 3, 4], [2], None),
    "season-number": (season_number_beyond_int64, [1, 2, 4], [], "seasons[2] left out"),
    "status": (status_is_a_list, [1, 2, 3, 4], [], "'status' is a list"),
    "duplicate-season": (season_listed_twice, [1, 2, 3, 4], [], "repeats season 2"),
}


def serve_broken(fake: FakeTMDB, breaker: Breaker) -> None:
    details, payloads = fake.add_generated(SERIES, seasons=4, specials=False)
    breaker(details, payloads)
    fake.add_series(details, payloads)


def load(fake: FakeTMDB) -> tuple[SeriesCredits, list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        series = load_series(
            SERIES,
            settings=fake_settings(),
            transport=fake.transport(),
            retry=FAST_RETRY,
            progress=False,
        )
    return series, caught


@pytest.mark.parametrize("case", list(CASES))
def test_one_bad_value_costs_its_own_season_at_most_now_and_from_the_cache(
    fake_tmdb: FakeTMDB, case: str
) -> None:
    breaker, loaded, failed, warned = CASES[case]
    serve_broken(fake_tmdb, breaker)
    for attempt in ("network", "cache"):
        series, caught = load(fake_tmdb)
        assert list(series.payloads) == loaded, attempt
        assert list(series.failures) == failed, attempt
        assert series.seasons["season_number"].tolist() == loaded
        assert set(series.seasons["source"]) == {attempt}
        assert set(series.cast["season_number"]) == set(loaded)
        for n in failed:
            assert isinstance(series.failures[n], PayloadError)
            assert "must be a JSON integer" in str(series.failures[n])
        quality = [str(w.message) for w in caught if w.category is DataQualityWarning]
        assert bool(quality) is (warned is not None)
        assert all(warned in message for message in quality), quality
        assert any(w.category is PartialLoadWarning for w in caught) is bool(failed)
    # Once from TMDB, once from the cache: one request for the details and each season.
    assert fake_tmdb.count() == 1 + len(loaded) + len(failed)


@pytest.mark.parametrize("case", list(CASES))
def test_the_cli_never_calls_bad_data_a_bug(
    fake_tmdb_url: str,
    fake_tmdb: FakeTMDB,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
) -> None:
    breaker, loaded, failed, warned = CASES[case]
    monkeypatch.setenv("TMDB_API_TOKEN", TOKEN)
    monkeypatch.setenv("TMDB_API_BASE_URL", fake_tmdb_url)
    monkeypatch.setenv("CREDITS_ANALYSIS_MAX_RETRIES", "0")
    serve_broken(fake_tmdb, breaker)
    expected = EXIT_PARTIAL if failed else EXIT_OK
    assert main(["fetch", str(SERIES)]) == expected
    assert main(["tables", str(SERIES), "--out", str(tmp_path / "out")]) == expected
    captured = capsys.readouterr()
    assert "unexpected" not in captured.err
    seasons = [line.split(":")[0] for line in captured.out.splitlines()[1:]]
    assert seasons[: len(loaded)] == [f"season {n}" for n in loaded]
    if warned is not None:
        assert f"warning: series {SERIES}" in captured.err or warned in captured.err
    assert (tmp_path / "out" / "cast.csv").read_text(encoding="utf-8")


def test_an_implausible_season_count_requests_no_season(fake_tmdb: FakeTMDB) -> None:
    details, payloads = fake_tmdb.add_generated(SERIES, seasons=2, specials=False)
    details["seasons"] = [dict(details["seasons"][0], season_number=n) for n in range(10_000)]
    fake_tmdb.add_series(details, payloads)
    with pytest.raises(PayloadError, match="list 10000 seasons, more than the 200") as raised:
        load(fake_tmdb)
    assert raised.value.partial.payloads == {}  # type: ignore[attr-defined]
    assert fake_tmdb.count() == 1  # the details, and no season
    assert MAX_SEASONS == 200
