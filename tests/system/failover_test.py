#!/usr/bin/env python3
"""Failover: a primary with a synchronous standby (synchronous_standby_names, synchronous_commit on), a stream of
submissions, the primary crashed mid-stream (immediate stop: no checkpoint, no goodbye), the standby promoted
(pg_ctl promote) and the server started on it. Every acknowledged submission is there, the ledger verifies against
what an outsider saw before the crash (no rollback), and the promoted database takes new submissions."""
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
import pgcluster  # noqa: E402
import qfserver  # noqa: E402


def submitter(port, acked, stop):
    c = qfserver.Client(port)
    n = 0
    while not stop.is_set():
        n += 1
        try:
            status, body, _ = c.request("POST", "/api/v1/public/cases?ledger_receipt=deferred", {
                "category": "fees", "title": "切换测试 %d" % n, "content": "收取资料费 %d" % n, "anonymous": True})
        except Exception:  # noqa: BLE001 - the database went away mid-request: never acknowledged
            return
        if status == 201:
            acked.append(body["receipt"])
        elif status >= 500:
            return  # the primary is gone: nothing more is acknowledged


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/qingfeng")
    ap.add_argument("--seconds", type=float, default=2.0)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="qf-failover-")
    os.environ["QINGFENG_KEY_DIR"] = work
    failed = []

    def check(ok, what):
        if not ok:
            failed.append(what)

    def qf(*a):
        return subprocess.run([args.bin, "--data", os.path.join(qfserver.ROOT, "data")] + list(a),
                              capture_output=True, text=True)

    servers, acked = [], []
    try:
        pdir, primary = pgcluster.primary()
        sdir, standby = pgcluster.standby(pdir)
        pgcluster.psql(primary, "ALTER SYSTEM SET synchronous_standby_names = 'qf_standby'")
        pgcluster.psql(primary, "SELECT pg_reload_conf()")
        deadline = time.time() + 20
        while pgcluster.psql(primary, "SELECT sync_state FROM pg_stat_replication "
                                      "WHERE application_name = 'qf_standby'") != "sync":
            if time.time() > deadline:
                raise RuntimeError("the standby did not become synchronous")
            time.sleep(0.1)

        server = qfserver.Server(args.bin, primary, ["--no-rate-limits"]).start()
        servers.append(server)
        key = qf("ledger", "key", "--db", primary).stdout.strip()
        state = os.path.join(work, "outsider.json")
        c = qfserver.Client(server.port)
        first = c.request("POST", "/api/v1/public/cases", {"category": "fees", "title": "切换前", "content": "收取资料费",
                                                             "anonymous": True})
        check(first[0] == 201, "a submission before the stream: %s %s" % first[:2])
        seen = qf("ledger", "verify", "--key", key, "--url", "http://127.0.0.1:%d" % server.port, "--state", state)
        check(seen.returncode == 0, "an outsider's verification before the crash: %s %s" % (seen.stdout, seen.stderr))

        stop = threading.Event()
        threads = [threading.Thread(target=submitter, args=(server.port, acked, stop)) for _ in range(8)]
        for t in threads:
            t.start()
        time.sleep(args.seconds)
        pgcluster.crash(pdir)  # the primary dies mid-stream
        time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join()
        server.stop(signal.SIGKILL)
        check(len(acked) >= 50, "only %d submissions were acknowledged before the crash" % len(acked))

        pgcluster.promote(sdir)
        check(pgcluster.psql(standby, "SELECT pg_is_in_recovery()") == "f", "the promoted standby is still in recovery")
        server = qfserver.Server(args.bin, standby, ["--no-rate-limits"]).start()
        servers.append(server)
        c = qfserver.Client(server.port)
        missing = [r for r in [first[1]["receipt"]] + acked if c.request("GET", "/api/v1/public/cases/" + r)[0] != 200]
        check(not missing, "%d of %d acknowledged submissions missing after failover: %s"
              % (len(missing), len(acked) + 1, missing[:5]))
        status, body, _ = c.request("GET", "/healthz")
        check(status == 200, "healthz on the promoted standby: %s %s" % (status, body))
        status, body, _ = c.request("POST", "/api/v1/public/cases", {"category": "fees", "title": "切换后",
                                                                      "content": "收取资料费", "anonymous": True})
        check(status == 201, "a submission after failover: %s %s" % (status, body))
        server.stop()
        v = qf("ledger", "verify", "--key", key, "--db", standby, "--state", state)
        check(v.returncode == 0, "ledger verify on the promoted standby: %s %s" % (v.stdout, v.stderr))
    except Exception as e:  # noqa: BLE001 - report and clean up
        failed.append("%s: %s" % (type(e).__name__, e))
    finally:
        for s in servers:
            try:
                s.stop()
            except RuntimeError:
                pass
        if failed and servers:
            sys.stderr.write(servers[-1].logs()[-3000:])
        pgcluster.stop_all()
        shutil.rmtree(work, ignore_errors=True)
    for f in failed:
        print("FAIL " + f)
    print("failover: %d passed, %d failed (%d submissions acknowledged before the crash)"
          % (0 if failed else 1, 1 if failed else 0, len(acked)))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
