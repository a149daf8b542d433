#!/usr/bin/env python3
"""mcu-size-report.py - flash and RAM of a bare-metal image by component, from the GNU
ld map file of its link (firmware/port/baremetal writes <image>.map): every input
section the linker kept is added to its component (wolfSSL, the core, common, the port,
the board, the C library, libgcc) and to flash (.text, .rodata, .data's load image) or
RAM (.data, .bss; the heap and stack regions are listed on their own).

usage: mcu-size-report.py MAP_FILE   (prints a Markdown table)
"""
import re
import sys

COMPONENTS = [
    ("wolfSSL", re.compile(r"liblk_wolfssl\.a")),
    ("firmware core", re.compile(r"liblatchkey_core\.a")),
    ("common (wire contract)", re.compile(r"liblatchkey_common\.a")),
    ("board (mps2-an386)", re.compile(r"boards/")),
    ("port (baremetal/src)", re.compile(r"/src/[a-z_]+\.c\.obj")),
    ("C library (newlib-nano)", re.compile(r"lib(c|g|m)_nano\.a|libc\.a|libnosys")),
    ("libgcc", re.compile(r"libgcc\.a")),
]
# Parts of a component reported on their own line as well ("of which ...").
PARTS = [
    ("of which the MQTT client (core: mqtt_codec, mqtt_client)",
     re.compile(r"liblatchkey_core\.a\(mqtt_(codec|client)\.c\.obj\)")),
]
SECTION_RE = re.compile(r"^ (\.[A-Za-z0-9_.]+|COMMON)\s*(?:\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*))?$")
ADDR_RE = re.compile(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")


def component(path):
    for name, rx in COMPONENTS:
        if rx.search(path):
            return name
    return "other"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sizes = {}
    out_sec = None
    pending = None
    in_map = False
    with open(sys.argv[1]) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("Linker script and memory map"):
                in_map = True
                continue
            if not in_map:
                continue
            m = re.match(r"^(\.[A-Za-z0-9_.]+)\s", line + " ")
            if m and not line.startswith(" "):
                out_sec = m.group(1)
                continue
            m = SECTION_RE.match(line)
            if m:
                if m.group(2) is None:
                    pending = m.group(1)
                    continue
                name, size, path = m.group(1), int(m.group(3), 16), m.group(4)
            elif pending is not None and ADDR_RE.match(line):
                a = ADDR_RE.match(line)
                name, size, path = pending, int(a.group(2), 16), a.group(3)
            else:
                pending = None
                continue
            pending = None
            if size == 0 or out_sec not in (".text", ".data", ".bss"):
                continue
            key = (component(path), out_sec)
            sizes[key] = sizes.get(key, 0) + size
            for part, rx in PARTS:
                if rx.search(path):
                    sizes[(part, out_sec)] = sizes.get((part, out_sec), 0) + size
    names = [c for c, _ in COMPONENTS] + ["other"]
    print("| component | flash (text+rodata+data) B | RAM (data+bss) B |")
    print("| --- | ---: | ---: |")
    tf = tr = 0
    for c in names:
        text, data, bss = (sizes.get((c, s), 0) for s in (".text", ".data", ".bss"))
        if text + data + bss == 0:
            continue
        tf += text + data
        tr += data + bss
        print(f"| {c} | {text + data} | {data + bss} |")
    print(f"| **total** | **{tf}** | **{tr}** |")
    for part, _ in PARTS:
        text, data, bss = (sizes.get((part, s), 0) for s in (".text", ".data", ".bss"))
        print(f"| {part} | {text + data} | {data + bss} |")


if __name__ == "__main__":
    main()
