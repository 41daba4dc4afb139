"""What the domains read, and where it comes from: the rollups kept beside the fact tables.

Modules: rollups (the daily and monthly sums, their definitions and version, whether they are current),
percentiles (exact medians from the durations' buckets). The step that rebuilds them is analytics.refresh.
"""
