"""credits_analysis: how a TV series' cast and crew change from season to season.

TMDB's per-season aggregate credits become tidy pandas tables, plotly charts and offline HTML
reports. With no token the bundled (synthetic, labelled) demo series is used; with
``TMDB_API_TOKEN`` set, any series is fetched live and cached.

This product uses the TMDB API but is not endorsed or certified by TMDB.

>>> import credits_analysis as ca
>>> series = ca.load_series(9000001)          # bundled demo: no token, no network
>>> series.cast.head()                         # one row per person-role per season
>>> ca.charts.episode_heatmap(series.cast, top=25)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from credits_analysis import schema, tidy
from credits_analysis._version import __version__
from credits_analysis.config import Settings
from credits_analysis.errors import (
    AmbiguousSeriesError,
    AuthError,
    BadResponseError,
    ClientRequestError,
    ConfigError,
    CorpusChangedError,
    CreditsAnalysisError,
    DataQualityWarning,
    InvalidQueryError,
    NetworkError,
    NotFoundError,
    OfflineMissError,
    PartialLoadWarning,
    PayloadError,
    RateLimitedError,
    SeriesNotFoundError,
    ServerError,
    StaleDataWarning,
    TMDBError,
)
from credits_analysis.load import SeriesCredits, SeriesOutcome, iter_series, load_series
from credits_analysis.resolve import ResolvedSeries, resolve_series
from credits_analysis.search import discover_series, search_series
from credits_analysis.tidy import cast_roles, crew_jobs, seasons

if TYPE_CHECKING:
    from credits_analysis import analysis, charts, corpus, demo, describe, report, samples, wording

__all__ = [
    "AmbiguousSeriesError",
    "AuthError",
    "BadResponseError",
    "ClientRequestError",
    "ConfigError",
    "CorpusChangedError",
    "CreditsAnalysisError",
    "DataQualityWarning",
    "InvalidQueryError",
    "NetworkError",
    "NotFoundError",
    "OfflineMissError",
    "PartialLoadWarning",
    "PayloadError",
    "RateLimitedError",
    "ResolvedSeries",
    "SeriesCredits",
    "SeriesNotFoundError",
    "SeriesOutcome",
    "ServerError",
    "Settings",
    "StaleDataWarning",
    "TMDBError",
    "__version__",
    "analysis",
    "cast_roles",
    "charts",
    "corpus",
    "crew_jobs",
    "demo",
    "describe",
    "discover_series",
    "episode_charts",
    "episodes",
    "iter_series",
    "load_series",
    "report",
    "resolve_series",
    "samples",
    "schema",
    "search_series",
    "seasons",
    "tidy",
    "wording",
]

# Submodules with heavy imports (plotly, nbconvert) load on first attribute access, so the CLI
# and `import credits_analysis` stay fast.
_LAZY_SUBMODULES = {
    "analysis",
    "charts",
    "corpus",  # DuckDB and pyarrow: the many-series Parquet corpus
    "demo",
    "describe",
    "episode_charts",
    "episodes",
    "report",
    "samples",
    "wording",
}


def __dir__() -> list[str]:
    return sorted(__all__)


def __getattr__(name: str) -> Any:
    if name in _LAZY_SUBMODULES:
        return importlib.import_module(f"credits_analysis.{name}")
    raise AttributeError(f"module 'credits_analysis' has no attribute {name!r}")
