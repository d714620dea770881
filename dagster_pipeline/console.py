"""The build console: what ``smartcounty build`` prints while Dagster runs.

Two kinds of output from one event stream (``dagster_pipeline.progress`` turns Dagster's log
records into :class:`Event`):

- **quiet** (default): one line per stage — the raw load with its per-source counts, the
  checks of a stage summed up, dbt with the relations it built and the tests it ran, the
  publish — plus every failed check as it happens. On a terminal (and not under ``CI``) a
  ``rich`` status line shows the running step and counts live; elsewhere it degrades to the
  plain lines alone.
- **verbose** (``--verbose``): every step, asset and check line, as before.

The formatting functions are pure; only :class:`BuildConsole` writes."""

from __future__ import annotations

import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

# dagster-dbt's own INFO messages about how it invoked dbt: in build.log, not on the console.
DBT_CHATTER = re.compile(r"^(A dbt subsetted execution|Copying `|Running dbt command|Finished dbt command)")
FAILURE_LINES_MAX = 10  # the whole failure block must stay within a terminal's last 15 lines


@dataclass
class Event:
    kind: str  # STEP_START | STEP_SUCCESS | STEP_FAILURE | MATERIALIZATION | CHECK | MESSAGE
    step: str = ""
    asset: str = ""
    check: str = ""
    passed: bool = True
    severity: str = ""
    message: str = ""


def is_check_step(step: str) -> bool:
    """GX suites run as their own steps (``<asset>_gx_<suite>``); dbt tests run inside the dbt step."""
    return "_gx_" in step


def check_line(event: Event) -> str:
    status = "passed" if event.passed else f"FAILED ({event.severity})"
    return f"    ☑ {event.asset}:{event.check} {status}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass
class StageSummary:
    """Condenses the event stream into the quiet console's lines (pure: feed events, get lines)."""

    plain: bool = True  # no live display: also print the start of each stage
    started: dict[str, float] = field(default_factory=dict)
    materialized: dict[str, int] = field(default_factory=dict)
    tests: dict[str, list[int]] = field(default_factory=dict)  # step → [passed, failed]
    group: list[float] = field(default_factory=lambda: [0, 0, 0, 0.0])  # checks: passed, warn, error, seconds
    steps_done: int = 0
    current: str = ""

    def feed(self, event: Event, now: float | None = None) -> list[str]:
        now = time.monotonic() if now is None else now
        kind, step = event.kind, event.step
        if kind == "STEP_START":
            self.started[step] = now
            self.current = step
            if is_check_step(step):
                return []
            return self.flush_checks() + ([f"▶ {step}"] if self.plain else [])
        if kind == "STEP_SUCCESS" or kind == "STEP_FAILURE":
            self.steps_done += 1
            seconds = now - self.started.get(step, now)
            if kind == "STEP_FAILURE":
                return self.flush_checks() + [f"✗ {step} failed"]
            if is_check_step(step):
                self.group[3] += seconds
                return []
            # "✓ step (N s)" first: benchmarks/runner.py reads the stage times from it.
            return [f"✓ {step} ({seconds:.1f} s){self.step_counts(step)}"]
        if kind == "MATERIALIZATION":
            self.materialized[step] = self.materialized.get(step, 0) + 1
            return []
        if kind == "CHECK":
            if is_check_step(step):
                slot = 0 if event.passed else (2 if event.severity == "ERROR" else 1)
                self.group[slot] += 1
            else:  # dbt tests: hundreds pass on every build
                counts = self.tests.setdefault(step, [0, 0])
                counts[0 if event.passed else 1] += 1
            return [] if event.passed else [check_line(event)]
        if kind == "MESSAGE":
            return [] if DBT_CHATTER.match(event.message) else [f"    {event.message}"]
        return []

    def step_counts(self, step: str) -> str:
        parts = []
        if self.materialized.get(step, 0) > 1:  # a step of one asset: its name says it
            parts.append(plural(self.materialized[step], "relation"))
        passed, failed = self.tests.get(step, [0, 0])
        if passed or failed:
            parts.append(f"{plural(passed + failed, 'test')}, {failed} failed")
        return (": " + ", ".join(parts)) if parts else ""

    def flush_checks(self) -> list[str]:
        """The line summing up the check steps run since the last stage line."""
        passed, warned, failed, seconds = self.group
        if not (passed or warned or failed):
            return []
        self.group = [0, 0, 0, 0.0]
        parts = [f"{passed} passed"] + ([plural(warned, "warning")] if warned else []) + \
                ([f"{failed} FAILED"] if failed else [])
        mark = "✗" if failed else "✓"
        return [f"{mark} checks ({seconds:.1f} s): {', '.join(parts)}"]

    def status(self) -> str:
        """The live display's text: what runs now and how far the build is."""
        built = sum(self.materialized.values())
        tests = sum(sum(v) for v in self.tests.values())
        return (f"{self.current or 'starting'} · {plural(self.steps_done, 'step')} done · "
                f"{plural(built, 'relation')} · {plural(tests, 'dbt test')}")


