"""Raw-response store on disk: readable paths, atomic writes, a metadata sidecar, TTL.

An entry mirrors the API path with the language in the file name::

    {root}/tv/1399.en-US.json                                   # /tv/1399
    {root}/tv/1399/season/1/aggregate_credits.en-US.json       # /tv/1399/season/1/aggregate_credits
    {root}/tv/1399/season/1/aggregate_credits.en-US.meta.json  # its metadata

The payload file holds the response body exactly as received. The sidecar holds ``fetched_at``,
the URL without credentials, the HTTP status, the language, and the payload's size and SHA-256;
after an overwrite it also holds the same record of the entry it replaced (``previous``). An
entry is read only when its payload matches the sidecar's record or that previous record, so
an overwrite interrupted anywhere (a full disk, a process killed between the two renames)
leaves the old entry readable, and a payload that matches neither is treated as missing, never
as data. So is an entry whose sidecar is not shaped as written or records a status other than
2xx.

Writers take the cache's write lock (a lock on the root folder itself, so no lock file lies in
the store; the system drops it if the process dies) around each overwrite, so concurrent
writers of one entry (parallel fetches, a corpus build in many processes or threads) never
leave one's payload beside another's sidecar. Writes never go through a symbolic link that
leads out of the root. Readers take no lock.

The checksum guards against torn and interleaved writes, not against tampering: whoever can
write to the cache folder can plant a matching payload and sidecar.

The bundled demo data is a read-only store of the same layout.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING, Any

from credits_analysis._files import TEMPORARY_SUFFIX, write_all_atomically
from credits_analysis.config import LANGUAGE_PATTERN, MAX_CACHE_AGE
from credits_analysis.endpoints import redact_url
from credits_analysis.errors import PayloadError

__all__ = ["CacheEntry", "RawCache"]

if TYPE_CHECKING:  # the cache stores responses but needs nothing of the HTTP client
    from credits_analysis.tmdb import TMDBResponse

logger = logging.getLogger(__name__)

_META_SUFFIX = ".meta.json"
# Seconds to wait for another writer; a write holds the lock for milliseconds, so this only
# ends a wait on a lock that something else holds for good (a stuck network file system).
_LOCK_TIMEOUT = 30.0
_LOCK_POLL = 0.002
# The fields of a sidecar that describe one payload, as in its ``previous`` record.
_RECORD_KEYS = ("fetched_at", "url", "status", "bytes", "sha256")
# The payload or sidecar of an entry, relative to the root: {api_path}.{language}[.meta].json.
_ENTRY_FILE = re.compile(
    rf"(?P<api_path>[^.]+)\.(?P<language>{LANGUAGE_PATTERN.pattern})(?:\.meta)?\.json"
)


@dataclass(frozen=True)
class CacheEntry:
    """One stored response.

    Attributes
    ----------
    api_path : str
        ``tv/1399/season/1/aggregate_credits`` and the like.
    language : str
        The ``language`` the response was requested in.
    path : pathlib.Path
        The payload file.
    fetched_at : datetime.datetime
        When it was fetched (UTC).
    url : str
        The request URL, without credentials.
    status : int
        The HTTP status of the response.
    body : bytes
        The payload file's bytes, as read when the entry was checked against its sidecar
        (kept so that parsing them does not read the file again).
    """

    api_path: str
    language: str
    path: Path
    fetched_at: datetime
    url: str
    status: int
    body: bytes = field(repr=False, compare=False)

    def payload(self) -> Any:
        """Parse and return the stored JSON.

        Raises
        ------
        PayloadError
            If the stored body is not JSON, or nested too deeply to parse (it was stored as
            received, so say which file).
        """
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise PayloadError(f"cache entry {self.path} is not valid JSON: {exc}") from exc
        except RecursionError:
            raise PayloadError(f"cache entry {self.path} holds JSON nested too deeply") from None

    def age(self, now: datetime | None = None) -> timedelta:
        """Time since the entry was fetched."""
        return (now or datetime.now(UTC)) - self.fetched_at

    def is_fresh(self, ttl: timedelta, now: datetime | None = None) -> bool:
        """Whether the entry is younger than ``ttl`` (capped at six months).

        An entry fetched "in the future" (a clock set wrong, a planted sidecar) is not fresh:
        its age says nothing, and trusting it would keep it forever.
        """
        return timedelta(0) <= self.age(now) <= min(ttl, MAX_CACHE_AGE)


class RawCache:
    """A folder of raw TMDB responses.

    Longer than most classes here: reading, writing, listing and clearing entries all hold the
    same folder lock and follow the same sidecar rules (see the module notes), which keeps every
    one of them safe against concurrent writers in one place.

    Parameters
    ----------
    root
        The folder; created on first write.
    read_only
        Refuse writes (used for the bundled demo data).
    """

    def __init__(self, root: Path | str, *, read_only: bool = False) -> None:
        self.root = Path(root)
        self.read_only = read_only

    def __repr__(self) -> str:
        return f"RawCache({str(self.root)!r}, read_only={self.read_only})"

    def path_for(self, api_path: str, language: str) -> Path:
        """The payload file an entry lives in (whether or not it exists)."""
        return self.root / f"{api_path.strip('/')}.{language}.json"

    def read(self, api_path: str, language: str) -> CacheEntry | None:
        """Return the entry, or None if it is absent, incomplete, or its sidecar is malformed.

        Also None for an entry recorded with a status other than 2xx, and for one that cannot be
        read (no permission: logged as a warning, since deleting or re-fetching will not help).
        """
        path = self.path_for(api_path, language)
        try:
            record = self._record(path)
        except PermissionError as exc:
            logger.warning("cannot read cache entry %s: %s", path, exc.strerror or exc)
            return None
        if record is None:
            return None
        return CacheEntry(
            api_path,
            language,
            path,
            record["fetched_at"],
            record["url"],
            record["status"],
            record["body"],
        )

    def write(
        self,
        api_path: str,
        language: str,
        body: bytes,
        *,
        url: str,
        status: int = 200,
        fetched_at: datetime | None = None,
    ) -> CacheEntry:
        """Store ``body`` atomically and return the new entry.

        Both files are written to temporary names in their folder, then renamed over the old
        ones, sidecar first: it records the new payload and the one it replaces, so readers see
        the old entry or the new one, whatever fails or whoever else writes at the same time.

        Raises
        ------
        ValueError
            If ``status`` is not a 2xx: no other entry would ever be read.
        PermissionError
            If the store is read-only, or the entry's folder leads out of the root through a
            symbolic link.
        TimeoutError
            If another writer held the write lock for :data:`_LOCK_TIMEOUT` seconds.
        """
        if self.read_only:
            raise PermissionError(f"{self!r} is read-only")
        if not 200 <= status < 300:
            raise ValueError(f"only successful responses are cached, not HTTP {status}")
        path = self.path_for(api_path, language)
        self._check_inside_root(path.parent)
        path.parent.mkdir(parents=True, exist_ok=True)
        stamp = (fetched_at or datetime.now(UTC)).astimezone(UTC)
        meta: dict[str, Any] = {
            "api_path": api_path,
            "language": language,
            "fetched_at": stamp.isoformat(),
            "url": redact_url(url),
            "status": status,
            "bytes": len(body),
            "sha256": _digest(body),
        }
        with _lock(self.root, exclusive=True):
            previous = _current_record(path, raw=True)
            if previous is not None:
                meta["previous"] = previous
            # No fsync: a write torn by a power cut fails the checksum and reads as the previous
            # entry or a miss, and fsync per file was a third of a 20-season concurrent fetch.
            write_all_atomically(
                {_meta_path(path): json.dumps(meta, indent=1).encode(), path: body},
                durable=False,
            )
        return CacheEntry(api_path, language, path, stamp, meta["url"], status, body)

    def keep(self, response: TMDBResponse, *, api_path: str | None = None) -> None:
        """Store a successful TMDB ``response`` (as ``api_path`` when given), warning instead of
        raising when the cache cannot be written: the data is in hand, and an unwritable cache
        only costs a repeated request next time."""
        path = response.api_path if api_path is None else api_path
        try:
            self.write(
                path,
                response.language,
                response.body,
                url=response.url,
                status=response.status,
                fetched_at=response.fetched_at,
            )
        except OSError as exc:
            logger.warning("could not cache %s in %s: %s", path, self.root, exc)

    def entries(self, pattern: str | re.Pattern[str] = "*") -> Iterator[CacheEntry]:
        """Yield the complete entries whose ``api_path.language`` matches the glob ``pattern``.

        For example ``"tv/1399/*"`` or ``"*.fr-FR"``; a glob's ``*`` also crosses ``/``. A
        compiled regular expression must match the whole ``api_path`` instead. Files of other
        entries are not read.
        """
        for meta_path in self._files(f"*{_META_SUFFIX}"):
            key = self._key(meta_path)
            if key is None:
                continue
            api_path, language = key
            if isinstance(pattern, re.Pattern):
                wanted = pattern.fullmatch(api_path) is not None
            else:
                wanted = fnmatch(f"{api_path}.{language}", pattern) or fnmatch(api_path, pattern)
            if wanted:
                entry = self.read(api_path, language)
                if entry is not None:
                    yield entry

    def leftovers(self) -> Iterator[Path]:
        """Yield the files under the root that belong to no complete entry.

        Temporary files of a process killed mid-write, a payload whose sidecar never got
        written, an entry failing its checksum, with a malformed sidecar or a status other than
        2xx. They are never read; ``clear("*")`` deletes them. Files that cannot be read at all
        are not leftovers but :meth:`unreadable`.
        """
        for file, state in self._states():
            if state == "leftover":
                yield file

    def unreadable(self) -> Iterator[Path]:
        """Yield the payloads and sidecars that exist but cannot be read (no permission).

        Neither used nor deleted: they may be another user's, and fixing their permissions
        makes them entries again.
        """
        for file, state in self._states():
            if state == "unreadable":
                yield file

    def leftovers_and_unreadable(self) -> tuple[list[Path], list[Path]]:
        """:meth:`leftovers` and :meth:`unreadable` from one walk (each reads every payload)."""
        found: dict[str, list[Path]] = {"leftover": [], "unreadable": []}
        for file, state in self._states():
            if state in found:
                found[state].append(file)
        return found["leftover"], found["unreadable"]

    def clear(self, pattern: str = "*") -> int:
        """Delete the entries matching ``pattern`` (as for :meth:`entries`); return how many.

        ``"*"`` also deletes the :meth:`leftovers`. Files of other names (a README) are kept.
        """
        if self.read_only:
            raise PermissionError(f"{self!r} is read-only")
        if not self.root.is_dir():
            return 0
        doomed = [entry.path for entry in self.entries(pattern)]
        # Under the write lock, so no write in progress loses half its entry to the sweep.
        with _lock(self.root, exclusive=True):
            for path in doomed:
                path.unlink(missing_ok=True)
                _meta_path(path).unlink(missing_ok=True)
            if pattern == "*":
                for file, state in self._states(locked=True):
                    if state == "leftover":
                        file.unlink(missing_ok=True)
        return len(doomed)

    def size_bytes(self) -> int:
        """Total size of the files under the root."""
        return sum(p.stat().st_size for p in self._files("*"))

    def _record(self, path: Path, *, locked: bool = False) -> dict[str, Any] | None:
        """:func:`_current_record` of ``path``, under a shared lock unless read-only or ``locked``.

        ``locked`` says the caller holds the write lock already.
        Without it a reader could take a payload, then a sidecar written two overwrites later,
        and miss an entry that was there all along. A lock held too long (see
        :data:`_LOCK_TIMEOUT`) makes this a miss, with a warning, rather than a failed load.
        """
        if locked or self.read_only or not self.root.is_dir():
            return _current_record(path)
        try:
            with _lock(self.root, exclusive=False):
                return _current_record(path)
        except TimeoutError as exc:
            logger.warning("reading %s as missing: %s", path, exc)
            return None

    def _check_inside_root(self, folder: Path) -> None:
        """Refuse a folder that a symbolic link below the root sends elsewhere.

        The root itself may be a link (a cache on another disk); a link inside it could have
        been planted to make the cache overwrite files outside it.
        """
        root = self.root.resolve()
        if not folder.resolve().is_relative_to(root):
            raise PermissionError(
                f"not writing to {folder}: a symbolic link inside the cache {self.root} leads "
                f"out of it (to {folder.resolve()}); remove the link"
            )

    def _files(self, pattern: str) -> list[Path]:
        """The files under the root whose names match the glob ``pattern``, sorted."""
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.rglob(pattern) if p.is_file())

    def _states(self, *, locked: bool = False) -> Iterator[tuple[Path, str]]:
        """Each file under the root, sorted, with its :meth:`_state`."""
        entries: dict[tuple[str, str], str] = {}
        for file in self._files("*"):
            yield file, self._state(file, entries, locked=locked)

    def _state(self, file: Path, entries: dict[tuple[str, str], str], *, locked: bool) -> str:
        """``entry``, ``leftover``, ``unreadable`` or ``other`` (a file that is none of ours).

        ``entries`` holds the state of each entry met so far: a payload and its sidecar share
        it, so the payload is read and hashed once, not once for each of the two files.
        """
        if file.name.startswith(".") and file.name.endswith(TEMPORARY_SUFFIX):
            return "leftover"
        key = self._key(file)
        if key is None:
            return "other"
        if key not in entries:
            try:
                record = self._record(self.path_for(*key), locked=locked)
            except PermissionError:
                entries[key] = "unreadable"
            else:
                entries[key] = "entry" if record is not None else "leftover"
        return entries[key]

    def _key(self, file: Path) -> tuple[str, str] | None:
        """``(api_path, language)`` of an entry's payload or sidecar; None for other files."""
        match = _ENTRY_FILE.fullmatch(file.relative_to(self.root).as_posix())
        return (match["api_path"], match["language"]) if match else None


