"""A connection opened before a build or refresh that replaced its files says so."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from credits_analysis import CorpusChangedError, corpus
from credits_analysis.corpus import metrics
from credits_analysis.corpus.query import changed_since_open
from tests.corpus.served import build, refresh, serve
from tests.fake_tmdb import FakeTMDB
from tests.hand_corpus import connect_frames

IDS = list(range(13001, 13011))


def test_metrics_on_a_connection_whose_files_were_replaced_say_open_again(
    fake_tmdb: FakeTMDB, tmp_path: Path, cache_dir: Path
) -> None:
    serve(fake_tmdb, IDS)
    root = tmp_path / "corpus"
    build(fake_tmdb, root, IDS, cache_dir)
    with corpus.open(root) as before:
        churn = metrics.cast_churn(before)
        assert changed_since_open(before) is None
        # TMDB changes two series; the refresh replaces their rows and compacts the files.
        for series_id in (13003, 13005):
            fake_tmdb.add_change(series_id, datetime.now(UTC).date())
        changed = serve(fake_tmdb, [13003, 13005], seed=1, seasons=3)
        assert sorted(refresh(fake_tmdb, root, cache_dir).loaded) == [13003, 13005]
        with pytest.raises(CorpusChangedError, match="open the corpus again") as raised:
            metrics.cast_churn(before)
        assert "a build or refresh replaced" in str(raised.value)
        assert isinstance(raised.value.__cause__, duckdb.Error)  # DuckDB's own error kept
        with pytest.raises(CorpusChangedError):
            metrics.overview(before)
    with corpus.open(root) as after:
        assert changed_since_open(after) is None
        cast = dict(after.sql('SELECT series_id, count(*) FROM "cast" GROUP BY ALL').fetchall())
        assert cast[13003] == changed.cast_rows([13003])
        assert not metrics.cast_churn(after).equals(churn)


def test_other_errors_are_left_as_duckdb_raised_them(tmp_path: Path) -> None:
    with connect_frames({}) as hand_made:
        assert changed_since_open(hand_made) is None
        with pytest.raises(duckdb.CatalogException):
            metrics.overview(hand_made)  # no corpus views at all


def test_a_closed_or_foreign_connection_is_not_called_changed(tmp_path: Path) -> None:
    closed = duckdb.connect()
    closed.close()
    assert changed_since_open(closed) is None
    foreign = duckdb.connect()
    # A user's own connection may allow paths that do not exist yet: none is a corpus file.
    foreign.execute(f"SET allowed_paths = ['{tmp_path / 'export.parquet'}']")
    assert changed_since_open(foreign) is None
    missing = tmp_path / "cast" / "series_bucket=3" / "part-00000001.parquet"
    foreign.execute(f"SET allowed_paths = ['{missing}']")
    assert changed_since_open(foreign) is not None
