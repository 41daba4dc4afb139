"""Small-count suppression with complementary suppression, as statistical offices do it.

A table of counts is published with its margins: whatever a page leaves out, the reader can get the
total of a row or a column from another page, another pivot or the same table without one of its
dimensions. Hiding a small cell alone therefore hides nothing: total minus the cells shown gives it
back. So, after the primary suppression (a count of disputes from 1 to SMALL_COUNT - 1), every line
that holds a hidden cell — the cells along one dimension with the other dimensions fixed, and the
parts of a total within a row (cases = closed + open …) — gets more cells hidden, the smallest first,
until it holds at least two hidden cells whose sum is at least SMALL_COUNT (or no cell is left to
hide). A newly hidden cell lies on other lines in turn, so this repeats until nothing changes.

What this cannot do: two tables chosen so that their difference is one small cell (all cases minus
all cases but disputes, say) each look harmless. The pivot and the pages only offer tables of a fixed
shape; the SQL console offers any table at all (see the README, "Roles and privacy").
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

SMALL_COUNT = 5


def hidden_cells(
    counts: pd.DataFrame,
    sensitive: pd.Series,
    *,
    keys: Sequence[str] = (),
    basis: str | None = None,
    identities: Iterable[tuple[str, Sequence[str]]] = (),
    small: int = SMALL_COUNT,
) -> pd.DataFrame:
    """Which cells of `counts` (rows × additive count columns, integers) to hide: a frame of booleans
    of the same shape.

    `sensitive` marks the rows whose small counts are primary suppressions (the dispute rows);
    `basis` is the count of a row's cases: a sensitive row whose basis is small is hidden whole, its
    zeros included. `keys` are the columns of `counts` that are dimensions (lines run along each of
    them); `identities` pairs a total column with its parts within a row."""
    keys = [k for k in keys if k in counts.columns]
    columns = [c for c in counts.columns if c not in keys]
    at = {c: n for n, c in enumerate(columns)}
    values = counts[columns].fillna(0).to_numpy(dtype="int64").reshape(len(counts), len(columns))
    flags = sensitive.reindex(counts.index, fill_value=False).to_numpy(dtype=bool)
    hidden = flags[:, None] & (values >= 1) & (values < small)
    if basis is not None and basis in at:
        hidden[flags & (values[:, at[basis]] < small), :] = True
    rules = [(at[total], [at[p] for p in parts if p in at]) for total, parts in identities if total in at]
    lines = _lines(counts, keys)
    members = _members(lines, len(counts))
    line_of = {id(line): n for n, line in enumerate(lines)}

    # A work list: a line (of one column) or a row is looked at again only when a cell on it was hidden.
    todo: deque[tuple[str, int, int | None]] = deque()
    waiting: set[tuple[str, int, int | None]] = set()

    def enqueue(row: int, col: int) -> None:
        for item in [("line", line_of[id(line)], col) for line in members[row]] + [("row", row, None)]:
            if item not in waiting:
                waiting.add(item)
                todo.append(item)

    for row, col in zip(*np.nonzero(hidden)):
        enqueue(int(row), int(col))
    while todo:
        item = todo.popleft()
        waiting.discard(item)
        kind, where, col = item
        added: list[tuple[int, int]] = []
        if kind == "line":
            assert col is not None  # a line is always of one column (see enqueue)
            added = _protect(hidden, values, col, lines[where], small)
        else:
            for total, parts in rules:
                added += _protect_identity(hidden, values, members, where, total, parts, small)
        for row, column in added:
            enqueue(row, column)
    return pd.DataFrame(hidden, index=counts.index, columns=columns)


def _lines(counts: pd.DataFrame, keys: list[str]) -> list[np.ndarray]:
    """The positions of the rows of each line: for each key, the rows that agree on every other key."""
    lines = []
    for key in keys:
        others = [k for k in keys if k != key]
        if not others:
            labels = np.zeros(len(counts), dtype="int64")
        else:
            labels = pd.MultiIndex.from_frame(counts[others].astype(str)).factorize()[0]
        for label in np.unique(labels):
            rows = np.flatnonzero(labels == label)
            if len(rows) > 1:
                lines.append(rows)
    return lines


def _members(lines: list[np.ndarray], n: int) -> list[list[np.ndarray]]:
    """For each row, the lines it lies on."""
    members: list[list[np.ndarray]] = [[] for _ in range(n)]
    for line in lines:
        for row in line:
            members[row].append(line)
    return members


def _coverable(values: np.ndarray, lines: list[np.ndarray], row: int, col: int) -> bool:
    """A cell can cover another only if each of its own lines holds another non-zero cell to hide
    with it; else the margin gives it back and the cover with it."""
    return all(((values[line, col] > 0) & (line != row)).any() for line in lines)


def _protect(hidden: np.ndarray, values: np.ndarray, col: int, line: np.ndarray, small: int) -> list[tuple[int, int]]:
    """Hide more cells of column `col` on `line` until its hidden cells cannot be told apart: at least
    two non-zero ones summing to `small` or more. Zeros are no cover (a count is never negative, so a
    zero beside a known total is known), and a line whose hidden cells are all zero needs none.
    Returns the cells it hid."""
    added: list[tuple[int, int]] = []
    while True:
        amounts, mask = values[line, col], hidden[line, col]
        chosen = amounts[mask & (amounts > 0)]
        if chosen.size == 0 or (chosen.size >= 2 and chosen.sum() >= small):
            return added
        candidates = np.flatnonzero(~mask & (amounts > 0))
        if candidates.size == 0:
            return added
        pick = int(line[candidates[np.argmin(amounts[candidates])]])  # the smallest: least is lost
        hidden[pick, col] = True
        added.append((pick, col))


def _protect_identity(
    hidden: np.ndarray,
    values: np.ndarray,
    members: list[list[np.ndarray]],
    row: int,
    total: int,
    parts: list[int],
    small: int,
) -> list[tuple[int, int]]:
    """Within a row, total = sum of parts: a hidden cell among them must not follow from the others.
    Returns the cells it hid."""
    added: list[tuple[int, int]] = []
    while parts:
        amounts, flags = values[row], hidden[row]
        hidden_parts = [p for p in parts if flags[p] and amounts[p] > 0]
        shown_parts = [p for p in parts if not flags[p] and amounts[p] > 0]
        if flags[total]:
            if amounts[total] == 0 or hidden_parts or not shown_parts:
                return added
        elif not hidden_parts or (len(hidden_parts) >= 2 and amounts[hidden_parts].sum() >= small):
            return added
        # The smallest part that can itself be covered on its lines; else the row's total (or, that
        # being hidden already, the smallest part even so).
        order = sorted(shown_parts, key=lambda p: amounts[p])
        cover = [p for p in order if _coverable(values, members[row], row, p)]
        pick = cover[0] if cover else (order[0] if flags[total] else total)
        hidden[row, pick] = True
        added.append((row, pick))
    return added


def suppress(
    frame: pd.DataFrame,
    sensitive: pd.Series,
    *,
    counts: Sequence[str],
    keys: Sequence[str] = (),
    basis: str | None = None,
    identities: Iterable[tuple[str, Sequence[str]]] = (),
    derived: Mapping[str, Sequence[str]] | None = None,
    extra: pd.DataFrame | None = None,
    small: int = SMALL_COUNT,
) -> pd.DataFrame:
    """`frame` with its hidden cells blank (NaN): the count columns by `hidden_cells`; a column of
    `derived` (a rate, a share, a mean, a per-1,000 figure) wherever one of the counts it is computed
    from is hidden, since it gives them back (a rate times its denominator is its numerator); every
    number of a sensitive row whose basis is small. `extra` holds counts that decide what is hidden
    without being shown (a rate's numerator), aligned with `frame`'s index."""
    keys = [k for k in keys if k in frame.columns]
    table = frame[keys + [c for c in counts if c in frame.columns]]
    if extra is not None:
        table = table.join(extra[[c for c in extra.columns if c not in table.columns]])
    hidden = hidden_cells(table, sensitive, keys=keys, basis=basis, identities=identities, small=small)
    counts = [c for c in counts if c in frame.columns]
    out = frame.copy()
    numeric = [
        c
        for c in out.columns
        if c not in keys and pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c])
    ]
    out[numeric] = out[numeric].astype("float64")
    for column in counts:
        out.loc[hidden[column], column] = float("nan")
    for column, sources in (derived or {}).items():
        if column in out.columns:
            depends = [s for s in sources if s in hidden.columns]
            if depends:
                out.loc[hidden[depends].any(axis=1), column] = float("nan")
    if basis is not None and basis in table.columns:
        whole = sensitive.reindex(frame.index, fill_value=False).astype(bool) & (table[basis].fillna(0) < small)
        out.loc[whole, numeric] = float("nan")
    return out
