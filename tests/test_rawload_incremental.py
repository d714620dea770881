"""The raw load's incremental mode (smartcounty.rawload.load_source(mode="incremental")):
only added/changed files are parsed, rows of changed/removed files are replaced, accounting
stays exact, and the result equals a full load of the same drop."""

from __future__ import annotations

import duckdb
import pytest

from rawload_helpers import SEEDS_DIR, connectivity_row, csv_text, procurement_row, registry_row, write
from smartcounty.rawload import SOURCES, known_files, load_source, scan_drop
from smartcounty.rawload.load import CHANGED_PROJECTS, PENDING_SOURCES
from smartcounty.rawload.spec import CONNECTIVITY, PROCUREMENT, REGISTRY, SPECS


def proc(path_rows):
    return csv_text(PROCUREMENT.headers, path_rows)


def base_drop(raw):
    write(raw, "procurement/a.csv", proc([
        procurement_row(公告ID="N1", 项目编号="P1"),
        procurement_row(公告ID="N2", 项目编号="P2", 发布日期="bad"),  # quarantined
    ]))
    write(raw, "procurement/b.csv", proc([
        procurement_row(公告ID="N3", 项目编号="P3"),
        procurement_row(公告ID="N4", 项目编号="P4"),
    ]))
    write(raw, "procurement/c.csv", proc([procurement_row(公告ID="N5", 项目编号="P5")]))
    # N6 is posted under P6 here and again under P7 in another file: one 公告ID, two projects
    write(raw, "procurement/d.csv", proc([procurement_row(公告ID="N6", 项目编号="P6")]))
    write(raw, "procurement/e.csv", proc([procurement_row(公告ID="N6", 项目编号="P7")]))
    write(raw, "registry/r.csv", csv_text(REGISTRY.headers, [registry_row()]))
    write(raw, "connectivity/c.csv", csv_text(CONNECTIVITY.headers, [connectivity_row()]))


def load_all(con, raw, mode):
    manifest = scan_drop(raw, known=known_files(con) if mode != "full" else None)
    return {s: load_source(con, manifest, s, SEEDS_DIR, mode=mode) for s in SOURCES}


def contents(con):
    """Every raw table as an order-independent multiset of rows, with its columns."""
    out = {}
    for spec in SPECS.values():
        for table in (spec.table, spec.quarantine_table, spec.files_table):
            cols = [r[0] for r in con.execute(f"DESCRIBE raw.{table}").fetchall()]
            out[table] = (cols, sorted(map(repr, con.execute(f"SELECT * FROM raw.{table}").fetchall())))
    return out


def changed_projects(con):
    return {r[0] for r in con.execute(f"SELECT project_code FROM {CHANGED_PROJECTS}").fetchall()}


def test_incremental_load_equals_full_load_and_parses_only_changes(tmp_path):
    raw = tmp_path / "raw"
    base_drop(raw)
    con = duckdb.connect()
    first = load_all(con, raw, "incremental")
    assert {r.action for r in first.values()} == {"full"}
    assert first["procurement"].reason == "no previous load"
    con.execute(f"DELETE FROM {PENDING_SOURCES}")  # as a successful build would

    # Nothing changed: nothing parsed, nothing written, nothing pending.
    again = load_all(con, raw, "incremental")
    assert {s: r.action for s, r in again.items()} == {s: "unchanged" for s in SOURCES}
    assert all(r.files_parsed == [] for r in again.values())
    assert con.execute(f"SELECT count(*) FROM {PENDING_SOURCES}").fetchone()[0] == 0

    # b.csv changes (P3 corrected, P4 gone, new P8), c.csv is removed, f.csv arrives, e.csv
    # (N6 under P7) is removed: N6's other posting under P6 must be recomputed too.
    write(raw, "procurement/b.csv", proc([
        procurement_row(公告ID="N3", 项目编号="P3", 项目名称="更正后的名称"),
        procurement_row(公告ID="N8", 项目编号="P8", 公告类型="??"),  # quarantined
    ]))
    (raw / "procurement/c.csv").unlink()
    (raw / "procurement/e.csv").unlink()
    write(raw, "procurement/f.csv", proc([procurement_row(公告ID="N9", 项目编号="P9")]))
    write(raw, "procurement/notes.txt", "now ignored")
    result = load_all(con, raw, "incremental")

    proc_result = result["procurement"]
    assert proc_result.action == "delta"
    assert proc_result.files_parsed == ["procurement/b.csv", "procurement/f.csv"]
    assert proc_result.files_removed == ["procurement/b.csv", "procurement/c.csv", "procurement/e.csv"]
    assert result["registry"].action == result["connectivity"].action == "unchanged"
    # accounting over the whole source: a.csv 2 (1+1), b.csv 2 (1+1), d.csv 1, f.csv 1
    assert (proc_result.rows_read, proc_result.rows_accepted, proc_result.rows_quarantined) == (6, 4, 2)
    assert proc_result.quarantine_by_reason == {"invalid_date": 1, "unknown_notice_type": 1}
    per_file = {f["source_file"]: (f["rows_read"], f["rows_accepted"], f["rows_quarantined"])
                for f in proc_result.per_file}
    assert per_file == {"procurement/a.csv": (2, 1, 1), "procurement/b.csv": (2, 1, 1),
                        "procurement/d.csv": (1, 1, 0), "procurement/f.csv": (1, 1, 0)}
    # P1 (a.csv) untouched; P3, P4 (changed file), P5 (removed file), P6 + P7 (shared 公告ID N6),
    # P9 (new) recomputed. P8's row was quarantined: no lot.
    assert changed_projects(con) == {"P3", "P4", "P5", "P6", "P7", "P9"}
    assert con.execute(f"SELECT source, full_reload FROM {PENDING_SOURCES}").fetchall() == [("procurement", False)]
    assert con.execute("SELECT count(*) FROM raw.procurement_notices WHERE source_file = 'procurement/c.csv'"
                       ).fetchone()[0] == 0

    incremental = contents(con)
    fresh = duckdb.connect()
    load_all(fresh, raw, "full")
    assert incremental == contents(fresh)


