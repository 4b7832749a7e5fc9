"""What every chart builder shares: its input, escaped text, titles, the look, panels per series.

Kept apart from :mod:`credits_analysis.charts` so the builders read as what they draw. Nothing
here aggregates: the builders call :mod:`credits_analysis.analysis` for that.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeAlias

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from credits_analysis.wording import SPECIALS_SEASON, season_label

if TYPE_CHECKING:
    from credits_analysis.load import SeriesCredits

#: What a builder draws: a tidy frame (one or several series), a loaded series, or several.
Source: TypeAlias = "pd.DataFrame | SeriesCredits | Sequence[SeriesCredits]"
#: A name for the series drawn: one name, or a name per series id for a frame of several.
SeriesName: TypeAlias = "str | Mapping[int, str] | None"

SEASON = "Season"
ROW_HEIGHT = 22  # pixels per person or department row, so long lists stay legible
# Characters per title and subtitle line: at a phone's 390 px a title wraps instead of being cut.
_TITLE_WIDTH = 50
_SUBTITLE_WIDTH = 62
_PANEL_GAP = 90  # pixels between stacked panels: room for the next panel's title


def _slim_template(name: str = "plotly_white") -> go.layout.Template:
    """Plotly's ``name`` template cut to what these charts use.

    Every figure carries its template in its JSON; the full one is 7 KB, mostly defaults for
    maps, 3-D scenes and trace types never drawn here, repeated in each chart of a report.
    """
    full = pio.templates[name].to_plotly_json()
    unused = {"polar", "ternary", "scene", "geo", "colorscale"}  # colour scales are set per trace
    layout = {key: value for key, value in full["layout"].items() if key not in unused}
    data = {
        kind: [
            {k: v for k, v in entry.items() if k != "colorscale"} for entry in full["data"][kind]
        ]
        for kind in ("bar", "scatter", "heatmap")
    }
    return go.layout.Template(layout=layout, data=data)


TEMPLATE = _slim_template()


def text(value: object) -> str:
    """Data text as plotly must receive it: markup characters escaped, so a name that holds
    ``<a href=...>`` or ``<b>`` is shown as written, never turned into a link or bold."""
    return html.escape(str(value), quote=False)


@dataclass(frozen=True)
class Charted:
    """A builder's input made uniform: one frame, each series' name, the seasons tables."""

    frame: pd.DataFrame
    names: dict[int, str | None]  # series id -> raw name, in the order the series come
    seasons: pd.DataFrame | None = None

    @property
    def several(self) -> bool:
        return len(self.names) > 1

    @property
    def name(self) -> str | None:
        """The one series' name (None when unnamed or when there are several)."""
        return next(iter(self.names.values())) if len(self.names) == 1 else None

    def each(self) -> Iterator[Charted]:
        """One :class:`Charted` per series, in order."""
        for series_id, name in self.names.items():
            seasons = self.seasons
            if seasons is not None and "series_id" in seasons.columns:
                seasons = seasons[seasons["series_id"] == series_id]
            frame = self.frame[self.frame["series_id"] == series_id]
            yield Charted(frame, {series_id: name}, seasons)


def charted(
    source: Source,
    table: Literal["cast", "crew"],
    series_name: SeriesName,
    seasons: pd.DataFrame | None = None,
) -> Charted:
    """Resolve a builder's input: a frame, or the ``table`` of one or several loaded series.

    Raises
    ------
    ValueError
        For an empty sequence, a series given twice, or one name for a frame of several series.
    """
    if isinstance(source, pd.DataFrame):
        ids = [int(i) for i in pd.unique(source["series_id"])]
        if isinstance(series_name, Mapping):
            names = {i: series_name.get(i) for i in ids}
        elif len(ids) > 1 and series_name is not None:
            raise ValueError(
                f"the frame holds series {ids}: give series_name as a mapping of series id to "
                "name, or no name"
            )
        else:
            names = dict.fromkeys(ids or [0], series_name)
        return Charted(source, names, seasons)
    items = [source] if hasattr(source, table) else list(source)  # type: ignore[arg-type]
    if not items:
        raise ValueError("nothing to draw: the sequence of series is empty")
    ids = [item.series_id for item in items]
    if len(set(ids)) < len(ids):
        raise ValueError(f"a series is given twice: {ids}")
    given = series_name if isinstance(series_name, Mapping) else {}
    names = {
        item.series_id: given.get(item.series_id)
        or (series_name if isinstance(series_name, str) and len(items) == 1 else None)
        or item.name
        or f"series {item.series_id}"
        for item in items
    }
    frame = pd.concat([getattr(item, table) for item in items], ignore_index=True)
    if seasons is None:
        seasons = pd.concat([item.seasons for item in items], ignore_index=True)
    return Charted(frame, names, seasons)


