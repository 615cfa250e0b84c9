#!/usr/bin/env bash
# bench/tls.sh - TLS termination on this machine: HAProxy, nginx and rsp (both engines: BoringSSL "native" and the
# JDK's "jsse") with the SAME certificate, in front of one nginx serving 100 B over plain HTTP on 127.0.0.1, for an
# EC P-256 and an RSA-2048 certificate (self-signed, made here with openssl). Cases:
#   full       every connection a FULL handshake: openssl s_time -new (never resumes), PAR clients in parallel,
#              each fetching /small.bin once per connection (HTTP/1.0, the server closes)
#   resumed    every connection but the first of each client a RESUMED handshake: openssl s_time -reuse
#   keepalive  keep-alive requests over established TLS connections: wrk -t1 -c50 (EC certificate only by default)
# Targets: haproxy, nginx, rsp-native (BoringSSL), rsp-jsse (the JDK's engine), and rsp-base: a baseline build of rsp
# on the native engine for an A/B in the same run (RSP_BASE_DIST: a copy of an older distribution/target/rsp).
# rsp's engine counters prove which engine served (a native target whose handshakes went to the JDK's engine stops the
# run).
# Each run says what it measured, from the servers themselves: rsp's tls.handshake.full / tls.handshake.resumed
# counters (/metrics), HAProxy's ssl_fc_is_resumed and nginx's $ssl_session_reused in their logs (handshake cases
# only: the keep-alive frontends do not log). A handshake run whose share of the intended kind is under 99 % is
# marked in the "kind" column. Server CPU per connection/request from /proc (utime+stime), because s_time and wrk
# can be the bottleneck: compare servers there. Client CPU per connection/request too (the clients' utime+stime): when
# the client is the bottleneck, what a server makes it do (tickets to store, records to decrypt) sets the rate.
# PAR=1 measures latency instead: one client, one connection at a time.
# Servers pinned to CPU 1, clients to CPU 0, loopback only, every run bounded in time (timeout) and count.
# Interleaved, REPS repetitions, medians; ratios against HAProxy. Not run by CI or by bench/bench.sh. Must not
# overlap with other benchmarks: run it under flock (as bench/bench.sh's users do):
#   mvn -B -q package -DskipTests && flock /tmp/rsp-bench.lock bench/tls.sh
#   (REPS=3 DUR=8 WARM=2: about 12 minutes; a short check: REPS=1 DUR=2 WARM=1 PREWARM=1)
# Knobs: REPS=3 DUR=8 WARM=2 PREWARM=4 PAR=4 KEYS="ec rsa" CASES="full resumed keepalive" KEEPALIVE_KEYS=ec
#        TARGETS="haproxy nginx rsp-native rsp-jsse" RSP_JAVA_OPTS (default: ParallelGC, 512 MiB heap)
#        RSP_BASE_DIST (for the rsp-base target)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
REPS=${REPS:-3}; DUR=${DUR:-8}; WARM=${WARM:-2}; PREWARM=${PREWARM:-4}; PAR=${PAR:-4}
KEYS=${KEYS:-"ec rsa"}; CASES=${CASES:-"full resumed keepalive"}; KEEPALIVE_KEYS=${KEEPALIVE_KEYS:-ec}
TARGETS=${TARGETS:-"haproxy nginx rsp-native rsp-jsse"}
BE=${BE:-18490}; BASE=${BASE:-18500}
bench_setup tls openssl nginx haproxy wrk taskset curl
hz=$(getconf CLK_TCK)

# Ports: per target a handshake port (logging what it resumed) and a keep-alive port (not logging).
declare -A HS KA ADMIN PID
i=0
for t in haproxy nginx rsp-native rsp-jsse rsp-base; do
  HS[$t]=$((BASE + i)); KA[$t]=$((BASE + i + 1)); ADMIN[$t]=$((BASE + i + 2)); i=$((i + 4))
done

# HAProxy's combined PEM stays out of rsp's certs.dir: rsp would index it as a second certificate.
make_cert() {  # ec|rsa -> $WORK/certs-KEY/default.{crt,key} and $WORK/haproxy-KEY.pem
  local d="$WORK/certs-$1" spec
  mkdir -p "$d"
  case $1 in ec) spec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1) ;; rsa) spec=(-newkey rsa:2048) ;; esac
  openssl req -x509 "${spec[@]}" -nodes -days 2 -subj /CN=bench.local -addext subjectAltName=DNS:bench.local \
    -keyout "$d/default.key" -out "$d/default.crt" 2>/dev/null
  cat "$d/default.crt" "$d/default.key" >"$WORK/haproxy-$1.pem"
}

