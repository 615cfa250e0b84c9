#!/usr/bin/env bash
# bench/testssl.sh - conformance check of rsp's TLS listener with testssl.sh (Debian package testssl.sh), side by side
# with HAProxy configured with Mozilla's "intermediate" profile (ssl-config.mozilla.org, HAProxy 2.6, OpenSSL 3.0),
# both with the same EC P-256 certificate (self-signed, made here), on 127.0.0.1. Prints every finding of severity LOW
# or above for each server, then the findings where rsp is worse than HAProxy (same testssl id, higher severity, or
# absent from HAProxy's list); exits 1 when there is one. rsp runs with ENGINE (native by default; jsse to check the
# JDK's engine). Findings that come from the self-signed test certificate (trust, chain, OCSP/CRL URIs, CT) are the
# same for both servers and are left out of the comparison.
#   mvn -B -q package -DskipTests && flock /tmp/rsp-bench.lock bench/testssl.sh      (about 4 to 6 minutes)
# Not run by CI: one testssl.sh run takes 2 to 3 minutes here, too long for a distribution IT.
# Knobs: ENGINE=native|jsse HAP=18591 RSP_TLS=18592 BE=18590 KEEP=0 (1: keep the JSON reports in bench/results/)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
ENGINE=${ENGINE:-native}; BE=${BE:-18590}; HAP=${HAP:-18591}; RSP_TLS=${RSP_TLS:-18592}; RSP_HTTP=${RSP_HTTP:-18593}
RSP_ADMIN=${RSP_ADMIN:-18594}; KEEP=${KEEP:-0}
TESTSSL=$(command -v testssl || command -v testssl.sh || true)
[ -n "$TESTSSL" ] || { echo "testssl.sh is needed (apt-get install testssl.sh)" >&2; exit 2; }
bench_setup testssl openssl nginx haproxy curl jq

mkdir -p "$WORK/certs"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=bench.local \
  -addext subjectAltName=DNS:bench.local -keyout "$WORK/certs/default.key" -out "$WORK/certs/default.crt" 2>/dev/null
cat "$WORK/certs/default.crt" "$WORK/certs/default.key" >"$WORK/haproxy.pem"
bench_backend "$BE" "$WORK/be.conf"
# HSTS is the application's header here, passed on by both proxies (rsp has no HSTS option of its own yet)
sed -i "s|root $WORK/www;|root $WORK/www; add_header Strict-Transport-Security max-age=63072000 always;|" "$WORK/be.conf"

# Mozilla intermediate, HAProxy 2.6, OpenSSL 3.0 (ssl-config.mozilla.org, config generator 5.7); the DHE suites are
# kept as generated although an EC certificate never uses them.
cat >"$WORK/haproxy.cfg" <<CONF
global
  ssl-default-bind-ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305
  ssl-default-bind-ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256
  ssl-default-bind-options prefer-client-ciphers no-sslv3 no-tlsv10 no-tlsv11 no-tls-tickets
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend fe
  bind 127.0.0.1:$HAP ssl crt $WORK/haproxy.pem alpn h2,http/1.1
  default_backend be
backend be
  server be 127.0.0.1:$BE
CONF
haproxy -c -q -f "$WORK/haproxy.cfg"

srv() { "$@" >>"$WORK/servers.out" 2>&1 & PIDS+=($!); }
srv nginx -c "$WORK/be.conf"
srv haproxy -db -f "$WORK/haproxy.cfg"
bench_ready "$BE"
[ -x "$ROOT/distribution/target/rsp/bin/rsp" ] || { echo "no distribution/target/rsp (mvn -B -q package -DskipTests)" >&2; exit 2; }
home=$("$ROOT/bench/rsp-home.sh" "$WORK/rsp" "$RSP_HTTP" "127.0.0.1:$BE")
printf 'listen = 127.0.0.1:%s\nmode = terminate\ncerts.dir = %s\nengine = %s\n' "$RSP_TLS" "$WORK/certs" "$ENGINE" \
  >"$home/etc/rsp.tls.cfg"
printf 'listen = 127.0.0.1:%s\n' "$RSP_ADMIN" >"$home/etc/rsp.admin.cfg"
srv "$home/bin/rsp"
for p in "$HAP" "$RSP_TLS"; do
  ok=0
  for _ in $(seq 300); do
    curl -fsk -o /dev/null --max-time 1 "https://127.0.0.1:$p/small.bin" -H "Host: bench.local" && { ok=1; break; }
    sleep 0.1
  done
  [ "$ok" = 1 ] || { echo "nothing answers on https://127.0.0.1:$p" >&2; exit 1; }
done

scan() {  # name port -> $WORK/name.json
  timeout 900 "$TESTSSL" --quiet --color 0 --warnings off --ip 127.0.0.1 --jsonfile "$WORK/$1.json" \
    "bench.local:$2" >"$WORK/$1.txt" 2>&1 || true
  [ -s "$WORK/$1.json" ] || { echo "testssl.sh wrote no report for $1; its output:" >&2; cat "$WORK/$1.txt" >&2; exit 1; }
}
scan haproxy "$HAP"
scan "rsp-$ENGINE" "$RSP_TLS"

# Findings of the test certificate itself, the same for both servers: not about the TLS stack.
CERT_IDS='^(cert_|intermediate_|chain_of_trust|OCSP_stapling|DNS_CAArecord|certificate_transparency|cert_trust|pre_128cipher)'
findings() {  # name -> "id<TAB>severity<TAB>finding" with severity LOW or above
  jq -r '.[] | select(.severity == "LOW" or .severity == "MEDIUM" or .severity == "HIGH" or .severity == "CRITICAL"
    or .severity == "WARN") | [.id, .severity, .finding] | @tsv' "$WORK/$1.json" | sort
}
for n in haproxy "rsp-$ENGINE"; do
  echo "== $n: findings LOW and above"
  findings "$n" | sed 's/^/  /'
done
rank() { case $1 in WARN) echo 1 ;; LOW) echo 2 ;; MEDIUM) echo 3 ;; HIGH) echo 4 ;; CRITICAL) echo 5 ;; *) echo 0 ;; esac; }
worse=0
echo "== rsp-$ENGINE worse than HAProxy (certificate findings left out)"
while IFS=$'\t' read -r id sev text; do
  [[ $id =~ $CERT_IDS ]] && continue
  hsev=$(findings haproxy | awk -F'\t' -v id="$id" '$1 == id {print $2}' | head -1)
  if [ "$(rank "$sev")" -gt "$(rank "${hsev:-OK}")" ]; then
    printf '  %s\t%s (HAProxy: %s)\t%s\n' "$id" "$sev" "${hsev:-OK}" "$text"
    worse=$((worse + 1))
  fi
done < <(findings "rsp-$ENGINE")
echo "  $worse finding(s)"
if [ "$KEEP" = 1 ]; then
  mkdir -p "$ROOT/bench/results"
  day=$(date -u +%Y-%m-%d)
  cp "$WORK/haproxy.json" "$ROOT/bench/results/testssl-haproxy-$day.json"
  cp "$WORK/rsp-$ENGINE.json" "$ROOT/bench/results/testssl-rsp-$ENGINE-$day.json"
fi
[ "$worse" -eq 0 ]
