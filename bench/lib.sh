# bench/lib.sh - what bench/memory.sh and bench/hosts.sh share; sourced, not run.
#   bench_setup NAME TOOL...  checks the tools, makes $WORK (removed at exit with every pid in PIDS stopped),
#                             a 100-byte $WORK/www/small.bin, and $NGTEMP (nginx temp paths inside $WORK)
#   bench_backend PORT CONF   writes an nginx backend config serving $WORK/www on 127.0.0.1:PORT
#   bench_ready PORT [HOST]   waits (bounded, 15 s) until a GET of /small.bin on PORT answers

bench_setup() {
  local name=$1 tool
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$name: $tool is needed (bench/bench.sh installs it)" >&2; exit 2; }
  done
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/rsp-$name.XXXXXX")
  chmod 755 "$WORK"   # nginx workers run as nobody
  PIDS=()
  trap bench_cleanup EXIT
  mkdir -p "$WORK/www" "$WORK/ng"
  head -c 100 /dev/zero | tr '\0' 'a' >"$WORK/www/small.bin"
  chmod -R a+rX "$WORK/www"
  NGTEMP="client_body_temp_path $WORK/ng/b; proxy_temp_path $WORK/ng/p; fastcgi_temp_path $WORK/ng/f; uwsgi_temp_path $WORK/ng/u; scgi_temp_path $WORK/ng/s;"
}

bench_cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}

bench_backend() {  # port conf
  cat >"$2" <<CONF
daemon off; worker_processes 1; pid $2.pid; error_log $2.err warn;
events { worker_connections 16384; }
http { access_log off; $NGTEMP keepalive_requests 100000000;
  server { listen 127.0.0.1:$1 backlog=4096; root $WORK/www; } }
CONF
}

bench_ready() {  # port [host]
  local _
  for _ in $(seq 150); do
    curl -fs -o /dev/null --max-time 1 -H "Host: ${2:-bench.local}" "http://127.0.0.1:$1/small.bin" && return 0
    sleep 0.1
  done
  echo "nothing answers on 127.0.0.1:$1" >&2
  return 1
}
