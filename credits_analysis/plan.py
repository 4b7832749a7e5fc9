"""What to load of a series: the arguments checked, and the seasons its details list.

The details' ``seasons[]`` are parsed once, by :func:`listed_seasons`, and that table is what
the plan and the result's ``seasons`` are made from.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from credits_analysis import tidy
from credits_analysis.errors import NotFoundError, PayloadError
from credits_analysis.wording import SPECIALS_SEASON

__all__ = ["Plan", "listed_seasons", "season_numbers", "season_plan", "whole_number"]


@dataclass(frozen=True)
class Plan:
    """Which seasons to load: None for every listed season (Specials only if asked)."""

    wanted: list[int] | None
    include_specials: bool


def whole_number(value: Any, message: str) -> int:
    """``value`` as an int (a bool, str or float is not one); TypeError with ``message`` else."""
    if isinstance(value, bool | str | bytes):
        raise TypeError(message)
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(message) from None


def listed_seasons(details: dict[str, Any], series_id: int) -> pd.DataFrame:
    """:func:`tidy.seasons` of the details, which also checks their shape, and their series."""
    listed = tidy.seasons(details)  # raises PayloadError naming what is wrong
    if details["id"] != series_id:
        raise PayloadError(
            f"the details served for series {series_id} are those of series {details['id']}"
        )
    return listed


def season_plan(
    details: dict[str, Any], listed: pd.DataFrame, plan: Plan
) -> tuple[list[int], dict[int, NotFoundError]]:
    """The season numbers to load, and a NotFoundError for each one the details do not list."""
    numbers_listed = listed["season_number"].tolist()
    if plan.wanted is None:
        numbers = [n for n in numbers_listed if n != SPECIALS_SEASON or plan.include_specials]
    else:
        numbers = [n for n in numbers_listed if n in plan.wanted]
        numbers += [n for n in plan.wanted if n not in numbers_listed]
    unlisted: dict[int, NotFoundError] = {
        n: NotFoundError(
            f"season {n} is not listed in the details of series {details['id']} "
            f"({details.get('name')!r}); its seasons are {numbers_listed}."
        )
        for n in numbers
        if n not in numbers_listed
    }
    return numbers, unlisted


def season_numbers(seasons: int | Iterable[int] | None) -> list[int] | None:
    """The ``seasons`` argument as distinct season numbers in the order given (None: all).

    Raises
    ------
    TypeError, ValueError
        Not an int or ints; an empty collection or a negative number.
    """
    if seasons is None:
        return None
    message = f"seasons must be None, an int or ints, got {seasons!r}"
    if isinstance(seasons, Iterable) and not isinstance(seasons, str | bytes):
        numbers = [whole_number(n, message) for n in seasons]
    else:
        numbers = [whole_number(seasons, message)]
    if not numbers or min(numbers) < 0:
        raise ValueError(f"seasons must be non-negative season numbers, got {seasons!r}")
    return list(dict.fromkeys(numbers))
