#!/usr/bin/env python3
"""make-icons.py - draws the gateway's PNG icons (the same key as /icon.svg: a ring and a
bit on the accent colour) for iOS (apple-touch-icon, 180 px: iOS ignores SVG icons) and the
web manifest (192 and 512 px), opaque and full-bleed (iOS rounds the corners itself; the
manifest's maskable safe zone holds the key). Pure standard library: signed distances per
pixel, antialiased by coverage, written as 8-bit RGB PNG. The PNGs are committed in
gateway/web/icons/ and compiled into the gateway (gateway/CMakeLists.txt);
tests/gateway (gateway_icons) checks that this script still makes exactly them.
usage: make-icons.py OUT_DIR"""
import math
import os
import struct
import sys
import zlib

SIZES = (180, 192, 512)
BG = (0x1D, 0x4E, 0xD8)  # the light theme's accent (white on it: 6.7:1)
FG = (0xFF, 0xFF, 0xFF)
STROKE = 20.0  # half of the SVG's stroke width 40, in the SVG's 512 units
# The SVG's shapes in its 512 x 512 box: a ring and the key's bit (round-capped lines).
RING = (200.0, 256.0, 96.0)
LINES = (((290.0, 256.0), (440.0, 256.0)), ((440.0, 256.0), (440.0, 316.0)),
         ((390.0, 256.0), (390.0, 300.0)))


def segment_distance(px, py, a, b):
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def key_distance(x, y):
    """Signed distance (512 units) from the key's outline: < 0 inside the white strokes."""
    cx, cy, r = RING
    d = abs(math.hypot(x - cx, y - cy) - r)
    for a, b in LINES:
        d = min(d, segment_distance(x, y, a, b))
    return d - STROKE


def draw(size):
    scale = 512.0 / size
    rows = []
    for j in range(size):
        row = bytearray([0])  # PNG filter: none
        for i in range(size):
            d = key_distance((i + 0.5) * scale, (j + 0.5) * scale) / scale  # in pixels
            cover = max(0.0, min(1.0, 0.5 - d))
            row += bytes(round(BG[k] + (FG[k] - BG[k]) * cover) for k in range(3))
        rows.append(bytes(row))
    return b"".join(rows)


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png(size):
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) +
            chunk(b"IDAT", zlib.compress(draw(size), 9)) + chunk(b"IEND", b""))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    os.makedirs(sys.argv[1], exist_ok=True)
    for size in SIZES:
        with open(os.path.join(sys.argv[1], f"icon-{size}.png"), "wb") as f:
            f.write(png(size))


if __name__ == "__main__":
    main()
