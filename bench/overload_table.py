#!/usr/bin/env python3
"""Prints the table of bench/overload.sh from its overload.txt (every target in the file, in order; a later run of a
target replaces an earlier one). Usage: overload_table.py overload.txt"""
import re
import statistics
import sys

IDLE_STEPS = re.compile(r"\b(\d+)\b")
rows = {}
idle_head = {}
for line in open(sys.argv[1]):
    parts = line.rstrip("\n").split("\t")
    if line.startswith("#") or len(parts) < 4:
        continue
    rows.setdefault(parts[1], {})[parts[0]] = parts[3:]
    if parts[0] == "idle":
        idle_head[parts[1]] = parts[2].replace("MiB at 0", "")


def abort(r, kind):
    """The median time, or how many stayed open; the old single "abort" row counts as a close."""
    times = r.get(kind, r.get("abort", [""]) if kind == "abort-close" else [""])[0].split()
    closed = [float(t) for t in times if t not in ("-", "failed")]
    if not times:
        return ""
    if len(closed) < len(times):
        text = "%d of %d still open after 10 s" % (len(times) - len(closed), len(times))
        return text + ("; others %.1f ms" % statistics.median(closed) if closed else "")
    return "%.1f ms" % statistics.median(closed)


print("| target | RSS fresh | after each burst | settled | idle RSS at 0 / steps | KiB per idle connection: each step (whole range) | client closes: backend closed after (median) | client resets: same |")
print("|---|---|---|---|---|---|---|---|")
for name, r in rows.items():
    b = r.get("bursts", [""])[0].split()
    idle = r.get("idle", ["", ""])
    per = idle[1].split(":", 1)[1].strip() if len(idle) > 1 and ":" in idle[1] else ""
    rss = [float(x) for x in idle[0].split()]
    steps = [int(x) for x in IDLE_STEPS.findall(idle_head.get(name, ""))]
    whole = ""
    if len(rss) > 1 and len(steps) >= len(rss) - 1:
        whole = " (%.1f)" % ((rss[-1] - rss[0]) * 1024 / steps[len(rss) - 2])
    print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (name, b[0] if b else "", " / ".join(b[1:-1]), b[-1] if len(b) > 1 else "",
        " / ".join(idle[0].split()), " / ".join(per.split()) + whole, abort(r, "abort-close"), abort(r, "abort-reset")))
