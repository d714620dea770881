"""BulletinData → Document: the seed report's structure, every number from the data."""

from __future__ import annotations

from smartcounty.bulletin import figures, text
from smartcounty.bulletin.data import SCORECARD, BulletinData
from smartcounty.bulletin.model import Document, Figure, Heading, Note, Paragraph, Table

TITLE = "推进广西县域智慧城市建设的五点建议"
PUBLISHERS = ("广西壮族自治区信息中心", "广西壮族自治区大数据研究院")
URBAN_TYPES_ZH = {"district": "市辖区", "county": "县", "autonomous_county": "自治县", "county_level_city": "县级市"}
# The five recommendations of the seed report, in pillar order (the scorecard's pillars 1–5).
RECOMMENDATIONS = {
    1: "从“单点切入”向“融合发展”转变布局谋划规划发展方向",
    2: "从“向上报送”向“互联互通”转变促进数据要素高效流通",
    3: "从“点状化”向“纵深化”转变推动智慧城市产业链发展",
    4: "从“打实地基”向“融合创新”转变推进基础设施升级",
    5: "从“政府包揽”向“协作共建”转变创新资源保障合作模式",
}
NETWORK_TOP = 20


def _source(data: BulletinData, *relations: str) -> Note:
    built = f"，服务库构建于{data.built_at:%Y-%m-%d %H:%M} UTC" if data.built_at else ""
    return Note(f"数据来源：{'、'.join(relations)}{built}。")


def compose(data: BulletinData, with_figures: bool = True) -> Document:
    doc = Document()
    _front(doc, data)
    _status(doc, data, with_figures)
    _problems(doc, data)
    _recommendations(doc, data, with_figures)
    return doc


def _front(doc: Document, data: BulletinData) -> None:
    y, p = data.year, data.previous_year
    cur, prev = data.fig1[y], data.fig1[p]
    doc.add(Paragraph(("大数据与决策研究",), style="masthead"))
    doc.add(Paragraph(("（大数据分析专题）",), style="meta"))
    doc.add(Paragraph((f"{y}年度数据 · 草稿",), style="meta"))
    for line in PUBLISHERS:
        doc.add(Paragraph((line,), style="meta"))
    doc.add(Heading(TITLE, 0))
    share_trend = text.trend(prev["smart_city_share"], cur["smart_city_share"], "pct")
    doc.add(Paragraph((
        f"经对{p}年—{y}年广西政府采购数据分析，我区县域智慧城市投资占信息化项目投资的比例{share_trend}，"
        f"截至{int(data.coverage['as_of_year'])}年末全区{int(data.coverage['counties_total'])}个县域中"
        f"{int(data.coverage['counties_with_smart_city'])}个已开展智慧城市建设。本期从投资、场景、发展模式、"
        "产业、基础设施和资金等方面梳理现状与问题，并以县域评分卡度量融合、联通、拓展、创新、协作五点建议在各县域的落实情况。",
    ), style="lead"))


def _status(doc: Document, data: BulletinData, with_figures: bool) -> None:
    y, p = data.year, data.previous_year
    cur, prev = data.fig1[y], data.fig1[p]
    cov = data.coverage
    doc.add(Heading("一、我区县域智慧城市建设现状", 1))
    doc.add(Heading("（一）智慧城市投资及占比", 2))
    doc.add(Paragraph((
        f"经对{p}年—{y}年广西政府采购数据分析，全区县域信息化项目投资"
        f"{text.trend(prev['informatization_investment_yuan'], cur['informatization_investment_yuan'], 'yi')}，"
        f"智慧城市投资{text.trend(prev['smart_city_investment_yuan'], cur['smart_city_investment_yuan'], 'yi')}，"
        f"智慧城市投资占信息化项目投资的比例从{p}年的{text.pct(prev['smart_city_share'])}"
        f"{text.change(prev['smart_city_share'], cur['smart_city_share'], 'pct')}至{y}年的"
        f"{text.pct(cur['smart_city_share'])}（图1）。",
        _source(data, "report.fig1_investment_share"),
        f"截至{int(cov['as_of_year'])}年末，全区{int(cov['counties_total'])}个县域中有"
        f"{int(cov['counties_with_smart_city'])}个已开展智慧城市建设，覆盖率达{text.pct(cov['coverage_rate'])}。",
        _source(data, "report.county_coverage"),
    )))
    if with_figures:
        doc.add(Figure(figures.investment_png([prev, cur]), f"图1 {p}—{y}年广西县域智慧城市投资及占比变化"))

    doc.add(Heading("（二）应用场景", 2))
    doc.add(Paragraph((
        f"{y}年，我区县域智慧城市应用场景共有{len(data.scenarios)}种（图2），按建设频率从高到低排列，"
        f"可将应用场景分为{len(data.categories)}类：{text.scenario_categories_sentence(data.categories, data.scenarios)}。",
        _source(data, "report.scenarios", "report.scenario_categories", "report.hot_topics"),
    )))
    if with_figures:
        doc.add(Figure(figures.wordcloud_png(data.hot_topics), f"图2 {y}年广西县域智慧城市建设热点主题词云图"))

    doc.add(Heading("（三）发展模式", 2))
    total = sum(int(m["county_count"]) for m in data.mode_summary)
    sentences = []
    for m in data.mode_summary:
        n = int(m["county_count"])
        if n == 0:
            continue
        examples = [r["county_name"] for r in data.modes if r["mode"] == m["mode"]][:2]
        sentences.append(f"{n}个县域（占{text.pct(n / total)}）{text.MODE_ZH.get(m['mode'], m['mode'])}"
                         f"{'，如' + text.join_zh(examples) + '等' if examples else ''}")
    doc.add(Paragraph((
        f"按智慧城市项目判定，全区有{total}个县域形成了可识别的发展模式：{'；'.join(sentences)}。",
        _source(data, "report.development_mode_summary", "report.development_modes（依据2022—2023年智慧城市项目）"),
    )))


