"""What the domains read, and where it comes from: the rollups kept beside the fact tables.

Modules: source (the one read seam: a `Warehouse` — a connection, the policy and its freshness answers —
gives each query the rollups while they are current or the raw tables in the same columns), rollups (the
daily and monthly sums, their definitions and VERSION, whether they are current), percentiles (exact
medians from the durations' buckets). The step that rebuilds them is analytics.refresh.
"""
