#!/usr/bin/env python3
"""Run a command on a pseudo-terminal and print what it wrote to it.

usage: on_tty.py COMMAND [ARG...]

Standard output of the command is the terminal; everything it prints is
copied to our standard output byte for byte, and we exit with its status.
Bounded: the command is killed after 30 s.
"""
import os
import pty
import select
import signal
import sys
import time

pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b""
deadline = time.time() + 30
status = None
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if data:
            out += data
            continue
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = st
        break
if status is None:
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status) & 0xff)
