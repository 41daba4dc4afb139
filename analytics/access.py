"""Who is asking, and the local accounts that say so.

Every public analysis function takes `scope=` and enforces it in its SQL, so what a role may read never
depends on a page remembering to hide something. `scope=None` is the unrestricted access of someone who
holds the database file (a notebook, a test, a benchmark).

Accounts live in a JSON file outside the repository ($JIANGCHUAN_ACCOUNTS, default
~/.config/jiangchuan/accounts.json), passwords hashed with argon2id; manage them with

    python -m analytics.access add-user NAME --role secretary --community C30   # asks for the password
    python -m analytics.access list-users | set-role NAME --role analyst | remove-user NAME
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROLES = ("leader", "secretary", "analyst", "admin")
ENV_ACCOUNTS = "JIANGCHUAN_ACCOUNTS"


@dataclass(frozen=True)
class Scope:
    role: str
    community_id: str | None = None

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; expected one of {ROLES}")
        if self.role == "secretary" and not self.community_id:
            raise ValueError("a secretary's scope names the secretary's community")

    @property
    def restricted_community(self) -> str | None:
        """The one community whose detail rows this scope may read, or None for all."""
        return self.community_id if self.role == "secretary" else None


def community_predicate(scope: Scope | None, column: str = "community_id",
                        param: str = "scope_community") -> tuple[str, dict]:
    """SQL that keeps only the rows `scope` may read in detail (`column` is an allow-listed name)."""
    if scope is None or scope.restricted_community is None:
        return "TRUE", {}
    return f"{column} = ${param}", {param: scope.restricted_community}


# ---------------------------------------------------------------------------------------------
# accounts
@dataclass(frozen=True)
class Account:
    username: str
    role: str
    community_id: str | None = None
    display_name: str | None = None
    # None for accounts that sign in through OIDC only; kept out of repr so it never reaches a log
    password_hash: str | None = field(default=None, repr=False)

    @property
    def scope(self) -> Scope:
        return Scope(self.role, self.community_id)


def accounts_path() -> Path:
    return Path(os.environ.get(ENV_ACCOUNTS) or Path.home() / ".config" / "jiangchuan" / "accounts.json")


def load_accounts(path: Path | None = None) -> dict[str, Account]:
    path = path or accounts_path()
    if not path.exists():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {name: Account(username=name, **fields) for name, fields in raw.get("users", {}).items()}


def save_accounts(accounts: dict[str, Account], path: Path | None = None) -> None:
    """Written atomically and readable by the owner only."""
    path = path or accounts_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"users": {name: {k: v for k, v in asdict(a).items() if k != "username"} for name, a in accounts.items()}}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".accounts-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(body, handle, ensure_ascii=False, indent=1)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


# Verifying against a fixed hash when the user does not exist keeps the answer's timing the same,
# so sign-in does not reveal which user names exist.
_DUMMY_HASH = None


def verify(username: str, password: str, path: Path | None = None) -> Account | None:
    from argon2.exceptions import InvalidHashError, VerificationError

    global _DUMMY_HASH
    account = load_accounts(path).get(username.strip())
    hasher = _hasher()
    if account is None or not account.password_hash:
        _DUMMY_HASH = _DUMMY_HASH or hasher.hash("not-a-password")
        try:
            hasher.verify(_DUMMY_HASH, password + "x")
        except VerificationError:
            pass
        return None
    try:
        hasher.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return account


def add_user(username: str, password: str | None, role: str, community_id: str | None = None,
             display_name: str | None = None, path: Path | None = None) -> Account:
    Scope(role, community_id)  # validates the role and a secretary's community
    if not username or not username.strip():
        raise ValueError("a user name is required")
    if password is not None and len(password) < 10:
        raise ValueError("a password needs at least 10 characters")
    accounts = load_accounts(path)
    account = Account(username.strip(), role, community_id, display_name,
                      _hasher().hash(password) if password is not None else None)
    accounts[account.username] = account
    save_accounts(accounts, path)
    return account


def set_role(username: str, role: str, community_id: str | None = None, path: Path | None = None) -> Account:
    Scope(role, community_id)
    accounts = load_accounts(path)
    if username not in accounts:
        raise KeyError(f"no user {username!r}")
    old = accounts[username]
    accounts[username] = Account(username, role, community_id, old.display_name, old.password_hash)
    save_accounts(accounts, path)
    return accounts[username]


def remove_user(username: str, path: Path | None = None) -> None:
    accounts = load_accounts(path)
    accounts.pop(username, None)
    save_accounts(accounts, path)


def main(argv=None) -> int:
    import argparse
    import getpass

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
    remove = sub.add_parser("remove-user")
    remove.add_argument("username")
    sub.add_parser("list-users")
    args = parser.parse_args(argv)

    if args.command == "add-user":
        if args.oidc_only:
            password = None
        elif args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("password: ")
            if getpass.getpass("again: ") != password:
                print("the two passwords differ", file=sys.stderr)
                return 2
        account = add_user(args.username, password, args.role, args.community, args.display_name)
        _audit_role_change(account, "added")
        print(f"saved {account.username} ({account.role}) in {accounts_path()}")
    elif args.command == "set-role":
        account = set_role(args.username, args.role, args.community)
        _audit_role_change(account, "role set")
        print(f"{account.username} is now {account.role}")
    elif args.command == "remove-user":
        remove_user(args.username)
        _audit_role_change(Account(args.username, "leader"), "removed")
        print(f"removed {args.username}")
    else:
        for account in load_accounts().values():
            print(f"{account.username}\t{account.role}\t{account.community_id or ''}\t"
                  f"{'password' if account.password_hash else 'oidc'}")
    return 0


def _audit_role_change(account: Account, what: str) -> None:
    """Record the change in the database's audit log when the database exists."""
    from analytics import audit, db

    path = db.db_path()
    if str(path) == ":memory:" or not path.exists():
        return
    con = db.connect(path)
    try:
        audit.record(con, "cli:" + os.environ.get("USER", "?"), "role_change",
                     f"{account.username}: {what} → {account.role} {account.community_id or ''}".strip())
    finally:
        con.close()


if __name__ == "__main__":
    raise SystemExit(main())
