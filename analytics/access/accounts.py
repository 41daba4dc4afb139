"""Who is asking, and the local accounts that say so.

Every public analysis function takes `scope=` and enforces it in its SQL, so what a role may read never
depends on a page remembering to hide something. `scope=None` is the unrestricted access of someone who
holds the database file (a notebook, a test, a benchmark).

Accounts live in the shared store (analytics.access.store: accounts.sqlite beside $JIANGCHUAN_ACCOUNTS,
default ~/.config/jiangchuan/), passwords hashed with argon2id; manage them with

    python -m analytics.access add-user NAME --role secretary --community C30   # asks for the password
    python -m analytics.access add-user NAME --role grid_worker --grid G3       # a grid worker (网格员)
    python -m analytics.access list-users | set-role NAME --role analyst | remove-user NAME
    python -m analytics.access set-password NAME | unlock NAME

Every change is audited in the same transaction, and works while the app runs: the store is not the
app's DuckDB file, which the app holds exclusively.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard

from analytics.access.store import ENV_ACCOUNTS, AccessStore, Account, accounts_path, open_store
from analytics.core.hierarchy import MINHANG_TOWNS, TOWN_BY_CODE
from analytics.core.scope import ROLES, Scope, community_predicate
from words import listing, msg

if TYPE_CHECKING:  # argon2 itself is imported on first use (sign-in only)
    from argon2 import PasswordHasher

# Re-exported: callers and the README know accounts by these names.
__all__ = [
    "ENV_ACCOUNTS",
    "ROLES",
    "Account",
    "Scope",
    "accounts_path",
    "add_user",
    "community_predicate",
    "load_accounts",
    "remove_user",
    "set_password",
    "set_role",
    "store",
    "verify",
]


# ---------------------------------------------------------------------------------------------
# accounts
def store(path: str | os.PathLike | None = None) -> AccessStore:
    """The shared store of accounts, sign-in limits and the audit trail (`path`: the accounts file
    or the store file; None: the configured one)."""
    return open_store(path)


def load_accounts(path: Path | None = None) -> dict[str, Account]:
    return store(path).accounts()


def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


# Verifying against a fixed hash when the user does not exist keeps the answer's timing the same,
# so sign-in does not reveal which user names exist.
_DUMMY_HASH = None


def check_password(account: Account | None, password: str) -> TypeGuard[Account]:
    # True only for an account (None takes the dummy hash and is False), which the TypeGuard says.
    from argon2.exceptions import InvalidHashError, VerificationError

    global _DUMMY_HASH
    hasher = _hasher()
    if account is None or not account.password_hash:
        _DUMMY_HASH = _DUMMY_HASH or hasher.hash("not-a-password")
        try:
            hasher.verify(_DUMMY_HASH, password + "x")
        except VerificationError:
            pass
        return False
    try:
        return hasher.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify(username: str, password: str, path: Path | None = None) -> Account | None:
    """The account when the password is right, else None. No sign-in limits: the app signs in through
    analytics.access.signin.sign_in, which applies them."""
    account = store(path).account(username.strip())
    return account if check_password(account, password) else None


def _describe(account: Account) -> str:
    where = account.community_id or account.grid_id or ""
    return f"{account.username}: {account.role} {where} {account.town_code or ''}".strip()


def _check_town(town_code: str | None) -> str | None:
    """A town of the district by its public code (analytics.core.hierarchy), or None for the district."""
    if town_code is None or not town_code.strip():
        return None
    code = town_code.strip()
    if code not in TOWN_BY_CODE:
        towns = listing(f"{t.code} {t.name}" for t in MINHANG_TOWNS)
        raise ValueError(msg("err.access.unknown_town", town=code, towns=towns))
    return code


def _check_password_strength(password: str | None) -> None:
    if password is not None and len(password) < 10:
        raise ValueError(msg("err.access.password_short"))


def add_user(
    username: str,
    password: str | None,
    role: str,
    community_id: str | None = None,
    display_name: str | None = None,
    path: Path | None = None,
    *,
    actor: str = "system",
    town_code: str | None = None,
    grid_id: str | None = None,
) -> Account:
    """Add or replace an account. `town_code` binds it to one 街镇 (a 街镇 leader, analyst or
    administrator); None reads the whole district. A secretary's town is her community's; a grid
    worker's `grid_id` is the area grid she works."""
    Scope(role, community_id, grid_id=grid_id)  # validates the role, a secretary's community, a grid worker's grid
    town = _check_town(town_code)
    if not username or not username.strip():
        raise ValueError(msg("err.access.no_username"))
    _check_password_strength(password)
    account = Account(
        username.strip(),
        role,
        community_id,
        display_name,
        _hasher().hash(password) if password is not None else None,
        town,
        grid_id,
    )
    store(path).save_account(account, actor=actor, action="role_change", detail=f"added {_describe(account)}")
    return account


def _existing(target: AccessStore, username: str) -> Account:
    account = target.account(username)
    if account is None:
        raise KeyError(msg("err.access.no_user", user=username))
    return account


def set_role(
    username: str,
    role: str,
    community_id: str | None = None,
    path: Path | None = None,
    *,
    actor: str = "system",
    town_code: str | None = None,
    grid_id: str | None = None,
) -> Account:
    """A new role, community (or grid, for a grid worker) and town (None: the whole district)."""
    Scope(role, community_id, grid_id=grid_id)
    town = _check_town(town_code)
    target = store(path)
    old = _existing(target, username)
    account = Account(username, role, community_id, old.display_name, old.password_hash, town, grid_id)
    target.save_account(
        account,
        actor=actor,
        action="role_change",
        detail=f"role set {_describe(old)} → {_describe(account).split(': ', 1)[1]}",
    )
    return account


def set_password(username: str, password: str | None, path: Path | None = None, *, actor: str = "system") -> Account:
    """A new password (None: OIDC sign-in only). Sessions signed in with the old one are signed out."""
    _check_password_strength(password)
    target = store(path)
    old = _existing(target, username)
    account = Account(
        username,
        old.role,
        old.community_id,
        old.display_name,
        _hasher().hash(password) if password is not None else None,
        old.town_code,
        old.grid_id,
    )
    target.save_account(account, actor=actor, action="password_change", detail=username)
    return account


def remove_user(username: str, path: Path | None = None, *, actor: str = "system") -> bool:
    return store(path).remove_account(username, actor=actor, detail=f"removed {username}")
