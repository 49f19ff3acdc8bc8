#!/usr/bin/env python3
"""Open311 GeoReport v2 from the outside, on the demo: a platform's api_key issued by the administrator, the
discovery, services and service definition, a submission that becomes a case on the platform's channel, the public's
view of requests, and the spec's limits and errors.

Every document is held to the shape of the specification's own example (tests/vectors/open311/: the same root,
elements or keys, and nesting), in JSON and in XML. What the public sees of a request is checked for what it must
never show: the reporter, the text, the unit as written, a case behind the wall."""
import argparse
import json
import os
import shutil
import sys
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qfserver  # noqa: E402

VECTORS = os.path.join(qfserver.ROOT, "tests", "vectors", "open311")


def json_paths(value, prefix=""):
    """The set of key paths of a JSON document ("[]" for a list's items)."""
    out = set()
    if isinstance(value, dict):
        for k, v in value.items():
            p = prefix + "/" + k
            out.add(p)
            out |= json_paths(v, p)
    elif isinstance(value, list):
        for v in value:
            out |= json_paths(v, prefix + "[]")
    return out


def xml_paths(elem, prefix=""):
    p = prefix + "/" + elem.tag
    out = {p}
    for child in elem:
        out |= xml_paths(child, p)
    return out


def example(name):
    with open(os.path.join(VECTORS, name), "rb") as f:
        data = f.read()
    return json_paths(json.loads(data)) if name.endswith(".json") else xml_paths(ET.fromstring(data))


