"""Labels: Chinese by default, English when the sidebar switch is on. Long because it is the
table of every word the app shows, in both languages (one place to translate).

Data values (county names, lot titles, published claims) stay as they are; only the app's
own words, column headers and code lists are translated here.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar

import streamlit as st
from pandas import NA as pd_NA

LANG_KEY = "lang_en"

_TEXT: dict[str, tuple[str, str]] = {
    # shell
    "app_title": ("广西县域智慧城市建设数据看板", "Guangxi county smart-city dashboard"),
    "sidebar_note": ("数据来自已发布的服务库（serving copy），每个数字均由原始记录计算。",
                     "Data from the published serving copy; every number is computed from raw records."),
    "serving_missing": ("尚未找到已发布的数据（{path}）。请先运行 `smartcounty build` 构建数据仓库并发布服务库，然后刷新本页面。",
                        "No published data found ({path}). Run `smartcounty build` to build the warehouse and "
                        "publish the serving copy, then reload this page."),
    "serving_busy": ("数据正在更新，请稍后刷新页面。", "The data is being updated; please reload in a moment."),
    "page_overview": ("总览", "Overview"),
    "page_investment": ("投资", "Investment"),
    "page_scenarios": ("场景", "Scenarios"),
    "page_modes": ("发展模式", "Development modes"),
    "page_enterprises": ("产业", "Enterprises"),
    "page_connectivity": ("网络", "Connectivity"),
    "page_county": ("县域画像", "County profile"),
    "page_quality": ("数据质量", "Data quality"),
    "page_integrity": ("采购透明度", "Procurement integrity"),
    "page_scorecard": ("建议监测", "Recommendations monitor"),
    # figure frame
    "badge_match": ("✓ 与报告一致", "✓ matches report"),
    "badge_mismatch": ("✗ 与报告不一致", "✗ differs from report"),
    "published": ("报告值", "published"),
    "computed": ("计算值", "computed"),
    "no_published_value": ("报告中无对应的发布数值。", "No published value to compare with."),
    "download_csv": ("下载 CSV", "Download CSV"),
    "download_xlsx": ("下载 XLSX", "Download XLSX"),
    "source_model": ("数据来源模型：{model}（编译后的 SQL）", "Source model: {model} (compiled SQL)"),
    "model_not_found": ("构建信息中没有该模型。", "This model is not in the build metadata."),
    "depends_on": ("上游", "Depends on"),
    "no_data": ("暂无数据。", "No data."),
    "year": ("年份", "Year"),
    "unit_yi": ("亿元", "100 M yuan"),
    # overview
    "overview_intro": ("广西111个县域智慧城市建设情况：投资、场景、发展模式、产业与网络基础设施。",
                       "Smart-city development in Guangxi's 111 counties: investment, scenarios, development "
                       "modes, enterprises and network infrastructure."),
    "m_smart_investment": ("{year}年县域智慧城市投资（亿元）", "{year} county smart-city investment (100 M yuan)"),
    "m_smart_share": ("{year}年智慧城市投资占比", "{year} smart-city share of informatization"),
    "m_counties_with_smart_city": ("截至{year}年开展建设的县域", "Counties with smart-city lots by {year}"),
    "m_coverage_rate": ("县域覆盖率", "County coverage"),
    "m_scenario_count": ("{year}年应用场景种数", "Scenarios in {year}"),
    "m_digital_economy_enterprises": ("数字经济企业", "Digital-economy enterprises"),
    "m_smart_city_enterprises": ("智慧城市相关企业", "Smart-city enterprises"),
    "m_on_register": ("在册企业（县域）", "Enterprises on the register (counties)"),
    "m_internet_penetration": ("{year}年互联网普及率", "{year} internet penetration"),
    "national_share_caption": ("{year}年广西县域智慧城市投资占全国比例：{share}",
                               "{year} share of Guangxi county smart-city investment in the national total: {share}"),
    "reconciliation_title": ("报告数值核对（发布值 vs 计算值）", "Reconciliation: published vs computed"),
    "reconciliation_summary": ("**{matched} / {total}** 项与报告发布值一致。",
                               "**{matched} / {total}** figures match the published value."),
    "reconciliation_note": ("在真实数据上出现不一致是一项发现，而非程序错误。",
                            "On real exports a mismatch is a finding, not a failure."),
    "build_title": ("构建信息", "Build"),
    "build_unknown": ("没有构建信息。", "No build information."),
    "built_at_utc": ("构建时间（UTC）", "Built at (UTC)"),
    "validation_status": ("数据校验", "Validation"),
    "validation_passed": ("通过", "passed"),
    "validation_failed": ("未通过", "failed"),
    "validation_counts": ("错误 / 警告", "Errors / warnings"),
    "build_details": ("dbt {dbt} · 原始数据目录 {raw}", "dbt {dbt} · raw data folder {raw}"),
    # investment
    "fig1_title": ("县域信息化与智慧城市投资及占比", "County informatization and smart-city investment and share"),
    "series_informatization": ("信息化项目投资", "Informatization investment"),
    "series_smart_city": ("智慧城市投资", "Smart-city investment"),
    "axis_yi": ("投资额（亿元）", "Investment (100 M yuan)"),
    "axis_share": ("智慧城市投资占比", "Smart-city share"),
    "m_share_year": ("{year}年智慧城市投资占比", "{year} smart-city share"),
    "m_share_help": ("智慧城市 {smart} 亿元 ÷ 信息化 {total} 亿元", "smart city {smart} ÷ informatization {total} (100 M yuan)"),
    "national_title": ("广西县域智慧城市投资占全国比例", "Share of national smart-city investment"),
    "m_county_smart_investment": ("{year}年广西县域智慧城市投资（亿元）", "{year} Guangxi county smart-city investment (100 M yuan)"),
    "m_national_smart_investment": ("{year}年全国智慧城市类投资（亿元）", "{year} national smart-city investment (100 M yuan)"),
    "m_national_share": ("{year}年占全国比例", "{year} share of national total"),
    "coverage_title": ("开展智慧城市建设的县域覆盖", "County coverage of smart-city projects"),
    # scenarios
    "wordcloud_title": ("县域智慧城市建设热点词云", "Hot topics of county smart-city projects"),
    "wordcloud_caption": ("{year}年智慧城市项目名称分词（共{n}个词）", "Terms of {year} smart-city lot titles ({n} terms)"),
    "hot_topics_table": ("词频表", "Term frequencies"),
    "scenario_rank_title": ("应用场景排名", "Scenario ranking"),
    "category_title": ("三类场景：城市治理、产业管理、民生服务", "Three categories: governance, industry, livelihood"),
    "category_help": ("{scenarios}种场景 · {yi}亿元", "{scenarios} scenarios · {yi} (100 M yuan)"),
    "lot_count": ("项目（标项）数", "Lots"),
    "category": ("类别", "Category"),
    # modes
    "mode_summary_title": ("县域智慧城市发展模式", "Development modes of counties"),
    "mode_counties_title": ("各县域发展模式及判定项目", "Counties, their mode and the deciding lot"),
    "mode_map_title": ("发展模式分布（县域点位）", "Development modes on the map (county points)"),
    "mode": ("发展模式", "Mode"),
    "mode_filter_placeholder": ("全部模式", "All modes"),
    "mode_none": ("无智慧城市项目", "No smart-city lot"),
    "county": ("县域", "County"),
    "prefecture": ("设区市", "Prefecture"),
    "map_caption": ("按经纬度绘制（墨卡托投影，无外部底图）：{shown} / {total} 个县域。",
                    "Plotted by longitude/latitude (Mercator, no external tiles): {shown} of {total} counties."),
    "map_missing_coords": ("{n} 个县域缺少经纬度，未在图中显示：{names}",
                           "{n} counties have no coordinates and are not shown: {names}"),
    # enterprises
    "enterprise_counts_title": ("县域数字经济企业与智慧城市相关企业", "Digital-economy and smart-city enterprises"),
    "as_of": ("统计时点：{date}", "As of {date}"),
    "enterprise_by_county_title": ("各县域数字经济企业数", "Digital-economy enterprises by county"),
    "enterprise_by_category_title": ("按数字经济产业大类（国家统计局2021）", "By digital-economy category (NBS 2021)"),
    "smart_enterprise_list_title": ("智慧城市相关企业名单", "Smart-city enterprises"),
    "series_digital_economy": ("数字经济企业", "Digital economy"),
    "series_smart_city_ent": ("智慧城市相关企业", "Smart city"),
    "enterprise_count": ("企业数", "Enterprises"),
    # connectivity
    "network_rank_title": ("县域网络基础设施排名（前20名按单位类型标注）", "Network infrastructure ranking (top 20 by unit type)"),
    "top_n_summary": ("前{top}名共 {n} 个县域，其中城区或县级市 **{urban}** 个。",
                      "The top {top} hold {n} counties, **{urban}** of them districts or county-level cities."),
    "unit_type": ("单位类型", "Unit type"),
    "unit_urban": ("城区或县级市", "District or county-level city"),
    "unit_rural": ("县或自治县", "County or autonomous county"),
    "score": ("综合得分", "Score"),
    "within_type_title": ("同类型县域内排名", "Ranking within county type"),
    "penetration_title": ("互联网普及率（全区 / 农村 / 城镇）", "Internet penetration (overall / rural / urban)"),
    "m_overall_rate": ("{year}年互联网普及率", "{year} internet penetration"),
    "m_rural_rate": ("{year}年农村互联网普及率", "{year} rural penetration"),
    "m_urban_rate": ("{year}年城镇互联网普及率", "{year} urban penetration"),
    "overall": ("全部", "Overall"),
    "rural": ("农村", "Rural"),
    "urban": ("城镇", "Urban"),
    "rate": ("普及率", "Rate"),
    # county profile
    "m_mode": ("发展模式", "Development mode"),
    "m_network_rank": ("{year}年网络基础设施排名", "{year} network rank"),
    "m_network_rank_plain": ("网络基础设施排名", "Network rank"),
    "evidence_lot": ("判定项目：{lot}", "Deciding lot: {lot}"),
    "county_investment_title": ("本县域信息化与智慧城市投资（按投资年份）", "This county's investment by year"),
    "county_no_lots": ("本县域没有已成交的信息化项目。", "No awarded informatization lots in this county."),
    "county_lots_title": ("智慧城市项目（标项）及其公告", "Smart-city lots and their notices"),
    "search_lots": ("搜索项目名称", "Search lot titles"),
    "search_placeholder": ("输入项目名称中的文字，例如 雪亮工程", "Text in the lot title, e.g. 雪亮工程"),
    "search_all_counties": ("在全部县域的全部项目中搜索", "Search every lot of every county"),
    "lots_found": ("共 {n} 个标项；点选一行（或在下方列表中选择）查看其公告及来源文件和行号。",
                   "{n} lots; select a row (or pick one below) for its notices with source file and line."),
    "lots_truncated": ("只显示前 {n} 个标项，请缩小搜索范围。", "Showing the first {n} lots; narrow the search."),
    "no_lots_found": ("没有符合条件的标项。", "No matching lots."),
    "no_notices": ("没有公告记录。", "No notices."),
    "award_source": ("成交金额来源：{file} 第 {line} 行", "Award amount from {file}, line {line}"),
    "county_enterprises_title": ("本县域在册企业", "Enterprises on the register"),
    "county_enterprise_summary": ("在册 {total} 家，其中数字经济企业 {de} 家，智慧城市相关企业 {smart} 家。",
                                  "{total} on the register, {de} digital-economy, {smart} smart-city enterprises."),
    "county_connectivity_title": ("本县域网络基础设施", "This county's connectivity"),
    "county_no_connectivity": ("本县域没有网络指标数据。", "No connectivity rows for this county."),
    "county_lots_pick": ("查看标项的公告（也可在上表中点选一行）", "Notices of lot (or select a row in the table above)"),
    "county_lot_notices": ("所选标项的公告及来源行", "Notices of the selected lot and their source lines"),
    "county_scorecard_title": ("本县域建议监测得分与在全区的位置", "This county's scorecard and its place on the map"),
    "county_integrity_title": ("本县域采购旗标与供应商来源", "This county's integrity flags and supplier locality"),
    "m_overall_score": ("{year}年综合得分", "{year} overall score"),
    "m_scorecard_rank": ("{year}年综合排名", "{year} overall rank"),
    "m_weakest_pillar": ("最需加强", "Needs most"),
    "m_flagged_lots": ("{year}年有旗标的标项", "{year} flagged lots"),
    "scorecard_missing": ("本服务库中没有 {relation}：请用包含该模型的版本重新运行 `smartcounty build`。",
                          "{relation} is not in this serving copy: rerun `smartcounty build` with a version "
                          "that has it."),
    "locality_all_years": ("本县域已成交智慧城市标项的供应商来源（全部年份）",
                           "Supplier locality of this county's awarded smart-city lots (all years)"),
    # integrity
    "integrity_disclaimer": ("**旗标是供复核的提示性指标，不是对违法违规的认定。** 每个旗标都附有触发它的数值和公告来源行，"
                             "请据此核对原始公告后再下结论。",
                             "**A flag is an indicator for review, not a finding of wrongdoing.** Each flag comes with "
                             "the values that raised it and the notice lines behind it; check the notices before "
                             "drawing any conclusion."),
    "integrity_counties_title": ("各县域采购旗标（按投资年份）", "Integrity flags per county (by investment year)"),
    "integrity_chart_caption": ("有旗标标项最多的 {n} 个县域，按旗标类型堆叠。", "The {n} counties with the most flagged "
                                "lots, stacked by flag."),
    "integrity_pick_county": ("查看县域的旗标标项（也可在上表中点选一行）", "Flagged lots of county (or select a row above)"),
    "integrity_lots_title": ("所选县域的旗标标项", "Flagged lots of the selected county"),
    "integrity_pick_lot": ("查看标项背后的公告行（也可在上表中点选一行）", "Notice lines behind lot (or select a row above)"),
    "integrity_notices_title": ("旗标背后的公告行（来源文件与行号）", "Notice lines behind the flags (file and line)"),
    "integrity_no_flags": ("该县域本年度没有旗标。", "No flags for this county and year."),
    "locality_title": ("智慧城市资金流向：中标供应商来源地", "Where smart-city money goes: supplier locality"),
    "top_suppliers_title": ("中标金额最多的供应商（信息化标项）", "Top suppliers by award (informatization lots)"),
    "flag_count": ("旗标数", "Flags"),
    "flag": ("旗标", "Flag"),
    "locality": ("供应商来源", "Supplier locality"),
    "award_share_axis": ("占当年智慧城市投资", "Share of the year's smart-city investment"),
    # scorecard
    "scorecard_intro": ("按报告“五点建议”把每个县域每年的情况量化为五个支柱、十一项指标；得分为全区百分位（0–100，越高越好）。",
                        "The report's five recommendations measured per county and year: five pillars, eleven "
                        "indicators, each scored as a percentile across counties (0–100, higher is better)."),
    "scorecard_map_title": ("广西县域建议监测地图", "Map of Guangxi: recommendations scorecard"),
    "scorecard_measure": ("着色依据", "Colour by"),
    "measure_overall": ("综合得分", "Overall score"),
    "map_no_value": ("灰色：无数值。", "Grey: no value."),
    "scorecard_rank_title": ("县域综合排名", "Counties ranked by overall score"),
    "scorecard_compare_title": ("县域对比（五个支柱）", "County comparison (five pillars)"),
    "scorecard_compare_pick": ("选择 2–4 个县域", "Choose 2–4 counties"),
    "scorecard_compare_hint": ("请选择 2 至 4 个县域进行对比。", "Choose two to four counties to compare."),
    "scorecard_weakest_title": ("各项建议是多少个县域的最弱支柱", "Counties whose weakest pillar is each recommendation"),
    "pillar": ("支柱", "Pillar"),
    "pillar_score": ("支柱得分", "Pillar score"),
    "value": ("数值", "Value"),
    "indicator_score": ("得分", "Score"),
    "measure_rank": ("排名", "Rank"),
    "county_count": ("县域数", "Counties"),
    # quality
    "data_quality_title": ("数据质量：按来源和原因统计", "Data quality by source and reason"),
    "row_count": ("行数", "Rows"),
    "source": ("来源", "Source"),
    "reason": ("原因", "Reason"),
    "quarantine_title": ("隔离的原始记录（文件与行号）", "Quarantined raw rows (file and line)"),
    "no_quarantine": ("没有被隔离的记录。", "No quarantined rows."),
    "quarantine_rows": ("显示 {n} 行（最多 {limit} 行）。", "{n} rows shown (at most {limit})."),
    "validation_title": ("最近一次数据校验", "Latest validation"),
    "validation_errors": ("错误", "Errors"),
    "validation_warnings": ("警告", "Warnings"),
    "badge_passed": ("✓ 通过", "✓ passed"),
    "badge_failed": ("✗ 未通过", "✗ failed"),
    "failed_check": ("未通过：{check}（{table}）", "Failed: {check} ({table})"),
    "report_missing": ("未找到 HTML 校验报告。", "The HTML validation report was not found."),
    "report_location": ("校验报告：{path}", "Validation report: {path}"),
    "download_report": ("下载 HTML 校验报告", "Download the HTML report"),
    "report_embed": ("查看校验报告", "Show the validation report"),
}

_CODES: dict[str, tuple[str, str]] = {
    # scenario categories
    "city_governance": ("城市治理", "City governance"),
    "industry_management": ("产业管理", "Industry management"),
    "livelihood_services": ("民生服务", "Livelihood services"),
    # development modes
    "unified_deployment": ("统一部署", "Unified deployment"),
    "resource_endowment": ("资源禀赋切入", "Resource endowment"),
    "integrated_platform": ("一体化平台统筹", "Integrated platform"),
    # county types
    "district": ("市辖区", "District"),
    "county": ("县", "County"),
    "autonomous_county": ("自治县", "Autonomous county"),
    "county_level_city": ("县级市", "County-level city"),
    # lot status
    "awarded": ("已成交", "Awarded"),
    "not_awarded": ("未成交", "Not awarded"),
    # notice classes
    "tender": ("采购公告", "Tender"),
    "correction": ("更正公告", "Correction"),
    "result": ("结果公告", "Result"),
    "failed": ("废标/流标公告", "Failed"),
    "terminated": ("终止公告", "Terminated"),
    "contract": ("合同公告", "Contract"),
    # sources
    "procurement": ("政府采购公告", "Procurement notices"),
    "registry": ("企业登记", "Enterprise registry"),
    "connectivity": ("网络指标", "Connectivity"),
    # data-quality reasons
    "missing_required": ("必填项为空", "Required value blank"),
    "invalid_date": ("日期无效", "Invalid date"),
    "unknown_notice_type": ("公告类型未知", "Unknown notice type"),
    "invalid_uscc": ("统一社会信用代码无效", "Invalid USCC"),
    "unknown_status": ("登记状态未知", "Unknown status"),
    "not_county_code": ("非县域区划代码", "Not a county code"),
    "invalid_year": ("年份无效", "Invalid year"),
    "invalid_count": ("数量无效", "Invalid count"),
    "percent_out_of_range": ("百分比超出范围", "Percent out of range"),
    "rural_population_gt_population": ("乡村人口大于常住人口", "Rural population > population"),
    "users_gt_population": ("网民数大于常住人口", "Users > population"),
    "rural_users_gt_rural_population": ("乡村网民数大于乡村人口", "Rural users > rural population"),
    "unparseable_amount": ("金额无法解析", "Unparseable amount"),
    "collapsed_repost": ("重复发布（已合并）", "Collapsed re-post"),
    "superseded_duplicate": ("重复企业记录（已被替代）", "Superseded duplicate"),
    "unattributed": ("无法归属县域", "Unattributed"),
    "not_county_level": ("非县级（市级或区级以上）", "Not county-level"),
    # integrity flags (indicators for review)
    "single_source": ("单一来源采购", "Single source"),
    "short_tender_window": ("招标期过短", "Short tender window"),
    "award_over_budget": ("成交价超预算", "Award over budget"),
    "award_near_budget": ("成交价贴近预算", "Award near budget"),
    "young_supplier": ("新成立供应商", "Young supplier"),
    "inactive_supplier": ("非存续供应商", "Inactive supplier"),
    "dominant_supplier": ("同一采购人集中中标", "Dominant supplier"),
    # supplier locality
    "same_county": ("本县域", "Same county"),
    "same_prefecture": ("本设区市其他县域", "Same prefecture"),
    "other_guangxi": ("区内其他设区市", "Elsewhere in Guangxi"),
    "outside_guangxi": ("区外", "Outside Guangxi"),
    "unknown": ("无法判断", "Unknown"),
    # scorecard indicators
    "scenario_breadth": ("应用场景种数", "Scenario breadth"),
    "category_balance": ("三类场景投资均衡度", "Category balance"),
    "has_plan": ("有顶层规划项目", "Has a plan"),
    "has_data_platform": ("有数据平台项目", "Has a data platform"),
    "data_platform_investment_share": ("数据平台投资占比", "Data-platform investment share"),
    "digital_economy_per_10k": ("每万人数字经济企业数", "Digital-economy enterprises per 10k"),
    "local_supplier_share": ("本县域供应商中标占比", "Local supplier share"),
    "network_index_score": ("网络基础设施得分", "Network infrastructure score"),
    "rural_internet_penetration": ("农村互联网普及率", "Rural internet penetration"),
    "smart_city_investment_per_capita": ("人均智慧城市投资（元）", "Smart-city investment per capita (yuan)"),
    "service_purchase_share": ("购买服务占比", "Service purchase share"),
}

_COLUMNS: dict[str, tuple[str, str]] = {
    "year": ("年份", "Year"),
    "as_of_year": ("截至年份", "As of year"),
    "as_of_date": ("统计时点", "As of date"),
    "informatization_investment_yuan": ("信息化投资（万元）", "Informatization investment (10k yuan)"),
    "smart_city_investment_yuan": ("智慧城市投资（万元）", "Smart-city investment (10k yuan)"),
    "smart_city_share": ("智慧城市占比", "Smart-city share"),
    "informatization_lot_count": ("信息化标项数", "Informatization lots"),
    "smart_city_lot_count": ("智慧城市标项数", "Smart-city lots"),
    "counties_with_smart_city": ("开展智慧城市建设的县域数", "Counties with smart-city lots"),
    "counties_total": ("县域总数", "Counties"),
    "coverage_rate": ("覆盖率", "Coverage"),
    "county_smart_city_investment_yuan": ("县域智慧城市投资（万元）", "County smart-city investment (10k yuan)"),
    "national_smart_city_investment_yuan": ("全国智慧城市投资（万元）", "National smart-city investment (10k yuan)"),
    "share": ("占比", "Share"),
    "scenario_code": ("场景代码", "Scenario code"),
    "scenario_zh": ("场景", "Scenario (zh)"),
    "scenario_en": ("场景（英文）", "Scenario"),
    "category": ("类别代码", "Category code"),
    "category_name": ("类别", "Category"),
    "lot_count": ("标项数", "Lots"),
    "primary_investment_yuan": ("主场景投资（万元）", "Primary-scenario investment (10k yuan)"),
    "investment_yuan": ("投资（万元）", "Investment (10k yuan)"),
    "scenario_count": ("场景种数", "Scenarios"),
    "rank": ("排名", "Rank"),
    "term": ("词语", "Term"),
    "frequency": ("频次", "Frequency"),
    "county_code": ("区划代码", "County code"),
    "county_name": ("县域", "County"),
    "prefecture_name": ("设区市", "Prefecture"),
    "mode": ("模式代码", "Mode code"),
    "mode_name": ("发展模式", "Mode"),
    "county_count": ("县域数", "Counties"),
    "industry_share": ("产业管理类投资占比", "Industry share"),
    "evidence_lot": ("判定项目", "Deciding lot"),
    "longitude": ("经度", "Longitude"),
    "latitude": ("纬度", "Latitude"),
    "enterprises_on_register": ("在册企业", "On the register"),
    "digital_economy_enterprises": ("数字经济企业", "Digital-economy enterprises"),
    "smart_city_enterprises": ("智慧城市相关企业", "Smart-city enterprises"),
    "de_category": ("大类代码", "Category code"),
    "de_category_zh": ("数字经济大类", "Digital-economy category"),
    "enterprise_name": ("企业名称", "Enterprise"),
    "industry_code": ("行业代码", "Industry code"),
    "industry_name": ("行业", "Industry"),
    "status_class": ("登记状态", "Status"),
    "established_date": ("成立日期", "Established"),
    "is_digital_economy": ("数字经济", "Digital economy"),
    "is_smart_city_enterprise": ("智慧城市相关", "Smart city"),
    "county_type": ("类型代码", "Type code"),
    "county_type_name": ("县域类型", "County type"),
    "gigabit_coverage": ("千兆光网覆盖率", "Gigabit coverage"),
    "bs5g_per_10k": ("每万人5G基站数", "5G stations per 10k"),
    "broadband_per_100_households": ("每百户宽带用户", "Broadband per 100 households"),
    "village_5g_rate": ("行政村5G通达率", "Village 5G rate"),
    "internet_penetration": ("互联网普及率", "Internet penetration"),
    "score": ("综合得分", "Score"),
    "is_urban_unit": ("城区或县级市", "Urban unit"),
    "type_rank": ("类型内排名", "Rank in type"),
    "overall_rank": ("总排名", "Overall rank"),
    "overall_rate": ("全部", "Overall"),
    "rural_rate": ("农村", "Rural"),
    "urban_rate": ("城镇", "Urban"),
    "resident_population": ("常住人口", "Population"),
    "rural_population": ("乡村常住人口", "Rural population"),
    "internet_users": ("网民数", "Internet users"),
    "rural_internet_users": ("乡村网民数", "Rural internet users"),
    "households": ("家庭户数", "Households"),
    "broadband_households": ("固定宽带用户数", "Broadband households"),
    "bs5g_count": ("5G基站数", "5G stations"),
    "lot_id": ("标项ID", "Lot ID"),
    "project_name": ("项目名称", "Project"),
    "status": ("状态", "Status"),
    "status_name": ("状态", "Status"),
    "award_yuan": ("成交金额（万元）", "Award (10k yuan)"),
    "budget_yuan": ("预算金额（万元）", "Budget (10k yuan)"),
    "investment_year": ("投资年份", "Investment year"),
    "primary_scenario_code": ("主场景代码", "Primary scenario"),
    "notice_count": ("公告数", "Notices"),
    "award_source_file": ("金额来源文件", "Award source file"),
    "award_source_line": ("金额来源行", "Award source line"),
    "notice_class_name": ("公告类型", "Notice type"),
    "notice_id": ("公告ID", "Notice ID"),
    "publish_date": ("发布日期", "Published"),
    "procurement_method": ("采购方式", "Method"),
    "supplier_name": ("中标供应商", "Supplier"),
    "source_file": ("来源文件", "Source file"),
    "source_line": ("行号", "Line"),
    "is_collapsed_repost": ("重复发布", "Re-post"),
    "survivor_row_id": ("保留的记录", "Surviving row"),
    "source": ("来源", "Source"),
    "source_name": ("来源", "Source"),
    "reason": ("原因代码", "Reason code"),
    "reason_name": ("原因", "Reason"),
    "row_count": ("行数", "Rows"),
    "figure_id": ("编号", "ID"),
    "claim_zh": ("报告表述", "Claim (zh)"),
    "published_value": ("发布值", "Published"),
    "computed_value": ("计算值", "Computed"),
    "unit": ("单位", "Unit"),
    "comparison": ("比较规则", "Comparison"),
    "report_model": ("来源模型", "Model"),
    "check_name": ("检查", "Check"),
    "table_name": ("表", "Table"),
    "severity": ("级别", "Severity"),
    "failed_expectations": ("未通过的期望", "Failed expectations"),
    "flagged_lot_count": ("有旗标的标项", "Flagged lots"),
    "flagged_share": ("有旗标占比", "Flagged share"),
    "single_source_count": ("单一来源", "Single source"),
    "short_tender_window_count": ("招标期过短", "Short tender window"),
    "award_over_budget_count": ("超预算", "Over budget"),
    "award_near_budget_count": ("贴近预算", "Near budget"),
    "young_supplier_count": ("新成立供应商", "Young supplier"),
    "inactive_supplier_count": ("非存续供应商", "Inactive supplier"),
    "dominant_supplier_count": ("集中中标", "Dominant supplier"),
    "flag": ("旗标代码", "Flag code"),
    "flag_name": ("旗标", "Flag"),
    "flags": ("旗标", "Flags"),
    "flag_count": ("旗标数", "Flags"),
    "detail": ("触发数值", "Detail"),
    "project_code": ("项目编号", "Project code"),
    "locality": ("来源代码", "Locality code"),
    "locality_name": ("供应商来源", "Supplier locality"),
    "supplier_locality": ("来源代码", "Locality code"),
    "award_share": ("占智慧城市投资", "Share of smart-city investment"),
    "supplier_uscc": ("统一社会信用代码", "USCC"),
    "in_registry": ("在企业登记中", "In registry"),
    "home_county_name": ("所在县域", "Home county"),
    "award_date": ("成交日期", "Award date"),
    "tender_date": ("招标日期", "Tender date"),
    "decision_days": ("招标至成交天数", "Days tender to award"),
    "pillar_1_score": ("1 融合发展", "1 Integration"),
    "pillar_2_score": ("2 互联互通", "2 Interconnection"),
    "pillar_3_score": ("3 纵深化", "3 Depth"),
    "pillar_4_score": ("4 融合创新", "4 Innovation"),
    "pillar_5_score": ("5 协作共建", "5 Collaboration"),
    "overall_score": ("综合得分", "Overall score"),
    "weakest_pillar": ("最弱支柱", "Weakest pillar"),
    "weakest_pillar_name": ("最需加强的建议", "Recommendation needed most"),
    "pillar": ("支柱", "Pillar"),
    "pillar_name": ("建议", "Recommendation"),
    "indicator": ("指标代码", "Indicator code"),
    "indicator_name": ("指标", "Indicator"),
    "value": ("数值", "Value"),
    "n_counties": ("参与计分县域数", "Counties scored"),
    "measure_score": ("得分", "Score"),
    "measure_rank": ("排名", "Rank"),
}


# Code lists in the contract's order (docs: scorecard contract, "Integrity flags" and "Locality").
FLAGS = ("single_source", "short_tender_window", "award_over_budget", "award_near_budget", "young_supplier",
         "inactive_supplier", "dominant_supplier")
LOCALITIES = ("same_county", "same_prefecture", "other_guangxi", "outside_guangxi", "unknown")
INDICATORS = ("scenario_breadth", "category_balance", "has_plan", "has_data_platform", "data_platform_investment_share",
              "digital_economy_per_10k", "local_supplier_share", "network_index_score", "rural_internet_penetration",
              "smart_city_investment_per_capita", "service_purchase_share")

# The report's five recommendations (三、推进我区县域智慧城市建设的五点建议), one per scorecard pillar:
# (short pillar name, the recommendation's title as the report words it, English of both).
RECOMMENDATIONS: dict[int, tuple[str, str, str, str]] = {
    1: ("融合发展", "从“单点切入”向“融合发展”转变布局谋划规划发展方向",
        "Integration", "From single entry points to integrated development: plan the direction of development"),
    2: ("互联互通", "从“向上报送”向“互联互通”转变促进数据要素高效流通",
        "Interconnection", "From reporting upwards to interconnection: let data flow efficiently"),
    3: ("纵深化", "从“点状化”向“纵深化”转变推动智慧城市产业链发展",
        "Depth", "From scattered points to depth: grow the smart-city industry chain"),
    4: ("融合创新", "从“打实地基”向“融合创新”转变推进基础设施升级",
        "Innovation", "From laying foundations to integrated innovation: upgrade the infrastructure"),
    5: ("协作共建", "从“政府包揽”向“协作共建”转变创新资源保障合作模式",
        "Collaboration", "From government doing it all to building together: new models for resources and cooperation"),
}
PILLARS = tuple(RECOMMENDATIONS)


def _pillar_number(pillar: object) -> int | None:
    if pillar is None or (isinstance(pillar, float) and pillar != pillar) or pillar is pd_NA:
        return None
    number = int(pillar)
    return number if number in RECOMMENDATIONS else None


def pillar_label(pillar: object) -> str:
    """'3 纵深化' (English: '3 Depth'); '—' for no pillar."""
    number = _pillar_number(pillar)
    if number is None:
        return "—"
    zh, _, en, _ = RECOMMENDATIONS[number]
    return f"{number} {en if is_english() else zh}"


def recommendation_title(pillar: object) -> str:
    """The recommendation's title from the report, e.g. '（三）从“点状化”向“纵深化”转变…'."""
    number = _pillar_number(pillar)
    if number is None:
        return "—"
    _, zh, _, en = RECOMMENDATIONS[number]
    return f"({number}) {en}" if is_english() else f"（{'一二三四五'[number - 1]}）{zh}"


