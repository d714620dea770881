"""Volume checks of one raw source: quarantine share, year-on-year change, file accounting.

The frame is aggregated in DuckDB (a handful of rows): one row ``quarantine`` with
``quarantined_share`` and ``empty_source`` (1 when the source has files but not one row while
the last published build had rows of it: a band judges nothing on 0 rows, so this is its own
ERROR; a source without files, or a first build of header-only files, is allowed by the
contract — "A header-only file is valid (0 rows)"), one row per judged year pair with ``yoy_fold_change``, and one row per loaded
file with the accounting gaps (rows read − accepted − quarantined, and the file table's counts
against the rows actually in the tables).
"""

from __future__ import annotations

from typing import Any

from expectations.bands import YOY_MIN_BASE_ROWS, band
from expectations.gxlib import band_expectations, make_suite
from expectations.params import sql_array
from expectations.suites._common import between

INDEX_COLUMNS = ["key"]
GAP_COLUMNS = ["rows_read_gap", "accepted_gap", "quarantined_gap"]


def bands_of(source: str) -> dict[str, str]:
    return {"quarantined_share": f"quarantine_share.{source}", "yoy_fold_change": f"yoy_fold_change.{source}"}


def query(
    source: str, accepted: str, quarantine: str, files: str, year_expr: str, p: dict[str, Any],
    year_count: str = "count(*)", published: str = "incremental.published_sources",
) -> str:
    return f"""
    with acc as (select source_file, count(*) as n from {accepted} group by all),
    quar as (select source_file, count(*) as n from {quarantine} group by all),
    share as (
        select 'quarantine' as key,
               (select coalesce(sum(n), 0) from quar)::double
                 / nullif((select coalesce(sum(n), 0) from acc) + (select coalesce(sum(n), 0) from quar), 0)
                 as quarantined_share,
               case when (select count(*) from {files} where status = 'loaded') > 0
                     and (select count(*) from acc) + (select count(*) from quar) = 0
                     and (select coalesce(max(rows_accepted), 0) from {published} where source = '{source}') > 0
                    then 1 else 0 end
                 as empty_source
    ),
    per_year as (
        select {year_expr} as y, {year_count} as n from {accepted} where {year_expr} is not null group by all
    ),
    judged as (select unnest({sql_array(p["report_years"])}) as y),
    yoy as (
        select j.y::varchar || '/' || (j.y - 1)::varchar as key,
               case when coalesce(cur.n, 0) = 0 then 'inf'::double
                    else greatest(cur.n, prev.n)::double / least(cur.n, prev.n) end as yoy_fold_change
        from judged j
        join per_year prev on prev.y = j.y - 1 and prev.n >= {YOY_MIN_BASE_ROWS}
        left join per_year cur on cur.y = j.y
    ),
    files as (
        select 'file:' || coalesce(f.source_file, acc.source_file, quar.source_file) as key,
               coalesce(f.rows_read, 0) - coalesce(f.rows_accepted, 0) - coalesce(f.rows_quarantined, 0)
                 as rows_read_gap,
               coalesce(f.rows_accepted, 0) - coalesce(acc.n, 0) as accepted_gap,
               coalesce(f.rows_quarantined, 0) - coalesce(quar.n, 0) as quarantined_gap
        from (select * from {files} where status = 'loaded') f
        full join acc on acc.source_file = f.source_file
        full join quar on quar.source_file = coalesce(f.source_file, acc.source_file)
    )
    select * from share
    union all by name select * from yoy
    union all by name select * from files
    """


def build_suite(name: str, source: str, p: dict[str, Any]) -> Any:
    expectations = [between(c, 0, 0) for c in [*GAP_COLUMNS, "empty_source"]]  # exact, and not empty: ERROR
    for column, band_name in bands_of(source).items():
        expectations += band_expectations(column, band_name, band(band_name, p))
    return make_suite(name, expectations)
