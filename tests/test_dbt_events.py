"""The dbt worker's event builder (dagster_pipeline/dbt_events.py) makes the message that
protobuf's ParseDict makes, or raises what ParseDict raises, for any dictionary."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dagster_pipeline import dbt_events


def _event_classes():
    from dbt.events import core_types_pb2
    from dbt_common.events import types_pb2

    classes = []
    for module in (types_pb2, core_types_pb2):
        for name in sorted(module.DESCRIPTOR.message_types_by_name):
            classes.append(getattr(module, name))
    return classes


CLASSES = _event_classes()
_FD = dbt_events.descriptor.FieldDescriptor

_junk = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), st.text(max_size=5),
                  st.just("\ud800"), st.just("12"), st.just("1.5"), st.lists(st.integers(), max_size=2),
                  st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))
_timestamps = st.one_of(
    st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1)).map(
        lambda d: d.replace(tzinfo=timezone.utc).isoformat().replace("+00:00", "Z")),
    st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1)).map(
        lambda d: d.strftime("%Y-%m-%dT%H:%M:%S.%fZ")),
    st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1)).map(
        lambda d: (d.replace(tzinfo=timezone(timedelta(hours=8)))).isoformat()),
    _junk)
_json = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-(2**60), 2**60), st.floats(), st.text(max_size=5)),
                     lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)),
                     max_leaves=8)


def _scalar(field):
    kind = field.cpp_type
    if kind == _FD.CPPTYPE_STRING:
        good = st.text(max_size=8)
    elif kind in (_FD.CPPTYPE_INT32, _FD.CPPTYPE_UINT32):
        good = st.integers(-(2**33), 2**33)
    elif kind in (_FD.CPPTYPE_INT64, _FD.CPPTYPE_UINT64):
        good = st.integers(-(2**65), 2**65)
    elif kind == _FD.CPPTYPE_BOOL:
        good = st.booleans()
    elif kind in (_FD.CPPTYPE_FLOAT, _FD.CPPTYPE_DOUBLE):
        good = st.one_of(st.floats(), st.integers(-(2**70), 2**70), st.just(1e39), st.just(-1e39))
    else:
        good = _junk
    return st.one_of(good, good, good, _junk)


def _value(field, depth):
    message = field.message_type
    if message is not None and message.GetOptions().map_entry:
        return st.one_of(st.dictionaries(st.text(max_size=4), st.text(max_size=4), max_size=3),
                         st.dictionaries(st.text(max_size=4), _junk, max_size=2), _junk)
    if field.is_repeated:
        single = _single(field, depth)
        return st.one_of(st.lists(single, max_size=3), _junk)
    return _single(field, depth)


def _single(field, depth):
    message = field.message_type
    if message is None:
        return _scalar(field)
    if message.full_name == "google.protobuf.Timestamp":
        return _timestamps
    if message.full_name == "google.protobuf.Struct":
        return st.one_of(st.dictionaries(st.text(max_size=4), _json, max_size=3), _junk)
    if depth > 2:
        return st.one_of(st.just({}), _junk)
    return st.one_of(_message_dict(message, depth + 1), _junk)


def _message_dict(desc, depth=0):
    fields = list(desc.fields)
    if not fields:
        return st.one_of(st.just({}), st.dictionaries(st.sampled_from(["x", "unknown"]), _junk, max_size=1))
    names = st.sampled_from(fields)

    @st.composite
    def build(draw):
        chosen = draw(st.lists(names, max_size=min(6, len(fields)), unique_by=lambda f: f.name))
        out = {}
        for field in chosen:
            key = draw(st.sampled_from([field.name, field.json_name]))
            out[key] = draw(_value(field, depth))
        if draw(st.integers(0, 20)) == 0:
            out["not_a_field"] = draw(_junk)
        return out

    return build()


@st.composite
def events(draw):
    cls = draw(st.sampled_from(CLASSES))
    return cls, draw(_message_dict(cls.DESCRIPTOR))


def _outcome(parse, cls, js):
    try:
        message = parse(copy.deepcopy(js), cls())
    except Exception as exc:  # noqa: BLE001 - the outcome compared is the exception's type
        return ("raised", type(exc).__name__)
    return ("made", message.SerializeToString(deterministic=True), message)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(events())
def test_fast_parse_equals_parsedict(event):
    cls, js = event
    fast = _outcome(dbt_events.parse_dict, cls, js)
    slow = _outcome(dbt_events._ORIGINAL, cls, js)
    assert fast[:2] == slow[:2], js
    if fast[0] == "made":
        assert fast[2] == slow[2]


def _node_info(meta):
    return {"node_path": "marts/fct_lots.sql", "node_name": "fct_lots", "unique_id": "model.smartcounty.fct_lots",
            "resource_type": "model", "materialized": "table", "node_status": "success",
            "node_started_at": "2026-11-28T07:00:00.000001", "node_finished_at": "2026-11-28T07:00:01.5",
            "meta": meta, "node_relation": {"database": "wh", "schema": "marts", "alias": "fct_lots",
                                            "relation_name": '"wh"."marts"."fct_lots"'},
            "node_checksum": "0f" * 32}


@pytest.mark.parametrize("meta", [{}, {"owner": "数据组", "tags": ["a", 1, None, {"x": True}], "n": 1.5}])
def test_dbt_events_built_through_the_installed_builder_are_parsedicts(meta):
    """dbt's own event classes and envelope, as a model's run fires them, once installed."""
    from dbt.events import types as core_events
    from dbt_common.events import base_types
    from dbt_common.events.base_types import msg_from_base_event

    def fire():
        start = core_events.NodeStart(node_info=_node_info(meta))
        result = core_events.LogModelResult(description="sql table model marts.fct_lots", status="OK", index=3,
                                            total=61, execution_time=0.25, node_info=_node_info(meta))
        timing = core_events.TimingInfoCollected(
            node_info=_node_info(meta),
            timing_info={"name": "execute", "started_at": "2026-11-28T07:00:00.123456Z",
                         "completed_at": "2026-11-28T07:00:01.5Z"})
        return [msg_from_base_event(e) for e in (start, result, timing)]

    before = fire()
    assert dbt_events.install()
    try:
        assert base_types.ParseDict is dbt_events.parse_dict
        assert dbt_events.install()  # twice is harmless
        after = fire()
    finally:
        dbt_events.uninstall()
    assert base_types.ParseDict is dbt_events._ORIGINAL
    for old, new in zip(before, after):
        old.info.ClearField("ts")  # the time each was made
        new.info.ClearField("ts")
        assert old.data == new.data and old.info == new.info
    assert after[2].data.timing_info.completed_at.ToJsonString() == "2026-11-28T07:00:01.500Z"


@pytest.mark.parametrize("line_format", ["Json", "PlainText", "DebugText"])
@pytest.mark.parametrize("level", ["info", "debug", "error"])
def test_log_lines_are_the_same_and_only_the_dropped_ones_are_not_made(line_format, level, monkeypatch):
    """dbt's stdout logger writes the same lines whether or not it first asks its level."""
    import io
    import re

    from dbt.adapters.events import types as adapter_events
    from dbt.events import types as core_events
    from dbt_common.events import logger as dbt_logger
    from dbt_common.events.base_types import EventLevel, msg_from_base_event

    made = []
    for name in ("_JsonLogger", "_TextLogger"):
        cls = getattr(dbt_logger, name)
        original = cls.create_line

        def counted(self, msg, _original=original):
            made.append(msg.info.name)
            return _original(self, msg)

        monkeypatch.setattr(cls, "create_line", counted)

    def write(tag):
        stream = io.StringIO()
        config = dbt_logger.LoggerConfig(name=f"test-{tag}-{line_format}-{level}",
                                         line_format=getattr(dbt_logger.LineFormat, line_format),
                                         level=EventLevel(level), output_stream=stream)
        logger = (dbt_logger._JsonLogger if line_format == "Json" else dbt_logger._TextLogger)(config)
        events = [core_events.NodeStart(node_info=_node_info({})),                      # debug
                  core_events.LogStartLine(description="sql view model a", index=1, total=2,
                                           node_info=_node_info({})),                    # info
                  core_events.RunResultError(msg="boom", node_info=_node_info({})),     # error
                  adapter_events.SQLQuery(conn_name="c", sql="select 1", node_info=_node_info({}))]  # debug
        for event in events:
            logger.write_line(msg_from_base_event(event))
        made_here, made[:] = list(made), []
        text = re.sub(r"\d{2}:\d{2}:\d{2}(\.\d+)?", "T", stream.getvalue())  # the time of writing
        text = re.sub(r'"ts": "[^"]+"', '"ts": ""', text)
        text = re.sub(r'"(pid|thread|invocation_id)": "?[^",}]*"?', r'"\1": ""', text)
        return text, made_here

    plain, made_plain = write("plain")
    assert dbt_events.install()
    try:
        fast, made_fast = write("fast")
    finally:
        dbt_events.uninstall()
    assert fast == plain and fast.count("\n") == {"debug": 4, "info": 2, "error": 1}[level]
    assert len(made_plain) == 4 and len(made_fast) == fast.count("\n")  # dropped lines are not made


