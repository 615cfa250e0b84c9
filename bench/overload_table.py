#!/usr/bin/env python3
"""Prints the table of bench/overload.sh from its overload.txt (every target in the file, in order; a later run of a
target replaces an earlier one). Usage: overload_table.py overload.txt"""
import statistics
import sys

rows = {}
for line in open(sys.argv[1]):
    parts = line.rstrip("\n").split("\t")
    if line.startswith("#") or len(parts) < 4:
        continue
    rows.setdefault(parts[1], {})[parts[0]] = parts[3:]

print("| target | RSS fresh | after each burst | settled | idle RSS at 0 / steps | KiB per idle connection, each step | abort: backend closed after (median) |")
print("|---|---|---|---|---|---|---|")
for name, r in rows.items():
    b = r.get("bursts", [""])[0].split()
    idle = r.get("idle", ["", ""])
    per = idle[1].split(":", 1)[1].strip() if len(idle) > 1 and ":" in idle[1] else ""
    aborts = r.get("abort", [""])[0].split()
    closed = [float(a) for a in aborts if a not in ("-", "failed")]
    if not aborts:
        abort = ""
    elif len(closed) < len(aborts):
        abort = "%d of %d still open after 10 s" % (len(aborts) - len(closed), len(aborts))
        if closed:
            abort += "; others %.1f ms" % statistics.median(closed)
    else:
        abort = "%.1f ms" % statistics.median(closed)
    print("| %s | %s | %s | %s | %s | %s | %s |" % (name, b[0] if b else "", " / ".join(b[1:-1]), b[-1] if len(b) > 1 else "",
                                                 " / ".join(idle[0].split()), " / ".join(per.split()), abort))
