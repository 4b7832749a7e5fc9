"""credits-analysis search / discover, and series named by name, slug or address, end to end."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from credits_analysis.cli import main
from credits_analysis.schema import SEARCH_COLUMNS
from tests.fake_tmdb import TOKEN, FakeTMDB


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of ``credits-analysis *argv`` (argparse exits included)."""
    try:
        status = main(list(argv))
    except SystemExit as exited:
        status = int(exited.code or 0)
    out, err = capsys.readouterr()
    assert TOKEN not in out + err
    return status, out, err


def test_search_prints_id_year_countries_popularity_and_name(
    online: FakeTMDB, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "search", "the", "office")
    assert (status, err) == (0, "")
    header, *rows = out.splitlines()
    assert header.split() == ["id", "year", "countries", "popularity", "name"]
    assert [row.split(None, 4) for row in rows] == [
        ["2316", "2005", "US", "200.0", "The Office"],
        ["2996", "2001", "GB", "40.0", "The Office"],
    ]
    assert online.requests[0].params["query"] == "the office"


def test_search_by_year_as_csv_and_json(
    online: FakeTMDB, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "search", "The Office", "--year", "2001", "--format", "csv")
    frame = pd.read_csv(io.StringIO(out))
    assert status == 0 and list(frame.columns) == list(SEARCH_COLUMNS)
    assert frame[["series_id", "first_air_date", "origin_country"]].values.tolist() == [
        [2996, "2001-07-09", "GB"]
    ]
    status, out, _ = run(capsys, "search", "elite", "--format", "json")
    (record,) = json.loads(out)
    assert status == 0 and record["name"] == "Élite" and record["first_air_date"] == "2018-10-05"
    assert record["series_id"] == 76669 and set(record) == set(SEARCH_COLUMNS)


def test_search_with_no_result_says_so(
    online: FakeTMDB, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "search", "zzyzx") == (0, "", "no series found\n")


def test_search_limit_and_paging(online: FakeTMDB, capsys: pytest.CaptureFixture[str]) -> None:
    online.add_listed(30, name="Mystery Show", network=9, start_id=7_000_000)
    status, out, _ = run(capsys, "search", "mystery", "--limit", "25", "--format", "csv")
    assert status == 0 and len(pd.read_csv(io.StringIO(out))) == 25
    assert online.count("search/tv") == 2


def test_discover_by_network_and_dates(
    online: FakeTMDB, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        capsys, "discover", "--network", "49", "--network", "213", "--from", "2015-01-01",
        "--to", "2017-12-31", "--sort", "first_air_date.asc", "--format", "csv",
    )  # fmt: skip
    assert status == 0
    assert pd.read_csv(io.StringIO(out))["series_id"].tolist() == [66732, 71446, 70523]
    params = online.requests[0].params
    assert params["with_networks"] == "49|213" and params["first_air_date.gte"] == "2015-01-01"


def test_discover_by_genre_name_or_id(online: FakeTMDB, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "discover", "--genre", "Comedy", "--genre", "18")
    assert status == 0
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["34307", "1906"]


def test_discover_by_country(online: FakeTMDB, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "discover", "--country", "GB")
    assert status == 0 and [line.split()[0] for line in out.splitlines()[1:]] == ["2996", "1906"]


def test_discover_past_10000_says_to_split_the_dates(
    online: FakeTMDB, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "discover", "--network", "49", "--limit", "10001")
    assert (status, out) == (2, "")
    assert err.startswith("error: limit 10,001 is past") and "split the date range" in err
    assert online.count() == 0


def test_fetch_by_name_says_what_the_name_resolved_to(
    online: FakeTMDB, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "fetch", "the wire", "--seasons", "1")
    assert status == 0
    assert err == '"the wire" -> The Wire (2002, US), TMDB id 1438\n'
    assert "(tv/1438, en-US)" in out.splitlines()[0]
    assert online.count("tv/1438*") == 2  # details and season 1


@pytest.mark.parametrize(
    "reference",
    [
        "1399",
        "1399-game-of-thrones",
        "https://www.themoviedb.org/tv/1399-game-of-thrones",
        "https://www.themoviedb.org/tv/1399-game-of-thrones/season/1",
    ],
)
def test_fetch_by_id_slug_or_address_searches_nothing(
    online: FakeTMDB, capsys: pytest.CaptureFixture[str], reference: str
) -> None:
    status, out, err = run(capsys, "fetch", reference, "--seasons", "1")
    assert (status, err) == (0, "")
    assert out.startswith("Game of Thrones (tv/1399, en-US)")
    assert online.count("search/*") == 0


