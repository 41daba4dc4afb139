"""`python -m analytics.rollups [path]`, the command earlier READMEs named: the same as
`python -m analytics.refresh [path]`. The rollups themselves are analytics.warehouse.rollups."""

from analytics.refresh import main

if __name__ == "__main__":
    raise SystemExit(main())
