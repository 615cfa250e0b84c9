#!/usr/bin/env bash
# bench/overload.sh - memory under bursts, idle connections and client aborts: rsp next to HAProxy and nginx on the
# same nginx backend, one target at a time, loopback only, every step bounded in time.
#
#   mvn -B -q package -DskipTests -pl distribution -am && bench/overload.sh      # ~5 min with the defaults
#
# (a) bursts: BURSTS times, wrk with BURST_CONNS concurrent keep-alive connections for BURST_SECS s (100-byte
#     answers); the proxy's RSS fresh (after 200 warm-up requests), after each burst, and after SETTLE s idle (the
#     RSS every 5 s of that wait goes to settle.txt in the results).
# (b) idle connections, on a fresh start of the proxy: IDLE_STEPS cumulative counts of keep-alive connections that each made one request and stay
#     open (bench/idle_clients.py); RSS at each step (IDLE_WAIT s after the step: long enough for rsp's idle collection,
#     so what is measured is what the connections keep, not the garbage of the requests that opened them) and the
#     marginal bytes per connection of each step, the way issue #21 measures it (5,000 more once 5,000 are open).
# (c) abort: ABORTS times, a client sends a request that the backend (bench/slow_backend.py) never answers, waits
#     until the backend has it, and closes (FIN) or resets (RST): milliseconds until the backend sees its connection
#     closed; one that is still open after 10 s counts as "-".
# RSS: /proc/PID/status VmRSS of the proxy (nginx: master + worker). rsp runs with the JVM settings bin/rsp derives
# from limits.memory (1g unless LIMITS_MEMORY is set); RSP_OPTS is passed as RSP_JAVA_OPTS.
#
# Knobs (env): TARGETS="rsp haproxy nginx" BURST_CONNS=9000 BURSTS=5 BURST_SECS=3 SETTLE=40 IDLE_STEPS="5000 10000 15000"
#              IDLE_WAIT=10 ABORTS=5 LIMITS_MEMORY= RSP_CFG=<lines added to rsp.core.cfg> RSP_OPTS= RSP_DIST=<a built distribution, default
#              distribution/target/rsp> RSP_NAME=rsp (its label) HISTO=0 (1: jcmd GC.class_histogram of rsp at each
#              idle step, and its heap and native memory once settled, into the results) OUT_DIR=bench/results/overload-<date>
# 50,000 idle connections need 50,000 descriptors in one process; the step is skipped when ulimit -n cannot be raised.
set -Eeuo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGETS=${TARGETS:-"rsp haproxy nginx"}
BURST_CONNS=${BURST_CONNS:-9000} BURSTS=${BURSTS:-5} BURST_SECS=${BURST_SECS:-3} SETTLE=${SETTLE:-40}
IDLE_STEPS=${IDLE_STEPS:-"5000 10000 15000"} IDLE_WAIT=${IDLE_WAIT:-10} ABORTS=${ABORTS:-5}
RSP_NAME=${RSP_NAME:-rsp} HISTO=${HISTO:-0}
OUT_DIR=${OUT_DIR:-$ROOT/bench/results/overload-$(date +%Y%m%d-%H%M%S)}
BE_PORT=9021 SLOW_PORT=9022 PORT=8111
. "$ROOT/bench/lib.sh"

ulimit -n "$(ulimit -Hn)"
fds=$(ulimit -n)
steps=()
for s in $IDLE_STEPS; do
  if [ "$s" -lt $((fds - 1000)) ]; then steps+=("$s"); else echo "overload: skipping $s idle connections: ulimit -n is $fds" >&2; fi
done
maxconn=$BURST_CONNS
for s in "${steps[@]}"; do [ "$s" -gt "$maxconn" ] && maxconn=$s; done
# HAProxy reserves two descriptors per connection and refuses to start beyond ulimit -n: its idle steps stop there.
hap_maxconn=$(( maxconn + 100 < (fds - 100) / 2 ? maxconn + 100 : (fds - 100) / 2 ))

bench_setup overload nginx haproxy wrk python3 curl
mkdir -p "$OUT_DIR"
bench_backend "$BE_PORT" "$WORK/be.conf"
sed -i -e 's/worker_processes 1;/worker_processes 1; worker_rlimit_nofile '"$fds"';/' \
       -e 's/worker_connections 16384;/worker_connections '"$((fds - 100))"';/' "$WORK/be.conf"
nginx -c "$WORK/be.conf" -p "$WORK" & PIDS+=($!)
python3 -u "$ROOT/bench/slow_backend.py" "$SLOW_PORT" >"$WORK/slow.log" & PIDS+=($!)
bench_ready "$BE_PORT"

