"""The secretaries' contest (书记擂台): scoring a round fairly, the judges' panel, and the stage against the
year's work.

    analytics.contest.ranking(con, "R2024", method="trimmed_mean")

Modules: scoring (weighted totals, the three combining methods, bootstrap intervals, stored rankings),
panel (how the judges agree and how lenient each is), work (a round's stage score beside the twelve
months of grid work before it, stored per round).
"""

from analytics.contest.panel import (
    Agreement,
    agreement,
    criterion_profile,
    judge_leniency,
    judge_matrix,
)
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
    "Agreement",
    "StageWork",
    "agreement",
    "compare_methods",
    "competition_ranks",
    "criteria",
    "criterion_profile",
    "effective_weights",
    "judge_leniency",
    "judge_matrix",
    "method_ranking",
    "missing_scores",
    "rank_history",
    "ranking",
    "rankings_current",
    "round_window",
    "rounds",
    "stage_and_match",
    "stage_vs_work",
    "stage_work_match",
    "store_rankings",
    "store_record",
    "work_match",
]
