"""Starts and stops a real qingfeng server on a free loopback port for black-box tests (stdlib only)."""
import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO_PASSWORD = "Qingfeng#2026"
DEMO_TOTP = "OFUW4Z3GMVXGOLLEMVWW6LLUN52HAIJB"  # the demo accounts' TOTP secret (base32)
_used_steps = {}  # username -> last TOTP step used by these tests (the server accepts each code once)


def totp(secret_b32, step):
    """RFC 6238 code (HMAC-SHA-1, 6 digits) for a 30-second step."""
    import base64
    import hashlib
    import hmac
    import struct
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    o = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)


def next_totp(user, secret_b32=DEMO_TOTP):  # noqa: D401
    """A code the server will accept for `user`: one step of drift either way is allowed, a step never twice.

    The step before now only early in a step: sent late in one, it can reach the server after the step has moved on,
    when it is two behind (a CI run lost a sign-in so, on a loaded machine)."""
    while True:
        t = time.time()
        now = int(t) // 30
        for step in ((now - 1, now, now + 1) if t % 30 < 20 else (now, now + 1)):
            if step > _used_steps.get(user, 0):
                _used_steps[user] = step
                return totp(secret_b32, step)
        time.sleep(1)


# The backend the tests run on: SQLite files by default; PostgreSQL when QF_TEST_PG names the socket directory of a
# running cluster (tests/with-pg.sh starts a throwaway one and sets it). Each new_database() is a fresh database of
# that cluster; the key files the server keeps beside a SQLite file go to QINGFENG_KEY_DIR (the test's workdir).
PG_HOST = os.environ.get("QF_TEST_PG", "")
_db_counter = [0]


def backend():
    return "postgres" if PG_HOST else "sqlite"


def new_database(workdir, name="demo"):
    """A new, empty database for a test: a file path in workdir, or the URL of a fresh PostgreSQL database."""
    if not PG_HOST:
        return os.path.join(workdir, name + ".db")
    _db_counter[0] += 1
    dbname = "t%d_%d_%s" % (os.getpid(), _db_counter[0], name.replace("-", "_"))
    subprocess.run(["createdb", "-h", PG_HOST, "-U", "qingfeng", dbname], check=True)
    os.environ["QINGFENG_KEY_DIR"] = workdir
    return "postgresql://qingfeng@/%s?host=%s" % (dbname, PG_HOST)


def pg_name(url):
    """The database name of a postgresql:// URL."""
    return url.split("://", 1)[1].split("?", 1)[0].rsplit("/", 1)[-1]


def key_file(db, suffix):
    """Where the server keeps a database's key file (".ledger.key", ".vault.key")."""
    if not db.startswith("postgresql://"):
        return db + suffix
    return os.path.join(os.environ["QINGFENG_KEY_DIR"], pg_name(db) + suffix)


def query(db, sql):
    """Rows of a read-only query straight on the database (as an outside checker or a tamperer would), as text."""
    if db.startswith("postgresql://"):
        out = subprocess.run(["psql", db, "-At", "-F", "\t", "-c", sql], check=True, capture_output=True, text=True).stdout
        return [line.split("\t") for line in out.splitlines()]
    import sqlite3
    con = sqlite3.connect(db)
    try:
        return [[str(v) for v in row] for row in con.execute(sql)]
    finally:
        con.close()


def planned_tables(db):
    """How many of the case tables PostgreSQL's planner has statistics for (pg_stats): 2 once they are gathered."""
    return int(query(db, "SELECT count(DISTINCT tablename) FROM pg_stats WHERE tablename IN ('cases', 'case_deadlines')")[0][0])


def execute(db, *statements):
    """Runs statements straight on the database in one transaction (a tamperer's hand edit)."""
    if db.startswith("postgresql://"):
        subprocess.run(["psql", db, "-q", "-v", "ON_ERROR_STOP=1", "-1", "-c", ";\n".join(statements)], check=True,
                       capture_output=True)
        return
    import sqlite3
    con = sqlite3.connect(db)
    try:
        for sql in statements:
            con.execute(sql)
        con.commit()
    finally:
        con.close()


def copy_database(db, workdir, name):
    """A copy of the database as it is now, with its ledger key (an administrator's backup); the server is stopped."""
    if db.startswith("postgresql://"):
        copy = new_database(workdir, name)
        target, source = pg_name(copy), pg_name(db)
        subprocess.run(["psql", db.replace("/" + source + "?", "/postgres?"), "-q", "-v", "ON_ERROR_STOP=1",
                        "-c", "DROP DATABASE %s" % target, "-c", "CREATE DATABASE %s TEMPLATE %s" % (target, source)],
                       check=True, capture_output=True)
    else:
        import sqlite3
        copy = os.path.join(workdir, name + ".db")
        con = sqlite3.connect(db)
        con.execute("VACUUM INTO ?", (copy,))
        con.close()
    shutil.copy(key_file(db, ".ledger.key"), key_file(copy, ".ledger.key"))
    return copy


