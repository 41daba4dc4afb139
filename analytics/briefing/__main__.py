"""python -m analytics.briefing --month 2024-06 --out DIR [--grid G1] [--db FILE] [--lang en]

Writes the month's briefing (PDF and PPTX) into DIR for a scheduler such as cron. The database is opened
read-only and nothing is built; a month without data, an unknown grid or month, or a database that
cannot be opened print what to do and exit with status 1 (cron mails it), writing no file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import words
from analytics.briefing.files import write
from analytics.core import connection as db
from analytics.core.errors import DataError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics.briefing", description="Write a month's briefing.")
    parser.add_argument("--month", required=True, help="the month, e.g. 2024-06")
    parser.add_argument("--out", required=True, type=Path, help="the folder to write the PDF and PPTX into")
    parser.add_argument("--grid", help="one grid's briefing (its grid_id, e.g. G1) instead of the subdistrict's")
    parser.add_argument("--db", help="the database file (default: $JIANGCHUAN_DB or data/jiangchuan.duckdb)")
    parser.add_argument("--lang", choices=tuple(words.LANGUAGES), default="zh")
    args = parser.parse_args(argv)
    try:
        con = db.connect_for_reading(args.db)
        try:
            written = write(con, args.month, args.out, grid_id=args.grid, lang=args.lang)
        finally:
            con.close()
    except DataError as exc:
        print(words.said(exc, args.lang), file=sys.stderr)
        return 1
    for path in written:
        print(words.text("briefing.cli.wrote", args.lang, path=path))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
