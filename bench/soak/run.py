#!/usr/bin/env python3
"""bench/soak (`make soak`): a bounded soak of the server as its users load it, on loopback.

The demo database, the server with its usual limits off, and for --minutes (10 by default) a steady mix at fixed
rates, each kind from a thread of its own: public submissions (20/s), a clerk accepting registered cases (5/s), a
supervisor searching (10/s) and opening cases (10/s), ledger proofs of receipts given (10/s), a case-list export
(10,000 rows, every 10 s). Every 10 s it samples the server's resident memory, open files, the WAL's size and each
kind's p50/p99 over the interval into build/soak/soak.csv, and plots them (build/soak/soak.png, drawn with ECharts
from the web app's packages and rendered by Debian's chromium).

It passes when the server's own memory (RssAnon: resident memory less the database file's pages mapped for reading,
which the kernel reclaims at will) has stopped growing by the last fifth of the run (less than 2 MB and 2% over it:
SQLite's page caches, 8 MB per connection on about a dozen connections, fill as the new cases' pages are read, which
at this load takes most of ten minutes), open files likewise (within 2), the WAL stays below 64 MB (checkpoints keep
it bounded), no request failed, and the ledger verifies at the end. Usage: bench/soak/run.py [--minutes 10]
[--bin build/qingfeng] [--kinds submit,detail]
"""
import argparse
import csv
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import qfserver  # noqa: E402

KINDS = ["submit", "accept", "search", "detail", "proof", "export"]
RATES = {"submit": 20, "accept": 5, "search": 10, "detail": 10, "proof": 10, "export": 0.1}  # per second


