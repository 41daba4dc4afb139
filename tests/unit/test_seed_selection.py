"""The click-to-filter logic of the 四色种子 page, as plain functions (AppTest cannot click in a chart)."""

import datetime as dt

from analytics.filters import Filters
from ui import seed_selection as sel

# What Streamlit 1.67 hands the callback after a click on a bar / a funnel dot (recorded in the browser).
BAR_CLICK = {
    "selection": {
        "points": [
            {
                "curve_number": 0,
                "point_number": 0,
                "point_index": 0,
                "x": 334,
                "y": "红色种子",
                "label": "红色种子",
                "value": 334,
                "customdata": "red",
                "text": "334（+52%）",
                "marker_color": "#C62828",
            }
        ],
        "point_indices": [0],
        "box": [],
        "lasso": [],
    }
}
DOT_CLICK = {
    "selection": {
        "points": [
            {"curve_number": 5, "point_number": 0, "x": 3562, "y": 5.33, "customdata": "C01", "marker_size": 11}
        ],
        "point_indices": [0],
        "box": [],
        "lasso": [],
    }
}
NOTHING = {"selection": {"points": [], "point_indices": [], "box": [], "lasso": []}}
BASE = Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31), grid_ids=("G7",))


def test_the_clicked_value_comes_from_customdata():
    assert sel.picked_value(BAR_CLICK) == "red"
    assert sel.picked_value(DOT_CLICK) == "C01"
    assert sel.picked_value(NOTHING) is None
    assert sel.picked_value(None) is None
    assert sel.picked_value({"selection": {"points": [{"customdata": ["C05", 3]}]}}) == "C05"
    assert sel.picked_value({"selection": {"points": [{"x": 1}]}}) is None


def test_picks_narrow_the_filters_and_keep_the_sidebar():
    narrowed = sel.narrow(BASE, "white", "C30")
    assert narrowed.seed_colours == ("white",) and narrowed.community_ids == ("C30",)
    assert narrowed.grid_ids == ("G7",) and narrowed.start == BASE.start
    assert sel.narrow(BASE) == BASE
    assert sel.narrow(BASE, None, "C30").seed_colours is None
    # a pick outside what the filters already allow empties the page instead of widening it
    assert sel.narrow(BASE.replace(seed_colours=("red",)), "blue").seed_colours == ("",)
    assert sel.narrow(BASE.replace(community_ids=("C01",)), None, "C30").community_ids == ("",)


def test_a_click_picks_a_second_click_unpicks_and_clear_forgets():
    state = {}
    sel.apply_pick(state, "colour", sel.picked_value(BAR_CLICK))
    assert state[sel.COLOUR] == "red" and state[sel.COUNTER] == 1
    sel.apply_pick(state, "community", sel.picked_value(DOT_CLICK))
    assert state[sel.COMMUNITY] == "C01" and state[sel.COUNTER] == 2
    sel.apply_pick(state, "colour", "green")
    assert state[sel.COLOUR] == "green"
    sel.apply_pick(state, "colour", "green")
    assert sel.COLOUR not in state and state[sel.COMMUNITY] == "C01"
    sel.apply_pick(state, "colour", None)  # an emptied selection changes nothing
    sel.apply_pick(state, "colour", "purple")  # nor does a colour that does not exist
    assert sel.COLOUR not in state
    counter = state[sel.COUNTER]
    sel.clear(state)
    assert sel.COLOUR not in state and sel.COMMUNITY not in state and state[sel.COUNTER] == counter + 1
