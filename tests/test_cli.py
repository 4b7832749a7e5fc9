"""The credits-analysis command, end to end against the fake TMDB served on 127.0.0.1."""

from __future__ import annotations

import csv
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import pytest

from credits_analysis import cli
from credits_analysis._terminal import MESSAGE_LIMIT, printable
from credits_analysis.cache import RawCache
from credits_analysis.cli import main
from credits_analysis.config import Settings
from credits_analysis.endpoints import request_params, season_path
from credits_analysis.errors import PartialLoadWarning
from credits_analysis.load import load_series
from credits_analysis.schema import CAST_COLUMNS, SEASON_COLUMNS
from tests.fake_tmdb import TOKEN, FakeTMDB, Fault

SERIES = 5150


@pytest.fixture
def online(online: FakeTMDB) -> FakeTMDB:
    """conftest's environment on the local fake, with a 4-season series to fetch."""
    online.add_generated(SERIES, seasons=4, episodes_per_season=3)
    return online


def run(*argv: str) -> int:
    return main(list(argv))


def test_help_explains_token_offline_mode_and_cache(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run("--help")
    assert exited.value.code == 0
    text = capsys.readouterr().out
    for needle in (
        "TMDB_API_TOKEN",
        "Read Access Token",
        "v3",
        "CREDITS_ANALYSIS_OFFLINE",
        "CREDITS_ANALYSIS_CACHE_DIR",
        "fetch",
        "tables",
        "cache",
        "exit status",
    ):
        assert needle in text, needle
    assert str(Settings.from_env().cache_dir) in text


def test_fetch_warms_the_cache_and_prints_a_line_per_season(
    online: FakeTMDB, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("fetch", str(SERIES)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Synthetic Series 5150") and "[synthetic]" in lines[0]
    assert [line.split(":")[0] for line in lines[1:]] == [f"season {n}" for n in (1, 2, 3, 4)]
    assert all(line.endswith("(network)") for line in lines[1:])
    cast_roles = int(lines[1].split(": ")[1].split()[0])
    assert cast_roles == len(load_series(SERIES, seasons=1, offline=True).cast)
    assert len(list(RawCache(cache_dir).entries())) == 5
    requests = online.count()
    assert run("fetch", str(SERIES), "--offline") == 0
    assert capsys.readouterr().out.splitlines()[1].endswith("(cache)")
    assert online.count() == requests


def test_fetch_options_reach_load_series(
    online: FakeTMDB, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("fetch", str(SERIES), "--seasons", "2", "0", "--language", "de-DE") == 0
    out = capsys.readouterr().out
    assert "de-DE" in out.splitlines()[0]
    assert [line.split(":")[0] for line in out.splitlines()[1:]] == ["season 0", "season 2"]
    assert {r.language for r in online.requests} == {"de-DE"}
    assert run("fetch", str(SERIES), "--include-specials", "--language", "de-DE") == 0
    assert "season 0:" in capsys.readouterr().out
    before = online.count()
    assert run("fetch", str(SERIES), "--seasons", "2", "--refresh", "--language", "de-DE") == 0
    assert online.count() == before + 2


def test_partial_failure_exits_3_with_a_line_per_reason(
    online: FakeTMDB, capsys: pytest.CaptureFixture[str]
) -> None:
    for season in (2, 4):
        online.inject(f"tv/{SERIES}/season/{season}", Fault(404))
    assert run("fetch", str(SERIES)) == 3
    captured = capsys.readouterr()
    assert "season 2:" not in captured.out and "season 3:" in captured.out
    err = captured.err.splitlines()
    reason = err.index("Seasons 2 and 4 not loaded: not found on TMDB")
    assert err[reason + 1].startswith("  season 2: NotFoundError: TMDB has nothing at")
    assert sum("not loaded" in line for line in err) == 1
    assert "Traceback" not in captured.err


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"TMDB_API_TOKEN": ""}, "Set TMDB_API_TOKEN"),
        ({"TMDB_API_TOKEN": "0123456789abcdef0123456789abcdef"}, "Read Access Token"),
        ({"TMDB_API_TOKEN": "eyJ-wrong"}, "TMDB rejected the token"),
        ({"CREDITS_ANALYSIS_RATE_LIMIT": "fast"}, "CREDITS_ANALYSIS_RATE_LIMIT='fast'"),
        ({"CREDITS_ANALYSIS_OFFLINE": "1"}, "offline mode is on"),
    ],
    ids=["no-token", "v3-key", "wrong-token", "bad-setting", "offline-miss"],
)
def test_errors_exit_2_with_one_line_and_no_traceback(
    online: FakeTMDB,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    needle: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert run("fetch", str(SERIES)) == 2
    captured = capsys.readouterr()
    (line,) = captured.err.strip().splitlines()
    assert line.startswith("error: ") and needle in line
    assert TOKEN not in captured.err + captured.out


def test_unknown_series_exits_2(
    online: FakeTMDB, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    online.inject("tv/31337", Fault(404))
    assert run("tables", "31337", "--out", str(tmp_path / "out")) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: TMDB has no TV series with id 31337 (HTTP 404).")
    assert "themoviedb.org/tv/1399" in line and "season" not in line
    assert list((tmp_path / "out").iterdir()) == []


def test_a_missing_season_keeps_the_season_advice(
    online: FakeTMDB, capsys: pytest.CaptureFixture[str]
) -> None:
    online.inject(f"tv/{SERIES}/season/*", Fault(404))
    assert run("fetch", str(SERIES), "--seasons", "1") == 2
    err = capsys.readouterr().err
    assert err.startswith("error: TMDB has nothing at") and "listed in the series' details" in err


@pytest.mark.parametrize("verbose", [False, True])
def test_a_bug_exits_1_with_one_line_and_the_traceback_only_with_v(
    online: FakeTMDB,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    verbose: bool,
) -> None:
    def bug(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero somewhere")

    monkeypatch.setattr(cli, "load_series", bug)
    assert run(*(["-v"] if verbose else []), "fetch", str(SERIES)) == 1 == cli.EXIT_BUG
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[-1].startswith("error: unexpected ZeroDivisionError: division by zero")
    assert ("Traceback (most recent call last):" in lines) is verbose
    assert ("run with -v" in lines[-1]) is not verbose


def test_exit_statuses_are_distinct_and_documented(capsys: pytest.CaptureFixture[str]) -> None:
    statuses = [cli.EXIT_OK, cli.EXIT_BUG, cli.EXIT_ERROR, cli.EXIT_PARTIAL, cli.EXIT_INTERRUPTED]
    assert len(set(statuses)) == len(statuses)
    assert cli.EXIT_PARTIAL != 1  # what Python exits with on an uncaught exception
    with pytest.raises(SystemExit):
        run("--help")
    text = " ".join(capsys.readouterr().out.split())
    assert f"{cli.EXIT_PARTIAL} some seasons failed" in text
    assert f"{cli.EXIT_BUG} unexpected error" in text


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["fetch"], ["fetch", "/movie/603"], ["tables", "1"], ["nope"]):
        with pytest.raises(SystemExit) as exited:
            run(*argv)
        assert exited.value.code == 2
    assert "usage:" in capsys.readouterr().err


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_tables_writes_cast_crew_and_seasons(
    online: FakeTMDB, tmp_path: Path, capsys: pytest.CaptureFixture[str], file_format: str
) -> None:
    out = tmp_path / "out" / "nested"
    assert run("tables", str(SERIES), "--out", str(out), "--format", file_format) == 0
    series = load_series(SERIES, offline=True)
    read = pd.read_csv if file_format == "csv" else pd.read_parquet
    for name in ("cast", "crew", "seasons"):
        written = read(out / f"{name}.{file_format}")
        expected = getattr(series, name)
        assert list(written.columns) == list(expected.columns)
        assert len(written) == len(expected) > 0
    if file_format == "parquet":
        cast = pd.read_parquet(out / "cast.parquet")
        assert dict(cast.dtypes) == dict(CAST_COLUMNS)
        seasons = pd.read_parquet(out / "seasons.parquet")
        assert dict(seasons.dtypes) == dict(SEASON_COLUMNS)
    assert f"cast.{file_format}: {len(series.cast)} rows" in capsys.readouterr().out


def test_tables_replaces_all_three_files_or_none(
    online: FakeTMDB, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert run("tables", str(SERIES), "--out", str(out), "--seasons", "1") == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real_to_csv = pd.DataFrame.to_csv

    def fail_on_crew(frame: pd.DataFrame, *args: object, **kwargs: object) -> object:
        if "job" in frame.columns:
            raise OSError(28, "No space left on device")
        return real_to_csv(frame, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", fail_on_crew)
    assert run("tables", str(SERIES), "--out", str(out)) == 2  # every season: other tables
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_tables_into_an_unwritable_place_exits_2(
    online: FakeTMDB, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert run("tables", str(SERIES), "--out", str(blocker / "out")) == 2
    assert capsys.readouterr().err == (
        f"error: {blocker / 'out'} cannot be a folder ({blocker} is a file); give a folder for "
        "the output\n"
    )
    assert online.count() == 0


def test_cache_info_and_clear(
    online: FakeTMDB, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("fetch", str(SERIES)) == 0
    capsys.readouterr()
    assert run("cache", "info") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{cache_dir}: 5 entries matching '*'")
    assert any(line.startswith(f"{season_path(SERIES, 2)} en-US") for line in out)
    assert run("cache", "clear", f"tv/{SERIES}/season/*") == 0
    assert capsys.readouterr().out.startswith("removed 4 entries")
    assert [e.api_path for e in RawCache(cache_dir).entries()] == [f"tv/{SERIES}"]
    orphan = RawCache(cache_dir).write("tv/1", "en-US", b"{}", url="x").path
    orphan.with_name("1.en-US.meta.json").unlink()  # a payload whose sidecar is gone
    assert run("cache", "info") == 0
    assert "1 file of interrupted writes or damaged entries" in capsys.readouterr().out
    assert run("cache", "clear", "--all") == 0
    assert capsys.readouterr().out.startswith("removed 1 entry")
    assert list(cache_dir.rglob("*.json")) == []


def test_verbose_logs_requests_without_the_token(
    online: FakeTMDB, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("-v", "fetch", str(SERIES), "--seasons", "1") == 0
    err = capsys.readouterr().err
    assert "DEBUG credits_analysis.tmdb: GET http://127.0.0.1" in err
    assert TOKEN not in err
    assert run("-v", "fetch", str(SERIES), "--seasons", "1") == 0
    assert "cache hit" in capsys.readouterr().err


def test_stale_data_warning_is_one_line(
    online: FakeTMDB, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CREDITS_ANALYSIS_TTL_ENDED_DAYS", "0")
    monkeypatch.setenv("CREDITS_ANALYSIS_TTL_ONGOING_HOURS", "0")
    assert run("fetch", str(SERIES)) == 0
    assert run("fetch", str(SERIES), "--offline") == 0
    lines = capsys.readouterr().err.strip().splitlines()
    assert [line for line in lines if line.startswith("warning: ")] == [
        line for line in lines if "expired cache entries" in line
    ]
    assert len([line for line in lines if "expired" in line]) == 1


def subprocess_env(base_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "TMDB_API_TOKEN": TOKEN,
        "TMDB_API_BASE_URL": base_url,
        "CREDITS_ANALYSIS_MAX_RETRIES": "0",
        **extra,
    }


def test_module_entry_point_runs_end_to_end(
    fake_tmdb_url: str, fake_tmdb: FakeTMDB, cache_dir: Path
) -> None:
    fake_tmdb.add_generated(SERIES, seasons=2)
    done = subprocess.run(
        [sys.executable, "-m", "credits_analysis.cli", "fetch", str(SERIES)],
        env=subprocess_env(fake_tmdb_url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("(network)") == 2
    assert len(list(RawCache(cache_dir).entries())) == 3


def assert_cache_is_consistent(cache_dir: Path, *sent: dict[str, bytes]) -> int:
    """Every payload file in the cache reads back as one of the bodies TMDB ``sent``, or as absent.

    ``sent`` maps API paths to bodies (several mappings when the fake's answers changed).
    Returns the number of complete entries.
    """
    store = RawCache(cache_dir)
    complete = 0
    for file in cache_dir.rglob("*.json"):
        if file.name.endswith(".meta.json"):
            continue
        api_path, language = file.relative_to(cache_dir).as_posix()[: -len(".json")].rsplit(".", 1)
        entry = store.read(api_path, language)
        if entry is not None:
            assert entry.path.read_bytes() in {bodies[api_path] for bodies in sent}, api_path
            complete += 1
    assert complete == len(list(store.entries()))
    return complete


def bodies(fake: FakeTMDB, series_id: int) -> dict[str, bytes]:
    """What the fake answers now for the details and every listed season of ``series_id``."""
    details = fake.respond(f"/3/tv/{series_id}", "", f"Bearer {TOKEN}")
    paths = [f"tv/{series_id}"] + [
        season_path(series_id, s["season_number"]) for s in json.loads(details.body)["seasons"]
    ]
    return {
        p: fake.respond(f"/3/{p}", urlencode(request_params(p)), f"Bearer {TOKEN}").body
        for p in paths
    }


def test_process_killed_mid_fetch_leaves_no_corrupt_entry(
    fake_tmdb_url: str, fake_tmdb: FakeTMDB, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_tmdb.add_generated(SERIES, seasons=20, specials=False)
    # The details and three seasons are answered; every later request is held until the
    # process is dead, so the kill lands mid-fetch however slow the machine is.
    answered, release = itertools.count(1), threading.Event()
    answer = fake_tmdb.respond

    def respond_four_then_hold(*args: Any) -> Any:
        reply = answer(*args)
        if next(answered) > 4:
            release.wait(60)
        return reply

    monkeypatch.setattr(fake_tmdb, "respond", respond_four_then_hold)
    process = subprocess.Popen(
        [sys.executable, "-m", "credits_analysis.cli", "fetch", str(SERIES)],
        env=subprocess_env(
            fake_tmdb_url, CREDITS_ANALYSIS_MAX_CONNECTIONS="2", CREDITS_ANALYSIS_TIMEOUT="90"
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while len(list(cache_dir.rglob("*.meta.json"))) < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
        release.set()
    assert process.returncode == -signal.SIGKILL
    monkeypatch.setattr(fake_tmdb, "respond", answer)
    sent = bodies(fake_tmdb, SERIES)
    complete = assert_cache_is_consistent(cache_dir, sent)
    assert complete == 4  # killed mid-fetch, with nothing torn
    # The next run fetches only what is missing and completes the cache.
    fake_tmdb.requests.clear()
    monkeypatch.setenv("TMDB_API_TOKEN", TOKEN)
    monkeypatch.setenv("TMDB_API_BASE_URL", fake_tmdb_url)
    assert main(["fetch", str(SERIES)]) == 0
    assert fake_tmdb.count() == len(sent) - complete
    assert assert_cache_is_consistent(cache_dir, sent) == len(sent)


# Runs the CLI with os.replace patched to SIGKILL the process at its N-th call: every cache
# write renames its sidecar, then its payload, so this kills at each step of a cache write.
_KILL_AT_REPLACE = """
import os, signal, sys
real_replace, calls = os.replace, 0
def replace(src, dst):
    global calls
    calls += 1
    if calls == int(os.environ["KILL_AT_REPLACE"]):
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(src, dst)
os.replace = replace
from credits_analysis.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize(
    ("kill_at", "complete"),
    [(1, 0), (2, 0), (3, 1), (4, 1)],
    ids=["before-details", "before-details-payload", "before-season", "before-season-payload"],
)
def test_process_killed_between_cache_renames_leaves_no_corrupt_entry(
    fake_tmdb_url: str, fake_tmdb: FakeTMDB, cache_dir: Path, kill_at: int, complete: int
) -> None:
    fake_tmdb.add_generated(SERIES, seasons=3, specials=False)
    done = subprocess.run(
        [sys.executable, "-c", _KILL_AT_REPLACE, "fetch", str(SERIES)],
        env=subprocess_env(fake_tmdb_url, KILL_AT_REPLACE=str(kill_at)),
        timeout=60,
        capture_output=True,
    )
    assert done.returncode == -signal.SIGKILL
    assert assert_cache_is_consistent(cache_dir, bodies(fake_tmdb, SERIES)) == complete


@pytest.mark.parametrize("kill_at", [1, 2, 4])
def test_process_killed_while_overwriting_never_mixes_old_and_new(
    fake_tmdb_url: str, fake_tmdb: FakeTMDB, cache_dir: Path, kill_at: int
) -> None:
    fake_tmdb.add_generated(SERIES, seasons=3, specials=False)
    old = bodies(fake_tmdb, SERIES)
    argv = [sys.executable, "-c", _KILL_AT_REPLACE, "fetch", str(SERIES), "--refresh"]
    first = subprocess.run(
        argv,
        env=subprocess_env(fake_tmdb_url, KILL_AT_REPLACE="0"),
        timeout=60,
        capture_output=True,
    )
    assert first.returncode == 0, first.stderr
    fake_tmdb.add_generated(SERIES, seasons=3, specials=False, seed=1)  # every body changes
    new = bodies(fake_tmdb, SERIES)
    assert all(old[p] != new[p] for p in old)
    done = subprocess.run(
        argv,
        env=subprocess_env(fake_tmdb_url, KILL_AT_REPLACE=str(kill_at)),
        timeout=60,
        capture_output=True,
    )
    assert done.returncode == -signal.SIGKILL
    # Killed between an entry's two renames, that entry still reads as the old one: 4 of 4.
    assert assert_cache_is_consistent(cache_dir, old, new) == 4


@pytest.mark.parametrize("argv", [["fetch", "--", "-5"], ["report", "0", "--out", "x.html"]])
def test_series_ids_must_be_positive(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert "a TMDB series id is a positive number" in capsys.readouterr().err


def test_output_cut_short_by_the_reader_is_not_an_error(tmp_path: Path) -> None:
    # `credits-analysis fetch 9000001 | head -0`: the reader is gone before the first line.
    reader, writer = os.pipe()
    os.close(reader)
    env = {**os.environ, "CREDITS_ANALYSIS_CACHE_DIR": str(tmp_path)}
    env.pop("TMDB_API_TOKEN", None)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "credits_analysis.cli", "fetch", "9000001"],
            stdout=writer,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
            timeout=60,
        )
    finally:
        os.close(writer)
    assert (done.returncode, done.stderr) == (0, "")


# --- season lists -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "numbers"),
    [
        (["3"], [3]),
        (["1-3"], [1, 2, 3]),
        (["1,2,5"], [1, 2, 5]),
        (["0,2-4", "7", "3"], [0, 2, 3, 4, 7]),
        (["2", "1"], [2, 1]),
        ([" 1 - 2 "], [1, 2]),
    ],
)
def test_seasons_take_numbers_ranges_and_lists(given: list[str], numbers: list[int]) -> None:
    args = cli.build_parser().parse_args(["fetch", "1", "--seasons", *given])
    assert args.seasons == numbers


def test_a_season_range_reaches_load_series(
    online: FakeTMDB, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("fetch", str(SERIES), "--seasons", "2-3") == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out[1:]] == ["season 2", "season 3"]
    assert online.count(f"tv/{SERIES}/season/*") == 2


@pytest.mark.parametrize(
    ("given", "needle"),
    [
        ("-1", "'-1' is not a season list"),
        ("x", "'x' is not a season list"),
        ("1.5", "'1.5' is not a season list"),
        ("3-1", "'3-1' is not a range of seasons: the first number comes first"),
        ("1-100000", "a range spans at most 200 seasons"),
    ],
)
def test_bad_seasons_exit_2_with_a_sentence(
    given: str, needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        run("fetch", "1", "--seasons", given)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err and "ValueError" not in err


# --- output folder and the set of tables --------------------------------------------------


def test_out_that_is_a_file_fails_before_any_request(
    online: FakeTMDB, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "cast.csv"
    existing.write_text("a file")
    assert run("tables", str(SERIES), "--out", str(existing)) == 2
    err = capsys.readouterr().err
    assert err == f"error: {existing} cannot be a folder; give a folder for the output\n"
    assert online.count() == 0 and existing.read_text() == "a file"


def test_out_where_no_file_can_be_written_fails_before_any_request(
    online: FakeTMDB, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("tables", str(SERIES), "--out", "/proc/credits-analysis-test") == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: cannot write files in /proc/credits-analysis-test: ")
    assert "Errno" not in line and ".tmp" not in line
    assert online.count() == 0


def test_a_folder_where_a_table_goes_changes_no_file(
    online: FakeTMDB, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert run("tables", str(SERIES), "--out", str(out), "--seasons", "1") == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / "crew.csv").unlink()
    (out / "crew.csv").mkdir()
    capsys.readouterr()
    assert run("tables", str(SERIES), "--out", str(out)) == 2
    (line,) = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert (
        line == f"error: {out / 'crew.csv'} is a folder where a file should go; no file was written"
    )
    assert (out / "cast.csv").read_bytes() == before["cast.csv"]
    assert (out / "seasons.csv").read_bytes() == before["seasons.csv"]
    assert sorted(p.name for p in out.iterdir()) == ["cast.csv", "crew.csv", "seasons.csv"]


def test_failed_seasons_are_listed_in_failures_csv_until_they_load(
    online: FakeTMDB, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    online.inject(f"tv/{SERIES}/season/3", Fault(404, times=1))
    assert run("tables", str(SERIES), "--out", str(out)) == 3
    failures = pd.read_csv(out / "failures.csv")
    assert failures["season_number"].tolist() == [3]
    assert failures["series_id"].tolist() == [SERIES]
    assert failures["reason"].tolist() == ["not found on TMDB"]
    assert failures["error"].tolist() == ["NotFoundError"]
    assert failures["message"].iloc[0].startswith("TMDB has nothing at")
    assert f"{out / 'failures.csv'}: 1 rows" in capsys.readouterr().out
    assert run("tables", str(SERIES), "--out", str(out)) == 0
    assert not (out / "failures.csv").exists()
    assert f"{out / 'failures.csv'}: removed" in capsys.readouterr().out


# --- CSV that a spreadsheet opens safely --------------------------------------------------

FORMULAS = {
    '=HYPERLINK("http://x.test","click")': '\'=HYPERLINK("http://x.test","click")',
    "=cmd|' /C calc'!A0": "'=cmd|' /C calc'!A0",
    "+cmd": "'+cmd",
    "-1+1": "'-1+1",
    "@SUM(A1)": "'@SUM(A1)",
    "\t=1+1": "'\t=1+1",
    "\r=1+1": "'\r=1+1",
    "  =1+1": "'  =1+1",
    "Ada Example": "Ada Example",
    "Zoë = Zoe": "Zoë = Zoe",
}


def first_names(path: Path) -> list[str]:
    """The name of each person in a cast.csv, in order, read as a spreadsheet would see it."""
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    return list({row["person_id"]: row["name"] for row in reversed(rows)}.values())[::-1]


@pytest.fixture
def formula_names(online: FakeTMDB) -> FakeTMDB:
    details, payloads = online.add_generated(SERIES, seasons=1, specials=False)
    cast = payloads[1]["aggregate_credits"]["cast"]
    for person, name in zip(cast, FORMULAS, strict=False):
        person["name"] = name
    cast[len(FORMULAS)]["name"] = "Nul\0l"
    online.add_series(details, payloads)
    return online


def test_tables_quote_cells_a_spreadsheet_would_evaluate(
    formula_names: FakeTMDB, tmp_path: Path
) -> None:
    assert run("tables", str(SERIES), "--out", str(tmp_path)) == 0
    names = first_names(tmp_path / "cast.csv")
    assert names[: len(FORMULAS)] == list(FORMULAS.values())
    assert names[len(FORMULAS)] == "Null"
    cast = pd.read_csv(tmp_path / "cast.csv")
    assert cast["episode_count"].dtype == "int64"  # numbers stay numbers
    assert b"\0" not in (tmp_path / "cast.csv").read_bytes()


def test_raw_csv_keeps_the_text_as_sent_but_never_nul(
    formula_names: FakeTMDB, tmp_path: Path
) -> None:
    assert run("tables", str(SERIES), "--out", str(tmp_path), "--raw-csv") == 0
    names = first_names(tmp_path / "cast.csv")
    assert names[: len(FORMULAS)] == list(FORMULAS)
    assert names[len(FORMULAS)] == "Null"


def test_excel_csv_starts_with_a_byte_order_mark(online: FakeTMDB, tmp_path: Path) -> None:
    assert run("fetch", str(SERIES), "--seasons", "1") == 0  # both from the cache below
    assert run("tables", str(SERIES), "--out", str(tmp_path / "plain"), "--seasons", "1") == 0
    assert (
        run("tables", str(SERIES), "--out", str(tmp_path / "xl"), "--seasons", "1", "--excel-csv")
        == 0
    )
    for name in ("cast.csv", "crew.csv", "seasons.csv"):
        plain = (tmp_path / "plain" / name).read_bytes()
        assert not plain.startswith(b"\xef\xbb\xbf")
        assert (tmp_path / "xl" / name).read_bytes() == b"\xef\xbb\xbf" + plain


# --- cache subcommand ---------------------------------------------------------------------


def test_cache_clear_with_no_pattern_needs_all(
    online: FakeTMDB, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("fetch", str(SERIES), "--seasons", "1") == 0
    capsys.readouterr()
    assert run("cache", "clear") == 2
    assert "add --all" in capsys.readouterr().err
    assert len(list(RawCache(cache_dir).entries())) == 2


@pytest.mark.parametrize(("answer", "left"), [("y", 0), ("", 2), ("no", 2)])
def test_cache_clear_with_no_pattern_asks_on_a_terminal(
    online: FakeTMDB,
    cache_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    answer: str,
    left: int,
) -> None:
    assert run("fetch", str(SERIES), "--seasons", "1") == 0
    asked: list[str] = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or answer)
    assert run("cache", "clear") == (0 if answer == "y" else 2)
    assert asked == [f"Delete every cached response in {cache_dir}? [y/N] "]
    assert len(list(RawCache(cache_dir).entries())) == left


def test_cache_info_and_clear_understand_a_bare_series_id(
    online: FakeTMDB, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    online.add_generated(SERIES * 10, seasons=1, specials=False)
    assert run("fetch", str(SERIES), "--seasons", "1", "2") == 0
    assert run("fetch", str(SERIES * 10)) == 0
    capsys.readouterr()
    assert run("cache", "info", str(SERIES)) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{cache_dir}: 3 entries matching '{SERIES}'")
    assert sorted(line.split()[0] for line in out[1:]) == [
        f"tv/{SERIES}",
        season_path(SERIES, 1),
        season_path(SERIES, 2),
    ]
    assert run("cache", "clear", str(SERIES)) == 0
    assert capsys.readouterr().out.startswith("removed 3 entries")
    assert {e.api_path for e in RawCache(cache_dir).entries()} == {
        f"tv/{SERIES * 10}",
        season_path(SERIES * 10, 1),
    }


# --- messages -----------------------------------------------------------------------------


def test_messages_name_options_not_python_parameters(
    online: FakeTMDB, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    details, payloads = online.add_generated(SERIES, seasons=2, specials=False)
    payloads[2]["crew"] = 3  # season 2 does not parse
    online.add_series(details, payloads)
    assert run("fetch", str(SERIES)) == 3
    err = capsys.readouterr().err
    assert "season 2 (network) does not parse" in err and "Reload it with --refresh" in err
    monkeypatch.setenv("CREDITS_ANALYSIS_OFFLINE", "1")
    assert run("fetch", str(SERIES), "--refresh") == 2
    assert "error: --refresh needs to fetch from TMDB, but offline mode is on" in (
        capsys.readouterr().err
    )
    assert run("fetch", str(SERIES + 1)) == 2
    err = capsys.readouterr().err
    assert "unset CREDITS_ANALYSIS_OFFLINE and leave out --offline" in err
    for python in ("offline=", "refresh=", "include_specials="):
        assert python not in err


def test_failures_of_several_series_name_each_series(
    online: FakeTMDB, capsys: pytest.CaptureFixture[str]
) -> None:
    online.inject(f"tv/{SERIES}/season/2", Fault(404))
    with pytest.warns(PartialLoadWarning):
        series = load_series(SERIES, progress=False)
    assert cli._report_failures(series, named=True) == cli.EXIT_PARTIAL
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (f"{series.name} (tv/{SERIES}, en-US): season 2 not loaded: not found on TMDB")


# --- terminal escapes ---------------------------------------------------------------------

HOSTILE = (
    "\x1b]0;pwned\x07"  # OSC 0: window title
    "\x1b]52;c;ZWNobyBoaQ==\x1b\\"  # OSC 52: clipboard
    "\x1b[2J\x1b[H"  # CSI: clear the screen, cursor home
    "Evil\u202eexe.txt"  # bidi override
    "\x9b31m\x85\x00\r\x08"  # C1 CSI, NEL, NUL, CR, BS
)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (HOSTILE, "Evilexe.txt"),
        ("a\tb\nc", "a\tb\nc"),
        ("lone \ud800", "lone \ufffd"),
        ("\x1b]0;unterminated title", ""),
        ("Loïc Lefèvre 東京", "Loïc Lefèvre 東京"),
    ],
)
def test_printable_text_has_no_terminal_controls(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_printable_text_is_cut_to_a_limit() -> None:
    assert printable("x" * 30, limit=10) == "xxxxxxxxxx... (20 more characters)"
    assert len(printable("y" * 5_000_000)) < MESSAGE_LIMIT + 40


def test_the_cli_prints_no_escape_sequence_from_names_or_server_messages(
    online: FakeTMDB, capsys: pytest.CaptureFixture[str]
) -> None:
    details, payloads = online.add_generated(SERIES, seasons=2, specials=False)
    details["name"] = f"Show {HOSTILE}"
    online.add_series(details, payloads)
    message = HOSTILE + "z" * 5_000_000
    body = json.dumps({"status_code": 34, "status_message": message}).encode()
    online.inject(f"tv/{SERIES}/season/2", Fault(404, body=body))
    assert run("-v", "fetch", str(SERIES)) == 3
    captured = capsys.readouterr()
    printed = captured.out + captured.err
    # (not "\r": the progress bar redraws its line with it)
    for control in ("\x1b", "\x07", "\x9b", "\x85", "\x00", "\x08", "\u202e"):
        assert control not in printed
    assert captured.out.startswith("Show Evilexe.txt (tv/")
    assert max(len(line) for line in printed.splitlines()) < MESSAGE_LIMIT + 100


def test_cache_info_tells_unreadable_files_and_future_dates_apart(
    cache_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = RawCache(cache_dir)
    future = datetime.now(UTC) + timedelta(days=3650)
    store.write("tv/1", "en-US", b"{}", url="x", fetched_at=future)
    locked = store.write("tv/2", "en-US", b"{}", url="x").path
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == locked:  # root reads any file whatever its mode: a chmod cannot do this
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert run("cache", "info") == 0
    out = capsys.readouterr().out
    assert "2 files that cannot be read (check their permissions and owner)" in out
    assert "interrupted" not in out
    assert "tv/1 en-US" in out and "(in the future: treated as stale)" in out
    assert "days ago" not in out
