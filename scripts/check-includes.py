#!/usr/bin/env python3
"""check-includes.py - include arrows between the files of one program directory (e.g.
gateway/): a module is a .c file with its .h; module A depends on B when A's .c or .h
includes B's header. Fails (exit 1) on any circle of modules, and on an arrow out of a room
that a rule forbids: --forbid core:web,mqtt,admin means no file under core/ includes a header
that lives under web/, mqtt/ or admin/. Headers are found by name anywhere under the
directory (the build's include path); system and other programs' headers are ignored.
Usage: check-includes.py DIR [--forbid ROOM:ROOM,ROOM ...]"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def modules(top):
    """{module path without extension: [files]} and {header base name: module}"""
    mods, headers = {}, {}
    for root, _, files in os.walk(top):
        for f in sorted(files):
            if not f.endswith(('.c', '.h')):
                continue
            path = os.path.relpath(os.path.join(root, f), top)
            mod = path[:-2]
            mods.setdefault(mod, []).append(path)
            if f.endswith('.h'):
                if f in headers:
                    sys.exit(f'check-includes: two headers named {f} under {top}')
                headers[f] = mod
    return mods, headers


def edges(top, mods, headers):
    out = {m: set() for m in mods}
    for mod, files in mods.items():
        for f in files:
            with open(os.path.join(top, f), encoding='utf-8') as fh:
                for inc in INCLUDE.findall(fh.read()):
                    dep = headers.get(os.path.basename(inc))
                    if dep is not None and dep != mod:
                        out[mod].add(dep)
    return out


def circles(graph):
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index, low, stack, on, found, n = {}, {}, [], set(), [], [0]
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = n[0]
        n[0] += 1
        stack.append(start)
        on.add(start)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = n[0]
                    n[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    found.append(sorted(comp))
    return found


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    top, rules = argv[1], {}
    args = argv[2:]
    while args:
        if args[0] != '--forbid' or len(args) < 2 or ':' not in args[1]:
            sys.exit(__doc__)
        room, banned = args[1].split(':', 1)
        rules[room] = set(banned.split(','))
        args = args[2:]
    mods, headers = modules(top)
    graph = edges(top, mods, headers)
    bad = 0
    for comp in circles(graph):
        print('circle: ' + ' -> '.join(comp))
        bad += 1
    for mod in sorted(graph):
        room = mod.split('/', 1)[0] if '/' in mod else ''
        for dep in sorted(graph[mod]):
            dep_room = dep.split('/', 1)[0] if '/' in dep else ''
            if dep_room in rules.get(room, ()):
                print(f'forbidden: {mod} ({room}/) includes {dep} ({dep_room}/)')
                bad += 1
    print(f'{len(mods)} modules, {sum(len(d) for d in graph.values())} arrows, '
          f'{bad} problem(s)')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
