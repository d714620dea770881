"""figures.md `hot_topics`: term frequencies of each report year's smart-city lot titles (word cloud).

A dbt Python model rather than a Dagster/Python step: segmentation then stays in the dbt DAG, so its
inputs (lots, scenario keywords, county names) are refs with lineage, it is rebuilt and tested with
the rest of the report, and `dbt build` alone reproduces every report relation.

Title set: per report year, the 项目名称 of awarded smart-city lots attributed to a county, by
investment year (one title per lot). Segmentation: jieba precise mode, `lcut(title, HMM=False)`, with
every scenario keyword added as a user word. Dropped tokens: county names and aliases, prefecture
names, 广西, 广西壮族自治区, the contract's stopwords, `^\\d+年?$`, one-character tokens and tokens made
only of punctuation/symbols/whitespace.
"""

import os
import re
import tempfile
import unicodedata
from collections import Counter

import pyarrow as pa

REGION_TERMS = ("广西", "广西壮族自治区")
STOPWORDS = ("项目", "采购", "建设", "公告", "服务", "一期", "二期", "三期")
NUMBER_OR_YEAR = re.compile(r"^\d+年?$")


def make_tokenizer(user_words, tmp_dir):
    """A private jieba tokenizer (its own copy of the default dictionary) with the given user words,
    added in sorted order so the suggested frequencies — and the segmentation — are reproducible."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    os.makedirs(tmp_dir, exist_ok=True)
    tokenizer.tmp_dir = tmp_dir
    preloaded = jieba.dt
    if preloaded.initialized and preloaded.dictionary == jieba.DEFAULT_DICT:
        # The default dictionary is already loaded in this process (the build's dbt worker does
        # it while it waits: dagster_pipeline/dbt_worker.py); loading it again costs ≈ 1.5 s.
        # A copy, since add_word below changes it.
        tokenizer.FREQ, tokenizer.total = dict(preloaded.FREQ), preloaded.total
        tokenizer.initialized = True
    else:
        tokenizer.initialize()
    for word in sorted(set(user_words)):
        tokenizer.add_word(word)
    return tokenizer


def is_punctuation(token):
    """True when every character is punctuation, a symbol or whitespace."""
    return all(unicodedata.category(ch)[0] in "PSZ" or ch.isspace() for ch in token)


def keep_token(token, dropped_terms):
    token = token.strip()
    return (
        len(token) > 1
        and token not in dropped_terms
        and not NUMBER_OR_YEAR.match(token)
        and not is_punctuation(token)
    )


def term_frequencies(titles_by_year, tokenizer, dropped_terms):
    """Rows (year, term, frequency) counting every kept token occurrence in the year's titles.
    Lots of one project share a title, so each distinct title is segmented once and weighted."""
    rows = []
    for year, titles in titles_by_year:
        counts = Counter()
        for title, title_count in Counter(titles).items():
            for token in tokenizer.lcut(title, HMM=False):
                token = token.strip()
                if keep_token(token, dropped_terms):
                    counts[token] += title_count
        rows.extend((year, term, frequency) for term, frequency in counts.items())
    return rows


def parse_years(value):
    """Report years from the model config (rendered from var('report_years'))."""
    if isinstance(value, (list, tuple)):
        return [int(v) for v in value]
    return [int(v) for v in re.findall(r"\d{4}", str(value))]


def model(dbt, session):
    dbt.config(materialized="table")
    report_years = parse_years(dbt.config.get("report_years"))

    # Filter and project in DuckDB: pulling the whole lot table into pandas costs more than segmenting.
    years_sql = ", ".join(str(year) for year in report_years) or "null"
    titles = (
        dbt.ref("fct_procurement_lots")
        .filter(
            "is_counted and is_smart_city"
            f" and project_name is not null and investment_year in ({years_sql})"
        )
        .project("investment_year, project_name")
        .fetchall()
    )
    keywords = [row[0] for row in dbt.ref("stg_reference__scenario_keywords").project("keyword").fetchall()]
    patterns = [row[0] for row in dbt.ref("int_reference__county_name_patterns").project("pattern").fetchall()]
    titles_by_year = [
        (year, [title for title_year, title in titles if title_year == year]) for year in sorted(report_years)
    ]

    dropped_terms = {pattern for pattern in patterns if pattern} | set(REGION_TERMS) | set(STOPWORDS)
    tmp_dir = os.path.join(tempfile.gettempdir(), "smartcounty-jieba")
    tokenizer = make_tokenizer([keyword for keyword in keywords if keyword], tmp_dir)

    # An Arrow table, not pandas: dbt-duckdb imports pyarrow to write the result anyway, and importing
    # pandas for this one frame cost 0.8 s of CPU, more than the segmentation at scale 1.
    rows = sorted(term_frequencies(titles_by_year, tokenizer, dropped_terms), key=lambda r: (r[0], -r[2], r[1]))
    schema = pa.schema([("year", pa.int32()), ("term", pa.string()), ("frequency", pa.int64())])
    return pa.Table.from_pylist([dict(zip(schema.names, row)) for row in rows], schema=schema)
