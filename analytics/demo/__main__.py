"""`python -m analytics.demo`: write the demo boundaries, or build a demo world (--db FILE [--district])."""

from analytics.demo.generate import main

main()
