#!/usr/bin/env python3
"""Holds the server's route table to api/openapi.yaml: the file is valid OpenAPI 3.1 for a standard validator
(@apidevtools/swagger-parser), every route is documented with the same method, path and roles, and nothing is
documented that the server does not serve; and every rule a field problem can name has its English wording."""
import argparse
import json
import os
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/qingfeng")
    args = ap.parse_args()
    routes = json.loads(subprocess.run([args.bin, "--data", os.path.join(ROOT, "data"), "routes"], check=True,
                                       capture_output=True, text=True).stdout)
    spec = yaml.safe_load(open(os.path.join(ROOT, "api", "openapi.yaml"), encoding="utf-8"))
    documented = {}
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            documented[(method.upper(), path)] = op
    served = {(r["method"], r["path"]): r for r in routes}
    problems = []
    valid = subprocess.run(["node", "scripts/openapi-valid.mjs", os.path.join(ROOT, "api", "openapi.yaml")],
                           cwd=os.path.join(ROOT, "web"), capture_output=True, text=True)
    if valid.returncode != 0:
        problems.append((valid.stdout + valid.stderr).strip())
    for key, r in served.items():
        op = documented.get(key)
        if op is None:
            problems.append("served but not in openapi.yaml: %s %s" % key)
            continue
        if sorted(op.get("x-roles", [])) != sorted(r["roles"]):
            problems.append("%s %s: roles %s in openapi.yaml, %s served" % (key + (op.get("x-roles"), r["roles"])))
        if r["roles"] and {"session": []} not in op.get("security", []):
            problems.append("%s %s: staff route without the session security requirement" % key)
    for key in documented:
        if key not in served:
            problems.append("in openapi.yaml but not served: %s %s" % key)
    # The rules a field problem can name are the rules the web words in English (the API scenarios' response check
    # holds every rule the server sends to this list; a rule's second form, such as unit_unknown_near, is the web's).
    rules = set(spec["components"]["schemas"]["FieldProblem"]["properties"]["rule"]["enum"])
    worded = json.load(open(os.path.join(ROOT, "web", "src", "locales", "en", "common.json"), encoding="utf-8"))["error"]["rule"]
    for r in sorted(rules - set(worded)):
        if r != "code":
            problems.append("the rule %s is in openapi.yaml's FieldProblem but has no English wording (error.rule)" % r)
    for r in sorted(set(worded) - rules):
        if not r.endswith("_near"):
            problems.append("error.rule.%s is worded but not a rule in openapi.yaml's FieldProblem" % r)
    for p in problems:
        print("FAIL " + p)
    print("openapi: %d routes checked; %d passed, %d failed" % (len(served), 0 if problems else 1, 1 if problems else 0))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
