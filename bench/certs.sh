#!/usr/bin/env bash
# bench/certs.sh - rsp's TLS listener with many certificates (issue 20, "Scale"): for each N in NS, rsp from
# distribution/target/rsp serving N certificates made by bench/gen-certs (plus a default one), measured for
#   start     from launching bin/rsp to the first verified HTTPS answer through it (GET /small.bin from an nginx
#             backend, SNI d0.bench.test, or bench.local when N = 0); median of STARTS starts, and its difference
#             to the N = 0 start
#   memory    RSS after start, and after NAMES distinct names were served (one full handshake each), each also
#             after a full GC (ParallelGC seldom gives memory back; with G1 that figure is closer to what is live);
#             and the live Java heap after that GC (jcmd GC.run, then jstat's used columns): what the engine holds
#             natively (BoringSSL's contexts) shows only in RSS
#   latency   full handshakes one at a time (bench/tls_names.py: connect + handshake, verified against the
#             benchmark's CA, the name checked), for a cold name (its first handshake since rsp started: NAMES
#             names, spread over all N) and a warm one (the last WARM_NAMES names served, WARM_PASSES times over);
#             medians and p99, and warm vs the N = 10 case ("as fast as with 10 certificates"); before them JIT
#             handshakes for the name of the start request warm the JIT. Beside the latencies, rsp's own CPU time
#             (utime + stime of the whole JVM from /proc) per connection (handshake and one proxied request) of
#             each phase; and, as the client's floor, the same client against nginx serving one certificate
# With N <= NAMES the cold handshakes cycle over the N names (only the first of each is cold); N = 0 serves the
# default certificate for every name (only the chain is verified then). rsp pinned to CPU 1 (one loop), the client
# and the backend to CPU 0, loopback only, every start and phase bounded in time. Interleaved: start r of every N,
# then start r + 1; the memory and latency phases run in the last start of each N. Raw results (per-start TSV,
# per-handshake times, /metrics snapshots, rsp's logs) under OUT; a table at the end. Not run by CI or by
# bench/bench.sh; must not overlap with other benchmarks:
#   mvn -B -q package -DskipTests && flock /tmp/rsp-bench.lock bench/certs.sh
#   (the certificates are made once and kept under bench/results/; a short check: NS="0 10 500" STARTS=1 NAMES=200)
# Knobs: NS="0 10 100000" STARTS=3 NAMES=10000 WARM_NAMES=1000 WARM_PASSES=3 JIT=2000 LAYOUT=flat KEYS=per-leaf
#        (bench/gen-certs) START_TIMEOUT=300 PHASE_TIMEOUT=600 (seconds; an N whose start fails is not started again)
#        RSS_LIMIT_MIB=6144 (rsp is killed above it) FLOOR=1 (0: no nginx floor) ENGINE= (rsp's default)
#        RSP_TLS_EXTRA= (lines added to etc/rsp.tls.cfg, e.g. $'certs.cache.size = 20000')
#        RSP_JAVA_OPTS (default: ParallelGC, at most 4 GiB heap) RSP_CDS=off OUT=bench/results/certs-<UTC time>
set -Eeuo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$ROOT/bench/lib.sh"
NS=${NS:-"0 10 100000"}; STARTS=${STARTS:-3}; NAMES=${NAMES:-10000}; WARM_NAMES=${WARM_NAMES:-1000}
WARM_PASSES=${WARM_PASSES:-3}; JIT=${JIT:-2000}; START_TIMEOUT=${START_TIMEOUT:-300}; PHASE_TIMEOUT=${PHASE_TIMEOUT:-600}
ENGINE=${ENGINE:-}; RSP_TLS_EXTRA=${RSP_TLS_EXTRA:-}; RSS_LIMIT_MIB=${RSS_LIMIT_MIB:-6144}; FLOOR=${FLOOR:-1}
JAVA_OPTS=${RSP_JAVA_OPTS:-'-XX:+UseParallelGC -Xmx4g -XX:MaxDirectMemorySize=2g'}
OUT=${OUT:-$ROOT/bench/results/certs-$(date -u +%Y%m%d-%H%M%S)}
BE=18690 HTTP=18700 TLS=18701 ADMIN=18702 FLOOR_PORT=18703
bench_setup certs nginx curl taskset python3 jcmd jstat java
[ -x "$ROOT/distribution/target/rsp/bin/rsp" ] || { echo "certs: build first: mvn -B -q package -DskipTests" >&2; exit 2; }
mkdir -p "$OUT"
CLIENT=(taskset -c 0 python3 "$ROOT/bench/tls_names.py")

