#!/usr/bin/env python3
"""trickle_client.py - a slowloris TLS client for attack tests: connects from SOURCE to
127.0.0.1:PORT and sends a real TLS ClientHello one byte every INTERVAL seconds, never
finishing it. Prints "connected", then "trickling" after the third byte, and at the end
"closed after S s" (the server closed or reset the connection) or "held S s" (still open
after MAX seconds). Loopback only; every wait is bounded by MAX.

usage: trickle_client.py PORT SOURCE INTERVAL MAX
"""
import select
import socket
import ssl
import sys
import time


def client_hello():
    """The first flight of a real TLS client (OpenSSL through Python's ssl module)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def main():
    port, source, interval, limit = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    hello = client_hello()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((source, 0))
    sock.settimeout(limit)
    sock.connect(("127.0.0.1", port))
    start = time.monotonic()
    print("connected", flush=True)
    sent = 0
    while time.monotonic() - start < limit and sent < len(hello):
        try:
            sock.send(hello[sent:sent + 1])
        except OSError:
            break
        sent += 1
        if sent == 3:
            print("trickling", flush=True)
        # Wait INTERVAL for the next byte, watching for the server's close.
        ready, _, _ = select.select([sock], [], [], max(0.0, min(interval, limit - (time.monotonic() - start))))
        if ready:
            try:
                if sock.recv(4096) == b"":
                    break
            except OSError:
                break
    else:
        print("held %.1f s" % (time.monotonic() - start), flush=True)
        return
    print("closed after %.1f s" % (time.monotonic() - start), flush=True)


if __name__ == "__main__":
    main()
