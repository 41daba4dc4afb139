"""python -m analytics.overdue notify --db FILE [--webhook URL] [--out DIR] [--as-of DATE]

Sends each holder's list of overdue matters and matters due this week (analytics.overdue.notify), for
a scheduler such as cron. The webhook's address is --webhook, else $JIANGCHUAN_NOTIFY_WEBHOOK; --out
writes the same lists as files (JSON and a plain text for e-mail). Exit 0 when every list went out,
1 when any could not be sent or the database could not be read (the message says which and why), 2
for a wrong command line.
"""

from __future__ import annotations

import argparse
import os
import sys

from analytics.core import connection as db
from analytics.core.errors import DataError
from analytics.overdue import notify
from words import msg


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics.overdue", description=__doc__.split("\n\n")[1])
    commands = parser.add_subparsers(dest="command", required=True)
    send = commands.add_parser("notify", help="send or write each holder's list of overdue matters")
    send.add_argument("--db", help="the database file (default: $JIANGCHUAN_DB or data/jiangchuan.duckdb)")
    send.add_argument("--webhook", help=f"the gateway's URL (default: ${notify.ENV_WEBHOOK})")
    send.add_argument("--out", help="also write each list as files into this folder")
    send.add_argument("--as-of", help="the moment to judge by, e.g. 2024-06-30 (default: the data's latest)")
    send.add_argument("--timeout", type=float, default=notify.TIMEOUT_S, help="seconds per attempt")
    args = parser.parse_args(argv)
    url = args.webhook or os.environ.get(notify.ENV_WEBHOOK) or None
    if url is None and args.out is None:
        parser.error(str(msg("err.overdue.nowhere", env=notify.ENV_WEBHOOK)))
    try:
        con = db.connect_for_reading(args.db)
        try:
            lists = notify.holder_lists(con, args.as_of)
        finally:
            con.close()
        if args.out:
            written = notify.write_files(lists, args.out)
            print(f"{len(lists)} holder lists written to {args.out} ({len(written)} files)")
        if url:
            sent = notify.post_all(lists, url, timeout_s=args.timeout)
            print(f"{len(sent.delivered)} of {len(lists)} holder lists sent")
            for holder, why in sent.failed:
                print(f"{holder}: {why}", file=sys.stderr)
            if sent.failed:
                return 1
    except DataError as exc:  # a missing or busy database, a wrong date or address
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
