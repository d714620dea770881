"""dbt's log events, made and written for less of the GIL in the dbt worker.

A build's dbt step is GIL-bound (one Python process, several threads; docs/DESIGN.md), and on
the 0.01 drop about a fifth of its CPU went to log events, ≈ 4,500 per build of which ≈ 320
are at the level anyone reads. Two of dbt's ways, measured with per-thread CPU timers in the
worker (docs/benchmarks/2026-11-28-session9/notes.md):

- every event, debug ones included, is built from keyword arguments with protobuf's
  pure-Python ``json_format.ParseDict`` (``dbt_common.events.base_types``, twice per event):
  ≈ 2.4 s. ``parse_dict`` fills the message field by field through protobuf's C setters for
  the shapes dbt's events use (scalars, nested messages, repeated fields,
  ``map<string, string>``, ``Timestamp`` strings, ``Struct`` of plain JSON values) and hands
  anything else, or any value ParseDict would convert or reject, to ParseDict itself: the
  message is ParseDict's (tests/test_dbt_events.py compares them on generated and real events).
- every event is turned into its JSON log line before the line's logger drops it for its
  level (``_Logger.write_line`` makes the line, then ``logging`` filters): ≈ 1.4 s for ≈ 3,700
  debug lines nobody sees at dagster-dbt's ``info`` level. ``write_line`` asks the logger first
  and makes only the lines it will write, the same lines.

Installed in the dbt worker only (``dbt_worker.serve``); the real `dbt` is untouched.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from dbt_common.events.logger import _log_level_map
from google.protobuf import descriptor, json_format
from google.protobuf.message import Message

_FD = descriptor.FieldDescriptor
_INTS = frozenset({_FD.CPPTYPE_INT32, _FD.CPPTYPE_INT64, _FD.CPPTYPE_UINT32, _FD.CPPTYPE_UINT64})
_FLOAT_MAX = 3.4028234663852886e38  # json_format refuses a larger value for a 32-bit float field
_ORIGINAL = json_format.ParseDict
_FIELDS: dict[str, dict[str, descriptor.FieldDescriptor]] = {}  # per message type: JSON and proto names


class _Unsupported(Exception):
    """A shape or value the fast path leaves to ParseDict."""


def parse_dict(js_dict: Any, message: Message, *args: Any, **kwargs: Any) -> Message:
    """``json_format.ParseDict(js_dict, message)``, equal in result, raised errors included."""
    if args or kwargs:
        return _ORIGINAL(js_dict, message, *args, **kwargs)
    try:
        _fill(js_dict, message)
        return message
    except Exception:  # noqa: BLE001 - anything unusual: start again the documented way
        message.Clear()
        return _ORIGINAL(js_dict, message)


def install() -> bool:
    """Make dbt use ``parse_dict``, ``write_line`` and ``fire_event``; False if dbt_common's
    layout is not the one this was written against (dbt then stays as it is)."""
    global _ORIGINAL_WRITE_LINE, _ORIGINAL_FIRE_EVENT
    try:
        from dbt_common.events import base_types  # noqa: PLC0415 - dbt is imported by then
        from dbt_common.events import event_manager  # noqa: PLC0415
        from dbt_common.events import logger as dbt_logger  # noqa: PLC0415
    except ImportError:
        return False
    write = dbt_logger._Logger.__dict__.get("write_line")
    fire = event_manager.EventManager.__dict__.get("fire_event")
    if (base_types.__dict__.get("ParseDict") not in (_ORIGINAL, parse_dict) or write is None or fire is None
            or not hasattr(dbt_logger, "_is_print_event")):
        return False
    if write is not write_line:
        _ORIGINAL_WRITE_LINE = write
        dbt_logger._Logger.write_line = write_line
    if fire is not fire_event:
        _ORIGINAL_FIRE_EVENT = fire
        event_manager.EventManager.fire_event = fire_event
    base_types.ParseDict = parse_dict
    return True


def uninstall() -> None:
    """Undo ``install`` (tests)."""
    from dbt_common.events import base_types, event_manager  # noqa: PLC0415
    from dbt_common.events import logger as dbt_logger  # noqa: PLC0415

    base_types.ParseDict = _ORIGINAL
    if _ORIGINAL_WRITE_LINE is not None:
        dbt_logger._Logger.write_line = _ORIGINAL_WRITE_LINE
    if _ORIGINAL_FIRE_EVENT is not None:
        event_manager.EventManager.fire_event = _ORIGINAL_FIRE_EVENT


# Which logging level each event level goes to: dbt's own map (send_to_logger), by level name.
_LEVELS = {event_level.value: python_level for event_level, python_level in _log_level_map.items()}
_ORIGINAL_WRITE_LINE = None
_ORIGINAL_FIRE_EVENT = None


def fire_event(self, e, level=None, node=None, force_warn_or_error_handling: bool = False) -> None:
    """dbt's ``EventManager.fire_event``, returning at once for a debug event nothing would
    receive: no logger writes its level, no callback but dbt's own behaviour-change tracker
    (which reads only ``BehaviorChangeEvent``) listens. dbt would build the event's envelope,
    then drop it; nothing else happens for such an event (warn-as-error handling is for
    warnings or forced events, which take dbt's path)."""
    if not force_warn_or_error_handling and _unheard(self, e, level):
        return None
    return _ORIGINAL_FIRE_EVENT(self, e, level, node, force_warn_or_error_handling)


def _unheard(manager, event, level) -> bool:
    tag = level.value if level is not None else event.level_tag().value
    if _LEVELS.get(tag) != logging.DEBUG or type(event).__name__ == "BehaviorChangeEvent":
        return False
    if os.environ.get("DBT_TEST_BINARY_SERIALIZATION"):
        return False
    if manager.callbacks:
        try:
            from dbt.tracking import track_behavior_change_warn  # noqa: PLC0415 - imported by dbt already
        except ImportError:
            return False
        if any(callback is not track_behavior_change_warn for callback in manager.callbacks):
            return False
    for logger in manager.loggers:
        python_logger = getattr(logger, "_python_logger", None)
        if python_logger is not None and python_logger.isEnabledFor(logging.DEBUG):
            return False
    return True


def write_line(self, msg) -> None:
    """dbt's ``_Logger.write_line``, without making the line its logger would drop."""
    from dbt_common.events.logger import _is_print_event  # noqa: PLC0415

    python_logger = self._python_logger
    if python_logger is not None:
        level = _LEVELS.get("error" if _is_print_event(msg) else msg.info.level)
        if level is not None and not python_logger.isEnabledFor(level):
            return
    _ORIGINAL_WRITE_LINE(self, msg)


def _fill(js: Any, message: Message) -> None:
    if type(js) is not dict:
        raise _Unsupported
    desc = message.DESCRIPTOR
    if desc.full_name.startswith("google.protobuf."):
        raise _Unsupported  # well-known types have their own JSON forms
    seen_oneofs: set[str] = set()
    for name, value in js.items():
        field = _field(desc, name)
        if field.containing_oneof is not None and value is not None:
            if field.containing_oneof.name in seen_oneofs:
                raise _Unsupported
            seen_oneofs.add(field.containing_oneof.name)
        if value is None:
            if field.message_type is not None and field.message_type.full_name == "google.protobuf.Value":
                raise _Unsupported
            if field.enum_type is not None:
                raise _Unsupported
            continue  # ParseDict clears the field: a fresh message has it clear
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            _fill_map(field, value, getattr(message, field.name))
        elif field.is_repeated:
            if type(value) is not list:
                raise _Unsupported
            target = getattr(message, field.name)
            if field.cpp_type == _FD.CPPTYPE_MESSAGE:
                for item in value:
                    _fill(item, target.add())
            else:
                target.extend([_scalar(field, item) for item in value])
        elif field.cpp_type == _FD.CPPTYPE_MESSAGE:
            sub = getattr(message, field.name)
            sub.SetInParent()
            kind = field.message_type.full_name
            if kind == "google.protobuf.Timestamp":
                if type(value) is not str:
                    raise _Unsupported
                sub.FromJsonString(value)
            elif kind == "google.protobuf.Struct":
                _fill_struct(value, sub)
            else:
                _fill(value, sub)
        else:
            setattr(message, field.name, _scalar(field, value))


def _field(desc: descriptor.Descriptor, name: str) -> descriptor.FieldDescriptor:
    """The field ParseDict would pick: by JSON name first, then by proto name; no extensions."""
    fields = _FIELDS.get(desc.full_name)
    if fields is None:
        fields = {**{f.name: f for f in desc.fields}, **{f.json_name: f for f in desc.fields}}
        _FIELDS[desc.full_name] = fields
    field = fields.get(name)
    if field is None or field.is_extension:
        raise _Unsupported
    return field


def _fill_map(field: descriptor.FieldDescriptor, value: Any, target: Any) -> None:
    key_field = field.message_type.fields_by_name["key"]
    value_field = field.message_type.fields_by_name["value"]
    if (type(value) is not dict or key_field.type != _FD.TYPE_STRING or value_field.type != _FD.TYPE_STRING):
        raise _Unsupported
    for key, item in value.items():
        if type(key) is not str or type(item) is not str:
            raise _Unsupported
        target[key] = item


def _fill_struct(value: Any, struct: Any) -> None:
    """json_format's ``_ConvertStructMessage``, for plain JSON values."""
    if type(value) is not dict:
        raise _Unsupported
    struct.Clear()  # marks it present even when empty, as ParseDict does
    for key, item in value.items():
        _fill_value(item, struct.fields[key])


def _fill_value(item: Any, target: Any) -> None:
    kind = type(item)
    if kind is dict:
        _fill_struct(item, target.struct_value)
    elif kind is list:
        target.list_value.ClearField("values")
        for element in item:
            _fill_value(element, target.list_value.values.add())
    elif item is None:
        target.null_value = 0
    elif kind is bool:
        target.bool_value = item
    elif kind is str:
        target.string_value = item
    elif kind is int or kind is float:
        target.number_value = item
    else:
        raise _Unsupported


def _scalar(field: descriptor.FieldDescriptor, value: Any) -> Any:
    """The value as json_format's scalar conversion would return it, for the types it passes
    through unchanged; anything it would convert (strings to numbers, floats to ints, …) or
    refuse is left to it."""
    kind = field.cpp_type
    if kind == _FD.CPPTYPE_STRING:
        # Unpaired surrogates: protobuf's setter refuses them as ParseDict does, and the
        # fallback then raises ParseDict's own error.
        if type(value) is str and field.type == _FD.TYPE_STRING:
            return value
    elif kind in _INTS:
        if type(value) is int:
            return value
    elif kind == _FD.CPPTYPE_BOOL:
        if type(value) is bool:
            return value
    elif kind in (_FD.CPPTYPE_DOUBLE, _FD.CPPTYPE_FLOAT):
        if type(value) is int or (type(value) is float and value - value == 0.0):  # finite
            if kind == _FD.CPPTYPE_DOUBLE or -_FLOAT_MAX <= value <= _FLOAT_MAX:
                return float(value)
    raise _Unsupported
