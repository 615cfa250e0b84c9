#!/usr/bin/env bash
# bench/rsp-home.sh DIR PORT BACKEND... - a copy of distribution/target/rsp set up for load tests: listens on
# 127.0.0.1:PORT with one loop and buffer.size RSP_BUFFER_SIZE (default 16384), routes by RSP_CHAIN (default
# host-hash; the shipped etc/rules.lua serves a chain with lua) over the given host:port backends, demo off,
# warnings only and no access log. Prints DIR. RSP_DIST: another built distribution to copy (e.g. a baseline).
# RSP_CORE_EXTRA: more rsp.core lines for an A/B (e.g. RSP_CORE_EXTRA='buffer.bulk.size = 0'). RSP_LOOPS: loops (1).
set -Eeuo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$1 port=$2; shift 2
cp -r "${RSP_DIST:-$ROOT/distribution/target/rsp}" "$dir"
rm -rf "$dir/data" "$dir/etc/rsp.demo.cfg" "$dir/deploy/rsp-demo.jar"
printf 'http.listen = 127.0.0.1:%s\nloops = %s\nrouting.chain = %s\nbuffer.size = %s\nlimits.head.bytes = 16384\n' \
  "$port" "${RSP_LOOPS:-1}" "${RSP_CHAIN:-host-hash}" "${RSP_BUFFER_SIZE:-16384}" >"$dir/etc/rsp.core.cfg"
[ -z "${RSP_CORE_EXTRA:-}" ] || printf '%s\n' "$RSP_CORE_EXTRA" >>"$dir/etc/rsp.core.cfg"
: >"$dir/etc/rsp.backends.cfg"
i=0
for b in "$@"; do
  i=$((i + 1))
  echo "backend.be${b##*:} = $b" >>"$dir/etc/rsp.backends.cfg"
done
# The access log off whatever else its logger element says (c50feb1 gave it an appender and additivity, and a sed that
# matched the whole element left it on: every benchmark of rsp since then wrote an access line per request to a file).
sed -i -e 's|<logger name="rsp.access" level="INFO"|<logger name="rsp.access" level="OFF"|' \
       -e 's|<root level="INFO">|<root level="WARN">|' "$dir/etc/logback.xml"
grep -q '<logger name="rsp.access" level="OFF"' "$dir/etc/logback.xml" && grep -q '<root level="WARN">' "$dir/etc/logback.xml" ||
  { echo "rsp-home.sh: could not switch the access log off and the root logger to WARN in $dir/etc/logback.xml" >&2; exit 1; }
echo "$dir"
