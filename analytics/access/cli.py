"""`python -m analytics.access …`: manage the local accounts (see analytics.access)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from analytics.access import signin
from analytics.access.accounts import (
    ROLES,
    add_user,
    load_accounts,
    open_store,
    remove_user,
    set_password,
    set_role,
)
from analytics.core.errors import DataError
from words import msg, said


def _read_password(args: argparse.Namespace) -> str | None:
    if getattr(args, "oidc_only", False):
        return None
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("password: ")
    if getpass.getpass("again: ") != password:
        raise ValueError(msg("err.access.passwords_differ"))
    return password


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics.access", description="Manage local accounts.")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add-user", help="add or replace a user (asks for the password)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--community", help="a secretary's community id, e.g. C30")
    add.add_argument("--town", help="the 街镇 the account reads, by its code, e.g. 310112001 (none: the district)")
    add.add_argument("--grid", help="a grid worker's area grid id, e.g. G3")
    add.add_argument("--display-name")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.add_argument("--oidc-only", action="store_true", help="no password: signs in through OIDC")
    role = sub.add_parser("set-role", help="change a user's role")
    role.add_argument("username")
    role.add_argument("--role", required=True, choices=ROLES)
    role.add_argument("--community")
    role.add_argument("--town", help="the 街镇 the account reads, by its code (none: the district)")
    role.add_argument("--grid")
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
    except (DataError, ValueError, KeyError) as exc:
        # a terminal has no language setting: the administrator reads both, English first
        english, chinese = said(exc, "en"), said(exc, "zh")
        print(chinese if english == chinese else f"{english} / {chinese}", file=sys.stderr)
        return 1


def _system_user() -> str:
    """Who ran the command, for the audit row: $USER is often unset under cron or sudo; the account
    the process runs as is not."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def _run(args: argparse.Namespace, actor: str) -> int:
    if args.command == "add-user":
        account = add_user(
            args.username,
            _read_password(args),
            args.role,
            args.community,
            args.display_name,
            actor=actor,
            town_code=args.town,
            grid_id=args.grid,
        )
        print(f"saved {account.username} ({account.role}) in {open_store()}")
    elif args.command == "set-role":
        account = set_role(
            args.username, args.role, args.community, actor=actor, town_code=args.town, grid_id=args.grid
        )
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
        signin.unlock(args.username, actor=actor)
        print(f"sign-in limits lifted for {args.username}")
    else:
        for account in load_accounts().values():
            print(
                f"{account.username}\t{account.role}\t{account.community_id or account.grid_id or ''}\t"
                f"{'password' if account.password_hash else 'oidc'}\t{account.town_code or ''}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
