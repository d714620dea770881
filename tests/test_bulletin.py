"""`smartcounty bulletin` on the small e2e build: every number read back from the DOCX and the
PDF equals its report relation; the PDF has all its glyphs and its charts; errors write nothing."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest
from docx import Document as open_docx
from fontTools.ttLib import TTFont
from PIL import Image

from smartcounty.bulletin import BulletinDataMissing, write_bulletin
from smartcounty.render.wordcloud_render import font_path
from conftest import cli_env, run_cli

NUMBER = re.compile(r"\d+(?:\.\d+)?")
NEEDS_POPPLER = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed (make system-deps)")


def _r(value, digits: int) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _pct(x) -> Decimal:
    return _r(float(x) * 100, 2)


def _yi(x) -> Decimal:
    return _r(float(x) / 1e8, 2)


def _rows(con, sql, params=()):
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


@pytest.fixture(scope="module")
def relations(small_build):
    """The report relations the bulletin reads, queried here independently of the bulletin's code."""
    with duckdb.connect(str(small_build.serving), read_only=True) as con:
        year = con.execute("select max(year) from report.fig1_investment_share").fetchone()[0]
        return {
            "year": year,
            "fig1": _rows(con, "select * from report.fig1_investment_share where year in (?, ?) order by year",
                          (year - 1, year)),
            "coverage": _rows(con, "select * from report.county_coverage")[0],
            "scenario_count": con.execute("select count(*) from report.scenarios where year = ?", [year]).fetchone()[0],
            "categories": _rows(con, "select * from report.scenario_categories where year = ? and lot_count > 0 "
                                     "order by rank, category", (year,)),
            "modes": _rows(con, "select * from report.development_mode_summary order by rank, mode"),
            "enterprises": _rows(con, "select * from report.enterprise_counts order by as_of_date desc limit 1")[0],
            "network": _rows(con, "select * from report.network_infrastructure_ranking where year = ? "
                                  "order by rank, county_code", (year,)),
            "penetration": _rows(con, "select * from report.internet_penetration where year in (?, ?) order by year",
                                 (year - 1, year)),
            "national": _rows(con, "select * from report.national_share where year = ?", (year,))[0],
            "built_at": con.execute("select max(built_at) from meta.build_info").fetchone()[0],
            "scorecard": _rows(con, "select * from report.county_scorecard where year = ? "
                                    "order by rank nulls last, county_code", (year,)),
        }


def expected_numbers(rel) -> set[str]:
    """Every number the bulletin may print, derived from the relations (plus its figure/table numbers)."""
    prev, cur = rel["fig1"]
    out = {"1", "2", "20"}  # 图1, 图2, 表1, 前20名
    out |= {str(rel["year"]), str(rel["year"] - 1)}
    for col in ("informatization_investment_yuan", "smart_city_investment_yuan"):
        out |= {str(_yi(prev[col])), str(_yi(cur[col])), str(abs(_yi(cur[col]) - _yi(prev[col])))}
    out |= {str(_pct(prev["smart_city_share"])), str(_pct(cur["smart_city_share"])),
            str(abs(_pct(cur["smart_city_share"]) - _pct(prev["smart_city_share"])))}
    cov = rel["coverage"]
    out |= {str(cov["as_of_year"]), str(cov["counties_total"]), str(cov["counties_with_smart_city"]), str(_pct(cov["coverage_rate"]))}
    out |= {str(rel["scenario_count"]), str(len(rel["categories"]))}
    out |= {str(c["lot_count"]) for c in rel["categories"]} | {str(c["rank"]) for c in rel["categories"]}
    total = sum(m["county_count"] for m in rel["modes"])
    out |= {str(total)} | {str(m["county_count"]) for m in rel["modes"]}
    out |= {str(_pct(m["county_count"] / total)) for m in rel["modes"]}
    ent = rel["enterprises"]
    d = ent["as_of_date"]
    out |= {str(d.year), str(d.month), str(d.day), str(ent["smart_city_enterprises"])}
    digital = ent["digital_economy_enterprises"]
    out |= {str(_r(digital / 10_000, 1)) if digital >= 10_000 else str(digital)}
    out |= {str(_pct(ent["smart_city_enterprises"] / digital))}
    net = rel["network"]
    top = [r for r in net if r["rank"] <= 20]
    out |= {str(len(top)), str(sum(r["is_urban_unit"] for r in top))}
    out |= {str(r["rank"]) for r in top} | {str(_r(r["score"], 2)) for r in top}
    out |= {str(_r(net[-1]["score"], 2)), str(_r(net[0]["score"], 2) - _r(net[-1]["score"], 2))}
    p_prev, p_cur = rel["penetration"]
    out |= {str(_pct(p_cur[c])) for c in ("overall_rate", "rural_rate", "urban_rate")}
    out |= {str(abs(_pct(p_cur["overall_rate"]) - _pct(p_prev["overall_rate"]))),
            str(abs(_pct(p_cur["urban_rate"]) - _pct(p_cur["rural_rate"])))}
    nat = rel["national"]
    out |= {str(_yi(nat["national_smart_city_investment_yuan"])), str(_yi(nat["county_smart_city_investment_yuan"])),
            str(_pct(nat["share"]))}
    return out | scorecard_numbers(rel["scorecard"])


