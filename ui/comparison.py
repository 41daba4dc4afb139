"""The line under a secretary's own number: the subdistrict's figure, her grid's, her place among the
communities (analytics.compare gives only these aggregates). Other roles see the subdistrict already."""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd
import streamlit as st

from analytics import compare
from analytics.core.filters import Filters
from ui import data
from ui.filters import current
from ui.i18n import t
from ui.session import own_community, scope, scope_label, whole_unit

# metrics ranked on uptake per 1,000 residents rather than on the count the tile shows
PER_1K = {metric for metric, measure in compare.RANKED.items() if measure.endswith("_per_1k")}


def figures(filters: Filters | None = None) -> pd.DataFrame | None:
    """analytics.compare.headline for the session's scope and `filters` (the sidebar's by default),
    indexed by metric; None for every role but a secretary's."""
    if own_community() is None:
        return None
    return data.call(compare.headline, filters or current(), scope=scope()).set_index("metric")


def line(metric: str, figures: pd.DataFrame | None, show: Callable[[float], str]) -> str | None:
    """ "全街道 1.03 · 鹤庆片区网格 1.10 · 35个居民区中第 5" for `metric`, each figure written by `show`."""
    own = own_community()
    if figures is None or own is None or metric not in figures.index:
        return None
    row = figures.loc[metric]
    bits = [t("scope.vs_subdistrict", unit=whole_unit(), value=show(float(row["subdistrict"])))]
    if not math.isnan(float(row["grid"])):
        bits.append(t("scope.vs_grid", grid=own["grid_name"], value=show(float(row["grid"]))))
    if not math.isnan(float(row["rank"])):
        key = "scope.rank_per_1k" if metric in PER_1K else "scope.rank"
        bits.append(t(key, rank=int(row["rank"]), of=int(row["of"])))
    return " · ".join(bits)


def caption(metric: str, figures: pd.DataFrame | None, show: Callable[[float], str]) -> None:
    said = line(metric, figures, show)
    if said:
        st.caption(said, help=t("scope.compare_help", unit=whole_unit()))


def own_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """A secretary's rows "by grid" are her community's alone: named so on every chart and table, never
    under her grid's name."""
    if own_community() is None or "grid_name" not in frame.columns:
        return frame
    return frame.assign(grid_name=scope_label())


def score_line(figures: pd.DataFrame | None, metric: str = "cityscore") -> str | None:
    """ "全街道 1.03 · 鹤庆片区网格 1.10": the CityScore beside a secretary's own (analytics.compare.scores)."""
    own = own_community()
    if figures is None or own is None or figures.empty:
        return None
    row = figures.set_index("metric").loc[metric]
    bits = [t("scope.vs_subdistrict", unit=whole_unit(), value=f"{float(row['subdistrict']):.2f}")]
    if not math.isnan(float(row["grid"])):
        bits.append(t("scope.vs_grid", grid=own["grid_name"], value=f"{float(row['grid']):.2f}"))
    return " · ".join(bits)
