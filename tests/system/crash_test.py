#!/usr/bin/env python3
"""Crash test: kill -9 the server during a stream of submissions; every acknowledged receipt must be present
after restart. Also checks that SIGTERM drains and exits 0 within its bound, that /healthz answers, that staff
sessions outlive both kinds of restart while a signed-out one stays refused, and that a kill -9 amid mixed commands
(registrations, transitions, submissions) loses no acknowledged one and leaves a ledger that verifies."""
import argparse
import os
import shutil
import signal
import subprocess
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


def kill_midstream(server, threads, stop, seconds):
    """Starts the writing threads, lets them write for `seconds`, kills the server with no warning, and waits for
    the threads to notice."""
    for t in threads:
        t.start()
    time.sleep(seconds)
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait()
    stop.set()
    for t in threads:
        t.join()


def staff_worker(client, tag, acked, stop, errors):
    """Registers a case, then accepts it, over and over: two kinds of staff command in the writer's batches beside the
    public's submissions. Records what was acknowledged: (id, title) registered, ids accepted."""
    n = 0
    while not stop.is_set():
        n += 1
        title = "混合批次 %s %d" % (tag, n)
        try:
            # Answered at commit (the receipt follows later): what an acknowledgement is about.
            status, body, _ = client.request("POST", "/api/v1/cases?ledger_receipt=deferred", {
                "channel": "letter_call", "category": "fees", "kind": "complaint", "title": title,
                "content": "来信反映收取资料费 %d 元" % n, "anonymous": True})
            if status != 201:
                if status != 503:
                    errors.append("register: %s %s" % (status, body))
                return
            acked["registered"].append((body["id"], title))
            status, body, _ = client.request("POST", "/api/v1/cases/%d/transitions" % body["id"], {"action": "accept"})
            if status == 200:
                acked["accepted"].append(body["id"])
            elif status != 503:
                errors.append("accept: %s %s" % (status, body))
                return
        except Exception:  # killed mid-request: not acknowledged
            return


def mixed_batch_survives_kill(binary, work, failed):
    """kill -9 while the writer's batches mix public submissions, registrations and transitions: after the restart
    every acknowledged command is there (each case, each acceptance, each receipt), nothing half-written (the case
    tables agree with the events, or the server would refuse writes), and the ledger verifies."""
    work = os.path.join(work, "mixed")
    os.makedirs(work)
    db = qfserver.build_demo(binary, work)
    server = qfserver.Server(binary, db, ["--no-rate-limits"]).start()
    staff = []
    for user in ("clerk", "supervisor"):
        c = qfserver.Client(server.port)
        c.login(user)
        staff.append(c)
    acked, receipts, errors, stop = {"registered": [], "accepted": []}, [], [], threading.Event()
    threads = [threading.Thread(target=staff_worker, args=(c, str(i), acked, stop, errors)) for i, c in enumerate(staff)]
    threads += [threading.Thread(target=submitter, args=(server.port, receipts, stop, errors)) for _ in range(4)]
    kill_midstream(server, threads, stop, 2.0)
    if errors:
        failed.append("mixed batch: errors before the kill: %s" % errors[:3])
    if len(acked["accepted"]) < 10 or len(receipts) < 10:
        failed.append("mixed batch: too little acknowledged before the kill to mean anything: %d accepted, %d receipts"
                      % (len(acked["accepted"]), len(receipts)))
    server = qfserver.Server(binary, db, ["--no-rate-limits"]).start()
    c = staff[1]
    c.reconnect(server.port)  # the supervisor's session outlives the kill
    lost = []
    for case_id, title in acked["registered"]:
        status, body, _ = c.request("GET", "/api/v1/cases/%d" % case_id)
        if status != 200 or body.get("title") != title:
            lost.append(("registered", case_id, status))
        elif case_id in acked["accepted"] and body.get("state") != "accepted":
            lost.append(("accepted", case_id, body.get("state")))
    public = qfserver.Client(server.port)
    lost += [("receipt", r) for r in receipts if public.request("GET", "/api/v1/public/cases/" + r)[0] != 200]
    if lost:
        failed.append("mixed batch: %d acknowledged commands lost after kill -9: %s" % (len(lost), lost[:5]))
    status, body, _ = public.request("GET", "/healthz")
    if status != 200:
        failed.append("mixed batch: the server refuses writes after the kill (tables and events disagree?): %s %s"
                      % (status, body))
    server.stop()
    qf = [binary, "--data", os.path.join(qfserver.ROOT, "data")]
    key = subprocess.run(qf + ["ledger", "key", "--db", db], capture_output=True, text=True).stdout.strip()
    r = subprocess.run(qf + ["ledger", "verify", "--key", key, "--db", db], capture_output=True, text=True)
    if r.returncode != 0:
        failed.append("mixed batch: the ledger does not verify after kill -9: %s" % (r.stdout[-300:] + r.stderr[-300:]))
    print("crash: mixed batch — %d registrations, %d acceptances, %d receipts acknowledged before kill -9, all present"
          % (len(acked["registered"]), len(acked["accepted"]), len(receipts)))


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
        kill_midstream(server, threads, stop, args.seconds)
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
        mixed_batch_survives_kill(args.bin, work, failed)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in failed:
        print("FAIL " + f)
    print("crash: %d passed, %d failed" % (0 if failed else 1, 1 if failed else 0))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
