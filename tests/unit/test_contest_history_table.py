"""历次排名: every community is marked in every round — entered, not entered, or entered once."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ui.contest_view import history_table


def test_rounds_not_entered_and_single_entries_are_named() -> None:
    rows = [
        # community, round, held_on, entries, rank, previous_rank, rounds_entered
        ("A", "R1", dt.date(2024, 6, 1), 3, 2, None, 2),
        ("A", "R2", dt.date(2025, 6, 1), 4, 1, 2, 2),
        ("B", "R2", dt.date(2025, 6, 1), 4, 3, None, 1),
        ("C", "R1", dt.date(2024, 6, 1), 3, 1, None, 1),
    ]
    history = pd.DataFrame(
        [
            {
                "community_id": c,
                "short_name": c,
                "round_id": r,
                "round_name": r,
                "held_on": h,
                "entries_in_round": n,
                "rank": k,
                "previous_rank": p,
                "rounds_entered": e,
            }
            for c, r, h, n, k, p, e in rows
        ]
    )
    history["previous_rank"] = history["previous_rank"].astype("Int64")  # as rank_history returns it
    table = history_table(history).set_index("居民区")
    r1, r2 = "R1（3个作品）", "R2（4个作品）"
    assert table.loc["B", r1] == "未参加" and table.loc["C", r2] == "未参加"
    assert table.loc["A", r2] == "第1名/共4个"
    assert table.loc["B", "最近一次变化"] == table.loc["C", "最近一次变化"] == "仅参加一场（图中无连线）"
    assert table.loc["A", "最近一次变化"] not in ("", "仅参加一场（图中无连线）")
    assert not table.isna().any().any() and "" not in table.to_numpy()
    assert list(table.index) == ["A", "B", "C"]  # who entered the latest round first, by rank
