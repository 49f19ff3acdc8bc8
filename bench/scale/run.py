#!/usr/bin/env python3
"""bench/scale: the console's own requests at real scale, as its users make them over HTTP on loopback.

Builds the demo database, times every list shape the console uses for each role (supervisor, clerk, a district
bureau's handler, a school's handler), the case detail, the dashboard, the supervision board, the export and
/healthz while four exports and two reports run. Then grows the database through the public intake API (the real
write path, wrk with post.lua) to each size asked and times the same requests again, so that the demo-sized run
is the baseline of the same run and how cost grows with the data is visible. Reports p50/p99 per request.
Usage: bench/scale/run.py [--sizes 10000,100000] [--repeat 30] [--bin build/qingfeng]
"""
import argparse
import http.client
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import qfserver  # noqa: E402

ROLES = {"supervisor": "supervisor", "clerk": "clerk", "district handler": "handler_yh", "school handler": "principal_yh001"}
LISTS = [
    ("newest 20", "/api/v1/cases?limit=20"),
    ("overdue", "/api/v1/cases?limit=20&overdue=true"),
    ("overdue & mine", "/api/v1/cases?limit=20&overdue=true&mine=true"),
    ("mine", "/api/v1/cases?limit=20&mine=true"),
    ("state=dispatched", "/api/v1/cases?limit=20&state=dispatched"),
    ("state=registered", "/api/v1/cases?limit=20&state=registered"),
    ("category=fees", "/api/v1/cases?limit=20&category=fees"),
    ("district", "/api/v1/cases?limit=20&district=%E7%91%B6%E6%B5%B7%E5%8C%BA"),
    ("received this month", "/api/v1/cases?limit=20&from=2026-11-01&to=2026-11-30"),
    ("q=收费 (common)", "/api/v1/cases?limit=20&q=%E6%94%B6%E8%B4%B9"),
    ("q=资料费 (common)", "/api/v1/cases?limit=20&q=%E8%B5%84%E6%96%99%E8%B4%B9"),
    ("q=车牌 (rarer)", "/api/v1/cases?limit=20&q=%E8%BD%A6%E7%89%8C"),
    ("q=收费 by relevance", "/api/v1/cases?limit=20&q=%E6%94%B6%E8%B4%B9&sort=relevance"),
    ("fees & state & month", "/api/v1/cases?limit=20&category=fees&state=registered&from=2026-11-01"),
]


def timed(client, path, repeat):
    times = []
    status = None
    for _ in range(repeat):
        t = time.perf_counter()
        status, _, _ = client.request("GET", path)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return status, statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def count_cases(db):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        return con.execute("SELECT count(*) FROM cases").fetchone()[0]
    finally:
        con.close()


def grow(port, db, target, conns=32):
    while True:
        have = count_cases(db)
        if have >= target:
            return have
        # ~3,000 submissions a second on this machine; ask for what is missing, at least 2 s.
        seconds = max(2, min(120, (target - have) // 2500 + 1))
        out = subprocess.run(["wrk", "-t1", "-c%d" % conns, "-d%ds" % seconds, "-s",
                              os.path.join(ROOT, "bench", "scale", "post.lua"), "http://127.0.0.1:%d/" % port],
                             capture_output=True, text=True)
        if "unexpected status" in out.stderr:
            raise RuntimeError(out.stderr[:500])


def healthz_under_load(port, clients, repeat):
    """/healthz p50/p99 while 4 exports and 2 report downloads run in a loop."""
    stop = threading.Event()

    def load(path):
        c = qfserver.Client(port)
        c.cookies, c.csrf = dict(clients["supervisor"].cookies), clients["supervisor"].csrf
        while not stop.is_set():
            c.request("GET", path)

    paths = ["/api/v1/cases/export"] * 4 + ["/api/v1/reports/bulletin?quarter=2026Q3&format=xlsx"] * 2
    threads = [threading.Thread(target=load, args=(p,), daemon=True) for p in paths]
    for t in threads:
        t.start()
    time.sleep(0.5)
    h = qfserver.Client(port)
    r = timed(h, "/healthz", repeat)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    return r


def measure(port, clients, repeat, label, rows):
    sup = clients["supervisor"]
    _, first, _ = sup.request("GET", "/api/v1/cases?limit=1")
    case_id = first["items"][0]["id"]
    for role, c in clients.items():
        for name, path in LISTS:
            status, p50, p99 = timed(c, path, repeat)
            rows.append((label, role, name, status, p50, p99))
    for name, path in [("case detail", "/api/v1/cases/%d" % case_id), ("dashboard (half year)", "/api/v1/stats?from=2026-06-01&to=2026-11-30"),
                       ("supervision board", "/api/v1/supervision"), ("export (10,000 rows)", "/api/v1/cases/export")]:
        status, p50, p99 = timed(sup, path, repeat if "export" not in name else max(3, repeat // 10))
        rows.append((label, "supervisor", name, status, p50, p99))
    status, p50, p99 = healthz_under_load(port, clients, repeat * 3)
    rows.append((label, "public", "/healthz with 4 exports and 2 reports running", status, p50, p99))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "qingfeng"))
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="qf-scale-")
    rows = []
    try:
        db = qfserver.build_demo(args.bin, work)
        s = qfserver.Server(args.bin, db, ["--no-rate-limits"]).start()
        try:
            clients = {}
            for role, user in ROLES.items():
                clients[role] = qfserver.Client(s.port)
                clients[role].login(user)
            sizes = [("demo (%d cases)" % count_cases(db), None)]
            sizes += [("%s cases" % f"{int(n):,}", int(n)) for n in args.sizes.split(",") if n]
            for label, n in sizes:
                if n:
                    have = grow(s.port, db, n)
                    label = "%s cases" % f"{have:,}"
                print("measuring at %s" % label, flush=True)
                measure(s.port, clients, args.repeat, label, rows)
        finally:
            s.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print("| size | role | request | status | p50 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    for label, role, name, status, p50, p99 in rows:
        print("| %s | %s | %s | %s | %.1f | %.1f |" % (label, role, name, status, p50, p99))


if __name__ == "__main__":
    main()
