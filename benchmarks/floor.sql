-- Engine floor: the three headline figures straight from the raw files, in one DuckDB script.
--
-- The least work docs/contracts/figures.md allows: no lineage, no quarantine tables, no tests,
-- no marts; rows that fail a row check are simply dropped, and only the lots / enterprises a
-- figure can count are classified and attributed. The rules themselves are the contract's, exactly.
--
-- Placeholders substituted by benchmarks/floor.py:
--   {raw}           a prepared copy of the drop: every selected file as UTF-8, named in read order
--                   (000001.csv, 000002.csv.gz, …), plus a header-only 000000.csv carrying every
--                   contract header (so absent optional columns and empty folders still bind)
--   {seeds}         dbt_project/seeds
--   {as_of_date}    dbt var as_of_date, e.g. 2024-06-30
--   {report_years}  dbt var report_years as a SQL list body, e.g. 2022, 2023
-- Statements are separated by a line ending in ';'. A statement preceded by `-- result: <name>`
-- is one of the three result sets (columns named as the report relations).

-- ---------------------------------------------------------------- value cleaning
-- txt(s): zero-width characters removed anywhere, leading/trailing whitespace (incl. U+3000,
-- U+00A0) trimmed, blank → NULL — one regex pass. Codes, amounts, dates and numbers then get
-- fw(): DuckDB has no NFKC; translate() covers the compatibility characters the contract cares
-- about (the full-width ASCII block, ￥, compatibility spaces). Removing zero-width characters
-- and trimming before the translation is the same as after it: every character fw() maps to a
-- space is already in the trim set.
CREATE OR REPLACE TEMP MACRO txt(s) AS nullif(regexp_replace(s,
    '^[\t\n\x0B\f\r\x1C-\x1F \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{200B}-\x{200D}\x{2060}\x{FEFF}]+|[\t\n\x0B\f\r\x1C-\x1F \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{200B}-\x{200D}\x{2060}\x{FEFF}]+$|[\x{200B}-\x{200D}\x{2060}\x{FEFF}]',
    '', 'g'), '');

-- fw(c): full-width → ASCII on an already cleaned value; translate() only where one occurs
-- (it is slow, and almost every value is plain ASCII).
CREATE OR REPLACE TEMP MACRO fw(c) AS
    CASE WHEN regexp_matches(c, '[\x{FF01}-\x{FF5E}\x{FFE5}\x{A0}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}]') THEN translate(c,
        '！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～￥'
            || chr(160) || chr(8192) || chr(8193) || chr(8194) || chr(8195) || chr(8196) || chr(8197) || chr(8198)
            || chr(8199) || chr(8200) || chr(8201) || chr(8202) || chr(8239) || chr(8287) || chr(12288),
        '!"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~¥'
            || '               ')
    ELSE c END;

