"""Where a build's validation outcomes live between the check steps and the report.

Each check step stores its outcome as JSON under ``<warehouse dir>/validation/<run id>/``
and re-renders the HTML report, so the report exists (and names the failures) even when a
blocking check stops the run before the publish step."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any


def validation_dir(warehouse: Path) -> Path:
    return warehouse.parent / "validation"


def report_path(warehouse: Path) -> Path:
    return warehouse.parent / "validation_report.html"


def outcome_to_dict(outcome: Any) -> dict:
    data = dataclasses.asdict(outcome) if dataclasses.is_dataclass(outcome) else dict(outcome)
    return json.loads(json.dumps(data, default=str, ensure_ascii=False))


def save_outcome(warehouse: Path, run_id: str, outcome: Any) -> Path:
    folder = validation_dir(warehouse) / run_id
    folder.mkdir(parents=True, exist_ok=True)
    data = outcome_to_dict(outcome)
    path = folder / f"{data['name']}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    return path


def load_outcomes(warehouse: Path, run_id: str) -> list[dict]:
    folder = validation_dir(warehouse) / run_id
    if not folder.is_dir():
        return []
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def prune_runs(warehouse: Path, keep: int = 5) -> None:
    """Keep the outcome folders of the last few runs only."""
    folder = validation_dir(warehouse)
    if not folder.is_dir():
        return
    runs = sorted((p for p in folder.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in runs[:-keep]:
        for f in old.glob("*"):
            f.unlink()
        old.rmdir()
