"""The district view's page parts that are not charts: who is offered it, the drill into one town, and
the table of towns.

Who: the page compares every town of the district, so it is offered to whoever reads the district as a
whole — a leader or an analyst not bound to one town (Scope.town_code None). Analysts read every table
already (README, roles), and the district comparison is what their reports are built from; admins look
after data, not its comparison, and a secretary's page is her community. A town-bound leader reads the
dashboard of their town. With one town in the database (the README's default) there is nothing to
compare and the page is not in the navigation at all.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import district, places
from analytics.access import Scope
from ui import data, fmt
from ui.i18n import t

ROLES = ("leader", "analyst")
# The sidebar's town picker keeps its choice under this key (the district's contract in docs/design.md);
# a drill sets it and opens the overview.
TOWN_KEY = "filters_town"
OVERVIEW = "app_pages/overview.py"
_DRILL_PENDING = "district_drill_pending"


def several_towns() -> bool:
    """Whether the database holds two or more towns (the sidebar's town picker asks the same)."""
    return len(data.call(places.town_list)) > 1


def offered(scope: Scope) -> bool:
    """Whether `scope` gets the district view in its navigation."""
    return scope.role in ROLES and scope.restricted_town is None and several_towns()


def drill_to(town_code: str) -> None:
    """From a widget's callback: choose the town in the sidebar's picker (its key may be set only before
    the picker is drawn, so never from the page body) and open the overview on this run."""
    st.session_state[TOWN_KEY] = str(town_code)
    st.session_state[_DRILL_PENDING] = True


def follow_drill() -> None:
    """Open the overview if a callback of this run chose a town (st.switch_page may not run in a callback)."""
    if st.session_state.pop(_DRILL_PENDING, False):
        st.switch_page(OVERVIEW)


def measure_text(measure: str, value: float | None) -> str:
    """A measure's value as the table, the tooltips and the mean show it (ui.fmt's rules)."""
    if measure in district.SHARES:
        return fmt.pct(value)
    if measure in ("cityscore", *district.SCORES):
        return fmt.pct(value, 0)
    if measure == "satisfaction":
        return fmt.decimal(value, 2)
    if measure == "contest_best_rank":
        return fmt.count(value)
    return fmt.decimal(value)


def band_text(band: object) -> str:
    return t(f"district.band.{band}") if isinstance(band, str) else t("district.band.none")


def contest_text(row: pd.Series) -> str:
    if pd.isna(row["contest_round"]):
        return fmt.MISSING
    return t(
        "district.contest_text",
        round=row["contest_round_name"],
        entries=int(row["contest_entries"]),
        rank=int(row["contest_best_rank"]),
        of=int(row["contest_round_entries"]),
        score=fmt.decimal(row["contest_mean_score"]),
    )


def town_table(towns: pd.DataFrame, measure: str, *, english: bool) -> None:
    """The towns, one row each, with Chinese headers, ui.fmt's number rules, the simulated flag and
    each town's band on the chosen measure."""
    band_of = measure if measure in district.BANDED else district.SCORES.get(measure)
    shown = pd.DataFrame(
        {
            "town": towns["name_en" if english else "name"],
            "simulated": towns["simulated"].astype(bool),
            "residents": towns["residents"],
            "communities": towns["communities"],
            "cases": towns["cases"],
            "cityscore": towns["cityscore"],
            "in_grid_rate": towns["in_grid_rate"],
            "in_community_rate": towns["in_community_rate"],
            "urgent_in_community_rate": towns["urgent_in_community_rate"],
            "activities_per_1k": towns["activities_per_1k"],
            "satisfaction": towns["satisfaction"],
            "contest": [contest_text(row) for _, row in towns.iterrows()],
        }
    )
    config = {
        "town": st.column_config.TextColumn(t("district.col.town"), pinned=True),
        "simulated": st.column_config.CheckboxColumn(t("district.col.simulated")),
        "residents": fmt.column("count", t("district.col.residents")),
        "communities": fmt.column("count", t("district.col.communities")),
        "cases": fmt.column("count", t("district.col.cases")),
        "cityscore": st.column_config.NumberColumn(t("district.col.cityscore"), format="percent", step=0.01),
        "satisfaction": fmt.column("score", t("district.col.satisfaction")),
        "activities_per_1k": fmt.column("decimal", t("district.col.activities_per_1k")),
        "contest": st.column_config.TextColumn(t("district.col.contest")),
    }
    for rate in district.SHARES:
        config[rate] = fmt.column("rate", t(f"district.col.{rate}"))
    if band_of is not None:  # beside the name: the table is wider than a laptop's page
        shown.insert(2, "band", [band_text(b) for b in towns[f"band_{band_of}"]])
        config["band"] = st.column_config.TextColumn(t("district.col.band", measure=t(f"district.measure.{band_of}")))
    # every town in view at once (14 in 闵行区): a row is 35 px, the header one more
    height = 35 * (len(shown) + 1) + 3
    fmt.table(shown, column_config=config, hide_index=True, key="district_table", height=height)
