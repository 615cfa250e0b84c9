#!/usr/bin/python3
"""bench/start_probe.py PORT HOST LOG -- CMD...: starts CMD, asks GET / with Host HOST on 127.0.0.1:PORT every 5 ms
until an answer with status 200 arrives (at most 60 s), then prints one JSON line: ms from launch to that answer,
the RSS (kB) and CPU time (user + system, ms) of the process then, and the ms at which each line of its output arrived (output also goes to LOG).
Stops CMD with SIGTERM (SIGKILL after 15 s). Exit status 1 when no 200 came."""
import json, os, signal, socket, subprocess, sys, threading, time

def main():
    port, host, log = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    cmd = sys.argv[sys.argv.index('--') + 1:]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines = []
    def read():
        with open(log, 'w') as out:
            for raw in proc.stdout:
                ms = (time.monotonic() - t0) * 1000
                text = raw.decode('utf-8', 'replace').rstrip('\n')
                lines.append((round(ms, 1), text))
                out.write('%8.1f %s\n' % (ms, text))
                out.flush()
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    request = ('GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' % host).encode()
    answered = None
    deadline = t0 + 60
    while answered is None and time.monotonic() < deadline and proc.poll() is None:
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=2) as s:
                s.sendall(request)
                head = s.recv(64)
                if head.startswith(b'HTTP/1.1 200 '):
                    answered = (time.monotonic() - t0) * 1000
        except OSError:
            pass
        if answered is None:
            time.sleep(0.005)
    rss = cpu = None
    try:
        with open('/proc/%d/stat' % proc.pid) as f:
            fields = f.read().rsplit(')', 1)[1].split()
            cpu = round((int(fields[11]) + int(fields[12])) * 1000 / os.sysconf('SC_CLK_TCK'))
    except OSError:
        pass
    threads = {}
    try:
        for tid in os.listdir('/proc/%d/task' % proc.pid):
            with open('/proc/%d/task/%s/stat' % (proc.pid, tid)) as f:
                stat = f.read()
            name = stat[stat.index('(') + 1:stat.rindex(')')]
            fields = stat.rsplit(')', 1)[1].split()
            ms = round((int(fields[11]) + int(fields[12])) * 1000 / os.sysconf('SC_CLK_TCK'))
            key = name.rstrip('0123456789') if name[-1:].isdigit() and name.startswith(('C1 ', 'C2 ', 'GC ', 'G1 ')) else name
            threads[key] = threads.get(key, 0) + ms
    except (OSError, ValueError):
        pass
    try:
        with open('/proc/%d/status' % proc.pid) as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    rss = int(line.split()[1])
    except OSError:
        pass
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    reader.join(5)
    print(json.dumps({'first_ms': None if answered is None else round(answered, 1), 'rss_kb': rss, 'cpu_ms': cpu, 'threads_cpu_ms': threads,
                      'exit': proc.returncode, 'lines': lines}))
    return 0 if answered is not None else 1

if __name__ == '__main__':
    sys.exit(main())
