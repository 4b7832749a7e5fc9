"""What the notebooks and report headers tell a reader about loaded series, in words and tables.

A report is read by people who did not build it: it says which seasons are there and why others
are missing in a sentence, never with an exception class, a local path or a Python repr, and its
tables have human column names and a dash for what is missing. Every value from the data is
HTML-escaped (TMDB names can hold markup).
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from pandas.io.formats.style import Styler

from credits_analysis import analysis
from credits_analysis.errors import (
    DataQualityWarning,
    PartialLoadWarning,
    StaleDataWarning,
)
from credits_analysis.wording import failures_by_reason, season_label, seasons_phrase

if TYPE_CHECKING:
    from credits_analysis.load import SeriesCredits

__all__ = ["MISSING", "Note", "load_note", "seasons_table", "table"]

#: What a table shows where a value is missing.
MISSING = "\u2014"

_CAVEATS: Mapping[type[Warning], str] = {
    StaleDataWarning: "Some of this data could not be refreshed from TMDB: an older copy (an "
    "expired cache entry, or data bundled with credits-analysis) stands in and may be out of "
    "date.",
    DataQualityWarning: "Some values are outside what TMDB documents and were read as TMDB "
    'documents them (an unknown gender code counts as "not set").',
}


@dataclass(frozen=True)
class Note:
    """A few sentences for a reader, and caveats set apart in a warning box.

    Displayed as HTML in JupyterLab and in reports (escaped), as plain text elsewhere.
    """

    sentences: tuple[str, ...]
    caveats: tuple[str, ...] = ()

    def __str__(self) -> str:
        return " ".join((*self.sentences, *self.caveats))

    def _repr_html_(self) -> str:
        text = f"<p>{html.escape(' '.join(self.sentences))}</p>"
        if self.caveats:
            caveats = html.escape(" ".join(self.caveats))
            text += f'<div class="alert alert-warning" role="note"><p>{caveats}</p></div>'
        return text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


def load_note(series: SeriesCredits, *, warned: Sequence[warnings.WarningMessage] = ()) -> Note:
    """What was loaded, what has no credits yet, and what failed, in a few sentences.

    Parameters
    ----------
    series
        As :func:`~credits_analysis.load_series` returned it.
    warned
        The warnings the load raised, as ``warnings.catch_warnings(record=True)`` records them.
        Failed seasons are described from ``series.failures``; stale and out-of-spec data
        become a caveat; any other warning is shown again, as Python shows warnings.
    """
    name = f"{series.name or f'series {series.series_id}'} (TMDB id {series.series_id})"
    credited = sorted(
        set(series.cast["season_number"].dropna()) | set(series.crew["season_number"].dropna())
    )
    if credited:
        sentences = [
            f"{name}: {series.cast['person_id'].nunique():,} people in the cast and "
            f"{series.crew['person_id'].nunique():,} in the crew over "
            f"{seasons_phrase(credited)}."
        ]
    else:
        sentences = [f"{name}: no credits on TMDB yet."]
    sentences += _uncredited(series.seasons[~series.seasons["season_number"].isin(credited)])
    if series.episodes_note is not None:
        sentences.append(series.episodes_note)
    caveats = [
        f"{seasons_phrase(numbers, capital=True)} could not be loaded: {reason}."
        for reason, numbers in failures_by_reason(series.failures).items()
    ]
    categories = {w.category for w in warned}
    caveats += [text for category, text in _CAVEATS.items() if category in categories]
    for w in warned:
        if w.category not in (*_CAVEATS, PartialLoadWarning):
            warnings.showwarning(w.message, w.category, w.filename, w.lineno, w.file, w.line)
    return Note(tuple(sentences), tuple(caveats))


def seasons_table(series: SeriesCredits) -> Styler:
    """One row per loaded season, for reading.

    Returns
    -------
    pandas.io.formats.style.Styler
        Columns ``Season`` (as the charts label it), ``Name``, ``First aired``, ``Episodes``
        (TMDB's count), ``Cast`` and ``Crew`` (distinct people), ``New cast`` (new to the
        series that season) and ``Cast who left`` (after the previous season with cast: see
        :func:`credits_analysis.analysis.continuity`). A season with no credits at all has
        dashes for its people; so do ``New cast`` for Specials and ``Cast who left`` for the
        first season with cast.
    """
    seasons = series.seasons.set_index("season_number")
    cast = series.cast.groupby("season_number")["person_id"].nunique()
    crew = series.crew.groupby("season_number")["person_id"].nunique()
    flow = analysis.continuity(series.cast).set_index("season_number")
    credited = seasons.index.isin(cast.index) | seasons.index.isin(crew.index)

    def people(counts: pd.Series) -> pd.Series:
        # Zero in a season with other credits; unknown in a season with none at all.
        return counts.reindex(seasons.index, fill_value=0).astype("Int64").where(credited)

    frame = pd.DataFrame(
        {
            "Season": seasons.index.map(season_label),
            "Name": seasons["name"],
            "First aired": seasons["air_date"],
            "Episodes": seasons["episode_count"],
            "Cast": people(cast),
            "Crew": people(crew),
            "New cast": flow["new"].reindex(seasons.index).astype("Int64"),
            "Cast who left": flow["left"]
            .where(flow["previous_season"].notna())
            .reindex(seasons.index)
            .astype("Int64"),
        }
    )
    return table(frame)


def table(
    frame: pd.DataFrame, *, columns: Mapping[str, str] | None = None, precision: int = 1
) -> Styler:
    """``frame`` for reading: no index, human column names, dates as days, dashes for gaps.

    Parameters
    ----------
    frame
        Any table; its index is not shown (make a column of anything worth showing).
    columns
        The columns to show, in order, and their headers; None shows every column as named.
    precision
        Decimals of floats.
    """
    if columns is not None:
        frame = frame[list(columns)].rename(columns=dict(columns))
    dates = [
        name for name, dtype in frame.dtypes.items() if pd.api.types.is_datetime64_any_dtype(dtype)
    ]
    # No per-cell ids: nothing styles single cells, and they would double the table's size.
    return (
        Styler(frame, cell_ids=False)
        .hide(axis="index")
        .format(na_rep=MISSING, precision=precision, thousands=",", escape="html")
        .format("{:%Y-%m-%d}", subset=dates, na_rep=MISSING)
    )


def _uncredited(seasons: pd.DataFrame) -> list[str]:
    """Sentences on loaded seasons with no credits: announced ones, then aired ones."""
    today = pd.Timestamp.now().normalize()
    announced = seasons["air_date"].isna() | (seasons["air_date"] > today)
    sentences = []
    for numbers, plural, singular in (
        (seasons.loc[announced, "season_number"], "are announced but have", "is announced but has"),
        (seasons.loc[~announced, "season_number"], "have aired but have", "has aired but has"),
    ):
        if len(numbers):
            verb = plural if len(numbers) > 1 else singular
            sentences.append(f"{seasons_phrase(numbers, capital=True)} {verb} no credits yet.")
    return sentences
