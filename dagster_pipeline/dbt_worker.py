"""dbt, already imported and parsed when the build reaches its dbt step.

Before its first node, a `dbt` process spends ≈ 5 s of a small build: starting Python, importing
dbt (which the build process has already imported: dagster-dbt imports it) and loading the
project's partial parse. ``prestart`` forks a worker from the build process right after that
import; the worker parses the project while the build process goes on (Dagster's definitions,
the raw load, the raw checks). dagster-dbt then starts ``smartcounty-dbt``
(``dagster_pipeline.dbt_relay``) instead of ``dbt``: the relay hands its command line,
environment, working folder and stdout/stderr to the worker, which runs dbt's Python API
(``dbtRunner``) on the parsed manifest, writing dbt's structured log straight into dagster-dbt's
pipe as the `dbt` process would, and answers the exit code. Nothing else changes: the same
command, the same nodes and tests, the same artifacts in the run's target folder.

The worker serves one invocation and ends; it also ends when the build process closes its end
of the lifeline (``discard``) or dies (then the build's reaper ends it like any child). The
relay runs the real `dbt` whenever the worker cannot serve: none was started (the Dagster UI,
a test of one asset), it is used up, its parse failed (dbt then reports the error itself), or the
command changes what the parse depends on (``--vars``, another target, profile or project).
POSIX only (``os.fork``, Unix sockets); elsewhere ``prestart`` does nothing.
"""

from __future__ import annotations

import gc
import json
import os
import select
import shutil
import signal
import socket
import struct
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from smartcounty import settings

ADDRESS_ENV = "SMARTCOUNTY_DBT_WORKER"  # the worker's Unix socket, read by the relay
RELAY = "smartcounty-dbt"  # the relay's console script (pyproject.toml)
STOP_SECONDS = 10.0
# Options after which the prepared parse may not be the one dbt would make: run the real dbt.
PARSE_OPTIONS = ("--vars", "--target", "-t", "--profile", "--project-dir", "--profiles-dir",
                 "--no-partial-parse", "--target-path")
HEADER = struct.Struct("!I")
# The hot_topics model (dbt_project/models/report/procurement/scenarios/hot_topics.py) segments
# titles with jieba, whose default dictionary costs ≈ 1.5 s of CPU to load, all of it holding
# the GIL, so dbt's other thread stalls meanwhile. The worker loads it while it waits for the
# relay (the build is still loading the raw drop), in the model's cache folder.
JIEBA_CACHE_DIR = Path(tempfile.gettempdir()) / "smartcounty-jieba"
SERVED, UNUSED, DECLINED = 0, 3, 4  # the worker's exit status: what became of it (``discard``)


@dataclass
class _Worker:
    pid: int
    lifeline: socket.socket
    folder: str


_WORKER: _Worker | None = None


def prestart(in_child: Callable[[], None] | None = None) -> None:
    """Fork the worker (once per process). Imports dbt here first, so the worker inherits it.
    ``in_child`` runs first thing in the worker (to close what it must not hold on to)."""
    global _WORKER
    if _WORKER is not None or not hasattr(os, "fork") or not hasattr(socket, "AF_UNIX"):
        return
    from dbt.cli.main import dbtRunner  # noqa: F401, PLC0415 - the import the worker inherits

    folder = tempfile.mkdtemp(prefix="smartcounty-dbt-")
    address = os.path.join(folder, "socket")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(1)
    ours, theirs = socket.socketpair()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the worker
        code = 70
        try:
            gc.freeze()  # the build process may have forked with its collector off (cmd_build)
            gc.enable()
            ours.close()
            if in_child is not None:
                in_child()
            code = serve(listener, theirs, Path(folder))
        finally:
            os._exit(code)  # no interpreter teardown, no atexit of the build process
    theirs.close()
    listener.close()
    os.environ[ADDRESS_ENV] = address
    _WORKER = _Worker(pid, ours, folder)


def executable() -> str:
    """What dagster-dbt should run as `dbt`: the relay while a worker waits, else dbt itself."""
    relay = Path(sys.executable).with_name(RELAY)
    if _WORKER is not None and relay.exists():
        return str(relay)
    return settings.dbt_executable()


def discard() -> str | None:
    """End the worker (if it has not ended after its invocation), remove its socket and say
    what became of it: "served", "unused", "declined" (the relay ran dbt itself) or "failed"."""
    global _WORKER
    worker, _WORKER = _WORKER, None
    if worker is None:
        return None
    os.environ.pop(ADDRESS_ENV, None)
    worker.lifeline.close()  # an idle worker ends on this
    status = _reaped(worker.pid, STOP_SECONDS)
    if status is None:
        os.kill(worker.pid, signal.SIGKILL)
        status = _reaped(worker.pid, STOP_SECONDS)
    shutil.rmtree(worker.folder, ignore_errors=True)
    return {SERVED: "served", UNUSED: "unused", DECLINED: "declined"}.get(status, "failed")


