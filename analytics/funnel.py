"""Funnel-plot control limits for rates of counts (events per 1,000 residents).

A small community's rate jumps about by chance: two activities more in a community of 2,000 residents
move its rate by one per thousand, in a community of 8,000 by a quarter. A funnel plot draws, for every
size, the band the rate would fall in if the community shared the pooled rate and only chance made it
differ; a community outside the band differs by more than chance. (Spiegelhalter, "Funnel plots for
comparing institutional performance", Statistics in Medicine 24, 2005.)

The formula (Poisson, exact):

    pooled rate       p = Σ events / Σ residents                 (over the communities compared)
    expected count    E = p × n                                  (n = the community's residents)
    count limits      lower = ½ χ²(α/2;  2E)                     (0 when E = 0)
                      upper = ½ χ²(1 − α/2;  2E + 2)
    rate limits       1,000 × lower / n,   1,000 × upper / n     (per 1,000 residents)

with α = 0.05 for the 95 % limits (about 2 standard errors) and α = 0.002 for the 99.8 % limits (about
3). These are Garwood's exact Poisson limits with the expected count in place of the observed one, as
funnel-plot guides for counts do (e.g. Public Health England's technical guide on funnel plots); for a
large E they approach p ± z·√(p / n). χ²(q; k) is the q-quantile of the chi-square distribution with k
degrees of freedom (2 × scipy.special.gammaincinv(k / 2, q)), which accepts the fractional degrees of freedom that a
non-integer E gives.

Counts must be roughly independent events for the limits to mean anything: activities are, while
participants come in clusters of dozens per activity and would need an over-dispersion factor.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.special import gammaincinv, ndtri

COVERAGES = {"95": 0.95, "998": 0.998}


def poisson_limits(expected: ArrayLike, coverage: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper control limits for an observed count whose expected value is `expected`."""
    e = np.asarray(expected, dtype=float)
    if np.any(e < 0):
        raise ValueError("an expected count cannot be negative")
    alpha = 1.0 - coverage
    with np.errstate(invalid="ignore"):
        # chi2.ppf(q, 2k) / 2 is the gamma quantile gammaincinv(k, q): the same limits, without importing
        # scipy.stats (1.4 s on a fresh server, before the first seed page could answer)
        lower = np.where(e > 0, gammaincinv(np.where(e > 0, e, 1), alpha / 2), 0.0)
    upper = gammaincinv(e + 1, 1 - alpha / 2)
    return lower, upper


def rate_limits(pooled_rate: float, residents: ArrayLike, per: float = 1000.0) -> pd.DataFrame:
    """Rate limits (per `per` residents) for communities of the given sizes around `pooled_rate`
    (events per resident). Columns: residents, expected, lower_95, upper_95, lower_998, upper_998."""
    n = np.asarray(residents, dtype=float)
    if np.any(n <= 0):
        raise ValueError("a community in a funnel plot needs residents")
    expected = pooled_rate * n
    out = {"residents": n, "expected": expected}
    for name, coverage in COVERAGES.items():
        lower, upper = poisson_limits(expected, coverage)
        out[f"lower_{name}"] = lower / n * per
        out[f"upper_{name}"] = upper / n * per
    return pd.DataFrame(out)


def band(observed: ArrayLike, expected: ArrayLike) -> np.ndarray:
    """Where each observed count falls: high_998, high_95, within, low_95, low_998."""
    o = np.asarray(observed, dtype=float)
    lower95, upper95 = poisson_limits(expected, COVERAGES["95"])
    lower998, upper998 = poisson_limits(expected, COVERAGES["998"])
    return np.select(
        [o > upper998, o > upper95, o < lower998, o < lower95],
        ["high_998", "high_95", "low_998", "low_95"],
        default="within",
    )


# ---------------------------------------------------------------------------------------------
# shares (the in-grid rate and its kin): the same band for a proportion of a count
def share_limits(pooled: float, base: ArrayLike, coverage: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper control limits for a share of `base` trials whose pooled share is `pooled`: the
    Wilson score interval around the pooled share,

        (p + z²/2n ± z·√(p(1 − p)/n + z²/4n²)) / (1 + z²/n),    z the (1 + coverage)/2 normal quantile,

    as Public Health England's funnel-plot guide gives it for proportions. Unlike p ± z·√(p(1 − p)/n) it
    stays inside 0–1 for a small n or a share near 0 or 1. A base of 0 has no limits (NaN)."""
    n = np.asarray(base, dtype=float)
    z = float(ndtri(0.5 + coverage / 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = pooled + z * z / (2 * n)
        spread = z * np.sqrt(pooled * (1 - pooled) / n + z * z / (4 * n * n))
        scale = 1 + z * z / n
        lower, upper = (centre - spread) / scale, (centre + spread) / scale
    none = n <= 0
    return np.where(none, np.nan, lower), np.where(none, np.nan, upper)


def share_band(observed: ArrayLike, pooled: float, base: ArrayLike) -> np.ndarray:
    """Where each observed share falls: high_998, high_95, within, low_95, low_998 (None without a base)."""
    o = np.asarray(observed, dtype=float)
    lower95, upper95 = share_limits(pooled, base, COVERAGES["95"])
    lower998, upper998 = share_limits(pooled, base, COVERAGES["998"])
    bands = np.select(
        [o > upper998, o > upper95, o < lower998, o < lower95],
        ["high_998", "high_95", "low_998", "low_95"],
        default="within",
    ).astype(object)
    bands[np.isnan(o) | np.isnan(upper95)] = None
    return bands