def form(fields):
    return urllib.parse.urlencode(fields).encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/qingfeng")
    args = ap.parse_args()
    check = qfserver.Checks()
    work = tempfile.mkdtemp(prefix="qf-open311-")
    try:
        # The same data with a small per-platform limit, so that the limit is reached within the test.
        data = os.path.join(work, "data")
        shutil.copytree(os.path.join(qfserver.ROOT, "data"), data)
        path = os.path.join(data, "policies", "open311.toml")
        text = open(path, encoding="utf-8").read()
        text = text.replace("submit_burst = 120", "submit_burst = 3").replace("submit_per_minute = 60", "submit_per_minute = 1")
        open(path, "w", encoding="utf-8").write(text)
        db = qfserver.build_demo(args.bin, work)
        server = qfserver.Server(args.bin, db, ["--no-rate-limits"], data=data).start()
        admin, sup, anon = (qfserver.Client(server.port) for _ in range(3))
        admin.login("admin")
        sup.login("supervisor")

        def doc(method, url, body=None, fmt="json"):
            """An Open311 call: (status, the parsed document, its key or element paths, the raw answer)."""
            raw = body
            status, parsed, resp = anon.request(method, url, raw=raw, content_type="application/x-www-form-urlencoded") \
                if raw is not None else anon.request(method, url)
            if fmt == "xml":
                check(resp.getheader("Content-Type", "").startswith("text/xml"), "%s is XML" % url, resp.getheader("Content-Type"))
                check(resp.payload.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), "%s declares UTF-8" % url, resp.payload[:60])
                root = ET.fromstring(resp.payload)
                return status, root, xml_paths(root), resp
            return status, parsed, json_paths(parsed), resp

        # The administrator issues a key: shown once, never listed, never stored in clear.
        status, issued, _ = admin.request("POST", "/api/v1/open311/clients", {"name": "12345 政务服务平台", "channel": "zmztc"})
        check(status == 201 and issued.get("api_key", "").startswith("o311_"), "the administrator issues an api_key", issued)
        key = issued["api_key"]
        status, dup, _ = admin.request("POST", "/api/v1/open311/clients", {"name": "12345 政务服务平台", "channel": "zmztc"})
        check(status == 409, "a second client of the same name is refused", dup)
        status, bad, _ = admin.request("POST", "/api/v1/open311/clients", {"name": "某平台", "channel": "pigeon"})
        check(status == 400 and any(e["field"] == "channel" for e in bad.get("errors", [])), "an unknown channel is refused by name", bad)
        status, listed, _ = admin.request("GET", "/api/v1/open311/clients")
        client = listed["items"][0]
        check(status == 200 and client["key_hint"] == key[-4:] and "api_key" not in client and key not in json.dumps(listed),
              "the list shows the key's last four characters only", listed)
        status, _, _ = sup.request("GET", "/api/v1/open311/clients")
        check(status == 403, "only the administrator manages clients", status)

        # Discovery, services and a service's definition, in both formats, shaped as the spec's examples.
        for fmt in ("json", "xml"):
            status, d, paths, _ = doc("GET", "/open311/v2/discovery." + fmt, fmt=fmt)
            check(status == 200 and paths == example("discovery." + fmt), "discovery.%s has the spec's shape" % fmt,
                  paths ^ example("discovery." + fmt))
            status, services, paths, _ = doc("GET", "/open311/v2/services." + fmt, fmt=fmt)
            check(status == 200 and paths == example("services." + fmt), "services.%s has the spec's shape" % fmt,
                  paths ^ example("services." + fmt))
            count = len(services) if fmt == "json" else len(list(services))
            check(count == 8, "services.%s lists the eight case categories" % fmt, count)
            status, definition, paths, _ = doc("GET", "/open311/v2/services/fees." + fmt, fmt=fmt)
            check(status == 200 and paths == example("service_definition." + fmt),
                  "services/fees.%s has the spec's shape" % fmt, paths ^ example("service_definition." + fmt))
            status, err, paths, _ = doc("GET", "/open311/v2/services/pigeons." + fmt, fmt=fmt)
            check(status == 404 and paths == example("errors." + fmt), "an unknown service answers the spec's error (%s)" % fmt, (status, paths))
        _, services, _, _ = doc("GET", "/open311/v2/services.json")
        check([s["service_code"] for s in services][:2] == ["fees", "tutoring"] and services[0]["service_name"] == "教育收费",
              "services are the case categories with their names", services[:2])
        status, _, _, _ = doc("GET", "/open311/v2/services.yaml")
        check(status == 404, "an unknown format is not found", status)
        status, err, _, _ = doc("GET", "/open311/v2/services.json?jurisdiction_id=sf.gov")
        check(status == 400 and "jurisdiction_id" in err[0]["description"], "another jurisdiction is refused", err)
        _, disc, _, _ = doc("GET", "/open311/v2/discovery.json")
        check(disc["endpoints"][0]["url"].endswith("/open311/v2"), "discovery names this endpoint", disc)

        # A platform submits a named complaint naming a school: a case on the platform's channel.
        school = qfserver.query(db, "SELECT name FROM org_units WHERE kind = 'school' AND active = 1 ORDER BY id LIMIT 1")[0][0]
        fields = {"api_key": key, "service_code": "fees", "description": "学校开学时统一收取资料费每人300元，没有收据。",
                  "attribute[unit]": school, "attribute[work_order_no]": "GD-2026-0001", "attribute[kind]": "complaint",
                  "address_string": "学校南门", "lat": "31.8206", "long": "117.2272",
                  "last_name": "开放", "first_name": "接口", "phone": "13900001111", "account_id": "u-77"}
        status, posted, paths, _ = doc("POST", "/open311/v2/requests.json", form(fields))
        check(status == 201 and paths == example("post_request.json") and posted[0]["account_id"] == "u-77",
              "POST requests.json answers the spec's shape", (status, posted))
        rid = posted[0]["service_request_id"]
        check("回执码" in posted[0]["service_notice"], "the notice gives the receipt code", posted)
        status, case, _ = sup.request("GET", "/api/v1/cases/%s" % rid)
        check(status == 200 and case["channel"] == "zmztc" and case["category"] == "fees", "the case is on the platform's channel", case)
        check(case.get("external_ref") == "GD-2026-0001", "the work order number is kept", case.get("external_ref"))
        check("学校南门" in case["content"] and "31.8206" in case["content"], "the place is kept with the text", case["content"])
        check((case.get("concerned_unit") or {}).get("name") == school, "the school is recognised", case.get("concerned_unit"))
        check(not case.get("anonymous", True), "a name and a phone make a named report", case.get("anonymous"))
        status, again, _, _ = doc("POST", "/open311/v2/requests.json", form(fields))
        check(status == 200 and again[0]["service_request_id"] == rid and "未重复登记" in again[0]["service_notice"],
              "the same work order sent twice makes one case", again)

        anonymous = {"api_key": key, "service_code": "tutoring", "description": "某老师周末在家有偿补课。"}
        status, root, paths, _ = doc("POST", "/open311/v2/requests.xml", form(anonymous), fmt="xml")
        check(status == 201 and paths == example("post_request.xml"), "POST requests.xml answers the spec's shape", paths)

        # The public's view: state and dates only.
        for fmt in ("json", "xml"):
            status, one, paths, resp = doc("GET", "/open311/v2/requests/%s.%s" % (rid, fmt), fmt=fmt)
            check(status == 200 and paths == example("requests." + fmt), "requests/{id}.%s has the spec's shape" % fmt,
                  paths ^ example("requests." + fmt))
            shown = resp.payload.decode()
            for secret in ("开放", "13900001111", "资料费每人300元", "学校南门", "GD-2026-0001", "u-77"):
                check(secret not in shown, "requests/{id}.%s does not show %s" % (fmt, secret))
        _, one, _, _ = doc("GET", "/open311/v2/requests/%s.json" % rid)
        check(one[0]["status"] == "open" and one[0]["service_code"] == "fees" and one[0]["expected_datetime"].endswith("+08:00"),
              "a new request is open with its deadline in Beijing time", one)
        _, listed, _, _ = doc("GET", "/open311/v2/requests.json?service_code=fees")
        check(any(r["service_request_id"] == rid for r in listed) and all(r["service_code"] == "fees" for r in listed),
              "the list by service holds the request", len(listed))
        _, closed, _, _ = doc("GET", "/open311/v2/requests.json?status=closed")
        check(all(r["status"] == "closed" for r in closed) and not any(r["service_request_id"] == rid for r in closed),
              "status=closed lists closed requests only", len(closed))
        _, recent, _, _ = doc("GET", "/open311/v2/requests.json")
        check(0 < len(recent) <= 1000, "the default list is bounded", len(recent))
        status, err, paths, _ = doc("GET", "/open311/v2/requests.json?start_date=2026-01-01T00:00:00%2B08:00&end_date=2026-06-01T00:00:00%2B08:00")
        check(status == 400 and "90" in err[0]["description"] and paths == example("errors.json"),
              "more than 90 days is refused with the spec's error", err)
        walled = qfserver.query(db, "SELECT id FROM cases WHERE restricted = 1 ORDER BY id LIMIT 1")
        check(bool(walled), "the demo has a case behind the wall")
        if walled:
            status, _, _, _ = doc("GET", "/open311/v2/requests/%s.json" % walled[0][0])
            check(status == 404, "a case behind the wall is not found", status)
            _, by_ids, _, _ = doc("GET", "/open311/v2/requests.json?service_request_id=%s,%s" % (walled[0][0], rid))
            check([r["service_request_id"] for r in by_ids] == [rid], "nor listed by its id", by_ids)

        # Errors: a missing description and an unknown service, named; a wrong key; the limit; a revoked key.
        status, err, paths, _ = doc("POST", "/open311/v2/requests.json", form({"api_key": key, "service_code": "pigeons"}))
        text = json.dumps(err, ensure_ascii=False)
        check(status == 400 and "service_code" in text and "description" in text and paths == example("errors.json"),
              "a bad submission names its parameters", err)
        status, err, paths, _ = doc("POST", "/open311/v2/requests.xml", form(dict(anonymous, api_key="o311_wrong")), fmt="xml")
        check(status == 403 and paths == example("errors.xml"), "a wrong key is refused with the spec's error", status)
        status, second, _ = admin.request("POST", "/api/v1/open311/clients", {"name": "省平台", "channel": "province_platform"})
        other = second["api_key"]
        answers = [doc("POST", "/open311/v2/requests.json", form(dict(anonymous, api_key=other)))[0] for _ in range(4)]
        check(answers[:3] == [201, 201, 201] and answers[3] == 429, "a platform's submissions are limited per key", answers)
        status, _, _ = admin.request("POST", "/api/v1/open311/clients/%d/revoke" % client["id"], {"reason": "平台更换密钥"})
        check(status == 200, "the administrator revokes a key", status)
        status, err, _, _ = doc("POST", "/open311/v2/requests.json", form(dict(anonymous)))
        check(status == 403, "a revoked key submits nothing", err)
        _, listed, _ = admin.request("GET", "/api/v1/open311/clients")
        counts = {c["name"]: (c["requests"], c["revoked_at"] is not None) for c in listed["items"]}
        check(counts == {"12345 政务服务平台": (2, True), "省平台": (3, False)}, "each platform's requests are counted", counts)
        server.stop()

        kinds = {r[0] for r in qfserver.query(db, "SELECT kind FROM events WHERE kind LIKE 'open311.%'")}
        check(kinds == {"open311.client_issued", "open311.client_revoked", "open311.submitted"}, "every change is in the ledger", kinds)
        stored = qfserver.stored_bytes(db)
        check(not any(key.encode() in blob or other.encode() in blob for blob in stored.values()), "no key is stored in clear")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("open311: %d failed" % len(check.failed))
    sys.exit(1 if check.failed else 0)


if __name__ == "__main__":
    main()
