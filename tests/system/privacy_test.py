#!/usr/bin/env python3
"""An anonymous submission leaves no client address, user agent or forwarded address anywhere: not in the
database file, its WAL, nor the server's log. Named reporters' details appear nowhere in plain text."""
import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qfserver  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/qingfeng")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="qf-privacy-")
    failures = []
    try:
        db = qfserver.new_database(work, "p")
        server = qfserver.Server(args.bin, db, log_level="debug").start()
        c = qfserver.Client(server.port)
        probe_headers = {"User-Agent": "QF-PRIVACY-PROBE/1.0", "X-Forwarded-For": "203.0.113.77", "X-Real-IP": "198.51.100.9"}
        status, body, _ = c.request("POST", "/api/v1/public/cases?ledger_receipt=deferred",
                                    {"category": "ethics", "title": "匿名举报", "content": "老师体罚学生", "anonymous": True},
                                    headers=probe_headers)
        if status != 201:
            failures.append("anonymous submission failed: %s %s" % (status, body))
        receipt = body["receipt"]
        c.request("GET", "/api/v1/public/cases/" + receipt, headers=probe_headers)
        c.request("POST", "/api/v1/public/cases/%s/add_info" % receipt, {"text": "补充：时间是周一上午"}, headers=probe_headers)
        status, body, _ = c.request("POST", "/api/v1/public/cases?ledger_receipt=deferred",
                                    {"category": "fees", "title": "实名反映", "content": "收取资料费", "anonymous": False,
                                     "reporter": {"name": "隐私测试人", "phone": "13912345678", "address": "测试路88号"}},
                                    headers=probe_headers)
        if status != 201:
            failures.append("named submission failed: %s %s" % (status, body))
        server.stop()
        log = server.logs()
        blobs = {"server log": log.encode()}
        blobs.update(qfserver.stored_bytes(db))
        needles = ["127.0.0.1", "203.0.113.77", "198.51.100.9", "QF-PRIVACY-PROBE", "13912345678", "隐私测试人", "测试路88号"]
        for where, data in blobs.items():
            for n in needles:
                if n.encode() in data:
                    failures.append("%r found in %s" % (n, where))
        if "req=" not in log:
            failures.append("the debug log has no request lines, so the grep proves nothing")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL " + f)
    print("privacy: %d passed, %d failed" % (0 if failures else 1, 1 if failures else 0))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