def series_names(data: Charted) -> dict[int, str]:
    """Each series' name for a legend or panel title, "series <id>" where it has none."""
    return {i: name or f"series {i}" for i, name in data.names.items()}


def title(what: str, series_name: str | None) -> str:
    """A figure title: the escaped series name first, wrapped onto lines that fit a phone."""
    full = f"{text(series_name)}: {what}" if series_name else what
    return "<br>".join(textwrap.wrap(full, _TITLE_WIDTH, break_long_words=False))


def season_order(frame: pd.DataFrame, *, include_specials: bool) -> list[int]:
    """Every season of the input, so all figures of a series share one season axis."""
    numbers = (int(n) for n in frame["season_number"].dropna().unique())
    return sorted(n for n in numbers if include_specials or n != SPECIALS_SEASON)


def person_labels(people: pd.DataFrame) -> list[str]:
    """Row labels for people: their escaped name, the id added where two people share a name."""
    ids = people["person_id"].astype(str)
    names = people["name"].fillna("person " + ids)
    shared = names.duplicated(keep=False)
    return [text(label) for label in names.where(~shared, names + " (#" + ids + ")")]


def count_colorbar(largest: float, label: str) -> dict[str, object]:
    """A colour bar for counts: whole-number ticks only (never 0.5 people), a handful of them."""
    step = next(s for s in one_two_five(max(1, int(largest))) if largest / s <= 6)
    return colorbar(label, tick0=0, dtick=step, tickformat="d")


def one_two_five(upto: int) -> list[int]:
    """1, 2, 5, 10, 20, 50, ... up to the first one at or above ``upto``."""
    candidates = [m * 10**e for e in range(len(str(upto)) + 1) for m in (1, 2, 5)]
    return [c for c in candidates if c < upto] + [min(c for c in candidates if c >= upto)]


def finish(
    fig: go.Figure,
    title_text: str,
    seasons: list[int],
    *,
    rows: int | None = None,
    subtitle: str | None = None,
) -> go.Figure:
    """Apply the shared look: title, template, ordered categorical season axis, height."""
    fig.update_xaxes(
        type="category", categoryorder="array", categoryarray=[season_label(s) for s in seasons]
    )
    # Faceted figures title only their bottom axes; titling every panel would overprint.
    if not any(axis.title.text for axis in fig.select_xaxes()):
        fig.update_xaxes(title_text=SEASON)
    fig.update_layout(title_layout(title_text, subtitle))
    if rows is not None:
        fig.update_layout(height=rows_height(rows))
    return fig


def rows_height(rows: int) -> int:
    """A figure's height in pixels for ``rows`` rows of people or departments."""
    return max(400, 160 + ROW_HEIGHT * rows)


