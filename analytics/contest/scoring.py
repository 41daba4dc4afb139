"""The secretaries' contest (书记擂台): a ranking leaders can defend, with its uncertainty.

How an entry's score is formed (docs/design.md, "contest score of an entry"):

1. A judge's weighted total for an entry is Σ weight × score over the round's criteria. `weights`
   overrides the criteria weights for a what-if ranking; the override is rescaled to the round's own
   weight total, so only the relative importance changes and scores stay on the round's scale.
2. A missing score is missing, never zero. A judge who scored an entry on some criteria but not all
   (a torn sheet) has, by default (`partial="rescale"`), the total Σ w×s × (Σ all weights ÷ Σ weights of
   the criteria scored): the weighted average of what that judge did score, on the full scale.
   `partial="drop"` drops that judge's total for the entry instead. A judge who did not score an entry
   at all simply does not count for it. `missing_scores` says how many judge×criterion cells are empty.
3. The judges' totals are combined per entry by the method:
   - `mean`: the mean of the totals;
   - `trimmed_mean`: with at least five totals, drop one highest and one lowest (去掉一个最高分、一个最低分)
     and take the mean of the rest; with fewer, the mean;
   - `judge_standardised`: each judge's totals become z-scores across the entries that judge scored
     (population standard deviation), the z-scores are averaged per entry, and the average is mapped
     back onto the score scale as centre + spread × z̄, where centre is the mean of the judges' own mean
     totals and spread the root mean square of their standard deviations. A lenient or strict judge (a
     shift) or a judge who spreads scores wide (a stretch) then weighs the same as any other. A judge
     whose totals are all equal, or who scored a single entry, carries no ranking information and is
     left out of this method.
4. Ranks are competition ranks (1, 2, 2, 4) on scores rounded to 6 decimals, so floating-point noise never
   splits a tie. Entries no judge scored get no score and no rank. Totals and scores are rounded to 9
   decimals: DuckDB adds floating-point numbers in whatever order its threads finish, and the rounding
   makes repeated runs return identical numbers (far below any difference a score sheet can make).
5. The rank interval is a bootstrap over judges: the panel is resampled with replacement (2,000 times by
   default, fixed seed, so the same data always gives the same interval), every entry is scored and
   ranked in each resample by the same method, and rank_low / rank_high are the 2.5% and 97.5% order
   statistics of its ranks (rounded outward), widened if needed to contain the observed rank.

The judges' totals and the method scores are aggregated in DuckDB; only the bootstrap runs in numpy, on
the small judge × entry matrix of totals.

Stored rankings (issue 11): scoring a round takes two queries and 2,000 resampled panels per method,
~0.1–0.3 s, on every view of the contest page, the showcase and the stage-vs-work comparison. So
`store_rankings` (run by analytics.refresh.refresh after the demo build, every import and every undo)
scores every round with its own weights and `partial="rescale"` into rollup_contest_rankings, and the
public functions read them — one query, names joined as they are now — whenever the question is that
one (no other weights, rule or seed), a fingerprint of the contest tables' contents still equals the one
stored with them and they were stored by this VERSION of the scoring code. Anything else, or a
warehouse that reads the raw tables only (analytics.warehouse.source), is scored as above; the tests
check both give identical frames.

Contest results (scores and ranks) are public: every role reads the whole ranking. Functions that show
judges' sheets for single entries restrict those rows to the communities a scope may read in detail.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Iterable, Mapping

import duckdb
import numpy as np
import pandas as pd

from analytics.core import connection as db
from analytics.core.errors import AccessDenied, DataError
from analytics.core.scope import Scope, community_predicate, round_predicate
from analytics.core.sql import Sql
from analytics.warehouse import source
from words import listing, msg

METHODS = ("mean", "trimmed_mean", "judge_standardised")
PARTIAL_RULES = ("rescale", "drop")
TRIM_MIN_JUDGES = 5
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_MIN_RESAMPLES = 1000
BOOTSTRAP_SEED = 20221105  # the day the 美好社区·幸福家园 action started
INTERVAL = (0.025, 0.975)
TIE_DECIMALS = 6
HISTORY_COLUMNS = [
    "community_id",
    "community_name",
    "short_name",
    "round_id",
    "round_name",
    "held_on",
    "entries_in_round",
    "score",
    "rank",
    "rounds_entered",
    "previous_rank",
    "previous_entries",
]

_SCORE_COLUMN = {"mean": "mean_score", "trimmed_mean": "trimmed_score", "judge_standardised": "standardised_score"}


# --- the round, its criteria and the weights -----------------------------------------------------


def rounds(con: duckdb.DuckDBPyConnection, *, scope: Scope | None = None) -> pd.DataFrame:
    """A row per round of the scope's town, newest first: round_id, name, held_on, entries, judges."""
    sql = Sql.compose(
        """
        WITH entries AS (
            SELECT round_id, count(*) AS entries FROM contest_entries GROUP BY ALL
        ),
        panel AS (
            SELECT round_id, count(DISTINCT judge_id) AS judges FROM contest_scores GROUP BY ALL
        ),
        final AS (
            SELECT r.round_id, r.name, r.held_on, coalesce(e.entries, 0) AS entries,
                   coalesce(p.judges, 0) AS judges
            FROM contest_rounds r LEFT JOIN entries e USING (round_id) LEFT JOIN panel p USING (round_id)
            WHERE {mine}
        )
        SELECT * FROM final ORDER BY held_on DESC, round_id""",
        mine=round_predicate(scope, "r.round_id"),
    )
    return db.query(con, *sql)


