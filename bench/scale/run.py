#!/usr/bin/env python3
"""bench/scale: the console's own requests at real scale, as its users make them over HTTP on loopback.

Builds the demo database, times every list shape the console uses for each role (supervisor, clerk, a district
bureau's handler, a school's handler), the case detail, the dashboard, the supervision board, the export and
/healthz while four exports and two reports run. Then grows the database through the public intake API (the real
write path, wrk with post.lua) to each size asked and times the same requests again, so that the demo-sized run
is the baseline of the same run and how cost grows with the data is visible. Reports p50/p99 per request.
With --postgres, each size is also copied to a fresh PostgreSQL database (qingfeng db copy, on a throwaway
cluster started for the run) and the same requests are timed there, so that the two backends are side by side on
the same data.
With --work DIR the database (and the signing keys) live in DIR and are kept: a later run with the same DIR
starts from the cases already there, so that a 10^6 database is grown once.
Usage: bench/scale/run.py [--sizes 10000,100000] [--repeat 30] [--postgres] [--work DIR] [--bin build/qingfeng]
"""
import argparse
import http.client
import json
import multiprocessing
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import qfserver  # noqa: E402

ROLES = {"supervisor": "supervisor", "clerk": "clerk", "district handler": "handler_yh", "school handler": "principal_yh001"}
LISTS = [
    ("newest 20", "/api/v1/cases?limit=20"),
    ("overdue", "/api/v1/cases?limit=20&overdue=true"),
    ("overdue & mine", "/api/v1/cases?limit=20&overdue=true&mine=true"),
    ("mine", "/api/v1/cases?limit=20&mine=true"),
    ("my work's cards (red and yellow of mine)", "/api/v1/cases/alerts"),
    ("state=dispatched", "/api/v1/cases?limit=20&state=dispatched"),
    ("state=registered", "/api/v1/cases?limit=20&state=registered"),
    ("category=fees", "/api/v1/cases?limit=20&category=fees"),
    ("district", "/api/v1/cases?limit=20&district=%E7%91%B6%E6%B5%B7%E5%8C%BA"),
    ("received this month", "/api/v1/cases?limit=20&from=2026-11-01&to=2026-11-30"),
    ("q=收费 (common)", "/api/v1/cases?limit=20&q=%E6%94%B6%E8%B4%B9"),
    ("q=资料费 (common)", "/api/v1/cases?limit=20&q=%E8%B5%84%E6%96%99%E8%B4%B9"),
    ("q=车牌 (rarer)", "/api/v1/cases?limit=20&q=%E8%BD%A6%E7%89%8C"),
    ("q=收费 by relevance", "/api/v1/cases?limit=20&q=%E6%94%B6%E8%B4%B9&sort=relevance"),
    ("q=资料费 by relevance (3 characters)", "/api/v1/cases?limit=20&q=%E8%B5%84%E6%96%99%E8%B4%B9&sort=relevance"),
    ("q=有偿补课 by relevance (4 characters)",
     "/api/v1/cases?limit=20&q=%E6%9C%89%E5%81%BF%E8%A1%A5%E8%AF%BE&sort=relevance"),
    ("fees & state & month", "/api/v1/cases?limit=20&category=fees&state=registered&from=2026-11-01"),
]


# Words of 2, 3 and 4 characters, each in many cases at 10^5 and 10^6 (the generated complaints and the demo's).
RELEVANCE_WORDS = {
    2: ["收费", "补课", "学生", "学校", "食堂", "校车", "考试", "招生", "家长", "老师", "课堂", "周末"],
    3: ["资料费", "赞助费", "班主任", "不卫生", "未公示", "集中补", "被要求", "多次反"],
    4: ["有偿补课", "周末补课", "师德问题", "招生问题", "食堂安全", "考试作弊", "校车问题", "监考不严", "辱骂学生",
        "收费依据", "集中补课", "校车超载"],
}


def relevance_path(word):
    return "/api/v1/cases?limit=20&sort=relevance&q=" + urllib.parse.quote(word)


