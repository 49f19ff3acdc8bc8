#!/usr/bin/env python3
"""What the public can read of notices and draws, checked from the outside on the demo.

1. A grep of every public GET response (every route the router serves without an account, with the demo's
   notices, draws, the objection's receipt and the June warning-education session as parameters) for the personal data staff can see: full ID numbers
   and their hidden middles, phones, addresses, candidates' and pool members' full names, the objector's name
   and phone. A public GET route this test does not know how to call fails it.
2. `qingfeng draw verify` over HTTP (as an outsider), from the database and from a saved record agree with the
   server; a record with one changed byte of the order is refused.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qfserver  # noqa: E402


def strings_of(value):
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from strings_of(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings_of(v)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/qingfeng")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="qf-public-")
    failures = []
    checked = 0
    try:
        routes = json.loads(subprocess.run([args.bin, "--data", os.path.join(qfserver.ROOT, "data"), "routes"],
                                           check=True, capture_output=True, text=True).stdout)
        db = qfserver.build_demo(args.bin, work)
        server = qfserver.Server(args.bin, db, ["--no-rate-limits"]).start()
        handler, sup = qfserver.Client(server.port), qfserver.Client(server.port)
        handler.login("handler")
        sup.login("supervisor")

        # What staff see: the secrets that must never reach the public.
        secrets = set()
        # The notice open for objections now (the newest published; the demo's first-half list is final).
        _, published, _ = qfserver.Client(server.port).request("GET", "/api/v1/public/notices")
        _, notice, _ = handler.request("GET", "/api/v1/notices/%d" % published["items"][0]["id"])
        for row in notice["rows"]:
            d = row["data"]
            secrets.update([d["id_number"], d["id_number"][6:14], d.get("phone", ""), d.get("address", "")])
            if len(d["name"]) >= 3:
                secrets.add(d["name"])
        for pool in ("expert", "supervisor", "inspector"):
            _, members, _ = sup.request("GET", "/api/v1/pools/" + pool)
            secrets.update(m["name"] for m in members["items"] if len(m["name"]) >= 3)
        secrets.update(["周女士", "13905510123"])
        # A lottery's applicants: staff see them masked; the public record shows application numbers only.
        _, lottery, _ = sup.request("GET", "/api/v1/admissions/lotteries/1")
        secrets.update(a["id_number"] for a in lottery["rows"])
        # A school's published charges never show the complaints that flag its declaration (their receipts).
        _, declared, _ = sup.request("GET", "/api/v1/fees/declarations?term=2026-autumn")
        fee_school = next(d["school_id"] for d in declared["items"] if d["flags"])
        for d in declared["items"]:
            if d["flags"]:
                _, view, _ = sup.request("GET", "/api/v1/fees/declarations/%d" % d["id"])
                for f in view["flags"]:
                    secrets.update(f.get("receipts", []))
        secrets.discard("")
        case_id = notice["objections"][0]["case_id"]
        _, case, _ = sup.request("GET", "/api/v1/cases/%d" % case_id)
        receipt = case["receipt"]

        # A family applying for a school place: its names and phone are sealed; the public sees only the masked name.
        anon0 = qfserver.Client(server.port)
        _, form, _ = anon0.request("GET", "/api/v1/public/placement")
        compound = form["compounds"][0]
        status, applied, _ = anon0.request("POST", "/api/v1/public/placement/applications", body={
            "child_name": "欧阳小满", "guardian_name": "欧阳大山", "guardian_phone": "13905517777",
            "district": compound["district"], "compound_id": compound["id"], "grade": 1, "residence_since": "2024-05-01",
            "work_proof": "labour_contract", "housing": "own_home", "choices": []})
        if status != 201:
            failures.append("a placement application was not taken: %s %s" % (status, applied))
        secrets.update(["欧阳小满", "欧阳大山", "13905517777", "刘小雨", "刘建国", "13905510001", "陈思远", "13905510002",
                        "赵一诺", "13905510004", "孙浩然", "13905510005", "周雨桐", "周志强", "13905510006"])
        public_gets = {
            "/api/v1/public/placement/applications/{code}": [[applied.get("code", "X")]],
            "/api/v1/public/placement/runs/{id}": [[1]],
            "/api/v1/public/placement/runs/{id}/notice": [[1]],
            "/api/v1/public/notices/{id}": [[1]],
            "/api/v1/public/draws/{id}": [[1], [2]],
            "/api/v1/public/lotteries/{id}": [[1]],
            "/api/v1/public/fees/{school_id}": [[fee_school]],
            "/api/v1/public/cases/{receipt}": [[receipt]],
            "/api/v1/public/cases/{receipt}/ledger": [[receipt]],
            "/ledger/tile/{*path}": [],
            "/api/v1/public/campaigns/{id}": [[1]],
            "/api/v1/public/bulletins/{id}": [[1]],
            "/api/v1/public/bulletins/{id}/xlsx": [],
            "/api/v1/public/sessions/{id}": [[1]],
            # Open311's public documents (JSON: the XML holds the same values), the objection's case among the requests.
            "/open311/v2/discovery.{format}": [["json"]],
            "/open311/v2/services.{format}": [["json"]],
            "/open311/v2/services/{service_code}.{format}": [["fees", "json"]],
            "/open311/v2/requests.{format}": [["json"]],
            "/open311/v2/requests/{service_request_id}.{format}": [[case_id, "json"]],
        }
        # A warning-education session's check-in page names the invited units, never the people on their rosters
        # (the heads of the invited district bureaus, who signed their letters, are among them).
        _, heads, _ = sup.request("GET", "/api/v1/duty/letters?year=2026&kind=district_bureau&signed=yes")
        secrets.update(h["signer_name"] for h in heads["items"] if h.get("signer_name"))
        anon = qfserver.Client(server.port)
        for r in routes:
            if r["roles"] or r["method"] != "GET":
                continue
            path = r["path"]
            if "{" in path and path not in public_gets:
                failures.append("public route %s has no parameters in this test" % path)
                continue
            for values in public_gets.get(path, [[]]):
                it = iter(values)
                p = re.sub(r"\{[^}]*\}", lambda m: str(next(it)), path)
                status, body, _ = anon.request("GET", p)
                # The text the response shows: its strings (numbers such as a placement record's 53-bit lottery
                # numbers and micro-degree coordinates hold any 8 digits by chance, a birth date's among them).
                text = body if isinstance(body, str) else "\n".join(strings_of(body))
                checked += 1
                for s in secrets:
                    if s in text:
                        failures.append("GET %s (%s) shows %r" % (p, status, s))

        # The placement's public notice, school by school: masked names only (the families' names are secrets above).
        _, notice_schools, _ = anon.request("GET", "/api/v1/public/placement/runs/1/notice")
        for school in notice_schools.get("schools", []):
            p = "/api/v1/public/placement/runs/1/notice?school=" + school["code"]
            status, body, _ = anon.request("GET", p)
            checked += 1
            text = "\n".join(strings_of(body))
            if status != 200 or len(body["school"]["children"]) != school["children"]:
                failures.append("GET %s: %s, %s children of %s" % (p, status, len(body.get("school", {}).get("children", [])), school["children"]))
            for s in secrets:
                if s in text:
                    failures.append("GET %s shows %r" % (p, s))
        if len(notice_schools.get("schools", [])) < 90:
            failures.append("the placement notice lists %d schools" % len(notice_schools.get("schools", [])))

        # Draw verification by an outsider over HTTP, from the database, and from a saved (then altered) record.
        base = "http://127.0.0.1:%d" % server.port
        for source in (["--url", base], ["--db", db]):
            for draw in ("1", "2"):
                out = subprocess.run([args.bin, "--data", os.path.join(qfserver.ROOT, "data"), "draw", "verify", draw] + source,
                                     capture_output=True, text=True)
                if out.returncode != 0 or "结论：与公布结果一致" not in out.stdout:
                    failures.append("draw verify %s %s: %s %s" % (draw, source[0], out.returncode, out.stdout + out.stderr))
        for source in (["--url", base], ["--db", db]):
            out = subprocess.run([args.bin, "--data", os.path.join(qfserver.ROOT, "data"), "draw", "verify", "1", "--campaign"] + source,
                                 capture_output=True, text=True)
            if out.returncode != 0 or "抽中 44 所" not in out.stdout or "结论：与公布结果一致" not in out.stdout:
                failures.append("draw verify 1 --campaign %s: %s %s" % (source[0], out.returncode, out.stdout + out.stderr))
        out = subprocess.run([args.bin, "--data", os.path.join(qfserver.ROOT, "data"), "draw", "verify", "1", "--lottery",
                              "--url", base], capture_output=True, text=True)
        if out.returncode != 0 or "录取：" not in out.stdout or "结论：与公布结果一致" not in out.stdout:
            failures.append("draw verify 1 --lottery: %s %s" % (out.returncode, out.stdout + out.stderr))
        _, rec, _ = anon.request("GET", "/api/v1/public/draws/1")
        rec["order"][0], rec["order"][1] = rec["order"][1], rec["order"][0]
        path = os.path.join(work, "altered.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(rec, f, ensure_ascii=False)
        out = subprocess.run([args.bin, "draw", "verify", "1", "--file", path], capture_output=True, text=True)
        if out.returncode != 1 or "✗ 按种子洗牌得到的呼叫顺序与公布的顺序一致" not in out.stdout:
            failures.append("an altered record was not refused: %s %s" % (out.returncode, out.stdout))
        server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL " + f)
    print("public data: %d public responses grepped for %s; %d passed, %d failed" %
          (checked, "personal data", 0 if failures else 1, 1 if failures else 0))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