_language: ContextVar[bool | None] = ContextVar("smartcounty_language", default=None)


def is_english() -> bool:
    fixed = _language.get()
    if fixed is not None:
        return fixed
    return bool(st.session_state.get(LANG_KEY, False))


def widget_key(base: str) -> str:
    """Key for a widget whose option labels are translated: one widget per language, because a
    widget's value is matched by its formatted label, which the language switch changes."""
    return f"{base}.{'en' if is_english() else 'zh'}"


def _pick(pair: tuple[str, str]) -> str:
    return pair[1] if is_english() else pair[0]


def t(key: str, **values: object) -> str:
    text = _pick(_TEXT[key])
    return text.format(**values) if values else text


def code_label(code: object) -> str:
    """Label of a code value (category, mode, status, reason …); unknown codes pass through."""
    if code is None or (isinstance(code, float) and code != code):
        return "—"
    pair = _CODES.get(str(code))
    return _pick(pair) if pair else str(code)


category_label = code_label
county_type_label = code_label
status_label = code_label
notice_class_label = code_label
source_label = code_label
reason_label = code_label
flag_label = code_label
locality_label = code_label
indicator_label = code_label


def frozen_labeler(label=code_label):
    """``label`` with today's language fixed, for widget ``format_func``s: Streamlit may call
    them outside the script run (AppTest does), where session state is not readable."""
    english = is_english()

    def fixed(code: object) -> str:
        token = _language.set(english)
        try:
            return label(code)
        finally:
            _language.reset(token)

    return fixed


def mode_label(code: object) -> str:
    if code is None or (isinstance(code, float) and code != code):
        return t("mode_none")
    return code_label(code)


def column_labels(columns: Iterable[str]) -> dict[str, str]:
    """Translated headers; a label that would repeat another keeps its column name too."""
    labels: dict[str, str] = {}
    for column in columns:
        label = _pick(_COLUMNS[column]) if column in _COLUMNS else str(column)
        if label in labels.values():
            label = f"{label} ({column})"
        labels[column] = label
    return labels
