#!/usr/bin/env python3
"""mcu-provision.py - writes the provisioning blob of a bare-metal Latchkey device (the
format of docs/firmware.md "Provisioning blob", parsed by firmware/port/baremetal/src/
provision.c) from a site's PKI: the CA, the door's certificate and key (converted to DER
with openssl), the gateway's command key, the device's ack key (DIR/ack/SITE.DOOR.key,
made by latchkey-certs bundle), the broker and the relay timings. The blob is
flashed at the board's provisioning offset (0x000F0000 on the mps2-an386 board).

usage: mcu-provision.py --pki DIR --site NAME --door NAME --broker-host HOST
                        --broker-port N --out FILE [--pulse-ms N] [--interval-ms N]
                        [--keepalive-s N] [--wifi-ssid S --wifi-pass P] [--time-floor T]
                        [--ack-key FILE | --no-ack-key]
"""
import argparse
import struct
import subprocess
import sys
import time
import zlib

TAGS = {"site": 1, "door": 2, "broker_host": 3, "broker_port": 4, "ca": 5, "cert": 6,
        "key": 7, "cmd_pubkey": 8, "pulse_ms": 9, "interval_ms": 10, "keepalive_s": 11,
        "wifi_ssid": 12, "wifi_pass": 13, "time_floor": 14, "ack_seed": 15}
PKCS8_ED25519_PREFIX = bytes.fromhex("302e020100300506032b657004220420")
AREA_SIZE = 64 * 1024


def der(args):
    return subprocess.run(["openssl", *args, "-outform", "DER"], check=True,
                          stdout=subprocess.PIPE).stdout


def record(tag, value):
    if len(value) > 0xFFFF:
        sys.exit(f"mcu-provision.py: field {tag} is too long")
    return struct.pack("<BBH", TAGS[tag], 0, len(value)) + value


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pki", required=True)
    ap.add_argument("--site", required=True)
    ap.add_argument("--door", required=True)
    ap.add_argument("--broker-host", required=True)
    ap.add_argument("--broker-port", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--pulse-ms", type=int)
    ap.add_argument("--interval-ms", type=int)
    ap.add_argument("--keepalive-s", type=int)
    ap.add_argument("--wifi-ssid")
    ap.add_argument("--wifi-pass", default="")
    ap.add_argument("--time-floor", type=int, default=int(time.time()))
    ap.add_argument("--ack-key", help="the device's Ed25519 ack key, PKCS#8 PEM "
                    "(default: PKI/ack/SITE.DOOR.key)")
    ap.add_argument("--no-ack-key", action="store_true",
                    help="provision no ack key: acks go unsigned (the gateway never confirms)")
    a = ap.parse_args()

    stem = f"{a.site}.{a.door}"
    with open(f"{a.pki}/cmd/command.pub.hex") as f:
        pub = bytes.fromhex(f.read().strip())
    recs = [
        record("site", a.site.encode()), record("door", a.door.encode()),
        record("broker_host", a.broker_host.encode()),
        record("broker_port", struct.pack("<H", a.broker_port)),
        record("ca", der(["x509", "-in", f"{a.pki}/ca/ca.crt"])),
        record("cert", der(["x509", "-in", f"{a.pki}/issued/{stem}.crt"])),
        record("key", der(["ec", "-in", f"{a.pki}/private/{stem}.key"])),
        record("cmd_pubkey", pub),
        record("time_floor", struct.pack("<q", a.time_floor)),
    ]
    if not a.no_ack_key:
        der_key = der(["pkey", "-in", a.ack_key or f"{a.pki}/ack/{stem}.key"])
        if len(der_key) != 48 or not der_key.startswith(PKCS8_ED25519_PREFIX):
            sys.exit("mcu-provision.py: the ack key is not an Ed25519 private key")
        recs.append(record("ack_seed", der_key[16:]))
    if a.pulse_ms is not None:
        recs.append(record("pulse_ms", struct.pack("<I", a.pulse_ms)))
    if a.interval_ms is not None:
        recs.append(record("interval_ms", struct.pack("<I", a.interval_ms)))
    if a.keepalive_s is not None:
        recs.append(record("keepalive_s", struct.pack("<H", a.keepalive_s)))
    if a.wifi_ssid:
        recs.append(record("wifi_ssid", a.wifi_ssid.encode()))
        recs.append(record("wifi_pass", a.wifi_pass.encode()))
    body = b"".join(recs)
    total = 12 + len(body) + 4
    if total > AREA_SIZE:
        sys.exit(f"mcu-provision.py: blob of {total} bytes does not fit the {AREA_SIZE}-byte area")
    head = b"LKPV" + struct.pack("<HHI", 1, len(recs), total) + body
    blob = head + struct.pack("<I", zlib.crc32(head) & 0xFFFFFFFF)
    with open(a.out, "wb") as f:
        f.write(blob)


if __name__ == "__main__":
    main()
