#!/usr/bin/env bash
# bench/hosts.sh - keep-alive small responses with 10,000 distinct Host values (bench/hosts.lua), through HAProxy
# (hash on the host, consistent), nginx (hash $host consistent), rsp (host-hash) and rsp-lua (the shipped Lua rules
# in front of host-hash: a host suffix check and a header check per request, then host-hash), over two nginx
# backends.
# Servers pinned to CPU 1, wrk to CPU 0, interleaved, REPS repetitions of DUR seconds. Loopback only.
# Prints a TSV: target rep req_per_s p99_ms
#
#   mvn -B -q package -DskipTests && bench/hosts.sh              # about 2 minutes
set -Eeuo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPS=${REPS:-2} DUR=${DUR:-8}
BE1=9021 BE2=9022 HAP=8201 NGX=8202 RSP=8203 RSPLUA=8204
. "$ROOT/bench/lib.sh"

bench_setup hosts nginx haproxy wrk taskset curl
for p in $BE1 $BE2; do bench_backend "$p" "$WORK/be$p.conf"; done
cat >"$WORK/proxy.conf" <<CONF
daemon off; worker_processes 1; pid $WORK/proxy.pid; error_log $WORK/proxy.err warn;
events { worker_connections 8192; }
http { access_log off; $NGTEMP keepalive_requests 100000000;
  upstream backends { hash \$host consistent; server 127.0.0.1:$BE1; server 127.0.0.1:$BE2; keepalive 64; }
  server { listen 127.0.0.1:$NGX backlog=4096;
    location / { proxy_pass http://backends; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host \$host; } } }
CONF
cat >"$WORK/haproxy.cfg" <<CONF
global
  nbthread 1
  maxconn 8192
defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend fe
  bind 127.0.0.1:$HAP
  default_backend be
backend be
  balance hdr(host)
  hash-type consistent
  server be1 127.0.0.1:$BE1
  server be2 127.0.0.1:$BE2
CONF
home=$("$ROOT/bench/rsp-home.sh" "$WORK/rsp" "$RSP" "127.0.0.1:$BE1" "127.0.0.1:$BE2")
luahome=$(RSP_CHAIN="lua, host-hash" "$ROOT/bench/rsp-home.sh" "$WORK/rsp-lua" "$RSPLUA" "127.0.0.1:$BE1" "127.0.0.1:$BE2")

srv() { taskset -c 1 "$@" >/dev/null 2>&1 & PIDS+=($!); }
srv nginx -c "$WORK/be$BE1.conf" -p "$WORK"
srv nginx -c "$WORK/be$BE2.conf" -p "$WORK"
srv nginx -c "$WORK/proxy.conf" -p "$WORK"
srv haproxy -db -f "$WORK/haproxy.cfg"
export RSP_CDS=off RSP_JAVA_OPTS='-XX:+UseParallelGC -Xms512m -Xmx512m -XX:MaxDirectMemorySize=2g'
srv "$home/bin/rsp"
srv "$luahome/bin/rsp"

for p in $BE1 $BE2 $HAP $NGX $RSP $RSPLUA; do bench_ready "$p" site-1.example.com || exit 1; done

run() {  # port seconds
  taskset -c 0 timeout $(($2 + 20)) wrk -t1 -c50 -d"$2"s --latency -s "$ROOT/bench/hosts.lua" "http://127.0.0.1:$1/small.bin"
}
run $RSP 10 >/dev/null      # JIT warm-up
run $RSPLUA 10 >/dev/null
printf 'target\trep\treq_per_s\tp99_ms\n'
for rep in $(seq "$REPS"); do
  for t in haproxy:$HAP nginx:$NGX rsp:$RSP rsp-lua:$RSPLUA; do
    name=${t%%:*} port=${t##*:}
    run "$port" 2 >/dev/null
    out=$(run "$port" "$DUR")
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; print v}' <<<"$out")
    printf '%s\t%s\t%s\t%s\n' "$name" "$rep" "$rps" "$p99"
  done
done
