"""The audit trail (table audit_log). Leaders and admins may read it."""
from __future__ import annotations

import pandas as pd

from analytics import db
from analytics.access import Scope
from analytics.errors import AccessDenied

MAX_DETAIL = 2000


def record(con, username: str, action: str, detail: str | None = None, *, role: str | None = None) -> None:
    """One event, on its own cursor: downloads record theirs from another thread than the page's."""
    cur = con.cursor()
    try:
        cur.execute("INSERT INTO audit_log (username, role, action, detail) VALUES ($u, $r, $a, $d)",
                    {"u": username or "?", "r": role, "a": action, "d": (detail or "")[:MAX_DETAIL] or None})
    finally:
        cur.close()


def recent(con, *, limit: int = 500, scope: Scope | None = None) -> pd.DataFrame:
    if scope is not None and scope.role not in ("leader", "admin"):
        raise AccessDenied("只有领导和管理员可以查看操作日志。")
    return db.query(con, """SELECT event_id, occurred_at, username, role, action, detail FROM audit_log
                            ORDER BY event_id DESC LIMIT $limit""", {"limit": int(limit)})
