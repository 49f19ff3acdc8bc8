#!/usr/bin/env python3
"""A platform's year of work orders through `qingfeng import`: time and peak memory by rows.

Writes a 12345 export as such platforms write it (a title row, the platform's own headers, text dates, a note line
under the table) at each size, as CSV (UTF-8 and GBK) and, with --xlsx, as XLSX (shared strings, as Excel writes); imports each into a new SQLite
database that holds the units, with the command line as an operator runs it; reports wall time and the process's
peak resident memory (wait4). The smallest size is the baseline in the same run: memory that stays flat while the
rows grow tenfold is what "bounded by a constant" means here.

    python3 bench/import/run.py --bin build/qingfeng --sizes 10000,100000 [--xlsx]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

UNITS = ("code,name,kind,parent_code,district,stage,ownership\n"
         "JYJ,市教育局,bureau,,,,\nYHJ,瑶海区教体局,district_bureau,JYJ,瑶海区,,\n"
         + "".join("YH%03d,瑶海区第%d中学,school,YHJ,瑶海区,初中,public\n" % (i, i) for i in range(1, 21)))
HEADER = ["工单编号", "派单时间", "诉求类别", "诉求标题", "诉求内容", "涉及单位", "来电人", "联系电话"]
CATEGORIES = ["教育收费", "违规补课", "师德师风", "违法违纪"]


def rows(n):
    for i in range(n):
        day = 1 + i % 28
        when = "2026/11/%d %d:%02d" % (day, 8 + i % 10, i % 60) if i % 2 else "2026年11月%d日" % day
        yield ["12345-2026-%07d" % i, when, CATEGORIES[i % 4], "反映学校收取资料费（第%d件）" % i,
               "来电人反映瑶海区第%d中学要求学生每人交资料费%d元，未开具收据，请核查。" % (1 + i % 20, 100 + i % 300),
               "瑶海区第%d中学" % (1 + i % 20), "王女士", "1390000%04d" % (i % 10000)]


def write_csv(path, n, encoding):
    with open(path, "w", encoding=encoding, newline="") as f:
        f.write("2026年11月 12345 热线工单导出,,,,,,,\n")
        f.write(",".join(HEADER) + "\n")
        for r in rows(n):
            f.write(",".join(r) + "\n")
        f.write("备注：本表由12345平台导出，仅供内部使用\n")


def write_xlsx(path, n):
    """As Excel writes a sheet: every text in the shared-strings table, cells by index (no library needed)."""
    from xml.sax.saxutils import escape
    strings, index = [], {}

    def ref(text):
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return index[text]

    def col(c):
        return chr(ord("A") + c)

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                   '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                   '<sheet name="工单" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                   '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                   '</Relationships>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            table = [["2026年11月 12345 热线工单导出"], HEADER] + list(rows(n))
            for r, cells in enumerate(table, 1):
                xml = "".join('<c r="%s%d" t="s"><v>%d</v></c>' % (col(c), r, ref(v)) for c, v in enumerate(cells))
                f.write(('<row r="%d">%s</row>' % (r, xml)).encode())
            f.write(b"</sheetData></worksheet>")
        z.writestr("xl/sharedStrings.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'count="%d" uniqueCount="%d">%s</sst>' % (len(strings), len(strings),
                                                             "".join("<si><t>%s</t></si>" % escape(t) for t in strings)))


def run(cmd):
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = b"", b""
    _, status, usage = os.wait4(p.pid, 0)
    out, err = p.stdout.read(), p.stderr.read()
    p.returncode = os.waitstatus_to_exitcode(status)
    return time.monotonic() - start, usage.ru_maxrss / 1024, p.returncode, out.decode(), err.decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "qingfeng"))
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--xlsx", action="store_true")
    ap.add_argument("--work", default=None)
    ap.add_argument("--write", help=argparse.SUPPRESS)
    ap.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--encoding", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.write:
        if args.write.endswith(".xlsx"):
            write_xlsx(args.write, args.rows)
        else:
            write_csv(args.write, args.rows, args.encoding)
        return
    work = args.work or tempfile.mkdtemp(prefix="qf-import-bench-")
    os.makedirs(work, exist_ok=True)
    formats = [("csv", "utf-8"), ("csv", "gb18030")] + ([("xlsx", None)] if args.xlsx else [])
    print("| file | rows | size | wall | peak RSS | imported |")
    print("|---|---|---|---|---|---|")
    try:
        units = os.path.join(work, "units.csv")
        with open(units, "w", encoding="utf-8") as f:
            f.write(UNITS)
        for fmt, enc in formats:
            for n in [int(s) for s in args.sizes.split(",")]:
                path = os.path.join(work, "orders-%d.%s" % (n, fmt))
                # Written by a child process: a forked child's peak RSS starts at its parent's, so the parent stays small.
                subprocess.run([sys.executable, os.path.abspath(__file__), "--write", path, "--rows", str(n),
                                "--encoding", enc or ""], check=True)
                db = os.path.join(work, "bench-%s-%s-%d.db" % (fmt, enc, n))
                for suffix in ("", "-wal", "-shm", ".ledger.key", ".vault.key"):
                    if os.path.exists(db + suffix):
                        os.remove(db + suffix)
                base = [args.bin, "--data", os.path.join(ROOT, "data"), "import", "--db", db]
                _, _, rc, out, err = run(base + ["--units", units])
                if rc != 0:
                    sys.exit("units: " + out + err)
                wall, rss, rc, out, err = run(base + ["--cases", path, "--channel", "mayor_hotline",
                                                      "--backdate-reason", "平台年度工单补录"])
                imported = next((l.split("导入 ")[1] for l in out.splitlines() if "：导入 " in l), "-")
                if rc != 0:
                    print("failed:", out[-2000:], err[-2000:], file=sys.stderr)
                print("| %s %s | %d | %.1f MB | %.1f s | %.0f MB | %s |" % (
                    fmt.upper(), enc or "", n, os.path.getsize(path) / 1e6, wall, rss, imported))
                sys.stdout.flush()
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
