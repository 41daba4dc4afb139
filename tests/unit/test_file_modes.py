"""Files the command-line tools write beside the database are the owner's only, whatever the umask of
the shell that runs them (the app sets its own; a cron job or an operator's shell has 022)."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from analytics import refresh


def test_the_rollups_command_keeps_the_write_ahead_log_private(demo_db_path, tmp_path, monkeypatch):
    path = tmp_path / "cli.duckdb"
    shutil.copy(demo_db_path, path)
    os.chmod(path, 0o600)
    wal = Path(str(path) + ".wal")
    seen = []
    real_refresh = refresh.refresh

    def refresh_then_look(con):
        done = real_refresh(con)
        con.execute("CREATE OR REPLACE TABLE mode_probe AS SELECT 1 AS one")  # the log holds a commit now
        seen.append(stat.S_IMODE(wal.stat().st_mode))
        return done

    monkeypatch.setattr(refresh, "refresh", refresh_then_look)
    previous = os.umask(0o022)
    try:
        assert refresh.main([str(path)]) == 0
    finally:
        os.umask(previous)
    assert seen == [0o600]
