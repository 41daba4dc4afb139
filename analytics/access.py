"""Who is asking, and the local accounts that say so.

Every public analysis function takes `scope=` and enforces it in its SQL, so what a role may read never
depends on a page remembering to hide something. `scope=None` is the unrestricted access of someone who
holds the database file (a notebook, a test, a benchmark).

Accounts live in the shared store (analytics.store: accounts.sqlite beside $JIANGCHUAN_ACCOUNTS,
default ~/.config/jiangchuan/), passwords hashed with argon2id; manage them with

    python -m analytics.access add-user NAME --role secretary --community C30   # asks for the password
    python -m analytics.access list-users | set-role NAME --role analyst | remove-user NAME
    python -m analytics.access set-password NAME | unlock NAME

Every change is audited in the same transaction, and works while the app runs: the store is not the
app's DuckDB file, which the app holds exclusively.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from analytics.errors import DataError
from analytics.store import ENV_ACCOUNTS, AccessStore, Account, accounts_path, open_store

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
    "main",
    "remove_user",
    "set_password",
    "set_role",
    "store",
    "verify",
]

ROLES = ("leader", "secretary", "analyst", "admin")


@dataclass(frozen=True)
class Scope:
    role: str
    community_id: str | None = None

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; expected one of {ROLES} / 没有角色 {self.role}")
        if self.role == "secretary" and not self.community_id:
            raise ValueError(
                "a secretary's scope names the secretary's community (--community C30)"
                " / 书记账户须用 --community 指定所在居民区，例如 C30"
            )

    @property
    def restricted_community(self) -> str | None:
        """The one community whose detail rows this scope may read, or None for all."""
        return self.community_id if self.role == "secretary" else None


def community_predicate(
    scope: Scope | None, column: str = "community_id", param: str = "scope_community"
) -> tuple[str, dict]:
    """SQL that keeps only the rows `scope` may read in detail (`column` is an allow-listed name)."""
    if scope is None or scope.restricted_community is None:
        return "TRUE", {}
    return f"{column} = ${param}", {param: scope.restricted_community}


# ---------------------------------------------------------------------------------------------
# accounts
def store(path: str | os.PathLike | None = None) -> AccessStore:
    """The shared store of accounts, sign-in limits and the audit trail (`path`: the accounts file
    or the store file; None: the configured one)."""
    return open_store(path)


def load_accounts(path: Path | None = None) -> dict[str, Account]:
    return store(path).accounts()


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


# Verifying against a fixed hash when the user does not exist keeps the answer's timing the same,
# so sign-in does not reveal which user names exist.
_DUMMY_HASH = None


def check_password(account: Account | None, password: str) -> bool:
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
    analytics.signin.sign_in, which applies them."""
    account = store(path).account(username.strip())
    return account if check_password(account, password) else None


def _describe(account: Account) -> str:
    return f"{account.username}: {account.role} {account.community_id or ''}".strip()


def _check_password_strength(password: str | None) -> None:
    if password is not None and len(password) < 10:
        raise ValueError("a password needs at least 10 characters / 密码至少需要10位")


def add_user(
    username: str,
    password: str | None,
    role: str,
    community_id: str | None = None,
    display_name: str | None = None,
    path: Path | None = None,
    *,
    actor: str = "system",
) -> Account:
    Scope(role, community_id)  # validates the role and a secretary's community
    if not username or not username.strip():
        raise ValueError("a user name is required / 请填写用户名")
    _check_password_strength(password)
    account = Account(
        username.strip(), role, community_id, display_name, _hasher().hash(password) if password is not None else None
    )
    store(path).save_account(account, actor=actor, action="role_change", detail=f"added {_describe(account)}")
    return account


def _existing(target: AccessStore, username: str) -> Account:
    account = target.account(username)
    if account is None:
        raise KeyError(f"no user {username!r} / 没有用户 {username}")
    return account


def set_role(
    username: str, role: str, community_id: str | None = None, path: Path | None = None, *, actor: str = "system"
) -> Account:
    Scope(role, community_id)
    target = store(path)
    old = _existing(target, username)
    account = Account(username, role, community_id, old.display_name, old.password_hash)
    target.save_account(
        account,
        actor=actor,
        action="role_change",
        detail=f"role set {_describe(old)} → {account.role} {account.community_id or ''}".strip(),
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
    )
    target.save_account(account, actor=actor, action="password_change", detail=username)
    return account


def remove_user(username: str, path: Path | None = None, *, actor: str = "system") -> bool:
    return store(path).remove_account(username, actor=actor, detail=f"removed {username}")


def _read_password(args) -> str | None:
    import getpass

    if getattr(args, "oidc_only", False):
        return None
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("password: ")
    if getpass.getpass("again: ") != password:
        raise ValueError("the two passwords differ / 两次输入的密码不一致")
    return password


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m analytics.access", description="Manage local accounts.")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add-user", help="add or replace a user (asks for the password)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--community", help="a secretary's community id, e.g. C30")
    add.add_argument("--display-name")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.add_argument("--oidc-only", action="store_true", help="no password: signs in through OIDC")
    role = sub.add_parser("set-role", help="change a user's role")
    role.add_argument("username")
    role.add_argument("--role", required=True, choices=ROLES)
    role.add_argument("--community")
    password = sub.add_parser("set-password", help="change a user's password (signs out the user's sessions)")
    password.add_argument("username")
    password.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    remove = sub.add_parser("remove-user")
    remove.add_argument("username")
    unlock = sub.add_parser("unlock", help="lift a user's sign-in lockout")
    unlock.add_argument("username")
    sub.add_parser("list-users")
    args = parser.parse_args(argv)
    actor = "cli:" + _system_user()
    try:
        return _run(args, actor)
    except (DataError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return 1


def _system_user() -> str:
    """Who ran the command, for the audit row: $USER is often unset under cron or sudo; the account
    the process runs as is not."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def _run(args, actor: str) -> int:
    if args.command == "add-user":
        account = add_user(
            args.username, _read_password(args), args.role, args.community, args.display_name, actor=actor
        )
        print(f"saved {account.username} ({account.role}) in {open_store()}")
    elif args.command == "set-role":
        account = set_role(args.username, args.role, args.community, actor=actor)
        print(f"{account.username} is now {account.role}")
    elif args.command == "set-password":
        account = set_password(args.username, _read_password(args), actor=actor)
        print(f"new password saved for {account.username}")
    elif args.command == "remove-user":
        if not remove_user(args.username, actor=actor):
            print(f"no user {args.username!r} / 没有用户 {args.username}", file=sys.stderr)
            return 1
        print(f"removed {args.username}")
    elif args.command == "unlock":
        from analytics import signin

        signin.unlock(args.username, actor=actor)
        print(f"sign-in limits lifted for {args.username}")
    else:
        for account in load_accounts().values():
            print(
                f"{account.username}\t{account.role}\t{account.community_id or ''}\t"
                f"{'password' if account.password_hash else 'oidc'}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
