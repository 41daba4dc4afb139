"""analytics.district on a hand-made district of three 街镇 (tests/unit/district_world.py): every
measure, the district's pooled figures and each town's fairness band, worked out by hand."""

import datetime as dt
import math
from statistics import NormalDist

import duckdb
import pandas as pd
import pytest
from scipy import stats

from analytics import contest, db, district, funnel, refresh
from analytics.access import Scope
from analytics.core.hierarchy import MINHANG_TOWNS
from analytics.demo import generate as demo
from analytics.filters import Filters
from analytics.warehouse import source
from tests.unit import district_world
from tests.unit.district_world import GUMEI, JIANGCHUAN, XINHONG

YEAR = Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31))


@pytest.fixture
def world(empty_con):
    district_world.build(empty_con)
    return empty_con


def _rows(result: district.District) -> dict[str, pd.Series]:
    return {row["town_code"]: row for _, row in result.towns.iterrows()}


def test_every_measure_by_hand(world):
    result = district.comparison(source.raw(world), YEAR)
    towns = _rows(result)
    assert list(towns) == [JIANGCHUAN, GUMEI, XINHONG] and result.compared == 3
    j, g, x = towns[JIANGCHUAN], towns[GUMEI], towns[XINHONG]
    assert (j["name"], bool(j["simulated"]), bool(g["simulated"]), bool(x["simulated"])) == (
        "江川路街道",
        False,
        True,
        True,
    )
    assert [(t["communities"], t["residents"]) for t in (j, g, x)] == [(2, 4000), (1, 2000), (1, 500)]
    assert [(t["cases"], t["closed"], t["grid"], t["settled_in_community"]) for t in (j, g, x)] == [
        (105, 100, 60, 90),
        (200, 200, 80, 140),
        (10, 10, 7, 9),
    ]
    assert [t["in_grid_rate"] for t in (j, g, x)] == pytest.approx([0.6, 0.4, 0.7])
    assert [t["in_community_rate"] for t in (j, g, x)] == pytest.approx([0.9, 0.7, 0.9])
    assert j["urgent_in_community_rate"] == pytest.approx(0.9) and g["urgent_in_community_rate"] == pytest.approx(0.5)
    assert pd.isna(x["urgent_in_community_rate"])  # nothing urgent closed: unknown, not 0
    # satisfaction: 江川 (5 + 4 + 4 + 3) / 4, 古美 (2 + 3) / 2, 新虹 none surveyed
    assert j["satisfaction"] == pytest.approx(4.0) and g["satisfaction"] == pytest.approx(2.5)
    assert pd.isna(x["satisfaction"])
    # activities per 1,000 residents: 40 / 4,000, 10 / 2,000, 10 / 500 (the 2023 one is outside the period)
    assert [t["activities"] for t in (j, g, x)] == [40, 10, 10]
    assert [t["activities_per_1k"] for t in (j, g, x)] == pytest.approx([10.0, 5.0, 20.0])
    # actual ÷ the default targets (70 %, 90 %, 90 %); cityscore = mean of the in-grid and in-community scores
    assert result.targets == pytest.approx(
        {"in_grid_rate": 0.7, "in_community_rate": 0.9, "urgent_in_community_rate": 0.9}
    )
    assert j["in_grid_rate_score"] == pytest.approx(0.6 / 0.7) and j["in_community_rate_score"] == pytest.approx(1.0)
    assert j["cityscore"] == pytest.approx((0.6 / 0.7 + 1.0) / 2)
    assert g["cityscore"] == pytest.approx((0.4 / 0.7 + 0.7 / 0.9) / 2)
    assert g["urgent_in_community_rate_score"] == pytest.approx(0.5 / 0.9)
    # contest: each town's latest round with its entries (R1 for 江川 and 古美, R0 for 新虹)
    assert (j["contest_round"], j["contest_entries"], j["contest_round_entries"]) == ("R1", 2, 3)
    assert (j["contest_best_rank"], j["contest_mean_score"]) == (2, pytest.approx((82 + 70) / 2))
    assert (g["contest_round"], g["contest_best_rank"], g["contest_mean_score"]) == ("R1", 1, pytest.approx(90))
    assert (x["contest_round"], x["contest_round_entries"], x["contest_best_rank"]) == ("R0", 1, 1)
    assert x["contest_mean_score"] == pytest.approx(60)