declare -A DIR
for n in $NS; do   # the certificates first: generating them is not part of any measurement
  DIR[$n]=$(taskset -c 0,1 "$ROOT/bench/gen-certs" "$n" | tail -1)
done

bench_backend "$BE" "$WORK/be.conf"
taskset -c 0 nginx -c "$WORK/be.conf" & PIDS+=($!)
bench_ready "$BE"
home=$("$ROOT/bench/rsp-home.sh" "$WORK/rsp" "$HTTP" "127.0.0.1:$BE")
printf 'listen = 127.0.0.1:%s\n' "$ADMIN" >"$home/etc/rsp.admin.cfg"

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime of every thread of the JVM
heap_kib() {  # pid -> KiB of Java heap in use right after a full GC
  taskset -c 0 jcmd "$1" GC.run >/dev/null
  taskset -c 0 jstat -gc "$1" | awk 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i}
    NR == 2 {printf "%.0f\n", $c["S0U"] + $c["S1U"] + $c["EU"] + $c["OU"]}'
}
metrics() {  # file: rsp's /metrics now
  curl -fs --max-time 10 "http://127.0.0.1:$ADMIN/metrics" >"$1" || echo "(no /metrics)" >"$1"
}
ready_name() { if [ "$1" = 0 ]; then echo bench.local; else echo d0.bench.test; fi; }

# An rsp that loads every certificate at start needs memory in proportion (about 0.7 MiB each with BoringSSL on
# 2026-12-07): a watchdog stops it at RSS_LIMIT_MIB, so that a large N cannot take the machine's memory from others.
rsp_pid= start_ms= watchdog=
start_rsp() {  # n tag -> rsp running with N certificates: rsp_pid, and start_ms (empty when it did not answer)
  local n=$1 tag=$2 t0
  {
    printf 'listen = 127.0.0.1:%s\nmode = terminate\ncerts.dir = %s\nselfsigned.default = false\nocsp.stapling = false\n' \
      "$TLS" "${DIR[$n]}/certs"
    [ -z "$ENGINE" ] || printf 'engine = %s\n' "$ENGINE"
    [ -z "$RSP_TLS_EXTRA" ] || printf '%s\n' "$RSP_TLS_EXTRA"
  } >"$home/etc/rsp.tls.cfg"
  t0=$(date +%s%N)
  RSP_CDS=${RSP_CDS:-off} RSP_JAVA_OPTS=$JAVA_OPTS taskset -c 1 "$home/bin/rsp" >"$OUT/rsp-$n-$tag.log" 2>&1 &
  rsp_pid=$!
  PIDS+=("$rsp_pid")
  (
    while kill -0 "$rsp_pid" 2>/dev/null; do
      rss=$(rss_kib "$rsp_pid" 2>/dev/null) || rss=0   # none once it has exited
      if [ "${rss:-0}" -gt $((RSS_LIMIT_MIB * 1024)) ]; then
        echo "certs: rsp stopped: its RSS passed RSS_LIMIT_MIB = $RSS_LIMIT_MIB" | tee "$OUT/rsp-$n-$tag.over-rss" >&2
        kill -9 "$rsp_pid"
      fi
      sleep 0.5
    done
  ) &
  watchdog=$!
  PIDS+=("$watchdog")
  start_ms=$("${CLIENT[@]}" ready "$TLS" "$(ready_name "$n")" "${DIR[$n]}/ca.crt" "$t0" "$START_TIMEOUT" "$rsp_pid" \
    2>>"$OUT/rsp-$n-$tag.log") || start_ms=
}
stop_rsp() {
  kill "$rsp_pid" 2>/dev/null || true
  wait "$rsp_pid" 2>/dev/null || true
  wait "$watchdog" 2>/dev/null || true
}

