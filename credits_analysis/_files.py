"""Atomic file writes, shared by the cache and the report writer."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

__all__ = ["TEMPORARY_SUFFIX", "write_atomically"]

#: Suffix of the temporary files that a killed process may leave behind; readers ignore them.
TEMPORARY_SUFFIX = ".tmp"


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``path`` through a temporary file in its folder, renamed over it when complete.

    Readers see the old file or the new one, never a torn one: the data is flushed to disk
    before the rename. The temporary file is created with ``open``, so its mode follows the
    umask like any other file the user writes (reports are meant to be shared).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}{TEMPORARY_SUFFIX}")
    try:
        with temporary.open("xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
