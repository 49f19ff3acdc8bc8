#!/usr/bin/env python3
"""Makes an upgrade fixture: a small SQLite database written by a release's binary, with its key files and what the
upgrade test expects to find in it (manifest.json). Run with the binary of the release before a new migration and
commit the directory (tests/upgrade/<schema version>/); tests/system/upgrade_test.py upgrades a copy of each.

    git worktree add /tmp/release <commit> && (cd /tmp/release && make build)
    python3 tests/upgrade/make_fixture.py --bin /tmp/release/build/qingfeng --data /tmp/release/data --commit <commit>

Run under tests/with-pg.sh, it also makes the PostgreSQL fixture: the same steps on a PostgreSQL database, kept as a
plain pg_dump (postgresql.sql.xz) with its key files (postgresql.ledger.key, postgresql.vault.key); the manifest then
lists that database's receipts and events under "postgresql".

The database is kept compressed (qingfeng.db.xz). It holds units and cases imported by the command line, public submissions (one named, so a sealed
identity) through the API, and a signed ledger checkpoint."""
import argparse
import json
import lzma
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qfserver  # noqa: E402

UNITS = ("code,name,kind,parent_code,district,stage,ownership,enrolment\n"
         "JYJ,市教育局,bureau,,,,,\n"
         "QX-A,甲区教体局,district_bureau,JYJ,甲区,,,\n"
         "A001,甲区第一小学,school,QX-A,甲区,小学,public,900\n"
         "A002,甲区第二中学,school,QX-A,甲区,初中,public,1200\n")
CASES = ("工单编号,受理时间,问题分类,标题,内容,涉及单位\n"
         "ZM-1,2026-03-02 09:30,教育收费,资料费,收取资料费,A001\n"
         "ZM-2,2026-03-03,违规补课,补课,周末补课,甲区第二中学\n")


def populate(qf, binary, db, work):
    """The fixture's contents, written by the release's binary: units and cases imported, three public submissions
    (one named), a signed checkpoint. Returns the receipts with their titles."""
    for name, text in (("units.csv", UNITS), ("cases.csv", CASES)):
        with open(os.path.join(work, name), "w", encoding="utf-8") as f:
            f.write(text)
    qf("import", "--db", db, "--units", os.path.join(work, "units.csv"))
    qf("import", "--db", db, "--cases", os.path.join(work, "cases.csv"), "--channel", "zmztc",
       "--backdate-reason", "升级测试数据")
    server = qfserver.Server(binary, db).start()
    c = qfserver.Client(server.port)
    receipts = {}
    for title, anonymous in (("收取教辅材料费", True), ("假期违规补课", True), ("食堂收费不公示", False)):
        body = {"category": "fees", "title": title, "content": title + "，请核查。", "anonymous": anonymous}
        if not anonymous:
            body["reporter"] = {"name": "王某某", "phone": "13800000000"}
        status, answer, _ = c.request("POST", "/api/v1/public/cases", body)
        if status != 201:
            sys.exit("submission failed: %s %s" % (status, answer))
        receipts[answer["receipt"]] = title
    server.stop()
    qf("ledger", "checkpoint", "--db", db)
    return receipts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--data", required=True, help="the release's data directory")
    ap.add_argument("--commit", required=True, help="the release's commit (recorded in the manifest)")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="qf-fixture-")
    pg_host = qfserver.PG_HOST
    qfserver.PG_HOST = ""  # the SQLite fixture first, whatever the environment
    try:
        db = os.path.join(work, "qingfeng.db")

        def qf(*a):
            r = subprocess.run([args.bin, "--data", args.data] + list(a), capture_output=True, text=True)
            if r.returncode != 0:
                sys.exit("%s failed: %s" % (a[0], r.stderr))
            return r.stdout

        receipts = populate(qf, args.bin, db, work)
        version = int(sqlite3.connect(db).execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0])
        con = sqlite3.connect(db)
        con.execute("VACUUM")
        con.close()
        out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "%04d" % version)
        os.makedirs(out, exist_ok=True)
        with open(db, "rb") as src, lzma.open(os.path.join(out, "qingfeng.db.xz"), "wb") as dst:
            shutil.copyfileobj(src, dst)  # ~10× smaller in the repository
        for suffix in (".ledger.key", ".vault.key"):
            shutil.copy(db + suffix, os.path.join(out, "qingfeng.db" + suffix))
        events = sqlite3.connect(db).execute("SELECT COUNT(*) FROM events").fetchone()[0]
        manifest = {"schema": version, "made_by": qf("version").strip(), "commit": args.commit, "receipts": receipts,
                    "events": events, "units": 4, "cases": 5}
        if pg_host:
            qfserver.PG_HOST = pg_host
            pg_work = os.path.join(work, "pg")
            os.makedirs(pg_work)
            pg = qfserver.new_database(pg_work, "fixture")
            pg_receipts = populate(qf, args.bin, pg, pg_work)
            dump = subprocess.run(["pg_dump", "--no-owner", "--no-privileges", pg], check=True, capture_output=True).stdout
            with lzma.open(os.path.join(out, "postgresql.sql.xz"), "wb") as dst:
                dst.write(dump)
            for suffix in (".ledger.key", ".vault.key"):
                shutil.copy(qfserver.key_file(pg, suffix), os.path.join(out, "postgresql" + suffix))
            pg_events = int(qfserver.query(pg, "SELECT COUNT(*) FROM events")[0][0])
            manifest["postgresql"] = {"receipts": pg_receipts, "events": pg_events}
        with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as f:
            json.dump(manifest, f, ensure_ascii=False, indent=1)
        print("fixture %s: schema %d, %d events%s" % (out, version, events, " (and PostgreSQL)" if pg_host else ""))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
