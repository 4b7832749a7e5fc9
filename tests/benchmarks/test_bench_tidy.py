"""Tidy conversion of a large payload against ``pandas.json_normalize`` and the JSON parse alone.

The payload is the real whole-run Game of Thrones sample, replicated with fresh ids until it has
at least 50,000 person-roles, so its shape (roles per person, null fields) is TMDB's own.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from credits_analysis import samples, tidy
from tests.benchmarks.timing import best_time

META = [
    "id",
    "name",
    "original_name",
    "gender",
    "known_for_department",
    "popularity",
    "profile_path",
    "adult",
    "total_episode_count",
    "order",
]


def large_payload(min_roles: int) -> dict[str, Any]:
    real = samples.load("tv-1399-aggregate_credits")
    per_copy = sum(len(p["roles"]) for p in real["cast"])
    cast = []
    for copy_index in range(-(-min_roles // per_copy)):
        for person in real["cast"]:
            cast.append(
                {
                    **person,
                    "id": person["id"] * 1000 + copy_index,
                    "roles": [
                        {**role, "credit_id": f"{role['credit_id']}-{copy_index}"}
                        for role in person["roles"]
                    ],
                }
            )
    return {"id": real["id"], "cast": cast, "crew": real["crew"]}


@pytest.mark.benchmark
def test_cast_roles_against_json_normalize_and_parse() -> None:
    body = json.dumps(large_payload(50_000)).encode()
    parsed = json.loads(body)
    rows = sum(len(p["roles"]) for p in parsed["cast"])

    parse = best_time(lambda: json.loads(body))
    ours = best_time(lambda: tidy.cast_roles(parsed, series_id=1399, season_number=None))
    baseline = best_time(
        lambda: pd.json_normalize(parsed["cast"], record_path="roles", meta=META, errors="ignore"),
        repeat=3,
    )

    frame = tidy.cast_roles(parsed, series_id=1399, season_number=None)
    assert len(frame) == rows >= 50_000
    print(
        f"\ntidy.cast_roles on {rows:,} person-roles ({len(body) / 1e6:.1f} MB of JSON): "
        f"json.loads {parse * 1e3:.1f} ms, cast_roles {ours * 1e3:.1f} ms, "
        f"json_normalize {baseline * 1e3:.1f} ms; "
        f"json_normalize/cast_roles = {baseline / ours:.1f}x, "
        f"cast_roles/parse = {ours / parse:.2f}x"
    )
    # Sanity only (timing targets are reported, not asserted): the typed, validated
    # conversion must not be slower than the untyped baseline.
    assert ours < baseline
