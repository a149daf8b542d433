#!/usr/bin/env python3
"""at_modem.py - a host-side stand-in for an ESP-AT Wi-Fi module, for the QEMU device
tests: QEMU's link UART connects to it over a loopback socket, and it answers the subset
of Espressif's ESP-AT command set the firmware uses (firmware/port/baremetal/src/
at_modem.c): AT, ATE0/ATE1, AT+CWMODE, AT+CWJAP, AT+CIPMUX, AT+CIPMODE,
AT+CIPSTART="TCP",host,port, AT+CIPSEND (transparent mode, prompt '>'), "+++" between
guard times, AT+CIPCLOSE. It opens TCP connections to 127.0.0.1 only: any other host is
refused with ERROR. When the TCP peer closes, or on SIGUSR1 (a simulated link drop), it
reports "CLOSED" to the firmware and leaves transparent mode.

usage: at_modem.py --port-file FILE   (listens on 127.0.0.1, an ephemeral port written to FILE)
Logs one line per event on stderr.
"""
import argparse
import os
import re
import selectors
import signal
import socket
import sys
import time

GUARD_S = 0.020          # ESP-AT: "+++" needs 20 ms of silence before and after
LOCAL_HOSTS = ("localhost", "127.0.0.1")
CIPSTART_RE = re.compile(r'^AT\+CIPSTART="TCP","((?:[^"\\]|\\.)*)",(\d{1,5})(?:,\d+)?$')


def log(msg):
    print(f"at_modem: {msg}", file=sys.stderr, flush=True)


