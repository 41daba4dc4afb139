"""Comparing the derived tables two refreshes wrote (the agreement of the Spark and DuckDB engines)."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb

from analytics.lake import derive

FLOAT_TOLERANCE = 1e-9


def differences(a: Path, b: Path) -> list[str]:
    """Every derived table of folder `a` against `b`: the same rows (town included), integers and
    text equal, floats to FLOAT_TOLERANCE (relative for large values). An empty list: they agree."""
    found = []
    con = duckdb.connect()
    for table, shape in derive.columns().items():
        floats = [n for n, t in shape if t == "DOUBLE"]
        exact = [n for n, t in shape if t != "DOUBLE"] + ["town"]
        order = ", ".join([*exact, *floats])
        sides = []
        for folder in (a, b):
            if not any((folder / table).glob("town=*/*.parquet")):
                sides.append([])
                continue
            sides.append(
                con.execute(f"SELECT {order} FROM {derive.read_derived(folder, table)} ORDER BY {order}").fetchall()
            )
        left, right = sides
        if len(left) != len(right):
            found.append(f"{table}: {len(left)} rows against {len(right)}")
            continue
        for x, y in zip(left, right):
            cut = len(exact)
            if x[:cut] != y[:cut] or not all(_close(p, q) for p, q in zip(x[cut:], y[cut:])):
                found.append(f"{table}: {x} against {y}")
                break
    return found


def _close(p: float | None, q: float | None) -> bool:
    if p is None or q is None:
        return p is q
    return math.isclose(p, q, rel_tol=FLOAT_TOLERANCE, abs_tol=FLOAT_TOLERANCE)
