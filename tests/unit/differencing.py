"""An attacker who tries to recover suppressed counts: she knows every cell a table shows, every
margin of it (the total of each line along each dimension, which other tables publish), how counts add
up within a row, that counts are never negative, and that a shown rate times its denominator is its
numerator. For each hidden count she asks a linear program for its smallest and largest possible value;
a count is recovered when the two meet."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linprog


def ranges(
    truth: pd.DataFrame,
    shown: pd.DataFrame,
    *,
    keys: list[str],
    counts: list[str],
    identities=(),
    rates: dict[str, tuple[tuple[str, ...], str]] | None = None,
    targets: list[tuple[int, str]],
) -> dict[tuple[int, str], tuple[float, float]]:
    """(lowest, highest) value of each target cell (row position, count column) the attacker can prove."""
    n, m = len(truth), len(counts)

    def var(row: int, column: str) -> int:
        return row * m + counts.index(column)

    rows_eq, rhs = [], []

    def equation(coefficients: dict[int, float], value: float) -> None:
        row = np.zeros(n * m)
        for index, c in coefficients.items():
            row[index] += c
        rows_eq.append(row)
        rhs.append(value)

    truth = truth.reset_index(drop=True)
    shown = shown.reset_index(drop=True)
    for r in range(n):
        for column in counts:
            if column in shown.columns and pd.notna(shown.loc[r, column]):
                equation({var(r, column): 1.0}, float(shown.loc[r, column]))
        for total, parts in identities:
            if total in counts and all(p in counts for p in parts):
                equation({var(r, total): 1.0, **{var(r, p): -1.0 for p in parts}}, 0.0)
        for rate, (numerator, denominator) in (rates or {}).items():
            if rate in shown.columns and pd.notna(shown.loc[r, rate]):
                coefficients = {var(r, p): 1.0 for p in numerator}
                coefficients[var(r, denominator)] = coefficients.get(var(r, denominator), 0.0) - float(
                    shown.loc[r, rate]
                )
                equation(coefficients, 0.0)
    for key in keys:
        others = [k for k in keys if k != key]
        labels = truth[others].astype(str).agg("|".join, axis=1) if others else pd.Series("", index=truth.index)
        for _, group in truth.groupby(labels):
            for column in counts:
                equation({var(r, column): 1.0 for r in group.index}, float(group[column].sum()))
    a_eq, b_eq = np.array(rows_eq), np.array(rhs)
    found = {}
    for row, column in targets:
        objective = np.zeros(n * m)
        objective[var(row, column)] = 1.0
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert low.status == 0 and high.status == 0, (low.message, high.message)
        found[(row, column)] = (low.fun, -high.fun)
    return found
