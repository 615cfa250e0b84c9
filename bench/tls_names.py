#!/usr/bin/env python3
"""TLS client for bench/certs.sh: full handshakes with SNI names d<i>.bench.test on 127.0.0.1, one connection each,
sequentially (so each latency is rsp's alone), verified against the benchmark's CA. Never resumes a session.

  tls_names.py ready PORT NAME CA T0_NS TIMEOUT_S PID
      Polls (every 10 ms) until an HTTPS GET /small.bin with SNI and Host NAME answers 200 over a verified
      connection; prints the milliseconds since T0_NS (time.time_ns() of the caller, e.g. `date +%s%N` just
      before rsp was launched). Exit status 1 when nothing answered within TIMEOUT_S or process PID (rsp) ended.
  tls_names.py handshakes PORT CA CHECK_HOST SEEN DEADLINE_S RAW < indexes
      One handshake per index i read from stdin, one a line (d<i>.bench.test), in order. CHECK_HOST 1: the
      certificate must cover the name (a default certificate served instead counts as wrong_cert); 0: only the
      chain is verified. A handshake is "cold" when it is the first for its name in this run, unless SEEN is 1
      (every name was served before: all are "warm"). After each handshake, not timed: GET /small.bin with
      Host NAME (bench.local, the default certificate's, when CHECK_HOST is 0) and Connection: close, read to
      the end, so that rsp completes the handshake and serves the name; anything but 200 is an error. Each
      handshake's time, from before connect() to the end of the handshake, is appended to RAW as
      "index<TAB>cold<TAB>microseconds<TAB>outcome". Prints one line of key=value pairs: counts, and the median,
      p90, p99 and max in microseconds of the successful cold and warm handshakes. Stops at DEADLINE_S seconds
      (timed_out=1).
"""
import socket
import ssl
import sys
import time


def context(ca, check_host):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(ca)
    ctx.check_hostname = check_host
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def ready(port, name, ca, t0_ns, timeout_s, pid):
    ctx = context(ca, True)
    request = ("GET /small.bin HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % name).encode()
    deadline = time.monotonic() + timeout_s
    last = "nothing tried"
    while time.monotonic() < deadline:
        if not alive(pid):
            print("tls_names: process %d (rsp) ended before https://%s:%d/small.bin answered (last: %s)"
                  % (pid, name, port, last), file=sys.stderr)
            return 1
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
                with ctx.wrap_socket(raw, server_hostname=name) as s:
                    s.sendall(request)
                    head = s.recv(64)
                    if head.startswith(b"HTTP/1.1 200"):
                        print("%.0f" % ((time.time_ns() - t0_ns) / 1e6))
                        return 0
                    last = "answer " + head.split(b"\r\n")[0].decode(errors="replace")
        except (OSError, ssl.SSLError) as e:
            last = "%s: %s" % (type(e).__name__, e)
        time.sleep(0.01)
    print("tls_names: no 200 for https://%s:%d/small.bin within %d s (last: %s)" % (name, port, timeout_s, last),
          file=sys.stderr)
    return 1


def percentile(sorted_values, p):
    if not sorted_values:
        return 0
    return sorted_values[min(len(sorted_values) - 1, int(p * len(sorted_values)))]


def handshakes(port, ca, check_host, all_seen, deadline_s, raw_path, indexes):
    ctx = context(ca, check_host)
    request = b"GET /small.bin HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
    seen = set()
    times = {True: [], False: []}
    outcomes = {"ok": 0, "wrong_cert": 0, "error": 0}
    deadline = time.monotonic() + deadline_s
    timed_out = 0
    with open(raw_path, "a") as raw:
        for i in indexes:
            if time.monotonic() > deadline:
                timed_out = 1
                break
            name = "d%d.bench.test" % i
            first = not all_seen and i not in seen
            seen.add(i)
            start = time.perf_counter_ns()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                    with ctx.wrap_socket(sock, server_hostname=name) as s:
                        us = (time.perf_counter_ns() - start) / 1000
                        s.sendall(request % (name if check_host else "bench.local").encode())
                        answer = b""
                        while True:
                            chunk = s.recv(4096)
                            if not chunk:
                                break
                            answer += chunk
                if answer.startswith(b"HTTP/1.1 200"):
                    outcome = "ok"
                    times[first].append(us)
                else:
                    outcome = "error"
            except ssl.SSLCertVerificationError:
                us = (time.perf_counter_ns() - start) / 1000
                outcome = "wrong_cert"
            except (OSError, ssl.SSLError):
                us = (time.perf_counter_ns() - start) / 1000
                outcome = "error"
            outcomes[outcome] += 1
            raw.write("%d\t%d\t%.0f\t%s\n" % (i, first, us, outcome))
    fields = ["done=%d" % sum(outcomes.values()), "distinct=%d" % len(seen), "timed_out=%d" % timed_out]
    fields += ["%s=%d" % kv for kv in outcomes.items()]
    for first, label in ((True, "cold"), (False, "warm")):
        v = sorted(times[first])
        fields += ["%s_n=%d" % (label, len(v))]
        fields += ["%s_%s_us=%.0f" % (label, p, percentile(v, q)) for p, q in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99))]
        fields += ["%s_max_us=%.0f" % (label, v[-1] if v else 0)]
    print(" ".join(fields))
    return 0 if outcomes["ok"] else 1


def main(argv):
    if len(argv) == 8 and argv[1] == "ready":
        return ready(int(argv[2]), argv[3], argv[4], int(argv[5]), int(argv[6]), int(argv[7]))
    if len(argv) == 8 and argv[1] == "handshakes":
        indexes = [int(line) for line in sys.stdin if line.strip()]
        return handshakes(int(argv[2]), argv[3], argv[4] == "1", argv[5] == "1", float(argv[6]), argv[7], indexes)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
