"""PostgreSQL clusters of a test's own (scripts/pg-cluster.sh): a primary, hot standbys fed by streaming replication,
a crash of the primary and the promotion of a standby. Each cluster lives in its own temporary directory and is
stopped and removed by stop_all(), which tests call in their `finally`."""
import os
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "pg-cluster.sh")
_dirs = []


def _run(*args):
    return subprocess.run([SCRIPT] + list(args), check=True, capture_output=True, text=True).stdout.strip()


def primary(dbname="qingfeng"):
    """Starts a primary; returns (its directory, the URL of database `dbname`)."""
    d = tempfile.mkdtemp(prefix="qf-pgp.")
    _dirs.append(d)
    return d, _run("start", d, dbname)


def standby(primary_dir, dbname="qingfeng"):
    """Starts a hot standby of the primary in `primary_dir` (named qf_standby there); returns (directory, URL)."""
    d = tempfile.mkdtemp(prefix="qf-pgs.")
    _dirs.append(d)
    return d, _run("standby", d, primary_dir, dbname)


def psql(url, sql):
    """The first column of the first row of `sql` on `url` (or "")."""
    out = subprocess.run(["psql", url, "-Atq", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True,
                         text=True).stdout.strip()
    return out.splitlines()[0] if out else ""


def crash(d):
    _run("crash", d)


def promote(d):
    _run("promote", d)


def stop_all():
    while _dirs:
        subprocess.run([SCRIPT, "stop", _dirs.pop()], capture_output=True)
