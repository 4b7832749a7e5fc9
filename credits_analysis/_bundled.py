"""What loading needs to know about the bundled demo data, without importing its generator.

``credits_analysis.demo`` (the generator, its calibration, the store writer) builds on these;
:mod:`credits_analysis.load` reads only these, so ``import credits_analysis`` stays light.
"""

from __future__ import annotations

__all__ = ["DEMO_LANGUAGE", "DEMO_SERIES_IDS", "SYNTHETIC_KEY"]

#: Ids of the bundled synthetic demo series; ``credits_analysis.demo.DEMO_SERIES`` says how
#: each is generated. They are served from ``data/demo/`` alone, never asked of TMDB.
DEMO_SERIES_IDS: tuple[int, ...] = (9000001, 9000002)
#: The only language the bundled demo entries are stored in.
DEMO_LANGUAGE = "en-US"
#: Key of the details payload that marks generated data (``SeriesCredits.is_synthetic``).
SYNTHETIC_KEY = "credits_analysis_synthetic"
