#!/usr/bin/env python3
"""bench/intake: durable submissions per second over HTTP on loopback, group commit against the baseline.

Workloads (each round runs all three, alternating, each against a fresh database, so that they share the
machine's state; the machine is shared and noisy, so medians over rounds are reported):
  group        the server as shipped: commands batched into one transaction and one fsync, every event a
               ledger leaf appended in that transaction
  no-ledger    the same with --no-ledger: the ledger's share of intake is 1 - group/no-ledger
  per-request  the same binary with --no-group-commit: one transaction and one fsync per submission
Then the demo database served under the group workload, for peak resident memory (VmHWM).
Every submission is acknowledged only after its commit (SQLite: synchronous=FULL, WAL; PostgreSQL: fsync and
synchronous_commit on), so each 201 is durable. With --backends sqlite,postgres every round runs each workload on
both, PostgreSQL on a throwaway cluster (scripts/pg-cluster.sh) started for the run.
Usage: bench/intake/run.py [--seconds 10] [--connections 64] [--rounds 3] [--backends sqlite,postgres]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import qfserver  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "bench"))
import wrk as benchwrk  # noqa: E402


def wrk(port, seconds, conns):
    return benchwrk.run(port, seconds, conns, os.path.join(ROOT, "bench", "intake", "post.lua"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "qingfeng"))
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--backends", default="sqlite")
    args = ap.parse_args()
    backends = args.backends.split(",")
    work = tempfile.mkdtemp(prefix="qf-bench-")
    cluster = tempfile.mkdtemp(prefix="qf-bench-pg-")  # its own: the server runs as postgres when we are root
    if "postgres" in backends:
        subprocess.run([os.path.join(ROOT, "scripts", "pg-cluster.sh"), "start", cluster], check=True, stdout=subprocess.DEVNULL)
    modes = [(b, m) for b in backends for m in ("group", "no-ledger", "per-request")]
    results = {key: [] for key in modes}
    try:
        for r in range(args.rounds):
            for backend, mode in modes:
                qfserver.PG_HOST = cluster if backend == "postgres" else ""
                db = qfserver.new_database(work, "%s_%d" % (mode.replace("-", "_"), r))
                extra = {"group": [], "no-ledger": ["--no-ledger"], "per-request": ["--no-group-commit"]}[mode]
                extra = extra + ["--no-rate-limits"]  # one loopback client is the whole load
                s = qfserver.Server(args.bin, db, extra).start()
                rps, p50, p99, bad = wrk(s.port, args.seconds, args.connections)
                s.stop()
                results[(backend, mode)].append((rps, p50, p99, bad))
                print("round %d %-8s %-12s %8.0f/s  p50 %6.2f ms  p99 %6.2f ms  non-201 %d" %
                      (r + 1, backend, mode, rps, p50, p99, bad), flush=True)
        qfserver.PG_HOST = ""
        db = qfserver.build_demo(args.bin, work)
        s = qfserver.Server(args.bin, db, ["--no-rate-limits"]).start()
        time.sleep(0.5)
        status = "/proc/%d/status" % s.proc.pid
        idle = int(re.search(r"VmHWM:\s+(\d+)", open(status).read()).group(1))
        wrk(s.port, args.seconds, args.connections)
        peak = int(re.search(r"VmHWM:\s+(\d+)", open(status).read()).group(1))
        s.stop()
    finally:
        if "postgres" in backends:
            subprocess.run([os.path.join(ROOT, "scripts", "pg-cluster.sh"), "stop", cluster])
        shutil.rmtree(work, ignore_errors=True)
    med = {m: [statistics.median(x[i] for x in v) for i in range(3)] for m, v in results.items()}
    print()
    print("| backend | workload | submissions/s (median of %d) | p50 ms | p99 ms |" % args.rounds)
    print("|---|---|---|---|---|")
    for b, m in modes:
        print("| %s | %s | %.0f | %.2f | %.2f |" % (b, m, med[(b, m)][0], med[(b, m)][1], med[(b, m)][2]))
    print()
    for b in backends:
        print("%s: ratio group / per-request (medians) %.2f; ledger's share of intake throughput %.1f%%"
              % (b, med[(b, "group")][0] / med[(b, "per-request")][0],
                 100 * (1 - med[(b, "group")][0] / med[(b, "no-ledger")][0])))
    if len(backends) == 2:
        print("group commit, %s / %s (medians): %.2f" % (backends[0], backends[1],
                                                        med[(backends[0], "group")][0] / med[(backends[1], "group")][0]))
    print("peak resident memory, demo loaded: %d MiB idle, %d MiB after %ds of load" % (idle // 1024, peak // 1024, args.seconds))
    if any(x[3] for v in results.values() for x in v):
        print("FAIL: some submissions were not answered 201")
        sys.exit(1)


if __name__ == "__main__":
    main()