def criteria(con: duckdb.DuckDBPyConnection, round_id: str, *, scope: Scope | None = None) -> pd.DataFrame:
    """The round's criteria: criterion_id, name, weight, max_score (in criterion_id order). A round
    of another town than the scope's is refused like one that does not exist."""
    check_round(con, round_id, scope)
    return _criteria(con, round_id)


def check_round(con: duckdb.DuckDBPyConnection, round_id: str, scope: Scope | None) -> None:
    """Refuse a round the scope's town did not hold (its results are that town's to read)."""
    if scope is None or scope.restricted_town is None:
        return
    sql = Sql.compose(
        "SELECT count(*) FROM contest_rounds WHERE round_id = $round_id AND {mine}", mine=round_predicate(scope)
    ).bind(round_id=round_id)

    def held() -> bool:
        return bool(db.scalar(con, *sql))

    # asked once per page run (its warehouse remembers the answer), not by each call of the contest page
    town = scope.restricted_town
    seen = con.fresh(f"round {round_id} of {town}", held) if isinstance(con, source.Warehouse) else held()
    if not seen:
        raise AccessDenied(msg("err.contest.other_town", round=round_id))


def _criteria(con: duckdb.DuckDBPyConnection, round_id: str, in_transaction: bool = False) -> pd.DataFrame:
    frame = db.query(
        con,
        """
        SELECT criterion_id, name, weight, max_score FROM contest_criteria
        WHERE round_id = $round_id ORDER BY criterion_id""",
        {"round_id": round_id},
        in_transaction=in_transaction,
    )
    if frame.empty:
        known = db.scalar(
            con,
            "SELECT count(*) FROM contest_rounds WHERE round_id = $round_id",
            {"round_id": round_id},
            in_transaction=in_transaction,
        )
        if not known:
            raise DataError(msg("err.contest.unknown_round_import", round=round_id))
        raise DataError(msg("err.contest.no_criteria", round=round_id))
    return frame


def effective_weights(criteria_frame: pd.DataFrame, weights: Mapping[str, float] | Iterable | None) -> dict:
    """The weight of every criterion for this ranking: the round's own, or the override rescaled to the
    round's weight total (criteria the override does not name keep their own weight)."""
    own = dict(zip(criteria_frame["criterion_id"], criteria_frame["weight"].astype(float)))
    if weights is None:
        return own
    override = dict(weights.items() if isinstance(weights, Mapping) else weights)
    unknown = sorted(set(override) - set(own))
    if unknown:
        raise DataError(msg("err.contest.unknown_criteria", unknown=listing(map(str, unknown)), known=listing(own)))
    merged = {}
    for criterion, weight in {**own, **override}.items():
        try:
            value = float(weight)
        except (TypeError, ValueError) as exc:
            raise DataError(msg("err.contest.weight_not_number", criterion=criterion, weight=weight)) from exc
        if not math.isfinite(value) or value < 0:
            raise DataError(msg("err.contest.weight_negative", criterion=criterion, weight=weight))
        merged[criterion] = value
    total, own_total = sum(merged.values()), sum(own.values())
    if total <= 0:
        raise DataError(msg("err.contest.all_zero"))
    factor = (own_total / total) if own_total > 0 else 1.0
    return {criterion: weight * factor for criterion, weight in merged.items()}


def _entries_sql(where: str) -> str:
    """The CTEs `entries` and `labelled`: the entries of the rounds `where` selects (a condition on
    `e`, contest_entries) with their number in the round and their label (a community with two entries
    in a round gets 1号, 2号)."""
    return f"""entries AS (
            SELECT e.round_id, e.entry_id, e.community_id, c.name AS community_name,
                   coalesce(c.short_name, c.name) AS short_name, e.theme,
                   row_number() OVER (PARTITION BY e.round_id ORDER BY e.entry_id) AS entry_no,
                   count(*) OVER (PARTITION BY e.round_id, e.community_id) AS entries_of_community
            FROM contest_entries e JOIN communities c USING (community_id)
            WHERE {where}
        ),
        labelled AS (
            SELECT round_id, entry_id, community_id, community_name, short_name, theme, entry_no,
                   {_label_sql("short_name", "entry_no", "entries_of_community")} AS label
            FROM entries
        )"""


def _label_sql(short_name: str, entry_no: str, entries_of_community: str) -> str:
    """An entry's label: its community's short name, with 1号, 2号 when the community has several entries."""
    return (
        f"CASE WHEN {entries_of_community} > 1 THEN {short_name} || '·' || CAST({entry_no} AS VARCHAR) || '号'"
        f" ELSE {short_name} END"
    )