class Modem:
    def __init__(self, uart):
        self.uart = uart
        self.tcp = None
        self.echo = True
        self.cipmode = 0
        self.passthrough = False
        self.line = b""
        self.plus = b""           # "+" bytes held back: maybe the "+++" escape
        self.plus_at = 0.0
        self.last_rx = time.monotonic()

    def send(self, data):
        self.uart.sendall(data)

    def reply(self, text):
        self.send(text.encode())

    # --- command mode ---
    def command(self, cmd):
        if self.echo:
            self.send(cmd.encode() + b"\r\n")
        if cmd in ("AT", "AT+CWMODE=1", "AT+CIPMUX=0"):
            self.reply("\r\nOK\r\n")
        elif cmd in ("ATE0", "ATE1"):
            self.echo = cmd == "ATE1"
            self.reply("\r\nOK\r\n")
        elif cmd.startswith("AT+CWJAP="):
            self.reply("WIFI CONNECTED\r\nWIFI GOT IP\r\n\r\nOK\r\n")
        elif cmd in ("AT+CIPMODE=0", "AT+CIPMODE=1"):
            self.cipmode = int(cmd[-1])
            self.reply("\r\nOK\r\n")
        elif cmd.startswith("AT+CIPSTART="):
            self.cipstart(cmd)
        elif cmd == "AT+CIPSEND":
            if self.tcp is None or self.cipmode != 1:
                self.reply("\r\nERROR\r\n")
            else:
                self.reply("\r\nOK\r\n\r\n>")
                self.passthrough = True
                log("transparent mode on")
        elif cmd == "AT+CIPCLOSE":
            if self.tcp is None:
                self.reply("\r\nERROR\r\n")
            else:
                self.close_tcp("AT+CIPCLOSE")
                self.reply("CLOSED\r\n\r\nOK\r\n")
        else:
            log(f"unknown command {cmd!r}")
            self.reply("\r\nERROR\r\n")

    def cipstart(self, cmd):
        m = CIPSTART_RE.match(cmd)
        if m is None:
            self.reply("\r\nERROR\r\n")
            return
        host, port = m.group(1), int(m.group(2))
        if self.tcp is not None:
            self.reply("ALREADY CONNECTED\r\n\r\nERROR\r\n")
            return
        if host not in LOCAL_HOSTS or not 0 < port < 65536:
            log(f"refused CIPSTART to {host}:{port} (loopback only)")
            self.reply("\r\nERROR\r\nCLOSED\r\n")
            return
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError as e:
            log(f"CIPSTART {host}:{port} failed: {e}")
            self.reply("\r\nERROR\r\nCLOSED\r\n")
            return
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.setblocking(False)
        self.tcp = s
        SEL.register(s, selectors.EVENT_READ, self.on_tcp)
        log(f"CIPSTART {host}:{port} connected")
        self.reply("CONNECT\r\n\r\nOK\r\n")

    def close_tcp(self, why):
        if self.tcp is None:
            return
        SEL.unregister(self.tcp)
        self.tcp.close()
        self.tcp = None
        self.passthrough = False
        log(f"connection closed ({why})")

    def report_closed(self, why):
        """The TCP link is gone: ESP-AT leaves transparent mode and prints CLOSED."""
        if self.tcp is None:
            return
        self.close_tcp(why)
        self.send(b"\r\nCLOSED\r\n")

    # --- bytes from the firmware ---
    def on_uart_bytes(self, data):
        now = time.monotonic()
        silent = now - self.last_rx >= GUARD_S
        self.last_rx = now
        if self.passthrough:
            self.passthrough_bytes(data, silent, now)
            return
        for b in data:
            if b == 0x0A:
                cmd = self.line.rstrip(b"\r").decode("latin-1")
                self.line = b""
                if cmd:
                    self.command(cmd)
            elif len(self.line) < 512:
                self.line += bytes([b])

    def passthrough_bytes(self, data, silent, now):
        if self.plus or (silent and data[:1] == b"+"):
            cand = self.plus + data
            if b"+++".startswith(cand):
                self.plus, self.plus_at = cand, now
                return
            data, self.plus = cand, b""
        self.tcp.sendall(data)

    def tick(self):
        """Completes a held "+++" once the guard time after it passed in silence."""
        if self.plus == b"+++" and time.monotonic() - self.plus_at >= GUARD_S:
            self.plus = b""
            self.passthrough = False
            log("left transparent mode (+++)")
        elif self.plus and time.monotonic() - self.plus_at >= 1.0:
            self.tcp.sendall(self.plus)  # an incomplete escape was data after all
            self.plus = b""

    def on_tcp(self, sock):
        try:
            data = sock.recv(4096)
        except OSError:
            data = b""
        if not data:
            self.report_closed("peer closed")
            return
        if self.passthrough:
            self.send(data)
        # outside transparent mode, ESP-AT with CIPMODE=1 buffers nothing: dropped.


SEL = selectors.DefaultSelector()
DROP = False


def on_usr1(signum, frame):
    global DROP
    DROP = True


def main():
    global DROP
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    a = ap.parse_args()
    signal.signal(signal.SIGUSR1, on_usr1)
    signal.signal(signal.SIGTERM, lambda s, f: sys.exit(0))
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{lsock.getsockname()[1]}\n")
    os.rename(tmp, a.port_file)
    log(f"listening on 127.0.0.1:{lsock.getsockname()[1]}")
    while True:
        uart, _ = lsock.accept()
        uart.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        log("UART connected")
        modem = Modem(uart)
        SEL.register(uart, selectors.EVENT_READ, None)
        while True:
            for key, _ in SEL.select(timeout=GUARD_S / 2):
                if key.fileobj is uart:
                    try:
                        data = uart.recv(4096)
                    except OSError:
                        data = b""
                    if not data:
                        break
                    modem.on_uart_bytes(data)
                else:
                    key.data(key.fileobj)
            else:
                if DROP:
                    DROP = False
                    log("link drop requested (SIGUSR1)")
                    modem.report_closed("link drop")
                modem.tick()
                continue
            break
        log("UART disconnected")
        modem.close_tcp("UART gone")
        SEL.unregister(uart)
        uart.close()


if __name__ == "__main__":
    main()
