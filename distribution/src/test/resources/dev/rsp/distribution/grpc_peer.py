#!/usr/bin/python3
"""A gRPC server and client for GrpcIT (gRPC end to end through rsp), without protoc: every method takes and returns
raw bytes (no serializers). Run with Debian's /usr/bin/python3 (python3-grpcio).

Usage:
  grpc_peer.py server NAME
      Serves rsp.test.Echo on 127.0.0.1:0, h2c (prior knowledge). Prints the port as its first line, then serves
      until stdin closes or it is killed. NAME prefixes its answers, so a client can tell which server answered.
  grpc_peer.py client HOST:PORT [--authority NAME] [--server NAME] [--ca FILE] [--only S1,S2]
      Runs the scenarios against HOST:PORT over one channel: insecure (h2c, prior knowledge), or TLS trusting the PEM
      certificates in FILE (--ca). --authority sets :authority (and the TLS name checked); --server is the NAME that
      must answer (default: any). Prints one line per scenario, "OK name" or "FAIL name: why"; exits 0 only if every
      scenario is OK.

Methods of /rsp.test.Echo/ (requests and answers are ASCII unless said otherwise):
  Unary        any bytes B -> "NAME: " + B; initial metadata x-rsp-server: NAME, and x-rsp-echo-client /
               x-rsp-echo-data-bin repeating the request's x-rsp-client / x-rsp-data-bin
  ServerStream "N" -> N messages "NAME: i"; trailing x-rsp-sent: N. "N fail": then ABORTED "stopped after N"
  ClientStream messages -> "COUNT TOTAL" (how many, the sum of their sizes)
  Bidi         each message M -> "NAME: " + M, as it arrives
  Fail         -> INVALID_ARGUMENT "bad input", trailing x-rsp-test: 1, no message (a Trailers-Only answer)
  Slow         "MS TAG" -> "NAME: slept MS" after MS milliseconds; ends early when the call is cancelled. TAG names
               the call for Await
  Await        "TAG STATE MS" -> "yes" once the Slow call TAG has reached STATE (started, cancelled, finished),
               "no" when it has not within MS milliseconds (a long poll: the client never sleeps)
  Big          "N" -> N bytes of pattern(N) (binary)
  Meet         "GROUP N I" -> "NAME: I" once N calls of GROUP are in the server at the same time; ABORTED (naming how
               many came) when they are not within 7 s: proves N streams in flight at once
"""
import argparse
import concurrent.futures
import queue
import sys
import threading
import time
import uuid

import grpc

SERVICE = 'rsp.test.Echo'
CALL_TIMEOUT = 10.0
BIG = 1024 * 1024
CONCURRENT = 100
MEET_SECONDS = 7  # less than CALL_TIMEOUT: the server's ABORTED, which says how many met, reaches the client first
AWAIT_MS = 5000  # an Await long poll; less than CALL_TIMEOUT