def exact_ranking(bin_path, db, words):
    """Exact BM25's first 20 of each word over every match (bench/scale/exact_rank.cc, built when missing)."""
    tool = os.path.join(os.path.dirname(os.path.abspath(bin_path)), "qingfeng_exact_rank")
    if not os.path.exists(tool):
        subprocess.run(["cmake", "--build", os.path.dirname(tool), "--target", "qingfeng_exact_rank"], check=True,
                       stdout=subprocess.DEVNULL)
    out = subprocess.run([tool, db] + words, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def relevance_over_every_match(sup, bin_path, db, repeat, label, rows):
    """The list by relevance as the supervisor asks for it: the first request for a word (ranked among its newest
    matches while its list is built), then, once the answer says it covers every match, `repeat` timed requests per
    word; p50/p99 over all the words of a length. Prints how many words' top 20 equal exact BM25's."""
    words = [w for n in sorted(RELEVANCE_WORDS) for w in RELEVANCE_WORDS[n]]
    first = {}
    for w in words:
        t = time.perf_counter()
        sup.request("GET", relevance_path(w))
        first[w] = (time.perf_counter() - t) * 1000
    ours, waited = {}, time.time()
    for w in words:
        while True:
            _, body, _ = sup.request("GET", relevance_path(w))
            if body.get("relevance") == "all" or time.time() - waited > 300:
                break
            time.sleep(0.2)
        ours[w] = (body.get("relevance"), [c["id"] for c in body["items"]])
    print("  lists built for %d words in %.1f s" % (len(words), time.time() - waited), flush=True)
    exact = exact_ranking(bin_path, db, words)
    for n in sorted(RELEVANCE_WORDS):
        group = RELEVANCE_WORDS[n]
        same = [w for w in group if ours[w][1] == exact.get(w)]
        over_all = sum(1 for w in group if ours[w][0] == "all")
        times = []
        for w in group:
            sup.request("GET", relevance_path(w))
            for _ in range(repeat):
                t = time.perf_counter()
                sup.request("GET", relevance_path(w))
                times.append((time.perf_counter() - t) * 1000)
        times.sort()
        colds = sorted(first[w] for w in group)
        rows.append((label, "supervisor", "relevance, %d characters, first request per word (%d words)" % (n, len(group)),
                     200, statistics.median(colds), colds[-1]))
        rows.append((label, "supervisor", "relevance, %d characters, over every match: %d/%d words, top 20 = exact "
                     "BM25 for %d/%d" % (n, over_all, len(group), len(same), len(group)), 200,
                     statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]))
        for w in group:
            if w not in same:
                print("  %s: ours %s, exact %s" % (w, ours[w][1], exact.get(w)), flush=True)


def timed(client, path, repeat):
    """p50/p99 of `repeat` requests after 3 that warm the server's caches (untimed)."""
    times = []
    status = None
    for _ in range(3):
        client.request("GET", path)
    for _ in range(repeat):
        t = time.perf_counter()
        status, _, _ = client.request("GET", path)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return status, statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def count_cases(db):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        return con.execute("SELECT count(*) FROM cases").fetchone()[0]
    finally:
        con.close()


