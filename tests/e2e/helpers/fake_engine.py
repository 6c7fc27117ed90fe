#!/usr/bin/env python3
"""A stand-in container engine for tests/e2e/reliability.

usage: fake_engine.py SOCKET READYFILE NAME PORT

Serves the one request portdoctor's engine client needs for a running
container, GET /containers/json?all=1, on the Unix socket SOCKET, with one
running container called NAME that publishes tcp PORT.  A real engine
cannot be used for this: Docker and Podman only accept container names
matching [a-zA-Z0-9][a-zA-Z0-9_.-]+, and the test needs a name full of
escape codes (what a hostile or broken engine could send).  The reply
has the shape of Docker's (Engine API "ContainerSummary").  Writes its
pid to READYFILE when it listens; serves until killed.
"""
import json
import os
import socketserver
import sys
from http.server import BaseHTTPRequestHandler

sock, ready, name, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
LIST = json.dumps([{
    "Id": "3f2a9c1b7d4e" + "0" * 52,
    "Names": ["/" + name],
    "Image": "busybox",
    "State": "running",
    "Status": "Up 1 minute",
    "Ports": [{"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": port,
               "Type": "tcp"}],
    "Labels": {},
}]).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body, status = (LIST, 200) if self.path.startswith(
            "/containers/json") else (b'{"message":"not here"}', 404)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self):
        conn, _ = self.socket.accept()
        return conn, ("local", 0)


if os.path.exists(sock):
    os.unlink(sock)
srv = Server(sock, Handler)
with open(ready + ".tmp", "w") as f:
    f.write("%d\n" % os.getpid())
os.rename(ready + ".tmp", ready)
srv.serve_forever()