@contextmanager
def _lock(root: Path, *, exclusive: bool) -> Iterator[None]:
    """Hold the write lock (``exclusive``) or a read lock of the store at ``root`` (which exists).

    ``flock`` on the folder: every open of it is a lock of its own, so threads of one process
    exclude each other as processes do, and the system drops it with a killed process. Waits are
    polled (a blocking ``flock`` could not be given up after :data:`_LOCK_TIMEOUT`).
    """
    handle = os.open(root, os.O_RDONLY)
    try:
        deadline = time.monotonic() + _LOCK_TIMEOUT
        while True:
            try:
                fcntl.flock(handle, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"another process held the lock of the cache {root} for {_LOCK_TIMEOUT:g} s"
                    ) from None
                time.sleep(_LOCK_POLL)
        yield
    finally:
        os.close(handle)  # releases the lock


def _current_record(path: Path, *, raw: bool = False) -> dict[str, Any] | None:
    """The sidecar record that the payload at ``path`` matches now, parsed; None if none does.

    ``raw`` returns the record as stored (for a new sidecar's ``previous``) instead of parsed.
    Raises PermissionError for files that exist but cannot be read.
    """
    try:
        body = path.read_bytes()
        meta = json.loads(_meta_path(path).read_bytes())
    except FileNotFoundError:
        return None
    except PermissionError:
        raise
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict):
        return None
    candidates = [meta, meta.get("previous")]
    for candidate in candidates:
        if not isinstance(candidate, dict):
            continue
        try:
            record = _parsed_record(candidate)
        except (KeyError, TypeError, ValueError, AttributeError):
            # A sidecar edited by hand or written by another version is a miss, never a crash.
            return None
        if record["bytes"] == len(body) and record["sha256"] == _digest(body):
            return {k: candidate[k] for k in _RECORD_KEYS} if raw else {**record, "body": body}
    return None


def _parsed_record(record: dict[str, Any]) -> dict[str, Any]:
    """The checked fields of a sidecar record; raises if one is not as written."""
    fetched_at = datetime.fromisoformat(record["fetched_at"])
    if fetched_at.utcoffset() is None:
        raise ValueError("fetched_at has no time zone")
    url = record["url"]
    if not isinstance(url, str):
        raise TypeError(f"url is a {type(url).__name__}")
    status = int(record["status"])
    if not 200 <= status < 300:
        # Only successful responses are stored; another status was planted or is a bug.
        raise ValueError(f"status {status} is not a success")
    return {
        "fetched_at": fetched_at,
        "url": url,
        "status": status,
        "bytes": record["bytes"],
        "sha256": record["sha256"],
    }


def _meta_path(payload_path: Path) -> Path:
    return payload_path.with_name(payload_path.name.removesuffix(".json") + _META_SUFFIX)


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
