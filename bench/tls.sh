#!/usr/bin/env bash
# bench/tls.sh - TLS termination on this machine: HAProxy and rsp with the SAME certificate (an EC P-256
# self-signed one made here with openssl), in front of one nginx serving 100 B over plain HTTP on 127.0.0.1.
# Two cases, each a wrk run (-t1 -c50) over https, interleaved HAProxy/rsp, REPS repetitions, medians:
#   handshake  'Connection: close': every request a new TCP connection and a full TLS handshake (wrk does not
#              resume sessions); also the server's CPU per request, from /proc (utime+stime), because this case
#              is usually bound by wrk's own handshake CPU and req/s alone would understate the servers' gap
#   keepalive  keep-alive requests over established TLS connections
# Servers pinned to CPU 1, wrk to CPU 0, loopback only. Not run by CI or by bench/bench.sh.
#
# rsp is run from distribution/target/rsp (bench/rsp-home.sh) with etc/rsp.tls.cfg
#   listen = 127.0.0.1:$RSP_TLS  mode = terminate  certs.dir = DIR   (DIR holds default.crt and default.key)
# which is the contract of the TLS termination being built; RSP=0 (or a build whose TLS port never answers)
# measures HAProxy only and says so.
#   mvn -B -q package -DskipTests && bench/tls.sh          (REPS=3 DUR=8: about 3 minutes with both servers)
# Knobs: REPS=3 DUR=8 WARM=2 RSP=1 CASES="handshake keepalive"
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
REPS=${REPS:-3}; DUR=${DUR:-8}; WARM=${WARM:-2}; RSP=${RSP:-1}; CASES=${CASES:-"handshake keepalive"}
BE=${BE:-18490}; HAP=${HAP:-18491}; RSP_HTTP=${RSP_HTTP:-18492}; RSP_TLS=${RSP_TLS:-18493}
bench_setup tls openssl nginx haproxy wrk taskset curl

# One certificate for both servers: EC P-256, self-signed, for bench.local.
mkdir -p "$WORK/certs"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=bench.local \
  -addext subjectAltName=DNS:bench.local -keyout "$WORK/certs/default.key" -out "$WORK/certs/default.crt" 2>/dev/null
cat "$WORK/certs/default.crt" "$WORK/certs/default.key" >"$WORK/haproxy.pem"

bench_backend "$BE" "$WORK/be.conf"
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
  timeout http-keep-alive 30s
frontend fe
  bind 127.0.0.1:$HAP ssl crt $WORK/haproxy.pem alpn http/1.1
  default_backend be
backend be
  server be 127.0.0.1:$BE
CONF
haproxy -c -q -f "$WORK/haproxy.cfg"

srv() { taskset -c 1 "$@" >>"$WORK/servers.out" 2>&1 & PIDS+=($!); }
srv nginx -c "$WORK/be.conf"
srv haproxy -db -f "$WORK/haproxy.cfg"
HAP_PID=$!
bench_ready "$BE"

https_ready() {  # port -> 0 once an https GET answers (bounded: 15 s)
  local _
  for _ in $(seq 150); do
    curl -fsk -o /dev/null --max-time 1 -H "Host: bench.local" "https://127.0.0.1:$1/small.bin" && return 0
    sleep 0.1
  done
  return 1
}
https_ready "$HAP" || { echo "HAProxy does not answer on https://127.0.0.1:$HAP" >&2; exit 1; }

