#!/usr/bin/env python3
"""A long import followed from the console, against a real server: while a 20,000-row check runs, the clerk who sent
it reads its progress under the token the page chose (the rows done rising to the file's rows, then finished); another
account gets nothing for the same token; a malformed token is refused before anything is read. The check is taken a
part at a time: a citizen's submission and a sign-in sent while it runs are answered before it ends, and a ticket
repeated far down the file is found as the import finds it. An import of the correct rows only is committed a part at
a time, so a submission sent while it runs is answered before it ends too. A long file refused whole loses nothing
written after it across a restart."""
import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qfserver  # noqa: E402

ROWS = 20000
VALID = 8000  # an import's rows take about four times a check's


def export(prefix="P", rows=ROWS, last=None):
    """A platform export of `rows` tickets PREFIX-0, PREFIX-1, …, and `last` (a line of its own) after them."""
    lines = ["工单编号,受理时间,问题分类,标题,内容"]
    lines += ["%s-%d,2026-11-%02d 09:00,教育收费,资料费%d,反映学校收取资料费%d元" % (prefix, i, 1 + i % 28, i, i)
              for i in range(rows)]
    return ("\n".join(lines + ([last] if last else [])) + "\n").encode("utf-8")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/qingfeng")
    args = ap.parse_args()
    check = qfserver.Checks()
    work = tempfile.mkdtemp(prefix="qf-imports-")
    try:
        db = qfserver.build_demo(args.bin, work)
        server = qfserver.Server(args.bin, db, ["--no-rate-limits"]).start()
        clerk, other, watcher = (qfserver.Client(server.port) for _ in range(3))
        clerk.login("clerk")
        watcher.login("clerk")  # the same account in a second tab
        other.login("supervisor")
        token = "check-7f3a9c2e41"
        query = urllib.parse.urlencode({"channel": "zmztc", "dry_run": "true", "backdate_reason": "平台历史工单补录",
                                        "progress": token})
        result = {}

        def send():
            result["answer"] = clerk.request("POST", "/api/v1/cases/import?" + query, raw=export(), content_type="text/csv")

        sender = threading.Thread(target=send)
        sender.start()
        seen = []
        # Writes that come while the rows are checked: a citizen's submission and a sign-in's second step (each a
        # writer command), sent once the check is under way. The submission's ledger receipt is deferred: it would
        # wait for the next signed checkpoint (at most one a second), which is not what this is about.
        between = {}
        citizen, late = qfserver.Client(server.port), qfserver.Client(server.port)
        while sender.is_alive():
            status, body, _ = watcher.request("GET", "/api/v1/progress/" + token)
            if status == 200:
                seen.append(body)
                if not between and body["phase"] == "checking" and 0 < body["done"] < ROWS // 3:
                    status, sub, _ = citizen.request("POST", "/api/v1/public/cases?ledger_receipt=deferred", {
                        "category": "fees", "title": "预检期间的投诉", "content": "学校收取资料费 120 元，预检进行中提交。",
                        "anonymous": True})
                    between["submitted"] = (status, sender.is_alive())
                    late.login("leader")
                    between["signed in"] = sender.is_alive()
            time.sleep(0.05)
        sender.join()
        check(between.get("submitted") == (201, True), "a submission sent while the rows are checked is answered before the check ends",
              between)
        check(between.get("signed in") is True, "so is a sign-in", between)
        status, body, _ = result["answer"]
        check(status == 200 and body.get("would_apply") == ROWS, "the check answers with every row", (status, str(body)[:300]))
        running = [s for s in seen if not s["finished"] and s["phase"] == "checking"]
        check(len(running) >= 2, "the progress was read while the rows were checked", seen[:3])
        check(all(s["total"] == ROWS for s in running), "it counts the file's rows", running[:2])
        dones = [s["done"] for s in running]
        check(dones == sorted(dones) and any(0 < d < ROWS for d in dones), "the rows done rise", dones[:20])
        status, last, _ = watcher.request("GET", "/api/v1/progress/" + token)
        check(status == 200 and last["finished"] and last["done"] == ROWS, "it ends finished with every row", last)
        status, body, _ = other.request("GET", "/api/v1/progress/" + token)
        check(status == 404, "another account cannot read it", (status, body))
        status, body, _ = clerk.request("POST", "/api/v1/cases/import?channel=zmztc&dry_run=true&progress=a%20b",
                                        raw=export(), content_type="text/csv")
        check(status == 400 and any(e.get("field") == "progress" for e in body.get("errors", [])),
              "a malformed token is refused, naming it", body)
        # A ticket in the file twice, the second time well past the check's first part: the check finds it, naming the
        # row it repeats, and so does the import, which is refused whole; with accept_valid the rest goes in.
        twice = export("D", 3000, "D-7,2026-11-08 10:00,教育收费,资料费又一次,再次反映学校收取资料费")
        base = {"channel": "zmztc", "backdate_reason": "平台历史工单补录"}
        status, preview, _ = clerk.request("POST", "/api/v1/cases/import?" + urllib.parse.urlencode({**base, "dry_run": "true"}),
                                           raw=twice, content_type="text/csv")
        repeated = [e for e in preview.get("rejected", []) if e.get("rule") == "duplicate_ticket"]
        check(status == 200 and preview.get("would_apply") == 3000 and len(repeated) == 1 and repeated[0].get("row") == 3002
              and repeated[0].get("args", [None])[0] == "9", "the check finds the ticket repeated, naming the row it repeats",
              (status, preview.get("would_apply"), repeated or preview.get("rejected", [])[:3]))
        status, body, _ = clerk.request("POST", "/api/v1/cases/import?" + urllib.parse.urlencode(base), raw=twice,
                                        content_type="text/csv")
        check(status == 400 and any(e.get("rule") == "duplicate_ticket" and e.get("row") == 3002 for e in body.get("errors", [])),
              "the import is refused for the same row", (status, str(body)[:300]))
        status, body, _ = clerk.request("POST", "/api/v1/cases/import?" + urllib.parse.urlencode({**base, "accept_valid": "true"}),
                                        raw=twice, content_type="text/csv")
        check(status == 200 and body.get("applied") == preview.get("would_apply"), "with accept_valid, the rows the check said",
              (status, str(body)[:300]))
        # An import of the correct rows only (accept_valid), committed a part at a time: a submission sent while it runs
        # is answered before it ends, and every correct row goes in, each once.
        valid = export("V", VALID, "V-bad,2026-11-08 10:00,没有这个分类,资料费,反映学校收取资料费")
        token = "import-5b2e8d1f90"
        result.clear()
        between.clear()

        def send_valid():
            result["answer"] = clerk.request("POST", "/api/v1/cases/import?" + urllib.parse.urlencode(
                {**base, "accept_valid": "true", "progress": token}), raw=valid, content_type="text/csv")

        sender = threading.Thread(target=send_valid)
        sender.start()
        while sender.is_alive():
            status, body, _ = watcher.request("GET", "/api/v1/progress/" + token)
            if status == 200 and not between and body["phase"] == "importing" and 0 < body["done"] < VALID // 3:
                status, sub, _ = citizen.request("POST", "/api/v1/public/cases?ledger_receipt=deferred", {
                    "category": "fees", "title": "导入期间的投诉", "content": "学校收取资料费 140 元，导入进行中提交。",
                    "anonymous": True})
                between["submitted"] = (status, sender.is_alive())
            time.sleep(0.05)
        sender.join()
        check(between.get("submitted") == (201, True),
              "a submission sent while the correct rows are imported is answered before the import ends", between)
        status, body, _ = result["answer"]
        check(status == 200 and body.get("applied") == VALID and len(body.get("rejected", [])) == 1,
              "the import of the correct rows brings in every one of them", (status, str(body)[:300]))
        # A long file refused whole at its last row is undone; what is written after it survives a restart (SQLite
        # lost such commits when the refused command's pages had spilled into the WAL: storage/sqlite_db.cc).
        refused_file = export("R", ROWS, "R-last,2026-11-08 10:00,没有这个分类,资料费,反映学校收取资料费")
        status, body, _ = clerk.request("POST", "/api/v1/cases/import?" + urllib.parse.urlencode(base),
                                        raw=refused_file, content_type="text/csv")
        check(status == 400 and body.get("code") == "import.rejected", "a long file with one bad row is refused whole",
              (status, str(body)[:200]))
        after = []
        for n in range(5):
            status, sub, _ = citizen.request("POST", "/api/v1/public/cases?ledger_receipt=deferred", {
                "category": "fees", "title": "退回导入之后的投诉 %d" % n, "content": "学校收取资料费 130 元。", "anonymous": True})
            after.append(status)
        check(after == [201] * 5, "submissions after it are taken", after)
        server.stop()
        kept = qfserver.query(db, "SELECT count(*) FROM cases WHERE title LIKE '退回导入之后的投诉%'")[0][0]
        check(str(kept) == "5", "and are still there after the server stops", kept)
        refused = qfserver.query(db, "SELECT count(*) FROM cases WHERE external_ref LIKE 'R-%'")[0][0]
        check(str(refused) == "0", "nothing of the refused file is", refused)
        imported = qfserver.query(db, "SELECT count(*) FROM cases WHERE external_ref LIKE 'P-%'")[0][0]
        check(str(imported) == "0", "a check writes nothing", imported)
        kept = qfserver.query(db, "SELECT count(*), count(DISTINCT external_ref) FROM cases WHERE external_ref LIKE 'D-%'")[0]
        check([str(x) for x in kept] == ["3000", "3000"], "each ticket once", kept)
        kept = qfserver.query(db, "SELECT count(*), count(DISTINCT external_ref) FROM cases WHERE external_ref LIKE 'V-%'")[0]
        check([str(x) for x in kept] == [str(VALID), str(VALID)], "the correct rows imported in parts are there, each once", kept)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("imports: %d failed" % len(check.failed))
    sys.exit(1 if check.failed else 0)


if __name__ == "__main__":
    main()
