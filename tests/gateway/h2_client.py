#!/usr/bin/env python3
"""h2_client.py - HTTP/2 phone for the gateway's h2 tests (python3-h2 on one TLS connection,
so a test controls exactly which requests share a connection and in which order).

usage: h2_client.py PORT CA CERT KEY SCENARIO [ARGS...]
Scenarios (each on ONE HTTP/2 connection; prints what it checked; exit 1 with a one-line
"h2_client: ..." on the first surprise):
  parallel PIN FAST SLOW   POST /action for door FAST and for door SLOW (never acks) on two
                           streams at once, then GET / while SLOW waits: FAST and GET are
                           answered before SLOW's 504 not-confirmed; the connection lives.
  early                    early answers (foreign Origin, a too-large form) whose body is
                           still being sent: 403 / 400 on that stream, the body drained, and
                           sibling streams and later ones on the connection still answered.
  huge                     a POST announcing a 1 MiB body: 400, then the connection is closed.
  limits                   the server's SETTINGS (16 streams, 4 KiB header list, no push,
                           RFC 8441 on); a request whose headers the gateway keeps exceed
                           4 KiB: the connection is closed (as on HTTP/1.1).
  reset PIN SLOW           POST for SLOW, then RST_STREAM from the client while it waits:
                           the next stream on the connection is answered.
  abandon PIN SLOW         POST for SLOW, then the whole connection is closed while it waits.
  wait PIN SLOW SECONDS    POST for SLOW and nothing else on the connection: 504 within
                           SECONDS (longer than the gateway's 30 s idle timeout).
  ws-checks                websockets over HTTP/2 (RFC 8441) that must be refused: foreign
                           Origin, no subprotocol, another path; then one that opens (door
                           list received); the connection serves GET / all along.
  revoke                   GET / (200) and a websocket over HTTP/2 (RFC 8441 extended
                           CONNECT, subprotocol latchkey.v1, door list received: printed as
                           "ok websocket ..."); then waits up to 20 s for the caller to
                           revoke the certificate: the websocket must be closed with 1008,
                           the next GET on the connection must be 403 data-result="revoked",
                           and the server must close the connection."""
import re
import socket
import ssl
import struct
import sys
import time
import urllib.parse

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.errors

TIMEOUT = 15.0


def fail(msg):
    print("h2_client: %s" % msg, flush=True)
    sys.exit(1)


def say(msg):
    print(msg, flush=True)


