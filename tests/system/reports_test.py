#!/usr/bin/env python3
"""The bureau's documents from a demo database: the half-year summary (with the placement run published in the
half) and the quarterly bulletin open in
LibreOffice (converted headless to text) and state the figures; the bulletin's workbook adds up to the
dashboard; the same documents and the hotspots over HTTP, for the roles that may have them."""
import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qfserver  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def soffice_text(path, work):
    """The document as LibreOffice reads it (plain text), or an exception when it cannot."""
    env = dict(os.environ, HOME=work)
    r = subprocess.run(["soffice", "--headless", "--norestore", "--convert-to", "txt:Text", "--outdir", work, path],
                       capture_output=True, text=True, timeout=180, env=env)
    out = os.path.join(work, os.path.splitext(os.path.basename(path))[0] + ".txt")
    if r.returncode != 0 or not os.path.exists(out):
        raise RuntimeError("LibreOffice could not open %s: %s %s" % (path, r.stdout, r.stderr))
    return open(out, encoding="utf-8", errors="replace").read()


def sheets(data):
    z = zipfile.ZipFile(io.BytesIO(data))
    names = re.findall(r'<sheet name="([^"]+)"', z.read("xl/workbook.xml").decode())
    return names, z


def named_units(snapshot_json):
    """The units a bulletin names, recomputed from its snapshot: two or more items, a finding or a red card."""
    snap = json.loads(snapshot_json)
    return sum(1 for u in snap.get("units", [])
               if u.get("received", 0) >= 2 or u.get("findings", 0) > 0 or u.get("red_cards", 0) > 0)


def check_sections(db, texts, halves, check):
    """Each seed section's paragraph in the generated summary, its figures recomputed from the records by SQL."""
    spec = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "summary_sections.json"),
                          encoding="utf-8"))
    dialect = "postgresql" if db.startswith("postgresql://") else "sqlite"
    for s in spec["sections"]:
        half = halves["now"] if s["half"] == "now" else s["half"]
        text = texts[half]
        m = re.search(s["pattern"], text)
        if not m:
            check(False, "section %s (%s): no paragraph matches %s" % (s["section"], s["seed"][:30], s["pattern"]))
            continue
        bounds = halves["bounds"][half]
        for k, q in enumerate(s["sql"]):
            python = None
            if isinstance(q, dict):
                python = q.get("python")
                q = q.get("sql") or q[dialect]
            rows = qfserver.query(db, q.format(**{"from": bounds[0], "to": bounds[1]}))
            want = rows[0][0] if rows and rows[0] else None
            if python == "named_units":
                want = str(sum(named_units(r[0]) for r in rows))
            check(m.group(k + 1) == want, "section %s (%s): figure %d is %s in the document, %s in the records"
                  % (s["section"], s["seed"][:30], k + 1, m.group(k + 1), want))