def _score(x) -> str:
    return str(_r(x, 1))


def pillar_facts(rows, pillar: int) -> tuple[int, str, int, str]:
    """(counties scored, median score, counties whose weakest pillar it is, their share) as printed."""
    scores = [r[f"pillar_{pillar}_score"] for r in rows if r[f"pillar_{pillar}_score"] is not None]
    weakest = sum(1 for r in rows if r["weakest_pillar"] == pillar)
    return len(scores), _score(statistics.median(scores)), weakest, str(_pct(weakest / len(rows)))


def scorecard_numbers(rows) -> set[str]:
    out = {"3", "100"}  # 图3, 满分100分
    for pillar in range(1, 6):
        n, median, weakest, share = pillar_facts(rows, pillar)
        out |= {str(n), median, str(weakest), share}
    for r in rows:
        out |= {str(r["rank"])} | {_score(r[c]) for c in [*(f"pillar_{i}_score" for i in range(1, 6)), "overall_score"]
                                    if r[c] is not None}
    return out


def key_phrases(rel) -> list[str]:
    """Sentences whose numbers and comparison words must appear together, as the seed words them."""
    prev, cur = rel["fig1"]
    a, b = _pct(prev["smart_city_share"]), _pct(cur["smart_city_share"])
    word = "持平" if a == b else ("上升" if b > a else "下降")
    top = [r for r in rel["network"] if r["rank"] <= 20]
    return [
        f"比例从{rel['year'] - 1}年的{a}%{word}{'' if a == b else str(abs(b - a)) + '个百分点'}至{rel['year']}年的{b}%",
        f"覆盖率达{_pct(rel['coverage']['coverage_rate'])}%",
        f"应用场景共有{rel['scenario_count']}种",
        f"有{rel['enterprises']['smart_city_enterprises']}家",
        f"互联网普及率为{_pct(rel['penetration'][1]['overall_rate'])}%",
        f"占全国{_pct(rel['national']['share'])}%",
        *(f"{r['rank']}\t{r['county_name']}" for r in top),  # 表1 rows (cells joined by tabs)
        *(f"中位数为{pillar_facts(rel['scorecard'], p)[1]}分" for p in range(1, 6)),
        *(f"{pillar_facts(rel['scorecard'], p)[2]}个县域（占{pillar_facts(rel['scorecard'], p)[3]}%）以此项为最薄弱环节"
          for p in range(1, 6)),
    ]


@pytest.fixture(scope="module")
def written(small_build, tmp_path_factory):
    out = tmp_path_factory.mktemp("bulletin")
    done = run_cli("bulletin", "--serving", str(small_build.serving), "--out", str(out), env=cli_env(), check=True)
    return out, done


def _docx_body(path: Path) -> tuple[str, list[str]]:
    """(body text without footnote markers, the notes listed under 注释)."""
    doc = open_docx(str(path))
    body, notes, in_notes = [], [], False
    for para in doc.paragraphs:
        if para.style.name.startswith("Heading") and para.text == "注释":
            in_notes = True
            continue
        text = "".join(run.text for run in para.runs if not run.font.superscript)
        (notes if in_notes else body).append(text.strip())
    for table in doc.tables:
        for row in table.rows:
            body.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(body), notes


def test_docx_numbers_equal_the_report_relations(written, relations):
    out, done = written
    year = relations["year"]
    assert f"bulletin_{year}.docx" in done.stdout and f"bulletin_{year}.pdf" in done.stdout
    body, notes = _docx_body(out / f"bulletin_{year}.docx")
    stray = sorted(set(NUMBER.findall(body)) - expected_numbers(relations))
    assert not stray, f"numbers in the DOCX that no report relation gives: {stray}"
    flat = body.replace("\n", "")
    for phrase in key_phrases(relations):
        assert phrase in flat, phrase
    # Every number-bearing paragraph cites its relation and the build time.
    assert notes and all(n.startswith("数据来源：report.") for n in notes)
    assert all(f"{relations['built_at']:%Y-%m-%d %H:%M}" in n for n in notes)


