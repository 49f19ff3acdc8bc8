#!/usr/bin/env python3
"""The command line: import (all or nothing, and --accept-valid with a rejects file; the columns' headers as data),
stats, calendar, version."""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "lib"))
import qfserver  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/qingfeng")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="qf-cli-")
    failures = []

    def qf(*a):
        return subprocess.run([args.bin, "--data", os.path.join(ROOT, "data")] + list(a), capture_output=True, text=True)

    def check(cond, what):
        if not cond:
            failures.append(what)

    try:
        db = qfserver.new_database(work, "cli")
        units = os.path.join(work, "units.csv")
        with open(units, "w", encoding="utf-8") as f:
            f.write("code,name,kind,parent_code,district,stage,ownership,enrolment\n"
                    "JYJ,市教育局,bureau,,,,,\n"
                    "QX-A,甲区教体局,district_bureau,JYJ,甲区,,,\n"
                    "A001,甲区第一小学,school,QX-A,甲区,小学,public,900\n"
                    "A002,甲区第二小学,school,QX-A,甲区,大学,public,abc\n"
                    "A003,甲区第三小学,school,NOPE,甲区,小学,public,800\n")
        r = qf("import", "--db", db, "--units", units)
        check(r.returncode == 1, "import with bad rows should fail, got %d" % r.returncode)
        check("第5行" in r.stderr and "stage" in r.stderr and "enrolment" in r.stderr, "errors name row and column: " + r.stderr)
        check("第6行" in r.stderr and "parent_code" in r.stderr, "missing parent named: " + r.stderr)
        n = int(qfserver.query(db, "select count(*) from units")[0][0])
        check(n == 0, "nothing may be applied when a row fails, found %d units" % n)
        rejects = os.path.join(work, "rejects.csv")
        r = qf("import", "--db", db, "--units", units, "--accept-valid", "--rejects", rejects)
        check(r.returncode == 0, "accept-valid import failed: " + r.stderr)
        n = int(qfserver.query(db, "select count(*) from units")[0][0])
        check(n == 3, "the 3 valid rows applied, found %d" % n)
        text = open(rejects, encoding="utf-8-sig").read() if os.path.exists(rejects) else ""
        check("第5行" in text and "第6行" in text, "rejects file lists rows 5 and 6: " + text)
        ev = int(qfserver.query(db, "select count(*) from events where kind='unit.created'")[0][0])
        check(ev == 3, "one event per applied unit, found %d" % ev)

        gbk = os.path.join(work, "gbk.csv")
        with open(gbk, "wb") as f:
            f.write("工单编号,受理时间,问题分类,标题,内容\nZM-1,2026-03-02,教育收费,收费,收费\n".encode("gbk"))
        r = qf("import", "--db", db, "--cases", gbk, "--channel", "zmztc")
        check(r.returncode == 1 and "GB18030 编码" in r.stdout and "须说明补录原因" in r.stderr,
              "a GBK file as Excel saves it is read (and its rows checked as any): " + r.stdout + r.stderr)
        cases = os.path.join(work, "cases.csv")
        with open(cases, "w", encoding="utf-8") as f:
            f.write("工单编号,受理时间,问题分类,标题,内容,涉及单位\nZM-1,2026-03-02 09:30,教育收费,资料费,收取资料费,A001\n"
                    "ZM-2,2026-03-03,违规补课,补课,周末补课,甲区第一小学\n")
        r = qf("import", "--db", db, "--cases", cases, "--channel", "zmztc")
        check(r.returncode == 1 and "须说明补录原因" in r.stderr, "rows received long ago need a reason: " + r.stderr)
        r = qf("import", "--db", db, "--cases", cases, "--channel", "zmztc", "--backdate-reason", "平台历史工单补录")
        check(r.returncode == 0, "cases import: " + r.stderr)
        # A platform's own headers, read by the mapping profile saved for it (in the console; here by hand).
        qfserver.execute(db, "INSERT INTO import_profiles(kind, name, mapping, saved_at) VALUES "
                             "('cases', '12345平台', '{\"诉求事项\":\"title\",\"诉求详情\":\"content\"}', '2026-03-01T00:00:00.000Z')")
        own = os.path.join(work, "own.csv")
        with open(own, "w", encoding="utf-8") as f:
            f.write("工单编号,受理时间,问题分类,诉求事项,诉求详情\nZM-3,2026-03-04,教育收费,校服费,强制购买校服\n")
        r = qf("import", "--db", db, "--cases", own, "--channel", "zmztc", "--profile", "没有的方案")
        check(r.returncode == 1 and "没有这个对照方案" in r.stderr, "an unknown profile is refused: " + r.stderr)
        r = qf("import", "--db", db, "--cases", own, "--channel", "zmztc", "--backdate-reason", "平台历史工单补录")
        check(r.returncode == 0 and "使用对照方案：12345平台" in r.stdout, "the profile the header fits is used: " + r.stdout + r.stderr)
        # A longer export, read row by row: progress on standard error, a row the reader cannot take (text that would
        # be a formula, a ragged row) rejected with its row named while the others go in with --accept-valid.
        long_file = os.path.join(work, "long.csv")
        with open(long_file, "w", encoding="utf-8") as f:
            f.write("2026年3月 工单导出,,,,\n工单编号,受理时间,问题分类,标题,内容\n")
            for i in range(2500):
                title = "=HYPERLINK(1)" if i == 100 else "资料费%d" % i
                extra = ",多出一列" if i == 200 else ""
                f.write("L-%d,2026-03-%02d 10:00,教育收费,%s,收取资料费%d元%s\n" % (i, 1 + i % 28, title, i, extra))
            f.write("备注：平台导出\n")
        long_rejects = os.path.join(work, "long-rejects.csv")
        r = qf("import", "--db", db, "--cases", long_file, "--channel", "zmztc", "--backdate-reason", "平台历史工单补录")
        check(r.returncode == 1 and "第103行" in r.stderr and "第203行" in r.stderr,
              "a row the reader cannot take fails the import, named: " + r.stderr[-500:])
        check(int(qfserver.query(db, "select count(*) from cases where external_ref like 'L-%'")[0][0]) == 0,
              "nothing of the long file went in")
        r = qf("import", "--db", db, "--cases", long_file, "--channel", "zmztc", "--backdate-reason", "平台历史工单补录",
               "--accept-valid", "--rejects", long_rejects)
        check(r.returncode == 0 and "导入 2498 行" in r.stdout and "拒绝 2 处问题" in r.stdout,
              "the long file's valid rows go in: " + r.stdout[-500:] + r.stderr[-500:])
        check("第 2 行为表头" in r.stdout and "已读" in r.stderr, "header row and progress reported: " + r.stdout[:300] + r.stderr[-300:])
        text = open(long_rejects, encoding="utf-8-sig").read() if os.path.exists(long_rejects) else ""
        check("第103行" in text and "第203行" in text, "the rejects file names both rows: " + text)
        # A header the bureau's platforms write, added to the shipped synonyms (data, not code) by an operator.
        data = os.path.join(work, "data")
        shutil.copytree(os.path.join(ROOT, "data"), data)
        columns = os.path.join(data, "imports", "columns.toml")
        text = open(columns, encoding="utf-8").read()
        content_names = 'names = ["内容", "诉求内容",'
        check(text.count(content_names) == 1, "the shipped columns name the case content once")
        open(columns, "w", encoding="utf-8").write(text.replace(content_names, 'names = ["内容", "群众诉求原文", "诉求内容",'))
        mine = os.path.join(work, "mine.csv")
        with open(mine, "w", encoding="utf-8") as f:
            f.write("工单编号,受理时间,问题分类,标题,群众诉求原文\nZM-4,2026-03-05,教育收费,餐费,食堂餐费上涨\n")

        def qf_with(data_dir, *a):
            return subprocess.run([args.bin, "--data", data_dir] + list(a), capture_output=True, text=True)

        r = qf("import", "--db", db, "--cases", mine, "--channel", "zmztc", "--backdate-reason", "平台历史工单补录")
        check(r.returncode == 1 and "内容" in r.stderr, "without the synonym the content column is missing: " + r.stderr)
        r = qf_with(data, "import", "--db", db, "--cases", mine, "--channel", "zmztc", "--backdate-reason", "平台历史工单补录")
        check(r.returncode == 0, "the synonym added to the data file is read: " + r.stdout + r.stderr)
        stored = qfserver.query(db, "select content from cases where external_ref = 'ZM-4'")
        check(stored and stored[0][0] == "食堂餐费上涨", "the content read by the new header: %r" % (stored,))
        # A data file that lacks a field an importer reads refuses to start, naming the file, the import and the field.
        open(columns, "w", encoding="utf-8").write(text.replace('[[relations]]\nfield = "kind"', '[[relations]]\nfield = "kinship"'))
        r = qf_with(data, "import", "--db", db, "--cases", mine, "--channel", "zmztc")
        check(r.returncode != 0 and "columns.toml" in r.stderr and "[[relations]]" in r.stderr and "kind" in r.stderr,
              "a columns file that does not fit the importers is refused: " + r.stdout + r.stderr)
        r = qf("stats", "--db", db, "--from", "2026-03-01", "--to", "2026-03-31")
        check(r.returncode == 0 and "共受理 2502 件" in r.stdout and "政民直通车\t2502" in r.stdout, "stats: " + r.stdout + r.stderr)
        r = qf("stats", "--db", db, "--from", "2026-03-31", "--to", "2026-03-01")
        check(r.returncode == 1, "stats with a reversed range fails")
        r = qf("calendar", "add", "2026-01-20", "60d")
        check("2026-03-23" in r.stdout and "顺延" in r.stdout, "calendar 60d: " + r.stdout)
        r = qf("calendar", "add", "2026-04-30", "5wd")
        check(r.stdout.strip().splitlines()[-1].startswith("结果：2026-05-11"), "calendar 5wd: " + r.stdout)
        r = qf("calendar", "add", "2026-04-30", "5")
        check(r.returncode == 1 and "单位" in r.stderr, "bad term explained: " + r.stderr)
        r = qf("version")
        check(r.returncode == 0 and r.stdout.startswith("qingfeng "), "version: " + r.stdout)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL " + f)
    print("cli: %d passed, %d failed" % (0 if failures else 1, 1 if failures else 0))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
