#!/usr/bin/env python3
"""The ledger as an outsider meets it: the demo's ledger verifies against the running server with the public
key alone; a submission's receipt verifies; a hand edit of an event in the database file makes `ledger
verify --db` fail with the reason and makes the server refuse writes; a restored older copy is caught as a
rollback through the state file."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qfserver  # noqa: E402

ROOT = qfserver.ROOT


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/qingfeng")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="qf-ledger-")
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)

    def qf(*a):
        return subprocess.run([args.bin, "--data", os.path.join(ROOT, "data")] + list(a), capture_output=True, text=True)

    try:
        db = qfserver.build_demo(args.bin, work)
        key = qf("ledger", "key", "--db", db).stdout.strip()
        check(key.startswith("qingfeng.local/ledger+"), "ledger key: " + key)
        check(oct(os.stat(qfserver.key_file(db, ".ledger.key")).st_mode & 0o777) == "0o600", "the signing key file is 0600")
        state = os.path.join(work, "state.json")

        server = qfserver.Server(args.bin, db).start()
        c = qfserver.Client(server.port)
        status, body, _ = c.request("GET", "/ledger/key")
        status, cp, resp = c.request("GET", "/ledger/checkpoint")
        check(status == 200, "checkpoint served")
        status, body, _ = c.request("POST", "/api/v1/public/cases", {"category": "fees", "title": "收费", "content": "收取资料费", "anonymous": True})
        check(status == 201 and "receipt" in body.get("ledger", {}), "a submission answers with its ledger receipt: %s" % body)
        receipt = os.path.join(work, "receipt.txt")
        with open(receipt, "w") as f:
            f.write(body["ledger"]["receipt"])
        url = "http://127.0.0.1:%d" % server.port
        r = qf("ledger", "verify", "--key", key, "--url", url, "--receipt", receipt, "--state", state)
        check(r.returncode == 0, "verify against the running server: %s %s" % (r.stdout, r.stderr))
        check("收据 1" in r.stdout, "the receipt was checked: " + r.stdout)
        # Tiles: a full tile is immutable, a partial one is not cached.
        status, tile, resp = c.request("GET", "/ledger/tile/0/000")
        check(resp.getheader("Cache-Control") == "public, max-age=31536000, immutable", "full tile cache header")
        server.stop()

        # Keep a copy of the database as it is now (an administrator's backup).
        backup = qfserver.copy_database(db, work, "backup")

        # More entries, seen by the outsider.
        server = qfserver.Server(args.bin, db).start()
        c = qfserver.Client(server.port)
        c.request("POST", "/api/v1/public/cases", {"category": "ethics", "title": "体罚", "content": "体罚学生", "anonymous": True})
        r = qf("ledger", "verify", "--key", key, "--url", "http://127.0.0.1:%d" % server.port, "--state", state)
        check(r.returncode == 0, "second verification: " + r.stderr)
        server.stop()

        # The backup served in place of the live file is a rollback.
        r = qf("ledger", "verify", "--key", key, "--db", backup, "--state", state)
        check(r.returncode != 0 and "回滚" in r.stderr, "restored backup caught as rollback: " + r.stdout + r.stderr)

        # Burying a complaint: its case row deleted, events untouched.
        buried = qfserver.copy_database(db, work, "buried")
        # The search index's trigger needs Qingfeng's tokenizer; a tamperer with only sqlite3 drops it first.
        edits = [] if qfserver.backend() == "postgres" else ["DROP TRIGGER case_fts_delete"]
        edits += ["DELETE FROM %s WHERE case_id=5" % t for t in ("case_deadlines", "case_messages", "supervision", "case_people",
                                                                "reporters", "case_attachments", "case_search")
                  if t != "case_search" or qfserver.backend() == "postgres"]
        qfserver.execute(buried, *edits, "DELETE FROM cases WHERE id=5")
        r = qf("ledger", "verify", "--key", key, "--db", buried)
        check(r.returncode == 2 and "案件 5 已不存在" in r.stderr, "a deleted case row is caught: " + r.stderr)

        # A hand edit of one event.
        qfserver.execute(db, "UPDATE events SET payload = replace(payload, 'fees', 'other') WHERE seq = "
                             "(SELECT MIN(seq) FROM events WHERE payload LIKE '%\"fees\"%')")
        seq = int(qfserver.query(db, "SELECT MIN(seq) FROM events WHERE payload LIKE '%\"other\"%'")[0][0])
        r = qf("ledger", "verify", "--key", key, "--db", db)
        check(r.returncode == 2 and ("事件 seq %d" % seq) in r.stderr and "内容被改动" in r.stderr,
              "hand-edited event caught with its sequence number: " + r.stderr)
        server = qfserver.Server(args.bin, db).start()
        c = qfserver.Client(server.port)
        status, body, _ = c.request("GET", "/healthz")
        check(status == 503 and body.get("code") == "ledger.integrity", "health reports the integrity failure: %s" % body)
        status, body, _ = c.request("POST", "/api/v1/public/cases?ledger_receipt=deferred", {"category": "fees", "title": "t", "content": "c", "anonymous": True})
        check(status == 503 and "事件 seq %d" % seq in body.get("detail", ""), "writes refused with the reason: %s" % body)
        status, body, _ = c.request("GET", "/api/v1/public/categories")
        check(status == 200, "reads still work")
        server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL " + f)
    print("ledger: %d passed, %d failed" % (0 if failures else 1, 1 if failures else 0))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
