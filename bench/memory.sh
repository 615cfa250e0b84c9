#!/usr/bin/env bash
# bench/memory.sh - memory per idle keep-alive client connection, rsp vs HAProxy: RSS with N idle connections
# (each has made one request) minus RSS before them, divided by N. Loopback only, bounded in time.
# Prints a TSV: target idle_rss_kib loaded_rss_kib connections bytes_per_connection
#
#   mvn -B -q package -DskipTests && bench/memory.sh           # CONNS=9000
set -Eeuo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# 9,000 by default: HAProxy needs two descriptors per connection and this machine allows 20,000 per process.
CONNS=${CONNS:-9000}
BE_PORT=9011 HAP_PORT=8101 RSP_PORT=8103
. "$ROOT/bench/lib.sh"
ulimit -n $((CONNS * 2 + 1000)) 2>/dev/null || ulimit -n "$(ulimit -Hn)"

bench_setup memory nginx haproxy python3 curl
bench_backend "$BE_PORT" "$WORK/be.conf"
cat >"$WORK/haproxy.cfg" <<CONF
global
  nbthread 1
  maxconn $((CONNS + 100))
defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 120s
  timeout server 30s
  timeout http-keep-alive 120s
frontend fe
  bind 127.0.0.1:$HAP_PORT
  default_backend be
backend be
  balance hdr(host)
  hash-type consistent
  server be 127.0.0.1:$BE_PORT
CONF
home=$("$ROOT/bench/rsp-home.sh" "$WORK/rsp" "$RSP_PORT" "127.0.0.1:$BE_PORT")
printf 'timeout.idle.ms = 120000\n' >>"$home/etc/rsp.core.cfg"

nginx -c "$WORK/be.conf" -p "$WORK" & PIDS+=($!)
haproxy -db -f "$WORK/haproxy.cfg" & PIDS+=($!)
hap_pid=$!
RSP_CDS=off RSP_JAVA_OPTS='-XX:+UseParallelGC -Xms256m -Xmx256m -XX:MaxDirectMemorySize=2g' "$home/bin/rsp" >"$WORK/rsp.log" 2>&1 & PIDS+=($!)
rsp_pid=$!

ready() {
  bench_ready "$1" || { cat "$WORK/rsp.log" >&2; exit 1; }
}
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

measure() {  # name port pid
  local name=$1 port=$2 pid=$3 before after
  ready "$port"
  for _ in $(seq 200); do curl -fs -o /dev/null -H 'Host: bench.local' "http://127.0.0.1:$port/small.bin"; done
  before=$(rss_kib "$pid")
  coproc CLIENTS { python3 "$ROOT/bench/idle_clients.py" "$port" "$CONNS"; }
  read -r line <&"${CLIENTS[0]}" || { echo "memory: idle clients failed on $name" >&2; tail -20 "$WORK/rsp.log" >&2; exit 1; }
  after=$(rss_kib "$pid")
  exec {CLIENTS[1]}>&-
  wait "$CLIENTS_PID" 2>/dev/null || true
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$before" "$after" "$CONNS" $(( (after - before) * 1024 / CONNS ))
}

printf 'target\tidle_rss_kib\tloaded_rss_kib\tconnections\tbytes_per_connection\n'
measure haproxy "$HAP_PORT" "$hap_pid"
measure rsp "$RSP_PORT" "$rsp_pid"
