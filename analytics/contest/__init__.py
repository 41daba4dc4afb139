"""The secretaries' contest (书记擂台): scoring a round fairly, the judges' panel, and the stage against the
year's work.

    analytics.contest.ranking(con, "R2024", method="trimmed_mean")

Modules: scoring (weighted totals, the three combining methods, bootstrap intervals, stored rankings),
work (a round's stage score beside the twelve months of grid work before it, stored per round), panel
(how the judges agree and how lenient each is). The panel is imported as analytics.contest.panel, not
through this facade: its statistics bring scipy, and the importer's parse workers, which load this
package through analytics.refresh, must not (see tests/unit/test_architecture.py).
"""

from analytics.contest.scoring import (
    METHODS,
    TRIM_MIN_JUDGES,
    compare_methods,
    competition_ranks,
    criteria,
    effective_weights,
    method_ranking,
    missing_scores,
    rank_history,
    ranking,
    rankings_current,
    round_results,
    round_window,
    rounds,
    store_rankings,
)
from analytics.contest.work import (
    StageWork,
    stage_and_match,
    stage_vs_work,
    stage_work_match,
    store_record,
    work_match,
)

__all__ = [
    "METHODS",
    "TRIM_MIN_JUDGES",
    "StageWork",
    "compare_methods",
    "competition_ranks",
    "criteria",
    "effective_weights",
    "method_ranking",
    "missing_scores",
    "rank_history",
    "ranking",
    "rankings_current",
    "round_results",
    "round_window",
    "rounds",
    "stage_and_match",
    "stage_vs_work",
    "stage_work_match",
    "store_rankings",
    "store_record",
    "work_match",
]
