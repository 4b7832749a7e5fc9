"""Synthetic multi-season series in TMDB's payload shapes, for the offline demo and scale tests.

No public recording of several seasons' aggregate credits of one series exists, so the bundled
demo is *generated*: its structure is calibrated on the real payloads in ``data/samples/``, and
it is labelled synthetic wherever it appears (the series name, and the
``"credits_analysis_synthetic": true`` key of the details, which
:func:`credits_analysis.load_series` turns into ``SeriesCredits.is_synthetic``).

The entry point, pure, deterministic for its arguments, and fast (:data:`SCALE_PRESET`, 40
seasons of 200 episodes with about 58,000 cast roles, takes about two seconds)::

    generate_series(series_id, *, seasons=8, episodes_per_season=10, seed=0, name=None,
                    specials=True, announced_season=False, regulars=10,
                    guests_per_episode=6.5, recurring_per_episode=1.6, theme="hospital",
                    first_air_year=2016)
        -> (details, {season_number: aggregate_credits})

``details`` is a ``/tv/{series_id}`` payload and each value a
``/tv/{series_id}/season/{n}?append_to_response=aggregate_credits`` payload (the season's
episodes, with its ``aggregate_credits`` appended; ``id`` is the season id).

What the generated seasons show:

- regular cast credited on every episode of their seasons, some leaving and some joining
  between seasons (often promoted from the recurring cast); recurring cast over a few seasons;
  a churning guest cast on 1-2 episodes, some of whom come back in later seasons;
- one crew entry per person and department, several jobs for some; directors, writers,
  directors of photography and editors rotating; producers on every episode;
- gender "not set" concentrated among guests and minor crew; a few people with several roles;
  an empty character now and then; people in both cast and crew; names from many languages,
  some with a native-script ``original_name``;
- popularity as a heavy-tailed person-level score, the same in every season;
- a Specials season 0 and, optionally, an announced season with no credits yet.

Profile paths have TMDB's shape but start with ``/synthetic``, so no image URL built from them
can show a real person.

Also here: :func:`whole_run_credits` (season payloads merged into a whole-run one),
:func:`large_credits_payload` (one payload of any number of roles, for benchmarks),
:func:`calibration_table` (real against generated figures, see ``data/demo/README.md``) and
:func:`write_demo_data`, which rebuilds ``data/demo/``::

    python -m credits_analysis.demo --write data/demo
    python -m credits_analysis.demo --calibration
"""

from __future__ import annotations

from credits_analysis.demo.calibration import (
    REAL_SEASON_SAMPLES,
    REAL_WHOLE_RUN_SAMPLES,
    TOLERANCES,
    calibration_figures,
    calibration_markdown,
    calibration_table,
)
from credits_analysis.demo.generator import (
    DEMO_SERIES,
    SCALE_PRESET,
    SYNTHETIC_KEY,
    generate_series,
    large_credits_payload,
    whole_run_credits,
)
from credits_analysis.demo.store import DEMO_FETCHED_AT, DEMO_LANGUAGE, write_demo_data

__all__ = [
    "DEMO_FETCHED_AT",
    "DEMO_LANGUAGE",
    "DEMO_SERIES",
    "REAL_SEASON_SAMPLES",
    "REAL_WHOLE_RUN_SAMPLES",
    "SCALE_PRESET",
    "SYNTHETIC_KEY",
    "TOLERANCES",
    "calibration_figures",
    "calibration_markdown",
    "calibration_table",
    "generate_series",
    "large_credits_payload",
    "whole_run_credits",
    "write_demo_data",
]
