#!/usr/bin/env python3
"""Backup and restore, as an operator runs them (docs/operations.md), on SQLite and (under tests/with-pg.sh) on
PostgreSQL, where `qingfeng backup` runs pg_dump: `qingfeng backup` while the server runs and takes submissions gives
a consistent backup whose ledger verifies, with every submission acknowledged before it began; the key files are not
in it (copied elsewhere with --keys-to); `qingfeng restore` refuses a database that holds anything, a file that is
not a backup and a backup without its ledger key, changes nothing then, and otherwise restores, verifies, serves and
signs everyone out; an outside verifier who saw the database after the backup recognises the restored one as a
rollback. The server's scheduled backups (serve --backup-dir) are taken, verified and pruned, and their status (or
failure) is on /healthz."""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qfserver  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/qingfeng")
    args = ap.parse_args()
    failures = []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            failures.append(what)

    def qf(*a):
        return subprocess.run([args.bin, "--data", os.path.join(qfserver.ROOT, "data")] + list(a),
                              capture_output=True, text=True)

    work = tempfile.mkdtemp(prefix="qf-backup-")
    try:
        postgres = qfserver.backend() == "postgres"
        db = qfserver.build_demo(args.bin, work)
        server = qfserver.Server(args.bin, db, ["--no-rate-limits"]).start()
        acknowledged = []  # (time acknowledged, receipt)
        stop = threading.Event()

        def submit():
            c = qfserver.Client(server.port)
            n = 0
            while not stop.is_set():
                n += 1
                status, body, _ = c.request("POST", "/api/v1/public/cases", {
                    "category": "fees", "title": "备份期间的投诉 %d" % n,
                    "content": "学校收取资料费 %d 元，备份进行中提交。" % (100 + n), "anonymous": True})
                if status == 201:
                    acknowledged.append((time.monotonic(), body["receipt"]))

        writer = threading.Thread(target=submit, daemon=True)
        writer.start()
        deadline = time.monotonic() + 30
        while len(acknowledged) < 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        staff = qfserver.Client(server.port)
        staff.login("supervisor")
        keys = os.path.join(work, "keys")
        os.makedirs(keys)
        backup = os.path.join(work, "backup", "b1.dump" if postgres else "b1.db")
        os.makedirs(os.path.dirname(backup))
        began = time.monotonic()
        r = qf("backup", "--db", db, "--to", backup, "--keys-to", keys)
        ended = len(acknowledged)
        # The live database goes on after the backup.
        while len(acknowledged) < ended + 10 and time.monotonic() < deadline + 30:
            time.sleep(0.05)
        stop.set()
        writer.join(timeout=30)
        check(r.returncode == 0 and "备份文件账本验证通过" in r.stdout,
              "backup while the server writes: its ledger verifies: " + r.stdout[-300:] + r.stderr[-500:])
        before = [receipt for at, receipt in acknowledged if at < began]
        check(len(before) >= 10, "submissions were acknowledged before the backup began (%d)" % len(before))
        check(not any(f.endswith(".key") for f in os.listdir(os.path.dirname(backup))),
              "no key file beside the backup")
        name = os.path.basename(backup)
        check(sorted(os.listdir(keys)) == [name + ".ledger.key", name + ".vault.key"], "the keys copied to --keys-to")
        check(oct(os.stat(os.path.join(keys, name + ".vault.key")).st_mode & 0o777) == "0o600", "the key copies are 0600")
        r = qf("backup", "--db", db, "--to", backup)
        check(r.returncode != 0 and "已存在" in r.stderr, "an existing backup file is not overwritten: " + r.stderr)

        # An outsider follows the live database after the backup.
        verifier = qf("ledger", "key", "--db", db).stdout.strip()
        state = os.path.join(work, "seen.state")
        r = qf("ledger", "verify", "--key", verifier, "--url", "http://127.0.0.1:%d" % server.port, "--state", state)
        check(r.returncode == 0, "the live ledger verifies for an outsider: " + r.stderr[-300:])
        server.stop()

        # The target: a SQLite file that is not there yet, or a created, empty PostgreSQL database.
        os.makedirs(os.path.join(work, "restored"))
        restored = qfserver.new_database(work if postgres else os.path.join(work, "restored"), "qingfeng")

        def untouched():
            if postgres:
                return qfserver.query(restored, "SELECT count(*) FROM information_schema.tables "
                                                "WHERE table_schema = current_schema()") == [["0"]]
            return not os.path.exists(restored)

        r = qf("restore", backup, "--db", restored)
        check(r.returncode != 0 and "账本密钥" in r.stderr and untouched(),
              "restore without the ledger key is refused and changes nothing: " + r.stderr)
        junk = os.path.join(work, "junk.db")
        with open(junk, "wb") as f:
            f.write(b"not a backup at all" * 100)
        r = qf("restore", junk, "--db", restored, "--keys-from", keys)
        check(r.returncode != 0 and "不是 qingfeng backup 写出的备份文件" in r.stderr and untouched(),
              "a file that is not a backup is refused and changes nothing: " + r.stderr)
        r = qf("restore", backup, "--db", restored, "--keys-from", keys)
        check(r.returncode == 0 and "恢复完成，数据库账本验证通过" in r.stdout, "restore verifies: " + r.stdout[-300:] + r.stderr)
        if postgres:
            check(qfserver.planned_tables(restored) == 2, "restore gathers the planner's statistics (pg_restore leaves none)")
        events = qfserver.query(restored, "SELECT count(*) FROM events")
        r = qf("restore", backup, "--db", restored, "--keys-from", keys)
        check(r.returncode != 0 and "不会覆盖" in r.stderr and qfserver.query(restored, "SELECT count(*) FROM events") == events,
              "restore refuses a database that holds anything and leaves it: " + r.stderr)
        r = qf("restore", backup, "--db", db, "--keys-from", keys)
        check(r.returncode != 0 and "不会覆盖" in r.stderr, "nor the live database: " + r.stderr)

        r = qf("version", "--db", restored)
        check(r.returncode == 0 and "结构版本" in r.stdout and "与本程序一致" in r.stdout,
              "version shows the restored database's schema version: " + r.stdout)
        # A database from a newer release: this binary says so and refuses to serve it.
        newer = qfserver.copy_database(restored, work, "newer")
        qfserver.execute(newer, "INSERT INTO schema_migrations(version, applied_at) VALUES (999, '2030-01-01T00:00:00Z')")
        r = qf("version", "--db", newer)
        check(r.returncode == 3 and "比本程序新" in r.stdout, "version: a newer database is named as such: " + r.stdout)
        try:
            qfserver.Server(args.bin, newer).start().stop()
            check(False, "a binary older than the database refuses to start")
        except RuntimeError as e:
            check("请升级程序" in str(e), "a binary older than the database refuses to start: " + str(e)[-200:])

        s = qfserver.Server(args.bin, restored).start()
        try:
            c = qfserver.Client(s.port)
            status, _, _ = c.request("GET", "/healthz")
            check(status == 200, "the restored database serves")
            staff.reconnect(s.port)
            check(staff.request("GET", "/api/v1/auth/me")[0] == 401,
                  "a restore signs everyone out (the backup's sessions are not revived)")
            found = [c.request("GET", "/api/v1/public/cases/" + receipt)[0] for receipt in before]
            check(found and all(st == 200 for st in found),
                  "every submission acknowledged before the backup is in it (%d)" % len(found))
            # The outsider, who saw the database after the backup, recognises the restored one as older.
            r = qf("ledger", "verify", "--key", verifier, "--url", "http://127.0.0.1:%d" % s.port, "--state", state)
            check(r.returncode != 0 and "回滚" in (r.stdout + r.stderr),
                  "an outside verifier recognises the restore as a rollback: " + (r.stdout + r.stderr)[-300:])
            status, _, _ = c.request("POST", "/api/v1/public/cases", {
                "category": "fees", "title": "恢复后的投诉", "content": "恢复后提交的投诉，学校乱收费。", "anonymous": True})
            check(status == 201, "the restored database takes submissions (its ledger key signs on)")
        finally:
            s.stop()

        # Scheduled backups: every second here, the newest two kept, each verified; the status on /healthz.
        scheduled = os.path.join(work, "scheduled")
        s = qfserver.Server(args.bin, restored, ["--backup-dir", scheduled, "--backup-every", "1s", "--backup-keep", "2"]).start()
        try:
            c = qfserver.Client(s.port)
            deadline = time.monotonic() + 60
            taken = set()
            while time.monotonic() < deadline and len(taken) < 3:
                status, health, _ = c.request("GET", "/healthz")
                last = (health.get("backup") or {}).get("last_ok")
                if last:
                    taken.add(last["file"])
                time.sleep(0.2)
            check(len(taken) >= 3, "three scheduled backups taken and verified (%d)" % len(taken))
            files = sorted(os.listdir(scheduled))
            prefix = (qfserver.pg_name(restored) if postgres else "qingfeng") + "-"
            suffix = ".dump" if postgres else ".db"
            check(len(files) == 2 and all(f.startswith(prefix) and f.endswith(suffix) for f in files),
                  "the newest two kept: %s" % files)
            check(health.get("status") == "ok" and health["backup"]["keep"] == 2 and health["backup"]["last_error"] is None,
                  "/healthz shows the backups' status: %s" % health.get("backup"))
        finally:
            s.stop()
        blocked = os.path.join(work, "not-a-directory")
        open(blocked, "w").close()
        s = qfserver.Server(args.bin, restored, ["--backup-dir", os.path.join(blocked, "sub"), "--backup-every", "1s"]).start()
        try:
            c = qfserver.Client(s.port)
            deadline = time.monotonic() + 30
            health = {}
            while time.monotonic() < deadline:
                status, health, _ = c.request("GET", "/healthz")
                if (health.get("backup") or {}).get("last_error"):
                    break
                time.sleep(0.2)
            check(status == 200 and health["backup"]["last_error"] and health["backup"]["last_ok"] is None,
                  "a failing backup is reported on /healthz, the server still healthy: %s" % health.get("backup"))
        finally:
            s.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return finish(failures)


def finish(failures):
    print("backup: %d failed" % len(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
