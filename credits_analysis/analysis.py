"""Season-by-season analyses of tidy cast and crew frames. Pure: DataFrame in, DataFrame out.

Every function takes the frames of :mod:`credits_analysis.tidy` (several seasons concatenated)
and returns a new frame; inputs are never modified. People are identified by ``person_id``,
never by name, and counted once per season (or per season and department) however many roles
or jobs they have there.

Several series
--------------
A frame may hold several series (e.g. ``pd.concat([a.cast, b.cast])``). Each series is then
analysed on its own, and the result is the per-series results one after the other, in the order
the series first appear, with a leading ``series_id`` column: ranks, shares, quartiles and "the
previous season" never mix series. A frame of one series gives exactly the one-series result,
without that column.

Episodes credited
-----------------
Aggregate credits give each role (or job) the *number* of episodes it is credited on, not which
episodes. So a person with several roles in a season is credited on somewhere between their
most credited role and the sum over their roles (and at most the season's length): two roles of
3 episodes each cover 3 to 6 episodes. A person's ``episode_count`` here, "episodes credited",
is the lower end, **their most credited role or job**:

- it is certain: the person is credited on at least that many episodes and never on more than
  the season has, so a regular (:func:`regular_spans`) is a regular whatever the overlap;
- it is exact for anyone with one role in the season, which is nearly everyone;
- it is exact in the multi-job pattern of the real payloads, a job held on every episode next to
  other jobs, where the sum counts episodes twice (Writer 1 + Novel 10 makes 11 in a 10-episode
  season, Choreographer 9 + Other 9 makes 18 in a 9-episode one), and for a character credited
  under two names in the same episodes;
- it understates only people whose roles fall in different episodes (a guest in two bit parts).

The sum over roles, which is what TMDB's ``total_episode_count`` is, is kept as
``episode_credits`` ("role credits": an episode counts once per role); ``min(episode_credits,
season length)`` is the upper end. :func:`episodes_per_credit` counts each credit on its own.

Specials (season 0) are left out unless ``include_specials=True``, the same default as the
charts, so a table and the figure drawn from it always agree.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd

from credits_analysis._text import fold_name
from credits_analysis.schema import GENDER_CATEGORIES, GENDER_DTYPE, STRING
from credits_analysis.wording import SPECIALS_SEASON

if TYPE_CHECKING:
    from credits_analysis.load import SeriesCredits

__all__ = [
    "SPECIALS",
    "continuity",
    "crew_headcount",
    "episode_matrix",
    "episodes_per_credit",
    "find_people",
    "fold_name",
    "gender_split",
    "people",
    "popularity_by_season",
    "popularity_summary",
    "regular_spans",
    "season_lengths",
    "top_people",
]

#: Season number TMDB gives the Specials.
SPECIALS = SPECIALS_SEASON
_ROLE_SEPARATOR = " / "
_Analysis = TypeVar("_Analysis", bound=Callable[..., pd.DataFrame])


def _each_series(function: _Analysis) -> _Analysis:
    """Run a one-series analysis on each series of the frame, keyed by a leading ``series_id``.

    Splitting makes "equal to the per-series results" true by construction, whatever ranks,
    quantiles or season-to-season comparisons the analysis computes.
    """

    first = next(iter(inspect.signature(function).parameters))

    @functools.wraps(function)
    def each(*args: Any, **kwargs: Any) -> pd.DataFrame:
        frame: pd.DataFrame = args[0] if args else kwargs[first]
        if frame["series_id"].nunique() <= 1:
            return function(*args, **kwargs)
        rest = args[1:]
        options = {k: v for k, v in kwargs.items() if k != first}
        results = []
        for series_id, part in frame.groupby("series_id", sort=False):
            result = function(part, *rest, **options)
            if "series_id" not in result.columns:
                result.insert(0, "series_id", np.int64(series_id))
            results.append(result)
        return pd.concat(results, ignore_index=True)

    return typing.cast(_Analysis, each)


@_each_series
def episode_matrix(
    cast: pd.DataFrame, *, top: int = 25, include_specials: bool = False
) -> pd.DataFrame:
    """Episodes credited per person and season, for the ``top`` people by episodes overall.

    Episodes credited are a person's most credited role that season (see the module notes).

    Parameters
    ----------
    cast
        Tidy cast frame (:func:`credits_analysis.tidy.cast_roles`), one or more seasons.
    top
        How many people to keep, ranked by credited episodes over all the seasons kept.
    include_specials
        Keep season 0.

    Returns
    -------
    pandas.DataFrame
        Long form, one row per (person, season) where the person is credited, sorted by rank
        then season (pivot ``episode_count`` on ``season_number`` for the matrix):

        ==================  ========  ===================================================
        rank                int64     1 = most credited episodes; ties broken by name, id
        person_id           int64     TMDB person id
        name                string    the person's name
        season_number       int64     season
        episode_count       int64     episodes credited that season: the most credited role
        episode_credits     int64     role credits: episodes summed over that season's roles
        roles               string    that season's characters (cast) or jobs (crew), the
                                      most credited first
        total_episodes      int64     ``episode_count`` summed over the seasons kept
        ==================  ========  ===================================================
    """
    _check_top(top)
    cast = _seasons(cast, include_specials=include_specials)
    per_season = _per_person(cast, ["season_number"])
    # Narrow to the leaders (ties at the cut kept) before sorting by name: cheap on 50k people.
    leaders = per_season.groupby("person_id")["episode_count"].sum().nlargest(top, keep="all")
    names = per_season.drop_duplicates("person_id").set_index("person_id")["name"]
    totals = (
        pd.DataFrame({"total_episodes": leaders, "name": names.reindex(leaders.index)})
        .rename_axis("person_id")
        .reset_index()
        .sort_values(["total_episodes", "name", "person_id"], ascending=[False, True, True])
        .head(top)
    )
    totals["rank"] = np.arange(1, len(totals) + 1, dtype="int64")
    matrix = _with_roles(per_season.drop(columns="name").merge(totals, on="person_id"), cast)
    columns = [
        "rank", "person_id", "name", "season_number", "episode_count", "episode_credits",
        "roles", "total_episodes",
    ]  # fmt: skip
    return (
        matrix.sort_values(["rank", "season_number"])[columns]
        .astype({"total_episodes": "int64"})
        .reset_index(drop=True)
    )


@_each_series
def episodes_per_credit(frame: pd.DataFrame, *, include_specials: bool = False) -> pd.DataFrame:
    """How many credits (roles or jobs) are credited with each number of episodes, per season.

    Regulars show up as credits near the season's episode count, guests as credits on one or
    two episodes. Credits with no ``episode_count`` are left out.

    Parameters
    ----------
    frame
        Tidy cast or crew frame.
    include_specials
        Keep season 0.

    Returns
    -------
    pandas.DataFrame
        One row per season and credited episode count that occurs, sorted by both:

        ==================  ========  ================================================
        season_number       int64     season
        episode_count       int64     episodes credited to one role or job
        credits             int64     how many credits have that count
        share               float64   ``credits`` over the season's credits (sums to 1)
        ==================  ========  ================================================
    """
    frame = _seasons(frame, include_specials=include_specials)
    counts = (
        frame.dropna(subset=["episode_count"])
        .groupby(["season_number", "episode_count"])
        .size()
        .rename("credits")
        .reset_index()
    )
    counts["share"] = counts["credits"] / counts.groupby("season_number")["credits"].transform(
        "sum"
    )
    return counts.astype(
        {"episode_count": "int64", "credits": "int64", "share": "float64"}
    ).reset_index(drop=True)


@_each_series
def gender_split(
    frame: pd.DataFrame,
    *,
    by: Sequence[str] = ("season_number",),
    include_specials: bool = False,
) -> pd.DataFrame:
    """Distinct people and episodes credited per gender category, in each group.

    Every gender category of :data:`~credits_analysis.schema.GENDER_CATEGORIES` has a row in
    every group, with zeros where nobody has it: "not set" is never dropped.

    Parameters
    ----------
    frame
        Tidy cast or crew frame.
    by
        Columns that define a group, e.g. ``("season_number",)`` or, for crew,
        ``("season_number", "department")``. A person is counted once per group whatever
        their number of roles, jobs or departments in it.
    include_specials
        Keep season 0.

    Returns
    -------
    pandas.DataFrame
        One row per group and gender category, sorted by group then category order:

        ==================  ========  ======================================================
        *by columns*        as input  the group
        gender              category  female, male, non-binary, not set
        people              int64     distinct people of that gender in the group
        people_share        float64   ``people`` over the group's people (sums to 1)
        episodes            int64     episodes credited, summed over the group's people
                                      (each person-season weighs its most credited role)
        episode_share       float64   ``episodes`` over the group's episodes (sums to 1;
                                      NaN if the group has no credited episode)
        ==================  ========  ======================================================

    Raises
    ------
    ValueError
        If ``by`` is empty or names a column the frame lacks.
    """
    keys = list(by)
    if not keys or "gender" in keys:
        raise ValueError(f"by must name one or more grouping columns other than gender: {by!r}")
    missing = [key for key in keys if key not in frame.columns]
    if missing:
        raise ValueError(f"cannot group by {missing}: the frame has no such column")
    frame = _seasons(frame, include_specials=include_specials)
    # Episodes are credited per person and season (and department, when grouped by it); a
    # group spanning seasons adds its people's seasons up.
    per_person = _per_person(frame, list(dict.fromkeys([*keys, "season_number"])))
    people = (
        per_person.drop_duplicates([*keys, "person_id"])
        .groupby([*keys, "gender"], observed=True, dropna=False)
        .size()
        .rename("people")
    )
    episodes = per_person.groupby([*keys, "gender"], observed=True, dropna=False)[
        "episode_count"
    ].sum()
    groups = frame[keys].drop_duplicates()
    categories = pd.DataFrame({"gender": pd.Categorical(GENDER_CATEGORIES, dtype=GENDER_DTYPE)})
    split = (
        groups.merge(categories, how="cross")
        .merge(people.reset_index(), on=[*keys, "gender"], how="left")
        .merge(episodes.rename("episodes").reset_index(), on=[*keys, "gender"], how="left")
    )
    split[["people", "episodes"]] = split[["people", "episodes"]].fillna(0).astype("int64")
    for count, share in (("people", "people_share"), ("episodes", "episode_share")):
        total = split.groupby(keys, sort=False)[count].transform("sum")
        split[share] = (split[count] / total.where(total > 0)).astype("float64")
    split["gender"] = split["gender"].astype(GENDER_DTYPE)
    columns = [*keys, "gender", "people", "people_share", "episodes", "episode_share"]
    return split.sort_values([*keys, "gender"])[columns].reset_index(drop=True)


@_each_series
def popularity_by_season(cast: pd.DataFrame, *, include_specials: bool = False) -> pd.DataFrame:
    """Each season's distinct people with their popularity.

    ``popularity`` is a person-level TMDB score at fetch time, the same for a person in every
    season fetched that day: it describes the person now, never how popular they were during
    a season.

    Parameters
    ----------
    cast
        Tidy cast (or crew) frame.
    include_specials
        Keep season 0.

    Returns
    -------
    pandas.DataFrame
        One row per (season, person), sorted by season then popularity, highest first:

        ==================  ========  ================================================
        season_number       int64     season
        person_id           int64     TMDB person id
        name                string    the person's name
        gender              category  female, male, non-binary, not set
        popularity          float64   TMDB popularity at fetch time
        episode_count       int64     episodes credited that season: the most credited role
        episode_credits     int64     role credits: episodes summed over that season's roles
        ==================  ========  ================================================
    """
    people = _per_person(_seasons(cast, include_specials=include_specials), ["season_number"])
    return people.sort_values(
        ["season_number", "popularity", "episode_count", "person_id"],
        ascending=[True, False, False, True],
    ).reset_index(drop=True)


@_each_series
def popularity_summary(cast: pd.DataFrame, *, include_specials: bool = False) -> pd.DataFrame:
    """Quartiles of the fetch-time popularity of each season's distinct people.

    Parameters
    ----------
    cast
        Tidy cast (or crew) frame.
    include_specials
        Keep season 0.

    Returns
    -------
    pandas.DataFrame
        One row per season, sorted; quantiles interpolate linearly (as plotly's boxes do):

        ==================  ========  ====================================================
        season_number       int64     season
        people              int64     distinct people with a popularity
        min, q1, median,    float64   the quartiles of their popularity
        q3, max
        lower_fence         float64   lowest value within 1.5 IQR below ``q1`` (whisker)
        upper_fence         float64   highest value within 1.5 IQR above ``q3`` (whisker)
        ==================  ========  ====================================================
    """
    people = popularity_by_season(cast, include_specials=include_specials).dropna(
        subset=["popularity"]
    )
    grouped = people.groupby("season_number")["popularity"]
    summary = grouped.agg(people="size", min="min", max="max")
    for name, q in (("q1", 0.25), ("median", 0.5), ("q3", 0.75)):
        summary[name] = grouped.quantile(q)
    iqr = (summary["q3"] - summary["q1"]).reindex(people["season_number"]).to_numpy()
    low = summary["q1"].reindex(people["season_number"]).to_numpy() - 1.5 * iqr
    high = summary["q3"].reindex(people["season_number"]).to_numpy() + 1.5 * iqr
    value = people["popularity"]
    summary["lower_fence"] = (
        value.where(value.to_numpy() >= low).groupby(people["season_number"]).min()
    )
    summary["upper_fence"] = (
        value.where(value.to_numpy() <= high).groupby(people["season_number"]).max()
    )
    columns = ["people", "min", "q1", "median", "q3", "max", "lower_fence", "upper_fence"]
    return (
        summary[columns]
        .astype({"people": "int64"} | dict.fromkeys(columns[1:], "float64"))
        .reset_index()
    )


@_each_series
def top_people(cast: pd.DataFrame, *, n: int = 10, include_specials: bool = False) -> pd.DataFrame:
    """The ``n`` most popular people (at fetch time) of each season.

    Parameters
    ----------
    cast
        Tidy cast frame.
    n
        People per season; ties are broken by episodes credited, then person id.
    include_specials
        Keep season 0.

    Returns
    -------
    pandas.DataFrame
        Up to ``n`` rows per season, sorted by season then rank:

        ==================  ========  ================================================
        season_number       int64     season
        rank                int64     1 = most popular that season
        person_id           int64     TMDB person id
        name                string    the person's name
        roles               string    that season's characters (cast) or jobs (crew), the
                                      most credited first
        gender              category  female, male, non-binary, not set
        popularity          float64   TMDB popularity at fetch time
        episode_count       int64     episodes credited that season: the most credited role
        episode_credits     int64     role credits: episodes summed over that season's roles
        ==================  ========  ================================================
    """
    _check_top(n)
    cast = _seasons(cast, include_specials=include_specials)
    ranked = popularity_by_season(cast, include_specials=True).groupby("season_number").head(n)
    ranked.insert(1, "rank", ranked.groupby("season_number").cumcount().add(1).astype("int64"))
    columns = [
        "season_number", "rank", "person_id", "name", "roles", "gender", "popularity",
        "episode_count", "episode_credits",
    ]  # fmt: skip
    return _with_roles(ranked, cast)[columns].reset_index(drop=True)


@_each_series
def continuity(frame: pd.DataFrame) -> pd.DataFrame:
    """Who returns, rejoins, arrives and leaves from one season to the next.

    Each season is compared with the previous season present in ``frame`` (so a gap in the
    numbering, or a season that failed to load, is skipped over: see ``previous_season``).
    Specials are always left out: they span the whole run, so "the previous season" means
    nothing for them.

    Parameters
    ----------
    frame
        Tidy cast or crew frame.

    Returns
    -------
    pandas.DataFrame
        One row per season, sorted. ``people == returning + rejoining + new`` and, from the
        second season on, the previous season's people ``== returning + left``:

        ==================  ========  ===========================================================
        season_number       int64     season
        previous_season     Int64     the season compared with; <NA> for the first
        people              int64     distinct people this season
        returning           int64     also in the previous season
        rejoining           int64     not in the previous season but in an earlier one
        new                 int64     in no earlier season
        left                int64     in the previous season but not this one
        ==================  ========  ===========================================================
    """
    frame = _seasons(frame, include_specials=False)
    people = frame.groupby("season_number")["person_id"].unique()
    rows = []
    seen: set[int] = set()
    previous: set[int] = set()
    previous_number: int | None = None
    for number, ids in people.items():
        current = set(ids.tolist())
        rows.append(
            {
                "season_number": number,
                "previous_season": previous_number,
                "people": len(current),
                "returning": len(current & previous),
                "rejoining": len((current - previous) & seen),
                "new": len(current - seen),
                "left": len(previous - current),
            }
        )
        seen |= current
        previous, previous_number = current, number
    columns = {
        "season_number": "int64",
        "previous_season": "Int64",
        **dict.fromkeys(["people", "returning", "rejoining", "new", "left"], "int64"),
    }
    if not rows:
        return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in columns.items()})
    return pd.DataFrame(rows).astype(columns)


@_each_series
def regular_spans(
    cast: pd.DataFrame,
    *,
    min_share: float = 0.5,
    seasons: pd.DataFrame | None = None,
    top: int | None = None,
    include_specials: bool = False,
) -> pd.DataFrame:
    """The seasons in which each person is a regular: credited on at least ``min_share`` of them.

    A person's episodes credited are their most credited role that season (see the module
    notes), so two 3-episode roles in a 6-episode season make a share of 0.5, not 1: roles that
    may share episodes never add up to a regular.

    Parameters
    ----------
    cast
        Tidy cast (or crew) frame.
    min_share
        Share of a season's episodes, in (0, 1], a person must be credited on.
    seasons
        Tidy seasons frame (:func:`credits_analysis.tidy.seasons`) giving each season's episode
        count; seasons it does not list, or lists without episodes, have no regulars. Without
        it a season's length is taken as its most credited single role, which is right
        whenever someone is credited on every episode (regular cast are).
    top
        Keep only the ``top`` people who are regulars in the most seasons (ties: the earliest
        first season, then name); None keeps everyone.
    include_specials
        Keep season 0.

    Returns
    -------
    pandas.DataFrame
        One row per (person, season) where the person is a regular, sorted by first regular
        season, then seasons as a regular (most first), name, season:

        ==================  ========  ==========================================================
        person_id           int64     TMDB person id
        name                string    the person's name
        gender              category  female, male, non-binary, not set
        season_number       int64     season
        episode_count       int64     episodes credited that season: the most credited role
        episode_credits     int64     role credits: episodes summed over that season's roles
        season_episodes     int64     the season's episode count
        episode_share       float64   ``episode_count / season_episodes``, at most 1
        roles               string    that season's characters (cast) or jobs (crew), the
                                      most credited first
        first_season        int64     the person's first season as a regular
        last_season         int64     their last season as a regular
        regular_seasons     int64     how many seasons they are a regular in
        ==================  ========  ==========================================================

    Raises
    ------
    ValueError
        If ``min_share`` is not in (0, 1] or ``top`` is not a positive integer.
    """
    if not 0 < min_share <= 1:
        raise ValueError(f"min_share must be in (0, 1], got {min_share!r}")
    if top is not None:
        _check_top(top)
    cast = _seasons(cast, include_specials=include_specials)
    lengths = season_lengths(cast, seasons=seasons, include_specials=True)
    people = _per_person(cast, ["season_number"]).merge(lengths, on="season_number")
    people["episode_share"] = (people["episode_count"] / people["season_episodes"]).clip(upper=1)
    regular = people[people["episode_share"] >= min_share].copy()
    spans = regular.groupby("person_id")["season_number"]
    regular["first_season"] = spans.transform("min")
    regular["last_season"] = spans.transform("max")
    regular["regular_seasons"] = spans.transform("size")
    if top is not None:
        leaders = (
            regular.drop_duplicates("person_id")
            .sort_values(
                ["regular_seasons", "first_season", "name", "person_id"],
                ascending=[False, True, True, True],
            )["person_id"]
            .head(top)
        )
        regular = regular[regular["person_id"].isin(leaders)]
    regular = _with_roles(regular, cast)
    columns = [
        "person_id", "name", "gender", "season_number", "episode_count", "episode_credits",
        "season_episodes", "episode_share", "roles", "first_season", "last_season",
        "regular_seasons",
    ]  # fmt: skip
    return (
        regular.sort_values(
            ["first_season", "regular_seasons", "name", "person_id", "season_number"],
            ascending=[True, False, True, True, True],
        )[columns]
        .astype(
            {
                "season_episodes": "int64",
                "episode_share": "float64",
                **dict.fromkeys(["first_season", "last_season", "regular_seasons"], "int64"),
            }
        )
        .reset_index(drop=True)
    )


@_each_series
def season_lengths(
    frame: pd.DataFrame, *, seasons: pd.DataFrame | None = None, include_specials: bool = False
) -> pd.DataFrame:
    """Each season's episode count: from the seasons table, else its most credited role.

    Parameters
    ----------
    frame
        Tidy cast or crew frame; its seasons are the ones listed.
    seasons
        Tidy seasons frame (:func:`credits_analysis.tidy.seasons`, of one or several series).
        Without it, a season's length is taken as its most credited single role or job, which
        is right whenever someone is credited on every episode (regular cast are).
    include_specials
        Keep season 0.

    Returns
    -------
    pandas.DataFrame
        One row per season of ``frame`` whose length is known and above zero, sorted:

        ==================  ========  ================================================
        season_number       int64     season
        season_episodes     int64     the season's episode count
        ==================  ========  ================================================
    """
    frame = _seasons(frame, include_specials=include_specials)
    if seasons is not None:
        if "series_id" in seasons.columns:  # a seasons table of several series
            seasons = seasons[seasons["series_id"].isin(frame["series_id"].unique())]
        lengths = seasons.set_index("season_number")["episode_count"]
    else:
        lengths = frame.groupby("season_number")["episode_count"].max()
    numbers = pd.Series(np.sort(frame["season_number"].unique()), name="season_number")
    known = numbers.map(lengths.dropna().astype("int64"))
    table = pd.DataFrame({"season_number": numbers, "season_episodes": known})
    return table[table["season_episodes"] > 0].astype("int64").reset_index(drop=True)


@_each_series
def crew_headcount(crew: pd.DataFrame, *, include_specials: bool = False) -> pd.DataFrame:
    """Distinct people and credits per department and season.

    Parameters
    ----------
    crew
        Tidy crew frame (:func:`credits_analysis.tidy.crew_jobs`).
    include_specials
        Keep season 0.

    Returns
    -------
    pandas.DataFrame
        One row for every season and every department of the frame (zeros where a department
        has nobody that season), sorted by season then department; credits without a
        department are left out:

        ==================  ========  =====================================================
        season_number       int64     season
        department          string    TMDB crew department
        people              int64     distinct people credited in the department
        credits             int64     job credits in the department (a person can hold several)
        ==================  ========  =====================================================
    """
    crew = _seasons(crew, include_specials=include_specials)
    keys = ["season_number", "department"]
    counts = crew.groupby(keys).agg(people=("person_id", "nunique"), credits=("credit_id", "size"))
    grid = pd.MultiIndex.from_product(
        [np.sort(crew["season_number"].unique()), np.sort(crew["department"].dropna().unique())],
        names=keys,
    )
    return (
        counts.reindex(grid, fill_value=0)
        .astype("int64")
        .reset_index()
        .astype({"season_number": "int64", "department": STRING})
    )


def find_people(frame: pd.DataFrame, query: str) -> pd.DataFrame:
    """The rows of ``frame`` whose ``name`` or ``original_name`` contains ``query``.

    The match ignores case, accents and repeated spaces (see :func:`fold_name`), so
    ``"lefevre"`` finds "Loïc Lefèvre" and "LEFÈVRE" finds "Lefevre".

    Parameters
    ----------
    frame
        Any frame with a ``name`` column and optionally ``original_name``: a tidy cast or crew
        frame (one or several series) or a :func:`people` table.
    query
        Part of a name.

    Returns
    -------
    pandas.DataFrame
        The matching rows, every column and the index as in ``frame`` (pass a cast or crew
        frame's matches to :func:`people` for one row per person).

    Raises
    ------
    ValueError
        If ``query`` has no letter or digit to search for.
    """
    wanted = fold_name(query)
    if not any(c.isalnum() for c in wanted):
        raise ValueError(f"a name search needs a letter or digit, got {query!r}")
    found = np.zeros(len(frame), dtype=bool)
    for column in ("name", "original_name"):
        if column in frame.columns:
            names = frame[column].astype(STRING)
            # Fold each distinct name once: a series repeats its people season after season.
            distinct = names.dropna().unique()
            hits = {name for name in distinct if wanted in fold_name(name)}
            found |= names.isin(hits).to_numpy(dtype=bool, na_value=False)
    return frame[found]


def people(
    source: pd.DataFrame | SeriesCredits | Iterable[pd.DataFrame | SeriesCredits],
    *,
    include_specials: bool = False,
) -> pd.DataFrame:
    """One row per person and series: their seasons, episodes credited, roles and departments.

    Parameters
    ----------
    source
        A tidy cast or crew frame (one or several series), a
        :class:`~credits_analysis.SeriesCredits` (its cast and crew both count), or a sequence
        of these.
    include_specials
        Count season 0.

    Returns
    -------
    pandas.DataFrame
        One row per (series, person) credited in a season kept, sorted by series (in the order
        they first appear), then episodes credited (most first), name and person id:

        ==================  ========  ==========================================================
        series_id           int64     TMDB series id
        person_id           int64     TMDB person id
        name                string    the person's name
        original_name       string    their name in its original spelling
        gender              category  female, male, non-binary, not set
        seasons             object    the season numbers they are credited in, a sorted list
        season_count        int64     how many seasons
        first_season        int64     their first season
        last_season         int64     their last season
        episodes            int64     episodes credited, summed over seasons (each season's
                                      most credited role or job, cast and crew together)
        roles               string    characters played, the most credited first (<NA> if none)
        jobs                string    crew jobs, the most credited first (<NA> if none)
        departments         string    crew departments, the most credited first, joined by
                                      ", " (<NA> if none)
        ==================  ========  ==========================================================
    """
    frames = _frames_of(source)
    cast = [f for f in frames if "department" not in f.columns]
    crew = [f for f in frames if "department" in f.columns]
    fields = ["series_id", "season_number", "person_id", "name", "original_name", "gender",
              "episode_count"]  # fmt: skip
    credits = _seasons(
        pd.concat([f[fields] for f in frames], ignore_index=True),
        include_specials=include_specials,
    ).astype({"gender": GENDER_DTYPE})
    keys = ["series_id", "person_id"]
    per_season = credits.groupby([*keys, "season_number"], sort=True).agg(
        episode_count=("episode_count", "max")
    )
    per_season = per_season.fillna({"episode_count": 0}).reset_index()
    seasons = per_season.groupby(keys)["season_number"]
    table = credits.groupby(keys, sort=False).agg(
        name=("name", "first"), original_name=("original_name", "first"), gender=("gender", "first")
    )
    table["seasons"] = seasons.agg(list)
    table["season_count"] = seasons.size()
    table["first_season"] = seasons.min()
    table["last_season"] = seasons.max()
    table["episodes"] = per_season.groupby(keys)["episode_count"].sum()
    for column, parts in (("roles", cast), ("jobs", crew)):
        table[column] = _joined_per_person(parts, "character" if column == "roles" else "job")
    table["departments"] = _joined_per_person(crew, "department", separator=", ")
    order = {series_id: i for i, series_id in enumerate(credits["series_id"].unique())}
    table = table.reset_index()
    table["order"] = table["series_id"].map(order)
    table = table.sort_values(
        ["order", "episodes", "name", "person_id"], ascending=[True, False, True, True]
    )
    integers = ["series_id", "person_id", "season_count", "first_season", "last_season"]
    strings = ["name", "original_name", "roles", "jobs", "departments"]
    dtypes = dict.fromkeys([*integers, "episodes"], "int64") | dict.fromkeys(strings, STRING)
    return (
        table.drop(columns="order").astype(dtypes | {"gender": GENDER_DTYPE}).reset_index(drop=True)
    )


def _frames_of(
    source: pd.DataFrame | SeriesCredits | Iterable[pd.DataFrame | SeriesCredits],
) -> list[pd.DataFrame]:
    """The tidy frames behind ``source``: a frame, a series' cast and crew, or a sequence."""
    items = [source] if isinstance(source, pd.DataFrame) or hasattr(source, "cast") else source
    frames: list[pd.DataFrame] = []
    for item in items:  # type: ignore[union-attr]
        frames.extend([item] if isinstance(item, pd.DataFrame) else [item.cast, item.crew])
    if not frames:
        raise ValueError("people() needs at least one frame or series")
    return frames


def _joined_per_person(
    frames: list[pd.DataFrame], column: str, *, separator: str = _ROLE_SEPARATOR
) -> pd.Series:
    """Per (series_id, person_id): the distinct values of ``column``, most credited first."""
    index = pd.MultiIndex.from_arrays([[], []], names=["series_id", "person_id"])
    if not frames:
        return pd.Series([], index=index, dtype=STRING)
    credits = pd.concat(frames, ignore_index=True)
    return _joined(credits, ["series_id"], column, separator).set_index(["series_id", "person_id"])[
        column
    ]


def _seasons(frame: pd.DataFrame, *, include_specials: bool) -> pd.DataFrame:
    """Check that ``frame`` is per-season credits; drop Specials unless asked."""
    season = frame["season_number"]
    if season.isna().any():
        raise ValueError(
            f"{int(season.isna().sum())} rows have no season_number: per-season analyses need "
            "season aggregate credits, not the whole-run /tv/{id}/aggregate_credits"
        )
    if not include_specials:
        frame = frame[season.to_numpy() != SPECIALS]
    return frame.astype({"season_number": "int64"})


def _per_person(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per person and group: person-level fields, episodes credited and role credits.

    ``keys`` must hold ``season_number``: episodes credited are a person's most credited role in
    one season, which means nothing across seasons.
    """
    people = (
        frame.groupby([*keys, "person_id"], sort=True, dropna=False)
        .agg(
            name=("name", "first"),
            gender=("gender", "first"),
            popularity=("popularity", "first"),
            episode_count=("episode_count", "max"),
            episode_credits=("episode_count", "sum"),
        )
        .reset_index()
    )
    return people.fillna({"episode_count": 0}).astype(
        {
            "name": STRING,
            "gender": GENDER_DTYPE,
            "popularity": "float64",
            "episode_count": "int64",
            "episode_credits": "int64",
        }
    )


def _with_roles(table: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """``table`` (by season and person) with a ``roles`` column for the people it lists."""
    listed = frame[frame["person_id"].isin(table["person_id"])]
    roles = _roles(listed, ["season_number"])
    return table.merge(roles, on=["season_number", "person_id"], how="left").astype(
        {"roles": STRING}
    )


def _roles(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Each person's distinct characters (cast) or jobs (crew) per group, most credited first."""
    role = "character" if "character" in frame.columns else "job"
    return _joined(frame, keys, role, _ROLE_SEPARATOR).rename(columns={role: "roles"})


def _joined(frame: pd.DataFrame, keys: list[str], column: str, separator: str) -> pd.DataFrame:
    """Each person's distinct values of ``column`` per group, most credited first, joined."""
    group = [*keys, "person_id"]
    named = (
        frame.dropna(subset=[column])
        .sort_values("episode_count", ascending=False, kind="stable")
        .drop_duplicates([*group, column])
    )
    # Joining strings runs in Python once per group: do it only for the few people with
    # several values, and take the others' single value as it is.
    several = named.duplicated(group, keep=False)
    joined = pd.concat(
        [
            named.loc[~several, [*group, column]].set_index(group)[column],
            named[several].groupby(group, sort=False)[column].agg(separator.join),
        ]
    )
    return joined.astype(STRING).reset_index()


def _check_top(top: int) -> None:
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ValueError(f"expected a positive number of people, got {top!r}")
