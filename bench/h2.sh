#!/usr/bin/env bash
# bench/h2.sh - HTTP/2 to clients on this machine: HAProxy (`proto h2`; `alpn h2,http/1.1`), nginx (`listen ... http2`;
# `listen ... ssl http2`) and rsp (h2c with prior knowledge on its plain listener; h2 over TLS by ALPN, `alpn = h2,
# http/1.1`, the TLS engine given by RSP_ENGINE), all in front of one nginx on 127.0.0.1 speaking HTTP/1.1 and serving
# 100 B (/small.bin) and 1 MiB (/big.bin). Cases:
#   h2c-small h2c-big   h2 with prior knowledge over plain TCP
#   tls-small tls-big   h2 over TLS 1.3 (one self-signed EC P-256 certificate for every server)
# Load: h2load -t1 -c CONNS -m STREAMS -D DUR (connections stay open for the whole run: the per-connection stream
# limits of rsp and nginx are raised so that no GOAWAY ends a connection mid-run; HAProxy has none).
# Reported per run: req/s (1 MiB cases: MiB/s, from every byte h2load received, so that the ~500 responses in flight
# at the end count for what arrived of them; the CPU is then per MiB, i.e. per 1 MiB response); p99 of the request
# times h2load logs per request (--log-file: start, status, time to the end of the response); server CPU per request
# from /proc (utime+stime of the proxy, nginx's worker included; the backend is not counted). What each run measured
# is checked from both ends: h2load's "Application protocol" line (h2c or h2), failed/errored/non-2xx requests, the
# backend's request counter (stub_status) against the requests h2load completed, and for rsp the /metrics counters
# h2.connections and h2.streams and the TLS engine in force.
# Servers (and the backend) pinned to CPU 1, h2load to CPU 0, loopback only, every run bounded by -D and by timeout.
# Interleaved, REPS repetitions, medians; ratios of rsp against HAProxy, nginx and the faster of the two (by req/s).
# Not run by CI or by bench/bench.sh. Must not overlap with other benchmarks: run it under flock.
#   mvn -B -q package -DskipTests && flock /tmp/rsp-bench.lock bench/h2.sh
#   (REPS=3 DUR=8 WARM=2: about 7 minutes; a short check: REPS=1 DUR=2 WARM=1 PREWARM=1)
# Knobs: REPS=3 DUR=8 WARM=2 PREWARM=4 CONNS=50 STREAMS=10 CASES="h2c-small h2c-big tls-small tls-big"
#        TARGETS="haproxy nginx rsp" RSP_ENGINE=native RSP_JAVA_OPTS (default: ParallelGC, 512 MiB heap)
#        RSP_BASE_DIST=<another built distribution, e.g. a copy of the baseline's distribution/target/rsp>: the
#        target rsp-base runs it beside rsp with the same settings, for an interleaved A/B (add it to TARGETS; it is
#        never the "faster peer", and its ratio column is rsp against it); RSP_BASE_JAVA_OPTS: its JVM options when
#        they differ (default: those of rsp), e.g. to compare GC settings with RSP_BASE_DIST=distribution/target/rsp
#        OUT=<file for the per-run rows, default: none>  LOGS=<directory for h2load's per-request logs, default: none>
# After the summary: an "rsp-window" line per rsp run (pid, window in ms since the epoch, streams, streams sent on a
# pooled backend connection: to match a GC log or JFR recording of rsp's, e.g. RSP_JAVA_OPTS="... -XX:StartFlightRecording=
# filename=DIR/"), and a "ctx-switches" line per run (voluntary and involuntary context switches of the server's and
# the backend's threads in the window: how finely the two interleave on their shared CPU).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
REPS=${REPS:-3}; DUR=${DUR:-8}; WARM=${WARM:-2}; PREWARM=${PREWARM:-4}; CONNS=${CONNS:-50}; STREAMS=${STREAMS:-10}
CASES=${CASES:-"h2c-small h2c-big tls-small tls-big"}; TARGETS=${TARGETS:-"haproxy nginx rsp"}
RSP_ENGINE=${RSP_ENGINE:-native}
BE=${BE:-18690}; BASE=${BASE:-18700}
[ -x "$ROOT/distribution/target/rsp/bin/rsp" ] || { echo "h2: build rsp first: mvn -B -q package -DskipTests" >&2; exit 2; }
[[ " $TARGETS " != *" rsp-base "* ]] || [ -x "${RSP_BASE_DIST:-}/bin/rsp" ] ||
  { echo "h2: the target rsp-base needs RSP_BASE_DIST, a built distribution (its bin/rsp)" >&2; exit 2; }
