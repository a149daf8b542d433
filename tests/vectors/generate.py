#!/usr/bin/env python3
"""Generates tests/vectors/commands.json, time.json and acks.json: shared test vectors for
the signed door command, the time beacon and the signed ack of docs/protocol.md. Signatures are made by the `openssl` command line (an implementation
independent of Latchkey's own code), so the gateway's signer and the firmware's verifier
are both checked against an outside reference. Run from anywhere; writes next to itself.
"""
import base64, json, os, subprocess, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
# RFC 8032 section 7.1, TEST 1 key; and a second, unrelated key for "wrong key" cases.
SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
PUB = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
OTHER_SEED = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"
PKCS8_PREFIX = bytes.fromhex("302e020100300506032b657004220420")
T = 1790000000  # iat used by most vectors


def sign(seed_hex, msg):
    with tempfile.TemporaryDirectory() as d:
        key = os.path.join(d, "k.der")
        with open(key, "wb") as f:
            f.write(PKCS8_PREFIX + bytes.fromhex(seed_hex))
        data = os.path.join(d, "m")
        with open(data, "wb") as f:
            f.write(msg)  # Ed25519 one-shot signing needs a file, not a pipe
        out = subprocess.run(["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", key,
                              "-keyform", "DER", "-in", data], capture_output=True, check=True)
        return out.stdout


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def message(f):
    return "\n".join(["latchkey-cmd-v1", f["id"], f["site"], f["door"], f["action"], f["by"],
                      str(f["iat"]), str(f["exp"])]).encode()


def fields(**over):
    f = {"id": "0123456789abcdef0123456789abcdef", "site": "home", "door": "door1",
         "action": "open", "by": "alice", "iat": T, "exp": T + 30}
    f.update(over)
    return f


def payload(f, sig):
    """The exact bytes the gateway emits: compact JSON, keys in the order of docs/protocol.md."""
    obj = {"v": 1, **{k: f[k] for k in ("id", "site", "door", "action", "by", "iat", "exp")},
           "sig": sig}
    return json.dumps(obj, separators=(",", ":"))


def signed(seed=SEED, **over):
    f = fields(**over)
    return f, b64url(sign(seed, message(f)))


signer = []
for name, over in [("open-alice", {}),
                   ("open-door2-long-user", {"door": "door2", "by": "bob.smith@example-org",
                                             "id": "ffffffffffffffffffffffffffffffff",
                                             "iat": 2200000000, "exp": 2200000060}),
                   ("open-site-with-dash", {"site": "cabin_2-north", "id": "00000000000000000000000000000001"})]:
    f, sig = signed(**over)
    signer.append({"name": name, "fields": f, "message": message(f).decode(), "sig": sig,
                   "payload": payload(f, sig)})

V = []


def vec(name, now, pl, result, reason, seen_ids=(), not_before=0):
    """not_before: the device's start rule (docs/protocol.md "After a restart"): a command
    whose window (iat - 30 .. exp) began before it is refused; None = no trusted time yet."""
    V.append({"name": name, "now": now, "not_before": not_before, "payload": pl,
              "seen_ids": list(seen_ids), "result": result, "reason": reason})


