#!/usr/bin/env python3
"""bench/placement/beside_draw: citizens' submissions while the leader draws a placement run over the demo's 43,000
children.

Every write goes through the one writer (storage/writer.h): while a writer command runs, a citizen's submission, a
sign-in's second step and a case opened (访问留痕) wait behind it. A run's draw (`POST /api/v1/placement/runs/{id}/draw`)
reads the year's eligible children and approved seats, draws their lottery numbers, runs deferred acceptance and the
min-cost-flow comparison and stores 43,000 results. In each round this requests a run (the supervisor, the leader as
witness), then has the leader draw it while another client posts anonymous public submissions one at a time (the
ledger receipt deferred), then publishes it (so the next round may request another). It reports the submissions'
latency beside the draw (p50 / p90 / max: the max is the longest a write waited), the same submissions with nothing
beside them just before, and the draw's own time. Several --bin alternate within each round, each on its own demo
database; medians of the rounds. Not part of `make test`.
Usage: bench/placement/beside_draw.py [--bin B]... [--rounds 3]
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
sys.path.insert(0, os.path.join(ROOT, "bench", "import"))
sys.path.insert(0, os.path.join(ROOT, "bench", "reads"))  # ahead of bench/import: its run.py is the one meant
import qfserver  # noqa: E402
from run import demo_dbs  # noqa: E402  (bench/reads/run.py)
from beside_check import alone, quantiles, submissions  # noqa: E402  (bench/import/beside_check.py)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", action="append", help="a binary to time (repeat to alternate several)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    bins = args.bin or [os.path.join(ROOT, "build", "qingfeng")]
    work = tempfile.mkdtemp(prefix="qf-bench-draw-")
    servers, results = [], {}
    try:
        for b, (d, db) in zip(bins, demo_dbs(bins, work)):
            os.environ["QINGFENG_KEY_DIR"] = d
            s = qfserver.Server(b, db, ["--no-rate-limits"]).start()
            sup, leader = qfserver.Client(s.port), qfserver.Client(s.port)
            sup.login("supervisor")
            witness = leader.login("leader")["account_id"]
            servers.append((b, s, sup, leader, witness))
        for r in range(args.rounds):
            for b, s, sup, leader, witness in servers:
                status, run, _ = sup.request("POST", "/api/v1/placement/runs", {"witness_account_id": witness})
                if status != 201:
                    raise SystemExit("%s: requesting a run failed: %s %s" % (b, status, run))
                baseline = alone(s.port)
                stop, beside = threading.Event(), []
                t = threading.Thread(target=submissions, args=(s.port, stop, beside))
                t.start()
                time.sleep(0.2)
                t0 = time.perf_counter()
                status, drawn, _ = leader.request("POST", "/api/v1/placement/runs/%d/draw" % run["id"],
                                                  {"public_value": "见证 %d" % r})
                took = time.perf_counter() - t0
                time.sleep(0.2)
                stop.set()
                t.join()
                if status != 200 or drawn.get("state") != "run":
                    raise SystemExit("%s: the draw failed: %s %s" % (b, status, str(drawn)[:300]))
                status, published, _ = sup.request("POST", "/api/v1/placement/runs/%d/publish" % run["id"])
                if status != 200:
                    raise SystemExit("%s: publishing failed: %s %s" % (b, status, str(published)[:300]))
                row = quantiles(baseline) + quantiles(beside) + (len(beside), took)
                results.setdefault(b, []).append(row)
                print("round %d %s: alone p50 %.1f p90 %.1f max %.1f ms | beside p50 %.1f p90 %.1f max %.1f ms (%d) | "
                      "the draw %.2f s (%d placed)" % ((r + 1, b) + row + (drawn["summary"]["placed"],)), flush=True)
        print("\n| binary | submission alone: p50 / p90 / max ms | beside the draw: p50 / p90 / max ms |"
              " submissions answered | the draw, s |")
        print("|---|---|---|---|---|")
        for b in bins:
            med = [statistics.median(v[i] for v in results[b]) for i in range(8)]
            print("| %s | %.1f / %.1f / %.1f | %.1f / %.1f / %.1f | %.0f | %.2f |" % ((b,) + tuple(med)))
    finally:
        for _, s, *_ in servers:
            s.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
