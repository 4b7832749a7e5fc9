"""A corpus of many series: fetched resumably into hive-partitioned Parquet, queried with DuckDB.

>>> import credits_analysis as ca
>>> ca.corpus.build("data/corpus", [1399, 1396, 1438])      # needs TMDB_API_TOKEN
>>> con = ca.corpus.open("data/corpus")                     # read-only DuckDB views
>>> con.sql('SELECT series_id, count(*) FROM "cast" GROUP BY ALL').df()

See the README's "Corpus" section for the layout and for reading it with other engines.
"""

from credits_analysis.corpus import metrics
from credits_analysis.corpus.build import BuildResult, build
from credits_analysis.corpus.ids import read_ids
from credits_analysis.corpus.query import open
from credits_analysis.corpus.refresh import refresh
from credits_analysis.corpus.status import CorpusStatus, SeriesTally, series_tally, status

__all__ = [
    "BuildResult",
    "CorpusStatus",
    "SeriesTally",
    "build",
    "metrics",
    "open",
    "read_ids",
    "refresh",
    "series_tally",
    "status",
]
