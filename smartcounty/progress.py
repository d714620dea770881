"""A Dagster logger that prints one short line per step, asset and check — readable build
progress for ``smartcounty build`` instead of Dagster's full event stream."""

from __future__ import annotations

import logging
import sys
import time

import dagster as dg

_START: dict[str, float] = {}


def describe(record: logging.LogRecord) -> str | None:
    meta = getattr(record, "dagster_meta", None) or {}
    event = meta.get("dagster_event")
    if event is None:
        # Messages our own assets log at INFO or above (not Dagster's debug chatter).
        message = meta.get("orig_message", record.getMessage())
        # Steps skipped after a failure are already summed up by the failure itself.
        if record.levelno >= logging.INFO and meta.get("step_key") and not message.startswith("Dependencies for step"):
            return f"    {message}"
        return None
    kind = event.event_type_value
    step = event.step_key or ""
    if kind == "STEP_START":
        _START[step] = time.monotonic()
        return f"▶ {step}"
    if kind == "STEP_SUCCESS":
        return f"✓ {step} ({time.monotonic() - _START.get(step, time.monotonic()):.1f} s)"
    if kind == "STEP_FAILURE":
        return f"✗ {step} failed"
    if kind == "ASSET_MATERIALIZATION":
        return f"    · {event.asset_key.to_user_string()}"
    if kind == "ASSET_CHECK_EVALUATION":
        data = event.event_specific_data
        # Hundreds of dbt tests pass on every build: name only failures and our own GX suites.
        if data.passed and not data.check_name.startswith("gx_"):
            return None
        status = "passed" if data.passed else f"FAILED ({data.severity.value})"
        return f"    ☑ {data.asset_key.to_user_string()}:{data.check_name} {status}"
    return None


class ProgressHandler(logging.Handler):
    def __init__(self, stream=None):
        super().__init__(level=logging.DEBUG)
        self.stream = stream or sys.stderr

    def emit(self, record: logging.LogRecord) -> None:
        line = describe(record)
        if line:
            print(line, file=self.stream, flush=True)


@dg.logger(description="One line per step, asset materialisation and check evaluation.")
def progress_logger(init_context) -> logging.Logger:
    log = logging.getLogger("smartcounty.progress")
    log.setLevel(logging.DEBUG)
    log.propagate = False
    if not any(isinstance(h, ProgressHandler) for h in log.handlers):
        log.addHandler(ProgressHandler())
    return log
