#!/usr/bin/env bash
# bench/start.sh - bin/rsp launch to the first proxied answer (status 200 through the demo backends, the shipped
# configuration), STARTS starts per variant, interleaved; median, min and max, the CPU the process spent by then,
# its RSS then, and where the time went (log lines' arrival, CPU per thread). Loopback only, every start bounded
# (60 s to the answer, 15 s to stop). Run it under the benchmark lock: the machine is shared.
#
#   mvn -B -q package -pl distribution -am -DskipTests && flock /tmp/rsp-bench.lock bench/start.sh
#
# Variants (VARIANTS, default "cds first nocds jit-default"):
#   cds          the class data sharing archive in data/ (made by one start before the measured ones): a usual restart
#   first        data/ removed before each start: a first start (it writes the archive when it stops)
#   nocds        RSP_CDS=off
#   jit-default  the archive, with the JVM's default JIT thresholds (-XX:CompileThresholdScaling=1), for comparison
# A variant prefixed "base-" (base-cds, base-first, ...) runs the same way from BASELINE=<another built distribution>,
# e.g. a copy of an older build, interleaved with the others: before/after in one run. A variant prefixed "alt-" runs
# from ALT=<a third distribution> the same way (an experiment beside the baseline and the current build).
# Knobs (env): STARTS=5 (at most 20) VARIANTS=... TRACE=1 (the launcher's per-bundle trace, -Drsp.start.trace=true,
#              in each start's log) PORT_BASE=18600 RSP_DIST=<a built distribution, default distribution/target/rsp>
#              OUT_DIR=<results dir, default bench/results/start-<date>>
set -Eeuo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIST=${RSP_DIST:-$ROOT/distribution/target/rsp}
STARTS=${STARTS:-5}
VARIANTS=${VARIANTS:-cds first nocds jit-default}
PORT_BASE=${PORT_BASE:-18600}
OUT_DIR=${OUT_DIR:-$ROOT/bench/results/start-$(date +%Y%m%d-%H%M%S)}
[ -x "$DIST/bin/rsp" ] || { echo "start: build rsp first: mvn -B -q package -pl distribution -am -DskipTests" >&2; exit 2; }
[ "$STARTS" -ge 1 ] && [ "$STARTS" -le 20 ] || { echo "start: STARTS must be 1 to 20" >&2; exit 2; }
mkdir -p "$OUT_DIR"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rsp-start.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# One home per variant, on ports of its own (http, admin, TLS, the three demo backends).
home_for() {  # variant index
  local dir=$WORK/$1 p=$((PORT_BASE + 10 * $2)) from=$DIST
  [[ $1 == base-* ]] && from=$BASELINE
  [[ $1 == alt-* ]] && from=$ALT
  cp -r "$from" "$dir"
  rm -rf "$dir/data"
  sed -i "s/0\.0\.0\.0:8080/127.0.0.1:$p/" "$dir/etc/rsp.core.cfg"
  sed -i "s/127\.0\.0\.1:9090/127.0.0.1:$((p + 1))/" "$dir/etc/rsp.admin.cfg"
  printf '\nlisten = 127.0.0.1:%s\n' $((p + 2)) >>"$dir/etc/rsp.tls.cfg"
  sed -i -e "s/:9101/:$((p + 3))/" -e "s/:9102/:$((p + 4))/" -e "s/:9103/:$((p + 5))/" \
    "$dir/etc/rsp.demo.cfg" "$dir/etc/rsp.backends.cfg"
  echo "$p"
}

plain() {  # variant without its distribution prefix
  local v=${1#base-}
  echo "${v#alt-}"
}

one_start() {  # variant home port round
  local v=$1 home=$2 port=$3 round=$4 opts=""
  [ "${TRACE:-0}" = 1 ] && opts="-Drsp.start.trace=true"
  case "$(plain "$v")" in
    first) rm -rf "$home/data" ;;
    jit-default) opts="$opts -XX:CompileThresholdScaling=1" ;;
  esac
  local cds=on
  [ "$(plain "$v")" = nocds ] && cds=off
  # Every variant starts from the same path: FileInstall delivers etc/*.cfg in the order of a HashSet of their paths,
  # and whether rsp.core's configuration comes before or after rsp.tls's moves the first answer by ~150 ms.
  mv "$home" "$WORK/home"
  RSP_CDS=$cds RSP_JAVA_OPTS="$opts" /usr/bin/python3 "$ROOT/bench/start_probe.py" "$port" alice.example.com \
    "$OUT_DIR/$v-$round.log" -- "$WORK/home/bin/rsp" | sed "s/^{/{\"variant\": \"$v\", \"round\": $round, /" >>"$OUT_DIR/starts.jsonl" ||
    echo "start: $v start $round gave no 200 (see $OUT_DIR/$v-$round.log)" >&2
  mv "$WORK/home" "$home"
}

