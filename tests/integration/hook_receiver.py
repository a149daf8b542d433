#!/usr/bin/env python3
"""hook_receiver.py - a local HTTP receiver for the gateway's webhook in tests: appends the
body of every POST as one line to OUT and answers 204. Loopback only.
usage: hook_receiver.py PORT OUT"""
import http.server
import sys


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (the handler's name is http.server's)
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(min(n, 65536))
        with open(sys.argv[2], "ab") as f:
            f.write(body.replace(b"\n", b" ") + b"\n")
        self.send_response(204)
        self.end_headers()

    def log_message(self, fmt, *args):
        sys.stdout.write("hook: " + (fmt % args) + "\n")
        sys.stdout.flush()


http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Hook).serve_forever()
