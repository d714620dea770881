"""Procurement notices: a truth of clean lots first, amounts solved to the targets, then notices.

Truth tables (never written to the drop):
- ``projects``: one row per procurement project (buyer, division spelling, title, story, key date);
- ``lots``: one row per lot with the answer the contract's rules must give — ``attribution``,
  ``county_code``, ``awarded``, ``inv_year``, ``amount`` (exact yuan, NULL when unparseable),
  ``is_info``, ``is_smart``, ``scenarios``, ``primary``, ``category``, ``method`` (采购方式 without stray
  text), ``budget`` (exact yuan) and the winner's columns of ``suppliers.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import rates as R
from . import suppliers
from .lots import Rules, assign_methods, assign_stories, build_events, build_lots, solve_amounts
from .notices import render
from .projects import build_projects
from .reference import Reference


def generate(ref: Reference, rng: np.random.Generator, scale: float, enterprises: pd.DataFrame,
             slice_no: int = 0, modes: dict | None = None):
    """Notices of one slice; slices after the first reuse its development modes (`modes`) and add no
    evidence projects of their own."""
    rules = Rules(ref)
    projects, mode = build_projects(ref, rng, scale, modes)
    lots = build_lots(ref, rng, projects, rules)
    assign_stories(rng, projects, scale)
    lots["story"] = projects["story"].to_numpy()[lots["pid"].to_numpy()]
    lots["inv_year"] = pd.to_datetime(projects["K"]).dt.year.to_numpy()[lots["pid"].to_numpy()]
    lots["awarded"] = ~lots["story"].isin(list(R.NOT_AWARDED_SHARE))
    assign_methods(rng, projects)
    lots["method"] = projects["method"].to_numpy()[lots["pid"].to_numpy()]
    targets = solve_amounts(rng, lots, projects, scale)
    events = build_events(rng, projects)
    suppliers.assign(rng, ref, projects, lots, events, enterprises, slice_no * R.SLICE_ID_STRIDE)
    files = render(rng, projects, lots, events, slice_no)
    return files, projects, lots, mode, targets
