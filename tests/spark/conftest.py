"""One local Spark session for every Spark test of the run: a session takes about 10 s to start on the
2-core machine, and Spark allows one per process anyway."""

from __future__ import annotations

import pytest

from analytics.warehouse.dialect import spark_session


@pytest.fixture(scope="session")
def spark():
    # Hundreds of small queries: compiling each plan to Java costs more than it saves on a few thousand
    # rows, and one shuffle partition per core is enough.
    session = spark_session(
        "local[2]", **{"spark.sql.codegen.wholeStage": "false", "spark.sql.shuffle.partitions": "2"}
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
