#!/usr/bin/python3
"""Crafted HTTP/2 frames against rsp's plain listener (h2c with prior knowledge), for H2AbuseE2ETest and
H2MalformedTest. Run with Debian's /usr/bin/python3 (python3-h2, -hyperframe, -hpack).

Usage: h2crafted.py SCENARIO PORT [ARG...]

Prints one line per thing a client observes, prefixed by the connection's tag:
  <tag> SETTINGS k=v ...          rsp's SETTINGS
  <tag> HEADERS <stream> <status> a response head (the first HEADERS of a stream)
  <tag> END <stream> <bytes>      a stream ended by rsp (END_STREAM), with its DATA byte count
  <tag> RST <stream> <CODE>       RST_STREAM
  <tag> GOAWAY <last> <CODE>      GOAWAY
  <tag> CLOSED                    the connection ended (EOF or reset)
and scenario lines of its own. Frames rsp must not accept are built byte by byte (frame()); valid ones with
hyperframe; request heads with hpack, or by hand (lit()) where the test needs bytes hpack would not write.
Every wait has a deadline; the script exits 0 unless it breaks.
"""
import os
import select
import socket
import struct
import sys
import time

from h2.errors import ErrorCodes
from hpack import Decoder, Encoder
from hyperframe.frame import (ContinuationFrame, DataFrame, Frame, GoAwayFrame, HeadersFrame, PingFrame,
                              PriorityFrame, RstStreamFrame, SettingsFrame, WindowUpdateFrame)

PREFACE = b'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'
T_DATA, T_HEADERS, T_PRIORITY, T_RST, T_SETTINGS, T_PUSH, T_PING, T_GOAWAY, T_WU, T_CONT = range(10)
END_STREAM, ACK, END_HEADERS = 0x1, 0x1, 0x4
PING_ACK_HEAD = bytes([0, 0, 8, T_PING, ACK])
SETTINGS_ACK = bytes([0, 0, 0, T_SETTINGS, ACK, 0, 0, 0, 0])


def out(*parts):
    print(' '.join(str(p) for p in parts), flush=True)


def code_name(code):
    try:
        return ErrorCodes(code).name
    except ValueError:
        return 'CODE_%d' % code


def frame(ftype, flags, stream, payload=b'', length=None):
    """A raw frame; length may lie about the payload."""
    n = len(payload) if length is None else length
    return struct.pack('>I', n)[1:] + bytes([ftype, flags]) + struct.pack('>I', stream) + payload


def hint(n, prefix_bits, first=0):
    """An HPACK integer (RFC 7541 5.1) with the given high bits in its first byte."""
    limit = (1 << prefix_bits) - 1
    if n < limit:
        return bytes([first | n])
    b = bytearray([first | limit])
    n -= limit
    while n >= 128:
        b.append(n % 128 + 128)
        n //= 128
    b.append(n)
    return bytes(b)


def hstr(s):
    raw = s if isinstance(s, bytes) else s.encode('latin-1')
    return hint(len(raw), 7) + raw


def lit(name, value, indexing=False):
    """A literal field with a literal name: with incremental indexing, or without indexing; never Huffman."""
    return (b'\x40' if indexing else b'\x00') + hstr(name) + hstr(value)


def request_fields(path, method='GET', authority='127.0.0.1'):
    fields = [(':method', method), (':scheme', 'http')]
    if authority is not None:
        fields.append((':authority', authority))
    fields.append((':path', path))
    return fields


def block_of(fields):
    """A field block that does not touch the dynamic table."""
    return b''.join(lit(n, v) for n, v in fields)


