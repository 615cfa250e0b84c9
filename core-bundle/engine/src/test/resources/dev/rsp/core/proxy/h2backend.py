#!/usr/bin/python3
"""An HTTP/2 backend for the engine's tests: h2c with prior knowledge, many streams at once, flow control both ways.
Run with Debian's /usr/bin/python3 (python3-h2); the Java side is H2Backend.

Usage: h2backend.py [window=N] [max-streams=N] [max-frame=N] [tls=CERTFILE:KEYFILE] [alpn=P1,P2]
  window       SETTINGS_INITIAL_WINDOW_SIZE and the connection window it gives its peer (default 65535)
  max-streams  SETTINGS_MAX_CONCURRENT_STREAMS (default 1000); a stream over it is refused (RST_STREAM
               REFUSED_STREAM), the connection goes on
  max-frame    SETTINGS_MAX_FRAME_SIZE (default 16384)
  tls          serve over TLS (h2 agreed by ALPN) with this certificate chain and private key, PEM files
  alpn         with tls: the protocols it agrees to over ALPN, in its order of preference (default h2); a client
               that offers none of them gets no protocol (the handshake goes on, as OpenSSL does)

Listens on 127.0.0.1 and a free port, prints the port as its first line, then serves until stdin closes or it is
killed. What it serves depends on the request's path (the query chooses the details); except for /duplex and
/goaway, it answers once the request has ended:
  /echo              200; x-seen-method, x-seen-path, x-seen-scheme, x-seen-authority (the pseudo-headers, when
                     present) and x-seen-NAME for every other request field NAME (repeated fields joined with ", ",
                     cookie with "; "); the request body, with content-length unless &length=0; the request's
                     trailers, if any, come back as trailers named x-seen-NAME
  /duplex            200 at once, then each DATA payload echoed as it arrives; a received payload is acknowledged
                     (WINDOW_UPDATE) only once its echo is sent, so a peer that does not read stalls the sender.
                     Ends when the request has ended and all of it is echoed
  /trailers          200, body "trailers\\n", then trailers grpc-status: 0 and x-trailer: yes
  /big?bytes=N       200, N bytes of the pattern (byte i is i % 251) sent as the peer's flow-control windows allow;
                     with content-length unless &length=0
  /reset?bytes=N     200 head and N bytes of the pattern (default 0), then RST_STREAM INTERNAL_ERROR
  /goaway            GOAWAY (NO_ERROR) naming this stream minus 2 (0 for streams 1 and 2) as the last one processed,
                     then closes the connection; the stream itself gets no answer
  /slow?ms=N         200, body "slow N\\n", N milliseconds after the request ended (other streams go on meanwhile)
  /status?code=N     status N (200-599), body "status N\\n" (none for 204 and 304)
  anything else      404
A request with expect: 100-continue gets an interim 100 at once. Request bodies are consumed and acknowledged as they arrive (except /duplex, and empty DATA there too).

Besides the port it prints one line per event, for a test to assert on (C: connection number from 1, S: stream id):
  CONNECT C              a connection was accepted (over TLS: its handshake completed)
  TLS C ALPN SNI         over TLS, the protocol agreed by ALPN and the server name the client asked for ('-': none)
  REQUEST C S METHOD PATH  a request head
  REFUSED C S            a stream over max-streams, refused
  END C S BYTES          a request ended (END_STREAM), with its body's size
  RESET C S CODE         the peer reset a stream (RST_STREAM)
  GOAWAY C LAST CODE     the peer sent GOAWAY
  ERROR C WHAT           the peer broke the protocol (flow control, headers...): GOAWAY sent, connection closed
  CLOSED C               the connection ended
"""
import asyncio
import itertools
import os
import ssl
import sys
from urllib.parse import parse_qs, urlsplit

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings
from h2.errors import ErrorCodes
from h2.settings import SettingCodes

