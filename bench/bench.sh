#!/usr/bin/env bash
# bench/bench.sh - rsp next to HAProxy and nginx on this machine: loopback only, every run bounded in time.
#
#   mvn -B -q package -DskipTests && bench/bench.sh            # ~6 min with the defaults below
#
# Runs ../shared/bench/anchor-bench.sh (backends: nginx serving 100 B and 1 MiB; proxies: HAProxy and nginx with
# keep-alive on both sides and consistent hashing on the host) with rsp from distribution/target/rsp as the extra
# target, pinned like the others, interleaved and repeated; then the idle-connection memory row (bench/memory.sh)
# and the 10,000-distinct-hosts row (bench/hosts.sh);
# then prints the medians, the ratios rsp/HAProxy, rsp/nginx, rsp/direct and rsp/faster-of-the-two, and writes them
# as JSON (summary.json in the results directory).
#
# With OVERLOAD=1 it also runs bench/overload.sh (bursts, idle connections, aborts; rsp, HAProxy and nginx, ~6 more
# minutes at BURSTS=3 SETTLE=30 IDLE_STEPS="5000 10000" ABORTS=3) and adds its memory rows to the table.
# Knobs (env): REPS=3 DUR=8 WARM=2 PREWARM=10 PIN=split01 RSP_PORT=8003 ANCHOR=<path to anchor-bench.sh>
#              MEMORY=1 HOSTS=1 (0 skips the memory or the hosts row) OVERLOAD=0 RSP_BUFFER_SIZE=16384
#              RSP_CORE_EXTRA=<more rsp.core lines, e.g. 'buffer.bulk.size = 0' for an A/B>
#              RSP_JAVA_EXTRA=<more JVM options for rsp, e.g. -XX:CompileThresholdScaling=1>
#              OUT_DIR=<results dir, default bench/results/<date>>
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ANCHOR=${ANCHOR:-$ROOT/../shared/bench/anchor-bench.sh}
DIST=$ROOT/distribution/target/rsp
RSP_PORT=${RSP_PORT:-8003}
OUT_DIR=${OUT_DIR:-$ROOT/bench/results/$(date +%Y%m%d-%H%M%S)}
export REPS=${REPS:-3} DUR=${DUR:-8} WARM=${WARM:-2} PREWARM=${PREWARM:-10} PIN=${PIN:-split01}

[ -x "$DIST/bin/rsp" ] || { echo "bench: build rsp first: mvn -B -q package -DskipTests" >&2; exit 2; }
[ -f "$ANCHOR" ] || { echo "bench: anchor script not found at $ANCHOR (set ANCHOR=...)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench: python3 is needed for the summary" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rsp-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
HOME_DIR=$("$ROOT/bench/rsp-home.sh" "$WORK/rsp" "$RSP_PORT" 127.0.0.1:9001 127.0.0.1:9002)
mkdir -p "$OUT_DIR"

# One loop: the anchor pins every server to one CPU, where a JVM sees one processor; fixed heap and GC so that
# ergonomics do not drift between runs.
EXTRA_NAME=rsp EXTRA_PORT=$RSP_PORT OUT_DIR=$OUT_DIR \
  EXTRA_CMD="env RSP_CDS=off RSP_JAVA_OPTS='-XX:+UseParallelGC -Xms512m -Xmx512m -XX:MaxDirectMemorySize=2g ${RSP_JAVA_EXTRA:-}' $HOME_DIR/bin/rsp" \
  bash "$ANCHOR" | tee "$OUT_DIR/anchor.txt"

java_bin=java; [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && java_bin=$JAVA_HOME/bin/java
echo "rsp java: $("$java_bin" -version 2>&1 | head -1) ($java_bin)" | tee -a "$OUT_DIR/env.txt"

if [ "${MEMORY:-1}" = 1 ]; then
  "$ROOT/bench/memory.sh" | tee "$OUT_DIR/memory.tsv"
fi
if [ "${HOSTS:-1}" = 1 ]; then
  "$ROOT/bench/hosts.sh" | tee "$OUT_DIR/hosts.tsv"
fi

if [ "${OVERLOAD:-0}" = 1 ]; then
  BURSTS=${BURSTS:-3} SETTLE=${SETTLE:-30} IDLE_STEPS=${IDLE_STEPS:-"5000 10000"} ABORTS=${ABORTS:-3} \
    OUT_DIR="$OUT_DIR/overload" "$ROOT/bench/overload.sh" | tee "$OUT_DIR/overload.log"
fi

python3 "$ROOT/bench/summarize.py" "$OUT_DIR/runs.tsv" "$OUT_DIR/memory.tsv" "$OUT_DIR/summary.json" "$OUT_DIR/hosts.tsv" \
  "$OUT_DIR/overload/overload.txt"
