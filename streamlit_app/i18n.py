"""Labels: Chinese by default, English when the sidebar switch is on.

Data values (county names, lot titles, published claims) stay as they are; only the app's
own words, column headers and code lists are translated here.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar

import streamlit as st

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
    "lots_found": ("共 {n} 个标项，展开可查看公告及其来源文件和行号。",
                   "{n} lots; expand one for its notices with source file and line."),
    "lots_truncated": ("只显示前 {n} 个标项，请缩小搜索范围。", "Showing the first {n} lots; narrow the search."),
    "no_lots_found": ("没有符合条件的标项。", "No matching lots."),
    "no_notices": ("没有公告记录。", "No notices."),
    "award_source": ("成交金额来源：{file} 第 {line} 行", "Award amount from {file}, line {line}"),
    "county_enterprises_title": ("本县域在册企业", "Enterprises on the register"),
    "county_enterprise_summary": ("在册 {total} 家，其中数字经济企业 {de} 家，智慧城市相关企业 {smart} 家。",
                                  "{total} on the register, {de} digital-economy, {smart} smart-city enterprises."),
    "county_connectivity_title": ("本县域网络基础设施", "This county's connectivity"),
    "county_no_connectivity": ("本县域没有网络指标数据。", "No connectivity rows for this county."),
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
}


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
