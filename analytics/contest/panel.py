"""The judges of a contest round and the criteria profile of its entries.

- `judge_matrix`: every entry × judge cell with the judge's weighted total (as defined in
  analytics.contest) and its deviation from the mean of the other judges on the same entry.
- `judge_leniency`: per judge, the mean of those deviations (+ means more generous than the rest of
  the panel on the same entries), and how widely the judge spreads totals.
- `agreement`: Kendall's coefficient of concordance W with the correction for ties, on the entries that
  every judge of the panel has a total for (an entry a judge missed is left out rather than imputed),
  with the chi-square test of W = 0 and a plain-language level (Schmidt 1997: ≥0.7 strong,
  ≥0.5 moderate, ≥0.3 weak, below that very weak).
- `criterion_profile`: per entry and criterion, the mean score of the judges who scored it, beside the
  round's average of those entry means (the radar chart).

Averages are rounded to 9 decimals so that repeated runs return identical numbers (DuckDB adds
floating-point numbers in the order its threads finish).

Judges are named by role only: `judge_no` (1, 2, … in judge_id order within the round) and `judge_kind`.
Rows about single entries are limited to the communities the scope may read in detail; the judges'
leniency and the panel's agreement are about judges, not communities, and use every entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import pandas as pd
from scipy.special import chdtrc

from analytics.contest.scoring import criteria, effective_weights, totals_ctes
from analytics.core import connection as db
from analytics.core.scope import Scope, community_predicate
from analytics.core.sql import Sql

AGREEMENT_LEVELS = ((0.7, "strong"), (0.5, "moderate"), (0.3, "weak"), (0.0, "very_weak"))


def _prepared(
    con: duckdb.DuckDBPyConnection,
    round_id: str,
    weights: Mapping[str, float] | None,
    partial: str,
    scope: Scope | None,
) -> Sql:
    # criteria() refuses a round of another town than the scope's
    table = effective_weights(criteria(con, round_id, scope=scope), weights)
    return totals_ctes(table, partial).bind(round_id=round_id)


_DEVIATIONS = """,
        entry_totals AS (
            SELECT entry_id, sum(total) AS total_sum, count(total) AS judges FROM totals GROUP BY ALL
        ),
        cells AS (
            SELECT e.entry_id, e.entry_no, e.community_id, e.label, p.judge_id, p.judge_no, j.kind AS judge_kind,
                   coalesce(t.criteria_scored, 0) AS criteria_scored, t.total,
                   round(t.total - (x.total_sum - t.total) / nullif(x.judges - 1, 0), 9) AS deviation
            FROM labelled e CROSS JOIN panel p
            LEFT JOIN totals t USING (entry_id, judge_id)
            LEFT JOIN entry_totals x USING (entry_id)
            LEFT JOIN judges j USING (judge_id)
        )"""


def judge_matrix(
    con: duckdb.DuckDBPyConnection,
    round_id: str,
    weights: Mapping[str, float] | None = None,
    *,
    partial: str = "rescale",
    scope: Scope | None = None,
) -> pd.DataFrame:
    """A row per entry × judge of the panel: entry_id, entry_no, community_id, label, judge_id, judge_no,
    judge_kind, criteria_scored, total (NaN where the judge has no total), deviation (total minus the
    mean of the other judges' totals for that entry)."""
    query = Sql.compose(
        """{totals}{deviations}
        SELECT * FROM cells WHERE {in_scope} ORDER BY entry_no, judge_no""",
        totals=_prepared(con, round_id, weights, partial, scope),
        deviations=_DEVIATIONS,
        in_scope=community_predicate(scope, "community_id", "scope_community"),
    )
    return db.query(con, query)


def judge_leniency(
    con: duckdb.DuckDBPyConnection,
    round_id: str,
    weights: Mapping[str, float] | None = None,
    *,
    partial: str = "rescale",
    scope: Scope | None = None,
) -> pd.DataFrame:
    """A row per judge: judge_id, judge_no, judge_kind, entries_scored, mean_total, leniency (mean
    deviation from the other judges on the same entries, in points), spread (standard deviation of the
    judge's totals)."""
    query = Sql.compose(
        """{totals}{deviations},
        final AS (
            SELECT judge_id, judge_no, judge_kind, count(total) AS entries_scored,
                   round(avg(total), 9) AS mean_total, round(avg(deviation), 9) AS leniency,
                   round(stddev_pop(total), 9) AS spread
            FROM cells
            GROUP BY ALL
        )
        SELECT * FROM final ORDER BY judge_no""",
        totals=_prepared(con, round_id, weights, partial, scope),
        deviations=_DEVIATIONS,
    )
    return db.query(con, query)


@dataclass(frozen=True)
class Agreement:
    """Kendall's W of a round's panel. `level` is None when there is too little to judge."""

    kendall_w: float
    chi_square: float
    p_value: float
    judges: int
    entries: int
    entries_left_out: int
    level: str | None


def agreement(
    con: duckdb.DuckDBPyConnection,
    round_id: str,
    weights: Mapping[str, float] | None = None,
    *,
    partial: str = "rescale",
    scope: Scope | None = None,
) -> Agreement:
    """How far the judges agree on the order of the entries (Kendall's W, tie-corrected)."""
    query = Sql.compose(
        """{totals},
        complete AS (
            SELECT entry_id FROM totals WHERE total IS NOT NULL
            GROUP BY ALL HAVING count(*) = (SELECT count(*) FROM panel)
        ),
        ranked AS (
            SELECT judge_id, entry_id,
                   rank() OVER (PARTITION BY judge_id ORDER BY round(total, 6))
                       + (count(*) OVER (PARTITION BY judge_id, round(total, 6)) - 1) / 2.0 AS judge_rank,
                   count(*) OVER (PARTITION BY judge_id, round(total, 6)) AS tied
            FROM totals
            WHERE entry_id IN (SELECT entry_id FROM complete)
        ),
        rank_sums AS (
            SELECT entry_id, sum(judge_rank) AS rank_sum FROM ranked GROUP BY ALL
        ),
        final AS (
            SELECT (SELECT count(*) FROM panel) AS judges,
                   (SELECT count(*) FROM complete) AS entries,
                   (SELECT count(*) FROM labelled) AS all_entries,
                   (SELECT sum(power(rank_sum - (SELECT avg(rank_sum) FROM rank_sums), 2)) FROM rank_sums)
                       AS deviation_squares,
                   -- Σ over tie groups of (t³ − t) equals Σ over the tied rows of (t² − 1)
                   (SELECT coalesce(sum(tied * tied - 1), 0) FROM ranked) AS tie_term
        )
        SELECT * FROM final""",
        totals=_prepared(con, round_id, weights, partial, scope),
    )
    row = db.query(con, query).iloc[0]
    m, n = int(row["judges"]), int(row["entries"])
    left_out = int(row["all_entries"]) - n
    denominator = m * m * (n**3 - n) - m * float(row["tie_term"])
    if m < 2 or n < 2 or denominator <= 0:
        return Agreement(float("nan"), float("nan"), float("nan"), m, n, left_out, None)
    w = 12 * float(row["deviation_squares"]) / denominator
    chi_square = m * (n - 1) * w
    p_value = float(chdtrc(n - 1, chi_square))  # chi2.sf without importing scipy.stats
    level = next(name for bound, name in AGREEMENT_LEVELS if w >= bound)
    return Agreement(w, chi_square, p_value, m, n, left_out, level)


def criterion_profile(con: duckdb.DuckDBPyConnection, round_id: str, *, scope: Scope | None = None) -> pd.DataFrame:
    """A row per entry × criterion: entry_id, entry_no, community_id, label, criterion_id, criterion,
    max_score, weight, entry_mean (mean over the judges who scored it), judges, round_mean (mean of the
    round's entry means)."""
    query = Sql.compose(
        """{totals},
        entry_criteria AS (
            SELECT entry_id, criterion_id, round(avg(score), 9) AS entry_mean, count(*) AS judges
            FROM scores GROUP BY ALL
        ),
        round_criteria AS (
            SELECT criterion_id, round(avg(entry_mean), 9) AS round_mean FROM entry_criteria GROUP BY ALL
        ),
        final AS (
            SELECT e.entry_id, e.entry_no, e.community_id, e.label, c.criterion_id, c.name AS criterion,
                   c.max_score, c.weight, x.entry_mean, coalesce(x.judges, 0) AS judges, r.round_mean
            FROM labelled e
            CROSS JOIN (SELECT * FROM contest_criteria WHERE round_id = $round_id) c
            LEFT JOIN entry_criteria x ON x.entry_id = e.entry_id AND x.criterion_id = c.criterion_id
            LEFT JOIN round_criteria r ON r.criterion_id = c.criterion_id
            WHERE {in_scope}
        )
        SELECT * FROM final ORDER BY entry_no, criterion_id""",
        totals=_prepared(con, round_id, None, "rescale", scope),
        in_scope=community_predicate(scope, "e.community_id", "scope_community"),
    )
    return db.query(con, query)
