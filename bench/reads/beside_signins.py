#!/usr/bin/env python3
"""bench/reads/beside_signins: a district handler's reads at full load while staff sign in beside them.

Each sign-in's first step verifies a password: an Argon2id hash at libsodium's interactive limits, a few hundred
milliseconds of one core on this machine, run on the hash pool (auth/signin.cc). This times two of the reads
bench/reads/run.py times (wrk, 1 thread, 32 connections: the 20-row case list and random case details) while
--signers clients each post the password step again and again for the demo accounts, and reports the reads'
rate and latency, the sign-in steps' latency and how many were answered, and the server's CPU. --signers 0 gives the
reads alone. Several --bin alternate within each round, each on its own demo database; medians of the rounds.
wrk must be installed. Not part of `make test`.
Usage: bench/reads/beside_signins.py [--bin B]... [--seconds 8] [--rounds 3] [--signers 2] [--connections 32]
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
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.path.insert(0, HERE)
import qfserver  # noqa: E402
import wrk as benchwrk  # noqa: E402
from run import cpu_seconds, demo_dbs, handler_requests  # noqa: E402  (bench/reads/run.py)

ACCOUNTS = ["clerk", "handler", "handler_fin", "supervisor", "leader", "head_yh", "principal_yh001", "handler_yh"]
READS = ("case list, 20 rows", "case detail (random cases of the district)")


def sign_in_loop(port, stop, times, offset):
    """Posts the password step for the demo accounts in turn until `stop`; appends each answer's ms to `times`."""
    c = qfserver.Client(port)
    i = offset
    while not stop.is_set():
        c.cookies = {}
        t0 = time.perf_counter()
        status, _, _ = c.request("POST", "/api/v1/auth/login",
                                 {"username": ACCOUNTS[i % len(ACCOUNTS)], "password": qfserver.DEMO_PASSWORD})
        if status == 200:
            times.append((time.perf_counter() - t0) * 1000)
        i += 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", action="append", help="a binary to time (repeat to alternate several)")
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--signers", type=int, default=2, help="clients signing in beside the reads (0: none)")
    ap.add_argument("--connections", type=int, default=32)
    args = ap.parse_args()
    bins = args.bin or [os.path.join(ROOT, "build", "qingfeng")]
    work = tempfile.mkdtemp(prefix="qf-bench-signins-")
    results = {}  # (binary, request) -> [(rps, p50, p99, sign-ins answered, sign-in p50, p90, server CPU s/s)]
    try:
        dbs = demo_dbs(bins, work)
        for r in range(args.rounds):
            for b, (d, db) in zip(bins, dbs):
                os.environ["QINGFENG_KEY_DIR"] = d
                for name in READS:
                    s = qfserver.Server(b, db, ["--no-rate-limits"]).start()
                    try:
                        script, env = next((sc, en) for n, sc, en in handler_requests(s.port) if n == name)
                        benchwrk.run(s.port, 2, args.connections, script, env=env)  # warm-up
                        stop, signed = threading.Event(), []
                        signers = [threading.Thread(target=sign_in_loop, args=(s.port, stop, signed, k))
                                   for k in range(args.signers)]
                        for t in signers:
                            t.start()
                        before = cpu_seconds(s.proc.pid)
                        rps, p50, p99, bad = benchwrk.run(s.port, args.seconds, args.connections, script, env=env)
                        cpu = (cpu_seconds(s.proc.pid) - before) / args.seconds
                        stop.set()
                        for t in signers:
                            t.join()
                        q = sorted(signed)
                        sp50 = q[len(q) // 2] if q else float("nan")
                        sp90 = q[int(len(q) * 0.9)] if q else float("nan")
                        results.setdefault((b, name), []).append((rps, p50, p99, len(q), sp50, sp90, cpu))
                        print("round %d %s %-42s %7.0f req/s  p50 %6.2f  p99 %7.2f ms  | %3d sign-ins, p50 %6.0f  p90 %6.0f ms"
                              "  | server %.2f cores%s" % (r + 1, b, name, rps, p50, p99, len(q), sp50, sp90, cpu,
                                                          "  (%d errors)" % bad if bad else ""), flush=True)
                    finally:
                        s.stop()
        print("\n| binary | read | requests/s | p50 ms | p99 ms | sign-ins answered | sign-in p50 / p90 ms | server cores |")
        print("|---|---|---|---|---|---|---|---|")
        for name in READS:
            for b in bins:
                x = results[(b, name)]
                med = [statistics.median(v[i] for v in x) for i in range(7)]
                print("| %s | %s | %s | %.2f | %.2f | %.0f | %.0f / %.0f | %.2f |" % (
                    b, name, format(round(med[0]), ","), med[1], med[2], med[3], med[4], med[5], med[6]))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
