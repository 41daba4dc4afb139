"""The demo world: a simulated 江川路街道 for a first start, for tests and for benchmarks.

    analytics.demo.build(con, seed=2023, scale=1.0)    # into an empty schema

Modules: world (the subdistrict's grids, communities, partners and items, as seeds), generate (the
events — activities, cases, contest rounds — drawn from them), first_start (a database file built whole
or not at all, as `analytics.db.connect` does on a missing file). Everything it makes is labelled as
simulated wherever it is shown.
"""

from analytics.demo.generate import (
    ACTIVITIES_PER_SCALE,
    CASES_PER_SCALE,
    build,
)

__all__ = [
    "ACTIVITIES_PER_SCALE",
    "CASES_PER_SCALE",
    "build",
]
