"""Signing in with limits that hold across sessions, processes and restarts.

The limits live in the shared store (analytics.access.store), keyed by the account name and by the client's
address, never in a browser session, which a guessing script simply replaces. Each attempt is counted
as failed before the password is checked, in one store transaction, so parallel guesses cannot slip
past the count; a right password then takes its count back. With the defaults an account gets 3 tries
at once, one after 15 s and one after 30 s more, then one per quarter hour; an address (an office behind
one NAT shares it) gets 10 at once, then waits that double up to a quarter hour.

The audit trail records every failure, the start of every lockout and the first refused attempt of each
wait; a failed sign-in names the account only when it exists, never the text typed otherwise (someone
types a password into the user-name box). Names and addresses are kept as keyed hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from analytics.access import accounts
from analytics.access.store import AccessStore, Account, LimitPolicy

ACCOUNT_LIMIT = LimitPolicy(free=3, lock_after=5)
ADDRESS_LIMIT = LimitPolicy(free=10, lock_after=20)
UNKNOWN_NAME = "?"


@dataclass(frozen=True)
class SignInResult:
    account: Account | None
    # > 0: how long until the next attempt is allowed (refused now, or the failure just started a wait)
    retry_after_s: float = 0.0
    refused: bool = False  # True: the limits refused the attempt; the password was not checked


def _key(store: AccessStore, kind: str, value: str) -> str:
    return kind + ":" + hmac.new(store.secret(), value.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def limit_keys(store: AccessStore, username: str, address: str | None) -> dict[str, LimitPolicy]:
    return {
        _key(store, "account", username.strip()): ACCOUNT_LIMIT,
        _key(store, "address", address or "local"): ADDRESS_LIMIT,
    }


def sign_in(
    username: str,
    password: str,
    address: str | None = None,
    *,
    store: AccessStore | None = None,
    now: float | None = None,
) -> SignInResult:
    """The account when the name and password are right and the limits allow an attempt now."""
    store = store or accounts.store()
    now = time.time() if now is None else now
    name = username.strip()
    policies = limit_keys(store, name, address)
    account_key, address_key = policies
    known = store.account(name) if name else None
    shown = known.username if known else UNKNOWN_NAME
    where = f"from {address or 'local'}"
    reservation = store.reserve_attempt(policies, now)
    if reservation.refused_key is not None:
        if reservation.first_refusal:
            which = "account" if reservation.refused_key == account_key else "address"
            store.record(
                shown, "sign_in_locked", f"{which} locked, {int(reservation.retry_after_s) + 1} s left; {where}"
            )
        return SignInResult(None, reservation.retry_after_s, refused=True)
    if accounts.check_password(known, password):
        store.release(reset=[account_key], undo=[address_key])
        store.record(known.username, "sign_in", where, role=known.role)
        return SignInResult(known)
    failures = reservation.failures
    waits = {key: policies[key].wait(count) for key, count in failures.items()}
    detail = f"attempt {failures[account_key]} ({where})"
    if any(count >= policies[key].lock_after for key, count in failures.items()):
        detail += f"; locked for {int(max(waits.values()) // 60)} min"
    store.record(shown, "sign_in_failed", detail)
    return SignInResult(None, max(waits.values()))


def unlock(username: str, *, actor: str = "system", store: AccessStore | None = None) -> None:
    """Lift an account's wait (its owner is locked out by someone else's guesses)."""
    store = store or accounts.store()
    store.release(reset=[_key(store, "account", username.strip())])
    store.record(actor, "sign_in_unlocked", username.strip() if store.account(username.strip()) else UNKNOWN_NAME)
