#!/usr/bin/env python3
"""Hold real sockets for tests/e2e/live.

usage: listen.py READYFILE [options] SPEC...
  SPEC: tcp4:ADDR:PORT  tcp6:ADDR:PORT  udp4:ADDR:PORT  udp6:ADDR:PORT
        (ADDR may be empty for the wildcard; v6 addresses without brackets,
        split on the last colon)
  --v6only 0|1     IPV6_V6ONLY for the v6 sockets (default: kernel default)
  --grandchild     fork twice; only the grandchild creates the sockets
  --comm NAME      set the thread name (prctl PR_SET_NAME) before binding
  --timewait PORT  make one loopback connection to the listener on PORT,
                   close the accepted socket first (so TIME_WAIT lands on
                   the server side), then close everything and exit
  --busy           after the sockets listen, the first TCP listener gets
                   one connection closed server side first (TIME_WAIT on
                   its port) and one that stays open (held here)
  --refill PORT:N  N TCP listeners on 127.0.0.1:PORT.. (fds 3 up), then
                   the first half closed and N/2 more listeners made on
                   the ports after them, which take the freed low fds: the
                   newest sockets sit below the oldest in fd order
  --bound PORT     a TCP socket bound to 127.0.0.1:PORT without
                   SO_REUSEADDR that never listens
  --from PORT:TO   a TCP connection from 127.0.0.1:PORT (bound without
                   SO_REUSEADDR) to the listener 127.0.0.1:TO, held open;
                   nothing listens on PORT

When the sockets are bound (and listening), the pid of the process that
holds them is written to READYFILE (atomically, via rename), and the
process sleeps until killed.  Every process of the tree stays alive so the
test sees a real parent -> child -> grandchild chain.
"""
import ctypes
import os
import signal
import socket
import sys
import time


def die(msg):
    sys.stderr.write("listen.py: %s\n" % msg)
    sys.exit(2)


def set_comm(name):
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_NAME = 15
    buf = ctypes.create_string_buffer(name.encode("utf-8", "surrogateescape")[:15])
    if libc.prctl(PR_SET_NAME, buf, 0, 0, 0) != 0:
        die("prctl failed: errno %d" % ctypes.get_errno())


def ready(path, pid):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % pid)
    os.rename(tmp, path)


def make(spec, v6only):
    kind, rest = spec.split(":", 1)
    addr, port = rest.rsplit(":", 1)
    port = int(port)
    fam = socket.AF_INET6 if kind.endswith("6") else socket.AF_INET
    typ = socket.SOCK_STREAM if kind.startswith("tcp") else socket.SOCK_DGRAM
    s = socket.socket(fam, typ)
    if typ == socket.SOCK_STREAM:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6 and v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    if not addr:
        addr = "::" if fam == socket.AF_INET6 else "0.0.0.0"
    s.bind((addr, port))
    if typ == socket.SOCK_STREAM:
        s.listen(16)
    return s


def timewait(port):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(1)
    cli = socket.create_connection(("127.0.0.1", port), timeout=5)
    conn, _ = srv.accept()
    conn.close()  # the server side closes first: it gets TIME_WAIT
    deadline = time.time() + 5
    cli.settimeout(5)
    while cli.recv(1) and time.time() < deadline:  # wait for the FIN
        pass
    cli.close()
    srv.close()


def busy(srv, held):
    host, port = srv.getsockname()[:2]
    fam = srv.family
    cli = socket.create_connection((host, port), timeout=5)
    conn, _ = srv.accept()
    conn.close()  # server side first: TIME_WAIT on the listener's port
    cli.settimeout(5)
    while cli.recv(1):  # wait for the FIN
        pass
    cli.close()
    cli2 = socket.socket(fam, socket.SOCK_STREAM)
    cli2.settimeout(5)
    cli2.connect((host, port))
    conn2, _ = srv.accept()
    held += [cli2, conn2]


def connect_from(port, to, held):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", to))
    srv.listen(1)
    cli = socket.socket()
    cli.bind(("127.0.0.1", port))
    cli.connect(("127.0.0.1", to))
    conn, _ = srv.accept()
    held += [srv, cli, conn]


def refill(port, n, held):
    def listener(p):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", p))
        s.listen(1)
        return s
    first = [listener(port + i) for i in range(n)]
    for s in first[:n // 2]:
        s.close()
    held += first[n // 2:]
    held += [listener(port + n + i) for i in range(n // 2)]


def main():
    args = sys.argv[1:]
    if not args:
        die("READYFILE missing")
    readyfile = args.pop(0)
    v6only = None
    grandchild = False
    comm = None
    specs = []
    want_busy = False
    froms = []
    refills = []
    bounds = []
    while args:
        a = args.pop(0)
        if a == "--v6only":
            v6only = int(args.pop(0))
        elif a == "--grandchild":
            grandchild = True
        elif a == "--comm":
            comm = args.pop(0)
        elif a == "--busy":
            want_busy = True
        elif a == "--refill":
            port, n = args.pop(0).split(":")
            refills.append((int(port), int(n)))
        elif a == "--bound":
            b = socket.socket()
            b.bind(("127.0.0.1", int(args.pop(0))))
            bounds.append(b)
        elif a == "--from":
            port, to = args.pop(0).split(":")
            froms.append((int(port), int(to)))
        elif a == "--timewait":
            timewait(int(args.pop(0)))
            ready(readyfile, os.getpid())
            return
        else:
            specs.append(a)

    if grandchild:
        if os.fork() != 0:  # parent
            signal.pause()
            return
        if os.fork() != 0:  # child
            signal.pause()
            return
    if comm is not None:
        set_comm(comm)
    held = [make(s, v6only) for s in specs] + bounds
    if want_busy:
        busy(next(h for h in held if h.type == socket.SOCK_STREAM), held)
    for port, to in froms:
        connect_from(port, to, held)
    for port, n in refills:
        refill(port, n, held)
    ready(readyfile, os.getpid())
    while True:
        signal.pause()
    del held


if __name__ == "__main__":
    main()
