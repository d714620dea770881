"""The raw-load layer: a raw drop (csv / csv.gz, UTF-8 or GB18030) -> schema ``raw``.

Pure functions over paths and a DuckDB connection; Dagster wraps them as assets.
Contract: docs/contracts/raw_inputs.md; tables: docs/DESIGN.md "Raw schema".

    manifest = scan_drop(raw_dir)      # select, order, decode and header-check every file
    check_drop(manifest)               # StructuralError listing every rejected file
    load_source(con, manifest, "registry", seeds_dir)   # staged, then swapped in by one transaction
    load_source(con, manifest, "registry", seeds_dir, mode="incremental")  # changed files only
    load_source(..., min_share=0.5)    # ShrinkError instead of replacing published data with far less
"""

from .guard import ShrinkError, check_shrink, record_published
from .load import LoadResult, known_files, load_source
from .scan import DropManifest, FileInfo, StructuralError, check_drop, scan_drop
from .spec import SOURCES, SPECS

__all__ = [
    "SOURCES",
    "SPECS",
    "DropManifest",
    "FileInfo",
    "LoadResult",
    "ShrinkError",
    "StructuralError",
    "check_drop",
    "check_shrink",
    "known_files",
    "load_source",
    "record_published",
    "scan_drop",
]