haproxy_conf() {  # backend-port
  cat <<CONF
global
  nbthread 1
  maxconn $hap_maxconn
defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 120s
  timeout server 60s
  timeout http-keep-alive 120s
frontend fe
  bind 127.0.0.1:$PORT backlog 16384
  default_backend be
backend be
  server be 127.0.0.1:$1
CONF
}

nginx_conf() {  # backend-port
  cat <<CONF
daemon off; worker_processes 1; worker_rlimit_nofile $fds; pid $WORK/ngx.pid; error_log $WORK/ngx.err warn;
events { worker_connections $((fds - 100)); }
http { access_log off; $NGTEMP keepalive_timeout 120s; keepalive_requests 100000000;
  upstream be { server 127.0.0.1:$1; keepalive 64; }
  server { listen 127.0.0.1:$PORT backlog=16384;
    location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host \$host; } } }
CONF
}

TPID="" TKIDS=""
start_target() {  # name backend-port
  case "$1" in
    haproxy)
      haproxy_conf "$2" >"$WORK/haproxy.cfg"
      haproxy -db -f "$WORK/haproxy.cfg" >"$WORK/target.log" 2>&1 & TPID=$!
      ;;
    nginx)
      nginx_conf "$2" >"$WORK/ngx.conf"
      nginx -c "$WORK/ngx.conf" -p "$WORK" >"$WORK/target.log" 2>&1 & TPID=$!
      ;;
    *)
      rm -rf "$WORK/rsp"
      "$ROOT/bench/rsp-home.sh" "$WORK/rsp" "$PORT" "127.0.0.1:$2" >/dev/null
      printf 'timeout.idle.ms = 120000\n' >>"$WORK/rsp/etc/rsp.core.cfg"
      [ -z "${LIMITS_MEMORY:-}" ] || printf 'limits.memory = %s\n' "$LIMITS_MEMORY" >>"$WORK/rsp/etc/rsp.core.cfg"
      [ -z "${RSP_CFG:-}" ] || printf '%s\n' "$RSP_CFG" >>"$WORK/rsp/etc/rsp.core.cfg"
      RSP_CDS=off RSP_JAVA_OPTS="${RSP_OPTS:-}" "$WORK/rsp/bin/rsp" >"$WORK/target.log" 2>&1 & TPID=$!
      ;;
  esac
  PIDS+=("$TPID")
  if [ "$2" = "$BE_PORT" ]; then
    bench_ready "$PORT" || { cat "$WORK/target.log" >&2; exit 1; }
  else
    local _
    for _ in $(seq 150); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
    sleep 1   # rsp's backend set settles after the listener opens
  fi
  TKIDS=$(ps -o pid= --ppid "$TPID" 2>/dev/null | tr -d ' ' | tr '\n' ' ' || true)
}

stop_target() {
  local k
  kill "$TPID" 2>/dev/null || true
  wait "$TPID" 2>/dev/null || true
  for k in $TKIDS; do kill "$k" 2>/dev/null || true; done
  TPID="" TKIDS=""
}

rss_mib() {  # the target's RSS (with its worker processes), MiB with one decimal
  local p kib=0 r
  for p in $TPID $TKIDS; do
    r=$(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    kib=$((kib + ${r:-0}))
  done
  awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }'
}

kib() { awk -v k="$1" 'BEGIN { printf "%d", k * 1024 }'; }

bursts() {  # name: prints "fresh b1 .. bN settled" (MiB) and the wrk errors to $WORK/wrk-<name>.txt
  local name=$1 row b
  for _ in $(seq 200); do curl -fs -o /dev/null -H 'Host: bench.local' "http://127.0.0.1:$PORT/small.bin"; done
  row=$(rss_mib)
  for b in $(seq "$BURSTS"); do
    timeout $((BURST_SECS + 30)) wrk -t 2 -c "$BURST_CONNS" -d "${BURST_SECS}s" --timeout 10s -H 'Host: bench.local' \
      "http://127.0.0.1:$PORT/small.bin" >>"$OUT_DIR/wrk-$name.txt" 2>&1 || echo "overload: wrk failed on $name" >&2
    sleep 1
    row="$row $(rss_mib)"
  done
  local waited=0 curve=""
  while [ "$waited" -lt "$SETTLE" ]; do   # the way back, every 5 s, into the results
    sleep 5
    waited=$((waited + 5))
    curve="$curve ${waited}s=$(rss_mib)"
  done
  echo "settle $name:$curve" >>"$OUT_DIR/settle.txt"
  if [ "$HISTO" = 1 ] && [ "$name" != haproxy ] && [ "$name" != nginx ]; then
    { jcmd "$TPID" GC.heap_info; jcmd "$TPID" VM.native_memory summary
      curl -s --max-time 5 http://127.0.0.1:9090/metrics | grep -E 'buffer_pool|decayed|rsp_backend_connections' || true
    } >"$OUT_DIR/settled-$name.txt" 2>&1 || true
  fi
  echo "$row $(rss_mib)"
}

