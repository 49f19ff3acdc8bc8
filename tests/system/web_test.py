#!/usr/bin/env python3
"""The built web app served by the same binary: pages of the app (history-mode routes) answer index.html,
never cached and under a strict Content-Security-Policy; hashed assets are cached for a year and gzipped when
the client accepts it; ETags answer 304; a missing asset is a 404, not the app; the API's 404 stays
problem+json. Needs web/dist (make web)."""
import argparse
import gzip
import http.client
import json
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qfserver  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def get(port, path, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", path, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/qingfeng")
    args = ap.parse_args()
    dist = os.path.join(ROOT, "web", "dist")
    if not os.path.exists(os.path.join(dist, "index.html")):
        sys.exit("web: web/dist is missing (run make web)")
    work = tempfile.mkdtemp(prefix="qf-web-")
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)

    try:
        server = qfserver.Server(args.bin, qfserver.new_database(work, "w"), extra=["--web", dist]).start()
        index = open(os.path.join(dist, "index.html"), "rb").read()
        for path in ["/", "/track/7C3A-NY70-1G6J-CKBJ1", "/console/cases/12", "/submit"]:
            status, h, body = get(server.port, path)
            check(status == 200 and body == index, "%s answers index.html (%d)" % (path, status))
            check(h.get("cache-control") == "no-cache", "%s is not cached: %s" % (path, h.get("cache-control")))
            check("script-src 'self'" in h.get("content-security-policy", "") and "frame-ancestors 'none'" in
                  h.get("content-security-policy", ""), "%s carries the CSP" % path)
            check(h.get("x-content-type-options") == "nosniff", "%s nosniff" % path)
        assets = re.findall(rb'(?:src|href)="(/assets/[^"]+)"', index)
        check(len(assets) >= 2, "index.html names its script and stylesheet")
        for a in assets:
            a = a.decode()
            status, h, body = get(server.port, a)
            check(status == 200 and body == open(os.path.join(dist, a.lstrip("/")), "rb").read(), "%s served as built" % a)
            check(h.get("cache-control") == "public, max-age=31536000, immutable", "%s cached for a year" % a)
            status, hz, bz = get(server.port, a, {"Accept-Encoding": "gzip, br"})
            check(hz.get("content-encoding") == "gzip" and gzip.decompress(bz) == body, "%s gzipped on request" % a)
            check(len(bz) < len(body), "%s smaller gzipped" % a)
            status, _, body304 = get(server.port, a, {"If-None-Match": h.get("etag", "")})
            check(status == 304 and body304 == b"", "%s answers 304 to its ETag (%d)" % (a, status))
        # The site's icon, which the browser asks for again at every page of the app, is kept for a day.
        for icon in ["/favicon.png", "/favicon.svg"]:
            status, h, body = get(server.port, icon)
            check(status == 200 and body == open(os.path.join(dist, icon.lstrip("/")), "rb").read(), "%s served" % icon)
            check(h.get("cache-control") == "public, max-age=86400", "%s cached for a day: %s" % (icon, h.get("cache-control")))
        status, h, _ = get(server.port, "/assets/nope-123.js")
        check(status == 404 and "text/plain" in h.get("content-type", ""), "a missing asset is 404 (%d)" % status)
        status, h, body = get(server.port, "/api/v1/nope")
        check(status == 404 and h.get("content-type", "").startswith("application/problem+json")
              and json.loads(body)["code"] == "http.not_found", "unknown API paths stay problem+json")
        c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        c.request("POST", "/console/cases", body=b"{}")
        r = c.getresponse()
        r.read()
        check(r.status == 404, "POST to an app page is not served the app (%d)" % r.status)
        # Every request of a page's address answers the app, however long the server has run: the fallback once read
        # the path through a view of a freed temporary and, after a few hundred requests had reused the heap, answered
        # deep links 404 at random (seen as a blank "not found" on a phone reloading /placement/<code>).
        wrong = 0
        for i in range(600):
            path = "/placement/%04d-ABCD-EFGH-JKMN%d" % (i, i % 10) if i % 2 else "/track/7C3A-NY70-1G6J-CKB%02d" % (i % 100)
            get(server.port, "/api/v1/public/hotlines" if i % 3 else "/api/v1/public/categories")  # other work between
            status, _, body = get(server.port, path)
            wrong += status != 200 or body != index
        check(wrong == 0, "600 deep links all answer index.html (%d did not)" % wrong)
        server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL", f)
    print("web: %d failed" % len(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
