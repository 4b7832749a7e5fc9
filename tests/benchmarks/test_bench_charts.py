"""Every chart builder on the 40-season scale preset, against a naive one-point-per-role figure.

The baseline is what a notebook gets without aggregating first: ``px.strip`` of every
person-role's popularity by season, names and characters in the hover. Each builder must give
a figure far smaller than that one, in a time of the same order as building and serialising it.

Each figure's JSON is also printed next to what the same builder shipped before the figures
were made lighter (:data:`BYTES_BEFORE`): sizes are deterministic for the preset, so a recorded
figure compares exactly.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import pytest

from credits_analysis import charts, demo, tidy
from tests.benchmarks.timing import best_time

SERIES_ID = 9_100_001
#: Bytes of ``fig.to_json()`` per builder on the scale preset, measured on this machine with the
#: code of commit 1391d54 (before the slim template, single-precision arrays and the per-series
#: inputs), the same series id and name.
BYTES_BEFORE = {
    "episode_heatmap": 37_616,
    "episode_distribution": 21_766,
    "gender_bars (cast)": 12_158,
    "gender_bars (crew, episodes)": 12_225,
    "gender_bars (crew, by department)": 60_117,
    "popularity_box": 26_336,
    "continuity_bars": 12_665,
    "regulars_timeline": 45_202,
    "crew_heatmap": 9_126,
}


def scale_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    details, payloads = demo.generate_series(SERIES_ID, **demo.SCALE_PRESET)
    return (
        tidy.seasons(details),
        tidy.cast_roles_by_season(payloads, series_id=SERIES_ID),
        tidy.crew_jobs_by_season(payloads, series_id=SERIES_ID),
    )


@pytest.mark.benchmark
def test_chart_builders_on_the_scale_preset() -> None:
    seasons, cast, crew = scale_frames()
    name = demo.SCALE_PRESET["name"]
    builders: dict[str, Callable[[], go.Figure]] = {
        "episode_heatmap": lambda: charts.episode_heatmap(cast, series_name=name),
        "episode_distribution": lambda: charts.episode_distribution(cast, series_name=name),
        "gender_bars (cast)": lambda: charts.gender_bars(cast, series_name=name),
        "gender_bars (crew, episodes)": lambda: charts.gender_bars(
            crew, series_name=name, weight="episodes"
        ),
        "gender_bars (crew, by department)": lambda: charts.gender_bars(
            crew, series_name=name, by_department=True
        ),
        "popularity_box": lambda: charts.popularity_box(cast, series_name=name),
        "continuity_bars": lambda: charts.continuity_bars(cast, series_name=name),
        "regulars_timeline": lambda: charts.regulars_timeline(
            cast, series_name=name, seasons=seasons
        ),
        "crew_heatmap": lambda: charts.crew_heatmap(crew, series_name=name),
    }

    labelled = cast.assign(season=cast["season_number"].map(charts.season_label))

    def naive() -> go.Figure:
        return px.strip(
            labelled, x="season", y="popularity", color="gender", hover_name="name",
            hover_data=["character"],
        )  # fmt: skip

    naive_build = best_time(naive, repeat=3)
    naive_figure = naive()
    naive_json = best_time(naive_figure.to_json, repeat=1)
    naive_size = len(naive_figure.to_json().encode())

    lines = [
        f"\nchart builders on the scale preset: {cast['season_number'].nunique()} seasons, "
        f"{len(cast):,} cast roles of {cast['person_id'].nunique():,} people, "
        f"{len(crew):,} crew jobs",
        f"{'builder':36} {'build ms':>9} {'JSON bytes':>11} {'before':>9} {'ratio':>6}",
        f"{'baseline: px.strip of every role':36} {naive_build * 1e3:9.1f} {naive_size:11,}"
        f"   (+{naive_json * 1e3:.0f} ms to serialise)",
    ]
    results = {}
    for label, build in builders.items():
        elapsed = best_time(build, repeat=3)
        size = len(build().to_json().encode())
        results[label] = (elapsed, size)
        before = BYTES_BEFORE[label]
        lines.append(f"{label:36} {elapsed * 1e3:9.1f} {size:11,} {before:9,} {size / before:6.2f}")
    total, before = sum(size for _, size in results.values()), sum(BYTES_BEFORE.values())
    lines.append(f"{'all charts':36} {'':9} {total:11,} {before:9,} {total / before:6.2f}")
    print("\n".join(lines))

    assert len(cast) >= 50_000
    for label, (elapsed, size) in results.items():
        # Sanity bounds only (the figures are what is reported): aggregated figures are at
        # least 20x smaller than one point per role, and no builder is an order of magnitude
        # slower than producing the naive figure.
        assert size * 20 < naive_size, label
        assert elapsed < 5 * (naive_build + naive_json), label
    assert total < before, "the figures together weigh less than before"