def grow(port, db, target, conns=32):
    while True:
        have = count_cases(db)
        if have >= target:
            return have
        # ~3,000 submissions a second on this machine; ask for what is missing, at least 2 s.
        seconds = max(2, min(120, (target - have) // 2500 + 1))
        out = subprocess.run(["wrk", "-t1", "-c%d" % conns, "-d%ds" % seconds, "-s",
                              os.path.join(ROOT, "bench", "scale", "post.lua"), "http://127.0.0.1:%d/" % port],
                             capture_output=True, text=True)
        if "unexpected status" in out.stderr:
            raise RuntimeError(out.stderr[:500])


def download_loop(port, cookies, csrf, path, stop):
    c = qfserver.Client(port)
    c.cookies, c.csrf = cookies, csrf
    while not stop.is_set():
        c.request("GET", path)


def healthz_under_load(port, clients, repeat):
    """/healthz p50/p99 while 4 exports and 2 report downloads run in a loop, each download in its own process (in
    threads of this one, reading six large answers held the interpreter's lock and the client's own waits were
    counted as the server's)."""
    stop = multiprocessing.Event()
    sup = clients["supervisor"]
    paths = ["/api/v1/cases/export"] * 4 + ["/api/v1/reports/bulletin?quarter=2026Q3&format=xlsx"] * 2
    procs = [multiprocessing.Process(target=download_loop, args=(port, dict(sup.cookies), sup.csrf, p, stop),
                                     daemon=True) for p in paths]
    for p in procs:
        p.start()
    time.sleep(1.0)
    h = qfserver.Client(port)
    r = timed(h, "/healthz", repeat)
    stop.set()
    for p in procs:
        p.join(timeout=60)
    return r


class Printing:
    """A list of result rows that prints each row as it is added, so that a long run's partial results are kept."""

    def __init__(self, rows):
        self.rows = rows

    def append(self, row):
        print("  %s | %s | %s | %s | %.1f | %.1f" % row, flush=True)
        self.rows.append(row)


def repeats_offered(sup, repeat):
    """The case detail of `repeat` different registered cases, each asked once, and then their repeats (asked apart,
    as the console does: search::FindRepeats runs for each), after one case that warms the matcher and the sample.
    Returns the two rows (status, p50, p99): the case, then its repeats."""
    _, page, _ = sup.request("GET", "/api/v1/cases?state=registered&limit=%d" % (repeat + 1))
    ids = [c["id"] for c in page["items"]]
    if not ids:
        return (None, 0, 0), (None, 0, 0)
    sup.request("GET", "/api/v1/cases/%d/repeats" % ids[0])
    rows = []
    for path in ["/api/v1/cases/%d", "/api/v1/cases/%d/repeats"]:
        times, status = [], None
        for case_id in ids[1:]:
            t = time.perf_counter()
            status, _, _ = sup.request("GET", path % case_id)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        rows.append((status, statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]))
    return rows


def picked(only, name):
    """Whether --only (a comma-separated list of parts of names; empty: all) picks the request named `name`."""
    return any(part in name for part in only.split(","))


def measure(port, clients, repeat, label, rows, only="", db=None, bin_path=None):
    rows = Printing(rows)
    name = "relevance over every match"
    if db and picked(only, name):
        relevance_over_every_match(clients["supervisor"], bin_path, db, repeat, label, rows)
    sup = clients["supervisor"]
    _, first, _ = sup.request("GET", "/api/v1/cases?limit=1")
    case_id = first["items"][0]["id"]
    for role, c in clients.items():
        for name, path in LISTS:
            if picked(only, name):
                status, p50, p99 = timed(c, path, repeat)
                rows.append((label, role, name, status, p50, p99))
    for name, path in [("case detail", "/api/v1/cases/%d" % case_id), ("its repeats", "/api/v1/cases/%d/repeats" % case_id), ("dashboard (half year)", "/api/v1/stats?from=2026-06-01&to=2026-11-30"),
                       ("supervision board", "/api/v1/supervision"), ("export (10,000 rows)", "/api/v1/cases/export"),
                       ("self-evaluation index, district bureaus", "/api/v1/duty/self-index?year=2026&kind=district_bureau"),
                       ("self-evaluation index, schools", "/api/v1/duty/self-index?year=2026&kind=school"),
                       # The access log across cases (访问留痕): every read, one kind, one person, one month.
                       ("access log, every read", "/api/v1/access-log"),
                       ("access log, identities opened", "/api/v1/access-log?kind=identity"),
                       ("access log, one person", "/api/v1/access-log?account_id=%d" % sup.request("GET", "/api/v1/auth/me")[1]["account_id"]),
                       ("access log, this month", "/api/v1/access-log?from=%s&to=%s" % (
                           time.strftime("%Y-%m-01"), time.strftime("%Y-%m-%d")))]:
        if picked(only, name):
            status, p50, p99 = timed(sup, path, repeat if "export" not in name else max(3, repeat // 10))
            rows.append((label, "supervisor", name, status, p50, p99))
    # Migrant children's places (43,000 applications, a published run): the portal's form and public notice, the
    # district's applications and objections, the office's capacity board.
    public = qfserver.Client(port)
    for who, c, name, path in [
            ("public", public, "placement form (schools, compounds, map frames)", "/api/v1/public/placement"),
            ("public", public, "placement notice: schools", "/api/v1/public/placement/runs/1/notice"),
            ("public", public, "placement notice: one school", "/api/v1/public/placement/runs/1/notice?school=DS0001"),
            # Open311 (GeoReport v2): what a platform or the public reads of requests — the last 90 days, up to 1,000.
            ("public", public, "open311 requests (90 days, 1,000 at most)", "/open311/v2/requests.json"),
            ("public", public, "open311 requests of one service", "/open311/v2/requests.json?service_code=fees"),
            ("public", public, "open311 requests, closed, as XML", "/open311/v2/requests.xml?status=closed"),
            ("district handler", clients["district handler"], "placement applications, awaiting review",
             "/api/v1/placement/applications?state=submitted"),
            ("district handler", clients["district handler"], "placement objections", "/api/v1/placement/objections"),
            ("supervisor", sup, "placement capacity board", "/api/v1/placement/board")]:
        if picked(only, name):
            status, p50, p99 = timed(c, path, repeat)
            rows.append((label, who, name, status, p50, p99))
    name = "case detail with repeats offered (registered cases, each once)"
    if picked(only, name):
        case, repeats = repeats_offered(sup, repeat)
        rows.append((label, "supervisor", name, *case))
        rows.append((label, "supervisor", "their repeats (asked after the case)", *repeats))
    name = "/healthz with 4 exports and 2 reports running"
    if picked(only, name):
        status, p50, p99 = healthz_under_load(port, clients, repeat * 3)
        rows.append((label, "public", name, status, p50, p99))


def add_reads(port, clients, db, want):
    """Staff open cases (wrk, the supervisor's and a district handler's random cases, each opening a recorded read,
    访问留痕) until the database holds `want` reads: the access log's shapes are timed over them."""
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    import wrk as benchwrk

    def count():
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        try:
            return con.execute("SELECT count(*) FROM events WHERE kind IN ('case.viewed', 'case.attachment_opened', "
                               "'reporter.identity_opened')").fetchone()[0]
        finally:
            con.close()
    script = os.path.join(ROOT, "bench", "standby", "detail.lua")
    while (have := count()) < want:
        print("reads recorded: %s of %s" % (f"{have:,}", f"{want:,}"), flush=True)
        for role in ["supervisor", "district handler"]:
            c = clients[role]
            _, page, _ = c.request("GET", "/api/v1/cases?limit=500")
            env = {"QF_COOKIE": "; ".join("%s=%s" % kv for kv in c.cookies.items()),
                   "QF_IDS": ",".join(str(x["id"]) for x in page["items"])}
            benchwrk.run(port, 30, 32, script, env=env)
    return count()


def signed_in(port):
    clients = {}
    for role, user in ROLES.items():
        clients[role] = qfserver.Client(port)
        clients[role].login(user)
    return clients


def on_postgres(args, db, cluster, label, rows):
    """Copies the SQLite database `db` to a fresh database of `cluster` and times the same requests there."""
    name = "scale_%d" % len(rows)
    subprocess.run(["createdb", "-h", cluster, "-U", "qingfeng", name], check=True)
    url = "postgresql://qingfeng@/%s?host=%s" % (name, cluster)
    t = time.time()
    subprocess.run([args.bin, "--data", os.path.join(ROOT, "data"), "db", "copy", "--from", db, "--to", url],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print("copied to PostgreSQL in %.0f s" % (time.time() - t), flush=True)
    subprocess.run(["psql", url, "-qc", "VACUUM ANALYZE"], check=True)
    s = qfserver.Server(args.bin, url, ["--no-rate-limits"]).start()
    try:
        measure(s.port, signed_in(s.port), args.repeat, label + ", PostgreSQL", rows, args.only, url, args.bin)
    finally:
        s.stop()
    subprocess.run(["dropdb", "-h", cluster, "-U", "qingfeng", name], check=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "qingfeng"))
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--postgres", action="store_true", help="also time each size copied to PostgreSQL")
    ap.add_argument("--work", help="keep the database in this directory and start from it when it is there")
    ap.add_argument("--only", default="", help="time only the requests whose name contains this (or one of these, comma-separated)")
    ap.add_argument("--reads", type=int, default=0,
                    help="before timing, have staff open cases until the database holds this many recorded reads")
    ap.add_argument("--no-baseline", action="store_true",
                    help="skip timing the database as it is before growing it (with --work: already grown)")
    args = ap.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="qf-scale-")
    os.makedirs(work, exist_ok=True)
    os.environ["QINGFENG_KEY_DIR"] = work
    cluster = None
    rows = []
    try:
        if args.postgres:
            cluster = tempfile.mkdtemp(prefix="qf-scale-pg.")
            subprocess.run([os.path.join(ROOT, "scripts", "pg-cluster.sh"), "start", cluster], check=True,
                           stdout=subprocess.DEVNULL)
        db = qfserver.new_database(work)
        if not os.path.exists(db):
            db = qfserver.build_demo(args.bin, work)
        sizes = [] if args.no_baseline else [("demo (%d cases)" % count_cases(db), None)]
        sizes += [("%s cases" % f"{int(n):,}", int(n)) for n in args.sizes.split(",") if n]
        for label, n in sizes:
            s = qfserver.Server(args.bin, db, ["--no-rate-limits"]).start()
            try:
                if n:
                    label = "%s cases" % f"{grow(s.port, db, n):,}"
                clients = signed_in(s.port)
                if args.reads:
                    label += ", %s reads" % f"{add_reads(s.port, clients, db, args.reads):,}"
                print("measuring at %s" % label, flush=True)
                measure(s.port, clients, args.repeat, label + ", SQLite", rows, args.only, db, args.bin)
            finally:
                s.stop()
            if cluster:
                on_postgres(args, db, cluster, label, rows)
    finally:
        if cluster:
            subprocess.run([os.path.join(ROOT, "scripts", "pg-cluster.sh"), "stop", cluster])
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print("| size | role | request | status | p50 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    for label, role, name, status, p50, p99 in rows:
        print("| %s | %s | %s | %s | %.1f | %.1f |" % (label, role, name, status, p50, p99))


if __name__ == "__main__":
    main()
