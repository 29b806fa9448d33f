#!/usr/bin/env python3
"""A webhook subscriber for tests/nodes/webhooks.sh: an HTTP server on a
free loopback port that records every POST it is sent, one JSON line per
POST in LOG: {"path", "id", "type", "signed" (the X-Onset-Signature
verifies with SECRET), "answered" (the status it answered), "event"}.

What it answers depends on the path:
  /ok        200
  /slow      200 after 0.3 s (deliveries are under way when a node dies)
  /flaky     500 to the first 5 POSTs, then 200
  /fail      500 with a short body
  /redirect  302 to http://127.0.0.1:9/elsewhere
  /huge      500 with a 4 MiB body (the node reads only the start)
  /hang      answers after 5 s (beyond the node's --webhook-timeout)

Usage: webhook_subscriber.py SECRET LOG PORT_FILE [CERT KEY]
(with CERT and KEY, PEM files: HTTPS)
"""
import hashlib
import hmac
import json
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET, LOG, PORT_FILE = sys.argv[1].encode(), sys.argv[2], sys.argv[3]
lock = threading.Lock()
flaky_refusals = [5]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def decide(self):
        path = self.path
        if path == "/slow":
            time.sleep(0.3)
            return 200, b"ok", ()
        if path == "/flaky":
            with lock:
                if flaky_refusals[0] > 0:
                    flaky_refusals[0] -= 1
                    return 500, b"not yet", ()
            return 200, b"ok", ()
        if path == "/fail":
            return 500, b"subscriber down", ()
        if path == "/redirect":
            return 302, b"", (("Location", "http://127.0.0.1:9/elsewhere"),)
        if path == "/hang":
            time.sleep(5)
            return 200, b"too late", ()
        if path == "/huge":
            return 500, b"x" * (4 << 20), ()
        return 200, b"ok", ()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
        signed = hmac.compare_digest(
            expected, self.headers.get("X-Onset-Signature", ""))
        status, answer, headers = self.decide()
        try:
            event = json.loads(body)
        except ValueError:
            event = None
        line = {"path": self.path,
                "id": self.headers.get("X-Onset-Event-Id"),
                "type": self.headers.get("X-Onset-Event-Type"),
                "signed": signed, "answered": status, "event": event}
        with lock, open(LOG, "a") as out:
            out.write(json.dumps(line) + "\n")
        try:
            self.answer(status, answer, headers)
        except (BrokenPipeError, ConnectionResetError):
            pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
if len(sys.argv) > 5:
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(sys.argv[4], sys.argv[5])
    server.socket = tls.wrap_socket(server.socket, server_side=True)
with open(PORT_FILE + ".tmp", "w") as out:
    out.write(str(server.server_address[1]))
os.rename(PORT_FILE + ".tmp", PORT_FILE)
server.serve_forever()
