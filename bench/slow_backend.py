#!/usr/bin/env python3
"""A backend that never answers: for each request it prints "req ID T" when the head has arrived and "eof ID T" when
the proxy closes (or resets) the connection, ID being the request's X-Probe header and T time.monotonic() (the same
clock in every process on Linux, so bench/abort_client.py can compare). Connections are dropped after 30 s.
Usage: slow_backend.py PORT (it prints "listening" once bound)."""
import asyncio
import sys
import time


async def serve(reader, writer):
    probe = b"?"
    head = b""
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
        for line in head.split(b"\r\n"):
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"x-probe":
                probe = v.strip()
        print("req", probe.decode(), time.monotonic(), flush=True)
        while await asyncio.wait_for(reader.read(4096), 30):
            pass
    except (asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError):
        pass
    if head:
        print("eof", probe.decode(), time.monotonic(), flush=True)
    writer.close()


async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", int(sys.argv[1]), backlog=1024)
    print("listening", flush=True)
    async with server:
        await server.serve_forever()

asyncio.run(main())