_ENTRIES_SQL = _entries_sql("e.round_id = $round_id")


def totals_ctes(weights: dict, partial: str) -> Sql:
    """The CTEs every contest query starts with: the round's entries and each judge's weighted total
    (binds $round_id: the caller's). Only generated parameter names are formatted into the SQL; every
    value is bound."""
    if partial not in PARTIAL_RULES:
        raise ValueError(f"partial must be one of {PARTIAL_RULES}, not {partial!r}")
    rows = Sql.join(
        (
            Sql(f"(CAST($wc{i} AS VARCHAR), CAST($ww{i} AS DOUBLE))", {f"wc{i}": criterion, f"ww{i}": weight})
            for i, (criterion, weight) in enumerate(weights.items())
        ),
        ", ",
        empty="",
    )
    template = """
        WITH weights (criterion_id, weight) AS (VALUES {rows}),
        {entries},
        scores AS (
            SELECT s.entry_id, s.judge_id, s.criterion_id, s.score, w.weight
            FROM contest_scores s JOIN weights w USING (criterion_id)
            WHERE s.round_id = $round_id
        ),
        panel AS (
            SELECT judge_id, row_number() OVER (ORDER BY length(judge_id), judge_id) AS judge_no
            FROM (SELECT DISTINCT judge_id FROM scores)
        ),
        sheets AS (
            SELECT entry_id, judge_id, count(*) AS criteria_scored,
                   sum(weight * score) AS weighted_sum, sum(weight) AS weight_scored
            FROM scores
            GROUP BY ALL
        ),
        totals AS (
            SELECT entry_id, judge_id, criteria_scored,
                   round(CASE WHEN criteria_scored = $criteria_count THEN weighted_sum
                              WHEN $rescale THEN weighted_sum * $weight_total / nullif(weight_scored, 0)
                         END, 9) AS total
            FROM sheets
        )"""
    return Sql.compose(template, rows=rows, entries=_ENTRIES_SQL).bind(
        criteria_count=len(weights), weight_total=float(sum(weights.values())), rescale=partial == "rescale"
    )


def _method_scores_sql() -> str:
    return """,
        per_entry AS (
            SELECT entry_id, count(total) AS judges_scored, avg(total) AS mean_score,
                   CASE WHEN count(total) >= $trim_min
                        THEN (sum(total) - max(total) - min(total)) / (count(total) - 2)
                        ELSE avg(total) END AS trimmed_score
            FROM totals
            GROUP BY ALL
        ),
        judge_scale AS (
            SELECT judge_id, avg(total) AS judge_mean, stddev_pop(total) AS judge_sd
            FROM totals WHERE total IS NOT NULL
            GROUP BY ALL
        ),
        standardised AS (
            SELECT t.entry_id, avg((t.total - j.judge_mean) / nullif(j.judge_sd, 0)) AS mean_z
            FROM totals t JOIN judge_scale j USING (judge_id)
            GROUP BY ALL
        ),
        panel_scale AS (
            SELECT avg(judge_mean) AS centre, sqrt(avg(judge_sd * judge_sd)) AS spread
            FROM judge_scale WHERE judge_sd > 0
        ),
        present AS (
            SELECT entry_id, count(*) AS scores_present FROM scores GROUP BY ALL
        ),
        scored AS (
            SELECT e.entry_id, e.entry_no, e.community_id, e.community_name, e.short_name, e.label, e.theme,
                   coalesce(p.judges_scored, 0) AS judges_scored,
                   (SELECT count(*) FROM panel) * $criteria_count - coalesce(n.scores_present, 0) AS missing_scores,
                   round(p.mean_score, 9) AS mean_score, round(p.trimmed_score, 9) AS trimmed_score,
                   round(s.centre + s.spread * z.mean_z, 9) AS standardised_score
            FROM labelled e
            LEFT JOIN per_entry p USING (entry_id)
            LEFT JOIN standardised z USING (entry_id)
            LEFT JOIN present n USING (entry_id)
            CROSS JOIN panel_scale s
        ),
        final AS (
            SELECT *,
                   CASE WHEN mean_score IS NOT NULL THEN rank() OVER (
                       ORDER BY round(mean_score, $tie_decimals) DESC NULLS LAST) END AS mean_rank,
                   CASE WHEN trimmed_score IS NOT NULL THEN rank() OVER (
                       ORDER BY round(trimmed_score, $tie_decimals) DESC NULLS LAST) END AS trimmed_rank,
                   CASE WHEN standardised_score IS NOT NULL THEN rank() OVER (
                       ORDER BY round(standardised_score, $tie_decimals) DESC NULLS LAST) END AS standardised_rank
            FROM scored
        )
        SELECT * FROM final ORDER BY entry_no"""


