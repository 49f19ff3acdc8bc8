#!/usr/bin/env python3
"""Every write endpoint's body through its command parser, as a fuzzer would send it: for each POST/PUT/DELETE route of
the router's own table (`qingfeng routes`), signed in as a role the route admits, the bodies the API scenarios send
(tests/api/cases) mutated field by field — each field dropped, or replaced by a value of the wrong type, an
out-of-range number, a 20,000-character string, a NUL, a lone surrogate, an impossible date — and bodies that are
not objects, not JSON, not UTF-8 or nested 5,000 deep. Raw uploads get garbage bytes.

Each answer must be a success or a problem+json with a code and a Chinese title; never a 5xx. A 400 names the
fields it refuses (`errors[].field`). A refused request changes nothing: no event is written in its name (the
ledger's events table, read straight from the database after each refusal). The seed is fixed, so a failure
replays; `--seed N` tries others. The libFuzzer target fuzz/json_fuzz.cc does the same to the parsers in-process."""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qfserver  # noqa: E402

ACCOUNT = {"clerk": "clerk", "handler": "handler", "supervisor": "supervisor", "inspector": "inspector",
           "leader": "leader", "admin": "admin"}
WEIRD = [None, True, 0, -1, 2 ** 63, -2 ** 63 - 1, 1.5, 1e308, "", " ", "x" * 20000, "\u0000", "\ud800",
         "2026-02-30", "１２３", [], [None], {}, {"a": {"b": []}}]
NOT_OBJECTS = [b"[]", b"null", b'"text"', b"1", b"true", b"{", b'{"a":', b'{"title": "\xff\xfe"}',
               b"[" * 5000 + b"]" * 5000, b'{"a":' * 3000 + b"1" + b"}" * 3000, b"\xef\xbb\xbf{}",
               b'{"a":1,"a":2}', b"{}" + b" " * 10 + b"{}"]
GARBAGE = [b"", b"\x00" * 64, b"PK\x03\x04" + b"\x00" * 40, b"\xff\xfe" + "工单".encode("utf-16-le"),
           "工单编号,内容\n1,\"未闭合\n".encode("gb18030"), bytes(range(256))]
GUARD = {"auth.required", "auth.role", "auth.csrf"}
# Routes left out, and why: signing out would end the session the rest of the run uses.
SKIP = {("POST", "/api/v1/auth/logout")}


def pattern_regex(path):
    return re.compile("^" + re.sub(r"\\\{\\\*?[a-z0-9_]+\\\}", "[^?]+", re.escape(path)) + "(\\?.*)?$")


def seeds_by_route(routes, api_dir):
    """The JSON bodies the API scenarios send, by route ({"${var}"} placeholders left as they are: strings where
    the parser expects ids, one more wrong type)."""
    matchers = [((r["method"], r["path"]), pattern_regex(r["path"])) for r in routes]
    seeds = {}
    for name in sorted(os.listdir(api_dir)):
        with open(os.path.join(api_dir, name), encoding="utf-8") as f:
            scenario = json.load(f)
        for step in scenario.get("steps", []):
            body = step.get("body")
            if not isinstance(body, dict) or step.get("method") not in ("POST", "PUT", "DELETE"):
                continue
            for key, rx in matchers:
                if key[0] == step["method"] and rx.match(step["path"]):
                    seeds.setdefault(key, []).append(body)
                    break
    return seeds


def mutations(seeds, rng, count):
    """`count` bodies: the seeds with one field dropped or replaced (top level or one level down)."""
    out = [{}]
    for _ in range(count * 4):
        if len(out) >= count:
            break
        body = json.loads(json.dumps(rng.choice(seeds)))
        paths = [(body, k) for k in body]
        paths += [(v, k) for v in body.values() if isinstance(v, dict) for k in v]
        paths += [(v[0], k) for v in body.values() if isinstance(v, list) and v and isinstance(v[0], dict) for k in v[0]]
        if not paths:
            continue
        holder, key = rng.choice(paths)
        if rng.random() < 0.25:
            del holder[key]
        else:
            holder[key] = rng.choice(WEIRD)
        out.append(body)
    return out