-- Dates: 2023-05-06 [hh:mm[:ss]], 2023/5/6, 2023年5月6日, 20230506 — one regex whose groups give
-- Y, M, D (a non-match gives empty groups), one TRY_CAST (rejects impossible dates) — or 13-digit
-- epoch milliseconds taken in Asia/Shanghai (UTC+8, no DST). Year 0000 is invalid.
CREATE OR REPLACE TEMP MACRO date_parts(s) AS regexp_extract(s,
    '^(\d{4})(?:-(\d{1,2})-(\d{1,2})(?: (?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?)?|/(\d{1,2})/(\d{1,2})|年(\d{1,2})月(\d{1,2})日|(\d{2})(\d{2}))$',
    ['y', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
CREATE OR REPLACE TEMP MACRO to_date(s, m) AS
    CASE
        WHEN starts_with(s, '0000') THEN NULL
        WHEN m.y <> '' THEN TRY_CAST(m.y || '-' || m.a || m.c || m.e || m.g || '-' || m.b || m.d || m.f || m.h AS DATE)
        WHEN regexp_full_match(s, '\d{13}') THEN CAST(epoch_ms(CAST(s AS BIGINT) + 28800000) AS DATE)
    END;

-- Amounts → exact DECIMAL(38,6): after removing ',' and whitespace; 万/亿 shift the decimal point
-- in the digit string (no float, no intermediate rounding). A non-match gives empty groups → NULL.
CREATE OR REPLACE TEMP MACRO amount_parts(s) AS regexp_extract(regexp_replace(s, '[,\s]', '', 'g'),
    '^(?:¥|人民币)?(\d+)(?:\.(\d+))?(万|亿)?(?:元|元整)?$', ['i', 'f', 'u']);
CREATE OR REPLACE TEMP MACRO shift(m) AS CASE m.u WHEN '万' THEN 4 WHEN '亿' THEN 8 ELSE 0 END;
CREATE OR REPLACE TEMP MACRO to_amount(m) AS
    CASE WHEN m.i <> '' THEN TRY_CAST(
        m.i || rpad(left(m.f, shift(m)), shift(m), '0') || '.' || substr(m.f, shift(m) + 1) || '0' AS DECIMAL(38, 6))
    END;

-- 9- or 12-digit statistical codes are cut to their first 6 digits.
CREATE OR REPLACE TEMP MACRO pdivision(s) AS
    CASE WHEN regexp_full_match(s, '\d{9}|\d{12}') THEN left(s, 6) ELSE s END;

-- ---------------------------------------------------------------- reference data
CREATE OR REPLACE TEMP TABLE ref_counties AS
SELECT county_code, county_name, prefecture_name, aliases
FROM read_csv('{seeds}/guangxi_counties.csv', header = true, delim = ',', quote = '"',
    escape = '"', all_varchar = true, null_padding = true, strict_mode = false);

CREATE OR REPLACE TEMP TABLE ref_crosswalk AS
SELECT old_code, new_code FROM read_csv('{seeds}/county_code_crosswalk.csv', header = true, delim = ',', quote = '"',
    escape = '"', all_varchar = true, null_padding = true, strict_mode = false);

-- County names and aliases (rule 3); the longest match wins.
CREATE OR REPLACE TEMP TABLE ref_patterns AS
SELECT DISTINCT pattern, county_code, length(pattern) AS len
FROM (
    SELECT county_name AS pattern, county_code FROM ref_counties
    UNION ALL
    SELECT trim(unnest(string_split(aliases, '|'))), county_code FROM ref_counties WHERE aliases IS NOT NULL
)
WHERE pattern <> '';

-- ================================================================ procurement
CREATE OR REPLACE TEMP TABLE notices AS
SELECT
    fw("公告ID") AS notice_id,
    fw("项目编号") AS project_code,
    "项目名称" AS project_name,
    fw("公告类型") AS notice_type,
    fw("发布日期") AS publish_text,
    coalesce(fw("标项号"), '1') AS lot_text,
    fw("区划代码") AS division_code,
    "区划名称" AS division_name,
    "采购人" AS buyer,
    fw("品目编码") AS catalog_code,
    "品目名称" AS catalog_name,
    fw("中标金额") AS award_text
FROM (SELECT txt("公告ID") AS "公告ID", txt("项目编号") AS "项目编号", txt("项目名称") AS "项目名称", txt("公告类型") AS "公告类型", txt("发布日期") AS "发布日期", txt("标项号") AS "标项号", txt("区划代码") AS "区划代码", txt("区划名称") AS "区划名称", txt("采购人") AS "采购人", txt("品目编码") AS "品目编码", txt("品目名称") AS "品目名称", txt("中标金额") AS "中标金额"
      FROM read_csv('{raw}/procurement/*', header = true, auto_detect = false, delim = ',', quote = '"',
              escape = '"', all_varchar = true, null_padding = true, strict_mode = false,
              union_by_name = true, parallel = false));

-- Row checks (rows failing one are dropped) and parsing; rowid = insertion order = (file, line) order.
CREATE OR REPLACE TEMP TABLE accepted AS
SELECT * EXCLUDE (publish_text, date_m, award_m),
    to_date(publish_text, date_m) AS publish_date,
    to_amount(award_m) AS award_yuan
FROM (
    SELECT
        rowid AS rn,
        notice_id,
        project_code,
        CASE WHEN regexp_full_match(lot_text, '\d+') THEN coalesce(nullif(ltrim(lot_text, '0'), ''), '0')
             ELSE lot_text END AS lot_no,
        project_name,
        CASE notice_type
            WHEN '采购公告' THEN 'tender' WHEN '更正公告' THEN 'correction'
            WHEN '中标(成交)结果公告' THEN 'result' WHEN '中标公告' THEN 'result'
            WHEN '成交公告' THEN 'result' WHEN '结果公告' THEN 'result'
            WHEN '废标公告' THEN 'cancel' WHEN '流标公告' THEN 'cancel' WHEN '终止公告' THEN 'cancel'
            WHEN '合同公告' THEN 'contract'
        END AS notice_class,
        publish_text,
        date_parts(publish_text) AS date_m,
        pdivision(division_code) AS division_code,
        division_name,
        buyer,
        catalog_code,
        catalog_name,
        amount_parts(award_text) AS award_m
    FROM notices
    WHERE notice_id IS NOT NULL AND project_code IS NOT NULL AND project_name IS NOT NULL
      AND notice_type IS NOT NULL AND publish_text IS NOT NULL AND buyer IS NOT NULL
)
WHERE notice_class IS NOT NULL AND to_date(publish_text, date_m) IS NOT NULL;

-- Re-posts collapse: first (file, line) row per (公告ID, 标项号); then, among those, first row per
-- parsed (项目编号, 标项号, class, date, 中标金额) — window partitions treat two NULL amounts as equal.
CREATE OR REPLACE TEMP TABLE survivors AS
SELECT * FROM (
    SELECT * FROM accepted
    QUALIFY rn = min(rn) OVER (PARTITION BY notice_id, lot_no)
)
QUALIFY rn = min(rn) OVER (PARTITION BY project_code, lot_no, notice_class, publish_date, award_yuan);

-- Per lot: status, award amount and investment year. Notice order = (date, file, line) = (date, rn).
CREATE OR REPLACE TEMP TABLE lots AS
WITH marked AS (
    SELECT *,
        max(publish_date) FILTER (WHERE notice_class = 'result')
            OVER (PARTITION BY project_code, lot_no) AS last_result_date,
        max(publish_date) FILTER (WHERE notice_class = 'cancel')
            OVER (PARTITION BY project_code, lot_no) AS last_cancel_date
    FROM survivors
),
per_lot AS (
    SELECT
        project_code,
        lot_no,
        any_value(last_result_date) AS last_result_date,
        any_value(last_cancel_date) AS last_cancel_date,
        arg_max_null(award_yuan, {'d': publish_date, 'n': rn}) FILTER (WHERE notice_class = 'result') AS result_award,
        arg_max(award_yuan, {'d': publish_date, 'n': rn})
            FILTER (WHERE notice_class = 'correction' AND award_yuan IS NOT NULL AND publish_date > last_result_date)
            AS correction_award,
        coalesce(
            min(publish_date) FILTER (WHERE notice_class = 'result'
                                      AND (last_cancel_date IS NULL OR publish_date > last_cancel_date)),
            min(publish_date) FILTER (WHERE notice_class = 'result')) AS investment_date,
        -- Lot attributes: first non-blank among result notices (latest first), else other notices.
        max_by(project_name, {'r': notice_class = 'result', 'd': publish_date, 'n': rn}) FILTER (WHERE project_name IS NOT NULL) AS project_name,
        max_by(catalog_code, {'r': notice_class = 'result', 'd': publish_date, 'n': rn}) FILTER (WHERE catalog_code IS NOT NULL) AS catalog_code,
        max_by(catalog_name, {'r': notice_class = 'result', 'd': publish_date, 'n': rn}) FILTER (WHERE catalog_name IS NOT NULL) AS catalog_name,
        max_by(division_code, {'r': notice_class = 'result', 'd': publish_date, 'n': rn}) FILTER (WHERE division_code IS NOT NULL) AS division_code,
        max_by(division_name, {'r': notice_class = 'result', 'd': publish_date, 'n': rn}) FILTER (WHERE division_name IS NOT NULL) AS division_name,
        max_by(buyer, {'r': notice_class = 'result', 'd': publish_date, 'n': rn}) FILTER (WHERE buyer IS NOT NULL) AS buyer
    FROM marked
    GROUP BY project_code, lot_no
)
-- Only awarded lots of a report year can count: everything below works on these alone.
SELECT
    project_code, lot_no, project_name, catalog_code, catalog_name, division_code, division_name, buyer,
    coalesce(correction_award, result_award) AS award_yuan,
    CAST(year(investment_date) AS INTEGER) AS investment_year
FROM per_lot
WHERE last_result_date IS NOT NULL
  AND (last_cancel_date IS NULL OR last_cancel_date <= last_result_date)
  AND year(investment_date) IN ({report_years});

-- Attribution, rules 1–3 (rule 5 only decides between two excluded outcomes).
CREATE OR REPLACE TEMP TABLE lot_counties AS
WITH coded AS (
    SELECT lots.project_code, lots.lot_no, lots.division_name, lots.buyer,
        coalesce(xw.new_code, lots.division_code) AS code
    FROM lots LEFT JOIN ref_crosswalk AS xw ON xw.old_code = lots.division_code
),
by_code AS (
    SELECT coded.*, c.county_code AS code_county,
        c.county_code IS NULL AND NOT coalesce(regexp_full_match(code, '4500\d\d|45\d\d00|45\d\d99'), false)
            AS undecided
    FROM coded LEFT JOIN ref_counties AS c ON c.county_code = coded.code
),
hits AS (
    SELECT b.project_code, b.lot_no, p.county_code, p.len,
        CASE WHEN contains(b.division_name, p.pattern) THEN 1 ELSE 2 END AS text_pos
    FROM by_code AS b
    JOIN ref_patterns AS p ON contains(b.division_name, p.pattern) OR contains(b.buyer, p.pattern)
    WHERE b.undecided
    QUALIFY text_pos = min(text_pos) OVER (PARTITION BY b.project_code, b.lot_no)
),
by_text AS (
    SELECT project_code, lot_no,
        CASE WHEN count(DISTINCT county_code) = 1 THEN min(county_code) END AS county_code
    FROM (SELECT * FROM hits QUALIFY len = max(len) OVER (PARTITION BY project_code, lot_no))
    GROUP BY project_code, lot_no
)
SELECT project_code, lot_no, code_county AS county_code FROM by_code WHERE code_county IS NOT NULL
UNION ALL
SELECT project_code, lot_no, county_code FROM by_text WHERE county_code IS NOT NULL;

-- Classification of the attributed lots: smart city (a scenario keyword in 项目名称) and
-- informatization (a rule matches, or smart city).
CREATE OR REPLACE TEMP TABLE county_lots AS
WITH keywords AS (
    SELECT DISTINCT trim(unnest(string_split(keywords, '|'))) AS keyword
    FROM read_csv('{seeds}/smart_city_scenarios.csv', header = true, delim = ',', quote = '"',
    escape = '"', all_varchar = true, null_padding = true, strict_mode = false)
),
rules AS (
    SELECT rule, pattern FROM read_csv('{seeds}/informatization_rules.csv', header = true, delim = ',', quote = '"',
    escape = '"', all_varchar = true, null_padding = true, strict_mode = false)
    WHERE pattern IS NOT NULL AND pattern <> ''
),
attributed AS (
    SELECT lots.*, lc.county_code
    FROM lots JOIN lot_counties AS lc USING (project_code, lot_no)
)
SELECT
    a.county_code, a.investment_year, a.award_yuan,
    EXISTS (SELECT 1 FROM keywords AS k WHERE k.keyword <> '' AND contains(a.project_name, k.keyword)) AS is_smart,
    EXISTS (SELECT 1 FROM rules AS r WHERE
                (r.rule = 'catalog_code_prefix' AND starts_with(a.catalog_code, r.pattern))
             OR (r.rule = 'catalog_name_term' AND contains(a.catalog_name, r.pattern))
             OR (r.rule = 'project_name_term' AND contains(a.project_name, r.pattern))) AS is_rule_info
FROM attributed AS a;

-- result: fig1_investment_share
WITH years AS (SELECT CAST(unnest([{report_years}]) AS INTEGER) AS year),
per_year AS (
    SELECT investment_year AS year,
        sum(award_yuan) FILTER (WHERE is_smart OR is_rule_info) AS info_yuan,
        sum(award_yuan) FILTER (WHERE is_smart) AS smart_yuan,
        count(*) FILTER (WHERE is_smart OR is_rule_info) AS info_lots,
        count(*) FILTER (WHERE is_smart) AS smart_lots,
        count(DISTINCT county_code) FILTER (WHERE is_smart) AS smart_counties
    FROM county_lots GROUP BY investment_year
)
SELECT
    years.year,
    CAST(coalesce(info_yuan, 0) AS DECIMAL(38, 6)) AS informatization_investment_yuan,
    CAST(coalesce(smart_yuan, 0) AS DECIMAL(38, 6)) AS smart_city_investment_yuan,
    CAST(smart_yuan AS DOUBLE) / CAST(nullif(info_yuan, 0) AS DOUBLE) AS smart_city_share,
    coalesce(info_lots, 0) AS informatization_lot_count,
    coalesce(smart_lots, 0) AS smart_city_lot_count,
    coalesce(smart_counties, 0) AS counties_with_smart_city
FROM years LEFT JOIN per_year USING (year)
ORDER BY years.year;

-- ================================================================ registry
-- Every row is kept here so that rowid keeps the (file, line) order; checks come next.
CREATE OR REPLACE TEMP TABLE registry_cells AS
SELECT * FROM (
    SELECT
        fw("统一社会信用代码") AS uscc_text,
        "企业名称" AS name,
        fw("登记状态") AS status_text,
        fw("成立日期") AS established_text,
        fw("核准日期") AS approved_text,
        fw("注销日期") AS deregistered_text,
        fw("吊销日期") AS revoked_text,
        fw("行业代码") AS industry_text,
        "登记机关" AS authority,
        "住所" AS address,
        fw("所属区划代码") AS division_text,
        "经营范围" AS scope
    FROM (SELECT txt("统一社会信用代码") AS "统一社会信用代码", txt("企业名称") AS "企业名称", txt("登记状态") AS "登记状态", txt("成立日期") AS "成立日期", txt("核准日期") AS "核准日期", txt("注销日期") AS "注销日期", txt("吊销日期") AS "吊销日期", txt("行业代码") AS "行业代码", txt("登记机关") AS "登记机关", txt("住所") AS "住所", txt("所属区划代码") AS "所属区划代码", txt("经营范围") AS "经营范围"
      FROM read_csv('{raw}/registry/*', header = true, auto_detect = false, delim = ',', quote = '"',
                  escape = '"', all_varchar = true, null_padding = true, strict_mode = false,
                  union_by_name = true, parallel = false))
);

CREATE OR REPLACE TEMP TABLE registry AS
SELECT * EXCLUDE (em, am, dm, rm),
    to_date(established_text, em) AS established_date,
    to_date(approved_text, am) AS approved_date,
    to_date(deregistered_text, dm) AS deregistered_date,
    to_date(revoked_text, rm) AS revoked_date
FROM (
    SELECT
        rowid AS rn,
        upper(uscc_text) AS uscc,
        name, established_text, approved_text, deregistered_text, revoked_text,
        status_text, industry_text, authority, address, division_text, scope,
        date_parts(established_text) AS em,
        date_parts(approved_text) AS am,
        date_parts(deregistered_text) AS dm,
        date_parts(revoked_text) AS rm
    FROM registry_cells
    WHERE uscc_text IS NOT NULL AND name IS NOT NULL AND status_text IS NOT NULL AND established_text IS NOT NULL
);

-- Row checks (USCC, status, dates), then duplicates: per USCC the latest 核准日期 wins (blank first,
-- ties to the later row), then on the register at the as-of date.
CREATE OR REPLACE TEMP TABLE on_register AS
WITH statuses AS (
    SELECT DISTINCT fw(txt(raw_status)) AS status_text, status_class
    FROM read_csv('{seeds}/registry_status_map.csv', header = true, delim = ',', quote = '"',
    escape = '"', all_varchar = true, null_padding = true, strict_mode = false)
),
valid AS (
    SELECT r.*, s.status_class
    FROM registry AS r
    JOIN statuses AS s ON s.status_text = r.status_text
    WHERE regexp_full_match(r.uscc, '[0-9A-HJ-NPQRTUWXY]{18}')
      AND (31 - ((instr('0123456789ABCDEFGHJKLMNPQRTUWXY', r.uscc[1]) - 1) * 1
               + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', r.uscc[2]) - 1) * 3
               + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', r.uscc[3]) - 1) * 9
               + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', r.uscc[4]) - 1) * 27
               + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', r.uscc[5]) - 1) * 19
               + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', r.uscc[6]) - 1) * 26
               + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', r.uscc[7]) - 1) * 16
               + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', r.uscc[8]) - 1) * 17
               + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', r.uscc[9]) - 1) * 20
               + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', r.uscc[10]) - 1) * 29
               + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', r.uscc[11]) - 1) * 25
               + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', r.uscc[12]) - 1) * 13
               + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', r.uscc[13]) - 1) * 8
               + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', r.uscc[14]) - 1) * 24
               + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', r.uscc[15]) - 1) * 10
               + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', r.uscc[16]) - 1) * 30
               + (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', r.uscc[17]) - 1) * 28) % 31) % 31
          = instr('0123456789ABCDEFGHJKLMNPQRTUWXY', r.uscc[18]) - 1
      AND r.established_date IS NOT NULL
      AND (r.approved_text IS NULL OR r.approved_date IS NOT NULL)
      AND (r.deregistered_text IS NULL OR r.deregistered_date IS NOT NULL)
      AND (r.revoked_text IS NULL OR r.revoked_date IS NOT NULL)
),
latest AS (
    SELECT * FROM valid
    QUALIFY row_number() OVER (PARTITION BY uscc ORDER BY approved_date DESC NULLS LAST, rn DESC) = 1
)
SELECT * FROM latest
WHERE established_date <= DATE '{as_of_date}'
  AND (status_class IN ('active', 'suspended')
       OR (status_class = 'closed' AND least(deregistered_date, revoked_date) > DATE '{as_of_date}'));

-- Attribution, rules 1–4 (rule 5 only decides between two excluded outcomes).
CREATE OR REPLACE TEMP TABLE enterprise_counties AS
WITH coded AS (
    SELECT e.uscc, e.address, e.authority,
        coalesce(xw.new_code, pdivision(e.division_text)) AS code,
        coalesce(uxw.new_code, substr(e.uscc, 3, 6)) AS uscc_code
    FROM on_register AS e
    LEFT JOIN ref_crosswalk AS xw ON xw.old_code = pdivision(e.division_text)
    LEFT JOIN ref_crosswalk AS uxw ON uxw.old_code = substr(e.uscc, 3, 6)
),
by_code AS (
    SELECT coded.*, c.county_code AS code_county,
        c.county_code IS NULL AND NOT coalesce(regexp_full_match(code, '4500\d\d|45\d\d00|45\d\d99'), false)
            AS undecided
    FROM coded LEFT JOIN ref_counties AS c ON c.county_code = coded.code
),
hits AS (
    SELECT b.uscc, p.county_code, p.len,
        CASE WHEN contains(b.address, p.pattern) THEN 1 ELSE 2 END AS text_pos
    FROM by_code AS b
    JOIN ref_patterns AS p ON contains(b.address, p.pattern) OR contains(b.authority, p.pattern)
    WHERE b.undecided
    QUALIFY text_pos = min(text_pos) OVER (PARTITION BY b.uscc)
),
by_text AS (
    SELECT uscc, CASE WHEN count(DISTINCT county_code) = 1 THEN min(county_code) END AS county_code
    FROM (SELECT * FROM hits QUALIFY len = max(len) OVER (PARTITION BY uscc))
    GROUP BY uscc
)
SELECT b.uscc,
    CASE
        WHEN b.code_county IS NOT NULL THEN b.code_county
        WHEN NOT b.undecided THEN NULL
        WHEN t.uscc IS NOT NULL THEN t.county_code
        ELSE u.county_code
    END AS county_code
FROM by_code AS b
LEFT JOIN by_text AS t ON t.uscc = b.uscc
LEFT JOIN ref_counties AS u ON u.county_code = b.uscc_code;

-- result: enterprise_counts
WITH industries AS (
    SELECT industry_code FROM read_csv('{seeds}/digital_economy_industries.csv', header = true, delim = ',', quote = '"',
    escape = '"', all_varchar = true, null_padding = true, strict_mode = false)
    WHERE lower(is_core) = 'true'
),
terms AS (
    SELECT term, field FROM read_csv('{seeds}/smart_city_enterprise_terms.csv', header = true, delim = ',', quote = '"',
    escape = '"', all_varchar = true, null_padding = true, strict_mode = false)
),
counted AS (
    SELECT e.*,
        regexp_full_match(upper(e.industry_text), '[A-T]?\d{4}')
            AND right(upper(e.industry_text), 4) IN (SELECT industry_code FROM industries) AS is_digital
    FROM on_register AS e
    JOIN enterprise_counties AS c ON c.uscc = e.uscc AND c.county_code IS NOT NULL
)
SELECT
    DATE '{as_of_date}' AS as_of_date,
    count(*) AS enterprises_on_register,
    count(*) FILTER (WHERE is_digital) AS digital_economy_enterprises,
    count(*) FILTER (WHERE is_digital AND EXISTS (
        SELECT 1 FROM terms AS t
        WHERE (t.field IN ('name_or_business_scope', 'name') AND contains(counted.name, t.term))
           OR (t.field IN ('name_or_business_scope', 'business_scope') AND contains(counted.scope, t.term))))
        AS smart_city_enterprises
FROM counted;

-- ================================================================ connectivity
CREATE OR REPLACE TEMP TABLE connectivity_cells AS
SELECT
    pdivision(fw("区划代码")) AS division_code,
    fw("年份") AS year_text,
    replace(fw("常住人口"), ',', '') AS pop,
    replace(fw("乡村常住人口"), ',', '') AS rural_pop,
    replace(fw("网民数"), ',', '') AS users,
    replace(fw("乡村网民数"), ',', '') AS rural_users,
    replace(fw("家庭户数"), ',', '') AS households,
    replace(fw("固定宽带用户数"), ',', '') AS broadband,
    replace(fw("5G基站数"), ',', '') AS bs5g,
    rtrim(regexp_replace(fw("千兆光网覆盖率"), '%$', '')) AS gigabit,
    rtrim(regexp_replace(fw("行政村5G通达率"), '%$', '')) AS village5g
FROM (SELECT txt("区划代码") AS "区划代码", txt("年份") AS "年份", txt("常住人口") AS "常住人口", txt("乡村常住人口") AS "乡村常住人口", txt("网民数") AS "网民数", txt("乡村网民数") AS "乡村网民数", txt("家庭户数") AS "家庭户数", txt("固定宽带用户数") AS "固定宽带用户数", txt("5G基站数") AS "5G基站数", txt("千兆光网覆盖率") AS "千兆光网覆盖率", txt("行政村5G通达率") AS "行政村5G通达率"
      FROM read_csv('{raw}/connectivity/*', header = true, auto_detect = false, delim = ',', quote = '"',
              escape = '"', all_varchar = true, null_padding = true, strict_mode = false,
              union_by_name = true, parallel = false));

-- result: internet_penetration
WITH cells AS (SELECT rowid AS rn, * FROM connectivity_cells),
typed AS (
    SELECT
        rn,
        c.county_code,
        CASE WHEN regexp_full_match(year_text, '\d{4}') THEN CAST(year_text AS INTEGER) END AS year,
        CASE WHEN regexp_full_match(pop, '\d+') THEN TRY_CAST(pop AS BIGINT) END AS pop,
        CASE WHEN regexp_full_match(rural_pop, '\d+') THEN TRY_CAST(rural_pop AS BIGINT) END AS rural_pop,
        CASE WHEN regexp_full_match(users, '\d+') THEN TRY_CAST(users AS BIGINT) END AS users,
        CASE WHEN regexp_full_match(rural_users, '\d+') THEN TRY_CAST(rural_users AS BIGINT) END AS rural_users,
        CASE WHEN regexp_full_match(households, '\d+') THEN TRY_CAST(households AS BIGINT) END AS households,
        CASE WHEN regexp_full_match(broadband, '\d+') THEN TRY_CAST(broadband AS BIGINT) END AS broadband,
        CASE WHEN regexp_full_match(bs5g, '\d+') THEN TRY_CAST(bs5g AS BIGINT) END AS bs5g,
        regexp_full_match(gigabit, '\d+(\.\d+)?') AND TRY_CAST(gigabit AS DOUBLE) BETWEEN 0 AND 100 AS gigabit_ok,
        regexp_full_match(village5g, '\d+(\.\d+)?') AND TRY_CAST(village5g AS DOUBLE) BETWEEN 0 AND 100 AS village5g_ok
    FROM cells
    LEFT JOIN ref_crosswalk AS xw ON xw.old_code = cells.division_code
    JOIN ref_counties AS c ON c.county_code = coalesce(xw.new_code, cells.division_code)
),
last_wins AS (
    SELECT * FROM typed
    WHERE year IS NOT NULL
      AND pop > 0 AND rural_pop IS NOT NULL AND users IS NOT NULL AND rural_users IS NOT NULL
      AND households > 0 AND broadband IS NOT NULL AND bs5g IS NOT NULL
      AND gigabit_ok AND village5g_ok
      AND rural_pop <= pop AND users <= pop AND rural_users <= rural_pop
    QUALIFY rn = max(rn) OVER (PARTITION BY county_code, year)
)
SELECT
    year,
    count(*) AS county_count,
    CAST(sum(users) AS DOUBLE) / nullif(sum(pop), 0) AS overall_rate,
    CAST(sum(rural_users) AS DOUBLE) / nullif(sum(rural_pop), 0) AS rural_rate,
    CAST(sum(users) - sum(rural_users) AS DOUBLE) / nullif(sum(pop) - sum(rural_pop), 0) AS urban_rate
FROM last_wins
GROUP BY year
ORDER BY year;