TARGETS="haproxy:$HAP"
RSP_PID=
if [ "$RSP" = 1 ]; then
  if [ -x "$ROOT/distribution/target/rsp/bin/rsp" ]; then
    home=$("$ROOT/bench/rsp-home.sh" "$WORK/rsp" "$RSP_HTTP" "127.0.0.1:$BE")
    printf 'listen = 127.0.0.1:%s\nmode = terminate\ncerts.dir = %s\n' "$RSP_TLS" "$WORK/certs" >"$home/etc/rsp.tls.cfg"
    export RSP_CDS=off RSP_JAVA_OPTS='-XX:+UseParallelGC -Xms512m -Xmx512m -XX:MaxDirectMemorySize=2g'
    srv "$home/bin/rsp"
    RSP_PID=$!
    if ! bench_ready "$RSP_HTTP"; then
      echo "rsp: did not start (plain HTTP on 127.0.0.1:$RSP_HTTP does not answer); HAProxy only" >&2
    elif https_ready "$RSP_TLS"; then
      TARGETS="$TARGETS rsp:$RSP_TLS"
    else
      echo "rsp: nothing answers on https://127.0.0.1:$RSP_TLS (TLS termination not in this build?); HAProxy only" >&2
    fi
  else
    echo "rsp: no distribution/target/rsp (mvn -B -q package -DskipTests); HAProxy only" >&2
  fi
fi

cpu_ticks() {  # pid -> utime+stime of the process and its threads, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}
server_pid() {  # name -> the pid whose CPU is counted (taskset and bin/rsp exec, so these are the servers)
  case $1 in haproxy) echo "$HAP_PID" ;; rsp) echo "$RSP_PID" ;; esac
}
run() {  # case port seconds -> wrk output
  local extra=()
  [ "$1" = handshake ] && extra=(-H "Connection: close")
  taskset -c 0 timeout $(($3 + 20)) wrk -t1 -c50 -d"$3"s --latency -H "Host: bench.local" "${extra[@]}" \
    "https://127.0.0.1:$2/small.bin"
}

for t in $TARGETS; do   # what each negotiates with a default client (wrk links the same OpenSSL)
  echo "${t%%:*}: $(openssl s_client -connect "127.0.0.1:${t##*:}" -servername bench.local </dev/null 2>/dev/null \
    | awk '/^New, |^Server Temp Key/ {sub(/^New, /, ""); printf "%s; ", $0}')"
done
for t in $TARGETS; do for c in $CASES; do run "$c" "${t##*:}" 3 >/dev/null; done; done   # warm-up (JIT)
hz=$(getconf CLK_TCK)
printf 'case\ttarget\trep\treq_per_s\tp99_ms\tserver_cpu_us_per_req\terrors\n' | tee "$WORK/results"
for rep in $(seq "$REPS"); do
  for c in $CASES; do
    for t in $TARGETS; do
      name=${t%%:*} port=${t##*:}
      pid=$(server_pid "$name")
      run "$c" "$port" "$WARM" >/dev/null
      before=$(cpu_ticks "$pid")
      out=$(run "$c" "$port" "$DUR")
      after=$(cpu_ticks "$pid")
      awk -v c="$c" -v t="$name" -v rep="$rep" -v ticks=$((after - before)) -v hz="$hz" '
        /^Requests\/sec:/ {r = $2} /^ +[0-9]+ requests in/ {n = $1}
        $1 == "99%" {v = $2; if (v ~ /us$/) v = v / 1000; else if (v ~ /ms$/) v = v + 0; else if (v ~ /s$/) v = v * 1000}
        /Socket errors|Non-2xx/ {e = e $0 ";"}
        END {printf "%s\t%s\t%s\t%.0f\t%.2f\t%.1f\t%s\n", c, t, rep, r, v, n ? ticks * 1e6 / hz / n : 0, e ? e : "-"}' \
        <<<"$out" | tee -a "$WORK/results"
    done
  done
done
echo
awk -F'\t' 'NR > 1 { k = $1 "\t" $2; r[k] = r[k] " " $4; p[k] = p[k] " " $5; u[k] = u[k] " " $6; if (!(k in seen)) { seen[k]; order[++n] = k } }
  function median(s,   a, m, i, j, x) { m = split(s, a, " "); for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++)
    if (a[j] + 0 < a[i] + 0) { x = a[i]; a[i] = a[j]; a[j] = x }; return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
  END { print "case\ttarget\tmedian req/s\tp99 ms\tserver CPU us/req"
    for (i = 1; i <= n; i++) { k = order[i]; printf "%s\t%.0f\t%.2f\t%.1f\n", k, median(r[k]), median(p[k]), median(u[k]) } }' "$WORK/results"