PERIOD = 251
CHUNK = 65536
PATTERN = bytes(range(PERIOD)) * (CHUNK // PERIOD + 2)


def out(*parts):
    print(' '.join(str(p) for p in parts), flush=True)


def code_name(code):
    try:
        return ErrorCodes(code).name
    except ValueError:
        return 'CODE_%d' % code


class Pattern:
    """The response body of /big and /reset: byte i is i % 251, produced as it is sent."""

    def __init__(self, size):
        self.offset = 0
        self.size = size

    def remaining(self):
        return self.size - self.offset

    def take(self, n):
        n = min(n, self.remaining(), CHUNK)
        start = self.offset % PERIOD
        self.offset += n
        return PATTERN[start:start + n]


class Bytes:
    def __init__(self, data=b''):
        self.data = bytearray(data)

    def remaining(self):
        return len(self.data)

    def take(self, n):
        piece = bytes(self.data[:n])
        del self.data[:n]
        return piece

    def add(self, data):
        self.data += data


class Stream:
    def __init__(self, sid, headers):
        self.sid = sid
        self.pseudo = {k: v for k, v in headers if k.startswith(b':')}
        self.fields = [(k, v) for k, v in headers if not k.startswith(b':')]
        target = urlsplit(self.pseudo.get(b':path', b'').decode('latin-1'))
        self.path = target.path
        self.query = {k: v[0] for k, v in parse_qs(target.query).items()}
        self.body = bytearray()
        self.received = 0
        self.trailers = []
        self.body_out = None  # what is left to send: Pattern or Bytes
        self.then = None  # after body_out: 'end', ('trailers', fields), 'reset', or 'open' (/duplex, more to come)
        self.unacked = []  # /duplex: (echo bytes still to send, flow-controlled length to acknowledge after them)


class AnnouncedSettings(h2.settings.Settings):
    """Local settings whose SETTINGS_MAX_CONCURRENT_STREAMS is announced but not enforced by h2, which would end the
    connection for a stream over it: the backend refuses such a stream itself (RST_STREAM REFUSED_STREAM, the stream
    error RFC 9113 5.1.2 allows), so that a client can retry it."""

    @property
    def max_concurrent_streams(self):
        return 2 ** 31 - 1


class Connection(asyncio.Protocol):
    numbers = itertools.count(1)

    def __init__(self, options):
        self.options = options
        self.streams = {}
        self.transport = None
        self.number = next(Connection.numbers)
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False, header_encoding=None))

    # ---------------------------------------------------------------- asyncio

    def connection_made(self, transport):
        self.transport = transport
        out('CONNECT', self.number)
        tls = transport.get_extra_info('ssl_object')
        if tls is not None:
            out('TLS', self.number, tls.selected_alpn_protocol() or '-', getattr(tls, 'sni', None) or '-')
        # In force from the first SETTINGS on (h2's update_settings would announce them in a second one, and apply
        # them only once acknowledged): the settings, and what h2 derives from them at construction.
        self.conn.local_settings = AnnouncedSettings(client=False, initial_values={
            SettingCodes.MAX_CONCURRENT_STREAMS: self.options['max-streams'],
            SettingCodes.INITIAL_WINDOW_SIZE: self.options['window'],
            SettingCodes.MAX_FRAME_SIZE: self.options['max-frame'],
            SettingCodes.MAX_HEADER_LIST_SIZE: self.conn.DEFAULT_MAX_HEADER_LIST_SIZE,
        })
        self.conn.max_inbound_frame_size = self.options['max-frame']
        self.conn.initiate_connection()
        if self.options['window'] > 65535:
            self.conn.increment_flow_control_window(self.options['window'] - 65535)
        self.flush()

    def data_received(self, data):
        try:
            events = self.conn.receive_data(data)
            for event in events:
                self.dispatch(event)
        except (h2.exceptions.ProtocolError, h2.exceptions.StreamClosedError) as e:
            out('ERROR', self.number, '%s: %s' % (type(e).__name__, e))
            self.flush()
            self.transport.close()
            return
        self.flush()

    def connection_lost(self, exc):
        out('CLOSED', self.number)

    def flush(self):
        data = self.conn.data_to_send()
        if data and not self.transport.is_closing():
            self.transport.write(data)

    # ---------------------------------------------------------------- events

    def dispatch(self, event):
        if isinstance(event, h2.events.RequestReceived):
            s = Stream(event.stream_id, event.headers)
            if len(self.streams) >= self.options['max-streams']:
                self.conn.reset_stream(s.sid, ErrorCodes.REFUSED_STREAM)
                out('REFUSED', self.number, s.sid)
                return
            self.streams[s.sid] = s
            out('REQUEST', self.number, s.sid, s.pseudo.get(b':method', b'-').decode('latin-1'),
                s.pseudo.get(b':path', b'-').decode('latin-1'))
            if (b'expect', b'100-continue') in s.fields:
                self.conn.send_headers(s.sid, [(':status', '100')])
            if s.path == '/duplex':
                self.conn.send_headers(s.sid, [(':status', '200')])
                s.body_out, s.then = Bytes(), 'open'
        elif isinstance(event, h2.events.DataReceived):
            s = self.streams.get(event.stream_id)
            if s is None:
                self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                return
            s.received += len(event.data)
            if s.path == '/duplex' and event.data:
                s.unacked.append([len(event.data), event.flow_controlled_length])
                s.body_out.add(event.data)
                self.pump(s)
            else:
                if s.path == '/echo':
                    s.body += event.data
                self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        elif isinstance(event, h2.events.TrailersReceived):
            s = self.streams.get(event.stream_id)
            if s is not None:
                s.trailers = event.headers
        elif isinstance(event, h2.events.StreamEnded):
            s = self.streams.get(event.stream_id)
            if s is not None:
                out('END', self.number, s.sid, s.received)
                self.answer(s)
        elif isinstance(event, h2.events.StreamReset):
            out('RESET', self.number, event.stream_id, code_name(event.error_code))
            self.streams.pop(event.stream_id, None)
        elif isinstance(event, h2.events.WindowUpdated):
            targets = list(self.streams.values()) if event.stream_id == 0 else [self.streams.get(event.stream_id)]
            for s in targets:
                if s is not None:
                    self.pump(s)
        elif isinstance(event, h2.events.ConnectionTerminated):
            out('GOAWAY', self.number, event.last_stream_id, code_name(event.error_code))

    # ---------------------------------------------------------------- behaviours

    def answer(self, s):
        if s.path == '/echo':
            head = [(b':status', b'200')]
            if s.query.get('length') != '0':
                head.append((b'content-length', str(len(s.body)).encode()))
            for name in (b':method', b':path', b':scheme', b':authority'):
                if name in s.pseudo:
                    head.append((b'x-seen-' + name[1:], s.pseudo[name]))
            head += seen(s.fields)
            trailers = seen(s.trailers)
            self.respond(s, head, Bytes(s.body), ('trailers', trailers) if trailers else 'end')
        elif s.path == '/duplex':
            s.then = 'end'
            self.pump(s)
        elif s.path == '/trailers':
            self.respond(s, [(':status', '200'), ('content-type', 'text/plain')], Bytes(b'trailers\n'),
                         ('trailers', [('grpc-status', '0'), ('x-trailer', 'yes')]))
        elif s.path == '/big':
            size = int(s.query.get('bytes', '0'))
            head = [(':status', '200'), ('content-type', 'application/octet-stream')]
            if s.query.get('length') != '0':
                head.append(('content-length', str(size)))
            self.respond(s, head, Pattern(size), 'end')
        elif s.path == '/reset':
            self.respond(s, [(':status', '200')], Pattern(int(s.query.get('bytes', '0'))), 'reset')
        elif s.path == '/goaway':
            self.conn.close_connection(error_code=ErrorCodes.NO_ERROR, last_stream_id=max(s.sid - 2, 0))
            self.flush()
            self.transport.close()
        elif s.path == '/slow':
            ms = int(s.query.get('ms', '0'))
            asyncio.get_running_loop().call_later(ms / 1000.0, self.later, s, ms)
        elif s.path == '/status':
            code = int(s.query.get('code', '200'))
            if not 200 <= code <= 599:
                self.respond(s, [(':status', '400')], Bytes(b'code must be 200-599\n'), 'end')
            elif code in (204, 304):
                self.respond(s, [(':status', str(code))], None, 'end')
            else:
                self.respond(s, [(':status', str(code))], Bytes(b'status %d\n' % code), 'end')
        else:
            self.respond(s, [(':status', '404')], Bytes(b'no such behaviour: ' + s.path.encode() + b'\n'), 'end')

    def later(self, s, ms):
        if self.streams.get(s.sid) is s and not self.transport.is_closing():
            self.respond(s, [(':status', '200')], Bytes(b'slow %d\n' % ms), 'end')
            self.flush()

    def respond(self, s, head, body, then):
        """Sends head now, then body as the windows allow, then ends the stream as then says."""
        empty = body is None or (body.remaining() == 0 and then == 'end')
        self.conn.send_headers(s.sid, head, end_stream=empty)
        if empty:
            self.streams.pop(s.sid, None)
            return
        s.body_out, s.then = body, then
        self.pump(s)

    def pump(self, s):
        """Sends what the stream has to send within the flow-control windows and the frame size; its end once all
        is sent. Runs again on every WINDOW_UPDATE."""
        if self.streams.get(s.sid) is not s or s.body_out is None:
            return
        while s.body_out.remaining() > 0:
            room = min(self.conn.local_flow_control_window(s.sid), self.conn.max_outbound_frame_size)
            if room <= 0:
                return
            piece = s.body_out.take(room)
            last = s.body_out.remaining() == 0 and s.then == 'end'
            self.conn.send_data(s.sid, piece, end_stream=last)
            self.acknowledge_echoed(s, len(piece))
            if last:
                self.streams.pop(s.sid, None)
                return
        if s.then == 'open':
            return
        if s.then == 'end':
            self.conn.end_stream(s.sid)
        elif s.then == 'reset':
            self.conn.reset_stream(s.sid, ErrorCodes.INTERNAL_ERROR)
        else:
            self.conn.send_headers(s.sid, s.then[1], end_stream=True)
        self.streams.pop(s.sid, None)

    def acknowledge_echoed(self, s, sent):
        """/duplex: a received payload is acknowledged once all of its echo has been sent."""
        while s.unacked and sent > 0:
            first = s.unacked[0]
            step = min(sent, first[0])
            first[0] -= step
            sent -= step
            if first[0] == 0:
                s.unacked.pop(0)
                self.conn.acknowledge_received_data(first[1], s.sid)