def _scores(
    con: duckdb.DuckDBPyConnection, round_id: str, table: dict, partial: str, in_transaction: bool = False
) -> pd.DataFrame:
    """Every entry with its score and rank under all three methods (no interval); `table` is the
    effective weight of every criterion."""
    query = Sql.compose("{totals}{scores}", totals=totals_ctes(table, partial), scores=_method_scores_sql())
    query = query.bind(round_id=round_id, trim_min=TRIM_MIN_JUDGES, tie_decimals=TIE_DECIMALS)
    return db.query(con, query, in_transaction=in_transaction)


def _totals_matrix(
    con: duckdb.DuckDBPyConnection,
    round_id: str,
    table: dict,
    partial: str,
    entry_ids: list[str],
    in_transaction: bool = False,
) -> np.ndarray:
    """The entry × judge matrix of weighted totals (NaN where a judge has no total for an entry)."""
    query = Sql.compose(
        """{totals},
        final AS (SELECT t.entry_id, p.judge_no, t.total FROM totals t JOIN panel p USING (judge_id))
        SELECT * FROM final WHERE total IS NOT NULL""",
        totals=totals_ctes(table, partial),
    )
    long = db.query(con, query.bind(round_id=round_id), in_transaction=in_transaction)
    judges = int(long["judge_no"].max()) if not long.empty else 0
    matrix = np.full((len(entry_ids), judges), np.nan)
    row = {e: i for i, e in enumerate(entry_ids)}
    for entry_id, judge_no, total in long.itertuples(index=False):
        matrix[row[entry_id], int(judge_no) - 1] = total
    return matrix


# --- the bootstrap over judges ------------------------------------------------------------------


def _resampled_scores(matrix: np.ndarray, method: str, picks: np.ndarray) -> np.ndarray:
    """Method scores of every entry in every resample: picks is (resamples, judges) of judge columns;
    returns (resamples, entries). For judge_standardised the result is the mean z (same ranks)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices are expected and give NaN
        if method == "judge_standardised":
            centre = np.nanmean(matrix, axis=0)
            sd = np.nanstd(matrix, axis=0)
            sd = np.where(sd > 0, sd, np.nan)
            values = ((matrix - centre) / sd)[:, picks]  # (entries, resamples, judges)
            return np.nanmean(values, axis=2).T
        values = matrix[:, picks]
        if method == "mean":
            return np.nanmean(values, axis=2).T
        count = np.sum(~np.isnan(values), axis=2)
        trimmed = (np.nansum(values, axis=2) - np.nanmax(values, axis=2) - np.nanmin(values, axis=2)) / np.where(
            count > 2, count - 2, 1
        )
        return np.where(count >= TRIM_MIN_JUDGES, trimmed, np.nanmean(values, axis=2)).T


def competition_ranks(scores: np.ndarray) -> np.ndarray:
    """1 + the number of strictly better scores, along the last axis (ties share; NaN has no rank)."""
    rounded = np.round(scores, TIE_DECIMALS)
    better = (rounded[..., None, :] > rounded[..., :, None]).sum(axis=-1)
    return np.where(np.isnan(rounded), np.nan, 1.0 + better)


def bootstrap_intervals(
    matrix: np.ndarray, method: str, *, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED
) -> tuple[np.ndarray, np.ndarray]:
    """The 95% interval (low, high) of each entry's rank when the judges are resampled with replacement."""
    entries, judges = matrix.shape
    if judges == 0 or entries == 0:
        empty = np.full(entries, np.nan)
        return empty, empty.copy()
    picks = np.random.default_rng(seed).integers(0, judges, size=(resamples, judges))
    ranks = competition_ranks(_resampled_scores(matrix, method, picks))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an entry never scored in any resample
        low = np.nanquantile(ranks, INTERVAL[0], axis=0, method="lower")
        high = np.nanquantile(ranks, INTERVAL[1], axis=0, method="higher")
    return low, high


# --- public functions ----------------------------------------------------------------------------


