#!/usr/bin/env bash
# bench/compression.sh - what response compression costs: a ~100 KB HTML page through rsp with compression off and
# with gzip on, and through nginx without and with `gzip on` at the same level, for a client that sends
# Accept-Encoding: gzip. One nginx backend serves the page uncompressed (keep-alive everywhere).
# Servers pinned to CPU 1, wrk to CPU 0, interleaved, REPS repetitions of DUR seconds. Loopback only.
# Prints a TSV: target rep req_per_s cpu_us_per_req wire_bytes_per_req, then the medians and the ratios
# rsp-gzip/rsp-off and rsp-gzip/nginx-gzip. CPU is the proxy process's (nginx: its worker) user+system time over the
# run, per request; wire bytes are wrk's Transfer/sec over Requests/sec (head and body as received).
#
#   mvn -B -q package -DskipTests && bench/compression.sh        # about 1.5 minutes with the defaults
#
# Knobs (env): REPS=2 DUR=6 LEVEL=5 (the deflate level of both proxies; rsp's default is 5, nginx's 1) CONNS=20
set -Eeuo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPS=${REPS:-2} DUR=${DUR:-6} LEVEL=${LEVEL:-5} CONNS=${CONNS:-20}
BE=9031 NGX=8311 NGXGZ=8312 RSP=8313 RSPGZ=8314
. "$ROOT/bench/lib.sh"

bench_setup compression nginx wrk taskset curl python3
# The page: seeded HTML-like text, compressible about as real pages are (gzip -5 makes it about a quarter).
python3 - "$WORK/www/page.html" <<'PY'
import random, sys
r = random.Random(23)
words = ['<li class="row">', '</li>\n', '<a href="/item/', '">', '</a>', 'proxy', 'response', 'item', 'the', 'rsp']
out = []
n = 0
while n < 100_000:
    w = r.choice(words) + str(r.randrange(10000))
    out.append(w)
    n += len(w)
open(sys.argv[1], 'w').write(''.join(out)[:100_000])
PY
chmod -R a+rX "$WORK/www"
cat >"$WORK/be.conf" <<CONF
daemon off; worker_processes 1; pid $WORK/be.pid; error_log $WORK/be.err warn;
events { worker_connections 8192; }
http { access_log off; $NGTEMP keepalive_requests 100000000; types { text/html html; text/plain bin; }
  server { listen 127.0.0.1:$BE backlog=4096; root $WORK/www; gzip off; } }
CONF
for gz in off on; do
  port=$NGX; [ $gz = on ] && port=$NGXGZ
  cat >"$WORK/proxy-$gz.conf" <<CONF
