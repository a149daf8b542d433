#!/usr/bin/env python3
"""ws_client.py - test client for the gateway's live-status websocket (python3-websockets).

usage: ws_client.py URL CA CERT KEY [--origin ORIGIN] [--no-subprotocol] [--seconds N]
                    [--connect ADDRESS]
--connect: dial ADDRESS instead of resolving URL's host (still verified as URL's host).
Prints one line per event, flushed: "open <subprotocol>", "msg <json>", "closed <code>",
or "refused <reason>" when the upgrade or the TLS handshake fails. Exits after N seconds
(default 30) or when the server closes."""
import argparse
import asyncio
import ssl
import sys
import urllib.parse

import websockets


def out(line):
    print(line, flush=True)


async def run(a):
    ctx = ssl.create_default_context(cafile=a.ca)
    ctx.load_cert_chain(a.cert, a.key)
    kw = {"ssl": ctx, "open_timeout": 10, "ping_interval": None}
    if not a.no_subprotocol:
        kw["subprotocols"] = ["latchkey.v1"]
    if a.origin:
        kw["origin"] = a.origin
    if a.connect:
        kw["host"] = a.connect
        kw["server_hostname"] = urllib.parse.urlsplit(a.url).hostname
    try:
        ws = await websockets.connect(a.url, **kw)
    except Exception as e:  # refused upgrade, TLS failure, ...
        out("refused %s" % type(e).__name__)
        return
    out("open %s" % ws.subprotocol)
    try:
        while True:
            msg = await asyncio.wait_for(ws.recv(), timeout=a.seconds)
            out("msg %s" % msg)
    except asyncio.TimeoutError:
        out("timeout")
        await ws.close()
    except websockets.ConnectionClosed as e:
        code = e.rcvd.code if e.rcvd is not None else "none"
        out("closed %s" % code)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("ca")
    p.add_argument("cert")
    p.add_argument("key")
    p.add_argument("--origin")
    p.add_argument("--no-subprotocol", action="store_true")
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--connect")
    asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
