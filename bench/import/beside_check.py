#!/usr/bin/env python3
"""bench/import/beside_check: citizens' submissions while a clerk checks a long platform export in the console.

Every write goes through the one writer (storage/writer.h). A check of an import (`POST /api/v1/cases/import?dry_run=
true`) imports the file's rows and undoes them, so while it runs nothing else is written: a citizen's submission, a
sign-in's second step, a case opened (访问留痕) wait behind it. This sends checks of a --rows export one after another
from one client while another posts anonymous public submissions one at a time (the ledger receipt deferred: it would
wait for the next signed checkpoint, at most one a second, which is not what this measures), and reports the
submissions' latency during the checks, the same submissions with no check beside them (the baseline of the same
round), and how long each check took. Several --bin alternate within each round, each on its own demo database;
medians of the rounds. A baseline binary must take the file's size (servers before 2026-12-06 refused an upload over
1 MiB as an unreadable request: keep --rows under ~12,000 for them). With --accept-valid, imports of the correct rows
(`accept_valid=true`, each of new tickets) instead of checks. Not part of `make test`.
Usage: bench/import/beside_check.py [--bin B]... [--rows 6000] [--checks 4] [--rounds 3] [--accept-valid]
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
sys.path.insert(0, os.path.join(ROOT, "bench", "reads"))
import qfserver  # noqa: E402
from run import demo_dbs  # noqa: E402  (bench/reads/run.py)

SUBMISSION = {"category": "fees", "title": "学校收取资料费", "content": "学校要求每人交资料费 120 元，未开收据。", "anonymous": True}


def export(rows, prefix="B"):
    lines = ["工单编号,受理时间,问题分类,标题,内容"]
    lines += ["%s-%d,2026-11-%02d 09:00,教育收费,资料费%d,反映学校收取资料费%d元" % (prefix, i, 1 + i % 28, i, i)
              for i in range(rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def submissions(port, stop, times):
    """Posts public submissions one after another until `stop`; appends each answer's ms to `times`."""
    c = qfserver.Client(port)
    while not stop.is_set():
        t0 = time.perf_counter()
        status, _, _ = c.request("POST", "/api/v1/public/cases?ledger_receipt=deferred", SUBMISSION)
        if status == 201:
            times.append((time.perf_counter() - t0) * 1000)


def alone(port, seconds=2):
    """Submissions with nothing beside them for `seconds` (a round's baseline): each answer's ms."""
    stop, times = threading.Event(), []
    t = threading.Thread(target=submissions, args=(port, stop, times))
    t.start()
    time.sleep(seconds)
    stop.set()
    t.join()
    return times


def quantiles(xs):
    q = sorted(xs)
    return (q[len(q) // 2], q[int(len(q) * 0.9)], q[-1]) if q else (float("nan"),) * 3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", action="append", help="a binary to time (repeat to alternate several)")
    ap.add_argument("--rows", type=int, default=6000)
    ap.add_argument("--checks", type=int, default=4, help="checks of the file in each round, one after another")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--accept-valid", action="store_true", help="imports of the correct rows instead of checks")
    args = ap.parse_args()
    bins = args.bin or [os.path.join(ROOT, "build", "qingfeng")]
    body = export(args.rows)
    query = urllib.parse.urlencode({"channel": "zmztc", "backdate_reason": "平台历史工单补录",
                                    **({"accept_valid": "true"} if args.accept_valid else {"dry_run": "true"})})
    counted = "applied" if args.accept_valid else "would_apply"
    what = "an import of the correct rows" if args.accept_valid else "a check"
    work = tempfile.mkdtemp(prefix="qf-bench-check-")
    results = {}  # binary -> [(alone p50, p90, max, beside p50, p90, max, submissions beside, check s)]
    try:
        dbs = demo_dbs(bins, work)
        for r in range(args.rounds):
            for b, (d, db) in zip(bins, dbs):
                os.environ["QINGFENG_KEY_DIR"] = d
                s = qfserver.Server(b, db, ["--no-rate-limits"]).start()
                try:
                    clerk = qfserver.Client(s.port)
                    clerk.login("clerk")
                    baseline = alone(s.port)
                    stop, beside, checks = threading.Event(), [], []
                    t = threading.Thread(target=submissions, args=(s.port, stop, beside))
                    t.start()
                    for k in range(args.checks):
                        if args.accept_valid:
                            body = export(args.rows, "B%d%d" % (r, k))  # tickets not yet registered
                        t0 = time.perf_counter()
                        status, answer, _ = clerk.request("POST", "/api/v1/cases/import?" + query, raw=body,
                                                          content_type="text/csv")
                        if status != 200 or answer.get(counted) != args.rows:
                            raise SystemExit("%s: %s failed: %s %s" % (b, what, status, str(answer)[:300]))
                        checks.append(time.perf_counter() - t0)
                    stop.set()
                    t.join()
                    row = quantiles(baseline) + quantiles(beside) + (len(beside), statistics.median(checks))
                    results.setdefault(b, []).append(row)
                    print("round %d %s: alone p50 %.1f p90 %.1f max %.1f ms | beside p50 %.1f p90 %.1f max "
                          "%.1f ms (%d) | %s %.2f s" % ((r + 1, b) + row[:7] + (what, row[7])), flush=True)
                finally:
                    s.stop()
        print("\n| binary | submission alone: p50 / p90 / max ms | beside %s of %s rows: p50 / p90 / max ms |"
              " submissions answered | %s, s |" % (what, format(args.rows, ","), what))
        print("|---|---|---|---|---|")
        for b in bins:
            med = [statistics.median(v[i] for v in results[b]) for i in range(8)]
            print("| %s | %.1f / %.1f / %.1f | %.1f / %.1f / %.1f | %.0f | %.2f |" % ((b,) + tuple(med)))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
