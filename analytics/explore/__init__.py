"""Letting analysts explore: the table catalog, the pivot builder and the SQL console.

    analytics.explore.run_readonly(db_path, "SELECT …", scope=Scope("analyst"))   # raises QueryRefused

Modules: readable (which role may read which table and column), catalog (tables, columns, samples, as
the role may read them), pivot (measures by dimensions, from an allow-list, as bound SQL), console (the
console's checks and masking), saved (saved queries, in the shared store), runner (where a console query runs: a capped worker
process), worker (that process, a script that imports nothing of the project).
"""

from analytics.explore.console import (
    CONSOLE_ROLES,
    QueryRefused,
    QueryResult,
    can_use_console,
    check_statement,
    flat_for_export,
    inline_params,
    run_readonly,
    sql_literal,
    tidy_sql,
)
from analytics.explore.saved import delete_saved_query, save_query, saved_queries

__all__ = [
    "CONSOLE_ROLES",
    "QueryRefused",
    "QueryResult",
    "can_use_console",
    "check_statement",
    "delete_saved_query",
    "flat_for_export",
    "inline_params",
    "run_readonly",
    "save_query",
    "saved_queries",
    "sql_literal",
    "tidy_sql",
]