def ranking(
    con: duckdb.DuckDBPyConnection,
    round_id: str,
    method: str = "trimmed_mean",
    weights: Mapping[str, float] | None = None,
    *,
    partial: str = "rescale",
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
    scope: Scope | None = None,
) -> pd.DataFrame:
    """A row per entry, best first: entry_id, entry_no, community_id, community_name, short_name, label,
    theme, score, rank, rank_low, rank_high, judges_scored, missing_scores.

    `resamples=0` skips the bootstrap (rank_low and rank_high are then NA). Contest results are public,
    so every scope reads every row."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    check_round(con, round_id, scope)
    return _one_method(_all_methods(con, round_id, weights, partial, resamples, seed), method)


def compare_methods(
    con: duckdb.DuckDBPyConnection,
    round_id: str,
    weights: Mapping[str, float] | None = None,
    *,
    partial: str = "rescale",
    resamples: int = BOOTSTRAP_RESAMPLES,
    scope: Scope | None = None,
) -> pd.DataFrame:
    """The ranking under every method side by side: per method `score_<m>`, `rank_<m>`, `rank_low_<m>`,
    `rank_high_<m>`; `rank_spread` (best minus worst rank across methods) and `methods_agree`.
    Sorted by the trimmed mean, the method the contest announces."""
    check_round(con, round_id, scope)
    every = _all_methods(con, round_id, weights, partial, resamples, BOOTSTRAP_SEED)
    first, *others = METHODS
    ranks = np.column_stack([every[f"rank_{m}"].to_numpy(dtype=float, na_value=np.nan) for m in METHODS])
    # best first by the trimmed mean, entries without a rank last, in entry order
    order = np.lexsort(
        (every["entry_no"].to_numpy(), np.nan_to_num(ranks[:, METHODS.index("trimmed_mean")], nan=np.inf))
    )
    base = every.take(order)[
        _LABELS
        + [f"{c}_{first}" for c in _PER_METHOD]
        + ["judges_scored", "missing_scores"]
        + [f"{c}_{m}" for m in others for c in _PER_METHOD]
    ]
    spread = (np.fmax.reduce(ranks, axis=1) - np.fmin.reduce(ranks, axis=1))[order]  # NaN: no rank at all
    base.insert(
        len(base.columns),
        "rank_spread",
        pd.arrays.IntegerArray(np.nan_to_num(spread).astype("int64"), np.isnan(spread)),
    )
    base.insert(
        len(base.columns),
        "methods_agree",
        pd.arrays.BooleanArray(np.nan_to_num(spread) == 0, np.zeros(len(spread), dtype=bool)),
    )
    base.index = pd.RangeIndex(len(base))
    return base


_LABELS = ["entry_id", "entry_no", "community_id", "community_name", "short_name", "label", "theme"]
_PER_METHOD = ("score", "rank", "rank_low", "rank_high")
_WIDE = _LABELS + ["judges_scored", "missing_scores"] + [f"{c}_{m}" for m in METHODS for c in _PER_METHOD]


def method_ranking(compared: pd.DataFrame, method: str = "trimmed_mean") -> pd.DataFrame:
    """ranking(…, method) of the same round, weights and rule, taken from its compare_methods frame."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    return _one_method(compared, method)


def _one_method(every: pd.DataFrame, method: str) -> pd.DataFrame:
    """The ranking columns of one method, best first (entries without a rank last, in entry order)."""
    rank = every[f"rank_{method}"].to_numpy(dtype=float, na_value=np.inf)
    order = np.lexsort((every["entry_no"].to_numpy(), rank))
    out = every[_LABELS + [f"{c}_{method}" for c in _PER_METHOD] + ["judges_scored", "missing_scores"]].take(order)
    out.columns = _LABELS + list(_PER_METHOD) + ["judges_scored", "missing_scores"]
    out.index = pd.RangeIndex(len(out))
    return out


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The wide frame with the same types whether scored now or read from the stored rankings (with its
    round_id first if it has one), in entry order. Built once from numpy arrays: the page asks for it on
    every round it shows, and per-column pandas conversions of a dozen rows cost more than the query."""
    keys = ["round_id"] if "round_id" in frame.columns else []
    order = np.lexsort([frame["entry_no"].to_numpy(dtype="int64")] + [frame[k].to_numpy(dtype=object) for k in keys])
    columns = {c: frame[c].to_numpy()[order] for c in keys + _LABELS}
    for column in ("entry_no", "judges_scored", "missing_scores"):
        columns[column] = frame[column].to_numpy(dtype="int64")[order]
    for method in METHODS:
        columns[f"score_{method}"] = frame[f"score_{method}"].to_numpy(dtype=float, na_value=np.nan)[order]
        for column in (f"rank_{method}", f"rank_low_{method}", f"rank_high_{method}"):
            values = np.round(frame[column].to_numpy(dtype=float, na_value=np.nan)[order])
            columns[column] = pd.arrays.IntegerArray(np.nan_to_num(values).astype("int64"), np.isnan(values))
    return pd.DataFrame({c: columns[c] for c in keys + _WIDE})


def _all_methods(
    con: duckdb.DuckDBPyConnection,
    round_id: str,
    weights: Mapping[str, float] | Iterable | None,
    partial: str,
    resamples: int,
    seed: int,
) -> pd.DataFrame:
    """Every entry of the round, one row each, with score, rank and rank interval under every method:
    read from the stored rankings when they answer this question and are current, else scored now."""
    if resamples and resamples < BOOTSTRAP_MIN_RESAMPLES:
        raise ValueError(f"use at least {BOOTSTRAP_MIN_RESAMPLES} bootstrap resamples (or 0 for none)")
    if partial not in PARTIAL_RULES:
        raise ValueError(f"partial must be one of {PARTIAL_RULES}, not {partial!r}")
    criteria_frame = None
    if partial == STORED_PARTIAL and resamples in (0, BOOTSTRAP_RESAMPLES) and seed == BOOTSTRAP_SEED:
        own = weights is None
        if not own:
            criteria_frame = _criteria(con, round_id)
            own = _same_weights(effective_weights(criteria_frame, weights), effective_weights(criteria_frame, None))
        stored = _stored(con, round_id) if own else None
        if stored is not None:
            return stored if resamples else _without_intervals(stored)
    if criteria_frame is None:
        criteria_frame = _criteria(con, round_id)  # checks the round
    table = effective_weights(criteria_frame, weights)  # checks the override
    return _score_now(con, round_id, table, partial, resamples, seed)


def _same_weights(a: dict, b: dict) -> bool:
    """An override that only restates the round's weights (the what-if sliders at rest) up to rounding."""
    return a.keys() == b.keys() and all(math.isclose(a[k], b[k], rel_tol=1e-12, abs_tol=1e-15) for k in a)