idle() {  # name: prints "rss0 rss@step1 ..." (MiB) while holding the connections step by step
  local name=$1 row open=0 s i=0 fifo hold _ p
  local held=() holders=()
  row=$(rss_mib)
  for s in "${steps[@]}"; do
    if [ "$name" = haproxy ] && [ "$s" -gt $((hap_maxconn - 50)) ]; then
      echo "overload: HAProxy stops at $open idle connections here (maxconn $hap_maxconn, two descriptors each)" >&2
      break
    fi
    i=$((i + 1))
    fifo="$WORK/idle-$name-$i"
    mkfifo "$fifo"
    python3 "$ROOT/bench/idle_clients.py" "$PORT" $((s - open)) <"$fifo" >"$fifo.out" 2>&1 &
    holders+=($!)
    exec {hold}>"$fifo"   # the clients hold their connections until this closes
    held+=("$hold")
    for _ in $(seq 600); do grep -q '^ready' "$fifo.out" 2>/dev/null && break; kill -0 "${holders[-1]}" 2>/dev/null || break; sleep 0.2; done
    grep -q '^ready' "$fifo.out" || { echo "overload: idle clients failed on $name at $s:" >&2; cat "$fifo.out" >&2; break; }
    open=$s
    sleep "$IDLE_WAIT"
    row="$row $(rss_mib)"
    if [ "$HISTO" = 1 ] && [ "$name" != haproxy ] && [ "$name" != nginx ]; then
      jcmd "$TPID" GC.class_histogram >"$OUT_DIR/histo-$name-$s.txt" 2>&1 || true
    fi
  done
  for hold in "${held[@]}"; do exec {hold}>&-; done
  for p in "${holders[@]}"; do wait "$p" 2>/dev/null || true; done
  echo "$row"
}

aborts() {  # name how: prints the abort times (ms)
  python3 "$ROOT/bench/abort_client.py" "$PORT" "$WORK/slow.log" "$ABORTS" "$1-$2" "$2" 2>&1 || echo "failed"
}

printf '%s\n' "# overload.sh $(date -u +%FT%TZ) BURST_CONNS=$BURST_CONNS BURSTS=$BURSTS BURST_SECS=$BURST_SECS SETTLE=$SETTLE IDLE_STEPS='${steps[*]}' LIMITS_MEMORY=${LIMITS_MEMORY:-default} RSP_OPTS='${RSP_OPTS:-}'" \
  | tee -a "$OUT_DIR/overload.txt"
for t in $TARGETS; do
  name=$t
  [ "$t" = rsp ] && name=$RSP_NAME
  start_target "$t" "$BE_PORT"
  if [ "$t" = rsp ]; then
    opts=$("$WORK/rsp/bin/rsp" --jvm-options 2>/dev/null | tr '\n' ' ' || true)
    echo "# $name JVM options: ${opts:-none (a bin/rsp without --jvm-options)} ${RSP_OPTS:-}" | tee -a "$OUT_DIR/overload.txt"
  fi
  b=$(bursts "$name")
  printf 'bursts\t%s\tMiB fresh, after each of %d bursts of %d, after %d s idle:\t%s\n' "$name" "$BURSTS" "$BURST_CONNS" "$SETTLE" "$b" \
    | tee -a "$OUT_DIR/overload.txt"
  stop_target
  start_target "$t" "$BE_PORT"   # idle connections on a fresh process, as issue #21 measured them
  r=$(idle "$name")
  read -ra rs <<<"$r"
  per=""
  prev=0
  for ((k = 1; k < ${#rs[@]}; k++)); do
    per="$per $(awk -v a="${rs[k-1]}" -v b="${rs[k]}" -v n=$((steps[k-1] - prev)) 'BEGIN { printf "%.1f", (b - a) * 1024 / n }')"
    prev=${steps[k-1]}
  done
  printf 'idle\t%s\tMiB at 0 %s idle connections:\t%s\tKiB per connection of each step:%s\n' "$name" "${steps[*]}" "$r" "$per" \
    | tee -a "$OUT_DIR/overload.txt"
  stop_target
  start_target "$t" "$SLOW_PORT"
  for how in close reset; do
    printf 'abort-%s\t%s\tms until the backend connection closes (sorted):\t%s\n' "$how" "$name" "$(aborts "$name" "$how")" \
      | tee -a "$OUT_DIR/overload.txt"
  done
  stop_target
done
echo
python3 "$ROOT/bench/overload_table.py" "$OUT_DIR/overload.txt" | tee "$OUT_DIR/table.md"
echo "results in $OUT_DIR (an OUT_DIR given again adds its targets to the same table)" >&2
