"""A suppressed dispute count cannot be recovered from what a non-leader sees: not by subtracting the
cells shown from a total published elsewhere, not from a rate times its denominator, not by any
combination of the two (a linear program, tests/unit/differencing.py, finds each hidden count's
possible range; it must hold more than one value)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from analytics import cases, showcase
from analytics.access import Scope
from analytics.core import privacy
from analytics.explore import pivot
from analytics.filters import Filters
from tests.unit.differencing import ranges
from tests.unit.test_small_counts import PERIOD, seed, seed_more

QUARTER = Filters(dt.date(2024, 1, 1), dt.date(2024, 3, 31))  # a quarter: small dispute counts in the demo world
LEVELS = ["grid", "community", "street", "district"]
RESOLUTION = dict(
    counts=["cases", "closed", "open", *LEVELS],
    identities=[("cases", ("closed", "open")), ("closed", tuple(LEVELS))],
    rates={
        "in_grid_rate": (("grid",), "closed"),
        "in_community_rate": (("grid", "community"), "closed"),
        **{f"share_{level}": ((level,), "closed") for level in LEVELS},
    },
)


def small_dispute_cells(truth: pd.DataFrame, columns: list[str]) -> list[tuple[int, str]]:
    truth = truth.reset_index(drop=True)
    disputes = truth.index[truth["category"] == "dispute"]
    return [(r, c) for r in disputes for c in columns if 1 <= truth.loc[r, c] < privacy.SMALL_COUNT]


def assert_not_recovered(found: dict) -> None:
    assert found
    for cell, (low, high) in found.items():
        assert high - low >= 1 - 1e-6, f"{cell} recovered: it can only be {low:g}"


def test_the_attacker_recovers_a_count_hidden_alone(empty_con):
    """The check can fail: hiding the small cell alone (the old rule) lets it be worked out."""
    seed(empty_con, disputes=9)
    seed_more(empty_con)
    truth = cases.resolution(empty_con, PERIOD, ("category",), scope=Scope("leader"))
    naive = truth.astype({c: "float64" for c in RESOLUTION["counts"]})
    targets = small_dispute_cells(truth, RESOLUTION["counts"])
    for r, c in targets:
        naive.loc[naive.index[r], c] = float("nan")
    naive = naive.drop(columns=[c for c in naive.columns if c.startswith("share_") or c.endswith("_rate")])
    found = ranges(truth, naive, keys=["category"], targets=targets, **RESOLUTION)
    assert any(high - low < 1e-6 for low, high in found.values())


def test_where_matters_are_settled_by_category(empty_con):
    seed(empty_con, disputes=9)
    seed_more(empty_con)
    truth = cases.resolution(empty_con, PERIOD, ("category",), scope=Scope("leader"))
    for role in ("analyst", "admin", Scope("secretary", "C01")):
        scope = role if isinstance(role, Scope) else Scope(role)
        shown = cases.resolution(empty_con, PERIOD, ("category",), scope=scope)
        targets = small_dispute_cells(truth, RESOLUTION["counts"])
        assert_not_recovered(ranges(truth, shown, keys=["category"], targets=targets, **RESOLUTION))
        # the plain attack: the total of all categories (shown to everyone) minus the categories shown
        total = cases.resolution(empty_con, PERIOD, (), scope=scope)["street"].iloc[0]
        others = shown.set_index("category")["street"].drop("dispute")
        assert others.isna().any() or total - others.sum() != 1


def test_flows_by_category_and_level(empty_con):
    seed(empty_con, disputes=9)
    seed_more(empty_con)
    truth = cases.flows(empty_con, PERIOD, scope=Scope("leader"))
    shown = cases.flows(empty_con, PERIOD, scope=Scope("analyst"))
    targets = small_dispute_cells(truth, ["cases"])
    assert_not_recovered(ranges(truth, shown, keys=["category", "level"], counts=["cases"], targets=targets))


def pivot_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """The leader's pivot with the count of matters settled in the grid (its rate times closed)."""
    out = frame.copy()
    out["grid"] = (out["in_grid_rate"].fillna(0) * out["closed"]).round().astype("int64")
    return out


