#!/usr/bin/env python3
"""bench/intake: durable submissions per second over HTTP on loopback, group commit against the baseline.

Workloads (each round runs all three, alternating, each against a fresh database, so that they share the
machine's state; the machine is shared and noisy, so medians over rounds are reported):
  group        the server as shipped: commands batched into one transaction and one fsync, every event a
               ledger leaf appended in that transaction
  no-ledger    the same with --no-ledger: the ledger's share of intake is 1 - group/no-ledger
  per-request  the same binary with --no-group-commit: one transaction and one fsync per submission
Then the demo database served under the group workload, for peak resident memory (VmHWM).
Every submission is acknowledged only after its commit (synchronous=FULL, WAL), so each 201 is durable.
Usage: bench/intake/run.py [--seconds 10] [--connections 64] [--rounds 3]
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


def wrk(port, seconds, conns):
    out = subprocess.run(["wrk", "-t1", "-c%d" % conns, "-d%ds" % seconds, "--latency", "-s",
                          os.path.join(ROOT, "bench", "intake", "post.lua"), "http://127.0.0.1:%d/" % port],
                         capture_output=True, text=True)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out.stdout).group(1))
    lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out.stdout, re.M))
    bad = out.stderr.count("unexpected status")
    return rps, lat.get("50", "?"), lat.get("99", "?"), bad


def to_ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    if not m:
        return float("nan")
    x = float(m.group(1))
    return x / 1000 if m.group(2) == "us" else x * 1000 if m.group(2) == "s" else x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "qingfeng"))
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="qf-bench-")
    results = {"group": [], "no-ledger": [], "per-request": []}
    try:
        for r in range(args.rounds):
            for mode in ("group", "no-ledger", "per-request"):
                db = os.path.join(work, "%s-%d.db" % (mode, r))
                extra = {"group": [], "no-ledger": ["--no-ledger"], "per-request": ["--no-group-commit"]}[mode]
                extra = extra + ["--no-rate-limits"]  # one loopback client is the whole load
                s = qfserver.Server(args.bin, db, extra).start()
                rps, p50, p99, bad = wrk(s.port, args.seconds, args.connections)
                s.stop()
                results[mode].append((rps, to_ms(p50), to_ms(p99), bad))
                print("round %d %-12s %8.0f/s  p50 %6.2f ms  p99 %6.2f ms  non-201 %d" %
                      (r + 1, mode, rps, to_ms(p50), to_ms(p99), bad), flush=True)
        db = qfserver.build_demo(args.bin, work)
        s = qfserver.Server(args.bin, db, ["--no-rate-limits"]).start()
        time.sleep(0.5)
        status = "/proc/%d/status" % s.proc.pid
        idle = int(re.search(r"VmHWM:\s+(\d+)", open(status).read()).group(1))
        wrk(s.port, args.seconds, args.connections)
        peak = int(re.search(r"VmHWM:\s+(\d+)", open(status).read()).group(1))
        s.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    med = {m: [statistics.median(x[i] for x in v) for i in range(3)] for m, v in results.items()}
    print()
    print("| workload | submissions/s (median of %d) | p50 ms | p99 ms |" % args.rounds)
    print("|---|---|---|---|")
    for m in ("group", "no-ledger", "per-request"):
        print("| %s | %.0f | %.2f | %.2f |" % (m, med[m][0], med[m][1], med[m][2]))
    print()
    print("ratio group / per-request (medians): %.2f" % (med["group"][0] / med["per-request"][0]))
    print("ledger's share of intake throughput: %.1f%%" % (100 * (1 - med["group"][0] / med["no-ledger"][0])))
    print("peak resident memory, demo loaded: %d MiB idle, %d MiB after %ds of load" % (idle // 1024, peak // 1024, args.seconds))
    if any(x[3] for v in results.values() for x in v):
        print("FAIL: some submissions were not answered 201")
        sys.exit(1)


if __name__ == "__main__":
    main()