def verbose_line(event: Event, seconds: float | None = None) -> str | None:
    """The full stream's line for an event (the console before it was quieted)."""
    if event.kind == "STEP_START":
        return f"▶ {event.step}"
    if event.kind == "STEP_SUCCESS":
        return f"✓ {event.step} ({seconds or 0.0:.1f} s)"
    if event.kind == "STEP_FAILURE":
        return f"✗ {event.step} failed"
    if event.kind == "MATERIALIZATION":
        return f"    · {event.asset}"
    if event.kind == "CHECK":
        # Hundreds of dbt tests pass on every build: name only failures and our own GX suites.
        if event.passed and not event.check.startswith("gx_"):
            return None
        return check_line(event)
    if event.kind == "MESSAGE":
        return f"    {event.message}"
    return None


def use_live_display(stream=None, environ=None) -> bool:
    """rich's live display only on an interactive terminal and never under CI."""
    stream = stream or sys.stderr
    environ = os.environ if environ is None else environ
    if environ.get("CI") or environ.get("TERM") == "dumb":
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


# ---------------------------------------------------------------- profile
def process_age() -> float:
    """Seconds since this process started (Linux: its start time in /proc; elsewhere 0): the
    interpreter's start-up and imports count towards the build's fixed cost."""
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            text = fh.read()
        started = int(text[text.rindex(")") + 2:].split()[19]) / os.sysconf("SC_CLK_TCK")
        return max(0.0, time.clock_gettime(time.CLOCK_BOOTTIME) - started)
    except (OSError, ValueError, AttributeError, IndexError):
        return 0.0


def build_profile(total: float, startup: float | None, steps: list[tuple[str, float]]) -> dict:
    """Where a build's seconds went: ``startup`` (process start to the first step: imports,
    manifest check, definitions, plan), each step, the stages they form (the raw load, the GX
    checks, dbt, the publish) and ``other`` (what no step covers: run set-up, the summary)."""
    stages: dict[str, float] = {}
    for step, seconds in steps:
        stage = ("checks" if is_check_step(step) else "dbt" if "dbt" in step
                 else "publish" if step == "serving_snapshot" else "raw_load")
        stages[stage] = stages.get(stage, 0.0) + seconds
    startup = startup or 0.0
    other = max(0.0, total - startup - sum(stages.values()))
    return {"total_s": round(total, 2), "startup_s": round(startup, 2),
            "stages_s": {k: round(v, 2) for k, v in stages.items()}, "other_s": round(other, 2),
            "steps": [{"step": step, "seconds": round(seconds, 2)} for step, seconds in steps]}


def profile_line(profile: dict) -> str:
    parts = [f"startup {profile['startup_s']:.1f} s"] + [f"{k} {v:.1f} s" for k, v in profile["stages_s"].items()]
    return f"time: {', '.join(parts)}, other {profile['other_s']:.1f} s (total {profile['total_s']:.1f} s)"


