"""Atomic file writes, shared by the cache, the report writer and the table export."""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from pathlib import Path

__all__ = ["TEMPORARY_SUFFIX", "writable_folder", "write_all_atomically", "write_atomically"]

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

    Every target is checked first (a folder where a file should go), then every file is
    written to its temporary file (a file where a folder should be is named), and only then
    are they renamed over the targets. A failure up to that point leaves every file as it was,
    so a set of files that belong together is never half old, half new. Only the renames, done
    last and one after another, could be split by the process being killed between them, or by
    a rename failing: the error then names the files replaced and those left as they were.

    Raises
    ------
    OSError
        With a message naming the file concerned, never a temporary file.
    """
    for path in files:
        if path.is_dir():
            raise IsADirectoryError(
                f"{path} is a folder where a file should go; no file was written"
            )
    temporaries: list[tuple[Path, Path]] = []
    replaced: list[Path] = []
    try:
        for path, data in files.items():
            try:
                temporaries.append((_written_temporary(path, data, durable=durable), path))
            except OSError as exc:
                blocking = _file_in_the_way(path.parent)
                if blocking is not None:  # "file exists" from mkdir would not say which
                    raise NotADirectoryError(
                        f"{blocking} is a file, so {path} cannot be written; no file was written"
                    ) from exc
                reason = f"could not write {path}: {_reason(exc)}; no file was replaced"
                raise OSError(reason) from exc
        for temporary, path in temporaries:
            try:
                os.replace(temporary, path)
            except OSError as exc:
                raise OSError(_partial_message(path, exc, replaced, files)) from exc
            replaced.append(path)
    except BaseException:
        for temporary, _ in temporaries:
            temporary.unlink(missing_ok=True)  # gone already once renamed
        raise


def writable_folder(folder: Path) -> None:
    """Create ``folder`` if needed and check that a file can be written in it.

    Called before a long task whose results go there, so that a bad output folder fails at once.

    Raises
    ------
    OSError
        Saying in words why not: a file stands where the folder (or one above it) should be,
        permission is denied, or the file system takes no files there (``/proc``).
    """
    blocker = _file_in_the_way(folder)
    if blocker is not None:
        where = "" if blocker == folder else f" ({blocker} is a file)"
        raise NotADirectoryError(
            f"{folder} cannot be a folder{where}; give a folder for the output"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _written_temporary(folder / "probe", b"", durable=False).unlink()
    except OSError as exc:
        raise OSError(f"cannot write files in {folder}: {_reason(exc)}") from exc


def _file_in_the_way(folder: Path) -> Path | None:
    """``folder`` or the first folder above it that exists as something else than a folder."""
    return next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)


def _reason(exc: OSError) -> str:
    """What went wrong in words: the strerror without its errno, nor the temporary file's name."""
    return (exc.strerror or str(exc)).lower()


def _partial_message(
    failed: Path, exc: OSError, replaced: list[Path], files: Mapping[Path, bytes]
) -> str:
    kept = [p.name for p in files if p not in replaced]
    done = ", ".join(p.name for p in replaced) or "no file"
    return (
        f"could not replace {failed}: {_reason(exc)}; {done} replaced, "
        f"{', '.join(kept)} left as {'it was' if len(kept) == 1 else 'they were'}"
    )


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
