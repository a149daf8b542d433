#!/usr/bin/env python3
"""hold_connections.py - opens idle TCP connections (no TLS, no byte sent) to a server and
holds them: the pre-authentication descriptor exhaustion attack. Loopback only.

usage: hold_connections.py PORT SECONDS SOURCE:COUNT [SOURCE:COUNT ...]
  Each SOURCE (a 127.x.y.z address) opens COUNT connections to 127.0.0.1:PORT. Prints
  "opened N" once every connect has finished (N = connects the kernel completed, whether or
  not the server accepted or kept them), then holds them SECONDS and exits.
"""
import selectors
import socket
import sys
import time

MAX_TOTAL = 2000  # a bound on what one run may open


def main():
    port, hold = int(sys.argv[1]), float(sys.argv[2])
    plan = [(a.split(':')[0], int(a.split(':')[1])) for a in sys.argv[3:]]
    if sum(n for _, n in plan) > MAX_TOTAL or not all(s.startswith('127.') for s, _ in plan):
        sys.exit('hold_connections.py: at most %d connections, from 127.x sources' % MAX_TOTAL)
    sel = selectors.DefaultSelector()
    socks = []
    for source, count in plan:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.bind((source, 0))
            s.connect_ex(('127.0.0.1', port))
            sel.register(s, selectors.EVENT_WRITE)
            socks.append(s)
    opened, pending, deadline = 0, len(socks), time.monotonic() + 10
    while pending and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            sel.unregister(key.fileobj)
            pending -= 1
            if key.fileobj.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                opened += 1
    print('opened %d' % opened, flush=True)
    time.sleep(hold)
    for s in socks:
        s.close()


if __name__ == '__main__':
    main()
