"""What DuckDB's failures mean for the person at the screen: a held lock, a damaged file, a full disk.
Each becomes a DataError saying what happened and what to do; the engine's own words stay in the
exception's cause (and the server log), never in front of the user."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from analytics.core.errors import DataError
from words import msg


class DatabaseLocked(DataError):
    """Another process holds the database file."""


class DatabaseDamaged(DataError):
    """The database file is not a readable DuckDB database."""


class DiskFull(DataError):
    """The disk (or the process's file-size limit) refused a write."""


class DatabaseInvalidated(DiskFull):
    """DuckDB stopped the database after a failed write; the process must open it again."""


_DISK_FULL = ("no space left", "disk full", "file too large", "disk quota", "out of disk")


def _disk_full(text: str) -> bool:
    return any(marker in text for marker in _DISK_FULL)


def disk_full_error(where: Path | str | None = None) -> DiskFull:
    place = msg("err.db.where", where=where) if where else ""
    return DiskFull(msg("err.db.disk_full", place=place))


def open_failure(exc: duckdb.Error, target: Path) -> DataError:
    """Opening the database file failed: why, and the next step."""
    text = str(exc)
    lowered = text.lower()
    if "could not set lock" in lowered or "conflicting lock" in lowered:
        pid = re.search(r"PID (\d+)", text)
        holder = msg("err.db.pid", pid=pid.group(1)) if pid else ""
        return DatabaseLocked(msg("err.db.locked", path=target, holder=holder))
    if "not a valid duckdb database" in lowered or "corrupt" in lowered or "checksum" in lowered:
        return DatabaseDamaged(msg("err.db.damaged", path=target))
    if _disk_full(lowered):
        return disk_full_error(target)
    if "permission denied" in lowered:
        return DataError(msg("err.db.permission", path=target))
    return DataError(msg("err.db.cannot_open", path=target))


def write_failure(exc: duckdb.Error) -> DataError | None:
    """A write failed for a reason the user can act on (a full disk, a damaged file), else None."""
    lowered = str(exc).lower()
    if isinstance(exc, duckdb.FatalException):
        return DatabaseInvalidated(msg("err.db.invalidated"))
    if _disk_full(lowered):
        return disk_full_error()
    if isinstance(exc, duckdb.IOException):
        return DataError(msg("err.db.io"))
    return None