f, s = signed()
good = payload(f, s)
vec("ok-open", T + 1, good, "ok", "")
vec("ok-at-exp-boundary", T + 30, good, "ok", "")
vec("ok-at-skew-boundary", T - 30, good, "ok", "")
vec("expired", T + 31, good, "rejected", "expired")
vec("not-yet-valid", T - 31, good, "rejected", "not-yet-valid")
vec("replay", T + 1, good, "rejected", "replay", [f["id"]])
# After a restart: the replay cache is empty, so a command whose window opened before the
# device could vouch for it (not_before) is refused; one whose window opens at it passes.
vec("before-start", T + 1, good, "rejected", "before-start", not_before=T + 1)
vec("before-start-by-one", T + 1, good, "rejected", "before-start", not_before=T - 29)
vec("ok-window-at-not-before", T + 1, good, "ok", "", not_before=T - 30)
vec("no-trusted-time", T + 1, good, "rejected", "not-yet-valid", not_before=None)
# Tampered after signing: any changed byte of the signed fields breaks the signature.
vec("bad-signature-tampered-by", T + 1, payload(dict(f, by="mallory"), s), "rejected", "bad-signature")
vec("bad-signature-tampered-exp", T + 1, payload(dict(f, exp=T + 40), s), "rejected", "bad-signature")
f2, s2 = signed(seed=OTHER_SEED)
vec("bad-signature-other-key", T + 1, payload(f2, s2), "rejected", "bad-signature")
zero = b64url(bytes(64))
vec("bad-signature-zero", T + 1, payload(f, zero), "rejected", "bad-signature")
f3, s3 = signed(door="door2")
vec("wrong-target-door", T + 1, payload(f3, s3), "rejected", "wrong-target")
f4, s4 = signed(site="cabin")
vec("wrong-target-site", T + 1, payload(f4, s4), "rejected", "wrong-target")
f5, s5 = signed(action="close")
vec("unknown-action", T + 1, payload(f5, s5), "rejected", "unknown-action")
f6, s6 = signed(exp=T + 61)
vec("lifetime-too-long", T + 1, payload(f6, s6), "rejected", "malformed")
f7, s7 = signed(exp=T - 1)
vec("exp-before-iat", T - 2, payload(f7, s7), "rejected", "malformed")
# Malformed: the parser refuses before any crypto.
vec("malformed-not-json", T + 1, "open the door", "rejected", "malformed")
vec("malformed-empty", T + 1, "", "rejected", "malformed")
vec("malformed-truncated", T + 1, good[:-1], "rejected", "malformed")
vec("malformed-trailing-garbage", T + 1, good + "x", "rejected", "malformed")
vec("malformed-version-2", T + 1, good.replace('"v":1', '"v":2', 1), "rejected", "malformed")
vec("malformed-missing-sig", T + 1, good.split(',"sig"')[0] + "}", "rejected", "malformed")
vec("malformed-sig-padded", T + 1, good.replace(s, s + "=="), "rejected", "malformed")
vec("malformed-sig-short", T + 1, good.replace(s, s[:-4]), "rejected", "malformed")
vec("malformed-id-uppercase", T + 1, good.replace(f["id"], f["id"].upper()), "rejected", "malformed")
vec("malformed-id-short", T + 1, good.replace(f["id"], f["id"][:-2]), "rejected", "malformed")
vec("malformed-site-uppercase", T + 1, good.replace('"site":"home"', '"site":"Home"'), "rejected", "malformed")
vec("malformed-iat-string", T + 1, good.replace('"iat":%d' % T, '"iat":"%d"' % T), "rejected", "malformed")
vec("malformed-iat-fraction", T + 1, good.replace('"iat":%d' % T, '"iat":%d.5' % T), "rejected", "malformed")
vec("malformed-duplicate-door", T + 1, good.replace('"door":"door1"', '"door":"door1","door":"door1"'), "rejected", "malformed")
vec("malformed-array", T + 1, "[" + good + "]", "rejected", "malformed")
vec("malformed-by-newline", T + 1, good.replace('"by":"alice"', '"by":"ali\\nce"'), "rejected", "malformed")

def write_vectors(name, doc, pub=PUB):
    """Writes tests/vectors/NAME with the generator's comment and the public key first."""
    full = {"comment": "Generated by tests/vectors/generate.py (signatures by the openssl CLI). Do not edit.",
            "public_key_hex": pub, **doc}
    with open(os.path.join(HERE, name), "w") as fh:
        json.dump(full, fh, indent=1)
        fh.write("\n")


doc = {
    "private_seed_hex": SEED,
    "device": {"site": "home", "door": "door1", "actions": ["open"]},
    "check_order": ["malformed", "bad-signature", "wrong-target", "unknown-action",
                    "not-yet-valid", "expired", "before-start", "replay"],
    "signer": signer,
    "verifier": V,
}
write_vectors("commands.json", doc)
print("wrote %d signer and %d verifier vectors" % (len(signer), len(V)))


# --- The signed time beacon (docs/protocol.md "Time beacon"): tests/vectors/time.json ---
TIME_NONCE = "00112233445566778899aabbccddeeff"
TIME_T = 1790000100


def time_message(nonce, t):
    return "\n".join(["latchkey-time-v1", nonce, str(t)]).encode()


def beacon(nonce, t, sig):
    return json.dumps({"v": 1, "nonce": nonce, "time": t, "sig": sig}, separators=(",", ":"))


time_signer = []
for nonce, t in [(TIME_NONCE, TIME_T), ("ffffffffffffffffffffffffffffffff", 4102444800),
                 ("0123456789abcdef0123456789abcdef", 1)]:
    time_signer.append({"nonce": nonce, "time": t, "message": time_message(nonce, t).decode(),
                        "sig": b64url(sign(SEED, time_message(nonce, t)))})

TV = []