bench_setup h2 openssl nginx haproxy h2load taskset curl
hz=$(getconf CLK_TCK)
head -c 1048576 /dev/urandom >"$WORK/www/big.bin"
chmod a+r "$WORK/www/big.bin"

declare -A H2C TLS ADMIN PID
i=0
for t in haproxy nginx rsp rsp-base; do
  H2C[$t]=$((BASE + i)); TLS[$t]=$((BASE + i + 1)); ADMIN[$t]=$((BASE + i + 2)); i=$((i + 4))
done

srv() {  # name command... -> starts it pinned to CPU 1, its pid in PID[name]
  local name=$1; shift
  taskset -c 1 "$@" >"$WORK/$name.out" 2>&1 &
  PIDS+=($!); PID[$name]=$!
}

d="$WORK/certs"
mkdir -p "$d"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=bench.local \
  -addext subjectAltName=DNS:bench.local -keyout "$d/default.key" -out "$d/default.crt" 2>/dev/null
cat "$d/default.crt" "$d/default.key" >"$d/haproxy.pem"

# The backend: HTTP/1.1 only, with a request counter (the proxies' requests must all reach it: nothing is cached).
cat >"$WORK/be.conf" <<CONF
daemon off; worker_processes 1; pid $WORK/be.pid; error_log $WORK/be.err warn;
events { worker_connections 16384; }
http { access_log off; $NGTEMP keepalive_requests 100000000; sendfile on; tcp_nopush on;
  server { listen 127.0.0.1:$BE backlog=4096; root $WORK/www; location = /status { stub_status; } } }
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
frontend h2c
  bind 127.0.0.1:${H2C[haproxy]} proto h2
  default_backend be
frontend tls
  bind 127.0.0.1:${TLS[haproxy]} ssl crt $d/haproxy.pem alpn h2,http/1.1
  default_backend be
backend be
  server be 127.0.0.1:$BE
CONF