def pattern(n):
    """n deterministic bytes; the period (251, a prime) lines up with no frame or window size."""
    return (bytes(range(251)) * (n // 251 + 1))[:n]


# ------------------------------------------------------------------------------------------------------------ server

class Echo:
    def __init__(self, name):
        self.name = name.encode()
        self.lock = threading.Condition()
        self.states = {}  # Slow call tag -> set of states reached
        self.groups = {}  # Meet group -> threading.Barrier

    def answer(self, data):
        return self.name + b': ' + data

    def unary(self, request, context):
        seen = dict(context.invocation_metadata())
        echo = [('x-rsp-server', self.name.decode())]
        if 'x-rsp-client' in seen:
            echo.append(('x-rsp-echo-client', seen['x-rsp-client']))
        if 'x-rsp-data-bin' in seen:
            echo.append(('x-rsp-echo-data-bin', seen['x-rsp-data-bin']))
        context.send_initial_metadata(echo)
        return self.answer(request)

    def server_stream(self, request, context):
        words = request.decode().split()
        n = int(words[0])
        for i in range(n):
            yield self.answer(b'%d' % i)
        context.set_trailing_metadata([('x-rsp-sent', str(n))])
        if words[1:] == ['fail']:
            context.abort(grpc.StatusCode.ABORTED, 'stopped after %d' % n)

    def client_stream(self, requests, context):
        count = total = 0
        for m in requests:
            count += 1
            total += len(m)
        return b'%d %d' % (count, total)

    def bidi(self, requests, context):
        for m in requests:
            yield self.answer(m)

    def fail(self, request, context):
        context.set_trailing_metadata([('x-rsp-test', '1')])
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, 'bad input')

    def reach(self, tag, state):
        with self.lock:
            self.states.setdefault(tag, set()).add(state)
            self.lock.notify_all()

    def slow(self, request, context):
        ms, tag = request.decode().split()
        ended = threading.Event()
        context.add_callback(ended.set)
        self.reach(tag, 'started')
        ended.wait(int(ms) / 1000.0)
        if not context.is_active():
            self.reach(tag, 'cancelled')
            return b''
        self.reach(tag, 'finished')
        return self.answer(b'slept ' + ms.encode())

    def await_state(self, request, context):
        tag, state, ms = request.decode().split()
        with self.lock:
            ok = self.lock.wait_for(lambda: state in self.states.get(tag, ()), int(ms) / 1000.0)
        return b'yes' if ok else b'no'

    def big(self, request, context):
        return pattern(int(request))

    def meet(self, request, context):
        group, n, i = request.decode().split()
        with self.lock:
            meeting = self.groups.setdefault(group, {'barrier': threading.Barrier(int(n)), 'arrived': 0})
            meeting['arrived'] += 1
        try:
            meeting['barrier'].wait(MEET_SECONDS)
        except threading.BrokenBarrierError:
            with self.lock:
                met = meeting.setdefault('when_broken', meeting['arrived'])
            context.abort(grpc.StatusCode.ABORTED, 'only %d of %s calls reached the server within %d s'
                          % (met, n, MEET_SECONDS))
        return self.answer(i.encode())


def serve(name):
    echo = Echo(name)
    handlers = {
        'Unary': grpc.unary_unary_rpc_method_handler(echo.unary),
        'ServerStream': grpc.unary_stream_rpc_method_handler(echo.server_stream),
        'ClientStream': grpc.stream_unary_rpc_method_handler(echo.client_stream),
        'Bidi': grpc.stream_stream_rpc_method_handler(echo.bidi),
        'Fail': grpc.unary_unary_rpc_method_handler(echo.fail),
        'Slow': grpc.unary_unary_rpc_method_handler(echo.slow),
        'Await': grpc.unary_unary_rpc_method_handler(echo.await_state),
        'Big': grpc.unary_unary_rpc_method_handler(echo.big),
        'Meet': grpc.unary_unary_rpc_method_handler(echo.meet),
    }
    # Meet holds CONCURRENT threads per client run at once; Slow and Await hold some more.
    server = grpc.server(concurrent.futures.ThreadPoolExecutor(max_workers=4 * CONCURRENT))
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE, handlers),))
    port = server.add_insecure_port('127.0.0.1:0')
    server.start()
    print(port, flush=True)
    sys.stdin.buffer.read()
    server.stop(None)


# ------------------------------------------------------------------------------------------------------------ client

class Failed(Exception):
    pass


def check(condition, why):
    if not condition:
        raise Failed(why)


