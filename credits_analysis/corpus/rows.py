"""Loaded series to the rows of every corpus table (pure: no I/O).

The person-role tables are the in-memory tables of :class:`~credits_analysis.load.SeriesCredits`
as they are (categorical gender stored as its label); ``series`` and ``creators`` come from the
raw details payload, ``failures`` from what failed, and one manifest row per series records
what the batch holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd
import pyarrow as pa

from credits_analysis.corpus.layout import DATA_TABLES, MANIFEST_SCHEMA, SCHEMAS
from credits_analysis.records import SeriesOutcome
from credits_analysis.schema import GENDER_CODES

__all__ = ["batch_rows"]


def batch_rows(
    outcomes: Sequence[SeriesOutcome], *, batch: int, now: datetime
) -> tuple[dict[str, pa.Table], pa.Table]:
    """The rows of every table for ``outcomes``, and their manifest rows.

    Parameters
    ----------
    outcomes
        Finished series (loaded, or failed as a whole).
    batch
        The batch number written into the manifest rows.
    now
        When the batch is committed (UTC): ``failed_at`` and, for series with no season
        fetched, their ``fetched_at``.

    Returns
    -------
    tuple[dict[str, pyarrow.Table], pyarrow.Table]
        Table name to its rows with the columns of
        :data:`~credits_analysis.corpus.layout.SCHEMAS`, in the order of ``outcomes`` (the
        writer sorts them); and the manifest rows (``series_id``, ``batch``, ``state``,
        ``fetched_at``, ``status``, ``in_production``), one per outcome.
    """
    loaded = [o.credits for o in outcomes if o.credits is not None]
    tables = {
        name: _frames_to_arrow([getattr(c, name) for c in loaded], name) for name in DATA_TABLES
    }
    fetched = {c.series_id: _oldest_fetch(c.seasons, now) for c in loaded}
    tables["series"] = pa.Table.from_pylist(
        [_series_row(c.details or {}, c.series_id, fetched[c.series_id]) for c in loaded],
        schema=SCHEMAS["series"],
    )
    tables["creators"] = pa.Table.from_pylist(
        [row for c in loaded for row in _creator_rows(c.details or {}, c.series_id)],
        schema=SCHEMAS["creators"],
    )
    tables["failures"] = pa.Table.from_pylist(
        [row for o in outcomes for row in _failure_rows(o, now)], schema=SCHEMAS["failures"]
    )
    manifest = pa.Table.from_pylist(
        [_manifest_row(o, batch, fetched.get(o.series_id, now)) for o in outcomes],
        schema=MANIFEST_SCHEMA,
    )
    return tables, manifest


def _frames_to_arrow(frames: list[pd.DataFrame], name: str) -> pa.Table:
    schema = SCHEMAS[name]
    if not frames:
        return schema.empty_table()
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    frame = frame[schema.names]
    labels = {c: "string" for c, t in frame.dtypes.items() if isinstance(t, pd.CategoricalDtype)}
    return pa.Table.from_pandas(frame.astype(labels), schema=schema, preserve_index=False)


def _oldest_fetch(seasons: pd.DataFrame, now: datetime) -> datetime:
    known = seasons["fetched_at"].dropna()
    return known.min().to_pydatetime() if len(known) else now


def _series_row(details: dict[str, Any], series_id: int, fetched_at: datetime) -> dict[str, Any]:
    return {
        "series_id": series_id,
        "name": _text(details.get("name")),
        "original_name": _text(details.get("original_name")),
        "first_air_date": _date(details.get("first_air_date")),
        "last_air_date": _date(details.get("last_air_date")),
        "status": _text(details.get("status")),
        "type": _text(details.get("type")),
        "in_production": _flag(details.get("in_production")),
        "original_language": _text(details.get("original_language")),
        "origin_country": [c for c in details.get("origin_country") or [] if isinstance(c, str)],
        "networks": _names(details.get("networks")),
        "genres": _names(details.get("genres")),
        "number_of_seasons": _whole(details.get("number_of_seasons")),
        "number_of_episodes": _whole(details.get("number_of_episodes")),
        "popularity": _number(details.get("popularity")),
        "fetched_at": fetched_at,
    }


def _creator_rows(details: dict[str, Any], series_id: int) -> list[dict[str, Any]]:
    creators = details.get("created_by")
    return [
        {
            "series_id": series_id,
            "person_id": person["id"],
            "name": _text(person.get("name")),
            "gender": GENDER_CODES.get(person.get("gender"), GENDER_CODES[0]),
        }
        for person in (creators if isinstance(creators, list) else [])
        if isinstance(person, dict) and _whole(person.get("id")) is not None
    ]


def _failure_rows(outcome: SeriesOutcome, now: datetime) -> list[dict[str, Any]]:
    failed: dict[int | None, BaseException] = {}
    if outcome.credits is not None:
        failed.update(outcome.credits.failures)
    if outcome.error is not None:
        failed[None] = outcome.error
    return [
        {
            "series_id": outcome.series_id,
            "season_number": number,
            "error": type(error).__name__,
            "reason": " ".join(str(error).split()) or type(error).__name__,
            "failed_at": now,
        }
        for number, error in failed.items()
    ]


def _state(outcome: SeriesOutcome) -> str:
    if outcome.credits is None:
        return "failed"
    return "partial" if outcome.credits.failures else "done"


def _manifest_row(outcome: SeriesOutcome, batch: int, fetched_at: datetime) -> dict[str, Any]:
    details = outcome.credits.details if outcome.credits is not None else None
    return {
        "series_id": outcome.series_id,
        "batch": batch,
        "state": _state(outcome),
        "fetched_at": fetched_at,
        "status": _text((details or {}).get("status")),
        "in_production": _flag((details or {}).get("in_production")),
    }


def _names(items: Any) -> list[str]:
    if not isinstance(items, list):
        return []
    return [i["name"] for i in items if isinstance(i, dict) and isinstance(i.get("name"), str)]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None
