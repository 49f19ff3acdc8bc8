"""Moving a bureau between backends: `qingfeng db copy` takes the demo database from SQLite to PostgreSQL and back,
refuses a target that is not empty, ends each copy with a verified ledger and (on PostgreSQL, as the demo) the planner's
statistics gathered, and every table arrives whole. The same
data then answers the same on both backends: the dashboard's figures, the search results newest first (with their
totals), relevance's totals and matches (the order is each store's own score) and a case's detail. Needs QF_TEST_PG (tests/with-pg.sh)."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qfserver  # noqa: E402

TABLES = ["events", "units", "people", "accounts", "cases", "case_deadlines", "case_messages", "reporters", "blobs",
          "ledger_tiles", "ledger_checkpoints", "rollup_day", "rollup_dim", "notices", "notice_entries", "draws",
          "campaigns", "inspection_forms", "rectifications", "bulletins", "supervision", "unit_tree", "evidence"]
SEARCHES = ["收费", "资料费", "补课", "校长", "食堂", "违规 收费", "补"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/qingfeng")
    args = ap.parse_args()
    if qfserver.backend() != "postgres":
        sys.exit("dbcopy_test: run through tests/with-pg.sh (it needs a PostgreSQL cluster)")
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)

    def qf(*a):
        return subprocess.run([args.bin, "--data", os.path.join(qfserver.ROOT, "data")] + list(a), capture_output=True, text=True)

    work = tempfile.mkdtemp(prefix="qf-copy-")
    try:
        lite = os.path.join(work, "demo.db")
        check(qf("demo", "--db", lite).returncode == 0, "demo on SQLite")
        pg = qfserver.new_database(work, "copy")
        r = qf("db", "copy", "--from", lite, "--to", pg)
        check(r.returncode == 0 and "目标账本验证通过" in r.stdout, "SQLite → PostgreSQL copy verified: " + r.stdout + r.stderr[-2000:])
        check("复制 events" in r.stderr, "progress is shown per table")
        # A copy, like the demo built on PostgreSQL, leaves the planner its statistics: without them the first
        # reads are planned on guesses until autovacuum's next round.
        planned = qfserver.planned_tables(pg)
        check(planned == 2, "the copy gathered the planner's statistics (%d of 2 tables)" % planned)
        planned = qfserver.planned_tables(qfserver.build_demo(args.bin, work))
        check(planned == 2, "the demo gathered the planner's statistics (%d of 2 tables)" % planned)
        r = qf("db", "copy", "--from", lite, "--to", pg)
        check(r.returncode != 0 and "不是空库" in r.stderr, "a non-empty target is refused: " + r.stderr[-500:])
        back = os.path.join(work, "back.db")
        r = qf("db", "copy", "--from", pg, "--to", back)
        check(r.returncode == 0 and "目标账本验证通过" in r.stdout, "PostgreSQL → SQLite copy verified: " + r.stdout + r.stderr[-2000:])
        r = qf("db", "copy", "--from", lite, "--to", os.path.join(work, "other.db"))
        check(r.returncode != 0 and "两种数据库之间" in r.stderr, "a copy within one backend is refused: " + r.stderr)
        for t in TABLES:
            counts = [qfserver.query(db, "SELECT COUNT(*) FROM %s" % t)[0][0] for db in (lite, pg, back)]
            check(len(set(counts)) == 1, "%s arrives whole both ways: %s" % (t, counts))
        digest = "SELECT seq, kind, subject, payload FROM events ORDER BY seq"
        check(qfserver.query(lite, digest) == qfserver.query(pg, digest) == qfserver.query(back, digest),
              "every event identical after both copies")

        # The same data answers the same on both backends.
        answers = {}
        for name, db in (("sqlite", lite), ("postgres", pg)):
            server = qfserver.Server(args.bin, db).start()
            try:
                c = qfserver.Client(server.port)
                c.login("supervisor")
                got = {}
                for path in ["/api/v1/stats?from=2026-01-01&to=2026-06-30", "/api/v1/stats?from=2026-07-01&to=2026-11-30",
                             "/api/v1/cases/5"]:
                    status, body, _ = c.request("GET", path)
                    got[path] = (status, body)
                for q in SEARCHES:
                    for sort in ("", "&sort=relevance"):
                        path = "/api/v1/cases?limit=100&q=%s%s" % (q, sort)
                        status, body, _ = c.request("GET", "/api/v1/cases?limit=100&q=%s%s" % (urllib.parse.quote(q), sort))
                        ids = [i["id"] for i in body.get("items", [])] if status == 200 else body
                        # Relevance orders by each store's own score (SQLite's bm25, PostgreSQL's ts_rank): the totals
                        # are compared, and the matches when the page holds them all.
                        total = body.get("total") if status == 200 else None
                        if sort:
                            ids = sorted(ids) if total is not None and total <= len(ids) else None
                        got[path] = (status, ids, total)
                answers[name] = got
            finally:
                server.stop()
        for path in answers["sqlite"]:
            a, b = answers["sqlite"][path], answers["postgres"][path]
            check(a == b, "same answer on both backends for %s:\n  SQLite   %s\n  Postgres %s"
                  % (path, json.dumps(a, ensure_ascii=False)[:600], json.dumps(b, ensure_ascii=False)[:600]))
        hits = [answers["sqlite"]["/api/v1/cases?limit=100&q=%s" % q][2] for q in SEARCHES]
        check(all(h and h > 0 for h in hits), "every search word finds cases in the demo: %s" % hits)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL " + f)
    print("db copy: %d passed, %d failed" % (0 if failures else 1, 1 if failures else 0))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