def tvec(name, open_nonce, high_water, pl, result, reason=""):
    TV.append({"name": name, "open_nonce": open_nonce, "high_water": high_water,
               "payload": pl, "result": result, "reason": reason})


good_sig = b64url(sign(SEED, time_message(TIME_NONCE, TIME_T)))
good_beacon = beacon(TIME_NONCE, TIME_T, good_sig)
tvec("accept", TIME_NONCE, 0, good_beacon, "accept")
tvec("accept-at-high-water", TIME_NONCE, TIME_T, good_beacon, "accept")
tvec("below-high-water", TIME_NONCE, TIME_T + 1, good_beacon, "reject", "rollback")
tvec("no-open-request", "", 0, good_beacon, "reject", "unsolicited")
tvec("other-nonce", "ffeeddccbbaa99887766554433221100", 0, good_beacon, "reject", "unsolicited")
tvec("tampered-time", TIME_NONCE, 0, beacon(TIME_NONCE, TIME_T + 3600, good_sig), "reject", "bad-signature")
tvec("other-key", TIME_NONCE, 0,
     beacon(TIME_NONCE, TIME_T, b64url(sign(OTHER_SEED, time_message(TIME_NONCE, TIME_T)))),
     "reject", "bad-signature")
# A command signature over the same bytes without the domain can never pass for a beacon.
no_domain = "\n".join([TIME_NONCE, str(TIME_T)]).encode()
tvec("no-domain", TIME_NONCE, 0, beacon(TIME_NONCE, TIME_T, b64url(sign(SEED, no_domain))),
     "reject", "bad-signature")
cmd_domain = "\n".join(["latchkey-cmd-v1", TIME_NONCE, str(TIME_T)]).encode()
tvec("command-domain", TIME_NONCE, 0, beacon(TIME_NONCE, TIME_T, b64url(sign(SEED, cmd_domain))),
     "reject", "bad-signature")
tvec("malformed-nonce-uppercase", TIME_NONCE.upper(), 0, good_beacon.replace(TIME_NONCE, TIME_NONCE.upper()),
     "reject", "malformed")
tvec("malformed-time-string", TIME_NONCE, 0, good_beacon.replace('"time":%d' % TIME_T, '"time":"%d"' % TIME_T),
     "reject", "malformed")
tvec("malformed-time-zero", TIME_NONCE, 0, beacon(TIME_NONCE, 0, good_sig), "reject", "malformed")
tvec("malformed-extra-key", TIME_NONCE, 0, good_beacon[:-1] + ',"x":1}', "reject", "malformed")
tvec("malformed-version-2", TIME_NONCE, 0, good_beacon.replace('"v":1', '"v":2', 1), "reject", "malformed")

write_vectors("time.json", {
    "check_order": ["malformed", "unsolicited", "bad-signature", "rollback"],
    "signer": time_signer,
    "device": TV,
})
print("wrote %d signer and %d device time vectors" % (len(time_signer), len(TV)))


# --- The signed ack (docs/protocol.md "The signed ack"): tests/vectors/acks.json ---
# The device's own key: RFC 8032 section 7.1, TEST 3 (never the command key).
ACK_SEED = "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7"
ACK_PUB = "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025"
ACK_ID = "0123456789abcdef0123456789abcdef"
ACK_OTHER_ID = "fedcba9876543210fedcba9876543210"


def ack_message(a):
    return "\n".join(["latchkey-ack-v1", a["id"], a["site"], a["door"], a["result"], a["reason"],
                      str(a["at"])]).encode()


def ack_fields(**over):
    a = {"id": ACK_ID, "site": "home", "door": "door1", "result": "ok", "reason": "", "at": T + 1}
    a.update(over)
    return a


def ack_payload(a, sig):
    """The exact bytes the device emits: compact JSON, keys in the order of docs/protocol.md
    (site and door are not in it: they are signed, and the gateway takes them from the topic)."""
    obj = {"v": 1, "id": a["id"], "result": a["result"], "reason": a["reason"], "at": a["at"]}
    if sig is not None:
        obj["sig"] = sig
    return json.dumps(obj, separators=(",", ":"))


def ack_signed(seed=ACK_SEED, **over):
    a = ack_fields(**over)
    return a, b64url(sign(seed, ack_message(a)))


ack_signer = []
for name, over in [("ok", {}),
                   ("rejected-replay", {"result": "rejected", "reason": "replay"}),
                   ("rejected-before-start", {"result": "rejected", "reason": "before-start",
                                              "id": ACK_OTHER_ID, "door": "door2", "at": 2200000000}),
                   ("rejected-malformed-no-id", {"id": "", "result": "rejected", "reason": "malformed",
                                                 "site": "cabin_2-north"})]:
    a, sig = ack_signed(**over)
    ack_signer.append({"name": name, "fields": a, "message": ack_message(a).decode(), "sig": sig,
                       "payload": ack_payload(a, sig)})

