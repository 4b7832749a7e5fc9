"""Published figures on women in TV credits, to set beside a corpus's own.

Each study counts something different from TMDB credits, so every figure carries its source and
what it counts, and the corpus report shows them in a table of their own, never on the corpus's
lines. Checked against the publications' text or press coverage of them (see
``../shared/industry-figures.md`` in the project's working notes).
"""

from __future__ import annotations

import pandas as pd

__all__ = ["PUBLISHED_FIGURES", "published_figures"]

_DGA = (
    "DGA Episodic Television Director Inclusion report: share of DGA-covered scripted episodes "
    "(broadcast, cable, SVOD) of a TV season directed by women; a co-directed episode counts "
    "for each director."
)
_BOXED_IN = (
    'San Diego State University, "Boxed In": credits on randomly sampled episodes of US '
    "broadcast and streaming series; people, not weighted by episodes."
)
_UCLA = (
    "UCLA Hollywood Diversity Report: show creators of scripted series, by platform; people, "
    "not weighted by episodes."
)

#: (what, season, women's share in percent, base, source, how it counts)
PUBLISHED_FIGURES: tuple[tuple[str, str, float, str, str, str], ...] = (
    ("directing (episodes)", "2014-15", 16, "", "DGA 2015-16 report (comparison)", _DGA),
    (
        "directing (episodes)",
        "2015-16",
        17,
        "4,061 episodes in 299 series",
        "DGA press release, 2016-09-12",
        _DGA,
    ),
    ("directing (episodes)", "2018-19", 31, "", "DGA 2019-20 report (comparison)", _DGA),
    ("directing (episodes)", "2019-20", 34, "4,186 episodes", "DGA press release, 2020", _DGA),
    ("directing (episodes)", "2020-21", 38, "2,691 episodes", "DGA press release, 2022-05", _DGA),
    ("directing (episodes)", "2021-22", 40, "", "DGA 2023-24 report (comparison)", _DGA),
    ("directing (episodes)", "2022-23", 39, "3,926 episodes", "DGA 2023-24 report", _DGA),
    ("directing (episodes)", "2023-24", 37, "1,430 episodes", "DGA 2023-24 report, 2025", _DGA),
    ("creators (people)", "2021-22", 30, "", '"Boxed In" 2023-24 (comparison)', _BOXED_IN),
    ("creators (people)", "2022-23", 26, "", '"Boxed In" 2023-24 (comparison)', _BOXED_IN),
    ("creators (people)", "2023-24", 23, "", '"Boxed In" 2023-24', _BOXED_IN),
    ("directing (people)", "2023-24", 19, "", '"Boxed In" 2023-24', _BOXED_IN),
    ("writing (people)", "2023-24", 33, "", '"Boxed In" 2023-24', _BOXED_IN),
    (
        "creators (people), broadcast",
        "2020-21",
        31.8,
        "107 scripted shows",
        "UCLA Hollywood Diversity Report, TV 2020-21",
        _UCLA,
    ),
    (
        "creators (people), cable",
        "2020-21",
        31.2,
        "109 scripted shows",
        "UCLA Hollywood Diversity Report, TV 2020-21",
        _UCLA,
    ),
    (
        "creators (people), digital",
        "2020-21",
        36.1,
        "191 scripted shows",
        "UCLA Hollywood Diversity Report, TV 2020-21",
        _UCLA,
    ),
)


def published_figures() -> pd.DataFrame:
    """The published figures as a table for readers.

    Returns
    -------
    pandas.DataFrame
        One row per figure: ``what`` (role and unit counted), ``season`` (TV season, e.g.
        ``2023-24``), ``women_percent`` (float64), ``base`` (what the share is of, when
        published), ``source`` and ``how_counted``; all text columns are ``string``.
    """
    columns = ["what", "season", "women_percent", "base", "source", "how_counted"]
    frame = pd.DataFrame(list(PUBLISHED_FIGURES), columns=columns)
    return frame.astype({c: "float64" if c == "women_percent" else "string" for c in columns})
