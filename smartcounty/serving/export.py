"""``smartcounty export``: hand the published warehouse (every relation of ``marts`` and
``report`` in the serving copy) to other tools — Parquet (one file per relation, DuckDB's
``COPY … (FORMAT parquet)``) or one XLSX workbook (a sheet per relation after a contents
sheet) — with a ``manifest.json`` of row counts, column types, descriptions, the build time
and a SHA-256 per file.

Only the serving copy is read (read-only): it never holds personal data, and the export
takes the columns through the publish step's own filter (``served_columns``, which drops any
name matching ``PII_COLUMN``) anyway."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import duckdb

from smartcounty.serving.publish import SERVED_SCHEMAS, _quote, _sql_literal, served_columns, served_tables

FORMATS = ("parquet", "xlsx")
MANIFEST = "manifest.json"
WORKBOOK = "smartcounty.xlsx"
CONTENTS_SHEET = "目录 contents"
SHEET_NAME_MAX = 31  # Excel's limit
SHEET_ROWS_MAX = 1_048_576 - 1  # Excel's row limit, less the header row
_SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


class ExportError(Exception):
    """Bad input (no serving copy, an occupied output folder …): one clear message."""


@dataclass
class Relation:
    schema: str
    name: str
    description: str = ""
    columns: list[dict] = field(default_factory=list)  # {name, type, description}
    rows: int = 0

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    def select_sql(self) -> str:
        cols = ", ".join(_quote(c["name"]) for c in self.columns)
        return f"SELECT {cols} FROM {_quote(self.schema)}.{_quote(self.name)}"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sheet_names(names: list[str], reserved: tuple[str, ...] = (CONTENTS_SHEET,)) -> list[str]:
    """One Excel sheet name per name: forbidden characters replaced, at most 31 characters,
    unique without regard to case (as Excel compares them), none equal to a reserved name."""
    taken = {r.casefold() for r in reserved}
    out = []
    for name in names:
        base = name.translate(_SHEET_FORBIDDEN)[:SHEET_NAME_MAX] or "sheet"
        candidate, n = base, 1
        while candidate.casefold() in taken:
            n += 1
            suffix = f"~{n}"
            candidate = base[:SHEET_NAME_MAX - len(suffix)] + suffix
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


def read_relations(con: duckdb.DuckDBPyConnection) -> list[Relation]:
    """The served relations with their columns, types, descriptions and row counts."""
    tables = set(con.execute("select table_schema || '.' || table_name from information_schema.tables "
                             "where table_catalog = current_database() and table_schema = 'meta'").fetchall())
    model_desc = dict(((s, n), d) for s, n, d in con.execute(
        "select schema_name, name, description from meta.dbt_models").fetchall()) \
        if ("meta.dbt_models",) in tables else {}
    # Serving copies published before column descriptions were recorded have no meta.dbt_columns.
    column_desc = dict(((s, n, c), d) for s, n, c, d in con.execute(
        "select schema_name, name, column_name, description from meta.dbt_columns").fetchall()) \
        if ("meta.dbt_columns",) in tables else {}
    relations = []
    for schema in SERVED_SCHEMAS:
        for table in served_tables(con, schema):
            types = dict(con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_catalog = current_database() and table_schema = ? and table_name = ?",
                [schema, table]).fetchall())
            rel = Relation(schema, table, model_desc.get((schema, table), ""))
            rel.columns = [{"name": c, "type": types[c], "description": column_desc.get((schema, table, c), "")}
                           for c in served_columns(con, schema, table)]
            rel.rows = con.execute(f"select count(*) from {_quote(schema)}.{_quote(table)}").fetchone()[0]
            relations.append(rel)
    return relations


def built_at(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        row = con.execute("select max(built_at) from meta.build_info").fetchone()
    except duckdb.CatalogException:
        return None
    return row[0].isoformat() if row and row[0] is not None else None


def previous_export(out: Path) -> list[str]:
    """The files of the earlier export in ``out`` (replaced once the new one is complete, so no
    relation dropped since lingers). The folder must be new, empty or such an export: anything
    else is refused rather than overwritten."""
    if out.exists() and not out.is_dir():
        raise ExportError(f"output path is not a folder: {out}")
    out.mkdir(parents=True, exist_ok=True)
    if not [p for p in out.iterdir() if not p.name.startswith(".")]:
        return []
    manifest = out / MANIFEST
    if not manifest.exists():
        raise ExportError(f"{out} is not empty and holds no earlier export ({MANIFEST}); choose another --out")
    try:
        names = [f["file"] for f in json.loads(manifest.read_text(encoding="utf-8")).get("files", [])]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ExportError(f"{manifest} is not an export manifest; choose another --out") from exc
    return [name for name in names if Path(name).name == name]  # plain names of this folder only


def write_parquet(con, relations: list[Relation], folder: Path) -> dict[str, str]:
    files = {}
    for rel in relations:
        name = f"{rel.qualified}.parquet"
        con.execute(f"COPY ({rel.select_sql()}) TO {_sql_literal(str(folder / name))} (FORMAT parquet)")
        files[rel.qualified] = name
    return files


def write_xlsx(con, relations: list[Relation], folder: Path) -> dict[str, str]:
    """One workbook: the contents sheet (relation, sheet, rows, column, type, description), then a
    sheet per relation; one beyond Excel's row limit continues on sheets `~2`, `~3` …"""
    from openpyxl import Workbook

    parts = [(rel, i) for rel in relations for i in range(max(1, -(-rel.rows // SHEET_ROWS_MAX)))]
    names = sheet_names([rel.qualified if i == 0 else f"{rel.qualified}~{i + 1}" for rel, i in parts])
    sheets: dict[str, list[str]] = {}
    for (rel, _i), sheet in zip(parts, names):
        sheets.setdefault(rel.qualified, []).append(sheet)

    book = Workbook(write_only=True)  # streams rows: a million-row relation fits in memory
    contents = book.create_sheet(CONTENTS_SHEET)
    contents.append(["关系 relation", "工作表 sheet", "行数 rows", "列 column", "类型 type", "说明 description"])
    for rel in relations:
        contents.append([rel.qualified, ", ".join(sheets[rel.qualified]), rel.rows, None, None, rel.description])
        for col in rel.columns:
            contents.append([rel.qualified, None, None, col["name"], col["type"], col["description"]])
    for rel in relations:
        cur = con.execute(rel.select_sql())
        for sheet_name in sheets[rel.qualified]:
            sheet = book.create_sheet(sheet_name)
            sheet.append([c["name"] for c in rel.columns])
            left = SHEET_ROWS_MAX
            while left > 0:
                batch = cur.fetchmany(min(left, 10_000))
                if not batch:
                    break
                for row in batch:
                    sheet.append([_cell(v) for v in row])
                left -= len(batch)
    book.save(folder / WORKBOOK)
    return {rel.qualified: WORKBOOK for rel in relations}


def _cell(value):
    """Excel has no DECIMAL, no tz-aware time and no list type: the nearest it can hold."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def export(serving: Path, out: Path, fmt: str = "parquet") -> dict:
    """Write the export into ``out`` (through a hidden temp folder, so a failure leaves no half
    export and the earlier one in place) and return its manifest."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    serving, out = Path(serving), Path(out)
    if not serving.is_file():
        raise ExportError(f"serving copy not found: {serving} (run `smartcounty build` first)")
    try:
        con = duckdb.connect(str(serving), read_only=True)
    except duckdb.Error as exc:
        raise ExportError(f"cannot open the serving copy {serving} read-only: {exc}") from exc
    previous = previous_export(out)
    tmp = out / f".tmp-export-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        relations = read_relations(con)
        if not relations:
            raise ExportError(f"{serving} holds no relation of {', '.join(SERVED_SCHEMAS)}")
        files = (write_parquet if fmt == "parquet" else write_xlsx)(con, relations, tmp)
        manifest = {
            "format": fmt,
            "serving": str(serving.resolve()),
            "built_at": built_at(con),
            "exported_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
            "relations": [{"relation": rel.qualified, "file": files[rel.qualified], "rows": rel.rows,
                           "description": rel.description, "columns": rel.columns} for rel in relations],
            "files": [{"file": name, "bytes": (tmp / name).stat().st_size, "sha256": sha256(tmp / name)}
                      for name in sorted(set(files.values()))],
        }
        # Only now, with the new export complete, does the earlier one go.
        (out / MANIFEST).unlink(missing_ok=True)
        for name in previous:
            (out / name).unlink(missing_ok=True)
        for entry in manifest["files"]:
            os.replace(tmp / entry["file"], out / entry["file"])
        # The manifest last: a folder with a manifest is a complete export.
        (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        return manifest
    finally:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)
