"""The corpus's own record (``DIR/corpus.json``): its language, when it was last built, and
what the next refresh must ask again."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from credits_analysis._files import write_atomically
from credits_analysis.errors import ConfigError

__all__ = ["FORMAT", "CorpusMeta", "meta_path", "read_meta", "require_meta", "write_meta"]

#: Bumped when the layout changes in a way older code cannot read.
FORMAT = 1


@dataclass(frozen=True)
class CorpusMeta:
    """What ``corpus.json`` records.

    Attributes
    ----------
    language
        The TMDB language every series of the corpus was fetched in.
    created_at
        When the corpus was created (UTC).
    last_build
        When the last build or refresh that finished had started (UTC). None until one
        finishes.
    changes_checked
        Since when ``/tv/changes`` is to be asked (UTC): the start of the last refresh that
        finished, else of the first build. A build of new series does not move it, so the
        changes to the series already in the corpus are never skipped. None in a corpus
        recorded before it existed: ``last_build`` stands in.
    waiting
        Series the last refresh could not fetch again (they kept their rows): the next
        refresh fetches them whatever their time-to-live and the changes say.
    """

    language: str
    created_at: datetime
    last_build: datetime | None = None
    changes_checked: datetime | None = None
    waiting: tuple[int, ...] = field(default=())

    def changes_since(self) -> datetime:
        """Since when ``/tv/changes`` is to be asked."""
        return self.changes_checked or self.last_build or self.created_at


def meta_path(root: Path) -> Path:
    return root / "corpus.json"


def read_meta(root: Path) -> CorpusMeta | None:
    """The record of the corpus at ``root``; None when there is none (not a corpus yet).

    Raises
    ------
    ConfigError
        The record exists but cannot be read, or is of a newer format.
    """
    path = meta_path(root)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path} cannot be read as a corpus record: {exc}") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ConfigError(f"{path} is not a corpus record of format {FORMAT}")
    try:
        last, checked = raw.get("last_build"), raw.get("changes_checked")
        waiting = raw.get("waiting") or []
        if not isinstance(waiting, list) or not all(type(i) is int and i > 0 for i in waiting):
            raise ValueError(f"waiting is not a list of series ids: {waiting!r}")
        return CorpusMeta(
            language=str(raw["language"]),
            created_at=_instant(raw["created_at"]),
            last_build=_instant(last) if last else None,
            changes_checked=_instant(checked) if checked else None,
            waiting=tuple(waiting),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"{path} is damaged: {exc}") from None


def require_meta(root: Path) -> CorpusMeta:
    """The record of the corpus at ``root``, which must be one.

    Raises
    ------
    ConfigError
        ``root`` is not a corpus, or its record cannot be read (see :func:`read_meta`).
    """
    meta = read_meta(root) if root.is_dir() else None
    if meta is None:
        # A table folder (DIR/cast) or a partition given for the corpus folder itself.
        above = next((p for p in root.absolute().parents if meta_path(p).is_file()), None)
        hint = f"the corpus is {above}" if above is not None else "build one first"
        raise ConfigError(f"{root} is not a corpus (no corpus.json); {hint}")
    return meta


def _instant(text: str) -> datetime:
    """An ISO time with its zone; one without would not compare with the others."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    return moment


def write_meta(root: Path, meta: CorpusMeta) -> None:
    record = {
        "format": FORMAT,
        "language": meta.language,
        "created_at": meta.created_at.isoformat(),
        "last_build": meta.last_build.isoformat() if meta.last_build else None,
        "changes_checked": meta.changes_checked.isoformat() if meta.changes_checked else None,
        "waiting": list(meta.waiting),
    }
    write_atomically(meta_path(root), (json.dumps(record, indent=2) + "\n").encode())