declare -A HOME_OF PORT_OF
i=0
for v in $VARIANTS; do
  case "$(plain "$v")" in cds|first|nocds|jit-default) ;; *) echo "start: unknown variant '$v'" >&2; exit 2 ;; esac
  [[ $v != base-* ]] || [ -x "${BASELINE:-}/bin/rsp" ] || { echo "start: $v needs BASELINE=<a built distribution>" >&2; exit 2; }
  [[ $v != alt-* ]] || [ -x "${ALT:-}/bin/rsp" ] || { echo "start: $v needs ALT=<a built distribution>" >&2; exit 2; }
  HOME_OF[$v]=$WORK/$v
  PORT_OF[$v]=$(home_for "$v" "$i")
  i=$((i + 1))
  # cds and jit-default measure restarts with an archive: one start first makes it.
  if [ "$(plain "$v")" = cds ] || [ "$(plain "$v")" = jit-default ]; then one_start "$v" "${HOME_OF[$v]}" "${PORT_OF[$v]}" 0; fi
done
: >"$OUT_DIR/starts.jsonl.measured"
grep -v '"round": 0,' "$OUT_DIR/starts.jsonl" >"$OUT_DIR/starts.jsonl.measured" 2>/dev/null || true
mv "$OUT_DIR/starts.jsonl.measured" "$OUT_DIR/starts.jsonl"
echo "start: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1), $STARTS starts per variant" |
  tee "$OUT_DIR/summary.txt"
for round in $(seq "$STARTS"); do
  for v in $VARIANTS; do one_start "$v" "${HOME_OF[$v]}" "${PORT_OF[$v]}" "$round"; done
done
echo "start: load at the end $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT_DIR/summary.txt"

/usr/bin/python3 - "$OUT_DIR/starts.jsonl" <<'PY' | tee -a "$OUT_DIR/summary.txt"
import json, re, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    d = json.loads(line)
    runs.setdefault(d['variant'], []).append(d)

def first(lines, pattern):
    for ms, text in lines:
        if re.search(pattern, text):
            return ms
    return None

# Milestones: when a line that marks a step of the start arrived (ms since launch).
MILESTONES = [
    ('launcher main', None),
    ('framework started', r'^rsp: framework started'),
    ('proxy listening', r'rsp proxy listening'),
    ('backends published', r'rsp\.backends: \d+ backends'),
    ('demo listening', r'demo backend demo-1 listening'),
]
def med(xs):
    xs = [x for x in xs if x is not None]
    return None if not xs else round(statistics.median(xs))
def fmt(x):
    return '-' if x is None else str(x)

for v, rs in runs.items():
    ok = [r for r in rs if r['first_ms'] is not None]
    if not ok:
        print('%-12s no start answered' % v)
        continue
    ms = sorted(r['first_ms'] for r in ok)
    print('%-12s first 200: median %d ms (min %d, max %d, %d of %d answered); CPU %s ms; RSS %s MiB'
          % (v, statistics.median(ms), ms[0], ms[-1], len(ok), len(rs),
             fmt(med(r['cpu_ms'] for r in ok)), fmt(med((r['rss_kb'] or 0) // 1024 for r in ok))))
    parts = []
    for name, pattern in MILESTONES:
        if pattern is None:
            # "framework started ... in N ms" is N ms after the launcher's main began
            vals = []
            for r in ok:
                at = first(r['lines'], r'^rsp: framework started')
                m = [re.search(r' in (\d+) ms', t) for _, t in r['lines'] if t.startswith('rsp: framework started')]
                vals.append(None if at is None or not m or not m[0] else at - int(m[0].group(1)))
            parts.append('%s %s' % (name, fmt(med(vals))))
        else:
            parts.append('%s %s' % (name, fmt(med(first(r['lines'], pattern) for r in ok))))
    print('%-12s   at (ms, median): %s, first 200 %d' % ('', ', '.join(parts), statistics.median(ms)))
    groups = {}
    for r in ok:
        for t, c in (r.get('threads_cpu_ms') or {}).items():
            g = 'JIT' if t.startswith(('C1 ', 'C2 ')) else 'GC' if t.startswith(('GC ', 'G1 ', 'VM Thread')) else t
            groups.setdefault(g, []).append(c)
    top = sorted(((statistics.median(c + [0] * (len(ok) - len(c))), g) for g, c in groups.items()), reverse=True)[:7]
    print('%-12s   CPU by thread (ms, median): %s' % ('', ', '.join('%s %d' % (g, c) for c, g in top if c > 0)))
PY
echo "start: results in $OUT_DIR"
