#!/usr/bin/env python3
"""bench/reads/beside_writes: the supervisor's reads on a grown database while cases are being opened beside them.

In use the database is never still: every case a member of staff opens is recorded (访问留痕), public submissions
arrive. A read measured on a database nobody writes to can mislead (SQLite's readers start cold after any commit by
another connection). This times a few of the console's lists and a case's detail, one request at a time, while a
second client opens case details every 10 ms (each a write); --still times them without it, for comparison.
The database is the SQLite one bench/scale grew (--work DIR); each --bin (repeat to alternate several) serves it in turn,
so they must read the same schema version. Not part of `make test`.
Usage: bench/reads/beside_writes.py --work DIR [--bin B]... [--rounds 2] [--repeat 40] [--still]
"""
import argparse
import os
import statistics
import sys
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import qfserver  # noqa: E402

REQUESTS = [
    ("category=fees", "/api/v1/cases?limit=20&category=fees"),
    ("fees & registered", "/api/v1/cases?limit=20&category=fees&state=registered"),
    ("newest 20", "/api/v1/cases?limit=20"),
    ("q=收费", "/api/v1/cases?limit=20&q=" + urllib.parse.quote("收费")),
]


def measure(binary, work, repeat, still):
    """{request: [ms…]} for one server of `binary` on the database in `work`."""
    os.environ["QINGFENG_KEY_DIR"] = work
    time.sleep(30.5 - time.time() % 30)  # a fresh second-factor step for the supervisor's sign-in
    s = qfserver.Server(binary, os.path.join(work, "demo.db"), ["--no-rate-limits"]).start()
    stop = threading.Event()
    try:
        sup = qfserver.Client(s.port)
        sup.login("supervisor")
        beside = qfserver.Client(s.port)
        beside.cookies = dict(sup.cookies)
        _, page, _ = sup.request("GET", "/api/v1/cases?limit=100")
        ids = [x["id"] for x in page["items"]]

        def open_cases():
            i = 0
            while not stop.is_set():
                beside.request("GET", "/api/v1/cases/%d" % ids[i % len(ids)])
                i += 1
                time.sleep(0.01)

        opener = None if still else threading.Thread(target=open_cases)
        if opener:
            opener.start()
        out = {}
        for name, path in REQUESTS + [("case detail", "/api/v1/cases/%d" % ids[3])]:
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                status, _, _ = sup.request("GET", path)
                times.append((time.perf_counter() - t0) * 1000)
                if status != 200:
                    raise RuntimeError("%s answered %d" % (path, status))
                time.sleep(0.005)
            out[name] = times
        return out
    finally:
        stop.set()
        s.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True, help="a directory bench/scale grew a database in")
    ap.add_argument("--bin", action="append")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=40)
    ap.add_argument("--still", action="store_true", help="no case opened beside the reads")
    args = ap.parse_args()
    bins = args.bin or [os.path.join(ROOT, "build", "qingfeng")]
    times = {}
    for r in range(args.rounds):
        for b in bins:
            for name, t in measure(b, args.work, args.repeat, args.still).items():
                times.setdefault((b, name), []).extend(t)
                print("round %d %s %-20s p50 %6.1f ms" % (r + 1, b, name, statistics.median(t)), flush=True)
    print("\n| binary | request | p50 ms | p90 ms |")
    print("|---|---|---|---|")
    for (b, name), t in times.items():
        t.sort()
        print("| %s | %s | %.1f | %.1f |" % (b, name, statistics.median(t), t[int(len(t) * 0.9)]))


if __name__ == "__main__":
    main()
