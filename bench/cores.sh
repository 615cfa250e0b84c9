#!/usr/bin/env bash
# bench/cores.sh - issue 24 goal 6: rsp, HAProxy and nginx on both cores, and how each scales from one thread to two.
#
#   mvn -B -q package -DskipTests && flock /tmp/rsp-bench.lock bench/cores.sh     # ~12 min with the defaults
#
# Runs ../shared/bench/anchor-bench.sh twice, unpinned (PIN=none: this machine has two CPUs, so there is no third one
# for the load generator; wrk, the proxy and the two backends share both), with wrk -t2 in both:
#   1 thread:  HAProxy nbthread 1, nginx worker_processes 1, rsp loops = 1 (the anchor as it is)
#   2 threads: HAProxy nbthread 2, nginx worker_processes 2, rsp loops = 2 (a copy of the anchor with those two lines
#              changed; its backends keep one worker each)
# and prints, per case and proxy, the medians of both, the scaling (2 threads / 1 thread) and rsp against the faster
# of HAProxy and nginx at two threads. Server CPU per request is not comparable here (nothing is pinned), so the
# table shows throughput and p99 only.
# Knobs (env): REPS=3 DUR=8 WARM=2 PREWARM=10 CASES="small big close" ANCHOR=<path> OUT_DIR=<dir>
#              RSP_JAVA_EXTRA=<more JVM options for rsp>
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ANCHOR=${ANCHOR:-$ROOT/../shared/bench/anchor-bench.sh}
DIST=$ROOT/distribution/target/rsp
OUT_DIR=${OUT_DIR:-$ROOT/bench/results/cores-$(date +%Y%m%d-%H%M%S)}
export REPS=${REPS:-3} DUR=${DUR:-8} WARM=${WARM:-2} PREWARM=${PREWARM:-10} PIN=none THREADS=2
export CASES=${CASES:-"small big close"} TARGETS="haproxy nginx"

[ -x "$DIST/bin/rsp" ] || { echo "cores: build rsp first: mvn -B -q package -DskipTests" >&2; exit 2; }
[ -f "$ANCHOR" ] || { echo "cores: anchor script not found at $ANCHOR (set ANCHOR=...)" >&2; exit 2; }
[ "$(nproc)" -ge 2 ] || { echo "cores: needs two CPUs, this machine has $(nproc)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rsp-cores.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT_DIR"

# The two-thread anchor: only the proxies' thread lines change (the backends' nginx keeps worker_processes 1).
sed -e 's/^  nbthread 1$/  nbthread 2/' \
    -e '/nginx-proxy.conf" <<EOF/,/^worker_processes/ s/^worker_processes 1;$/worker_processes 2;/' \
    "$ANCHOR" >"$WORK/anchor2.sh"
[ "$(diff "$ANCHOR" "$WORK/anchor2.sh" | grep -c '^>')" = 2 ] ||
  { echo "cores: could not set nbthread 2 and the proxy's worker_processes 2 in a copy of $ANCHOR" >&2; exit 1; }

for n in 1 2; do
  anchor=$ANCHOR; [ "$n" = 2 ] && anchor=$WORK/anchor2.sh
  home=$(RSP_LOOPS=$n "$ROOT/bench/rsp-home.sh" "$WORK/rsp$n" 8003 127.0.0.1:9001 127.0.0.1:9002)
  grep -q "^loops = $n$" "$home/etc/rsp.core.cfg" || { echo "cores: rsp home without loops = $n" >&2; exit 1; }
  echo "== $n thread(s) per proxy, unpinned"
  EXTRA_NAME=rsp EXTRA_PORT=8003 OUT_DIR=$OUT_DIR/threads$n \
    EXTRA_CMD="env RSP_CDS=off RSP_JAVA_OPTS='-XX:+UseParallelGC -Xms512m -Xmx512m -XX:MaxDirectMemorySize=2g ${RSP_JAVA_EXTRA:-}' $home/bin/rsp" \
    bash "$anchor" | tee "$OUT_DIR/anchor$n.txt"
done

python3 - "$OUT_DIR/threads1/runs.tsv" "$OUT_DIR/threads2/runs.tsv" <<'EOF' | tee "$OUT_DIR/summary.txt"
import csv, statistics, sys
def load(path):
    rows = {}
    for r in csv.DictReader(open(path), delimiter="\t"):
        rows.setdefault((r["case"], r["target"]), []).append(r)
    return rows
one, two = load(sys.argv[1]), load(sys.argv[2])
def med(rows, case, target, field):
    vals = [float(r[field]) for r in rows.get((case, target), []) if r[field] not in ("", "-")]
    return statistics.median(vals) if vals else None
print("case\tproxy\t1 thread\t2 threads\tscaling\tp99 ms 1 / 2\trsp/faster at 2 threads (p99)")
for case in ("small", "big", "close"):
    metric = "mibps" if case == "big" else "rps"
    if (case, "rsp") not in two:
        continue
    faster = max(("haproxy", "nginx"), key=lambda t: med(two, case, t, metric) or 0)
    for t in ("haproxy", "nginx", "rsp"):
        a, b = med(one, case, t, metric), med(two, case, t, metric)
        p1, p2 = med(one, case, t, "p99_ms"), med(two, case, t, "p99_ms")
        vs = ""
        if t == "rsp":
            f, fp = med(two, case, faster, metric), med(two, case, faster, "p99_ms")
            vs = f"{b / f:.3f}x {faster} ({p2 / fp:.2f})"
        unit = " MiB/s" if case == "big" else ""
        print(f"{case}\t{t}\t{a:,.0f}{unit}\t{b:,.0f}{unit}\t{b / a:.2f}x\t{p1:.2f} / {p2:.2f}\t{vs}")
EOF
echo "results: $OUT_DIR"