@pytest.mark.slow
def test_the_pivot_hides_small_dispute_counts_and_what_gives_them_back(demo_con):
    spec = pivot.PivotSpec("cases", ("community", "category"), ("cases", "closed", "open", "in_grid_rate"), QUARTER)
    truth = pivot_counts(pivot.pivot(demo_con, spec, scope=Scope("leader")).frame)
    shown = pivot.pivot(demo_con, spec, scope=Scope("analyst")).frame
    small = truth[(truth["category"] == "dispute") & (truth["cases"] < privacy.SMALL_COUNT)]
    assert len(small) > 0  # the demo world has them
    assert shown.loc[small.index, ["cases", "closed", "open", "in_grid_rate"]].isna().all().all()
    # a shown rate times a shown denominator never gives a small dispute count
    disputes = shown[(shown["category"] == "dispute") & shown["in_grid_rate"].notna() & shown["closed"].notna()]
    grid = (disputes["in_grid_rate"] * disputes["closed"]).round()
    assert not grid.between(1, privacy.SMALL_COUNT - 1).any()
    assert not (disputes["closed"] - grid).between(1, privacy.SMALL_COUNT - 1).any()
    targets = small_dispute_cells(truth, ["cases", "closed", "open", "grid"])
    found = ranges(
        truth,
        shown,
        keys=["community", "category"],
        counts=["cases", "closed", "open", "grid"],
        identities=[("cases", ("closed", "open"))],
        rates={"in_grid_rate": (("grid",), "closed")},
        targets=targets,
    )
    assert_not_recovered(found)


def test_a_pivot_of_disputes_alone_is_suppressed_too(demo_con):
    spec = pivot.PivotSpec("cases", ("community",), ("cases", "cases_per_1k"), QUARTER, (("category", ("dispute",)),))
    truth = pivot.pivot(demo_con, spec, scope=Scope("leader")).frame
    shown = pivot.pivot(demo_con, spec, scope=Scope("analyst")).frame
    small = truth["cases"].between(1, privacy.SMALL_COUNT - 1)
    assert small.any()
    assert shown.loc[small, ["cases", "cases_per_1k"]].isna().all().all()  # per 1,000 × residents = the count
    assert shown["cases"].isna().sum() >= 2  # never one alone: the total of disputes is published
    leader_again = pivot.pivot(demo_con, spec, scope=Scope("leader")).frame
    pd.testing.assert_frame_equal(truth, leader_again)


def test_pivots_without_disputes_are_untouched(demo_con):
    spec = pivot.PivotSpec(
        "cases", ("community",), ("cases", "in_grid_rate"), QUARTER, (("category", ("opinion", "service_proxy")),)
    )
    pd.testing.assert_frame_equal(
        pivot.pivot(demo_con, spec, scope=Scope("analyst")).frame,
        pivot.pivot(demo_con, spec, scope=Scope("leader")).frame,
    )


def test_the_showcase_says_nothing_about_disputes_alone(demo_con):
    """The showcase counts matters of every category together: no number in it is a count of disputes."""
    built = showcase.content(demo_con, "C06", start=QUARTER.start, end=QUARTER.end, scope=Scope("secretary", "C06"))
    for item in dataclasses.fields(built):
        value = getattr(built, item.name)
        if isinstance(value, pd.DataFrame):
            assert "category" not in value.columns and not value.astype(str).isin(["dispute"]).any().any()
        elif isinstance(value, dict | pd.Series):
            assert not any("dispute" in str(key) for key in value.keys())
    assert not any("矛盾" in line or "dispute" in line for line in built.highlights)


def test_the_list_of_open_matters_cannot_be_counted_into_disputes(demo_con):
    """The oldest-open list (and its download) itemises matters: analysts and admins get it without
    category; the leader and the community's own secretary, who chase them, with it."""
    for role in ("analyst", "admin"):
        listed = cases.oldest_open(demo_con, QUARTER, limit=100_000, scope=Scope(role))
        assert len(listed) > 0 and listed["category"].isna().all()
    leader = cases.oldest_open(demo_con, QUARTER, limit=100_000, scope=Scope("leader"))
    assert "dispute" in set(leader["category"])
    own = leader["community_id"].iloc[0]
    secretary = cases.oldest_open(demo_con, QUARTER, limit=100_000, scope=Scope("secretary", own))
    assert secretary["category"].notna().all()
