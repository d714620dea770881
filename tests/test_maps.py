"""The county map: the shipped boundaries and the pure chart function (rendered offline with vl-convert)."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image, ImageStat

from smartcounty.render import maps

SEEDS = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds"


def test_boundaries_cover_exactly_the_111_counties_and_ship_their_licence() -> None:
    geojson = maps.load_geojson()
    codes = [feature["properties"]["county_code"] for feature in geojson["features"]]
    with (SEEDS / "guangxi_counties.csv").open(encoding="utf-8") as handle:
        counties = {row["county_code"] for row in csv.DictReader(handle)}
    assert len(codes) == len(set(codes)) == 111
    assert set(codes) == counties
    notice = maps.GEOJSON_PATH.with_name(maps.GEOJSON_PATH.name + ".md").read_text(encoding="utf-8")
    assert "MIT" in notice and "Copyright (c) 2017 jaska" in notice


def test_load_geojson_rejects_a_file_that_is_not_a_feature_collection(tmp_path: Path) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "Feature"}', encoding="utf-8")
    with pytest.raises(ValueError, match="FeatureCollection"):
        maps.load_geojson(bad)


def _three_counties() -> dict:
    geojson = maps.load_geojson()
    return {"type": "FeatureCollection", "features": geojson["features"][:3]}


def test_choropleth_spec_joins_rows_by_county_code_and_keeps_every_boundary() -> None:
    geometry = _three_counties()
    codes = [f["properties"]["county_code"] for f in geometry["features"]]
    frame = pd.DataFrame({"county_code": codes[:2], "county_name": ["甲县", "乙县"],
                          "score": [12.5, float("nan")], "rank": pd.array([1, None], dtype="Int64"),
                          "award_yuan": [Decimal("1500000.50"), None]})
    spec = maps.choropleth(frame, geometry, color="score", color_title="综合得分", domain=(0, 100),
                           tooltip=[("county_name", "县域", None), ("score", "得分", ".1f")], highlight=codes[1])
    assert spec["data"]["values"] == geometry["features"]
    json.dumps(spec)  # what Streamlit and vl-convert receive
    lookup = spec["transform"][0]
    assert lookup["lookup"] == "properties.county_code"
    assert lookup["from"]["data"]["values"] == [
        {"county_code": codes[0], "county_name": "甲县", "score": 12.5, "rank": 1, "award_yuan": 1500000.5},
        {"county_code": codes[1], "county_name": "乙县", "score": None, "rank": None, "award_yuan": None},
    ]
    assert spec["encoding"]["color"]["scale"]["domain"] == [0, 100]
    assert [t["title"] for t in spec["encoding"]["tooltip"]] == ["县域", "得分"]
    assert codes[1] in spec["encoding"]["stroke"]["condition"]["test"]
    # The app hands the browser a URL instead of the coordinates.
    assert maps.choropleth(frame, maps.GEOJSON_URL, color="score", color_title="x")["data"]["url"] == maps.GEOJSON_URL
    with pytest.raises(ValueError, match="county_code"):
        maps.choropleth(frame.drop(columns=["county_code"]), geometry, color="score", color_title="x")


def test_offline_render_draws_every_county_and_greys_the_ones_without_a_value() -> None:
    vl_convert = pytest.importorskip("vl_convert")
    geometry = _three_counties()
    codes = [f["properties"]["county_code"] for f in geometry["features"]]
    # One county has a value, one a NULL value, one no row at all.
    frame = pd.DataFrame({"county_code": codes[:2], "score": [40.0, None]})
    spec = maps.choropleth(frame, geometry, color="score", color_title="综合得分", domain=(0, 100), width=300,
                           height=200)
    svg = vl_convert.vegalite_to_svg(spec)
    shapes = re.findall(r'<path[^>]*aria-roledescription="geoshape"[^>]*>', svg)
    assert len(shapes) == 3
    assert sum(maps.NO_VALUE_GREY in shape for shape in shapes) == 2
    assert "综合得分" in svg  # the legend title
    png = maps.render_png(spec, scale=1)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and ImageStat.Stat(image.convert("L")).stddev[0] > 10
