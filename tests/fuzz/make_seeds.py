#!/usr/bin/env python3
"""make_seeds.py - writes the seed corpora of tests/fuzz/corpus/<harness>/: small
hand-made valid and edge inputs, plus every command payload of tests/vectors/commands.json.
Re-run after changing the vectors or a harness's input format; the output is committed.
usage: python3 tests/fuzz/make_seeds.py"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VECTORS = json.load(open(os.path.join(ROOT, "tests", "vectors", "commands.json")))


def write(harness, name, data):
    d = os.path.join(HERE, "corpus", harness)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def varint(n):
    out = b""
    while True:
        b = n % 128
        n //= 128
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def lstr(s):
    if isinstance(s, str):
        s = s.encode()
    return struct.pack(">H", len(s)) + s


def pkt(first, body):
    return bytes([first]) + varint(len(body)) + body


CMD = VECTORS["signer"][0]["payload"]
PUB_CMD = pkt(0x32, lstr("latchkey/home/door1/cmd") + b"\x00\x07" + CMD.encode())
PACKETS = {
    "connack": pkt(0x20, b"\x00\x00"),
    "connack-refused": pkt(0x20, b"\x00\x05"),
    "suback": pkt(0x90, b"\x00\x01\x01"),
    "suback-failure": pkt(0x90, b"\x00\x01\x80"),
    "puback": pkt(0x40, b"\x00\x02"),
    "pingresp": pkt(0xD0, b""),
    "publish-qos0": pkt(0x30, lstr("latchkey/home/door1/cmd") + b"hello"),
    "publish-qos1-cmd": PUB_CMD,
    "publish-retain-dup": pkt(0x3B, lstr("a/b") + b"\x12\x34" + b"x"),
    "subscribe": pkt(0x82, b"\x00\x01" + lstr("latchkey/home/door1/cmd") + b"\x01"),
    "connect": pkt(0x10, lstr("MQTT") + b"\x04\xEE\x00\x1e" + lstr("latchkey-home-door1")
                   + lstr("latchkey/home/door1/availability") + lstr("offline")
                   + lstr("user") + lstr("pass")),
    "varint-4-bytes": bytes([0x30, 0xFF, 0xFF, 0xFF, 0x7F]),
    "varint-5-bytes": bytes([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
    "varint-non-minimal": bytes([0x40, 0x82, 0x00, 0x00, 0x01]),
    "publish-topic-overrun": pkt(0x30, b"\xff\xff" + b"ab"),
}

# --- MQTT codec: single packets and one stream of several
for name, p in PACKETS.items():
    write("mqtt_codec", name, p)
write("mqtt_codec", "stream", b"".join(PACKETS[k] for k in
      ("connack", "suback", "publish-qos1-cmd", "puback", "pingresp")))

# --- MQTT client + device: [chunk size][clock/options][broker bytes]
SUB = PACKETS["suback"]
write("mqtt_client", "session-cmd", bytes([200, 0x80 | 5]) + SUB + PUB_CMD + PACKETS["pingresp"])
write("mqtt_client", "connack-in-input", bytes([7, 3]) + PACKETS["connack"] + SUB + PUB_CMD)
write("mqtt_client", "refused", bytes([1, 1]) + PACKETS["connack-refused"])
write("mqtt_client", "big-publish", bytes([95, 0x80]) + SUB +
      pkt(0x30, lstr("latchkey/home/door1/cmd") + b"x" * 1500) + PUB_CMD)
write("mqtt_client", "suback-failure", bytes([3, 0x80]) + PACKETS["suback-failure"])
write("mqtt_client", "acks-and-dup", bytes([11, 0x80 | 63]) + SUB + PACKETS["puback"] + PUB_CMD
      + pkt(0x3A, lstr("latchkey/home/door1/cmd") + b"\x00\x07" + CMD.encode()))
write("mqtt_client", "send-fails", bytes([5, 0xC0 | 2]) + SUB + PUB_CMD * 3)

# --- command parser / verifier: every payload of the vectors
for v in VECTORS["signer"]:
    write("cmd_verify", "signer-" + v["name"], v["payload"])
for v in VECTORS["verifier"]:
    write("cmd_verify", "verifier-" + v["name"], v["payload"])
write("cmd_verify", "escaped", CMD.replace('"by":"alice"', '"by":"\\u0061lice"')
      .replace('{"v"', ' {\n "v"'))

# --- signed-command builder: fields \n separated, then [pos hi][pos lo][new byte]
for v in VECTORS["signer"]:
    f = v["fields"]
    base = "\n".join([f["id"], f["site"], f["door"], f["action"], f["by"],
                      str(f["iat"] - 1790000000), str(f["exp"] - f["iat"]), "1"]) + "\n"
    write("cmd_signed", "signer-" + v["name"], base.encode() + b"\x00\x20A")
write("cmd_signed", "expired", "0123456789abcdef0123456789abcdef\nhome\ndoor1\nopen\nalice\n0\n30\n45\n")
write("cmd_signed", "not-yet-valid",
      "0123456789abcdef0123456789abcdef\nhome\ndoor1\nopen\nalice\n100\n30\n-150\n")
write("cmd_signed", "wrong-target", "0123456789abcdef0123456789abcdef\nhome\ndoor2\nopen\nbob\n0\n60\n0\n")
write("cmd_signed", "unknown-action",
      "0123456789abcdef0123456789abcdef\nhome\ndoor1\nclose\nbob\n0\n60\n0\n\x01\x00x")

# --- JSON string bodies
for name, s in {
    "plain": "alice", "escapes": r'\"\\\/\b\f\n\r\t', "bmp": r"\u00e9\u20ac",
    "pair": r"\ud83d\ude00", "lone-high": r"\ud83d", "lone-low": r"\ude00",
    "short-u": r"\u12", "control": "a\x01b", "nul": r"\u0000", "trailing-backslash": "ab\\",
    "utf8": "h\xc3\xa9",
}.items():
    write("json_string", name, s)

# --- base64url
for name, s in {"sig": VECTORS["signer"][0]["sig"], "empty": "", "rem2": "AA", "rem3": "AAA",
                "rem1": "A", "noncanonical": "AB", "padding": "AA==", "std-alphabet": "a+/b"}.items():
    write("b64url", name, s)

# --- device config (text)
DEV = """[broker]
host = localhost
port = 8883
ca = ca.crt
cert = device.crt
key = device.key
keepalive = 30