# nginx 1.22: `listen ... http2` without ssl serves HTTP/2 with prior knowledge only (no HTTP/1.1 on that port);
# keepalive_requests also bounds the streams of an HTTP/2 connection (http2_max_requests is obsolete since 1.19.7).
# Proxy buffers as in ../shared/bench/anchor-bench.sh: 16 KiB, never a temporary file for 1 MiB.
cat >"$WORK/nginx.conf" <<CONF
daemon off; worker_processes 1; pid $WORK/nginx.pid; error_log $WORK/nginx.err warn;
events { worker_connections 16384; }
http { access_log off; $NGTEMP keepalive_requests 100000000;
  ssl_certificate $d/default.crt; ssl_certificate_key $d/default.key; ssl_protocols TLSv1.2 TLSv1.3;
  upstream be { server 127.0.0.1:$BE; keepalive 128; keepalive_requests 100000000; }
  proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host \$host;
  proxy_buffer_size 16k; proxy_buffers 8 16k; proxy_busy_buffers_size 32k; proxy_max_temp_file_size 0;
  server { listen 127.0.0.1:${H2C[nginx]} http2 backlog=4096; location / { proxy_pass http://be; } }
  server { listen 127.0.0.1:${TLS[nginx]} ssl http2 backlog=4096; location / { proxy_pass http://be; } } }
CONF

start_servers() {
  local t home
  haproxy -c -q -f "$WORK/haproxy.cfg"
  for t in $TARGETS; do
    case $t in
      haproxy) srv haproxy haproxy -db -f "$WORK/haproxy.cfg" ;;
      nginx) srv nginx nginx -c "$WORK/nginx.conf" ;;
      rsp|rsp-base)
        home="$WORK/$t"
        dist=$ROOT/distribution/target/rsp
        [ "$t" = rsp-base ] && dist=$RSP_BASE_DIST
        RSP_DIST=$dist "$ROOT/bench/rsp-home.sh" "$home" "${H2C[$t]}" "127.0.0.1:$BE" >/dev/null
        printf 'h2.cleartext = true\nh2.max.streams.per.connection = 1000000000\n%b' "${RSP_CORE_EXTRA:-}" >>"$home/etc/rsp.core.cfg"
        printf 'listen = 127.0.0.1:%s\nmode = terminate\ncerts.dir = %s\nengine = %s\nalpn = h2, http/1.1\nocsp.stapling = false\n' \
          "${TLS[$t]}" "$d" "$RSP_ENGINE" >"$home/etc/rsp.tls.cfg"
        printf 'listen = 127.0.0.1:%s\n' "${ADMIN[$t]}" >"$home/etc/rsp.admin.cfg"
        opts=${RSP_JAVA_OPTS:-'-XX:+UseParallelGC -Xms512m -Xmx512m -XX:MaxDirectMemorySize=2g'}
        [ "$t" = rsp-base ] && opts=${RSP_BASE_JAVA_OPTS:-$opts}
        RSP_CDS=off RSP_JAVA_OPTS=$opts srv "$t" "$home/bin/rsp" ;;
    esac
  done
}

url() {  # case target -> the URL h2load and curl ask for (always bench.local: the certificate's name, SNI included)
  local scheme=http path=/small.bin
  case $1 in tls-*) scheme=https ;; esac
  case $1 in *-big) path=/big.bin ;; esac
  echo "$scheme://bench.local$path"
}

port() {  # case target
  case $1 in tls-*) echo "${TLS[$2]}" ;; *) echo "${H2C[$2]}" ;; esac
}

check() {  # case target -> 0 once curl gets the whole file over HTTP/2 (bounded: 30 s); prints what it got
  local c=$1 t=$2 out _ want=100 proto=--http2-prior-knowledge
  case $c in *-big) want=1048576 ;; esac
  case $c in tls-*) proto=--http2 ;; esac
  for _ in $(seq 300); do
    out=$(curl -sk $proto -o /dev/null --max-time 2 --connect-to "bench.local:80:127.0.0.1:$(port "$c" "$t")" \
      --connect-to "bench.local:443:127.0.0.1:$(port "$c" "$t")" -w '%{http_code} %{size_download} HTTP/%{http_version}' \
      "$(url "$c" "$t")" || true)
    [ "$out" = "200 $want HTTP/2" ] && { echo "$out"; return 0; }
    sleep 0.1
  done
  echo "$t $c: got '$out'" >&2
  return 1
}

cpu_ticks() {  # pid -> utime+stime of it and its children (nginx's worker), in clock ticks
  local p t=0
  for p in "$1" $(pgrep -P "$1" || true); do
    t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}