class Load:
    """The requests of each kind, their latencies since the last sample, and failures."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = {k: [] for k in KINDS}
        self.counts = {k: 0 for k in KINDS}
        self.failures = []
        self.receipts = []
        self.stop = threading.Event()

    def record(self, kind, ms, ok, what=""):
        with self.lock:
            self.latencies[kind].append(ms)
            self.counts[kind] += 1
            if not ok:
                self.failures.append("%s: %s" % (kind, what))

    def take(self):
        with self.lock:
            out = self.latencies
            self.latencies = {k: [] for k in KINDS}
            return out


def paced(load, kind, rate, step):
    """Calls step() `rate` times a second (evenly spaced, catching up without bursts beyond a second)."""
    interval = 1.0 / rate
    next_at = time.monotonic()
    while not load.stop.is_set():
        now = time.monotonic()
        if now < next_at:
            time.sleep(min(next_at - now, 0.5))
            continue
        next_at = max(next_at + interval, now - 1.0)
        started = time.perf_counter()
        try:
            ok, what = step()
        except Exception as e:  # a dropped connection is a failure of the run, not of the runner
            ok, what = False, repr(e)
        load.record(kind, (time.perf_counter() - started) * 1000, ok, what)


def pct(values, q):
    if not values:
        return ""
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "qingfeng"))
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "soak"))
    ap.add_argument("--kinds", default=",".join(KINDS), help="a subset of the mix, to find what a trend comes from")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="qf-soak-")
    load = Load()
    server = None
    try:
        db = qfserver.build_demo(args.bin, work)
        server = qfserver.Server(args.bin, db, ["--no-rate-limits"]).start()
        pid = server.proc.pid
        clerk, sup = qfserver.Client(server.port), qfserver.Client(server.port)
        clerk.login("clerk")
        sup.login("supervisor")
        public = qfserver.Client(server.port)
        prover = qfserver.Client(server.port)
        exporter = qfserver.Client(server.port)
        exporter.cookies, exporter.csrf = dict(sup.cookies), sup.csrf
        searcher = qfserver.Client(server.port)
        searcher.cookies, searcher.csrf = dict(sup.cookies), sup.csrf
        n = [0]

        def submit():
            n[0] += 1
            # As the portal and 12345 integrations post: the ledger receipt follows from the next checkpoint.
            status, body, _ = public.request("POST", "/api/v1/public/cases?ledger_receipt=deferred", {
                "category": ["fees", "tutoring", "ethics"][n[0] % 3], "title": "持续负载测试 %d：收取资料费" % n[0],
                "content": "某校第%d次收取资料费和补课费，请核查。" % n[0], "anonymous": True})
            if status == 201:
                with load.lock:
                    load.receipts.append(body["receipt"])
            return status == 201, status

        def accept():
            status, page, _ = clerk.request("GET", "/api/v1/cases?state=registered&limit=1")
            if status != 200:
                return False, status
            if not page["items"]:
                return True, ""
            cid = page["items"][0]["id"]
            status, body, _ = clerk.request("POST", "/api/v1/cases/%d/transitions" % cid, {"action": "accept"})
            # Another step may have taken the same case first (409): not a failure of the server.
            return status in (200, 409), (status, body)

        def search():
            status, _, _ = searcher.request("GET", "/api/v1/cases?q=%E6%94%B6%E8%B4%B9&limit=20")
            return status == 200, status

        def detail():
            status, page, _ = sup.request("GET", "/api/v1/cases?limit=20")
            if status != 200 or not page["items"]:
                return False, status
            cid = page["items"][n[0] % len(page["items"])]["id"]
            status, _, _ = sup.request("GET", "/api/v1/cases/%d" % cid)
            return status == 200, status

        def proof():
            # A receipt given some seconds ago (a checkpoint covers it: one is signed every second under load).
            with load.lock:
                receipt = load.receipts[-100] if len(load.receipts) >= 100 else None
            if not receipt:
                return True, ""
            status, _, _ = prover.request("GET", "/api/v1/public/cases/%s/ledger" % receipt)
            return status == 200, status

        def export():
            status, _, _ = exporter.request("GET", "/api/v1/cases/export")
            return status == 200, status

        steps = {"submit": submit, "accept": accept, "search": search, "detail": detail, "proof": proof, "export": export}
        chosen = [k for k in args.kinds.split(",") if k]
        threads = [threading.Thread(target=paced, args=(load, k, RATES[k], steps[k]), daemon=True) for k in chosen]
        for t in threads:
            t.start()
        rows = []
        started = time.monotonic()
        end = started + args.minutes * 60
        while time.monotonic() < end:
            time.sleep(max(0.0, min(10.0, end - time.monotonic())))
            lat = load.take()
            with open("/proc/%d/status" % pid) as f:
                status = dict(line.split(":", 1) for line in f)
            kb = {k: int(status[k].split()[0]) for k in ("VmRSS", "RssAnon", "RssFile")}
            row = {"seconds": round(time.monotonic() - started), "rss_mb": round(kb["VmRSS"] / 1024, 1),
                   "anon_mb": round(kb["RssAnon"] / 1024, 1), "file_mb": round(kb["RssFile"] / 1024, 1),
                   "open_files": len(os.listdir("/proc/%d/fd" % pid)),
                   "wal_mb": round(os.path.getsize(db + "-wal") / 1048576, 2) if os.path.exists(db + "-wal") else 0}
            for k in KINDS:
                row[k + "_n"] = len(lat[k])
                row[k + "_p50"] = pct(lat[k], 0.5)
                row[k + "_p99"] = pct(lat[k], 0.99)
            rows.append(row)
            with load.lock:
                failed, first = len(load.failures), load.failures[:1]
            print("soak %4ds: rss %.1f MB (heap %.1f), files %d, wal %.2f MB, submit p50/p99 %s/%s ms, failures %d%s" % (
                row["seconds"], row["rss_mb"], row["anon_mb"], row["open_files"], row["wal_mb"], row["submit_p50"], row["submit_p99"],
                failed, " (first: %s)" % first[0] if first else ""), flush=True)
        load.stop.set()
        for t in threads:
            t.join(timeout=30)
        csv_path = os.path.join(args.out, "soak.csv")
        with open(csv_path, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
            w.writeheader()
            w.writerows(rows)
        server.stop()
        server = None
        qf = [args.bin, "--data", os.path.join(ROOT, "data")]
        key = subprocess.run(qf + ["ledger", "key", "--db", db], capture_output=True, text=True).stdout.strip()
        verified = subprocess.run(qf + ["ledger", "verify", "--key", key, "--db", db], capture_output=True, text=True)
        png = os.path.join(args.out, "soak.png")
        plot = subprocess.run(["node", os.path.join(ROOT, "bench", "soak", "plot.mjs"), csv_path, png],
                              capture_output=True, text=True)

        # The verdict: flat over the last fifth of the samples (the caches filled by then).
        settled = rows[len(rows) * 4 // 5:] if len(rows) >= 5 else rows
        rss = [r["anon_mb"] for r in settled]
        files = [r["open_files"] for r in settled]
        problems = []
        growth = max(rss) - rss[0]
        if growth > 2 or growth > 0.02 * rss[0]:
            problems.append("the server's own memory still grew %.1f MB over the last fifth of the run (%.1f → %.1f MB)"
                            % (growth, rss[0], max(rss)))
        if max(files) - files[0] > 2:
            problems.append("open files grew from %d to %d" % (files[0], max(files)))
        if max(r["wal_mb"] for r in rows) > 64:
            problems.append("the WAL reached %.1f MB" % max(r["wal_mb"] for r in rows))
        if load.failures:
            problems.append("%d requests failed, first: %s" % (len(load.failures), load.failures[:3]))
        if verified.returncode != 0:
            problems.append("the ledger does not verify: " + (verified.stdout + verified.stderr)[-300:])
        if plot.returncode != 0:
            problems.append("the plot failed: " + (plot.stdout + plot.stderr)[-300:])
        total = {k: load.counts[k] for k in KINDS}
        print("soak: %.1f min, requests %s; own memory %.1f → %.1f MB, files %d → %d, WAL max %.2f MB; csv %s, plot %s" % (
            args.minutes, json.dumps(total), rss[0], rss[-1], files[0], files[-1], max(r["wal_mb"] for r in rows),
            csv_path, png))
        for p in problems:
            print("FAIL " + p)
        if problems:
            sys.exit(1)
        print("soak: passed")
    finally:
        load.stop.set()
        if server:
            server.stop(sig=9)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