cold_indexes() {  # n -> NAMES indexes: distinct names spread over d1..d<n-1> when there are enough, else cycling
  awk -v n="$1" -v k="$NAMES" 'BEGIN {
    if (n == 0) { for (j = 1; j <= k; j++) print j; exit }
    if (n - 1 >= k) { s = int((n - 1) / k); for (j = 0; j < k; j++) print 1 + j * s; exit }
    for (j = 0; j < k; j++) print (1 + j) % n }'
}
handshakes() {  # n phase seen < indexes -> the client's summary line
  local n=$1 check=1
  [ "$n" = 0 ] && check=0
  "${CLIENT[@]}" handshakes "$TLS" "${DIR[$n]}/ca.crt" "$check" "$3" "$PHASE_TIMEOUT" "$OUT/handshakes-$n-$2.tsv" ||
    echo "certs: the $2 handshakes with N = $n all failed (see $OUT/rsp-$n-last.log)" >&2
}
field() { tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }

for n in $NS; do   # the certificate files into the page cache, so that every start reads them from memory
  tar cf - -C "${DIR[$n]}" certs | cat >/dev/null
done
echo "certs: a first start not measured (N = ${NS%% *})" >&2
start_rsp "${NS%% *}" warmup
[ -n "$start_ms" ] || { echo "certs: rsp did not answer; see $OUT/rsp-${NS%% *}-warmup.log" >&2; exit 1; }
stop_rsp

printf 'n\tstart\tstart_ms\trss_kib\theap_kib\trss_after_gc_kib\n' >"$OUT/starts.tsv"
printf 'n\tphase\tdone\tdistinct\tok\twrong_cert\terror\ttimed_out\tcold_n\tcold_p50_us\tcold_p99_us\twarm_n\twarm_p50_us\twarm_p99_us\trss_kib\theap_kib\tcpu_us_per_connection\trss_after_gc_kib\n' \
  >"$OUT/phases.tsv"
