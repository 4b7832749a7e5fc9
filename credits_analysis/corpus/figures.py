"""Plotly figures of corpus metrics: shares by year with their coverage, by network, and churn.

Builders take the frames of :mod:`credits_analysis.corpus.metrics` (aggregates only: a figure
never holds a row per person) and return a :class:`plotly.graph_objects.Figure`; they never call
``show()``. Text that comes from the data (network, series and people names) is HTML-escaped,
since plotly renders markup in labels and hovers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from credits_analysis._figures import TEMPLATE, text
from credits_analysis.charts import GENDER_COLORS
from credits_analysis.corpus.metrics import PERIOD_YEARS

__all__ = ["churn_box", "share_by_year", "share_heatmap"]

# What a measure's year is: a season's, except for creators and episode-by-episode credits.
_YEAR_OF = {
    "creators": "year the series first aired",
    "episode credits": "year the episode aired",
}
_KNOWN = GENDER_COLORS["female"]
_NOT_SET = GENDER_COLORS["not set"]
_SEQUENTIAL = "Viridis"


def share_by_year(table: pd.DataFrame, *, title: str, measure: str = "episodes") -> go.Figure:
    """Women's share of one role by year, over known genders and over everyone, above coverage.

    Parameters
    ----------
    table
        :func:`~credits_analysis.corpus.metrics.representation` (or ``creator_share``) by year.
    title
        What the role is, e.g. ``"Directing"``.
    measure
        ``"episodes"``, ``"people"`` or ``"creators"``: which rows of ``table`` to draw.

    Returns
    -------
    plotly.graph_objects.Figure
        Top panel: the two shares (solid: over known genders; dashed: over everyone); years
        flagged ``small_sample`` are drawn as open markers. Bottom panel: the share of credits
        whose gender is "not set" (coverage). Hovers carry the counts behind every share. With
        no credit in any year, a short figure that says so.
    """
    rows = table[table["measure"] == measure].sort_values("year")
    if not rows["total"].any():
        return _empty(f"{title}: nothing credited in any dated year")
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.7, 0.3],
        vertical_spacing=0.08,
    )
    hover = (
        "%{x}: %{y:.1%}<br>women %{customdata[0]:,} of %{customdata[1]:,} %{meta}"
        "<br>(%{customdata[2]:,} not set; %{customdata[3]:,} series)<extra></extra>"
    )
    symbols = ["circle-open" if small else "circle" for small in rows["small_sample"]]
    for column, denominator, name, dash in (
        ("share_female_known", "known", "over known genders", "solid"),
        ("share_female", "total", "over everyone (not set included)", "dash"),
    ):
        fig.add_trace(
            go.Scatter(
                x=rows["year"],
                y=rows[column],
                name=f"women, {name}",
                mode="lines+markers",
                line={"color": _KNOWN, "dash": dash},
                marker={"symbol": symbols, "size": 8},
                customdata=rows[["female", denominator, "not_set", "series"]].to_numpy(),
                meta=f"{measure} ({'known gender' if denominator == 'known' else 'all'})",
                hovertemplate=hover,
            ),
            row=1,
            col=1,
        )
    fig.add_trace(
        go.Bar(
            x=rows["year"],
            y=rows["share_not_set"],
            name='gender "not set"',
            marker={"color": _NOT_SET},
            customdata=rows[["not_set", "total"]].to_numpy(),
            hovertemplate="%{x}: %{y:.1%} not set<br>%{customdata[0]:,} of %{customdata[1]:,}"
            "<extra></extra>",
        ),
        row=2,
        col=1,
    )
    fig.update_yaxes(title_text="women's share", tickformat=".0%", range=[0, 1], row=1, col=1)
    fig.update_yaxes(title_text="not set", tickformat=".0%", range=[0, 1], row=2, col=1)
    year = _YEAR_OF.get(measure, "year the season first aired")
    fig.update_xaxes(title_text=year, dtick=5, row=2, col=1)
    small = rows.loc[rows["small_sample"], "year"].tolist()
    subtitle = f"share of {measure} credited to women, by year"
    if small:
        subtitle += f"; open markers: fewer series than the threshold ({_years(small)})"
    return _finish(fig, f"{title}: {subtitle}", height=560)


def share_heatmap(
    table: pd.DataFrame,
    *,
    key: str,
    title: str,
    measure: str = "episodes",
    across: str = "year",
) -> go.Figure:
    """Women's share over known genders, by ``key`` (network or country) and ``across``.

    Cells of groups flagged ``small_sample`` are left blank (their counts stay in the hover).

    Parameters
    ----------
    table
        :func:`~credits_analysis.corpus.metrics.representation` with ``by=[key, across]``.
    key
        ``"network"`` or ``"country"``: the rows.
    title
        What the role is.
    measure
        Which rows of ``table`` to draw.
    across
        ``"year"`` or ``"period"``: the columns.
    """
    rows = table[table["measure"] == measure]
    if rows.empty:
        return _empty(f"{title}: no credits by {key}")
    shown = rows["share_female_known"].where(~rows["small_sample"])
    grid = rows.assign(shown=shown).pivot(index=key, columns=across, values="shown")
    counts = rows.assign(label=rows["female"].astype(str) + "/" + rows["known"].astype(str))
    labels = counts.pivot(index=key, columns=across, values="label").reindex_like(grid)
    series = rows.pivot(index=key, columns=across, values="series").reindex_like(grid)
    span = PERIOD_YEARS - 1
    columns = [f"{c}-{c + span}" if across == "period" else str(c) for c in grid.columns]
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy(dtype="float64"),
            x=columns,
            y=[text(name) for name in grid.index],
            zmin=0,
            zmax=1,
            colorscale=_SEQUENTIAL,
            colorbar={"title": {"text": "women"}, "tickformat": ".0%"},
            customdata=np.dstack([labels.to_numpy(dtype=object), series.to_numpy(dtype=object)]),
            hovertemplate="%{y}, %{x}: %{z:.0%}<br>women %{customdata[0]} known"
            "<br>%{customdata[1]} series<extra></extra>",
            xgap=1,
            ygap=1,
        )
    )
    fig.update_yaxes(autorange="reversed", title_text=None)
    fig.update_xaxes(title_text=f"{across} the season first aired", type="category")
    height = max(320, 60 + 28 * len(grid))
    return _finish(
        fig,
        f"{title}: women's share of {measure} by {key} and {across} (blank: too few series)",
        height,
    )


def churn_box(churn: pd.DataFrame, *, by: str = "type") -> go.Figure:
    """The distribution across series of cast churn, one box per series ``type`` or ``genre``.

    Parameters
    ----------
    churn
        :func:`~credits_analysis.corpus.metrics.churn_by_series`.
    by
        ``"type"`` or ``"genre"``.
    """
    if churn.empty:
        return _empty(
            f"Cast churn by series {by}: no series has a season and a next season with cast credits"
        )
    fig = go.Figure()
    groups = churn.assign(group=churn[by].fillna("(none)"))
    for group, rows in groups.groupby("group", sort=True):
        label = f"{text(group)} (n={len(rows)})"
        fig.add_trace(
            go.Box(
                x=rows["churn"],
                name=label,
                boxpoints="all" if len(rows) < 8 else "outliers",
                marker={"color": _NOT_SET},
                line={"color": "#444444"},
                text=[text(name) for name in rows["name"]],
                hovertemplate="%{text}: %{x:.0%} of regulars did not return<extra></extra>",
                orientation="h",
            )
        )
    fig.update_xaxes(
        title_text="regulars not back the next season",
        tickformat=".0%",
        range=[0, 1],
    )
    fig.update_layout(showlegend=False)
    return _finish(fig, f"Cast churn by series {by}", max(320, 80 + 60 * len(fig.data)))


def _empty(title: str) -> go.Figure:
    """A short figure whose title says why it has nothing to draw, without empty axes."""
    fig = go.Figure()
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _finish(fig, title, height=120)


def _finish(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        template=TEMPLATE,
        title={"text": title, "x": 0, "xanchor": "left", "automargin": True},
        height=height,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        autosize=True,
    )
    fig.update_yaxes(automargin=True)
    fig.update_xaxes(automargin=True)
    return fig


def _years(years: list[int]) -> str:
    return ", ".join(str(year) for year in years)
