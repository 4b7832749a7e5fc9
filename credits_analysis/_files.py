"""Atomic file writes, shared by the cache and the report writer."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

__all__ = ["TEMPORARY_SUFFIX", "write_atomically"]

#: Suffix of the temporary files that a killed process may leave behind; readers ignore them.
TEMPORARY_SUFFIX = ".tmp"


def write_atomically(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``path`` through a temporary file in its folder, renamed over it when complete.

    Readers see the old file or the new one, never a torn one, even if the writing process is
    killed. ``durable`` also flushes the data to disk before the rename, so that a power cut
    cannot leave a renamed but empty file; callers that detect torn files themselves (the cache
    checks every payload against its sidecar's SHA-256) skip that cost. The temporary file is
    created with ``open``, so its mode follows the umask like any other file the user writes.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}{TEMPORARY_SUFFIX}")
    try:
        with temporary.open("xb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
