"""One run of a page reads through one warehouse (ui/data.py): the analytics functions it calls get the
run's warehouse as their connection, so the rollups' freshness is asked once per run, and a write in
the run (an import refreshes the rollups) makes the rest of the run ask again."""

from __future__ import annotations

import datetime as dt

from analytics import overview, refresh
from analytics.core import connection
from analytics.filters import Filters
from analytics.warehouse import rollups, source
from ui import data

YEAR = Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def test_a_page_run_reads_through_one_warehouse(fresh_con, monkeypatch):
    asked = []
    real_scalar = connection.scalar

    def counting(c, sql, *args, **kwargs):
        if sql == rollups._READY_SQL:
            asked.append(sql)
        return real_scalar(c, sql, *args, **kwargs)

    monkeypatch.setattr(connection, "scalar", counting)
    monkeypatch.setattr(data, "connection", lambda: fresh_con)

    assert data._reader() is fresh_con  # outside a run: the plain connection, a fresh check per call
    with data.page_run():
        run = data._reader()
        assert isinstance(run, source.Warehouse) and run.con is fresh_con and data._reader() is run
        overview.headline(run, YEAR)
        overview.monthly_trend(data._reader(), YEAR)
        assert len(asked) == 1 and run.source is source.ROLLUPS
        data.write(refresh.refresh)  # e.g. an import: the run forgets what it was told
        overview.headline(data._reader(), YEAR)
        assert len(asked) == 2
    assert data._reader() is fresh_con
    with data.page_run():  # the next run: a warehouse of its own
        assert data._reader() is not run
