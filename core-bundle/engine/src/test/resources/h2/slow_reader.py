# A client that never opens stream 1's window (it reads none of its body) but keeps the connection's window open,
# then asks for /small on stream 3. Prints what it saw; the test asserts on it. Run with /usr/bin/python3.
import socket, sys, time
import h2.config, h2.connection, h2.events

port = int(sys.argv[1])
s = socket.create_connection(("127.0.0.1", port), timeout=10)
c = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
c.initiate_connection()
c.increment_flow_control_window(1 << 30)
s.sendall(c.data_to_send())

def get(sid, path):
    c.send_headers(sid, [(":method", "GET"), (":path", path), (":scheme", "http"),
                         (":authority", "127.0.0.1:%d" % port)], end_stream=True)
    s.sendall(c.data_to_send())

get(1, "/big")
big = 0
small = b""
deadline = time.time() + 15
asked = False
while time.time() < deadline:
    data = s.recv(65536)
    if not data:
        break
    for e in c.receive_data(data):
        if isinstance(e, h2.events.DataReceived):
            if e.stream_id == 1:
                big += len(e.data)
                # credit the connection only: stream 1's own window stays closed
                c.increment_flow_control_window(e.flow_controlled_length)
            else:
                small += e.data
                c.acknowledge_received_data(e.flow_controlled_length, e.stream_id)
        if isinstance(e, h2.events.StreamEnded) and e.stream_id == 3:
            print("stream1_bytes", big)
            print("small", small.decode())
            sys.exit(0)
    if big >= 65535 and not asked:
        asked = True
        get(3, "/small")
    s.sendall(c.data_to_send())
print("stream1_bytes", big)
print("timeout")