def test_tables_by_name(
    online: FakeTMDB, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, _, err = run(capsys, "tables", "Breaking Bad", "--seasons", "1", "--out", str(tmp_path))
    assert status == 0 and "TMDB id 1396" in err
    assert set(pd.read_csv(tmp_path / "seasons.csv")["series_id"]) == {1396}


def test_an_ambiguous_name_lists_the_candidates_and_how_to_pick_one(
    online: FakeTMDB, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "fetch", "the office")
    assert (status, out) == (2, "")
    lines = err.splitlines()
    assert lines[0] == '"the office" matches 2 series:'
    assert [line.split(None, 4)[:3] for line in lines[2:4]] == [
        ["2316", "2005", "US"],
        ["2996", "2001", "GB"],
    ]
    assert lines[-1].startswith("error: ") and "credits-analysis fetch 2316" in lines[-1]
    assert "2316-the-office" in lines[-1] and len(lines) == 5
    assert online.count("tv/*") == 0  # nothing loaded


def test_more_than_ten_candidates_show_the_first_ten(
    online: FakeTMDB, capsys: pytest.CaptureFixture[str]
) -> None:
    online.add_listed(14, name="Mystery Show", network=9, start_id=7_000_000)
    status, _, err = run(capsys, "report", "mystery", "--out", "x.html")
    assert status == 2
    assert err.startswith('"mystery" matches 14 series; the first 10:')
    assert err.count("Mystery Show") == 10 and "credits-analysis report 7000000" in err


def test_a_full_page_of_candidates_may_hide_more(
    online: FakeTMDB, capsys: pytest.CaptureFixture[str]
) -> None:
    online.add_listed(25, name="Mystery Show", network=9, start_id=7_000_000)
    status, _, err = run(capsys, "fetch", "mystery")
    assert status == 2 and err.startswith('"mystery" matches 20 or more series; the first 10:')
    assert online.count("search/tv") == 1  # one page is enough to know it is ambiguous


def test_a_name_with_no_match(online: FakeTMDB, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "fetch", "zzyzx")
    assert (status, out) == (2, "")
    assert err == (
        'error: TMDB has no series named "zzyzx": check the spelling, try fewer words, or '
        "`credits-analysis search` part of the name\n"
    )


def test_without_a_token_bundled_names_resolve_and_others_need_one(
    fake_tmdb: FakeTMDB, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "fetch", "St. Brigid's", "--seasons", "1")
    assert status == 0 and out.startswith("St. Brigid's (synthetic demo) (tv/9000001")
    assert err == (
        "\"St. Brigid's\" -> St. Brigid's (synthetic demo) (2015, GB), TMDB id 9000001\n"
    )
    status, out, err = run(capsys, "fetch", "The Wire")
    assert (status, out) == (2, "")
    assert err.startswith("error: no TMDB_API_TOKEN is set") and "TMDB_API_TOKEN set" in err
    status, _, err = run(capsys, "search", "the wire")
    assert status == 2 and "needs TMDB_API_TOKEN" in err


def test_offline_search_uses_the_cache(
    online: FakeTMDB, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "search", "dark")[0] == 0
    assert run(capsys, "search", "dark", "--offline")[0] == 0
    status, _, err = run(capsys, "search", "lost", "--offline")
    assert status == 2 and "offline mode is on" in err
    assert online.count() == 1


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["search", ""], "the series name is empty"),
        (["search", "   "], "the series name is empty"),
        (["search", "x" * 2000], "2,000 characters"),
        (["search", "the\nwire"], "control character"),
        (["search", "wire", "--year", "20x1"], "a year is four digits"),
        (["search", "wire", "--limit", "ten"], "a whole number"),
        (["discover", "--network", "HBO"], "a network is given by its TMDB id"),
        (["discover", "--from", "2020-02-30"], "YYYY-MM-DD"),
        (["discover", "--country", "Britain"], "origin_country"),
        (["fetch", ""], "the series name is empty"),
        (["fetch", "x" * 2000], "2,000 characters"),
        (["fetch", "the\x1bwire"], "control character"),
        (["fetch", "https://www.themoviedb.org/movie/603"], "address of a movie"),
        (["fetch", "/movie/603"], "address of a movie"),
        (["tables", "https://www.themoviedb.org/person/287", "--out", "x"], "address of a person"),
        (["report", "1399", "/movie/603", "--out", "x.html"], "address of a movie"),
    ],
)
def test_bad_input_is_one_error_line_and_no_request(
    online: FakeTMDB, capsys: pytest.CaptureFixture[str], argv: list[str], says: str
) -> None:
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    (error,) = [line for line in err.splitlines() if "error:" in line]
    assert says in error and "Traceback" not in err
    assert online.count() == 0


def test_a_bad_query_in_a_real_process_has_no_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "credits_analysis.cli", "search", "x" * 2000],
        env={"PATH": "/usr/bin:/bin", "CREDITS_ANALYSIS_CACHE_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("error: the series name is 2,000 characters long")
    assert done.stderr.count("\n") == 1


def test_names_from_tmdb_are_printed_without_terminal_controls(
    online: FakeTMDB, capsys: pytest.CaptureFixture[str]
) -> None:
    online.add_listed(2, name="Evil\x1b]0;owned\x07 \u202eShow", network=1, start_id=990_000)
    status, out, err = run(capsys, "search", "Evil")
    assert status == 0 and "owned" not in out and "Evil" in out
    assert not {"\x1b", "\x07", "\u202e"} & set(out)
    # The ambiguity listing on stderr goes through the same filter.
    status, out, err = run(capsys, "fetch", "Evil Show 1x")
    assert not {"\x1b", "\x07", "\u202e"} & set(out + err)
