"""Automation, both off by default (turn them on in the Dagster UI or with
``dagster sensor start`` / ``dagster schedule start``): a sensor that starts a build when
files land in the raw drop, and a daily schedule."""

import hashlib
import os
from pathlib import Path

import dagster as dg

from smartcounty import settings

SOURCE_FOLDERS = ("procurement", "registry", "connectivity")

build_warehouse = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.all(),
    description="原始数据 → 数据仓库 → 校验 → 服务副本 Load the raw drop, run dbt and the checks, publish.",
)


def drop_fingerprint(raw_dir: Path) -> str:
    """A digest of the drop's file names, sizes and modification times (cheap: no file is read).

    Files still being copied change size or mtime between two sensor ticks, so the build
    starts after the drop has settled on the next tick with the same fingerprint."""
    digest = hashlib.sha256()
    for folder in SOURCE_FOLDERS:
        path = raw_dir / folder
        if not path.is_dir():
            continue
        for entry in sorted(os.scandir(path), key=lambda e: e.name):
            if entry.is_file() and not entry.name.startswith("."):
                stat = entry.stat()
                digest.update(f"{folder}/{entry.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def sensor_decision(previous_cursor: str | None, fingerprint: str) -> tuple[bool, str]:
    """(start a build?, new cursor). The cursor holds ``seen:<fp>`` until the same fingerprint
    is seen twice in a row (the drop settled), then ``built:<fp>``."""
    if previous_cursor == f"built:{fingerprint}":
        return False, previous_cursor
    if previous_cursor == f"seen:{fingerprint}":
        return True, f"built:{fingerprint}"
    return False, f"seen:{fingerprint}"


@dg.sensor(job=build_warehouse, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.STOPPED,
           description="新文件到达原始数据目录时启动构建 Start a build when files land in the raw drop.")
def raw_drop_sensor(context: dg.SensorEvaluationContext):
    fingerprint = drop_fingerprint(settings.raw_dir())
    start, cursor = sensor_decision(context.cursor, fingerprint)
    context.update_cursor(cursor)
    if start:
        return dg.RunRequest(run_key=fingerprint)
    return dg.SkipReason("raw drop unchanged or still being written")


daily_build = dg.ScheduleDefinition(
    name="daily_build",
    job=build_warehouse,
    cron_schedule="0 6 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="每日06:00（北京时间）构建 Daily build at 06:00 Beijing time.",
)