ctx_switches() {  # pid -> "voluntary involuntary" context switches of all its threads and its children's so far
  local p v=0 n=0 a b
  for p in "$1" $(pgrep -P "$1" || true); do
    read -r a b < <(cat /proc/"$p"/task/*/status 2>/dev/null |
      awk '/^voluntary_ctxt_switches/ {v += $2} /^nonvoluntary_ctxt_switches/ {n += $2} END {print v + 0, n + 0}')
    v=$((v + a)) n=$((n + b))
  done
  echo "$v $n"
}

backend_requests() {  # -> requests the backend has served so far (its own /status GETs included)
  curl -fs --max-time 5 "http://127.0.0.1:$BE/status" | awk 'NR == 3 {print $3}'
}

rsp_counters() {  # rsp target -> "h2.connections h2.streams backend.pool.reused" it has counted so far
  curl -fs --max-time 5 "http://127.0.0.1:${ADMIN[$1]}/metrics" | awk '
    /^rsp_events_total\{event="h2.connections"\}/ {c = $2} /^rsp_events_total\{event="h2.streams"\}/ {s = $2}
    /^rsp_events_total\{event="backend.pool.reused"\}/ {r = $2}
    END {print c + 0, s + 0, r + 0}'
}

run() {  # case target seconds [logfile] -> h2load's output (bounded: -D and timeout)
  local c=$1 t=$2 s=$3 log=()
  [ -n "${4:-}" ] && log=(--log-file="$4")
  taskset -c 0 timeout -k 5 $((s + 30)) h2load -t1 -c"$CONNS" -m"$STREAMS" -D "$s" "${log[@]}" \
    --connect-to="127.0.0.1:$(port "$c" "$t")" "$(url "$c" "$t")" 2>&1 || true
}

srv backend nginx -c "$WORK/be.conf"
bench_ready "$BE"
start_servers
for t in $TARGETS; do
  for c in $CASES; do echo "$t $c: $(check "$c" "$t")"; done
done
for t in $TARGETS; do
  [[ $t == rsp* ]] || continue
  echo "$t: $(curl -fs --max-time 5 "http://127.0.0.1:${ADMIN[$t]}/metrics" | grep '^rsp_tls_engine' || echo 'no rsp_tls_engine line')"
  for c in $CASES; do run "$c" "$t" "$PREWARM" >/dev/null; done   # the JIT's warm-up
done
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +'%Y-%m-%d %H:%M UTC')"
echo "h2load: $(h2load --version | head -1); haproxy: $(haproxy -v | head -1 | cut -d' ' -f3); $(nginx -v 2>&1 | cut -d' ' -f3)"

printf 'case\ttarget\trep\treq_or_MiB_s\tp99_ms\tserver_cpu_us\tproto\tfailed\tbackend_req\th2_conns\th2_streams\n' >"$WORK/results"
for rep in $(seq "$REPS"); do
  for c in $CASES; do
    for t in $TARGETS; do
      run "$c" "$t" "$WARM" >/dev/null
      b0=$(backend_requests)
      [[ $t == rsp* ]] && read -r hc0 hs0 hr0 < <(rsp_counters "$t")
      read -r sv0 sn0 < <(ctx_switches "${PID[$t]}"); read -r bv0 bn0 < <(ctx_switches "${PID[backend]}")
      before=$(cpu_ticks "${PID[$t]}") t0=$(date +%s%3N)
      out=$(run "$c" "$t" "$DUR" "$WORK/req.log")
      after=$(cpu_ticks "${PID[$t]}") t1=$(date +%s%3N)
      read -r sv1 sn1 < <(ctx_switches "${PID[$t]}"); read -r bv1 bn1 < <(ctx_switches "${PID[backend]}")
      # Context switches in the window (threads of the server, and of the backend nginx on the same CPU): voluntary
      # ones are waits in epoll or select, involuntary ones the scheduler's preemptions.
      echo "ctx-switches $c $t $rep server $((sv1 - sv0)) $((sn1 - sn0)) backend $((bv1 - bv0)) $((bn1 - bn0))" >>"$WORK/windows"
      b1=$(backend_requests)
      hc=- hs=-
      if [[ $t == rsp* ]]; then read -r hc1 hs1 hr1 < <(rsp_counters "$t"); hc=$((hc1 - hc0)) hs=$((hs1 - hs0))
        # For a GC log or recording of rsp's: its pid, the window (ms since the epoch), the streams, and how many of
        # them were sent on a pooled backend connection (the others opened one).
        echo "rsp-window $t ${PID[$t]} $c $t0 $t1 $hs $((hr1 - hr0))" >>"$WORK/windows"
      fi
      printf '%s\n' "$out" >"$WORK/h2load-$c-$t-$rep.txt"
      # "requests: N total, N started, N done, N succeeded, N failed, N errored, N timeout"; status codes: N 2xx, ...
      p99=$(awk -F'\t' '{print $3}' "$WORK/req.log" | sort -n |
        awk '{a[NR] = $1} END {i = int(NR * 0.99 + 0.5); if (i < 1) i = 1; printf "%.2f", NR ? a[i] / 1000 : 0}')
      [ -z "${LOGS:-}" ] || cp "$WORK/req.log" "$LOGS/$c-$t-$rep.log"
      rm -f "$WORK/req.log"
      awk -v c="$c" -v t="$t" -v rep="$rep" -v ticks=$((after - before)) -v hz="$hz" -v p99="$p99" \
          -v be=$((b1 - b0 - 1)) -v hc="$hc" -v hs="$hs" '
        /^finished in/ {secs = $3 + 0; rps = $4 + 0} /^Application protocol:/ {proto = $3}
        /^traffic:/ {bytes = substr($3, 2) + 0}   # "traffic: 1.2MB (1234567) total, ...": every byte received
        /^requests:/ {ok = $8 + 0; failed = $10 + 0}   # succeeded; failed (errored and timed out included)
        /^status codes:/ {failed += $5 + $7 + $9}         # 3xx, 4xx, 5xx
        END {units = ok; if (c ~ /-big$/) {units = bytes / 1048576; rps = secs ? units / secs : 0}
          printf "%s\t%s\t%s\t%.0f\t%s\t%.1f\t%s\t%d\t%d/%d\t%s\t%s\n", c, t, rep, rps, p99,
          units ? ticks * 1e6 / hz / units : 0, proto ? proto : "?", failed, be, ok, hc, hs}' <<<"$out" | tee -a "$WORK/results"
    done
  done
done
[ -n "${OUT:-}" ] && cp "$WORK/results" "$OUT"
[ -f "$WORK/windows" ] && cat "$WORK/windows"
echo
awk -F'\t' 'NR > 1 { k = $1 "\t" $2; r[k] = r[k] " " $4; p[k] = p[k] " " $5; u[k] = u[k] " " $6; pr[k] = pr[k] " " $7
    f[k] += $8; if (!($1 in seenc)) { seenc[$1]; cs[++nc] = $1 } if (!($2 in seent)) { seent[$2]; ts[++nt] = $2 } }
  function median(s,   a, m, i, j, x) { m = split(s, a, " "); for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++)
    if (a[j] + 0 < a[i] + 0) { x = a[i]; a[i] = a[j]; a[j] = x }; return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
  function ratio(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
  END { print "case\ttarget\tmedian req/s (big: MiB/s)\tp99 ms\tserver CPU us/req (big: /MiB)\tprotocol\tfailed\trsp vs it: req/s\tp99 (<1 better)\tCPU (>1 cheaper)"
    for (i = 1; i <= nc; i++) { c = cs[i]; best = ""
      for (j = 1; j <= nt; j++) { t = ts[j]; k = c "\t" t; if (!(k in r)) continue
        if (t !~ /^rsp/ && (best == "" || median(r[k]) > median(r[c "\t" best]))) best = t }
      for (j = 1; j <= nt; j++) { t = ts[j]; k = c "\t" t; if (!(k in r)) continue; q = c "\trsp"; x = "-\t-\t-"
        if (t != "rsp" && (q in r)) x = ratio(median(r[q]), median(r[k])) "\t" ratio(median(p[q]), median(p[k])) "\t" ratio(median(u[k]), median(u[q]))
        split(pr[k], a, " "); printf "%s\t%s\t%.0f\t%.2f\t%.1f\t%s\t%d\t%s\n", c, t (t == best ? " (faster peer)" : ""), median(r[k]), median(p[k]), median(u[k]), a[1], f[k], x } } }' \
  "$WORK/results"
