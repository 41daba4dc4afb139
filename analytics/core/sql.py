"""SQL in pieces that can be read, composed and printed.

A query is built from fragments — a WHERE condition from the filters, the rows a query reads from the
rollups, a CTE of scored totals — each with the values it binds under its own names:

    where = filters.where(date_col="k.day", prefix="f")          # Sql("k.day >= $f_start AND …", {…})
    query = Sql.compose(
        "SELECT grid_id, count(*) AS cases FROM grid_cases k WHERE {where} GROUP BY ALL", where=where)
    query.printable()        # the same query with its values written in, runnable in the console

Composition merges the bound values and refuses a name bound to two different values
(`ParamCollision`): two fragments that picked the same prefix can no longer silently overwrite each
other's dates. The same name bound to the same value (the viewer's community in two predicates) is fine.

analytics.core.connection.query (and scalar, execute) runs a fragment as it is, and `capture_sql()`
records what ran as fragments, so a test or the console prints any query with its values. A fragment
still unpacks as the pair it used to be (`sql, params = fragment`).
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

_TOKENS = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|/\*.*?\*/|\$([A-Za-z_]\w*)|\$(\d+)|\?""", re.DOTALL)
# {{ and }} are literal braces; {name} a piece (one pass, so a piece's own text is never read again)
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_]\w*)\}")


class ParamCollision(ValueError):
    """Two fragments of one query bind the same name to different values."""


def merge_params(*groups: Mapping[str, Any] | list[Any]) -> dict[str, Any]:
    """The union of bound values; a name bound to two different values raises ParamCollision."""
    merged: dict[str, Any] = {}
    for group in groups:
        if not isinstance(group, Mapping):
            raise TypeError("positional values ($1, ?) do not compose: bind them by name")
        for name, value in group.items():
            if name in merged and not _same(merged[name], value):
                raise ParamCollision(f"${name} is bound to {merged[name]!r} and to {value!r}")
            merged[name] = value
    return merged


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b) and type(a) is type(b)
    except (TypeError, ValueError):  # arrays compare element-wise
        return a is b


@dataclass(frozen=True)
class Sql:
    """A piece of SQL and the values it binds ($name). A list of positional values ($1, ?) is held
    only as analytics.core.connection records a query run with them; such a piece does not compose."""

    text: str
    params: Mapping[str, Any] | list[Any] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Any]:
        yield self.text
        yield dict(self.params) if isinstance(self.params, Mapping) else list(self.params)

    def __getitem__(self, index: int) -> Any:
        """`piece[0]`, `piece[1]`: the text and the values, as the (sql, params) pair it replaces."""
        return tuple(self)[index]

    def __str__(self) -> str:
        return self.text

    @classmethod
    def compose(cls, template: str, /, **pieces: Sql | str) -> Sql:
        """`template` with each {name} replaced by the text of `pieces[name]` (a fragment, or a plain
        string of SQL that binds nothing), the fragments' values merged (checked). Literal braces in the
        template are written {{ and }}."""
        used: list[Mapping[str, Any] | list[Any]] = []

        def put(match: re.Match[str]) -> str:
            if match.group(1) is None:
                return match.group(0)[0]
            piece = pieces[match.group(1)]
            if isinstance(piece, Sql):
                used.append(piece.params)
                return piece.text
            return piece

        missing = set(_PLACEHOLDER.findall(template)) - set(pieces) - {""}
        if missing:
            raise KeyError(f"no fragment for {sorted(missing)}")
        text = _PLACEHOLDER.sub(put, template)
        return cls(text, merge_params(*used))

    @classmethod
    def join(cls, parts: Iterable[Sql | str], separator: str = " AND ", *, empty: str = "TRUE") -> Sql:
        """The parts one after another with `separator` between (`empty` when there are none)."""
        parts = list(parts)
        texts = [p.text if isinstance(p, Sql) else p for p in parts]
        return cls(separator.join(texts) or empty, merge_params(*(p.params for p in parts if isinstance(p, Sql))))

    def bind(self, **values: Any) -> Sql:
        """The same text with more bound values (checked against those it has)."""
        return Sql(self.text, merge_params(self.params, values))

    def printable(self) -> str:
        """The query with its values written in as literals, tidied: what "查看SQL" shows."""
        return tidy_sql(inline_params(self.text, self.params))


def sql_literal(value: Any) -> str:
    """A Python value as a DuckDB literal."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | decimal.Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f"'{value}'::DOUBLE"
    if isinstance(value, dt.datetime | pd.Timestamp):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return "[" + ", ".join(sql_literal(v) for v in items) + "]"
    return "'" + str(value).replace("'", "''") + "'"


def inline_params(sql: str, params: Mapping[str, Any] | list[Any] | tuple[Any, ...] | None) -> str:
    """`sql` with its bound parameters ($name, $1, ?) written in as literals: the same query, runnable
    as it stands in the console. Quoted strings and comments are left alone."""
    if not params:
        return sql
    positional = iter(params) if isinstance(params, list | tuple) else iter(())

    def replace(match: re.Match[str]) -> str:
        text = match.group(0)
        if match.group(1) is not None and isinstance(params, Mapping):
            return sql_literal(params[match.group(1)]) if match.group(1) in params else text
        if match.group(2) is not None and isinstance(params, list | tuple):
            return sql_literal(params[int(match.group(2)) - 1])
        if text == "?":
            return sql_literal(next(positional))
        return text

    return _TOKENS.sub(replace, sql)


def tidy_sql(sql: str) -> str:
    """`sql` without the common indentation of a Python string literal and surrounding blank lines."""
    lines = sql.strip("\n").splitlines()
    indents = [len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()]
    cut = min(indents, default=0)
    body = [lines[0].strip()] + [line[cut:] if len(line) >= cut else line.strip() for line in lines[1:]]
    return "\n".join(body).strip()
