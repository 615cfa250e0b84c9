#!/usr/bin/env python3
"""Opens N keep-alive connections to a proxy on 127.0.0.1:PORT, sends one small GET on each, reads each answer,
then prints "ready N" and holds the connections open until its standard input closes. At most BATCH requests are
in flight at once, so that what is measured is the cost of idle connections, not of a burst of N concurrent
requests. Bounded: it gives up after 120 s. Usage: idle_clients.py PORT N [BATCH]"""
import selectors
import socket
import sys
import time

port, n = int(sys.argv[1]), int(sys.argv[2])
batch = int(sys.argv[3]) if len(sys.argv) > 3 else 100
deadline = time.monotonic() + 120
request = b"GET /small.bin HTTP/1.1\r\nHost: bench.local\r\n\r\n"
sel = selectors.DefaultSelector()
socks = []
pending = {}
opened = 0
done = 0


def open_more():
    global opened
    while opened < n and opened - done < batch:
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        socks.append(s)
        pending[s] = b""
        sel.register(s, selectors.EVENT_WRITE)
        opened += 1


open_more()
while done < n:
    if time.monotonic() > deadline:
        sys.exit("idle_clients: only %d of %d connections answered within 120 s" % (done, n))
    for key, ev in sel.select(timeout=1):
        s = key.fileobj
        if ev & selectors.EVENT_WRITE:
            s.send(request)
            sel.modify(s, selectors.EVENT_READ)
        else:
            data = s.recv(65536)
            if not data:
                sys.exit("idle_clients: a connection closed")
            pending[s] += data
            head, sep, body = pending[s].partition(b"\r\n\r\n")
            if sep:
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    k, _, v = line.partition(b":")
                    if k.strip().lower() == b"content-length":
                        length = int(v)
                if len(body) >= length:
                    sel.unregister(s)
                    done += 1
    open_more()
print("ready", done, flush=True)
sys.stdin.read()
