"""Funnel-plot limits on values worked out by hand (and from the published tables of exact Poisson limits)."""

import math

import numpy as np
import pytest

from analytics import funnel


def poisson_cdf(k: int, mean: float) -> float:
    return sum(math.exp(-mean) * mean**i / math.factorial(i) for i in range(k + 1))


def solve_upper(k: int, tail: float) -> float:
    """The mean at which P(X ≤ k) = tail: Garwood's upper limit for an observed k, by bisection."""
    lo, hi = 0.0, 100.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if poisson_cdf(k, mid) > tail else (lo, mid)
    return lo


def test_limits_for_one_expected_event_by_hand():
    # lower: ½χ²(α/2; 2) = −ln(1 − α/2), since χ² with 2 degrees of freedom is exponential with mean 2
    # upper: ½χ²(1 − α/2; 4) is the mean μ with e^−μ (1 + μ) = α/2
    lower, upper = funnel.poisson_limits([1.0], 0.95)
    assert lower[0] == pytest.approx(-math.log(0.975), rel=1e-9)  # 0.02532
    assert upper[0] == pytest.approx(solve_upper(1, 0.025), rel=1e-6)  # 5.5716
    assert upper[0] == pytest.approx(5.5716, abs=1e-4)
    lower, upper = funnel.poisson_limits([1.0], 0.998)
    assert lower[0] == pytest.approx(-math.log(0.999), rel=1e-9)  # 0.0010005
    assert upper[0] == pytest.approx(solve_upper(1, 0.001), rel=1e-6)  # 9.2334
    assert upper[0] == pytest.approx(9.2334, abs=1e-4)


def test_limits_match_the_published_exact_poisson_table():
    # Exact 95 % limits for a count of 10 (Garwood 1936; tabulated in every epidemiology text): 4.7954 – 18.3904
    lower, upper = funnel.poisson_limits([10.0], 0.95)
    assert lower[0] == pytest.approx(4.7954, abs=1e-4)
    assert upper[0] == pytest.approx(18.3904, abs=1e-4)
    # and the upper one for 10 agrees with P(X ≤ 10 | μ) = 0.025 worked by hand
    assert upper[0] == pytest.approx(solve_upper(10, 0.025), rel=1e-6)


def test_zero_expected_gives_a_zero_floor_and_the_rule_of_three_ceiling():
    lower, upper = funnel.poisson_limits([0.0, 0.0], 0.95)
    assert lower.tolist() == [0.0, 0.0]
    assert upper[0] == pytest.approx(-math.log(0.025))  # 3.689: e^−μ = 0.025
    assert funnel.poisson_limits([0.0], 0.998)[1][0] == pytest.approx(-math.log(0.001))


def test_rates_per_thousand_and_the_normal_limit_for_large_communities():
    # pooled 10 activities per 1,000 residents; a community of 1,000 expects 10
    limits = funnel.rate_limits(0.01, [1000, 1_000_000])
    assert limits.loc[0, "expected"] == pytest.approx(10)
    assert limits.loc[0, "lower_95"] == pytest.approx(4.7954, abs=1e-4)
    assert limits.loc[0, "upper_95"] == pytest.approx(18.3904, abs=1e-4)
    # for a million residents the limits are close to p ± z √(p / n), per 1,000: 10 ± 1.96 × 0.1
    assert limits.loc[1, "lower_95"] == pytest.approx(10 - 1.959964 * 0.1, abs=0.01)
    assert limits.loc[1, "upper_95"] == pytest.approx(10 + 1.959964 * 0.1, abs=0.01)
    assert limits.loc[1, "upper_998"] == pytest.approx(10 + 3.090232 * 0.1, abs=0.01)


def test_bands_put_each_count_on_the_right_side():
    # E = 10: 95 % limits 4.80 – 18.39; 99.8 % limits 2.96 – 24.13 (Garwood, α = 0.002)
    bands = funnel.band([2, 4, 10, 19, 25], [10.0] * 5)
    assert bands.tolist() == ["low_998", "low_95", "within", "high_95", "high_998"]


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError):
        funnel.poisson_limits([-1.0], 0.95)
    with pytest.raises(ValueError):
        funnel.rate_limits(0.01, [0])
    assert np.all(np.diff(funnel.rate_limits(0.01, [500, 1000, 4000])["upper_95"]) < 0)
