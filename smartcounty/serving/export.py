"""``smartcounty export``: hand the published warehouse (every relation of ``marts`` and
``report`` in the serving copy) to other tools — Parquet (one file per relation, DuckDB's
``COPY … (FORMAT parquet)``) or one XLSX workbook (a sheet per relation after a contents
sheet) — with a ``manifest.json`` of row counts, column types, descriptions, the build time
and a SHA-256 per file.

Only the serving copy is read (read-only): it never holds personal data, and the export
takes the columns through the publish step's own filter (``served_columns``, which drops any
name matching ``PII_COLUMN``) anyway.

Long because the XLSX writer is one piece: cell typing (in SQL), escaping, Excel's limits and the
zip stream must agree with each other, and they are tested together."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import duckdb
import pyarrow.compute as pc

from smartcounty import settings
from smartcounty.serving.publish import SERVED_SCHEMAS, _quote, _sql_literal, served_columns, served_tables

FORMATS = ("parquet", "xlsx")
MANIFEST = "manifest.json"
WORKBOOK = "smartcounty.xlsx"
CONTENTS_SHEET = "目录 contents"
SHEET_NAME_MAX = 31  # Excel's limit
SHEET_ROWS_MAX = 1_048_576 - 1  # Excel's row limit, less the header row
SHEET_COLUMNS_MAX = 16_384  # Excel's column limit
CELL_CHARS_MAX = 32_767  # Excel's limit of characters in a cell
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
    sheets: list[str] = field(default_factory=list)  # XLSX only: its sheets, in order
    truncated_cells: int = 0  # XLSX only: text cells cut to CELL_CHARS_MAX

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


def write_xlsx(con, relations: list[Relation], folder: Path, rows_per_sheet: int = SHEET_ROWS_MAX) -> dict[str, str]:
    """One workbook: the contents sheet (relation, sheets, rows, cut cells, column, type,
    description), then a sheet per relation; one beyond ``rows_per_sheet`` (Excel's row limit)
    continues on sheets ``~2``, ``~3`` … Text longer than Excel's 32,767 characters per cell is cut to it and counted in
    ``Relation.truncated_cells``.

    DuckDB writes each row's SpreadsheetML itself (``_row_sql``), vectorised; Python only streams
    the rows, a batch at a time, into the zip. A per-cell writer (openpyxl ``write_only``, or
    xlsxwriter ``constant_memory``, no faster) spent 55 s of CPU on 115k rows; this spends 4 s."""
    for rel in relations:
        if len(rel.columns) > SHEET_COLUMNS_MAX:
            raise ExportError(f"{rel.qualified} has {len(rel.columns)} columns, more than an Excel sheet holds "
                              f"({SHEET_COLUMNS_MAX}): export it as Parquet")
    parts = [(rel, i) for rel in relations for i in range(max(1, -(-rel.rows // rows_per_sheet)))]
    names = sheet_names([rel.qualified if i == 0 else f"{rel.qualified}~{i + 1}" for rel, i in parts])
    for rel in relations:
        rel.sheets = []
    for (rel, _i), sheet in zip(parts, names):
        rel.sheets.append(sheet)

    with zipfile.ZipFile(folder / WORKBOOK, "w", zipfile.ZIP_DEFLATED, compresslevel=_ZIP_LEVEL) as book:
        number = 2  # worksheet files are numbered in sheet order; sheet1 is the contents
        for rel in relations:
            _write_relation(book, con, rel, folder, number, rows_per_sheet)
            number += len(rel.sheets)
        contents = [["关系 relation", "工作表 sheet", "行数 rows", "截断单元格 truncated cells", "列 column",
                     "类型 type", "说明 description"]]
        for rel in relations:
            contents.append([rel.qualified, ", ".join(rel.sheets), rel.rows, rel.truncated_cells,
                             None, None, rel.description])
            contents.extend([rel.qualified, None, None, None, c["name"], c["type"], c["description"]]
                            for c in rel.columns)
        book.writestr("xl/worksheets/sheet1.xml", _sheet_head(len(contents[0]), len(contents), selected=True)
                      + "".join(_row_xml(r, row, _STYLE_HEADER if r == 1 else None)
                                for r, row in enumerate(contents, start=1)) + _SHEET_TAIL)
        _write_package(book, [CONTENTS_SHEET] + names)
    return {rel.qualified: WORKBOOK for rel in relations}


def _write_relation(book: zipfile.ZipFile, con, rel: Relation, folder: Path, number: int,
                    rows_per_sheet: int) -> None:
    """The relation's sheets as worksheet files ``number``, ``number + 1`` …, each with the header."""
    header = _row_xml(1, [c["name"] for c in rel.columns], _STYLE_HEADER)
    rel.truncated_cells = 0
    # A cursor of its own: a streaming result needs a connection with no unfinished one.
    with con.cursor() as cur:
        cur.execute(_TEXT_MACRO)
        with cur.sql(_row_sql(rel, rows_per_sheet)).to_arrow_reader(_BATCH_ROWS) as reader:
            chunks = _split(reader, rows_per_sheet)
            chunk = next(chunks, None)
            for part in range(len(rel.sheets)):
                rows = min(rows_per_sheet, rel.rows - part * rows_per_sheet)
                # Through a file, so the zip knows the size and uses ZIP64 only when a sheet needs it.
                xml_path = folder / f".sheet{number + part}.xml"
                with open(xml_path, "w", encoding="utf-8") as fh:
                    fh.write(_sheet_head(len(rel.columns), rows + 1) + header)
                    while chunk is not None and chunk[0] == part:
                        fh.write("".join(chunk[1].column(0).to_pylist()))
                        rel.truncated_cells += pc.sum(chunk[1].column(1)).as_py() or 0
                        chunk = next(chunks, None)
                    fh.write(_SHEET_TAIL)
                book.write(xml_path, f"xl/worksheets/sheet{number + part}.xml")
                xml_path.unlink()


def _split(reader, rows_per_sheet: int):
    """The reader's batches cut at every ``rows_per_sheet``-th row: (sheet part, batch)."""
    done = 0
    for batch in reader:
        while batch.num_rows:
            part, offset = divmod(done, rows_per_sheet)
            take = batch.slice(0, rows_per_sheet - offset)
            yield part, take
            done += take.num_rows
            batch = batch.slice(take.num_rows)


# ---------------------------------------------------------------- SpreadsheetML
# The parts of an .xlsx (ECMA-376) that Excel, LibreOffice, openpyxl and pandas need: content
# types, relationships, the workbook with its sheet list, styles (a date, a date-time and a bold
# header format) and the worksheets. Cells carry explicit types: numbers as numbers, dates as
# date serials with a date format, text as inline strings, NULL as no cell.
_ZIP_LEVEL = 1  # zlib's fastest: a third less CPU than the default 6 for a file a quarter larger
_BATCH_ROWS = 2048  # DuckDB's vector size; larger batches cost memory (20,000: +110 MiB peak) and gain nothing
_STYLE_DATE, _STYLE_DATETIME, _STYLE_HEADER = 1, 2, 3
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SHEET_TAIL = "</sheetData></worksheet>"
_STYLES = (
    f'{_XML_DECL}<styleSheet {_NS}>'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')
# Characters XML 1.0 cannot carry, written as Excel does (_xHHHH_), and a literal _xHHHH_ in the
# text escaped (_x005F_xHHHH_) so that Excel does not decode it.
_XML_UNSAFE_PY = re.compile(r"_x[0-9A-Fa-f]{4}_|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_XML_UNSAFE_CHAR_SQL = r"[\x{0}-\x{8}\x{B}-\x{1F}\x{FFFE}\x{FFFF}]"  # the same characters in RE2
# xml_text in SQL, on the cursor that streams a relation (temporary: the serving copy is read-only).
_TEXT_MACRO = (
    "CREATE OR REPLACE TEMP MACRO xlsx_text(s) AS replace(replace(replace("
    f"CASE WHEN regexp_matches(s, '_x[0-9A-Fa-f]{{4}}_|{_XML_UNSAFE_CHAR_SQL}') "
    r"THEN array_to_string(list_transform(string_split(regexp_replace(s, '_x([0-9A-Fa-f]{4})_', '_x005F_x\1_', 'g'), ''), "
    f"lambda c: CASE WHEN regexp_matches(c, '{_XML_UNSAFE_CHAR_SQL}') THEN printf('_x%04X_', unicode(c)) ELSE c END), '') "
    "ELSE s END, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')")
_INT_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
              "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"}


def column_letter(index: int) -> str:
    """Excel's column name of a 0-based column index: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xml_text(text: str) -> str:
    """Text as an inline-string cell holds it (cut to Excel's cell limit); ``_TEXT_MACRO`` is the
    same rule in SQL."""
    text = _XML_UNSAFE_PY.sub(lambda m: "_x005F" + m[0] if len(m[0]) > 1 else f"_x{ord(m[0]):04X}_",
                              text[:CELL_CHARS_MAX])
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _row_xml(row: int, values: list, style: int | None = None) -> str:
    """A row of the contents sheet or a header (text, integers, None) in Python."""
    s = f' s="{style}"' if style else ""
    cells = "".join(
        f'<c r="{column_letter(i)}{row}"{s}><v>{value}</v></c>' if isinstance(value, int) else
        f'<c r="{column_letter(i)}{row}"{s} t="inlineStr"><is><t xml:space="preserve">{xml_text(value)}</t></is></c>'
        for i, value in enumerate(values) if value is not None)
    return f'<row r="{row}">{cells}</row>'


def _cell_sql(letter: str, value: str, duck_type: str) -> tuple[str, str | None]:
    """(SQL giving the cell's XML, NULL for a NULL value; SQL giving 1 when its text is cut)."""
    ref = "'<c r=\"" + letter + "' || r || '\""  # SQL text up to the cell's attributes

    def typed(number: str, attrs: str = "") -> str:
        return f"{ref}{attrs}><v>' || {number} || '</v></c>'"

    def error(code: str) -> str:
        return ref + ' t="e"><v>' + code + "</v></c>'"

    def text(string: str) -> str:
        return (ref + ' t="inlineStr"><is><t xml:space="preserve">\' || '
                + f"xlsx_text(left({string}, {CELL_CHARS_MAX})) || '</t></is></c>'")

    date_style, datetime_style = f' s="{_STYLE_DATE}"', f' s="{_STYLE_DATETIME}"'
    base = duck_type.split("(")[0]
    if base == "BOOLEAN":
        return typed(f"CAST({value} AS INTEGER)", ' t="b"'), None
    if base in _INT_TYPES or base == "DECIMAL":
        return typed(f"CAST({value} AS VARCHAR)"), None
    if base in ("FLOAT", "DOUBLE"):  # Excel has no NaN or infinity: the error values xlsxwriter writes
        return (f"CASE WHEN isnan({value}) THEN {error('#NUM!')} WHEN isinf({value}) THEN {error('#DIV/0!')} "
                f"ELSE {typed(f'CAST({value} AS VARCHAR)')} END"), None
    # Excel's date serials count days from 1899-12-30, valid from 1900-03-01 (before it lies its
    # 1900 leap-year bug) to 9999-12-31; other dates and infinity stay text.
    if base == "DATE":
        serial = f"date_diff('day', DATE '1899-12-30', {value})"
        return (f"CASE WHEN {value} BETWEEN DATE '1900-03-01' AND DATE '9999-12-31' "
                f"THEN {typed(serial, date_style)} ELSE {text(f'CAST({value} AS VARCHAR)')} END"), None
    if base.startswith("TIMESTAMP"):  # Excel has no time zone: an aware time as UTC
        ts = f"({value} AT TIME ZONE 'UTC')" if "TIME ZONE" in duck_type else f"CAST({value} AS TIMESTAMP)"
        serial = f"CAST(epoch_us({ts}) AS DOUBLE) / 86400000000 + 25569"
        return (f"CASE WHEN isfinite({ts}) AND {ts} >= TIMESTAMP '1900-03-01' AND year({ts}) <= 9999 "
                f"THEN {typed(serial, datetime_style)} ELSE {text(f'CAST({ts} AS VARCHAR)')} END"), None
    # Text; lists, structs and maps as JSON; anything else as DuckDB writes it.
    nested = re.search(r"\]$|^(STRUCT|MAP|UNION)\(", duck_type)
    string = f"CAST(to_json({value}) AS VARCHAR)" if nested else f"CAST({value} AS VARCHAR)"
    return text(string), f"CAST(length({string}) > {CELL_CHARS_MAX} AS INTEGER)"


def _row_sql(rel: Relation, rows_per_sheet: int) -> str:
    """One row of XML per row of the relation, numbered within its sheet (the header is row 1),
    and the number of its cells cut to Excel's limit. ``row_number() OVER ()`` streams in
    DuckDB, in scan order."""
    cells, cuts = ["'<row r=\"'", "r", "'\">'"], []
    for i, col in enumerate(rel.columns):
        cell, cut = _cell_sql(column_letter(i), f"v{i}", col["type"])
        cells.append(cell)
        if cut:
            cuts.append(f"coalesce({cut}, 0)")
    cells.append("'</row>'")
    values = "".join(f", {_quote(c['name'])} AS v{i}" for i, c in enumerate(rel.columns))
    row = f"CAST((row_number() OVER () - 1) % {rows_per_sheet} + 2 AS VARCHAR) AS r"
    return (f"SELECT concat({', '.join(cells)}) AS xml, {' + '.join(cuts) or '0'} AS cut "
            f"FROM (SELECT {row}{values} FROM {_quote(rel.schema)}.{_quote(rel.name)})")


def _sheet_head(columns: int, rows: int, selected: bool = False) -> str:
    """A worksheet up to its first row: its extent, and the header row frozen."""
    last = f"{column_letter(max(columns, 1) - 1)}{rows}"
    tab = ' tabSelected="1"' if selected else ""
    return (f'{_XML_DECL}<worksheet {_NS} {_NS_R}><dimension ref="A1:{last}"/>'
            f'<sheetViews><sheetView{tab} workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>')


def _write_package(book: zipfile.ZipFile, sheets: list[str]) -> None:
    """Everything but the worksheets: the sheet list (in order), relationships, content types, styles."""
    worksheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    rel_type = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    book.writestr("[Content_Types].xml", (
        f'{_XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{worksheet}"/>'
                  for n in range(1, len(sheets) + 1))
        + "</Types>"))
    book.writestr("_rels/.rels", (
        f'{_XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel_type}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
    book.writestr("xl/_rels/workbook.xml.rels", (
        f'{_XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(f'<Relationship Id="rId{n}" Type="{rel_type}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                  for n in range(1, len(sheets) + 1))
        + f'<Relationship Id="rId{len(sheets) + 1}" Type="{rel_type}/styles" Target="styles.xml"/></Relationships>'))
    book.writestr("xl/workbook.xml", (
        f'{_XML_DECL}<workbook {_NS} {_NS_R}><bookViews><workbookView activeTab="0"/></bookViews><sheets>'
        + "".join(f'<sheet name="{xml_escape(name, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
                  for n, name in enumerate(sheets, start=1))
        + "</sheets></workbook>"))
    book.writestr("xl/styles.xml", _STYLES)


def export(serving: Path, out: Path, fmt: str = "parquet", rows_per_sheet: int = SHEET_ROWS_MAX) -> dict:
    """Write the export into ``out`` (through a hidden temp folder, so a failure leaves no half
    export and the earlier one in place) and return its manifest. ``rows_per_sheet`` is Excel's
    limit; tests lower it."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    serving, out = Path(serving), Path(out)
    if not serving.is_file():
        raise ExportError(f"serving copy not found: {serving} (run `smartcounty build` first)")
    try:
        memory_limit = settings.duckdb_memory_limit()  # the build's limit bounds the export too
    except ValueError as exc:
        raise ExportError(str(exc)) from exc
    try:
        con = duckdb.connect(str(serving), read_only=True, config={"memory_limit": memory_limit})
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
        files = write_parquet(con, relations, tmp) if fmt == "parquet" else \
            write_xlsx(con, relations, tmp, rows_per_sheet)
        manifest = {
            "format": fmt,
            "serving": str(serving.resolve()),
            "built_at": built_at(con),
            "exported_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
            "relations": [{"relation": rel.qualified, "file": files[rel.qualified], "rows": rel.rows,
                           **({"sheets": rel.sheets, "truncated_cells": rel.truncated_cells} if fmt == "xlsx" else {}),
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
