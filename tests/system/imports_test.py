#!/usr/bin/env python3
"""A long import followed from the console, against a real server: while a 6,000-row check runs, the clerk who sent
it reads its progress under the token the page chose (the rows done rising to the file's rows, then finished); another
account gets nothing for the same token; a malformed token is refused before anything is read."""
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

ROWS = 6000


def export():
    lines = ["工单编号,受理时间,问题分类,标题,内容"]
    lines += ["P-%d,2026-11-%02d 09:00,教育收费,资料费%d,反映学校收取资料费%d元" % (i, 1 + i % 28, i, i) for i in range(ROWS)]
    return ("\n".join(lines) + "\n").encode("utf-8")


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
        while sender.is_alive():
            status, body, _ = watcher.request("GET", "/api/v1/progress/" + token)
            if status == 200:
                seen.append(body)
            time.sleep(0.05)
        sender.join()
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
        server.stop()
        imported = qfserver.query(db, "SELECT count(*) FROM cases WHERE external_ref LIKE 'P-%'")[0][0]
        check(str(imported) == "0", "a check writes nothing", imported)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("imports: %d failed" % len(check.failed))
    sys.exit(1 if check.failed else 0)


if __name__ == "__main__":
    main()
