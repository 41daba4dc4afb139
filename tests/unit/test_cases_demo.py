"""analytics.cases on the demo world against independent, deliberately plain computations: one
straightforward SQL query per grouping, numpy for the percentiles (tests/spark runs the same queries on Spark)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analytics import cases, db, overview
from analytics.filters import Filters

YEAR_2024 = Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
SOME_GRIDS = Filters(dt.date(2023, 3, 1), dt.date(2024, 8, 31), grid_ids=("G2", "G3", "G5"))
KEY_SQL = {
    "grid_id": "c.grid_id",
    "community_id": "k.community_id",
    "category": "k.category",
    "month": "CAST(date_trunc('month', k.reported_at) AS DATE)",
}


def plain_resolution(con, filters: Filters, by: tuple[str, ...]) -> pd.DataFrame:
    """The definitions of docs/design.md written the most obvious way, without FILTER or shared helpers."""
    keys = ", ".join(f"{KEY_SQL[b]} AS {b}" for b in by)
    start = filters.start or dt.date(1900, 1, 1)
    end = (filters.end or dt.date(2999, 1, 1)) + dt.timedelta(days=1)
    grids = list(filters.grid_ids) if filters.grid_ids else None
    return db.query(
        con,
        f"""
        SELECT {keys},
               count(*) AS cases,
               sum(CASE WHEN k.closed_at IS NOT NULL THEN 1 ELSE 0 END) AS closed,
               sum(CASE WHEN k.closed_at IS NULL THEN 1 ELSE 0 END) AS open,
               sum(CASE WHEN k.resolved_level = 'grid' THEN 1 ELSE 0 END) AS grid,
               sum(CASE WHEN k.resolved_level = 'district' THEN 1 ELSE 0 END) AS district,
               sum(CASE WHEN k.resolved_level = 'grid' THEN 1.0 ELSE 0 END)
                   / nullif(sum(CASE WHEN k.closed_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS in_grid_rate,
               sum(CASE WHEN k.resolved_level IN ('grid', 'community') THEN 1.0 ELSE 0 END)
                   / nullif(sum(CASE WHEN k.closed_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS in_community_rate,
               sum(CASE WHEN k.urgent AND k.resolved_level IN ('grid', 'community') THEN 1.0 ELSE 0 END)
                   / nullif(sum(CASE WHEN k.urgent AND k.closed_at IS NOT NULL THEN 1 ELSE 0 END), 0)
                   AS urgent_in_community_rate
        FROM grid_cases k JOIN communities c ON c.community_id = k.community_id
        WHERE k.reported_at >= $start AND k.reported_at < $end
          AND ($grids IS NULL OR list_contains($grids, c.grid_id))
        GROUP BY {", ".join(KEY_SQL[b] for b in by)}""",
        {"start": start, "end": end, "grids": grids},
    )


@pytest.mark.parametrize("filters", [Filters(), YEAR_2024, SOME_GRIDS], ids=["all", "2024", "some-grids"])
@pytest.mark.parametrize(
    "by",
    [("grid_id",), ("community_id",), ("category",), ("month",), ("grid_id", "month"), ("category", "community_id")],
)
def test_resolution_matches_plain_sql(demo_con, filters, by):
    ours = cases.resolution(demo_con, filters, by=by)
    plain = plain_resolution(demo_con, filters, by)
    assert len(ours) == len(plain) > 0
    merged = ours.merge(plain, on=list(by), suffixes=("", "_plain"), validate="one_to_one")
    assert len(merged) == len(plain)
    for column in ("cases", "closed", "open", "grid", "district"):
        assert (merged[column] == merged[f"{column}_plain"]).all(), column
    for column in ("in_grid_rate", "in_community_rate", "urgent_in_community_rate"):
        np.testing.assert_allclose(
            merged[column].astype(float),
            merged[f"{column}_plain"].astype(float),
            rtol=1e-12,
            equal_nan=True,
            err_msg=column,
        )
    assert (
        ours[["share_grid", "share_community", "share_street", "share_district"]]
        .dropna()
        .sum(axis=1)
        .round(9)
        .eq(1)
        .all()
    )


def test_totals_agree_with_the_overview(demo_con):
    ours = cases.resolution(demo_con, YEAR_2024, by=()).iloc[0]
    headline = overview.headline(demo_con, YEAR_2024).set_index("metric")["current"]
    assert ours["cases"] == headline["cases"]
    assert ours["in_grid_rate"] == pytest.approx(headline["in_grid_rate"])
    assert ours["in_community_rate"] == pytest.approx(headline["in_community_rate"])


def raw_hours(con, filters: Filters) -> pd.DataFrame:
    """Every closed case's duration in hours (a test may read raw rows; pages never do)."""
    return db.query(
        con,
        """
        SELECT k.category, c.grid_id, k.urgent,
               date_diff('second', k.reported_at, k.closed_at) / 3600.0 AS hours
        FROM grid_cases k JOIN communities c USING (community_id)
        WHERE k.closed_at IS NOT NULL AND k.reported_at >= $start AND k.reported_at < $end""",
        {"start": filters.start, "end": filters.end + dt.timedelta(days=1)},
    )


@pytest.mark.parametrize("by", ["category", "grid_id", "urgent"])
def test_percentiles_match_numpy(demo_con, by):
    ours = cases.time_to_close(demo_con, YEAR_2024, by=(by,)).set_index(by)
    raw = raw_hours(demo_con, YEAR_2024)
    assert len(ours) == raw[by].nunique()
    for key, group in raw.groupby(by):
        hours = group["hours"].to_numpy()
        assert ours.loc[key, "closed"] == len(hours)
        assert ours.loc[key, "median_hours"] == pytest.approx(np.median(hours), rel=1e-9)
        # quantile_disc is the SQL standard PERCENTILE_DISC: numpy's inverted_cdf, an observed value.
        assert ours.loc[key, "p90_hours"] == pytest.approx(np.percentile(hours, 90, method="inverted_cdf"), rel=1e-9)
        assert np.isclose(hours, ours.loc[key, "p90_hours"], rtol=0, atol=1e-9).any()  # an observed duration
        assert ours.loc[key, "mean_hours"] == pytest.approx(hours.mean(), rel=1e-9)


def test_grid_by_category_percentiles_match_numpy(demo_con):
    ours = cases.time_to_close(demo_con, YEAR_2024, by=("grid_id", "category")).set_index(["grid_id", "category"])
    for (grid, category), group in raw_hours(demo_con, YEAR_2024).groupby(["grid_id", "category"]):
        assert ours.loc[(grid, category), "p90_hours"] == pytest.approx(
            np.percentile(group["hours"], 90, method="inverted_cdf"), rel=1e-9
        )
        assert ours.loc[(grid, category), "median_hours"] == pytest.approx(np.median(group["hours"]), rel=1e-9)


def test_backlog_matches_plain_sql(demo_con):
    ours = cases.open_backlog(demo_con, Filters(), by=("grid_id",))
    plain = db.query(
        demo_con,
        """
        WITH today AS (SELECT max(greatest(reported_at, coalesce(closed_at, reported_at))) AS t FROM grid_cases)
        SELECT c.grid_id, count(*) AS open,
               sum(CASE WHEN date_diff('second', k.reported_at, today.t) > 90 * 86400 THEN 1 ELSE 0 END) AS old
        FROM grid_cases k JOIN communities c USING (community_id), today
        WHERE k.closed_at IS NULL GROUP BY c.grid_id ORDER BY c.grid_id""",
    )
    assert ours["open"].tolist() == plain["open"].tolist()
    assert ours["age_over_90"].tolist() == plain["old"].tolist()
    buckets = ours[[f"age_{name}" for name, _, _ in cases.AGE_BUCKETS]].sum(axis=1)
    assert (buckets == ours["open"]).all()
    assert len(cases.oldest_open(demo_con, Filters(), limit=100_000)) == ours["open"].sum()


def test_satisfaction_matches_pandas_on_raw_scores(demo_con):
    ours = cases.satisfaction(demo_con, YEAR_2024, by=("grid_id",)).set_index("grid_id")
    raw = db.query(
        demo_con,
        """
        SELECT c.grid_id, k.satisfaction FROM grid_cases k JOIN communities c USING (community_id)
        WHERE k.satisfaction IS NOT NULL AND k.reported_at >= DATE '2024-01-01' AND k.reported_at < DATE '2025-01-01'""",
    )
    for grid, group in raw.groupby("grid_id"):
        scores = group["satisfaction"].astype(float)
        assert ours.loc[grid, "surveyed"] == len(scores)
        assert ours.loc[grid, "mean_score"] == pytest.approx(scores.mean())
        assert ours.loc[grid, "unsatisfied_share"] == pytest.approx((scores <= 2).mean())


def test_scores_per_grid_and_month_cover_every_cell(demo_con):
    frame = cases.scores(demo_con, YEAR_2024, by=("grid_id", "month"))
    assert frame.groupby(["grid_id", "month"]).size().eq(4).all()
    assert frame[["grid_id", "month"]].drop_duplicates().shape[0] == 7 * 12
    rates = cases.resolution(demo_con, YEAR_2024, by=("grid_id", "month"))
    merged = frame[frame["metric"] == "in_grid_rate"].merge(rates, on=["grid_id", "month"])
    np.testing.assert_allclose(merged["score"], merged["in_grid_rate"] / 0.70)
