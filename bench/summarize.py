#!/usr/bin/env python3
"""Summarizes a bench run: medians per case and target from the anchor script's runs.tsv, the memory row from
memory.tsv, the 10,000-hosts row from hosts.tsv, the ratios of rsp to HAProxy, nginx, direct and the faster of
HAProxy and nginx, and the targets of the benchmark issue. Writes JSON and prints a table.
Also the overload rows (RSS fresh, peak over the bursts, settled; idle RSS) from bench/overload.sh's overload.txt.
Usage: summarize.py runs.tsv memory.tsv summary.json [hosts.tsv [overload.txt]]"""
import csv
import json
import os
import statistics
import sys

runs_path, memory_path, out_path = sys.argv[1], sys.argv[2], sys.argv[3]
hosts_path = sys.argv[4] if len(sys.argv) > 4 else ""
overload_path = sys.argv[5] if len(sys.argv) > 5 else ""

rows = {}
with open(runs_path) as f:
    for r in csv.DictReader(f, delimiter="\t"):
        key = (r["case"], r["target"])
        rows.setdefault(key, []).append(r)


def median(case, target, field):
    vals = [float(r[field]) for r in rows.get((case, target), []) if r[field] not in ("", "-")]
    return statistics.median(vals) if vals else None


def ratio(a, b):
    return round(a / b, 3) if a is not None and b else None


summary = {"cases": {}, "memory": {}, "targets": {}}
for case in ("small", "big", "close"):
    c = {}
    for t in ("direct", "haproxy", "nginx", "rsp"):
        c[t] = {f: median(case, t, f) for f in ("rps", "mibps", "p50_ms", "p99_ms")}
    metric = "mibps" if case == "big" else "rps"
    faster = max(("haproxy", "nginx"), key=lambda t: c[t][metric] or 0)
    c["faster"] = faster
    c["ratios"] = {
        "rsp/haproxy": ratio(c["rsp"][metric], c["haproxy"][metric]),
        "rsp/nginx": ratio(c["rsp"][metric], c["nginx"][metric]),
        "rsp/direct": ratio(c["rsp"][metric], c["direct"][metric]),
        "rsp/faster": ratio(c["rsp"][metric], c[faster][metric]),
        "p99 rsp/faster": ratio(c["rsp"]["p99_ms"], c[faster]["p99_ms"]),
    }
    summary["cases"][case] = c

if os.path.exists(memory_path):
    with open(memory_path) as f:
        for r in csv.DictReader(f, delimiter="\t"):
            summary["memory"][r["target"]] = {k: float(v) for k, v in r.items() if k != "target"}

if hosts_path and os.path.exists(hosts_path):
    by_target = {}
    with open(hosts_path) as f:
        for r in csv.DictReader(f, delimiter="\t"):
            by_target.setdefault(r["target"], []).append(r)
    hosts = {t: {"rps": statistics.median(float(r["req_per_s"]) for r in rs),
                 "p99_ms": statistics.median(float(r["p99_ms"]) for r in rs)} for t, rs in by_target.items()}
    if {"rsp", "haproxy", "nginx"} <= hosts.keys():
        faster = max(("haproxy", "nginx"), key=lambda t: hosts[t]["rps"])
        hosts["rsp/faster"] = ratio(hosts["rsp"]["rps"], hosts[faster]["rps"])
    if {"rsp", "rsp-lua"} <= hosts.keys():
        hosts["rsp-lua/rsp"] = ratio(hosts["rsp-lua"]["rps"], hosts["rsp"]["rps"])
    summary["hosts_10000"] = hosts

if overload_path and os.path.exists(overload_path):
    over = {}
    with open(overload_path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 4 and parts[0] == "bursts":
                mib = [float(x) for x in parts[3].split()]
                over.setdefault(parts[1], {}).update(
                    {"fresh_mib": mib[0], "peak_mib": max(mib[1:-1] or mib), "settled_mib": mib[-1]})
            elif len(parts) >= 4 and parts[0] == "idle":
                mib = [float(x) for x in parts[3].split()]
                over.setdefault(parts[1], {}).update({"idle_0_mib": mib[0], "idle_last_mib": mib[-1]})
    summary["overload"] = over

cs = summary["cases"]
mem = summary["memory"]
summary["targets"] = {
    "keep-alive small req/s >= 1.0x faster": (cs["small"]["ratios"]["rsp/faster"] or 0) >= 1.0,
    "keep-alive small p99 <= 1.2x faster": (cs["small"]["ratios"]["p99 rsp/faster"] or 99) <= 1.2,
    "1 MiB throughput >= 1.0x faster": (cs["big"]["ratios"]["rsp/faster"] or 0) >= 1.0,
    "new connection per request >= 1.0x faster": (cs["close"]["ratios"]["rsp/faster"] or 0) >= 1.0,
}
if summary.get("hosts_10000", {}).get("rsp-lua/rsp") is not None:
    summary["targets"]["Lua row >= 0.9x the host-hash row"] = summary["hosts_10000"]["rsp-lua/rsp"] >= 0.9
if "rsp" in mem and "haproxy" in mem and mem["haproxy"]["bytes_per_connection"] > 0:
    m = mem["rsp"]["bytes_per_connection"] / mem["haproxy"]["bytes_per_connection"]
    summary["memory"]["rsp/haproxy"] = round(m, 2)
    summary["targets"]["memory per connection <= 2x HAProxy"] = m <= 2.0

with open(out_path, "w") as f:
    json.dump(summary, f, indent=2)

print("\ncase   metric      direct    haproxy      nginx        rsp  rsp/hap rsp/ngx rsp/dir rsp/faster  p99 rsp/faster")
for case, c in cs.items():
    metric = "mibps" if case == "big" else "rps"
    v = [c[t][metric] for t in ("direct", "haproxy", "nginx", "rsp")]
    r = c["ratios"]
    print("%-6s %-8s %10.0f %10.0f %10.0f %10.0f %8s %7s %7s %10s %15s" % (
        case, "MiB/s" if metric == "mibps" else "req/s", *[x or 0 for x in v],
        r["rsp/haproxy"], r["rsp/nginx"], r["rsp/direct"], r["rsp/faster"], r["p99 rsp/faster"]))
for t, m in mem.items():
    if isinstance(m, dict):
        print("memory %-8s %8.0f bytes per idle keep-alive connection" % (t, m["bytes_per_connection"]))
for t, o in summary.get("overload", {}).items():
    print("bursts %-8s RSS MiB fresh %s, peak %s, settled %s; idle connections RSS MiB %s -> %s" % (
        t, o.get("fresh_mib"), o.get("peak_mib"), o.get("settled_mib"), o.get("idle_0_mib"), o.get("idle_last_mib")))
if "hosts_10000" in summary:
    h = summary["hosts_10000"]
    print("10,000 hosts: " + ", ".join("%s %.0f req/s p99 %.2f ms" % (t, v["rps"], v["p99_ms"])
                                      for t, v in h.items() if isinstance(v, dict))
          + ", rsp/faster %s, rsp-lua/rsp %s" % (h.get("rsp/faster"), h.get("rsp-lua/rsp")))
print()
for k, ok in summary["targets"].items():
    print("%-45s %s" % (k, "met" if ok else "MISSED"))
print("\nJSON:", out_path)