class BuildConsole:
    """Writes the build's progress to ``stream`` (stderr): verbose, quiet plain, or quiet live.

    Records every step's seconds (``steps``) and when the first began, for the build profile."""

    def __init__(self, verbose: bool = False, stream=None, live: bool | None = None):
        self.stream = stream or sys.stderr
        self.verbose = verbose
        self.live = use_live_display(self.stream) if live is None else live
        self.summary = StageSummary(plain=not self.live)
        self._progress = None
        self._task = None
        self._began: dict[str, float] = {}
        self.first_step_at: float | None = None  # time.monotonic() of the first step's start
        self.steps: list[tuple[str, float]] = []

    def __enter__(self):
        if self.live and not self.verbose:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                      console=Console(file=self.stream), transient=True, redirect_stdout=False)
            self._progress.__enter__()
            self._task = self._progress.add_task("starting", total=None)
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self) -> None:
        for line in self.summary.flush_checks():
            self.print(line)
        if self._progress is not None:
            self._progress.__exit__(None, None, None)
            self._progress = None

    def print(self, line: str) -> None:
        if self._progress is not None:
            self._progress.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            print(line, file=self.stream, flush=True)

    def handle(self, event: Event) -> None:
        now = time.monotonic()
        if event.kind == "STEP_START":
            self.first_step_at = self.first_step_at or now
            self._began[event.step] = now
        elif event.kind in ("STEP_SUCCESS", "STEP_FAILURE"):
            self.steps.append((event.step, now - self._began.get(event.step, now)))
        if self.verbose:
            line = verbose_line(event, now - self._began.get(event.step, now))
            lines = [line] if line else []
        else:
            lines = self.summary.feed(event, now)
        for line in lines:
            self.print(line)
        if self._progress is not None:
            self._progress.update(self._task, description=self.summary.status())


# ---------------------------------------------------------------- failures
_DBT_PROBLEM = re.compile(r"^\s*(?:\x1b\[[0-9;]*m)*((?:Failure|Database Error|Runtime Error|Compilation Error|"
                          r"Warning) in (?:model|test|seed|snapshot|unit_test|macro|sql operation) .*)$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_TIMESTAMP = re.compile(r"^\d\d:\d\d:\d\d\s+")


def dbt_problems(log_text: str, limit: int = 5) -> list[str]:
    """The failed models and tests of dbt's end-of-run summary in its log ("Failure in test …",
    "Database Error in model …") each with its first message line."""
    lines = [_TIMESTAMP.sub("", _ANSI.sub("", line)).rstrip() for line in log_text.splitlines()]
    start = max((i for i, line in enumerate(lines) if line.startswith("Completed with")), default=None)
    if start is None:
        return []
    problems = []
    for i in range(start, len(lines)):
        m = _DBT_PROBLEM.match(lines[i])
        if not m or m.group(1).startswith("Warning"):
            continue
        detail = next((lines[j].strip() for j in range(i + 1, min(i + 6, len(lines)))
                       if lines[j].strip() and not lines[j].strip().startswith(("compiled code", "See test"))), "")
        problems.append(f"{m.group(1)}: {detail}" if detail else m.group(1))
    return problems[:limit]


def check_failure_detail(metadata: dict) -> str:
    """A short reason for a failed check from its metadata: the first failed GX expectation or
    dbt's failing-row count."""
    failed = metadata.get("failed_expectations")
    failed = getattr(failed, "value", failed) or getattr(failed, "data", None)
    if isinstance(failed, list) and failed:
        first = failed[0]
        text = first.get("expectation", "")
        for key in ("observed_value", "unexpected_count", "exception"):
            if first.get(key) not in (None, "", []):
                text += f" ({key.replace('_', ' ')}: {first[key]})"
                break
        more = f" and {len(failed) - 1} more" if len(failed) > 1 else ""
        return (text + more)[:160]
    rows = metadata.get("dagster_dbt/failed_row_count")
    rows = getattr(rows, "value", rows)
    return f"{rows} failing rows" if rows not in (None, "") else ""


def failure_block(elapsed: float, failures: list[str], log: Path, report: Path | None) -> list[str]:
    """The lines closing a failed build: at most FAILURE_LINES_MAX failures, then where to look
    (the report and dbt's log) — all within the last 15 lines of the output."""
    shown = failures[:FAILURE_LINES_MAX]
    lines = [f"build FAILED after {elapsed:.1f} s; the serving copy was not replaced."]
    lines += ["  - " + " ".join(line.split()) for line in shown]  # one line each: multi-line errors flattened
    if len(failures) > len(shown):
        lines.append(f"  … and {len(failures) - len(shown)} more (see the log)")
    if report is not None:
        lines.append(f"validation report: {report}")
    lines.append(f"dbt log: {log}")
    return lines


class Tee:
    """A write-only stream copying to several (``--verbose``: dbt's log to the file and the terminal)."""

    def __init__(self, *streams):
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
        return len(text)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()
