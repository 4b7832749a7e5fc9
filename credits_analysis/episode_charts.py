"""Plotly figures of the episode-by-episode analyses (:mod:`credits_analysis.episodes`).

Frames in, :class:`plotly.graph_objects.Figure` out; builders never call ``show()`` and never
fetch. Gender is coloured as everywhere else (:data:`credits_analysis.charts.GENDER_COLORS`).
Episodes run along the x axis in run order (``by="episode"``, season starts labelled) or by
air date (``by="air_date"``: a season that straddles a new year splits correctly; episodes
with no air date are left out and counted in the subtitle). Text from the data (names,
titles, the series name) is HTML-escaped before plotly sees it: plotly renders markup in
titles and hover labels.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd
import plotly.graph_objects as go

from credits_analysis._figures import (
    SEASON,
    empty,
    person_labels,
    rows_height,
    text,
    title,
    title_layout,
)
from credits_analysis.charts import GENDER_COLORS
from credits_analysis.episodes import guest_returns
from credits_analysis.schema import GENDER_CATEGORIES
from credits_analysis.wording import season_label

__all__ = ["guest_timeline", "makers_strip", "women_directing_bars"]

Axis = Literal["episode", "air_date"]
_ROLES = {"directed": "Directed by", "written": "Written by"}
_SLOT = 0.22  # vertical offset between people sharing one episode's credit


def makers_strip(
    makers: pd.DataFrame, *, series_name: str | None = None, by: Axis = "episode"
) -> go.Figure:
    """Who directed and who wrote each episode: one marker per person and episode.

    Parameters
    ----------
    makers
        :func:`credits_analysis.episodes.episode_makers` (a season or the whole run).
    series_name
        Named in the title.
    by
        ``episode`` (run order) or ``air_date``.

    Returns
    -------
    plotly.graph_objects.Figure
        One scatter trace per gender present; a row for directors and one for writers,
        co-credited people stacked within their row. The hover names the person, the episode
        and how many share the credit.
    """
    heading = title("Who directed and wrote each episode", series_name)
    known = makers[makers["person_id"].notna()]
    shown, subtitle = _placed(known, by)
    if shown.empty:
        return empty(heading)
    rows = list(_ROLES)
    slot = shown.groupby(["position", "role"]).cumcount()
    y = shown["role"].map({r: len(rows) - 1 - i for i, r in enumerate(rows)}) - slot * _SLOT
    fig = go.Figure()
    for gender in GENDER_CATEGORIES:
        mine = shown["gender"] == gender
        if not mine.any():
            continue
        part = shown[mine]
        fig.add_trace(
            go.Scatter(
                x=part["x"],
                y=y[mine],
                mode="markers",
                name=gender,
                marker={"color": GENDER_COLORS[gender], "size": 10, "symbol": "square"},
                customdata=list(
                    zip(
                        _escaped(part["name"]),
                        _episode_labels(part),
                        part["sharing"].astype("int64"),
                        strict=True,
                    )
                ),
                hovertemplate="%{customdata[0]}<br>%{customdata[1]}<br>"
                "credited with %{customdata[2]} in all<extra></extra>",
            )
        )
    fig.update_yaxes(
        tickvals=[len(rows) - 1 - i for i in range(len(rows))],
        ticktext=[_ROLES[r] for r in rows],
        range=[-1 + _SLOT, len(rows) - 0.5],
        zeroline=False,
    )
    _x_axis(fig, shown, by)
    return fig.update_layout(
        title_layout(heading, subtitle), height=360, legend_title_text="Gender"
    )


def guest_timeline(
    appearances: pd.DataFrame,
    *,
    series_name: str | None = None,
    by: Axis = "episode",
    top: int = 30,
) -> go.Figure:
    """Returning guest stars: a row per guest, a marker on each episode they are in.

    Parameters
    ----------
    appearances
        :func:`credits_analysis.episodes.guest_appearances`.
    series_name
        Named in the title.
    by
        ``episode`` (run order) or ``air_date``.
    top
        Most guests shown: those on most episodes, then the earliest.

    Returns
    -------
    plotly.graph_objects.Figure
        One scatter trace per gender present; guests who came back (two or more episodes)
        only, the gaps between their episodes visible along each row.
    """
    if top < 1:
        raise ValueError(f"top must be at least 1, got {top!r}")
    heading = title("Guest stars who came back", series_name)
    back = appearances[appearances["appearances"] > 1]
    ranked = guest_returns(appearances).head(top)
    shown, subtitle = _placed(back[back["person_id"].isin(ranked["person_id"])], by)
    if shown.empty:
        return empty(heading)
    # Rows are named as each guest is credited on their first episode ("person <id>" if the
    # name is missing there), where guest_returns takes the first name known.
    credited = back.drop_duplicates("person_id").set_index("person_id")["name"]
    labels = person_labels(ranked.assign(name=ranked["person_id"].map(credited)))
    row = pd.Series(labels, index=ranked["person_id"].to_numpy())
    fig = go.Figure()
    for gender in GENDER_CATEGORIES:
        part = shown[shown["gender"] == gender]
        if part.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=part["x"],
                y=part["person_id"].map(row),
                mode="markers",
                name=gender,
                marker={"color": GENDER_COLORS[gender], "size": 9},
                customdata=list(
                    zip(
                        _escaped(part["character"].fillna("")),
                        _episode_labels(part),
                        part["appearance"],
                        part["appearances"],
                        strict=True,
                    )
                ),
                hovertemplate="%{y} as %{customdata[0]}<br>%{customdata[1]}<br>"
                "episode %{customdata[2]} of %{customdata[3]}<extra></extra>",
            )
        )
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=labels[::-1])
    _x_axis(fig, shown, by)
    return fig.update_layout(
        title_layout(heading, subtitle), height=rows_height(len(labels)), legend_title_text="Gender"
    )


def women_directing_bars(share: pd.DataFrame, *, series_name: str | None = None) -> go.Figure:
    """Share of episodes directed by women per season: counted per episode, and estimated.

    Parameters
    ----------
    share
        :func:`credits_analysis.episodes.women_directing_share`.
    series_name
        Named in the title.

    Returns
    -------
    plotly.graph_objects.Figure
        Two bar traces per season (per-episode count, aggregate estimate); the subtitle gives
        the whole run's figures and says how co-directed episodes are counted.
    """
    heading = title("Episodes directed by women", series_name)
    seasons = share[share["season_number"].notna()]
    if seasons.empty or int(seasons["director_credits"].sum()) == 0:
        return empty(heading)
    total = share[share["season_number"].isna()].iloc[0]
    labels = [season_label(int(n)) for n in seasons["season_number"]]
    fig = go.Figure(
        [
            go.Bar(
                x=labels,
                y=seasons["women_share"],
                name="counted per episode",
                marker_color=GENDER_COLORS["female"],
                customdata=list(
                    zip(seasons["women_credits"], seasons["director_credits"], strict=True)
                ),
                hovertemplate="%{x}: %{y:.0%} (%{customdata[0]} of %{customdata[1]} director "
                "credits)<extra></extra>",
            ),
            go.Bar(
                x=labels,
                y=seasons["aggregate_share"].astype("float64"),
                name="aggregate estimate",
                marker_color=GENDER_COLORS["not set"],
                hovertemplate="%{x}: %{y:.0%} (from the season's aggregate counts)<extra></extra>",
            ),
        ]
    )
    subtitle = (
        f"Whole run: {total['women_share']:.0%} of {int(total['director_credits'])} director "
        f"credits (aggregate estimate {total['aggregate_share']:.0%}). As the DGA counts, "
        "a co-directed episode credits each of its directors."
    )
    fig.update_yaxes(tickformat=".0%", range=[0, 1], title_text="Women's share")
    fig.update_xaxes(type="category", title_text=SEASON)
    return fig.update_layout(title_layout(heading, subtitle), barmode="group")


def _placed(frame: pd.DataFrame, by: Axis) -> tuple[pd.DataFrame, str | None]:
    """``frame`` with its x values, and a subtitle counting the episodes left off the axis."""
    if by == "episode":
        return frame.assign(x=frame["position"]), None
    if by != "air_date":
        raise ValueError(f"by must be 'episode' or 'air_date', got {by!r}")
    dated = frame[frame["air_date"].notna()]
    undated = frame.loc[frame["air_date"].isna(), "position"].nunique()
    note = None
    if undated:
        note = f"{undated} episode{'s' if undated != 1 else ''} with no air date not shown."
    return dated.assign(x=dated["air_date"]), note


def _x_axis(fig: go.Figure, shown: pd.DataFrame, by: Axis) -> None:
    if by == "air_date":
        fig.update_xaxes(type="date", title_text="Air date")
        return
    starts = shown.groupby("season_number")["position"].min().sort_index()
    fig.update_xaxes(
        tickvals=starts.tolist(),
        ticktext=[season_label(int(n)) for n in starts.index],
        title_text="Episode (season starts marked)",
    )


def _episode_labels(frame: pd.DataFrame) -> list[str]:
    """``S1E3 "Title", 2015-09-27`` (title and date where known), escaped."""
    labels = []
    names = frame["episode_name"] if "episode_name" in frame.columns else None
    for i, (season, number, date) in enumerate(
        zip(frame["season_number"], frame["episode_number"], frame["air_date"], strict=True)
    ):
        label = f"{season_label(int(season))}E{'?' if pd.isna(number) else int(number)}"
        if names is not None and not pd.isna(names.iloc[i]):
            label += f" \u201c{text(names.iloc[i])}\u201d"
        if not pd.isna(date):
            label += f", {date:%Y-%m-%d}"
        labels.append(label)
    return labels


def _escaped(values: pd.Series) -> pd.Series:
    return values.astype("string").fillna("").map(text)