[device]
site = home
door = door1
command_pubkey = {pk}

[relay]
backend = sim
sim_log = relay.log
pulse_ms = 500
min_interval_ms = 2000
""".format(pk=VECTORS["public_key_hex"])
write("device_config", "valid", DEV)
write("device_config", "duplicate-key", DEV + "pulse_ms = 600\n")
write("device_config", "unknown-section", DEV + "[gpio]\nchip = 0\n")
write("device_config", "bom-crlf", "\ufeff" + DEV.replace("\n", "\r\n"))
write("device_config", "long-line", "[broker]\nhost = " + "h" * 300 + "\n")
write("device_config", "continuation", DEV.replace("host = localhost", "host = localhost\n  more"))

# --- gateway config (text); the harness's cwd holds cert.pem, key.pem and command.key
GW = """[server]
listen = 127.0.0.1
port = 8443
cert = cert.pem
key = key.pem
client_ca = cert.pem
crl = none

[mqtt]
uri = ssl://localhost:8883
ca = cert.pem
cert = cert.pem
key = key.pem
client_id = latchkey-gateway
ack_timeout_ms = 5000

[command]
key = command.key
site = home
ttl = 30

[store]
database = latchkey.db
pepper_file = pepper.key
busy_timeout_ms = 1000

[metrics]
listen = 127.0.0.1
port = 9100
allow_non_loopback = no

[door door1]
label = Front door

