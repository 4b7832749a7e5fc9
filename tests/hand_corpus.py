"""A small hand-made corpus for the corpus metrics and figures tests.

The corpus (every number below is worked out by hand from it):

- Alpha (HBO, US, Drama, Scripted; first aired 2019; created by 900, female):
  S0 Specials (2019, 5 episodes): director 103 (male, 5), guest 307; left out of by-year figures.
  S1 (2019, 10 episodes): directors 101 (female, 6) and 102 (male, 4); writers 201 (female,
  Writer 10 and Story 10: counted 10) and 202 (not set, 3); cast 301 F 10, 302 M 10,
  303 not set 1, 304 F 4, 305 M two roles 5 and 3 (counted 5: regular, at half the season).
  S2 (2020, 10 episodes): no director credited; writer 201 (10); cast 301 F 10, 305 M 2,
  306 M 10.
- Beta (HBO and Netflix, GB, no genre, Miniseries; 2019; created by 901 male and 902 not set):
  S1 (2019, 8 episodes) co-directed throughout by 111 (female, 8) and 112 (male, 8), plus
  101 (female, 2); cast 311 not set 8.
- Gamma (Netflix, US, Comedy; 2021; no creator): S1 (2021, 4 episodes) directed by 121
  (not set, 4); no cast.
- Delta (2022; no creator): S1 without an air date, directed by 131 (female, 10): in no year.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pandas as pd

from credits_analysis.schema import (
    CAST_COLUMNS,
    CREW_COLUMNS,
    EPISODE_COLUMNS,
    EPISODE_CREDIT_COLUMNS,
    SEASON_COLUMNS,
)

GENDER = {"F": "female", "M": "male", "N": "not set", "X": "non-binary"}


def _table(columns: dict[str, object], rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(columns))
    return frame.astype({name: dtype for name, dtype in columns.items()})


def _person(series: int, season: int, person: int, gender: str, **more: object) -> dict:
    return {
        "series_id": series,
        "season_number": season,
        "person_id": person,
        "credit_id": f"c{series}-{season}-{person}-{more.get('job', more.get('character', ''))}",
        "name": f"Person {person}",
        "original_name": f"Person {person}",
        "gender": GENDER[gender],
        **more,
    }


def _crew(series: int, season: int, person: int, gender: str, dept: str, job: str, n: int) -> dict:
    return _person(series, season, person, gender, department=dept, job=job, episode_count=n)


def _cast(series: int, season: int, person: int, gender: str, n: int, role: str = "Role") -> dict:
    return _person(series, season, person, gender, character=role, episode_count=n)


def _season(series: int, season: int, air_date: str | None, episodes: int) -> dict:
    return {
        "series_id": series,
        "season_number": season,
        "air_date": pd.Timestamp(air_date) if air_date else pd.NaT,
        "episode_count": episodes,
        "fetched_at": pd.Timestamp("2026-11-01", tz="UTC"),
        "source": "network",
    }


ALPHA, BETA, GAMMA, DELTA = 1, 2, 3, 4

CREW = [
    _crew(ALPHA, 0, 103, "M", "Directing", "Director", 5),
    _crew(ALPHA, 1, 101, "F", "Directing", "Director", 6),
    _crew(ALPHA, 1, 102, "M", "Directing", "Director", 4),
    _crew(ALPHA, 1, 201, "F", "Writing", "Writer", 10),
    _crew(ALPHA, 1, 201, "F", "Writing", "Story", 10),
    _crew(ALPHA, 1, 202, "N", "Writing", "Writer", 3),
    _crew(ALPHA, 2, 201, "F", "Writing", "Writer", 10),
    _crew(BETA, 1, 111, "F", "Directing", "Director", 8),
    _crew(BETA, 1, 112, "M", "Directing", "Director", 8),
    _crew(BETA, 1, 101, "F", "Directing", "Director", 2),
    _crew(GAMMA, 1, 121, "N", "Directing", "Director", 4),
    _crew(DELTA, 1, 131, "F", "Directing", "Director", 10),
]
CAST = [
    _cast(ALPHA, 0, 307, "N", 1),
    _cast(ALPHA, 1, 301, "F", 10),
    _cast(ALPHA, 1, 302, "M", 10),
    _cast(ALPHA, 1, 303, "N", 1),
    _cast(ALPHA, 1, 304, "F", 4),
    _cast(ALPHA, 1, 305, "M", 5, "First role"),
    _cast(ALPHA, 1, 305, "M", 3, "Second role"),
    _cast(ALPHA, 2, 301, "F", 10),
    _cast(ALPHA, 2, 305, "M", 2),
    _cast(ALPHA, 2, 306, "M", 10),
    _cast(BETA, 1, 311, "N", 8),
]
SEASONS = [
    _season(ALPHA, 0, "2019-12-01", 5),
    _season(ALPHA, 1, "2019-03-01", 10),
    _season(ALPHA, 2, "2020-03-01", 10),
    _season(BETA, 1, "2019-06-01", 8),
    _season(GAMMA, 1, "2021-01-01", 4),
    _season(DELTA, 1, None, 10),
]
SERIES = pd.DataFrame(
    {
        "series_id": [ALPHA, BETA, GAMMA, DELTA],
        "name": ["Alpha", "Beta", "Gamma", "Delta"],
        "type": ["Scripted", "Miniseries", "Scripted", "Scripted"],
        "first_air_date": pd.to_datetime(["2019-03-01", "2019-06-01", "2021-01-01", "2022-01-01"]),
        "networks": [["HBO"], ["HBO", "Netflix"], ["Netflix"], []],
        "origin_country": [["US"], ["GB"], ["US"], ["US"]],
        "genres": [["Drama"], [], ["Comedy"], ["Drama"]],
    }
)
CREATORS = pd.DataFrame(
    {
        "series_id": [ALPHA, BETA, BETA],
        "person_id": [900, 901, 902],
        "name": ["Creator A", "Creator B", "Creator C"],
        "gender": ["female", "male", "not set"],
    }
)

# Alpha S1 episode by episode: episode 1 (2019-12-29) co-directed by 101 (female) and 102
# (male), episode 2 (2020-01-05, the same season in the next calendar year) by 102, and an
# undated episode 3 by 101; a writer's credit is no directing.
EPISODES = [
    {"series_id": ALPHA, "season_number": 1, "episode_number": n, "air_date": aired}
    for n, aired in ((1, pd.Timestamp("2019-12-29")), (2, pd.Timestamp("2020-01-05")), (3, pd.NaT))
]
EPISODE_CREDITS = [
    {**_crew(ALPHA, 1, person, gender, dept, job, 1), "episode_number": n, "kind": "crew"}
    for n, person, gender, dept, job in (
        (1, 101, "F", "Directing", "Director"),
        (1, 102, "M", "Directing", "Director"),
        (2, 102, "M", "Directing", "Director"),
        (3, 101, "F", "Directing", "Director"),
        (2, 201, "F", "Writing", "Writer"),
    )
]


def connect_frames(tables: Mapping[str, pd.DataFrame]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per frame, named as its key."""
    connection = duckdb.connect()
    for name, frame in tables.items():
        connection.register(f"{name}_frame", frame)
        connection.execute(f'CREATE VIEW "{name}" AS SELECT * FROM {name}_frame')
    return connection


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the corpus views over the hand-made tables."""
    return connect_frames(
        {
            "cast": _table(dict(CAST_COLUMNS), CAST),
            "crew": _table(dict(CREW_COLUMNS), CREW),
            "seasons": _table(dict(SEASON_COLUMNS), SEASONS),
            "series": SERIES,
            "creators": CREATORS,
            "episodes": _table(dict(EPISODE_COLUMNS), EPISODES),
            "episode_credits": _table(dict(EPISODE_CREDIT_COLUMNS), EPISODE_CREDITS),
        }
    )