srv() {  # name command... -> starts it pinned to CPU 1, its pid in PID[name]
  local name=$1; shift
  taskset -c 1 "$@" >"$WORK/$name.out" 2>&1 &
  PIDS+=($!); PID[$name]=$!
}

https_ready() {  # port -> 0 once an https GET answers (bounded: 30 s)
  local _
  for _ in $(seq 300); do
    curl -fsk -o /dev/null --max-time 1 -H "Host: bench.local" "https://127.0.0.1:$1/small.bin" && return 0
    sleep 0.1
  done
  return 1
}

# The handshake cases' client, openssl s_time -www, sends "GET /small.bin HTTP/1.0" without Host (and without SNI).
# rsp refuses such a request itself (400, reject.missing_host) without its backend, so HAProxy and nginx answer it
# the same way on their handshake ports: every server does the TLS handshake and one local 400, nothing else. (Until
# 2026-12-07 08:30 they proxied it to the backend while rsp did not, which flattered rsp's CPU per handshake.)
start_servers() {  # key
  local key=$1 d="$WORK/certs-$1" t
  cat >"$WORK/haproxy.cfg" <<CONF
global
  nbthread 1
  maxconn 8192
  log stdout format raw local0
defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  timeout http-keep-alive 30s
frontend hs
  bind 127.0.0.1:${HS[haproxy]} ssl crt $WORK/haproxy-$key.pem alpn http/1.1
  log global
  log-format "resumed=%[ssl_fc_is_resumed]"
  http-request return status 400 content-type text/plain string "missing Host" if !{ req.hdr(host) -m found }
  default_backend be
frontend ka
  bind 127.0.0.1:${KA[haproxy]} ssl crt $WORK/haproxy-$key.pem alpn http/1.1
  default_backend be
backend be
  server be 127.0.0.1:$BE
CONF
  haproxy -c -q -f "$WORK/haproxy.cfg"
  cat >"$WORK/nginx-tls.conf" <<CONF
daemon off; worker_processes 1; pid $WORK/nginx-tls.pid; error_log $WORK/nginx-tls.err warn;
events { worker_connections 16384; }
http { $NGTEMP keepalive_requests 100000000;
  log_format resumed 'resumed=\$ssl_session_reused';
  ssl_certificate $d/default.crt; ssl_certificate_key $d/default.key;
  ssl_protocols TLSv1.2 TLSv1.3; ssl_session_cache shared:SSL:10m; ssl_session_timeout 300s;
  upstream be { server 127.0.0.1:$BE; keepalive 64; }
  server { listen 127.0.0.1:${HS[nginx]} ssl backlog=4096; access_log $WORK/nginx-tls.access resumed;
    if (\$http_host = "") { return 400 "missing Host\n"; }
    location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; } }
  server { listen 127.0.0.1:${KA[nginx]} ssl backlog=4096; access_log off;
    location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
CONF
  for t in $TARGETS; do
    case $t in
      haproxy) srv haproxy haproxy -db -f "$WORK/haproxy.cfg" ;;
      nginx) srv nginx nginx -c "$WORK/nginx-tls.conf" ;;
      rsp-*)
        local home="$WORK/$t-$key" dist="$ROOT/distribution/target/rsp"
        if [ "$t" = rsp-base ]; then
          dist=${RSP_BASE_DIST:?rsp-base needs RSP_BASE_DIST, a copy of an older distribution/target/rsp}
        fi
        [ -d "$home" ] || RSP_DIST=$dist "$ROOT/bench/rsp-home.sh" "$home" "${KA[$t]}" "127.0.0.1:$BE" >/dev/null
        # the keep-alive port is rsp's plain HTTP listener's slot: TLS takes the handshake port for both cases
        printf 'listen = 127.0.0.1:%s\nmode = terminate\ncerts.dir = %s\nengine = %s\nocsp.stapling = false\n' \
          "${HS[$t]}" "$d" "$(engine "$t")" >"$home/etc/rsp.tls.cfg"
        printf 'listen = 127.0.0.1:%s\n' "${ADMIN[$t]}" >"$home/etc/rsp.admin.cfg"
        RSP_CDS=off RSP_JAVA_OPTS=${RSP_JAVA_OPTS:-'-XX:+UseParallelGC -Xms512m -Xmx512m -XX:MaxDirectMemorySize=2g'} \
          srv "$t" "$home/bin/rsp" ;;
    esac
  done
  for t in $TARGETS; do
    https_ready "$(port "$t" full)" || { echo "$t does not answer on https://127.0.0.1:$(port "$t" full)" >&2; exit 1; }
  done
}

