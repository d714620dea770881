"""Run GX suites in worker processes, several at once, beside the process that orchestrates.

Why: GX validates pandas frames in pure Python (≈ 0.3–0.8 s per suite, 23 suites) and costs
3–5 s to import. In the build process both hold the GIL that Dagster's event handling and the
raw load need, and the suites of one stage run one after another although nothing orders them.
Worker processes import GX once (started first thing in a build, so the import runs on the other
core while the build process imports dbt) and validate the suites of a stage side by side on the
machine's cores.

Each task opens the warehouse read-only and closes it before it returns: DuckDB allows many
read-only processes while nobody writes, and the build writes again only after every check of
the stage has returned (the checks are blocking, so the next writer waits for them).
The outcome is the same ``CheckOutcome`` that ``runner.validate`` returns in-process.

One ``python -m expectations.pool`` process imports GX once, then forks the other workers
(GX's import is ≈ 5 s of CPU: paid once, not per worker); each worker speaks pickle over its
own socket. Not ``multiprocessing``: its children re-run the caller's ``__main__`` module (a
script without a ``__main__`` guard would start a build again), and the build process itself,
which holds DuckDB connections and threads, must not be forked."""

from __future__ import annotations

import gc
import os
import pickle
import queue
import socket
import subprocess
import sys
import threading
import traceback
from concurrent.futures import Future
from typing import Any

DEFAULT_MAX_WORKERS = 4  # GX suites are small: beyond a few workers the start-up costs more than it saves
RESTARTS = 2  # a worker that dies is replaced this many times before its tasks fail
STOP_SECONDS = 10.0


_PRESTARTED: "ValidationPool | None" = None


def prestart(workers: int | None = None) -> "ValidationPool":
    """Start a pool for the run this process is about to make, before the orchestration's own
    imports (seconds), so GX is imported by the time the raw load ends; ``take`` hands it over."""
    global _PRESTARTED
    if _PRESTARTED is None:
        _PRESTARTED = ValidationPool(workers)
        _PRESTARTED.spawn()  # the processes only: the threads that feed them start with the first task
    return _PRESTARTED


def forget_in_fork() -> None:
    """In a child forked from the process that prestarted the pool (the dbt worker): close the
    child's copies of the pool's sockets — the workers must see the end of the build process,
    not wait for the child — and leave the pool to the parent."""
    global _PRESTARTED
    pool, _PRESTARTED = _PRESTARTED, None
    if pool is not None:
        for channel in pool._spawned:
            _close(channel)
        pool._spawned = []


def take(workers: int | None = None) -> "ValidationPool":
    """The prestarted pool if there is one (it then belongs to the caller), else a new one."""
    global _PRESTARTED
    pool, _PRESTARTED = _PRESTARTED, None
    if pool is None:
        pool = ValidationPool(workers)
        pool.warm()
    return pool


def discard_prestarted() -> None:
    """End a prestarted pool that no run took (a run without GX checks)."""
    global _PRESTARTED
    pool, _PRESTARTED = _PRESTARTED, None
    if pool is not None:
        pool.close()


def default_workers() -> int:
    return max(1, min(DEFAULT_MAX_WORKERS, os.cpu_count() or 1))


class WorkerDied(RuntimeError):
    """A worker process ended while it held a task (crash, kill, out of memory)."""