def test_docx_appendix_lists_every_county_as_the_scorecard(written, relations):
    doc = open_docx(str(written[0] / f"bulletin_{relations['year']}.docx"))
    appendix = doc.tables[-1]
    shown = [[c.text for c in row.cells] for row in appendix.rows[1:]]
    assert len(shown) == len(relations["scorecard"]) == 111
    for cells, r in zip(shown, relations["scorecard"]):
        assert cells[:3] == [str(r["rank"]) if r["rank"] is not None else "—", r["county_name"], r["prefecture_name"]]
        assert cells[-1] == (_score(r["overall_score"]) if r["overall_score"] is not None else "—")


def test_docx_sets_east_asian_fonts(written, relations):
    doc = open_docx(str(written[0] / f"bulletin_{relations['year']}.docx"))
    rfonts = doc.styles["Normal"].element.rPr.rFonts
    assert rfonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋"
    assert len(doc.inline_shapes) == 3  # 图1, 图2 and the map 图3


@NEEDS_POPPLER
def test_pdf_numbers_equal_the_report_relations(written, relations):
    pdf = written[0] / f"bulletin_{relations['year']}.pdf"
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    # Footnote entries and page numbers are not figures: drop the note lines, allow small marker numbers.
    lines = [ln for ln in text.splitlines() if "数据来源：" not in ln and "构建于" not in ln]
    allowed = expected_numbers(relations) | {str(i) for i in range(1, 40)}
    stray = sorted(set(NUMBER.findall("\n".join(lines))) - allowed)
    assert not stray, f"numbers in the PDF that no report relation gives: {stray}"
    flat = re.sub(r"\s+", "", text)
    for phrase in key_phrases(relations):
        assert re.sub(r"\s+", "", phrase) in flat, phrase


def _covered_chars() -> set[int]:
    cmap = set()
    for name in ("NotoSerifSC-Regular.otf", "NotoSansSC-Regular.otf"):
        cmap |= set(TTFont(str(font_path().parent / name), lazy=True).getBestCmap())
    return cmap


def missing_glyphs(text: str, covered: set[int]) -> set[str]:
    return {ch for ch in text if not ch.isspace() and ord(ch) not in covered}


def test_the_glyph_check_detects_a_missing_glyph():
    assert missing_glyphs("智慧\U0010fffd", _covered_chars()) == {"\U0010fffd"}


@NEEDS_POPPLER
def test_pdf_embeds_its_fonts_has_every_glyph_and_both_charts(written, relations, tmp_path):
    pdf = written[0] / f"bulletin_{relations['year']}.pdf"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in ln and "Noto" in ln for ln in fonts), fonts
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert not missing_glyphs(text, _covered_chars())
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert [ln.split()[2] for ln in images.splitlines()[2:]].count("image") == 3  # 图1-3 (an smask is not one)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = [Image.open(p).convert("RGB") for p in sorted(tmp_path.glob("page*.png"))]
    colours = set()
    for page in pages:
        colours |= {c for _, c in page.getcolors(1 << 20)}
    # 图1's two series colours (Vega's default blue and orange) reach the rendered pages.
    assert any(_near(c, (76, 120, 168)) for c in colours) and any(_near(c, (245, 133, 24)) for c in colours)


def _near(colour, target, tol=12) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(colour, target))


def test_a_year_without_its_previous_year_fails_and_writes_nothing(small_build, relations, tmp_path):
    first = relations["fig1"][0]["year"]
    with pytest.raises(BulletinDataMissing, match=r"report_years"):
        write_bulletin(small_build.serving, tmp_path / "out", year=first)
    done = run_cli("bulletin", "--serving", str(small_build.serving), "--out", str(tmp_path / "out"),
                   "--year", str(relations["year"] + 5), env=cli_env())
    assert done.returncode == 1 and "not a report year" in done.stderr and "report_years" in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_missing_serving_copy_is_a_clear_error(tmp_path):
    done = run_cli("bulletin", "--serving", str(tmp_path / "none.duckdb"), "--out", str(tmp_path), env=cli_env())
    assert done.returncode == 1 and "smartcounty build" in done.stderr
    assert not list(tmp_path.iterdir())
