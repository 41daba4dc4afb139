"""Each holder's watch list, sent to a message gateway (one JSON POST per holder) or written as files.

A holder is a community with its grid: the list goes to the community's secretary, so it is made under
her scope (Scope("secretary", community)) by the same analysis function as her page, and holds only
NOTIFY_FIELDS: which matter, its category and urgency, when it was reported and is due, how late.
Never a reporter's name, phone or the description: a message leaves the dashboard's access control,
so it carries less than even her role may read there; she opens the matter itself on the dashboard.
Holders with nothing overdue or due this week get no message.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import math
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from analytics.core import connection as db
from analytics.core.errors import DataError
from analytics.core.filters import Filters
from analytics.core.scope import Scope
from analytics.overdue.matters import WEEK_DAYS, holders, overdue_matters
from words import msg, text

ENV_WEBHOOK = "JIANGCHUAN_NOTIFY_WEBHOOK"
NOTIFY_FIELDS = (
    "case_id",
    "category",
    "urgent",
    "reported_at",
    "deadline_days",
    "due_at",
    "status",
    "days_overdue",
    "days_left",
)
HOLDER_FIELDS = ("community_id", "community_name", "grid_id", "grid_name", "role")
TIMEOUT_S = 10.0
ATTEMPTS = 3
BACKOFF_S = 0.5


@dataclass(frozen=True)
class Sent:
    """What a run did: the holders whose list went out, and those whose list did not (with why)."""

    delivered: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]


def holder_lists(con: duckdb.DuckDBPyConnection, as_of: dt.date | dt.datetime | str | None = None) -> list[dict]:
    """One message per holder with a matter overdue or due within WEEK_DAYS days at `as_of` (default:
    the data's latest moment): {"holder": {…}, "as_of", "week_days", "counts": {overdue, due_soon,
    urgent_overdue}, "matters": [{NOTIFY_FIELDS}]}, ordered by community."""
    everyone = Filters()
    found = holders(con, everyone, None, as_of, by=("grid_id", "community_id"))
    found = found[(found["overdue"] + found["due_soon"]) > 0]
    lists = []
    for row in found.itertuples():
        scope = Scope("secretary", str(row.community_id))
        matters = overdue_matters(con, everyone, scope, as_of)
        if matters.empty:
            continue
        lists.append(
            {
                "holder": {
                    "community_id": str(row.community_id),
                    "community_name": str(row.community_name),
                    "grid_id": str(row.grid_id),
                    "grid_name": str(row.grid_name),
                    "role": scope.role,
                },
                "as_of": _json_value(matters["as_of"].iloc[0]),
                "week_days": WEEK_DAYS,
                "counts": {
                    "overdue": int((matters["status"] == "overdue").sum()),
                    "due_soon": int((matters["status"] == "due_soon").sum()),
                    "urgent_overdue": int(((matters["status"] == "overdue") & matters["urgent"]).sum()),
                },
                "matters": [
                    {field: _json_value(getattr(m, field)) for field in NOTIFY_FIELDS}
                    for m in matters.itertuples(index=False)
                ],
            }
        )
    return lists


def _json_value(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return pd.Timestamp(value).isoformat(sep=" ")
    if isinstance(value, float):
        return round(value, 1)
    if hasattr(value, "item"):  # numpy scalars
        return _json_value(value.item())
    return value


def post_all(
    lists: list[dict],
    url: str,
    *,
    timeout_s: float = TIMEOUT_S,
    attempts: int = ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> Sent:
    """POST each list to `url` as JSON (UTF-8). A holder whose list fails after `attempts` tries is
    reported, and the others are still sent."""
    _check_url(url)
    delivered, failed = [], []
    for message in lists:
        holder = message["holder"]["community_id"]
        try:
            post(url, message, timeout_s=timeout_s, attempts=attempts, sleep=sleep)
        except DataError as exc:
            failed.append((holder, str(exc)))
        else:
            delivered.append(holder)
    return Sent(tuple(delivered), tuple(failed))


def _check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DataError(msg("err.overdue.webhook_url", url=_where(url)))


def _where(url: str) -> str:
    """scheme://host:port of `url` only: a gateway's address may carry its token in the path or query."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}" if parts.netloc else url[:40]


def post(
    url: str,
    message: dict,
    *,
    timeout_s: float = TIMEOUT_S,
    attempts: int = ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """One JSON POST, tried up to `attempts` times with a doubling pause when the gateway cannot be
    reached, times out or answers 5xx; a 4xx answer (the request itself is wrong) is not repeated."""
    body = json.dumps(message, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "jiangchuan-overdue/1"},
    )
    reason = ""
    for attempt in range(max(1, attempts)):
        if attempt:
            sleep(BACKOFF_S * 2 ** (attempt - 1))
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as answer:
                answer.read()
            return
        except urllib.error.HTTPError as exc:
            reason = f"HTTP {exc.code}"
            if exc.code < 500:
                raise DataError(_failed(url, message, reason, attempt + 1)) from exc
            last: Exception = exc
        except (urllib.error.URLError, TimeoutError, ConnectionError, http.client.HTTPException) as exc:
            reason = str(getattr(exc, "reason", exc)) or exc.__class__.__name__
            last = exc
    raise DataError(_failed(url, message, reason, max(1, attempts))) from last


def _failed(url: str, message: dict, reason: str, tried: int) -> Any:
    return msg(
        "err.overdue.webhook_failed",
        url=_where(url),
        holder=message["holder"]["community_name"],
        reason=reason,
        attempts=tried,
    )


def write_files(lists: list[dict], folder: str | os.PathLike[str]) -> list[Path]:
    """Each list as <community_id>.json and as <community_id>.txt (a plain Chinese text for an
    e-mail's body), readable by the owner only; the files written."""
    out = Path(folder)
    written = []
    with db.owner_only():
        out.mkdir(parents=True, exist_ok=True)
        for message in lists:
            stem = out / str(message["holder"]["community_id"])
            json_path, text_path = stem.with_suffix(".json"), stem.with_suffix(".txt")
            json_path.write_text(json.dumps(message, ensure_ascii=False, indent=2), encoding="utf-8")
            text_path.write_text(as_text(message), encoding="utf-8")
            written += [json_path, text_path]
    return written


def as_text(message: dict) -> str:
    """The list as a short Chinese message: a heading with the counts, then a line per matter."""
    holder, counts = message["holder"], message["counts"]
    lines = [
        text(
            "overdue.notify.heading",
            community=holder["community_name"],
            grid=holder["grid_name"],
            as_of=message["as_of"][:16],
            overdue=counts["overdue"],
            due_soon=counts["due_soon"],
            week=message["week_days"],
        ),
        "",
    ]
    for m in message["matters"]:
        category = text(f"category.{m['category']}") if m["category"] else "—"
        urgency = text("overdue.notify.urgent") if m["urgent"] else ""
        if m["status"] == "overdue":
            state = text("overdue.notify.late", days=m["days_overdue"])
        else:
            state = text("overdue.notify.left", days=m["days_left"])
        lines.append(
            text(
                "overdue.notify.line",
                case=m["case_id"],
                category=category,
                urgent=urgency,
                reported=m["reported_at"][:16],
                due=m["due_at"][:16],
                state=state,
            )
        )
    return "\n".join(lines) + "\n"
