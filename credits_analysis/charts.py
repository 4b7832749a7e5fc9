"""Plotly figures of the analyses: tidy frames in, :class:`plotly.graph_objects.Figure` out.

Builders never call ``show()`` and never fetch: they aggregate with
:mod:`credits_analysis.analysis` first, so a figure holds one trace per category (never one per
person) and stays small for a 40-season series. They share one visual language: gender is
always coloured by :data:`GENDER_COLORS` and ordered as
:data:`~credits_analysis.schema.GENDER_CATEGORIES`; seasons are an ordered categorical axis
labelled by :func:`season_label`; Specials (season 0) appear only with ``include_specials=True``;
titles name the series when ``series_name`` is given.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from credits_analysis import analysis
from credits_analysis.schema import GENDER_CATEGORIES, STRING

__all__ = [
    "CONTINUITY_COLORS",
    "GENDER_COLORS",
    "POPULARITY_CAVEAT",
    "SPECIALS_LABEL",
    "continuity_bars",
    "crew_heatmap",
    "episode_distribution",
    "episode_heatmap",
    "gender_bars",
    "popularity_box",
    "regulars_timeline",
    "season_label",
]

#: Okabe-Ito colours (safe for the common colour-vision deficiencies), "not set" a neutral grey.
GENDER_COLORS: Mapping[str, str] = MappingProxyType(
    {"female": "#E69F00", "male": "#0072B2", "non-binary": "#009E73", "not set": "#A0A0A0"}
)
#: Okabe-Ito colours left over by :data:`GENDER_COLORS`, so the two never read as each other.
CONTINUITY_COLORS: Mapping[str, str] = MappingProxyType(
    {"returning": "#56B4E9", "rejoining": "#CC79A7", "new": "#F0E442", "left": "#D55E00"}
)
#: Caption of every popularity figure.
POPULARITY_CAVEAT = (
    "Popularity is TMDB's person-level score at the time the data was fetched, the same for a "
    "person in every season: it is not how popular anyone was during a season."
)
#: Axis label of season 0.
SPECIALS_LABEL = "Specials"

_TEMPLATE = "plotly_white"
_SEQUENTIAL = "Viridis"  # perceptually uniform and colour-blind safe
_NEUTRAL = "#5F5F5F"
_SEASON = "Season"
_ROW_HEIGHT = 22  # pixels per person or department row, so long lists stay legible
_BOX_STATS = ["q1", "median", "q3", "lower_fence", "upper_fence"]


def season_label(season_number: int) -> str:
    """Axis label of a season: ``"Specials"`` for 0, else ``"S1"``, ``"S2"``, ...

    The prefix keeps plotly from reading the labels as numbers, so the axis stays categorical.
    """
    return SPECIALS_LABEL if season_number == analysis.SPECIALS else f"S{season_number}"


def episode_heatmap(
    cast: pd.DataFrame,
    *,
    series_name: str | None = None,
    include_specials: bool = False,
    top: int = 25,
) -> go.Figure:
    """Heatmap of episodes credited per person (rows) and season (columns), top people first.

    Episodes credited are a person's most credited role that season, so a cell never exceeds
    the season's length; where a person's roles add up to more (role credits: roles may share
    episodes), the hover says so. See :mod:`credits_analysis.analysis`.

    Parameters
    ----------
    cast
        Tidy cast frame, one or more seasons of one series.
    series_name
        Named in the title.
    include_specials
        Show season 0 as "Specials".
    top
        People shown, ranked by episodes credited over the seasons shown; the title gives the
        number actually shown ("All 3 cast ..." when fewer people are credited).

    Returns
    -------
    plotly.graph_objects.Figure
        One heatmap trace; blank cells mean "not credited that season"; the hover gives the
        person, season, episodes credited and characters, and the role credits where the
        roles add up to more. See :func:`analysis.episode_matrix`.
    """
    matrix = analysis.episode_matrix(cast, top=top, include_specials=include_specials)
    people = matrix.drop_duplicates("person_id")
    shown = f"Top {len(people)}" if len(people) == top else f"All {len(people)}"
    title = _title(f"{shown} {_kind(cast).lower()} by episodes credited", series_name)
    if matrix.empty:
        return _empty(title)
    seasons = _season_order(cast, include_specials=include_specials)
    several = matrix["episode_credits"] > matrix["episode_count"]
    matrix["note"] = ""
    matrix.loc[several, "note"] = (
        " (" + matrix.loc[several, "episode_credits"].astype(str) + " role credits: the roles "
        "may share episodes)"
    )
    cells = matrix.pivot(index="person_id", columns="season_number").reindex(
        index=people["person_id"]
    )
    text = [
        cells[column].reindex(columns=seasons).astype(STRING).fillna("").to_numpy(dtype=object)
        for column in ("roles", "note")
    ]
    fig = go.Figure(
        go.Heatmap(
            z=cells["episode_count"].reindex(columns=seasons).to_numpy("float64", na_value=np.nan),
            x=[season_label(s) for s in seasons],
            y=_person_labels(people),
            customdata=np.dstack(text),
            colorscale=_SEQUENTIAL,
            colorbar={"title": {"text": "Episodes<br>credited"}},
            hoverongaps=False,
            xgap=1,
            ygap=1,
            hovertemplate=(
                "%{y}<br>%{x}: %{z} episodes credited"
                "<br>%{customdata[0]}%{customdata[1]}<extra></extra>"
            ),
        )
    )
    fig.update_yaxes(type="category", autorange="reversed", title_text=None)
    return _finish(fig, title, seasons, rows=len(people))


def episode_distribution(
    frame: pd.DataFrame, *, series_name: str | None = None, include_specials: bool = False
) -> go.Figure:
    """How many credits are credited with how many episodes, per season.

    Guests pile up at one or two episodes, regulars at the season's length. Episode counts are
    grouped in bands (1, 2, 3-4, 5-9, 10-19, 20-49, ...) so a 200-episode soap season stays a
    handful of cells, and the colour is on a log scale so a few regulars stay visible next to
    hundreds of guests. The exact counts are :func:`analysis.episodes_per_credit`.

    Parameters
    ----------
    frame
        Tidy cast or crew frame.
    series_name
        Named in the title.
    include_specials
        Show season 0 as "Specials".

    Returns
    -------
    plotly.graph_objects.Figure
        One heatmap trace: seasons across, episode bands up, colour = credits; the hover
        gives the count and its share of the season's credits.
    """
    kind = _kind(frame)
    dist = analysis.episodes_per_credit(frame, include_specials=include_specials)
    title = _title(f"Episodes per {kind.lower()} credit", series_name)
    if dist.empty:
        return _empty(title)
    seasons = _season_order(frame, include_specials=include_specials)
    smallest, largest = int(dist["episode_count"].min()), int(dist["episode_count"].max())
    edges = sorted({0, 1, 2, 3, *_one_two_five(largest + 1)})
    first = max(i for i, e in enumerate(edges) if e <= smallest)
    last = min(i for i, e in enumerate(edges) if e > largest)
    edges = edges[first : last + 1]
    bands = [
        f"{lo}" if hi - lo == 1 else f"{lo}\u2013{hi - 1}" for lo, hi in itertools.pairwise(edges)
    ]
    dist["band"] = pd.cut(dist["episode_count"], edges, right=False, labels=bands)
    cells = dist.groupby(["band", "season_number"], observed=False)[["credits", "share"]].sum()
    credits = cells["credits"].unstack().reindex(columns=seasons)
    share = cells["share"].unstack().reindex(columns=seasons)
    ticks = _one_two_five(int(credits.max(axis=None)))
    fig = go.Figure(
        go.Heatmap(
            z=np.log10(credits.where(credits > 0).to_numpy(dtype="float64")),
            x=[season_label(s) for s in seasons],
            y=bands,
            customdata=np.dstack([credits.to_numpy(), share.to_numpy()]),
            colorscale=_SEQUENTIAL,
            zmin=0,
            zmax=max(math.log10(ticks[-1]), 1e-9),
            colorbar={
                "title": {"text": "Credits"},
                "tickvals": [math.log10(t) for t in ticks],
                "ticktext": [str(t) for t in ticks],
            },
            hoverongaps=False,
            xgap=1,
            ygap=1,
            hovertemplate=(
                "%{x}, %{y} episodes: %{customdata[0]} credits"
                "<br>%{customdata[1]:.1%} of the season's credits<extra></extra>"
            ),
        )
    )
    fig.update_yaxes(type="category", title_text="Episodes credited (per role or job)")
    return _finish(fig, title, seasons)


def gender_bars(
    frame: pd.DataFrame,
    *,
    series_name: str | None = None,
    include_specials: bool = False,
    weight: Literal["people", "episodes"] = "people",
    by_department: bool = False,
) -> go.Figure:
    """Stacked bars of the gender split per season, in people or in credited episodes.

    Parameters
    ----------
    frame
        Tidy cast or crew frame.
    series_name
        Named in the title.
    include_specials
        Show season 0 as "Specials".
    weight
        ``"people"``: distinct people, each counted once per season (and department);
        ``"episodes"``: episodes credited, summed over their credits.
    by_department
        One panel per crew department (crew frames only).

    Returns
    -------
    plotly.graph_objects.Figure
        One bar trace per gender category (per panel), always all four in
        :data:`~credits_analysis.schema.GENDER_CATEGORIES` order and :data:`GENDER_COLORS`;
        the hover gives the share of the season's total. See :func:`analysis.gender_split`.
    """
    if weight not in ("people", "episodes"):
        raise ValueError(f"weight must be 'people' or 'episodes', got {weight!r}")
    by = ("season_number", "department") if by_department else ("season_number",)
    split = analysis.gender_split(frame, by=by, include_specials=include_specials)
    kind = _kind(frame)
    unit = "people" if weight == "people" else "episodes credited"
    where = " by department" if by_department else ""
    title = _title(f"{kind} gender split per season{where} ({unit})", series_name)
    if split.empty:
        return _empty(title)
    seasons = _season_order(frame, include_specials=include_specials)
    share = "people_share" if weight == "people" else "episode_share"
    facets = {"facet_col": "department", "facet_col_wrap": 4} if by_department else {}
    fig = px.bar(
        split.assign(season=split["season_number"].map(season_label)),
        x="season",
        y=weight,
        color="gender",
        custom_data=[share],
        category_orders={"gender": list(GENDER_CATEGORIES)},
        color_discrete_map=dict(GENDER_COLORS),
        labels={"gender": "Gender", weight: unit.capitalize(), "season": _SEASON},
        **facets,
    )
    fig.update_traces(
        hovertemplate=f"%{{x}}: %{{y}} {unit}<br>%{{customdata[0]:.1%}} of the season's {unit}"
    )
    if by_department:
        fig.for_each_annotation(lambda a: a.update(text=a.text.partition("=")[2]))
        fig.update_yaxes(matches=None, showticklabels=True)
    panels = split["department"].nunique() if by_department else 1
    fig.update_layout(barmode="stack", height=max(450, 260 * math.ceil(panels / 4)))
    return _finish(fig, title, seasons)


def popularity_box(
    cast: pd.DataFrame,
    *,
    series_name: str | None = None,
    include_specials: bool = False,
    top: int = 5,
    log_y: bool = True,
) -> go.Figure:
    """Box per season of the fetch-time popularity of its distinct cast, top people as points.

    The boxes are computed in pandas (:func:`analysis.popularity_summary`), so the figure holds
    quartiles, not every person; only the ``top`` most popular people of each season are drawn
    as points, coloured by gender, with their names in the hover. The caveat
    :data:`POPULARITY_CAVEAT` is the figure's subtitle.

    TMDB gives some people a popularity of 0, which a log axis cannot show: on the log axis,
    box statistics and points at 0 are drawn at the largest power of ten below every positive
    value drawn, and the subtitle says so (a point's hover keeps its true value). With no
    positive value at all the axis is linear.

    Parameters
    ----------
    cast
        Tidy cast (or crew) frame.
    series_name
        Named in the title.
    include_specials
        Show season 0 as "Specials".
    top
        People drawn as points per season.
    log_y
        Log popularity axis: the score is heavy-tailed, so on a linear axis every box is
        squashed against zero under a few stars.

    Returns
    -------
    plotly.graph_objects.Figure
        A box trace named "All cast" (or "All crew") and one scatter trace per gender category
        present among the points, in category order, grouped in the legend under the number
        of points per season actually drawn.
    """
    summary = analysis.popularity_summary(cast, include_specials=include_specials)
    kind = _kind(cast)
    title = _title(f"{kind} popularity by season (TMDB score at fetch time)", series_name)
    if summary.empty:
        return _empty(title, subtitle=POPULARITY_CAVEAT)
    seasons = _season_order(cast, include_specials=include_specials)
    points = analysis.top_people(cast, n=top, include_specials=include_specials)
    drawn = pd.concat([summary[_BOX_STATS].stack(), points["popularity"]]).dropna()
    if log_y and not (drawn > 0).any():
        log_y = False  # nothing above zero: a log axis would have nothing to show
    floor = _log_floor(drawn) if log_y else None
    subtitle = POPULARITY_CAVEAT
    if floor is not None:
        summary[_BOX_STATS] = summary[_BOX_STATS].clip(lower=floor)
        subtitle += f"<br>A popularity of 0, which a log axis cannot show, is drawn at {floor:g}."
    fig = go.Figure(
        go.Box(
            x=summary["season_number"].map(season_label),
            q1=summary["q1"],
            median=summary["median"],
            q3=summary["q3"],
            lowerfence=summary["lower_fence"],
            upperfence=summary["upper_fence"],
            name=f"All {kind.lower()}",
            marker_color=_NEUTRAL,
            fillcolor="rgba(95, 95, 95, 0.15)",
            boxpoints=False,
        )
    )
    per_season = int(points.groupby("season_number").size().max())
    for gender in GENDER_CATEGORIES:
        mine = points[points["gender"] == gender]
        if mine.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=mine["season_number"].map(season_label),
                y=mine["popularity"] if floor is None else mine["popularity"].clip(lower=floor),
                mode="markers",
                name=gender,
                legendgroup="gender",
                legendgrouptitle_text=f"Top {per_season} per season",
                marker={"color": GENDER_COLORS[gender], "size": 8, "line": {"width": 0.5}},
                customdata=np.column_stack(
                    [
                        mine["name"].fillna(""),
                        mine["roles"].fillna(""),
                        mine["episode_count"],
                        mine["popularity"],
                    ]
                ),
                hovertemplate=(
                    "%{customdata[0]} (%{customdata[1]})<br>%{x}: %{customdata[2]} episodes "
                    "credited<br>popularity %{customdata[3]:.1f} at fetch time<extra></extra>"
                ),
            )
        )
    # On a log axis, one labelled tick per decade: plotly's default labels 2 and 5 of every
    # decade as bare "2" and "5", which readers take for 2 and 5, not 20 or 50.
    fig.update_yaxes(
        title_text="Popularity (TMDB score, at fetch time)",
        type="log" if log_y else "linear",
        **({"dtick": 1, "tickformat": "~g"} if log_y else {}),
    )
    return _finish(fig, title, seasons, subtitle=subtitle)


def continuity_bars(frame: pd.DataFrame, *, series_name: str | None = None) -> go.Figure:
    """Per season, people returning, rejoining and new (up) and people who left (down).

    Specials are never shown: see :func:`analysis.continuity`.

    Parameters
    ----------
    frame
        Tidy cast or crew frame.
    series_name
        Named in the title.

    Returns
    -------
    plotly.graph_objects.Figure
        One bar trace per status, in the order returning, rejoining, new, left, coloured by
        :data:`CONTINUITY_COLORS`; "left" is drawn below zero.
    """
    table = analysis.continuity(frame)
    kind = _kind(frame)
    title = _title(f"{kind} continuity from one season to the next", series_name)
    if table.empty:
        return _empty(title)
    seasons = _season_order(frame, include_specials=False)
    statuses = list(CONTINUITY_COLORS)
    long = table.melt(
        id_vars=["season_number", "previous_season"],
        value_vars=statuses,
        var_name="status",
        value_name="count",
    )
    long["height"] = long["count"].where(long["status"] != "left", -long["count"])
    long["season"] = long["season_number"].map(season_label)
    long["compared_with"] = [
        "first season" if pd.isna(p) else f"vs {season_label(p)}" for p in long["previous_season"]
    ]
    fig = px.bar(
        long,
        x="season",
        y="height",
        color="status",
        custom_data=["count", "compared_with"],
        category_orders={"status": statuses},
        color_discrete_map=dict(CONTINUITY_COLORS),
        labels={"status": "People", "season": _SEASON},
    )
    fig.update_traces(
        hovertemplate="%{x}: %{customdata[0]} %{fullData.name} (%{customdata[1]})<extra></extra>",
        marker_line={"width": 0.5, "color": _NEUTRAL},
    )
    fig.update_layout(barmode="relative")
    fig.update_yaxes(title_text="People (left the show: below zero)", zeroline=True)
    return _finish(fig, title, seasons)


def regulars_timeline(
    cast: pd.DataFrame,
    *,
    series_name: str | None = None,
    include_specials: bool = False,
    min_share: float = 0.5,
    seasons: pd.DataFrame | None = None,
    top: int = 40,
) -> go.Figure:
    """Which regulars span which seasons: a marker where a person is a regular.

    Parameters
    ----------
    cast
        Tidy cast (or crew) frame.
    series_name
        Named in the title.
    include_specials
        Show season 0 as "Specials".
    min_share, seasons, top
        As for :func:`analysis.regular_spans`.

    Returns
    -------
    plotly.graph_objects.Figure
        One scatter trace per gender category present, people in order of their first season
        as a regular, top to bottom.
    """
    spans = analysis.regular_spans(
        cast, min_share=min_share, seasons=seasons, top=top, include_specials=include_specials
    )
    kind = _kind(cast)
    title = _title(f"{kind} regulars (credited on {min_share:.0%}+ of a season)", series_name)
    if spans.empty:
        return _empty(title)
    people = spans.drop_duplicates("person_id")
    order = pd.Series(_person_labels(people), index=people["person_id"])
    fig = px.scatter(
        spans.assign(
            season=spans["season_number"].map(season_label),
            person=spans["person_id"].map(order),
            roles=spans["roles"].fillna(""),
        ),
        x="season",
        y="person",
        color="gender",
        custom_data=["roles", "episode_count", "season_episodes"],
        category_orders={"gender": list(GENDER_CATEGORIES), "person": order.tolist()},
        color_discrete_map=dict(GENDER_COLORS),
        labels={"gender": "Gender", "season": _SEASON},
    )
    fig.update_traces(
        marker={"symbol": "square", "size": 12},
        hovertemplate="%{y} (%{customdata[0]})<br>%{x}: credited on %{customdata[1]} of "
        "%{customdata[2]} episodes<extra></extra>",
    )
    # px already lists a categorical y axis top to bottom in category_orders' order.
    fig.update_yaxes(title_text=None)
    return _finish(
        fig, title, _season_order(cast, include_specials=include_specials), rows=len(people)
    )


def crew_heatmap(
    crew: pd.DataFrame, *, series_name: str | None = None, include_specials: bool = False
) -> go.Figure:
    """Heatmap of crew headcount per department (rows, largest first) and season (columns).

    Parameters
    ----------
    crew
        Tidy crew frame.
    series_name
        Named in the title.
    include_specials
        Show season 0 as "Specials".

    Returns
    -------
    plotly.graph_objects.Figure
        One heatmap trace with the headcount written in each cell; the hover adds the number
        of job credits. See :func:`analysis.crew_headcount`.
    """
    head = analysis.crew_headcount(crew, include_specials=include_specials)
    title = _title("Crew headcount per department and season", series_name)
    if head.empty:
        return _empty(title)
    seasons = _season_order(crew, include_specials=include_specials)
    departments = (
        head.groupby("department")["people"].sum().sort_values(ascending=False, kind="stable")
    ).index
    cells = head.pivot(index="department", columns="season_number")
    fig = go.Figure(
        go.Heatmap(
            z=cells["people"].reindex(index=departments, columns=seasons).to_numpy(),
            x=[season_label(s) for s in seasons],
            y=list(departments),
            customdata=cells["credits"].reindex(index=departments, columns=seasons).to_numpy(),
            texttemplate="%{z}",
            colorscale=_SEQUENTIAL,
            colorbar={"title": {"text": "People"}},
            xgap=1,
            ygap=1,
            hovertemplate="%{y}, %{x}: %{z} people, %{customdata} job credits<extra></extra>",
        )
    )
    fig.update_yaxes(type="category", autorange="reversed")
    return _finish(fig, title, seasons, rows=len(departments))


def _title(what: str, series_name: str | None) -> str:
    return f"{series_name}: {what}" if series_name else what


def _kind(frame: pd.DataFrame) -> str:
    """The frame's kind, "Cast" or "Crew", from the column only crew frames have."""
    return "Crew" if "department" in frame.columns else "Cast"


def _season_order(frame: pd.DataFrame, *, include_specials: bool) -> list[int]:
    """Every season of the input, so all figures of a series share one season axis."""
    numbers = (int(n) for n in frame["season_number"].dropna().unique())
    return sorted(n for n in numbers if include_specials or n != analysis.SPECIALS)


def _person_labels(people: pd.DataFrame) -> list[str]:
    """Row labels for people: their name, with the id added where two people share a name."""
    ids = people["person_id"].astype(str)
    names = people["name"].fillna("person " + ids)
    shared = names.duplicated(keep=False)
    return names.where(~shared, names + " (#" + ids + ")").tolist()


def _log_floor(values: pd.Series) -> float | None:
    """Where a log axis draws the values at or below 0 (None if there are none).

    The largest power of ten below every positive value (one at least is needed), so those
    values stand apart at the foot of the axis.
    """
    positive = values[values > 0]
    if len(positive) == len(values):
        return None
    return 10.0 ** (math.ceil(math.log10(positive.min())) - 1)


def _one_two_five(upto: int) -> list[int]:
    """1, 2, 5, 10, 20, 50, ... up to the first one at or above ``upto``."""
    candidates = [m * 10**e for e in range(len(str(upto)) + 1) for m in (1, 2, 5)]
    return [c for c in candidates if c < upto] + [min(c for c in candidates if c >= upto)]


def _finish(
    fig: go.Figure,
    title: str,
    seasons: list[int],
    *,
    rows: int | None = None,
    subtitle: str | None = None,
) -> go.Figure:
    """Apply the shared look: title, template, ordered categorical season axis, height."""
    fig.update_xaxes(
        type="category", categoryorder="array", categoryarray=[season_label(s) for s in seasons]
    )
    # Faceted px figures title only their bottom axes; titling every panel would overprint.
    if not any(axis.title.text for axis in fig.select_xaxes()):
        fig.update_xaxes(title_text=_SEASON)
    fig.update_layout(_title_layout(title, subtitle))
    if rows is not None:
        fig.update_layout(height=max(400, 160 + _ROW_HEIGHT * rows))
    return fig


def _empty(title: str, *, subtitle: str | None = None) -> go.Figure:
    """A figure with no trace that says so, for inputs with nothing to draw."""
    fig = go.Figure()
    fig.add_annotation(
        text="No credits to show", showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig.update_layout(_title_layout(title, subtitle))


def _title_layout(title: str, subtitle: str | None) -> dict[str, object]:
    """Title, subtitle (lines split by ``<br>``), the room above the plot they need, template."""
    lines = subtitle.count("<br>") + 1 if subtitle else 0
    return {
        "title": {"text": title, "subtitle": {"text": subtitle} if subtitle else None},
        "margin": {"t": 70 + 30 * lines},
        "template": _TEMPLATE,
    }
