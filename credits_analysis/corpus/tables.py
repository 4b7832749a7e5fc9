"""Corpus metrics as tables for readers: denominators beside every share, names as links."""

from __future__ import annotations

import html
import shlex

import pandas as pd
from pandas.io.formats.style import Styler

from credits_analysis.config import MAX_CACHE_AGE
from credits_analysis.corpus.status import SeriesTally
from credits_analysis.describe import Note, table

__all__ = [
    "churn_extremes",
    "churn_table",
    "corpus_note",
    "coverage_note",
    "people_table",
    "shares_table",
]

_TMDB_SERIES = "https://www.themoviedb.org/tv/{series_id}"
_NO_PAIRS = (
    "No series here has a season followed by another with cast credits, so there is no churn "
    "to show."
)


def shares_table(
    shares: pd.DataFrame, *, key: str = "year", measure: str = "episodes"
) -> Styler | Note:
    """One row per group of :func:`~credits_analysis.corpus.metrics.representation`.

    Shares are percentages; groups flagged ``small_sample`` say so in a column of their own.
    Without any group, a note that says so.
    """
    rows = shares[shares["measure"] == measure]
    if rows.empty:
        return Note((f"No {key} in this corpus to count {measure} by.",))
    shown = ("share_female_known", "share_female", "share_not_set")
    return table(
        _for_reading(rows, shown),
        columns={
            key: key.capitalize(),
            "series": "Series",
            "female": "Women",
            "known": "Known gender",
            "total": "Everyone",
            "share_female_known": "Women, % of known",
            "share_female": "Women, % of everyone",
            "share_not_set": "% not set",
            "note": "Note",
        },
        precision=1,
    )


