# Sends a POST with expect: 100-continue, waits for the interim 100 before sending its body, prints what came:
# "interim 100", "status N", "body ...". /usr/bin/python3; argv: port [path, default /upload]. Exits 2 when the body had to be sent without a
# 100 (none came within 5 s).
import socket, sys
import h2.config, h2.connection, h2.events

port = int(sys.argv[1])
path = sys.argv[2] if len(sys.argv) > 2 else "/upload"
s = socket.create_connection(("127.0.0.1", port), timeout=5)
c = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
c.initiate_connection()
c.send_headers(1, [(":method", "POST"), (":path", path), (":scheme", "http"), (":authority", "127.0.0.1:%d" % port),
                   ("expect", "100-continue"), ("content-length", "11")])
s.sendall(c.data_to_send())
body = b""
sent = False
while True:
    try:
        data = s.recv(65536)
    except socket.timeout:
        print("no 100 within 5 s")
        sys.exit(2)
    if not data:
        print("eof")
        sys.exit(1)
    for e in c.receive_data(data):
        if isinstance(e, h2.events.InformationalResponseReceived):
            print("interim", dict(e.headers)[b":status"].decode())
            if not sent:
                c.send_data(1, b"hello world", end_stream=True)
                sent = True
        elif isinstance(e, h2.events.ResponseReceived):
            print("status", dict(e.headers)[b":status"].decode())
        elif isinstance(e, h2.events.DataReceived):
            body += e.data
            c.acknowledge_received_data(e.flow_controlled_length, e.stream_id)
        elif isinstance(e, h2.events.StreamEnded):
            print("body", body.decode())
            sys.exit(0)
        elif isinstance(e, h2.events.StreamReset):
            print("reset", e.error_code)
            sys.exit(1)
    s.sendall(c.data_to_send())
