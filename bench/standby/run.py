#!/usr/bin/env python3
"""bench/standby: read throughput of the case detail as a supervisor opens it, with reads on the primary alone,
spread over the primary and a hot standby, and on the standby alone (--read-db). A PostgreSQL primary and a
streaming standby (pg_basebackup -R) are started for the run (scripts/pg-cluster.sh) with the demo database; each
round runs every layout against the same clusters; medians of the rounds. wrk must be installed.
Usage: bench/standby/run.py [--seconds 10] [--rounds 3] [--connections 16]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import pgcluster  # noqa: E402
import qfserver  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "bench"))
import wrk as benchwrk  # noqa: E402


def wrk(port, seconds, conns, cookie, ids):
    return benchwrk.run(port, seconds, conns, os.path.join(ROOT, "bench", "standby", "detail.lua"),
                        env={"QF_COOKIE": cookie, "QF_IDS": ",".join(ids)})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "qingfeng"))
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=16)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="qf-bench-standby-")
    os.environ["QINGFENG_KEY_DIR"] = work
    try:
        pdir, primary = pgcluster.primary()
        subprocess.run([args.bin, "--data", os.path.join(ROOT, "data"), "demo", "--db", primary], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, standby = pgcluster.standby(pdir)
        ids = pgcluster.psql(primary, "SELECT string_agg(id::text, ',') FROM cases").split(",")
        layouts = [("primary alone", []), ("primary + standby", ["--read-db", primary, "--read-db", standby]),
                   ("standby alone", ["--read-db", standby])]
        results = {name: [] for name, _ in layouts}
        for r in range(args.rounds):
            for name, extra in layouts:
                s = qfserver.Server(args.bin, primary, ["--no-rate-limits"] + extra).start()
                try:
                    c = qfserver.Client(s.port)
                    c.login("supervisor")
                    cookie = "; ".join("%s=%s" % kv for kv in c.cookies.items())
                    rps, p50, p99, bad = wrk(s.port, args.seconds, args.connections, cookie, ids)
                finally:
                    s.stop()
                results[name].append((rps, p50, p99))
                print("round %d %-18s %8.0f req/s  p50 %6.1f ms  p99 %6.1f ms%s"
                      % (r + 1, name, rps, p50, p99, "  (%d errors)" % bad if bad else ""), flush=True)
        base = statistics.median(x[0] for x in results["primary alone"])
        print("\n| reads on | case details/s | p50 ms | p99 ms | vs primary alone |")
        print("|---|---|---|---|---|")
        for name, _ in layouts:
            rps = statistics.median(x[0] for x in results[name])
            print("| %s | %s | %.1f | %.1f | %.2f× |" % (
                name, format(round(rps), ","), statistics.median(x[1] for x in results[name]),
                statistics.median(x[2] for x in results[name]), rps / base))
    finally:
        pgcluster.stop_all()


if __name__ == "__main__":
    main()
