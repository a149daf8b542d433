#!/usr/bin/env python3
# scep_profile_check.py - checks the .mobileconfig of "latchkey-certs scep" with Python's
# plistlib against the payload keys Apple documents for com.apple.security.root and
# com.apple.security.scep (Device Management, SCEP.PayloadContent): every key known, the
# types right, Subject CN=USER, the challenge and URL given, KeyIsExtractable false, and
# CAFingerprint the SHA-1 of the CA certificate.
# usage: scep_profile_check.py PROFILE CA.der USER CHALLENGE URL
import hashlib
import plistlib
import sys

PROFILE, CA_DER, USER, CHALLENGE, URL = sys.argv[1:6]
COMMON = {"PayloadDescription", "PayloadDisplayName", "PayloadIdentifier", "PayloadType",
          "PayloadUUID", "PayloadVersion", "PayloadOrganization"}
SCEP_CONTENT = {"URL": str, "Name": str, "Subject": list, "Challenge": str, "Keysize": int,
                "Key Type": str, "Key Usage": int, "KeyIsExtractable": bool,
                "CAFingerprint": bytes, "Retries": int, "RetryDelay": int,
                "AllowAllAppsAccess": bool, "SubjectAltName": dict}


def fail(msg):
    sys.exit("scep_profile_check: " + msg)


with open(PROFILE, "rb") as f:
    top = plistlib.load(f)
with open(CA_DER, "rb") as f:
    ca = f.read()
if top.get("PayloadType") != "Configuration" or top.get("PayloadVersion") != 1:
    fail("not a configuration profile")
unknown = set(top) - COMMON - {"PayloadContent", "PayloadRemovalDisallowed"}
if unknown:
    fail("unknown top-level keys %s" % sorted(unknown))
payloads = top["PayloadContent"]
types = [p.get("PayloadType") for p in payloads]
if types != ["com.apple.security.root", "com.apple.security.scep"]:
    fail("payloads %s, want the CA first, then SCEP" % types)
root, scep = payloads
if root["PayloadContent"] != ca:
    fail("the root payload is not the CA certificate")
unknown = set(scep) - COMMON - {"PayloadContent"}
if unknown:
    fail("unknown SCEP payload keys %s" % sorted(unknown))
c = scep["PayloadContent"]
for k, v in c.items():
    if k not in SCEP_CONTENT:
        fail("key %r is not one of SCEP.PayloadContent's" % k)
    if not isinstance(v, SCEP_CONTENT[k]) or (SCEP_CONTENT[k] is int and isinstance(v, bool)):
        fail("key %r has type %s" % (k, type(v).__name__))
want = {"URL": URL, "Challenge": CHALLENGE, "Subject": [[["CN", USER]]], "Key Type": "RSA",
        "KeyIsExtractable": False, "CAFingerprint": hashlib.sha1(ca).digest()}
for k, v in want.items():
    if c.get(k) != v:
        fail("%s is %r, want %r" % (k, c.get(k), v))
if c["Keysize"] < 2048 or c["Key Usage"] not in (1, 4, 5):
    fail("Keysize %d / Key Usage %d" % (c["Keysize"], c["Key Usage"]))
print("scep_profile_check: ok")
