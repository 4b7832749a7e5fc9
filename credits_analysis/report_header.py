"""What a report's header says, computed in the kernel from the very load its figures use.

The notebooks call :func:`display_header` right after loading: the facts travel as one display
output of mimetype :data:`HEADER_MIMETYPE`, which JupyterLab and VS Code have no renderer for
and leave blank, and which the report export reads (and drops) to frame the page. The header
therefore cannot disagree with the figures, whatever changes in the cache between two loads.

Light on purpose: the kernel imports it, so it needs neither nbconvert nor papermill.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from IPython.display import display

from credits_analysis._version import __version__
from credits_analysis.load import SeriesCredits
from credits_analysis.wording import season_ranges, year_span

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "HEADER_MIMETYPE",
    "TMDB_ATTRIBUTION",
    "ReportHeader",
    "SeriesSummary",
    "display_corpus_header",
    "display_header",
]

#: The output mimetype of the header facts (a JSON object of :class:`ReportHeader`'s fields).
HEADER_MIMETYPE = "application/vnd.credits-analysis.report-header+json"
#: TMDB's required attribution notice, shown in every report.
TMDB_ATTRIBUTION = "This product uses the TMDB API but is not endorsed or certified by TMDB."

_SOURCES = {
    "network": "TMDB API (fetched for this report)",
    "cache": "TMDB API (local cache)",
    "bundled": "data bundled with credits-analysis",
    "synthetic": "synthetic demo data bundled with credits-analysis (generated, not TMDB's)",
}


@dataclass(frozen=True)
class SeriesSummary:
    """What the report header says about one series (all fields but the numbers are text).

    ``failed`` lists the season numbers that did not load, for whoever built the report.
    """

    series_id: int
    name: str
    seasons: str
    source: str
    fetched: str
    failed: tuple[int, ...] = ()


@dataclass(frozen=True)
class ReportHeader:
    """The report's header: title, one summary per series, language, build stamp and notices.

    ``synthetic`` is the banner text, empty when no series is synthetic.
    """

    title: str
    series: tuple[SeriesSummary, ...]
    language: str
    built: str
    synthetic: str
    attribution: str = TMDB_ATTRIBUTION

    @classmethod
    def from_series(cls, loaded: Sequence[SeriesCredits]) -> ReportHeader:
        """Describe ``loaded`` (one or several series, as :func:`load_series` returns them)."""
        if not loaded:
            raise ValueError("a report needs at least one series")
        names = [_name(s) for s in loaded]
        title = (
            f"{names[0]}: cast and crew season by season"
            if len(loaded) == 1
            else f"Comparison: {', '.join(names)}"
        )
        synthetic = [_name(s) for s in loaded if s.is_synthetic]
        banner = (
            f"Synthetic data: {', '.join(synthetic)} "
            + (
                "is a generated series, not a real one."
                if len(synthetic) == 1
                else "are generated series, not real ones."
            )
            + " The people, roles and numbers are made up (calibrated on real TMDB payloads) to "
            "show what the report does: draw no conclusions from them."
            if synthetic
            else ""
        )
        return cls(
            title=title,
            series=tuple(_summary(s) for s in loaded),
            language=", ".join(sorted({s.language for s in loaded})),
            built=_built_now(),
            synthetic=banner,
        )

    @classmethod
    def from_corpus(
        cls, con: duckdb.DuckDBPyConnection, *, language: str, synthetic: bool
    ) -> ReportHeader:
        """Describe the corpus open on ``con`` (views as :func:`credits_analysis.corpus.open`)."""
        count, oldest, newest = con.execute(
            "SELECT count(*), min(fetched_at), max(fetched_at) FROM series"
        ).fetchall()[0]
        from credits_analysis.corpus.metrics import dated_years

        first, last = dated_years(con)
        stamps = [_format_time(s) for s in (oldest, newest) if s is not None]
        summary = SeriesSummary(
            series_id=0,
            name=f"{count:,} series",
            seasons=(
                f"first aired {year_span(first, last)}"
                if first is not None and last is not None
                else "no dated season"
            ),
            source=(
                "synthetic demo corpus bundled with credits-analysis (generated, not TMDB's)"
                if synthetic
                else "a corpus built from the TMDB API (credits-analysis corpus build)"
            ),
            fetched=" to ".join(dict.fromkeys(stamps)) or "not recorded",
        )
        banner = (
            f"Synthetic data: the {count:,} series of this corpus, their networks and people are "
            "generated, with trends planted to show what the charts do: draw no conclusions "
            "from them."
            if synthetic
            else ""
        )
        return cls(
            title=f"Corpus: representation and churn across {count:,} series",
            series=(summary,),
            language=language,
            built=_built_now(),
            synthetic=banner,
        )

    def to_json(self) -> dict[str, Any]:
        """The header as a JSON object (what :func:`display_header` sends)."""
        return asdict(self)

    @classmethod
    def from_json(cls, facts: Mapping[str, Any]) -> ReportHeader:
        """The header :meth:`to_json` described.

        Raises
        ------
        ValueError
            If ``facts`` lacks a field or holds one the header does not have.
        """
        try:
            series = tuple(
                SeriesSummary(**{**s, "failed": tuple(s.get("failed", ()))})
                for s in facts["series"]
            )
            return cls(**{**facts, "series": series})
        except (KeyError, TypeError) as exc:
            raise ValueError(f"the report header facts are malformed: {exc}") from None


def display_header(loaded: Sequence[SeriesCredits]) -> None:
    """Send the report header of ``loaded`` as a display output of :data:`HEADER_MIMETYPE`."""
    display({HEADER_MIMETYPE: ReportHeader.from_series(loaded).to_json()}, raw=True)


def display_corpus_header(
    con: duckdb.DuckDBPyConnection, *, language: str, synthetic: bool
) -> None:
    """Send the report header of the corpus open on ``con``, as :func:`display_header` does."""
    header = ReportHeader.from_corpus(con, language=language, synthetic=synthetic)
    display({HEADER_MIMETYPE: header.to_json()}, raw=True)


def _summary(series: SeriesCredits) -> SeriesSummary:
    loaded = sorted(series.payloads)
    rows = series.seasons[series.seasons["season_number"].isin(loaded)]
    seasons = season_ranges(loaded)
    if series.failures:
        # Why they failed is for the notebook's own note to say, in words.
        seasons += f" ({season_ranges(series.failures)} not loaded)"
    sources = sorted({_SOURCES.get(s, s) for s in rows["source"].dropna()})
    stamps = sorted({_format_time(stamp) for stamp in rows["fetched_at"].dropna()})
    fetched = " to ".join(dict.fromkeys([stamps[0], stamps[-1]])) if stamps else "not recorded"
    return SeriesSummary(
        series_id=series.series_id,
        name=_name(series),
        seasons=seasons,
        source="; ".join(sources) or "unknown",
        fetched=fetched,
        failed=tuple(sorted(series.failures)),
    )


def _name(series: SeriesCredits) -> str:
    return series.name or f"series {series.series_id}"


def _format_time(stamp: datetime) -> str:
    return f"{stamp:%Y-%m-%d %H:%M} UTC"


def _built_now() -> str:
    return f"{_format_time(datetime.now(UTC))} with credits-analysis {__version__}"
