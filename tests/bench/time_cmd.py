#!/usr/bin/env python3
"""time_cmd.py - times a command's output for the audit benchmarks (scripts/bench.sh):
runs it RUNS times, reads its stdout as it comes and reports the medians of the time to
the first byte, the time to the end, and the command's own CPU time (user + system, from
wait4: what load on a shared machine changes least), plus the lines of output; with
--json, checks that the last run's output is one valid JSON array and counts its items.
usage: time_cmd.py RUNS [--json] -- CMD [ARGS...]"""
import json
import os
import statistics
import sys
import time


def run_once(cmd):
    r, w = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.dup2(w, 1)
        os.close(r)
        os.close(w)
        os.execvp(cmd[0], cmd)
    os.close(w)
    first, chunks = None, []
    while True:
        b = os.read(r, 1 << 16)
        if not b:
            break
        if first is None:
            first = time.monotonic()
        chunks.append(b)
    end = time.monotonic()
    os.close(r)
    _, status, ru = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("time_cmd.py: %s failed" % " ".join(cmd))
    out = b"".join(chunks)
    first = first if first is not None else end
    return (first - start) * 1000, (end - start) * 1000, (ru.ru_utime + ru.ru_stime) * 1000, out


def main():
    args = sys.argv[1:]
    if len(args) < 3 or "--" not in args:
        sys.exit(__doc__)
    runs = int(args[0])
    check_json = "--json" in args[1:args.index("--")]
    cmd = args[args.index("--") + 1:]
    res = [run_once(cmd) for _ in range(runs)]
    med = [statistics.median(x[i] for x in res) for i in range(3)]
    out = res[-1][3]
    line = "first_ms=%.1f total_ms=%.1f cpu_ms=%.1f lines=%d bytes=%d" % (
        med[0], med[1], med[2], out.count(b"\n"), len(out))
    if check_json:
        items = json.loads(out)
        if not isinstance(items, list):
            sys.exit("time_cmd.py: not a JSON array")
        line += " json_items=%d" % len(items)
    print(line)


if __name__ == "__main__":
    main()
