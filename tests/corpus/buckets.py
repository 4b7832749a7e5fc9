"""A check that a corpus connection's per-bucket views split its ``cast`` view exactly."""

from __future__ import annotations

import duckdb
import pandas as pd

from credits_analysis.corpus import metrics
from credits_analysis.corpus.layout import BUCKETS
from credits_analysis.corpus.query import bucket_views
from tests.hand_corpus import connect_frames


def assert_buckets_hold_the_cast(connection: duckdb.DuckDBPyConnection) -> None:
    """Each bucket view has the cast rows of its bucket's series, and churn is unchanged.

    The churn metrics aggregate bucket by bucket when a connection has these views, so they
    are compared with the same metric worked out over the whole ``cast`` view.
    """
    cast = connection.sql('SELECT * FROM "cast"').df()
    views = bucket_views(connection, "cast")
    assert list(views) == sorted({int(s) % BUCKETS for s in cast["series_id"]})
    for bucket, view in views.items():
        rows = connection.sql(f"SELECT * FROM {view}").df()
        expected = cast[cast["series_id"] % BUCKETS == bucket]
        keys = ["series_id", "season_number", "person_id", "credit_id"]
        pd.testing.assert_frame_equal(
            rows.sort_values(keys, ignore_index=True),
            expected.sort_values(keys, ignore_index=True),
        )
    seasons = connection.sql("SELECT * FROM seasons").df()
    with connect_frames({"cast": cast, "seasons": seasons}) as whole:
        churn = metrics.cast_churn(connection)
        pd.testing.assert_frame_equal(churn, metrics.cast_churn(whole))
    assert len(churn) > 0
