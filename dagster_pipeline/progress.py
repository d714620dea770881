"""A Dagster logger that turns Dagster's event stream into the build console's events
(``dagster_pipeline.console``): one short line per step, asset and check by default, one line per
stage when ``smartcounty build`` attaches its quiet console."""

from __future__ import annotations

import logging

import dagster as dg

from dagster_pipeline.console import BuildConsole, Event

_EVENT_KINDS = {"STEP_START": "STEP_START", "STEP_SUCCESS": "STEP_SUCCESS", "STEP_FAILURE": "STEP_FAILURE",
                "ASSET_MATERIALIZATION": "MATERIALIZATION", "ASSET_CHECK_EVALUATION": "CHECK"}
_console: BuildConsole | None = None


def attach(console: BuildConsole | None) -> None:
    """Route the progress events to ``console`` (None: the full stream on stderr)."""
    global _console
    _console = console


def to_event(record: logging.LogRecord) -> Event | None:
    meta = getattr(record, "dagster_meta", None) or {}
    event = meta.get("dagster_event")
    if event is None:
        # Messages our own assets log at INFO or above (not Dagster's debug chatter).
        message = meta.get("orig_message", record.getMessage())
        # Steps skipped after a failure are already summed up by the failure itself.
        if record.levelno >= logging.INFO and meta.get("step_key") and not message.startswith("Dependencies for step"):
            return Event("MESSAGE", step=meta["step_key"], message=message)
        return None
    kind = _EVENT_KINDS.get(event.event_type_value)
    if kind is None:
        return None
    step = event.step_key or ""
    if kind == "MATERIALIZATION":
        return Event(kind, step=step, asset=event.asset_key.to_user_string())
    if kind == "CHECK":
        data = event.event_specific_data
        return Event(kind, step=step, asset=data.asset_key.to_user_string(), check=data.check_name,
                     passed=bool(data.passed), severity=data.severity.value)
    return Event(kind, step=step)


class ProgressHandler(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self._default = BuildConsole(verbose=True)

    def emit(self, record: logging.LogRecord) -> None:
        event = to_event(record)
        if event is not None:
            (_console or self._default).handle(event)


@dg.logger(description="One line per step, asset materialisation and check evaluation.")
def progress_logger(init_context) -> logging.Logger:
    log = logging.getLogger("smartcounty.progress")
    log.setLevel(logging.DEBUG)
    log.propagate = False
    if not any(isinstance(h, ProgressHandler) for h in log.handlers):
        log.addHandler(ProgressHandler())
    return log
