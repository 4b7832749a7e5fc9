"""Atomic file writes, shared by the cache, the report writer and the table export."""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from pathlib import Path

__all__ = ["TEMPORARY_SUFFIX", "write_all_atomically", "write_atomically"]

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
    write_all_atomically({path: data}, durable=durable)


def write_all_atomically(files: Mapping[Path, bytes], *, durable: bool = True) -> None:
    """Write several files as :func:`write_atomically` does, replacing none until all are written.

    A failure while writing (a full disk, an unwritable folder) leaves every file as it was,
    so a set of files that belong together is never half old, half new. Only the renames, done
    last and one after another, could be split by the process being killed between them.
    """
    temporaries: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            temporaries.append((_written_temporary(path, data, durable=durable), path))
        for temporary, path in temporaries:
            os.replace(temporary, path)
    except BaseException:
        for temporary, _ in temporaries:
            temporary.unlink(missing_ok=True)  # gone already once renamed
        raise


def _written_temporary(path: Path, data: bytes, *, durable: bool) -> Path:
    """A new temporary file next to ``path`` holding ``data``; nothing is left if that fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}{TEMPORARY_SUFFIX}")
    try:
        with temporary.open("xb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary
