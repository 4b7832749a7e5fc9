"""Raw-response store on disk: readable paths, atomic writes, a metadata sidecar, TTL.

An entry mirrors the API path with the language in the file name::

    {root}/tv/1399.en-US.json                                   # /tv/1399
    {root}/tv/1399/season/1/aggregate_credits.en-US.json       # /tv/1399/season/1/aggregate_credits
    {root}/tv/1399/season/1/aggregate_credits.en-US.meta.json  # its metadata

The payload file holds the response body exactly as received. The sidecar holds ``fetched_at``,
the URL without credentials, the HTTP status, the language, and the payload's size and SHA-256:
an entry whose sidecar does not match its payload (a process killed between the two renames) is
treated as missing, never as data, and so is one whose sidecar is not shaped as written. The
bundled demo data is a read-only store of the same layout.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fnmatch import fnmatch
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from credits_analysis._files import TEMPORARY_SUFFIX, write_atomically
from credits_analysis.config import LANGUAGE_PATTERN, MAX_CACHE_AGE, Settings
from credits_analysis.errors import PayloadError

__all__ = [
    "CacheEntry",
    "RawCache",
    "details_path",
    "redact_url",
    "season_credits_path",
    "ttl_for_series",
]

_META_SUFFIX = ".meta.json"
_CREDENTIAL_PARAMS = {"api_key", "access_token", "session_id", "guest_session_id"}
_OVER_STATUSES = {"Ended", "Canceled"}
# The payload or sidecar of an entry, relative to the root: {api_path}.{language}[.meta].json.
_ENTRY_FILE = re.compile(
    rf"(?P<api_path>[^.]+)\.(?P<language>{LANGUAGE_PATTERN.pattern})(?:\.meta)?\.json"
)


def details_path(series_id: int) -> str:
    """API path of a series' details: ``tv/{series_id}``."""
    return f"tv/{int(series_id)}"


def season_credits_path(series_id: int, season_number: int) -> str:
    """API path of a season's aggregate credits."""
    return f"tv/{int(series_id)}/season/{int(season_number)}/aggregate_credits"


def ttl_for_series(details: Mapping[str, Any], settings: Settings) -> timedelta:
    """How long entries of this series stay fresh: long once it is over, short until then.

    Over means a ``status`` of Ended or Canceled with ``in_production`` false; anything else (in
    production, returning, planned, or a status missing or unknown) may still change. Never
    longer than :data:`credits_analysis.config.MAX_CACHE_AGE` (six months).
    """
    status = details.get("status")
    # A status that is not text (a list, from a broken payload) is unknown, not a crash.
    over = isinstance(status, str) and status in _OVER_STATUSES
    over = over and details.get("in_production") is False
    return min(settings.ttl_ended if over else settings.ttl_ongoing, MAX_CACHE_AGE)


