#!/usr/bin/env python3
"""Per-client limits on the public endpoints, against a real server: a burst of submissions is cut off with 429
and Retry-After; guessing receipt codes exhausts the client's misses and then even a right code must wait."""
import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qfserver  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/qingfeng")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="qf-limits-")
    failures = []
    try:
        server = qfserver.Server(args.bin, qfserver.new_database(work, "l")).start()
        c = qfserver.Client(server.port)
        statuses = []
        receipt = None
        for i in range(12):
            status, body, resp = c.request("POST", "/api/v1/public/cases?ledger_receipt=deferred",
                                           {"category": "fees", "title": "t%d" % i, "content": "c", "anonymous": True})
            statuses.append(status)
            if status == 201 and receipt is None:
                receipt = body["receipt"]
            if status == 429:
                if body.get("code") != "http.rate_limited" or not resp.getheader("Retry-After"):
                    failures.append("429 without its code or Retry-After: %s" % body)
        if statuses[:10] != [201] * 10 or 429 not in statuses[10:]:
            failures.append("expected 10 submissions then 429, got %s" % statuses)
        misses = 0
        for i in range(25):
            status, body, _ = c.request("GET", "/api/v1/public/cases/%04d-0000-0000-0000%d" % (i, i % 10))
            if status in (400, 404):
                misses += 1
            elif status == 429:
                break
        status, body, _ = c.request("GET", "/api/v1/public/cases/" + receipt)
        if status != 429:
            failures.append("after %d misses a right code should wait, got %s" % (misses, status))
        if misses != 20:
            failures.append("expected 20 misses before the cut-off, got %d" % misses)
        server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL " + f)
    print("limits: %d passed, %d failed" % (0 if failures else 1, 1 if failures else 0))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
