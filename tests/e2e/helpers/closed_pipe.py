#!/usr/bin/env python3
"""Run a command whose standard output is a pipe nobody reads any more.

usage: closed_pipe.py dfl|ign SECONDS COMMAND [ARG...]

The read end is closed before the command starts, so its first write to
stdout fails for certain (EPIPE, or death by SIGPIPE), unlike `| head`,
where the writer may finish before the reader leaves.  "dfl" runs the
command with SIGPIPE at its default action (what a shell gives), "ign"
with SIGPIPE ignored (inherited from a parent that ignores it, as some
service managers and language runtimes do).

Prints one line: "exit N", "signal NAME", or "timeout" (killed after
SECONDS).  The command's stderr is passed through.
"""
import os
import signal
import subprocess
import sys


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("dfl", "ign"):
        sys.stderr.write(__doc__)
        sys.exit(2)
    how = signal.SIG_DFL if sys.argv[1] == "dfl" else signal.SIG_IGN
    limit = float(sys.argv[2])
    r, w = os.pipe()
    os.close(r)
    p = subprocess.Popen(sys.argv[3:], stdout=w, restore_signals=False,
                         preexec_fn=lambda: signal.signal(signal.SIGPIPE, how))
    os.close(w)
    try:
        rc = p.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        print("timeout")
        return
    if rc < 0:
        print("signal " + signal.Signals(-rc).name[3:])
    else:
        print("exit %d" % rc)


if __name__ == "__main__":
    main()
