"""python -m analytics.lake export --db FILE --to DIR
python -m analytics.lake import --lake DIR --town CODE --table TABLE FILE"""

from __future__ import annotations

import argparse
import sys

from analytics.core.errors import DataError
from analytics.lake import export, load


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics.lake", description="A lake of the facts (Parquet).")
    commands = parser.add_subparsers(dest="command", required=True)
    out = commands.add_parser("export", help="write a database as a lake")
    out.add_argument("--db", required=True, help="the database file")
    out.add_argument("--to", required=True, help="the lake folder (replaced whole when it is a lake)")
    into = commands.add_parser("import", help="one 街镇's ledger into a lake, with the importer's checks")
    into.add_argument("--lake", required=True)
    into.add_argument("--town", required=True, help="the 街镇's code, e.g. 310112001")
    into.add_argument("--table", required=True, help="grid_cases or seed_activities")
    into.add_argument("--sheet", help="the sheet of a workbook (default: the importer's choice)")
    into.add_argument("file")
    args = parser.parse_args(argv)
    try:
        if args.command == "export":
            manifest = export.export(args.db, args.to)
            print(
                f"lake written to {args.to}: data version {manifest.data_version}, towns {', '.join(manifest.towns)}, "
                + ", ".join(f"{t} {n:,} rows" for t, n in manifest.tables.items() if n)
            )
            return 0
        done = load.import_ledger(args.lake, args.town, args.table, args.file, sheet=args.sheet)
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 1
    report = done.report
    for row, column, value, problem in report.errors[:20]:
        print(f"row {row}, {column}, {value!r}: {problem}", file=sys.stderr)
    for note in report.notes:
        print(note)
    if report.errors:
        return 1
    print(
        f"{report.rows_imported} rows imported into {args.table} of {args.town}; lake data version {done.data_version}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
