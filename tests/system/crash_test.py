#!/usr/bin/env python3
"""Crash test: kill -9 the server during a stream of submissions; every acknowledged receipt must be present
after restart. Also checks that SIGTERM drains and exits 0 within its bound, that /healthz answers, and that staff
sessions outlive both kinds of restart while a signed-out one stays refused."""
import argparse
import os
import shutil
import signal
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qfserver  # noqa: E402


def submitter(port, acked, stop, errors):
    c = qfserver.Client(port)
    n = 0
    while not stop.is_set():
        n += 1
        try:
            # Deferred receipts: the answer comes at commit, which is what durability is about.
            status, body, _ = c.request("POST", "/api/v1/public/cases?ledger_receipt=deferred", {
                "category": "fees", "title": "崩溃测试 %d" % n, "content": "收取资料费 %d" % n, "anonymous": True})
        except Exception:  # the server was killed mid-request: that submission was never acknowledged
            return
        if status == 201:
            acked.append(body["receipt"])
        elif status != 503:
            errors.append("unexpected %s %s" % (status, body))
            return


def sessions_outlive_restarts(binary, work, failed):
    """Signed-in staff stay signed in across kill -9 and SIGTERM restarts (their sessions are stored, hashed), and a
    signed-out session, replayed with its old cookie, stays refused after both."""
    db = qfserver.build_demo(binary, work)
    server = qfserver.Server(binary, db, ["--no-rate-limits"]).start()
    kept, left = qfserver.Client(server.port), qfserver.Client(server.port)
    kept.login("supervisor")
    left.login("clerk")
    replay = qfserver.Client(server.port)
    replay.cookies, replay.csrf = dict(left.cookies), left.csrf
    status, body, _ = left.request("POST", "/api/v1/auth/logout", {})
    if status != 200:
        failed.append("sign-out: %s %s" % (status, body))
    if replay.request("GET", "/api/v1/auth/me")[0] != 401:
        failed.append("a signed-out session's cookie still works")
    for how in (signal.SIGKILL, signal.SIGTERM):
        server.stop(how)
        server = qfserver.Server(binary, db, ["--no-rate-limits"]).start()
        kept.reconnect(server.port)
        replay.reconnect(server.port)
        csrf = kept.csrf
        status, body, _ = kept.request("GET", "/api/v1/auth/me")
        if status != 200 or body.get("username") != "supervisor" or body.get("csrf_token") != csrf:
            failed.append("after %s the supervisor is signed out: %s %s" % (how.name, status, body))
        # A change with the CSRF token the browser already holds.
        status, body, _ = kept.request("POST", "/api/v1/cases", {"channel": "letter"})
        if status not in (400, 422):
            failed.append("after %s a change with the old CSRF token: %s %s" % (how.name, status, body))
        if replay.request("GET", "/api/v1/auth/me")[0] != 401:
            failed.append("after %s a signed-out session's cookie works again" % how.name)
    server.stop()
    print("crash: sessions outlive kill -9 and SIGTERM; a signed-out one stays refused")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/qingfeng")
    ap.add_argument("--seconds", type=float, default=2.0)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="qf-crash-")
    db = qfserver.new_database(work, "crash")
    failed = []
    try:
        server = qfserver.Server(args.bin, db, ["--no-rate-limits"]).start()
        acked, errors, stop = [], [], threading.Event()
        threads = [threading.Thread(target=submitter, args=(server.port, acked, stop, errors)) for _ in range(8)]
        for t in threads:
            t.start()
        time.sleep(args.seconds)
        server.proc.send_signal(signal.SIGKILL)  # no warning, mid-stream
        server.proc.wait()
        stop.set()
        for t in threads:
            t.join()
        if errors:
            failed.append("errors during the stream: %s" % errors[:3])
        if len(acked) < 50:
            failed.append("only %d submissions were acknowledged before the kill" % len(acked))
        server = qfserver.Server(args.bin, db, ["--no-rate-limits"]).start()
        c = qfserver.Client(server.port)
        missing = [r for r in acked if c.request("GET", "/api/v1/public/cases/" + r)[0] != 200]
        if missing:
            failed.append("%d of %d acknowledged receipts lost after kill -9: %s" % (len(missing), len(acked), missing[:5]))
        status, body, _ = c.request("GET", "/healthz")
        if status != 200:
            failed.append("healthz after restart: %s %s" % (status, body))
        # Graceful stop: SIGTERM while writes are in flight drains them and exits 0.
        acked2, stop2 = [], threading.Event()
        threads = [threading.Thread(target=submitter, args=(server.port, acked2, stop2, errors)) for _ in range(4)]
        for t in threads:
            t.start()
        # Signal only once writes are flowing, so that the drain has something to drain.
        deadline = time.time() + 10
        while len(acked2) < 20 and time.time() < deadline:
            time.sleep(0.05)
        before_term = len(acked2)
        t0 = time.time()
        rc = server.stop(signal.SIGTERM, timeout=15)
        took = time.time() - t0
        stop2.set()
        for t in threads:
            t.join()
        if rc != 0:
            failed.append("SIGTERM exit code %s\n%s" % (rc, server.logs()[-2000:]))
        if before_term < 20:
            failed.append("only %d submissions were acknowledged before SIGTERM (at least 20 needed to test the drain)"
                          % before_term)
        server = qfserver.Server(args.bin, db, ["--no-rate-limits"]).start()
        c = qfserver.Client(server.port)
        missing2 = [r for r in acked2 if c.request("GET", "/api/v1/public/cases/" + r)[0] != 200]
        if missing2:
            failed.append("%d receipts acknowledged before SIGTERM are missing" % len(missing2))
        server.stop()
        print("crash: %d acknowledged before kill -9, all present after restart; SIGTERM drained %d in %.2fs"
              % (len(acked), len(acked2), took))
        sessions_outlive_restarts(args.bin, work, failed)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in failed:
        print("FAIL " + f)
    print("crash: %d passed, %d failed" % (0 if failed else 1, 1 if failed else 0))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
