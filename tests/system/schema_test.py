"""Both backends' schemas are the same: the same tables, columns (by kind), nullability, primary keys, foreign keys
and indexes, after the migrations of each dialect have run on a new database (server/storage/schema/ and its
postgresql/ folder). Search stores differ by design (SQLite's FTS5 case_fts and its shadow tables; PostgreSQL's
case_search) and are compared by the search test, not here. Needs QF_TEST_PG (tests/with-pg.sh)."""
import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qfserver  # noqa: E402

SEARCH_STORES = ("case_fts", "case_search")


def kind(decl):
    d = decl.upper()
    if "INT" in d:
        return "integer"
    if "CHAR" in d or "TEXT" in d:
        return "text"
    if "REAL" in d or "DOUBLE" in d or "FLOA" in d:
        return "real"
    if "BLOB" in d or "BYTEA" in d:
        return "blob"
    return d.lower()


def sqlite_schema(path):
    db = sqlite3.connect(path)
    out = {"tables": {}, "indexes": {}, "fks": set()}
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table','view') ORDER BY name")]
    for t in names:
        if t.startswith(SEARCH_STORES) or t.startswith("sqlite_"):
            continue
        cols = {}
        for cid, name, decl, notnull, default, pk in db.execute("PRAGMA table_info(%s)" % t):
            cols[name] = (kind(decl), bool(notnull) or pk == 1, pk)
        out["tables"][t] = cols
        for row in db.execute("PRAGMA foreign_key_list(%s)" % t):
            out["fks"].add((t, row[3], row[2], row[4] or "id"))
        for _, iname, unique, origin, partial in db.execute("PRAGMA index_list(%s)" % t):
            if origin != "c":  # primary keys and UNIQUE constraints are compared as columns and keys
                continue
            cols_ = [r[2] for r in db.execute("PRAGMA index_info(%s)" % iname)]
            out["indexes"][iname] = (t, tuple(cols_), bool(unique), bool(partial))
    return out


def psql(url, sql):
    r = subprocess.run(["psql", url, "-At", "-F", "\t", "-c", sql], capture_output=True, text=True, check=True)
    return [line.split("\t") for line in r.stdout.splitlines() if line]


def pg_schema(url):
    out = {"tables": {}, "indexes": {}, "fks": set()}
    pks = {}
    for t, c, pos in psql(url, "SELECT tc.table_name, k.column_name, k.ordinal_position FROM information_schema.table_constraints tc "
                               "JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name "
                               "WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema()"):
        pks[(t, c)] = int(pos)
    views = {r[0] for r in psql(url, "SELECT table_name FROM information_schema.views WHERE table_schema = current_schema()")}
    for t, c, dtype, nullable in psql(url, "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns "
                                           "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"):
        if t.startswith(SEARCH_STORES):
            continue
        pk = pks.get((t, c), 0)
        out["tables"].setdefault(t, {})[c] = (kind(dtype), nullable == "NO" and t not in views, pk)
    # Each referencing column paired with the referenced column at its position (a key of several columns too).
    for t, col, ft, fc in psql(url, "SELECT kcu.table_name, kcu.column_name, ref.table_name, ref.column_name "
                                    "FROM information_schema.referential_constraints rc "
                                    "JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name "
                                    "JOIN information_schema.key_column_usage ref ON ref.constraint_name = rc.unique_constraint_name "
                                    "AND ref.table_schema = kcu.table_schema "
                                    "AND ref.ordinal_position = kcu.position_in_unique_constraint "
                                    "WHERE kcu.table_schema = current_schema()"):
        if not t.startswith(SEARCH_STORES):
            out["fks"].add((t, col, ft, fc))
    for iname, t, unique, partial, cols in psql(url,
            "SELECT i.relname, t.relname, ix.indisunique, ix.indpred IS NOT NULL, "
            "array_to_string(ARRAY(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(n, o) "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.n ORDER BY k.o), ',') "
            "FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = current_schema() "
            "AND NOT ix.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid)"):
        if t.startswith(SEARCH_STORES):
            continue
        out["indexes"][iname] = (t, tuple(cols.split(",")), unique == "t", partial == "t")
    return out


def diff(name, a, b):
    problems = []
    for k in sorted(set(a) | set(b), key=str):
        if k not in a:
            problems.append("%s: %s only on PostgreSQL: %s" % (name, k, b[k]))
        elif k not in b:
            problems.append("%s: %s only on SQLite: %s" % (name, k, a[k]))
        elif a[k] != b[k]:
            problems.append("%s: %s differs: SQLite %s, PostgreSQL %s" % (name, k, a[k], b[k]))
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/qingfeng")
    args = ap.parse_args()
    if qfserver.backend() != "postgres":
        sys.exit("schema_test: run through tests/with-pg.sh (it needs a PostgreSQL cluster)")
    work = tempfile.mkdtemp(prefix="qf-schema-")
    data = os.path.join(qfserver.ROOT, "data")
    lite = os.path.join(work, "new.db")
    pg = qfserver.new_database(work, "schema")
    for db in (lite, pg):  # any command opens (and so migrates) the database
        subprocess.run([args.bin, "--data", data, "stats", "--db", db, "--from", "2026-01-01", "--to", "2026-01-31"], check=True, stdout=subprocess.DEVNULL)
    a, b = sqlite_schema(lite), pg_schema(pg)
    problems = []
    for t in sorted(set(a["tables"]) | set(b["tables"])):
        if t not in a["tables"] or t not in b["tables"]:
            problems.append("table %s only on %s" % (t, "PostgreSQL" if t not in a["tables"] else "SQLite"))
            continue
        problems += diff("column of " + t, a["tables"][t], b["tables"][t])
    problems += diff("index", a["indexes"], b["indexes"])
    problems += ["foreign key %s only on SQLite" % (f,) for f in sorted(a["fks"] - b["fks"])]
    problems += ["foreign key %s only on PostgreSQL" % (f,) for f in sorted(b["fks"] - a["fks"])]
    for p in problems:
        print("FAIL " + p)
    print("schema: %d tables, %d indexes, %d foreign keys compared; %d differences"
          % (len(a["tables"]), len(a["indexes"]), len(a["fks"]), len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