class Conn:
    """One TLS + HTTP/2 connection; per stream: status, headers, body, ended, reset."""

    def __init__(self, port, ca, cert, key):
        ctx = ssl.create_default_context(cafile=ca)
        ctx.load_cert_chain(cert, key)
        ctx.set_alpn_protocols(["h2"])
        raw = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.sock = ctx.wrap_socket(raw, server_hostname="localhost")
        if self.sock.selected_alpn_protocol() != "h2":
            fail("ALPN chose %r, not h2" % self.sock.selected_alpn_protocol())
        self.authority = "localhost:%d" % port
        self.origin = "https://" + self.authority
        self.h2 = h2.connection.H2Connection(
            config=h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.h2.initiate_connection()
        self.streams = {}
        self.closed = False     # GOAWAY received or the socket closed
        self.settings = False   # the server's SETTINGS seen
        self.flush()
        self.wait(lambda: self.settings, "the server's SETTINGS")

    def flush(self):
        data = self.h2.data_to_send()
        if data and not self.closed:
            try:
                self.sock.sendall(data)
            except OSError:
                self.closed = True

    def pump(self, timeout):
        """Reads what arrives within timeout (at most one read) and handles its events."""
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return
        except (OSError, ssl.SSLError):
            data = b""
        if not data:
            self.closed = True
            return
        try:
            events = self.h2.receive_data(data)
        except h2.exceptions.ProtocolError as e:
            fail("HTTP/2 protocol error from the server: %s" % e)
        for ev in events:
            self.handle(ev)
        self.flush()

    def handle(self, ev):
        st = self.streams.get(getattr(ev, "stream_id", None))
        if isinstance(ev, h2.events.RemoteSettingsChanged):
            self.settings = True
        elif isinstance(ev, h2.events.ResponseReceived):
            st["headers"] = dict(ev.headers)
            st["status"] = int(st["headers"][":status"])
        elif isinstance(ev, h2.events.DataReceived):
            st["body"] += ev.data
            self.h2.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
        elif isinstance(ev, h2.events.StreamEnded):
            st["ended"] = True
        elif isinstance(ev, h2.events.StreamReset):
            st["reset"] = True
        elif isinstance(ev, h2.events.ConnectionTerminated):
            self.closed = True

    def wait(self, cond, what, timeout=TIMEOUT):
        end = time.monotonic() + timeout
        while not cond():
            left = end - time.monotonic()
            if left <= 0:
                fail("timed out waiting for %s" % what)
            if self.closed and not cond():
                fail("connection closed while waiting for %s" % what)
            self.pump(min(left, 0.2))

    def idle(self, seconds):
        """Handles whatever arrives for that long."""
        end = time.monotonic() + seconds
        while not self.closed and time.monotonic() < end:
            self.pump(max(0.01, min(0.2, end - time.monotonic())))

    def open(self, method, path, headers=(), end=True, extra_pseudo=()):
        sid = self.h2.get_next_available_stream_id()
        hdrs = [(":method", method), *extra_pseudo, (":scheme", "https"),
                (":authority", self.authority), (":path", path), *headers]
        self.streams[sid] = {"status": None, "headers": {}, "body": b"", "ended": False,
                             "reset": False}
        self.h2.send_headers(sid, hdrs, end_stream=end)
        self.flush()
        return sid

    def send(self, sid, data, end):
        """Sends data on sid once the server's flow-control window allows it."""
        self.wait(lambda: self.h2.local_flow_control_window(sid) >= len(data),
                  "flow-control window on stream %d" % sid)
        self.h2.send_data(sid, data, end_stream=end)
        self.flush()

    def post(self, path, form, origin=None, end=True, length=None):
        body = urllib.parse.urlencode(form).encode()
        hdrs = [("content-type", "application/x-www-form-urlencoded"),
                ("content-length", str(len(body) if length is None else length)),
                ("origin", origin or self.origin)]
        sid = self.open("POST", path, hdrs, end=False)
        self.send(sid, body, end)
        return sid

    def done(self, sid):
        return self.streams[sid]["ended"] or self.streams[sid]["reset"]

    def result(self, sid):
        """'<status> <data-result>' of a finished stream."""
        st = self.streams[sid]
        m = re.search(rb'data-result="([a-z-]*)"', st["body"])
        return "%s %s" % (st["status"], m.group(1).decode() if m else "")

    def get(self, path):
        sid = self.open("GET", path)
        self.wait(lambda: self.done(sid), "GET %s" % path)
        return sid

    def token(self):
        sid = self.get("/")
        m = re.search(rb'name="csrf" value="([^"]+)"', self.streams[sid]["body"])
        if self.streams[sid]["status"] != 200 or not m:
            fail("GET / for the form token: %s" % self.result(sid))
        return m.group(1).decode()

    def close(self):
        self.sock.close()


def expect(actual, want, what):
    if actual != want:
        fail("%s: expected '%s', got '%s'" % (what, want, actual))


def scenario_parallel(c, pin, fast, slow):
    tok = c.token()
    s_slow = c.post("/action", {"csrf": tok, "pin": pin, "door": slow})
    s_fast = c.post("/action", {"csrf": tok, "pin": pin, "door": fast})
    c.wait(lambda: c.done(s_fast), "the answer for %s" % fast)
    expect(c.result(s_fast), "200 opened", "action on %s" % fast)
    if c.done(s_slow):
        fail("%s answered before %s: %s" % (slow, fast, c.result(s_slow)))
    page = c.get("/")
    expect(c.result(page)[:3], "200", "GET / while an action waits")
    if c.done(s_slow):
        fail("%s answered before the GET" % slow)
    say("ok %s opened and GET / answered while %s waits, on one connection" % (fast, slow))
    c.wait(lambda: c.done(s_slow), "the answer for %s" % slow)
    expect(c.result(s_slow), "504 not-confirmed", "action on %s" % slow)
    expect(c.result(c.get("/style.css"))[:3], "200", "GET after both actions")
    say("ok %s not-confirmed on its own stream; the connection still serves" % slow)


def scenario_early(c):
    tok = c.token()
    # Foreign Origin: refused when the headers arrive, while half of the body is still to come.
    body = urllib.parse.urlencode({"csrf": tok, "pin": "000000", "door": "door1"}).encode()
    evil = c.open("POST", "/action", [("content-type", "application/x-www-form-urlencoded"),
                                      ("content-length", str(len(body))),
                                      ("origin", "https://evil.example")], end=False)
    c.send(evil, body[:10], False)
    c.wait(lambda: c.streams[evil]["status"] is not None, "the csrf answer")
    expect(c.streams[evil]["status"], 403, "foreign Origin: status")
    c.send(evil, body[10:], True)  # the rest of its body, after the answer
    sibling = c.get("/")
    expect(c.result(sibling)[:3], "200", "GET / after an early answer on a sibling stream")
    c.wait(lambda: c.done(evil), "the csrf stream to end")
    expect(c.result(evil), "403 csrf", "foreign Origin")
    say("ok foreign Origin: 403 csrf; its late body drained; the sibling stream answered")
    # A form announced larger than 1 KiB: 400 at once, its 2 KiB body drained.
    big = c.open("POST", "/action", [("content-type", "application/x-www-form-urlencoded"),
                                     ("content-length", "2048"), ("origin", c.origin)], end=False)
    c.wait(lambda: c.streams[big]["status"] is not None, "the answer to a too-large form")
    for i in range(2):
        c.send(big, b"x" * 1024, i == 1)
    c.wait(lambda: c.done(big), "the too-large form's stream to end")
    expect(c.result(big), "400 bad-request", "too-large form")
    expect(c.result(c.get("/style.css"))[:3], "200", "GET after the too-large form")
    if c.closed:
        fail("the connection was closed")
    say("ok too-large form: 400 bad-request; the connection still serves")


def scenario_huge(c):
    big = c.open("POST", "/action", [("content-type", "application/x-www-form-urlencoded"),
                                     ("content-length", str(1 << 20)), ("origin", c.origin)],
                 end=False)
    c.wait(lambda: c.done(big), "the answer to a 1 MiB form")
    expect(c.result(big), "400 bad-request", "1 MiB form")
    c.wait(lambda: c.closed, "the server to close the connection", 5)
    say("ok 1 MiB form: 400 bad-request, then the connection closed")


def scenario_limits(c):
    rs = c.h2.remote_settings
    got = (rs.max_concurrent_streams, rs.max_header_list_size, rs.enable_push,
           rs.enable_connect_protocol, rs.max_frame_size)
    expect(got, (16, 4096, 0, 1, 16384), "SETTINGS (streams, header list, push, connect, frame)")
    say("ok SETTINGS: 16 concurrent streams, 4096 header list, no push, RFC 8441, 16384 frames")
    expect(c.result(c.get("/"))[:3], "200", "GET / with ordinary headers")
    c.open("GET", "/", [("referer", "https://" + "a" * 4200)])
    c.wait(lambda: c.closed, "the connection to be closed after 4 KiB of headers", 5)
    say("ok 4 KiB of request headers: the connection is closed")


def post_waiting(c, pin, slow):
    """POST /action for door slow; returns its stream once it waits for the device."""
    sid = c.post("/action", {"csrf": c.token(), "pin": pin, "door": slow})
    c.idle(1.0)  # the PIN is checked, the command published
    if c.done(sid):
        fail("%s answered at once: %s" % (slow, c.result(sid)))
    return sid


def scenario_reset(c, pin, slow):
    sid = post_waiting(c, pin, slow)
    c.h2.reset_stream(sid, h2.errors.ErrorCodes.CANCEL)
    c.flush()
    expect(c.result(c.get("/"))[:3], "200", "GET / after RST_STREAM of a waiting action")
    say("ok RST_STREAM of a waiting action; the connection still serves")


def scenario_abandon(c, pin, slow):
    post_waiting(c, pin, slow)
    c.close()
    say("ok connection closed while its action waits")


def scenario_wait(c, pin, slow, seconds):
    tok = c.token()
    t0 = time.monotonic()
    sid = c.post("/action", {"csrf": tok, "pin": pin, "door": slow})
    c.wait(lambda: c.done(sid), "the answer for %s" % slow, float(seconds))
    expect(c.result(sid), "504 not-confirmed", "action on %s" % slow)
    say("ok %s not-confirmed after %.1f s on a connection idle meanwhile" %
        (slow, time.monotonic() - t0))


def ws_frames(buf):
    """Complete server websocket frames in buf: ([(opcode, payload)], rest)."""
    frames = []
    while len(buf) >= 2:
        op, n, i = buf[0] & 0x0F, buf[1] & 0x7F, 2
        if n == 126:
            if len(buf) < 4:
                break
            n, i = struct.unpack("!H", buf[2:4])[0], 4
        elif n == 127:
            if len(buf) < 10:
                break
            n, i = struct.unpack("!Q", buf[2:10])[0], 10
        if len(buf) < i + n:
            break
        frames.append((op, buf[i:i + n]))
        buf = buf[i + n:]
    return frames, buf


def ws_open(c, path="/ws", origin=None, protocol="latchkey.v1"):
    hdrs = [("sec-websocket-version", "13"), ("origin", origin or c.origin)]
    if protocol:
        hdrs.append(("sec-websocket-protocol", protocol))
    return c.open("CONNECT", path, hdrs, end=False, extra_pseudo=[(":protocol", "websocket")])


def ws_messages(c, sid, msgs):
    """Moves the complete websocket frames received on sid into msgs."""
    frames, c.streams[sid]["body"] = ws_frames(c.streams[sid]["body"])
    msgs.extend(frames)
    return msgs


def scenario_ws_checks(c):
    if not c.h2.remote_settings.enable_connect_protocol:
        fail("the server does not announce SETTINGS_ENABLE_CONNECT_PROTOCOL")
    # Refused: an error status or a reset, or (lws 4.1.6, see ws_status.c) the handshake
    # then at once a close 1008 before any message.
    for what, kw in (("foreign Origin", {"origin": "https://evil.example"}),
                     ("no subprotocol", {"protocol": None}), ("path /nope", {"path": "/nope"})):
        sid, msgs = ws_open(c, **kw), []
        c.wait(lambda: c.done(sid) or (c.streams[sid]["status"] not in (None, 200)) or
               any(op == 8 for op, _ in ws_messages(c, sid, msgs)), "the refusal (%s)" % what)
        if c.streams[sid]["status"] == 200:
            if not msgs or msgs[0][0] != 8 or struct.unpack("!H", msgs[0][1][:2])[0] != 1008:
                fail("websocket over HTTP/2 with %s: %r" % (what, msgs))
            how = "closed with 1008 before any message"
        else:
            how = "reset" if c.streams[sid]["reset"] else "status %s" % c.streams[sid]["status"]
        expect(c.result(c.get("/"))[:3], "200", "GET / after a refused websocket (%s)" % what)
        say("ok websocket over HTTP/2 with %s refused (%s)" % (what, how))
    sid = ws_open(c)
    c.wait(lambda: c.streams[sid]["status"] is not None or c.done(sid), "the websocket answer")
    expect(c.streams[sid]["status"], 200, "extended CONNECT status")
    msgs = []
    c.wait(lambda: any(op == 1 for op, _ in ws_messages(c, sid, msgs)), "the door list")
    if b'"type":"doors"' not in msgs[0][1]:
        fail("first websocket message: %r" % msgs[0][1])
    expect(c.result(c.get("/"))[:3], "200", "GET / beside an open websocket")
    say("ok websocket over HTTP/2 with Origin and latchkey.v1 opened; GET / beside it")


def scenario_revoke(c):
    expect(c.result(c.get("/"))[:3], "200", "GET / before the revocation")
    if not c.h2.remote_settings.enable_connect_protocol:
        fail("the server does not announce SETTINGS_ENABLE_CONNECT_PROTOCOL")
    ws = ws_open(c)
    c.wait(lambda: c.streams[ws]["status"] is not None or c.done(ws), "the websocket answer")
    expect(c.streams[ws]["status"], 200, "extended CONNECT status")
    expect(c.streams[ws]["headers"].get("sec-websocket-protocol"), "latchkey.v1", "subprotocol")
    msgs = []

    def got(kind):
        return any(op == kind for op, _ in ws_messages(c, ws, msgs))

    c.wait(lambda: got(1), "the door list on the websocket")
    if b'"type":"doors"' not in msgs[0][1]:
        fail("first websocket message: %r" % msgs[0][1])
    say("ok websocket over HTTP/2 (extended CONNECT): latchkey.v1, door list received")
    c.wait(lambda: got(8) or c.done(ws), "the websocket to be closed (revocation)", 20)
    close = [p for op, p in msgs if op == 8]
    code = struct.unpack("!H", close[0][:2])[0] if close and len(close[0]) >= 2 else None
    expect(code, 1008, "websocket close code after the revocation")
    say("ok websocket over HTTP/2 closed with 1008 after the CRL changed")
    sid = c.open("GET", "/style.css")
    c.wait(lambda: c.done(sid), "GET after the revocation")
    expect(c.result(sid), "403 revoked", "GET on the same connection after the revocation")
    c.wait(lambda: c.closed, "the server to close the revoked connection", 5)
    say("ok next stream on the same connection: 403 revoked, then the connection closed")


def main():
    if len(sys.argv) < 6:
        fail(__doc__.splitlines()[2])
    port, ca, cert, key, name = sys.argv[1:6]
    args = sys.argv[6:]
    scenarios = {"parallel": (scenario_parallel, 3), "early": (scenario_early, 0),
                 "huge": (scenario_huge, 0), "limits": (scenario_limits, 0), "reset": (scenario_reset, 2),
                 "abandon": (scenario_abandon, 2), "wait": (scenario_wait, 3), "ws-checks": (scenario_ws_checks, 0),
                 "revoke": (scenario_revoke, 0)}
    if name not in scenarios or len(args) != scenarios[name][1]:
        fail("unknown scenario or wrong arguments: %s %s" % (name, args))
    c = Conn(int(port), ca, cert, key)
    scenarios[name][0](c, *args)
    if name != "abandon":
        c.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
