"""The interface of the shared store and the records it holds. Anything that keeps accounts, sign-in
limits and the audit trail for the app implements AccessStore; callers never see how."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from analytics.core.errors import DataError
from analytics.core.scope import Scope


class StoreBusy(DataError):
    """The store stayed locked by other writers longer than its timeout, or could not be written."""


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    community_id: str | None = None
    display_name: str | None = None
    # None for accounts that sign in through OIDC only; kept out of repr so it never reaches a log
    password_hash: str | None = field(default=None, repr=False)
    # the 街镇 the account reads (None: the whole district, as every account made before towns existed)
    town_code: str | None = None
    grid_id: str | None = None  # a grid worker's area grid

    @property
    def scope(self) -> Scope:
        return Scope(self.role, self.community_id, self.town_code, self.grid_id)


@dataclass(frozen=True)
class AuditEvent:
    event_id: int | None
    occurred_at: dt.datetime
    username: str
    role: str | None
    action: str
    detail: str | None


@dataclass(frozen=True)
class LimitPolicy:
    """How long a key (an account, a client address) waits after `failures` failed sign-ins in a row:
    `free` tries at once, then a doubling wait from `first_wait_s`, then `lockout_s` from `lock_after`
    failures on. Failures are forgotten after `forget_after_s` without one."""

    free: int
    lock_after: int
    first_wait_s: float = 15.0
    lockout_s: float = 15 * 60.0
    forget_after_s: float = 60 * 60.0

    def wait(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        if failures >= self.lock_after:
            return self.lockout_s
        return min(self.first_wait_s * 2 ** (failures - self.free), self.lockout_s)


@dataclass(frozen=True)
class Reservation:
    """The answer to a sign-in attempt's reservation. `refused_key` is None when the attempt may go on;
    then `failures` holds each key's count with this attempt already counted as failed (pessimistically,
    so that parallel guesses cannot all slip through before any failure is written)."""

    refused_key: str | None = None
    retry_after_s: float = 0.0
    first_refusal: bool = False
    failures: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SessionRecord:
    """A signed-in browser session: `session_key` is a keyed hash of the session id the browser holds,
    so the store alone cannot be turned into working cookies. Times are seconds since the epoch."""

    session_key: str
    username: str
    created_at: float
    last_seen_at: float


@dataclass(frozen=True)
class SavedQuery:
    """An explorer console query saved under a name (unique across the store). `owner` is the account
    that saved it (None: saved before accounts were recorded, or from a notebook); `saved_by` its role."""

    name: str
    sql: str
    note: str | None
    saved_by: str | None
    saved_at: dt.datetime
    owner: str | None


class AccessStore(Protocol):
    """Accounts, sign-in limits, the audit trail and saved console queries. Every method is one transaction; an account change
    and its audit row commit together. Raises StoreBusy when the store cannot be written in time."""

    # accounts
    def accounts(self) -> dict[str, Account]: ...
    def account(self, username: str) -> Account | None: ...
    def has_accounts(self) -> bool: ...
    def save_account(self, account: Account, *, actor: str, action: str, detail: str) -> None: ...
    def remove_account(self, username: str, *, actor: str, detail: str) -> bool: ...

    # audit trail
    def record(self, username: str, action: str, detail: str | None = None, role: str | None = None) -> None: ...
    def recent(self, limit: int = 500) -> list[AuditEvent]: ...
    def adopt_events(self, events: Sequence[AuditEvent], source: str) -> int: ...

    # sign-in limits
    def secret(self) -> bytes: ...
    def reserve_attempt(self, policies: Mapping[str, LimitPolicy], now: float) -> Reservation: ...
    def release(self, *, reset: Sequence[str] = (), undo: Sequence[str] = ()) -> None: ...

    # signed-in sessions; a new password or removing the account ends its sessions in the same transaction
    def save_session(self, record: SessionRecord) -> None: ...
    def session(self, session_key: str) -> SessionRecord | None: ...
    def touch_session(self, session_key: str, now: float) -> None: ...
    def end_session(self, session_key: str) -> bool: ...
    def end_sessions(self, username: str) -> int: ...

    # saved console queries: `owner` None reads, replaces or deletes any (the holder of the store);
    # an owner replaces or deletes only their own (save_query is False when another owner holds the name)
    def saved_queries(self, owner: str | None = None) -> list[SavedQuery]: ...
    def save_query(self, query: SavedQuery) -> bool: ...
    def delete_query(self, name: str, owner: str | None = None) -> bool: ...
    def adopt_queries(self, queries: Sequence[SavedQuery]) -> int: ...
