#!/usr/bin/env python3
"""Notifications through real local gateways, on the demo: a mail server (aiosmtpd on loopback, STARTTLS required,
with a certificate made for the test) and a text-message gateway (an HTTP receiver on loopback). Nothing leaves the
machine.

1. A named reporter who agreed to be told gets a text message when the case is accepted: the gateway's JSON names
   their phone and the receipt code, never the complaint's text.
2. The handler who chose e-mail for cases gets one when the case reaches their unit, in their language.
3. The mail server goes down: the next message waits in the outbox (pending, its error kept), is retried with
   back-off and, after its last attempt, is a dead letter staff see; sent again once the server is back, it arrives.
   Nothing is lost, and every send, death and retry is a ledger event.
"""
import argparse
import base64
import email
import email.header
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    from aiosmtpd.controller import Controller
except ImportError:  # a python3 other than Debian's (pyenv): Debian's package (python3-aiosmtpd) is pure Python
    sys.path.append("/usr/lib/python3/dist-packages")
    from aiosmtpd.controller import Controller

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import qfserver  # noqa: E402

COMPLAINT = "班主任要求每位学生购买指定教辅资料，每本68元"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 OK"


class SmsHandler(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        SmsHandler.received.append((self.headers.get("Content-Type"), body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"ok":true}')

    def log_message(self, *args):
        pass


def wait_for(cond, seconds=20):
    end = time.time() + seconds
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.2)
    return False


def header(msg, name):
    return str(email.header.make_header(email.header.decode_header(msg[name])))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/qingfeng")
    args = ap.parse_args()
    check = qfserver.Checks()
    work = tempfile.mkdtemp(prefix="qf-notify-")
    smtp = None
    sms = None
    server = None
    try:
        cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(cert, key)
        mailbox = Mailbox()
        smtp_port = free_port()

        def start_smtp():
            c = Controller(mailbox, hostname="127.0.0.1", port=smtp_port, tls_context=tls, require_starttls=True)
            c.start()
            return c

        smtp = start_smtp()
        sms = ThreadingHTTPServer(("127.0.0.1", 0), SmsHandler)
        threading.Thread(target=sms.serve_forever, daemon=True).start()
        config = os.path.join(work, "qingfeng.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write('[notify]\nsmtp_url = "smtp://127.0.0.1:%d"\nstarttls = true\nca_file = "%s"\nfrom = "qingfeng@jyj.example"\n'
                    'sms_url = "http://127.0.0.1:%d/sms"\nevery_seconds = 1\nmax_attempts = 3\nretry_base_seconds = 1\n'
                    % (smtp_port, cert, sms.server_address[1]))

        db = qfserver.build_demo(args.bin, work)
        server = qfserver.Server(args.bin, db, ["--no-rate-limits", "--config", config]).start()
        clerk, handler, sup, public = (qfserver.Client(server.port) for _ in range(4))
        clerk.login("clerk")
        handler.login("handler_fin")
        sup.login("supervisor")

        # The handler chooses e-mail for cases, in English.
        status, bad, _ = handler.request("POST", "/api/v1/me/notify", {"email": "not an address", "groups": ["cases"]})
        check(status == 400 and bad["errors"][0]["field"] == "email", "a malformed address is refused on its field", bad)
        status, _, _ = handler.request("POST", "/api/v1/me/notify", {"email": "fin@jyj.example", "locale": "en", "groups": ["cases"]})
        check(status == 200, "the handler saves their choices", status)
        _, prefs, _ = handler.request("GET", "/api/v1/me/notify")
        check(prefs["email"] == "fin@jyj.example" and prefs["groups"] == ["cases"] and prefs["locale"] == "en", "the choices are kept", prefs)

        _, units, _ = clerk.request("GET", "/api/v1/units?q=%E5%90%88%E8%82%A5%E5%B8%82%E7%AC%AC%E4%B8%80%E4%B8%AD%E5%AD%A6")
        school = units["items"][0]["id"]

        def submit(notify):
            status, body, _ = public.request("POST", "/api/v1/public/cases?ledger_receipt=deferred", {
                "category": "fees", "title": "强制购买教辅", "content": COMPLAINT, "concerned_unit_id": school,
                "anonymous": False, "reporter": {"name": "通知测试", "phone": "13955550000", "notify": notify}})
            check(status == 201, "a named report is taken", body)
            return body["id"], body["receipt"]

        def act(case_id, action):
            status, body, _ = clerk.request("POST", "/api/v1/cases/%d/transitions" % case_id, {"action": action})
            check(status == 200, "%s case %d" % (action, case_id), body)

        # 1. The reporter is told of acceptance by text message.
        case_id, receipt = submit(True)
        act(case_id, "accept")
        check(wait_for(lambda: len(SmsHandler.received) >= 1), "the gateway receives the acceptance")
        if SmsHandler.received:
            ctype, raw = SmsHandler.received[0]
            payload = json.loads(raw)
            check(ctype.startswith("application/json") and payload["mobile"] == "13955550000" and receipt in payload["content"]
                  and payload["reference"] == receipt, "the message names the phone and the receipt code", payload)
            check(COMPLAINT not in raw.decode() and "教辅" not in payload["content"], "and never the complaint's text", payload)

        # 2. The handler is told by e-mail when the case reaches their unit.
        act(case_id, "dispatch")
        check(wait_for(lambda: len(mailbox.messages) >= 1), "the mail server receives the dispatch")
        if mailbox.messages:
            to, msg = mailbox.messages[0]
            body = base64.b64decode(msg.get_payload()).decode()
            check(to == ["fin@jyj.example"] and header(msg, "Subject") == "Case %d has been assigned to your unit" % case_id,
                  "the e-mail goes to the handler, in English", (to, header(msg, "Subject")))
            check(COMPLAINT not in body and "13955550000" not in body, "without the complaint or the reporter", body)
        check(len(SmsHandler.received) == 1, "a dispatch sends the reporter nothing", len(SmsHandler.received))

        # A reporter who did not agree is not told.
        quiet_id, _ = submit(False)
        act(quiet_id, "accept")
        time.sleep(2)
        check(len(SmsHandler.received) == 1, "a reporter who did not agree gets no message", len(SmsHandler.received))

        # 3. The mail server is down: the message waits, is retried, becomes a dead letter; sent again, it arrives.
        smtp.stop()
        smtp = None
        act(quiet_id, "dispatch")

        def outbox(state):
            _, body, _ = sup.request("GET", "/api/v1/notify/outbox?state=" + state)
            return body

        check(wait_for(lambda: outbox("dead")["counts"]["dead"] >= 1, 30), "after its last attempt the message is a dead letter")
        dead = outbox("dead")["items"]
        letter = next((d for d in dead if d.get("case_id") == quiet_id), None)
        check(letter is not None and letter["attempts"] == 3 and letter["last_error"], "staff see it with its attempts and error", dead)
        check(letter is not None and "fin@jyj.example" not in json.dumps(dead), "without the address", dead)
        check(len(mailbox.messages) == 1, "nothing was delivered meanwhile", len(mailbox.messages))
        smtp = start_smtp()
        if letter:
            status, _, _ = sup.request("POST", "/api/v1/notify/outbox/%d/retry" % letter["id"])
            check(status == 200, "the dead letter is sent again", status)
            status, again, _ = sup.request("POST", "/api/v1/notify/outbox/%d/retry" % letter["id"])
            check(status == 409, "a letter no longer dead is not sent again twice", again)
        check(wait_for(lambda: len(mailbox.messages) >= 2), "it arrives once the server is back")
        if len(mailbox.messages) >= 2:
            check(header(mailbox.messages[1][1], "Subject") == "Case %d has been assigned to your unit" % quiet_id,
                  "the message that waited is the one delivered", header(mailbox.messages[1][1], "Subject"))
        # The mail server has the message a moment before the deliverer records it as sent.
        wait_for(lambda: outbox("sent")["counts"]["sent"] == 3, 10)
        counts = outbox("sent")["counts"]
        check(counts == {"pending": 0, "sent": 3, "dead": 0}, "nothing is left behind", counts)
        status, _, _ = clerk.request("GET", "/api/v1/notify/outbox")
        check(status == 403, "the outbox is the administrator's and the discipline office's", status)
        server.stop()
        server = None

        kinds = {}
        for (kind,) in qfserver.query(db, "SELECT kind FROM events WHERE kind LIKE 'notify.%'"):
            kinds[kind] = kinds.get(kind, 0) + 1
        check(kinds == {"notify.prefs_saved": 1, "notify.sent": 3, "notify.dead": 1, "notify.retried": 1},
              "every send, death and retry is in the ledger", kinds)
        stored = b"".join(qfserver.stored_bytes(db).values())
        check(b"13955550000" not in stored, "the reporter's phone is stored nowhere in clear")
    finally:
        if server:
            server.stop()
        if smtp:
            smtp.stop()
        if sms:
            sms.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    print("notify: %d failed" % len(check.failed))
    sys.exit(1 if check.failed else 0)


if __name__ == "__main__":
    main()