class Scenarios:
    def __init__(self, channel, server):
        self.channel = channel
        self.server = server

    def method(self, kind, name):
        return getattr(self.channel, kind)('/%s/%s' % (SERVICE, name))

    def from_server(self, answer, rest):
        """Checks that answer is "NAME: rest" from the expected server; returns NAME."""
        name, sep, got = answer.partition(b': ')
        check(sep and got == rest, 'answer %r, expected "<server>: %r"' % (answer[:80], rest[:80]))
        if self.server:
            check(name.decode() == self.server, 'answered by %s, expected %s' % (name.decode(), self.server))
        return name.decode()

    def unary(self):
        answer, call = self.method('unary_unary', 'Unary').with_call(
            b'hello', timeout=CALL_TIMEOUT, metadata=[('x-rsp-client', 'c-1'), ('x-rsp-data-bin', b'\x00\xff\x01')])
        name = self.from_server(answer, b'hello')
        check(call.code() == grpc.StatusCode.OK, 'status %s' % call.code())
        initial = dict(call.initial_metadata())
        check(initial.get('x-rsp-server') == name, 'initial metadata x-rsp-server: %s' % initial)
        check(initial.get('x-rsp-echo-client') == 'c-1', 'request metadata x-rsp-client not seen: %s' % initial)
        check(initial.get('x-rsp-echo-data-bin') == b'\x00\xff\x01', 'binary metadata not intact: %s' % initial)

    def unary_large_request(self):
        payload = pattern(BIG)
        answer, call = self.method('unary_unary', 'Unary').with_call(payload, timeout=CALL_TIMEOUT)
        self.from_server(answer, payload)

    def server_stream(self):
        call = self.method('unary_stream', 'ServerStream')(b'50', timeout=CALL_TIMEOUT)
        got = list(call)
        check(len(got) == 50, '%d messages, expected 50' % len(got))
        for i, m in enumerate(got):
            self.from_server(m, b'%d' % i)
        check(call.code() == grpc.StatusCode.OK, 'status %s' % call.code())
        trailing = dict(call.trailing_metadata())
        check(trailing.get('x-rsp-sent') == '50', 'trailing metadata %s' % trailing)

    def server_stream_error(self):
        call = self.method('unary_stream', 'ServerStream')(b'5 fail', timeout=CALL_TIMEOUT)
        got = []
        try:
            for m in call:
                got.append(m)
            raise Failed('ended without an error after %d messages' % len(got))
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.ABORTED, 'status %s %r' % (e.code(), e.details()))
            check(e.details() == 'stopped after 5', 'details %r' % e.details())
            trailing = dict(e.trailing_metadata())
            check(trailing.get('x-rsp-sent') == '5', 'trailing metadata %s' % trailing)
        check(len(got) == 5, '%d messages before the error, expected 5' % len(got))

    def client_stream(self):
        sizes = [i * 1000 for i in range(1, 21)]
        answer = self.method('stream_unary', 'ClientStream')(iter(pattern(n) for n in sizes), timeout=CALL_TIMEOUT)
        expected = b'%d %d' % (len(sizes), sum(sizes))
        check(answer == expected, 'answer %r, expected %r' % (answer, expected))

    def bidi(self):
        """Ping-pong: each message is sent only after the answer to the one before, so a proxy that held a stream's
        messages back (until the end of the stream, or until some buffer fills) makes the call run out of time."""
        answered = queue.Queue()

        def requests():
            for i in range(20):
                yield b'ping %d' % i
                if answered.get() is None:
                    return

        call = self.method('stream_stream', 'Bidi')(requests(), timeout=CALL_TIMEOUT)
        try:
            n = 0
            for m in call:
                self.from_server(m, b'ping %d' % n)
                n += 1
                answered.put(True)
        finally:
            answered.put(None)
        check(n == 20, '%d answers, expected 20' % n)
        check(call.code() == grpc.StatusCode.OK, 'status %s' % call.code())

    def fail(self):
        try:
            self.method('unary_unary', 'Fail')(b'x', timeout=CALL_TIMEOUT)
            raise Failed('succeeded')
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.INVALID_ARGUMENT, 'status %s %r' % (e.code(), e.details()))
            check(e.details() == 'bad input', 'details %r' % e.details())
            trailing = dict(e.trailing_metadata() or ())
            check(trailing.get('x-rsp-test') == '1', 'trailing metadata %s' % trailing)

    def unimplemented(self):
        try:
            self.method('unary_unary', 'Nope')(b'x', timeout=CALL_TIMEOUT)
            raise Failed('succeeded')
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.UNIMPLEMENTED, 'status %s %r' % (e.code(), e.details()))

    def await_state(self, tag, state):
        request = ('%s %s %d' % (tag, state, AWAIT_MS)).encode()
        return self.method('unary_unary', 'Await')(request, timeout=CALL_TIMEOUT) == b'yes'

    def deadline(self):
        tag = 'deadline-' + uuid.uuid4().hex
        start = time.monotonic()
        try:
            self.method('unary_unary', 'Slow')(('30000 ' + tag).encode(), timeout=0.5)
            raise Failed('succeeded')
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.DEADLINE_EXCEEDED, 'status %s %r' % (e.code(), e.details()))
        elapsed = time.monotonic() - start
        check(elapsed < 10, 'DEADLINE_EXCEEDED only after %.1f s (deadline 0.5 s)' % elapsed)
        check(self.await_state(tag, 'started'), 'the server never saw the call')
        check(self.await_state(tag, 'cancelled'),
              'the server kept working on the call %d ms past its deadline' % AWAIT_MS)

    def cancel(self):
        """A call cancelled by the client (no deadline: only RST_STREAM tells the server) ends on the server too."""
        tag = 'cancel-' + uuid.uuid4().hex
        future = self.method('unary_unary', 'Slow').future(('30000 ' + tag).encode())
        try:
            check(self.await_state(tag, 'started'), 'the server never saw the call')
        finally:
            future.cancel()
        check(future.cancelled(), 'the call was not cancelled: %s' % future)
        check(self.await_state(tag, 'cancelled'), 'the server kept working on the cancelled call for %d ms' % AWAIT_MS)

    def big_response(self):
        answer = self.method('unary_unary', 'Big')(b'%d' % BIG, timeout=CALL_TIMEOUT)
        check(len(answer) == BIG, '%d bytes, expected %d' % (len(answer), BIG))
        if answer != pattern(BIG):
            first = next(i for i, (a, b) in enumerate(zip(answer, pattern(BIG))) if a != b)
            raise Failed('the bytes differ from the pattern from byte %d on' % first)

    def concurrent(self):
        group = uuid.uuid4().hex
        meet = self.method('unary_unary', 'Meet')
        futures = [meet.future(('%s %d %d' % (group, CONCURRENT, i)).encode(), timeout=CALL_TIMEOUT)
                   for i in range(CONCURRENT)]
        problems = []
        for i, f in enumerate(futures):
            try:
                self.from_server(f.result(), b'%d' % i)
            except grpc.RpcError as e:
                problems.append('call %d: %s %s' % (i, e.code(), e.details()))
            except Failed as e:
                problems.append('call %d: %s' % (i, e))
        check(not problems, '%d of %d failed: %s' % (len(problems), CONCURRENT, '; '.join(problems[:3])))


