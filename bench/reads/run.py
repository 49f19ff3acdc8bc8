#!/usr/bin/env python3
"""bench/reads: requests per second of the reads a district handler makes all day, on the demo database (SQLite),
with wrk (1 thread, 32 connections): a case's detail (random cases of the district; each opening is recorded first,
访问留痕, so it is also a write), the 20-row case list, the ledger's signed checkpoint and /healthz. Also the server's
CPU time per request (user + system, from /proc), which the machine's other work disturbs less than the rate.

Several --bin alternate within each round, each on a demo database of its own that it built (binaries of
different schema versions can be compared), each request on a fresh server after 2 s of warm-up; medians of the
rounds. wrk must be installed. Not part of `make test`.
Usage: bench/reads/run.py [--seconds 8] [--rounds 3] [--connections 32] [--only list,detail] [--bin B]...
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
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User and system time of process `pid` so far, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def demo_dbs(bins, work):
    """[(key directory, demo database)] for each binary in `bins`, each built by it in a directory of its own in `work`."""
    dbs = []
    for i, b in enumerate(bins):
        d = os.path.join(work, str(i))
        os.makedirs(d)
        os.environ["QINGFENG_KEY_DIR"] = d
        dbs.append((d, qfserver.build_demo(b, d)))
    return dbs


def handler_requests(port):
    """requests() for the district handler handler_yh, signed in to the server on `port`, and the district's cases."""
    c = qfserver.Client(port)
    c.login("handler_yh")
    _, page, _ = c.request("GET", "/api/v1/cases?limit=500")
    return requests("; ".join("%s=%s" % kv for kv in c.cookies.items()), [str(x["id"]) for x in page["items"]])


def requests(cookie, ids):
    """(name, wrk script, environment) of each request timed."""
    return [
        ("case detail (random cases of the district)", os.path.join(ROOT, "bench", "standby", "detail.lua"),
         {"QF_COOKIE": cookie, "QF_IDS": ",".join(ids)}),
        ("case list, 20 rows", os.path.join(HERE, "get.lua"), {"QF_COOKIE": cookie, "QF_PATH": "/api/v1/cases?limit=20"}),
        ("signed checkpoint", os.path.join(HERE, "get.lua"), {"QF_COOKIE": "", "QF_PATH": "/ledger/checkpoint"}),
        ("/healthz", os.path.join(HERE, "get.lua"), {"QF_COOKIE": "", "QF_PATH": "/healthz"}),
    ]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", action="append", help="a binary to time (repeat to alternate several)")
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--only", default="", help="time only the requests whose name contains one of these (comma-separated)")
    args = ap.parse_args()
    bins = args.bin or [os.path.join(ROOT, "build", "qingfeng")]
    only = [w for w in args.only.split(",") if w]
    work = tempfile.mkdtemp(prefix="qf-bench-reads-")
    results = {}  # (binary, request) -> [(rps, p50, p99, cpu µs per request)]
    names = []
    try:
        dbs = demo_dbs(bins, work)
        for r in range(args.rounds):
            for b, (d, db) in zip(bins, dbs):
                os.environ["QINGFENG_KEY_DIR"] = d
                # One server per request: the detail's recorded readings do not pile up under the next request.
                for k in range(len(requests("", []))):
                    s = qfserver.Server(b, db, ["--no-rate-limits"]).start()
                    try:
                        name, script, env = handler_requests(s.port)[k]
                        if name not in names:
                            names.append(name)
                        if only and not any(w in name for w in only):
                            continue
                        benchwrk.run(s.port, 2, args.connections, script, env=env)  # warm-up
                        before = cpu_seconds(s.proc.pid)
                        rps, p50, p99, bad = benchwrk.run(s.port, args.seconds, args.connections, script, env=env)
                        cpu = (cpu_seconds(s.proc.pid) - before) / (rps * args.seconds) * 1e6
                        results.setdefault((b, name), []).append((rps, p50, p99, cpu))
                        print("round %d %s %-45s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  %5.0f µs CPU/request%s"
                              % (r + 1, b, name, rps, p50, p99, cpu, "  (%d errors)" % bad if bad else ""), flush=True)
                    finally:
                        s.stop()
        print("\n| binary | request | requests/s | p50 ms | p99 ms | server CPU µs/request |")
        print("|---|---|---|---|---|---|")
        for name in names:
            for b in bins:
                x = results.get((b, name))
                if not x:
                    continue
                print("| %s | %s | %s | %.2f | %.2f | %.0f |" % (
                    b, name, format(round(statistics.median(v[0] for v in x)), ","), statistics.median(v[1] for v in x),
                    statistics.median(v[2] for v in x), statistics.median(v[3] for v in x)))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
