# POSTs a body followed by trailers, prints the response's status, body and trailers. /usr/bin/python3; argv: port
# [path, default /rpc].
import socket, sys
import h2.config, h2.connection, h2.events

port = int(sys.argv[1])
path = sys.argv[2] if len(sys.argv) > 2 else "/rpc"
s = socket.create_connection(("127.0.0.1", port), timeout=10)
c = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
c.initiate_connection()
c.send_headers(1, [(":method", "POST"), (":path", path), (":scheme", "http"), (":authority", "127.0.0.1:%d" % port),
                   ("te", "trailers"), ("content-type", "application/grpc")])
c.send_data(1, b"hello ")
c.send_data(1, b"world")
c.send_headers(1, [("x-checksum", "abc123")], end_stream=True)
s.sendall(c.data_to_send())
body = b""
while True:
    data = s.recv(65536)
    if not data:
        print("eof")
        break
    for e in c.receive_data(data):
        if isinstance(e, h2.events.ResponseReceived):
            print("status", dict(e.headers)[b":status"].decode())
        elif isinstance(e, h2.events.DataReceived):
            body += e.data
            c.acknowledge_received_data(e.flow_controlled_length, e.stream_id)
        elif isinstance(e, h2.events.TrailersReceived):
            print("trailers", ";".join("%s=%s" % (k.decode(), v.decode()) for k, v in e.headers))
        elif isinstance(e, h2.events.StreamEnded):
            print("body", body.decode())
            sys.exit(0)
        elif isinstance(e, h2.events.StreamReset):
            print("reset", e.error_code)
            sys.exit(0)
    s.sendall(c.data_to_send())
