"""The first start's demo world, built so that it appears whole or not at all.

The world is written to a hidden temporary file in the database's own folder and renamed into place
(an atomic rename on one file system) only after it is complete and checkpointed, so a process killed
at any moment leaves either no database or a working one; leftovers of killed builds are removed by
the next build. A lock file in the folder keeps two processes starting at once from building twice.
Database files are the owner's only from their first moment.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb

from analytics.core import connection as db
from analytics.core.connection import owner_only
from analytics.core.db_errors import DiskFull, disk_full_error, open_failure, write_failure
from analytics.core.errors import DataError
from analytics.demo import generate as demo
from analytics.demo.generate import Progress
from words import msg

BUILDING = ".building-"


@contextlib.contextmanager
def build_lock(target: Path) -> Iterator[None]:
    with owner_only():
        fd = os.open(target.with_name(f".{target.name}.lock"), os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def temp_files(target: Path) -> list[Path]:
    return sorted(target.parent.glob(f".{target.name}{BUILDING}*"))


def _remove(path: Path) -> None:
    for leftover in (path, Path(str(path) + ".wal")):
        leftover.unlink(missing_ok=True)


def ensure(target: Path, progress: Progress | None = None) -> None:
    """A database file at `target` with data in it: built with the demo world when the file is missing,
    empty, or an earlier version's unfinished first start (see analytics.core.connection.unfinished);
    left alone otherwise. `progress(fraction, message)` is called during a build."""
    if not target.exists() or target.stat().st_size == 0:
        build(target, progress)
    elif _still_unfinished(target):
        build(target, progress, replace_unfinished=True)


def build(target: Path, progress: Progress | None = None, *, replace_unfinished: bool = False) -> None:
    """Build the demo world into `target` unless another process has meanwhile; with
    `replace_unfinished`, an existing empty database (see analytics.core.connection.unfinished) is replaced."""
    try:
        with owner_only():
            target.parent.mkdir(parents=True, exist_ok=True)
        with build_lock(target):
            if target.exists() and target.stat().st_size > 0 and not replace_unfinished:
                return  # another process finished it while this one waited for the lock
            if replace_unfinished and not _still_unfinished(target):
                return
            for leftover in temp_files(target):  # the lock is ours: their builders are gone
                _remove(leftover)
            _build_and_rename(target, progress)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            raise disk_full_error(target.parent) from exc
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOENT):
            raise DataError(msg("err.db.no_folder_permission", folder=target.parent)) from exc
        raise


def _build_and_rename(target: Path, progress: Progress | None) -> None:
    temp = target.with_name(f".{target.name}{BUILDING}{os.getpid()}")
    try:
        with owner_only():
            con = duckdb.connect(str(temp))
        try:
            db.configure(con)
            db.create_schema(con)
            demo.build(con, progress=progress)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        _sync(temp)
        Path(str(target) + ".wal").unlink(missing_ok=True)  # a stale log must never meet the new file
        os.replace(temp, target)
        _sync(target.parent)
    except duckdb.Error as exc:
        failure = write_failure(exc) or open_failure(exc, target)
        if isinstance(failure, DiskFull):  # the temporary file is discarded: nothing to reopen
            failure = disk_full_error(target.parent)
        raise failure from exc
    finally:
        _remove(temp)


def _still_unfinished(target: Path) -> bool:
    try:
        con = duckdb.connect(str(target))
    except duckdb.Error as exc:
        if target.stat().st_size == 0:
            return True
        raise open_failure(exc, target) from exc
    try:
        return db.unfinished(con)
    finally:
        con.close()


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
