#!/usr/bin/env python3
"""tcp_relay.py - a TCP relay between a bridge and the broker it dials, whose link a test
can cut on purpose (loopback only). usage: tcp_relay.py LISTEN_PORT TARGET_PORT
Signals choose the mode, each logged on stdout:
  SIGHUP  forward (the default): bytes flow both ways, new connections are relayed
  SIGUSR1 black-hole: nothing moves any more in either direction and new connections are
          accepted but never relayed; the sockets stay open (no FIN, no RST), as when a
          router on the way drops everything
  SIGUSR2 reset: every relayed connection is closed with a TCP RST, and new ones too
SIGTERM ends it."""
import select
import selectors
import signal
import socket
import struct
import sys

mode = "forward"
want = None


def on_signal(signum, _frame):
    global want
    want = {signal.SIGHUP: "forward", signal.SIGUSR1: "blackhole",
            signal.SIGUSR2: "reset"}[signum]


def rst_close(s):
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    s.close()


def main():
    global mode, want
    listen_port, target_port = int(sys.argv[1]), int(sys.argv[2])
    for s in (signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(s, on_signal)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", listen_port))
    srv.listen(16)
    sel = selectors.DefaultSelector()
    sel.register(srv, selectors.EVENT_READ)
    peer = {}      # socket -> the socket its bytes go to
    stalled = []   # accepted while black-holed
    print(f"relay 127.0.0.1:{listen_port} -> 127.0.0.1:{target_port}", flush=True)

    def drop(s):
        for x in (s, peer.get(s)):
            if x is not None and x in peer:
                sel.unregister(x)
                del peer[x]
                x.close()

    while True:
        if want is not None:
            mode, want = want, None
            print(f"mode {mode}", flush=True)
            if mode == "reset":
                for s in list(peer):
                    sel.unregister(s)
                    rst_close(s)
                peer.clear()
                for s in stalled:
                    rst_close(s)
                stalled.clear()
            elif mode == "forward":
                for s in stalled:
                    s.close()  # never relayed: the bridge dials again
                stalled.clear()
        if mode == "blackhole":  # only new connections are looked at (and stalled)
            ready = [srv] if select.select([srv], [], [], 0.1)[0] else []
        else:
            ready = [key.fileobj for key, _ in sel.select(timeout=0.1)]
        for s in ready:
            if s is srv:
                c, _ = srv.accept()
                if mode == "reset":
                    rst_close(c)
                elif mode == "blackhole":
                    stalled.append(c)
                else:
                    up = socket.create_connection(("127.0.0.1", target_port), timeout=5)
                    peer[c], peer[up] = up, c
                    sel.register(c, selectors.EVENT_READ)
                    sel.register(up, selectors.EVENT_READ)
                continue
            if s not in peer:
                continue
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if not data:
                drop(s)
                continue
            try:
                peer[s].sendall(data)
            except OSError:
                drop(s)


if __name__ == "__main__":
    main()