def _problems(doc: Document, data: BulletinData) -> None:
    y = data.year
    doc.add(Heading("二、我区县域智慧城市建设面临的问题", 1))

    ent = data.enterprises
    digital, smart = int(ent["digital_economy_enterprises"]), int(ent["smart_city_enterprises"])
    doc.add(Heading("（一）智慧城市产业支撑", 2))
    doc.add(Paragraph((
        f"截至{ent['as_of_date']:%Y年%-m月%-d日}，我区在县域注册的数字经济企业{text.approx_count(digital)}，"
        f"而聚焦于智慧城市、智慧社区建设的数字经济企业有{smart}家"
        f"（占{text.pct(smart / digital) if digital else '—'}）。",
        _source(data, "report.enterprise_counts"),
    )))

    doc.add(Heading("（二）数字基础设施", 2))
    top = [r for r in data.network if int(r["rank"]) <= NETWORK_TOP]
    urban = sum(1 for r in top if r["is_urban_unit"])
    urban_words = "均为城区或县级市" if urban == len(top) else f"城区或县级市有{urban}个"
    best, worst = data.network[0], data.network[-1]
    gap = text.round_half_up(float(best["score"]), 2) - text.round_half_up(float(worst["score"]), 2)
    pen = data.penetration[y]
    prev_pen = data.penetration.get(data.previous_year)
    versus = f"，较上年{text.change(prev_pen['overall_rate'], pen['overall_rate'], 'pct')}" if prev_pen else ""
    urban_rural_gap = text.change(pen["rural_rate"], pen["urban_rate"], "pct")
    doc.add(Paragraph((
        f"在网络基础设施方面，{y}年县域网络基础设施排名前{NETWORK_TOP}名的{len(top)}个县域中{urban_words}（表1），"
        f"得分最高的{best['county_name']}为{text.round_half_up(float(best['score']), 2)}分，最低的"
        f"{worst['county_name']}为{text.round_half_up(float(worst['score']), 2)}分，相差{gap}分。",
        _source(data, "report.network_infrastructure_ranking"),
        f"在数字网络普及方面，{y}年广西县域互联网普及率为{text.pct(pen['overall_rate'])}{versus}，"
        f"其中农村地区为{text.pct(pen['rural_rate'])}，城镇地区为{text.pct(pen['urban_rate'])}，"
        f"城镇比农村{urban_rural_gap.replace('上升', '高').replace('下降', '低')}。",
        _source(data, "report.internet_penetration"),
    )))
    doc.add(Table(
        f"表1 {y}年县域网络基础设施排名前{NETWORK_TOP}名",
        ("排名", "县域", "类型", "得分"),
        tuple((str(int(r["rank"])), r["county_name"], URBAN_TYPES_ZH.get(r["county_type"], r["county_type"]),
               str(text.round_half_up(float(r["score"]), 2))) for r in top),
    ))

    nat = data.national_share
    doc.add(Heading("（三）资金保障", 2))
    doc.add(Paragraph((
        f"在资金投入方面，{y}年全国智慧城市类投资额约{text.yi(nat['national_smart_city_investment_yuan'])}，"
        f"我区县域智慧城市类投资额为{text.yi(nat['county_smart_city_investment_yuan'])}，"
        f"占全国{text.pct(nat['share'])}。",
        _source(data, "report.national_share"),
    )))


def _recommendations(doc: Document, data: BulletinData, with_figures: bool) -> None:
    y = data.year
    doc.add(Heading("三、推进我区县域智慧城市建设的五点建议", 1))
    if data.scorecard is None:
        # A serving copy published before the scorecard existed: say so instead of inventing numbers.
        doc.add(Paragraph((f"本服务库尚无县域评分卡（{SCORECARD}），以新版本重新构建后，本节在每条建议下给出各县域的测度和县域一览。",)))
    for pillar, title in RECOMMENDATIONS.items():
        doc.add(Heading(f"（{text.ordinal_zh(pillar)}）{title}", 2))
        if data.scorecard is None:
            continue
        summary = text.pillar_summary(pillar, data.scorecard)
        doc.add(Paragraph((text.pillar_sentence(y, summary), _source(data, SCORECARD))))
    if data.scorecard is None:
        return
    if with_figures:
        doc.add(Figure(figures.scorecard_map_png(data.scorecard), f"图3 {y}年县域智慧城市评分卡综合得分分布"))
    doc.add(Heading("附表 县域一览", 1))
    doc.add(Table(
        f"附表 {y}年县域智慧城市评分卡（满分100分）",
        ("排名", "县域", "设区市", *(text.PILLAR_ZH[i] for i in range(1, 6)), "综合得分"),
        tuple((str(int(r["rank"])) if r["rank"] is not None else "—", r["county_name"], r["prefecture_name"],
               *(text.score(r[f"pillar_{i}_score"]) for i in range(1, 6)), text.score(r["overall_score"]))
              for r in data.scorecard),
    ))
