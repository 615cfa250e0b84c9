#!/usr/bin/env bash
# bench/syscalls.sh - system calls per proxied connection: strace -c on rsp's loop thread while wrk opens a new
# connection per request (Connection: close) against rsp in front of one nginx serving 100 B; 127.0.0.1 only, bounded.
#   mvn -B -q package -DskipTests && bench/syscalls.sh        (about 20 s; needs strace, wrk, nginx, curl)
# Prints strace's table and the calls per connection (calls / accepted connections). The count is what matters, not
# the times: strace slows every call. Knobs: C=50 (wrk connections) D=3 (seconds traced) PORT_BE=19101 PORT=19102
# CASE=close (new connection per 100 B request) or CASE=big (1 MiB over keep-alive: then calls per response)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
C=${C:-50}; D=${D:-3}; PORT_BE=${PORT_BE:-19101}; PORT=${PORT:-19102}; CASE=${CASE:-close}
if [ "$CASE" = big ]; then FILE=big.bin; CLOSE=(); else FILE=small.bin; CLOSE=(-H "Connection: close"); fi
bench_setup syscalls java nginx wrk curl strace
bench_backend "$PORT_BE" "$WORK/be.conf"
head -c 1048576 /dev/zero >"$WORK/www/big.bin"; chmod a+r "$WORK/www/big.bin"
nginx -c "$WORK/be.conf" >"$WORK/nginx.out" 2>&1 & PIDS+=($!)
HOME_DIR=$("$ROOT/bench/rsp-home.sh" "$WORK/rsp" "$PORT" "127.0.0.1:$PORT_BE")
env RSP_JAVA_OPTS='-XX:+UseParallelGC -Xms512m -Xmx512m' "$HOME_DIR/bin/rsp" >"$WORK/rsp.out" 2>&1 & PIDS+=($!)
bench_ready "$PORT_BE"; bench_ready "$PORT"
# warm up, then find the loop thread
timeout 20 wrk -t1 -c"$C" -d3s -H "Host: bench.local" "${CLOSE[@]}" "http://127.0.0.1:$PORT/$FILE" >/dev/null
pid=$(pgrep -f -- "$HOME_DIR" | while read -r p; do [ "$(cat /proc/"$p"/comm 2>/dev/null)" = java ] && echo "$p"; done | head -1)
tid=$(grep -l '^rsp-loop-0$' /proc/"$pid"/task/*/comm | head -1 | cut -d/ -f5)
[ -n "$tid" ] || { echo "syscalls: no rsp-loop-0 thread in process $pid" >&2; exit 1; }
timeout $((D + 30)) strace -c -p "$tid" -o "$WORK/strace.txt" 2>/dev/null & tracer=$!
sleep 1   # strace attaches
timeout $((D + 20)) wrk -t1 -c"$C" -d"${D}s" -H "Host: bench.local" "${CLOSE[@]}" "http://127.0.0.1:$PORT/$FILE" \
  | tee "$WORK/wrk.txt" | grep -E "requests in|Requests/sec"
sleep 0.5
kill -INT "$tracer"; wait "$tracer" || true
cat "$WORK/strace.txt"
if [ "$CASE" = big ]; then
  n=$(awk '/requests in/ { print $1 }' "$WORK/wrk.txt")
  awk -v n="$n" '$NF == "total" { printf "system calls per 1 MiB response: %.1f (%d calls, %d responses; strace slows rsp)\n", $4 / n, $4, n }' \
    "$WORK/strace.txt"
else
  awk '$NF == "accept" || $NF == "accept4" { acc = $4 - (NF == 6 ? $5 : 0) } $NF == "total" { total = $4 }
       END { if (acc > 0) printf "system calls per connection: %.1f (%d calls, %d connections accepted)\n", total / acc, total, acc }' \
    "$WORK/strace.txt"
fi