SCENARIOS = [
    ('unary', Scenarios.unary),
    ('unary-large-request', Scenarios.unary_large_request),
    ('server-stream', Scenarios.server_stream),
    ('server-stream-error', Scenarios.server_stream_error),
    ('client-stream', Scenarios.client_stream),
    ('bidi', Scenarios.bidi),
    ('fail', Scenarios.fail),
    ('unimplemented', Scenarios.unimplemented),
    ('deadline', Scenarios.deadline),
    ('cancel', Scenarios.cancel),
    ('big-response', Scenarios.big_response),
    ('concurrent-%d' % CONCURRENT, Scenarios.concurrent),
]


def client(args):
    options = []
    if args.authority:
        options.append(('grpc.default_authority', args.authority))
    if args.ca:
        with open(args.ca, 'rb') as f:
            credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
        if args.authority:
            options.append(('grpc.ssl_target_name_override', args.authority))
        channel = grpc.secure_channel(args.target, credentials, options=options)
    else:
        channel = grpc.insecure_channel(args.target, options=options)
    only = set(args.only.split(',')) if args.only else None
    scenarios = Scenarios(channel, args.server)
    failed = 0
    with channel:
        for name, run in SCENARIOS:
            if only is not None and name not in only:
                continue
            try:
                run(scenarios)
                print('OK', name, flush=True)
            except Failed as e:
                failed += 1
                print('FAIL %s: %s' % (name, e), flush=True)
            except grpc.RpcError as e:
                failed += 1
                print('FAIL %s: %s %r' % (name, e.code(), e.details()), flush=True)
            except Exception as e:  # a broken scenario is a failure too, not the end of the run
                failed += 1
                print('FAIL %s: %s: %s' % (name, type(e).__name__, e), flush=True)
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = parser.add_subparsers(dest='mode', required=True)
    s = sub.add_parser('server')
    s.add_argument('name')
    c = sub.add_parser('client')
    c.add_argument('target')
    c.add_argument('--authority')
    c.add_argument('--server')
    c.add_argument('--ca')
    c.add_argument('--only')
    args = parser.parse_args()
    if args.mode == 'server':
        serve(args.name)
        return 0
    return client(args)


if __name__ == '__main__':
    sys.exit(main())