class ValidationPool:
    """Suites submitted by name, validated in worker processes, awaited by name.

    ``submit`` is idempotent per suite: the first check step of a stage submits every suite of
    the stage, the later steps find theirs running or done."""

    def __init__(self, workers: int | None = None):
        self.workers = workers or default_workers()
        self._tasks: queue.Queue = queue.Queue()
        self._futures: dict[str, Future] = {}
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._procs: set[subprocess.Popen] = set()
        self._spawned: list[socket.socket] = []  # started workers no thread serves yet
        self._closed = False

    def spawn(self) -> None:
        """Start the worker processes now (they import GX while the caller goes on), without the
        threads that serve them, so the caller can still fork a thread-free child."""
        with self._lock:
            if not (self._closed or self._threads or self._spawned):
                self._spawned = self._start(self.workers)

    def warm(self) -> None:
        """Start the workers (unless spawned) and the threads that feed them."""
        with self._lock:
            if self._closed or self._threads:
                return
            channels, self._spawned = self._spawned or self._start(self.workers), []
            for channel in channels:
                thread = threading.Thread(target=self._serve, args=(channel,), name="gx-pool", daemon=True)
                self._threads.append(thread)
                thread.start()

    def submit(self, warehouse: str, suites: list[str], params: dict[str, Any] | None) -> None:
        self.warm()
        with self._lock:
            if self._closed:  # no worker would ever take the task
                raise RuntimeError("the GX worker pool is closed")
            for suite in suites:
                if suite not in self._futures:
                    future: Future = Future()
                    self._futures[suite] = future
                    self._tasks.put((future, (warehouse, suite, params)))

    def outcome(self, warehouse: str, suite: str, params: dict[str, Any] | None):
        """The suite's outcome, submitting it first if no step has; a worker's exception is raised here."""
        self.submit(warehouse, [suite], params)
        return self._futures[suite].result()

    def close(self) -> None:
        """Cancel what has not started, let running tasks finish, end the workers."""
        with self._lock:
            self._closed = True
            for channel in self._spawned:  # never served: the workers read EOF and exit
                _close(channel)
            self._spawned = []
            for future in self._futures.values():
                future.cancel()
            for _ in self._threads:
                self._tasks.put(None)
        for thread in self._threads:
            thread.join(STOP_SECONDS)
        for proc in list(self._procs):
            _reap(proc)

    def _start(self, workers: int) -> list[socket.socket]:
        """Start ``workers`` workers (one process that forks the others); the build's ends of their sockets."""
        pairs = [socket.socketpair() for _ in range(workers)]
        # stderr is dropped: a failing task's traceback travels back with its result.
        proc = subprocess.Popen([sys.executable, "-m", "expectations.pool", *(str(w.fileno()) for _, w in pairs)],
                                pass_fds=[w.fileno() for _, w in pairs], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._procs.add(proc)
        for _, worker_end in pairs:
            worker_end.close()
        return [ours for ours, _ in pairs]

    def _serve(self, channel: socket.socket) -> None:
        restarts = 0
        stream = channel.makefile("rwb")
        while (item := self._tasks.get()) is not None:
            future, request = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                pickle.dump(request, stream)
                stream.flush()
                ok, value = pickle.load(stream)
            except (OSError, EOFError, pickle.UnpicklingError):
                _close(stream, channel)
                future.set_exception(WorkerDied(f"a GX worker ended while validating {request[1]}"))
                if restarts == RESTARTS or self._closed:
                    self._fail_queued("GX workers keep dying")
                    return
                restarts += 1
                channel = self._start(1)[0]
                stream = channel.makefile("rwb")
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)
        _close(stream, channel)  # the worker reads EOF and exits


    def _fail_queued(self, reason: str) -> None:
        """Nothing waits forever: the queued tasks fail (the build stops at a failed check)."""
        while True:
            try:
                item = self._tasks.get_nowait()
            except queue.Empty:
                return
            if item is None:
                self._tasks.put(None)  # another thread's stop signal
                return
            future, request = item
            if future.set_running_or_notify_cancel():
                future.set_exception(WorkerDied(f"{reason}; {request[1]} not validated"))


def _close(*handles) -> None:
    for handle in handles:
        try:
            handle.close()
        except OSError:
            pass


def _reap(proc: subprocess.Popen) -> None:
    """The first worker ends once its socket is closed; one that does not end in time is killed
    (the forked ones end likewise, on EOF; they are not this process's children)."""
    try:
        proc.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _validate(warehouse: str, suite: str, params: dict[str, Any] | None):
    import duckdb

    from expectations.runner import suite_module, validate

    con = duckdb.connect(warehouse, read_only=True)
    try:
        return validate(con, suite_module(suite), params)
    finally:
        con.close()


def _portable(exc: BaseException) -> BaseException:
    """The exception itself if it survives pickling, else its text with the worker's traceback."""
    text = "".join(traceback.format_exception(exc))
    try:
        pickle.loads(pickle.dumps(exc))
        exc.add_note(f"in the GX worker process:\n{text}")
        return exc
    except Exception:  # noqa: BLE001 - any unpicklable exception is sent as text
        return RuntimeError(text)


def worker_main(fds: list[int]) -> None:
    """Import GX once, fork a worker per further socket, serve the first socket here."""
    # The import makes ~10^6 objects: with the cyclic GC off it takes ~20 % less time, and the
    # frozen objects are never scanned again (nor copied into the forked workers by a scan).
    gc.disable()
    from expectations.gxlib import context

    context()  # GX imported and the context made before the fork: the children inherit both
    gc.freeze()
    gc.enable()
    for fd in fds[1:]:
        if os.fork() == 0:
            for other in fds:
                if other != fd:
                    os.close(other)
            _serve_requests(fd)
        os.close(fd)
    _serve_requests(fds[0])


def _serve_requests(fd: int) -> None:
    """Answer (ok, value) to each (warehouse, suite, params) read from ``fd`` until EOF, then exit."""
    stream = socket.socket(fileno=fd).makefile("rwb")
    while True:
        try:
            request = pickle.load(stream)
        except (EOFError, OSError):
            # Nothing to flush or close: skip the interpreter's teardown of GX and pandas (seconds).
            os._exit(0)
        try:
            answer = (True, _validate(*request))
        except Exception as exc:  # noqa: BLE001 - returned to the caller, raised there
            answer = (False, _portable(exc))
        pickle.dump(answer, stream)
        stream.flush()


if __name__ == "__main__":
    worker_main([int(fd) for fd in sys.argv[1:]])