def empty(title_text: str, *, subtitle: str | None = None) -> go.Figure:
    """A figure with no trace that says so, for inputs with nothing to draw."""
    fig = go.Figure()
    fig.add_annotation(
        text="No credits to show", showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig.update_layout(title_layout(title_text, subtitle))


def title_layout(title_text: str, subtitle: str | None) -> dict[str, object]:
    """Title and subtitle with the room they need, the template, and a layout that narrows.

    No width is fixed (the figure takes its container's); the title starts at the figure's
    left edge, not the plot's, and title and subtitle lines are cut to fit a phone's 390 px;
    the legend runs horizontally below the plot, so the plot keeps the width instead of sharing
    it with a legend column; margins grow to fit tick labels.
    """
    if subtitle:
        subtitle = "<br>".join(
            "<br>".join(textwrap.wrap(line, _SUBTITLE_WIDTH, break_long_words=False))
            for line in subtitle.split("<br>")
        )
    lines = title_text.count("<br>") + 1 + (subtitle.count("<br>") + 1 if subtitle else 0)
    return {
        "title": {
            "text": title_text,
            "subtitle": {"text": subtitle} if subtitle else None,
            "font": {"size": 15},
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "y": 1,
            "yanchor": "top",
            "yref": "container",
            "pad": {"l": 10, "t": 12},
        },
        "margin": {"t": 50 + 20 * lines, "l": 10, "r": 10, "autoexpand": True},
        "legend": {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "y": 0,
            "yanchor": "bottom",
            "yref": "container",
        },
        "autosize": True,
        "template": TEMPLATE,
    }


def colorbar(label: str, **settings: object) -> dict[str, object]:
    """A colour bar lying under the plot, so a narrow figure gives its width to the cells."""
    return {
        "title": {"text": label, "side": "bottom"},
        "orientation": "h",
        "x": 0,
        "xanchor": "left",
        "xref": "container",
        "y": 0,
        "yanchor": "bottom",
        "yref": "container",
        "len": 260,
        "xpad": 20,
        "lenmode": "pixels",
        "thickness": 12,
        **settings,
    }


def stack(data: Charted, build: Callable[[Charted], go.Figure], *, columns: int = 1) -> go.Figure:
    """One panel per series, each drawn by ``build`` alone, in rows of ``columns`` panels.

    Each panel keeps its own axes (its own seasons and people); a category shown in several
    panels appears once in the legend, and heatmaps share one colour scale so their colours
    compare.
    """
    names = series_names(data)
    parts = [build(one) for one in data.each()]
    count = len(parts)
    columns = max(1, min(columns, count))
    rows = math.ceil(count / columns)
    heights = [max((p.layout.height or 450) for p in parts[r * columns : (r + 1) * columns])
               for r in range(rows)]  # fmt: skip
    total = sum(heights) + _PANEL_GAP * (rows - 1)
    subplot_titles = [
        text(name) + ("" if part.data else " (no credits to show)")
        for name, part in zip(names.values(), parts, strict=True)
    ]
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=subplot_titles,
        row_heights=heights,
        vertical_spacing=_PANEL_GAP / total if rows > 1 else 0.1,
        horizontal_spacing=0.08,
    )
    seen: set[str] = set()
    for index, part in enumerate(parts):
        row, col = divmod(index, columns)
        suffix = "" if index == 0 else str(index + 1)
        for trace in part.data:
            if trace.showlegend is not False and trace.name:
                trace.update(legendgroup=trace.legendgroup or trace.name)
                if trace.name in seen:
                    trace.update(showlegend=False)
                seen.add(trace.name)
            fig.add_trace(trace, row=row + 1, col=col + 1)
        for axis in ("xaxis", "yaxis"):
            settings = part.layout[axis].to_plotly_json()
            settings = {k: v for k, v in settings.items() if k not in ("domain", "anchor")}
            if axis == "xaxis" and row < rows - 1:
                settings.pop("title", None)
            fig.layout[axis + suffix].update(settings)
        for note in part.layout.annotations:
            if note.xref != "paper":
                fig.add_annotation(note.update(xref="x" + suffix, yref="y" + suffix))
    _share_colour_scale(fig)
    first = parts[0].layout
    subtitle = "<br>".join(
        dict.fromkeys(
            line
            for part in parts
            if part.layout.title.subtitle.text
            for line in part.layout.title.subtitle.text.split("<br>")
        )
    )
    fig.update_layout(
        title_layout(first.title.text, subtitle or None),
        height=total + (first.margin.t or 100) + 80,
        barmode=first.barmode,
    )
    return fig


def _share_colour_scale(fig: go.Figure) -> None:
    """Give every heatmap one range and show one colour bar: the widest panel's."""
    heatmaps = [t for t in fig.data if t.type == "heatmap"]
    if len(heatmaps) < 2:
        return
    lows = [t.zmin if t.zmin is not None else np.nanmin(np.asarray(t.z, float)) for t in heatmaps]
    highs = [t.zmax if t.zmax is not None else np.nanmax(np.asarray(t.z, float)) for t in heatmaps]
    widest = int(np.nanargmax(highs))
    for index, trace in enumerate(heatmaps):
        trace.update(zmin=np.nanmin(lows), zmax=np.nanmax(highs), showscale=index == widest)
