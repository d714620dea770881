"""Take a build's child processes down with it, however the build ends.

dagster-dbt runs dbt as a child process. If only the CLI is killed (SIGKILL, an OOM kill, a
supervisor stopping one PID), that child lives on, keeps writing to the warehouse and holds
its lock, so the next build fails until it ends. A signal handler cannot help against
SIGKILL, and moving the build into its own process group would take it out of the
terminal's Ctrl-C; so a small watcher process (own session, untouched by the build's
signals) records the build's descendants twice a second and, when the build's end of a
pipe closes — which the kernel does on any exit — terminates those still alive (SIGTERM,
then SIGKILL after a grace period). A process is identified by PID and start time, so a
reused PID is never hit. Linux only (``/proc``); elsewhere it does nothing.

    watcher = watch_children()   # in the build process, before starting children
    ...
    release(watcher)             # normal end: the watcher ends too (children are gone)
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

POLL_SECONDS = 0.5
GRACE_SECONDS = 5.0
RELEASED = b"released"  # written by release(): the build ended normally
_PROC = Path("/proc")


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent PID, start time in clock ticks) of ``pid``, None if it is gone."""
    try:
        text = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # the command name may hold spaces and parentheses
    return int(fields[1]), int(fields[19])


def _children(pid: int) -> list[int] | None:
    """Direct children of ``pid`` from ``/proc/<pid>/task/<tid>/children`` (each thread's own),
    [] if it is gone, None where the kernel does not provide those files."""
    try:
        tasks = list((_PROC / str(pid) / "task").iterdir())
    except OSError:
        return []
    found: list[int] = []
    for task in tasks:
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except FileNotFoundError:
            if task.exists():
                return None
        except OSError:
            pass
    return found


def descendants(root: int) -> dict[int, int]:
    """PID -> start time of every live descendant of ``root``.

    Walks the tree down from ``root`` (a few files per process of the build) rather than reading
    every process's stat: polled twice a second, a scan of all of /proc cost ≈ 10 % of a core on
    a busy machine."""
    found: dict[int, int] = {}
    stack = [root]
    while stack:
        kids = _children(stack.pop())
        if kids is None:
            return _descendants_by_scan(root)
        for pid in kids:
            if pid not in found and (stat := _stat(pid)) is not None:
                found[pid] = stat[1]
                stack.append(pid)
    return found


def _descendants_by_scan(root: int) -> dict[int, int]:
    children: dict[int, list[int]] = {}
    started: dict[int, int] = {}
    for entry in _PROC.iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            children.setdefault(stat[0], []).append(int(entry.name))
            started[int(entry.name)] = stat[1]
    found: dict[int, int] = {}
    stack = list(children.get(root, []))
    while stack:
        pid = stack.pop()
        if pid not in found:
            found[pid] = started[pid]
            stack.extend(children.get(pid, []))
    return found


def _alive(pid: int, start: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[1] == start


def terminate(tracked: dict[int, int], grace: float = GRACE_SECONDS) -> list[int]:
    """SIGTERM every tracked process still alive, SIGKILL those left after ``grace``."""
    hit = []
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 0.0)):
        live = [pid for pid, start in tracked.items() if _alive(pid, start)]
        for pid in live:
            try:
                os.kill(pid, sig)
                hit.append(pid)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + wait
        while wait and time.monotonic() < deadline and any(_alive(p, tracked[p]) for p in live):
            time.sleep(0.1)
    return sorted(set(hit))


def watch(build_pid: int, pipe_fd: int = 0) -> None:
    """The watcher's loop: track ``build_pid``'s descendants until ``pipe_fd`` reaches EOF.

    EOF without the ``RELEASED`` word means the build died: its descendants are terminated. After
    ``release`` (a normal end) they are left alone: what still runs then is the build process's
    own helpers (e.g. multiprocessing's resource tracker), which it shuts down itself at exit —
    killing them first makes Python print a resource-tracker traceback after "build succeeded"."""
    tracked: dict[int, int] = {}
    received = b""
    while True:
        ready, _, _ = select.select([pipe_fd], [], [], POLL_SECONDS)
        if ready:
            chunk = os.read(pipe_fd, 4096)
            if not chunk:
                break
            received += chunk
        tracked = {p: s for p, s in tracked.items() if _alive(p, s)} | descendants(build_pid)
        tracked.pop(os.getpid(), None)  # the watcher is a child of the build too
    if received != RELEASED:
        terminate(tracked)


def watch_children() -> subprocess.Popen | None:
    """Start the watcher over this process's descendants (None where /proc is missing)."""
    if not (_PROC / str(os.getpid()) / "stat").exists():
        return None
    # stdin: the pipe whose write end only this process holds (non-inheritable), so it closes
    # exactly when this process ends; its own session keeps the terminal's Ctrl-C off it.
    return subprocess.Popen(
        [sys.executable, "-m", "dagster_pipeline.reaper", str(os.getpid())],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def release(watcher: subprocess.Popen | None) -> None:
    """End the watcher after a build that ended normally (the build's remaining helpers stay)."""
    if watcher is not None and watcher.stdin is not None:
        try:
            watcher.stdin.write(RELEASED)
        except OSError:  # the watcher is gone already
            pass
        watcher.stdin.close()
        try:
            watcher.wait(timeout=GRACE_SECONDS + 5)
        except subprocess.TimeoutExpired:
            watcher.kill()


if __name__ == "__main__":
    watch(int(sys.argv[1]))
