"""How the generator's structure compares with the real samples: figures, tolerances, table.

The same figures are computed, from the tidy frames, for the real payloads bundled in
``data/samples/`` and for a generated series; ``data/demo/README.md`` shows the table and
``tests/test_demo.py`` checks every generated figure is within its tolerance of the real one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from credits_analysis import samples, tidy
from credits_analysis.demo.generator import DEMO_SERIES, generate_series, whole_run_credits

__all__ = [
    "REAL_SEASON_SAMPLES",
    "REAL_WHOLE_RUN_SAMPLES",
    "TOLERANCES",
    "calibration_figures",
    "calibration_markdown",
    "calibration_table",
]

#: Real single-season payloads the season figures are measured on: Breaking Bad, Game of
#: Thrones and Halo, season 1 each. The reference page's example (9 people of an unnamed
#: season) is left out: it is an excerpt, not a season.
REAL_SEASON_SAMPLES: tuple[str, ...] = (
    "tv-1396-season-1-aggregate_credits",
    "tv-1399-season-1-aggregate_credits",
    "tv-52814-season-1-with-appends",
)
#: Real whole-run payloads the whole-run figures are measured on: Game of Thrones and Lupin.
REAL_WHOLE_RUN_SAMPLES: tuple[str, ...] = (
    "tv-1399-aggregate_credits",
    "tv-96677-aggregate_credits",
)

#: Largest accepted gap between a generated figure and the pooled real one. The real payloads
#: disagree among themselves (see ``real_min`` and ``real_max`` of :func:`calibration_table`),
#: so a tolerance is about half their spread, never tighter than three samples can tell.
TOLERANCES: Mapping[str, float] = {
    "guest_share": 0.08,
    "regular_share": 0.05,
    "not_set_top_billed": 0.02,
    "not_set_other_cast": 0.08,
    "not_set_crew": 0.15,
    "roles_per_cast_person": 0.02,
    "crew_entries_per_person": 0.05,
    "jobs_per_crew_entry": 0.06,
    "no_profile_cast": 0.08,
    "no_profile_crew": 0.15,
    "empty_character": 0.02,
    "cast_people_per_episode": 1.5,
    "crew_entries_per_episode": 1.5,
    "cast_and_crew_per_season": 1.5,
    "run_guest_share": 0.08,
    "run_roles_per_person": 0.03,
}

_Payloads = Sequence[tuple[int, int | None, Mapping[str, Any]]]  # (series, season, payload)


def calibration_figures(cast: pd.DataFrame, crew: pd.DataFrame) -> pd.Series:
    """Structural figures of season credits, pooled over every season in the frames.

    A season's length is taken as its longest cast role (TMDB credits regulars on every
    episode), so the figures need nothing but the tidy frames.

    Parameters
    ----------
    cast, crew
        Frames of :func:`credits_analysis.tidy.cast_roles` and
        :func:`credits_analysis.tidy.crew_jobs` for one or more seasons of one or more series.

    Returns
    -------
    pandas.Series
        float64, indexed by figure:

        ========================  ===========================================================
        guest_share               share of cast roles credited on 1-2 episodes
        regular_share             share of cast people credited on every episode
        not_set_top_billed        gender "not set" share among cast people with order < 20
        not_set_other_cast        the same among the other cast people
        not_set_crew              the same among crew people
        roles_per_cast_person     cast roles per cast person
        crew_entries_per_person   crew entries (person and department) per crew person
        jobs_per_crew_entry       jobs per crew entry
        no_profile_cast           share of cast people with no ``profile_path``
        no_profile_crew           the same for crew people
        empty_character           share of cast roles with no character
        cast_people_per_episode   cast people per episode
        crew_entries_per_episode  crew entries per episode
        cast_and_crew_per_season  people in both cast and crew, per season
        ========================  ===========================================================
    """
    season = ["series_id", "season_number"]
    person = [*season, "person_id"]
    people = cast.drop_duplicates(person)
    by_season = cast.groupby(season, dropna=False)["episode_count"]
    regulars = cast.loc[cast["episode_count"] == by_season.transform("max"), person]
    episodes = float(by_season.max().sum())
    crew_people = crew.drop_duplicates(person)
    entries = crew.drop_duplicates([*person, "department"])
    top = people["order"].lt(20).fillna(False).to_numpy(dtype=bool)
    not_set = people["gender"].eq("not set").to_numpy(dtype=bool)
    figures = {
        "guest_share": cast["episode_count"].le(2).mean(),
        "regular_share": len(regulars.drop_duplicates()) / len(people),
        "not_set_top_billed": not_set[top].mean() if top.any() else float("nan"),
        "not_set_other_cast": not_set[~top].mean() if not top.all() else float("nan"),
        "not_set_crew": crew_people["gender"].eq("not set").mean(),
        "roles_per_cast_person": len(cast) / len(people),
        "crew_entries_per_person": len(entries) / len(crew_people),
        "jobs_per_crew_entry": len(crew) / len(entries),
        "no_profile_cast": people["profile_path"].isna().mean(),
        "no_profile_crew": crew_people["profile_path"].isna().mean(),
        "empty_character": cast["character"].isna().mean(),
        "cast_people_per_episode": len(people) / episodes,
        "crew_entries_per_episode": len(entries) / episodes,
        "cast_and_crew_per_season": (
            len(people[person].merge(crew_people[person])) / by_season.ngroups
        ),
    }
    return pd.Series(figures, dtype="float64")


def _whole_run_figures(cast: pd.DataFrame) -> pd.Series:
    people = cast.drop_duplicates(["series_id", "person_id"])
    figures = {
        "run_guest_share": people["total_episode_count"].le(2).mean(),
        "run_roles_per_person": len(cast) / len(people),
    }
    return pd.Series(figures, dtype="float64")


def _tidy(payloads: _Payloads) -> tuple[pd.DataFrame, pd.DataFrame]:
    casts, crews = [], []
    for series_id, season_number, payload in payloads:
        casts.append(tidy.cast_roles(payload, series_id=series_id, season_number=season_number))
        crews.append(tidy.crew_jobs(payload, series_id=series_id, season_number=season_number))
    return pd.concat(casts, ignore_index=True), pd.concat(crews, ignore_index=True)


def _figures(seasons: _Payloads, whole_runs: _Payloads) -> pd.Series:
    run_cast, _ = _tidy(whole_runs)
    return pd.concat([calibration_figures(*_tidy(seasons)), _whole_run_figures(run_cast)])


def calibration_table(
    season_payloads: Mapping[int, Mapping[str, Any]] | None = None,
) -> pd.DataFrame:
    """The figures of the real samples beside those of a generated series.

    Parameters
    ----------
    season_payloads
        ``{season_number: season details}`` of a generated series, the second item
        :func:`generate_series` returns; by default the bundled demo series 9000001. Season
        figures use its regular seasons with credits; whole-run figures merge all its seasons,
        Specials included, with :func:`whole_run_credits`, as TMDB's whole-run payload does.

    Returns
    -------
    pandas.DataFrame
        One row per figure of :func:`calibration_figures`, then ``run_guest_share`` (share of
        the whole run's cast people on 1-2 episodes in all) and ``run_roles_per_person``:

        ==========  =======  ===========================================================
        real        float64  pooled over :data:`REAL_SEASON_SAMPLES` (or the whole runs)
        real_min    float64  the smallest figure of a single real payload
        real_max    float64  the largest
        generated   float64  the generated series' figure
        tolerance   float64  from :data:`TOLERANCES`
        within      bool     ``abs(generated - real) <= tolerance``
        ==========  =======  ===========================================================
    """
    if season_payloads is None:
        _, season_payloads = generate_series(9000001, **DEMO_SERIES[9000001])
    real_seasons = [(i, 1, samples.load(name)) for i, name in enumerate(REAL_SEASON_SAMPLES)]
    real_runs = [(i, None, samples.load(name)) for i, name in enumerate(REAL_WHOLE_RUN_SAMPLES)]
    singles = pd.concat(
        [calibration_figures(*_tidy([s])) for s in real_seasons]
        + [_whole_run_figures(_tidy([r])[0]) for r in real_runs]
    )
    by_figure = singles.groupby(level=0, sort=False)
    generated_seasons = [
        (0, number, payload)
        for number, payload in season_payloads.items()
        if number > 0 and payload["aggregate_credits"]["cast"]
    ]
    whole_run = whole_run_credits(season_payloads.values())
    table = pd.DataFrame(
        {
            "real": _figures(real_seasons, real_runs),
            "real_min": by_figure.min(),
            "real_max": by_figure.max(),
            "generated": _figures(generated_seasons, [(0, None, whole_run)]),
            "tolerance": pd.Series(TOLERANCES, dtype="float64"),
        }
    )
    table["within"] = (table["generated"] - table["real"]).abs() <= table["tolerance"]
    return table


def calibration_markdown(table: pd.DataFrame) -> str:
    """``table`` (from :func:`calibration_table`) as the Markdown table of the demo's README."""
    lines = [
        "| figure | real (pooled) | real min-max | generated | tolerance | within |",
        "|---|---:|---:|---:|---:|:---:|",
    ]
    for figure, row in table.iterrows():
        lines.append(
            f"| {figure} | {row['real']:.3f} | {row['real_min']:.3f}-{row['real_max']:.3f} "
            f"| {row['generated']:.3f} | ±{row['tolerance']:g} "
            f"| {'yes' if row['within'] else 'NO'} |"
        )
    return "\n".join(lines)