[door door2]
label = Back door
"""
write("gateway_conf", "valid", GW)
write("gateway_conf", "duplicate-door", GW + "\n[door door1]\nlabel = again\n")
write("gateway_conf", "bad-uri", GW.replace("ssl://localhost:8883", "tcp://localhost"))
write("gateway_conf", "crl-missing", GW.replace("crl = none", "crl = ca.crl"))
write("gateway_conf", "command-key-not-ed25519", GW.replace("key = command.key", "key = key.pem"))
write("gateway_conf", "empty-section", GW + "\n[door door3]\n")
write("gateway_conf", "long-line", "[server]\nport = " + "9" * 400 + "\n")

# --- PINs and PHC strings
PHC = "$scrypt$ln=15,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$" + "A" * 43
for name, s in {"pin": "246810", "pin-short": "123", "pin-long": "1234567890123",
                "phc": PHC, "phc-ln-huge": PHC.replace("ln=15", "ln=99"),
                "phc-leading-zero": PHC.replace("r=8", "r=08"),
                "phc-padding": PHC.replace("$AAAA", "$AA=="),
                "phc-v1": PHC.replace("$scrypt$", "$scrypt$v=1$")}.items():
    write("pin_hash", name, s)

# --- device acks as the gateway gets them: topic \n payload
ID = "0123456789abcdef0123456789abcdef"
for name, s in {
    "ok": 'latchkey/home/door1/ack\n{"v":1,"id":"%s","result":"ok","at":1790000001}' % ID,
    "rejected": 'latchkey/home/door1/ack\n{"v":1,"id":"%s","result":"rejected","reason":"expired","at":1}' % ID,
    "odd-reason": 'latchkey/home/door1/ack\n{"v":1,"id":"%s","result":"rejected","reason":"<b>x</b>"}' % ID,
    "other-door": 'latchkey/home/door2/ack\n{"v":1,"id":"%s","result":"ok"}' % ID,
    "other-site": 'latchkey/away/door1/ack\n{"v":1,"id":"%s","result":"ok"}' % ID,
    "availability": "latchkey/home/door1/availability\nonline",
    "state": 'latchkey/home/door1/state\n{"v":1,"relay":"idle","fw":"0.1.0","uptime":12}',
    "state-bad": 'latchkey/home/door1/state\n{"v":1,"relay":"on","fw":"\\u0000","uptime":-1}',
    "not-json": "latchkey/home/door1/ack\n{\"v\":1,",
    "v-not-number": 'latchkey/home/door1/ack\n{"v":"1","id":"%s","result":"ok"}' % ID,
}.items():
    write("gateway_ack", name, s)
# The signed acks of tests/vectors/acks.json (the harness's door1 key is that file's key).
ACKS = json.load(open(os.path.join(ROOT, "tests", "vectors", "acks.json")))
for v in ACKS["signer"][:2]:
    write("gateway_ack", "signed-" + v["name"], "latchkey/home/door1/ack\n" + v["payload"])

# --- CSRs for latchkey-certs "sign" (made with the openssl CLI, fresh keys: only written
# when corpus/csr/ does not exist yet, so re-runs do not churn them); the last byte of each
# seed picks the profile in the harness.
import subprocess
import tempfile


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, capture_output=True, check=True).stdout


def make_csrs(tmp):
    def csr(name, keyargs, subj, der=False, tail=b""):
        key = os.path.join(tmp, name + ".key")
        openssl("genpkey", *keyargs, "-out", key)
        out = openssl("req", "-new", "-key", key, "-subj", subj,
                      *(["-outform", "DER"] if der else []))
        write("csr", name, out + tail)
        return out
    p256 = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
    pem = csr("p256-client", p256, "/CN=alice", tail=b"\x00")            # 0 -> client
    csr("p256-device", p256, "/CN=home\\/door1", tail=b"\x01")           # 1 -> device
    csr("p256-der", p256, "/CN=bob", der=True, tail=b"\x00")
    csr("ed25519", ["-algorithm", "ED25519"], "/CN=carol", tail=b"\x00")
    csr("p521-refused", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"], "/CN=dave",
        tail=b"\x00")
    csr("two-cn", p256, "/CN=alice/CN=mallory", tail=b"\x00")
    csr("no-cn", p256, "/O=Latchkey", tail=b"\x00")
    csr("rsa1024-refused", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"], "/CN=eve",
        tail=b"\x00")
    # A flipped byte near the end of the DER body breaks the self-signature.
    der = bytearray(openssl("req", "-in", "/dev/stdin", "-outform", "DER", data=pem.rstrip(b"\x00")))
    der[-10] ^= 0x01
    write("csr", "bad-signature", bytes(der) + b"\x00")


if not os.path.isdir(os.path.join(HERE, "corpus", "csr")):
    with tempfile.TemporaryDirectory() as tmpdir:
        make_csrs(tmpdir)
