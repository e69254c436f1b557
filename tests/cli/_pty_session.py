"""Runs a command on a pseudo-terminal and answers it, for tests/cli/_pty.ts.

argv[1] is a JSON object:
  command   the program and its arguments
  env       the environment
  cwd       the working directory
  stdin     "pty" (default) or "null" (/dev/null)
  stdout    "pty" (default) or "pipe" (read apart from the terminal)
  stderr    "pty" (default) or "pipe"
  steps     [{"stream": "pty" | "stdout" | "stderr", "expect": TEXT, "send": TEXT}]: wait until TEXT
            appears on the stream after the previous match there, then type `send` on the
            terminal; no sleeps, only waiting for output
  deadline  seconds the whole session may take (a hang guard)
Prints one JSON object: code (exit code, or -signal), pty, stdout and stderr (the text
each received), and error when a step's text never came.
"""

import json
import os
import pty
import select
import sys
import time


def main():
    spec = json.loads(sys.argv[1])
    pipes = {fd: os.pipe() for fd, name in ((1, "stdout"), (2, "stderr")) if spec.get(name) == "pipe"}
    pid, master = pty.fork()
    if pid == 0:
        try:
            if spec.get("stdin") == "null":
                null = os.open(os.devnull, os.O_RDONLY)
                os.dup2(null, 0)
            for fd, (read_end, write_end) in pipes.items():
                os.dup2(write_end, fd)
                os.close(read_end)
                os.close(write_end)
            os.chdir(spec["cwd"])
            os.execvpe(spec["command"][0], spec["command"], spec["env"])
        finally:
            os._exit(127)

    streams = {"pty": master}
    for fd, (read_end, write_end) in pipes.items():
        os.close(write_end)
        streams["stdout" if fd == 1 else "stderr"] = read_end
    names = {fd: name for name, fd in streams.items()}
    received = {name: b"" for name in streams}
    searched = {name: 0 for name in streams}
    open_fds = set(streams.values())
    steps = list(spec.get("steps", []))
    deadline = time.monotonic() + spec.get("deadline", 120)
    error = None

    def answer():
        """Types the answers whose awaited text has come."""
        while steps:
            step = steps[0]
            name = step.get("stream", "pty")
            expect = step["expect"].encode()
            at = received[name].find(expect, searched[name])
            if at == -1:
                return
            searched[name] = at + len(expect)
            os.write(master, step["send"].encode())
            steps.pop(0)

    while open_fds:
        left = deadline - time.monotonic()
        if left <= 0:
            error = "the session did not end in time; waiting for: " + json.dumps(steps[:1])
            os.kill(pid, 9)
            break
        ready, _, _ = select.select(list(open_fds), [], [], left)
        for fd in ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: the terminal's other side is closed
                data = b""
            if not data:
                open_fds.discard(fd)
                continue
            received[names[fd]] += data
        answer()

    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if steps and error is None:
        error = "the command ended before: " + json.dumps(steps[0])
    result = {"code": code}
    for name in ("pty", "stdout", "stderr"):
        result[name] = received.get(name, b"").decode("utf-8", "replace")
    if error is not None:
        result["error"] = error
    print(json.dumps(result))


main()
