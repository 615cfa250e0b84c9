#!/usr/bin/env python3
"""The abort case: N times, send a GET through the proxy on 127.0.0.1:PORT to bench/slow_backend.py (whose output
is LOG), wait until the backend has the request, close the client connection (HOW: close, a FIN; reset, an RST), and
measure how long until the backend sees its own connection closed. Prints one line: the times in milliseconds, sorted ("-" for a backend
connection still open after 10 s). Bounded: 5 s per request to arrive, 10 s per close.
Usage: abort_client.py PORT LOG N NAME [close|reset]"""
import socket
import struct
import sys
import time

port, log, n, name = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
reset = len(sys.argv) > 5 and sys.argv[5] == "reset"


def seen(event, probe, deadline):
    while time.monotonic() < deadline:
        with open(log) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 3 and parts[0] == event and parts[1] == probe:
                    return float(parts[2])
        time.sleep(0.001)
    return None


times = []
for i in range(n):
    probe = "%s-%d" % (name, i)
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /slow HTTP/1.1\r\nHost: bench.local\r\nX-Probe: " + probe.encode() + b"\r\n\r\n")
    if seen("req", probe, time.monotonic() + 5) is None:
        sys.exit("abort_client: the backend never got request %s" % probe)
    if reset:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    closed = time.monotonic()
    s.close()
    eof = seen("eof", probe, closed + 10)
    times.append(None if eof is None else (eof - closed) * 1000)
done = sorted(t for t in times if t is not None)
print(" ".join(["%.1f" % t for t in done] + ["-"] * (len(times) - len(done))))
