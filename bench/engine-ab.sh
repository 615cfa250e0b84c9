#!/usr/bin/env bash
# bench/engine-ab.sh - same-run A/B of the core engine without Felix (bench/RspBench.java, one loop) under load: two
# instances in front of one nginx serving 100 B, servers pinned to CPU 1, wrk (-t1 -c50, keep-alive) to CPU 0,
# 127.0.0.1 only; A and B interleaved, REPS repetitions of a WARM-second warm-up and a DUR-second run; medians, B/A.
# By default the A/B of the metrics: A records as usual, B runs with -Drsp.metrics.disabled=true.
#   mvn -B -q package -DskipTests -pl bench/jmh -am && bench/engine-ab.sh      (REPS=5 DUR=8: about 2 minutes)
# Two builds instead: keep a copy of an older bench/jmh/target/benchmarks.jar, then
#   JAR_A=/tmp/old-benchmarks.jar B_OPTS= bench/engine-ab.sh
# Knobs: REPS=5 DUR=8 WARM=2 JAR_A JAR_B (shaded jars holding rsp-core, rsp-api, slf4j-api) A_OPTS B_OPTS
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
REPS=${REPS:-5}; DUR=${DUR:-8}; WARM=${WARM:-2}
BE=${BE:-18480}; PA=${PA:-18481}; PB=${PB:-18482}
JAR_A=${JAR_A:-$ROOT/bench/jmh/target/benchmarks.jar}
JAR_B=${JAR_B:-$ROOT/bench/jmh/target/benchmarks.jar}
A_OPTS=${A_OPTS:-}
B_OPTS=${B_OPTS--Drsp.metrics.disabled=true}
for j in "$JAR_A" "$JAR_B"; do
  [ -f "$j" ] || { echo "no $j (build: mvn -B -q package -DskipTests -pl bench/jmh -am)" >&2; exit 2; }
done
bench_setup engine-ab java nginx wrk taskset curl

bench_backend "$BE" "$WORK/be.conf"
taskset -c 1 nginx -c "$WORK/be.conf" >"$WORK/nginx.out" 2>&1 & PIDS+=($!)
JOPTS=(-XX:+UseParallelGC -Xms512m -Xmx512m)
# shellcheck disable=SC2086  # A_OPTS and B_OPTS are lists of options
taskset -c 1 java "${JOPTS[@]}" $A_OPTS -cp "$JAR_A" "$ROOT/bench/RspBench.java" "$PA" 1 "127.0.0.1:$BE" \
  >"$WORK/a.out" 2>&1 & PIDS+=($!)
# shellcheck disable=SC2086
taskset -c 1 java "${JOPTS[@]}" $B_OPTS -cp "$JAR_B" "$ROOT/bench/RspBench.java" "$PB" 1 "127.0.0.1:$BE" \
  >"$WORK/b.out" 2>&1 & PIDS+=($!)
echo "A: $JAR_A $A_OPTS"
echo "B: $JAR_B $B_OPTS"
bench_ready "$BE"; bench_ready "$PA"; bench_ready "$PB"

run() {  # port seconds -> "req/s p99ms"
  taskset -c 0 timeout $(($2 + 20)) wrk -t1 -c50 -d"$2"s --latency -H "Host: bench.local" \
    "http://127.0.0.1:$1/small.bin" | awk '/^Requests\/sec/ {r=$2} /^ +99%/ {p=$2} END {
      if (p ~ /us$/) p = p / 1000; else if (p ~ /ms$/) p = p + 0; else if (p ~ /s$/) p = p * 1000; print r, p }'
}
for port in $PA $PB; do run "$port" 3 >/dev/null; done   # JIT warm-up of both
: >"$WORK/results"
for rep in $(seq "$REPS"); do
  for arm in A B; do
    port=$PA; [ "$arm" = B ] && port=$PB
    run "$port" "$WARM" >/dev/null
    echo "$arm $(run "$port" "$DUR")" | tee -a "$WORK/results"
  done
done
awk '{ r[$1] = r[$1] " " $2; p[$1] = p[$1] " " $3 }
  function median(s,   a, n, i, j, t) { n = split(s, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
    if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }; return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  END { ra = median(r["A"]); rb = median(r["B"]); pa = median(p["A"]); pb = median(p["B"]);
    printf "A: %.0f req/s, p99 %.2f ms\nB: %.0f req/s, p99 %.2f ms\n", ra, pa, rb, pb
    printf "B/A req/s %.3f, p99 %.3f (medians of %d interleaved runs)\n", rb / ra, pb / pa, split(r["A"], x, " ") }' \
  "$WORK/results"
