"""A build killed with SIGKILL, at any moment, resumes without re-requesting what it committed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from credits_analysis import corpus
from credits_analysis.cache import RawCache
from credits_analysis.corpus.manifest import read_committed
from credits_analysis.endpoints import details_path, season_path
from tests.corpus.served import Served, serve
from tests.fake_tmdb import TOKEN, FakeTMDB, Reply, error_body, fake_settings
from tests.test_cli import _KILL_AT_REPLACE as KILL_AT_REPLACE


def env(base_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "TMDB_API_TOKEN": TOKEN,
        "TMDB_API_BASE_URL": base_url,
        "CREDITS_ANALYSIS_TIMEOUT": "90",
        **extra,
    }


def build_command(root: Path, ids_file: Path, *extra: str) -> list[str]:
    return ["corpus", "build", str(root), "--ids-file", str(ids_file), "--no-progress", *extra]


def assert_whole_series_once(root: Path, served: Served) -> list[int]:
    """Every series the views show has all its rows, once; returns the series shown."""
    with corpus.open(root) as connection:
        shown = [r[0] for r in connection.sql("SELECT series_id FROM series").fetchall()]
        per_series = dict(
            connection.sql('SELECT series_id, count(*) FROM "cast" GROUP BY ALL').fetchall()
        )
        crew = connection.sql("SELECT count(*) FROM crew").fetchall()[0][0]
    assert len(shown) == len(set(shown))
    assert per_series == {s: served.cast_rows([s]) for s in shown}
    assert crew == served.crew_rows(shown)
    return shown


def test_build_killed_mid_way_resumes_without_requesting_committed_series(
    fake_tmdb: FakeTMDB,
    fake_tmdb_url: str,
    tmp_path: Path,
    cache_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = list(range(11001, 11121))
    served = serve(fake_tmdb, ids)
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("\n".join(map(str, ids)))
    root = tmp_path / "corpus"
    # The first 60 series are answered; the others wait until the process is dead, so the kill
    # lands mid-build however fast or slow the machine is.
    release = threading.Event()
    answer = fake_tmdb.respond

    def hold_the_second_half(path: str, *args: Any) -> Any:
        if int(path.split("/")[3]) > 11060:
            release.wait(120)
            return Reply(503, error_body(503), {})  # to a dead process: never recorded
        return answer(path, *args)

    monkeypatch.setattr(fake_tmdb, "respond", hold_the_second_half)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "credits_analysis.cli",
            *build_command(root, ids_file, "--batch-size", "25"),
        ],
        env=env(fake_tmdb_url, CREDITS_ANALYSIS_MAX_RETRIES="0"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        manifest = root / "_manifest"
        while time.monotonic() < deadline and len(list(manifest.glob("part-*.parquet"))) < 2:
            time.sleep(0.01)
        # Two batches of 25 committed; the ten other answered series finish into the third
        # batch, which never fills: they are finished but not committed when the kill lands.
        time.sleep(0.5)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
        release.set()
    monkeypatch.setattr(fake_tmdb, "respond", answer)
    assert process.returncode == -signal.SIGKILL

    committed = set(read_committed(root).series["series_id"].to_pylist())
    assert committed == set(ids[:50])
    assert set(assert_whole_series_once(root, served)) == committed
    cache = RawCache(cache_dir)
    paths = [
        p
        for s in ids[50:]
        for p in [details_path(s), *(season_path(s, n) for n in served.seasons[s])]
    ]
    uncached = [p for p in paths if cache.read(p, "en-US") is None]
    assert len(uncached) >= 60 * 3  # at least the held ones
    fake_tmdb.requests.clear()
    result = corpus.build(
        root, ids, settings=fake_settings(fake_tmdb_url, cache_dir=cache_dir, timeout=60.0)
    )
    assert result.skipped == len(committed) and not result.failed
    # Committed series are not asked for again; what finished but was not committed comes from
    # the raw cache: only what the killed process never received is fetched.
    assert sorted(r.api_path for r in fake_tmdb.requests) == sorted(uncached)
    assert sorted(assert_whole_series_once(root, served)) == ids


# The CLI with os.replace patched to SIGKILL the process at its N-th call (see tests/test_cli.py),
# reporting the number of calls when it is not killed. Every commit renames its data files, then
# its manifest; compaction renames its files, then its manifest.
_KILL_AT_REPLACE = KILL_AT_REPLACE.replace(
    "from credits_analysis.cli import main",
    "import atexit\n"
    'atexit.register(lambda: print(f"replaces={calls}", file=sys.stderr))\n'
    "from credits_analysis.cli import main",
)


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9, 1.0])
def test_killed_between_any_two_renames_the_views_stay_whole_and_resume_completes(
    fake_tmdb: FakeTMDB, fake_tmdb_url: str, tmp_path: Path, fraction: float
) -> None:
    ids = list(range(12001, 12013))
    served = serve(fake_tmdb, ids)
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text("\n".join(map(str, ids)))
    # A warm cache: the only renames are the corpus's own.
    warm = corpus.build(tmp_path / "warm", ids, settings=fake_settings(fake_tmdb_url, timeout=60.0))
    assert len(warm.loaded) == len(ids)
    root = tmp_path / "corpus"
    argv = [
        sys.executable,
        "-c",
        _KILL_AT_REPLACE,
        *build_command(root, ids_file, "--batch-size", "5"),
    ]
    counting = subprocess.run(
        argv,
        env=env(fake_tmdb_url, KILL_AT_REPLACE="0"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert counting.returncode == 0, counting.stderr
    total = int(counting.stderr.rsplit("replaces=", 1)[1])
    kill_at = max(1, round(total * fraction))
    root = tmp_path / "killed"
    argv = [
        sys.executable,
        "-c",
        _KILL_AT_REPLACE,
        *build_command(root, ids_file, "--batch-size", "5"),
    ]
    done = subprocess.run(
        argv, env=env(fake_tmdb_url, KILL_AT_REPLACE=str(kill_at)), capture_output=True, timeout=120
    )
    assert done.returncode == -signal.SIGKILL
    if (root / "corpus.json").exists():
        assert_whole_series_once(root, served)
    fake_tmdb.requests.clear()
    corpus.build(root, ids, settings=fake_settings(fake_tmdb_url, timeout=60.0))
    assert fake_tmdb.count() == 0  # everything came from the warm cache
    assert sorted(assert_whole_series_once(root, served)) == ids
    # Nothing left behind but one file per partition and one manifest.
    assert not list(root.rglob("*.tmp"))
    assert len(list((root / "_manifest").iterdir())) == 1
    assert all(len(list(p.iterdir())) == 1 for p in (root / "cast").iterdir())
