"""One local Spark session for every Spark test of the run: a session takes about 10 s to start on the
2-core machine, and Spark allows one per process anyway. And the district demo world, built once."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from analytics import db
from analytics.demo import generate as demo
from analytics.warehouse.dialect import spark_session

# The district world's event volume for the Spark tests: at 0.01 every one of the 14 towns still has
# matters closed at each level (grid up to district), urgent and surveyed ones, activities and contest
# entries (at 0.005 the smallest towns are down to three urgent matters in two years), and the world
# builds in about 5 s.
DISTRICT_SCALE = 0.01


@pytest.fixture(scope="session")
def spark():
    # Hundreds of small queries: compiling each plan to Java costs more than it saves on a few thousand
    # rows, and one shuffle partition per core is enough. Adaptive execution plans every query stage
    # again once the one before it has run: on tables this small that is all cost (measured on the
    # district's 97 statements: 53 s instead of 83 s, 91 s of CPU instead of 150).
    session = spark_session(
        "local[2]",
        **{
            "spark.sql.codegen.wholeStage": "false",
            "spark.sql.shuffle.partitions": "2",
            "spark.sql.adaptive.enabled": "false",
        },
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def district_db_path(tmp_path_factory) -> Path:
    """The district demo world (闵行区's 14 街镇, 13 simulated), built once per session. Treat it as
    read-only; copy it to change it."""
    path = tmp_path_factory.mktemp("district") / "district.duckdb"
    con = duckdb.connect(str(path))
    db.create_schema(con)
    demo.build(con, scale=DISTRICT_SCALE, district=True)
    con.close()
    return path
