"""`analytics.filters.Filters`, where the design names it; defined in analytics.core.filters."""

from analytics.core.filters import Filters

__all__ = ["Filters"]