def redact_url(url: str) -> str:
    """Return ``url`` without user info, fragment or credential-carrying query parameters.

    Parameter names are matched in any case (``API_KEY`` too); the host is kept as written
    (an IPv6 address keeps its brackets).
    """
    parts = urlsplit(str(url))
    netloc = parts.netloc.rpartition("@")[2]
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k.lower() not in _CREDENTIAL_PARAMS
        ]
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


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
    """

    api_path: str
    language: str
    path: Path
    fetched_at: datetime
    url: str
    status: int

    def payload(self) -> Any:
        """Parse and return the stored JSON.

        Raises
        ------
        PayloadError
            If the stored body is not JSON (it was stored as received, so say which file).
        """
        try:
            return json.loads(self.path.read_bytes())
        except ValueError as exc:
            raise PayloadError(f"cache entry {self.path} is not valid JSON: {exc}") from exc

    def age(self, now: datetime | None = None) -> timedelta:
        """Time since the entry was fetched."""
        return (now or datetime.now(UTC)) - self.fetched_at

    def is_fresh(self, ttl: timedelta, now: datetime | None = None) -> bool:
        """Whether the entry is younger than ``ttl`` (capped at six months)."""
        return self.age(now) <= min(ttl, MAX_CACHE_AGE)


class RawCache:
    """A folder of raw TMDB responses.

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
        """Return the entry, or None if it is absent, incomplete, or its sidecar is malformed."""
        path = self.path_for(api_path, language)
        try:
            body = path.read_bytes()
            meta = json.loads(_meta_path(path).read_bytes())
            return _entry(api_path, language, path, meta, body)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            # A sidecar edited by hand or written by another version is a miss, never a crash.
            return None

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

        Each file is written to a temporary name in its folder and renamed over the old one,
        payload first and sidecar last, so readers see the old entry, the new one,
        or (between the renames) none: never a torn one.
        """
        if self.read_only:
            raise PermissionError(f"{self!r} is read-only")
        path = self.path_for(api_path, language)
        meta_path = _meta_path(path)
        stamp = (fetched_at or datetime.now(UTC)).astimezone(UTC)
        meta = {
            "api_path": api_path,
            "language": language,
            "fetched_at": stamp.isoformat(),
            "url": redact_url(url),
            "status": status,
            "bytes": len(body),
            "sha256": _digest(body),
        }
        # No fsync: a write torn by a power cut fails the sidecar's checksum and reads as a miss,
        # and fsync per file was a third of a 20-season concurrent fetch.
        write_atomically(path, body, durable=False)
        write_atomically(meta_path, json.dumps(meta, indent=1).encode(), durable=False)
        return CacheEntry(api_path, language, path, stamp, meta["url"], status)

    def entries(self, pattern: str = "*") -> Iterator[CacheEntry]:
        """Yield the complete entries whose ``api_path.language`` matches the glob ``pattern``.

        For example ``"tv/1399/*"`` or ``"*.fr-FR"``.
        """
        for meta_path in self._files(f"*{_META_SUFFIX}"):
            key = self._key(meta_path)
            if key is None:
                continue
            api_path, language = key
            if fnmatch(f"{api_path}.{language}", pattern) or fnmatch(api_path, pattern):
                entry = self.read(api_path, language)
                if entry is not None:
                    yield entry

    def leftovers(self) -> Iterator[Path]:
        """Yield the files under the root that belong to no complete entry.

        Temporary files of a process killed mid-write, a payload whose sidecar never got
        written (killed between the renames), an entry failing its checksum or with a malformed
        sidecar. They are never read; ``clear("*")`` deletes them.
        """
        for file in self._files("*"):
            key = self._key(file)
            temporary = file.name.startswith(".") and file.name.endswith(TEMPORARY_SUFFIX)
            if temporary or (key is not None and self.read(*key) is None):
                yield file

    def clear(self, pattern: str = "*") -> int:
        """Delete the entries matching ``pattern`` (as for :meth:`entries`); return how many.

        ``"*"`` also deletes the :meth:`leftovers`. Files of other names (a README) are kept.
        """
        if self.read_only:
            raise PermissionError(f"{self!r} is read-only")
        removed = 0
        for entry in list(self.entries(pattern)):
            entry.path.unlink(missing_ok=True)
            _meta_path(entry.path).unlink(missing_ok=True)
            removed += 1
        if pattern == "*":
            for leftover in list(self.leftovers()):
                leftover.unlink(missing_ok=True)
        return removed

    def size_bytes(self) -> int:
        """Total size of the files under the root."""
        return sum(p.stat().st_size for p in self._files("*"))

    def _files(self, pattern: str) -> list[Path]:
        """The files under the root whose names match the glob ``pattern``, sorted."""
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.rglob(pattern) if p.is_file())

    def _key(self, file: Path) -> tuple[str, str] | None:
        """``(api_path, language)`` of an entry's payload or sidecar; None for other files."""
        match = _ENTRY_FILE.fullmatch(file.relative_to(self.root).as_posix())
        return (match["api_path"], match["language"]) if match else None


def _entry(api_path: str, language: str, path: Path, meta: Any, body: bytes) -> CacheEntry | None:
    """The entry a sidecar describes, None if its checksum fails; raises if it is malformed."""
    if meta["bytes"] != len(body) or meta["sha256"] != _digest(body):
        return None
    fetched_at = datetime.fromisoformat(meta["fetched_at"])
    if fetched_at.utcoffset() is None:
        raise ValueError("fetched_at has no time zone")
    url = meta["url"]
    if not isinstance(url, str):
        raise TypeError(f"url is a {type(url).__name__}")
    return CacheEntry(api_path, language, path, fetched_at, url, int(meta["status"]))


def _meta_path(payload_path: Path) -> Path:
    return payload_path.with_name(payload_path.name.removesuffix(".json") + _META_SUFFIX)


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