engine() {  # rsp target -> the engine it is configured with
  case $1 in rsp-jsse) echo jsse ;; *) echo native ;; esac
}

engines_used() {  # rsp target -> "boringssl=N jsse=M": the engines its connections got so far (rsp's counters)
  curl -fs --max-time 5 "http://127.0.0.1:${ADMIN[$1]}/metrics" | awk '
    /^rsp_events_total\{event="tls\.engine\./ { split($1, q, "\""); sub(/^tls\.engine\./, "", q[2]); n[q[2]] = $2 }
    END { printf "boringssl=%d jsse=%d", n["boringssl"], n["jsse"] }'
}

stop_servers() {
  local t p
  for t in $TARGETS; do
    p=${PID[$t]:-}
    [ -n "$p" ] && kill "$p" 2>/dev/null || true
  done
  for t in $TARGETS; do
    p=${PID[$t]:-}
    [ -n "$p" ] && wait "$p" 2>/dev/null || true
    PID[$t]=
  done
}

port() {  # target case -> the port the case uses (rsp: one TLS port; the keep-alive frontends of the others do not log)
  case $1 in rsp-*) echo "${HS[$1]}" ;; *) if [ "$2" = keepalive ]; then echo "${KA[$1]}"; else echo "${HS[$1]}"; fi ;; esac
}

cpu_ticks() {  # pid -> utime+stime of it and its children (nginx's worker), in clock ticks
  local p t=0
  for p in "$1" $(pgrep -P "$1" || true); do
    t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}

kinds() {  # target -> "full resumed" handshakes the server has counted so far
  case $1 in
    haproxy) awk '/^resumed=0/ {f++} /^resumed=1/ {r++} END {print f + 0, r + 0}' "$WORK/haproxy.out" ;;
    nginx) awk '/^resumed=\./ {f++} /^resumed=r/ {r++} END {print f + 0, r + 0}' "$WORK/nginx-tls.access" 2>/dev/null || echo "0 0" ;;
    rsp-*) curl -fs --max-time 5 "http://127.0.0.1:${ADMIN[$1]}/metrics" | awk '
        /^rsp_events_total\{event="tls.handshake.full"\}/ {f = $2} /^rsp_events_total\{event="tls.handshake.resumed"\}/ {r = $2}
        END {print f + 0, r + 0}' ;;
  esac
}

client_us() {  # -> the CPU microseconds (user + system) of this shell's waited-for children so far (bash's times,
  # which must run in this shell itself: a subshell has no children's times)
  times >"$WORK/times"
  awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] }; printf "%.0f", t * 1e6 }' "$WORK/times"
}

run() {  # case port seconds -> "connections_or_requests errors client_cpu_us" on the last line, client output before it
  local c=$1 p=$2 s=$3 k
  case $c in
    full|resumed)
      local mode=-new out="$WORK/stime" clients=()
      [ "$c" = resumed ] && mode=-reuse
      rm -f "$out".*
      for k in $(seq "$PAR"); do
        taskset -c 0 timeout $((s + 20)) openssl s_time -connect "127.0.0.1:$p" $mode -time "$s" -www /small.bin \
          >"$out.$k" 2>&1 &
        clients+=($!)
      done
      for k in "${clients[@]}"; do wait "$k" || true; done
      # "N connections in T real seconds" per client (-reuse adds one full first connection, also counted)
      client_us >"$WORK/client_us"
      awk -v cpu="$(cat "$WORK/client_us")" '/connections in [0-9.]+ real seconds/ {n += $1} /ERROR|errno|error:/ {e++}
        END {print n + 0, e + 0, cpu}' "$out".*
      ;;
    keepalive)
      taskset -c 0 timeout $((s + 20)) wrk -t1 -c50 -d"$s"s -H "Host: bench.local" "https://127.0.0.1:$p/small.bin" \
        >"$WORK/wrk.out" || true
      client_us >"$WORK/client_us"
      awk -v cpu="$(cat "$WORK/client_us")" '/^ +[0-9]+ requests in/ {n = $1} /Socket errors|Non-2xx/ {e = e + 1}
        END {print n + 0, e + 0, cpu}' "$WORK/wrk.out"
      ;;
  esac
}