declare -A FAILED
for rep in $(seq "$STARTS"); do
  for n in $NS; do
    [ -z "${FAILED[$n]:-}" ] || continue
    tag=$rep; [ "$rep" = "$STARTS" ] && tag=last
    start_rsp "$n" "$tag"
    if [ -z "$start_ms" ]; then
      echo "certs: N = $n start $rep: no answer (see $OUT/rsp-$n-$tag.log); no more starts with N = $n" >&2
      printf '%s\t%s\t-\t-\t-\t-\n' "$n" "$rep" >>"$OUT/starts.tsv"
      FAILED[$n]=1
      stop_rsp
      continue
    fi
    rss=$(rss_kib "$rsp_pid"); heap=$(heap_kib "$rsp_pid"); rssgc=$(rss_kib "$rsp_pid")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$rep" "$start_ms" "$rss" "$heap" "$rssgc" | tee -a "$OUT/starts.tsv" >&2
    if [ "$rep" = "$STARTS" ]; then
      metrics "$OUT/metrics-$n-started.txt"
      awk -v k="$JIT" 'BEGIN {for (j = 0; j < k; j++) print 0}' | handshakes "$n" jit 1 >/dev/null   # the JIT warmed before any latency counts
      c0=$(cpu_ticks "$rsp_pid")
      cold=$(cold_indexes "$n" | handshakes "$n" cold 0)
      cold_cpu=$(( $(cpu_ticks "$rsp_pid") - c0 ))
      rss=$(rss_kib "$rsp_pid"); heap=$(heap_kib "$rsp_pid"); rssgc=$(rss_kib "$rsp_pid")
      metrics "$OUT/metrics-$n-cold.txt"
      c0=$(cpu_ticks "$rsp_pid")
      warm=$(cold_indexes "$n" | awk '!seen[$1]++' | tail -n "$WARM_NAMES" |
        awk -v p="$WARM_PASSES" '{a[NR] = $1} END {for (r = 0; r < p; r++) for (i = 1; i <= NR; i++) print a[i]}' |
        handshakes "$n" warm 1)
      warm_cpu=$(( $(cpu_ticks "$rsp_pid") - c0 ))
      metrics "$OUT/metrics-$n-warm.txt"
      for t in /proc/"$rsp_pid"/task/*; do   # where rsp's CPU went, per thread (compiler, GC, loop, loaders)
        printf '%s\t%s\n' "$(awk '{print $14 + $15}' "$t/stat")" "$(cat "$t/comm")"
      done 2>/dev/null | sort -rn >"$OUT/threads-$n.tsv" || true
      for phase in cold warm; do
        line=$cold ticks=$cold_cpu
        [ "$phase" = warm ] && line=$warm ticks=$warm_cpu
        row="$n\t$phase"
        for k in done distinct ok wrong_cert error timed_out cold_n cold_p50_us cold_p99_us warm_n warm_p50_us warm_p99_us; do
          row="$row\t$(echo "$line" | field "$k")"
        done
        if [ "$phase" = cold ]; then row="$row\t$rss\t$heap"; else row="$row\t-\t-"; fi
        row="$row\t$(echo "$line" | field done | awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" '{printf "%.0f", $1 ? t * 1e6 / hz / $1 : 0}')"
        if [ "$phase" = cold ]; then row="$row\t$rssgc"; else row="$row\t-"; fi
        printf "$row\n" | tee -a "$OUT/phases.tsv" >&2
      done
    fi
    stop_rsp
  done
done

# The client's floor: the same handshakes against nginx (one worker on CPU 1) serving one of the certificates.
if [ "$FLOOR" = 1 ]; then
  floor_dir=$(taskset -c 0,1 "$ROOT/bench/gen-certs" 10 | tail -1)
  cat >"$WORK/floor.conf" <<CONF
daemon off; worker_processes 1; pid $WORK/floor.pid; error_log $WORK/floor.err warn;
events { worker_connections 1024; }
http { access_log off; $NGTEMP
  server { listen 127.0.0.1:$FLOOR_PORT ssl; ssl_certificate $floor_dir/certs/d0.crt;
    ssl_certificate_key $floor_dir/certs/d0.key; root $WORK/www; } }
CONF
  taskset -c 1 nginx -c "$WORK/floor.conf" & floor_pid=$!; PIDS+=("$floor_pid")
  for _ in $(seq 100); do curl -fsk -o /dev/null --max-time 1 "https://127.0.0.1:$FLOOR_PORT/small.bin" && break; sleep 0.1; done
  floor=$(awk -v k=$((JIT + WARM_NAMES * WARM_PASSES)) 'BEGIN {for (j = 0; j < k; j++) print 0}' |
    "${CLIENT[@]}" handshakes "$FLOOR_PORT" "$floor_dir/ca.crt" 1 1 "$PHASE_TIMEOUT" "$OUT/handshakes-nginx-floor.tsv") || true
  kill "$floor_pid" 2>/dev/null || true
  echo "$floor" >"$OUT/floor.txt"
fi

# The certificate-related lines of /metrics at the end of each N's last start (the full snapshots are in OUT).
for n in $NS; do
  [ -f "$OUT/metrics-$n-warm.txt" ] && grep -iE 'cert|handshake' "$OUT/metrics-$n-warm.txt" | sed "s/^/N=$n: /" >>"$OUT/metrics-certs.txt" || true
done
echo
echo "raw results: $OUT"
awk -F'\t' -v base="${NS%% *}" '
  function median(s,   a, m, i, j, x) { m = split(s, a, " "); if (!m) return "-"
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] + 0 < a[i] + 0) { x = a[i]; a[i] = a[j]; a[j] = x }
    return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
  function mib(k) { return k == "-" || k == "" ? "-" : sprintf("%.0f", k / 1024) }
  function ms(us) { return us == "" ? "-" : sprintf("%.2f", us / 1000) }
  FNR == 1 { file++; next }
  file == 1 { if (!($1 in seen)) { seen[$1]; order[++n] = $1 }
    if ($3 != "-") { st[$1] = st[$1] " " $3; rs[$1] = rs[$1] " " $4; hp[$1] = hp[$1] " " $5; rg[$1] = rg[$1] " " $6 } }
  file == 2 && $8 == 1 { late[$1] = 1 }
  file == 2 && $2 == "cold" { ccpu[$1] = $17; c50[$1] = $10; c99[$1] = $11; srss[$1] = $15; sheap[$1] = $16; srg[$1] = $18; dist[$1] = $4; bad[$1] = $6 + $7 }
  file == 2 && $2 == "warm" { wcpu[$1] = $17; w50[$1] = $13; w99[$1] = $14; bad[$1] += $6 + $7 }
  END {
    print "N\tstart ms\tvs N=" base "\tRSS MiB started (after GC)\theap MiB started\tnames served\tRSS MiB after (after GC)\theap MiB after\tcold p50/p99 ms\twarm p50/p99 ms\twarm p50 vs N=10\trsp CPU us per connection cold/warm\tfailed"
    for (i = 1; i <= n; i++) { k = order[i]; s = median(st[k]); b = median(st[base])
      d = (s == "-" || b == "-") ? "-" : sprintf("%+.0f", s - b)
      r = (k in w50 && 10 in w50 && w50[10] > 0) ? sprintf("%.2f", w50[k] / w50[10]) : "-"
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s/%s\t%s/%s\t%s\t%s/%s\t%s\n", k, s, d,
        mib(median(rs[k])) " (" mib(median(rg[k])) ")", mib(median(hp[k])), dist[k] == "" ? "-" : dist[k],
        mib(srss[k]) " (" mib(srg[k]) ")", mib(sheap[k]), ms(c50[k]), ms(c99[k]), ms(w50[k]), ms(w99[k]), r,
        ccpu[k] == "" ? "-" : ccpu[k], wcpu[k] == "" ? "-" : wcpu[k],
        (bad[k] == "" ? "-" : bad[k]) (late[k] ? " (timed out)" : "") } }' "$OUT/starts.tsv" "$OUT/phases.tsv" | tee "$OUT/table.tsv"
if [ -s "$OUT/floor.txt" ]; then
  awk '{for (i = 1; i <= NF; i++) {split($i, kv, "="); f[kv[1]] = kv[2]}
    printf "client floor: the same client against nginx serving one certificate: p50/p99 %.2f/%.2f ms\n",
      f["warm_p50_us"] / 1000, f["warm_p99_us"] / 1000}' "$OUT/floor.txt" | tee -a "$OUT/table.tsv"
fi
for n in $NS; do
  [ -z "${FAILED[$n]:-}" ] && continue
  if ls "$OUT/rsp-$n-"*.over-rss >/dev/null 2>&1; then
    echo "N = $n: rsp stopped when its RSS passed RSS_LIMIT_MIB = $RSS_LIMIT_MIB MiB" | tee -a "$OUT/table.tsv"
  else
    echo "N = $n: no answer within START_TIMEOUT = $START_TIMEOUT s" | tee -a "$OUT/table.tsv"
  fi
done
