#!/usr/bin/env python3
"""Placement anyone can check: the demo's published run passes `qingfeng placement verify` read from the server's
public address (as any outsider) and from the database, and the verifier catches a record altered after
publication — two seats swapped, a lottery number changed, a school filled past its seats — naming what fails.
Seats a school enters after publication leave the run's record as it was. Then the policy changes (a longer tenancy for the relatively-near tier): the next start re-assesses every
application, each change of tier in the ledger, while the published run keeps the tiers it ran with and still
verifies; a start under the same policy changes nothing."""
import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import qfserver  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/qingfeng")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="qf-placement-")
    failures = []

    def qf(*a):
        return subprocess.run([args.bin, "--data", os.path.join(ROOT, "data"), "placement", "verify"] + list(a),
                              capture_output=True, text=True)

    def check(cond, what):
        if not cond:
            failures.append(what)

    db = qfserver.build_demo(args.bin, work)
    server = qfserver.Server(args.bin, db).start()
    try:
        url = "http://127.0.0.1:%d" % server.port
        r = qf("1", "--url", url)
        check(r.returncode == 0 and "结论：与公布结果一致" in r.stdout and "43002 名儿童的随机号均可由种子重算" in r.stdout and "例外" in r.stdout,
              "the demo's run verifies from the public address: " + r.stdout + r.stderr)
        r = qf("1", "--db", db)
        check(r.returncode == 0, "and from the database: " + r.stdout + r.stderr)
        status, record, _ = qfserver.Client(server.port).request("GET", "/api/v1/public/placement/runs/1")
        check(status == 200 and len(record.get("children", [])) == 43002 and len(record.get("exceptions", [])) == 1, "the record holds every child and the appeal decided")
        # The record page's read: the same record with the children counted instead of listed.
        status, summary, _ = qfserver.Client(server.port).request("GET", "/api/v1/public/placement/runs/1?children=none")
        placed = sum(1 for c in record.get("children", []) if c["school"] is not None)
        check(status == 200 and "children" not in summary and summary.get("children_count") == 43002 and summary.get("placed") == placed
              and {k: v for k, v in summary.items() if k not in ("children_count", "placed")} == {k: v for k, v in record.items() if k != "children"},
              "without the children, the record counts them (%r of 43002, %d placed): %r" % (summary.get("children_count"), placed, summary.get("placed")))

        def verify(rec, name):
            path = os.path.join(work, name + ".json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(rec, f, ensure_ascii=False)
            return qf("--file", path)

        r = verify(record, "as-published")
        check(r.returncode == 0, "the saved record verifies: " + r.stdout)
        children = record["children"]
        # Two children of the same grade at different schools swap seats.
        swapped = copy.deepcopy(record)
        a = next(i for i, c in enumerate(children) if c["school"])
        b = next(i for i, c in enumerate(children) if c["school"] and c["school"] != children[a]["school"]
                 and c["grade"] == children[a]["grade"])
        swapped["children"][a]["school"], swapped["children"][b]["school"] = children[b]["school"], children[a]["school"]
        r = verify(swapped, "swapped")
        check(r.returncode == 1 and "重算结果与公布结果有" in r.stdout, "a swap is caught: " + r.stdout)
        # A lottery number changed.
        luckier = copy.deepcopy(record)
        luckier["children"][5]["lottery"] = 1
        r = verify(luckier, "luckier")
        check(r.returncode == 1 and "随机号与种子重算不符" in r.stdout and children[5]["ref"] in r.stdout,
              "a changed lottery number is caught by name: " + r.stdout)
        # One more child put into a school already full.
        counts = {}
        for c in children:
            if c["school"]:
                counts[(c["school"], c["grade"])] = counts.get((c["school"], c["grade"]), 0) + 1
        seats = {(s["code"], int(g)): n for s in record["schools"] for g, n in s["seats"].items()}
        full = next(k for k, n in counts.items() if n == seats[k])
        over = copy.deepcopy(record)
        i = next(i for i, c in enumerate(children) if c["grade"] == full[1] and c["school"] != full[0])
        over["children"][i]["school"] = full[0]
        r = verify(over, "over")
        check(r.returncode == 1 and "超出学位" in r.stdout, "a school past its seats is caught: " + r.stdout)
        # An unpublished or unknown run is not served.
        status, _, _ = qfserver.Client(server.port).request("GET", "/api/v1/public/placement/runs/99")
        check(status == 404, "unknown run: 404")
        # A school enters new seats after publication (awaiting approval, so out of the next run): the published
        # record keeps the seats the run placed into, and still verifies.
        qfserver.execute(db, "UPDATE placement_seats SET seats = seats + 7, approved = 0 WHERE code = 'DS0001'")
        _, reentered, _ = qfserver.Client(server.port).request("GET", "/api/v1/public/placement/runs/1")
        check(reentered.get("schools") == record["schools"], "seats entered after the run leave its record's schools as they were")
        r = qf("1", "--url", url)
        check(r.returncode == 0, "and the run still verifies: " + r.stdout + r.stderr)
        server.stop()

        # The policy changes: 48 months of filed tenancy and insurance for tier 2 (the demo's renters have 40).
        data = os.path.join(work, "data")
        shutil.copytree(os.path.join(ROOT, "data"), data)
        policy = os.path.join(data, "placement", "policy.toml")
        with open(policy, encoding="utf-8") as f:
            text = f.read()
        changed_text = re.sub(r"(when = \"long_tenancy\"\ntenancy_months = )36\ninsurance_months = 36", r"\g<1>48\ninsurance_months = 48", text)
        check(changed_text != text, "the policy's tier-2 months were found to change")
        with open(policy, "w", encoding="utf-8") as f:
            f.write(changed_text)
        q = lambda sql: qfserver.query(db, sql)  # noqa: E731
        renters = int(q("SELECT COUNT(*) FROM placement_applications WHERE tier = 2")[0][0])
        states = q("SELECT state, COUNT(*) FROM placement_applications GROUP BY state ORDER BY state")
        before = int(q("SELECT MAX(seq) FROM events")[0][0])
        server = qfserver.Server(args.bin, db, data=data).start()
        moved = int(q("SELECT COUNT(*) FROM events WHERE kind = 'placement.reassessed' AND seq > %d" % before)[0][0])
        applied = [r[0] for r in q("SELECT payload FROM events WHERE kind = 'placement.policy_applied' AND seq > %d" % before)]
        left = int(q("SELECT COUNT(*) FROM placement_applications WHERE tier = 2")[0][0])
        states_after = q("SELECT state, COUNT(*) FROM placement_applications GROUP BY state ORDER BY state")
        check(renters > 100 and moved == renters and left == 0,
              "every tier-2 application re-assessed to tier 3, each in the ledger: %d renters, %d events, %d left" % (renters, moved, left))
        check(states_after == states, "a change of tier leaves each application's review state: %r → %r" % (states, states_after))
        check(len(applied) == 1 and '"changed":%d' % renters in applied[0], "one policy_applied event with the count: %r" % applied)
        _, record_after, _ = qfserver.Client(server.port).request("GET", "/api/v1/public/placement/runs/1")
        check(record_after.get("children") == record["children"], "the published record keeps the tiers it ran with")
        r = qf("1", "--url", "http://127.0.0.1:%d" % server.port)
        check(r.returncode == 0, "the published run still verifies after the re-assessment: " + r.stdout + r.stderr)
        server.stop()
        server = qfserver.Server(args.bin, db, data=data).start()
        again = int(q("SELECT COUNT(*) FROM events WHERE kind LIKE 'placement.%%' AND seq > %d" % before)[0][0])
        check(again == moved + 1, "a start under the same policy re-assesses nothing: %d events" % again)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL " + f)
    print("placement: %d failed" % len(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
