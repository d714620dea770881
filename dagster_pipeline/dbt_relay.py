"""``smartcounty-dbt``: the `dbt` that dagster-dbt starts during ``smartcounty build``.

It hands the command to the build's prestarted dbt worker (``dagster_pipeline.dbt_worker``) with
its own stdout and stderr, waits for the exit code and exits with it; signals it receives
(dagster-dbt interrupts a cancelled run) are passed on to the worker. Without a worker to
serve it, it becomes the real `dbt` (``exec``), so it is always safe to run.
Imports only the standard library and the worker's wire format: it starts in milliseconds.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import sys

from dagster_pipeline.dbt_worker import ADDRESS_ENV, HEADER
from smartcounty.settings import dbt_executable


def main() -> None:
    argv = sys.argv[1:]
    address = os.environ.get(ADDRESS_ENV)
    if address:
        code = delegate(address, argv)
        if code is not None:
            sys.exit(code)
    dbt = dbt_executable()
    os.execvp(dbt, [dbt, *argv])


def delegate(address: str, argv: list[str]) -> int | None:
    """The worker's exit code for ``argv``; None when it cannot serve (then run dbt itself)."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(address)
    except OSError:  # none listening: used up, ended, or never started
        conn.close()
        return None
    with conn:
        payload = json.dumps({"argv": argv, "env": dict(os.environ), "cwd": os.getcwd()}).encode("utf-8")
        socket.send_fds(conn, [HEADER.pack(len(payload))], [sys.stdout.fileno(), sys.stderr.fileno()])
        conn.sendall(payload)
        _forward_signals(_peer_pid(conn))
        answer = b""
        while chunk := conn.recv(1 << 16):
            answer += chunk
    if not answer:
        print("smartcounty-dbt: the dbt worker ended without an answer", file=sys.stderr)
        return 2
    reply = json.loads(answer)
    if "fallback" in reply:
        return None
    return int(reply["exit"])


def _peer_pid(conn: socket.socket) -> int | None:
    try:  # Linux: the process on the other end of a Unix socket
        pid, _, _ = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
        return pid
    except (AttributeError, OSError):
        return None


def _forward_signals(pid: int | None) -> None:
    if not pid:
        return

    def forward(signum, _frame):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, forward)


if __name__ == "__main__":
    main()
