"""Who may do what: the local accounts, signing in, and the audit trail.

    python -m analytics.access add-user NAME --role secretary --community C30   # asks for the password
    python -m analytics.access list-users | set-role NAME --role analyst | remove-user NAME
    python -m analytics.access set-password NAME | unlock NAME

Modules: accounts (users, roles, passwords hashed with argon2id), signin (sign-in limits per account and
address), sessions (signed-in sessions that outlive a reload: signed tokens the store can end), audit
(who did what, read back by administrators), store/ (the shared store behind all of them:
SQLite here, one server's database where many app servers share it), cli (the command above).
`Scope` itself — who is asking — is a core notion (analytics.core.scope), re-exported here where the
design names it.
"""

from analytics.access.accounts import (
    ENV_ACCOUNTS,
    ROLES,
    Account,
    Scope,
    accounts_path,
    add_user,
    check_password,
    community_predicate,
    load_accounts,
    remove_user,
    set_password,
    set_role,
    store,
    verify,
)
from analytics.access.cli import main

__all__ = [
    "ENV_ACCOUNTS",
    "ROLES",
    "Account",
    "Scope",
    "accounts_path",
    "add_user",
    "check_password",
    "community_predicate",
    "load_accounts",
    "main",
    "remove_user",
    "set_password",
    "set_role",
    "store",
    "verify",
]
