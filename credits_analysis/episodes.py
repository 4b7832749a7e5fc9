"""Episode-by-episode analyses: who directed, wrote and guest-starred in which episode.

Pure functions over the episode tables of :class:`~credits_analysis.records.SeriesCredits`
(``episodes``, ``episode_credits``; see :mod:`credits_analysis.episode_tidy`) and, for the
comparison with the aggregate estimate, its ``crew``. Nothing here fetches or draws.

Episodes are placed on one axis for the whole run by ``position``: 1, 2, ... in the order of
season number (Specials, season 0, only when asked for), then episode number. ``air_date``
places them in time instead, so a season that straddles a new year splits correctly.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = [
    "DIRECTOR_JOB",
    "WRITING_DEPARTMENT",
    "episode_makers",
    "guest_appearances",
    "guest_returns",
    "women_directing_share",
]

#: The job of an episode's director in TMDB's ``crew[]``.
DIRECTOR_JOB = "Director"
#: Every job of this department (Writer, Story, Teleplay, Screenplay...) counts as writing.
WRITING_DEPARTMENT = "Writing"
_SPECIALS = 0


def _run_order(episodes: pd.DataFrame, seasons: Iterable[int] | None) -> pd.DataFrame:
    """The episodes kept, in run order, with their ``position`` (1 = the first one)."""
    table = episodes
    if seasons is None:
        table = table[table["season_number"] != _SPECIALS]
    else:
        table = table[table["season_number"].isin(list(seasons))]
    table = table.sort_values(["season_number", "episode_number"], kind="stable")
    # A number listed twice stays one episode for the credits (they name episodes by number).
    table = table.drop_duplicates(["season_number", "episode_number"])
    table = table.reset_index(drop=True)
    table["position"] = np.arange(1, len(table) + 1, dtype="int64")
    return table[["series_id", "season_number", "episode_number", "name", "air_date", "position"]]


def episode_makers(
    episodes: pd.DataFrame,
    episode_credits: pd.DataFrame,
    *,
    seasons: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Who directed and who wrote each episode: the data of the director/writer strip.

    Parameters
    ----------
    episodes, episode_credits
        ``SeriesCredits.episodes`` and ``SeriesCredits.episode_credits``.
    seasons
        Season numbers to keep; None for the whole run without Specials.

    Returns
    -------
    pandas.DataFrame
        One row per episode and role (``directed``, ``written``) and person, in run order;
        an episode with nobody credited in a role gives one row with <NA> person:

        ==============  ==============  ==================================================
        series_id       int64           TMDB series id
        season_number   int64           0 = Specials
        episode_number  Int64           as listed
        episode_name    string          the episode's title
        air_date        datetime64[us]  NaT when unknown
        position        int64           1, 2, ... over the episodes kept (run order)
        role            string          ``directed`` or ``written``
        person_id       Int64           <NA> where nobody is credited
        name            string          the person's name
        gender          category        female, male, non-binary, not set
        sharing         Int64           people credited in this role on this episode
        ==============  ==============  ==================================================
    """
    order = _run_order(episodes, seasons).rename(columns={"name": "episode_name"})
    credits = episode_credits[episode_credits["kind"] == "crew"]
    directing = credits["job"] == DIRECTOR_JOB
    writing = credits["department"] == WRITING_DEPARTMENT
    people = pd.concat(
        [credits[directing].assign(role="directed"), credits[writing].assign(role="written")]
    )
    # A writer credited for both Story and Teleplay wrote the episode once.
    people = people.drop_duplicates(["season_number", "episode_number", "role", "person_id"])
    people = people[["season_number", "episode_number", "role", "person_id", "name", "gender"]]
    grid = order.merge(pd.DataFrame({"role": ["directed", "written"]}), how="cross")
    table = grid.merge(people, on=["season_number", "episode_number", "role"], how="left")
    table["role"] = table["role"].astype("string")
    table["person_id"] = table["person_id"].astype("Int64")
    sharing = table.groupby(["position", "role"])["person_id"].transform("count")
    table["sharing"] = sharing.astype("Int64").where(table["person_id"].notna())
    table = table.sort_values(["position", "role"], kind="stable").reset_index(drop=True)
    return table[
        [
            "series_id",
            "season_number",
            "episode_number",
            "episode_name",
            "air_date",
            "position",
            "role",
            "person_id",
            "name",
            "gender",
            "sharing",
        ]
    ]


