"""Plotly figures of the analyses: tidy frames or loaded series in, plotly figures out.

Builders never call ``show()`` and never fetch: they aggregate with
:mod:`credits_analysis.analysis` first, so a figure holds one trace per category (never one per
person) and stays small for a 40-season series. They share one visual language: gender is
always coloured by :data:`GENDER_COLORS` and ordered as
:data:`~credits_analysis.schema.GENDER_CATEGORIES`; seasons are an ordered categorical axis
labelled by :func:`season_label`; Specials (season 0) appear only with ``include_specials=True``;
titles name the series when it has a name.

Inputs
------
Every builder takes a tidy frame, a :class:`~credits_analysis.SeriesCredits` (its name titles
the figure; the builder picks its cast or crew, or the one ``table`` names), or a sequence of
them. A frame or sequence of several series draws one panel per series (the builders of one
series) or one line per series in its own colour, dash and marker (:func:`people_per_season`,
:func:`continuity_lines`).

Every piece of data text (series, person, character and department names) is HTML-escaped
before plotly sees it, so a name holding ``<a href=...>`` shows as written, never as a link.
Figures have no fixed width, a horizontal legend below the plot, wrapping titles and margins
that grow to fit, so they stay readable when a page narrows them to a phone's 390 px.
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
from plotly.subplots import make_subplots

from credits_analysis import analysis
from credits_analysis._figures import (
    SEASON,
    Charted,
    SeriesName,
    Source,
    charted,
    colorbar,
    count_colorbar,
    empty,
    finish,
    one_two_five,
    person_labels,
    season_order,
    series_names,
    stack,
    text,
    title,
    title_layout,
)
from credits_analysis.schema import GENDER_CATEGORIES, STRING
from credits_analysis.wording import SPECIALS_LABEL, season_label

__all__ = [
    "CONTINUITY_COLORS",
    "GENDER_COLORS",
    "MIN_BOX_PEOPLE",
    "POPULARITY_CAVEAT",
    "SERIES_COLORS",
    "SPECIALS_LABEL",
    "continuity_bars",
    "continuity_lines",
    "crew_heatmap",
    "episode_distribution",
    "episode_heatmap",
    "gender_bars",
    "people_per_season",
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
#: One colour per series in the comparison lines, in order: Okabe-Ito colours that
#: :data:`GENDER_COLORS` does not use (its yellow left out, too pale on white), so a series never
#: reads as a gender. Dashes and markers tell the series apart too, so a line hidden under
#: another, or printed in grey, still has a name.
SERIES_COLORS = ("#D55E00", "#56B4E9", "#CC79A7", "#000000")
_SERIES_DASHES = ("solid", "dash", "dot", "dashdot")
_SERIES_SYMBOLS = ("circle", "square", "diamond", "triangle-up")
#: Caption of every popularity figure.
POPULARITY_CAVEAT = (
    "Popularity is TMDB's person-level score at the time the data was fetched, the same for a "
    "person in every season: it is not how popular anyone was during a season."
)
#: Seasons with fewer distinct people than this are drawn as points in the popularity chart: a
#: box of a handful of values suggests a distribution that is not there.
MIN_BOX_PEOPLE = 8

_SEQUENTIAL = "Viridis"  # perceptually uniform and colour-blind safe
_NEUTRAL = "#5F5F5F"
_BOX_STATS = ["q1", "median", "q3", "lower_fence", "upper_fence"]
_Table = Literal["cast", "crew"]


def episode_heatmap(
    cast: Source,
    *,
    series_name: SeriesName = None,
    include_specials: bool = False,
    top: int = 25,
    color: Literal["share", "episodes"] = "share",
    seasons: pd.DataFrame | None = None,
) -> go.Figure:
    """Heatmap of episodes credited per person (rows) and season (columns), top people first.

    Episodes credited are a person's most credited role that season, so a cell never exceeds
    the season's length; where a person's roles add up to more (role credits: roles may share
    episodes), the hover says so. See :mod:`credits_analysis.analysis`.

    Parameters
    ----------
    cast
        Tidy cast frame, a loaded series (its cast), or several (one panel each).
    series_name
        Named in the title (a loaded series' own name is the default).
    include_specials
        Show season 0 as "Specials".
    top
        People shown, ranked by episodes credited over the seasons shown; the title gives the
        number actually shown ("All 3 cast ..." when fewer people are credited).
    color
        ``"share"``: the share of the season's episodes the person is credited on, so a regular
        in every episode has the same colour in a short season as in a long one;
        ``"episodes"``: the number of episodes credited (whole-number colour-bar ticks).
    seasons
        Tidy seasons frame giving each season's episode count (a loaded series' own by
        default); without it a season's length is its most credited role
        (:func:`analysis.season_lengths`).

    Returns
    -------
    plotly.graph_objects.Figure
        One heatmap trace (per series); blank cells mean "not credited that season"; the hover
        gives the person, season, "credited on 8 of 10 episodes (80%)" and characters, and the
        role credits where the roles add up to more. See :func:`analysis.episode_matrix`.
    """
    if color not in ("share", "episodes"):
        raise ValueError(f"color must be 'share' or 'episodes', got {color!r}")
    data = charted(cast, "cast", series_name, seasons)
    if data.several:
        return stack(
            data,
            lambda one: episode_heatmap(
                one.frame,
                include_specials=include_specials,
                top=top,
                color=color,
                seasons=one.seasons,
            ),
        )
    frame = data.frame
    matrix = analysis.episode_matrix(frame, top=top, include_specials=include_specials)
    people = matrix.drop_duplicates("person_id")
    shown = f"Top {len(people)}" if len(people) == top else f"All {len(people)}"
    title_text = title(f"{shown} {_kind(frame).lower()} by episodes credited", data.name)
    if matrix.empty:
        return empty(title_text)
    order = season_order(frame, include_specials=include_specials)
    lengths = analysis.season_lengths(
        frame, seasons=data.seasons, include_specials=include_specials
    )
    matrix = matrix.merge(lengths, on="season_number", how="left")
    matrix["share"] = (matrix["episode_count"] / matrix["season_episodes"]).clip(upper=1)
    matrix["length"] = matrix["season_episodes"].astype("Int64").astype(STRING).fillna("?")
    several = matrix["episode_credits"] > matrix["episode_count"]
    matrix["note"] = ""
    matrix.loc[several, "note"] = (
        " (" + matrix.loc[several, "episode_credits"].astype(str) + " role credits: the roles "
        "may share episodes)"
    )
    matrix["roles"] = matrix["roles"].map(text, na_action="ignore")
    cells = matrix.pivot(index="person_id", columns="season_number").reindex(
        index=people["person_id"]
    )
    # Not credited cells have no hover (hoverongaps=False): blanks, whatever their column.
    whole = cells["episode_count"].astype("Int64")  # the pivot made them floats
    hover = [
        table.reindex(columns=order).astype(object).fillna("").to_numpy()
        for table in (cells["roles"], cells["note"], whole, cells["length"])
    ]
    # Single precision: colours and whole percents need no more, and plotly ships arrays as
    # raw bytes, so this halves the largest array of the figure.
    value = cells["share" if color == "share" else "episode_count"]
    z = value.reindex(columns=order).to_numpy("float32", na_value=np.nan)
    if color == "share":
        share_bar = colorbar("Share of episodes", tickformat=".0%")
        scale: dict[str, object] = {"zmin": 0, "zmax": 1, "colorbar": share_bar}
    else:
        scale = {"zmin": 0, "colorbar": count_colorbar(np.nanmax(z), "Episodes credited")}
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[season_label(s) for s in order],
            y=person_labels(people),
            customdata=np.dstack(hover),
            colorscale=_SEQUENTIAL,
            hoverongaps=False,
            xgap=1,
            ygap=1,
            hovertemplate=(
                "%{y}<br>%{x}: credited on %{customdata[2]} of %{customdata[3]} episodes"
                + (" (%{z:.0%})" if color == "share" else "")
                + "<br>%{customdata[0]}%{customdata[1]}<extra></extra>"
            ),
            **scale,
        )
    )
    fig.update_yaxes(type="category", autorange="reversed", title_text=None)
    return finish(fig, title_text, order, rows=len(people))


def episode_distribution(
    frame: Source,
    *,
    series_name: SeriesName = None,
    include_specials: bool = False,
    table: _Table = "cast",
) -> go.Figure:
    """How many credits are credited with how many episodes, per season.

    Guests pile up at one or two episodes, regulars at the season's length. Episode counts are
    grouped in bands (1, 2, 3-4, 5-9, 10-19, 20-49, ...) so a 200-episode soap season stays a
    handful of cells, and the colour is on a log scale so a few regulars stay visible next to
    hundreds of guests. The exact counts are :func:`analysis.episodes_per_credit`.

    Parameters
    ----------
    frame
        Tidy cast or crew frame, a loaded series, or several (one panel each).
    series_name
        Named in the title (a loaded series' own name is the default).
    include_specials
        Show season 0 as "Specials".
    table
        The table of a loaded series to draw: ``"cast"`` or ``"crew"``.

    Returns
    -------
    plotly.graph_objects.Figure
        One heatmap trace (per series): seasons across, episode bands up, colour = credits;
        the hover gives the count and its share of the season's credits.
    """
    data = charted(frame, table, series_name)
    if data.several:
        return stack(
            data, lambda one: episode_distribution(one.frame, include_specials=include_specials)
        )
    frame = data.frame
    kind = _kind(frame)
    dist = analysis.episodes_per_credit(frame, include_specials=include_specials)
    title_text = title(f"Episodes per {kind.lower()} credit", data.name)
    if dist.empty:
        return empty(title_text)
    seasons = season_order(frame, include_specials=include_specials)
    smallest, largest = int(dist["episode_count"].min()), int(dist["episode_count"].max())
    edges = sorted({0, 1, 2, 3, *one_two_five(largest + 1)})
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
    ticks = one_two_five(int(credits.max(axis=None)))
    fig = go.Figure(
        go.Heatmap(
            z=np.log10(credits.where(credits > 0).to_numpy(dtype="float64")),
            x=[season_label(s) for s in seasons],
            y=bands,
            customdata=np.dstack([credits.to_numpy(), share.to_numpy()]),
            colorscale=_SEQUENTIAL,
            zmin=0,
            zmax=max(math.log10(ticks[-1]), 1e-9),
            colorbar=colorbar(
                "Credits",
                tickvals=[math.log10(t) for t in ticks],
                ticktext=[str(t) for t in ticks],
            ),
            hoverongaps=False,
            xgap=1,
            ygap=1,
            hovertemplate=(
                "%{x}, %{y} episodes: %{customdata[0]} credits"
                "<br>%{customdata[1]:.1%} of the season's credits<extra></extra>"
            ),
        )
    )
    per = "job" if kind == "Crew" else "role"
    fig.update_yaxes(type="category", title_text=f"Episodes credited (per {per})")
    return finish(fig, title_text, seasons)


def gender_bars(
    frame: Source,
    *,
    series_name: SeriesName = None,
    include_specials: bool = False,
    weight: Literal["people", "episodes"] = "people",
    by_department: bool = False,
    share: bool | None = None,
    table: _Table = "cast",
    columns: int | None = None,
) -> go.Figure:
    """Stacked bars of the gender split per season, in people or in credited episodes.

    Parameters
    ----------
    frame
        Tidy cast or crew frame, a loaded series, or several (one panel each).
    series_name
        Named in the title (a loaded series' own name is the default).
    include_specials
        Show season 0 as "Specials".
    weight
        ``"people"``: distinct people, each counted once per season (and department);
        ``"episodes"``: episodes credited, summed over their credits.
    by_department
        One panel per crew department (crew of one series only).
    share
        Bars of shares (each season sums to 100%, its size written above it as "n=3") instead
        of counts. None: shares for several series (they differ in size), counts for one.
    table
        The table of a loaded series to draw: ``"cast"`` or ``"crew"``.
    columns
        Panels per row: departments (default 4) or series (default 1, one under the other).

    Returns
    -------
    plotly.graph_objects.Figure
        One bar trace per gender category (per panel), always all four in
        :data:`~credits_analysis.schema.GENDER_CATEGORIES` order and :data:`GENDER_COLORS`;
        the hover gives the count, the season's total and the share. See
        :func:`analysis.gender_split`.
    """
    if weight not in ("people", "episodes"):
        raise ValueError(f"weight must be 'people' or 'episodes', got {weight!r}")
    data = charted(frame, table, series_name)
    if data.several:
        if by_department:
            raise ValueError("by_department draws one series: give one series at a time")
        return stack(
            data,
            lambda one: gender_bars(
                one.frame,
                include_specials=include_specials,
                weight=weight,
                share=share is not False,
            ),
            columns=columns or 1,
        )
    frame = data.frame
    by = ("season_number", "department") if by_department else ("season_number",)
    split = analysis.gender_split(frame, by=by, include_specials=include_specials)
    kind = _kind(frame)
    unit = "people" if weight == "people" else "episodes credited"
    where = " by department" if by_department else ""
    measure = f"share of {unit}" if share else unit
    title_text = title(f"{kind} gender split per season{where} ({measure})", data.name)
    if split.empty:
        return empty(title_text)
    seasons = season_order(frame, include_specials=include_specials)
    fraction = "people_share" if weight == "people" else "episode_share"
    split["total"] = split.groupby(list(by), observed=True)[weight].transform("sum")
    # Hover numbers in single precision: shown as "66.7%" and "of 320", they need no more, and
    # plotly ships arrays as raw bytes, so this halves them.
    hover = split[[fraction, "total"]].astype("float32")
    split["season"] = split["season_number"].map(season_label)
    if share:
        return finish(
            _share_bars(split.assign(share=split[fraction]), weight, unit), title_text, seasons
        ).update_layout(barmode="stack")
    facets = {}
    if by_department:
        split["department"] = split["department"].map(text)
        facets = {"facet_col": "department", "facet_col_wrap": columns or 4}
    fig = px.bar(
        split.assign(hover_share=hover[fraction], hover_total=hover["total"]),
        x="season",
        y=weight,
        color="gender",
        custom_data=["hover_share", "hover_total"],
        category_orders={"gender": list(GENDER_CATEGORIES)},
        color_discrete_map=dict(GENDER_COLORS),
        labels={"gender": "Gender", weight: unit.capitalize(), "season": SEASON},
        **facets,
    )
    fig.update_traces(
        hovertemplate=f"%{{x}}: %{{y}} of %{{customdata[1]}} {unit}"
        f"<br>%{{customdata[0]:.1%}} of the season's {unit}"
    )
    if by_department:
        fig.for_each_annotation(lambda a: a.update(text=a.text.partition("=")[2]))
        fig.update_yaxes(matches=None, showticklabels=True)
    panels = split["department"].nunique() if by_department else 1
    fig.update_layout(barmode="stack", height=max(450, 260 * math.ceil(panels / (columns or 4))))
    return finish(fig, title_text, seasons)


def _share_bars(split: pd.DataFrame, weight: str, unit: str) -> go.Figure:
    """Stacked bars of each gender's ``share``, the season's total written above each bar."""
    fig = go.Figure()
    for gender in GENDER_CATEGORIES:
        mine = split[split["gender"] == gender]
        fig.add_trace(
            go.Bar(
                x=mine["season"],
                y=mine["share"].astype("float32"),
                name=gender,
                marker_color=GENDER_COLORS[gender],
                customdata=mine[[weight, "total"]].to_numpy(dtype="int32"),
                hovertemplate=f"%{{x}}: %{{y:.1%}} of the season's {unit}"
                f"<br>(%{{customdata[0]}} of %{{customdata[1]}})<extra>{gender}</extra>",
            )
        )
    totals = split.drop_duplicates("season_number")
    upright = len(totals) <= 12  # beyond, the labels would overlap: they stand on end
    for season, total in zip(totals["season"], totals["total"], strict=True):
        fig.add_annotation(
            x=season,
            y=1,
            text=f"n={total}",
            showarrow=False,
            yanchor="bottom",
            textangle=0 if upright else -90,
            font={"size": 10, "color": _NEUTRAL},
        )
    fig.update_yaxes(
        title_text=f"Share of {unit} (n: {unit} in the season)",
        tickformat=".0%",
        tickvals=[0, 0.25, 0.5, 0.75, 1],
        range=[0, 1.1 if upright else 1.25],
    )
    return fig


def popularity_box(
    cast: Source,
    *,
    series_name: SeriesName = None,
    include_specials: bool = False,
    top: int = 5,
    log_y: bool = True,
    min_box_people: int = MIN_BOX_PEOPLE,
    table: _Table = "cast",
) -> go.Figure:
    """Box per season of the fetch-time popularity of its distinct cast, top people as points.

    The boxes are computed in pandas (:func:`analysis.popularity_summary`) and shipped as
    quartiles and fences, so the figure holds no per-person score but the points it draws: the
    ``top`` most popular people of each season, coloured by gender, with their names in the
    hover. A season of fewer than ``min_box_people`` people gets no box: all its people are
    drawn as points instead. The caveat :data:`POPULARITY_CAVEAT` is the figure's subtitle.

    TMDB gives some people a popularity of 0, which a log axis cannot show: on the log axis,
    box statistics and points at 0 are drawn at the largest power of ten below every positive
    value drawn, and the subtitle says so (a point's hover keeps its true value). With no
    positive value at all the axis is linear.

    Parameters
    ----------
    cast
        Tidy cast (or crew) frame, a loaded series, or several (one panel each).
    series_name
        Named in the title (a loaded series' own name is the default).
    include_specials
        Show season 0 as "Specials".
    top
        People drawn as points per season that has a box.
    log_y
        Log popularity axis: the score is heavy-tailed, so on a linear axis every box is
        squashed against zero under a few stars.
    min_box_people
        Fewest people a season needs for a box (:data:`MIN_BOX_PEOPLE` by default).
    table
        The table of a loaded series to draw: ``"cast"`` or ``"crew"``.

    Raises
    ------
    ValueError
        If ``top`` or ``min_box_people`` is not a positive integer.

    Returns
    -------
    plotly.graph_objects.Figure
        A box trace named "All cast" (or "All crew"; absent when no season has enough people)
        and one scatter trace per gender category present among the points, in category order,
        grouped in the legend under the number of points per boxed season actually drawn.
    """
    for name, count in (("top", top), ("min_box_people", min_box_people)):
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"{name} must be a positive number of people, got {count!r}")
    data = charted(cast, table, series_name)
    if data.several:
        return stack(
            data,
            lambda one: popularity_box(
                one.frame,
                include_specials=include_specials,
                top=top,
                log_y=log_y,
                min_box_people=min_box_people,
            ),
        )
    frame = data.frame
    summary = analysis.popularity_summary(frame, include_specials=include_specials)
    kind = _kind(frame)
    title_text = title(f"{kind} popularity by season (TMDB score at fetch time)", data.name)
    if summary.empty:
        return empty(title_text, subtitle=POPULARITY_CAVEAT)
    seasons = season_order(frame, include_specials=include_specials)
    small = summary.loc[summary["people"] < min_box_people, "season_number"]
    summary = summary[~summary["season_number"].isin(small)]
    ranked = analysis.top_people(
        frame, n=max(top, min_box_people), include_specials=include_specials
    )
    points = ranked[ranked["season_number"].isin(small) | (ranked["rank"] <= top)]
    drawn = pd.concat([summary[_BOX_STATS].stack(), points["popularity"]]).dropna()
    if log_y and not (drawn > 0).any():
        log_y = False  # nothing above zero: a log axis would have nothing to show
    floor = _log_floor(drawn) if log_y else None
    subtitle = POPULARITY_CAVEAT
    if not small.empty:
        subtitle += (
            f"<br>Seasons of fewer than {min_box_people} people have no box: everyone is a point."
        )
    if floor is not None:
        summary[_BOX_STATS] = summary[_BOX_STATS].clip(lower=floor)
        subtitle += f"<br>A popularity of 0, which a log axis cannot show, is drawn at {floor:g}."
    fig = go.Figure()
    if not summary.empty:
        fig.add_trace(
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
    boxed = points[~points["season_number"].isin(small)]
    group = (
        f"Top {int(boxed.groupby('season_number').size().max())} per season"
        if not boxed.empty
        else "Everyone"
    )
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
                legendgrouptitle_text=group,
                marker={"color": GENDER_COLORS[gender], "size": 8, "line": {"width": 0.5}},
                customdata=np.column_stack(
                    [
                        mine["name"].fillna("").map(text),
                        mine["roles"].fillna("").map(text),
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
    return finish(fig, title_text, seasons, subtitle=subtitle)


def continuity_bars(
    frame: Source, *, series_name: SeriesName = None, table: _Table = "cast"
) -> go.Figure:
    """Per season, people returning, rejoining and new (up) and people who left (down).

    Specials are never shown: see :func:`analysis.continuity`.

    Parameters
    ----------
    frame
        Tidy cast or crew frame, a loaded series, or several (one panel each).
    series_name
        Named in the title (a loaded series' own name is the default).
    table
        The table of a loaded series to draw: ``"cast"`` or ``"crew"``.

    Returns
    -------
    plotly.graph_objects.Figure
        One bar trace per status, in the order returning, rejoining, new, left, coloured by
        :data:`CONTINUITY_COLORS`; "left" is drawn below zero.
    """
    data = charted(frame, table, series_name)
    if data.several:
        return stack(data, lambda one: continuity_bars(one.frame))
    frame = data.frame
    flow = analysis.continuity(frame)
    kind = _kind(frame)
    title_text = title(f"{kind} continuity from one season to the next", data.name)
    if flow.empty:
        return empty(title_text)
    seasons = season_order(frame, include_specials=False)
    statuses = list(CONTINUITY_COLORS)
    long = flow.melt(
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
        labels={"status": "People", "season": SEASON},
    )
    fig.update_traces(
        hovertemplate="%{x}: %{customdata[0]} %{fullData.name} (%{customdata[1]})<extra></extra>",
        marker_line={"width": 0.5, "color": _NEUTRAL},
    )
    fig.update_layout(barmode="relative")
    fig.update_yaxes(title_text="People (left the show: below zero)", zeroline=True)
    return finish(fig, title_text, seasons)


def regulars_timeline(
    cast: Source,
    *,
    series_name: SeriesName = None,
    include_specials: bool = False,
    min_share: float = 0.5,
    seasons: pd.DataFrame | None = None,
    top: int = 40,
    table: _Table = "cast",
) -> go.Figure:
    """Which regulars span which seasons: a marker where a person is a regular.

    Parameters
    ----------
    cast
        Tidy cast (or crew) frame, a loaded series, or several (one panel each).
    series_name
        Named in the title (a loaded series' own name is the default).
    include_specials
        Show season 0 as "Specials".
    min_share, seasons, top
        As for :func:`analysis.regular_spans` (a loaded series' own seasons by default).
    table
        The table of a loaded series to draw: ``"cast"`` or ``"crew"``.

    Returns
    -------
    plotly.graph_objects.Figure
        One scatter trace per gender category present, people in order of their first season
        as a regular, top to bottom.
    """
    data = charted(cast, table, series_name, seasons)
    if data.several:
        return stack(
            data,
            lambda one: regulars_timeline(
                one.frame,
                include_specials=include_specials,
                min_share=min_share,
                seasons=one.seasons,
                top=top,
            ),
        )
    frame = data.frame
    spans = analysis.regular_spans(
        frame, min_share=min_share, seasons=data.seasons, top=top, include_specials=include_specials
    )
    kind = _kind(frame)
    title_text = title(f"{kind} regulars (credited on {min_share:.0%}+ of a season)", data.name)
    if spans.empty:
        return empty(title_text)
    people = spans.drop_duplicates("person_id")
    order = pd.Series(person_labels(people), index=people["person_id"])
    fig = px.scatter(
        spans.assign(
            season=spans["season_number"].map(season_label),
            person=spans["person_id"].map(order),
            roles=spans["roles"].fillna("").map(text),
        ),
        x="season",
        y="person",
        color="gender",
        custom_data=["roles", "episode_count", "season_episodes"],
        category_orders={"gender": list(GENDER_CATEGORIES), "person": order.tolist()},
        color_discrete_map=dict(GENDER_COLORS),
        labels={"gender": "Gender", "season": SEASON},
    )
    fig.update_traces(
        marker={"symbol": "square", "size": 12},
        hovertemplate="%{y} (%{customdata[0]})<br>%{x}: credited on %{customdata[1]} of "
        "%{customdata[2]} episodes<extra></extra>",
    )
    # px already lists a categorical y axis top to bottom in category_orders' order.
    fig.update_yaxes(title_text=None)
    return finish(
        fig, title_text, season_order(frame, include_specials=include_specials), rows=len(people)
    )


def crew_heatmap(
    crew: Source, *, series_name: SeriesName = None, include_specials: bool = False
) -> go.Figure:
    """Heatmap of crew headcount per department (rows, largest first) and season (columns).

    Parameters
    ----------
    crew
        Tidy crew frame, a loaded series (its crew), or several (one panel each).
    series_name
        Named in the title (a loaded series' own name is the default).
    include_specials
        Show season 0 as "Specials".

    Returns
    -------
    plotly.graph_objects.Figure
        One heatmap trace (per series) with the headcount written in each cell and
        whole-number colour-bar ticks; the hover adds the number of job credits. See
        :func:`analysis.crew_headcount`.
    """
    data = charted(crew, "crew", series_name)
    if data.several:
        return stack(data, lambda one: crew_heatmap(one.frame, include_specials=include_specials))
    head = analysis.crew_headcount(data.frame, include_specials=include_specials)
    title_text = title("Crew headcount per department and season", data.name)
    if head.empty:
        return empty(title_text)
    seasons = season_order(data.frame, include_specials=include_specials)
    departments = (
        head.groupby("department")["people"].sum().sort_values(ascending=False, kind="stable")
    ).index
    cells = head.pivot(index="department", columns="season_number")
    people = cells["people"].reindex(index=departments, columns=seasons).to_numpy()
    fig = go.Figure(
        go.Heatmap(
            z=people,
            x=[season_label(s) for s in seasons],
            y=[text(d) for d in departments],
            customdata=cells["credits"].reindex(index=departments, columns=seasons).to_numpy(),
            texttemplate="%{z}",
            colorscale=_SEQUENTIAL,
            zmin=0,
            colorbar=count_colorbar(people.max(), "People"),
            xgap=1,
            ygap=1,
            hovertemplate="%{y}, %{x}: %{z} people, %{customdata} job credits<extra></extra>",
        )
    )
    fig.update_yaxes(type="category", autorange="reversed")
    return finish(fig, title_text, seasons, rows=len(departments))


def people_per_season(
    series: Source, *, series_name: SeriesName = None, include_specials: bool = False
) -> go.Figure:
    """Distinct people credited per season in the cast and in the crew: one line per series.

    Parameters
    ----------
    series
        Loaded series (one or several; their cast and crew both count), or a tidy frame of
        one or several series (cast or crew: one panel).
    series_name
        Names for a frame's series (a loaded series' own names by default).
    include_specials
        Show season 0 as "Specials".

    Returns
    -------
    plotly.graph_objects.Figure
        A "Cast" and a "Crew" panel, one line trace per series in each, named after the series,
        coloured by :data:`SERIES_COLORS` with its own dash and marker; the subtitle names
        series whose lines coincide. Each panel's season axis lists only its own seasons.
    """
    tables = ["cast"] if isinstance(series, pd.DataFrame) else ["cast", "crew"]
    panels = {}
    for table in tables:
        data = charted(series, table, series_name)  # type: ignore[arg-type]
        kind = _kind(data.frame)
        split = analysis.gender_split(
            data.frame, by=("series_id", "season_number"), include_specials=include_specials
        )
        counts = split.groupby(["series_id", "season_number"], as_index=False)["people"].sum()
        counts["hover"] = counts["people"].astype(str) + " people"
        panels[kind] = (data, counts.rename(columns={"people": "value"}))
    return _series_lines(
        panels,
        title("Distinct people credited per season", None),
        axis_title="People",
        share=False,
    )


def continuity_lines(
    cast: Source,
    *,
    series_name: SeriesName = None,
    table: _Table = "cast",
) -> go.Figure:
    """Share of each season's people returning, and share new to the series: a line per series.

    Left: the share of the previous season's people who return. Right: the share of this
    season's people who are new to the series. The first season of each series has nothing to
    compare with and is left out; Specials always are (see :func:`analysis.continuity`).

    Parameters
    ----------
    cast
        Tidy cast (or crew) frame of one or several series, a loaded series, or several.
    series_name
        Names for a frame's series (a loaded series' own names by default).
    table
        The table of a loaded series to draw: ``"cast"`` or ``"crew"``.

    Returns
    -------
    plotly.graph_objects.Figure
        Two panels, one line trace per series in each, as :func:`people_per_season`; the hover
        gives the count behind each share ("2 of 3").
    """
    data = charted(cast, table, series_name)
    kind = _kind(data.frame).lower()
    flow = analysis.continuity(data.frame)
    if "series_id" not in flow.columns:
        flow.insert(0, "series_id", next(iter(data.names)))
    flow = flow[flow["previous_season"].notna()]
    before = flow["returning"] + flow["left"]
    returning = flow.assign(
        value=flow["returning"] / before,
        hover=flow["returning"].astype(str) + " of " + before.astype(str),
    )
    new = flow.assign(
        value=flow["new"] / flow["people"],
        hover=flow["new"].astype(str) + " of " + flow["people"].astype(str),
    )
    # Short panel titles: two side by side must fit a phone's width; the title says the rest.
    panels = {"Returning": (data, returning), "New to the series": (data, new)}
    return _series_lines(
        panels,
        title(
            f"{kind.capitalize()} continuity: the share of the previous season's {kind} who "
            f"return, and of this season's {kind} new to the series",
            None,
        ),
        axis_title=f"Share of the {kind}",
        share=True,
    )


def _series_lines(
    panels: Mapping[str, tuple[Charted, pd.DataFrame]],
    title_text: str,
    *,
    axis_title: str,
    share: bool,
) -> go.Figure:
    """Side-by-side panels of one line per series (``value`` by ``season_number``).

    Each series keeps one colour, dash and marker in every panel and one legend entry; lines
    that coincide in a panel are named in the subtitle, since one hides the other.
    """
    fig = make_subplots(
        rows=1, cols=len(panels), subplot_titles=[text(p) for p in panels], horizontal_spacing=0.1
    )
    identical = []
    any_line = False
    for column, (panel, (data, values)) in enumerate(panels.items(), start=1):
        names = series_names(data)
        lines: dict[tuple[object, ...], list[str]] = {}
        seasons: set[int] = set()
        for index, (series_id, name) in enumerate(names.items()):
            mine = values[values["series_id"] == series_id].sort_values("season_number")
            if mine.empty:
                continue
            any_line = True
            seasons.update(int(n) for n in mine["season_number"])
            style = index % len(SERIES_COLORS)
            labels = mine["season_number"].map(season_label)
            values_shown = mine["value"].round(4)
            lines.setdefault((*labels, *values_shown), []).append(text(name))
            fig.add_trace(
                go.Scatter(
                    x=labels,
                    y=values_shown,
                    name=text(name),
                    legendgroup=str(series_id),
                    showlegend=column == 1,
                    mode="lines+markers",
                    line={"color": SERIES_COLORS[style], "dash": _SERIES_DASHES[style]},
                    marker={"symbol": _SERIES_SYMBOLS[style], "size": 8},
                    customdata=mine[["hover"]].to_numpy(),
                    hovertemplate=(
                        "%{x}: %{y:.0%} (%{customdata[0]})" if share else "%{x}: %{customdata[0]}"
                    )
                    + f"<extra>{text(name)}</extra>",
                ),
                row=1,
                col=column,
            )
        identical += [
            f"{' and '.join(same)} are identical in {text(panel)}"
            for same in lines.values()
            if len(same) > 1
        ]
        fig.update_xaxes(
            type="category",
            categoryorder="array",
            categoryarray=[season_label(n) for n in sorted(seasons)],
            title_text=SEASON,
            col=column,
        )
    if not any_line:
        return empty(title_text)
    fig.update_yaxes(rangemode="tozero", showticklabels=True, title_text=None)
    fig.update_yaxes(title_text=axis_title, col=1)
    if share:
        fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
    subtitle = "<br>".join(f"{note}: one line hides the other." for note in identical) or None
    return fig.update_layout(title_layout(title_text, subtitle), height=450)


def _kind(frame: pd.DataFrame) -> str:
    """The frame's kind, "Cast" or "Crew", from the column only crew frames have."""
    return "Crew" if "department" in frame.columns else "Cast"


def _log_floor(values: pd.Series) -> float | None:
    """Where a log axis draws the values at or below 0 (None if there are none).

    The largest power of ten below every positive value (one at least is needed), so those
    values stand apart at the foot of the axis.
    """
    positive = values[values > 0]
    if len(positive) == len(values):
        return None
    return 10.0 ** (math.ceil(math.log10(positive.min())) - 1)
