"""Which tables of the database each role may read, in every path: the console's engine (the masked
copy simply does not contain the others), the table browser, and what they download.

Per the README: a leader reads everything; an analyst reads every data table (personal fields masked);
an administrator reads the data tables masked and the bookkeeping of imports, boundaries and the audit
trail; a secretary has no explorer and reads data tables through her scope only. Saved console queries
are their authors' own: only a leader reads everyone's.

The list is an allow-list: a table that no line below names (one another module adds later) is read
by leaders only until it is classified here, so a new table of user names cannot leak by default.
"""

from __future__ import annotations

from analytics.core.scope import Scope, grid_predicate, round_predicate, town_predicate
from analytics.core.sql import Sql

# The subdistrict's data: what the dashboards show, plus the rollups derived from it.
DATA_TABLES = frozenset(
    {
        "app_meta",
        "towns",
        "grids",
        "grid_boundaries",
        "communities",
        "secretaries",
        "partners",
        "pairings",
        "service_items",
        "seed_activities",
        "grid_cases",
        "contest_rounds",
        "contest_criteria",
        "contest_entries",
        "judges",
        "contest_scores",
        "case_targets",
        "case_deadlines",
        "showcase_stories",
    }
)
DERIVED_PREFIX = "rollup_"

# Bookkeeping: who did what, which file came in, under whose name. Read by the roles named.
BOOKKEEPING: dict[str, frozenset[str]] = {
    "audit_log": frozenset({"leader", "admin"}),
    "import_batches": frozenset({"leader", "admin"}),
    "import_batch_keys": frozenset({"leader", "admin"}),
    "import_batch_info": frozenset({"leader", "admin"}),
    "boundary_uploads": frozenset({"leader", "admin"}),
    "entry_batches": frozenset({"leader", "admin"}),
    "saved_queries": frozenset({"leader"}),
}

# Columns of data tables that hold an account's name: blank for roles without the bookkeeping.
USER_COLUMNS: dict[str, tuple[str, ...]] = {
    "case_targets": ("set_by",),
    "case_deadlines": ("set_by",),
    "showcase_stories": ("updated_by",),
}


def may_read(table: str, scope: Scope | None) -> bool:
    if scope is None or scope.role == "leader":
        return True
    if table in BOOKKEEPING:
        return scope.role in BOOKKEEPING[table]
    return table in DATA_TABLES or table.startswith(DERIVED_PREFIX)


def hidden_columns(table: str, scope: Scope | None) -> tuple[str, ...]:
    """Columns of `table` that `scope` reads as empty (user names in data tables)."""
    if scope is None or scope.role in ("leader", "admin"):
        return ()
    return USER_COLUMNS.get(table, ())


def known(table: str) -> bool:
    """Whether this module classifies `table` (a test keeps every table of the schema classified)."""
    return table in DATA_TABLES or table in BOOKKEEPING or table.startswith(DERIVED_PREFIX)


def town_rows(table: str, columns: list[str] | tuple[str, ...], scope: Scope | None) -> Sql:
    """The rows of `table` (with these columns) that belong to the scope's town: every row for a
    scope of the whole district, and every row of a table that belongs to no town (items, judges)."""
    if scope is None or scope.restricted_town is None:
        return Sql("TRUE")
    if "community_id" in columns:
        return town_predicate(scope, "community_id", "rows_town")
    if table == "towns":
        return Sql("town_code = $rows_town", {"rows_town": scope.restricted_town})
    if "grid_id" in columns:
        mine = grid_predicate(scope, "grid_id", "rows_town")
        return Sql(f"grid_id IS NULL OR {mine.text}", mine.params) if table == "case_targets" else mine
    if "round_id" in columns:
        return round_predicate(scope, "round_id", "rows_town")
    if "partner_id" in columns:
        town = town_predicate(scope, "rp.community_id", "rows_town")
        # a partner belongs to the towns it is paired in
        return Sql(f"partner_id IN (SELECT rp.partner_id FROM pairings rp WHERE {town.text})", town.params)
    return Sql("TRUE")