def seen(fields):
    """Fields as x-seen-NAME; repeated ones joined, cookie crumbs with '; '."""
    joined = {}
    for name, value in fields:
        if name in joined:
            joined[name] += (b'; ' if name == b'cookie' else b', ') + value
        else:
            joined[name] = value
    return [(b'x-seen-' + name, value) for name, value in joined.items()]


def parse_options(argv):
    options = {'window': 65535, 'max-streams': 1000, 'max-frame': 16384, 'tls': None, 'alpn': 'h2'}
    for arg in argv:
        name, sep, value = arg.partition('=')
        if not sep or name not in options:
            sys.exit('unknown option %r; options: window=N max-streams=N max-frame=N tls=CERT:KEY alpn=P1,P2' % arg)
        options[name] = value if name in ('tls', 'alpn') else int(value)
    return options


def tls_context(options):
    """A server context for tls=CERT:KEY agreeing to the alpn protocols; it remembers each connection's SNI."""
    if options['tls'] is None:
        return None
    cert, _, key = options['tls'].partition(':')
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ctx.set_alpn_protocols(options['alpn'].split(','))

    def remember_sni(tls, name, _ctx):
        tls.sni = name

    ctx.sni_callback = remember_sni
    return ctx


async def main():
    options = parse_options(sys.argv[1:])
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Connection(options), '127.0.0.1', 0, ssl=tls_context(options))
    out(server.sockets[0].getsockname()[1])
    stdin_closed = loop.create_future()

    def on_stdin():
        if not os.read(sys.stdin.fileno(), 4096) and not stdin_closed.done():
            stdin_closed.set_result(None)

    loop.add_reader(sys.stdin.fileno(), on_stdin)
    await stdin_closed
    server.close()


if __name__ == '__main__':
    asyncio.run(main())