def _reaped(pid: int, seconds: float) -> int | None:
    """The exit code of the ended child ``pid`` (-1 if not ours to wait for), None if it runs on."""
    import time  # noqa: PLC0415

    deadline = time.monotonic() + seconds
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return -1
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            return None
        time.sleep(0.05)


# ----------------------------------------------------------------------------- in the worker
def serve(listener: socket.socket, lifeline: socket.socket, folder: Path) -> int:
    """Prepare the manifest, then answer one relay (or end with the lifeline)."""
    with open(os.devnull, "wb") as null:  # the parse prints nothing into the build's terminal
        os.dup2(null.fileno(), 1)
        os.dup2(null.fileno(), 2)
    from dagster_pipeline import dbt_events  # noqa: PLC0415

    dbt_events.install()  # before the parse: it fires events too
    manifest, problem = prepare(folder)
    if manifest is not None and has_python_model(manifest):
        preload_segmenter()
    if manifest is not None:
        compile_macros(manifest, lambda: bool(select.select([listener, lifeline], [], [], 0)[0]))
    ready, _, _ = select.select([listener, lifeline], [], [])
    if listener not in ready:
        return UNUSED  # the build ended (or needed no dbt)
    conn, _ = listener.accept()
    listener.close()
    with conn:
        request, fds = receive(conn)
        argv = request["argv"]
        reason = problem or changes_parse(argv)
        if reason:
            for fd in fds:
                os.close(fd)
            send(conn, {"fallback": reason})
            return DECLINED
        code = run(manifest, argv, request["env"], request["cwd"], fds)
        send(conn, {"exit": code})
    return SERVED


def prepare(folder: Path):
    """(manifest, None) from dbt's parse, starting from the project's partial parse; (None, why)."""
    from dbt.cli.main import dbtRunner  # noqa: PLC0415 - imported before the fork

    project = settings.DBT_PROJECT_DIR
    target = folder / "target"
    target.mkdir()
    saved = project / "target" / "partial_parse.msgpack"
    if saved.exists():  # a copy: builds running side by side must not write the same file
        shutil.copyfile(saved, target / saved.name)
    full: list[str] = []
    try:
        result = dbtRunner(callbacks=[lambda msg: _note_full_parse(msg, full)]).invoke(
            ["parse", "--project-dir", str(project), "--profiles-dir", str(project),
             "--target-path", str(target), "--log-path", str(folder),
             "--no-write-json", "--quiet", "--log-level-file", "none"])
    except BaseException as exc:  # noqa: BLE001 - any failure: the real dbt runs and reports it
        return None, f"parse raised {exc!r}"
    if result.success and result.result is not None:
        if full:
            keep_parse(target / saved.name, saved)
        return result.result, None
    return None, f"parse failed: {result.exception!r}"


# dbt's events for a parse that could not start from the saved one.
FULL_PARSE_EVENTS = frozenset({"UnableToPartialParse", "PartialParsingNotEnabled", "ParsedFileLoadFailed"})


def _note_full_parse(msg, full: list[str]) -> None:
    if msg.info.name in FULL_PARSE_EVENTS:
        full.append(msg.info.name)


def keep_parse(made: Path, saved: Path) -> bool:
    """After a full parse, make it the project's saved parse (atomically), so the next build
    starts from it: a `dbt` run with other ``--vars`` or another profile in the project folder
    (an analyst's, or a test's) leaves a saved parse no build can reuse, and every build would
    then parse in full (≈ 11 s of CPU instead of ≈ 3 s on this machine). False if it cannot."""
    if not made.exists():
        return False
    temporary = saved.with_name(f".{saved.name}.{os.getpid()}.tmp")
    try:
        saved.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(made, temporary)
        os.replace(temporary, saved)
    except OSError:  # a read-only project: the next build parses in full again, nothing worse
        temporary.unlink(missing_ok=True)
        return False
    return True


def has_python_model(manifest) -> bool:
    return any(str(getattr(node, "language", "")).lower().endswith("python") for node in manifest.nodes.values())


def preload_segmenter(cache_dir: Path = JIEBA_CACHE_DIR) -> bool:
    """Load jieba's default dictionary into its process-wide tokenizer (``jieba.initialize``,
    the documented way to preload) while the worker waits; the hot_topics model copies it
    instead of loading its own. False (and the model loads it itself) if that fails."""
    try:
        import logging  # noqa: PLC0415

        import jieba  # noqa: PLC0415 - only the worker needs it

        jieba.setLogLevel(logging.WARNING)
        cache_dir.mkdir(parents=True, exist_ok=True)
        jieba.dt.tmp_dir = str(cache_dir)
        jieba.dt.initialize()
    except Exception:  # noqa: BLE001 - an optimisation only
        return False
    return True


