#!/usr/bin/env python3
"""Upgrades: each database under tests/upgrade/ (written by the release before a migration, tests/upgrade/
make_fixture.py) is upgraded in place by this build's server at start: its records are all there, it takes new
ones, `version` names the new schema, and its ledger still verifies for an outsider who saw it before the upgrade
(no rollback, no fork). A migration that fails leaves the database as it was: the server refuses to start, naming the
migration, and the schema is untouched. On SQLite every fixture; under tests/with-pg.sh the PostgreSQL fixtures (a
pg_dump of a database the same release wrote, kept from migration 0032 on)."""
import argparse
import glob
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

FIXTURES = os.path.join(qfserver.ROOT, "tests", "upgrade")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/qingfeng")
    args = ap.parse_args()
    check = qfserver.Checks()
    failures = check.failed

    def qf(*a):
        return subprocess.run([args.bin, "--data", os.path.join(qfserver.ROOT, "data")] + list(a),
                              capture_output=True, text=True)

    pg = bool(qfserver.PG_HOST)

    def copy(fixture, to):
        os.makedirs(to)
        if pg:
            # A fresh database restored from the release's dump, with its key files where the server looks.
            db = qfserver.new_database(to, "upgrade")
            with lzma.open(os.path.join(fixture, "postgresql.sql.xz")) as src:
                subprocess.run(["psql", db, "-q", "-v", "ON_ERROR_STOP=1"], input=src.read(), check=True,
                               capture_output=True)
            for suffix in (".ledger.key", ".vault.key"):
                shutil.copy(os.path.join(fixture, "postgresql" + suffix), qfserver.key_file(db, suffix))
                os.chmod(qfserver.key_file(db, suffix), 0o600)
            return db
        with lzma.open(os.path.join(fixture, "qingfeng.db.xz")) as src, open(os.path.join(to, "qingfeng.db"), "wb") as dst:
            shutil.copyfileobj(src, dst)
        for suffix in ("", ".ledger.key", ".vault.key"):
            if suffix:
                shutil.copy(os.path.join(fixture, "qingfeng.db" + suffix), os.path.join(to, "qingfeng.db" + suffix))
            os.chmod(os.path.join(to, "qingfeng.db" + suffix), 0o600)
        return os.path.join(to, "qingfeng.db")

    def schema(db):
        if pg:
            return qfserver.query(db, "SELECT table_name, column_name, data_type FROM information_schema.columns "
                                      "WHERE table_schema = 'public' UNION ALL SELECT tablename, indexname, indexdef "
                                      "FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2")
        con = sqlite3.connect(db)
        try:
            return sorted(r for r in con.execute("SELECT type, name, sql FROM sqlite_master WHERE name != 'refuse'"))
        finally:
            con.close()

    latest = int(qf("version").stdout.split("schema ")[1].split(",")[0])
    fixtures = sorted(d for d in glob.glob(os.path.join(FIXTURES, "[0-9]*")) if os.path.isdir(d))
    if pg:  # PostgreSQL fixtures are kept from the release before migration 0032 on
        fixtures = [d for d in fixtures if os.path.exists(os.path.join(d, "postgresql.sql.xz"))]
    check(fixtures, "there are fixtures under tests/upgrade/")
    work = tempfile.mkdtemp(prefix="qf-upgrade-")
    try:
        for fixture in fixtures:
            name = os.path.basename(fixture)
            with open(os.path.join(fixture, "manifest.json"), encoding="utf-8") as f:
                m = json.load(f)
            if pg:
                m = dict(m, **m["postgresql"])
            db = copy(fixture, os.path.join(work, name))
            r = qf("version", "--db", db)
            check("结构版本 %d" % m["schema"] in r.stdout, "%s: version names the old schema" % name, r.stdout)
            key = qf("ledger", "key", "--db", db).stdout.strip()
            state = os.path.join(work, name + ".state")
            r = qf("ledger", "verify", "--key", key, "--db", db, "--state", state)
            check(r.returncode == 0, "%s: the old ledger verifies" % name, r.stdout[-300:] + r.stderr[-300:])

            server = qfserver.Server(args.bin, db).start()
            try:
                c = qfserver.Client(server.port)
                found = {}
                for receipt, title in m["receipts"].items():
                    status, body, _ = c.request("GET", "/api/v1/public/cases/" + receipt)
                    found[receipt] = status == 200 and body.get("title") == title
                check(all(found.values()), "%s: every receipt of the old database answers" % name, found)
                status, body, _ = c.request("POST", "/api/v1/public/cases", {
                    "category": "fees", "title": "升级后的投诉", "content": "升级后提交，请核查。", "anonymous": True})
                check(status == 201, "%s: the upgraded database takes a submission" % name, "%s %s" % (status, body))
            finally:
                server.stop()
            r = qf("version", "--db", db)
            check("结构版本 %d" % latest in r.stdout, "%s: version names the new schema" % name, r.stdout)
            counts = qfserver.query(db, "SELECT (SELECT COUNT(*) FROM cases), (SELECT COUNT(*) FROM events)")[0]
            check(int(counts[0]) == m["cases"] + 1 and int(counts[1]) > m["events"],
                  "%s: the old cases and events are kept and new ones added" % name, counts)
            r = qf("ledger", "verify", "--key", key, "--db", db, "--state", state)
            check(r.returncode == 0 and "无回滚、无分叉" in r.stdout,
                  "%s: the upgraded ledger verifies for an outsider who saw it before (no rollback, no fork)" % name,
                  r.stdout[-300:] + r.stderr[-300:])

            if m["schema"] < latest:
                # A migration that fails (here: its version cannot be recorded) leaves the database as it was.
                db = copy(fixture, os.path.join(work, name + "-failing"))
                before = schema(db)
                if pg:
                    qfserver.execute(db, "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                                         "$$BEGIN RAISE EXCEPTION 'refused by the test'; END$$",
                                     "CREATE TRIGGER refuse BEFORE INSERT ON schema_migrations "
                                     "FOR EACH ROW EXECUTE FUNCTION refuse()")
                else:
                    con = sqlite3.connect(db)
                    con.execute("CREATE TRIGGER refuse BEFORE INSERT ON schema_migrations "
                                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")
                    con.commit()
                    con.close()
                try:
                    qfserver.Server(args.bin, db).start().stop()
                    check(False, "%s: a failing migration stops the start" % name)
                except RuntimeError as e:
                    check("迁移 %d 失败" % (m["schema"] + 1) in str(e),
                          "%s: a failing migration stops the start, naming it" % name, str(e)[-200:])
                check(schema(db) == before, "%s: a failing migration leaves the schema as it was" % name)
                r = qf("version", "--db", db)
                check("结构版本 %d" % m["schema"] in r.stdout, "%s: ... and its version" % name, r.stdout)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("upgrade: %d fixtures on %s; %d failed" % (len(fixtures), "PostgreSQL" if pg else "SQLite", len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
