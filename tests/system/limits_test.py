#!/usr/bin/env python3
"""Per-client limits on the public endpoints, against a real server: a burst of submissions is cut off with 429
and Retry-After; guessing receipt codes exhausts the client's misses and then even a right code must wait; behind
a trusted reverse proxy each client it forwards has its own limit, and X-Forwarded-For from anyone else is ignored."""
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

        # Behind a reverse proxy: the limits follow X-Forwarded-For only from a proxy the operator named.
        def burst(port, forwarded):
            c = qfserver.Client(port)
            out = []
            for i in range(11):
                status, _, _ = c.request("POST", "/api/v1/public/cases?ledger_receipt=deferred",
                                         {"category": "fees", "title": "p%d" % i, "content": "c", "anonymous": True},
                                         headers={"X-Forwarded-For": forwarded})
                out.append(status)
            return out
        server = qfserver.Server(args.bin, qfserver.new_database(work, "proxied"), ["--trusted-proxy", "127.0.0.0/8"]).start()
        a, b = burst(server.port, "198.51.100.1"), burst(server.port, "1.2.3.4, 198.51.100.2")
        if a[:10] != [201] * 10 or a[10] != 429 or b[:10] != [201] * 10:
            failures.append("behind a trusted proxy each forwarded client has its own limit: %s %s" % (a, b))
        server.stop()
        server = qfserver.Server(args.bin, qfserver.new_database(work, "direct")).start()
        a, b = burst(server.port, "198.51.100.1"), burst(server.port, "198.51.100.2")
        if a[:10] != [201] * 10 or 429 not in a or any(st == 201 for st in b):
            failures.append("without a trusted proxy X-Forwarded-For changes nothing: %s %s" % (a, b))
        server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL " + f)
    print("limits: %d passed, %d failed" % (0 if failures else 1, 1 if failures else 0))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
