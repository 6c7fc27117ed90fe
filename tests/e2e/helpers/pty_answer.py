#!/usr/bin/env python3
"""Run a command on a pseudo-terminal and answer its prompt (tests/e2e/fix).

usage: pty_answer.py ANSWER COMMAND [ARG...]

Waits for "[y/N]" in the output, writes ANSWER and a newline, copies
everything the command prints to standard output, and exits with the
command's exit status.
"""
import os
import pty
import select
import sys
import time

answer = sys.argv[1].encode()
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
out = b""
sent = False
done, status = 0, 0
deadline = time.time() + 30
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
    if not sent and b"[y/N]" in out:
        os.write(fd, answer + b"\n")
        sent = True
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        break
else:
    os.kill(pid, 9)
if not done:
    _, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