def test_unchanged_files_are_not_rewritten(tmp_path):
    raw = tmp_path / "raw"
    base_drop(raw)
    con = duckdb.connect()
    load_all(con, raw, "incremental")
    # rows of a.csv are never deleted and re-inserted: their rowids survive a delta load
    before = con.execute("SELECT rowid, source_line FROM raw.procurement_notices "
                         "WHERE source_file = 'procurement/a.csv'").fetchall()
    write(raw, "procurement/z.csv", proc([procurement_row(公告ID="N10", 项目编号="P10")]))
    result = load_all(con, raw, "incremental")["procurement"]
    assert result.files_parsed == ["procurement/z.csv"] and result.files_removed == []
    after = con.execute("SELECT rowid, source_line FROM raw.procurement_notices "
                        "WHERE source_file = 'procurement/a.csv'").fetchall()
    assert before == after


def test_new_extra_column_falls_back_to_full_load(tmp_path):
    raw = tmp_path / "raw"
    base_drop(raw)
    con = duckdb.connect()
    load_all(con, raw, "incremental")
    con.execute(f"DELETE FROM {PENDING_SOURCES}")
    write(raw, "procurement/g.csv", csv_text([*PROCUREMENT.headers, "备注"],
                                             [procurement_row(公告ID="N11", 项目编号="P11") + ["x"]]))
    result = load_all(con, raw, "incremental")["procurement"]
    assert result.action == "full" and result.reason == "the set of extra columns changed"
    assert con.execute(f"SELECT full_reload FROM {PENDING_SOURCES} WHERE source = 'procurement'").fetchone() == (True,)
    fresh = duckdb.connect()
    load_all(fresh, raw, "full")
    assert contents(con) == contents(fresh)


def test_changed_parsing_rules_force_a_full_load(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    base_drop(raw)
    con = duckdb.connect()
    load_all(con, raw, "incremental")
    import smartcounty.rawload.load as load_module

    monkeypatch.setattr(load_module, "loader_fingerprint", lambda seeds_dir: "other rules")
    result = load_all(con, raw, "incremental")
    assert {r.action for r in result.values()} == {"full"}
    assert result["registry"].reason == "parsing rules changed since the previous load"


def test_full_mode_writes_no_bookkeeping(tmp_path):
    raw = tmp_path / "raw"
    base_drop(raw)
    con = duckdb.connect()
    load_all(con, raw, "full")
    schemas = {r[0] for r in con.execute("SELECT DISTINCT table_schema FROM information_schema.tables").fetchall()}
    assert schemas == {"raw"}


def test_unknown_mode_is_refused(tmp_path):
    raw = tmp_path / "raw"
    base_drop(raw)
    with pytest.raises(ValueError):
        load_source(duckdb.connect(), scan_drop(raw), "procurement", SEEDS_DIR, mode="fast")