AV = []


def avec(name, pl, verdict, result="", reason="", pending=ACK_ID, door="door1", key=ACK_PUB):
    """The gateway's check of one ack that arrived on latchkey/home/DOOR/ack while the
    command PENDING waits there; KEY: the door's configured ack key ("" = none)."""
    AV.append({"name": name, "site": "home", "door": door, "pending_id": pending, "ack_key_hex": key,
               "payload": pl, "verdict": verdict, "result": result, "reason": reason})


a, sig = ack_signed()
good_ack = ack_payload(a, sig)
avec("valid-ok", good_ack, "valid", "ok")
ar, sr = ack_signed(result="rejected", reason="busy")
avec("valid-rejected", ack_payload(ar, sr), "valid", "rejected", "busy")
avec("unsigned", ack_payload(a, None), "unsigned")
avec("no-key-configured", good_ack, "no-key", key="")
a2, s2 = ack_signed(seed=OTHER_SEED)
avec("forged-other-key", ack_payload(a2, s2), "bad-signature")
avec("forged-zero-sig", ack_payload(a, zero), "bad-signature")
# A genuine "rejected" turned into "ok" keeps its signature: it no longer verifies.
avec("tampered-result", ack_payload(dict(ar, result="ok", reason=""), sr), "bad-signature")
avec("tampered-at", ack_payload(dict(a, at=T + 2), sig), "bad-signature")
# A genuine ack of another command, its id changed to the pending one.
ao, so = ack_signed(id=ACK_OTHER_ID)
avec("wrong-id", ack_payload(dict(ao, id=ACK_ID), so), "bad-signature")
# A genuine ack of another command, replayed as it was: no attempt waits for that id.
avec("replayed-other-command", ack_payload(ao, so), "unknown-id")
# The pending command's ack signed for door2 (same key), published on door1's topic.
ad, sd = ack_signed(door="door2")
avec("wrong-door", ack_payload(ad, sd), "bad-signature")
as_, ss = ack_signed(site="cabin")
avec("wrong-site", ack_payload(as_, ss), "bad-signature")
# No other signed kind can pass for an ack: not without the domain, not the command domain.
no_dom = "\n".join([a["id"], "home", "door1", "ok", "", str(a["at"])]).encode()
avec("no-domain", ack_payload(a, b64url(sign(ACK_SEED, no_dom))), "bad-signature")
cmd_dom = b"latchkey-cmd-v1" + ack_message(a)[len("latchkey-ack-v1"):]
avec("command-domain", ack_payload(a, b64url(sign(ACK_SEED, cmd_dom))), "bad-signature")
avec("malformed-not-json", "ok", "malformed")
avec("malformed-version-2", good_ack.replace('"v":1', '"v":2', 1), "malformed")
avec("malformed-result", good_ack.replace('"result":"ok"', '"result":"opened"'), "malformed")
avec("malformed-ok-with-reason", ack_payload(dict(a, reason="busy"), sig), "malformed")
avec("malformed-rejected-no-reason", ack_payload(dict(a, result="rejected"), sig), "malformed")
avec("malformed-at-string", good_ack.replace('"at":%d' % (T + 1), '"at":"%d"' % (T + 1)), "malformed")
avec("malformed-at-fraction", good_ack.replace('"at":%d' % (T + 1), '"at":%d.5' % (T + 1)), "malformed")
avec("malformed-sig-short", good_ack.replace(sig, sig[:-4]), "malformed")
avec("malformed-sig-padded", good_ack.replace(sig, sig + "=="), "malformed")
avec("malformed-extra-key", good_ack[:-1] + ',"x":1}', "malformed")
avec("malformed-duplicate-result", good_ack.replace('"result":"ok"', '"result":"ok","result":"ok"'), "malformed")
avec("malformed-id-uppercase", good_ack.replace(ACK_ID, ACK_ID.upper()), "malformed")

write_vectors("acks.json", {
    "private_seed_hex": ACK_SEED,
    "check_order": ["malformed", "unknown-id", "no-key", "unsigned", "bad-signature"],
    "signer": ack_signer,
    "gateway": AV,
}, pub=ACK_PUB)
print("wrote %d signer and %d gateway ack vectors" % (len(ack_signer), len(AV)))
