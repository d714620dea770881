"""Every page of the Streamlit app, headless (AppTest), on the serving copy that
``smartcounty build`` published from a small synthetic drop (session fixture ``small_build``).

Expected numbers are read from the serving DB here and formatted the way the report states
them (percent with 1–2 decimals, 亿元 with 2, counts as integers), then looked up in the
page's elements.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd
import pytest

if TYPE_CHECKING:  # imported where a page is opened: collection does not pay Streamlit's import
    from streamlit.testing.v1 import AppTest

APP_DIR = Path(__file__).resolve().parent.parent / "streamlit_app"
APP = APP_DIR / "app.py"
TIMEOUT = 60


# ---------------------------------------------------------------- helpers
@pytest.fixture(scope="module")
def serving(small_build, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the pipeline-built serving copy (tests may not alter the shared one)."""
    target = tmp_path_factory.mktemp("serving") / "serving.duckdb"
    shutil.copyfile(small_build.serving, target)
    # The report the build recorded may be gone (a build reused from pytest's cache was made in
    # an earlier session's folder): the page then reads the copy next to the serving file.
    shutil.copyfile(small_build.warehouse.parent / "validation_report.html", target.parent / "validation_report.html")
    return target


@pytest.fixture
def env(serving: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SMARTCOUNTY_SERVING", str(serving))
    return serving


def sql(path: Path, query: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(query, params or []).df()


def open_page(page: str | None = None) -> AppTest:
    from streamlit.testing.v1 import AppTest  # noqa: PLC0415

    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    if page:
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(at: AppTest) -> str:
    """Every text-bearing element of the page, one per line."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [str(e.label) for e in at.expander]
    return "\n".join(parts)


def table_values(at: AppTest) -> str:
    return "\n".join(d.value.to_string() for d in at.dataframe)


def pct(value: float, digits: int) -> str:
    return f"{value * 100:.{digits}f}%"


def db_fingerprint(path: Path) -> tuple[str, list[tuple]]:
    tables = duckdb.connect(str(path), read_only=True)
    try:
        listing = tables.execute(
            "select table_schema, table_name from information_schema.tables order by 1, 2").fetchall()
    finally:
        tables.close()
    return hashlib.sha256(path.read_bytes()).hexdigest(), listing


# ---------------------------------------------------------------- layout guards
def test_no_pages_folder_next_to_the_entry_script() -> None:
    # Streamlit would run a deep-linked page without the app shell (see app.py).
    assert not (APP_DIR / "pages").exists()


def test_no_personal_data_words_in_the_app() -> None:
    forbidden = ["联系" + "人", "联系" + "电话", "法定" + "代表人", "contact_" + "phone", "contact_" + "person",
                 "legal_" + "rep"]
    for file in APP_DIR.rglob("*"):
        if file.is_file() and file.suffix in {".py", ".md", ".toml", ".txt", ".html"}:
            content = file.read_text(encoding="utf-8")
            for word in forbidden:
                assert word not in content, f"{word} in {file}"


# ---------------------------------------------------------------- pages
def test_overview_shows_headline_figures_and_reconciliation(env: Path) -> None:
    at = open_page()
    fig1 = sql(env, "select * from report.fig1_investment_share order by year desc limit 1").iloc[0]
    coverage = sql(env, "select * from report.county_coverage").iloc[0]
    enterprises = sql(env, "select * from report.enterprise_counts").iloc[0]
    penetration = sql(env, "select * from report.internet_penetration order by year desc limit 1").iloc[0]
    year = int(fig1["year"])
    scenarios = sql(env, "select count(distinct scenario_code) n from report.scenarios where year = ?", [year]).n[0]
    values = set(metrics(at).values())
    assert f"{float(fig1['smart_city_investment_yuan']) / 1e8:.2f}" in values
    assert pct(fig1["smart_city_share"], 2) in values
    assert f"{int(coverage['counties_with_smart_city'])} / {int(coverage['counties_total'])}" in values
    assert pct(coverage["coverage_rate"], 1) in values
    assert str(scenarios) in values
    assert f"{int(enterprises['digital_economy_enterprises']):,}" in values
    assert f"{int(enterprises['smart_city_enterprises']):,}" in values
    assert pct(penetration["overall_rate"], 1) in values
    assert f"{year}年" in " ".join(metrics(at))

    recon = sql(env, "select * from report.figure_reconciliation order by figure_id")
    shown = next(d.value for d in at.dataframe if len(d.value) == len(recon))
    assert list(shown["编号"]) == list(recon["figure_id"])
    assert list(shown["计算值"]) == list(recon["computed_value"])
    assert sum("✓" in s for s in shown["状态"]) == int(recon["matches"].sum())
    assert f"**{int(recon['matches'].sum())} / {len(recon)}**" in texts(at)

    info = sql(env, "select * from meta.build_info").iloc[0]
    assert pd.Timestamp(info["built_at"]).strftime("%Y-%m-%d %H:%M:%S") in values
    assert ("通过" if info["validation_passed"] else "未通过") in values


def test_overview_offers_the_bulletin_downloads(env: Path) -> None:
    at = open_page()
    year = int(sql(env, "select max(year) y from report.fig1_investment_share").y[0])
    labels = [b.proto.label for b in at.get("download_button")]
    assert f"下载 bulletin_{year}.docx" in labels and f"下载 bulletin_{year}.pdf" in labels


def test_investment_page(env: Path) -> None:
    at = open_page("investment")
    fig1 = sql(env, "select * from report.fig1_investment_share order by year")
    values = metrics(at)
    for row in fig1.itertuples():
        assert values[f"{row.year}年智慧城市投资占比"] == pct(row.smart_city_share, 2)
    table = next(d.value for d in at.dataframe if "信息化投资（万元）" in d.value.columns)
    assert list(table["信息化投资（万元）"]) == pytest.approx(list(fig1["informatization_investment_yuan"] / 1e4))
    national = sql(env, "select * from report.national_share").iloc[0]
    assert values[f"{int(national['year'])}年占全国比例"] == pct(national["share"], 2)
    page = texts(at)
    for figure in sql(env, "select figure_id, claim_zh from report.figure_reconciliation "
                           "where report_model in ('fig1_investment_share', 'national_share', 'county_coverage')")\
            .itertuples():
        assert f"**{figure.figure_id}** {figure.claim_zh}" in page
    assert "数据来源模型：fig1_investment_share（编译后的 SQL）" in page
    compiled = sql(env, "select compiled_sql from meta.dbt_models where name = 'fig1_investment_share'").iat[0, 0]
    assert compiled in [c.value for c in at.code]


def test_scenarios_page_word_cloud_ranking_and_year_switch(env: Path) -> None:
    at = open_page("scenarios")
    assert len(at.image) == 1
    years = sql(env, "select distinct year from report.scenarios order by year")["year"].tolist()
    for year in (years[-1], years[0]):
        if year != years[-1]:
            at.selectbox(key="scenario_year").set_value(year).run()
            assert not at.exception
        ranking = sql(env, "select * from report.scenarios where year = ? order by rank, scenario_code", [year])
        assert metrics(at)[f"{year}年应用场景种数"] == str(ranking["scenario_code"].nunique())
        table = next(d.value for d in at.dataframe if "场景代码" in d.value.columns)
        assert list(table["场景代码"]) == list(ranking["scenario_code"])
        categories = sql(env, "select * from report.scenario_categories where year = ? order by rank, category",
                         [year])
        category_metrics = [v for k, v in metrics(at).items() if k.startswith("#")]
        assert category_metrics == [f"{int(n):,}" for n in categories["lot_count"]]
        topics = sql(env, "select count(*) n from report.hot_topics where year = ?", [year]).n[0]
        assert at.image[0].proto.imgs[0].caption == f"{year}年智慧城市项目名称分词（共{topics}个词）"


def test_modes_page_counts_table_and_map_note(env: Path) -> None:
    at = open_page("modes")
    summary = sql(env, "select * from report.development_mode_summary order by rank, mode")
    labels = {"unified_deployment": "统一部署", "resource_endowment": "资源禀赋切入", "integrated_platform": "一体化平台统筹"}
    values = metrics(at)
    for row in summary.itertuples():
        assert values[f"#{row.rank} {labels[row.mode]}"] == str(row.county_count)
    modes = sql(env, "select * from report.development_modes")
    table = next(d.value for d in at.dataframe if "判定项目" in d.value.columns)
    assert set(table["判定项目"]) == set(modes["evidence_lot"])
    missing = sql(env, "select county_name from marts.dim_county where longitude is null or latitude is null")
    note = "\n".join(i.value for i in at.info)
    assert f"{len(missing)} 个县域缺少经纬度" in note
    for name in missing["county_name"]:
        assert name in note


def test_enterprises_page(env: Path) -> None:
    at = open_page("enterprises")
    counts = sql(env, "select * from report.enterprise_counts").iloc[0]
    values = metrics(at)
    assert values["在册企业（县域）"] == f"{int(counts['enterprises_on_register']):,}"
    assert values["数字经济企业"] == f"{int(counts['digital_economy_enterprises']):,}"
    assert values["智慧城市相关企业"] == f"{int(counts['smart_city_enterprises']):,}"
    smart = sql(env, "select enterprise_name from marts.fct_enterprises where is_smart_city_enterprise")
    listing = next(d.value for d in at.dataframe if "企业名称" in d.value.columns)
    assert sorted(listing["企业名称"]) == sorted(smart["enterprise_name"])
    categories = sql(env, "select de_category_zh, count(*) n from marts.fct_enterprises where is_digital_economy "
                          "group by all")
    by_category = next(d.value for d in at.dataframe if "数字经济大类" in d.value.columns and "大类代码" in d.value.columns)
    assert dict(zip(by_category["数字经济大类"], by_category["数字经济企业"])) == dict(
        zip(categories["de_category_zh"], categories["n"]))


def test_connectivity_page(env: Path) -> None:
    at = open_page("connectivity")
    year = int(sql(env, "select max(year) y from report.network_infrastructure_ranking").y[0])
    ranking = sql(env, "select * from report.network_infrastructure_ranking where year = ? order by rank, county_code",
                  [year])
    table = next(d.value for d in at.dataframe if "综合得分" in d.value.columns and "排名" in d.value.columns)
    assert list(table["区划代码"]) == list(ranking["county_code"])
    top = ranking[ranking["rank"] <= 20]
    assert f"前20名共 {len(top)} 个县域，其中城区或县级市 **{int(top['is_urban_unit'].sum())}** 个。" in texts(at)
    penetration = sql(env, "select * from report.internet_penetration order by year desc limit 1").iloc[0]
    values = metrics(at)
    assert values[f"{int(penetration['year'])}年互联网普及率"] == pct(penetration["overall_rate"], 1)
    assert values[f"{int(penetration['year'])}年农村互联网普及率"] == pct(penetration["rural_rate"], 1)
    assert values[f"{int(penetration['year'])}年城镇互联网普及率"] == pct(penetration["urban_rate"], 1)


def test_county_profile_lots_table_and_notice_lineage(env: Path) -> None:
    # A county with a development mode, i.e. with awarded smart-city lots (taken from the data).
    code = sql(env, "select county_code from report.development_modes order by county_code limit 1").iat[0, 0]
    at = open_page("county")
    at.selectbox(key="county_code").set_value(code).run()
    assert not at.exception
    lots = sql(env, "select * from marts.fct_procurement_lots where county_code = ? and is_smart_city", [code])
    table = next(d.value for d in at.dataframe if "项目名称" in d.value.columns)
    assert sorted(table["项目名称"]) == sorted(lots["project_name"])
    # One table and one lot's notices at a time: no expander per lot any more.
    assert not any(label.startswith(title) for label in (e.label for e in at.expander) for title in lots["project_name"])
    picker = at.selectbox(key="county_lot")
    assert sorted(picker.options) == sorted(f"{r.project_name}（{r.lot_id}）" for r in lots.itertuples())
    for lot_id in list(lots["lot_id"])[:3]:
        at.selectbox(key="county_lot").set_value(lot_id).run()
        assert not at.exception
        notices = sql(env, "select source_file, source_line from marts.fct_procurement_notices where lot_id = ?",
                      [lot_id])
        shown = next(d.value for d in at.dataframe if "公告类型" in d.value.columns)
        assert set(zip(shown["来源文件"], shown["行号"])) == set(zip(notices["source_file"], notices["source_line"]))
    mode = sql(env, "select mode from report.development_modes where county_code = ?", [code]).iat[0, 0]
    assert metrics(at)["发展模式"] == {"integrated_platform": "一体化平台统筹", "resource_endowment": "资源禀赋切入",
                                       "unified_deployment": "统一部署"}[mode]


def test_county_search_is_literal_and_bound(env: Path) -> None:
    # A county with smart-city lots and a word of one of its titles, taken from the data.
    lot = sql(env, """select county_code, project_name from marts.fct_procurement_lots
                      where is_smart_city and county_code is not null order by lot_id limit 1""").iloc[0]
    word = lot["project_name"][-4:-2] if len(lot["project_name"]) > 4 else lot["project_name"]
    at = open_page("county")
    at.selectbox(key="county_code").set_value(lot["county_code"]).run()
    at.text_input(key="lot_search").input(word).run()
    table = next(d.value for d in at.dataframe if "项目名称" in d.value.columns)
    expected = sql(env, """select project_name from marts.fct_procurement_lots
                           where county_code = ? and is_smart_city and contains(project_name, ?)""",
                   [lot["county_code"], word])
    assert sorted(table["项目名称"]) == sorted(expected["project_name"])
    assert lot["project_name"] in set(table["项目名称"])
    # LIKE wildcards are escaped: "_" and "%" match only themselves (no title has them).
    for literal in ("_", "%"):
        at.text_input(key="lot_search").input(literal).run()
        assert "没有符合条件的标项。" in texts(at)


def test_county_search_injection_leaves_db_unchanged(env: Path) -> None:
    before = db_fingerprint(env)
    at = open_page("county")
    at.toggle(key="lot_search_all").set_value(True).run()
    at.text_input(key="lot_search").input("兴安'; drop table report.fig1_investment_share; --").run()
    assert not at.exception
    assert "没有符合条件的标项。" in texts(at)
    assert db_fingerprint(env) == before


def test_quality_page(env: Path) -> None:
    at = open_page("quality")
    quality = sql(env, "select * from report.data_quality")
    table = next(d.value for d in at.dataframe if len(d.value) == len(quality) and "行数" in d.value.columns)
    assert table["行数"].sum() == quality["row_count"].sum()
    quarantine = sql(env, "select * from marts.fct_quarantined_rows")
    reasons = at.selectbox(key="quarantine_reason.zh")
    for reason in quarantine["reason"].unique():
        reasons.set_value(reason).run()
        expected = quarantine[quarantine["reason"] == reason]
        rows = next(d.value for d in at.dataframe if "来源文件" in d.value.columns)
        assert set(zip(rows["来源文件"], rows["行号"])) == set(zip(expected["source_file"], expected["source_line"]))
    results = sql(env, "select * from meta.validation_results")
    checks = next(d.value for d in at.dataframe if "检查" in d.value.columns)
    assert sorted(checks["检查"]) == sorted(results["check_name"])
    assert sum("✗" in s for s in checks["状态"]) == int((~results["passed"]).sum())
    assert any("数据校验报告" in h.value for h in at.html)


# ---------------------------------------------------------------- scorecard and integrity pages
def vega_specs(at: AppTest) -> list[dict]:
    return [json.loads(e.proto.spec) for e in at.get("vega_lite_chart")]


def map_rows(at: AppTest) -> pd.DataFrame:
    """The county rows joined onto the boundaries of the page's choropleth."""
    spec = next(s for s in vega_specs(at) if s.get("mark", {}).get("type") == "geoshape")
    assert spec["data"]["url"] == "app/static/guangxi_counties.geojson"
    return pd.DataFrame(spec["transform"][0]["from"]["data"]["values"])


def test_scorecard_page_map_ranking_weakest_pillars_and_comparison(env: Path) -> None:
    at = open_page("scorecard")
    year = int(sql(env, "select max(year) y from report.county_scorecard").y[0])
    card = sql(env, "select * from report.county_scorecard where year = ? order by rank nulls last, county_code",
               [year])
    # The map, coloured by the overall score: every county, with its score and rank.
    rows = map_rows(at).set_index("county_code")
    assert len(rows) == len(card) == 111
    expected = card.set_index("county_code")
    assert rows.loc[expected.index, "score"].tolist() == pytest.approx(expected["overall_score"].astype(float).tolist(),
                                                                         nan_ok=True)
    assert rows.loc[expected.index, "rank"].fillna(-1).tolist() == expected["rank"].fillna(-1).astype(float).tolist()
    # … or by one indicator, its value and score from county_scorecard_indicators.
    indicator = sql(env, "select indicator from report.county_scorecard_indicators where year = ? "
                         "order by indicator limit 1", [year]).iat[0, 0]
    at.selectbox(key="scorecard_measure.zh").set_value(indicator).run()
    assert not at.exception
    values = sql(env, "select county_code, value, score from report.county_scorecard_indicators "
                      "where year = ? and indicator = ?", [year, indicator]).set_index("county_code")
    rows = map_rows(at).set_index("county_code").loc[values.index]
    assert rows["value"].tolist() == pytest.approx(values["value"].astype(float).tolist(), nan_ok=True)
    assert rows["score"].tolist() == pytest.approx(values["score"].astype(float).tolist(), nan_ok=True)
    # The ranked table, in rank order.
    ranked = next(d.value for d in at.dataframe if "最需加强的建议" in d.value.columns)
    assert list(ranked["区划代码"]) == list(card["county_code"])
    # How many counties need each recommendation most, with the report's titles.
    counts = card["weakest_pillar"].value_counts()
    names = {1: "融合发展", 2: "互联互通", 3: "纵深化", 4: "融合创新", 5: "协作共建"}
    for pillar, name in names.items():
        assert metrics(at)[f"{pillar} {name}"] == str(int(counts.get(pillar, 0)))
    weakest = next(d.value for d in at.dataframe if "建议" in d.value.columns and "县域数" in d.value.columns)
    assert "（三）从“点状化”向“纵深化”转变推动智慧城市产业链发展" in set(weakest["建议"])
    assert weakest["县域数"].sum() == card["weakest_pillar"].notna().sum()
    # Comparison: two to four counties side by side.
    pair = list(card["county_code"].iloc[[0, -1]])
    at.multiselect(key="scorecard_compare").set_value(pair).run()
    compared = [d.value for d in at.dataframe if "最需加强的建议" in d.value.columns][-1]
    assert sorted(compared["区划代码"]) == sorted(pair)
    at.multiselect(key="scorecard_compare").set_value(pair[:1]).run()
    assert "请选择 2 至 4 个县域进行对比。" in texts(at)


def test_integrity_page_flags_locality_suppliers_and_drilldown(env: Path) -> None:
    at = open_page("integrity")
    assert any("不是对违法违规的认定" in w.value for w in at.warning)
    year = int(sql(env, "select max(year) y from report.county_integrity").y[0])
    integrity = sql(env, "select * from report.county_integrity where year = ? "
                         "order by flagged_lot_count desc, flagged_share desc nulls last, county_code", [year])
    table = next(d.value for d in at.dataframe if "有旗标的标项" in d.value.columns)
    assert list(table["区划代码"]) == list(integrity["county_code"])
    assert list(table["单一来源"]) == list(integrity["single_source_count"])
    # Drill-down: the county with the most flagged lots → its flagged lots → the notice lines behind them.
    code = integrity["county_code"].iloc[0]
    assert at.selectbox(key="integrity_county").value == code
    flags = sql(env, "select lot_id, flag from report.integrity_flags where county_code = ? and investment_year = ?",
                [code, year])
    lots = next(d.value for d in at.dataframe if "触发数值" in d.value.columns)
    assert set(lots["标项ID"]) == set(flags["lot_id"])
    for lot_id in list(lots["标项ID"])[:2]:
        at.selectbox(key="integrity_lot").set_value(lot_id).run()
        assert not at.exception
        notices = sql(env, "select source_file, source_line from marts.fct_procurement_notices where lot_id = ?",
                      [lot_id])
        shown = next(d.value for d in at.dataframe if "公告类型" in d.value.columns)
        assert set(zip(shown["来源文件"], shown["行号"])) == set(zip(notices["source_file"], notices["source_line"]))
    # Supplier locality of the year's smart-city money: all five classes.
    locality = sql(env, "select * from report.supplier_locality where year = ?", [year])
    labels = {"same_county": "本县域", "same_prefecture": "本设区市其他县域", "other_guangxi": "区内其他设区市",
              "outside_guangxi": "区外", "unknown": "无法判断"}
    for row in locality.itertuples():
        assert metrics(at)[labels[row.locality]] == ("—" if pd.isna(row.award_share) else pct(row.award_share, 1))
    # Top suppliers by award (a supplier is its USCC, else its name).
    awarded = sql(env, """select sum(award_yuan) as award_yuan
                          from marts.fct_procurement_lots
                          where status = 'awarded' and is_informatization and county_code is not null
                            and investment_year = ? and coalesce(supplier_uscc, supplier_name) is not null
                          group by supplier_uscc, case when supplier_uscc is null then supplier_name end""", [year])
    top = next(d.value for d in at.dataframe if "统一社会信用代码" in d.value.columns)
    expected = sorted(awarded["award_yuan"].dropna().astype(float) / 1e4, reverse=True)[:len(top)]
    assert top["成交金额（万元）"].dropna().tolist() == pytest.approx(expected)
    # The first year renders too.
    first = int(sql(env, "select min(year) y from report.county_integrity").y[0])
    at.selectbox(key="integrity_year").set_value(first).run()
    assert not at.exception
    assert list(next(d.value for d in at.dataframe if "有旗标的标项" in d.value.columns)["区划代码"]) == list(
        sql(env, "select county_code from report.county_integrity where year = ? "
                 "order by flagged_lot_count desc, flagged_share desc nulls last, county_code", [first])["county_code"])


# ---------------------------------------------------------------- language, publish, failures
def test_english_switch_translates_labels_across_pages(env: Path) -> None:
    at = open_page()
    at.toggle(key="lang_en").set_value(True).run()
    assert at.title[0].value == "Guangxi county smart-city dashboard"
    year = int(sql(env, "select max(year) y from report.fig1_investment_share").y[0])
    assert f"{year} smart-city share of informatization" in metrics(at)
    at.switch_page("views/investment.py").run()
    assert at.title[0].value == "Investment"
    assert at.subheader[0].value.startswith("Fig. 1 · County informatization")
    assert not any("年" in label for label in metrics(at))
    at.toggle(key="lang_en").set_value(False).run()
    assert at.title[0].value == "投资"
    # A translated selectbox survives switching back and forth.
    at.switch_page("views/quality.py").run()
    at.selectbox(key="quarantine_reason.zh").set_value("invalid_uscc").run()
    at.toggle(key="lang_en").set_value(True).run()
    at.selectbox(key="quarantine_reason.en").set_value("unknown_status").run()
    assert not at.exception
    assert at.selectbox(key="quarantine_reason.en").value == "unknown_status"
    rows = next(d.value for d in at.dataframe if "Source file" in d.value.columns)
    assert set(rows["Reason code"]) == {"unknown_status"}


def test_new_publish_shows_up_without_clearing_caches(small_build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serving = shutil.copy(small_build.serving, tmp_path / "serving.duckdb")
    monkeypatch.setenv("SMARTCOUNTY_SERVING", str(serving))
    with_sc, total = sql(serving, "select counties_with_smart_city, counties_total from report.county_coverage").iloc[0]
    at = open_page()
    assert f"{with_sc} / {total}" in metrics(at).values()
    fresh = shutil.copy(small_build.serving, tmp_path / "next.duckdb")
    changed = 42 if with_sc != 42 else 41
    with duckdb.connect(str(fresh)) as con:
        con.execute("update report.county_coverage set counties_with_smart_city = ?", [changed])
    os.replace(fresh, serving)  # what the publish step does
    at.run()
    assert f"{changed} / {total}" in metrics(at).values()


def test_missing_serving_copy_shows_friendly_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTCOUNTY_SERVING", str(tmp_path / "absent.duckdb"))
    at = open_page()
    assert any("smartcounty build" in i.value for i in at.info)
    at.switch_page("views/county.py").run()
    assert not at.exception
    assert any("smartcounty build" in i.value for i in at.info)


# Relations a publish from before the county scorecard and the integrity flags did not have.
NEWER_RELATIONS = ("report.county_scorecard", "report.county_scorecard_indicators", "report.county_integrity",
                   "report.integrity_flags", "report.supplier_locality", "marts.dim_supplier")


def test_copy_published_before_the_scorecard_asks_for_a_rebuild(small_build, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    serving = shutil.copy(small_build.serving, tmp_path / "serving.duckdb")
    with duckdb.connect(str(serving)) as con:  # an old publish: the newer relations are absent
        for relation in NEWER_RELATIONS:
            con.execute(f"drop table {relation}")
    monkeypatch.setenv("SMARTCOUNTY_SERVING", str(serving))
    for page, relation in (("scorecard", "report.county_scorecard"), ("integrity", "report.county_integrity")):
        at = open_page(page)
        assert any(relation in i.value and "smartcounty build" in i.value for i in at.info), page
    at = open_page("county")
    assert not any("图7-附4" in h.value or "图7-附5" in h.value for h in at.subheader)


def test_locked_serving_copy_shows_busy_message(small_build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serving = shutil.copy(small_build.serving, tmp_path / "serving.duckdb")
    monkeypatch.setenv("SMARTCOUNTY_SERVING", str(serving))
    # Another process holds the file read-write, as an in-place writer would.
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); time.sleep(60)",
         str(serving)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        at = open_page("modes")
        assert any("数据正在更新" in w.value for w in at.warning)
        assert time.monotonic() - started < 15
    finally:
        holder.kill()
        holder.wait()


# ---------------------------------------------------------------- pure helpers
def test_like_pattern_escapes_wildcards() -> None:
    from streamlit_app.db import like_pattern

    assert like_pattern("100%_a\\b") == "%100\\%\\_a\\\\b%"
    with duckdb.connect() as con:
        hits = con.execute(
            "select t from (values ('100%覆盖'), ('1000覆盖'), ('a_b'), ('axb')) v(t) where t like ? escape '\\'",
            [like_pattern("100%")],
        ).fetchall()
        assert hits == [("100%覆盖",)]


def test_downloads_round_trip() -> None:
    import io

    from streamlit_app.ui import to_csv_bytes, to_xlsx_bytes

    frame = pd.DataFrame({"county_name": ["兴安县", "阳朔县"], "award_yuan": [1.5e6, None]})
    assert pd.read_csv(io.BytesIO(to_csv_bytes(frame)), encoding="utf-8-sig")["county_name"].tolist() == ["兴安县", "阳朔县"]
    back = pd.read_excel(io.BytesIO(to_xlsx_bytes(frame)), engine="openpyxl")
    assert back["county_name"].tolist() == ["兴安县", "阳朔县"] and back["award_yuan"][0] == 1.5e6
