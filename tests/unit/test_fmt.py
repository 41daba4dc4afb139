"""The one number format: each kind of measure printed one way, missing values as "—"."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ui import fmt
from ui.filters import custom_range


def test_counts_have_thousands_separators_and_tiles_use_wan_from_ten_thousand() -> None:
    assert fmt.count(6589) == "6,589"
    assert fmt.count(1_234_567.0) == "1,234,567"
    assert fmt.number(9_999) == "9,999"
    assert fmt.number(13_245) == "1.32万"
    assert fmt.number(10_412) == "1.04万"  # not 1.0万
    assert fmt.number(130_412) == "13.0万"
    assert fmt.number(-25_000) == "-2.50万"


def test_rates_have_one_decimal_and_per_thousand_one_decimal_with_separators() -> None:
    assert fmt.pct(0.8834) == "88.3%"
    assert fmt.pct(1.0) == "100.0%"
    assert fmt.decimal(3.456) == "3.5"
    assert fmt.decimal(12_345.67) == "12,345.7"
    assert fmt.decimal(float("inf")) == fmt.MISSING


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, pd.NaT])
def test_every_missing_value_prints_as_a_dash_never_none_or_nan(missing: object) -> None:
    for text in (
        fmt.count(missing),  # type: ignore[arg-type]
        fmt.number(missing),  # type: ignore[arg-type]
        fmt.pct(missing),  # type: ignore[arg-type]
        fmt.decimal(missing),  # type: ignore[arg-type]
        fmt.date(missing),  # type: ignore[arg-type]
    ):
        assert text == "—"
    assert fmt.change(missing, 1.0) is None  # type: ignore[arg-type]


def test_change_is_percent_for_counts_and_points_for_rates() -> None:
    assert fmt.change(110, 100) == "+10.0%"
    assert fmt.change(0.85, 0.80, as_points=True) == "+5.0 个百分点"
    assert fmt.change(5, 0) is None


def test_column_formats_follow_the_same_rules() -> None:
    assert {k: fmt.column("count")["type_config"][k] for k in ("format", "step")} == {"format": "localized", "step": 1}
    assert fmt.column("rate")["type_config"]["format"] == "percent"
    assert fmt.column("rate")["type_config"]["step"] == 0.001  # one decimal: Streamlit shows step's decimals − 2
    assert fmt.column("decimal", "每千人")["label"] == "每千人"


FIRST, LAST = dt.date(2024, 1, 1), dt.date(2025, 6, 30)


def test_a_full_custom_range_is_taken_as_it_is() -> None:
    assert custom_range((dt.date(2025, 1, 1), dt.date(2025, 3, 31)), FIRST, LAST) == (
        dt.date(2025, 1, 1),
        dt.date(2025, 3, 31),
        None,
    )


def test_a_cleared_end_date_runs_to_the_last_day_and_says_so() -> None:
    assert custom_range((dt.date(2025, 1, 1),), FIRST, LAST) == (dt.date(2025, 1, 1), LAST, "filters.half_range")


def test_a_cleared_range_shows_all_data_and_says_so() -> None:
    assert custom_range((), FIRST, LAST) == (FIRST, LAST, "filters.no_range")
    assert custom_range(None, FIRST, LAST) == (FIRST, LAST, "filters.no_range")


def test_a_missing_code_is_named_none_never_nan() -> None:
    from ui.i18n import label

    assert label("category", float("nan")) == label("category", None) == "无"
    assert label("category", "dispute") == "矛盾化解"
