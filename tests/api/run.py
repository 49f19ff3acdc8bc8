#!/usr/bin/env python3
"""Runs the black-box API cases in tests/api/cases/*.json against a real server on a fresh demo database.

Each file holds {"name", "steps": [...]}. A step: {"as": user or null, "method", "path", "body" | "raw" |
"raw_hex", "content_type", "status", "expect" (a subset of the response), "response_headers" ({name: a part of
its value}), "absent" (values that must not occur
in the response text), "save": {"var": "dotted.path"} (a part "key=value" picks a list's first element so), "sorted": {"list.key": "asc"|"desc"}}. "${var}" in a step is replaced by a saved value.
In "expect", a dict matches as a subset, a list matches if each expected item matches some actual item,
"$any" matches anything present. At the end every response is checked against the schema api/openapi.yaml gives
its operation and status (web/scripts/response-shapes.mjs).
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qfserver  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def subst(value, env):
    if isinstance(value, str):
        # TOTP substitutions: ${totp:USER} a fresh demo code for USER, ${totp_again:USER} the code just used,
        # ${totp_from:VAR} a fresh code for the base32 secret saved in VAR.
        def code(m):
            kind, arg = m.group(1), m.group(2)
            if kind == "totp":
                return qfserver.next_totp(arg)
            if kind == "totp_again":
                return qfserver.totp(qfserver.DEMO_TOTP, qfserver._used_steps[arg])
            return qfserver.next_totp("secret:" + arg, env[arg])
        value = re.sub(r"\$\{(totp|totp_again|totp_from):([\w.]+)\}", code, value)
        # ${now+10m}: the present moment moved by minutes, as RFC 3339 UTC (a session or test open now).
        def moment(m):
            import datetime
            t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=int(m.group(1)))
            return t.strftime("%Y-%m-%dT%H:%M:%SZ")
        value = re.sub(r"\$\{now([+-]\d+)m\}", moment, value)
        def rep(m):
            return str(env.get(m.group(1), m.group(0)))
        whole = re.fullmatch(r"\$\{(\w+)\}", value)
        if whole and whole.group(1) in env and not isinstance(env[whole.group(1)], str):
            return env[whole.group(1)]
        return re.sub(r"\$\{(\w+)\}", rep, value)
    if isinstance(value, list):
        return [subst(v, env) for v in value]
    if isinstance(value, dict):
        return {k: subst(v, env) for k, v in value.items()}
    return value


def match(expected, actual, path="$"):
    if expected == "$any":
        return None if actual is not None else "%s: missing" % path
    if isinstance(expected, str) and expected.startswith("$contains:"):
        ok = isinstance(actual, str) and expected[len("$contains:"):] in actual
        return None if ok else "%s: %r does not contain %r" % (path, actual, expected[len("$contains:"):])
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return "%s: expected object, got %r" % (path, actual)
        for k, v in expected.items():
            if k not in actual:
                return "%s.%s: missing" % (path, k)
            err = match(v, actual[k], path + "." + k)
            if err:
                return err
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return "%s: expected list, got %r" % (path, actual)
        for i, item in enumerate(expected):
            if all(match(item, a) for a in actual):
                return "%s[%d]: no element matches %s" % (path, i, json.dumps(item, ensure_ascii=False))
        return None
    return None if expected == actual else "%s: expected %r, got %r" % (path, expected, actual)


def dig(value, dotted):
    for part in dotted.split("."):
        if isinstance(value, list) and "=" in part:  # "key=value": the first element with that key's value
            key, want = part.split("=", 1)
            value = next(x for x in value if str(x.get(key)) == want)
        else:
            value = value[int(part)] if isinstance(value, list) else value[part]
    return value


SESSIONS = {}  # signed-in clients shared across files (each sign-in spends a TOTP step)


RECORDED = []  # every step's response, checked against api/openapi.yaml's schemas at the end


def run_file(path, port, source=None):
    spec = json.load(open(path, encoding="utf-8"))
    env, clients = {}, {}
    failures = []
    for i, step in enumerate(spec["steps"]):
        step = subst(step, env)
        who = step.get("as")
        if who not in clients:
            if who and who in SESSIONS:
                clients[who] = SESSIONS[who]
            else:
                # The public of each file connects from its own loopback address: the per-client limits of one
                # file's submissions do not spill into the next.
                c = qfserver.Client(port, None if who else source)
                if who:
                    c.login(who)
                    SESSIONS[who] = c
                clients[who] = c
        client = clients[who]
        raw = None
        if "raw" in step:
            raw = step["raw"].encode()
        elif "raw_repeat" in step:
            raw = (step["raw_repeat"]["text"] * step["raw_repeat"]["times"]).encode()
        elif "raw_hex" in step:
            raw = bytes.fromhex(step["raw_hex"])
        headers = step.get("headers")
        status, body, resp = client.request(step["method"], step["path"], body=step.get("body"), raw=raw,
                                            content_type=step.get("content_type", "text/csv"), headers=headers)
        label = "%s step %d (%s %s)" % (os.path.basename(path), i + 1, step["method"], step["path"])
        ctype = (resp.getheader("Content-Type") or "").split(";")[0]
        RECORDED.append({"label": label, "method": step["method"], "path": step["path"].split("?")[0],
                         "status": status, "content_type": ctype, "body": body if "json" in ctype else None})
        if status != step.get("status", 200):
            failures.append("%s: status %d, expected %d: %s" % (label, status, step.get("status", 200),
                                                                json.dumps(body, ensure_ascii=False)[:600]))
            continue
        if status >= 400 and not (resp.getheader("Content-Type") or "").startswith("application/problem+json"):
            failures.append("%s: error without problem+json" % label)
        for name, want in step.get("response_headers", {}).items():
            got = resp.getheader(name) or ""
            if want not in got:
                failures.append("%s: header %s is %r, expected it to contain %r" % (label, name, got, want))
        if "expect" in step:
            err = match(step["expect"], body)
            if err:
                failures.append("%s: %s\n    body: %s" % (label, err, json.dumps(body, ensure_ascii=False)[:800]))
        for dotted, order in step.get("sorted", {}).items():
            # "items.received_at": "desc" — the list at "items" is ordered by that key (nulls last).
            listpath, key = dotted.rsplit(".", 1)
            values = [item.get(key) for item in dig(body, listpath)]
            present = [v for v in values if v is not None]
            if present != sorted(present, reverse=(order == "desc")) or values[:len(present)] != present:
                failures.append("%s: %s not in %s order: %r" % (label, dotted, order, values))
        text = json.dumps(body, ensure_ascii=False)
        for bad in step.get("absent", []):
            if str(bad) in text:
                failures.append("%s: response contains %r" % (label, bad))
        if step["path"].endswith("/auth/logout"):
            SESSIONS.pop(who, None)
        for var, dotted in step.get("save", {}).items():
            try:
                env[var] = dig(body, dotted)
            except (KeyError, IndexError, TypeError, StopIteration):
                failures.append("%s: cannot save %s from %s" % (label, var, dotted))
    return spec["name"], len(spec["steps"]), failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/qingfeng")
    ap.add_argument("cases", nargs="*")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="qf-api-")
    server = None
    passed = failed = 0
    try:
        db = qfserver.build_demo(args.bin, work)
        server = qfserver.Server(args.bin, db).start()
        files = args.cases or sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases", "*.json")))
        for n, f in enumerate(files):
            name, steps, failures = run_file(f, server.port, "127.0.0.%d" % (10 + n))
            if failures:
                failed += 1
                print("FAIL %s (%s)" % (os.path.basename(f), name))
                for x in failures:
                    print("  " + x)
            else:
                passed += 1
                print("ok   %s (%s, %d steps)" % (os.path.basename(f), name, steps))
        # The contract: every response of every scenario has the shape api/openapi.yaml gives its operation.
        record = os.environ.get("QF_API_RECORD") or os.path.join(work, "responses.json")
        json.dump(RECORDED, open(record, "w", encoding="utf-8"), ensure_ascii=False)
        shapes = subprocess.run(["node", "scripts/response-shapes.mjs", os.path.join(ROOT, "api", "openapi.yaml"), record],
                                cwd=os.path.join(ROOT, "web"), capture_output=True, text=True)
        print((shapes.stdout + shapes.stderr).strip())
        if shapes.returncode != 0:
            failed += 1
    finally:
        if server:
            rc = server.stop()
            if rc != 0:
                print("server exited with %s\n%s" % (rc, server.logs()[-3000:]))
                failed += 1
            elif failed:
                errors = [l for l in server.logs().splitlines() if " error " in l]
                if errors:
                    print("server errors:\n  " + "\n  ".join(e[:600] for e in errors[:20]))
        shutil.rmtree(work, ignore_errors=True)
    print("api: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
