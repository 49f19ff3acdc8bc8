#!/usr/bin/env python3
"""A full disk, for real: the database on a small tmpfs (SQLite: the file and its WAL; PostgreSQL: the database's
tablespace), filled to the last byte while the server runs and takes submissions. Then:

- a write the storage refuses is answered 503 storage.full (problem+json in Chinese, Retry-After), and nothing is
  acknowledged that was not committed: every receipt given is there after a kill -9 and a restart, and nothing else;
- reads go on: a citizen's receipt, a supervisor's case list (signed in before the disk filled);
- /healthz says storage.full while it lasts;
- when space returns the server takes writes again by itself (no restart): /healthz turns 200, recording
  `storage.recovered` once, and new submissions are acknowledged;
- the ledger verifies at the end.

Mounting needs root (make test runs as root in CI); without it the test says so and stops. A read-only filesystem
cannot be made under a running server (Linux refuses `remount,ro` while files are open for writing): the writer's
handling of a write refused or a transaction lost is tested with injected faults in storage/writer_test.cc."""
import argparse
import concurrent.futures
import errno
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qfserver  # noqa: E402


def fill(path):
    """Writes zeros into `path` until the filesystem refuses, in shrinking chunks down to 512 bytes."""
    with open(path, "ab", buffering=0) as f:
        for size in (1 << 20, 64 << 10, 4 << 10, 512):
            chunk = b"\0" * size
            while True:
                try:
                    f.write(chunk)
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    break


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/qingfeng")
    args = ap.parse_args()
    check = qfserver.Checks()
    failures = check.failed

    work = tempfile.mkdtemp(prefix="qf-storage-")
    mnt = os.path.join(work, "disk")
    os.makedirs(mnt)
    pg = bool(qfserver.PG_HOST)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s" % ("48m" if pg else "160m"), "tmpfs", mnt],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print("storage: not run — mounting a tmpfs needs root (%s)" % r.stderr.strip())
        shutil.rmtree(work, ignore_errors=True)
        return
    server = None
    try:
        if pg:
            # The database's own files in a tablespace on the small disk; its WAL stays in the cluster's directory.
            subprocess.run(["chown", "postgres:postgres", mnt], check=False)  # the server's user, as root
            os.chmod(work, 0o755)
            db = qfserver.new_database(work, "full")
            name = qfserver.pg_name(db)
            admin = db.replace("/%s?" % name, "/postgres?")
            subprocess.run(["psql", admin, "-q", "-v", "ON_ERROR_STOP=1", "-c", "DROP DATABASE %s" % name,
                            "-c", "CREATE TABLESPACE qf_small LOCATION '%s'" % mnt,
                            "-c", "CREATE DATABASE %s TABLESPACE qf_small" % name], check=True, capture_output=True)
        else:
            db = os.path.join(mnt, "qingfeng.db")
        qf = [args.bin, "--data", os.path.join(qfserver.ROOT, "data")]
        units = os.path.join(work, "units.csv")
        with open(units, "w", encoding="utf-8") as f:
            f.write("code,name,kind,parent_code,district,stage,ownership,enrolment\n"
                    "JYJ,市教育局,bureau,,,,,\nQX-A,甲区教体局,district_bureau,JYJ,甲区,,,\n"
                    "A001,甲区第一小学,school,QX-A,甲区,小学,public,900\n")
        subprocess.run(qf + ["import", "--db", db, "--units", units], check=True, capture_output=True)
        server = qfserver.Server(args.bin, db, ["--no-rate-limits"]).start()
        public = qfserver.Client(server.port)

        def submit(i):
            return public.request("POST", "/api/v1/public/cases", {
                "category": "fees", "title": "磁盘测试%d" % i, "content": "收取资料费。" + "说明" * 400, "anonymous": True})

        acked = []
        for i in range(5):
            status, body, _ = submit(i)
            check(status == 201, "a submission before the disk fills is acknowledged (%d)" % i, status)
            if status == 201:
                acked.append(body["receipt"])

        # Every reading thread opens its connection now: PostgreSQL cannot start a connection to a database whose
        # directory is full (it writes its relation cache file first: "could not write init file"), so the reads
        # that go on are those over connections already open — as in a server that has been serving for a while.
        def warm(_):
            c = qfserver.Client(server.port)
            for _ in range(5):
                c.request("GET", "/healthz")
                c.request("GET", "/api/v1/public/cases/" + acked[0])
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            list(pool.map(warm, range(16)))
        fill(os.path.join(mnt, "filler"))
        refused, answer, retry_after = 0, None, None
        for i in range(5, 4000):
            status, body, resp = submit(i)
            if status == 201:
                acked.append(body["receipt"])
                continue
            if status == 503 and isinstance(body, dict) and body.get("code") == "storage.full":
                refused += 1
                answer, retry_after = body, resp.getheader("Retry-After")
                if refused >= 20:
                    break
            else:
                check(False, "a submission on a full disk is acknowledged or refused as storage.full", (status, body))
                break
        check(refused >= 20, "submissions on the full disk are refused as storage.full (503)",
              "%d refused after %d acknowledged" % (refused, len(acked)))
        if answer:
            check("存储空间已满" in (answer.get("detail") or "") + (answer.get("title") or ""),
                  "the refusal says in Chinese that the server's storage is full", answer)
            check(retry_after == "30", "the refusal says when to try again (Retry-After)", retry_after)
        status, body, _ = public.request("GET", "/api/v1/public/cases/" + acked[0])
        check(status == 200, "reads go on on a full disk: a citizen follows a receipt", status)
        status, body, _ = public.request("GET", "/healthz")
        check(status == 503 and (body or {}).get("code") == "storage.full", "/healthz says the storage is full", (status, body))

        os.remove(os.path.join(mnt, "filler"))
        status, body, _ = public.request("GET", "/healthz")
        check(status == 200, "space back: /healthz is healthy again without a restart", (status, body))
        for i in range(4000, 4005):
            status, body, _ = submit(i)
            check(status == 201, "space back: submissions are acknowledged again (%d)" % i, (status, body))
            if status == 201:
                acked.append(body["receipt"])

        server.stop(sig=9)
        server = qfserver.Server(args.bin, db, ["--no-rate-limits"]).start()
        public = qfserver.Client(server.port)
        lost = [r for r in acked if public.request("GET", "/api/v1/public/cases/" + r)[0] != 200]
        check(not lost, "every acknowledged submission is there after kill -9 (%d)" % len(acked), lost[:5])
        stored = int(qfserver.query(db, "SELECT COUNT(*) FROM cases WHERE title LIKE '磁盘测试%'")[0][0])
        check(stored == len(acked), "nothing is stored that was not acknowledged", "%d stored, %d acknowledged" % (stored, len(acked)))
        recovered = int(qfserver.query(db, "SELECT COUNT(*) FROM events WHERE kind = 'storage.recovered'")[0][0])
        check(recovered == 1, "the recovery is recorded once in the ledger", recovered)
        server.stop()
        server = None
        key = subprocess.run(qf + ["ledger", "key", "--db", db], capture_output=True, text=True).stdout.strip()
        verified = subprocess.run(qf + ["ledger", "verify", "--key", key, "--db", db], capture_output=True, text=True)
        check(verified.returncode == 0, "the ledger verifies", (verified.stdout + verified.stderr)[-300:])
        print("storage: %d acknowledged, %d refused on the full disk (%s)" % (len(acked), refused, "PostgreSQL" if pg else "SQLite"))
    finally:
        if server:
            server.stop(sig=9)
        if pg:
            name = qfserver.pg_name(db)
            admin = db.replace("/%s?" % name, "/postgres?")
            subprocess.run(["psql", admin, "-q", "-c", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name,
                            "-c", "DROP TABLESPACE IF EXISTS qf_small"], capture_output=True)
        subprocess.run(["umount", mnt], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        sys.exit("storage: %d failed" % len(failures))


if __name__ == "__main__":
    main()