@pytest.mark.parametrize("stdout_level", ["info", "debug"])
def test_unheard_debug_events_are_not_built_and_heard_ones_are_delivered(stdout_level, monkeypatch):
    """An event manager as dbt sets it up in the worker (a stdout logger, dbt's tracking
    callback) writes the same lines; a debug event nothing receives is not built, and with a
    callback of anyone else's every event reaches it."""
    import io
    import re

    from dbt.adapters.events import types as adapter_events
    from dbt.events import types as core_events
    from dbt.tracking import track_behavior_change_warn
    from dbt_common.events import event_manager as manager_module
    from dbt_common.events import logger as dbt_logger
    from dbt_common.events.base_types import EventLevel

    built = []
    original = manager_module.msg_from_base_event
    monkeypatch.setattr(manager_module, "msg_from_base_event",
                        lambda e, level=None: built.append(type(e).__name__) or original(e, level=level))

    def fire(tag, extra_callback=None):
        stream = io.StringIO()
        manager = manager_module.EventManager()
        manager.add_logger(dbt_logger.LoggerConfig(name=f"fire-{tag}-{stdout_level}", line_format=dbt_logger.LineFormat.Json,
                                                   level=EventLevel(stdout_level), output_stream=stream))
        manager.add_callback(track_behavior_change_warn)
        heard = []
        if extra_callback:
            manager.add_callback(lambda msg: heard.append(msg.info.name))
        manager.fire_event(core_events.NodeStart(node_info=_node_info({})))
        manager.fire_event(adapter_events.SQLQuery(conn_name="c", sql="select 1", node_info=_node_info({})))
        manager.fire_event(core_events.LogStartLine(description="m", index=1, total=1, node_info=_node_info({})))
        manager.fire_event(core_events.LogStartLine(description="m", index=1, total=1), level=EventLevel.DEBUG)
        text = re.sub(r'"(ts|pid|thread|invocation_id)": "?[^",}]*"?', r'"\1": ""', stream.getvalue())
        made, built[:] = list(built), []
        return text, made, heard

    plain = fire("plain")
    plain_heard = fire("plain-cb", extra_callback=True)
    assert dbt_events.install()
    try:
        fast = fire("fast")
        fast_heard = fire("fast-cb", extra_callback=True)
    finally:
        dbt_events.uninstall()
    assert fast[0] == plain[0] and fast_heard[0] == plain_heard[0]
    assert len(plain[1]) == 4 and len(fast[1]) == {"info": 1, "debug": 4}[stdout_level]
    assert fast_heard[1] == plain_heard[1] and fast_heard[2] == plain_heard[2] and len(fast_heard[2]) == 4
