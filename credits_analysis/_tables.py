"""Tables as file contents: CSV safe to open in a spreadsheet, or Parquet.

A spreadsheet evaluates a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, one
that starts with a tab or carriage return, or with any of these after leading spaces), so a
name like ``=HYPERLINK("http://...")`` sent by a server would become a live formula. Following
OWASP's advice on CSV injection, such text cells get a single quote (``'``) in front, which
spreadsheets show as text; number columns are never touched (a negative count stays a number).
NUL characters, which cut a CSV row short in many readers, are removed from every text cell.
Rows end with CRLF (RFC 4180).
"""

from __future__ import annotations

import io
from typing import Literal

import pandas as pd

__all__ = ["CSV_FORMULA_PREFIX", "table_bytes"]

#: What is put in front of a text cell a spreadsheet would evaluate.
CSV_FORMULA_PREFIX = "'"
# First character (after any spaces) that makes a spreadsheet evaluate a cell.
_FORMULA_START = r"^[ ]*[=+\-@\t\r]"


def table_bytes(
    frame: pd.DataFrame,
    file_format: Literal["csv", "parquet"],
    *,
    raw: bool = False,
    excel: bool = False,
) -> bytes:
    """The contents of ``frame`` written as ``file_format``, without its index.

    Parameters
    ----------
    frame
        The table.
    file_format
        ``csv`` (UTF-8) or ``parquet`` (columns keep their dtypes; nothing is rewritten).
    raw
        CSV only: keep text cells as they are instead of quoting those a spreadsheet would
        evaluate (NUL characters are removed all the same).
    excel
        CSV only: start with a UTF-8 byte order mark, which Excel needs to read UTF-8 (without
        it, "Loïc" opens as "LoÃ¯c").
    """
    if file_format == "parquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        return buffer.getvalue()
    # CRLF, as RFC 4180 and Excel have it; it also makes Python's csv writer quote a cell
    # holding a carriage return, which with "\n" alone it leaves bare, splitting the row.
    text = _safe_text(frame, raw=raw).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig" if excel else "utf-8")


def _safe_text(frame: pd.DataFrame, *, raw: bool) -> pd.DataFrame:
    """``frame`` with NUL removed from its text columns and formulas quoted unless ``raw``."""
    safe = frame.copy(deep=False)
    for position in range(frame.shape[1]):  # by position: a query result may repeat a name
        values = frame.iloc[:, position]
        if not (pd.api.types.is_string_dtype(values.dtype) or values.dtype == object):
            continue
        text = values.astype("string").str.replace("\0", "", regex=False)
        if not raw:
            text = text.mask(text.str.contains(_FORMULA_START, na=False), CSV_FORMULA_PREFIX + text)
        safe.isetitem(position, text)
    return safe