def compile_macros(manifest, interrupted: Callable[[], bool]) -> int:
    """Compile the macros a build will call into dbt's template cache while the worker waits
    for the relay (and stop when it calls): dbt compiles a macro's Jinja on its first call,
    ≈ 0.8 s of GIL-holding CPU in a build's dbt step otherwise. The same cache and function dbt
    uses, so each macro compiles to the same template; one that fails to compile is left for
    dbt to report if it is called. Returns the number compiled."""
    try:
        from dbt_common.clients.jinja import template_cache  # noqa: PLC0415
    except ImportError:
        return 0
    done = 0
    for index, macro in enumerate(macros_called(manifest)):
        if index % 16 == 0 and interrupted():
            break
        try:
            template_cache.get_node_template(macro)
            done += 1
        except Exception:  # noqa: BLE001, S112 - dbt raises it in its own words if the macro is called
            continue
    return done


def macros_called(manifest) -> list:
    """The macros a run of the manifest's nodes is likely to call: the materializations its
    nodes use, the macros the nodes call, and what those call (dbt's parse records it), with
    the adapter's and the default implementations of dispatched macros. Precompiling only
    these (≈ 180 of ≈ 550) keeps the worker's CPU off the build's start-up; a macro missed
    here is compiled by dbt when called, as it would be anyway."""
    macros = manifest.macros
    adapter = (getattr(getattr(manifest, "metadata", None), "adapter_type", None) or "").lower()
    by_name: dict[str, list[str]] = {}
    for unique_id, macro in macros.items():
        by_name.setdefault(macro.name, []).append(unique_id)
    todo: list[str] = []
    for node in manifest.nodes.values():
        materialized = getattr(getattr(node, "config", None), "materialized", None)
        for name in (f"materialization_{materialized}_{adapter}", f"materialization_{materialized}_default"):
            if name in by_name:
                todo.extend(by_name[name])
                break
        todo.extend(getattr(getattr(node, "depends_on", None), "macros", None) or [])
    seen: dict[str, None] = {}  # insertion-ordered: materializations and their first calls first
    while todo:
        unique_id = todo.pop(0)
        if unique_id in seen or unique_id not in macros:
            continue
        seen[unique_id] = None
        macro = macros[unique_id]
        todo.extend(getattr(getattr(macro, "depends_on", None), "macros", None) or [])
        base = macro.name.split("__", 1)[1] if "__" in macro.name else macro.name
        for name in (f"{adapter}__{base}", f"default__{base}"):
            todo.extend(by_name.get(name, []))
    return [macros[unique_id] for unique_id in seen]


def changes_parse(argv: list[str]) -> str | None:
    for arg in argv:
        name = arg.split("=", 1)[0]
        if name in PARSE_OPTIONS:
            return f"{name} given"
    return None


def run(manifest, argv: list[str], env: dict[str, str], cwd: str, fds: list[int]) -> int:
    """dbt ``argv`` on ``manifest`` with the relay's environment, folder, stdout and stderr;
    the exit code the dbt command line would give (0 success, 1 failed nodes, 2 error)."""
    from dbt.cli.main import dbtRunner  # noqa: PLC0415

    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    os.dup2(fds[0], 1)
    os.dup2(fds[1], 2)
    for fd in fds:
        os.close(fd)
    try:
        result = dbtRunner(manifest=manifest).invoke(argv)
        code = 0 if result.success else (2 if result.exception is not None else 1)
    except BaseException:  # noqa: BLE001 - reported like dbt's own unhandled errors
        traceback.print_exc()
        code = 2
    sys.stdout.flush()
    sys.stderr.flush()
    return code


# ----------------------------------------------------------------------------- the wire format
# A request: one header (payload length) sent with the relay's stdout and stderr (SCM_RIGHTS),
# then the JSON payload; the answer: JSON until the worker closes the connection.
def receive(conn: socket.socket) -> tuple[dict, list[int]]:
    header, fds, _, _ = socket.recv_fds(conn, HEADER.size, 2)
    size = HEADER.unpack(header)[0]
    return json.loads(_read(conn, size)), list(fds)


def send(conn: socket.socket, message: dict) -> None:
    conn.sendall(json.dumps(message).encode("utf-8"))


def _read(conn: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = conn.recv(min(left, 1 << 16))
        if not chunk:
            raise ConnectionError("the relay closed the connection mid-request")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
