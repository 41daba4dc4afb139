"""Deadlines and overdue matters (超期预警): deadlines per category × urgency versioned by date
(deadlines), each open matter's due time and holder, the watch list and the share closed within
deadline (matters), and the holders' lists sent to a webhook or written as files (notify;
`python -m analytics.overdue notify --db FILE --webhook URL`).

    analytics.overdue.overdue_matters(con, filters, scope, as_of)
    analytics.overdue.closed_within_deadline(con, filters, scope)
"""

from analytics.cases import CATEGORIES
from analytics.overdue.deadlines import DEFAULT_DEADLINES, EARLIEST, MAX_DAYS, deadlines, remove_deadline, set_deadline
from analytics.overdue.matters import (
    HOLDER_BY,
    ON_TIME_BY,
    STATUSES,
    WEEK_DAYS,
    closed_within_deadline,
    holders,
    overdue_matters,
)

__all__ = [
    "CATEGORIES",
    "DEFAULT_DEADLINES",
    "EARLIEST",
    "HOLDER_BY",
    "MAX_DAYS",
    "ON_TIME_BY",
    "STATUSES",
    "WEEK_DAYS",
    "closed_within_deadline",
    "deadlines",
    "holders",
    "overdue_matters",
    "remove_deadline",
    "set_deadline",
]
