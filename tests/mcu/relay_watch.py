#!/usr/bin/env python3
"""relay_watch.py - watches the QEMU device's relay output from the host: polls the
FPGAIO LED register (0x40028000, bit 0 = the relay) through QEMU's HMP monitor socket
with "xp" every few milliseconds, a read of the device model itself, independent of what
the firmware logs. Prints one line per transition: "<ms since start> on|off" (the time
the first read of the new state answered), after a line "last <ms>" (the time the last
read of the old state was sent): the transition happened between the two, so a test can
bound a pulse's true length whatever the host's load does to the sampling.

usage: relay_watch.py MONITOR_SOCKET [--interval-ms N]   (stop it with SIGTERM)
"""
import argparse
import re
import signal
import socket
import sys
import time

LED_REG = 0x40028000
PROMPT = b"(qemu) "
VALUE_RE = re.compile(rb"0*40028000:\s+0x([0-9a-fA-F]+)")


def read_until_prompt(s, buf):
    while PROMPT not in buf:
        chunk = s.recv(4096)
        if not chunk:
            raise EOFError("monitor closed")
        buf += chunk
    head, _, rest = buf.partition(PROMPT)
    return head, rest


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("--interval-ms", type=float, default=5.0)
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda s, f: sys.exit(0))
    deadline = time.monotonic() + 30
    while True:  # QEMU creates the socket at start: bounded wait for it
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(a.socket)
            break
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                sys.exit("relay_watch: no monitor socket after 30 s")
            time.sleep(0.05)
    s.settimeout(10)
    _, buf = read_until_prompt(s, b"")
    t0 = time.monotonic()
    state = None
    last_sent = 0.0  # when the last read of the current state was sent
    print("watching", flush=True)
    try:
        while True:
            sent = time.monotonic()
            s.sendall(b"xp /1wx 0x%x\n" % LED_REG)
            out, buf = read_until_prompt(s, buf)
            m = VALUE_RE.search(out)
            if m is not None:
                on = int(m.group(1), 16) & 1
                if on != state:
                    if state is not None or on:
                        print(f"last {(last_sent - t0) * 1000:.0f}", flush=True)
                        print(f"{(time.monotonic() - t0) * 1000:.0f} {'on' if on else 'off'}", flush=True)
                    state = on
                last_sent = sent
            time.sleep(a.interval_ms / 1000.0)
    except (EOFError, OSError):
        print("monitor gone", flush=True)


if __name__ == "__main__":
    main()
