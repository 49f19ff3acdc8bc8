#!/usr/bin/env python3
"""Reads on a hot standby: a primary and a streaming standby (pg_basebackup -R) started here, the server writing to
the primary and reading on the standby (--read-db). A caller's read sees its own writes: it waits until the standby
has replayed them, or, past the bound, reads on the primary; a caller without writes of its own reads the standby
as it is. A standby that goes away costs only its reads, which the primary takes."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pgcluster  # noqa: E402
import qfserver  # noqa: E402

WAIT_MS = 3000  # the server's bound on waiting for the standby (--read-wait-ms)
SCHOOL = "/api/v1/units?q=%E5%90%88%E8%82%A5%E5%B8%82%E7%AC%AC%E4%B8%80%E4%B8%AD%E5%AD%A6"


def submit(client, n):
    status, body, _ = client.request("POST", "/api/v1/public/cases", {
        "category": "fees", "title": "备库测试 %d" % n, "content": "收取资料费 %d 元" % n, "anonymous": True})
    assert status == 201, (status, body)
    return body["receipt"]


def timed_get(client, path):
    t0 = time.monotonic()
    status = client.request("GET", path)[0]
    return status, time.monotonic() - t0


def pause_replay(standby):
    pgcluster.psql(standby, "SELECT pg_wal_replay_pause()")
    deadline = time.time() + 10
    while pgcluster.psql(standby, "SELECT pg_get_wal_replay_pause_state()") != "paused":
        if time.time() > deadline:
            raise RuntimeError("the standby did not pause its replay")
        time.sleep(0.02)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/qingfeng")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="qf-standby-")
    os.environ["QINGFENG_KEY_DIR"] = work
    failed = []

    def check(ok, what):
        if not ok:
            failed.append(what)

    server = None
    try:
        pdir, primary = pgcluster.primary()
        subprocess.run([args.bin, "--data", os.path.join(qfserver.ROOT, "data"), "demo", "--db", primary],
                       check=True, stdout=subprocess.DEVNULL)
        sdir, standby = pgcluster.standby(pdir)
        check(pgcluster.psql(standby, "SELECT pg_is_in_recovery()") == "t", "the standby is not in recovery")
        server = qfserver.Server(args.bin, primary, ["--no-rate-limits", "--read-db", standby,
                                                     "--read-wait-ms", str(WAIT_MS)], log_level="info").start()
        port = server.port

        # A clerk registers cases and opens each at once; a reporter follows each receipt at once.
        clerk = qfserver.Client(port)
        clerk.login("clerk")
        check("qf_seen" in clerk.cookies, "signing in (a write) left no qf_seen cookie")
        _, units, _ = clerk.request("GET", SCHOOL)
        school = units["items"][0]["id"]
        reporter = qfserver.Client(port)
        for n in range(10):
            status, case, _ = clerk.request("POST", "/api/v1/cases", {
                "channel": "letter_call", "category": "fees", "kind": "complaint", "title": "备库登记 %d" % n,
                "content": "来信反映收取资料费 %d 元" % n, "concerned_unit_id": school, "anonymous": True})
            check(status == 201, "registering case %d: %s %s" % (n, status, case))
            if status == 201:
                status, _, _ = clerk.request("GET", "/api/v1/cases/%d" % case["id"])
                check(status == 200, "the clerk opening case %d just registered: %s" % (case["id"], status))
            receipt = submit(reporter, n)
            status, _, _ = reporter.request("GET", "/api/v1/public/cases/" + receipt)
            check(status == 200, "the reporter following receipt %s just given: %s" % (receipt, status))

        # The standby stops replaying: a stranger (no writes of their own) reads it as it is, and does not see a
        # receipt given since; its reporter waits for the standby, and gets the answer once the replay resumes.
        pause_replay(standby)
        first = qfserver.Client(port)
        r1 = submit(first, 100)
        stranger = qfserver.Client(port)
        status, _, _ = stranger.request("GET", "/api/v1/public/cases/" + r1)
        check(status == 404, "a caller without writes read on the primary, not on the paused standby: %s" % status)
        result = {}
        reader = threading.Thread(target=lambda: result.update(r=timed_get(first, "/api/v1/public/cases/" + r1)))
        reader.start()
        time.sleep(0.8)
        pgcluster.psql(standby, "SELECT pg_wal_replay_resume()")
        reader.join()
        status, took = result["r"]
        check(status == 200, "the reporter's own receipt after the standby resumed: %s" % status)
        check(0.6 <= took < WAIT_MS / 1000 - 0.5,
              "the reporter's read waited %.2fs; expected it to end when the replay resumed (after 0.8s)" % took)

        # Still paused past the bound: the reporter's read goes to the primary; the stranger still sees the standby.
        pause_replay(standby)
        r2 = submit(first, 101)
        status, took = timed_get(first, "/api/v1/public/cases/" + r2)
        check(status == 200, "the reporter's receipt past the bound (the primary answers): %s" % status)
        check(took >= WAIT_MS / 1000 - 0.1, "the read went to the primary after %.2fs, before the bound" % took)
        status, _, _ = stranger.request("GET", "/api/v1/public/cases/" + r2)
        check(status == 404, "the stranger's read of r2 on the paused standby: %s" % status)

        # The standby goes away: its reads fall back to the primary, which has everything.
        pgcluster.crash(sdir)
        for receipt in (r1, r2):
            status, _, _ = stranger.request("GET", "/api/v1/public/cases/" + receipt)
            check(status == 200, "with the standby down, %s read on the primary: %s" % (receipt, status))

        rc = server.stop()
        check(rc == 0, "server exit code %s" % rc)
        counts = re.search(r"reads: (\d+) on standbys \((\d+) after waiting for replay\), (\d+) on the primary",
                           server.logs())
        check(counts is not None, "the server did not report where reads went")
        if counts:
            standby_reads, waited, on_primary = map(int, counts.groups())
            check(standby_reads >= 12 and waited >= 1 and on_primary >= 3,
                  "reads: %d on standbys (%d after waiting), %d on the primary" % (standby_reads, waited, on_primary))
    except Exception as e:  # noqa: BLE001 - report and clean up
        failed.append("%s: %s" % (type(e).__name__, e))
    finally:
        if server:
            server.stop()
            if failed:
                sys.stderr.write(server.logs()[-3000:])
        pgcluster.stop_all()
        shutil.rmtree(work, ignore_errors=True)
    for f in failed:
        print("FAIL " + f)
    print("standby: %d passed, %d failed" % (0 if failed else 1, 1 if failed else 0))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
