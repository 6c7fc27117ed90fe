#!/usr/bin/env python3
"""Record sock_diag dump replies as seeds for fuzz_netlink.

Opens a few TCP/UDP sockets (v4 and v6, one bound to a device), asks the
kernel for an inet_diag dump of each family/protocol with sequence number 1
(as the fuzz target expects) and writes each reply datagram to
tests/data/fuzz/netlink/seed-<family>-<proto>-<n>.  Linux only; run as
root for the SO_BINDTODEVICE socket (skipped otherwise).
"""
import os
import socket
import struct
import sys

NETLINK_SOCK_DIAG = 4
SOCK_DIAG_BY_FAMILY = 20
NLM_F_REQUEST, NLM_F_DUMP = 1, 0x300
INET_DIAG_SKV6ONLY, INET_DIAG_CGROUP_ID = 11, 21

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "data", "fuzz", "netlink")
keep = []
for fam, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    for port in (80, 8080, 8443):
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((addr, port))
            s.listen()
            keep.append(s)
        except OSError:
            pass
    u = socket.socket(fam, socket.SOCK_DGRAM)
    u.bind((addr, 53 if os.geteuid() == 0 else 0))
    keep.append(u)
try:
    d = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    d.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"lo")
    d.bind(("127.0.0.1", 8081))
    d.listen()
    keep.append(d)
except OSError:
    pass
c = socket.create_connection(("127.0.0.1", 8080))
keep.append(c)

n = 0
for fam, fname in ((socket.AF_INET, "v4"), (socket.AF_INET6, "v6")):
    for proto, pname in ((socket.IPPROTO_TCP, "tcp"), (socket.IPPROTO_UDP, "udp")):
        nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_SOCK_DIAG)
        ext = 0  # v6only and cgroup id come without asking
        # inet_diag_req_v2: family, protocol, ext, pad, states, id (48 bytes)
        req = struct.pack("=BBBBI", fam, proto, ext, 0, 0xFFFFFFFF) + bytes(48)
        hdr = struct.pack("=IHHII", 16 + len(req), SOCK_DIAG_BY_FAMILY,
                          NLM_F_REQUEST | NLM_F_DUMP, 1, 0)
        nl.send(hdr + req)
        i = 0
        while True:
            data = nl.recv(65536)
            name = os.path.join(out, "seed-%s-%s-%d" % (fname, pname, i))
            with open(name, "wb") as f:
                f.write(data)
            n += 1
            i += 1
            typ = struct.unpack_from("=H", data, 4)[0]
            if typ in (2, 3) or i > 3:  # NLMSG_ERROR, NLMSG_DONE
                break
        nl.close()
print("wrote %d seeds to %s" % (n, out))