def test_the_district_pools_every_town(world):
    whole = district.comparison(source.raw(world), YEAR).district.iloc[0]
    assert (whole["residents"], whole["communities"], whole["closed"], whole["activities"]) == (6500, 4, 310, 60)
    assert whole["in_grid_rate"] == pytest.approx(147 / 310)
    assert whole["in_community_rate"] == pytest.approx(239 / 310)
    assert whole["urgent_in_community_rate"] == pytest.approx(19 / 30)
    assert whole["satisfaction"] == pytest.approx(21 / 6)
    assert whole["activities_per_1k"] == pytest.approx(60_000 / 6500)
    assert whole["cityscore"] == pytest.approx((147 / 310 / 0.7 + 239 / 310 / 0.9) / 2)


def _wilson(p: float, n: int, coverage: float) -> tuple[float, float]:
    """Control limits for a share of n around p, written out from the formula on its own."""
    z = NormalDist().inv_cdf(0.5 + coverage / 2)
    middle, half = p + z**2 / (2 * n), z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return (middle - half) / (1 + z**2 / n), (middle + half) / (1 + z**2 / n)


def test_the_limits_of_a_share_are_wilsons():
    for p, n in ((147 / 310, 100), (147 / 310, 200), (0.633, 10), (0.99, 7)):
        for coverage in (0.95, 0.998):
            lower, upper = funnel.share_limits(p, [n], coverage)
            assert (lower[0], upper[0]) == pytest.approx(_wilson(p, n, coverage), rel=1e-12)
            assert 0 <= lower[0] <= p <= upper[0] <= 1
    lower, upper = funnel.share_limits(0.5, [0], 0.95)
    assert math.isnan(lower[0]) and math.isnan(upper[0])


def test_fairness_bands_by_hand(world):
    towns = _rows(district.comparison(source.raw(world), YEAR))
    p = 147 / 310
    # 江川 60 % of 100: above the 95 % limit (57.1 %), under the 99.8 % one (62.4 %)
    assert _wilson(p, 100, 0.95)[1] < 0.6 < _wilson(p, 100, 0.998)[1]
    # 古美 40 % of 200: below the 95 % limit (40.6 %), above the 99.8 % one (36.9 %)
    assert _wilson(p, 200, 0.998)[0] < 0.4 < _wilson(p, 200, 0.95)[0]
    # 新虹 70 % of only 10: 22 points above the district, yet inside its 95 % band (up to 74.5 %): not flagged
    assert 0.7 < _wilson(p, 10, 0.95)[1]
    assert [towns[t]["band_in_grid_rate"] for t in (JIANGCHUAN, GUMEI, XINHONG)] == ["high_95", "low_95", "within"]
    # in-community: 江川 90 % of 100 against 77.1 %: beyond 99.8 % (87.4 %)
    assert _wilson(239 / 310, 100, 0.998)[1] < 0.9
    assert [towns[t]["band_in_community_rate"] for t in (JIANGCHUAN, GUMEI, XINHONG)] == [
        "high_998",
        "low_95",
        "within",
    ]
    assert towns[JIANGCHUAN]["band_urgent_in_community_rate"] == "high_95"
    assert towns[GUMEI]["band_urgent_in_community_rate"] == "within"
    assert pd.isna(towns[XINHONG]["band_urgent_in_community_rate"])  # no urgent matter closed: no band
    # activities per 1,000 against 60 / 6,500: 古美 expects 18.5 and held 10 (Poisson 95 % lower limit ≈ 11.0);
    # 新虹 expects 4.6 and held 10, twice the district's rate, yet within its band (upper ≈ 10.4)
    rate = 60 / 6500
    assert stats.chi2.ppf(0.001, 2 * rate * 2000) / 2 < 10 < stats.chi2.ppf(0.025, 2 * rate * 2000) / 2
    assert 10 < stats.chi2.ppf(0.975, 2 * rate * 500 + 2) / 2
    assert [towns[t]["band_activities_per_1k"] for t in (JIANGCHUAN, GUMEI, XINHONG)] == ["within", "low_95", "within"]


def test_rollups_and_raw_give_the_same_comparison(world):
    raw = district.comparison(source.raw(world), YEAR)
    refresh.refresh(world)
    stored = district.comparison(world, YEAR)
    assert source.reader(world).rollups
    pd.testing.assert_frame_equal(raw.towns, stored.towns, check_dtype=False)
    pd.testing.assert_frame_equal(raw.district, stored.district, check_dtype=False)