def _without_intervals(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for method in METHODS:
        for column in ("rank_low", "rank_high"):
            out[f"{column}_{method}"] = pd.array([pd.NA] * len(out), dtype="Int64")
    return out


def _score_now(
    con: duckdb.DuckDBPyConnection,
    round_id: str,
    table: dict,
    partial: str,
    resamples: int,
    seed: int,
    in_transaction: bool = False,
) -> pd.DataFrame:
    frame = _scores(con, round_id, table, partial, in_transaction)
    out = frame[[*_LABELS, "judges_scored", "missing_scores"]].copy()
    matrix = (
        _totals_matrix(con, round_id, table, partial, frame["entry_id"].tolist(), in_transaction) if resamples else None
    )
    rank_column = {"mean": "mean_rank", "trimmed_mean": "trimmed_rank", "judge_standardised": "standardised_rank"}
    for method in METHODS:
        out[f"score_{method}"] = frame[_SCORE_COLUMN[method]].astype(float)
        rank = pd.array(frame[rank_column[method]], dtype="Float64")
        out[f"rank_{method}"] = rank
        if matrix is not None:  # there is a matrix exactly when resamples are asked for
            low, high = bootstrap_intervals(matrix, method, resamples=resamples, seed=seed)
            observed = rank.to_numpy(dtype=float, na_value=np.nan)
            out[f"rank_low_{method}"] = np.fmin(low, observed)
            out[f"rank_high_{method}"] = np.fmax(high, observed)
        else:
            out[f"rank_low_{method}"] = np.nan
            out[f"rank_high_{method}"] = np.nan
    return _typed(out)


# --- the stored rankings (analytics/schema/61_contest_rollups.sql) -----------------------------------


STORED_PARTIAL = "rescale"
_STORED_COLUMNS = (
    "round_id",
    "entry_id",
    "entry_no",
    "entries_of_community",
    "judges_scored",
    "missing_scores",
    *(f"{c}_{m}" for m in METHODS for c in _PER_METHOD),
)
# What the stored rankings depend on besides the data: the scoring code (_SCORING_CODE) and its
# constants (_SCORING_CONSTANTS). Bump VERSION with any change to them that may score differently, so
# that a database stored by the old code scores afresh until it is refreshed; tests/unit/test_versions.py
# holds their fingerprint per version and fails when they change without the bump.
VERSION = 1
_SCORING_CODE = (
    totals_ctes,
    _method_scores_sql,
    _scores,
    _totals_matrix,
    _resampled_scores,
    competition_ranks,
    bootstrap_intervals,
    _score_now,
    _typed,
)
_SCORING_CONSTANTS = (
    METHODS,
    TRIM_MIN_JUDGES,
    BOOTSTRAP_RESAMPLES,
    BOOTSTRAP_SEED,
    INTERVAL,
    TIE_DECIMALS,
    STORED_PARTIAL,
    _STORED_COLUMNS,
)
# The contest tables as they are: every row hashed, summed (order does not matter) and counted. The rounds'
# dates do not change a ranking, but the stored stage-vs-work record (analytics.contest.work) is drawn by them.
_CONTEST_SQL = """
    SELECT concat_ws('/',
        (SELECT count(*) || ':' || coalesce(sum(hash(round_id, entry_id, judge_id, criterion_id, score)::HUGEINT), 0)
         FROM contest_scores),
        (SELECT count(*) || ':' || coalesce(sum(hash(round_id, criterion_id, weight)::HUGEINT), 0)
         FROM contest_criteria),
        (SELECT count(*) || ':' || coalesce(sum(hash(round_id, entry_id, community_id)::HUGEINT), 0)
         FROM contest_entries),
        (SELECT count(*) || ':' || coalesce(sum(hash(round_id, held_on)::HUGEINT), 0)
         FROM contest_rounds))"""


_FRESH_SQL = f"""
    SELECT s.definition = $definition AND s.contest = ({_CONTEST_SQL})
    FROM rollup_contest_state s WHERE s.id = 1"""


def rankings_current(con: duckdb.DuckDBPyConnection | source.Warehouse) -> bool:
    """True while the stored rankings were scored from the contest tables as they are, by this VERSION
    (asked once per warehouse, analytics.warehouse.source: once per page run in the app)."""

    def ask() -> bool:
        try:
            return bool(db.scalar(con, _FRESH_SQL, {"definition": f"v{VERSION}"}, record=False))
        except DataError:  # a database file from before the stored rankings, opened read-only
            return False

    return source.reader(con).fresh("contest rankings", ask)


def _readable(con: duckdb.DuckDBPyConnection | source.Warehouse) -> bool:
    """Whether the stored rankings may be read: current, and the warehouse reads stored results."""
    wh = source.reader(con)
    return wh.rollups and rankings_current(wh)


def _stored_labelled(where: str) -> str:
    """The CTE `labelled` of the stored rankings the condition `where` (on `r`) selects: the columns of
    _entries_sql's `labelled` and the stored ones. The number of an entry in its round and how many
    entries its community has there are stored with the ranking (the entries are part of its
    fingerprint): computing them again takes two window functions, most of the time of this query."""
    return f"""labelled AS (
            SELECT r.round_id, r.entry_id, e.community_id, c.name AS community_name,
                   coalesce(c.short_name, c.name) AS short_name, e.theme, r.entry_no,
                   {_label_sql("coalesce(c.short_name, c.name)", "r.entry_no", "r.entries_of_community")} AS label,
                   r.* EXCLUDE (round_id, entry_id, entry_no, entries_of_community)
            FROM rollup_contest_rankings r JOIN contest_entries e USING (round_id, entry_id)
                 JOIN communities c ON c.community_id = e.community_id
            WHERE {where}
        )"""


def _stored(
    con: duckdb.DuckDBPyConnection, round_id: str | None, *, round_ids: list[str] | None = None
) -> pd.DataFrame | None:
    """The stored rankings of a round (of the rounds `round_ids`, or of every round, with a round_id
    column, for None) with today's names; None when they may not be read (stale, missing, or a warehouse
    that reads raw only)."""
    if not _readable(con):
        return None
    where, params = (
        ("r.round_id = $round_id", {"round_id": round_id})
        if round_id
        else ("list_contains($round_ids, r.round_id)", {"round_ids": round_ids})
        if round_ids is not None
        else ("true", {})
    )
    frame = db.query(con, f"WITH {_stored_labelled(where)} SELECT * FROM labelled", params)
    if frame.empty:
        return None
    return _typed(frame if round_id is None else frame.drop(columns="round_id"))


def stored_stage_ctes(con: duckdb.DuckDBPyConnection, method: str) -> str | None:
    """CTEs `labelled` and `stage` (entry_id, entry_no, community_id, label, score, rank of every entry of
    round $round_id under `method`) read from the stored rankings, for a query that joins the stage to
    something else in one go (binds $round_id). None when they may not be read (stale, missing, or
    a warehouse that reads raw only)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    if not _readable(con):
        return None
    return f"""{_stored_labelled("r.round_id = $round_id")},
        stage AS (
            SELECT entry_id, entry_no, community_id, label, score_{method} AS score, rank_{method} AS rank
            FROM labelled
        )"""


def scored_rankings(cur: duckdb.DuckDBPyConnection, *, in_transaction: bool = True) -> pd.DataFrame:
    """Every round that has criteria scored as stored (all three methods, its own weights, torn sheets
    rescaled, the bootstrap intervals), in rollup_contest_rankings' columns: what `store_rankings`
    stores, and what the lake's refresh (analytics.lake.derive) writes for either engine."""
    round_ids = db.query(
        cur, "SELECT DISTINCT round_id FROM contest_criteria ORDER BY round_id", in_transaction=in_transaction
    )["round_id"].tolist()
    frames = []
    for round_id in round_ids:
        table = effective_weights(_criteria(cur, round_id, in_transaction=in_transaction), None)
        one = _score_now(
            cur, round_id, table, STORED_PARTIAL, BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, in_transaction=in_transaction
        )
        frames.append(
            one.assign(
                round_id=round_id, entries_of_community=one.groupby("community_id")["entry_id"].transform("count")
            )
        )
    columns = list(_STORED_COLUMNS)
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def store_rankings(cur: duckdb.DuckDBPyConnection) -> int:
    """Score every round (`scored_rankings`) and store the rankings with the fingerprint of what they
    were scored from. `cur` is a cursor inside the caller's open transaction (analytics.refresh.refresh):
    every read and write runs on it, so the rankings describe that transaction's data and commit with
    it. Returns the rows stored."""
    db.execute(cur, "DELETE FROM rollup_contest_rankings")
    rows = scored_rankings(cur)
    columns = list(_STORED_COLUMNS)
    if len(rows):
        cur.register("contest_rankings_scored", rows)
        try:
            db.execute(
                cur,
                f"INSERT INTO rollup_contest_rankings ({', '.join(columns)}) "
                f"SELECT {', '.join(columns)} FROM contest_rankings_scored",
            )
        finally:
            cur.unregister("contest_rankings_scored")
    db.execute(
        cur,
        f"""INSERT OR REPLACE INTO rollup_contest_state
                        SELECT 1, $definition, ({_CONTEST_SQL}), $refreshed_at""",
        {"definition": f"v{VERSION}", "refreshed_at": dt.datetime.now().replace(microsecond=0)},
    )
    return len(rows)


def missing_scores(con: duckdb.DuckDBPyConnection, round_id: str, *, scope: Scope | None = None) -> pd.DataFrame:
    """Every judge × entry sheet with an empty cell: entry_id, entry_no, label, judge_id, judge_no,
    judge_kind, criteria_missing (count), missing_names (e.g. "文化美"), whole_sheet (the judge scored
    nothing for that entry). Rows of communities the scope may not read in detail are left out."""
    table = effective_weights(criteria(con, round_id, scope=scope), None)
    query = Sql.compose(
        """{totals},
        expected AS (
            SELECT e.entry_id, p.judge_id, c.criterion_id, c.name
            FROM labelled e CROSS JOIN panel p
            CROSS JOIN (SELECT criterion_id, name FROM contest_criteria WHERE round_id = $round_id) c
            WHERE {in_scope}
        ),
        gaps AS (
            SELECT x.entry_id, x.judge_id, count(*) AS criteria_missing,
                   string_agg(x.name, '、' ORDER BY x.criterion_id) AS missing_names
            FROM expected x ANTI JOIN scores s USING (entry_id, judge_id, criterion_id)
            GROUP BY ALL
        ),
        final AS (
            SELECT g.entry_id, e.entry_no, e.community_id, e.label, g.judge_id, p.judge_no, j.kind AS judge_kind,
                   g.criteria_missing, g.missing_names, g.criteria_missing = $criteria_count AS whole_sheet
            FROM gaps g JOIN labelled e USING (entry_id) JOIN panel p USING (judge_id)
            LEFT JOIN judges j USING (judge_id)
        )
        SELECT * FROM final ORDER BY entry_no, judge_no""",
        totals=totals_ctes(table, "rescale"),
        in_scope=community_predicate(scope, "e.community_id", "scope_community"),
    )
    return db.query(con, query.bind(round_id=round_id))


def rank_history(
    con: duckdb.DuckDBPyConnection,
    method: str = "trimmed_mean",
    *,
    partial: str = "rescale",
    scope: Scope | None = None,
) -> pd.DataFrame:
    """How each community placed in every round (public results), oldest round first: community_id,
    community_name, short_name, round_id, round_name, held_on, entries_in_round, score, rank,
    rounds_entered, previous_rank and previous_entries (in the community's previous round, else NA)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    listed = rounds(con, scope=scope).sort_values(["held_on", "round_id"])
    # every round of the scope in one query (a district database holds every town's)
    stored = _stored(con, None, round_ids=list(listed["round_id"])) if partial == STORED_PARTIAL else None
    frames = []
    for r in listed.itertuples(index=False):
        if r.entries == 0 or r.judges == 0:
            continue
        if stored is not None and (stored["round_id"] == r.round_id).any():
            one = _one_method(stored[stored["round_id"] == r.round_id], method)
        else:
            one = ranking(con, r.round_id, method, partial=partial, resamples=0)
        one = one[["community_id", "community_name", "short_name", "score", "rank"]].assign(
            round_id=r.round_id, round_name=r.name, held_on=r.held_on, entries_in_round=int(r.entries)
        )
        frames.append(one)
    if not frames:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    history = pd.concat(frames, ignore_index=True)
    # a community with two entries in one round keeps its better one
    history = history.sort_values(["round_id", "community_id", "rank"]).drop_duplicates(["round_id", "community_id"])
    history["rounds_entered"] = history.groupby("community_id")["round_id"].transform("count")
    history["held_on"] = pd.to_datetime(history["held_on"]).dt.date
    history = history.sort_values(["held_on", "round_id", "rank"]).reset_index(drop=True)
    history["previous_rank"] = history.groupby("community_id")["rank"].shift(1)
    history["previous_entries"] = history.groupby("community_id")["entries_in_round"].shift(1).astype("Int64")
    return history[HISTORY_COLUMNS]


def round_results(
    con: duckdb.DuckDBPyConnection,
    round_ids: Iterable[str],
    method: str = "trimmed_mean",
    *,
    scope: Scope | None = None,
) -> pd.DataFrame:
    """The published results of the rounds named, one row per entry: round_id, entry_id, community_id,
    score, rank (competition ranks within its round under `method`). The stored rankings answer in one
    query while they are current; otherwise each round is scored now, without bootstrap intervals.
    Contest results are public: every scope reads every row."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    wanted = sorted({str(r) for r in round_ids})
    columns = ["round_id", "entry_id", "community_id", "score", "rank"]
    stored = _stored(con, None) if wanted else None
    if stored is not None:
        found = stored[stored["round_id"].isin(wanted)]
        frames = [found.rename(columns={f"score_{method}": "score", f"rank_{method}": "rank"})[columns]]
        wanted = [r for r in wanted if r not in set(found["round_id"])]
    else:
        frames = []
    for round_id in wanted:
        frames.append(ranking(con, round_id, method, resamples=0).assign(round_id=round_id)[columns])
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)


def round_window(held_on: dt.date, months: int = 12) -> tuple[dt.date, dt.date]:
    """The `months` before a round: from the same day `months` earlier to the day before the round."""
    start = (pd.Timestamp(held_on) - pd.DateOffset(months=months)).date()
    return start, held_on - dt.timedelta(days=1)
