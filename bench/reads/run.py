#!/usr/bin/env python3
"""bench/reads: requests per second of the reads a district handler makes all day, on the demo database (SQLite),
with wrk (1 thread, 32 connections): a case's detail (random cases of the district; each opening is recorded first,
访问留痕, so it is also a write), the 20-row case list, the ledger's signed checkpoint and /healthz. Rounds
alternate the requests; medians of the rounds. wrk must be installed. Not part of `make test`.
Usage: bench/reads/run.py [--seconds 8] [--rounds 3] [--connections 32] [--bin build/qingfeng]
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import qfserver  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "bench"))
import wrk as benchwrk  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "qingfeng"))
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=32)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="qf-bench-reads-")
    os.environ["QINGFENG_KEY_DIR"] = work
    try:
        db = qfserver.build_demo(args.bin, work)
        s = qfserver.Server(args.bin, db, ["--no-rate-limits"]).start()
        try:
            c = qfserver.Client(s.port)
            c.login("handler_yh")
            cookie = "; ".join("%s=%s" % kv for kv in c.cookies.items())
            _, page, _ = c.request("GET", "/api/v1/cases?limit=500")
            ids = [str(x["id"]) for x in page["items"]]
            runs = [
                ("case detail (random cases of the district)", os.path.join(ROOT, "bench", "standby", "detail.lua"),
                 {"QF_COOKIE": cookie, "QF_IDS": ",".join(ids)}),
                ("case list, 20 rows", os.path.join(HERE, "get.lua"), {"QF_COOKIE": cookie, "QF_PATH": "/api/v1/cases?limit=20"}),
                ("signed checkpoint", os.path.join(HERE, "get.lua"), {"QF_COOKIE": "", "QF_PATH": "/ledger/checkpoint"}),
                ("/healthz", os.path.join(HERE, "get.lua"), {"QF_COOKIE": "", "QF_PATH": "/healthz"}),
            ]
            results = {name: [] for name, _, _ in runs}
            for r in range(args.rounds):
                for name, script, env in runs:
                    rps, p50, p99, bad = benchwrk.run(s.port, args.seconds, args.connections, script, env=env)
                    results[name].append((rps, p50, p99))
                    print("round %d %-45s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms%s"
                          % (r + 1, name, rps, p50, p99, "  (%d errors)" % bad if bad else ""), flush=True)
        finally:
            s.stop()
        print("\n| request (%d cases in the district's list) | requests/s | p50 ms | p99 ms |" % len(ids))
        print("|---|---|---|---|")
        for name, _, _ in runs:
            x = results[name]
            print("| %s | %s | %.2f | %.2f |" % (name, format(round(statistics.median(v[0] for v in x)), ","),
                                               statistics.median(v[1] for v in x), statistics.median(v[2] for v in x)))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