def churn_extremes(churn: pd.DataFrame, *, n: int = 5, link: bool = True) -> Styler | Note:
    """The ``n`` series with the highest and the ``n`` with the lowest cast churn (a note when
    no series has a churn).

    Parameters
    ----------
    churn
        :func:`~credits_analysis.corpus.metrics.churn_by_series`, highest churn first.
    n
        Series at each end.
    link
        Link each name to its TMDB page (not for synthetic series, which are not on TMDB).
    """
    if churn.empty:
        return Note((_NO_PAIRS,))
    # With 2n series or fewer the two ends would overlap: the upper half is "highest".
    top = churn.head(min(n, -(-len(churn) // 2)))
    bottom = churn.iloc[len(top) :].tail(n)
    ends = pd.concat([top.assign(end="highest"), bottom.iloc[::-1].assign(end="lowest")])
    names = [html.escape(str(name)) for name in ends["name"].fillna("(no name)")]
    if link:
        names = [
            f'<a href="{_TMDB_SERIES.format(series_id=int(series_id))}">{name}</a>'
            for series_id, name in zip(ends["series_id"], names, strict=True)
        ]
    shown = pd.DataFrame(
        {
            "Churn": ends["end"].to_numpy(),
            "Series": names,
            "Type": ends["type"].to_numpy(),
            "Genre": ends["genre"].to_numpy(),
            "Season pairs": ends["season_pairs"].to_numpy(),
            "Regulars": ends["regulars"].to_numpy(),
            "Returning": ends["returning"].to_numpy(),
            "Not back, %": (ends["churn"] * 100).to_numpy(),
        }
    )
    # Names are escaped above; only the links are markup.
    return (
        Styler(shown, cell_ids=False)
        .hide(axis="index")
        .format(na_rep="-", precision=0, escape=None)
        .format(
            lambda text: html.escape(str(text)) if pd.notna(text) else "-",
            subset=["Churn", "Type", "Genre"],
        )
    )


def churn_table(churn: pd.DataFrame, *, key: str = "network") -> Styler | Note:
    """One row per group of :func:`~credits_analysis.corpus.metrics.churn_by_group`.

    Churn is in percent: the pooled share of regulars not back, then the quartiles of the
    season pairs' churn; groups flagged ``small_sample`` say so in a column of their own.
    Without any group, a note that says so.
    """
    if churn.empty:
        return Note((_NO_PAIRS,))
    return table(
        _for_reading(churn, ("churn", "p25", "median", "p75")),
        columns={
            key: key.capitalize(),
            "series": "Series",
            "season_pairs": "Season pairs",
            "regulars": "Regulars",
            "churn": "Not back, %",
            "p25": "Pairs: 25th pct, %",
            "median": "Median, %",
            "p75": "75th pct, %",
            "note": "Note",
        },
        precision=0,
    )


def people_table(people: pd.DataFrame) -> Styler | Note:
    """:func:`~credits_analysis.corpus.metrics.people_across_series` for reading: the people
    credited in two series or more (a note when there is no one)."""
    if people.empty:
        return Note(("No one is credited in this corpus.",))
    across = people[people["series"] > 1]
    if across.empty:
        # Ranked by seasons alone, a table of one-series people would answer another question.
        return Note(("No one is credited in more than one series of this corpus.",))
    return table(
        across,
        columns={
            "department": "Department",
            "rank": "Rank",
            "name": "Name",
            "gender": "Gender",
            "series": "Series",
            "seasons": "Seasons",
        },
    )


def corpus_note(status: SeriesTally) -> Note:
    """Which series the figures leave out, and why: failed, or hidden past six months.

    Parameters
    ----------
    status
        :func:`~credits_analysis.corpus.series_tally` (or ``status``) of the corpus the figures
        come from.
    """
    sentences = []
    if status.done == status.failed == 0:
        sentences.append("This corpus holds no series yet (credits-analysis corpus build).")
    if status.failed:
        sentences.append(
            f"{status.failed:,} series could not be fetched and count nowhere below "
            "(the failures view says why)."
        )
    caveats = ()
    if status.expired:
        caveats = (
            f"{status.expired:,} series were fetched more than {MAX_CACHE_AGE.days} days ago "
            "and are hidden, as TMDB's terms allow caching for six months: "
            f"credits-analysis corpus refresh {shlex.quote(str(status.path))} fetches them again.",
        )
    return Note(tuple(sentences), caveats)


def coverage_note(shares: pd.DataFrame, *, role: str, threshold: float) -> Note:
    """Say how much of a role's credits have no gender, and warn where it passes ``threshold``.

    Parameters
    ----------
    shares
        :func:`~credits_analysis.corpus.metrics.representation` by year.
    role
        The role as a reader says it ("directing").
    threshold
        A share of "not set" people above which a year is named in a caveat.
    """
    people = shares[(shares["measure"] == "people") & (shares["total"] > 0)]
    total = int(people["total"].sum())
    not_set = int(people["not_set"].sum())
    if total == 0:
        return Note((f"No credits for {role} have a year in this corpus.",))
    sentence = (
        f"{not_set:,} of the {total:,} people-years of {role} ({not_set / total:.0%}) have no "
        'gender on TMDB ("not set"): the solid line leaves them out, the dashed line counts '
        "them as not women."
    )
    over = people.loc[people["share_not_set"] > threshold, "year"].astype(int).tolist()
    if not over:
        return Note((sentence,))
    years = ", ".join(str(year) for year in over)
    caveat = (
        f"In {years}, more than {threshold:.0%} of the people credited for {role} have no "
        "gender on TMDB: shares for those years describe only part of the people credited."
    )
    return Note((sentence,), (caveat,))


def _for_reading(rows: pd.DataFrame, shares: tuple[str, ...]) -> pd.DataFrame:
    """A copy with ``shares`` in percent, the ``small_sample`` flag said in a ``note``, and a
    ``year`` as text (a number would be shown with a thousands separator: 1,995)."""
    shown = rows.copy()
    if "year" in shown:
        shown["year"] = shown["year"].astype("Int64").astype("string")
    for column in shares:
        shown[column] = shown[column] * 100
    shown["note"] = shown["small_sample"].map({True: "few series", False: ""}).astype("string")
    return shown