printf 'key\tcase\ttarget\trep\tper_s\tserver_cpu_us\tfull\tresumed\tkind\terrors\tclient_cpu_us\n' >"$WORK/results"
for key in $KEYS; do
  make_cert "$key"
  cases=""
  for c in $CASES; do
    [ "$c" = keepalive ] && [[ " $KEEPALIVE_KEYS " != *" $key "* ]] && continue
    cases="$cases $c"
  done
  bench_backend "$BE" "$WORK/be.conf"
  srv backend nginx -c "$WORK/be.conf"
  bench_ready "$BE"
  start_servers "$key"
  for t in $TARGETS; do   # what each negotiates, then the JIT warm-up
    echo "$key $t: $(openssl s_client -connect "127.0.0.1:$(port "$t" full)" -servername bench.local </dev/null 2>/dev/null \
      | awk '/^New, |^Server Temp Key|^Peer signature type/ {sub(/^New, /, ""); printf "%s; ", $0}')"
    for c in $cases; do run "$c" "$(port "$t" "$c")" "$PREWARM" >/dev/null; done
    if [[ $t == rsp-* ]]; then
      used=$(engines_used "$t")
      echo "$key $t: engines made: $used"
      case $(engine "$t") in
        native) [[ $used == *" jsse=0" ]] ;;
        jsse) [[ $used == "boringssl=0 "* ]] ;;
      esac || { echo "$t did not serve with its engine ($(engine "$t")): $used" >&2; exit 1; }
    fi
  done
  for rep in $(seq "$REPS"); do
    for c in $cases; do
      for t in $TARGETS; do
        p=$(port "$t" "$c")
        run "$c" "$p" "$WARM" >/dev/null
        read -r f0 r0 < <(kinds "$t")
        before=$(cpu_ticks "${PID[$t]}")
        read -r n errors client < <(run "$c" "$p" "$DUR" | tail -1)
        after=$(cpu_ticks "${PID[$t]}")
        read -r f1 r1 < <(kinds "$t")
        full=$((f1 - f0)) resumed=$((r1 - r0)) kind=-
        if [ "$c" = full ] && [ $((full + resumed)) -gt 0 ]; then
          kind=$(awk -v a="$full" -v b="$resumed" 'BEGIN {p = 100 * a / (a + b); printf "%.1f%%full%s", p, p < 99 ? "!" : ""}')
        elif [ "$c" = resumed ] && [ $((full + resumed)) -gt 0 ]; then
          kind=$(awk -v a="$resumed" -v b="$full" 'BEGIN {p = 100 * a / (a + b); printf "%.1f%%resumed%s", p, p < 99 ? "!" : ""}')
        fi
        awk -v k="$key" -v c="$c" -v t="$t" -v rep="$rep" -v n="$n" -v d="$DUR" -v ticks=$((after - before)) -v hz="$hz" \
          -v f="$full" -v r="$resumed" -v kind="$kind" -v e="$errors" -v cl="$client" \
          'BEGIN {printf "%s\t%s\t%s\t%s\t%.0f\t%.1f\t%s\t%s\t%s\t%s\t%.1f\n", k, c, t, rep, n / d, n ? ticks * 1e6 / hz / n : 0, f, r, kind, e, n ? cl / n : 0}' |
          tee -a "$WORK/results"
      done
    done
  done
  stop_servers
  kill "${PID[backend]}" 2>/dev/null || true
  wait "${PID[backend]}" 2>/dev/null || true
done
echo
awk -F'\t' 'NR > 1 { g = $1 "\t" $2; k = g "\t" $3; r[k] = r[k] " " $5; u[k] = u[k] " " $6; kd[k] = kd[k] " " $9; cc[k] = cc[k] " " $11
    if (!(k in seen)) { seen[k]; order[++n] = k } }
  function median(s,   a, m, i, j, x) { m = split(s, a, " "); for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++)
    if (a[j] + 0 < a[i] + 0) { x = a[i]; a[i] = a[j]; a[j] = x }; return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
  END { print "key\tcase\ttarget\tmedian per s\tserver CPU us each\tvs HAProxy (per s)\tvs HAProxy (CPU, >1 = cheaper)\tclient CPU us each\tmeasured"
    for (i = 1; i <= n; i++) { k = order[i]; split(k, p, "\t"); h = p[1] "\t" p[2] "\thaproxy"
      rr = (h in r) ? sprintf("%.2f", median(r[k]) / median(r[h])) : "-"; uu = (h in u && median(u[k]) > 0) ? sprintf("%.2f", median(u[h]) / median(u[k])) : "-"
      printf "%s\t%.0f\t%.1f\t%s\t%s\t%.1f\t%s\n", k, median(r[k]), median(u[k]), rr, uu, median(cc[k]), kd[k] } }' "$WORK/results"