def test_the_period_and_only_the_period_narrows(world):
    later = district.comparison(source.raw(world), Filters(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    assert (later.towns["cases"] == 0).all() and later.towns["in_grid_rate"].isna().all()
    picked = district.comparison(source.raw(world), YEAR.replace(grid_ids=("G1",)))
    assert picked.towns["cases"].tolist() == [105, 200, 10]  # a grid picked in the sidebar compares no fewer towns


def test_who_reads_which_rows(world):
    everyone = district.comparison(source.raw(world), YEAR, scope=Scope("leader"))
    assert everyone.towns["town_code"].tolist() == [JIANGCHUAN, GUMEI, XINHONG]
    analyst = district.comparison(source.raw(world), YEAR, scope=Scope("analyst"))
    assert len(analyst.towns) == 3
    secretary = district.comparison(source.raw(world), YEAR, scope=Scope("secretary", "C3"))
    assert secretary.towns["town_code"].tolist() == [GUMEI]
    # her town's row is set against the whole district, not against itself
    assert secretary.district.iloc[0]["in_grid_rate"] == pytest.approx(147 / 310)
    assert secretary.towns.iloc[0]["band_in_grid_rate"] == "low_95"
    assert district.comparison(source.raw(world), YEAR, scope=Scope("secretary", "C3", GUMEI)).towns.equals(
        secretary.towns
    )
    # a 街镇 leader (or analyst) reads their own town's row, beside the district's pooled figures
    for role in ("leader", "analyst", "admin"):
        own = district.comparison(source.raw(world), YEAR, scope=Scope(role, town_code=XINHONG))
        assert own.towns["town_code"].tolist() == [XINHONG] and own.compared == 3
        assert own.district.iloc[0]["closed"] == 310 and own.towns.iloc[0]["band_in_grid_rate"] == "within"


def test_funnel_curve_spans_the_towns(world):
    result = district.comparison(source.raw(world), YEAR)
    curve = district.funnel_curve(result, "in_grid_rate", steps=20)
    assert curve["size"].min() == pytest.approx(6.0) and curve["size"].max() == pytest.approx(230.0)
    assert curve["centre"].tolist() == pytest.approx([147 / 310] * 20)
    assert (curve["lower_998"] <= curve["lower_95"]).all() and (curve["upper_95"] <= curve["upper_998"]).all()
    assert curve["upper_95"].is_monotonic_decreasing  # the funnel narrows as the base grows
    per_1k = district.funnel_curve(result, "activities_per_1k", steps=5)
    limits = funnel.rate_limits(60 / 6500, per_1k["size"])
    assert per_1k["upper_95"].tolist() == pytest.approx(limits["upper_95"].tolist())
    with pytest.raises(ValueError):
        district.funnel_curve(result, "satisfaction")


def test_one_subdistrict_is_one_row(demo_con):
    result = district.comparison(demo_con, YEAR)
    assert result.towns["town_code"].tolist() == [JIANGCHUAN] and result.compared == 1
    row, whole = result.towns.iloc[0], result.district.iloc[0]
    assert row["in_grid_rate"] == pytest.approx(whole["in_grid_rate"]) and row["band_in_grid_rate"] == "within"


def test_round_results_read_stored_or_score_now(world):
    computed = contest.round_results(source.raw(world), ["R1", "R0"])
    refresh.refresh(world)
    stored = contest.round_results(world, ["R0", "R1"])
    key = ["round_id", "entry_id"]
    for frame in (computed, stored):
        ranked = frame.sort_values(key).set_index(key)
        assert ranked["rank"].tolist() == [1, 2, 1, 3] and ranked["score"].tolist() == pytest.approx([60, 82, 90, 70])
    assert contest.round_results(world, []).empty


@pytest.mark.slow
def test_the_district_demo_world_compared(tmp_path):
    con = duckdb.connect(str(tmp_path / "district.duckdb"))
    db.create_schema(con)
    demo.build(con, scale=0.02, district=True)
    result = district.comparison(con, YEAR)
    towns = result.towns
    assert towns["town_code"].tolist() == sorted(t.code for t in MINHANG_TOWNS) and result.compared == 14
    assert dict(zip(towns["town_code"], towns["name"])) == {t.code: t.name for t in MINHANG_TOWNS}
    assert (towns["simulated"] == (towns["town_code"] != JIANGCHUAN)).all()
    assert towns["lon"].notna().all() and (towns["residents"] > 0).all() and (towns["closed"] > 0).all()
    whole = result.district.iloc[0]
    assert whole["closed"] == towns["closed"].sum() and whole["residents"] == towns["residents"].sum()
    assert whole["in_grid_rate"] == pytest.approx(towns["grid"].sum() / towns["closed"].sum())
    assert towns["contest_round"].notna().all()  # every town has held a round in the demo world
    raw = district.comparison(source.raw(con), YEAR)
    pd.testing.assert_frame_equal(raw.towns, towns, check_dtype=False)
    con.close()
