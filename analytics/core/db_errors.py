"""What DuckDB's failures mean for the person at the screen: a held lock, a damaged file, a full disk.
Each becomes a DataError saying what happened and what to do; the engine's own words stay in the
exception's cause (and the server log), never in front of the user."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from analytics.core.errors import DataError


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
    place = f"（{where}）" if where else ""
    return DiskFull(
        f"磁盘空间不足{place}，本次写入未完成，数据库保持原样。请清理服务器磁盘空间（或联系管理员扩容）后重试。"
    )


def open_failure(exc: duckdb.Error, target: Path) -> DataError:
    """Opening the database file failed: why, and the next step."""
    text = str(exc)
    lowered = text.lower()
    if "could not set lock" in lowered or "conflicting lock" in lowered:
        pid = re.search(r"PID (\d+)", text)
        holder = f"（进程号 {pid.group(1)}）" if pid else ""
        return DatabaseLocked(
            f"数据库文件 {target} 正被另一个程序{holder}占用，例如另一个看板进程或命令行工具。"
            "请先关闭那个程序，再刷新本页面；若要同时运行两个看板，请让它们各用一个数据库文件"
            "（环境变量 JIANGCHUAN_DB）。"
        )
    if "not a valid duckdb database" in lowered or "corrupt" in lowered or "checksum" in lowered:
        return DatabaseDamaged(
            f"数据库文件 {target} 已损坏或不是本系统的数据库文件。请从备份恢复该文件；"
            "没有备份时，可把它改名保存（以便日后排查），再重新启动，程序会生成新的演示数据库，"
            "然后重新导入数据。"
        )
    if _disk_full(lowered):
        return disk_full_error(target)
    if "permission denied" in lowered:
        return DataError(f"没有权限读写数据库文件 {target}。请用启动看板的同一个系统用户检查该文件及其文件夹的权限。")
    return DataError(
        f"无法打开数据库文件 {target}。请确认文件完整且没有被其他程序占用，然后刷新页面；"
        "如反复出现，请把服务器日志交给管理员。"
    )


def write_failure(exc: duckdb.Error) -> DataError | None:
    """A write failed for a reason the user can act on (a full disk, a damaged file), else None."""
    lowered = str(exc).lower()
    if isinstance(exc, duckdb.FatalException):
        return DatabaseInvalidated(
            "磁盘空间不足或写入出错，数据库已暂停使用，最后一次操作没有保存。"
            "请清理服务器磁盘空间后刷新页面，程序会重新打开数据库。"
        )
    if _disk_full(lowered):
        return disk_full_error()
    if isinstance(exc, duckdb.IOException):
        return DataError(
            "写入数据库文件时出错，本次操作已撤回。请检查服务器磁盘后重试；如反复出现，请把服务器日志交给管理员。"
        )
    return None
