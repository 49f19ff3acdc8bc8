#!/usr/bin/env python3
"""An upgrade at scale: the server started on a database of an older schema with millions of events, which it migrates
before it listens. Peak resident memory (VmHWM) and the seconds until it listens, per build.

Takes the 0043 upgrade fixture (tests/upgrade/0043: schema 43, so that 0044-0046 run, two of which index the events),
grows its events table with synthetic events to --events rows (INSERT ... SELECT through Python's sqlite3, the same
library; the ledger no longer matches them, which the server reports and which does not change the migration), then
for each round and each --bin upgrades a fresh copy by starting `qingfeng serve` on it. Builds alternate within a
round, so that each is measured beside the others on this shared machine.

    python3 bench/migrate/run.py --bin A --bin B [--events 5000000] [--rounds 2]
"""
import argparse
import lzma
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURE = os.path.join(ROOT, "tests", "upgrade", "0043")


def grow(path, events):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    top = db.execute("SELECT MAX(seq) FROM events").fetchone()[0]
    db.execute("BEGIN")
    # A case's events ten at a time, a third of them reads (case.viewed): the kinds 0044 and 0045 index apart.
    db.execute(f"""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {events - top})
        INSERT INTO events(seq, time, actor, kind, subject, payload, salt)
        SELECT {top} + i, '2026-06-01T08:00:00Z', 'user' || (i % 5000),
               CASE WHEN i % 3 = 0 THEN 'case.viewed' ELSE 'case.step' END, 'case:' || (i / 10),
               '{{"note":"' || hex(randomblob(50)) || '"}}', randomblob(16) FROM n""")
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def upgrade(binary, source, work):
    db = os.path.join(work, "upgrade.db")
    for suffix in ("-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    shutil.copyfile(source, db)
    for key in ("ledger", "vault"):
        shutil.copyfile(os.path.join(FIXTURE, f"qingfeng.db.{key}.key"), f"{db}.{key}.key")
        os.chmod(f"{db}.{key}.key", 0o600)
    log = open(os.path.join(work, "serve.log"), "w+")
    start = time.monotonic()
    server = subprocess.Popen([binary, "--data", os.path.join(ROOT, "data"), "serve", "--db", db,
                               "--listen", "127.0.0.1:0"], stdout=log, stderr=subprocess.STDOUT)
    try:
        while True:
            log.seek(0)
            if "listening" in log.read():
                break
            if server.poll() is not None:
                sys.exit(f"{binary} stopped before listening:\n" + open(log.name).read()[-2000:])
            time.sleep(0.05)
        seconds = time.monotonic() - start
        with open(f"/proc/{server.pid}/status") as f:
            peak = next(int(line.split()[1]) for line in f if line.startswith("VmHWM"))
    finally:
        server.terminate()
        server.wait()
    version = subprocess.run([binary, "--data", os.path.join(ROOT, "data"), "version", "--db", db],
                             capture_output=True, text=True).stdout.strip().splitlines()[-1]
    return peak // 1024, seconds, version


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", action="append", required=True)
    ap.add_argument("--events", type=int, default=5_000_000)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="qf-bench-migrate-")
    try:
        source = os.path.join(work, "grown.db")
        with lzma.open(os.path.join(FIXTURE, "qingfeng.db.xz")) as src, open(source, "wb") as dst:
            shutil.copyfileobj(src, dst)
        t = time.monotonic()
        grow(source, args.events)
        print(f"fixture 0043 grown to {args.events} events, {os.path.getsize(source) >> 20} MB, "
              f"in {time.monotonic() - t:.0f} s")
        for r in range(args.rounds):
            for binary in args.bin:
                peak, seconds, version = upgrade(os.path.abspath(binary), source, work)
                print(f"round {r + 1} {binary}: peak RSS {peak} MB, {seconds:.1f} s to listening ({version})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