def check_form(docx_path, work, check):
    """The summary as LibreOffice lays it out on a Debian machine with the stand-in fonts (data/fonts): rendered to
    PDF, the title larger than the body, first-level headings in the Hei face (黑体), second-level in the Kai face
    (楷体), the body in the Song/Ming face standing in for 仿宋, page numbers "— N —"; and every section filled."""
    conf = os.path.join(work, "fonts.conf")
    with open(conf, "w") as f:
        f.write('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                '<include>/etc/fonts/fonts.conf</include><include>%s</include></fontconfig>'
                % os.path.join(ROOT, "data", "fonts", "qingfeng-fonts.conf"))
    env = dict(os.environ, HOME=work, FONTCONFIG_FILE=conf)
    r = subprocess.run(["soffice", "--headless", "--norestore", "--convert-to", "pdf", "--outdir", work, docx_path],
                       capture_output=True, text=True, timeout=180, env=env)
    pdf = os.path.join(work, os.path.splitext(os.path.basename(docx_path))[0] + ".pdf")
    if r.returncode != 0 or not os.path.exists(pdf):
        check(False, "LibreOffice renders the summary to PDF: %s %s" % (r.stdout, r.stderr))
        return
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", pdf], capture_output=True, text=True).stdout
    fonts = {m.group(1): (int(m.group(2)), m.group(3))
             for m in re.finditer(r'<fontspec id="(\d+)" size="(\d+)" family="([^"]+)"', xml)}
    lines = [(m.group(2), fonts.get(m.group(1), (0, ""))) for m in re.finditer(r'<text [^>]*font="(\d+)"[^>]*>(.*?)</text>', xml)]

    def face(prefix):
        return [f for t, f in lines if re.sub(r"<[^>]+>", "", t).startswith(prefix)]
    body = face("今年以来")
    check(body and "UMing" in body[0][1], "the body is set in the stand-in for 仿宋_GB2312: %r" % body)
    for h in ["一、", "二、", "三、", "四、", "五、"]:
        got = face(h)
        check(got and "MicroHei" in got[0][1], "heading %s is set in the stand-in for 黑体: %r" % (h, got))
    got = face("附表")
    check(got and "UKai" in got[0][1], "the second-level heading is set in the stand-in for 楷体: %r" % got)
    title = face("市教育局")  # the title's first run (its figures are set in the Latin face)
    check(title and body and title[0][0] > body[0][0] and "UMing" in title[0][1],
          "the title is larger than the body, in the stand-in for 小标宋: %r %r" % (title, body))
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True).stdout
    numbers = re.findall(r"^(\s*)— (\d+) —\s*$", text, re.M)
    check([n for _, n in numbers[:2]] == ["1", "2"] and len(numbers[0][0]) > len(numbers[1][0]),
          "pages are numbered — 1 —, — 2 — … at the outer edge (right, then left): %r" % numbers[:2])
    # Every section has a paragraph before the next heading.
    paras = qfserver.read_docx(open(docx_path, "rb").read())["docx"]["paragraphs"]
    heads = [i for i, p in enumerate(paras) if re.match(r"^[一二三四五]、", p)]
    for k, i in enumerate(heads):
        nxt = heads[k + 1] if k + 1 < len(heads) else len(paras)
        check(nxt - i > 1, "section %s has at least one paragraph" % paras[i])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/qingfeng")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="qf-reports-")
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)

    def qf(*a):
        return subprocess.run([args.bin, "--data", os.path.join(ROOT, "data")] + list(a), capture_output=True, text=True)

    try:
        db = qfserver.build_demo(args.bin, work)
        summary = os.path.join(work, "summary.docx")
        r = qf("report", "summary", "--db", db, "--half", "2026H1", "--out", summary)
        check(r.returncode == 0, "report summary: " + r.stderr)
        text = soffice_text(summary, work)
        for phrase in ["上半年共受理“政民直通车”投诉举报239件", "市长热线转办件9件", "来信来电咨询投诉300件",
                       "“规范办学行为信息平台”投诉件5件", "省治理教育乱收费通报转办件2件", "重要舆情舆论3件",
                       "逐一督办、核查、答复", "一、明确目标任务", "五、注重制度执行", "审计账本检查点",
                       "从6个方面明确20项主要任务", "到期的20个任务节点按时完成16个，逾期完成2个，2个逾期未完成",
                       "签订《党风廉政建设责任书》630份，已签订565份", "开展廉政谈话18人次，其中任前谈话12人次", "名党员干部参加廉政知识测试"]:
            check(phrase in text, "the summary says %s" % phrase)
        # The migrant children's placement the demo published today is in the summary of this half.
        import datetime
        today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8)))
        half = "%dH%d" % (today.year, 1 if today.month <= 6 else 2)
        now_summary = os.path.join(work, "summary-now.docx")
        r = qf("report", "summary", "--db", db, "--half", half, "--out", now_summary)
        ntext = soffice_text(now_summary, work).replace("\n", "")
        check(r.returncode == 0 and "100所随迁子女定点学校（城区83所、县17所）" in ntext
              and "共审核通过进城务工人员随迁子女43002名，安排入学43002名，全部安排" in ntext,
              "the summary of %s reports the placement from its record" % half)
        check("随迁子女" not in text, "a half without a published run says nothing of it")
        # The year-end evaluation fixed in November and its accountability decision are in the second half's summary.
        h2 = os.path.join(work, "summary-2026H2.docx")
        r = qf("report", "summary", "--db", db, "--half", "2026H2", "--out", h2)
        h2text = "".join(qfserver.read_docx(open(h2, "rb").read())["docx"]["paragraphs"]) if r.returncode == 0 else ""
        check("开展党风廉政建设责任制考核，对16个单位按考核表逐项评分" in h2text and "1名责任人予以通报批评" in h2text,
              "the 2026H2 summary reports the evaluation and the decision from their records")
        check("责任制考核" not in text, "the first half's summary says nothing of an evaluation it did not hold")
        # The autumn's admission checks and the livelihood projects' November board, from their records.
        check("所学校报送2026年招生名册" in h2text and "普通高中招收借读生1个" in h2text
              and "1个问题线索移交纪委监察室办理" in h2text and "2个经学校更正名册后消除" in h2text,
              "the 2026H2 summary reports the admission checks and what their findings became")
        check("对4项教育民生工程实行按月调度" in h2text and "肥西县教育体育局的中小学校舍改造进度滞后" in h2text,
              "the 2026H2 summary names the livelihood project behind 序时进度")
        check("招生名册" not in text and "截至6月末序时进度为49.6%" in text,
              "the first half's summary has the projects' June board and nothing of the autumn's rosters")
        check_form(summary, work, check)
        # Every mapped section of the seed, figure by figure against the records.
        def utc_bounds(h):
            y, first = int(h[:4]), h[5] == "1"
            start = datetime.date(y, 1 if first else 7, 1) - datetime.timedelta(days=1)
            end = datetime.date(y, 6, 30) if first else datetime.date(y, 12, 31)
            return (start.isoformat() + "T16:00:00", end.isoformat() + "T16:00:00")
        flat = lambda t: t.replace("\n", "")  # noqa: E731
        check_sections(db, {"2026H1": flat(text), half: ntext, "2026H2": flat(h2text)},
                       {"now": half, "bounds": {h: utc_bounds(h) for h in {"2026H1", "2026H2", half}}}, check)
        bulletin = os.path.join(work, "bulletin.docx")
        r = qf("report", "bulletin", "--db", db, "--quarter", "2026Q1", "--out", bulletin)
        check(r.returncode == 0, "report bulletin: " + r.stderr)
        btext = soffice_text(bulletin, work)
        check("第一季度" in btext and "二、各县（区）情况" in btext and "三、问题较多的单位" in btext, "the bulletin's sections")
        # The demo's first quarter was approved and published: the documents are that snapshot, fingerprint and all.
        xlsx = os.path.join(work, "bulletin.xlsx")
        check(qf("report", "bulletin", "--db", db, "--quarter", "2026Q1", "--out", xlsx).returncode == 0, "bulletin xlsx")
        names, z = sheets(open(xlsx, "rb").read())
        check(names == ["按县区", "按单位", "说明"], "bulletin sheets: %r" % names)
        rows = re.findall(r"<row [^>]*>(.*?)</row>", z.read("xl/worksheets/sheet1.xml").decode())[1:]
        received = [int(float(re.findall(r"<v>([\d.]+)</v>", r)[1])) for r in rows]
        check(sum(received[:-1]) == received[-1], "the districts add up to the total row (%r)" % received)
        bad = qf("report", "bulletin", "--db", db, "--quarter", "2026Q5", "--out", xlsx)
        check(bad.returncode != 0 and "季度" in bad.stderr, "a bad quarter is refused: " + bad.stderr)

        server = qfserver.Server(args.bin, db).start()
        sup = qfserver.Client(server.port)
        sup.login("supervisor")
        status, _, resp = sup.request("GET", "/api/v1/reports/summary?half=2026H1")
        check(status == 200 and "wordprocessingml" in (resp.getheader("Content-Type") or ""), "summary over HTTP (%d)" % status)
        check("filename*=UTF-8''" in (resp.getheader("Content-Disposition") or ""), "a Chinese file name")
        status, prob, _ = sup.request("GET", "/api/v1/reports/bulletin?quarter=2026Q9")
        check(status == 400 and prob["errors"][0]["field"] == "quarter", "a bad quarter names its field")
        status, prob, _ = sup.request("GET", "/api/v1/reports/bulletin?quarter=2026Q1&format=pdf")
        check(status == 400 and prob["errors"][0]["field"] == "format", "an unknown format names its field")
        # The same numbers as the bulletin the portal serves: its snapshot's total and its fingerprint.
        status, pub, _ = sup.request("GET", "/api/v1/public/bulletins")
        q1 = [b for b in pub["items"] if b["quarter"] == "2026Q1"]
        check(status == 200 and len(q1) == 1, "the first quarter's bulletin is published")
        status, served, _ = sup.request("GET", "/api/v1/public/bulletins/%d" % q1[0]["id"])
        check(received[-1] == served["snapshot"]["totals"]["received"], "the document's total is the published snapshot's (%d, %r)"
              % (received[-1], served["snapshot"]["totals"]["received"]))
        check(served["hash"] in btext.replace("\n", ""), "the document carries the approved fingerprint")
        status, hs, _ = sup.request("GET", "/api/v1/hotspots?from=2026-01-01&to=2026-06-30")
        check(status == 200 and all("explanation" in h and "泊松检验" in h["explanation"] for h in hs["schools"]),
              "hotspots explain each flag")
        # The livelihood projects' monthly notice: the districts ranked and the one behind named, for any staff role.
        hy = qfserver.Client(server.port)
        hy.login("handler_yh")
        status, raw, resp = hy.request("GET", "/api/v1/projects/bulletin?year=2026&month=11")
        ptext = "".join(raw["docx"]["paragraphs"]) if status == 200 else ""
        check("2026年11月教育民生工程进展情况的通报" in ptext and "序时进度为91.5%" in ptext
              and "肥西县教育体育局的中小学校舍改造（落后序时进度" in ptext and "审计账本检查点" in ptext,
              "the projects' notice ranks the districts and names the one behind (%d)" % status)
        status, prob, _ = hy.request("GET", "/api/v1/projects/bulletin?year=2026&month=13")
        check(status == 400 and prob["errors"][0]["field"] == "month", "a bad month names its field")
        clerk = qfserver.Client(server.port)
        clerk.login("clerk")
        status, prob, _ = clerk.request("GET", "/api/v1/reports/summary?half=2026H1")
        check(status == 403, "a clerk may not make the summary (%d)" % status)
        server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAIL", f)
    print("reports: %d failed" % len(failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
