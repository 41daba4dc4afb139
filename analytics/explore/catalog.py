"""The table browser: every table and view, its columns with their meaning, row counts and a sample.

The meanings of every table and column of the data model (docs/design.md) are written once, in Chinese
and English, with the other words (words/catalog_notes.py).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.core import connection as db
from analytics.core import privacy
from analytics.core.errors import AccessDenied
from analytics.core.scope import Scope, community_predicate
from analytics.core.sql import Sql
from analytics.explore import readable
from words import msg
from words.catalog_notes import COLUMN_NOTES, TABLE_NOTES

# Personal data is masked in the browser's sample for every role (nobody needs a resident's phone
# number to learn a table's shape), by the same masker as the console's (analytics.core.privacy).
MASKED_COLUMNS = {
    (table, column): privacy.masking_sql(column, kind)
    for table, personal in privacy.PERSONAL_COLUMNS.items()
    for column, kind in personal
}


def tables(con: duckdb.DuckDBPyConnection, *, scope: Scope | None = None) -> pd.DataFrame:
    """Every table and view of the database: table_name, kind (table / view), columns, rows,
    meaning_zh, meaning_en. Row counts are exact for tables (of the scope's town's rows); views show none
    (counting one runs it)."""
    listing = db.query(
        con,
        """
        SELECT t.table_name, CASE WHEN t.table_type = 'VIEW' THEN 'view' ELSE 'table' END AS kind,
               count(c.column_name) AS columns
        FROM information_schema.tables t
        JOIN information_schema.columns c USING (table_catalog, table_schema, table_name)
        WHERE t.table_catalog = current_database() AND t.table_schema = 'main'
        GROUP BY ALL
        ORDER BY kind, t.table_name""",
    )
    listing = listing[[readable.may_read(n, scope) for n in listing["table_name"]]].reset_index(drop=True)
    base = listing.loc[listing["kind"] == "table", "table_name"].tolist()
    counts = {}
    if base:
        named = db.query(
            con,
            """SELECT table_name, list(column_name) AS names FROM information_schema.columns
               WHERE table_catalog = current_database() AND table_schema = 'main' GROUP BY ALL""",
        )
        names = dict(named.itertuples(index=False, name=None))
        union = Sql.join(
            [
                Sql.compose(
                    f"SELECT '{_literal(n)}' AS table_name, count(*) AS rows FROM {_ident(n)} WHERE {{mine}}",
                    mine=readable.town_rows(n, list(names.get(n, [])), scope),
                )
                for n in base
            ],
            " UNION ALL ",
        )
        counts = dict(db.query(con, *union).itertuples(index=False, name=None))
    listing["rows"] = pd.array([counts.get(n) for n in listing["table_name"]], dtype="Int64")
    listing["meaning_zh"] = [TABLE_NOTES.get(n, ("—", "—"))[0] for n in listing["table_name"]]
    listing["meaning_en"] = [TABLE_NOTES.get(n, ("—", "—"))[1] for n in listing["table_name"]]
    return listing


def columns(con: duckdb.DuckDBPyConnection, table: str, *, scope: Scope | None = None) -> pd.DataFrame:
    """The columns of `table` in order: column_name, data_type, nullable, meaning_zh, meaning_en."""
    _known(con, table, scope)
    frame = db.query(
        con,
        """
        SELECT column_name, data_type, is_nullable = 'YES' AS nullable
        FROM information_schema.columns
        WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = $table
        ORDER BY ordinal_position""",
        {"table": table},
    )
    frame["meaning_zh"] = [COLUMN_NOTES.get((table, c), ("—", "—"))[0] for c in frame["column_name"]]
    frame["meaning_en"] = [COLUMN_NOTES.get((table, c), ("—", "—"))[1] for c in frame["column_name"]]
    return frame


def sample(con: duckdb.DuckDBPyConnection, table: str, *, n: int = 20, scope: Scope | None = None) -> pd.DataFrame:
    """The first `n` rows of `table` (in storage order), personal data masked; a secretary's scope
    sees only the own community's rows of tables that have a community_id, a town's scope its town's."""
    _known(con, table, scope)
    names = columns(con, table, scope=scope)["column_name"].tolist()
    hidden = readable.hidden_columns(table, scope)
    select = ", ".join(
        f"{MASKED_COLUMNS[(table, c)]} AS {_ident(c)}"
        if (table, c) in MASKED_COLUMNS
        else f"NULL AS {_ident(c)}"
        if c in hidden
        else _ident(c)
        for c in names
    )
    in_scope = community_predicate(scope) if "community_id" in names else Sql("TRUE")
    query = Sql.compose(
        "SELECT {columns} FROM {table} WHERE {in_scope} AND ({in_town}) LIMIT $n",
        columns=select,
        table=_ident(table),
        in_scope=in_scope,
        in_town=readable.town_rows(table, names, scope),
    )
    return db.query(con, query.bind(n=int(n)))


def _known(con: duckdb.DuckDBPyConnection, table: str, scope: Scope | None = None) -> None:
    """`table` must be a table or view of the database that `scope` may read (analytics.explore.readable):
    names are checked before they reach SQL."""
    if not readable.may_read(table, scope):
        raise AccessDenied(msg("err.catalog.hidden_table", table=table))
    names = set(
        db.query(
            con,
            """
        SELECT table_name FROM information_schema.tables
        WHERE table_catalog = current_database() AND table_schema = 'main'""",
        )["table_name"]
    )
    if table not in names:
        raise KeyError(f"no table or view named {table!r}")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(name: str) -> str:
    return name.replace("'", "''")
