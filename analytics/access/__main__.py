"""`python -m analytics.access`: see analytics.access.cli."""

from analytics.access.cli import main

raise SystemExit(main())