def guest_appearances(
    episodes: pd.DataFrame,
    episode_credits: pd.DataFrame,
    *,
    seasons: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Every guest star on every episode, in run order, with how often each came back.

    Parameters
    ----------
    episodes, episode_credits, seasons
        As for :func:`episode_makers`.

    Returns
    -------
    pandas.DataFrame
        One row per guest and episode (a guest in two parts of one episode counts once):

        ==============  ==============  ==================================================
        series_id       int64           TMDB series id
        season_number   int64           0 = Specials
        episode_number  Int64           as listed
        air_date        datetime64[us]  NaT when unknown
        position        int64           run order of the episode (see the module doc)
        person_id       int64           TMDB person id
        name            string          the guest's name
        gender          category        female, male, non-binary, not set
        character       string          the part (the first listed, if several)
        appearance      int64           1 for the guest's first episode, 2 for the next...
        appearances     int64           episodes the guest is in, over the episodes kept
        gap             Int64           episodes since the guest's previous one (0 when
                                        back-to-back); <NA> on a first appearance
        ==============  ==============  ==================================================
    """
    order = _run_order(episodes, seasons).drop(columns="name")
    guests = episode_credits[episode_credits["kind"] == "guest"]
    guests = guests[["season_number", "episode_number", "person_id", "name", "gender", "character"]]
    table = order.merge(guests, on=["season_number", "episode_number"], how="inner")
    table = table.drop_duplicates(["position", "person_id"])
    table = table.sort_values(["position", "person_id"], kind="stable").reset_index(drop=True)
    by_person = table.groupby("person_id", sort=False)
    table["appearance"] = by_person.cumcount().astype("int64") + 1
    table["appearances"] = by_person["position"].transform("size").astype("int64")
    previous = by_person["position"].shift()
    table["gap"] = (table["position"] - previous - 1).astype("Int64")
    return table


def guest_returns(appearances: pd.DataFrame) -> pd.DataFrame:
    """Who returned: one row per guest on two or more episodes, most episodes first.

    Parameters
    ----------
    appearances
        :func:`guest_appearances`.

    Returns
    -------
    pandas.DataFrame
        ===============  ========  ==============================================
        person_id        int64     TMDB person id
        name             string    the guest's name
        gender           category  female, male, non-binary, not set
        appearances      int64     episodes the guest is in
        seasons          int64     distinct seasons of those episodes
        first_position   int64     run order of the first one
        last_position    int64     run order of the last one
        longest_gap      Int64     most episodes between two of them in a row
        ===============  ========  ==============================================
    """
    returning = appearances[appearances["appearances"] > 1]
    table = returning.groupby("person_id", sort=False).agg(
        name=("name", "first"),
        gender=("gender", "first"),
        appearances=("appearances", "first"),
        seasons=("season_number", "nunique"),
        first_position=("position", "min"),
        last_position=("position", "max"),
        longest_gap=("gap", "max"),
    )
    table = table.reset_index().sort_values(
        ["appearances", "first_position"], ascending=[False, True], kind="stable"
    )
    table["gender"] = table["gender"].astype(appearances["gender"].dtype)
    table["seasons"] = table["seasons"].astype("int64")
    table["longest_gap"] = table["longest_gap"].astype("Int64")
    return table.reset_index(drop=True)


def women_directing_share(
    episodes: pd.DataFrame,
    episode_credits: pd.DataFrame,
    crew: pd.DataFrame,
    *,
    seasons: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Share of episodes directed by women, counted per episode, beside the aggregate estimate.

    Counted as the DGA counts it: every director of an episode is credited with the episode,
    so an episode co-directed by a woman and a man is one credit for each; the share is the
    women's director credits over all director credits. The aggregate estimate divides the
    same sums of the season's aggregate credits (``episode_count`` of each Director), which
    say how many episodes, never which: the two differ where TMDB's episode lists and
    aggregate counts disagree. ``not set`` genders count in the denominator, not as women.

    Parameters
    ----------
    episodes, episode_credits, seasons
        As for :func:`episode_makers`.
    crew
        ``SeriesCredits.crew`` (the aggregate credits).

    Returns
    -------
    pandas.DataFrame
        One row per season kept, then a row for them all (``season_number`` <NA>):

        ======================  =======  =============================================
        season_number           Int64    <NA> on the total row
        episodes                int64    episodes listed
        directed_episodes       int64    episodes with a director credited
        director_credits        int64    director-episode credits (co-directors each)
        women_credits           int64    those of women
        women_share             float64  women_credits / director_credits (NaN if 0)
        episodes_with_a_woman   int64    episodes a woman directed or co-directed
        aggregate_credits       Int64    sum of the Directors' aggregate episode counts
        aggregate_women         Int64    those of women
        aggregate_share         float64  aggregate_women / aggregate_credits
        ======================  =======  =============================================
    """
    makers = episode_makers(episodes, episode_credits, seasons=seasons)
    directed = makers[makers["role"] == "directed"]
    per_episode = (
        directed.assign(
            credited=directed["person_id"].notna(),
            woman=(directed["gender"] == "female").fillna(False),
        )
        .groupby("position", sort=True)
        .agg(
            season_number=("season_number", "first"),
            credits=("credited", "sum"),
            women=("woman", "sum"),
        )
    )
    per_season = per_episode.groupby("season_number").agg(
        episodes=("credits", "size"),
        directed_episodes=("credits", lambda c: int((c > 0).sum())),
        director_credits=("credits", "sum"),
        women_credits=("women", "sum"),
        episodes_with_a_woman=("women", lambda w: int((w > 0).sum())),
    )
    directors = crew[crew["job"] == DIRECTOR_JOB]
    directors = directors.assign(
        woman_count=directors["episode_count"].where(directors["gender"] == "female", 0)
    )
    aggregate = directors.groupby("season_number").agg(
        aggregate_credits=("episode_count", "sum"), aggregate_women=("woman_count", "sum")
    )
    aggregate.index = aggregate.index.astype("int64")
    table = per_season.join(aggregate, how="left").fillna(
        {"aggregate_credits": 0, "aggregate_women": 0}
    )
    total = table.sum().to_frame().T
    table = pd.concat([table.reset_index(), total.assign(season_number=pd.NA)], ignore_index=True)
    table["season_number"] = table["season_number"].astype("Int64")
    for column in _COUNTS:
        table[column] = table[column].astype("int64")
    for column in ("aggregate_credits", "aggregate_women"):
        table[column] = table[column].astype("Int64")
    table["women_share"] = _share(table["women_credits"], table["director_credits"])
    table["aggregate_share"] = _share(table["aggregate_women"], table["aggregate_credits"])
    return table[
        [
            "season_number",
            *_COUNTS[:4],
            "women_share",
            "episodes_with_a_woman",
            "aggregate_credits",
            "aggregate_women",
            "aggregate_share",
        ]
    ]


_COUNTS = (
    "episodes",
    "directed_episodes",
    "director_credits",
    "women_credits",
    "episodes_with_a_woman",
)


def _share(part: pd.Series, whole: pd.Series) -> pd.Series:
    whole = whole.astype("float64")
    return (part.astype("float64") / whole.where(whole > 0)).astype("float64")