daemon off; worker_processes 1; pid $WORK/proxy-$gz.pid; error_log $WORK/proxy-$gz.err warn;
events { worker_connections 8192; }
http { access_log off; $NGTEMP keepalive_requests 100000000;
  gzip $gz; gzip_comp_level $LEVEL; gzip_min_length 1024; gzip_proxied any; gzip_vary on; gzip_types text/plain;
  upstream be { server 127.0.0.1:$BE; keepalive 64; }
  server { listen 127.0.0.1:$port backlog=4096;
    location / { proxy_pass http://be; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
CONF
done
home=$("$ROOT/bench/rsp-home.sh" "$WORK/rsp" "$RSP" "127.0.0.1:$BE")
gzhome=$("$ROOT/bench/rsp-home.sh" "$WORK/rsp-gz" "$RSPGZ" "127.0.0.1:$BE")
printf 'compression = gzip\ncompression.level = %s\n' "$LEVEL" >>"$gzhome/etc/rsp.core.cfg"
# Two instances: neither needs the TLS listener (0.0.0.0:8443), only one may have the admin one (127.0.0.1:9090).
rm -f "$home/etc/rsp.tls.cfg" "$gzhome/etc/rsp.tls.cfg" "$home/etc/rsp.admin.cfg"
sed -i 's|^listen = .*|listen = 127.0.0.1:9314|' "$gzhome/etc/rsp.admin.cfg"

declare -A PID_OF
srv() {  # name cmd...
  local name=$1; shift
  taskset -c 1 "$@" >"$WORK/$name.out" 2>&1 & PIDS+=($!); PID_OF[$name]=$!
}
srv be nginx -c "$WORK/be.conf" -p "$WORK"
srv nginx nginx -c "$WORK/proxy-off.conf" -p "$WORK"
srv nginx-gzip nginx -c "$WORK/proxy-on.conf" -p "$WORK"
export RSP_CDS=off RSP_JAVA_OPTS='-XX:+UseParallelGC -Xms512m -Xmx512m -XX:MaxDirectMemorySize=2g'
srv rsp "$home/bin/rsp"
srv rsp-gzip "$gzhome/bin/rsp"
trap 'for f in "$WORK"/rsp*.out; do echo "== $f" >&2; tail -15 "$f" >&2; done' ERR
for p in $BE $NGX $NGXGZ; do bench_ready "$p" || exit 1; done
for t in rsp:$RSP rsp-gzip:$RSPGZ; do  # two JVMs starting on one CPU: up to a minute on a busy machine
  for _ in $(seq 4); do bench_ready "${t##*:}" 2>/dev/null && continue 2; done
  echo "compression: ${t%%:*} did not answer on ${t##*:}; its output:" >&2; cat "$WORK/${t%%:*}.out" >&2; exit 1
done
enc=$(curl -s -o /dev/null -D - -H 'Accept-Encoding: gzip' "http://127.0.0.1:$RSPGZ/page.html" | tr -d '\r' | awk -F': ' 'tolower($1) == "content-encoding" {print $2}')
[ "$enc" = gzip ] || { echo "compression: rsp-gzip did not gzip the page (Content-Encoding '$enc')" >&2; exit 1; }

# CPU ticks (user + system) of a server: the process and its children (nginx's worker; bin/rsp execs java).
ticks() {
  local p sum=0 kid
  for p in $1 $(pgrep -P "$1" || true); do
    [ -r "/proc/$p/stat" ] || continue
    sum=$((sum + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$sum"
}
HZ=$(getconf CLK_TCK)
run() {  # port seconds
  taskset -c 0 timeout $(($2 + 20)) wrk -t1 -c"$CONNS" -d"$2"s -H 'Accept-Encoding: gzip' "http://127.0.0.1:$1/page.html"
}
run $RSP 8 >/dev/null      # JIT warm-up
run $RSPGZ 8 >/dev/null
printf 'target\trep\treq_per_s\tcpu_us_per_req\twire_bytes_per_req\n' | tee "$WORK/runs.tsv"
for rep in $(seq "$REPS"); do
  for t in rsp:$RSP rsp-gzip:$RSPGZ nginx:$NGX nginx-gzip:$NGXGZ; do
    name=${t%%:*} port=${t##*:}
    run "$port" 2 >/dev/null
    before=$(ticks "${PID_OF[$name]}")
    out=$(run "$port" "$DUR")
    after=$(ticks "${PID_OF[$name]}")
    python3 - "$name" "$rep" "$before" "$after" "$HZ" <<PY | tee -a "$WORK/runs.tsv"
import re, sys
name, rep, before, after, hz = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
out = """$out"""
units = {'B': 1, 'KB': 1024, 'MB': 1024 ** 2, 'GB': 1024 ** 3}
rps = float(re.search(r'Requests/sec:\s+([\d.]+)', out).group(1))
total = int(re.search(r'(\d+) requests in', out).group(1))
m = re.search(r'Transfer/sec:\s+([\d.]+)([KMG]?B)', out)
wire = float(m.group(1)) * units[m.group(2)] / rps
cpu_us = (after - before) * 1e6 / hz / max(total, 1)
print(f'{name}\t{rep}\t{rps:.0f}\t{cpu_us:.0f}\t{wire:.0f}')
PY
  done
done
python3 - "$WORK/runs.tsv" <<'PY'
import statistics, sys
rows = [l.rstrip('\n').split('\t') for l in open(sys.argv[1])][1:]
med = {}
for t in ('rsp', 'rsp-gzip', 'nginx', 'nginx-gzip'):
    r = [x for x in rows if x[0] == t]
    med[t] = [statistics.median(float(x[i]) for x in r) for i in (2, 3, 4)]
print('\nmedians\ttarget\treq_per_s\tcpu_us_per_req\twire_bytes_per_req')
for t, (rps, cpu, wire) in med.items():
    print(f'\t{t}\t{rps:.0f}\t{cpu:.0f}\t{wire:.0f}')
def ratio(a, b):
    return '\t'.join(f'{x / y:.2f}' for x, y in zip(med[a], med[b]))
print('ratios\t\treq_per_s\tcpu_per_req\twire_bytes')
print('\trsp-gzip/rsp\t' + ratio('rsp-gzip', 'rsp'))
print('\tnginx-gzip/nginx\t' + ratio('nginx-gzip', 'nginx'))
print('\trsp-gzip/nginx-gzip\t' + ratio('rsp-gzip', 'nginx-gzip'))
PY