class Conn:
    """One client connection: sends frames, reads rsp's, prints what it saw, tracks state for waiting."""

    def __init__(self, port, tag, rcvbuf=None, sndbuf=None, settings=True):
        self.tag = tag
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        if sndbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
        self.sock.connect(('127.0.0.1', port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.enc = Encoder()
        self.dec = Decoder()
        self.closed = False
        self.goaway = None
        self.resets = {}
        self.status = {}
        self.ended = {}
        self.bytes = {}
        self.ping_acks = 0
        self.settings_acks = 0
        self.peer_settings = None
        self.block = None
        self.next_id = 1
        self.auto_ack = True
        if settings:
            self.send(PREFACE + SettingsFrame(0).serialize())

    def send(self, data):
        """Sends all of data; False when rsp has closed the connection."""
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            return False

    def stream(self):
        sid = self.next_id
        self.next_id += 2
        return sid

    def get(self, path, sid=None):
        """A normal GET encoded by hpack's Encoder; returns its stream id."""
        sid = sid or self.stream()
        block = self.enc.encode(request_fields(path))
        self.send(HeadersFrame(sid, data=block, flags=['END_HEADERS', 'END_STREAM']).serialize())
        return sid

    def headers(self, sid, block, end_stream=True):
        self.send(frame(T_HEADERS, END_HEADERS | (END_STREAM if end_stream else 0), sid, block))

    # ------------------------------------------------------------------ reading

    def pump(self, timeout):
        """Reads and handles what arrives within timeout seconds (0: only what is there); False once closed."""
        if self.closed:
            return False
        r, _, _ = select.select([self.sock], [], [], max(0, timeout))
        if not r:
            return True
        try:
            data = self.sock.recv(1 << 16)
        except OSError:
            data = b''
        if not data:
            self.closed = True
            out(self.tag, 'CLOSED')
            return False
        self.buf += data
        buf, at, n = self.buf, 0, len(self.buf)
        while n - at >= 9:
            # A flood's answers (PING and SETTINGS ACKs) are counted without parsing each one.
            if buf[at:at + 5] == PING_ACK_HEAD and n - at >= 17:
                self.ping_acks += 1
                at += 17
                continue
            if buf[at:at + 9] == SETTINGS_ACK:
                self.settings_acks += 1
                at += 9
                continue
            f, length = Frame.parse_frame_header(memoryview(bytes(buf[at:at + 9])))
            if n - at < 9 + length:
                break
            f.parse_body(memoryview(bytes(buf[at + 9:at + 9 + length])))
            at += 9 + length
            self.on_frame(f)
        del self.buf[:at]
        return True

    def wait(self, done, timeout=10.0):
        """Reads until done(self) holds, the connection closes, or the deadline; returns done(self)."""
        deadline = time.monotonic() + timeout
        while not done(self) and not self.closed:
            left = deadline - time.monotonic()
            if left <= 0:
                out(self.tag, 'TIMEOUT')
                break
            self.pump(min(left, 0.05))
        return done(self)

    def wait_closed(self, timeout=10.0):
        return self.wait(lambda c: c.closed, timeout)

    def on_frame(self, f):
        kind = type(f).__name__
        if kind == 'SettingsFrame':
            if 'ACK' in f.flags:
                self.settings_acks += 1
            else:
                if self.peer_settings is None:
                    self.peer_settings = dict(f.settings)
                    out(self.tag, 'SETTINGS', ' '.join('%d=%d' % kv for kv in sorted(f.settings.items())))
                if self.auto_ack:
                    self.send(SettingsFrame(0, flags=['ACK']).serialize())
        elif kind == 'PingFrame':
            if 'ACK' in f.flags:
                self.ping_acks += 1
            elif self.auto_ack:
                self.send(PingFrame(0, opaque_data=f.opaque_data, flags=['ACK']).serialize())
        elif kind == 'HeadersFrame' or kind == 'ContinuationFrame':
            self.block = (self.block or b'') + f.data
            if kind == 'HeadersFrame':
                self.block_stream = f.stream_id
                self.block_end = 'END_STREAM' in f.flags
            if 'END_HEADERS' in f.flags:
                fields = self.dec.decode(bytes(self.block))
                self.block = None
                sid = self.block_stream
                if sid not in self.status:
                    st = dict(fields).get(':status', '?')
                    if not st.startswith('1'):
                        self.status[sid] = int(st)
                        out(self.tag, 'HEADERS', sid, st)
                        if 'retry-after' in dict(fields):
                            out(self.tag, 'RETRY-AFTER', sid, dict(fields)['retry-after'])
                if self.block_end:
                    self.end(sid)
        elif kind == 'DataFrame':
            self.bytes[f.stream_id] = self.bytes.get(f.stream_id, 0) + len(f.data)
            if f.flow_controlled_length:
                self.send(WindowUpdateFrame(0, window_increment=f.flow_controlled_length).serialize())
            if 'END_STREAM' in f.flags:
                self.end(f.stream_id)
        elif kind == 'RstStreamFrame':
            self.resets[f.stream_id] = code_name(f.error_code)
            out(self.tag, 'RST', f.stream_id, code_name(f.error_code))
        elif kind == 'GoAwayFrame':
            self.goaway = (f.last_stream_id, code_name(f.error_code))
            out(self.tag, 'GOAWAY', f.last_stream_id, code_name(f.error_code))
        elif kind == 'WindowUpdateFrame':
            pass
        else:
            out(self.tag, 'FRAME', kind, f.stream_id)

    def end(self, sid):
        self.ended[sid] = self.bytes.get(sid, 0)
        out(self.tag, 'END', sid, self.ended[sid])

    def answered(self, sid):
        return sid in self.ended or sid in self.resets

    def close(self):
        self.sock.close()


def normal(port, tag, path):
    """A well-behaved client's request on a connection of its own; prints its status."""
    c = Conn(port, tag)
    sid = c.get(path)
    c.wait(lambda x: x.answered(sid), 10)
    c.close()


# ---------------------------------------------------------------------- scenarios

def concurrent(port, limit, extra):
    """limit + extra streams, each waiting for its body: the extra ones are refused; the others answered."""
    limit, extra = int(limit), int(extra)
    c = Conn(port, 'A')
    ids = [c.stream() for _ in range(limit + extra)]
    batch = b''.join(frame(T_HEADERS, END_HEADERS, sid, block_of(request_fields('/c%d' % sid, 'POST'))) for sid in ids)
    c.send(batch)
    refused = ids[limit:]
    c.wait(lambda x: all(s in x.resets for s in refused), 10)
    for sid in ids[:limit]:
        c.send(DataFrame(sid, data=b'x', flags=['END_STREAM']).serialize())
    c.wait(lambda x: all(x.answered(s) for s in ids[:limit]), 10)
    c.close()


def rapid_reset(port, pairs):
    """HEADERS + RST_STREAM pairs until rsp stops it; a normal client asks during and after the attack."""
    pairs = int(pairs)
    b = Conn(port, 'B')
    b.wait(lambda x: x.peer_settings is not None, 5)
    a = Conn(port, 'A')
    sent = 0
    asked = False
    for start in range(0, pairs, 50):
        chunk = b''
        for _ in range(50):
            sid = a.stream()
            chunk += frame(T_HEADERS, END_HEADERS | END_STREAM, sid, block_of(request_fields('/r%d' % sid)))
            chunk += RstStreamFrame(sid, error_code=ErrorCodes.CANCEL).serialize()
        if not a.send(chunk):
            break
        sent += 50
        a.pump(0)
        if a.goaway or a.closed:
            break
        if not asked:
            asked = True
            during = b.get('/during')
    out('A', 'SENT', sent)
    a.wait_closed(10)
    b.wait(lambda x: x.answered(during), 10)
    after = b.get('/after')
    b.wait(lambda x: x.answered(after), 10)
    b.close()


def per_read(port, pairs):
    """pairs HEADERS + RST_STREAM pairs in one write (one read for rsp): streams past the new-streams-per-read bound
    are refused even though none stays open; then a normal request on the same connection."""
    pairs = int(pairs)
    c = Conn(port, 'A')
    c.wait(lambda x: x.settings_acks >= 1, 5)
    burst = b''
    for _ in range(pairs):
        sid = c.stream()
        burst += frame(T_HEADERS, END_HEADERS | END_STREAM, sid, block_of(request_fields('/p%d' % sid)))
        burst += RstStreamFrame(sid, error_code=ErrorCodes.CANCEL).serialize()
    c.send(burst)
    c.wait(lambda x: sid in x.resets, 5)
    nxt = c.get('/after-burst')
    c.wait(lambda x: x.answered(nxt), 10)
    c.close()


def continuation_flood(port, limit):
    """A field block that never ends: CONTINUATION frames of limit bytes until rsp stops it (at most 100)."""
    limit = int(limit)
    c = Conn(port, 'A')
    c.wait(lambda x: x.peer_settings is not None, 5)
    c.send(frame(T_HEADERS, 0, 1, block_of(request_fields('/flood')) + b'\x00' * 8))
    frames = 0
    filler = lit('x-flood', 'f' * (limit - 20))[:limit]
    while frames < 100 and c.send(ContinuationFrame(1, data=filler).serialize()):
        frames += 1
        c.pump(0.002)
        if c.goaway or c.closed:
            break
    out('A', 'CONTINUATIONS', frames)
    c.wait_closed(10)


def head_over_limit(port, limit):
    """One request whose field block is just over limits.head.bytes, in HEADERS + CONTINUATION frames."""
    limit = int(limit)
    c = Conn(port, 'A')
    base = block_of(request_fields('/big'))
    pad = limit + 100 - len(base) - len(lit('x-big', ''))
    block = base + lit('x-big', 'b' * (pad - 1))
    out('A', 'BLOCK', len(block))
    half = len(block) // 2
    c.send(frame(T_HEADERS, END_STREAM, 1, block[:half]) + frame(T_CONT, END_HEADERS, 1, block[half:]))
    c.wait(lambda x: x.answered(1), 10)
    c.wait_closed(10)


def hpack_bomb(port, refs):
    """One 4,000-byte dynamic table entry referenced refs times in one block; then a normal request."""
    refs = int(refs)
    c = Conn(port, 'A')
    block = block_of(request_fields('/bomb')) + lit('x-bomb', 'B' * 4000, indexing=True) + b'\xbe' * refs
    out('A', 'BLOCK', len(block), 'DECODES_TO', (4000 + 6 + 32) * (refs + 1))
    c.headers(1, block)
    c.wait(lambda x: x.answered(1), 10)
    # The decoder stayed in step: the entry at index 62 is still there and a later block may use it once.
    c.headers(3, block_of(request_fields('/after-bomb')))
    c.wait(lambda x: x.answered(3), 10)
    out('A', 'OPEN', not c.closed)
    c.close()


def ack_flood(port, kind, count):
    """Up to count PINGs or SETTINGS without reading the ACKs: rsp must stop reading (the client's send stalls, the
    kernel's buffers full); once the client reads, every frame it sent is answered. While the flood is stalled a
    normal client on another connection is answered."""
    count = int(count)
    c = Conn(port, 'A')
    c.wait(lambda x: x.peer_settings is not None, 5)
    c.wait(lambda x: x.settings_acks >= 1, 5)
    one = PingFrame(0, opaque_data=b'flood!!!').serialize() if kind == 'ping' else SettingsFrame(0).serialize()
    data = memoryview(one * count)
    c.sock.setblocking(False)
    sent = 0
    stalled = False
    last_progress = time.monotonic()
    while sent < len(data):
        _, w, _ = select.select([], [c.sock], [], 0.05)
        n = 0
        if w:
            try:
                n = c.sock.send(data[sent:sent + 65536])
            except BlockingIOError:
                pass
        if n > 0:
            sent += n
            last_progress = time.monotonic()
        elif time.monotonic() - last_progress > 0.5:
            stalled = True
            break
    frames = -(-sent // len(one))
    out('A', 'STALLED' if stalled else 'NOSTALL', frames)
    if stalled:
        normal(port, 'B', '/during-flood')
    # Now read: every frame sent is answered (the last one, maybe sent in part, is completed as the client reads).
    c.auto_ack = False
    end = frames * len(one)
    acks = (lambda x: x.ping_acks) if kind == 'ping' else (lambda x: x.settings_acks - 1)
    deadline = time.monotonic() + 20
    while acks(c) < frames and not c.closed and time.monotonic() < deadline:
        if sent < end:
            try:
                sent += c.sock.send(data[sent:end])
            except BlockingIOError:
                pass
        c.pump(0.05)
    out('A', 'ACKS', acks(c))
    c.sock.setblocking(True)
    sid = c.get('/after-flood')
    c.wait(lambda x: x.answered(sid), 10)
    c.close()


def glitches(port, kind, count):
    """count frames that do nothing useful; rsp ends the connection (ENHANCE_YOUR_CALM) past its glitch limit."""
    count = int(count)
    c = Conn(port, 'A')
    c.wait(lambda x: x.peer_settings is not None, 5)
    if kind == 'empty-data':
        c.headers(1, block_of(request_fields('/upload', 'POST')), end_stream=False)
        one = frame(T_DATA, 0, 1)
    elif kind == 'zero-window-update':
        sid = c.get('/wu')
        c.wait(lambda x: x.answered(sid), 10)
        one = frame(T_WU, 0, sid, struct.pack('>I', 0))
    elif kind == 'priority':
        one = PriorityFrame(1, depends_on=0, stream_weight=16).serialize()
    else:
        one = frame(0x20, 0, 0, b'?')
    sent = 0
    for _ in range(count // 10):
        if not c.send(one * 10):
            break
        sent += 10
        c.pump(0)
        if c.goaway or c.closed:
            break
    out('A', 'SENT', sent)
    c.wait_closed(10)


def frame_too_large(port, size):
    size = int(size)
    c = Conn(port, 'A')
    c.wait(lambda x: x.peer_settings is not None, 5)
    c.headers(1, block_of(request_fields('/upload', 'POST')), end_stream=False)
    c.send(frame(T_DATA, 0, 1, b'd' * size))
    c.wait_closed(10)


def budget(port, count):
    """count requests one after the other on one connection; rsp's stream budget ends it gracefully."""
    count = int(count)
    c = Conn(port, 'A')
    for _ in range(count):
        if c.goaway or c.closed:
            break
        sid = c.get('/b')
        c.wait(lambda x: x.answered(sid), 10)
    out('A', 'ANSWERED', ','.join(str(s) for s in sorted(c.status)))
    c.wait_closed(10)


def header_timeout(port):
    """A HEADERS without END_HEADERS and nothing after it."""
    c = Conn(port, 'A')
    c.wait(lambda x: x.peer_settings is not None, 5)
    start = time.monotonic()
    c.send(frame(T_HEADERS, END_STREAM, 1, block_of(request_fields('/slow'))))
    c.wait_closed(10)
    out('A', 'AFTER_MS', int((time.monotonic() - start) * 1000))


def data_after_end(port):
    """DATA on a stream the client already ended, while rsp still answers it (the backend holds /slow until rsp
    counted the error): RST_STREAM STREAM_CLOSED; the connection carries on."""
    c = Conn(port, 'A')
    sid = c.stream()
    c.send(frame(T_HEADERS, END_HEADERS | END_STREAM, sid, block_of(request_fields('/slow')))
           + DataFrame(sid, data=b'late').serialize())
    c.wait(lambda x: x.answered(sid), 10)
    nxt = c.get('/next')
    c.wait(lambda x: x.answered(nxt), 10)
    out('A', 'OPEN', not c.closed)
    c.close()


def window_overflow(port):
    """WINDOW_UPDATE taking a stream's send window past 2^31-1 (the backend holds /slow meanwhile):
    RST_STREAM FLOW_CONTROL_ERROR; then the same on the connection's window: GOAWAY FLOW_CONTROL_ERROR."""
    c = Conn(port, 'A')
    sid = c.stream()
    c.send(frame(T_HEADERS, END_HEADERS | END_STREAM, sid, block_of(request_fields('/slow')))
           + WindowUpdateFrame(sid, window_increment=0x7fffffff).serialize())
    c.wait(lambda x: x.answered(sid), 10)
    nxt = c.get('/next')
    c.wait(lambda x: x.answered(nxt), 10)
    c.send(WindowUpdateFrame(0, window_increment=0x7fffffff).serialize())
    c.wait_closed(10)


# name -> (fields, end_stream, DATA frames to send after the head)
MALFORMED = {
    'uppercase-name': (request_fields('/bad-uppercase') + [('X-Upper', 'v')], True, []),
    'pseudo-after-regular': (request_fields('/bad-order')[:3] + [('x-a', 'v'), (':path', '/bad-order')], True, []),
    'no-method': (request_fields('/bad-no-method')[1:], True, []),
    'no-path': (request_fields('/bad-no-path')[:3], True, []),
    'no-scheme': ([f for f in request_fields('/bad-no-scheme') if f[0] != ':scheme'], True, []),
    'unknown-pseudo': (request_fields('/bad-unknown') + [(':protocol', 'x')], True, []),
    'connection': (request_fields('/bad-connection') + [('connection', 'keep-alive')], True, []),
    'upgrade': (request_fields('/bad-upgrade') + [('upgrade', 'h2c')], True, []),
    'transfer-encoding': (request_fields('/bad-te-chunked') + [('transfer-encoding', 'chunked')], True, []),
    'keep-alive': (request_fields('/bad-keep-alive') + [('keep-alive', 'timeout=5')], True, []),
    'te-gzip': (request_fields('/bad-te') + [('te', 'gzip')], True, []),
    'duplicate-path': (request_fields('/bad-dup') + [(':path', '/bad-dup2')], True, []),
    'duplicate-method': ([(':method', 'GET')] + request_fields('/bad-dup-method'), True, []),
    'length-too-much': (request_fields('/bad-cl-over', 'POST') + [('content-length', '3')], False, [b'abcdef']),
    'length-too-little': (request_fields('/bad-cl-under', 'POST') + [('content-length', '10')], False, [b'abc']),
    'length-no-body': (request_fields('/bad-cl-nobody', 'POST') + [('content-length', '5')], True, []),
    'connect': ([(':method', 'CONNECT'), (':authority', '127.0.0.1:1')], True, []),
    'no-authority': (request_fields('/bad-no-host', authority=None), True, []),
    'te-trailers': (request_fields('/ok-te') + [('te', 'trailers')], True, []),
    'host-only': (request_fields('/ok-host', authority=None) + [('host', '127.0.0.1')], True, []),
}


def malformed(port, *names):
    """Each case on a stream of its own on one connection, then a normal request: the connection survives. With
    hold=PATH last, the connection then stays open until that file exists (the test looks at rsp meanwhile)."""
    hold = [n[5:] for n in names if n.startswith('hold=')]
    names = [n for n in names if not n.startswith('hold=')]
    c = Conn(port, 'A')
    for name in names:
        fields, end_stream, data = MALFORMED[name]
        sid = c.stream()
        c.headers(sid, block_of(fields), end_stream)
        for i, d in enumerate(data):
            c.send(DataFrame(sid, data=d, flags=['END_STREAM'] if i == len(data) - 1 else []).serialize())
        c.wait(lambda x: x.answered(sid) or x.closed, 10)
        if sid in c.resets:
            out('CASE', name, 'RST', c.resets[sid])
        elif sid in c.status:
            out('CASE', name, 'STATUS', c.status[sid])
        else:
            out('CASE', name, 'NOTHING')
    sid = c.get('/ok-after')
    c.wait(lambda x: x.answered(sid), 10)
    out('A', 'OPEN', not c.closed)
    if hold:
        out('A', 'HOLDING')
        c.wait(lambda x: os.path.exists(hold[0]), 20)
    c.close()


def cancel(port, ready, how, hold):
    """GET /slow; once the file ready exists (the backend has the request) the client gives up: how=reset sends
    RST_STREAM CANCEL and keeps the connection open until the file hold=PATH exists, how=close closes the connection
    (and then waits for the hold file all the same, so the test looks at rsp before the script ends)."""
    hold = hold[5:]
    c = Conn(port, 'A')
    sid = c.get('/slow')
    c.wait(lambda x: os.path.exists(ready), 10)
    out('A', 'READY', os.path.exists(ready))
    if how == 'reset':
        c.send(RstStreamFrame(sid, error_code=ErrorCodes.CANCEL).serialize())
    else:
        c.close()
    out('A', 'HOLDING')
    deadline = time.time() + 20
    while not os.path.exists(hold) and time.time() < deadline:
        if how == 'reset':
            c.pump(0.05)
        else:
            time.sleep(0.05)
    if how == 'reset':
        out('A', 'OPEN', not c.closed)
        c.close()


def sequence(port, count):
    """count GETs one after the other on one connection, each answered before the next; then whether it is open."""
    c = Conn(port, 'A')
    for i in range(int(count)):
        sid = c.get('/seq%d' % i)
        c.wait(lambda x: x.answered(sid), 10)
    c.pump(0.2)
    out('A', 'OPEN', not c.closed)
    c.close()


def reset_then_ask(port, ready):
    """GET /slow; once the file ready exists (the backend holds /slow), RST_STREAM CANCEL on it and GET /after on
    the same connection."""
    c = Conn(port, 'A')
    sid = c.get('/slow')
    c.wait(lambda x: os.path.exists(ready), 20)
    c.send(RstStreamFrame(sid, error_code=ErrorCodes.CANCEL).serialize())
    after = c.get('/after')
    c.wait(lambda x: x.answered(after), 10)
    out('A', 'OPEN', not c.closed)
    c.close()


def upload(port, length, with_length):
    """A POST with a body of length bytes in DATA frames of 1000 (within the default windows), with a content-length
    field when with_length is 'yes'; then a GET on the same connection, and whether the connection is open."""
    c = Conn(port, 'A')
    sid = c.stream()
    n = int(length)
    fields = request_fields('/up', method='POST')
    if with_length == 'yes':
        fields.append(('content-length', str(n)))
    c.headers(sid, block_of(fields), end_stream=False)
    sent = 0
    while sent < n:
        piece = min(1000, n - sent)
        sent += piece
        if not c.send(DataFrame(sid, data=b'u' * piece, flags=['END_STREAM'] if sent == n else []).serialize()):
            break
        c.pump(0)
    c.wait(lambda x: x.answered(sid), 10)
    nxt = c.get('/next')
    c.wait(lambda x: x.answered(nxt), 10)
    out('A', 'OPEN', not c.closed)
    c.close()


SCENARIOS = {
    'upload': upload,
    'cancel': cancel,
    'sequence': sequence,
    'reset-then-ask': reset_then_ask,
    'concurrent': concurrent,
    'rapid-reset': rapid_reset,
    'per-read': per_read,
    'continuation-flood': continuation_flood,
    'head-over-limit': head_over_limit,
    'hpack-bomb': hpack_bomb,
    'ping-flood': lambda port, count: ack_flood(port, 'ping', count),
    'settings-flood': lambda port, count: ack_flood(port, 'settings', count),
    'glitches': glitches,
    'frame-too-large': frame_too_large,
    'budget': budget,
    'header-timeout': header_timeout,
    'data-after-end': data_after_end,
    'window-overflow': window_overflow,
    'malformed': malformed,
}

if __name__ == '__main__':
    SCENARIOS[sys.argv[1]](int(sys.argv[2]), *sys.argv[3:])
    out('DONE')