def stored_bytes(db):
    """Everything a database holds on disk, by name: a SQLite file with its WAL, or a PostgreSQL database's dump."""
    if db.startswith("postgresql://"):
        return {"pg_dump": subprocess.run(["pg_dump", db], check=True, capture_output=True).stdout}
    import glob
    return {os.path.basename(f): open(f, "rb").read() for f in glob.glob(db + "*") if not f.endswith(".key")}


def _make_demo(binary, db):
    subprocess.run([binary, "--data", os.path.join(ROOT, "data"), "demo", "--db", db], check=True,
                   stdout=subprocess.DEVNULL)


def build_demo(binary, workdir):
    """A demo database for a test, its own to change, in workdir (or on the test cluster); returns its path or URL.

    When QF_DEMO_CACHE names a directory (make test sets it, emptied at its start), the demo is built once per
    backend (and per cluster) and each test gets a copy: building takes 15 s on SQLite and 35 s on PostgreSQL, a copy
    about one. Without it every call builds afresh."""
    cache = os.environ.get("QF_DEMO_CACHE", "")
    if not cache:
        db = new_database(workdir)
        _make_demo(binary, db)
        return db
    import fcntl
    os.makedirs(cache, exist_ok=True)
    with open(os.path.join(cache, "lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two tests asking at once: one builds, the other waits and copies
        if PG_HOST:
            key_dir = os.path.join(cache, "pg-" + PG_HOST.replace("/", "_"))
            source = "postgresql://qingfeng@/demo_cache?host=%s" % PG_HOST
            if not os.path.exists(os.path.join(key_dir, "demo_cache.ledger.key")):
                os.makedirs(key_dir, exist_ok=True)
                subprocess.run(["dropdb", "-h", PG_HOST, "-U", "qingfeng", "--if-exists", "demo_cache"], check=True)
                subprocess.run(["createdb", "-h", PG_HOST, "-U", "qingfeng", "demo_cache"], check=True)
                os.environ["QINGFENG_KEY_DIR"] = key_dir
                _make_demo(binary, source)
            db = new_database(workdir)  # sets QINGFENG_KEY_DIR to workdir
            copy = subprocess.run(["psql", source.replace("/demo_cache?", "/postgres?"), "-q", "-v", "ON_ERROR_STOP=1",
                                   "-c", "DROP DATABASE %s" % pg_name(db),
                                   "-c", "CREATE DATABASE %s TEMPLATE demo_cache" % pg_name(db)],
                                  capture_output=True, text=True)
            if copy.returncode:
                raise RuntimeError("copying the demo database: " + copy.stderr.strip())
            for suffix in (".ledger.key", ".vault.key"):
                shutil.copy(os.path.join(key_dir, "demo_cache" + suffix), key_file(db, suffix))
            return db
        source = os.path.join(cache, "demo.db")
        if not os.path.exists(source + ".vault.key"):
            for f in (source, source + "-wal", source + "-shm", source + ".ledger.key", source + ".vault.key"):
                if os.path.exists(f):
                    os.remove(f)
            _make_demo(binary, source)
        db = new_database(workdir)
        import sqlite3
        con = sqlite3.connect(source)
        try:
            con.execute("VACUUM INTO ?", (db,))
        finally:
            con.close()
        for suffix in (".ledger.key", ".vault.key"):
            shutil.copy(source + suffix, db + suffix)
        return db



def read_docx(payload):
    """A DOCX answer's paragraphs as text: {"docx": {"paragraphs": [...], "page_breaks": n}}."""
    import io
    import re as _re
    import zipfile
    from xml.sax.saxutils import unescape
    xml = zipfile.ZipFile(io.BytesIO(payload)).read("word/document.xml").decode("utf-8")
    paras = []
    for p in _re.findall(r"<w:p[ >].*?</w:p>|<w:p/>", xml, _re.S):
        text = "".join(unescape(t) for t in _re.findall(r"<w:t[^>]*>(.*?)</w:t>", p, _re.S))
        if text:
            paras.append(text)
    return {"docx": {"paragraphs": paras, "page_breaks": xml.count('w:type="page"')}}


def read_xlsx(payload):
    """The first sheet of an XLSX answer as {"rows": data rows, "header": [...], "strings": [...]}."""
    import io
    import re as _re
    import zipfile
    from xml.sax.saxutils import unescape
    z = zipfile.ZipFile(io.BytesIO(payload))
    strings = [unescape(t) for t in _re.findall(r"<t[^>]*>(.*?)</t>", z.read("xl/sharedStrings.xml").decode())] \
        if "xl/sharedStrings.xml" in z.namelist() else []
    sheet = z.read("xl/worksheets/sheet1.xml").decode()
    rows = _re.findall(r"<row [^>]*>(.*?)</row>", sheet)
    header = [strings[int(i)] for i in _re.findall(r'<c [^>]*t="s"[^>]*><v>(\d+)</v>', rows[0])] if rows else []
    return {"xlsx": {"rows": max(len(rows) - 1, 0), "header": header, "strings": strings}}

class Checks:
    """Named checks printed as they run ("ok   what", or "FAIL what: detail"); `failed` lists what failed."""

    def __init__(self):
        self.failed = []

    def __call__(self, cond, what, detail=""):
        print(("ok   " + what) if cond else ("FAIL %s: %s" % (what, detail)))
        if not cond:
            self.failed.append(what)


class Server:
    def __init__(self, binary, db, extra=(), log_level="warn", data=None):
        self.binary, self.db, self.extra, self.log_level = binary, db, list(extra), log_level
        self.data = data or os.path.join(ROOT, "data")
        self.proc = None
        self.port = None
        self.log = None

    def start(self):
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [self.binary, "--data", self.data, "serve", "--db", self.db, "--listen", "127.0.0.1:0",
             "--log-level", self.log_level] + self.extra,
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.proc.kill()
            self.log.seek(0)
            raise RuntimeError("server did not start: " + line + self.log.read().decode(errors="replace"))
        self.port = int(line.strip().rsplit(":", 1)[1])
        return self

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise RuntimeError("server did not stop within %ss" % timeout)
        return self.proc.returncode

    def logs(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")


class Client:
    """One HTTP/1.1 keep-alive connection with a cookie jar and the CSRF token of its session."""

    def __init__(self, port, source=None):
        """`source`: a loopback address of 127/8 to connect from (the server's per-client limits key on it)."""
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30,
                                               source_address=(source, 0) if source else None)
        self.cookies = {}  # name -> value, as a browser keeps them (the session; qf_seen with standbys)
        self.csrf = None

    def reconnect(self, port):
        """The same browser (cookies, CSRF token) against a server restarted on `port`."""
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method, path, body=None, raw=None, content_type="application/json", headers=None):
        h = dict(headers or {})
        data = None
        if raw is not None:
            data = raw
            h["Content-Type"] = content_type
        elif body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            h["Content-Type"] = "application/json"
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if self.csrf and method not in ("GET", "HEAD"):
            h.setdefault("X-CSRF-Token", self.csrf)
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=data, headers=h)
                resp = self.conn.getresponse()
                payload = resp.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        resp.payload = payload  # the raw body, for answers that are not JSON (Open311's XML)
        for sc in resp.msg.get_all("Set-Cookie") or []:
            name, _, value = sc.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        ctype = resp.getheader("Content-Type") or ""
        parsed = None
        if "json" in ctype and payload:
            parsed = json.loads(payload)
        elif "spreadsheetml" in ctype and payload:
            parsed = read_xlsx(payload)
        elif "wordprocessingml" in ctype and payload:
            parsed = read_docx(payload)
        if isinstance(parsed, dict) and resp.status == 200 and "csrf_token" in parsed:
            self.csrf = parsed["csrf_token"]
        return resp.status, parsed, resp

    def login(self, user, password=DEMO_PASSWORD):
        status, body, _ = self.request("POST", "/api/v1/auth/login", {"username": user, "password": password})
        if status != 200 or body.get("mfa") != "totp":
            raise RuntimeError("login %s failed: %s %s" % (user, status, body))
        status, body, _ = self.request("POST", "/api/v1/auth/mfa", {"mfa_token": body["mfa_token"], "code": next_totp(user)})
        if status != 200:
            raise RuntimeError("second factor for %s failed: %s %s" % (user, status, body))
        self.csrf = body["csrf_token"]
        return body


if __name__ == "__main__":
    # python3 tests/lib/qfserver.py demo BINARY WORKDIR: prints a demo database's path or URL (build_demo), for the
    # browser journeys' runner; QINGFENG_KEY_DIR to give the server follows it on PostgreSQL (the workdir).
    import sys
    if len(sys.argv) != 4 or sys.argv[1] != "demo":
        sys.exit("usage: qfserver.py demo BINARY WORKDIR")
    print(build_demo(sys.argv[2], sys.argv[3]))
