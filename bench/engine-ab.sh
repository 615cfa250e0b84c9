#!/usr/bin/env bash
# bench/engine-ab.sh - same-run A/B of the core engine without Felix (bench/RspBench.java, one loop) under load: two
# instances in front of one nginx serving 100 B, servers pinned to CPU 1, wrk (-t1 -c50, keep-alive) to CPU 0,
# 127.0.0.1 only; A and B interleaved, REPS repetitions of a WARM-second warm-up and a DUR-second run; medians, B/A.
# By default the A/B of the metrics: A records as usual, B runs with -Drsp.metrics.disabled=true.
#   mvn -B -q package -DskipTests -pl bench/jmh -am && bench/engine-ab.sh      (REPS=5 DUR=8: about 2 minutes)
# Two builds instead: keep a copy of an older bench/jmh/target/benchmarks.jar, then
#   JAR_A=/tmp/old-benchmarks.jar B_OPTS= bench/engine-ab.sh
# Knobs: REPS=5 DUR=8 WARM=2 JAR_A JAR_B (shaded jars holding rsp-core, rsp-api, slf4j-api) A_OPTS B_OPTS
#   MAIN_A MAIN_B: the RspBench.java each arm runs (default bench/RspBench.java; an older build may need its own)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
REPS=${REPS:-5}; DUR=${DUR:-8}; WARM=${WARM:-2}
BE=${BE:-18480}; PA=${PA:-18481}; PB=${PB:-18482}
JAR_A=${JAR_A:-$ROOT/bench/jmh/target/benchmarks.jar}
JAR_B=${JAR_B:-$ROOT/bench/jmh/target/benchmarks.jar}
MAIN_A=${MAIN_A:-$ROOT/bench/RspBench.java}
MAIN_B=${MAIN_B:-$ROOT/bench/RspBench.java}
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
taskset -c 1 java "${JOPTS[@]}" $A_OPTS -cp "$JAR_A" "$MAIN_A" "$PA" 1 "127.0.0.1:$BE" \
  >"$WORK/a.out" 2>&1 & PIDS+=($!); PID_A=$!
# shellcheck disable=SC2086
taskset -c 1 java "${JOPTS[@]}" $B_OPTS -cp "$JAR_B" "$MAIN_B" "$PB" 1 "127.0.0.1:$BE" \
  >"$WORK/b.out" 2>&1 & PIDS+=($!); PID_B=$!
echo "A: $JAR_A $A_OPTS"
echo "B: $JAR_B $B_OPTS"
bench_ready "$BE"; bench_ready "$PA"; bench_ready "$PB"

cpu_ticks() {  # pid -> user + system clock ticks so far
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}
# port seconds pid -> "req/s p99ms cpu-us-per-request" (the server's own CPU time per request: much less sensitive to
# other load on a shared machine than throughput)
run() {
  local before after
  before=$(cpu_ticks "$3")
  taskset -c 0 timeout $(($2 + 20)) wrk -t1 -c50 -d"$2"s --latency -H "Host: bench.local" \
    "http://127.0.0.1:$1/small.bin" >"$WORK/wrk.out"
  after=$(cpu_ticks "$3")
  awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '/requests in/ {n=$1} /^Requests\/sec/ {r=$2}
    /^ +99%/ {p=$2} END { if (p ~ /us$/) p = p / 1000; else if (p ~ /ms$/) p = p + 0; else if (p ~ /s$/) p = p * 1000
    printf "%s %s %.2f\n", r, p, (n > 0 ? ticks * 1e6 / hz / n : 0) }' "$WORK/wrk.out"
}
run "$PA" 3 "$PID_A" >/dev/null; run "$PB" 3 "$PID_B" >/dev/null   # JIT warm-up of both
: >"$WORK/results"
for rep in $(seq "$REPS"); do
  for arm in A B; do
    port=$PA; pid=$PID_A; [ "$arm" = B ] && { port=$PB; pid=$PID_B; }
    run "$port" "$WARM" "$pid" >/dev/null
    echo "$arm $(run "$port" "$DUR" "$pid")" | tee -a "$WORK/results"
  done
done
awk '{ r[$1] = r[$1] " " $2; p[$1] = p[$1] " " $3; c[$1] = c[$1] " " $4 }
  function median(s,   a, n, i, j, t) { n = split(s, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
    if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }; return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  END { ra = median(r["A"]); rb = median(r["B"]); pa = median(p["A"]); pb = median(p["B"]);
    printf "A: %.0f req/s, p99 %.2f ms\nB: %.0f req/s, p99 %.2f ms\n", ra, pa, rb, pb
    printf "B/A req/s %.3f, p99 %.3f (medians of %d interleaved runs)\n", rb / ra, pb / pa, split(r["A"], x, " ")
    ca = median(c["A"]); cb = median(c["B"])
    printf "server CPU per request: A %.2f us, B %.2f us, B/A %.3f\n", ca, cb, cb / ca }' \
  "$WORK/results"