def path_of(pattern, params):
    return re.sub(r"\{\*?([a-z0-9_]+)\}", lambda m: str(params.get(m.group(1), 1)), pattern)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/qingfeng")
    ap.add_argument("--seed", type=int, default=20261203)
    ap.add_argument("--per-route", type=int, default=16)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="qf-bodies-")
    failures, sent, refused = [], 0, 0
    try:
        routes = json.loads(subprocess.run([args.bin, "--data", os.path.join(qfserver.ROOT, "data"), "routes"],
                                           check=True, capture_output=True, text=True).stdout)
        writes = [r for r in routes if r["method"] in ("POST", "PUT", "DELETE") and (r["method"], r["path"]) not in SKIP]
        seeds = seeds_by_route(writes, os.path.join(qfserver.ROOT, "tests", "api", "cases"))
        db = qfserver.build_demo(args.bin, work)
        server = qfserver.Server(args.bin, db, ["--no-rate-limits"]).start()
        clients = {None: qfserver.Client(server.port)}
        for role, account in ACCOUNT.items():
            clients[role] = qfserver.Client(server.port)
            clients[role].login(account)
        _, listed, _ = clients["supervisor"].request("GET", "/api/v1/cases?limit=1")
        case = listed["items"][0]
        params = {"id": case["id"], "receipt": case.get("receipt") or "XXXX-XXXX-XXXX-XXXX-XXXX", "pool": "expert",
                  "year": 2027, "seq": 1, "unit": 1, "item": "D2", "action": "rate", "alias": 1, "sha256": "0" * 64,
                  "code": "XXXX-XXXX-XXXX-XXXX-XXXX", "hash": "0" * 64, "format": "json"}
        last_seq = int(qfserver.query(db, "SELECT COALESCE(MAX(seq), 0) FROM events")[0][0])
        covered = 0
        # What a refusal wrote is read after each one on SQLite. On PostgreSQL (a psql process per read) it is read
        # once per route, and only for routes that refused every body (so that any event is a refusal's).
        per_request = not db.startswith("postgresql://")

        def written_since(seq):
            rows = qfserver.query(db, "SELECT kind, actor, seq FROM events WHERE seq > %d" % seq)
            return [r[:2] for r in rows if not r[1].startswith("system")], max([seq] + [int(r[2]) for r in rows])

        for r in writes:
            key = (r["method"], r["path"])
            client = clients[r["roles"][0] if r["roles"] else None]
            path = path_of(r["path"], params)
            bodies = [("json", b) for b in mutations(seeds.get(key, [{}]), rng, args.per_route)]
            bodies += [("raw", b) for b in NOT_OBJECTS]
            if key not in seeds:
                bodies += [("raw", b) for b in GARBAGE]
            covered += key in seeds
            succeeded = False
            for kind, body in bodies:
                if kind == "json":
                    status, answer, resp = client.request(r["method"], path, raw=json.dumps(body).encode(),
                                                          content_type="application/json")
                    shown = json.dumps(body, ensure_ascii=False)[:160]
                else:
                    status, answer, resp = client.request(r["method"], path, raw=body,
                                                          content_type="application/json")
                    shown = repr(body[:60])
                sent += 1
                where = "%s %s with %s" % (r["method"], path, shown)
                if status >= 500:
                    failures.append("%s: %s %s" % (where, status, answer))
                    continue
                if status < 400:
                    succeeded = True
                    if per_request:
                        last_seq = written_since(last_seq)[1]
                    continue
                refused += 1
                ctype = resp.getheader("Content-Type") or ""
                if r["path"].startswith("/open311/"):
                    # Open311 answers in its specification's error document: [{code, description}], one per parameter.
                    ok = isinstance(answer, list) and answer and all(
                        e.get("code") == status and re.search(r"[\u4e00-\u9fff]", e.get("description", "")) for e in answer)
                    if not ok:
                        failures.append("%s: %s without Open311's error document: %r" % (where, status, answer))
                    elif per_request:
                        mine, last_seq = written_since(last_seq)
                        if mine:
                            failures.append("%s: refused but wrote %s" % (where, mine))
                    continue
                if "problem+json" not in ctype or not isinstance(answer, dict) or not answer.get("code"):
                    failures.append("%s: %s without a problem+json code (%s)" % (where, status, ctype))
                    continue
                if not re.search(r"[\u4e00-\u9fff]", answer.get("title", "")):
                    failures.append("%s: problem title not in Chinese: %r" % (where, answer.get("title")))
                if answer["code"] in GUARD:
                    failures.append("%s: refused by the guard (%s): the run lost its session" % (where, answer["code"]))
                if status == 400 and not (answer.get("errors") and all(e.get("field") for e in answer["errors"])):
                    failures.append("%s: 400 %s names no field: %s" % (where, answer["code"], answer.get("detail")))
                if per_request:
                    mine, last_seq = written_since(last_seq)
                    if mine:
                        failures.append("%s: refused (%s) but wrote %s" % (where, answer["code"], mine))
            if not per_request:
                mine, last_seq = written_since(last_seq)
                if mine and not succeeded:
                    failures.append("%s %s refused every body but events were written: %s" % (r["method"], path, mine[:5]))
        server.stop()
        qf = [args.bin, "--data", os.path.join(qfserver.ROOT, "data")]
        key = subprocess.run(qf + ["ledger", "key", "--db", db], capture_output=True, text=True).stdout.strip()
        verified = subprocess.run(qf + ["ledger", "verify", "--key", key, "--db", db], capture_output=True, text=True)
        if verified.returncode != 0:
            failures.append("the ledger does not verify after the run: " + (verified.stdout + verified.stderr)[-400:])
        if covered < 30:
            failures.append("only %d write routes have bodies from the API scenarios to mutate" % covered)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in failures[:60]:
        print("FAIL", f)
    if len(failures) > 60:
        print("… and %d more" % (len(failures) - 60))
    print("%d bodies to %d write routes (%d with scenario bodies mutated), %d refused: %s"
          % (sent, len(writes), covered, refused, "ok" if not failures else "%d failures" % len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
